//! The refusal rules every write obeys before it writes anything. A file that cannot be rewritten
//! without loss is left alone; a new text must fit the size limit and decode; and the log after the change may hold no
//! finding that it did not hold before. A refusal is an error that names the finding, and nothing
//! is written.

use super::Rewrite;
use crate::diag::{Code, Diagnostic, Severity};
use crate::store::{self, Log, RecordKind, Source};
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
pub fn no_new_findings(before: &Log, files: &[Rewrite]) -> Result<()> {
    for f in files {
        decodes(kind_of(&f.to), &f.to, &f.text)?;
    }
    let written: Vec<(&Path, &Path, &str)> = files
        .iter()
        .map(|f| (f.from.as_path(), f.to.as_path(), f.text.as_str()))
        .collect();
    let after = before.with_files(&written);
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
    for d in findings(before) {
        *counts.entry(key(&d)).or_default() += 1;
    }
    for d in findings(&after) {
        match counts.get_mut(&key(&d)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => refuse(&d)?,
        }
    }
    Ok(())
}

/// Every finding of a loaded log: its files' own, and the rules across records.
fn findings(log: &Log) -> Vec<Diagnostic> {
    let mut all = log.diags.clone();
    all.extend(crate::validate::check(log));
    all
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
