//! Compares Rust readability implementations on the development corpus (`../shared/corpus`):
//! each one's extracted HTML is cut into blocks (paragraphs, headings, list items, ...) and
//! scored as the corpus README defines (recall of the reference paragraphs of 80 characters or
//! more; leakage, the share of extracted characters not in the reference, title and byline
//! excepted). This is the raw extraction, before articast's own article model.
//!
//!     cargo run --release --manifest-path scripts/compare-readability/Cargo.toml [CORPUS]

use std::path::Path;

fn squash(t: &str) -> String { t.split_whitespace().collect::<Vec<_>>().join(" ") }

fn blocks(html: &str) -> Vec<String> {
    let doc = dom_query::Document::from(html);
    let sel = "p, h1, h2, h3, h4, h5, h6, li, pre, td, figcaption, dd, dt, blockquote";
    let mut out = Vec::new();
    for node in doc.select(sel).nodes() {
        let s = dom_query::Selection::from(node.clone());
        if s.select(sel).length() > 0 { continue; }
        let t = squash(&s.text());
        if !t.is_empty() { out.push(t); }
    }
    out
}

fn score(blocks: &[String], expected: &str, title: &str, byline: &str) -> (f64, f64) {
    let reference: Vec<String> = expected.split("\n\n").map(squash).filter(|p| !p.is_empty()).collect();
    let exp = squash(expected);
    let all = blocks.join(" ");
    let long: Vec<&String> = reference.iter().filter(|p| p.chars().count() >= 80).collect();
    let found = long.iter().filter(|p| all.contains(p.as_str())).count();
    let (mut leaked, mut total) = (0usize, 0usize);
    for b in blocks {
        let n = b.chars().count(); total += n;
        let excepted = (!title.is_empty() && b == title) || (!byline.is_empty() && b.contains(byline));
        if !excepted && !exp.contains(b.as_str()) { leaked += n; }
    }
    (found as f64 / long.len().max(1) as f64, leaked as f64 / total.max(1) as f64)
}

fn main() {
    let arg = std::env::args().nth(1);
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/articles");
    let root = Path::new(arg.as_deref().unwrap_or(default));
    let mut names: Vec<_> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let libs = ["dom_smoothie", "libreadability", "readabilityrs", "legible"];
    let mut sums = vec![(0.0, 0.0, 0usize, std::time::Duration::ZERO); libs.len()];
    for dir in &names {
        let html = std::fs::read_to_string(dir.join("source.html")).unwrap();
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        let meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
        let title = squash(meta["title"].as_str().unwrap_or(""));
        let byline = squash(meta["byline"].as_str().unwrap_or(""));
        let mut line = format!("{:30}", dir.file_name().unwrap().to_string_lossy());
        for (k, lib) in libs.iter().enumerate() {
            let t0 = std::time::Instant::now();
            let content: Option<String> = match *lib {
                "dom_smoothie" => dom_smoothie::Readability::new(html.as_str(), None, None).ok().and_then(|mut r| r.parse().ok()).map(|a| a.content.to_string()),
                "libreadability" => libreadability::extract(&html, None).ok().map(|a| a.content),
                "readabilityrs" => readabilityrs::Readability::new(&html, None, None).ok().and_then(|r| r.parse()).and_then(|a| a.content),
                _ => legible::parse(&html, None, None).ok().map(|a| a.content),
            };
            sums[k].3 += t0.elapsed();
            let (r, l) = content.map(|c| score(&blocks(&c), &expected, &title, &byline)).unwrap_or((0.0, 1.0));
            sums[k].0 += r; sums[k].1 += l; sums[k].2 += 1;
            line += &format!(" {lib} {r:.3}/{l:.3}");
        }
        println!("{line}");
    }
    for (k, lib) in libs.iter().enumerate() {
        let n = sums[k].2 as f64;
        println!("{lib:15} mean recall {:.3} mean leakage {:.3} time {:?}", sums[k].0 / n, sums[k].1 / n, sums[k].3);
    }
}
