//! The value parsers and arguments that several commands share.

use crate::model::Status;

/// Parse an action status, accepting the words people use for one ("in progress", "done").
pub fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s)
        .or_else(|| Status::from_alias(s))
        .ok_or_else(|| format!("`{s}` is not a status; use one of {}", Status::choices()))
}

/// `--as-of`, for the commands that can read the log as it was: status, list, show, timeline and
/// report (resolved by `Context::snapshot`).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct AsOf {
    /// Read the log as it was at this commit, or at the last commit on or before this day, from git
    /// objects without a checkout; dates are then evaluated as of that commit's day unless --today is
    /// given.
    #[arg(long, global = true, value_name = "DATE|REV")]
    pub as_of: Option<String>,
}
