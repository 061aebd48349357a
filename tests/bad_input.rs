//! The bad-input suite (#14): hostile, odd or huge inputs, broken voice profiles and lexicons,
//! and output folders that cannot be written. Each case asserts its exact outcome: either a
//! render whose files hold the right content, or the one-line error, its exit code, and no file
//! left behind. Size cases bound their time as a ratio to a reference measured in the same test
//! (the same input at a tenth of the size, or a flat page of the same size), never in seconds.
//!
//! The fake engine is used except where the real one matters (a missing espeak-ng voice, markup
//! that espeak-ng could interpret).

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::{articast, files_in, outputs};

/// No case may take longer than this (a hang is a failure, not a stuck suite).
const HANG: Duration = Duration::from_secs(900);

/// A case's folder: the input files, and `out/` for the outputs.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        Case {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn out(&self) -> PathBuf {
        self.path("out")
    }

    /// Writes an input file.
    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// `articast render -q --engine fake -o out ARGS... INPUT`.
    fn render(&self, args: &[&str], input: &Path) -> Output {
        self.render_with(&["--engine", "fake"], args, input)
    }

    fn render_with(&self, engine: &[&str], args: &[&str], input: &Path) -> Output {
        articast()
            .args(["render", "-q"])
            .args(engine)
            .arg("-o")
            .arg(self.out())
            .args(args)
            .arg(input)
            .timeout(HANG)
            .output()
            .unwrap()
    }
}

/// The run failed with `code` and exactly this one line on stderr, and wrote nothing.
fn refused(case: &Case, output: &Output, code: i32, line: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert_eq!(stderr, format!("{line}\n"));
    assert_eq!(
        files_in(&case.out()),
        Vec::<String>::new(),
        "files were left"
    );
}

/// `error: <input>: <message>` for an input file.
fn error_line(input: &Path, message: &str) -> String {
    format!("error: {}: {message}", input.display())
}

/// The run succeeded and wrote every output of `stem`; its timing map.
fn rendered(case: &Case, output: &Output, stem: &str) -> serde_json::Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(files_in(&case.out()), outputs(stem));
    let wav = hound::WavReader::open(case.out().join(format!("{stem}.wav"))).unwrap();
    assert!(wav.duration() > 0, "an empty WAV");
    let timing = std::fs::read(case.out().join(format!("{stem}.timing.json"))).unwrap();
    serde_json::from_slice(&timing).unwrap()
}

fn texts(timing: &serde_json::Value, key: &str) -> Vec<String> {
    timing[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_string())
        .collect()
}

/// Body paragraphs as the timing map gives them.
fn paragraphs(timing: &serde_json::Value) -> Vec<String> {
    texts(timing, "paragraphs")
}

/// The texts a command engine is given for a plain-text article, one per call: every role is
/// spoken by a profile whose program appends its text file to a log and writes 50 ms of
/// silence with sox.
fn engine_calls(text: impl AsRef<[u8]>) -> Vec<String> {
    let case = Case::new();
    let log = case.path("calls.log");
    let profile = case.file(
        "log.toml",
        format!(
            "name = \"log\"\nengine = \"command\"\nvoice = \"x\"\n[command]\nargv = ['sh', '-c', 'cat \"$1\" >> \"$0\"; printf \"\\036\" >> \"$0\"; sox -n -r 22050 -c 1 -b 16 \"$2\" trim 0 0.05', '{}', '{{text_file}}', '{{out_wav}}']\n",
            log.display()
        ),
    );
    let input = case.file("article.txt", text);
    let p = profile.to_str().unwrap();
    let output = case.render_with(
        &[],
        // One at a time: the log records the calls in order.
        &[
            "-j",
            "1",
            "--voice",
            p,
            "--quote-voice",
            p,
            "--heading-voice",
            p,
        ],
        &input,
    );
    rendered(&case, &output, "article");
    let log = std::fs::read_to_string(log).unwrap();
    log.split('\u{1e}')
        .map(|call| call.trim_end_matches('\n').to_string())
        // The probe word each command voice speaks when the renderer is built.
        .filter(|call| !call.is_empty() && call != articast::engine::command::PROBE_TEXT)
        .collect()
}

/// Renders a plain-text article and returns its timing map.
fn render_text(name: &str, bytes: impl AsRef<[u8]>, args: &[&str]) -> serde_json::Value {
    let case = Case::new();
    let input = case.file(name, bytes);
    let output = case.render(args, &input);
    let stem = Path::new(name).file_stem().unwrap().to_str().unwrap();
    rendered(&case, &output, stem)
}

/// Renders an input that must be refused with exit code 2 and `message`.
fn refuse_text(name: &str, bytes: impl AsRef<[u8]>, message: &str) {
    let case = Case::new();
    let input = case.file(name, bytes);
    let output = case.render(&[], &input);
    refused(&case, &output, 2, &error_line(&input, message));
}

/// Seconds `f` takes.
fn timed(f: impl FnOnce()) -> f64 {
    let started = Instant::now();
    f();
    started.elapsed().as_secs_f64()
}

/// `big` took at most `bound` times `small` (both measured here, on this machine, now).
fn within_ratio(what: &str, small: f64, big: f64, bound: f64) {
    let ratio = big / small.max(1e-3);
    println!("{what}: {big:.2} s against {small:.2} s, ratio {ratio:.1} (bound {bound})");
    assert!(ratio <= bound, "{what}: ratio {ratio:.1} over {bound}");
}

const EMPTY: &str = "the article is empty (no text left to speak after cleaning)";

// ---------------------------------------------------------------- empty and unspeakable input

#[test]
fn an_empty_file_is_empty() {
    refuse_text("empty.txt", "", EMPTY);
}

#[test]
fn whitespace_only_is_empty() {
    refuse_text("blank.txt", " \n\t\n\u{a0}\n  \r\n", EMPTY);
}

#[test]
fn only_boilerplate_is_empty() {
    refuse_text(
        "boiler.txt",
        "Leave a Comment\n\nThis site uses Akismet to reduce spam.\n",
        EMPTY,
    );
}

