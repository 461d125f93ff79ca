//! Objects read straight from the repository's pack files, for the history walk.
//!
//! A folder of thousands of actions is one large tree object per commit, stored in the pack as a
//! chain of deltas. libgit2 rebuilds each version from the chain's base every time it is asked, so a
//! walk over 10,000 commits spends most of its time re-applying the same deltas. This reader keeps
//! the objects it rebuilds (the intermediate ones too, a chain's worth spaced out) in a cache bounded
//! by size, so reading the versions of a folder in order applies one or two deltas per version.
//!
//! It handles what a walk meets: version-2 pack indexes and whole, offset-delta and reference-delta
//! entries in the same pack. Anything else (a loose object, an object in an alternate store, an index
//! of another version, a read that fails) gives `None`, and the caller asks libgit2, which verifies
//! what it reads.
//!
//! Hashing each rebuilt object to check it against its id would cost more than the walk itself (a
//! folder's tree is hundreds of kilobytes per version), so the reader checks what git records for
//! the purpose instead, and treats anything that fails as not found here: an index is used only if
//! its trailing SHA-1 matches its contents and its pack's header and trailing checksum match it, and
//! every entry read, each delta of a chain and its base alike, must have the CRC-32 the index records
//! for that object. That catches offsets swapped or damaged in the index, flipped bytes and truncated
//! packs; on top of it zlib checks each entry's own checksum, and a delta's sizes must agree with its
//! base and its result.

use flate2::{Decompress, FlushDecompress, Status};
use git2::Oid;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// How many bytes of rebuilt objects the readers of one walk keep, all together: a walk that reads
/// on several threads gives each reader its share (see [`Indexes::reader`]). Measured on a folder of
/// 10,000 actions (about 400 KB a version, in chains of 50): each thread's share holds the square
/// root's worth of versions that `resolve` keeps; half of this makes the walk a third slower.
pub const CACHE_BYTES: usize = 16 << 20;
/// Longer delta chains than this are left to libgit2 (git writes at most 50 by default).
const MAX_CHAIN: usize = 10_000;
/// Larger objects are left to libgit2, so that a damaged size field never asks for a huge buffer.
const MAX_OBJECT: usize = 1 << 30;

struct Pack {
    file: File,
    len: u64,
    fanout: Vec<u32>,
    /// The object ids, 20 bytes each, sorted.
    oids: Vec<u8>,
    /// Each object's offset, in the order of `oids`.
    offsets: Vec<u64>,
    /// Each entry's offset and the CRC-32 the index records for it, sorted by offset: where an
    /// entry ends (at the next one) and what its bytes must sum to.
    entries: Vec<(u64, u32)>,
}

/// An object: its git type number and its bytes.
type Object = (u8, Arc<Vec<u8>>);

/// A reader of the pack files of one repository, and the objects it has rebuilt so far.
pub struct Packs {
    indexes: Indexes,
    cache: HashMap<(usize, u64), Object>,
    order: VecDeque<(usize, u64)>,
    cached: usize,
    /// How many bytes `cache` may hold.
    budget: usize,
    /// One zlib stream, reset for each entry: a walk inflates tens of thousands of small ones.
    z: Decompress,
}

/// An entry's header: its type, inflated size, where its data starts, and for a delta its base.
struct Header {
    kind: u8,
    size: usize,
    data: usize,
    base: Option<u64>,
}

/// Git's type numbers of a commit, a tree and a blob.
pub const COMMIT: u8 = 1;
pub const TREE: u8 = 2;
pub const BLOB: u8 = 3;
const OFS_DELTA: u8 = 6;
const REF_DELTA: u8 = 7;

/// The packs of a repository's objects folder, their indexes read when a reader first needs them,
/// once for all the readers (and threads) of a run.
#[derive(Clone)]
pub struct Indexes {
    objects: Arc<PathBuf>,
    packs: Arc<OnceLock<Vec<Pack>>>,
}

impl Indexes {
    /// The packs under `objects/pack` of a repository's objects folder; nothing is read yet.
    pub fn new(objects: &Path) -> Indexes {
        Indexes {
            objects: Arc::new(objects.to_path_buf()),
            packs: Arc::new(OnceLock::new()),
        }
    }

