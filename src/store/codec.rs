//! A compact binary form of decoded records, for the log's index (`index.rs`): reading a record
//! back from it costs a few allocations instead of a YAML parse. What a question selects records by
//! (an action's number, theme and references; the actions a milestone cites) has a small form of its
//! own, [`Summary`], so that a question about one action decodes only the records it needs. Every
//! read is checked: bytes that do not decode give `None`, and the index does not use them.

use crate::model::{
    Action, Deadline, LogDate, Milestone, MilestoneKind, MilestoneStatus, Status, Update,
};

/// Appends values to a byte buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    pub fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64);
    }

    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.bytes.push(0),
            Some(s) => {
                self.bytes.push(1);
                self.str(s);
            }
        }
    }

    fn numbers(&mut self, ns: &[u32]) {
        self.u64(ns.len() as u64);
        for n in ns {
            self.u64(u64::from(*n));
        }
    }

    fn opt_number(&mut self, n: Option<u32>) {
        // 0 is no number: record numbers start at 1, and the decoder refuses 0.
        self.u64(n.map_or(0, |n| u64::from(n) + 1));
    }

    fn date(&mut self, d: &LogDate) {
        self.str(&d.to_string());
    }
}

/// Reads values back from a byte slice; every method gives `None` on bytes that do not decode.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    pub fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    pub fn u64(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    pub fn i64(&mut self) -> Option<i64> {
        let v = self.u64()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.u64()?).ok()
    }

    pub fn bytes(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len)?;
        let b = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(b)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.u64()?).ok()?;
        std::str::from_utf8(self.bytes(len)?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    fn opt_str(&mut self) -> Option<Option<&'a str>> {
        match self.bytes(1)?[0] {
            0 => Some(None),
            1 => Some(Some(self.str()?)),
            _ => None,
        }
    }

    fn opt_string(&mut self) -> Option<Option<String>> {
        Some(self.opt_str()?.map(str::to_string))
    }

    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        // Every item takes a byte at least: a count past the end is damage, not a reason to
        // reserve memory.
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    fn numbers(&mut self) -> Option<Vec<u32>> {
        let n = self.count()?;
        (0..n).map(|_| self.u32()).collect()
    }

    fn opt_number(&mut self) -> Option<Option<u32>> {
        match self.u32()? {
            0 => Some(None),
            n => Some(Some(n - 1)),
        }
    }

    fn date(&mut self) -> Option<LogDate> {
        LogDate::parse(self.str()?).ok()
    }

    fn opt_date(&mut self) -> Option<Option<LogDate>> {
        Some(match self.opt_str()? {
            None => None,
            Some(s) => Some(LogDate::parse(s).ok()?),
        })
    }
}

/// What a question selects records by, read from an encoded record without decoding the rest.
pub enum Summary<'a> {
    Action {
        id: u32,
        theme: &'a str,
        /// `links`, `merged_into` and `duplicate_of`.
        references: Vec<u32>,
    },
    Milestone {
        actions: Vec<u32>,
    },
}

const ACTION: u8 = 1;
const MILESTONE: u8 = 2;

/// An action and the comment lines above its first key, to be read back by [`decode`].
pub fn put_action(w: &mut Writer, a: &Action, header: &[String]) {
    // Destructured, so that a field added to `Action` does not compile until it is stored here.
    let Action {
        id,
        title,
        theme,
        owner,
        raised,
        deadline,
        status,
        signed_off,
        links,
        merged_into,
        duplicate_of,
        formerly,
        artefacts,
        source,
        updates,
    } = a;
    w.bytes.push(ACTION);
    w.u64(u64::from(*id));
    w.str(theme);
    w.numbers(links);
    w.numbers(merged_into);
    w.opt_number(*duplicate_of);
    put_header(w, header);
    w.str(title);
    w.opt_str(owner.as_deref());
    w.date(raised);
    w.opt_str(deadline.map(|d| d.to_string()).as_deref());
    w.str(status.as_str());
    w.opt_str(signed_off.map(|d| d.to_string()).as_deref());
    w.numbers(formerly);
    w.numbers(artefacts);
    w.opt_str(source.as_deref());
    w.u64(updates.len() as u64);
    for Update { date, text } in updates {
        w.opt_str(date.map(|d| d.to_string()).as_deref());
        w.str(text);
    }
}

/// A milestone and the comment lines above its first key, to be read back by [`decode`].
pub fn put_milestone(w: &mut Writer, m: &Milestone, header: &[String]) {
    let Milestone {
        id,
        date,
        kind,
        title,
        description,
        by,
        objective,
        status,
        actions,
        source,
    } = m;
    w.bytes.push(MILESTONE);
    w.str(id);
    w.numbers(actions);
    put_header(w, header);
    w.date(date);
    w.str(kind.as_str());
    w.str(title);
    w.opt_str(description.as_deref());
    w.opt_str(by.as_deref());
    w.opt_str(objective.as_deref());
    w.str(status.as_str());
    w.opt_str(source.as_deref());
}

fn put_header(w: &mut Writer, header: &[String]) {
    w.u64(header.len() as u64);
    for line in header {
        w.str(line);
    }
}

/// A record: an action or a milestone, with the comment lines above its first key.
pub enum Decoded {
    Action(Action, Vec<String>),
    Milestone(Milestone, Vec<String>),
}

/// What an action is selected by, to be read back by [`summary`].
pub fn action_summary(w: &mut Writer, a: &Action) {
    w.bytes.push(ACTION);
    w.u64(u64::from(a.id));
    w.str(&a.theme);
    let references: Vec<u32> = a.references().map(|(_, n)| n).collect();
    w.numbers(&references);
}

