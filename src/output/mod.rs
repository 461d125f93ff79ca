//! Everything that turns data into text for people or programs: diagnostics in human, JSON and
//! GitHub form, tables, and the styles used on a terminal. Commands hand data to these functions with
//! the writer to fill; nothing here decides what is true.

pub mod diagnostics;
pub mod history;
pub mod style;
pub mod table;
