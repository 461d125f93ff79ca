//! The domain: actions, milestones and themes as plain data, with the pure rules about them. Nothing
//! here reads files, talks to git or prints.

mod date;
pub mod lifecycle;
mod parts;
mod status;
pub mod text;

pub use date::{DateError, Deadline, LogDate, DATE_PATTERN};
pub use parts::{
    ActionParts, MemberParts, MilestoneParts, SourceParts, ThemeParts, ThemesParts, UpdateParts,
};
pub use status::{MilestoneKind, MilestoneStatus, Status};

use schemars::JsonSchema;
use serde::Serialize;

/// The largest action number oslog accepts.
pub const MAX_ID: u32 = 999_999;

/// The JSON Schema pattern of a kebab-case key, the same rule as [`is_kebab`].
pub const KEBAB_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
/// The JSON Schema pattern of a theme colour, the same rule as [`is_colour`].
pub const COLOUR_PATTERN: &str = "^#[0-9a-fA-F]{6}$";
/// The JSON Schema pattern of a milestone id: a date, a dash and a kebab-case slug.
pub const MILESTONE_ID_PATTERN: &str = "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?-[a-z0-9]+(-[a-z0-9]+)*$";

/// One action of the log: `actions/NNN.yaml`.
// `serde(default)` on the lists only tells the JSON Schema that they are optional: the decoder in
// `store/decode.rs`, not serde, reads files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields, title = "oslog action")]
pub struct Action {
    /// The action's number; equals the file name.
    #[schemars(range(min = 1, max = MAX_ID))]
    pub id: u32,
    /// What was agreed, as minuted.
    #[schemars(length(min = 1))]
    pub title: String,
    /// The theme it is reported under: a key of themes.yaml.
    #[schemars(pattern(KEBAB_PATTERN))]
    pub theme: String,
    /// Who holds it; `withheld` where the source redacted the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The meeting that raised it: YYYY-MM or YYYY-MM-DD.
    pub raised: LogDate,
    /// When it is due: YYYY-MM, YYYY-MM-DD, or `monthly`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    /// Where it stands.
    pub status: Status,
    /// The meeting at which members signed completion off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_off: Option<LogDate>,
    /// Related actions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(range(min = 1, max = MAX_ID)))]
    pub links: Vec<u32>,
    /// The actions this one continues under.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(range(min = 1, max = MAX_ID)))]
    pub merged_into: Vec<u32>,
    /// The action this one repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("minimum" = 1, "maximum" = MAX_ID))]
    pub duplicate_of: Option<u32>,
    /// Numbers it had before a renumbering.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(range(min = 1, max = MAX_ID)))]
    pub formerly: Vec<u32>,
    /// Artefacts (papers) that answer it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(range(min = 1, max = MAX_ID)))]
    pub artefacts: Vec<u32>,
    /// Where the record came from: a key of the sources in themes.yaml.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(KEBAB_PATTERN))]
    pub source: Option<String>,
    /// Progress, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updates: Vec<Update>,
}

/// The field names of an action, in canonical order.
pub const ACTION_FIELDS: &[&str] = &[
    "id",
    "title",
    "theme",
    "owner",
    "raised",
    "deadline",
    "status",
    "signed_off",
    "links",
    "merged_into",
    "duplicate_of",
    "formerly",
    "artefacts",
    "source",
    "updates",
];

/// A dated (or undated) paragraph of progress on an action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Update {
    /// When: YYYY-MM or YYYY-MM-DD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<LogDate>,
    /// What happened.
    #[schemars(length(min = 1))]
    pub text: String,
}

/// The field names of an update, in canonical order.
pub const UPDATE_FIELDS: &[&str] = &["date", "text"];

impl Action {
    /// The canonical file name: the number zero-padded to three digits.
    pub fn file_name(id: u32) -> String {
        format!("{id:03}.yaml")
    }

