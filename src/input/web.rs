//! Pages fetched from the web (`articast render https://…`, `articast inspect URL`): one GET
//! through ureq with a time limit, a few redirects and a size limit; the charset taken from the
//! `Content-Type` header, else the page's `<meta charset>`, else UTF-8; only HTML accepted. A
//! page is fetched once per run, however often it is asked for.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// The largest page read (10 MiB): a page is text, and a bigger one is not an article.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Redirects followed before giving up.
const MAX_REDIRECTS: u32 = 5;
/// Seconds allowed for the whole fetch, unless `ARTICAST_FETCH_TIMEOUT` (seconds) says otherwise.
const TIMEOUT_SECONDS: u64 = 20;

/// Why a page could not be fetched. Each is one line for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The server answered with an error status (404, 500, ...).
    #[error("the server answered {0}")]
    Status(String),
    /// No complete answer within the time limit.
    #[error("no answer within {0} s")]
    Timeout(u64),
    /// The page is larger than [`MAX_BYTES`].
    #[error("the page is larger than {} MiB", MAX_BYTES / 1024 / 1024)]
    TooLarge,
    /// The answer is not an HTML page.
    #[error("not an HTML page (Content-Type: {0})")]
    NotHtml(String),
    /// The address is not one that can be fetched.
    #[error("not a web address that can be fetched ({0})")]
    BadAddress(String),
    /// The connection failed (no such host, refused, TLS, too many redirects).
    #[error("cannot fetch: {0}")]
    Connection(String),
}

/// A fetched page: its text, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The HTML, decoded to UTF-8.
    pub html: String,
    /// The encoding it was decoded from.
    pub encoding: &'static encoding_rs::Encoding,
    /// Whether the response's header or the page declared that encoding.
    pub declared: bool,
}

static FETCHED: LazyLock<Mutex<HashMap<String, Result<Page, FetchError>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether a command-line argument is a web address.
pub fn is_url(arg: &str) -> bool {
    let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Fetches `url` (once per run: a second call gives the first answer).
pub fn fetch(url: &str) -> Result<Page, FetchError> {
    if let Some(done) = FETCHED.lock().ok().and_then(|m| m.get(url).cloned()) {
        return done;
    }
    let result = fetch_now(url);
    if let Ok(mut m) = FETCHED.lock() {
        m.insert(url.to_string(), result.clone());
    }
    result
}

fn timeout_seconds() -> u64 {
    std::env::var("ARTICAST_FETCH_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&s| s > 0)
        .unwrap_or(TIMEOUT_SECONDS)
}

/// Fetches the bytes of a feed (RSS, Atom) as they are: the feed parser reads the encoding
/// its XML declares. Any content type is taken (servers label feeds in many ways); the parser
/// tells a feed from anything else. Not kept for the run: a feed is read once.
pub fn fetch_feed(url: &str) -> Result<Vec<u8>, FetchError> {
    get(url, |_| true).map(|(_, bytes)| bytes)
}

fn fetch_now(url: &str) -> Result<Page, FetchError> {
    let html = |mime: &str| mime == "text/html" || mime == "application/xhtml+xml";
    let (content_type, bytes) = get(url, html)?;
    let (html, encoding, declared) = decode(&bytes, charset_param(&content_type).as_deref());
    Ok(Page {
        html,
        encoding,
        declared,
    })
}

/// One GET within the limits: its `Content-Type` header and body, refused unless the type
/// (lower case, without parameters; empty when the header is missing) is one `accept` takes.
fn get(url: &str, accept: impl Fn(&str) -> bool) -> Result<(String, Vec<u8>), FetchError> {
    let seconds = timeout_seconds();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(seconds)))
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .user_agent(concat!("articast/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| failure(e, seconds))?;
    let status = response.status();
    if !status.is_success() {
        let reason = status.canonical_reason().unwrap_or("");
        return Err(FetchError::Status(
            format!("{} {reason}", status.as_u16()).trim().to_string(),
        ));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !mime.is_empty() && !accept(&mime) {
        return Err(FetchError::NotHtml(mime));
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_vec()
        .map_err(|e| failure(e, seconds))?;
    Ok((content_type, bytes))
}

fn failure(err: ureq::Error, seconds: u64) -> FetchError {
    match err {
        ureq::Error::Timeout(_) => FetchError::Timeout(seconds),
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge,
        ureq::Error::BadUri(u) => FetchError::BadAddress(u),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            FetchError::Timeout(seconds)
        }
        other => FetchError::Connection(other.to_string()),
    }
}

/// `charset=…` of a `Content-Type` header.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset"))
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// The charset a page declares in its first 2 KiB (`<meta charset="…">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=…">`).
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let rest = head[at..].trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    Some(rest[..end].to_string()).filter(|s| !s.is_empty())
}

/// Decodes with the header's charset, else the page's, else UTF-8 (a byte-order mark wins over
/// both); undecodable bytes become U+FFFD, and line ends become `\n`.
fn decode(bytes: &[u8], header: Option<&str>) -> (String, &'static encoding_rs::Encoding, bool) {
    let label = header.map(str::to_string).or_else(|| meta_charset(bytes));
    let declared = label.and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()));
    let encoding = declared.unwrap_or(encoding_rs::UTF_8);
    let (text, used, _) = encoding.decode(bytes);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    (text, used, declared.is_some())
}

/// The name the outputs of a page take: the last segment of the URL's path without its
/// extension (`https://example.com/news/a-story.html` → `a-story`), else the host; only letters,
/// digits, `-` and `_` kept.
pub fn stem(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let last = path.split('/').rev().find(|s| !s.is_empty()).unwrap_or("");
    let last = last.rsplit_once('.').map_or(last, |(stem, _)| stem);
    let pick = if last.is_empty() { host } else { last };
    let clean: String = pick
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('-').to_string();
    if clean.is_empty() {
        "article".to_string()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_are_told_from_paths() {
        assert!(is_url("https://example.com/a"));
        assert!(is_url("HTTP://example.com"));
        assert!(!is_url("article.html"));
        assert!(!is_url("http"));
    }

    #[test]
    fn the_stem_comes_from_the_url_path() {
        assert_eq!(stem("https://example.com/news/a-story.html"), "a-story");
        assert_eq!(stem("https://example.com/news/a-story/?x=1"), "a-story");
        assert_eq!(stem("http://127.0.0.1:8080/"), "127-0-0-1-8080");
        assert_eq!(stem("https://example.com/%20/"), "20");
    }

    #[test]
    fn a_page_is_fetched_once_per_run() {
        use std::io::{Read, Write};
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/once.html", listener.local_addr().unwrap());
        let served = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&served);
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let mut buf = [0u8; 2048];
                let _ = stream.read(&mut buf);
                let body = "<html><body><p>Once.</p></body></html>";
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        let first = fetch(&url).unwrap();
        let second = fetch(&url).unwrap();
        assert_eq!(first, second);
        assert!(first.html.contains("Once."));
        assert_eq!(served.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_charset_comes_from_the_header_then_the_page() {
        assert_eq!(
            charset_param("text/html; charset=ISO-8859-1").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(decode(b"caf\xe9", Some("iso-8859-1")).0, "café");
        let (text, encoding, declared) = decode(b"<meta charset=\"windows-1252\">caf\xe9", None);
        assert_eq!(text, "<meta charset=\"windows-1252\">café");
        assert_eq!((encoding.name(), declared), ("windows-1252", true));
        assert_eq!(
            decode("café".as_bytes(), None),
            ("café".to_string(), encoding_rs::UTF_8, false)
        );
    }
}
