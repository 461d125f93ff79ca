//! Renumbering: which records claim the same action number, which one keeps it, where the others
//! move, which references are rewritten and which free-text mentions a person should check. The
//! plan itself is pure data; [`prepare`] gathers the facts it needs (the working tree's records and
//! merge conflicts, the base revision, commit times) and gives the files to write, which then go
//! the way of every write: the refusal rule, then all or nothing (see `write/mod.rs`).
//!
//! The keep rule, in order: the record on the base revision keeps its number; failing that, the one
//! that other records refer to; failing that, the one committed first; failing that, the one raised
//! earlier; and last, the one whose file name sorts first. A reference to a number inside one tree
//! means the record in the file named for that number (`links: [97]` means `actions/097.yaml`), since
//! that is the file every reader opens for 97.

use super::Rewrite;
use crate::model::{Action, Milestone};
use crate::store::conflict::{Conflict, Sides};
use crate::store::{self, emit, Log};
use anyhow::{bail, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Work out the renumbering of `log`, the working tree at `root` with its merge `conflicts` (as
/// `git::conflicts` finds them): every number two records claim inside the tree, every file where a
/// merge left two different actions under one number (ours keeps it, theirs moves), and with `onto`
/// every number this branch adds that that revision has meanwhile given to another record. Returns
/// the plan and the files it writes, each with the header comments of the file it comes from.
pub fn prepare(
    root: &Path,
    log: &Log,
    conflicts: &[(PathBuf, Conflict)],
    onto: Option<&str>,
) -> Result<(Plan, Vec<Rewrite>)> {
    let splits: Vec<_> = conflicts
        .iter()
        .filter_map(|(file, c)| match &c.sides {
            Sides::TwoActions(ours, theirs) => Some((file.as_path(), ours, theirs)),
            _ => None,
        })
        .collect();
    let tree = Tree {
        actions: log
            .actions
            .iter()
            .map(|a| (a.file.as_path(), &a.value))
            .chain(splits.iter().map(|(f, ours, _)| (*f, &ours.value)))
            .collect(),
        milestones: log
            .milestones
            .iter()
            .map(|m| (m.file.as_path(), &m.value))
            .collect(),
        split: splits.iter().map(|(f, _, t)| (*f, &t.value)).collect(),
    };
    let claim = |file: &Path, a: &Action, on_base: bool| Claim {
        file: file.to_path_buf(),
        id: a.id,
        title: a.title.clone(),
        raised: a.raised,
        on_base,
        referred: !on_base && is_referred(&tree, file, a.id),
        committed: None,
    };
    let mut claims: Vec<Claim> = tree
        .actions
        .iter()
        .map(|(file, a)| claim(file, a, false))
        .collect();
    let mut taken: BTreeSet<u32> = tree
        .actions
        .iter()
        .chain(&tree.split)
        .flat_map(|(_, a)| a.formerly.iter().copied().chain([a.id]))
        .collect();
    taken.insert(crate::git::highest_removed_number(root)?);
    let repo = crate::git::Repo::open(root);
    if let Some(spec) = onto {
        let repo = repo.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let (rev, base) = repo.base(spec)?;
        let rev_log = store::load_stored(root, &repo.files_at(rev)?);
        let base_log = store::load_stored(root, &repo.files_at(base)?);
        for c in crate::validate::branch_collisions(log, &base_log, &rev_log) {
            let Some(id) = c.action else { continue };
            if let Some(theirs) = rev_log.actions.iter().find(|a| a.value.id == id) {
                claims.push(claim(&theirs.file, &theirs.value, true));
            }
        }
        taken.extend(
            rev_log
                .actions
                .iter()
                .flat_map(|a| a.value.formerly.iter().copied().chain([a.value.id])),
        );
    }
    let contested_ids: BTreeSet<u32> = losers(&claims).into_keys().collect();
    if let Ok(repo) = &repo {
        let files: Vec<PathBuf> = claims
            .iter()
            .filter(|c| !c.on_base && contested_ids.contains(&c.id))
            .map(|c| c.file.clone())
            .collect();
        let times = repo.first_committed(&files)?;
        for c in claims.iter_mut().filter(|c| !c.on_base) {
            c.committed = times.get(&c.file).copied();
        }
    }
    let plan = plan(&tree, &losers(&claims), &taken)?;
    let header = |file: &Path| -> Vec<String> {
        let loaded = log
            .actions
            .iter()
            .find(|a| a.file == file)
            .map(|a| &a.header);
        let loaded = loaded.or_else(|| {
            log.milestones
                .iter()
                .find(|m| m.file == file)
                .map(|m| &m.header)
        });
        let ours = || {
            splits
                .iter()
                .find(|(f, _, _)| *f == file)
                .map(|(_, o, _)| &o.header)
        };
        loaded.or_else(ours).cloned().unwrap_or_default()
    };
    let actions = plan.actions.iter().map(|(from, to, a)| Rewrite {
        from: from.clone(),
        to: to.clone(),
        text: emit::action(a, &header(from)),
    });
    let milestones = plan.milestones.iter().map(|(file, m)| Rewrite {
        from: file.clone(),
        to: file.clone(),
        text: emit::milestone(m, &header(file)),
    });
    let files = actions.chain(milestones).collect();
    Ok((plan, files))
}

/// One record that claims an action number.
#[derive(Clone, Debug)]
pub struct Claim {
    /// Its file, relative to the log root.
    pub file: PathBuf,
    /// The number it claims.
    pub id: u32,
    /// Its title, for messages.
    pub title: String,
    /// When it was raised.
    pub raised: crate::model::LogDate,
    /// Whether it is the base revision's record (it is then not in the working tree).
    pub on_base: bool,
    /// Whether other records refer to it.
    pub referred: bool,
    /// When it was first committed (seconds since the epoch), if it was.
    pub committed: Option<i64>,
}

impl Claim {
    /// The order of the keep rule: the smallest claim keeps the number.
    fn keep_key(&self) -> impl Ord + '_ {
        (
            !self.on_base,
            !self.referred,
            self.committed.is_none(),
            self.committed,
            self.raised,
            &self.file,
        )
    }
}

/// One record that moves to a new number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub old: u32,
    pub new: u32,
    /// Its file now.
    pub from: PathBuf,
    /// Its file after the move.
    pub to: PathBuf,
    pub title: String,
    /// The file of the record that keeps the number.
    pub kept_by: PathBuf,
    /// Whether that record is the base revision's.
    pub kept_on_base: bool,
    /// Whether the record is theirs of a merge conflict in `from`, where ours keeps the number.
    pub conflict: bool,
}

