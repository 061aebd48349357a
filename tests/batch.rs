//! Batch runs: several articles and utterances at once, the utterance cache, and output that
//! does not depend on either.

use std::path::{Path, PathBuf};

use crate::common::{articast, files_in, sample};
use predicates::prelude::*;

/// Every file of `a` has a byte-identical twin in `b`, and the two hold the same names.
fn same_files(a: &Path, b: &Path) {
    assert_eq!(files_in(a), files_in(b));
    for name in files_in(a) {
        let same = std::fs::read(a.join(&name)).unwrap() == std::fs::read(b.join(&name)).unwrap();
        assert!(
            same,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn three_sections() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt")
}

fn render(out: &Path, flags: &[&str], engine: Option<&str>) -> String {
    let mut cmd = articast();
    cmd.args(["render", "-q", "-o"]).arg(out).args(flags);
    if let Some(engine) = engine {
        cmd.args(["--engine", engine]);
    }
    let assert = cmd.arg(sample()).arg(three_sections()).assert().success();
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

#[test]
fn jobs_and_the_cache_change_no_byte_of_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache = cache.to_str().unwrap();
    let one = dir.path().join("one");
    render(&one, &["-j", "1", "--no-cache"], Some("fake"));
    let many = dir.path().join("many");
    let first = render(&many, &["-j", "3", "--cache-dir", cache], Some("fake"));
    assert!(!first.contains("from the cache"), "{first}");
    let cached = dir.path().join("cached");
    let again = render(&cached, &["-j", "2", "--cache-dir", cache], Some("fake"));
    assert!(again.contains("from the cache"), "{again}");
    same_files(&one, &many);
    same_files(&one, &cached);
}

#[cfg(feature = "espeak")]
#[test]
fn espeak_ng_speaks_the_same_with_any_jobs_and_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let run = |out: &Path, flags: &[&str]| {
        articast()
            .args(["render", "-q", "--sidecars", "timing", "-o"])
            .arg(out)
            .args(flags)
            .arg(three_sections())
            .assert()
            .success();
    };
    run(&dir.path().join("one"), &["-j", "1", "--no-cache"]);
    run(
        &dir.path().join("four"),
        &["-j", "4", "--cache-dir", cache.to_str().unwrap()],
    );
    run(
        &dir.path().join("cached"),
        &["-j", "1", "--cache-dir", cache.to_str().unwrap()],
    );
    same_files(&dir.path().join("one"), &dir.path().join("four"));
    same_files(&dir.path().join("one"), &dir.path().join("cached"));
}

#[test]
fn articles_rendered_at_once_are_reported_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(three_sections()).unwrap();
    let inputs: Vec<PathBuf> = ["e", "d", "c", "b", "a"]
        .iter()
        .map(|name| {
            let path = dir.path().join(format!("{name}.txt"));
            std::fs::write(&path, &text).unwrap();
            path
        })
        .collect();
    let out = dir.path().join("out");
    let assert = articast()
        .args([
            "render",
            "-q",
            "--engine",
            "fake",
            "-j",
            "3",
            "--sidecars",
            "none",
            "-o",
        ])
        .arg(&out)
        .args(&inputs)
        .arg(dir.path().join("missing.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt: no such file"));
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let order: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.split(": wrote").next().filter(|_| l.contains(": wrote")))
        .map(|name| name.rsplit('/').next().unwrap_or(name))
        .collect();
    assert_eq!(
        order,
        ["e.txt", "d.txt", "c.txt", "b.txt", "a.txt"],
        "{stderr}"
    );
    let first = std::fs::read(out.join("e.wav")).unwrap();
    assert!(
        ["d", "c", "b", "a"]
            .iter()
            .all(|n| std::fs::read(out.join(format!("{n}.wav"))).unwrap() == first)
    );
}

#[test]
fn a_folder_of_pages_renders_into_the_same_tree_under_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let page = "<html><head><title>A Page</title></head><body><article><h1>A Page</h1>\
                <p>This is the first paragraph of a page, long enough to be an article's text \
                and to be kept by the reader of pages.</p></article></body></html>";
    for folder in ["2024/one", "2024/two"] {
        std::fs::create_dir_all(site.join(folder)).unwrap();
        std::fs::write(site.join(folder).join("index.html"), page).unwrap();
    }
    std::fs::write(site.join("2024/notes.pdf"), "not an article").unwrap();
    let list = dir.path().join("more.list");
    std::fs::write(&list, "# one more\n\nsite/2024/one/index.html\n").unwrap();
    let out = dir.path().join("out");
    articast()
        .args([
            "render",
            "-q",
            "--engine",
            "fake",
            "--sidecars",
            "none",
            "-j",
            "2",
            "-o",
        ])
        .arg(&out)
        .arg(&site)
        .arg("--from-list")
        .arg(&list)
        .assert()
        .success()
        .stderr(predicate::str::contains("named site/2024/one/index").not());
    assert_eq!(files_in(&out.join("2024/one")), ["index.wav"]);
    assert_eq!(files_in(&out.join("2024/two")), ["index.wav"]);
    // The list's entry is named by its path as written in the list.
    assert_eq!(files_in(&out.join("site/2024/one")), ["index.wav"]);
}

#[test]
fn the_report_says_what_each_input_became_and_shards_share_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(three_sections()).unwrap();
    let inputs: Vec<PathBuf> = (1..=6)
        .map(|n| {
            let path = dir.path().join(format!("a{n}.txt"));
            std::fs::write(&path, &text).unwrap();
            path
        })
        .collect();
    let out = dir.path().join("out");
    let report = dir.path().join("report.json");
    let mut written = Vec::new();
    for shard in ["1/2", "2/2"] {
        articast()
            .args([
                "render",
                "-q",
                "--engine",
                "fake",
                "--sidecars",
                "none",
                "--shard",
                shard,
            ])
            .arg("--report")
            .arg(&report)
            .arg("-o")
            .arg(&out)
            .args(&inputs)
            .assert()
            .success();
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        assert_eq!(doc["failed"], 0);
        for article in doc["articles"].as_array().unwrap() {
            assert_eq!(article["status"], "rendered");
            written.push(article["name"].as_str().unwrap().to_string());
        }
    }
    written.sort();
    assert_eq!(
        written,
        ["a1", "a2", "a3", "a4", "a5", "a6"],
        "every input once"
    );
    let missing = dir.path().join("gone.txt");
    articast()
        .args([
            "render",
            "-q",
            "--engine",
            "fake",
            "--sidecars",
            "none",
            "--report",
        ])
        .arg(&report)
        .arg("-o")
        .arg(&out)
        .arg(&inputs[0])
        .arg(&missing)
        .assert()
        .code(2);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(
        (doc["rendered"].as_u64(), doc["failed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(doc["articles"][1]["status"], "failed");
    assert_eq!(doc["articles"][1]["exit_code"], 2);
    assert!(
        doc["articles"][0]["timings_seconds"]["total"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}
