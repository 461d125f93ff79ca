//! `oslog list`: the actions that pass the filters, as a table, JSON, CSV or Markdown.

use super::args::{formats, parse_status, AsOf, Format, LISTS};
use super::{Context, Outcome};
use crate::model::{Action, LogDate, Status};
use crate::output::records::{self, Column, Grid};
use crate::report::Filter;
use crate::store;
use anyhow::Result;
use std::io::Write;

/// List actions, filtered and sorted, in a table (fitted to the terminal), JSON, CSV or Markdown.
///
/// The table fits the terminal's width; when the terminal reports none, COLUMNS, then 80 columns;
/// piped, COLUMNS, then 120. Words are kept whole where the columns allow.
///
/// --status open means not-started, ongoing or proposed-complete. CSV cells that begin with =, +, -
/// or @ are prefixed with ' so that spreadsheets do not run them. Columns: id, title, theme, owner,
/// raised, deadline, status, signed_off, updates.
///
/// An action file that does not load is left out of the list, with a warning on stderr naming it
/// (and in JSON, under `left_out`); --strict makes that exit 1.
///
/// Examples:
///   oslog list --status open --theme data-sharing
///   oslog list --overdue --sort deadline
///   oslog list --stale 8w
///   oslog list --grep DPIA --columns id,status,title --format markdown
///   oslog list --format csv > actions.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only these statuses (repeatable or comma-separated); `open` for the three open ones.
    #[arg(long, value_delimiter = ',', value_parser = parse_status_or_open)]
    pub status: Vec<Vec<Status>>,
    /// Only these theme keys (repeatable or comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub theme: Vec<String>,
    /// Only actions whose owner contains this text (any case).
    #[arg(long)]
    pub owner: Option<String>,
    /// Only actions not started or ongoing past their deadline (one proposed complete awaits
    /// sign-off instead).
    #[arg(long)]
    pub overdue: bool,
    /// Only open actions with no update for this long: 8w (weeks), 30d (days) or 2m (months). An
    /// action with no dated update counts from the month it was raised.
    #[arg(long, value_name = "SPAN", value_parser = super::args::parse_span)]
    pub stale: Option<super::args::Span>,
    /// Only actions whose deadline ends before this day or month begins.
    #[arg(long, value_parser = LogDate::parse, value_name = "DATE")]
    pub due_before: Option<LogDate>,
    /// Only actions whose deadline begins after this day or month ends.
    #[arg(long, value_parser = LogDate::parse, value_name = "DATE")]
    pub due_after: Option<LogDate>,
    /// Only actions raised in this month or on this day.
    #[arg(long, value_parser = LogDate::parse, value_name = "DATE")]
    pub raised: Option<LogDate>,
    /// Only actions whose title or an update contains this text (any case).
    #[arg(long, value_name = "TEXT")]
    pub grep: Option<String>,
    /// Sort by this column (id, title, theme, owner, raised, deadline, status, signed_off,
    /// updates); a leading - sorts it descending (-deadline: the latest first).
    #[arg(long, value_parser = parse_sort, default_value = "id", allow_hyphen_values = true, value_name = "[-]COLUMN")]
    pub sort: Sort,
    /// Only the first N actions, after sorting.
    #[arg(long, value_name = "N", value_parser = super::args::parse_count)]
    pub limit: Option<usize>,
    /// The columns to show, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse_column)]
    pub columns: Vec<Column>,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = formats(LISTS))]
    pub format: Format,
    /// Exit 1 when a record file does not load and is left out of the list.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub as_of: AsOf,
}

/// The JSON document of `list`: the actions, and the record files left out.
#[derive(serde::Serialize)]
struct Listed<'a> {
    actions: &'a [&'a crate::model::Action],
    left_out: &'a [store::LeftOut],
}

fn parse_status_or_open(s: &str) -> Result<Vec<Status>, String> {
    if s == "open" {
        return Ok(Status::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open())
            .collect());
    }
    parse_status(s).map(|s| vec![s])
}

