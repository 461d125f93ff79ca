//! git's commit-graph file, read by oslog itself (libgit2 reads only its commit data, and nothing
//! reads its changed-path Bloom filters): each commit's first parent without parsing the commit,
//! and whether it may have changed a path against that parent. `git commit-graph write --reachable
//! --changed-paths` writes one; a split chain (`--split`) is read layer by layer.
//!
//! Nothing in it is trusted unchecked: each file must match its trailing SHA-1, have the chunks the
//! format requires at offsets inside the file, sorted ids, parent positions inside the graph, and a
//! chain's layers must name their bases as the chain file lists them. Any failure, and the walk runs
//! without the graph, as it does where there is none. A Bloom filter only ever says that a commit
//! certainly did not change a path; every commit it does not rule out is read from the objects.

use git2::Oid;
use std::path::Path;

/// The parent position that means "none".
const NO_PARENT: u32 = 0x7000_0000;
/// The bit of a second parent position that points into the extra-edges list instead.
const EDGE_LIST: u32 = 0x8000_0000;

/// One file of the graph: its commits, in id order.
struct Layer {
    bytes: Vec<u8>,
    /// How many commits the layers below hold: this layer's first position.
    base: u32,
    count: u32,
    fanout: usize,
    ids: usize,
    data: usize,
    /// The Bloom filters' index and data (after its header), with the number of hashes and the
    /// hash version, when the layer has them.
    bloom: Option<Bloom>,
}

struct Bloom {
    index: usize,
    data: usize,
    data_len: usize,
    hashes: u32,
    version: u32,
}

/// A commit-graph, every layer checked.
pub struct Graph {
    layers: Vec<Layer>,
}

/// What the graph knows of a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its place in the graph.
    pub pos: u32,
    /// Its first parent's place, if it has one.
    pub parent: Option<u32>,
}

impl Graph {
    /// The graph of the repository whose object folder is `objects`: the single file, or the chain
    /// of split files; `None` when there is none or it fails a check.
    pub fn open(objects: &Path) -> Option<Graph> {
        let info = objects.join("info");
        let chain = info.join("commit-graphs").join("commit-graph-chain");
        let names: Vec<String> = match std::fs::read_to_string(&chain) {
            Ok(text) => text
                .lines()
                .map(|h| format!("commit-graphs/graph-{h}.graph"))
                .collect(),
            Err(_) => vec!["commit-graph".to_string()],
        };
        let hashes: Vec<&str> = names
            .iter()
            .filter_map(|n| {
                n.strip_prefix("commit-graphs/graph-")?
                    .strip_suffix(".graph")
            })
            .collect();
        let mut layers: Vec<Layer> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let bytes = std::fs::read(info.join(name)).ok()?;
            let base = layers.last().map_or(0, |l| l.base + l.count);
            let layer = Layer::parse(bytes, base, &hashes[..i.min(hashes.len())])?;
            // A chain's file is named after its own checksum.
            if let Some(h) = hashes.get(i) {
                if layer.checksum() != *h {
                    return None;
                }
            }
            layers.push(layer);
        }
        let graph = Graph { layers };
        let total = graph.layers.last().map_or(0, |l| l.base + l.count);
        // Every parent named must be in the graph.
        for layer in &graph.layers {
            for i in 0..layer.count {
                let [p1, p2] = layer.parents(i)?;
                if p1 != NO_PARENT && p1 >= total
                    || p2 != NO_PARENT && p2 & EDGE_LIST == 0 && p2 >= total
                {
                    return None;
                }
            }
        }
        (!graph.layers.is_empty()).then_some(graph)
    }

    /// The commit `id`, if the graph has it.
    pub fn find(&self, id: Oid) -> Option<Entry> {
        let raw = id.as_bytes();
        for layer in &self.layers {
            if let Some(i) = layer.find(raw) {
                let [p1, _] = layer.parents(i)?;
                return Some(Entry {
                    pos: layer.base + i,
                    parent: (p1 != NO_PARENT).then_some(p1),
                });
            }
        }
        None
    }

    /// The commit at `pos`.
    pub fn at(&self, pos: u32) -> Option<(Oid, Entry)> {
        let layer = self
            .layers
            .iter()
            .find(|l| pos >= l.base && pos < l.base + l.count)?;
        let i = pos - layer.base;
        let id = Oid::from_bytes(layer.id(i)?).ok()?;
        let [p1, _] = layer.parents(i)?;
        Some((
            id,
            Entry {
                pos,
                parent: (p1 != NO_PARENT).then_some(p1),
            },
        ))
    }

    /// Whether the commit at `pos` certainly did not change `path` against its first parent; false
    /// when it may have, or when its filter cannot say.
    pub fn rules_out(&self, pos: u32, path: &str) -> bool {
        let Some(layer) = self
            .layers
            .iter()
            .find(|l| pos >= l.base && pos < l.base + l.count)
        else {
            return false;
        };
        layer.rules_out(pos - layer.base, path).unwrap_or(false)
    }
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

