//! Run history in an embedded SQLite file (`reports/history.sqlite`): runs with
//! their counts and score (the trend chart), and every finding's first-seen and
//! last-seen dates (first_seen in findings.csv, days open in diff.csv).
//!
//! A finding's identity is its key (kind, page, target; `Finding::key()`). It
//! keeps its first-seen date while it is seen run after run; once a finished
//! run no longer sees it, it counts as fixed, and if it comes back it is new
//! again with a new first-seen date. WAL mode and a busy timeout let two
//! crawls of different sites share the file. The schema is versioned with
//! `PRAGMA user_version`.
//!
//! Each run records its folder (schema 2): relative to the history file's
//! folder when under it (`site/20260520-023000`), absolute otherwise (`--out`),
//! and whether this program created it. Baselines of diffs are read from the
//! recorded folder, and pruning deletes only folders the history created.
//!
//! Schema 3 adds the `visits` of `zwgk-audit probe` (one timed homepage visit
//! per start URL, every 30 minutes from cron): the availability veto counts
//! them over the last week.
//!
//! Schema 4 adds each run's coverage (`runs.scope`: full, homepage, partial).
//! Only complete runs are finished runs; a run's diff baseline is the last
//! finished run whose coverage covers it ([`Coverage::baselines`]), and a
//! finding stays open (keeps its first-seen date) while it was seen by the
//! last full run or by any finished run since (a homepage-only run in
//! between does not close the findings deeper down).

use super::error::ReportError;
use super::rows::FindingRow;
use super::summary::{Coverage, Summary};
use chrono::{DateTime, Local};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Schema version this program writes.
pub const SCHEMA_VERSION: i64 = 4;

/// File name of the history database under the reports folder.
pub const HISTORY_FILE: &str = "history.sqlite";

const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS runs (
    site_id     TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    started     TEXT NOT NULL,
    started_ts  INTEGER NOT NULL,
    date        TEXT NOT NULL,
    rules_path  TEXT NOT NULL DEFAULT '',
    finished    TEXT,
    findings    INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    warnings    INTEGER NOT NULL DEFAULT 0,
    infos       INTEGER NOT NULL DEFAULT 0,
    pages       INTEGER NOT NULL DEFAULT 0,
    links       INTEGER NOT NULL DEFAULT 0,
    score       REAL,
    verdict     TEXT,
    new_count   INTEGER,
    fixed_count INTEGER,
    PRIMARY KEY (site_id, run_id)
);
CREATE TABLE IF NOT EXISTS findings (
    site_id    TEXT NOT NULL,
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    page_url   TEXT NOT NULL,
    target_url TEXT NOT NULL,
    severity   TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    first_run  TEXT NOT NULL,
    last_run   TEXT NOT NULL,
    PRIMARY KEY (site_id, key)
);
CREATE INDEX IF NOT EXISTS findings_last_run ON findings (site_id, last_run);
";

/// Schema 2: each run's folder and whether the history created it.
const SCHEMA_V2: &str = "
ALTER TABLE runs ADD COLUMN dir TEXT;
ALTER TABLE runs ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
";

/// Schema 3: the probe's timed visits.
const SCHEMA_V3: &str = "
CREATE TABLE IF NOT EXISTS visits (
    site_id    TEXT NOT NULL,
    url        TEXT NOT NULL,
    home       INTEGER NOT NULL DEFAULT 0,
    at         TEXT NOT NULL,
    at_ts      INTEGER NOT NULL,
    date       TEXT NOT NULL,
    ok         INTEGER NOT NULL,
    status     INTEGER,
    elapsed_ms INTEGER NOT NULL DEFAULT 0,
    reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS visits_site_date ON visits (site_id, home, date);
";

/// Schema 4: what part of the site each run looked at ([`Coverage`] code;
/// NULL: recorded before, read as full).
const SCHEMA_V4: &str = "
ALTER TABLE runs ADD COLUMN scope TEXT;
";

/// The history database of a run directory `reports/<site>/<run-id>`:
/// `reports/history.sqlite`.
pub fn path_for_run(run_dir: &Path) -> PathBuf {
    run_dir
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."))
        .join(HISTORY_FILE)
}

/// The history file of a run folder, when there is one: the file its
/// summary.json names (any folder, `--out`), else `history.sqlite` two
/// folders up (`reports/<site>/<run-id>`). Never creates one.
pub fn path_of_run(run_dir: &Path) -> Option<PathBuf> {
    Summary::read(run_dir)
        .ok()
        .and_then(|s| s.history)
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| Some(path_for_run(run_dir)).filter(|p| p.is_file()))
}

/// One run as the history knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunInfo {
    /// Site id.
    pub site_id: String,
    /// Run id (also the run folder name).
    pub run_id: String,
    /// Start time, RFC 3339.
    pub started: String,
    /// The run's date, YYYY-MM-DD.
    pub date: String,
    /// End time, None while running or if it was killed.
    pub finished: Option<String>,
    /// Findings in all.
    pub findings: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
    /// Pages fetched.
    pub pages: usize,
    /// Link occurrences.
    pub links: usize,
    /// Estimated score.
    pub score: Option<f64>,
    /// `pass` / `fail` / `partial`.
    pub verdict: Option<String>,
    /// New findings against the previous run.
    pub new: Option<usize>,
    /// Fixed findings against the previous run.
    pub fixed: Option<usize>,
}

const RUN_COLUMNS: &str = "site_id, run_id, started, date, finished, findings, errors, warnings, infos, pages, links, score, verdict, new_count, fixed_count";

fn run_info(r: &rusqlite::Row) -> rusqlite::Result<RunInfo> {
    let n = |i: usize| -> rusqlite::Result<usize> { Ok(r.get::<_, i64>(i)?.max(0) as usize) };
    let on = |i: usize| -> rusqlite::Result<Option<usize>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(|v| v.max(0) as usize))
    };
    Ok(RunInfo {
        site_id: r.get(0)?,
        run_id: r.get(1)?,
        started: r.get(2)?,
        date: r.get(3)?,
        finished: r.get(4)?,
        findings: n(5)?,
        errors: n(6)?,
        warnings: n(7)?,
        infos: n(8)?,
        pages: n(9)?,
        links: n(10)?,
        score: r.get(11)?,
        verdict: r.get(12)?,
        new: on(13)?,
        fixed: on(14)?,
    })
}

/// First-seen dates of a run: the history's dates for findings still open, the
/// run's date for the rest.
#[derive(Debug, Clone, Default)]
pub struct FirstSeen {
    map: HashMap<String, String>,
    today: String,
}

