//! Issue 3: link findings. Each kind is asserted on the exact rows of
//! findings.csv (page, target, text, element, detail, severity, certainty),
//! and the look-alikes SPEC.md lists are asserted absent.
//!
//! Most tests share one audit of `tests/fixtures/links` (see its README.md):
//! the bureau's site `www.bureau.test` and the external hosts it links to,
//! all on one loopback server, every name mapped. Mixed content is audited
//! over HTTPS through a TLS front with a CA made at test time; the proof that
//! wrong links are never connected to uses a listener of its own.

use crate::common::tls::TlsFront;
use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use zwgk_audit::crawl::resolve::ResolveEntry;
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::report::rows::{FindingRow, LinkRow};
use zwgk_audit::rules::Rules;

const SITE: &str = "http://www.bureau.test";

fn links_rules() -> Rules {
    Rules::from_toml(
        "[site]\nname = \"测试局\"\nid = \"links\"\nstart_urls = [\"http://www.bureau.test/\"]\n\
         forbidden_hosts = [\"preview.bureau.test\"]\n\
         [crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 1\nbackoff_ms = 50\n",
        Path::new("links.toml"),
    )
    .unwrap()
}

/// One finished audit of the links fixture and what the server saw.
struct LinksRun {
    run: Run,
    /// (host, decoded path, requests)
    hits: Vec<(String, String, u64)>,
    /// Names the injected resolver was asked.
    asked: Vec<String>,
}

impl LinksRun {
    fn hits_on(&self, host: &str, path: &str) -> u64 {
        self.hits
            .iter()
            .filter(|(h, p, _)| h == host && p == path)
            .map(|(_, _, n)| n)
            .sum()
    }
    fn hits(&self, path: &str) -> u64 {
        self.hits_on("www.bureau.test", path)
    }
    /// Findings of one kind, as comparable rows, sorted.
    fn of_kind(&self, kind: &str) -> Vec<Row> {
        let mut v: Vec<Row> = self
            .run
            .findings
            .iter()
            .filter(|f| f.kind == kind)
            .map(Row::of)
            .collect();
        v.sort();
        v
    }
    /// links.csv rows from `page` (a path on the bureau's site) to `target`
    /// (a path there, or an absolute URL).
    fn links(&self, page: &str, target: &str) -> Vec<&LinkRow> {
        let page = abs(page);
        let target = abs(target);
        self.run
            .links
            .iter()
            .filter(|l| l.page_url == page && l.target_url == target)
            .collect()
    }
}

/// A path on the bureau's site as a URL; absolute URLs and raw hrefs unchanged.
fn abs(s: &str) -> String {
    if s.starts_with('/') && !s.starts_with("//") {
        format!("{SITE}{s}")
    } else {
        s.to_string()
    }
}

/// A finding as compared here: every column but first_seen / kind_name / column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    kind: String,
    severity: String,
    certainty: String,
    page: String,
    target: String,
    text: String,
    element: String,
    detail: String,
    status: Option<u16>,
}

impl Row {
    fn of(f: &FindingRow) -> Row {
        Row {
            kind: f.kind.clone(),
            severity: f.severity.clone(),
            certainty: f.certainty.clone(),
            page: f.page_url.clone(),
            target: f.target_url.clone(),
            text: f.link_text.clone(),
            element: f.element.clone(),
            detail: f.detail.clone(),
            status: f.http_status,
        }
    }
}

/// An expected row: `a@href`, error, confirmed unless changed.
fn want(
    kind: &str,
    page: &str,
    target: &str,
    text: &str,
    detail: &str,
    status: Option<u16>,
) -> Row {
    Row {
        kind: kind.into(),
        severity: "error".into(),
        certainty: "confirmed".into(),
        page: abs(page),
        target: abs(target),
        text: text.into(),
        element: "a@href".into(),
        detail: detail.into(),
        status,
    }
}

impl Row {
    fn suspected(mut self) -> Row {
        self.certainty = "suspected".into();
        self
    }
    fn severity(mut self, s: &str) -> Row {
        self.severity = s.into();
        self
    }
    fn element(mut self, e: &str) -> Row {
        self.element = e.into();
        self
    }
}

fn sorted(mut v: Vec<Row>) -> Vec<Row> {
    v.sort();
    v
}

