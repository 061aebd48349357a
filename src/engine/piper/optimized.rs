//! A voice's graph as ONNX Runtime optimizes it, kept between runs.
//!
//! Every session starts by optimizing its graph: constant folding, fusions and, for the decoder in
//! two dimensions ([`super::graph`]), the blocked-channel layout with its weights reordered. For
//! the joe voice that is most of a session's start (0.8–1.1 s of CPU per session, each run).
//! ONNX Runtime can write the graph it optimized to a file and load it back with its optimizations
//! off: the sessions then start in 0.1–0.25 s and compute the same bits (the same nodes and
//! kernels; `tests/piper.rs` renders with the folder empty and full and compares the bytes).
//!
//! The optimized graph holds choices made for this CPU (the block size of its vector registers),
//! so an entry is named by a hash of the model file's hash, the decoder rewrite asked for, ONNX
//! Runtime's build and the CPU's vector features, and says in its name whether the rewrite
//! applied (a kept graph is loaded without reading the rewrite again). Entries live in
//! `~/.cache/articast/piper-graphs/` (the platform's cache folder; about the model's size each)
//! and are written to a temporary file ([`files::Temporary`]: one left by a killed process is
//! swept later) and renamed, so a reader never sees half an entry. Each ends with a trailer, a
//! magic string and the BLAKE3 hash of the graph before it, checked on every load: a damaged
//! entry is removed and written again, never run. A load marks the entry as used (its
//! modification time, at most hourly); writing an entry removes those unused for 30 days (another
//! runtime's, a voice no longer used). `ARTICAST_PIPER_GRAPH_CACHE=0` turns the folder off.
//! It is not the speech cache: `--no-cache` still speaks every sentence.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::files;

/// The start of an entry's trailer (the graph's BLAKE3 hash follows).
const MAGIC: &[u8; 16] = b"articast graph 1";
/// The trailer's length.
const TRAILER: usize = MAGIC.len() + blake3::OUT_LEN;
/// An entry loaded is marked as used when its mark is older than this.
const TOUCH_AFTER: Duration = Duration::from_secs(3_600);
/// Entries not used for this long (another runtime's, another model's) are removed when a new
/// entry is written.
const UNUSED: Duration = Duration::from_secs(30 * 24 * 3_600);

/// The entry of one model's optimized graph: where it is (or will be).
#[derive(Debug, Clone)]
pub struct Entry {
    /// The entry's folder.
    dir: PathBuf,
    /// Its name, without the suffix that says whether the decoder is in two dimensions.
    name: String,
}

/// An entry being written: the temporary file ONNX Runtime writes the graph to, sealed and
/// renamed into place by [`Writing::commit`] (dropped, it is removed).
#[derive(Debug)]
pub struct Writing {
    entry: Entry,
    temporary: files::Temporary,
}

impl Entry {
    /// The entry of the model whose file has BLAKE3 hash `digest`, with the decoder rewrite
    /// `rewrite` asked for (or "as given"), for ONNX Runtime build `runtime`, in the default
    /// folder; `None` when there is no cache folder.
    pub fn for_model(digest: &str, rewrite: &str, runtime: &str) -> Option<Entry> {
        let dir = directories::ProjectDirs::from("", "", "articast")?
            .cache_dir()
            .join("piper-graphs");
        Some(Entry::in_dir(
            &dir,
            &[digest, rewrite, runtime, &cpu_features()],
        ))
    }

