//! Nightly audits (issue 6): two runs of an edited fixture site give the right
//! diff and first-seen dates; a killed or interrupted run resumes to the same
//! result as a clean run; exit codes through the binary for each `--fail-on`;
//! report.html of the demo run carries the verdict, counts and findings table.
//!
//! The fixture is `tests/fixtures/nightly/`, copied to a temp folder and edited
//! between runs, served as `http://www.nightly.gov.cn/` by a loopback
//! `SiteServer` (the binary reaches it with `--connect-to`).

use crate::common::fixture;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};
use zwgk_audit::audit::{AuditOptions, Auditor, RunResult};
use zwgk_audit::crawl::Progress;
use zwgk_audit::crawl::resolve::ResolveEntry;
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::report::csv::read_rows;
use zwgk_audit::report::diff::{DiffRow, DiffStatus};
use zwgk_audit::report::rows::{FindingRow, LinkRow, PageRow};
use zwgk_audit::rules::Rules;

const HOST: &str = "www.nightly.gov.cn";
const BIN: &str = env!("CARGO_BIN_EXE_zwgk-audit");

fn date(s: &str) -> NaiveDate {
    s.parse().expect("valid date")
}

fn rules_text(extra: &str) -> String {
    format!(
        "[site]\nname = \"夜间检查示例局\"\nid = \"nightly\"\nstart_urls = [\"http://{HOST}/\"]\n\
         own_hosts = [\"{HOST}\"]\n\n[crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\n\
         retries = 0\nbackoff_ms = 50\n{extra}"
    )
}

/// A temp copy of the nightly fixture, edited between runs.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&fixture("nightly"), dir.path());
        Site { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `rel` (creating folders).
    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write fixture file");
    }

    /// Replaces `from` by `to` in `rel` (which must contain it).
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.path().join(rel);
        let text = std::fs::read_to_string(&p).expect("fixture file");
        assert!(text.contains(from), "{rel} has no {from:?}");
        std::fs::write(p, text.replacen(from, to, 1)).expect("write fixture file");
    }

    /// Adds a link on a page at its `<!-- extra -->` marker.
    fn add_link(&self, rel: &str, href: &str, text: &str) {
        self.edit(
            rel,
            "<!-- extra -->",
            &format!("<p><a href=\"{href}\">{text}</a></p>\n<!-- extra -->"),
        );
    }

    /// Serves the site (on its own thread: callers may block) as of `today`.
    fn serve(&self, today: NaiveDate) -> SiteServer {
        SiteServer::start_in_thread(SiteSource::dir(self.path()), Some(today))
            .expect("fixture server starts")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("fixture folder") {
        let e = e.expect("dir entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy fixture file");
        }
    }
}

/// One run through the library into `reports/nightly/<run-id>/`.
async fn lib_run(server: &SiteServer, reports: &Path, today: NaiveDate) -> RunResult {
    let rules = Rules::from_toml(&rules_text(""), Path::new("nightly.toml")).expect("rules");
    let mut o = AuditOptions::new(today);
    o.reports_root = reports.to_path_buf();
    o.progress = Progress::Quiet;
    o.stop = Some(Arc::new(AtomicBool::new(false)));
    o.resolve
        .push(ResolveEntry::connect_to(HOST, server.addr()));
    Auditor::new(rules, o).run().await.expect("audit runs")
}

fn read<R: serde::de::DeserializeOwned + zwgk_audit::report::rows::Row>(path: &Path) -> Vec<R> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_rows(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (status, kind, target path) of diff rows, sorted.
fn diff_set(rows: &[DiffRow]) -> BTreeSet<(&'static str, String, String)> {
    rows.iter()
        .map(|r| (r.status.code(), r.kind.clone(), path_of(&r.target_url)))
        .collect()
}

fn path_of(url: &str) -> String {
    url.parse::<url::Url>()
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| url.to_string())
}

