//! The one owner of a run's report files. Rows arrive over a channel and are
//! written as the crawl goes: findings are flushed at once, links and pages at
//! least every second, so a killed run keeps (almost) everything it found.

use super::Lang;
use super::csv::CsvWriter;
use super::rows::{FindingRow, LinkRow, PageRow};
use crate::check::columns::ColumnRow;
use crate::finding::Finding;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Something to write.
pub enum ReportEvent {
    /// A pages.csv row.
    Page(PageRow),
    /// A links.csv row.
    Link(LinkRow),
    /// A finding (deduplicated here by kind, page and target).
    Finding(Box<Finding>),
}

/// What the writer hands back at the end.
#[derive(Debug, Default)]
pub struct Written {
    /// Every finding row written, in order.
    pub findings: Vec<FindingRow>,
    /// Pages written.
    pub pages: u64,
    /// Link rows written.
    pub links: u64,
}

/// The sending side, cloneable.
#[derive(Clone)]
pub struct ReportSender(mpsc::Sender<ReportEvent>);

impl ReportSender {
    /// Queues an event (never blocks; a stopped writer drops it).
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

fn create<R: super::rows::Row>(dir: &Path, name: &str, lang: Lang) -> std::io::Result<Csv<R>> {
    let path = dir.join(name);
    let f = File::create(&path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    CsvWriter::new(BufWriter::with_capacity(256 * 1024, f), lang, true)
}

impl RunWriter {
    /// Creates findings.csv, links.csv and pages.csv in `dir` and starts the
    /// writer thread. `first_seen` maps finding keys to their first-seen date;
    /// new findings get `today`.
    pub fn start(
        dir: &Path,
        lang: Lang,
        first_seen: HashMap<String, String>,
        today: String,
    ) -> std::io::Result<RunWriter> {
        let mut findings: Csv<FindingRow> = create(dir, "findings.csv", lang)?;
        let mut links: Csv<LinkRow> = create(dir, "links.csv", lang)?;
        let mut pages: Csv<PageRow> = create(dir, "pages.csv", lang)?;
        findings.flush()?;
        links.flush()?;
        pages.flush()?;
        let (tx, rx) = mpsc::channel::<ReportEvent>();
        let join = std::thread::Builder::new()
            .name("report-writer".into())
            .spawn(move || {
                let mut out = Written::default();
                let mut seen: HashSet<String> = HashSet::new();
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
                    let r: std::io::Result<()> = (|| {
                        match ev {
                            Some(ReportEvent::Page(p)) => {
                                pages.write(&p)?;
                                out.pages += 1;
                            }
                            Some(ReportEvent::Link(l)) => {
                                links.write(&l)?;
                                out.links += 1;
                            }
                            Some(ReportEvent::Finding(f)) => {
                                let key = f.key();
                                if seen.insert(key.clone()) {
                                    let first = first_seen.get(&key).cloned().unwrap_or_else(|| today.clone());
                                    let row = FindingRow::from_finding(&f, &first);
                                    findings.write(&row)?;
                                    findings.flush()?;
                                    out.findings.push(row);
                                }
                            }
                            None => {}
                        }
                        if last_flush.elapsed() >= Duration::from_secs(1) {
                            links.flush()?;
                            pages.flush()?;
                            last_flush = Instant::now();
                        }
                        Ok(())
                    })();
                    if let Err(e) = r {
                        tracing::error!(error = %e, "cannot write report files; findings so far are kept");
                        error = Some(e);
                    }
                }
                if let Some(e) = error {
                    return Err(e);
                }
                findings.flush()?;
                links.flush()?;
                pages.flush()?;
                Ok(out)
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
            .unwrap_or_else(|| ReportSender(mpsc::channel().0))
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
