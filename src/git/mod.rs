//! Everything that talks to git. These are the only modules that import `git2`; they hand back owned
//! model and trail types, so the rest of oslog never sees a git object.

mod cache;
pub mod commit;
mod config;
mod conflicts;
mod graph;
mod index;
mod pack;
mod paths;
mod raw_commit;
pub mod repo;
mod tree;

pub use config::{exclude_own_files, install_merge_driver};
pub use conflicts::conflicts;
pub use index::staged_files;
pub use paths::{repo_paths, RepoPaths};
pub use repo::numbers::highest_removed_number;
pub use repo::{explain_damage, Bound, Commit, Repo, Rev};
