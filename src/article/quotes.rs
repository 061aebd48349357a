//! Finds quotations inside a paragraph.

use super::{SpanKind, speakers, word_count};

/// Quotations shorter than this stay in the narration ("scare quotes" such as “Grad”).
pub const MIN_QUOTE_WORDS: usize = 4;

/// A span found in one paragraph, before quotations get their article-wide index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Narration or quote.
    pub kind: SpanKind,
    /// Text without the quotation marks (for quotes).
    pub text: String,
    /// This quote continues the paragraph's previous quote, interrupted by its attribution.
    pub continues: bool,
}

/// Cuts a paragraph into narration and quotation pieces.
pub fn split(paragraph: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let scanned = scan(paragraph);
    let mut previous_quote = false;
    for (k, (is_quote, raw)) in scanned.iter().enumerate() {
        let narration = |j: Option<usize>| {
            j.and_then(|j| scanned.get(j))
                .filter(|(q, _)| !q)
                .map_or("", |(_, t)| t.as_str())
        };
        let quoted = *is_quote
            && (word_count(raw) >= MIN_QUOTE_WORDS
                && !is_mention(raw, narration(k.checked_sub(1)))
                || is_dialogue(
                    raw,
                    narration(k.checked_sub(1)),
                    narration(Some(k + 1)),
                    previous_quote,
                ));
        if quoted {
            previous_quote = true;
            push(&mut pieces, SpanKind::Quote, strip_marks(raw));
        } else {
            push(&mut pieces, SpanKind::Narration, raw.clone());
        }
    }
    let mut tidy: Vec<Piece> = Vec::with_capacity(pieces.len());
    for mut piece in pieces {
        piece.text = piece.text.trim().to_string();
        let speakable = piece.text.chars().any(char::is_alphanumeric);
        match tidy.last_mut() {
            // Stray punctuation after a closing mark (“...”.) belongs to what came before.
            Some(last) if !speakable => last.text.push_str(&piece.text),
            _ if !speakable => {}
            _ => tidy.push(piece),
        }
    }
    mark_continuations(&mut tidy);
    tidy
}

/// Whether the paragraph ends inside a quotation (its closing mark comes in a later paragraph:
/// a quotation over several paragraphs opens each of them and closes only the last).
pub fn ends_inside_quote(paragraph: &str) -> bool {
    let mut open: Option<char> = None;
    let mut prev: Option<char> = None;
    for c in paragraph.chars() {
        match open {
            None if opens(c, prev) => open = Some(c),
            Some(o) if closes(o, c) => open = None,
            _ => {}
        }
        prev = Some(c);
    }
    open.is_some()
}

fn push(pieces: &mut Vec<Piece>, kind: SpanKind, text: String) {
    match pieces.last_mut() {
        Some(last) if last.kind == SpanKind::Narration && kind == SpanKind::Narration => {
            last.text.push_str(&text);
        }
        _ => pieces.push(Piece {
            kind,
            text,
            continues: false,
        }),
    }
}

/// Splits text at double quotation marks: `(false, narration)` and `(true, quoted text)`.
/// For short quotes the narration keeps its marks; for quotes the marks are removed.
fn scan(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut open: Option<char> = None;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        match open {
            None if opens(c, prev) => {
                out.push((false, std::mem::take(&mut current)));
                open = Some(c);
            }
            Some(o) if closes(o, c) => {
                out.push((true, wrap(o, &std::mem::take(&mut current), c)));
                open = None;
            }
            _ => current.push(c),
        }
        prev = Some(c);
    }
    match open {
        // An unclosed quotation runs to the end of the paragraph (it may go on in the next).
        Some(o) => out.push((true, format!("{o}{current}"))),
        None => out.push((false, current)),
    }
    // Marks stay on every piece: [`split`] strips them from the pieces that are quotations.
    out
}

/// Words after which a quoted phrase is part of the sentence's grammar, a title or a name that
/// is mentioned rather than words said: the overture to “The Poet and the Peasant”, an account of
/// a “Strange Story from Iping”, dismissed as “a plot by foreign agents”.
const MENTION_LEADS: [&str; 19] = [
    "a", "an", "the", "of", "to", "from", "for", "about", "into", "on", "at", "as", "entitled",
    "titled", "headed", "named", "marked", "labelled", "labeled",
];

/// The longest quoted phrase taken for a mention (a title, a name, a phrase) after one of
/// [`MENTION_LEADS`]; longer ones are quotations whatever precedes them.
const MAX_MENTION_WORDS: usize = 10;

/// A quoted phrase of a few words that the narration's sentence runs into without a comma or
/// colon, straight after an article or a preposition: a mention (a title, a name, a sign's
/// words), spoken as narration. Dialogue is set off from its narration by punctuation or a tag.
fn is_mention(quoted: &str, before: &str) -> bool {
    let lead = before.trim_end();
    let last = lead
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_lowercase();
    before.ends_with(char::is_whitespace)
        && MENTION_LEADS.contains(&last.as_str())
        && word_count(quoted) <= MAX_MENTION_WORDS
}

