//! The one Markdown escaper. Every value from the log that goes into Markdown (the reports, the
//! tables of `list` and `timeline`, `diff --format md` and the pull-request comment made of it)
//! passes through here, so that it shows as written, wherever on a line it is put, and can add no
//! HTML, link, image, emphasis, code, strikethrough, math or table cell.
//!
//! It escapes only what CommonMark and GitHub's Markdown would read as syntax, with a backslash and
//! never an HTML entity, so that the text stays readable where Markdown is pasted as it is (an
//! e-mail, a document): `1) Accessibility`, `[draft]`, `a < b` and `R&D` stay as they are, while
//! `*`, `_` and `~` are escaped unless spaces stand on both sides (or, for `_`, letters or digits:
//! `snake_case`), since a single `~` can strike text through on GitHub (a revision such as `HEAD~1`
//! goes into a code span instead, which shows anything exactly), `]`
//! before `(` or `[` (no link can close), `<` before what could open a tag or an autolink, `&`
//! before what would read as an entity, a trailing `#` that would close a heading, a backslash that
//! would escape what follows, and every `` ` ``, `|` and `$`. What GitHub links after rendering,
//! in a comment, is broken by an invisible word joiner (U+2060): an `@` before any text (a
//! mention, or an e-mail address), `#` or `GH-` before a number (an issue), `://` and `www.` (a link).
//! Control characters are dropped; a line break becomes a space (or, in a table cell, `<br>`, the
//! one HTML tag the output holds). A value never starts a line, and no caller puts `(` or `[`
//! right after one.

/// What breaks GitHub's automatic links without showing: the word joiner.
const JOINER: char = '\u{2060}';

/// Text for a line of Markdown: a line break becomes a space.
pub fn text(s: &str) -> String {
    escape(s, " ")
}

/// Text for a cell of a Markdown table: a line break becomes `<br>`.
pub fn cell(s: &str) -> String {
    escape(s, "<br>")
}

/// `s` as a code span, which shows it exactly (a revision such as `HEAD~1`, a command): fenced with
/// more backticks than it holds in a row, on one line.
pub fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.starts_with(' ') && s.ends_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A link to `url` (a web address oslog was given, not text from the log) reading `label`.
pub fn link(label: &str, url: &str) -> String {
    let url: String = url
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>'))
        .map(|c| {
            if c.is_whitespace() {
                "%20".to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    format!("[{}](<{url}>)", text(label))
}

fn escape(s: &str, line_break: &str) -> String {
    let chars = neutralise(s);
    let at = |i: usize| chars.get(i).copied();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next = at(i + 1);
        let escaped = match c {
            '\n' => {
                out.push_str(line_break);
                continue;
            }
            '`' | '|' | '$' => true,
            '\\' => next.is_none_or(|n| n.is_ascii_punctuation()),
            '*' | '_' | '~' => delimiter(&chars, i),
            ']' => matches!(next, Some('(' | '[')),
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '&' => entity_follows(&chars[i + 1..]),
            // Only a run of `#` that ends the value, after a space, could close a heading.
            '#' => {
                chars[i..].iter().all(|c| *c == '#')
                    && chars[..i]
                        .iter()
                        .rev()
                        .find(|c| **c != '#')
                        .is_none_or(|c| c.is_whitespace())
            }
            _ => false,
        };
        if escaped {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether the run of `*`, `_` or `~` that `chars[i]` is in could open or close emphasis or
/// strikethrough: unless spaces stand on both sides of the run, or (for `_`) letters or digits. The
/// ends of a value count as neither, since whatever a caller writes there is not known here.
fn delimiter(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let start = chars[..i].iter().rev().take_while(|x| **x == c).count();
    let end = chars[i..].iter().take_while(|x| **x == c).count();
    let before = (i - start).checked_sub(1).map(|j| chars[j]);
    let after = chars.get(i + end).copied();
    let space = |x: Option<char>| x.is_some_and(char::is_whitespace);
    let word = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
    !(space(before) && space(after) || c == '_' && word(before) && word(after))
}

/// Whether `rest` (what follows an `&`) would make it an entity or character reference: a name, or
/// `#` and digits, or `#x` and hex digits, then `;`.
fn entity_follows(rest: &[char]) -> bool {
    let (body, digits): (&[char], fn(&char) -> bool) = match rest {
        ['#', 'x' | 'X', body @ ..] => (body, char::is_ascii_hexdigit),
        ['#', body @ ..] => (body, char::is_ascii_digit),
        body => (body, char::is_ascii_alphanumeric),
    };
    let n = body.iter().take_while(|c| digits(c)).count();
    n > 0 && body.get(n) == Some(&';')
}

/// The characters of `s` without control characters (a tab becomes a space, a line break stays),
/// with a word joiner put where GitHub would otherwise make a mention, an issue reference or a link.
fn neutralise(s: &str) -> Vec<char> {
    let chars: Vec<char> = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let mut out = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        let next = chars.get(i + 1).copied();
        let lower = |j: usize| chars.get(j).map(|c| c.to_ascii_lowercase());
        let starts_word = |j: usize| j == 0 || !chars[j - 1].is_alphanumeric();
        let joins = match c {
            // A mention is `@` and a name; an e-mail address's domain may start with almost
            // anything, so any `@` with text after it.
            '@' => next.is_some_and(|n| !n.is_whitespace()),
            '#' => next.is_some_and(|n| n.is_ascii_digit()),
            ':' => next == Some('/') && chars.get(i + 2) == Some(&'/'),
            '-' => {
                i >= 2
                    && lower(i - 2) == Some('g')
                    && lower(i - 1) == Some('h')
                    && starts_word(i - 2)
                    && next.is_some_and(|n| n.is_ascii_digit())
            }
            'w' | 'W' => {
                i >= 2
                    && (i - 2..=i).all(|j| lower(j) == Some('w'))
                    && starts_word(i - 2)
                    && next == Some('.')
            }
            _ => false,
        };
        if joins {
            out.push(JOINER);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needless_escapes_are_left_out() {
        assert_eq!(text("1) Accessibility"), "1) Accessibility");
        assert_eq!(text("HEAD~1"), "HEAD\\~1");
        assert_eq!(text("R&D, AT&T & more"), "R&D, AT&T & more");
        assert_eq!(
            text("snake_case, 2 * 3, a < b, C#, (part 1)!"),
            "snake_case, 2 * 3, a < b, C#, (part 1)!"
        );
        assert_eq!(text("[draft] paper"), "[draft] paper");
        assert_eq!(text("<b> & &amp;"), "\\<b> & \\&amp;");
        assert_eq!(text("x\ny"), "x y");
        assert_eq!(cell("x\ny|z"), "x<br>y\\|z");
    }

    #[test]
    fn a_joiner_goes_only_where_github_would_link() {
        assert_eq!(
            text("@octocat #12 gh-3"),
            "@\u{2060}octocat #\u{2060}12 gh-\u{2060}3"
        );
        assert_eq!(text("https://x www.y"), "https:\u{2060}//x www\u{2060}.y");
        assert!(!text("a @ b, # 1, x:y, wwwx.org, ugh-3").contains(JOINER));
    }

    #[test]
    fn a_code_span_is_fenced_longer_than_its_backticks() {
        assert_eq!(code("HEAD~1..HEAD"), "`HEAD~1..HEAD`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }
}
