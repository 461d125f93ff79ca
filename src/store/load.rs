//! Loading a whole log: every record file of the working tree, of a commit or of the git index, read
//! and decoded in parallel and taken in name order, into the records that loaded, what decoded of
//! those that did not, and every finding. Only problems with the machine (a folder that cannot be
//! listed) are errors.

use super::index::Entry;
use super::names::{check_action_name, check_milestone_name};
use super::source::{folder_in_place, symlink, too_large};
use super::{
    decode, is_temporary, journal, lock_held, read_source, source_from_bytes, Loaded, Part, Record,
    RecordKind, Source, ACTIONS_DIR, MAX_FILE_BYTES, THEMES_FILE, TIMELINE_DIR,
};
use crate::diag::{Code, Diagnostic, Severity};
use crate::model::{Action, ActionParts, Milestone, MilestoneParts, Themes, ThemesParts};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::DirEntry;
use std::path::{Path, PathBuf};

/// Everything in a log root: the records that loaded, and the findings from loading.
#[derive(Clone, Debug, Default)]
pub struct Log {
    pub root: PathBuf,
    pub themes: Option<Loaded<Themes>>,
    pub actions: Vec<Loaded<Action>>,
    pub milestones: Vec<Loaded<Milestone>>,
    /// Action numbers claimed by files that failed to load, or by the name of a file whose id
    /// disagrees with it, so that references to them are not reported as dangling on top of the
    /// real problem.
    pub unreadable_ids: Vec<u32>,
    /// Milestone ids claimed by files that failed to load.
    pub unreadable_milestones: Vec<String>,
    /// What decoded of the files that did not load, for validate's rules; writers and queries never
    /// see these.
    pub partial: Partial,
    /// The files that hold (or should hold) a record but did not load, in the order read: what a
    /// query over this log leaves out.
    pub left_out: Vec<LeftOut>,
    pub diags: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
}

/// A record file that did not load, with the codes of its errors.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LeftOut {
    /// The file, relative to the log root.
    pub file: PathBuf,
    /// The codes of the file's errors, each once, in the order found.
    pub codes: Vec<Code>,
}

/// The parts of the files that did not load whole.
#[derive(Clone, Debug, Default)]
pub struct Partial {
    pub themes: Option<Loaded<ThemesParts>>,
    pub actions: Vec<Loaded<ActionParts>>,
    pub milestones: Vec<Loaded<MilestoneParts>>,
}

impl Log {
    /// The records that loaded, for questions and reports: the themes (empty when themes.yaml did
    /// not load), the actions and the milestones.
    pub fn records(&self) -> (Themes, Vec<&Action>, Vec<&Milestone>) {
        let themes = self
            .themes
            .as_ref()
            .map(|t| t.value.clone())
            .unwrap_or_default();
        let actions = self.actions.iter().map(|a| &a.value).collect();
        let milestones = self.milestones.iter().map(|m| &m.value).collect();
        (themes, actions, milestones)
    }
}

/// Load the whole log under `root`.
pub fn load(root: &Path) -> Result<Log> {
    load_where(root, &|_, _, _| true)
}

/// Load only the record files that `keep(kind, name, text)` accepts, such as those that mention one
/// number: every file is read, but only those kept are parsed, and only their findings are given.
/// themes.yaml is always loaded.
pub fn load_where(root: &Path, keep: &KeepFn) -> Result<Log> {
    let read = |rel: &Path| read_source(root, rel);
    let is_dir = |rel: &Path| root.join(rel).is_dir();
    let one = |kind, rel: &Path, name: &str, _: Option<&DirEntry>| {
        load_file(kind, rel, name, &read, &is_dir, keep)
    };
    Ok(load_with(root, &one)?.0)
}

