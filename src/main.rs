//! The `oslog` binary: parse the command line, run, and turn the result into an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = oslog::cli::Cli::parse();
    let verbose = cli.verbose;
    match oslog::run(cli) {
        Ok(oslog::commands::Outcome::Success) => ExitCode::SUCCESS,
        Ok(oslog::commands::Outcome::Failure) => ExitCode::from(1),
        Err(e) if oslog::stdout_closed() || is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("oslog: error: {e}");
                if verbose {
                    for cause in e.chain().skip(1) {
                        eprintln!("  caused by: {cause}");
                    }
                }
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
