//! The anchors (`id` and `<a name>`) of the pages crawled, for fragment
//! checks (`page.html#sec2`).
//!
//! A fragment link may be seen long after its target page was crawled, so
//! every page's anchor set is kept — but not in memory: each set (sorted
//! 64-bit hashes, see [`super::job::anchor_hash`]) goes to a [`Spool`] (an
//! unlinked temporary file in the run folder), identical sets (a template's
//! anchors on every page) once, and memory holds one handle per page. The
//! few sets read back most recently are cached. Past [`MAX_STORE_BYTES`] of
//! sets, further pages' anchors are not kept and fragment links to them are
//! not checked (the crawl lists those pages under the `anchor_store` cap).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::fingerprint::{Fingerprint, FingerprintMap, Fingerprinter};
use crate::spool::{Handle, Reader, Spool};
use std::sync::Arc;

/// Most bytes of anchor sets kept in a run (on disk).
pub const MAX_STORE_BYTES: u64 = 256 << 20;

/// Sets read back kept in memory.
const CACHED: usize = 4;

/// The anchor sets of a run's pages.
pub struct AnchorStore {
    spool: Spool,
    /// Per page: its set's handle (0: a page without anchors).
    pages: FingerprintMap<Handle>,
    /// Per set, by the hash of its contents: its handle and length.
    sets: FingerprintMap<(Handle, u32)>,
    fp: Fingerprinter,
    bytes: u64,
    cache: Vec<(Handle, Arc<[u64]>)>,
}

impl AnchorStore {
    /// A store backed by an unlinked temporary file in `dir` (see [`Spool::new`]).
    pub fn new(dir: Option<&std::path::Path>) -> AnchorStore {
        AnchorStore {
            spool: Spool::new(dir),
            pages: FingerprintMap::default(),
            sets: FingerprintMap::default(),
            fp: Fingerprinter::new(),
            bytes: 0,
            cache: Vec::new(),
        }
    }

    /// Records the anchors of `page` (sorted, deduplicated hashes); false
    /// when the store is full and they were not kept.
    pub fn keep(&mut self, page: Fingerprint, anchors: &[u64]) -> bool {
        if anchors.is_empty() {
            self.pages.insert(page, 0);
            return true;
        }
        let bytes: Vec<u8> = anchors.iter().flat_map(|a| a.to_le_bytes()).collect();
        let sum = self.fp.of_bytes(&bytes);
        let len = u32::try_from(anchors.len()).unwrap_or(u32::MAX);
        if let Some(&(h, n)) = self.sets.get(&sum)
            && n == len
        {
            self.pages.insert(page, h);
            return true;
        }
        if self.bytes + bytes.len() as u64 > MAX_STORE_BYTES {
            return false;
        }
        self.bytes += bytes.len() as u64;
        let h = self.spool.append(|buf| buf.extend_from_slice(&bytes));
        self.sets.insert(sum, (h, len));
        self.pages.insert(page, h);
        self.remember(h, anchors.into());
        true
    }

    /// `alias` has the anchors of `page` (a URL that redirected to it).
    pub fn alias(&mut self, alias: Fingerprint, page: Fingerprint) {
        if let Some(&h) = self.pages.get(&page) {
            self.pages.insert(alias, h);
        }
    }

    /// The anchors of `page`: None when it is not a crawled page (or its
    /// anchors were not kept); empty for a page without anchors.
    pub fn get(&mut self, page: Fingerprint) -> Option<Arc<[u64]>> {
        let h = *self.pages.get(&page)?;
        if h == 0 {
            return Some(Arc::from([]));
        }
        if let Some(i) = self.cache.iter().position(|(c, _)| *c == h) {
            let hit = self.cache.remove(i);
            let set = hit.1.clone();
            self.cache.push(hit);
            return Some(set);
        }
        let rec = self.spool.read(h)?;
        let mut r = Reader(&rec);
        let mut set = Vec::with_capacity(rec.len() / 8);
        while !r.is_empty() {
            set.push(r.u64()?);
        }
        let set: Arc<[u64]> = set.into();
        self.remember(h, set.clone());
        Some(set)
    }

    fn remember(&mut self, h: Handle, set: Arc<[u64]>) {
        if self.cache.len() >= CACHED {
            self.cache.remove(0);
        }
        self.cache.push((h, set));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_come_back_from_disk_identical_ones_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = AnchorStore::new(Some(dir.path()));
        let f = Fingerprinter::new();
        let template: Vec<u64> = (0..10_000).collect();
        for i in 0..100 {
            s.keep(f.of(&format!("p{i}")), &template);
        }
        s.keep(f.of("own"), &[3, 9, 27]);
        s.keep(f.of("bare"), &[]);
        s.alias(f.of("old"), f.of("own"));
        // One template set and one other: 10,003 hashes on disk.
        assert_eq!(s.bytes, 8 * 10_003);
        for i in [0, 57, 99] {
            assert_eq!(&*s.get(f.of(&format!("p{i}"))).unwrap(), &template[..]);
        }
        // Read back past the cache (the spool flushes to disk at 1 MiB).
        for i in 0..200u64 {
            s.keep(f.of(&format!("q{i}")), &[i, i + 1_000_000]);
        }
        assert_eq!(&*s.get(f.of("own")).unwrap(), &[3, 9, 27]);
        assert_eq!(&*s.get(f.of("old")).unwrap(), &[3, 9, 27]);
        assert_eq!(&*s.get(f.of("q7")).unwrap(), &[7, 1_000_007]);
        assert_eq!(s.get(f.of("bare")).as_deref(), Some(&[][..]));
        assert_eq!(s.get(f.of("never crawled")), None);
    }

    #[test]
    fn a_full_store_keeps_no_more_and_says_so() {
        let mut s = AnchorStore::new(None);
        let f = Fingerprinter::new();
        s.bytes = MAX_STORE_BYTES - 16;
        assert!(s.keep(f.of("fits"), &[1, 2]));
        assert!(!s.keep(f.of("over"), &[1, 2, 3]));
        // A known set costs nothing more.
        assert!(s.keep(f.of("same"), &[1, 2]));
        assert!(s.get(f.of("fits")).is_some() && s.get(f.of("same")).is_some());
        assert_eq!(s.get(f.of("over")), None);
    }
}
