//! Plain text (as pasted from a web page) to an [`Article`].

use super::clean::{self, DropReason};
use super::language::{self, StopWords};
use super::{Article, Dropped, Paragraph, Quotation, Section, Span, SpanKind, quotes, word_count};
use super::{attribution, boilerplate, sentences, speakers, wrapped};

/// A headline or heading is at most this many words.
const MAX_HEADING_WORDS: usize = 20;

/// Parses pasted plain text. With `keep_all`, no line is dropped as boilerplate.
pub fn parse(text: &str, keep_all: bool) -> Article {
    let mut article = Article {
        language: language::detect(text),
        ..Article::default()
    };
    let stop = language::StopWords::for_language(article.language.as_deref());
    let book = wrapped::is_hard_wrapped(text);
    let (lines, verdicts) = if book {
        book_lines(text, keep_all)
    } else {
        let lines = blocks(text);
        let verdicts = judge(&lines, keep_all, &stop);
        (lines, verdicts)
    };
    let Some(first) = verdicts.iter().position(Option::is_none) else {
        for (line, verdict) in lines.iter().zip(&verdicts) {
            drop_line(
                &mut article,
                line,
                verdict.unwrap_or(DropReason::Navigation),
            );
        }
        return article;
    };
    let last = verdicts.iter().rposition(Option::is_none).unwrap_or(first);
    let (title, how) = if book {
        let title = book_title(&lines, &verdicts, first);
        let how = title.map(|i| {
            if lines[i].starts_with("Title: ") {
                "the Project Gutenberg header's Title: line".to_string()
            } else {
                "the first heading-like line of the wrapped text".to_string()
            }
        });
        (title, how)
    } else {
        find_title(&lines, &verdicts, first, &alone(text), &stop)
    };
    article.title_found = how;
    article.title = title.map(|i| {
        let line = &lines[i];
        line.strip_prefix("Title: ").unwrap_or(line).to_string()
    });
    let mut body: Vec<&str> = Vec::new();
    for (i, (line, verdict)) in lines.iter().zip(&verdicts).enumerate() {
        let near = i + 15 >= first && i <= last + 10;
        if Some(i) == title {
            continue;
        } else if article.title.as_deref() == Some(line.as_str()) {
            drop_line(&mut article, line, DropReason::RepeatedTitle);
        } else if let Some(name) = byline(line).filter(|_| near && article.byline.is_none()) {
            article.byline = Some(name.to_string());
            // A line of page details gives the date too.
            article.date = article
                .date
                .take()
                .or_else(|| line.split(['|', '•']).find_map(|part| date(part.trim())));
        } else if let Some(date) =
            date(line).filter(|_| i + 15 >= first && i <= first + 4 && article.date.is_none())
        {
            article.date = Some(date);
            if let Some(reason) = verdict {
                drop_line(&mut article, line, *reason);
            }
        } else if near && (i < first || i > last || verdict.is_none()) && is_credit(line) {
            article.credits.push(line.clone());
        } else if let Some(reason) = verdict {
            drop_line(&mut article, line, *reason);
        } else if !book && !keep_all && title.is_some_and(|t| i < t) {
            // The article starts at its headline: short lines kept above it (a blog's name, a
            // menu entry) are the page's.
            drop_line(&mut article, line, DropReason::BeforeArticle);
        } else {
            body.push(line);
        }
    }
    if let Some(k) = article
        .byline
        .as_deref()
        .and_then(|name| author_box(&body, name))
    {
        for line in body.split_off(k) {
            drop_line(&mut article, line, DropReason::AuthorBio);
        }
    }
    build_body(&mut article, &body);
    attribution::attribute(&mut article);
    article
}

/// Where the author's box starts at the article's end: a short line that names the byline's
/// author again ("Martin Untersinger (avec …)", "Jane Doe is a reporter …") among the body's last
/// [`AUTHOR_BOX_LINES`] lines, none of them long; the article's own paragraphs come before it.
fn author_box(body: &[&str], name: &str) -> Option<usize> {
    let from = body.len().saturating_sub(AUTHOR_BOX_LINES).max(1);
    let k = (from..body.len()).find(|&k| {
        body[k].starts_with(name) && word_count(body[k]) <= word_count(name) + AUTHOR_LINE_WORDS
    })?;
    body[k..]
        .iter()
        .all(|l| l.chars().count() < AUTHOR_BOX_CHARS)
        .then_some(k)
}

/// How many of the body's last lines an author box may take.
const AUTHOR_BOX_LINES: usize = 3;
/// Words beyond the author's name in the line that opens the box.
const AUTHOR_LINE_WORDS: usize = 8;
/// A line of the author box is shorter than this (in characters): a name, a role, links.
const AUTHOR_BOX_CHARS: usize = 200;

/// Keep (`None`) or drop (`Some(reason)`) each line. Text that looks like a whole web page (many
/// short lines that are not sentences: menus) goes through the boilerplate classifier; other
/// text loses only the lines that known phrases mark.
fn judge(lines: &[String], keep_all: bool, stop: &StopWords) -> Vec<Option<DropReason>> {
    if keep_all {
        return vec![None; lines.len()];
    }
    let menu_like = lines
        .iter()
        .filter(|l| word_count(l) <= 5 && !l.ends_with(['.', '!', '?', '"', '”']))
        .count();
    let judged = if menu_like >= 8 {
        boilerplate::judge(lines, stop)
    } else {
        Vec::new()
    };
    if judged.iter().any(Option::is_none) {
        judged
    } else {
        lines.iter().map(|l| clean::classify(l)).collect()
    }
}

/// The paragraphs of a hard-wrapped text and their verdicts: the Project Gutenberg header and
/// footer are dropped, and lines that known phrases mark (a newsletter's "Unsubscribe") unless
/// they hold a quotation or a chapter heading. A wrapped text is not a pasted page: the
/// classifier for menus and teasers would take its dialogue for navigation.
fn book_lines(text: &str, keep_all: bool) -> (Vec<String>, Vec<Option<DropReason>>) {
    let blocks = wrapped::paragraphs(text);
    let verdicts = blocks
        .iter()
        .map(|b| {
            if b.gutenberg {
                Some(DropReason::Gutenberg)
            } else if keep_all
                || b.text.contains(['"', '“', '”'])
                || wrapped::is_chapter_heading(&b.text)
            {
                None
            } else {
                clean::classify(&b.text)
            }
        })
        .collect();
    (blocks.into_iter().map(|b| b.text).collect(), verdicts)
}

