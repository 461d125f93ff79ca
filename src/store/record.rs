//! One file's text decoded into a record: its value, where its fields are, the comments a writer
//! keeps, and whether it is in the canonical layout; or, for a file with errors, what decoded of it
//! and every finding about it. The YAML tree comes from `yaml.rs`, the values from `decode.rs`.

use super::conflict::Conflict;
use super::loaded::{Loaded, Part, Record, RecordKind};
use super::{emit, yaml, Source};
use crate::diag::{Code, Diagnostic, Pos, Severity};
use crate::model::{Action, ActionParts, Milestone, MilestoneParts, Themes, ThemesParts};
use std::path::Path;

/// One decoded file: its record when the file has no errors, otherwise what decoded of it, and
/// every finding about the file itself.
pub struct Decoded {
    pub record: Option<Record>,
    pub part: Option<Part>,
    pub diags: Vec<Diagnostic>,
}

/// Parse and decode one file's text. Returns the record (if it decoded without errors) and every
/// finding about the file itself. A file with merge conflict markers has the one finding that says
/// so (see `conflict.rs`), not the YAML errors they cause.
pub fn decode_source(
    kind: RecordKind,
    rel: &Path,
    src: &Source,
) -> (Option<Record>, Vec<Diagnostic>) {
    let d = decode(kind, rel, src);
    (d.record, d.diags)
}

/// Parse and decode one file's text: its record when it has no errors, or its parts when it has. A
/// file with merge conflict markers has the one finding that says so (see `conflict.rs`), not the
/// YAML errors they cause.
pub fn decode(kind: RecordKind, rel: &Path, src: &Source) -> Decoded {
    match find_conflict(kind, rel, &src.text) {
        Some(c) => Decoded {
            record: None,
            part: None,
            diags: vec![c.diagnostic(rel)],
        },
        None => decode_plain(kind, rel, src, true),
    }
}

/// The merge conflict in the text of the record file `rel`, if it has conflict markers, with each
/// side decoded as a record of `kind`.
pub fn find_conflict(kind: RecordKind, rel: &Path, text: &str) -> Option<Conflict> {
    Conflict::find(text, |side| {
        let src = Source {
            text: side,
            had_bom: false,
            had_crlf: false,
        };
        decode_plain(kind, rel, &src, true).record
    })
}

/// [`decode`] without looking for conflict markers: for the sides of a conflict.
/// Parse and decode one file's text for its record alone, the one [`decode`] gives, without judging
/// its layout: that only ever adds a warning, and emitting the record again to compare costs more
/// than a walk through history can spare for each version it reads.
pub fn decode_record(kind: RecordKind, rel: &Path, src: &Source) -> Option<Record> {
    match find_conflict(kind, rel, &src.text) {
        Some(_) => None,
        None => decode_plain(kind, rel, src, false).record,
    }
}

