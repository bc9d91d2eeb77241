//! Issue 2: the crawl end to end. Every test reads the rows of pages.csv,
//! links.csv and findings.csv (and the fixture server's request counters) of a
//! real run against a loopback server.
//!
//! Most tests share one audit of `tests/fixtures/site` (see its README.md),
//! made once on its own runtime; the others start their own server: a TLS
//! front with a CA made at test time (library and command line), a two-host
//! site of slow pages for the per-host limit, a GBK page with Chinese query
//! strings, and a 2,000-page government-shaped site generated into a
//! temporary folder. No test resolves a name through the system's DNS: every
//! name is mapped, and the rest fail in the injected `FailingResolver`.

use crate::common::tls::TlsFront;
use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};
use zwgk_audit::crawl::resolve::ResolveEntry;
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::report::rows::{FindingRow, LinkRow, PageRow};

/// Fast politeness for fixtures: no interval, 1 s timeout, one retry.
const FAST: &str =
    "[crawl]\nhost_interval_ms = 0\ntimeout_secs = 1\nretries = 1\nbackoff_ms = 50\n";

/// One finished audit of the fixture site and what the server saw.
struct SiteRun {
    run: Run,
    /// `http://127.0.0.1:PORT`
    base: String,
    /// (host, decoded path, requests)
    hits: Vec<(String, String, u64)>,
    /// Names the injected resolver was asked.
    asked: Vec<String>,
}

impl SiteRun {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    /// `url` without the server's origin.
    fn rel(&self, url: &str) -> String {
        url.strip_prefix(&self.base).unwrap_or(url).to_string()
    }
    fn hits(&self, path: &str) -> u64 {
        self.hits
            .iter()
            .filter(|(_, p, _)| p == path)
            .map(|(_, _, n)| n)
            .sum()
    }
    fn hits_on(&self, host: &str, path: &str) -> u64 {
        self.hits
            .iter()
            .filter(|(h, p, _)| h == host && p == path)
            .map(|(_, _, n)| n)
            .sum()
    }
    fn page(&self, path: &str) -> &PageRow {
        let url = self.url(path);
        let rows: Vec<&PageRow> = self.run.pages.iter().filter(|p| p.url == url).collect();
        assert_eq!(rows.len(), 1, "pages.csv rows for {path}: {rows:?}");
        rows[0]
    }
    /// links.csv rows of a page as (target, element, text, status), target
    /// relative to the server, sorted.
    fn rows_from(&self, page: &str) -> Vec<(String, String, String, String)> {
        let url = self.url(page);
        let mut v: Vec<_> = self
            .run
            .links
            .iter()
            .filter(|l| l.page_url == url)
            .map(|l| {
                (
                    self.rel(&l.target_url),
                    l.element.clone(),
                    l.link_text.clone(),
                    l.status.clone(),
                )
            })
            .collect();
        v.sort();
        v
    }
    fn link(&self, page: &str, target: &str) -> Vec<&LinkRow> {
        let (page, target) = (self.url(page), self.url(target));
        self.run
            .links
            .iter()
            .filter(|l| l.page_url == page && l.target_url == target)
            .collect()
    }
    /// Findings of the link kinds as (kind, certainty, page, target, element, detail), sorted.
    fn link_findings(&self) -> Vec<(String, String, String, String, String, String)> {
        let mut v: Vec<_> = self
            .run
            .findings
            .iter()
            .filter(|f| is_link_kind(&f.kind))
            .map(|f| {
                (
                    f.kind.clone(),
                    f.certainty.clone(),
                    self.rel(&f.page_url),
                    self.rel(&f.target_url),
                    f.element.clone(),
                    f.detail.clone(),
                )
            })
            .collect();
        v.sort();
        v
    }
    fn findings_to(&self, target: &str) -> Vec<&FindingRow> {
        let t = self.url(target);
        self.run
            .findings
            .iter()
            .filter(|f| f.target_url == t)
            .collect()
    }
}

fn is_link_kind(k: &str) -> bool {
    matches!(
        k,
        "broken_link"
            | "soft_404"
            | "wrong_link"
            | "missing_anchor"
            | "mixed_content"
            | "risky_external"
    )
}

fn row(t: &str, e: &str, x: &str, s: &str) -> (String, String, String, String) {
    (t.into(), e.into(), x.into(), s.into())
}

fn site_run() -> &'static SiteRun {
    static RUN: OnceLock<SiteRun> = OnceLock::new();
    RUN.get_or_init(|| {
        block_on_thread(|| async {
            let server = serve("site").await;
            let addr = server.addr();
            let resolver = Arc::new(FailingResolver::default());
            let r = resolver.clone();
            let run = audit(&server, rules_for(&server, FAST), move |o| {
                o.resolve
                    .push(ResolveEntry::connect_to("www.other-host.test", addr));
                o.fallback_resolver = Some(r);
            })
            .await;
            SiteRun {
                run,
                base: format!("http://{addr}"),
                hits: server.all_hits(),
                asked: resolver.asked(),
            }
        })
    })
}

