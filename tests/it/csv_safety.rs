//! Issue 15 item 5: every CSV the tool writes is formula-safe, and reading
//! our own CSVs back (`diff`, `report`, `--resume`) gives the original text.
//!
//! A real crawl of `tests/fixtures/csv_safety` (see its README.md): link
//! texts and titles such as `=1+2`, `+cmd|' /C calc'!A0`, `@SUM(A1)`, `-2+3`,
//! a text that itself starts with `'=`, and a required column named
//! `=通知公告` from the rules. Then a second run where one link was fixed
//! (diff.csv, the `diff` and `report` commands), and a run stopped while it
//! waits for a slow page, then resumed.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use zwgk_audit::audit::{AuditOptions, Auditor};
use zwgk_audit::crawl::resolve::ResolveEntry;
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::report::csv::{read_rows, restore};
use zwgk_audit::report::diff::DiffRow;
use zwgk_audit::report::rows::{FindingRow, LinkRow, PageRow};
use zwgk_audit::rules::Rules;

const BIN: &str = env!("CARGO_BIN_EXE_zwgk-audit");
const HOST: &str = "www.formula.test";
const SITE: &str = "http://www.formula.test";

/// The hostile link texts of the homepage, as the page shows them, and the
/// page each links to (all missing: one broken_link each).
const HOSTILE: &[(&str, &str)] = &[
    ("=1+2", "/tjsj/gone-1.html"),
    ("+cmd|' /C calc'!A0", "/tjsj/gone-2.html"),
    ("@SUM(A1)", "/tjsj/gone-3.html"),
    ("-2+3", "/tjsj/gone-4.html"),
    (
        "'=HYPERLINK(\"http://evil.example/\",\"统计公报\")",
        "/tjsj/gone-5.html",
    ),
    ("'2026年统计公报", "/tjsj/gone-6.html"),
    ("<script>alert(1)</script>统计月报", "/tjsj/gone-7.html"),
];

/// The column the rules require, named like a formula.
const COLUMN: &str = "=通知公告";

fn rules() -> Rules {
    Rules::from_toml(
        &format!(
            "[site]\nname = \"示例区统计局\"\nid = \"formula\"\nstart_urls = [\"{SITE}/\"]\n\
             [crawl]\nhost_interval_ms = 0\ntimeout_secs = 10\nretries = 0\n\
             [portal]\nurls = [\"{SITE}/xxgk/\"]\n\
             [[columns]]\nname = \"{COLUMN}\"\nlink_text = [\"通知公告\"]\ntype = \"static\"\n"
        ),
        Path::new("formula.toml"),
    )
    .expect("valid rules")
}

/// Options for a run into `root` (a new run folder each time).
fn opts(server: &SiteServer, root: &Path) -> AuditOptions {
    let mut o = options(server, root);
    o.out_dir = None;
    o.resolve = vec![ResolveEntry::connect_to(HOST, server.addr())];
    o
}

