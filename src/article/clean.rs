//! Cleaning rules for pasted web text: which lines are not part of the article.

use serde::Serialize;

/// Why a line was dropped from the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// A "Home » World » ..." navigation trail.
    Breadcrumb,
    /// The headline printed a second time.
    RepeatedTitle,
    /// A comment form prompt ("Leave a Comment", "Leave a Reply").
    CommentForm,
    /// A spam-filter notice under a comment form ("This site uses Akismet ...").
    SpamNotice,
}

impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            DropReason::Breadcrumb => "breadcrumb",
            DropReason::RepeatedTitle => "repeated title",
            DropReason::CommentForm => "comment form",
            DropReason::SpamNotice => "spam notice",
        };
        f.write_str(text)
    }
}

/// Separators that join the items of a breadcrumb trail.
const CRUMB_SEPARATORS: [&str; 4] = [" » ", " › ", " > ", " / "];

/// The reason to drop `line`, if it is boilerplate on its own.
pub fn classify(line: &str) -> Option<DropReason> {
    let lower = line.trim().to_lowercase();
    if is_breadcrumb(line) {
        Some(DropReason::Breadcrumb)
    } else if is_comment_form(&lower) {
        Some(DropReason::CommentForm)
    } else if lower.contains("akismet") || lower.starts_with("learn how your comment data") {
        Some(DropReason::SpamNotice)
    } else {
        None
    }
}

/// The last item of a breadcrumb trail (often the headline), if `line` is one.
pub fn breadcrumb_tail(line: &str) -> Option<&str> {
    CRUMB_SEPARATORS
        .iter()
        .filter_map(|sep| line.rsplit_once(sep))
        .map(|(_, tail)| tail.trim())
        .min_by_key(|tail| tail.len())
}

fn is_breadcrumb(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    CRUMB_SEPARATORS.iter().any(|sep| {
        let items = line.split(sep).count();
        items >= 3 || (items == 2 && first.eq_ignore_ascii_case("home"))
    })
}

fn is_comment_form(lower: &str) -> bool {
    // Prompts count only as a line of their own (a short one): a sentence that starts with
    // "Leave a comment" is still prose.
    const PROMPTS: [&str; 5] = [
        "leave a comment",
        "leave a reply",
        "post a comment",
        "add a comment",
        "cancel reply",
    ];
    const NOTICES: [&str; 2] = [
        "your email address will not be published",
        "you must be logged in to post a comment",
    ];
    let bare = lower.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    PROMPTS
        .iter()
        .any(|p| bare.starts_with(p) && bare.split_whitespace().count() <= 5)
        || NOTICES.iter().any(|n| lower.starts_with(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_trail_is_a_breadcrumb() {
        let line = "Home » World » The Free Russian Legion";
        assert_eq!(classify(line), Some(DropReason::Breadcrumb));
        assert_eq!(breadcrumb_tail(line), Some("The Free Russian Legion"));
    }

    #[test]
    fn a_sentence_with_one_arrow_is_not_a_breadcrumb() {
        assert_eq!(classify("Prices rose > 5 percent in May."), None);
    }

    #[test]
    fn comment_form_and_akismet_lines_are_dropped() {
        assert_eq!(classify("Leave a Comment"), Some(DropReason::CommentForm));
        assert_eq!(
            classify(
                "This site uses Akismet to reduce spam. Learn how your comment data is processed."
            ),
            Some(DropReason::SpamNotice)
        );
    }

    #[test]
    fn a_paragraph_about_comments_is_kept() {
        assert_eq!(
            classify("Leave a comment, he said, and then he walked away."),
            None
        );
        assert_eq!(
            classify("Leave a Reply Cancel reply"),
            Some(DropReason::CommentForm)
        );
    }
}