    /// Every action number this action refers to, with the field that holds it.
    pub fn references(&self) -> impl Iterator<Item = (&'static str, u32)> + '_ {
        let links = self.links.iter().map(|n| ("links", *n));
        let merged = self.merged_into.iter().map(|n| ("merged_into", *n));
        links
            .chain(merged)
            .chain(self.duplicate_of.map(|n| ("duplicate_of", n)))
    }

    /// Put an update in its place in date order, and return its index: before the first update dated
    /// wholly after it, otherwise last. Undated updates keep their places, and an update dated like
    /// others goes after them, as if appended then.
    pub fn insert_update(&mut self, u: Update) -> usize {
        let at = u
            .date
            .and_then(|d| {
                self.updates
                    .iter()
                    .position(|x| x.date.is_some_and(|x| d.wholly_before(&x)))
            })
            .unwrap_or(self.updates.len());
        self.updates.insert(at, u);
        at
    }

    /// Whether `other` is this same record, perhaps changed (same title and `raised`), rather than a
    /// different action that happens to have the same number: how a number collision between
    /// branches, or a conflict of two added files, tells one record from two.
    pub fn same_record(&self, other: &Action) -> bool {
        self.title == other.title && self.raised == other.raised
    }

    /// Whether the action is past its deadline on `today` and still in its owner's hands (not
    /// started or ongoing): one proposed complete awaits sign-off instead.
    pub fn is_overdue(&self, today: chrono::NaiveDate) -> bool {
        self.status.is_in_hand()
            && matches!(self.deadline, Some(Deadline::Date(d)) if d.last_day() < today)
    }
}

/// One milestone of the timeline: `timeline/<date>-<slug>.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields, title = "oslog milestone")]
pub struct Milestone {
    /// The file's stem: the milestone's date, a dash and a kebab-case slug.
    #[schemars(pattern(MILESTONE_ID_PATTERN))]
    pub id: String,
    /// When: YYYY-MM or YYYY-MM-DD; equals the id's date.
    pub date: LogDate,
    /// What the milestone is.
    pub kind: MilestoneKind,
    /// What happens.
    #[schemars(length(min = 1))]
    pub title: String,
    /// The text the milestone was taken from, verbatim (such as a row of a published timetable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who delivers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    /// Where it stands.
    pub status: MilestoneStatus,
    /// The actions that feed it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(range(min = 1, max = MAX_ID)))]
    pub actions: Vec<u32>,
    /// Where the record came from: a key of the sources in themes.yaml.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(KEBAB_PATTERN))]
    pub source: Option<String>,
}

impl Milestone {
    /// Whether `other` is this same milestone, perhaps changed (same title and date), rather than a
    /// different one under the same id.
    pub fn same_record(&self, other: &Milestone) -> bool {
        self.title == other.title && self.date == other.date
    }
}

/// The field names of a milestone, in canonical order.
pub const MILESTONE_FIELDS: &[&str] = &[
    "id",
    "date",
    "kind",
    "title",
    "description",
    "by",
    "objective",
    "status",
    "actions",
    "source",
];

/// The error for a field that neither an action nor a milestone has (such as a filter's
/// `--field stauts`), with the nearest field; `None` for a field of either.
pub fn unknown_field(field: &str) -> Option<String> {
    let fields = || {
        ACTION_FIELDS
            .iter()
            .chain(MILESTONE_FIELDS)
            .copied()
            .filter(|f| *f != "id")
    };
    if fields().any(|f| f == field) {
        return None;
    }
    let hint = match closest(field, fields()) {
        Some(f) => format!("did you mean `{f}`?"),
        None => {
            let mut all: Vec<&str> = fields().collect();
            all.sort_unstable();
            all.dedup();
            format!("the fields are: {}", all.join(", "))
        }
    };
    Some(format!("unknown field `{field}`; {hint}"))
}

/// Split a milestone id into its date and slug, if it has the form `YYYY-MM[-DD]-slug`.
pub fn split_milestone_id(id: &str) -> Option<(LogDate, &str)> {
    let try_split = |n: usize| -> Option<(LogDate, &str)> {
        let (date, rest) = (id.get(..n)?, id.get(n..)?);
        let slug = rest.strip_prefix('-')?;
        Some((LogDate::parse(date).ok()?, slug))
    };
    let (date, slug) = try_split(10).or_else(|| try_split(7))?;
    is_kebab(slug).then_some((date, slug))
}

/// Whether `s` is kebab-case: lower-case ASCII letters and digits in words joined by single dashes.
pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// One theme of `themes.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Theme {
    /// The key actions use; kebab-case, unique.
    #[schemars(pattern(KEBAB_PATTERN))]
    pub key: String,
    /// The name shown in reports.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The colour in terminal and HTML output: #rrggbb.
    #[schemars(pattern(COLOUR_PATTERN))]
    pub colour: String,
    /// What the theme covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the owners of this theme's actions may be named in public reports (`--public`);
    /// withheld unless true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public_owners: bool,
}

/// The field names of a theme, in canonical order.
pub const THEME_FIELDS: &[&str] = &["key", "name", "colour", "description", "public_owners"];

/// A member of the forum who follows some themes, for `oslog report digest --member NAME`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Member {
    /// The member's name, as given to `--member`.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The keys of the themes the member follows.
    #[schemars(inner(pattern(KEBAB_PATTERN)))]
    pub themes: Vec<String>,
}