#[test]
fn gbk_and_utf8_pages_are_decoded_with_their_charset() {
    let s = site_run();
    let page = |p: &str| {
        let r = s.page(p);
        (
            r.http_status,
            r.content_type.as_str(),
            r.charset.as_str(),
            r.title.as_str(),
        )
    };
    assert_eq!(
        page("/"),
        (
            Some(200),
            "text/html; charset=utf-8",
            "UTF-8",
            "测试市市场监督管理局"
        )
    );
    // <meta charset="gb2312"> only, served as plain text/html.
    assert_eq!(
        page("/gbk/index.html"),
        (Some(200), "text/html", "GBK", "信息公开目录（GBK）")
    );
    // http-equiv charset=gbk.
    assert_eq!(
        page("/gbk/page2.html"),
        (Some(200), "text/html", "GBK", "机构职能")
    );
    // Only the Content-Type header names the charset.
    assert_eq!(
        page("/gbk/header.html"),
        (
            Some(200),
            "text/html; charset=gbk",
            "GBK",
            "规范性文件（仅响应头声明 GBK）"
        )
    );
    // Link texts of GBK pages, and a Chinese file name linked from a GBK page
    // (the path is UTF-8 percent-encoded whatever the page's encoding).
    assert_eq!(
        s.rows_from("/gbk/index.html"),
        vec![
            row(
                "/files/2026%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf",
                "a@href",
                "2026年度报告",
                "ok"
            ),
            row("/gbk/page2.html", "a@href", "机构职能（GBK 文章）", "ok"),
        ]
    );
    assert_eq!(
        s.rows_from("/gbk/header.html"),
        vec![row("/gbk/page2.html", "a@href", "机构职能", "ok")]
    );
    assert_eq!(
        s.rows_from("/gbk/page2.html"),
        vec![row("/gbk/index.html", "a@href", "返回目录", "ok")]
    );
}

#[test]
fn pages_csv_has_one_row_per_page_and_every_page_is_fetched_once() {
    let s = site_run();
    let mut seen = BTreeSet::new();
    for p in &s.run.pages {
        assert!(seen.insert(p.url.clone()), "{} twice in pages.csv", p.url);
    }
    // Every URL was requested once, except those that must be asked twice:
    // HEAD refused or failed then GET, a 429 then its retry, a timeout retried.
    let twice: BTreeSet<&str> = [
        "/files/report.pdf",
        "/files/notice.doc",
        "/files/missing.pdf",
        "/busy.html",
        "/slow.html",
    ]
    .into();
    for (host, path, n) in &s.hits {
        // /article.html may also be reached through /moved.html's redirect.
        let expected = if twice.contains(path.as_str()) { 2 } else { 1 };
        if path == "/article.html" {
            assert!(*n <= 2, "{path}: {n}");
            continue;
        }
        assert_eq!(*n, expected, "requests for {host}{path}");
    }
}

#[test]
fn every_link_source_is_recorded_with_its_element_and_resolved_target() {
    let s = site_run();
    let mut want = vec![
        row("/article.html", "a@href", "a@href", "ok"),
        row("/area-target.html", "area@href", "区域", "ok"),
        row("/img/map.png", "img@src", "区划图", "ok"),
        // src and the 1x candidate of srcset are two occurrences.
        row("/img/photo-1x.png", "img@src", "照片", "ok"),
        row("/img/photo-1x.png", "img@src", "照片", "ok"),
        row("/img/photo-2x.png", "img@src", "照片", "ok"),
        row("/css/site.css", "link[stylesheet]@href", "", "ok"),
        row("/js/app.js", "script@src", "", "ok"),
        row("/img/style-bg.png", "css url()", "", "ok"),
        row("/iframe.html", "iframe@src", "内嵌页", "ok"),
        row("/img/pic.webp", "source@src", "", "ok"),
        row("/img/pic.png", "img@src", "图片", "ok"),
        row("/media/clip.mp4", "video/audio@src", "", "ok"),
        row("/media/poster.png", "video@poster", "", "ok"),
        row("/media/clip.webm", "source@src", "", "ok"),
        row("/media/sound.mp3", "video/audio@src", "", "ok"),
        row("/files/embed.pdf", "embed@src", "", "ok"),
        row("/files/object.pdf", "object@data", "", "ok"),
        row("/search/result.html", "form@action", "", "ok"),
        row("/img/inline-bg.png", "css url()", "", "ok"),
    ];
    want.sort();
    assert_eq!(s.rows_from("/sources.html"), want);

    // A linked stylesheet: @import and url() relative to the stylesheet.
    assert_eq!(
        s.rows_from("/css/site.css"),
        vec![
            row("/css/print.css", "css @import", "", "ok"),
            row("/img/bg.png", "css url()", "", "ok"),
            row("/img/logo-bg.png", "css url()", "", "ok"),
        ]
    );
    assert_eq!(
        s.rows_from("/frames.html"),
        vec![
            row("/frame-left.html", "frame@src", "", "ok"),
            row("/frame-right.html", "frame@src", "", "ok"),
        ]
    );
    assert_eq!(
        s.rows_from("/refresh.html"),
        vec![row("/refresh-target.html", "meta refresh", "", "ok")]
    );
    let mut js = vec![
        row("javascript:void(0)", "a@href", "弹出窗口", "not_checked"),
        row("/js-links.html#", "a@href", "附件弹窗", "ok"),
        row("/popup-page.html", "js location (derived)", "", "ok"),
        row("/files/popup.pdf", "js location (derived)", "", "ok"),
        // location.href in a function and window.location.href.
        row("/js-target.html", "js location (derived)", "", "ok"),
        row("/js-target.html", "js location (derived)", "", "ok"),
    ];
    js.sort();
    assert_eq!(s.rows_from("/js-links.html"), js);
    // <base href="/base/dir/">
    assert_eq!(
        s.rows_from("/base.html"),
        vec![
            row(
                "/base/dir/page.html",
                "a@href",
                "相对于 base 的链接（/base/dir/page.html）",
                "ok"
            ),
            row(
                "/base/img.png",
                "img@src",
                "base 上一级图片（/base/img.png）",
                "ok"
            ),
            row("/index.html", "a@href", "绝对路径不受 base 影响", "ok"),
        ]
    );
    assert_eq!(s.hits("/page.html") + s.hits("/img.png"), 0);
    // Pages reached only through frames, iframes, meta refresh, area, forms
    // and scripts were crawled.
    for p in [
        "/iframe.html",
        "/frame-left.html",
        "/frame-right.html",
        "/refresh-target.html",
        "/area-target.html",
        "/js-target.html",
        "/popup-page.html",
        "/base/dir/page.html",
    ] {
        assert_eq!(s.page(p).http_status, Some(200), "{p}");
    }
    // The homepage's <link rel=icon>, logo and the links that are never fetched.
    let home = s.rows_from("/");
    for r in [
        row("/img/favicon.png", "link[icon]@href", "", "ok"),
        row("/img/logo.png", "img@src", "测试市市场监督管理局", "ok"),
        row(
            "mailto:test@example.gov.cn",
            "a@href",
            "test@example.gov.cn",
            "not_checked",
        ),
        row("tel:010-12345678", "a@href", "010-12345678", "not_checked"),
        row("javascript:window.print()", "a@href", "打印", "not_checked"),
        row("javascript:history.back()", "a@href", "返回", "not_checked"),
    ] {
        assert!(home.contains(&r), "{r:?} not in {home:#?}");
    }
}

