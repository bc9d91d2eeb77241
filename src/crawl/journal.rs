//! The run journal (`journal.jsonl` in the run folder): every finished job's
//! result, one JSON line each, flushed at least every second. `--resume`
//! replays it so an interrupted run finishes with the same result as an
//! uninterrupted one, without fetching again what it already fetched.
//!
//! A journal holds every link of every page (about 12 KB a page, a gigabyte
//! for 100,000 pages), so a resumed run does not load it: [`Replay`] keeps
//! only where each result's line starts, and reads the line when the crawl
//! reaches that URL again.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::job::JobResult;
use crate::fingerprint::{FingerprintMap, Fingerprinter};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Instant;

/// File name of the journal in a run folder.
pub const FILE: &str = "journal.jsonl";

/// An open journal.
pub struct Journal {
    out: BufWriter<File>,
    last_flush: Instant,
    failed: bool,
}

impl Journal {
    /// Creates (truncates) the journal of a run folder; with `keep`, appends.
    pub fn open(dir: &Path, keep: bool) -> std::io::Result<Journal> {
        let mut f = OpenOptions::new()
            .create(true)
            .append(keep)
            .write(true)
            .truncate(!keep)
            .open(dir.join(FILE))?;
        if keep && !ends_with_newline(dir)? {
            // A line torn by a kill: end it, so the next result starts a line of its own.
            f.write_all(b"\n")?;
        }
        Ok(Journal {
            out: BufWriter::with_capacity(256 * 1024, f),
            last_flush: Instant::now(),
            failed: false,
        })
    }

    /// Appends one result.
    pub fn append(&mut self, r: &JobResult) {
        if self.failed {
            return;
        }
        let res = serde_json::to_writer(&mut self.out, r)
            .map_err(std::io::Error::other)
            .and_then(|_| self.out.write_all(b"\n"));
        if let Err(e) = res {
            tracing::error!(error = %e, "cannot write the run journal; --resume will refetch");
            self.failed = true;
            return;
        }
        if self.last_flush.elapsed().as_secs() >= 1 {
            self.flush();
        }
    }

    /// Flushes to the file.
    pub fn flush(&mut self) {
        self.last_flush = Instant::now();
        if let Err(e) = self.out.flush() {
            tracing::error!(error = %e, "cannot flush the run journal");
            self.failed = true;
        }
    }
}

