//! Crawl: the coordinator of a run.
//!
//! One loop owns the state: the frontier, every target URL seen (each checked
//! at most once per run), the link occurrences waiting for their target's
//! outcome, and the column tracker. Work runs in a bounded task set
//! ([`task::run`]); a job is started only when its host can take it (per-host
//! queues in the [`frontier`], slots and pacing in the shared
//! [`hosts::HostPool`]), so no task waits for its host in a crawl slot; rows
//! leave through the report channel as soon as they are known. Invariants: a
//! URL is fetched at most once per run; a URL only derived from a script never
//! produces a finding; a wrong link is never fetched. Ctrl-C and the
//! deadline (`crawl.max_duration_secs`) stop the loop alike, counting the
//! URLs left.

pub mod anchors;
pub mod budget;
pub mod caps;
pub mod client;
pub mod fetch;
pub mod frontier;
pub mod hostq;
pub mod hosts;
pub mod identity;
pub mod job;
pub mod journal;
pub mod listfeed;
pub mod resolve;
pub mod scope;
pub mod spill;
pub mod targets;
pub mod task;

use crate::check::columns::{ColumnRow, ColumnTracker};
use crate::check::links::{broken, link_status};
use crate::check::wrong_link::HostPolicy;
use crate::extract::resolve::normalize;
use crate::finding::{Certainty, Finding, FindingKind, Severity};
use crate::fingerprint::{FingerprintMap, Fingerprinter};
use crate::link::{Element, Origin};
use crate::report::rows::PageRow;
use crate::report::summary::RunError;
use crate::report::writer::{LinkEvent, ReportEvent, ReportSender};
use crate::rules::Rules;
use frontier::Frontier;
use futures::FutureExt;
use hostq::Take;
use hosts::Admit;
use job::{FoundLink, JobResult, LinkClass, Mode, Outcome, anchor_hash};
use spill::{Occ, Spill};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use targets::{Done, Met, Targets};
use task::Ran;
use tokio::task::JoinSet;
use url::Url;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A progress bar (stderr is a terminal).
    Bar,
    /// A log line every few seconds (cron, CI).
    Log,
    /// Nothing.
    Quiet,
}

/// What the crawl hands back.
#[derive(Debug, Default)]
pub struct CrawlStats {
    /// Pages fetched (HTML).
    pub pages: u64,
    /// Unique URLs checked.
    pub checked_urls: u64,
    /// Link occurrences recorded.
    pub links: u64,
    /// Why the start URLs could not be audited (all of them failed).
    pub start_unreachable: Option<String>,
    /// Whether the run was stopped early (Ctrl-C, SIGTERM, the deadline).
    pub interrupted: bool,
    /// Caps that bit, one line each (one per pattern for the pattern cap).
    pub caps: Vec<String>,
    /// Every URL at which a cap bit, per cap.
    pub capped: Vec<caps::CapReport>,
    /// Why the run stopped before the end, and what was left.
    pub stopped: Option<Stopped>,
    /// Column findings and columns.csv rows.
    pub columns: Vec<ColumnRow>,
    /// The tracker, for veto counters.
    pub tracker: Option<ColumnTracker>,
    /// The end-of-run page checks (list dates, message boards, guides).
    pub sitewide: Option<crate::check::sitewide::Sitewide>,
    /// Where the homepage redirected to, if it did.
    pub home_final_url: Option<String>,
    /// URLs whose check or analysis failed inside the auditor (their
    /// occurrences are written; the run is not complete).
    pub errors: Vec<RunError>,
}

/// Most stylesheets whose hiding rules a run keeps.
const MAX_CSS_SHEETS: usize = 2_000;
/// Most links waiting for a linked stylesheet's verdict (暗链) in a run.
const MAX_CSS_PENDING: usize = 50_000;

/// A link a linked stylesheet could hide, waiting for the end of the run.
struct CssWait {
    /// The page's stylesheets.
    sheets: Arc<[String]>,
    link: crate::check::hidden::CssPending,
    /// The target's outcome, the link's text and element, once emitted.
    seen: Option<Box<(Outcome, String, String)>>,
}

/// Where a fetched page's content is reported (see [`Crawl::landing`]).
enum Landing {
    /// Under the URL fetched.
    Here,
    /// Under the URL it redirected to.
    Final(Arc<str>),
    /// Not here: it is reported under another URL, or is not the site's.
    Elsewhere,
}

/// The normalised form of a URL given as text (itself when it does not parse).
fn normalize_str(s: &str) -> String {
    Url::parse(s).map_or_else(|_| s.to_string(), |u| normalize(&u).to_string())
}

