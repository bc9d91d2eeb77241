//! Link occurrences waiting for their target's check, kept on disk.
//!
//! A link's row in links.csv needs its target's status, so an occurrence waits
//! until the target is checked. Breadth-first, that is most of the next level
//! of the site at once: on a 100,000-page site, hundreds of thousands of
//! occurrences (page, target, text) — tens of megabytes that are written once
//! and read once. They go to an unlinked temporary file instead (the page
//! cache holds it while there is room), each target keeping only the offset
//! of its newest occurrence: a chain of records, newest first.
//!
//! A record is `[prev: u64][len: u32][payload: len bytes]`, little-endian;
//! `prev` is the handle of the target's previous record (0: none). Records
//! are appended to a buffer flushed 1 MiB at a time, so most reads of a
//! target checked soon after it was found never touch the file. Without a
//! usable temporary file everything stays in the buffer (in memory).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::link::{Element, Origin};
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Buffered bytes written to the file at once.
const FLUSH_AT: usize = 1 << 20;

/// One occurrence of a link, kept until its target is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occ {
    /// The page the link is on.
    pub page: Arc<str>,
    /// The link's target as reported.
    pub target: Arc<str>,
    /// Link text.
    pub text: Box<str>,
    /// Element.
    pub element: Element,
    /// Markup or derived.
    pub origin: Origin,
    /// A fragment to look for on the target page.
    pub fragment: Option<Box<str>>,
}

/// The handle of a target's newest waiting occurrence (0: none).
pub type Head = u64;

/// The store of waiting occurrences.
pub struct Spill {
    file: Option<File>,
    /// Bytes in the file; the buffer continues from there.
    flushed: u64,
    buf: Vec<u8>,
}

impl Spill {
    /// A store backed by an unlinked temporary file in `dir` (the system's
    /// temporary directory when None or unusable); in memory when neither works.
    pub fn new(dir: Option<&Path>) -> Spill {
        let file = dir
            .and_then(|d| tempfile::tempfile_in(d).ok())
            .or_else(|| tempfile::tempfile().ok());
        if file.is_none() {
            tracing::warn!("no temporary file for waiting links; they are kept in memory");
        }
        Spill {
            file,
            flushed: 0,
            buf: Vec::new(),
        }
    }

    /// A store that never touches the disk.
    pub fn in_memory() -> Spill {
        Spill {
            file: None,
            flushed: 0,
            buf: Vec::new(),
        }
    }

    /// Appends `occ` after the chain `prev`; returns the new head.
    pub fn push(&mut self, prev: Head, occ: &Occ) -> Head {
        let at = self.flushed + self.buf.len() as u64;
        let start = self.buf.len();
        self.buf.extend_from_slice(&prev.to_le_bytes());
        self.buf.extend_from_slice(&[0; 4]);
        self.buf.push(element_code(occ.element));
        self.buf.push(u8::from(occ.origin == Origin::Derived));
        for s in [&*occ.page, &*occ.target, &*occ.text] {
            put_str(&mut self.buf, s);
        }
        match &occ.fragment {
            Some(f) => {
                self.buf.push(1);
                put_str(&mut self.buf, f);
            }
            None => self.buf.push(0),
        }
        let len = u32::try_from(self.buf.len() - start - 12).unwrap_or(u32::MAX);
        if let Some(slot) = self.buf.get_mut(start + 8..start + 12) {
            slot.copy_from_slice(&len.to_le_bytes());
        }
        if self.buf.len() >= FLUSH_AT {
            self.flush();
        }
        at + 1
    }

    fn flush(&mut self) {
        let Some(f) = self.file.as_mut() else {
            return;
        };
        match f.write_all(&self.buf) {
            Ok(()) => {
                self.flushed += self.buf.len() as u64;
                self.buf.clear();
            }
            Err(e) => {
                // Keep the records in memory from here on; nothing is lost.
                tracing::warn!(error = %e, "cannot write waiting links to disk; keeping them in memory");
                self.file = None;
            }
        }
    }

    /// The occurrences of the chain `head`, oldest first. A record that
    /// cannot be read back is left out (and logged).
    pub fn take(&mut self, mut head: Head) -> Vec<Occ> {
        let mut out = Vec::new();
        while head != 0 {
            let at = head - 1;
            match self.read(at) {
                Some((prev, occ)) => {
                    out.push(occ);
                    head = prev;
                }
                None => {
                    tracing::error!(offset = at, "a waiting link could not be read back");
                    break;
                }
            }
        }
        out.reverse();
        out
    }