    /// The entry in `dir` named by `parts` (the model, the rewrite, the runtime, the CPU).
    pub fn in_dir(dir: &Path, parts: &[&str]) -> Entry {
        let mut hasher = blake3::Hasher::new_derive_key("articast piper optimized graph v1");
        for part in parts {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        Entry {
            dir: dir.to_path_buf(),
            name: hasher.finalize().to_hex()[..32].to_string(),
        }
    }

    /// The entry's file when its decoder is (or is not) in two dimensions: the rewrite asked
    /// for may not apply to a model, and which it was is read back from the name.
    pub fn path(&self, two_d: bool) -> PathBuf {
        let suffix = if two_d { ".2d" } else { "" };
        self.dir.join(format!("{}{suffix}.onnx", self.name))
    }

    /// The optimized graph kept in the entry and whether its decoder is in two dimensions, if
    /// it is there and whole; a damaged entry is removed (it is written again).
    pub fn load(&self) -> Option<(Vec<u8>, bool)> {
        [true, false].into_iter().find_map(|two_d| {
            let path = self.path(two_d);
            let mut bytes = std::fs::read(&path).ok()?;
            match checked_len(&bytes) {
                Some(len) => {
                    bytes.truncate(len);
                    files::mark_used(&path, TOUCH_AFTER);
                    Some((bytes, two_d))
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                    None
                }
            }
        })
    }

    /// Starts writing the entry: makes its folder and a temporary file in it, and removes
    /// entries unused for 30 days; `None` when the folder cannot be written (the graph is then
    /// not kept).
    pub fn prepare(&self) -> Option<Writing> {
        files::make_dir(&self.dir).ok()?;
        prune(&self.dir, SystemTime::now());
        let temporary = files::Temporary::new_in(&self.dir).ok()?;
        Some(Writing {
            entry: self.clone(),
            temporary,
        })
    }

    /// Removes an entry ONNX Runtime could not load (it is written again).
    pub fn remove(&self) {
        for two_d in [true, false] {
            let _ = std::fs::remove_file(self.path(two_d));
        }
    }
}

impl Writing {
    /// Where ONNX Runtime is to write the optimized graph.
    pub fn path(&self) -> &Path {
        self.temporary.path()
    }

    /// Ends the graph ONNX Runtime wrote with its trailer and moves it into place as the
    /// entry (another process may have put the same entry there first: the rename replaces it
    /// with identical bytes). An entry that cannot be written is not kept.
    pub fn commit(mut self, two_d: bool) {
        use std::io::{Seek, Write};
        let path = self.entry.path(two_d);
        let sealed = std::fs::read(self.temporary.path()).and_then(|graph| {
            let file = self.temporary.as_file_mut();
            file.seek(std::io::SeekFrom::End(0))?;
            file.write_all(&trailer(&graph))?;
            file.sync_all()
        });
        if sealed.is_ok() {
            let _ = self.temporary.persist(&path);
        }
    }
}

/// Removes the entries in `dir` not used for [`UNUSED`] at `now`; returns how many.
fn prune(dir: &Path, now: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "onnx"))
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > UNUSED))
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// The trailer that ends the entry of `graph`.
fn trailer(graph: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(blake3::hash(graph).as_bytes());
    out
}

/// The length of the graph in an entry's bytes, if its trailer is there and matches it.
fn checked_len(entry: &[u8]) -> Option<usize> {
    let len = entry.len().checked_sub(TRAILER)?;
    (entry[len..] == trailer(&entry[..len])[..]).then_some(len)
}

