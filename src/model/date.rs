//! The log's dates. The seed records most dates by month ("Jul'19"), some by day, and one standing
//! deadline ("Monthly"), so a [`LogDate`] is either a month or a day, and a [`Deadline`] may also be
//! `monthly`. Comparisons treat a month as the span of its days.

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};
use std::fmt;

/// A month (`2019-07`) or a day (`2019-07-04`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogDate {
    Month { year: i32, month: u32 },
    Day(NaiveDate),
}

/// Why a date string was refused; the message names the accepted forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError {
    pub message: String,
    pub hint: Option<String>,
}

/// The message, then the hint in brackets: how the command line shows a refused date.
impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.hint {
            Some(h) => write!(f, "{} ({h})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DateError {}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

impl LogDate {
    /// Parse a day, `YYYY-MM-DD` and nothing else: the form of `--today`, of the bounds of a
    /// history range, and of the filters that compare with a day.
    pub fn parse_day(s: &str) -> Result<NaiveDate, DateError> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|_| s.len() == 10)
            .ok_or_else(|| DateError {
                message: format!("`{s}` is not a day of the form YYYY-MM-DD"),
                hint: None,
            })
    }

    /// Parse `YYYY-MM` or `YYYY-MM-DD`, refusing dates that do not exist.
    pub fn parse(s: &str) -> Result<LogDate, DateError> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let shape_month = b.len() == 7 && digits(0..4) && b[4] == b'-' && digits(5..7);
        let shape_day = b.len() == 10
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10);
        if !(shape_month || shape_day) {
            return Err(DateError {
                message: format!("`{s}` is not a date of the form YYYY-MM or YYYY-MM-DD"),
                hint: suggest(s),
            });
        }
        let year: i32 = s[0..4].parse().unwrap_or(0);
        let month: u32 = s[5..7].parse().unwrap_or(0);
        if !(1..=12).contains(&month) || year < 1 {
            return Err(DateError {
                message: format!("`{s}` has no month {month:02}"),
                hint: None,
            });
        }
        if shape_month {
            return Ok(LogDate::Month { year, month });
        }
        let day: u32 = s[8..10].parse().unwrap_or(0);
        NaiveDate::from_ymd_opt(year, month, day)
            .map(LogDate::Day)
            .ok_or_else(|| DateError {
                message: format!(
                    "`{s}` does not exist: {} has no day {day}",
                    month_name(year, month)
                ),
                hint: None,
            })
    }

    /// The first day the date covers.
    pub fn first_day(&self) -> NaiveDate {
        match *self {
            LogDate::Month { year, month } => {
                NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
            }
            LogDate::Day(d) => d,
        }
    }

    /// The last day the date covers.
    pub fn last_day(&self) -> NaiveDate {
        match *self {
            LogDate::Month { year, month } => {
                let (ny, nm) = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                NaiveDate::from_ymd_opt(ny, nm, 1)
                    .and_then(|d| d.pred_opt())
                    .unwrap_or(NaiveDate::MAX)
            }
            LogDate::Day(d) => d,
        }
    }

    /// The date of a day.
    pub fn from_day(d: NaiveDate) -> LogDate {
        LogDate::Day(d)
    }

    /// The year and month the date falls in.
    pub fn year_month(&self) -> (i32, u32) {
        match *self {
            LogDate::Month { year, month } => (year, month),
            LogDate::Day(d) => (d.year(), d.month()),
        }
    }

    /// A sort key: months sort before the days within them.
    pub fn sort_key(&self) -> (i32, u32, u32) {
        match *self {
            LogDate::Month { year, month } => (year, month, 0),
            LogDate::Day(d) => (d.year(), d.month(), d.day()),
        }
    }

    /// Whether this date lies wholly before `other` (no day in common, all earlier).
    pub fn wholly_before(&self, other: &LogDate) -> bool {
        self.last_day() < other.first_day()
    }

    /// A reader's form, such as "July 2019" or "14 May 2019".
    pub fn long(&self) -> String {
        match *self {
            LogDate::Month { year, month } => month_name(year, month),
            LogDate::Day(d) => format!("{} {}", d.day(), month_name(d.year(), d.month())),
        }
    }
}

fn month_name(year: i32, month: u32) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!(
        "{} {year}",
        NAMES.get(month.wrapping_sub(1) as usize).unwrap_or(&"?")
    )
}

