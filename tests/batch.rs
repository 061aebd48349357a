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
        assert_eq!(doc["summary"]["failed"], 0);
        for article in doc["articles"].as_array().unwrap() {
            assert_eq!(article["status"], "ok");
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
    // a1 was rendered by the first shard with the same settings: kept.
    assert_eq!(
        (
            doc["summary"]["skipped"].as_u64(),
            doc["summary"]["failed"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(doc["articles"][0]["status"], "skipped");
    assert_eq!(doc["articles"][1]["status"], "failed");
    assert_eq!(doc["articles"][1]["exit_code"], 2);
    assert!(
        doc["articles"][1]["error"]
            .as_str()
            .unwrap()
            .contains("no such file")
    );
}

/// `text` with a tag made of `k` appended to every word of four letters or more: an article of
/// the same shape (paragraphs, quotations, sentences) whose every utterance is its own.
fn tagged(text: &str, k: usize) -> String {
    let tag: String = format!(
        "q{}{}",
        (b'a' + (k / 26) as u8) as char,
        (b'a' + (k % 26) as u8) as char
    );
    let mut out = String::with_capacity(text.len() * 2);
    let mut run = 0;
    for c in text.chars() {
        if c.is_alphabetic() {
            run += 1;
        } else {
            if run >= 4 {
                out.push_str(&tag);
            }
            run = 0;
        }
        out.push(c);
    }
    if run >= 4 {
        out.push_str(&tag);
    }
    out
}

fn read_report(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The sum of a number field over the report's articles of one status.
fn total(report: &serde_json::Value, status: &str, field: &str) -> u64 {
    report["articles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == status)
        .map(|a| a[field].as_u64().unwrap())
        .sum()
}

/// The entries of a cache folder (`<2 hex>/<62 hex>.speech`).
fn cache_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries = Vec::new();
    for folder in std::fs::read_dir(dir).unwrap().flatten() {
        for file in std::fs::read_dir(folder.path()).unwrap().flatten() {
            if file.path().extension().is_some_and(|e| e == "speech") {
                entries.push(file.path());
            }
        }
    }
    entries.sort();
    entries
}

/// Checks every entry's header against its contents with the blake3 crate (not articast's
/// reader), then asks `articast cache verify` too.
fn every_entry_verifies(dir: &Path) {
    let entries = cache_entries(dir);
    assert!(!entries.is_empty());
    for entry in &entries {
        let bytes = std::fs::read(entry).unwrap();
        let end = bytes.iter().position(|&b| b == b'\n').unwrap();
        let header = std::str::from_utf8(&bytes[..end]).unwrap();
        let fields: Vec<&str> = header.split(' ').collect();
        assert_eq!(fields[..2], ["articast-speech", "2"], "{}", entry.display());
        let payload = &bytes[end + 1..];
        assert_eq!(fields[3].parse::<usize>().unwrap(), payload.len());
        assert_eq!(fields[2], blake3::hash(payload).to_hex().as_str());
    }
    articast()
        .args(["cache", "verify", "--cache-dir"])
        .arg(dir)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "{0} of {0} entries",
            entries.len()
        )));
}

/// Every file under `dir`, at any depth (paths relative to it).
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            match entry.file_type().unwrap().is_dir() {
                true => folders.push(entry.path()),
                false => files.push(entry.path().strip_prefix(dir).unwrap().to_path_buf()),
            }
        }
    }
    files.sort();
    files
}

/// A WAV that hound reads to its last sample, with as many samples as its header says.
fn wav_is_whole(path: &Path) {
    let mut reader =
        hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let expected = reader.len() as usize;
    let read = reader.samples::<i32>().map(Result::unwrap).count();
    assert!(expected > 0 && read == expected, "{}", path.display());
}

