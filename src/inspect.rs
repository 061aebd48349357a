//! The `inspect` views of an article: an indented text view and a JSON document.

use serde::Serialize;

use crate::article::{Article, Attribution, DropReason, SpanKind};
use crate::input::{Decoding, Origin};
use crate::script::speech_text;

/// The JSON document of `articast inspect --json`.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// The character encoding the input was read in, and why.
    pub encoding: EncodingView,
    /// Headline.
    pub title: Option<&'a str>,
    /// How the headline was chosen.
    pub title_found: Option<&'a str>,
    /// Author line.
    pub byline: Option<&'a str>,
    /// Credit lines.
    pub credits: &'a [String],
    /// Dateline.
    pub dateline: Option<&'a str>,
    /// Publication date as written.
    pub date: Option<&'a str>,
    /// Language (ISO 639-1), from the page or detected.
    pub language: Option<&'a str>,
    /// Headings and paragraphs in reading order.
    pub blocks: Vec<Block<'a>>,
    /// Lines removed by cleaning.
    pub dropped: Vec<DroppedLine<'a>>,
}

/// The encoding of the input.
#[derive(Debug, Serialize)]
pub struct EncodingView {
    /// WHATWG name (`UTF-8`, `windows-1252`, ...).
    pub name: &'static str,
    /// Why it was chosen.
    pub origin: Origin,
}

/// A heading or paragraph.
#[derive(Debug, Serialize)]
pub struct Block<'a> {
    /// `heading` or `paragraph`.
    pub kind: &'static str,
    /// Source text.
    pub text: &'a str,
    /// What the engine is given.
    pub speech: String,
    /// Narration and quotation spans (paragraphs only).
    pub spans: Vec<SpanView<'a>>,
    /// The block's sentences (paragraphs only).
    pub sentences: &'a [String],
}

/// One span of a paragraph.
#[derive(Debug, Serialize)]
pub struct SpanView<'a> {
    /// `narration` or `quote`.
    pub kind: SpanKind,
    /// Source text.
    pub text: &'a str,
    /// Who speaks a quotation, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<&'a str>,
    /// How the speaker was found (`tag`, `paragraph`, `pronoun`, `alternation`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
}

/// A dropped line.
#[derive(Debug, Serialize)]
pub struct DroppedLine<'a> {
    /// The line.
    pub text: &'a str,
    /// Why.
    pub reason: DropReason,
}

/// Builds the report of an article read in `encoding`.
pub fn report<'a>(article: &'a Article, encoding: &Decoding) -> Report<'a> {
    let mut blocks = Vec::new();
    for section in &article.sections {
        if let Some(heading) = &section.heading {
            blocks.push(Block {
                kind: "heading",
                text: heading,
                speech: speech_text(heading),
                spans: vec![],
                sentences: &[],
            });
        }
        for p in &section.paragraphs {
            let spans = p
                .spans
                .iter()
                .map(|s| SpanView {
                    kind: s.kind,
                    text: &s.text,
                    speaker: s
                        .quotation
                        .and_then(|q| article.quotations[q].speaker.as_deref()),
                    attribution: s.quotation.and_then(|q| article.quotations[q].attribution),
                })
                .collect();
            blocks.push(Block {
                kind: "paragraph",
                text: &p.text,
                speech: speech_text(&p.text),
                spans,
                sentences: &p.sentences,
            });
        }
    }
    Report {
        encoding: EncodingView {
            name: encoding.encoding.name(),
            origin: encoding.origin,
        },
        title: article.title.as_deref(),
        title_found: article.title_found.as_deref(),
        byline: article.byline.as_deref(),
        credits: &article.credits,
        dateline: article.dateline.as_deref(),
        date: article.date.as_deref(),
        language: article.language.as_deref(),
        blocks,
        dropped: article
            .dropped
            .iter()
            .map(|d| DroppedLine {
                text: &d.text,
                reason: d.reason,
            })
            .collect(),
    }
}

/// The report as pretty JSON.
pub fn json(article: &Article, encoding: &Decoding) -> String {
    serde_json::to_string_pretty(&report(article, encoding))
        .expect("the report holds only strings and arrays")
}

/// The indented human view.
pub fn text(article: &Article, encoding: &Decoding) -> String {
    let mut out = String::new();
    let line = |out: &mut String, indent: usize, text: &str| {
        out.push_str(&"  ".repeat(indent));
        out.push_str(text);
        out.push('\n');
    };
    line(&mut out, 0, &format!("encoding: {encoding}"));
    line(
        &mut out,
        0,
        &format!("title:    {}", article.title.as_deref().unwrap_or("(none)")),
    );
    if let Some(how) = &article.title_found {
        line(&mut out, 1, &format!("chosen: {how}"));
    }
    line(
        &mut out,
        0,
        &format!(
            "byline:   {}",
            article.byline.as_deref().unwrap_or("(none)")
        ),
    );
    if let Some(l) = &article.language {
        line(&mut out, 0, &format!("language: {l}"));
    }
    if let Some(d) = &article.dateline {
        line(&mut out, 0, &format!("dateline: {d}"));
    }
    for credit in &article.credits {
        line(&mut out, 0, &format!("credit:   {credit}"));
    }
    for (i, section) in article.sections.iter().enumerate() {
        line(
            &mut out,
            0,
            &format!(
                "section {}: {}",
                i + 1,
                section.heading.as_deref().unwrap_or("(no heading)")
            ),
        );
        for (j, p) in section.paragraphs.iter().enumerate() {
            line(&mut out, 1, &format!("¶{} {}", j + 1, p.text));
            for span in p.spans.iter().filter(|s| s.kind == SpanKind::Quote) {
                let quotation = span.quotation.map(|q| &article.quotations[q]);
                let speaker = quotation
                    .and_then(|q| q.speaker.as_deref())
                    .unwrap_or("unknown speaker");
                let how = quotation
                    .and_then(|q| q.attribution)
                    .map(|a| format!(" [{a}]"))
                    .unwrap_or_default();
                line(
                    &mut out,
                    2,
                    &format!("quote ({speaker}{how}): {}", span.text),
                );
            }
        }
    }
    if !article.dropped.is_empty() {
        line(&mut out, 0, "dropped:");
        for d in &article.dropped {
            line(&mut out, 1, &format!("[{}] {}", d.reason, d.text));
        }
    }
    out
}
