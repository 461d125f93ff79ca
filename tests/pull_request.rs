//! Reviewing a pull request that changes actions, as a reviewer meets it: a branch that fell behind
//! main (main moved on after the fork), made with the `git` program in a temporary repository with
//! fixed authors and days. `oslog diff main...branch` must show exactly the branch's changes, each
//! action named by number and title, in full, with what deserves a second look; `main..branch`
//! keeps git's meaning and says that it also shows main's changes, undone.

mod common;
use serde_json::Value;

const THEMES: &str = "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n  - key: data-sharing\n    name: Data Sharing\n    colour: \"#2ca02c\"\n";

use common::GitLog as Log;

const TERMS: &str =
    "HO to publish the terms of reference of the Open Space, with the names of its members";
const TERMS_REVISED: &str =
    "HO to publish the revised terms of reference of the Open Space, with the names of its members";

/// The branch's new action 6, which main has meanwhile given to another action.
const BOBS: &str = "Bob to circulate the R&D paper (part 1) on data sharing to every member before the September workshop";

fn action(id: u32, title: &str, theme: &str, deadline: &str, status: &str, extra: &str) -> String {
    format!("id: {id}\ntitle: {title}\ntheme: {theme}\nraised: 2019-02\ndeadline: {deadline}\nstatus: {status}\n{extra}")
}

/// Main: Ann starts the log with actions 1 to 5. Bob branches `review` from there. Main moves on:
/// Cy adds an update to action 1, gives action 5 an owner and adds action 6. The branch, not
/// rebased: Bob retitles action 1, reopens 2 (complete) and 3 (closed), moves 4's deadline later and
/// rewrites its update, deletes 5 and adds his own action 6.
fn stale_branch() -> Log {
    let log = Log::new();
    log.write("themes.yaml", THEMES);
    log.write(
        "actions/001.yaml",
        &action(1, TERMS, "governance", "2019-09", "ongoing", ""),
    );
    log.write(
        "actions/002.yaml",
        &action(
            2,
            "Share the paper",
            "governance",
            "2019-05",
            "complete",
            "signed_off: 2019-06-04\n",
        ),
    );
    log.write(
        "actions/003.yaml",
        &action(
            3,
            "Circulate the minutes",
            "governance",
            "2019-05",
            "closed",
            "updates:\n  - date: 2019-05-02\n    text: Withdrawn; the minutes are published instead.\n",
        ),
    );
    log.write(
        "actions/004.yaml",
        &action(
            4,
            "Draft the code of practice",
            "data-sharing",
            "2019-08",
            "ongoing",
            "updates:\n  - date: 2019-06-01\n    text: Draft started by the working group\n",
        ),
    );
    log.write(
        "actions/005.yaml",
        &action(
            5,
            "Book the room",
            "governance",
            "2019-07",
            "not-started",
            "",
        ),
    );
    log.commit("Ann", "Start the log");
    log.git("Bob", &["branch", "review"]);

    log.write(
        "actions/001.yaml",
        &action(
            1,
            TERMS,
            "governance",
            "2019-09",
            "ongoing",
            "updates:\n  - date: 2019-07-03\n    text: Main's update\n",
        ),
    );
    log.write(
        "actions/005.yaml",
        &action(
            5,
            "Book the room",
            "governance",
            "2019-07",
            "not-started",
            "owner: Cy\n",
        ),
    );
    log.write(
        "actions/006.yaml",
        &action(
            6,
            "Main's own action 6",
            "governance",
            "2019-10",
            "ongoing",
            "",
        ),
    );
    log.commit("Cy", "Main moves on");

    log.git("Bob", &["checkout", "--quiet", "review"]);
    log.write(
        "actions/001.yaml",
        &action(1, TERMS_REVISED, "governance", "2019-09", "ongoing", ""),
    );
    log.write(
        "actions/002.yaml",
        &action(
            2,
            "Share the paper",
            "governance",
            "2019-05",
            "ongoing",
            "signed_off: 2019-06-04\n",
        ),
    );
    log.write(
        "actions/003.yaml",
        &action(
            3,
            "Circulate the minutes",
            "governance",
            "2019-05",
            "ongoing",
            "updates:\n  - date: 2019-05-02\n    text: Withdrawn; the minutes are published instead.\n",
        ),
    );
    log.commit("Bob", "Retitle 1, reopen 2 and 3");
    log.write(
        "actions/004.yaml",
        &action(
            4,
            "Draft the code of practice",
            "data-sharing",
            "2019-12",
            "ongoing",
            "updates:\n  - date: 2019-06-01\n    text: Draft finished by the working group\n",
        ),
    );
    std::fs::remove_file(log.path().join("actions/005.yaml")).unwrap();
    log.write(
        "actions/006.yaml",
        &action(
            6,
            BOBS,
            "data-sharing",
            "2019-09",
            "not-started",
            "owner: Bob\nlinks: [1, 4]\nupdates:\n  - date: 2019-07-05\n    text: Paper drafted; see the appendix\n",
        )
        .replace("raised: 2019-02", "raised: 2019-07"),
    );
    log.commit("Bob", "Move 4, delete 5, add 6");
    log
}

