//! A content-addressed store of spoken utterances, as a decorator around a stateless engine.
//!
//! The key is the BLAKE3 hash of everything that changes the sound: the engine's name and
//! version, its sample rate, the voice (id, rate, pitch, volume) and the text. An entry is one
//! header line (`articast-speech 2 <blake3 of the payload> <payload length>`) followed by the
//! payload: the speech as the worker sends it (a JSON line with the rate, the sample count and
//! the events, then little-endian 16-bit samples). The checksum is verified on every read; an
//! entry that is corrupt or truncated is spoken again, replaced, and reported.
//!
//! Several processes may share one store, on one machine or on several machines sharing a
//! volume: an entry is written to a temporary file whose name holds the host, the process id
//! and random letters, then renamed into place (atomic on POSIX file systems and NFS), so a
//! reader sees a whole entry or none, and two writers of one entry write the same bytes. A hit
//! refreshes the entry's modification time (at most once an hour), which `prune` reads as its
//! last use. Only engines that say they are stateless are cached: their speech for a text and
//! voice is the same whenever it is made, so a render is byte-identical cached or not.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::{Engine, EngineError, EngineInfo, Speech, Voice};

/// Environment variable naming the cache folder (the command line's `--cache-dir` wins).
pub const CACHE_DIR_ENV: &str = "ARTICAST_CACHE_DIR";

/// The first word of an entry's header line, and the format's version.
const MAGIC: &str = "articast-speech 2";
/// The extension of entries (temporary files end otherwise, so they are never read).
const ENTRY_EXTENSION: &str = "speech";
/// A hit refreshes an entry's modification time when it is older than this (one metadata
/// write an hour at most, even on a network volume).
const TOUCH_AFTER: Duration = Duration::from_secs(3_600);
/// Temporary files older than this were left by a process that died while writing.
const STALE_TEMP: Duration = Duration::from_secs(24 * 3_600);

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
    /// Of the misses, entries found corrupt or truncated (spoken again and replaced).
    pub corrupt: usize,
}

/// Lookups counted by every cached engine of a renderer (they may run on several threads),
/// and the warnings about corrupt entries not yet shown.
#[derive(Debug, Default)]
pub struct Counter {
    hits: AtomicUsize,
    misses: AtomicUsize,
    corrupt: AtomicUsize,
    warnings: Mutex<Vec<String>>,
}

impl Counter {
    /// The counts so far.
    pub fn counts(&self) -> Counts {
        Counts {
            hits: self.hits.load(Ordering::SeqCst),
            misses: self.misses.load(Ordering::SeqCst),
            corrupt: self.corrupt.load(Ordering::SeqCst),
        }
    }

    /// The warnings since the last call (one line each), emptied.
    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }
}

/// What a lookup found.
#[derive(Debug)]
pub enum Entry {
    /// No entry under the key.
    Missing,
    /// A whole entry whose checksum matches.
    Found(Speech),
    /// An entry that does not verify, and why.
    Corrupt(String),
}

/// Reads and verifies the entry at `path`.
pub fn read_entry(path: &Path) -> Entry {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Entry::Missing,
        Err(e) => return Entry::Corrupt(format!("cannot be read: {e}")),
    };
    match verify(&bytes) {
        Ok(payload) => match Speech::read_from(&mut &payload[..]) {
            Ok(speech) => Entry::Found(speech),
            Err(e) => Entry::Corrupt(format!("its speech is malformed: {e}")),
        },
        Err(why) => Entry::Corrupt(why),
    }
}

/// The payload of an entry, if its header is whole and its checksum and length match.
fn verify(bytes: &[u8]) -> Result<&[u8], String> {
    let end = bytes
        .iter()
        .take(200)
        .position(|&b| b == b'\n')
        .ok_or("it has no header (truncated or not an entry)")?;
    let header = std::str::from_utf8(&bytes[..end]).map_err(|_| "its header is not text")?;
    let rest = header
        .strip_prefix(MAGIC)
        .ok_or("its header is not an articast speech header")?;
    let mut fields = rest.split_whitespace();
    let (Some(sum), Some(len), None) = (fields.next(), fields.next(), fields.next()) else {
        return Err("its header is malformed".to_string());
    };
    let payload = &bytes[end + 1..];
    if len.parse::<usize>().ok() != Some(payload.len()) {
        return Err(format!(
            "it holds {} bytes where its header says {len} (truncated)",
            payload.len()
        ));
    }
    if blake3::hash(payload).to_hex().as_str() != sum {
        return Err("its checksum does not match its contents".to_string());
    }
    Ok(payload)
}

