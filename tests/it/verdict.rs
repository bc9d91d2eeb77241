//! The verdict and the veto table (issue 16 items 7, 8, 1, 2): a partial run
//! never says 合格 and states its scope; every veto item has a state (ok /
//! pre-warning / veto / not checked) in summary.json and report.html; the
//! probe's timed visits over a simulated week decide 站点无法访问; a
//! navigation-only homepage is judged by its second-level pages.
//!
//! Fixtures: `tests/fixtures/verdict/` (see its README), served by loopback
//! `SiteServer`s as `http://www.verdict.gov.cn/`; a second server that answers
//! only after the probe's limit and a closed port give the failed visits.

use crate::common::{FailingResolver, fixture};
use chrono::{DateTime, Local, NaiveDate};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use zwgk_audit::audit::{AuditOptions, Auditor, RunResult};
use zwgk_audit::crawl::Progress;
use zwgk_audit::crawl::resolve::ResolveEntry;
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::probe::{Availability, ProbeOptions, probe};
use zwgk_audit::report::history::History;
use zwgk_audit::report::summary::{Summary, Verdict, VetoState};
use zwgk_audit::rules::Rules;

const HOST: &str = "www.verdict.gov.cn";
/// Another site the navigation-only homepage links to.
const OTHER: &str = "www.shj.gov.cn";
const BIN: &str = env!("CARGO_BIN_EXE_zwgk-audit");

fn date(s: &str) -> NaiveDate {
    s.parse().expect("valid date")
}

/// The bureau's columns (its portal is `/zwgk/`).
const COLUMNS: &str = r#"
[portal]
urls = ["http://www.verdict.gov.cn/zwgk/"]

[[columns]]
name = "新闻动态"
type = "dynamic"

[[columns]]
name = "通知公告"
type = "notice"

[[columns]]
name = "规划计划"
type = "plan"
"#;

/// Rules text for the fixture host, with `extra` appended.
fn rules_text(extra: &str) -> String {
    format!(
        "[site]\nname = \"示范区市场监督管理局\"\nid = \"verdict\"\nstart_urls = [\"http://{HOST}/\"]\n\
         own_hosts = [\"{HOST}\"]\n\n[crawl]\nhost_interval_ms = 0\ntimeout_secs = 5\nretries = 0\n\
         backoff_ms = 50\n{extra}"
    )
}

fn rules(extra: &str) -> Rules {
    Rules::from_toml(&rules_text(extra), Path::new("verdict.toml")).expect("valid rules")
}

/// A temp copy of a fixture site, to edit.
fn copy_site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture("verdict").join(name), dir.path());
    dir
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

/// One audit through the library, reports under `reports`.
async fn lib_run(
    site: &Path,
    rules: Rules,
    today: NaiveDate,
    reports: &Path,
    tweak: impl FnOnce(&mut AuditOptions),
) -> RunResult {
    let server = SiteServer::start_with_today(SiteSource::dir(site), today)
        .await
        .expect("fixture server starts");
    let mut o = AuditOptions::new(today);
    o.reports_root = reports.to_path_buf();
    o.progress = Progress::Quiet;
    o.stop = Some(Arc::new(AtomicBool::new(false)));
    for h in [HOST, OTHER] {
        o.resolve.push(ResolveEntry::connect_to(h, server.addr()));
    }
    o.fallback_resolver = Some(Arc::new(FailingResolver::default()));
    tweak(&mut o);
    let r = Auditor::new(rules, o).run().await.expect("audit runs");
    server.shutdown().await;
    r
}

fn summary(r: &RunResult) -> &Summary {
    r.summary.as_ref().expect("summary")
}

fn veto<'a>(s: &'a Summary, id: &str) -> &'a zwgk_audit::report::summary::VetoCheck {
    s.estimate
        .vetoes
        .iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no veto item {id}: {:#?}", s.estimate.vetoes))
}

fn state(s: &Summary, id: &str) -> VetoState {
    veto(s, id).state
}

fn summary_json(run_dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(run_dir.join("summary.json")).expect("summary.json"))
        .expect("summary.json parses")
}

/// The `<section id="verdict">` of report.html.
fn verdict_section(html: &str) -> &str {
    let start = html
        .find("<section id=\"verdict\">")
        .expect("verdict section");
    let end = start
        + html[start..]
            .find("</section>")
            .expect("end of the section");
    &html[start..end]
}

