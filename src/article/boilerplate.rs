//! Which lines of a pasted web page are the article: a context-sensitive classifier in the
//! manner of jusText (Pomikálek, 2011), for plain text.
//!
//! 1. Each line gets a class from its own features: length, the share of the language's function words
//!    (prose has many, menus and captions few), sentence punctuation, and known boilerplate
//!    phrases ([`clean::classify`]).
//! 2. Short and "near-good" lines take the class of their neighbours: a short line between two
//!    prose lines is part of the article (a list item, a short paragraph); one between menu lines
//!    is not.
//! 3. The article is the run of lines from the first to the last prose line, cut at the first line
//!    that opens what follows an article (comments, "Related", "More from ...").

use super::clean::{self, DropReason};
use super::language::StopWords;
use super::text;

/// Lines shorter than this (in characters) are "short": judged by their neighbours.
const SHORT: usize = 70;
/// Lines at least this long with enough function words are prose on their own.
const LONG: usize = 200;
/// Share of function words above which a line reads as prose.
const STOPWORDS_HIGH: f64 = 0.32;
/// Share of function words above which a longer line may be prose.
const STOPWORDS_LOW: f64 = 0.30;

/// A sentence at least this long (in characters)…
const SENTENCE: usize = 100;
/// …with at least this share of function words may be prose, its neighbours deciding: a
/// paragraph full of names and figures ("1Password kostet aktuell knapp 50 Euro im Mac App Store
/// …"). Measured on the development pages: of their lines of 100 characters or more that end
/// like a sentence, those with 15–20 % function words are three article paragraphs and no
/// boilerplate; the two lines under 15 % are boilerplate.
const STOPWORDS_SENTENCE: f64 = 0.15;

/// What a line is, in the classifier's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Article prose.
    Good,
    /// Probably prose; decided by its neighbours.
    NearGood,
    /// Too short to tell; decided by its neighbours.
    Short,
    /// Not the article, for this reason.
    Bad(DropReason),
}

/// The verdict on every line: `None` keeps it, `Some(reason)` drops it.
pub fn judge(lines: &[String], stop: &StopWords) -> Vec<Option<DropReason>> {
    let short = short_for(lines);
    let mut classes: Vec<Class> = lines
        .iter()
        .map(|l| classify_with(l, stop, short))
        .collect();
    mark_repeated(lines, &mut classes);
    mark_slideshow(lines, &mut classes);
    revise_short(&mut classes);
    revise_near_good(&mut classes);
    mark_widget_runs(lines, &mut classes);
    let (start, end, boxes) = article_region(lines, &classes);
    for b in boxes {
        for class in &mut classes[b] {
            *class = Class::Bad(DropReason::Related);
        }
    }
    classes
        .iter()
        .enumerate()
        .map(|(i, class)| match class {
            Class::Bad(reason) => Some(*reason),
            _ if i < start => Some(DropReason::BeforeArticle),
            _ if i >= end => Some(DropReason::AfterArticle),
            Class::Good => None,
            Class::NearGood | Class::Short => Some(DropReason::Navigation),
        })
        .collect()
}

/// Lines of five words or more that the page prints more than once are not the article's
/// (articles do not repeat a sentence; galleries, menus and promotions do).
fn mark_repeated(lines: &[String], classes: &mut [Class]) {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for line in lines {
        *seen.entry(line.as_str()).or_default() += 1;
    }
    let first_copies = first_copies_of_repeated_text(lines, classes);
    for (i, (line, class)) in lines.iter().zip(classes.iter_mut()).enumerate() {
        if seen[line.as_str()] > 1
            && line.split_whitespace().count() >= 5
            && !matches!(class, Class::Bad(_))
            && !first_copies.contains(&i)
        {
            *class = Class::Bad(DropReason::Repeated);
        }
    }
}

