//! Helpers shared by the integration tests: run the binary, read WAVs with independent tools.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The sample article the product was specified with.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/free-russian-legion.txt")
}

/// The articast binary under test.
pub fn articast() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("articast").expect("the articast binary is built for tests")
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
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
