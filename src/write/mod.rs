//! Every change to the log's files.

pub mod merge;
mod record;
pub mod renumber;

pub use record::{
    action, commit_files, create_action, create_milestone, find_action, milestone, themes, Draft,
    Written,
};
