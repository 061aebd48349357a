//! Cleaning and extraction scored on the development corpus (`../shared/corpus`), as its README
//! defines: recall is the share of reference paragraphs of 80 characters or more whose text is
//! spoken; leakage is the share of spoken characters that come from page lines absent from the
//! reference (title and byline excepted).

use std::path::{Path, PathBuf};

use articast::article::{self, Article};
use articast::input::{self, Source};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/articles");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: no corpus at {}", dir.display());
        None
    }
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the render speaks as the article: every heading and paragraph, and the credits.
fn spoken_blocks(article: &Article) -> Vec<String> {
    let mut blocks = Vec::new();
    for section in &article.sections {
        blocks.extend(section.heading.iter().map(|h| squash(h)));
        blocks.extend(section.paragraphs.iter().map(|p| squash(&p.text)));
    }
    blocks.extend(article.credits.iter().map(|c| squash(c)));
    blocks
}

struct Score {
    recall: f64,
    leakage: f64,
}

fn score(article: &Article, expected: &str, byline: Option<&str>) -> Score {
    let reference: Vec<String> = expected_paragraphs(expected);
    let expected = squash(expected);
    let spoken = spoken_blocks(article);
    let all_spoken = spoken.join(" ");
    let long: Vec<&String> = reference
        .iter()
        .filter(|p| p.chars().count() >= 80)
        .collect();
    let found = long
        .iter()
        .filter(|p| all_spoken.contains(p.as_str()))
        .count();
    let title = article.title.as_deref().map(squash);
    let mut leaked = 0;
    let mut total = 0;
    for block in &spoken {
        let n = block.chars().count();
        total += n;
        let excepted = Some(block) == title.as_ref() || byline.is_some_and(|b| block.contains(b));
        if !excepted && !expected.contains(block.as_str()) {
            leaked += n;
        }
    }
    Score {
        recall: found as f64 / long.len().max(1) as f64,
        leakage: leaked as f64 / total.max(1) as f64,
    }
}

fn expected_paragraphs(expected: &str) -> Vec<String> {
    expected
        .split("\n\n")
        .map(squash)
        .filter(|p| !p.is_empty())
        .collect()
}

fn run(file: &str) -> Option<(f64, f64)> {
    let dir = corpus()?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    pages.sort();
    let (mut recall, mut leakage) = (0.0, 0.0);
    for page in &pages {
        let text = input::read(&Source::File(page.join(file))).expect("corpus pages are readable");
        let article = article::parse(&text).expect("every corpus page has an article");
        let expected = std::fs::read_to_string(page.join("expected.txt")).expect("expected.txt");
        let meta: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(page.join("meta.json")).expect("meta.json"),
        )
        .expect("JSON");
        let s = score(&article, &expected, meta["byline"].as_str());
        println!(
            "{:32} recall {:.3} leakage {:.3}",
            page.file_name().unwrap_or_default().to_string_lossy(),
            s.recall,
            s.leakage
        );
        recall += s.recall;
        leakage += s.leakage;
    }
    let n = pages.len() as f64;
    println!(
        "{file}: mean recall {:.3}, mean leakage {:.3}",
        recall / n,
        leakage / n
    );
    Some((recall / n, leakage / n))
}

#[test]
fn pasted_page_text_is_cleaned_to_the_article() {
    if let Some((recall, leakage)) = run("page.txt") {
        assert!(recall >= 0.95, "mean recall {recall:.3}");
        assert!(leakage <= 0.03, "mean leakage {leakage:.3}");
    }
}

#[test]
fn html_pages_are_reduced_to_the_article() {
    if let Some((recall, leakage)) = run("source.html") {
        assert!(recall >= 0.97, "mean recall {recall:.3}");
        assert!(leakage <= 0.02, "mean leakage {leakage:.3}");
    }
}
