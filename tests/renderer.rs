//! The renderer: output that depends only on the input and the settings, voices that carry
//! their engine, set-up errors reported once, and a render that replaces its whole set of files.

use std::path::Path;

use crate::common::{self, articast, files_in, sample, sample_fake_render, sha256};
use predicates::prelude::*;

/// Checksums of the sample article rendered with the fake engine by the commit before the
/// renderer was introduced (96a65f4): the reshaping changed no output. The WAV carries the
/// version in its `ISFT` tag, so a version bump changes its checksum on purpose. Its checksum
/// changed once since, on purpose: the program gain is found from the loudness gathered while
/// the program is assembled (the level moved by 0.012 dB; no sample by more than 10 in 32,768).
/// The JSON chapters changed on purpose when their titles became the plain ones players show.
/// The WAV's `bext` loudness fields changed when the written file came to be measured by
/// articast's one-pass meter instead of the ebur128 crate (its audio data is unchanged). The
/// `.vtt` changed when its `NOTE` came to say where the word times come from (the fake engine's
/// events): without that note it is byte for byte the one before.
const FAKE_SAMPLE: [(&str, &str); 8] = [
    (
        "chapters.json",
        "b457200df18a525e975ca5acd29c78f825644c82b024fbf232947e7a7caa1edb",
    ),
    (
        "chapters.vtt",
        "f1f7fab3df8150f3d1cec3abd8687a3e5af7a89f5e13f55d3098ac4fe76e06b4",
    ),
    (
        "cue",
        "be4c1733219bcf6a9a452c076b5ced58707c39752647d725eeb2aeaaebf86595",
    ),
    (
        "ffmeta",
        "7e7508ff4a66349306e7bbc7d2a370bd43a5302c015a2dfd514c938093b8c135",
    ),
    (
        "srt",
        "3f601162f29eae90bbe1be878474cd2d1ccd6c41c5c981c6678ac066616be79d",
    ),
    (
        "timing.json",
        "cf18c7aa4f7ae2f1b92defd39c1fdeced93547f2838fd3afb820283d2a45caf3",
    ),
    (
        "vtt",
        "268e1b9f68b05b515c3860c1fbda9c8612d3904941108ecd1f8fe1cbeb6318ee",
    ),
    (
        "wav",
        "bcc700e1808811234f6e2d26940825e60e8c2eb172008748159e6286be344731",
    ),
];

#[test]
fn the_sample_renders_byte_identical_to_the_render_before_the_renderer() {
    let dir = sample_fake_render();
    for (suffix, expected) in FAKE_SAMPLE {
        let path = dir.join(format!("free-russian-legion.{suffix}"));
        assert_eq!(sha256(&path), expected, "{}", path.display());
    }
}

#[cfg(feature = "espeak")]
#[test]
fn an_article_renders_the_same_whatever_was_rendered_before_it_in_the_run() {
    // libespeak-ng keeps synthesis state between calls; each article gets a fresh worker.
    let dir = tempfile::tempdir().unwrap();
    let three = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::fs::copy(&three, &a).unwrap();
    std::fs::copy(&three, &b).unwrap();
    let out = dir.path().join("out");
    articast()
        .args(["render", "-q", "--sidecars", "timing", "-o"])
        .arg(&out)
        .args([&a, &b])
        .assert()
        .success();
    let same =
        std::fs::read(out.join("a.wav")).unwrap() == std::fs::read(out.join("b.wav")).unwrap();
    assert!(same, "the second render of the same article differs");
    // The timing map names its audio file; everything else in it is the same.
    let timing =
        |name: &str| std::fs::read_to_string(out.join(format!("{name}.timing.json"))).unwrap();
    assert_eq!(timing("a").replace("\"a.wav\"", "\"b.wav\""), timing("b"));
}

#[test]
fn inspect_into_a_closed_pipe_ends_quietly() {
    // Output far beyond a pipe's buffer, read by nobody.
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.txt");
    let body = std::fs::read_to_string(sample()).unwrap();
    std::fs::write(&long, body.repeat(30)).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("articast"))
        .arg("inspect")
        .arg(&long)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// A command profile whose program does not exist.
fn missing_program_profile(dir: &Path) -> std::path::PathBuf {
    let profile = dir.join("ghost.toml");
    std::fs::write(
        &profile,
        "engine = \"command\"\nvoice = \"x\"\n[command]\nargv = [\"no-such-tts-program\", \"{out_wav}\"]\n",
    )
    .unwrap();
    profile
}

