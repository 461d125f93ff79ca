//! `oslog diff [RANGE]`: a semantic diff of the log for pull-request review.

use super::args::{formats, Format};
use super::{Context, Outcome};
use crate::git::{Repo, Rev};
use crate::output::trail::Review;
use anyhow::{bail, Result};
use serde::Serialize;
use std::io::Write;

/// A semantic diff of the log for pull-request review.
///
/// Shows what a range changes, record by record, each action by its number and title: actions added
/// (with every field), removed and renumbered, field changes in full (a changed title or update word
/// by word), updates added, and milestone changes. It flags what a reviewer should look at twice: a
/// complete or closed action reopened, a deadline moved later or taken away, a status skipping a
/// step, a sign-off date changed, an update edited or removed, a record deleted, and a number that
/// belonged to another action.
///
/// RANGE means what it means in git:
///   A...B  the changes of B since its merge base with A: what a pull request from B into A
///          brings. A... is A...HEAD up to the working tree.
///   A..B   the tree of A against the tree of B. When A is not an ancestor of B, that includes A's
///          changes since they split, as if B had undone them (or, when B is an ancestor of A,
///          A's changes undone); oslog then says so on stderr.
///   A      A against the working tree (as A.. does).
/// Without RANGE: the default branch (origin/HEAD, main or master) followed by `...`, up to the
/// working tree: what the current branch changes.
///
/// On a terminal long lines wrap to its width; piped, every line is whole.
///
/// Examples:
///   oslog diff
///   oslog diff main...HEAD
///   oslog diff origin/main...HEAD --format md >> "$GITHUB_STEP_SUMMARY"
///   oslog diff origin/main...HEAD --format md --max-chars 65000 --link "$RUN_URL" > comment.md
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The range to compare: A...B, A..B, or A (up to the working tree).
    #[arg(value_name = "RANGE")]
    pub range: Option<String>,

    /// Output format.
    #[arg(long, default_value = "table", value_parser = formats(FORMATS))]
    pub format: Format,

    /// With --format md: when the review is longer than this many characters, write a summary that
    /// fits (the counts, as many flagged records as fit, then as many records' sections, each
    /// whole), for a pull-request comment (GitHub takes at most 65,536).
    #[arg(long, value_name = "N")]
    pub max_chars: Option<usize>,

    /// With --max-chars: where the whole review is (such as the workflow run's job summary),
    /// linked from the summary.
    #[arg(long, value_name = "URL", requires = "max_chars")]
    pub link: Option<String>,
}

/// The output formats of `diff`.
const FORMATS: &[(Format, &str)] = &[
    (Format::Table, ""),
    (Format::Json, ""),
    (
        Format::Md,
        "Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY",
    ),
];

#[derive(Serialize)]
struct Report<'a> {
    range: &'a str,
    from: String,
    to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    merge_base: Option<String>,
    shallow: bool,
    warnings: &'a [String],
    flagged: usize,
    entries: &'a [crate::trail::Entry],
}

/// What a range compares, resolved.
struct Range {
    /// The range as the user wrote it, or as the default reads.
    name: String,
    /// The old side: A, or the merge base of a three-dot range.
    from: Rev,
    /// The new side; `None` for the working tree.
    to: Option<Rev>,
    /// For a three-dot range: A, whose later changes are left out but whose numbers still count.
    other: Option<Rev>,
    /// For a two-dot range whose A is not an ancestor of B: (A, B) as written (either may be
    /// empty), and whether B is an ancestor of A (the range runs backwards).
    diverged: Option<(String, String, bool)>,
}

/// Resolve RANGE (see `Args`).
fn range(repo: &Repo, spec: Option<&str>) -> Result<Range> {
    let side = |s: &str| -> Result<Option<Rev>> {
        match s {
            "" => Ok(None),
            s => Ok(Some(repo.resolve(s)?)),
        }
    };
    let Some(spec) = spec else {
        let (tip, branch) = repo.default_branch()?;
        return Ok(Range {
            name: format!("{branch}..."),
            from: repo.merge_base(tip, repo.head()?)?,
            to: None,
            other: Some(tip),
            diverged: None,
        });
    };
    if let Some((a, b)) = spec.split_once("...") {
        if b.starts_with('.') || b.contains("..") {
            return Err(not_a_range(spec));
        }
        let a_rev = side(a)?.map_or_else(|| repo.head(), Ok)?;
        let b_rev = side(b)?;
        let base = repo.merge_base(a_rev, b_rev.map_or_else(|| repo.head(), Ok)?)?;
        return Ok(Range {
            name: spec.to_string(),
            from: base,
            to: b_rev,
            other: Some(a_rev),
            diverged: None,
        });
    }
    let (a, b) = spec.split_once("..").unwrap_or((spec, ""));
    if b.starts_with('.') {
        return Err(not_a_range(spec));
    }
    let from = side(a)?.map_or_else(|| repo.head(), Ok)?;
    let to = side(b)?;
    let to_rev = to.map_or_else(|| repo.head(), Ok)?;
    let ancestor = repo.is_ancestor(from, to_rev)?;
    Ok(Range {
        name: spec.to_string(),
        from,
        to,
        other: None,
        diverged: match ancestor {
            true => None,
            false => Some((
                a.to_string(),
                b.to_string(),
                repo.is_ancestor(to_rev, from)?,
            )),
        },
    })
}

fn not_a_range(spec: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "`{}` is not a range; write A...B, A..B, or A alone to compare with the working tree",
        crate::output::printable(spec)
    )
}

/// Run `oslog diff`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    if args.max_chars.is_some() && args.format != Format::Md {
        bail!("--max-chars goes with --format md");
    }
    let root = ctx.root()?;
    let repo = Repo::open(&root)?;
    let warnings: Vec<String> = repo.shallow_warning().into_iter().collect();
    let range = range(&repo, args.range.as_deref())?;
    if let Some((a, b, backwards)) = &range.diverged {
        let err = &mut std::io::stderr();
        crate::output::trail::diverged(err, a, b, *backwards, ctx.paint_err)?;
    }
    let entries = repo.compare(range.from, range.to, range.other)?;
    let from = range.from.short();
    let to = range
        .to
        .map_or_else(|| "working tree".to_string(), |t| t.short());
    let review = Review {
        range: &range.name,
        from: &from,
        merge_base: range.other.is_some(),
        to: &to,
        entries: &entries,
        warnings: &warnings,
    };
    match args.format {
        Format::Json => {
            let report = Report {
                range: &range.name,
                from: from.clone(),
                to: to.clone(),
                merge_base: range.other.map(|_| from.clone()),
                shallow: repo.shallow(),
                warnings: &warnings,
                flagged: entries.iter().filter(|e| !e.flags.is_empty()).count(),
                entries: &entries,
            };
            crate::output::json::write(out, &report)?;
        }
        Format::Md => {
            let limit = args.max_chars.map(|n| (n, args.link.as_deref()));
            crate::output::trail::review_markdown(out, &review, limit)?;
        }
        _ => crate::output::trail::review_text(out, &review, ctx.screen())?,
    }
    Ok(Outcome::Success)
}
