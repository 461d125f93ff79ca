//! The one JSON writer: every document of `--format json`, and validate's, is written here, pretty
//! and ending with a line break, so that all of them read alike.

use serde::Serialize;
use std::io::{self, Write};

/// Write `value` as a JSON document.
pub fn write(w: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    writeln!(w)
}
