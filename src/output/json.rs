//! The one JSON writer: every document of `--format json`, and validate's, is written here, pretty
//! and ending with a line break, so that all of them read alike, and each carries the version of
//! oslog's JSON documents as its first field.

use serde::Serialize;
use std::io::{self, Write};

/// The version of oslog's JSON documents, their `"version"` field. It is raised when a document
/// changes so that a reader of the old one would misread it (a field removed, renamed or given
/// another meaning); a new field does not raise it.
pub const VERSION: u32 = 1;

/// A document with the version before its own fields.
#[derive(Serialize)]
struct Versioned<'a, T: ?Sized> {
    version: u32,
    #[serde(flatten)]
    document: &'a T,
}

/// Write `document`, which serializes as a map (a struct), as one of oslog's JSON documents.
pub fn write(w: &mut dyn Write, document: &impl Serialize) -> io::Result<()> {
    write_as_is(
        w,
        &Versioned {
            version: VERSION,
            document,
        },
    )
}

/// Write a document whose shape a standard defines (a JSON Schema, a SARIF log), as it is.
pub fn write_as_is(w: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    writeln!(w)
}
