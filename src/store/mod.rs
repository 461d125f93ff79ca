//! Reading and writing the log on disk: finding the log root, reading every file under explicit
//! limits, decoding records with their positions, and writing canonical files atomically. Problems in
//! the log's files become findings; only problems with the machine (an unreadable root) are errors.

pub mod decode;
pub mod emit;
mod lock;
mod numbers;
mod write;
pub mod yaml;

pub use decode::Spans;
pub use lock::{Lock, LOCK_FILE, LOCK_TIMEOUT};
pub use numbers::next_free_id;
pub use write::{create_new, path_in, write_atomic};

use crate::diag::{Code, Diagnostic, Pos};
use crate::model::{Action, Milestone, Themes};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The largest file oslog reads; larger files are reported, not read.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The file that marks a log root.
pub const THEMES_FILE: &str = "themes.yaml";
/// The folder of action files.
pub const ACTIONS_DIR: &str = "actions";
/// The folder of milestone files.
pub const TIMELINE_DIR: &str = "timeline";

/// A record as loaded: its value, its file (relative to the root), and where its fields are.
#[derive(Clone, Debug)]
pub struct Loaded<T> {
    pub value: T,
    pub file: PathBuf,
    pub spans: Spans,
    /// Comment lines before the first key, which writers keep.
    pub header: Vec<String>,
    /// Whether the file is byte-for-byte in the canonical layout.
    pub canonical: bool,
}

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
    pub diags: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
}

/// Find the log root: `start` or the nearest folder above it that holds `themes.yaml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = start
        .canonicalize()
        .with_context(|| format!("cannot open folder {}", start.display()))?;
    for dir in start.ancestors() {
        if dir.join(THEMES_FILE).exists() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "no oslog log found: neither {} nor any folder above it holds {THEMES_FILE} (use -C DIR, or `oslog init`)",
        start.display()
    )
}

/// One file's bytes as text, or the finding that says why it cannot be read.
pub struct Source {
    pub text: String,
    /// Byte-level departures from canonical form: a byte-order mark or CRLF line endings.
    pub had_bom: bool,
    pub had_crlf: bool,
}

/// Read a file under the size limit, refusing symlinks, and decode it as UTF-8.
pub fn read_source(root: &Path, rel: &Path) -> Result<Source, Diagnostic> {
    let path = root.join(rel);
    let fail = |code, pos, msg: String| Diagnostic::new(code, rel, pos, msg);
    let meta = std::fs::symlink_metadata(&path)
        .map_err(|e| fail(Code::Io, None, format!("cannot read: {e}")))?;
    if meta.file_type().is_symlink() {
        return Err(fail(
            Code::Symlink,
            None,
            "is a symbolic link; oslog does not follow links in a log".into(),
        )
        .with_hint("replace the link with the file itself"));
    }
    if meta.is_dir() {
        return Err(fail(
            Code::StrayFile,
            None,
            "is a folder where a record file belongs".into(),
        ));
    }
    if !meta.is_file() {
        return Err(fail(
            Code::StrayFile,
            None,
            "is not a regular file (a pipe, socket or device)".into(),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(
            Code::FileTooLarge,
            None,
            format!(
                "is {} bytes; the limit is {MAX_FILE_BYTES} bytes",
                meta.len()
            ),
        ));
    }
    let bytes =
        std::fs::read(&path).map_err(|e| fail(Code::Io, None, format!("cannot read: {e}")))?;
    source_from_bytes(bytes).map_err(|(pos, msg)| fail(Code::InvalidUtf8, Some(pos), msg))
}

/// Decode bytes as UTF-8 text, normalising a byte-order mark and CRLF line endings (which are noted).
pub fn source_from_bytes(bytes: Vec<u8>) -> Result<Source, (Pos, String)> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let last_line = good.rsplit(|b| *b == b'\n').next().unwrap_or_default();
            let col = String::from_utf8_lossy(last_line).chars().count() as u32 + 1;
            let byte = e.as_bytes()[good.len()];
            return Err((
                Pos::new(line, col),
                format!("is not valid UTF-8 (byte 0x{byte:02X} at line {line})"),
            ));
        }
    };
    let had_bom = text.starts_with('\u{feff}');
    let text = if had_bom {
        text['\u{feff}'.len_utf8()..].to_string()
    } else {
        text
    };
    let had_crlf = text.contains("\r\n");
    let text = if had_crlf {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    Ok(Source {
        text,
        had_bom,
        had_crlf,
    })
}

