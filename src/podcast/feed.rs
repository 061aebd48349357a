//! The source feed: an RSS or Atom feed read from a file or a web address, parsed by
//! [feed-rs](https://crates.io/crates/feed-rs) into the few things a podcast needs.

use std::path::Path;

use crate::input::{self, web};

/// A source feed's channel and items, in the feed's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceFeed {
    /// The feed's title.
    pub title: Option<String>,
    /// Its web site (the `link` of RSS, the `alternate` link of Atom).
    pub link: Option<String>,
    /// Its description (RSS) or subtitle (Atom).
    pub description: Option<String>,
    /// Its language (`en`, `en-US`), when it says.
    pub language: Option<String>,
    /// The address of its image (RSS `image`, Atom `logo`, else `icon`).
    pub image: Option<String>,
    /// Its author (the first one named).
    pub author: Option<String>,
    /// Its items.
    pub items: Vec<Item>,
}

/// One item (RSS) or entry (Atom) of the source feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    /// Its `guid` (RSS) or `id` (Atom); `None` when the feed gives none.
    pub guid: Option<String>,
    /// Whether the guid is a permalink: the RSS `isPermaLink` attribute (true when left out, as
    /// RSS 2.0 says); false for Atom ids.
    pub permalink: bool,
    /// Its title.
    pub title: Option<String>,
    /// The address of its page.
    pub link: Option<String>,
    /// When it was published (else updated), in seconds since 1970.
    pub published: Option<i64>,
    /// Its summary (RSS `description`, Atom `summary`), as the feed gives it.
    pub summary: Option<String>,
    /// Its full content as HTML (RSS `content:encoded`, Atom `content`), when the feed
    /// carries it.
    pub content: Option<String>,
    /// Its author (the first one named).
    pub author: Option<String>,
    /// Its language, when the item says (Atom `xml:lang`).
    pub language: Option<String>,
}

/// Why the source feed could not be read. Each is one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The file could not be read.
    #[error("cannot read the feed: {0}")]
    Unreadable(input::InputError),
    /// The address could not be fetched.
    #[error("cannot fetch the feed: {0}")]
    Fetch(#[from] web::FetchError),
    /// The bytes are not an RSS, Atom or JSON feed.
    #[error("not an RSS or Atom feed ({0})")]
    NotAFeed(String),
    /// The feed parsed, but holds no item.
    #[error("the feed has no items")]
    NoItems,
}

/// Reads the feed at `location`: a web address (`http://`, `https://`) or a file.
pub fn read(location: &str) -> Result<SourceFeed, FeedError> {
    let (bytes, base) = if web::is_url(location) {
        (web::fetch_feed(location)?, Some(location))
    } else {
        (read_file(Path::new(location))?, None)
    };
    parse(&bytes, base)
}

fn read_file(path: &Path) -> Result<Vec<u8>, FeedError> {
    use std::io::Read;
    if path.is_dir() {
        return Err(FeedError::Unreadable(input::InputError::IsFolder));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        FeedError::Unreadable(match e.kind() {
            std::io::ErrorKind::NotFound => input::InputError::NotFound,
            _ => input::InputError::Unreadable(e),
        })
    })?;
    let mut bytes = Vec::new();
    file.take(input::MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FeedError::Unreadable(input::InputError::Unreadable(e)))?;
    if bytes.len() as u64 > input::MAX_INPUT_BYTES {
        return Err(FeedError::Unreadable(input::InputError::TooLarge));
    }
    Ok(bytes)
}