#[test]
fn zero_width_characters_only_are_empty() {
    refuse_text(
        "zw.txt",
        "\u{200b}\u{200b}\n\n\u{200c}\u{feff}\u{2060}\n",
        EMPTY,
    );
}

#[test]
fn emoji_only_is_empty() {
    refuse_text("emoji.txt", "😀😁\n\n🎉🎉🎉\n", EMPTY);
}

#[test]
fn binary_data_is_refused() {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x01\x00".to_vec();
    png.extend(std::iter::repeat_n(0u8, 200));
    refuse_text(
        "image.txt",
        png,
        "binary data, not text (control byte 0x1A at offset 8)",
    );
}

#[test]
fn an_empty_html_page_has_no_article() {
    refuse_text(
        "empty.html",
        "<html></html>",
        "no article found in the HTML (failed to grab the article)",
    );
}

#[test]
fn a_script_only_page_has_no_article() {
    refuse_text(
        "script.html",
        "<html><head><script>document.write('Hello there, reader.')</script></head><body><script>var a = 1;</script></body></html>",
        "no article found in the HTML (failed to grab the article)",
    );
}

// ---------------------------------------------------------------- encodings and line ends

#[test]
fn latin1_text_is_decoded() {
    let timing = render_text(
        "latin1.txt",
        b"Caf\xe9 society\n\nThe caf\xe9 served cr\xe8me br\xfbl\xe9e to na\xefve guests.\n",
        &[],
    );
    assert_eq!(
        paragraphs(&timing),
        ["The café served crème brûlée to naïve guests."]
    );
}

#[test]
fn windows_1252_punctuation_is_decoded() {
    let timing = render_text(
        "cp1252.txt",
        b"Prices\n\nIt cost \x80 5 \x96 a \x93fair\x94 price, it\x92s said.\n",
        &[],
    );
    assert_eq!(
        paragraphs(&timing),
        ["It cost € 5 – a “fair” price, it’s said."]
    );
}

#[test]
fn a_forced_encoding_is_used() {
    // "Привет, мир. Это тест." in Windows-1251.
    let bytes = b"\xcf\xf0\xe8\xe2\xe5\xf2\n\n\xcf\xf0\xe8\xe2\xe5\xf2, \xec\xe8\xf0. \xdd\xf2\xee \xf2\xe5\xf1\xf2.\n";
    let timing = render_text("cyrillic.txt", bytes, &["--encoding", "windows-1251"]);
    assert_eq!(paragraphs(&timing), ["Привет, мир. Это тест."]);
}

#[test]
fn an_unknown_encoding_name_is_a_usage_error() {
    let case = Case::new();
    let input = case.file("a.txt", "Title\n\nSome words.\n");
    let output = case.render(&["--encoding", "klingon"], &input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr.lines().next().unwrap(),
        "error: invalid value 'klingon' for '--encoding <NAME>': unknown encoding 'klingon' (try utf-8, windows-1252, iso-8859-15, shift_jis, utf-16le)"
    );
    assert!(files_in(&case.out()).is_empty());
}

#[test]
fn invalid_utf8_forced_as_utf8_is_refused_with_its_position() {
    let case = Case::new();
    let input = case.file("bad.txt", b"Title\n\nOK line.\nBad \xff byte.\n");
    let output = case.render(&["--encoding", "utf-8"], &input);
    refused(
        &case,
        &output,
        2,
        &error_line(
            &input,
            "not valid UTF-8 text (bad byte at line 4, column 5); leave out --encoding to detect the encoding",
        ),
    );
}

#[test]
fn an_html_declaration_wins_over_detection() {
    let case = Case::new();
    let page = b"<html><head><meta charset=\"iso-8859-7\"><title>Greek</title></head><body><article><h1>Greek</h1><p>\xc1\xf5\xf4\xfc \xe5\xdf\xed\xe1\xe9 \xe5\xeb\xeb\xe7\xed\xe9\xea\xdc, a sentence in Greek for the reader.</p></article></body></html>";
    let input = case.file("greek.html", page);
    let timing = rendered(&case, &case.render(&[], &input), "greek");
    assert_eq!(
        paragraphs(&timing),
        ["Αυτό είναι ελληνικά, a sentence in Greek for the reader."]
    );
    let inspect = articast().arg("inspect").arg(&input).output().unwrap();
    let view = String::from_utf8(inspect.stdout).unwrap();
    assert_eq!(
        view.lines().next(),
        Some("encoding: ISO-8859-7 (declared in the document)")
    );
}

#[test]
fn inspect_names_a_detected_encoding() {
    let case = Case::new();
    let input = case.file("l1.txt", b"Caf\xe9\n\nThe caf\xe9 is open.\n");
    let output = articast()
        .args(["inspect", "--json"])
        .arg(&input)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["encoding"],
        serde_json::json!({"name": "windows-1252", "origin": "detected"})
    );
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(
        "Title\r\n\r\nA sentence in UTF-16, “quoted”.\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let timing = render_text("utf16.txt", bytes, &[]);
    assert_eq!(paragraphs(&timing), ["A sentence in UTF-16, “quoted”."]);
}

#[test]
fn utf16_without_a_byte_order_mark_is_detected() {
    let bytes: Vec<u8> = "Title\n\nA big-endian sentence without a mark.\n"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let timing = render_text("utf16be.txt", bytes, &[]);
    assert_eq!(
        paragraphs(&timing),
        ["A big-endian sentence without a mark."]
    );
}

#[test]
fn a_utf8_byte_order_mark_is_dropped() {
    let timing = render_text("bom.txt", "\u{feff}Title\n\nAfter the mark.\n", &[]);
    assert_eq!(texts(&timing, "sections"), ["Title"]);
    assert_eq!(paragraphs(&timing), ["After the mark."]);
}

#[test]
fn lone_carriage_returns_end_lines() {
    let timing = render_text(
        "mac.txt",
        "Title\r\rFirst paragraph here.\r\rSecond paragraph here.\r",
        &[],
    );
    assert_eq!(
        paragraphs(&timing),
        ["First paragraph here.", "Second paragraph here."]
    );
}

