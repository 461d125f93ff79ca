//! Writes a synthetic log repository for benchmarks: N actions (1 to 6 updates each, spread over the
//! 11 themes of this repository's `themes.yaml` and over every status), then M commits that each move
//! one action's status and add an update, as `oslog status` would. The output is the same on every run:
//! the numbers come from a fixed seed and every commit has a fixed author and time. Commits are built
//! by `git fast-import`, so 10,000 of them take seconds.
//!
//! With `--taskwarrior FILE` it also writes the same actions as a Taskwarrior import file (a JSON array),
//! so that `task import FILE` holds the same items for comparison.
//!
//! Usage: cargo run --release --example gen -- DIR [--actions N] [--commits M] [--taskwarrior FILE]

use anyhow::{bail, Context, Result};
use oslog::model::{Action, Deadline, LogDate, Status, Update};
use oslog::output::commit::message;
use oslog::store::emit;
use oslog::trail::{FileDiff, Rec, Version};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const THEMES: &str = include_str!("../themes.yaml");
const OWNERS: [&str; 6] = [
    "HO",
    "NPCC",
    "ICO",
    "withheld",
    "Biometrics Commissioner",
    "HMICFRS",
];
const WORDS: [&str; 16] = [
    "paper",
    "review",
    "data",
    "sharing",
    "audit",
    "guidance",
    "training",
    "workshop",
    "policy",
    "consultation",
    "dashboard",
    "access",
    "retention",
    "report",
    "members",
    "forum",
];
/// Every this many commits moves action 42, so that `history 42` has a trail to show.
const ACTION_42_EVERY: usize = 250;
/// The first commit's time: 2019-01-01T00:00:00Z.
const START: i64 = 1_546_300_800;

struct Options {
    dir: PathBuf,
    actions: u32,
    commits: usize,
    taskwarrior: Option<PathBuf>,
}

fn main() -> Result<()> {
    let opts = options()?;
    // The keys under `themes:` only; `sources:` and `members:` follow with keys of their own.
    let themes: Vec<&str> = THEMES
        .lines()
        .skip_while(|l| !l.starts_with("themes:"))
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("  - key: "))
        .collect();
    let mut rng = SplitMix(0x05_1060);
    let mut actions: Vec<Action> = (1..=opts.actions)
        .map(|id| action(id, &themes, &mut rng))
        .collect();
    if let Some(path) = &opts.taskwarrior {
        std::fs::write(path, taskwarrior(&actions)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    std::fs::create_dir_all(&opts.dir)?;
    git(&opts.dir, &["init", "-q", "-b", "main"])?;
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(&opts.dir)
        .stdin(Stdio::piped())
        .spawn()
        .context("cannot run git fast-import")?;
    let mut stream = std::io::BufWriter::new(child.stdin.take().expect("piped stdin"));
    write_stream(&mut stream, &mut actions, &opts, &mut rng)?;
    drop(stream);
    if !child.wait()?.success() {
        bail!("git fast-import failed");
    }
    git(&opts.dir, &["reset", "-q", "--hard", "main"])?;
    Ok(())
}

fn options() -> Result<Options> {
    let mut args = std::env::args().skip(1);
    let mut opts = Options {
        dir: PathBuf::new(),
        actions: 10_000,
        commits: 10_000,
        taskwarrior: None,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--actions" => opts.actions = value()?.parse()?,
            "--commits" => opts.commits = value()?.parse()?,
            "--taskwarrior" => opts.taskwarrior = Some(value()?.into()),
            _ if arg.starts_with('-') => bail!("unknown option {arg}"),
            _ => opts.dir = arg.into(),
        }
    }
    if opts.dir.as_os_str().is_empty() {
        bail!("usage: gen DIR [--actions N] [--commits M] [--taskwarrior FILE]");
    }
    if opts.actions < 42 {
        bail!("--actions must be at least 42, so that action 42 exists");
    }
    Ok(opts)
}

/// A small, fixed pseudo-random sequence (SplitMix64), so the output never depends on a crate's choices.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| WORDS[self.below(WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn month(index: u32) -> LogDate {
    LogDate::Month {
        year: 2017 + (index / 12) as i32,
        month: index % 12 + 1,
    }
}