fn links_run() -> &'static LinksRun {
    static RUN: OnceLock<LinksRun> = OnceLock::new();
    RUN.get_or_init(|| {
        block_on_thread(|| async {
            let server = serve("links").await;
            // A port nothing listens on.
            let closed = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap();
            let resolver = Arc::new(FailingResolver::default());
            let r = resolver.clone();
            let run = audit(&server, links_rules(), move |o| {
                o.resolve
                    .push(ResolveEntry::connect_to("www.closed.test", closed));
                o.fallback_resolver = Some(r);
            })
            .await;
            LinksRun {
                run,
                hits: server.all_hits(),
                asked: resolver.asked(),
            }
        })
    })
}

#[test]
fn broken_links_with_status_classes_and_certainty() {
    let r = links_run();
    let b = "/broken.html";
    let mut expected = vec![
        want(
            "broken_link",
            b,
            "/gone.html",
            "已删除的通知",
            "404 Not Found",
            Some(404),
        ),
        want(
            "broken_link",
            b,
            "/gone410.html",
            "已撤销的文件",
            "410 Gone",
            Some(410),
        ),
        want(
            "broken_link",
            b,
            "/error503.html",
            "服务器错误",
            "503 Service Unavailable (server error: check again later)",
            Some(503),
        )
        .suspected(),
        want(
            "broken_link",
            b,
            "/forbidden403.html",
            "防火墙拦截",
            "403 Forbidden (may be a firewall or bot wall: check in a browser)",
            Some(403),
        )
        .suspected(),
        want(
            "broken_link",
            b,
            "/always-busy.html",
            "一直繁忙",
            "429 Too Many Requests (rate limited, never cleared)",
            Some(429),
        )
        .suspected(),
        want(
            "broken_link",
            b,
            "/files/removed.pdf",
            "已删除的附件",
            "404 Not Found",
            Some(404),
        ),
        want(
            "broken_link",
            b,
            "/img/missing.png",
            "缺失的图片",
            "404 Not Found",
            Some(404),
        )
        .element("img@src"),
        want(
            "broken_link",
            b,
            "http://www.closed.test/",
            "端口未开放",
            "connection refused",
            None,
        ),
        want(
            "broken_link",
            "/external.html",
            "http://www.friend.test/old-page.html",
            "外站已删除的页面",
            "404 Not Found",
            Some(404),
        ),
    ];
    for p in ["/dup-a.html", "/dup-b.html", "/dup-c.html"] {
        expected.push(want(
            "broken_link",
            p,
            "/shared-gone.html",
            "共享的失效链接",
            "404 Not Found",
            Some(404),
        ));
    }
    assert_eq!(r.of_kind("broken_link"), sorted(expected));
    // 5xx and 429 were retried once; the others are final at once.
    assert_eq!(r.hits("/error503.html"), 2);
    assert_eq!(r.hits("/always-busy.html"), 2);
    assert_eq!(r.hits("/gone410.html"), 1);
    assert_eq!(r.hits("/forbidden403.html"), 1);
}

#[test]
fn one_finding_per_page_and_target_even_when_linked_twice() {
    let r = links_run();
    let rows = r.links("/broken.html", "/gone.html");
    let texts: Vec<&str> = rows.iter().map(|l| l.link_text.as_str()).collect();
    assert_eq!(texts, ["已删除的通知", "已删除的通知（同一页第二次）"]);
    assert!(
        rows.iter()
            .all(|l| l.status == "broken" && l.http_status == Some(404))
    );
    let f: Vec<_> = r
        .run
        .findings
        .iter()
        .filter(|f| f.target_url == abs("/gone.html"))
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].link_text, "已删除的通知");
    assert_eq!(r.hits("/gone.html"), 1);
}

#[test]
fn the_same_broken_target_on_three_pages_is_three_findings_and_one_check() {
    let r = links_run();
    let pages: BTreeSet<String> = r
        .run
        .findings
        .iter()
        .filter(|f| f.target_url == abs("/shared-gone.html"))
        .map(|f| f.page_url.clone())
        .collect();
    assert_eq!(
        pages,
        ["/dup-a.html", "/dup-b.html", "/dup-c.html"]
            .iter()
            .map(|p| abs(p))
            .collect()
    );
    assert_eq!(r.hits("/shared-gone.html"), 1);
    let rows: Vec<_> = r
        .run
        .links
        .iter()
        .filter(|l| l.target_url == abs("/shared-gone.html"))
        .collect();
    assert_eq!(rows.len(), 3);
}

