//! `oslog report`: the documents the secretariat circulates, in Markdown or as one self-contained
//! HTML file.

use super::args::{formats, AsOf, Format};
use super::{Context, Outcome, Snapshot};
use crate::git::{Bound, Repo};
use crate::model::{Action, Milestone, Themes};
use crate::report::monthly::Since;
use crate::report::over_time::{self, Dated};
use crate::report::{annual, monthly, Withheld};
use crate::store::Log;
use anyhow::{bail, Context as _, Result};
use chrono::{Months, NaiveDate};
use std::io::Write;
use std::path::PathBuf;

/// Write a report: the circulated action log, the monthly update, a member's digest, the annual
/// report.
///
/// `report actions` is the action log circulated before each workshop (Markdown, HTML, or with
/// --format docx a Word document in the 2019 log's layout: landscape A4, the columns #, Actions,
/// Deadline, Status, When from?, Owner?, rows colour-coded by theme): a legend of the themes in
/// their colours, then open actions, actions proposed complete and awaiting sign-off, and an appendix
/// of completed and closed actions, each grouped by theme in themes.yaml order. "Raised" shows the
/// workshop held that month. The HTML form is one file with its styles and charts inline (no
/// external fetches), prints cleanly to PDF, and filters by theme and status in the browser.
///
/// `report monthly` is what changed since the last update, from git; `report digest --member NAME`
/// is the same limited to the themes a member follows; `report annual --year YYYY` gives, per theme,
/// the issues resolved, not resolved and outstanding, with the year's figures.
///
/// With --as-of DATE|REV the report shows the log as it was then. --public withholds owners unless
/// themes.yaml marks the theme's owners public (`public_owners: true`), and leaves out every action
/// and milestone whose `source` themes.yaml does not declare `public: true`, saying how many it left
/// out. A record file
/// that does not load is left out: a note in the report lists it, a warning on stderr names it, and
/// --strict makes that exit 1 (the report is still written).
///
/// Examples:
///   oslog report actions --out action-log.html
///   oslog report actions --public --format md
///   oslog report actions --out action-log.docx
///   oslog report actions --as-of 2019-05-01 --out may.html
///   oslog report monthly --since 2019-05-14-workshop-5 --out update.html
///   oslog report digest --member "Liberty"
///   oslog report annual --year 2019 --format html --out annual-2019.html
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(subcommand)]
    pub report: Report,

    #[command(flatten)]
    pub as_of: AsOf,
}

/// The reports.
#[derive(Debug, clap::Subcommand)]
pub enum Report {
    Actions(ActionsArgs),
    Monthly(MonthlyArgs),
    Digest(DigestArgs),
    Annual(AnnualArgs),
}

/// The monthly update: what changed since the last update, from git.
///
/// New actions, status changes, deadline moves, updates added and timeline changes in the commits
/// since DATE, MILESTONE or REV; the actions now overdue; the milestones in the coming three
/// months. DATE is YYYY-MM-DD and is compared with commit dates (as `oslog log --since` does);
/// MILESTONE is a milestone's id, such as the previous workshop's, and covers the commits from its
/// date on; REV is a tag, branch or commit, left out itself. Without --since, the update covers the
/// month before today. Every commit in the range is covered, even one dated after --today. The
/// document names the range by its date or milestone, never by a revision; --title names the
/// document itself.
///
/// Examples:
///   oslog report monthly
///   oslog report monthly --since 2019-05-14-workshop-5 --title "Update since the 14 May workshop"
///   oslog report monthly --since 2019-06-01 --format html --out june.html
///   oslog report monthly --since update-2019-06 --public
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct MonthlyArgs {
    /// Changes after this day, milestone or revision (default: one month before today).
    #[arg(long, value_name = "DATE|MILESTONE|REV")]
    pub since: Option<String>,

    /// The document's title (default: "Monthly update").
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    #[command(flatten)]
    pub common: Common,
}

