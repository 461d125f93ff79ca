//! The log's website as data: one page per action (its fields, what it refers to and what refers to
//! it, every update, and its history from git), one per theme, the timeline, and the changes the
//! feed carries. The site's front page is the circulated action log (`actions.rs`); renderers in
//! `output/site.rs`, `output/feed.rs` and `output/calendar.rs` turn this into files. The history is
//! read from the commits of the first-parent line (as `oslog log` reads it), each action's followed
//! back through its renumberings; in a public version owners in the history are withheld as on the
//! page.

use super::actions::{outcome, raised, UpdateLine};
use super::related::{related, Related};
use super::theme::{owner, theme_infos, ThemeInfo};
use crate::model::{Action, Deadline, Milestone, MilestoneKind, Status, Themes};
use crate::trail::{Change, CommitChanges, CommitInfo, Entry, Event};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeSet;

/// One change to an action in one commit, as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryItem {
    pub commit: CommitInfo,
    pub event: Event,
    /// For a renumbering, the number before.
    pub from: Option<u32>,
    pub changes: Vec<Change>,
}

/// A deadline move read from the history: when, from what, to what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeadlineMove {
    pub date: NaiveDate,
    pub old: String,
    pub new: String,
    /// How many days later the new deadline is (negative when brought forward); 0 when either side
    /// is not a date.
    pub days: i64,
}

/// One action's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionPage {
    pub id: u32,
    pub title: String,
    pub theme: ThemeInfo,
    /// Its theme's page (see [`ThemePage::page`]).
    pub theme_page: String,
    pub owner: String,
    pub raised: String,
    pub deadline: String,
    pub overdue: bool,
    pub status: Status,
    pub signed_off: String,
    pub outcome: String,
    pub links: Vec<u32>,
    pub merged_into: Vec<u32>,
    pub duplicate_of: Option<u32>,
    pub formerly: Vec<u32>,
    pub artefacts: Vec<u32>,
    /// The source's name as themes.yaml gives it, or its key, or empty.
    pub source: String,
    /// Every update, oldest first.
    pub updates: Vec<UpdateLine>,
    pub related: Related,
    /// Every commit that changed it, newest first.
    pub history: Vec<HistoryItem>,
    /// Its deadline moves, oldest first.
    pub moves: Vec<DeadlineMove>,
}

/// The actions of one theme, open first, for its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThemePage {
    pub theme: ThemeInfo,
    /// The page's file name without `.html`: the key, or for a theme an action names that is not a
    /// kebab-case key (so may hold `/` or `..`), `theme_N`, a name no key can have.
    pub page: String,
    pub description: String,
    pub actions: Vec<ActionPage>,
    pub open: usize,
}

/// A milestone on the timeline page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MilestoneItem {
    pub id: String,
    pub date: String,
    pub date_iso: NaiveDate,
    pub kind: MilestoneKind,
    pub title: String,
    pub status: crate::model::MilestoneStatus,
    pub by: String,
    pub objective: String,
    pub description: String,
    pub actions: Vec<u32>,
}

/// The pages of the site besides its front page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Site {
    pub title: String,
    pub as_of: NaiveDate,
    pub as_of_long: String,
    pub public: bool,
    pub themes: Vec<ThemePage>,
    pub milestones: Vec<MilestoneItem>,
    /// The numbers that have a page, so that a reference to one left out is not a dead link.
    pub pages: BTreeSet<u32>,
}

/// What the site is built from.
pub struct Inputs<'a> {
    pub themes: &'a Themes,
    pub actions: &'a [&'a Action],
    pub milestones: &'a [&'a Milestone],
    /// The log's commits, newest first, without those of records left out.
    pub history: &'a [CommitChanges],
    pub today: NaiveDate,
    pub public: bool,
}