#[test]
fn nul_and_control_characters_are_not_spoken() {
    let text = "Title\n\nA line with a NUL\u{0} and a bell\u{7} and an escape\u{1b}[31m in it.\n";
    let timing = render_text("controls.txt", text, &[]);
    assert_eq!(
        paragraphs(&timing),
        ["A line with a NUL\u{0} and a bell\u{7} and an escape\u{1b}[31m in it."]
    );
    assert_eq!(
        engine_calls(text),
        [
            "Title",
            "A line with a NUL and a bell and an escape [31m in it."
        ]
    );
}

// ---------------------------------------------------------------- scripts and odd text

#[test]
fn a_combining_mark_flood_is_cut_under_the_engine_limit() {
    let flood = format!("Zalgo\n\nHe{}llo there, friend.\n", "\u{301}".repeat(5000));
    let timing = render_text("zalgo.txt", &flood, &[]);
    assert_eq!(paragraphs(&timing), [&flood[7..flood.len() - 1]]);
    // Cut into pieces of at most 1,000 characters; pieces of marks alone (nothing to say) are
    // not sent to the program at all.
    let calls = engine_calls(&flood);
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert_eq!(calls[0], "Zalgo");
    assert!(calls[1].starts_with("He\u{301}"));
    assert!(calls.iter().all(|c| c.chars().count() <= 1000));
    assert!(calls.last().unwrap().ends_with("llo there, friend."));
}

#[test]
fn cjk_text_is_spoken() {
    let timing = render_text(
        "cjk.txt",
        "标题\n\n这是一个测试句子。第二个句子在这里。\n",
        &[],
    );
    // A plain-text title is found by Latin-script cues, so a Chinese first line stays a
    // paragraph; every character is still spoken.
    assert_eq!(
        paragraphs(&timing),
        ["标题", "这是一个测试句子。第二个句子在这里。"]
    );
}

#[test]
fn right_to_left_text_is_spoken() {
    let timing = render_text(
        "rtl.txt",
        "כותרת\n\nזהו משפט בדיקה בעברית.\n\nهذه جملة اختبار باللغة العربية.\n",
        &[],
    );
    assert_eq!(
        paragraphs(&timing),
        [
            "כותרת",
            "זהו משפט בדיקה בעברית.",
            "هذه جملة اختبار باللغة العربية."
        ]
    );
}

#[test]
fn numbers_only_are_spoken() {
    let timing = render_text("numbers.txt", "2024\n\n12345 67890 3.14 42\n", &[]);
    assert_eq!(paragraphs(&timing), ["2024", "12345 67890 3.14 42"]);
}

#[test]
fn thousands_of_urls_are_spoken_by_their_parts() {
    let urls = |n: usize| -> String {
        (0..n)
            .map(|i| format!("See https://example{i}.org/a/b?c=d for more. "))
            .collect()
    };
    let case = Case::new();
    let input = case.file("urls.txt", format!("Links\n\n{}\n", urls(3000)));
    let out = articast()
        .args(["inspect", "--json"])
        .arg(&input)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let speech = json["blocks"][1]["speech"].as_str().unwrap();
    assert!(!speech.contains("://"), "a URL is spoken whole");
    assert_eq!(speech.matches("dot org for more.").count(), 3000);
    // Rendered too (fewer, for the suite's time: every one is spoken).
    let timing = render_text("urls.txt", format!("Links\n\n{}\n", urls(300)), &[]);
    assert_eq!(texts(&timing, "sentences").len(), 301);
}

#[test]
fn unbalanced_quotes_keep_the_text() {
    let text =
        "Title\n\nShe said, “This never ends. And it goes on.\n\nA plain paragraph follows.\n";
    let timing = render_text("unbalanced.txt", text, &[]);
    assert_eq!(
        paragraphs(&timing),
        [
            "She said, “This never ends. And it goes on.",
            "A plain paragraph follows."
        ]
    );
}

#[test]
fn mismatched_quotes_keep_the_text() {
    let text = "Title\n\n“Hello,\" he said. „This« and »that“ are odd’.\n";
    let timing = render_text("mismatched.txt", text, &[]);
    assert_eq!(
        paragraphs(&timing),
        ["“Hello,\" he said. „This« and »that“ are odd’."]
    );
}

#[test]
fn ten_deep_quotes_keep_the_text() {
    let open: String = (0..10)
        .map(|i| if i % 2 == 0 { "“a " } else { "‘b " })
        .collect();
    let close: String = (0..10)
        .map(|i| if i % 2 == 0 { "’ " } else { "” " })
        .collect();
    let paragraph = format!("He said {open}deep {close}and stopped.");
    let timing = render_text("deep-quotes.txt", format!("Title\n\n{paragraph}\n"), &[]);
    assert_eq!(paragraphs(&timing), [paragraph]);
}

#[test]
fn ssml_and_phoneme_markup_are_text_for_the_engine() {
    let text = "Markup\n\n<speak><prosody rate=\"x-slow\">Hello</prosody> <break time=\"10s\"/> world.</speak>\n\nThe code [[h@'loU]] and [[[x]]] is text.\n";
    assert_eq!(
        engine_calls(text),
        [
            "Markup",
            "<speak><prosody rate=x-slow>Hello</prosody> <break time=10s/> world.</speak>",
            "The code [ [h@'loU] ] and [ [ [x] ] ] is text."
        ]
    );
}

#[cfg(feature = "espeak")]
#[test]
fn espeak_ng_does_not_obey_markup_in_the_article() {
    // An obeyed <break time="20s"/> would add twenty seconds of silence.
    let case = Case::new();
    let input = case.file(
        "markup.txt",
        "Markup\n\nOne <break time=\"20s\"/> two. [[h@'loU]]\n",
    );
    let output = case.render_with(&[], &[], &input);
    rendered(&case, &output, "markup");
    let wav = hound::WavReader::open(case.out().join("markup.wav")).unwrap();
    let seconds = f64::from(wav.duration()) / f64::from(wav.spec().sample_rate);
    assert!(seconds > 1.0 && seconds < 15.0, "{seconds:.1} s");
}

