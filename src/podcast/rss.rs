//! `feed.xml`: an RSS 2.0 podcast feed with the Apple Podcasts (`itunes:`) and Podcasting 2.0
//! (`podcast:`) namespaces, written with quick-xml (every text and attribute escaped).

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::state::Episode;

const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
const PODCAST: &str = "https://podcastindex.org/namespace/1.0";
const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The show: the podcast's channel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Channel {
    /// Its title.
    pub title: String,
    /// Its web site.
    pub link: String,
    /// Its description.
    pub description: String,
    /// Its language (`en`, `en-gb`).
    pub language: Option<String>,
    /// The address of its cover image.
    pub image: Option<String>,
    /// Its author.
    pub author: Option<String>,
    /// Its owner's name and e-mail (Apple Podcasts writes to it).
    pub owner: Option<(Option<String>, String)>,
    /// Its Apple Podcasts category (`Technology`, `News`).
    pub category: Option<String>,
    /// Whether it is explicit.
    pub explicit: bool,
    /// Its copyright line.
    pub copyright: Option<String>,
    /// The address `feed.xml` is published at.
    pub self_url: String,
}

/// Where an episode's files are published: the URL of a file name in the podcast folder.
pub trait Urls {
    /// The absolute URL of `file`.
    fn url(&self, file: &str) -> String;
}

impl Urls for url::Url {
    fn url(&self, file: &str) -> String {
        self.join(file)
            .map_or_else(|_| file.to_string(), String::from)
    }
}

/// The feed document for a channel and its episodes (in the order given).
pub fn render(channel: &Channel, episodes: &[Episode], urls: &dyn Urls) -> String {
    let mut out = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing to a Vec cannot fail.
    let _ = write(&mut out, channel, episodes, urls);
    let mut text = String::from_utf8(out.into_inner()).unwrap_or_default();
    text.push('\n');
    text
}

type Out = Writer<Vec<u8>>;

fn write(
    out: &mut Out,
    channel: &Channel,
    episodes: &[Episode],
    urls: &dyn Urls,
) -> std::io::Result<()> {
    out.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    out.create_element("rss")
        .with_attributes([
            ("version", "2.0"),
            ("xmlns:itunes", ITUNES),
            ("xmlns:podcast", PODCAST),
            ("xmlns:atom", ATOM),
        ])
        .write_inner_content(|out| {
            out.create_element("channel")
                .write_inner_content(|out| write_channel(out, channel, episodes, urls))?;
            Ok(())
        })?;
    Ok(())
}

fn write_channel(
    out: &mut Out,
    channel: &Channel,
    episodes: &[Episode],
    urls: &dyn Urls,
) -> std::io::Result<()> {
    text(out, "title", &channel.title)?;
    text(out, "link", &channel.link)?;
    text(out, "description", &channel.description)?;
    if let Some(language) = &channel.language {
        text(out, "language", language)?;
    }
    if let Some(copyright) = &channel.copyright {
        text(out, "copyright", copyright)?;
    }
    text(
        out,
        "generator",
        &format!("articast {}", env!("CARGO_PKG_VERSION")),
    )?;
    out.create_element("atom:link")
        .with_attributes([
            ("href", clean(&channel.self_url).as_str()),
            ("rel", "self"),
            ("type", "application/rss+xml"),
        ])
        .write_empty()?;
    if let Some(image) = &channel.image {
        out.create_element("image").write_inner_content(|out| {
            text(out, "url", image)?;
            text(out, "title", &channel.title)?;
            text(out, "link", &channel.link)?;
            Ok(())
        })?;
        out.create_element("itunes:image")
            .with_attribute(("href", clean(image).as_str()))
            .write_empty()?;
    }
    if let Some(author) = &channel.author {
        text(out, "itunes:author", author)?;
    }
    if let Some((name, email)) = &channel.owner {
        out.create_element("itunes:owner")
            .write_inner_content(|out| {
                if let Some(name) = name {
                    text(out, "itunes:name", name)?;
                }
                text(out, "itunes:email", email)?;
                Ok(())
            })?;
    }
    if let Some(category) = &channel.category {
        out.create_element("itunes:category")
            .with_attribute(("text", clean(category).as_str()))
            .write_empty()?;
    }
    text(
        out,
        "itunes:explicit",
        if channel.explicit { "true" } else { "false" },
    )?;
    text(out, "itunes:type", "episodic")?;
    for episode in episodes {
        out.create_element("item")
            .write_inner_content(|out| write_item(out, episode, urls))?;
    }
    Ok(())
}