#[test]
fn a_missing_engine_program_is_one_set_up_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let profile = missing_program_profile(dir.path());
    let out = dir.path().join("out");
    let three = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt");
    let assert = articast()
        .args(["render", "-q", "--voice"])
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .args([sample(), three])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("'no-such-tts-program' not found"));
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!out.exists(), "no output folder is left");
}

#[test]
fn the_fake_engine_speaks_every_voice_even_a_command_profile() {
    let dir = tempfile::tempdir().unwrap();
    let profile = missing_program_profile(dir.path());
    articast()
        .args(["render", "-q", "--engine", "fake", "--voice"])
        .arg(&profile)
        .arg("-o")
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    assert!(dir.path().join("free-russian-legion.wav").is_file());
}

#[test]
fn an_output_folder_that_is_a_file_is_named_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    articast()
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(&file)
        .arg(dir.path().join("missing.txt"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a file, not a folder"));
}

#[test]
fn a_new_render_replaces_the_files_of_the_last_one() {
    let dir = tempfile::tempdir().unwrap();
    let three = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt");
    let render = |extra: &[&str]| {
        articast()
            .args(["render", "-q", "--engine", "fake", "-o"])
            .arg(dir.path())
            .args(extra)
            .arg(&three)
            .assert()
            .success();
    };
    render(&["--split", "sections"]);
    let split = files_in(dir.path());
    assert!(
        split.iter().any(|f| f.starts_with("three-sections-01-")),
        "{split:?}"
    );
    render(&["--sidecars", "srt"]);
    assert_eq!(
        files_in(dir.path()),
        ["three-sections.srt", "three-sections.wav"]
    );
    let manifest = std::fs::read_to_string(dir.path().join(".three-sections.articast")).unwrap();
    assert!(
        manifest.lines().any(|l| l == "three-sections.srt"),
        "{manifest}"
    );
    // Files the renders did not write are never touched.
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    render(&["--sidecars", "none"]);
    assert!(dir.path().join("notes.txt").is_file());
    assert!(!dir.path().join("three-sections.srt").exists());
}

#[test]
fn a_flite_narrator_speaks_every_role_at_flite_s_rate() {
    if common::require_program("flite") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let three = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt");
    articast()
        .args([
            "render",
            "-q",
            "--voice",
            "flite",
            "--sidecars",
            "none",
            "-o",
        ])
        .arg(dir.path())
        .arg(three)
        .assert()
        .success();
    let reader = hound::WavReader::open(dir.path().join("three-sections.wav")).unwrap();
    assert_eq!(reader.spec().sample_rate, 16_000, "flite writes 16 kHz");
}

#[cfg(feature = "espeak")]
#[test]
fn the_espeak_worker_says_the_same_sentence_the_same_way_every_time() {
    use articast::engine::{Engine, Voice, worker::WorkerEngine};
    let exe = assert_cmd::cargo::cargo_bin("articast");
    let mut engine = WorkerEngine::start(&exe, "espeak-ng").unwrap();
    assert!(engine.info().stateless);
    let voice = Voice::default();
    let say = |engine: &mut WorkerEngine, text: &str| engine.synthesize(text, &voice).unwrap();
    let first = say(&mut engine, "Hello brave new world. It is a fine day.");
    let other = say(&mut engine, "Something else entirely, with a comma.");
    let again = say(&mut engine, "Hello brave new world. It is a fine day.");
    assert!(!first.samples.is_empty() && !other.samples.is_empty());
    assert_eq!(first, again, "the same text and voice give the same speech");
    // A second worker agrees with the first, whatever it spoke before: another voice (a
    // copy of the worker holds each voice), and a voice it cannot speak (answered with an
    // error, the worker goes on).
    let mut second = WorkerEngine::start(&exe, "espeak-ng").unwrap();
    let british = Voice {
        id: "en-gb".to_string(),
        rate: 210,
        ..Voice::default()
    };
    let other_voice = second
        .synthesize("Something else entirely.", &british)
        .unwrap();
    assert!(!other_voice.samples.is_empty());
    let unknown = Voice {
        id: "no-such-voice".to_string(),
        ..Voice::default()
    };
    let err = second.synthesize("Not spoken.", &unknown).unwrap_err();
    assert!(err.to_string().contains("unknown voice"), "{err}");
    assert_eq!(
        say(&mut second, "Hello brave new world. It is a fine day."),
        first
    );
    assert_eq!(
        second
            .synthesize("Something else entirely.", &british)
            .unwrap(),
        other_voice
    );
}
