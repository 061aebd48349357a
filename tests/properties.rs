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

/// A prose sentence: function words and content words, capitalized, with a full stop.
fn sentence() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "the",
        "of",
        "and",
        "to",
        "in",
        "that",
        "was",
        "for",
        "with",
        "they",
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
        "their",
        "after",
    ]);
    prop::collection::vec(word, 8..20).prop_map(|words| {
        let mut s = words.join(" ");
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
