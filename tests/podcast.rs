//! `articast podcast FEED -o DIR`: a feed of articles (RSS with full content, Atom, an item
//! whose article is only on its page, served on the loopback address by the test) turned into
//! episodes and a `feed.xml` that Python's feedparser reads as a podcast feed; a second run
//! renders only what is new; `--keep`; feeds and items that cannot be read.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use crate::common::{articast, python};

const BASE: &str = "https://cdn.example.com/gazette/";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name)
}

fn respond(mut stream: TcpStream) {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&request);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, kind, body): (&str, &str, Vec<u8>) = match path.as_str() {
        "/2024/ferry.html" => (
            "200 OK",
            "text/html; charset=utf-8",
            std::fs::read(fixture("ferry.html")).unwrap(),
        ),
        "/upland.atom" => (
            "200 OK",
            "application/atom+xml",
            std::fs::read(fixture("articles.atom")).unwrap(),
        ),
        _ => ("404 Not Found", "text/html", b"<h1>Not Found</h1>".to_vec()),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(header.as_bytes());
    let _ = stream.write_all(&body);
}

/// Starts the server; its address (`http://127.0.0.1:PORT`).
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || respond(stream));
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// The three-article RSS feed, its third item linked to the test's server, written into `dir`.
fn three_articles(dir: &Path, server: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixture("articles.rss"))
        .unwrap()
        .replace("{SERVER}", server);
    let path = dir.join("articles.rss");
    std::fs::write(&path, text).unwrap();
    path
}

/// The same feed with a fourth, newer item on top.
fn add_fourth_item(feed: &Path) {
    let fourth = r#"<item>
      <title>A New Bench on the Quay</title>
      <link>https://gazette.example.com/2024/bench</link>
      <guid isPermaLink="false">gazette-2024-0004</guid>
      <pubDate>Thu, 04 Jan 2024 08:00:00 GMT</pubDate>
      <content:encoded><![CDATA[
<p>A new oak bench has been put up on the quay in memory of the harbour master, who sat there every morning with his flask of tea and his binoculars, counting the boats out to the fishing grounds.</p>
<p>"He would have complained that it faces the wrong way," said his daughter at the small ceremony on Saturday, to laughter from the crowd that had gathered in the rain.</p>
<p>The bench was made by pupils at the high school from a tree that came down in the autumn storms, and carries a small brass plate with his name and the words he used to call to every boat that came in safely.</p>
]]></content:encoded>
    </item>
    <item>"#;
    let text = std::fs::read_to_string(feed)
        .unwrap()
        .replacen("<item>", fourth, 1);
    std::fs::write(feed, text).unwrap();
}

/// `articast podcast` with the fake engine.
fn podcast(feed: &Path, out: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = articast();
    cmd.args([
        "podcast",
        "-q",
        "--engine",
        "fake",
        "--base-url",
        BASE,
        "-o",
    ])
    .arg(out)
    .arg(feed)
    .args(extra);
    cmd
}

/// What feedparser (and the standard library's XML parser) read in a feed.
fn read_feed(path: &Path) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/read_feed.py");
    let out = std::process::Command::new(python())
        .arg(script)
        .arg(path)
        .output()
        .expect("python runs (see scripts/setup.sh)");
    assert!(
        out.status.success(),
        "read_feed.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from read_feed.py")
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn audio_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// The local file an enclosure URL points at.
fn local(out: &Path, url: &str) -> PathBuf {
    let name = url.strip_prefix(BASE).expect("under the base URL");
    assert!(!name.contains('/'), "{url}");
    out.join(name)
}