// ---------------------------------------------------------------- HTML and Markdown

#[test]
fn broken_html_is_read() {
    let case = Case::new();
    let input = case.file(
        "broken.html",
        "<html><body><article><h1>Broken</h1><p>Unclosed paragraph <b>bold <i>italic</p><p>Second one here</div></span>",
    );
    let timing = rendered(&case, &case.render(&[], &input), "broken");
    assert_eq!(
        paragraphs(&timing),
        ["Unclosed paragraph bold italic", "Second one here"]
    );
}

fn nested_page(depth: usize) -> String {
    format!(
        "<html><body><article><h1>Deep</h1><p>A first paragraph, long enough to count as the article's text.</p>{}<p>The deep paragraph speaks at last, and it says so at length.</p>{}</article></body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

#[test]
fn html_nested_20000_deep_is_read_in_linear_time() {
    let case = Case::new();
    let deep = case.file("deep.html", nested_page(20_000));
    let shallow = case.file("shallow.html", nested_page(2_000));
    let inspect = |path: &Path| {
        let out = articast()
            .args(["inspect", "--json"])
            .arg(path)
            .timeout(HANG)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let small = timed(|| {
        inspect(&shallow);
    });
    let mut view = String::new();
    let big = timed(|| view = inspect(&deep));
    assert!(view.contains("The deep paragraph speaks at last"));
    within_ratio("20,000 deep against 2,000 deep", small, big, 25.0);
    let timing = rendered(&case, &case.render(&[], &deep), "deep");
    assert!(
        paragraphs(&timing)
            .iter()
            .any(|p| p.contains("The deep paragraph"))
    );
}

#[test]
fn a_two_megabyte_attribute_is_read() {
    let page = format!(
        "<html><body><article><h1>Attr</h1><p data-x=\"{}\">A paragraph with a huge attribute.</p><p>Another paragraph of text here for the reader.</p></article></body></html>",
        "a".repeat(2 << 20)
    );
    let case = Case::new();
    let input = case.file("attr.html", page);
    let timing = rendered(&case, &case.render(&[], &input), "attr");
    assert_eq!(
        paragraphs(&timing),
        [
            "A paragraph with a huge attribute.",
            "Another paragraph of text here for the reader."
        ]
    );
}

#[test]
fn odd_markdown_is_read() {
    let md = "# Odd\n\n> > > A quote three levels deep.\n\n- one\n  - two\n    - three\n\n<div>Raw HTML in Markdown.</div>\n\nA [link][nowhere] and ![image](x.png) here.\n\n```\nan unclosed fence\n";
    let case = Case::new();
    let input = case.file("odd.md", md);
    let timing = rendered(&case, &case.render(&[], &input), "odd");
    assert_eq!(texts(&timing, "sections"), ["Odd"]);
    let paragraphs = paragraphs(&timing);
    assert!(
        paragraphs.contains(&"A quote three levels deep.".to_string()),
        "{paragraphs:?}"
    );
    assert!(
        paragraphs.iter().all(|p| !p.contains("unclosed fence")),
        "code is not read: {paragraphs:?}"
    );
}

// ---------------------------------------------------------------- sizes

#[test]
fn a_50_megabyte_file_is_refused_before_it_is_read_whole() {
    let line = "A line of text that repeats to make a very large article indeed.\n\n";
    refuse_text(
        "huge.txt",
        line.repeat(50_000_000 / line.len()),
        "too large: more than 16 MiB of text (split it into parts)",
    );
}

/// Paragraphs of one line each, with a title.
fn one_line_paragraphs(n: usize) -> String {
    let mut text = String::from("A Title\n\n");
    for i in 0..n {
        text.push_str(&format!("Line {i} is short.\n\n"));
    }
    text
}

/// One sentence of `clauses` comma-separated clauses.
fn one_sentence(clauses: usize) -> String {
    let body: Vec<String> = (0..clauses)
        .map(|i| format!("clause {i} goes on"))
        .collect();
    format!("A Title\n\n{}.\n", body.join(", "))
}

/// `inspect --json` of a file; its seconds and its paragraph count.
fn inspect_timed(path: &Path) -> (f64, usize) {
    let mut count = 0;
    let seconds = timed(|| {
        let out = articast()
            .args(["inspect", "--json"])
            .arg(path)
            .timeout(HANG)
            .output()
            .unwrap();
        assert!(out.status.success());
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        count = json["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["kind"] == "paragraph")
            .count();
    });
    (seconds, count)
}

#[test]
fn a_hundred_thousand_one_line_paragraphs_are_read_in_linear_time() {
    let case = Case::new();
    let small = case.file("p10k.txt", one_line_paragraphs(10_000));
    let big = case.file("p100k.txt", one_line_paragraphs(100_000));
    // The fastest of three runs each: a loaded machine slows single runs unevenly.
    let fastest = |path: &Path| {
        (0..3)
            .map(|_| inspect_timed(path))
            .fold((f64::INFINITY, 0), |(t, _), (s, n)| (t.min(s), n))
    };
    let (t_small, n_small) = fastest(&small);
    let (t_big, n_big) = fastest(&big);
    assert_eq!((n_small, n_big), (10_000, 100_000));
    within_ratio(
        "100,000 paragraphs against 10,000 (read)",
        t_small,
        t_big,
        25.0,
    );
}

#[test]
fn many_one_line_paragraphs_render_in_linear_time() {
    let case = Case::new();
    let small = case.file("p200.txt", one_line_paragraphs(200));
    let big = case.file("p2000.txt", one_line_paragraphs(2_000));
    let mut out = None;
    let t_small = timed(|| out = Some(case.render(&[], &small)));
    assert_eq!(
        paragraphs(&rendered(&case, &out.take().unwrap(), "p200")).len(),
        200
    );
    std::fs::remove_dir_all(case.out()).unwrap();
    let t_big = timed(|| out = Some(case.render(&[], &big)));
    assert_eq!(
        paragraphs(&rendered(&case, &out.unwrap(), "p2000")).len(),
        2_000
    );
    within_ratio(
        "2,000 paragraphs against 200 (render)",
        t_small,
        t_big,
        25.0,
    );
}

#[test]
fn a_one_megabyte_sentence_is_read_in_linear_time_and_cut_for_the_engine() {
    let case = Case::new();
    let small = case.file("s100k.txt", one_sentence(5_000));
    let big = case.file("s1m.txt", one_sentence(50_000));
    assert!(std::fs::metadata(&big).unwrap().len() > 1_000_000);
    let (t_small, _) = inspect_timed(&small);
    let (t_big, _) = inspect_timed(&big);
    within_ratio("1 MB sentence against 100 KB (read)", t_small, t_big, 25.0);
}

#[test]
fn a_long_sentence_renders_in_linear_time_in_pieces_under_the_engine_limit() {
    let case = Case::new();
    let small = case.file("s5k.txt", one_sentence(250));
    let big = case.file("s50k.txt", one_sentence(2_500));
    let mut out = None;
    let t_small = timed(|| out = Some(case.render(&[], &small)));
    rendered(&case, &out.take().unwrap(), "s5k");
    std::fs::remove_dir_all(case.out()).unwrap();
    let t_big = timed(|| out = Some(case.render(&[], &big)));
    let timing = rendered(&case, &out.unwrap(), "s50k");
    let sentences = texts(&timing, "sentences");
    assert!(sentences.len() > 40, "{}", sentences.len());
    assert!(sentences.iter().all(|s| s.chars().count() <= 1000));
    within_ratio("50 KB sentence against 5 KB (render)", t_small, t_big, 25.0);
}

// ---------------------------------------------------------------- file names and kinds

#[test]
fn a_file_name_with_a_leading_dash_is_read_after_double_dash() {
    let case = Case::new();
    let input = case.file("-dash.txt", "Title\n\nDash named.\n");
    let output = articast()
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(case.out())
        .arg("--")
        .arg(&input)
        .output()
        .unwrap();
    let timing = rendered(&case, &output, "-dash");
    assert_eq!(paragraphs(&timing), ["Dash named."]);
}

#[test]
fn shell_metacharacters_in_a_name_are_kept_but_not_run() {
    let case = Case::new();
    let input = case.file("a;$(touch pwned)&`id`.txt", "Title\n\nShell named.\n");
    let output = case.render(&[], &input);
    rendered(&case, &output, "a;$(touch pwned)&`id`");
    assert!(!case.path("pwned").exists() && !Path::new("pwned").exists());
}

#[test]
fn a_newline_in_a_name_becomes_an_underscore() {
    let case = Case::new();
    let input = case.file("two\nlines.txt", "Title\n\nNewline named.\n");
    let output = case.render(&[], &input);
    rendered(&case, &output, "two_lines");
}

#[test]
fn an_over_long_name_is_cut() {
    let case = Case::new();
    let name = format!("{}.txt", "x".repeat(250));
    let input = case.file(&name, "Title\n\nLong named.\n");
    let output = case.render(&[], &input);
    rendered(&case, &output, &"x".repeat(120));
}

#[test]
fn a_reserved_windows_name_gets_an_underscore() {
    let case = Case::new();
    let input = case.file("con.txt", "Title\n\nDevice named.\n");
    rendered(&case, &case.render(&[], &input), "con_");
}

#[test]
fn a_dots_only_stem_cannot_climb_out_of_the_output_folder() {
    let case = Case::new();
    let input = case.file("...txt", "Title\n\nDots named.\n");
    rendered(&case, &case.render(&[], &input), "article");
    assert_eq!(files_in(case.dir.path()), ["...txt", "out"]);
}

#[test]
fn a_folder_without_articles_is_refused() {
    let case = Case::new();
    let input = case.path("folder");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("notes.pdf"), "not an article").unwrap();
    let output = case.render(&[], &input);
    refused(
        &case,
        &output,
        2,
        &format!(
            "error: no articles (.txt .md .markdown .html .htm) in {}",
            input.display()
        ),
    );
}

#[test]
fn a_missing_file_is_named() {
    let case = Case::new();
    let input = case.path("missing.txt");
    let output = case.render(&[], &input);
    refused(&case, &output, 2, &error_line(&input, "no such file"));
}

#[test]
fn an_unreadable_file_is_named_with_its_error() {
    // Root reads any file whatever its mode, but not /proc/self/mem from the start.
    let case = Case::new();
    let input = Path::new("/proc/self/mem");
    let output = case.render(&[], input);
    refused(
        &case,
        &output,
        2,
        &error_line(input, "cannot read: Input/output error (os error 5)"),
    );
}

#[cfg(unix)]
#[test]
fn a_file_without_read_permission_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let case = Case::new();
    let input = case.file("locked.txt", "Title\n\nLocked.\n");
    std::fs::set_permissions(&input, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&input).is_ok() {
        println!("skipped: this user (root) can read a file of mode 000");
        return;
    }
    let output = case.render(&[], &input);
    refused(
        &case,
        &output,
        2,
        &error_line(&input, "cannot read: Permission denied (os error 13)"),
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_read_to_its_end() {
    let case = Case::new();
    let fifo = case.path("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "Title\n\nFrom a pipe.\n").unwrap())
    };
    let output = case.render(&[], &fifo);
    writer.join().unwrap();
    let timing = rendered(&case, &output, "pipe");
    assert_eq!(paragraphs(&timing), ["From a pipe."]);
}

#[test]
fn standard_input_in_latin1_is_decoded() {
    let case = Case::new();
    let output = articast()
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(case.out())
        .arg("-")
        .write_stdin(&b"Title\n\nNa\xefve caf\xe9 text.\n"[..])
        .output()
        .unwrap();
    let timing = rendered(&case, &output, "stdin");
    assert_eq!(paragraphs(&timing), ["Naïve café text."]);
}

// ---------------------------------------------------------------- output folders and disks

#[test]
fn an_output_folder_that_is_a_file_is_named() {
    let case = Case::new();
    let input = case.file("a.txt", "Title\n\nWords.\n");
    std::fs::write(case.out(), "I am a file").unwrap();
    let output = case.render(&[], &input);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: output folder {}: is a file, not a folder; choose another with -o DIR\n",
            case.out().display()
        )
    );
    assert_eq!(std::fs::read(case.out()).unwrap(), b"I am a file");
}

#[test]
fn an_output_folder_that_cannot_be_created_is_named() {
    let case = Case::new();
    let input = case.file("a.txt", "Title\n\nWords.\n");
    let blocker = case.file("blocker", "");
    let out = blocker.join("sub");
    let output = articast()
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: output folder {}: cannot be created: {} is a file\n",
            out.display(),
            blocker.display()
        )
    );
}

