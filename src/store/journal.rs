//! Writes of several files (renumber, fmt, splitting a merge conflict), all or nothing, and what
//! happens after a crash in the middle of one.
//!
//! Before it changes any file, a write records every file it will write (with its whole new text)
//! and every file it will remove in `.oslog-journal` in the log root, written atomically and synced.
//! Then it writes each file (temporary file, sync, rename; a name that did not exist is created only
//! if it still does not, so the write never replaces a file it did not read), syncs the folders,
//! removes the old names, and removes the journal last. A write that fails midway is undone from the
//! old contents it kept. A process killed midway leaves the journal, and the next writing command (or
//! `oslog recover`), holding the lock, completes it: every file in the journal gets its new text and
//! every old name goes, so the log is wholly in the new state. Before the journal is complete on disk
//! nothing has changed, and after it the new state is always reachable; the log is never left half
//! old and half new.

use super::atomic::{self, is_temporary, path_in, sync_folder};
use super::fault;
use super::lock::Lock;
use super::{ACTIONS_DIR, MAX_FILE_BYTES, THEMES_FILE, TIMELINE_DIR};
use crate::diag::{Code, Diagnostic};
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// The journal's name in the log root.
pub const JOURNAL_FILE: &str = ".oslog-journal";

const FORMAT: &str = "oslog-journal 1";

/// The largest journal oslog reads back: the texts of a very large log, with room to spare.
const MAX_JOURNAL_BYTES: u64 = 1 << 30;

/// One file of a [`replace_all`], relative to the log root: `contents` goes to `to`, and `from`, when
/// no file of the write goes there, is removed (a rename). `from` is a file the caller read.
pub struct Replacement<'a> {
    pub from: &'a Path,
    pub to: &'a Path,
    pub contents: &'a str,
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    format: String,
    writes: Vec<Entry>,
    removes: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// The file, relative to the log root, with `/` between names.
    file: String,
    /// Whether the file did not exist when the write was planned: it is created only if it still
    /// does not.
    new: bool,
    text: String,
}

/// What a recovery did.
#[derive(Debug, Default)]
pub struct Recovery {
    /// The files an interrupted write was writing and removing, now written and removed.
    pub completed: Option<(Vec<PathBuf>, Vec<PathBuf>)>,
    /// Temporary files of interrupted writes that were removed.
    pub temporary: Vec<PathBuf>,
}

impl Recovery {
    /// Whether there was nothing to recover.
    pub fn is_empty(&self) -> bool {
        self.completed.is_none() && self.temporary.is_empty()
    }
}

/// Write several files all or nothing (see the module's description). Every `from` must be a file
/// the caller read; a `to` that is no `from` must not exist, and if it appears meanwhile the write is
/// undone and refused.
pub fn replace_all(lock: &Lock, files: &[Replacement]) -> Result<()> {
    let root = lock.root();
    let journal = Journal::plan(files)?;
    for e in journal.writes.iter().filter(|e| e.new) {
        if std::fs::symlink_metadata(path_in(root, Path::new(&e.file))?).is_ok() {
            bail!(
                "{} already exists, but this write was to create it; nothing was changed",
                e.file
            );
        }
    }
    let old = journal.old_contents(root)?;
    match (journal.writes.as_slice(), journal.removes.is_empty()) {
        ([], true) => return Ok(()),
        // One file needs no journal: its rename is the whole write.
        ([e], true) => {
            let path = path_in(root, Path::new(&e.file))?;
            if e.new && !atomic::create_new(&path, &e.text)? {
                bail!("{} already exists; nothing was changed", e.file);
            } else if !e.new {
                atomic::write_atomic(&path, &e.text)?;
            }
            return Ok(());
        }
        _ => {}
    }
    let at = path_in(root, Path::new(JOURNAL_FILE))?;
    if std::fs::symlink_metadata(&at).is_ok() {
        bail!("{JOURNAL_FILE} exists: an earlier write was interrupted; run `oslog recover` first");
    }
    let text = serde_json::to_string(&journal)?;
    atomic::write_atomic(&at, &text).map_err(|e| anyhow!("{e:#}; nothing was changed"))?;
    let applied = fault::point("journal-written").and_then(|()| journal.apply(root, false));
    if let Err(e) = applied {
        return match journal.undo(root, &old) {
            Ok(()) => {
                // Left in place, the journal would have the next command complete the write.
                let removed = std::fs::remove_file(&at)
                    .map_err(anyhow::Error::from)
                    .and_then(|()| sync_folder(root));
                removed.with_context(|| {
                    format!("{e:#}; the files are as they were, but {JOURNAL_FILE} could not be removed: remove it before running oslog again")
                })?;
                Err(anyhow!("{e:#}; nothing was changed"))
            }
            Err(undo) => Err(anyhow!(
                "{e:#}; undoing it failed too ({undo:#}), so the write is left in {JOURNAL_FILE}: run `oslog recover` to complete it"
            )),
        };
    }
    finish(root, &at)
}

