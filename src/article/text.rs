//! Plain text (as pasted from a web page) to an [`Article`].

use super::clean::{self, DropReason};
use super::{Article, Dropped, Paragraph, Quotation, Section, Span, SpanKind, quotes, word_count};

/// A headline or heading is at most this many words.
const MAX_HEADING_WORDS: usize = 20;

/// Parses pasted plain text.
pub fn parse(text: &str) -> Article {
    let mut article = Article::default();
    let lines = blocks(text);
    let title_hint = lines
        .iter()
        .find_map(|l| clean::breadcrumb_tail(l))
        .map(str::to_string);
    let mut body: Vec<&str> = Vec::new();
    for line in &lines {
        if let Some(reason) = clean::classify(line) {
            drop_line(&mut article, line, reason);
        } else if article.title.as_deref() == Some(line.as_str()) {
            drop_line(&mut article, line, DropReason::RepeatedTitle);
        } else if article.title.is_none() && is_title(line, title_hint.as_deref(), body.is_empty())
        {
            article.title = Some(line.clone());
        } else if let Some(name) = byline(line).filter(|_| article.byline.is_none()) {
            article.byline = Some(name.to_string());
        } else if is_credit(line) {
            article.credits.push(line.clone());
        } else {
            body.push(line);
        }
    }
    build_body(&mut article, &body);
    article
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

fn is_title(line: &str, hint: Option<&str>, at_start: bool) -> bool {
    match hint {
        Some(hint) => line == hint,
        None => at_start && is_heading_like(line),
    }
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

/// "By Jane Doe" (or "By Jane Doe and John Roe"): the name(s), if `line` is a byline.
fn byline(line: &str) -> Option<&str> {
    let name = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("BY "))?
        .trim();
    let short = (1..=8).contains(&word_count(name));
    let capitalized = name.chars().next().is_some_and(char::is_uppercase);
    (short && capitalized && !name.ends_with(['.', '!', '?'])).then_some(name)
}

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
    for (i, line) in body.iter().enumerate() {
        let next_is_prose = body
            .get(i + 1)
            .is_some_and(|n| !is_heading_like(n) && !is_scene_break(n));
        if is_scene_break(line) {
            close_section(article, &mut section, None);
        } else if is_heading_like(line) && next_is_prose {
            close_section(article, &mut section, Some(line.to_string()));
        } else {
            let text = if article.dateline.is_none()
                && article.paragraph_count() + section.paragraphs.len() == 0
            {
                take_dateline(article, line)
            } else {
                line
            };
            let paragraph = paragraph(article, text);
            section.paragraphs.push(paragraph);
        }
    }
    close_section(article, &mut section, None);
}

fn close_section(article: &mut Article, section: &mut Section, next_heading: Option<String>) {
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

/// "DONBASS REGION.- The soldier kneels ...": records the dateline and returns the rest.
fn take_dateline<'a>(article: &mut Article, line: &'a str) -> &'a str {
    const SEPARATORS: [&str; 5] = [".-", ". -", " — ", " – ", " -- "];
    for sep in SEPARATORS {
        if let Some((head, rest)) = line.split_once(sep) {
            let head = head.trim();
            let is_place = (1..=6).contains(&word_count(head))
                && head.chars().any(char::is_alphabetic)
                && !head.chars().any(char::is_lowercase);
            if is_place && !rest.trim().is_empty() {
                article.dateline = Some(head.trim_end_matches('.').to_string());
                return rest.trim();
            }
        }
    }
    line
}

fn paragraph(article: &mut Article, text: &str) -> Paragraph {
    let mut spans = Vec::new();
    for piece in quotes::split(text) {
        let quotation = (piece.kind == SpanKind::Quote).then(|| {
            if piece.continues {
                let last = article.quotations.len() - 1;
                let q = &mut article.quotations[last];
                q.text.push(' ');
                q.text.push_str(&piece.text);
                last
            } else {
                article.quotations.push(Quotation {
                    text: piece.text.clone(),
                    speaker: None,
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Article {
        parse(include_str!("../../tests/fixtures/free-russian-legion.txt"))
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
            "DONBASS",
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
    fn wrapped_lines_are_joined_into_one_paragraph() {
        let a = parse(
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
        let a = parse("Title\n\nOne paragraph here.\n\n* * *\n\nAnother paragraph here.\n");
        assert_eq!(a.sections.len(), 2);
    }

    #[test]
    fn short_line_before_prose_is_a_heading() {
        let a = parse("Title\n\nIntro text here.\n\nThe Aftermath\n\nWhat followed was long.\n");
        assert_eq!(a.sections[1].heading.as_deref(), Some("The Aftermath"));
    }
}
