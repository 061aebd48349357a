//! Text to IPA phonemes with libespeak-ng, one clause at a time, with the punctuation that ends
//! each clause: the front end of the Piper engine.
//!
//! `espeak_TextToPhonemes` returns one clause's phonemes per call and moves the text pointer past
//! it, but it drops the clause's punctuation, and the function that reports it
//! (`espeak_TextToPhonemesWithTerminator`) only exists from espeak-ng 1.53 (Debian 12 ships 1.51).
//! So the punctuation is read back from the text the call consumed: libespeak-ng reads one
//! character past the clause, which is dropped, then closing quotes and brackets are skipped and
//! the last character left is the clause's terminator.
//!
//! The library is process-global and not thread-safe; every call holds the espeak engine's lock.
#![allow(unsafe_code)]

use std::ffi::{CString, c_char, c_int, c_void};
use std::ops::Range;

use super::EngineError;
use super::espeak::with_library;

const ESPEAK_CHARS_UTF8: c_int = 1;
/// `phonememode` bit 1: phonemes as IPA (UTF-8) instead of espeak's ASCII names.
const ESPEAK_PHONEMES_IPA: c_int = 0x02;

unsafe extern "C" {
    fn espeak_SetVoiceByName(name: *const c_char) -> c_int;
    fn espeak_TextToPhonemes(
        textptr: *mut *const c_void,
        textmode: c_int,
        phonememode: c_int,
    ) -> *const c_char;
}

/// One clause as libespeak-ng read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// IPA phonemes, words separated by spaces, language-switch flags (`(fr)`) removed.
    pub phonemes: String,
    /// The punctuation that ends it (`. ? ! , : ;`; a dash reads as `;`), if any.
    pub terminator: Option<char>,
    /// Whether it ends a sentence (`.`, `?`, `!`).
    pub ends_sentence: bool,
    /// Byte range of the clause's words in the text (without the terminator).
    pub text: Range<usize>,
}

/// The clauses of `text`, spoken by the espeak-ng voice `voice` (`en-us`, ...).
pub fn clauses(text: &str, voice: &str) -> Result<Vec<Clause>, EngineError> {
    let unavailable = |reason: String| EngineError::Unavailable {
        engine: "espeak-ng".to_string(),
        reason,
    };
    let voice_c = CString::new(voice)
        .map_err(|_| unavailable("the espeak voice name contains a NUL byte".to_string()))?;
    let owned = CString::new(text.replace('\0', " "))
        .map_err(|_| unavailable("text contains a NUL byte".to_string()))?;
    let bytes = owned.as_bytes();
    let raw = with_library(|| {
        // SAFETY: `voice_c` is a live NUL-terminated string; the library is initialized and held.
        if unsafe { espeak_SetVoiceByName(voice_c.as_ptr()) } != 0 {
            return Err(format!("unknown espeak-ng voice '{voice}'"));
        }
        let base = owned.as_ptr() as usize;
        let mut ptr: *const c_void = owned.as_ptr().cast();
        let mut out = Vec::new();
        // Each call consumes at least one character, so the loop ends; the bound guards
        // against a library that would not move.
        for _ in 0..=bytes.len() {
            if ptr.is_null() {
                break;
            }
            let start = (ptr as usize).saturating_sub(base).min(bytes.len());
            // SAFETY: `ptr` points into `owned`, which outlives the call; the library sets it to
            // the next clause or to NULL at the end of the text.
            let phonemes =
                unsafe { espeak_TextToPhonemes(&mut ptr, ESPEAK_CHARS_UTF8, ESPEAK_PHONEMES_IPA) };
            let end = if ptr.is_null() {
                bytes.len()
            } else {
                (ptr as usize).saturating_sub(base).min(bytes.len())
            };
            let phonemes = if phonemes.is_null() {
                String::new()
            } else {
                // SAFETY: a NUL-terminated string in the library's buffer, copied at once.
                unsafe { std::ffi::CStr::from_ptr(phonemes) }
                    .to_string_lossy()
                    .into_owned()
            };
            out.push((phonemes, start..end, ptr.is_null()));
        }
        Ok(out)
    })?
    .map_err(unavailable)?;
    Ok(raw
        .into_iter()
        .map(|(phonemes, consumed, last)| {
            let (terminator, ends_sentence, words) = read_terminator(text, consumed, last);
            Clause {
                phonemes: strip_language_flags(&phonemes),
                terminator,
                ends_sentence,
                text: words,
            }
        })
        .collect())
}

