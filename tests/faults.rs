//! Engine faults: a command engine that is killed mid-write, writes garbage, hangs, answers at
//! another rate, or fails once and then works. Each gives valid output or one clear line, and
//! never a partial file; a fault that may be transient is retried, and the retry is reported.

use std::path::{Path, PathBuf};

use crate::common::{articast, files_in, require_program};
use predicates::prelude::*;

/// A command voice profile running `script` with `sh -c` (`$0` the text file, `$1` the WAV to
/// write, `$2` a folder for the script's own state), with `extra` profile lines.
fn profile(dir: &Path, script: &str, extra: &str) -> PathBuf {
    let state = dir.join("state");
    std::fs::create_dir_all(&state).unwrap();
    let path = dir.join("engine.toml");
    let argv = serde_json::to_string(&[
        "sh",
        "-c",
        script,
        "{text_file}",
        "{out_wav}",
        &state.to_string_lossy(),
    ])
    .unwrap();
    std::fs::write(
        &path,
        format!("engine = \"command\"\nvoice = \"x\"\n[command]\nargv = {argv}\n{extra}"),
    )
    .unwrap();
    path
}

/// Speaks a short tone (sox) into `$1`; the rate is the shell variable `rate`.
const TONE: &str = "sox -n -r ${rate:-16000} -b 16 -c 1 \"$1\" synth 0.4 sine 440";

fn article(dir: &Path) -> PathBuf {
    let path = dir.join("article.txt");
    std::fs::write(
        &path,
        "A Title\n\nThe first paragraph is plain.\n\nA Zebra crossed the road at noon today.\n",
    )
    .unwrap();
    path
}

fn render(dir: &Path, profile: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    articast()
        .args(["render", "-q", "--no-cache", "--voice"])
        .arg(profile)
        .arg("-o")
        .arg(dir.join("out"))
        .args(extra)
        .arg(article(dir))
        .timeout(std::time::Duration::from_secs(120))
        .assert()
}

/// How many times the script ran on the Zebra sentence (it appends a line each time).
fn attempts(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("state/zebra"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

#[test]
fn a_program_killed_mid_write_every_time_fails_the_article_after_three_attempts() {
    if require_program("sox") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // On the Zebra sentence: half a WAV, then the program kills itself.
    let script = format!(
        "if grep -q Zebra \"$0\"; then echo try >> \"$2/zebra\"; {TONE}; \
         head -c 200 \"$1\" > \"$1.part\"; mv \"$1.part\" \"$1\"; kill -9 $$; fi; {TONE}"
    );
    let engine = profile(dir.path(), &script, "");
    render(dir.path(), &engine, &[]).code(1).stderr(
        predicate::str::contains("article.txt: ")
            .and(predicate::str::contains("Zebra"))
            .and(predicate::str::contains("signal: 9")),
    );
    assert_eq!(attempts(dir.path()), 3);
    let out = dir.path().join("out");
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));
}

#[test]
fn a_fault_that_passes_is_retried_reported_and_the_render_is_whole() {
    if require_program("sox") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The first try on the Zebra sentence is killed; the second speaks.
    let script = format!(
        "if grep -q Zebra \"$0\"; then echo try >> \"$2/zebra\"; \
         if [ \"$(wc -l < \"$2/zebra\")\" -lt 2 ]; then kill -9 $$; fi; fi; {TONE}"
    );
    let engine = profile(dir.path(), &script, "");
    let report = dir.path().join("report.json");
    render(dir.path(), &engine, &["--report", report.to_str().unwrap()])
        .success()
        .stderr(
            predicate::str::contains("retried after:").and(predicate::str::contains("signal: 9")),
        );
    assert_eq!(attempts(dir.path()), 2);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let entry = &json["articles"][0];
    let retried = entry["retried"].as_array().expect("a retried list");
    assert_eq!(retried.len(), 1, "{entry}");
    assert!(
        retried[0].as_str().unwrap().contains("signal: 9"),
        "{entry}"
    );
    // Every utterance is in the file: three of 0.4 s each, and the pauses between.
    let wav = hound::WavReader::open(dir.path().join("out/article.wav")).unwrap();
    let seconds = wav.duration() as f64 / f64::from(wav.spec().sample_rate);
    assert!((1.2..4.0).contains(&seconds), "{seconds} s");
}

#[test]
fn garbage_for_a_wav_is_one_line_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        "if grep -q Zebra \"$0\"; then echo try >> \"$2/zebra\"; \
         head -c 5000 /dev/urandom > \"$1\"; exit 0; fi; {TONE}"
    );
    if require_program("sox") {
        return;
    }
    let engine = profile(dir.path(), &script, "");
    let assert = render(dir.path(), &engine, &[]).code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("WAV is broken"), "{stderr}");
    assert!(files_in(&dir.path().join("out")).is_empty());
}

#[test]
fn a_program_that_hangs_is_stopped_at_its_timeout_and_named() {
    if require_program("sox") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script =
        format!("if grep -q Zebra \"$0\"; then echo try >> \"$2/zebra\"; sleep 30; fi; {TONE}");
    let engine = profile(dir.path(), &script, "timeout_seconds = 0.5\n");
    render(dir.path(), &engine, &[])
        .code(1)
        .stderr(predicate::str::contains(
            "took longer than 0.5 s and was stopped",
        ));
    assert_eq!(attempts(dir.path()), 3);
    assert!(files_in(&dir.path().join("out")).is_empty());
}

#[test]
fn speech_at_another_rate_than_the_probe_is_resampled_into_the_program() {
    if require_program("sox") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The probe and most sentences at 16 kHz, the Zebra sentence at 8 kHz, stereo.
    let script = format!(
        "if grep -q Zebra \"$0\"; then sox -n -r 8000 -b 16 -c 2 \"$1\" synth 0.4 sine 440; \
         exit 0; fi; {TONE}"
    );
    let engine = profile(dir.path(), &script, "");
    render(dir.path(), &engine, &["--loudness", "off"]).success();
    let wav = hound::WavReader::open(dir.path().join("out/article.wav")).unwrap();
    assert_eq!(wav.spec().sample_rate, 16_000);
    let rate = f64::from(wav.spec().sample_rate);
    let samples: Vec<i16> = wav.into_samples().map(Result::unwrap).collect();
    // Three tones of 0.4 s: the 8 kHz one as long as the others once resampled.
    let loud = samples.iter().filter(|s| s.unsigned_abs() > 1_000).count() as f64 / rate;
    assert!((0.9..1.3).contains(&loud), "{loud} s of tone");
}
