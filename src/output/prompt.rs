//! Asking for a missing value on a terminal. Prompts go to standard error so that standard output
//! stays the command's result.

use std::io::{self, BufRead, Write};

/// Ask for `label` until a non-empty answer is given; `None` when input ends.
pub fn ask(label: &str, help: &str) -> io::Result<Option<String>> {
    let stdin = io::stdin();
    let mut stderr = io::stderr();
    loop {
        write!(stderr, "{label} ({help}): ")?;
        stderr.flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let answer = line.trim();
        if !answer.is_empty() {
            return Ok(Some(answer.to_string()));
        }
    }
}

/// Tell the user a typed answer was refused, before asking again.
pub fn refuse(message: &str) -> io::Result<()> {
    writeln!(io::stderr(), "  {message}")
}