/// A source that records are taken from (a document, a set of minutes), declared in `themes.yaml`
/// so that each record can say where it came from and public documents can leave out what may not
/// be published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RecordSource {
    /// The key records use in `source`; kebab-case, unique.
    #[schemars(pattern(KEBAB_PATTERN))]
    pub key: String,
    /// What the source is.
    #[schemars(length(min = 1))]
    pub name: String,
    /// More about it, such as the terms on which it was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether public documents (`--public`) may carry the records taken from it; left out unless
    /// true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
}

/// The field names of a source, in canonical order.
pub const SOURCE_FIELDS: &[&str] = &["key", "name", "description", "public"];

/// The top-level field names of `themes.yaml`, in canonical order.
pub const THEMES_FILE_FIELDS: &[&str] = &["themes", "members", "sources"];

/// The field names of a member, in canonical order.
pub const MEMBER_FIELDS: &[&str] = &["name", "themes"];

/// The contents of `themes.yaml`: the themes in report order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields, title = "oslog themes")]
pub struct Themes {
    /// The themes, in the order reports use.
    #[schemars(length(min = 1))]
    pub themes: Vec<Theme>,
    /// The members who registered the themes they follow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
    /// The sources records may name in `source`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<RecordSource>,
}

impl Themes {
    /// The theme with this key.
    pub fn get(&self, key: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.key == key)
    }

    /// The position of a theme in report order; unknown themes sort last.
    pub fn order(&self, key: &str) -> usize {
        self.themes
            .iter()
            .position(|t| t.key == key)
            .unwrap_or(usize::MAX)
    }

    /// What to suggest for a theme key that is not one of these: the key of a theme with that
    /// name, or the nearest key, or the list of keys.
    pub fn hint_for(&self, key: &str) -> String {
        let themes: Vec<(&str, Option<&str>)> = self
            .themes
            .iter()
            .map(|t| (t.key.as_str(), Some(t.name.as_str())))
            .collect();
        theme_hint(key, &themes)
    }

    /// The error for an unknown theme key, with [`Themes::hint_for`]; `None` when the key is known.
    pub fn unknown(&self, key: &str) -> Option<String> {
        self.get(key)
            .is_none()
            .then(|| format!("unknown theme `{key}`; {}", self.hint_for(key)))
    }

    /// The error for a record's source that is not declared, with [`source_hint`]; `None` when it
    /// is declared or there is none.
    pub fn unknown_source(&self, source: Option<&str>) -> Option<String> {
        let keys: Vec<&str> = self.sources.iter().map(|s| s.key.as_str()).collect();
        let key = source.filter(|k| !keys.contains(k))?;
        Some(format!(
            "unknown source `{key}`; {}",
            source_hint(key, &keys)
        ))
    }

    /// Whether a record from `source` may appear in a public document: one that names no source, or
    /// a source declared `public: true`. A source that is not declared is not public, nor is one
    /// declared twice unless both say so.
    pub fn publishable(&self, source: Option<&str>) -> bool {
        source.is_none_or(|key| {
            let mut declared = self.sources.iter().filter(|s| s.key == key).peekable();
            declared.peek().is_some() && declared.all(|s| s.public)
        })
    }

    /// The member with this name (compared without regard to case).
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.name.to_lowercase() == name.to_lowercase())
    }
}

/// What to suggest for `key` among themes given as (key, name where known): the key of a theme with
/// that name, or the nearest key, or the list of keys.
pub fn theme_hint(key: &str, themes: &[(&str, Option<&str>)]) -> String {
    let keys = themes.iter().map(|(k, _)| *k);
    let by_name = themes
        .iter()
        .find(|(_, name)| name.is_some_and(|n| n.eq_ignore_ascii_case(key)))
        .map(|(k, _)| *k);
    match by_name.or_else(|| closest(key, keys.clone())) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!("the themes are: {}", keys.collect::<Vec<_>>().join(", ")),
    }
}

/// What to suggest for a source `key` that is not among the declared `keys`: the nearest key, or
/// the list of keys, or where to declare it.
pub fn source_hint(key: &str, keys: &[&str]) -> String {
    match closest(key, keys.iter().copied()) {
        Some(k) => format!("did you mean `{k}`?"),
        None if keys.is_empty() => {
            "no sources are declared; declare it under `sources:` in themes.yaml".to_string()
        }
        None => format!("the sources are: {}", keys.join(", ")),
    }
}

