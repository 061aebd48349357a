//! Markdown (CommonMark, through pulldown-cmark): headings are sections, block quotes are
//! quotations, links read as their text, code blocks are skipped with a spoken note.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::Article;
use super::structured::{self, Block, squash};

/// Parses a Markdown article. A first-level heading at the top is its title.
pub fn parse(markdown: &str) -> Article {
    structured::build(None, None, blocks(markdown))
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut quote_depth = 0usize;
    let mut in_code = false;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth = quote_depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.push(Block::Code);
            }
            Event::Start(Tag::Heading { .. } | Tag::Paragraph | Tag::Item) => {
                flush(&mut out, &mut text, quote_depth, false)
            }
            Event::End(TagEnd::Heading(_)) => flush(&mut out, &mut text, quote_depth, true),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                flush(&mut out, &mut text, quote_depth, false)
            }
            Event::Rule => out.push(Block::Break),
            Event::Text(t) | Event::Code(t) if !in_code => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    flush(&mut out, &mut text, quote_depth, false);
    out
}

fn flush(out: &mut Vec<Block>, text: &mut String, quote_depth: usize, heading: bool) {
    let t = squash(text);
    text.clear();
    if t.is_empty() {
        return;
    }
    out.push(if heading {
        Block::Heading(t)
    } else if quote_depth > 0 {
        Block::Quote(t)
    } else {
        Block::Paragraph(t)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::SpanKind;

    #[test]
    fn headings_become_sections_and_block_quotes_quotations() {
        let md = "# The Title\n\nIntro with a [link](http://x.y) in it.\n\n## Second part\n\n> We will not give up on this fight.\n\n```\ncode\n```\n";
        let a = parse(md);
        assert_eq!(a.title.as_deref(), Some("The Title"));
        assert_eq!(a.sections.len(), 2);
        assert_eq!(a.sections[0].paragraphs[0].text, "Intro with a link in it.");
        assert_eq!(a.sections[1].heading.as_deref(), Some("Second part"));
        let quote = &a.sections[1].paragraphs[0];
        assert_eq!(quote.spans[0].kind, SpanKind::Quote);
        assert_eq!(a.sections[1].paragraphs[1].text, structured::CODE_NOTE);
    }

    #[test]
    fn an_emphasized_by_line_at_the_top_is_the_byline() {
        let a = parse("# The River\n\n*By Harriet Calloway*\n\nThe river rose in the night.\n");
        assert_eq!(a.byline.as_deref(), Some("Harriet Calloway"));
        assert_eq!(a.paragraph_count(), 1);
    }
}