/// The state of each veto row of report.html, by id.
fn veto_rows(html: &str) -> Vec<(String, String)> {
    let table = &html[html.find("id=\"veto-table\"").expect("veto table")..];
    let table = &table[..table.find("</table>").expect("end of the veto table")];
    table
        .split("<tr data-veto=\"")
        .skip(1)
        .map(|row| {
            let id = row[..row.find('"').unwrap()].to_string();
            let st = row
                .split("data-state=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or_default()
                .to_string();
            (id, st)
        })
        .collect()
}

const VETO_IDS: [&str; 8] = [
    "availability",
    "homepage_stale",
    "stale_columns",
    "long_unupdated",
    "blank_columns",
    "reply_overdue",
    "guide_incomplete",
    "risky_external",
];

/// The binary with the fixture host mapped to `port`.
fn bin(args: &[&str], port: u16) -> Output {
    Command::new(BIN)
        .args(args)
        .args(["--connect-to", &format!("{HOST}:80:127.0.0.1:{port}")])
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

fn write_rules(dir: &Path, extra: &str) -> PathBuf {
    let p = dir.join("verdict.toml");
    std::fs::write(&p, rules_text(extra)).expect("write rules");
    p
}

fn run_dir_of(stdout: &str) -> PathBuf {
    PathBuf::from(
        stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("reports: "))
            .expect("the summary names the run folder"),
    )
}

// ---------------------------------------------------------------------------
// Item 7: a partial audit never says 合格.

#[test]
fn homepage_only_never_says_pass_where_a_full_run_finds_deeper_problems() {
    let today = date("2026-05-25");
    let server = SiteServer::start_in_thread(
        SiteSource::dir(fixture("verdict").join("bureau")),
        Some(today),
    )
    .expect("fixture server starts");
    let port = server.port();
    let work = tempfile::tempdir().expect("temp dir");
    let rules = write_rules(work.path(), COLUMNS);
    let reports = work.path().join("reports");
    let common = [
        "crawl",
        "--rules",
        rules.to_str().unwrap(),
        "--reports",
        reports.to_str().unwrap(),
        "--today",
        "2026-05-25",
        "--quiet",
    ];

    // The full run finds the stale columns and the broken attachment deeper down.
    let full = bin(&common, port);
    let out = String::from_utf8_lossy(&full.stdout);
    assert_eq!(full.status.code(), Some(1), "{out}");
    assert!(
        out.contains("column_stale") && out.contains("broken_link"),
        "{out}"
    );
    // Complete, no veto: 合格, naming the veto items it could not judge.
    let line = out
        .lines()
        .find(|l| l.trim().starts_with("合格"))
        .unwrap_or_else(|| panic!("no verdict line:\n{out}"));
    assert!(
        line.trim().starts_with(
            "合格（未检查：站点无法访问、互动回应差、服务不实用（办事指南要素缺失））"
        ),
        "{line}"
    );

    // --homepage-only sees none of it, and does not say 合格.
    let mut args = common.to_vec();
    args.push("--homepage-only");
    let quick = bin(&args, port);
    let out = String::from_utf8_lossy(&quick.stdout);
    assert_eq!(quick.status.code(), Some(0), "{out}");
    assert!(
        !out.contains("合格"),
        "a homepage-only run said 合格:\n{out}"
    );
    assert!(
        !out.contains("column_stale") && !out.contains("broken_link"),
        "{out}"
    );
    assert!(
        out.contains("首页检查：未发现问题；栏目与其他页面未检查（未检查：站点无法访问、动态要闻/通知公告/政策文件栏目未更新、应更新但长期未更新的栏目、空白栏目"),
        "{out}"
    );
    assert!(
        !out.contains("估算得分"),
        "no score out of 100 for a part: {out}"
    );

    let dir = run_dir_of(&out);
    let s = summary_json(&dir);
    assert_eq!(s["estimate"]["verdict"], "partial");
    assert_eq!(s["scope"]["complete"], false);
    assert_eq!(s["scope"]["homepage_only"], true);
    assert_eq!(s["scope"]["columns_checked"], false);
    assert_eq!(
        s["scope"]["statement_zh"],
        "首页检查：未发现问题；栏目与其他页面未检查"
    );
    assert!(!s["verdict_line"].as_str().unwrap().contains("合格"));
    let states: Vec<(String, String)> = s["estimate"]["vetoes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("availability", "unchecked"),
        // The homepage's own dated items are judged, even in a quick run.
        ("homepage_stale", "ok"),
        ("stale_columns", "unchecked"),
        ("long_unupdated", "unchecked"),
        ("blank_columns", "unchecked"),
        ("reply_overdue", "unchecked"),
        ("guide_incomplete", "unchecked"),
        ("risky_external", "unchecked"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(states, want);

    // report.html: 未评定, the scope, and every veto item with its state.
    let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    let section = verdict_section(&html);
    assert!(
        section.contains("id=\"verdict-badge\">未评定<"),
        "{section}"
    );
    assert!(!section.contains("合格"), "{section}");
    assert!(section.contains("首页检查：未发现问题；栏目与其他页面未检查"));
    assert_eq!(veto_rows(&html), want);
    assert!(html.contains("<td class=\"vs-unchecked\">未检查</td>"));
    // columns.csv: the columns are not judged (neither missing nor stale).
    let cols = std::fs::read_to_string(dir.join("columns.csv")).expect("columns.csv");
    for name in ["新闻动态", "通知公告", "规划计划"] {
        let row = cols.lines().find(|l| l.starts_with(name)).expect(name);
        // column, found, url, items, newest_date, window_days, status, note
        assert_eq!(row.split(',').nth(6), Some("unchecked"), "{row}");
    }
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_run_that_finds_a_veto_says_fail_with_its_scope() {
    // Forty days later the homepage's newest item is stale: a veto even in a quick run.
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(
        &fixture("verdict").join("bureau"),
        rules(COLUMNS),
        date("2026-07-01"),
        reports.path(),
        |o| o.max_depth = Some(0),
    )
    .await;
    let s = summary(&r);
    assert_eq!(s.estimate.verdict, Verdict::Fail);
    assert_eq!(state(s, "homepage_stale"), VetoState::Veto);
    assert!(
        s.verdict_line
            .starts_with("不合格（单项否决：首页不更新（14天内无更新））：首页检查：发现错误 1 个；栏目与其他页面未检查；估算得分"),
        "{}",
        s.verdict_line
    );
    assert!(s.failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_capped_and_columnless_runs_state_their_scope() {
    let site = fixture("verdict").join("bureau");
    let today = date("2026-05-25");

    // The complete run: 合格, with the items no crawl judged by itself named.
    let reports = tempfile::tempdir().expect("temp dir");
    let full = lib_run(&site, rules(COLUMNS), today, reports.path(), |_| {}).await;
    let s = summary(&full);
    assert!(
        s.scope.complete && s.scope.statement_zh.is_empty(),
        "{:?}",
        s.scope
    );
    assert_eq!(s.estimate.verdict, Verdict::Pass);
    assert_eq!(
        s.estimate.unchecked_zh,
        [
            "站点无法访问",
            "互动回应差",
            "服务不实用（办事指南要素缺失）"
        ]
    );
    assert_eq!(state(s, "homepage_stale"), VetoState::Ok);
    assert_eq!(
        (veto(s, "stale_columns").value, state(s, "stale_columns")),
        (1, VetoState::Ok)
    );
    assert_eq!(
        (veto(s, "long_unupdated").value, state(s, "long_unupdated")),
        (2, VetoState::Ok)
    );
    assert_eq!(state(s, "risky_external"), VetoState::Ok);
    assert!(
        veto(s, "availability").note_zh.contains("没有首页探测记录"),
        "{:?}",
        veto(s, "availability")
    );

    // Stopped before it began (Ctrl-C): nothing judged, nothing passed.
    let reports = tempfile::tempdir().expect("temp dir");
    let stopped = lib_run(&site, rules(COLUMNS), today, reports.path(), |o| {
        o.stop = Some(Arc::new(AtomicBool::new(true)));
    })
    .await;
    let s = summary(&stopped);
    assert!(!s.complete && s.scope.interrupted);
    assert_eq!(s.estimate.verdict, Verdict::Partial);
    assert!(
        s.verdict_line.starts_with("检查未完成（运行中断）"),
        "{}",
        s.verdict_line
    );
    assert!(!s.verdict_line.contains("合格"), "{}", s.verdict_line);
    assert_eq!(state(s, "homepage_stale"), VetoState::Unchecked);
    assert_eq!(state(s, "blank_columns"), VetoState::Unchecked);
    // columns.csv says so for the homepage and every column.
    let rows = column_rows(&stopped);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(
        rows.iter()
            .all(|(_, st, note)| st == "unchecked" && note.starts_with("运行中断：栏目未检查")),
        "{rows:?}"
    );
    let csv = std::fs::read_to_string(stopped.run_dir.join("columns.csv")).expect("columns.csv");
    assert_eq!(csv.matches("运行中断").count(), 4, "{csv}");

    // Capped at two pages: the cap is named, the rest not judged.
    let reports = tempfile::tempdir().expect("temp dir");
    let capped = lib_run(
        &site,
        rules(&format!("max_pages = 2\n{COLUMNS}")),
        today,
        reports.path(),
        |_| {},
    )
    .await;
    let s = summary(&capped);
    assert!(s.complete, "a capped run runs to its end");
    assert!(!s.scope.complete);
    assert!(
        s.scope.caps.iter().any(|c| c.starts_with("page cap")),
        "{:?}",
        s.scope.caps
    );
    assert_eq!(s.estimate.verdict, Verdict::Partial);
    assert!(
        s.verdict_line.starts_with("部分检查（达到上限：页面数）"),
        "{}",
        s.verdict_line
    );
    assert!(!s.verdict_line.contains("合格"));
    assert_eq!(state(s, "long_unupdated"), VetoState::Unchecked);
    assert_eq!(state(s, "risky_external"), VetoState::Unchecked);

    // Rules without columns (`crawl URL`): the column items are not checked.
    let reports = tempfile::tempdir().expect("temp dir");
    let bare = lib_run(&site, rules(""), today, reports.path(), |_| {}).await;
    let s = summary(&bare);
    assert_eq!(s.estimate.verdict, Verdict::Partial);
    assert_eq!(
        s.scope.statement_zh,
        "全站链接检查：发现错误 1 个；规则未配置必查栏目，栏目未检查"
    );
    assert!(!s.verdict_line.contains("合格"), "{}", s.verdict_line);
    assert_eq!(state(s, "stale_columns"), VetoState::Unchecked);
    assert_eq!(veto(s, "blank_columns").note_zh, "规则未配置必查栏目");
    // Links were all checked: that item is judged.
    assert_eq!(state(s, "risky_external"), VetoState::Ok);
}

/// The bureau with its portal `/zwgk/` linked only from 机构概况 (two
/// clicks from the homepage): a run capped at depth 1 never crawls it.
fn deep_portal_site() -> tempfile::TempDir {
    fn strip(dir: &Path) {
        for e in std::fs::read_dir(dir).expect("site folder") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                strip(&p);
            } else if p.extension().is_some_and(|x| x == "html") {
                let t = std::fs::read_to_string(&p).expect("page");
                let t = t
                    .replace("<li><a href=\"/zwgk/\">政务公开</a></li>", "")
                    .replace("<a href=\"/zwgk/\">政府信息公开</a>", "");
                std::fs::write(&p, t).expect("write page");
            }
        }
    }
    let site = copy_site("bureau");
    strip(site.path());
    let about = site.path().join("about.html");
    let t = std::fs::read_to_string(&about).expect("about.html");
    std::fs::write(
        &about,
        t.replace(
            "<div class=\"main\"><h2>机构概况</h2>",
            "<div class=\"main\"><h2>机构概况</h2><p><a href=\"/zwgk/\">政府信息公开</a></p>",
        ),
    )
    .expect("write about.html");
    site
}

/// The columns of [`COLUMNS`], 新闻动态 and 通知公告 also found by URL (so
/// reached without the portal), and 政策文件, which the site does not have.
const COLUMNS_BY_URL: &str = r#"
[portal]
urls = ["http://www.verdict.gov.cn/zwgk/"]

[[columns]]
name = "新闻动态"
type = "dynamic"
url_pattern = "/xwdt/"

[[columns]]
name = "通知公告"
type = "notice"
url_pattern = "/tzgg/"

[[columns]]
name = "规划计划"
type = "plan"

[[columns]]
name = "政策文件"
type = "policy"
"#;

/// (column, status, note) of columns.csv.
fn column_rows(r: &RunResult) -> Vec<(String, String, String)> {
    r.columns
        .iter()
        .map(|c| (c.column.clone(), c.status.clone(), c.note.clone()))
        .collect()
}

fn kinds_by_column(dir: &Path) -> Vec<(String, String)> {
    let rows: Vec<zwgk_audit::report::rows::FindingRow> = zwgk_audit::report::csv::read_rows(
        &std::fs::read(dir.join("findings.csv")).expect("findings.csv"),
    )
    .expect("findings.csv parses");
    let mut v: Vec<(String, String)> = rows
        .into_iter()
        .filter(|f| !f.column.is_empty())
        .map(|f| (f.column, f.kind))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_column_beyond_a_cap_is_unchecked_not_missing() {
    let site = deep_portal_site();
    let today = date("2026-05-25");

    // The full run reaches the portal two clicks down: 规划计划 is stale,
    // 政策文件 (linked nowhere) is missing.
    let reports = tempfile::tempdir().expect("temp dir");
    let full = lib_run(
        site.path(),
        rules(COLUMNS_BY_URL),
        today,
        reports.path(),
        |_| {},
    )
    .await;
    assert!(summary(&full).scope.complete, "{:?}", summary(&full).scope);
    let st = |r: &RunResult, name: &str| {
        column_rows(r)
            .into_iter()
            .find(|c| c.0 == name)
            .unwrap_or_else(|| panic!("no row {name}: {:?}", column_rows(r)))
    };
    assert_eq!(st(&full, "规划计划").1, "stale");
    assert_eq!(st(&full, "政策文件").1, "missing");
    assert_eq!(
        kinds_by_column(&full.run_dir),
        [
            ("政策文件".to_string(), "column_missing".to_string()),
            ("规划计划".to_string(), "column_stale".to_string()),
            ("通知公告".to_string(), "column_stale".to_string()),
        ]
    );

    // Capped at depth 1, the portal is never crawled: 规划计划 and 政策文件
    // are unchecked, naming the cap, with no finding; the columns that were
    // reached (by URL) are still judged: 通知公告 is stale, 新闻动态 ok.
    let reports = tempfile::tempdir().expect("temp dir");
    let capped = lib_run(
        site.path(),
        rules(COLUMNS_BY_URL),
        today,
        reports.path(),
        |o| o.max_depth = Some(1),
    )
    .await;
    let s = summary(&capped);
    assert!(
        s.scope.caps.iter().any(|c| c.starts_with("depth cap")),
        "{:?}",
        s.scope
    );
    assert_eq!(st(&capped, "新闻动态").1, "ok");
    assert_eq!(st(&capped, "通知公告").1, "stale");
    for name in ["规划计划", "政策文件"] {
        let (_, status, note) = st(&capped, name);
        assert_eq!(status, "unchecked", "{name}");
        assert!(note.starts_with("抓取上限（深度）：门户页未抓取"), "{note}");
    }
    assert_eq!(
        kinds_by_column(&capped.run_dir),
        [("通知公告".to_string(), "column_stale".to_string())]
    );
    let csv = std::fs::read_to_string(capped.run_dir.join("columns.csv")).expect("columns.csv");
    assert!(!csv.contains(",missing,"), "{csv}");
    // The counters count only what was judged (通知公告), and are not judged.
    assert_eq!(veto(s, "stale_columns").value, 1);
    assert_eq!(veto(s, "long_unupdated").value, 1);
    assert_eq!(veto(s, "blank_columns").value, 0);
    assert_eq!(state(s, "long_unupdated"), VetoState::Unchecked);

    // Capped elsewhere (the pattern cap on the news articles) with the
    // portal crawled: the column nobody links is unchecked too, since the
    // page that would link it may be among those not crawled.
    let reports = tempfile::tempdir().expect("temp dir");
    let pattern = lib_run(
        site.path(),
        rules(&format!("max_urls_per_pattern = 1\n{COLUMNS_BY_URL}")),
        today,
        reports.path(),
        |_| {},
    )
    .await;
    let s = summary(&pattern);
    assert!(
        s.scope
            .caps
            .iter()
            .any(|c| c.starts_with("URL pattern cap")),
        "{:?}",
        s.scope
    );
    let (_, status, note) = st(&pattern, "政策文件");
    assert_eq!(status, "unchecked");
    assert!(
        note.starts_with("抓取上限（同类网址数）：链接该栏目的页面可能未抓取"),
        "{note}"
    );
    assert_eq!(st(&pattern, "规划计划").1, "stale");
    assert!(
        !kinds_by_column(&pattern.run_dir)
            .iter()
            .any(|(_, k)| k == "column_missing"),
        "{:?}",
        kinds_by_column(&pattern.run_dir)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_column_behind_a_portal_that_failed_is_unchecked_not_missing() {
    // The portal answers 503: the columns it alone links are not judged.
    let site = copy_site("bureau");
    std::fs::write(
        site.path().join("_routes.toml"),
        "[\"/zwgk/\"]\nstatus = 503\n",
    )
    .expect("write routes");
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(
        site.path(),
        rules(COLUMNS),
        date("2026-05-25"),
        reports.path(),
        |_| {},
    )
    .await;
    let ghjh = r
        .columns
        .iter()
        .find(|c| c.column == "规划计划")
        .expect("规划计划 row");
    assert_eq!(ghjh.status, "unchecked", "{ghjh:?}");
    assert!(ghjh.note.starts_with("门户页未能读取"), "{ghjh:?}");
    let kinds = kinds_by_column(&r.run_dir);
    assert!(
        !kinds.iter().any(|(_, k)| k == "column_missing"),
        "{kinds:?}"
    );
    // The failing portal itself is reported where it is linked.
    let findings: Vec<zwgk_audit::report::rows::FindingRow> = zwgk_audit::report::csv::read_rows(
        &std::fs::read(r.run_dir.join("findings.csv")).expect("findings.csv"),
    )
    .expect("findings.csv parses");
    assert!(
        findings
            .iter()
            .any(|f| f.kind == "broken_link" && f.target_url.ends_with("/zwgk/")),
        "{findings:#?}"
    );
}

// ---------------------------------------------------------------------------
// Item 1: 站点无法访问 from the probe's visits over a simulated week.

/// A site whose homepage answers only after `delay_ms` (a visit that times out).
fn slow_site(delay_ms: u64) -> tempfile::TempDir {
    let dir = copy_site("bureau");
    std::fs::write(
        dir.path().join("_routes.toml"),
        format!("[\"/\"]\ndelay_ms = {delay_ms}\n"),
    )
    .expect("write routes");
    dir
}

/// A loopback port nothing listens on (a refused connection).
fn closed_port() -> std::net::SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    drop(l);
    addr
}

#[derive(Clone, Copy)]
enum Visit {
    Up,
    Slow,
    Refused,
}

struct Probe {
    up: SiteServer,
    slow: SiteServer,
    refused: std::net::SocketAddr,
    reports: tempfile::TempDir,
    rules: Rules,
}

impl Probe {
    async fn new() -> Probe {
        let today = date("2026-05-25");
        let slow_dir = slow_site(6_000);
        let p = Probe {
            up: SiteServer::start_with_today(
                SiteSource::dir(fixture("verdict").join("bureau")),
                today,
            )
            .await
            .expect("server"),
            slow: SiteServer::start_with_today(SiteSource::dir(slow_dir.path()), today)
                .await
                .expect("server"),
            refused: closed_port(),
            reports: tempfile::tempdir().expect("temp dir"),
            // Two start URLs: only the homepage's visits count. A 2 s limit
            // (the rule's 15 s overridden per site) keeps the test short.
            rules: Rules::from_toml(
                &rules_text(&format!(
                    "{COLUMNS}\n[scoring.veto.availability]\ntimeout_secs = 2.0\n"
                ))
                .replace(
                    &format!("start_urls = [\"http://{HOST}/\"]"),
                    &format!("start_urls = [\"http://{HOST}/\", \"http://{HOST}/zwgk/\"]"),
                ),
                Path::new("verdict.toml"),
            )
            .expect("rules"),
        };
        // The slow site's files are read when the server starts.
        drop(slow_dir);
        p
    }

    /// One probe at `at`, the homepage reached as `how`.
    async fn visit(&self, at: DateTime<Local>, how: Visit) -> zwgk_audit::probe::ProbeResult {
        let addr = match how {
            Visit::Up => self.up.addr(),
            Visit::Slow => self.slow.addr(),
            Visit::Refused => self.refused,
        };
        let mut o = ProbeOptions::new(at);
        o.reports_root = self.reports.path().to_path_buf();
        o.resolve.push(ResolveEntry::connect_to(HOST, addr));
        o.fallback_resolver = Some(Arc::new(FailingResolver::default()));
        probe(&self.rules, &o).await.expect("probe runs")
    }
}

/// `date` at `minute` minutes past midnight, local time (the test's clock).
fn at(date: NaiveDate, minute: u32) -> DateTime<Local> {
    date.and_hms_opt(minute / 60, minute % 60, 0)
        .expect("valid time")
        .and_local_timezone(Local)
        .earliest()
        .expect("a local time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_visits_over_a_week_decide_site_unreachable() {
    let p = Probe::new().await;
    let today = date("2026-05-25");
    // A week of 20 visits a day (every 30 minutes from 08:00), the week before today:
    // one refused connection on the 20th, one timeout on the 22nd.
    for day in 18..=24 {
        let d = date(&format!("2026-05-{day}"));
        for i in 0..20 {
            let how = match (day, i) {
                (20, 3) => Visit::Refused,
                (22, 10) => Visit::Slow,
                _ => Visit::Up,
            };
            let r = p.visit(at(d, 480 + 30 * i), how).await;
            assert_eq!(r.visits.len(), 2, "one visit per start URL");
            let failed = !matches!(how, Visit::Up);
            assert_eq!(!r.visits[0].ok, failed, "{:?}", r.visits[0]);
        }
    }
    let rule = &p.rules.scoring.veto.availability;
    let history = History::open(&p.reports.path().join("history.sqlite")).expect("history");
    let a = Availability::of_site(&history, "verdict", today, rule).expect("availability");
    assert_eq!((a.visits, a.failures, a.enough), (140, 2, true), "{a:#?}");
    assert_eq!(a.failed.len(), 2);
    assert_eq!(a.failed[0].date, "2026-05-22");
    assert!(
        a.failed[0].reason.starts_with("timeout"),
        "{:?}",
        a.failed[0]
    );
    assert_eq!(a.failed[1].reason, "connection refused");
    assert!(
        a.failed[1].at.starts_with("2026-05-20T09:30:00"),
        "{:?}",
        a.failed[1]
    );

    // 2/140: fine. The crawl says so and names nothing from the probe as unchecked.
    let reports = p.reports.path().to_path_buf();
    let site = fixture("verdict").join("bureau");
    let run = lib_run(&site, p.rules.clone(), today, &reports, |_| {}).await;
    let s = summary(&run);
    assert_eq!(
        state(s, "availability"),
        VetoState::Ok,
        "{:?}",
        veto(s, "availability")
    );
    assert_eq!(
        s.estimate.unchecked_zh,
        ["互动回应差", "服务不实用（办事指南要素缺失）"]
    );

    // Three more failures on the 23rd: 5/143 = 3.5%, the 3% pre-warning.
    let d23 = date("2026-05-23");
    for (i, how) in [Visit::Slow, Visit::Refused, Visit::Refused]
        .into_iter()
        .enumerate()
    {
        p.visit(at(d23, 1200 + i as u32), how).await;
    }
    let run = lib_run(&site, p.rules.clone(), today, &reports, |_| {}).await;
    let s = summary(&run);
    assert_eq!(state(s, "availability"), VetoState::Warning);
    assert_eq!(s.estimate.verdict, Verdict::Pass);
    assert!(
        s.verdict_line
            .starts_with("合格（预警：站点无法访问：近 7 天访问 143 次，2 秒内未打开 5 次（3.5%"),
        "{}",
        s.verdict_line
    );

    // Three refusals on the 21st: 8/146 = 5.5% ≥ 5%: the veto, with the failed visits listed.
    let d21 = date("2026-05-21");
    for i in 0..3 {
        p.visit(at(d21, 1300 + i), Visit::Refused).await;
    }
    // Through the binary: a homepage-only crawl that finds nothing else fails on the veto alone.
    let work = tempfile::tempdir().expect("temp dir");
    let rules_path = work.path().join("verdict.toml");
    std::fs::write(
        &rules_path,
        rules_text(&format!(
            "{COLUMNS}\n[scoring.veto.availability]\ntimeout_secs = 2.0\n"
        )),
    )
    .expect("write rules");
    let up = SiteServer::start_in_thread(SiteSource::dir(&site), Some(today)).expect("server");
    let out = bin(
        &[
            "crawl",
            "--rules",
            rules_path.to_str().unwrap(),
            "--reports",
            reports.to_str().unwrap(),
            "--today",
            "2026-05-25",
            "--quiet",
            "--homepage-only",
        ],
        up.port(),
    );
    drop(up);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the veto fails the run:\n{stdout}"
    );
    assert!(
        stdout.contains("站点可访问性（2026-05-18 至 2026-05-24）：访问 146 次，2 秒内未打开 8 次（5.5%）；≥ 5%：单项否决"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "不合格（单项否决：站点无法访问（近 7 天访问 146 次，2 秒内未打开 8 次（5.5%"
        ),
        "{stdout}"
    );
    let dir = run_dir_of(&stdout);
    let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    assert!(
        veto_rows(&html).contains(&("availability".to_string(), "veto".to_string())),
        "{:?}",
        veto_rows(&html)
    );
    let failed = &html[html
        .find("id=\"failed-visits\"")
        .expect("failed visits table")..];
    let failed = &failed[..failed.find("</table>").unwrap()];
    assert_eq!(failed.matches("<tr><td").count(), 8, "{failed}");
    assert!(
        failed.contains("connection refused") && failed.contains("timeout: not open within 2 s")
    );
    assert!(failed.contains("2026-05-20 09:30"), "{failed}");
    assert!(html.contains("id=\"availability-table\""));

    // The next day the window moves: the 25th has one visit, far from 20: not checked.
    let run = lib_run(&site, p.rules.clone(), date("2026-05-26"), &reports, |_| {}).await;
    let s = summary(&run);
    let v = veto(s, "availability");
    assert_eq!(v.state, VetoState::Unchecked, "{v:?}");
    assert!(v.note_zh.starts_with("监测不足"), "{}", v.note_zh);
    assert!(
        s.estimate
            .unchecked_zh
            .contains(&"站点无法访问".to_string())
    );
}

#[test]
fn the_probe_command_records_a_visit_and_exits_by_its_outcome() {
    let today = date("2026-05-25");
    let server = SiteServer::start_in_thread(
        SiteSource::dir(fixture("verdict").join("bureau")),
        Some(today),
    )
    .expect("server");
    let work = tempfile::tempdir().expect("temp dir");
    let rules = write_rules(work.path(), "");
    let reports = work.path().join("reports");
    let args = |day: &str| {
        vec![
            "probe".to_string(),
            "--rules".into(),
            rules.to_string_lossy().into_owned(),
            "--reports".into(),
            reports.to_string_lossy().into_owned(),
            "--today".into(),
            day.into(),
        ]
    };
    let run = |day: &str, port: u16| {
        let a = args(day);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        bin(&a, port)
    };
    let ok = run("2026-05-24", server.port());
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!("http://{HOST}/ 打开 (HTTP 200)")),
        "{stdout}"
    );
    assert!(
        stdout.contains("今天（2026-05-24）已访问首页 1 次，失败 0 次"),
        "{stdout}"
    );
    // No visit in the week before: said so, not passed.
    assert!(stdout.contains("没有首页探测记录，未检查"), "{stdout}");

    let refused = run("2026-05-25", closed_port().port());
    let stdout = String::from_utf8_lossy(&refused.stdout);
    assert_eq!(refused.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("失败：connection refused"), "{stdout}");
    assert!(
        stdout.contains("站点可访问性（2026-05-18 至 2026-05-24）：访问 1 次"),
        "the window is the week before today: {stdout}"
    );
    // One visit is far from a week of 20 a day: said so, not passed.
    assert!(
        stdout.contains("监测不足：7 天中 0 天达到每天 20 次，未判定（未检查）"),
        "{stdout}"
    );

    // A homepage that answers 404 does not open.
    let rules404 = work.path().join("404.toml");
    std::fs::write(
        &rules404,
        rules_text("").replace(
            &format!("http://{HOST}/\""),
            &format!("http://{HOST}/gone.html\""),
        ),
    )
    .unwrap();
    let out = bin(
        &[
            "probe",
            "--rules",
            rules404.to_str().unwrap(),
            "--reports",
            reports.to_str().unwrap(),
            "--today",
            "2026-05-25",
        ],
        server.port(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("失败：HTTP 404"));

    let h = History::open(&reports.join("history.sqlite")).expect("history");
    let v = h
        .home_visits("verdict", date("2026-05-24"), date("2026-05-25"))
        .expect("visits");
    assert_eq!(v.len(), 3, "{v:#?}");
    assert_eq!(v.iter().filter(|x| x.ok).count(), 1);

    // Bad rules: exit 2, nothing recorded.
    let bad = work.path().join("bad.toml");
    std::fs::write(&bad, "[site]\nname = \"x\"\n").unwrap();
    let out = bin(&["probe", "--rules", bad.to_str().unwrap()], server.port());
    assert_eq!(out.status.code(), Some(2));
    drop(server);
}

// ---------------------------------------------------------------------------
// Item 2: 首页不更新 for a navigation-only homepage.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_navigation_only_homepage_is_judged_by_its_second_level_pages() {
    let site = fixture("verdict").join("nav");
    let home_findings = |r: &RunResult| -> Vec<zwgk_audit::report::rows::FindingRow> {
        r.findings
            .iter()
            .filter(|f| f.column == "首页")
            .cloned()
            .collect()
    };

    // 2026-05-25: 新闻动态 has an item of 2026-05-20: the homepage is current.
    let reports = tempfile::tempdir().expect("temp dir");
    let fresh = lib_run(&site, rules(""), date("2026-05-25"), reports.path(), |_| {}).await;
    assert!(
        home_findings(&fresh).is_empty(),
        "{:#?}",
        home_findings(&fresh)
    );
    let s = summary(&fresh);
    let nav = s.veto_input.second_level.as_ref().expect("navigation-only");
    // /xwdt/, /tzgg/, /jgzn/: not itself, the PDF or the other site.
    assert_eq!((nav.linked, nav.read), (3, 3), "{nav:?}");
    assert_eq!(
        nav.newest_url.as_deref(),
        Some("http://www.verdict.gov.cn/xwdt/")
    );
    assert_eq!(s.veto_input.homepage_newest.as_deref(), Some("2026-05-20"));
    assert_eq!(state(s, "homepage_stale"), VetoState::Ok);
    assert!(veto(s, "homepage_stale").note_zh.starts_with("导航型首页"));
    let row = fresh.columns.iter().find(|c| c.column == "首页").unwrap();
    assert_eq!(
        (row.status.as_str(), row.newest_date.as_str()),
        ("ok", "2026-05-20")
    );

    // 2026-06-25: nothing newer than 36 days on any second-level page: the veto.
    let reports = tempfile::tempdir().expect("temp dir");
    let stale = lib_run(&site, rules(""), date("2026-06-25"), reports.path(), |_| {}).await;
    let f = home_findings(&stale);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (
            f[0].kind.as_str(),
            f[0].severity.as_str(),
            f[0].certainty.as_str()
        ),
        ("column_stale", "error", "confirmed")
    );
    assert_eq!(f[0].page_url, "http://www.verdict.gov.cn/");
    assert!(
        f[0].detail.starts_with("navigation-only homepage (no dated item): none of the 3 second-level pages read has an item within 14 days; newest item 2026-05-20, 36 days old, on http://www.verdict.gov.cn/xwdt/")
            && f[0].detail.ends_with("(national veto: 首页不更新)"),
        "{}",
        f[0].detail
    );
    let s = summary(&stale);
    assert_eq!(state(s, "homepage_stale"), VetoState::Veto);
    assert_eq!(s.estimate.verdict, Verdict::Fail);
    assert!(
        s.estimate.reasons_zh[0].contains("导航型首页，所有二级页面14天内无更新"),
        "{:?}",
        s.estimate.reasons_zh
    );

    // A second-level page that cannot be read might hold the update: suspected, no veto.
    let edited = copy_site("nav");
    let index = edited.path().join("index.html");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        text.replace(
            "<!-- extra -->",
            "<a class=\"entry\" href=\"/zmhd/\">政民互动</a>\n<!-- extra -->",
        ),
    )
    .unwrap();
    let reports = tempfile::tempdir().expect("temp dir");
    let unread = lib_run(
        edited.path(),
        rules(""),
        date("2026-06-25"),
        reports.path(),
        |_| {},
    )
    .await;
    let f = home_findings(&unread);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].certainty, "suspected");
    assert!(
        f[0].detail
            .contains("(1 of 4 linked pages not read; check them by hand)"),
        "{}",
        f[0].detail
    );
    let s = summary(&unread);
    assert_eq!(state(s, "homepage_stale"), VetoState::Unchecked);
    assert!(
        unread
            .findings
            .iter()
            .any(|f| f.kind == "broken_link" && f.target_url.ends_with("/zmhd/"))
    );
    // ... but a fresh one among those read settles it.
    let reports = tempfile::tempdir().expect("temp dir");
    let fresh_unread = lib_run(
        edited.path(),
        rules(""),
        date("2026-05-25"),
        reports.path(),
        |_| {},
    )
    .await;
    assert!(home_findings(&fresh_unread).is_empty());
    assert_eq!(
        state(summary(&fresh_unread), "homepage_stale"),
        VetoState::Ok
    );

    // --homepage-only: the second-level pages are not read: not checked, no finding.
    let reports = tempfile::tempdir().expect("temp dir");
    let quick = lib_run(&site, rules(""), date("2026-06-25"), reports.path(), |o| {
        o.max_depth = Some(0)
    })
    .await;
    assert!(
        home_findings(&quick).is_empty(),
        "{:#?}",
        home_findings(&quick)
    );
    let s = summary(&quick);
    assert_eq!(state(s, "homepage_stale"), VetoState::Unchecked);
    assert!(veto(s, "homepage_stale").note_zh.contains("二级页面未读取"));
    assert_eq!(s.estimate.verdict, Verdict::Partial);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dated_homepage_is_judged_by_its_own_items_not_its_second_level_pages() {
    // The bureau's homepage is current while 通知公告 and 规划计划 are stale:
    // no 首页不更新, and no second-level tally.
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(
        &fixture("verdict").join("bureau"),
        rules(COLUMNS),
        date("2026-05-25"),
        reports.path(),
        |_| {},
    )
    .await;
    let s = summary(&r);
    assert!(s.veto_input.second_level.is_none());
    assert_eq!(s.veto_input.homepage_newest.as_deref(), Some("2026-05-22"));
    assert_eq!(s.veto_input.homepage_age_days, Some(3));
    assert_eq!(state(s, "homepage_stale"), VetoState::Ok);
    assert!(!r.findings.iter().any(|f| f.column == "首页"));
    assert!(
        r.findings
            .iter()
            .any(|f| f.kind == "column_stale" && f.column == "通知公告")
    );
    // Eleven days later the newest item is past the 10-day pre-warning, within 14.
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(
        &fixture("verdict").join("bureau"),
        rules(COLUMNS),
        date("2026-06-03"),
        reports.path(),
        |_| {},
    )
    .await;
    let s = summary(&r);
    assert_eq!(state(s, "homepage_stale"), VetoState::Warning);
    assert!(
        s.verdict_line
            .starts_with("合格（预警：首页不更新：最新信息 2026-05-22（12 天前）"),
        "{}",
        s.verdict_line
    );
}

// ---------------------------------------------------------------------------
// Item 8: the numbers come from the rules.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_file_moves_the_lines_of_the_veto_table() {
    // The bureau has two stale columns: a site that vetoes at 2 long-unupdated
    // columns fails where the national defaults (10) pass; its pre-warning at 1.
    let reports = tempfile::tempdir().expect("temp dir");
    let strict = lib_run(
        &fixture("verdict").join("bureau"),
        rules(&format!(
            "{COLUMNS}\n[scoring.veto.long_unupdated]\nthreshold = 2\nwarning = 1\n\
             [scoring.veto.homepage_stale]\nwarning_days = 2\n"
        )),
        date("2026-05-25"),
        reports.path(),
        |_| {},
    )
    .await;
    let s = summary(&strict);
    let v = veto(s, "long_unupdated");
    assert_eq!(
        (v.value, v.threshold, v.warning, v.state),
        (2, 2, Some(1), VetoState::Veto)
    );
    assert_eq!(state(s, "homepage_stale"), VetoState::Warning);
    assert_eq!(s.estimate.verdict, Verdict::Fail);
    let html = std::fs::read_to_string(strict.run_dir.join("report.html")).unwrap();
    assert!(html.contains("≥ 2 (≥ 1)"), "the lines come from the rules");
    let ids: Vec<String> = veto_rows(&html).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, VETO_IDS);
}

