//! `oslog show`: one action in full, with what refers to it from elsewhere in the log.

use super::args::{formats, AsOf, Format};
use super::{Context, Outcome};
use crate::store::{self, emit};
use anyhow::Result;
use serde::Serialize;
use std::io::Write;

/// Show action N in full, with what refers to it.
///
/// A page for a person: the title, the theme's name, the status, the owner, the deadline with the
/// days overdue or left, when it was raised (as the workshop of that month), the sign-off, the
/// actions it links to and those that refer to it (linked from, merged into it, duplicates) with
/// their titles, the milestones that cite it, and the updates, dated and numbered 1, 2, … as
/// `oslog update N --amend K` and `--remove K` take them. --format yaml gives the record as its
/// file holds it, and json the record with what refers to it.
/// A record file that mentions N but does not load cannot be counted among these: a
/// warning on stderr names it (and in JSON, `left_out`); --strict makes that exit 1.
///
/// Examples:
///   oslog show 16
///   oslog show 16 --format json
///   oslog show 16 --format yaml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The action.
    #[arg(value_name = "N", value_parser = super::args::parse_number)]
    pub id: u32,
    /// Output format: text (a page for a person), json (the record and what refers to it) or yaml
    /// (the record as its file holds it).
    #[arg(long, default_value = "text", value_parser = formats(FORMATS))]
    pub format: Format,
    /// Exit 1 when a record file does not load and is left out of what refers to N.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub as_of: AsOf,
}

/// The output formats of `show`.
const FORMATS: &[(Format, &str)] = &[(Format::Text, ""), (Format::Json, ""), (Format::Yaml, "")];

#[derive(Serialize)]
struct Shown<'a> {
    action: &'a crate::model::Action,
    referenced_by: crate::report::Related,
    left_out: &'a [store::LeftOut],
}

/// Run `oslog show`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    // Without --as-of, only the action's own record and those that refer to it are needed; the page
    // for a person also names the titles of the actions it refers to, and the workshops.
    let snap = ctx.snapshot(&args.as_of)?;
    let log = match args.format {
        Format::Json | Format::Yaml => ctx.load_where(&snap, &store::Want::Number(args.id))?,
        _ => match ctx.named_by(&snap, args.id) {
            Some(names) => {
                let want = store::Want::Page {
                    id: args.id,
                    names: &names,
                };
                let log = ctx.load_where(&snap, &want)?;
                // Changed between the two reads, the action may name others: then the whole log.
                let same = |a: &crate::model::Action| {
                    a.id == args.id && a.references().all(|(_, n)| names.binary_search(&n).is_ok())
                };
                match log.actions.iter().any(|a| same(&a.value)) {
                    true => log,
                    false => ctx.load(&snap)?,
                }
            }
            None => ctx.load(&snap)?,
        },
    };
    let i = crate::write::find_action(&log, args.id)?;
    let outcome = ctx.warn_left_out(&log, args.strict)?;
    let action = &log.actions[i].value;
    let actions: Vec<_> = log.actions.iter().map(|a| &a.value).collect();
    let milestones: Vec<_> = log.milestones.iter().map(|m| &m.value).collect();
    let related = crate::report::related(args.id, &actions, &milestones);
    match args.format {
        Format::Json => {
            let shown = Shown {
                action,
                referenced_by: related,
                left_out: &log.left_out,
            };
            crate::output::json::write(out, &shown)?;
        }
        Format::Yaml => out.write_all(emit::action(action, &[]).as_bytes())?,
        _ => {
            let (themes, _, _) = log.records();
            let page =
                crate::report::page(action, &themes, &actions, &milestones, snap.today, related);
            crate::output::page(out, &page, ctx.paint)?;
        }
    }
    Ok(outcome)
}
