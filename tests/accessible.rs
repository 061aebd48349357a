//! The accessible outputs checked by tools that are not ours: the listening page driven in
//! headless Chromium (Playwright, `tests/tools/page_check.mjs`) and audited with axe-core; the
//! EPUB validated with epubcheck and its media overlays compared with the timing map.
//!
//! The tools come from `scripts/setup.sh` (Debian `chromium` and `epubcheck`, npm packages in
//! `tests/tools`). Without them a test says why and passes, except under CI (`CI` set), where a
//! missing tool is a failure.

use crate::common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{articast, render_fake, sample};

const TOOLS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools");

/// Whether a needed tool is there; when it is not, fails under CI and otherwise says why.
fn have(tool: &str, present: bool) -> bool {
    if !present {
        let why = format!("{tool} is not installed (run scripts/setup.sh)");
        assert!(std::env::var_os("CI").is_none(), "{why}");
        println!("skipped: {why}");
    }
    present
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn epubcheck_jar() -> PathBuf {
    std::env::var_os("EPUBCHECK_JAR").map_or_else(
        || PathBuf::from("/usr/share/java/epubcheck.jar"),
        PathBuf::from,
    )
}

fn browser_tools() -> bool {
    let node = Command::new("node").arg("--version").output().is_ok();
    have("node", node)
        && have("chromium", chromium().exists())
        && have(
            "tests/tools/node_modules (npm ci)",
            Path::new(TOOLS)
                .join("node_modules/playwright-core")
                .exists()
                && Path::new(TOOLS).join("node_modules/axe-core").exists(),
        )
}

fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number: {v}"))
}

