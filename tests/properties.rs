//! Property tests: reading untrusted text never panics, and cleaning and sentence splitting
//! never lose or reorder the article's own text.

use articast::article::{self, ParseOptions, sentences};
use articast::engine::profile;
use articast::input::{Format, InputText, Source};
use articast::script::{self, ScriptOptions, lexicon::Lexicon};
use proptest::prelude::*;

fn input(text: String) -> InputText {
    InputText::new(Source::Stdin, text)
}

/// A prose sentence: function words each followed by a content word, capitalized, with a full
/// stop. Prose alternates the two kinds (about half of English running text is function words);
/// a random bag of the same words can fall to a menu's share of them, which is not prose.
fn sentence() -> impl Strategy<Value = String> {
    // Enough words that a phrase of two pairs seldom comes twice by chance (a paragraph that
    // opens by repeating its first words is what a link title printed twice looks like).
    let function = prop::sample::select(vec![
        "the", "of", "and", "to", "in", "that", "was", "for", "with", "they", "their", "after",
        "from", "by", "on", "at", "as", "his", "her", "were", "had", "into", "over", "under",
        "before", "because", "which", "while", "when", "an",
    ]);
    let content = prop::sample::select(vec![
        "soldiers",
        "river",
        "village",
        "winter",
        "report",
        "found",
        "crossed",
        "quietly",
        "morning",
        "officials",
        "said",
        "bridge",
        "trucks",
        "border",
        "letters",
        "doctors",
        "harvest",
        "station",
        "captain",
        "shelter",
        "evening",
        "market",
        "returned",
        "waited",
        "carried",
        "mountains",
        "orders",
        "families",
        "engineers",
        "school",
        "roads",
        "spring",
        "signals",
        "forest",
        "wrote",
        "counted",
        "refugees",
        "lanterns",
        "island",
        "valley",
    ]);
    prop::collection::vec((function, content), 4..10).prop_map(|pairs| {
        let mut s = pairs
            .iter()
            .map(|(f, c)| format!("{f} {c}"))
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(first) = s.get(..1) {
            s = first.to_uppercase() + &s[1..];
        }
        s + "."
    })
}

/// A paragraph of two to four sentences.
fn paragraph() -> impl Strategy<Value = String> {
    prop::collection::vec(sentence(), 2..5).prop_map(|s| s.join(" "))
}