#[test]
fn trs_pagination_is_crawled_and_a_derived_url_that_fails_is_no_finding() {
    let s = site_run();
    for (p, title) in [
        ("/list/index.html", "通知公告（第1页）"),
        ("/list/index_1.html", "通知公告（第2页）"),
        ("/list/index_2.html", "通知公告（第3页）"),
        ("/list/index_3.html", "通知公告（第4页）"),
    ] {
        assert_eq!(s.page(p).title, title);
    }
    for n in 1..=8 {
        let p = format!("/list/202605/t2026050{n}_10{n}.html");
        assert_eq!(s.page(&p).title, format!("关于第{n}项工作的通知"));
    }
    // createPageHTML(4, 0, …): index_1 … index_4 derived (0- or 1-based
    // templates); index_4 does not exist.
    let derived: Vec<_> = s
        .rows_from("/list/index.html")
        .into_iter()
        .filter(|r| r.1 == "pagination script (derived)")
        .map(|r| (r.0, r.3))
        .collect();
    assert_eq!(
        derived,
        vec![
            ("/list/index_1.html".to_string(), "ok".to_string()),
            ("/list/index_2.html".into(), "ok".into()),
            ("/list/index_3.html".into(), "ok".into()),
            ("/list/index_4.html".into(), "broken".into()),
        ]
    );
    let l = s.link("/list/index.html", "/list/index_4.html");
    assert_eq!(l[0].http_status, Some(404));
    // Checked once although four pages derive it, and never a finding.
    assert_eq!(s.hits("/list/index_4.html"), 1);
    assert!(s.findings_to("/list/index_4.html").is_empty());
    assert!(
        s.run
            .findings
            .iter()
            .all(|f| !f.target_url.contains("/list/") && !f.page_url.contains("/list/index_4")),
        "{:#?}",
        s.run.findings
    );
}

#[test]
fn hanweb_datastore_records_are_links_and_nextgroup_is_not_fetched() {
    let s = site_run();
    assert_eq!(
        s.rows_from("/hanweb/col/col1001/index.html"),
        vec![
            row(
                "/art/2026/5/1/art_1001_2001.html",
                "datastore record",
                "测试市关于优化营商环境的若干措施",
                "ok"
            ),
            row(
                "/art/2026/5/2/art_1001_2002.html",
                "datastore record",
                "测试市市场监管领域轻微违法行为不予处罚清单",
                "ok"
            ),
            row("/js/app.js", "script@src", "", "ok"),
        ]
    );
    assert_eq!(
        s.page("/art/2026/5/1/art_1001_2001.html").title,
        "测试市关于优化营商环境的若干措施"
    );
    assert_eq!(
        s.page("/art/2026/5/2/art_1001_2002.html").http_status,
        Some(200)
    );
    assert_eq!(s.hits("/module/web/jpage/dataproxy.jsp"), 0);
}

#[test]
fn attachments_with_head_refused_are_ok_after_get() {
    let s = site_run();
    for (f, text) in [
        ("/files/report.pdf", "年度报告（PDF，HEAD 返回 405）"),
        ("/files/notice.doc", "通知（DOC，HEAD 返回 405）"),
    ] {
        let l = s.link("/", f);
        assert_eq!(l.len(), 1, "{f}");
        assert_eq!(
            (
                l[0].status.as_str(),
                l[0].http_status,
                l[0].link_text.as_str()
            ),
            ("ok", Some(200), text)
        );
        // HEAD (405) then GET.
        assert_eq!(s.hits(f), 2, "{f}");
        assert!(s.findings_to(f).is_empty(), "{f}");
        // Checked, not parsed: no pages.csv row.
        assert!(s.run.pages.iter().all(|p| p.url != s.url(f)));
    }
    // A server that answers HEAD is asked once.
    assert_eq!(s.hits("/files/data.xls"), 1);
    // Raw and percent-encoded Chinese file names are one URL, checked once.
    let cn = "/files/2026%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf";
    let rows = s.link("/", cn);
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|l| l.status == "ok" && l.http_status == Some(200))
    );
    assert_eq!(s.hits("/files/2026年度报告.pdf"), 1);
}

#[test]
fn a_429_with_retry_after_that_then_succeeds_is_no_finding() {
    let s = site_run();
    let l = s.link("/", "/busy.html");
    assert_eq!(l.len(), 1);
    assert_eq!((l[0].status.as_str(), l[0].http_status), ("ok", Some(200)));
    // Retry-After: 1 was waited for (the run could not end sooner), in the
    // host's queue: not counted as the page's own time.
    assert!(
        s.run.result.duration >= std::time::Duration::from_millis(900),
        "{:?}",
        s.run.result.duration
    );
    assert_eq!(s.hits("/busy.html"), 2);
    assert!(s.findings_to("/busy.html").is_empty());
    assert_eq!(s.page("/busy.html").title, "繁忙页面");
}

