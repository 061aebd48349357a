//! The user's lexicon: how to say words the engine gets wrong.
//!
//! A TOML file with a `[words]` table of word → respelling:
//!
//! ```toml
//! [words]
//! Schwirtz = "Shwurts"   # capitalized key: matches this spelling only
//! bakhmut = "bahk-moot"  # lower-case key: matches any case; capitals are kept
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

/// A compiled lexicon.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<(Regex, String, bool)>,
}

impl PartialEq for Lexicon {
    fn eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|(a, b)| a.0.as_str() == b.0.as_str() && a.1 == b.1)
    }
}

impl Eq for Lexicon {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    words: BTreeMap<String, String>,
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
        let mut entries = Vec::new();
        for (word, respelling) in file.words {
            if word.trim().is_empty() || word.split_whitespace().count() != 1 {
                let at = text.find(&word).unwrap_or(0);
                return Err(toml_file::invalid(
                    text,
                    origin,
                    at,
                    format!("'{word}' is not a single word"),
                ));
            }
            let any_case = word.chars().all(|c| !c.is_uppercase());
            let flags = if any_case { "(?i)" } else { "" };
            let pattern = Regex::new(&format!(r"{flags}\b{}\b", regex::escape(&word)))
                .map_err(|e| toml_file::invalid(text, origin, 0, e.to_string()))?;
            entries.push((pattern, respelling, any_case));
        }
        Ok(Lexicon { entries })
    }

    /// Applies every entry to `text`.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (pattern, respelling, any_case) in &self.entries {
            out = pattern
                .replace_all(&out, |c: &regex::Captures| {
                    let found = &c[0];
                    if *any_case && found.chars().next().is_some_and(char::is_uppercase) {
                        capitalize(respelling)
                    } else {
                        respelling.clone()
                    }
                })
                .into_owned();
        }
        out
    }

    /// Whether the lexicon has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only_and_case_is_kept() {
        let lex = Lexicon::parse("[words]\nbakhmut = \"bahk-moot\"\n", "t").unwrap();
        assert_eq!(
            lex.apply("Bakhmut and bakhmut, not Bakhmutka"),
            "Bahk-moot and bahk-moot, not Bakhmutka"
        );
    }

    #[test]
    fn a_capitalized_key_matches_that_spelling_only() {
        let lex = Lexicon::parse("[words]\nPolish = \"Poh-lish\"\n", "t").unwrap();
        assert_eq!(lex.apply("Polish shoe polish"), "Poh-lish shoe polish");
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