/// The bytes of an entry holding `speech`: header line, then payload.
fn entry_bytes(speech: &Speech) -> std::io::Result<Vec<u8>> {
    let mut payload = Vec::with_capacity(speech.samples.len() * 2 + 256);
    speech.write_to(&mut payload)?;
    let mut bytes = format!(
        "{MAGIC} {} {}\n",
        blake3::hash(&payload).to_hex(),
        payload.len()
    )
    .into_bytes();
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// This machine's name, for temporary file names (several machines may share a volume).
fn host() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default();
    let safe: String = name
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(32)
        .collect();
    if safe.is_empty() {
        "host".to_string()
    } else {
        safe
    }
}

/// Writes `bytes` to `path` through a temporary file in its folder named after the host, the
/// process and random letters, renamed into place.
fn write_entry(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let prefix = format!(".{}-{}-", host(), std::process::id());
    let mut temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
            .join(format!("{}.{ENTRY_EXTENSION}", &hex[2..]))
    }
}

impl Engine for Cached {
    fn info(&self) -> EngineInfo {
        self.inner.info()
    }

    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
        let path = self.path(text, voice);
        match read_entry(&path) {
            Entry::Found(speech) => {
                self.counter.hits.fetch_add(1, Ordering::SeqCst);
                crate::files::mark_used(&path, TOUCH_AFTER);
                return Ok(speech);
            }
            Entry::Corrupt(why) => {
                self.counter.corrupt.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut warnings) = self.counter.warnings.lock() {
                    warnings.push(format!(
                        "cache entry {} was damaged ({why}); spoke it again and replaced it",
                        path.display()
                    ));
                }
            }
            Entry::Missing => {}
        }
        let speech = self.inner.synthesize(text, voice)?;
        self.counter.misses.fetch_add(1, Ordering::SeqCst);
        // A store that cannot be written (full disk, read-only folder) costs speed only.
        if let Ok(bytes) = entry_bytes(&speech) {
            let _ = write_entry(&path, &bytes);
        }
        Ok(speech)
    }

    fn check_voice(&mut self, voice: &Voice) -> Result<(), EngineError> {
        self.inner.check_voice(voice)
    }

    fn begin(&mut self) -> Result<(), EngineError> {
        self.inner.begin()
    }

    fn end(&mut self) {
        self.inner.end();
    }

    /// Passes on the upcoming utterances the store does not hold: only those are worth
    /// speaking ahead.
    fn prefetch(&mut self, upcoming: &[(&str, &Voice)]) {
        let missing: Vec<(&str, &Voice)> = upcoming
            .iter()
            .copied()
            .filter(|(text, voice)| !self.path(text, voice).is_file())
            .collect();
        if !missing.is_empty() {
            self.inner.prefetch(&missing);
        }
    }
}

/// What a store holds (`articast cache stats`), or what an operation removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Entries.
    pub entries: u64,
    /// Their size in bytes.
    pub bytes: u64,
}

/// An entry of the store, with its size and last use.
#[derive(Debug)]
struct Stored {
    path: PathBuf,
    bytes: u64,
    used: SystemTime,
}

/// The entries under `dir`; temporary files left by dead writers (older than a day) go to
/// `stale`, younger ones (a write under way in another process) are left alone.
fn walk(dir: &Path) -> std::io::Result<(Vec<Stored>, Vec<PathBuf>)> {
    let mut entries = Vec::new();
    let mut stale = Vec::new();
    let top = match std::fs::read_dir(dir) {
        Ok(top) => top,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((entries, stale)),
        Err(e) => return Err(e),
    };
    let now = SystemTime::now();
    for folder in top.flatten() {
        if !folder.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        for file in std::fs::read_dir(folder.path())?.flatten() {
            let (Ok(meta), path) = (file.metadata(), file.path()) else {
                continue;
            };
            let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if path.extension().is_some_and(|e| e == ENTRY_EXTENSION) && meta.is_file() {
                entries.push(Stored {
                    path,
                    bytes: meta.len(),
                    used,
                });
            } else if now.duration_since(used).is_ok_and(|age| age > STALE_TEMP) {
                stale.push(path);
            }
        }
    }
    Ok((entries, stale))
}

fn usage<'a>(entries: impl IntoIterator<Item = &'a Stored>) -> Usage {
    entries.into_iter().fold(Usage::default(), |u, e| Usage {
        entries: u.entries + 1,
        bytes: u.bytes + e.bytes,
    })
}

