//! One file per subcommand, each with its `Args` and a `run` function; this module only holds the
//! shared context and dispatches.

pub mod add;
pub mod completions;
pub mod edit;
pub mod fmt;
pub mod hooks;
pub mod init;
pub mod list;
pub mod man;
pub mod milestone;
pub mod schema;
pub mod show;
pub mod status;
pub mod timeline;
pub mod update;
pub mod validate;

use crate::cli::{Cli, ColorWhen, Command};
use crate::output::style::Paint;
use anyhow::Result;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How a command ended when it ran to completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: findings that fail, or a refused change.
    Failure,
}

/// What every command may need, resolved from the global options.
pub struct Context {
    /// The folder the command runs in (`-C`, or the current folder).
    pub start: PathBuf,
    /// Today, or the `--today` override.
    pub today: chrono::NaiveDate,
    /// Colour for standard output.
    pub paint: Paint,
    pub verbose: bool,
}

impl Context {
    /// Resolve the global options.
    pub fn new(cli: &Cli, stdout_is_terminal: bool) -> Result<Context> {
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
        })
    }

    /// The log root for this run.
    pub fn root(&self) -> Result<PathBuf> {
        crate::store::find_root(&self.start)
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

/// Run the parsed command, writing its output to `out`.
pub fn dispatch(cli: Cli, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    match cli.command {
        Command::Validate(args) => validate::run(args, ctx, out),
        Command::Fmt(args) => fmt::run(args, ctx, out),
        Command::Status(args) => status::run(args, ctx, out),
        Command::Add(args) => add::run(args, ctx, out),
        Command::Update(args) => update::run(args, ctx, out),
        Command::Edit(args) => edit::run(args, ctx, out),
        Command::Show(args) => show::run(args, ctx, out),
        Command::List(args) => list::run(args, ctx, out),
        Command::Milestone(args) => milestone::run(args, ctx, out),
        Command::Timeline(args) => timeline::run(args, ctx, out),
        Command::Schema(args) => schema::run(args, ctx, out),
        Command::Completions(args) => completions::run(args, ctx, out),
        Command::Man(args) => man::run(args, ctx, out),
        Command::Init(args) => init::run(args, ctx, out),
        Command::Hooks(args) => hooks::run(args, ctx, out),
    }
}