/// Load the log under `root`, each record file through `one(kind, path, name, folder entry)`; with
/// the entries for the log's index that `one` gave, by path.
pub(super) fn load_with(root: &Path, one: &OneFn) -> Result<(Log, Vec<(PathBuf, Entry)>)> {
    let mut log = Log {
        root: root.to_path_buf(),
        ..Log::default()
    };
    let actions = list_dir(root, ACTIONS_DIR, &mut log.diags)?;
    let timeline = list_dir(root, TIMELINE_DIR, &mut log.diags)?;
    log.diags.extend(journal::root_findings(root));
    let entries = fill(
        &mut log,
        [actions, timeline],
        &|rel| read_source(root, rel),
        one,
    );
    // A write under way has its journal and temporary files; they are leftovers only once it ends.
    let interrupted = |d: &Diagnostic| d.code == Code::InterruptedWrite;
    if log.diags.iter().any(interrupted) && lock_held(root) {
        log.diags.retain(|d| !interrupted(d));
    }
    Ok((log, entries))
}

/// Which records a question needs: every one, those that bear on one action (its own and those
/// that refer to it), those its page names (as well, the actions it refers to, `names`, sorted and
/// each once, and every milestone), or the actions of some themes.
#[derive(Clone, Copy, Debug)]
pub enum Want<'a> {
    All,
    Number(u32),
    Page { id: u32, names: &'a [u32] },
    Themes(&'a [String]),
}

impl Want<'_> {
    /// Whether a record file of `kind`, by its name and text, may hold a record the question needs.
    /// A file with a backslash may, since a YAML escape could spell a number or a key.
    pub fn text(&self, kind: RecordKind, name: &str, text: &str) -> bool {
        match self {
            Want::All => true,
            Want::Number(n) => {
                name == Action::file_name(*n) || text.contains('\\') || mentions_number(text, *n)
            }
            Want::Page { id, names } => {
                kind == RecordKind::Milestone
                    || Want::Number(*id).text(kind, name, text)
                    || numbers_in(text).any(|n| names.binary_search(&n).is_ok())
            }
            Want::Themes(keys) => {
                text.contains('\\') || keys.iter().any(|t| text.contains(t.as_str()))
            }
        }
    }

    /// Whether the action `id` of `theme`, which refers to `references`, is needed.
    pub(super) fn action(&self, id: u32, theme: &str, references: &[u32]) -> bool {
        match self {
            Want::All => true,
            Want::Number(n) => id == *n || references.contains(n),
            Want::Page { id: n, names } => {
                id == *n || references.contains(n) || names.binary_search(&id).is_ok()
            }
            Want::Themes(keys) => keys.iter().any(|k| k == theme),
        }
    }

    /// Whether a milestone that cites `actions` is needed.
    pub(super) fn milestone(&self, actions: &[u32]) -> bool {
        match self {
            Want::All => true,
            Want::Number(n) => actions.contains(n),
            Want::Page { .. } => true,
            Want::Themes(_) => false,
        }
    }
}

/// The action numbers that action `id`, read from its own file under `root`, refers to, sorted and
/// each once; `None` when that file does not hold action `id` whole (the caller then reads the whole
/// log).
pub fn references_of(root: &Path, id: u32) -> Option<Vec<u32>> {
    let rel = Path::new(ACTIONS_DIR).join(Action::file_name(id));
    let src = super::read_source(root, &rel).ok()?;
    match super::decode(RecordKind::Action, &rel, &src).record {
        Some(Record::Action(a)) if a.value.id == id => {
            let mut names: Vec<u32> = a.value.references().map(|(_, n)| n).collect();
            names.sort_unstable();
            names.dedup();
            Some(names)
        }
        _ => None,
    }
}

/// Every number written whole in `text` (see [`mentions_number`]), in one pass: a record may name as
/// many numbers as fit in a file, and asking of each one in every file would cost their product.
pub fn numbers_in(text: &str) -> impl Iterator<Item = u32> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if !b[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let run = &text[start..i];
            let dotted = (start > 0 && b[start - 1] == b'.') || b.get(i) == Some(&b'.');
            // A number's digits have no leading zero, so `042` is not 42.
            if dotted || (run.len() > 1 && run.starts_with('0')) {
                continue;
            }
            if let Ok(n) = run.parse() {
                return Some(n);
            }
        }
        None
    })
}