/// How many entries the store in `dir` holds, and their size.
pub fn stats(dir: &Path) -> std::io::Result<Usage> {
    Ok(usage(&walk(dir)?.0))
}

/// Removes every entry of the store in `dir` (and temporary files left by dead writers);
/// returns what was removed. Writers at work meanwhile lose nothing but speed.
pub fn clear(dir: &Path) -> std::io::Result<Usage> {
    let (entries, stale) = walk(dir)?;
    remove(&entries, &stale)
}

/// Removes the least recently used entries of the store in `dir` until it holds at most
/// `max_bytes`; returns what was removed.
pub fn prune(dir: &Path, max_bytes: u64) -> std::io::Result<Usage> {
    let (mut entries, stale) = walk(dir)?;
    // Oldest use first; ties by name, so the same store prunes the same way.
    entries.sort_by(|a, b| a.used.cmp(&b.used).then_with(|| a.path.cmp(&b.path)));
    let mut total = usage(&entries).bytes;
    let mut doomed = 0;
    while total > max_bytes && doomed < entries.len() {
        total -= entries[doomed].bytes;
        doomed += 1;
    }
    remove(&entries[..doomed], &stale)
}

fn remove(entries: &[Stored], stale: &[PathBuf]) -> std::io::Result<Usage> {
    let mut removed = Vec::with_capacity(entries.len());
    for entry in entries {
        match std::fs::remove_file(&entry.path) {
            Ok(()) => removed.push(entry),
            // Another process removed it first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    for path in stale {
        let _ = std::fs::remove_file(path);
    }
    Ok(usage(removed))
}

/// Reads every entry of the store in `dir` and returns those that do not verify, with why.
pub fn verify_all(dir: &Path) -> std::io::Result<(Usage, Vec<(PathBuf, String)>)> {
    let (entries, _) = walk(dir)?;
    let bad = entries
        .iter()
        .filter_map(|e| match read_entry(&e.path) {
            Entry::Corrupt(why) => Some((e.path.clone(), why)),
            _ => None,
        })
        .collect();
    Ok((usage(&entries), bad))
}

/// A size such as `500M`, `2G`, `1.5G`, `64k` or `1000000` (bytes; K, M, G, T are powers of
/// 1024, an optional `B` or `iB` may follow).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let bad = || format!("'{text}' is not a size; expected e.g. 500M, 2G or 1000000 (bytes)");
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix("ib"))
        .or_else(|| t.strip_suffix(['B', 'b']))
        .unwrap_or(t);
    let (number, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, ' '),
    };
    let power = match unit {
        ' ' => 0,
        'K' => 1,
        'M' => 2,
        'G' => 3,
        'T' => 4,
        _ => return Err(bad()),
    };
    let value: f64 = number.trim().parse().map_err(|_| bad())?;
    if !value.is_finite() || value < 0.0 {
        return Err(bad());
    }
    Ok((value * 1024f64.powi(power)).round().min(u64::MAX as f64) as u64)
}