/// A line of a voice profile or lexicon: a table header or a known key with any value.
fn toml_line() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "name",
        "engine",
        "voice",
        "language",
        "rate",
        "pitch",
        "volume",
        "lexicon",
        "command",
        "timeout_seconds",
        "paragraph",
        "section",
        "title",
        "quote",
        "sentence",
        "Schwirtz",
        "[pauses]",
        "[words]",
        "[[phonemes]]",
        "[command]",
    ]);
    let value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
        "\"[a-z{}_ -]{0,12}\"",
        Just("[\"{text_file}\", \"{out_wav}\"]".to_string()),
        Just("true".to_string()),
    ];
    (key, value).prop_map(|(k, v)| {
        if k.starts_with('[') {
            k.to_string()
        } else {
            format!("{k} = {v}")
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn reading_any_text_never_panics(text in any::<String>()) {
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let options = ParseOptions { format: Some(format), ..ParseOptions::default() };
            let _ = article::parse_with(&input(text.clone()), options);
        }
    }

    #[test]
    fn any_text_read_into_a_script_never_panics(text in "[A-Za-z0-9 .,:;!?…'\"“”‘’«»$%&°@/#*§\n-]{0,400}") {
        if let Ok(article) = article::parse_with(&input(text), ParseOptions::default()) {
            let script = script::build(&article, &ScriptOptions::default());
            prop_assert!(script.utterances.iter().all(|u| !u.text.trim().is_empty()));
        }
    }

    #[test]
    fn any_profile_or_lexicon_text_is_parsed_or_refused_without_a_panic(text in "[a-z_=\"\\[\\]{}0-9. \n#-]{0,200}",
                                                                         lines in prop::collection::vec(toml_line(), 0..12)) {
        for text in [text, lines.join("\n")] {
            let _ = profile::parse(&text, "fuzz", "fuzz.toml");
            let _ = Lexicon::parse(&text, "fuzz.toml");
        }
    }

    #[test]
    fn reading_web_like_text_never_panics(lines in prop::collection::vec("[A-Za-z “”\"'«».,:;!?…»—-]{0,80}", 0..40)) {
        let _ = article::parse_with(&input(lines.join("\n")), ParseOptions::default());
    }

    #[test]
    fn sentence_splitting_keeps_every_word_in_order(text in "[A-Za-z0-9 .,!?…'\"-]{0,300}") {
        let visible = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        prop_assert_eq!(visible(&sentences::split(&text).concat()), visible(&text));
    }

    #[test]
    fn cleaning_keeps_every_prose_paragraph_in_order(paragraphs in prop::collection::vec(paragraph(), 1..8),
                                                     menu in prop::collection::vec("[A-Z][a-z]{2,9}", 0..12)) {
        // A page: a menu, the article, a footer.
        let mut page: Vec<String> = menu.clone();
        page.push("A Headline For The Story".to_string());
        page.extend(paragraphs.iter().cloned());
        page.push("© 2024 Example News".to_string());
        let article = article::parse_with(&input(page.join("\n\n")), ParseOptions::default()).unwrap();
        let body: Vec<String> = article.sections.iter().flat_map(|s| &s.paragraphs).map(|p| p.text.clone()).collect();
        // Every paragraph is kept, in order (a few menu words may survive on a tiny page: how
        // much boilerplate leaks is measured on real pages by tests/corpus.rs).
        let mut rest = body.iter();
        for p in &paragraphs {
            prop_assert!(rest.any(|b| b == p), "lost or reordered: {p}\nbody: {body:?}");
        }
    }
}

/// Feed-shaped text: the tags, attributes, entities and text of RSS and Atom, in any order.
fn feedish() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "<?xml version=\"1.0\"?>",
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">",
        "<channel>",
        "</channel>",
        "<item>",
        "</item>",
        "<item/>",
        "<guid isPermaLink=\"false\">",
        "<guid isPermaLink=\"&#0;\">",
        "</guid>",
        "<title>",
        "</title>",
        "<link>",
        "</link>",
        "<content:encoded><![CDATA[<p>Body",
        "]]></content:encoded>",
        "<pubDate>",
        "</pubDate>",
        "Tue, 02 Jan 2024 10:00:00 GMT",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"\">",
        "</feed>",
        "<entry>",
        "</entry>",
        "<content type=\"xhtml\">",
        "<content type=\"text\">",
        "</content>",
        "<id>",
        "</id>",
        "&amp;",
        "&bogus;",
        "&#xFFFF;",
        "\u{0}",
        "\u{1}",
        "é",
        "<",
        ">",
        "\"",
        "https://example.com/a?b=1&c=2",
        "x",
        " ",
    ]);
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Hostile text for a feed's fields: markup, entities, control characters, quotes.
fn field() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "Title",
        " ",
        "&amp;",
        "&lt;b&gt;",
        "&#1;",
        "&#xFFFE;",
        "\u{1}",
        "\u{7f}",
        "é",
        "“",
        "\"",
        "'",
        "<",
        ">",
        "]]>",
        "https://example.com/a?b=1&amp;c=2",
        "\n",
        "\t",
    ]);
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