/// A member's digest: the monthly update limited to the themes the member follows.
///
/// The member and their themes come from the `members:` list in themes.yaml; the name is matched
/// without regard to case. An unknown member is an error that names the known members.
///
/// Examples:
///   oslog report digest --member Liberty
///   oslog report digest --member "ICO" --since 2019-06-01 --format html --out ico.html
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct DigestArgs {
    /// The member, as named in themes.yaml.
    #[arg(long, value_name = "NAME")]
    pub member: String,

    #[command(flatten)]
    pub monthly: MonthlyArgs,
}

/// The annual report: per theme, issues discussed and resolved, discussed and not resolved, and
/// outstanding issues that still require work, with the year's figures.
///
/// Resolved: completed or closed in the year. Not resolved: raised in the year, or changed in git
/// or given a dated update during it, and still open. Outstanding: every other open action. Figures
/// per theme: raised, completed and closed in the year; median days from raised to complete; the
/// deadline moves committed during the year; milestones of the theme's actions done and slipped.
/// The report shows the log as it is now; add --as-of YYYY-12-31 for the year's end.
///
/// Examples:
///   oslog report annual --year 2019
///   oslog report annual --year 2019 --format html --out annual-2019.html
///   oslog report annual --year 2019 --as-of 2019-12-31 --public
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct AnnualArgs {
    /// The year to report on.
    #[arg(long, value_name = "YYYY")]
    pub year: i32,

    #[command(flatten)]
    pub common: Common,
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
    /// Output format (default: as --out's extension says, .html, .docx or .md; otherwise md).
    #[arg(long, value_parser = formats(FORMATS))]
    pub format: Option<Format>,

    /// Write to FILE instead of standard output; FILE.html is written as HTML and FILE.docx as a
    /// Word document unless --format says otherwise.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// The version for publication: owners withheld unless their theme's owners are public, and
    /// records left out unless their source (if they name one) is declared public.
    #[arg(long)]
    pub public: bool,

    /// Exit 1 when a record file does not load and is left out of the report.
    #[arg(long)]
    pub strict: bool,
}

impl Common {
    /// The format asked for, or the one `--out`'s extension names, or Markdown.
    fn format(&self) -> Format {
        let by_name = || {
            let ext = self
                .out
                .as_ref()?
                .extension()?
                .to_str()?
                .to_ascii_lowercase();
            match ext.as_str() {
                "html" | "htm" => Some(Format::Html),
                "docx" => Some(Format::Docx),
                _ => None,
            }
        };
        self.format.or_else(by_name).unwrap_or(Format::Md)
    }
}

/// The output formats of a report.
const FORMATS: &[(Format, &str)] = &[
    (Format::Md, ""),
    (Format::Html, ""),
    (
        Format::Docx,
        "a Word document (report actions only; needs --out)",
    ),
];

/// Run `oslog report`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let as_of = &args.as_of;
    match args.report {
        Report::Actions(a) => actions(a, as_of, ctx, out),
        Report::Monthly(a) => monthly(a, None, as_of, ctx, out),
        Report::Digest(a) => monthly(a.monthly, Some(a.member), as_of, ctx, out),
        Report::Annual(a) => annual(a, as_of, ctx, out),
    }
}

/// The records a report may carry, and what it left out: every record, or in a public version those
/// whose source may be published.
pub(super) fn records(
    log: &Log,
    public: bool,
) -> (Themes, Vec<&Action>, Vec<&Milestone>, Withheld) {
    let (themes, actions, milestones) = log.records();
    let withheld = Withheld::of(&themes, &actions, &milestones, public);
    let (actions, milestones) = withheld.kept(actions, milestones);
    (themes, actions, milestones, withheld)
}

