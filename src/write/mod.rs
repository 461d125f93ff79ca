//! Every change to the log's files goes one way: take the log's lock (completing an interrupted
//! write first), load the log, apply the change, check the result, write it atomically, and with
//! `--commit` commit it. The checks are one refusal rule for every write (`check.rs`): nothing is
//! written that cannot be rewritten without loss, that does not decode, or that adds a finding to
//! the log. One record's changes are in `record.rs`, renumbering in `renumber.rs`; both end in
//! `apply.rs`, where `fmt` writes too (it changes no record, only the layout, so it is not checked).
//! The merge driver's three-way merge of one record is in `merge.rs`.

mod apply;
mod check;
pub mod merge;
mod record;
pub mod renumber;

pub use apply::{lock, write, write_all, Message, Rewrite, Written};
pub use check::no_new_findings;
pub use record::{
    action, actions, create_action, create_milestone, find_action, milestone, themes, Draft,
};
