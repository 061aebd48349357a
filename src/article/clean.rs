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
    /// A menu, navigation or other line that does not read as the article's prose.
    Navigation,
    /// A sharing prompt ("Share", "Tweet", "Share on Facebook").
    Share,
    /// A subscription or newsletter prompt, or a log-in link.
    Subscribe,
    /// An advertisement label or sponsored line.
    Advertisement,
    /// A cookie or privacy notice.
    Cookie,
    /// A copyright or legal footer line.
    Copyright,
    /// A "Read more" / "Related" link or a list of other stories.
    Related,
    /// A photo caption or picture credit.
    Caption,
    /// A teaser of another story, cut off with an ellipsis.
    Teaser,
    /// A line the page prints more than once (gallery captions, menus, promotions).
    Repeated,
    /// A run of short widget lines inside the article ("Full Screen", "Autoplay", "1 of 12").
    Widget,
    /// A note about the author at the end ("Jane Doe is a reporter for ...").
    AuthorBio,
    /// Page text before the article starts.
    BeforeArticle,
    /// Page text after the article ends (comments, related stories, footer).
    AfterArticle,
    /// The Project Gutenberg header or footer around a book (licence, credits).
    Gutenberg,
    /// Left out of an HTML page by the extraction (a caption, a promotion, an aside).
    NotInArticle,
}

impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            DropReason::Breadcrumb => "breadcrumb",
            DropReason::RepeatedTitle => "repeated title",
            DropReason::CommentForm => "comment form",
            DropReason::SpamNotice => "spam notice",
            DropReason::Navigation => "navigation",
            DropReason::Share => "share prompt",
            DropReason::Subscribe => "subscribe prompt",
            DropReason::Advertisement => "advertisement",
            DropReason::Cookie => "cookie notice",
            DropReason::Copyright => "copyright",
            DropReason::Related => "related links",
            DropReason::Caption => "caption or credit",
            DropReason::Teaser => "teaser",
            DropReason::Repeated => "repeated on the page",
            DropReason::Widget => "widget",
            DropReason::AuthorBio => "author note",
            DropReason::BeforeArticle => "before the article",
            DropReason::AfterArticle => "after the article",
            DropReason::Gutenberg => "Project Gutenberg header or footer",
            DropReason::NotInArticle => "left out of the page's article",
        };
        f.write_str(text)
    }
}

/// Separators that join the items of a breadcrumb trail.
const CRUMB_SEPARATORS: [&str; 4] = [" » ", " › ", " > ", " / "];

/// The reason to drop `line`, if it is boilerplate on its own.
pub fn classify(line: &str) -> Option<DropReason> {
    let lower = line.trim().to_lowercase();
    let words = lower.split_whitespace().count();
    if is_breadcrumb(line) {
        Some(DropReason::Breadcrumb)
    } else if is_comment_form(&lower) {
        Some(DropReason::CommentForm)
    } else if lower.contains("akismet") || lower.starts_with("learn how your comment data") {
        Some(DropReason::SpamNotice)
    } else if is_copyright(&lower, words) {
        Some(DropReason::Copyright)
    } else if words <= 150 && lower.contains("cookie") && phrase(&lower, COOKIE) {
        Some(DropReason::Cookie)
    } else if words <= 6 && all_words_in(&lower, SHARE_WORDS) {
        Some(DropReason::Share)
    } else if words <= 4 && all_words_in(&lower, AD_WORDS) {
        Some(DropReason::Advertisement)
    } else if words <= 4
        && starts(
            &lower,
            &["view ", "see more", "show more", "load more", "skip "],
        )
    {
        Some(DropReason::Navigation)
    } else if (words <= 20 && phrase(&lower, SUBSCRIBE))
        || (words <= 35 && starts(&lower, SUBSCRIBE))
    {
        Some(DropReason::Subscribe)
    } else if words <= 40 && (starts(&lower, RELATED) || lower.ends_with("read more")) {
        Some(DropReason::Related)
    } else if words <= 40 && repeats_itself(&lower) {
        Some(DropReason::Teaser)
    } else if words <= 40 && (starts(&lower, CAPTION_START) || phrase(&lower, CAPTION)) {
        Some(DropReason::Caption)
    } else if words <= 25
        && (lower.ends_with('…') || lower.ends_with("..."))
        && !lower.contains(". ")
    {
        Some(DropReason::Teaser)
    } else if words <= 25 && phrase(&lower, SYNDICATION) {
        Some(DropReason::Related)
    } else if is_timestamp(&lower) {
        Some(DropReason::Navigation)
    } else {
        None
    }
}

/// Lines that say where the article was first published ("This article originally appeared on
/// The Atlantic.").
const SYNDICATION: &[&str] = &[
    "originally appeared on",
    "originally appeared in",
    "originally published on",
    "originally published in",
    "was first published on",
    "was first published in",
];

/// A line that is only a time, or a date and a time ("1:39 PM ET", "3/09/15 8:00am").
fn is_timestamp(lower: &str) -> bool {
    static TIME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:(?:\d{1,2}/\d{1,2}/\d{2,4}|updated|posted|published)\s+)?\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?(?:\s+\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?$",
        )
        .expect("the time pattern is valid")
    });
    TIME.is_match(lower.trim())
}

