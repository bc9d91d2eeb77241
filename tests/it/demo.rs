//! The built-in demo (`zwgk-audit demo`): the audit reports exactly the planted
//! defects of `src/demo/site/EXPECTED.tsv` and none of `LOOKALIKES.tsv`, on a
//! date before 02-01 (last year's 年报 not yet due) and one after.

use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use zwgk_audit::audit::{AuditOptions, RunResult};
use zwgk_audit::check::content::privacy::{NumberKind, mask};
use zwgk_audit::crawl::Progress;
use zwgk_audit::demo::{Planted, audit_demo, expected, lookalikes};
use zwgk_audit::report::csv::read_rows;
use zwgk_audit::report::html::ColumnRecord;
use zwgk_audit::report::rows::FindingRow;

/// (kind, page, target) of a finding or a planted row.
type Key = (String, String, String);

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Removes `:port` of the loopback server, should a URL carry it.
fn unport(s: &str, port: u16) -> String {
    let p = format!(":{port}");
    match s.find(&p) {
        Some(i) if s[i + p.len()..].is_empty() || s[i + p.len()..].starts_with('/') => {
            format!("{}{}", &s[..i], &s[i + p.len()..])
        }
        _ => s.to_string(),
    }
}

/// What identifies a finding as the TSV files write it: the link target, or
/// for the kinds without one the column (column_missing / _empty / _stale) or
/// the evidence in `link_text` (masked number, matched text, required title).
fn key_of_row(f: &FindingRow, port: u16) -> Key {
    let target = match f.kind.as_str() {
        "column_missing" | "column_empty" | "column_stale" => f.column.clone(),
        "item_missing" | "privacy_leak" | "forbidden_text" => f.link_text.clone(),
        _ => unport(&f.target_url, port),
    };
    (f.kind.clone(), unport(&f.page_url, port), target)
}

/// A planted row's key; privacy numbers are compared masked, as reported.
fn key_of_planted(p: &Planted) -> Key {
    let target = if p.kind == "privacy_leak" {
        let kind = if p.target.len() == 18 {
            NumberKind::IdCard
        } else {
            NumberKind::Mobile
        };
        mask(kind, &p.target)
    } else {
        p.target.clone()
    };
    (p.kind.clone(), p.page.clone(), target)
}

struct DemoRun {
    result: RunResult,
    findings: Vec<FindingRow>,
    port: u16,
    _dir: tempfile::TempDir,
}

async fn run_demo(today: NaiveDate) -> DemoRun {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = AuditOptions::new(today);
    opts.reports_root = dir.path().to_path_buf();
    opts.progress = Progress::Quiet;
    opts.stop = Some(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
        false,
    )));
    let (server, _rules, result) = audit_demo(opts).await.expect("demo audit runs");
    let port = server.port();
    server.shutdown().await;
    assert!(
        result.run_dir.starts_with(dir.path().join("demo")),
        "{}",
        result.run_dir.display()
    );
    let bytes = std::fs::read(result.run_dir.join("findings.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "findings.csv has a BOM");
    let findings: Vec<FindingRow> = read_rows(&bytes).unwrap();
    DemoRun {
        result,
        findings,
        port,
        _dir: dir,
    }
}

/// The planted findings as of `today`: last year's annual report is only due
/// after 01-31.
fn planted_for(today: NaiveDate) -> BTreeSet<Key> {
    let before_due = today < date(&format!("{}-02-01", today.format("%Y")));
    expected(today)
        .iter()
        .filter(|p| !(before_due && p.kind == "item_missing"))
        .map(key_of_planted)
        .collect()
}

fn assert_exactly_the_planted(run: &DemoRun, today: NaiveDate) {
    let got: BTreeSet<Key> = run
        .findings
        .iter()
        .map(|f| key_of_row(f, run.port))
        .collect();
    assert_eq!(
        got.len(),
        run.findings.len(),
        "one finding per (kind, page, target)"
    );
    let want = planted_for(today);
    let missed: Vec<&Key> = want.difference(&got).collect();
    let extra: Vec<&Key> = got.difference(&want).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "as of {today}\nplanted but not reported: {missed:#?}\nreported but not planted: {extra:#?}"
    );
    // Every kind of SPEC.md but mixed_content is planted once or more.
    let kinds: BTreeSet<&str> = want.iter().map(|k| k.0.as_str()).collect();
    assert!(kinds.len() >= 13, "{kinds:?}");

    // No look-alike is reported, under any evidence field.
    for l in lookalikes(today) {
        let (kind, page, target) = key_of_planted(&l);
        let hit = run.findings.iter().find(|f| {
            f.kind == kind
                && unport(&f.page_url, run.port) == page
                && (target.is_empty()
                    || [&f.target_url, &f.link_text, &f.column]
                        .iter()
                        .any(|x| unport(x, run.port) == target || x.contains(&target)))
        });
        assert!(hit.is_none(), "look-alike reported ({}): {hit:#?}", l.note);
    }
    // Nothing is reported about the page of a privacy look-alike's numbers either.
    for f in run.findings.iter().filter(|f| f.kind == "privacy_leak") {
        assert!(!f.link_text.starts_with("3301**********2041"), "{f:#?}");
        assert!(!f.link_text.starts_with("138****8000"), "{f:#?}");
        // The contact mobile of notice 4108, labelled 手机.
        assert!(!f.link_text.starts_with("139****5678"), "{f:#?}");
    }
}

