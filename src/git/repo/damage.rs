//! A damaged repository said plainly: an object that cannot be read, or that does not hash to its id,
//! is an error that names the object and says how to repair it, whichever layer met it.

use git2::{ErrorClass, ErrorCode, Oid};

/// An object of the repository that could not be read, or that does not hash to its id.
#[derive(Debug)]
struct Damaged(String);

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Damaged {}

pub(super) const FSCK: &str = "run `git fsck` to find the broken objects, then fetch them again or restore them from another clone";

/// The error for object `id` (`what` it is) that libgit2 could not read.
pub(in crate::git) fn damage(id: Oid, what: &str, err: &git2::Error) -> anyhow::Error {
    anyhow::Error::new(Damaged(format!(
        "the git repository is damaged: {what} {id} cannot be read ({}); {FSCK}",
        err.message().trim_end_matches('.')
    )))
}

/// Say plainly when an error comes from a damaged repository (an object that cannot be read or
/// inflated), which libgit2 reports only in its own terms.
pub fn explain_damage(err: anyhow::Error) -> anyhow::Error {
    if err.chain().any(|c| c.is::<Damaged>()) {
        return err;
    }
    let damage = err.chain().find_map(|cause| {
        cause.downcast_ref::<git2::Error>().filter(|e| {
            matches!(
                e.class(),
                ErrorClass::Odb | ErrorClass::Zlib | ErrorClass::Object
            ) && e.code() != ErrorCode::NotFound
        })
    });
    match damage.map(|e| e.message().to_string()) {
        Some(why) => err.context(format!("the git repository is damaged: {why}; {FSCK}")),
        None => err,
    }
}