fn actions(args: ActionsArgs, as_of: &AsOf, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let snap = ctx.snapshot(as_of)?;
    let log = ctx.load(&snap)?;
    let today = snap.today;
    let outcome = ctx.warn_left_out(&log, args.common.strict)?;
    let (themes, actions, milestones, withheld) = records(&log, args.common.public);
    // The chart follows git history where the log has one; a log outside git keeps its dates.
    let history = match Repo::open(&ctx.root()?) {
        Ok(repo) => withheld.kept_moves(chart_history(&repo, &snap)?),
        Err(_) => Vec::new(),
    };
    let mut report = crate::report::actions::actions(
        &themes,
        &actions,
        &milestones,
        &history,
        today,
        args.common.public,
    );
    report.left_out = crate::output::left_out_files(&log.left_out);
    report.withheld = withheld.note();
    if args.common.format() == Format::Docx {
        let Some(path) = &args.common.out else {
            bail!("a Word document is not text for a terminal: give --out FILE.docx");
        };
        let mut buf = Vec::new();
        crate::output::docx::actions(&mut buf, &report)?;
        crate::store::write_atomic(path, &buf)
            .with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(out, "wrote {}", path.display())?;
        return Ok(outcome);
    }
    let render: Renderers<_> = (
        crate::output::report_md::actions,
        crate::output::html::actions,
    );
    emit(&args.common, render, &report, out)?;
    Ok(outcome)
}

pub(super) fn monthly(
    args: MonthlyArgs,
    member: Option<String>,
    as_of: &AsOf,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let snap = ctx.snapshot(as_of)?;
    let log = ctx.load(&snap)?;
    let today = snap.today;
    let (themes, actions, milestones, withheld) = records(&log, args.common.public);
    let only = match &member {
        Some(name) => match themes.member(name) {
            Some(m) => Some(m.themes.clone()),
            None => {
                let known: Vec<&str> = themes.members.iter().map(|m| m.name.as_str()).collect();
                bail!(
                    "no member `{name}` in themes.yaml; known members: {}",
                    if known.is_empty() {
                        "none (add a `members:` list)".to_string()
                    } else {
                        known.join(", ")
                    }
                );
            }
        },
        None => None,
    };
    let repo = Repo::open(&ctx.root()?)?;
    let tip = snap.tip(&repo)?;
    let (commits, since) = match &args.since {
        Some(spec) => range(&repo, tip, spec, &log, &milestones)?,
        None => {
            let day = today - Months::new(1);
            (since_day(&repo, tip, day)?, Since::Day(day))
        }
    };
    let commits = withheld.kept_history(commits);
    let input = monthly::Inputs {
        themes: &themes,
        actions: &actions,
        milestones: &milestones,
        today,
        public: args.common.public,
    };
    let outcome = ctx.warn_left_out(&log, args.common.strict)?;
    let mut report = monthly::monthly(&input, &commits, &since, only.as_deref());
    if let Some(title) = args.title {
        report.title = title;
    }
    if let Some(name) = member {
        report.member = themes.member(&name).map(|m| m.name.clone());
    }
    report.left_out = crate::output::left_out_files(&log.left_out);
    report.withheld = withheld.note();
    let render: Renderers<_> = (
        crate::output::report_md::monthly,
        crate::output::html::monthly,
    );
    emit(&args.common, render, &report, out)?;
    Ok(outcome)
}

pub(super) fn annual(
    args: AnnualArgs,
    as_of: &AsOf,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let snap = ctx.snapshot(as_of)?;
    let log = ctx.load(&snap)?;
    let today = snap.today;
    let (themes, actions, milestones, withheld) = records(&log, args.common.public);
    let repo = Repo::open(&ctx.root()?)?;
    let commits = withheld.kept_history(oldest_first(repo.changes(snap.tip(&repo)?, None)?));
    let input = monthly::Inputs {
        themes: &themes,
        actions: &actions,
        milestones: &milestones,
        today,
        public: args.common.public,
    };
    let outcome = ctx.warn_left_out(&log, args.common.strict)?;
    let mut report = annual::annual(&input, &commits, args.year);
    report.left_out = crate::output::left_out_files(&log.left_out);
    report.withheld = withheld.note();
    let render: Renderers<_> = (
        crate::output::report_md::annual,
        crate::output::html::annual,
    );
    emit(&args.common, render, &report, out)?;
    Ok(outcome)
}

