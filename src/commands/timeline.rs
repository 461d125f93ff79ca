//! `oslog timeline`: the milestones, by year, with filters and the formats of `list`.

use super::args::{formats, AsOf, Format, LISTS};
use super::{Context, Outcome};
use crate::model::{Milestone, MilestoneKind};
use crate::output::records::{self, Grid};
use crate::report::filter::MilestoneFilter;
use anyhow::Result;
use std::io::Write;

/// Show the timeline's milestones, by year.
///
/// --upcoming keeps planned or slipped milestones from today on; --overdue keeps planned
/// milestones whose date has passed (as of today, or --today). A milestone file that does not load
/// is left out, with a warning on stderr naming it (and in JSON, under `left_out`); --strict makes
/// that exit 1.
///
/// Examples:
///   oslog timeline
///   oslog timeline --upcoming --kind consultation
///   oslog timeline --overdue --today 2020-01-01 --format markdown
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only planned or slipped milestones from today on.
    #[arg(long, conflicts_with = "overdue")]
    pub upcoming: bool,

    /// Only planned milestones whose date has passed.
    #[arg(long)]
    pub overdue: bool,

    /// Only milestones of this kind (repeatable).
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<MilestoneKind>,

    /// Only the first N milestones, in date order.
    #[arg(long, value_name = "N", value_parser = super::args::parse_count)]
    pub limit: Option<usize>,

    /// Output format.
    #[arg(long, default_value = "table", value_parser = formats(LISTS))]
    pub format: Format,

    /// Exit 1 when a record file does not load and is left out of the timeline.
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub as_of: AsOf,
}

/// The JSON document of `timeline`: the milestones, and the record files left out.
#[derive(serde::Serialize)]
struct Listed<'a> {
    milestones: &'a [&'a Milestone],
    left_out: &'a [crate::store::LeftOut],
}

fn grid(ms: &[&Milestone]) -> Grid {
    let actions = |m: &Milestone| {
        m.actions
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    Grid {
        headers: ["date", "kind", "status", "title", "by", "actions", "id"]
            .map(String::from)
            .to_vec(),
        rows: ms
            .iter()
            .map(|m| {
                vec![
                    m.date.to_string(),
                    m.kind.to_string(),
                    m.status.to_string(),
                    m.title.clone(),
                    m.by.clone().unwrap_or_default(),
                    actions(m),
                    // The id that `oslog milestone` takes.
                    m.id.clone(),
                ]
            })
            .collect(),
    }
}

/// Run `oslog timeline`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let filter = MilestoneFilter {
        upcoming: args.upcoming,
        overdue: args.overdue,
        kinds: args.kind.clone(),
    };
    let snap = ctx.snapshot(&args.as_of)?;
    let log = ctx.load(&snap)?;
    let today = snap.today;
    let outcome = ctx.warn_left_out(&log, args.strict)?;
    let mut ms: Vec<&Milestone> = log
        .milestones
        .iter()
        .map(|m| &m.value)
        .filter(|m| filter.matches(m, today))
        .collect();
    ms.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    if let Some(n) = args.limit {
        ms.truncate(n);
    }
    match args.format {
        Format::Json => {
            let listed = Listed {
                milestones: &ms,
                left_out: &log.left_out,
            };
            crate::output::json::write(out, &listed)?;
        }
        Format::Csv => records::csv(out, &grid(&ms))?,
        Format::Markdown => records::markdown(out, &grid(&ms))?,
        _ => {
            let mut years: Vec<i32> = ms.iter().map(|m| m.date.year_month().0).collect();
            years.dedup();
            for year in years {
                let in_year: Vec<&Milestone> = ms
                    .iter()
                    .copied()
                    .filter(|m| m.date.year_month().0 == year)
                    .collect();
                writeln!(out, "{}", ctx.paint.bold(&year.to_string()))?;
                crate::output::table::grid(out, &grid(&in_year), ctx.paint, ctx.table_width)?;
            }
            writeln!(
                out,
                "{} milestone{}",
                ms.len(),
                if ms.len() == 1 { "" } else { "s" }
            )?;
        }
    }
    Ok(outcome)
}
