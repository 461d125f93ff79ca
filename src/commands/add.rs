//! `oslog add`: a new action under the next free number.

use super::{Context, Outcome};
use crate::model::{Action, Deadline, LogDate, Status, Update};
use crate::output::prompt;
use crate::write::{self, Draft};
use anyhow::{bail, Result};
use std::io::{IsTerminal, Write};

/// Add an action under the next free number and print its number and file.
///
/// The number is above every number the log has used, so a number is never reused: those in use,
/// the former numbers of renumbered actions, and in a git repository those of actions the history
/// shows were deleted. It is chosen under the log's write lock, so two runs at the same moment get
/// different numbers. The highest number an action may have is 999999; past it, add refuses.
/// --title, --theme and --raised are required: on a terminal oslog asks
/// for any that are missing; otherwise it exits 2 and names them.
///
/// Examples:
///   oslog add --title "HO to circulate the DPIA" --theme data-sharing --raised 2019-07 --owner HO
///   oslog add --title "Paper on audit" --theme audit-and-inspection --raised 2019-07-01 \
///             --deadline 2019-09 --link 16 --link 21 --note "Agreed at workshop 6." --commit
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// What was agreed, as minuted.
    #[arg(long)]
    pub title: Option<String>,
    /// The theme key (see themes.yaml).
    #[arg(long)]
    pub theme: Option<String>,
    /// Who holds the action.
    #[arg(long)]
    pub owner: Option<String>,
    /// The meeting that raised it: YYYY-MM or YYYY-MM-DD, not after today.
    #[arg(long, value_parser = LogDate::parse, value_name = "DATE")]
    pub raised: Option<LogDate>,
    /// When it is due: YYYY-MM, YYYY-MM-DD or `monthly`.
    #[arg(long, value_parser = Deadline::parse, value_name = "DATE")]
    pub deadline: Option<Deadline>,
    /// A related action (repeatable, or comma-separated: 21,24).
    #[arg(long = "link", value_name = "N", value_delimiter = ',', value_parser = super::args::parse_number)]
    pub links: Vec<u32>,
    /// A first update, dated today.
    #[arg(long)]
    pub note: Option<String>,
    /// Where the action came from: a key of the sources in themes.yaml.
    #[arg(long, value_name = "KEY")]
    pub source: Option<String>,
    /// Commit the new file with git.
    #[arg(long)]
    pub commit: bool,
}

/// Run `oslog add`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    let args = complete(args, std::io::stdin().is_terminal(), &root)?;
    let (Some(title), Some(theme), Some(raised)) = (args.title, args.theme, args.raised) else {
        unreachable!("complete() returns every required field")
    };
    ctx.not_after_today("--raised", Some(raised))?;
    let mut links = args.links;
    links.sort_unstable();
    links.dedup();
    let action = Action {
        id: 0,
        title: title.trim().to_string(),
        theme,
        owner: args.owner.filter(|o| !o.trim().is_empty()),
        raised,
        deadline: args.deadline,
        status: Status::NotStarted,
        signed_off: None,
        links,
        merged_into: vec![],
        duplicate_of: None,
        formerly: vec![],
        artefacts: vec![],
        source: args.source,
        updates: args
            .note
            .filter(|n| !n.trim().is_empty())
            .map(|text| Update {
                date: Some(LogDate::from_day(ctx.today)),
                text,
            })
            .into_iter()
            .collect(),
    };
    let (a, written, unread) =
        write::create_action(&ctx.lock(&root)?, Draft { action }, ctx.commit(args.commit))?;
    let prefix = ctx.display_prefix(&root);
    crate::output::unread_numbers(&mut std::io::stderr(), &prefix, &unread, ctx.paint_err)?;
    ctx.written(out, &root, &format!("added action {}", a.id), &written)
}

/// Fill in the required fields: from a terminal by asking, otherwise refuse naming every missing flag.
fn complete(mut args: Args, interactive: bool, root: &std::path::Path) -> Result<Args> {
    let mut missing = Vec::new();
    if args
        .title
        .as_deref()
        .is_none_or(crate::model::text::is_blank)
    {
        missing.push("--title");
    }
    if args.theme.is_none() {
        missing.push("--theme");
    }
    if args.raised.is_none() {
        missing.push("--raised");
    }
    if missing.is_empty() {
        return Ok(args);
    }
    if !interactive {
        bail!(
            "missing {}; standard input is not a terminal, so oslog cannot ask for {}",
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        );
    }
    let ended = || anyhow::anyhow!("input ended before every required field was given");
    if missing.contains(&"--title") {
        args.title = Some(prompt::ask("Title", "what was agreed")?.ok_or_else(ended)?);
    }
    if missing.contains(&"--theme") {
        let themes = write::themes(root).ok();
        let help = match &themes {
            Some(t) => t
                .themes
                .iter()
                .map(|t| t.key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            None => "a key of themes.yaml".to_string(),
        };
        while args.theme.is_none() {
            let answer = prompt::ask("Theme", &help)?.ok_or_else(ended)?;
            match themes.as_ref().and_then(|t| t.unknown(&answer)) {
                Some(message) => prompt::refuse(&message)?,
                None => args.theme = Some(answer),
            }
        }
    }
    while args.raised.is_none() {
        let answer = prompt::ask("Raised", "YYYY-MM or YYYY-MM-DD")?.ok_or_else(ended)?;
        match LogDate::parse(&answer) {
            Ok(d) => args.raised = Some(d),
            Err(e) => prompt::refuse(&e.to_string())?,
        }
    }
    Ok(args)
}
