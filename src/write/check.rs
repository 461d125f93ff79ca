//! The refusal rules every write obeys before it writes anything. A file that cannot be rewritten
//! without loss is left alone; a new text must fit the size limit and decode; and the log after the change may hold no
//! finding that it did not hold before. A refusal is an error that names the finding, and nothing
//! is written.

use super::Rewrite;
use crate::diag::{Code, Diagnostic, Severity};
use crate::store::{self, Log, RecordKind, Source};
use crate::validate;
use anyhow::{bail, Result};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Refuse to rewrite a file that has errors or holds comments the writer would drop.
pub(super) fn unwritable(log: &Log, file: &Path) -> Result<()> {
    if let Some(d) = log.diags.iter().find(|d| {
        d.file == file && (d.severity == Severity::Error || d.code == Code::CommentNotKept)
    }) {
        bail!(
            "{} cannot be rewritten without loss: {} [{}]; fix it first (see `oslog validate`)",
            file.display(),
            d.message,
            d.code
        );
    }
    Ok(())
}

/// Refuse a new text of `file` over the size limit of one file: written, it could not be read again.
pub(super) fn fits(file: &Path, text: &str) -> Result<()> {
    let size = text.len() as u64;
    if size > store::MAX_FILE_BYTES {
        bail!(
            "the new {} would be {size} bytes, over the limit of {} bytes for one file; nothing was written",
            file.display(),
            store::MAX_FILE_BYTES
        );
    }
    Ok(())
}

/// Refuse a new text of `file` that does not decode as a record of `kind`, or is over the size limit.
pub(super) fn decodes(kind: RecordKind, file: &Path, text: &str) -> Result<()> {
    fits(file, text)?;
    let src = Source {
        text: text.to_string(),
        had_bom: false,
        had_crlf: false,
    };
    let (record, diags) = store::decode_source(kind, file, &src);
    match diags.iter().find(|d| d.severity == Severity::Error) {
        Some(d) => bail!("the new {} would be invalid: {}", file.display(), d.message),
        None if record.is_none() => bail!("the new {} would be invalid", file.display()),
        None => Ok(()),
    }
}

/// Refuse a change that would add a finding anywhere in the log: a dangling reference, a merge
/// cycle, a deadline before `raised`, a file that no longer loads, … After the change, no finding,
/// of any severity, from loading a file or from the rules across records, may be there more often
/// than before, each counted by its code, file and message, with the findings of a renamed file
/// counted under its new name. Findings that were there before are not this change's doing.
///
/// Only the files whose findings the change could alter are checked, before and after: the
/// changed ones and those [`validate::reach`] finds from them. Every other file's findings are the
/// same on both sides, so the answer is the one a check of the whole log would give, at the cost
/// of a few records rather than of a copy of the log.
pub fn no_new_findings(before: &Log, files: &[Rewrite]) -> Result<()> {
    for f in files {
        decodes(kind_of(&f.to), &f.to, &f.text)?;
    }
    match new_in_reach(before, files).first() {
        Some(d) => refuse(d),
        None => Ok(()),
    }
}

/// The new findings of a change, from the files it reaches.
fn new_in_reach(before: &Log, files: &[Rewrite]) -> Vec<Diagnostic> {
    let written = written(files);
    let from: Vec<&Path> = files.iter().map(|f| f.from.as_path()).collect();
    let changed = before.part(|f| from.contains(&f)).with_files(&written);
    let (reach, rest) = validate::reach(before, &from, &changed);
    let reached = |f: &Path| reach.contains(f);
    let before = before.part(reached);
    let after = before.with_files(&written);
    let findings = |log: &Log| {
        let mut all = log.diags.clone();
        all.extend(validate::check_part(log, &rest));
        all.retain(|d| reached(&d.file));
        all
    };
    new_findings(files, &findings(&before), findings(&after))
}

/// The change's files as `Log::with_files` takes them.
fn written(files: &[Rewrite]) -> Vec<(&Path, &Path, &str)> {
    files
        .iter()
        .map(|f| (f.from.as_path(), f.to.as_path(), f.text.as_str()))
        .collect()
}