/// A page that prints its whole article twice (a print or mobile version in the same page):
/// runs of [`REPEATED_RUN`] or more prose paragraphs that come again later in the same order.
/// The first copy of each such run is the article; the later copies are repeats.
fn first_copies_of_repeated_text(lines: &[String], classes: &[Class]) -> Vec<usize> {
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let prose = |i: usize| classes[i] == Class::Good && ends_sentence(&lines[i]);
    // Each prose line's later copy, if it has one.
    let again: Vec<Option<usize>> = (0..lines.len())
        .rev()
        .map(|i| {
            let later = at.get(lines[i].as_str()).copied();
            at.insert(lines[i].as_str(), i);
            later.filter(|_| prose(i))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // Prose lines copied later and in order, other lines (at most MAX_GAP in a row) between.
        let (mut run, mut j, mut last_copy, mut gap) = (Vec::new(), i, 0, 0);
        while j < lines.len() && gap <= MAX_GAP {
            match again[j].filter(|&c| c > last_copy) {
                Some(copy) => {
                    run.push(j);
                    (last_copy, gap) = (copy, 0);
                }
                None if prose(j) => break,
                None => gap += 1,
            }
            j += 1;
        }
        if run.len() >= REPEATED_RUN {
            out.extend(run);
        }
        i = j.max(i + 1);
    }
    out
}

/// Prose paragraphs that must come again in the same order for a page to be printing its
/// article twice.
const REPEATED_RUN: usize = 3;

/// "3/50", "3 of 50", "Photo 3 of 50 …": a slide counter, with its number and the total.
fn slide_counter(line: &str) -> Option<(usize, usize)> {
    static COUNTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)^(?:(?:image|photo|picture|slide|gallery)\s+)?(\d{1,3})\s*(?:/|of)\s*(\d{1,3})\b",
        )
        .expect("the counter pattern is valid")
    });
    let caps = COUNTER.captures(line.trim())?;
    let n: usize = caps[1].parse().ok()?;
    let total: usize = caps[2].parse().ok()?;
    (n >= 1 && n <= total && total >= 2).then_some((n, total))
}

/// A slideshow: three or more slide counters of the same total. Each counter and the caption
/// lines after it (up to the next counter, at most three lines; after the last counter, one) are
/// not the article.
fn mark_slideshow(lines: &[String], classes: &mut [Class]) {
    let counters: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| slide_counter(l).map(|(_, total)| (i, total)))
        .collect();
    let mut totals: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for &(_, total) in &counters {
        *totals.entry(total).or_default() += 1;
    }
    for (k, &(i, total)) in counters.iter().enumerate() {
        if totals[&total] < 3 {
            continue;
        }
        classes[i] = Class::Bad(DropReason::Widget);
        // Between two counters, their caption; after the last one, a single line.
        let next = counters.get(k + 1).map_or(i + 2, |&(j, _)| j.min(i + 4));
        for class in &mut classes[(i + 1).min(lines.len())..next.min(lines.len())] {
            if !matches!(class, Class::Bad(_)) {
                *class = Class::Bad(DropReason::Caption);
            }
        }
    }
}

/// Three or more short lines in a row that are neither sentences nor list items form a widget
/// (gallery controls, player buttons), even between two paragraphs.
fn mark_widget_runs(lines: &[String], classes: &mut [Class]) {
    let widgety: Vec<bool> = (0..lines.len())
        .map(|i| {
            let line = &lines[i];
            line.chars().count() < SHORT
                && !ends_sentence(line)
                && !is_list_item(line)
                && classes[i] == Class::Good
        })
        .collect();
    let mut i = 0;
    while i < lines.len() {
        let run = (i..lines.len()).take_while(|&j| widgety[j]).count();
        if run >= 3 {
            for class in &mut classes[i..i + run] {
                *class = Class::Bad(DropReason::Widget);
            }
        }
        i += run.max(1);
    }
}

/// "1. Finland", "- apples", "• Item".
fn is_list_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    line.starts_with(['-', '•', '*', '–', '·'])
        || (digits > 0 && line[digits..].starts_with(['.', ')']))
}

/// The length under which a line is "short" in this paste: [`SHORT`], or for a paste with no line
/// that long (one short sentence per paragraph), [`SHORT_IN_SHORT_PASTE`], so that its sentences
/// can still be told from its menus.
fn short_for(lines: &[String]) -> usize {
    if lines.iter().any(|l| l.chars().count() >= SHORT) {
        SHORT
    } else {
        SHORT_IN_SHORT_PASTE
    }
}

