//! Bounded under hostile sites (issue 15): every URL at which a cap bit is
//! listed in summary.json and report.html, also in a run stopped early; a
//! deadline (`--max-duration`) stops a run as Ctrl-C does and `--resume`
//! completes it to the same reports; the body budget makes big bodies wait
//! for each other without turning the wait into a timeout.

use crate::common::*;
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use zwgk_audit::crawl::budget::BodyBudget;
use zwgk_audit::crawl::client::ClientOptions;
use zwgk_audit::crawl::fetch::{FetchConfig, FetchError, Fetcher, Method};
use zwgk_audit::crawl::hosts::HostPool;
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::report::rows::{FindingRow, LinkRow, PageRow};

const BIN: &str = env!("CARGO_BIN_EXE_zwgk-audit");

fn html(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>"
    )
}

fn page(title: &str, body: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html(title, body),
    )
        .into_response()
}

/// A site where every cap of the crawl bites: two pages over the size cap
/// and a body that never ends, a calendar and a list of 30 items (pattern
/// cap), a path that grows one folder per page (depth cap), a page of 30
/// links (link cap).
fn capped_site(uri: &Uri) -> Response {
    let path = uri.path();
    let q = uri.query().unwrap_or("");
    match path {
        "/" => page(
            "受限测试站",
            "<a href=\"/big1.html\">大页面一</a> <a href=\"/big2.html\">大页面二</a> \
             <a href=\"/endless.html\">无尽页面</a> <a href=\"/cal?day=100\">日历</a> \
             <a href=\"/deep/\">深层目录</a> <a href=\"/many.html\">条目列表</a>",
        ),
        "/big1.html" | "/big2.html" => {
            let filler = "<p>政府信息公开 填充内容</p>\n".repeat(10_000);
            page("大页面", &filler)
        }
        "/endless.html" => {
            let head = html("无尽页面", "").replace("</body></html>", "");
            let chunk = bytes::Bytes::from("<p>永不结束的页面内容</p>\n".repeat(200));
            let stream =
                futures::stream::once(async move { Ok::<_, Infallible>(bytes::Bytes::from(head)) })
                    .chain(futures::stream::repeat_with(move || Ok(chunk.clone())));
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                axum::body::Body::from_stream(stream),
            )
                .into_response()
        }
        "/cal" => {
            let day: i64 = q
                .strip_prefix("day=")
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            let links: String = [day - 1, day + 1, day + 2, day + 3]
                .iter()
                .map(|d| format!("<a href=\"/cal?day={d}\">第{d}天</a> "))
                .collect();
            page(&format!("日历 {day}"), &links)
        }
        "/many.html" => {
            let links: String = (1..=30)
                .map(|i| format!("<li><a href=\"/item?id={i}\">第{i}条</a></li>"))
                .collect();
            page("条目列表", &format!("<ul>{links}</ul>"))
        }
        "/item" => page("条目", "<p>条目正文</p>"),
        p if p.starts_with("/deep/") => page("深层", "<a href=\"more/\">更深</a>"),
        _ => (axum::http::StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

use futures::StreamExt as _;

async fn serve_fn(f: fn(&Uri) -> Response) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new().fallback(move |uri: Uri| async move { f(&uri) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

const CAPPED_RULES: &str = r#"
[crawl]
host_interval_ms = 0
timeout_secs = 5
retries = 0
respect_robots = false
max_page_bytes = 100000
max_urls_per_pattern = 5
max_depth = 4
max_links_per_page = 20
"#;

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).expect("summary.json"))
        .expect("summary.json parses")
}

/// The URLs summary.json lists for `cap` (and `pattern`, for the pattern cap).
fn listed(s: &serde_json::Value, cap: &str, pattern: Option<&str>) -> BTreeSet<String> {
    let caps = s["capped"].as_array().expect("caps");
    let groups: Vec<&serde_json::Value> = caps
        .iter()
        .filter(|c| c["cap"] == cap && pattern.is_none_or(|p| c["pattern"] == p))
        .collect();
    assert_eq!(
        groups.len(),
        1,
        "one group for {cap} {pattern:?}: {caps:#?}"
    );
    let g = groups[0];
    let urls: BTreeSet<String> = g["urls"]
        .as_array()
        .expect("urls")
        .iter()
        .map(|u| u["url"].as_str().expect("url").to_string())
        .collect();
    assert_eq!(g["count"].as_u64(), Some(urls.len() as u64), "{g:#}");
    assert_eq!(g["not_listed"].as_u64(), Some(0));
    urls
}

/// Audits a [`serve_fn`] site (on 127.0.0.1, no virtual hosts) with the
/// rules `toml`, within `secs` (a hang guard).
async fn audit_fn_site(toml: &str, secs: u64) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let rules = zwgk_audit::rules::Rules::from_toml(toml, Path::new("site.toml")).unwrap();
    let mut opts = zwgk_audit::audit::AuditOptions::new(today());
    opts.reports_root = dir.path().to_path_buf();
    opts.out_dir = Some(dir.path().join("run"));
    opts.progress = zwgk_audit::crawl::Progress::Quiet;
    opts.stop = Some(Arc::new(std::sync::atomic::AtomicBool::new(false)));
    opts.fallback_resolver = Some(Arc::new(FailingResolver::default()));
    tokio::time::timeout(Duration::from_secs(secs), audit_with(rules, opts, dir))
        .await
        .expect("the crawl ends (hang guard)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_url_at_which_a_cap_bit_is_listed_in_the_summary_and_the_report() {
    let (addr, task) = serve_fn(capped_site).await;
    let base = format!("http://{addr}");
    let run = audit_fn_site(
        &format!("[site]\nname = \"受限测试站\"\nid = \"capped\"\nstart_urls = [\"{base}/\"]\n{CAPPED_RULES}"),
        60,
    )
    .await;
    task.abort();
    let run_dir = &run.result.run_dir;
    let s = summary(run_dir);
    let u = |p: &str| format!("{base}{p}");

    // Page size: the two big pages (their Content-Length said) and the endless body.
    assert_eq!(
        listed(&s, "page_size", None),
        BTreeSet::from([u("/big1.html"), u("/big2.html"), u("/endless.html")])
    );
    let size = s["capped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cap"] == "page_size")
        .unwrap();
    for entry in size["urls"].as_array().unwrap() {
        let note = entry["note"].as_str().unwrap();
        if entry["url"].as_str().unwrap().ends_with("/endless.html") {
            assert_eq!(note, "no Content-Length: a body that may never end");
        } else {
            assert!(note.starts_with("Content-Length "), "{note}");
        }
    }
    // Links per page: the list of 30.
    assert_eq!(listed(&s, "links", None), BTreeSet::from([u("/many.html")]));
    // Pattern cap: exactly the URLs skipped in links.csv, per pattern.
    let skipped = |prefix: &str| -> BTreeSet<String> {
        run.links
            .iter()
            .filter(|l| l.status == "skipped" && l.target_url.starts_with(&u(prefix)))
            .map(|l| l.target_url.clone())
            .collect()
    };
    let cal = skipped("/cal?");
    let items = skipped("/item?");
    assert!(!cal.is_empty() && items.len() == 15, "{cal:?} {items:?}");
    assert_eq!(listed(&s, "pattern", Some("127.0.0.1/cal?day")), cal);
    assert_eq!(listed(&s, "pattern", Some("127.0.0.1/item?id")), items);
    // Depth: the first folder deeper than max_depth (4), checked not crawled.
    assert_eq!(
        listed(&s, "depth", None),
        BTreeSet::from([u("/deep/more/more/more/more/")])
    );
    assert!(
        !run.pages
            .iter()
            .any(|p| p.url.ends_with("/deep/more/more/more/more/")),
        "not crawled"
    );
    // Nothing else bit, and the summary lines say the same.
    assert_eq!(
        s["capped"].as_array().unwrap().len(),
        5,
        "{:#}",
        s["capped"]
    );
    assert_eq!(run.result.caps.len(), 5, "{:#?}", run.result.caps);

    // report.html lists every one of them.
    let report = std::fs::read_to_string(run_dir.join("report.html")).unwrap();
    assert!(report.contains("id=\"caps\""));
    for cap in s["capped"].as_array().unwrap() {
        for entry in cap["urls"].as_array().unwrap() {
            let url = entry["url"].as_str().unwrap();
            assert!(
                report.contains(&format!("href=\"{url}\"")),
                "{url} in report.html"
            );
        }
    }
}

