//! Show and episode metadata of the audio files: what the article says (title, byline, date,
//! site, first paragraph, language), under what the user sets (`--meta KEY=VALUE`, a TOML
//! metadata file, `--cover IMAGE`). Each writer puts it in its own form (ID3 frames, MP4 atoms,
//! Vorbis comments; the WAV keeps its `LIST/INFO`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::article::Article;
use crate::toml_file::{self, FileError};

/// The tags of an episode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Episode title.
    pub title: Option<String>,
    /// Artist: the author (the byline).
    pub artist: Option<String>,
    /// Album: the show (the site's name).
    pub album: Option<String>,
    /// Publication date as given; [`Metadata::iso_date`] reads it.
    pub date: Option<String>,
    /// A description (by default the article's first paragraph).
    pub comment: Option<String>,
    /// Language, an ISO 639-1 (`en`) or 639-2 (`eng`) code.
    pub language: Option<String>,
    /// Genre (`Podcast` unless set).
    pub genre: Option<String>,
    /// Cover art.
    pub cover: Option<Cover>,
}

/// Cover art: an image file's bytes and its type.
#[derive(Clone, PartialEq, Eq)]
pub struct Cover {
    /// `image/jpeg` or `image/png`.
    pub mime_type: &'static str,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// Why metadata could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    /// `--meta` names no known key.
    #[error("--meta {key}: unknown key (use one of {})", KEYS.join(", "))]
    UnknownKey {
        /// The key given.
        key: String,
    },
    /// `--meta` is not `KEY=VALUE`.
    #[error("--meta {0}: expected KEY=VALUE")]
    NotKeyValue(String),
    /// The metadata file could not be read or parsed.
    #[error(transparent)]
    File(#[from] FileError),
    /// The cover image is missing, unreadable or not an image articast can embed.
    #[error("cover {path}: {reason}")]
    Cover {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// The keys of `--meta` and of the metadata file (with `show`, `author` and `description` as
/// other names of `album`, `artist` and `comment`).
pub const KEYS: [&str; 7] = [
    "title", "artist", "album", "date", "comment", "language", "genre",
];

/// Largest cover image embedded, bytes (apps ask for at most 3000×3000 JPEG, well under this).
const MAX_COVER_BYTES: u64 = 16 << 20;

/// Characters of the first paragraph kept as the description.
const DESCRIPTION_CHARS: usize = 300;

/// The metadata file: the keys of `--meta`, and `cover`, a path relative to the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    title: Option<String>,
    #[serde(alias = "author")]
    artist: Option<String>,
    #[serde(alias = "show")]
    album: Option<String>,
    date: Option<String>,
    #[serde(alias = "description")]
    comment: Option<String>,
    language: Option<String>,
    genre: Option<String>,
    cover: Option<PathBuf>,
}

impl Metadata {
    /// What the article says about itself.
    pub fn from_article(article: &Article) -> Metadata {
        let first = article
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .map(|p| p.text.split_whitespace().collect::<Vec<_>>().join(" "))
            .find(|t| !t.is_empty());
        Metadata {
            title: article.title.clone(),
            artist: article.byline.clone(),
            album: article.site_name.clone(),
            date: article.date.clone(),
            comment: first.map(|t| shorten(&t, DESCRIPTION_CHARS)),
            language: article.language.clone(),
            genre: None,
            cover: None,
        }
    }

    /// Sets one key from `--meta KEY=VALUE`.
    pub fn set_pair(&mut self, pair: &str) -> Result<(), MetadataError> {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| MetadataError::NotKeyValue(pair.to_string()))?;
        let value = Some(value.trim().to_string()).filter(|v| !v.is_empty());
        let slot = match key.trim().to_ascii_lowercase().as_str() {
            "title" => &mut self.title,
            "artist" | "author" => &mut self.artist,
            "album" | "show" => &mut self.album,
            "date" => &mut self.date,
            "comment" | "description" => &mut self.comment,
            "language" => &mut self.language,
            "genre" => &mut self.genre,
            other => {
                return Err(MetadataError::UnknownKey {
                    key: other.to_string(),
                });
            }
        };
        *slot = value;
        Ok(())
    }

    /// Reads a TOML metadata file (`title = "…"`, …, `cover = "art.jpg"`).
    pub fn load(path: &Path) -> Result<Metadata, MetadataError> {
        let text = toml_file::read(path)?;
        let file: File = toml_file::parse(&text, &path.display().to_string())?;
        let cover = match file.cover {
            Some(cover) => Some(Cover::load(
                &path.parent().unwrap_or(Path::new(".")).join(cover),
            )?),
            None => None,
        };
        Ok(Metadata {
            title: file.title,
            artist: file.artist,
            album: file.album,
            date: file.date,
            comment: file.comment,
            language: file.language,
            genre: file.genre,
            cover,
        })
    }

    /// These tags, with those not set taken from `base`.
    pub fn over(&self, base: &Metadata) -> Metadata {
        let pick = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
        Metadata {
            title: pick(&self.title, &base.title),
            artist: pick(&self.artist, &base.artist),
            album: pick(&self.album, &base.album),
            date: pick(&self.date, &base.date),
            comment: pick(&self.comment, &base.comment),
            language: pick(&self.language, &base.language),
            genre: pick(&self.genre, &base.genre),
            cover: self.cover.clone().or_else(|| base.cover.clone()),
        }
    }

    /// The date as ISO 8601 (`2015-04-21`, or `2015` when only the year is known), read from
    /// ISO dates and from the forms pages write (`April 21, 2015`, `21 April 2015`).
    pub fn iso_date(&self) -> Option<String> {
        iso_date(self.date.as_deref()?)
    }

    /// The language as an ISO 639-2 code (`eng`), as ID3 and MP4 want it.
    pub fn language_639_2(&self) -> Option<String> {
        let code = self.language.as_deref()?.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next()?;
        match primary.len() {
            3 if primary.chars().all(|c| c.is_ascii_lowercase()) => Some(primary.to_string()),
            2 => crate::article::language::iso_639_3(primary).map(str::to_string),
            _ => None,
        }
    }

    /// The genre, `Podcast` unless set.
    pub fn genre_or_default(&self) -> &str {
        self.genre.as_deref().unwrap_or("Podcast")
    }
}

/// Short, but a different image reads differently (settings are compared by their `Debug`
/// text, e.g. to tell whether an input must be rendered again).
impl std::fmt::Debug for Cover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hash = blake3::hash(&self.data);
        write!(
            f,
            "Cover({}, {} bytes, blake3 {})",
            self.mime_type,
            self.data.len(),
            hash.to_hex()
        )
    }
}

