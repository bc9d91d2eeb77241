//! Issue 19: reliability and security of a nightly audit in a real bureau
//! network. Proxies are explicit (environment variables are ignored unless
//! asked for) and never bypass the guard; `--resolve` / `--connect-to` map a
//! host *and* a port; an own host may not resolve to a private address unless
//! the rules allow it; `--out` runs are real runs of the history; a resumed
//! run judges content as of its recorded date. Every site here is a loopback
//! server over a small site written into a temp folder.

use crate::common::*;
use chrono::NaiveDate;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use zwgk_audit::audit::{AuditOptions, Auditor};
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::rules::Rules;

/// A page with a Chinese title and `body`.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body>\n{body}\n</body></html>\n"
    )
}

/// A site folder holding `files` (path, text).
fn site(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write site file");
    }
    dir
}

/// Rules text for a site on `start`, with `site_extra` in `[site]` and fast politeness.
fn rules_text(start: &str, site_extra: &str) -> String {
    format!(
        "[site]\nname = \"可靠性测试局\"\nid = \"reliab\"\nstart_urls = [\"{start}\"]\n{site_extra}\n\n\
         [crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 0\nbackoff_ms = 50\n"
    )
}

fn rules(start: &str, site_extra: &str) -> Rules {
    Rules::from_toml(&rules_text(start, site_extra), Path::new("reliab.toml")).expect("rules")
}

/// Quiet library options into `reports`, as of `today`, no DNS.
fn lib_options(reports: &Path, today: NaiveDate) -> AuditOptions {
    let mut o = AuditOptions::new(today);
    o.reports_root = reports.to_path_buf();
    o.progress = zwgk_audit::crawl::Progress::Quiet;
    o.stop = Some(Arc::new(AtomicBool::new(false)));
    o.fallback_resolver = Some(Arc::new(FailingResolver::default()));
    o
}

/// An 18-digit ID number (GB 11643) of region `region` born on `birth`, with its check digit.
fn id_number(region: &str, birth: &str, seq: &str) -> String {
    let body = format!("{region}{birth}{seq}");
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).expect("digit") * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

// ---- item 8: a resumed run judges content as of its recorded date ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_run_checks_content_against_its_recorded_date() {
    // Recorded date 2026-05-25; the resume happens on 2026-06-10. An ID
    // number born on 2026-06-01 is not a real person's number as of the run's
    // date (a birth date in the future), one born on 2026-05-01 is.
    let born_later = id_number("110105", "20260601", "113");
    let born_before = id_number("110105", "20260501", "002");
    let files = site(&[(
        "index.html",
        page(
            "可靠性测试局",
            &format!(
                "<p>公示名单：张某，身份证号 {born_later}；李某，身份证号 {born_before}。</p>"
            ),
        ),
    )]);
    let server = SiteServer::start_with_today(SiteSource::dir(files.path()), today())
        .await
        .expect("server");
    let reports = tempfile::tempdir().expect("temp dir");
    let out = reports.path().join("run");
    let r = rules(&server.url("/"), "");
    // The first attempt is stopped before it fetches anything.
    let mut o = lib_options(reports.path(), today());
    o.out_dir = Some(out.clone());
    o.stop = Some(Arc::new(AtomicBool::new(true)));
    let first = Auditor::new(r.clone(), o).run().await.expect("audit runs");
    assert!(first.interrupted);
    // Resumed the next month.
    let later = NaiveDate::from_ymd_opt(2026, 6, 10).expect("date");
    let mut o = lib_options(reports.path(), later);
    o.out_dir = Some(out.clone());
    o.resume = true;
    let resumed = Auditor::new(r, o).run().await.expect("audit runs");
    assert!(!resumed.interrupted);
    assert_eq!(resumed.today, today(), "the run keeps its recorded date");
    let leaks: Vec<&str> = resumed
        .findings
        .iter()
        .filter(|f| f.kind == "privacy_leak")
        .map(|f| f.detail.as_str())
        .collect();
    assert_eq!(leaks.len(), 1, "{leaks:?}");
    assert!(
        leaks[0].contains(&born_before[14..]) && !leaks[0].contains(&born_later[14..]),
        "the number born before the run's date: {leaks:?}"
    );
}

// ---- item 5: `--out` runs are real runs ----

const BIN: &str = env!("CARGO_BIN_EXE_zwgk-audit");
const HOST: &str = "www.reliab.gov.cn";

