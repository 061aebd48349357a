//! The article's language and its function words.
//!
//! The language comes from the page (`<html lang="de">`) or is detected from the text (whatlang,
//! trigram profiles); it is given as an ISO 639-1 code ("en", "de", "fr") so that the engine can
//! choose a voice. Cleaning weighs each line by its share of function words ([`StopWords`]):
//! the project's English list, or for other languages the NLTK lists of the `stop-words` crate.

use std::collections::HashSet;

/// Text shorter than this (in characters) is not enough to detect a language from.
const MIN_DETECT_CHARS: usize = 200;

/// The primary language subtag of an HTML `lang` attribute ("de-DE" → "de"), if it is one.
pub fn from_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    ((2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic()))
        .then_some(primary)
}

/// The language of `text`, detected when whatlang finds it reliably; `None` for short or mixed
/// text.
pub fn detect(text: &str) -> Option<String> {
    if text.chars().count() < MIN_DETECT_CHARS {
        return None;
    }
    let info = whatlang::detect(text)?;
    if !info.is_reliable() {
        return None;
    }
    iso_639_1(info.lang().code()).map(str::to_string)
}

/// ISO 639-3 (whatlang's codes) to ISO 639-1 (espeak-ng's voice names), for the languages both
/// know.
fn iso_639_1(code: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(three, _)| *three == code)
        .map(|(_, two)| *two)
}

/// ISO 639-1 to ISO 639-3 (what ID3 and MP4 language fields take), for the languages of
/// [`detect`].
pub fn iso_639_3(code: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(_, two)| *two == code)
        .map(|(three, _)| *three)
}

/// ISO 639-3 and ISO 639-1 codes of the same languages.
const TABLE: &[(&str, &str)] = &[
    ("afr", "af"),
    ("ara", "ar"),
    ("aze", "az"),
    ("bel", "be"),
    ("ben", "bn"),
    ("bul", "bg"),
    ("cat", "ca"),
    ("ces", "cs"),
    ("cmn", "zh"),
    ("dan", "da"),
    ("deu", "de"),
    ("ell", "el"),
    ("eng", "en"),
    ("epo", "eo"),
    ("est", "et"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("guj", "gu"),
    ("heb", "he"),
    ("hin", "hi"),
    ("hrv", "hr"),
    ("hun", "hu"),
    ("hye", "hy"),
    ("ind", "id"),
    ("ita", "it"),
    ("jpn", "ja"),
    ("kat", "ka"),
    ("kan", "kn"),
    ("kor", "ko"),
    ("lat", "la"),
    ("lav", "lv"),
    ("lit", "lt"),
    ("mal", "ml"),
    ("mar", "mr"),
    ("mkd", "mk"),
    ("nep", "ne"),
    ("nld", "nl"),
    ("nob", "nb"),
    ("ori", "or"),
    ("pan", "pa"),
    ("pes", "fa"),
    ("pol", "pl"),
    ("por", "pt"),
    ("ron", "ro"),
    ("rus", "ru"),
    ("slk", "sk"),
    ("slv", "sl"),
    ("spa", "es"),
    ("srp", "sr"),
    ("swe", "sv"),
    ("tam", "ta"),
    ("tel", "te"),
    ("tgl", "tl"),
    ("tha", "th"),
    ("tur", "tr"),
    ("ukr", "uk"),
    ("urd", "ur"),
    ("vie", "vi"),
];

/// The function words of one language, for the share of them in a line.
#[derive(Debug, Clone)]
pub enum StopWords {
    /// The project's English list (the cleaning thresholds were measured with it).
    English,
    /// Another language's list.
    Other(HashSet<&'static str>),
}

impl StopWords {
    /// The list for an ISO 639-1 code; English for English, for no language and for a language
    /// without a list.
    pub fn for_language(code: Option<&str>) -> StopWords {
        match code {
            None | Some("en") => StopWords::English,
            Some(code) => stop_words::lookup(code)
                .map(|words| StopWords::Other(words.iter().copied().collect()))
                .unwrap_or(StopWords::English),
        }
    }

    /// Whether a lower-case word is a function word.
    pub fn contains(&self, word: &str) -> bool {
        match self {
            StopWords::English => ENGLISH.binary_search(&word).is_ok(),
            StopWords::Other(set) => set.contains(word),
        }
    }

    /// Share of the words of `line` that are function words.
    pub fn density(&self, line: &str) -> f64 {
        let mut words = 0usize;
        let mut stop = 0usize;
        for word in line.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’') {
            if word.is_empty() {
                continue;
            }
            words += 1;
            if self.contains(&word.to_lowercase()) {
                stop += 1;
            }
        }
        if words == 0 {
            0.0
        } else {
            stop as f64 / words as f64
        }
    }
}

/// English function words, sorted (binary search).
const ENGLISH: [&str; 124] = [
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "even",
    "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "it's", "its", "just", "may", "me",
    "might", "more", "most", "much", "must", "my", "no", "nor", "not", "now", "of", "off", "on",
    "once", "one", "only", "or", "other", "our", "out", "over", "own", "same", "she", "should",
    "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
    "yet", "you", "your",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_list_is_sorted_for_binary_search() {
        assert!(ENGLISH.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_html_lang_tag_gives_its_primary_subtag() {
        assert_eq!(from_tag("de-DE").as_deref(), Some("de"));
        assert_eq!(from_tag(" FR ").as_deref(), Some("fr"));
        assert_eq!(from_tag(""), None);
        assert_eq!(from_tag("x1"), None);
    }

    #[test]
    fn german_and_french_prose_are_detected() {
        let de = "Die Bundesregierung hat am Mittwoch beschlossen, dass die neuen Regeln für den \
                  Datenschutz ab dem kommenden Jahr gelten sollen. Die Opposition kritisierte, dass \
                  die Unternehmen nicht genug Zeit für die Umstellung hätten.";
        let fr = "Le gouvernement a annoncé mercredi que les nouvelles règles sur la protection des \
                  données entreront en vigueur l'année prochaine. L'opposition estime que les \
                  entreprises n'auront pas assez de temps pour s'adapter à ces changements.";
        assert_eq!(detect(de).as_deref(), Some("de"));
        assert_eq!(detect(fr).as_deref(), Some("fr"));
        assert_eq!(detect("Too short."), None);
    }

    #[test]
    fn german_prose_has_many_german_function_words_and_few_english_ones() {
        let de = "Die Opposition kritisierte, dass die Unternehmen nicht genug Zeit für die \
                  Umstellung hätten und dass es keine Hilfe gab.";
        let german = StopWords::for_language(Some("de"));
        assert!(german.density(de) > 0.35, "{}", german.density(de));
        assert!(StopWords::English.density(de) < 0.1);
    }
}