/// A book's title: its "Title:" line in a Project Gutenberg header, else a heading-like line
/// before the first chapter heading and the first paragraph.
fn book_title(lines: &[String], verdicts: &[Option<DropReason>], first: usize) -> Option<usize> {
    if let Some(i) = lines.iter().position(|l| l.starts_with("Title: ")) {
        return Some(i);
    }
    (first..lines.len())
        .take(5)
        .take_while(|&i| !wrapped::is_chapter_heading(&lines[i]))
        .find(|&i| {
            verdicts[i].is_none() && is_heading_like(&lines[i]) && byline(&lines[i]).is_none()
        })
}

/// The headline: the line a breadcrumb trail ends with, else the best heading-like line shortly
/// before the article's first line (longer and nearer is better), else none.
fn find_title(
    lines: &[String],
    verdicts: &[Option<DropReason>],
    first: usize,
    alone: &std::collections::HashSet<String>,
    stop: &StopWords,
) -> (Option<usize>, Option<String>) {
    // Only a trail names the headline: a line such as "Help / Suggestions" is no trail.
    let hint = lines
        .iter()
        .filter(|l| clean::is_breadcrumb(l))
        .find_map(|l| clean::breadcrumb_tail(l))
        .filter(|tail| is_heading_like(tail));
    if let Some(hint) = hint
        && let Some(i) = lines.iter().position(|l| l == hint)
    {
        return (
            Some(i),
            Some("the line the breadcrumb trail ends with".into()),
        );
    }
    let mut printed: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for line in lines {
        *printed.entry(line.as_str()).or_default() += 1;
    }
    let affixed = affixed_titles(lines);
    let topic = Topic::of(lines, verdicts, first, stop);
    // Short lines kept at the top (a blog's name, a menu entry, the next story's title) may come
    // before the headline: it is looked for up to a few lines into the article while every line
    // before it is short or title-like.
    let after = (first + 1..lines.len().min(first + 4))
        .take_while(|&i| {
            let above = &lines[i - 1];
            (above.chars().count() < 70 || is_heading_like(above))
                && !above.ends_with(['.', '!', '?', '"', '”'])
        })
        .last()
        .unwrap_or(first);
    // The article's first line may be a list the page kept (teasers, a box of links) well
    // before its prose: the headline is looked for just before the prose too, when its byline
    // or date follows it (an in-article heading is followed by prose, or a dek-like lede); its
    // distance is then the one to the prose.
    let prose = prose_start(lines, verdicts, first);
    let before_prose = (prose.saturating_sub(PROSE_WINDOW).max(after + 1)..prose).filter(|&i| {
        lines
            .get(i + 1)
            .is_some_and(|n| byline(n).is_some() || date(n).is_some())
    });
    let distance = |i: usize| {
        if i > after {
            prose.abs_diff(i)
        } else {
            first.abs_diff(i)
        }
    };
    let candidates = (first.saturating_sub(TITLE_WINDOW)..=after).chain(before_prose);
    let mut scored: Vec<(isize, usize)> = candidates
        .filter(|&i| {
            let line = &lines[i];
            let phrase_dropped = verdicts[i].is_some_and(|r| {
                !matches!(
                    r,
                    DropReason::Navigation | DropReason::BeforeArticle | DropReason::Repeated
                )
            });
            let bare = line.trim_start_matches(['\'', '‘', '"', '“']);
            // "… Underneath N.Y.C.": the full stop is the initialism's, not a sentence's.
            let bare = bare
                .strip_suffix('.')
                .filter(|_| ends_with_initialism(bare))
                .unwrap_or(bare);
            (is_heading_like(bare) || is_quoted_headline(line) || is_exclaimed_headline(bare))
                && byline(line).is_none()
                && !is_by_line(line)
                && !is_date_line(line)
                && !phrase_dropped
                && !looks_like_page_furniture(line)
                && !is_page_control(line)
                && !leads_into_quotation(line, lines.get(i + 1).map(String::as_str).as_ref())
                && (i <= first
                    || leads_in(lines.get(i + 1))
                    || lines.get(i + 1).is_some_and(|n| !is_heading_like(n)))
        })
        .map(|i| {
            let line = lines[i].as_str();
            let shared = topic.share(line);
            // A line the page prints again is its own title only if it speaks of the article:
            // the other stories a page promotes are printed again too.
            let printed = if shared.is_some_and(|s| s < REPEATED_TOPIC) {
                1
            } else {
                printed[line]
            };
            let score = title_score(line, distance(i), printed, alone.contains(line))
                + shared.map_or(0, topic_score)
                + if leads_in(lines.get(i + 1)) { 6 } else { 0 }
                + if affixed.contains(line) { AFFIXED } else { 0 }
                - if in_list_of_titles(lines, i) {
                    LISTED
                } else {
                    0
                };
            (score, i)
        })
        .collect();
    // Best first; of equal scores, the one nearer the article.
    scored.sort_by(|a, b| b.cmp(a));
    let Some(&(score, i)) = scored.first() else {
        return (None, None);
    };
    let line = lines[i].as_str();
    let mut how = format!(
        "heading-like line {} lines {}, printed {} time(s)",
        distance(i),
        if i > after {
            "before the article's prose"
        } else {
            "from the article's first line"
        },
        printed[line],
    );
    if alone.contains(line) {
        how.push_str(", standing alone");
    }
    if leads_in(lines.get(i + 1)) {
        how.push_str(", followed by a dek, byline or date");
    }
    if affixed.contains(line) {
        how.push_str(", printed again with the site's name or a kicker");
    }
    if in_list_of_titles(lines, i) {
        how.push_str(", in a list of titles");
    }
    if let Some(share) = topic.share(line) {
        how.push_str(&format!(
            ", {:.0} % of its words the article's",
            100.0 * share
        ));
    }
    how.push_str(&format!("; score {score}"));
    if let Some(&(other, j)) = scored.get(1) {
        how.push_str(&format!(" over “{}” ({other})", lines[j]));
    }
    (Some(i), Some(how))
}

/// Where the article's prose starts: the first of two kept paragraphs in a row, each a
/// sentence or more of [`PROSE_WORDS`] words; `first` if there are none.
fn prose_start(lines: &[String], verdicts: &[Option<DropReason>], first: usize) -> usize {
    let paragraph = |i: usize| {
        verdicts[i].is_none()
            && word_count(&lines[i]) >= PROSE_WORDS
            && lines[i]
                .trim_end_matches(['"', '”', '’', ')'])
                .ends_with(['.', '!', '?'])
    };
    (first..lines.len().saturating_sub(1))
        .find(|&i| paragraph(i) && paragraph(i + 1))
        .unwrap_or(first)
}

