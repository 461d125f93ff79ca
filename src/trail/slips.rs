//! Deadline slippage, read from the audit trail oldest first: how far each action's deadline moved,
//! the actions that slipped most, and the median delay per theme (`oslog slips`, and the annual
//! report's figures).

use super::{CommitChanges, Event};
use crate::model::Deadline;
use serde::Serialize;
use std::collections::BTreeMap;

/// The median of some day counts; `None` for none.
pub fn median(mut v: Vec<i64>) -> Option<f64> {
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] as f64),
        _ => Some((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0),
    }
}

/// How one action's deadline moved over its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Slip {
    pub action: u32,
    pub theme: String,
    pub title: String,
    /// The first deadline the action had in the history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<Deadline>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Deadline>,
    /// How many times the deadline changed from one value to another.
    pub moves: usize,
    /// Days from the end of the original deadline to the end of the current one; negative when
    /// brought forward.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_days: Option<i64>,
}

/// The median delay of one theme's actions whose deadlines are dates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThemeDelay {
    pub theme: String,
    pub actions: usize,
    pub moved: usize,
    pub median_delay_days: f64,
}

/// Deadline slippage, built from the history oldest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Slips {
    /// Every action still in the log, by number.
    pub actions: Vec<Slip>,
    /// The actions whose deadline moved, most moves first (then the longest delay).
    pub most_slipped: Vec<u32>,
    pub themes: Vec<ThemeDelay>,
}

fn deadline(v: &Option<String>) -> Option<Deadline> {
    v.as_deref().and_then(|s| Deadline::parse(s).ok())
}

/// Follow every action's deadline through `commits` (oldest first).
pub fn slips(commits: &[CommitChanges], most: usize) -> Slips {
    let mut state: BTreeMap<u32, Slip> = BTreeMap::new();
    for c in commits {
        for e in &c.entries {
            let Some(id) = e.action else { continue };
            match e.event {
                // Gone from the log: removed, or a link or submodule in its file's place.
                Event::Removed => {
                    state.remove(&id);
                    continue;
                }
                Event::NotAFile if e.now.is_some() => {
                    state.remove(&id);
                    continue;
                }
                Event::Renumbered => {
                    if let Some(mut s) = e.from.and_then(|f| state.remove(&f)) {
                        s.action = id;
                        state.insert(id, s);
                    }
                }
                _ => {}
            }
            let s = state.entry(id).or_insert_with(|| Slip {
                action: id,
                theme: String::new(),
                title: String::new(),
                original: None,
                current: None,
                moves: 0,
                delay_days: None,
            });
            s.theme = e.theme.clone().unwrap_or_default();
            s.title = e.title.clone().unwrap_or_default();
            for ch in e.changes.iter().filter(|c| c.field == "deadline") {
                let (old, new) = (deadline(&ch.old), deadline(&ch.new));
                if s.original.is_none() {
                    s.original = if e.event == Event::Added {
                        new
                    } else {
                        old.or(new)
                    };
                }
                if old.is_some() && new.is_some() && e.event != Event::Added {
                    s.moves += 1;
                }
                s.current = new;
            }
        }
    }
    let mut actions: Vec<Slip> = state.into_values().collect();
    for s in &mut actions {
        if let (Some(Deadline::Date(a)), Some(Deadline::Date(b))) = (s.original, s.current) {
            s.delay_days = Some((b.last_day() - a.last_day()).num_days());
        }
    }
    let mut moved: Vec<&Slip> = actions.iter().filter(|s| s.moves > 0).collect();
    moved.sort_by_key(|s| {
        (
            std::cmp::Reverse(s.moves),
            std::cmp::Reverse(s.delay_days),
            s.action,
        )
    });
    let most_slipped = moved.iter().take(most).map(|s| s.action).collect();
    let mut by_theme: BTreeMap<&str, Vec<&Slip>> = BTreeMap::new();
    for s in &actions {
        if s.delay_days.is_some() {
            by_theme.entry(&s.theme).or_default().push(s);
        }
    }
    let themes = by_theme
        .into_iter()
        .map(|(theme, v)| {
            let delays: Vec<i64> = v.iter().filter_map(|s| s.delay_days).collect();
            ThemeDelay {
                theme: theme.to_string(),
                actions: delays.len(),
                moved: v.iter().filter(|s| s.moves > 0).count(),
                // Every slip in `v` has a delay, so the list is never empty.
                median_delay_days: median(delays).unwrap_or_default(),
            }
        })
        .collect();
    Slips {
        actions,
        most_slipped,
        themes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::trail::change::sample_action as action;
    use crate::trail::entry::sample::{commit, diff, present};
    use crate::trail::{entries, Version};

    #[test]
    fn slips_count_moves_and_follow_renumbering() {
        let a1 = action(7, Status::NotStarted, "2019-07");
        let a2 = action(7, Status::Ongoing, "2019-09");
        let a3 = action(7, Status::Ongoing, "2019-10");
        let mut b = a3.clone();
        b.id = 8;
        b.formerly = vec![7];
        let other = action(9, Status::Ongoing, "2019-07");
        let history = vec![
            commit(entries(&[
                diff("actions/007.yaml", Version::Absent, present(&a1)),
                diff("actions/009.yaml", Version::Absent, present(&other)),
            ])),
            commit(entries(&[diff(
                "actions/007.yaml",
                present(&a1),
                present(&a2),
            )])),
            commit(entries(&[diff(
                "actions/007.yaml",
                present(&a2),
                present(&a3),
            )])),
            commit(entries(&[
                diff("actions/007.yaml", present(&a3), Version::Absent),
                diff("actions/008.yaml", Version::Absent, present(&b)),
            ])),
        ];
        let s = slips(&history, 10);
        assert_eq!(s.actions.len(), 2);
        let eight = &s.actions[0];
        assert_eq!(eight.action, 8);
        assert_eq!(eight.original.unwrap().to_string(), "2019-07");
        assert_eq!(eight.current.unwrap().to_string(), "2019-10");
        assert_eq!(eight.moves, 2);
        assert_eq!(eight.delay_days, Some(92));
        assert_eq!(s.most_slipped, vec![8]);
        assert_eq!(s.themes.len(), 1);
        assert_eq!((s.themes[0].actions, s.themes[0].moved), (2, 1));
        assert_eq!(s.themes[0].median_delay_days, 46.0);
    }
}
