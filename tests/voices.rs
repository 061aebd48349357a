//! Voice profiles and engines through the binary.

use crate::common;

use std::path::Path;

use common::{articast, files_in, sample};
use predicates::prelude::*;

/// The samples of a mono WAV.
fn samples(path: &Path) -> (u32, Vec<i16>) {
    let mut reader = hound::WavReader::open(path).expect("a readable WAV");
    let rate = reader.spec().sample_rate;
    (
        rate,
        reader
            .samples::<i16>()
            .collect::<Result<_, _>>()
            .expect("16-bit samples"),
    )
}

/// Quotation regions [start, end) in frames, from the chapters sidecar.
fn quote_regions(chapters_json: &Path, rate: u32) -> Vec<(usize, usize)> {
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(chapters_json).expect("the chapters sidecar"),
    )
    .expect("JSON");
    json["chapters"]
        .as_array()
        .expect("a chapters array")
        .iter()
        // Quotations are the entries kept out of the table of contents.
        .filter(|c| c["toc"] == false)
        .map(|c| {
            let frame =
                |key: &str| (c[key].as_f64().expect("seconds") * f64::from(rate)).round() as usize;
            (frame("startTime"), frame("endTime"))
        })
        .collect()
}

/// The audio cut into alternating narration and quotation stretches.
fn stretches(audio: &[i16], quotes: &[(usize, usize)]) -> (Vec<Vec<i16>>, Vec<Vec<i16>>) {
    let (mut narration, mut quoted) = (Vec::new(), Vec::new());
    let mut at = 0;
    for &(start, end) in quotes {
        narration.push(audio[at..start.min(audio.len())].to_vec());
        quoted.push(audio[start.min(audio.len())..end.min(audio.len())].to_vec());
        at = end.min(audio.len());
    }
    narration.push(audio[at..].to_vec());
    (narration, quoted)
}

/// Whether `b` holds the inside of `a` at some shift of at most `max` frames. The pause next to
/// a quotation is measured from the quote voice's own edges and the sidecar's times are rounded
/// to the millisecond, so a narration stretch may start a little earlier or later.
fn same_within_shift(a: &[i16], b: &[i16], max: usize) -> bool {
    if a.len() <= 4 * max || b.len() <= 4 * max {
        return a.len().abs_diff(b.len()) <= 2 * max;
    }
    let inner = &a[2 * max..a.len() - 2 * max];
    (0..=2 * max).any(|k| {
        b.get(max + k..max + k + inner.len())
            .is_some_and(|w| w == inner)
    })
}

#[test]
fn quotations_are_spoken_in_the_quote_voice_and_nothing_else_changes() {
    let dir = tempfile::tempdir().unwrap();
    for (out, extra) in [("with", None), ("without", Some("--no-quote-voice"))] {
        let mut cmd = articast();
        cmd.args(["render", "--engine", "fake", "--loudness", "off", "-o"])
            .arg(dir.path().join(out))
            .arg(sample());
        if let Some(flag) = extra {
            cmd.arg(flag);
        }
        cmd.assert().success();
    }
    let wav = |out: &str| dir.path().join(out).join("free-russian-legion.wav");
    let json = |out: &str| {
        dir.path()
            .join(out)
            .join("free-russian-legion.chapters.json")
    };
    let (rate, with) = samples(&wav("with"));
    let (_, without) = samples(&wav("without"));
    let (narration_a, quotes_a) = stretches(&with, &quote_regions(&json("with"), rate));
    let (narration_b, quotes_b) = stretches(&without, &quote_regions(&json("without"), rate));
    assert!(quotes_a.len() >= 8 && quotes_a.len() == quotes_b.len());
    for (i, (a, b)) in quotes_a.iter().zip(&quotes_b).enumerate() {
        assert_ne!(a, b, "quotation {i} sounds the same in both renders");
    }
    for (i, (a, b)) in narration_a.iter().zip(&narration_b).enumerate() {
        assert!(
            same_within_shift(a, b, 32),
            "narration stretch {i} differs ({} vs {} frames)",
            a.len(),
            b.len()
        );
    }
}