/// The vector features ONNX Runtime's kernels choose by, as a string.
pub fn cpu_features() -> String {
    #[cfg(target_arch = "x86_64")]
    {
        let features = [
            ("avx", std::arch::is_x86_feature_detected!("avx")),
            ("avx2", std::arch::is_x86_feature_detected!("avx2")),
            ("fma", std::arch::is_x86_feature_detected!("fma")),
            ("f16c", std::arch::is_x86_feature_detected!("f16c")),
            ("avx512f", std::arch::is_x86_feature_detected!("avx512f")),
            ("avx512bw", std::arch::is_x86_feature_detected!("avx512bw")),
            ("avx512dq", std::arch::is_x86_feature_detected!("avx512dq")),
            ("avx512vl", std::arch::is_x86_feature_detected!("avx512vl")),
            (
                "avx512vnni",
                std::arch::is_x86_feature_detected!("avx512vnni"),
            ),
            (
                "avx512bf16",
                std::arch::is_x86_feature_detected!("avx512bf16"),
            ),
            ("avxvnni", std::arch::is_x86_feature_detected!("avxvnni")),
        ];
        let on: Vec<&str> = features
            .iter()
            .filter(|(_, on)| *on)
            .map(|(name, _)| *name)
            .collect();
        format!("x86_64 {}", on.join(" "))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        std::env::consts::ARCH.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_named_by_the_model_the_rewrite_the_runtime_and_the_cpu() {
        let dir = Path::new("/cache");
        let name = |parts: &[&str]| Entry::in_dir(dir, parts).path(true);
        let base = name(&["model", "2-D v1", "1.32.0", "x86_64 avx avx2"]);
        assert_eq!(
            base,
            name(&["model", "2-D v1", "1.32.0", "x86_64 avx avx2"])
        );
        for other in [
            ["model!", "2-D v1", "1.32.0", "x86_64 avx avx2"],
            ["model", "as given", "1.32.0", "x86_64 avx avx2"],
            ["model", "2-D v1", "1.33.0", "x86_64 avx avx2"],
            ["model", "2-D v1", "1.32.0", "x86_64 avx avx2 avx512f"],
            ["model2-D v1", "", "1.32.0", "x86_64 avx avx2"],
        ] {
            assert_ne!(base, name(&other), "{other:?}");
        }
        assert_eq!(base.parent(), Some(dir));
        let (a, b) = (Entry::in_dir(dir, &["m"]), Entry::in_dir(dir, &["m"]));
        assert_eq!(a.path(false), b.path(false));
        assert_ne!(a.path(false), a.path(true));
        assert!(cpu_features().starts_with(std::env::consts::ARCH));
    }

    #[test]
    fn a_committed_entry_loads_back_and_a_damaged_one_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let entry = Entry::in_dir(&dir.path().join("graphs"), &["g"]);
        assert_eq!(entry.load(), None);
        // Written as ONNX Runtime writes it: through its own handle on the path.
        let write = |two_d: bool| {
            let writing = entry.prepare().unwrap();
            let temporary = writing.path().to_path_buf();
            std::fs::write(&temporary, b"optimized graph").unwrap();
            writing.commit(two_d);
            assert!(!temporary.exists());
        };
        for two_d in [true, false] {
            write(two_d);
            assert_eq!(entry.load(), Some((b"optimized graph".to_vec(), two_d)));
            entry.remove();
        }
        // Not committed (the session failed): nothing is kept, no temporary file is left.
        let writing = entry.prepare().unwrap();
        std::fs::write(writing.path(), b"half a gra").unwrap();
        drop(writing);
        assert_eq!(entry.load(), None);
        assert_eq!(
            std::fs::read_dir(dir.path().join("graphs"))
                .unwrap()
                .count(),
            0
        );
        write(true);
        // One byte of the graph changed: not run, and gone.
        let mut bytes = std::fs::read(entry.path(true)).unwrap();
        bytes[3] ^= 1;
        std::fs::write(entry.path(true), &bytes).unwrap();
        assert_eq!(entry.load(), None);
        assert!(!entry.path(true).exists());
        // Shorter than a trailer, or without one.
        for damaged in [&b"short"[..], &b"optimized graph"[..], &[0u8; 100][..]] {
            std::fs::write(entry.path(false), damaged).unwrap();
            assert_eq!(entry.load(), None);
        }
    }

    #[test]
    fn entries_unused_for_a_month_are_removed_when_one_is_written_and_a_load_marks_use() {
        let dir = tempfile::tempdir().unwrap();
        let graphs = dir.path().join("graphs");
        let (old, used, fresh) = (
            Entry::in_dir(&graphs, &["old"]),
            Entry::in_dir(&graphs, &["used"]),
            Entry::in_dir(&graphs, &["fresh"]),
        );
        for entry in [&old, &used] {
            let writing = entry.prepare().unwrap();
            std::fs::write(writing.path(), b"graph").unwrap();
            writing.commit(false);
            let month_ago = SystemTime::now() - UNUSED - Duration::from_secs(60);
            std::fs::File::open(entry.path(false))
                .unwrap()
                .set_modified(month_ago)
                .unwrap();
        }
        assert!(used.load().is_some());
        assert!(fresh.prepare().is_some());
        assert!(!old.path(false).exists());
        assert!(used.path(false).exists());
        assert_eq!(prune(&graphs, SystemTime::now()), 0);
    }
}