    /// A reader of these packs keeping at most `budget` bytes of rebuilt objects.
    pub fn reader(&self, budget: usize) -> Packs {
        Packs {
            indexes: self.clone(),
            cache: HashMap::new(),
            order: VecDeque::new(),
            cached: 0,
            budget,
            z: Decompress::new(true),
        }
    }

    /// The packs that pass their checks; those that cannot be read or fail one are left out (their
    /// objects then come from libgit2).
    fn packs(&self) -> &[Pack] {
        self.packs.get_or_init(|| {
            let mut packs = Vec::new();
            if let Ok(dir) = std::fs::read_dir(self.objects.join("pack")) {
                for entry in dir.flatten() {
                    let path = entry.path();
                    if path.extension().is_some_and(|e| e == "idx") {
                        if let Some(p) = Pack::open(&path) {
                            packs.push(p);
                        }
                    }
                }
            }
            packs
        })
    }
}

impl Packs {
    /// The object `id` as (git type number, bytes), if it is in a pack and every entry it is built
    /// from passes its checks.
    pub fn read(&mut self, id: Oid) -> Option<Object> {
        self.read_within(id, MAX_OBJECT)
    }

    /// [`Packs::read`] for an object of at most `limit` bytes, read only if no entry its delta
    /// chain is built from (not already rebuilt) holds more, inflated or stored.
    pub fn read_within(&mut self, id: Oid, limit: usize) -> Option<Object> {
        let (pack, offset) = self
            .indexes
            .packs()
            .iter()
            .enumerate()
            .find_map(|(i, p)| p.find(id.as_bytes()).map(|o| (i, o)))?;
        self.resolve(pack, offset, limit.min(MAX_OBJECT))
            .filter(|(_, data)| data.len() <= limit)
    }

    /// Keep at most `budget` bytes of rebuilt objects from now on.
    pub fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
        self.evict();
    }

    fn resolve(&mut self, pack: usize, offset: u64, limit: usize) -> Option<Object> {
        let mut chain = Vec::new();
        let mut at = offset;
        let (kind, mut data) = loop {
            if let Some(hit) = self.cache.get(&(pack, at)) {
                break hit.clone();
            }
            let p = &self.indexes.packs()[pack];
            let (h, raw) = p.entry(at, limit)?;
            match h.base {
                None if (1..=4).contains(&h.kind) => {
                    let data = Arc::new(inflate(&mut self.z, &raw[h.data..], h.size, limit)?);
                    self.keep(pack, at, h.kind, data.clone());
                    break (h.kind, data);
                }
                None => return None,
                Some(base) => {
                    if chain.len() >= MAX_CHAIN {
                        return None;
                    }
                    chain.push((at, h, raw));
                    at = base;
                }
            }
        };
        // A walk reads the versions of a folder newest first, and git stores each as a delta on
        // the one before it, so the objects rebuilt on the way to this one are the next ones asked
        // for. Keeping all of a long chain would take a version's size times its length; keeping
        // every `step`-th one and the last `step` takes about twice its square root, and a later
        // read rebuilds at most `step` versions from the kept one below it.
        let n = chain.len();
        let fits = data.len().saturating_mul(n) <= self.budget / 2;
        let step = if fits { 1 } else { n.isqrt().max(1) };
        for (i, (at, h, raw)) in chain.into_iter().rev().enumerate() {
            let delta = inflate(&mut self.z, &raw[h.data..], h.size, limit)?;
            data = Arc::new(apply(&data, &delta, limit)?);
            if (i + 1) % step == 0 || n - i <= step {
                self.keep(pack, at, kind, data.clone());
            }
        }
        // A walk asks for each version once, newest first, while the older ones it was built from
        // serve the reads after it: the one given out is let go first. (Its other place in the
        // order goes stale; reaching it may let go an object rebuilt since, which costs a rebuild.)
        if self.cache.contains_key(&(pack, offset)) {
            self.order.push_front((pack, offset));
        }
        Some((kind, data))
    }

    fn keep(&mut self, pack: usize, offset: u64, kind: u8, data: Arc<Vec<u8>>) {
        self.cached += data.len();
        self.cache.insert((pack, offset), (kind, data));
        self.order.push_back((pack, offset));
        self.evict();
    }

    fn evict(&mut self) {
        while self.cached > self.budget {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some((_, d)) = self.cache.remove(&old) {
                self.cached -= d.len();
            }
        }
    }
}

