//! Helpers shared by the integration tests: run the binary, read WAVs with independent tools.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The sample article the product was specified with.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/free-russian-legion.txt")
}

/// The articast binary under test, with an utterance cache of this test run's own (never the
/// user's).
pub fn articast() -> assert_cmd::Command {
    let mut cmd =
        assert_cmd::Command::cargo_bin("articast").expect("the articast binary is built for tests");
    cmd.env("ARTICAST_CACHE_DIR", test_cache());
    cmd
}

/// The utterance cache of this test run.
pub fn test_cache() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
        .path()
}

/// A chapter as an outside reader reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Start frame.
    pub frame: u64,
    /// Label.
    pub label: String,
}

/// Chapters of a WAV according to `ffprobe -show_chapters` (FFmpeg's WAV demuxer).
pub fn ffprobe_chapters(path: &Path) -> Vec<Marker> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs (install ffmpeg: see README)");
    assert!(
        out.status.success(),
        "ffprobe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ffprobe prints JSON");
    json["chapters"]
        .as_array()
        .expect("a chapters array")
        .iter()
        .map(|c| Marker {
            frame: c["start"]
                .as_u64()
                .expect("integer start in the 1/sample_rate time base"),
            label: c["tags"]["title"].as_str().unwrap_or("").to_string(),
        })
        .collect()
}

/// The Python that has the test tools' packages: `ARTICAST_TEST_PYTHON`, else the project's
/// `.venv` made by `scripts/setup.sh`, else `python3`.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("ARTICAST_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// Markers as read by `tests/tools/read_markers.py` with `reader` (`wavinfo` or `sndfile`).
pub fn python_markers(reader: &str, path: &Path) -> Vec<Marker> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/read_markers.py");
    let out = Command::new(python())
        .arg(script)
        .arg(reader)
        .arg(path)
        .output()
        .expect("python runs (see scripts/setup.sh)");
    assert!(
        out.status.success(),
        "{reader} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("JSON from read_markers.py");
    json.as_array()
        .expect("a list of markers")
        .iter()
        .map(|m| Marker {
            frame: m["frame"].as_u64().expect("frame"),
            label: m["label"].as_str().expect("label").to_string(),
        })
        .collect()
}

/// Files in `dir` (names only), sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                // The render's manifest (`.<stem>.articast`) is its own business; any other
                // file, a hidden temporary one included, is listed.
                .filter(|name| !(name.starts_with('.') && name.ends_with(".articast")))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The names of everything one default render of `stem` writes (the WAV and every sidecar),
/// sorted.
pub fn outputs(stem: &str) -> Vec<String> {
    let mut names: Vec<String> = [
        "wav",
        "chapters.json",
        "ffmeta",
        "cue",
        "chapters.vtt",
        "srt",
        "vtt",
        "timing.json",
        "html",
    ]
    .iter()
    .map(|ext| format!("{stem}.{ext}"))
    .collect();
    names.sort();
    names
}

/// A caption or chapter cue as webvtt-py reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// Start in seconds.
    pub start: f64,
    /// End in seconds.
    pub end: f64,
    /// Text (lines joined by `\n`).
    pub text: String,
}

/// The cues of a `.vtt` or `.srt` file according to webvtt-py (`tests/tools/read_captions.py`);
/// panics with the parser's message if it rejects the file.
pub fn webvtt_cues(path: &Path) -> Vec<Cue> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/read_captions.py");
    let out = Command::new(python())
        .arg(script)
        .arg(path)
        .output()
        .expect("python runs (see scripts/setup.sh)");
    assert!(
        out.status.success(),
        "webvtt-py rejects {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("JSON from read_captions.py");
    json.as_array()
        .expect("a list of cues")
        .iter()
        .map(|c| Cue {
            start: c["start"].as_f64().expect("start"),
            end: c["end"].as_f64().expect("end"),
            text: c["text"].as_str().expect("text").to_string(),
        })
        .collect()
}

/// Renders the sample with the fake engine into `dir`, with extra arguments.
pub fn render_fake(dir: &Path, extra: &[&str]) {
    articast()
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(dir)
        .args(extra)
        .arg(sample())
        .assert()
        .success();
}

/// The sample article rendered once per test run with the fake engine and default settings,
/// shared by every test that only reads it (the folder lives as long as the test process).
pub fn sample_fake_render() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| render_sample_once(&["--engine", "fake"]))
        .path()
}

/// The sample article rendered once per test run with libespeak-ng and default settings,
/// shared by every test that only reads it.
#[cfg(feature = "espeak")]
pub fn sample_espeak_render() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| render_sample_once(&[])).path()
}

/// Renders the sample with `args` into a new temporary folder.
fn render_sample_once(args: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    articast()
        .args(["render", "-q"])
        .args(args)
        .arg("-o")
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    dir
}

/// SHA-256 of a file, by the system's `sha256sum` (coreutils).
pub fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum runs");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Whether a test that needs `program` must be skipped: true (with the reason printed) when it
/// is not installed on a developer's machine; under CI (`CI` set), where the set-up installs
/// it, its absence fails the test instead.
pub fn require_program(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()));
    if found {
        return false;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{program} is not installed, and CI must run this test (scripts/setup.sh installs it)"
    );
    println!("skipped: {program} is not installed (scripts/setup.sh installs it)");
    true
}