#[test]
fn soft_404s_error_pages_and_documents_redirected_home() {
    let r = links_run();
    let s = "/soft.html";
    let expected = vec![
        want(
            "soft_404",
            s,
            "/deleted.html",
            "已删除的页面",
            "title 「页面不存在」 matches 「页面不存在」",
            Some(200),
        ),
        want(
            "soft_404",
            s,
            "/notice-gone.html",
            "已撤下的公告",
            "heading 「抱歉，您访问的页面已删除」 matches 「页面已删除」",
            Some(200),
        ),
        want(
            "soft_404",
            s,
            "/xxgk/old-doc.html",
            "旧文件（跳转到首页）",
            "redirected to the homepage http://www.bureau.test/",
            Some(200),
        ),
        want(
            "soft_404",
            "/external.html",
            "http://www.friend.test/removed.html",
            "外站软404",
            "title 「您访问的页面不存在」 matches 「页面不存在」",
            Some(200),
        ),
        want(
            "soft_404",
            "/external.html",
            "http://www.friend.test/doc.html",
            "外站文件跳转到首页",
            "redirected to the homepage http://www.friend.test/",
            Some(200),
        ),
    ];
    assert_eq!(r.of_kind("soft_404"), sorted(expected));
    // A long article about 404 pages, and a short list page whose link text
    // says 404错误, are not error pages.
    let l = r.links(s, "/news/report-404.html");
    assert_eq!((l[0].status.as_str(), l[0].http_status), ("ok", Some(200)));
    let l = r.links("/", "/soft.html");
    assert_eq!(l[0].status, "ok");
    // The homepage the document was redirected to is not a finding itself.
    assert!(
        r.run
            .findings
            .iter()
            .all(|f| f.target_url != format!("{SITE}/"))
    );
}

#[test]
fn wrong_links_are_reported_from_the_html_and_never_fetched() {
    let r = links_run();
    let w = |target: &str, text: &str, detail: &str| {
        want("wrong_link", "/wrong.html", target, text, detail, None)
    };
    let expected = vec![
        w(
            "http://10.1.2.3/oa/",
            "内网办公系统",
            "private-range (intranet) address 10.1.2.3: not reachable from the internet",
        ),
        w(
            "http://192.168.1.10:8080/login",
            "内网登录",
            "private-range (intranet) address 192.168.1.10: not reachable from the internet",
        ),
        w(
            "http://169.254.1.1/",
            "链路本地地址",
            "link-local address 169.254.1.1: not reachable from the internet",
        ),
        w(
            "http://localhost:8080/admin/",
            "本机后台",
            "localhost: points at the visitor's own computer",
        ),
        w(
            "http://oa/portal",
            "OA门户",
            "intranet host name `oa` (no dot): not reachable from the internet",
        ),
        w(
            "http://preview.bureau.test/article.html",
            "预览地址",
            "host `preview.bureau.test` is forbidden by the rules (CMS preview / staging): not public",
        ),
        w(
            "file:///D:/公文/通知.doc",
            "本地文件",
            "file: URL: only works on the author's computer",
        ),
        w(
            "D:\\公文\\通知.doc",
            "Windows路径",
            "Windows file path (D:\\…): only works on the author's computer",
        ),
        w(
            "\\\\fileserver\\share\\a.doc",
            "共享文件夹",
            "Windows network path (\\\\server\\share): only works inside the office network",
        ),
        w(
            "http//www.bureau.test/article.html",
            "缺少冒号",
            "malformed URL: missing ':' after http",
        ),
        w(
            "http:///article.html",
            "三个斜杠",
            "malformed URL: no host after http:// (three slashes)",
        ),
    ];
    assert_eq!(r.of_kind("wrong_link"), sorted(expected.clone()));
    // links.csv: status wrong, nothing checked.
    for e in &expected {
        let l = r.links("/wrong.html", &e.target);
        assert_eq!(l.len(), 1, "{}", e.target);
        assert_eq!(
            (l[0].status.as_str(), l[0].http_status, l[0].elapsed_ms),
            ("wrong", None, None),
            "{}",
            e.target
        );
    }
    // No name of a wrong link (nor any other name) reached a resolver, and
    // the forbidden host was never asked for under any name.
    assert_eq!(r.asked, Vec::<String>::new());
    assert!(r.hits.iter().all(|h| h.0 != "preview.bureau.test"));
    // `http//www.bureau.test/article.html` is not quietly treated as a
    // relative path either.
    assert_eq!(r.hits("/http/www.bureau.test/article.html"), 0);
    assert_eq!(r.hits("/wrong.html/http"), 0);
}