fn first_seen_of<'a>(rows: &'a [FindingRow], target_path: &str) -> &'a str {
    rows.iter()
        .find(|r| path_of(&r.target_url) == target_path)
        .map(|r| r.first_seen.as_str())
        .unwrap_or_else(|| panic!("no finding with target {target_path}: {rows:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nights_give_new_fixed_and_open_with_first_seen_dates() {
    let site = Site::new();
    let reports = tempfile::tempdir().expect("temp dir");
    let d1 = date("2026-05-01");
    let d2 = date("2026-05-08");

    // Night 1: /files/old.pdf and /news/gone.html are broken.
    let server = site.serve(d1);
    let run1 = lib_run(&server, reports.path(), d1).await;
    drop(server);
    let f1: Vec<FindingRow> = read(&run1.run_dir.join("findings.csv"));
    let broken1: BTreeSet<String> = f1
        .iter()
        .filter(|f| f.kind == "broken_link")
        .map(|f| path_of(&f.target_url))
        .collect();
    assert_eq!(
        broken1,
        BTreeSet::from(["/files/old.pdf".to_string(), "/news/gone.html".to_string()]),
        "{f1:#?}"
    );
    assert_eq!(f1.len(), 2, "no other finding on the clean pages: {f1:#?}");
    assert!(f1.iter().all(|f| f.first_seen == "2026-05-01"));
    assert!(
        !run1.run_dir.join("diff.csv").exists(),
        "no previous run: no diff"
    );

    // The webmaster fixes old.pdf; someone adds a broken link on about.html.
    site.write("files/old.pdf", "%PDF-1.4\n% restored\n");
    site.add_link("about.html", "/files/guide-2025.doc", "办事指南（2025版）");

    // Night 2, same reports root.
    let server = site.serve(d2);
    let run2 = lib_run(&server, reports.path(), d2).await;
    drop(server);
    assert_ne!(run1.run_dir, run2.run_dir);
    assert_eq!(run1.run_dir.parent(), run2.run_dir.parent());
    let diff: Vec<DiffRow> = read(&run2.run_dir.join("diff.csv"));
    let want: BTreeSet<(&str, String, String)> = BTreeSet::from([
        ("new", "broken_link".into(), "/files/guide-2025.doc".into()),
        ("fixed", "broken_link".into(), "/files/old.pdf".into()),
        ("open", "broken_link".into(), "/news/gone.html".into()),
    ]);
    assert_eq!(diff_set(&diff), want, "{diff:#?}");
    let open = diff.iter().find(|r| r.status == DiffStatus::Open).unwrap();
    assert_eq!(
        (open.first_seen.as_str(), open.days_open),
        ("2026-05-01", 7)
    );
    let new = diff.iter().find(|r| r.status == DiffStatus::New).unwrap();
    assert_eq!((new.first_seen.as_str(), new.days_open), ("2026-05-08", 0));

    let f2: Vec<FindingRow> = read(&run2.run_dir.join("findings.csv"));
    assert_eq!(f2.len(), 2, "{f2:#?}");
    assert_eq!(first_seen_of(&f2, "/news/gone.html"), "2026-05-01");
    assert_eq!(first_seen_of(&f2, "/files/guide-2025.doc"), "2026-05-08");
    let summary = run2.summary.as_ref().expect("summary");
    assert_eq!(summary.previous_run.as_deref(), Some(run1.run_id.as_str()));

    // `zwgk-audit diff RUN_A RUN_B` prints the same rows (English headers, no BOM).
    let out = Command::new(BIN)
        .arg("diff")
        .arg(&run1.run_dir)
        .arg(&run2.run_dir)
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"status,kind,"), "{}", stdout(&out));
    let printed: Vec<DiffRow> = read_rows(&out.stdout).expect("diff prints CSV");
    assert_eq!(printed, diff);
    assert!(
        stderr(&out).contains("new 1 · fixed 1 · open 1"),
        "{}",
        stderr(&out)
    );
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Slow pages for the resume tests: `/slow/` lists `n` pages answering after
/// `delay_ms`; every third links a missing file, every page links back home.
fn add_slow_section(site: &Site, n: usize, delay_ms: u64) {
    let mut list = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>慢速栏目</title></head><body><ul>\n",
    );
    let mut routes = String::new();
    for i in 1..=n {
        list.push_str(&format!(
            "<li><a href=\"/slow/p{i}.html\">第{i}篇</a></li>\n"
        ));
        let broken = if i % 3 == 0 {
            format!("<a href=\"/slow/missing-{i}.pdf\">附件{i}</a>")
        } else {
            String::new()
        };
        site.write(
            &format!("slow/p{i}.html"),
            &format!(
                "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>第{i}篇</title></head>\
                 <body><p>正文{i}</p><p><a href=\"/\">首页</a> <a href=\"/slow/\">列表</a> {broken}</p></body></html>\n"
            ),
        );
        routes.push_str(&format!("[\"/slow/p{i}.html\"]\ndelay_ms = {delay_ms}\n\n"));
    }
    list.push_str("</ul></body></html>\n");
    site.write("slow/index.html", &list);
    site.write("_routes.toml", &routes);
    site.add_link("index.html", "/slow/", "慢速栏目");
}

