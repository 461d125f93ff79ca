//! The canonical layout. oslog owns how a record is written so that a change to one field changes one
//! line: fixed key order, two-space indent, plain strings where YAML allows and double quotes where it
//! must, multi-line text as `|` blocks (never re-wrapped), number lists in flow style, LF endings and a
//! final newline. Header comments of a file are kept.

use crate::model::{Action, Milestone, Themes};
use std::fmt::Write;

/// The canonical text of an action, after the given header comment lines.
pub fn action(a: &Action, header: &[String]) -> String {
    let mut w = Writer::new(header);
    w.raw("id", &a.id.to_string());
    w.string("title", &a.title);
    w.string("theme", &a.theme);
    w.opt_string("owner", a.owner.as_deref());
    w.raw("raised", &a.raised.to_string());
    if let Some(d) = &a.deadline {
        w.raw("deadline", &d.to_string());
    }
    w.raw("status", a.status.as_str());
    if let Some(d) = &a.signed_off {
        w.raw("signed_off", &d.to_string());
    }
    w.numbers("links", &a.links);
    w.numbers("merged_into", &a.merged_into);
    if let Some(n) = a.duplicate_of {
        w.raw("duplicate_of", &n.to_string());
    }
    w.numbers("formerly", &a.formerly);
    w.numbers("artefacts", &a.artefacts);
    w.opt_string("source", a.source.as_deref());
    if !a.updates.is_empty() {
        w.out.push_str("updates:\n");
        for u in &a.updates {
            let mut first = true;
            let mut item = |w: &mut Writer, key: &str, value: &str, is_string: bool| {
                let prefix = if first { "  - " } else { "    " };
                first = false;
                w.out.push_str(prefix);
                if is_string {
                    w.scalar_at(key, value, 4);
                } else {
                    let _ = writeln!(w.out, "{key}: {value}");
                }
            };
            if let Some(d) = &u.date {
                item(&mut w, "date", &d.to_string(), false);
            }
            item(&mut w, "text", &u.text, true);
        }
    }
    w.out
}

/// The canonical text of a milestone, after the given header comment lines.
pub fn milestone(m: &Milestone, header: &[String]) -> String {
    let mut w = Writer::new(header);
    w.string("id", &m.id);
    w.raw("date", &m.date.to_string());
    w.raw("kind", m.kind.as_str());
    w.string("title", &m.title);
    w.opt_string("description", m.description.as_deref());
    w.opt_string("by", m.by.as_deref());
    w.opt_string("objective", m.objective.as_deref());
    w.raw("status", m.status.as_str());
    w.numbers("actions", &m.actions);
    w.opt_string("source", m.source.as_deref());
    w.out
}

/// The canonical text of `themes.yaml`, after the given header comment lines.
pub fn themes(t: &Themes, header: &[String]) -> String {
    let mut w = Writer::new(header);
    w.out.push_str("themes:\n");
    for theme in &t.themes {
        w.list_item(
            &[
                ("key", Some(&theme.key)),
                ("name", Some(&theme.name)),
                ("colour", Some(&theme.colour)),
                ("description", theme.description.as_deref()),
            ],
            ("public_owners", theme.public_owners),
        );
    }
    if !t.members.is_empty() {
        w.out.push_str("members:\n");
        for m in &t.members {
            w.out.push_str("  - ");
            w.scalar_at("name", &m.name, 4);
            let keys: Vec<String> = m.themes.iter().map(|k| plain_or_quoted(k)).collect();
            let _ = writeln!(w.out, "    themes: [{}]", keys.join(", "));
        }
    }
    if !t.sources.is_empty() {
        w.out.push_str("sources:\n");
        for s in &t.sources {
            w.list_item(
                &[
                    ("key", Some(&s.key)),
                    ("name", Some(&s.name)),
                    ("description", s.description.as_deref()),
                ],
                ("public", s.public),
            );
        }
    }
    w.out
}

/// A scalar as it may stand inside a flow list or after `key: `: plain when safe there,
/// double-quoted otherwise.
pub fn plain_or_quoted(s: &str) -> String {
    if is_plain_safe(s) && !s.contains([',', '[', ']', '{', '}']) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

struct Writer {
    out: String,
}

impl Writer {
    fn new(header: &[String]) -> Writer {
        let mut out = String::new();
        for line in header {
            out.push_str(line);
            out.push('\n');
        }
        Writer { out }
    }

    fn raw(&mut self, key: &str, value: &str) {
        let _ = writeln!(self.out, "{key}: {value}");
    }

    fn string(&mut self, key: &str, value: &str) {
        self.scalar_at(key, value, 0);
    }

    fn opt_string(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.string(key, v);
        }
    }

    fn numbers(&mut self, key: &str, values: &[u32]) {
        if !values.is_empty() {
            let list: Vec<String> = values.iter().map(u32::to_string).collect();
            let _ = writeln!(self.out, "{key}: [{}]", list.join(", "));
        }
    }

    /// One mapping of a block list (a theme, a source): its string fields that are set, in order,
    /// the first after `  - `, then `flag: true` when the flag is set.
    fn list_item(&mut self, fields: &[(&str, Option<&str>)], (flag, set): (&str, bool)) {
        let mut prefix = "  - ";
        for (key, value) in fields {
            if let Some(value) = value {
                self.out.push_str(prefix);
                self.scalar_at(key, value, 4);
                prefix = "    ";
            }
        }
        if set {
            let _ = writeln!(self.out, "    {flag}: true");
        }
    }

    /// Write `key: value` where the key sits at column `indent` (its prefix is already written).
    fn scalar_at(&mut self, key: &str, value: &str, indent: usize) {
        let _ = write!(self.out, "{key}: ");
        if let Some(block) = literal_block(value, indent + 2) {
            self.out.push_str(&block);
        } else if is_plain_safe(value) {
            self.out.push_str(value);
            self.out.push('\n');
        } else {
            self.out.push_str(&double_quoted(value));
            self.out.push('\n');
        }
    }
}