/// A free-text mention of a moved number, for a person to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub file: PathBuf,
    pub number: u32,
    /// The words around the mention.
    pub excerpt: String,
}

/// What `oslog renumber` will do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub moves: Vec<Move>,
    /// The actions after the move, with the file each is written to (renamed ones under their new
    /// name); only records that change.
    pub actions: Vec<(PathBuf, PathBuf, Action)>,
    /// The milestones whose `actions` change.
    pub milestones: Vec<(PathBuf, Milestone)>,
    pub mentions: Vec<Mention>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }
}

/// The working tree as the planner sees it.
pub struct Tree<'a> {
    pub actions: Vec<(&'a Path, &'a Action)>,
    pub milestones: Vec<(&'a Path, &'a Milestone)>,
    /// Files holding a merge conflict between two different actions under one number: ours is among
    /// `actions` under the same file and keeps the number; theirs, here, moves to a new one.
    pub split: Vec<(&'a Path, &'a Action)>,
}

/// Which claim of each contested number keeps it. `claims` holds every claimant, the base
/// revision's included; the result maps each contested number to the claims that move, in file order.
pub fn losers(claims: &[Claim]) -> BTreeMap<u32, (Claim, Vec<Claim>)> {
    let mut by_id: BTreeMap<u32, Vec<&Claim>> = BTreeMap::new();
    for c in claims {
        by_id.entry(c.id).or_default().push(c);
    }
    by_id
        .into_iter()
        .filter(|(_, cs)| cs.len() > 1)
        .map(|(id, mut cs)| {
            cs.sort_by(|a, b| a.keep_key().cmp(&b.keep_key()));
            let keeper = cs[0].clone();
            let mut moving: Vec<Claim> = cs[1..].iter().map(|c| (*c).clone()).collect();
            moving.sort_by(|a, b| a.file.cmp(&b.file));
            (id, (keeper, moving))
        })
        .collect()
}

