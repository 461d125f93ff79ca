//! `oslog status`: the dashboard of the log as of today (or `--today`).

use super::{Context, Outcome};
use anyhow::Result;
use std::io::Write;

/// Show the dashboard: counts by theme and status, overdue actions, actions proposed complete and
/// awaiting sign-off, and milestones due in the next 90 days.
///
/// Records that fail to load are left out of the figures and counted in a warning; run
/// `oslog validate` to see why.
///
/// Examples:
///   oslog status
///   oslog status --today 2019-07-01
///   oslog status --format json
///   oslog status --as-of 2019-06-30
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
}

/// The output formats of `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
}

/// Run `oslog status` (the dashboard).
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let (log, today) = ctx.load_log()?;
    let themes = log
        .themes
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_default();
    let actions: Vec<_> = log.actions.iter().map(|a| &a.value).collect();
    let milestones: Vec<_> = log.milestones.iter().map(|m| &m.value).collect();
    let dash = crate::query::dashboard(&themes, &actions, &milestones, today);
    match args.format {
        FormatArg::Table => crate::output::table::dashboard(out, &dash, ctx.paint)?,
        FormatArg::Json => {
            serde_json::to_writer_pretty(&mut *out, &dash)?;
            writeln!(out)?;
        }
    }
    let failed = log
        .diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .map(|d| &d.file)
        .collect::<std::collections::BTreeSet<_>>();
    if !failed.is_empty() && args.format == FormatArg::Table {
        writeln!(
            out,
            "\nwarning: {} file{} could not be loaded and {} left out; run `oslog validate`",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" },
            if failed.len() == 1 { "is" } else { "are" }
        )?;
    }
    Ok(Outcome::Success)
}