/// Whether `line` opens what follows an article: comments, related stories, and the like.
/// Only a line of its own counts ("Related: <a story>" inside an article does not).
pub fn opens_after_article(line: &str) -> bool {
    const OPENERS: [&str; 31] = [
        "more stories",
        "other stories",
        "related coverage",
        "reply",
        "replies",
        "discussion",
        "responses",
        "comments",
        "comment",
        "leave a comment",
        "leave a reply",
        "join the conversation",
        "show comments",
        "view comments",
        "related",
        "related articles",
        "related stories",
        "related posts",
        "related content",
        "recommended",
        "recommended for you",
        "you may also like",
        "you might also like",
        "most popular",
        "most read",
        "read next",
        "more stories",
        "trending",
        "trending now",
        "what to read next",
        "around the web",
    ];
    let lower = line.trim().to_lowercase();
    let bare = lower
        .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace() || c.is_numeric())
        .to_string();
    OPENERS.contains(&bare.as_str())
        || (bare.starts_with("more from ") && bare.split_whitespace().count() <= 5)
}

/// Whether `line` opens a box that may stand inside an article ("Related coverage",
/// "Recommended"), unlike the comments and the page's own modules ("Most popular", "More
/// stories"), which come after it.
pub fn opens_inline_box(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    let bare = lower
        .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace() || c.is_numeric());
    bare.starts_with("related") || bare.starts_with("recommended")
}

const COPYRIGHT: &[&str] = &[
    "©",
    "copyright",
    "all rights reserved",
    "terms of use",
    "privacy policy",
];
const COOKIE: &[&str] = &[
    "use cookies",
    "uses cookies",
    "cookie policy",
    "accept cookies",
    "cookie settings",
];
const SHARE_WORDS: &[&str] = &[
    "share",
    "this",
    "on",
    "tweet",
    "email",
    "e-mail",
    "print",
    "pin",
    "it",
    "facebook",
    "twitter",
    "linkedin",
    "whatsapp",
    "reddit",
    "pinterest",
    "copy",
    "link",
    "bookmark",
    "save",
    "comment",
    "comments",
    "article",
    "story",
    "via",
    "messenger",
    "flipboard",
    "sms",
    "the",
    "x",
];
const AD_WORDS: &[&str] = &[
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "sponsored",
    "content",
    "paid",
    "partner",
    "promoted",
    "sponsor",
    "story",
    "-",
    "by",
];
const SUBSCRIBE: &[&str] = &[
    "subscribe",
    "newsletter",
    "sign up",
    "sign in",
    "log in",
    "login",
    "create an account",
    "in your inbox",
    "get our app",
    "download the app",
    "in your browser",
    "you are receiving this",
    "you received this email",
    "update your preferences",
];
const RELATED: &[&str] = &[
    "related:",
    "related story:",
    "related article:",
    "read more",
    "read also",
    "see also",
    "also read",
    "more:",
    "watch:",
    "video:",
    "click here",
    "continue reading",
    "more on this story",
    "check out more",
    "more articles",
];
const CAPTION_START: &[&str] = &[
    "photo:",
    "photo by ",
    "photos:",
    "image:",
    "image copyright",
    "image caption",
    "photograph:",
    "illustration:",
    "credit:",
    "(photo",
    "picture:",
    "pictured:",
    "media caption",
    "map:",
    "graphic:",
    "chart:",
    "video:",
];
const CAPTION: &[&str] = &[
    "getty images",
    "/ getty",
    "/getty",
    "associated press",
    "/ reuters",
    "/reuters",
    "/ ap",
    "/ap photo",
    "shutterstock",
    "(photo:",
    "photo credit",
];

/// "Headline Headline Headline": a link text repeated by the page's markup. The repeated
/// opening must hold four different words, so prose that happens to repeat a short phrase
/// ("Soldiers and officials, soldiers and officials, ...") is not taken for one.
/// A link's title printed twice by the page's markup: its opening words come again, with no
/// sentence ending before they do (a paragraph that says one sentence twice is still prose).
fn repeats_itself(lower: &str) -> bool {
    let head: String = lower.chars().take(24).collect();
    let distinct: std::collections::HashSet<&str> = head.split_whitespace().collect();
    if head.chars().count() < 12 || distinct.len() < 4 {
        return false;
    }
    let skip = lower.chars().next().map_or(0, char::len_utf8);
    let Some(again) = lower[skip..].find(head.as_str()) else {
        return false;
    };
    let before = lower[..skip + again].trim_end();
    !before.ends_with(['.', '!', '?', '…'])
}

/// A copyright or legal footer line: one that opens with "©" or "Copyright" or reserves the
/// rights, or a short one that names them ("Terms of Use | Privacy Policy"). A sentence of the
/// article that mentions copyright, or holds a "™©" in jest, is none.
fn is_copyright(lower: &str, words: usize) -> bool {
    let opens = lower.starts_with('©') || lower.starts_with("copyright");
    ((opens || lower.contains("all rights reserved")) && (words <= 40 || lower.starts_with('©')))
        || (words <= COPYRIGHT_WORDS && phrase(lower, COPYRIGHT))
}

