//! Fault and delay injection, compiled into debug (test) builds only, so that tests can reproduce a
//! crash or a race at an exact point of a write. Release builds compile every function here to
//! nothing.
//!
//! - `OSLOG_FAIL_WRITE=N` / `OSLOG_ABORT_WRITE=N`: the Nth write of the process fails (or the process
//!   aborts) after its temporary file is written and before the rename; in `replace_all` the removals
//!   of old names count as writes too, after the files.
//! - `OSLOG_FAIL_AT=NAME[:K]` / `OSLOG_ABORT_AT=NAME[:K]`: the Kth time (default the first) the process
//!   reaches the named point, it fails (or aborts).
//! - `OSLOG_DELAY=NAME:MS[,NAME:MS…]`: sleep MS milliseconds every time the named point is reached,
//!   to hold a window open for a second process.
//! - `OSLOG_REACHED=DIR`: on reaching a named point, create the empty file `DIR/NAME` first, so that a
//!   test knows the process is inside the window and can start the second process then, not after a
//!   guessed sleep.

use anyhow::Result;

/// A write is about to become visible: the counted fault point of `OSLOG_FAIL_WRITE` and
/// `OSLOG_ABORT_WRITE`.
#[cfg(debug_assertions)]
pub fn write_point() -> Result<()> {
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
pub fn write_point() -> Result<()> {
    Ok(())
}

/// A named point of a write (such as `renumber-planned`): honours `OSLOG_REACHED`, `OSLOG_DELAY`,
/// `OSLOG_ABORT_AT` and `OSLOG_FAIL_AT` for that name.
#[cfg(debug_assertions)]
pub fn point(name: &str) -> Result<()> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static SEEN: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);
    let k = {
        let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        let n = seen
            .get_or_insert_with(HashMap::new)
            .entry(name.to_string())
            .or_insert(0);
        *n += 1;
        *n
    };
    if let Some(dir) = std::env::var_os("OSLOG_REACHED") {
        let _ = std::fs::write(std::path::Path::new(&dir).join(name), "");
    }
    if let Ok(spec) = std::env::var("OSLOG_DELAY") {
        for item in spec.split(',') {
            if let Some((at, ms)) = item.split_once(':') {
                if at == name {
                    if let Ok(ms) = ms.parse::<u64>() {
                        std::thread::sleep(std::time::Duration::from_millis(ms));
                    }
                }
            }
        }
    }
    let hits = |var: &str| {
        std::env::var(var).ok().is_some_and(|v| {
            let (at, nth) = v.split_once(':').unwrap_or((v.as_str(), "1"));
            at == name && nth.parse::<usize>().ok() == Some(k)
        })
    };
    if hits("OSLOG_ABORT_AT") {
        std::process::abort();
    }
    if hits("OSLOG_FAIL_AT") {
        anyhow::bail!("injected failure at {name} (OSLOG_FAIL_AT)");
    }
    Ok(())
}

#[cfg(not(debug_assertions))]
pub fn point(_name: &str) -> Result<()> {
    Ok(())
}

#[cfg(all(test, debug_assertions))]
mod tests {
    #[test]
    fn an_unnamed_point_does_nothing() {
        assert!(super::point("a-point-no-test-names").is_ok());
    }
}
