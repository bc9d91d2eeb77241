//! Required columns end to end (issue 4): the fixture bureau site of
//! `tests/fixtures/columns/` (see its README) served on loopback and crawled
//! with its rules; and `zwgk-audit rules check` on good and malformed files.
//!
//! The fixture lists each page's URL in `site.tsv` (`https://ipa.example.gov.cn/…`);
//! the test lays the files out under those paths and serves them over http
//! with the host name mapped to the server, the GBK page with a
//! `charset=gbk` header.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::report::csv::read_rows;
use zwgk_audit::report::html::ColumnRecord;
use zwgk_audit::report::rows::FindingRow;
use zwgk_audit::rules::Rules;

const HOST: &str = "ipa.example.gov.cn";
const BASE: &str = "http://ipa.example.gov.cn";

/// Lays out the fixture as a virtual-hosted site in a temp folder, with
/// `home` (a file of the fixture) as the homepage.
fn layout(home: &str) -> tempfile::TempDir {
    let src = fixture("columns");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(HOST);
    let tsv = std::fs::read_to_string(src.join("site.tsv")).unwrap();
    let mut routes = String::new();
    let mut n = 0;
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let (url, file, charset) = (f[0], f[1], f[2]);
        let path = url::Url::parse(url).unwrap().path().to_string();
        let served = if path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.clone()
        };
        let file = if path == "/" { home } else { file };
        let dest = root.join(served.trim_start_matches('/'));
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(src.join(file), &dest).unwrap();
        if charset != "utf-8" {
            for p in [&path, &served] {
                routes.push_str(&format!(
                    "[\"{p}\"]\nheaders = {{ \"content-type\" = \"text/html; charset={charset}\" }}\n\n"
                ));
            }
        }
        n += 1;
    }
    assert_eq!(n, 18, "site.tsv rows");
    std::fs::write(root.join("_routes.toml"), routes).unwrap();
    dir
}

/// The fixture's rules, over http, with fast crawl settings and no external checks.
fn rules() -> Rules {
    let text = std::fs::read_to_string(fixture("columns").join("rules.toml")).unwrap();
    let text = text.replace("https://ipa.example.gov.cn", BASE);
    let text = format!(
        "{text}\n[crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 0\nbackoff_ms = 50\n\
         check_external = false\nrespect_robots = false\n"
    );
    Rules::from_toml(&text, Path::new("columns.toml")).unwrap()
}

struct ColumnsRun {
    run: Run,
    rows: Vec<ColumnRecord>,
    summary: serde_json::Value,
    _site: tempfile::TempDir,
}

impl ColumnsRun {
    fn column(&self, name: &str) -> Vec<&FindingRow> {
        self.run
            .findings
            .iter()
            .filter(|f| f.column == name)
            .collect()
    }
    fn row(&self, name: &str) -> &ColumnRecord {
        self.rows
            .iter()
            .find(|r| r.column == name)
            .unwrap_or_else(|| panic!("no columns.csv row {name}"))
    }
    fn column_findings(&self) -> Vec<&FindingRow> {
        self.run
            .findings
            .iter()
            .filter(|f| f.kind.starts_with("column_") || f.kind == "item_missing")
            .collect()
    }
}

