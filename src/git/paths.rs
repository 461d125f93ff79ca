//! Where the repository around the log keeps its working tree and hooks, for `oslog hooks`.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The repository that holds `start`: its working folder and the folder its hooks run from
/// (`core.hooksPath` when set, otherwise `.git/hooks`).
pub struct RepoPaths {
    pub workdir: PathBuf,
    pub hooks: PathBuf,
}

/// Find the repository that holds `start`.
pub fn repo_paths(start: &Path) -> Result<RepoPaths> {
    let repo = git2::Repository::discover(start)
        .with_context(|| format!("{} is not inside a git repository", start.display()))?;
    let workdir = repo
        .workdir()
        .context("the repository is bare; hooks need a working tree")?
        .to_path_buf();
    let configured = repo
        .config()
        .ok()
        .and_then(|c| c.get_path("core.hooksPath").ok());
    let hooks = match configured {
        Some(p) if p.is_absolute() => p,
        Some(p) => workdir.join(p),
        None => repo.path().join("hooks"),
    };
    Ok(RepoPaths { workdir, hooks })
}
