//! `oslog man`: the roff man pages, generated from the command line's own definition by clap_mangen,
//! so that they say what `--help` says.

use super::{Context, Outcome};
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::PathBuf;

/// Print the man page oslog(1), or write all the pages into a folder.
///
/// With --out-dir, writes oslog.1 and a page per subcommand (oslog-validate.1, …).
///
/// Examples:
///   oslog man | man -l -
///   oslog man --out-dir ~/.local/share/man/man1
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Write oslog.1 and one page per subcommand into this folder instead of printing oslog.1.
    #[arg(long, value_name = "FOLDER")]
    pub out_dir: Option<PathBuf>,
}

/// Run `oslog man`.
pub fn run(args: Args, _ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let cmd = crate::command();
    match args.out_dir {
        None => clap_mangen::Man::new(cmd).render(out)?,
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create folder {}", dir.display()))?;
            clap_mangen::generate_to(cmd, &dir)
                .with_context(|| format!("cannot write the man pages in {}", dir.display()))?;
            writeln!(out, "wrote the man pages in {}", dir.display())?;
        }
    }
    Ok(Outcome::Success)
}