#[test]
fn a_flite_profile_renders_the_sample_article() {
    if crate::common::require_program("flite") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args([
            "render",
            "-q",
            "--voice",
            "flite",
            "--quote-voice",
            "flite",
            "--heading-voice",
            "flite",
            "-o",
        ])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    let (rate, audio) = samples(&dir.path().join("free-russian-legion.wav"));
    let seconds = audio.len() as f64 / f64::from(rate);
    assert!(seconds > 120.0, "only {seconds:.1} s");
    assert!(
        audio.iter().any(|&s| s.unsigned_abs() > 3_000),
        "silent audio"
    );
}

#[test]
fn a_command_profile_that_cannot_speak_is_a_set_up_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "missing",
            r#"argv = ["no-such-tts-program", "{text_file}", "{out_wav}"]"#,
            "not found",
        ),
        (
            "hangs",
            r#"argv = ["sleep", "10"]
timeout_seconds = 0.3"#,
            "took longer than",
        ),
        (
            "exits",
            r#"argv = ["sh", "-c", "echo no voice >&2; exit 4"]"#,
            "exit status: 4",
        ),
        ("nowav", r#"argv = ["true"]"#, "wrote no WAV"),
        (
            "broken",
            r#"argv = ["sh", "-c", "echo junk > \"$0\"", "{out_wav}"]"#,
            "WAV is broken",
        ),
    ];
    for (name, command, message) in cases {
        let profile = dir.path().join(format!("{name}.toml"));
        std::fs::write(
            &profile,
            format!("engine = \"command\"\nvoice = \"x\"\n[command]\n{command}\n"),
        )
        .unwrap();
        let out = dir.path().join(format!("out-{name}"));
        articast()
            .args(["render", "--voice"])
            .arg(&profile)
            .args(["--quote-voice", "narrator", "--heading-voice"])
            .arg(&profile)
            .arg("-o")
            .arg(&out)
            .arg(sample())
            .assert()
            .code(1)
            .stderr(
                predicate::str::starts_with("error: the narrator voice: ")
                    .and(predicate::str::contains(message)),
            );
        assert!(!out.exists(), "{name}: left {:?}", files_in(&out));
    }
}

#[test]
fn an_engine_failing_on_one_article_fails_that_article_only_and_leaves_no_file() {
    // A program that speaks (a tone, by sox) unless the text holds "Zebra".
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("picky.toml");
    std::fs::write(
        &profile,
        r#"engine = "command"
voice = "x"
[command]
argv = ["sh", "-c", "if grep -q Zebra \"$0\"; then echo no zebras >&2; exit 3; fi; sox -n -r 16000 -b 16 -c 1 \"$1\" synth 0.3 sine 440", "{text_file}", "{out_wav}"]
"#,
    )
    .unwrap();
    let zebra = dir.path().join("zebra.txt");
    std::fs::write(
        &zebra,
        "A Title\n\nA Zebra crossed the road at noon today.\n",
    )
    .unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "A Title\n\nA short article with one paragraph.\n").unwrap();
    let out = dir.path().join("out");
    articast()
        .args(["render", "-q", "--voice"])
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .args([&zebra, &good])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("zebra.txt: ")
                .and(predicate::str::contains("exit status: 3"))
                .and(predicate::str::contains("no zebras")),
        );
    let written = files_in(&out);
    assert!(
        written.iter().all(|f| f.starts_with("good.")),
        "{written:?}"
    );
    assert!(written.contains(&"good.wav".to_string()), "{written:?}");
}

#[test]
fn a_broken_profile_is_a_usage_error_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("bad.toml");
    std::fs::write(
        &profile,
        "engine = \"espeak-ng\"\nvoice = \"en-us\"\nrate = 9000\n",
    )
    .unwrap();
    articast()
        .args(["render", "--engine", "fake", "--voice"])
        .arg(&profile)
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml:3:1: rate = 9000 is out of range",
        ));
    articast()
        .args(["render", "--engine", "fake", "--voice", "missing.toml"])
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml: cannot read"));
}