fn write_item(out: &mut Out, episode: &Episode, urls: &dyn Urls) -> std::io::Result<()> {
    text(out, "title", &episode.title)?;
    if let Some(link) = &episode.link {
        text(out, "link", link)?;
    }
    if let Some(description) = &episode.description {
        text(out, "description", description)?;
    }
    out.create_element("guid")
        .with_attribute((
            "isPermaLink",
            if episode.permalink { "true" } else { "false" },
        ))
        .write_text_content(BytesText::new(&clean(&episode.guid)))?;
    if let Some(date) = episode
        .published
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
    {
        text(out, "pubDate", &date.to_rfc2822())?;
    }
    out.create_element("enclosure")
        .with_attributes([
            ("url", urls.url(&episode.audio).as_str()),
            ("length", episode.bytes.to_string().as_str()),
            ("type", episode.mime.as_str()),
        ])
        .write_empty()?;
    text(out, "itunes:duration", &duration(episode.seconds))?;
    text(out, "itunes:episodeType", "full")?;
    if let Some(chapters) = &episode.chapters {
        out.create_element("podcast:chapters")
            .with_attributes([
                ("url", urls.url(chapters).as_str()),
                ("type", "application/json+chapters"),
            ])
            .write_empty()?;
    }
    let transcripts = [
        (&episode.vtt, "text/vtt"),
        (&episode.srt, "application/x-subrip"),
    ];
    for (file, kind) in transcripts {
        if let Some(file) = file {
            out.create_element("podcast:transcript")
                .with_attributes([
                    ("url", urls.url(file).as_str()),
                    ("type", kind),
                    ("rel", "captions"),
                ])
                .write_empty()?;
        }
    }
    Ok(())
}

/// `<name>text</name>`, the text escaped and stripped of characters XML cannot hold.
fn text(out: &mut Out, name: &str, value: &str) -> std::io::Result<()> {
    out.create_element(name)
        .write_text_content(BytesText::new(&clean(value)))?;
    Ok(())
}

/// The text without the characters XML 1.0 forbids (control characters but tab and line
/// breaks, U+FFFE and U+FFFF).
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

/// `itunes:duration` as `H:MM:SS`, rounded to the second.
pub fn duration(seconds: f64) -> String {
    let total = if seconds.is_finite() && seconds > 0.0 {
        seconds.round() as u64
    } else {
        0
    };
    format!("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode() -> Episode {
        Episode {
            guid: "tag:x,2024:<1>".into(),
            permalink: false,
            title: "Fish & \"Chips\" <now>\u{1}".into(),
            link: Some("https://example.com/a?b=1&c=2".into()),
            description: Some("<p>Hi</p>".into()),
            published: Some(1_704_189_600),
            first_seen: 0,
            position: 0,
            name: "fish".into(),
            content_hash: String::new(),
            settings_hash: String::new(),
            audio: "fish & chips.wav".into(),
            mime: "audio/wav".into(),
            bytes: 12_345,
            seconds: 3725.4,
            chapters: Some("fish.chapters.json".into()),
            vtt: Some("fish.vtt".into()),
            srt: None,
            files: vec![],
        }
    }

    fn channel() -> Channel {
        Channel {
            title: "Show <1>".into(),
            link: "https://example.com/".into(),
            description: "About & more".into(),
            self_url: "https://cdn.example.com/pod/feed.xml".into(),
            ..Channel::default()
        }
    }

    #[test]
    fn the_feed_escapes_everything_and_makes_urls_absolute() {
        let base = url::Url::parse("https://cdn.example.com/pod/").unwrap();
        let xml = render(&channel(), &[episode()], &base);
        assert!(xml.contains("<title>Show &lt;1&gt;</title>"), "{xml}");
        assert!(
            xml.contains("<title>Fish &amp; &quot;Chips&quot; &lt;now&gt;</title>"),
            "{xml}"
        );
        assert!(!xml.contains('\u{1}'));
        assert!(
            xml.contains(
                r#"<enclosure url="https://cdn.example.com/pod/fish%20&amp;%20chips.wav" length="12345" type="audio/wav"/>"#
            ),
            "{xml}"
        );
        assert!(xml.contains(r#"<guid isPermaLink="false">tag:x,2024:&lt;1&gt;</guid>"#));
        assert!(
            xml.contains("<pubDate>Tue, 2 Jan 2024 10:00:00 +0000</pubDate>"),
            "{xml}"
        );
        assert!(xml.contains("<itunes:duration>1:02:05</itunes:duration>"));
        assert!(xml.contains(
            r#"<podcast:chapters url="https://cdn.example.com/pod/fish.chapters.json" type="application/json+chapters"/>"#
        ));
        assert!(xml.contains(r#"type="text/vtt""#));
        assert!(
            !xml.contains("application/x-subrip"),
            "no SRT, no transcript"
        );
    }

    #[test]
    fn the_feed_reads_back_as_xml() {
        let base = url::Url::parse("https://cdn.example.com/pod/").unwrap();
        let xml = render(&channel(), &[episode(), episode()], &base);
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut items = 0;
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) if e.name().as_ref() == "item" => items += 1,
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(items, 2);
    }

    #[test]
    fn durations_are_hours_minutes_seconds() {
        assert_eq!(duration(0.4), "0:00:00");
        assert_eq!(duration(59.6), "0:01:00");
        assert_eq!(duration(3600.0), "1:00:00");
        assert_eq!(duration(f64::NAN), "0:00:00");
    }
}
