//! The rules that look across records: themes exist, references resolve, merges do not loop, ids are
//! unique, lists name each number once, and the warnings about dates, order and duplicates. Each
//! rule adds findings; none stops the others.
//!
//! The rules see every record file as far as it decoded: a whole record, or the parts of one with
//! errors ([`crate::store::Partial`]). So a file's unknown theme or dangling link is reported in the
//! same run as its unknown key. A rule checks only fields that decoded, and skips a record when a
//! field it rests on is missing or broken, so that no finding is reported falsely. The view borrows
//! from the records: checking a large log copies none of their text.

use crate::diag::{Code, Diagnostic, Pos};
use crate::model::{
    source_hint, theme_hint, Action, ActionParts, Deadline, LogDate, Milestone, MilestoneParts,
    Status, ThemesParts,
};
use crate::store::{Loaded, Log, Spans};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A list of numbers as the rules see it: a whole record's, or a record's parts with their gaps.
#[derive(Clone, Copy)]
enum Numbers<'a> {
    Whole(&'a [u32]),
    Parts(&'a [Option<u32>]),
}

impl<'a> Numbers<'a> {
    /// Each item in its place, `None` where it did not decode.
    fn iter(self) -> impl Iterator<Item = Option<u32>> + 'a {
        let (whole, parts): (&[u32], &[Option<u32>]) = match self {
            Numbers::Whole(w) => (w, &[]),
            Numbers::Parts(p) => (&[], p),
        };
        whole.iter().map(|n| Some(*n)).chain(parts.iter().copied())
    }

    fn is_empty(self) -> bool {
        match self {
            Numbers::Whole(w) => w.is_empty(),
            Numbers::Parts(p) => p.is_empty(),
        }
    }

    /// Each number that decoded, with the index of its first place and of every place: what is
    /// wrong with a number is said at its first place, a repeat at each later one.
    fn places(self) -> impl Iterator<Item = (usize, usize, u32)> + 'a {
        let mut first: HashMap<u32, usize> = HashMap::new();
        self.iter()
            .enumerate()
            .filter_map(move |(i, n)| n.map(|n| (*first.entry(n).or_insert(i), i, n)))
    }
}

/// An action file as the rules see it: where it is and where its fields are, and each field that
/// decoded.
struct Act<'a> {
    file: &'a Path,
    spans: &'a Spans,
    id: Option<u32>,
    title: Option<&'a str>,
    theme: Option<&'a str>,
    source: Option<&'a str>,
    raised: Option<LogDate>,
    deadline: Option<Deadline>,
    signed_off: Option<LogDate>,
    status: Option<Status>,
    links: Numbers<'a>,
    merged_into: Numbers<'a>,
    duplicate_of: Option<u32>,
    formerly: Numbers<'a>,
    artefacts: Numbers<'a>,
    /// Each update's date in its place: `None` when it has none, or it did not decode.
    dates: Vec<Option<LogDate>>,
    /// The fields present whose value gave a finding; none for a whole record.
    broken: Option<&'a BTreeSet<String>>,
}