/// Whether `text` holds the number `n` as a whole run of digits (`42`, but not `142` or `4.2`).
/// Numbers in records have no leading zeros, so every reference to `n` passes this test.
pub fn mentions_number(text: &str, n: u32) -> bool {
    numbers_in(text).any(|m| m == n)
}

/// `actions/` or `timeline/` as a symbolic link.
fn linked_folder(dir: &str) -> Diagnostic {
    // Listing it would read, and writers would write, wherever it points.
    Diagnostic::new(
        Code::Symlink,
        Path::new(dir),
        None,
        "is a symbolic link; its records are not read",
    )
    .with_hint("replace the link with the folder itself")
}

/// Load a log from its files given as (path relative to the root, bytes); `root` only names the log
/// in findings. The same rules apply as for [`load`].
pub fn load_files(root: &Path, files: impl IntoIterator<Item = (PathBuf, Vec<u8>)>) -> Log {
    let files: BTreeMap<PathBuf, Stored> = files
        .into_iter()
        .map(|(path, bytes)| (path, Stored::Blob(bytes)))
        .collect();
    load_stored(root, &files)
}

/// A file of the log as git holds it: its bytes, or what stands in their place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// A file's contents.
    Blob(Vec<u8>),
    /// A file too large to read, with its size in bytes.
    TooLarge(u64),
    /// A symbolic link, which oslog never follows.
    Symlink,
    /// A submodule.
    Submodule,
    /// A path in conflict (unmerged), with no one version to read.
    Conflicted,
    /// A path whose name is not valid UTF-8 (shown with replacement characters).
    BadName,
    /// A folder (a tree) where a record file belongs.
    Folder,
}

/// Load a log from the files git holds, such as the staged ones, keyed by their path relative to
/// the root; `root` only names the log in findings. A file git holds in a form oslog does not read
/// (a link, a conflict, …) gets a finding; a path below a folder of records makes that folder a
/// stray entry, as on disk.
pub fn load_stored(root: &Path, files: &BTreeMap<PathBuf, Stored>) -> Log {
    // Each entry directly in `dir`: a file's name, or the name of a folder that holds files.
    let names = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = files
            .keys()
            .filter_map(|p| p.strip_prefix(dir).ok()?.iter().next())
            .filter_map(|n| Some(n.to_str()?.to_string()))
            .collect();
        names.dedup();
        names
    };
    let is_dir = |rel: &Path| {
        files.get(rel) == Some(&Stored::Folder)
            || files.keys().any(|p| p != rel && p.starts_with(rel))
    };
    let read = |rel: &Path| -> Result<Source, Diagnostic> {
        let fail = |code, msg: &str| Diagnostic::new(code, rel, None, msg);
        match files.get(rel) {
            Some(Stored::Blob(bytes)) if bytes.len() as u64 > MAX_FILE_BYTES => {
                Err(too_large(rel, bytes.len() as u64))
            }
            Some(Stored::Blob(bytes)) => source_from_bytes(bytes.clone())
                .map_err(|(pos, msg)| Diagnostic::new(Code::InvalidUtf8, rel, Some(pos), msg)),
            Some(Stored::TooLarge(size)) => Err(too_large(rel, *size)),
            Some(Stored::Symlink) => Err(symlink(rel)),
            Some(Stored::Submodule) => Err(fail(
                Code::StrayFile,
                "is a submodule (a commit of another repository) where a record file belongs",
            )
            .with_hint("remove it with `git rm`")),
            Some(Stored::Conflicted) => Err(fail(
                Code::MergeConflict,
                "is in conflict in the git index: the merge left more than one version",
            )
            .with_hint("resolve the conflict, then `git add` the file")),
            Some(Stored::Folder) => Err(folder_in_place(rel)),
            Some(Stored::BadName) => Err(fail(
                Code::StrayFile,
                "has a file name that is not valid UTF-8",
            )),
            None if is_dir(rel) => Err(folder_in_place(rel)),
            None => Err(fail(
                Code::Io,
                "is not in git: not in the commit read, or not staged",
            )),
        }
    };
    let mut log = Log {
        root: root.to_path_buf(),
        ..Log::default()
    };
    for dir in [ACTIONS_DIR, TIMELINE_DIR] {
        if files.get(Path::new(dir)) == Some(&Stored::Symlink) {
            log.diags.push(linked_folder(dir));
        }
    }
    let all = |_: RecordKind, _: &str, _: &str| true;
    let one = |kind, rel: &Path, name: &str, _: Option<&DirEntry>| {
        load_file(kind, rel, name, &read, &is_dir, &all)
    };
    let listed = |dir| names(dir).into_iter().map(|n| (n, None)).collect();
    fill(
        &mut log,
        [listed(ACTIONS_DIR), listed(TIMELINE_DIR)],
        &read,
        &one,
    );
    log
}