/// A short quoted phrase (fewer than [`MIN_QUOTE_WORDS`] words, marks included in `quoted`) is
/// dialogue, not a scare quote, when its punctuation is inside the marks (“Yes,” “Well!”) and
/// either it starts a sentence with a capital, or a speech tag stands next to it, or it goes on
/// with a quotation of the same paragraph after that quotation's tag. A scare quote sits inside a
/// sentence that goes on after it (BM-21 “Grad” rockets; dismissed as “foreign propaganda.”).
fn is_dialogue(quoted: &str, before: &str, after: &str, continues: bool) -> bool {
    let inner = strip_marks(quoted);
    let inner = inner.trim();
    let punctuated = inner
        .trim_end_matches(['\'', '’', '_', ')'])
        .ends_with(['.', ',', '!', '?', ';', ':', '—', '–', '-', '…']);
    if !punctuated || word_count(inner) == 0 {
        return false;
    }
    let capital = inner
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .next()
        .is_some_and(char::is_uppercase);
    let lead = before.trim_end();
    let sentence_start = lead.is_empty() || lead.ends_with(['.', '!', '?', ':', '—']);
    (capital && sentence_start)
        || speakers::tag_follows(after)
        || speakers::tag_leads(before)
        || (continues && word_count(before) <= 12)
}

fn wrap(open: char, inner: &str, close: char) -> String {
    format!("{open}{inner}{close}")
}

fn strip_marks(t: &str) -> String {
    let mut chars = t.chars();
    chars.next();
    let s = chars.as_str();
    s.strip_suffix(['”', '"', '»', '“'])
        .unwrap_or(s)
        .to_string()
}

fn opens(c: char, prev: Option<char>) -> bool {
    match c {
        '“' | '«' | '„' => true,
        '"' => prev.is_none_or(|p| p.is_whitespace() || "([{—–-/".contains(p)),
        _ => false,
    }
}

fn closes(open: char, c: char) -> bool {
    match open {
        '“' => c == '”' || c == '"',
        '"' => c == '"' || c == '”',
        '«' => c == '»',
        '„' => c == '“' || c == '”',
        _ => false,
    }
}

/// “Part one,” says X. “Part two.” — the second quote continues the first when the first ends
/// in a comma and the narration between them is a short attribution.
fn mark_continuations(pieces: &mut [Piece]) {
    for i in 2..pieces.len() {
        let (before, rest) = pieces.split_at_mut(i);
        let (first, between) = (&before[i - 2], &before[i - 1]);
        let joined = first.kind == SpanKind::Quote
            && between.kind == SpanKind::Narration
            && rest[0].kind == SpanKind::Quote
            && first.text.ends_with(',')
            && between.text.ends_with(['.', ',', ':', ';'])
            && word_count(&between.text) <= 40;
        rest[0].continues = joined;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(p: &[Piece]) -> Vec<(SpanKind, &str)> {
        p.iter().map(|p| (p.kind, p.text.as_str())).collect()
    }

    #[test]
    fn a_title_run_into_the_sentence_is_narration() {
        let p = split("The twins played the overture to \"The Poet and the Peasant.\"");
        assert!(p.iter().all(|p| p.kind == SpanKind::Narration), "{p:?}");
        let p = split("He read the account of a “Strange Story from Iping” twice.");
        assert!(p.iter().all(|p| p.kind == SpanKind::Narration), "{p:?}");
        // Set off by a comma, or after a verb, it is said.
        let p = split("He read, “The sign of the four,” and stopped.");
        assert!(p.iter().any(|p| p.kind == SpanKind::Quote), "{p:?}");
        let p = split("She said “we will hold the line here” and left.");
        assert!(p.iter().any(|p| p.kind == SpanKind::Quote), "{p:?}");
        // A long quotation is one whatever precedes it.
        let p = split(
            "He turned to “the question of whether we can afford to keep the old bridge open for \
             another winter at all” with care.",
        );
        assert!(p.iter().any(|p| p.kind == SpanKind::Quote), "{p:?}");
    }

    #[test]
    fn curly_quote_becomes_a_quote_span_without_marks() {
        let p = split("He said “we will hold the line here” and left.");
        assert_eq!(
            kinds(&p),
            vec![
                (SpanKind::Narration, "He said"),
                (SpanKind::Quote, "we will hold the line here"),
                (SpanKind::Narration, "and left."),
            ]
        );
    }

    #[test]
    fn straight_quotes_work_like_curly_ones() {
        let p = split("\"They are attacking us from everywhere,\" he gasps.");
        assert_eq!(p[0].kind, SpanKind::Quote);
        assert_eq!(p[0].text, "They are attacking us from everywhere,");
    }

    #[test]
    fn scare_quotes_stay_in_the_narration() {
        let p = split("A volley of BM-21 “Grad” rockets, dismissed as “foreign propaganda.”");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].kind, SpanKind::Narration);
        assert!(p[0].text.contains("“Grad”"));
    }

    #[test]
    fn quote_interrupted_by_attribution_continues() {
        let p =
            split("“We did not come to prove anything,” says Zaza. “We came to help Ukraine win.”");
        assert_eq!(p.len(), 3);
        assert!(!p[0].continues);
        assert!(p[2].continues);
    }

    #[test]
    fn two_separate_quotes_do_not_continue() {
        let p = split("“This is the first full sentence.” Then more. “This is another one here.”");
        assert!(!p[2].continues);
    }

    #[test]
    fn unclosed_quote_runs_to_the_end() {
        let p = split("“I am sitting in front of you and I am the example");
        assert_eq!(
            kinds(&p),
            vec![(
                SpanKind::Quote,
                "I am sitting in front of you and I am the example"
            )]
        );
    }

    #[test]
    fn a_paragraph_left_open_ends_inside_a_quote() {
        assert!(ends_inside_quote(
            "“We walked for days and nights without rest"
        ));
        assert!(!ends_inside_quote("“We walked,” he said."));
    }

    #[test]
    fn apostrophes_do_not_open_quotes() {
        let p = split("It’s not easy, the soldiers’ parents say.");
        assert_eq!(p.len(), 1);
    }
}