impl<'a> Act<'a> {
    fn whole(l: &'a Loaded<Action>) -> Act<'a> {
        let a = &l.value;
        Act {
            file: &l.file,
            spans: &l.spans,
            id: Some(a.id),
            title: Some(&a.title),
            theme: Some(&a.theme),
            source: a.source.as_deref(),
            raised: Some(a.raised),
            deadline: a.deadline,
            signed_off: a.signed_off,
            status: Some(a.status),
            links: Numbers::Whole(&a.links),
            merged_into: Numbers::Whole(&a.merged_into),
            duplicate_of: a.duplicate_of,
            formerly: Numbers::Whole(&a.formerly),
            artefacts: Numbers::Whole(&a.artefacts),
            dates: a.updates.iter().map(|u| u.date).collect(),
            broken: None,
        }
    }

    fn parts(l: &'a Loaded<ActionParts>) -> Act<'a> {
        let a = &l.value;
        Act {
            file: &l.file,
            spans: &l.spans,
            id: a.id,
            title: a.title.as_deref(),
            theme: a.theme.as_deref(),
            source: a.source.as_deref(),
            raised: a.raised,
            deadline: a.deadline,
            signed_off: a.signed_off,
            status: a.status,
            links: Numbers::Parts(&a.links),
            merged_into: Numbers::Parts(&a.merged_into),
            duplicate_of: a.duplicate_of,
            formerly: Numbers::Parts(&a.formerly),
            artefacts: Numbers::Parts(&a.artefacts),
            dates: a.updates.iter().map(|u| u.date).collect(),
            broken: Some(&a.broken),
        }
    }

    /// Whether `field` is present in the file but gave a finding.
    fn is_broken(&self, field: &str) -> bool {
        self.broken.is_some_and(|b| b.contains(field))
    }

    /// The lists of numbers, by field.
    fn lists(&self) -> [(&'static str, Numbers<'a>); 4] {
        [
            ("links", self.links),
            ("merged_into", self.merged_into),
            ("formerly", self.formerly),
            ("artefacts", self.artefacts),
        ]
    }

    /// Every action number it refers to, once per field at its first place: (field, path, number).
    fn references(&self) -> impl Iterator<Item = (&'static str, String, u32)> + 'a {
        let firsts = |field: &'static str, list: Numbers<'a>| {
            list.places()
                .filter(|(first, i, _)| first == i)
                .map(move |(_, i, n)| (field, format!("{field}[{i}]"), n))
        };
        firsts("links", self.links)
            .chain(firsts("merged_into", self.merged_into))
            .chain(
                self.duplicate_of
                    .map(|n| ("duplicate_of", "duplicate_of".to_string(), n)),
            )
    }
}

/// A milestone file as the rules see it.
struct Mil<'a> {
    file: &'a Path,
    spans: &'a Spans,
    id: Option<&'a str>,
    actions: Numbers<'a>,
    source: Option<&'a str>,
}

impl<'a> Mil<'a> {
    fn whole(l: &'a Loaded<Milestone>) -> Mil<'a> {
        Mil {
            file: &l.file,
            spans: &l.spans,
            id: Some(&l.value.id),
            actions: Numbers::Whole(&l.value.actions),
            source: l.value.source.as_deref(),
        }
    }

    fn parts(l: &'a Loaded<MilestoneParts>) -> Mil<'a> {
        Mil {
            file: &l.file,
            spans: &l.spans,
            id: l.value.id.as_deref(),
            actions: Numbers::Parts(&l.value.actions),
            source: l.value.source.as_deref(),
        }
    }
}

/// themes.yaml as the rules see it.
struct ThemesFile<'a> {
    file: &'a Path,
    spans: &'a Spans,
    v: Cow<'a, ThemesParts>,
}

/// Every action and milestone file and themes.yaml, whole or in parts.
struct View<'a> {
    themes: Option<ThemesFile<'a>>,
    /// In order of id, then of file name, so that the first of two files with one id is the first
    /// by name.
    actions: Vec<Act<'a>>,
    milestones: Vec<Mil<'a>>,
    /// Every action number in the log: of the records, and of the files that did not load, by
    /// their names.
    ids: HashSet<u32>,
    /// Each former number and the lowest number of an action that lists it, for the hint of a
    /// dangling reference.
    moved: HashMap<u32, u32>,
}

impl<'a> View<'a> {
    fn of(log: &'a Log) -> View<'a> {
        let themes = match (&log.themes, &log.partial.themes) {
            (Some(t), _) => Some(ThemesFile {
                file: &t.file,
                spans: &t.spans,
                v: Cow::Owned((&t.value).into()),
            }),
            (None, Some(t)) => Some(ThemesFile {
                file: &t.file,
                spans: &t.spans,
                v: Cow::Borrowed(&t.value),
            }),
            (None, None) => None,
        };
        let mut actions: Vec<Act> = log.actions.iter().map(Act::whole).collect();
        actions.extend(log.partial.actions.iter().map(Act::parts));
        actions.sort_by(|a, b| (a.id, a.file).cmp(&(b.id, b.file)));
        let mut milestones: Vec<Mil> = log.milestones.iter().map(Mil::whole).collect();
        milestones.extend(log.partial.milestones.iter().map(Mil::parts));
        milestones.sort_by(|a, b| a.file.cmp(b.file));
        let mut view = View {
            themes,
            actions,
            milestones,
            ids: log.unreadable_ids.iter().copied().collect(),
            moved: HashMap::new(),
        };
        let numbers = view
            .actions
            .iter()
            .filter_map(|a| Some((a.id?, a.formerly)));
        view.know(&numbers.collect::<Vec<_>>());
        view
    }

    /// Take in actions' numbers, each with its former numbers.
    fn know(&mut self, numbers: &[(u32, Numbers)]) {
        for &(id, formerly) in numbers {
            self.ids.insert(id);
            for n in formerly.iter().flatten() {
                let to = self.moved.entry(n).or_insert(id);
                *to = (*to).min(id);
            }
        }
    }
}

/// What the rules for a part of a log need to know of the records outside it: their numbers, and
/// the former numbers they list. See [`reach`].
#[derive(Debug, Default)]
pub struct Rest {
    numbers: Vec<(u32, Vec<u32>)>,
}

/// The files whose findings could change when the files `changed` of `log` are replaced by the
/// records of `after` (each written under its new name), and what the rules need of the others.
///
/// A record's findings rest on its own fields, on which numbers exist, on the other records with
/// its number or its title, and on the records its merges lead to (a merge cycle is found by
/// following merges from each of its records, so every record a change could put on or take off
/// a cycle, or on another path of one, is reached from the changed ones). So the files reached
/// are the changed ones, under both names; every record that names a number the change takes,
/// gives up or claims by a file name; and, until nothing more is added, every record that shares
/// a number or a title with one reached or that one reached merges into, and every milestone that
/// shares an id with one reached. The rules, run over those files alone with the others' numbers
/// from [`Rest`], find for them exactly what they find over the whole log; the findings of every
/// other file are the same before and after.
pub fn reach(log: &Log, changed: &[&Path], after: &Log) -> (BTreeSet<PathBuf>, Rest) {
    let all = View::of(log);
    let new = View::of(after);
    let is_changed = |file: &Path| changed.contains(&file);
    let stem = |file: &Path| {
        let name = file.file_name()?.to_str()?;
        name.trim_end_matches(".yaml")
            .trim_end_matches(".yml")
            .parse::<u32>()
            .ok()
    };
    let mut files: BTreeSet<&Path> = changed.iter().copied().collect();
    let new_files = new.actions.iter().map(|a| a.file);
    files.extend(new_files.chain(new.milestones.iter().map(|m| m.file)));
    // The changed actions, as they were and as they will be.
    let old = all.actions.iter().filter(|a| is_changed(a.file));
    let both: Vec<&Act> = old.chain(&new.actions).collect();
    // The numbers whose existence the change can alter.
    let mut taken: HashSet<u32> = files.iter().filter_map(|f| stem(f)).collect();
    taken.extend(both.iter().filter_map(|a| a.id));
    let mut numbers: HashSet<u32> = taken.clone();
    let mut titles: HashSet<String> = HashSet::new();
    let mut milestones: HashSet<&str> = HashSet::new();
    let join = |a: &Act, numbers: &mut HashSet<u32>, titles: &mut HashSet<String>| {
        numbers.extend(a.id);
        numbers.extend(a.merged_into.iter().flatten());
        titles.extend(a.title.map(title_key));
    };
    for a in both {
        join(a, &mut numbers, &mut titles);
    }
    let old = all.milestones.iter().filter(|m| is_changed(m.file));
    milestones.extend(old.chain(&new.milestones).filter_map(|m| m.id));
    let keys: Vec<Option<String>> = all.actions.iter().map(|a| a.title.map(title_key)).collect();
    loop {
        let mut grew = false;
        for (a, key) in all.actions.iter().zip(&keys) {
            if files.contains(a.file) {
                continue;
            }
            let names = a.links.iter().chain(a.merged_into.iter()).flatten();
            let reached = a.id.is_some_and(|id| numbers.contains(&id))
                || key.as_ref().is_some_and(|k| titles.contains(k))
                || names.chain(a.duplicate_of).any(|n| taken.contains(&n));
            if reached {
                files.insert(a.file);
                join(a, &mut numbers, &mut titles);
                grew = true;
            }
        }
        for m in &all.milestones {
            let reached = m.id.is_some_and(|id| milestones.contains(id))
                || m.actions.iter().flatten().any(|n| taken.contains(&n));
            if reached && files.insert(m.file) {
                milestones.extend(m.id);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let rest = all
        .actions
        .iter()
        .filter(|a| !files.contains(a.file))
        .filter_map(|a| Some((a.id?, a.formerly.iter().flatten().collect())))
        .collect();
    let files = files.into_iter().map(Path::to_path_buf).collect();
    (files, Rest { numbers: rest })
}

/// The cross-record findings for `part`, a part of a log that holds every file [`reach`] gave,
/// with `rest` from the same call: for those files, what [`check`] finds over the whole log.
pub fn check_part(part: &Log, rest: &Rest) -> Vec<Diagnostic> {
    let mut view = View::of(part);
    let numbers: Vec<(u32, Numbers)> = rest
        .numbers
        .iter()
        .map(|(id, formerly)| (*id, Numbers::Whole(formerly)))
        .collect();
    view.know(&numbers);
    run(&view)
}

/// Every cross-record finding for a loaded log.
pub fn check(log: &Log) -> Vec<Diagnostic> {
    run(&View::of(log))
}

/// One rule: it reads the view and adds its findings.
type Rule = fn(&View, &mut Vec<Diagnostic>);

/// The rules, in the order their findings are given.
const RULES: [Rule; 9] = [
    duplicate_ids,
    themes,
    sources,
    duplicate_numbers,
    references,
    merge_cycles,
    dates_and_order,
    closed_without_reason,
    duplicate_titles,
];

/// The rules share nothing but the view they read, so they run on every core; their findings are
/// joined in the order of [`RULES`], the same on every run.
fn run(view: &View) -> Vec<Diagnostic> {
    let found: Vec<Vec<Diagnostic>> = RULES
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            rule(view, &mut out);
            out
        })
        .collect();
    found.concat()
}

fn duplicate_ids(view: &View, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<u32, &Path> = HashMap::new();
    for a in &view.actions {
        let Some(id) = a.id else { continue };
        match first.get(&id) {
            Some(prev) => out.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    a.file,
                    Some(a.spans.get("id")),
                    format!("action {id} is also in {}", prev.display()),
                )
                .with_hint("give one of them a free number above every number in use"),
            ),
            None => {
                first.insert(id, a.file);
            }
        }
    }
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for m in &view.milestones {
        let Some(id) = m.id else { continue };
        match seen.get(id) {
            Some(prev) => out.push(Diagnostic::new(
                Code::DuplicateId,
                m.file,
                Some(m.spans.get("id")),
                format!("milestone `{id}` is also in {}", prev.display()),
            )),
            None => {
                seen.insert(id, m.file);
            }
        }
    }
}

/// A key of the list `list` of themes.yaml (`themes`, `sources`) that repeats an earlier one, as
/// `code`, at each repeat.
fn duplicate_keys<'a>(
    t: &ThemesFile,
    list: &str,
    keys: impl Iterator<Item = Option<&'a str>>,
    code: Code,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen = HashSet::new();
    for (i, key) in keys.enumerate() {
        let Some(key) = key else { continue };
        if !seen.insert(key) {
            let what = list.trim_end_matches('s');
            out.push(Diagnostic::new(
                code,
                t.file,
                Some(t.spans.get(&format!("{list}[{i}].key"))),
                format!("{what} key `{key}` is defined twice"),
            ));
        }
    }
}

fn themes(view: &View, out: &mut Vec<Diagnostic>) {
    let Some(t) = &view.themes else { return };
    let keys = t.v.themes.iter().flatten().map(|t| t.key.as_deref());
    duplicate_keys(t, "themes", keys, Code::DuplicateThemeKey, out);
    // Which keys are unknown can be said only when every key decoded (and there is one: an empty
    // list is `no-themes` already).
    let Some(keys) = t.v.keys().filter(|k| !k.is_empty()) else {
        return;
    };
    let known = |key: &str| keys.iter().any(|(k, _)| *k == key);
    for a in &view.actions {
        let Some(theme) = a.theme.filter(|k| !known(k)) else {
            continue;
        };
        let d = Diagnostic::new(
            Code::UnknownTheme,
            a.file,
            Some(a.spans.get("theme")),
            format!("unknown theme `{theme}`"),
        );
        out.push(d.with_hint(theme_hint(theme, &keys)));
    }
    for (i, m) in t.v.members.iter().enumerate() {
        for (j, key) in m.themes.iter().enumerate() {
            let Some(key) = key.as_deref().filter(|k| !known(k)) else {
                continue;
            };
            let who = match &m.name {
                Some(name) => format!("member `{name}`"),
                None => format!("member {}", i + 1),
            };
            let d = Diagnostic::new(
                Code::UnknownTheme,
                t.file,
                Some(t.spans.get(&format!("members[{i}].themes[{j}]"))),
                format!("{who} follows unknown theme `{key}`"),
            );
            out.push(d.with_hint(theme_hint(key, &keys)));
        }
    }
}

/// Source keys are unique, and every record's source is one of them.
fn sources(view: &View, out: &mut Vec<Diagnostic>) {
    let Some(t) = &view.themes else { return };
    let keys = t.v.sources.iter().map(|s| s.key.as_deref());
    duplicate_keys(t, "sources", keys, Code::DuplicateSourceKey, out);
    // As for themes: which sources are unknown can be said only when every key decoded, and a
    // `sources:` that is broken with no key decoded (not a list) declares nothing that is known.
    let Some(keys) =
        t.v.source_keys()
            .filter(|k| !k.is_empty() || !t.v.broken.contains("sources"))
    else {
        return;
    };
    let records = view
        .actions
        .iter()
        .map(|a| (a.file, a.spans, a.source))
        .chain(view.milestones.iter().map(|m| (m.file, m.spans, m.source)));
    for (file, spans, source) in records {
        let Some(key) = source.filter(|k| !keys.contains(k)) else {
            continue;
        };
        let d = Diagnostic::new(
            Code::UnknownSource,
            file,
            Some(spans.get("source")),
            format!("unknown source `{key}`"),
        );
        out.push(d.with_hint(source_hint(key, &keys)));
    }
}

fn duplicate_numbers(view: &View, out: &mut Vec<Diagnostic>) {
    let actions = view.actions.iter().flat_map(|a| {
        a.lists()
            .map(|(field, list)| (a.file, a.spans, field, list))
    });
    let milestones = view
        .milestones
        .iter()
        .map(|m| (m.file, m.spans, "actions", m.actions));
    for (file, spans, field, list) in actions.chain(milestones) {
        for (first, i, n) in list.places().filter(|(first, i, _)| first != i) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateNumber,
                    file,
                    Some(spans.get(&format!("{field}[{i}]"))),
                    format!("`{field}[{i}]` repeats {n}, already at `{field}[{first}]`"),
                )
                .with_hint("remove the repeated number"),
            );
        }
    }
}