#[test]
fn a_redirect_loop_is_a_confirmed_broken_link_naming_the_loop() {
    let s = site_run();
    let f = s.findings_to("/loop/a");
    let got: Vec<_> = f
        .iter()
        .map(|f| {
            (
                f.kind.as_str(),
                f.certainty.as_str(),
                s.rel(&f.page_url),
                f.link_text.as_str(),
                f.detail.as_str(),
                f.http_status,
            )
        })
        .collect();
    let want = |page: &str| {
        (
            "broken_link",
            "confirmed",
            page.to_string(),
            "循环跳转",
            "redirect loop via /loop/a -> /loop/b -> /loop/a",
            None,
        )
    };
    // `/` and `/index.html` serve one document: its link findings appear once,
    // under `/` (the start URL, fetched first).
    assert_eq!(got, vec![want("/")]);
    assert_eq!((s.hits("/loop/a"), s.hits("/loop/b")), (1, 1));
    assert_eq!(s.link("/", "/loop/a")[0].status, "broken");
}

#[test]
fn a_read_timeout_is_a_suspected_broken_link() {
    let s = site_run();
    let f = s.findings_to("/slow.html");
    assert_eq!(f.len(), 1, "{f:#?}");
    for (f, page) in f.iter().zip(["/"; 1]) {
        assert_eq!(
            (
                f.kind.as_str(),
                f.severity.as_str(),
                f.certainty.as_str(),
                s.rel(&f.page_url).as_str(),
                f.detail.as_str(),
                f.http_status
            ),
            (
                "broken_link",
                "error",
                "suspected",
                page,
                "timeout after 1s",
                None
            )
        );
    }
    // One retry of the transient failure.
    assert_eq!(s.hits("/slow.html"), 2);
}

