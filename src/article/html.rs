//! HTML pages: the article found by readability (dom_smoothie, a port of Mozilla's
//! Readability.js), then its headings, paragraphs, list items, block quotes and code blocks.

use dom_query::Document;

use super::structured::{self, Block, squash};
use super::{Article, ArticleError, DropReason, Dropped, language};

/// Extracts the article of an HTML page.
pub fn parse(html: &str) -> Result<Article, ArticleError> {
    let mut readability = dom_smoothie::Readability::new(html, None, None)
        .map_err(|e| ArticleError::Unreadable(e.to_string()))?;
    let found = readability
        .parse()
        .map_err(|e| ArticleError::Unreadable(e.to_string()))?;
    let title = Some(squash(&found.title)).filter(|t| !t.is_empty());
    let byline = found
        .byline
        .as_deref()
        .map(clean_byline)
        .filter(|b| !b.is_empty());
    let (blocks, captions) = blocks(&found.content);
    let mut article = structured::build(title, byline, blocks);
    article.title_found = article.title.as_ref().map(|_| {
        "the page's title as readability reads it (its metadata and first heading)".into()
    });
    let kept: std::collections::HashSet<String> = Document::from(found.content.as_ref())
        .select(BLOCKS)
        .nodes()
        .iter()
        .map(|n| squash(&n.text()))
        .collect();
    article.dropped = left_out(html, &kept, &captions);
    article.language = found
        .lang
        .as_deref()
        .and_then(language::from_tag)
        .or_else(|| language::detect(&found.text_content));
    Ok(article)
}

/// "By Jane Doe" → "Jane Doe".
fn clean_byline(byline: &str) -> String {
    let b = squash(byline);
    b.strip_prefix("By ")
        .or_else(|| b.strip_prefix("by "))
        .unwrap_or(&b)
        .to_string()
}

/// The elements read as blocks.
const BLOCKS: &str = "h1, h2, h3, h4, h5, h6, p, li, pre, figcaption, blockquote";

/// At most this many left-out blocks are listed (a page can have thousands of menu items).
const MAX_LEFT_OUT: usize = 500;

/// What the page holds that the article leaves out, with reasons: captions of the article's
/// figures, and the page's other text blocks (menus, promotions, asides, comments).
fn left_out(
    html: &str,
    kept: &std::collections::HashSet<String>,
    captions: &[String],
) -> Vec<Dropped> {
    let mut out: Vec<Dropped> = captions
        .iter()
        .map(|c| Dropped {
            text: c.clone(),
            reason: DropReason::Caption,
        })
        .collect();
    let doc = Document::from(html);
    let mut seen = std::collections::HashSet::new();
    for node in doc.select(BLOCKS).nodes() {
        if out.len() >= MAX_LEFT_OUT {
            break;
        }
        if node.is("p *, li *, figcaption *, blockquote *, h1 *, h2 *, h3 *")
            || node.is("li:has(li, p), blockquote:has(p)")
        {
            continue;
        }
        let text = squash(&node.text());
        if text.is_empty() || kept.contains(&text) || captions.contains(&text) {
            continue;
        }
        if kept.iter().any(|k| k.contains(text.as_str())) || !seen.insert(text.clone()) {
            continue;
        }
        out.push(Dropped {
            text,
            reason: DropReason::NotInArticle,
        });
    }
    out
}

/// The blocks of the extracted content, in document order, and the captions left out.
fn blocks(content: &str) -> (Vec<Block>, Vec<String>) {
    let doc = Document::from(content);
    let mut out = Vec::new();
    let mut captions = Vec::new();
    for node in doc
        .select("h1, h2, h3, h4, h5, h6, p, li, pre, hr, figcaption")
        .nodes()
    {
        let name = node
            .node_name()
            .map(|n| n.to_lowercase())
            .unwrap_or_default();
        let ancestors: Vec<String> = node
            .ancestors(None)
            .iter()
            .filter_map(|a| a.node_name().map(|n| n.to_lowercase()))
            .collect();
        let inside = |tags: &[&str]| ancestors.iter().any(|a| tags.contains(&a.as_str()));
        let text = squash(&node.text());
        if name == "figcaption" && !text.is_empty() {
            captions.push(text.clone());
        }
        if inside(&[
            "p",
            "li",
            "pre",
            "figcaption",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
        ]) || inside(&["figure"])
        {
            continue;
        }
        if name == "li" && node.is("li:has(p, li)") {
            continue;
        }
        let block = match name.as_str() {
            "hr" => Block::Break,
            "pre" => Block::Code,
            _ if text.is_empty() => continue,
            "figcaption" => continue,
            n if n.starts_with('h') => Block::Heading(text),
            _ if inside(&["blockquote"]) => Block::Quote(text),
            _ if node.is("p:has(br)") => {
                out.extend(broken_lines(&node.html()).into_iter().map(Block::Paragraph));
                continue;
            }
            _ => Block::Paragraph(text),
        };
        out.push(block);
    }
    (out, captions)
}

/// The lines of a paragraph broken with `<br>`: each a paragraph of its own (a list written as
/// lines, an address, verse).
fn broken_lines(html: &str) -> Vec<String> {
    static BR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)<br\s*/?>").expect("the <br> pattern is valid")
    });
    BR.split(html)
        .map(|piece| squash(&Document::from(piece).root().text()))
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_quotes_and_code_become_blocks() {
        let html = "<h2>Part</h2><p>One  paragraph.</p><blockquote><p>Quoted words here now.</p></blockquote>\
                    <ul><li>Item</li></ul><pre>x = 1</pre><figure><figcaption>Photo</figcaption></figure>\
                    <p>+ One<br>+ Two</p>";
        assert_eq!(
            blocks(html).0,
            vec![
                Block::Heading("Part".into()),
                Block::Paragraph("One paragraph.".into()),
                Block::Quote("Quoted words here now.".into()),
                Block::Paragraph("Item".into()),
                Block::Code,
                Block::Paragraph("+ One".into()),
                Block::Paragraph("+ Two".into()),
            ]
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        let _ = parse("<<<>>><p><p></b>\u{0}");
        let _ = parse("");
    }
}