/// Checks that `q` (pressed after `after` seconds) went to the first quotation that starts
/// later, as the chapters sidecar has it, and moved focus there.
fn check_quote_key(seen: &serde_json::Value, chapters: &serde_json::Value, after: f64) {
    let quote = chapters["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["toc"] == false && f(&c["startTime"]) > after)
        .expect("a quotation after that point");
    let key = &seen["quote_key"];
    assert!(key["focus"].as_str().unwrap().starts_with('q'), "{key}");
    assert!(
        close(f(&key["time"]), f(&quote["startTime"]), 0.1),
        "{key} vs {quote}"
    );
}

/// Where the screenshots go: kept after the test, under `target/`.
fn screenshot(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/accessible");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs page_check.mjs on `page`; `third` is the start of the chapter label Tab should reach.
fn page_check(page: &Path, shot: &Path, third: Option<&str>) -> serde_json::Value {
    let mut node = Command::new("node");
    node.arg(Path::new(TOOLS).join("page_check.mjs"))
        .arg(page)
        .arg(shot)
        .env("CHROMIUM", chromium());
    if let Some(third) = third {
        node.env("THIRD", third);
    }
    let out = node.output().expect("node runs");
    assert!(
        out.status.success(),
        "page_check.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from page_check.mjs")
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn the_listening_page_reads_along_in_chromium_and_axe_finds_nothing_serious() {
    if !browser_tools() {
        return;
    }
    let dir = common::sample_fake_render();
    let stem = "free-russian-legion";
    let timing = json(&dir.join(format!("{stem}.timing.json")));
    let chapters = json(&dir.join(format!("{stem}.chapters.json")));
    let shot = screenshot("listening-page.png");
    let seen = page_check(&dir.join(format!("{stem}.html")), &shot, None);
    println!("screenshot: {} (dark mode: -dark.png)", shot.display());

    assert_eq!(seen["errors"], serde_json::json!([]), "script errors");
    let folder = seen["folder"].as_str().unwrap();
    for url in seen["requests"].as_array().unwrap() {
        let url = url.as_str().unwrap();
        assert!(url.starts_with(folder), "the page fetched {url}");
    }
    assert_eq!(seen["h1"], chapters["title"]);
    for landmark in ["header", "region", "nav", "main", "footer"] {
        assert!(
            seen["landmarks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == landmark),
            "no {landmark} in {}",
            seen["landmarks"]
        );
    }
    assert_eq!(seen["live_regions"], 0);
    assert_eq!(
        seen["tracks"],
        serde_json::json!([
            format!("chapters {stem}.chapters.vtt"),
            format!("captions {stem}.vtt")
        ])
    );

    // The chapter list is the chapters sidecar's, and the text is the timing map's sentences.
    let listed = seen["chapters"].as_array().unwrap();
    let expected = chapters["chapters"].as_array().unwrap();
    assert_eq!(listed.len(), expected.len());
    for (l, e) in listed.iter().zip(expected) {
        // The page names each mark's kind for a screen reader (`Section: …`, `Quote: …`); the
        // JSON chapters carry the plain title players show.
        let (page_title, plain) = (l["title"].as_str().unwrap(), e["title"].as_str().unwrap());
        assert!(
            page_title.ends_with(plain) && page_title.contains(": "),
            "{page_title} vs {plain}"
        );
        assert!(
            close(f(&l["start"]), f(&e["startTime"]), 0.001),
            "{l} vs {e}"
        );
    }
    let sentences = seen["sentences"].as_array().unwrap();
    let mapped = timing["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), mapped.len());
    for (s, m) in sentences.iter().zip(mapped) {
        assert_eq!(s["text"], m["text"]);
        assert!(close(f(&s["start"]), f(&m["start"]), 0.001));
    }

    // Activating a chapter and a sentence moves the audio there.
    let clicked = &seen["chapter_clicked"];
    let index = clicked["index"].as_u64().unwrap() as usize;
    assert!(index >= 2, "the third chapter was clicked");
    assert!(
        close(f(&clicked["time"]), f(&expected[index]["startTime"]), 0.01),
        "{clicked}"
    );
    let sentence = &seen["sentence_clicked"];
    let id = sentence["id"].as_str().unwrap();
    let k: usize = id[1..].parse::<usize>().unwrap() - 1;
    assert!(
        close(f(&sentence["time"]), f(&mapped[k]["start"]), 0.5),
        "{sentence}"
    );
    assert_eq!(sentence["paused"], false, "a sentence plays from its start");

    // While it plays, the highlighted sentence is the one heard, and it stays in view.
    let follow = seen["follow"].as_array().unwrap();
    let starts: Vec<f64> = mapped.iter().map(|m| f(&m["start"])).collect();
    let mut highlighted = Vec::new();
    for sample in follow {
        let time = f(&sample["time"]);
        let now = sample["now"].as_str().expect("a sentence is highlighted");
        let i: usize = now[1..].parse::<usize>().unwrap() - 1;
        let heard = starts.iter().rposition(|&s| s <= time).unwrap();
        // The highlight may lag a sampling interval behind the audio.
        let lag_ok = i == heard || (i + 1 == heard && time - starts[heard] < 0.3);
        assert!(
            lag_ok,
            "at {time:.3} s {now} is highlighted, sentence {} is heard",
            heard + 1
        );
        assert_eq!(sample["in_view"], true, "{sample}");
        highlighted.push(i);
    }
    highlighted.dedup();
    assert!(
        highlighted.len() >= 2,
        "the highlight moved on: {highlighted:?}"
    );
    assert!(
        f(&follow[follow.len() - 1]["time"]) > f(&follow[0]["time"]) + 2.0,
        "it plays"
    );
    assert!(shot.exists());
    check_quote_key(&seen, &chapters, 1.0);

    // 200 % zoom reflows; dark mode is dark; axe-core finds no serious or critical violation.
    assert!(
        f(&seen["zoom_overflow"]) <= 0.0,
        "sideways scrolling at 200 %"
    );
    assert_eq!(seen["dark_background"], "rgb(20, 20, 20)");
    for scheme in ["light", "dark"] {
        let violations = seen["axe"][scheme].as_array().unwrap();
        println!(
            "axe-core ({scheme}): {} violations {violations:?}",
            violations.len()
        );
        let serious: Vec<&serde_json::Value> = violations
            .iter()
            .filter(|v| v["impact"] == "serious" || v["impact"] == "critical")
            .collect();
        assert!(serious.is_empty(), "axe-core ({scheme}): {serious:?}");
    }
}

#[test]
fn the_keyboard_alone_reaches_the_third_section() {
    if !browser_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt");
    articast()
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(dir.path())
        .arg(&fixture)
        .assert()
        .success();
    let timing = json(&dir.path().join("three-sections.timing.json"));
    let sections = timing["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 3);
    let third = sections[2]["text"].as_str().unwrap();
    let shot = screenshot("three-sections.png");
    let seen = page_check(
        &dir.path().join("three-sections.html"),
        &shot,
        Some(&format!("Section: {third}")),
    );
    assert_eq!(seen["errors"], serde_json::json!([]));

    // `h` twice from the top: the second and third sections, focus on their headings.
    let keys = seen["keys"].as_array().unwrap();
    for (key, section) in keys.iter().zip(&sections[1..]) {
        // The heading's first sentence starts with the section.
        assert!(
            close(f(&key["time"]), f(&section["start"]), 0.05),
            "{key} vs {section}"
        );
        assert_eq!(
            key["focus"],
            format!("H2 {}", section["text"].as_str().unwrap())
        );
        assert_eq!(key["focus_visible"], true);
    }
    // `p` goes to the third section's first paragraph, Shift+H back to the third section's
    // start, `k` plays and pauses.
    let paragraph = &seen["paragraph_key"];
    let first_in_third = timing["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| f(&p["start"]) > f(&sections[2]["start"]))
        .unwrap();
    assert_eq!(paragraph["focus"], format!("p{}", first_in_third + 1));
    assert!(close(
        f(&paragraph["time"]),
        f(&timing["paragraphs"][first_in_third]["start"]),
        0.05
    ));
    assert!(close(f(&seen["back_key"]), f(&sections[2]["start"]), 0.05));
    assert_eq!(seen["play_key"], true);
    assert_eq!(seen["pause_key"], true);
    let chapters = json(&dir.path().join("three-sections.chapters.json"));
    check_quote_key(&seen, &chapters, f(&sections[2]["start"]) + 1.0);

    // Tab alone: every stop shows its focus, and Enter on the third section's chapter seeks.
    let tabs = seen["tab_order"].as_array().unwrap();
    assert_eq!(tabs[0]["text"], "Skip to the text");
    for stop in tabs.iter().filter(|t| t["tag"] != "AUDIO") {
        assert_eq!(stop["focus_visible"], true, "{stop}");
    }
    let entered = &seen["tab_enter"];
    assert!(
        close(f(&entered["time"]), f(&sections[2]["start"]), 0.05),
        "{entered}"
    );
}

#[test]
fn a_page_over_several_audio_files_seeks_into_and_plays_through_the_parts() {
    if !browser_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    render_fake(dir.path(), &["--max-part-duration", "120"]);
    let timing = json(&dir.path().join("free-russian-legion.timing.json"));
    let out = Command::new("node")
        .arg(Path::new(TOOLS).join("page_parts.mjs"))
        .arg(dir.path().join("free-russian-legion.html"))
        .env("CHROMIUM", chromium())
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["errors"], serde_json::json!([]));
    let audio = timing["audio"].as_array().unwrap();
    assert!(audio.len() >= 3);
    for (part, file) in seen["parts"].as_array().unwrap().iter().zip(audio) {
        assert_eq!(part["src"], file["file"]);
        assert!(close(f(&part["start"]), f(&file["start"]), 0.001));
    }
    // The last chapter lies in a later part: that part plays, from the chapter's own time in it.
    let start = f(&seen["chapter"]["start"]);
    let k = audio.iter().rposition(|a| f(&a["start"]) <= start).unwrap();
    assert!(k >= 1);
    let chapter = &seen["chapter"]["seen"];
    assert_eq!(chapter["src"], audio[k]["file"]);
    assert!(
        close(f(&chapter["time"]), start - f(&audio[k]["start"]), 0.01),
        "{chapter}"
    );
    // Playing past the end of the first part goes on at the start of the second.
    let after = &seen["after_end"];
    assert_eq!(after["src"], audio[1]["file"], "{after}");
    assert!(
        f(&after["time"]) > 0.2 && f(&after["time"]) < 2.0,
        "{after}"
    );
}

#[test]
fn article_text_cannot_put_markup_or_script_into_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let article = "Hostile Title <script>alert(1)</script>\n\n\
        A paragraph with <img src=x onerror=alert(2)> and </p><script>alert(3)</script> in it. \
        It also says \"</q><b>bold</b>\" out loud.\n";
    articast()
        .args(["render", "-q", "--engine", "fake", "--format", "text", "-o"])
        .arg(dir.path())
        .arg("-")
        .write_stdin(article)
        .assert()
        .success();
    let html = std::fs::read_to_string(dir.path().join("stdin.html")).unwrap();
    assert!(
        html.contains("&lt;img src=x onerror=alert(2)&gt;"),
        "the text is shown"
    );
    for bad in ["<img", "<script>alert", "<b>bold"] {
        assert!(!html.contains(bad), "{bad} reached the page");
    }
    assert_eq!(
        html.matches("<script").count(),
        2,
        "only the page's script and data"
    );
}

/// epubcheck's report on `epub`, and whether it found nothing.
fn epubcheck(epub: &Path) -> (String, bool) {
    let out = Command::new("java")
        .arg("-jar")
        .arg(epubcheck_jar())
        .arg(epub)
        .output()
        .expect("java runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let clean = out.status.success()
        && report.contains("No errors or warnings detected")
        && report.contains("0 fatals / 0 errors / 0 warnings");
    (report, clean)
}

fn epub_tools() -> bool {
    let java = Command::new("java").arg("-version").output().is_ok();
    have("java", java) && have("epubcheck", epubcheck_jar().exists())
}

/// Renders `input` with the EPUB into `dir`; returns the EPUB's path.
fn render_epub(dir: &Path, input: &Path, extra: &[&str]) -> PathBuf {
    articast()
        .args([
            "render",
            "-q",
            "--engine",
            "fake",
            "--sidecars",
            "all,epub",
            "-o",
        ])
        .arg(dir)
        .args(extra)
        .arg(input)
        .assert()
        .success();
    let stem = input.file_stem().unwrap().to_string_lossy();
    dir.join(format!("{stem}.epub"))
}

/// Every `<par>` of every SMIL file: (sentence number, audio file, clipBegin s, clipEnd s).
fn smil_clips(epub: &Path) -> Vec<(usize, String, f64, f64)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let par = regex::Regex::new(
        r#"<text src="section-\d+\.xhtml#s(\d+)"/><audio src="([^"]+)" clipBegin="(\d+):(\d\d):(\d\d\.\d{3})" clipEnd="(\d+):(\d\d):(\d\d\.\d{3})"/>"#,
    )
    .unwrap();
    let secs = |h: &str, m: &str, s: &str| {
        h.parse::<f64>().unwrap() * 3600.0
            + m.parse::<f64>().unwrap() * 60.0
            + s.parse::<f64>().unwrap()
    };
    let mut clips = Vec::new();
    for name in names.iter().filter(|n| n.ends_with(".smil")) {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(
            text.matches("<par ").count(),
            par.captures_iter(&text).count()
        );
        for c in par.captures_iter(&text) {
            clips.push((
                c[1].parse().unwrap(),
                c[2].to_string(),
                secs(&c[3], &c[4], &c[5]),
                secs(&c[6], &c[7], &c[8]),
            ));
        }
    }
    clips
}

#[test]
fn the_epub_passes_epubcheck_and_every_clip_is_the_timing_maps() {
    if !epub_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let epub = render_epub(dir.path(), &sample(), &[]);
    let (report, clean) = epubcheck(&epub);
    println!("{report}");
    assert!(clean, "epubcheck: {report}");

    let timing = json(&dir.path().join("free-russian-legion.timing.json"));
    let sentences = timing["sentences"].as_array().unwrap();
    let clips = smil_clips(&epub);
    let timed: Vec<&serde_json::Value> = sentences
        .iter()
        .filter(|s| f(&s["end"]) - f(&s["start"]) >= 0.001)
        .collect();
    assert_eq!(clips.len(), timed.len(), "one clip per sentence heard");
    for (number, audio, begin, end) in &clips {
        let s = &sentences[number - 1];
        assert_eq!(audio, "audio/part-01.mp3");
        assert!(
            close(*begin, f(&s["start"]), 0.0006),
            "s{number}: {begin} vs {}",
            s["start"]
        );
        assert!(
            close(*end, f(&s["end"]), 0.0006),
            "s{number}: {end} vs {}",
            s["end"]
        );
    }
}

#[test]
fn split_audio_clips_are_timed_within_their_part() {
    if !epub_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let epub = render_epub(dir.path(), &sample(), &["--max-part-duration", "120"]);
    let (report, clean) = epubcheck(&epub);
    assert!(clean, "epubcheck: {report}");
    let timing = json(&dir.path().join("free-russian-legion.timing.json"));
    let parts = timing["audio"].as_array().unwrap();
    assert!(parts.len() >= 3, "{parts:?}");
    let clips = smil_clips(&epub);
    for (number, audio, begin, end) in &clips {
        let s = &timing["sentences"][number - 1];
        let part: usize = audio["audio/part-".len()..audio.len() - 4].parse().unwrap();
        let offset = f(&parts[part - 1]["start"]);
        assert!(
            close(begin + offset, f(&s["start"]), 0.0006),
            "s{number} in {audio}"
        );
        assert!(
            close(end + offset, f(&s["end"]), 0.0006),
            "s{number} in {audio}"
        );
    }
    assert!(clips.iter().any(|c| c.1 == "audio/part-03.mp3"));
}

#[test]
fn a_corpus_article_with_sections_passes_epubcheck() {
    if !epub_tools() {
        return;
    }
    // The corpus lives beside the repository: absent, the test fails unless
    // ARTICAST_SKIP_CORPUS says to skip the corpus tests (as .ci/run does on such a machine).
    let Some(articles) = crate::corpus::corpus_dir("articles") else {
        return;
    };
    let source = articles.join("medium-1/source.html");
    let dir = tempfile::tempdir().unwrap();
    let epub = render_epub(dir.path(), &source, &[]);
    let (report, clean) = epubcheck(&epub);
    println!("{report}");
    assert!(clean, "epubcheck: {report}");
    let timing = json(&dir.path().join("source.timing.json"));
    assert!(timing["sections"].as_array().unwrap().len() >= 10);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let mut nav = String::new();
    zip.by_name("EPUB/nav.xhtml")
        .unwrap()
        .read_to_string(&mut nav)
        .unwrap();
    let toc = nav.split("epub:type=\"page-list\"").next().unwrap();
    assert_eq!(
        toc.matches("<li>").count(),
        timing["sections"].as_array().unwrap().len()
    );
    assert_eq!(
        nav.matches("<li>").count() - toc.matches("<li>").count() - 1,
        timing["paragraphs"].as_array().unwrap().len(),
        "the page list names every paragraph (and the landmarks one start)"
    );
}

#[test]
fn chapter_every_cuts_an_article_without_headings_into_labelled_parts() {
    let dir = tempfile::tempdir().unwrap();
    render_fake(dir.path(), &["--chapter-every", "1m"]);
    let chapters = json(&dir.path().join("free-russian-legion.chapters.json"));
    let timing = json(&dir.path().join("free-russian-legion.timing.json"));
    let sections: Vec<&serde_json::Value> = chapters["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.get("toc").is_none())
        .collect();
    assert!(sections.len() >= 4, "{sections:?}");
    assert!(
        sections[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("The Free Russian")
    );
    let paragraphs = timing["paragraphs"].as_array().unwrap();
    for pair in sections.windows(2) {
        let (a, b) = (f(&pair[0]["startTime"]), f(&pair[1]["startTime"]));
        assert!(b - a >= 60.0, "{a} then {b}");
        // Each new part opens a paragraph and is labelled by its first words.
        let title = pair[1]["title"].as_str().unwrap().trim_end_matches('…');
        let opens = paragraphs
            .iter()
            .find(|p| close(f(&p["start"]), b, 0.001))
            .unwrap_or_else(|| panic!("no paragraph starts at {b}"));
        assert!(
            opens["text"].as_str().unwrap().starts_with(title),
            "{title}"
        );
    }
}