fn references(view: &View, out: &mut Vec<Diagnostic>) {
    let (ids, moved) = (&view.ids, &view.moved);
    let dangling = |file: &Path, pos: Option<Pos>, field: &str, n: u32| {
        let d = Diagnostic::new(
            Code::DanglingReference,
            file,
            pos,
            format!("`{field}` names action {n}, which does not exist"),
        );
        match moved.get(&n) {
            Some(id) => d.with_hint(format!("action {n} was renumbered to {id}")),
            None => d,
        }
    };
    for a in &view.actions {
        // A repeated number is `duplicate-number`; what is wrong with the number itself is said
        // once, at its first place.
        for (field, path, n) in a.references() {
            let pos = Some(a.spans.get(&path));
            if Some(n) == a.id {
                out.push(Diagnostic::new(
                    Code::SelfReference,
                    a.file,
                    pos,
                    format!("action {n} names itself in `{field}`"),
                ));
            } else if !ids.contains(&n) {
                out.push(dangling(a.file, pos, field, n));
            }
        }
        let own =
            a.id.and_then(|id| Some((id, a.formerly.iter().position(|n| n == Some(id))?)));
        if let Some((id, i)) = own {
            out.push(Diagnostic::new(
                Code::SelfReference,
                a.file,
                Some(a.spans.get(&format!("formerly[{i}]"))),
                format!("action {id} lists its own number in `formerly`"),
            ));
        }
    }
    for m in &view.milestones {
        let firsts = m.actions.places().filter(|(first, i, _)| first == i);
        for (_, i, n) in firsts.filter(|(_, _, n)| !ids.contains(n)) {
            let pos = Some(m.spans.get(&format!("actions[{i}]")));
            out.push(dangling(m.file, pos, "actions", n));
        }
    }
}

