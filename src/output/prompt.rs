//! Asking for a missing value on a terminal. Prompts go to standard error so that standard output
//! stays the command's result.

use std::io::{self, BufRead, Write};

/// Ask for `label` until `parse` takes the answer, telling the user why it refused one before asking
/// again. An empty answer is `default`, when there is one, and otherwise asked again; `None` when
/// input ends.
pub fn ask<T, E: std::fmt::Display>(
    label: &str,
    help: &str,
    default: Option<&str>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> io::Result<Option<T>> {
    let stdin = io::stdin();
    let mut stderr = io::stderr();
    loop {
        write!(stderr, "{label} ({help}): ")?;
        stderr.flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let answer = match (line.trim(), default) {
            ("", None) => continue,
            ("", Some(d)) => d,
            (a, _) => a,
        };
        match parse(answer) {
            Ok(value) => return Ok(Some(value)),
            Err(e) => writeln!(stderr, "  {e}")?,
        }
    }
}
