//! `oslog merge-driver`: the git merge driver for action and milestone files. Git calls it with the
//! common ancestor, our version (which it overwrites with the result) and theirs; it merges them field
//! by field (see `write/merge.rs`) and writes the canonical result atomically, with conflict markers
//! around only the fields changed differently on both sides. `--install` sets it up for this clone.

use super::{Context, Outcome};
use crate::store::conflict::MARKER_SIZE;
use crate::store::{self, RecordKind, ACTIONS_DIR, TIMELINE_DIR};
use crate::write::merge::{self, Markers, MergedFile};
use anyhow::{bail, Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The line git runs: the ancestor, ours, theirs, the file's path, the conflict marker size, and the
/// labels of the ancestor, ours and theirs that git's own markers carry (`HEAD`, a branch name). A line
/// installed before `%L` or the labels were added still works: git's default size, and the labels
/// `ours` and `theirs`.
pub const DRIVER: &str = "oslog merge-driver %O %A %B %P %L %S %X %Y";

/// The .gitattributes lines that send record files to the driver.
pub const ATTRIBUTES: &str = "actions/*.yaml merge=oslog\ntimeline/*.yaml merge=oslog\n";

/// Merge three versions of an action or milestone file field by field, as a git merge driver.
///
/// Updates appended on both sides are kept, in date order, without duplicates; lists of numbers
/// merge as sets; a field changed on one side takes that side. A field changed on both sides to
/// different values is a conflict: the file is written with conflict markers around that field
/// only, and the exit code is 1, as git expects. The result is canonical. Two different records
/// added under one number or id on both sides (no common ancestor; titles or dates differ) are
/// never merged field by field: both whole records are written between conflict markers (exit 1),
/// and after the merge `oslog renumber` keeps ours under the number and moves theirs. So is a
/// version that does not load, as it is. The markers carry the labels git gives (%X and %Y: `HEAD`
/// and the branch merged, as git's own markers do), or `ours` and `theirs`. Git runs it; with --install, oslog adds the
/// .gitattributes lines to the log root and sets `merge.oslog.driver` in this clone's
/// configuration.
///
/// Examples:
///   oslog merge-driver --install
///   oslog merge-driver base.yaml ours.yaml theirs.yaml actions/016.yaml 7 base HEAD feature
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Set the driver up for this clone instead of merging.
    #[arg(
        long,
        conflicts_with_all = ["base", "ours", "theirs", "path", "marker_size", "labels"]
    )]
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
    /// The size of conflict markers (%L; default 7, and never less, so that `oslog validate` finds
    /// them).
    #[arg(value_name = "MARKER_SIZE")]
    pub marker_size: Option<usize>,
    /// The labels of the ancestor, ours and theirs (%S %X %Y) for the conflict markers; the
    /// ancestor's is not shown, as the markers hold only ours and theirs.
    #[arg(value_name = "LABELS", num_args = 0..=3)]
    pub labels: Vec<String>,
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
    let ours_label = label(args.labels.get(1), "%X", "ours");
    let theirs_label = label(args.labels.get(2), "%Y", "theirs");
    let markers = Markers {
        size: args
            .marker_size
            .unwrap_or(MARKER_SIZE)
            .clamp(MARKER_SIZE, 100),
        ours: &ours_label,
        theirs: &theirs_label,
    };
    let texts = [&base, &ours, &theirs].map(|f| read(&at(f), &path));
    let [base, a, b] = texts;
    let (base, a, b) = (base?, a?, b?);
    let target = at(&ours);
    match merge::texts(kind, &path, &base, &a, &b, &markers) {
        MergedFile::Clean(text) => {
            store::write_atomic(&target, &text)?;
            Ok(Outcome::Success)
        }
        MergedFile::Conflict { text, why } => {
            store::write_atomic(&target, &text)?;
            writeln!(out, "oslog: conflict in {}: {why}", path.display())?;
            Ok(Outcome::Failure)
        }
    }
}

/// A marker's label: the one git gave, on one line and without control characters, or `default`
/// when there is none. A git older than 2.44 passes the placeholder itself, unexpanded.
fn label(given: Option<&String>, placeholder: &str, default: &str) -> String {
    match given.map(|l| l.trim()) {
        Some(l) if !l.is_empty() && l != placeholder => crate::output::printable(l),
        _ => default.to_string(),
    }
}

/// One version's text, with a byte-order mark and CRLF endings normalised.
fn read(file: &Path, path: &Path) -> Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let src = store::source_from_bytes(bytes)
        .map_err(|(_, msg)| anyhow::anyhow!("{}: {msg}", path.display()))?;
    Ok(src.text)
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