/// A paragraph of the article's prose has at least this many words.
const PROSE_WORDS: usize = 20;

/// How far before the article's prose the headline is looked for, past the lines its first
/// line is followed by: the headline, its dek, byline, date and picture come first.
const PROSE_WINDOW: usize = 8;

/// The lines of the paste that stand alone, with a blank line before and after: a page's
/// headline and paragraphs mostly do, its menus and controls mostly do not.
fn alone(text: &str) -> std::collections::HashSet<String> {
    let raw: Vec<&str> = text.lines().map(str::trim).collect();
    let blank = |i: Option<usize>| i.is_none_or(|i| raw.get(i).is_none_or(|l| l.is_empty()));
    (0..raw.len())
        .filter(|&i| !raw[i].is_empty() && blank(i.checked_sub(1)) && blank(Some(i + 1)))
        .map(|i| raw[i].split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The article's vocabulary: the content words of the lines kept as its body, by their first
/// letters without a plural's "s" (so that "rules", "ruled" and "rule" meet). A headline speaks
/// of what the article speaks of; a menu, a prompt or another story's title mostly does not.
struct Topic<'a> {
    words: std::collections::HashSet<String>,
    stop: &'a StopWords,
}

impl<'a> Topic<'a> {
    fn of(
        lines: &[String],
        verdicts: &[Option<DropReason>],
        first: usize,
        stop: &'a StopWords,
    ) -> Topic<'a> {
        let mut words = std::collections::HashSet::new();
        let body =
            (first..lines.len()).filter(|&i| verdicts[i].is_none() && !is_heading_like(&lines[i]));
        for i in body.take(TOPIC_LINES) {
            words.extend(Self::content_words(&lines[i], stop));
        }
        Topic { words, stop }
    }

    fn content_words(line: &str, stop: &StopWords) -> Vec<String> {
        line.split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .filter(|w| w.chars().count() >= 3 && !stop.contains(w))
            .map(|w| w.trim_end_matches('s').chars().take(STEM).collect())
            .collect()
    }

    /// The share of a line's content words that the article uses, if it has enough to tell.
    fn share(&self, line: &str) -> Option<f64> {
        let words = Self::content_words(line, self.stop);
        (words.len() >= 2).then(|| {
            words.iter().filter(|w| self.words.contains(*w)).count() as f64 / words.len() as f64
        })
    }
}

/// What a candidate's share of the article's words adds to its score: up to [`TOPIC`].
fn topic_score(share: f64) -> isize {
    (TOPIC * share).round() as isize
}

/// The share of the article's words under which a line printed again is not taken for the
/// page's own title.
const REPEATED_TOPIC: f64 = 0.34;

/// The article's first lines whose words make its vocabulary.
const TOPIC_LINES: usize = 12;
/// Letters a word is compared by.
const STEM: usize = 5;
/// What a candidate whose every content word is the article's adds to its score.
const TOPIC: f64 = 16.0;

/// How far before the article's first line the headline is looked for.
const TITLE_WINDOW: usize = 60;

/// A headline candidate's score: longer is better (to 12 words), nearer the article is better, a
/// line of six words or more that the page prints twice or more (in its header, its share box,
/// its breadcrumb) is likely the page's own title, and so is a line that stands alone between
/// blank lines.
fn title_score(line: &str, distance: usize, printed: usize, alone: bool) -> isize {
    let words = word_count(line).min(TITLE_WORDS) as isize;
    // Menus and section labels repeat too, but they are short.
    let repeated = if words >= 6 {
        8 * printed.saturating_sub(1).min(2) as isize
    } else {
        0
    };
    let block = if alone { 4 } else { 0 };
    2 * words + repeated + block - distance as isize / 3
}

/// A candidate's length counts up to this many words: beyond it a line is no more title-like.
const TITLE_WORDS: usize = 12;

/// What standing in a list of titles takes off a candidate's score.
const LISTED: isize = 10;

/// What a line printed again with the site's name or a section kicker adds to its score.
const AFFIXED: isize = 10;

/// Separators between a page's title and its site's name or a kicker ("Title | Site",
/// "Site - Title", "Africa|Title").
const AFFIX_SEPARATORS: [&str; 6] = [" | ", "|", " - ", " — ", " – ", " :: "];

/// The titles that the page prints again with an affix: the `<title>`-like line "Headline |
/// Site", or a kicker before it, "Africa|Headline" (the other part is short: a name, a section),
/// or in quotation marks in a longer line ("2 comments on “Headline”"); the title is three words
/// or more.
fn affixed_titles(lines: &[String]) -> std::collections::HashSet<&str> {
    let mut out = std::collections::HashSet::new();
    for line in lines {
        // "2 comments on “These Weeks in Firefox: Issue 85”": the page names its own title.
        if let Some((_, rest)) = line.split_once('“')
            && let Some((quoted, _)) = rest.split_once('”')
            && word_count(quoted) >= 3
            && word_count(line) > word_count(quoted)
        {
            out.insert(quoted.trim());
        }
        for sep in AFFIX_SEPARATORS {
            let parts: Vec<&str> = line.split(sep).map(str::trim).collect();
            if parts.len() != 2 {
                continue;
            }
            for (title, affix) in [(parts[0], parts[1]), (parts[1], parts[0])] {
                if word_count(title) >= 3 && (1..=5).contains(&word_count(affix)) {
                    out.insert(title);
                }
            }
        }
    }
    out
}

