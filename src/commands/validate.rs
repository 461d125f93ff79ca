//! `oslog validate`: every finding in every file, with stable codes, as text, JSON or GitHub
//! annotations (with every finding in the job summary too).

use super::args::{self, formats};
use super::{Context, Outcome};
use crate::diag::{Code, Summary};
use crate::output::diagnostics::{self, Checked, Format};
use anyhow::{Context as _, Result};
use std::io::Write;

/// Check every file of the log and report all findings, not just the first.
///
/// Errors always fail; warnings fail with --strict. Exit 0 when nothing fails, 1 when something
/// does, 2 when the log could not be read at all.
///
/// With --staged, the log is read from the git index, as it will be committed, instead of the
/// working tree: this is what the pre-commit hook of `oslog hooks install` runs.
///
/// With --format github in a GitHub workflow (GITHUB_STEP_SUMMARY names a file), every finding is
/// also appended to the job summary in Markdown, since GitHub shows at most 10 annotations of each
/// kind per step; when there are more, a notice says where the rest are.
///
/// Examples:
///   oslog validate
///   oslog validate --strict --format github
///   oslog validate --format json | jq '.diagnostics[] | .code'
///   oslog validate --format sarif > oslog.sarif
///   oslog validate --base origin/main
///   oslog validate --strict --staged
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Fail on warnings as well as errors.
    #[arg(long)]
    pub strict: bool,

    /// Output format.
    #[arg(long, default_value = "human", value_parser = formats(FORMATS))]
    pub format: args::Format,

    /// Also compare with REV (such as origin/main), read from git: report every action number or
    /// milestone id this branch adds that REV has meanwhile given to another record
    /// (number-collision). REV is a branch, tag or commit; a shallow clone needs its whole history
    /// fetched first (`fetch-depth: 0` with actions/checkout).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,

    /// Check the files as staged in the git index (what `git commit` would commit: the index git
    /// gives a hook in GIT_INDEX_FILE, else the repository's), not the working tree. A file in
    /// conflict is a finding (merge-conflict); a file added with `git add -N` is not staged yet.
    #[arg(long)]
    pub staged: bool,

    /// List every finding code with its severity and meaning, and exit.
    #[arg(long)]
    pub list_codes: bool,
}

/// The output formats of `validate`.
const FORMATS: &[(args::Format, &str)] = &[
    (
        args::Format::Human,
        "rustc-like text with the offending line",
    ),
    (
        args::Format::Json,
        "One JSON document with a summary and the findings",
    ),
    (
        args::Format::Github,
        "GitHub workflow commands (`::error file=…,line=…::…`) for pull-request annotations",
    ),
    (
        args::Format::Sarif,
        "A SARIF 2.1.0 log for code-scanning dashboards",
    ),
];

/// Run `oslog validate`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    if args.list_codes {
        for code in Code::ALL {
            writeln!(
                out,
                "{:<24} {:<8} {}",
                code.as_str(),
                format!("{:?}", code.severity()).to_lowercase(),
                code.about()
            )?;
        }
        return Ok(Outcome::Success);
    }
    let root = ctx.root()?;
    let files = args
        .staged
        .then(|| crate::git::staged_files(&root))
        .transpose()?;
    // The working tree is read through the log's index: a file it keeps had no finding of its own
    // and has not changed since, so only the rules across records can find anything in it, and
    // such a file is parsed again for the positions of what they found.
    let mut log = match &files {
        Some(files) => crate::store::load_stored(&root, files),
        None => crate::store::load_indexed(&root, &crate::store::Want::All)?,
    };
    let mut diags = crate::validate::findings(&root, &log, args.base.as_deref())?;
    let unplaced = crate::store::unplaced(&log, diags.iter().map(|d| d.file.as_path()));
    if !unplaced.is_empty() {
        crate::store::place(&mut log, &unplaced);
        diags = crate::validate::findings(&root, &log, args.base.as_deref())?;
    }
    let checked = Checked {
        files: log.files,
        actions: log.actions.len(),
        milestones: log.milestones.len(),
        themes: log.themes.as_ref().map_or(0, |t| t.value.themes.len()),
    };
    let format = match args.format {
        args::Format::Json => Format::Json,
        args::Format::Github => Format::Github,
        args::Format::Sarif => Format::Sarif,
        _ => Format::Human,
    };
    let prefix = ctx.display_prefix(&root);
    // Snippets come from the files checked: the staged ones, or the working tree's.
    let source = |rel: &std::path::Path| match &files {
        Some(files) => staged_text(files, rel),
        None => crate::store::read_source(&root, rel).ok().map(|s| s.text),
    };
    diagnostics::render(out, format, &diags, checked, &prefix, ctx.paint, &source)?;
    if format == Format::Github {
        let summary = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty());
        if let Some(path) = &summary {
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .with_context(|| format!("cannot append to the job summary {}", path.display()))?;
            diagnostics::summary_markdown(&mut file, &diags, &prefix)?;
        }
        diagnostics::github_notice(out, &diags, summary.is_some())?;
    }
    Ok(if Summary::of(&diags).fails(args.strict) {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

/// The text of a staged file, for snippets.
fn staged_text(
    files: &std::collections::BTreeMap<std::path::PathBuf, crate::store::Stored>,
    rel: &std::path::Path,
) -> Option<String> {
    match files.get(rel)? {
        crate::store::Stored::Blob(bytes) => crate::store::source_from_bytes(bytes.clone())
            .ok()
            .map(|s| s.text),
        _ => None,
    }
}
