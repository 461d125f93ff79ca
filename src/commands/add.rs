//! `oslog add`: a new action under the next free number.

use super::{Context, Outcome};
use crate::model::{Action, Deadline, LogDate, Status, Update};
use crate::output::prompt;
use crate::store::yaml::Kind;
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
/// for any that are missing, then offers --owner, --deadline and --link if they were not given
/// (Enter leaves one out; --raised defaults to the current month); otherwise it exits 2 and names
/// them. --edit writes the action in $VISUAL or $EDITOR instead, on a template of its fields filled
/// from the flags given; an editor that fails, or a template left empty or unchanged, writes
/// nothing.
///
/// Examples:
///   oslog add --title "HO to circulate the DPIA" --theme data-sharing --raised 2019-07 --owner HO
///   oslog add --title "Paper on audit" --theme audit-and-inspection --raised 2019-07-01 \
///             --deadline 2019-09 --link 16 --link 21 --note "Agreed at workshop 6." --commit
///   oslog add --edit --theme data-sharing
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
    /// Write the action in $VISUAL or $EDITOR, on a template of its fields (title, theme, owner,
    /// raised, deadline, links) filled from the flags given; lines starting with # are left out.
    #[arg(long)]
    pub edit: bool,
    /// Commit the new file with git.
    #[arg(long)]
    pub commit: bool,
}

/// Run `oslog add`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    let this_month = this_month(ctx.today);
    let args = match args.edit {
        true => edited(args, &root, this_month)?,
        false => complete(args, std::io::stdin().is_terminal(), &root, this_month)?,
    };
    let (Some(title), Some(theme), Some(raised)) = (args.title, args.theme, args.raised) else {
        unreachable!("complete() and edited() return every required field")
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

/// The month of `today`, which a new action is raised in unless told otherwise.
fn this_month(today: chrono::NaiveDate) -> LogDate {
    let (year, month) = LogDate::from_day(today).year_month();
    LogDate::Month { year, month }
}

/// The required flags that `args` lacks.
fn missing(args: &Args) -> Vec<&'static str> {
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
    missing
}

/// The theme keys of the log, for help with a theme, or where to find them.
fn theme_keys(themes: Option<&crate::model::Themes>) -> String {
    match themes {
        Some(t) => t
            .themes
            .iter()
            .map(|t| t.key.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        None => "a key of themes.yaml".to_string(),
    }
}

/// Parse related actions as typed: numbers separated by commas or spaces.
fn parse_links(s: &str) -> Result<Vec<u32>, String> {
    s.split([',', ' '])
        .filter(|n| !n.trim().is_empty())
        .map(super::args::parse_number)
        .collect()
}

/// Fill in the required fields: from a terminal by asking, then offering the optional ones that were
/// not given; otherwise refuse naming every missing flag.
fn complete(
    mut args: Args,
    interactive: bool,
    root: &std::path::Path,
    this_month: LogDate,
) -> Result<Args> {
    let missing = missing(&args);
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
        let title = prompt::ask("Title", "what was agreed", None, |s| {
            Ok::<_, String>(s.into())
        });
        args.title = Some(title?.ok_or_else(ended)?);
    }
    if args.theme.is_none() {
        let themes = write::themes(root).ok();
        let theme = prompt::ask(
            "Theme",
            &theme_keys(themes.as_ref()),
            None,
            |s| match themes.as_ref().and_then(|t| t.unknown(s)) {
                Some(message) => Err(message),
                None => Ok(s.to_string()),
            },
        );
        args.theme = Some(theme?.ok_or_else(ended)?);
    }
    if args.raised.is_none() {
        let month = this_month.to_string();
        let help = format!("YYYY-MM or YYYY-MM-DD; Enter for {month}");
        let raised = prompt::ask("Raised", &help, Some(&month), LogDate::parse);
        args.raised = Some(raised?.ok_or_else(ended)?);
    }
    // Then the fields a new action often has: Enter leaves one out, the end of input the rest.
    if args.owner.is_none() {
        let Some(owner) = optional("Owner", "who holds it", |s| Ok::<_, String>(s.into()))? else {
            return Ok(args);
        };
        args.owner = owner;
    }
    if args.deadline.is_none() {
        let help = "YYYY-MM, YYYY-MM-DD or monthly";
        let Some(deadline) = optional("Deadline", help, Deadline::parse)? else {
            return Ok(args);
        };
        args.deadline = deadline;
    }
    if args.links.is_empty() {
        let help = "related actions' numbers, as 16, 21";
        if let Some(links) = optional("Links", help, parse_links)? {
            args.links = links.unwrap_or_default();
        }
    }
    Ok(args)
}