fn merge_cycles(view: &View, out: &mut Vec<Diagnostic>) {
    let graph: BTreeMap<u32, Vec<u32>> = view
        .actions
        .iter()
        .filter_map(|a| Some((a.id?, a.merged_into.iter().flatten().collect())))
        .collect();
    let mut reported: HashSet<u32> = HashSet::new();
    for a in &view.actions {
        let Some(start) = a.id else { continue };
        // Follow merges from each action; a path that returns to its start is a cycle.
        let mut stack: Vec<(u32, Vec<u32>)> = vec![(start, vec![start])];
        let mut visited = HashSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in graph.get(&node).map(Vec::as_slice).unwrap_or_default() {
                if *next == start && *next != node && !reported.contains(&start) {
                    let cycle: Vec<String> =
                        path.iter().chain([&start]).map(u32::to_string).collect();
                    reported.extend(path.iter().copied());
                    out.push(Diagnostic::new(
                        Code::MergeCycle,
                        a.file,
                        Some(a.spans.get("merged_into")),
                        format!(
                            "actions are merged into each other in a cycle: {}",
                            cycle.join(" → ")
                        ),
                    ));
                } else if visited.insert(*next) {
                    let mut p = path.clone();
                    p.push(*next);
                    stack.push((*next, p));
                }
            }
        }
    }
}

