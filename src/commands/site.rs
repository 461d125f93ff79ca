//! `oslog site`: the log as a static website for people who will never clone the repository: the
//! action log, a page per action with its history from git, a page per theme, the timeline, an Atom
//! feed of the changes and a calendar of the dates.

use super::args::AsOf;
use super::report::records;
use super::{Context, Outcome};
use crate::git::Repo;
use crate::output::feed::Place;
use crate::report::site::{public_history, site, Inputs};
use anyhow::{bail, Context as _, Result};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Write the log as a static website into a folder, ready for GitHub Pages or any web server.
///
/// The site is built from a commit (HEAD, or --as-of DATE|REV), as of that commit's day unless
/// --today is given, so the same commit always gives the same bytes. It is self-contained: no page
/// fetches anything from the network, and every link is relative, so it also works opened from
/// disk. Files:
///
///   index.html          the action log (as `report actions --format html`), with search and filters
///   actions/N.html      every action: its fields, links both ways, every update, and its history
///                       from git (each commit that changed it, following renumbering), with a
///                       chart of its deadline's moves
///   themes/KEY.html     each theme's actions
///   timeline.html       the milestones
///   reports/            with --reports: the monthly update of each month in which the log changed
///                       (as of that month's last commit) and the annual report of each year, as
///                       `oslog report` writes them in HTML, listed in reports/index.html
///   feed.xml            an Atom feed: one entry per commit that changed the log
///   calendar.ics        an iCalendar file: one all-day event per milestone and per open action's
///                       dated deadline
///
/// Feed ids and calendar UIDs are stable: they are built from commit ids, action numbers and
/// milestone ids, with the site's address (--base-url) or else the log's identity (the id of the
/// first commit that changed the log). --base-url also makes the feed's and calendar's links
/// absolute.
///
/// --public applies the reports' redaction to every page, the feed and the calendar: records whose
/// source themes.yaml does not declare public are left out (with their history), owners are
/// withheld unless their theme's owners are public (in the history too), and no page or feed entry
/// names a commit's author. Pages of an earlier build in actions/, themes/ or reports/ that no
/// longer belong (an action left out or renumbered) are removed; other files are left alone.
///
/// Examples:
///   oslog site --out public
///   oslog site --out public --public --base-url https://forum.example.org/log/
///   oslog site --out site-may --as-of 2019-05-31
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The folder to write the site into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// The version for publication, redacted as the reports' --public is.
    #[arg(long)]
    pub public: bool,

    /// Where the site will be served (http or https), for absolute links and ids in the feed and
    /// the calendar.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Also publish the reports: the monthly update of each month in which the log changed and the
    /// annual report of each year, under reports/.
    #[arg(long)]
    pub reports: bool,

    /// Exit 1 when a record file does not load and is left out of the site.
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub as_of: AsOf,
}

/// Run `oslog site`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let base = args.base_url.as_deref().map(base_url).transpose()?;
    let root = ctx.root()?;
    let repo = Repo::open(&root).context("the site reads the log's history from git")?;
    let as_of = AsOf {
        as_of: Some(args.as_of.as_of.clone().unwrap_or_else(|| "HEAD".into())),
    };
    let snap = ctx.snapshot(&as_of)?;
    let log = ctx.load(&snap)?;
    let outcome = ctx.warn_left_out(&log, args.strict)?;
    let (themes, actions, milestones, withheld) = records(&log, args.public);
    let newest_first = public_history(
        &themes,
        withheld.kept_history(repo.changes(snap.tip(&repo)?, None)?),
        args.public,
    );
    let mut index = crate::report::actions::actions(
        &themes,
        &actions,
        &milestones,
        &crate::report::over_time::read_history(newest_first.iter().rev()),
        snap.today,
        args.public,
    );
    index.left_out = crate::output::left_out_files(&log.left_out);
    index.withheld = withheld.note();
    let identity = newest_first
        .iter()
        .rev()
        .find_map(|c| c.commit.as_ref())
        .map_or_else(|| "log".to_string(), |c| c.id.chars().take(12).collect());
    let pages = site(
        &index.title,
        &Inputs {
            themes: &themes,
            actions: &actions,
            milestones: &milestones,
            history: &newest_first,
            today: snap.today,
            public: args.public,
        },
    );
    let place = Place {
        base: base.as_deref(),
        identity: &identity,
        title: &index.title,
        public: args.public,
    };
    let mut files = crate::output::site::pages(&index, &pages, args.reports)?;
    let mut feed = Vec::new();
    crate::output::feed::write(&mut feed, &place, &newest_first)?;
    files.push(("feed.xml".into(), feed));
    let mut ics = Vec::new();
    crate::output::calendar::write(
        &mut ics,
        &place,
        &themes,
        &actions,
        &milestones,
        snap.today,
        args.public,
    )?;
    files.push(("calendar.ics".into(), ics));
    if args.reports {
        files.extend(reports(
            &args,
            as_of.as_of.as_deref().unwrap_or("HEAD"),
            &newest_first,
            &pages,
            ctx,
        )?);
    }
    write_site(&args.out, &files)?;
    writeln!(out, "wrote {} files to {}", files.len(), args.out.display())?;
    Ok(outcome)
}