/// What kind of record a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Action,
    Milestone,
    Themes,
}

/// A decoded file of any kind.
pub enum Record {
    Action(Loaded<Action>),
    Milestone(Loaded<Milestone>),
    Themes(Loaded<Themes>),
}

/// Parse and decode one file's text. Returns the record (if it decoded without errors) and every
/// finding about the file itself.
pub fn decode_source(
    kind: RecordKind,
    rel: &Path,
    src: &Source,
) -> (Option<Record>, Vec<Diagnostic>) {
    let doc = match yaml::parse(&src.text) {
        Ok(d) => d,
        Err(e) => {
            let mut d = Diagnostic::new(e.code, rel, e.pos, e.message);
            d.hint = e.hint;
            return (None, vec![d]);
        }
    };
    let mut dec = decode::Decoder::new(rel);
    let record = match kind {
        RecordKind::Action => dec.action(&doc.root).map(|v| {
            let text = emit::action(&v, &doc.header_comments);
            (
                text,
                Box::new(move |l: Loaded<()>| Record::Action(l.with(v)))
                    as Box<dyn FnOnce(Loaded<()>) -> Record>,
            )
        }),
        RecordKind::Milestone => dec.milestone(&doc.root).map(|v| {
            let text = emit::milestone(&v, &doc.header_comments);
            (
                text,
                Box::new(move |l: Loaded<()>| Record::Milestone(l.with(v)))
                    as Box<dyn FnOnce(Loaded<()>) -> Record>,
            )
        }),
        RecordKind::Themes => dec.themes(&doc.root).map(|v| {
            let text = emit::themes(&v, &doc.header_comments);
            (
                text,
                Box::new(move |l: Loaded<()>| Record::Themes(l.with(v)))
                    as Box<dyn FnOnce(Loaded<()>) -> Record>,
            )
        }),
    };
    let mut diags = dec.diags;
    for pos in &doc.interior_comments {
        diags.push(
            Diagnostic::new(Code::CommentNotKept, rel, Some(*pos), "a comment inside a record; oslog's writers keep only comments at the top of a file")
                .with_hint("move the comment above the first key, or into an update"),
        );
    }
    let has_errors = diags
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    let record = match record {
        Some((canonical_text, make)) if !has_errors => {
            let canonical = !src.had_bom
                && !src.had_crlf
                && canonical_text == src.text
                && doc.interior_comments.is_empty();
            // A file with comments inside gets `comment-not-kept` findings instead: `oslog fmt` would
            // refuse to drop those comments, so its hint would mislead.
            if !canonical && doc.interior_comments.is_empty() {
                let why = if src.had_crlf {
                    "has CRLF line endings; the canonical layout uses LF"
                } else if src.had_bom {
                    "starts with a byte-order mark"
                } else {
                    "is not in the canonical layout"
                };
                diags.push(
                    Diagnostic::new(
                        Code::NonCanonical,
                        rel,
                        if src.had_crlf || src.had_bom {
                            Some(Pos::new(1, 1))
                        } else {
                            first_difference(&src.text, &canonical_text)
                        },
                        why.to_string(),
                    )
                    .with_hint("run `oslog fmt`"),
                );
            }
            let shell = Loaded {
                value: (),
                file: rel.to_path_buf(),
                spans: dec.spans,
                header: doc.header_comments,
                canonical,
            };
            Some(make(shell))
        }
        _ => None,
    };
    (record, diags)
}

impl Loaded<()> {
    fn with<T>(self, value: T) -> Loaded<T> {
        Loaded {
            value,
            file: self.file,
            spans: self.spans,
            header: self.header,
            canonical: self.canonical,
        }
    }
}

/// The first line where two texts differ, for pointing at a layout problem.
fn first_difference(a: &str, b: &str) -> Option<Pos> {
    let differs = a.split('\n').zip(b.split('\n')).position(|(x, y)| x != y);
    let line = differs.unwrap_or_else(|| a.split('\n').count().min(b.split('\n').count()));
    Some(Pos::new(line as u32 + 1, 1))
}

