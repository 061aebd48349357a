//! From espeak-ng clauses to Piper's phoneme ids, sentence by sentence.
//!
//! Piper's conventions (those its voices were trained with): a sentence's phonemes are its
//! clauses' IPA, each followed by its punctuation (and a space after `, : ;`), decomposed (NFD)
//! into single code points, so stress marks and diacritics are symbols of their own. The ids are
//! BOS, PAD, then each symbol's ids followed by PAD, then EOS; symbols the voice does not know are
//! dropped.

use std::collections::HashMap;
use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

use crate::engine::espeak_ipa::Clause;

/// Padding, after every symbol.
pub const PAD: &str = "_";
/// Beginning of a sentence.
pub const BOS: &str = "^";
/// End of a sentence.
pub const EOS: &str = "$";

/// The longest id sequence given to the model at once: attention cost grows with the square of
/// the length, so longer sentences are spoken in pieces split at clauses (then at words).
pub const MAX_IDS: usize = 1_000;

/// A voice's `phoneme_id_map`: symbol to ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdMap(pub HashMap<String, Vec<i64>>);

impl IdMap {
    fn push(&self, symbol: &str, out: &mut Vec<i64>) -> bool {
        match self.0.get(symbol) {
            Some(ids) => {
                out.extend_from_slice(ids);
                true
            }
            None => false,
        }
    }

    /// The ids of one sentence's (or piece's) symbols.
    pub fn ids<'a>(&self, symbols: impl IntoIterator<Item = &'a str>) -> Vec<i64> {
        let mut out = Vec::new();
        self.push(BOS, &mut out);
        self.push(PAD, &mut out);
        for symbol in symbols {
            if self.push(symbol, &mut out) {
                self.push(PAD, &mut out);
            }
        }
        self.push(EOS, &mut out);
        out
    }
}

/// A run of one clause's symbols and the text it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte range of its words in the text.
    pub text: Range<usize>,
    /// Its symbols (single code points after NFD), punctuation included.
    pub symbols: Vec<String>,
}

/// A sentence: its segments in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    /// One segment per clause.
    pub segments: Vec<Segment>,
}

impl Sentence {
    /// All its symbols, in order.
    pub fn symbols(&self) -> impl Iterator<Item = &str> {
        self.segments
            .iter()
            .flat_map(|s| s.symbols.iter().map(String::as_str))
    }

    /// Whether it has anything to say (not only punctuation and spaces).
    pub fn is_spoken(&self) -> bool {
        self.symbols().any(|s| s.chars().any(char::is_alphabetic))
    }

    /// Splits it into pieces of at most `max_ids` ids (as [`IdMap::ids`] counts them, two per
    /// symbol), at clause boundaries, and inside a clause too long on its own at word spaces.
    pub fn pieces(&self, max_ids: usize) -> Vec<Sentence> {
        let budget = (max_ids.saturating_sub(3) / 2).max(8);
        let mut units: Vec<Segment> = Vec::new();
        for segment in &self.segments {
            if segment.symbols.len() <= budget {
                units.push(segment.clone());
                continue;
            }
            // Split at spaces; the text range is shared out in proportion.
            let total = segment.symbols.len();
            let mut start = 0;
            while start < total {
                let mut end = (start + budget).min(total);
                if end < total
                    && let Some(space) = (start + 1..end).rev().find(|&i| segment.symbols[i] == " ")
                {
                    end = space + 1;
                }
                let span = segment.text.end - segment.text.start;
                units.push(Segment {
                    text: segment.text.start + span * start / total
                        ..segment.text.start + span * end / total,
                    symbols: segment.symbols[start..end].to_vec(),
                });
                start = end;
            }
        }
        let mut pieces: Vec<Sentence> = Vec::new();
        let mut current = Sentence::default();
        let mut count = 0;
        for unit in units {
            if count + unit.symbols.len() > budget && !current.segments.is_empty() {
                pieces.push(std::mem::take(&mut current));
                count = 0;
            }
            count += unit.symbols.len();
            current.segments.push(unit);
        }
        if !current.segments.is_empty() {
            pieces.push(current);
        }
        pieces
    }
}

/// Groups clauses into sentences the way Piper does.
pub fn sentences(clauses: &[Clause]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut current = Sentence::default();
    for clause in clauses {
        let mut text = clause.phonemes.clone();
        if let Some(t) = clause.terminator {
            text.push(t);
            if matches!(t, ',' | ':' | ';') {
                text.push(' ');
            }
        }
        current.segments.push(Segment {
            text: clause.text.clone(),
            symbols: text.nfd().map(String::from).collect(),
        });
        if clause.ends_sentence {
            out.push(std::mem::take(&mut current));
        }
    }
    if current.symbols().next().is_some() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> IdMap {
        let pairs = [("_", 0), ("^", 1), ("$", 2), (" ", 3), (",", 8), (".", 10)];
        let mut m: HashMap<String, Vec<i64>> = pairs
            .iter()
            .map(|(s, i)| (s.to_string(), vec![*i]))
            .collect();
        m.insert("a".to_string(), vec![14]);
        m.insert("ˈ".to_string(), vec![120]);
        m.insert("\u{303}".to_string(), vec![141]);
        IdMap(m)
    }

    fn clause(phonemes: &str, terminator: Option<char>, ends: bool) -> Clause {
        Clause {
            phonemes: phonemes.to_string(),
            terminator,
            ends_sentence: ends,
            text: 0..1,
        }
    }

    #[test]
    fn ids_have_bos_pad_after_every_symbol_and_eos() {
        assert_eq!(map().ids(["a", "."]), vec![1, 0, 14, 0, 10, 0, 2]);
    }

    #[test]
    fn unknown_symbols_are_dropped_with_their_pad() {
        assert_eq!(map().ids(["a", "ʘ", "a"]), vec![1, 0, 14, 0, 14, 0, 2]);
    }

    #[test]
    fn nfd_splits_a_nasal_vowel_into_base_and_tilde() {
        let s = sentences(&[clause("ˈã", Some('.'), true)]);
        let symbols: Vec<&str> = s[0].symbols().collect();
        assert_eq!(symbols, vec!["ˈ", "a", "\u{303}", "."]);
        assert_eq!(
            map().ids(s[0].symbols()),
            vec![1, 0, 120, 0, 14, 0, 141, 0, 10, 0, 2]
        );
    }

    #[test]
    fn a_comma_clause_gets_a_space_and_a_period_ends_the_sentence() {
        let s = sentences(&[
            clause("a", Some(','), false),
            clause("a", Some('.'), true),
            clause("a", None, false),
        ]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].symbols().collect::<String>(), "a, a.");
        assert_eq!(s[1].symbols().collect::<String>(), "a");
    }

    #[test]
    fn a_long_sentence_is_split_at_clauses_then_at_spaces() {
        let long = "aa ".repeat(300);
        let s = &sentences(&[
            clause("a a", Some(','), false),
            clause(&long, Some('.'), true),
        ])[0];
        let pieces = s.pieces(MAX_IDS);
        assert!(pieces.len() >= 2, "{}", pieces.len());
        for p in &pieces {
            assert!(map().ids(p.symbols()).len() <= MAX_IDS);
        }
        let joined: String = pieces.iter().flat_map(|p| p.symbols()).collect();
        assert_eq!(joined, s.symbols().collect::<String>());
        assert_eq!(pieces[0].segments[0].symbols.concat(), "a a, ");
    }
}
