//! URL identity and crawl scope (issues 14 and 15): one page is reported
//! once whatever URL reached it, and URLs that are not new pages are not
//! crawled as such.
//!
//! - One site served over http on one loopback port and over https (the
//!   tests' CA) on another, whose pages link to each other's copy: the
//!   https site is crawled, the http copy only checked.
//! - `tests/fixtures/identity`: a directory page linked as `/dir/` and as
//!   `/dir/index.html`, index files that serve another document, pages
//!   reached through 301s.
//! - A server of session tokens in the path (`/s/<hex>/page.html` linking
//!   fresh tokens, ASP.NET cookieless `/(S(…))/`) next to dated and numbered
//!   CMS paths that must be crawled normally.

use crate::common::tls::TlsFront;
use crate::common::*;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use zwgk_audit::audit::AuditOptions;
use zwgk_audit::crawl::Progress;
use zwgk_audit::crawl::resolve::ResolveEntry;
use zwgk_audit::rules::Rules;

/// Fast politeness for loopback servers.
const FAST: &str = "[crawl]\nhost_interval_ms = 0\ntimeout_secs = 5\nretries = 0\n";

/// A small dynamic server: `pages(host, path)` answers every request; each
/// request is logged as (Host header, path).
struct Dynamic {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<(String, String)>>>,
    task: tokio::task::JoinHandle<()>,
}

/// Answers a request: (Host header, path) → response.
type Pages = Arc<dyn Fn(&str, &str) -> Response + Send + Sync>;

impl Dynamic {
    async fn start(listener: tokio::net::TcpListener, pages: Pages) -> Dynamic {
        let addr = listener.local_addr().unwrap();
        let log: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let l = log.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap, uri: Uri| {
            let (l, pages) = (l.clone(), pages.clone());
            async move {
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                l.lock()
                    .unwrap()
                    .push((host.clone(), uri.path().to_string()));
                pages(&host, uri.path())
            }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Dynamic { addr, log, task }
    }

    /// Requests whose Host header is `host` and path is `path`.
    fn hits(&self, host: &str, path: &str) -> usize {
        let log = self.log.lock().unwrap();
        log.iter().filter(|(h, p)| h == host && p == path).count()
    }

    /// Paths requested with Host `host`.
    fn paths_on(&self, host: &str) -> BTreeSet<String> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(h, _)| h == host)
            .map(|(_, p)| p.clone())
            .collect()
    }

    /// Requests whose path starts with `prefix`.
    fn count_prefix(&self, prefix: &str) -> usize {
        let log = self.log.lock().unwrap();
        log.iter().filter(|(_, p)| p.starts_with(prefix)).count()
    }
}

impl Drop for Dynamic {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn html(title: &str, body: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>"
        ),
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, html("404", "<h1>页面不存在</h1>")).into_response()
}

fn png() -> Response {
    ([(header::CONTENT_TYPE, "image/png")], "PNG").into_response()
}

/// Test options for servers that are not a `SiteServer`: `hosts` resolve to
/// 127.0.0.1 on the port the URL names (`--resolve host:0:127.0.0.1`).
fn loopback_options(dir: &Path, hosts: &[&str]) -> AuditOptions {
    let mut o = AuditOptions::new(today());
    o.reports_root = dir.to_path_buf();
    o.out_dir = Some(dir.join("run"));
    o.progress = Progress::Quiet;
    o.stop = Some(Arc::new(AtomicBool::new(false)));
    for h in hosts {
        o.resolve.push(ResolveEntry {
            host: h.to_string(),
            port: 0,
            addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
            connect_port: None,
        });
    }
    o.fallback_resolver = Some(Arc::new(FailingResolver::default()));
    o
}

/// The column checks (not this module's subject: these sites list no columns,
/// and their homepages are judged for freshness).
fn is_column_kind(kind: &str) -> bool {
    kind.starts_with("column_") || kind == "item_missing"
}