#[test]
fn shards_run_at_once_over_one_cache_share_the_batch_and_its_entries() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(three_sections()).unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    for k in 0..12 {
        // A third are the same article: the shards write the same entries at the same time.
        let body = if k % 3 == 0 {
            text.clone()
        } else {
            tagged(&text, k)
        };
        std::fs::write(articles.join(format!("a{k:02}.txt")), body).unwrap();
    }
    let cache = dir.path().join("cache");
    let out = dir.path().join("out");
    let shards = 3;
    let children: Vec<_> = (1..=shards)
        .map(|k| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("articast"))
                .args([
                    "render",
                    "-q",
                    "--engine",
                    "fake",
                    "--sidecars",
                    "json",
                    "-j",
                    "1",
                ])
                .arg("--shard")
                .arg(format!("{k}/{shards}"))
                .arg("--cache-dir")
                .arg(&cache)
                .arg("--report")
                .arg(dir.path().join(format!("report-{k}.json")))
                .arg("-o")
                .arg(&out)
                .arg(&articles)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut done: Vec<String> = Vec::new();
    for k in 1..=shards {
        let report = read_report(&dir.path().join(format!("report-{k}.json")));
        for article in report["articles"].as_array().unwrap() {
            assert_eq!(article["status"], "ok", "{article}");
            done.push(article["name"].as_str().unwrap().to_string());
        }
    }
    done.sort();
    let all: Vec<String> = (0..12).map(|k| format!("a{k:02}")).collect();
    assert_eq!(done, all, "every article once, by one shard");
    for name in &all {
        wav_is_whole(&out.join(format!("{name}.wav")));
    }
    every_entry_verifies(&cache);
}

#[test]
fn a_damaged_cache_entry_is_spoken_again_with_a_warning_and_changes_no_byte() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let first = dir.path().join("first");
    render(&first, &["--cache-dir", cache_arg], Some("fake"));
    let entries = cache_entries(&cache);
    // One cut short (a copy that stopped half-way), one with a flipped bit.
    let bytes = std::fs::read(&entries[0]).unwrap();
    std::fs::write(&entries[0], &bytes[..bytes.len() / 2]).unwrap();
    let mut bytes = std::fs::read(&entries[1]).unwrap();
    let middle = bytes.len() - 7;
    bytes[middle] ^= 0x10;
    std::fs::write(&entries[1], &bytes).unwrap();
    let again = dir.path().join("again");
    let report = dir.path().join("report.json");
    let stderr = render(
        &again,
        &[
            "--cache-dir",
            cache_arg,
            "--report",
            report.to_str().unwrap(),
        ],
        Some("fake"),
    );
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: cache entry"))
        .collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(warnings.iter().any(|w| w.contains("truncated")), "{stderr}");
    assert!(warnings.iter().any(|w| w.contains("checksum")), "{stderr}");
    let doc = read_report(&report);
    assert_eq!(doc["summary"]["cache_corrupt"], 2);
    assert_eq!(
        doc["summary"]["cache_misses"], 2,
        "only the damaged entries are spoken again"
    );
    same_files(&first, &again);
    every_entry_verifies(&cache);
}

#[test]
fn the_cache_is_counted_cleared_and_pruned_to_a_size() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    render(
        &dir.path().join("out"),
        &["--cache-dir", cache.to_str().unwrap()],
        Some("fake"),
    );
    let entries = cache_entries(&cache);
    let bytes: u64 = entries
        .iter()
        .map(|e| std::fs::metadata(e).unwrap().len())
        .sum();
    let stats = || {
        let assert = articast()
            .args(["cache", "stats", "--cache-dir"])
            .arg(&cache)
            .assert()
            .success();
        String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
    };
    let shown = stats();
    assert!(
        shown.contains(&format!("entries: {}\n", entries.len())),
        "{shown}"
    );
    assert!(shown.contains(&format!("({bytes} bytes)")), "{shown}");
    assert!(shown.contains(cache.to_str().unwrap()), "{shown}");
    // The cache folder also comes from the environment.
    articast()
        .env("ARTICAST_CACHE_DIR", &cache)
        .args(["cache", "stats"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "entries: {}",
            entries.len()
        )));
    // Half the size: the entries used longest ago go first.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7 * 86_400);
    for entry in &entries[..entries.len() / 2] {
        let file = std::fs::File::options().write(true).open(entry).unwrap();
        file.set_modified(old).unwrap();
    }
    let half = entries[entries.len() / 2..]
        .iter()
        .map(|e| std::fs::metadata(e).unwrap().len())
        .sum::<u64>();
    articast()
        .args(["cache", "prune", "--max-size"])
        .arg(half.to_string())
        .arg("--cache-dir")
        .arg(&cache)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "removed {} least recently used entries",
            entries.len() / 2
        )));
    assert_eq!(cache_entries(&cache), entries[entries.len() / 2..]);
    articast()
        .args(["cache", "prune", "--max-size", "1K"])
        .arg("--cache-dir")
        .arg(&cache)
        .assert()
        .success();
    let left: u64 = cache_entries(&cache)
        .iter()
        .map(|e| std::fs::metadata(e).unwrap().len())
        .sum();
    assert!(left <= 1024, "{left}");
    articast()
        .args(["cache", "prune", "--max-size", "lots", "--cache-dir"])
        .arg(&cache)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'lots' is not a size"));
    articast()
        .args(["cache", "clear", "--cache-dir"])
        .arg(&cache)
        .assert()
        .success();
    assert!(cache_entries(&cache).is_empty());
    assert!(stats().contains("entries: 0\n"));
}

