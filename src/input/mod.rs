//! Stage 1 — input: where an article's text comes from, decoded to a Rust `String`.
//!
//! Article text is untrusted: nothing here panics on any byte sequence.

pub mod expand;
pub mod web;

use std::io::Read;
use std::path::{Path, PathBuf};

/// Where one article is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
    /// A web page (`http://` or `https://`), fetched and read as HTML.
    Url(String),
    /// An HTML document already in memory (a feed item's content), read as HTML.
    Html {
        /// What messages call it (a feed item's title).
        name: String,
        /// The document.
        html: String,
    },
}

impl Source {
    /// Reads `-` as standard input, `http://…` and `https://…` as web pages, and anything else
    /// as a path.
    pub fn from_arg(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else if web::is_url(arg) {
            Source::Url(arg.to_string())
        } else {
            Source::File(PathBuf::from(arg))
        }
    }

    /// The name used in messages: the path as given, or `<stdin>`.
    pub fn display_name(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Stdin => "<stdin>".to_string(),
            Source::Url(url) => url.clone(),
            Source::Html { name, .. } => name.clone(),
        }
    }

    /// The file stem that names the outputs (`stdin` for standard input; for a web page, the
    /// last segment of its path), made safe as a file name on any system ([`safe_stem`]).
    pub fn stem(&self) -> String {
        match self {
            Source::File(path) => path
                .file_stem()
                .map(|s| safe_stem(&s.to_string_lossy()))
                .unwrap_or_else(|| "article".to_string()),
            Source::Stdin => "stdin".to_string(),
            Source::Url(url) => web::stem(url),
            Source::Html { name, .. } => safe_stem(name),
        }
    }
}

/// Output stems are at most this many bytes: with `-NN-<slug>.wav` or `.chapters.json` after
/// them they stay under the 255-byte name limit of common file systems.
pub const MAX_STEM_BYTES: usize = 120;

