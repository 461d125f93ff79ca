//! Answers and reports as data.

pub mod actions;
pub mod dashboard;
pub mod monthly;
