//! The lifecycle of an action and of a milestone. An action moves
//! not-started → ongoing → proposed-complete → complete, or to closed (merged, duplicate or withdrawn).

use serde::Serialize;
use std::fmt;

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $( $variant:ident = $text:literal ),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $variant, )* }

        impl $name {
            /// Every value, in lifecycle or documentation order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The word used in files and output.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }

            /// Parse the word used in files.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $( $text => Some($name::$variant), )* _ => None }
            }

            /// The accepted words, for messages: "a | b | c".
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(" | ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": [ $( $text, )* ] })
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $name::parse(s).ok_or_else(|| format!("`{s}` is not one of {}", $name::choices()))
            }
        }
    };
}

word_enum!(
    /// Where an action stands.
    Status {
        NotStarted = "not-started",
        Ongoing = "ongoing",
        ProposedComplete = "proposed-complete",
        Complete = "complete",
        Closed = "closed",
    }
);

word_enum!(
    /// Where a milestone stands.
    MilestoneStatus { Planned = "planned", Done = "done", Slipped = "slipped", Cancelled = "cancelled" }
);

word_enum!(
    /// What a milestone is.
    MilestoneKind {
        Workshop = "workshop",
        Publication = "publication",
        Consultation = "consultation",
        Report = "report",
        Statistics = "statistics",
        Parliament = "parliament",
    }
);

impl Status {
    /// Whether the action still needs work: not-started, ongoing or proposed-complete.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::NotStarted | Status::Ongoing | Status::ProposedComplete
        )
    }

    /// The status in a reader's words, for the documents members read: "proposed complete".
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::Ongoing => "ongoing",
            Status::ProposedComplete => "proposed complete",
            Status::Complete => "complete",
            Status::Closed => "closed",
        }
    }

    /// Whether the action waits on its owner: not-started or ongoing. An action proposed complete
    /// waits on members' sign-off instead, so its deadline no longer makes it overdue.
    pub fn is_in_hand(self) -> bool {
        matches!(self, Status::NotStarted | Status::Ongoing)
    }

    /// The status meant by a word people use instead of ours ("in progress", "done", the seed's words).
    pub fn from_alias(s: &str) -> Option<Status> {
        let norm: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c == '_' || c == ' ' { '-' } else { c })
            .collect();
        Some(match norm.as_str() {
            "not-started" | "notstarted" | "todo" | "to-do" | "open" | "new" => Status::NotStarted,
            "ongoing" | "on-going" | "in-progress" | "inprogress" | "started"
            | "partially-complete" | "scheduled" => Status::Ongoing,
            "proposed-complete" | "proposed-completed" | "proposed" | "awaiting-sign-off" => {
                Status::ProposedComplete
            }
            "complete" | "completed" | "compete" | "done" | "finished" => Status::Complete,
            "closed" | "proposed-closed" | "merged" | "duplicate" | "withdrawn" | "cancelled" => {
                Status::Closed
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for k in MilestoneKind::ALL {
            assert_eq!(k.as_str().parse::<MilestoneKind>(), Ok(*k));
        }
        assert_eq!(Status::parse("Ongoing"), None);
    }

    #[test]
    fn aliases_map_the_seed_words() {
        assert_eq!(Status::from_alias("In progress"), Some(Status::Ongoing));
        assert_eq!(Status::from_alias("Compete"), Some(Status::Complete));
        assert_eq!(Status::from_alias("Proposed Closed"), Some(Status::Closed));
        assert_eq!(
            Status::from_alias("Partially Complete"),
            Some(Status::Ongoing)
        );
        assert_eq!(Status::from_alias("banana"), None);
    }

    #[test]
    fn open_statuses() {
        assert!(Status::ProposedComplete.is_open());
        assert!(!Status::Complete.is_open());
        assert!(!Status::Closed.is_open());
        assert!(Status::Ongoing.is_in_hand() && !Status::ProposedComplete.is_in_hand());
    }
}
