//! Property tests of the canonical layout: for any valid record, writing it, reading it back and
//! writing it again gives the same data and the same text, and the result is valid.

use oslog::model::text;
use oslog::model::{
    Action, Deadline, LogDate, Member, Milestone, MilestoneKind, MilestoneStatus, RecordSource,
    Status, Theme, Themes, Update,
};
use oslog::store::{decode_source, emit, source_from_bytes, Record, RecordKind};
use proptest::prelude::*;
use std::path::Path;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Realistic prose with the characters the seed uses.
        "[A-Za-z0-9 .,;:'’‘“”–()/&…#-]{1,80}",
        // Anything at all, including quotes, indicators and line breaks; of the control characters,
        // only line breaks and tabs (a log file refuses the others, however they are written), and
        // no bidirectional controls (refused too).
        any::<String>().prop_map(|s| s
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
            .filter(|c| !text::is_bidi_control(*c))
            .collect()),
        // Multi-line text with blank lines, bullets and trailing newlines.
        prop::collection::vec("[A-Za-z -]{0,20}", 1..5).prop_map(|l| l.join("\n")),
        "(- [a-z]{1,8}\n){1,4}\n{0,3}",
        Just("yes".to_string()),
        Just("016".to_string()),
        Just("2019-07".to_string()),
        Just("a: b # c".to_string()),
    ]
    // A log refuses text that shows nothing, or hides some of itself.
    .prop_filter("shows all of itself", |s| {
        !text::is_blank(s) && text::hiding_character(s).is_none()
    })
}

fn date() -> impl Strategy<Value = LogDate> {
    (1990i32..2100, 1u32..=12, prop::option::of(1u32..=28)).prop_map(|(y, m, d)| match d {
        Some(d) => LogDate::Day(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()),
        None => LogDate::Month { year: y, month: m },
    })
}

/// A kebab-case key of a theme or a source.
const KEY: &str = "[a-z]{1,8}(-[a-z0-9]{1,5}){0,2}";

fn numbers() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(1u32..=999_999, 0..4)
}

fn action() -> impl Strategy<Value = Action> {
    let head = (
        1u32..=999_999,
        text(),
        "[a-z]{1,6}(-[a-z0-9]{1,5}){0,2}",
        prop::option::of(text()),
        date(),
        prop::option::of(prop_oneof![
            date().prop_map(Deadline::Date),
            Just(Deadline::Monthly)
        ]),
    );
    let status = prop::sample::select(Status::ALL.to_vec());
    let lists = (
        prop::option::of(date()),
        numbers(),
        numbers(),
        prop::option::of(1u32..=999_999),
        numbers(),
        numbers(),
        prop::option::of(KEY),
    );
    let updates = prop::collection::vec(
        (prop::option::of(date()), text()).prop_map(|(date, text)| Update { date, text }),
        0..4,
    );
    (head, status, lists, updates).prop_map(
        |(
            (id, title, theme, owner, raised, deadline),
            status,
            (signed_off, links, merged_into, duplicate_of, formerly, artefacts, source),
            updates,
        )| Action {
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
        },
    )
}