/// "Short" in a paste that has no long lines.
const SHORT_IN_SHORT_PASTE: usize = 30;

/// A line's class from its own features, lines under `short` characters being short.
fn classify_with(line: &str, stop: &StopWords, short: usize) -> Class {
    if let Some(reason) = clean::classify(line) {
        return Class::Bad(reason);
    }
    let chars = line.chars().count();
    let density = stop.density(line);
    if chars < short {
        Class::Short
    } else if density >= STOPWORDS_HIGH && (chars >= LONG || ends_sentence(line)) {
        Class::Good
    } else if density >= STOPWORDS_LOW
        || (density >= 0.2 && ends_sentence(line))
        || (density >= STOPWORDS_SENTENCE && chars >= SENTENCE && ends_sentence(line))
    {
        Class::NearGood
    } else {
        Class::Bad(DropReason::Navigation)
    }
}

/// A line of code or markup (mostly symbols, or ending in an opening or closing bracket): it
/// does not separate two stretches of prose.
fn is_code(line: &str) -> bool {
    let visible: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    let letters = visible.iter().filter(|c| c.is_alphabetic()).count();
    letters * 2 < visible.len()
        || line
            .trim_end()
            .ends_with(['{', '[', '(', '}', ']', ')', ';'])
}

fn ends_sentence(line: &str) -> bool {
    without_sign_off(line.trim_end())
        .trim_end_matches(['"', '”', '’', '\'', ')', ']'])
        .ends_with(['.', '!', '?', ':', ';'])
}

/// A paragraph without the editor's or agency's sign-off in parentheses after its last sentence
/// ("… voraus. (bsc)", "… on Monday. (AP)"): a word of at most six letters.
fn without_sign_off(line: &str) -> &str {
    let Some(rest) = line.strip_suffix(')') else {
        return line;
    };
    let Some((before, inside)) = rest.rsplit_once('(') else {
        return line;
    };
    let before = before.trim_end();
    let is_sign_off = (1..=6).contains(&inside.chars().count())
        && inside.chars().all(char::is_alphabetic)
        && before.ends_with(['.', '!', '?']);
    if is_sign_off { before } else { line }
}

/// The class of the nearest line before (`step` = -1) or after (+1) `i` that is not short (and,
/// if `skip_near_good`, not near-good either). Past either end of the page: bad.
fn neighbour(classes: &[Class], i: usize, step: isize, skip_near_good: bool) -> Class {
    let mut j = i as isize + step;
    while j >= 0 && (j as usize) < classes.len() {
        match classes[j as usize] {
            Class::Short => {}
            Class::NearGood if skip_near_good => {}
            class => return class,
        }
        j += step;
    }
    Class::Bad(DropReason::Navigation)
}

fn is_good(class: Class) -> bool {
    class == Class::Good
}

fn revise_short(classes: &mut [Class]) {
    let before = classes.to_vec();
    for i in 0..classes.len() {
        if before[i] != Class::Short {
            continue;
        }
        let prev = neighbour(&before, i, -1, true);
        let next = neighbour(&before, i, 1, true);
        classes[i] = if is_good(prev) && is_good(next) {
            Class::Good
        } else if !is_good(prev) && !is_good(next) {
            Class::Bad(DropReason::Navigation)
        } else if (!is_good(prev) && neighbour(&before, i, -1, false) == Class::NearGood)
            || (!is_good(next) && neighbour(&before, i, 1, false) == Class::NearGood)
        {
            Class::Good
        } else {
            Class::Short
        };
    }
}

fn revise_near_good(classes: &mut [Class]) {
    let before = classes.to_vec();
    for i in 0..classes.len() {
        if before[i] != Class::NearGood {
            continue;
        }
        let prev = neighbour(&before, i, -1, true);
        let next = neighbour(&before, i, 1, true);
        classes[i] = if !is_good(prev) && !is_good(next) {
            Class::Bad(DropReason::Navigation)
        } else {
            Class::Good
        };
    }
}