fn rules(text: &str) -> Rules {
    Rules::from_toml(text, Path::new("identity.toml")).expect("test rules are valid")
}

// ---------------------------------------------------------------------------
// Issue 14 item 1: one site on http and https.

const DUAL: &str = "www.dual-amr.gov.cn";

/// The pages of a bureau site that answers on `http://DUAL:{http}` and
/// `https://DUAL:{https}` with the same documents, and links its http copy
/// from its pages (as a stylesheet-era template would).
fn dual_site(http: u16, moved: Option<Arc<OnceLock<u16>>>) -> Pages {
    let old = format!("http://{DUAL}:{http}");
    let plain_host = format!("{DUAL}:{http}");
    Arc::new(move |host: &str, path: &str| match path {
        // A site that moved to https: every http request is sent there.
        _ if host == plain_host && moved.as_ref().and_then(|m| m.get()).is_some() => {
            let port = moved
                .as_ref()
                .and_then(|m| m.get())
                .copied()
                .unwrap_or_default();
            (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, format!("https://{DUAL}:{port}{path}"))],
            )
                .into_response()
        }
        "/" => html(
            "示范区市场监督管理局",
            &format!(
                "<script src=\"{old}/js/common.js\"></script>\
                 <div class=\"header\"><img src=\"{old}/images/logo.png\" alt=\"示范区市场监督管理局\"></div>\
                 <ul class=\"nav\"><li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a></li>\
                 <li><a href=\"/tzgg/\">通知公告</a></li></ul>\
                 <p><a href=\"{old}/zwgk/\">政务公开（旧版链接）</a> <a href=\"/missing.html\">专项整治工作方案</a></p>"
            ),
        ),
        "/zwgk/" => html(
            "政务公开",
            &format!(
                "<ul class=\"nav\"><li><a href=\"{old}/\">首页</a></li><li><a href=\"/tzgg/\">通知公告</a></li></ul>\
                 <img src=\"/images/chart.png\">\
                 <p>关于食品经营许可补贴发放情况的公示：申请人李某某，身份证号310104198807153025。</p>\
                 <p><a href=\"{old}/zwgk/gone.html\">历年公示</a></p>"
            ),
        ),
        "/tzgg/" => html(
            "通知公告",
            "<ul class=\"nav\"><li><a href=\"/\">首页</a></li></ul>\
             <ul><li><a href=\"/tzgg/202605/t20260520_1001.html\">关于开展计量器具专项检查的通知</a> 2026-05-20</li></ul>",
        ),
        "/tzgg/202605/t20260520_1001.html" => html(
            "关于开展计量器具专项检查的通知",
            "<ul class=\"nav\"><li><a href=\"/\">首页</a></li></ul><img src=\"/images/photo.png\"><p>各有关单位：现将有关事项通知如下。</p>",
        ),
        "/js/common.js" => (
            [(header::CONTENT_TYPE, "application/javascript")],
            "var a = 1;",
        )
            .into_response(),
        "/images/logo.png" | "/images/chart.png" | "/images/photo.png" => png(),
        _ => not_found(),
    })
}

struct DualRun {
    run: Run,
    http: Dynamic,
    /// `http://DUAL:{http}`
    old: String,
    /// `https://DUAL:{https}`
    new: String,
    _front: TlsFront,
}

/// How the dual site is audited.
#[derive(PartialEq)]
enum Dual {
    /// Start at the https copy.
    Https,
    /// Start at the https copy, the rules name the http copy too.
    BothNamed,
    /// Start at the http copy of a site whose http answers are 301s to https.
    MovedToHttps,
}

