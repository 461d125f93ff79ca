//! Records as far as they decoded. The decoder fills these for every file, each field that decoded
//! and each list item in its place; a file without errors becomes a whole [`Action`], [`Milestone`]
//! or [`Themes`], and a file with errors keeps its parts, so that `oslog validate`'s cross-record
//! rules can still check what decoded of it while writers and queries see only whole records.

use super::{
    Action, Deadline, LogDate, Member, Milestone, MilestoneKind, MilestoneStatus, Status, Theme,
    Themes, Update,
};
use std::collections::BTreeSet;

/// The fields of an action file, as far as each decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionParts {
    pub id: Option<u32>,
    pub title: Option<String>,
    pub theme: Option<String>,
    pub owner: Option<String>,
    pub raised: Option<LogDate>,
    pub deadline: Option<Deadline>,
    pub status: Option<Status>,
    pub signed_off: Option<LogDate>,
    /// Each item in its place in the file, `None` where it did not decode, so that an item's index
    /// is its index in the file.
    pub links: Vec<Option<u32>>,
    pub merged_into: Vec<Option<u32>>,
    pub duplicate_of: Option<u32>,
    pub formerly: Vec<Option<u32>>,
    pub artefacts: Vec<Option<u32>>,
    pub updates: Vec<UpdateParts>,
    /// The fields present in the file whose value gave a finding: a rule must not take one of
    /// these for an absent field.
    pub broken: BTreeSet<String>,
}

/// An update, as far as it decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateParts {
    pub date: Option<LogDate>,
    pub text: Option<String>,
}

/// The fields of a milestone file, as far as each decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MilestoneParts {
    pub id: Option<String>,
    pub date: Option<LogDate>,
    pub kind: Option<MilestoneKind>,
    pub title: Option<String>,
    pub by: Option<String>,
    pub objective: Option<String>,
    pub status: Option<MilestoneStatus>,
    /// Each item in its place in the file, `None` where it did not decode.
    pub actions: Vec<Option<u32>>,
    /// The fields present in the file whose value gave a finding.
    pub broken: BTreeSet<String>,
}

/// themes.yaml, as far as it decoded. `themes` is `None` when the list itself did not decode.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThemesParts {
    pub themes: Option<Vec<ThemeParts>>,
    pub members: Vec<MemberParts>,
    /// The fields present in the file whose value gave a finding, such as `themes[1].colour`.
    pub broken: BTreeSet<String>,
}

/// A theme, as far as it decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThemeParts {
    pub key: Option<String>,
    pub name: Option<String>,
    pub colour: Option<String>,
    pub description: Option<String>,
    pub public_owners: Option<bool>,
}

/// A member, as far as it decoded; `themes` keeps each key in its place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberParts {
    pub name: Option<String>,
    pub themes: Vec<Option<String>>,
}

