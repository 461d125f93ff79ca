//! The circulated action log as data: three sections (open; proposed complete, awaiting sign-off;
//! the appendix of completed and closed actions), each grouped by theme in themes.yaml order, with
//! the figures its charts draw. Renderers in `output/report_md.rs` and `output/html.rs` turn it into
//! Markdown and HTML; nothing here formats markup.

use super::over_time::{over_time, Chart, Dated};
use super::theme::{owner, theme_infos, ThemeInfo};
use crate::model::{
    Action, Deadline, LogDate, Milestone, MilestoneKind, MilestoneStatus, Status, Themes,
};
use chrono::NaiveDate;
use serde::Serialize;

/// A dated line of progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UpdateLine {
    /// The date in a reader's form, or empty.
    pub date: String,
    /// The text; an update oslog wrote for a move or a deadline change in a reader's words.
    pub text: String,
}

/// An action's updates as the report shows them: the latest in people's words in view, the updates
/// oslog wrote after it (a move, a deadline change) beneath it, and the earlier ones to expand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Updates {
    /// The latest update a person wrote (or a move with a note); none when there is none.
    pub latest: Option<UpdateLine>,
    /// The updates oslog wrote after it, oldest first.
    pub later: Vec<UpdateLine>,
    /// Every update before the latest, oldest first.
    pub earlier: Vec<UpdateLine>,
}

impl Updates {
    /// Split `updates` (oldest first): an update oslog wrote, with nothing a person added, never
    /// pushes the latest of people's words out of view.
    pub fn of(updates: &[crate::model::Update]) -> Updates {
        let line = |u: &crate::model::Update| UpdateLine {
            date: u.date.map(|d| d.long()).unwrap_or_default(),
            text: match crate::model::lifecycle::recorded(&u.text) {
                Some(r) if r.note.is_empty() => r.words,
                Some(r) => format!("{} {}", r.words, r.note),
                None => u.text.clone(),
            },
        };
        let said = |u: &crate::model::Update| {
            crate::model::lifecycle::recorded(&u.text).is_none_or(|r| !r.note.is_empty())
        };
        match updates.iter().rposition(said) {
            Some(i) => Updates {
                latest: Some(line(&updates[i])),
                later: updates[i + 1..].iter().map(line).collect(),
                earlier: updates[..i].iter().map(line).collect(),
            },
            None => Updates {
                latest: None,
                later: updates.iter().map(line).collect(),
                earlier: Vec::new(),
            },
        }
    }
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
    /// The status in a reader's words.
    pub status_label: &'static str,
    pub updates: Updates,
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
    /// The chart of open against completed actions over time.
    pub over_time: Chart,
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
    history: &[Dated],
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
            status_label: a.status.label(),
            updates: Updates::of(&a.updates),
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
    let over_time = over_time(actions, history, today);
    ActionsReport {
        title: "Action log".into(),
        as_of: today,
        as_of_long: LogDate::from_day(today).long(),
        public,
        themes: infos,
        sections,
        over_time,
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
    fn the_latest_update_in_peoples_words_stays_in_view() {
        let u = |d: &str, t: &str| crate::model::Update {
            date: Some(LogDate::parse(d).unwrap()),
            text: t.into(),
        };
        let shown = Updates::of(&[
            u("2019-04-09", "Met the DPO."),
            u("2019-05-02", "Draft shared with members."),
            u("2019-07-01", "Deadline moved from 2019-07 to 2019-09."),
            u(
                "2019-07-02",
                "Status changed from ongoing to proposed-complete.",
            ),
        ]);
        assert_eq!(
            shown.latest,
            Some(UpdateLine {
                date: "2 May 2019".into(),
                text: "Draft shared with members.".into()
            })
        );
        let later: Vec<&str> = shown.later.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            later,
            [
                "Deadline moved from July 2019 to September 2019.",
                "Status changed from ongoing to proposed complete."
            ]
        );
        assert_eq!(shown.earlier.len(), 1);
        let noted = Updates::of(&[
            u("2019-04-09", "Met the DPO."),
            u(
                "2019-07-02",
                "Status changed from ongoing to proposed-complete. Paper sent.",
            ),
        ]);
        assert_eq!(
            noted.latest.unwrap().text,
            "Status changed from ongoing to proposed complete. Paper sent."
        );
        assert_eq!(Updates::of(&[]), Updates::default());
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