/// Whether a record of `tree` refers to the record in `file` under `id`: a reference to a number
/// means the record in the file named for it.
pub fn is_referred(tree: &Tree, file: &Path, id: u32) -> bool {
    if file.file_name().and_then(|n| n.to_str()) != Some(&Action::file_name(id)) {
        return false;
    }
    let by_action = tree
        .actions
        .iter()
        .filter(|(f, _)| *f != file)
        .any(|(_, a)| a.references().any(|(_, n)| n == id));
    by_action || tree.milestones.iter().any(|(_, m)| m.actions.contains(&id))
}

/// Plan the moves. `contested` is the result of [`losers`]; `taken` every number that must not be
/// given out (ids on the base revision and in the tree, and every `formerly`). A reference in the tree
/// to a moved number is rewritten when it means the moved record, that is when the moved record is
/// in the file named for its number (a branch's new `actions/139.yaml`); otherwise it means the
/// record that keeps the number and stays. When a move would need a number above the highest an
/// action may have, the renumbering is refused, never wrapped round to a number in use.
pub fn plan(
    tree: &Tree,
    contested: &BTreeMap<u32, (Claim, Vec<Claim>)>,
    taken: &BTreeSet<u32>,
) -> Result<Plan> {
    let mut taken = taken.clone();
    let stay: BTreeSet<&Path> = tree
        .actions
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| {
            !contested
                .values()
                .flat_map(|(_, m)| m)
                .any(|c| c.file == *f)
        })
        .collect();
    for f in &stay {
        if let Some(n) = f
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(crate::store::action_id_from_name)
        {
            taken.insert(n);
        }
    }
    // Counted in u64: a file git history deleted may claim u32::MAX, and the number after it must
    // be refused, not wrapped round to 0.
    let highest = taken.iter().next_back().copied().unwrap_or(0);
    let mut next = u64::from(highest) + 1;
    let mut give = |old: u32, file: &Path| -> Result<u32> {
        let new = u32::try_from(next)
            .ok()
            .filter(|n| *n <= crate::model::MAX_ID);
        let Some(new) = new else {
            bail!(
                "no free number for action {old} ({}): the next would be {next}, above the highest an action may have ({}); a file in actions/, a `formerly` or a file git history deleted claims {highest}; nothing was changed",
                file.display(),
                crate::model::MAX_ID,
            );
        };
        next += 1;
        Ok(new)
    };
    let mut moves = Vec::new();
    for (keeper, moving) in contested.values() {
        for c in moving.iter().filter(|c| !c.on_base) {
            let new = give(c.id, &c.file)?;
            let dir = c.file.parent().unwrap_or(Path::new(""));
            moves.push(Move {
                old: c.id,
                new,
                from: c.file.clone(),
                to: dir.join(Action::file_name(new)),
                title: c.title.clone(),
                kept_by: keeper.file.clone(),
                kept_on_base: keeper.on_base,
                conflict: false,
            });
        }
    }
    // A reference to a moved number is rewritten when it means the moved record. In a conflict,
    // every reference means ours, which keeps the number.
    let rewrite: BTreeMap<u32, u32> = moves
        .iter()
        .filter(|m| m.from.file_name().and_then(|n| n.to_str()) == Some(&Action::file_name(m.old)))
        .map(|m| (m.old, m.new))
        .collect();
    for (file, theirs) in &tree.split {
        let new = give(theirs.id, file)?;
        let dir = file.parent().unwrap_or(Path::new(""));
        moves.push(Move {
            old: theirs.id,
            new,
            from: file.to_path_buf(),
            to: dir.join(Action::file_name(new)),
            title: theirs.title.clone(),
            kept_by: file.to_path_buf(),
            kept_on_base: false,
            conflict: true,
        });
    }
    let map = |n: &u32| *rewrite.get(n).unwrap_or(n);
    let conflicted: BTreeSet<&Path> = tree.split.iter().map(|(f, _)| *f).collect();
    let records = tree
        .actions
        .iter()
        .map(|(f, a)| (*f, *a, false))
        .chain(tree.split.iter().map(|(f, a)| (*f, *a, true)));
    let mut actions = Vec::new();
    for (file, a, theirs) in records {
        let mut new = a.clone();
        let mut to = file.to_path_buf();
        if let Some(m) = moves
            .iter()
            .find(|m| m.conflict == theirs && m.from == file)
        {
            new.id = m.new;
            if !new.formerly.contains(&m.old) {
                new.formerly.push(m.old);
            }
            to = m.to.clone();
        }
        new.links = new.links.iter().map(map).collect();
        new.merged_into = new.merged_into.iter().map(map).collect();
        new.duplicate_of = new.duplicate_of.as_ref().map(map);
        // A conflicted file is written again, without its markers, even where ours is unchanged.
        if new != *a || to != file || conflicted.contains(file) {
            actions.push((file.to_path_buf(), to, new));
        }
    }
    let mut milestones = Vec::new();
    for (file, m) in &tree.milestones {
        let mut new = (*m).clone();
        new.actions = new.actions.iter().map(map).collect();
        if new != **m {
            milestones.push((file.to_path_buf(), new));
        }
    }
    let old: BTreeSet<u32> = moves.iter().map(|m| m.old).collect();
    // Free-text mentions of a moved number, in every text of every record, listed for a person.
    let action_texts = tree.actions.iter().chain(&tree.split).map(|(file, a)| {
        let texts =
            std::iter::once(a.title.as_str()).chain(a.updates.iter().map(|u| u.text.as_str()));
        (*file, texts.collect::<Vec<_>>())
    });
    let milestone_texts = tree.milestones.iter().map(|(file, m)| {
        let texts = [
            Some(m.title.as_str()),
            m.description.as_deref(),
            m.objective.as_deref(),
            m.by.as_deref(),
        ];
        (*file, texts.into_iter().flatten().collect())
    });
    let mut mentions = Vec::new();
    for (file, texts) in action_texts.chain(milestone_texts) {
        for text in texts {
            for (number, excerpt) in mentioned(text).into_iter().filter(|(n, _)| old.contains(n)) {
                mentions.push(Mention {
                    file: file.to_path_buf(),
                    number,
                    excerpt,
                });
            }
        }
    }
    Ok(Plan {
        moves,
        actions,
        milestones,
        mentions,
    })
}