#[test]
fn unchanged_outputs_are_kept_and_force_renders_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("story.txt");
    std::fs::copy(three_sections(), &input).unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("report.json");
    let run = |extra: &[&str]| {
        articast()
            .args([
                "render",
                "-q",
                "--engine",
                "fake",
                "--sidecars",
                "json,cue",
                "--report",
            ])
            .arg(&report)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .arg(&input)
            .assert()
            .success();
        let doc = read_report(&report);
        doc["articles"][0]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(run(&[]), "ok");
    let wav = out.join("story.wav");
    let written = std::fs::metadata(&wav).unwrap().modified().unwrap();
    let first = read_report(&report);
    assert_eq!(run(&[]), "skipped");
    let kept = read_report(&report);
    assert_eq!(
        std::fs::metadata(&wav).unwrap().modified().unwrap(),
        written,
        "not rewritten"
    );
    assert_eq!(
        kept["articles"][0]["outputs"],
        first["articles"][0]["outputs"]
    );
    assert_eq!(
        kept["articles"][0]["audio_seconds"],
        first["articles"][0]["audio_seconds"]
    );
    assert_eq!(
        kept["articles"][0]["markers"],
        first["articles"][0]["markers"]
    );
    assert_eq!(run(&["-j", "3"]), "skipped", "--jobs changes no byte");
    assert_eq!(run(&["--force"]), "ok");
    assert_eq!(run(&["--loudness", "-20"]), "ok", "another setting");
    assert_eq!(run(&["--loudness", "-20"]), "skipped");
    std::fs::remove_file(out.join("story.cue")).unwrap();
    assert_eq!(run(&["--loudness", "-20"]), "ok", "a file of it is missing");
    std::fs::write(
        &input,
        std::fs::read_to_string(&input).unwrap() + "\nOne more line.\n",
    )
    .unwrap();
    assert_eq!(run(&["--loudness", "-20"]), "ok", "the input changed");
}

