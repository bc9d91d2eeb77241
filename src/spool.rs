//! An append-only store of byte records in an unlinked temporary file: what
//! a run must keep until later but never looks at meanwhile (link occurrences
//! waiting for their target, the items of every list page until the columns
//! are judged). On a 100,000-page site that is tens of megabytes the page
//! cache holds while there is room, instead of the process's heap.
//!
//! A record is `[len: u32][payload]`, little-endian; its handle is its offset
//! plus one (0 is never a handle). Records are appended to a buffer flushed
//! 1 MiB at a time, so a record read soon after it was written never touches
//! the file. Without a usable temporary file everything stays in the buffer.
//! The file is unlinked at creation: a killed run leaves nothing behind.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use std::borrow::Cow;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// Buffered bytes written to the file at once.
const FLUSH_AT: usize = 1 << 20;

/// Bytes read at once when a record is read from the file.
const READ_AHEAD: u64 = 512;

/// Where a record is (0: no record).
pub type Handle = u64;

/// The store.
#[derive(Default)]
pub struct Spool {
    file: Option<File>,
    /// Bytes in the file; the buffer continues from there.
    flushed: u64,
    buf: Vec<u8>,
    /// A write failed (a full disk): the file stays readable, new records stay in memory.
    write_failed: bool,
}

impl std::fmt::Debug for Spool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spool")
            .field("on_disk", &self.on_disk())
            .field("bytes", &(self.flushed + self.buf.len() as u64))
            .finish()
    }
}

impl Spool {
    /// A store backed by an unlinked temporary file in `dir` (the system's
    /// temporary directory when None or unusable); in memory when neither works.
    pub fn new(dir: Option<&Path>) -> Spool {
        let file = dir
            .and_then(|d| tempfile::tempfile_in(d).ok())
            .or_else(|| tempfile::tempfile().ok());
        if file.is_none() {
            tracing::warn!(
                "no temporary file for the run's spooled records; they are kept in memory"
            );
        }
        Spool {
            file,
            ..Spool::default()
        }
    }

    /// A store that never touches the disk (also the default).
    pub fn in_memory() -> Spool {
        Spool::default()
    }

    /// Whether records go to a file.
    pub fn on_disk(&self) -> bool {
        self.file.is_some() && !self.write_failed
    }

    /// Appends the record `write` puts in the buffer; returns its handle.
    pub fn append(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> Handle {
        let at = self.flushed + self.buf.len() as u64;
        let start = self.buf.len();
        self.buf.extend_from_slice(&[0; 4]);
        write(&mut self.buf);
        let len = u32::try_from(self.buf.len() - start - 4).unwrap_or(u32::MAX);
        if let Some(slot) = self.buf.get_mut(start..start + 4) {
            slot.copy_from_slice(&len.to_le_bytes());
        }
        if self.buf.len() >= FLUSH_AT {
            self.flush();
        }
        at + 1
    }

    fn flush(&mut self) {
        let Some(f) = self.file.as_mut().filter(|_| !self.write_failed) else {
            return;
        };
        // At the end of what was written whole (reads off Unix move the cursor;
        // a torn write is overwritten).
        let written = f
            .seek(SeekFrom::Start(self.flushed))
            .and_then(|_| f.write_all(&self.buf));
        match written {
            Ok(()) => {
                self.flushed += self.buf.len() as u64;
                self.buf.clear();
            }
            Err(e) => {
                // Records already in the file stay readable; the buffer keeps
                // this one and every later one in memory. Nothing is lost.
                tracing::warn!(error = %e, "cannot write spooled records to disk; keeping them in memory");
                self.write_failed = true;
            }
        }
    }

    /// The payload of the record at `h`; None for 0 or a record that cannot
    /// be read back (logged).
    pub fn read(&self, h: Handle) -> Option<Cow<'_, [u8]>> {
        let at = h.checked_sub(1)?;
        let rec = self.read_at(at);
        if rec.is_none() {
            tracing::error!(offset = at, "a spooled record could not be read back");
        }
        rec
    }

    fn read_at(&self, at: u64) -> Option<Cow<'_, [u8]>> {
        if at >= self.flushed {
            let i = usize::try_from(at - self.flushed).ok()?;
            let mut r = Reader(self.buf.get(i..)?);
            let len = r.u32()? as usize;
            return r.take(len).map(Cow::Borrowed);
        }
        let file = self.file.as_ref()?;
        // Most records are a few hundred bytes: one read gets the length and
        // the payload; a longer record takes a second read.
        let first = (self.flushed - at).min(READ_AHEAD) as usize;
        let mut rec = vec![0u8; first];
        read_exact_at(file, &mut rec, at)?;
        let len = u64::from(Reader(&rec).u32()?);
        if at + 4 + len > self.flushed {
            return None;
        }
        let end = usize::try_from(4 + len).ok()?;
        if end <= rec.len() {
            rec.truncate(end);
        } else {
            let have = rec.len();
            rec.resize(end, 0);
            read_exact_at(file, rec.get_mut(have..)?, at + have as u64)?;
        }
        rec.drain(..4);
        Some(Cow::Owned(rec))
    }
}