/// A line that opens with "By" and a name: a byline, whatever follows the name ("By JEFFREY
/// GETTLEMAN JAN. 13, 2017"), never a headline.
fn is_by_line(line: &str) -> bool {
    let mut words = line.split_whitespace();
    matches!(words.next(), Some("By" | "by" | "BY"))
        && words
            .next()
            .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// A line whose last word is an initialism ("U.S.", "N.Y.C."): its final full stop ends no
/// sentence.
fn ends_with_initialism(line: &str) -> bool {
    let last = line.rsplit(' ').next().unwrap_or("");
    let letters: Vec<&str> = last.strip_suffix('.').unwrap_or("").split('.').collect();
    letters.len() >= 2
        && letters
            .iter()
            .all(|l| l.chars().count() == 1 && l.chars().all(char::is_uppercase))
}

/// A headline of three words or more that ends with an exclamation ("Pearl Oscar Dress --
/// STOLEN!!!").
fn is_exclaimed_headline(line: &str) -> bool {
    let bare = line.trim_end_matches('!');
    bare.len() < line.len()
        && word_count(bare) >= 3
        && is_heading_like(bare)
        && !bare.contains(". ")
}

/// Whether the line after a candidate is what follows a headline: its dek (a short line that
/// ends like a sentence), its byline or its date. A teaser's title in a list is followed by
/// another title instead.
fn leads_in(next: Option<&String>) -> bool {
    next.is_some_and(|n| {
        (n.trim_end_matches(['"', '”', '’', ')'])
            .ends_with(['.', '!', '?'])
            && !is_cut_off(n)
            && word_count(n) <= 25)
            || byline(n).is_some()
            || date(n).is_some()
    })
}

/// A line cut off with an ellipsis: a teaser of another story, not a dek.
fn is_cut_off(line: &str) -> bool {
    line.ends_with("...") || line.ends_with('…')
}

/// A line shaped like a story's title (a capital, four to twenty words, no sentence in it and
/// no full stop at the end unless it is cut off): in a list of them, each is a teaser.
fn is_title_shaped(line: &str) -> bool {
    let words = word_count(line);
    (4..=MAX_HEADING_WORDS).contains(&words)
        && line.chars().next().is_some_and(char::is_uppercase)
        && (!line.ends_with(['.', ',', ';', ':']) || is_cut_off(line))
        && !line.replace("...", "…").contains(". ")
}

/// A candidate between two other title-shaped lines is one of a list of stories (teasers,
/// a "most read" box): a headline is followed by its dek, byline, date or text.
fn in_list_of_titles(lines: &[String], i: usize) -> bool {
    let shaped = |j: Option<usize>| {
        j.and_then(|j| lines.get(j))
            .is_some_and(|l| is_title_shaped(l))
    };
    let credited = |j: Option<usize>| {
        j.and_then(|j| lines.get(j))
            .is_some_and(|l| byline(l).is_some() || date(l).is_some())
    };
    // Titles each with its byline or date: "Readability Is a Myth", "By Noah Berlatsky", "The
    // Imitation Game", "By Emma Green", …
    let in_credited_list = credited(i.checked_sub(1))
        && credited(Some(i + 1))
        && (shaped(i.checked_sub(2)) || shaped(Some(i + 2)));
    (shaped(i.checked_sub(1)) && shaped(Some(i + 1))) || in_credited_list
}

/// A control of the page rather than a title: share and follow buttons, counters, prompts.
fn is_page_control(line: &str) -> bool {
    const CONTROLS: [&str; 14] = [
        "share",
        "tweet",
        "follow",
        "helpful",
        "sign in",
        "sign up",
        "log in",
        "subscribe",
        "comments",
        "print",
        "email",
        "newsletter",
        "advertisement",
        "skip",
    ];
    let lower = line.to_lowercase();
    let short = word_count(line) <= 4;
    CONTROLS.iter().any(|c| {
        (short && lower.split_whitespace().any(|w| w == *c))
            || lower
                .split(|ch: char| !ch.is_alphanumeric() && ch != ' ')
                .any(|part| part.trim() == *c || part.trim().starts_with(&format!("{c} ")))
    })
}

/// A headline that ends with a quotation: `Pills “Burned Her Up From Within”`.
fn is_quoted_headline(line: &str) -> bool {
    let words = word_count(line);
    (3..=MAX_HEADING_WORDS).contains(&words)
        && line.ends_with(['”', '"'])
        && !line.starts_with(['“', '"'])
        && !line.contains(". ")
        && line.chars().next().is_some_and(char::is_uppercase)
}

/// File names, photo credits, times and other lines that are never a headline.
fn looks_like_page_furniture(line: &str) -> bool {
    let lower = line.to_lowercase();
    let digits = line.chars().filter(char::is_ascii_digit).count();
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    word_count(line) < 3
        || digits * 3 > letters
        || [
            ".jpg",
            ".jpeg",
            ".png",
            ".gif",
            ".webp",
            "credit:",
            "source:",
            "reporter",
            "correspondent",
            "editor",
            "video will play",
            "permalink",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

fn drop_line(article: &mut Article, line: &str, reason: DropReason) {
    article.dropped.push(Dropped {
        text: line.to_string(),
        reason,
    });
}

/// Lines of text, one per paragraph: blank-line separated blocks whose lines were wrapped
/// mid-sentence are joined back together.
fn blocks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut joinable = false;
    for raw in text.lines() {
        let line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            joinable = false;
            continue;
        }
        let continues = line.chars().next().is_some_and(char::is_lowercase);
        match out.last_mut() {
            Some(last) if joinable && continues => {
                last.push(' ');
                last.push_str(&line);
            }
            _ => out.push(line.clone()),
        }
        joinable = !line.ends_with(['.', '!', '?', ':', '”', '"']);
    }
    out
}

/// A short line that does not end like a sentence.
fn is_heading_like(line: &str) -> bool {
    let words = word_count(line);
    (1..=MAX_HEADING_WORDS).contains(&words)
        && !line.ends_with(['.', ',', ';', ':', '”', '"', '!'])
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric())
}

/// "By Jane Doe" (or "by Jane Doe, Senior Writer", "By Jane Doe @jdoe May 1, 2016", "Par
/// Martin Untersinger"): the name(s), if `line` is a byline; also the byline of a line of page
/// details ("Le Monde | 04.05.2015 à 13h36 | Par Martin Untersinger").
pub(super) fn byline(line: &str) -> Option<&str> {
    by_name(line).or_else(|| details_byline(line))
}

/// The word that opens a byline in the languages espeak-ng reads most ("By", French "Par",
/// German "Von", Spanish and Portuguese "Por", Dutch "Door"), as written at a line's start.
const BY: [&str; 12] = [
    "By ", "BY ", "by ", "Par ", "PAR ", "par ", "Von ", "VON ", "Por ", "POR ", "Door ", "DOOR ",
];

/// A line of page details: parts between " | " or " • ", one of them a byline and the others
/// dates, times or a short name (the site's, the section's): the byline's name.
fn details_byline(line: &str) -> Option<&str> {
    let parts: Vec<&str> = line.split(['|', '•']).map(str::trim).collect();
    if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let name = parts.iter().find_map(|p| by_name(p))?;
    let details = parts
        .iter()
        .all(|p| by_name(p).is_some() || date(p).is_some() || word_count(p) <= 3);
    details.then_some(name)
}

