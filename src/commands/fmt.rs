//! `oslog fmt`: rewrite files into the canonical layout, or with `--check` list those that are not.

use super::{Context, Outcome};
use crate::diag::{Code, Severity};
use crate::store::{self, emit, Log};
use crate::write::Rewrite;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

/// Rewrite every record into the canonical layout, so that diffs stay minimal.
///
/// The layout: fixed key order, two-space indent, plain strings where YAML allows and quotes where
/// it must, multi-line text as `|` blocks (never re-wrapped), number lists as [21, 24], LF line
/// endings and a final newline. Comments at the top of a file are kept. A file with errors, or
/// with a comment inside the record, is left untouched and reported. The files are rewritten all or
/// nothing: if fmt is interrupted, the next writing command (or `oslog recover`) completes it.
///
/// With --check --staged, the files are read from the git index, as they will be committed: this
/// is what the pre-commit hook of `oslog hooks install` runs.
///
/// Examples:
///   oslog fmt
///   oslog fmt --check
///   oslog fmt --check --staged
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Change nothing; list the files that are not canonical and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,

    /// With --check: check the files as staged in the git index, not the working tree.
    #[arg(long, requires = "check")]
    pub staged: bool,
}

/// Run `oslog fmt`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    // Formatting rewrites files it read, so it holds the log's lock like every other change.
    let lock = (!args.check).then(|| ctx.lock(&root)).transpose()?;
    let log = if args.staged {
        store::load_stored(&root, &crate::git::staged_files(&root)?)
    } else {
        store::load(&root)?
    };
    let prefix = ctx.display_prefix(&root);
    let shown = |f: &Path| prefix.join(f).display().to_string();
    let mut failed = false;

    // Files that cannot be formatted: they failed to load, or hold comments a rewrite would drop.
    let mut blocked: Vec<&Path> = log
        .diags
        .iter()
        .filter(|d| d.severity == Severity::Error || d.code == Code::CommentNotKept)
        .map(|d| d.file.as_path())
        .collect();
    blocked.dedup();
    for file in &blocked {
        writeln!(
            out,
            "cannot format {}: it has findings; run `oslog validate`",
            shown(file)
        )?;
        failed = true;
    }

    let pending: Vec<Rewrite> = pending(&log)
        .into_iter()
        .filter(|p| !blocked.contains(&p.from.as_path()))
        .collect();
    if let Some(lock) = &lock {
        crate::write::write_all(lock, &pending)?;
    }
    for p in &pending {
        if args.check {
            writeln!(out, "not canonical: {}", shown(&p.from))?;
            failed = true;
        } else {
            writeln!(out, "formatted {}", shown(&p.from))?;
        }
    }
    if pending.is_empty() && !failed {
        match log.files {
            1 => writeln!(out, "the 1 file is canonical")?,
            n => writeln!(out, "all {n} files are canonical")?,
        }
    }
    Ok(if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

/// Every file that is not canonical, with its canonical text.
fn pending(log: &Log) -> Vec<Rewrite> {
    let mut out = Vec::new();
    if let Some(t) = log.themes.as_ref().filter(|t| !t.canonical) {
        out.push(Rewrite {
            from: t.file.clone(),
            to: t.file.clone(),
            text: emit::themes(&t.value, &t.header),
        });
    }
    for a in log.actions.iter().filter(|a| !a.canonical) {
        out.push(Rewrite {
            from: a.file.clone(),
            to: a.file.clone(),
            text: emit::action(&a.value, &a.header),
        });
    }
    for m in log.milestones.iter().filter(|m| !m.canonical) {
        out.push(Rewrite {
            from: m.file.clone(),
            to: m.file.clone(),
            text: emit::milestone(&m.value, &m.header),
        });
    }
    out
}
