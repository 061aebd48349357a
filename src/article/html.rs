//! HTML pages: the article found by readability (dom_smoothie, a port of Mozilla's
//! Readability.js), then its headings, paragraphs, list items, block quotes and code blocks.

use dom_query::Document;

use super::structured::{self, Block, squash};
use super::{Article, ArticleError, language};

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
    let mut article = structured::build(title, byline, blocks(&found.content));
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

/// The blocks of the extracted content, in document order.
fn blocks(content: &str) -> Vec<Block> {
    let doc = Document::from(content);
    let mut out = Vec::new();
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
        let text = squash(&node.text());
        let block = match name.as_str() {
            "hr" => Block::Break,
            "pre" => Block::Code,
            _ if text.is_empty() => continue,
            "figcaption" => continue,
            n if n.starts_with('h') => Block::Heading(text),
            _ if inside(&["blockquote"]) => Block::Quote(text),
            _ => Block::Paragraph(text),
        };
        out.push(block);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_quotes_and_code_become_blocks() {
        let html = "<h2>Part</h2><p>One  paragraph.</p><blockquote><p>Quoted words here now.</p></blockquote>\
                    <ul><li>Item</li></ul><pre>x = 1</pre><figure><figcaption>Photo</figcaption></figure>";
        assert_eq!(
            blocks(html),
            vec![
                Block::Heading("Part".into()),
                Block::Paragraph("One paragraph.".into()),
                Block::Quote("Quoted words here now.".into()),
                Block::Paragraph("Item".into()),
                Block::Code,
            ]
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        let _ = parse("<<<>>><p><p></b>\u{0}");
        let _ = parse("");
    }
}
