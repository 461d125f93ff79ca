//! Atomic writes of one file. Every file oslog writes goes to a temporary file in the same folder
//! (`.oslog-*.tmp`), is synced, and is then renamed over the target, and the folder is synced, so a
//! crash leaves the old file or the new one, never half of one, and a finished write survives a crash
//! that follows it. Writes of several files go through the journal (`journal.rs`).

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The start and end of the name of every temporary file oslog writes.
pub const TEMP_PREFIX: &str = ".oslog-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// Whether a file name is one of oslog's temporary files.
pub fn is_temporary(name: &str) -> bool {
    name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
        && name.starts_with(TEMP_PREFIX)
        && name.ends_with(TEMP_SUFFIX)
}

/// A synced temporary file beside `path` holding `contents`: the counted fault point of a write.
pub(super) fn temp_in(path: &Path, contents: impl AsRef<[u8]>) -> Result<tempfile::NamedTempFile> {
    let tmp = temp_in_unchecked(path, contents)?;
    super::fault::write_point()?;
    Ok(tmp)
}

fn temp_in_unchecked(path: &Path, contents: impl AsRef<[u8]>) -> Result<tempfile::NamedTempFile> {
    temp_written(path, |file| Ok(file.write_all(contents.as_ref())?))
}

/// A synced temporary file beside `path`, written by `write`.
fn temp_written(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<()>,
) -> Result<tempfile::NamedTempFile> {
    let mut tmp = temp_beside(path)?;
    write(tmp.as_file_mut()).with_context(|| format!("cannot write {}", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot sync {}", path.display()))?;
    Ok(tmp)
}

/// An empty temporary file beside `path`, with the mode the file at `path` will have.
fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = folder_of(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    set_mode(&mut builder, path);
    builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Give the new file the mode of the file it replaces, or the usual mode of a new file (0666 less
/// the umask) rather than a temporary file's private 0600.
#[cfg(unix)]
fn set_mode(builder: &mut tempfile::Builder, path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::symlink_metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
    builder.permissions(std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_mode(_: &mut tempfile::Builder, _: &Path) {}

/// Make the folder's entries durable: after a rename or a removal, so that a crash right after it
/// cannot bring the old name back.
#[cfg(unix)]
pub fn sync_folder(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync the folder {}", dir.display()))
}

/// Other systems do not sync folders through a file handle; their renames are as durable as they
/// make them.
#[cfg(not(unix))]
pub fn sync_folder(_: &Path) -> Result<()> {
    Ok(())
}

/// `root/rel`, for writing, after checking that no folder on the way (nor the file) is a symbolic
/// link, so that a write never lands outside the log root.
pub fn path_in(root: &Path, rel: &Path) -> Result<PathBuf> {
    let mut at = root.to_path_buf();
    for part in rel.components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            anyhow::bail!(
                "{} is a symbolic link; oslog does not write through links (replace it with the folder or file itself)",
                at.display()
            );
        }
    }
    Ok(at)
}

/// Replace `path` with `contents` (text, or the bytes of a document) atomically.
pub fn write_atomic(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    write_atomic_with(path, |file| Ok(file.write_all(contents.as_ref())?))
}

/// [`write_atomic`] for a document too large to hold in memory at once (a report, a page): `write`
/// writes it into the temporary file before it is synced and renamed into place.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<()>,
) -> Result<()> {
    let tmp = temp_written(path, write)?;
    super::fault::write_point()?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    sync_folder(folder_of(path))
}

/// Create `path` with `contents`, failing if it already exists (so two writers never share a name).
/// Returns `Ok(false)` when the file exists.
pub fn create_new(path: &Path, contents: &str) -> Result<bool> {
    let tmp = temp_in(path, contents)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => {}
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e.error).with_context(|| format!("cannot create {}", path.display())),
    }
    sync_folder(folder_of(path))?;
    Ok(true)
}

/// Make sure the text file at `path` has each of `lines`, keeping what else it holds (a user's
/// `.gitattributes` or `.gitignore`); it is created when missing and left alone when complete.
pub fn add_lines(path: &Path, lines: &str) -> Result<()> {
    match with_lines(path, lines)? {
        Some(text) => write_atomic(path, &text),
        None => Ok(()),
    }
}

/// [`add_lines`] for a file of oslog's own bookkeeping outside the log, through [`write_aside`].
pub fn add_lines_aside(path: &Path, lines: &str) -> Result<()> {
    match with_lines(path, lines)? {
        Some(text) => write_aside(path, &text),
        None => Ok(()),
    }
}

/// The text of `path` with each of `lines` added, or `None` when it has them all.
fn with_lines(path: &Path, lines: &str) -> Result<Option<String>> {
    let current = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut text = current.clone();
    for line in lines.lines() {
        if !current.lines().any(|l| l.trim() == line) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(line);
            text.push('\n');
        }
    }
    Ok((text != current).then_some(text))
}

/// Replace a file of oslog's own bookkeeping, outside the log (the history cache, git's
/// `info/exclude`), atomically like [`write_atomic`] but without its fault point: the injected
/// faults count the writes of the log itself, whatever else a run keeps up to date.
pub fn write_aside(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    write_aside_with(path, |file| Ok(file.write_all(contents.as_ref())?))
}

/// [`write_aside`] for a file too large to hold in memory at once: `write` writes it into the
/// temporary file (and may seek in it) before it is synced and renamed into place.
pub fn write_aside_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<()>,
) -> Result<()> {
    let mut tmp = aside(path)?;
    write(tmp.as_file_mut()).with_context(|| format!("cannot write {}", path.display()))?;
    put_aside(tmp, path)
}

/// The temporary file of a write of `path` through [`write_aside`], for a writer that fills it a
/// piece at a time and then hands it to [`put_aside`]; dropped before that, it is removed.
pub fn aside(path: &Path) -> Result<tempfile::NamedTempFile> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    temp_beside(path)
}

/// Sync the temporary file of [`aside`] and rename it over `path`.
pub fn put_aside(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot sync {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    sync_folder(folder_of(path))
}

/// Put `bytes` back at `path`, when undoing a write: no fault point, since undoing must not fail on
/// purpose.
pub(super) fn restore(path: &Path, bytes: &[u8]) -> Result<()> {
    let contents = std::str::from_utf8(bytes)?;
    let tmp = temp_in_unchecked(path, contents.as_bytes())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_files_are_readable_by_others_and_replaced_files_keep_their_mode() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.yaml");
        assert!(create_new(&new, "a: 1\n").unwrap());
        assert!(!create_new(&new, "a: 2\n").unwrap());
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "a: 1\n");
        assert_eq!(mode(&new) & 0o044, 0o044, "not 0600 like a temporary file");

        let old = dir.path().join("old.yaml");
        std::fs::write(&old, "a: 1\n").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&old, "a: 2\n").unwrap();
        assert_eq!(mode(&old), 0o640);
    }

    #[test]
    fn temporary_names_are_recognised() {
        assert!(is_temporary(".oslog-Ab12Cd.tmp"));
        assert!(!is_temporary(".oslog-.tmp"));
        assert!(!is_temporary(".oslog.lock"));
        assert!(!is_temporary("oslog-Ab12Cd.tmp"));
    }
}
