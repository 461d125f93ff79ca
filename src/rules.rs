//! The rules that look across records: themes exist, references resolve, merges do not loop, ids are
//! unique, and the warnings about dates, order and duplicates. Each rule adds findings; none stops the
//! others.

use crate::diag::{Code, Diagnostic};
use crate::model::Status;
use crate::store::Log;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Every cross-record finding for a loaded log.
pub fn check(log: &Log) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    duplicate_ids(log, &mut out);
    themes(log, &mut out);
    references(log, &mut out);
    merge_cycles(log, &mut out);
    dates_and_order(log, &mut out);
    closed_without_reason(log, &mut out);
    duplicate_titles(log, &mut out);
    out
}

fn duplicate_ids(log: &Log, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<u32, &std::path::Path> = HashMap::new();
    for a in &log.actions {
        if let Some(prev) = first.insert(a.value.id, &a.file) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    &a.file,
                    Some(a.spans.get("id")),
                    format!("action {} is also in {}", a.value.id, prev.display()),
                )
                .with_hint("give one of them a free number above every number in use"),
            );
            first.insert(a.value.id, prev);
        }
    }
    let mut seen: HashMap<&str, &std::path::Path> = HashMap::new();
    for m in &log.milestones {
        if let Some(prev) = seen.insert(&m.value.id, &m.file) {
            out.push(Diagnostic::new(
                Code::DuplicateId,
                &m.file,
                Some(m.spans.get("id")),
                format!("milestone `{}` is also in {}", m.value.id, prev.display()),
            ));
            seen.insert(&m.value.id, prev);
        }
    }
}

fn themes(log: &Log, out: &mut Vec<Diagnostic>) {
    let Some(themes) = &log.themes else { return };
    let mut seen = HashSet::new();
    for (i, t) in themes.value.themes.iter().enumerate() {
        if !seen.insert(t.key.as_str()) {
            out.push(Diagnostic::new(
                Code::DuplicateThemeKey,
                &themes.file,
                Some(themes.spans.get(&format!("themes[{i}].key"))),
                format!("theme key `{}` is defined twice", t.key),
            ));
        }
    }
    let keys: Vec<&str> = themes.value.themes.iter().map(|t| t.key.as_str()).collect();
    for a in &log.actions {
        if !keys.contains(&a.value.theme.as_str()) {
            let d = Diagnostic::new(
                Code::UnknownTheme,
                &a.file,
                Some(a.spans.get("theme")),
                format!("unknown theme `{}`", a.value.theme),
            );
            out.push(d.with_hint(themes.value.hint_for(&a.value.theme)));
        }
    }
    for (i, m) in themes.value.members.iter().enumerate() {
        for (j, key) in m.themes.iter().enumerate() {
            if !keys.contains(&key.as_str()) {
                let d = Diagnostic::new(
                    Code::UnknownTheme,
                    &themes.file,
                    Some(themes.spans.get(&format!("members[{i}].themes[{j}]"))),
                    format!("member `{}` follows unknown theme `{key}`", m.name),
                );
                out.push(d.with_hint(themes.value.hint_for(key)));
            }
        }
    }
}

fn references(log: &Log, out: &mut Vec<Diagnostic>) {
    let ids: HashSet<u32> = log
        .actions
        .iter()
        .map(|a| a.value.id)
        .chain(log.unreadable_ids.iter().copied())
        .collect();
    for a in &log.actions {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (field, n) in a.value.references() {
            let i = index.entry(field).or_default();
            let path = if field == "duplicate_of" {
                field.to_string()
            } else {
                format!("{field}[{i}]")
            };
            *i += 1;
            let pos = Some(a.spans.get(&path));
            if n == a.value.id {
                out.push(Diagnostic::new(
                    Code::SelfReference,
                    &a.file,
                    pos,
                    format!("action {n} names itself in `{field}`"),
                ));
            } else if !ids.contains(&n) {
                out.push(dangling(&a.file, pos, field, n, log));
            }
        }
    }
    for a in &log.actions {
        for (i, n) in a.value.formerly.iter().enumerate() {
            if *n == a.value.id {
                out.push(Diagnostic::new(
                    Code::SelfReference,
                    &a.file,
                    Some(a.spans.get(&format!("formerly[{i}]"))),
                    format!("action {n} lists its own number in `formerly`"),
                ));
            }
        }
    }
    for m in &log.milestones {
        for (i, n) in m.value.actions.iter().enumerate() {
            if !ids.contains(n) {
                out.push(dangling(
                    &m.file,
                    Some(m.spans.get(&format!("actions[{i}]"))),
                    "actions",
                    *n,
                    log,
                ));
            }
        }
    }
}