/// The findings of `after` that `before` does not hold as often, in their order.
fn new_findings(
    files: &[Rewrite],
    before: &[Diagnostic],
    after: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    // A file renamed, and not written again in its place, has its old findings under its new name.
    let in_place: Vec<&Path> = files
        .iter()
        .filter(|f| f.from == f.to)
        .map(|f| f.from.as_path())
        .collect();
    let renamed: HashMap<&Path, &Path> = files
        .iter()
        .filter(|f| !in_place.contains(&f.from.as_path()))
        .map(|f| (f.from.as_path(), f.to.as_path()))
        .collect();
    let key = |d: &Diagnostic| {
        let file = renamed.get(d.file.as_path()).copied().unwrap_or(&d.file);
        (d.code, file.to_path_buf(), d.message.clone())
    };
    let mut counts: BTreeMap<(Code, PathBuf, String), usize> = BTreeMap::new();
    for d in before {
        *counts.entry(key(d)).or_default() += 1;
    }
    let mut new = after;
    new.retain(|d| match counts.get_mut(&key(d)) {
        Some(n) if *n > 0 => {
            *n -= 1;
            false
        }
        _ => true,
    });
    new
}

fn refuse(d: &Diagnostic) -> Result<()> {
    let mut msg = format!(
        "refused: the change would make {} invalid: {} [{}]",
        d.file.display(),
        d.message,
        d.code
    );
    if let Some(h) = &d.hint {
        msg.push_str(&format!(" (hint: {h})"));
    }
    bail!(msg)
}