#[cfg(unix)]
fn read_exact_at(f: &File, buf: &mut [u8], at: u64) -> Option<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, at).ok()
}

#[cfg(not(unix))]
fn read_exact_at(mut f: &File, buf: &mut [u8], at: u64) -> Option<()> {
    use std::io::{Read, Seek, SeekFrom};
    f.seek(SeekFrom::Start(at)).ok()?;
    f.read_exact(buf).ok()
}

/// Appends `s`, length first.
pub fn put_str(buf: &mut Vec<u8>, s: &str) {
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    buf.extend_from_slice(&len.to_le_bytes());
    buf.extend_from_slice(s.as_bytes().get(..len as usize).unwrap_or_default());
}

/// Reads a record's fields in order; every read is checked.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = self.0.split_at_checked(n)?;
        self.0 = b;
        Some(a)
    }

    /// One byte.
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    /// A little-endian `u64`.
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A string written by [`put_str`].
    pub fn str(&mut self) -> Option<&'a str> {
        let len = self.u32()? as usize;
        std::str::from_utf8(self.take(len)?).ok()
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Record `i`: mostly short, every 97th longer than one read ahead.
    fn text(i: u32) -> String {
        let long = if i.is_multiple_of(97) {
            "长".repeat(400)
        } else {
            String::new()
        };
        format!("关于第{i}号通知 http://a.gov.cn/zwgk/t2026_{i}.html{long}")
    }

    fn round_trip(mut s: Spool) {
        // Enough records to flush several times; read some back mid-way.
        let mut handles = Vec::new();
        for i in 0..30_000u32 {
            let h = s.append(|b| {
                b.extend_from_slice(&i.to_le_bytes());
                put_str(b, &text(i));
            });
            handles.push(h);
            if i == 15_000 {
                let rec = s.read(handles[7]).unwrap();
                assert_eq!(Reader(&rec).u32(), Some(7));
            }
        }
        for (i, h) in handles.iter().enumerate() {
            let rec = s.read(*h).unwrap();
            let mut r = Reader(&rec);
            assert_eq!(r.u32(), Some(i as u32));
            assert_eq!(r.str(), Some(text(i as u32).as_str()));
            assert!(r.is_empty());
        }
        assert!(s.read(0).is_none());
        // A handle past the end is not a record.
        assert!(s.read(u64::MAX).is_none());
    }

    #[test]
    fn records_come_back_whole_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spool::new(Some(dir.path()));
        assert!(s.on_disk());
        round_trip(s);
        // The file is unlinked: nothing is left in the run folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn records_come_back_whole_from_memory() {
        let s = Spool::in_memory();
        assert!(!s.on_disk());
        round_trip(s);
    }

    #[test]
    fn a_failed_write_keeps_every_record_readable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool");
        let mut s = Spool {
            file: Some(File::create(&path).unwrap()),
            ..Spool::default()
        };
        let rec = |i: u32| {
            format!(
                "第{i}条 http://a.gov.cn/zwgk/t2026_{i}.html {}",
                "x".repeat(200)
            )
        };
        let mut handles = Vec::new();
        let mut i = 0;
        while s.flushed == 0 {
            handles.push(s.append(|b| put_str(b, &rec(i))));
            i += 1;
        }
        // The disk fills: the next flush fails (a read-only handle to the same file).
        s.file = Some(File::open(&path).unwrap());
        let before = s.flushed;
        for _ in 0..10_000 {
            handles.push(s.append(|b| put_str(b, &rec(i))));
            i += 1;
        }
        assert!(s.write_failed && !s.on_disk());
        assert_eq!(s.flushed, before, "nothing more counted as written");
        for (i, h) in handles.iter().enumerate() {
            let back = s.read(*h).unwrap_or_else(|| panic!("record {i} lost"));
            assert_eq!(Reader(&back).str(), Some(rec(i as u32).as_str()));
        }
    }

    #[test]
    fn truncated_fields_are_none_not_a_panic() {
        let mut r = Reader(&[3, 0, 0, 0, b'a']);
        assert_eq!(r.str(), None);
        let mut r = Reader(&[1, 2]);
        assert_eq!(r.u32(), None);
        assert_eq!(Reader(&[]).u8(), None);
        assert_eq!(Reader(&[0xff, 0xfe]).take(3), None);
    }
}