impl FirstSeen {
    /// A lookup over `map` (from [`History::first_seen_map`]) for a run dated `today` (YYYY-MM-DD).
    pub fn new(map: HashMap<String, String>, today: impl Into<String>) -> Self {
        FirstSeen {
            map,
            today: today.into(),
        }
    }
    /// The first-seen date of the finding with this key (`Finding::key()`).
    pub fn get(&self, key: &str) -> &str {
        self.map.get(key).map(String::as_str).unwrap_or(&self.today)
    }
}

/// First-seen dates of the findings still open, held compactly for a run
/// with 100,000 of them: a 64-bit fingerprint per finding key and an index
/// into the few distinct dates (a fingerprint collision, about n²/2⁶⁵, would
/// only give a finding another first-seen date).
#[derive(Debug, Default)]
pub struct FirstSeenIndex {
    fp: crate::fingerprint::Fingerprinter,
    keys: crate::fingerprint::FingerprintMap<u32>,
    dates: Vec<String>,
    date_ids: HashMap<String, u32>,
}

impl FirstSeenIndex {
    /// Records `date` (YYYY-MM-DD) as the first-seen date of finding `key`.
    pub fn insert(&mut self, key: &str, date: &str) {
        let id = match self.date_ids.get(date) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.dates.len()).unwrap_or(u32::MAX);
                self.dates.push(date.to_string());
                self.date_ids.insert(date.to_string(), id);
                id
            }
        };
        self.keys.insert(self.fp.of(key), id);
    }

    /// The first-seen date of finding `key` (`Finding::key()`), if recorded.
    pub fn get(&self, key: &str) -> Option<&str> {
        let id = *self.keys.get(&self.fp.of(key))?;
        self.dates.get(id as usize).map(String::as_str)
    }

    /// Findings recorded.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// The history database.
pub struct History {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History").field("path", &self.path).finish()
    }
}