/// `zwgk-audit crawl` of the nightly site on `server`, reports under `reports`.
fn crawl_cmd(rules: &Path, server: &SiteServer, reports: &Path, today: &str) -> Command {
    let mut c = Command::new(BIN);
    c.arg("crawl")
        .arg("--rules")
        .arg(rules)
        .arg("--connect-to")
        .arg(format!("{HOST}:80:127.0.0.1:{}", server.port()))
        .arg("--reports")
        .arg(reports)
        .arg("--today")
        .arg(today)
        .arg("--quiet")
        .env("RUST_LOG", "zwgk_audit=warn")
        .stdin(Stdio::null());
    c
}

fn run_dirs(reports: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(reports.join("nightly"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_dir());
    v.sort();
    v
}

fn lines(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|c| **c == b'\n').count())
        .unwrap_or(0)
}

/// What a finished run folder holds, comparable between runs.
#[derive(Debug, PartialEq)]
struct Outcome {
    findings: BTreeSet<(String, String, String, String, String, String)>,
    links: Vec<(String, String, String, String)>,
    pages: BTreeSet<(String, Option<u16>, u32)>,
    summary_pages: u64,
    summary_links: u64,
    checked_urls: u64,
    today: String,
}

fn outcome(run_dir: &Path) -> Outcome {
    let findings: Vec<FindingRow> = read(&run_dir.join("findings.csv"));
    let mut links: Vec<LinkRow> = read(&run_dir.join("links.csv"));
    let pages: Vec<PageRow> = read(&run_dir.join("pages.csv"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run_dir.join("summary.json")).expect("summary.json"))
            .expect("summary.json parses");
    assert_eq!(summary["complete"], true, "{summary:#}");
    links.sort_by(|a, b| (&a.page_url, &a.target_url).cmp(&(&b.page_url, &b.target_url)));
    Outcome {
        findings: findings
            .into_iter()
            .map(|f| {
                (
                    f.kind,
                    f.page_url,
                    f.target_url,
                    f.severity,
                    f.detail,
                    f.first_seen,
                )
            })
            .collect(),
        links: links
            .into_iter()
            .map(|l| (l.page_url, l.target_url, l.status, l.element))
            .collect(),
        pages: pages
            .into_iter()
            .map(|p| (p.url, p.http_status, p.depth))
            .collect(),
        summary_pages: summary["pages"].as_u64().expect("pages"),
        summary_links: summary["links"].as_u64().expect("links"),
        checked_urls: summary["checked_urls"].as_u64().expect("checked_urls"),
        today: summary["today"].as_str().expect("today").to_string(),
    }
}

/// What is in `a` and not in `b`.
fn only<T: Ord + Clone>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<T> {
    a.difference(b).cloned().collect()
}