/// Whether `s` can be written as a plain scalar after `key: ` and be read back as the same string by
/// YAML 1.1 and 1.2 readers alike.
pub fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t') {
        return false;
    }
    if s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
    {
        return false;
    }
    !resolves_to_non_string(s)
}

/// Whether a plain scalar would be read as something other than a string by a YAML 1.1 or 1.2 reader
/// (null, a boolean, a number, a date or time, or a merge or value key).
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "=", "<<", ".inf",
        "-.inf", "+.inf", ".nan",
    ];
    let lower = s.to_ascii_lowercase();
    if WORDS.contains(&lower.as_str()) {
        return true;
    }
    // A date or timestamp starts with YYYY-M(M)-D(D). Anything else that is not number-like is a
    // string to every reader.
    looks_like_number(s) || yaml11_timestamp(s)
}

/// Whether `s` could be read as a number by a YAML 1.1 or 1.2 reader: an optional sign, then a
/// prefixed hexadecimal, octal or binary number, or digits with dots, underscores, colons
/// (sexagesimal) and an exponent. Deliberately broad: a false positive only costs quotes.
fn looks_like_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    for (prefix, digits) in [
        ("0x", "0123456789abcdef_"),
        ("0o", "01234567_"),
        ("0b", "01_"),
    ] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            return !rest.is_empty() && rest.chars().all(|c| digits.contains(c));
        }
    }
    body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || "_.:eE+-".contains(c))
}

/// Whether `s` starts like a YAML 1.1 timestamp: `YYYY-M(M)-D(D)`, alone or followed by a time.
fn yaml11_timestamp(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    let (Some(y), Some(m), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let day_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = &rest[day_len..];
    y.len() == 4
        && y.bytes().all(|b| b.is_ascii_digit())
        && (1..=2).contains(&m.len())
        && m.bytes().all(|b| b.is_ascii_digit())
        && (1..=2).contains(&day_len)
        && (after.is_empty() || after.starts_with(['T', 't', ' ', '\t']))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `|` block for multi-line text, or `None` when the text cannot be written as one faithfully
/// (control characters, tabs, lines of only spaces, or trailing spaces, which editors strip).
fn literal_block(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n') {
        return None;
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    if body.is_empty()
        || s.chars().any(|c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
        })
    {
        return None;
    }
    if body
        .split('\n')
        .any(|l| l.ends_with(' ') || (!l.is_empty() && l.trim().is_empty()))
    {
        return None;
    }
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    // The indentation indicator counts from the key's own indentation, which is always two less.
    let first = body.split('\n').find(|l| !l.is_empty()).unwrap_or("");
    let indicator = if first.starts_with(' ') { "2" } else { "" };
    let pad = " ".repeat(indent);
    let mut out = format!("|{indicator}{chomp}\n");
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_where_safe() {
        assert!(is_plain_safe("HO to share list of LEDS users with group."));
        assert!(is_plain_safe(
            "Ongoing. Pending the outcome of the March Programme Board."
        ));
        assert!(is_plain_safe("1 page paper to be written"));
        assert!(is_plain_safe("……… to speak to ………"));
        assert!(is_plain_safe("2019-09-open-space-annual-report"));
        for word in [
            "Bad", "add", "Cafe", "deadbeef", "e", "Face-off", "b", "x", "o",
        ] {
            assert!(is_plain_safe(word), "{word} needs no quotes");
        }
        for number in [
            "0xff", "-0o17", "0b101", "1_000", "1:20", ".5", "+12.5e-3", "1e3",
        ] {
            assert!(!is_plain_safe(number), "{number} must be quoted");
        }
        assert!(!is_plain_safe("2019-9-1 10:00:00") && !is_plain_safe("2019-09-01T10:00:00Z"));
        assert!(
            is_plain_safe("3rd parties") && is_plain_safe("beef-stew") && is_plain_safe("C# code")
        );
        for s in [
            "", "yes", "No", "null", "~", "016", "1e3", "2019-07", "- item", "a: b", "a #b", "x:",
            "#c", " x", "x ", "\"q", "'q", "@x", "`x", "a\tb", "*x", "&x", "!x", "%x", "[x", "{x",
            "|x", ">x",
        ] {
            assert!(!is_plain_safe(s), "{s:?} should be quoted");
        }
    }

    #[test]
    fn blocks_keep_line_breaks() {
        assert_eq!(literal_block("a\nb", 2).unwrap(), "|-\n  a\n  b\n");
        assert_eq!(literal_block("a\n\nb\n", 4).unwrap(), "|\n    a\n\n    b\n");
        assert_eq!(literal_block("a\n\n\n", 2).unwrap(), "|+\n  a\n\n\n");
        assert_eq!(literal_block(" a\nb", 2).unwrap(), "|2-\n   a\n  b\n");
        assert_eq!(literal_block(" a\n", 6).unwrap(), "|2\n       a\n");
        assert!(literal_block("a \nb", 2).is_none());
        assert!(literal_block("a\n  \nb", 2).is_none());
        assert!(literal_block("\n", 2).is_none());
    }

    #[test]
    fn quotes_escape() {
        assert_eq!(
            double_quoted("a \"b\" \\ \t\u{1}"),
            "\"a \\\"b\\\" \\\\ \\t\\u0001\""
        );
    }
}