#[test]
fn missing_anchors_and_anchors_that_exist() {
    let r = links_run();
    let a = "/anchors.html";
    let expected = vec![
        want(
            "missing_anchor",
            a,
            "/anchors.html#missing-here",
            "本页不存在的锚点",
            "no id or name 「missing-here」 on the target page",
            Some(200),
        )
        .severity("warning"),
        want(
            "missing_anchor",
            a,
            "/article.html#nowhere",
            "文章中不存在的锚点",
            "no id or name 「nowhere」 on the target page",
            Some(200),
        )
        .severity("warning"),
    ];
    assert_eq!(r.of_kind("missing_anchor"), expected);
    // id=, <a name=>, raw and percent-encoded Chinese ids, #top, #, a PDF
    // page fragment and an external fragment are fine.
    let ok: Vec<String> = r
        .run
        .links
        .iter()
        .filter(|l| l.page_url == abs(a))
        .filter(|l| !l.target_url.contains("missing-here") && !l.target_url.contains("nowhere"))
        .map(|l| l.target_url.clone())
        .collect();
    assert_eq!(ok.len(), 9, "{ok:#?}");
    assert!(
        r.run
            .findings
            .iter()
            .all(|f| f.page_url != abs(a) || f.kind == "missing_anchor")
    );
}

#[test]
fn risky_external_links() {
    let r = links_run();
    let e = "/external.html";
    let expected = vec![
        want(
            "risky_external",
            e,
            "http://www.old-partner.test/",
            "原合作单位（域名已被抢注）",
            "gambling content: 真人娱乐, 百家乐, 注册送彩金, 体育投注, 电子游艺",
            Some(200),
        ),
        want(
            "risky_external",
            e,
            "http://www.friend.test/go.html",
            "友情链接（跳转到其他域名）",
            "redirects from friend.test to another domain: http://www.elsewhere.test/landing.html",
            Some(200),
        )
        .severity("warning")
        .suspected(),
    ];
    assert_eq!(r.of_kind("risky_external"), sorted(expected));
    // A redirect inside the same registrable domain, and a news page that
    // names one gambling word, are fine.
    let l = r.links(e, "http://friend.test/");
    assert_eq!(
        (l[0].status.as_str(), l[0].final_url.as_str()),
        ("redirected", "http://www.friend.test/home.html")
    );
    let l = r.links(e, "http://www.news-site.test/anti-gambling.html");
    assert_eq!((l[0].status.as_str(), l[0].http_status), ("ok", Some(200)));
    // External pages are checked, never crawled: only the linked URLs (and
    // redirect hops) were requested on those hosts.
    let external: BTreeSet<(String, String)> = r
        .hits
        .iter()
        .filter(|h| h.0 != "www.bureau.test")
        .map(|h| (h.0.clone(), h.1.clone()))
        .collect();
    let expect: BTreeSet<(String, String)> = [
        ("friend.test", "/"),
        ("www.elsewhere.test", "/landing.html"),
        ("www.friend.test", "/"),
        ("www.friend.test", "/doc.html"),
        ("www.friend.test", "/go.html"),
        ("www.friend.test", "/home.html"),
        ("www.friend.test", "/old-page.html"),
        ("www.friend.test", "/removed.html"),
        ("www.news-site.test", "/anti-gambling.html"),
        ("www.old-partner.test", "/"),
    ]
    .iter()
    .map(|(h, p)| (h.to_string(), p.to_string()))
    .collect();
    assert_eq!(external, expect);
}

