//! What every command may need, resolved once: from the global options, the folder it runs in (and
//! the log root found from there), the day, the colour choice and the terminal's width; and for the
//! commands that read the log as it was, `--as-of` resolved into a [`Snapshot`].

use super::args::AsOf;
use super::Outcome;
use crate::cli::{ColorWhen, Global};
use crate::git::{Repo, Rev};
use crate::output::style::Paint;
use crate::store::{Log, Want};
use anyhow::Result;
use chrono::NaiveDate;
use std::cell::OnceCell;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What every command may need, resolved from the global options.
pub struct Context {
    /// The folder the command runs in (`-C`, or the current folder).
    pub start: PathBuf,
    /// Today, or the `--today` override.
    pub today: NaiveDate,
    /// Colour for standard output.
    pub paint: Paint,
    /// Colour for standard error, chosen on its own: either stream may be a terminal.
    pub paint_err: Paint,
    /// The width of the terminal standard output is, which long lines wrap to; `None` when it is
    /// not a terminal, so that piped output keeps every line whole.
    pub width: Option<usize>,
    /// The width tables on standard output are fitted to (see [`Widths`]).
    pub table_width: usize,
    /// Whether `--today` (or OSLOG_TODAY) fixed the day.
    today_given: bool,
    /// The log root, once found.
    root: OnceCell<PathBuf>,
}

/// The log a reading command shows, with `--as-of` resolved once: the working tree, or the commit
/// it names, and the day the log's dates are evaluated on.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot {
    /// The commit read, with `--as-of`; `None` for the working tree.
    pub rev: Option<Rev>,
    /// Today; with `--as-of`, the commit's day unless `--today` was given.
    pub today: NaiveDate,
}

impl Snapshot {
    /// The commit the history behind this log ends at: its own, or HEAD.
    pub fn tip(&self, repo: &Repo) -> Result<Rev> {
        self.rev.map_or_else(|| repo.head(), Ok)
    }
}

