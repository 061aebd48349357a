//! `<stem>.html`, the listening page: the article as structured HTML with the audio, a chapter
//! list that seeks, and read-along (the sentence being spoken is highlighted; activating a
//! sentence plays from there). Keyboard: `h`/`p`/`q` go to the next section, paragraph or
//! quotation (with Shift, the previous), `k` or Space plays and pauses.
//!
//! The page stands alone: its script and style are inline ([`SCRIPT`], [`STYLE`]) and it loads
//! nothing but the audio and the WebVTT tracks beside it, so it works opened as a file. Article
//! text is escaped ([`escape`]); the only script is the page's own.

use std::fmt::Write;

use super::markup::{Block, BlockKind, blocks, escape};
use super::{Chapter, Sidecar, Whole, seconds};
use crate::script::MarkKind;

/// The page's script (inline).
pub const SCRIPT: &str = include_str!("page.js");
/// The page's style (inline).
pub const STYLE: &str = include_str!("page.css");

/// The listening page of a render. `stem` names the WebVTT sidecars; `written` says which
/// sidecars exist, so that the page only points at files that are there.
pub fn render(whole: &Whole, stem: &str, written: &[Sidecar]) -> String {
    let timeline = whole.timeline;
    let rate = timeline.sample_rate;
    let title = whole.title.unwrap_or(stem);
    let blocks = blocks(timeline, whole.title);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"articast {}\">\n<title>{} – listening page</title>\n\
         <style>\n{STYLE}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#text\">Skip to the text</a>\n<header>\n",
        env!("CARGO_PKG_VERSION"),
        escape(title),
    );
    let (head, body): (Vec<&Block>, Vec<&Block>) = blocks
        .iter()
        .partition(|b| matches!(b.kind, BlockKind::Title | BlockKind::Byline));
    if !head.iter().any(|b| b.kind == BlockKind::Title) {
        let start = timeline.sections.first().map_or(0, |s| s.start_frame);
        let _ = writeln!(
            out,
            "<h1 id=\"title\" tabindex=\"-1\" data-nav=\"section\" data-b=\"{}\">{}</h1>",
            secs(start, rate),
            escape(title)
        );
    }
    for block in head {
        write_block(&mut out, whole, block, rate);
    }
    out.push_str("</header>\n");
    write_player(&mut out, whole, stem, written);
    write_chapters(&mut out, whole.chapters, rate);
    out.push_str("<main id=\"text\" tabindex=\"-1\">\n");
    write_body(&mut out, whole, &body);
    out.push_str("</main>\n<footer>\n");
    if timeline.estimated {
        out.push_str(
            "<p>The speech engine gave no word timings: sentence times are estimates.</p>\n",
        );
    }
    let _ = write!(
        out,
        "<p>Narrated with articast. {}</p>\n</footer>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        KEYS_HELP
    );
    out
}

const KEYS_HELP: &str = "Keys: <kbd>h</kbd> next section, <kbd>p</kbd> next paragraph, \
    <kbd>q</kbd> next quotation (with <kbd>Shift</kbd>: previous), <kbd>k</kbd> or \
    <kbd>Space</kbd> play or pause, <kbd>Enter</kbd> on a heading or paragraph plays it; \
    click a sentence to play from there.";

fn secs(frame: u64, rate: u32) -> String {
    format!("{:.3}", seconds(frame, rate))
}

/// `m:ss` (or `h:mm:ss`) for a chapter list.
fn clock(frame: u64, rate: u32) -> String {
    let s = seconds(frame, rate) as u64;
    match s / 3600 {
        0 => format!("{}:{:02}", s / 60, s % 60),
        h => format!("{h}:{:02}:{:02}", s / 60 % 60, s % 60),
    }
}

