//! The circulated action log as data: three sections (open; proposed complete, awaiting sign-off;
//! the appendix of completed and closed actions), each grouped by theme in themes.yaml order, with
//! the figures its charts draw. Renderers in `output/report_md.rs` and `output/html.rs` turn it into
//! Markdown and HTML; nothing here formats markup.

use super::over_time::{over_time, Point};
use super::theme::{owner, theme_infos, ThemeInfo};
use crate::model::{
    Action, Deadline, LogDate, Milestone, MilestoneKind, MilestoneStatus, Status, Themes,
};
use crate::trail::CommitChanges;
use chrono::NaiveDate;
use serde::Serialize;

/// How many of an action's latest updates the report shows.
pub const LATEST_UPDATES: usize = 2;

/// A dated line of progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UpdateLine {
    /// The date in a reader's form, or empty.
    pub date: String,
    pub text: String,
}

/// One action's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub id: u32,
    pub title: String,
    pub theme: String,
    /// The deadline in a reader's form ("July 2019", "monthly"), or empty.
    pub deadline: String,
    pub overdue: bool,
    pub status: Status,
    /// The latest updates, oldest first.
    pub updates: Vec<UpdateLine>,
    /// How many earlier updates are not shown.
    pub earlier: usize,
    /// The meeting that raised it: "14 May 2019 workshop", or the month.
    pub raised: String,
    /// The owner; "withheld" in public mode unless the theme's owners are public.
    pub owner: String,
    /// For closed and complete actions: signed off, merged into, duplicate of.
    pub outcome: String,
}

/// One theme's rows within a section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    pub theme: ThemeInfo,
    pub rows: Vec<Row>,
}

/// One section of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    /// A stable id for anchors and tests: `open`, `awaiting-sign-off`, `completed`.
    pub id: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub count: usize,
    pub groups: Vec<Group>,
}

/// One theme's counts per status, in the order of [`Status::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThemeCounts {
    pub theme: ThemeInfo,
    pub by_status: Vec<usize>,
}

/// A milestone on the strip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MilestoneMark {
    pub date: LogDate,
    pub label: String,
    pub title: String,
    /// The text it was taken from, or empty.
    pub description: String,
    pub status: MilestoneStatus,
    pub kind: MilestoneKind,
}

/// The circulated action log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionsReport {
    pub title: String,
    /// The day the log is shown as of.
    pub as_of: NaiveDate,
    pub as_of_long: String,
    pub public: bool,
    pub themes: Vec<ThemeInfo>,
    pub sections: Vec<Section>,
    pub over_time: Vec<Point>,
    /// Where the over-time chart's figures come from, for its caption.
    pub over_time_source: String,
    pub by_theme: Vec<ThemeCounts>,
    pub milestones: Vec<MilestoneMark>,
    /// The record files that did not load and are left out of the report, as its note names them.
    pub left_out: Vec<String>,
    /// In a public version, the sentence on the records it leaves out for their source; or empty.
    pub withheld: String,
}

