//! Answers and reports as data: the dashboard of `oslog status`, the filters of `list`, what refers
//! to an action for `show`, and the documents the secretariat circulates: the action log
//! (`actions.rs`), the monthly update and a member's digest (`monthly.rs`), the annual report
//! (`annual.rs`), the pages of the log's website (`site.rs`), the chart of open against completed actions (`over_time.rs`), and what a public
//! version leaves out for its source (`withheld.rs`). Renderers in
//! `output/` turn them into tables, JSON, Markdown and HTML; nothing here reads files or formats
//! markup.

pub mod actions;
pub mod annual;
pub mod dashboard;
pub mod filter;
pub mod monthly;
pub mod over_time;
pub mod page;
pub mod related;
#[cfg(test)]
mod sample;
pub mod site;
pub mod theme;
pub mod withheld;

pub use actions::ActionsReport;

/// A count and its noun, singular for one: "1 action", "2 actions".
pub fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}
pub use annual::AnnualReport;
pub use dashboard::{dashboard, Dashboard};
pub use filter::Filter;
pub use monthly::MonthlyReport;
pub use over_time::{Chart, Point};
pub use page::{page, Page};
pub use related::{related, Related};
pub use theme::ThemeInfo;
pub use withheld::Withheld;