/// Remove the journal of a write that is complete, durably.
fn finish(root: &Path, journal: &Path) -> Result<()> {
    std::fs::remove_file(journal).with_context(|| {
        format!("the write is complete, but {JOURNAL_FILE} could not be removed")
    })?;
    sync_folder(root)
}

impl Journal {
    fn plan(files: &[Replacement]) -> Result<Journal> {
        let read: BTreeSet<&Path> = files.iter().map(|f| f.from).collect();
        let mut targets = BTreeSet::new();
        let mut writes = Vec::new();
        for f in files {
            if !targets.insert(f.to) {
                bail!("two files of one write go to {}", f.to.display());
            }
            writes.push(Entry {
                file: slashed(f.to)?,
                new: !read.contains(f.to),
                text: f.contents.to_string(),
            });
        }
        let removes = read
            .iter()
            .filter(|p| !targets.contains(*p))
            .map(|p| slashed(p))
            .collect::<Result<_>>()?;
        let journal = Journal {
            format: FORMAT.to_string(),
            writes,
            removes,
        };
        journal.check()?;
        Ok(journal)
    }

    /// Refuse a journal that writes outside the record files, or that is not whole.
    fn check(&self) -> Result<()> {
        if self.format != FORMAT {
            bail!("it is not in the format `{FORMAT}`");
        }
        let mut seen = BTreeSet::new();
        for file in self.writes.iter().map(|e| &e.file).chain(&self.removes) {
            if !is_record_path(Path::new(file)) {
                bail!("{file} is not a record file of the log");
            }
            if !seen.insert(file) {
                bail!("{file} is named twice");
            }
        }
        if let Some(e) = self
            .writes
            .iter()
            .find(|e| e.text.len() as u64 > MAX_FILE_BYTES)
        {
            bail!("the text for {} is over the size limit", e.file);
        }
        Ok(())
    }

    /// The current bytes of every file the write read, for undoing it.
    fn old_contents(&self, root: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
        let read = self
            .writes
            .iter()
            .filter(|e| !e.new)
            .map(|e| &e.file)
            .chain(&self.removes);
        let mut old = BTreeMap::new();
        for file in read {
            if let Some(bytes) = read_if_there(&path_in(root, Path::new(file))?)? {
                old.insert(file.clone(), bytes);
            }
        }
        Ok(old)
    }

