//! The audit trail as data: what changed in each commit, record by record (`entry.rs`), field by
//! field (`change.rs`) and word by word within a text (`words.rs`), and what is read from it:
//! deadline slippage (`slips.rs`). `git/` walks the history and hands back these entries; `history`,
//! `log`, `diff`, `slips` and the reports read them. Everything here is pure.

pub mod change;
mod entry;
mod slips;
pub mod words;

pub use change::{Change, Flag, Op};
pub use entry::{
    entries, entries_with_moves, moves, CommitChanges, CommitInfo, Entry, Event, FileDiff,
    NotAFile, Rec, Version,
};
pub use slips::{median, slips, Slip, Slips, ThemeDelay};
