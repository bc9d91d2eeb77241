//! One audit run from start to end: prepare the run folder, build the client
//! and host pool, crawl, judge the columns, close the reports.
//!
//! This is the engine the binary and the tests share: `Auditor::new(rules,
//! options).run().await`. Nothing here is global; everything a run needs is in
//! the `Auditor`.

use crate::check::columns::{ColumnRow, HOMEPAGE_COLUMN};
use crate::crawl::budget::BodyBudget;
use crate::crawl::client::{self, ClientError, ClientOptions, ProxySetting};
use crate::crawl::fetch::{FetchConfig, Fetcher};
use crate::crawl::hosts::HostPool;
use crate::crawl::resolve::{Fallback, ResolveEntry};
use crate::crawl::task::TaskCtx;
use crate::crawl::{Crawl, Progress, journal};
use crate::report::Lang;
use crate::report::finish::FinishInput;
use crate::report::history::History;
use crate::report::rows::FindingRow;
use crate::report::summary::{RunMeta, VetoInput};
use crate::report::writer::RunWriter;
use crate::rules::Rules;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Why a run could not be done at all (findings are never errors).
#[derive(Debug, Error)]
pub enum AuditError {
    /// The HTTP client could not be built (bad `--ca-cert` …).
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The run history or the end-of-run reports failed.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// A report file or folder could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> AuditError + '_ {
    move |source| AuditError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Run options that are not in the rules file.
#[derive(Clone)]
pub struct AuditOptions {
    /// Root of the reports tree (`reports/`).
    pub reports_root: PathBuf,
    /// Exact run folder (`--out`), instead of `reports/<site>/<run-id>/`.
    pub out_dir: Option<PathBuf>,
    /// CSV header language.
    pub lang: Lang,
    /// The audit date (`--today`).
    pub today: NaiveDate,
    /// `--resolve` mappings.
    pub resolve: Vec<ResolveEntry>,
    /// `--ca-cert` files.
    pub ca_certs: Vec<PathBuf>,
    /// An injected resolver (tests).
    pub fallback_resolver: Option<Fallback>,
    /// Progress display.
    pub progress: Progress,
    /// Resume the last interrupted run.
    pub resume: bool,
    /// Deepest page crawled (0: homepage only).
    pub max_depth: Option<u32>,
    /// Set to stop the run early (Ctrl-C); None installs signal handlers.
    pub stop: Option<Arc<AtomicBool>>,
    /// Keep this many runs of the site (older folders are deleted); None keeps all.
    pub keep_runs: Option<usize>,
    /// Keep `journal.jsonl` after a complete run (it only serves `--resume`
    /// of an unfinished run, and is the largest file of a run: ~12 KB a page).
    pub keep_journal: bool,
    /// Hand every finding back in [`RunResult::findings`] (read from
    /// findings.csv once the reports are written). The binary does not: a
    /// run with 100,000 findings never holds them all.
    pub keep_findings: bool,
}

impl AuditOptions {
    /// Defaults: `reports/`, Chinese headers, today, no mappings, log progress.
    pub fn new(today: NaiveDate) -> Self {
        AuditOptions {
            reports_root: PathBuf::from("reports"),
            out_dir: None,
            lang: Lang::Zh,
            today,
            resolve: Vec::new(),
            ca_certs: Vec::new(),
            fallback_resolver: None,
            progress: Progress::Log,
            resume: false,
            max_depth: None,
            stop: None,
            keep_runs: None,
            keep_journal: false,
            keep_findings: true,
        }
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct RunResult {
    /// The run folder.
    pub run_dir: PathBuf,
    /// The run id (folder name).
    pub run_id: String,
    /// Every finding written, read back from findings.csv at the end when
    /// [`AuditOptions::keep_findings`] asks for them (else empty).
    pub findings: Vec<FindingRow>,
    /// columns.csv rows.
    pub columns: Vec<ColumnRow>,
    /// HTML pages fetched.
    pub pages: u64,
    /// Link occurrences written.
    pub links: u64,
    /// Unique URLs checked.
    pub checked_urls: u64,
    /// Why the site could not be audited, when no start URL answered.
    pub start_unreachable: Option<String>,
    /// Whether the run was stopped early (Ctrl-C, SIGTERM, the deadline).
    pub interrupted: bool,
    /// Caps that bit, one line each (summary.json lists their URLs).
    pub caps: Vec<String>,
    /// Why the run stopped early and how much was left, if it did.
    pub stopped: Option<crate::crawl::Stopped>,
    /// Wall time.
    pub duration: Duration,
    /// The audit date.
    pub today: NaiveDate,
    /// summary.json as written (verdict, estimate, fail decision).
    pub summary: Option<crate::report::summary::Summary>,
}

impl RunResult {
    /// The audit date as YYYY-MM-DD.
    pub fn today_str(&self) -> String {
        self.today.format("%Y-%m-%d").to_string()
    }
}

/// An audit of one site.
pub struct Auditor {
    rules: Arc<Rules>,
    opts: AuditOptions,
}

impl Auditor {
    /// An auditor for `rules` with `opts`.
    pub fn new(rules: Rules, opts: AuditOptions) -> Self {
        Auditor {
            rules: Arc::new(rules),
            opts,
        }
    }

    /// The rules.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The run folder, the run id, whether an interrupted run is resumed, and
    /// whether this run created the folder. A new run's id is its start time,
    /// made unique among the site's recorded runs and folders; a resumed
    /// `--out` run takes the id the history recorded for that folder.
    fn run_dir(&self, history: &History) -> Result<(PathBuf, String, bool, bool), AuditError> {
        let site = &self.rules.id;
        let site_dir = self.opts.reports_root.join(site);
        if self.opts.resume {
            let candidate = match &self.opts.out_dir {
                Some(d) => Some(d.clone()),
                None => latest_unfinished(&site_dir),
            };
            if let Some(d) = candidate.filter(|d| d.join(journal::FILE).is_file()) {
                let id = match history.run_in_dir(site, &d)? {
                    Some(id) => id,
                    None => d
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                };
                tracing::info!(dir = %d.display(), "resuming interrupted run");
                return Ok((d, id, true, false));
            }
            tracing::warn!("nothing to resume: starting a new run");
        }
        let base = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
        let mut id = base.clone();
        let mut n = 1;
        // Two runs in the same second: the id (and default folder name) gets a suffix.
        while history.has_run(site, &id)?
            || (self.opts.out_dir.is_none() && site_dir.join(&id).exists())
        {
            n += 1;
            id = format!("{base}-{n}");
        }
        let dir = match &self.opts.out_dir {
            Some(d) => d.clone(),
            None => site_dir.join(&id),
        };
        if self.opts.out_dir.is_some() {
            keep_baseline(history, site, &dir)?;
        }
        let created = !dir.exists();
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        Ok((dir, id, false, created))
    }

    /// Runs the audit.
    pub async fn run(&self) -> Result<RunResult, AuditError> {
        let started = Instant::now();
        let rules = &self.rules;
        let c = &rules.crawl;
        let mut allowed: Vec<String> = self.opts.resolve.iter().map(|e| e.host.clone()).collect();
        allowed.extend(rules.allow_private.iter().cloned());
        // Names may resolve to private addresses only when the rules list
        // them: own hosts are no exception, and mapped hosts never reach the
        // resolver on their mapped port (on another port they resolve normally).
        let clients = client::build(&ClientOptions {
            user_agent: c.user_agent.clone(),
            connect_timeout: Duration::from_secs(c.connect_timeout_secs.max(1)),
            ca_certs: self.opts.ca_certs.clone(),
            resolve: self.opts.resolve.clone(),
            allow_private: rules.allow_private.clone(),
            fallback_resolver: self.opts.fallback_resolver.clone(),
            pool_per_host: c.host_concurrency,
            proxy: ProxySetting::parse(&c.proxy).map_err(ClientError::Proxy)?,
        })?;
        let proxy = clients.proxy().map(str::to_string);
        let history_path = self.opts.reports_root.join("history.sqlite");
        if let Some(parent) = history_path.parent() {
            std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let history = History::open(&history_path)?;
        let (dir, run_id, resuming, created) = self.run_dir(&history)?;
        // A resumed run keeps the date it started on: first_seen, column
        // windows and days open stay those of the rows found before the stop.
        let today = if resuming {
            history
                .recorded_date(&rules.id, &run_id)?
                .unwrap_or(self.opts.today)
        } else {
            self.opts.today
        };
        let started_at = today
            .and_time(chrono::Local::now().time())
            .and_local_timezone(chrono::Local)
            .earliest()
            .unwrap_or_else(chrono::Local::now);
        history.begin_run(&rules.id, &run_id, &started_at, rules.path.as_deref())?;
        if !resuming {
            history.set_run_dir(&rules.id, &run_id, &dir, created)?;
        }
        let first_seen = history.first_seen_index(&rules.id)?;
        let replay = if resuming {
            journal::Replay::load(&dir).map_err(io_err(&dir.join(journal::FILE)))?
        } else {
            journal::Replay::default()
        };
        let journal =
            journal::Journal::open(&dir, resuming).map_err(io_err(&dir.join(journal::FILE)))?;
        let writer = RunWriter::start(
            &dir,
            self.opts.lang,
            first_seen,
            today.format("%Y-%m-%d").to_string(),
        )
        .map_err(io_err(&dir))?;
        let hosts = Arc::new(
            HostPool::new(
                c.host_concurrency,
                Duration::from_millis(c.host_interval_ms),
            )
            .with_breaker(c.host_failures),
        );
        let mut allow_fetch = allowed.clone();
        allow_fetch.extend(rules.own_hosts.iter().cloned());
        let fetcher = Fetcher::new(
            clients,
            hosts,
            FetchConfig {
                timeout: Duration::from_secs(c.timeout_secs.max(1)),
                connect_timeout: Duration::from_secs(c.connect_timeout_secs.max(1)),
                retries: c.retries,
                backoff: Duration::from_millis(c.backoff_ms),
                max_backoff: Duration::from_millis(c.max_backoff_ms),
                max_retry_after: Duration::from_secs(c.max_retry_after_secs),
                max_redirects: c.max_redirects,
                allow_private: allow_fetch,
                budget: BodyBudget::new(c.body_budget_bytes, c.max_page_bytes, c.max_concurrency),
            },
        );
        let ctx = Arc::new(TaskCtx {
            policy: crate::crawl::host_policy(rules, &allowed),
            fetcher,
            rules: rules.clone(),
            today,
        });
        let stop = match &self.opts.stop {
            Some(s) => s.clone(),
            None => install_signal_handlers(),
        };
        let crawl = Crawl::new(
            rules.clone(),
            writer.sender(),
            Some(journal),
            replay,
            self.opts.max_depth.unwrap_or(c.max_depth),
            Some(&dir),
        )
        .with_deadline(
            c.max_duration_secs
                .map(|s| tokio::time::Instant::from_std(started) + Duration::from_secs(s)),
        );
        let mut stats = crawl.run(ctx, self.opts.progress, stop).await;
        let mut columns = Vec::new();
        let mut veto = VetoInput {
            homepage_judged: false,
            ..VetoInput::default()
        };
        let homepage_only = self.opts.max_depth.unwrap_or(c.max_depth) == 0;
        let limiting = crate::report::summary::limiting_caps(&stats.caps, homepage_only);
        let (mut reply_judged, mut guide_judged) = (false, false);
        // Columns are judged on a whole crawl: not after a stop, nor when a
        // page failed inside the auditor (a column could look missing).
        if !stats.interrupted
            && stats.errors.is_empty()
            && let Some(mut tracker) = stats.tracker.take()
        {
            // A column not found in a capped run may lie beyond the cap:
            // unchecked. The stylesheet URL cap skips images and fonts, never
            // a page that could link a column. Every other limiting cap can
            // hide one: the list feed and script call caps leave a column's
            // items (article pages, which may link a column) uncrawled; a
            // stylesheet cut at its body cap shares the page size cap's line
            // with cut pages, so it counts (the safe side: unchecked).
            let page_caps: Vec<String> = limiting
                .iter()
                .filter(|c| !c.starts_with("stylesheet URL cap"))
                .cloned()
                .collect();
            tracker.set_caps(cap_names(&page_caps));
            let (mut findings, mut rows) = tracker.finish(rules, today);
            veto = tracker.veto_input();
            if homepage_only {
                // Only the homepage was crawled: the columns are not judged
                // (neither missing nor stale); the homepage is.
                findings.retain(|f| f.column == HOMEPAGE_COLUMN);
                for r in rows.iter_mut().filter(|r| r.column != HOMEPAGE_COLUMN) {
                    r.status = "unchecked".into();
                    r.note =
                        "首页检查：栏目未检查（homepage-only run: columns not checked）".into();
                }
                veto.stale_dynamic_notice_policy = 0;
                veto.long_unupdated = 0;
                veto.blank_columns = 0;
            }
            if let Some(sitewide) = stats.sitewide.take() {
                let out = sitewide.finish(rules, today, &tracker);
                // Judged only when the run could see them: a board was read;
                // guide pages are named by the rules.
                reply_judged = !homepage_only && out.board_pages > 0;
                veto.reply_channels = out.channels;
                guide_judged = !homepage_only && rules.checks.guide.active();
                findings.extend(out.findings);
            }
            let tx = writer.sender();
            for f in findings {
                tx.send(crate::report::writer::ReportEvent::Finding(Box::new(f)));
            }
            writer
                .write_columns(&rows)
                .map_err(io_err(&dir.join("columns.csv")))?;
            columns = rows;
        } else if !rules.columns.columns.is_empty() {
            // Not judged: every column is unchecked, saying why (never the
            // columns.csv of an earlier run left in a reused --out folder).
            let note = if stats.interrupted {
                "运行中断：栏目未检查（the run stopped early: columns not checked）"
            } else {
                "审计程序内部错误：栏目未检查（the auditor failed on a URL: columns not checked）"
            };
            columns = unchecked_columns(rules, note);
            writer
                .write_columns(&columns)
                .map_err(io_err(&dir.join("columns.csv")))?;
        }
        let written = writer.finish().map_err(io_err(&dir))?;
        // The veto counters that come from findings: counted from the rows
        // of their kinds, kept while findings.csv is recorded.
        let vetoed = record_findings(&history, &run_id, &rules.id, &dir)?;
        veto.risky_external = crate::report::summary::distinct_targets(
            &vetoed,
            crate::finding::FindingKind::RiskyExternal,
        );
        // The availability veto: the probe's visits of the week before today.
        veto.availability = Some(crate::probe::Availability::of_site(
            &history,
            &rules.id,
            today,
            &rules.scoring.veto.availability,
        )?);
        let scope = crate::report::summary::RunScope {
            homepage_only,
            caps: limiting,
            no_columns: rules.columns.columns.is_empty(),
            errors: std::mem::take(&mut stats.errors),
        };
        veto.reply_overdue = reply_judged.then(|| {
            crate::report::summary::distinct_pages(
                &vetoed,
                crate::finding::FindingKind::ReplyOverdue,
            )
        });
        veto.guide_incomplete = guide_judged.then(|| {
            crate::report::summary::distinct_pages(
                &vetoed,
                crate::finding::FindingKind::GuideIncomplete,
            )
        });
        let mut homepage: Vec<String> = rules
            .start_urls
            .iter()
            .take(1)
            .map(|u| u.to_string())
            .collect();
        if let Some(f) = &stats.home_final_url {
            homepage.push(f.clone());
        }
        let finished = crate::report::finish::finish(
            &history,
            FinishInput {
                run_dir: &dir,
                meta: RunMeta {
                    site_name: rules.name.clone(),
                    site_id: rules.id.clone(),
                    run_id: run_id.clone(),
                    started: started_at,
                    finished: started_at
                        + chrono::Duration::from_std(started.elapsed()).unwrap_or_default(),
                    homepage,
                    pages: stats.pages as usize,
                    links: written.links as usize,
                    checked_urls: stats.checked_urls as usize,
                    fail_on: rules.thresholds.fail_on.clone(),
                    complete: !stats.interrupted && stats.start_unreachable.is_none(),
                    scope,
                    stopped: stats.stopped,
                    capped: std::mem::take(&mut stats.capped),
                },
                veto,
                scoring: &rules.scoring,
                lang: self.opts.lang,
                bom: true,
                keep_runs: self.opts.keep_runs,
                proxy,
            },
        )?;
        if self.opts.out_dir.is_some() {
            trim_earlier_runs(&history, &rules.id, &dir)?;
        }
        if finished.summary.complete && !self.opts.keep_journal {
            // Nothing left to resume. A failure only leaves a file behind.
            if let Err(e) = std::fs::remove_file(dir.join(journal::FILE)) {
                tracing::warn!(error = %e, "cannot remove the journal of a complete run");
            }
        }
        let findings = if self.opts.keep_findings {
            crate::report::diff::read_findings(&dir)?
        } else {
            Vec::new()
        };
        Ok(RunResult {
            run_dir: dir,
            run_id,
            findings,
            columns,
            pages: stats.pages,
            links: written.links,
            checked_urls: stats.checked_urls,
            start_unreachable: stats.start_unreachable,
            interrupted: stats.interrupted,
            caps: stats.caps,
            stopped: stats.stopped,
            duration: started.elapsed(),
            today,
            summary: Some(finished.summary),
        })
    }
}

/// Folder of an `--out` folder where the earlier runs that may still be
/// baselines keep what a diff needs (findings.csv, pages.csv, summary.json),
/// one subfolder per run id.
pub const EARLIER_RUNS: &str = "earlier-runs";

/// The files of a run a later diff needs.
const BASELINE_FILES: [&str; 3] = ["findings.csv", "pages.csv", "summary.json"];

/// Before a new run writes into `--out` folder `dir`: when the folder holds
/// the reports of an earlier run of the site that may still be a diff
/// baseline, moves what a diff needs to `dir/earlier-runs/<run-id>/` and
/// records that folder for the run (the rest is overwritten).
fn keep_baseline(history: &History, site: &str, dir: &Path) -> Result<(), AuditError> {
    let Some(prev) = history.run_in_dir(site, dir)? else {
        return Ok(());
    };
    if !history.baseline_candidates(site)?.contains(&prev)
        || !crate::report::history::is_plain_name(&prev)
    {
        return Ok(());
    }
    let keep = dir.join(EARLIER_RUNS).join(&prev);
    std::fs::create_dir_all(&keep).map_err(io_err(&keep))?;
    for f in BASELINE_FILES {
        let (from, to) = (dir.join(f), keep.join(f));
        if !from.is_file() {
            continue;
        }
        // summary.json is small and stays until the new run writes its own.
        let r = if f == "summary.json" {
            std::fs::copy(&from, &to).map(|_| ())
        } else {
            std::fs::rename(&from, &to)
        };
        r.map_err(io_err(&from))?;
    }
    history.set_run_dir(site, &prev, &keep, true)?;
    Ok(())
}

/// After a run in `--out` folder `dir`: removes the kept files of earlier
/// runs that no later run will take as its baseline any more.
fn trim_earlier_runs(history: &History, site: &str, dir: &Path) -> Result<(), AuditError> {
    let root = dir.join(EARLIER_RUNS);
    let Ok(entries) = std::fs::read_dir(&root) else {
        return Ok(());
    };
    let keep = history.baseline_candidates(site)?;
    for e in entries.flatten() {
        let id = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if keep.contains(&id) || !path.is_dir() {
            continue;
        }
        // Only a folder the history records for that run.
        let recorded = history.run_dir(site, &id)?.is_some_and(|d| {
            crate::report::history::absolute(&d) == crate::report::history::absolute(&path)
        });
        if recorded {
            std::fs::remove_dir_all(&path).map_err(io_err(&path))?;
            history.forget_run_dir(site, &id)?;
        }
    }
    Ok(())
}

/// columns.csv of a run that judged no column: the homepage and every
/// required column, `unchecked` with `note`.
fn unchecked_columns(rules: &Rules, note: &str) -> Vec<ColumnRow> {
    let home = ColumnRow {
        column: HOMEPAGE_COLUMN.into(),
        found: true,
        url: rules.homepage().to_string(),
        window_days: rules.columns.homepage_window_days,
        status: "unchecked".into(),
        note: note.into(),
        ..Default::default()
    };
    std::iter::once(home)
        .chain(rules.columns.columns.iter().map(|c| ColumnRow {
            column: c.name.clone(),
            window_days: c.window_days.unwrap_or(0),
            status: "unchecked".into(),
            note: note.into(),
            ..Default::default()
        }))
        .collect()
}

/// The short names (Chinese, English) of the caps that bit, each once.
fn cap_names(caps: &[String]) -> Vec<(String, String)> {
    use crate::report::summary::cap_name;
    let mut names: Vec<(String, String)> = Vec::new();
    for c in caps {
        let n = (cap_name(c, Lang::Zh), cap_name(c, Lang::En));
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

/// Findings read back from findings.csv per batch.
const RECORD_BATCH: usize = 10_000;

/// Records the findings of run `run_id` (its findings.csv in `dir`) in the
/// history, a batch at a time; returns the rows of the kinds veto counters
/// count (risky external links, overdue replies, incomplete guides: a few).
fn record_findings(
    history: &History,
    run_id: &str,
    site_id: &str,
    dir: &Path,
) -> Result<Vec<FindingRow>, AuditError> {
    use crate::finding::FindingKind;
    let path = dir.join(crate::report::diff::FINDINGS_CSV);
    let mut batch: Vec<FindingRow> = Vec::with_capacity(RECORD_BATCH);
    let mut vetoed: Vec<FindingRow> = Vec::new();
    let mut failed = None;
    let kinds = [
        FindingKind::RiskyExternal,
        FindingKind::ReplyOverdue,
        FindingKind::GuideIncomplete,
    ]
    .map(FindingKind::code);
    crate::report::csv::for_each_row(&path, |r: FindingRow| {
        if kinds.contains(&r.kind.as_str()) {
            vetoed.push(r.clone());
        }
        batch.push(r);
        if batch.len() >= RECORD_BATCH {
            if failed.is_none() {
                failed = history.record_findings(run_id, site_id, &batch).err();
            }
            batch.clear();
        }
    })
    .map_err(io_err(&path))?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    history.record_findings(run_id, site_id, &batch)?;
    Ok(vetoed)
}

/// The newest run folder of a site when that run did not finish: it has a
/// journal, and no summary.json or one saying `"complete": false` (a run
/// stopped by Ctrl-C or SIGTERM writes its summary so far). An older
/// unfinished run behind a finished one is not resumed.
fn latest_unfinished(site_dir: &Path) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(site_dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(journal::FILE).is_file())
        .collect();
    dirs.sort();
    dirs.pop().filter(|d| !finished(d))
}

/// Whether a run folder holds the summary of a complete run.
fn finished(dir: &Path) -> bool {
    let Ok(bytes) = std::fs::read(dir.join("summary.json")) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("complete").and_then(serde_json::Value::as_bool))
        .unwrap_or(false)
}

/// Sets the returned flag on Ctrl-C or SIGTERM; a second Ctrl-C exits at once.
pub fn install_signal_handlers() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            loop {
                let got = tokio::select! {
                    r = tokio::signal::ctrl_c() => r.is_ok(),
                    _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => true,
                };
                if !got {
                    return;
                }
                if s.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    eprintln!("zwgk-audit: stopped at once");
                    std::process::exit(130);
                }
                eprintln!(
                    "zwgk-audit: stopping: writing what was found (Ctrl-C again to quit now)"
                );
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_ok() {
                s.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
    });
    stop
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(site: &Path, id: &str, summary: Option<&str>) {
        let d = site.join(id);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(journal::FILE), "").unwrap();
        if let Some(s) = summary {
            std::fs::write(d.join("summary.json"), s).unwrap();
        }
    }

    #[test]
    fn resume_picks_the_newest_run_only_when_it_did_not_complete() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path();
        assert_eq!(latest_unfinished(&site.join("none")), None);
        run(site, "20260501-023000", Some(r#"{"complete": true}"#));
        assert_eq!(latest_unfinished(site), None);
        // Killed hard: no summary.
        run(site, "20260502-023000", None);
        assert_eq!(latest_unfinished(site), Some(site.join("20260502-023000")));
        // Stopped by Ctrl-C: a summary saying incomplete.
        run(site, "20260503-023000", Some(r#"{"complete": false}"#));
        assert_eq!(latest_unfinished(site), Some(site.join("20260503-023000")));
        // A complete run after them: nothing to resume.
        run(site, "20260504-023000", Some(r#"{"complete": true}"#));
        assert_eq!(latest_unfinished(site), None);
    }
}
