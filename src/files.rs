//! Output files written whole or not at all.
//!
//! Every file articast writes for the user (audio, sidecars, reports, a podcast's feed and
//! state) is written to a temporary file beside it, `.articast-XXXXXX.part`, and renamed into
//! place when it is whole. The temporary files of this process are listed, so that a process
//! about to exit at once (a second Ctrl-C) removes them first.
//!
//! A process killed outright (SIGKILL, the out-of-memory killer, a lost machine) cannot remove
//! its temporary files. Each one is therefore held under an exclusive `flock` for as long as
//! its writer has it open, and the kernel drops the lock when the writer dies, however it dies.
//! The first temporary file a process makes in a folder sweeps that folder: a `.part` file that
//! nobody holds locked and that is more than a minute old was left by a writer that is gone,
//! and is removed. A file being written (locked) is never touched, nor one just created (its
//! writer may not have locked it yet), nor one of this process's own (a network file system
//! may count locks per process), nor anything on a file system without locks.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// The start of a temporary file's name.
const PREFIX: &str = ".articast-";
/// The end of a temporary file's name.
const SUFFIX: &str = ".part";
/// A temporary file younger than this is left alone by the sweep, locked or not.
const SETTLE: Duration = Duration::from_secs(60);

/// Temporary files of this process not yet renamed into place or removed.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Folders this process has swept.
static SWEPT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// The folder a file goes to (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Creates a folder and its parents; when one of them is a file, says which.
pub fn make_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| match dir.ancestors().find(|a| a.is_file()) {
        Some(file) => std::io::Error::new(
            e.kind(),
            format!("{} is a file, not a folder", file.display()),
        ),
        None => e,
    })
}

/// A temporary file in an existing folder, locked and listed while it lives; dropping it
/// removes it, [`Temporary::persist`] renames it into place.
#[derive(Debug)]
pub struct Temporary {
    file: tempfile::NamedTempFile,
    _listed: Listed,
}

/// A path in [`UNFINISHED`] while it lives.
#[derive(Debug)]
struct Listed(PathBuf);

impl Drop for Listed {
    fn drop(&mut self) {
        if let Ok(mut list) = UNFINISHED.lock() {
            list.retain(|p| *p != self.0);
        }
    }
}

impl Temporary {
    /// A new temporary file in `dir` (which must exist), readable by others once renamed like
    /// any file the user creates (0666 less the umask). Sweeps `dir` first if this process has
    /// not yet.
    pub fn new_in(dir: &Path) -> std::io::Result<Temporary> {
        sweep_once(dir);
        let mut builder = tempfile::Builder::new();
        builder.prefix(PREFIX).suffix(SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let file = builder.tempfile_in(dir)?;
        // On a file system without locks this fails, and the sweep, which needs the lock to
        // judge a file, leaves the file alone.
        let _locked = lock(file.as_file());
        if let Ok(mut list) = UNFINISHED.lock() {
            list.push(file.path().to_path_buf());
        }
        let listed = Listed(file.path().to_path_buf());
        Ok(Temporary {
            file,
            _listed: listed,
        })
    }

    /// Where the file is now.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// The open file.
    pub fn as_file_mut(&mut self) -> &mut std::fs::File {
        self.file.as_file_mut()
    }

    /// Renames the file to `path` (replacing what is there); on failure the temporary file is
    /// removed.
    pub fn persist(self, path: &Path) -> std::io::Result<()> {
        self.file.persist(path).map(drop).map_err(|e| e.error)
    }
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed into place; creates
/// the folder if missing.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = folder_of(path);
    make_dir(dir)?;
    let mut temp = Temporary::new_in(dir)?;
    std::io::Write::write_all(temp.as_file_mut(), bytes)?;
    temp.persist(path)
}

/// Marks the file at `path` as used now (its modification time), unless it was marked less
/// than `every` ago: caches order their pruning by it, and a metadata write per use would cost
/// on a network volume. A file that refuses (another user's on a shared volume) keeps its mark.
pub fn mark_used(path: &Path, every: Duration) {
    let Ok(file) = std::fs::File::open(path) else {
        return;
    };
    let now = SystemTime::now();
    let recent = file
        .metadata()
        .and_then(|m| m.modified())
        .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age < every));
    if !recent {
        let _ = file.set_modified(now);
    }
}

