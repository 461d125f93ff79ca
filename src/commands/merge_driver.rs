//! `oslog merge-driver`: the git merge driver for action and milestone files. Git calls it with the
//! common ancestor, our version (which it overwrites with the result) and theirs; it merges them field
//! by field (see `merge.rs`) and writes the canonical result, with conflict markers around only the
//! fields changed differently on both sides. `--install` sets it up for this clone.

use super::{Context, Outcome};
use crate::model::{ACTION_FIELDS, MILESTONE_FIELDS};
use crate::store::conflict::MARKER_SIZE;
use crate::store::{self, emit, Record, RecordKind, Source, ACTIONS_DIR, TIMELINE_DIR};
use crate::write::merge::Markers;
use anyhow::{bail, Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The line git runs: the ancestor, ours, theirs, the file's path and the conflict marker size.
/// A line installed before `%L` was added still works: the size is then git's default.
pub const DRIVER: &str = "oslog merge-driver %O %A %B %P %L";

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
/// version that does not load, as it is. Git runs it; with --install, oslog adds the
/// .gitattributes lines to the log root and sets `merge.oslog.driver` in this clone's
/// configuration.
///
/// Examples:
///   oslog merge-driver --install
///   oslog merge-driver base.yaml ours.yaml theirs.yaml actions/016.yaml 7
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Set the driver up for this clone instead of merging.
    #[arg(long, conflicts_with_all = ["base", "ours", "theirs", "path", "marker_size"])]
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
}

/// What merging one file gave.
enum Merged {
    Clean(String),
    Conflict { text: String, why: String },
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
    let markers = Markers {
        size: args
            .marker_size
            .unwrap_or(MARKER_SIZE)
            .clamp(MARKER_SIZE, 100),
        ours: "ours",
        theirs: "theirs",
    };
    let texts = [&base, &ours, &theirs].map(|f| read(&at(f), &path));
    let [base, a, b] = texts;
    let (base, a, b) = (base?, a?, b?);
    let target = at(&ours);
    match merge(kind, &path, &base, &a, &b, &markers) {
        Merged::Clean(text) => {
            store::write_atomic(&target, &text)?;
            Ok(Outcome::Success)
        }
        Merged::Conflict { text, why } => {
            store::write_atomic(&target, &text)?;
            writeln!(out, "oslog: conflict in {}: {why}", path.display())?;
            Ok(Outcome::Failure)
        }
    }
}

/// Merge the three texts of the record file `path`.
fn merge(kind: RecordKind, path: &Path, base: &str, a: &str, b: &str, markers: &Markers) -> Merged {
    let decode = |text: &str| {
        let src = Source {
            text: text.to_string(),
            had_bom: false,
            had_crlf: false,
        };
        let (rec, diags) = store::decode_source(kind, path, &src);
        rec.ok_or_else(|| diags.first().map_or(String::new(), |d| d.message.clone()))
    };
    // Git's ancestor is empty when both sides added the file.
    let o = (!base.trim().is_empty()).then(|| decode(base)).transpose();
    let whole = |why: String| Merged::Conflict {
        text: markers.wrap(a, b),
        why,
    };
    let (o, x, y) = match (o, decode(a), decode(b)) {
        (Ok(o), Ok(x), Ok(y)) => (o, x, y),
        (o, x, y) => {
            let first = [o.err(), x.err(), y.err()].into_iter().flatten().next();
            return whole(format!(
                "a version does not load ({}); both are kept whole between the markers, to merge by hand",
                first.unwrap_or_default()
            ));
        }
    };
    let header = |r: &Record| match r {
        Record::Action(l) => l.header.clone(),
        Record::Milestone(l) => l.header.clone(),
        Record::Themes(l) => l.header.clone(),
    };
    let (ours_header, theirs_header) = (header(&x), header(&y));
    let added_on_both = o.is_none();
    // Per kind: whether the sides are two different records (and what to do then), both whole
    // texts, and the field-by-field merge.
    let (two, whole_texts, (ours_text, theirs_text, conflicts, fields)) = match (o, x, y) {
        (o, Record::Action(x), Record::Action(y)) => {
            let o = match o {
                Some(Record::Action(o)) => Some(o.value),
                _ => None,
            };
            let m = crate::write::merge::action(o.as_ref(), &x.value, &y.value);
            (
                (!x.value.same_record(&y.value)).then_some(
                    "both sides added a different action under this number; after the merge, `oslog renumber` keeps both (ours keeps the number)",
                ),
                (
                    emit::action(&x.value, &ours_header),
                    emit::action(&y.value, &theirs_header),
                ),
                (
                    emit::action(&m.ours, &ours_header),
                    emit::action(&m.theirs, &ours_header),
                    m.conflicts,
                    ACTION_FIELDS,
                ),
            )
        }
        (o, Record::Milestone(x), Record::Milestone(y)) => {
            let o = match o {
                Some(Record::Milestone(o)) => Some(o.value),
                _ => None,
            };
            let m = crate::write::merge::milestone(o.as_ref(), &x.value, &y.value);
            (
                (!x.value.same_record(&y.value)).then_some(
                    "both sides added a different milestone with this id; keep one and give the other a new slug",
                ),
                (
                    emit::milestone(&x.value, &ours_header),
                    emit::milestone(&y.value, &theirs_header),
                ),
                (
                    emit::milestone(&m.ours, &ours_header),
                    emit::milestone(&m.theirs, &ours_header),
                    m.conflicts,
                    MILESTONE_FIELDS,
                ),
            )
        }
        _ => {
            return whole(format!(
                "{} is not an action or milestone file",
                path.display()
            ))
        }
    };
    // Two records are never merged into one: both stay whole.
    if let Some(why) = two.filter(|_| added_on_both) {
        return Merged::Conflict {
            text: markers.wrap(&whole_texts.0, &whole_texts.1),
            why: why.to_string(),
        };
    }
    if conflicts.is_empty() {
        return Merged::Clean(ours_text);
    }
    Merged::Conflict {
        text: crate::write::merge::with_markers(&ours_text, &theirs_text, fields, markers),
        why: format!("{} changed differently on both sides", conflicts.join(", ")),
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
