//! Atomic writes. Every file oslog writes goes to a temporary file in the same folder, is synced, and
//! is then renamed over the target, so a crash leaves the old file or the new one, never half of one.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

fn temp_in(path: &Path, contents: &str) -> Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".oslog-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot sync {}", path.display()))?;
    fault_point()?;
    Ok(tmp)
}

/// Fault injection, compiled into debug (test) builds only: `OSLOG_FAIL_WRITE=N` makes the Nth write
/// of the process fail after its temporary file is written and before the rename, and
/// `OSLOG_ABORT_WRITE=N` aborts the process at that point. Tests use them to show that every file is
/// left in its old state or its new one, never a mix.
#[cfg(debug_assertions)]
fn fault_point() -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let n = WRITES.fetch_add(1, Ordering::SeqCst) + 1;
    let at = |var: &str| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            == Some(n)
    };
    if at("OSLOG_ABORT_WRITE") {
        std::process::abort();
    }
    if at("OSLOG_FAIL_WRITE") {
        anyhow::bail!("injected failure at write {n} (OSLOG_FAIL_WRITE)");
    }
    Ok(())
}

#[cfg(not(debug_assertions))]
fn fault_point() -> Result<()> {
    Ok(())
}

/// Replace `path` with `contents` atomically.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let tmp = temp_in(path, contents)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Create `path` with `contents`, failing if it already exists (so two writers never share a name).
/// Returns `Ok(false)` when the file exists.
pub fn create_new(path: &Path, contents: &str) -> Result<bool> {
    let tmp = temp_in(path, contents)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e.error).with_context(|| format!("cannot create {}", path.display())),
    }
}