/// `stem` as a file name that stays inside the output folder on any system: control
/// characters, path separators and the characters Windows refuses (`<>:"/\|?*`) become `_`;
/// leading dots and spaces and trailing dots and spaces are dropped (no hidden files, no `..`);
/// a reserved Windows device name (`CON`, `nul`, `COM1`, ...) gets a `_`; it is cut to
/// [`MAX_STEM_BYTES`] on a character boundary; an empty result is `article`.
pub fn safe_stem(stem: &str) -> String {
    let mapped: String = stem
        .chars()
        .map(|c| match c {
            c if c.is_control() => '_',
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    let trimmed = mapped
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let mut end = trimmed.len().min(MAX_STEM_BYTES);
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    let cut = trimmed[..end].trim_end_matches(['.', ' ']);
    let device = cut.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(device.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (device.len() == 4
            && (device.starts_with("COM") || device.starts_with("LPT"))
            && device.as_bytes()[3].is_ascii_digit());
    match cut {
        "" => "article".to_string(),
        _ if reserved => format!("{cut}_"),
        _ => cut.to_string(),
    }
}

/// Inputs larger than this are refused before they are read whole: 16 MiB of text is some
/// 250 hours of speech, and reading is bounded for standard input too.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// An article's text as read, before any interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputText {
    /// Where it came from.
    pub source: Source,
    /// The decoded text, with `\n` line ends.
    pub text: String,
    /// The character encoding the bytes were read in, and why.
    pub encoding: Decoding,
}

/// How an article's text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain text, possibly pasted from a web page with its boilerplate.
    #[default]
    Text,
    /// Markdown (CommonMark).
    Markdown,
    /// An HTML page.
    Html,
}

impl Format {
    /// The names front ends give each format (`--format html`), with a line of help.
    pub const NAMES: [(&'static str, &'static str, Format); 3] = [
        (
            "text",
            "Plain text (pasted web pages are cleaned)",
            Format::Text,
        ),
        ("markdown", "Markdown", Format::Markdown),
        (
            "html",
            "An HTML page (the article is extracted)",
            Format::Html,
        ),
    ];
}

impl InputText {
    /// Text that is already decoded (from a string, or UTF-8 by construction).
    pub fn new(source: Source, text: String) -> InputText {
        InputText {
            source,
            text,
            encoding: Decoding::default(),
        }
    }

    /// The format: HTML for a web page; else by file extension (`.html`, `.htm`, `.md`,
    /// `.markdown`), else by content (an HTML document type or `<html>` tag at the start;
    /// Markdown headings), else plain text.
    pub fn detect_format(&self) -> Format {
        if let Source::Url(_) | Source::Html { .. } = &self.source {
            return Format::Html;
        }
        if let Source::File(path) = &self.source {
            let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
            match ext.as_deref() {
                Some("html" | "htm" | "xhtml") => return Format::Html,
                Some("md" | "markdown" | "mdown") => return Format::Markdown,
                _ => {}
            }
        }
        let head: String = self
            .text
            .trim_start()
            .chars()
            .take(200)
            .collect::<String>()
            .to_lowercase();
        if head.starts_with("<!doctype html")
            || head.starts_with("<html")
            || head.starts_with("<?xml")
        {
            Format::Html
        } else if self
            .text
            .lines()
            .any(|l| l.starts_with("# ") || l.starts_with("## "))
        {
            Format::Markdown
        } else {
            Format::Text
        }
    }
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file does not exist.
    #[error("no such file")]
    NotFound,
    /// The path is a folder, not a file.
    #[error("is a folder, not a file")]
    IsFolder,
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("too large: more than {} MiB of text (split it into parts)", MAX_INPUT_BYTES / (1024 * 1024))]
    TooLarge,
    /// The file exists but could not be read (permissions, an I/O error).
    #[error("cannot read: {0}")]
    Unreadable(std::io::Error),
    /// The bytes are not valid UTF-8, and UTF-8 was asked for with `--encoding`.
    #[error(
        "not valid UTF-8 text (bad byte at line {line}, column {column}); leave out --encoding to detect the encoding"
    )]
    InvalidText {
        /// 1-based line of the first bad byte.
        line: usize,
        /// 1-based column (in bytes) of the first bad byte.
        column: usize,
    },
    /// The bytes are not text in any encoding: control characters make up more than
    /// [`BINARY_SHARE`] of the first [`SNIFF_BYTES`] characters of the decoded text.
    #[error("binary data, not text (control byte 0x{byte:02X} at offset {offset})")]
    Binary {
        /// Offset (in bytes of the decoded text) of the first control character that is not a
        /// tab, line or page break.
        offset: usize,
        /// That byte.
        byte: u8,
    },
    /// A web page could not be fetched.
    #[error("{0}")]
    Fetch(#[from] web::FetchError),
}

/// How much of the input the encoding detection and binary check look at.
pub const SNIFF_BYTES: usize = 64 * 1024;
/// Control characters (besides tab, line and page breaks) in more than this share of the
/// sniffed bytes make an input binary.
pub const BINARY_SHARE: f64 = 0.05;

/// Which character encoding an input was decoded from, and why that one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoding {
    /// The WHATWG name of the encoding (`UTF-8`, `windows-1252`, `UTF-16LE`, ...).
    pub encoding: &'static encoding_rs::Encoding,
    /// Why it was chosen.
    pub origin: Origin,
}

/// Why an encoding was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// A byte-order mark at the start.
    ByteOrderMark,
    /// `--encoding` on the command line.
    Forced,
    /// The document's own declaration (`<meta charset>`, `http-equiv`, `<?xml encoding>`).
    Declared,
    /// The bytes are valid UTF-8.
    ValidUtf8,
    /// Guessed from the bytes (NUL patterns for UTF-16, else chardetng).
    Detected,
}

impl Default for Decoding {
    fn default() -> Self {
        Decoding {
            encoding: encoding_rs::UTF_8,
            origin: Origin::ValidUtf8,
        }
    }
}

impl std::fmt::Display for Decoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.origin {
            Origin::ByteOrderMark => "byte-order mark",
            Origin::Forced => "--encoding",
            Origin::Declared => "declared in the document",
            Origin::ValidUtf8 => "valid UTF-8",
            Origin::Detected => "detected",
        };
        write!(f, "{} ({why})", self.encoding.name())
    }
}

/// The encoding a `--encoding` name stands for (WHATWG labels: `utf-8`, `latin1`, `cp1252`,
/// `iso-8859-15`, `shift_jis`, `utf-16le`, ...).
pub fn encoding_for_label(label: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!(
            "unknown encoding '{label}' (try utf-8, windows-1252, iso-8859-15, shift_jis, utf-16le)"
        )
    })
}

