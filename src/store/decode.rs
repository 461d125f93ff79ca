//! Turning a YAML [`Node`] tree into model records, reporting every problem in the file rather than the
//! first. A record comes back as its parts ([`ActionParts`] and the like): every field that decoded,
//! even when others did not, and the fields that gave a finding. With them come [`Spans`]: the
//! position of every field and list item, so that later rules can point at the exact line.

use super::yaml::{Kind, Node, Style};
use crate::diag::{Code, Diagnostic, Pos};
use crate::model::{
    closest, is_colour, is_kebab, ActionParts, Deadline, LogDate, MemberParts, MilestoneKind,
    MilestoneParts, MilestoneStatus, SourceParts, Status, ThemeParts, ThemesParts, UpdateParts,
    ACTION_FIELDS, MAX_ID, MEMBER_FIELDS, MILESTONE_FIELDS, SOURCE_FIELDS, THEMES_FILE_FIELDS,
    THEME_FIELDS, UPDATE_FIELDS,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Where each field of a record starts, keyed by a path such as `status`, `links[1]` or `updates[0].date`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spans {
    map: BTreeMap<String, Pos>,
}

impl Spans {
    /// The position of a field or item, falling back to the record's start.
    pub fn get(&self, path: &str) -> Pos {
        self.map
            .get(path)
            .or_else(|| self.map.get(""))
            .copied()
            .unwrap_or(Pos::new(1, 1))
    }

    /// Whether no position is known: a record answered from the log's index, not parsed.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn set(&mut self, path: impl Into<String>, pos: Pos) {
        self.map.insert(path.into(), pos);
    }
}

/// Collects findings for one file while decoding it.
pub struct Decoder<'a> {
    file: &'a Path,
    pub diags: Vec<Diagnostic>,
    pub spans: Spans,
    /// The paths of the fields that are present but gave a finding.
    broken: BTreeSet<String>,
}

/// The fields of one mapping, after unknown and duplicate keys were reported.
struct Fields<'n> {
    entries: Vec<(&'n str, &'n Node)>,
    pos: Pos,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_null())
    }
}

impl<'a> Decoder<'a> {
    /// A decoder for findings in `file` (relative to the log root).
    pub fn new(file: &'a Path) -> Self {
        Decoder {
            file,
            diags: Vec::new(),
            spans: Spans::default(),
            broken: BTreeSet::new(),
        }
    }

