//! Sentences: Unicode sentence boundaries (UAX #29), joined again where a full stop ends an
//! abbreviation or an initial rather than a sentence ("St. Petersburg", "U.S. troops", "J. R.
//! Smith"). Decimals ("3.5") and inner ellipses never split under UAX #29.

use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: [&str; 30] = [
    "st", "dr", "mr", "mrs", "ms", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt",
    "jr", "sr", "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "a.m", "p.m", "inc", "co",
    "corp", "mt",
];

/// The sentences of a paragraph, trimmed, in order. Joined with spaces they give the paragraph
/// back (whitespace aside).
pub fn split(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut glue = false;
    for piece in text.split_sentence_bounds() {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if glue || starts_lowercase(piece) => {
                last.push(' ');
                last.push_str(piece);
            }
            _ => out.push(piece.to_string()),
        }
        glue = out.last().is_some_and(|s| ends_with_abbreviation(s));
    }
    out
}

fn starts_lowercase(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_lowercase)
}

fn ends_with_abbreviation(sentence: &str) -> bool {
    let Some(stem) = sentence.strip_suffix('.') else {
        return false;
    };
    let last = stem.rsplit([' ', '(', '“', '"']).next().unwrap_or("");
    let lower = last.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
        || (last.chars().count() == 1 && last.chars().all(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_paragraph_splits_at_full_stops() {
        assert_eq!(
            split("One here. Two here! Three?"),
            vec!["One here.", "Two here!", "Three?"]
        );
    }

    #[test]
    fn saint_abbreviation_does_not_end_a_sentence() {
        let s = split("He left his hometown, St. Petersburg, and went west. Then he fought.");
        assert_eq!(s.len(), 2);
        assert!(s[0].contains("St. Petersburg"));
    }

    #[test]
    fn country_abbreviations_titles_and_initials_stay_inside() {
        assert_eq!(
            split("The U.S. Army and Dr. Jones met J. R. Smith today. Done.").len(),
            2
        );
    }

    #[test]
    fn decimals_and_inner_ellipses_do_not_split() {
        assert_eq!(
            split("It rose 3.5 percent... or so they say. End.").len(),
            2
        );
    }
}