impl Layer {
    fn parse(bytes: Vec<u8>, base: u32, bases: &[&str]) -> Option<Layer> {
        let body = bytes.len().checked_sub(20)?;
        if sha1_smol::Sha1::from(&bytes[..body]).digest().bytes() != bytes[body..] {
            return None;
        }
        // Signature, version 1, SHA-1 (hash version 1).
        if bytes.get(..6)? != b"CGPH\x01\x01" {
            return None;
        }
        let chunks = usize::from(bytes[6]);
        let base_graphs = usize::from(bytes[7]);
        if base_graphs != bases.len() {
            return None;
        }
        let mut table = Vec::new();
        for i in 0..=chunks {
            let at = 8 + 12 * i;
            let id = bytes.get(at..at + 4)?;
            let offset = usize::try_from(be64(&bytes, at + 4)?).ok()?;
            table.push((id, offset));
        }
        // Offsets rise and stay in the file; the last entry (id 0) marks the end of the last chunk.
        if table.last()?.0 != [0; 4]
            || !table.windows(2).all(|w| w[0].1 <= w[1].1)
            || table.last()?.1 > body
        {
            return None;
        }
        let chunk = |name: &[u8]| -> Option<(usize, usize)> {
            let i = table[..chunks].iter().position(|(id, _)| *id == name)?;
            Some((table[i].1, table[i + 1].1 - table[i].1))
        };
        let (fanout, fanout_len) = chunk(b"OIDF")?;
        let (ids, ids_len) = chunk(b"OIDL")?;
        let (data, data_len) = chunk(b"CDAT")?;
        if fanout_len != 256 * 4 {
            return None;
        }
        let count = be32(&bytes, fanout + 255 * 4)?;
        let n = count as usize;
        if ids_len != 20 * n || data_len != 36 * n {
            return None;
        }
        let fans: Option<Vec<u32>> = (0..256).map(|i| be32(&bytes, fanout + 4 * i)).collect();
        if !fans?.windows(2).all(|w| w[0] <= w[1]) {
            return None;
        }
        let sorted = (1..n).all(|i| {
            bytes[ids + 20 * (i - 1)..ids + 20 * i] < bytes[ids + 20 * i..ids + 20 * (i + 1)]
        });
        if !sorted {
            return None;
        }
        if let Some((at, len)) = chunk(b"BASE") {
            let listed: Vec<String> = (0..len / 20)
                .map(|i| hex(&bytes[at + 20 * i..at + 20 * (i + 1)]))
                .collect();
            if len != 20 * bases.len() || listed != bases {
                return None;
            }
        } else if !bases.is_empty() {
            return None;
        }
        let bloom = match (chunk(b"BIDX"), chunk(b"BDAT")) {
            (Some((index, index_len)), Some((data, data_len)))
                if index_len == 4 * n && data_len >= 12 =>
            {
                let version = be32(&bytes, data)?;
                let hashes = be32(&bytes, data + 4)?;
                let ends: Option<Vec<u32>> = (0..n).map(|i| be32(&bytes, index + 4 * i)).collect();
                let ends = ends?;
                let fits = ends.windows(2).all(|w| w[0] <= w[1])
                    && ends.last().is_none_or(|e| *e as usize <= data_len - 12);
                (fits && matches!(version, 1 | 2) && (1..=32).contains(&hashes)).then_some(Bloom {
                    index,
                    data: data + 12,
                    data_len: data_len - 12,
                    hashes,
                    version,
                })
            }
            _ => None,
        };
        Some(Layer {
            bytes,
            base,
            count,
            fanout,
            ids,
            data,
            bloom,
        })
    }

    fn checksum(&self) -> String {
        hex(&self.bytes[self.bytes.len() - 20..])
    }

    fn id(&self, i: u32) -> Option<&[u8]> {
        let at = self.ids + 20 * i as usize;
        self.bytes.get(at..at + 20)
    }

