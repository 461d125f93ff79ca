//! The one Markdown escaper. Every value from the log that goes into Markdown (the reports, the
//! tables of `list` and `timeline`, `diff --format md`) passes through here, so that it shows as
//! written and cannot inject HTML, a link, an image, emphasis, code, a heading or a table cell:
//! punctuation that means something inline is backslash-escaped, `<`, `>` and `&` become entities,
//! and control characters are dropped. A value never starts a line (its own line breaks are
//! replaced), so `#` and list markers stay as they are. Whatever Markdown needs of a value is done
//! here, once.

/// Text for a line of Markdown: a line break becomes a space.
pub fn text(s: &str) -> String {
    escape(s, " ")
}

/// Text for a cell of a Markdown table: a line break becomes `<br>` (the only HTML in the output,
/// since any `<` of the text itself is escaped).
pub fn cell(s: &str) -> String {
    escape(s, "<br>")
}

fn escape(s: &str, line_break: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str(line_break),
            '\\' | '[' | ']' | '(' | ')' | '*' | '_' | '`' | '|' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_neutralises_markup_links_and_table_breaks() {
        assert_eq!(
            text("<script>alert(1)</script> & [x](javascript:alert(1)) a|b\nc"),
            "&lt;script&gt;alert\\(1\\)&lt;/script&gt; &amp; \\[x\\]\\(javascript:alert\\(1\\)\\) a\\|b c"
        );
        assert_eq!(text("#5\r\n\u{1b}[31m\tx"), "#5 \\[31mx");
    }

    #[test]
    fn a_cell_keeps_its_line_breaks_as_br() {
        assert_eq!(cell("a | b\nc"), "a \\| b<br>c");
        assert_eq!(cell("a\r\nb\rc"), "a<br>bc");
        assert_eq!(
            cell("<script>x</script><br>"),
            "&lt;script&gt;x&lt;/script&gt;&lt;br&gt;"
        );
        assert_eq!(
            cell("[a](javascript:alert(1)) ![i](u)"),
            "\\[a\\]\\(javascript:alert\\(1\\)\\) \\!\\[i\\]\\(u\\)"
        );
        assert_eq!(cell("*b* `c` &amp; a\\"), "\\*b\\* \\`c\\` &amp;amp; a\\\\");
    }
}
