//! The site's Atom feed (RFC 4287): one entry per commit that changed the log, newest first, so that
//! members can follow the log in a feed reader. Written with `atom_syndication`, which escapes every
//! value and writes well-formed XML, rather than by hand.
//!
//! Ids are derived from stable facts only, so a reader never sees an entry twice: the feed's id is
//! `<base-url>feed.xml`, or `urn:oslog:<identity>:feed` without a base URL, and an entry's is
//! `<base-url>feed.xml#<commit id>` or `urn:oslog:<identity>:commit:<commit id>`, where the identity
//! is the log's own (see `report::site`). Times are the commits' days at midnight UTC: oslog reads
//! commit days, and the same commit always gives the same entry.

use super::trail::{entry_lines, record_name};
use crate::trail::CommitChanges;
use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::NaiveDate;

/// Where the site lives and what it is called, for the feed's and the calendar's ids and links.
pub struct Place<'a> {
    /// The site's address with a trailing slash, when known (`--base-url`).
    pub base: Option<&'a str>,
    /// The log's identity, used in ids when there is no base URL.
    pub identity: &'a str,
    pub title: &'a str,
    /// Whether this is the public version (commit authors are then not named).
    pub public: bool,
}

impl Place<'_> {
    /// A link to `path` in the site: absolute with a base URL, otherwise relative to the site's
    /// folder (where the feed itself is).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base.unwrap_or(""))
    }
}

/// How many records an entry's title names before it counts the rest.
const NAMED: usize = 6;

/// A day at midnight UTC.
fn midnight(d: NaiveDate) -> FixedDateTime {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .fixed_offset()
}

/// Write the feed of `commits` (newest first; uncommitted changes and commits left with no entry
/// are skipped).
pub fn write(
    w: &mut dyn std::io::Write,
    place: &Place,
    commits: &[CommitChanges],
) -> anyhow::Result<()> {
    let id = |tail: &str| match place.base {
        Some(b) => format!(
            "{b}feed.xml{}",
            if tail.is_empty() {
                String::new()
            } else {
                format!("#{tail}")
            }
        ),
        None if tail.is_empty() => format!("urn:oslog:{}:feed", place.identity),
        None => format!("urn:oslog:{}:commit:{tail}", place.identity),
    };
    let entries: Vec<Entry> = commits
        .iter()
        .filter(|c| !c.entries.is_empty())
        .filter_map(|c| Some((c.commit.as_ref()?, c)))
        .map(|(info, c)| {
            let names: Vec<String> = c.entries.iter().map(record_name).collect();
            let title = match c.entries.as_slice() {
                [e] => format!("{}: {}", name(e), first_line(e)),
                _ if names.len() > NAMED => format!(
                    "{} records changed: {} and {} more",
                    names.len(),
                    names[..NAMED].join(", "),
                    names.len() - NAMED
                ),
                _ => format!("{} records changed: {}", names.len(), names.join(", ")),
            };
            let body = c
                .entries
                .iter()
                .map(|e| {
                    let heading = match &e.title {
                        Some(t) => format!("{} ({t})", name(e)),
                        None => name(e),
                    };
                    let lines: Vec<String> = entry_lines(e)
                        .into_iter()
                        .map(|l| format!("  {l}"))
                        .collect();
                    format!("{heading}\n{}", lines.join("\n"))
                })
                .collect::<Vec<_>>()
                .join("\n\n");
            let target = match c.entries.as_slice() {
                [e] => match (e.action, &e.milestone) {
                    (Some(n), _) => place.link(&format!("actions/{n}.html")),
                    (None, Some(m)) => place.link(&format!("timeline.html#{m}")),
                    _ => place.link("index.html"),
                },
                _ => place.link("index.html"),
            };
            let mut entry = Entry::default();
            entry.set_id(id(&info.id));
            entry.set_title(Text::plain(title));
            entry.set_updated(midnight(info.date));
            let mut author = Person::default();
            author.set_name(if place.public {
                place.title.to_string()
            } else {
                info.author.clone()
            });
            entry.set_authors(vec![author]);
            let mut link = Link::default();
            link.set_href(target);
            link.set_mime_type(Some("text/html".to_string()));
            entry.set_links(vec![link]);
            let mut content = Content::default();
            content.set_content_type(Some("text".to_string()));
            content.set_value(Some(body));
            entry.set_content(Some(content));
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id(id(""));
    feed.set_title(Text::plain(format!("{}: changes", place.title)));
    feed.set_lang(Some("en".to_string()));
    let updated = commits
        .iter()
        .filter_map(|c| c.commit.as_ref().map(|i| i.date))
        .max()
        .unwrap_or_default();
    feed.set_updated(midnight(updated));
    let mut author = Person::default();
    author.set_name(place.title.to_string());
    feed.set_authors(vec![author]);
    let mut own = Link::default();
    own.set_href(place.link("feed.xml"));
    own.set_rel("self");
    own.set_mime_type(Some("application/atom+xml".to_string()));
    let mut home = Link::default();
    home.set_href(place.link("index.html"));
    home.set_mime_type(Some("text/html".to_string()));
    feed.set_links(vec![own, home]);
    feed.set_entries(entries);
    feed.write_to(w)?;
    Ok(())
}

/// The record's name in words: "Action 42", or the milestone's id.
fn name(e: &crate::trail::Entry) -> String {
    match e.action {
        Some(n) => format!("Action {n}"),
        None => record_name(e),
    }
}

/// The first line that describes an entry, cut at 120 characters for a title.
fn first_line(e: &crate::trail::Entry) -> String {
    let line = entry_lines(e).into_iter().next().unwrap_or_default();
    match line.char_indices().nth(120) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}