/// A small tmpfs, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(at).unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(Tmpfs(at.to_path_buf()))
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_no_file_and_says_so() {
    let case = Case::new();
    let input = case.file("a.txt", one_line_paragraphs(200));
    let disk = match Tmpfs::mount(&case.out(), "256k") {
        Ok(disk) => disk,
        Err(why) => {
            println!("skipped: cannot mount a small tmpfs ({why}); needs root");
            return;
        }
    };
    let output = case.render(&[], &input);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let left = files_in(&case.out());
    drop(disk);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "{}\n",
            error_line(
                &input,
                "temporary audio: No space left on device (os error 28)"
            )
        )
    );
    assert_eq!(left, Vec::<String>::new());
}

#[test]
fn a_disk_that_holds_the_audio_but_not_the_epub_keeps_neither() {
    // The EPUB is made from the audio once that is written: it must still be in place with the
    // rest of the render, or none of them. First the sizes of the same render on an ordinary
    // disk.
    let probe = Case::new();
    let sidecars = ["--sidecars", "json,vtt,epub"];
    let probe_input = probe.file("a.txt", one_line_paragraphs(200));
    assert_eq!(probe.render(&sidecars, &probe_input).status.code(), Some(0));
    let probe = probe.out();
    let case = Case::new();
    let input = case.file("a.txt", one_line_paragraphs(200));
    let size = |name: &str| std::fs::metadata(probe.join(name)).unwrap().len();
    let wav = size("a.wav");
    let epub = size("a.epub");
    let pages = |bytes: u64| bytes.div_ceil(4096) * 4096;
    // The spool (mono f32: twice the 16-bit WAV), the WAV, the sidecars, the record, and half
    // of the book.
    let room = pages(2 * wav)
        + pages(wav)
        + pages(size("a.chapters.json"))
        + pages(size("a.vtt"))
        + pages(1 << 12) * 4
        + pages(epub / 2);
    let disk = match Tmpfs::mount(&case.out(), &format!("{room}")) {
        Ok(disk) => disk,
        Err(why) => {
            println!("skipped: cannot mount a small tmpfs ({why}); needs root");
            return;
        }
    };
    let output = case.render(&sidecars, &input);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let left = files_in(&case.out());
    drop(disk);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a.epub") && stderr.contains("No space left on device"),
        "{stderr}"
    );
    assert_eq!(left, Vec::<String>::new());
}

