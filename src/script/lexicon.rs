//! The user's lexicon: how to say words the engine gets wrong.
//!
//! A TOML file with a `[words]` table of word → respelling, and `[[phonemes]]` entries that
//! give espeak-ng the phonemes of a word (its phoneme codes, as `espeak-ng -x` prints them):
//!
//! ```toml
//! [words]
//! Schwirtz = "Shwurts"   # capitalized key: matches this spelling only
//! bakhmut = "bahk-moot"  # lower-case key: matches any case; capitals are kept
//!
//! [[phonemes]]
//! word = "Arrambide"
//! phonemes = "ar@mb'i:deI"
//! respelling = "Ah-ram-bee-day"   # for engines that take no phonemes (optional)
//! ```
//!
//! Entries apply to whole words only.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use crate::toml_file::{self, FileError};

/// Where articast looks for a lexicon when none is given: beside the voice profiles.
pub const DEFAULT_PATH: &str = "voices/lexicon.toml";

/// One word and what replaces it.
#[derive(Debug, Clone)]
struct Entry {
    pattern: Regex,
    replacement: String,
    /// The key was lower case: it matches any case, and a capital is carried over.
    any_case: bool,
}

/// A compiled lexicon.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    words: Vec<Entry>,
    /// `[[word]]`-marked phonemes, for engines that read espeak-ng phoneme codes.
    phonemes: Vec<Entry>,
    /// The respellings of `[[phonemes]]` entries, for the other engines.
    fallbacks: Vec<Entry>,
}

impl PartialEq for Lexicon {
    fn eq(&self, other: &Self) -> bool {
        let same = |a: &[Entry], b: &[Entry]| {
            a.len() == b.len()
                && a.iter().zip(b).all(|(a, b)| {
                    a.pattern.as_str() == b.pattern.as_str() && a.replacement == b.replacement
                })
        };
        same(&self.words, &other.words)
            && same(&self.phonemes, &other.phonemes)
            && same(&self.fallbacks, &other.fallbacks)
    }
}

impl Eq for Lexicon {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    words: BTreeMap<String, String>,
    #[serde(default)]
    phonemes: Vec<PhonemeEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhonemeEntry {
    word: String,
    phonemes: String,
    respelling: Option<String>,
}

/// Why a lexicon could not be loaded.
pub type LexiconError = FileError;

impl Lexicon {
    /// Loads a lexicon file.
    pub fn load(path: &Path) -> Result<Lexicon, LexiconError> {
        let text = toml_file::read(path)?;
        Lexicon::parse(&text, &path.display().to_string())
    }

    /// Parses lexicon TOML; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Lexicon, LexiconError> {
        let file: File = toml_file::parse(text, origin)?;
        let invalid = |needle: &str, message: String| {
            let at = text.find(needle).unwrap_or(0);
            toml_file::invalid(text, origin, at, message)
        };
        let entry = |word: &str, replacement: String| -> Result<Entry, LexiconError> {
            if word.trim().is_empty() || word.split_whitespace().count() != 1 {
                return Err(invalid(word, format!("'{word}' is not a single word")));
            }
            let any_case = word.chars().all(|c| !c.is_uppercase());
            let flags = if any_case { "(?i)" } else { "" };
            let pattern = Regex::new(&format!(r"{flags}\b{}\b", regex::escape(word)))
                .map_err(|e| invalid(word, e.to_string()))?;
            Ok(Entry {
                pattern,
                replacement,
                any_case,
            })
        };
        let mut lexicon = Lexicon::default();
        for (word, respelling) in file.words {
            lexicon.words.push(entry(&word, respelling)?);
        }
        for p in file.phonemes {
            let codes = p.phonemes.trim();
            if codes.is_empty() || codes.contains("[[") || codes.contains("]]") {
                return Err(invalid(
                    &p.phonemes,
                    format!(
                        "phonemes of '{}' must be espeak-ng codes without [[ ]]",
                        p.word
                    ),
                ));
            }
            lexicon
                .phonemes
                .push(entry(&p.word, format!("[[{codes}]]"))?);
            if let Some(respelling) = p.respelling {
                lexicon.fallbacks.push(entry(&p.word, respelling)?);
            }
        }
        Ok(lexicon)
    }

