//! The conventions users expect of a command-line tool: colour only on a terminal unless asked, with
//! NO_COLOR, CLICOLOR_FORCE and --color respected; a closed pipe ends the run quietly; an error is
//! one line on stderr (its causes with -v); every command's --help has examples; and `md` and
//! `markdown` name one format wherever Markdown is written.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

/// A log with one action whose theme is unknown, so that `validate` reports an error.
fn broken_log() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir(root.join("actions")).unwrap();
    std::fs::write(
        root.join("themes.yaml"),
        "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("actions/001.yaml"),
        "id: 1\ntitle: Share the paper\ntheme: governence\nraised: 2019-01\nstatus: ongoing\n",
    )
    .unwrap();
    tmp
}

/// Run `oslog validate` in `root` with a cleared colour environment plus `env`, and say whether the
/// output holds an ANSI escape.
fn coloured(root: &Path, args: &[&str], env: &[(&str, &str)]) -> bool {
    let mut cmd = common::oslog_command(root, &[&["validate"], args].concat());
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    out.stdout.contains(&0x1b)
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let log = broken_log();
    let root = log.path();
    // Standard output is a pipe here, so `auto` means no colour unless forced.
    assert!(!coloured(root, &[], &[]));
    assert!(coloured(root, &[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(root, &[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(
        root,
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(coloured(root, &["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(
        root,
        &["--color", "never"],
        &[("CLICOLOR_FORCE", "1")]
    ));
}

#[test]
fn on_a_terminal_colour_follows_clicolor_and_each_stream_is_asked_on_its_own() {
    let log = broken_log();
    let root = log.path();
    let Some((_, screen)) = common::on_terminal(root, "oslog validate", "", &[]) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "util-linux `script` is needed for this test"
        );
        return;
    };
    assert!(screen.contains('\x1b'), "a terminal is coloured: {screen}");
    let (_, screen) =
        common::on_terminal(root, "oslog validate", "", &[("CLICOLOR", "0")]).unwrap();
    assert!(
        !screen.contains('\x1b'),
        "CLICOLOR=0 turns colour off: {screen}"
    );

    // A file that does not load is left out of `list` with a warning on stderr, the terminal, while
    // standard output goes to a file.
    std::fs::write(
        root.join("actions/002.yaml"),
        "id: 2\ntitle: Broken\ntheme: governance\nraised: 2019-01\nstatus: wrong\n",
    )
    .unwrap();
    let (_, screen) = common::on_terminal(root, "oslog list > listed.txt", "", &[]).unwrap();
    assert!(screen.contains("warning:"), "{screen}");
    assert!(
        screen.contains('\x1b'),
        "stderr on a terminal is coloured: {screen}"
    );
    let listed = std::fs::read_to_string(root.join("listed.txt")).unwrap();
    assert!(
        !listed.contains('\x1b'),
        "stdout to a file is not: {listed}"
    );
    let (_, screen) =
        common::on_terminal(root, "oslog list > listed.txt", "", &[("NO_COLOR", "1")]).unwrap();
    assert!(!screen.contains('\x1b'), "{screen}");
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    // Enough findings to overflow any pipe buffer, so oslog is still writing when the reader goes.
    let log = broken_log();
    for n in 2..=400 {
        std::fs::write(
            log.path().join(format!("actions/{n:03}.yaml")),
            format!("id: {n}\ntitle: A title long enough to fill a line of output\ntheme: governence\nraised: 2019-01\nstatus: ongoing\n"),
        )
        .unwrap();
    }
    let mut child = common::oslog_command(log.path(), &["validate"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("error[unknown-theme]"), "{first}");
    // The reader is dropped here, like `head -1` exiting.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_closed_pipe_is_quiet_for_every_output_format() {
    // The repository's own log gives well over a pipe buffer of output in each format.
    for args in [
        ["list", "--format", "json"],
        ["list", "--format", "csv"],
        ["list", "--format", "markdown"],
        ["list", "--format", "table"],
    ] {
        let mut child = common::oslog_command(Path::new(env!("CARGO_MANIFEST_DIR")), &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn an_error_is_one_line_and_its_causes_come_with_verbose() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |verbose: bool| {
        let args: &[&str] = match verbose {
            true => &["-v", "-C", "missing", "validate"],
            false => &["-C", "missing", "validate"],
        };
        let out = common::oslog(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        String::from_utf8(out.stderr).unwrap()
    };
    let quiet = run(false);
    assert_eq!(quiet.lines().count(), 1, "{quiet}");
    assert!(quiet.starts_with("oslog: error: cannot open folder "));
    let verbose = run(true);
    assert!(verbose.starts_with(&quiet), "{verbose}");
    assert!(verbose.lines().nth(1).unwrap().starts_with("  caused by: "));
}

fn missing_examples(cmd: &mut clap::Command, path: &str, missing: &mut Vec<String>) {
    let help = cmd.render_long_help().to_string();
    if !help.contains("Examples:") {
        missing.push(path.to_string());
    }
    for sub in cmd.get_subcommands_mut().filter(|s| s.get_name() != "help") {
        let path = format!("{path} {}", sub.get_name());
        missing_examples(sub, &path, missing);
    }
}

#[test]
fn every_command_has_examples_in_its_help() {
    let mut cmd = oslog::command();
    cmd.build();
    let mut missing = Vec::new();
    missing_examples(&mut cmd, "oslog", &mut missing);
    assert!(
        missing.is_empty(),
        "no Examples: in the help of {missing:?}"
    );
    assert!(cmd.get_subcommands().count() >= 8);
}

/// The paths of the subcommands whose `--format` takes one of `names` (by its name or an alias), such
/// as `["report", "monthly"]`.
fn format_commands(
    cmd: &clap::Command,
    names: &[&str],
    path: &[String],
    out: &mut Vec<Vec<String>>,
) {
    let takes = cmd.get_arguments().any(|a| {
        a.get_long() == Some("format")
            && a.get_possible_values()
                .iter()
                .any(|v| names.iter().any(|n| v.matches(n, false)))
    });
    if takes {
        out.push(path.to_vec());
    }
    for sub in cmd.get_subcommands() {
        let mut p = path.to_vec();
        p.push(sub.get_name().to_string());
        format_commands(sub, names, &p, out);
    }
}

/// A git repository holding a log of `actions` actions in one theme, followed by one member, in one
/// commit.
fn committed_log(actions: u32) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let repo = common::log_repo(
        tmp.path(),
        "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\nmembers:\n  - name: Liberty\n    themes: [governance]\n",
        actions,
        |id| {
            format!("id: {id}\ntitle: Share the paper\ntheme: governance\nraised: 2019-01\nstatus: ongoing\n")
        },
    );
    common::commit(&repo, "Ann", 1_561_939_200, "Start the log");
    tmp
}

#[test]
fn every_json_document_carries_its_version() {
    let tmp = committed_log(1);
    let root = tmp.path();
    let mut commands = Vec::new();
    format_commands(&oslog::command(), &["json"], &[], &mut commands);
    assert!(commands.len() >= 9, "{commands:?}");
    for path in commands {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        // The commands that need an action's number.
        if matches!(args[..], ["show"] | ["history"]) {
            args.push("1");
        }
        args.extend(["--format", "json"]);
        let out = common::oslog(root, &args);
        assert!(
            out.status.code().is_some_and(|c| c < 2),
            "{args:?}: {}",
            common::shown(&out)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", common::shown(&out)));
        assert_eq!(doc["version"], 1, "{args:?}: {doc}");
    }
}

#[test]
fn md_and_markdown_are_one_format_wherever_markdown_is_written() {
    let tmp = committed_log(2);
    let root = tmp.path();
    let mut commands = Vec::new();
    format_commands(&oslog::command(), &["md", "markdown"], &[], &mut commands);
    // list, timeline, diff and the four reports at least.
    assert!(commands.len() >= 7, "{commands:?}");
    for path in commands {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        // The reports that need more than a format.
        match args[..] {
            ["report", "annual"] => args.extend(["--year", "2019"]),
            ["report", "digest"] => args.extend(["--member", "Liberty"]),
            _ => {}
        }
        let run_as = |name: &str| {
            let o = common::oslog(root, &[&args[..], &["--format", name]].concat());
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            assert!(
                !err.contains("invalid value"),
                "{args:?} --format {name}: {err}"
            );
            (o.status.code(), o.stdout, err)
        };
        let (md, markdown) = (run_as("md"), run_as("markdown"));
        assert_eq!(md, markdown, "{args:?}");
        assert!(md.0.is_some_and(|c| c < 2), "{args:?}: {}", md.2);
    }
}

/// Run oslog in `dir` with `args` and return (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let o = common::oslog_with(dir, args, env);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn errors_in_the_arguments_speak_oslogs_words() {
    let log = broken_log();
    let root = log.path();
    for (args, says) in [
        (
            &["show", "abc"][..],
            "oslog: error: invalid value 'abc' for '<N>': `abc` is not an action number",
        ),
        (
            &["update", "16x", "text"][..],
            "`16x` is not an action number",
        ),
        (
            &["edit", "1", "--link", "0"][..],
            "`0` is not an action number",
        ),
        (
            &["stauts"][..],
            "oslog: error: unrecognized subcommand 'stauts'",
        ),
        (
            &["list", "--nope"][..],
            "oslog: error: unexpected argument '--nope'",
        ),
    ] {
        let (code, out, err) = run(root, args, &[]);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(err.starts_with("oslog: error: "), "{args:?}: {err}");
        for internal in [
            "invalid digit",
            "ParseIntError",
            "panicked",
            "number too large",
        ] {
            assert!(!err.contains(internal), "{args:?}: {err}");
        }
    }
    let (code, _, err) = run(root, &["status"], &[("OSLOG_TODAY", "garbage")]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("oslog: error: OSLOG_TODAY"), "{err}");
    assert!(err.contains("garbage"), "{err}");
    let (code, _, err) = run(root, &["--today", "2019-07-01", "completions", "bash"], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with("oslog: error: ") && err.contains("--today") && err.contains("completions"),
        "{err}"
    );
}

#[test]
fn completions_end_quietly_when_the_reader_stops() {
    let mut child = common::oslog_command(Path::new("."), &["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn counts_of_one_are_singular() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir(root.join("actions")).unwrap();
    std::fs::write(
        root.join("themes.yaml"),
        "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n",
    )
    .unwrap();
    let (_, out, _) = run(root, &["fmt", "--check"], &[]);
    assert_eq!(out, "the 1 file is canonical\n");
    std::fs::write(
        root.join("actions/001.yaml"),
        "id: 1\ntitle: Share the paper\ntheme: governance\nraised: 2019-01\nstatus: ongoing\n",
    )
    .unwrap();
    let (_, out, _) = run(root, &["status"], &[]);
    assert!(
        out.starts_with("Action log as of 1 July 2019: 1 action, 0 milestones\n"),
        "{out}"
    );
}

#[test]
fn each_command_lists_the_global_options_it_takes_under_their_own_heading() {
    let help = |args: &[&str]| {
        let (code, out, _) = run(Path::new("."), args, &[]);
        assert_eq!(code, Some(0));
        let (own, global) = out
            .split_once("Global options:")
            .unwrap_or_else(|| panic!("{args:?}: no Global options heading: {out}"));
        let options = own.split_once("\nOptions:").map_or("", |(_, o)| o);
        (options.to_string(), global.to_string())
    };
    let (own, global) = help(&["status", "--help"]);
    for flag in [
        "-C, --dir <DIR>",
        "--today <YYYY-MM-DD>",
        "--color <WHEN>",
        "-v, --verbose",
    ] {
        assert!(
            global.contains(flag) && !own.contains(flag),
            "{flag}: {own}"
        );
    }
    let (_, global) = help(&["history", "--help"]);
    assert!(
        global.contains("--dir") && !global.contains("--today"),
        "{global}"
    );
    let (_, global) = help(&["completions", "--help"]);
    assert!(
        !global.contains("--dir") && !global.contains("--today"),
        "{global}"
    );
    assert!(global.contains("--verbose"), "{global}");
    let (_, global) = help(&["report", "monthly", "--help"]);
    assert!(global.contains("--today"), "{global}");
    let (_, global) = help(&["--help"]);
    assert!(
        global.contains("--today") && global.contains("--dir"),
        "{global}"
    );
    // Given before the subcommand or after it, a global option means the same.
    let log = broken_log();
    let before = run(log.path(), &["--today", "2019-01-02", "status"], &[]);
    let after = run(log.path(), &["status", "--today", "2019-01-02"], &[]);
    assert_eq!(before, after);
    assert!(
        before.1.starts_with("Action log as of 2 January 2019"),
        "{}",
        before.1
    );
}