pub(super) type ReadFn<'a> = dyn Fn(&Path) -> Result<Source, Diagnostic> + Sync + 'a;

pub(super) type IsDirFn<'a> = dyn Fn(&Path) -> bool + Sync + 'a;

/// Which record files [`load_where`] parses, given the file name and its text.
pub type KeepFn<'a> = dyn Fn(RecordKind, &str, &str) -> bool + Sync + 'a;

/// How one record file is loaded, given its kind, its path relative to the root, its name and, from
/// the working tree, its entry in the folder's listing.
pub(super) type OneFn<'a> =
    dyn Fn(RecordKind, &Path, &str, Option<&DirEntry>) -> FileLoad + Sync + 'a;

/// A name listed in a folder of records, with its entry when the folder is on disk.
type Listed = (String, Option<DirEntry>);

/// Read themes.yaml and the listed record files into `log`; the entries for the log's index that
/// loading them gave, by path.
fn fill(
    log: &mut Log,
    listed: [Vec<Listed>; 2],
    read: &ReadFn,
    one: &OneFn,
) -> Vec<(PathBuf, Entry)> {
    let themes_rel = PathBuf::from(THEMES_FILE);
    match read(&themes_rel) {
        Ok(src) => {
            log.files += 1;
            let decoded = decode(RecordKind::Themes, &themes_rel, &src);
            if decoded.record.is_none() {
                log.leave_out(&themes_rel, &decoded.diags);
            }
            log.diags.extend(decoded.diags);
            if let Some(Record::Themes(t)) = decoded.record {
                log.themes = Some(t);
            }
            if let Some(Part::Themes(t)) = decoded.part {
                log.partial.themes = Some(t);
            }
        }
        Err(d) => {
            log.leave_out(&themes_rel, std::slice::from_ref(&d));
            log.diags.push(d);
        }
    }
    let kinds = [
        (ACTIONS_DIR, RecordKind::Action),
        (TIMELINE_DIR, RecordKind::Milestone),
    ];
    let mut entries = Vec::new();
    for ((dir, kind), names) in kinds.into_iter().zip(listed) {
        // Files are read and decoded in parallel; the results are taken in name order, so findings
        // come out in the same order on every run.
        let loaded: Vec<FileLoad> = names
            .par_iter()
            .map(|(name, entry)| one(kind, &Path::new(dir).join(name), name, entry.as_ref()))
            .collect();
        for ((name, _), mut file) in names.iter().zip(loaded) {
            if let Some(entry) = file.entry.take() {
                entries.push((Path::new(dir).join(name), entry));
            }
            log.add(kind, name, file);
        }
    }
    log.actions.sort_by_key(|a| a.value.id);
    log.milestones.sort_by(|a, b| a.value.id.cmp(&b.value.id));
    entries
}

/// The entries of `root/dir` with their names, sorted; a missing folder is an empty one.
fn list_dir(root: &Path, dir: &str, diags: &mut Vec<Diagnostic>) -> Result<Vec<Listed>> {
    let path = root.join(dir);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        diags.push(linked_folder(dir));
        return Ok(Vec::new());
    }
    let entries = match std::fs::read_dir(&path) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot list {}", path.display())),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", path.display()))?;
        match entry.file_name().into_string() {
            Ok(name) => names.push((name, Some(entry))),
            Err(raw) => diags.push(Diagnostic::new(
                Code::StrayFile,
                Path::new(dir).join(&raw),
                None,
                "has a file name that is not valid UTF-8".to_string(),
            )),
        }
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(names)
}

