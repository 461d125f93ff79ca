//! Records as far as they decoded. The decoder fills these for every file, each field that decoded
//! and each list item in its place; a file without errors becomes a whole [`Action`], [`Milestone`]
//! or [`Themes`], and a file with errors keeps its parts, so that `oslog validate`'s cross-record
//! rules can still check what decoded of it while writers and queries see only whole records.

use super::{
    Action, Deadline, LogDate, Member, Milestone, MilestoneKind, MilestoneStatus, RecordSource,
    Status, Theme, Themes, Update,
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
    pub source: Option<String>,
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
    pub description: Option<String>,
    pub by: Option<String>,
    pub objective: Option<String>,
    pub status: Option<MilestoneStatus>,
    /// Each item in its place in the file, `None` where it did not decode.
    pub actions: Vec<Option<u32>>,
    pub source: Option<String>,
    /// The fields present in the file whose value gave a finding.
    pub broken: BTreeSet<String>,
}

/// themes.yaml, as far as it decoded. `themes` is `None` when the list itself did not decode.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThemesParts {
    pub themes: Option<Vec<ThemeParts>>,
    pub members: Vec<MemberParts>,
    pub sources: Vec<SourceParts>,
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

/// A source, as far as it decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceParts {
    pub key: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: Option<bool>,
}

/// A member, as far as it decoded; `themes` keeps each key in its place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberParts {
    pub name: Option<String>,
    pub themes: Vec<Option<String>>,
}

impl ActionParts {
    /// The whole action, when every required field and every item decoded and nothing is broken;
    /// otherwise the parts as they were (boxed: a broken file is the rare case).
    pub fn into_whole(self) -> Result<Action, Box<Self>> {
        let complete = self.broken.is_empty()
            && [
                &self.links,
                &self.merged_into,
                &self.formerly,
                &self.artefacts,
            ]
            .iter()
            .all(|items| items.iter().all(Option::is_some))
            && self.updates.iter().all(|u| u.text.is_some());
        match self {
            ActionParts {
                id: Some(id),
                title: Some(title),
                theme: Some(theme),
                raised: Some(raised),
                status: Some(status),
                owner,
                deadline,
                signed_off,
                links,
                merged_into,
                duplicate_of,
                formerly,
                artefacts,
                source,
                updates,
                ..
            } if complete => Ok(Action {
                id,
                title,
                theme,
                owner,
                raised,
                deadline,
                status,
                signed_off,
                links: links.into_iter().flatten().collect(),
                merged_into: merged_into.into_iter().flatten().collect(),
                duplicate_of,
                formerly: formerly.into_iter().flatten().collect(),
                artefacts: artefacts.into_iter().flatten().collect(),
                source,
                updates: updates
                    .into_iter()
                    .filter_map(|u| {
                        Some(Update {
                            date: u.date,
                            text: u.text?,
                        })
                    })
                    .collect(),
            }),
            parts => Err(Box::new(parts)),
        }
    }
}

impl MilestoneParts {
    /// The whole milestone, when every required field and every item decoded and nothing is
    /// broken; otherwise the parts as they were.
    pub fn into_whole(self) -> Result<Milestone, Box<Self>> {
        let complete = self.broken.is_empty() && self.actions.iter().all(Option::is_some);
        match self {
            MilestoneParts {
                id: Some(id),
                date: Some(date),
                kind: Some(kind),
                title: Some(title),
                status: Some(status),
                description,
                by,
                objective,
                actions,
                source,
                ..
            } if complete => Ok(Milestone {
                id,
                date,
                kind,
                title,
                description,
                by,
                objective,
                status,
                actions: actions.into_iter().flatten().collect(),
                source,
            }),
            parts => Err(Box::new(parts)),
        }
    }
}

impl ThemesParts {
    /// The whole themes file, when every theme and member decoded and nothing is broken;
    /// otherwise the parts as they were.
    pub fn into_whole(self) -> Result<Themes, Box<Self>> {
        let theme_complete =
            |t: &ThemeParts| t.key.is_some() && t.name.is_some() && t.colour.is_some();
        let member_complete =
            |m: &MemberParts| m.name.is_some() && m.themes.iter().all(Option::is_some);
        let source_complete = |s: &SourceParts| s.key.is_some() && s.name.is_some();
        let complete = self.broken.is_empty()
            && self
                .themes
                .as_ref()
                .is_some_and(|t| t.iter().all(theme_complete))
            && self.members.iter().all(member_complete)
            && self.sources.iter().all(source_complete);
        match self {
            ThemesParts {
                themes: Some(themes),
                members,
                sources,
                ..
            } if complete => Ok(Themes {
                themes: themes
                    .into_iter()
                    .filter_map(|t| {
                        Some(Theme {
                            key: t.key?,
                            name: t.name?,
                            colour: t.colour?,
                            description: t.description,
                            public_owners: t.public_owners.unwrap_or(false),
                        })
                    })
                    .collect(),
                members: members
                    .into_iter()
                    .filter_map(|m| {
                        Some(Member {
                            name: m.name?,
                            themes: m.themes.into_iter().flatten().collect(),
                        })
                    })
                    .collect(),
                sources: sources
                    .into_iter()
                    .filter_map(|s| {
                        Some(RecordSource {
                            key: s.key?,
                            name: s.name?,
                            description: s.description,
                            public: s.public.unwrap_or(false),
                        })
                    })
                    .collect(),
            }),
            parts => Err(Box::new(parts)),
        }
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

    /// Every source's key, when every key decoded: the sources records may name. `None` when some
    /// key did not decode, since a record's source could be that key.
    pub fn source_keys(&self) -> Option<Vec<&str>> {
        self.sources.iter().map(|s| s.key.as_deref()).collect()
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
            sources: t
                .sources
                .iter()
                .map(|s| SourceParts {
                    key: Some(s.key.clone()),
                    name: Some(s.name.clone()),
                    description: s.description.clone(),
                    public: Some(s.public),
                })
                .collect(),
            broken: BTreeSet::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> ActionParts {
        ActionParts {
            id: Some(7),
            title: Some("T".into()),
            theme: Some("x".into()),
            raised: Some(LogDate::parse("2019-01").unwrap()),
            status: Some(Status::Closed),
            links: vec![Some(1), Some(2)],
            updates: vec![UpdateParts {
                date: None,
                text: Some("Withdrawn.".into()),
            }],
            ..ActionParts::default()
        }
    }

    #[test]
    fn parts_that_all_decoded_are_a_whole_record() {
        let a = parts().into_whole().unwrap();
        assert_eq!((a.id, a.links, a.updates.len()), (7, vec![1, 2], 1));
    }

    #[test]
    fn a_missing_item_or_a_broken_field_is_not_whole() {
        let mut p = parts();
        p.links = vec![Some(1), None];
        assert_eq!(p.clone().into_whole(), Err(Box::new(p)));
        let mut p = parts();
        p.broken.insert("owner".into());
        assert!(p.into_whole().is_err());
        let mut p = parts();
        p.updates[0].text = None;
        assert!(p.into_whole().is_err());
    }
}
