//! The `inspect` views of an article: an indented text view and a JSON document.

use serde::Serialize;

use crate::article::{Article, Attribution, DropReason, SpanKind};
use crate::config::Voices;
use crate::engine::{EngineSpec, Hosting};
use crate::input::{Decoding, Origin};
use crate::script::Role;
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
    /// The narrator's voice for this article, and why.
    pub voice: &'a VoiceView,
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

/// The narrator's voice chosen for an article.
#[derive(Debug, Clone, Serialize)]
pub struct VoiceView {
    /// The engine (`espeak-ng`, `piper`, `command`, `fake`).
    pub engine: String,
    /// The voice id the engine is given (`en-us`, `de`).
    pub id: String,
    /// Why: `article language` (an espeak-ng voice the profile did not name, chosen by the
    /// article's language) or `profile`.
    pub from: &'static str,
}

/// The narrator's voice for an article in `language`, as the renderer chooses it: the
/// article's language picks the espeak-ng voice when the profile names none and espeak-ng
/// has a voice for that language.
pub fn narrator_voice(voices: &Voices, language: Option<&str>) -> VoiceView {
    let mut engine: Option<Box<dyn crate::engine::Engine>> = None;
    let chosen = voices.for_language(language, |role, voice| {
        if role != Role::Narrator {
            return false;
        }
        if engine.is_none() {
            engine = crate::engine::open(&EngineSpec::Espeak, &Hosting::default()).ok();
        }
        engine
            .as_mut()
            .is_some_and(|e| e.check_voice(voice).is_ok())
    });
    let narrator = &chosen.narrator;
    VoiceView {
        engine: narrator.engine.name().to_string(),
        id: narrator.voice.id.clone(),
        from: if narrator.voice != voices.narrator.voice {
            "article language"
        } else {
            "profile"
        },
    }
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
pub fn report<'a>(article: &'a Article, encoding: &Decoding, voice: &'a VoiceView) -> Report<'a> {
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
        voice,
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
pub fn json(article: &Article, encoding: &Decoding, voice: &VoiceView) -> String {
    serde_json::to_string_pretty(&report(article, encoding, voice))
        .expect("the report holds only strings and arrays")
}

/// The indented human view.
pub fn text(article: &Article, encoding: &Decoding, voice: &VoiceView) -> String {
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
    line(
        &mut out,
        0,
        &format!(
            "voice:    {} ({}, from the {})",
            voice.id, voice.engine, voice.from
        ),
    );
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