/// Why a run stopped before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Ctrl-C or SIGTERM.
    Interrupted,
    /// `--max-duration` / `crawl.max_duration_secs` ran out.
    Deadline,
}

/// A run stopped before the end: why, and how much was left to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stopped {
    /// Why.
    pub reason: StopReason,
    /// URLs known and not checked yet (queued, and in flight when stopped):
    /// `--resume` checks them.
    pub urls_left: u64,
}

/// The coordinator state of one run.
pub struct Crawl {
    rules: Arc<Rules>,
    tx: ReportSender,
    events: Vec<ReportEvent>,
    /// Every URL seen, by the fingerprint of its key.
    targets: Targets,
    /// Link occurrences waiting for their targets.
    spill: Spill,
    /// The anchors of the pages crawled (on disk).
    anchors: anchors::AnchorStore,
    fp: Fingerprinter,
    frontier: Frontier,
    /// The origins crawled as the site.
    scope: scope::Scope,
    /// Directory pages reported, by the fingerprint of their directory key
    /// (`/dir/` for `/dir/index.html` too): the signature of their document.
    documents: FingerprintMap<u64>,
    tracker: ColumnTracker,
    sitewide: crate::check::sitewide::Sitewide,
    journal: Option<journal::Journal>,
    replay: journal::Replay,
    start_keys: Vec<String>,
    start_errors: Vec<String>,
    stats: CrawlStats,
    max_depth: u32,
    /// Hidden external links (暗链) waiting for their target's outcome, by (page, target).
    hidden: std::collections::HashMap<(Arc<str>, Arc<str>), crate::check::hidden::Hidden>,
    /// Links a linked stylesheet could hide, by (page, target): judged at
    /// the end of the run, with the stylesheets read by then.
    css_pending: std::collections::HashMap<(Arc<str>, Arc<str>), CssWait>,
    /// What each stylesheet read hides, by its URL.
    css_sheets: std::collections::HashMap<String, Box<crate::check::hidden::CssHiding>>,
    deadline: Option<tokio::time::Instant>,
}

impl Crawl {
    /// A crawl of `rules` writing to `tx`; `replay` holds results of an
    /// interrupted run being resumed. Waiting links and list items are
    /// spooled to unlinked temporary files in `work_dir`.
    pub fn new(
        rules: Arc<Rules>,
        tx: ReportSender,
        journal: Option<journal::Journal>,
        replay: journal::Replay,
        max_depth: u32,
        work_dir: Option<&std::path::Path>,
    ) -> Crawl {
        let tracker = ColumnTracker::new(&rules).spooled_in(work_dir);
        let sitewide = crate::check::sitewide::Sitewide::new(&rules);
        let spill = Spill::new(work_dir);
        let anchors = anchors::AnchorStore::new(work_dir);
        let scope = scope::Scope::new(&rules);
        Crawl {
            rules,
            tx,
            events: Vec::new(),
            targets: Targets::default(),
            fp: Fingerprinter::new(),
            spill,
            anchors,
            frontier: Frontier::default(),
            scope,
            documents: FingerprintMap::default(),
            tracker,
            sitewide,
            journal,
            replay,
            start_keys: Vec::new(),
            start_errors: Vec::new(),
            stats: CrawlStats::default(),
            max_depth,
            hidden: Default::default(),
            css_pending: Default::default(),
            css_sheets: Default::default(),
            deadline: None,
        }
    }

    /// Stops the run at `deadline` as Ctrl-C does (reports written, the
    /// run resumable), saying how many URLs were left.
    pub fn with_deadline(mut self, deadline: Option<tokio::time::Instant>) -> Crawl {
        self.deadline = deadline;
        self
    }