fn assert_columns(run: &DemoRun, today: NaiveDate) {
    let rows: Vec<ColumnRecord> =
        read_rows(&std::fs::read(run.result.run_dir.join("columns.csv")).unwrap()).unwrap();
    let status: BTreeMap<&str, &str> = rows
        .iter()
        .map(|r| (r.column.as_str(), r.status.as_str()))
        .collect();
    let row = |name: &str| rows.iter().find(|r| r.column == name).unwrap();
    assert_eq!(rows[0].column, "首页");
    assert_eq!(rows.len(), 18, "{status:?}");
    for (name, want) in [
        ("首页", "ok"),
        ("政府信息公开指南", "ok"),
        ("政府信息公开制度", "ok"),
        ("机构职能", "mixed"),
        ("政策文件", "stale"),
        ("规范性文件", "ok"),
        ("政策解读", "ok"),
        ("规划计划", "mixed"),
        ("财政预决算", "ok"),
        ("双随机一公开", "empty"),
        ("权责清单", "ok"),
        ("办事指南", "ok"),
        ("重大行政决策", "missing"),
        ("建议提案办理", "ok"),
        ("政府信息公开年报", "ok"),
        ("依申请公开", "ok"),
        ("新闻动态", "ok"),
        ("通知公告", "ok"),
    ] {
        assert_eq!(status.get(name).copied(), Some(want), "{name}: {status:?}");
    }
    let days = |n: i64| (today - chrono::Days::new(n as u64)).to_string();
    // 政策文件: the stale column, with its newest item and window.
    let zcwj = row("政策文件");
    assert_eq!(
        (zcwj.items, zcwj.newest_date.clone(), zcwj.window_days),
        (3, days(320), 183)
    );
    let stale = run
        .findings
        .iter()
        .find(|f| f.kind == "column_stale")
        .unwrap();
    assert_eq!(
        stale.detail,
        format!("newest item {}, 320 days old, window 183", days(320))
    );
    // 规范性文件: GBK pages, the list spread over TRS index / index_1 / index_2.
    let gfxwj = row("规范性文件");
    assert_eq!(
        (gfxwj.items, gfxwj.newest_date.clone()),
        (8, days(4)),
        "{gfxwj:?}"
    );
    assert_eq!(gfxwj.url, "http://www.demo-ipa.gov.cn/xxgk/gfxwj/");
    assert_eq!(row("财政预决算").items, 2);
    assert_eq!(row("双随机一公开").items, 0);
    let missing = row("重大行政决策");
    assert!(!missing.found && missing.url.is_empty());
    // The annual reports column has no update window: only its required item counts.
    assert_eq!(row("政府信息公开年报").window_days, 0);
    assert_eq!(row("新闻动态").window_days, 14);
    assert_eq!(row("新闻动态").newest_date, days(1));
    assert_eq!(row("首页").window_days, 14);
    for r in &rows {
        assert!(r.found == (r.status != "missing"), "{r:?}");
    }
    // The mixed item is named with its evidence: title keyword and ColumnName.
    let mixed = run
        .findings
        .iter()
        .find(|f| f.kind == "column_mixed" && f.column == "规划计划")
        .unwrap();
    assert_eq!(mixed.column, "规划计划");
    assert!(
        mixed.detail.contains("调研") && mixed.detail.contains("ColumnName is 「新闻动态」"),
        "{}",
        mixed.detail
    );
    // In 机构职能, which has no rule words: the national defaults of its type.
    let news = run
        .findings
        .iter()
        .find(|f| f.kind == "column_mixed" && f.column == "机构职能")
        .unwrap();
    assert_eq!(
        news.detail,
        "「局领导出席全省知识产权系统工作会议」 reads as news (「出席」), not what a \
         按需更新栏目 column holds (national defaults); 专栏姓专"
    );
}