/// Asserts two run outcomes are the same, naming only what differs.
fn assert_same(got: &Outcome, want: &Outcome) {
    let (missing, extra) = (
        only(&want.findings, &got.findings),
        only(&got.findings, &want.findings),
    );
    assert!(
        missing.is_empty() && extra.is_empty(),
        "findings missing {missing:#?}\nextra {extra:#?}"
    );
    let (missing, extra) = (only(&want.pages, &got.pages), only(&got.pages, &want.pages));
    assert!(
        missing.is_empty() && extra.is_empty(),
        "pages missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(got.links.len(), want.links.len(), "link rows");
    assert!(got.links == want.links, "links.csv differs");
    assert_eq!(
        (
            got.summary_pages,
            got.summary_links,
            got.checked_urls,
            &got.today
        ),
        (
            want.summary_pages,
            want.summary_links,
            want.checked_urls,
            &want.today
        ),
        "summary.json pages, links, checked URLs, date"
    );
}

/// Starts `cmd`, waits until the run's journal has at least `min_lines`, and
/// returns the child (still crawling) and its run folder.
fn start_and_wait_for_journal(
    mut cmd: Command,
    reports: &Path,
    min_lines: usize,
) -> (std::process::Child, PathBuf) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the binary");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(dir) = run_dirs(reports).pop()
            && lines(&dir.join("journal.jsonl")) >= min_lines
        {
            return (child, dir);
        }
        if let Ok(Some(st)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            panic!("the run ended before the journal had {min_lines} lines: {st}\n{err}");
        }
        assert!(Instant::now() < deadline, "no journal lines in 30 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

const SLOW_PAGES: usize = 36;

/// The nightly site with its slow section, served.
struct Slow {
    _site: Site,
    /// Its rules file (2 requests at a time).
    rules: PathBuf,
    server: SiteServer,
    /// The result of a clean run.
    clean: Outcome,
    /// Requests the clean run made.
    clean_hits: u64,
}

fn slow_site_and_clean_run(server_today: NaiveDate) -> Slow {
    let site = Site::new();
    add_slow_section(&site, SLOW_PAGES, 150);
    let rules = site.path().join("nightly.toml");
    std::fs::write(
        &rules,
        rules_text("max_concurrency = 2\nhost_concurrency = 2\n"),
    )
    .expect("write rules");
    let server = site.serve(server_today);
    let clean = tempfile::tempdir().expect("temp dir");
    let out = crawl_cmd(&rules, &server, clean.path(), "2026-05-01")
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(1), "errors found: {}", stderr(&out));
    let dirs = run_dirs(clean.path());
    assert_eq!(dirs.len(), 1);
    let clean_outcome = outcome(&dirs[0]);
    // /, about, news/a, news/b, hdjl/jzxx (局长信箱), slow/ and its pages.
    assert_eq!(clean_outcome.summary_pages, 6 + SLOW_PAGES as u64);
    assert_eq!(
        clean_outcome
            .findings
            .iter()
            .filter(|f| f.0 == "broken_link")
            .count(),
        2 + SLOW_PAGES / 3
    );
    Slow {
        _site: site,
        rules,
        clean_hits: server.total_hits(),
        server,
        clean: clean_outcome,
    }
}

#[test]
fn a_run_killed_with_sigkill_resumes_to_the_clean_result() {
    let Slow {
        _site: _kept,
        rules,
        server,
        clean,
        clean_hits,
        ..
    } = slow_site_and_clean_run(date("2026-05-01"));
    let reports = tempfile::tempdir().expect("temp dir");
    let (mut child, dir) = start_and_wait_for_journal(
        crawl_cmd(&rules, &server, reports.path(), "2026-05-01"),
        reports.path(),
        3,
    );
    child.kill().expect("SIGKILL"); // std's kill() is SIGKILL on Unix
    child.wait().expect("reap");
    let journaled = lines(&dir.join("journal.jsonl"));
    assert!(
        (journaled as u64) < clean.checked_urls,
        "the kill landed mid-crawl ({journaled} journal lines)"
    );
    assert!(!dir.join("summary.json").exists());
    // What was found before the kill is on disk, as valid CSV.
    let partial: Vec<FindingRow> = read(&dir.join("findings.csv"));
    assert!(partial.len() <= clean.findings.len());
    server.reset_counters();

    // Resumed the next morning: the run keeps its date (first_seen 2026-05-01).
    let out = crawl_cmd(&rules, &server, reports.path(), "2026-05-02")
        .arg("--resume")
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        run_dirs(reports.path()),
        vec![dir.clone()],
        "same run folder"
    );
    assert_same(&outcome(&dir), &clean);
    assert!(
        server.total_hits() + journaled as u64 / 2 <= clean_hits,
        "--resume fetched {} URLs again ({journaled} were journaled, a clean run makes {clean_hits} requests)",
        server.total_hits()
    );
}