#[test]
fn robots_txt_is_respected_by_default() {
    let s = site_run();
    assert_eq!(s.hits("/robots.txt"), 1);
    assert_eq!(s.hits("/private/secret.html"), 0);
    assert_eq!(s.hits("/private/deeper.html"), 0);
    let l = s.link("/", "/private/secret.html");
    assert_eq!(
        (l[0].status.as_str(), l[0].http_status, l[0].elapsed_ms),
        ("skipped", None, None)
    );
    assert!(s.findings_to("/private/secret.html").is_empty());
    assert!(s.run.pages.iter().all(|p| !p.url.contains("/private/")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_is_ignored_when_the_rules_say_so() {
    let server = serve("site").await;
    let rules = rules_for(
        &server,
        &format!(
            "ignore = [\"slow\\\\.html\", \"/loop/\", \"busy\\\\.html\", \"other-host\", \"nohost\"]\n{FAST}respect_robots = false\n"
        ),
    );
    let run = audit(&server, rules, |_| {}).await;
    assert_eq!(server.hits("/robots.txt"), 0);
    assert_eq!(server.hits("/private/secret.html"), 1);
    assert_eq!(server.hits("/private/deeper.html"), 1);
    let title = |p: &str| {
        run.pages
            .iter()
            .find(|r| r.url == server.url(p))
            .map(|r| r.title.clone())
    };
    assert_eq!(title("/private/secret.html").as_deref(), Some("内部页面"));
    assert_eq!(title("/private/deeper.html").as_deref(), Some("内部页面2"));
}

#[test]
fn resolve_maps_an_external_name_and_dns_failures_are_confirmed() {
    let s = site_run();
    let other = "http://www.other-host.test/other.html";
    let l: Vec<_> = s
        .run
        .links
        .iter()
        .filter(|l| l.target_url == other)
        .collect();
    assert_eq!(l.len(), 1);
    assert_eq!(
        (
            s.rel(&l[0].page_url).as_str(),
            l[0].status.as_str(),
            l[0].http_status
        ),
        ("/ext.html", "ok", Some(200))
    );
    // Checked once through the mapping, never crawled (external).
    assert_eq!(s.hits_on("www.other-host.test", "/other.html"), 1);
    assert_eq!(
        s.hits
            .iter()
            .filter(|h| h.0 == "www.other-host.test")
            .count(),
        1
    );
    // The only name that reached a resolver is the one nobody mapped.
    let asked: BTreeSet<&str> = s.asked.iter().map(String::as_str).collect();
    assert_eq!(asked, BTreeSet::from(["nohost.invalid"]));
    let dns: Vec<_> = s
        .run
        .findings
        .iter()
        .filter(|f| f.target_url == "http://nohost.invalid/page.html")
        .map(|f| {
            (
                f.kind.as_str(),
                f.certainty.as_str(),
                s.rel(&f.page_url),
                f.link_text.as_str(),
                f.detail.as_str(),
            )
        })
        .collect();
    assert_eq!(
        dns,
        vec![(
            "broken_link",
            "confirmed",
            "/ext.html".to_string(),
            "不存在的域名",
            "DNS: no such host"
        )]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_in_curl_form_audits_a_site_by_its_name() {
    let server = serve("site").await;
    let port = server.port();
    let start = format!("http://www.bureau.test:{port}/");
    let rules = zwgk_audit::rules::Rules::from_toml(
        &format!("[site]\nname = \"测试站\"\nid = \"fixture\"\nstart_urls = [\"{start}\"]\n{FAST}"),
        Path::new("fixture.toml"),
    )
    .unwrap();
    let entry: ResolveEntry = format!("www.bureau.test:{port}:127.0.0.1").parse().unwrap();
    assert_eq!(entry.connect_port, None);
    let run = audit(&server, rules, move |o| {
        o.resolve.push(entry);
        o.max_depth = Some(1);
    })
    .await;
    assert!(run.result.start_unreachable.is_none());
    let home = run.pages.iter().find(|p| p.url == start).unwrap();
    assert_eq!(home.title, "测试市市场监督管理局");
    assert_eq!(server.hits_on("www.bureau.test", "/"), 1);
    assert_eq!(server.hits_on("www.bureau.test", "/gbk/index.html"), 1);
    // Every request carried the name; links resolve against it.
    assert!(server.all_hits().iter().all(|h| h.0 == "www.bureau.test"));
    assert!(run.links.iter().any(|l| l.target_url
        == format!("http://www.bureau.test:{port}/sources.html")
        && l.status == "ok"));
}

#[test]
fn a_link_to_a_private_address_is_a_wrong_link_and_never_fetched() {
    let s = site_run();
    let t = "http://10.1.2.3/x";
    let f: Vec<_> = s
        .run
        .findings
        .iter()
        .filter(|f| f.target_url == t)
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (
            f[0].kind.as_str(),
            f[0].severity.as_str(),
            f[0].certainty.as_str(),
            s.rel(&f[0].page_url).as_str(),
            f[0].element.as_str(),
            f[0].link_text.as_str(),
            f[0].detail.as_str(),
            f[0].http_status,
        ),
        (
            "wrong_link",
            "error",
            "confirmed",
            "/ext.html",
            "a@href",
            "内网地址",
            "private-range (intranet) address 10.1.2.3: not reachable from the internet",
            None
        )
    );
    let l: Vec<_> = s.run.links.iter().filter(|l| l.target_url == t).collect();
    assert_eq!(l.len(), 1);
    // No check happened: no status, no time, no final URL.
    assert_eq!(
        (
            l[0].status.as_str(),
            l[0].http_status,
            l[0].elapsed_ms,
            l[0].final_url.as_str()
        ),
        ("wrong", None, None, "")
    );
}

#[test]
fn the_site_run_reports_exactly_the_planted_link_problems() {
    let s = site_run();
    let f = |kind: &str, cert: &str, page: &str, target: &str, detail: &str| {
        (
            kind.to_string(),
            cert.to_string(),
            page.to_string(),
            target.to_string(),
            "a@href".to_string(),
            detail.to_string(),
        )
    };
    let mut want = Vec::new();
    // `/index.html` is the homepage's document again: reported once, under `/`.
    let home = "/";
    want.push(f(
        "broken_link",
        "confirmed",
        home,
        "/missing.html",
        "404 Not Found",
    ));
    want.push(f(
        "broken_link",
        "confirmed",
        home,
        "/files/missing.pdf",
        "404 Not Found",
    ));
    want.push(f(
        "broken_link",
        "confirmed",
        home,
        "/loop/a",
        "redirect loop via /loop/a -> /loop/b -> /loop/a",
    ));
    want.push(f(
        "broken_link",
        "suspected",
        home,
        "/slow.html",
        "timeout after 1s",
    ));
    want.push(f(
        "soft_404",
        "confirmed",
        home,
        "/deleted.html",
        "title 「页面不存在」 matches 「页面不存在」",
    ));
    want.push(f(
        "wrong_link",
        "confirmed",
        "/ext.html",
        "http://10.1.2.3/x",
        "private-range (intranet) address 10.1.2.3: not reachable from the internet",
    ));
    want.push(f(
        "broken_link",
        "confirmed",
        "/ext.html",
        "http://nohost.invalid/page.html",
        "DNS: no such host",
    ));
    // /article.html is also reached through /moved.html (301): its content is
    // analysed once, under its final URL.
    want.push(f(
        "missing_anchor",
        "confirmed",
        "/article.html",
        "/sources.html#nowhere",
        "no id or name 「nowhere」 on the target page",
    ));
    want.sort();
    assert_eq!(s.link_findings(), want);
}

#[test]
fn a_page_reached_through_a_redirect_is_analysed_once() {
    let s = site_run();
    // /moved.html → 301 → /article.html: the link is fine and says where it went.
    let l = s.link("/", "/moved.html");
    assert_eq!(
        (
            l[0].status.as_str(),
            l[0].http_status,
            s.rel(&l[0].final_url).as_str()
        ),
        ("redirected", Some(200), "/article.html")
    );
    assert!(s.findings_to("/moved.html").is_empty());
    // One pages.csv row carries the article, one set of its links is recorded.
    let article_rows: Vec<_> = s.run.pages.iter().filter(|p| p.title == "文章").collect();
    assert_eq!(article_rows.len(), 1, "{article_rows:#?}");
    // … under its final URL, whichever of the two the crawl reached first.
    assert_eq!(s.rel(&article_rows[0].url), "/article.html");
    let from_article = s
        .run
        .links
        .iter()
        .filter(|l| l.target_url == s.url("/sources.html#nowhere"))
        .map(|l| s.rel(&l.page_url))
        .collect::<Vec<_>>();
    assert_eq!(from_article, ["/article.html"]);
    let anchor_links = s
        .run
        .links
        .iter()
        .filter(|l| l.target_url == s.url("/sources.html#nowhere"))
        .count();
    assert_eq!(anchor_links, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ca_cert_makes_a_site_behind_a_private_ca_auditable() {
    let server = serve("site").await;
    let front = TlsFront::start(server.addr(), &["www.secure.test"]).await;
    let start = "https://www.secure.test/";
    let rules = || {
        zwgk_audit::rules::Rules::from_toml(
            &format!(
                "[site]\nname = \"测试站\"\nid = \"fixture\"\nstart_urls = [\"{start}\"]\nignore = [\"slow\", \"/loop/\", \"busy\", \"other-host\", \"nohost\"]\n{FAST}"
            ),
            Path::new("fixture.toml"),
        )
        .unwrap()
    };
    let addr = front.addr();
    // Without the CA: the start URL fails, naming TLS.
    let run = audit(&server, rules(), move |o| {
        o.resolve
            .push(ResolveEntry::connect_to("www.secure.test", addr));
    })
    .await;
    let why = run.result.start_unreachable.clone().unwrap_or_default();
    assert_eq!(
        why,
        "https://www.secure.test/: TLS: certificate signed by an unknown issuer"
    );
    assert_eq!(front.handshakes(), 0);
    assert_eq!(server.total_hits(), 0);
    assert_eq!(run.result.pages, 0);
    // With --ca-cert: crawled.
    let ca = front.ca_pem();
    let run = audit(&server, rules(), move |o| {
        o.resolve
            .push(ResolveEntry::connect_to("www.secure.test", addr));
        o.ca_certs = vec![ca];
        o.max_depth = Some(1);
    })
    .await;
    assert_eq!(run.result.start_unreachable, None);
    let home = run.pages.iter().find(|p| p.url == start).unwrap();
    assert_eq!(
        (home.http_status, home.title.as_str()),
        (Some(200), "测试市市场监督管理局")
    );
    assert!(
        run.pages
            .iter()
            .any(|p| p.url == "https://www.secure.test/gbk/index.html"
                && p.title == "信息公开目录（GBK）")
    );
    assert!(front.handshakes() >= 1);
    assert_eq!(front.plain_connections(), 0);
    assert_eq!(server.hits_on("www.secure.test", "/"), 1);

    // A file that holds no certificate is a clear error before any request.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("not-a-cert.pem");
    std::fs::write(&bad, "hello").unwrap();
    let mut opts = options(&server, dir.path());
    opts.ca_certs = vec![bad.clone()];
    let err = zwgk_audit::audit::Auditor::new(rules(), opts)
        .run()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "--ca-cert {}: not a PEM certificate",
            bad.display()
        )),
        "{err}"
    );
}

/// Writes `files` (path → content) under `root`.
fn write_site(root: &Path, files: &BTreeMap<String, String>) {
    for (rel, text) in files {
        let p = root.join(rel.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_host_concurrency_limit_is_never_exceeded() {
    // Two hosts of 24 pages, each page answering after 120 ms.
    let dir = tempfile::tempdir().unwrap();
    let mut files = BTreeMap::new();
    for host in ["www.a.test", "www.b.test"] {
        let links: String = (0..24)
            .map(|i| format!("<a href=\"/p{i}.html\">第{i}页</a>\n"))
            .collect();
        files.insert(
            format!("{host}/index.html"),
            format!(
                "<html lang=\"zh\"><head><title>{host}</title></head><body>{links}</body></html>"
            ),
        );
        let mut routes = String::new();
        for i in 0..24 {
            files.insert(
                format!("{host}/p{i}.html"),
                format!("<html lang=\"zh\"><head><title>第{i}页</title></head><body><a href=\"/\">首页</a></body></html>"),
            );
            routes.push_str(&format!("[\"/p{i}.html\"]\ndelay_ms = 120\n"));
        }
        files.insert(format!("{host}/_routes.toml"), routes);
    }
    write_site(dir.path(), &files);
    let server = SiteServer::start_with_today(SiteSource::dir(dir.path()), today())
        .await
        .unwrap();
    let rules = zwgk_audit::rules::Rules::from_toml(
        "[site]\nname = \"两站\"\nid = \"two\"\nstart_urls = [\"http://www.a.test/\", \"http://www.b.test/\"]\n[crawl]\nhost_interval_ms = 0\nmax_concurrency = 16\nhost_concurrency = 3\ntimeout_secs = 5\n",
        Path::new("two.toml"),
    )
    .unwrap();
    let run = audit(&server, rules, |_| {}).await;
    assert_eq!(run.pages.len(), 50);
    assert!(run.pages.iter().all(|p| p.http_status == Some(200)));
    for host in ["www.a.test", "www.b.test"] {
        let most = server.max_in_flight_on(host);
        assert!(most <= 3, "{host}: {most} requests at once");
        // The limit was reached, so the bound above means something.
        assert!(most >= 2, "{host}: {most}");
    }
    // The two hosts were crawled side by side: the limit is per host.
    assert!(server.max_in_flight() > 3, "{}", server.max_in_flight());
}

/// The generated government-shaped site: pages and the link occurrences each
/// page must yield, as (page path, target, element).
struct GovSite {
    files: BTreeMap<String, String>,
    pages: BTreeSet<String>,
    missing: BTreeSet<String>,
    links: Vec<(String, String, String)>,
}

const COLUMNS: usize = 10;
const LIST_PAGES: usize = 10;
const PER_LIST: usize = 19;

fn gov_site() -> GovSite {
    let mut s = GovSite {
        files: BTreeMap::new(),
        pages: BTreeSet::new(),
        missing: BTreeSet::new(),
        links: Vec::new(),
    };
    let columns: Vec<(String, String)> = (0..COLUMNS)
        .map(|c| (format!("/col{c}/index.html"), format!("栏目{c}")))
        .collect();
    // Shared header and footer: what every page links to.
    let header = |s: &mut GovSite, page: &str| -> String {
        let mut h = String::from(
            "<link rel=\"stylesheet\" href=\"/css/site.css\"></head><body><div class=\"header\"><img src=\"/img/logo.png\" alt=\"测试局\"></div><ul class=\"nav\"><li><a href=\"/index.html\">首页</a></li>",
        );
        s.links.push((
            page.into(),
            "/css/site.css".into(),
            "link[stylesheet]@href".into(),
        ));
        s.links
            .push((page.into(), "/img/logo.png".into(), "img@src".into()));
        s.links
            .push((page.into(), "/index.html".into(), "a@href".into()));
        for (url, name) in &columns {
            h.push_str(&format!("<li><a href=\"{url}\">{name}</a></li>"));
            s.links.push((page.into(), url.clone(), "a@href".into()));
        }
        h.push_str("</ul>");
        h
    };
    let footer = |s: &mut GovSite, page: &str| -> String {
        s.links
            .push((page.into(), "/about.html".into(), "a@href".into()));
        s.links
            .push((page.into(), "/contact.html".into(), "a@href".into()));
        s.links.push((
            page.into(),
            "mailto:web@bureau.test".into(),
            "a@href".into(),
        ));
        "<div class=\"footer\"><a href=\"/about.html\">关于我们</a> <a href=\"/contact.html\">联系我们</a> <a href=\"mailto:web@bureau.test\">网站纠错</a></div></body></html>".into()
    };
    let head = |title: &str| {
        format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title>"
        )
    };
    for (path, title) in [
        ("/index.html", "测试局"),
        ("/about.html", "关于我们"),
        ("/contact.html", "联系我们"),
    ] {
        let h = header(&mut s, path);
        let f = footer(&mut s, path);
        s.files.insert(
            path.into(),
            format!("{}{h}<h1>{title}</h1>{f}", head(title)),
        );
        s.pages.insert(path.into());
    }
    s.files.insert(
        "/css/site.css".into(),
        "body { background: url(../img/bg.png); }\n".into(),
    );
    s.links.push((
        "/css/site.css".into(),
        "/img/bg.png".into(),
        "css url()".into(),
    ));
    s.files.insert("/img/logo.png".into(), "png".into());
    s.files.insert("/img/bg.png".into(), "png".into());
    let mut planted = 0;
    for c in 0..COLUMNS {
        for k in 0..LIST_PAGES {
            let list = if k == 0 {
                format!("/col{c}/index.html")
            } else {
                format!("/col{c}/index_{k}.html")
            };
            let title = format!("栏目{c}（第{}页）", k + 1);
            let mut body = header(&mut s, &list);
            body.push_str("<ul class=\"list\">");
            for i in 0..PER_LIST {
                let id = (k * PER_LIST + i) as u32 + 1000;
                let art = format!("/col{c}/202605/t20260501_{id}.html");
                body.push_str(&format!(
                    "<li><a href=\"./202605/t20260501_{id}.html\">文章{c}-{id}</a><span>2026-05-01</span></li>"
                ));
                s.links.push((list.clone(), art.clone(), "a@href".into()));
                // The article.
                let atitle = format!("文章{c}-{id}");
                let mut ab = header(&mut s, &art);
                ab.push_str(&format!(
                    "<h1>{atitle}</h1><p>正文。</p><a href=\"../index.html\">返回列表</a>"
                ));
                s.links
                    .push((art.clone(), format!("/col{c}/index.html"), "a@href".into()));
                if (c * 1000 + id as usize).is_multiple_of(389) && planted < 5 {
                    planted += 1;
                    let gone = format!("/col{c}/202604/t20260401_{id}.html");
                    ab.push_str(&format!("<a href=\"{gone}\">相关文件</a>"));
                    s.links.push((art.clone(), gone.clone(), "a@href".into()));
                    s.missing.insert(gone);
                }
                let f = footer(&mut s, &art);
                s.files
                    .insert(art.clone(), format!("{}{ab}{f}", head(&atitle)));
                s.pages.insert(art);
            }
            body.push_str(&format!(
                "</ul><div class=\"page\"><script>createPageHTML({LIST_PAGES}, {k}, \"index\", \"html\");</script></div>"
            ));
            // The script announces LIST_PAGES pages: index_1 … index_{LIST_PAGES}
            // are derived (the last one does not exist: a 0-based template).
            for n in 1..=LIST_PAGES {
                s.links.push((
                    list.clone(),
                    format!("/col{c}/index_{n}.html"),
                    "pagination script (derived)".into(),
                ));
            }
            s.missing.insert(format!("/col{c}/index_{LIST_PAGES}.html"));
            let f = footer(&mut s, &list);
            s.files
                .insert(list.clone(), format!("{}{body}{f}", head(&title)));
            s.pages.insert(list);
        }
    }
    assert_eq!(planted, 5, "the generator plants five broken links");
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_thousand_page_site_is_crawled_completely() {
    let site = gov_site();
    assert!(site.pages.len() >= 2000, "{}", site.pages.len());
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), &site.files);
    let server = SiteServer::start_with_today(SiteSource::dir(dir.path()), today())
        .await
        .unwrap();
    let base = server.url("");
    let base = base.trim_end_matches('/').to_string();
    let rules = zwgk_audit::rules::Rules::from_toml(
        &format!(
            "[site]\nname = \"测试局\"\nid = \"gov\"\nstart_urls = [\"{base}/index.html\"]\n[crawl]\nhost_interval_ms = 0\nmax_concurrency = 16\nhost_concurrency = 8\ntimeout_secs = 10\n"
        ),
        Path::new("gov.toml"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let run = audit(&server, rules, |_| {}).await;
    let took = started.elapsed();
    let rel = |u: &str| u.strip_prefix(&base).unwrap_or(u).to_string();

    // pages.csv: every generated page once (200), plus the 404s it links to.
    let mut ok = BTreeSet::new();
    let mut missing = BTreeSet::new();
    for p in &run.pages {
        let set = match p.http_status {
            Some(200) => &mut ok,
            Some(404) => &mut missing,
            other => panic!("{}: {other:?}", p.url),
        };
        assert!(set.insert(rel(&p.url)), "{} twice", p.url);
    }
    assert_eq!(ok, site.pages);
    assert_eq!(missing, site.missing);
    assert_eq!(run.result.pages, site.pages.len() as u64);

    // links.csv: every occurrence, exactly.
    let mut got: Vec<(String, String, String)> = run
        .links
        .iter()
        .map(|l| (rel(&l.page_url), rel(&l.target_url), l.element.clone()))
        .collect();
    got.sort();
    let mut want = site.links.clone();
    want.sort();
    assert_eq!(got.len(), want.len());
    assert!(got == want, "links.csv differs from the generated site");
    assert_eq!(run.result.links, want.len() as u64);

    // Findings: the five planted 404s, nothing for the derived index_10 pages.
    let broken: BTreeSet<String> = run
        .findings
        .iter()
        .filter(|f| f.kind == "broken_link")
        .map(|f| rel(&f.target_url))
        .collect();
    let planted: BTreeSet<String> = site
        .missing
        .iter()
        .filter(|m| !m.contains("index_"))
        .cloned()
        .collect();
    assert_eq!(broken, planted);
    assert!(
        run.findings
            .iter()
            .all(|f| !is_link_kind(&f.kind) || f.kind == "broken_link"),
        "{:#?}",
        run.findings
            .iter()
            .filter(|f| is_link_kind(&f.kind))
            .collect::<Vec<_>>()
    );
    // Every URL requested once.
    assert!(server.all_hits().iter().all(|h| h.2 == 1));
    assert!(took.as_secs() < 60, "took {took:?}");
    eprintln!(
        "2,000-page site: {} pages, {} links in {took:?}",
        run.pages.len(),
        run.links.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gbk_page_query_strings_are_encoded_as_a_browser_would() {
    // WHATWG URL parsing: the path is always UTF-8, the query takes the
    // document's encoding.
    let dir = tempfile::tempdir().unwrap();
    let html = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"gbk\"><title>站内搜索（GBK）</title></head><body>\
        <a href=\"/search/result.html?q=通知公告&amp;col=政策\">搜索通知公告</a>\
        <a href=\"/files/通知.pdf?v=1\">通知附件</a></body></html>";
    let (bytes, _, bad) = encoding_rs::GBK.encode(html);
    assert!(!bad);
    std::fs::write(dir.path().join("index.html"), &bytes).unwrap();
    std::fs::create_dir_all(dir.path().join("search")).unwrap();
    std::fs::write(
        dir.path().join("search/result.html"),
        "<html lang=\"zh\"><head><title>结果</title></head><body></body></html>",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("files")).unwrap();
    std::fs::write(dir.path().join("files/通知.pdf"), "%PDF-1.4\n%%EOF\n").unwrap();
    let server = SiteServer::start_with_today(SiteSource::dir(dir.path()), today())
        .await
        .unwrap();
    let run = audit(&server, rules_for(&server, FAST), |_| {}).await;
    let home = &run.pages[0];
    assert_eq!(
        (home.charset.as_str(), home.title.as_str()),
        ("GBK", "站内搜索（GBK）")
    );
    let mut got: Vec<(String, String, String)> = run
        .links
        .iter()
        .map(|l| (l.target_url.clone(), l.link_text.clone(), l.status.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                server.url("/files/%E9%80%9A%E7%9F%A5.pdf?v=1"),
                "通知附件".to_string(),
                "ok".to_string()
            ),
            (
                server.url("/search/result.html?q=%CD%A8%D6%AA%B9%AB%B8%E6&col=%D5%FE%B2%DF"),
                "搜索通知公告".to_string(),
                "ok".to_string()
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_takes_resolve_and_ca_cert() {
    let server = serve("site").await;
    let front = TlsFront::start(server.addr(), &["www.secure.test"]).await;
    let port = front.addr().port();
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("site.toml");
    std::fs::write(
        &rules,
        format!(
            "[site]\nname = \"测试站\"\nid = \"cli\"\nstart_urls = [\"https://www.secure.test:{port}/\"]\nignore = [\"slow\", \"/loop/\", \"busy\"]\n{FAST}"
        ),
    )
    .unwrap();
    let run = |out: &str, ca: bool| {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_zwgk-audit"));
        cmd.arg("crawl")
            .arg("--rules")
            .arg(&rules)
            .arg("--resolve")
            .arg(format!("www.secure.test:{port}:127.0.0.1"))
            .arg("--homepage-only")
            .arg("--quiet")
            .arg("--today")
            .arg("2026-05-25")
            .arg("--reports")
            .arg(dir.path().join("reports"))
            .arg("--out")
            .arg(dir.path().join(out));
        if ca {
            cmd.arg("--ca-cert").arg(front.ca_pem());
        }
        cmd.output()
    };
    let no_ca = run("no-ca", false).await.unwrap();
    let stderr = String::from_utf8_lossy(&no_ca.stderr);
    assert_eq!(no_ca.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the site could not be audited: https://www.secure.test:{port}/: TLS: certificate signed by an unknown issuer"
        )),
        "{stderr}"
    );
    let ok = run("ok", true).await.unwrap();
    let stderr = String::from_utf8_lossy(&ok.stderr);
    // The homepage links a 404 attachment: findings at the fail level, exit 1.
    assert_eq!(ok.status.code(), Some(1), "{stderr}");
    let out = dir.path().join("ok");
    let pages: Vec<PageRow> =
        zwgk_audit::report::csv::read_rows(&std::fs::read(out.join("pages.csv")).unwrap()).unwrap();
    let home = format!("https://www.secure.test:{port}/");
    assert!(
        pages
            .iter()
            .any(|p| p.url == home && p.title == "测试市市场监督管理局"),
        "{pages:#?}"
    );
    let findings: Vec<FindingRow> =
        zwgk_audit::report::csv::read_rows(&std::fs::read(out.join("findings.csv")).unwrap())
            .unwrap();
    assert!(findings.iter().any(|f| f.kind == "broken_link"
        && f.page_url == home
        && f.target_url == format!("{home}files/missing.pdf")));
    assert_eq!(server.hits_on("www.secure.test", "/files/missing.pdf"), 2);
}