/// Build the site's pages.
pub fn site(title: &str, i: &Inputs) -> Site {
    let workshops: Vec<&Milestone> = i
        .milestones
        .iter()
        .copied()
        .filter(|m| m.kind == MilestoneKind::Workshop)
        .collect();
    let infos = theme_infos(i.themes, i.actions);
    let mut sorted: Vec<&Action> = i.actions.to_vec();
    sorted.sort_by_key(|a| (!a.status.is_open(), a.id));
    let themes = infos
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let file = match crate::model::is_kebab(&t.key) {
                true => t.key.clone(),
                false => format!("theme_{}", n + 1),
            };
            let actions: Vec<ActionPage> = sorted
                .iter()
                .filter(|a| a.theme == t.key)
                .map(|a| page(a, t, &file, i, &workshops))
                .collect();
            ThemePage {
                theme: t.clone(),
                page: file,
                description: i
                    .themes
                    .get(&t.key)
                    .and_then(|x| x.description.clone())
                    .unwrap_or_default(),
                open: actions.iter().filter(|a| a.status.is_open()).count(),
                actions,
            }
        })
        .collect();
    let mut milestones: Vec<&Milestone> = i.milestones.to_vec();
    milestones.sort_by(|a, b| (a.date.sort_key(), &a.id).cmp(&(b.date.sort_key(), &b.id)));
    Site {
        title: title.to_string(),
        as_of: i.today,
        as_of_long: crate::model::LogDate::from_day(i.today).long(),
        public: i.public,
        themes,
        milestones: milestones
            .into_iter()
            .map(|m| MilestoneItem {
                id: m.id.clone(),
                date: m.date.long(),
                date_iso: m.date.first_day(),
                kind: m.kind,
                title: m.title.clone(),
                status: m.status,
                by: m.by.clone().unwrap_or_default(),
                objective: m.objective.clone().unwrap_or_default(),
                description: m.description.clone().unwrap_or_default(),
                actions: m.actions.clone(),
            })
            .collect(),
        pages: i.actions.iter().map(|a| a.id).collect(),
    }
}

fn page(
    a: &Action,
    theme: &ThemeInfo,
    theme_page: &str,
    i: &Inputs,
    workshops: &[&Milestone],
) -> ActionPage {
    let history: Vec<HistoryItem> = trail(i.history, a.id)
        .into_iter()
        .map(|(commit, e)| HistoryItem {
            commit: commit.clone(),
            event: e.event,
            from: e.from,
            changes: e.changes.clone(),
        })
        .collect();
    let moves = deadline_moves(&history);
    let source = a
        .source
        .as_deref()
        .map(|k| {
            i.themes
                .sources
                .iter()
                .find(|s| s.key == k)
                .map_or(k.to_string(), |s| s.name.clone())
        })
        .unwrap_or_default();
    ActionPage {
        id: a.id,
        title: a.title.clone(),
        theme: theme.clone(),
        theme_page: theme_page.to_string(),
        owner: owner(i.themes, a, i.public),
        raised: raised(a.raised, workshops),
        deadline: match a.deadline {
            Some(Deadline::Date(d)) => d.long(),
            Some(Deadline::Monthly) => "monthly".into(),
            None => String::new(),
        },
        overdue: a.is_overdue(i.today),
        status: a.status,
        signed_off: a.signed_off.map(|d| d.long()).unwrap_or_default(),
        outcome: outcome(a),
        links: a.links.clone(),
        merged_into: a.merged_into.clone(),
        duplicate_of: a.duplicate_of,
        formerly: a.formerly.clone(),
        artefacts: a.artefacts.clone(),
        source,
        updates: a
            .updates
            .iter()
            .map(|u| UpdateLine {
                date: u.date.map(|d| d.long()).unwrap_or_default(),
                text: u.text.clone(),
            })
            .collect(),
        related: related(a.id, i.actions, i.milestones),
        history,
        moves,
    }
}

