//! What every command may need, resolved once from the global options: the folder it runs in (and
//! the log root found from there), the day, the colour choice, and `--as-of`.

use super::Outcome;
use crate::cli::{ColorWhen, Global};
use crate::output::style::Paint;
use anyhow::Result;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What every command may need, resolved from the global options.
pub struct Context {
    /// The folder the command runs in (`-C`, or the current folder).
    pub start: PathBuf,
    /// Today, or the `--today` override.
    pub today: chrono::NaiveDate,
    /// Colour for standard output.
    pub paint: Paint,
    pub verbose: bool,
    /// `--as-of`: the commit or day whose log the reading commands show.
    pub as_of: Option<String>,
    /// Whether `--today` (or OSLOG_TODAY) fixed the day.
    pub today_given: bool,
}

impl Context {
    /// Resolve the global options.
    pub fn new(cli: &Global, stdout_is_terminal: bool) -> Result<Context> {
        let cwd = std::env::current_dir()?;
        let start = match &cli.dir {
            Some(d) => cwd.join(d),
            None => cwd,
        };
        let on = match cli.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => auto_colour(stdout_is_terminal),
        };
        let today = cli
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        Ok(Context {
            start,
            today,
            paint: Paint { on },
            verbose: cli.verbose,
            as_of: cli.as_of.clone(),
            today_given: cli.today.is_some(),
        })
    }

    /// Refuse a date given with `flag` that lies after today (the `--today` this command reports, or
    /// the day it runs): a date oslog writes records what has happened.
    pub fn not_after_today(&self, flag: &str, date: Option<crate::model::LogDate>) -> Result<()> {
        if let Some(d) = date.filter(|d| d.first_day() > self.today) {
            anyhow::bail!(
                "{flag} {d} is after today ({today}): the log records what has happened, so give a date on or before today (or --today YYYY-MM-DD, if today is not {today})",
                today = self.today
            );
        }
        Ok(())
    }

    /// The log root for this run.
    pub fn root(&self) -> Result<PathBuf> {
        crate::store::find_root(&self.start)
    }

    /// Take the write lock of the log at `root` (see `write::lock`), saying on stderr what completing
    /// an interrupted write did.
    pub fn lock(&self, root: &Path) -> Result<crate::store::Lock> {
        let (lock, done) = crate::write::lock(root)?;
        crate::output::recovery(&mut std::io::stderr(), &done, "oslog: ")?;
        Ok(lock)
    }

    /// With `--commit`, how a writing command's commit is worded: by the renderer of commit
    /// messages.
    pub fn commit(&self, commit: bool) -> Option<crate::write::Message> {
        commit.then_some(crate::output::commit::message as crate::write::Message)
    }

    /// The log a reading command shows, with the day to evaluate it on: the working tree as of today,
    /// or with `--as-of` the log at that commit, as of the commit's day unless `--today` was given.
    pub fn load_log(&self) -> Result<(crate::store::Log, chrono::NaiveDate)> {
        let root = self.root()?;
        let Some(spec) = &self.as_of else {
            let log = crate::store::load(&root)?;
            crate::output::interrupted(&mut std::io::stderr(), &log.diags)?;
            return Ok((log, self.today));
        };
        let repo = crate::git::Repo::open(&root)?;
        let rev = repo.resolve(spec)?;
        let log = crate::store::load_stored(&root, &repo.files_at(rev)?);
        let today = if self.today_given {
            self.today
        } else {
            repo.date(rev)?
        };
        Ok((log, today))
    }

    /// Warn on stderr, one line per file, about the record files `log` left out of a reading
    /// command's answer, and say how the command ends: with `strict`, a left-out file fails it.
    pub fn warn_left_out(&self, log: &crate::store::Log, strict: bool) -> Result<Outcome> {
        let prefix = self.display_prefix(&log.root);
        crate::output::left_out(&mut std::io::stderr().lock(), &prefix, &log.left_out)?;
        Ok(if strict && !log.left_out.is_empty() {
            Outcome::Failure
        } else {
            Outcome::Success
        })
    }

    /// The commit a reading command's history ends at: the `--as-of` commit, or HEAD.
    pub fn history_tip(&self, repo: &crate::git::Repo) -> Result<crate::git::Rev> {
        match &self.as_of {
            Some(spec) => repo.resolve(spec),
            None => repo.head(),
        }
    }

    /// Tell the user what a writing command wrote (and committed), with the path as they see it.
    pub fn written(
        &self,
        out: &mut dyn Write,
        root: &Path,
        summary: &str,
        written: &crate::write::Written,
    ) -> Result<Outcome> {
        let shown = self.display_prefix(root).join(&written.file);
        crate::output::written(out, summary, &shown, written.commit.as_ref())?;
        Ok(Outcome::Success)
    }

    /// How to show paths under `root` to the user: relative to the current folder where possible.
    pub fn display_prefix(&self, root: &Path) -> PathBuf {
        let cwd = std::env::current_dir()
            .ok()
            .and_then(|c| c.canonicalize().ok());
        match cwd.as_deref().and_then(|c| root.strip_prefix(c).ok()) {
            Some(rel) => rel.to_path_buf(),
            None => root.to_path_buf(),
        }
    }
}

fn auto_colour(is_terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    is_terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}
