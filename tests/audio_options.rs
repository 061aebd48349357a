//! The audio options through the binary, with the deterministic fake engine.
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{articast, ffprobe_chapters, files_in, python, sample};
use predicates::prelude::*;

fn render(dir: &Path, args: &[&str]) -> String {
    let out = articast()
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(dir)
        .args(args)
        .arg(sample())
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

#[test]
fn format_flags_give_a_24_bit_stereo_48k_file_with_its_markers() {
    let dir = tempfile::tempdir().unwrap();
    render(
        dir.path(),
        &["--channels", "2", "--sample-rate", "48000", "--bits", "24"],
    );
    let wav = dir.path().join("free-russian-legion.wav");
    let reader = hound::WavReader::open(&wav).unwrap();
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, 48_000, 24)
    );
    let chapters = ffprobe_chapters(&wav);
    assert!(chapters.len() >= 9);
    assert!(
        chapters
            .iter()
            .all(|c| c.frame < u64::from(reader.duration()))
    );
}

#[test]
fn loudness_figures_are_in_the_report_and_in_bext_v2_as_wavinfo_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let report = render(dir.path(), &[]);
    assert!(
        report.contains("LUFS") && report.contains("dBTP"),
        "{report}"
    );
    let wav = dir.path().join("free-russian-legion.wav");
    let code = "import sys, wavinfo\n\
                b = wavinfo.WavInfoReader(sys.argv[1]).bext\n\
                print(b.version, b.loudness_value, b.max_true_peak)";
    let out = Command::new(python())
        .args(["-c", code])
        .arg(&wav)
        .output()
        .expect("python runs (see scripts/setup.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<f64> = text
        .split_whitespace()
        .map(|f| f.parse().unwrap())
        .collect();
    assert_eq!(fields[0], 2.0);
    assert!((fields[1] + 16.0).abs() <= 0.5, "{text}");
    assert!(fields[2] <= -1.0, "{text}");
    // The report shows tenths; bext keeps hundredths (so -13.15 may show as -13.1 or -13.2).
    let shown = |unit: &str| -> f64 {
        let before = report.split(&format!(" {unit}")).next().unwrap();
        before
            .rsplit([' ', ';', ',', '('])
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        (shown("LUFS") - fields[1]).abs() <= 0.051,
        "{report} vs {text}"
    );
    assert!(
        (shown("dBTP") - fields[2]).abs() <= 0.051,
        "{report} vs {text}"
    );
}

#[test]
fn max_part_duration_splits_the_program_into_parts_under_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let whole = tempfile::tempdir().unwrap();
    render(whole.path(), &[]);
    render(dir.path(), &["--max-part-duration", "1m"]);
    let names: Vec<String> = files_in(dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".wav"))
        .collect();
    assert!(names.len() >= 3, "{names:?}");
    assert_eq!(names[0], "free-russian-legion-part01.wav");
    let mut total = 0;
    for name in &names {
        let reader = hound::WavReader::open(dir.path().join(name)).unwrap();
        assert!(reader.duration() <= 60 * 22_050, "{name} is too long");
        total += u64::from(reader.duration());
        let chapters = ffprobe_chapters(&dir.path().join(name));
        assert_eq!(chapters[0].frame, 0, "{name} starts without a marker");
    }
    let one = hound::WavReader::open(whole.path().join("free-russian-legion.wav")).unwrap();
    assert_eq!(total, u64::from(one.duration()));
}

/// The integrated loudness in a report line.
fn reported_lufs(report: &str) -> f64 {
    report
        .split("; ")
        .nth(1)
        .and_then(|s| s.split(" LUFS").next())
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap()
}

#[test]
fn loudness_off_leaves_the_engine_level_and_the_default_reaches_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let off = reported_lufs(&render(dir.path(), &["--loudness", "off"]));
    let on = reported_lufs(&render(dir.path(), &[]));
    let quieter = reported_lufs(&render(dir.path(), &["--loudness", "-23"]));
    // The fake engine's tones are louder than -16 LUFS.
    assert!(off > -15.0, "{off}");
    assert!((on + 16.0).abs() <= 0.5, "{on}");
    assert!((quieter + 23.0).abs() <= 0.5, "{quieter}");
}

#[test]
fn bad_audio_values_are_usage_errors_naming_the_flag() {
    for (flag, value) in [
        ("--loudness", "loud"),
        ("--channels", "3"),
        ("--bits", "32"),
        ("--true-peak", "2"),
        ("--max-part-duration", "soon"),
        ("--sample-rate", "100"),
    ] {
        articast()
            .args(["render", "--engine", "fake", flag, value])
            .arg(sample())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(flag));
    }
}