/// The commits `--since` names, up to `tip`, and how the document names their start: after a
/// revision; or from a milestone's date (the previous workshop's, say) or a day on. Every commit in
/// the range counts, whatever `--today` says: the log shown holds their changes. A milestone the
/// document may not carry (`shown` lacks it) is named by its date alone.
fn range(
    repo: &Repo,
    tip: crate::git::Rev,
    spec: &str,
    log: &Log,
    shown: &[&Milestone],
) -> Result<(Vec<crate::trail::CommitChanges>, Since)> {
    if let Some(m) = log.milestones.iter().find(|m| m.value.id == spec) {
        let m = &m.value;
        let day = m.date.first_day();
        let since = match shown.iter().any(|s| s.id == m.id) {
            true => Since::Milestone {
                title: m.title.clone(),
                date: m.date,
            },
            false => Since::Day(day),
        };
        return Ok((since_day(repo, tip, day)?, since));
    }
    let bound = repo.bound(spec).map_err(|e| {
        let ids = log.milestones.iter().map(|m| m.value.id.as_str());
        match crate::model::closest(spec, ids) {
            Some(id) => anyhow::anyhow!(
                "`{spec}` is neither a milestone of the timeline, a day (YYYY-MM-DD) nor a revision; did you mean `{id}`?"
            ),
            None => e,
        }
    })?;
    Ok(match bound {
        Bound::Date(d) => (since_day(repo, tip, d)?, Since::Day(d)),
        Bound::Rev(r) => (repo.changes(tip, Some(r))?, Since::Commit(repo.date(r)?)),
    })
}

/// The commits up to `tip` made on `day` or after.
fn since_day(
    repo: &Repo,
    tip: crate::git::Rev,
    day: NaiveDate,
) -> Result<Vec<crate::trail::CommitChanges>> {
    Ok(repo
        .changes(tip, None)?
        .into_iter()
        .filter(|c| c.commit.as_ref().is_some_and(|i| i.date >= day))
        .collect())
}

/// The history's changes, oldest first (the walk gives them newest first).
/// What the chart over time reads of the history (`over_time::read_by_chart`), oldest first: a long
/// history's record changes are never held whole.
fn chart_history(repo: &Repo, snap: &Snapshot) -> Result<Vec<Dated>> {
    let mut history = Vec::new();
    for c in repo.walk(snap.tip(repo)?, None)? {
        let c = c?;
        let mut moves = Vec::new();
        c.each(&mut |e| {
            moves.extend(over_time::read_by_chart(e));
            Ok(())
        })?;
        if !moves.is_empty() {
            history.push(Dated {
                date: c.info.date,
                moves,
            });
        }
    }
    history.reverse();
    Ok(history)
}

fn oldest_first(mut commits: Vec<crate::trail::CommitChanges>) -> Vec<crate::trail::CommitChanges> {
    commits.reverse();
    commits
}

/// A report's Markdown and HTML renderers.
type Renderers<R> = (
    fn(&mut dyn Write, &R) -> std::io::Result<()>,
    fn(&mut dyn Write, &R) -> Result<()>,
);

/// Render `report` in the chosen format and write it to --out (atomically) or to standard output.
fn emit<R>(
    common: &Common,
    (md, html): Renderers<R>,
    report: &R,
    out: &mut dyn Write,
) -> Result<()> {
    // Written as it is rendered: the action log of a large log is tens of megabytes.
    let render = |w: &mut dyn Write| -> Result<()> {
        match common.format() {
            Format::Docx => {
                bail!("--format docx is for `report actions`; this report is md or html")
            }
            Format::Html => html(w, report),
            _ => Ok(md(w, report)?),
        }
    };
    match &common.out {
        Some(path) => {
            crate::store::write_atomic_with(path, |file| {
                let mut w = std::io::BufWriter::new(file);
                render(&mut w)?;
                Ok(w.flush()?)
            })
            .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(out, "wrote {}", path.display())?;
        }
        None => render(out)?,
    }
    Ok(())
}