/// Stops a run with `kill -SIGNAL` (Ctrl-C: INT; systemd stop: TERM): it exits
/// 1 at once with every row so far valid, and `--resume` completes it.
fn stop_cleanly_then_resume(signal: &str) {
    let Slow {
        _site: _kept,
        rules,
        server,
        clean,
        ..
    } = slow_site_and_clean_run(date("2026-05-01"));
    let reports = tempfile::tempdir().expect("temp dir");
    let (child, dir) = start_and_wait_for_journal(
        crawl_cmd(&rules, &server, reports.path(), "2026-05-01"),
        reports.path(),
        3,
    );
    let sent = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .expect("run kill");
    assert!(sent.success());
    let started = Instant::now();
    let out = child.wait_with_output().expect("wait for the run");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "SIG{signal} took {:?} to stop the run",
        started.elapsed()
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("interrupted; resume with"), "{err}");
    // Every row written so far is whole, valid CSV; the summary says incomplete.
    let partial: Vec<FindingRow> = read(&dir.join("findings.csv"));
    let links: Vec<LinkRow> = read(&dir.join("links.csv"));
    let pages: Vec<PageRow> = read(&dir.join("pages.csv"));
    assert!(!pages.is_empty() && !links.is_empty());
    assert!(pages.len() < clean.pages.len(), "stopped mid-crawl");
    assert!(partial.iter().all(|f| {
        clean
            .findings
            .iter()
            .any(|c| c.1 == f.page_url && c.2 == f.target_url)
    }));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).expect("summary.json"))
            .expect("summary.json parses");
    assert_eq!(summary["complete"], false);
    assert!(dir.join("journal.jsonl").is_file(), "kept for --resume");

    let out = crawl_cmd(&rules, &server, reports.path(), "2026-05-01")
        .arg("--resume")
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        run_dirs(reports.path()),
        vec![dir.clone()],
        "same run folder"
    );
    assert_same(&outcome(&dir), &clean);
    // Complete now: nothing left to resume, so the journal is gone.
    assert!(!dir.join("journal.jsonl").exists());
}

#[test]
fn ctrl_c_stops_cleanly_and_resume_completes_the_run() {
    stop_cleanly_then_resume("INT");
}

#[test]
fn sigterm_stops_cleanly_and_resume_completes_the_run() {
    stop_cleanly_then_resume("TERM");
}

/// Runs the binary on the nightly site as it is now and returns (exit code, stderr).
fn exit_code(site: &Site, reports: &Path, args: &[&str]) -> (Option<i32>, String) {
    let rules = site.path().join("nightly.toml");
    if !rules.exists() {
        std::fs::write(&rules, rules_text("")).expect("write rules");
    }
    let server = site.serve(date("2026-05-01"));
    let out = crawl_cmd(&rules, &server, reports, "2026-05-01")
        .args(args)
        .output()
        .expect("run the binary");
    (out.status.code(), stderr(&out))
}

#[test]
fn exit_codes_follow_fail_on() {
    let site = Site::new();
    let reports = tempfile::tempdir().expect("temp dir");
    let r = reports.path();
    // As shipped: two broken links (errors).
    assert_eq!(
        exit_code(&site, r, &[]).0,
        Some(1),
        "default: --fail-on error"
    );
    assert_eq!(exit_code(&site, r, &["--fail-on", "error"]).0, Some(1));

    // Only a warning left: an image without alt text.
    site.write("files/old.pdf", "%PDF-1.4\n");
    site.write("news/gone.html", "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>相关阅读</title></head><body>正文</body></html>");
    std::fs::copy(
        fixture("site/img/map.png"),
        site.path().join("files/banner.png"),
    )
    .expect("copy an image");
    site.edit(
        "about.html",
        "<!-- extra -->",
        "<p><img src=\"/files/banner.png\"></p>\n<!-- extra -->",
    );
    for (level, code) in [("error", 0), ("warning", 1), ("info", 1)] {
        let (got, err) = exit_code(&site, r, &["--fail-on", level]);
        assert_eq!(got, Some(code), "--fail-on {level}: {err}");
    }

    // Clean: nothing fails, not even at info.
    site.edit("about.html", "<p><img src=\"/files/banner.png\"></p>\n", "");
    assert_eq!(exit_code(&site, r, &["--fail-on", "info"]).0, Some(0));
}