fn assert_summary_and_html(run: &DemoRun) {
    let dir = &run.result.run_dir;
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["site_id"], "demo");
    assert_eq!(s["findings"].as_u64(), Some(run.findings.len() as u64));
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for f in &run.findings {
        *by_kind.entry(f.kind.clone()).or_default() += 1;
    }
    for (k, n) in s["by_kind"].as_object().unwrap() {
        assert_eq!(
            n.as_u64().unwrap(),
            by_kind.get(k).copied().unwrap_or(0),
            "by_kind.{k}"
        );
    }
    let v = &s["veto_input"];
    assert_eq!(v["homepage_stale"], false);
    assert_eq!(v["stale_dynamic_notice_policy"], 1);
    assert_eq!(v["long_unupdated"], 1);
    assert_eq!(v["blank_columns"], 1);
    assert_eq!(v["risky_external"], 1);
    // The gambling friend link vetoes the site.
    assert_eq!(s["estimate"]["verdict"], "fail");
    assert_eq!(s["failed"], true);
    let verdict = s["verdict_line"].as_str().unwrap();
    assert!(verdict.starts_with("不合格"), "{verdict}");
    let summary = run.result.summary.as_ref().unwrap();
    assert_eq!(summary.findings, run.findings.len());

    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("示范市知识产权局"));
    assert!(html.contains("重大行政决策"));
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"https://cdn"),
        "report.html loads nothing from the network"
    );
    for f in ["links.csv", "pages.csv"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_before_the_annual_report_is_due() {
    let today = date("2026-01-20");
    let run = run_demo(today).await;
    assert_exactly_the_planted(&run, today);
    assert!(!run.findings.iter().any(|f| f.kind == "item_missing"));
    assert_columns(&run, today);
    assert_summary_and_html(&run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_after_the_annual_report_is_due() {
    let today = date("2026-11-27");
    let run = run_demo(today).await;
    assert_exactly_the_planted(&run, today);
    let item = run
        .findings
        .iter()
        .find(|f| f.kind == "item_missing")
        .unwrap();
    assert_eq!(item.page_url, "http://www.demo-ipa.gov.cn/xxgk/ndbg/");
    assert_eq!(item.column, "政府信息公开年报");
    assert_eq!(
        item.link_text,
        "示范市知识产权局2025年政府信息公开工作年度报告"
    );
    assert!(item.detail.contains("2026-01-31"), "{}", item.detail);
    assert_columns(&run, today);
    assert_summary_and_html(&run);
}

#[test]
fn demo_binary_exits_1_and_prints_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zwgk-audit"))
        .args(["demo", "--reports"])
        .arg(dir.path())
        .args(["--quiet", "--today", "2026-11-27"])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("示范市知识产权局"), "{stdout}");
    assert!(stdout.contains("2026-11-27"), "{stdout}");
    for kind in [
        "broken_link",
        "wrong_link",
        "column_missing",
        "column_stale",
        "item_missing",
        "privacy_leak",
        "slow_page",
        "reply_overdue",
        "date_mismatch",
        "guide_incomplete",
    ] {
        assert!(stdout.contains(kind), "{kind} not in:\n{stdout}");
    }
    assert!(stdout.contains("不合格"), "{stdout}");
    // The run folder it names holds the reports.
    let run_dir = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("reports: "))
        .expect("the summary names the run folder");
    for f in ["findings.csv", "columns.csv", "summary.json", "report.html"] {
        assert!(Path::new(run_dir).join(f).is_file(), "{f} in {run_dir}");
    }
}
