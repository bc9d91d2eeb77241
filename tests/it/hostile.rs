//! Hostile servers and crawler traps (issue 8): the crawl of
//! `tests/fixtures/hostile/` plus a small trap server finishes in bounded time,
//! says clearly what each hostile page did, reports each cap that bit once,
//! and still crawls the normal page linked after the hostile ones.

use crate::common::*;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveDate};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zwgk_audit::crawl::resolve::ResolveEntry;

/// The virtual host of the trap server (mapped to its loopback port).
const TRAPS: &str = "traps.hostile.gov.cn";

/// Rules of the hostile crawl: small caps so that the suite stays fast.
const RULES: &str = r#"own_hosts = ["traps.hostile.gov.cn"]
[crawl]
host_interval_ms = 0
timeout_secs = 2
connect_timeout_secs = 2
retries = 1
backoff_ms = 50
max_redirects = 10
max_page_bytes = 1048576
max_urls_per_pattern = 50
max_links_per_page = 5000
max_depth = 30
"#;

/// A dynamic server of endless URL spaces: what static fixture files cannot do.
struct TrapServer {
    addr: SocketAddr,
    hits: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TrapServer {
    async fn start() -> TrapServer {
        let hits: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = hits.clone();
        let app = axum::Router::new().fallback(move |uri: Uri| {
            let log = log.clone();
            async move {
                log.lock().unwrap().push(uri.to_string());
                trap_page(&uri)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TrapServer { addr, hits, task }
    }

    /// Requests whose path and query start with `prefix`.
    fn hits(&self, prefix: &str) -> Vec<String> {
        let hits = self.hits.lock().unwrap();
        hits.iter()
            .filter(|h| h.starts_with(prefix))
            .cloned()
            .collect()
    }
}

impl Drop for TrapServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn html(title: &str, body: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>{title}</title></head><body>{body}</body></html>"
        ),
    )
        .into_response()
}

fn query_value<'a>(uri: &'a Uri, key: &str) -> Option<&'a str> {
    uri.query()?
        .split('&')
        .find_map(|p| p.strip_prefix(key)?.strip_prefix('='))
}

/// Every page of every trap; anything else is a 404.
fn trap_page(uri: &Uri) -> Response {
    let path = uri.path();
    if path == "/cal" {
        // A calendar: every day links the next three days and the day before, forever.
        let Some(day) =
            query_value(uri, "date").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let links: String = [-1i64, 1, 2, 3]
            .iter()
            .filter_map(|&n| {
                if n < 0 {
                    day.checked_sub_days(Days::new(1))
                } else {
                    day.checked_add_days(Days::new(n as u64))
                }
            })
            .map(|d| format!("<a href=\"/cal?date={d}\">{d}</a> "))
            .collect();
        return html(&format!("日历 {day}"), &links);
    }
    if path == "/list" {
        // `?page=N` that never runs out: each page links the next five.
        let Some(n) = query_value(uri, "page").and_then(|v| v.parse::<u64>().ok()) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let links: String = (1..=5)
            .map(|k| format!("<a href=\"?page={}\">第{}页</a> ", n + k, n + k))
            .collect();
        return html(&format!("列表 第{n}页"), &links);
    }
    if let Some(rest) = path.strip_prefix("/app/") {
        // A new session id in every link, as a J2EE portal without cookies writes them.
        let count = rest.len() as u64 * 2_654_435_761;
        let id = |k: u64| format!("S{:X}Q", count.wrapping_mul(k + 7) ^ 0xDEAD_BEEF);
        return html(
            "会话",
            &format!(
                "<a href=\"page.html;jsessionid={}\">首页</a> <a href=\"other.html;jsessionid={}\">其他</a> <a href=\"/app/page.html?jsessionid={}\">同一页</a>",
                id(1),
                id(2),
                id(3)
            ),
        );
    }
    if path.starts_with("/grow/") {
        // A relative link that grows the path one folder per page (a server
        // that answers any path under /grow/).
        return html("越来越深", "<a href=\"more/\">更多</a>");
    }
    if path.starts_with("/dots/") {
        return html(
            "点段",
            "<a href=\"a/../a/../a/../\">again</a> <a href=\"./a/./../\">again</a> <a href=\"a/%2e%2e/a/%2E%2E/\">again</a>",
        );
    }
    StatusCode::NOT_FOUND.into_response()
}

/// Builds the server's gzip bomb before the crawl (compressing 256 MiB takes
/// the fixture server seconds, which is not the crawler's time to spend).
async fn warm_up_bomb(server: &zwgk_audit::demo::SiteServer) {
    let client = reqwest::Client::builder().no_gzip().build().unwrap();
    let resp = client.get(server.url("/bomb.html")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let zipped = resp.bytes().await.unwrap();
    assert!(
        zipped.len() < 2 * 1024 * 1024,
        "{} bytes on the wire",
        zipped.len()
    );
}

fn finding<'a>(run: &'a Run, kind: &str, target: &str) -> &'a zwgk_audit::report::rows::FindingRow {
    run.findings
        .iter()
        .find(|f| f.kind == kind && f.target_url.ends_with(target))
        .unwrap_or_else(|| panic!("no {kind} finding for {target}: {:#?}", run.findings))
}

