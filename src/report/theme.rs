//! A theme and an owner as every report shows them: the themes in themes.yaml order (then any theme
//! an action names that themes.yaml lacks), and owners withheld in the public version.

use crate::model::{Action, Themes};
use serde::Serialize;

/// A theme as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThemeInfo {
    pub key: String,
    pub name: String,
    pub colour: String,
}

/// The themes of themes.yaml in order, then any theme an action names that themes.yaml lacks.
pub fn theme_infos(themes: &Themes, actions: &[&Action]) -> Vec<ThemeInfo> {
    let mut infos: Vec<ThemeInfo> = themes
        .themes
        .iter()
        .map(|t| ThemeInfo {
            key: t.key.clone(),
            name: t.name.clone(),
            colour: t.colour.clone(),
        })
        .collect();
    for a in actions {
        if !infos.iter().any(|t| t.key == a.theme) {
            infos.push(ThemeInfo {
                key: a.theme.clone(),
                name: a.theme.clone(),
                colour: "#777777".into(),
            });
        }
    }
    infos
}

/// An action's owner as a report shows it: "withheld" in public mode unless the theme's owners are
/// public.
pub fn owner(themes: &Themes, a: &Action, public: bool) -> String {
    let owner_public = themes.get(&a.theme).is_some_and(|t| t.public_owners);
    match &a.owner {
        Some(_) if public && !owner_public => "withheld".to_string(),
        Some(o) => o.clone(),
        None => String::new(),
    }
}
