//! `oslog report`: the documents the secretariat circulates, in Markdown or as one self-contained
//! HTML file.

use super::{Context, Outcome};
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::PathBuf;

/// Write a report: the circulated action log.
///
/// `report actions` is the action log circulated before each workshop: a legend of the themes in
/// their colours, then open actions, actions proposed complete and awaiting sign-off, and an appendix
/// of completed and closed actions, each grouped by theme in themes.yaml order. "Raised" shows the
/// workshop held that month. The HTML form is one file with its styles and charts inline (no
/// external fetches), prints cleanly to PDF, and filters by theme and status in the browser.
///
/// With the global --as-of DATE|REV the report shows the log as it was then. --public withholds
/// owners unless themes.yaml marks the theme's owners public (`public_owners: true`).
///
/// Examples:
///   oslog report actions --format html --out action-log.html
///   oslog report actions --public --format md
///   oslog --as-of 2019-05-01 report actions --format html --out may.html
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(subcommand)]
    pub report: Report,
}

/// The reports.
#[derive(Debug, clap::Subcommand)]
pub enum Report {
    Actions(ActionsArgs),
}

/// The circulated action log: open, awaiting sign-off, and the appendix of completed actions.
///
/// Examples:
///   oslog report actions
///   oslog report actions --format html --out action-log.html
///   oslog report actions --public --format html --out public.html
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ActionsArgs {
    #[command(flatten)]
    pub common: Common,
}

/// Options every report takes.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Md)]
    pub format: FormatArg,

    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// The version for publication: owners withheld unless their theme's owners are public.
    #[arg(long)]
    pub public: bool,
}

/// The output formats of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Md,
    Html,
}

/// Run `oslog report`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    match args.report {
        Report::Actions(a) => actions(a, ctx, out),
    }
}

fn actions(args: ActionsArgs, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let (log, today) = ctx.load_log()?;
    let (themes, actions, milestones) = log.records();
    let report = crate::report::actions(&themes, &actions, &milestones, today, args.common.public);
    let mut buf = Vec::new();
    match args.common.format {
        FormatArg::Md => crate::output::report_md::actions(&mut buf, &report)?,
        FormatArg::Html => crate::output::html::actions(&mut buf, &report)?,
    }
    emit(&args.common, &buf, out)?;
    Ok(Outcome::Success)
}

/// Write a rendered report to --out (atomically) or to standard output.
fn emit(common: &Common, bytes: &[u8], out: &mut dyn Write) -> Result<()> {
    match &common.out {
        Some(path) => {
            crate::store::write_atomic(path, std::str::from_utf8(bytes)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(out, "wrote {}", path.display())?;
        }
        None => out.write_all(bytes)?,
    }
    Ok(())
}
