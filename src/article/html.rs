//! HTML pages: the article found by readability (dom_smoothie, a port of Mozilla's
//! Readability.js), then its headings, paragraphs, list items, block quotes and code blocks.

use dom_query::Document;

use super::structured::{self, Block, squash};
use super::{Article, ArticleError, DropReason, Dropped, language};

/// Elements nested deeper than this are unwrapped (their text kept) before readability, whose
/// scoring walks ancestors and descendants and so takes time growing with the square of the
/// depth: a page of 20,000 nested `<div>`s would take minutes (see #14). Real pages nest a few
/// dozen deep.
const MAX_DEPTH: usize = 100;

/// Tags opened deeper than this in the raw text are dropped before the HTML parser sees them:
/// the parser's scope checks walk the stack of open elements, so its time grows with the
/// square of the depth (as the HTML standard's algorithm does; browsers cap the depth too).
const MAX_RAW_DEPTH: usize = 512;

/// Extracts the article of an HTML page.
pub fn parse(html: &str) -> Result<Article, ArticleError> {
    let capped = cap_depth(html);
    let html = capped.as_deref().unwrap_or(html);
    let flat = flatten(html);
    let html = flat.as_deref().unwrap_or(html);
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
    article.site_name = found
        .site_name
        .as_deref()
        .map(squash)
        .filter(|s| !s.is_empty());
    if article.date.is_none() {
        article.date = found.published_time.as_deref().map(squash);
    }
    article.language = found
        .lang
        .as_deref()
        .and_then(language::from_tag)
        .or_else(|| language::detect(&found.text_content));
    Ok(article)
}

/// Elements that close themselves or are closed by their next sibling: they do not count
/// towards the raw depth.
const FLAT_TAGS: [&str; 30] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
    "tfoot", "colgroup", "rb", "rt", "rp", "param",
];

/// The page with every tag nested deeper than [`MAX_RAW_DEPTH`] left out (its text kept), by
/// one scan over the text; `None` when nothing is that deep. Comments and the raw text of
/// `script` and `style` are copied as they are.
fn cap_depth(html: &str) -> Option<String> {
    // Cheap test first: a page with few tags cannot be deep.
    html.matches('<').nth(MAX_RAW_DEPTH)?;
    let mut out = String::with_capacity(html.len());
    let mut kept: Vec<bool> = Vec::new();
    let mut dropped = false;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map_or(rest.len(), |e| e + 3)
        } else {
            rest.find('>').map_or(rest.len(), |e| e + 1)
        };
        let tag = &rest[..end];
        let closing = tag.starts_with("</");
        let name: String = tag
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let counts = !name.is_empty()
            && !tag.starts_with("<!")
            && !tag.ends_with("/>")
            && !FLAT_TAGS.contains(&name.as_str());
        let keep = match (counts, closing) {
            (false, _) => true,
            (true, false) => {
                let keep = kept.len() < MAX_RAW_DEPTH;
                kept.push(keep);
                keep
            }
            (true, true) => kept.pop().unwrap_or(true),
        };
        dropped |= !keep;
        if keep {
            out.push_str(tag);
        }
        rest = &rest[end..];
        // Raw text elements: copied up to their end tag, whatever it holds.
        if counts && !closing && matches!(name.as_str(), "script" | "style") {
            let close = format!("</{name}");
            let stop = find_ascii_ci(rest, &close).unwrap_or(rest.len());
            if keep {
                out.push_str(&rest[..stop]);
            }
            rest = &rest[stop..];
        }
    }
    out.push_str(rest);
    dropped.then_some(out)
}

/// The byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The page again with every element deeper than [`MAX_DEPTH`] unwrapped (scripts, styles and
/// templates that deep removed); `None` when nothing is that deep. Linear in the page's size:
/// each node is visited once, and each unwrap moves the children it holds once.
fn flatten(html: &str) -> Option<String> {
    let doc = Document::from(html);
    let mut changed = false;
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth == MAX_DEPTH {
            changed |= unwrap_children(&node);
            continue;
        }
        let mut child = node.first_child();
        while let Some(c) = child {
            if c.is_element() {
                stack.push((c, depth + 1));
            }
            child = c.next_sibling();
        }
    }
    changed.then(|| doc.html().to_string())
}

/// Unwraps every element below `node`, so its content becomes text and inline nodes; whether
/// anything changed.
fn unwrap_children(node: &dom_query::NodeRef) -> bool {
    let mut changed = false;
    let mut child = node.first_child();
    while let Some(c) = child {
        if !c.is_element() {
            child = c.next_sibling();
            continue;
        }
        changed = true;
        let name = c.node_name().map(|n| n.to_lowercase()).unwrap_or_default();
        let hidden = matches!(name.as_str(), "script" | "style" | "template" | "noscript");
        match c.first_child() {
            // Its children take its place, and the scan goes on from the first of them.
            Some(first) if !hidden => {
                first.unwrap_node();
                child = Some(first);
            }
            _ => {
                child = c.next_sibling();
                c.remove_from_parent();
            }
        }
    }
    changed
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
    fn the_site_name_and_publication_time_come_from_the_pages_metadata() {
        let page = "<html><head><title>A Story</title>\
            <meta property=\"og:site_name\" content=\"The  Daily\">\
            <meta property=\"article:published_time\" content=\"2015-04-21T10:00:00Z\">\
            </head><body><article><h1>A Story</h1><p>A first paragraph, long enough to count as \
            the article's text, and then some more words so that readability keeps it.</p>\
            <p>A second paragraph follows the first, with words of its own.</p></article>\
            </body></html>";
        let article = parse(page).unwrap();
        assert_eq!(article.site_name.as_deref(), Some("The Daily"));
        assert_eq!(article.date.as_deref(), Some("2015-04-21T10:00:00Z"));
    }

    #[test]
    fn a_page_nested_twenty_thousand_deep_is_read_in_linear_time() {
        let deep = |n: usize| {
            format!(
                "<html><body><article><h1>Deep</h1><p>A first paragraph, long enough to count as the article's text.</p>{}<p>The deep paragraph speaks at last, and it says so at length.</p>{}<script>var x = 1;</script></article></body></html>",
                "<div>".repeat(n),
                "</div>".repeat(n)
            )
        };
        let article = parse(&deep(20_000)).unwrap();
        let text: Vec<&str> = article
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .map(|p| p.text.as_str())
            .collect();
        assert!(
            text.iter()
                .any(|t| t.contains("The deep paragraph speaks at last")),
            "{text:?}"
        );
        assert!(text.iter().all(|t| !t.contains("var x")), "{text:?}");
        assert!(flatten("<p>Shallow</p>").is_none());
        assert!(cap_depth("<p>Shallow</p>").is_none());
        let capped = cap_depth(&deep(1000)).unwrap();
        assert_eq!(capped.matches("<div>").count(), MAX_RAW_DEPTH - 3);
        assert_eq!(capped.matches("</div>").count(), MAX_RAW_DEPTH - 3);
    }

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