#[test]
fn fail_on_new_fails_only_for_findings_not_in_the_previous_run() {
    let site = Site::new();
    let reports = tempfile::tempdir().expect("temp dir");
    let r = reports.path();
    let new = ["--fail-on", "new"];
    // First run: no previous run, so every error is new.
    assert_eq!(exit_code(&site, r, &new).0, Some(1));
    // Same two broken links the next night: findings exist, none is new.
    let (code, err) = exit_code(&site, r, &new);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(exit_code(&site, r, &["--fail-on", "error"]).0, Some(1));
    // One more broken link: it is new.
    site.add_link("about.html", "/files/new-missing.pdf", "新附件");
    assert_eq!(exit_code(&site, r, &new).0, Some(1));
    // Fixing one of the old ones adds nothing new.
    site.write("files/old.pdf", "%PDF-1.4\n");
    assert_eq!(exit_code(&site, r, &new).0, Some(0));
}

#[test]
fn exit_code_2_for_bad_usage_and_3_for_an_unreachable_site() {
    let site = Site::new();
    let reports = tempfile::tempdir().expect("temp dir");
    let r = reports.path();
    let bin = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .env("RUST_LOG", "zwgk_audit=warn")
            .output()
            .expect("run the binary");
        (out.status.code(), stderr(&out))
    };
    let (code, err) = exit_code(&site, r, &["--fail-on", "sometimes"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--fail-on must be one of"), "{err}");
    for args in [
        &["crawl"][..],
        &["crawl", "--no-such-flag", "http://www.nightly.gov.cn/"],
        &[
            "crawl",
            "--connect-to",
            "www.nightly.gov.cn:80:127.0.0.1",
            "http://www.nightly.gov.cn/",
        ],
        &["crawl", "--keep-runs", "0", "http://www.nightly.gov.cn/"],
        &["no-such-command"],
    ] {
        let (code, err) = bin(args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(!err.trim().is_empty(), "{args:?}: a reason is printed");
    }
    // A rules file with a mistake: exit 2, naming the file and line.
    let bad = site.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[site]\nname = \"x\"\nid = \"x\"\nstart_urls = [\"not a url\"]\n",
    )
    .expect("write rules");
    let (code, err) = bin(&[
        "crawl",
        "--rules",
        bad.to_str().expect("utf-8 path"),
        "--reports",
        r.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bad.toml"), "{err}");

    // Nothing listens on the start URL's port: the site could not be audited.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let rules = site.path().join("nightly.toml");
    std::fs::write(&rules, rules_text("")).expect("write rules");
    let out = Command::new(BIN)
        .arg("crawl")
        .arg("--rules")
        .arg(&rules)
        .arg("--connect-to")
        .arg(format!("{HOST}:80:127.0.0.1:{closed}"))
        .arg("--reports")
        .arg(r)
        .arg("--quiet")
        .output()
        .expect("run the binary");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("could not be audited"), "{err}");
}

/// The text of the element with `id` in `html` (up to its first `<`).
fn text_of<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no element with id {id}"))
        + id.len()
        + 6;
    let rest = &html[start..];
    &rest[..rest.find('<').unwrap_or(rest.len())]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_report_html_has_the_verdict_counts_and_findings_table() {
    use zwgk_audit::report::html::url_html;
    use zwgk_audit::report::summary::Verdict;
    let reports = tempfile::tempdir().expect("temp dir");
    let mut o = AuditOptions::new(date("2026-05-25"));
    o.reports_root = reports.path().to_path_buf();
    o.progress = Progress::Quiet;
    o.stop = Some(Arc::new(AtomicBool::new(false)));
    let (server, _rules, run) = zwgk_audit::demo::audit_demo(o).await.expect("demo runs");
    server.shutdown().await;
    let html = std::fs::read_to_string(run.run_dir.join("report.html")).expect("report.html");
    let findings: Vec<FindingRow> = read(&run.run_dir.join("findings.csv"));
    let s = run.summary.as_ref().expect("summary");
    assert!(findings.len() >= 10, "the demo plants findings");

    // The verdict at the top, with the estimated score.
    let verdict = html.find("id=\"verdict\"").expect("verdict section");
    assert!(verdict < html.find("id=\"counts\"").expect("counts section"));
    // The demo's gambling friend link vetoes it: 不合格 whatever else it found.
    assert_eq!(s.estimate.verdict, Verdict::Fail);
    assert_eq!(text_of(&html, "verdict-badge"), "不合格");
    assert!(html.contains(&format!(
        "估算得分 {} / {}",
        s.estimate.score, s.estimate.max_score
    )));

    // The counts are those of findings.csv.
    let sev = |name: &str| findings.iter().filter(|f| f.severity == name).count();
    assert_eq!(text_of(&html, "count-total"), findings.len().to_string());
    for name in ["error", "warning", "info"] {
        assert_eq!(
            text_of(&html, &format!("count-{name}")),
            sev(name).to_string(),
            "{name}"
        );
    }
    assert!(html.contains("id=\"kind-table\""));

    // The worst pages carry their titles (read from pages.csv).
    let pages: Vec<PageRow> = read(&run.run_dir.join("pages.csv"));
    let worst_at = html.find("id=\"worst-pages\"").expect("worst pages table");
    let worst = &html[worst_at..];
    let worst = &worst[..worst.find("</table>").expect("table closes")];
    let titled = pages
        .iter()
        .filter(|p| !p.title.is_empty() && worst.contains(&url_html(&p.url)))
        .count();
    assert!(titled > 0, "no titled page among the worst pages");
    for p in pages
        .iter()
        .filter(|p| worst.contains(&format!("{}</td>", url_html(&p.url))))
    {
        assert!(
            p.title.is_empty() || worst.contains(&format!("<td>{}</td>", p.title)),
            "title of {} missing",
            p.url
        );
    }

    // The findings table: header, one row per kind and target, every target shown.
    let table_at = html.find("id=\"findings-table\"").expect("findings table");
    let table = &html[table_at..];
    let table = &table[..table.find("</table>").expect("table closes")];
    assert!(table.contains("<thead><tr><th>问题类型</th>"));
    let rows = table.matches("<tr data-kind=").count();
    assert_eq!(text_of(&html, "filter-count"), rows.to_string());
    for f in &findings {
        assert!(
            table.contains(&format!("data-kind=\"{}\"", f.kind)),
            "{}",
            f.kind
        );
        let shown = if f.target_url.is_empty() {
            &f.page_url
        } else {
            &f.target_url
        };
        assert!(table.contains(&url_html(shown)), "{shown}");
    }
    // Self-contained: nothing loaded from the network.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("<link") && !html.contains(" src=\"http"));
}

/// One night into the `--out` folder `out`, history under `reports`;
/// `depth` 0 is a homepage-only run.
async fn out_run(
    server: &SiteServer,
    reports: &Path,
    out: &Path,
    today: NaiveDate,
    depth: Option<u32>,
) -> RunResult {
    capped_run(server, reports, Some(out), today, depth, "").await
}

/// [`out_run`] with `crawl` added to the rules' `[crawl]`; `out` None
/// writes under `reports/nightly/`.
async fn capped_run(
    server: &SiteServer,
    reports: &Path,
    out: Option<&Path>,
    today: NaiveDate,
    depth: Option<u32>,
    crawl: &str,
) -> RunResult {
    let rules = Rules::from_toml(
        &format!("{}\n[thresholds]\nfail_on = \"new\"\n", rules_text(crawl)),
        Path::new("nightly.toml"),
    )
    .expect("rules");
    let mut o = AuditOptions::new(today);
    o.reports_root = reports.to_path_buf();
    o.out_dir = out.map(Path::to_path_buf);
    o.max_depth = depth;
    o.progress = Progress::Quiet;
    o.stop = Some(Arc::new(AtomicBool::new(false)));
    o.resolve
        .push(ResolveEntry::connect_to(HOST, server.addr()));
    Auditor::new(rules, o).run().await.expect("audit runs")
}

/// Issue: a homepage-only run in between is not the next full run's
/// baseline, and one `--out` folder reused night after night keeps its
/// baseline (earlier-runs/) and finds its history for `zwgk-audit report`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_out_folder_reused_nightly_keeps_the_full_baseline_across_a_homepage_only_run() {
    let site = Site::new();
    let work = tempfile::tempdir().expect("temp dir");
    let (reports, out) = (work.path().join("reports"), work.path().join("nightly-out"));
    let server = site.serve(date("2026-05-01"));

    // Night 1, full: old.pdf on the homepage, gone.html on a news page.
    let run1 = out_run(&server, &reports, &out, date("2026-05-01"), None).await;
    assert_eq!(run1.run_dir, out);
    let f1: Vec<FindingRow> = read(&out.join("findings.csv"));
    assert_eq!(f1.len(), 2, "{f1:#?}");

    // Night 2, homepage only: compared with night 1 on the homepage only
    // (gone.html, deeper down, is not "fixed").
    let run2 = out_run(&server, &reports, &out, date("2026-05-02"), Some(0)).await;
    let s2 = run2.summary.as_ref().expect("summary");
    assert_eq!(s2.previous_run.as_deref(), Some(run1.run_id.as_str()));
    let diff2: Vec<DiffRow> = read(&out.join("diff.csv"));
    assert_eq!(
        diff_set(&diff2),
        BTreeSet::from([("open", "broken_link".into(), "/files/old.pdf".into())]),
        "{diff2:#?}"
    );
    // Night 1's findings were kept aside for later diffs.
    let kept1 = out.join("earlier-runs").join(&run1.run_id);
    assert!(kept1.join("findings.csv").is_file());

    // Night 3, full: compared with night 1 (the last full run), nothing new,
    // gone.html still first seen on night 1; --fail-on new does not fire.
    let run3 = out_run(&server, &reports, &out, date("2026-05-03"), None).await;
    drop(server);
    let s3 = run3.summary.as_ref().expect("summary");
    assert_eq!(s3.previous_run.as_deref(), Some(run1.run_id.as_str()));
    let diff3: Vec<DiffRow> = read(&out.join("diff.csv"));
    assert_eq!(
        diff_set(&diff3),
        BTreeSet::from([
            ("open", "broken_link".into(), "/files/old.pdf".into()),
            ("open", "broken_link".into(), "/news/gone.html".into()),
        ]),
        "{diff3:#?}"
    );
    let f3: Vec<FindingRow> = read(&out.join("findings.csv"));
    assert_eq!(first_seen_of(&f3, "/news/gone.html"), "2026-05-01");
    assert!(!s3.failed, "nothing new: {:?}", s3.diff);
    // Kept aside: only what a later run may still compare with (night 2,
    // the last homepage-only run); night 1 is superseded by night 3.
    let kept: Vec<String> = std::fs::read_dir(out.join("earlier-runs"))
        .expect("earlier-runs")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(kept, std::slice::from_ref(&run2.run_id));

    // `zwgk-audit report` of the folder (outside reports/) finds its history.
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary.json"))
            .expect("summary.json parses");
    let history = reports
        .join("history.sqlite")
        .canonicalize()
        .expect("history");
    assert_eq!(s["history"], history.to_string_lossy().as_ref());
    std::fs::remove_file(out.join("report.html")).expect("remove report.html");
    let o = Command::new(BIN)
        .arg("report")
        .arg(&out)
        .output()
        .expect("run the binary");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(!html.contains("暂无趋势"), "the report has no trend");
}

/// A capped run is compared with the last full run only on the pages it
/// read, and is not the baseline of the next full run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capped_run_fixes_nothing_it_did_not_read_and_is_no_full_runs_baseline() {
    let site = Site::new();
    let reports = tempfile::tempdir().expect("temp dir");
    let server = site.serve(date("2026-05-01"));
    let full = capped_run(&server, reports.path(), None, date("2026-05-01"), None, "").await;
    // One page: the homepage only; news/b.html (and its gone.html) not read.
    let capped = capped_run(
        &server,
        reports.path(),
        None,
        date("2026-05-02"),
        None,
        "max_pages = 1",
    )
    .await;
    let s = capped.summary.as_ref().expect("summary");
    assert!(
        s.scope.caps.iter().any(|c| c.starts_with("page cap")),
        "{:?}",
        s.scope
    );
    assert_eq!(s.previous_run.as_deref(), Some(full.run_id.as_str()));
    let diff: Vec<DiffRow> = read(&capped.run_dir.join("diff.csv"));
    assert_eq!(
        diff_set(&diff),
        BTreeSet::from([("open", "broken_link".into(), "/files/old.pdf".into())]),
        "{diff:#?}"
    );
    let next = capped_run(&server, reports.path(), None, date("2026-05-03"), None, "").await;
    drop(server);
    let s = next.summary.as_ref().expect("summary");
    assert_eq!(s.previous_run.as_deref(), Some(full.run_id.as_str()));
    assert_eq!(s.diff.map(|d| (d.new, d.open, d.fixed)), Some((0, 2, 0)));
    let f: Vec<FindingRow> = read(&next.run_dir.join("findings.csv"));
    assert_eq!(first_seen_of(&f, "/news/gone.html"), "2026-05-01");
}