/// Reads and decodes one source, detecting its encoding.
pub fn read(source: &Source) -> Result<InputText, InputError> {
    read_as(source, None)
}

/// Reads and decodes one source; `forced` (from `--encoding`) overrides everything but a
/// byte-order mark.
pub fn read_as(
    source: &Source,
    forced: Option<&'static encoding_rs::Encoding>,
) -> Result<InputText, InputError> {
    let bytes = match source {
        Source::Url(url) => {
            let page = web::fetch(url)?;
            let origin = match page.declared {
                true => Origin::Declared,
                false => Origin::ValidUtf8,
            };
            return Ok(InputText {
                source: source.clone(),
                text: page.html,
                encoding: Decoding {
                    encoding: page.encoding,
                    origin,
                },
            });
        }
        Source::Html { html, .. } => {
            if html.len() as u64 > MAX_INPUT_BYTES {
                return Err(InputError::TooLarge);
            }
            check_text(html)?;
            return Ok(InputText::new(source.clone(), html.clone()));
        }
        Source::File(path) => read_file(path)?,
        Source::Stdin => read_bounded(std::io::stdin().lock())?,
    };
    let (text, encoding) = decode_as(&bytes, forced)?;
    Ok(InputText {
        source: source.clone(),
        text,
        encoding,
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    if path.is_dir() {
        return Err(InputError::IsFolder);
    }
    let file = std::fs::File::open(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => InputError::NotFound,
        _ => InputError::Unreadable(err),
    })?;
    read_bounded(file)
}

/// Reads to the end, refusing more than [`MAX_INPUT_BYTES`] (one byte past the limit is read
/// to tell).
fn read_bounded(reader: impl Read) -> Result<Vec<u8>, InputError> {
    let mut buf = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(InputError::Unreadable)?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge);
    }
    Ok(buf)
}

/// Decodes with detection; see [`decode_as`].
pub fn decode(bytes: &[u8]) -> Result<String, InputError> {
    decode_as(bytes, None).map(|(text, _)| text)
}

/// Decodes `bytes` and turns CRLF and lone CR line ends into `\n`. The encoding is, in order:
/// a byte-order mark (UTF-8, UTF-16LE/BE); `forced`; an HTML or XML declaration in the first
/// 1024 bytes; UTF-16 when NUL bytes fall on every other byte; UTF-8 when the bytes are valid
/// UTF-8; else chardetng's guess (Windows-1252 for most Western European text).
/// Binary data is refused; characters that cannot be decoded become U+FFFD.
pub fn decode_as(
    bytes: &[u8],
    forced: Option<&'static encoding_rs::Encoding>,
) -> Result<(String, Decoding), InputError> {
    let decoding = choose(bytes, forced);
    let body = match encoding_rs::Encoding::for_bom(bytes) {
        Some((_, bom)) => &bytes[bom..],
        None => bytes,
    };
    let text = if decoding.encoding == encoding_rs::UTF_8 && decoding.origin == Origin::Forced {
        utf8(body)?
    } else {
        decoding
            .encoding
            .decode_without_bom_handling(body)
            .0
            .into_owned()
    };
    check_text(&text)?;
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    Ok((text, decoding))
}

fn choose(bytes: &[u8], forced: Option<&'static encoding_rs::Encoding>) -> Decoding {
    let with = |encoding, origin| Decoding { encoding, origin };
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return with(encoding, Origin::ByteOrderMark);
    }
    if let Some(encoding) = forced {
        return with(encoding, Origin::Forced);
    }
    if let Some(encoding) = declared(bytes) {
        return with(encoding, Origin::Declared);
    }
    if let Some(encoding) = utf16_by_nuls(bytes) {
        return with(encoding, Origin::Detected);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return with(encoding_rs::UTF_8, Origin::ValidUtf8);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes[..bytes.len().min(SNIFF_BYTES)], true);
    with(
        detector.guess(None, chardetng::Utf8Detection::Allow),
        Origin::Detected,
    )
}