/// Decode a file without conflict markers; with `layout`, also whether it is in the canonical
/// layout (`canonical`, and a warning when it is not).
fn decode_plain(kind: RecordKind, rel: &Path, src: &Source, layout: bool) -> Decoded {
    let doc = match yaml::parse(&src.text) {
        Ok(d) => d,
        Err(e) => {
            let mut d = Diagnostic::new(e.code, rel, e.pos, e.message);
            d.hint = e.hint;
            return Decoded {
                record: None,
                part: None,
                diags: vec![d],
            };
        }
    };
    let mut dec = super::decode::Decoder::new(rel);
    let parts = match kind {
        RecordKind::Action => dec.action(&doc.root).map(Parts::Action),
        RecordKind::Milestone => dec.milestone(&doc.root).map(Parts::Milestone),
        RecordKind::Themes => dec.themes(&doc.root).map(Parts::Themes),
    };
    let mut diags = dec.diags;
    for pos in &doc.interior_comments {
        diags.push(
            Diagnostic::new(Code::CommentNotKept, rel, Some(*pos), "a comment inside a record; oslog's writers keep only comments at the top of a file")
                .with_hint("move the comment above the first key, or into an update"),
        );
    }
    let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
    let shell = Loaded {
        value: (),
        file: rel.to_path_buf(),
        spans: dec.spans,
        header: doc.header_comments,
        canonical: false,
    };
    let Some(parts) = parts else {
        return Decoded {
            record: None,
            part: None,
            diags,
        };
    };
    let whole = if has_errors {
        Err(Box::new(parts))
    } else {
        parts.into_whole()
    };
    let whole = match whole {
        Ok(whole) => whole,
        Err(parts) => {
            return Decoded {
                record: None,
                part: Some(parts.part(shell)),
                diags,
            }
        }
    };
    if !layout {
        return Decoded {
            record: Some(whole.record(shell)),
            part: None,
            diags,
        };
    }
    let canonical_text = whole.emit(&shell.header);
    let canonical = !src.had_bom
        && !src.had_crlf
        && canonical_text == src.text
        && doc.interior_comments.is_empty();
    // A file with comments inside gets `comment-not-kept` findings instead: `oslog fmt` would
    // refuse to drop those comments, so its hint would mislead.
    if !canonical && doc.interior_comments.is_empty() {
        let why = if src.had_crlf {
            "has CRLF line endings; the canonical layout uses LF"
        } else if src.had_bom {
            "starts with a byte-order mark"
        } else {
            "is not in the canonical layout"
        };
        diags.push(
            Diagnostic::new(
                Code::NonCanonical,
                rel,
                if src.had_crlf || src.had_bom {
                    Some(Pos::new(1, 1))
                } else {
                    first_difference(&src.text, &canonical_text)
                },
                why.to_string(),
            )
            .with_hint("run `oslog fmt`"),
        );
    }
    Decoded {
        record: Some(whole.record(Loaded { canonical, ..shell })),
        part: None,
        diags,
    }
}

/// The parts of a file of any kind, before they are judged whole or not.
enum Parts {
    Action(ActionParts),
    Milestone(MilestoneParts),
    Themes(ThemesParts),
}

/// A whole value of any kind.
enum Whole {
    Action(Action),
    Milestone(Milestone),
    Themes(Themes),
}

impl Parts {
    fn into_whole(self) -> Result<Whole, Box<Parts>> {
        match self {
            Parts::Action(p) => p
                .into_whole()
                .map(Whole::Action)
                .map_err(|p| Box::new(Parts::Action(*p))),
            Parts::Milestone(p) => p
                .into_whole()
                .map(Whole::Milestone)
                .map_err(|p| Box::new(Parts::Milestone(*p))),
            Parts::Themes(p) => p
                .into_whole()
                .map(Whole::Themes)
                .map_err(|p| Box::new(Parts::Themes(*p))),
        }
    }

    fn part(self: Box<Self>, shell: Loaded<()>) -> Part {
        match *self {
            Parts::Action(p) => Part::Action(shell.with(p)),
            Parts::Milestone(p) => Part::Milestone(shell.with(p)),
            Parts::Themes(p) => Part::Themes(shell.with(p)),
        }
    }
}

impl Whole {
    fn emit(&self, header: &[String]) -> String {
        match self {
            Whole::Action(v) => emit::action(v, header),
            Whole::Milestone(v) => emit::milestone(v, header),
            Whole::Themes(v) => emit::themes(v, header),
        }
    }

    fn record(self, shell: Loaded<()>) -> Record {
        match self {
            Whole::Action(v) => Record::Action(shell.with(v)),
            Whole::Milestone(v) => Record::Milestone(shell.with(v)),
            Whole::Themes(v) => Record::Themes(shell.with(v)),
        }
    }
}

impl Loaded<()> {
    /// This shell around `value`.
    pub(super) fn with<T>(self, value: T) -> Loaded<T> {
        Loaded {
            value,
            file: self.file,
            spans: self.spans,
            header: self.header,
            canonical: self.canonical,
        }
    }
}

/// The first line where two texts differ, for pointing at a layout problem.
fn first_difference(a: &str, b: &str) -> Option<Pos> {
    let differs = a.split('\n').zip(b.split('\n')).position(|(x, y)| x != y);
    let line = differs.unwrap_or_else(|| a.split('\n').count().min(b.split('\n').count()));
    Some(Pos::new(line as u32 + 1, 1))
}