/// The action number a canonical action file name stands for: `016.yaml` → 16.
pub fn action_id_from_name(name: &str) -> Option<u32> {
    let stem = name.strip_suffix(".yaml")?;
    let n: u32 = stem
        .parse()
        .ok()
        .filter(|_| stem.bytes().all(|b| b.is_ascii_digit()))?;
    (Action::file_name(n) == name).then_some(n)
}

/// Load the whole log under `root`.
pub fn load(root: &Path) -> Result<Log> {
    let mut log = Log {
        root: root.to_path_buf(),
        ..Log::default()
    };
    let actions = list_dir(root, ACTIONS_DIR, &mut log.diags)?;
    let timeline = list_dir(root, TIMELINE_DIR, &mut log.diags)?;
    fill(
        &mut log,
        [actions, timeline],
        &|rel| read_source(root, rel),
        &|rel| root.join(rel).is_dir(),
    );
    Ok(log)
}

/// Load a log from its files given as (path relative to the root, bytes), such as the files of a
/// commit; `root` only names the log in findings. The same rules apply as for [`load`].
pub fn load_files(root: &Path, files: impl IntoIterator<Item = (PathBuf, Vec<u8>)>) -> Log {
    let files: std::collections::BTreeMap<PathBuf, Vec<u8>> = files.into_iter().collect();
    let names = |dir: &str| -> Vec<String> {
        files
            .keys()
            .filter(|p| p.parent() == Some(Path::new(dir)))
            .filter_map(|p| Some(p.file_name()?.to_str()?.to_string()))
            .collect()
    };
    let read = |rel: &Path| -> Result<Source, Diagnostic> {
        let fail = |code, pos, msg: String| Diagnostic::new(code, rel, pos, msg);
        let bytes = files
            .get(rel)
            .ok_or_else(|| fail(Code::Io, None, "cannot read: not found".into()))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(fail(
                Code::FileTooLarge,
                None,
                format!(
                    "is {} bytes; the limit is {MAX_FILE_BYTES} bytes",
                    bytes.len()
                ),
            ));
        }
        source_from_bytes(bytes.clone())
            .map_err(|(pos, msg)| fail(Code::InvalidUtf8, Some(pos), msg))
    };
    let mut log = Log {
        root: root.to_path_buf(),
        ..Log::default()
    };
    fill(
        &mut log,
        [names(ACTIONS_DIR), names(TIMELINE_DIR)],
        &read,
        &|_| false,
    );
    log
}

type ReadFn<'a> = dyn Fn(&Path) -> Result<Source, Diagnostic> + 'a;

/// Read themes.yaml and the listed record files into `log`.
fn fill(log: &mut Log, listed: [Vec<String>; 2], read: &ReadFn, is_dir: &dyn Fn(&Path) -> bool) {
    let themes_rel = PathBuf::from(THEMES_FILE);
    match read(&themes_rel) {
        Ok(src) => {
            log.files += 1;
            let (rec, diags) = decode_source(RecordKind::Themes, &themes_rel, &src);
            log.diags.extend(diags);
            if let Some(Record::Themes(t)) = rec {
                log.themes = Some(t);
            }
        }
        Err(d) => log.diags.push(d),
    }
    let kinds = [
        (ACTIONS_DIR, RecordKind::Action),
        (TIMELINE_DIR, RecordKind::Milestone),
    ];
    for ((dir, kind), names) in kinds.into_iter().zip(listed) {
        for name in names {
            let rel = Path::new(dir).join(&name);
            load_file(log, kind, &rel, &name, read, is_dir);
        }
    }
    log.actions.sort_by_key(|a| a.value.id);
    log.milestones.sort_by(|a, b| a.value.id.cmp(&b.value.id));
}

/// The names of the entries of `root/dir`, sorted; a missing folder is an empty one.
fn list_dir(root: &Path, dir: &str, diags: &mut Vec<Diagnostic>) -> Result<Vec<String>> {
    let path = root.join(dir);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        // Listing it would read, and writers would write, wherever it points.
        diags.push(
            Diagnostic::new(
                Code::Symlink,
                Path::new(dir),
                None,
                "is a symbolic link; its records are not read".to_string(),
            )
            .with_hint("replace the link with the folder itself"),
        );
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
            Ok(name) => names.push(name),
            Err(raw) => diags.push(Diagnostic::new(
                Code::StrayFile,
                Path::new(dir).join(&raw),
                None,
                "has a file name that is not valid UTF-8".to_string(),
            )),
        }
    }
    names.sort();
    Ok(names)
}