/// The encoding an HTML `<meta charset>` / `http-equiv` or an XML declaration names in the
/// first 1024 bytes (HTML's prescan window). A declared UTF-16 means UTF-8, as in browsers:
/// a real UTF-16 page would have been caught by its byte-order mark or its NUL bytes.
fn declared(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let head: String = head
        .iter()
        .map(|&b| char::from(b.to_ascii_lowercase()))
        .collect();
    let found = if let Some(at) = head.find("<?xml") {
        let decl = &head[at..head[at..].find("?>").map_or(head.len(), |e| at + e)];
        label_after(decl, "encoding")
    } else {
        None
    };
    let found = found.or_else(|| {
        head.match_indices("<meta")
            .filter_map(|(at, _)| {
                let tag = &head[at..head[at..].find('>').map_or(head.len(), |e| at + e)];
                label_after(tag, "charset")
            })
            .next()
    })?;
    let encoding = encoding_rs::Encoding::for_label(found.as_bytes())?;
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        Some(encoding_rs::UTF_8)
    } else {
        Some(encoding)
    }
}

/// The value after `key` and `=` in a tag, unquoted (`charset="x"`, `charset=x`, and the
/// `content="text/html; charset=x"` of `http-equiv`).
fn label_after<'a>(tag: &'a str, key: &str) -> Option<&'a str> {
    let at = tag.find(key)? + key.len();
    let rest = tag[at..].trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.:".contains(c)))
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|label| !label.is_empty())
}