async fn audit_columns(home: &str) -> ColumnsRun {
    let site = layout(home);
    let server = SiteServer::start_with_today(SiteSource::dir(site.path()), today())
        .await
        .unwrap();
    assert_eq!(server.hosts(), vec![HOST.to_string()]);
    let run = audit(&server, rules(), |_| {}).await;
    let dir = &run.result.run_dir;
    let rows = read_rows(&std::fs::read(dir.join("columns.csv")).unwrap()).unwrap();
    let summary =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    server.shutdown().await;
    ColumnsRun {
        run,
        rows,
        summary,
        _site: site,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn column_findings_where_planted_and_none_on_healthy_columns() {
    let r = audit_columns("home.html").await;
    let portal = format!("{BASE}/zwgk/");

    // 栏目缺失: no portal link, no crawled page matches /sjsgk/.
    let missing = r.column("双随机一公开");
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert_eq!(missing[0].kind, "column_missing");
    assert_eq!(missing[0].severity, "error");
    assert_eq!(missing[0].page_url, portal);
    assert!(
        missing[0].detail.contains("「双随机一公开」") && missing[0].detail.contains("/sjsgk/"),
        "{}",
        missing[0].detail
    );

    // 空白栏目: 暂无信息.
    let empty = r.column("财政预决算");
    assert_eq!(empty.len(), 1, "{empty:#?}");
    assert_eq!(
        (empty[0].kind.as_str(), empty[0].page_url.as_str()),
        ("column_empty", format!("{BASE}/zwgk/czyjs/").as_str())
    );
    assert!(empty[0].detail.contains("暂无信息"), "{}", empty[0].detail);

    // 栏目不更新 with its evidence.
    let plan = r.column("规划计划");
    assert_eq!(plan.len(), 1, "{plan:#?}");
    assert_eq!(plan[0].kind, "column_stale");
    assert_eq!(plan[0].certainty, "confirmed");
    assert_eq!(plan[0].page_url, format!("{BASE}/zwgk/ghjh/"));
    assert_eq!(
        plan[0].detail,
        "newest item 2025-03-02, 449 days old, window 365"
    );

    // Undated items count as not updated (suspected: a person checks the dates).
    let undated = r.column("权责清单");
    assert_eq!(undated.len(), 1, "{undated:#?}");
    assert_eq!(undated[0].kind, "column_stale");
    assert_eq!(undated[0].certainty, "suspected");
    assert!(
        undated[0].detail.starts_with("3 items, none dated"),
        "{}",
        undated[0].detail
    );

    // 内容混杂: a title keyword, a ColumnName of another column, a breadcrumb.
    let mixed = r.column("政策文件");
    assert!(
        mixed
            .iter()
            .all(|f| f.kind == "column_mixed" && f.severity == "warning"),
        "{mixed:#?}"
    );
    let by = |t: &str| {
        mixed
            .iter()
            .find(|f| f.target_url == format!("{BASE}/zwgk/zcwj/{t}"))
            .unwrap_or_else(|| panic!("{t} not reported: {mixed:#?}"))
    };
    assert_eq!(mixed.len(), 3, "{mixed:#?}");
    let keyword = by("202605/t20260506_498.html");
    assert_eq!(
        keyword.detail,
        "「局领导赴临港新片区调研知识产权保护工作」 contains 「调研」 (not_belongs); 专栏姓专"
    );
    assert_eq!(keyword.link_text, "局领导赴临港新片区调研知识产权保护工作");
    assert_eq!(keyword.page_url, format!("{BASE}/zwgk/zcwj/"));
    let meta = by("202605/t20260518_501.html");
    assert!(
        meta.detail.contains("ColumnName is 「新闻动态」"),
        "{}",
        meta.detail
    );
    let crumb = by("202604/t20260401_480.html");
    assert!(
        crumb
            .detail
            .contains("breadcrumb 「首页 > 通知公告 > 正文」"),
        "{}",
        crumb.detail
    );
    // Not mixed: ColumnName 政策文件, and 规范性文件 accepted by belongs.columns.
    for t in ["202605/t20260510_499.html", "202604/t20260420_490.html"] {
        assert!(
            !mixed.iter().any(|f| f.target_url.ends_with(t)),
            "{t}: {mixed:#?}"
        );
    }

    // Healthy: no column finding, status ok.
    for healthy in [
        "首页",
        "规范性文件",
        "通知公告",
        "新闻动态",
        "政府信息公开年报",
        "政府信息公开指南",
    ] {
        assert!(
            r.column(healthy).is_empty(),
            "{healthy}: {:#?}",
            r.column(healthy)
        );
        assert_eq!(r.row(healthy).status, "ok", "{healthy}");
    }
    assert_eq!(r.column_findings().len(), 7, "{:#?}", r.column_findings());
    assert!(r.column_findings().iter().all(|f| !f.column.is_empty()));

    // columns.csv: the homepage first, then the rules' order.
    let names: Vec<&str> = r.rows.iter().map(|x| x.column.as_str()).collect();
    assert_eq!(
        names,
        [
            "首页",
            "政策文件",
            "规范性文件",
            "通知公告",
            "新闻动态",
            "政府信息公开年报",
            "规划计划",
            "财政预决算",
            "权责清单",
            "政府信息公开指南",
            "双随机一公开"
        ]
    );
    let status: BTreeMap<&str, &str> = r
        .rows
        .iter()
        .map(|x| (x.column.as_str(), x.status.as_str()))
        .collect();
    assert_eq!(status["政策文件"], "mixed");
    assert_eq!(status["规划计划"], "stale");
    assert_eq!(status["权责清单"], "stale");
    assert_eq!(status["财政预决算"], "empty");
    assert_eq!(status["双随机一公开"], "missing");
    let m = r.row("双随机一公开");
    assert_eq!((m.found, m.url.as_str()), (false, ""));
    assert_eq!(r.row("首页").newest_date, "2026-05-22");
    assert_eq!(r.row("首页").window_days, 14);
    assert_eq!(r.row("规划计划").newest_date, "2025-03-02");
    assert_eq!(r.row("新闻动态").items, 45, "Hanweb <totalrecord>");
    assert_eq!(r.row("新闻动态").window_days, 14);
    assert_eq!(r.row("政府信息公开指南").window_days, 0);
    assert_eq!(
        r.row("政府信息公开年报").newest_date,
        "2026-01-19",
        "undated row dated by its article's PubDate"
    );

    // summary.json: the veto counters and their thresholds; no column veto here.
    let v = &r.summary["veto_input"];
    assert_eq!(v["homepage_stale"], false);
    assert_eq!(v["stale_dynamic_notice_policy"], 0);
    assert_eq!(v["long_unupdated"], 2);
    assert_eq!(v["blank_columns"], 1);
    let vetoes = r.summary["estimate"]["vetoes"].as_array().unwrap();
    let veto = |id: &str| vetoes.iter().find(|x| x["id"] == id).unwrap();
    assert_eq!(veto("blank_columns")["value"], 1);
    assert_eq!(veto("blank_columns")["threshold"], 5);
    assert_eq!(veto("long_unupdated")["value"], 2);
    assert_eq!(veto("long_unupdated")["threshold"], 10);
    assert_eq!(veto("stale_columns")["threshold"], 5);
    assert_eq!(veto("homepage_stale")["triggered"], false);
    // No column veto; the fixture offers no consultation channel (留言 / 信箱 /
    // 咨询) at all, which is 互动回应差 in a complete run.
    assert!(
        vetoes
            .iter()
            .all(|x| (x["triggered"] == true) == (x["id"] == "reply_overdue")),
        "{vetoes:#?}"
    );
    assert_eq!(r.summary["veto_input"]["reply_channels"]["entries"], 0);
    assert_eq!(r.summary["by_kind"]["column_mixed"], 3);
    assert_eq!(r.summary["by_kind"]["column_stale"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trs_pagination_and_gbk_column_pages() {
    let r = audit_columns("home.html").await;
    // 通知公告 is healthy only when its three TRS pages are merged: 25 items (min
    // 20), and the required 2026年度政务公开工作要点 is on the last page.
    let t = r.row("通知公告");
    assert_eq!(
        (t.items, t.status.as_str(), t.url.as_str()),
        (25, "ok", format!("{BASE}/tzgg/").as_str())
    );
    for p in ["/tzgg/index_1.html", "/tzgg/index_2.html"] {
        assert!(
            r.run.pages.iter().any(|x| x.url == format!("{BASE}{p}")),
            "{p} crawled (derived from createPageHTML)"
        );
    }
    assert!(
        r.column("通知公告").is_empty(),
        "{:#?}",
        r.column("通知公告")
    );
    // The template may count from 0 or 1, so index_3.html is tried too; a URL
    // only derived from a script that fails is not a finding.
    assert!(
        !r.run
            .findings
            .iter()
            .any(|f| f.target_url.contains("/tzgg/index_")),
        "{:#?}",
        r.run.findings
    );

    // 规范性文件: GBK bytes, dates as 2026年05月12日 in table cells.
    let g = r.row("规范性文件");
    assert_eq!(
        (g.items, g.newest_date.as_str(), g.status.as_str()),
        (3, "2026-05-12", "ok")
    );
    let page = r
        .run
        .pages
        .iter()
        .find(|x| x.url == format!("{BASE}/zwgk/gfxwj/"))
        .unwrap();
    assert_eq!(page.title, "规范性文件_示例市知识产权局");
    assert!(page.charset.eq_ignore_ascii_case("gbk"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_homepage_is_a_national_veto() {
    let r = audit_columns("home_stale.html").await;
    let home = r.column("首页");
    assert_eq!(home.len(), 1, "{home:#?}");
    assert_eq!(home[0].kind, "column_stale");
    assert_eq!(home[0].severity, "error");
    assert_eq!(home[0].page_url, format!("{BASE}/"));
    assert!(
        home[0]
            .detail
            .starts_with("newest item 2026-04-02, 53 days old, window 14")
            && home[0].detail.contains("首页不更新"),
        "{}",
        home[0].detail
    );
    assert_eq!(r.row("首页").status, "stale");
    assert_eq!(r.row("首页").newest_date, "2026-04-02");
    assert_eq!(r.summary["veto_input"]["homepage_stale"], true);
    let vetoes = r.summary["estimate"]["vetoes"].as_array().unwrap();
    let hv = vetoes.iter().find(|x| x["id"] == "homepage_stale").unwrap();
    assert_eq!(hv["triggered"], true);
    assert_eq!(r.summary["estimate"]["verdict"], "fail");
    // The rest of the columns are judged as before.
    assert_eq!(r.column_findings().len(), 8, "{:#?}", r.column_findings());
}

// ---------------------------------------------------------------------------
// zwgk-audit rules check

fn rules_check(path: &Path) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zwgk-audit"))
        .args(["rules", "check"])
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn rules_check_accepts_the_shipped_rules() {
    for f in ["rules/sipa.toml", "rules/demo.toml"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(f);
        let (code, out, err) = rules_check(&path);
        assert_eq!(code, Some(0), "{f}: {out}{err}");
        assert!(out.contains("ok"), "{f}: {out}");
    }
}

#[test]
fn rules_check_says_how_each_list_is_read_and_how_to_point_at_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lists.toml");
    std::fs::write(
        &path,
        "[site]\nstart_urls = [\"https://x.gov.cn/\"]\n\n[[columns]]\nname = \"通知公告\"\n\n\
         [[columns]]\nname = \"政策文件\"\nurl_pattern = '/zcwj/'\nlist_selector = \"div.gl li\"\n\
         date_pattern = '(?P<m>\\d{2})/(?P<d>\\d{2})/(?P<y>\\d{4})'\n\
         data_url = \"/api/zcwj?page={page}\"\ndata_form = \"page={page}\"\n",
    )
    .unwrap();
    let (code, out, err) = rules_check(&path);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("lists read by the platform heuristics: 通知公告\n"),
        "{out}"
    );
    assert!(
        out.contains("column 政策文件: rows by list_selector, dates by date_pattern")
            && out.contains(
                "rows from data_url /api/zcwj?page={page} (POST) on pages matching `/zcwj/`"
            ),
        "{out}"
    );
    for key in ["list_selector", "date_pattern", "data_url", "url_pattern"] {
        assert!(
            out.contains("\nhint: ") && out.contains(key),
            "{key}: {out}"
        );
    }
}

#[test]
fn rules_check_rejects_malformed_columns_with_a_located_line() {
    const HEAD: &str = "[site]\nstart_urls = [\"https://x.gov.cn/\"]\n\n";
    let dir = tempfile::tempdir().unwrap();
    // (body after HEAD, line of the mistake, what the message must name)
    let cases: &[(&str, usize, &[&str])] = &[
        (
            "[[columns]]\nname = \"a\"\nurl_pattern = '/a/'\n\n[[columns]]\nname = \"b\"\nurl_pattern = '/b/('\n",
            10,
            &["columns[1].url_pattern", "bad regex", "/b/("],
        ),
        (
            "[[columns]]\nname = \"年报\"\nrequired_items = [{ title = \"{year}年报\", due = \"13-45\" }]\n",
            6,
            &["columns[0].required_items.due", "13-45"],
        ),
        (
            "[[columns]]\nname = \"a\"\nwindow = 3\n",
            6,
            &["unknown field", "window"],
        ),
        (
            "[[columns]]\nname = \"政策文件\"\n\n[[columns]]\nname = \"政策文件\"\n",
            8,
            &["columns[1].name", "duplicate"],
        ),
        (
            "[[columns]]\nname = \"a\"\ntype = \"weekly\"\n",
            6,
            &["columns[0].type", "weekly"],
        ),
    ];
    for (i, (body, line, needles)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(&path, format!("{HEAD}{body}")).unwrap();
        let (code, out, err) = rules_check(&path);
        assert_eq!(code, Some(2), "case {i}: {out}{err}");
        let msg = err.trim_end();
        assert_eq!(msg.lines().count(), 1, "case {i}: one line: {msg}");
        let loc = format!("{}:{line}:", path.display());
        assert!(msg.contains(&loc), "case {i}: `{loc}` not in: {msg}");
        for n in *needles {
            assert!(msg.contains(n), "case {i}: `{n}` not in: {msg}");
        }
    }
}
