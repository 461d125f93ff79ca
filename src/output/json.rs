//! The one JSON writer: every document of `--format json`, and validate's, is written here, pretty
//! and ending with a line break, so that all of them read alike, and each carries the version of
//! oslog's JSON documents as its first field.

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use std::cell::RefCell;
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

/// A sequence written as its items are made, from an iterator of results, so that a long answer is
/// never held whole. The first error stops the document where it is, unfinished (no reader can take
/// it for a whole one), and is kept for the caller in `failed`.
pub struct Each<'a, I> {
    items: RefCell<Option<I>>,
    failed: &'a RefCell<Option<anyhow::Error>>,
}

impl<'a, I> Each<'a, I> {
    pub fn new(items: I, failed: &'a RefCell<Option<anyhow::Error>>) -> Self {
        Each {
            items: RefCell::new(Some(items)),
            failed,
        }
    }
}

impl<I, T> Serialize for Each<'_, I>
where
    I: Iterator<Item = anyhow::Result<T>>,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let items = self.items.borrow_mut().take();
        let items = items.ok_or_else(|| S::Error::custom("a sequence written twice"))?;
        let mut seq = s.serialize_seq(None)?;
        for item in items {
            match item {
                Ok(item) => seq.serialize_element(&item)?,
                Err(e) => {
                    let message = e.to_string();
                    *self.failed.borrow_mut() = Some(e);
                    return Err(S::Error::custom(message));
                }
            }
        }
        seq.end()
    }
}