/// An RSS or Atom document whose items have hostile fields (some left out).
fn feed_document() -> impl Strategy<Value = String> {
    let item = (
        prop::option::of(field()),
        prop::option::of(field()),
        prop::option::of(field()),
        prop::option::of(field()),
        any::<bool>(),
    );
    (any::<bool>(), prop::collection::vec(item, 1..5)).prop_map(|(atom, items)| {
        let text = |tag: &str, value: &Option<String>| {
            value.as_ref().map_or(String::new(), |v| {
                let v = v.replace('<', "&lt;").replace('>', "&gt;");
                format!("<{tag}>{v}</{tag}>")
            })
        };
        let body: String = items
            .iter()
            .map(|(title, guid, link, content, permalink)| {
                let content = content
                    .as_ref()
                    .map(|c| c.replace("]]>", "]]]]><![CDATA[>"));
                if atom {
                    format!(
                        "<entry>{}{}{}{}</entry>",
                        text("title", title),
                        text("id", guid),
                        link.as_ref().map_or(String::new(), |l| format!(
                            "<link href=\"{}\"/>",
                            l.replace('"', "&quot;").replace('<', "&lt;")
                        )),
                        content.map_or(String::new(), |c| format!(
                            "<content type=\"html\"><![CDATA[{c}]]></content>"
                        )),
                    )
                } else {
                    format!(
                        "<item>{}{}{}{}</item>",
                        text("title", title),
                        guid.as_ref().map_or(String::new(), |g| format!(
                            "<guid isPermaLink=\"{permalink}\">{}</guid>",
                            g.replace('<', "&lt;").replace('>', "&gt;")
                        )),
                        text("link", link),
                        content.map_or(String::new(), |c| format!(
                            "<content:encoded><![CDATA[{c}]]></content:encoded>"
                        )),
                    )
                }
            })
            .collect();
        if atom {
            format!("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title>{body}</feed>")
        } else {
            format!(
                "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\
                 <channel><title>F</title>{body}</channel></rss>"
            )
        }
    })
}

/// What `articast podcast` would publish for a source feed: its feed.xml, read back.
fn republished(source: &articast::podcast::SourceFeed) -> Result<usize, String> {
    use articast::podcast::{self, feed, rss};
    let base = podcast::base_url("https://example.com/pod/").unwrap();
    let episodes: Vec<podcast::Episode> = source
        .items
        .iter()
        .map(|item| {
            let (guid, permalink) = podcast::guid_of(item);
            let name = podcast::episode_name(&guid, item.title.as_deref());
            podcast::Episode {
                guid,
                permalink,
                title: item.title.clone().unwrap_or_default(),
                link: item.link.clone(),
                description: item.summary.clone(),
                published: item.published,
                first_seen: 0,
                position: 0,
                audio: format!("{name}.wav"),
                name,
                content_hash: String::new(),
                settings_hash: String::new(),
                mime: "audio/wav".into(),
                bytes: 1,
                seconds: 1.0,
                chapters: None,
                vtt: None,
                srt: None,
                files: Vec::new(),
            }
        })
        .collect();
    let channel = podcast::channel(source, &[], &base);
    let xml = rss::render(&channel, &episodes, &base);
    let again = feed::parse(xml.as_bytes(), None).map_err(|e| format!("{e}: {xml}"))?;
    if again.items.len() != episodes.len() {
        return Err(format!(
            "{} items read back of {}: {xml}",
            again.items.len(),
            episodes.len()
        ));
    }
    // Guids survive the trip (as the feed parser trims them).
    for (item, episode) in again.items.iter().zip(&episodes) {
        let guid = episode.guid.trim();
        if !guid.is_empty() && item.guid.as_deref() != Some(guid) {
            return Err(format!(
                "guid {:?} read back as {:?}: {xml}",
                episode.guid, item.guid
            ));
        }
    }
    Ok(again.items.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_feed_shaped_text_reads_or_fails_cleanly(text in feedish()) {
        if let Ok(source) = articast::podcast::feed::parse(text.as_bytes(), None) {
            prop_assert!(!source.items.is_empty());
            let republished = republished(&source);
            prop_assert!(republished.is_ok(), "{}", republished.unwrap_err());
        }
    }

    #[test]
    fn a_feed_with_hostile_fields_is_republished_as_a_well_formed_podcast_feed(text in feed_document()) {
        let source = articast::podcast::feed::parse(text.as_bytes(), None);
        prop_assert!(source.is_ok(), "{text}");
        let republished = republished(&source.unwrap());
        prop_assert!(republished.is_ok(), "{}", republished.unwrap_err());
    }
}