/// A byline or a date line: what opens another article (the next story of an endless page).
fn starts_an_article(line: &str) -> bool {
    text::byline(line).is_some() || text::date(line).is_some()
}

/// Lines of other kinds between two prose lines that still leave them in one stretch of text.
const MAX_GAP: usize = 10;
/// An in-article box (related links, a promotion) is at most this many lines long.
const BOX_LINES: usize = 15;

/// `[start, end)`: the stretch of prose lines (prose lines closer than [`MAX_GAP`] lines to each
/// other) that holds the most prose, cut at the first line that opens an after-article section.
/// Teasers, comments and sidebars come in stretches of their own, apart from the article's.
fn article_region(lines: &[String], classes: &[Class]) -> (usize, usize, Vec<Range>) {
    let good: Vec<usize> = (0..classes.len())
        .filter(|&i| is_good(classes[i]))
        .collect();
    if good.is_empty() {
        return (0, 0, Vec::new());
    };
    // Stretches of prose: (characters, good lines, start, end).
    let mut runs: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (k, &i) in good.iter().enumerate() {
        let gap = if k == 0 {
            0
        } else {
            (good[k - 1] + 1..i)
                .filter(|&j| !is_code(&lines[j]))
                .count()
        };
        if k == 0 || gap > MAX_GAP {
            runs.push((0, 0, i, i + 1));
        }
        if let Some(run) = runs.last_mut() {
            run.0 += lines[i].chars().count();
            run.1 += 1;
            run.3 = i + 1;
        }
    }
    let Some(main) = (0..runs.len()).max_by_key(|&r| runs[r].0) else {
        return (0, 0, Vec::new());
    };
    // A gallery or a video box can split an article: neighbouring stretches that are articles
    // of their own size (several paragraphs) join the main one.
    let joins = |r: usize| runs[r].1 >= 3 && runs[r].0 >= 600;
    let first_run = (0..main)
        .rev()
        .take_while(|&r| joins(r))
        .last()
        .unwrap_or(main);
    let last_run = (main + 1..runs.len())
        .take_while(|&r| joins(r))
        .last()
        .unwrap_or(main);
    let best = (0, runs[first_run].2, runs[last_run].3);
    let (_, start, end) = best;
    // An opener ("Comments", "Related") ends the article only if the article's prose does not
    // resume after it: a box of related links inside the article ("Related", "Recommended";
    // not the page's own modules such as "Most popular" or "More stories") is followed,
    // within a few lines, by more paragraphs of the article (three or more long lines that end
    // like sentences, twice as many as the titles and short lines among them), with no byline or
    // date line before them (another article's).
    // A stream of teasers alternates a title and an excerpt instead. Comments always end the
    // article (they are prose too, but they come after it).
    let resumes = |i: usize| {
        (i + 1..end.min(i + 1 + BOX_LINES))
            .find(|&j| is_good(classes[j]) && lines[j].chars().count() >= SHORT)
            .filter(|&j| !(i + 1..j).any(|k| starts_an_article(&lines[k])))
            .filter(|&j| {
                let after = j..end.min(j + 8);
                // Paragraphs are long and end like sentences; titles are short or do not.
                let paragraph = |k: usize| {
                    is_good(classes[k])
                        && lines[k].chars().count() >= SHORT
                        && ends_sentence(&lines[k])
                };
                let long = after.clone().filter(|&k| paragraph(k)).count();
                let short = after
                    .filter(|&k| !matches!(classes[k], Class::Bad(_)) && !paragraph(k))
                    .count();
                long >= 3 && long >= 2 * short
            })
    };
    // The boxes the article goes on after: from the opener to the resumed prose.
    let mut boxes = Vec::new();
    let mut stop = end;
    for (i, line) in lines.iter().enumerate().take(end).skip(start) {
        if !clean::opens_after_article(line)
            || boxes.iter().any(|b: &Range| b.contains(&i))
            || in_share_bar(classes, i)
        {
            continue;
        }
        match resumes(i).filter(|_| clean::opens_inline_box(line)) {
            Some(j) => boxes.push(i..j),
            None => {
                stop = i;
                break;
            }
        }
    }
    let end = (start..stop)
        .rev()
        .find(|&i| is_good(classes[i]))
        .map_or(start + 1, |i| i + 1);
    (start, end, boxes)
}

