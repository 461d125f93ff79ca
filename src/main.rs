//! The `oslog` binary: parse the command line, run, and turn the result into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match oslog::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => return oslog::usage_error(&e),
    };
    let verbose = cli.global.verbose.verbose;
    match oslog::run(cli) {
        Ok(oslog::commands::Outcome::Success) => ExitCode::SUCCESS,
        Ok(oslog::commands::Outcome::Failure) => ExitCode::from(1),
        // A reader that closed the pipe (`oslog list | head`) is not an error.
        Err(_) if oslog::stdout_closed() => ExitCode::SUCCESS,
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                // An error may quote a path or git's own words: shown terminal-safe, on one line.
                let shown = |s: String| oslog::output::printable(&s);
                eprintln!("oslog: error: {}", shown(e.to_string()));
                if verbose {
                    for cause in e.chain().skip(1) {
                        eprintln!("  caused by: {}", shown(cause.to_string()));
                    }
                }
            }
            ExitCode::from(2)
        }
    }
}