fn write_player(out: &mut String, whole: &Whole, stem: &str, written: &[Sidecar]) {
    let rate = whole.timeline.sample_rate;
    let first = whole.audio.first().map_or("", |a| a.0.as_str());
    let _ = writeln!(
        out,
        "<div class=\"player\" role=\"region\" aria-label=\"Player\">\n\
         <audio id=\"audio\" controls preload=\"auto\" src=\"{}\">",
        escape(&href(first))
    );
    // WebVTT times are the whole program's: they fit the audio only when it is one file.
    if whole.audio.len() == 1 {
        for (kind, label, track) in [
            (Sidecar::ChaptersVtt, "Chapters", "chapters"),
            (Sidecar::Vtt, "Captions", "captions"),
        ] {
            if written.contains(&kind) {
                let _ = writeln!(
                    out,
                    "<track kind=\"{track}\" srclang=\"en\" label=\"{label}\" src=\"{}\">",
                    escape(&href(&kind.file_name(stem)))
                );
            }
        }
    }
    out.push_str("</audio>\n<div class=\"buttons\" role=\"group\" aria-label=\"Go to\">\n");
    for (action, label) in [
        ("section -1", "Previous section"),
        ("section 1", "Next section"),
        ("paragraph -1", "Previous paragraph"),
        ("paragraph 1", "Next paragraph"),
        ("quote -1", "Previous quotation"),
        ("quote 1", "Next quotation"),
    ] {
        let _ = writeln!(
            out,
            "<button type=\"button\" data-go=\"{action}\">{label}</button>"
        );
    }
    out.push_str("</div>\n");
    let parts: Vec<serde_json::Value> = whole
        .audio
        .iter()
        .map(|(file, start)| serde_json::json!({"src": href(file), "start": seconds(*start, rate)}))
        .collect();
    // `<` as \u003c: no text in the JSON can close the script element.
    let json = serde_json::to_string(&parts)
        .expect("plain values serialize")
        .replace('<', "\\u003c");
    let _ = writeln!(
        out,
        "<script type=\"application/json\" id=\"parts\">{json}</script>\n</div>"
    );
}

