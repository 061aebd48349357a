//! Whole-binary tests with the deterministic fake engine.

use crate::common;

use common::{articast, ffprobe_chapters, files_in, outputs, sample};
use predicates::prelude::*;

#[test]
fn render_writes_a_wav_with_a_section_marker_and_quote_markers() {
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args(["render", "--engine", "fake", "-o"])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success()
        .stderr(predicate::str::contains("free-russian-legion.wav"));
    let wav = dir.path().join("free-russian-legion.wav");
    let reader = hound::WavReader::open(&wav).unwrap();
    assert_eq!(reader.spec().channels, 1);
    assert_eq!(reader.spec().sample_rate, 22_050);
    let frames = u64::from(reader.duration());
    let chapters = ffprobe_chapters(&wav);
    assert_eq!(chapters[0].frame, 0);
    assert_eq!(
        chapters[0].label,
        "Section: The Free Russian Legion, Russian soldiers fighting…"
    );
    let quotes = chapters
        .iter()
        .filter(|c| c.label.starts_with("Quote: "))
        .count();
    assert!(quotes >= 8, "{quotes} quote markers");
    assert!(chapters.windows(2).all(|w| w[0].frame <= w[1].frame));
    assert!(
        chapters
            .iter()
            .all(|c| c.frame < frames && c.label.chars().count() <= 60)
    );
    assert_eq!(files_in(dir.path()), outputs("free-russian-legion"));
}

#[test]
fn the_fake_engine_renders_the_same_bytes_twice() {
    let dir = tempfile::tempdir().unwrap();
    for out in ["a", "b"] {
        articast()
            .args(["render", "--engine", "fake", "-o"])
            .arg(dir.path().join(out))
            .arg(sample())
            .assert()
            .success();
    }
    let a = std::fs::read(dir.path().join("a/free-russian-legion.wav")).unwrap();
    let b = std::fs::read(dir.path().join("b/free-russian-legion.wav")).unwrap();
    assert!(a == b, "two renders differ");
}

#[test]
fn stdin_input_is_written_as_stdin_wav() {
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args(["render", "--engine", "fake", "-", "-o"])
        .arg(dir.path())
        .write_stdin("A Short Title\n\nOne paragraph of text to speak.\n")
        .assert()
        .success();
    assert_eq!(files_in(dir.path()), outputs("stdin"));
}

#[test]
fn a_missing_input_fails_with_exit_2_and_the_others_are_rendered() {
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args(["render", "--engine", "fake", "no-such-article.txt", "-o"])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: no-such-article.txt: no such file",
        ));
    assert_eq!(files_in(dir.path()), outputs("free-russian-legion"));
    // A failure after a rendered input leaves that input's files as they were.
    let before = std::fs::read(dir.path().join("free-russian-legion.wav")).unwrap();
    articast()
        .args(["render", "--engine", "fake", "-o"])
        .arg(dir.path())
        .arg(sample())
        .arg("no-such-article.txt")
        .assert()
        .code(2);
    assert_eq!(files_in(dir.path()), outputs("free-russian-legion"));
    assert_eq!(
        std::fs::read(dir.path().join("free-russian-legion.wav")).unwrap(),
        before
    );
}

#[test]
fn invalid_utf8_forced_as_utf8_names_the_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.txt");
    std::fs::write(&bad, b"Title\n\nCaf\xe9 society.\n").unwrap();
    articast()
        .args(["render", "--engine", "fake", "--encoding", "utf-8", "-o"])
        .arg(dir.path().join("out"))
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "latin1.txt: not valid UTF-8 text (bad byte at line 3, column 4)",
        ));
    assert!(files_in(&dir.path().join("out")).is_empty());
}

#[test]
fn an_article_of_only_boilerplate_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(
        &empty,
        "Leave a Comment\n\nThis site uses Akismet to reduce spam.\n",
    )
    .unwrap();
    articast()
        .args(["render", "--engine", "fake", "-o"])
        .arg(dir.path().join("out"))
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty.txt: the article is empty"));
    assert!(files_in(&dir.path().join("out")).is_empty());
}