fn by_name(line: &str) -> Option<&str> {
    let rest = BY.iter().find_map(|by| line.strip_prefix(by))?;
    let end = rest
        .find([',', '@', '|', '•', '(', '\n'])
        .or_else(|| rest.find(" - "))
        .or_else(|| rest.find(" — "))
        .or_else(|| rest.find(|c: char| c.is_ascii_digit()))
        .unwrap_or(rest.len());
    let name = rest[..end].trim();
    let name = MONTHS
        .iter()
        .fold(name, |n, m| n.split(m).next().unwrap_or(n))
        .trim();
    let words = word_count(name);
    let capitalized = name.split_whitespace().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase)
            || ["and", "de", "van", "von", "da"].contains(&w)
    });
    ((1..=6).contains(&words)
        && capitalized
        && word_count(line) <= 16
        && !name.ends_with(['.', '!', '?']))
    .then_some(name)
}

/// Times and the words that label dates ("at 6:01 am", "Updated", "By"): not counted as the
/// rest of a date line.
static TIME_WORDS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)\b(\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?|\d{1,2}h\d{2}|at|by|updated|posted|published|on)\b",
    )
    .expect("the time pattern is valid")
});

/// A date: "April 21, 2015", "27 July 2017", "2016-02-01", "04.05.2015", "5/4/2015".
static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    let month = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
    regex::Regex::new(&format!(
        r"\b(?:{month}\.? \d{{1,2}},? \d{{4}}|\d{{1,2}} {month}\.? \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}})\b"
    ))
    .expect("the date pattern is valid")
});

/// A date in a short line ("posted on April 21, 2015", "Published Thursday 27 July 2017",
/// "2016-02-01").
pub(super) fn date(line: &str) -> Option<String> {
    // A line that is the date, not a sentence that mentions one.
    let lower = line.to_lowercase();
    let labelled = ["posted", "published", "updated", "first published"]
        .iter()
        .any(|w| lower.contains(w));
    // A labelled line may carry two dates and times ("By April 28, 2019 at 6:01 am Updated
    // April 29, 2019 at 3:33 pm").
    let limit = if labelled { 24 } else { 14 };
    if word_count(line) > limit || (line.ends_with(['.', '!', '?']) && !labelled) {
        return None;
    }
    let found = DATE.find(line)?;
    (words_beside_date(line) <= 6).then(|| found.as_str().to_string())
}

/// The words of a line that are neither its dates nor times nor the words that label them.
fn words_beside_date(line: &str) -> usize {
    let rest = DATE.replace_all(line, " ");
    let rest = TIME_WORDS.replace_all(&rest, " ");
    word_count(&rest)
}

/// A line that is a date and little else ("Posted on March 3, 2020 by Jane Doe"): never a
/// headline. A headline may hold a date ("Weekly Edition for March 26, 2015").
fn is_date_line(line: &str) -> bool {
    date(line).is_some() && words_beside_date(line) <= 3
}

const MONTHS: [&str; 12] = [
    " January",
    " February",
    " March",
    " April",
    " May ",
    " June",
    " July",
    " August",
    " September",
    " October",
    " November",
    " December",
];

fn is_credit(line: &str) -> bool {
    const PREFIXES: [&str; 10] = [
        "translation by ",
        "translated by ",
        "photo: ",
        "photos: ",
        "photo by ",
        "photograph by ",
        "illustration by ",
        "additional reporting by ",
        "reporting by ",
        "edited by ",
    ];
    let lower = line.to_lowercase();
    word_count(line) <= 12 && PREFIXES.iter().any(|p| lower.starts_with(p))
}

fn is_scene_break(line: &str) -> bool {
    let bare: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    bare == "§"
        || (bare.len() >= 3 && (bare.chars().all(|c| c == '*') || bare.chars().all(|c| c == '-')))
}

fn build_body(article: &mut Article, body: &[&str]) {
    let mut section = Section::default();
    let mut skip = None;
    for (i, line) in body.iter().enumerate() {
        let next_is_prose = body
            .get(i + 1)
            .is_some_and(|n| !is_heading_like(n) && !is_scene_break(n));
        if skip == Some(i) {
            continue;
        } else if wrapped::is_chapter_heading(line) {
            // "CHAPTER IV." then its title line ("The Science of Deduction"): one heading.
            let title = body.get(i + 1).filter(|n| {
                is_heading_like(n)
                    && !wrapped::is_chapter_heading(n)
                    && body
                        .get(i + 2)
                        .is_some_and(|p| !is_heading_like(p) || wrapped::is_chapter_heading(p))
            });
            let heading = match title {
                Some(t) => {
                    skip = Some(i + 1);
                    format!("{}. {t}", line.trim_end_matches(['.', ':']))
                }
                None => line.to_string(),
            };
            close_section(article, &mut section, Some(heading));
        } else if is_scene_break(line) {
            close_section(article, &mut section, None);
        } else if is_heading_like(line)
            && next_is_prose
            && !leads_into_quotation(line, body.get(i + 1))
        {
            close_section(article, &mut section, Some(line.to_string()));
        } else {
            let opening = article.dateline.is_none()
                && article.paragraph_count() + section.paragraphs.len() == 0;
            let dateline = if opening { dateline(line) } else { None };
            let mut paragraph = paragraph(
                article,
                dateline.map_or(line, |(_, rest)| rest),
                section.paragraphs.last(),
            );
            if let Some((place, _)) = dateline {
                // The dateline is spoken as a phrase of its own, then the paragraph.
                article.dateline = Some(place.to_string());
                paragraph.text = line.to_string();
                paragraph.spans.insert(
                    0,
                    Span {
                        kind: SpanKind::Narration,
                        text: format!("{place}."),
                        quotation: None,
                    },
                );
            }
            section.paragraphs.push(paragraph);
        }
    }
    close_section(article, &mut section, None);
}

/// A short line with a speech verb before a paragraph that opens with a quotation leads into
/// it ("She drew her brows together and said abruptly"): narration, not a heading.
fn leads_into_quotation(line: &str, next: Option<&&str>) -> bool {
    next.is_some_and(|n| n.starts_with(['"', '“', '«', '„'])) && speakers::has_speech_verb(line)
}

pub(super) fn close_section(
    article: &mut Article,
    section: &mut Section,
    next_heading: Option<String>,
) {
    let finished = std::mem::replace(
        section,
        Section {
            heading: next_heading,
            paragraphs: Vec::new(),
        },
    );
    if !finished.paragraphs.is_empty() {
        article.sections.push(finished);
    } else if finished.heading.is_some() && section.heading.is_none() {
        section.heading = finished.heading;
    }
}