/// What a milestone is selected by, to be read back by [`summary`].
pub fn milestone_summary(w: &mut Writer, m: &Milestone) {
    w.bytes.push(MILESTONE);
    w.numbers(&m.actions);
}

/// What `bytes`, written by [`action_summary`] or [`milestone_summary`], select by; `None` unless they decode whole.
pub fn summary(bytes: &[u8]) -> Option<Summary<'_>> {
    let mut r = Reader::new(bytes);
    let summary = match r.bytes(1)?[0] {
        ACTION => Summary::Action {
            id: r.u32()?,
            theme: r.str()?,
            references: r.numbers()?,
        },
        MILESTONE => Summary::Milestone {
            actions: r.numbers()?,
        },
        _ => return None,
    };
    r.done().then_some(summary)
}

/// The record `bytes`, written by [`put_action`] or [`put_milestone`], hold, if they decode whole and nothing follows.
pub fn decode(bytes: &[u8]) -> Option<Decoded> {
    let mut r = Reader::new(bytes);
    let decoded = match r.bytes(1)?[0] {
        ACTION => {
            let id = r.u32()?;
            let theme = r.string()?;
            let links = r.numbers()?;
            let merged_into = r.numbers()?;
            let duplicate_of = r.opt_number()?;
            let header = header(&mut r)?;
            let title = r.string()?;
            let owner = r.opt_string()?;
            let raised = r.date()?;
            let deadline = match r.opt_str()? {
                None => None,
                Some(s) => Some(Deadline::parse(s).ok()?),
            };
            let status = Status::parse(r.str()?)?;
            let signed_off = r.opt_date()?;
            let formerly = r.numbers()?;
            let artefacts = r.numbers()?;
            let source = r.opt_string()?;
            let n = r.count()?;
            let mut updates = Vec::with_capacity(n);
            for _ in 0..n {
                let date = r.opt_date()?;
                let text = r.string()?;
                updates.push(Update { date, text });
            }
            let a = Action {
                id,
                title,
                theme,
                owner,
                raised,
                deadline,
                status,
                signed_off,
                links,
                merged_into,
                duplicate_of,
                formerly,
                artefacts,
                source,
                updates,
            };
            Decoded::Action(a, header)
        }
        MILESTONE => {
            let id = r.string()?;
            let actions = r.numbers()?;
            let header = header(&mut r)?;
            let m = Milestone {
                id,
                actions,
                date: r.date()?,
                kind: MilestoneKind::parse(r.str()?)?,
                title: r.string()?,
                description: r.opt_string()?,
                by: r.opt_string()?,
                objective: r.opt_string()?,
                status: MilestoneStatus::parse(r.str()?)?,
                source: r.opt_string()?,
            };
            Decoded::Milestone(m, header)
        }
        _ => return None,
    };
    r.done().then_some(decoded)
}

fn header(r: &mut Reader) -> Option<Vec<String>> {
    let n = r.count()?;
    (0..n).map(|_| r.string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{load, Record};
    use std::path::Path;

    #[test]
    fn every_record_of_the_shipped_log_reads_back_equal() {
        let log = load(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(log.actions.len() > 100 && log.milestones.len() > 30);
        for a in &log.actions {
            let mut w = Writer::default();
            put_action(&mut w, &a.value, &a.header);
            match decode(&w.bytes) {
                Some(Decoded::Action(back, header)) => {
                    assert_eq!(back, a.value);
                    assert_eq!(header, a.header);
                }
                _ => panic!("action {} does not read back", a.value.id),
            }
        }
        for m in &log.milestones {
            let mut w = Writer::default();
            put_milestone(&mut w, &m.value, &m.header);
            assert!(
                matches!(decode(&w.bytes), Some(Decoded::Milestone(back, _)) if back == m.value)
            );
        }
    }

    #[test]
    fn every_field_reads_back_and_the_summary_selects() {
        let text = "# kept\nid: 7\ntitle: T\ntheme: t\nowner: O\nraised: 2019-01-05\ndeadline: monthly\n\
                    status: complete\nsigned_off: 2019-03\nlinks: [1, 2]\nmerged_into: [3]\n\
                    duplicate_of: 4\nformerly: [5]\nartefacts: [6]\nsource: s\nupdates:\n  - date: 2019-02\n    text: a\n  - text: b\n";
        let src = crate::store::Source {
            text: text.into(),
            had_bom: false,
            had_crlf: false,
        };
        let Some(Record::Action(a)) = crate::store::decode(
            crate::store::RecordKind::Action,
            Path::new("actions/007.yaml"),
            &src,
        )
        .record
        else {
            panic!("the test action decodes")
        };
        let mut w = Writer::default();
        put_action(&mut w, &a.value, &a.header);
        assert!(
            matches!(decode(&w.bytes), Some(Decoded::Action(ref b, ref h)) if *b == a.value && h == &a.header)
        );
        let mut ws = Writer::default();
        action_summary(&mut ws, &a.value);
        match summary(&ws.bytes) {
            Some(Summary::Action {
                id: 7,
                theme: "t",
                references,
            }) => assert_eq!(references, vec![1, 2, 3, 4]),
            _ => panic!("summary"),
        }
        // Damage anywhere is refused, never read as another record.
        for cut in 0..w.bytes.len() {
            assert!(decode(&w.bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = w.bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
    }
}
