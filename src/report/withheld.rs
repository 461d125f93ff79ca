//! What a public version of a report leaves out: the records whose `source` themes.yaml does not
//! declare public, such as the rows of a paper given to members only. Every report and every
//! publishing command filters its records and its history through one [`Withheld`].

use super::over_time::Dated;
use crate::model::{Action, Milestone, Themes};
use crate::trail::CommitChanges;
use std::collections::BTreeSet;

/// What a public version of a report leaves out: the records whose `source` themes.yaml does not
/// declare public ([`Themes::publishable`]), such as rows of a paper given to members only. They
/// are left out whole, from the rows, the charts, the counts and the history the report reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Withheld {
    pub actions: BTreeSet<u32>,
    pub milestones: BTreeSet<String>,
}

impl Withheld {
    /// The records a report over `actions` and `milestones` leaves out: none unless `public`.
    pub fn of(
        themes: &Themes,
        actions: &[&Action],
        milestones: &[&Milestone],
        public: bool,
    ) -> Withheld {
        if !public {
            return Withheld::default();
        }
        Withheld {
            actions: actions
                .iter()
                .filter(|a| !themes.publishable(a.source.as_deref()))
                .map(|a| a.id)
                .collect(),
            milestones: milestones
                .iter()
                .filter(|m| !themes.publishable(m.source.as_deref()))
                .map(|m| m.id.clone())
                .collect(),
        }
    }

    /// The records that are not left out.
    pub fn kept<'a>(
        &self,
        actions: Vec<&'a Action>,
        milestones: Vec<&'a Milestone>,
    ) -> (Vec<&'a Action>, Vec<&'a Milestone>) {
        (
            actions
                .into_iter()
                .filter(|a| !self.actions.contains(&a.id))
                .collect(),
            milestones
                .into_iter()
                .filter(|m| !self.milestones.contains(&m.id))
                .collect(),
        )
    }

    /// The history without the changes of the records left out, so that no chart or figure counts
    /// them.
    pub fn kept_history(&self, mut commits: Vec<CommitChanges>) -> Vec<CommitChanges> {
        for c in &mut commits {
            c.entries.retain(|e| {
                !e.action.is_some_and(|n| self.actions.contains(&n))
                    && !e
                        .milestone
                        .as_ref()
                        .is_some_and(|m| self.milestones.contains(m))
            });
        }
        commits
    }

    /// What the chart over time reads of the history, without the changes of the actions left
    /// out.
    pub fn kept_moves(&self, mut history: Vec<Dated>) -> Vec<Dated> {
        for c in &mut history {
            c.moves.retain(|m| !self.actions.contains(&m.action));
        }
        history
    }

    /// The sentence a public report carries about what it left out: empty when nothing was.
    pub fn note(&self) -> String {
        let count = |n: usize, what: &str| match n {
            0 => None,
            1 => Some(format!("1 {what}")),
            n => Some(format!("{n} {what}s")),
        };
        let parts: Vec<String> = [
            count(self.actions.len(), "action"),
            count(self.milestones.len(), "milestone"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            return String::new();
        }
        format!(
            "It leaves out {} whose source is not for publication.",
            parts.join(" and ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, Status};
    use crate::report::sample::workshop;

    #[test]
    fn a_public_version_leaves_out_what_its_source_keeps_from_publication() {
        let mut themes = crate::report::sample::themes();
        themes.sources = vec![crate::model::RecordSource {
            key: "minutes".into(),
            name: "Minutes".into(),
            description: None,
            public: true,
        }];
        let own = sample(1, Status::Ongoing);
        let mut minuted = sample(2, Status::Ongoing);
        minuted.source = Some("minutes".into());
        let mut paper = sample(3, Status::Ongoing);
        paper.source = Some("paper".into());
        let mut row = workshop("2019-09");
        row.source = Some("paper".into());
        let (actions, milestones) = (vec![&own, &minuted, &paper], vec![&row]);
        assert_eq!(
            Withheld::of(&themes, &actions, &milestones, false),
            Withheld::default()
        );
        let w = Withheld::of(&themes, &actions, &milestones, true);
        let (kept, kept_milestones) = w.kept(actions, milestones);
        let ids: Vec<u32> = kept.iter().map(|a| a.id).collect();
        assert_eq!((ids, kept_milestones.len()), (vec![1, 2], 0));
        assert_eq!(
            w.note(),
            "It leaves out 1 action and 1 milestone whose source is not for publication."
        );
        assert_eq!(Withheld::default().note(), "");
        let entry = |action: Option<u32>, milestone: Option<&str>| crate::trail::Entry {
            action,
            milestone: milestone.map(String::from),
            file: String::new(),
            event: crate::trail::Event::Changed,
            from: None,
            theme: None,
            title: None,
            changes: vec![],
            flags: vec![],
            was: None,
            now: None,
            credit: vec![],
        };
        let commits = vec![CommitChanges {
            commit: None,
            entries: vec![
                entry(Some(1), None),
                entry(Some(3), None),
                entry(None, Some("2019-09-workshop")),
            ],
        }];
        let kept = w.kept_history(commits);
        assert_eq!(kept[0].entries, vec![entry(Some(1), None)]);
    }
}