type Range = std::ops::Range<usize>;

/// "Comments" as a button of a share bar ("Share on Facebook", "Twitter", "Email", "Comments")
/// above the article, not the heading of the comments below it: the line before or after it is
/// a share control too.
fn in_share_bar(classes: &[Class], i: usize) -> bool {
    let share = |k: Option<usize>| {
        k.and_then(|k| classes.get(k))
            .is_some_and(|c| *c == Class::Bad(DropReason::Share))
    };
    share(Some(i)) && (share(i.checked_sub(1)) || share(Some(i + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_has_many_function_words_and_menus_none() {
        let en = StopWords::English;
        assert!(en.density("He said that it was the best of times for all of them.") > 0.5);
        assert_eq!(en.density("Markets Investing Economy Tech"), 0.0);
    }

    #[test]
    fn a_long_prose_line_is_good_and_a_menu_line_short() {
        let prose = "The report assessed poverty levels, income and wealth inequality, and the \
                     mobility of workers in ten of the wealthiest countries in the world.";
        assert_eq!(
            classify_with(prose, &StopWords::English, SHORT),
            Class::Good
        );
        assert_eq!(
            classify_with("Investing Guide", &StopWords::English, SHORT),
            Class::Short
        );
    }

    #[test]
    fn a_short_line_between_prose_lines_is_kept_and_menus_around_are_dropped() {
        let prose = "The report assessed poverty levels, income and wealth inequality, and the \
                     mobility of the workers in ten of the wealthiest countries in the world.";
        let lines: Vec<String> = [
            "Home",
            "Markets",
            prose,
            "1. Finland",
            "Among its key findings: the class that you are born into matters much more in the \
             United States than in many of the other countries that were studied.",
            "Contact Us",
            "Site Map",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let verdict = judge(&lines, &StopWords::English);
        assert!(verdict[0].is_some() && verdict[1].is_some());
        assert_eq!(verdict[2], None);
        assert_eq!(verdict[3], None);
        assert_eq!(verdict[4], None);
        assert!(verdict[5].is_some() && verdict[6].is_some());
    }

    fn prose(n: usize) -> String {
        format!(
            "Paragraph {n} of the article goes on about the deal, and it explains what the \
             shareholders of the company will be able to do when the sale is closed."
        )
    }

    #[test]
    fn a_related_box_inside_the_article_does_not_end_it() {
        let mut lines: Vec<String> = (0..4).map(prose).collect();
        lines.extend(
            [
                "Related Coverage",
                "Another Story JULY 26, 2016",
                "Advertisement",
            ]
            .map(String::from),
        );
        lines.extend((4..9).map(prose));
        let verdict = judge(&lines, &StopWords::English);
        assert_eq!(verdict[8], None, "{verdict:?}");
        assert_eq!(verdict[lines.len() - 1], None);
    }

    #[test]
    fn a_stream_of_teasers_after_related_ends_the_article() {
        let mut lines: Vec<String> = (0..4).map(prose).collect();
        lines.push("Related".into());
        for n in 0..4 {
            lines.push(format!("Teaser title number {n}"));
            lines.push(prose(10 + n));
        }
        let verdict = judge(&lines, &StopWords::English);
        assert_eq!(verdict[3], None);
        assert_eq!(verdict[6], Some(DropReason::AfterArticle), "{verdict:?}");
    }

    #[test]
    fn a_paste_without_long_lines_still_loses_its_menus() {
        let lines: Vec<String> = [
            "Home",
            "News",
            "Sport",
            "Weather",
            "The river rose in the night and the town woke to it.",
            "By dawn the water was at the doors of the school.",
            "Volunteers carried the books up to the first floor.",
            "Nobody was hurt, and the water went down by noon.",
            "Contact Us",
            "Privacy",
            "Terms",
        ]
        .map(String::from)
        .to_vec();
        let verdict = judge(&lines, &StopWords::English);
        assert!(verdict[..4].iter().all(Option::is_some), "{verdict:?}");
        assert!(verdict[4..8].iter().all(Option::is_none), "{verdict:?}");
        assert!(verdict[8..].iter().all(Option::is_some), "{verdict:?}");
    }

    #[test]
    fn a_slideshow_with_its_captions_is_left_out() {
        let prose = |n: usize| {
            format!(
                "Paragraph {n} of the article goes on about the storm, and it explains what the \
                 people of the town did when the water came into the streets."
            )
        };
        let mut lines: Vec<String> = (0..3).map(prose).collect();
        for n in 1..=4 {
            lines.push(format!("{n}/4"));
            lines.push(format!(
                "Caption {n}: the people of the town carry sandbags to the river, and the water is \
                 rising behind them in the rain."
            ));
        }
        lines.extend((3..6).map(prose));
        let verdict = judge(&lines, &StopWords::English);
        assert!(verdict[..3].iter().all(Option::is_none), "{verdict:?}");
        assert!(verdict[3..11].iter().all(Option::is_some), "{verdict:?}");
        assert!(verdict[11..].iter().all(Option::is_none), "{verdict:?}");
        assert_eq!(slide_counter("Photo 3 of 50 The river"), Some((3, 50)));
        assert_eq!(slide_counter("24/7 news"), None);
    }

    #[test]
    fn an_article_printed_twice_keeps_its_first_copy() {
        let mut lines: Vec<String> = ["Home", "News", "Sport"].map(String::from).to_vec();
        lines.extend((0..4).map(prose));
        lines.extend(["Print version", "Share"].map(String::from));
        lines.extend((0..4).map(prose));
        lines.push("A caption that the gallery prints twice, with its credit.".into());
        lines.push("A caption that the gallery prints twice, with its credit.".into());
        let verdict = judge(&lines, &StopWords::English);
        assert!(verdict[3..7].iter().all(Option::is_none), "{verdict:?}");
        assert!(verdict[9..].iter().all(Option::is_some), "{verdict:?}");
    }

    #[test]
    fn a_sign_off_in_parentheses_does_not_hide_the_sentence_end() {
        assert!(ends_sentence(
            "Es setzt mindestens OS X 10.10 voraus. (bsc)"
        ));
        assert!(ends_sentence("The talks resume on Monday. (AP)"));
        assert!(!ends_sentence("Read more (video)"));
        assert!(!ends_sentence("A caption (Photo: Jane Doe, Reuters)"));
    }

    #[test]
    fn a_long_sentence_of_names_and_figures_is_judged_by_its_neighbours() {
        let german = StopWords::for_language(Some("de"));
        let line = "1Password kostet aktuell knapp 50 Euro im Mac App Store und setzt in seiner \
                    aktuellen Version mindestens OS X 10.10 voraus. (bsc)";
        assert_eq!(classify_with(line, &german, SHORT), Class::NearGood);
        let menu = "Billig kontra Apple • Zaubern mit Skripten • HomeKit • Datenrettung • iPad \
                    automatisieren • Standort freigeben • Verräterische Daten";
        assert!(matches!(classify_with(menu, &german, SHORT), Class::Bad(_)));
    }

    #[test]
    fn a_comments_button_in_a_share_bar_does_not_end_the_article() {
        let mut lines: Vec<String> = ["Last updated Monday, Dec. 29 2014", "Comments", "Print"]
            .map(String::from)
            .to_vec();
        lines.extend((0..4).map(prose));
        let verdict = judge(&lines, &StopWords::English);
        assert!(verdict[3..].iter().all(Option::is_none), "{verdict:?}");
    }

    #[test]
    fn the_comment_section_ends_the_article() {
        let prose = "The report assessed poverty levels, income and wealth inequality, and the \
                     mobility of the workers in ten of the wealthiest countries in the world.";
        let comment = "I have been working on this habit for years, and it is the hardest one of \
                       all for me to break, but it does get easier with cash.";
        let lines: Vec<String> = [prose, "Comments", comment]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let verdict = judge(&lines, &StopWords::English);
        assert_eq!(verdict[0], None);
        assert_eq!(verdict[2], Some(DropReason::AfterArticle));
    }
}