#[test]
fn a_folder_without_articles_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args(["render", "--engine", "fake", "-o"])
        .arg(dir.path().join("out"))
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: no articles (.txt .md .markdown .html .htm) in",
        ));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn two_inputs_with_the_same_stem_do_not_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("free-russian-legion.txt");
    std::fs::write(&other, "Another Title\n\nOther text here.\n").unwrap();
    articast()
        .args(["render", "-q", "--engine", "fake", "--sidecars", "none", "-o"])
        .arg(dir.path().join("out"))
        .arg(sample())
        .arg(&other)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "named free-russian-legion-2 because an earlier input of this run is named free-russian-legion",
        ));
    assert_eq!(
        files_in(&dir.path().join("out")),
        ["free-russian-legion-2.wav", "free-russian-legion.wav"]
    );
}

#[test]
fn an_output_folder_that_is_a_file_fails_with_exit_1_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("out");
    std::fs::write(&blocker, "not a folder").unwrap();
    articast()
        .args(["render", "--engine", "fake", "-o"])
        .arg(&blocker)
        .arg(sample())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a file, not a folder"));
    assert_eq!(files_in(dir.path()), vec!["out"]);
}

#[test]
fn a_usage_error_exits_with_2() {
    articast().args(["render"]).assert().code(2);
    articast()
        .args(["render", "--engine", "nonsense", "x.txt"])
        .assert()
        .code(2);
}

#[test]
fn inspect_json_shows_the_article_model_and_what_was_dropped() {
    let out = articast()
        .args(["inspect", "--json"])
        .arg(sample())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        json["title"],
        "The Free Russian Legion, Russian soldiers fighting for Ukraine"
    );
    assert_eq!(json["byline"], "Michael Schwirtz");
    assert_eq!(json["credits"][0], "Translation by Jaime Arrambide");
    let blocks = json["blocks"].as_array().unwrap();
    assert!(
        blocks
            .iter()
            .all(|b| b["kind"] == "paragraph" || b["kind"] == "heading")
    );
    let quotes: usize = blocks
        .iter()
        .map(|b| {
            b["spans"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["kind"] == "quote")
                .count()
        })
        .sum();
    assert!(quotes >= 8);
    let dropped: Vec<&str> = json["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    assert!(dropped.iter().any(|d| d.starts_with("Home »")));
    assert!(dropped.contains(&"Leave a Comment"));
}

#[test]
fn inspect_text_view_lists_quotes_and_dropped_lines() {
    articast()
        .arg("inspect")
        .arg(sample())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "title:    The Free Russian Legion",
        ))
        .stdout(predicate::str::contains("[breadcrumb] Home » World"))
        .stdout(predicate::str::contains("quote ("));
}

#[test]
fn inspect_of_a_missing_file_exits_2() {
    articast()
        .args(["inspect", "missing.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: missing.txt: no such file"));
}

#[cfg(unix)]
#[test]
fn outputs_get_the_mode_of_an_ordinary_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args(["render", "--engine", "fake", "-o"])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    let plain = dir.path().join("plain");
    std::fs::write(&plain, "x").unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode(&dir.path().join("free-russian-legion.wav")),
        mode(&plain)
    );
}

#[test]
fn a_lexicon_respells_words_for_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let lexicon = dir.path().join("lexicon.toml");
    std::fs::write(&lexicon, "[words]\nSchwirtz = \"Shwurts\"\n").unwrap();
    articast()
        .args(["render", "--engine", "fake", "--lexicon"])
        .arg(&lexicon)
        .arg("-o")
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    // The engine says the respelling; the captions keep the name as written.
    let captions = std::fs::read_to_string(dir.path().join("free-russian-legion.srt")).unwrap();
    assert!(captions.contains("By Michael Schwirtz."), "{captions}");
    let timing =
        std::fs::read_to_string(dir.path().join("free-russian-legion.timing.json")).unwrap();
    assert!(
        timing.contains("\"speech\": \"By Michael Shwurts.\""),
        "{timing}"
    );
}