/// A size for people: `1.4 GiB`, `512.0 KiB`, `12 bytes`.
pub fn human_size(bytes: u64) -> String {
    let units = ["KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = "bytes";
    for next in units {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    match unit {
        "bytes" => format!("{bytes} bytes"),
        _ => format!("{value:.1} {unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fake::FakeEngine;

    fn cached(dir: &Path) -> (Cached, Arc<Counter>) {
        let counter = Arc::new(Counter::default());
        let cached = Cached::new(Box::new(FakeEngine), dir, Arc::clone(&counter));
        (cached, counter)
    }

    #[test]
    fn a_second_lookup_is_a_hit_with_the_same_speech() {
        let dir = tempfile::tempdir().unwrap();
        let (mut cached, counter) = cached(dir.path());
        let voice = Voice::default();
        let first = cached.synthesize("Hello there, world.", &voice).unwrap();
        let again = cached.synthesize("Hello there, world.", &voice).unwrap();
        assert_eq!(first, again);
        assert_eq!(counter.counts().hits, 1);
        assert_eq!(counter.counts().misses, 1);
        let slower = Voice {
            rate: 120,
            ..Voice::default()
        };
        cached.synthesize("Hello there, world.", &slower).unwrap();
        assert_eq!(counter.counts().misses, 2, "another voice is another entry");
    }

    #[test]
    fn a_torn_or_altered_entry_is_spoken_again_replaced_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (mut cached, counter) = cached(dir.path());
        let voice = Voice::default();
        let first = cached.synthesize("Hello there.", &voice).unwrap();
        let path = cached.path("Hello there.", &voice);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(cached.synthesize("Hello there.", &voice).unwrap(), first);
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "replaced");
        // One flipped sample keeps the length: only the checksum tells.
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x40;
        std::fs::write(&path, &flipped).unwrap();
        assert!(matches!(read_entry(&path), Entry::Corrupt(why) if why.contains("checksum")));
        assert_eq!(cached.synthesize("Hello there.", &voice).unwrap(), first);
        assert_eq!(
            counter.counts(),
            Counts {
                hits: 0,
                misses: 3,
                corrupt: 2
            }
        );
        let warnings = counter.take_warnings();
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].contains("truncated"), "{}", warnings[0]);
        assert!(
            counter.take_warnings().is_empty(),
            "each warning is shown once"
        );
        assert!(matches!(read_entry(&path), Entry::Found(s) if s == first));
    }

    #[test]
    fn prune_removes_the_least_recently_used_first_and_clear_removes_all() {
        let dir = tempfile::tempdir().unwrap();
        let (mut cached, _) = cached(dir.path());
        let voice = Voice::default();
        let texts = ["One word.", "Two words here.", "Three words here now."];
        let day = Duration::from_secs(86_400);
        for (age, text) in texts.iter().enumerate() {
            cached.synthesize(text, &voice).unwrap();
            let file = std::fs::File::options()
                .write(true)
                .open(cached.path(text, &voice))
                .unwrap();
            // "One word." was used three days ago, "Three words here now." one day ago.
            file.set_modified(SystemTime::now() - day * (3 - age as u32))
                .unwrap();
        }
        // A hit marks the oldest as used now.
        cached.synthesize("One word.", &voice).unwrap();
        let sizes: Vec<u64> = texts
            .iter()
            .map(|t| std::fs::metadata(cached.path(t, &voice)).unwrap().len())
            .collect();
        let all = stats(dir.path()).unwrap();
        assert_eq!(all.entries, 3);
        assert_eq!(all.bytes, sizes.iter().sum::<u64>());
        let removed = prune(dir.path(), all.bytes - 1).unwrap();
        assert_eq!(
            removed,
            Usage {
                entries: 1,
                bytes: sizes[1]
            },
            "the least recently used"
        );
        assert!(!cached.path(texts[1], &voice).exists());
        assert!(cached.path(texts[0], &voice).exists());
        assert_eq!(prune(dir.path(), u64::MAX).unwrap(), Usage::default());
        assert_eq!(clear(dir.path()).unwrap().entries, 2);
        assert_eq!(stats(dir.path()).unwrap(), Usage::default());
    }

    /// The fake engine, noting what it is told to speak ahead.
    struct Ahead(Arc<Mutex<Vec<String>>>);

    impl Engine for Ahead {
        fn info(&self) -> EngineInfo {
            FakeEngine.info()
        }
        fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
            FakeEngine.synthesize(text, voice)
        }
        fn prefetch(&mut self, upcoming: &[(&str, &Voice)]) {
            let mut told = self.0.lock().unwrap();
            told.extend(upcoming.iter().map(|(t, _)| t.to_string()));
        }
    }

    #[test]
    fn only_utterances_the_store_lacks_are_spoken_ahead() {
        let dir = tempfile::tempdir().unwrap();
        let told = Arc::new(Mutex::new(Vec::new()));
        let counter = Arc::new(Counter::default());
        let mut cached = Cached::new(Box::new(Ahead(Arc::clone(&told))), dir.path(), counter);
        let voice = Voice::default();
        cached.synthesize("Kept.", &voice).unwrap();
        cached.prefetch(&[("Kept.", &voice), ("New.", &voice), ("Also new.", &voice)]);
        assert_eq!(*told.lock().unwrap(), vec!["New.", "Also new."]);
        cached.prefetch(&[("Kept.", &voice)]);
        assert_eq!(told.lock().unwrap().len(), 2, "nothing to speak ahead");
    }

    #[test]
    fn sizes_read_with_binary_units() {
        assert_eq!(parse_size("500M").unwrap(), 500 << 20);
        assert_eq!(parse_size("2G").unwrap(), 2 << 30);
        assert_eq!(parse_size("1.5GiB").unwrap(), 3 << 29);
        assert_eq!(parse_size("64kb").unwrap(), 64 << 10);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert!(parse_size("2X").is_err());
        assert!(parse_size("-1G").is_err());
        assert!(parse_size("").is_err());
        assert_eq!(human_size(3 << 29), "1.5 GiB");
    }
}
