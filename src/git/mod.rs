//! Everything that talks to git. This is the only module that imports `git2`; it hands back owned
//! model and history types, so the rest of oslog never sees a git object.

pub mod repo;
mod tree;

pub use repo::{Bound, Repo, Rev};