/// Removes every temporary file of this process; for a process about to exit without
/// unwinding.
pub fn remove_unfinished() {
    if let Ok(paths) = UNFINISHED.lock() {
        for path in paths.iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Takes an exclusive lock on `file` without waiting (`flock` on Linux); false when another
/// open file holds one, or the file system has no locks.
fn lock(file: &std::fs::File) -> bool {
    file.try_lock().is_ok()
}

/// Sweeps `dir` unless this process already has.
fn sweep_once(dir: &Path) {
    let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let first = SWEPT
        .lock()
        .map(|mut swept| swept.get_or_insert_with(HashSet::new).insert(key))
        .unwrap_or(false);
    if first {
        sweep(dir, SystemTime::now());
    }
}

/// Removes the temporary files in `dir` left by writers that are gone (see the module's doc);
/// returns how many. `now` is the time their age is measured at.
pub fn sweep(dir: &Path, now: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let own: Vec<PathBuf> = UNFINISHED.lock().map(|l| l.clone()).unwrap_or_default();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(PREFIX) && name.ends_with(SUFFIX)) {
            continue;
        }
        let path = entry.path();
        let settled = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| now.duration_since(t).is_ok_and(|age| age > SETTLE));
        if !settled || own.contains(&path) {
            continue;
        }
        // Held by nobody: its writer is gone. The lock is kept until the file is removed.
        let abandoned = std::fs::File::open(&path).is_ok_and(|f| {
            let locked = lock(&f);
            locked && std::fs::remove_file(&path).is_ok()
        });
        removed += usize::from(abandoned);
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn later() -> SystemTime {
        SystemTime::now() + SETTLE + Duration::from_secs(5)
    }

    #[test]
    fn a_file_is_written_whole_under_its_name_and_no_temporary_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.txt");
        write_atomically(&path, b"hello").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.txt"]);
    }

    #[test]
    fn a_folder_that_is_a_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f"), "x").unwrap();
        let err = write_atomically(&dir.path().join("f/g/a.txt"), b"x").unwrap_err();
        assert!(err.to_string().contains("is a file, not a folder"), "{err}");
    }

    #[test]
    fn the_sweep_removes_only_old_unlocked_temporaries_of_others() {
        let dir = tempfile::tempdir().unwrap();
        // Left by a writer that died: a .part file nobody holds.
        let dead = dir.path().join(".articast-dead01.part");
        std::fs::write(&dead, "half").unwrap();
        // Another writer's file at work: held locked by an open description of its own.
        let busy = dir.path().join(".articast-busy01.part");
        std::fs::write(&busy, "writing").unwrap();
        let holder = std::fs::File::open(&busy).unwrap();
        assert!(lock(&holder));
        // Files that only look alike, and the final outputs.
        let other = dir.path().join(".other-x.part");
        std::fs::write(&other, "x").unwrap();
        let output = dir.path().join("a.wav");
        std::fs::write(&output, "x").unwrap();
        // This process's own temporary, not locked against itself on every file system.
        let mine = Temporary::new_in(dir.path()).unwrap();

        // Too young to judge: nothing goes.
        assert_eq!(sweep(dir.path(), SystemTime::now()), 0);
        assert!(dead.exists());
        // Old enough: only the abandoned one goes.
        assert_eq!(sweep(dir.path(), later()), 1);
        assert!(!dead.exists());
        for kept in [&busy, &other, &output] {
            assert!(kept.exists(), "{}", kept.display());
        }
        assert!(mine.path().exists());
        // Its writer gone, the busy file is abandoned too.
        drop(holder);
        assert_eq!(sweep(dir.path(), later()), 1);
        assert!(!busy.exists());
        assert!(mine.path().exists());
    }

    #[test]
    fn a_temporary_is_listed_until_it_is_renamed_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let listed = |p: &Path| UNFINISHED.lock().unwrap().iter().any(|q| q == p);
        let kept = Temporary::new_in(dir.path()).unwrap();
        let kept_at = kept.path().to_path_buf();
        assert!(listed(&kept_at));
        kept.persist(&dir.path().join("done")).unwrap();
        assert!(!listed(&kept_at));
        let dropped = Temporary::new_in(dir.path()).unwrap();
        let dropped_at = dropped.path().to_path_buf();
        assert!(listed(&dropped_at));
        drop(dropped);
        assert!(!listed(&dropped_at) && !dropped_at.exists());
    }
}