/// UTF-16 without a byte-order mark: text in Latin script has a NUL in every other byte.
fn utf16_by_nuls(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sniff = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    let pairs = sniff.len() / 2;
    if pairs < 2 {
        return None;
    }
    let nul_at = |odd: usize| {
        sniff
            .iter()
            .skip(odd)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    let most = pairs * 3 / 5;
    let few = pairs / 10;
    if odd >= most && even <= few {
        Some(encoding_rs::UTF_16LE)
    } else if even >= most && odd <= few {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Refuses binary data: too many control characters in the first [`SNIFF_BYTES`] characters.
fn check_text(text: &str) -> Result<(), InputError> {
    let mut total = 0usize;
    let mut controls = 0usize;
    let mut first = None;
    for (offset, c) in text.char_indices().take(SNIFF_BYTES) {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}') {
            controls += 1;
            first.get_or_insert((offset, c));
        }
    }
    match first {
        Some((offset, c)) if controls as f64 > total as f64 * BINARY_SHARE => {
            Err(InputError::Binary {
                offset,
                byte: u8::try_from(u32::from(c)).unwrap_or(0xFF),
            })
        }
        _ => Ok(()),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, InputError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(err) => {
            let good = &bytes[..err.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            Err(InputError::InvalidText {
                line,
                column: good.len() - line_start + 1,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_byte_order_mark_is_dropped() {
        assert_eq!(decode(b"\xEF\xBB\xBFHello").unwrap(), "Hello");
    }

    #[test]
    fn crlf_and_cr_become_newlines() {
        assert_eq!(decode(b"a\r\nb\rc").unwrap(), "a\nb\nc");
    }

    #[test]
    fn utf16_little_endian_with_bom_is_decoded() {
        let bytes = [0xFF, 0xFE, b'H', 0, b'i', 0, 0x19, 0x20];
        assert_eq!(decode(&bytes).unwrap(), "Hi\u{2019}");
    }

    #[test]
    fn invalid_utf8_forced_as_utf8_reports_line_and_column() {
        let err = decode_as(b"ok\nab\xFFc", Some(encoding_rs::UTF_8)).unwrap_err();
        assert!(matches!(
            err,
            InputError::InvalidText { line: 2, column: 3 }
        ));
    }

    fn decoded(bytes: &[u8]) -> (String, String) {
        let (text, how) = decode_as(bytes, None).unwrap();
        (text, how.to_string())
    }

    #[test]
    fn latin1_text_is_detected_as_windows_1252() {
        let bytes = b"Caf\xE9 cr\xE8me, na\xEFve \x93quotes\x94 and \x80 5 \xE0 la fran\xE7aise.\n";
        let (text, how) = decoded(bytes);
        assert_eq!(
            text,
            "Caf\u{e9} cr\u{e8}me, na\u{ef}ve \u{201c}quotes\u{201d} and \u{20ac} 5 \u{e0} la fran\u{e7}aise.\n"
        );
        assert_eq!(how, "windows-1252 (detected)");
    }

    #[test]
    fn a_forced_encoding_overrides_detection_but_not_a_byte_order_mark() {
        let koi8 = encoding_for_label("koi8-r").unwrap();
        let (text, how) = decode_as(b"\xF0\xD2\xC9\xD7\xC5\xD4", Some(koi8)).unwrap();
        assert_eq!(
            (text.as_str(), how.origin),
            ("\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}", Origin::Forced)
        );
        let (text, how) = decode_as(b"\xEF\xBB\xBFcaf\xC3\xA9", Some(koi8)).unwrap();
        assert_eq!(
            (text.as_str(), how.origin),
            ("caf\u{e9}", Origin::ByteOrderMark)
        );
        assert!(
            encoding_for_label("klingon")
                .unwrap_err()
                .contains("unknown encoding 'klingon'")
        );
    }

    #[test]
    fn an_html_declaration_wins_over_detection() {
        let page = b"<html><head><meta charset=\"iso-8859-7\"><title>t</title></head><body>\xE1\xE2\xE3 caf\xE9</body></html>";
        let (text, how) = decoded(page);
        assert!(text.contains("\u{3b1}\u{3b2}\u{3b3}"), "{text}");
        assert_eq!(how, "ISO-8859-7 (declared in the document)");
        let equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><p>\xCF\xF0\xE8";
        assert_eq!(
            decoded(equiv).0,
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><p>\u{41f}\u{440}\u{438}"
        );
        let xml = b"<?xml version=\"1.0\" encoding='ISO-8859-15'?><p>\xA4</p>";
        assert!(decoded(xml).0.contains('\u{20ac}'));
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_found_by_its_nul_bytes() {
        let le: Vec<u8> = "Hello, world."
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "Hello, world."
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(
            decoded(&le),
            ("Hello, world.".into(), "UTF-16LE (detected)".into())
        );
        assert_eq!(
            decoded(&be),
            ("Hello, world.".into(), "UTF-16BE (detected)".into())
        );
    }

    #[test]
    fn binary_data_is_refused_and_a_few_control_characters_are_not() {
        let binary: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(matches!(decode(&binary), Err(InputError::Binary { .. })));
        assert!(
            decode(b"A line with a NUL\0 and a bell\x07 in a long enough sentence of text.")
                .is_ok()
        );
    }

    #[test]
    fn format_comes_from_the_extension_then_the_content() {
        let input = |path: &str, text: &str| InputText::new(Source::from_arg(path), text.into());
        assert_eq!(input("a.HTML", "hi").detect_format(), Format::Html);
        assert_eq!(input("a.md", "hi").detect_format(), Format::Markdown);
        assert_eq!(
            input("-", "<!DOCTYPE html><p>x").detect_format(),
            Format::Html
        );
        assert_eq!(
            input("a.txt", "# Title\n\nText").detect_format(),
            Format::Markdown
        );
        assert_eq!(
            input("a.txt", "Title\n\nText").detect_format(),
            Format::Text
        );
    }

    #[test]
    fn stems_are_safe_file_names() {
        assert_eq!(safe_stem("a\nb\u{7}c"), "a_b_c");
        assert_eq!(safe_stem(".."), "article");
        assert_eq!(safe_stem("..\\..\\etc"), "_.._etc");
        assert_eq!(safe_stem(".hidden"), "hidden");
        assert_eq!(safe_stem("CON"), "CON_");
        assert_eq!(safe_stem("com7.notes"), "com7.notes_");
        assert_eq!(safe_stem("console"), "console");
        assert_eq!(safe_stem("a:b*c?"), "a_b_c_");
        assert_eq!(
            safe_stem("-leading dash; $(x) & y"),
            "-leading dash; $(x) & y"
        );
        let long = safe_stem(&"é".repeat(200));
        assert!(long.len() <= MAX_STEM_BYTES && long.chars().all(|c| c == 'é'));
    }

    #[test]
    fn stem_of_stdin_and_of_a_path() {
        assert_eq!(Source::Stdin.stem(), "stdin");
        assert_eq!(Source::from_arg("dir/a.b.txt").stem(), "a.b");
    }
}
