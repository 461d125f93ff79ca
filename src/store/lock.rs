//! The log's write lock. Every command that creates, changes, renames or removes record files (add,
//! status N, update, edit, milestone, renumber, fmt, recover) holds it from before it reads the log
//! until its write is done, so two of them never choose the same number or lose each other's change.
//!
//! It is the operating system's advisory lock on `.oslog.lock` in the log root (`flock` on Unix), so
//! the kernel releases it when the holder ends, however it ends: a killed command never leaves the
//! log locked. The file itself stays in place, since removing a locked file races with the next
//! holder (who could lock the removed file while a third creates a new one). It holds the holder's
//! process id, for the message of a command that waits, and for people.

use anyhow::{bail, Context, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name in the log root.
pub const LOCK_FILE: &str = ".oslog.lock";

/// How long a command waits for the lock before giving up.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// The held lock of one log; dropping it releases the lock.
#[derive(Debug)]
pub struct Lock {
    file: File,
    root: PathBuf,
}

impl Lock {
    /// Take the lock of the log at `root`, waiting up to `timeout` for another holder to finish.
    pub fn acquire(root: &Path, timeout: Duration) -> Result<Lock> {
        let path = super::path_in(root, Path::new(LOCK_FILE))?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => bail!(
                    "the log is locked by another oslog command{} that has not finished within {} seconds; try again when it has",
                    holder(&path).map(|p| format!(" (process {p})")).unwrap_or_default(),
                    timeout.as_secs()
                ),
                Err(TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()))
                }
            }
        }
        // Who holds the log, for a command that waits; a lock without it works the same.
        let _ = file
            .set_len(0)
            .and_then(|()| (&file).write_all(format!("{}\n", std::process::id()).as_bytes()));
        let lock = Lock {
            file,
            root: root.to_path_buf(),
        };
        super::fault::point("lock-taken")?;
        Ok(lock)
    }

    /// The log root this lock is held for.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// The process id the holder wrote, when there is one.
fn holder(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Whether another command holds the lock of the log at `root` right now, so that a write is under
/// way. Never creates the lock file, and never waits.
pub fn lock_held(root: &Path) -> bool {
    let path = root.join(LOCK_FILE);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    File::open(&path).is_ok_and(|f| matches!(f.try_lock_shared(), Err(TryLockError::WouldBlock)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_gives_up_naming_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let held_lock = Lock::acquire(dir.path(), LOCK_TIMEOUT).unwrap();
        assert!(lock_held(dir.path()));
        let err = Lock::acquire(dir.path(), Duration::from_millis(50)).unwrap_err();
        let pid = std::process::id();
        assert!(
            err.to_string()
                .contains(&format!("locked by another oslog command (process {pid})")),
            "{err}"
        );
        drop(held_lock);
        assert!(!lock_held(dir.path()));
        assert!(dir.path().join(LOCK_FILE).exists(), "the file stays");
        assert!(Lock::acquire(dir.path(), Duration::ZERO).is_ok());
    }

    #[test]
    fn a_lock_file_left_with_a_process_id_does_not_lock() {
        let dir = tempfile::tempdir().unwrap();
        // What a killed holder leaves: the file and its id, but no lock, which ended with it.
        std::fs::write(dir.path().join(LOCK_FILE), "4294967\n").unwrap();
        assert!(!lock_held(dir.path()));
        assert!(Lock::acquire(dir.path(), Duration::ZERO).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_file_that_is_a_link_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "").unwrap();
        let root = dir.path().join("log");
        std::fs::create_dir(&root).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join(LOCK_FILE)).unwrap();
        let err = Lock::acquire(&root, Duration::ZERO).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(!lock_held(&root));
    }
}
