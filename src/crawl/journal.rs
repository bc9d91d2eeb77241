//! The run journal (`journal.jsonl` in the run folder): every finished job's
//! result, one JSON line each, flushed at least every second. `--resume`
//! replays it so an interrupted run finishes with the same result as an
//! uninterrupted one, without fetching again what it already fetched.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::job::JobResult;
use std::collections::HashMap;
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

/// Reads a journal; a torn last line (the process was killed mid-write) is ignored.
pub fn load(dir: &Path) -> std::io::Result<HashMap<String, JobResult>> {
    let f = File::open(dir.join(FILE))?;
    let mut map = HashMap::new();
    for line in BufReader::new(f).lines() {
        let line = line?;
        if let Ok(r) = serde_json::from_str::<JobResult>(&line) {
            map.insert(r.key.clone(), r);
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::job::{JobResult, Outcome};

    fn result(key: &str) -> JobResult {
        JobResult {
            key: key.to_string(),
            url: key.to_string(),
            outcome: Outcome {
                status: Some(200),
                ..Default::default()
            },
            page: None,
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
        assert_eq!(load(dir.path()).unwrap().len(), 1);
        // Resumed: the next result is not glued to the torn line.
        let mut j = Journal::open(dir.path(), true).unwrap();
        j.append(&result("http://a/3"));
        j.flush();
        let map = load(dir.path()).unwrap();
        let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["http://a/1", "http://a/3"]);
    }
}