impl History {
    /// Opens (creating if needed) the history database at `path`, e.g.
    /// `reports/history.sqlite`, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<History, ReportError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| ReportError::io(dir, e))?;
        }
        let conn = Connection::open(path).map_err(|source| ReportError::Sqlite {
            path: path.to_path_buf(),
            source,
        })?;
        let h = History {
            conn,
            path: path.to_path_buf(),
        };
        h.init()?;
        Ok(h)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> ReportError {
        ReportError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn init(&self) -> Result<(), ReportError> {
        let c = &self.conn;
        c.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| self.err(e))?;
        c.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        c.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| self.err(e))?;
        let version: i64 = c
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if version > SCHEMA_VERSION {
            return Err(ReportError::SchemaTooNew {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < 1 {
            c.execute_batch(&format!(
                "BEGIN; {SCHEMA_V1} PRAGMA user_version = 1; COMMIT;"
            ))
            .map_err(|e| self.err(e))?;
        }
        if version < 2 {
            self.migrate_v2()?;
        }
        if version < 3 {
            self.migrate_v3()?;
        }
        if version < 4 {
            self.migrate_v4()?;
        }
        // Later versions migrate here, one step at a time.
        Ok(())
    }

    /// Runs `step` and sets the schema version to `to`, in one IMMEDIATE
    /// transaction (two runs opening an old file at once migrate it once).
    fn migrate(
        &self,
        to: i64,
        step: impl FnOnce(&rusqlite::Transaction) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )
        .map_err(|e| self.err(e))?;
        let version: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if version >= to {
            return Ok(());
        }
        step(&tx)?;
        tx.execute_batch(&format!("PRAGMA user_version = {to};"))
            .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// The (site, run, dir) of every run.
    fn all_runs(
        &self,
        tx: &rusqlite::Transaction,
    ) -> Result<Vec<(String, String, Option<String>)>, ReportError> {
        let mut st = tx
            .prepare("SELECT site_id, run_id, dir FROM runs")
            .map_err(|e| self.err(e))?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))
    }

    /// Schema 1 → 2: runs get their folder. A run of schema 1 was written to
    /// `<site>/<run-id>` next to the history file unless `--out` said
    /// otherwise; that folder is recorded (as created by the history) only
    /// when it exists and holds run reports, so a folder of some other run
    /// with the same name is never taken for it.
    fn migrate_v2(&self) -> Result<(), ReportError> {
        self.migrate(2, |tx| {
            tx.execute_batch(SCHEMA_V2).map_err(|e| self.err(e))?;
            for (site, run, _) in self.all_runs(tx)? {
                if !is_plain_name(&site) || !is_plain_name(&run) {
                    continue;
                }
                let rel = Path::new(&site).join(&run);
                if looks_like_run_folder(&self.root().join(&rel)) {
                    tx.execute(
                        "UPDATE runs SET dir = ?3, created = 1 WHERE site_id = ?1 AND run_id = ?2",
                        params![site, run, rel.to_string_lossy()],
                    )
                    .map_err(|e| self.err(e))?;
                }
            }
            Ok(())
        })
    }

    /// Schema 2 → 3: the table of probe visits (nothing to convert).
    fn migrate_v3(&self) -> Result<(), ReportError> {
        self.migrate(3, |tx| tx.execute_batch(SCHEMA_V3).map_err(|e| self.err(e)))
    }

    /// Schema 3 → 4: each run's coverage, read from the summary.json of its
    /// folder where there is one (else left NULL: full). A homepage-only or
    /// capped run recorded before is then no longer a full run's baseline.
    fn migrate_v4(&self) -> Result<(), ReportError> {
        self.migrate(4, |tx| {
            tx.execute_batch(SCHEMA_V4).map_err(|e| self.err(e))?;
            for (site, run, dir) in self.all_runs(tx)? {
                let Some(dir) = dir else { continue };
                let Ok(s) = Summary::read(&self.root().join(dir)) else {
                    continue;
                };
                if s.run_id != run {
                    continue;
                }
                tx.execute(
                    "UPDATE runs SET scope = ?3 WHERE site_id = ?1 AND run_id = ?2",
                    params![site, run, s.coverage().code()],
                )
                .map_err(|e| self.err(e))?;
            }
            Ok(())
        })
    }

    /// Records one probe visit of a site (`at_ts`: its Unix time, for ordering).
    pub fn record_visit(
        &self,
        site_id: &str,
        v: &crate::probe::Visit,
        at_ts: i64,
    ) -> Result<(), ReportError> {
        self.conn
            .execute(
                "INSERT INTO visits (site_id, url, home, at, at_ts, date, ok, status, elapsed_ms, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    site_id,
                    v.url,
                    v.home,
                    v.at,
                    at_ts,
                    v.date,
                    v.ok,
                    v.status,
                    i64::try_from(v.elapsed_ms).unwrap_or(i64::MAX),
                    v.reason
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The homepage visits of a site dated `from` to `to` (inclusive), oldest first.
    pub fn home_visits(
        &self,
        site_id: &str,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::probe::Visit>, ReportError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT url, at, date, ok, status, elapsed_ms, reason FROM visits
                 WHERE site_id = ?1 AND home = 1 AND date >= ?2 AND date <= ?3
                 ORDER BY at_ts, rowid",
            )
            .map_err(|e| self.err(e))?;
        st.query_map(
            params![
                site_id,
                from.format("%Y-%m-%d").to_string(),
                to.format("%Y-%m-%d").to_string()
            ],
            |r| {
                Ok(crate::probe::Visit {
                    url: r.get(0)?,
                    at: r.get(1)?,
                    date: r.get(2)?,
                    home: true,
                    ok: r.get(3)?,
                    status: r.get(4)?,
                    elapsed_ms: r.get::<_, i64>(5)?.max(0) as u64,
                    reason: r.get(6)?,
                })
            },
        )
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| self.err(e))
    }

    /// The folder of the history file: recorded run folders are relative to it.
    fn root(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// How a run folder is stored: relative to [`root`](Self::root) when under it.
    fn stored_dir(&self, dir: &Path) -> String {
        let abs = absolute(dir);
        let root = absolute(&self.root());
        match abs.strip_prefix(&root) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
            _ => abs.to_string_lossy().into_owned(),
        }
    }

    /// Records the folder of a run and whether this run created it (only
    /// such folders are ever deleted by pruning). Another run of the site
    /// recorded in the same folder loses it: its reports are being
    /// overwritten, so it is no longer a baseline nor deleted with its run.
    pub fn set_run_dir(
        &self,
        site_id: &str,
        run_id: &str,
        dir: &Path,
        created: bool,
    ) -> Result<(), ReportError> {
        let stored = self.stored_dir(dir);
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let n = tx
            .execute(
                "UPDATE runs SET dir = NULL, created = 0
                 WHERE dir = ?1 AND NOT (site_id = ?2 AND run_id = ?3)",
                params![stored, site_id, run_id],
            )
            .map_err(|e| self.err(e))?;
        if n > 0 {
            tracing::warn!(
                dir = %dir.display(),
                "the folder held the reports of an earlier run: they are overwritten, and that run is no longer a baseline"
            );
        }
        tx.execute(
            "UPDATE runs SET dir = ?3, created = ?4 WHERE site_id = ?1 AND run_id = ?2",
            params![site_id, run_id, stored, created],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// The recorded folder of a run, if the history knows it.
    pub fn run_dir(&self, site_id: &str, run_id: &str) -> Result<Option<PathBuf>, ReportError> {
        let dir: Option<Option<String>> = self.run_value(site_id, run_id, "dir")?;
        Ok(dir.flatten().map(|d| self.root().join(d)))
    }

    /// The run of the site recorded in `dir` (to resume a `--out` run), if any.
    pub fn run_in_dir(&self, site_id: &str, dir: &Path) -> Result<Option<String>, ReportError> {
        self.conn
            .query_row(
                "SELECT run_id FROM runs WHERE site_id = ?1 AND dir = ?2
                 ORDER BY started_ts DESC, run_id DESC LIMIT 1",
                params![site_id, self.stored_dir(dir)],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// One column of a run's row, None when the history has no such run.
    fn run_value<T: rusqlite::types::FromSql>(
        &self,
        site_id: &str,
        run_id: &str,
        column: &str,
    ) -> Result<Option<T>, ReportError> {
        self.conn
            .query_row(
                &format!("SELECT {column} FROM runs WHERE site_id = ?1 AND run_id = ?2"),
                params![site_id, run_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Whether the history has a run of the site with this id.
    pub fn has_run(&self, site_id: &str, run_id: &str) -> Result<bool, ReportError> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM runs WHERE site_id = ?1 AND run_id = ?2",
                params![site_id, run_id],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// Records the start of a run (or the resumption of one: the start time is kept).
    pub fn begin_run(
        &self,
        site_id: &str,
        run_id: &str,
        started: &DateTime<Local>,
        rules_path: Option<&Path>,
    ) -> Result<(), ReportError> {
        let rules = rules_path
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        self.conn
            .execute(
                "INSERT INTO runs (site_id, run_id, started, started_ts, date, rules_path)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (site_id, run_id) DO UPDATE SET rules_path = excluded.rules_path",
                params![
                    site_id,
                    run_id,
                    started.to_rfc3339(),
                    started.timestamp(),
                    started.format("%Y-%m-%d").to_string(),
                    rules
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The runs whose findings are still open: the last finished full run
    /// (else the last finished run), every finished run since (a homepage-only
    /// or capped run in between does not close what it did not look at), and
    /// any unfinished run started after the last finished one (the current
    /// one, a resumed one, a killed one).
    fn open_runs(&self, site_id: &str) -> Result<Vec<String>, ReportError> {
        let mut st = self
            .conn
            .prepare_cached(
                "WITH anchor AS (
                    SELECT started_ts, run_id FROM runs
                     WHERE site_id = ?1 AND finished IS NOT NULL
                     ORDER BY COALESCE(scope, 'full') = 'full' DESC, started_ts DESC, run_id DESC
                     LIMIT 1)
                 SELECT run_id FROM runs WHERE site_id = ?1 AND (
                    (finished IS NOT NULL AND EXISTS (SELECT 1 FROM anchor a
                        WHERE runs.started_ts > a.started_ts
                           OR (runs.started_ts = a.started_ts AND runs.run_id >= a.run_id)))
                    OR (finished IS NULL AND started_ts >= COALESCE(
                        (SELECT MAX(started_ts) FROM runs WHERE site_id = ?1 AND finished IS NOT NULL), 0)))",
            )
            .map_err(|e| self.err(e))?;
        let ids = st
            .query_map(params![site_id], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        Ok(ids)
    }

    /// First-seen dates (YYYY-MM-DD) of the site's findings that are still open,
    /// keyed by `Finding::key()`. Findings not in the map are new: their
    /// first-seen date is the run's date. Call once at the start of a run.
    pub fn first_seen_map(&self, site_id: &str) -> Result<HashMap<String, String>, ReportError> {
        let mut map = HashMap::new();
        self.each_open_first_seen(site_id, |k, d| {
            map.insert(k, d);
        })?;
        Ok(map)
    }

    /// [`first_seen_map`](Self::first_seen_map) as a [`FirstSeenIndex`],
    /// read row by row (no map of every key's text).
    pub fn first_seen_index(&self, site_id: &str) -> Result<FirstSeenIndex, ReportError> {
        let mut index = FirstSeenIndex::default();
        self.each_open_first_seen(site_id, |k, d| index.insert(&k, &d))?;
        Ok(index)
    }

    /// Calls `f(key, first_seen)`, row by row, for each still-open finding
    /// of the site: each finding whose last run is one of its open runs.
    fn each_open_first_seen(
        &self,
        site_id: &str,
        mut f: impl FnMut(String, String),
    ) -> Result<(), ReportError> {
        let runs = self.open_runs(site_id)?;
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT key, first_seen FROM findings WHERE site_id = ?1 AND last_run = ?2",
            )
            .map_err(|e| self.err(e))?;
        for run in runs {
            let mut rows = st.query(params![site_id, run]).map_err(|e| self.err(e))?;
            while let Some(row) = rows.next().map_err(|e| self.err(e))? {
                let key: String = row.get(0).map_err(|e| self.err(e))?;
                let date: String = row.get(1).map_err(|e| self.err(e))?;
                f(key, date);
            }
        }
        Ok(())
    }

    /// [`first_seen_map`](Self::first_seen_map) as a lookup that answers the run's date for new findings.
    pub fn first_seen(&self, site_id: &str, run_id: &str) -> Result<FirstSeen, ReportError> {
        let today = self.run_date(site_id, run_id)?;
        Ok(FirstSeen::new(self.first_seen_map(site_id)?, today))
    }

    /// The date a recorded run started on, None when the history has no such run.
    pub fn recorded_date(
        &self,
        site_id: &str,
        run_id: &str,
    ) -> Result<Option<chrono::NaiveDate>, ReportError> {
        let date: Option<String> = self.run_value(site_id, run_id, "date")?;
        Ok(date.and_then(|d| d.parse().ok()))
    }

    fn run_date(&self, site_id: &str, run_id: &str) -> Result<String, ReportError> {
        let date: Option<String> = self.run_value(site_id, run_id, "date")?;
        Ok(date.unwrap_or_else(|| Local::now().format("%Y-%m-%d").to_string()))
    }

    /// Records one finding of a run. Prefer [`record_findings`](Self::record_findings)
    /// for many (one transaction).
    pub fn record_finding(
        &self,
        run_id: &str,
        site_id: &str,
        row: &FindingRow,
    ) -> Result<(), ReportError> {
        self.record_findings(run_id, site_id, std::slice::from_ref(row))
    }

    /// Records findings of a run in one transaction: sets their last-seen date
    /// to the run's, and their first-seen date to the row's `first_seen` (the
    /// run's date when empty and the finding is not still open).
    pub fn record_findings(
        &self,
        run_id: &str,
        site_id: &str,
        rows: &[FindingRow],
    ) -> Result<(), ReportError> {
        if rows.is_empty() {
            return Ok(());
        }
        let date = self.run_date(site_id, run_id)?;
        let open: Vec<String> = if rows.iter().any(|r| r.first_seen.is_empty()) {
            self.open_runs(site_id)?
        } else {
            Vec::new()
        };
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        {
            let mut get = tx
                .prepare_cached(
                    "SELECT first_seen, last_run FROM findings WHERE site_id = ?1 AND key = ?2",
                )
                .map_err(|e| self.err(e))?;
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO findings (site_id, key, kind, page_url, target_url, severity,
                                           first_seen, last_seen, first_run, last_run)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
                     ON CONFLICT (site_id, key) DO UPDATE SET
                        severity = excluded.severity,
                        first_run = CASE WHEN findings.first_seen = excluded.first_seen
                                         THEN findings.first_run ELSE excluded.first_run END,
                        first_seen = excluded.first_seen,
                        last_seen = excluded.last_seen,
                        last_run = excluded.last_run",
                )
                .map_err(|e| self.err(e))?;
            for row in rows {
                let key = super::diff::finding_key(row);
                let first_seen = if row.first_seen.is_empty() {
                    let existing: Option<(String, String)> = get
                        .query_row(params![site_id, key], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()
                        .map_err(|e| self.err(e))?;
                    match existing {
                        Some((fs, last)) if last == run_id || open.contains(&last) => fs,
                        _ => date.clone(),
                    }
                } else {
                    row.first_seen.clone()
                };
                put.execute(params![
                    site_id,
                    key,
                    row.kind,
                    row.page_url,
                    row.target_url,
                    row.severity,
                    first_seen,
                    date,
                    run_id
                ])
                .map_err(|e| self.err(e))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Records the end of a run with its counts, score and verdict.
    pub fn finish_run(&self, run_id: &str, summary: &Summary) -> Result<(), ReportError> {
        let sev = |s: &str| summary.by_severity.get(s).copied().unwrap_or(0) as i64;
        let verdict = summary.estimate.verdict.code();
        let n = self
            .conn
            .execute(
                "UPDATE runs SET finished = ?3, findings = ?4, errors = ?5, warnings = ?6, infos = ?7,
                    pages = ?8, links = ?9, score = ?10, verdict = ?11, new_count = ?12, fixed_count = ?13,
                    scope = ?14
                 WHERE site_id = ?1 AND run_id = ?2",
                params![
                    summary.site_id,
                    run_id,
                    summary.finished,
                    summary.findings as i64,
                    sev("error"),
                    sev("warning"),
                    sev("info"),
                    summary.pages as i64,
                    summary.links as i64,
                    summary.estimate.score,
                    verdict,
                    summary.diff.map(|d| d.new as i64),
                    summary.diff.map(|d| d.fixed as i64),
                    summary.coverage().code(),
                ],
            )
            .map_err(|e| self.err(e))?;
        if n == 0 {
            // finish without begin (e.g. a history file replaced mid-run): record it whole.
            let started = DateTime::parse_from_rfc3339(&summary.started)
                .map(|d| d.with_timezone(&Local))
                .unwrap_or_else(|_| Local::now());
            self.begin_run(&summary.site_id, run_id, &started, None)?;
            return self.finish_run(run_id, summary);
        }
        Ok(())
    }

    /// The last finished run of the site before `run_id` (None for the first run).
    pub fn previous_run(
        &self,
        site_id: &str,
        run_id: &str,
    ) -> Result<Option<RunInfo>, ReportError> {
        let cur: Option<i64> = self.run_value(site_id, run_id, "started_ts")?;
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs
             WHERE site_id = ?1 AND run_id <> ?2 AND finished IS NOT NULL
               AND (started_ts < ?3 OR (started_ts = ?3 AND run_id < ?2))
             ORDER BY started_ts DESC, run_id DESC LIMIT 1"
        );
        self.conn
            .query_row(
                &sql,
                params![site_id, run_id, cur.unwrap_or(i64::MAX)],
                run_info,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The baseline of run `run_id`, whose coverage is `coverage`: the last
    /// finished run of the site before it whose coverage covers it (see
    /// [`Coverage::baselines`]), with that coverage. None for the first such run.
    pub fn baseline_run(
        &self,
        site_id: &str,
        run_id: &str,
        coverage: Coverage,
    ) -> Result<Option<(RunInfo, Coverage)>, ReportError> {
        let cur: Option<i64> = self.run_value(site_id, run_id, "started_ts")?;
        let accepted: Vec<&str> = coverage.baselines().iter().map(|c| c.code()).collect();
        let (a, b) = match accepted.as_slice() {
            [a, b, ..] => (*a, *b),
            [a] => (*a, *a),
            [] => ("", ""),
        };
        let sql = format!(
            "SELECT {RUN_COLUMNS}, scope FROM runs
             WHERE site_id = ?1 AND run_id <> ?2 AND finished IS NOT NULL
               AND (started_ts < ?3 OR (started_ts = ?3 AND run_id < ?2))
               AND COALESCE(scope, 'full') IN (?4, ?5)
             ORDER BY started_ts DESC, run_id DESC LIMIT 1"
        );
        self.conn
            .query_row(
                &sql,
                params![site_id, run_id, cur.unwrap_or(i64::MAX), a, b],
                |r| {
                    let scope: Option<String> = r.get(15)?;
                    Ok((run_info(r)?, Coverage::from_code(scope.as_deref())))
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The runs of the site a later run may still take as its baseline: the
    /// last finished run of each coverage.
    pub fn baseline_candidates(&self, site_id: &str) -> Result<Vec<String>, ReportError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT run_id FROM runs r WHERE site_id = ?1 AND finished IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM runs n WHERE n.site_id = ?1
                       AND n.finished IS NOT NULL
                       AND COALESCE(n.scope, 'full') = COALESCE(r.scope, 'full')
                       AND (n.started_ts > r.started_ts
                            OR (n.started_ts = r.started_ts AND n.run_id > r.run_id)))",
            )
            .map_err(|e| self.err(e))?;
        st.query_map(params![site_id], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))
    }

    /// Forgets the folder of a run (its reports were removed): it is no
    /// longer a baseline.
    pub fn forget_run_dir(&self, site_id: &str, run_id: &str) -> Result<(), ReportError> {
        self.conn
            .execute(
                "UPDATE runs SET dir = NULL, created = 0 WHERE site_id = ?1 AND run_id = ?2",
                params![site_id, run_id],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The last `limit` finished runs of the site, oldest first (for the trend chart).
    pub fn runs(&self, site_id: &str, limit: usize) -> Result<Vec<RunInfo>, ReportError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE site_id = ?1 AND finished IS NOT NULL
             ORDER BY started_ts DESC, run_id DESC LIMIT ?2"
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut v = st
            .query_map(
                params![site_id, limit.min(i64::MAX as usize) as i64],
                run_info,
            )
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        v.reverse();
        Ok(v)
    }

    /// Keeps the newest `keep` finished runs of the site (at least one) and
    /// deletes every older run, finished or not, with the findings last seen
    /// in them. Unfinished runs newer than the kept ones (a run in progress, a
    /// killed one to resume) stay. Returns the deleted run ids, newest first.
    pub fn prune(&self, site_id: &str, keep: usize) -> Result<Vec<String>, ReportError> {
        Ok(self
            .prune_runs(site_id, keep)?
            .into_iter()
            .map(|p| p.run_id)
            .collect())
    }

    /// [`prune`](Self::prune), with each deleted run's folder when the
    /// history created it (the only folders the caller may delete).
    pub fn prune_runs(&self, site_id: &str, keep: usize) -> Result<Vec<PrunedRun>, ReportError> {
        let keep = keep.max(1);
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let cutoff: Option<(i64, String)> = tx
            .query_row(
                "SELECT started_ts, run_id FROM runs WHERE site_id = ?1 AND finished IS NOT NULL
                 ORDER BY started_ts DESC, run_id DESC LIMIT 1 OFFSET ?2",
                params![site_id, (keep - 1) as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((ts, id)) = cutoff else {
            return Ok(Vec::new());
        };
        let old: Vec<(String, Option<String>, bool)> = {
            let mut st = tx
                .prepare(
                    "SELECT run_id, dir, created FROM runs WHERE site_id = ?1
                       AND (started_ts < ?2 OR (started_ts = ?2 AND run_id < ?3))
                     ORDER BY started_ts DESC, run_id DESC",
                )
                .map_err(|e| self.err(e))?;
            st.query_map(params![site_id, ts, id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?
        };
        for (id, _, _) in &old {
            tx.execute(
                "DELETE FROM runs WHERE site_id = ?1 AND run_id = ?2",
                params![site_id, id],
            )
            .map_err(|e| self.err(e))?;
        }
        tx.execute(
            "DELETE FROM findings WHERE site_id = ?1
               AND last_run NOT IN (SELECT run_id FROM runs WHERE site_id = ?1)",
            params![site_id],
        )
        .map_err(|e| self.err(e))?;
        // A folder still recorded for a kept run (an --out folder reused) stays.
        let mut kept_dir = tx
            .prepare("SELECT COUNT(*) FROM runs WHERE dir = ?1")
            .map_err(|e| self.err(e))?;
        let mut pruned = Vec::with_capacity(old.len());
        for (run_id, dir, created) in old {
            let dir = match dir {
                Some(d) if created => {
                    let n: i64 = kept_dir
                        .query_row(params![d], |r| r.get(0))
                        .map_err(|e| self.err(e))?;
                    (n == 0).then(|| self.root().join(d))
                }
                _ => None,
            };
            pruned.push(PrunedRun { run_id, dir });
        }
        drop(kept_dir);
        tx.commit().map_err(|e| self.err(e))?;
        Ok(pruned)
    }
}

/// A run deleted from the history by pruning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrunedRun {
    /// Its id.
    pub run_id: String,
    /// Its folder, when the history created it (None: leave the folder alone).
    pub dir: Option<PathBuf>,
}

/// Whether `name` can name one folder (no separators, not `.`/`..`).
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.contains('\0')
}

/// Whether a folder holds the reports of a run (what pruning may delete).
pub fn looks_like_run_folder(dir: &Path) -> bool {
    dir.is_dir()
        && ["summary.json", "findings.csv", "journal.jsonl", "links.csv"]
            .iter()
            .any(|f| dir.join(f).is_file())
}

/// `path` as one spelling: canonical when it exists, else made absolute
/// against the current folder.
pub fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::diff::{DiffStatus, diff, tests::row};
    use crate::report::summary::{RunMeta, Summary, VetoInput};
    use crate::rules::scoring::ScoringSection;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Local> {
        Local.with_ymd_and_hms(2026, 11, day, 3, 15, 0).unwrap()
    }

    fn run_id(day: u32) -> String {
        format!("202611{day:02}-031500")
    }

    /// Runs a whole "crawl" of `keys` (kind, page, target) the way the lead does:
    /// begin, first-seen lookup, record, summary, finish. Returns the rows written.
    fn run(h: &History, day: u32, found: &[(&str, &str, &str)]) -> Vec<FindingRow> {
        run_in(h, day, found, Default::default())
    }

    /// [`run`] of the given scope (homepage-only, capped …).
    fn run_in(
        h: &History,
        day: u32,
        found: &[(&str, &str, &str)],
        scope: crate::report::summary::RunScope,
    ) -> Vec<FindingRow> {
        let id = run_id(day);
        h.begin_run("site", &id, &at(day), Some(Path::new("rules/site.toml")))
            .unwrap();
        let fs = h.first_seen("site", &id).unwrap();
        let rows: Vec<FindingRow> = found
            .iter()
            .map(|(k, p, t)| {
                let key = format!("{k}\t{p}\t{t}");
                row(k, p, t, fs.get(&key))
            })
            .collect();
        h.record_findings(&id, "site", &rows).unwrap();
        let meta = RunMeta {
            site_name: "示例".into(),
            site_id: "site".into(),
            run_id: id.clone(),
            started: at(day),
            finished: at(day) + chrono::Duration::minutes(5),
            homepage: vec!["http://a/".into()],
            pages: 3,
            links: 30,
            checked_urls: 20,
            fail_on: "error".into(),
            complete: true,
            scope,
            stopped: None,
            capped: Vec::new(),
        };
        let s = Summary::build(
            &meta,
            &rows,
            &VetoInput::default(),
            &ScoringSection::default(),
        );
        h.finish_run(&id, &s).unwrap();
        rows
    }

    #[test]
    fn first_seen_across_runs_gives_new_fixed_open() {
        let tmp = tempfile::tempdir().unwrap();
        let h = History::open(&tmp.path().join("reports/history.sqlite")).unwrap();
        let a = ("broken_link", "http://a/", "http://a/x");
        let b = ("soft_404", "http://a/p", "http://a/y");
        let c = ("broken_link", "http://a/q", "http://a/z");
        let r1 = run(&h, 20, &[a, b]);
        assert!(r1.iter().all(|r| r.first_seen == "2026-11-20"));
        // Between runs, b is fixed and c is added.
        let r2 = run(&h, 27, &[a, c]);
        assert_eq!(r2[0].first_seen, "2026-11-20");
        assert_eq!(r2[1].first_seen, "2026-11-27");
        let prev = h.previous_run("site", &run_id(27)).unwrap().unwrap();
        assert_eq!(prev.run_id, run_id(20));
        assert_eq!(prev.errors, 2);
        let d = diff(
            &r1,
            &r2,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        );
        let by = |s: DiffStatus| d.iter().filter(|r| r.status == s).collect::<Vec<_>>();
        assert_eq!(by(DiffStatus::New).len(), 1);
        assert_eq!(by(DiffStatus::New)[0].target_url, "http://a/z");
        assert_eq!(by(DiffStatus::New)[0].days_open, 0);
        assert_eq!(by(DiffStatus::Fixed).len(), 1);
        assert_eq!(by(DiffStatus::Fixed)[0].target_url, "http://a/y");
        assert_eq!(by(DiffStatus::Open).len(), 1);
        assert_eq!(by(DiffStatus::Open)[0].first_seen, "2026-11-20");
        assert_eq!(by(DiffStatus::Open)[0].days_open, 7);
        // b comes back after being fixed: it is new again, with a new first-seen date.
        let r3 = run(&h, 28, &[a, b]);
        assert_eq!(r3[0].first_seen, "2026-11-20");
        assert_eq!(r3[1].first_seen, "2026-11-28");
        let trend = h.runs("site", 10).unwrap();
        assert_eq!(
            trend.iter().map(|r| r.date.as_str()).collect::<Vec<_>>(),
            ["2026-11-20", "2026-11-27", "2026-11-28"]
        );
        assert_eq!(trend[2].score, Some(98.9));
        assert_eq!(h.runs("site", 2).unwrap()[0].run_id, run_id(27));
        assert!(h.runs("other", 10).unwrap().is_empty());
    }

    #[test]
    fn a_homepage_only_run_is_no_baseline_of_a_full_run_and_closes_nothing_deeper() {
        use crate::report::summary::{Coverage, RunScope};
        let tmp = tempfile::tempdir().unwrap();
        let h = History::open(&tmp.path().join("history.sqlite")).unwrap();
        let home = ("broken_link", "http://a/", "http://a/x");
        let deep = ("broken_link", "http://a/p/1.html", "http://a/y");
        let quick = || RunScope {
            homepage_only: true,
            ..RunScope::default()
        };
        let capped = || RunScope {
            caps: vec!["page cap reached (crawl.max_pages)".into()],
            ..RunScope::default()
        };
        run(&h, 20, &[home, deep]);
        run_in(&h, 21, &[home], quick());
        let base = |day: u32, c: Coverage| {
            h.begin_run("site", &run_id(day), &at(day), None).unwrap();
            h.baseline_run("site", &run_id(day), c)
                .unwrap()
                .map(|(r, c)| (r.run_id, c))
        };
        // The next full run compares with the full run, not the quick one.
        assert_eq!(base(22, Coverage::Full), Some((run_id(20), Coverage::Full)));
        let r = run(&h, 22, &[home, deep]);
        assert_eq!(r[1].first_seen, "2026-11-20", "the deep one is not new");
        // A homepage-only run compares with the newest of either.
        assert_eq!(
            base(23, Coverage::Homepage),
            Some((run_id(22), Coverage::Full))
        );
        run_in(&h, 23, &[home], quick());
        assert_eq!(
            base(24, Coverage::Homepage),
            Some((run_id(23), Coverage::Homepage))
        );
        // A capped run with the newest full or capped run; a full one never with it.
        assert_eq!(
            base(24, Coverage::Partial),
            Some((run_id(22), Coverage::Full))
        );
        run_in(&h, 24, &[home], capped());
        assert_eq!(
            base(25, Coverage::Partial),
            Some((run_id(24), Coverage::Partial))
        );
        assert_eq!(base(25, Coverage::Full), Some((run_id(22), Coverage::Full)));
        let r = run(&h, 25, &[home, deep]);
        assert_eq!(r[1].first_seen, "2026-11-20");
        // The deep one is fixed in a full run, then back: new again.
        run(&h, 26, &[home]);
        let r = run(&h, 27, &[home, deep]);
        assert_eq!(
            (r[0].first_seen.as_str(), r[1].first_seen.as_str()),
            ("2026-11-20", "2026-11-27")
        );
        let mut last = h.baseline_candidates("site").unwrap();
        last.sort();
        assert_eq!(last, [run_id(23), run_id(24), run_id(27)]);
    }

    #[test]
    fn a_run_folder_names_its_history_and_none_is_made_up() {
        let tmp = tempfile::tempdir().unwrap();
        let run = tmp.path().join("a/b/out");
        std::fs::create_dir_all(&run).unwrap();
        // No summary, no history two folders up: none (and none created).
        assert_eq!(path_of_run(&run), None);
        assert!(!tmp.path().join("a/history.sqlite").exists());
        std::fs::write(tmp.path().join("a/history.sqlite"), "").unwrap();
        assert_eq!(path_of_run(&run), Some(tmp.path().join("a/history.sqlite")));
        // The summary's history wins.
        let h = tmp.path().join("elsewhere/history.sqlite");
        std::fs::create_dir_all(h.parent().unwrap()).unwrap();
        std::fs::write(&h, "").unwrap();
        let mut s = summary_of("r1", false);
        s.history = Some(h.to_string_lossy().into_owned());
        s.write(&run).unwrap();
        assert_eq!(path_of_run(&run), Some(h));
    }

    /// A history file of schema `version` (1 to 3), as an older program wrote it.
    fn old_file(path: &Path, version: i64) -> Connection {
        let c = Connection::open(path).unwrap();
        let schemas = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3];
        let upto = schemas.get(..version as usize).unwrap().concat();
        c.execute_batch(&format!(
            "BEGIN; {upto} PRAGMA user_version = {version}; COMMIT;"
        ))
        .unwrap();
        c
    }

    /// The summary of a run without findings.
    fn summary_of(run_id: &str, homepage_only: bool) -> Summary {
        let meta = RunMeta {
            site_name: "示例".into(),
            site_id: "site".into(),
            run_id: run_id.into(),
            started: at(1),
            finished: at(1),
            homepage: vec!["http://a/".into()],
            pages: 1,
            links: 3,
            checked_urls: 3,
            fail_on: "error".into(),
            complete: true,
            scope: crate::report::summary::RunScope {
                homepage_only,
                ..Default::default()
            },
            stopped: None,
            capped: Vec::new(),
        };
        Summary::build(
            &meta,
            &[],
            &VetoInput::default(),
            &ScoringSection::default(),
        )
    }

    #[test]
    fn a_schema_3_file_gets_each_runs_coverage_from_its_summary() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        {
            let c = old_file(&path, 3);
            for (id, ts, dir) in [("r1", 1, Some("site/r1")), ("r2", 2, None)] {
                c.execute(
                    "INSERT INTO runs (site_id, run_id, started, started_ts, date, finished, dir, created)
                     VALUES ('site', ?1, '', ?2, '2026-05-01', 'x', ?3, 1)",
                    params![id, ts, dir],
                )
                .unwrap();
            }
        }
        // r1 was a homepage-only run (its summary says so).
        let dir = tmp.path().join("site/r1");
        std::fs::create_dir_all(&dir).unwrap();
        summary_of("r1", true).write(&dir).unwrap();
        let h = History::open(&path).unwrap();
        let scope = |id: &str| -> Option<String> {
            h.conn
                .query_row(
                    "SELECT scope FROM runs WHERE run_id = ?1",
                    params![id],
                    |r| r.get(0),
                )
                .unwrap()
        };
        assert_eq!(scope("r1").as_deref(), Some("homepage"));
        assert_eq!(scope("r2"), None, "no summary: read as full");
        h.begin_run("site", "r3", &at(2), None).unwrap();
        let (b, _) = h
            .baseline_run("site", "r3", crate::report::summary::Coverage::Full)
            .unwrap()
            .unwrap();
        assert_eq!(b.run_id, "r2");
    }

    #[test]
    fn a_killed_run_keeps_first_seen_for_the_resumed_and_next_runs() {
        let tmp = tempfile::tempdir().unwrap();
        let h = History::open(&tmp.path().join("history.sqlite")).unwrap();
        let a = ("broken_link", "http://a/", "http://a/x");
        run(&h, 20, &[a]);
        // Run of the 21st is killed after recording a (no finish_run).
        let id = run_id(21);
        h.begin_run("site", &id, &at(21), None).unwrap();
        h.record_findings(&id, "site", &[row(a.0, a.1, a.2, "")])
            .unwrap();
        // A record without first_seen keeps the still-open date.
        assert_eq!(
            h.first_seen_map("site").unwrap()[&format!("{}\t{}\t{}", a.0, a.1, a.2)],
            "2026-11-20"
        );
        // The previous *finished* run of the next one is still the 20th.
        h.begin_run("site", &run_id(22), &at(22), None).unwrap();
        assert_eq!(
            h.previous_run("site", &run_id(22)).unwrap().unwrap().run_id,
            run_id(20)
        );
        let r = run(&h, 22, &[a]);
        assert_eq!(r[0].first_seen, "2026-11-20");
        // Resuming (begin_run again) keeps the start time.
        h.begin_run("site", &id, &at(25), None).unwrap();
        let started: String = h
            .conn
            .query_row("SELECT started FROM runs WHERE run_id = ?1", [&id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(started, at(21).to_rfc3339());
    }

    #[test]
    fn prune_keeps_the_newest_runs_and_returns_the_deleted_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        let h = History::open(&path).unwrap();
        let a = ("broken_link", "http://a/", "http://a/x");
        let b = ("broken_link", "http://a/", "http://a/old");
        run(&h, 1, &[a, b]);
        run(&h, 2, &[a]);
        run(&h, 3, &[a]);
        run(&h, 4, &[a]);
        let deleted = h.prune("site", 2).unwrap();
        assert_eq!(deleted, vec![run_id(2), run_id(1)]);
        assert_eq!(h.runs("site", 10).unwrap().len(), 2);
        // b was last seen in a deleted run: gone. a keeps its first-seen date.
        let map = h.first_seen_map("site").unwrap();
        assert_eq!(map.len(), 1);
        assert_eq!(map[&format!("{}\t{}\t{}", a.0, a.1, a.2)], "2026-11-01");
        let n: i64 = h
            .conn
            .query_row("SELECT COUNT(*) FROM findings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        assert!(h.prune("site", 0).unwrap() == vec![run_id(3)]);
        // Unfinished runs: a killed one older than the kept runs goes, a newer one stays.
        h.begin_run(
            "site",
            "20261030-031500",
            &Local.with_ymd_and_hms(2026, 10, 30, 3, 15, 0).unwrap(),
            None,
        )
        .unwrap();
        h.begin_run("site", &run_id(5), &at(5), None).unwrap();
        h.begin_run("site", &run_id(6), &at(6), None).unwrap();
        assert_eq!(h.prune("site", 1).unwrap(), ["20261030-031500"]);
        assert_eq!(h.prune("site", 5).unwrap(), Vec::<String>::new());
        drop(h);
        // Reopening keeps the data; a newer schema is refused with the path named.
        let h = History::open(&path).unwrap();
        assert_eq!(h.runs("site", 10).unwrap().len(), 1);
        h.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(h);
        let err = History::open(&path).unwrap_err().to_string();
        assert!(
            err.contains("history.sqlite") && err.contains("99"),
            "{err}"
        );
    }

    #[test]
    fn run_folders_are_recorded_and_only_created_ones_are_pruned() {
        let tmp = tempfile::tempdir().unwrap();
        let reports = tmp.path().join("reports");
        let h = History::open(&reports.join("history.sqlite")).unwrap();
        let a = ("broken_link", "http://a/", "http://a/x");
        // Day 1: default layout (created); day 2: an --out folder that already
        // existed; day 3: an --out folder the run created.
        let dirs = [
            reports.join("site").join(run_id(1)),
            tmp.path().join("existing"),
            tmp.path().join("elsewhere/new"),
        ];
        for (i, (dir, created)) in dirs.iter().zip([true, false, true]).enumerate() {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("findings.csv"), "").unwrap();
            let day = i as u32 + 1;
            run(&h, day, &[a]);
            h.set_run_dir("site", &run_id(day), dir, created).unwrap();
        }
        // Stored relative to the reports folder when under it.
        let stored: String = h
            .conn
            .query_row("SELECT dir FROM runs WHERE run_id = ?1", [run_id(1)], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(Path::new(&stored), Path::new("site").join(run_id(1)));
        for (i, dir) in dirs.iter().enumerate() {
            let got = h.run_dir("site", &run_id(i as u32 + 1)).unwrap().unwrap();
            assert_eq!(
                std::fs::canonicalize(got).unwrap(),
                std::fs::canonicalize(dir).unwrap()
            );
            assert_eq!(
                h.run_in_dir("site", dir).unwrap(),
                Some(run_id(i as u32 + 1))
            );
        }
        assert_eq!(h.run_in_dir("other", &dirs[0]).unwrap(), None);
        assert!(h.has_run("site", &run_id(2)).unwrap());
        assert!(!h.has_run("site", &run_id(9)).unwrap());
        // Day 4 writes into day 3's folder again: day 3 loses its folder.
        run(&h, 4, &[a]);
        h.set_run_dir("site", &run_id(4), &dirs[2], false).unwrap();
        assert_eq!(h.run_dir("site", &run_id(3)).unwrap(), None);
        run(&h, 5, &[a]);
        let pruned = h.prune_runs("site", 2).unwrap();
        let ids: Vec<&str> = pruned.iter().map(|p| p.run_id.as_str()).collect();
        assert_eq!(ids, [run_id(3), run_id(2), run_id(1)]);
        // Only day 1's folder was created by the history; day 3's folder now
        // belongs to the kept day 4; day 2's existed before its run.
        assert_eq!(pruned[0].dir, None);
        assert_eq!(pruned[1].dir, None);
        assert_eq!(
            pruned[2]
                .dir
                .as_deref()
                .map(|d| std::fs::canonicalize(d).unwrap()),
            Some(std::fs::canonicalize(&dirs[0]).unwrap())
        );
    }

    #[test]
    fn a_schema_1_file_is_migrated_with_its_default_run_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        {
            let c = old_file(&path, 1);
            for id in ["20260501-020000", "20260502-020000", "20260503-020000"] {
                c.execute(
                    "INSERT INTO runs (site_id, run_id, started, started_ts, date)
                     VALUES ('site', ?1, '', 0, '2026-05-01')",
                    [id],
                )
                .unwrap();
            }
        }
        // The first run's folder holds reports; the second's name is used by
        // something else; the third (an --out run of schema 1) has none here.
        let d1 = tmp.path().join("site/20260501-020000");
        std::fs::create_dir_all(&d1).unwrap();
        std::fs::write(d1.join("summary.json"), "{}").unwrap();
        std::fs::create_dir_all(tmp.path().join("site/20260502-020000")).unwrap();
        let h = History::open(&path).unwrap();
        let v: i64 = h
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        assert_eq!(h.run_dir("site", "20260501-020000").unwrap(), Some(d1));
        assert_eq!(h.run_dir("site", "20260502-020000").unwrap(), None);
        assert_eq!(h.run_dir("site", "20260503-020000").unwrap(), None);
        drop(h);
        // Opening again does not migrate twice.
        History::open(&path).unwrap();
    }

    #[test]
    fn a_schema_2_file_gets_the_visits_table_and_keeps_its_runs() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        {
            let c = old_file(&path, 2);
            c.execute(
                "INSERT INTO runs (site_id, run_id, started, started_ts, date, dir, created)
                 VALUES ('site', 'r1', '', 0, '2026-05-01', 'site/r1', 1)",
                [],
            )
            .unwrap();
        }
        let h = History::open(&path).unwrap();
        let v: i64 = h
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        assert_eq!(
            h.run_dir("site", "r1").unwrap(),
            Some(tmp.path().join("site/r1"))
        );
        let visit = |date: &str, home: bool, ok: bool| crate::probe::Visit {
            url: "http://www.a.gov.cn/".into(),
            at: format!("{date}T08:30:00+08:00"),
            date: date.into(),
            home,
            ok,
            status: ok.then_some(200),
            elapsed_ms: 120,
            reason: if ok {
                String::new()
            } else {
                "connection refused".into()
            },
        };
        h.record_visit("site", &visit("2026-05-02", true, false), 2)
            .unwrap();
        h.record_visit("site", &visit("2026-05-02", false, true), 3)
            .unwrap();
        h.record_visit("site", &visit("2026-05-01", true, true), 1)
            .unwrap();
        h.record_visit("other", &visit("2026-05-01", true, true), 1)
            .unwrap();
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let got = h
            .home_visits("site", d("2026-05-01"), d("2026-05-02"))
            .unwrap();
        assert_eq!(
            got,
            vec![
                visit("2026-05-01", true, true),
                visit("2026-05-02", true, false)
            ]
        );
        assert_eq!(
            h.home_visits("site", d("2026-05-02"), d("2026-05-02"))
                .unwrap()
                .len(),
            1
        );
        drop(h);
        // Opening again does not migrate twice and keeps the visits.
        let h = History::open(&path).unwrap();
        assert_eq!(
            h.home_visits("site", d("2026-05-01"), d("2026-05-02"))
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn thousands_of_findings_record_quickly() {
        let tmp = tempfile::tempdir().unwrap();
        let h = History::open(&tmp.path().join("history.sqlite")).unwrap();
        h.begin_run("site", "r1", &at(1), None).unwrap();
        let rows: Vec<FindingRow> = (0..20_000)
            .map(|i| row("broken_link", &format!("http://a/{i}"), "http://a/x", ""))
            .collect();
        let t = std::time::Instant::now();
        h.record_findings("r1", "site", &rows).unwrap();
        assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
        assert_eq!(h.first_seen_map("site").unwrap().len(), 20_000);
    }
}
