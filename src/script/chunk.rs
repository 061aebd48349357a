//! Pieces of one sentence short enough for an engine: an unbreakable "sentence" of a megabyte
//! (a list of 30,000 clauses, a paste with no full stop) is cut at clause boundaries, else at
//! word boundaries, else (a run with no space at all) between characters, so no engine call
//! gets more than a bounded amount of text and no step of the pipeline grows with a sentence's
//! length squared (see #14).

/// Characters after which a clause ends, when whitespace follows.
const CLAUSE_ENDS: [char; 8] = [',', ';', ':', '\u{2014}', '\u{2013}', ')', '\u{2026}', '-'];

/// The pieces of `sentence`, each at most `limit` characters (`limit` ≥ 8), trimmed, in order;
/// joined with spaces they give the sentence back (whitespace aside). A sentence within the limit
/// is one piece. Each piece ends at the last clause end in its window that leaves it at least a
/// quarter of the limit, else at the last whitespace, else at the limit. Linear in the sentence.
pub fn pieces(sentence: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(8);
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    if chars.len() <= limit {
        return vec![sentence.trim().to_string()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
    }
    let byte_at = |i: usize| chars.get(i).map_or(sentence.len(), |&(b, _)| b);
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let end = if chars.len() - start <= limit {
            chars.len()
        } else {
            cut(&chars[start..start + limit + 1], limit) + start
        };
        let piece = sentence[byte_at(start)..byte_at(end)].trim();
        if !piece.is_empty() {
            out.push(piece.to_string());
        }
        start = end;
    }
    out
}

/// Where to end a piece in `window` (`limit + 1` characters, so the character after a full
/// piece is seen): the index of the first character of the next piece.
fn cut(window: &[(usize, char)], limit: usize) -> usize {
    let space_after = |i: usize| window.get(i + 1).is_some_and(|(_, c)| c.is_whitespace());
    let floor = limit / 4;
    let clause = (floor..limit)
        .rev()
        .find(|&i| CLAUSE_ENDS.contains(&window[i].1) && space_after(i));
    if let Some(i) = clause {
        return i + 1;
    }
    let space = (floor..=limit).rev().find(|&i| window[i].1.is_whitespace());
    match space {
        Some(i) => i,
        // No space at all: cut before a letter rather than inside a cluster of marks.
        None => (floor..limit)
            .rev()
            .find(|&i| !is_mark(window[i].1))
            .filter(|&i| i > 0)
            .unwrap_or(limit),
    }
}

/// Combining marks and joiners, which belong to the character before them.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}' | '\u{200C}' | '\u{200D}'
        | '\u{FE00}'..='\u{FE0F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_within_the_limit_is_one_piece() {
        assert_eq!(
            pieces("  Short and sweet.  ", 100),
            vec!["Short and sweet."]
        );
        assert!(pieces("   ", 100).is_empty());
    }

    #[test]
    fn a_long_list_is_cut_after_commas_under_the_limit() {
        let sentence: String = (0..500).map(|i| format!("clause {i} goes on, ")).collect();
        let parts = pieces(&sentence, 200);
        assert!(parts.len() > 1);
        for p in &parts[..parts.len() - 1] {
            assert!(p.chars().count() <= 200, "{p}");
            assert!(p.ends_with(','), "{p}");
        }
        assert_eq!(parts.join(" "), sentence.trim());
    }

    #[test]
    fn words_without_clauses_are_cut_between_words() {
        let sentence = "word ".repeat(1000);
        let parts = pieces(&sentence, 100);
        assert!(
            parts
                .iter()
                .all(|p| p.chars().count() <= 100 && !p.contains("wor "))
        );
        assert!(parts.iter().all(|p| p.split(' ').all(|w| w == "word")));
        assert_eq!(parts.join(" "), sentence.trim());
    }

    #[test]
    fn a_run_without_spaces_is_cut_at_the_limit_but_not_before_a_combining_mark() {
        let sentence = "a\u{301}".repeat(300);
        let parts = pieces(&sentence, 101);
        assert!(parts.iter().all(|p| p.chars().count() <= 101));
        assert!(parts.iter().all(|p| !p.starts_with('\u{301}')));
        assert_eq!(parts.concat(), sentence);
    }
}