/// Whether `s` is a colour of the form `#rrggbb`.
pub fn is_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The closest of `candidates` to `word`, if one is close enough to suggest.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A minimal action for tests: raised January 2019, theme `x`, no deadline.
#[cfg(test)]
pub(crate) fn sample(id: u32, status: Status) -> Action {
    Action {
        id,
        title: "t".into(),
        theme: "x".into(),
        owner: None,
        raised: LogDate::parse("2019-01").unwrap(),
        deadline: None,
        status,
        signed_off: None,
        links: vec![],
        merged_into: vec![],
        duplicate_of: None,
        formerly: vec![],
        artefacts: vec![],
        source: None,
        updates: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_pad_to_three_digits() {
        assert_eq!(Action::file_name(7), "007.yaml");
        assert_eq!(Action::file_name(139), "139.yaml");
        assert_eq!(Action::file_name(1000), "1000.yaml");
    }

    #[test]
    fn milestone_ids() {
        let (d, slug) = split_milestone_id("2019-09-open-space-annual-report").unwrap();
        assert_eq!(
            (d.to_string().as_str(), slug),
            ("2019-09", "open-space-annual-report")
        );
        let (d, slug) = split_milestone_id("2019-05-14-workshop-5").unwrap();
        assert_eq!((d.to_string().as_str(), slug), ("2019-05-14", "workshop-5"));
        assert!(split_milestone_id("2019-09").is_none());
        assert!(split_milestone_id("2019-09-Annual").is_none());
        assert!(split_milestone_id("annual-2019").is_none());
        assert!(split_milestone_id("2019-02-30-x")
            .is_some_and(|(d, s)| d.to_string() == "2019-02" && s == "30-x"));
    }

    #[test]
    fn kebab_and_colour() {
        assert!(is_kebab("data-sharing"));
        assert!(
            !is_kebab("Data-sharing")
                && !is_kebab("data--sharing")
                && !is_kebab("-x")
                && !is_kebab("")
        );
        assert!(
            is_colour("#2ca02c")
                && !is_colour("2ca02c")
                && !is_colour("#2ca02g")
                && !is_colour("#fff")
        );
    }

    #[test]
    fn closest_suggests_near_words() {
        assert_eq!(
            closest("data-shring", ["data-sharing", "governance"]),
            Some("data-sharing")
        );
        assert_eq!(closest("zzz", ["data-sharing", "governance"]), None);
    }

    #[test]
    fn updates_are_inserted_in_date_order_around_undated_ones() {
        let u = |d: Option<&str>, t: &str| Update {
            date: d.map(|d| LogDate::parse(d).unwrap()),
            text: t.into(),
        };
        let mut a = sample(1, Status::Ongoing);
        a.updates = vec![
            u(None, "a"),
            u(Some("2019-04-09"), "b"),
            u(None, "c"),
            u(Some("2019-06"), "d"),
        ];
        assert_eq!(a.insert_update(u(Some("2019-05-01"), "e")), 3);
        assert_eq!(
            a.insert_update(u(Some("2019-06-15"), "f")),
            5,
            "after its month"
        );
        assert_eq!(a.insert_update(u(Some("2019-07-01"), "g")), 6);
        assert_eq!(
            a.insert_update(u(Some("2019-01"), "h")),
            1,
            "before the first dated"
        );
        assert_eq!(a.insert_update(u(None, "i")), 8, "undated: last");
        let texts: String = a.updates.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(texts, "ahbcedfgi");
    }

    #[test]
    fn only_a_source_declared_public_is_publishable() {
        let source = |key: &str, public| RecordSource {
            key: key.into(),
            name: key.into(),
            description: None,
            public,
        };
        let themes = Themes {
            sources: vec![
                source("minutes", true),
                source("paper", false),
                source("twice", true),
                source("twice", false),
            ],
            ..Themes::default()
        };
        assert!(themes.publishable(None), "a record of the log's own");
        assert!(themes.publishable(Some("minutes")));
        assert!(!themes.publishable(Some("paper")));
        assert!(!themes.publishable(Some("undeclared")));
        assert!(!themes.publishable(Some("twice")));
        assert!(!Themes::default().publishable(Some("minutes")));
    }

    #[test]
    fn overdue_needs_an_open_status_and_a_past_deadline() {
        let mut a = sample(1, Status::Ongoing);
        a.deadline = Some(Deadline::parse("2019-07").unwrap());
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(!a.is_overdue(d("2019-07-31")));
        assert!(a.is_overdue(d("2019-08-01")));
        a.status = Status::Complete;
        assert!(!a.is_overdue(d("2019-08-01")));
        a.status = Status::ProposedComplete;
        assert!(!a.is_overdue(d("2019-08-01")), "awaiting sign-off");
        a.status = Status::Ongoing;
        a.deadline = Some(Deadline::Monthly);
        assert!(!a.is_overdue(d("2030-01-01")));
    }
}