fn page<'a>(run: &'a Run, path: &str) -> &'a zwgk_audit::report::rows::PageRow {
    run.pages
        .iter()
        .find(|p| p.url.ends_with(path))
        .unwrap_or_else(|| panic!("{path} is not in pages.csv"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_site_is_audited_in_bounded_time() {
    let server = serve("hostile").await;
    warm_up_bomb(&server).await;
    let traps = TrapServer::start().await;
    let rules = rules_for(&server, RULES);
    let run = tokio::time::timeout(
        Duration::from_secs(60),
        audit(&server, rules, |o| {
            o.resolve.push(ResolveEntry::connect_to(TRAPS, traps.addr));
            o.keep_journal = true;
        }),
    )
    .await
    .expect("the hostile crawl finishes within 60 s (hang guard, not a speed test)");
    let caps = &run.result.caps;
    let mut unique = caps.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), caps.len(), "each cap once: {caps:#?}");
    let cap = |needle: &str| {
        let n = caps.iter().filter(|c| c.contains(needle)).count();
        assert_eq!(n, 1, "one cap line with `{needle}`: {caps:#?}");
    };

    // Slow drip: the whole-request timeout ends it.
    let drip = finding(&run, "broken_link", "/drip.html");
    assert_eq!(drip.detail, "timeout after 2s");
    assert_eq!(drip.certainty, "suspected");

    // 50 MB page, endless body, gzip bomb: read up to the cap, parsed, reported once.
    for path in ["/huge.html", "/endless.html", "/bomb.html"] {
        let p = page(&run, path);
        assert_eq!(p.http_status, Some(200), "{path}");
        assert_eq!(p.bytes, 1_048_576, "{path} is cut at crawl.max_page_bytes");
        assert!(
            !run.findings.iter().any(|f| f.target_url.ends_with(path)),
            "{path}"
        );
    }
    assert_eq!(page(&run, "/bomb.html").title, "bomb");
    // Bodies never leave the task: what the coordinator (and the resume
    // journal) keeps of a 50 MB page is its outcome, a few hundred bytes.
    let journal = std::fs::read_to_string(run.result.run_dir.join("journal.jsonl")).unwrap();
    for path in [
        "/huge.html",
        "/endless.html",
        "/bomb.html",
        "/binary.html",
        "/deep.html",
    ] {
        let line = journal
            .lines()
            .find(|l| {
                serde_json::from_str::<serde_json::Value>(l)
                    .is_ok_and(|v| v["key"].as_str().is_some_and(|k| k.ends_with(path)))
            })
            .unwrap_or_else(|| panic!("{path} in the journal"));
        assert!(
            line.len() < 2048,
            "{path}: {} bytes kept: {line}",
            line.len()
        );
    }
    assert_eq!(page(&run, "/endless.html").title, "无尽页面");
    cap(
        "page size cap reached: bodies cut at 1048576 bytes, the rest not read (crawl.max_page_bytes): 3 URL(s)",
    );
    // Each of them is listed, with what the server declared.
    let listed = |code: zwgk_audit::crawl::caps::Cap| -> Vec<(String, Option<String>)> {
        let summary = run.result.summary.as_ref().expect("summary");
        let group = summary
            .capped
            .iter()
            .find(|c| c.cap == code)
            .unwrap_or_else(|| panic!("{code:?} in summary.json: {:#?}", summary.capped));
        assert_eq!(group.count, group.urls.len() as u64);
        let mut v: Vec<_> = group
            .urls
            .iter()
            .map(|u| {
                (
                    u.url.replace(&format!("http://{}", server.addr()), ""),
                    u.note.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let endless = Some("no Content-Length: a body that may never end".to_string());
    assert_eq!(
        listed(zwgk_audit::crawl::caps::Cap::PageSize),
        vec![
            ("/bomb.html".to_string(), endless.clone()),
            ("/endless.html".to_string(), endless),
            (
                "/huge.html".to_string(),
                Some("Content-Length 52428800".to_string())
            ),
        ]
    );

    // Binary data labelled text/html: checked, not parsed, so no page findings on noise.
    let bin = page(&run, "/binary.html");
    assert_eq!(bin.http_status, Some(200));
    assert_eq!(bin.title, "");
    assert!(
        !run.findings
            .iter()
            .any(|f| f.page_url.ends_with("/binary.html")),
        "no findings on binary noise: {:#?}",
        run.findings
    );

    // An unknown charset with invalid bytes: decoded by sniffing, its link followed.
    let bad = page(&run, "/bad-charset.html");
    assert_eq!(bad.http_status, Some(200));
    assert!(bad.title.starts_with("bad "), "{}", bad.title);
    assert!(run.links.iter().any(
        |l| l.page_url.ends_with("/bad-charset.html") && l.target_url.ends_with("/index.html")
    ));

    // 20,000 nested elements: the nesting beyond 1,000 flattened (parsing
    // stays linear), the link inside found.
    assert_eq!(page(&run, "/deep.html").title, "deep");
    // 100,000 `<div>`s never closed: parsed in linear time, the link at the bottom checked.
    assert_eq!(page(&run, "/unclosed.html").title, "unclosed");
    assert!(run.has("broken_link", "/unclosed.html", "/unclosed-bottom.html"));
    cap(
        "nesting cap reached: start tags deeper than 1000 open elements ignored, text and links kept: 2 URL(s), first http://127.0.0.1:",
    );
    assert_eq!(
        listed(zwgk_audit::crawl::caps::Cap::Nesting),
        vec![
            (
                "/deep.html".to_string(),
                Some("19000 start tags ignored".to_string())
            ),
            (
                "/unclosed.html".to_string(),
                Some("99000 start tags ignored".to_string())
            ),
        ]
    );
    assert!(
        run.links
            .iter()
            .any(|l| l.page_url.ends_with("/deep.html") && l.target_url.ends_with("/index.html"))
    );

    // 10,000 links: the first 5,000 are taken, 50 of one pattern crawled, both caps said once.
    let many: Vec<_> = run
        .links
        .iter()
        .filter(|l| l.page_url.ends_with("/many-links.html"))
        .collect();
    assert_eq!(many.len(), 5000);
    assert_eq!(many.iter().filter(|l| l.status == "ok").count(), 50);
    assert_eq!(many.iter().filter(|l| l.status == "skipped").count(), 4950);
    assert_eq!(server.hits("/many/page.html"), 50);
    cap(
        "link cap reached: only the first 5000 links of a page are checked (crawl.max_links_per_page): 1 URL(s)",
    );
    cap("50 URLs like 127.0.0.1/many/page.html?id (crawl.max_urls_per_pattern)");

    // 30 redirects: given up after max_redirects, the rest of the chain never asked.
    let chain = finding(&run, "broken_link", "/chain/1");
    assert_eq!(chain.detail, "too many redirects (more than 10)");
    assert_eq!(chain.certainty, "confirmed");
    assert_eq!(server.hits("/chain/11"), 1);
    assert_eq!(server.hits("/chain/12"), 0);

    // A redirect to 10.0.0.1: refused by the guard before any connection.
    let private = finding(&run, "broken_link", "/to-private");
    assert_eq!(
        private.detail,
        "redirects to private address 10.0.0.1: not followed, not reachable by the public"
    );
    assert!(!run.links.iter().any(|l| l.final_url.contains("10.0.0.1")));

    // Connection closed without an answer; a body shorter than its Content-Length.
    let reset = finding(&run, "broken_link", "/reset.html");
    assert!(
        reset.detail.starts_with("connection reset"),
        "{}",
        reset.detail
    );
    assert_eq!(reset.certainty, "suspected");
    let short = finding(&run, "broken_link", "/wrong-length.html");
    assert!(
        short.detail.starts_with("connection reset"),
        "{}",
        short.detail
    );
    assert_eq!(short.certainty, "suspected");

    // Traps: a calendar and `?page=N` without end stop at the pattern cap.
    assert_eq!(traps.hits("/cal?").len(), 50);
    assert_eq!(traps.hits("/list?").len(), 50);
    cap("50 URLs like traps.hostile.gov.cn/cal?date (crawl.max_urls_per_pattern)");
    cap("50 URLs like traps.hostile.gov.cn/list?page (crawl.max_urls_per_pattern)");
    // A new session id in every link: one URL per page once the id is dropped.
    assert_eq!(traps.hits("/app/page.html").len(), 1);
    assert_eq!(traps.hits("/app/other.html").len(), 1);
    // Relative links that grow the path: crawled to max_depth (30), the next checked.
    let grow = traps.hits("/grow/");
    assert_eq!(grow.len(), 31, "{grow:#?}");
    cap(
        "depth cap reached: pages more than 30 links from the start are checked, not crawled (crawl.max_depth): 1 URL(s)",
    );
    // `a/../a/../`: resolved away, the page fetched once.
    assert_eq!(traps.hits("/dots/"), vec!["/dots/".to_string()]);
    assert!(traps.hits.lock().unwrap().iter().all(|h| !h.contains("..")));
    assert_eq!(caps.len(), 7, "{caps:#?}");

    // The rest of the crawl goes on: the normal page after the hostile ones is crawled.
    let normal = page(&run, "/normal.html");
    assert_eq!(
        (normal.http_status, normal.title.as_str()),
        (Some(200), "正常页面")
    );
    assert!(run.has("broken_link", "/normal.html", "/normal-missing.html"));
    assert_eq!(
        server.hits("/normal.html"),
        1,
        "dot segments resolve to the same page"
    );
}