#[test]
fn an_interrupted_batch_run_again_speaks_only_what_was_not_finished() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(three_sections()).unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    let count = 41;
    for k in 0..count {
        std::fs::write(articles.join(format!("a{k:02}.txt")), tagged(&text, k)).unwrap();
    }
    let (out, cache) = (dir.path().join("out"), dir.path().join("cache"));
    let report = dir.path().join("report.json");
    let command = || {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("articast"));
        cmd.args([
            "render",
            "-q",
            "--engine",
            "fake",
            "--sidecars",
            "json,srt",
            "--loudness",
            "off",
            "-j",
            "2",
        ])
        .arg("--cache-dir")
        .arg(&cache)
        .arg("--report")
        .arg(&report)
        .arg("-o")
        .arg(&out)
        .arg(&articles);
        cmd
    };
    let wavs = |out: &Path| -> usize {
        std::fs::read_dir(out).map_or(0, |d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "wav"))
                .count()
        })
    };
    let no_partial_files = |out: &Path| {
        for file in tree(out) {
            let name = file.to_string_lossy().into_owned();
            let ours = name.ends_with(".wav")
                || name.ends_with(".json")
                || name.ends_with(".srt")
                || (name.starts_with('.') && name.ends_with(".articast"));
            assert!(ours, "left behind: {name}");
            if name.ends_with(".wav") {
                wav_is_whole(&out.join(&file));
            }
        }
    };
    for round in 1..=2 {
        let child = command()
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Random-ish moments: after a few articles are written, and a little more.
        let wanted = 2 * round;
        let began = std::time::Instant::now();
        while wavs(&out) < wanted && began.elapsed().as_secs() < 120 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        std::thread::sleep(std::time::Duration::from_millis(u64::from(nanos % 300)));
        let killed = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{stderr}");
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains("run the same command again to resume"),
            "{stderr}"
        );
        no_partial_files(&out);
        // The report is written after an interruption too.
        let doc = read_report(&report);
        assert_eq!(doc["articles"].as_array().unwrap().len(), count);
        assert!(doc["summary"]["interrupted"].as_u64().unwrap() > 0);
        assert_eq!(doc["summary"]["exit_code"], 130);
    }
    let finished = wavs(&out);
    assert!(finished < count, "the runs were interrupted before the end");
    let entries_before = cache_entries(&cache).len();
    let output = command().output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    no_partial_files(&out);
    assert_eq!(wavs(&out), count);
    let doc = read_report(&report);
    let articles = doc["articles"].as_array().unwrap();
    assert_eq!(articles.len(), count, "an entry for every article");
    assert_eq!(doc["summary"]["skipped"].as_u64(), Some(finished as u64));
    assert_eq!(
        doc["summary"]["ok"].as_u64(),
        Some((count - finished) as u64)
    );
    // What was spoken before the interruptions came from the cache; every miss is an
    // utterance never spoken before (a new entry), so nothing was spoken twice.
    let (hits, misses) = (
        total(&doc, "ok", "cache_hits"),
        total(&doc, "ok", "cache_misses"),
    );
    assert!(
        hits > 0,
        "the articles under way when interrupted were resumed from the cache"
    );
    assert_eq!(
        misses as usize,
        cache_entries(&cache).len() - entries_before
    );
    every_entry_verifies(&cache);
}

#[test]
fn editing_one_paragraph_speaks_only_that_paragraph_again() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(sample()).unwrap();
    // The paragraph: the first whose spans are a narration and a quotation or more.
    let assert = articast()
        .args(["inspect", "--json"])
        .arg(sample())
        .assert()
        .success();
    let inspected: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let paragraph = inspected["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == "paragraph" && b["spans"].as_array().unwrap().len() >= 3)
        .unwrap();
    let spans = paragraph["spans"].as_array().unwrap().len();
    let old = paragraph["text"].as_str().unwrap();
    assert!(
        text.contains(old),
        "the paragraph is in the file as written"
    );
    let edited = dir.path().join("free-russian-legion.txt");
    std::fs::write(&edited, text.replacen(old, &tagged(old, 7), 1)).unwrap();
    let cache = dir.path().join("cache");
    let run = |input: &Path, out: &str| {
        let report = dir.path().join(format!("{out}.json"));
        articast()
            .args([
                "render",
                "-q",
                "--engine",
                "fake",
                "--sidecars",
                "none",
                "--cache-dir",
            ])
            .arg(&cache)
            .arg("--report")
            .arg(&report)
            .arg("-o")
            .arg(dir.path().join(out))
            .arg(input)
            .assert()
            .success();
        let doc = read_report(&report);
        let article = &doc["articles"][0];
        (
            article["cache_hits"].as_u64().unwrap(),
            article["cache_misses"].as_u64().unwrap(),
        )
    };
    let (hits, misses) = run(&sample(), "cold");
    let utterances = hits + misses;
    assert!(misses > 0);
    let (hits, misses) = run(&edited, "edited");
    assert_eq!(
        misses, spans as u64,
        "one utterance per span of the edited paragraph"
    );
    assert_eq!(hits, utterances - spans as u64);
}