#[test]
fn voices_lists_each_profile_once_with_its_origin_and_engine() {
    let inside = articast().arg("voices").assert().success();
    let text = String::from_utf8_lossy(&inside.get_output().stdout).into_owned();
    let quote_lines = text
        .lines()
        .filter(|l| l.trim_start().starts_with("quote "))
        .count();
    assert_eq!(quote_lines, 1, "{text}");
    assert!(text.contains("voices/quote.toml"), "{text}");
    assert!(
        text.contains("[unavailable: 'say' not installed]"),
        "{text}"
    );
    // Outside the repository the built-in profiles are the ones found.
    let elsewhere = tempfile::tempdir().unwrap();
    articast()
        .arg("voices")
        .current_dir(elsewhere.path())
        .env("XDG_CONFIG_HOME", elsewhere.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("quote").and(predicate::str::contains("built-in")));
}

#[cfg(feature = "espeak")]
#[test]
fn an_espeak_voice_id_is_a_voice_and_an_unknown_one_a_set_up_error() {
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.txt");
    std::fs::write(&short, "A Title\n\nA short article with one paragraph.\n").unwrap();
    articast()
        .args(["render", "-q", "--voice", "en-gb", "-o"])
        .arg(dir.path())
        .arg(&short)
        .assert()
        .success();
    assert!(dir.path().join("short.wav").is_file());
    articast()
        .args(["render", "-q", "--voice", "nobody", "-o"])
        .arg(dir.path().join("never"))
        .arg(&short)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown voice 'nobody'"));
}

/// A French page pasted with its menus (Le Monde, from Readability's `lemonde-1` test page) is
/// cleaned as an English one is: its headline, its byline from the line of page details, the
/// article from its first paragraph to its last, without the menus or the author's box; and it
/// is read by espeak-ng's French voice.
#[test]
fn a_french_page_is_cleaned_and_read_by_the_french_espeak_voice() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lemonde-fr.txt");
    let out = articast()
        .args(["inspect", "--json", "--engine", "espeak"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["language"], "fr");
    assert_eq!(report["voice"]["id"], "fr");
    assert_eq!(report["voice"]["from"], "article language");
    assert_eq!(
        report["title"],
        "Le projet de loi sur le renseignement massivement approuvé à l'Assemblée"
    );
    assert_eq!(report["byline"], "Martin Untersinger");
    let blocks: Vec<&str> = report["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert!(
        blocks[0].starts_with("Les députés ont, sans surprise"),
        "{}",
        blocks[0]
    );
    assert!(
        blocks
            .last()
            .unwrap()
            .starts_with("La loi prévoit également"),
        "{blocks:?}"
    );
    for menu in ["Suivre", "Abonnez", "Annonces", "Untersinger"] {
        assert!(!blocks.iter().any(|b| b.contains(menu)), "{menu} is spoken");
    }
}

/// A German page with the default narrator (a profile that names a language, not a voice) is
/// read by espeak-ng's German voice: `inspect` says so, and the audio is the same as the one
/// rendered with `--voice de` and not the one rendered with `--voice en-us`.
#[test]
fn a_german_page_is_read_by_the_german_espeak_voice() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/heise-de.txt");
    let out = articast()
        .args(["inspect", "--json", "--engine", "espeak"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["language"], "de");
    assert_eq!(report["voice"]["id"], "de");
    assert_eq!(report["voice"]["engine"], "espeak-ng");
    assert_eq!(report["voice"]["from"], "article language");
    let english = articast()
        .args(["inspect", "--json"])
        .arg(sample())
        .output()
        .unwrap();
    let english: serde_json::Value = serde_json::from_slice(&english.stdout).unwrap();
    assert_eq!(english["voice"]["id"], "en-us");
    assert_eq!(english["voice"]["from"], "profile");

    let dir = tempfile::tempdir().unwrap();
    let render = |name: &str, voice: Option<&str>| {
        let out = dir.path().join(name);
        let mut cmd = articast();
        cmd.args([
            "render",
            "--engine",
            "espeak",
            "--sidecars",
            "none",
            "--no-cache",
        ])
        .arg("-o")
        .arg(&out)
        .arg(&page);
        if let Some(voice) = voice {
            cmd.args(["--voice", voice]);
        }
        cmd.assert().success();
        samples(&out.join("heise-de.wav")).1
    };
    let chosen = render("default", None);
    assert_eq!(chosen, render("de", Some("de")), "not the German voice");
    assert_ne!(chosen, render("en", Some("en-us")), "the English voice");
}
