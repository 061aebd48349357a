//! Articles whose structure is marked up (HTML, Markdown): blocks in, [`Article`] out.

use super::text::{self, close_section, paragraph};
use super::{Article, Section};

/// A block of a marked-up document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading (any level).
    Heading(String),
    /// A paragraph or list item.
    Paragraph(String),
    /// A block quotation: the whole block is quoted.
    Quote(String),
    /// A code block: skipped with a short spoken note.
    Code,
    /// A thematic break (`<hr>`, `---`).
    Break,
}

/// What a code block is spoken as.
pub const CODE_NOTE: &str = "A code example is skipped here.";

/// Builds the article from its blocks.
pub fn build(title: Option<String>, byline: Option<String>, blocks: Vec<Block>) -> Article {
    let mut article = Article {
        title,
        byline,
        ..Article::default()
    };
    let mut section = Section::default();
    for block in blocks {
        match block {
            Block::Heading(text)
                if article.title.is_none()
                    && article.paragraph_count() + section.paragraphs.len() == 0 =>
            {
                article.title = Some(text);
            }
            Block::Heading(text) if Some(&text) == article.title.as_ref() => {}
            Block::Heading(text) => close_section(&mut article, &mut section, Some(text)),
            Block::Break => close_section(&mut article, &mut section, None),
            Block::Paragraph(text)
                if article.byline.is_none()
                    && article.paragraph_count() + section.paragraphs.len() == 0
                    && text::byline(&text).is_some() =>
            {
                // "*By Jane Doe*" above the article is its byline, not its first paragraph.
                article.byline = text::byline(&text).map(str::to_string);
            }
            Block::Paragraph(text) => {
                let p = paragraph(&mut article, &text, section.paragraphs.last());
                section.paragraphs.push(p);
            }
            Block::Quote(text) => {
                let mut p = paragraph(
                    &mut article,
                    &format!("“{}”", text.trim_matches(['“', '”', '"'])),
                    None,
                );
                p.text = text;
                section.paragraphs.push(p);
            }
            Block::Code => {
                let p = paragraph(&mut article, CODE_NOTE, None);
                section.paragraphs.push(p);
            }
        }
    }
    close_section(&mut article, &mut section, None);
    super::attribution::attribute(&mut article);
    article
}

/// Whitespace collapsed to single spaces.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