    fn find(&self, raw: &[u8]) -> Option<u32> {
        let first = usize::from(raw[0]);
        let lo = match first {
            0 => 0,
            f => be32(&self.bytes, self.fanout + 4 * (f - 1))?,
        };
        let hi = be32(&self.bytes, self.fanout + 4 * first)?.min(self.count);
        let (mut lo, mut hi) = (lo, hi);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id(mid)?.cmp(raw) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    fn parents(&self, i: u32) -> Option<[u32; 2]> {
        let at = self.data + 36 * i as usize + 20;
        Some([be32(&self.bytes, at)?, be32(&self.bytes, at + 4)?])
    }

    fn rules_out(&self, i: u32, path: &str) -> Option<bool> {
        let b = self.bloom.as_ref()?;
        // Version 1 hashed bytes above 0x7f as signed: only plain ASCII paths hash alike in both.
        if b.version == 1 && !path.is_ascii() {
            return None;
        }
        let end = be32(&self.bytes, b.index + 4 * i as usize)? as usize;
        let start = match i {
            0 => 0,
            i => be32(&self.bytes, b.index + 4 * (i as usize - 1))? as usize,
        };
        if end > b.data_len || start >= end {
            // An empty filter was not computed: it cannot say.
            return None;
        }
        let filter = &self.bytes[b.data + start..b.data + end];
        let bits = 8 * filter.len() as u64;
        let h0 = murmur3(0x293a_e76f, path.as_bytes());
        let h1 = murmur3(0x7e64_6e2c, path.as_bytes());
        for k in 0..b.hashes {
            let pos = u64::from(h0.wrapping_add(k.wrapping_mul(h1))) % bits;
            if filter[(pos / 8) as usize] & (1 << (pos % 8)) == 0 {
                return Some(true);
            }
        }
        Some(false)
    }
}

/// MurmurHash3 (x86, 32-bit), as git's changed-path filters use it.
fn murmur3(seed: u32, data: &[u8]) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes(block.try_into().unwrap_or_default());
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    let mut k = 0u32;
    for (i, b) in tail.iter().enumerate() {
        k ^= u32::from(*b) << (8 * i);
    }
    if !tail.is_empty() {
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.org")
            .env("GIT_COMMITTER_NAME", "A")
            .env("GIT_COMMITTER_EMAIL", "a@example.org")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn filters_written_by_git_never_rule_out_a_changed_path_and_rule_out_most_others() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        let names: Vec<String> = (1..=24).map(|n| format!("actions/{n:03}.yaml")).collect();
        std::fs::create_dir(root.join("actions")).unwrap();
        for (i, name) in names.iter().enumerate() {
            std::fs::write(root.join(name), format!("id: {}\n", i + 1)).unwrap();
            git(root, &["add", "-A"]);
            git(root, &["commit", "-q", "-m", name]);
        }
        git(
            root,
            &["commit-graph", "write", "--reachable", "--changed-paths"],
        );
        let graph = Graph::open(&root.join(".git/objects")).expect("git's graph is read");
        let repo = git2::Repository::open(root).unwrap();
        let mut at = Some(repo.head().unwrap().target().unwrap());
        let mut ruled_out = 0;
        let mut seen = 0;
        while let Some(id) = at {
            let entry = graph.find(id).expect("every commit is in the graph");
            let commit = repo.find_commit(id).unwrap();
            at = commit.parent_ids().next();
            assert_eq!(entry.parent.and_then(|p| graph.at(p)).map(|(id, _)| id), at);
            let changed = commit.summary().unwrap().unwrap().to_string();
            assert!(
                !graph.rules_out(entry.pos, &changed),
                "{changed} is changed by its commit"
            );
            assert!(!graph.rules_out(entry.pos, "actions"), "its folder too");
            for other in names.iter().filter(|n| **n != changed) {
                ruled_out += usize::from(graph.rules_out(entry.pos, other));
                seen += 1;
            }
        }
        assert!(ruled_out * 10 > seen * 9, "{ruled_out} of {seen} ruled out");
    }

    #[test]
    fn murmur3_matches_the_reference_values() {
        // The reference implementation's published values.
        assert_eq!(murmur3(0, b""), 0);
        assert_eq!(murmur3(1, b""), 0x514e_28b7);
        assert_eq!(murmur3(0, b"test"), 0xba6b_d213);
        assert_eq!(murmur3(0x9747_b28c, b"Hello, world!"), 0x2488_4cba);
        assert_eq!(
            murmur3(0, b"The quick brown fox jumps over the lazy dog"),
            0x2e4f_f723
        );
    }
}
