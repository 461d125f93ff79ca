//! The log's write lock. Commands that change an existing record (status, update, edit, milestone
//! status) read the record, change it and write it back; two of them at once on the same record would
//! lose one change. So each holds `.oslog.lock` in the log root, created exclusively, for the time of
//! its read-change-write, and waits (up to a timeout) while another command holds it.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name in the log root.
pub const LOCK_FILE: &str = ".oslog.lock";

/// How long a command waits for the lock before giving up.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// A held lock; dropping it removes the lock file.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Take the lock of the log at `root`, waiting up to `timeout` for another holder to finish.
    pub fn acquire(root: &Path, timeout: Duration) -> Result<Lock> {
        let path = root.join(LOCK_FILE);
        let start = Instant::now();
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    // The holder's process id, for a person looking at a stale lock.
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if start.elapsed() >= timeout {
                        bail!(
                            "the log is locked by another oslog command ({} exists); if no oslog command is running, remove that file",
                            path.display()
                        );
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot create {}", path.display()))
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_and_then_gives_up() {
        let dir = tempfile::tempdir().unwrap();
        let held = Lock::acquire(dir.path(), LOCK_TIMEOUT).unwrap();
        let err = Lock::acquire(dir.path(), Duration::ZERO).unwrap_err();
        assert!(err.to_string().contains("locked by another oslog command"));
        drop(held);
        assert!(!dir.path().join(LOCK_FILE).exists());
        let again = Lock::acquire(dir.path(), Duration::ZERO);
        assert!(again.is_ok());
    }
}