/// A one-page site on `HOST` with one broken attachment link, served on a thread.
fn broken_link_site() -> (tempfile::TempDir, SiteServer) {
    let files = site(&[(
        "index.html",
        page(
            "可靠性测试局",
            "<p><a href=\"/files/missing.pdf\">2026年工作要点（附件）</a></p>",
        ),
    )]);
    let server =
        SiteServer::start_in_thread(SiteSource::dir(files.path()), Some(today())).expect("server");
    (files, server)
}

/// `zwgk-audit crawl` of `HOST` on `server` with `args`; returns (exit code, stderr).
fn crawl_bin(server: &SiteServer, work: &Path, args: &[&str]) -> (i32, String) {
    let rules = work.join("reliab.toml");
    if !rules.exists() {
        std::fs::write(&rules, rules_text(&format!("http://{HOST}/"), "")).expect("write rules");
    }
    let out = std::process::Command::new(BIN)
        .arg("crawl")
        .arg("--rules")
        .arg(&rules)
        .arg("--connect-to")
        .arg(format!("{HOST}:80:127.0.0.1:{}", server.port()))
        .arg("--reports")
        .arg(work.join("reports"))
        .args(["--today", "2026-05-25", "--quiet"])
        .args(args)
        .env("RUST_LOG", "zwgk_audit=warn")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn summary(dir: &Path) -> serde_json::Value {
    let bytes = std::fs::read(dir.join("summary.json"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    serde_json::from_slice(&bytes).expect("summary.json parses")
}

#[test]
fn two_out_runs_compare_with_each_other_and_fail_on_new_passes() {
    let (_files, server) = broken_link_site();
    let work = tempfile::tempdir().expect("temp dir");
    let (a, b) = (work.path().join("out/a"), work.path().join("out/b"));
    let arg = |p: &Path| p.to_str().expect("utf-8 path").to_string();
    // First run: nothing to compare with, the broken link is new.
    let (code, err) = crawl_bin(
        &server,
        work.path(),
        &["--out", &arg(&a), "--fail-on", "new"],
    );
    assert_eq!(code, 1, "{err}");
    // Second run into another folder: the same finding is open, nothing new.
    let (code, err) = crawl_bin(
        &server,
        work.path(),
        &["--out", &arg(&b), "--fail-on", "new"],
    );
    assert_eq!(code, 0, "{err}");
    let first = summary(&a);
    let second = summary(&b);
    assert_eq!(second["previous_run"], first["run_id"]);
    assert_ne!(second["run_id"], first["run_id"]);
    let diff = std::fs::read_to_string(b.join("diff.csv")).expect("diff.csv written");
    assert!(diff.contains("missing.pdf"), "{diff}");
    assert_eq!(second["diff"]["new"], 0);
    assert_eq!(second["diff"]["fixed"], 0);
    assert_eq!(second["diff"]["open"], first["findings"]);
}

#[test]
fn keep_runs_deletes_only_run_folders_the_history_created() {
    let (_files, server) = broken_link_site();
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("out");
    let arg = |p: &Path| p.to_str().expect("utf-8 path").to_string();
    let a = out.join("a");
    let (code, err) = crawl_bin(&server, work.path(), &["--out", &arg(&a)]);
    assert_eq!(code, 1, "{err}");
    let first_id = summary(&a)["run_id"].as_str().expect("run id").to_string();
    // An unrelated folder next to the --out folders, named like the first
    // run's id, and an existing folder the user lends to the next run.
    let unrelated = out.join(&first_id);
    std::fs::create_dir_all(&unrelated).expect("mkdir");
    std::fs::write(unrelated.join("notes.txt"), "科室自己的文件").expect("write");
    let lent = work.path().join("lent");
    std::fs::create_dir_all(&lent).expect("mkdir");
    std::fs::write(lent.join("readme.txt"), "别删").expect("write");
    let (code, err) = crawl_bin(&server, work.path(), &["--out", &arg(&lent)]);
    assert_eq!(code, 1, "{err}");
    // Keep one run: the first and the lent runs go from the history.
    let c = out.join("c");
    let (code, err) = crawl_bin(
        &server,
        work.path(),
        &["--out", &arg(&c), "--keep-runs", "1"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        !a.exists(),
        "the first run's folder (created by it) is pruned"
    );
    assert!(
        unrelated.join("notes.txt").is_file(),
        "an unrelated folder named like a run id is untouched"
    );
    assert!(
        lent.join("readme.txt").is_file() && lent.join("findings.csv").is_file(),
        "a folder that existed before its run is never deleted"
    );
    assert!(c.join("summary.json").is_file());
    assert_eq!(summary(&c)["previous_run"], summary(&lent)["run_id"]);
}
