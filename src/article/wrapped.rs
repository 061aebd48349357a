//! Hard-wrapped text (books, e-mail newsletters, text files broken at about 72 columns): recognized
//! by its shape, its lines joined back into paragraphs before anything else reads it; a Project
//! Gutenberg header and footer set apart; chapter headings recognized as such.

use std::sync::LazyLock;

use regex::Regex;

/// Lines at most this long (in characters) can be the lines of a wrapped text.
const MAX_WIDTH: usize = 100;
/// A wrapped text's lines are mostly at least this long.
const MIN_WIDTH: usize = 40;

/// Whether `text` is hard-wrapped: it has at least a dozen lines; the long ones (the 95th
/// percentile) fit in [`MIN_WIDTH`]..=[`MAX_WIDTH`] columns; most lines share a blank-line block
/// with another line; seven in ten of the lines that are not a block's last run to three quarters
/// of the width or more; and most of those end mid-sentence (a paste of a web page has one line per
/// paragraph, so its lines end sentences and many are longer).
pub fn is_hard_wrapped(text: &str) -> bool {
    let mut lengths: Vec<usize> = text
        .lines()
        .map(|l| l.trim_end().chars().count())
        .filter(|&n| n > 0)
        .collect();
    if lengths.len() < 12 {
        return false;
    }
    lengths.sort_unstable();
    let width = lengths[lengths.len() * 95 / 100];
    if !(MIN_WIDTH..=MAX_WIDTH).contains(&width) {
        return false;
    }
    let blocks = raw_blocks(text);
    let in_blocks: Vec<&str> = blocks
        .iter()
        .filter(|b| b.len() > 1)
        .flat_map(|b| b[..b.len() - 1].iter().copied())
        .collect();
    // A wrapped line runs nearly to the width; menus and lists are blocks of short lines.
    let full = in_blocks
        .iter()
        .filter(|l| 4 * l.chars().count() >= 3 * width)
        .count();
    if 10 * full < 7 * in_blocks.len() {
        return false;
    }
    let broken = in_blocks.iter().filter(|l| !ends_sentence(l)).count();
    let multi_line: usize = blocks.iter().filter(|b| b.len() > 1).map(Vec::len).sum();
    2 * multi_line >= lengths.len() && 2 * broken >= in_blocks.len()
}

fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', '_'])
        .ends_with(['.', '!', '?', ':'])
}

/// The blank-line separated blocks of `text`, as lists of trimmed lines.
fn raw_blocks(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A paragraph of a wrapped text, and whether it lies in a Project Gutenberg header or footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The paragraph, its lines joined with single spaces.
    pub text: String,
    /// Part of the Project Gutenberg licence header or footer.
    pub gutenberg: bool,
}

/// The paragraphs of a wrapped text: each blank-line block joined into one line, except a block
/// whose lines are all short (verse, an address, a table of contents), which keeps its lines.
pub fn paragraphs(text: &str) -> Vec<Block> {
    let blocks = raw_blocks(text);
    let width = {
        let mut lengths: Vec<usize> = blocks.iter().flatten().map(|l| l.chars().count()).collect();
        lengths.sort_unstable();
        lengths.get(lengths.len() * 95 / 100).copied().unwrap_or(0)
    };
    let (start, end) = gutenberg_bounds(&blocks);
    let mut out = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let gutenberg = i < start || i >= end;
        let short = |l: &&str| 4 * l.chars().count() < 3 * width;
        let keep_lines =
            block.len() > 1 && block.iter().all(short) && !block.iter().any(|l| l.contains('"'));
        if keep_lines {
            out.extend(block.iter().map(|l| Block {
                text: squash(l),
                gutenberg,
            }));
        } else {
            out.push(Block {
                text: squash(&block.join(" ")),
                gutenberg,
            });
        }
    }
    out
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `[start, end)`: the blocks between a Project Gutenberg "*** START OF ..." line and its
/// "*** END OF ..." line (or an "End of the Project Gutenberg EBook" line); all blocks when the
/// text has no such header.
fn gutenberg_bounds(blocks: &[Vec<&str>]) -> (usize, usize) {
    static START: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\*{3}\s*start of (the|this) project gutenberg")
            .expect("the start pattern is valid")
    });
    static END: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(\*{3}\s*end of (the|this) project gutenberg|end of (the )?project gutenberg)",
        )
        .expect("the end pattern is valid")
    });
    let has = |b: &Vec<&str>, re: &Regex| b.iter().any(|l| re.is_match(l));
    let Some(start) = blocks.iter().position(|b| has(b, &START)) else {
        return (0, blocks.len());
    };
    let end = blocks[start + 1..]
        .iter()
        .position(|b| has(b, &END))
        .map_or(blocks.len(), |i| start + 1 + i);
    (start + 1, end)
}

