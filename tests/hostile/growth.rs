//! Inputs inside every documented limit, made larger: each command's cost must grow in proportion
//! to its input. A shape is timed at a size and at four times that size; a cost that grows like the
//! square of the input (what a scan from the start of the file for each value costs) takes sixteen
//! times as long, a linear one four. The bound asserted is eight, and a run that does not end within
//! `HANG` fails at once: these tests catch growth and hangs, not slowness, and the speed itself is
//! measured by `benches/run.sh`.

use super::common;
use std::path::Path;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longer than any of these runs takes on a slow machine when its cost is linear.
const HANG: Duration = Duration::from_secs(90);
/// Times below this are the cost of starting a process, and their ratio says nothing.
const FLOOR: Duration = Duration::from_millis(100);
/// Timed runs go one at a time, so that they do not slow each other down.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A log holding one valid action (001) and the themes it needs, with `text` as actions/002.yaml.
pub fn log_with(dir: &Path, text: &str) {
    common::write(
        dir,
        "themes.yaml",
        "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n",
    );
    common::write(
        dir,
        "actions/001.yaml",
        "id: 1\ntitle: A title.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n",
    );
    std::fs::create_dir_all(dir.join("timeline")).unwrap();
    common::write(dir, "actions/002.yaml", text);
}

/// The first lines of a valid action 2, to which a shape adds its fields.
pub const HEAD: &str = "id: 2\ntitle: Many.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n";

/// The fastest of three runs of `oslog ARGS` in `dir`, and its exit code. A run still going after
/// `HANG` is killed, and the test fails.
fn time(dir: &Path, args: &[&str]) -> (Duration, Option<i32>) {
    let mut best = (Duration::MAX, None);
    for _ in 0..3 {
        let start = Instant::now();
        let mut child = common::oslog_command(dir, args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > HANG {
                let _ = child.kill();
                let _ = child.wait();
                panic!("oslog {args:?} did not end within {HANG:?}");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        best = best.min((start.elapsed(), status.code()));
    }
    best
}

/// Assert that `oslog ARGS` on the log `make(dir, 4 * n)` takes less than eight times as long as on
/// `make(dir, n)`, and exits with `code` on both.
pub fn grows_linearly(what: &str, args: &[&str], code: i32, n: usize, make: impl Fn(&Path, usize)) {
    let small = tempfile::tempdir().unwrap();
    let large = tempfile::tempdir().unwrap();
    make(small.path(), n);
    make(large.path(), 4 * n);
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (t_small, c_small) = time(small.path(), args);
    let (t_large, c_large) = time(large.path(), args);
    assert_eq!(
        (c_small, c_large),
        (Some(code), Some(code)),
        "{what}: exit codes"
    );
    assert!(
        t_large < t_small.max(FLOOR) * 8,
        "{what}: `oslog {}` took {t_small:?} on {n} and {t_large:?} on {}: more than linear growth",
        args.join(" "),
        4 * n
    );
}

/// `n` lines made by `line`, joined.
pub fn lines(n: usize, line: impl Fn(usize) -> String) -> String {
    (0..n).map(line).collect()
}

#[test]
fn validate_is_linear_in_the_number_of_updates() {
    // 40,000 updates is about 900 KB, inside the 1 MiB limit.
    grows_linearly(
        "updates",
        &["validate", "--format", "json"],
        0,
        10_000,
        |dir, n| {
            let updates = lines(n, |i| format!("  - text: Update {i}\n"));
            log_with(dir, &format!("{HEAD}updates:\n{updates}"));
        },
    );
}

#[test]
fn validate_is_linear_in_the_number_of_values() {
    // `- {}` is one value in four bytes: 60,000 of them, and the limit of 250,000 is near.
    grows_linearly(
        "empty mappings",
        &["validate", "--format", "json"],
        1,
        15_000,
        |dir, n| {
            log_with(dir, &lines(n, |_| "- {}\n".into()));
        },
    );
}

#[test]
fn validate_is_linear_in_flow_collections_on_one_line() {
    grows_linearly(
        "one line of mappings",
        &["validate", "--format", "json"],
        1,
        15_000,
        |dir, n| {
            log_with(
                dir,
                &format!("{HEAD}links: [{}]\n", vec!["{}"; n].join(", ")),
            );
        },
    );
}

#[test]
fn validate_is_linear_in_comments_beside_quoted_text() {
    // Each `#` is checked against the quoted values, which hold none.
    grows_linearly(
        "comments after quoted text",
        &["validate", "--format", "json"],
        0,
        10_000,
        |dir, n| {
            let updates = lines(n, |i| format!("  - text: \"u{i}\" #\n"));
            log_with(dir, &format!("{HEAD}updates:\n{updates}"));
        },
    );
}

#[test]
fn human_findings_are_linear_in_comments_and_unknown_keys() {
    grows_linearly(
        "comment lines, human",
        &["validate"],
        0,
        25_000,
        |dir, n| {
            log_with(dir, &format!("{HEAD}{}", lines(n, |i| format!("# {i}\n"))));
        },
    );
    grows_linearly("unknown keys, human", &["validate"], 1, 15_000, |dir, n| {
        log_with(
            dir,
            &format!("{HEAD}{}", lines(n, |i| format!("k{i}: v\n"))),
        );
    });
}

/// A log whose action 2 and upcoming milestone both have a title of one unbroken word of `n`
/// characters, and an overdue action 3 with the same title (the dashboard shows its start).
fn long_titles(dir: &Path, n: usize) {
    let word = "x".repeat(n);
    log_with(
        dir,
        &format!("id: 2\ntitle: {word}\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n"),
    );
    common::write(
        dir,
        "actions/003.yaml",
        &format!("id: 3\ntitle: {word}\ntheme: governance\nraised: 2018-10\ndeadline: 2019-01\nstatus: ongoing\n"),
    );
    common::write(
        dir,
        "timeline/2019-07-long.yaml",
        &format!(
            "id: 2019-07-long\ndate: 2019-07\nkind: workshop\ntitle: {word}\nstatus: planned\n"
        ),
    );
}

#[test]
fn tables_are_linear_in_the_length_of_a_word() {
    for command in ["list", "status", "timeline"] {
        grows_linearly(command, &[command], 0, 50_000, long_titles);
    }
}

#[test]
fn show_is_linear_in_the_numbers_an_action_names_and_the_files_beside_it() {
    // The page of an action names the titles of the actions it links to; an action may link to as
    // many numbers as fit in a file, beside as many other files. Asking each file about each number
    // would cost their product.
    grows_linearly("links", &["show", "2"], 0, 8_000, |dir, n| {
        // Numbers no file holds, so that no file is found early among them.
        let links: Vec<String> = (0..n).map(|i| (100_000 + i).to_string()).collect();
        log_with(dir, &format!("{HEAD}links: [{}]\n", links.join(", ")));
        for i in 3..n / 16 + 3 {
            common::write(
                dir,
                &format!("actions/{i:03}.yaml"),
                &format!("id: {i}\ntitle: Action {i}.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n"),
            );
        }
    });
}

#[test]
fn the_site_is_linear_in_the_number_of_actions() {
    // One page per action: each page must cost its own action, not the whole site again.
    grows_linearly("site", &["site", "--out", "site"], 0, 150, |dir, n| {
        log_with(dir, HEAD);
        for i in 3..n + 3 {
            common::write(
                dir,
                &format!("actions/{i:03}.yaml"),
                &format!("id: {i}\ntitle: Action {i}.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n"),
            );
        }
        let repo = git2::Repository::init(dir).unwrap();
        common::commit(&repo, "Ann", 1_561_939_200, "The log");
    });
}