#[test]
fn three_articles_become_three_episodes_in_a_feed_that_feedparser_reads() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let feed = three_articles(dir.path(), &server);
    let out = dir.path().join("pod");
    let log = dir.path().join("run.json");
    let assert = podcast(&feed, &out, &["--report"])
        .arg(&log)
        .args([
            "--channel",
            "author=The Gazette Desk",
            "--channel",
            "category=News",
        ])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("3 episodes (3 rendered, 0 unchanged, 0 failed)"),
        "{stderr}"
    );
    assert_eq!(audio_files(&out, "mp3").len(), 3, "{stderr}");
    assert_eq!(report(&log)["rendered"], 3);

    let read = read_feed(&out.join("feed.xml"));
    assert_eq!(read["version"], "rss20");
    assert_eq!(read["bozo"], false, "{}", read["bozo_exception"]);
    assert_eq!(
        read["namespaces"]["itunes"],
        "http://www.itunes.com/dtds/podcast-1.0.dtd"
    );
    assert_eq!(
        read["namespaces"]["podcast"],
        "https://podcastindex.org/namespace/1.0"
    );
    assert_eq!(read["feed"]["title"], "The Harbour Gazette");
    assert_eq!(read["feed"]["language"], "en-gb");
    assert_eq!(
        read["feed"]["image"],
        "https://gazette.example.com/logo.png"
    );

    let entries = read["entries"].as_array().unwrap();
    // Newest first; guids as the source gives them, with their isPermaLink.
    let ids: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap(),
                e["ispermalink"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("gazette-2024-0003", "false"),
            ("https://gazette.example.com/2024/oysters", "true"),
            ("gazette-2024-0001", "false"),
        ]
    );
    assert_eq!(
        entries[2]["title"], "The Ferry Timetable Nobody Can Read",
        "the linked item"
    );
    for entry in entries {
        let enclosures = entry["enclosures"].as_array().unwrap();
        assert_eq!(enclosures.len(), 1, "{entry}");
        let file = local(&out, enclosures[0]["href"].as_str().unwrap());
        let size = std::fs::metadata(&file).unwrap().len();
        assert_eq!(
            enclosures[0]["length"],
            size.to_string(),
            "{}",
            file.display()
        );
        assert_eq!(enclosures[0]["type"], "audio/mpeg");
        let duration = entry["itunes_duration"].as_str().unwrap();
        assert!(duration.starts_with("0:0"), "{duration}");
        assert_ne!(duration, "0:00:00");
        assert!(entry["published"].as_str().unwrap().contains("Jan 2024"));

        let chapters = &entry["chapters"];
        assert_eq!(chapters["type"], "application/json+chapters");
        let json = local(&out, chapters["url"].as_str().unwrap());
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert!(!doc["chapters"].as_array().unwrap().is_empty());

        let transcripts = entry["transcripts"].as_array().unwrap();
        let kinds: Vec<&str> = transcripts
            .iter()
            .map(|t| t["type"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["text/vtt", "application/x-subrip"]);
        for t in transcripts {
            let path = local(&out, t["url"].as_str().unwrap());
            assert!(path.is_file(), "{}", path.display());
        }
    }
    // The linked item's article is the page's, not the feed's summary.
    let ferry = local(&out, entries[2]["transcripts"][0]["url"].as_str().unwrap());
    let captions = std::fs::read_to_string(ferry).unwrap();
    assert!(captions.contains("fourteen pages"), "{captions}");
    assert!(!captions.contains("A summary only"), "{captions}");

    let xml = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    assert!(xml.contains("<itunes:author>The Gazette Desk</itunes:author>"));
    assert!(xml.contains(r#"<itunes:category text="News"/>"#));
    assert!(xml.contains(&format!(r#"<atom:link href="{BASE}feed.xml""#)));
}

#[test]
fn a_second_run_renders_only_the_new_item_and_keeps_the_others() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let feed = three_articles(dir.path(), &server);
    let out = dir.path().join("pod");
    podcast(&feed, &out, &[]).assert().success();
    let before: Vec<(PathBuf, std::time::SystemTime)> = audio_files(&out, "mp3")
        .into_iter()
        .map(|p| {
            let t = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, t)
        })
        .collect();

    // The same feed again: nothing is rendered.
    let log = dir.path().join("again.json");
    podcast(&feed, &out, &["--report"])
        .arg(&log)
        .assert()
        .success();
    let again = report(&log);
    assert_eq!(
        (again["rendered"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(3))
    );

    add_fourth_item(&feed);
    let log = dir.path().join("fourth.json");
    let assert = podcast(&feed, &out, &["--report"])
        .arg(&log)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("4 episodes (1 rendered, 3 unchanged, 0 failed)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("A New Bench on the Quay: wrote"),
        "{stderr}"
    );
    let fourth = report(&log);
    let statuses: Vec<(&str, &str)> = fourth["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["title"].as_str().unwrap(), i["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("A New Bench on the Quay", "rendered"),
            ("The Lighthouse Keeper's Last Winter", "unchanged"),
            ("Oysters Return to the Estuary", "unchanged"),
            ("The Ferry Timetable Nobody Can Read", "unchanged"),
        ]
    );
    for (path, modified) in &before {
        assert_eq!(
            std::fs::metadata(path).unwrap().modified().unwrap(),
            *modified,
            "{} was written again",
            path.display()
        );
    }
    assert_eq!(audio_files(&out, "mp3").len(), 4);
    let read = read_feed(&out.join("feed.xml"));
    let entries = read["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0]["id"], "gazette-2024-0004");

    // Changed text is rendered again, under the same name.
    let text = std::fs::read_to_string(&feed)
        .unwrap()
        .replace("thirty thousand", "forty thousand");
    std::fs::write(&feed, text).unwrap();
    let log = dir.path().join("changed.json");
    podcast(&feed, &out, &["--report"])
        .arg(&log)
        .assert()
        .success();
    let changed = report(&log);
    assert_eq!(
        (changed["rendered"].as_u64(), changed["unchanged"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(audio_files(&out, "mp3").len(), 4);
}

#[test]
fn an_item_that_left_the_feed_stays_published_and_keep_drops_the_oldest() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let feed = three_articles(dir.path(), &server);
    let out = dir.path().join("pod");
    podcast(&feed, &out, &["--keep", "2"]).assert().success();
    let read = read_feed(&out.join("feed.xml"));
    let ids: Vec<&str> = read["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "gazette-2024-0003",
            "https://gazette.example.com/2024/oysters"
        ]
    );
    assert_eq!(audio_files(&out, "mp3").len(), 2);

    // A feed that now lists only the newest item: the other episode stays.
    let text = std::fs::read_to_string(&feed).unwrap();
    let cut = text.find("<item>").unwrap();
    let second = text[cut + 1..].find("<item>").unwrap() + cut + 1;
    let end = text.find("</channel>").unwrap();
    std::fs::write(&feed, format!("{}{}", &text[..second], &text[end..])).unwrap();
    podcast(&feed, &out, &[]).assert().success();
    assert_eq!(
        read_feed(&out.join("feed.xml"))["entries"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // A newer item with --keep 2: the oldest episode and its files go.
    add_fourth_item(&feed);
    let oysters: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("oysters"))
        .collect();
    assert!(oysters.len() >= 4, "{oysters:?}");
    let assert = podcast(&feed, &out, &["--keep", "2"]).assert().success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("Oysters Return to the Estuary: removed"),
        "{stderr}"
    );
    for path in &oysters {
        assert!(!path.exists(), "{} is left", path.display());
    }
    let read = read_feed(&out.join("feed.xml"));
    let ids: Vec<&str> = read["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["gazette-2024-0004", "gazette-2024-0003"]);
    assert_eq!(audio_files(&out, "mp3").len(), 2);
}

#[test]
fn an_atom_feed_by_url_keeps_its_entry_ids() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pod");
    let url = format!("{server}/upland.atom");
    let mut cmd = articast();
    cmd.args([
        "podcast",
        "-q",
        "--engine",
        "fake",
        "--base-url",
        "https://upland.example.org/audio",
        "-o",
    ])
    .arg(&out)
    .arg(&url)
    .args(["--channel", "title=Upland Notes, Read Aloud"]);
    cmd.assert().success();
    let read = read_feed(&out.join("feed.xml"));
    assert_eq!(read["bozo"], false, "{}", read["bozo_exception"]);
    assert_eq!(read["feed"]["title"], "Upland Notes, Read Aloud");
    assert_eq!(read["feed"]["language"], "en");
    let entries = read["entries"].as_array().unwrap();
    let ids: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap(),
                e["ispermalink"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("tag:upland.example.org,2024:snow", "false"),
            ("tag:upland.example.org,2024:chapel", "false"),
        ]
    );
    for entry in entries {
        let href = entry["enclosures"][0]["href"].as_str().unwrap();
        let name = href
            .strip_prefix("https://upland.example.org/audio/")
            .unwrap();
        let size = std::fs::metadata(out.join(name)).unwrap().len();
        assert_eq!(entry["enclosures"][0]["length"], size.to_string());
    }
}

/// Runs a podcast that must fail before writing anything: exit 2, one `error:` line naming
/// `what`, and no output folder.
fn refused(feed: &str, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pod");
    let assert = articast()
        .args([
            "podcast",
            "-q",
            "--engine",
            "fake",
            "--base-url",
            BASE,
            "-o",
        ])
        .arg(&out)
        .arg(feed)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains(what), "{stderr}");
    assert!(!out.exists(), "{feed}: something was written");
}

#[test]
fn feeds_that_cannot_be_read_are_one_line_and_write_nothing() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.rss");
    refused(
        missing.to_str().unwrap(),
        "missing.rss: cannot read the feed: no such file",
    );
    let page = fixture("ferry.html");
    refused(
        page.to_str().unwrap(),
        "ferry.html: not an RSS or Atom feed",
    );
    let empty = dir.path().join("empty.rss");
    std::fs::write(
        &empty,
        r#"<rss version="2.0"><channel><title>Nothing yet</title></channel></rss>"#,
    )
    .unwrap();
    refused(empty.to_str().unwrap(), "empty.rss: the feed has no items");
    let truncated = dir.path().join("truncated.rss");
    let text = std::fs::read_to_string(fixture("articles.rss")).unwrap();
    std::fs::write(&truncated, &text[..text.len() / 3]).unwrap();
    refused(truncated.to_str().unwrap(), "truncated.rss");
    let gone = format!("{server}/gone.rss");
    refused(
        &gone,
        "gone.rss: cannot fetch the feed: the server answered 404",
    );
}

#[test]
fn the_base_url_is_required_and_split_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pod");
    let feed = fixture("articles.atom");
    articast()
        .args(["podcast", "-q", "--engine", "fake", "-o"])
        .arg(&out)
        .arg(&feed)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--base-url URL is required"));
    articast()
        .args([
            "podcast",
            "-q",
            "--engine",
            "fake",
            "--base-url",
            "pod/",
            "-o",
        ])
        .arg(&out)
        .arg(&feed)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not an absolute URL"));
    articast()
        .args([
            "podcast",
            "-q",
            "--engine",
            "fake",
            "--base-url",
            BASE,
            "--split",
            "sections",
            "-o",
        ])
        .arg(&out)
        .arg(&feed)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("one audio file"));
    articast()
        .args([
            "podcast",
            "-q",
            "--engine",
            "fake",
            "--base-url",
            BASE,
            "--channel",
            "colour=red",
            "-o",
        ])
        .arg(&out)
        .arg(&feed)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown key 'colour'"));
    assert!(!out.exists());
}

#[test]
fn a_failed_item_does_not_stop_the_others() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("mixed.rss");
    let text = std::fs::read_to_string(fixture("articles.rss"))
        .unwrap()
        // The linked page is not there, and one item has nothing to read.
        .replace(
            "{SERVER}/2024/ferry.html",
            &format!("{server}/2024/missing.html"),
        )
        .replacen(
            "<item>",
            "<item><title>Only a Title</title><guid>bare-1</guid></item>\n    <item>",
            1,
        );
    std::fs::write(&feed, text).unwrap();
    let out = dir.path().join("pod");
    let assert = podcast(&feed, &out, &[]).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("item \"Only a Title\": neither content nor a link")),
        "{stderr}"
    );
    assert!(
        errors.iter().any(
            |e| e.contains("item \"The Ferry Timetable Nobody Can Read\"")
                && e.contains("missing.html: the server answered 404")
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 episodes (2 rendered, 0 unchanged, 2 failed)"),
        "{stderr}"
    );
    assert_eq!(audio_files(&out, "mp3").len(), 2);
    let read = read_feed(&out.join("feed.xml"));
    assert_eq!(read["entries"].as_array().unwrap().len(), 2);
}