/// What loading one record file gave: its findings, and its record if it decoded.
pub(super) struct FileLoad {
    pub(super) diags: Vec<Diagnostic>,
    /// Whether the file was read (it counts in [`Log::files`]).
    pub(super) read: bool,
    /// Whether the file was read but left unparsed (see [`load_where`]).
    pub(super) skipped: bool,
    // Boxed: a whole log's loads are collected at once, and moving 10,000 records inline costs more
    // than allocating each.
    pub(super) record: Option<Box<Record>>,
    pub(super) part: Option<Box<Part>>,
    /// What the log's index keeps of the file, when it keeps it.
    pub(super) entry: Option<Entry>,
}

impl FileLoad {
    /// Leave the file out of the answer as if it had been read and not parsed.
    pub(super) fn set_aside(&mut self) {
        self.diags.clear();
        self.skipped = true;
        self.record = None;
        self.part = None;
    }
}

pub(super) fn load_file(
    kind: RecordKind,
    rel: &Path,
    name: &str,
    read: &ReadFn,
    is_dir: &IsDirFn,
    keep: &KeepFn,
) -> FileLoad {
    let mut out = FileLoad {
        diags: Vec::new(),
        read: false,
        skipped: false,
        record: None,
        part: None,
        entry: None,
    };
    if matches!(name, ".gitkeep" | ".keep") {
        return out;
    }
    if is_temporary(name) {
        out.diags.push(journal::leftover(rel));
        return out;
    }
    let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    if !is_yaml || name.starts_with('.') {
        let what = if kind == RecordKind::Action {
            "an action"
        } else {
            "a milestone"
        };
        let msg = if is_dir(rel) {
            format!("is a folder, not {what}")
        } else {
            format!("is not {what} file (records are .yaml files)")
        };
        out.diags.push(
            Diagnostic::new(Code::StrayFile, rel, None, msg)
                .with_hint("move it out of this folder"),
        );
        return out;
    }
    let src = match read(rel) {
        Ok(s) => s,
        Err(d) => {
            out.diags.push(d);
            return out;
        }
    };
    out.read = true;
    if !keep(kind, name, &src.text) {
        out.skipped = true;
        return out;
    }
    let decoded = decode(kind, rel, &src);
    out.diags = decoded.diags;
    // A file's name is checked against whatever decoded of its id, whole record or not.
    let named = match (&decoded.record, &decoded.part) {
        (Some(Record::Action(a)), _) => check_action_name(rel, &a.spans, Some(a.value.id), name),
        (_, Some(Part::Action(a))) => check_action_name(rel, &a.spans, a.value.id, name),
        (Some(Record::Milestone(m)), _) => {
            let v = &m.value;
            check_milestone_name(rel, &m.spans, Some(&v.id), Some(v.date), name)
        }
        (_, Some(Part::Milestone(m))) => {
            let v = &m.value;
            check_milestone_name(rel, &m.spans, v.id.as_deref(), v.date, name)
        }
        _ => Vec::new(),
    };
    out.diags.extend(named);
    out.record = decoded.record.map(Box::new);
    out.part = decoded.part.map(Box::new);
    out
}

