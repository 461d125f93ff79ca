//! One file's bytes as text: read under the size limit, never through a symbolic link, decoded as
//! UTF-8 with a byte-order mark and CRLF line endings normalised (and noted, since the canonical
//! layout has neither). What cannot be read becomes a finding.

use super::MAX_FILE_BYTES;
use crate::diag::{Code, Diagnostic, Pos};
use std::fs::File;
use std::path::Path;

/// One file's bytes as text, or the finding that says why it cannot be read.
pub struct Source {
    pub text: String,
    /// Byte-level departures from canonical form: a byte-order mark or CRLF line endings.
    pub had_bom: bool,
    pub had_crlf: bool,
}

/// Read a file under the size limit, refusing symlinks, and decode it as UTF-8. The file is opened
/// first, without following a link and without waiting on a pipe, and what was opened is checked:
/// a link or a pipe put in the file's place after it was listed is refused, never read.
pub fn read_source(root: &Path, rel: &Path) -> Result<Source, Diagnostic> {
    let path = root.join(rel);
    let fail = |code, pos, msg: String| Diagnostic::new(code, rel, pos, msg);
    let not_regular = || {
        fail(
            Code::StrayFile,
            None,
            "is not a regular file (a pipe, socket or device)".into(),
        )
    };
    // A record file's folder was listed; what now stands at the name may differ from what the
    // listing saw.
    if rel.starts_with(super::ACTIONS_DIR) || rel.starts_with(super::TIMELINE_DIR) {
        super::fault::point("record-open")
            .map_err(|e| fail(Code::Io, None, format!("cannot read: {e}")))?;
    }
    let file = match open_unfollowed(&path) {
        Ok(f) => f,
        Err(e) if is_link(&e) => return Err(symlink(rel)),
        // A socket cannot be opened at all; it is still what it is, not a failure to read.
        Err(_) if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_dir()) => {
            return Err(not_regular())
        }
        Err(e) => return Err(fail(Code::Io, None, format!("cannot read: {e}"))),
    };
    let meta = file
        .metadata()
        .map_err(|e| fail(Code::Io, None, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(folder_in_place(rel));
    }
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(rel, meta.len()));
    }
    // Read at most one byte past the limit, so a file that grew since the check is still refused,
    // into a buffer sized from the check (which also spares the size lookup of `fs::read`).
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_FILE_BYTES + 1),
        &mut bytes,
    )
    .map_err(|e| fail(Code::Io, None, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(
            Code::FileTooLarge,
            None,
            format!("grew past the limit of {MAX_FILE_BYTES} bytes while it was read"),
        ));
    }
    source_from_bytes(bytes).map_err(|(pos, msg)| fail(Code::InvalidUtf8, Some(pos), msg))
}

/// `path` opened for reading, unless it is a symbolic link; a pipe is opened without waiting for a
/// writer. Where the system cannot refuse a link at the open, it is looked at first.
fn open_unfollowed(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other(LINK));
    }
    options.open(path)
}

#[cfg(not(unix))]
const LINK: &str = "is a symbolic link";

/// Whether an open failed because the path is a symbolic link (`ELOOP`, or `EMLINK` on the BSDs).
fn is_link(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    return matches!(e.raw_os_error(), Some(libc::ELOOP | libc::EMLINK));
    #[cfg(not(unix))]
    return e.to_string() == LINK;
}

/// Decode bytes as UTF-8 text, normalising a byte-order mark and CRLF line endings (which are noted).
pub fn source_from_bytes(bytes: Vec<u8>) -> Result<Source, (Pos, String)> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let last_line = good.rsplit(|b| *b == b'\n').next().unwrap_or_default();
            let col = String::from_utf8_lossy(last_line).chars().count() as u32 + 1;
            let byte = e.as_bytes()[good.len()];
            return Err((
                Pos::new(line, col),
                format!("is not valid UTF-8 (byte 0x{byte:02X} at line {line})"),
            ));
        }
    };
    let had_bom = text.starts_with('\u{feff}');
    let text = if had_bom {
        text['\u{feff}'.len_utf8()..].to_string()
    } else {
        text
    };
    let had_crlf = text.contains("\r\n");
    let text = if had_crlf {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    Ok(Source {
        text,
        had_bom,
        had_crlf,
    })
}

/// The finding for a file over the size limit.
pub(super) fn too_large(rel: &Path, size: u64) -> Diagnostic {
    Diagnostic::new(
        Code::FileTooLarge,
        rel,
        None,
        format!("is {size} bytes; the limit is {MAX_FILE_BYTES} bytes"),
    )
}

/// The finding for a symbolic link, which is never followed.
pub(super) fn symlink(rel: &Path) -> Diagnostic {
    Diagnostic::new(
        Code::Symlink,
        rel,
        None,
        "is a symbolic link; oslog does not follow links in a log",
    )
    .with_hint("replace the link with the file itself")
}

/// A folder where a record file belongs.
pub(super) fn folder_in_place(rel: &Path) -> Diagnostic {
    Diagnostic::new(
        Code::StrayFile,
        rel,
        None,
        "is a folder where a record file belongs",
    )
}