/// The slow site of the deadline test: a page cut by the size cap, then
/// `n` pages answering after `delay_ms` (every third links a missing file).
fn slow_site(dir: &Path, n: usize, delay_ms: u64) {
    let mut list = String::from("<ul>");
    let mut routes = String::from("[\"/big.html\"]\nbytes = 300000\n\n");
    for i in 1..=n {
        list.push_str(&format!("<li><a href=\"/slow/p{i}.html\">第{i}篇</a></li>"));
        let broken = if i % 3 == 0 {
            format!("<a href=\"/slow/missing-{i}.pdf\">附件{i}</a>")
        } else {
            String::new()
        };
        std::fs::create_dir_all(dir.join("slow")).unwrap();
        std::fs::write(
            dir.join(format!("slow/p{i}.html")),
            html(
                &format!("第{i}篇"),
                &format!("<p>正文{i}</p><a href=\"/\">首页</a> {broken}"),
            ),
        )
        .unwrap();
        routes.push_str(&format!("[\"/slow/p{i}.html\"]\ndelay_ms = {delay_ms}\n\n"));
    }
    list.push_str("</ul>");
    std::fs::write(
        dir.join("index.html"),
        html(
            "慢速站点",
            &format!("<a href=\"/big.html\">大页面</a> {list}"),
        ),
    )
    .unwrap();
    std::fs::write(dir.join("_routes.toml"), routes).unwrap();
}

fn read<T: serde::de::DeserializeOwned + zwgk_audit::report::rows::Row>(path: &Path) -> Vec<T> {
    zwgk_audit::report::csv::read_rows(&std::fs::read(path).expect("report file"))
        .expect("CSV parses")
}

/// What a run folder holds, comparable between runs.
#[derive(Debug, PartialEq)]
struct Reports {
    findings: BTreeSet<(String, String, String, String)>,
    links: BTreeSet<(String, String, String)>,
    pages: BTreeSet<(String, Option<u16>, u32, u64)>,
    caps: serde_json::Value,
    counts: (u64, u64, u64),
}

fn reports(dir: &Path) -> Reports {
    let findings: Vec<FindingRow> = read(&dir.join("findings.csv"));
    let links: Vec<LinkRow> = read(&dir.join("links.csv"));
    let pages: Vec<PageRow> = read(&dir.join("pages.csv"));
    let s = summary(dir);
    Reports {
        findings: findings
            .into_iter()
            .map(|f| (f.kind, f.page_url, f.target_url, f.detail))
            .collect(),
        links: links
            .into_iter()
            .map(|l| (l.page_url, l.target_url, l.status))
            .collect(),
        pages: pages
            .into_iter()
            .map(|p| (p.url, p.http_status, p.depth, p.bytes))
            .collect(),
        caps: s["capped"].clone(),
        counts: (
            s["pages"].as_u64().unwrap(),
            s["links"].as_u64().unwrap(),
            s["checked_urls"].as_u64().unwrap(),
        ),
    }
}

fn crawl_cmd(rules: &Path, reports: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("crawl")
        .arg("--rules")
        .arg(rules)
        .arg("--reports")
        .arg(reports)
        .arg("--today")
        .arg("2026-05-25")
        .arg("--quiet")
        .env("RUST_LOG", "zwgk_audit=warn")
        .stdin(Stdio::null());
    c
}