impl Log {
    /// This log as it will be once the record files `files` (each `(from, to, text)`, relative to
    /// the root) are written, without reading anything: what `from` held, its record and its
    /// findings, gives way to what loading `text` from `to` gives, as [`load`] would load it.
    pub fn with_files(&self, files: &[(&Path, &Path, &str)]) -> Log {
        let gone: BTreeSet<&Path> = files.iter().map(|(from, _, _)| *from).collect();
        let mut out = self.clone();
        for from in &gone {
            out.forget_claims(self, from);
        }
        let kept = |file: &Path| !gone.contains(file);
        out.actions.retain(|a| kept(&a.file));
        out.milestones.retain(|m| kept(&m.file));
        out.partial.actions.retain(|a| kept(&a.file));
        out.partial.milestones.retain(|m| kept(&m.file));
        out.diags.retain(|d| kept(&d.file));
        out.left_out.retain(|l| kept(&l.file));
        out.files = out.files.saturating_sub(gone.len());
        for (_, to, text) in files {
            let kind = match to.starts_with(TIMELINE_DIR) {
                true => RecordKind::Milestone,
                false => RecordKind::Action,
            };
            let name = to.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let read = |_: &Path| {
                Ok(Source {
                    text: text.to_string(),
                    had_bom: false,
                    had_crlf: false,
                })
            };
            let file = load_file(kind, to, name, &read, &|_| false, &|_, _, _| true);
            out.add(kind, name, file);
        }
        out.actions.sort_by_key(|a| a.value.id);
        out.milestones.sort_by(|a, b| a.value.id.cmp(&b.value.id));
        out
    }

    /// The part of the log in the files `keep` accepts: their records, parts and findings, with
    /// the log's themes and the numbers and ids its unreadable files claim. What a check of a few
    /// files reads instead of a copy of the whole log (see `validate::reach`).
    pub fn part(&self, keep: impl Fn(&Path) -> bool) -> Log {
        let partial = Partial {
            themes: self.partial.themes.clone(),
            actions: kept(&self.partial.actions, |a| keep(&a.file)),
            milestones: kept(&self.partial.milestones, |m| keep(&m.file)),
        };
        let actions = kept(&self.actions, |a| keep(&a.file));
        let milestones = kept(&self.milestones, |m| keep(&m.file));
        Log {
            root: self.root.clone(),
            themes: self.themes.clone(),
            files: actions.len()
                + milestones.len()
                + partial.actions.len()
                + partial.milestones.len(),
            actions,
            milestones,
            unreadable_ids: self.unreadable_ids.clone(),
            unreadable_milestones: self.unreadable_milestones.clone(),
            partial,
            left_out: kept(&self.left_out, |l| keep(&l.file)),
            diags: kept(&self.diags, |d| keep(&d.file)),
        }
    }

    /// Drop the number or milestone id that the file `from` of `loaded` claimed by its name (see
    /// [`Log::add`]), if it claimed one.
    fn forget_claims(&mut self, loaded: &Log, from: &Path) {
        let Some(stem) = from
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| n.trim_end_matches(".yaml").trim_end_matches(".yml"))
        else {
            return;
        };
        let left_out = loaded.left_out.iter().any(|l| l.file == from);
        if from.starts_with(TIMELINE_DIR) {
            if let Some(i) = self.unreadable_milestones.iter().position(|m| m == stem) {
                if left_out {
                    self.unreadable_milestones.remove(i);
                }
            }
            return;
        }
        let Ok(n) = stem.parse::<u32>() else { return };
        let mismatched = loaded
            .actions
            .iter()
            .any(|a| a.file == from && a.value.id != n);
        if let Some(i) = self.unreadable_ids.iter().position(|m| *m == n) {
            if left_out || mismatched {
                self.unreadable_ids.remove(i);
            }
        }
    }

    /// Take in what loading the record file `name` gave.
    fn add(&mut self, kind: RecordKind, name: &str, file: FileLoad) {
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        let unreadable = yaml && !name.starts_with('.') && !file.skipped && file.record.is_none();
        self.files += usize::from(file.read);
        if unreadable {
            let dir = match kind {
                RecordKind::Action => ACTIONS_DIR,
                _ => TIMELINE_DIR,
            };
            self.leave_out(&Path::new(dir).join(name), &file.diags);
        }
        self.diags.extend(file.diags);
        match file.record.map(|r| *r) {
            Some(Record::Action(a)) => {
                // A file whose id disagrees with its name claims the name's number too, so that
                // references to that number are not reported as dangling on top of the mismatch.
                let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
                if let Some(n) = stem.parse::<u32>().ok().filter(|n| *n != a.value.id) {
                    self.unreadable_ids.push(n);
                }
                self.actions.push(a)
            }
            Some(Record::Milestone(m)) => self.milestones.push(m),
            Some(Record::Themes(_)) => {}
            None if unreadable => {
                let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
                match kind {
                    RecordKind::Action => self.unreadable_ids.extend(stem.parse::<u32>().ok()),
                    _ => self.unreadable_milestones.push(stem.to_string()),
                }
            }
            None => {}
        }
        match file.part.map(|p| *p) {
            Some(Part::Action(a)) => self.partial.actions.push(a),
            Some(Part::Milestone(m)) => self.partial.milestones.push(m),
            Some(Part::Themes(_)) | None => {}
        }
    }
}

