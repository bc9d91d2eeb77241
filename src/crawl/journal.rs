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
use std::io::{BufRead, BufReader, BufWriter, Write};
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
        let f = OpenOptions::new()
            .create(true)
            .append(keep)
            .write(true)
            .truncate(!keep)
            .open(dir.join(FILE))?;
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