/// The terminator of the clause that consumed `consumed` of `text`, whether it ends a sentence,
/// and the range of the clause's words. Unless it is the `last` clause, libespeak-ng has read one
/// character of the next clause.
fn read_terminator(
    text: &str,
    consumed: Range<usize>,
    last: bool,
) -> (Option<char>, bool, Range<usize>) {
    let start = floor_char_boundary(text, consumed.start);
    let end = floor_char_boundary(text, consumed.end.max(start));
    let mut slice = &text[start..end];
    if !last {
        // The read-ahead character: the first of the next clause.
        if let Some(c) = slice
            .chars()
            .next_back()
            .filter(|c| !is_clause_punctuation(*c))
        {
            slice = &slice[..slice.len() - c.len_utf8()];
        }
    }
    let trimmed = slice.trim_end_matches(|c: char| c.is_whitespace() || is_closing(c));
    let words_end = start + trimmed.len();
    if trimmed.ends_with("...") || trimmed.ends_with('…') {
        // An ellipsis trails off: no punctuation and no sentence break.
        return (None, false, start..words_end);
    }
    let terminator = match trimmed.chars().next_back() {
        Some(c @ ('.' | '?' | '!' | ',' | ':' | ';')) => Some(c),
        Some('—' | '–') => Some(';'),
        _ => None,
    };
    let words_end =
        words_end - terminator.map_or(0, |_| trimmed.chars().next_back().map_or(0, char::len_utf8));
    (
        terminator,
        matches!(terminator, Some('.' | '?' | '!')),
        start..words_end,
    )
}

fn is_clause_punctuation(c: char) -> bool {
    matches!(c, '.' | '?' | '!' | ',' | ':' | ';' | '—' | '–' | '…')
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '“' | '‘' | '»' | '«' | ')' | ']' | '}' | '('
    )
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Removes language-switch flags such as `(fr)` that espeak-ng puts around foreign words.
fn strip_language_flags(phonemes: &str) -> String {
    let mut out = String::with_capacity(phonemes.len());
    let mut rest = phonemes;
    while let Some(open) = rest.find('(') {
        match rest[open..].find(')') {
            Some(close) if close > 1 => {
                out.push_str(&rest[..open]);
                rest = &rest[open + close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_flags_are_removed_and_other_brackets_kept() {
        assert_eq!(
            strip_language_flags("ɡˈʊt (fr)baʒuʁ(en) ænd"),
            "ɡˈʊt baʒuʁ ænd"
        );
        assert_eq!(strip_language_flags("a () b ("), "a () b (");
    }

    #[test]
    fn the_read_ahead_character_is_dropped_before_the_terminator_is_read() {
        let text = "The council voted. Workers left";
        let (t, end, words) = read_terminator(text, 0..20, false);
        assert_eq!(
            (t, end, &text[words]),
            (Some('.'), true, "The council voted")
        );
        let (t, end, _) = read_terminator("He said, “no.” Then", 0..20, false);
        assert_eq!((t, end), (Some('.'), true));
    }

    #[test]
    fn a_dash_reads_as_a_semicolon_and_an_ellipsis_as_nothing() {
        assert_eq!(read_terminator("2023—a", 0..7, false).0, Some(';'));
        let (t, end, _) = read_terminator("Wait... what", 0..9, false);
        assert_eq!((t, end), (None, false));
        assert_eq!(read_terminator("no end", 0..6, true).0, None);
    }

    #[test]
    fn clauses_carry_ipa_and_their_punctuation() {
        let clauses = clauses("Hello there, world. Is it raining?", "en-us").unwrap();
        let terms: Vec<_> = clauses
            .iter()
            .map(|c| (c.terminator, c.ends_sentence))
            .collect();
        assert_eq!(
            terms,
            vec![(Some(','), false), (Some('.'), true), (Some('?'), true)]
        );
        assert!(clauses[0].phonemes.contains('ˈ'), "{:?}", clauses[0]);
    }
}
