//! The fuzz targets' check without the fuzzer: every input the fuzzer kept as a regression
//! (`fuzz/regressions/`), and random and mutated bytes from proptest, go through the loader, the
//! validator and every findings format, as an action file and as themes.yaml. Nothing may panic.

#[path = "../fuzz/check.rs"]
mod check;

use check::{check, Target};
use proptest::prelude::*;
use std::path::Path;

#[test]
fn kept_fuzz_inputs_load_without_panicking() {
    let mut seen = 0;
    for (folder, target) in [("action", Target::Action), ("themes", Target::Themes)] {
        let dir = Path::new("fuzz/regressions").join(folder);
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            check(target, &std::fs::read(entry.path()).unwrap());
            seen += 1;
        }
    }
    assert!(seen > 0, "no regression inputs found");
}

/// Real files to mutate: every action and themes file of the snapshot corpus.
fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for case in std::fs::read_dir("tests/cmd").unwrap().flatten() {
        let root = case.path();
        out.extend(std::fs::read(root.join("themes.yaml")));
        if let Ok(actions) = std::fs::read_dir(root.join("actions")) {
            out.extend(
                actions
                    .flatten()
                    .filter_map(|e| std::fs::read(e.path()).ok()),
            );
        }
    }
    out
}

/// Insert, overwrite or delete bytes at a few places, drawing from YAML's indicators.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    const SPICE: &[u8] = b"-:[]{},#&*!|>'\"%@`\n\t \\\r\x00\xff?";
    for &(at, how, b) in edits {
        let i = if bytes.is_empty() {
            0
        } else {
            at % (bytes.len() + 1)
        };
        let c = SPICE[b as usize % SPICE.len()];
        match how % 3 {
            0 => bytes.insert(i, c),
            1 if i < bytes.len() => bytes[i] = c,
            _ if i < bytes.len() => {
                bytes.remove(i);
            }
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), themes in any::<bool>()) {
        check(if themes { Target::Themes } else { Target::Action }, &bytes);
    }

    #[test]
    fn mutated_files_never_panic(seed in any::<prop::sample::Index>(), edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8), themes in any::<bool>()) {
        let seeds = seeds();
        let bytes = mutate(seed.get(&seeds).clone(), &edits);
        check(if themes { Target::Themes } else { Target::Action }, &bytes);
    }
}