#[test]
fn look_alikes_are_not_reported() {
    let r = links_run();
    let p = "/lookalikes.html";
    // Nothing at all on the look-alikes page, nor on the pages it leads to.
    let on_page: Vec<_> = r
        .run
        .findings
        .iter()
        .filter(|f| {
            f.page_url == abs(p)
                || [
                    "/base.html",
                    "/list/",
                    "/docs/",
                    "/article.html",
                    "/busy.html",
                    "/slowish.html",
                ]
                .iter()
                .any(|x| f.page_url.starts_with(&abs(x)))
        })
        .collect();
    assert!(on_page.is_empty(), "{on_page:#?}");
    let status = |target: &str| {
        let l = r.links(p, target);
        assert!(!l.is_empty(), "no link row {target}");
        l.iter()
            .map(|l| (l.status.clone(), l.http_status))
            .collect::<Vec<_>>()
    };
    let ok = Some(200);
    for skipped in [
        "mailto:web@bureau.test",
        "tel:010-12345678",
        "javascript:window.print()",
        "javascript:history.back()",
        "javascript:void(0)",
    ] {
        assert_eq!(status(skipped), [("not_checked".to_string(), None)]);
    }
    // A 301 to a good page.
    assert_eq!(status("/moved.html"), [("redirected".to_string(), ok)]);
    // HEAD refused (405), GET fine: asked twice.
    assert_eq!(status("/files/head405.pdf"), [("ok".to_string(), ok)]);
    assert_eq!(r.hits("/files/head405.pdf"), 2);
    // 429 then fine after Retry-After: asked twice.
    assert_eq!(status("/busy.html"), [("ok".to_string(), ok)]);
    assert_eq!(r.hits("/busy.html"), 2);
    // 300 ms, under the 2 s timeout.
    assert_eq!(status("/slowish.html"), [("ok".to_string(), ok)]);
    // Raw and percent-encoded Chinese file names: one URL, checked once.
    let cn = "/files/%E9%80%9A%E7%9F%A5%E5%85%AC%E5%91%8A.pdf";
    assert_eq!(status(cn), [("ok".to_string(), ok), ("ok".to_string(), ok)]);
    assert_eq!(r.hits("/files/通知公告.pdf"), 1);
    // Protocol-relative and space-padded hrefs resolve to the article.
    assert_eq!(
        status("/article.html"),
        [("ok".to_string(), ok), ("ok".to_string(), ok)]
    );
    assert_eq!(
        status("/article.html?from=%E9%A6%96%E9%A1%B5"),
        [("ok".to_string(), ok)]
    );
    // <base href="/docs/">: guide.html is /docs/guide.html.
    assert_eq!(r.links("/base.html", "/docs/guide.html")[0].status, "ok");
    assert_eq!(r.hits("/guide.html"), 0);
    // A derived pagination URL that 404s.
    let l = r.links("/list/index.html", "/list/index_2.html");
    assert_eq!(
        (
            l[0].status.as_str(),
            l[0].http_status,
            l[0].element.as_str()
        ),
        ("broken", Some(404), "pagination script (derived)")
    );
    assert!(
        r.run
            .findings
            .iter()
            .all(|f| !f.target_url.contains("/list/"))
    );
    // #top and # on the page itself.
    assert_eq!(status("/lookalikes.html#top"), [("ok".to_string(), ok)]);
    assert_eq!(status("/lookalikes.html#"), [("ok".to_string(), ok)]);
}

