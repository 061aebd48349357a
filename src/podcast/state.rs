//! The podcast folder's memory: `DIR/.articast-podcast.json` lists every published episode
//! with its source item's guid, the hashes of the text and settings it was rendered from, and
//! the files it wrote. A run renders an item again only when one of those changed or a file is
//! missing, and writes `feed.xml` from this list, so episodes whose item left the source feed
//! stay published.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The state file's name in the podcast folder.
pub const FILE_NAME: &str = ".articast-podcast.json";

/// The format of the state file this version writes.
const VERSION: u32 = 1;

/// Every published episode, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The format of the file.
    pub version: u32,
    /// The episodes.
    pub episodes: Vec<Episode>,
}

/// One published episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// The source item's guid (or the one made for an item that had none).
    pub guid: String,
    /// Whether the guid is a permalink (as the source item says).
    pub permalink: bool,
    /// The episode's title.
    pub title: String,
    /// The source item's page.
    pub link: Option<String>,
    /// The source item's summary.
    pub description: Option<String>,
    /// Publication time (seconds since 1970), from the source item.
    pub published: Option<i64>,
    /// When a run first saw the item (seconds since 1970): orders items without a date.
    pub first_seen: i64,
    /// Its place in the source feed when last seen (0 is the top): orders items of one date.
    pub position: usize,
    /// The stem of its files in the podcast folder.
    pub name: String,
    /// Hash of the article's text as it was rendered.
    pub content_hash: String,
    /// Hash of the render settings it was rendered with.
    pub settings_hash: String,
    /// The audio file (a name in the podcast folder).
    pub audio: String,
    /// Its MIME type.
    pub mime: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its length in seconds.
    pub seconds: f64,
    /// The Podcasting 2.0 JSON chapters, if written.
    pub chapters: Option<String>,
    /// The WebVTT captions, if written.
    pub vtt: Option<String>,
    /// The SubRip captions, if written.
    pub srt: Option<String>,
    /// Every file the render wrote (names in the podcast folder), the audio included.
    pub files: Vec<String>,
}

impl Episode {
    /// The order of episodes, newest first: by date (an undated item by when it was first
    /// seen), then by place in the feed.
    pub fn newest_first(a: &Episode, b: &Episode) -> std::cmp::Ordering {
        let when = |e: &Episode| e.published.unwrap_or(e.first_seen);
        when(b)
            .cmp(&when(a))
            .then(a.position.cmp(&b.position))
            .then(a.guid.cmp(&b.guid))
    }

    /// Whether every file it lists is in `dir`.
    pub fn files_exist(&self, dir: &Path) -> bool {
        self.files.iter().all(|f| dir.join(f).is_file())
    }

    /// Removes its files from `dir` (and the render's own list of them); missing ones are
    /// no error.
    pub fn remove_files(&self, dir: &Path) {
        for file in &self.files {
            let _ = std::fs::remove_file(dir.join(file));
        }
        // The renderer's manifest of the files of this stem (see `render`).
        let _ = std::fs::remove_file(dir.join(format!(".{}.articast", self.name)));
    }
}

/// Why the state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// It could not be read.
    #[error("{path}: cannot read: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// It is not a state file this version reads.
    #[error(
        "{path}: not a podcast state file articast can read ({reason}); move it away to start afresh"
    )]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl State {
    /// Its path in the podcast folder.
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }

    /// Reads the state of `dir`; an empty state when there is none yet.
    pub fn load(dir: &Path) -> Result<State, StateError> {
        let path = State::path(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
            Err(source) => return Err(StateError::Unreadable { path, source }),
        };
        let state: State = serde_json::from_str(&text).map_err(|e| StateError::Invalid {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if state.version != VERSION {
            return Err(StateError::Invalid {
                path,
                reason: format!(
                    "format version {}, this articast reads {VERSION}",
                    state.version
                ),
            });
        }
        // Only plain names in this folder: a state file never reaches elsewhere.
        let plain = |f: &String| {
            !f.is_empty() && Path::new(f).file_name() == Some(std::ffi::OsStr::new(f.as_str()))
        };
        for episode in &state.episodes {
            let named = std::iter::once(&episode.audio)
                .chain(&episode.files)
                .chain(std::iter::once(&episode.name));
            if let Some(bad) = named.into_iter().find(|f| !plain(f) || f.starts_with('.')) {
                return Err(StateError::Invalid {
                    path,
                    reason: format!("{bad:?} is not a file name in the podcast folder"),
                });
            }
        }
        Ok(state)
    }

    /// The text written to the state file.
    pub fn to_json(&self) -> String {
        let state = State {
            version: VERSION,
            episodes: self.episodes.clone(),
        };
        let mut text = serde_json::to_string_pretty(&state).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The episode of a guid.
    pub fn episode(&self, guid: &str) -> Option<&Episode> {
        self.episodes.iter().find(|e| e.guid == guid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn episode(guid: &str, published: Option<i64>, position: usize) -> Episode {
        Episode {
            guid: guid.to_string(),
            permalink: false,
            title: guid.to_string(),
            link: None,
            description: None,
            published,
            first_seen: 100,
            position,
            name: guid.to_string(),
            content_hash: "c".into(),
            settings_hash: "s".into(),
            audio: format!("{guid}.wav"),
            mime: "audio/wav".into(),
            bytes: 1,
            seconds: 1.0,
            chapters: None,
            vtt: None,
            srt: None,
            files: vec![format!("{guid}.wav")],
        }
    }

    #[test]
    fn episodes_sort_by_date_then_place_in_the_feed() {
        let mut all = [
            episode("old", Some(10), 0),
            episode("undated", None, 5),
            episode("new-second", Some(200), 1),
            episode("new-first", Some(200), 0),
        ];
        all.sort_by(Episode::newest_first);
        let order: Vec<&str> = all.iter().map(|e| e.guid.as_str()).collect();
        assert_eq!(order, ["new-first", "new-second", "undated", "old"]);
    }

    #[test]
    fn a_state_round_trips_and_a_missing_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(State::load(dir.path()).unwrap(), State::default());
        let state = State {
            version: VERSION,
            episodes: vec![episode("a", Some(1), 0)],
        };
        std::fs::write(State::path(dir.path()), state.to_json()).unwrap();
        assert_eq!(State::load(dir.path()).unwrap(), state);
    }

    #[test]
    fn a_state_that_names_files_elsewhere_or_is_not_json_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut bad = episode("a", None, 0);
        bad.files.push("../../etc/passwd".into());
        let state = State {
            version: VERSION,
            episodes: vec![bad],
        };
        std::fs::write(State::path(dir.path()), state.to_json()).unwrap();
        let err = State::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a file name"), "{err}");
        std::fs::write(State::path(dir.path()), "{ nope").unwrap();
        let err = State::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains(".articast-podcast.json"), "{err}");
        assert!(err.contains("start afresh"), "{err}");
    }
}