fn dangling(
    file: &std::path::Path,
    pos: Option<crate::diag::Pos>,
    field: &str,
    n: u32,
    log: &Log,
) -> Diagnostic {
    let d = Diagnostic::new(
        Code::DanglingReference,
        file,
        pos,
        format!("`{field}` names action {n}, which does not exist"),
    );
    match log.actions.iter().find(|a| a.value.formerly.contains(&n)) {
        Some(moved) => d.with_hint(format!("action {n} was renumbered to {}", moved.value.id)),
        None => d,
    }
}

fn merge_cycles(log: &Log, out: &mut Vec<Diagnostic>) {
    let graph: BTreeMap<u32, &[u32]> = log
        .actions
        .iter()
        .map(|a| (a.value.id, a.value.merged_into.as_slice()))
        .collect();
    let mut reported: HashSet<u32> = HashSet::new();
    for a in &log.actions {
        // Follow merges from each action; a path that returns to its start is a cycle.
        let start = a.value.id;
        let mut stack: Vec<(u32, Vec<u32>)> = vec![(start, vec![start])];
        let mut visited = HashSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in graph.get(&node).copied().unwrap_or_default() {
                if *next == start && *next != node && !reported.contains(&start) {
                    let cycle: Vec<String> =
                        path.iter().chain([&start]).map(u32::to_string).collect();
                    reported.extend(path.iter().copied());
                    out.push(Diagnostic::new(
                        Code::MergeCycle,
                        &a.file,
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

fn dates_and_order(log: &Log, out: &mut Vec<Diagnostic>) {
    for a in &log.actions {
        let raised = a.value.raised;
        let dated = [
            (
                Code::DeadlineBeforeRaised,
                "deadline",
                "deadline",
                a.value.deadline.and_then(|d| d.date()),
            ),
            (
                Code::SignedOffBeforeRaised,
                "signed_off",
                "sign-off",
                a.value.signed_off,
            ),
        ];
        for (code, field, what, date) in dated {
            if let Some(d) = date.filter(|d| d.wholly_before(&raised)) {
                out.push(Diagnostic::new(
                    code,
                    &a.file,
                    Some(a.spans.get(field)),
                    format!("{what} {d} is before the action was raised ({raised})"),
                ));
            }
        }
        let mut last: Option<(usize, crate::model::LogDate)> = None;
        for (i, u) in a.value.updates.iter().enumerate() {
            let Some(date) = u.date else { continue };
            if let Some((_, prev)) = last {
                if date.wholly_before(&prev) {
                    out.push(
                        Diagnostic::new(
                            Code::UpdatesOutOfOrder,
                            &a.file,
                            Some(a.spans.get(&format!("updates[{i}]"))),
                            format!("update dated {date} comes after one dated {prev}"),
                        )
                        .with_hint("updates are listed oldest first"),
                    );
                }
            }
            last = Some((i, date));
        }
    }
}

fn closed_without_reason(log: &Log, out: &mut Vec<Diagnostic>) {
    for a in &log.actions {
        let v = &a.value;
        if v.status == Status::Closed
            && v.merged_into.is_empty()
            && v.duplicate_of.is_none()
            && v.updates.is_empty()
        {
            out.push(
                Diagnostic::new(
                    Code::ClosedWithoutReason,
                    &a.file,
                    Some(a.spans.get("status")),
                    format!("action {} is closed with no reason", v.id),
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

fn duplicate_titles(log: &Log, out: &mut Vec<Diagnostic>) {
    let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in log.actions.iter().enumerate() {
        by_title
            .entry(title_key(&a.value.title))
            .or_default()
            .push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_title.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for group in groups {
        for (pos, &i) in group.iter().enumerate().skip(1) {
            let a = &log.actions[i];
            let earlier = group[..pos].iter().map(|&j| &log.actions[j]);
            let declared =
                |x: &crate::store::Loaded<crate::model::Action>,
                 y: &crate::store::Loaded<crate::model::Action>| {
                    x.value.duplicate_of == Some(y.value.id)
                        || y.value.duplicate_of == Some(x.value.id)
                };
            if let Some(other) = earlier.clone().find(|o| !declared(a, o)) {
                out.push(
                    Diagnostic::new(
                        Code::DuplicateTitle,
                        &a.file,
                        Some(a.spans.get("title")),
                        format!(
                            "action {} has the same title as action {}",
                            a.value.id, other.value.id
                        ),
                    )
                    .with_hint(format!(
                        "if it repeats action {}, add `duplicate_of: {}`",
                        other.value.id, other.value.id
                    )),
                );
            }
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