/// A chapter heading: "CHAPTER IV.", "Chapter 4", "Chapter the Fourth", "BOOK II", "PART ONE", or
/// a Roman numeral alone ("IV", "XII.").
pub fn is_chapter_heading(line: &str) -> bool {
    static CHAPTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(chapter|book|part|stave|canto)\s+(the\s+)?([ivxlcdm]+|\d+|(twenty|thirty|forty|fifty)?-?(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|last))\b[.:]?(\s.{0,60})?$",
        )
        .expect("the chapter pattern is valid")
    });
    static NUMERAL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[IVXLC]{1,7}\.?$").expect("the numeral pattern is valid"));
    let line = line.trim();
    line.chars().count() <= 80
        && (NUMERAL.is_match(line)
            || (CHAPTER.is_match(line) && line.chars().next().is_some_and(char::is_uppercase)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped_sample() -> String {
        let para = "It was a bright cold day in April, and the clocks were striking\n\
                    thirteen. The hallway smelt of boiled cabbage and old rag mats. At\n\
                    one end of it a coloured poster, too large for indoor display, had\n\
                    been tacked to the wall.\n\n";
        para.repeat(6)
    }

    #[test]
    fn text_wrapped_at_seventy_columns_is_hard_wrapped() {
        assert!(is_hard_wrapped(&wrapped_sample()));
    }

    #[test]
    fn one_line_per_paragraph_is_not_hard_wrapped() {
        let para = "It was a bright cold day in April, and the clocks were striking thirteen. \
                    The hallway smelt of boiled cabbage and old rag mats.\n\n";
        assert!(!is_hard_wrapped(&para.repeat(20)));
    }

    #[test]
    fn wrapped_lines_are_joined_into_paragraphs() {
        let blocks = paragraphs(&wrapped_sample());
        assert_eq!(blocks.len(), 6);
        assert!(blocks[0].text.starts_with("It was a bright cold day"));
        assert!(blocks[0].text.contains("striking thirteen. The hallway"));
        assert!(blocks[0].text.ends_with("tacked to the wall."));
    }

    #[test]
    fn gutenberg_header_and_footer_are_marked() {
        let text = "The Project Gutenberg eBook of A Book\n\n\
                    *** START OF THE PROJECT GUTENBERG EBOOK A BOOK ***\n\n\
                    The story.\n\n\
                    *** END OF THE PROJECT GUTENBERG EBOOK A BOOK ***\n\nLicence.\n";
        let flags: Vec<bool> = paragraphs(text).iter().map(|b| b.gutenberg).collect();
        assert_eq!(flags, vec![true, true, false, true, true]);
    }

    #[test]
    fn chapter_headings_are_recognized() {
        for h in [
            "CHAPTER IV.",
            "Chapter 4",
            "Chapter the Fourth",
            "IV",
            "XII.",
            "BOOK II",
        ] {
            assert!(is_chapter_heading(h), "{h}");
        }
        for h in [
            "I think so.",
            "Chapter and verse were quoted at length by all of them.",
        ] {
            assert!(!is_chapter_heading(h), "{h}");
        }
    }
}