fn dates_and_order(view: &View, out: &mut Vec<Diagnostic>) {
    for a in &view.actions {
        let dated = [
            (
                Code::DeadlineBeforeRaised,
                "deadline",
                "deadline",
                a.deadline.and_then(|d| d.date()),
            ),
            (
                Code::SignedOffBeforeRaised,
                "signed_off",
                "sign-off",
                a.signed_off,
            ),
        ];
        for (code, field, what, date) in dated {
            if let (Some(d), Some(raised)) = (date, a.raised) {
                if !d.wholly_before(&raised) {
                    continue;
                }
                out.push(Diagnostic::new(
                    code,
                    a.file,
                    Some(a.spans.get(field)),
                    format!("{what} {d} is before the action was raised ({raised})"),
                ));
            }
        }
        let mut last: Option<LogDate> = None;
        for (i, date) in a.dates.iter().enumerate() {
            let Some(date) = *date else { continue };
            if let Some(prev) = last.filter(|prev| date.wholly_before(prev)) {
                out.push(
                    Diagnostic::new(
                        Code::UpdatesOutOfOrder,
                        a.file,
                        Some(a.spans.get(&format!("updates[{i}]"))),
                        format!("update dated {date} comes after one dated {prev}"),
                    )
                    .with_hint("updates are listed oldest first"),
                );
            }
            last = Some(date);
        }
    }
}

