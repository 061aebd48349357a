//! Speech text: what the engine is given for a piece of source text.
//!
//! Engines read plain words best. This expands what they read badly or ambiguously: "St." as
//! Saint or Street by context, titles ("Dr.", "Mr."), currencies with their amounts ("$1.3
//! million" → "1.3 million dollars"), percentages, symbols, ages ("32-year-old"), model names
//! ("BM-21" → "B M 21"), web and e-mail addresses, dashes and ellipses, and typographic quotes.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Normalizes source text for a speech engine.
pub fn speech_text(text: &str) -> String {
    let mut s = typography(text);
    for (pattern, replace) in RULES.iter() {
        s = pattern
            .replace_all(&s, |c: &Captures| replace(c))
            .into_owned();
    }
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
        .replace(",,", ",")
        .replace(" .", ".")
}

/// Quotes, apostrophes, dashes, ellipses and control characters.
fn typography(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '“' | '”' | '„' | '«' | '»' | '"' => {}
            '‘' | '’' | '`' => out.push('\''),
            '—' | '–' => out.push_str(", "),
            '…' => out.push_str("... "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

type Rule = (Regex, fn(&Captures) -> String);

fn rule(pattern: &str, replace: fn(&Captures) -> String) -> Rule {
    (
        Regex::new(pattern).expect("speech rules are valid regular expressions"),
        replace,
    )
}

/// Compiles the speech rules now (a renderer does it while its engines start), not at the first
/// article's first utterance.
pub fn compile_rules() {
    LazyLock::force(&RULES);
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    vec![
        // Web and e-mail addresses: spoken by their parts.
        rule(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b", |c| {
            address(&c[0].replace('@', " at "))
        }),
        rule(r"\bhttps?://(www\.)?([^\s/]+)\S*", |c| address(&c[2])),
        rule(r"\bwww\.([\w-]+(\.[\w-]+)+)\S*", |c| address(&c[1])),
        // "St. Petersburg" (Saint) but "Main St." (Street).
        rule(r"\bSt\.(\s+)([A-Z])", |c| {
            format!("Saint{}{}", &c[1], &c[2])
        }),
        rule(r"\b([A-Z][a-z]+) St\.", |c| format!("{} Street", &c[1])),
        rule(
            r"\b(Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt)\.",
            |c| title(&c[1]).to_string(),
        ),
        // Money: the unit after the amount.
        rule(
            r"([$£€])\s?(\d[\d,]*(?:\.\d+)?)(\s+(?:million|billion|trillion|thousand))?",
            |c| {
                let unit = match &c[1] {
                    "$" => "dollars",
                    "£" => "pounds",
                    _ => "euros",
                };
                format!("{}{} {unit}", &c[2], c.get(3).map_or("", |m| m.as_str()))
            },
        ),
        rule(r"(\d)\s?%", |c| format!("{} percent", &c[1])),
        rule(r"(\d)\s?°\s?C\b", |c| format!("{} degrees Celsius", &c[1])),
        rule(r"(\d)\s?°\s?F\b", |c| {
            format!("{} degrees Fahrenheit", &c[1])
        }),
        rule(r"(\d)\s?°", |c| format!("{} degrees", &c[1])),
        rule(r"\s&\s", |_| " and ".to_string()),
        // "32-year-old" → "32 year old".
        rule(r"(\d+)-(year|month|week|day)-old\b", |c| {
            format!("{} {} old", &c[1], &c[2])
        }),
        // Model names: "BM-21" → "B M 21", "F-16" → "F 16".
        rule(r"\b([A-Z]{1,4})-(\d+)\b", |c| {
            let letters: Vec<String> = c[1].chars().map(String::from).collect();
            format!("{} {}", letters.join(" "), &c[2])
        }),
        // A dotted ellipsis is a pause.
        rule(r"\.\.\.+", |_| ",".to_string()),
    ]
});

fn title(abbreviation: &str) -> &'static str {
    match abbreviation {
        "Mr" => "Mister",
        "Mrs" => "Missus",
        "Ms" => "Miz",
        "Dr" => "Doctor",
        "Prof" => "Professor",
        "Gen" => "General",
        "Sen" => "Senator",
        "Rep" => "Representative",
        "Gov" => "Governor",
        "Lt" => "Lieutenant",
        "Col" => "Colonel",
        "Capt" => "Captain",
        _ => "Sergeant",
    }
}

/// "news.example.com" → "news dot example dot com".
fn address(host: &str) -> String {
    host.trim_end_matches(['.', ',', ')'])
        .replace('.', " dot ")
        .replace('/', " slash ")
        .replace('_', " underscore ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curly_apostrophe_becomes_straight() {
        assert_eq!(speech_text("It’s Putin’s war"), "It's Putin's war");
    }

    #[test]
    fn double_quote_marks_are_not_spoken() {
        assert_eq!(speech_text("the “Grad” rockets"), "the Grad rockets");
    }

    #[test]
    fn dash_becomes_a_comma_pause() {
        assert_eq!(
            speech_text("technophobic — I’m a geek"),
            "technophobic, I'm a geek"
        );
    }

    #[test]
    fn whitespace_and_control_characters_collapse() {
        assert_eq!(speech_text(" a\t\u{0}b \n c "), "a b c");
    }

    #[test]
    fn st_is_saint_before_a_name_and_street_after_one() {
        assert_eq!(
            speech_text("his hometown, St. Petersburg, and"),
            "his hometown, Saint Petersburg, and"
        );
        assert_eq!(speech_text("on Main St. today"), "on Main Street today");
    }

    #[test]
    fn titles_are_spelled_out() {
        assert_eq!(
            speech_text("Dr. Smith met Mr. Jones"),
            "Doctor Smith met Mister Jones"
        );
    }

    #[test]
    fn money_reads_amount_then_unit() {
        assert_eq!(
            speech_text("GM paid $1.3 million for it"),
            "GM paid 1.3 million dollars for it"
        );
        assert_eq!(speech_text("fined £500"), "fined 500 pounds");
    }

    #[test]
    fn percent_degrees_and_ampersand_are_words() {
        assert_eq!(
            speech_text("up 5% at 30°C & rising"),
            "up 5 percent at 30 degrees Celsius and rising"
        );
    }

    #[test]
    fn ages_and_model_names_are_spoken_plainly() {
        assert_eq!(
            speech_text("a 32-year-old fired BM-21 rockets"),
            "a 32 year old fired B M 21 rockets"
        );
    }

    #[test]
    fn addresses_are_read_by_their_parts() {
        assert_eq!(
            speech_text("see https://www.example.com/page now"),
            "see example dot com now"
        );
        assert_eq!(
            speech_text("write to jane@news.org."),
            "write to jane at news dot org."
        );
    }

    #[test]
    fn ellipses_are_pauses() {
        assert_eq!(speech_text("wait… and... go"), "wait, and, go");
    }
}