    /// Runs the crawl to the end (or until `stop` is set), with at most
    /// `max_concurrency` tasks in flight.
    pub async fn run(
        mut self,
        ctx: Arc<task::TaskCtx>,
        progress: Progress,
        stop: Arc<AtomicBool>,
    ) -> CrawlStats {
        self.sitewide.set_today(ctx.today);
        for u in self.rules.start_urls.clone() {
            let key = normalize(&u).to_string();
            let fp = self.fp.of(&key);
            if self.targets.get(&fp).is_some() {
                continue;
            }
            self.frontier
                .admit_page(u.as_str(), self.rules.crawl.max_pages);
            self.start_keys.push(key.clone());
            self.targets.insert_waiting(fp, true, 0);
            let url: Arc<str> = u.as_str().into();
            self.frontier.push(url, Some(key), 0, Mode::Page, true);
        }
        let max = self.rules.crawl.max_concurrency.max(1);
        let mut set: JoinSet<(u32, Mode, Ran)> = JoinSet::new();
        let bar = progress_bar(progress);
        let mut last_log = Instant::now();
        let started = Instant::now();
        let mut ticker = tokio::time::interval(Duration::from_millis(250));
        loop {
            let reason = if stop.load(Ordering::Relaxed) {
                Some(StopReason::Interrupted)
            } else if self
                .deadline
                .is_some_and(|d| tokio::time::Instant::now() >= d)
            {
                Some(StopReason::Deadline)
            } else {
                None
            };
            if let Some(reason) = reason {
                let urls_left = (self.frontier.len() + set.len()) as u64;
                self.stats.interrupted = true;
                self.stats.stopped = Some(Stopped { reason, urls_left });
                set.abort_all();
                match reason {
                    StopReason::Deadline => tracing::warn!(
                        urls_left,
                        elapsed_s = started.elapsed().as_secs(),
                        "deadline reached (crawl.max_duration_secs): stopping with {urls_left} URL(s) not checked; --resume checks them"
                    ),
                    StopReason::Interrupted => tracing::warn!(
                        urls_left,
                        "stopped: {urls_left} URL(s) not checked; --resume checks them"
                    ),
                }
                break;
            }
            // When no queued job's host can take it: when one may.
            let mut wake = None;
            while set.len() < max {
                // A job starts only when its host can take it (a replayed
                // result needs no host).
                let (hosts, replay) = (ctx.fetcher.hosts(), &self.replay);
                let next = self
                    .frontier
                    .pop_ready(tokio::time::Instant::now(), |host, key| {
                        if replay.has(key) {
                            return Take::Now(None);
                        }
                        match hosts.try_start(host) {
                            Admit::Now(slot) => Take::Now(Some(slot)),
                            Admit::At(t) => Take::At(t),
                            Admit::Busy => Take::Busy,
                        }
                    });
                let (job, slot) = match next {
                    Ok(next) => next,
                    Err(at) => {
                        wake = at;
                        break;
                    }
                };
                if slot.is_none()
                    && let Some(res) = self.replay.take(&job.key)
                {
                    self.process(res, job.depth, job.mode, false);
                    continue;
                }
                let (depth, mode, ctx) = (job.depth, job.mode, ctx.clone());
                set.spawn(async move {
                    // A panic (a bug) fails this URL only: its result says so.
                    let (key, url) = (job.key.clone(), job.url.to_string());
                    let res = std::panic::AssertUnwindSafe(task::run(ctx, job, slot))
                        .catch_unwind()
                        .await
                        .unwrap_or_else(|p| {
                            let why = job::panic_message(&*p);
                            tracing::error!(%url, "checking the URL failed: {why}");
                            Ran::Done(JobResult::failed(
                                key,
                                url,
                                format!("internal error: {why}"),
                            ))
                        });
                    (depth, mode, res)
                });
            }
            if set.is_empty() && self.frontier.is_empty() {
                break;
            }
            let wait = async {
                match wake {
                    Some(t) => tokio::time::sleep_until(t).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                joined = set.join_next(), if !set.is_empty() => {
                    match joined {
                        Some(Ok((depth, mode, Ran::Done(res)))) => self.process(res, depth, mode, true),
                        Some(Ok((_, _, Ran::Later(job)))) => {
                            // Back in its host's queue, which is paused meanwhile.
                            let own = task::is_own(&self.rules, &job.url) && self.scope.crawls(&job.url);
                            self.frontier.requeue(job, own);
                        }
                        Some(Err(e)) if !e.is_cancelled() => {
                            // Not reached (tasks catch their panics): still, a
                            // lost result leaves the run incomplete.
                            tracing::error!("a crawl task failed: {e}");
                            self.stats.errors.push(RunError {
                                url: String::new(),
                                error: format!("a crawl task failed: {e}"),
                            });
                        }
                        _ => {}
                    }
                }
                _ = wait => {}
                _ = ticker.tick() => {}
            }
            let done = self.stats.checked_urls;
            let total = self.targets.len() as u64;
            if let Some(b) = &bar {
                b.set_length(total);
                b.set_position(done);
                b.set_message(format!(
                    "页面 {} · 链接 {} · 排队 {}",
                    self.stats.pages,
                    self.stats.links,
                    self.frontier.len() + set.len()
                ));
            } else if progress == Progress::Log && last_log.elapsed() >= Duration::from_secs(10) {
                last_log = Instant::now();
                tracing::info!(
                    pages = self.stats.pages,
                    checked = done,
                    known = total,
                    links = self.stats.links,
                    elapsed_s = started.elapsed().as_secs(),
                    "crawling"
                );
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        if let Some(j) = self.journal.as_mut() {
            j.flush();
        }
        // Occurrences whose target never finished (interrupted run) are left out:
        // a resumed run writes them.
        if !self.start_keys.is_empty() && self.start_errors.len() == self.start_keys.len() {
            self.stats.start_unreachable = Some(self.start_errors.join("; "));
        }
        let capped = self.frontier.take_caps();
        self.stats.caps = capped.iter().map(caps::CapReport::line).collect();
        self.stats.capped = capped;
        if let Some(Stopped {
            reason: StopReason::Deadline,
            urls_left,
        }) = self.stats.stopped
        {
            self.stats.caps.push(format!(
                "deadline reached: the crawl stopped after {} s (crawl.max_duration_secs) with {urls_left} URL(s) not checked; --resume checks them",
                self.rules.crawl.max_duration_secs.unwrap_or_default()
            ));
        }
        self.css_findings();
        self.flush_events();
        self.stats.tracker = Some(self.tracker);
        self.stats.sitewide = Some(self.sitewide);
        self.stats
    }

    /// The hidden links only a linked stylesheet hides (暗链): each link
    /// whose every copy on its page sits in an element a class or id rule of
    /// a stylesheet the run read hides. A page whose stylesheets were not
    /// read says nothing.
    fn css_findings(&mut self) {
        let mut waits: Vec<_> = std::mem::take(&mut self.css_pending).into_iter().collect();
        waits.sort_by(|a, b| a.0.cmp(&b.0));
        for ((page, target), w) in waits {
            let Some(seen) = w.seen else { continue };
            let (o, text, element) = *seen;
            let sheets: Vec<&crate::check::hidden::CssHiding> = w
                .sheets
                .iter()
                .filter_map(|u| self.css_sheets.get(u).map(|b| &**b))
                .collect();
            if sheets.is_empty() {
                continue;
            }
            let Some(h) = w.link.judge(&sheets) else {
                continue;
            };
            let f = Finding::new(FindingKind::RiskyExternal, &*page, "")
                .target(&*target)
                .text(text)
                .element(element)
                .status(o.status);
            let f = crate::check::hidden::finding(f, &h, &o);
            self.send_finding(f);
        }
    }

    fn send_finding(&mut self, f: Finding) {
        self.events.push(ReportEvent::Finding(Box::new(f)));
    }

    fn emit_event(&mut self, ev: ReportEvent) {
        self.events.push(ev);
    }

    /// Sends the events of one processed result as one batch.
    fn flush_events(&mut self) {
        if !self.events.is_empty() {
            let batch = std::mem::take(&mut self.events);
            self.tx.send(ReportEvent::Batch(batch));
        }
    }

    /// Takes in the result of a job at `depth` checked as `mode`.
    fn process(&mut self, res: JobResult, depth: u32, mode: Mode, journal: bool) {
        // A failed result is not journalled: a resumed run checks it again.
        if journal
            && res.failed.is_none()
            && let Some(j) = self.journal.as_mut()
        {
            j.append(&res);
        }
        if let Some(why) = &res.failed {
            self.stats.errors.push(RunError {
                url: res.url.clone(),
                error: why.clone(),
            });
        }
        self.stats.checked_urls += 1;
        // The outcome is kept for every later link to this URL: the content
        // type is only needed for this page's row, so it is not kept.
        let mut outcome = res.outcome;
        let content_type = outcome.content_type.take().unwrap_or_default();
        // Anchors go to the anchor store (on disk), not with the outcome.
        let anchors = outcome.anchors.take();
        let page_fp = self.fp.of(&res.key);
        if let Some(a) = &anchors
            && !self.anchors.keep(page_fp, a)
        {
            let at = res.url.split_once('#').map_or(res.url.as_str(), |(u, _)| u);
            self.frontier.note_limit(at, caps::Cap::AnchorStore);
        }
        let done = Done::new(outcome);
        let outcome = done.outcome();
        let waiting = self.targets.finish(page_fp, done.clone());
        let waiting = self.spill.take(waiting);
        if self.start_keys.first() == Some(&res.key) {
            self.stats.home_final_url = outcome.final_url.clone();
        }
        if self.start_keys.contains(&res.key) {
            if let Some((_, detail)) = broken(&outcome) {
                self.start_errors.push(format!("{}: {detail}", res.url));
            } else if let Some(s) = &outcome.skipped {
                tracing::warn!(url = %res.url, "start URL {s}");
            }
        }
        let landing = if mode == Mode::Page && outcome.skipped.is_none() {
            self.landing(&res.key, &res.url, res.page.as_ref(), &outcome)
        } else {
            Landing::Here
        };
        let page_url: Arc<str> = match &landing {
            Landing::Final(f) => {
                // Fragment links to the URL it redirected to find its anchors.
                let final_fp = self.fp.of(&normalize_str(f));
                self.anchors.alias(final_fp, page_fp);
                f.clone()
            }
            _ => Arc::from(res.url.as_str()),
        };
        let reported = !matches!(landing, Landing::Elsewhere);
        if mode == Mode::Page && (outcome.skipped.is_none() || res.failed.is_some()) && reported {
            let p = res.page.as_ref().filter(|p| p.html);
            let error = match (&res.failed, &outcome.error) {
                (Some(why), _) => why.clone(),
                (None, Some(e)) => e.to_string(),
                (None, None) => String::new(),
            };
            if p.is_some() || !error.is_empty() || outcome.status.is_some() {
                self.stats.pages += u64::from(p.is_some());
                self.emit_event(ReportEvent::Page(PageRow {
                    url: page_url.to_string(),
                    http_status: outcome.status,
                    content_type,
                    charset: p.map(|p| p.charset.clone()).unwrap_or_default(),
                    depth,
                    bytes: p.map(|p| p.bytes).unwrap_or(0),
                    elapsed_ms: outcome.elapsed_ms,
                    title: p.map(|p| p.title.clone()).unwrap_or_default(),
                    error,
                }));
            }
        }
        if let Some(mut page) = res.page {
            if let Some(h) = page.css_hiding.take()
                && self.css_sheets.len() < MAX_CSS_SHEETS
            {
                self.css_sheets.insert(res.url.clone(), h);
            }
            if reported && let Some(c) = page.css_hidden.take() {
                let sheets: Arc<[String]> = c.sheets.into();
                for link in c.links {
                    if self.css_pending.len() >= MAX_CSS_PENDING {
                        break;
                    }
                    let target: Arc<str> = link.href.as_str().into();
                    self.css_pending.insert(
                        (page_url.clone(), target),
                        CssWait {
                            sheets: sheets.clone(),
                            link,
                            seen: None,
                        },
                    );
                }
            }
            if page.truncated {
                self.frontier.note_page_cut(
                    &res.url,
                    self.rules.crawl.max_page_bytes,
                    page.declared_len,
                    (!page.html).then_some(page.bytes),
                );
            }
            if page.flattened > 0 {
                self.frontier.note_flattened(&res.url, page.flattened);
            }
            // The page, not the first link's fragment of it.
            let at = res.url.split_once('#').map_or(res.url.as_str(), |(u, _)| u);
            for &cap in &page.limits {
                self.frontier.note_limit(at, cap);
            }
            if page.links_cut {
                let max = self
                    .rules
                    .crawl
                    .max_links_per_page
                    .min(crate::extract::MAX_LINKS);
                self.frontier.note_links_cut(&res.url, max);
            }
            let items = page
                .observation
                .as_ref()
                .map(|o| o.items.as_slice())
                .unwrap_or_default();
            let rules = &self.rules;
            self.sitewide.page(&res.url, page.facts, items, |u| {
                Url::parse(u).is_ok_and(|u| task::is_own(rules, &u))
            });
            if let Some(obs) = page.observation {
                self.tracker.record(&res.url, obs);
            }
            // A page reported elsewhere (a known page it redirected to, an
            // identical index page, another site): its findings and links
            // are not reported again here.
            if reported {
                for f in page.findings {
                    self.send_finding(f);
                }
                for link in page.links {
                    self.on_link(&page_url, depth + 1, link);
                }
            }
        }
        for occ in waiting {
            self.emit(occ, &outcome, anchors.as_deref());
        }
        self.flush_events();
    }

    /// Where the content of a fetched page is reported: here; under the URL
    /// it redirected to (once: the final URL is then recorded as checked, so
    /// a later link to it is not fetched and analysed again); or nowhere,
    /// when it is reported elsewhere — the final URL is already a page of the
    /// crawl, it lies outside the crawl scope (another site, another copy of
    /// the site), or the page is an index page (`/dir/index.html`) serving
    /// the same document as its directory (`/dir/`) already reported.
    fn landing(
        &mut self,
        key: &str,
        url: &str,
        page: Option<&job::PageData>,
        outcome: &Outcome,
    ) -> Landing {
        let landing = self.redirect_landing(key, url, outcome);
        if matches!(landing, Landing::Elsewhere) {
            return landing;
        }
        let Some(sig) = page.filter(|p| p.html).and_then(|p| p.body_sig) else {
            return landing;
        };
        let here = match &landing {
            Landing::Final(f) => Url::parse(f).ok(),
            _ => Url::parse(url).ok(),
        };
        let Some(dir_key) = here.as_ref().and_then(identity::index_dir_key) else {
            return landing;
        };
        let fp = self.fp.of(&normalize_str(&dir_key));
        match self.documents.get(&fp) {
            Some(known) if *known == sig => {
                tracing::debug!(%url, "same document as its directory page: reported once");
                Landing::Elsewhere
            }
            Some(_) => landing,
            None => {
                self.documents.insert(fp, sig);
                landing
            }
        }
    }

    /// [`landing`](Self::landing) as far as redirects decide it.
    fn redirect_landing(&mut self, key: &str, url: &str, outcome: &Outcome) -> Landing {
        let Some(final_url) = outcome
            .final_url
            .as_deref()
            .and_then(|f| Url::parse(f).ok())
        else {
            return Landing::Here;
        };
        let final_key = normalize(&final_url).to_string();
        if final_key == key {
            return Landing::Here;
        }
        if !self.scope.crawls(&final_url) {
            let start = self.start_keys.iter().any(|k| k == key);
            if start && task::is_own(&self.rules, &final_url) {
                // `http://` → `https://` (or another port) of the site itself.
                self.scope.adopt(&final_url);
            } else if start {
                tracing::warn!(
                    %url,
                    %final_url,
                    "the start URL redirects outside the site's own hosts: its links there are checked, not crawled (start there, or add the host to site.own_hosts)"
                );
                return Landing::Here;
            } else {
                if task::is_own(&self.rules, &final_url) {
                    self.scope.note_other_copy(&final_url);
                }
                return Landing::Elsewhere;
            }
        }
        let final_fp = self.fp.of(&final_key);
        match self.targets.is_page(&final_fp) {
            Some(true) => Landing::Elsewhere,
            Some(false) => Landing::Final(final_url.as_str().into()),
            None => {
                let direct = Outcome {
                    final_url: None,
                    redirects: 0,
                    ..outcome.clone()
                };
                self.targets.insert_done(final_fp, true, Done::new(direct));
                Landing::Final(final_url.as_str().into())
            }
        }
    }

    fn wrong(&mut self, page: &Arc<str>, target: &str, link: &FoundLink, reason: String) {
        self.link_row(page, target, link, "wrong", None, "", None);
        if link.origin == Origin::Markup {
            self.send_finding(
                Finding::new(FindingKind::WrongLink, &**page, reason)
                    .target(target)
                    .text(link.text.clone())
                    .element(link.element.label()),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn link_row(
        &mut self,
        page: &Arc<str>,
        target: &str,
        link: &FoundLink,
        status: &'static str,
        http: Option<u16>,
        final_url: &str,
        elapsed: Option<u64>,
    ) {
        self.stats.links += 1;
        self.emit_event(ReportEvent::Link(LinkEvent {
            page: page.clone(),
            target: target.into(),
            text: link.text.as_str().into(),
            element: link.element,
            origin: link.origin,
            status,
            http_status: http,
            final_url: (!final_url.is_empty()).then(|| final_url.to_string()),
            elapsed_ms: elapsed,
        }));
    }

    fn on_link(&mut self, page: &Arc<str>, depth: u32, mut link: FoundLink) {
        // Channel entries count whatever the link is (another host, a
        // `javascript:` opener, an ignored or wrong URL): it is on the site.
        if link.origin == Origin::Markup
            && matches!(
                link.element,
                Element::A | Element::Area | Element::Datastore
            )
        {
            self.sitewide
                .link(page, link.target(), &link.text, &self.rules);
        }
        let class = std::mem::replace(&mut link.class, LinkClass::NotChecked);
        let (key, own, fragment, mixed) = match class {
            LinkClass::NotChecked => {
                let t = link.target().to_string();
                self.link_row(page, &t, &link, "not_checked", None, "", None);
                return;
            }
            LinkClass::Ignored => {
                let t = link.target().to_string();
                self.link_row(page, &t, &link, "ignored", None, "", None);
                return;
            }
            LinkClass::Wrong(reason) => {
                let t = link.target().to_string();
                self.wrong(page, &t, &link, reason);
                return;
            }
            LinkClass::Check {
                key,
                own,
                fragment,
                mixed,
            } => (key, own, fragment, mixed),
        };
        let target: Arc<str> = link.url.take().unwrap_or_default().into();
        if let Some(h) = link.hidden.take() {
            self.hidden.insert((page.clone(), target.clone()), h);
        }
        if link.origin == Origin::Markup {
            if let Some((sev, detail)) = mixed {
                self.send_finding(
                    Finding::new(FindingKind::MixedContent, &**page, detail)
                        .severity(sev)
                        .target(&*target)
                        .text(link.text.clone())
                        .element(link.element.label()),
                );
            }
            if matches!(
                link.element,
                Element::A | Element::Area | Element::Datastore
            ) {
                self.tracker.link(page, &target, &link.text);
            }
        }
        let (element, origin) = (link.element, link.origin);
        let occ = Occ {
            page: page.clone(),
            target,
            text: std::mem::take(&mut link.text).into_boxed_str(),
            element,
            origin,
            fragment: fragment.map(Box::from),
        };
        let fp = self.fp.of(key.as_deref().unwrap_or(&occ.target));
        let spill = &mut self.spill;
        match self
            .targets
            .add_occurrence(fp, |head| spill.push(head, &occ))
        {
            Met::Checked(done) => {
                let anchors = match occ.fragment {
                    Some(_) => self.anchors.get(fp),
                    None => None,
                };
                self.emit(occ, &done.outcome(), anchors.as_deref());
                return;
            }
            Met::Waiting => return,
            Met::Unseen => {}
        }
        let Ok(url) = Url::parse(&occ.target) else {
            return;
        };
        // A new target: decide how to check it.
        let crawl = own && self.scope.crawls(&url);
        let mode = match self.mode_for(&url, element, origin, own, crawl, depth) {
            Ok(m) => m,
            Err(skip) => {
                let outcome = Outcome {
                    skipped: Some(skip),
                    ..Default::default()
                };
                self.emit(occ, &outcome, None);
                self.targets.insert_done(fp, false, Done::new(outcome));
                return;
            }
        };
        let head = self.spill.push(0, &occ);
        self.targets.insert_waiting(fp, mode == Mode::Page, head);
        self.frontier.push(occ.target, key, depth, mode, crawl);
    }

    /// How a new target is checked: `own` when its host is one of the site's,
    /// `crawl` when it is also under an origin the run crawls (see [`scope`]).
    fn mode_for(
        &mut self,
        url: &Url,
        element: Element,
        origin: Origin,
        own: bool,
        crawl: bool,
        depth: u32,
    ) -> Result<Mode, String> {
        let c = &self.rules.crawl;
        if own && !crawl {
            // Another copy of the site (the other scheme or port): checked
            // like an external link, whatever `check_external` says.
            self.scope.note_other_copy(url);
            if origin == Origin::Derived {
                return Err(
                    "derived from a script on another copy of the site: not checked".into(),
                );
            }
            return Ok(
                if element.is_navigation() && !task::looks_like_resource(url) {
                    Mode::External
                } else {
                    Mode::Resource
                },
            );
        }
        if !own {
            if origin == Origin::Derived {
                return Err("derived from a script on another site: not checked".into());
            }
            if !c.check_external {
                return Err("external links not checked (crawl.check_external = false)".into());
            }
            return Ok(
                if element.is_navigation() && !task::looks_like_resource(url) {
                    Mode::External
                } else {
                    Mode::Resource
                },
            );
        }
        if matches!(element, Element::Stylesheet | Element::CssImport) {
            return Ok(Mode::Stylesheet);
        }
        if !element.is_navigation() || task::looks_like_resource(url) {
            return Ok(Mode::Resource);
        }
        let s = url.as_str();
        let included =
            self.rules.include.is_empty() || self.rules.include.iter().any(|r| r.is_match(s));
        let excluded = self.rules.exclude.iter().any(|r| r.is_match(s));
        if !included || excluded {
            return Ok(Mode::Resource);
        }
        if depth > self.max_depth {
            self.frontier.note_too_deep(url, self.max_depth);
            return Ok(Mode::Resource);
        }
        if !self.frontier.admit_token(url, c.max_tokens_per_prefix) {
            return Err("session token cap reached (crawl.max_tokens_per_prefix)".into());
        }
        if !self.frontier.admit_pattern(url, c.max_urls_per_pattern) {
            return Err("URL pattern cap reached (crawl.max_urls_per_pattern)".into());
        }
        if !self.frontier.admit_page(url.as_str(), c.max_pages) {
            return Ok(Mode::Resource);
        }
        Ok(Mode::Page)
    }

    fn emit(&mut self, occ: Occ, o: &Outcome, anchors: Option<&[u64]>) {
        if !self.css_pending.is_empty()
            && occ.origin == Origin::Markup
            && let Some(w) = self
                .css_pending
                .get_mut(&(occ.page.clone(), occ.target.clone()))
            && w.seen.is_none()
        {
            w.seen = Some(Box::new((
                o.clone(),
                occ.text.to_string(),
                occ.element.label().to_string(),
            )));
        }
        if occ.origin == Origin::Markup && o.skipped.is_none() {
            self.link_findings(&occ, o, anchors);
        } else if let Some(h) = (!self.hidden.is_empty())
            .then(|| self.hidden.get(&(occ.page.clone(), occ.target.clone())))
            .flatten()
        {
            // Not checked (crawl.check_external = false …): still hidden.
            let f = Finding::new(FindingKind::RiskyExternal, &*occ.page, "")
                .target(&*occ.target)
                .text(&*occ.text)
                .element(occ.element.label());
            let f = crate::check::hidden::finding(f, h, o);
            self.send_finding(f);
        }
        self.stats.links += 1;
        self.emit_event(ReportEvent::Link(LinkEvent {
            page: occ.page,
            target: occ.target,
            text: occ.text,
            element: occ.element,
            origin: occ.origin,
            status: link_status(o),
            http_status: o.status,
            final_url: o.final_url.clone(),
            elapsed_ms: (o.skipped.is_none()).then_some(o.elapsed_ms),
        }));
    }

    /// The findings one link occurrence earns from its target's outcome.
    fn link_findings(&mut self, occ: &Occ, o: &Outcome, anchors: Option<&[u64]>) {
        let base = |kind: FindingKind, detail: String| {
            Finding::new(kind, &*occ.page, detail)
                .target(&*occ.target)
                .text(&*occ.text)
                .element(occ.element.label())
                .status(o.status)
        };
        let hidden = if self.hidden.is_empty() {
            None
        } else {
            self.hidden
                .get(&(occ.page.clone(), occ.target.clone()))
                .cloned()
        };
        if let Some(h) = &hidden {
            self.send_finding(crate::check::hidden::finding(
                base(FindingKind::RiskyExternal, String::new()),
                h,
                o,
            ));
        }
        if let Some((certainty, detail)) = broken(o) {
            let mut detail = match &o.final_url {
                Some(f) if o.redirects > 0 => format!("{detail} (after redirect to {f})"),
                _ => detail,
            };
            let weight = occ.element.weight();
            if let Some(note) = weight.note() {
                detail = format!("{detail}; {note}");
            }
            self.send_finding(
                base(FindingKind::BrokenLink, detail)
                    .certainty(certainty)
                    .severity(occ.element.broken_severity()),
            );
            return;
        }
        if let Some(ev) = &o.soft404 {
            self.send_finding(base(FindingKind::Soft404, ev.clone()));
            return;
        }
        if let Some((ev, is_content)) = o.risky.as_ref().filter(|_| hidden.is_none()) {
            let f = base(FindingKind::RiskyExternal, ev.clone());
            self.send_finding(if *is_content {
                f
            } else {
                f.severity(Severity::Warning)
                    .certainty(Certainty::Suspected)
            });
        }
        if let (Some(frag), Some(anchors)) = (&occ.fragment, anchors) {
            let decoded = percent_decode(frag);
            if anchors.binary_search(&anchor_hash(frag)).is_err()
                && anchors.binary_search(&anchor_hash(&decoded)).is_err()
            {
                self.send_finding(
                    base(
                        FindingKind::MissingAnchor,
                        format!("no id or name 「{decoded}」 on the target page"),
                    )
                    .severity(Severity::Warning),
                );
            }
        }
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("a={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

/// The host policy of a run: hosts allowed though private (own hosts,
/// `--resolve` names, the rules' allow list) and the rules' forbidden hosts.
pub fn host_policy(rules: &Rules, mapped: &[String]) -> HostPolicy {
    let mut allowed: Vec<String> = mapped.to_vec();
    allowed.extend(rules.own_hosts.iter().map(|h| host_only(h)));
    allowed.extend(rules.allow_private.iter().cloned());
    HostPolicy {
        allowed,
        forbidden: rules.forbidden_hosts.clone(),
    }
}

fn host_only(h: &str) -> String {
    match h.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) && !host.contains(':') => {
            host.to_string()
        }
        _ => h.to_string(),
    }
}

fn progress_bar(p: Progress) -> Option<indicatif::ProgressBar> {
    if p != Progress::Bar {
        return None;
    }
    let bar = indicatif::ProgressBar::new(1);
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} URL · {msg}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}