fn sha1(bytes: &[u8]) -> [u8; 20] {
    sha1_smol::Sha1::from(bytes).digest().bytes()
}

impl Pack {
    /// The pack of the index at `idx`, if the index is whole (its own SHA-1 matches) and the pack
    /// file is the one it indexes (same object count, same trailing checksum).
    fn open(idx: &Path) -> Option<Pack> {
        let bytes = std::fs::read(idx).ok()?;
        if bytes.get(..8)? != b"\xfftOc\0\0\0\x02" || bytes.len() < 8 + 1024 + 40 {
            return None;
        }
        let (body, sum) = bytes.split_at(bytes.len() - 20);
        if sha1(body) != sum {
            return None;
        }
        let be32 = |at: usize| -> Option<u32> {
            Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
        };
        let fanout: Vec<u32> = (0..256).map(|i| be32(8 + 4 * i)).collect::<Option<_>>()?;
        let n = *fanout.last()? as usize;
        let oids_at = 8 + 1024;
        let crcs_at = oids_at + 20 * n;
        let small_at = crcs_at + 4 * n;
        let large_at = small_at + 4 * n;
        let oids = bytes.get(oids_at..crcs_at)?.to_vec();
        let mut offsets = Vec::with_capacity(n);
        let mut entries = Vec::with_capacity(n);
        for i in 0..n {
            let v = be32(small_at + 4 * i)?;
            let offset = if v & 0x8000_0000 == 0 {
                u64::from(v)
            } else {
                let at = large_at + 8 * (v & 0x7fff_ffff) as usize;
                u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?)
            };
            offsets.push(offset);
            entries.push((offset, be32(crcs_at + 4 * i)?));
        }
        entries.sort_unstable();
        let mut file = File::open(idx.with_extension("pack")).ok()?;
        let len = file.metadata().ok()?.len();
        let mut head = [0u8; 12];
        file.read_exact(&mut head).ok()?;
        let count = u32::from_be_bytes(head[8..12].try_into().ok()?) as usize;
        if &head[..4] != b"PACK" || !matches!(head[7], 2 | 3) || head[4..7] != [0; 3] || count != n
        {
            return None;
        }
        let mut trailer = [0u8; 20];
        file.seek(SeekFrom::Start(len.checked_sub(20)?)).ok()?;
        file.read_exact(&mut trailer).ok()?;
        if bytes.get(bytes.len() - 40..bytes.len() - 20)? != trailer {
            return None;
        }
        // Every entry lies between the header and the trailer, and no two start at one offset.
        let inside = |o: u64| (12..len - 20).contains(&o);
        if !entries.iter().all(|(o, _)| inside(*o)) || entries.windows(2).any(|w| w[0].0 == w[1].0)
        {
            return None;
        }
        Some(Pack {
            file,
            len,
            fanout,
            oids,
            offsets,
            entries,
        })
    }

    /// The offset of `id` in this pack.
    fn find(&self, id: &[u8]) -> Option<u64> {
        let first = *id.first()? as usize;
        let lo = if first == 0 {
            0
        } else {
            self.fanout[first - 1]
        } as usize;
        let hi = self.fanout[first] as usize;
        let (mut lo, mut hi) = (lo, hi.min(self.offsets.len()));
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.oids.get(mid * 20..mid * 20 + 20)?.cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(self.offsets[mid]),
            }
        }
        None
    }

    /// The whole entry at `at`, header and compressed data, if its bytes have the CRC-32 the index
    /// records for it and are not many more than `limit` (zlib adds a little to what it cannot
    /// compress).
    fn entry(&self, at: u64, limit: usize) -> Option<(Header, Vec<u8>)> {
        let i = self.entries.binary_search_by_key(&at, |(o, _)| *o).ok()?;
        let (start, crc) = self.entries[i];
        let end = self.entries.get(i + 1).map_or(self.len - 20, |(o, _)| *o);
        let len = usize::try_from(end - start)
            .ok()
            .filter(|l| *l <= limit.saturating_add(limit / 64 + 1024))?;
        let mut raw = vec![0; len];
        read_at(&self.file, &mut raw, start).ok()?;
        let mut sum = flate2::Crc::new();
        sum.update(&raw);
        if sum.sum() != crc {
            return None;
        }
        let header = self.header(at, &raw)?;
        Some((header, raw))
    }

    /// The header of the entry at offset `at`, whose bytes are `raw`.
    fn header(&self, at: u64, raw: &[u8]) -> Option<Header> {
        let mut i = 0;
        let mut next = || -> Option<u8> {
            let b = *raw.get(i)?;
            i += 1;
            Some(b)
        };
        let mut c = next()?;
        let kind = (c >> 4) & 7;
        let mut size = u64::from(c & 15);
        let mut shift = 4;
        while c & 0x80 != 0 {
            c = next()?;
            if shift > 57 {
                return None;
            }
            size |= u64::from(c & 0x7f) << shift;
            shift += 7;
        }
        let base = match kind {
            OFS_DELTA => {
                let mut c = next()?;
                let mut back = u64::from(c & 0x7f);
                while c & 0x80 != 0 {
                    c = next()?;
                    back = back.checked_add(1)?.checked_mul(128)? | u64::from(c & 0x7f);
                }
                Some(at.checked_sub(back).filter(|_| back > 0)?)
            }
            REF_DELTA => {
                let id: Vec<u8> = (0..20).map(|_| next()).collect::<Option<_>>()?;
                Some(self.find(&id)?)
            }
            _ => None,
        };
        Some(Header {
            kind,
            size: usize::try_from(size).ok()?,
            data: i,
            base,
        })
    }
}