/// A column to sort by, and whether descending.
#[derive(Clone, Copy, Debug)]
pub struct Sort {
    column: Column,
    descending: bool,
}

fn parse_sort(s: &str) -> Result<Sort, String> {
    let (descending, name) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    Ok(Sort {
        column: parse_column(name)?,
        descending,
    })
}

fn parse_column(s: &str) -> Result<Column, String> {
    Column::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
        format!("`{s}` is not a column; use one of {}", names.join(", "))
    })
}

/// Sort `actions` by `by`, an action without a value in the column last either way, and by number
/// where the column is equal.
fn sort(actions: &mut [&Action], by: Sort) {
    let deadline = |x: &Action| x.deadline.and_then(|d| d.date()).map(|d| d.sort_key());
    let missing = |x: &Action| match by.column {
        Column::Deadline => deadline(x).is_none(),
        Column::SignedOff => x.signed_off.is_none(),
        Column::Owner => x.owner.is_none(),
        _ => false,
    };
    actions.sort_by(|a, b| {
        let order = match by.column {
            Column::Raised => a.raised.cmp(&b.raised),
            Column::Deadline => deadline(a).cmp(&deadline(b)),
            Column::SignedOff => a.signed_off.cmp(&b.signed_off),
            Column::Id => a.id.cmp(&b.id),
            Column::Updates => a.updates.len().cmp(&b.updates.len()),
            Column::Status => a.status.cmp(&b.status),
            c => c.cell(a).to_lowercase().cmp(&c.cell(b).to_lowercase()),
        };
        let order = if by.descending {
            order.reverse()
        } else {
            order
        };
        missing(a)
            .cmp(&missing(b))
            .then(order)
            .then(a.id.cmp(&b.id))
    });
}

/// Run `oslog list`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let mut filter = Filter {
        statuses: args.status.into_iter().flatten().collect(),
        themes: args.theme,
        owner: args.owner,
        overdue: args.overdue,
        due_before: args.due_before,
        due_after: args.due_after,
        raised: args.raised,
        grep: args.grep,
        stale_since: None,
    };
    // With --theme, only the actions of those themes are needed.
    let snap = ctx.snapshot(&args.as_of)?;
    // An owner is looked for in the whole log, to say when no action has it.
    let log = match filter.themes.is_empty() || filter.owner.is_some() {
        true => ctx.load(&snap)?,
        false => ctx.load_where(&snap, &store::Want::Themes(&filter.themes))?,
    };
    let today = snap.today;
    filter.stale_since = args.stale.map(|span| span.before(today));
    let outcome = ctx.warn_left_out(&log, args.strict)?;
    let all: Vec<&Action> = log.actions.iter().map(|a| &a.value).collect();
    let themes = log.themes.as_ref().map(|t| &t.value);
    filter.check(themes, &all).map_err(anyhow::Error::msg)?;
    let mut actions: Vec<_> = log
        .actions
        .iter()
        .map(|a| &a.value)
        .filter(|a| filter.matches(a, today))
        .collect();
    sort(&mut actions, args.sort);
    if let Some(n) = args.limit {
        actions.truncate(n);
    }
    let columns = if args.columns.is_empty() {
        Column::DEFAULT.to_vec()
    } else {
        args.columns
    };
    match args.format {
        Format::Json => {
            let listed = Listed {
                actions: &actions,
                left_out: &log.left_out,
            };
            crate::output::json::write(out, &listed)?;
        }
        Format::Csv => records::csv(out, &Grid::of(&actions, &columns))?,
        Format::Markdown => records::markdown(out, &Grid::of(&actions, &columns))?,
        _ => {
            crate::output::table::grid(
                out,
                &Grid::of(&actions, &columns),
                ctx.paint,
                ctx.table_width,
            )?;
            writeln!(
                out,
                "{} action{}",
                actions.len(),
                if actions.len() == 1 { "" } else { "s" }
            )?;
        }
    }
    Ok(outcome)
}