    /// Write every file and remove every old name. When `recovering`, a file that already has its new
    /// text is left alone, and a new name that holds something else is refused.
    fn apply(&self, root: &Path, recovering: bool) -> Result<()> {
        let mut folders = BTreeSet::new();
        // New names first, so that a refused one leaves nothing to undo but other new names.
        let ordered = self
            .writes
            .iter()
            .filter(|e| e.new)
            .chain(self.writes.iter().filter(|e| !e.new));
        for e in ordered {
            let path = path_in(root, Path::new(&e.file))?;
            if recovering {
                match read_if_there(&path)? {
                    Some(b) if b == e.text.as_bytes() => continue,
                    Some(_) if e.new => bail!(
                        "{} exists and is not the file the interrupted write was creating; move it out of the log, then run `oslog recover` again",
                        e.file
                    ),
                    _ => {}
                }
            }
            let tmp = atomic::temp_in(&path, &e.text)?;
            let persisted = if e.new {
                tmp.persist_noclobber(&path)
            } else {
                tmp.persist(&path)
            };
            match persisted {
                Ok(_) => {}
                Err(err) if e.new && err.error.kind() == std::io::ErrorKind::AlreadyExists => {
                    bail!(
                        "{} appeared while oslog was writing (another program wrote it); it was left as it is",
                        e.file
                    )
                }
                Err(err) => {
                    return Err(err.error).with_context(|| format!("cannot write {}", e.file))
                }
            }
            folders.insert(folder(&path));
            fault::point("journal-renamed")?;
        }
        sync_all(&folders)?;
        for file in &self.removes {
            let path = path_in(root, Path::new(file))?;
            fault::write_point()?;
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("cannot remove {file}")),
            }
            folders.insert(folder(&path));
            fault::point("journal-removed")?;
        }
        sync_all(&folders)?;
        fault::point("journal-applied")
    }

    /// Put back what a failed write changed: old texts where it wrote or removed a file it read, and
    /// no file where it created one (only if it is still the one it created).
    fn undo(&self, root: &Path, old: &BTreeMap<String, Vec<u8>>) -> Result<()> {
        let mut folders = BTreeSet::new();
        let files = self
            .writes
            .iter()
            .map(|e| (&e.file, Some(&e.text)))
            .chain(self.removes.iter().map(|f| (f, None)));
        for (file, new) in files {
            let path = path_in(root, Path::new(file))?;
            let now = read_if_there(&path)?;
            match old.get(file) {
                Some(bytes) if now.as_ref() != Some(bytes) => atomic::restore(&path, bytes)?,
                None if now.is_some() && now.as_deref() == new.map(|t| t.as_bytes()) => {
                    std::fs::remove_file(&path)?
                }
                _ => continue,
            }
            folders.insert(folder(&path));
        }
        sync_all(&folders)
    }
}

/// Complete an interrupted write from its journal, and remove the temporary files of killed writes.
/// The lock proves no other write is under way, so every temporary file is a leftover.
pub fn recover(lock: &Lock) -> Result<Recovery> {
    let root = lock.root();
    let mut done = Recovery::default();
    if let Some(journal) = read_journal(root)? {
        journal.apply(root, true).with_context(|| {
            format!("cannot complete the interrupted write recorded in {JOURNAL_FILE}")
        })?;
        finish(root, &root.join(JOURNAL_FILE))?;
        let written = journal.writes.iter().map(|e| PathBuf::from(&e.file));
        let removed = journal.removes.iter().map(PathBuf::from);
        done.completed = Some((written.collect(), removed.collect()));
    }
    for dir in ["", ACTIONS_DIR, TIMELINE_DIR] {
        let folder = root.join(dir);
        let mut removed = false;
        for name in temporaries(&folder) {
            let path = folder.join(&name);
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
            done.temporary.push(Path::new(dir).join(name));
            removed = true;
        }
        if removed {
            sync_folder(&folder)?;
        }
    }
    Ok(done)
}

