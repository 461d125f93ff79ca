//! Reports from hostile text: markup, quotes, ampersands, `javascript:` links, attribute breakouts,
//! pipes and line breaks in titles, owners, updates and a milestone's description come out escaped
//! in HTML and inert in Markdown.

mod common;

use std::path::Path;

const HOSTILE: &str = r#"<script>alert("x")</script> & 'q' "><img src=x onerror=alert(1)> [link](javascript:alert(1)) a|b"#;

fn log(dir: &Path) {
    std::fs::create_dir_all(dir.join("actions")).unwrap();
    std::fs::write(
        dir.join("themes.yaml"),
        "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n",
    )
    .unwrap();
    let quoted = serde_json::to_string(HOSTILE).unwrap();
    let multi = serde_json::to_string(&format!("{HOSTILE}\nsecond line | with pipe")).unwrap();
    std::fs::write(
        dir.join("actions/001.yaml"),
        format!(
            "id: 1\ntitle: {quoted}\ntheme: governance\nowner: {quoted}\nraised: 2019-02\nstatus: ongoing\nupdates:\n  - date: 2019-03\n    text: {multi}\n"
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("timeline")).unwrap();
    std::fs::write(
        dir.join("timeline/2019-09-report.yaml"),
        format!("id: 2019-09-report\ndate: 2019-09\nkind: report\ntitle: Report\ndescription: {multi}\nstatus: planned\n"),
    )
    .unwrap();
}

fn report(dir: &Path, format: &str) -> String {
    let out = common::oslog(dir, &["report", "actions", "--format", format]);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn html_escapes_text_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    log(dir.path());
    let html = report(dir.path(), "html");
    assert!(!html.contains("<script>alert"), "no injected script");
    assert!(!html.contains("<img"), "no injected element");
    assert!(!html.contains("\"><img"), "no attribute breakout");
    assert!(html.contains("&lt;script&gt;alert("));
    assert!(html.contains("&amp; "));
    assert!(html.contains("&quot;&gt;&lt;img"), "quotes escaped");
    assert!(!html.contains("href=\"javascript:"), "no javascript: link");
    // The title, the owner, the update and the milestone's description each appear escaped.
    assert!(html.matches("&lt;script&gt;").count() >= 4);
}

#[test]
fn markdown_keeps_tables_whole_and_neutralises_markup() {
    let dir = tempfile::tempdir().unwrap();
    log(dir.path());
    let md = report(dir.path(), "md");
    let row = md
        .lines()
        .find(|l| l.starts_with("| 1 |"))
        .expect("the action's row on one line");
    // Six cells: the pipes inside the text are escaped.
    let unescaped = row.replace("\\|", "");
    assert_eq!(unescaped.matches('|').count(), 7, "{row}");
    assert!(row.contains("second line \\| with pipe"));
    // Rendered, the hostile text shows as written: no tag, image or link, and no entity in the
    // Markdown itself.
    let html = common::markdown_html(&md);
    for tag in ["<script", "<img", "<a "] {
        assert!(!html.contains(tag), "{tag} in {html}");
    }
    assert!(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("[link](javascript:alert(1))"), "{html}");
    assert!(!md.contains("&lt;") && !md.contains("&amp;"), "{md}");
}
