//! The action numbers the history has used, so that `add` and `renumber` never give one out again
//! after its file was deleted. It reads the first-parent line with the record files each commit
//! changed, which the history cache keeps, so only commits it has not seen cost a walk; the only
//! blobs it reads are the versions that commits removed.

use super::Repo;
use crate::git::tree::Kind;
use crate::store::{self, Stored, ACTIONS_DIR};
use anyhow::Result;
use std::path::Path;

impl Repo {
    /// The highest action number that HEAD's first-parent history used for a file no longer in the
    /// working tree: the number in its name, and the `id` and `formerly` of every version a commit
    /// removed. Files still in the tree are left to the caller, which reads them as they are now.
    pub fn highest_removed_number(&self) -> Result<u32> {
        let mut highest = 0;
        for step in self.line(self.head()?, None)? {
            for t in &step.files {
                let Some(name) = t.file.strip_prefix(&format!("{ACTIONS_DIR}/")) else {
                    continue;
                };
                if std::fs::symlink_metadata(self.root.join(&t.file)).is_err() {
                    highest = highest.max(store::number_of_name(name).unwrap_or(0));
                }
                // A version that was a file (not a link or submodule in its place) and is gone.
                if let (Some(old), None, Kind::File) = (t.old, t.new, t.kinds[0]) {
                    if let Stored::Blob(bytes) = self.blob(old, &t.file)? {
                        let text = String::from_utf8_lossy(&bytes);
                        highest = highest.max(store::highest_in(&text, Path::new(&t.file)));
                    }
                }
            }
        }
        Ok(highest)
    }
}

/// [`Repo::highest_removed_number`] for the log at `root`; 0 outside a git repository or before its
/// first commit, where the files in the tree are all there is to know.
pub fn highest_removed_number(root: &Path) -> Result<u32> {
    let unborn = match git2::Repository::discover(root) {
        Err(_) => return Ok(0),
        Ok(repo) => repo.head().is_err_and(|e| {
            matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            )
        }),
    };
    if unborn {
        return Ok(0);
    }
    Repo::open(root)?.highest_removed_number()
}
