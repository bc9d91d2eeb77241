//! Shared helpers: start a fixture server, audit it with rules text, read the
//! reports back as typed rows.
#![allow(dead_code)]

pub mod tls;

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use zwgk_audit::audit::{AuditOptions, Auditor, RunResult};
use zwgk_audit::crawl::Progress;
use zwgk_audit::crawl::resolve::ResolveEntry;
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::report::csv::read_rows;
use zwgk_audit::report::rows::{FindingRow, LinkRow, PageRow};
use zwgk_audit::rules::Rules;

/// The fixed audit date of the fixture tests.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 25).expect("valid date")
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Starts a server over tests/fixtures/<name> dated `today()`.
pub async fn serve(name: &str) -> SiteServer {
    SiteServer::start_with_today(SiteSource::dir(fixture(name)), today())
        .await
        .expect("fixture server starts")
}

/// A finished audit and its reports.
pub struct Run {
    /// What the run returned.
    pub result: RunResult,
    /// findings.csv
    pub findings: Vec<FindingRow>,
    /// links.csv
    pub links: Vec<LinkRow>,
    /// pages.csv
    pub pages: Vec<PageRow>,
    /// Keeps the reports folder alive.
    pub dir: tempfile::TempDir,
}

impl Run {
    /// Findings of one kind.
    pub fn of_kind(&self, kind: &str) -> Vec<&FindingRow> {
        self.findings.iter().filter(|f| f.kind == kind).collect()
    }
    /// Whether a finding of `kind` has a page ending with `page` and a target ending with `target`.
    pub fn has(&self, kind: &str, page: &str, target: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.kind == kind && f.page_url.ends_with(page) && f.target_url.ends_with(target))
    }
    /// Link rows whose target ends with `target`.
    pub fn links_to(&self, target: &str) -> Vec<&LinkRow> {
        self.links
            .iter()
            .filter(|l| l.target_url.ends_with(target))
            .collect()
    }
}

/// Rules for a fixture served by `server`: `[site]` start URL at the server,
/// plus `extra` TOML appended (further sections).
pub fn rules_for(server: &SiteServer, extra: &str) -> Rules {
    let text = format!(
        "[site]\nname = \"测试站\"\nid = \"fixture\"\nstart_urls = [\"{}\"]\n{extra}",
        server.url("/")
    );
    Rules::from_toml(&text, Path::new("fixture.toml")).expect("fixture rules are valid")
}

/// A resolver that answers every lookup with an error, without touching the
/// network, and remembers the names it was asked (so a test can prove a name
/// was never looked up). Injected into every test run: a name the test did not
/// map fails like a DNS failure instead of reaching the system's DNS.
#[derive(Debug, Default)]
pub struct FailingResolver {
    asked: Mutex<Vec<String>>,
}

impl FailingResolver {
    /// The names asked so far, in order.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl reqwest::dns::Resolve for FailingResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_string();
        self.asked.lock().unwrap().push(name.clone());
        Box::pin(async move { Err(format!("{name}: no such host (test resolver)").into()) })
    }
}

/// Runs `f` to completion on a fresh runtime in its own thread, e.g. to make
/// one audit shared by several tests (it outlives the test that started it).
pub fn block_on_thread<T, F, Fut>(f: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(f())
    })
    .join()
    .unwrap()
}

/// Options for a test run: reports in a temp folder, quiet, fixed date, every
/// virtual host of the server mapped to it, and a [`FailingResolver`] for
/// every other name (no test uses the system's DNS).
pub fn options(server: &SiteServer, dir: &Path) -> AuditOptions {
    let mut o = AuditOptions::new(today());
    o.reports_root = dir.to_path_buf();
    o.out_dir = Some(dir.join("run"));
    o.progress = Progress::Quiet;
    o.stop = Some(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
        false,
    )));
    for h in server.hosts() {
        o.resolve.push(ResolveEntry::connect_to(&h, server.addr()));
    }
    o.fallback_resolver = Some(Arc::new(FailingResolver::default()));
    o
}

/// Audits with `rules` and `opts`, then reads the reports back.
pub async fn audit_with(rules: Rules, opts: AuditOptions, dir: tempfile::TempDir) -> Run {
    let result = Auditor::new(rules, opts).run().await.expect("audit runs");
    let read = |name: &str| std::fs::read(result.run_dir.join(name)).expect("report file exists");
    Run {
        findings: read_rows(&read("findings.csv")).expect("findings.csv parses"),
        links: read_rows(&read("links.csv")).expect("links.csv parses"),
        pages: read_rows(&read("pages.csv")).expect("pages.csv parses"),
        result,
        dir,
    }
}

/// Audits a server with default options tweaked by `tweak`.
pub async fn audit(
    server: &SiteServer,
    rules: Rules,
    tweak: impl FnOnce(&mut AuditOptions),
) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut opts = options(server, dir.path());
    tweak(&mut opts);
    audit_with(rules, opts, dir).await
}