fn action(id: u32, themes: &[&str], rng: &mut SplitMix) -> Action {
    let raised = rng.below(12) as u32;
    let status = Status::ALL[rng.below(Status::ALL.len())];
    let updates = (0..1 + rng.below(6))
        .map(|k| Update {
            date: Some(month(raised + k as u32)),
            text: format!("Update {}: {}.", k + 1, rng.words(12)),
        })
        .collect();
    Action {
        id,
        title: format!("Action {id} on the {}", rng.words(8)),
        theme: themes[id as usize % themes.len()].to_string(),
        owner: Some(OWNERS[rng.below(OWNERS.len())].to_string()),
        raised: month(raised),
        deadline: Some(Deadline::Date(month(raised + 3 + rng.below(12) as u32))),
        status,
        signed_off: None,
        links: if id > 1 && rng.below(4) == 0 {
            vec![1 + rng.below(id as usize - 1) as u32]
        } else {
            vec![]
        },
        merged_into: vec![],
        duplicate_of: None,
        formerly: vec![],
        artefacts: vec![],
        source: None,
        updates,
    }
}

/// The status a commit moves an action to: one step along the lifecycle, and back to ongoing after
/// the end.
fn next_status(s: Status) -> Status {
    match s {
        Status::NotStarted => Status::Ongoing,
        Status::Ongoing => Status::ProposedComplete,
        Status::ProposedComplete => Status::Complete,
        Status::Complete | Status::Closed => Status::Ongoing,
    }
}

fn write_stream(
    out: &mut impl Write,
    actions: &mut [Action],
    opts: &Options,
    rng: &mut SplitMix,
) -> Result<()> {
    commit_header(out, START, "Start the log")?;
    inline(out, "themes.yaml", THEMES)?;
    for a in actions.iter() {
        inline(
            out,
            &format!("actions/{}", Action::file_name(a.id)),
            &emit::action(a, &[]),
        )?;
    }
    for n in 1..=opts.commits {
        let i = if n % ACTION_42_EVERY == 0 {
            41
        } else {
            rng.below(actions.len())
        };
        let time = START + 3600 * n as i64;
        let day = chrono::DateTime::from_timestamp(time, 0)
            .expect("a valid time")
            .date_naive();
        let a = &mut actions[i];
        let before = a.clone();
        a.status = next_status(a.status);
        a.updates.push(Update {
            date: Some(LogDate::from_day(day)),
            text: format!("Moved to {}: {}.", a.status, rng.words(10)),
        });
        let file = format!("actions/{}", Action::file_name(a.id));
        let diff = FileDiff {
            file: file.clone(),
            old: Version::Present(Rec::Action(before)),
            new: Version::Present(Rec::Action(a.clone())),
        };
        commit_header(out, time, &message(&[diff]))?;
        inline(out, &file, &emit::action(a, &[]))?;
    }
    Ok(())
}

fn commit_header(out: &mut impl Write, time: i64, msg: &str) -> Result<()> {
    writeln!(out, "commit refs/heads/main")?;
    writeln!(out, "author Ann Example <ann@example.org> {time} +0000")?;
    writeln!(out, "committer Ann Example <ann@example.org> {time} +0000")?;
    data(out, msg)
}

fn inline(out: &mut impl Write, path: &str, text: &str) -> Result<()> {
    writeln!(out, "M 100644 inline {path}")?;
    data(out, text)
}

fn data(out: &mut impl Write, text: &str) -> Result<()> {
    writeln!(out, "data {}", text.len())?;
    out.write_all(text.as_bytes())?;
    writeln!(out)?;
    Ok(())
}

/// The actions as Taskwarrior tasks: the theme as project, the updates as annotations.
fn taskwarrior(actions: &[Action]) -> Result<String> {
    let tasks: Vec<_> = actions
        .iter()
        .map(|a| {
            let done = matches!(a.status, Status::Complete | Status::Closed);
            let mut task = serde_json::json!({
                "uuid": format!("00000000-0000-4000-8000-{:012}", a.id),
                "description": a.title,
                "project": a.theme,
                "status": if done { "completed" } else { "pending" },
                "entry": "20190101T000000Z",
                "annotations": a.updates.iter().enumerate().map(|(k, u)| serde_json::json!({
                    "entry": format!("20190101T0000{k:02}Z"),
                    "description": u.text,
                })).collect::<Vec<_>>(),
            });
            if done {
                task["end"] = "20190601T000000Z".into();
            }
            task
        })
        .collect();
    Ok(serde_json::to_string(&tasks)?)
}

fn git(dir: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new("git").args(args).current_dir(dir).status()?;
    if !status.success() {
        bail!("git {} failed", args.join(" "));
    }
    Ok(())
}