/// "DONBASS REGION.- The soldier kneels ...": the place and the rest of the paragraph.
fn dateline(line: &str) -> Option<(&str, &str)> {
    const SEPARATORS: [&str; 5] = [".-", ". -", " — ", " – ", " -- "];
    for sep in SEPARATORS {
        if let Some((head, rest)) = line.split_once(sep) {
            let head = head.trim();
            let is_place = (1..=6).contains(&word_count(head))
                && head.chars().any(char::is_alphabetic)
                && !head.chars().any(char::is_lowercase);
            if is_place && !rest.trim().is_empty() {
                return Some((head.trim_end_matches('.'), rest.trim()));
            }
        }
    }
    None
}

/// Adds the next part of a quotation to its text. After an attribution, the comma that handed
/// over to it (“We didn’t come to prove anything,” says Zaza. “We came…”) is the narration's,
/// not the quotation's: a part that starts a new sentence follows a full stop, one that goes on
/// with the sentence follows without the comma. Across paragraphs the text is kept as it is.
fn join_quotation(text: &mut String, next: &str, after_attribution: bool) {
    if let Some(open) = text.strip_suffix(',').filter(|_| after_attribution) {
        let starts_sentence = next.chars().next().is_some_and(char::is_uppercase);
        *text = format!("{open}{}", if starts_sentence { "." } else { "" });
    }
    text.push(' ');
    text.push_str(next);
}