/// A copy of the fixture in a temp folder, to change between runs.
fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture("csv_safety"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn read<R: serde::de::DeserializeOwned + zwgk_audit::report::rows::Row>(path: &Path) -> Vec<R> {
    read_rows(&std::fs::read(path).unwrap()).unwrap()
}

/// Every cell of a CSV file as written (BOM removed, no header mapping).
fn raw_cells(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// No cell of the file starts with a character a spreadsheet would run.
fn assert_formula_safe(path: &Path) {
    let rows = raw_cells(path);
    assert!(rows.len() > 1, "{} has rows", path.display());
    for row in rows {
        for cell in row {
            assert!(
                !matches!(
                    cell.chars().next(),
                    Some('=' | '+' | '-' | '@' | '\t' | '\r')
                ),
                "{}: cell {cell:?}",
                path.display()
            );
        }
    }
}

/// Two finished runs of the site (the second after `@SUM(A1)`'s target was
/// published), sharing one reports folder and history.
struct TwoRuns {
    root: tempfile::TempDir,
    first: PathBuf,
    second: PathBuf,
    first_findings: Vec<FindingRow>,
}

fn two_runs() -> &'static TwoRuns {
    static RUNS: OnceLock<TwoRuns> = OnceLock::new();
    RUNS.get_or_init(|| {
        block_on_thread(|| async {
            let root = tempfile::tempdir().unwrap();
            let site = fixture_copy();
            let server = SiteServer::start_with_today(SiteSource::dir(site.path()), today())
                .await
                .unwrap();
            let first = Auditor::new(rules(), opts(&server, root.path()))
                .run()
                .await
                .expect("first run");
            // The next day, the page of the `@SUM(A1)` link is published.
            std::fs::write(
                site.path().join(HOST).join("tjsj/gone-3.html"),
                "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>统计公报</title></head><body><p>发布日期：2026-05-18</p></body></html>",
            )
            .unwrap();
            drop(server);
            let server = SiteServer::start_with_today(SiteSource::dir(site.path()), today())
                .await
                .unwrap();
            let mut o = opts(&server, root.path());
            o.today = today().succ_opt().unwrap();
            let second = Auditor::new(rules(), o).run().await.expect("second run");
            assert_ne!(first.run_dir, second.run_dir);
            TwoRuns {
                first: first.run_dir.clone(),
                second: second.run_dir.clone(),
                first_findings: first.findings,
                root,
            }
        })
    })
}

/// findings, links, pages and columns: hostile cells carry a `'`, and read
/// back as the site wrote them.
#[test]
fn every_csv_of_a_crawl_is_formula_safe_and_reads_back_as_written() {
    let r = two_runs();
    for name in ["findings.csv", "links.csv", "pages.csv", "columns.csv"] {
        assert_formula_safe(&r.first.join(name));
    }
    let findings: Vec<FindingRow> = read(&r.first.join("findings.csv"));
    assert_eq!(
        findings, r.first_findings,
        "read back = what the crawl wrote"
    );
    for (text, target) in HOSTILE {
        let f = findings
            .iter()
            .find(|f| f.kind == "broken_link" && f.target_url == format!("{SITE}{target}"))
            .unwrap_or_else(|| panic!("broken {target}: {findings:#?}"));
        assert_eq!(f.link_text, *text);
        assert_eq!(f.page_url, format!("{SITE}/"));
    }
    let soft = findings
        .iter()
        .find(|f| f.kind == "soft_404")
        .expect("soft_404 of /tjsj/removed.html");
    assert!(
        soft.detail
            .contains("<img src=x onerror=alert(2)>页面不存在")
    );
    let missing = findings
        .iter()
        .find(|f| f.kind == "column_missing")
        .expect("column_missing");
    assert_eq!(missing.column, COLUMN);

    // As written: the `'` is there, once more for the text that had its own.
    let raw = raw_cells(&r.first.join("findings.csv"));
    let texts: Vec<&str> = raw.iter().map(|row| row[5].as_str()).collect();
    for want in [
        "'=1+2",
        "'+cmd|' /C calc'!A0",
        "'@SUM(A1)",
        "'-2+3",
        "''=HYPERLINK(\"http://evil.example/\",\"统计公报\")",
        "'2026年统计公报",
        "<script>alert(1)</script>统计月报",
    ] {
        assert!(texts.contains(&want), "{want} in {texts:#?}");
    }
    assert!(raw.iter().any(|row| row[9] == format!("'{COLUMN}")));
    // The status column stays a number.
    assert!(raw.iter().any(|row| row[8] == "404"));

    let pages: Vec<PageRow> = read(&r.first.join("pages.csv"));
    let title = |path: &str| {
        pages
            .iter()
            .find(|p| p.url == format!("{SITE}{path}"))
            .map(|p| p.title.clone())
    };
    assert_eq!(title("/").as_deref(), Some("=1+2 示例区统计局"));
    assert_eq!(
        title("/tjsj/article.html").as_deref(),
        Some("-2+3 关于发布2026年4月统计数据的公告 <b>")
    );
    let links: Vec<LinkRow> = read(&r.first.join("links.csv"));
    assert!(
        links
            .iter()
            .any(|l| l.link_text == "@统计数据发布" && l.status == "ok")
    );
    let columns = raw_cells(&r.first.join("columns.csv"));
    let row = columns
        .iter()
        .find(|c| c[0] == format!("'{COLUMN}"))
        .expect("the required column's row, its name prefixed");
    assert_eq!(restore(&row[0]), COLUMN);
}

/// diff.csv of the second run, and the `diff` command, are formula-safe;
/// their keys match across the runs (the hostile findings are still open,
/// the fixed one is fixed) and read back as the original text.
#[test]
fn diff_reads_our_csv_back_to_the_original_text() {
    let r = two_runs();
    let diff_csv = r.second.join("diff.csv");
    assert_formula_safe(&diff_csv);
    let rows: Vec<DiffRow> = read(&diff_csv);
    let status = |text: &str| {
        rows.iter()
            .filter(|d| {
                d.kind == "broken_link" && d.link_text == text && d.page_url == format!("{SITE}/")
            })
            .map(|d| d.status.code())
            .collect::<Vec<_>>()
    };
    for (text, _) in HOSTILE {
        let want = if *text == "@SUM(A1)" { "fixed" } else { "open" };
        assert_eq!(status(text), vec![want], "{text}");
    }
    assert!(rows.iter().all(|d| d.status.code() != "new"), "{rows:#?}");
    let open = rows
        .iter()
        .find(|d| d.link_text == "=1+2" && d.page_url == format!("{SITE}/"))
        .unwrap();
    assert_eq!(open.first_seen, "2026-05-25");
    assert_eq!(open.days_open, 1);

    // `zwgk-audit diff RUN_A RUN_B` prints the same rows, formula-safe.
    let out = Command::new(BIN)
        .arg("diff")
        .arg(&r.first)
        .arg(&r.second)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = r.root.path().join("printed-diff.csv");
    std::fs::write(&printed, &out.stdout).unwrap();
    assert_formula_safe(&printed);
    let back: Vec<DiffRow> = read(&printed);
    let key = |d: &DiffRow| (d.status.code(), d.link_text.clone(), d.target_url.clone());
    let mut a: Vec<_> = back.iter().map(key).collect();
    let mut b: Vec<_> = rows.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

/// `zwgk-audit report RUN` re-renders report.html from the CSVs: titles, link
/// texts and details are the original text, HTML-escaped; no `'` of the CSV
/// shows.
#[test]
fn report_html_shows_the_original_text_escaped() {
    let r = two_runs();
    let html_path = r.first.join("report.html");
    std::fs::remove_file(&html_path).unwrap();
    let out = Command::new(BIN)
        .arg("report")
        .arg(&r.first)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;统计月报"));
    for text in ["=1+2", "+cmd|", "@SUM(A1)", "-2+3", "=1+2 示例区统计局"] {
        assert!(html.contains(text), "{text}");
    }
    for quoted in [
        "'=1+2",
        "'+cmd|",
        "'@SUM(A1)",
        "'-2+3",
        "'=1+2 示例区统计局",
    ] {
        assert!(!html.contains(quoted), "{quoted}");
    }
    // The text that starts with its own `'` keeps exactly that one.
    assert!(html.contains("&#39;=HYPERLINK") || html.contains("'=HYPERLINK"));
    assert!(!html.contains("''=HYPERLINK") && !html.contains("&#39;&#39;=HYPERLINK"));
    assert!(html.contains("-2+3 关于发布2026年4月统计数据的公告 &lt;b&gt;"));
    // A detail quoting the site: the soft-404 page's own title.
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;页面不存在"));
    assert!(!html.contains(" <b>"));
}

/// A run stopped while it waits for a slow page, then `--resume`d: the
/// finished run's CSVs read back to the same findings as an uninterrupted run.
#[test]
fn a_resumed_run_gives_the_same_original_text() {
    let clean = two_runs().first_findings.clone();
    block_on_thread(move || async move {
        let site = fixture_copy();
        std::fs::write(
            site.path().join(HOST).join("_routes.toml"),
            "[\"/tjsj/slow.html\"]\ndelay_ms = 4000\n",
        )
        .unwrap();
        let server = SiteServer::start_with_today(SiteSource::dir(site.path()), today())
            .await
            .unwrap();
        let root = tempfile::tempdir().unwrap();
        let out_dir = root.path().join("formula/stopped");
        let stop = Arc::new(AtomicBool::new(false));
        let mut o = opts(&server, root.path());
        o.out_dir = Some(out_dir.clone());
        o.stop = Some(stop.clone());
        // Stop once every hostile finding is on disk (the slow page is still pending).
        let findings_csv = out_dir.join("findings.csv");
        let watcher = std::thread::spawn(move || {
            for _ in 0..400 {
                let n = std::fs::read(&findings_csv)
                    .ok()
                    .and_then(|b| read_rows::<FindingRow>(&b).ok())
                    .map_or(0, |v| {
                        v.iter()
                            .filter(|f| f.kind == "broken_link" && !f.link_text.is_empty())
                            .count()
                    });
                if n >= HOSTILE.len() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            stop.store(true, Ordering::Relaxed);
        });
        let stopped = Auditor::new(rules(), o).run().await.expect("stopped run");
        watcher.join().unwrap();
        assert!(stopped.interrupted, "stopped before the slow page answered");

        let mut o = opts(&server, root.path());
        o.out_dir = Some(out_dir.clone());
        o.resume = true;
        let resumed = Auditor::new(rules(), o).run().await.expect("resumed run");
        assert!(!resumed.interrupted);
        assert_eq!(resumed.run_dir, out_dir);
        for name in ["findings.csv", "links.csv", "pages.csv", "columns.csv"] {
            assert_formula_safe(&out_dir.join(name));
        }
        let view = |v: &[FindingRow]| {
            let mut v: Vec<_> = v
                .iter()
                .map(|f| {
                    (
                        f.kind.clone(),
                        f.page_url.clone(),
                        f.target_url.clone(),
                        f.link_text.clone(),
                        f.column.clone(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let back: Vec<FindingRow> = read(&out_dir.join("findings.csv"));
        assert_eq!(view(&back), view(&resumed.findings));
        assert_eq!(view(&back), view(&clean));
        let pages: Vec<PageRow> = read(&out_dir.join("pages.csv"));
        assert!(
            pages
                .iter()
                .any(|p| p.url == format!("{SITE}/tjsj/slow.html") && p.title == "+统计年鉴")
        );
    });
}