fn read_journal(root: &Path) -> Result<Option<Journal>> {
    let path = root.join(JOURNAL_FILE);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let refuse = |why: String| {
        anyhow!("{JOURNAL_FILE} in the log root is not a journal oslog can complete ({why}); look at it (it names the files an interrupted write was writing), then remove it")
    };
    if !meta.is_file() {
        return Err(refuse("it is not a regular file".into()));
    }
    if meta.len() > MAX_JOURNAL_BYTES {
        return Err(refuse(format!(
            "it is larger than {MAX_JOURNAL_BYTES} bytes"
        )));
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let journal: Journal = serde_json::from_str(&text).map_err(|e| refuse(e.to_string()))?;
    journal.check().map_err(|e| refuse(e.to_string()))?;
    Ok(Some(journal))
}

/// The names of oslog's temporary files in `folder` (not following a link to it).
fn temporaries(folder: &Path) -> Vec<String> {
    if !std::fs::symlink_metadata(folder).is_ok_and(|m| m.is_dir()) {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_temporary(n))
        .collect();
    names.sort();
    names
}

/// The finding for a temporary file left by an interrupted write, at `rel` under the log root.
pub fn leftover(rel: &Path) -> Diagnostic {
    Diagnostic::new(
        Code::InterruptedWrite,
        rel,
        None,
        "is a temporary file left by an oslog write that was interrupted",
    )
    .with_hint("run: oslog recover (it removes the file)")
}

/// What an interrupted write left in the log root: its journal and temporary files. Those in
/// `actions/` and `timeline/` are found where the folders are listed ([`leftover`]).
pub fn root_findings(root: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if std::fs::symlink_metadata(root.join(JOURNAL_FILE)).is_ok() {
        out.push(
            Diagnostic::new(
                Code::InterruptedWrite,
                JOURNAL_FILE,
                None,
                "is the journal of an oslog write of several files that was interrupted: some may be old and some new",
            )
            .with_hint("run: oslog recover (it completes the write from this journal)"),
        );
    }
    out.extend(temporaries(root).iter().map(|n| leftover(Path::new(n))));
    out
}

/// `themes.yaml`, or a `.yaml` (or `.yml`) name directly in `actions/` or `timeline/`: the only
/// files a journal may write or remove.
fn is_record_path(p: &Path) -> bool {
    let parts: Vec<Component> = p.components().collect();
    let name = |c: &Component| c.as_os_str().to_str().map(str::to_string);
    match parts.as_slice() {
        [Component::Normal(f)] => *f == THEMES_FILE,
        [Component::Normal(d), f @ Component::Normal(_)] => {
            (*d == ACTIONS_DIR || *d == TIMELINE_DIR)
                && name(f).is_some_and(|n| {
                    (n.ends_with(".yaml") || n.ends_with(".yml")) && !n.starts_with('.')
                })
        }
        _ => false,
    }
}

fn slashed(p: &Path) -> Result<String> {
    let parts: Option<Vec<&str>> = p.components().map(|c| c.as_os_str().to_str()).collect();
    parts
        .map(|ps| ps.join("/"))
        .ok_or_else(|| anyhow!("{} is not a UTF-8 path", p.display()))
}

fn read_if_there(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn folder(path: &Path) -> PathBuf {
    path.parent().unwrap_or(Path::new(".")).to_path_buf()
}

fn sync_all(folders: &BTreeSet<PathBuf>) -> Result<()> {
    folders.iter().try_for_each(|f| sync_folder(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn log() -> (tempfile::TempDir, Lock) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(ACTIONS_DIR)).unwrap();
        for n in 1..=3 {
            let f = dir.path().join(format!("actions/00{n}.yaml"));
            std::fs::write(f, format!("id: {n}\n")).unwrap();
        }
        let lock = Lock::acquire(dir.path(), Duration::ZERO).unwrap();
        (dir, lock)
    }

    fn files(root: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(root.join(ACTIONS_DIR))
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                let text = std::fs::read_to_string(e.path()).unwrap();
                (e.file_name().into_string().unwrap(), text)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn renames_swaps_and_removals_happen_together_and_leave_no_journal() {
        let (dir, lock) = log();
        let p = |s: &'static str| Path::new(s);
        let w = [
            // 1 and 2 swap files; 3 moves to a new name.
            Replacement {
                from: p("actions/001.yaml"),
                to: p("actions/002.yaml"),
                contents: "id: 2\n# was 1\n",
            },
            Replacement {
                from: p("actions/002.yaml"),
                to: p("actions/001.yaml"),
                contents: "id: 1\n# was 2\n",
            },
            Replacement {
                from: p("actions/003.yaml"),
                to: p("actions/009.yaml"),
                contents: "id: 9\n",
            },
        ];
        replace_all(&lock, &w).unwrap();
        assert_eq!(
            files(dir.path()),
            [
                ("001.yaml".to_string(), "id: 1\n# was 2\n".to_string()),
                ("002.yaml".to_string(), "id: 2\n# was 1\n".to_string()),
                ("009.yaml".to_string(), "id: 9\n".to_string()),
            ]
        );
        assert!(!dir.path().join(JOURNAL_FILE).exists());
    }

    #[test]
    fn a_new_name_that_exists_is_refused_before_anything_changes() {
        let (dir, lock) = log();
        std::fs::write(dir.path().join("actions/009.yaml"), "someone else's\n").unwrap();
        let before = files(dir.path());
        let w = [
            Replacement {
                from: Path::new("actions/001.yaml"),
                to: Path::new("actions/001.yaml"),
                contents: "id: 1\nx\n",
            },
            Replacement {
                from: Path::new("actions/003.yaml"),
                to: Path::new("actions/009.yaml"),
                contents: "id: 9\n",
            },
        ];
        let err = replace_all(&lock, &w).unwrap_err().to_string();
        assert!(err.contains("actions/009.yaml already exists"), "{err}");
        assert_eq!(files(dir.path()), before);
    }

    #[test]
    fn a_journal_is_completed_and_temporary_files_are_removed() {
        let (dir, lock) = log();
        let journal = Journal {
            format: FORMAT.into(),
            writes: vec![Entry {
                file: "actions/009.yaml".into(),
                new: true,
                text: "id: 9\n".into(),
            }],
            removes: vec!["actions/003.yaml".into()],
        };
        let text = serde_json::to_string(&journal).unwrap();
        std::fs::write(dir.path().join(JOURNAL_FILE), text).unwrap();
        std::fs::write(dir.path().join("actions/.oslog-AbCdEf.tmp"), "id: 9\n").unwrap();
        assert_eq!(root_findings(dir.path()).len(), 1);
        let done = recover(&lock).unwrap();
        assert_eq!(
            done.completed,
            Some((
                vec![PathBuf::from("actions/009.yaml")],
                vec![PathBuf::from("actions/003.yaml")]
            ))
        );
        assert_eq!(
            done.temporary,
            vec![PathBuf::from("actions/.oslog-AbCdEf.tmp")]
        );
        let names: Vec<String> = files(dir.path()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["001.yaml", "002.yaml", "009.yaml"]);
        assert!(root_findings(dir.path()).is_empty());
        assert!(recover(&lock).unwrap().is_empty());
    }

    #[test]
    fn a_journal_that_writes_elsewhere_is_refused() {
        let (dir, lock) = log();
        for file in [
            "../outside.yaml",
            "/etc/x.yaml",
            "actions/../../x.yaml",
            "README.md",
            "actions/sub/x.yaml",
            "actions/.oslog-x.yaml",
            ".oslog-journal",
        ] {
            let text = format!(
                "{{\"format\":\"{FORMAT}\",\"writes\":[{{\"file\":\"{file}\",\"new\":true,\"text\":\"x\"}}],\"removes\":[]}}"
            );
            std::fs::write(dir.path().join(JOURNAL_FILE), text).unwrap();
            let err = recover(&lock).unwrap_err().to_string();
            assert!(
                err.contains("is not a journal oslog can complete"),
                "{file}: {err}"
            );
        }
        assert!(!dir.path().parent().unwrap().join("outside.yaml").exists());
        for file in [
            "themes.yaml",
            "actions/016.yaml",
            "actions/16.yml",
            "timeline/x.yaml",
        ] {
            assert!(is_record_path(Path::new(file)), "{file}");
        }
    }
}