/// Each number of a list that decoded, at its first place: (field, path of the item, number).
fn firsts<'s>(
    field: &'static str,
    items: &'s [Option<u32>],
) -> impl Iterator<Item = (&'static str, String, u32)> + 's {
    let mut seen = std::collections::HashSet::new();
    items.iter().enumerate().filter_map(move |(i, n)| {
        let n = (*n).filter(|n| seen.insert(*n))?;
        Some((field, format!("{field}[{i}]"), n))
    })
}

/// Every item of a list, when each decoded.
fn all<T: Clone>(items: &[Option<T>]) -> Option<Vec<T>> {
    items.iter().cloned().collect()
}

impl ActionParts {
    /// The whole action, when every required field and every item decoded and nothing is broken.
    pub fn whole(&self) -> Option<Action> {
        if !self.broken.is_empty() {
            return None;
        }
        let updates = self
            .updates
            .iter()
            .map(|u| {
                Some(Update {
                    date: u.date,
                    text: u.text.clone()?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Action {
            id: self.id?,
            title: self.title.clone()?,
            theme: self.theme.clone()?,
            owner: self.owner.clone(),
            raised: self.raised?,
            deadline: self.deadline,
            status: self.status?,
            signed_off: self.signed_off,
            links: all(&self.links)?,
            merged_into: all(&self.merged_into)?,
            duplicate_of: self.duplicate_of,
            formerly: all(&self.formerly)?,
            artefacts: all(&self.artefacts)?,
            updates,
        })
    }

    /// Every action number it refers to that decoded, once per field, with the field and the
    /// path of its first place (such as `links[2]`).
    pub fn references(&self) -> impl Iterator<Item = (&'static str, String, u32)> + '_ {
        firsts("links", &self.links)
            .chain(firsts("merged_into", &self.merged_into))
            .chain(
                self.duplicate_of
                    .map(|n| ("duplicate_of", "duplicate_of".to_string(), n)),
            )
    }

    /// Whether `field` is present in the file but gave a finding.
    pub fn is_broken(&self, field: &str) -> bool {
        self.broken.contains(field)
    }
}

impl From<&Action> for ActionParts {
    fn from(a: &Action) -> Self {
        let some = |ns: &[u32]| ns.iter().copied().map(Some).collect();
        ActionParts {
            id: Some(a.id),
            title: Some(a.title.clone()),
            theme: Some(a.theme.clone()),
            owner: a.owner.clone(),
            raised: Some(a.raised),
            deadline: a.deadline,
            status: Some(a.status),
            signed_off: a.signed_off,
            links: some(&a.links),
            merged_into: some(&a.merged_into),
            duplicate_of: a.duplicate_of,
            formerly: some(&a.formerly),
            artefacts: some(&a.artefacts),
            updates: a
                .updates
                .iter()
                .map(|u| UpdateParts {
                    date: u.date,
                    text: Some(u.text.clone()),
                })
                .collect(),
            broken: BTreeSet::new(),
        }
    }
}

impl MilestoneParts {
    /// The whole milestone, when every required field and every item decoded and nothing is
    /// broken.
    pub fn whole(&self) -> Option<Milestone> {
        if !self.broken.is_empty() {
            return None;
        }
        Some(Milestone {
            id: self.id.clone()?,
            date: self.date?,
            kind: self.kind?,
            title: self.title.clone()?,
            by: self.by.clone(),
            objective: self.objective.clone(),
            status: self.status?,
            actions: all(&self.actions)?,
        })
    }
}

impl From<&Milestone> for MilestoneParts {
    fn from(m: &Milestone) -> Self {
        MilestoneParts {
            id: Some(m.id.clone()),
            date: Some(m.date),
            kind: Some(m.kind),
            title: Some(m.title.clone()),
            by: m.by.clone(),
            objective: m.objective.clone(),
            status: Some(m.status),
            actions: m.actions.iter().copied().map(Some).collect(),
            broken: BTreeSet::new(),
        }
    }
}

impl ThemesParts {
    /// The whole themes file, when every theme and member decoded and nothing is broken.
    pub fn whole(&self) -> Option<Themes> {
        if !self.broken.is_empty() {
            return None;
        }
        let themes = self
            .themes
            .as_ref()?
            .iter()
            .map(|t| {
                Some(Theme {
                    key: t.key.clone()?,
                    name: t.name.clone()?,
                    colour: t.colour.clone()?,
                    description: t.description.clone(),
                    public_owners: t.public_owners.unwrap_or(false),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let members = self
            .members
            .iter()
            .map(|m| {
                Some(Member {
                    name: m.name.clone()?,
                    themes: all(&m.themes)?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Themes { themes, members })
    }

    /// Every theme's key with its name where it decoded, when every key decoded: the keys actions
    /// may use. `None` when some key did not decode, since an action's theme could be that key.
    pub fn keys(&self) -> Option<Vec<(&str, Option<&str>)>> {
        self.themes
            .as_ref()?
            .iter()
            .map(|t| Some((t.key.as_deref()?, t.name.as_deref())))
            .collect()
    }
}

impl From<&Themes> for ThemesParts {
    fn from(t: &Themes) -> Self {
        ThemesParts {
            themes: Some(
                t.themes
                    .iter()
                    .map(|t| ThemeParts {
                        key: Some(t.key.clone()),
                        name: Some(t.name.clone()),
                        colour: Some(t.colour.clone()),
                        description: t.description.clone(),
                        public_owners: Some(t.public_owners),
                    })
                    .collect(),
            ),
            members: t
                .members
                .iter()
                .map(|m| MemberParts {
                    name: Some(m.name.clone()),
                    themes: m.themes.iter().cloned().map(Some).collect(),
                })
                .collect(),
            broken: BTreeSet::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_record_comes_back_whole() {
        let mut a = super::super::sample(7, Status::Closed);
        a.links = vec![1, 2];
        a.updates = vec![Update {
            date: None,
            text: "Withdrawn.".into(),
        }];
        assert_eq!(ActionParts::from(&a).whole(), Some(a));
    }

    #[test]
    fn a_missing_item_or_a_broken_field_is_not_whole() {
        let a = super::super::sample(7, Status::Ongoing);
        let mut p = ActionParts::from(&a);
        p.links = vec![Some(1), None];
        assert_eq!(p.whole(), None);
        let mut p = ActionParts::from(&a);
        p.broken.insert("owner".into());
        assert_eq!(p.whole(), None);
        let refs: Vec<_> = ActionParts {
            links: vec![None, Some(3), Some(3)],
            duplicate_of: Some(4),
            ..ActionParts::default()
        }
        .references()
        .collect();
        assert_eq!(
            refs,
            vec![
                ("links", "links[1]".to_string(), 3),
                ("duplicate_of", "duplicate_of".to_string(), 4)
            ]
        );
    }
}