/// Offer a field that may be left out: `Some(None)` when it is, `None` when input ends.
fn optional<T, E: std::fmt::Display>(
    label: &str,
    help: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> std::io::Result<Option<Option<T>>> {
    prompt::ask(
        label,
        &format!("{help}; Enter for none"),
        Some(""),
        |s| match s {
            "" => Ok(None),
            s => parse(s).map(Some),
        },
    )
}

/// The fields of the template `add --edit` opens, in its order.
const TEMPLATE_FIELDS: [&str; 6] = ["title", "theme", "owner", "raised", "deadline", "links"];

/// Fill in the fields from the user's editor, on a template of them filled from `args`; refuse an
/// edited template that is empty, left unchanged, not YAML, or lacks a required field.
fn edited(mut args: Args, root: &std::path::Path, this_month: LogDate) -> Result<Args> {
    use crate::store::emit::plain_or_quoted;
    let themes = write::themes(root).ok();
    let text = |v: Option<&str>| v.map(plain_or_quoted).unwrap_or_default();
    let links: Vec<String> = args.links.iter().map(u32::to_string).collect();
    let template = format!(
        "title: {}\ntheme: {}\nowner: {}\nraised: {}\ndeadline: {}\nlinks: [{}]\n\
         # The new action: fill in the fields above; lines starting with # are left out.\n\
         # title, theme and raised are required. theme is one of: {}\n\
         # raised: YYYY-MM or YYYY-MM-DD, not after today. deadline: YYYY-MM, YYYY-MM-DD or monthly.\n\
         # links: the numbers of related actions, as [16, 21].\n",
        text(args.title.as_deref()),
        text(args.theme.as_deref()),
        text(args.owner.as_deref()),
        args.raised.unwrap_or(this_month),
        args.deadline.map(|d| d.to_string()).unwrap_or_default(),
        links.join(", "),
        theme_keys(themes.as_ref()),
    );
    let written = super::args::edit_text(&template)?;
    if crate::model::text::is_blank(&written) {
        bail!("the edited action is empty; nothing was written");
    }
    let doc = crate::store::yaml::parse(&written).map_err(|e| {
        anyhow::anyhow!(
            "the edited action is not YAML: {}; nothing was written",
            e.message
        )
    })?;
    let Kind::Map(pairs) = doc.root.kind else {
        bail!("the edited action is not a mapping of its fields; nothing was written");
    };
    let (mut title, mut theme, mut owner, mut raised, mut deadline) =
        (None, None, None, None, None);
    let mut links = Vec::new();
    let not_numbers = || {
        anyhow::anyhow!("the edited action's links are not a list of numbers; nothing was written")
    };
    let mut seen = Vec::new();
    for (key, value) in &pairs {
        let key = scalar(key).unwrap_or_default();
        if !TEMPLATE_FIELDS.contains(&key) {
            bail!(
                "the edited action has a field `{key}` that add does not take (it takes {}); nothing was written",
                TEMPLATE_FIELDS.join(", ")
            );
        }
        if seen.contains(&key) {
            bail!("the edited action has `{key}` twice; nothing was written");
        }
        seen.push(key);
        if value.is_null() {
            continue;
        }
        match (key, scalar(value)) {
            ("title", Some(s)) => title = Some(s.to_string()),
            ("theme", Some(s)) => theme = Some(s.to_string()),
            ("owner", Some(s)) => owner = Some(s.to_string()),
            ("raised", Some(s)) => raised = Some(field(key, LogDate::parse(s))?),
            ("deadline", Some(s)) => deadline = Some(field(key, Deadline::parse(s))?),
            ("links", Some(s)) => links = field(key, parse_links(s))?,
            ("links", None) => {
                let Kind::Seq(items) = &value.kind else {
                    return Err(not_numbers());
                };
                for item in items {
                    let n = scalar(item).ok_or_else(not_numbers)?;
                    links.push(field(key, super::args::parse_number(n))?);
                }
            }
            _ => bail!("the edited action's {key} is not one line of text; nothing was written"),
        }
    }
    args.title = title;
    args.theme = theme;
    args.owner = owner;
    args.raised = raised;
    args.deadline = deadline;
    args.links = links;
    let missing = missing(&args);
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|m| m.trim_start_matches('-')).collect();
        bail!(
            "the edited action has no {}; nothing was written",
            names.join(", no ")
        );
    }
    Ok(args)
}

/// A field's value from the edited action, or why it was refused.
fn field<T, E: std::fmt::Display>(key: &str, parsed: Result<T, E>) -> Result<T> {
    parsed.map_err(|e| anyhow::anyhow!("the edited action's {key}: {e}; nothing was written"))
}

/// The text of a scalar node.
fn scalar(node: &crate::store::yaml::Node) -> Option<&str> {
    match &node.kind {
        Kind::Scalar { text, .. } => Some(text),
        _ => None,
    }
}
