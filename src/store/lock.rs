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
                    if let Some(pid) = dead_holder(&path) {
                        bail!(
                            "the log is locked by process {pid}, which is no longer running (an oslog command was interrupted); check that the log is as you expect (`oslog validate`), then remove {} and run the command again",
                            path.display()
                        );
                    }
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

/// The process id in a lock file whose process has ended, where that can be known (Linux's /proc).
/// A stale lock is reported rather than removed: removing it safely against a second process doing
/// the same is not possible with a plain file.
fn dead_holder(path: &Path) -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(path).ok()?.trim().parse().ok()?;
    let proc = Path::new("/proc");
    let known = proc.join("self").exists();
    (known && !proc.join(pid.to_string()).exists()).then_some(pid)
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

    #[cfg(target_os = "linux")]
    #[test]
    fn a_lock_left_by_an_ended_process_is_reported_at_once() {
        let dir = tempfile::tempdir().unwrap();
        // Process ids stop well below this on Linux (pid_max is at most 2^22).
        std::fs::write(dir.path().join(LOCK_FILE), "4294967\n").unwrap();
        let err = Lock::acquire(dir.path(), LOCK_TIMEOUT).unwrap_err();
        assert!(
            err.to_string()
                .contains("process 4294967, which is no longer running"),
            "{err}"
        );
        assert!(dir.path().join(LOCK_FILE).exists(), "reported, not removed");
    }
}