#[test]
fn nothing_but_the_planted_link_findings_is_reported() {
    let r = links_run();
    let kinds = [
        ("broken_link", 12),
        ("soft_404", 5),
        ("wrong_link", 11),
        ("missing_anchor", 2),
        ("risky_external", 2),
        ("mixed_content", 0),
    ];
    for (k, n) in kinds {
        assert_eq!(r.of_kind(k).len(), n, "{k}: {:#?}", r.of_kind(k));
    }
    // Every finding of a link kind is about a link written on a page.
    for f in &r.run.findings {
        if kinds.iter().any(|(k, _)| *k == f.kind) {
            assert!(
                r.run
                    .links
                    .iter()
                    .any(|l| l.page_url == f.page_url && l.target_url == f.target_url),
                "{f:#?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_links_are_never_connected_to() {
    // A listener on loopback that counts connections: the page links to it by
    // IP literal and through names that would resolve to it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let a = accepted.clone();
    let counter = tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            a.fetch_add(1, Ordering::SeqCst);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let page = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>首页</title></head><body>\
         <a href=\"http://127.0.0.1:{port}/x\">本机地址</a>\
         <a href=\"http://localhost:{port}/admin\">本机</a>\
         <a href=\"http://intranet:{port}/\">内网主机</a>\
         <a href=\"http://preview.bureau.test:{port}/a.html\">预览</a>\
         <img src=\"http://192.168.0.9:{port}/x.png\" alt=\"内网图片\">\
         </body></html>"
    );
    std::fs::write(dir.path().join("index.html"), page).unwrap();
    let server = SiteServer::start_with_today(SiteSource::dir(dir.path()), today())
        .await
        .unwrap();
    let resolver = Arc::new(FailingResolver::default());
    let r = resolver.clone();
    let addr = server.addr();
    let rules = Rules::from_toml(
        "[site]\nname = \"测试局\"\nid = \"wrong\"\nstart_urls = [\"http://www.bureau.test/\"]\nforbidden_hosts = [\"preview.bureau.test\"]\n[crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\n",
        Path::new("wrong.toml"),
    )
    .unwrap();
    let run = audit(&server, rules, move |o| {
        o.resolve
            .push(ResolveEntry::connect_to("www.bureau.test", addr));
        o.fallback_resolver = Some(r);
    })
    .await;
    let mut got: Vec<(String, String, String)> = run
        .findings
        .iter()
        .filter(|f| f.kind == "wrong_link")
        .map(|f| (f.target_url.clone(), f.element.clone(), f.detail.clone()))
        .collect();
    got.sort();
    let mut expected = vec![
        (
            format!("http://127.0.0.1:{port}/x"),
            "a@href".to_string(),
            "loopback address 127.0.0.1: not reachable from the internet".to_string(),
        ),
        (
            format!("http://localhost:{port}/admin"),
            "a@href".into(),
            "localhost: points at the visitor's own computer".into(),
        ),
        (
            format!("http://intranet:{port}/"),
            "a@href".into(),
            "intranet host name `intranet` (no dot): not reachable from the internet".into(),
        ),
        (
            format!("http://preview.bureau.test:{port}/a.html"),
            "a@href".into(),
            "host `preview.bureau.test` is forbidden by the rules (CMS preview / staging): not public"
                .into(),
        ),
        (
            format!("http://192.168.0.9:{port}/x.png"),
            "img@src".into(),
            "private-range (intranet) address 192.168.0.9: not reachable from the internet".into(),
        ),
    ];
    expected.sort();
    assert_eq!(got, expected);
    assert!(
        run.links
            .iter()
            .filter(|l| l.target_url.contains(&format!(":{port}/")))
            .all(|l| l.status == "wrong")
    );
    // Give a stray connection time to be counted, then check there was none.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 0);
    assert_eq!(resolver.asked(), Vec::<String>::new());
    counter.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_content_on_an_https_page() {
    let server = serve("links").await;
    let front = TlsFront::start(server.addr(), &["www.secure.test"]).await;
    let rules = Rules::from_toml(
        "[site]\nname = \"安全站点\"\nid = \"secure\"\nstart_urls = [\"https://www.secure.test/\"]\n[crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 0\n",
        Path::new("secure.toml"),
    )
    .unwrap();
    let (addr, ca) = (front.addr(), front.ca_pem());
    let run = audit(&server, rules, move |o| {
        // https:// and http:// www.secure.test both reach the TLS front.
        o.resolve
            .push(ResolveEntry::connect_to("www.secure.test", addr));
        o.ca_certs = vec![ca];
    })
    .await;
    assert_eq!(run.result.start_unreachable, None);
    let home = "https://www.secure.test/";
    let m = |target: &str, text: &str, element: &str, severity: &str, detail: &str| Row {
        kind: "mixed_content".into(),
        severity: severity.into(),
        certainty: "confirmed".into(),
        page: home.into(),
        target: target.into(),
        text: text.into(),
        element: element.into(),
        detail: detail.into(),
        status: None,
    };
    let active =
        |e: &str| format!("https page loads active content over http ({e}); browsers block it");
    let passive =
        |e: &str| format!("https page loads passive content over http ({e}); shown as not secure");
    let expected = vec![
        m(
            "http://www.secure.test/css/a.css",
            "",
            "link[stylesheet]@href",
            "error",
            &active("link[stylesheet]@href"),
        ),
        m(
            "http://cdn.bureau.test/js/x.js",
            "",
            "script@src",
            "error",
            &active("script@src"),
        ),
        m(
            "http://www.bureau.test/frame.html",
            "明文框架",
            "iframe@src",
            "error",
            &active("iframe@src"),
        ),
        m(
            "http://www.secure.test/img/a.png",
            "明文图片",
            "img@src",
            "warning",
            &passive("img@src"),
        ),
        m(
            "http://www.secure.test/media/v.mp4",
            "",
            "video/audio@src",
            "warning",
            &passive("video/audio@src"),
        ),
        m(
            "http://www.secure.test/img/bg.png",
            "",
            "css url()",
            "warning",
            &passive("css url()"),
        ),
        m(
            "http://www.secure.test/search.html",
            "",
            "form@action",
            "warning",
            "form on an https page submits over http",
        ),
        m(
            "http://www.secure.test/about.html",
            "关于我们（明文链接）",
            "a@href",
            "info",
            "link from an https page to the own site over http",
        ),
        // The same image on the https about page is mixed content there (the
        // http about page is the same site's other copy: checked, not crawled).
        Row {
            page: "https://www.secure.test/about.html".into(),
            ..m(
                "http://www.secure.test/img/a.png",
                "明文页上的明文图片",
                "img@src",
                "warning",
                &passive("img@src"),
            )
        },
    ];
    let mut got: Vec<Row> = run
        .findings
        .iter()
        .filter(|f| f.kind == "mixed_content")
        .map(Row::of)
        .collect();
    got.sort();
    assert_eq!(got, sorted(expected));
    // https, protocol-relative and relative subresources, an external http
    // link, and an http page's own http image are not mixed content; and
    // nothing else on the https site is a link finding.
    assert!(
        run.findings
            .iter()
            .filter(|f| f.kind != "mixed_content")
            .all(|f| !matches!(
                f.kind.as_str(),
                "broken_link" | "soft_404" | "wrong_link" | "missing_anchor" | "risky_external"
            )),
        "{:#?}",
        run.findings
    );
    // The http:// own page is the site's other copy: checked over plain HTTP
    // through the same name, not crawled as a second site.
    let plain_about = run.links_to("http://www.secure.test/about.html");
    assert_eq!(
        plain_about
            .iter()
            .map(|l| (l.status.as_str(), l.http_status))
            .collect::<Vec<_>>(),
        [("ok", Some(200))]
    );
    assert!(run.pages.iter().all(|p| p.url.starts_with("https://")));
    assert!(
        run.pages
            .iter()
            .any(|p| p.url == "https://www.secure.test/about.html" && p.title == "关于我们")
    );
    assert!(front.handshakes() >= 1 && front.plain_connections() >= 1);
    assert_eq!(server.hits_on("www.secure.test", "/img/b.png"), 1);
}

#[test]
fn findings_csv_opens_in_a_spreadsheet_one_finding_per_row() {
    let r = links_run();
    let bytes = std::fs::read(r.run.result.run_dir.join("findings.csv")).unwrap();
    // UTF-8 with BOM, Chinese headers.
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(
        text.starts_with("问题类型,严重程度,确定性,所在页面,目标链接,链接文字,元素,问题描述,HTTP状态码,栏目,首次发现,类型名称\n")
            || text.starts_with("问题类型,严重程度,确定性,所在页面,目标链接,链接文字,元素,问题描述,HTTP状态码,栏目,首次发现,类型名称\r\n"),
        "{}",
        &text[..200.min(text.len())]
    );
    // RFC 4180: every record has the 12 columns, even with commas, quotes
    // and backslashes in the values; one record per finding.
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&bytes[3..]);
    let records: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), r.run.findings.len());
    assert!(records.iter().all(|rec| rec.len() == 12));
    let wrong: Vec<_> = records
        .iter()
        .filter(|rec| &rec[4] == "\\\\fileserver\\share\\a.doc")
        .collect();
    assert_eq!(wrong.len(), 1);
    assert_eq!((&wrong[0][0], &wrong[0][11]), ("wrong_link", "错链"));
}
