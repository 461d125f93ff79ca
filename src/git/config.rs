//! The repository's own configuration, for `oslog merge-driver --install`.

use anyhow::{Context, Result};
use std::path::Path;

/// Register oslog's merge driver in the configuration of the clone that holds `start`
/// (`merge.oslog.name` and `merge.oslog.driver`), so that `.gitattributes` can name it.
pub fn install_merge_driver(start: &Path, driver: &str) -> Result<()> {
    let repo = git2::Repository::discover(start)
        .with_context(|| format!("{} is not inside a git repository", start.display()))?;
    let mut config = repo
        .config()
        .and_then(|c| c.open_level(git2::ConfigLevel::Local))
        .context("cannot open the repository's configuration")?;
    config.set_str(
        "merge.oslog.name",
        "oslog: merge action and milestone files field by field",
    )?;
    config
        .set_str("merge.oslog.driver", driver)
        .context("cannot write merge.oslog.driver")?;
    Ok(())
}

/// Keep oslog's own files (the write lock, an interrupted write's journal, temporary files) out of
/// `git status` in the clone that holds the log at `root`, by adding their patterns to the clone's
/// `info/exclude` when git does not ignore the lock file already. That file is the clone's own and
/// never committed; a log started with `oslog init` has a `.gitignore` that does the same. Outside a
/// repository, or where `.git` cannot be written, nothing is done: the files are only untidy.
pub fn exclude_own_files(root: &Path, lines: &str) {
    let Ok(repo) = git2::Repository::discover(root) else {
        return;
    };
    let (Some(workdir), Ok(root)) = (repo.workdir(), root.canonicalize()) else {
        return;
    };
    let Some(prefix) = workdir
        .canonicalize()
        .ok()
        .and_then(|w| root.strip_prefix(w).ok().map(Path::to_path_buf))
    else {
        return;
    };
    let lock = prefix.join(crate::store::LOCK_FILE);
    if repo.is_path_ignored(&lock).unwrap_or(true) {
        return;
    }
    let prefix = prefix.to_string_lossy().replace('\\', "/");
    let prefixed: String = lines
        .lines()
        .map(|l| match (prefix.as_str(), l.strip_prefix('/')) {
            ("", _) | (_, None) => format!("{l}\n"),
            (p, Some(rest)) => format!("/{p}/{rest}\n"),
        })
        .collect();
    let _ =
        crate::store::add_lines_aside(&repo.commondir().join("info").join("exclude"), &prefixed);
}