impl Cover {
    /// Reads a JPEG or PNG image.
    pub fn load(path: &Path) -> Result<Cover, MetadataError> {
        let fail = |reason: String| MetadataError::Cover {
            path: path.to_path_buf(),
            reason,
        };
        let size = std::fs::metadata(path)
            .map_err(|e| fail(e.to_string()))?
            .len();
        if size > MAX_COVER_BYTES {
            return Err(fail(format!(
                "{size} bytes; a cover must be under {MAX_COVER_BYTES} bytes"
            )));
        }
        let data = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
        let mime_type =
            image_type(&data).ok_or_else(|| fail("not a JPEG or PNG image".to_string()))?;
        Ok(Cover { mime_type, data })
    }
}

/// `image/jpeg` or `image/png` from a file's first bytes.
fn image_type(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// `text` cut after whole words to at most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = text.chars().take(max - 1).collect();
    }
    format!("{}…", out.trim_end_matches([',', ';', ':', '.']))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A written date as ISO 8601 (see [`Metadata::iso_date`]).
pub fn iso_date(text: &str) -> Option<String> {
    let text = text.trim();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    // 2015-04-21, 2015-04-21T10:00:00Z, 2015-04, 2015
    let head: Vec<&str> = text
        .split(['T', ' '])
        .next()
        .unwrap_or("")
        .split('-')
        .collect();
    if head.first().is_some_and(|y| y.len() == 4 && digits(y)) && head.iter().all(|p| digits(p)) {
        let valid = match head.as_slice() {
            [_] => true,
            [_, m] => (1..=12).contains(&m.parse::<u32>().ok()?),
            [_, m, d] => {
                (1..=12).contains(&m.parse::<u32>().ok()?)
                    && (1..=31).contains(&d.parse::<u32>().ok()?)
            }
            _ => false,
        };
        return valid.then(|| head.join("-"));
    }
    // April 21, 2015 / 21 April 2015 / Apr. 21 2015
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let month = words.iter().find_map(|w| {
        MONTHS
            .iter()
            .position(|m| w.len() >= 3 && w.starts_with(m))
            .map(|i| i + 1)
    });
    let year = words
        .iter()
        .find(|w| w.len() == 4 && digits(w))
        .and_then(|y| y.parse::<u32>().ok())?;
    let day = words
        .iter()
        .filter(|w| (1..=2).contains(&w.len()) && digits(w))
        .find_map(|d| d.parse::<u32>().ok().filter(|d| (1..=31).contains(d)));
    Some(match (month, day) {
        (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{year:04}-{m:02}"),
        _ => format!("{year:04}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_pages_write_become_iso_dates() {
        assert_eq!(iso_date("April 21, 2015").as_deref(), Some("2015-04-21"));
        assert_eq!(iso_date("21 April 2015").as_deref(), Some("2015-04-21"));
        assert_eq!(
            iso_date("2015-04-21T10:00:00Z").as_deref(),
            Some("2015-04-21")
        );
        assert_eq!(iso_date("Sept. 2019").as_deref(), Some("2019-09"));
        assert_eq!(iso_date("2015-13-01"), None);
        assert_eq!(iso_date("yesterday"), None);
    }

    #[test]
    fn a_long_first_paragraph_is_cut_after_a_word() {
        let text = "word ".repeat(100);
        let short = shorten(text.trim(), 30);
        assert!(
            short.chars().count() <= 30 && short.ends_with("word…"),
            "{short}"
        );
        assert_eq!(shorten("short", 30), "short");
    }

    #[test]
    fn meta_pairs_set_their_key_and_unknown_keys_are_refused() {
        let mut meta = Metadata::default();
        meta.set_pair("show=The Show").unwrap();
        meta.set_pair("title = A = B").unwrap();
        assert_eq!(meta.album.as_deref(), Some("The Show"));
        assert_eq!(meta.title.as_deref(), Some("A = B"));
        let err = meta.set_pair("colour=red").unwrap_err().to_string();
        assert!(err.starts_with("--meta colour: unknown key"), "{err}");
        assert!(meta.set_pair("title").is_err());
    }

    #[test]
    fn the_users_tags_win_over_the_articles() {
        let user = Metadata {
            title: Some("Mine".into()),
            ..Metadata::default()
        };
        let article = Metadata {
            title: Some("Theirs".into()),
            artist: Some("A".into()),
            ..Metadata::default()
        };
        let merged = user.over(&article);
        assert_eq!(merged.title.as_deref(), Some("Mine"));
        assert_eq!(merged.artist.as_deref(), Some("A"));
    }

    #[test]
    fn languages_become_three_letter_codes() {
        let meta = |l: &str| Metadata {
            language: Some(l.into()),
            ..Metadata::default()
        };
        assert_eq!(meta("en").language_639_2().as_deref(), Some("eng"));
        assert_eq!(meta("de-DE").language_639_2().as_deref(), Some("deu"));
        assert_eq!(meta("fra").language_639_2().as_deref(), Some("fra"));
        assert_eq!(meta("x").language_639_2(), None);
    }

    #[test]
    fn a_cover_must_be_a_jpeg_or_a_png() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("a.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\nrest").unwrap();
        assert_eq!(Cover::load(&png).unwrap().mime_type, "image/png");
        let text = dir.path().join("a.txt");
        std::fs::write(&text, b"hello").unwrap();
        let err = Cover::load(&text).unwrap_err().to_string();
        assert!(
            err.contains("a.txt") && err.contains("not a JPEG or PNG"),
            "{err}"
        );
        let missing = Cover::load(&dir.path().join("none.jpg")).unwrap_err();
        assert!(missing.to_string().contains("none.jpg"), "{missing}");
    }

    #[test]
    fn covers_of_the_same_size_read_differently() {
        let cover = |b: u8| Cover {
            mime_type: "image/png",
            data: vec![b; 64],
        };
        assert_ne!(format!("{:?}", cover(1)), format!("{:?}", cover(2)));
        assert!(format!("{:?}", cover(1)).len() < 200);
    }

    #[test]
    fn a_metadata_file_may_name_a_cover_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("c.jpg"), [0xFF, 0xD8, 0xFF, 0xE0]).unwrap();
        let file = dir.path().join("m.toml");
        std::fs::write(&file, "show = \"S\"\ncover = \"c.jpg\"\n").unwrap();
        let meta = Metadata::load(&file).unwrap();
        assert_eq!(meta.album.as_deref(), Some("S"));
        assert_eq!(meta.cover.unwrap().mime_type, "image/jpeg");
        std::fs::write(&file, "colour = \"red\"\n").unwrap();
        let err = Metadata::load(&file).unwrap_err().to_string();
        assert!(err.contains("m.toml:1:1"), "{err}");
    }
}