    /// Applies the lexicon to `text` for an engine that reads espeak-ng phoneme codes
    /// (`phonemes`), or for one that does not (then `[[phonemes]]` entries give their
    /// respelling, if any). Brackets `[[ ]]` of the text itself are taken apart first, so only
    /// the lexicon's phonemes are read as phonemes.
    pub fn apply_for(&self, text: &str, phonemes: bool) -> String {
        let mut out = defuse_phonemes(text);
        let first = if phonemes {
            &self.phonemes
        } else {
            &self.fallbacks
        };
        for (table, codes) in [(first, phonemes), (&self.words, false)] {
            for entry in table {
                out = entry
                    .pattern
                    .replace_all(&out, |c: &regex::Captures| {
                        let capital = c[0].chars().next().is_some_and(char::is_uppercase);
                        if entry.any_case && capital && !codes {
                            capitalize(&entry.replacement)
                        } else {
                            entry.replacement.clone()
                        }
                    })
                    .into_owned();
            }
        }
        out
    }

    /// Whether the lexicon has no entries.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phonemes.is_empty()
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Article text never reaches espeak-ng as phoneme input: a space goes between any two
/// adjacent brackets of the same kind, so no `[[` or `]]` is left (`[[[` too, which a single
/// `replace` would turn back into `[ [[`).
fn defuse_phonemes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = None;
    for c in text.chars() {
        if matches!(c, '[' | ']') && previous == Some(c) {
            out.push(' ');
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only_and_case_is_kept() {
        let lex = Lexicon::parse("[words]\nbakhmut = \"bahk-moot\"\n", "t").unwrap();
        assert_eq!(
            lex.apply_for("Bakhmut and bakhmut, not Bakhmutka", false),
            "Bahk-moot and bahk-moot, not Bakhmutka"
        );
    }

    #[test]
    fn article_text_never_holds_phoneme_brackets() {
        let out = Lexicon::default().apply_for("[[h@'loU]] and [[[x]]] and ]]]]", true);
        assert_eq!(out, "[ [h@'loU] ] and [ [ [x] ] ] and ] ] ] ]");
    }

    #[test]
    fn a_capitalized_key_matches_that_spelling_only() {
        let lex = Lexicon::parse("[words]\nPolish = \"Poh-lish\"\n", "t").unwrap();
        assert_eq!(
            lex.apply_for("Polish shoe polish", false),
            "Poh-lish shoe polish"
        );
    }

    const PHONEMES: &str = "[[phonemes]]\nword = \"arrambide\"\nphonemes = \"ar@mb'i:deI\"\n\
                            respelling = \"ah-ram-bee-day\"\n";

    #[test]
    fn phonemes_go_to_espeak_marked_and_other_engines_get_the_respelling() {
        let lex = Lexicon::parse(PHONEMES, "t").unwrap();
        assert_eq!(
            lex.apply_for("By Jaime Arrambide.", true),
            "By Jaime [[ar@mb'i:deI]]."
        );
        assert_eq!(
            lex.apply_for("By Jaime Arrambide.", false),
            "By Jaime Ah-ram-bee-day."
        );
    }

    #[test]
    fn brackets_of_the_text_are_never_read_as_phonemes() {
        let lex = Lexicon::parse(PHONEMES, "t").unwrap();
        assert_eq!(lex.apply_for("a [[b]] c", true), "a [ [b] ] c");
    }

    #[test]
    fn phonemes_with_brackets_or_none_are_refused() {
        let err = Lexicon::parse(
            "[[phonemes]]\nword = \"x\"\nphonemes = \"[[a]]\"\n",
            "t.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("t.toml:3:"), "{err}");
        assert!(Lexicon::parse("[[phonemes]]\nword = \"x\"\n", "t").is_err());
    }

    #[test]
    fn errors_point_at_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lex.toml");
        std::fs::write(&path, "[words]\nok = \"fine\"\nbad = 3\n").unwrap();
        let err = Lexicon::load(&path).unwrap_err().to_string();
        assert!(err.contains("lex.toml:3:"), "{err}");
        std::fs::write(&path, "[wrods]\n").unwrap();
        assert!(
            Lexicon::load(&path)
                .unwrap_err()
                .to_string()
                .contains("lex.toml:1:")
        );
    }
}