fn closed_without_reason(view: &View, out: &mut Vec<Diagnostic>) {
    for a in &view.actions {
        let reasons = ["merged_into", "duplicate_of", "updates"];
        if a.status == Some(Status::Closed)
            && a.merged_into.is_empty()
            && a.duplicate_of.is_none()
            && a.dates.is_empty()
            && !reasons.iter().any(|r| a.is_broken(r))
        {
            let id = a.id.map_or_else(String::new, |id| format!(" {id}"));
            out.push(
                Diagnostic::new(
                    Code::ClosedWithoutReason,
                    a.file,
                    Some(a.spans.get("status")),
                    format!("action{id} is closed with no reason"),
                )
                .with_hint(
                    "add `merged_into`, `duplicate_of`, or an update that explains the closure",
                ),
            );
        }
    }
}

/// Titles compared without case, spacing or punctuation.
fn title_key(t: &str) -> String {
    t.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn duplicate_titles(view: &View, out: &mut Vec<Diagnostic>) {
    // A record takes part when its number and title decoded and its `duplicate_of` did not break:
    // whether it declares the other a duplicate must be known.
    let mut by_title: HashMap<String, Vec<(u32, &Act)>> = HashMap::new();
    for a in &view.actions {
        if let (Some(id), Some(title)) = (a.id, a.title) {
            if !a.is_broken("duplicate_of") {
                by_title.entry(title_key(title)).or_default().push((id, a));
            }
        }
    }
    let mut groups: Vec<_> = by_title.into_values().filter(|g| g.len() > 1).collect();
    groups.sort_by_key(|g| (g[0].0, g[0].1.file));
    // Whether one of the two declares itself a duplicate of the other.
    let declared = |(x, xa): &(u32, &Act), (y, ya): &(u32, &Act)| {
        xa.duplicate_of == Some(*y) || ya.duplicate_of == Some(*x)
    };
    for group in groups {
        for (pos, a) in group.iter().enumerate().skip(1) {
            let Some((other, _)) = group[..pos].iter().find(|o| !declared(a, o)) else {
                continue;
            };
            let (id, act) = a;
            out.push(
                Diagnostic::new(
                    Code::DuplicateTitle,
                    act.file,
                    Some(act.spans.get("title")),
                    format!("action {id} has the same title as action {other}"),
                )
                .with_hint(format!(
                    "if it repeats action {other}, add `duplicate_of: {other}`"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const THEMES: &str = "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n  - key: data-sharing\n    name: Data Sharing\n    colour: \"#2ca02c\"\n";

    fn action(id: u32, extra: &str) -> (String, String) {
        (
            format!("actions/{}", crate::model::Action::file_name(id)),
            format!("id: {id}\ntitle: Action number {id}.\ntheme: governance\nraised: 2019-02\nstatus: ongoing\n{extra}"),
        )
    }

    /// Load a log from files written into a temporary folder, and return every finding.
    fn findings(files: &[(String, String)]) -> Vec<(Code, String, Option<u32>)> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("themes.yaml"), THEMES).unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let log = crate::store::load(dir.path()).unwrap();
        let mut all = log.diags.clone();
        all.extend(check(&log));
        crate::diag::sort(&mut all);
        // Extra fields are appended out of canonical order; layout is tested on its own.
        all.into_iter()
            .filter(|d| d.code != Code::NonCanonical)
            .map(|d| (d.code, d.file.display().to_string(), d.line))
            .collect()
    }

    fn codes(files: &[(String, String)]) -> Vec<Code> {
        findings(files).into_iter().map(|f| f.0).collect()
    }

    #[test]
    fn a_clean_log_has_no_findings() {
        assert_eq!(
            findings(&[action(1, ""), action(2, "links: [1]\n")]),
            vec![]
        );
    }

    #[test]
    fn unknown_theme_is_an_error_with_its_line() {
        let (path, text) = action(1, "");
        let text = text.replace("theme: governance", "theme: data-shring");
        assert_eq!(
            findings(&[(path, text)]),
            vec![(Code::UnknownTheme, "actions/001.yaml".into(), Some(3))]
        );
    }

    #[test]
    fn references_must_exist() {
        let f = findings(&[action(
            1,
            "links: [1, 7]\nmerged_into: [8]\nduplicate_of: 9\n",
        )]);
        assert_eq!(
            f,
            vec![
                (Code::SelfReference, "actions/001.yaml".into(), Some(6)),
                (Code::DanglingReference, "actions/001.yaml".into(), Some(6)),
                (Code::DanglingReference, "actions/001.yaml".into(), Some(7)),
                (Code::DanglingReference, "actions/001.yaml".into(), Some(8)),
            ]
        );
    }

    #[test]
    fn milestone_actions_must_exist() {
        let m = ("timeline/2019-09-report.yaml".to_string(), "id: 2019-09-report\ndate: 2019-09\nkind: report\ntitle: R\nstatus: planned\nactions: [1, 5]\n".to_string());
        assert_eq!(
            findings(&[action(1, ""), m]),
            vec![(
                Code::DanglingReference,
                "timeline/2019-09-report.yaml".into(),
                Some(6)
            )]
        );
    }

    #[test]
    fn a_reference_to_an_unreadable_file_is_not_also_dangling() {
        let broken = (
            "actions/002.yaml".to_string(),
            "id: 2\ntitle: [unclosed\n".to_string(),
        );
        assert_eq!(
            codes(&[action(1, "links: [2]\n"), broken]),
            vec![Code::YamlSyntax]
        );
    }

    #[test]
    fn merging_into_itself_and_merge_cycles() {
        assert_eq!(
            codes(&[action(1, "merged_into: [1]\n")]),
            vec![Code::SelfReference]
        );
        let c = codes(&[
            action(1, "merged_into: [2]\n"),
            action(2, "merged_into: [3]\n"),
            action(3, "merged_into: [1]\n"),
        ]);
        assert_eq!(c, vec![Code::MergeCycle]);
        assert_eq!(
            codes(&[
                action(1, "merged_into: [2]\n"),
                action(2, "merged_into: [3]\n"),
                action(3, "")
            ]),
            vec![]
        );
    }

    #[test]
    fn duplicate_ids_name_the_other_file() {
        let (_, text) = action(1, "");
        let f = findings(&[action(1, ""), ("actions/002.yaml".into(), text)]);
        assert_eq!(
            f,
            vec![
                (Code::IdMismatch, "actions/002.yaml".into(), Some(1)),
                (Code::DuplicateId, "actions/002.yaml".into(), Some(1)),
                (Code::DuplicateTitle, "actions/002.yaml".into(), Some(2)),
            ]
        );
    }

    #[test]
    fn deadline_before_raised_is_a_warning() {
        assert_eq!(
            codes(&[action(1, "deadline: 2019-01\n")]),
            vec![Code::DeadlineBeforeRaised]
        );
        assert_eq!(
            codes(&[action(1, "deadline: 2019-02\n")]),
            vec![],
            "the same month is not before"
        );
        assert_eq!(codes(&[action(1, "deadline: monthly\n")]), vec![]);
    }

    #[test]
    fn a_sign_off_before_raised_is_an_error() {
        let signed = |d: &str| {
            let (p, t) = action(1, &format!("signed_off: {d}\n"));
            (p, t.replace("status: ongoing", "status: complete"))
        };
        assert_eq!(
            findings(&[signed("2019-01-31")]),
            vec![(
                Code::SignedOffBeforeRaised,
                "actions/001.yaml".into(),
                Some(6)
            )]
        );
        assert_eq!(codes(&[signed("2019-02-01")]), vec![]);
        assert_eq!(
            codes(&[signed("2019-02")]),
            vec![],
            "the month raised is not before"
        );
    }

    #[test]
    fn updates_out_of_order_is_a_warning() {
        let ok = "updates:\n  - date: 2019-02\n    text: a\n  - text: undated\n  - date: 2019-03-01\n    text: b\n";
        assert_eq!(codes(&[action(1, ok)]), vec![]);
        let bad = "updates:\n  - date: 2019-04\n    text: a\n  - date: 2019-03-01\n    text: b\n";
        assert_eq!(
            findings(&[action(1, bad)]),
            vec![(Code::UpdatesOutOfOrder, "actions/001.yaml".into(), Some(9))]
        );
    }

    #[test]
    fn closed_needs_a_reason() {
        let closed = |extra: &str| {
            let (p, t) = action(1, extra);
            (p, t.replace("status: ongoing", "status: closed"))
        };
        assert_eq!(codes(&[closed("")]), vec![Code::ClosedWithoutReason]);
        assert_eq!(
            codes(&[closed(
                "updates:\n  - text: Withdrawn by the Home Office.\n"
            )]),
            vec![]
        );
        assert_eq!(codes(&[closed("duplicate_of: 2\n"), action(2, "")]), vec![]);
    }

    #[test]
    fn duplicate_titles_unless_declared() {
        let same = |id: u32, extra: &str| {
            let (p, t) = action(id, extra);
            (
                p,
                t.replace(&format!("Action number {id}."), "Share the slides."),
            )
        };
        assert_eq!(
            findings(&[same(1, ""), same(2, "")]),
            vec![(Code::DuplicateTitle, "actions/002.yaml".into(), Some(2))]
        );
        assert_eq!(codes(&[same(1, ""), same(2, "duplicate_of: 1\n")]), vec![]);
    }

    #[test]
    fn theme_keys_must_be_unique() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("themes.yaml"),
            format!("{THEMES}  - key: governance\n    name: Again\n    colour: \"#000000\"\n"),
        )
        .unwrap();
        let log = crate::store::load(dir.path()).unwrap();
        let c: Vec<Code> = check(&log).into_iter().map(|d| d.code).collect();
        assert_eq!(c, vec![Code::DuplicateThemeKey]);
    }

    #[test]
    fn members_follow_known_themes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("themes.yaml"),
            format!("{THEMES}members:\n  - name: Liberty\n    themes: [governance, governanse]\n"),
        )
        .unwrap();
        let log = crate::store::load(dir.path()).unwrap();
        let d = check(&log);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::UnknownTheme);
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `governance`?"));
    }
}