/// Build the report of `actions` as of `today`, its chart drawn from `history` (the log's commits,
/// oldest first; none for a log outside git) where it can be; in `public` mode, owners are withheld
/// unless their theme marks them public.
pub fn actions(
    themes: &Themes,
    actions: &[&Action],
    milestones: &[&Milestone],
    history: &[CommitChanges],
    today: NaiveDate,
    public: bool,
) -> ActionsReport {
    let infos = theme_infos(themes, actions);
    let workshops: Vec<&Milestone> = milestones
        .iter()
        .copied()
        .filter(|m| m.kind == MilestoneKind::Workshop)
        .collect();
    let row = |a: &Action| -> Row {
        let owner = owner(themes, a, public);
        let skip = a.updates.len().saturating_sub(LATEST_UPDATES);
        Row {
            id: a.id,
            title: a.title.clone(),
            theme: a.theme.clone(),
            deadline: match a.deadline {
                Some(Deadline::Date(d)) => d.long(),
                Some(Deadline::Monthly) => "monthly".into(),
                None => String::new(),
            },
            overdue: a.is_overdue(today),
            status: a.status,
            updates: a.updates[skip..]
                .iter()
                .map(|u| UpdateLine {
                    date: u.date.map(|d| d.long()).unwrap_or_default(),
                    text: u.text.clone(),
                })
                .collect(),
            earlier: skip,
            raised: raised(a.raised, &workshops),
            owner,
            outcome: outcome(a),
        }
    };
    let section = |id, title, intro, keep: &dyn Fn(&Action) -> bool| {
        let groups: Vec<Group> = infos
            .iter()
            .filter_map(|t| {
                let mut rows: Vec<Row> = actions
                    .iter()
                    .filter(|a| a.theme == t.key && keep(a))
                    .map(|a| row(a))
                    .collect();
                rows.sort_by_key(|r| r.id);
                (!rows.is_empty()).then(|| Group {
                    theme: t.clone(),
                    rows,
                })
            })
            .collect();
        Section {
            id,
            title,
            intro,
            count: groups.iter().map(|g| g.rows.len()).sum(),
            groups,
        }
    };
    let sections = vec![
        section(
            "open",
            "Open actions",
            "Actions not started or in progress.",
            &|a| matches!(a.status, Status::NotStarted | Status::Ongoing),
        ),
        section(
            "awaiting-sign-off",
            "Proposed complete, awaiting sign-off",
            "Actions the owner proposes as complete, for members to sign off at the next workshop.",
            &|a| a.status == Status::ProposedComplete,
        ),
        section(
            "completed",
            "Appendix: completed and closed actions",
            "Actions signed off as complete, and actions closed, merged or found to be duplicates.",
            &|a| !a.status.is_open(),
        ),
    ];
    let by_theme = infos
        .iter()
        .map(|t| ThemeCounts {
            theme: t.clone(),
            by_status: Status::ALL
                .iter()
                .map(|s| {
                    actions
                        .iter()
                        .filter(|a| a.theme == t.key && a.status == *s)
                        .count()
                })
                .collect(),
        })
        .filter(|c| c.by_status.iter().sum::<usize>() > 0)
        .collect();
    let mut marks: Vec<MilestoneMark> = milestones
        .iter()
        .map(|m| MilestoneMark {
            date: m.date,
            label: m.date.long(),
            title: m.title.clone(),
            description: m.description.clone().unwrap_or_default(),
            status: m.status,
            kind: m.kind,
        })
        .collect();
    marks.sort_by_key(|m| m.date.sort_key());
    let (over_time, over_time_source) = over_time(actions, history, today);
    ActionsReport {
        title: "Action log".into(),
        as_of: today,
        as_of_long: LogDate::from_day(today).long(),
        public,
        themes: infos,
        sections,
        over_time,
        over_time_source,
        by_theme,
        milestones: marks,
        left_out: Vec::new(),
        withheld: String::new(),
    }
}

/// The meeting that raised an action: the workshop held in that month, or the month itself.
pub fn raised(date: LogDate, workshops: &[&Milestone]) -> String {
    let month = date.year_month();
    match workshops.iter().find(|w| w.date.year_month() == month) {
        Some(w) => format!("{} workshop", w.date.long()),
        None => date.long(),
    }
}

/// Where a finished action went: its sign-off, or what it was merged into or duplicates.
pub fn outcome(a: &Action) -> String {
    let mut parts = Vec::new();
    if let Some(d) = a.signed_off {
        parts.push(format!("signed off {}", d.long()));
    }
    if !a.merged_into.is_empty() {
        let ns: Vec<String> = a.merged_into.iter().map(|n| n.to_string()).collect();
        parts.push(format!("merged into {}", ns.join(", ")));
    }
    if let Some(n) = a.duplicate_of {
        parts.push(format!("duplicate of {n}"));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, Theme};
    use crate::report::sample::{day, workshop};

    fn themes(public_owners: bool) -> Themes {
        Themes {
            themes: vec![Theme {
                key: "x".into(),
                name: "X".into(),
                colour: "#123456".into(),
                description: None,
                public_owners,
            }],
            members: vec![],
            sources: vec![],
        }
    }

    #[test]
    fn sections_split_by_status_and_raised_names_the_workshop() {
        let mut open = sample(1, Status::Ongoing);
        open.owner = Some("Home Office".into());
        open.deadline = Some(Deadline::parse("2019-03").unwrap());
        let proposed = sample(2, Status::ProposedComplete);
        let mut merged = sample(3, Status::Closed);
        merged.merged_into = vec![1];
        let w = workshop("2019-01-15");
        let r = actions(
            &themes(false),
            &[&open, &proposed, &merged],
            &[&w],
            &[],
            day("2019-07-01"),
            false,
        );
        let counts: Vec<usize> = r.sections.iter().map(|s| s.count).collect();
        assert_eq!(counts, vec![1, 1, 1]);
        let row = &r.sections[0].groups[0].rows[0];
        assert!(row.overdue);
        assert_eq!(row.raised, "15 January 2019 workshop");
        assert_eq!(row.owner, "Home Office");
        assert_eq!(r.sections[2].groups[0].rows[0].outcome, "merged into 1");
    }

    #[test]
    fn public_mode_withholds_owners_unless_the_theme_allows() {
        let mut a = sample(1, Status::Ongoing);
        a.owner = Some("Jane Smith".into());
        let owner = |public_owners, public| {
            actions(
                &themes(public_owners),
                &[&a],
                &[],
                &[],
                day("2019-07-01"),
                public,
            )
            .sections[0]
                .groups[0]
                .rows[0]
                .owner
                .clone()
        };
        assert_eq!(owner(false, true), "withheld");
        assert_eq!(owner(true, true), "Jane Smith");
        assert_eq!(owner(false, false), "Jane Smith");
    }
}