impl Log {
    /// Note that `file` did not load, for the errors among `diags`.
    fn leave_out(&mut self, file: &Path, diags: &[Diagnostic]) {
        let mut codes = Vec::new();
        for d in diags.iter().filter(|d| d.severity == Severity::Error) {
            if !codes.contains(&d.code) {
                codes.push(d.code);
            }
        }
        self.left_out.push(LeftOut {
            file: file.to_path_buf(),
            codes,
        });
    }
}

/// Copies of the items of `items` that `keep` accepts.
fn kept<T: Clone>(items: &[T], keep: impl Fn(&T) -> bool) -> Vec<T> {
    items.iter().filter(|i| keep(i)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_mentioned_only_as_a_whole_run_of_digits() {
        assert!(mentions_number("links: [42]", 42));
        assert!(mentions_number("id: 42\n", 42));
        assert!(mentions_number("42", 42));
        assert!(mentions_number("links: [142, 42]", 42));
        assert!(!mentions_number("links: [142, 420]", 42));
        assert!(!mentions_number("raised: 2019-04.2", 2));
        assert!(!mentions_number("version 4.2", 42));
    }

    /// The rule said another way: `n`'s digits found anywhere, with neither a digit nor a dot on
    /// either side.
    fn by_substring(text: &str, n: u32) -> bool {
        let digits = n.to_string();
        let bytes = text.as_bytes();
        let fits = |at: usize| {
            let end = at + digits.len();
            let before = at == 0 || !bytes[at - 1].is_ascii_digit() && bytes[at - 1] != b'.';
            let after = end == bytes.len() || !bytes[end].is_ascii_digit() && bytes[end] != b'.';
            before && after
        };
        text.match_indices(&digits).any(|(at, _)| fits(at))
    }

    proptest::proptest! {
        #[test]
        fn numbers_in_finds_what_mentions_number_finds(
            text in "[0-9. ,\\[\\]a-z:\n-]{0,40}",
            n in 0u32..1200,
        ) {
            proptest::prop_assert_eq!(
                mentions_number(&text, n),
                by_substring(&text, n),
                "{:?} and {}", text, n
            );
        }
    }

    #[test]
    fn numbers_in_gives_every_whole_number_once_per_mention() {
        let found: Vec<u32> =
            numbers_in("id: 42\nlinks: [1, 042, 4.2, 7., 99999999999, 0, 13]").collect();
        assert_eq!(found, [42, 1, 0, 13]);
    }

    #[test]
    fn loading_in_parallel_keeps_the_order_of_findings() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join(THEMES_FILE),
            "themes:\n  - key: t\n    name: T\n    colour: \"#000000\"\n",
        )
        .unwrap();
        std::fs::create_dir(root.join(ACTIONS_DIR)).unwrap();
        for n in 1..=200 {
            let text = format!("id: {n}\ntitle: x\ntheme: t\nraised: 2019-01\nstatus: wrong\n");
            std::fs::write(root.join(ACTIONS_DIR).join(Action::file_name(n)), text).unwrap();
        }
        let files: Vec<_> = load(root)
            .unwrap()
            .diags
            .iter()
            .map(|d| d.file.clone())
            .collect();
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files.len(), 200);
        assert_eq!(files, sorted);
    }

    #[test]
    fn load_where_parses_only_the_files_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join(ACTIONS_DIR)).unwrap();
        std::fs::write(root.join(ACTIONS_DIR).join("001.yaml"), "id: 1\nbroken: [").unwrap();
        std::fs::write(root.join(ACTIONS_DIR).join("002.yaml"), "id: 2\nbroken: [").unwrap();
        let log = load_where(root, &|_, name, _| name == "002.yaml").unwrap();
        let files: Vec<_> = log.diags.iter().map(|d| d.file.clone()).collect();
        assert!(files.contains(&PathBuf::from("actions/002.yaml")));
        assert!(!files.contains(&PathBuf::from("actions/001.yaml")));
        assert_eq!(log.unreadable_ids, vec![2]);
    }

    #[test]
    fn a_log_with_files_written_is_the_log_loaded_from_them() {
        let themes = "themes:\n  - key: t\n    name: T\n    colour: \"#000000\"\n";
        let action = |id: u32, extra: &str| {
            format!(
                "id: {id}\ntitle: Action {id}\ntheme: t\nraised: 2019-01\nstatus: ongoing\n{extra}"
            )
        };
        let mut files: BTreeMap<PathBuf, String> = [
            ("themes.yaml", themes.to_string()),
            ("actions/001.yaml", action(1, "links: [9]\n")),
            ("actions/002.yaml", "id: 2\nbroken: [".to_string()),
            ("actions/003.yaml", action(4, "")),
            ("actions/copy.yaml", action(1, "")),
            (
                "timeline/2019-09-x.yaml",
                "id: 2019-09-x\nkind: nope\n".to_string(),
            ),
        ]
        .into_iter()
        .map(|(p, t)| (PathBuf::from(p), t))
        .collect();
        let load = |files: &BTreeMap<PathBuf, String>| {
            load_files(
                Path::new("."),
                files
                    .iter()
                    .map(|(p, t)| (p.clone(), t.clone().into_bytes())),
            )
        };
        let before = load(&files);
        assert_eq!(before.unreadable_ids, vec![2, 3]);
        assert_eq!(before.unreadable_milestones, vec!["2019-09-x"]);
        // A fix in place, a broken file mended, a mismatched name renamed, a copy moved, a
        // milestone mended, and an action that breaks.
        let writes = [
            ("actions/001.yaml", "actions/001.yaml", action(1, "")),
            ("actions/002.yaml", "actions/002.yaml", action(2, "")),
            ("actions/003.yaml", "actions/004.yaml", action(4, "")),
            (
                "actions/copy.yaml",
                "actions/005.yaml",
                action(5, "links: [77]\n"),
            ),
            (
                "timeline/2019-09-x.yaml",
                "timeline/2019-09-x.yaml",
                "id: 2019-09-x\ndate: 2019-09\nkind: report\ntitle: X\nstatus: planned\n"
                    .to_string(),
            ),
        ];
        let after = before.with_files(
            &writes
                .iter()
                .map(|(f, t, text)| (Path::new(*f), Path::new(*t), text.as_str()))
                .collect::<Vec<_>>(),
        );
        for (from, to, text) in &writes {
            files.remove(Path::new(*from));
            files.insert(PathBuf::from(to), text.clone());
        }
        let loaded = load(&files);
        let sorted = |l: &Log| {
            let mut d: Vec<String> = l.diags.iter().map(|d| format!("{d:?}")).collect();
            d.sort();
            d
        };
        assert_eq!(sorted(&after), sorted(&loaded));
        let ids = |l: &Log| -> Vec<(u32, PathBuf)> {
            l.actions
                .iter()
                .map(|a| (a.value.id, a.file.clone()))
                .collect()
        };
        assert_eq!(ids(&after), ids(&loaded));
        assert_eq!(after.unreadable_ids, loaded.unreadable_ids);
        assert_eq!(after.unreadable_milestones, loaded.unreadable_milestones);
        assert_eq!(after.left_out, loaded.left_out);
        assert_eq!(after.milestones.len(), loaded.milestones.len());
        assert_eq!(after.files, loaded.files);
    }
}
