//! The only modules that use git2. They answer questions about the repository around the log and
//! return owned data, so that nothing else needs to know git's layout.

pub mod commit;
mod paths;

pub use paths::{repo_paths, RepoPaths};
