//! Real-engine tests: libespeak-ng speaks the sample article, and readers that are not ours
//! (FFmpeg, libsndfile, Python wavinfo) read the markers back.
#![cfg(feature = "espeak")]

use crate::common;

use common::{articast, ffprobe_chapters, files_in, python_markers, sample};
use predicates::prelude::*;

#[test]
fn sample_article_markers_read_the_same_in_ffprobe_wavinfo_and_libsndfile() {
    let wav = crate::common::sample_espeak_render().join("free-russian-legion.wav");
    let reader = hound::WavReader::open(&wav).unwrap();
    let seconds = f64::from(reader.duration()) / f64::from(reader.spec().sample_rate);
    assert!(seconds > 120.0, "only {seconds:.1} s of speech");

    let ffprobe = ffprobe_chapters(&wav);
    let sections = ffprobe
        .iter()
        .filter(|m| m.label.starts_with("Section: "))
        .count();
    let quotes = ffprobe
        .iter()
        .filter(|m| m.label.starts_with("Quote: "))
        .count();
    assert!(
        sections >= 1 && quotes >= 8,
        "{sections} sections, {quotes} quotes"
    );
    assert_eq!(ffprobe[0].frame, 0);
    assert_eq!(
        python_markers("wavinfo", &wav),
        ffprobe,
        "wavinfo disagrees with ffprobe"
    );
    assert_eq!(
        python_markers("sndfile", &wav),
        ffprobe,
        "libsndfile disagrees with ffprobe"
    );
}

#[test]
fn espeak_without_its_data_fails_with_exit_1_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let no_data = tempfile::tempdir().unwrap();
    articast()
        .env("ARTICAST_ESPEAK_DATA", no_data.path())
        .args(["render", "-o"])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: the narrator voice: espeak-ng: libespeak-ng could not load its voice data",
        ));
    assert!(files_in(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_run_with_exit_130_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    // About five hours of speech: the render is still speaking when the signal comes.
    let long = dir.path().join("long.txt");
    let body = std::fs::read_to_string(sample()).unwrap();
    std::fs::write(&long, body.repeat(50)).unwrap();
    let out = dir.path().join("out");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("articast"))
        .args(["render", "-q", "-o"])
        .arg(&out)
        .arg(&long)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("long.txt: interrupted; no file written"),
        "{stderr}"
    );
    assert!(
        files_in(&out).is_empty(),
        "left behind: {:?}",
        files_in(&out)
    );
}

#[test]
fn lexicon_phonemes_are_spoken_by_espeak_and_captions_keep_the_word() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let body = "We met WORD at noon in the village by the river, where the road ends.\n";
    let zaza = write("zaza.txt", &body.replace("WORD", "Zaza"));
    let banana = write("banana.txt", &body.replace("WORD", "banana"));
    // espeak-ng's own phonemes for "banana" (`espeak-ng -v en-us -x banana`).
    let lexicon = write(
        "lexicon.toml",
        "[[phonemes]]\nword = \"Zaza\"\nphonemes = \"ba#n'an@\"\n",
    );
    let render = |input: &std::path::Path, out: &str| {
        articast()
            .args(["render", "-q", "--lexicon"])
            .arg(&lexicon)
            .arg("-o")
            .arg(dir.path().join(out))
            .arg(input)
            .assert()
            .success();
    };
    render(&zaza, "a");
    render(&banana, "b");
    let samples = |path: std::path::PathBuf| -> Vec<i16> {
        hound::WavReader::open(path)
            .unwrap()
            .samples::<i16>()
            .map(Result::unwrap)
            .collect()
    };
    let (a, b) = (
        samples(dir.path().join("a/zaza.wav")),
        samples(dir.path().join("b/banana.wav")),
    );
    assert!(a.len() > 22_050);
    assert_eq!(a, b, "the phonemes were not spoken as written");
    let captions = std::fs::read_to_string(dir.path().join("a/zaza.srt")).unwrap();
    assert!(captions.contains("We met Zaza at noon"), "{captions}");
}