// ---------------------------------------------------------------------------
// Item 3, 第1项: a site without a consultation channel (留言 / 信箱 / 咨询).

/// The bureau with its 局长信箱 link replaced by `channel`, its broken
/// attachment link removed (so the channel is all that can fail a run) and
/// the pages of `verdict/channels/` added.
fn channel_site(channel: &str) -> tempfile::TempDir {
    let dir = copy_site("bureau");
    copy_dir(&fixture("verdict").join("channels"), dir.path());
    let edit = |path: &str, from: &str, to: &str| {
        let p = dir.path().join(path);
        let text = std::fs::read_to_string(&p).expect("fixture page");
        assert!(text.contains(from), "{path} holds {from}");
        std::fs::write(&p, text.replace(from, to)).expect("edit fixture page");
    };
    edit(
        "index.html",
        "<a href=\"/hdjl/jzxx.html\">局长信箱</a>",
        channel,
    );
    edit(
        "tzgg/index.html",
        "<p class=\"fj\">附件：<a href=\"/tzgg/files/2025-jcbiao.doc\">特种设备安全检查表</a></p>",
        "",
    );
    dir
}

/// The reply_overdue row of report.html.
fn reply_row(html: &str) -> &str {
    let start = html
        .find("<tr data-veto=\"reply_overdue\"")
        .expect("reply_overdue row");
    let end = start + html[start..].find("</tr>").expect("end of the row");
    &html[start..end]
}

