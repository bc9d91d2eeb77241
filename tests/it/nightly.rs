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
    o.resolve.push(ResolveEntry::connect_to(HOST, server.addr()));
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
    assert_eq!((open.first_seen.as_str(), open.days_open), ("2026-05-01", 7));
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
