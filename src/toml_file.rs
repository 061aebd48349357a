//! TOML files that users write (voice profiles, lexicons): reading them, and errors that point
//! at `file:line:column`.

use std::path::Path;

use serde::de::DeserializeOwned;

/// Why a user's TOML file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be read.
    // The I/O error is part of the message, not a `source`: a chain printer (`{:#}`) would
    // repeat it.
    #[error("{path}: cannot read: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: std::io::Error,
    },
    /// The file's content is not valid.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// Reads a file as text.
pub fn read(path: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(path).map_err(|reason| FileError::Read {
        path: path.display().to_string(),
        reason,
    })
}

/// Deserializes `text`; a syntax or schema error points at its line and column in `origin`.
pub fn parse<T: DeserializeOwned>(text: &str, origin: &str) -> Result<T, FileError> {
    toml::from_str(text).map_err(|e| {
        invalid(
            text,
            origin,
            e.span().map_or(0, |s| s.start),
            one_line(e.message()),
        )
    })
}

/// A parser's message on one line: error messages are one line each.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// An error at byte `offset` of `text`.
pub fn invalid(text: &str, origin: &str, offset: usize, message: String) -> FileError {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    FileError::Invalid {
        path: origin.to_string(),
        line: before.matches('\n').count() + 1,
        column: before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_offset_becomes_line_and_column() {
        let err = invalid("a = 1\nbb = x\n", "f.toml", 11, "bad value".into());
        assert_eq!(err.to_string(), "f.toml:2:6: bad value");
    }

    #[test]
    fn a_syntax_error_is_one_line() {
        let err = parse::<toml::Table>("[words\n", "f.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "f.toml:1:7: invalid table header; expected `.`, `]`");
    }

    #[test]
    fn an_offset_inside_a_character_does_not_panic() {
        let err = invalid("é = 1", "f.toml", 1, "x".into());
        assert_eq!(err.to_string(), "f.toml:1:1: x");
    }
}