    fn report(&mut self, code: Code, pos: Pos, message: String) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::new(code, self.file, Some(pos), message));
        self.diags.last_mut().expect("just pushed")
    }

    fn wrong_type(&mut self, path: &str, node: &Node, expected: &str) {
        let found = node.describe();
        let hint = match (&node.kind, expected) {
            (
                Kind::Scalar {
                    style: Style::Plain,
                    ..
                },
                "a string",
            ) => Some("put the value in double quotes"),
            (
                Kind::Scalar {
                    style: Style::Quoted,
                    ..
                },
                e,
            ) if e.contains("number") => Some("remove the quotes"),
            _ => None,
        };
        let d = self.report(
            Code::WrongType,
            node.pos,
            format!("`{path}` should be {expected}, found {found}"),
        );
        d.hint = hint.map(String::from);
    }

    /// Check a mapping's keys against `known`: report non-string, duplicate and unknown keys.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        known: &[&str],
        what: &str,
    ) -> Option<Fields<'n>> {
        let Kind::Map(entries) = &node.kind else {
            let found = node.describe();
            let where_ = if path.is_empty() {
                "the document".to_string()
            } else {
                format!("`{path}`")
            };
            self.report(
                Code::NotAMapping,
                node.pos,
                format!("{where_} should be {what} (a mapping of keys), found {found}"),
            );
            return None;
        };
        let mut out: Vec<(&'n str, &'n Node)> = Vec::new();
        for (k, v) in entries {
            let key = match &k.kind {
                Kind::Scalar { text, .. } => text.as_str(),
                _ => {
                    self.report(
                        Code::WrongType,
                        k.pos,
                        format!("a key in {what} should be a name, found {}", k.describe()),
                    );
                    continue;
                }
            };
            let full = join(path, key);
            if out.iter().any(|(seen, _)| *seen == key) {
                let line = self.spans.get(&full).line;
                self.report(
                    Code::DuplicateKey,
                    k.pos,
                    format!("duplicate key `{key}` (first at line {line})"),
                )
                .hint = Some("keep one of them; YAML readers disagree on which wins".into());
                continue;
            }
            if !known.contains(&key) {
                let d = self.report(
                    Code::UnknownField,
                    k.pos,
                    format!("unknown field `{key}` in {what}"),
                );
                d.hint = Some(match closest(key, known.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("the fields are: {}", known.join(", ")),
                });
                continue;
            }
            // Point at a scalar's value, and at the key of a list or mapping.
            let at = if matches!(v.kind, Kind::Scalar { .. }) && !v.is_null() {
                v.pos
            } else {
                k.pos
            };
            self.spans.set(full, at);
            out.push((key, v));
        }
        Some(Fields {
            entries: out,
            pos: node.pos,
        })
    }

    /// Read `node`, the value at `path`, with `read`; a value that gives a finding is noted as
    /// broken, so that no rule takes it for an absent one.
    fn read<T>(
        &mut self,
        path: &str,
        node: &Node,
        read: impl FnOnce(&mut Self, &str, &Node) -> Option<T>,
    ) -> Option<T> {
        let before = self.diags.len();
        let value = read(self, path, node);
        if self.diags.len() > before {
            self.broken.insert(path.to_string());
        }
        value
    }

    /// Read the required field `key` of `f` with `read`, reporting it when it is absent or empty.
    fn required<T>(
        &mut self,
        f: &Fields,
        path: &str,
        key: &str,
        what: &str,
        read: impl FnOnce(&mut Self, &str, &Node) -> Option<T>,
    ) -> Option<T> {
        let full = join(path, key);
        let Some(node) = f.get(key) else {
            let present = f.entries.iter().any(|(k, _)| *k == key);
            let (msg, pos) = if present {
                (format!("`{full}` is empty"), self.spans.get(&full))
            } else {
                (format!("missing required field `{full}` in {what}"), f.pos)
            };
            self.report(Code::MissingField, pos, msg);
            return None;
        };
        self.read(&full, node, read)
    }

    fn string(&mut self, path: &str, node: &Node) -> Option<String> {
        match &node.kind {
            Kind::Scalar { text, style }
                if *style != Style::Plain || node.describe() == "a string" =>
            {
                if crate::model::text::is_blank(text) {
                    self.report(Code::EmptyText, node.pos, format!("`{path}` is blank"));
                    return None;
                }
                Some(text.clone())
            }
            _ => {
                self.wrong_type(path, node, "a string");
                None
            }
        }
    }

    fn word(&mut self, path: &str, node: &Node) -> Option<String> {
        match &node.kind {
            Kind::Scalar { text, .. } => Some(text.clone()),
            _ => {
                self.wrong_type(path, node, "a single word");
                None
            }
        }
    }

    fn number(&mut self, path: &str, node: &Node) -> Option<u32> {
        let Kind::Scalar { text, style } = &node.kind else {
            self.wrong_type(path, node, "an action number");
            return None;
        };
        if *style != Style::Plain {
            self.wrong_type(path, node, "an action number (a whole number)");
            return None;
        }
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        let value = text.parse::<u64>().ok().filter(|_| digits);
        match value {
            Some(n) if (1..=MAX_ID as u64).contains(&n) && !text.starts_with('0') => Some(n as u32),
            Some(n) if text.starts_with('0') && n > 0 && n <= MAX_ID as u64 => {
                self.report(
                    Code::InvalidId,
                    node.pos,
                    format!("`{path}` is written `{text}` with a leading zero"),
                )
                .hint = Some(format!(
                    "write {n}; some YAML readers take a leading zero as octal"
                ));
                None
            }
            _ => {
                let d = self.report(
                    Code::InvalidId,
                    node.pos,
                    format!("`{path}` is `{text}`, not a whole number from 1 to {MAX_ID}"),
                );
                if text.contains(['e', 'E', 'x', 'X', '.', '_']) {
                    d.hint = Some("write the number in plain decimal digits".into());
                }
                None
            }
        }
    }

    /// Decode each item of the list `node` (at `path`) with `item`, each in its place; a value that
    /// is not a list is reported as `wrong-type` (it should be `what`) and gives no items.
    fn items<T>(
        &mut self,
        path: &str,
        node: &Node,
        what: &str,
        mut item: impl FnMut(&mut Self, &str, &Node) -> T,
    ) -> Vec<T> {
        let Kind::Seq(items) = &node.kind else {
            self.wrong_type(path, node, what);
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let p = format!("{path}[{i}]");
                self.spans.set(p.clone(), node.pos);
                item(self, &p, node)
            })
            .collect()
    }

    /// A list of numbers, each item in its place (`None` where it did not decode).
    fn numbers(&mut self, path: &str, node: &Node) -> Vec<Option<u32>> {
        // A single number where a list belongs: the intent is plain, so the hint shows the shape.
        let what = match node.kind {
            Kind::Scalar { .. } => "a list of action numbers, such as [21, 24]",
            _ => "a list of action numbers",
        };
        self.items(path, node, what, Self::number)
    }

    fn date(&mut self, path: &str, node: &Node) -> Option<LogDate> {
        let text = self.date_text(path, node)?;
        match LogDate::parse(&text) {
            Ok(d) => Some(d),
            Err(e) => {
                let msg = format!("`{path}`: {}", e.message);
                self.report(Code::InvalidDate, node.pos, msg).hint = e.hint;
                None
            }
        }
    }

    fn date_text(&mut self, path: &str, node: &Node) -> Option<String> {
        match &node.kind {
            Kind::Scalar { text, .. } => Some(text.clone()),
            _ => {
                self.wrong_type(path, node, "a date (YYYY-MM or YYYY-MM-DD)");
                None
            }
        }
    }

    fn optional<T>(
        &mut self,
        f: &Fields,
        path: &str,
        key: &str,
        read: impl FnOnce(&mut Self, &str, &Node) -> Option<T>,
    ) -> Option<T> {
        let node = f.get(key)?;
        self.read(&join(path, key), node, read)
    }

    /// An optional list of numbers: empty when absent.
    fn number_list(&mut self, f: &Fields, key: &str) -> Vec<Option<u32>> {
        self.optional(f, "", key, |d, p, n| Some(d.numbers(p, n)))
            .unwrap_or_default()
    }

    /// Decode an action file: its parts, or `None` when the document is not a mapping.
    pub fn action(&mut self, root: &Node) -> Option<ActionParts> {
        self.spans.set("", root.pos);
        let f = self.fields(root, "", ACTION_FIELDS, "an action")?;
        let what = "an action";
        let mut a = ActionParts {
            id: self.required(&f, "", "id", what, Self::number),
            title: self.required(&f, "", "title", what, Self::string),
            theme: self.required(&f, "", "theme", what, Self::word),
            raised: self.required(&f, "", "raised", what, Self::date),
            status: self.required(&f, "", "status", what, |d, _, n| d.status(n)),
            owner: self.optional(&f, "", "owner", Self::string),
            deadline: self.optional(&f, "", "deadline", |d, p, n| {
                let text = d.date_text(p, n)?;
                Deadline::parse(&text)
                    .map_err(|e| {
                        d.report(Code::InvalidDate, n.pos, format!("`{p}`: {}", e.message))
                            .hint = e.hint
                    })
                    .ok()
            }),
            signed_off: self.optional(&f, "", "signed_off", Self::date),
            links: self.number_list(&f, "links"),
            merged_into: self.number_list(&f, "merged_into"),
            duplicate_of: self.optional(&f, "", "duplicate_of", Self::number),
            formerly: self.number_list(&f, "formerly"),
            artefacts: self.number_list(&f, "artefacts"),
            source: self.optional(&f, "", "source", Self::word),
            updates: self
                .optional(&f, "", "updates", |d, p, n| Some(d.updates(p, n)))
                .unwrap_or_default(),
            broken: BTreeSet::new(),
        };
        a.broken = std::mem::take(&mut self.broken);
        Some(a)
    }

    fn status(&mut self, node: &Node) -> Option<Status> {
        let text = self.word("status", node)?;
        Status::parse(&text).or_else(|| {
            let d = self.report(
                Code::UnknownStatus,
                node.pos,
                format!(
                    "unknown status `{text}`; the statuses are {}",
                    Status::choices()
                ),
            );
            if let Some(s) = Status::from_alias(&text) {
                d.hint = Some(format!("did you mean `{s}`?"));
            }
            None
        })
    }

    /// Decode the updates list, each item in its place.
    fn updates(&mut self, path: &str, node: &Node) -> Vec<UpdateParts> {
        let what = "a list of updates (`- text: …`)";
        self.items(path, node, what, |d, p, item| {
            let Some(f) = d.fields(item, p, UPDATE_FIELDS, "an update") else {
                return UpdateParts::default();
            };
            UpdateParts {
                date: d.optional(&f, p, "date", Self::date),
                text: d.required(&f, p, "text", "an update", Self::string),
            }
        })
    }

    /// Decode a milestone file: its parts, or `None` when the document is not a mapping.
    pub fn milestone(&mut self, root: &Node) -> Option<MilestoneParts> {
        self.spans.set("", root.pos);
        let f = self.fields(root, "", MILESTONE_FIELDS, "a milestone")?;
        let what = "a milestone";
        let id = self.required(&f, "", "id", what, Self::string);
        let date = self.required(&f, "", "date", what, Self::date);
        let kind = self.required(&f, "", "kind", what, |d, p, n| {
            let text = d.word(p, n)?;
            MilestoneKind::parse(&text).or_else(|| {
                let r = d.report(
                    Code::UnknownKind,
                    n.pos,
                    format!(
                        "unknown kind `{text}`; the kinds are {}",
                        MilestoneKind::choices()
                    ),
                );
                r.hint = closest(&text, MilestoneKind::ALL.iter().map(|k| k.as_str()))
                    .map(|k| format!("did you mean `{k}`?"));
                None
            })
        });
        let title = self.required(&f, "", "title", what, Self::string);
        let status = self.required(&f, "", "status", what, |d, p, n| {
            let text = d.word(p, n)?;
            MilestoneStatus::parse(&text).or_else(|| {
                let r = d.report(
                    Code::UnknownStatus,
                    n.pos,
                    format!(
                        "unknown status `{text}`; a milestone's statuses are {}",
                        MilestoneStatus::choices()
                    ),
                );
                r.hint = closest(&text, MilestoneStatus::ALL.iter().map(|k| k.as_str()))
                    .map(|k| format!("did you mean `{k}`?"));
                None
            })
        });
        Some(MilestoneParts {
            id,
            date,
            kind,
            title,
            description: self.optional(&f, "", "description", Self::string),
            by: self.optional(&f, "", "by", Self::string),
            objective: self.optional(&f, "", "objective", Self::string),
            status,
            actions: self.number_list(&f, "actions"),
            source: self.optional(&f, "", "source", Self::word),
            broken: std::mem::take(&mut self.broken),
        })
    }

    /// Decode `themes.yaml`: its parts, or `None` when the document is not a mapping.
    pub fn themes(&mut self, root: &Node) -> Option<ThemesParts> {
        self.spans.set("", root.pos);
        let f = self.fields(root, "", THEMES_FILE_FIELDS, "themes.yaml")?;
        let themes = self.required(&f, "", "themes", "themes.yaml", |d, p, list| {
            let is_list = matches!(list.kind, Kind::Seq(_));
            let themes = d.items(p, list, "a list of themes", Self::theme);
            if is_list && themes.is_empty() {
                d.report(
                    Code::NoThemes,
                    list.pos,
                    "themes.yaml defines no themes".into(),
                );
            }
            is_list.then_some(themes)
        });
        let members = self
            .optional(&f, "", "members", |d, p, n| Some(d.members(p, n)))
            .unwrap_or_default();
        let sources = self
            .optional(&f, "", "sources", |d, p, n| Some(d.sources(p, n)))
            .unwrap_or_default();
        Some(ThemesParts {
            themes,
            members,
            sources,
            broken: std::mem::take(&mut self.broken),
        })
    }

    fn members(&mut self, path: &str, list: &Node) -> Vec<MemberParts> {
        self.items(path, list, "a list of members", |d, p, item| {
            let Some(f) = d.fields(item, p, MEMBER_FIELDS, "a member") else {
                return MemberParts::default();
            };
            let words = |d: &mut Self, p: &str, n: &Node| {
                let what = "a list, such as [governance, data-sharing]";
                Some(d.items(p, n, what, Self::word))
            };
            MemberParts {
                name: d.required(&f, p, "name", "a member", Self::string),
                themes: d
                    .required(&f, p, "themes", "a member", words)
                    .unwrap_or_default(),
            }
        })
    }

    fn sources(&mut self, path: &str, list: &Node) -> Vec<SourceParts> {
        self.items(path, list, "a list of sources", |d, p, item| {
            let Some(f) = d.fields(item, p, SOURCE_FIELDS, "a source") else {
                return SourceParts::default();
            };
            SourceParts {
                key: d.required(&f, p, "key", "a source", |d, path, n| {
                    d.key(path, n, Code::InvalidSourceKey, "source", "minutes-2019")
                }),
                name: d.required(&f, p, "name", "a source", Self::string),
                description: d.optional(&f, p, "description", Self::string),
                public: d.optional(&f, p, "public", Self::boolean),
            }
        })
    }

    /// A kebab-case key of a theme or a source (`what`); any other is reported as `code`, with
    /// `example` as a key to follow.
    fn key(
        &mut self,
        path: &str,
        node: &Node,
        code: Code,
        what: &str,
        example: &str,
    ) -> Option<String> {
        let k = self.word(path, node)?;
        if !is_kebab(&k) {
            self.report(
                code,
                node.pos,
                format!("{what} key `{k}` is not kebab-case"),
            )
            .hint = Some(format!(
                "use lower-case words joined by dashes, such as `{example}`"
            ));
            return None;
        }
        Some(k)
    }

    fn boolean(&mut self, path: &str, node: &Node) -> Option<bool> {
        match &node.kind {
            Kind::Scalar { text, style } if *style == Style::Plain && text == "true" => Some(true),
            Kind::Scalar { text, style } if *style == Style::Plain && text == "false" => {
                Some(false)
            }
            _ => {
                self.wrong_type(path, node, "true or false");
                None
            }
        }
    }

    fn theme(&mut self, p: &str, item: &Node) -> ThemeParts {
        let Some(f) = self.fields(item, p, THEME_FIELDS, "a theme") else {
            return ThemeParts::default();
        };
        let key = self.required(&f, p, "key", "a theme", |d, path, n| {
            d.key(path, n, Code::InvalidThemeKey, "theme", "data-sharing")
        });
        let name = self.required(&f, p, "name", "a theme", Self::string);
        let colour = self.required(&f, p, "colour", "a theme", |d, path, n| {
            let c = d.word(path, n)?;
            if !is_colour(&c) {
                d.report(
                    Code::InvalidColour,
                    n.pos,
                    format!("colour `{c}` is not of the form #rrggbb"),
                )
                .hint = Some("write six hexadecimal digits in quotes, such as \"#2ca02c\"".into());
                return None;
            }
            Some(c.to_ascii_lowercase())
        });
        if colour.is_none()
            && f.get("colour").is_none()
            && f.entries.iter().any(|(k, _)| *k == "colour")
        {
            // `colour: #9467bd` unquoted is an empty value followed by a comment.
            if let Some(d) = self.diags.last_mut() {
                d.hint = Some(
                    "`#` starts a comment in YAML; quote the colour, such as `colour: \"#9467bd\"`"
                        .into(),
                );
            }
        }
        ThemeParts {
            key,
            name,
            colour,
            description: self.optional(&f, p, "description", Self::string),
            public_owners: self.optional(&f, p, "public_owners", Self::boolean),
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::yaml;

    /// The whole action (if the text gives one) and the findings.
    fn decode(text: &str) -> (Option<crate::model::Action>, Vec<(Code, u32)>) {
        let doc = yaml::parse(text).unwrap();
        let mut d = Decoder::new(Path::new("actions/001.yaml"));
        let a = d.action(&doc.root).and_then(|p| p.into_whole().ok());
        (
            a,
            d.diags
                .iter()
                .map(|x| (x.code, x.line.unwrap_or(0)))
                .collect(),
        )
    }

    const OK: &str = "id: 1\ntitle: T\ntheme: governance\nraised: 2019-02\nstatus: ongoing\n";

    #[test]
    fn decodes_a_minimal_action() {
        let (a, diags) = decode(OK);
        assert_eq!(diags, vec![]);
        assert_eq!(a.unwrap().id, 1);
    }

    #[test]
    fn reports_every_problem_in_a_file() {
        let text = "id: 016\ntitle: [a]\ntheme: governance\nraised: 2019-02-30\nstatus: in progress\ndeadlin: 2019-07\nlinks: [\"2\", 3]\n";
        let (a, diags) = decode(text);
        assert!(a.is_none());
        assert_eq!(
            diags,
            vec![
                (Code::UnknownField, 6),
                (Code::InvalidId, 1),
                (Code::WrongType, 2),
                (Code::InvalidDate, 4),
                (Code::UnknownStatus, 5),
                (Code::WrongType, 7)
            ]
        );
    }

    #[test]
    fn a_file_with_errors_keeps_what_decoded() {
        let text = "id: 7\ntitle: \"\"\ntheme: governance\nraised: 2019-02\nstatus: closed\nlinks: [2, x, 3]\nmerged_into: 4\nupdates:\n  - date: 2019-13\n    text: a\n  - text: b\n";
        let doc = yaml::parse(text).unwrap();
        let mut d = Decoder::new(Path::new("actions/007.yaml"));
        let p = d.action(&doc.root).unwrap();
        assert_eq!((p.id, p.title.as_deref()), (Some(7), None));
        assert_eq!(p.theme.as_deref(), Some("governance"));
        assert_eq!(p.links, vec![Some(2), None, Some(3)]);
        assert!(p.merged_into.is_empty());
        assert_eq!(p.updates.len(), 2);
        assert_eq!(p.updates[1].text.as_deref(), Some("b"));
        let broken: Vec<&str> = p.broken.iter().map(String::as_str).collect();
        assert_eq!(
            broken,
            [
                "links",
                "merged_into",
                "title",
                "updates",
                "updates[0].date"
            ]
        );
        assert!(p.into_whole().is_err());
    }

    #[test]
    fn duplicate_keys_name_the_first_line() {
        let doc = yaml::parse(&format!("{OK}status: complete\n")).unwrap();
        let mut d = Decoder::new(Path::new("a"));
        d.action(&doc.root);
        assert_eq!(d.diags.len(), 1);
        assert_eq!(
            (d.diags[0].code, d.diags[0].line),
            (Code::DuplicateKey, Some(6))
        );
        assert!(
            d.diags[0].message.contains("first at line 5"),
            "{}",
            d.diags[0].message
        );
    }

    #[test]
    fn missing_and_empty_fields() {
        let (_, diags) = decode("id: 1\ntitle:\ntheme: governance\nstatus: ongoing\n");
        assert_eq!(
            diags,
            vec![(Code::MissingField, 2), (Code::MissingField, 1)]
        );
    }

    #[test]
    fn ids_must_be_plain_whole_numbers() {
        for bad in [
            "016",
            "1e3",
            "0x10",
            "-3",
            "0",
            "1.5",
            "99999999999",
            "\"16\"",
            "[16]",
        ] {
            let (a, diags) = decode(&OK.replace("id: 1", &format!("id: {bad}")));
            assert!(a.is_none(), "{bad}");
            assert!(
                matches!(diags[0].0, Code::InvalidId | Code::WrongType),
                "{bad}: {diags:?}"
            );
        }
    }

    #[test]
    fn strings_must_not_be_numbers_or_booleans() {
        let (_, diags) = decode(&format!("{OK}owner: 123\n"));
        assert_eq!(diags, vec![(Code::WrongType, 6)]);
        let (a, diags) = decode(&format!("{OK}owner: \"123\"\n"));
        assert_eq!((a.unwrap().owner.as_deref(), diags), (Some("123"), vec![]));
    }

    #[test]
    fn a_document_that_is_not_a_mapping() {
        let (_, diags) = decode("- id: 1\n");
        assert_eq!(diags, vec![(Code::NotAMapping, 1)]);
        let (_, diags) = decode(&format!("{OK}updates:\n  - just text\n"));
        assert_eq!(diags, vec![(Code::NotAMapping, 7)]);
    }

    #[test]
    fn milestone_and_theme_values() {
        let doc =
            yaml::parse("id: 2019-09-x\ndate: 2019-09\nkind: reprot\ntitle: T\nstatus: done\n")
                .unwrap();
        let mut d = Decoder::new(Path::new("t"));
        assert!(d.milestone(&doc.root).unwrap().into_whole().is_err());
        assert_eq!(d.diags[0].code, Code::UnknownKind);
        assert_eq!(d.diags[0].hint.as_deref(), Some("did you mean `report`?"));
        let doc = yaml::parse("themes:\n  - key: Data Sharing\n    name: D\n    colour: green\n")
            .unwrap();
        let mut d = Decoder::new(Path::new("themes.yaml"));
        assert!(d.themes(&doc.root).unwrap().into_whole().is_err());
        let c: Vec<Code> = d.diags.iter().map(|x| x.code).collect();
        assert_eq!(c, vec![Code::InvalidThemeKey, Code::InvalidColour]);
    }
}