#[test]
fn a_voice_profile_brings_its_own_lexicon_and_the_flag_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("reader.toml"),
        "engine = \"espeak-ng\"\nvoice = \"en-us\"\nlexicon = \"names.toml\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("names.toml"),
        "[words]\nSchwirtz = \"Shwurts\"\n",
    )
    .unwrap();
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "[words]\nSchwirtz = \"Schwarz\"\n").unwrap();
    let render = |extra: &[&std::ffi::OsStr]| {
        articast()
            .args(["render", "--engine", "fake", "--voice"])
            .arg(dir.path().join("reader.toml"))
            .args(extra)
            .arg("-o")
            .arg(dir.path().join("out"))
            .arg(sample())
            .assert()
            .success();
        std::fs::read_to_string(dir.path().join("out/free-russian-legion.timing.json")).unwrap()
    };
    assert!(render(&[]).contains("\"speech\": \"By Michael Shwurts.\""));
    let flagged = render(&["--lexicon".as_ref(), other.as_os_str()]);
    assert!(
        flagged.contains("\"speech\": \"By Michael Schwarz.\""),
        "{flagged}"
    );
}

#[test]
fn a_broken_lexicon_is_a_usage_error_naming_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let lexicon = dir.path().join("lexicon.toml");
    std::fs::write(&lexicon, "[words]\nfine = \"ok\"\nbroken = 7\n").unwrap();
    articast()
        .args(["render", "--engine", "fake", "--lexicon"])
        .arg(&lexicon)
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("lexicon.toml:3:"));
    assert!(files_in(&dir.path().join("out")).is_empty());
}

#[test]
fn no_intro_and_no_outro_leave_out_title_byline_and_credits() {
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args([
            "render",
            "--engine",
            "fake",
            "--no-intro",
            "--no-outro",
            "-o",
        ])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    let captions = std::fs::read_to_string(dir.path().join("free-russian-legion.srt")).unwrap();
    assert!(!captions.contains("By Michael") && !captions.contains("Translation by"));
    assert!(captions.contains("DONBASS REGION."));
}

#[test]
fn html_and_markdown_inputs_are_read_by_their_structure() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("story.md");
    std::fs::write(&md, "# A Title\n\nFirst part of the story, told plainly.\n\n## Later\n\n> We will hold the line here.\n").unwrap();
    let out = articast()
        .args(["inspect", "--json"])
        .arg(&md)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["title"], "A Title");
    assert_eq!(json["blocks"][1]["kind"], "heading");
    assert_eq!(json["blocks"][2]["spans"][0]["kind"], "quote");
    let html = dir.path().join("page.txt");
    std::fs::write(
        &html,
        "<!DOCTYPE html><html><head><title>Page Title</title></head><body><nav><a href=/>Home</a></nav>\
         <article><h1>Page Title</h1><p>The first paragraph of the article is long enough to be \
         the article, with several clauses, commas, and words that readers expect.</p><p>The second \
         paragraph continues the story, and it also has enough words to count as prose.</p></article>\
         <footer>© 2024 Site</footer></body></html>",
    )
    .unwrap();
    let out = articast()
        .args(["inspect", "--json", "--format", "html"])
        .arg(&html)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["title"], "Page Title");
    let texts: Vec<&str> = json["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert!(texts[0].starts_with("The first paragraph"));
    assert!(!texts.iter().any(|t| t.contains("Home") || t.contains("©")));
}

#[test]
fn keep_all_keeps_the_boilerplate_lines() {
    let out = articast()
        .args(["inspect", "--json", "--keep-all"])
        .arg(sample())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(json["dropped"].as_array().unwrap().is_empty());
    let texts: Vec<&str> = json["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"Leave a Comment"));
}

#[test]
fn help_works_as_a_subcommand_and_as_a_flag_everywhere() {
    for args in [
        &["help"][..],
        &["help", "render"],
        &["help", "--help"],
        &["render", "--help"],
    ] {
        articast()
            .args(args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: articast"));
    }
    articast()
        .args(["help", "nonsense"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no subcommand 'nonsense'"));
}