/// The base URL with a trailing slash; only http and https are served by a web server.
fn base_url(url: &str) -> Result<String> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if !ok {
        bail!("--base-url {url:?} is not an http or https address");
    }
    Ok(match url.ends_with('/') {
        true => url.to_string(),
        false => format!("{url}/"),
    })
}

/// The folders whose pages the site owns: a page there that the site no longer has is removed.
const OWNED: [&str; 3] = ["actions", "themes", "reports"];

/// Write `files` under `dir`, each atomically, and remove the pages of an earlier build that no
/// longer belong.
fn write_site(dir: &Path, files: &[crate::output::site::File]) -> Result<()> {
    let mut keep = BTreeSet::new();
    for (path, bytes) in files {
        let target = dir.join(path);
        let folder = target.parent().unwrap_or(dir);
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        crate::store::write_atomic(&target, std::str::from_utf8(bytes)?)
            .with_context(|| format!("cannot write {}", target.display()))?;
        keep.insert(target);
    }
    for sub in OWNED {
        let Ok(read) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            let page = path.extension().is_some_and(|e| e == "html")
                && entry.file_type().is_ok_and(|t| t.is_file());
            if page && !keep.contains(&path) {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// The monthly updates and annual reports, each as `oslog report` writes it in HTML with the same
/// --public: a month's update covers the commits of that month, as of its last commit (the site's
/// own commit for the latest month); a year's report is as of the year's last commit (the site's
/// own for the latest year). Their list is `reports/index.html`.
fn reports(
    args: &Args,
    tip: &str,
    commits: &[crate::trail::CommitChanges],
    site: &crate::report::site::Site,
    ctx: &Context,
) -> Result<Vec<crate::output::site::File>> {
    use super::report::{AnnualArgs, Common, MonthlyArgs};
    use chrono::Datelike;
    let days: Vec<chrono::NaiveDate> = commits
        .iter()
        .filter_map(|c| c.commit.as_ref().map(|i| i.date))
        .collect();
    let Some(last) = days.iter().max().copied() else {
        return Ok(Vec::new());
    };
    let common = || Common {
        format: Some(super::args::Format::Html),
        out: None,
        public: args.public,
        strict: false,
    };
    let months: BTreeSet<(i32, u32)> = days.iter().map(|d| (d.year(), d.month())).collect();
    let years: BTreeSet<i32> = days.iter().map(|d| d.year()).collect();
    let mut files = Vec::new();
    let mut list = Vec::new();
    for &(y, m) in months.iter().rev() {
        let first = chrono::NaiveDate::from_ymd_opt(y, m, 1).context("a month of the history")?;
        let end = crate::model::LogDate::parse(&format!("{y}-{m:02}"))?.last_day();
        let as_of = match (y, m) == (last.year(), last.month()) {
            true => tip.to_string(),
            false => end.format("%Y-%m-%d").to_string(),
        };
        let mut html = Vec::new();
        let monthly = MonthlyArgs {
            since: Some(first.format("%Y-%m-%d").to_string()),
            title: None,
            common: common(),
        };
        super::report::monthly(monthly, None, &AsOf { as_of: Some(as_of) }, ctx, &mut html)?;
        let name = format!("monthly-{y}-{m:02}.html");
        list.push((
            name.clone(),
            format!("Monthly update, {}", first.format("%B %Y")),
        ));
        files.push((format!("reports/{name}"), html));
    }
    for &y in years.iter().rev() {
        let as_of = match y == last.year() {
            true => tip.to_string(),
            false => format!("{y}-12-31"),
        };
        let mut html = Vec::new();
        let annual = AnnualArgs {
            year: y,
            common: common(),
        };
        super::report::annual(annual, &AsOf { as_of: Some(as_of) }, ctx, &mut html)?;
        let name = format!("annual-{y}.html");
        list.push((name.clone(), format!("Annual report, {y}")));
        files.push((format!("reports/{name}"), html));
    }
    files.push((
        "reports/index.html".into(),
        crate::output::site::reports_page(site, &list)?,
    ));
    Ok(files)
}
