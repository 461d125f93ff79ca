//! `oslog completions`: the shell completion script for bash, zsh, fish or PowerShell, generated from
//! the command line's own definition by clap_complete.

use super::{Context, Outcome};
use anyhow::Result;
use std::io::Write;

/// Print the completion script for a shell.
///
/// Install it where your shell looks for completions; see the README for each shell.
///
/// Examples:
///   oslog completions bash > ~/.local/share/bash-completion/completions/oslog
///   oslog completions zsh > ~/.zfunc/_oslog
///   oslog completions fish > ~/.config/fish/completions/oslog.fish
///   oslog completions powershell >> $PROFILE
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Run `oslog completions`.
pub fn run(args: Args, _ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let mut cmd = crate::command();
    // clap_complete panics when its writer fails (a closed pipe), so the script is made first.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "oslog", &mut script);
    out.write_all(&script)?;
    Ok(Outcome::Success)
}
