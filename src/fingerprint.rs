//! 64-bit URL fingerprints: the crawl remembers every URL it has seen, and on
//! a 100,000-page site that is a quarter of a million URLs. A fingerprint is
//! 8 bytes in place of the URL's text (70 bytes and an allocation), as in
//! large crawlers (Heritrix's already-seen set keeps 64-bit fingerprints,
//! Scrapy keeps request fingerprints).
//!
//! SipHash-1-3 under keys drawn at random for each run: two URLs of a run
//! share a fingerprint with probability about n²/2⁶⁵ (2·10⁻⁹ for the quarter
//! million URLs of a 100,000-page site, 3·10⁻⁸ for a million), and a site
//! cannot craft URLs that collide without knowing the keys.

use siphasher::sip::SipHasher13;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

/// The fingerprint of a URL (or any text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint(u64);

impl Hash for Fingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Already uniformly distributed: it is the hash.
        state.write_u64(self.0);
    }
}

/// Computes fingerprints under the keys of one run.
#[derive(Debug, Clone, Copy)]
pub struct Fingerprinter {
    k0: u64,
    k1: u64,
}

impl Default for Fingerprinter {
    fn default() -> Self {
        Self::new()
    }
}

impl Fingerprinter {
    /// A fingerprinter with fresh random keys (from the standard library's
    /// per-process random hash seeds).
    pub fn new() -> Self {
        let seed = std::collections::hash_map::RandomState::new();
        Fingerprinter {
            k0: seed.hash_one(0x7a77_676b_u64),
            k1: seed.hash_one(0x0061_7564_6974_u64),
        }
    }

    /// The fingerprint of `s`.
    pub fn of(&self, s: &str) -> Fingerprint {
        self.of_bytes(s.as_bytes())
    }

    /// The fingerprint of `bytes`.
    pub fn of_bytes(&self, bytes: &[u8]) -> Fingerprint {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write(bytes);
        Fingerprint(h.finish())
    }
}

/// Passes a [`Fingerprint`]'s bits through: no second hash.
#[derive(Debug, Default, Clone, Copy)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `Fingerprint`; fold anything else in.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Shards of a [`FingerprintMap`].
const SHARDS: usize = 64;

/// A map keyed by fingerprints, in 64 shards that each grow on their own: a
/// growing hash table holds its old and new copies at once, and for one table
/// of a quarter of a million URLs that spike is the crawl's peak memory.
#[derive(Debug)]
pub struct FingerprintMap<V> {
    shards: Box<[HashMap<Fingerprint, V, BuildHasherDefault<PassThrough>>]>,
}

impl<V> Default for FingerprintMap<V> {
    fn default() -> Self {
        FingerprintMap {
            shards: (0..SHARDS).map(|_| HashMap::default()).collect(),
        }
    }
}

impl<V> FingerprintMap<V> {
    fn shard(&self, k: &Fingerprint) -> usize {
        // Bits 32–37 pick the shard: a table takes its slot from the low
        // bits and its tag from the top seven, so both stay fully random.
        ((k.0 >> 32) % SHARDS as u64) as usize
    }

    /// The value of `k`.
    pub fn get(&self, k: &Fingerprint) -> Option<&V> {
        self.shards.get(self.shard(k))?.get(k)
    }

    /// The value of `k`, to change.
    pub fn get_mut(&mut self, k: &Fingerprint) -> Option<&mut V> {
        let i = self.shard(k);
        self.shards.get_mut(i)?.get_mut(k)
    }

    /// Whether `k` is in the map.
    pub fn contains_key(&self, k: &Fingerprint) -> bool {
        self.get(k).is_some()
    }

    /// Inserts, returning the value `k` had.
    pub fn insert(&mut self, k: Fingerprint, v: V) -> Option<V> {
        let i = self.shard(&k);
        self.shards.get_mut(i)?.insert(k, v)
    }

    /// Removes `k`, returning its value.
    pub fn remove(&mut self, k: &Fingerprint) -> Option<V> {
        let i = self.shard(k);
        self.shards.get_mut(i)?.remove(k)
    }

    /// Entries.
    pub fn len(&self) -> usize {
        self.shards.iter().map(HashMap::len).sum()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(HashMap::is_empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_text_equal_fingerprint_within_a_run_only() {
        let a = Fingerprinter::new();
        let u = "http://www.example.gov.cn/zwgk/tzgg/index.html";
        assert_eq!(a.of(u), a.of(u));
        assert_ne!(
            a.of(u),
            a.of("http://www.example.gov.cn/zwgk/tzgg/index_1.html")
        );
        assert_ne!(a.of(""), a.of("/"));
        // Another run draws other keys.
        assert_ne!(a.of(u), Fingerprinter::new().of(u));
    }

    #[test]
    fn map_entries_stay_small() {
        assert_eq!(std::mem::size_of::<(Fingerprint, u64)>(), 16);
    }

    #[test]
    fn no_collisions_among_many_similar_urls() {
        let f = Fingerprinter::new();
        let mut m: FingerprintMap<u32> = FingerprintMap::default();
        for i in 0..200_000u32 {
            let u = format!(
                "http://127.0.0.1:8088/xxgk/2026{:02}/t2026_{i}.html",
                i % 12
            );
            assert!(m.insert(f.of(&u), i).is_none(), "collision at {u}");
        }
        assert_eq!(m.len(), 200_000);
        let k = f.of("http://127.0.0.1:8088/xxgk/202607/t2026_7.html");
        assert_eq!(m.get(&k), Some(&7));
        *m.get_mut(&k).unwrap() = 8;
        assert_eq!(m.insert(k, 9), Some(8));
        assert_eq!(m.remove(&k), Some(9));
        assert_eq!(m.remove(&k), None);
        assert_eq!(m.len(), 199_999);
        assert!(!m.contains_key(&f.of("http://127.0.0.1:8088/")));
    }
}
