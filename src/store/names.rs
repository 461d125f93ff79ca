//! What a record's file name must be: `actions/NNN.yaml` for action NNN, and
//! `timeline/<id>.yaml` for a milestone whose id starts with its date.

use super::{Spans, ACTIONS_DIR, TIMELINE_DIR};
use crate::diag::{Code, Diagnostic};
use crate::model::Action;
use std::path::Path;

/// The action number a canonical action file name stands for: `016.yaml` → 16.
pub fn action_id_from_name(name: &str) -> Option<u32> {
    let stem = name.strip_suffix(".yaml")?;
    let n: u32 = stem
        .parse()
        .ok()
        .filter(|_| stem.bytes().all(|b| b.is_ascii_digit()))?;
    (Action::file_name(n) == name).then_some(n)
}

/// The finding when an action's file name is not the one for its id, if the id decoded.
pub(super) fn check_action_name(
    file: &Path,
    spans: &Spans,
    id: Option<u32>,
    name: &str,
) -> Vec<Diagnostic> {
    let Some(id) = id else { return Vec::new() };
    let expected = Action::file_name(id);
    if name == expected {
        return Vec::new();
    }
    let pos = Some(spans.get("id"));
    let diag =
        match action_id_from_name(name).or_else(|| name.trim_end_matches(".yml").parse().ok()) {
            Some(n) if n != id => Diagnostic::new(
                Code::IdMismatch,
                file,
                pos,
                format!("id {id} disagrees with the file name {name}"),
            )
            .with_hint(format!(
            "the file for action {id} is {ACTIONS_DIR}/{expected}; for action {n}, set `id: {n}`"
        )),
            _ => Diagnostic::new(
                Code::BadFileName,
                file,
                pos,
                format!("action {id} should be in {ACTIONS_DIR}/{expected}"),
            )
            .with_hint(format!("rename {name} to {expected}")),
        };
    vec![diag]
}

/// The findings about a milestone's id, its date and its file name, as far as they decoded.
pub(super) fn check_milestone_name(
    file: &Path,
    spans: &Spans,
    id: Option<&str>,
    date: Option<crate::model::LogDate>,
    name: &str,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let Some(id) = id else { return diags };
    let pos = Some(spans.get("id"));
    match crate::model::split_milestone_id(id) {
        None => {
            let example = date.map_or_else(|| "2019-09".to_string(), |d| d.to_string());
            diags.push(
                Diagnostic::new(Code::InvalidMilestoneId, file, pos, format!("milestone id `{id}` is not a date (YYYY-MM or YYYY-MM-DD) followed by a kebab-case slug"))
                    .with_hint(format!("for example `{example}-open-space-annual-report`")),
            )
        }
        Some((from_id, _)) => {
            if let Some(date) = date.filter(|d| *d != from_id) {
                diags.push(
                    Diagnostic::new(
                        Code::MilestoneDateMismatch,
                        file,
                        pos,
                        format!(
                            "milestone id `{id}` starts with {from_id}, but its date is {date}"
                        ),
                    )
                    .with_hint("the id begins with the milestone's date; change one of them"),
                );
            }
        }
    }
    if name != format!("{id}.yaml") {
        diags.push(
            Diagnostic::new(
                Code::IdMismatch,
                file,
                pos,
                format!("id `{id}` disagrees with the file name {name}"),
            )
            .with_hint(format!(
                "the file for this milestone is {TIMELINE_DIR}/{id}.yaml"
            )),
        );
    }
    diags
}