/// A paragraph with its spans; `previous` is the paragraph before it in the same section: a
/// quotation it left open goes on in this one.
pub(super) fn paragraph(
    article: &mut Article,
    text: &str,
    previous: Option<&Paragraph>,
) -> Paragraph {
    let mut spans = Vec::new();
    let carried = previous.is_some_and(|p| quotes::ends_inside_quote(&p.text))
        && !article.quotations.is_empty();
    for (i, piece) in quotes::split(text).into_iter().enumerate() {
        let quotation = (piece.kind == SpanKind::Quote).then(|| {
            if piece.continues || (i == 0 && carried) {
                let last = article.quotations.len() - 1;
                let text = &mut article.quotations[last].text;
                join_quotation(text, &piece.text, piece.continues);
                last
            } else {
                article.quotations.push(Quotation {
                    text: piece.text.clone(),
                    speaker: None,
                    attribution: None,
                });
                article.quotations.len() - 1
            }
        });
        spans.push(Span {
            kind: piece.kind,
            text: piece.text,
            quotation,
        });
    }
    Paragraph {
        text: text.to_string(),
        spans,
        sentences: sentences::split(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Article {
        parse(text, false)
    }

    fn sample() -> Article {
        parse(
            include_str!("../../tests/fixtures/free-russian-legion.txt"),
            false,
        )
    }

    #[test]
    fn sample_title_comes_from_the_line_the_breadcrumb_names() {
        assert_eq!(
            sample().title.as_deref(),
            Some("The Free Russian Legion, Russian soldiers fighting for Ukraine")
        );
    }

    #[test]
    fn sample_byline_credit_and_dateline_are_kept_out_of_the_body() {
        let a = sample();
        assert_eq!(a.byline.as_deref(), Some("Michael Schwirtz"));
        assert_eq!(
            a.credits,
            vec!["Translation by Jaime Arrambide".to_string()]
        );
        assert_eq!(a.dateline.as_deref(), Some("DONBASS REGION"));
        let body: String = a
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .map(|p| p.text.clone())
            .collect();
        for gone in [
            "Michael Schwirtz",
            "Arrambide",
            "Akismet",
            "Leave a Comment",
            "Home »",
        ] {
            assert!(!body.contains(gone), "{gone} is in the body");
        }
    }

    #[test]
    fn sample_drops_breadcrumb_and_comment_form_with_reasons() {
        let reasons: Vec<DropReason> = sample().dropped.iter().map(|d| d.reason).collect();
        assert_eq!(
            reasons,
            vec![
                DropReason::Breadcrumb,
                DropReason::CommentForm,
                DropReason::SpamNotice
            ]
        );
    }

    #[test]
    fn sample_has_eight_or_more_quotations_and_one_section() {
        let a = sample();
        assert!(a.quotations.len() >= 8, "{} quotations", a.quotations.len());
        assert_eq!(a.sections.len(), 1);
        assert_eq!(a.paragraph_count(), 23);
    }

    #[test]
    fn sample_quotations_name_their_speakers() {
        let a = sample();
        let speakers: Vec<&str> = a
            .quotations
            .iter()
            .filter_map(|q| q.speaker.as_deref())
            .collect();
        for name in ["Caesar", "Zaza", "Yusov", "Miami"] {
            assert!(speakers.contains(&name), "{name} missing from {speakers:?}");
        }
    }

    #[test]
    fn scare_quotes_stay_in_the_sample_narration() {
        let a = sample();
        let narration: String = a.sections[0]
            .paragraphs
            .iter()
            .flat_map(|p| &p.spans)
            .filter(|s| s.kind == SpanKind::Narration)
            .map(|s| s.text.clone())
            .collect();
        assert!(narration.contains("“Grad”") && narration.contains("“foreign propaganda.”"));
    }

    #[test]
    fn a_quotation_over_two_paragraphs_is_one_quotation() {
        let a = parse_text(
            "Title\n\n“We walked for days through the snow and the mud,\n\n“and then we reached the river at last,” she said.\n",
        );
        assert_eq!(a.quotations.len(), 1);
        assert!(a.quotations[0].text.ends_with("reached the river at last,"));
    }

    #[test]
    fn a_quotation_interrupted_by_its_attribution_reads_as_the_speaker_said_it() {
        let a = sample();
        let zaza = a
            .quotations
            .iter()
            .find(|q| q.speaker.as_deref() == Some("Zaza"));
        assert!(
            zaza.unwrap()
                .text
                .starts_with("We didn’t come to prove anything. We came to help"),
            "{zaza:?}"
        );
        let a = parse_text(
            "Title\n\n“I think we all know,” she said, “that we should walk to the river before dark.”\n",
        );
        assert_eq!(
            a.quotations[0].text,
            "I think we all know that we should walk to the river before dark."
        );
    }

    #[test]
    fn a_paragraph_all_quotation_goes_on_with_the_speaker_before_and_a_known_name_speaks() {
        let a = sample();
        let speaker_of = |start: &str| {
            a.quotations
                .iter()
                .find(|q| q.text.starts_with(start))
                .and_then(|q| q.speaker.clone())
        };
        assert_eq!(
            speaker_of("stateless scoundrels").as_deref(),
            Some("Caesar")
        );
        assert_eq!(
            speaker_of("I am sitting in front of you").as_deref(),
            Some("Caesar")
        );
        // The official speaks of Caesar: no speaker is made up.
        assert_eq!(speaker_of("spent a lot of time"), None);
    }

    #[test]
    fn a_date_line_near_the_top_is_the_date() {
        assert_eq!(
            date("posted on April 21, 2015, at 11:29 a.m.").as_deref(),
            Some("April 21, 2015")
        );
        assert_eq!(
            date("Published Thursday 27 July 2017").as_deref(),
            Some("27 July 2017")
        );
        let a = parse_text("A Title\n\nMarch 3, 2020\n\nThe story begins here, as stories do.\n");
        assert_eq!(a.date.as_deref(), Some("March 3, 2020"));
        assert_eq!(a.paragraph_count(), 1);
    }

    #[test]
    fn a_line_of_page_details_gives_the_byline_and_the_date() {
        let line = "Le Monde | 04.05.2015 à 13h36 • Mis à jour le 05.05.2015 à 20h13 | Par Martin \
                    Untersinger (avec Damien Leloup et Morgane Tual)";
        assert_eq!(byline(line), Some("Martin Untersinger"));
        assert_eq!(byline("Von Jana Müller"), Some("Jana Müller"));
        assert_eq!(byline("Par for the course | Golf"), None);
        assert_eq!(byline("News | Sport | Weather"), None);
        let a = parse_text(&format!(
            "Le titre de l'article\n\n{line}\n\nLes députés ont adopté le projet de loi mardi.\n"
        ));
        assert_eq!(a.byline.as_deref(), Some("Martin Untersinger"));
        assert_eq!(a.date.as_deref(), Some("04.05.2015"));
        assert_eq!(a.paragraph_count(), 1);
    }

    #[test]
    fn the_author_named_again_at_the_end_opens_the_author_box() {
        let prose = |n: usize| {
            format!(
                "Paragraph {n} of the article goes on about the vote, and it explains what the \
                 deputies decided when the bill came before the assembly."
            )
        };
        let mut page = vec![
            "A Title For The Story".to_string(),
            "By Jane Doe".to_string(),
        ];
        page.extend((0..3).map(prose));
        page.push("Jane Doe (with John Roe)".into());
        page.push("Reporter at the Gazette. Follow her on Twitter".into());
        let a = parse_text(&page.join("\n\n"));
        assert_eq!(a.byline.as_deref(), Some("Jane Doe"));
        assert_eq!(a.paragraph_count(), 3);
        let bio: Vec<&str> = a
            .dropped
            .iter()
            .filter(|d| d.reason == DropReason::AuthorBio)
            .map(|d| d.text.as_str())
            .collect();
        assert_eq!(bio.len(), 2, "{:?}", a.dropped);
        // The author's name opening a paragraph of the article is the article's.
        assert_eq!(
            author_box(&["Jane Doe wrote this.", "More."], "Jane Doe"),
            None
        );
    }

    #[test]
    fn a_dated_by_line_is_the_date_not_the_byline() {
        let line = "By April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm";
        assert_eq!(byline(line), None);
        assert_eq!(date(line).as_deref(), Some("April 28, 2019"));
        let a = parse_text(&format!(
            "A Headline For The Story\n\n{line}\n\nThe story begins here, as stories do.\n"
        ));
        assert_eq!(a.byline, None);
        assert_eq!(a.date.as_deref(), Some("April 28, 2019"));
        assert_eq!(a.sections[0].heading, None);
    }

    #[test]
    fn short_lines_above_the_headline_are_not_the_article() {
        let a = parse_text(
            "Minecraft News\n\nPowered by Tumblr\n\nThe Bountiful Update Is Out Today\n\n\
             The update adds granite, andesite and diorite, and the villagers now plant crops.\n",
        );
        assert_eq!(
            a.title.as_deref(),
            Some("The Bountiful Update Is Out Today")
        );
        assert_eq!(a.paragraph_count(), 1);
        assert!(a.dropped.iter().any(|d| d.text == "Powered by Tumblr"));
    }

    #[test]
    fn a_title_printed_again_with_the_site_name_wins_over_a_longer_line() {
        let page = "Morning Digest Of Stories From Around The Region Today\n\n\
                    Council Votes To Close The Old Bridge | Valley News\n\nHome\n\n\
                    Council Votes To Close The Old Bridge\n\n\
                    The council voted on Tuesday to close the old bridge to traffic for repairs, \
                    after engineers found that two of its supports had cracked in the winter.\n";
        let a = parse_text(page);
        assert_eq!(
            a.title.as_deref(),
            Some("Council Votes To Close The Old Bridge")
        );
        assert!(a.title_found.unwrap().contains("site's name"));
    }

    #[test]
    fn a_by_line_with_a_date_in_capitals_is_no_headline() {
        assert!(is_by_line("By JEFFREY GETTLEMAN JAN. 13, 2017"));
        assert!(!is_by_line("Bypass Roads Reopen"));
        assert!(is_exclaimed_headline("Pearl Oscar Dress -- STOLEN!!!"));
        assert!(!is_exclaimed_headline("Wow!"));
    }

    #[test]
    fn a_headline_between_other_stories_titles_is_a_teaser() {
        let lines: Vec<String> = [
            "Drake Assaulted in Dubai Nightclub",
            "Tom Cruise and Katie Holmes Not on Speaking Terms",
            "Kylie Jenner -- When I Was 17 ...",
            "Home",
            "A Quoted Title That Stands Here",
            "2/26/2015 7:11 AM PST",
        ]
        .map(String::from)
        .to_vec();
        assert!(in_list_of_titles(&lines, 1));
        assert!(!in_list_of_titles(&lines, 4));
        // A caption with a credit is no title in a list.
        assert!(!is_title_shaped(
            "Whale expert Hori Parata. Photograph: Adrian Malloch"
        ));
    }

    #[test]
    fn the_headline_speaks_of_what_the_article_speaks_of() {
        // Two stories' titles above the article: the one whose words the article uses wins,
        // though the other is longer and nearer.
        let a = parse_text(
            "Home\nNews\nSport\nWeather\nBusiness\nCulture\nTravel\nOpinion\n\n\
             Amazon and Macmillan make peace over book pricing\n\n\
             Keith Kelly\n\nCondé Nast hosts scaled down year-end party at MoMA\n\n\
             Amazon and the publisher Macmillan have signed a new agreement on the pricing of \
             books, ending months of talks between the two companies over ebook prices.\n\n\
             The deal gives Macmillan control over the price of its books on Amazon, said a \
             person who was briefed on the terms, and Amazon keeps its discounts on them.\n",
        );
        assert_eq!(
            a.title.as_deref(),
            Some("Amazon and Macmillan make peace over book pricing")
        );
        let how = a.title_found.unwrap_or_default();
        assert!(how.contains("% of its words the article's"), "{how}");
        let topic = Topic {
            words: Topic::content_words("The publisher priced its books", &StopWords::English)
                .into_iter()
                .collect(),
            stop: &StopWords::English,
        };
        assert_eq!(topic.share("Book prices"), Some(1.0));
        assert_eq!(topic.share("Weather"), None);
    }

    #[test]
    fn the_headline_may_follow_the_next_storys_link_and_precede_its_byline() {
        let mut page: Vec<String> = [
            "Home",
            "Fashion",
            "Beauty",
            "Celebrity",
            "Love",
            "Health",
            "Shop",
            "Video",
        ]
        .map(String::from)
        .to_vec();
        page.extend(
            [
                "The Comfortable and Chic Evening Wear Trend Hot Off the Spring 2015 Runways",
                "next story",
                "Found at NYFW: The Best Way to Flatter Your Waist for Spring 2015 and Beyond",
                "Rihanna Leaves Pants at Home for the Altuzarra Show",
                "By Sophia Chabbott",
                "When Rihanna walks into a fashion show, even the editors gasp, and they did on \
                 Friday at the Altuzarra show, where she came without her pants.",
                "At Adam Selman, Rihanna wore an elegant white dress with pearls and the shoes \
                 that she had worn at the other shows of the week.",
            ]
            .map(String::from),
        );
        let a = parse_text(&page.join("\n\n"));
        assert_eq!(
            a.title.as_deref(),
            Some("Rihanna Leaves Pants at Home for the Altuzarra Show")
        );
    }

    #[test]
    fn titles_each_with_its_byline_are_a_list_of_stories() {
        let lines: Vec<String> = [
            "Why Would Anybody Adopt the Euro in 2015?",
            "By Alana Semuels",
            "The Imitation Game: A Smart Person's Fantasy",
            "By Emma Green",
            "Cracking the Sitcom Code",
        ]
        .map(String::from)
        .to_vec();
        assert!(in_list_of_titles(&lines, 2));
        assert!(!in_list_of_titles(&lines, 4));
    }

    #[test]
    fn a_headline_may_open_with_a_quotation_mark() {
        let a = parse_text(
            "‘Star Wars’ Original Cuts Might Get Released Again\n\nJames Akinaka\n\n\
             Although Lucasfilm is already planning a birthday bash for the saga this April, \
             fans might get an even better present, if the rumours are true.\n",
        );
        assert_eq!(
            a.title.as_deref(),
            Some("‘Star Wars’ Original Cuts Might Get Released Again")
        );
    }

    #[test]
    fn the_headline_may_follow_a_box_of_links_kept_before_the_prose() {
        let mut page: Vec<String> = ["Home", "News", "Health", "Parenting", "Pets", "Food"]
            .map(String::from)
            .to_vec();
        page.extend(
            [
                "Featured Topics",
                "Know the Signs of a Cold Coming On?",
                "Quiz: How Much Do You Know About Sleep?",
                "Peek Inside a Hospital Kitchen",
                "The Health App for Your Phone",
                "Track your steps and your sleep, and get reminders for your medicines.",
                "Why the Common Cold Keeps Coming Back Every Winter",
                "By Jane Doe",
                "Every winter the common cold returns to offices and schools, and doctors say \
                 that the reasons are the dry air, the crowded rooms and the many viruses.",
                "A cold is caused by more than two hundred viruses, so one bout of it gives \
                 little protection against the next one, the doctors said on Monday.",
            ]
            .map(String::from),
        );
        let a = parse_text(&page.join("\n\n"));
        assert_eq!(
            a.title.as_deref(),
            Some("Why the Common Cold Keeps Coming Back Every Winter"),
            "{:?}",
            a.title_found
        );
        let how = a.title_found.unwrap_or_default();
        assert!(how.contains("before the article's prose"), "{how}");
        // What the page kept above the headline is not the article.
        let body: Vec<&str> = a
            .sections
            .iter()
            .flat_map(|s| s.paragraphs.iter().map(|p| p.text.as_str()))
            .collect();
        assert!(
            !body.iter().any(|p| p.contains("Hospital Kitchen")),
            "{body:?}"
        );
    }

    #[test]
    fn a_headline_may_end_with_an_initialism() {
        assert!(ends_with_initialism("What Lies Beneath N.Y.C."));
        assert!(!ends_with_initialism("He lives in St."));
        assert!(!ends_with_initialism("Plan A."));
        let a = parse_text(
            "Why Winter Is Hard on the Pipes Under Washington D.C.\n\nThe city's water mains \
             crack when the ground freezes and thaws, said the utility's engineers on Monday.\n",
        );
        assert_eq!(
            a.title.as_deref(),
            Some("Why Winter Is Hard on the Pipes Under Washington D.C.")
        );
    }

    #[test]
    fn only_a_trail_names_the_headline() {
        let a = parse_text(
            "A Story About The River\n\nThe river rose by two metres overnight and the town \
             closed its lower streets, said the mayor on Monday morning.\n\nHelp / Suggestions\n",
        );
        assert_eq!(a.title.as_deref(), Some("A Story About The River"));
    }

    #[test]
    fn wrapped_lines_are_joined_into_one_paragraph() {
        let a = parse_text(
            "Title line\n\nThe first paragraph is wrapped\nacross two lines.\n\nSecond one.\n",
        );
        let texts: Vec<&str> = a.sections[0]
            .paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(
            texts,
            vec![
                "The first paragraph is wrapped across two lines.",
                "Second one."
            ]
        );
    }

    #[test]
    fn scene_break_starts_a_new_section() {
        let a = parse_text("Title\n\nOne paragraph here.\n\n* * *\n\nAnother paragraph here.\n");
        assert_eq!(a.sections.len(), 2);
    }

    #[test]
    fn a_line_that_leads_into_a_quotation_is_not_a_heading() {
        let a = parse_text(
            "Title\n\nIntro text here.\n\nShe drew her brows together and said abruptly\n\n\
             \"I do not believe a word of it, not one word.\"\n",
        );
        assert_eq!(a.sections.len(), 1);
        assert_eq!(a.paragraph_count(), 3);
    }

    #[test]
    fn short_line_before_prose_is_a_heading() {
        let a =
            parse_text("Title\n\nIntro text here.\n\nThe Aftermath\n\nWhat followed was long.\n");
        assert_eq!(a.sections[1].heading.as_deref(), Some("The Aftermath"));
    }
}
