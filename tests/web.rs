//! Web pages as input: `articast render http://…` and `articast inspect URL` against a server on
//! the loopback address started by the test. A page that cannot be had (404, no answer in time,
//! too large, not HTML) gives one clear line and exit 2.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use crate::common::{articast, sample};

/// The sample article as an HTML page: its long lines as paragraphs.
fn article_html() -> String {
    let text = std::fs::read_to_string(sample()).unwrap();
    let paragraphs: String = text
        .lines()
        .filter(|l| l.chars().count() > 120)
        .map(|l| format!("<p>{l}</p>\n"))
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>The Free Russian Legion</title></head><body><nav><a href=\"/\">Home</a></nav>\
         <article><h1>The Free Russian Legion</h1>\n{paragraphs}</article></body></html>"
    )
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
        "/article.html" | "/news/article.html" => (
            "200 OK",
            "text/html; charset=utf-8",
            article_html().into_bytes(),
        ),
        "/moved" => {
            let _ = stream.write_all(
                b"HTTP/1.1 301 Moved Permanently\r\nLocation: /news/article.html\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
        "/slow.html" => {
            std::thread::sleep(Duration::from_secs(6));
            return;
        }
        "/big.html" => ("200 OK", "text/html", vec![b'a'; 11 * 1024 * 1024]),
        "/picture.png" => ("200 OK", "image/png", vec![0x89, b'P', b'N', b'G']),
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

#[test]
fn a_served_page_renders_under_the_name_of_its_url_path() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args(["render", "--engine", "fake", "-o"])
        .arg(dir.path())
        .arg(format!("{base}/article.html"))
        .assert()
        .success();
    let wav = dir.path().join("article.wav");
    let reader = hound::WavReader::open(&wav).unwrap();
    assert!(reader.duration() > 22_050, "a second or more of audio");
}

#[test]
fn inspect_reads_a_served_page_as_html_after_a_redirect() {
    let base = serve();
    let out = articast()
        .args(["inspect", "--json"])
        .arg(format!("{base}/moved"))
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["title"], "The Free Russian Legion");
    assert_eq!(json["language"], "en");
    let blocks = json["blocks"].as_array().unwrap();
    assert!(blocks.len() >= 10, "{} blocks", blocks.len());
    assert!(
        !blocks.iter().any(|b| b["text"] == "Home"),
        "the menu is left out"
    );
}

/// Runs `render` on `path` of a fresh server: the exit code and stderr.
fn failing(path: &str) -> (Option<i32>, String) {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let out = articast()
        .env("ARTICAST_FETCH_TIMEOUT", "1")
        .args(["render", "--engine", "fake", "-o"])
        .arg(dir.path())
        .arg(format!("{base}{path}"))
        .output()
        .unwrap();
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing is written for {path}"
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line(path: &str, expected: &str) {
    let (code, stderr) = failing(path);
    assert_eq!(code, Some(2), "{path}: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{path}: {stderr}");
    assert!(lines[0].starts_with("error: http://127.0.0.1:"), "{stderr}");
    assert!(lines[0].contains(expected), "{path}: {stderr}");
}

#[test]
fn a_missing_page_is_one_line_and_exit_2() {
    assert_one_line("/missing.html", "the server answered 404 Not Found");
}

#[test]
fn a_page_that_never_answers_times_out_with_one_line_and_exit_2() {
    assert_one_line("/slow.html", "no answer within 1 s");
}

#[test]
fn a_page_over_the_size_limit_is_one_line_and_exit_2() {
    assert_one_line("/big.html", "the page is larger than 10 MiB");
}

#[test]
fn a_response_that_is_not_html_is_one_line_and_exit_2() {
    assert_one_line("/picture.png", "not an HTML page (Content-Type: image/png)");
}
