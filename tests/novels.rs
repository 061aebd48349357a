//! Dialogue and who says it, scored on the four annotated novels of the corpus
//! (`../shared/corpus/novels`) by `../shared/tools/quote_score.py`, which runs
//! `articast inspect --json` on each and compares its quotation spans and speakers with the
//! annotations. Without the corpus the test fails unless `ARTICAST_SKIP_CORPUS=1`.

use std::path::Path;
use std::process::Command;

use crate::common;
use crate::corpus::corpus_dir;

/// The figures of the score's last line: recall, precision, attribution, wrong.
fn figures(out: &str) -> Option<[f64; 4]> {
    let last = out.lines().rev().find(|l| l.starts_with("recall "))?;
    let words: Vec<&str> = last.split_whitespace().collect();
    let value = |key: &str| -> Option<f64> {
        let i = words.iter().position(|w| *w == key)?;
        words.get(i + 1)?.parse().ok()
    };
    Some([
        value("recall")?,
        value("precision")?,
        value("attribution")?,
        value("wrong")?,
    ])
}

#[test]
fn novels_dialogue_is_found_and_attributed() {
    let Some(dir) = corpus_dir("novels") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/quote_score.py");
    let bin = assert_cmd::cargo::cargo_bin("articast");
    let out = Command::new(common::python())
        .arg(&script)
        .arg(&bin)
        .arg(&dir)
        .args([
            "--min-recall",
            "0.98",
            "--min-precision",
            "0.95",
            "--min-attrib",
            "0.88",
        ])
        .output()
        .expect("python3 runs quote_score.py");
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    let [recall, precision, attribution, wrong] =
        figures(&text).expect("quote_score.py prints its figures");
    assert!(out.status.success(), "below the thresholds: {text}");
    assert!(recall >= 0.98 && precision >= 0.95 && attribution >= 0.88);
    assert!(wrong <= 0.05, "wrong speakers {wrong:.3}");
}

#[test]
fn the_score_line_is_read() {
    assert_eq!(
        figures("x\nrecall 0.9 precision 0.8 attribution 0.7 wrong 0.1 novels 4 failures 0\n"),
        Some([0.9, 0.8, 0.7, 0.1])
    );
}