/// Words up to which a line that names copyright or the site's terms is its footer.
const COPYRIGHT_WORDS: usize = 12;

fn phrase(lower: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| lower.contains(p))
}

fn starts(lower: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| lower.starts_with(p))
}

fn all_words_in(lower: &str, words: &[&str]) -> bool {
    let mut any = false;
    for word in lower.split(|c: char| c.is_whitespace() || c == '/' || c == '|') {
        let word = word.trim_matches(|c: char| c.is_ascii_punctuation() && c != '-');
        if word.is_empty() {
            continue;
        }
        if !words.contains(&word) {
            return false;
        }
        any = true;
    }
    any
}

/// The last item of a breadcrumb trail (often the headline), if `line` is one.
pub fn breadcrumb_tail(line: &str) -> Option<&str> {
    CRUMB_SEPARATORS
        .iter()
        .filter_map(|sep| line.rsplit_once(sep))
        .map(|(_, tail)| tail.trim())
        .min_by_key(|tail| tail.len())
}

/// A navigation trail: three or more short items ("Home » World » The Headline"), or two that
/// start at "Home".
pub fn is_breadcrumb(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    // Each item of a trail is a short link (the last may be the headline); French quotation
    // marks (« … ») are no separators.
    CRUMB_SEPARATORS.iter().any(|sep| {
        let parts: Vec<usize> = line
            .split(sep)
            .map(|item| item.split_whitespace().count())
            .collect();
        let items = parts.len();
        let short =
            parts.iter().rev().skip(1).all(|&n| n <= 6) && parts.last().is_some_and(|&n| n <= 20);
        short && (items >= 3 || (items == 2 && first.eq_ignore_ascii_case("home")))
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
    fn a_french_quotation_is_not_a_breadcrumb() {
        let line = "Il s’agit de « la sécurité nationale » et de « la prévention du terrorisme » \
                    pour les services de renseignement, selon le texte adopté mardi.";
        assert_eq!(classify(line), None);
    }

    #[test]
    fn timestamps_and_syndication_lines_are_not_the_article() {
        assert_eq!(classify("1:39 PM ET"), Some(DropReason::Navigation));
        assert_eq!(
            classify("3/09/15 8:00am 3/09/15 8:00am"),
            Some(DropReason::Navigation)
        );
        assert_eq!(
            classify("This article originally appeared on The Atlantic."),
            Some(DropReason::Related)
        );
        assert_eq!(classify("At 1:39 the train left the station."), None);
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
    fn share_and_ad_labels_are_dropped_but_prose_mentioning_them_is_not() {
        assert_eq!(classify("Share on Facebook"), Some(DropReason::Share));
        assert_eq!(classify("Tweet"), Some(DropReason::Share));
        assert_eq!(classify("ADVERTISEMENT"), Some(DropReason::Advertisement));
        assert_eq!(
            classify("She decided to share the money with her brother."),
            None
        );
    }

    #[test]
    fn a_sentence_that_mentions_copyright_is_no_footer() {
        assert_eq!(
            classify(
                "This isn’t supposed to be a manifesto™© we just think it’s pretty cool to share \
                 what we’ve learned so far."
            ),
            None
        );
        assert_eq!(
            classify(
                "The copyright office ruled on Monday that the photographs were his and not the \
                 agency's."
            ),
            None
        );
        assert_eq!(
            classify("Copyright 2015 The Washington Post Company, and its licensors"),
            Some(DropReason::Copyright)
        );
        assert_eq!(
            classify("Terms of Use | Privacy Policy"),
            Some(DropReason::Copyright)
        );
    }

    #[test]
    fn footer_lines_and_captions_are_dropped() {
        assert_eq!(
            classify("© 2014 BuzzFeed, Inc"),
            Some(DropReason::Copyright)
        );
        assert_eq!(
            classify("Sign up for our newsletter"),
            Some(DropReason::Subscribe)
        );
        assert_eq!(
            classify("Photo: Jane Doe / Getty Images"),
            Some(DropReason::Caption)
        );
        assert_eq!(
            classify("23 choses que toutes les filles des années 2000…"),
            Some(DropReason::Teaser)
        );
    }

    #[test]
    fn a_link_title_repeated_by_the_markup_is_a_teaser_and_a_repeated_short_phrase_is_not() {
        assert_eq!(
            classify("How to Defeat the Urge to Binge Shop How to Defeat the Urge to Binge Shop"),
            Some(DropReason::Teaser)
        );
        assert_eq!(
            classify(
                "River officials soldiers river officials soldiers the the. The the the the the."
            ),
            None
        );
        assert_eq!(
            classify(
                "After found crossed they the the the the. After found crossed they the the the the."
            ),
            None
        );
    }

    #[test]
    fn a_heading_of_its_own_opens_the_after_article_part() {
        assert!(opens_after_article("Comments"));
        assert!(opens_after_article("42 Comments"));
        assert!(opens_after_article("More from Business"));
        assert!(!opens_after_article(
            "Related: Chicago is America's most segregated city"
        ));
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
