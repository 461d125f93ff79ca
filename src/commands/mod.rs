//! One file per subcommand, each with its `Args` and a `run` function; this module holds the
//! `Command` enum and the dispatch. What every command may need is in `context.rs`, the arguments
//! several share in `args.rs`.

pub mod add;
pub mod args;
pub mod completions;
mod context;
pub mod diff;
pub mod edit;
pub mod fmt;
pub mod history;
pub mod hooks;
pub mod init;
pub mod list;
pub mod log;
pub mod man;
pub mod merge_driver;
pub mod milestone;
pub mod recover;
pub mod renumber;
pub mod report;
pub mod schema;
pub mod show;
pub mod site;
pub mod slips;
pub mod status;
pub mod timeline;
pub mod update;
pub mod validate;

pub use context::{Context, Snapshot};

use anyhow::Result;
use clap::Subcommand;
use std::io::Write;

/// How a command ended when it ran to completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: findings that fail, a merge the driver leaves in conflict, or with `--strict` a
    /// record file left out of an answer. (A refused change is an error: exit 2.)
    Failure,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    Validate(validate::Args),
    Fmt(fmt::Args),
    Status(status::Args),
    Add(add::Args),
    Update(update::Args),
    Edit(edit::Args),
    Show(show::Args),
    List(list::Args),
    Milestone(milestone::Args),
    Timeline(timeline::Args),
    Schema(schema::Args),
    Hooks(hooks::Args),
    Completions(completions::Args),
    Man(man::Args),
    History(history::Args),
    Log(log::Args),
    Diff(diff::Args),
    Slips(slips::Args),
    Renumber(renumber::Args),
    Recover(recover::Args),
    MergeDriver(merge_driver::Args),
    Report(report::Args),
    Site(site::Args),
}

/// The global options each command honours (see `cli::Globals`): every command takes `-v`; those
/// that work in a log `-C`; those that judge or write dates `--today`; and those that colour what
/// they write, on stdout or in warnings on stderr, `--color`.
pub fn globals(name: &str) -> &'static [crate::cli::Opt] {
    use crate::cli::Opt::{Colour, Dir, NoCache, Today, Verbose};
    match name {
        "status" | "show" | "list" | "timeline" | "report" | "site" => {
            &[Dir, Today, Colour, NoCache, Verbose]
        }
        "add" | "update" | "edit" => &[Dir, Today, NoCache, Verbose],
        "validate" | "history" | "log" | "diff" | "slips" | "renumber" => {
            &[Dir, Colour, NoCache, Verbose]
        }
        "fmt" | "milestone" | "recover" => &[Dir, NoCache, Verbose],
        "init" | "hooks" | "merge-driver" => &[Dir, Verbose],
        _ => &[Verbose],
    }
}

/// Run the parsed command, writing its output to `out`.
pub fn dispatch(command: Command, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let result = match command {
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
        Command::History(args) => history::run(args, ctx, out),
        Command::Log(args) => log::run(args, ctx, out),
        Command::Diff(args) => diff::run(args, ctx, out),
        Command::Slips(args) => slips::run(args, ctx, out),
        Command::Renumber(args) => renumber::run(args, ctx, out),
        Command::Recover(args) => recover::run(args, ctx, out),
        Command::MergeDriver(args) => merge_driver::run(args, ctx, out),
        Command::Report(args) => report::run(args, ctx, out),
        Command::Site(args) => site::run(args, ctx, out),
    };
    result.map_err(crate::git::explain_damage)
}