/// Fill `buf` from `file` at `offset`: one system call where there is one for it.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Elsewhere a seek and a read: readers of one pack on several threads may then race, which the
/// entry's CRC catches, and the object is read by libgit2 instead.
#[cfg(not(unix))]
fn read_at(mut file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// Inflate the zlib stream `input` into exactly `size` bytes, at most `limit`, with `z`.
fn inflate(z: &mut Decompress, input: &[u8], size: usize, limit: usize) -> Option<Vec<u8>> {
    if size > limit {
        return None;
    }
    // One spare byte: zlib may want room to see the stream end even when nothing is left to write.
    let mut out = Vec::with_capacity(size + 1);
    z.reset(true);
    match z.decompress_vec(input, &mut out, FlushDecompress::Finish) {
        Ok(Status::StreamEnd) if out.len() == size => Some(out),
        _ => None,
    }
}

/// Read a delta's size field at `*at`.
fn varint(delta: &[u8], at: &mut usize) -> Option<usize> {
    let mut v = 0usize;
    let mut shift = 0;
    loop {
        let c = *delta.get(*at)?;
        *at += 1;
        if shift > 56 {
            return None;
        }
        v |= usize::from(c & 0x7f) << shift;
        shift += 7;
        if c & 0x80 == 0 {
            return Some(v);
        }
    }
}

/// Apply a git delta to its base, for a result of at most `limit` bytes.
fn apply(base: &[u8], delta: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut i = 0;
    if varint(delta, &mut i)? != base.len() {
        return None;
    }
    let size = varint(delta, &mut i)?;
    if size > limit {
        return None;
    }
    let mut out = Vec::with_capacity(size);
    while i < delta.len() {
        let op = delta[i];
        i += 1;
        if op & 0x80 != 0 {
            let (mut offset, mut len) = (0usize, 0usize);
            for b in 0..4 {
                if op & (1 << b) != 0 {
                    offset |= usize::from(*delta.get(i)?) << (8 * b);
                    i += 1;
                }
            }
            for b in 0..3 {
                if op & (0x10 << b) != 0 {
                    len |= usize::from(*delta.get(i)?) << (8 * b);
                    i += 1;
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            out.extend_from_slice(base.get(offset..offset.checked_add(len)?)?);
        } else if op != 0 {
            let n = usize::from(op);
            out.extend_from_slice(delta.get(i..i + n)?);
            i += n;
        } else {
            return None;
        }
        if out.len() > size {
            return None;
        }
    }
    (out.len() == size).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_DATE", "2019-07-01T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2019-07-01T12:00:00Z")
            .output()
            .expect("git is installed")
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    /// A repository whose folder of 300 files changes in one file per commit, packed by `repack`.
    fn repository(repack: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "--quiet"]);
        git(root, &["config", "user.name", "T"]);
        git(root, &["config", "user.email", "t@example.org"]);
        std::fs::create_dir(root.join("actions")).unwrap();
        for i in 0..300 {
            std::fs::write(
                root.join(format!("actions/{i:03}.yaml")),
                format!("id: {i}\n"),
            )
            .unwrap();
        }
        for c in 0..60 {
            let i = (c * 37) % 300;
            let text = format!("id: {i}\nstatus: step {c}\n{}", "update: text\n".repeat(c));
            std::fs::write(root.join(format!("actions/{i:03}.yaml")), text).unwrap();
            git(root, &["add", "-A"]);
            git(root, &["commit", "--quiet", "-m", &format!("commit {c}")]);
        }
        git(root, repack);
        dir
    }

    /// Every object of the pack reads back exactly as libgit2 reads it, through a reader that keeps
    /// `budget` bytes.
    fn agrees_with_libgit2(repack: &[&str], budget: usize) {
        let dir = repository(repack);
        let repo = git2::Repository::open(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let mut packs = Indexes::new(&dir.path().join(".git/objects")).reader(budget);
        assert_eq!(packs.indexes.packs().len(), 1, "{repack:?}");
        let mut ids = Vec::new();
        odb.foreach(|id| {
            ids.push(*id);
            true
        })
        .unwrap();
        assert!(ids.len() > 400, "{}", ids.len());
        let mut deltas = 0;
        for id in &ids {
            let (kind, data) = packs.read(*id).expect("every object is packed");
            let obj = odb.read(*id).unwrap();
            assert_eq!(data.as_slice(), obj.data(), "{id}");
            let want = match obj.kind() {
                git2::ObjectType::Commit => 1,
                git2::ObjectType::Tree => 2,
                git2::ObjectType::Blob => 3,
                _ => 4,
            };
            assert_eq!(kind, want, "{id}");
        }
        for p in packs.indexes.packs() {
            for off in &p.offsets {
                deltas += usize::from(p.entry(*off, MAX_OBJECT).unwrap().0.base.is_some());
            }
        }
        assert!(
            deltas > 50,
            "the pack has delta chains to follow ({deltas})"
        );
    }

    #[test]
    fn offset_deltas_read_as_libgit2_reads_them() {
        agrees_with_libgit2(
            &["repack", "-adq", "--depth=50", "--window=50"],
            CACHE_BYTES,
        );
    }

    #[test]
    fn shallow_chains_and_a_small_cache_read_the_same() {
        agrees_with_libgit2(&["repack", "-adfq", "--depth=3"], 4 << 10);
    }

    #[test]
    fn an_object_larger_than_the_limit_is_left_alone() {
        let (dir, _, good) = packed();
        let mut packs = Indexes::new(&dir.path().join(".git/objects")).reader(CACHE_BYTES);
        let limit = 500;
        let (mut small, mut large) = (0, 0);
        for (id, want) in &good {
            match packs.read_within(*id, limit) {
                Some((_, data)) => {
                    assert_eq!(data.as_slice(), want.as_slice(), "{id}");
                    assert!(data.len() <= limit, "{id}: {} bytes", data.len());
                    small += 1;
                }
                None => {
                    // Larger itself, or built on a base that is.
                    assert!(packs.read(*id).is_some(), "{id}");
                    large += 1;
                }
            }
        }
        assert!(small > 100 && large > 10, "{small} read, {large} left");
        assert!(good
            .iter()
            .all(|(id, w)| w.len() <= limit || packs.read_within(*id, limit).is_none()));
    }

    /// The index and pack of a repository, and every object as libgit2 reads it.
    fn packed() -> (tempfile::TempDir, std::path::PathBuf, Vec<(Oid, Vec<u8>)>) {
        let dir = repository(&["repack", "-adq"]);
        let idx = std::fs::read_dir(dir.path().join(".git/objects/pack"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .unwrap();
        let repo = git2::Repository::open(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let mut good = Vec::new();
        odb.foreach(|id| {
            good.push((*id, odb.read(*id).unwrap().data().to_vec()));
            true
        })
        .unwrap();
        good.sort();
        (dir, idx, good)
    }

    /// What the reader gives for every object: `Some(true)` the right bytes, `None` nothing.
    fn reads(dir: &Path, good: &[(Oid, Vec<u8>)]) -> Vec<Option<bool>> {
        let mut packs = Indexes::new(&dir.join(".git/objects")).reader(CACHE_BYTES);
        good.iter()
            .map(|(id, want)| {
                packs
                    .read(*id)
                    .map(|(_, d)| d.as_slice() == want.as_slice())
            })
            .collect()
    }

    #[test]
    fn a_damaged_pack_gives_none_not_wrong_bytes() {
        let (dir, idx, good) = packed();
        let pack = idx.with_extension("pack");
        let mut bytes = std::fs::read(&pack).unwrap();
        // Damage every 97th byte after the header: entries' data and headers alike.
        let len = bytes.len();
        for at in (12..len - 20).step_by(97) {
            bytes[at] ^= 0x5a;
        }
        std::fs::write(&pack, &bytes).unwrap();
        let got = reads(dir.path(), &good);
        assert!(!got.contains(&Some(false)), "no wrong bytes");
        assert!(got.contains(&None), "the damage was noticed");
    }

    #[test]
    fn swapped_offsets_in_the_index_are_caught_with_or_without_its_checksum() {
        let (dir, idx, good) = packed();
        let original = std::fs::read(&idx).unwrap();
        let n = good.len();
        let small_at = 8 + 1024 + 24 * n;
        // Two objects' offsets swapped, as a damaged index would have them.
        let (a, b) = (3, n - 5);
        let mut bytes = original.clone();
        for k in 0..4 {
            bytes.swap(small_at + 4 * a + k, small_at + 4 * b + k);
        }
        std::fs::write(&idx, &bytes).unwrap();
        assert!(
            reads(dir.path(), &good).iter().all(Option::is_none),
            "an index whose checksum fails is not used"
        );
        // The same with the index's checksum recomputed: each entry's CRC-32 still catches it.
        let len = bytes.len();
        let sum = sha1(&bytes[..len - 20]);
        bytes[len - 20..].copy_from_slice(&sum);
        std::fs::write(&idx, &bytes).unwrap();
        let got = reads(dir.path(), &good);
        assert!(!got.contains(&Some(false)), "no wrong bytes");
        assert_eq!((got[a], got[b]), (None, None));
        assert!(got.contains(&Some(true)), "the other entries still read");
        std::fs::write(&idx, &original).unwrap();
        assert!(reads(dir.path(), &good).iter().all(|g| *g == Some(true)));
    }

    #[test]
    fn a_truncated_pack_is_not_used() {
        let (dir, idx, good) = packed();
        let pack = idx.with_extension("pack");
        let bytes = std::fs::read(&pack).unwrap();
        std::fs::write(&pack, &bytes[..bytes.len() - 100]).unwrap();
        assert!(reads(dir.path(), &good).iter().all(Option::is_none));
    }

    #[test]
    fn deltas_apply_copies_and_inserts() {
        let base = b"0123456789";
        // Base size 10, result size 7: copy 4 bytes from offset 2, insert "ab", copy 1 from 9.
        let delta = [10, 7, 0x91, 2, 4, 2, b'a', b'b', 0x91, 9, 1];
        assert_eq!(apply(base, &delta, MAX_OBJECT).unwrap(), b"2345ab9");
        assert!(
            apply(b"short", &delta, MAX_OBJECT).is_none(),
            "base size must agree"
        );
        assert!(
            apply(base, &[10, 7, 0x91, 8, 4], MAX_OBJECT).is_none(),
            "copy past the base"
        );
        assert!(
            apply(base, &[10, 2, 0], MAX_OBJECT).is_none(),
            "reserved op"
        );
        // A result size of 2^56: refused before any buffer is asked for.
        let huge = [10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        assert!(apply(base, &huge, MAX_OBJECT).is_none());
    }
}
