//! The one owner of a run's report files. Rows arrive over a channel and are
//! written as the crawl goes: findings are flushed at once, links and pages at
//! least every second, so a killed run keeps (almost) everything it found.

use super::Lang;
use super::csv::CsvWriter;
use super::history::FirstSeenIndex;
use super::rows::{FindingRow, LinkRow, LinkRowRef, PageRow};
use crate::check::columns::ColumnRow;
use crate::finding::Finding;
use crate::fingerprint::{FingerprintMap, Fingerprinter};
use crate::link::{Element, Origin};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Something to write.
pub enum ReportEvent {
    /// A pages.csv row.
    Page(PageRow),
    /// A links.csv row.
    Link(LinkEvent),
    /// A finding (deduplicated here by kind, page and target).
    Finding(Box<Finding>),
    /// Several events at once (one channel message per crawled page).
    Batch(Vec<ReportEvent>),
}

/// A links.csv row as the crawl holds it: the page URL shared by all its
/// links, labels static, nothing copied for the writer.
#[derive(Debug, Clone)]
pub struct LinkEvent {
    /// Page the link is on.
    pub page: Arc<str>,
    /// Resolved target (or the raw text).
    pub target: Arc<str>,
    /// Link text.
    pub text: Box<str>,
    /// Element.
    pub element: Element,
    /// Markup or derived.
    pub origin: Origin,
    /// Link status (`ok`, `broken`, `not_checked` …).
    pub status: &'static str,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// URL after redirects, when different.
    pub final_url: Option<String>,
    /// Time to check the target, milliseconds.
    pub elapsed_ms: Option<u64>,
}

impl LinkEvent {
    fn write_to(&self, w: &mut Csv<LinkRow>) -> std::io::Result<()> {
        let derived;
        let element = match self.origin {
            Origin::Markup => self.element.label(),
            Origin::Derived => {
                derived = format!("{} (derived)", self.element.label());
                derived.as_str()
            }
        };
        w.write_as(&LinkRowRef {
            page_url: &self.page,
            target_url: &self.target,
            link_text: &self.text,
            element,
            status: self.status,
            http_status: self.http_status,
            final_url: self.final_url.as_deref().unwrap_or(""),
            elapsed_ms: self.elapsed_ms,
        })
    }
}

/// What the writer hands back at the end (the findings themselves are in
/// findings.csv: a run with 100,000 of them does not hold them in memory).
#[derive(Debug, Default)]
pub struct Written {
    /// Finding rows written.
    pub findings: u64,
    /// Pages written.
    pub pages: u64,
    /// Link rows written.
    pub links: u64,
}

/// The sending side, cloneable.
#[derive(Clone)]
pub struct ReportSender(mpsc::SyncSender<ReportEvent>);

impl ReportSender {
    /// Queues an event (waits while the writer is 256 batches behind; a stopped writer drops it).
    pub fn send(&self, ev: ReportEvent) {
        let _ = self.0.send(ev);
    }
}

/// A running writer thread.
pub struct RunWriter {
    tx: Option<ReportSender>,
    join: JoinHandle<std::io::Result<Written>>,
    dir: PathBuf,
    lang: Lang,
}

type Csv<R> = CsvWriter<BufWriter<File>, R>;

/// Batches (about one crawled page each) queued for the writer before the crawl waits.
const CHANNEL_BATCHES: usize = 256;

/// The open report files of a run, owned by the writer thread.
struct Sinks {
    findings: Csv<FindingRow>,
    links: Csv<LinkRow>,
    pages: Csv<PageRow>,
    first_seen: FirstSeenIndex,
    today: String,
    /// Fingerprints of the finding keys written (one finding per key).
    seen: FingerprintMap<()>,
    fp: Fingerprinter,
    out: Written,
}