impl Context {
    /// Resolve the global options.
    pub fn new(
        cli: &Global,
        stdout_is_terminal: bool,
        stderr_is_terminal: bool,
    ) -> Result<Context> {
        let cwd = std::env::current_dir()?;
        let start = match &cli.dir.dir {
            Some(d) => cwd.join(d),
            None => cwd,
        };
        let given = cli.today.today;
        let today = given.unwrap_or_else(|| chrono::Local::now().date_naive());
        let when = cli.colour.color.unwrap_or(ColorWhen::Auto);
        let widths = Widths::of(stdout_is_terminal);
        Ok(Context {
            start,
            today,
            paint: Paint {
                on: colour(when, stdout_is_terminal),
            },
            paint_err: Paint {
                on: colour(when, stderr_is_terminal),
            },
            width: widths.wrap(),
            table_width: widths.table(),
            today_given: given.is_some(),
            root: OnceCell::new(),
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

    /// How standard output reaches the reader: its colour, and the width a terminal wraps to.
    pub fn screen(&self) -> crate::output::trail::Screen {
        crate::output::trail::Screen {
            paint: self.paint,
            width: self.width,
        }
    }

    /// The log root for this run, found the first time it is asked for.
    pub fn root(&self) -> Result<PathBuf> {
        if let Some(root) = self.root.get() {
            return Ok(root.clone());
        }
        let root = crate::store::find_root(&self.start)?;
        Ok(self.root.get_or_init(|| root).clone())
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

    /// Resolve `--as-of` into the log a reading command shows: with a day or revision, the commit
    /// it names, as of that commit's day unless `--today` was given; without, the working tree as of
    /// today.
    pub fn snapshot(&self, as_of: &AsOf) -> Result<Snapshot> {
        let Some(spec) = &as_of.as_of else {
            return Ok(Snapshot {
                rev: None,
                today: self.today,
            });
        };
        let repo = Repo::open(&self.root()?)?;
        let rev = repo.resolve(spec)?;
        let today = match self.today_given {
            true => self.today,
            false => repo.date(rev)?,
        };
        Ok(Snapshot {
            rev: Some(rev),
            today,
        })
    }

    /// The log of `snap`: read from its commit's objects without a checkout, or loaded from the
    /// working tree (through the log's index) with a warning on stderr when a write was
    /// interrupted there.
    pub fn load(&self, snap: &Snapshot) -> Result<Log> {
        self.load_where(snap, &Want::All)
    }

    /// The log of `snap` for a question about the records `want` selects: from the working tree,
    /// only those are sure to be there (see `store::load_indexed`); from a commit, all of them.
    pub fn load_where(&self, snap: &Snapshot, want: &Want) -> Result<Log> {
        let root = self.root()?;
        match snap.rev {
            Some(rev) => Ok(crate::store::load_stored(
                &root,
                &Repo::open(&root)?.files_at(rev)?,
            )),
            None => {
                let log = crate::store::load_indexed(&root, want)?;
                crate::output::interrupted(&mut std::io::stderr(), &log.diags, self.paint_err)?;
                Ok(log)
            }
        }
    }

    /// The action numbers that action `id` of `snap` refers to, read from its own file, when it is
    /// read from the working tree; `None` otherwise.
    pub fn named_by(&self, snap: &Snapshot, id: u32) -> Option<Vec<u32>> {
        match snap.rev {
            Some(_) => None,
            None => crate::store::references_of(&self.root().ok()?, id),
        }
    }

    /// Warn on stderr, one line per file, about the record files `log` left out of a reading
    /// command's answer, and say how the command ends: with `strict`, a left-out file fails it.
    pub fn warn_left_out(&self, log: &crate::store::Log, strict: bool) -> Result<Outcome> {
        let prefix = self.display_prefix(&log.root);
        let mut err = std::io::stderr().lock();
        crate::output::left_out(&mut err, &prefix, &log.left_out, self.paint_err)?;
        Ok(if strict && !log.left_out.is_empty() {
            Outcome::Failure
        } else {
            Outcome::Success
        })
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

/// What the run knows of standard output's width, asked once: whether it is a terminal, the size the
/// terminal reports (none under `docker exec`, `script` and some CI runners, which report 0×0), and
/// `COLUMNS`.
struct Widths {
    terminal: bool,
    reported: Option<usize>,
    columns: Option<usize>,
}

impl Widths {
    fn of(terminal: bool) -> Widths {
        let reported = terminal
            .then(|| terminal_size::terminal_size_of(std::io::stdout()))
            .flatten()
            .map(|(terminal_size::Width(w), _)| usize::from(w))
            .filter(|w| *w > 0);
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse().ok())
            .filter(|c| *c > 0);
        Widths {
            terminal,
            reported,
            columns,
        }
    }

    /// The width long lines wrap to on a terminal: `COLUMNS` when set (as a shell sets it), else
    /// what the terminal says, else 80; none when output is not a terminal.
    fn wrap(&self) -> Option<usize> {
        self.terminal
            .then(|| self.columns.or(self.reported).unwrap_or(80))
    }

    /// The width tables are fitted to: the terminal's, or when it reports none `COLUMNS`, then 80;
    /// output that is not a terminal uses `COLUMNS`, then 120.
    fn table(&self) -> usize {
        match self.terminal {
            true => self.reported.or(self.columns).unwrap_or(80),
            false => self.columns.unwrap_or(120),
        }
    }
}

/// Whether to colour a stream: as `--color` says, or with `auto` by the conventions: never with
/// `NO_COLOR`, always with `CLICOLOR_FORCE` (other than `0`), never with `CLICOLOR=0`, and
/// otherwise on a terminal that is not `TERM=dumb`.
fn colour(when: ColorWhen, is_terminal: bool) -> bool {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto if var("NO_COLOR").is_some() => false,
        ColorWhen::Auto if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
        ColorWhen::Auto if var("CLICOLOR").is_some_and(|v| v == "0") => false,
        ColorWhen::Auto => is_terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb"),
    }
}