/// A hint for the seed's own spellings, such as "Jul'19" or "July 19".
fn suggest(s: &str) -> Option<String> {
    let lower = s.to_lowercase();
    if s.contains('T') && s.len() > 10 || s.contains(':') {
        return Some("dates carry no time or time zone: write YYYY-MM-DD".into());
    }
    let month = MONTHS.iter().position(|m| lower.starts_with(m))? as u32 + 1;
    let digits: String = lower
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let year = match digits.len() {
        2 => 2000 + digits.parse::<i32>().ok()?,
        4 => digits.parse().ok()?,
        _ => return Some("write the month as YYYY-MM, for example 2019-07".into()),
    };
    Some(format!("write {year}-{month:02}"))
}

impl fmt::Display for LogDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogDate::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            LogDate::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

impl PartialOrd for LogDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LogDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl Serialize for LogDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for LogDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LogDate::parse(s)
    }
}

/// When an action is due: a date, or `monthly` for a standing action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Deadline {
    Date(LogDate),
    Monthly,
}

impl Deadline {
    /// Parse a deadline: a date, or the word `monthly`.
    pub fn parse(s: &str) -> Result<Deadline, DateError> {
        if s == "monthly" {
            return Ok(Deadline::Monthly);
        }
        LogDate::parse(s).map(Deadline::Date).map_err(|mut e| {
            if s.eq_ignore_ascii_case("monthly") {
                e.hint = Some("write `monthly` in lower case".into());
            } else {
                e.message.push_str(", nor `monthly`");
            }
            e
        })
    }

    /// The date, unless the deadline is a standing one.
    pub fn date(&self) -> Option<LogDate> {
        match self {
            Deadline::Date(d) => Some(*d),
            Deadline::Monthly => None,
        }
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Deadline::Date(d) => d.fmt(f),
            Deadline::Monthly => f.write_str("monthly"),
        }
    }
}

/// The JSON Schema pattern of a [`LogDate`]: the shape only; the decoder also refuses days that do
/// not exist.
pub const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$";

impl schemars::JsonSchema for LogDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LogDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A month (YYYY-MM) or a day (YYYY-MM-DD).",
            "type": "string",
            "pattern": DATE_PATTERN,
        })
    }
}

impl schemars::JsonSchema for Deadline {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Deadline".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let month_or_day = DATE_PATTERN.trim_start_matches('^').trim_end_matches('$');
        schemars::json_schema!({
            "description": "A month (YYYY-MM), a day (YYYY-MM-DD), or `monthly` for a standing action.",
            "type": "string",
            "pattern": format!("^(monthly|{month_or_day})$"),
        })
    }
}

impl Serialize for Deadline {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_months_and_days() {
        assert_eq!(LogDate::parse("2019-07").unwrap().to_string(), "2019-07");
        assert_eq!(
            LogDate::parse("2019-05-14").unwrap().to_string(),
            "2019-05-14"
        );
        assert_eq!(
            LogDate::parse("2020-02-29").unwrap().to_string(),
            "2020-02-29"
        );
    }

    #[test]
    fn refuses_dates_that_do_not_exist() {
        let e = LogDate::parse("2019-02-30").unwrap_err();
        assert!(e.message.contains("does not exist"), "{}", e.message);
        assert!(LogDate::parse("2019-13").is_err());
        assert!(LogDate::parse("2019-00-10").is_err());
        assert!(LogDate::parse("0000-01").is_err());
    }

    #[test]
    fn refuses_other_forms_with_a_hint() {
        assert_eq!(
            LogDate::parse("Jul'19").unwrap_err().hint.as_deref(),
            Some("write 2019-07")
        );
        assert_eq!(
            LogDate::parse("July 2019").unwrap_err().hint.as_deref(),
            Some("write 2019-07")
        );
        assert!(LogDate::parse("2019-07-01T10:00:00Z")
            .unwrap_err()
            .hint
            .unwrap()
            .contains("time zone"));
        assert!(LogDate::parse("2019-7").is_err());
        assert!(LogDate::parse("19-07-01").is_err());
        assert!(LogDate::parse("２０１９-07").is_err());
    }

    #[test]
    fn month_spans_its_days() {
        let m = LogDate::parse("2019-02").unwrap();
        assert_eq!(m.first_day().to_string(), "2019-02-01");
        assert_eq!(m.last_day().to_string(), "2019-02-28");
        let d = LogDate::parse("2019-02-15").unwrap();
        assert!(!m.wholly_before(&d) && !d.wholly_before(&m));
        assert!(LogDate::parse("2019-01").unwrap().wholly_before(&d));
        assert_eq!(
            LogDate::parse("2019-12").unwrap().last_day().to_string(),
            "2019-12-31"
        );
    }

    #[test]
    fn deadlines() {
        assert_eq!(Deadline::parse("monthly").unwrap(), Deadline::Monthly);
        assert!(Deadline::parse("Monthly").unwrap_err().hint.is_some());
        assert_eq!(Deadline::parse("2019-09").unwrap().to_string(), "2019-09");
    }
}