/// Parses a feed's bytes; `base` resolves its relative links (the feed's own address).
pub fn parse(bytes: &[u8], base: Option<&str>) -> Result<SourceFeed, FeedError> {
    // Items without an id keep an empty one (feed-rs would make one up): the podcast then
    // gives them a guid of its own and says it is not a permalink.
    let parsed = feed_rs::parser::Builder::new()
        .base_uri(base)
        .id_generator(|_, _, _| String::new())
        .build()
        .parse(bytes)
        .map_err(|e| FeedError::NotAFeed(first_line(&e.to_string())))?;
    if parsed.entries.is_empty() {
        return Err(FeedError::NoItems);
    }
    let permalinks = match parsed.feed_type {
        feed_rs::model::FeedType::RSS2 | feed_rs::model::FeedType::RSS0 => guid_permalinks(bytes),
        _ => Vec::new(),
    };
    let items = parsed
        .entries
        .iter()
        .enumerate()
        .map(|(i, entry)| item(entry, permalinks.get(i).copied().flatten()))
        .collect();
    Ok(SourceFeed {
        title: parsed.title.as_ref().and_then(|t| text(&t.content)),
        link: page_link(&parsed.links),
        description: parsed.description.as_ref().and_then(|t| text(&t.content)),
        language: parsed.language.as_deref().and_then(text),
        image: parsed
            .logo
            .as_ref()
            .or(parsed.icon.as_ref())
            .and_then(|i| text(&i.uri)),
        author: parsed
            .authors
            .iter()
            .find_map(|p| p.name.as_deref().and_then(text)),
        items,
    })
}

fn item(entry: &feed_rs::model::Entry, permalink: Option<bool>) -> Item {
    let content = entry.content.as_ref().and_then(|c| {
        let body = c.body.as_deref().and_then(text)?;
        // Plain text content (Atom `type="text"`) becomes paragraphs of HTML.
        Some(match c.content_type.essence().to_string().as_str() {
            "text/plain" => paragraphs(&body),
            _ => body,
        })
    });
    Item {
        guid: text(&entry.id),
        permalink: permalink.unwrap_or(false),
        title: entry.title.as_ref().and_then(|t| text(&t.content)),
        link: page_link(&entry.links),
        published: entry.published.or(entry.updated).map(|d| d.timestamp()),
        summary: entry.summary.as_ref().and_then(|t| text(&t.content)),
        content,
        author: entry
            .authors
            .iter()
            .find_map(|p| p.name.as_deref().and_then(text)),
        language: entry.language.as_deref().and_then(text),
    }
}

/// The link to a web page: one without `rel` or with `rel="alternate"`.
fn page_link(links: &[feed_rs::model::Link]) -> Option<String> {
    links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .and_then(|l| text(&l.href))
}

/// Without the characters XML cannot hold (an entity such as `&#1;` may bring them in: the
/// podcast feed could not carry them, so a guid would not survive the trip), trimmed, and
/// `None` when empty.
fn text(s: &str) -> Option<String> {
    Some(super::rss::clean(s).trim().to_string()).filter(|s| !s.is_empty())
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

/// Plain text as HTML paragraphs (one per blank-line-separated block), escaped.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect()
}