/// What kind of record a file under the log root holds.
pub(super) fn kind_of(file: &Path) -> RecordKind {
    match file.starts_with(store::TIMELINE_DIR) {
        true => RecordKind::Milestone,
        false => RecordKind::Action,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const THEMES: &str = "themes:\n  - key: t\n    name: T\n    colour: \"#000000\"\n";

    fn action(id: u32, title: &str, extra: &str) -> String {
        format!("id: {id}\ntitle: {title}\ntheme: t\nraised: 2019-01\nstatus: ongoing\n{extra}")
    }

    fn log(files: &[(&str, String)]) -> Log {
        let files = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.clone().into_bytes()))
            .chain([(PathBuf::from("themes.yaml"), THEMES.as_bytes().to_vec())]);
        store::load_files(Path::new("."), files)
    }

    fn rewrite(from: &str, to: &str, text: String) -> Rewrite {
        Rewrite {
            from: from.into(),
            to: to.into(),
            text,
        }
    }

    fn refused(before: &Log, files: &[Rewrite]) -> Option<String> {
        no_new_findings(before, files).err().map(|e| e.to_string())
    }

    /// Every new finding of a change, as the files reached give them and as the whole log does.
    fn new_both_ways(before: &Log, files: &[Rewrite]) -> [Vec<Diagnostic>; 2] {
        let after = before.with_files(&written(files));
        let findings = |log: &Log| {
            let mut all = log.diags.clone();
            all.extend(validate::check(log));
            all
        };
        let whole = new_findings(files, &findings(before), findings(&after));
        [new_in_reach(before, files), whole]
    }

    /// The check's answer, after seeing that the files reached give every new finding that the
    /// whole log gives, in the same words. (Their order is compared as sorted: two groups of one
    /// title whose first records tie, two records in one file, come in no set order either way.)
    fn both(before: &Log, files: &[Rewrite]) -> Option<String> {
        let [mut part, mut whole] = new_both_ways(before, files);
        for found in [&mut part, &mut whole] {
            found.sort_by(|a, b| {
                (a.code, &a.file, &a.message, a.line).cmp(&(b.code, &b.file, &b.message, b.line))
            });
        }
        assert_eq!(part, whole, "the check of the files reached differs");
        refused(before, files)
    }

    /// An action's fields, as small numbers, so that generated logs collide often: in numbers,
    /// titles, links, merges, former numbers and themes.
    type Spec = (
        (u32, usize, usize, u32, usize, Option<u32>),
        (
            Vec<u32>,
            Vec<u32>,
            Option<u32>,
            Vec<u32>,
            Vec<Option<u32>>,
            u8,
        ),
    );

    fn spec() -> impl proptest::strategy::Strategy<Value = Spec> {
        use proptest::collection::vec;
        use proptest::option::of;
        (
            (
                1u32..9,
                0usize..4,
                0usize..3,
                1u32..6,
                0usize..3,
                of(1u32..7),
            ),
            (
                vec(0u32..10, 0..3),
                vec(0u32..10, 0..2),
                of(0u32..10),
                vec(0u32..10, 0..2),
                vec(of(1u32..7), 0..3),
                0u8..12,
            ),
        )
    }

    fn render(spec: &Spec) -> String {
        let ((id, title, theme, raised, status, deadline), rest) = spec;
        let (links, merged, duplicate_of, formerly, updates, broken) = rest;
        let title = ["Share the slides", "share the  slides.", "Other", "Third"][*title];
        if *broken == 0 {
            return format!("id: {id}\ntitle: [unclosed\n");
        }
        let list = |field: &str, l: &[u32]| match l.is_empty() {
            true => String::new(),
            false => {
                let l: Vec<String> = l.iter().map(u32::to_string).collect();
                format!("{field}: [{}]\n", l.join(", "))
            }
        };
        let theme = ["t", "t", "x"][*theme];
        let status = ["ongoing", "closed", "complete"][*status];
        let mut text = format!(
            "id: {id}\ntitle: {title}\ntheme: {theme}\nraised: 2019-0{raised}\nstatus: {status}\n"
        );
        if let Some(d) = deadline {
            text.push_str(&format!("deadline: 2019-0{d}\n"));
        }
        match broken {
            1 => text.push_str("links: oops\n"),
            _ => text.push_str(&list("links", links)),
        }
        text.push_str(&list("merged_into", merged));
        if let Some(d) = duplicate_of {
            text.push_str(&format!("duplicate_of: {d}\n"));
        }
        text.push_str(&list("formerly", formerly));
        if !updates.is_empty() {
            text.push_str("updates:\n");
            for u in updates {
                match u {
                    Some(d) => text.push_str(&format!("  - date: 2019-0{d}\n    text: u\n")),
                    None => text.push_str("  - text: u\n"),
                }
            }
        }
        text
    }

    fn milestone(date: u32, actions: &[u32]) -> String {
        let actions: Vec<String> = actions.iter().map(u32::to_string).collect();
        format!(
            "id: 2019-0{date}-report\ndate: 2019-0{date}\nkind: report\ntitle: R\nstatus: planned\nactions: [{}]\n",
            actions.join(", ")
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// On generated logs and changes (new numbers, renames onto other files' numbers, links,
        /// merges, duplicates, milestones), the check of the files reached refuses exactly what
        /// the check of the whole log refuses, with the same words.
        #[test]
        fn the_files_reached_answer_as_the_whole_log_does(
            actions in proptest::collection::btree_map(1u32..9, spec(), 0..8),
            milestones in proptest::collection::btree_map(1u32..4, (1u32..4, proptest::collection::vec(0u32..10, 0..3)), 0..3),
            edits in proptest::collection::btree_map(1u32..10, (proptest::option::of(1u32..10), spec()), 1..3),
            milestone_edit in proptest::option::of((1u32..4, 1u32..4, proptest::collection::vec(0u32..10, 0..3))),
        ) {
            let name = |n: u32| format!("actions/{n:03}.yaml");
            // Most records hold their file's number, so that most findings are across records.
            let own = |n: u32, s: &Spec| {
                let mut s = s.clone();
                if s.1 .5 > 3 {
                    s.0 .0 = n;
                }
                render(&s)
            };
            let mut files: Vec<(String, String)> =
                actions.iter().map(|(n, s)| (name(*n), own(*n, s))).collect();
            // Milestones named by a number, so that two can hold one id.
            files.extend(milestones.iter().map(|(n, (date, acts))| {
                (format!("timeline/2019-0{n}-report.yaml"), milestone(*date, acts))
            }));
            let refs: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
            let before = log(&refs);
            let mut change: Vec<Rewrite> = edits
                .iter()
                .map(|(from, (to, s))| {
                    let to = to.unwrap_or(*from);
                    // A text that does not decode is refused before anything is compared.
                    let mut s = s.clone();
                    s.1 .5 = s.1 .5.max(2);
                    rewrite(&name(*from), &name(to), own(to, &s))
                })
                .collect();
            if let Some((n, date, acts)) = milestone_edit {
                let file = format!("timeline/2019-0{n}-report.yaml");
                change.push(rewrite(&file, &file, milestone(date, &acts)));
            }
            both(&before, &change);
        }
    }

    #[test]
    fn changes_felt_in_other_files_are_refused_as_before() {
        let before = log(&[
            ("actions/001.yaml", action(1, "One", "")),
            ("actions/002.yaml", action(2, "Two", "links: [1]\n")),
            ("actions/003.yaml", action(3, "Three", "merged_into: [4]\n")),
            ("actions/004.yaml", action(4, "Four", "merged_into: [5]\n")),
            ("actions/005.yaml", action(5, "Five", "")),
            ("actions/006.yaml", action(6, "Six", "")),
        ]);
        let cases = [
            // Renumbered away: action 2's link to 1 dangles.
            (
                rewrite("actions/001.yaml", "actions/007.yaml", action(7, "One", "")),
                "actions/002.yaml",
                "[dangling-reference]",
            ),
            // Merging 5 into 3 closes the cycle 3 → 4 → 5 → 3, reported at the lowest number.
            (
                rewrite(
                    "actions/005.yaml",
                    "actions/005.yaml",
                    action(5, "Five", "merged_into: [3]\n"),
                ),
                "actions/003.yaml",
                "[merge-cycle]",
            ),
            // Another file's title: the later number carries the finding.
            (
                rewrite("actions/001.yaml", "actions/001.yaml", action(1, "Six", "")),
                "actions/006.yaml",
                "[duplicate-title]",
            ),
            // Another file's number: first of all, a number that is not the file's.
            (
                rewrite("actions/006.yaml", "actions/006.yaml", action(2, "Six", "")),
                "actions/006.yaml",
                "[id-mismatch]",
            ),
        ];
        for (change, file, code) in cases {
            let why = both(&before, std::slice::from_ref(&change)).expect("refused");
            assert!(why.contains(file) && why.contains(code), "{why}");
        }
        let fine = rewrite(
            "actions/006.yaml",
            "actions/006.yaml",
            action(6, "Six", "links: [1, 2]\n"),
        );
        assert_eq!(both(&before, &[fine]), None);
    }

    #[test]
    fn a_renamed_file_keeps_its_old_findings_under_its_new_name() {
        // Dated updates out of order: a warning the move neither causes nor mends.
        let updates = "updates:\n  - date: 2019-03\n    text: b\n  - date: 2019-02\n    text: a\n";
        let before = log(&[("actions/copy.yaml", action(5, "Five", updates))]);
        let moved = rewrite(
            "actions/copy.yaml",
            "actions/005.yaml",
            action(5, "Five", updates),
        );
        assert_eq!(refused(&before, &[moved]), None);
    }

    #[test]
    fn a_finding_traded_for_another_of_its_code_is_new() {
        let before = log(&[("actions/001.yaml", action(1, "One", "links: [9]\n"))]);
        let relinked = rewrite(
            "actions/001.yaml",
            "actions/001.yaml",
            action(1, "One", "links: [8]\n"),
        );
        let why = refused(&before, &[relinked]).expect("a second dangling link is refused");
        assert!(why.contains("[dangling-reference]"), "{why}");
    }

    #[test]
    fn a_new_warning_is_refused_and_a_mended_one_is_not() {
        let before = log(&[
            ("actions/001.yaml", action(1, "One", "")),
            ("actions/002.yaml", action(2, "Two", "")),
        ]);
        let same_title = rewrite("actions/002.yaml", "actions/002.yaml", action(2, "One", ""));
        let why =
            refused(&before, std::slice::from_ref(&same_title)).expect("a duplicate title is new");
        assert!(why.contains("[duplicate-title]"), "{why}");
        let after = before.with_files(&[(
            same_title.from.as_path(),
            same_title.to.as_path(),
            same_title.text.as_str(),
        )]);
        let mended = rewrite("actions/002.yaml", "actions/002.yaml", action(2, "Two", ""));
        assert_eq!(refused(&after, &[mended]), None);
    }

    #[test]
    fn a_text_that_does_not_decode_is_refused_first() {
        let before = log(&[("actions/001.yaml", action(1, "One", ""))]);
        let broken = rewrite("actions/001.yaml", "actions/001.yaml", "id: [".to_string());
        let why = refused(&before, &[broken]).expect("refused");
        assert!(
            why.starts_with("the new actions/001.yaml would be invalid"),
            "{why}"
        );
    }
}