fn reply_overdue_findings(r: &RunResult) -> usize {
    r.findings
        .iter()
        .filter(|f| f.kind == "reply_overdue")
        .count()
}

#[test]
fn a_site_without_a_consultation_channel_is_vetoed_with_its_evidence() {
    let site = channel_site("");
    let server =
        SiteServer::start_in_thread(SiteSource::dir(site.path()), Some(date("2026-05-25")))
            .expect("fixture server starts");
    let port = server.port();
    let work = tempfile::tempdir().expect("temp dir");
    let rules = write_rules(work.path(), COLUMNS);
    let reports = work.path().join("reports");
    let common = [
        "crawl",
        "--rules",
        rules.to_str().unwrap(),
        "--reports",
        reports.to_str().unwrap(),
        "--today",
        "2026-05-25",
        "--quiet",
    ];

    // A complete run: no link to a channel anywhere, no board read: the veto.
    let full = bin(&common, port);
    let out = String::from_utf8_lossy(&full.stdout);
    assert_eq!(full.status.code(), Some(1), "{out}");
    assert!(
        out.contains("不合格（单项否决：互动回应差（未找到留言/信箱/咨询渠道））"),
        "{out}"
    );
    let dir = run_dir_of(&out);
    let s = summary_json(&dir);
    assert_eq!(s["scope"]["complete"], true, "{}", s["scope"]);
    assert_eq!(s["estimate"]["verdict"], "fail");
    assert_eq!(s["failed"], true);
    // No made-up finding row: the veto stands on what was looked for.
    assert_eq!(s["by_kind"]["reply_overdue"], 0);
    let v = s["estimate"]["vetoes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "reply_overdue")
        .expect("reply_overdue item");
    assert_eq!(
        (&v["state"], &v["triggered"]),
        (&"veto".into(), &true.into())
    );
    let note = v["note_zh"].as_str().unwrap();
    assert!(
        note.starts_with(
            "未找到留言/信箱/咨询渠道：全站页面上没有链接文字含「留言、信箱、咨询、互动交流"
        ) && note.contains("网址匹配「(?i)guestbook"),
        "{note}"
    );
    let c = &s["veto_input"]["reply_channels"];
    assert_eq!(
        (&c["entries"], &c["board_pages"]),
        (&0.into(), &0.into()),
        "{c}"
    );
    assert!(
        c["looked_for_text"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "信箱"),
        "{c}"
    );
    // report.html: the veto row with its evidence, and the reason in the verdict.
    let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    assert!(veto_rows(&html).contains(&("reply_overdue".to_string(), "veto".to_string())));
    let row = reply_row(&html);
    assert!(
        row.contains("<td class=\"vs-veto\">否决</td>")
            && row.contains(">无渠道<")
            && row.contains("未找到留言/信箱/咨询渠道：全站页面上没有链接文字含"),
        "{row}"
    );
    assert!(
        verdict_section(&html).contains("互动回应差（未找到留言/信箱/咨询渠道）"),
        "{}",
        verdict_section(&html)
    );
    // report.xlsx, 概要: the item's state and its evidence.
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.join("report.xlsx")).expect("report.xlsx opens");
    let sheet = calamine::Reader::worksheet_range(&mut book, "概要").expect("概要 sheet");
    let first = |r: &[calamine::Data], s: &str| r.first().is_some_and(|c| *c == s);
    let row: Vec<String> = sheet
        .rows()
        .skip_while(|r| !first(r, "单项否决"))
        .find(|r| first(r, "互动回应差"))
        .expect("互动回应差 row")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[1], "否决", "{row:?}");
    assert!(
        row[2].starts_with("无渠道；未找到留言/信箱/咨询渠道：全站页面上没有链接文字含"),
        "{row:?}"
    );

    // --homepage-only on the same site: the channel may be deeper: not checked.
    let mut args = common.to_vec();
    args.push("--homepage-only");
    let quick = bin(&args, port);
    let out = String::from_utf8_lossy(&quick.stdout);
    assert_eq!(quick.status.code(), Some(0), "{out}");
    assert!(!out.contains("未找到留言/信箱/咨询渠道）"), "{out}");
    let dir = run_dir_of(&out);
    let s = summary_json(&dir);
    assert_eq!(s["estimate"]["verdict"], "partial");
    let v = s["estimate"]["vetoes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "reply_overdue")
        .expect("reply_overdue item");
    assert_eq!(v["state"], "unchecked");
    assert!(
        v["note_zh"]
            .as_str()
            .unwrap()
            .contains("已检查的页面上未找到留言/信箱/咨询渠道"),
        "{v}"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    assert!(
        reply_row(&html).contains("<td class=\"vs-unchecked\">未检查</td>"),
        "{}",
        reply_row(&html)
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_run_never_says_a_site_has_no_channel() {
    let site = channel_site("");
    let today = date("2026-05-25");
    // Capped at two pages: the channel could be on a page not crawled.
    let reports = tempfile::tempdir().expect("temp dir");
    let capped = lib_run(
        site.path(),
        rules(&format!("max_pages = 2\n{COLUMNS}")),
        today,
        reports.path(),
        |_| {},
    )
    .await;
    let s = summary(&capped);
    assert!(!s.scope.complete && !s.scope.caps.is_empty());
    let v = veto(s, "reply_overdue");
    assert_eq!(v.state, VetoState::Unchecked, "{v:?}");
    assert!(
        v.note_zh.contains("已检查的页面上未找到留言/信箱/咨询渠道"),
        "{}",
        v.note_zh
    );
    assert_ne!(s.estimate.verdict, Verdict::Fail);
    // Stopped before it began: nothing looked at, nothing vetoed.
    let reports = tempfile::tempdir().expect("temp dir");
    let stopped = lib_run(site.path(), rules(COLUMNS), today, reports.path(), |o| {
        o.stop = Some(Arc::new(AtomicBool::new(true)));
    })
    .await;
    let s = summary(&stopped);
    assert_eq!(state(s, "reply_overdue"), VetoState::Unchecked);
    assert_eq!(s.estimate.verdict, Verdict::Partial);
    // The same site crawled to its end: the veto (the two runs above did not
    // miss it by accident).
    let reports = tempfile::tempdir().expect("temp dir");
    let full = lib_run(site.path(), rules(COLUMNS), today, reports.path(), |_| {}).await;
    assert_eq!(state(summary(&full), "reply_overdue"), VetoState::Veto);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_on_another_host_is_found_not_read_and_not_vetoed() {
    let today = date("2026-05-25");
    // The shared 领导信箱 platform of the city, on another host: its list (with
    // a message unanswered since 2025-11-03) is never read.
    let site = channel_site("<a href=\"http://www.shj.gov.cn/ldxx/\">局长信箱</a>");
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(site.path(), rules(COLUMNS), today, reports.path(), |_| {}).await;
    let s = summary(&r);
    let v = veto(s, "reply_overdue");
    assert_eq!(v.state, VetoState::Unchecked, "{v:?}");
    assert!(
        v.note_zh.starts_with(
            "找到留言/信箱/咨询渠道 http://www.shj.gov.cn/ldxx/（「局长信箱」，见 http://www.verdict.gov.cn/），但未读取到留言列表"
        ),
        "{}",
        v.note_zh
    );
    assert_eq!(reply_overdue_findings(&r), 0, "{:#?}", r.findings);
    let c = s
        .veto_input
        .reply_channels
        .as_ref()
        .expect("channels looked for");
    assert_eq!((c.entries, c.board_pages), (1, 0));
    assert_eq!(s.estimate.verdict, Verdict::Pass);
    assert!(
        s.verdict_line
            .starts_with("合格（未检查：站点无法访问、互动回应差、服务不实用"),
        "{}",
        s.verdict_line
    );
    let html = std::fs::read_to_string(r.run_dir.join("report.html")).expect("report.html");
    assert!(
        reply_row(&html).contains("<td class=\"vs-unchecked\">未检查</td>")
            && reply_row(&html).contains("找到留言/信箱/咨询渠道 http://www.shj.gov.cn/ldxx/"),
        "{}",
        reply_row(&html)
    );

    // A mailbox opened by script: found (the link is on the site), not read.
    let site = channel_site(
        "<a href=\"javascript:void(0)\" onclick=\"window.open('http://www.shj.gov.cn/ldxx/')\">领导 信箱</a>",
    );
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(site.path(), rules(COLUMNS), today, reports.path(), |_| {}).await;
    let s = summary(&r);
    let v = veto(s, "reply_overdue");
    assert_eq!(v.state, VetoState::Unchecked, "{v:?}");
    assert!(
        v.note_zh
            .starts_with("找到留言/信箱/咨询渠道 javascript:void(0)（「领导 信箱」"),
        "{}",
        v.note_zh
    );
    assert_ne!(s.estimate.verdict, Verdict::Fail);

    // A banner without text (a CSS background) to the 局长信箱 form: the
    // channel is known by the title of the page it leads to.
    let site = channel_site("<a class=\"banner-jzxx\" href=\"/hdjl/jzxx.html\"></a>");
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(site.path(), rules(COLUMNS), today, reports.path(), |_| {}).await;
    let s = summary(&r);
    let v = veto(s, "reply_overdue");
    assert_eq!(v.state, VetoState::Unchecked, "{v:?}");
    assert!(
        v.note_zh.starts_with(&format!(
            "找到留言/信箱/咨询渠道 http://{HOST}/hdjl/jzxx.html（「局长信箱」），但未读取到留言列表"
        )),
        "{}",
        v.note_zh
    );
    assert_eq!(s.estimate.verdict, Verdict::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interviews_and_complaint_boards_are_no_consultation_channel() {
    // 在线访谈 and 投诉举报信箱 (a 信箱, of a kind the rule excludes) are read
    // (the complaint board has a message pending since 2025-10-08), but they
    // are no consultation channel: none on the site, the veto.
    let site = channel_site(
        "<a href=\"/hdjl/zxft/\">在线访谈</a> <a href=\"/hdjl/tsjb/\">投诉举报信箱</a>",
    );
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(
        site.path(),
        rules(COLUMNS),
        date("2026-05-25"),
        reports.path(),
        |_| {},
    )
    .await;
    let s = summary(&r);
    for p in ["/hdjl/zxft/", "/hdjl/tsjb/"] {
        let pages = std::fs::read_to_string(r.run_dir.join("pages.csv")).expect("pages.csv");
        assert!(
            pages.contains(&format!("http://{HOST}{p},200")),
            "{p} was crawled: {pages}"
        );
    }
    assert_eq!(reply_overdue_findings(&r), 0, "{:#?}", r.findings);
    let c = s
        .veto_input
        .reply_channels
        .as_ref()
        .expect("channels looked for");
    assert_eq!((c.entries, c.board_pages), (0, 0), "{c:?}");
    assert_eq!(state(s, "reply_overdue"), VetoState::Veto);
    assert_eq!(s.estimate.verdict, Verdict::Fail);
    assert!(
        s.estimate
            .reasons_zh
            .contains(&"单项否决：互动回应差（未找到留言/信箱/咨询渠道）".to_string()),
        "{:?}",
        s.estimate.reasons_zh
    );
    assert!(s.failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_readable_board_is_judged_by_its_messages_as_before() {
    // 在线咨询 on the bureau's own site, every message answered within days.
    let site = channel_site("<a href=\"/hdjl/zxzx/\">在线咨询</a>");
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(
        site.path(),
        rules(COLUMNS),
        date("2026-05-25"),
        reports.path(),
        |_| {},
    )
    .await;
    let s = summary(&r);
    assert_eq!(s.veto_input.reply_overdue, Some(0));
    let c = s
        .veto_input
        .reply_channels
        .as_ref()
        .expect("channels looked for");
    assert_eq!((c.entries, c.board_pages), (1, 1), "{c:?}");
    assert_eq!(c.examples[0].url, format!("http://{HOST}/hdjl/zxzx/"));
    let v = veto(s, "reply_overdue");
    assert_eq!((v.state, v.value), (VetoState::Ok, 0));
    assert_eq!(s.estimate.verdict, Verdict::Pass);
    assert_eq!(
        s.estimate.unchecked_zh,
        ["站点无法访问", "服务不实用（办事指南要素缺失）"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigation_written_by_a_homepage_script_is_not_a_missing_channel() {
    let today = date("2026-05-25");
    // The 局长信箱 entry is gone from the HTML; the homepage loads its
    // navigation from an own script that writes it (as many templates do).
    let site = channel_site("<script src=\"/js/nav.js\"></script>");
    std::fs::create_dir_all(site.path().join("js")).expect("js dir");
    std::fs::write(
        site.path().join("js/nav.js"),
        "document.write('<ul class=\"nav\"><li><a href=\"/hdjl/jzxx.html\">局长信箱</a></li></ul>');\n",
    )
    .expect("nav.js");
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(site.path(), rules(COLUMNS), today, reports.path(), |_| {}).await;
    let s = summary(&r);
    let v = veto(s, "reply_overdue");
    assert_eq!(v.state, VetoState::Unchecked, "{v:?}");
    assert!(
        v.note_zh
            .contains("首页的导航可能由脚本 http://www.verdict.gov.cn/js/nav.js 生成"),
        "{}",
        v.note_zh
    );
    let c = s.veto_input.reply_channels.as_ref().expect("channels");
    assert_eq!(c.entries, 0, "{c:?}");
    assert_ne!(s.estimate.verdict, Verdict::Fail, "{}", s.verdict_line);

    // Look-alike: a script whose name says nothing of navigation (a
    // statistics counter) does not stop the veto.
    let site = channel_site("<script src=\"/js/tongji.js\"></script>");
    std::fs::create_dir_all(site.path().join("js")).expect("js dir");
    std::fs::write(site.path().join("js/tongji.js"), "var hits = 1;\n").expect("tongji.js");
    let reports = tempfile::tempdir().expect("temp dir");
    let r = lib_run(site.path(), rules(COLUMNS), today, reports.path(), |_| {}).await;
    let s = summary(&r);
    let v = veto(s, "reply_overdue");
    assert_eq!(v.state, VetoState::Veto, "{v:?}");
    assert_eq!(s.estimate.verdict, Verdict::Fail);
}