fn load_file(
    log: &mut Log,
    kind: RecordKind,
    rel: &Path,
    name: &str,
    read: &ReadFn,
    is_dir: &dyn Fn(&Path) -> bool,
) {
    if matches!(name, ".gitkeep" | ".keep") {
        return;
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
        log.diags.push(
            Diagnostic::new(Code::StrayFile, rel, None, msg)
                .with_hint("move it out of this folder"),
        );
        return;
    }
    let claimed_id = if kind == RecordKind::Action {
        name.trim_end_matches(".yaml")
            .trim_end_matches(".yml")
            .parse::<u32>()
            .ok()
    } else {
        None
    };
    let src = match read(rel) {
        Ok(s) => s,
        Err(d) => {
            log.diags.push(d);
            log.unreadable_ids.extend(claimed_id);
            if kind == RecordKind::Milestone {
                log.unreadable_milestones
                    .push(name.trim_end_matches(".yaml").to_string());
            }
            return;
        }
    };
    log.files += 1;
    let (rec, diags) = decode_source(kind, rel, &src);
    log.diags.extend(diags);
    match rec {
        Some(Record::Action(a)) => {
            check_action_name(log, &a, name);
            log.actions.push(a);
        }
        Some(Record::Milestone(m)) => {
            check_milestone_name(log, &m, name);
            log.milestones.push(m);
        }
        Some(Record::Themes(_)) => {}
        None => {
            log.unreadable_ids.extend(claimed_id);
            if kind == RecordKind::Milestone {
                log.unreadable_milestones
                    .push(name.trim_end_matches(".yaml").to_string());
            }
        }
    }
}

fn check_action_name(log: &mut Log, a: &Loaded<Action>, name: &str) {
    let expected = Action::file_name(a.value.id);
    if name == expected {
        return;
    }
    let pos = Some(a.spans.get("id"));
    let diag =
        match action_id_from_name(name).or_else(|| name.trim_end_matches(".yml").parse().ok()) {
            Some(n) if n != a.value.id => {
                // The file name claims its number too, so references to it are not dangling.
                log.unreadable_ids.push(n);
                Diagnostic::new(
                    Code::IdMismatch,
                    &a.file,
                    pos,
                    format!("id {} disagrees with the file name {name}", a.value.id),
                )
                .with_hint(format!(
                "the file for action {} is {ACTIONS_DIR}/{expected}; for action {n}, set `id: {n}`",
                a.value.id
            ))
            }
            _ => Diagnostic::new(
                Code::BadFileName,
                &a.file,
                pos,
                format!(
                    "action {} should be in {ACTIONS_DIR}/{expected}",
                    a.value.id
                ),
            )
            .with_hint(format!("rename {name} to {expected}")),
        };
    log.diags.push(diag);
}

fn check_milestone_name(log: &mut Log, m: &Loaded<Milestone>, name: &str) {
    let id = &m.value.id;
    let pos = Some(m.spans.get("id"));
    match crate::model::split_milestone_id(id) {
        None => log.diags.push(
            Diagnostic::new(Code::InvalidMilestoneId, &m.file, pos, format!("milestone id `{id}` is not a date (YYYY-MM or YYYY-MM-DD) followed by a kebab-case slug"))
                .with_hint(format!("for example `{}-open-space-annual-report`", m.value.date)),
        ),
        Some((date, _)) if date != m.value.date => log.diags.push(
            Diagnostic::new(Code::MilestoneDateMismatch, &m.file, pos, format!("milestone id `{id}` starts with {date}, but its date is {}", m.value.date))
                .with_hint("the id begins with the milestone's date; change one of them"),
        ),
        Some(_) => {}
    }
    if name != format!("{id}.yaml") {
        log.diags.push(
            Diagnostic::new(
                Code::IdMismatch,
                &m.file,
                pos,
                format!("id `{id}` disagrees with the file name {name}"),
            )
            .with_hint(format!(
                "the file for this milestone is {TIMELINE_DIR}/{id}.yaml"
            )),
        );
    }
}
