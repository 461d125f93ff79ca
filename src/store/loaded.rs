//! A record as loaded: its value, its file, where its fields are and the comments a writer keeps;
//! of any kind (an action, a milestone, themes.yaml), whole or in the parts that decoded.

use super::Spans;
use crate::model::{Action, ActionParts, Milestone, MilestoneParts, Themes, ThemesParts};
use std::path::PathBuf;

/// A record as loaded: its value, its file (relative to the root), and where its fields are.
#[derive(Clone, Debug)]
pub struct Loaded<T> {
    pub value: T,
    pub file: PathBuf,
    pub spans: Spans,
    /// Comment lines before the first key, which writers keep.
    pub header: Vec<String>,
    /// Whether the file is byte-for-byte in the canonical layout.
    pub canonical: bool,
}

/// What kind of record a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Action,
    Milestone,
    Themes,
}

/// A decoded file of any kind.
pub enum Record {
    Action(Loaded<Action>),
    Milestone(Loaded<Milestone>),
    Themes(Loaded<Themes>),
}

/// What decoded of a file that has errors, for validate's rules.
pub enum Part {
    Action(Loaded<ActionParts>),
    Milestone(Loaded<MilestoneParts>),
    Themes(Loaded<ThemesParts>),
}