async fn dual_run(how: Dual) -> DualRun {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http_port = listener.local_addr().unwrap().port();
    let moved = (how == Dual::MovedToHttps).then(|| Arc::new(OnceLock::new()));
    let http = Dynamic::start(listener, dual_site(http_port, moved.clone())).await;
    let front = TlsFront::start(http.addr, &[DUAL]).await;
    if let Some(m) = &moved {
        m.set(front.addr().port()).unwrap();
    }
    let (old, new) = (
        format!("http://{DUAL}:{http_port}"),
        format!("https://{DUAL}:{}", front.addr().port()),
    );
    let (start, extra) = match how {
        Dual::Https => (&new, String::new()),
        Dual::BothNamed => (&new, format!("own_hosts = [\"{old}\"]\n")),
        Dual::MovedToHttps => (&old, String::new()),
    };
    let rules = rules(&format!(
        "[site]\nname = \"示范区市场监督管理局\"\nid = \"dual\"\nstart_urls = [\"{start}/\"]\n{extra}{FAST}"
    ));
    let dir = tempfile::tempdir().unwrap();
    let mut opts = loopback_options(dir.path(), &[DUAL]);
    opts.ca_certs = vec![front.ca_pem()];
    let run = audit_with(rules, opts, dir).await;
    assert_eq!(run.result.start_unreachable, None);
    DualRun {
        run,
        http,
        old,
        new,
        _front: front,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_on_http_and_https_is_one_site() {
    let d = dual_run(Dual::Https).await;
    let (old, new) = (d.old.as_str(), d.new.as_str());
    // pages.csv: each page once, all on the start URL's scheme and port.
    let mut pages: Vec<&str> = d.run.pages.iter().map(|p| p.url.as_str()).collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            format!("{new}/"),
            format!("{new}/missing.html"),
            format!("{new}/tzgg/"),
            format!("{new}/tzgg/202605/t20260520_1001.html"),
            format!("{new}/zwgk/"),
        ]
    );
    // findings.csv: each defect once, on the https pages; the http copy's
    // URLs are checked (broken, mixed content) but its pages are not audited.
    let mut got: Vec<(String, String, String)> = d
        .run
        .findings
        .iter()
        .filter(|f| !is_column_kind(&f.kind))
        .map(|f| {
            let target = if matches!(f.kind.as_str(), "privacy_leak") {
                String::new()
            } else {
                f.target_url.clone()
            };
            (f.kind.clone(), f.page_url.clone(), target)
        })
        .collect();
    got.sort();
    let f =
        |kind: &str, page: &str, target: String| (kind.to_string(), format!("{new}{page}"), target);
    let mut want = vec![
        f("mixed_content", "/", format!("{old}/js/common.js")),
        f("mixed_content", "/", format!("{old}/images/logo.png")),
        f("mixed_content", "/", format!("{old}/zwgk/")),
        f("broken_link", "/", format!("{new}/missing.html")),
        f("mixed_content", "/zwgk/", format!("{old}/")),
        f("broken_link", "/zwgk/", format!("{old}/zwgk/gone.html")),
        f("mixed_content", "/zwgk/", format!("{old}/zwgk/gone.html")),
        f("privacy_leak", "/zwgk/", String::new()),
        f("missing_alt", "/zwgk/", format!("{new}/images/chart.png")),
        f(
            "missing_alt",
            "/tzgg/202605/t20260520_1001.html",
            format!("{new}/images/photo.png"),
        ),
    ];
    want.sort();
    assert_eq!(got, want);
    // The mixed-content severities: script error, image warning, link info.
    let sev = |target: &str| {
        d.run
            .findings
            .iter()
            .find(|f| f.kind == "mixed_content" && f.target_url == format!("{old}{target}"))
            .map(|f| f.severity.clone())
            .unwrap()
    };
    assert_eq!(
        (sev("/js/common.js"), sev("/images/logo.png"), sev("/zwgk/")),
        ("error".into(), "warning".into(), "info".into())
    );
    // The http copy's pages were checked with one request each and none of
    // their own links was followed: /tzgg/ is linked only from the http copy.
    let host_old = old.trim_start_matches("http://");
    assert_eq!(
        d.http.paths_on(host_old),
        [
            "/",
            "/images/logo.png",
            "/js/common.js",
            "/zwgk/",
            "/zwgk/gone.html"
        ]
        .into_iter()
        .map(String::from)
        .collect::<BTreeSet<_>>()
    );
    assert_eq!(d.http.hits(host_old, "/zwgk/"), 1);
    let checked = d.run.links_to(&format!("{old}/zwgk/"));
    assert_eq!(
        checked
            .iter()
            .map(|l| (l.status.as_str(), l.http_status))
            .collect::<Vec<_>>(),
        [("ok", Some(200))]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_copy_is_crawled_when_the_rules_name_it() {
    let d = dual_run(Dual::BothNamed).await;
    let (old, new) = (d.old.as_str(), d.new.as_str());
    let pages: BTreeSet<&str> = d.run.pages.iter().map(|p| p.url.as_str()).collect();
    for p in ["/", "/zwgk/", "/tzgg/"] {
        assert!(
            pages.contains(format!("{new}{p}").as_str()),
            "{p}: {pages:?}"
        );
        assert!(
            pages.contains(format!("{old}{p}").as_str()),
            "{p}: {pages:?}"
        );
    }
    // Each copy's page is listed once.
    assert_eq!(d.run.pages.len(), pages.len());
    let host_old = old.trim_start_matches("http://");
    assert_eq!(d.http.hits(host_old, "/tzgg/"), 1);
    // On the http copy an http image is not mixed content.
    assert!(
        d.run
            .findings
            .iter()
            .filter(|f| f.kind == "mixed_content")
            .all(|f| f.page_url.starts_with(new)),
        "{:#?}",
        d.run.findings
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_url_moved_to_https_crawls_the_https_site_once() {
    let d = dual_run(Dual::MovedToHttps).await;
    let (old, new) = (d.old.as_str(), d.new.as_str());
    // The http start URL answers 301 to https: the https site is crawled,
    // each page listed once under its https URL.
    let mut pages: Vec<&str> = d.run.pages.iter().map(|p| p.url.as_str()).collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            format!("{new}/"),
            format!("{new}/missing.html"),
            format!("{new}/tzgg/"),
            format!("{new}/tzgg/202605/t20260520_1001.html"),
            format!("{new}/zwgk/"),
            // Linked over http (the start URL's scheme): 301, then 404.
            format!("{new}/zwgk/gone.html"),
        ]
    );
    // Page findings once, under the https pages.
    let privacy: Vec<&str> = d
        .run
        .findings
        .iter()
        .filter(|f| f.kind == "privacy_leak" || f.kind == "missing_alt")
        .map(|f| f.page_url.as_str())
        .collect();
    assert_eq!(privacy.len(), 3, "{privacy:?}");
    assert!(privacy.iter().all(|p| p.starts_with(new)), "{privacy:?}");
    // The http links of the pages are checked: 301 to the https page, fine.
    let l = d.run.links_to(&format!("{old}/zwgk/"));
    assert_eq!(
        l.iter()
            .map(|l| (l.status.as_str(), l.final_url.clone()))
            .collect::<Vec<_>>(),
        [("redirected", format!("{new}/zwgk/"))]
    );
}

// ---------------------------------------------------------------------------
// Issue 14 item 2: one document under several URLs.

async fn index_run() -> (Run, zwgk_audit::demo::SiteServer) {
    let server = serve("identity").await;
    let rules = rules_for(
        &server,
        &format!("{FAST}[thresholds]\nslow_page_ms = 200\n"),
    );
    let run = audit(&server, rules, |_| {}).await;
    (run, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_and_its_index_file_are_one_page() {
    let (run, server) = index_run().await;
    let base = server.url("/").trim_end_matches('/').to_string();
    let rel = |u: &str| u.strip_prefix(&base).unwrap_or(u).to_string();
    let pages: Vec<String> = run.pages.iter().map(|p| rel(&p.url)).collect();
    let count = |set: &[&str]| pages.iter().filter(|p| set.contains(&p.as_str())).count();
    // One row for each document, whichever URL reached it first.
    assert_eq!(count(&["/", "/index.html"]), 1, "{pages:?}");
    assert_eq!(count(&["/zwgk/", "/zwgk/index.html"]), 1, "{pages:?}");
    // Both URLs were checked: each link to them is fine.
    for p in ["/zwgk/", "/zwgk/index.html", "/bszn/", "/bszn/index.htm"] {
        assert!(server.hits(p) >= 1, "{p}");
        assert!(
            run.links_to(&server.url(p))
                .iter()
                .all(|l| l.status == "ok" && l.http_status == Some(200)),
            "{p}"
        );
    }
    let zwgk = pages
        .iter()
        .find(|p| *p == "/zwgk/" || *p == "/zwgk/index.html")
        .unwrap()
        .clone();
    // Its page findings and its own link findings: once each, under that URL.
    let of = |kind: &str| -> Vec<(String, String)> {
        run.findings
            .iter()
            .filter(|f| f.kind == kind && rel(&f.page_url).starts_with("/zwgk/"))
            .map(|f| (rel(&f.page_url), rel(&f.target_url)))
            .collect()
    };
    assert_eq!(of("privacy_leak").len(), 1, "{:#?}", run.findings);
    assert_eq!(of("privacy_leak")[0].0, zwgk);
    assert_eq!(of("slow_page"), [(zwgk.clone(), String::new())]);
    assert_eq!(
        of("missing_alt"),
        [(zwgk.clone(), "/images/zwgk-banner.png".to_string())]
    );
    assert_eq!(
        of("broken_link"),
        [(zwgk.clone(), "/zwgk/old-list.html".to_string())]
    );
    // Its links appear once in links.csv.
    let from_zwgk: Vec<String> = run
        .links
        .iter()
        .filter(|l| l.target_url.ends_with("/zwgk/old-list.html"))
        .map(|l| rel(&l.page_url))
        .collect();
    assert_eq!(from_zwgk, [zwgk]);
    // The same for the 办事指南 directory: three URLs (two identical files,
    // and the directory), its missing alt and its broken link once each.
    assert_eq!(
        count(&["/bszn/", "/bszn/index.htm", "/bszn/index.html"]),
        1,
        "{pages:?}"
    );
    let mut bszn: Vec<(&str, String)> = run
        .findings
        .iter()
        .filter(|f| rel(&f.page_url).starts_with("/bszn/") && !f.page_url.ends_with("sbdj.html"))
        .map(|f| (f.kind.as_str(), rel(&f.target_url)))
        .collect();
    bszn.sort();
    assert_eq!(
        bszn,
        [
            ("broken_link", "/bszn/jyzm.html".to_string()),
            ("missing_alt", "/images/bszn-icon.png".to_string()),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn look_alikes_of_one_page_stay_apart() {
    let (run, server) = index_run().await;
    let base = server.url("/").trim_end_matches('/').to_string();
    let rel = |u: &str| u.strip_prefix(&base).unwrap_or(u).to_string();
    let pages: Vec<String> = run.pages.iter().map(|p| rel(&p.url)).collect();
    // /ggfw/ serves another document than /ggfw/index.html: two pages, each
    // with its own finding.
    assert!(pages.contains(&"/ggfw/".to_string()), "{pages:?}");
    assert!(pages.contains(&"/ggfw/index.html".to_string()), "{pages:?}");
    let mut alt: Vec<(String, String)> = run
        .findings
        .iter()
        .filter(|f| f.kind == "missing_alt" && rel(&f.page_url).starts_with("/ggfw/"))
        .map(|f| (rel(&f.page_url), rel(&f.target_url)))
        .collect();
    alt.sort();
    assert_eq!(
        alt,
        [
            ("/ggfw/".to_string(), "/images/ggfw-old.png".to_string()),
            (
                "/ggfw/index.html".to_string(),
                "/images/ggfw-new.png".to_string()
            ),
        ]
    );
    // An index file that does not exist is a broken link, not the directory.
    let default_htm: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f.target_url.ends_with("/bszn/default.htm"))
        .map(|f| (f.kind.as_str(), f.http_status))
        .collect();
    assert_eq!(default_htm, [("broken_link", Some(404))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirected_page_is_reported_once_under_its_final_url() {
    let (run, server) = index_run().await;
    let base = server.url("/").trim_end_matches('/').to_string();
    let rel = |u: &str| u.strip_prefix(&base).unwrap_or(u).to_string();
    let pages: Vec<String> = run.pages.iter().map(|p| rel(&p.url)).collect();
    // /jgzn.html → 301 → /jgzn/detail.html (also linked directly from /zwgk/).
    assert_eq!(
        pages
            .iter()
            .filter(|p| p.starts_with("/jgzn") && !p.ends_with("/ldxx.html"))
            .collect::<Vec<_>>(),
        ["/jgzn/detail.html"]
    );
    let jgzn: Vec<(String, String, String)> = run
        .findings
        .iter()
        .filter(|f| f.page_url.contains("/jgzn"))
        .map(|f| (f.kind.clone(), rel(&f.page_url), rel(&f.target_url)))
        .collect();
    assert_eq!(
        jgzn.iter().collect::<BTreeSet<_>>(),
        [
            (
                "missing_alt".to_string(),
                "/jgzn/detail.html".to_string(),
                "/images/jgzn-chart.png".to_string()
            ),
            (
                "broken_link".to_string(),
                "/jgzn/detail.html".to_string(),
                "/jgzn/ldxx.html".to_string()
            ),
        ]
        .iter()
        .collect::<BTreeSet<_>>()
    );
    assert_eq!(jgzn.len(), 2, "{jgzn:#?}");
    // The redirecting link is fine and says where it went.
    let l = run.links_to(&server.url("/jgzn.html"));
    assert_eq!(
        l.iter()
            .map(|l| (l.status.as_str(), rel(&l.final_url)))
            .collect::<Vec<_>>(),
        [("redirected", "/jgzn/detail.html".to_string())]
    );
    // /old/zwgk.html → 301 → /zwgk/index.html: the directory page is still one row.
    assert!(!pages.iter().any(|p| p.starts_with("/old/")));
    assert_eq!(
        run.findings
            .iter()
            .filter(|f| f.kind == "privacy_leak")
            .count(),
        1
    );
}

// ---------------------------------------------------------------------------
// Issue 15 item 1: session tokens in the path.

const TRAP: &str = "www.trap-hrss.gov.cn";

/// A fresh 16-hex-digit token for each call (splitmix64 of a counter), as a
/// server that writes a new session id into every link.
fn fresh_token(counter: &AtomicU64) -> String {
    let mut z = counter
        .fetch_add(1, Ordering::SeqCst)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    format!("{:016x}", z ^ (z >> 31))
}

fn token_site() -> Pages {
    let counter = Arc::new(AtomicU64::new(1));
    Arc::new(move |_host: &str, path: &str| {
        let nav = "<ul class=\"nav\"><li><a href=\"/\">首页</a></li></ul>";
        if path == "/" {
            return html(
                "示范县人力资源和社会保障局",
                &format!(
                    "{nav}<ul>\
                     <li><a href=\"/s/{}/page.html\">网上办事大厅</a></li>\
                     <li><a href=\"/(S({}))/default.aspx\">在线咨询</a></li>\
                     <li><a href=\"/zcwj/index.html\">政策文件</a></li>\
                     <li><a href=\"/202603/\">三月工作动态</a></li>\
                     <li><a href=\"/art/2026/3/15/art_1229_56789.html\">关于做好高校毕业生就业工作的通知</a></li>\
                     <li><a href=\"/col/col1234/index.html\">人事考试</a></li>\
                     <li><a href=\"/zwgk/tongzhigonggao/\">通知公告</a></li></ul>",
                    fresh_token(&counter),
                    &fresh_token(&counter)[..12]
                ),
            );
        }
        if let Some(rest) = path.strip_prefix("/s/") {
            // Every page under a token links three fresh tokens and a sibling page.
            let Some((token, page)) = rest.split_once('/') else {
                return not_found();
            };
            let links: String = (0..3)
                .map(|i| {
                    format!(
                        "<a href=\"/s/{}/page.html\">办事事项{i}</a> ",
                        fresh_token(&counter)
                    )
                })
                .collect();
            return match page {
                "page.html" => html(
                    "网上办事大厅",
                    &format!("{nav}{links}<a href=\"/s/{token}/list.html\">事项清单</a>"),
                ),
                "list.html" => html(
                    "事项清单",
                    &format!("{nav}<a href=\"/s/{token}/page.html\">返回</a>"),
                ),
                _ => not_found(),
            };
        }
        if path.starts_with("/(S(") {
            // ASP.NET cookieless state: a new session in every link.
            let s = &fresh_token(&counter)[..12];
            return match path.rsplit('/').next() {
                Some("default.aspx") => html(
                    "在线咨询",
                    &format!(
                        "{nav}<a href=\"/(S({s}))/default.aspx\">刷新</a> <a href=\"/(S({s}))/list.aspx\">咨询列表</a>"
                    ),
                ),
                Some("list.aspx") => html(
                    "咨询列表",
                    &format!("{nav}<a href=\"/(S({s}))/default.aspx\">在线咨询</a>"),
                ),
                _ => not_found(),
            };
        }
        if path == "/zcwj/index.html" {
            let items: String = (1..=30)
                .map(|n| {
                    format!(
                        "<li><a href=\"/zcwj/202603/t202603{:02}_{}.html\">政策文件{n}</a></li>",
                        n % 28 + 1,
                        4500 + n
                    )
                })
                .collect();
            return html("政策文件", &format!("{nav}<ul>{items}</ul>"));
        }
        if path == "/202603/" {
            let items: String = (1..=3)
                .map(|n| format!("<li><a href=\"/202603/t2026030{n}_{n}.html\">动态{n}</a></li>"))
                .collect();
            return html("三月工作动态", &format!("{nav}<ul>{items}</ul>"));
        }
        if path == "/col/col1234/index.html" {
            let items: String = (1..=5)
                .map(|n| {
                    format!(
                        "<li><a href=\"/art/2026/3/{n}/art_1234_{}.html\">考试公告{n}</a></li>",
                        60000 + n
                    )
                })
                .collect();
            return html("人事考试", &format!("{nav}<ul>{items}</ul>"));
        }
        if path.starts_with("/zcwj/202603/t")
            || path.starts_with("/202603/t")
            || path.starts_with("/art/")
            || path == "/zwgk/tongzhigonggao/"
        {
            return html("文章", &format!("{nav}<p>正文。</p>"));
        }
        not_found()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_of_path_tokens_stops_at_one_cap_and_look_alikes_are_crawled() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Dynamic::start(listener, token_site()).await;
    let port = server.addr.port();
    // Default caps: only politeness is made fast.
    let rules = rules(&format!(
        "[site]\nname = \"示范县人力资源和社会保障局\"\nid = \"trap\"\nstart_urls = [\"http://{TRAP}:{port}/\"]\n{FAST}"
    ));
    let dir = tempfile::tempdir().unwrap();
    let opts = loopback_options(dir.path(), &[TRAP]);
    let run = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        audit_with(rules, opts, dir),
    )
    .await
    .expect("the token chain ends (hang guard, not a speed test)");
    // The chain stops at the default 100 tokens: two pages under each (and
    // now and then a token of digits only, which is a name, not a token).
    let requested = server.count_prefix("/s/");
    assert!(
        (200..=250).contains(&requested),
        "{requested} requests under /s/"
    );
    let caps: Vec<&String> = run
        .result
        .caps
        .iter()
        .filter(|c| c.contains("token"))
        .collect();
    let line = format!(
        "session token cap reached: 100 different tokens under {TRAP}:{port}/s/{{hex}}/ (crawl.max_tokens_per_prefix); URLs under further tokens are skipped. If it bites every night (a calendar, a search page), exclude the trap: add '^https?://{}:{port}/s/[^/]+/' to the rules' exclude: ",
        regex::escape(TRAP)
    );
    assert!(
        caps.len() == 1 && caps[0].starts_with(&line),
        "{:#?}",
        run.result.caps
    );
    // summary.json lists every URL the cap skipped, under the prefix.
    let summary = run.result.summary.as_ref().expect("summary");
    let group = summary
        .capped
        .iter()
        .find(|c| c.cap == zwgk_audit::crawl::caps::Cap::Token)
        .expect("session token cap in summary.json");
    assert_eq!(
        group.pattern.as_deref(),
        Some(format!("{TRAP}:{port}/s/{{hex}}/").as_str())
    );
    let listed: std::collections::BTreeSet<&str> =
        group.urls.iter().map(|u| u.url.as_str()).collect();
    let skipped: std::collections::BTreeSet<&str> = run
        .links
        .iter()
        .filter(|l| l.target_url.contains("/s/") && l.status == "skipped")
        .map(|l| l.target_url.as_str())
        .collect();
    assert_eq!(listed, skipped);
    assert_eq!(group.count, listed.len() as u64);
    assert!(
        run.links
            .iter()
            .any(|l| l.target_url.contains("/s/") && l.status == "skipped")
    );
    // Skipped URLs are not findings.
    assert!(
        run.findings.iter().all(|f| !f.target_url.contains("/s/")),
        "{:#?}",
        run.findings
    );
    // ASP.NET cookieless sessions: one request per page, whatever the session.
    let aspnet = |page: &str| {
        let log = server.log.lock().unwrap();
        log.iter()
            .filter(|(_, p)| p.starts_with("/(S(") && p.ends_with(page))
            .count()
    };
    assert_eq!((aspnet("/default.aspx"), aspnet("/list.aspx")), (1, 1));
    // Look-alikes: dated, numbered and worded paths are all crawled.
    let pages: BTreeSet<String> = run
        .pages
        .iter()
        .map(|p| p.url.split_once(&format!(":{port}")).unwrap().1.to_string())
        .collect();
    let mut want: Vec<String> = vec![
        "/zcwj/index.html".into(),
        "/202603/".into(),
        "/art/2026/3/15/art_1229_56789.html".into(),
        "/col/col1234/index.html".into(),
        "/zwgk/tongzhigonggao/".into(),
    ];
    want.extend(
        (1..=30).map(|n| format!("/zcwj/202603/t202603{:02}_{}.html", n % 28 + 1, 4500 + n)),
    );
    want.extend((1..=3).map(|n| format!("/202603/t2026030{n}_{n}.html")));
    want.extend((1..=5).map(|n| format!("/art/2026/3/{n}/art_1234_{}.html", 60000 + n)));
    for w in &want {
        assert!(pages.contains(w), "{w} not crawled");
    }
    assert!(
        run.result.caps.iter().all(|c| !c.contains("pattern")),
        "{:#?}",
        run.result.caps
    );
    assert!(
        run.findings.iter().all(|f| is_column_kind(&f.kind)),
        "a clean site with a token chain has no link or page findings: {:#?}",
        run.findings
    );
}
