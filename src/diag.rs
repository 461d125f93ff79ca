//! Findings as data. Every rule of `oslog validate` (and every problem the loader meets) yields a
//! [`Diagnostic`] with a stable kebab-case [`Code`]; rendering to human text, JSON or GitHub
//! annotations happens later, in `output`. Codes are a public contract: never rename one.

use serde::Serialize;
use std::path::PathBuf;

/// How much a finding matters. Errors always fail validation; warnings fail it under `--strict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($( $variant:ident = $text:literal, $severity:ident, $about:literal; )*) => {
        /// The stable identifier of a kind of finding.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The kebab-case name used in output and documentation.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// The severity this code is reported with.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// A one-line description for documentation and `oslog validate --codes`.
            pub fn about(self) -> &'static str {
                match self { $( Code::$variant => $about, )* }
            }
        }
    };
}

codes! {
    // Reading files
    Io = "io-error", Error, "a file or folder could not be read";
    FileTooLarge = "file-too-large", Error, "a file is larger than the 1 MiB limit";
    InvalidUtf8 = "invalid-utf8", Error, "a file is not valid UTF-8";
    ControlCharacter = "control-character", Error, "a file contains a NUL or other control character";
    InvisibleCharacter = "invisible-character", Error, "a bidirectional control (U+202A–U+202E, U+2066–U+2069), or a zero-width character (U+200B–U+200F) not between two visible characters, that would reorder or hide text";
    Symlink = "symlink", Error, "a symbolic link in the log; links are never followed";
    StrayFile = "stray-file", Error, "a file or folder in actions/ or timeline/ that is not a record";
    BadFileName = "bad-file-name", Error, "a record's file name is not in the canonical form";
    // YAML structure
    YamlSyntax = "yaml-syntax", Error, "the file is not well-formed YAML";
    ConflictMarkers = "conflict-markers", Error, "the file holds unresolved merge conflict markers (<<<<<<<, =======, >>>>>>>)";
    YamlLimit = "yaml-limit", Error, "the YAML exceeds a nesting, node or size limit";
    YamlVersion = "yaml-version", Error, "a `%YAML` directive names a version other than 1.2, the one oslog reads";
    YamlAlias = "yaml-alias", Error, "anchors, aliases and merge keys are not allowed in log files";
    YamlTag = "yaml-tag", Error, "explicit YAML tags are not allowed in log files";
    EmptyFile = "empty-file", Error, "the file holds no YAML document";
    MultipleDocuments = "multiple-documents", Error, "the file holds more than one YAML document";
    NotAMapping = "not-a-mapping", Error, "the document (or a nested record) is not a mapping of keys";
    DuplicateKey = "duplicate-key", Error, "a key appears twice in one mapping";
    UnknownField = "unknown-field", Error, "a key that the format does not define";
    MissingField = "missing-field", Error, "a required field is absent or empty";
    WrongType = "wrong-type", Error, "a value of the wrong kind (for example a list where a string belongs)";
    // Values
    InvalidId = "invalid-id", Error, "an action number that is not a plain whole number from 1 to 999999";
    IdMismatch = "id-mismatch", Error, "the id in a file disagrees with its file name";
    DuplicateId = "duplicate-id", Error, "two files carry the same id";
    InvalidDate = "invalid-date", Error, "a date that is not YYYY-MM or YYYY-MM-DD, or does not exist";
    UnknownStatus = "unknown-status", Error, "a status that is not one of the defined statuses";
    UnknownKind = "unknown-kind", Error, "a milestone kind that is not one of the defined kinds";
    UnknownTheme = "unknown-theme", Error, "an action's or a member's theme is not a key of themes.yaml";
    UnknownSource = "unknown-source", Error, "an action's or a milestone's source is not one of the sources in themes.yaml";
    InvalidMilestoneId = "invalid-milestone-id", Error, "a milestone id that is not a date followed by a kebab-case slug";
    MilestoneDateMismatch = "milestone-date-mismatch", Error, "a milestone's id does not start with its date";
    DanglingReference = "dangling-reference", Error, "links, merged_into, duplicate_of or a milestone's actions name an action that does not exist";
    SelfReference = "self-reference", Error, "an action links to, merges into or duplicates itself";
    DuplicateNumber = "duplicate-number", Error, "a list of numbers (links, merged_into, formerly, artefacts, a milestone's actions) names one number twice";
    MergeCycle = "merge-cycle", Error, "actions merged into each other in a cycle";
    EmptyText = "empty-text", Error, "a title, update text or name is empty, or shows nothing (only spaces and invisible characters)";
    SignedOffBeforeRaised = "signed-off-before-raised", Error, "the sign-off date is earlier than the month the action was raised";
    // themes.yaml
    DuplicateThemeKey = "duplicate-theme-key", Error, "two themes share a key";
    InvalidThemeKey = "invalid-theme-key", Error, "a theme key that is not kebab-case";
    InvalidColour = "invalid-colour", Error, "a theme colour that is not #rrggbb";
    NoThemes = "no-themes", Error, "themes.yaml defines no themes";
    DuplicateSourceKey = "duplicate-source-key", Error, "two sources share a key";
    InvalidSourceKey = "invalid-source-key", Error, "a source key that is not kebab-case";
    // Warnings
    NonCanonical = "non-canonical", Warning, "the file is not in the canonical layout; run `oslog fmt`";
    DeadlineBeforeRaised = "deadline-before-raised", Warning, "the deadline is earlier than the month the action was raised";
    UpdatesOutOfOrder = "updates-out-of-order", Warning, "dated updates are not in date order, oldest first";
    ClosedWithoutReason = "closed-without-reason", Warning, "a closed action with no merged_into, duplicate_of or explaining update";
    DuplicateTitle = "duplicate-title", Warning, "two actions have the same title and neither declares duplicate_of the other";
    CommentNotKept = "comment-not-kept", Warning, "a comment inside a record, which oslog's writers cannot keep";
    MergeConflict = "merge-conflict", Error, "a file is in conflict in the git index, with no one version to check (`oslog validate --staged` only)";
    NumberCollision = "number-collision", Error, "an action number (or milestone id) this branch adds that the base revision has given to another record";
    InterruptedWrite = "interrupted-write", Error, "an oslog write was interrupted: its journal or a temporary file is left; run `oslog recover`";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A line and column in a file, both 1-based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    /// A position at the given 1-based line and column.
    pub fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

/// One finding: what, where, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// The file, relative to the log root.
    pub file: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A finding with the code's own severity, at a position in a file.
    pub fn new(
        code: Code,
        file: impl Into<PathBuf>,
        pos: Option<Pos>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            file: file.into(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            message: message.into(),
            hint: None,
        }
    }

    /// The same finding with a hint attached.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The position, when the finding has a line.
    pub fn pos(&self) -> Option<Pos> {
        self.line
            .map(|line| Pos::new(line, self.column.unwrap_or(1)))
    }
}

/// Sort findings by file, then line, then column, then code, so that output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
}

/// Counts of errors and warnings in a set of findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    /// Count the findings by severity.
    pub fn of(diags: &[Diagnostic]) -> Summary {
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Summary {
            errors,
            warnings: diags.len() - errors,
        }
    }

    /// Whether these findings fail validation.
    pub fn fails(&self, strict: bool) -> bool {
        self.errors > 0 || (strict && self.warnings > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{s}"
            );
            assert!(!code.about().is_empty());
        }
    }

    #[test]
    fn strict_makes_warnings_fail() {
        let w = Diagnostic::new(Code::NonCanonical, "a", None, "x");
        let s = Summary::of(&[w]);
        assert!(!s.fails(false));
        assert!(s.fails(true));
    }
}