/// A file name as a relative URL (spaces and other reserved characters percent-encoded).
fn href(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

fn write_chapters(out: &mut String, chapters: &[Chapter], rate: u32) {
    if chapters.is_empty() {
        return;
    }
    out.push_str(
        "<nav aria-labelledby=\"chapters-heading\">\n<h2 id=\"chapters-heading\">Chapters</h2>\n<ol class=\"chapters\">\n",
    );
    for chapter in chapters {
        let kind = match chapter.kind {
            MarkKind::Section => "section",
            MarkKind::Quote => "quote",
            MarkKind::Paragraph => "paragraph",
        };
        let _ = writeln!(
            out,
            "<li class=\"{kind}\"><button type=\"button\" data-b=\"{}\" data-e=\"{}\">{} \
             <span class=\"time\">{}</span></button></li>",
            secs(chapter.start_frame, rate),
            secs(chapter.end_frame, rate),
            escape(&chapter.title),
            clock(chapter.start_frame, rate)
        );
    }
    out.push_str("</ol>\n</nav>\n");
}

fn write_body(out: &mut String, whole: &Whole, body: &[&Block]) {
    let timeline = whole.timeline;
    let rate = timeline.sample_rate;
    let mut open: Option<usize> = None;
    for block in body {
        if open != Some(block.section) {
            if open.is_some() {
                out.push_str("</section>\n");
            }
            open = Some(block.section);
            let id = block.section + 1;
            // The opening section is named by the title (the page's `h1`).
            let label = match block.section {
                0 => "title".to_string(),
                _ => format!("h-{id}"),
            };
            let _ = writeln!(
                out,
                "<section id=\"section-{id}\" aria-labelledby=\"{label}\">"
            );
            let section = &timeline.sections[block.section];
            // A later section without a heading ("Part 2") still gets one to go to.
            if block.section > 0 && block.kind != BlockKind::Heading {
                let _ = writeln!(
                    out,
                    "<h2 id=\"h-{id}\" tabindex=\"-1\" data-nav=\"section\" data-b=\"{}\">{}</h2>",
                    secs(section.start_frame, rate),
                    escape(&section.text)
                );
            }
        }
        write_block(out, whole, block, rate);
    }
    if open.is_some() {
        out.push_str("</section>\n");
    }
}

fn write_block(out: &mut String, whole: &Whole, block: &Block, rate: u32) {
    let b = secs(block.start_frame(), rate);
    let e = secs(block.end_frame(), rate);
    let (open, close) = match block.kind {
        BlockKind::Title => (
            format!(
                "<h1 id=\"title\" tabindex=\"-1\" data-nav=\"section\" data-b=\"{b}\" data-e=\"{e}\">"
            ),
            "</h1>",
        ),
        BlockKind::Byline => ("<p class=\"byline\">".to_string(), "</p>"),
        BlockKind::Heading => (
            format!(
                "<h2 id=\"h-{}\" tabindex=\"-1\" data-nav=\"section\" data-b=\"{b}\" data-e=\"{e}\">",
                block.section + 1
            ),
            "</h2>",
        ),
        BlockKind::Paragraph(p) => (
            format!(
                "<p id=\"p{}\" tabindex=\"-1\" data-nav=\"paragraph\" data-b=\"{b}\" data-e=\"{e}\">",
                p + 1
            ),
            "</p>",
        ),
        BlockKind::Credit => ("<p class=\"credit\">".to_string(), "</p>"),
    };
    out.push_str(&open);
    let quotes = &whole.timeline.quotes;
    for (k, run) in block.runs.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        let sentences = run
            .sentences
            .iter()
            .map(|(i, s)| {
                format!(
                    "<span class=\"s\" id=\"s{}\" data-b=\"{}\" data-e=\"{}\">{}</span>",
                    i + 1,
                    secs(s.timed.start_frame, rate),
                    secs(s.timed.end_frame, rate),
                    escape(&s.timed.text)
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
        let Some(q) = run.quote else {
            out.push_str(&sentences);
            continue;
        };
        // The quotation's first run is where `q` goes to; its last run names who said it.
        let first = run.sentences.first().map(|(i, _)| *i);
        let start = run
            .sentences
            .first()
            .map_or(0, |(_, s)| s.timed.start_frame);
        let nav = if first.is_some() && first == first_sentence(whole, q) {
            format!(
                " id=\"q{}\" tabindex=\"-1\" data-nav=\"quote\" data-b=\"{}\"",
                q + 1,
                secs(start, rate)
            )
        } else {
            String::new()
        };
        let _ = write!(out, "<q class=\"quote\"{nav}>{sentences}</q>");
        let last = block.runs[k + 1..].iter().all(|r| r.quote != Some(q));
        if let (true, Some(speaker)) = (last, quotes[q].speaker.as_deref()) {
            let _ = write!(out, " <small class=\"who\">– {}</small>", escape(speaker));
        }
    }
    out.push_str(close);
    out.push('\n');
}

/// The index of the first sentence of quotation `q`.
fn first_sentence(whole: &Whole, q: usize) -> Option<usize> {
    let quote = whole.timeline.quotes.get(q)?;
    let sentences = &whole.timeline.sentences;
    let from = sentences.partition_point(|s| s.utterance < *quote.utterances.start());
    sentences[from..]
        .iter()
        .position(|s| whole.timeline.quote_of(s) == Some(q))
        .map(|k| from + k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chapters::markup::tests::sample_timeline;

    fn page(written: &[Sidecar]) -> String {
        let timeline = sample_timeline();
        let chapters = vec![Chapter {
            kind: MarkKind::Section,
            start_frame: 100,
            end_frame: 200,
            title: "Section: <b>Second</b>".into(),
            note: "Second".into(),
        }];
        let audio = vec![("my article.wav".to_string(), 0)];
        render(
            &Whole {
                audio: &audio,
                title: Some("A <Title>"),
                author: Some("Ann"),
                chapters: &chapters,
                timeline: &timeline,
            },
            "my article",
            written,
        )
    }

    #[test]
    fn the_page_has_the_structure_the_audio_and_the_tracks() {
        let html = page(&[Sidecar::ChaptersVtt, Sidecar::Vtt]);
        assert!(html.contains("<h1 id=\"title\""));
        assert!(
            html.contains("<h2 id=\"h-2\" tabindex=\"-1\" data-nav=\"section\" data-b=\"0.100\"")
        );
        assert!(html.contains("src=\"my%20article.wav\""));
        assert!(html.contains("<track kind=\"chapters\" srclang=\"en\" label=\"Chapters\" src=\"my%20article.chapters.vtt\">"));
        assert!(html.contains("<track kind=\"captions\""));
        assert!(html.contains(
            "<span class=\"s\" id=\"s3\" data-b=\"0.030\" data-e=\"0.040\">First.</span>"
        ));
        assert!(html.contains("<button type=\"button\" data-b=\"0.100\" data-e=\"0.200\">Section: &lt;b&gt;Second&lt;/b&gt; <span class=\"time\">0:00</span></button>"));
    }

    #[test]
    fn tracks_are_named_only_when_their_files_are_written() {
        let html = page(&[]);
        assert!(!html.contains("<track"));
    }

    #[test]
    fn a_quotation_is_one_place_to_go_and_names_its_speaker_once() {
        let html = page(&[]);
        assert_eq!(html.matches("data-nav=\"quote\"").count(), 1);
        assert_eq!(html.matches("<q class=\"quote\"").count(), 2);
        assert_eq!(html.matches("<small class=\"who\">– Bo</small>").count(), 1);
        let p1 = html.find("id=\"p1\"").unwrap();
        assert!(html[p1..].find("We came,").unwrap() < html[p1..].find("who").unwrap());
    }

    #[test]
    fn article_text_cannot_add_markup_or_script() {
        let html = page(&[]);
        assert!(!html.contains("<script>x"));
        assert!(html.contains("Then &lt;script&gt;x&lt;/script&gt;."));
        assert!(html.contains("<title>A &lt;Title&gt; – listening page</title>"));
        // One script element of the page's own, plus its data.
        assert_eq!(html.matches("<script").count(), 2);
    }
}
