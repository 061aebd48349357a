//! Hard-wrapped text: a Project Gutenberg book and an e-mail newsletter, both wrapped at about
//! 72 columns, render with their paragraphs intact; the book's licence header and footer are
//! dropped with their reason and its chapters are sections.

use std::path::{Path, PathBuf};

use crate::common::articast;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn inspect(path: &Path) -> serde_json::Value {
    let out = articast()
        .args(["inspect", "--json"])
        .arg(path)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn texts<'a>(json: &'a serde_json::Value, kind: &str) -> Vec<&'a str> {
    json["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == kind)
        .map(|b| b["text"].as_str().unwrap())
        .collect()
}

/// Every paragraph starts as a paragraph does (not in the middle of a sentence) and no line
/// break of the source survives inside it.
fn assert_whole(paragraphs: &[&str]) {
    for p in paragraphs {
        let first = p.chars().next().unwrap();
        assert!(!first.is_lowercase(), "starts mid-sentence: {p}");
        assert!(!p.contains('\n'), "a line break inside: {p}");
    }
}

#[test]
fn a_gutenberg_book_keeps_its_paragraphs_and_drops_its_licence() {
    let book = fixture("gutenberg-sign-of-four.txt");
    let json = inspect(&book);
    assert_eq!(json["title"], "The Sign of the Four");
    assert_eq!(json["byline"], "Arthur Conan Doyle");
    let paragraphs = texts(&json, "paragraph");
    assert_whole(&paragraphs);
    assert!(paragraphs[0].starts_with("Sherlock Holmes took his bottle"));
    assert!(
        paragraphs[0].ends_with(
            "sank back into the velvet-lined arm-chair with a long sigh of satisfaction."
        )
    );
    assert_eq!(
        texts(&json, "heading"),
        vec![
            "Chapter I. The Science of Deduction",
            "Chapter II. The Statement of the Case"
        ]
    );
    let dropped = json["dropped"].as_array().unwrap();
    let licence: Vec<&serde_json::Value> = dropped
        .iter()
        .filter(|d| d["reason"] == "gutenberg")
        .collect();
    assert!(
        licence
            .iter()
            .any(|d| d["text"].as_str().unwrap().starts_with("*** START OF"))
    );
    assert!(
        licence
            .iter()
            .any(|d| d["text"].as_str().unwrap().starts_with("*** END OF"))
    );
    assert!(!paragraphs.iter().any(|p| p.contains("Project Gutenberg")));
}

#[test]
fn a_wrapped_newsletter_keeps_its_paragraphs_and_drops_its_mailing_lines() {
    let json = inspect(&fixture("newsletter-wrapped.txt"));
    assert_eq!(json["title"], "THE RIVERSIDE LETTER -- Issue 41");
    let paragraphs = texts(&json, "paragraph");
    assert_whole(&paragraphs);
    assert!(
        paragraphs
            .iter()
            .any(|p| p.starts_with("The spring flood came")
                && p.ends_with("until the last bus had gone."))
    );
    assert_eq!(texts(&json, "heading"), vec!["What happens next"]);
    for gone in ["in your browser", "Unsubscribe", "You are receiving"] {
        assert!(
            !paragraphs.iter().any(|p| p.contains(gone)),
            "{gone} is spoken"
        );
    }
}

#[test]
fn a_gutenberg_book_renders() {
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args(["render", "--engine", "fake", "-o"])
        .arg(dir.path())
        .arg(fixture("gutenberg-sign-of-four.txt"))
        .assert()
        .success();
    assert!(dir.path().join("gutenberg-sign-of-four.wav").is_file());
}
