//! What git knows about the merge conflicts in a log's files. Two sides that are different records
//! under one number may be two actions added on two branches, or one action whose title both
//! branches changed; the file alone cannot always tell. Git's index can, while the merge is under
//! way: a conflicted file with a common ancestor (stage 1) existed before both sides changed it, so
//! it holds one record.

use crate::store::conflict::Conflict;
use crate::store::{self, Log, RecordKind};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The conflicted files of the log at `root` (relative to it) that git's index records with a
/// common ancestor. Empty outside git, with no merge under way, or when the index cannot be read: the
/// files then speak for themselves.
fn with_ancestor(root: &Path) -> BTreeSet<PathBuf> {
    let Ok(repo) = git2::Repository::discover(root) else {
        return BTreeSet::new();
    };
    let canon = |p: &Path| p.canonicalize().ok();
    let (Some(workdir), Some(root)) = (repo.workdir().and_then(canon), canon(root)) else {
        return BTreeSet::new();
    };
    let Ok(prefix) = root.strip_prefix(&workdir) else {
        return BTreeSet::new();
    };
    let Ok(conflicts) = repo
        .index()
        .and_then(|i| i.conflicts().map(|c| c.collect::<Vec<_>>()))
    else {
        return BTreeSet::new();
    };
    conflicts
        .into_iter()
        .flatten()
        .filter_map(|c| c.ancestor)
        .filter_map(|e| {
            let path = PathBuf::from(String::from_utf8_lossy(&e.path).into_owned());
            path.strip_prefix(prefix).ok().map(Path::to_path_buf)
        })
        .collect()
}

/// Every record file of `log` with merge conflict markers, and what its two sides are, settled by
/// what git's index knows.
pub fn conflicts(root: &Path, log: &Log) -> Vec<(PathBuf, Conflict)> {
    let files: Vec<&PathBuf> = log
        .diags
        .iter()
        .filter(|d| d.code == crate::diag::Code::ConflictMarkers)
        .map(|d| &d.file)
        .collect();
    if files.is_empty() {
        return Vec::new();
    }
    let one_record = with_ancestor(root);
    files
        .into_iter()
        .filter_map(|file| {
            let kind = match file.parent().and_then(|p| p.to_str()) {
                Some(store::ACTIONS_DIR) => RecordKind::Action,
                Some(store::TIMELINE_DIR) => RecordKind::Milestone,
                _ => RecordKind::Themes,
            };
            let text = store::read_source(root, file).ok()?.text;
            let found = store::find_conflict(kind, file, &text)?;
            let settled = if one_record.contains(file) {
                found.in_one_record()
            } else {
                found
            };
            Some((file.clone(), settled))
        })
        .collect()
}