/// The history as a public version shows it: in `public` mode, owners in every change withheld
/// unless the action's theme makes its owners public, as on the pages.
pub fn public_history(
    themes: &Themes,
    mut commits: Vec<CommitChanges>,
    public: bool,
) -> Vec<CommitChanges> {
    if !public {
        return commits;
    }
    let withhold = |v: &mut Option<String>| {
        if v.is_some() {
            *v = Some("withheld".into());
        }
    };
    for e in commits.iter_mut().flat_map(|c| c.entries.iter_mut()) {
        let named = e
            .theme
            .as_deref()
            .and_then(|t| themes.get(t))
            .is_some_and(|t| t.public_owners);
        for c in e
            .changes
            .iter_mut()
            .filter(|c| c.field == "owner" && !named)
        {
            withhold(&mut c.old);
            withhold(&mut c.new);
        }
    }
    commits
}

/// The entries of action `id` in `commits` (newest first), following it back through its
/// renumberings: before the commit that gave it its number, it is followed under the number it had.
/// Uncommitted changes are not part of the site.
pub fn trail(commits: &[CommitChanges], id: u32) -> Vec<(&CommitInfo, &Entry)> {
    let mut number = id;
    let mut out = Vec::new();
    for c in commits {
        let Some(info) = &c.commit else { continue };
        let mut next = Some(number);
        for e in c.entries.iter().filter(|e| e.action == Some(number)) {
            out.push((info, e));
            next = match (e.event, e.from) {
                (Event::Renumbered, Some(from)) => Some(from),
                // Before its addition, the number was another record's, if anyone's.
                (Event::Added, _) => None,
                _ => next,
            };
        }
        // The number was given to it by a renumbering of another action: before that, it was
        // that one's.
        let taken = c
            .entries
            .iter()
            .any(|e| e.event == Event::Renumbered && e.from == Some(number));
        match next {
            Some(n) if n != number || !taken => number = n,
            _ => break,
        }
    }
    out
}

/// The deadline moves in a history (newest first), oldest first.
fn deadline_moves(history: &[HistoryItem]) -> Vec<DeadlineMove> {
    let day = |s: &str| crate::model::LogDate::parse(s).ok().map(|d| d.last_day());
    let mut moves: Vec<DeadlineMove> = history
        .iter()
        .filter(|h| h.event == Event::Changed)
        .flat_map(|h| {
            h.changes
                .iter()
                .filter(|c| c.field == "deadline")
                .filter_map(move |c| {
                    let (old, new) = (c.old.clone()?, c.new.clone()?);
                    let days = match (day(&old), day(&new)) {
                        (Some(o), Some(n)) => (n - o).num_days(),
                        _ => 0,
                    };
                    Some(DeadlineMove {
                        date: h.commit.date,
                        old,
                        new,
                        days,
                    })
                })
        })
        .collect();
    moves.reverse();
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(entries: Vec<Entry>) -> CommitChanges {
        CommitChanges {
            commit: None,
            entries,
        }
    }

    fn entry(action: u32, event: Event, from: Option<u32>) -> Entry {
        Entry {
            action: Some(action),
            milestone: None,
            file: format!("actions/{action:03}.yaml"),
            event,
            from,
            theme: None,
            title: None,
            changes: Vec::new(),
            flags: Vec::new(),
            was: None,
            now: None,
            credit: Vec::new(),
        }
    }

    fn dated(mut c: CommitChanges, id: &str) -> CommitChanges {
        c.commit = Some(CommitInfo {
            id: id.into(),
            short: id.into(),
            author: "a".into(),
            date: NaiveDate::from_ymd_opt(2019, 5, 1).unwrap(),
            summary: String::new(),
        });
        c
    }

    #[test]
    fn the_trail_follows_a_renumbering_and_not_the_number_reused() {
        // Newest first: 5 was reused by a new action after 5 became 7.
        let commits = vec![
            dated(commit(vec![entry(5, Event::Added, None)]), "c3"),
            dated(commit(vec![entry(7, Event::Renumbered, Some(5))]), "c2"),
            dated(commit(vec![entry(5, Event::Added, None)]), "c1"),
        ];
        let ids = |n| -> Vec<&str> {
            trail(&commits, n)
                .iter()
                .map(|(c, _)| c.id.as_str())
                .collect()
        };
        assert_eq!(ids(7), ["c2", "c1"]);
        assert_eq!(ids(5), ["c3"]);
    }
}