fn reload(kind: RecordKind, text: &str) -> Record {
    let src = source_from_bytes(text.as_bytes().to_vec()).expect("utf-8");
    let (record, diags) = decode_source(kind, Path::new("x.yaml"), &src);
    assert!(
        diags.is_empty(),
        "findings on canonical output:\n{text}\n{diags:#?}"
    );
    record.expect("a record")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn actions_round_trip(a in action(), header in prop::collection::vec("#( [a-z:=$./-]{1,30})?", 0..2)) {
        let first = emit::action(&a, &header);
        let Record::Action(back) = reload(RecordKind::Action, &first) else { panic!("not an action") };
        prop_assert_eq!(&back.value, &a);
        prop_assert_eq!(&back.header, &header);
        prop_assert!(back.canonical);
        prop_assert_eq!(emit::action(&back.value, &back.header), first);
    }

    #[test]
    fn milestones_round_trip(slug in "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", d in date(), title in text(), description in prop::option::of(text()), by in prop::option::of(text()), objective in prop::option::of(text()), actions in numbers(), source in prop::option::of(KEY),
                             kind in prop::sample::select(MilestoneKind::ALL.to_vec()), status in prop::sample::select(MilestoneStatus::ALL.to_vec())) {
        let m = Milestone { id: format!("{d}-{slug}"), date: d, kind, title, description, by, objective, status, actions, source };
        let first = emit::milestone(&m, &[]);
        let Record::Milestone(back) = reload(RecordKind::Milestone, &first) else { panic!("not a milestone") };
        prop_assert_eq!(&back.value, &m);
        prop_assert_eq!(emit::milestone(&back.value, &[]), first);
    }

    #[test]
    fn themes_round_trip(themes in prop::collection::vec(("[a-z]{1,8}(-[a-z]{1,5}){0,2}", text(), "#[0-9a-f]{6}", prop::option::of(text()), any::<bool>()), 1..5),
                         members in prop::collection::vec((text(), prop::collection::vec("[a-z]{1,8}(-[a-z]{1,5}){0,2}", 0..4)), 0..4),
                         sources in prop::collection::vec((KEY, text(), prop::option::of(text()), any::<bool>()), 0..4)) {
        let t = Themes {
            themes: themes.into_iter().map(|(key, name, colour, description, public_owners)| Theme { key, name, colour, description, public_owners }).collect(),
            members: members.into_iter().map(|(name, themes)| Member { name, themes }).collect(),
            sources: sources.into_iter().map(|(key, name, description, public)| RecordSource { key, name, description, public }).collect(),
        };
        let first = emit::themes(&t, &[]);
        let Record::Themes(back) = reload(RecordKind::Themes, &first) else { panic!("not themes") };
        prop_assert_eq!(&back.value, &t);
        prop_assert_eq!(emit::themes(&back.value, &[]), first);
    }
}

#[test]
fn changing_one_field_changes_one_line() {
    let src = std::fs::read_to_string("tests/cmd/valid.in/actions/016.yaml").unwrap();
    let Record::Action(mut a) = reload(RecordKind::Action, &src) else {
        panic!()
    };
    a.value.status = Status::ProposedComplete;
    let changed = emit::action(&a.value, &a.header);
    let diff: Vec<_> = src
        .lines()
        .zip(changed.lines())
        .filter(|(x, y)| x != y)
        .collect();
    assert_eq!(diff, vec![("status: ongoing", "status: proposed-complete")]);
    assert_eq!(src.lines().count(), changed.lines().count());
}

#[test]
fn control_characters_written_as_escapes_are_refused() {
    for escape in ["\\e[31m", "\\0", "\\x07", "\\r", "\\u0085"] {
        let src = format!("id: 1\ntitle: \"red{escape}\"\n");
        let text = source_from_bytes(src.into_bytes()).unwrap();
        let (rec, diags) = decode_source(RecordKind::Action, Path::new("actions/001.yaml"), &text);
        assert!(rec.is_none(), "{escape}");
        assert_eq!(diags[0].code.as_str(), "control-character", "{escape}");
        assert_eq!(diags[0].line, Some(2), "{escape}");
    }
}

/// The emitter quotes text so that a YAML 1.1 reader, which takes `yes`, `016`, `1:30` or `~` for
/// something other than text, reads it back as the same text. The oracle is an independent YAML 1.1
/// reader, PyYAML (Debian's python3-yaml, which .ci/run installs): every field of a few hundred
/// generated actions, as oslog writes them, must load to the record's own JSON form. PyYAML gives
/// a day as a date, which the JSON writes as its text.
#[test]
fn a_yaml_1_1_reader_reads_every_field_as_written() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut runner = TestRunner::deterministic();
    let actions: Vec<Action> = (0..400)
        .map(|_| action().new_tree(&mut runner).unwrap().current())
        .collect();
    let texts: Vec<String> = actions.iter().map(|a| emit::action(a, &[])).collect();
    let script = "import json, sys, yaml\n\
                  docs = json.load(sys.stdin)\n\
                  print(json.dumps([yaml.safe_load(d) for d in docs], default=str))\n";
    let mut python = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (the YAML 1.1 oracle needs python3 and PyYAML: python3-yaml)");
    let input = serde_json::to_vec(&texts).unwrap();
    let mut stdin = python.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = python.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "PyYAML could not read oslog's output (python3-yaml installed?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loaded: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(loaded.len(), actions.len());
    for ((a, text), got) in actions.iter().zip(&texts).zip(&loaded) {
        assert_eq!(
            got,
            &serde_json::to_value(a).unwrap(),
            "a YAML 1.1 reader reads this otherwise:\n{text}"
        );
    }
}
