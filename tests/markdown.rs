//! The Markdown escaper against a real renderer: what `oslog::output::markdown` makes of hostile and
//! random text, put where the outputs put values, rendered as GitHub renders a comment
//! (`common::markdown_html`), must show exactly as written, with no tag, link, image, emphasis or
//! strikethrough it did not mean, and nothing GitHub would turn into a mention or a link.

mod common;
use common::markdown_html as html;
use oslog::output::markdown::{cell, code, link, text};

/// The word joiner the escaper puts where GitHub would link; a reader does not see it.
const JOINER: char = '\u{2060}';

fn rendered(md: &str) -> String {
    html(md).replace(JOINER, "")
}

/// How a renderer shows plain text in HTML.
fn shown(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The text as one line, as `text` reads it: control characters gone, line breaks and tabs as
/// spaces.
fn flat(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .map(|c| if matches!(c, '\n' | '\t') { ' ' } else { c })
        .collect()
}

/// `s` put into each kind of place the outputs put values, rendered: it must come out as written,
/// and nothing else may appear.
#[track_caller]
fn renders_as_written(s: &str) {
    let (t, f) = (text(s), shown(&flat(s)));
    // Spaces at the ends of a paragraph, heading or emphasis are not shown; such a value is
    // checked between words only.
    let inner = !(f.trim().is_empty() || f.starts_with(' ') || f.ends_with(' '));
    let cases = [
        (format!("x {t} y"), format!("<p>x {f} y</p>\n"), true),
        (
            format!("- label: {t}"),
            format!("<ul>\n<li>label: {f}</li>\n</ul>\n"),
            inner,
        ),
        (format!("#### #1 {t}"), format!("<h4>#1 {f}</h4>\n"), inner),
        (
            format!("**{t}**: why"),
            format!("<p><strong>{f}</strong>: why</p>\n"),
            inner,
        ),
        (
            format!("a ~~{t}~~ **{t}** b"),
            format!("<p>a <del>{f}</del> <strong>{f}</strong> b</p>\n"),
            inner,
        ),
    ];
    for (md, want, check) in cases {
        if check {
            assert_eq!(rendered(&md), want, "{s:?} as {md:?}");
        }
    }
    if inner && !s.contains('\n') {
        let table = format!("| a | b |\n| --- | --- |\n| {} | z |\n", cell(s));
        let want = format!("<td>{f}</td>\n<td>z</td>");
        let got = rendered(&table);
        assert!(got.contains(&want), "{s:?} in a cell: {got}");
    }
}

#[test]
fn hostile_text_renders_as_written() {
    for s in [
        "<script>alert(1)</script> & [x](javascript:alert(1)) a|b",
        "![image](https://example.org/i.png) <img src=x onerror=alert(1)>",
        "**bold** _em_ *em* ~~gone~~ ~one~ `code` ``two``",
        "[ref][1] [^note] [text]: https://example.org",
        "<https://example.org> <mailto:a@b.org> <!-- comment --> <?php ?>",
        "&amp; &lt; &#60; &#x3c; &copy; & AT&T R&D",
        "$x$ $$y$$ costs $5 and $6",
        "trailing backslash \\",
        "a\\*b \\_ \\` \\\\",
        "ends with hashes ##",
        "1) Accessibility",
        "HEAD~1 and HEAD~2",
        "snake_case and __init__ and 2 * 3 and a _ b",
        "* not a list",
        "# not a heading",
        "> not a quote",
        "- [ ] not a task",
        "| not | a | table |",
        "line\nbreak",
        "a  \nhard break",
        "tab\there \u{1b}[31mred\u{7}",
        "*",
        "_",
        "~",
        "]",
        "[",
        "<",
        "\\",
        "`",
    ] {
        renders_as_written(s);
    }
}

#[test]
fn no_mention_issue_or_link_survives_on_github() {
    for s in [
        "@octocat please look",
        "ask @github/security",
        "mail ann@example.org",
        "a@.a and q@.fyr and x@-y.org and b@_c.org",
        "see #12 and GH-34 and owner/repo#56",
        "https://example.org/x and http://e.org",
        "www.example.org and WWW.Example.org",
    ] {
        let md = text(s);
        let out = html(&md);
        assert!(!out.contains("<a "), "{s:?}: {out}");
        // What GitHub links after rendering: a mention, an issue reference, a bare address.
        for pattern in ["@o", "@g", "@e", "#1", "#5", "GH-3", "://", "www.", "WWW."] {
            assert!(!out.contains(pattern), "{s:?}: {pattern} in {out}");
        }
        // And the reader sees the text as written.
        assert_eq!(rendered(&md), format!("<p>{}</p>\n", shown(s)));
    }
}

#[test]
fn a_code_span_shows_a_revision_exactly() {
    for s in ["HEAD~1..HEAD", "a`b", "`x", "@octocat", "<b>", "x  y"] {
        assert_eq!(
            html(&code(s)),
            format!("<p><code>{}</code></p>\n", shown(s))
        );
    }
}

#[test]
fn a_link_goes_where_it_says() {
    let md = link("the job summary", "https://example.org/run/1?a=(b) c");
    assert_eq!(
        html(&md),
        "<p><a href=\"https://example.org/run/1?a=(b)%20c\">the job summary</a></p>\n"
    );
}

proptest::proptest! {
    #[test]
    fn any_text_renders_as_written(s in "[a-zA-Z0-9 *_~`\\[\\]()<>!&#;@:/.|$\\\\\n\t+%=\"'{}^?,é-]{0,30}") {
        renders_as_written(&s);
    }
}