impl Sinks {
    /// Writes one event (a batch in order); returns whether a new finding was written.
    fn take(&mut self, ev: Option<ReportEvent>) -> std::io::Result<bool> {
        let Some(ev) = ev else { return Ok(false) };
        match ev {
            ReportEvent::Page(p) => {
                self.pages.write(&p)?;
                self.out.pages += 1;
                Ok(false)
            }
            ReportEvent::Link(l) => {
                l.write_to(&mut self.links)?;
                self.out.links += 1;
                Ok(false)
            }
            ReportEvent::Finding(f) => {
                let key = f.key();
                if self.seen.insert(self.fp.of(&key), ()).is_some() {
                    return Ok(false);
                }
                let first = self.first_seen.get(&key).unwrap_or(&self.today);
                let row = FindingRow::from_finding(&f, first);
                self.findings.write(&row)?;
                self.out.findings += 1;
                Ok(true)
            }
            ReportEvent::Batch(v) => {
                let mut new = false;
                for ev in v {
                    new |= self.take(Some(ev))?;
                }
                Ok(new)
            }
        }
    }
}

fn create<R: super::rows::Row>(dir: &Path, name: &str, lang: Lang) -> std::io::Result<Csv<R>> {
    let path = dir.join(name);
    let f = File::create(&path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    CsvWriter::new(BufWriter::with_capacity(256 * 1024, f), lang, true)
}

impl RunWriter {
    /// Creates findings.csv, links.csv and pages.csv in `dir` and starts the
    /// writer thread. `first_seen` has the first-seen dates of findings
    /// still open; new findings get `today`.
    pub fn start(
        dir: &Path,
        lang: Lang,
        first_seen: FirstSeenIndex,
        today: String,
    ) -> std::io::Result<RunWriter> {
        let mut findings: Csv<FindingRow> = create(dir, "findings.csv", lang)?;
        let mut links: Csv<LinkRow> = create(dir, "links.csv", lang)?;
        let mut pages: Csv<PageRow> = create(dir, "pages.csv", lang)?;
        findings.flush()?;
        links.flush()?;
        pages.flush()?;
        // Bounded: when the disk is slower than the crawl, the crawl waits
        // instead of queueing rows in memory.
        let (tx, rx) = mpsc::sync_channel::<ReportEvent>(CHANNEL_BATCHES);
        let mut sinks = Sinks {
            findings,
            links,
            pages,
            first_seen,
            today,
            seen: FingerprintMap::default(),
            fp: Fingerprinter::new(),
            out: Written::default(),
        };
        let join = std::thread::Builder::new()
            .name("report-writer".into())
            .spawn(move || {
                let mut last_flush = Instant::now();
                let mut error: Option<std::io::Error> = None;
                loop {
                    let ev = match rx.recv_timeout(Duration::from_millis(500)) {
                        Ok(ev) => Some(ev),
                        Err(mpsc::RecvTimeoutError::Timeout) => None,
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    };
                    if error.is_some() {
                        continue; // keep draining; what was written stays valid
                    }
                    let r = sinks.take(ev).and_then(|new_finding| {
                        if new_finding {
                            sinks.findings.flush()?;
                        }
                        if last_flush.elapsed() >= Duration::from_secs(1) {
                            sinks.links.flush()?;
                            sinks.pages.flush()?;
                            last_flush = Instant::now();
                        }
                        Ok(())
                    });
                    if let Err(e) = r {
                        tracing::error!(error = %e, "cannot write report files; findings so far are kept");
                        error = Some(e);
                    }
                }
                if let Some(e) = error {
                    return Err(e);
                }
                sinks.findings.flush()?;
                sinks.links.flush()?;
                sinks.pages.flush()?;
                Ok(sinks.out)
            })?;
        Ok(RunWriter {
            tx: Some(ReportSender(tx)),
            join,
            dir: dir.to_path_buf(),
            lang,
        })
    }

    /// A sender for the crawl.
    pub fn sender(&self) -> ReportSender {
        self.tx
            .clone()
            .unwrap_or_else(|| ReportSender(mpsc::sync_channel(1).0))
    }

    /// Stops the thread after it wrote everything queued; returns what it wrote.
    pub fn finish(mut self) -> std::io::Result<Written> {
        drop(self.tx.take());
        self.join
            .join()
            .map_err(|_| std::io::Error::other("report writer thread panicked"))?
    }

    /// Writes columns.csv.
    pub fn write_columns(&self, rows: &[ColumnRow]) -> std::io::Result<()> {
        let mut w: Csv<ColumnRow> = create(&self.dir, "columns.csv", self.lang)?;
        for r in rows {
            w.write(r)?;
        }
        w.flush()
    }
}
