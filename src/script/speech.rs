//! Speech text: what the engine is given for a piece of source text.

/// Normalizes source text for a speech engine: typographic quotes and apostrophes become plain
/// ones (or disappear), dashes become pauses, and whitespace is collapsed.
pub fn speech_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '“' | '”' | '„' | '«' | '»' | '"' => {}
            '‘' | '’' | '`' => out.push('\''),
            '—' | '–' => out.push_str(", "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
        .replace(",,", ",")
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
        assert_eq!(speech_text("BM-21 “Grad” rockets"), "BM-21 Grad rockets");
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
}