/// (action, event, flags) of each entry of a JSON diff.
fn summary(v: &Value) -> Vec<(u64, String, Vec<String>)> {
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let flags = e["flags"].as_array().unwrap();
            (
                e["action"].as_u64().unwrap(),
                e["event"].as_str().unwrap().to_string(),
                flags
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// What the branch did, and nothing main did: the answer for every way of asking for it.
fn the_branch_s_changes() -> Vec<(u64, String, Vec<String>)> {
    vec![
        (1, "changed".into(), vec![]),
        (2, "changed".into(), strings(&["reopened"])),
        (3, "changed".into(), strings(&["reopened"])),
        (
            4,
            "changed".into(),
            strings(&["deadline-later", "update-edited"]),
        ),
        (5, "removed".into(), strings(&["deleted"])),
        (6, "added".into(), strings(&["number-reused"])),
    ]
}

#[test]
fn three_dots_show_exactly_the_branch_s_changes() {
    let log = stale_branch();
    let v = log.json(&["diff", "main...review", "--format", "json"]);
    assert_eq!(summary(&v), the_branch_s_changes(), "{v:#}");
    // Main's later update to action 1 and its owner for action 5 are not the branch's.
    let one = &v["entries"][0]["changes"];
    assert_eq!(one.as_array().unwrap().len(), 1, "{one:#}");
    assert_eq!(one[0]["field"], "title");
    assert_eq!(v["entries"][4]["title"], "Book the room");

    // On the branch: A... is the same up to the working tree, and so is the default range.
    log.git("Bob", &["checkout", "--quiet", "review"]);
    for args in [&["diff", "main..."][..], &["diff"]] {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let v = log.json(&args);
        assert_eq!(summary(&v), the_branch_s_changes(), "{args:?}");
    }
}

#[test]
fn two_dots_keep_git_s_meaning_and_say_what_that_shows() {
    let log = stale_branch();
    let o = log.oslog(&["diff", "main..review", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::shown(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("oslog: warning: main is not an ancestor of review")
            && err.contains("main...review"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // The two trees: main's update to action 1 shows as removed, its action 6 as retitled.
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let one = &v["entries"][0];
    assert!(
        one["flags"]
            .as_array()
            .unwrap()
            .contains(&"update-removed".into()),
        "{one:#}"
    );
    let six = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == 6)
        .unwrap();
    assert_eq!(six["event"], "changed");

    // An ancestor gives no warning.
    let o = log.oslog(&["diff", "main~1..main"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stderr.is_empty(), "{}", common::shown(&o));

    // Up to the working tree, the ranges it names are as written.
    log.git("Bob", &["checkout", "--quiet", "review"]);
    let o = log.oslog(&["diff", "main.."]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "oslog: warning: main is not an ancestor of HEAD, so main.. also shows the changes main made since they split, as if HEAD had undone them; for HEAD's own changes run `oslog diff main...`\n"
    );

    // A range that runs backwards shows main's own change undone, and says so: the three dots
    // would show nothing, the range the other way round shows the change as made.
    let o = log.oslog(&["diff", "main..main~1"]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err,
        "oslog: warning: main~1 is an ancestor of main, so main..main~1 shows the changes main made since main~1 as if undone; for them as made run `oslog diff main~1..main`\n"
    );
}

#[test]
fn a_range_that_is_not_one_is_refused() {
    let log = stale_branch();
    for bad in ["main....review", "main...review...main", "nope...review"] {
        let o = log.oslog(&["diff", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", common::shown(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("oslog: error: "), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn piped_output_names_each_action_and_cuts_nothing() {
    let log = stale_branch();
    let text = log.stdout(&["diff", "main...review"]);
    assert!(!text.contains('…'), "{text}");
    // Each action by number and title; the retitle word by word.
    assert!(text.contains(&format!("#1  {TERMS_REVISED}\n")), "{text}");
    assert!(
        text.contains("title: HO to publish the {+revised+} terms of reference"),
        "{text}"
    );
    assert!(text.contains(&format!("#6  {BOBS}\n")), "{text}");
    // An added action shows every field.
    for field in [
        "theme: data-sharing",
        "owner: Bob",
        "raised: 2019-07",
        "deadline: 2019-09",
        "status: not-started",
        "links: [1, 4]",
        "update: 2019-07-05: Paper drafted; see the appendix",
    ] {
        assert!(text.contains(field), "{field}: {text}");
    }
    assert!(
        text.contains(
            "update edited: 2019-06-01: Draft [-started-]{+finished+} by the working group"
        ),
        "{text}"
    );
    assert!(
        text.contains("! a closed or complete action was reopened"),
        "{text}"
    );
}

#[test]
fn on_a_terminal_long_lines_wrap_rather_than_cut() {
    let log = stale_branch();
    let Some((code, screen)) = common::on_terminal(
        log.path(),
        "oslog diff main...review",
        "",
        &[("COLUMNS", "60"), ("NO_COLOR", "1")],
    ) else {
        return; // no `script` on this machine
    };
    assert_eq!(code, 0, "{screen}");
    let lines: Vec<&str> = screen.lines().map(|l| l.trim_end_matches('\r')).collect();
    for l in &lines {
        assert!(l.chars().count() <= 60, "{l:?} is wider than 60:\n{screen}");
    }
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let all = words(&lines.join(" "));
    assert!(all.contains(&words(BOBS)), "{screen}");
    assert!(!screen.contains('…'), "{screen}");
}

/// The review comment of the stale branch, as `tests/snapshots/review-comment.md` keeps it and the
/// README shows it: full titles, the title's change word by word, every field of the new action,
/// no HTML entity, and nothing that renders as a link, a mention or markup it did not mean.
#[test]
fn the_review_comment_reads_well_and_is_the_one_in_the_readme() {
    let log = stale_branch();
    let md = log.stdout(&["diff", "main...review", "--format", "md"]);
    let snapshot = std::fs::read_to_string("tests/snapshots/review-comment.md").unwrap();
    if md != snapshot {
        // What it is now, to review and copy over the snapshot (and into the README) if meant.
        std::fs::write("target/review-comment.md", &md).unwrap();
        panic!("the review changed (see target/review-comment.md):\n{md}");
    }
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(
        readme.contains(&format!("```markdown\n{md}```\n")),
        "README.md does not show tests/snapshots/review-comment.md"
    );
    for entity in ["&amp;", "&lt;", "&gt;", "&#"] {
        assert!(!md.contains(entity), "{entity} in\n{md}");
    }
    assert!(md.contains(BOBS) && md.contains(TERMS_REVISED.split(',').next().unwrap()));
    assert!(
        md.contains("- title: HO to publish the **revised** terms of reference"),
        "{md}"
    );
    let html = common::markdown_html(&md);
    assert!(!html.contains("<a ") && !html.contains("<img"), "{html}");
    assert!(
        html.contains("<del>started</del> <strong>finished</strong>"),
        "{html}"
    );
}

/// A workflow checks the pull request out at a detached HEAD: the review is the branch's, and says
/// nothing about the checkout, which a review does not depend on.
#[test]
fn the_review_of_a_detached_checkout_is_the_branch_s_without_a_word_about_it() {
    let log = stale_branch();
    let on_branch = log.stdout(&["diff", "main...review", "--format", "md"]);
    log.git("Bob", &["checkout", "--quiet", "--detach", "review"]);
    let detached = log.stdout(&["diff", "main...HEAD", "--format", "md"]);
    assert_eq!(
        detached,
        on_branch.replace("`main...review`", "`main...HEAD`"),
        "{detached}"
    );
    let text = log.stdout(&["diff", "main...HEAD"]);
    assert!(!text.contains("detached"), "{text}");
    let v = log.json(&["diff", "main...HEAD", "--format", "json"]);
    assert_eq!(v["warnings"], serde_json::json!([]), "{v:#}");
    // The trail does depend on it, and says so.
    let v = log.json(&["log", "--format", "json"]);
    assert!(v.to_string().contains("HEAD is detached"), "{v:#}");
}

/// A branch that adds a record file that does not load: the review says so, and counts it apart
/// from the changes it could read.
#[test]
fn a_record_that_does_not_load_is_said_so_and_counted_apart() {
    let log = stale_branch();
    log.git("Bob", &["checkout", "--quiet", "review"]);
    log.write("actions/007.yaml", "id: 7\ntitle: [unclosed\n");
    log.commit("Bob", "Add a broken action");
    let text = log.stdout(&["diff", "main...review"]);
    assert!(
        text.contains(
            "4 changed, 1 added, 1 removed, 0 renumbered, 1 that does not load; 5 to look at twice"
        ),
        "{text}"
    );
    assert!(
        text.contains("  #7\n      actions/007.yaml does not load\n"),
        "{text}"
    );
}

#[test]
fn a_review_too_long_for_a_comment_is_summarised_and_links_the_whole() {
    let log = stale_branch();
    let full = log.stdout(&["diff", "main...review", "--format", "md"]);
    let url = "https://github.com/o/r/actions/runs/1";
    let within = |max: usize| {
        let max = max.to_string();
        let args = [
            "diff",
            "main...review",
            "--format",
            "md",
            "--max-chars",
            &max,
        ];
        log.stdout(&[&args[..], &["--link", url]].concat())
    };
    assert_eq!(within(full.chars().count()), full);
    for max in [900, 600] {
        let short = within(max);
        assert!(short.chars().count() <= max, "{max}: {short}");
        assert!(
            short.contains(&format!("[the whole review](<{url}>)")),
            "{short}"
        );
        assert!(short.contains("### Look twice"), "{short}");
        assert!(!short.contains("### Changes"), "{short}");
    }
    // With room for more than the records to look at twice, the summary goes on with as many of
    // the records' sections as fit, whole, and says how many are left out.
    let max = full.chars().count() - 300;
    let short = within(max);
    assert!(short.chars().count() <= max, "{short}");
    let (_, changes) = short.split_once("\n### Changes\n").expect(&short);
    let (shown, more) = changes.rsplit_once("\nAnd ").expect(changes);
    assert!(
        full.contains(&format!("\n### Changes\n{shown}\n")),
        "{short}"
    );
    assert!(
        shown.contains(&format!("#### #\u{2060}1 {TERMS_REVISED}")),
        "{short}"
    );
    assert!(
        more.ends_with(" more records, in the whole review.\n"),
        "{short}"
    );
    let html = common::markdown_html(&short);
    assert_eq!(html.matches("<a ").count(), 1, "{html}");
    assert!(html.contains("<h4>"), "{html}");

    let o = log.oslog(&["diff", "main...review", "--max-chars", "10"]);
    assert_eq!(o.status.code(), Some(2), "{}", common::shown(&o));
}

#[test]
fn the_readme_shows_the_branch_s_review_as_it_is() {
    let log = stale_branch();
    let text = log.stdout(&["diff", "main...review"]);
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(
        readme.contains(&format!("$ oslog diff main...review\n{text}```")),
        "README.md does not show:\n{text}"
    );
}