/// `--no-clobber` refused `input` with exit 2 and one line naming the `existing` file.
fn refused_as_existing(output: &Output, input: &Path, existing: &Path) {
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "{}\n",
            error_line(
                input,
                &format!(
                    "{} exists (--no-clobber leaves it alone)",
                    existing.display()
                )
            )
        )
    );
}

#[test]
fn no_clobber_leaves_an_existing_output_alone() {
    let case = Case::new();
    let input = case.file("a.txt", "Title\n\nFirst words.\n");
    rendered(&case, &case.render(&[], &input), "a");
    let wav = case.out().join("a.wav");
    let before = std::fs::read(&wav).unwrap();
    std::fs::write(&input, "Title\n\nOther words entirely, and more of them.\n").unwrap();
    let output = case.render(&["--no-clobber"], &input);
    refused_as_existing(&output, &input, &wav);
    assert_eq!(std::fs::read(&wav).unwrap(), before);
    assert_eq!(files_in(&case.out()), outputs("a"));
}

#[test]
fn no_clobber_leaves_an_existing_split_part_alone() {
    // No render wrote it (no record names it): only the layout knows the part's name.
    let case = Case::new();
    let text = std::fs::read_to_string(crate::common::sample()).unwrap();
    let input = case.file("a.txt", &text);
    std::fs::create_dir_all(case.out()).unwrap();
    let part = case.out().join("a-part02.wav");
    std::fs::write(&part, "not articast's").unwrap();
    let output = case.render(&["--no-clobber", "--max-part-duration", "2m"], &input);
    refused_as_existing(&output, &input, &part);
    assert_eq!(std::fs::read(&part).unwrap(), b"not articast's");
    assert_eq!(files_in(&case.out()), vec!["a-part02.wav".to_string()]);
}

// ---------------------------------------------------------------- voice profiles

fn refuse_profile(toml: &str, message: &str) {
    let case = Case::new();
    let input = case.file("a.txt", "Title\n\nWords.\n");
    let profile = case.file("v.toml", toml);
    let output = case.render(&["--voice", profile.to_str().unwrap()], &input);
    refused(
        &case,
        &output,
        2,
        &format!("error: {}:{message}", profile.display()),
    );
}

#[test]
fn a_profile_with_a_syntax_error_points_at_it() {
    refuse_profile("name = \"x\nengine = ", "1:10: invalid basic string");
}

#[test]
fn a_profile_with_an_unknown_key_names_the_known_ones() {
    refuse_profile(
        "name=\"x\"\nengine=\"espeak-ng\"\nvoice=\"en-us\"\ncolour=\"red\"\n",
        "4:1: unknown field `colour`, expected one of `name`, `engine`, `voice`, `language`, `rate`, `pitch`, `volume`, `pauses`, `lexicon`, `command`, `piper`",
    );
}

#[test]
fn a_profile_value_out_of_range_gives_the_range() {
    refuse_profile(
        "name=\"x\"\nengine=\"espeak-ng\"\nvoice=\"en-us\"\nrate=9999\n",
        "4:1: rate = 9999 is out of range (80–450)",
    );
}

