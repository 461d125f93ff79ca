//! `oslog schema`: the JSON Schema (draft-07) of a kind of log file, generated from the same model
//! types the loader produces, so that editors can check files while they are typed. This is the only
//! module that generates schemas; the model only derives them.

use super::{Context, Outcome};
use crate::model::{Action, Milestone, Themes};
use anyhow::Result;
use std::io::Write;

/// Print the JSON Schema (draft-07) of action files, milestone files or themes.yaml.
///
/// The schema is generated from the types oslog loads files into, so it follows the format.
/// It checks shapes, required fields, statuses and date patterns; `oslog validate` checks the
/// rest (that dates exist, that references resolve, that ids match file names).
///
/// Point an editor at it with a modeline on the first line of a file:
///   # yaml-language-server: $schema=../schemas/action.schema.json
///
/// Examples:
///   oslog schema actions > schemas/action.schema.json
///   oslog schema milestones > schemas/milestone.schema.json
///   oslog schema themes > schemas/themes.schema.json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Which kind of file.
    #[arg(value_enum)]
    pub kind: SchemaKind,
}

/// The kinds of log file that have a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// actions/NNN.yaml
    Actions,
    /// timeline/<date>-<slug>.yaml
    Milestones,
    /// themes.yaml
    Themes,
}

/// The draft-07 schema of one kind of file, as JSON.
pub fn generate(kind: SchemaKind) -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = match kind {
        SchemaKind::Actions => generator.into_root_schema_for::<Action>(),
        SchemaKind::Milestones => generator.into_root_schema_for::<Milestone>(),
        SchemaKind::Themes => generator.into_root_schema_for::<Themes>(),
    };
    schema.to_value()
}

/// Run `oslog schema`.
pub fn run(args: Args, _ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    crate::output::json::write_as_is(out, &generate(args.kind))?;
    Ok(Outcome::Success)
}