/// Text escaped for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// For each `<item>` of an RSS document, in order: whether its `<guid>` is a permalink (the
/// `isPermaLink` attribute, true when left out), or `None` when it has no guid. feed-rs keeps
/// the guid's text but not the attribute; this second, shallow pass over the same bytes (with
/// quick-xml) reads it. A document it cannot read gives what it read so far.
fn guid_permalinks(bytes: &[u8]) -> Vec<Option<bool>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut found = Vec::new();
    let mut depth_in_item: Option<usize> = None;
    let mut depth = 0usize;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match event {
            Event::Start(e) => {
                depth += 1;
                let name = e.local_name();
                if name.as_ref() == "item" && depth_in_item.is_none() {
                    depth_in_item = Some(depth);
                    found.push(None);
                } else if name.as_ref() == "guid"
                    && depth_in_item == Some(depth - 1)
                    && let Some(last) = found.last_mut()
                {
                    *last = Some(is_permalink(&e));
                }
            }
            Event::Empty(e) => {
                let name = e.local_name();
                if name.as_ref() == "item" && depth_in_item.is_none() {
                    found.push(None);
                }
            }
            Event::End(_) => {
                if depth_in_item == Some(depth) {
                    depth_in_item = None;
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        buf.clear();
    }
    found
}

fn is_permalink(guid: &quick_xml::events::BytesStart) -> bool {
    guid.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "isPermaLink")
        .is_none_or(|a| !a.value.as_ref().eq_ignore_ascii_case("false"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Field Notes</title>
  <link>https://example.com/</link>
  <description>Notes &amp; essays</description>
  <language>en-gb</language>
  <item>
    <title>One</title>
    <link>https://example.com/one</link>
    <guid isPermaLink="false">tag:example.com,2024:1</guid>
    <pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
    <description>A summary.</description>
    <content:encoded><![CDATA[<p>The <b>whole</b> text.</p>]]></content:encoded>
  </item>
  <item>
    <title>Two</title>
    <link>https://example.com/two</link>
    <guid>https://example.com/two</guid>
  </item>
  <item><title>Three</title></item>
</channel>
</rss>"#;

    #[test]
    fn an_rss_feed_gives_its_channel_and_items_in_order() {
        let feed = parse(RSS.as_bytes(), None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Field Notes"));
        assert_eq!(feed.description.as_deref(), Some("Notes & essays"));
        assert_eq!(feed.language.as_deref(), Some("en-gb"));
        assert_eq!(feed.link.as_deref(), Some("https://example.com/"));
        let titles: Vec<_> = feed.items.iter().map(|i| i.title.clone()).collect();
        assert_eq!(
            titles,
            [Some("One".into()), Some("Two".into()), Some("Three".into())]
        );
        let one = &feed.items[0];
        assert_eq!(one.guid.as_deref(), Some("tag:example.com,2024:1"));
        assert!(!one.permalink);
        assert_eq!(one.published, Some(1_704_189_600));
        assert_eq!(
            one.content.as_deref(),
            Some("<p>The <b>whole</b> text.</p>")
        );
        assert_eq!(one.summary.as_deref(), Some("A summary."));
    }

    #[test]
    fn a_guid_without_is_perma_link_is_a_permalink_and_a_missing_one_is_none() {
        let feed = parse(RSS.as_bytes(), None).unwrap();
        assert!(feed.items[1].permalink);
        assert_eq!(
            feed.items[1].guid.as_deref(),
            Some("https://example.com/two")
        );
        assert_eq!(feed.items[2].guid, None);
        assert!(!feed.items[2].permalink);
        assert_eq!(feed.items[2].content, None);
    }

    #[test]
    fn an_atom_feed_gives_its_entries_with_their_content() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Notes</title>
  <subtitle>Sub</subtitle>
  <link rel="alternate" href="https://example.org/"/>
  <link rel="self" href="https://example.org/feed.atom"/>
  <id>urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6</id>
  <updated>2024-03-01T12:00:00Z</updated>
  <entry>
    <title>Plain</title>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <link href="https://example.org/plain"/>
    <updated>2024-03-01T12:00:00Z</updated>
    <content type="text">First paragraph &amp; more.

Second &lt;one&gt;.</content>
  </entry>
</feed>"#;
        let feed = parse(atom.as_bytes(), None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Atom Notes"));
        assert_eq!(feed.link.as_deref(), Some("https://example.org/"));
        let entry = &feed.items[0];
        assert!(!entry.permalink);
        assert_eq!(entry.link.as_deref(), Some("https://example.org/plain"));
        assert_eq!(
            entry.content.as_deref(),
            Some("<p>First paragraph &amp; more.</p>\n<p>Second &lt;one&gt;.</p>\n")
        );
    }

    #[test]
    fn what_is_not_a_feed_or_has_no_items_is_refused() {
        assert!(matches!(
            parse(b"<html><body>hi</body></html>", None),
            Err(FeedError::NotAFeed(_))
        ));
        assert!(matches!(parse(b"", None), Err(FeedError::NotAFeed(_))));
        assert!(matches!(
            parse(b"<rss version=\"2.0\"><channel><title>x", None),
            Err(FeedError::NotAFeed(_)) | Err(FeedError::NoItems)
        ));
        let empty = r#"<rss version="2.0"><channel><title>Empty</title></channel></rss>"#;
        assert!(matches!(
            parse(empty.as_bytes(), None),
            Err(FeedError::NoItems)
        ));
    }

    #[test]
    fn garbage_never_panics() {
        for bytes in [
            &b"<rss version=\"2.0\"><channel><item><guid isPermaLink=\"\xff\">x</guid>"[..],
            b"<<<>>>",
            b"{\"version\": 3}",
            b"<feed><entry><content type=\"xhtml\"><div>",
        ] {
            let _ = parse(bytes, None);
            let _ = guid_permalinks(bytes);
        }
    }
}
