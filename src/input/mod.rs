//! Stage 1 — input: where an article's text comes from, decoded to a Rust `String`.
//!
//! Article text is untrusted: nothing here panics on any byte sequence.

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
        }
    }

    /// The file stem that names the outputs (`stdin` for standard input; for a web page, the
    /// last segment of its path).
    pub fn stem(&self) -> String {
        match self {
            Source::File(path) => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "article".to_string()),
            Source::Stdin => "stdin".to_string(),
            Source::Url(url) => web::stem(url),
        }
    }
}

/// An article's text as read, before any interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputText {
    /// Where it came from.
    pub source: Source,
    /// The decoded text, with `\n` line ends.
    pub text: String,
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

impl InputText {
    /// The format: HTML for a web page; else by file extension (`.html`, `.htm`, `.md`,
    /// `.markdown`), else by content (an HTML document type or `<html>` tag at the start;
    /// Markdown headings), else plain text.
    pub fn detect_format(&self) -> Format {
        if let Source::Url(_) = &self.source {
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
    /// The file exists but could not be read (permissions, a directory, an I/O error).
    #[error("cannot read: {0}")]
    Unreadable(std::io::Error),
    /// The bytes are not valid UTF-8 (nor UTF-16 with a byte-order mark).
    #[error("not valid UTF-8 text (bad byte at line {line}, column {column})")]
    InvalidText {
        /// 1-based line of the first bad byte.
        line: usize,
        /// 1-based column (in bytes) of the first bad byte.
        column: usize,
    },
    /// A web page could not be fetched.
    #[error("{0}")]
    Fetch(#[from] web::FetchError),
}

/// Reads and decodes one source.
pub fn read(source: &Source) -> Result<InputText, InputError> {
    let bytes = match source {
        Source::Url(url) => {
            return Ok(InputText {
                source: source.clone(),
                text: web::fetch(url)?.html,
            });
        }
        Source::File(path) => read_file(path)?,
        Source::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(InputError::Unreadable)?;
            buf
        }
    };
    Ok(InputText {
        source: source.clone(),
        text: decode(&bytes)?,
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => InputError::NotFound,
        _ => InputError::Unreadable(err),
    })
}

/// Decodes UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark,
/// and turns CRLF and lone CR line ends into `\n`.
pub fn decode(bytes: &[u8]) -> Result<String, InputError> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        utf8(rest)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, u16::from_be_bytes)
    } else {
        utf8(bytes)?
    };
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
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

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
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
    fn invalid_utf8_reports_line_and_column() {
        let err = decode(b"ok\nab\xFFc").unwrap_err();
        assert!(matches!(
            err,
            InputError::InvalidText { line: 2, column: 3 }
        ));
    }

    #[test]
    fn format_comes_from_the_extension_then_the_content() {
        let input = |path: &str, text: &str| InputText {
            source: Source::from_arg(path),
            text: text.into(),
        };
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
    fn stem_of_stdin_and_of_a_path() {
        assert_eq!(Source::Stdin.stem(), "stdin");
        assert_eq!(Source::from_arg("dir/a.b.txt").stem(), "a.b");
    }
}
