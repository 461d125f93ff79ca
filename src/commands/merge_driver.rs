//! `oslog merge-driver`: the git merge driver for action and milestone files. Git calls it with the
//! common ancestor, our version (which it overwrites with the result) and theirs; it merges them field
//! by field (see `merge.rs`) and writes the canonical result, with conflict markers around only the
//! fields changed differently on both sides. `--install` sets it up for this clone.

use super::{Context, Outcome};
use crate::model::{ACTION_FIELDS, MILESTONE_FIELDS};
use crate::store::{self, emit, Record, RecordKind, ACTIONS_DIR, TIMELINE_DIR};
use anyhow::{bail, Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The line git runs: the ancestor, ours, theirs and the file's path.
pub const DRIVER: &str = "oslog merge-driver %O %A %B %P";

/// The .gitattributes lines that send record files to the driver.
pub const ATTRIBUTES: &str = "actions/*.yaml merge=oslog\ntimeline/*.yaml merge=oslog\n";

/// Merge three versions of an action or milestone file field by field, as a git merge driver.
///
/// Updates appended on both sides are kept, in date order, without duplicates; lists of numbers
/// merge as sets; a field changed on one side takes that side. A field changed on both sides to
/// different values is a conflict: the file is written with conflict markers around that field
/// only, and the exit code is 1, as git expects. The result is canonical. Git runs it; with
/// --install, oslog adds the .gitattributes lines to the log root and sets
/// `merge.oslog.driver` in this clone's configuration.
///
/// Examples:
///   oslog merge-driver --install
///   oslog merge-driver base.yaml ours.yaml theirs.yaml actions/016.yaml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Set the driver up for this clone instead of merging.
    #[arg(long, conflicts_with_all = ["base", "ours", "theirs", "path"])]
    pub install: bool,
    /// The common ancestor's version (%O).
    #[arg(value_name = "BASE", required_unless_present = "install")]
    pub base: Option<PathBuf>,
    /// Our version (%A); the result is written here.
    #[arg(value_name = "OURS", required_unless_present = "install")]
    pub ours: Option<PathBuf>,
    /// Their version (%B).
    #[arg(value_name = "THEIRS", required_unless_present = "install")]
    pub theirs: Option<PathBuf>,
    /// The file's path in the repository (%P), which says whether it is an action or a milestone.
    #[arg(value_name = "PATH", required_unless_present = "install")]
    pub path: Option<PathBuf>,
}

/// Run `oslog merge-driver`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    if args.install {
        return install(ctx, out);
    }
    let (Some(base), Some(ours), Some(theirs), Some(path)) =
        (args.base, args.ours, args.theirs, args.path)
    else {
        bail!("give BASE, OURS, THEIRS and PATH, or --install");
    };
    let at = |p: &Path| ctx.start.join(p);
    let kind = if path.parent().and_then(|p| p.file_name()) == Some(TIMELINE_DIR.as_ref()) {
        RecordKind::Milestone
    } else {
        RecordKind::Action
    };
    let base = read(&at(&base), &path, kind, true)?;
    let (a, header) = read(&at(&ours), &path, kind, false)?.expect("ours is required");
    let (b, _) = read(&at(&theirs), &path, kind, false)?.expect("theirs is required");
    let base = base.map(|(r, _)| r);
    let (ours_text, theirs_text, conflicts, fields) = match (base, a, b) {
        (o, Record::Action(a), Record::Action(b)) => {
            let o = match o {
                Some(Record::Action(o)) => Some(o.value),
                _ => None,
            };
            let m = crate::merge::action(o.as_ref(), &a.value, &b.value);
            let t = (
                emit::action(&m.ours, &header),
                emit::action(&m.theirs, &header),
            );
            (t.0, t.1, m.conflicts, ACTION_FIELDS)
        }
        (o, Record::Milestone(a), Record::Milestone(b)) => {
            let o = match o {
                Some(Record::Milestone(o)) => Some(o.value),
                _ => None,
            };
            let m = crate::merge::milestone(o.as_ref(), &a.value, &b.value);
            let t = (
                emit::milestone(&m.ours, &header),
                emit::milestone(&m.theirs, &header),
            );
            (t.0, t.1, m.conflicts, MILESTONE_FIELDS)
        }
        _ => bail!("{} is not an action or milestone file", path.display()),
    };
    let target = at(&ours);
    if conflicts.is_empty() {
        store::write_atomic(&target, &ours_text)?;
        return Ok(Outcome::Success);
    }
    let text = crate::merge::with_markers(&ours_text, &theirs_text, fields, "ours", "theirs");
    store::write_atomic(&target, &text)?;
    writeln!(
        out,
        "oslog: conflict in {}: {} changed differently on both sides",
        path.display(),
        conflicts.join(", ")
    )?;
    Ok(Outcome::Failure)
}

/// Read and decode one version; an empty file (git's ancestor when both sides added the file) is
/// `None` when `may_be_empty`.
fn read(
    file: &Path,
    path: &Path,
    kind: RecordKind,
    may_be_empty: bool,
) -> Result<Option<(Record, Vec<String>)>> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    if may_be_empty && bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(None);
    }
    let src = store::source_from_bytes(bytes)
        .map_err(|(_, msg)| anyhow::anyhow!("{}: {msg}", path.display()))?;
    let (rec, diags) = store::decode_source(kind, path, &src);
    let Some(rec) = rec else {
        let first = diags.first().map_or(String::new(), |d| d.message.clone());
        bail!(
            "one version of {} does not load ({first}); merge it by hand",
            path.display()
        );
    };
    let header = match &rec {
        Record::Action(a) => a.header.clone(),
        Record::Milestone(m) => m.header.clone(),
        Record::Themes(t) => t.header.clone(),
    };
    Ok(Some((rec, header)))
}

/// Add the attributes lines to the log root's .gitattributes and register the driver.
fn install(ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    write_attributes(&root)?;
    crate::git::install_merge_driver(&root, DRIVER)?;
    writeln!(
        out,
        "merge driver installed: .gitattributes sends {ACTIONS_DIR}/*.yaml and {TIMELINE_DIR}/*.yaml to `{DRIVER}` (merge.oslog.driver, this clone)"
    )?;
    if !on_path("oslog") {
        writeln!(
            out,
            "note: `oslog` is not on PATH, so git cannot run the driver yet; install it with `cargo install --path <oslog source>`"
        )?;
    }
    Ok(Outcome::Success)
}

/// Whether an executable called `name` is in one of the PATH folders, as git will look for it.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
}

/// Make sure the log root's .gitattributes has the merge lines, keeping what else it holds.
pub fn write_attributes(root: &Path) -> Result<()> {
    store::add_lines(
        &store::path_in(root, Path::new(".gitattributes"))?,
        ATTRIBUTES,
    )
}
