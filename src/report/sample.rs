//! Themes, entries and commits for the reports' tests.

use crate::model::{LogDate, Milestone, MilestoneKind, MilestoneStatus, Theme, Themes};
use crate::trail::change::{Change, Op};
use crate::trail::{CommitChanges, CommitInfo, Entry, Event};
use chrono::NaiveDate;

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn themes() -> Themes {
    Themes {
        themes: ["x", "y"]
            .iter()
            .map(|k| Theme {
                key: k.to_string(),
                name: k.to_uppercase(),
                colour: "#123456".into(),
                description: None,
                public_owners: false,
            })
            .collect(),
        members: vec![],
        sources: vec![],
    }
}

/// A workshop held in the month (or on the day) `date`.
pub fn workshop(date: &str) -> Milestone {
    Milestone {
        id: format!("{date}-workshop"),
        date: LogDate::parse(date).unwrap(),
        kind: MilestoneKind::Workshop,
        title: "Workshop".into(),
        description: None,
        by: None,
        objective: None,
        status: MilestoneStatus::Done,
        actions: vec![],
        source: None,
    }
}

pub fn change(field: &'static str, op: Op, old: Option<&str>, new: &str) -> Change {
    Change {
        field,
        op,
        old: old.map(String::from),
        new: Some(new.into()),
    }
}

pub fn entry(id: u32, event: Event, theme: &str, changes: Vec<Change>) -> Entry {
    Entry {
        action: Some(id),
        milestone: None,
        file: format!("actions/{id:03}.yaml"),
        event,
        from: None,
        theme: Some(theme.into()),
        title: Some("t".into()),
        changes,
        flags: vec![],
        was: None,
        now: None,
        credit: vec![],
    }
}

pub fn commit(date: &str, entries: Vec<Entry>) -> CommitChanges {
    CommitChanges {
        commit: Some(CommitInfo {
            id: "0".repeat(40),
            short: "0000000".into(),
            author: "Ann".into(),
            date: day(date),
            summary: "s".into(),
        }),
        entries,
    }
}