fn only_run(reports: &Path) -> PathBuf {
    let runs: Vec<PathBuf> = std::fs::read_dir(reports.join("slow"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs.into_iter().next().unwrap()
}

#[test]
fn a_deadline_stops_the_run_as_ctrl_c_does_and_resume_completes_it() {
    const PAGES: usize = 12;
    let site = tempfile::tempdir().unwrap();
    // 12 pages of 1 s, two at a time: at least 6 s of crawling.
    slow_site(site.path(), PAGES, 1000);
    let server = SiteServer::start_in_thread(SiteSource::dir(site.path()), Some(today())).unwrap();
    let rules = site.path().join("slow.toml");
    std::fs::write(
        &rules,
        format!(
            "[site]\nname = \"慢速站点\"\nid = \"slow\"\nstart_urls = [\"{}\"]\n\
             [crawl]\nmax_concurrency = 2\nhost_concurrency = 2\nhost_interval_ms = 0\n\
             respect_robots = false\nmax_page_bytes = 100000\n",
            server.url("/")
        ),
    )
    .unwrap();

    // An uninterrupted run, for comparison.
    let clean = tempfile::tempdir().unwrap();
    let out = crawl_cmd(&rules, clean.path()).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = reports(&only_run(clean.path()));
    assert_eq!(want.counts.0, 2 + PAGES as u64);
    let broken = want
        .findings
        .iter()
        .filter(|f| f.0 == "broken_link")
        .count();
    assert_eq!(broken, PAGES / 3, "{:#?}", want.findings);

    // A deadline of 3 s: stopped mid-crawl, reports written, resumable.
    let reports_dir = tempfile::tempdir().unwrap();
    let out = crawl_cmd(&rules, reports_dir.path())
        .args(["--max-duration", "3s"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "stopped at the deadline (--max-duration, crawl.max_duration_secs); resume with"
        ),
        "{err}"
    );
    let dir = only_run(reports_dir.path());
    let s = summary(&dir);
    assert_eq!(s["complete"], false);
    assert_eq!(s["stopped"]["reason"], "deadline");
    // The verdict's scope names the deadline among what limited the run.
    let scope = s["scope"]["statement_zh"].as_str().unwrap();
    assert!(scope.contains("运行时限"), "{scope}");
    let left = s["stopped"]["urls_left"].as_u64().unwrap();
    assert!(left > 0, "{s:#}");
    assert!(
        err.contains(&format!("({left} URL(s) not checked; reports so far in")),
        "{err}"
    );
    let pages: Vec<PageRow> = read(&dir.join("pages.csv"));
    assert!(
        pages.len() < want.pages.len(),
        "stopped mid-crawl: {pages:?}"
    );
    // The cap that bit before the deadline is listed in the stopped run.
    assert_eq!(
        listed(&s, "page_size", None),
        BTreeSet::from([server.url("/big.html")])
    );
    let report = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        report.contains("id=\"stopped\"") && report.contains(&format!("尚有 {left} 个地址未检查"))
    );
    assert!(dir.join("journal.jsonl").is_file(), "kept for --resume");

    // --resume (without a deadline) completes it to the clean run's reports.
    let out = crawl_cmd(&rules, reports_dir.path())
        .arg("--resume")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(only_run(reports_dir.path()), dir, "same run folder");
    let got = reports(&dir);
    assert_eq!(summary(&dir)["complete"], true);
    assert!(summary(&dir).get("stopped").is_none());
    assert_eq!(got, want);
}

#[test]
fn a_deadline_in_the_rules_file_is_read_and_checked() {
    let base =
        "[site]\nname = \"测试\"\nid = \"t\"\nstart_urls = [\"http://www.a.gov.cn/\"]\n[crawl]\n";
    let r = zwgk_audit::rules::Rules::from_toml(
        &format!("{base}max_duration_secs = 7200\n"),
        Path::new("t.toml"),
    )
    .unwrap();
    assert_eq!(r.crawl.max_duration_secs, Some(7200));
    let e = zwgk_audit::rules::Rules::from_toml(
        &format!("{base}max_duration_secs = 0\n"),
        Path::new("t.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("crawl.max_duration_secs") && e.contains("at least 1"),
        "{e}"
    );
}

/// A fetcher of one request at a time over `budget`, with a 2 s timeout.
fn fetcher(budget: BodyBudget) -> Fetcher {
    let clients = zwgk_audit::crawl::client::build(&ClientOptions {
        user_agent: "zwgk-audit test".into(),
        connect_timeout: Duration::from_secs(2),
        ca_certs: Vec::new(),
        resolve: Vec::new(),
        allow_private: vec!["127.0.0.1".into()],
        fallback_resolver: Some(Arc::new(FailingResolver::default())),
        pool_per_host: 4,
        proxy: Default::default(),
    })
    .unwrap();
    Fetcher::new(
        clients,
        Arc::new(HostPool::new(4, Duration::ZERO)),
        FetchConfig {
            timeout: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(2),
            retries: 0,
            backoff: Duration::from_millis(10),
            max_backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(1),
            max_redirects: 5,
            allow_private: vec!["127.0.0.1".into()],
            budget,
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_waiting_for_the_budget_is_not_timed_out() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("_routes.toml"),
        "[\"/big.html\"]\nbytes = 1048576\n",
    )
    .unwrap();
    std::fs::write(site.path().join("index.html"), html("首页", "")).unwrap();
    let server = SiteServer::start(SiteSource::dir(site.path()))
        .await
        .unwrap();
    let cap = 1024 * 1024;
    let budget = BodyBudget::new(1, cap, 1);
    let f = Arc::new(fetcher(budget.clone()));
    let url = url::Url::parse(&server.url("/big.html")).unwrap();

    // Another page's body holds the whole budget for 3 s (more than the timeout).
    let hog = budget.reserve(budget.bytes()).await;
    let (f2, u2) = (f.clone(), url.clone());
    let fetch = tokio::spawn(async move { f2.fetch(&u2, Method::Get, cap).await });
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(!fetch.is_finished(), "the body waits for the budget");
    drop(hog);
    let resp = fetch
        .await
        .unwrap()
        .expect("no timeout: the wait is not the server's");
    assert_eq!(
        (resp.status, resp.body.len(), resp.truncated),
        (200, cap, false)
    );
    // The body holds its bytes until it is dropped.
    assert!(budget.available() <= budget.bytes() - cap);
    drop(resp);
    assert_eq!(budget.available(), budget.bytes());

    // A server that really is too slow still times out.
    std::fs::write(
        site.path().join("_routes.toml"),
        "[\"/slow.html\"]\ndelay_ms = 3000\nbody = \"late\"\n",
    )
    .unwrap();
    let server = SiteServer::start(SiteSource::dir(site.path()))
        .await
        .unwrap();
    let slow = url::Url::parse(&server.url("/slow.html")).unwrap();
    assert_eq!(
        f.fetch(&slow, Method::Get, cap).await.unwrap_err(),
        FetchError::Timeout(2)
    );
}

/// A site where each fixed extraction limit bites once, each beside a
/// look-alike exactly at the limit: 50,001 ids (and a fragment link past
/// the 50,000th), a pagination script of 1,001 pages, a Hanweb datastore of
/// 5,001 records, a stylesheet of 10,001 `url()`s.
fn limits_site(dir: &Path) {
    use zwgk_audit::extract::{
        css::MAX_CSS_URLS, html::MAX_ANCHORS, js::MAX_PAGES, js::MAX_RECORDS,
    };
    let w = |name: &str, text: String| std::fs::write(dir.join(name), text).unwrap();
    let ids = |n: usize| -> String { (1..=n).map(|i| format!("<i id=\"m{i}\"></i>")).collect() };
    let records = |n: usize| -> String {
        let recs: String = (1..=n)
            .map(|i| {
                format!("<record><![CDATA[<li><a href=\"/wz.html\">信息{i}</a></li>]]></record>\n")
            })
            .collect();
        format!(
            "<script type=\"text/xml\"><datastore><recordset>{recs}</recordset><totalrecord>{n}</totalrecord></datastore></script>"
        )
    };
    let pages = |n: u32| format!("<script>createPageHTML({n}, 0, \"index\", \"html\");</script>");
    let css = |n: usize| -> String {
        (0..n)
            .map(|i| format!(".c{i}{{background:url(/tp.png)}}\n"))
            .collect()
    };
    w(
        "index.html",
        html(
            "极限测试站",
            "<a href=\"/anchors.html#m50001\">锚点超限</a> <a href=\"/anchors_exact.html#m50000\">锚点恰好</a> \
             <a href=\"/anchors_exact.html#wu\">不存在的锚点</a> \
             <a href=\"/lb/pages.html\">分页超限</a> <a href=\"/lb/pages_exact.html\">分页恰好</a> \
             <a href=\"/records.html\">记录超限</a> <a href=\"/records_exact.html\">记录恰好</a> \
             <a href=\"/ys.html\">样式</a>",
        ),
    );
    w("anchors.html", html("锚点超限", &ids(MAX_ANCHORS + 1)));
    w("anchors_exact.html", html("锚点恰好", &ids(MAX_ANCHORS)));
    w("lb/pages.html", html("分页超限", &pages(MAX_PAGES + 1)));
    w("lb/pages_exact.html", html("分页恰好", &pages(MAX_PAGES)));
    w("records.html", html("记录超限", &records(MAX_RECORDS + 1)));
    w(
        "records_exact.html",
        html("记录恰好", &records(MAX_RECORDS)),
    );
    w("wz.html", html("文章", "<p>正文</p>"));
    w("tp.png", String::from("png"));
    w(
        "ys.html",
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>样式</title>\
         <link rel=\"stylesheet\" href=\"/over.css\"><link rel=\"stylesheet\" href=\"/exact.css\"></head><body></body></html>"
            .to_string(),
    );
    w("over.css", css(MAX_CSS_URLS + 1));
    w("exact.css", css(MAX_CSS_URLS));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixed_extraction_limit_that_bites_lists_its_url_in_the_summary() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("lb")).unwrap();
    limits_site(site.path());
    let server = SiteServer::start_with_today(SiteSource::dir(site.path()), today())
        .await
        .unwrap();
    // The derived pages of the pagination scripts are not fetched (2,000 404s).
    let rules = rules_for(
        &server,
        "ignore = ['/lb/index_\\d+\\.html']\n[crawl]\nhost_interval_ms = 0\nrespect_robots = false\n",
    );
    let run = audit(&server, rules, |_| {}).await;
    let s = summary(&run.result.run_dir);
    let u = |p: &str| server.url(p);
    assert_eq!(
        listed(&s, "anchors", None),
        BTreeSet::from([u("/anchors.html")])
    );
    assert_eq!(
        listed(&s, "pagination_pages", None),
        BTreeSet::from([u("/lb/pages.html")])
    );
    assert_eq!(
        listed(&s, "hanweb_records", None),
        BTreeSet::from([u("/records.html")])
    );
    assert_eq!(
        listed(&s, "css_urls", None),
        BTreeSet::from([u("/over.css")])
    );
    // Nothing else bit: the pages exactly at each limit are not listed.
    let caps: BTreeSet<&str> = s["capped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cap"].as_str().unwrap())
        .collect();
    assert_eq!(
        caps,
        BTreeSet::from(["anchors", "css_urls", "hanweb_records", "pagination_pages"]),
        "{:#}",
        s["capped"]
    );
    // Past the anchor cap a fragment cannot be said missing; at the cap it can.
    let missing: Vec<&str> = run
        .of_kind("missing_anchor")
        .iter()
        .map(|f| f.target_url.as_str())
        .collect();
    assert_eq!(
        missing,
        vec![u("/anchors_exact.html#wu").as_str()],
        "{missing:?}"
    );
    // The derived pages stop at the cap: index_1 … index_1000 of both
    // scripts (1,001 pages would need index_1001 too).
    let derived = |page: &str| {
        run.links
            .iter()
            .filter(|l| l.page_url == u(page) && l.target_url.contains("/lb/index_"))
            .count()
    };
    assert_eq!(
        (derived("/lb/pages.html"), derived("/lb/pages_exact.html")),
        (1000, 1000)
    );
}

/// Bytes of each chunked page of [`chunked_site`].
const CHUNKED_PAGE: usize = 300 * 1024;

/// A site of twelve pages of 300 KiB, each sent in 16 KiB chunks without a
/// Content-Length (as a CMS that streams its pages does).
fn chunked_site(uri: &Uri) -> Response {
    match uri.path() {
        "/" => page(
            "分块站点",
            &(1..=12)
                .map(|i| format!("<a href=\"/p{i}.html\">第{i}页</a> "))
                .collect::<String>(),
        ),
        p if p.starts_with("/p") => {
            let head = html("分块页面", "").replace("</body></html>", "");
            let line = "<p>政府信息公开 分块传输的页面内容</p>\n";
            let filler = line.repeat((CHUNKED_PAGE - head.len() - 14) / line.len());
            let tail = " ".repeat(CHUNKED_PAGE - head.len() - 14 - filler.len());
            let body = format!("{head}{filler}{tail}</body></html>").into_bytes();
            assert_eq!(body.len(), CHUNKED_PAGE);
            let chunks: Vec<Result<bytes::Bytes, Infallible>> = body
                .chunks(16 * 1024)
                .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
                .collect();
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                axum::body::Body::from_stream(futures::stream::iter(chunks)),
            )
                .into_response()
        }
        _ => (axum::http::StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_chunked_bodies_are_held_at_once_without_reserving_the_page_cap_each() {
    let (addr, task) = serve_fn(chunked_site).await;
    let cap = 2 * 1024 * 1024;
    // 8 MiB for six bodies whose page cap is 2 MiB each (12 MiB).
    let budget = BodyBudget::new(8 * 1024 * 1024, cap, 4);
    let f = Arc::new(fetcher(budget.clone()));
    // One body alone: its reservation grows with its buffer (to at most
    // twice its 300 KiB), never to the page cap.
    let one = url::Url::parse(&format!("http://{addr}/p1.html")).unwrap();
    let r = f.fetch(&one, Method::Get, cap).await.unwrap();
    assert_eq!(r.body.len(), CHUNKED_PAGE);
    assert!(
        budget.peak() < 2 * CHUNKED_PAGE,
        "peak {} for one {CHUNKED_PAGE}-byte chunked body",
        budget.peak()
    );
    drop(r);
    let fetches: Vec<_> = (1..=6)
        .map(|i| {
            let f = f.clone();
            let url = url::Url::parse(&format!("http://{addr}/p{i}.html")).unwrap();
            tokio::spawn(async move { f.fetch(&url, Method::Get, cap).await })
        })
        .collect();
    // Every body is kept (as pages being parsed are): a scheme that
    // reserved the page cap past 256 KiB would hold the fourth for ever.
    let all = tokio::time::timeout(Duration::from_secs(30), futures::future::join_all(fetches))
        .await
        .expect("six 300 KiB bodies fit in the budget at once (hang guard)");
    task.abort();
    let resps: Vec<_> = all.into_iter().map(|r| r.unwrap().unwrap()).collect();
    let mut held = 0;
    for r in &resps {
        assert_eq!(
            (r.status, r.body.len(), r.truncated),
            (200, CHUNKED_PAGE, false)
        );
        assert!(
            r.body.capacity() <= r.budget.bytes(),
            "the buffer stays in its reservation"
        );
        assert!(r.budget.bytes() < cap);
        held += r.budget.bytes();
    }
    assert_eq!(held + budget.available(), budget.bytes());
    assert!(
        budget.peak() < 6 * 2 * CHUNKED_PAGE,
        "peak {}",
        budget.peak()
    );
    drop(resps);
    assert_eq!(budget.available(), budget.bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_of_chunked_pages_under_a_small_budget_drops_no_page() {
    let (addr, task) = serve_fn(chunked_site).await;
    let base = format!("http://{addr}");
    // The budget is raised to 2 MiB + 4 × 256 KiB = 3 MiB, against 12 pages
    // × 2 MiB of page cap.
    let run = audit_fn_site(
        &format!(
            "[site]\nname = \"分块站点\"\nid = \"chunked\"\nstart_urls = [\"{base}/\"]\n\
             [crawl]\nhost_interval_ms = 0\nrespect_robots = false\nmax_concurrency = 4\n\
             host_concurrency = 4\nmax_page_bytes = 2097152\nbody_budget_bytes = 1\n"
        ),
        120,
    )
    .await;
    task.abort();
    let pages: BTreeSet<(String, Option<u16>, u64)> = run
        .pages
        .iter()
        .filter(|p| p.url.contains("/p"))
        .map(|p| (p.url.clone(), p.http_status, p.bytes))
        .collect();
    let want: BTreeSet<_> = (1..=12)
        .map(|i| (format!("{base}/p{i}.html"), Some(200), CHUNKED_PAGE as u64))
        .collect();
    assert_eq!(pages, want);
    assert!(
        run.findings.iter().all(|f| f.kind != "broken_link"),
        "{:#?}",
        run.findings
    );
}

/// Non-list data calls (a visit counter) in a column page's script.
fn counter_calls(n: usize) -> String {
    (0..n)
        .map(|i| format!("$.post('/visit/hit{i}.do', {{}});\n"))
        .collect()
}

/// A JSON list endpoint's answer: two dated records per page, `pages` pages.
fn feed_answer(column: &str, page: u32, pages: u32) -> Response {
    feed_answer_of(column, page, pages, 2)
}

/// A JSON list endpoint's answer of `n` records.
fn feed_answer_of(column: &str, page: u32, pages: u32, n: usize) -> Response {
    let records: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "{{\"docTitle\": \"关于印发第{page}批第{i}号文件的通知\", \"docPubUrl\": \"/{column}/art_{page}_{i}.html\", \"docRelTime\": \"2026/05/20\"}}"
            )
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/json")],
        format!(
            "{{\"result\": {{\"records\": [{}], \"totalPage\": {pages}, \"current\": {page}}}}}",
            records.join(", ")
        ),
    )
        .into_response()
}

/// A column page whose list a script loads from `/api/{column}.json`,
/// after `counters` non-list calls.
fn feed_column(name: &str, column: &str, counters: usize) -> Response {
    page(
        &format!("{name} - 接口测试局"),
        &format!(
            "<div class=\"dqwz\">当前位置：<a href=\"/\">首页</a> &gt; {name}</div>\
             <ul id=\"list\" class=\"list\"></ul><script>{}$.getJSON('/api/{column}.json', {{ page: 1 }}, function (d) {{ show(d.result.records); }});</script>",
            counter_calls(counters)
        ),
    )
}

/// Columns whose lists scripts load: 政策文件 pages past the list feed cap,
/// 通知公告 exactly at it; 工作动态's list call comes after 20 other data
/// calls (past the script call cap), 统计信息's after 19 (at it);
/// 人事信息's script calls three list endpoints (one past the endpoint cap);
/// 法定主动公开内容's one answer holds more rows than are read from one
/// answer; 规划计划's five answers more items than a page's feeds add.
/// Two stylesheets: one past the stylesheet body cap, one small.
fn feed_site(uri: &Uri) -> Response {
    use zwgk_audit::check::columns::list::MAX_ITEMS as ANSWER_ROWS;
    use zwgk_audit::extract::js::calls::MAX_CALLS;
    let (max_requests, max_feed_items) = feed_caps();
    let max_requests = u32::try_from(max_requests).expect("a small cap");
    let path = uri.path();
    let q = uri.query().unwrap_or("");
    let page_no: u32 = q
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    match path {
        "/" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>接口测试局</title>\
             <link rel=\"stylesheet\" href=\"/css/big.css\"><link rel=\"stylesheet\" href=\"/css/small.css\"></head>\
             <body><a href=\"/zwgk/\">政务公开</a></body></html>",
        )
            .into_response(),
        "/zwgk/" => page(
            "政务公开 - 接口测试局",
            "<ul><li><a href=\"/zcwj/\">政策文件</a></li><li><a href=\"/tzgg/\">通知公告</a></li>\
             <li><a href=\"/gzdt/\">工作动态</a></li><li><a href=\"/tjxx/\">统计信息</a></li>\
             <li><a href=\"/rsxx/\">人事信息</a></li><li><a href=\"/xxgk/\">法定主动公开内容</a></li>\
             <li><a href=\"/ndbg/\">规划计划</a></li></ul>",
        ),
        "/zcwj/" => feed_column("政策文件", "zcwj", 0),
        "/tzgg/" => feed_column("通知公告", "tzgg", 0),
        "/gzdt/" => feed_column("工作动态", "gzdt", MAX_CALLS),
        "/tjxx/" => feed_column("统计信息", "tjxx", MAX_CALLS - 1),
        "/api/zcwj.json" => feed_answer("zcwj", page_no, max_requests + 10),
        "/api/tzgg.json" => feed_answer("tzgg", page_no, max_requests),
        "/api/gzdt.json" | "/api/tjxx.json" | "/api/rsxx.json" => {
            feed_answer(&path[5..9], page_no, 1)
        }
        "/rsxx/" => page(
            "人事信息 - 接口测试局",
            "<ul id=\"list\" class=\"list\"></ul><script>\
             $.getJSON('/api/rsxx.json', { page: 1 }, function (d) { show(d.result.records); });\
             $.getJSON('/api/rsxx/rm.json', { page: 1 }, function (d) { show(d.result.records); });\
             $.getJSON('/api/rsxx/zp.json', { page: 1 }, function (d) { show(d.result.records); });</script>",
        ),
        "/api/rsxx/rm.json" => feed_answer("rsxx/rm", page_no, 1),
        "/xxgk/" => feed_column("法定主动公开内容", "xxgk", 0),
        "/api/xxgk.json" => feed_answer_of("xxgk", page_no, 1, ANSWER_ROWS + 1),
        "/ndbg/" => feed_column("规划计划", "ndbg", 0),
        "/api/ndbg.json" => feed_answer_of("ndbg", page_no, 5, max_feed_items / 4 - 50),
        "/api/rsxx/zp.json" => feed_answer("rsxx/zp", page_no, 1),
        "/css/big.css" => {
            let body = ".zw{color:#333}\n".repeat(zwgk_audit::crawl::task::CSS_BODY_CAP / 16 + 100);
            ([(header::CONTENT_TYPE, "text/css")], body).into_response()
        }
        "/css/small.css" => ([(header::CONTENT_TYPE, "text/css")], ".zw{color:#333}\n").into_response(),
        p if p.contains("/art_") => page("文件", "<p>发布日期：2026-05-20</p><p>正文内容</p>"),
        p if p.starts_with("/visit/") => ([(header::CONTENT_TYPE, "application/json")], "{}").into_response(),
        _ => (axum::http::StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// The default list feed caps (`crawl.max_feed_requests`, `crawl.max_feed_items`).
fn feed_caps() -> (usize, usize) {
    let c = zwgk_audit::rules::CrawlSection::default();
    (c.max_feed_requests, c.max_feed_items)
}

/// The feed caps are the site's to raise: with room for them, the lists the
/// defaults cut are read whole and no longer listed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raised_list_feed_caps_read_the_long_lists_whole() {
    use zwgk_audit::report::csv::read_rows;
    use zwgk_audit::report::html::ColumnRecord as ColumnRow;
    let (max_requests, max_items) = feed_caps();
    let (addr, task) = serve_fn(feed_site).await;
    let base = format!("http://{addr}");
    let run = audit_fn_site(
        &format!(
            "[site]\nname = \"接口测试局\"\nid = \"feeds2\"\nstart_urls = [\"{base}/\"]\n\
             [crawl]\nhost_interval_ms = 0\ntimeout_secs = 10\nretries = 0\nrespect_robots = false\n\
             max_feed_requests = {}\nmax_feed_items = {}\n\
             [portal]\nurls = [\"{base}/zwgk/\"]\n\
             [[columns]]\nname = '政策文件'\ntype = 'policy'\n\
             [[columns]]\nname = '规划计划'\ntype = 'other'\n",
            max_requests + 20,
            max_items * 2
        ),
        120,
    )
    .await;
    task.abort();
    let s = summary(&run.result.run_dir);
    let u = |p: &str| format!("{base}{p}");
    let feed = listed(&s, "list_feed", None);
    assert!(!feed.contains(&u("/zcwj/")), "{feed:?}");
    assert!(!feed.contains(&u("/ndbg/")), "{feed:?}");
    let rows: Vec<ColumnRow> =
        read_rows(&std::fs::read(run.result.run_dir.join("columns.csv")).unwrap()).unwrap();
    let zcwj = rows.iter().find(|r| r.column == "政策文件").unwrap();
    // 50 answers of two items: more than the default 40 requests read.
    assert_eq!(zcwj.items, 2 * (max_requests + 10), "{zcwj:?}");
    assert!(!zcwj.note.contains("incomplete"), "{zcwj:?}");
    let ndbg = rows.iter().find(|r| r.column == "规划计划").unwrap();
    assert!(ndbg.items > max_items, "{ndbg:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_feed_script_call_and_stylesheet_caps_list_their_urls() {
    const REPORT: &str = "required_items = [{ title = \"{year}年政府信息公开工作年度报告\", due = \"01-31\", year = \"previous\" }]\n";
    use zwgk_audit::report::csv::read_rows;
    use zwgk_audit::report::html::ColumnRecord as ColumnRow;
    let (addr, task) = serve_fn(feed_site).await;
    let base = format!("http://{addr}");
    let run = audit_fn_site(
        &format!(
            "[site]\nname = \"接口测试局\"\nid = \"feeds\"\nstart_urls = [\"{base}/\"]\n\
             [crawl]\nhost_interval_ms = 0\ntimeout_secs = 10\nretries = 0\nrespect_robots = false\n\
             [portal]\nurls = [\"{base}/zwgk/\"]\n\
             [[columns]]\nname = '政策文件'\ntype = 'policy'\n{REPORT}\
             [[columns]]\nname = '通知公告'\ntype = 'notice'\n{REPORT}\
             [[columns]]\nname = '工作动态'\ntype = 'dynamic'\n\
             [[columns]]\nname = '统计信息'\ntype = 'other'\n\
             [[columns]]\nname = '人事信息'\ntype = 'personnel'\n\
             [[columns]]\nname = '法定主动公开内容'\ntype = 'other'\n\
             [[columns]]\nname = '规划计划'\ntype = 'other'\n"
        ),
        120,
    )
    .await;
    task.abort();
    let s = summary(&run.result.run_dir);
    let u = |p: &str| format!("{base}{p}");
    // The list read up to its feed cap: its column page; not the list of
    // exactly crawl.max_feed_requests pages.
    // A third list endpoint of a page is not called: cut too.
    assert_eq!(
        listed(&s, "list_feed", None),
        BTreeSet::from([u("/zcwj/"), u("/rsxx/"), u("/xxgk/"), u("/ndbg/")])
    );
    // The script whose list call is past the call cap; not the one at it.
    assert_eq!(
        listed(&s, "script_calls", None),
        BTreeSet::from([u("/gzdt/")])
    );
    // The stylesheet cut at its body cap, under page_size; not the small one.
    assert_eq!(
        listed(&s, "page_size", None),
        BTreeSet::from([u("/css/big.css")])
    );
    let size = s["capped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cap"] == "page_size")
        .unwrap();
    let note = size["urls"][0]["note"].as_str().unwrap();
    assert!(
        note.starts_with(&format!(
            "a stylesheet cut at {} bytes",
            zwgk_audit::crawl::task::CSS_BODY_CAP
        )),
        "{note}"
    );
    assert_eq!(
        s["capped"].as_array().unwrap().len(),
        3,
        "{:#}",
        s["capped"]
    );

    let rows: Vec<ColumnRow> =
        read_rows(&std::fs::read(run.result.run_dir.join("columns.csv")).unwrap()).unwrap();
    let row = |c: &str| {
        rows.iter()
            .find(|r| r.column == c)
            .unwrap_or_else(|| panic!("{c}: {rows:#?}"))
    };
    // Cut: judged on what was read (its newest items), and the note says so.
    let zcwj = row("政策文件");
    assert_eq!(zcwj.status, "ok", "{zcwj:?}");
    assert_eq!(zcwj.items, 2 * feed_caps().0);
    assert!(
        zcwj.note.contains("the column's items are incomplete"),
        "{zcwj:?}"
    );
    let tzgg = row("通知公告");
    assert_eq!(
        (tzgg.status.as_str(), tzgg.note.as_str()),
        ("ok", ""),
        "{tzgg:?}"
    );
    // The list call past the call cap: unchecked, never empty.
    let gzdt = row("工作动态");
    assert_eq!(gzdt.status, "unchecked", "{gzdt:?}");
    assert!(gzdt.note.contains("more than 20 data calls"), "{gzdt:?}");
    assert!(
        !run.findings.iter().any(|f| f.kind.starts_with("column_")
            && ["/gzdt/", "/zcwj/", "/tzgg/", "/tjxx/"]
                .iter()
                .any(|p| f.page_url == u(p))
            || f.page_url == u("/rsxx/")),
        "{:#?}",
        run.findings
    );
    // A required item the cut list does not show may be past the cap.
    let missing = |c: &str| {
        run.findings
            .iter()
            .find(|f| f.kind == "item_missing" && f.column == c)
            .unwrap_or_else(|| panic!("{c}: {:#?}", run.findings))
    };
    let (cut, whole) = (missing("政策文件"), missing("通知公告"));
    assert_eq!(cut.certainty, "suspected");
    assert!(
        cut.detail.contains("read up to its feed cap"),
        "{}",
        cut.detail
    );
    assert!(
        !whole.detail.contains("read up to its feed cap"),
        "{}",
        whole.detail
    );
    let rsxx = row("人事信息");
    assert_eq!((rsxx.status.as_str(), rsxx.items), ("ok", 4), "{rsxx:?}");
    assert!(rsxx.note.contains("only 2 list endpoints"), "{rsxx:?}");
    // More rows in one answer than are read, more items in all than a
    // page's feeds add: cut, not read to their end.
    let xxgk = row("法定主动公开内容");
    assert_eq!(
        xxgk.items,
        zwgk_audit::check::columns::list::MAX_ITEMS,
        "{xxgk:?}"
    );
    assert!(
        xxgk.note.contains("the column's items are incomplete"),
        "{xxgk:?}"
    );
    let ndbg = row("规划计划");
    assert_eq!(ndbg.items, feed_caps().1, "{ndbg:?}");
    assert!(
        ndbg.note.contains("the column's items are incomplete"),
        "{ndbg:?}"
    );
    let tjxx = row("统计信息");
    assert_eq!((tjxx.status.as_str(), tjxx.items), ("ok", 2), "{tjxx:?}");
}

/// A site with a calendar trap: every day links the next days.
fn trap_site(uri: &Uri) -> Response {
    match uri.path() {
        "/" => page(
            "日历陷阱站",
            "<a href=\"/hdrl/rl.jsp?day=100\">活动日历</a> <a href=\"/xw.html\">新闻</a>",
        ),
        "/xw.html" => page("新闻", "<p>新闻正文</p>"),
        "/hdrl/rl.jsp" => {
            let day: i64 = uri
                .query()
                .and_then(|q| q.strip_prefix("day="))
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            let links: String = [day + 1, day + 2, day + 3]
                .iter()
                .map(|d| format!("<a href=\"/hdrl/rl.jsp?day={d}\">第{d}天</a> "))
                .collect();
            page(&format!("活动日历 {day}"), &links)
        }
        _ => (axum::http::StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nightly_trap_names_the_exclude_that_ends_it_and_that_exclude_does() {
    let (addr, task) = serve_fn(trap_site).await;
    let base = format!("http://{addr}");
    let rules = |exclude: &str| {
        format!(
            "[site]\nname = \"日历陷阱站\"\nid = \"trap\"\nstart_urls = [\"{base}/\"]\n{exclude}\n\
             [crawl]\nhost_interval_ms = 0\ntimeout_secs = 5\nretries = 0\nrespect_robots = false\n\
             max_urls_per_pattern = 5\n[portal]\nurls = [\"{base}/\"]\n\
             [[columns]]\nname = '通知公告'\ntype = 'notice'\n"
        )
    };
    let notice = |dir: &Path| -> String {
        let rows: Vec<zwgk_audit::report::html::ColumnRecord> =
            zwgk_audit::report::csv::read_rows(&std::fs::read(dir.join("columns.csv")).unwrap())
                .unwrap();
        rows.iter()
            .find(|r| r.column == "通知公告")
            .map(|r| r.status.clone())
            .unwrap_or_default()
    };
    let run = audit_fn_site(&rules(""), 60).await;
    let s = summary(&run.result.run_dir);
    let caps = s["capped"].as_array().unwrap();
    assert_eq!(caps.len(), 1, "{caps:#?}");
    let cap = &caps[0];
    assert_eq!(cap["cap"], "pattern");
    assert_eq!(s["scope"]["complete"], false, "{:#}", s["scope"]);
    // A column not found may lie beyond the trap's cap: unchecked.
    assert_eq!(notice(&run.result.run_dir), "unchecked");
    let re = cap["exclude"]
        .as_str()
        .expect("a suggested exclude")
        .to_string();
    assert_eq!(
        re,
        format!(r"^https?://127\.0\.0\.1:{}/hdrl/rl\.jsp\?day=", addr.port())
    );
    // Where the user reads it: summary.json `what`, the run's cap lines
    // (log and verdict) and report.html.
    let advice = format!("exclude the trap: add '{re}' to the rules' exclude");
    assert!(cap["what"].as_str().unwrap().contains(&advice), "{cap:#}");
    assert!(
        run.result.caps.iter().any(|l| l.contains(&advice)),
        "{:#?}",
        run.result.caps
    );
    let report = std::fs::read_to_string(run.result.run_dir.join("report.html")).unwrap();
    assert!(
        report.contains(&format!(
            "<code>exclude = ['{}']</code>",
            re.replace('&', "&amp;")
        )),
        "report.html names the exclude"
    );

    // The same site with the suggested exclude: nothing capped, the scope
    // complete, the calendar's first page still checked (not crawled).
    let run2 = audit_fn_site(&rules(&format!("exclude = ['{re}']")), 60).await;
    task.abort();
    let s2 = summary(&run2.result.run_dir);
    assert!(
        s2["capped"].as_array().is_none_or(|c| c.is_empty()),
        "{:#}",
        s2["capped"]
    );
    assert_eq!(s2["scope"]["complete"], true, "{:#}", s2["scope"]);
    // Judged now: the column is missing.
    assert_eq!(notice(&run2.result.run_dir), "missing");
    let cal = run2.links_to("/hdrl/rl.jsp?day=100");
    assert!(
        !cal.is_empty() && cal.iter().all(|l| l.status != "skipped"),
        "{cal:#?}"
    );
    assert!(
        !run2.pages.iter().any(|p| p.url.contains("/hdrl/")),
        "the calendar is not crawled"
    );
}
