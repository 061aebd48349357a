//! A content-addressed store of spoken utterances, as a decorator around a stateless engine.
//!
//! The key is the BLAKE3 hash of everything that changes the sound: the engine's name and
//! version, its sample rate, the voice (id, rate, pitch, volume) and the text. An entry is the
//! speech as the worker sends it (a JSON header line with the rate, the sample count and the
//! events, then little-endian 16-bit samples), written to a temporary file and renamed into
//! place, so a crash never leaves a torn entry under a final name; an entry that does not read
//! back whole is spoken again and replaced. Only engines that say they are stateless are
//! cached: their speech for a text and voice is the same whenever it is made, so a render is
//! byte-identical cached or not.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Engine, EngineError, EngineInfo, Speech, Voice};

/// Environment variable naming the cache folder (the command line's `--cache-dir` wins).
pub const CACHE_DIR_ENV: &str = "ARTICAST_CACHE_DIR";

/// The default cache folder: `$ARTICAST_CACHE_DIR`, else the platform's cache folder
/// (`~/.cache/articast/utterances` on Linux).
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "articast").map(|d| d.cache_dir().join("utterances"))
}

/// Counts of lookups in the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Utterances found in the store.
    pub hits: usize,
    /// Utterances spoken and stored.
    pub misses: usize,
}

/// Lookups counted by every cached engine of a renderer (they may run on several threads).
#[derive(Debug, Default)]
pub struct Counter {
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl Counter {
    /// The counts so far.
    pub fn counts(&self) -> Counts {
        Counts {
            hits: self.hits.load(Ordering::SeqCst),
            misses: self.misses.load(Ordering::SeqCst),
        }
    }
}

/// An engine whose speech is kept in a store.
pub struct Cached {
    inner: Box<dyn Engine>,
    dir: PathBuf,
    identity: String,
    counter: Arc<Counter>,
}

impl std::fmt::Debug for Cached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cached")
            .field("dir", &self.dir)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl Cached {
    /// `inner` with its speech kept in `dir`, its lookups counted in `counter`.
    pub fn new(inner: Box<dyn Engine>, dir: &Path, counter: Arc<Counter>) -> Cached {
        let info = inner.info();
        let identity = format!("{}\n{}\n{}", info.name, info.version, info.sample_rate);
        Cached {
            inner,
            dir: dir.to_path_buf(),
            identity,
            counter,
        }
    }

    fn path(&self, text: &str, voice: &Voice) -> PathBuf {
        let mut hasher = blake3::Hasher::new();
        for part in [
            "articast utterance v1",
            &self.identity,
            &voice.id,
            &voice.rate.to_string(),
            &voice.pitch.to_string(),
            &voice.volume.to_string(),
            text,
        ] {
            // Length-prefixed, so no two different lists hash the same bytes.
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        let hex = hasher.finalize().to_hex();
        self.dir
            .join(&hex[..2])
            .join(format!("{}.speech", &hex[2..]))
    }

    fn store(&self, path: &Path, speech: &Speech) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        let mut out = std::io::BufWriter::new(temp.as_file_mut());
        speech.write_to(&mut out)?;
        out.flush()?;
        drop(out);
        temp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Engine for Cached {
    fn info(&self) -> EngineInfo {
        self.inner.info()
    }

    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
        let path = self.path(text, voice);
        if let Ok(file) = std::fs::File::open(&path) {
            if let Ok(speech) = Speech::read_from(&mut BufReader::new(file)) {
                self.counter.hits.fetch_add(1, Ordering::SeqCst);
                return Ok(speech);
            }
        }
        let speech = self.inner.synthesize(text, voice)?;
        self.counter.misses.fetch_add(1, Ordering::SeqCst);
        // A store that cannot be written (full disk, read-only folder) costs speed only.
        let _ = self.store(&path, &speech);
        Ok(speech)
    }

    fn check_voice(&mut self, voice: &Voice) -> Result<(), EngineError> {
        self.inner.check_voice(voice)
    }

    fn begin(&mut self) -> Result<(), EngineError> {
        self.inner.begin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fake::FakeEngine;

    #[test]
    fn a_second_lookup_is_a_hit_with_the_same_speech() {
        let dir = tempfile::tempdir().unwrap();
        let counter = Arc::new(Counter::default());
        let mut cached = Cached::new(Box::new(FakeEngine), dir.path(), Arc::clone(&counter));
        let voice = Voice::default();
        let first = cached.synthesize("Hello there, world.", &voice).unwrap();
        let again = cached.synthesize("Hello there, world.", &voice).unwrap();
        assert_eq!(first, again);
        assert_eq!(counter.counts(), Counts { hits: 1, misses: 1 });
        let slower = Voice {
            rate: 120,
            ..Voice::default()
        };
        cached.synthesize("Hello there, world.", &slower).unwrap();
        assert_eq!(counter.counts().misses, 2, "another voice is another entry");
    }

    #[test]
    fn a_torn_entry_is_spoken_again_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let counter = Arc::new(Counter::default());
        let mut cached = Cached::new(Box::new(FakeEngine), dir.path(), Arc::clone(&counter));
        let voice = Voice::default();
        let first = cached.synthesize("Hello there.", &voice).unwrap();
        let path = cached.path("Hello there.", &voice);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(cached.synthesize("Hello there.", &voice).unwrap(), first);
        assert_eq!(counter.counts(), Counts { hits: 0, misses: 2 });
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
}
