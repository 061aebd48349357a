//! Stage 2 — article: the structure a reader sees in the text.
//!
//! [`parse`] turns an [`InputText`] into an [`Article`]: title, byline,
//! credits and dateline apart from the body; the body as sections of paragraphs; each paragraph cut
//! into narration and quotation [`Span`]s; and every line that cleaning dropped, with its reason.

mod attribution;
mod boilerplate;
mod clean;
mod html;
pub mod language;
mod markdown;
mod quotes;
pub mod sentences;
mod speakers;
mod structured;
mod text;
mod wrapped;

use serde::Serialize;

use crate::input::{Format, InputText};

pub use attribution::Attribution;
pub use clean::DropReason;

/// An article, cleaned and structured.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Article {
    /// The headline, if one was found.
    pub title: Option<String>,
    /// How the headline was chosen (which candidate won, and over which), for `inspect`.
    pub title_found: Option<String>,
    /// The author line without its "By" (e.g. "Michael Schwirtz").
    pub byline: Option<String>,
    /// Credit lines kept out of the body ("Translation by ...", "Photo: ...").
    pub credits: Vec<String>,
    /// A dateline that opened the first paragraph ("DONBASS REGION").
    pub dateline: Option<String>,
    /// The publication date as the page writes it ("April 21, 2015"), if found near the top.
    pub date: Option<String>,
    /// The site's name, from the page's metadata (`og:site_name`), if it gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    /// The body, in reading order.
    pub sections: Vec<Section>,
    /// Every quotation of the body; spans refer to these by index.
    pub quotations: Vec<Quotation>,
    /// Lines removed by cleaning, in source order.
    pub dropped: Vec<Dropped>,
    /// The article's language as an ISO 639-1 code ("en", "de"): from the page's `lang`
    /// attribute, else detected from the text; `None` when it cannot be told.
    pub language: Option<String>,
}

/// A run of paragraphs under one heading (or none, for the opening section).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Section {
    /// The section's heading as written.
    pub heading: Option<String>,
    /// The paragraphs in order.
    pub paragraphs: Vec<Paragraph>,
}

/// One paragraph, cut into narration and quotation spans.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Paragraph {
    /// The paragraph's source text.
    pub text: String,
    /// The paragraph as consecutive spans; their texts cover the paragraph in order.
    pub spans: Vec<Span>,
    /// Its sentences, in order ([`sentences::split`]).
    pub sentences: Vec<String>,
}

/// Whether a span is the writer's narration or somebody's quoted words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    /// The writer's own words (including short "scare quotes").
    Narration,
    /// Quoted speech or writing, without its quotation marks.
    Quote,
}

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    /// Narration or quotation.
    pub kind: SpanKind,
    /// The span's source text (quotation marks excluded for quotes).
    pub text: String,
    /// For quotes: the index of the [`Quotation`] this span belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotation: Option<usize>,
}

/// One quotation, which may be made of several spans (interrupted by its attribution).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quotation {
    /// The quotation's full text, its parts joined by a space.
    pub text: String,
    /// Who is quoted, when the text says so.
    pub speaker: Option<String>,
    /// How the speaker was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
}

/// A line removed by cleaning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dropped {
    /// The line as it was.
    pub text: String,
    /// Why it was dropped.
    pub reason: DropReason,
}

/// Why an article could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArticleError {
    /// Nothing speakable remained after cleaning.
    #[error("the article is empty (no text left to speak after cleaning)")]
    Empty,
    /// The HTML could not be read as a page with an article.
    #[error("no article found in the HTML ({0})")]
    Unreadable(String),
}

impl Article {
    /// Number of paragraphs in the body.
    pub fn paragraph_count(&self) -> usize {
        self.sections.iter().map(|s| s.paragraphs.len()).sum()
    }
}

/// How an article is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Keep every line: no boilerplate cleaning (plain text).
    pub keep_all: bool,
    /// The input's format; detected from its name and content when `None`.
    pub format: Option<Format>,
    /// The input's character encoding (`--encoding`); detected when `None`.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// Builds the article model from decoded input text.
pub fn parse(input: &InputText) -> Result<Article, ArticleError> {
    parse_with(input, ParseOptions::default())
}

/// Builds the article model with explicit options.
pub fn parse_with(input: &InputText, options: ParseOptions) -> Result<Article, ArticleError> {
    let article = match options.format.unwrap_or_else(|| input.detect_format()) {
        Format::Text => text::parse(&input.text, options.keep_all),
        Format::Markdown => markdown::parse(&input.text),
        Format::Html => html::parse(&input.text)?,
    };
    if article.paragraph_count() == 0 {
        return Err(ArticleError::Empty);
    }
    Ok(article)
}

/// Counts words the way quotation and label rules do: runs of letters or digits.
pub fn word_count(text: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    text.unicode_words().count()
}
