//! What refers to an action from elsewhere in the log, for `oslog show`.

use crate::model::{Action, Milestone};
use serde::Serialize;

/// What refers to an action from elsewhere in the log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Actions whose `links` name it.
    pub linked_from: Vec<u32>,
    /// Actions merged into it.
    pub merged_from: Vec<u32>,
    /// Actions that are duplicates of it.
    pub duplicates: Vec<u32>,
    /// Milestones that cite it.
    pub milestones: Vec<String>,
}

/// What links to action `id`, merged into it, repeats it, or cites it.
pub fn related(id: u32, actions: &[&Action], milestones: &[&Milestone]) -> Related {
    let pick = |f: &dyn Fn(&Action) -> bool| -> Vec<u32> {
        actions.iter().filter(|a| f(a)).map(|a| a.id).collect()
    };
    Related {
        linked_from: pick(&|a| a.links.contains(&id)),
        merged_from: pick(&|a| a.merged_into.contains(&id)),
        duplicates: pick(&|a| a.duplicate_of == Some(id)),
        milestones: milestones
            .iter()
            .filter(|m| m.actions.contains(&id))
            .map(|m| m.id.clone())
            .collect(),
    }
}
