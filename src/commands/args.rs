//! The value parsers and arguments that several commands share.

use crate::model::Status;

/// Parse an action status, accepting the words people use for one ("in progress", "done").
pub fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s)
        .or_else(|| Status::from_alias(s))
        .ok_or_else(|| format!("`{s}` is not a status; use one of {}", Status::choices()))
}