    fn read(&mut self, at: u64) -> Option<(Head, Occ)> {
        if at >= self.flushed {
            let i = usize::try_from(at - self.flushed).ok()?;
            return decode(self.buf.get(i..)?);
        }
        let file = self.file.as_ref()?;
        let mut head = [0u8; 12];
        read_at(file, &mut head, at)?;
        let len = u32::from_le_bytes(head.get(8..12)?.try_into().ok()?) as usize;
        let mut rec = vec![0u8; 12 + len];
        rec.get_mut(..12)?.copy_from_slice(&head);
        read_at(file, rec.get_mut(12..)?, at + 12)?;
        decode(&rec)
    }
}

#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], at: u64) -> Option<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, at).ok()
}

#[cfg(not(unix))]
fn read_at(mut f: &File, buf: &mut [u8], at: u64) -> Option<()> {
    use std::io::{Read, Seek, SeekFrom};
    f.seek(SeekFrom::Start(at)).ok()?;
    f.read_exact(buf).ok()
}

fn put_str(buf: &mut Vec<u8>, s: &str) {
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    buf.extend_from_slice(&len.to_le_bytes());
    buf.extend_from_slice(s.as_bytes().get(..len as usize).unwrap_or_default());
}

/// Reads one record from the start of `b`.
fn decode(b: &[u8]) -> Option<(Head, Occ)> {
    let mut r = Reader(b);
    let prev = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let _len = r.take(4)?;
    let element = element_of(*r.take(1)?.first()?)?;
    let origin = if *r.take(1)?.first()? == 1 {
        Origin::Derived
    } else {
        Origin::Markup
    };
    let page: Arc<str> = r.str()?.into();
    let target: Arc<str> = r.str()?.into();
    let text: Box<str> = r.str()?.into();
    let fragment = match *r.take(1)?.first()? {
        1 => Some(r.str()?.into()),
        _ => None,
    };
    Some((
        prev,
        Occ {
            page,
            target,
            text,
            element,
            origin,
            fragment,
        },
    ))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = self.0.split_at_checked(n)?;
        self.0 = b;
        Some(a)
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        std::str::from_utf8(self.take(len)?).ok()
    }
}

fn element_code(e: Element) -> u8 {
    e as u8
}

fn element_of(code: u8) -> Option<Element> {
    Element::ALL.get(usize::from(code)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(i: usize, e: Element) -> Occ {
        Occ {
            page: format!("http://a.gov.cn/zwgk/index_{i}.html").into(),
            target: format!("http://a.gov.cn/zwgk/t2026_{}.html#p{i}", i % 7).into(),
            text: format!("关于第{i}号通知").into(),
            element: e,
            origin: if i.is_multiple_of(3) {
                Origin::Derived
            } else {
                Origin::Markup
            },
            fragment: i.is_multiple_of(2).then(|| format!("p{i}").into()),
        }
    }

    fn round_trip(mut s: Spill) {
        // 7 targets, occurrences interleaved, enough to flush several times.
        let mut heads = [0u64; 7];
        let mut want: Vec<Vec<Occ>> = vec![Vec::new(); 7];
        for i in 0..40_000 {
            let e = Element::ALL[i % Element::ALL.len()];
            let o = occ(i, e);
            let t = i % 7;
            heads[t] = s.push(heads[t], &o);
            want[t].push(o);
            if i == 20_000 {
                // A target checked mid-way; later occurrences start a new chain.
                assert_eq!(s.take(heads[3]), want[3]);
                heads[3] = 0;
                want[3].clear();
            }
        }
        for t in 0..7 {
            assert_eq!(s.take(heads[t]), want[t], "target {t}");
        }
        assert!(s.take(0).is_empty());
    }

    #[test]
    fn element_codes_round_trip() {
        assert_eq!(Element::ALL.len(), Element::Datastore as usize + 1);
        for e in Element::ALL {
            assert_eq!(element_of(element_code(e)), Some(e));
        }
        assert_eq!(element_of(200), None);
    }

    #[test]
    fn occurrences_come_back_whole_in_order_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spill::new(Some(dir.path()));
        assert!(s.file.is_some());
        round_trip(s);
        // The file is unlinked: nothing is left in the run folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn occurrences_come_back_whole_in_order_from_memory() {
        round_trip(Spill::in_memory());
    }
}