/// Whether the journal is empty or ends with a newline.
fn ends_with_newline(dir: &Path) -> std::io::Result<bool> {
    let mut f = File::open(dir.join(FILE))?;
    if f.metadata()?.len() == 0 {
        return Ok(true);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// The results of an interrupted run, by key: where each line starts in
/// its journal (16 bytes a result), read back when asked for.
#[derive(Debug, Default)]
pub struct Replay {
    file: Option<File>,
    fp: Fingerprinter,
    at: FingerprintMap<u64>,
}

/// The first field of a journal line (the rest is checked, not kept).
#[derive(serde::Deserialize)]
struct KeyOnly {
    key: String,
}

impl Replay {
    /// Indexes the journal of a run folder. A line that is not a whole result
    /// (the process was killed mid-write) is ignored; for a key written twice
    /// the later line counts.
    pub fn load(dir: &Path) -> std::io::Result<Replay> {
        let file = File::open(dir.join(FILE))?;
        let fp = Fingerprinter::new();
        let mut at = FingerprintMap::default();
        let mut reader = BufReader::with_capacity(256 * 1024, &file);
        let mut line = Vec::new();
        let mut offset = 0u64;
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            if let Ok(k) = serde_json::from_slice::<KeyOnly>(&line) {
                at.insert(fp.of(&k.key), offset);
            }
            offset += n as u64;
        }
        Ok(Replay {
            file: Some(file),
            fp,
            at,
        })
    }

    /// Results not yet taken.
    pub fn len(&self) -> usize {
        self.at.len()
    }

    /// Whether no result is left.
    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Whether a result is recorded for `key` (not taken yet).
    pub fn has(&self, key: &str) -> bool {
        self.file.is_some() && self.at.contains_key(&self.fp.of(key))
    }

    /// The result recorded for `key`, once; None when there is none or its
    /// line cannot be read back (the URL is then fetched again).
    pub fn take(&mut self, key: &str) -> Option<JobResult> {
        // A fresh run has no journal to replay: nothing to hash.
        let mut f = self.file.as_ref()?;
        let offset = self.at.remove(&self.fp.of(key))?;
        let read = f.seek(SeekFrom::Start(offset)).and_then(|_| {
            let mut line = Vec::new();
            BufReader::new(f).read_until(b'\n', &mut line)?;
            Ok(line)
        });
        let line = match read {
            Ok(line) => line,
            Err(e) => {
                tracing::warn!(error = %e, key, "cannot read the journal back; fetching again");
                return None;
            }
        };
        serde_json::from_slice::<JobResult>(&line)
            .ok()
            .filter(|r| r.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::job::{FoundLink, JobResult, LinkClass, Outcome, PageData};
    use crate::link::{Element, Origin};

    fn result(key: &str) -> JobResult {
        JobResult {
            key: key.to_string(),
            url: key.to_string(),
            outcome: Outcome {
                status: Some(200),
                ..Default::default()
            },
            page: None,
            failed: None,
        }
    }

    #[test]
    fn a_line_torn_by_a_kill_costs_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), false).unwrap();
        j.append(&result("http://a/1"));
        j.flush();
        drop(j);
        // Killed in the middle of the second line.
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.path().join(FILE))
            .unwrap();
        f.write_all(br#"{"key":"http://a/2","u"#).unwrap();
        drop(f);
        assert_eq!(Replay::load(dir.path()).unwrap().len(), 1);
        // Resumed: the next result is not glued to the torn line.
        let mut j = Journal::open(dir.path(), true).unwrap();
        j.append(&result("http://a/3"));
        j.flush();
        let mut replay = Replay::load(dir.path()).unwrap();
        assert_eq!(replay.len(), 2);
        assert!(replay.take("http://a/2").is_none());
        assert_eq!(replay.take("http://a/3").unwrap().key, "http://a/3");
        assert_eq!(replay.take("http://a/1").unwrap().key, "http://a/1");
        assert!(replay.is_empty());
    }

    #[test]
    fn results_come_back_whole_once_while_the_journal_grows() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path(), false).unwrap();
        let page = |i: usize| {
            let mut r = result(&format!("http://a.gov.cn/zwgk/t{i}.html"));
            r.page = Some(PageData {
                title: format!("关于第{i}号文件的通知"),
                links: (0..i % 5)
                    .map(|n| FoundLink {
                        hidden: None,
                        raw: String::new(),
                        url: Some(format!("http://a.gov.cn/{n}.pdf")),
                        text: format!("附件{n}"),
                        element: Element::A,
                        origin: Origin::Markup,
                        class: LinkClass::NotChecked,
                    })
                    .collect(),
                html: true,
                ..Default::default()
            });
            r
        };
        for i in 0..300 {
            j.append(&page(i));
        }
        j.flush();
        let mut replay = Replay::load(dir.path()).unwrap();
        // The resumed run appends to the journal it replays.
        let mut j = Journal::open(dir.path(), true).unwrap();
        for i in (0..300).rev() {
            let key = format!("http://a.gov.cn/zwgk/t{i}.html");
            let r = replay.take(&key).unwrap();
            let want = page(i);
            assert_eq!(r.key, want.key);
            let (got, want) = (r.page.unwrap(), want.page.unwrap());
            assert_eq!(got.title, want.title);
            assert_eq!(got.links.len(), want.links.len());
            assert_eq!(
                got.links.last().map(|l| &l.text),
                want.links.last().map(|l| &l.text)
            );
            assert!(replay.take(&key).is_none(), "taken once");
            j.append(&result(&format!("http://a.gov.cn/new/{i}")));
        }
        assert!(replay.is_empty());
        assert!(replay.take("http://a.gov.cn/new/3").is_none());
        assert!(Replay::default().take("http://a.gov.cn/").is_none());
    }
}