#[test]
fn a_profile_value_of_the_wrong_type_is_named() {
    refuse_profile(
        "name=\"x\"\nengine=\"espeak-ng\"\nvoice=\"en-us\"\nrate=\"fast\"\n",
        "4:6: invalid type: string \"fast\", expected u32",
    );
}

#[test]
fn a_profile_with_an_unknown_engine_names_the_known_ones() {
    refuse_profile(
        "name=\"x\"\nengine=\"nope\"\nvoice=\"en-us\"\n",
        "2:1: unknown engine 'nope' (use \"espeak-ng\", \"piper\", \"command\" or \"fake\")",
    );
}

#[test]
fn a_profile_with_an_empty_command_is_refused() {
    refuse_profile(
        "name=\"x\"\nengine=\"command\"\nvoice=\"v\"\n[command]\nargv=[]\n",
        "5:1: argv must name a program",
    );
}

#[test]
fn a_command_profile_without_a_command_is_refused() {
    refuse_profile(
        "name=\"x\"\nengine=\"command\"\nvoice=\"v\"\n",
        "2:1: engine = \"command\" needs a [command] table",
    );
}

#[test]
fn an_empty_profile_is_refused() {
    refuse_profile("", "1:1: missing field `engine`");
}

#[test]
fn an_unknown_profile_name_says_where_it_looked() {
    let case = Case::new();
    let input = case.file("a.txt", "Title\n\nWords.\n");
    let output = articast()
        .current_dir(case.dir.path())
        .args([
            "render",
            "-q",
            "--engine",
            "fake",
            "--voice",
            "no such voice",
            "-o",
        ])
        .arg(case.out())
        .arg(&input)
        .env("HOME", case.dir.path())
        .output()
        .unwrap();
    refused(
        &case,
        &output,
        2,
        &format!(
            "error: no voice profile 'no such voice' (looked in ./voices, {}/.config/articast/voices, and the built-in profiles)",
            case.dir.path().display()
        ),
    );
}

#[cfg(feature = "espeak")]
#[test]
fn a_missing_espeak_voice_is_a_set_up_error_and_leaves_no_file() {
    let case = Case::new();
    let input = case.file("a.txt", "Title\n\nA sentence to speak here.\n");
    let profile = case.file(
        "v.toml",
        "name=\"x\"\nengine=\"espeak-ng\"\nvoice=\"zz-nope\"\n",
    );
    let output = case.render_with(&[], &["--voice", profile.to_str().unwrap()], &input);
    refused(
        &case,
        &output,
        1,
        "error: the narrator voice: espeak-ng: unknown voice 'zz-nope' (see `articast voices`)",
    );
}

// ---------------------------------------------------------------- lexicons

fn refuse_lexicon(toml: &str, message: &str) {
    let case = Case::new();
    let input = case.file("a.txt", "Title\n\nWords.\n");
    let lexicon = case.file("lex.toml", toml);
    let output = case.render(&["--lexicon", lexicon.to_str().unwrap()], &input);
    refused(
        &case,
        &output,
        2,
        &format!("error: {}:{message}", lexicon.display()),
    );
}

#[test]
fn a_lexicon_syntax_error_is_one_line() {
    refuse_lexicon("[words\n", "1:7: invalid table header; expected `.`, `]`");
}

#[test]
fn a_lexicon_respelling_must_be_a_string() {
    refuse_lexicon(
        "[words]\nfoo = 3\n",
        "2:7: invalid type: integer `3`, expected a string",
    );
}

#[test]
fn a_lexicon_with_an_unknown_table_names_the_known_ones() {
    refuse_lexicon(
        "[wordz]\nfoo = \"bar\"\n",
        "1:2: unknown field `wordz`, expected `words` or `phonemes`",
    );
}

#[test]
fn a_lexicon_key_must_be_one_word() {
    refuse_lexicon("[words]\n\"\" = \"x\"\n", "1:1: '' is not a single word");
}

#[test]
fn a_lexicon_phoneme_entry_needs_its_phonemes() {
    refuse_lexicon(
        "[[phonemes]]\nword = \"x\"\n",
        "1:1: missing field `phonemes`",
    );
}

#[test]
fn a_missing_lexicon_names_its_error_once() {
    let case = Case::new();
    let input = case.file("a.txt", "Title\n\nWords.\n");
    let lexicon = case.path("missing.toml");
    let output = case.render(&["--lexicon", lexicon.to_str().unwrap()], &input);
    refused(
        &case,
        &output,
        2,
        &format!(
            "error: {}: cannot read: No such file or directory (os error 2)",
            lexicon.display()
        ),
    );
}

// ---------------------------------------------------------------- navigation at any length

#[test]
fn a_cue_sheet_past_ninety_nine_markers_keeps_sections_as_tracks() {
    let mut md = String::from("# Big\n\n");
    for s in 1..=3 {
        md.push_str(&format!("## Part {s}\n\n"));
        for p in 1..=40 {
            md.push_str(&format!("Paragraph {p} of part {s} says a thing.\n\n"));
        }
    }
    let case = Case::new();
    let input = case.file("big.md", md);
    let output = case.render(&["--markers", "sections,paragraphs"], &input);
    rendered(&case, &output, "big");
    let cue = case.out().join("big.cue");
    let sheet = std::fs::read_to_string(&cue).unwrap();
    assert!(
        sheet.starts_with("REM COMMENT \"124 chapters in 4 tracks: sections are tracks; quotations and paragraphs are INDEX points inside them\"\n"),
        "{sheet}"
    );
    let indexes = sheet
        .lines()
        .filter(|l| l.trim().starts_with("INDEX "))
        .count();
    assert_eq!(indexes, 124);
    // cuetools' parser (not ours) reads the sheet: four tracks, titled by section.
    let printed = std::process::Command::new("cueprint")
        .args(["-d", "%N\n", "-t", "%n %t\n"])
        .arg(&cue)
        .output()
        .expect("cueprint runs (apt-get install cuetools: see scripts/setup.sh)");
    assert!(printed.status.success());
    assert_eq!(
        String::from_utf8_lossy(&printed.stdout),
        "4\n1 Section: Big\n2 Section: Part 1\n3 Section: Part 2\n4 Section: Part 3\n"
    );
}