/// The action numbers a text mentions: "action 97", "Actions 10,11,12, 15 and 116", "action no. 4",
/// with the words around each.
pub fn mentioned(text: &str) -> Vec<(u32, String)> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("action") {
        let start = from + at;
        let mut i = start + "action".len();
        let bytes = lower.as_bytes();
        if bytes.get(i) == Some(&b's') {
            i += 1;
        }
        // A run of numbers, separated by spaces, commas, "and", "no." or "#".
        loop {
            let rest = &lower[i..];
            let skip = rest.len()
                - rest
                    .trim_start_matches([' ', ',', '#', '\n'])
                    .trim_start_matches("and ")
                    .trim_start_matches("no. ")
                    .trim_start_matches("no ")
                    .len();
            let digits = lower[i + skip..]
                .bytes()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits == 0 {
                break;
            }
            let (a, b) = (i + skip, i + skip + digits);
            if let Ok(n) = lower[a..b].parse() {
                out.push((n, excerpt(text, start, b)));
            }
            i = b;
        }
        from = i.max(start + 1);
    }
    out
}

/// The text from `start` to `end` with a few words of context, on one line.
fn excerpt(text: &str, start: usize, end: usize) -> String {
    let before = text[..start]
        .char_indices()
        .rev()
        .nth(20)
        .map_or(0, |(i, _)| i);
    let after = text[end..]
        .char_indices()
        .nth(20)
        .map_or(text.len(), |(i, _)| end + i);
    let mut s = text[before..after]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if before > 0 {
        s.insert(0, '…');
    }
    if after < text.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LogDate, MilestoneKind, MilestoneStatus, Status};

    fn action(id: u32, title: &str, raised: &str) -> Action {
        Action {
            title: title.into(),
            theme: "t".into(),
            raised: LogDate::parse(raised).unwrap(),
            ..crate::model::sample(id, Status::Ongoing)
        }
    }

    fn claim(file: &str, a: &Action) -> Claim {
        Claim {
            file: file.into(),
            id: a.id,
            title: a.title.clone(),
            raised: a.raised,
            on_base: false,
            referred: false,
            committed: None,
        }
    }

    fn keeper(claims: &[Claim]) -> PathBuf {
        let l = losers(claims);
        assert_eq!(l.len(), 1);
        l.values().next().unwrap().0.file.clone()
    }

    #[test]
    fn the_keep_rule_applies_in_order() {
        let a = action(5, "A", "2019-03");
        let b = action(5, "B", "2019-01");
        let (mut ca, mut cb) = (claim("actions/005.yaml", &a), claim("actions/009.yaml", &b));
        assert_eq!(keeper(&[ca.clone(), cb.clone()]), cb.file, "raised earlier");
        ca.committed = Some(100);
        cb.committed = Some(200);
        assert_eq!(
            keeper(&[ca.clone(), cb.clone()]),
            ca.file,
            "committed first"
        );
        cb.committed = None;
        assert_eq!(
            keeper(&[cb.clone(), ca.clone()]),
            ca.file,
            "uncommitted last"
        );
        cb.referred = true;
        assert_eq!(keeper(&[ca.clone(), cb.clone()]), cb.file, "referred to");
        ca.on_base = true;
        assert_eq!(keeper(&[ca.clone(), cb.clone()]), ca.file, "on the base");
        let c = action(5, "C", "2019-03");
        let (x, y) = (claim("actions/a.yaml", &c), claim("actions/b.yaml", &c));
        assert_eq!(keeper(&[y, x.clone()]), x.file, "file name order");
    }

    #[test]
    fn moves_go_above_everything_taken_and_references_follow_the_file_named_for_the_number() {
        let mut keep = action(97, "NRMP", "2019-02");
        keep.updates.push(crate::model::Update {
            date: None,
            text: "Links to action 97 and 12".into(),
        });
        let mover = action(97, "citizens", "2019-02");
        let mut refers = action(99, "refers", "2019-02");
        refers.links = vec![97];
        let ms = Milestone {
            id: "2019-09-report".into(),
            date: LogDate::parse("2019-09").unwrap(),
            kind: MilestoneKind::Report,
            title: "Report".into(),
            description: Some("as given, with action 97".into()),
            by: None,
            objective: Some("see actions 5, 97".into()),
            status: MilestoneStatus::Planned,
            actions: vec![97],
            source: None,
        };
        let tree = Tree {
            actions: vec![
                (Path::new("actions/097.yaml"), &keep),
                (Path::new("actions/099.yaml"), &refers),
                (Path::new("actions/139.yaml"), &mover),
            ],
            milestones: vec![(Path::new("timeline/2019-09-report.yaml"), &ms)],
            split: vec![],
        };
        let mut claims = vec![
            claim("actions/097.yaml", &keep),
            claim("actions/139.yaml", &mover),
        ];
        for c in &mut claims {
            c.referred = is_referred(&tree, &c.file, c.id);
        }
        assert!(claims[0].referred && !claims[1].referred);
        let taken: BTreeSet<u32> = [97, 99, 138].into();
        let p = plan(&tree, &losers(&claims), &taken).unwrap();
        assert_eq!(
            p.moves,
            vec![Move {
                old: 97,
                new: 139,
                from: "actions/139.yaml".into(),
                to: "actions/139.yaml".into(),
                title: "citizens".into(),
                kept_by: "actions/097.yaml".into(),
                kept_on_base: false,
                conflict: false,
            }],
            "139.yaml's own name is not taken: it is the mover's"
        );
        assert_eq!(
            p.actions.len(),
            1,
            "only the mover changes: {:?}",
            p.actions
        );
        assert_eq!(p.actions[0].2.id, 139);
        assert_eq!(p.actions[0].2.formerly, vec![97]);
        assert!(p.milestones.is_empty());
        let mentions: Vec<(&str, u32)> = p
            .mentions
            .iter()
            .map(|m| (m.file.to_str().unwrap(), m.number))
            .collect();
        assert_eq!(
            mentions,
            vec![
                ("actions/097.yaml", 97),
                ("timeline/2019-09-report.yaml", 97),
                ("timeline/2019-09-report.yaml", 97)
            ],
            "in its description and in its objective"
        );

        // Had 097.yaml lost instead, the references would have followed it; 139.yaml stays, so its
        // name is taken.
        claims[0].referred = false;
        claims[0].committed = Some(2);
        claims[1].committed = Some(1);
        let p = plan(&tree, &losers(&claims), &taken).unwrap();
        assert_eq!(
            (p.moves[0].from.to_str(), p.moves[0].new),
            (Some("actions/097.yaml"), 140)
        );
        assert_eq!(p.actions.len(), 2, "the mover and 99, which follows it");
        let refs = p.actions.iter().find(|a| a.2.id == 99).unwrap();
        assert_eq!(refs.2.links, vec![140]);
        assert_eq!(p.milestones[0].1.actions, vec![140]);
    }

    #[test]
    fn a_record_on_the_base_stays_and_the_branch_record_moves_to_a_new_file() {
        let ours = action(139, "ours", "2019-07");
        let theirs = action(139, "theirs", "2019-08");
        let tree = Tree {
            actions: vec![(Path::new("actions/139.yaml"), &ours)],
            milestones: vec![],
            split: vec![],
        };
        let mut base = claim("actions/139.yaml", &theirs);
        base.on_base = true;
        let claims = vec![claim("actions/139.yaml", &ours), base];
        let taken: BTreeSet<u32> = [139, 140, 150].into();
        let p = plan(&tree, &losers(&claims), &taken).unwrap();
        assert_eq!(p.moves.len(), 1);
        assert_eq!((p.moves[0].old, p.moves[0].new), (139, 151));
        assert_eq!(p.moves[0].to, PathBuf::from("actions/151.yaml"));
        assert_eq!(p.actions[0].1, PathBuf::from("actions/151.yaml"));
    }

    #[test]
    fn mentions_are_found_in_the_forms_the_log_uses() {
        let n = |t: &str| mentioned(t).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(n("Links to action 21 and 24"), vec![21, 24]);
        assert_eq!(
            n("Action 10,11,12,14, 15 will be"),
            vec![10, 11, 12, 14, 15]
        );
        assert_eq!(n("see update under Action 31."), vec![31]);
        assert_eq!(n("covered in action no. 97"), vec![97]);
        assert_eq!(n("no action here, 97 is a year"), Vec::<u32>::new());
        assert_eq!(
            mentioned("Links to action 21")[0].1,
            "Links to action 21",
            "short texts are quoted whole"
        );
    }
}