// ---------------------------------------------------------------- fuzz regressions

/// Every input kept in `fuzz/regressions/text_pipeline` (inputs that once hung, panicked or
/// broke a promise) goes through the fuzz target's steps again: decode, parse as the first
/// byte says, build the script; no panic, and no utterance over the engine limit.
#[test]
fn fuzz_regressions_stay_fixed() {
    use articast::article::{self, ParseOptions};
    use articast::input::{self, Format, InputText, Source};
    use articast::script::{self, MAX_UTTERANCE_CHARS, ScriptOptions};

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/text_pipeline");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let Some((&choice, bytes)) = bytes.split_first() else {
            continue;
        };
        seen += 1;
        let Ok((text, encoding)) = input::decode_as(bytes, None) else {
            continue;
        };
        let format = [
            Some(Format::Text),
            Some(Format::Markdown),
            Some(Format::Html),
            None,
        ][usize::from(choice % 4)];
        let options = ParseOptions {
            format,
            ..ParseOptions::default()
        };
        let input = InputText {
            source: Source::Stdin,
            text,
            encoding,
        };
        if let Ok(article) = article::parse_with(&input, options) {
            let script = script::build(&article, &ScriptOptions::default());
            assert!(
                script
                    .utterances
                    .iter()
                    .all(|u| u.text.chars().count() <= MAX_UTTERANCE_CHARS)
            );
        }
    }
    assert!(seen >= 5, "only {seen} regression inputs");
}

// ---------------------------------------------------------------- interruption

/// `articast render` of a thousand short paragraphs into the case's `out/`, started and left
/// running.
#[cfg(unix)]
fn long_render_in_background(case: &Case) -> std::process::Child {
    let input = case.file("long.txt", one_line_paragraphs(1_000));
    std::process::Command::new(env!("CARGO_BIN_EXE_articast"))
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(case.out())
        .arg(&input)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every name in `dir`, hidden ones included, sorted; none for a missing folder.
#[cfg(unix)]
fn everything(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Sends `signal` (`-TERM`, `-INT`) to the render, which must still be running.
#[cfg(unix)]
fn signal(child: &std::process::Child, signal: &str) {
    let sent = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(
        sent.success(),
        "the render ended before it could be stopped"
    );
}

/// Waits for the stopped render: exit 130, and not one file left in the case's `out/`, not even
/// a hidden temporary one. Its output.
#[cfg(unix)]
fn stopped_leaving_nothing(case: &Case, child: std::process::Child) -> Output {
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert_eq!(
        everything(&case.out()),
        Vec::<String>::new(),
        "not even a hidden file"
    );
    output
}

/// Waits until a file appears in `dir` (the render's temporary files, when writing starts).
#[cfg(unix)]
fn wait_for_a_file(dir: &Path) {
    let started = Instant::now();
    while everything(dir).is_empty() && started.elapsed() < HANG {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// SIGTERM (or SIGINT) while the files are being written: exit 130, the one-line message, and
/// not one file left, not even a temporary one.
#[cfg(unix)]
#[test]
fn sigterm_while_writing_leaves_no_file() {
    let case = Case::new();
    let input = case.path("long.txt");
    let child = long_render_in_background(&case);
    // The temporary files (hidden: `.articast-*.part`) appear when writing starts.
    wait_for_a_file(&case.out());
    signal(&child, "-TERM");
    let output = stopped_leaving_nothing(&case, child);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "{}\ninterrupted: 0 of 1 articles finished, no partial file left; run the same \
             command again to resume (finished articles are kept, spoken utterances come from \
             the cache)\n",
            error_line(&input, "interrupted; no file written")
        )
    );
}

/// A second Ctrl-C leaves at once, without waiting for the render to stop: it still removes
/// the temporary files first.
#[cfg(unix)]
#[test]
fn a_second_ctrl_c_leaves_at_once_and_leaves_no_file() {
    let case = Case::new();
    let child = long_render_in_background(&case);
    wait_for_a_file(&case.out());
    for pause in [0, 30] {
        // Signals sent together arrive as one: the second comes once the first was handled.
        std::thread::sleep(Duration::from_millis(pause));
        signal(&child, "-INT");
    }
    stopped_leaving_nothing(&case, child);
}

/// A render killed outright (SIGKILL: no handler runs) leaves its hidden temporary files; the
/// next render into that folder removes them once they are a minute old, but not a temporary
/// file another writer still holds.
#[cfg(unix)]
#[test]
fn temporaries_of_a_killed_render_are_removed_by_the_next_one_into_the_folder() {
    let case = Case::new();
    let mut child = long_render_in_background(&case);
    let parts = |dir: &Path| -> Vec<PathBuf> {
        let mut names = everything(dir);
        names.retain(|n| n.ends_with(".part"));
        names.iter().map(|n| dir.join(n)).collect()
    };
    wait_for_a_file(&case.out());
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let left = parts(&case.out());
    assert!(!left.is_empty(), "the killed render left no temporary file");
    // Another writer's temporary, held open and locked by it (this test).
    let busy_path = case.out().join(".articast-busy00.part");
    let busy = std::fs::File::create(&busy_path).unwrap();
    busy.try_lock().unwrap();
    // Make them all two minutes old.
    let old = std::time::SystemTime::now() - Duration::from_secs(120);
    for path in left.iter().chain([&busy_path]) {
        std::fs::File::options()
            .append(true)
            .open(path)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let small = case.file("small.txt", "A Title\n\nOne short paragraph.\n");
    let output = case.render(&[], &small);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(parts(&case.out()), vec![busy_path.clone()]);
    let names = files_in(&case.out());
    assert!(names.contains(&"small.wav".to_string()), "{names:?}");
    // Once its writer is gone, that one goes too (a later process's sweep).
    drop(busy);
    let again = case.file("again.txt", "Another Title\n\nAnother paragraph.\n");
    assert_eq!(case.render(&[], &again).status.code(), Some(0));
    assert_eq!(parts(&case.out()), Vec::<PathBuf>::new());
}
