//! Issue 14 item 5: every URL a browser loads or follows is extracted, so a
//! broken one is found, and a look-alike that is fine is not reported.
//!
//! One audit of `tests/fixtures/extract` (see its README.md): the archives
//! bureau `www.archives.test` with one page per kind of source, each holding
//! a broken target and a working (or not-a-link) look-alike, and a page whose
//! relative `<base href>` comes after some of its links. A second audit over
//! HTTPS (the tests' TLS front) proves how each new source counts as mixed
//! content.

use crate::common::tls::TlsFront;
use crate::common::*;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use zwgk_audit::crawl::resolve::ResolveEntry;
use zwgk_audit::report::rows::FindingRow;
use zwgk_audit::rules::Rules;

const SITE: &str = "http://www.archives.test";

/// A path on the bureau's site as a URL; absolute URLs unchanged.
fn abs(s: &str) -> String {
    if s.starts_with('/') {
        format!("{SITE}{s}")
    } else {
        s.to_string()
    }
}

/// One finished audit of the fixture and what the server saw.
struct ExtractRun {
    run: Run,
    /// (host, decoded path, requests)
    hits: Vec<(String, String, u64)>,
    /// Names the injected resolver was asked.
    asked: Vec<String>,
}

impl ExtractRun {
    fn hits(&self, path: &str) -> u64 {
        self.hits
            .iter()
            .filter(|(h, p, _)| h == "www.archives.test" && p == path)
            .map(|(_, _, n)| n)
            .sum()
    }

    /// Link findings (kind, target, text, element, severity, detail) of one page, sorted.
    fn link_findings(&self, page: &str) -> Vec<Found> {
        let page = abs(page);
        let mut v: Vec<_> = self
            .run
            .findings
            .iter()
            .filter(|f| f.page_url == page && is_link_kind(f))
            .map(|f| {
                (
                    f.kind.clone(),
                    f.target_url.clone(),
                    f.link_text.clone(),
                    f.element.clone(),
                    f.severity.clone(),
                    f.detail.clone(),
                )
            })
            .collect();
        v.sort();
        v
    }

    /// links.csv rows of one page: (target, element, status), sorted.
    fn links_of(&self, page: &str) -> Vec<(String, String, String)> {
        let page = abs(page);
        let mut v: Vec<_> = self
            .run
            .links
            .iter()
            .filter(|l| l.page_url == page)
            .map(|l| (l.target_url.clone(), l.element.clone(), l.status.clone()))
            .collect();
        v.sort();
        v
    }
}

fn is_link_kind(f: &FindingRow) -> bool {
    matches!(
        f.kind.as_str(),
        "broken_link" | "soft_404" | "wrong_link" | "missing_anchor" | "mixed_content"
    )
}

fn extract_run() -> &'static ExtractRun {
    static RUN: OnceLock<ExtractRun> = OnceLock::new();
    RUN.get_or_init(|| {
        block_on_thread(|| async {
            let server = serve("extract").await;
            let resolver = Arc::new(FailingResolver::default());
            let r = resolver.clone();
            let rules = Rules::from_toml(
                "[site]\nname = \"示例市档案局\"\nid = \"archives\"\nstart_urls = [\"http://www.archives.test/\"]\n\
                 [crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 0\n",
                Path::new("archives.toml"),
            )
            .unwrap();
            let run = audit(&server, rules, move |o| o.fallback_resolver = Some(r)).await;
            ExtractRun {
                run,
                hits: server.all_hits(),
                asked: resolver.asked(),
            }
        })
    })
}

type Found = (String, String, String, String, String, String);
/// A page, its broken targets, and its fine look-alikes (target, element).
type Case = (&'static str, Vec<Found>, Vec<(&'static str, &'static str)>);

/// A broken_link row as link_findings returns it: an error (an unusable link).
fn broken(target: &str, text: &str, element: &str) -> Found {
    (
        "broken_link".into(),
        abs(target),
        text.into(),
        element.into(),
        "error".into(),
        "404 Not Found".into(),
    )
}

/// A broken loading hint (preload, prefetch, manifest): a warning.
fn broken_hint(target: &str, element: &str) -> Found {
    (
        "broken_link".into(),
        abs(target),
        String::new(),
        element.into(),
        "warning".into(),
        "404 Not Found; a loading hint the page works without: a warning, not counted as an unusable link".into(),
    )
}

/// Broken plugin code no current browser fetches (ActiveX cab, archives, applets): a warning.
fn broken_plugin(target: &str, text: &str, element: &str) -> Found {
    (
        "broken_link".into(),
        abs(target),
        text.into(),
        element.into(),
        "warning".into(),
        "404 Not Found; plugin code no current browser fetches: a warning, not counted as an unusable link".into(),
    )
}

fn sorted(mut v: Vec<Found>) -> Vec<Found> {
    v.sort();
    v
}

/// (target, element, status) as links_of returns it.
fn link(target: &str, element: &str, status: &str) -> (String, String, String) {
    (abs(target), element.into(), status.into())
}

/// Each page: exactly its broken targets are findings, and its look-alikes
/// were checked and found fine.
#[test]
fn each_source_finds_its_broken_target_and_passes_the_look_alike() {
    let r = extract_run();
    let cases: Vec<Case> = vec![
        (
            "/style.html",
            vec![broken("/images/banner-2019.jpg", "", "css url()")],
            vec![("/images/nav-bg.png", "css url()")],
        ),
        (
            "/head-links.html",
            vec![
                broken("/favicon-2018.ico", "", "link[icon]@href"),
                broken_hint("/manifest-2020.json", "link[manifest]@href"),
                broken_hint("/fonts/heiti-2019.woff2", "link[preload]@href"),
                broken_hint("/zwgk/list-2019.html", "link[prefetch]@href"),
            ],
            vec![
                ("/images/touch-icon.png", "link[icon]@href"),
                ("/fonts/fangsong.woff2", "link[preload]@href"),
                ("/zwgk/list.html", "link[prefetch]@href"),
            ],
        ),
        (
            "/plugins.html",
            vec![
                broken_plugin(
                    "http://download.plugin.test/pub/cabs/swflash.cab#version=9,0,28,0",
                    "档案宣传动画",
                    "object@codebase/archive",
                ),
                broken_plugin(
                    "/java/map-data-2017.jar",
                    "馆址地图",
                    "object@codebase/archive",
                ),
                broken_plugin(
                    "/applets/old/counter-lib-2016.jar",
                    "访问计数",
                    "applet@code/archive",
                ),
                broken("/docs/exhibit-2016.pdf", "展览图录", "object@data"),
            ],
            vec![
                (
                    "http://download.plugin.test/pub/cabs/current.cab#version=32,0,0,0",
                    "object@codebase/archive",
                ),
                ("/java/map.jar", "object@codebase/archive"),
                (
                    "/applets/clock/cn/gov/archives/Clock.class",
                    "applet@code/archive",
                ),
                ("/applets/old/counter.jar", "applet@code/archive"),
                ("/flash/banner.swf", "embed@src"),
            ],
        ),
        (
            "/forms.html",
            vec![
                broken(
                    "/images/search-btn-2018.gif",
                    "高级搜索",
                    "input[image]@src",
                ),
                broken(
                    "/search/advanced.jsp",
                    "高级检索",
                    "button/input@formaction",
                ),
            ],
            vec![
                ("/images/search-btn.png", "input[image]@src"),
                ("/search/export.jsp", "button/input@formaction"),
                ("/search/index.jsp", "form@action"),
            ],
        ),
        (
            "/media.html",
            vec![
                broken("/media/xcp-cover-2019.jpg", "", "video@poster"),
                broken("/media/xcp.en.vtt", "英文字幕", "track@src"),
            ],
            vec![
                ("/media/xcp-cover.jpg", "video@poster"),
                ("/media/xcp.zh.vtt", "track@src"),
            ],
        ),
        (
            "/cite.html",
            vec![broken(
                "/zcwj/2019/t20190301_100.html",
                "县级以上人民政府应当加强档案工作。",
                "blockquote/q/ins/del@cite",
            )],
            vec![
                ("/zcwj/2026/t20260301_200.html", "blockquote/q/ins/del@cite"),
                ("/zcwj/2026/", "blockquote/q/ins/del@cite"),
            ],
        ),
        (
            "/background.html",
            vec![broken(
                "/images/table-bg-2018.gif",
                "",
                "table/td/body@background",
            )],
            vec![
                ("/images/page-bg.gif", "table/td/body@background"),
                ("/images/cell-bg.png", "table/td/body@background"),
            ],
        ),
        (
            "/svg.html",
            vec![
                broken("/images/icons-2018.svg#icon-mail", "", "svg use@href"),
                broken("/images/chart-2019.png", "", "svg image@href"),
                broken("/zwgk/map-2019.html", "区划图（旧）", "a@href"),
            ],
            vec![
                ("/images/icons.svg#icon-phone", "svg use@href"),
                ("/images/chart-2026.png", "svg image@href"),
                ("/zwgk/list.html", "a@href"),
            ],
        ),
    ];
    for (page, want, fine) in cases {
        assert_eq!(r.link_findings(page), sorted(want), "findings of {page}");
        let rows = r.links_of(page);
        for (target, element) in fine {
            assert!(
                rows.contains(&link(target, element, "ok")),
                "{page}: {target} ({element}) checked and ok; rows: {rows:#?}"
            );
        }
    }
}

/// What is not a URL a browser loads is neither a link row nor a request:
/// a name in `cite`, a `type=button`/`reset` formaction, `background` on a
/// `<p>`, a directory codebase, an applet's `code` when it has an archive,
/// an SVG `<use>` of the page's own symbol, CSS `url()` in a string or a
/// fragment, and the origins of preconnect / dns-prefetch.
#[test]
fn not_links_are_never_requested() {
    let r = extract_run();
    for path in [
        "/新华社",
        "/search/back-gone.jsp",
        "/search/reset-gone.jsp",
        "/images/p-bg-gone.gif",
        "/java/",
        "/applets/clock",
        "/applets/old/",
        "/applets/old/Counter.class",
        "/images/not-a-url.png",
        "/svg.html",
    ] {
        let want = u64::from(path == "/svg.html");
        assert_eq!(r.hits(path), want, "{path}");
    }
    for page in ["/cite.html", "/forms.html", "/background.html", "/svg.html"] {
        let rows = r.links_of(page);
        assert!(
            rows.iter().all(|(t, _, _)| !t.contains("新华社")
                && !t.contains("-gone")
                && !t.ends_with("/svg.html#icon-home")),
            "{rows:#?}"
        );
    }
    assert_eq!(r.asked, Vec::<String>::new());
}

/// Script templates are not links: placeholders (`{{el.url}}` in an avalon
/// `ms-for` list, `{{ item.link }}`, `${url}`, `<%= url %>`, `{$url}`,
/// `[[url]]`, `#{url}`, a query or host made of one) are listed as
/// not_checked, never requested, resolved or reported (no broken_link, no
/// wrong_link for `http://{{ el.host }}/`, no missing_anchor for `#{url}`);
/// bound attributes (`ms-href`, `ms-attr`, `:href`, `v-bind:href`,
/// `:src`) are no URL at all; `<template>` and `<script type=text/html|
/// text/template|text/x-template>` content is inert. The page's real broken
/// link is still found, and a query holding JSON braces is still checked.
#[test]
fn template_placeholders_are_neither_requested_nor_reported() {
    let r = extract_run();
    let page = "/templates.html";
    assert_eq!(
        r.link_findings(page),
        vec![broken("/zwgk/rules-2018.html", "旧版查阅规定", "a@href")]
    );
    let placeholder = |t: &str| {
        ["{{", "${", "<%", "{$", "[[", "#{", "%7B%7B", "%7B"]
            .iter()
            .any(|p| t.contains(p))
    };
    let rows = r.links_of(page);
    let mut skipped: Vec<&str> = rows
        .iter()
        .filter(|(t, _, _)| placeholder(t) && !t.contains("search/index.jsp"))
        .map(|(t, e, status)| {
            assert_eq!(status, "not_checked", "{t} ({e})");
            t.as_str()
        })
        .collect();
    skipped.sort();
    assert_eq!(
        skipped,
        vec![
            "#{url}",
            "${url}",
            "./detail.html?id={{el.id}}",
            "<%= url %>",
            "[[url]]",
            "http://{{ el.host }}/zwgk/",
            "{$url}",
            "{{ item.link }}",
            "{{el.pic}}",
            "{{el.url}}",
            "{{el.url}}",
        ],
        "{rows:#?}"
    );
    assert!(
        rows.iter().all(|(t, _, _)| !t.contains("/tpl/")),
        "{rows:#?}"
    );
    assert!(rows.contains(&link("/zwgk/list.html", "a@href", "ok")));
    assert!(
        rows.iter()
            .any(|(t, e, st)| t.contains("/search/index.jsp?q=") && e == "a@href" && st == "ok"),
        "{rows:#?}"
    );
    // Not one request for a placeholder or template path, no name resolved.
    let asked_for: Vec<_> = r
        .hits
        .iter()
        .filter(|(_, p, _)| {
            p.contains(['{', '}', '[', '<', '$', '#'])
                || p.starts_with("/tpl/")
                || p.contains("detail.html")
                || p.contains("/el.")
                || p.contains("/item.")
        })
        .collect();
    assert!(asked_for.is_empty(), "{asked_for:#?}");
    assert_eq!(r.hits("/templates.html"), 1);
    assert!(r.asked.is_empty(), "{:?}", r.asked);
    assert!(
        r.run
            .findings
            .iter()
            .all(|f| !placeholder(&f.target_url) && !f.target_url.contains("/tpl/")),
        "{:#?}",
        r.run.findings
    );
}

/// Lazy-loaded images (`data-original`, `data-src`, `data-lazy-src`) are the
/// images visitors see: checked, and a broken one is an error. A lazy value
/// equal to `src` is one row, not two. The fallback markup of `<noscript>`
/// (parsed as text with scripting enabled) is read once: its broken image is
/// found, its link and the stylesheet in the head's `<noscript>` are one row
/// each.
#[test]
fn lazy_images_and_noscript_fallbacks_are_checked_once() {
    let r = extract_run();
    let page = "/lazy.html";
    let lazy = "img@data-src/data-original/data-lazy-src";
    assert_eq!(
        r.link_findings(page),
        sorted(vec![
            broken("/photos/1950-gone.jpg", "一九五〇年的人民路", lazy),
            broken("/photos/1980-gone.jpg", "一九八〇年的车站", lazy),
            broken("/photos/nojs-banner-gone.jpg", "无脚本横幅", "img@src"),
        ])
    );
    let mut want = vec![
        link("/css/nojs.css", "link[stylesheet]@href", "ok"),
        link("/", "a@href", "ok"),
        link("/images/loading.gif", "img@src", "ok"),
        link("/images/loading.gif", "img@src", "ok"),
        link("/images/loading.gif", "img@src", "ok"),
        link("/photos/1950-gone.jpg", lazy, "broken"),
        link("/photos/1960.jpg", lazy, "ok"),
        link("/photos/1970.jpg", lazy, "ok"),
        link("/photos/1980-gone.jpg", lazy, "broken"),
        link("/photos/1990.jpg", "img@src", "ok"),
        link("{{el.pic}}", lazy, "not_checked"),
        link("/photos/list-nojs.html", "a@href", "ok"),
        link("/photos/nojs-banner-gone.jpg", "img@src", "broken"),
        link("/photos/1960.jpg", "img@src", "ok"),
    ];
    want.sort();
    assert_eq!(r.links_of(page), want);
    for path in [
        "/photos/1960.jpg",
        "/photos/list-nojs.html",
        "/css/nojs.css",
    ] {
        assert_eq!(r.hits(path), 1, "{path}");
    }
}

/// Plugin code no current browser fetches (an ActiveX `swflash.cab`
/// installer, `<object archive>`, applet archives) and loading hints
/// (manifest, preload, prefetch) are warnings when broken: reported, not
/// counted as unusable links in the estimate. A broken favicon and a broken
/// `<object data>` PDF on the same pages stay errors and are counted.
#[test]
fn plugin_code_and_loading_hints_are_warnings_not_deducted() {
    let r = extract_run();
    let sev = |target: &str| -> Vec<String> {
        r.run
            .findings
            .iter()
            .filter(|f| f.kind == "broken_link" && f.target_url == abs(target))
            .map(|f| f.severity.clone())
            .collect()
    };
    for t in [
        "http://download.plugin.test/pub/cabs/swflash.cab#version=9,0,28,0",
        "/java/map-data-2017.jar",
        "/applets/old/counter-lib-2016.jar",
        "/manifest-2020.json",
        "/fonts/heiti-2019.woff2",
        "/zwgk/list-2019.html",
    ] {
        assert_eq!(sev(t), vec!["warning"], "{t}");
    }
    for t in ["/favicon-2018.ico", "/docs/exhibit-2016.pdf"] {
        assert_eq!(sev(t), vec!["error"], "{t}");
    }
    // The estimate counts the distinct error targets only (the homepage has none).
    let errors: std::collections::BTreeSet<&str> = r
        .run
        .findings
        .iter()
        .filter(|f| {
            matches!(f.kind.as_str(), "broken_link" | "soft_404" | "wrong_link")
                && f.severity == "error"
        })
        .map(|f| f.target_url.as_str())
        .collect();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.run.result.run_dir.join("summary.json")).unwrap())
            .unwrap();
    let counted: u64 = summary["estimate"]["deductions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["confirmed"].as_u64().unwrap() + d["suspected"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, errors.len() as u64, "{errors:#?}");
}

/// A relative `<base href="../static/2026/">` written in the body after some
/// links applies to every link of the page, whatever its source (as browsers
/// do: the first base with href sets the document's base).
#[test]
fn relative_base_after_links_applies_to_every_source() {
    let r = extract_run();
    let page = "/old/base.html";
    let s = "/static/2026";
    let mut want = vec![
        link(&format!("{s}/favicon.ico"), "link[icon]@href", "ok"),
        link(&format!("{s}/page.gif"), "table/td/body@background", "ok"),
        link(&format!("{s}/banner.png"), "css url()", "ok"),
        link(&format!("{s}/notice.html"), "a@href", "ok"),
        link(&format!("{s}/missing.html"), "a@href", "broken"),
        link(&format!("{s}/film.mp4"), "video/audio@src", "ok"),
        link(&format!("{s}/cover.jpg"), "video@poster", "ok"),
        link(&format!("{s}/film.vtt"), "track@src", "ok"),
        link(&format!("{s}/search.jsp"), "form@action", "ok"),
        link(&format!("{s}/go.png"), "input[image]@src", "ok"),
        link(&format!("{s}/export.jsp"), "button/input@formaction", "ok"),
        link(
            &format!("{s}/source.html"),
            "blockquote/q/ins/del@cite",
            "ok",
        ),
        link(&format!("{s}/cell.png"), "table/td/body@background", "ok"),
        link(
            &format!("{s}/player.cab#version=1,0,0,0"),
            "object@codebase/archive",
            "ok",
        ),
        link(
            &format!("{s}/applets/Clock.class"),
            "applet@code/archive",
            "ok",
        ),
        link(&format!("{s}/chart.png"), "svg image@href", "ok"),
        link(&format!("{s}/icons.svg#i"), "svg use@href", "ok"),
    ];
    want.sort();
    assert_eq!(r.links_of(page), want);
    assert_eq!(
        r.link_findings(page),
        vec![broken(
            &format!("{s}/missing.html"),
            "已撤下的专题",
            "a@href"
        )]
    );
    // Nothing was asked for under the page's own folder.
    let under_old: Vec<_> = r
        .hits
        .iter()
        .filter(|(h, p, _)| h == "www.archives.test" && p.starts_with("/old/"))
        .collect();
    assert_eq!(
        under_old,
        vec![&("www.archives.test".into(), "/old/base.html".into(), 1)]
    );
}

/// Over HTTPS, each new source is mixed content of the class browsers give
/// it: plugin code is active (error); icons, posters, backgrounds, image
/// buttons and SVG images are passive (warning); manifest, preload,
/// prefetch, text tracks and SVG `<use>` are blocked without breaking the
/// page (warning); a formaction is an insecure form (warning). A `cite` and
/// a canonical link are never loaded: not mixed content.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_content_class_of_each_new_source() {
    let server = serve("extract").await;
    let front = TlsFront::start(server.addr(), &["www.secure-archives.test"]).await;
    let rules = Rules::from_toml(
        "[site]\nname = \"示例市档案馆\"\nid = \"secure-archives\"\nstart_urls = [\"https://www.secure-archives.test/\"]\n\
         [crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 0\n",
        Path::new("secure-archives.toml"),
    )
    .unwrap();
    let (addr, ca) = (front.addr(), front.ca_pem());
    let run = audit(&server, rules, move |o| {
        o.resolve
            .push(ResolveEntry::connect_to("www.secure-archives.test", addr));
        o.ca_certs = vec![ca];
    })
    .await;
    assert_eq!(run.result.start_unreachable, None);
    let p = "http://www.secure-archives.test";
    let active =
        |e: &str| format!("https page loads active content over http ({e}); browsers block it");
    let passive =
        |e: &str| format!("https page loads passive content over http ({e}); shown as not secure");
    let blocked = |e: &str| format!("https page requests {e} over http; browsers block it");
    let m = |target: &str, text: &str, element: &str, severity: &str, detail: String| {
        (
            format!("{p}{target}"),
            text.to_string(),
            element.to_string(),
            severity.to_string(),
            detail,
        )
    };
    let mut want = vec![
        m(
            "/favicon.ico",
            "",
            "link[icon]@href",
            "warning",
            passive("link[icon]@href"),
        ),
        m(
            "/site.json",
            "",
            "link[manifest]@href",
            "warning",
            blocked("link[manifest]@href"),
        ),
        m(
            "/fonts/kaiti.woff2",
            "",
            "link[preload]@href",
            "warning",
            blocked("link[preload]@href"),
        ),
        m(
            "/images/hero.jpg",
            "",
            "link[preload as=image]@href",
            "warning",
            passive("link[preload as=image]@href"),
        ),
        m(
            "/images/hall.jpg",
            "馆景",
            "img@data-src/data-original/data-lazy-src",
            "warning",
            passive("img@data-src/data-original/data-lazy-src"),
        ),
        m(
            "/next.html",
            "",
            "link[prefetch]@href",
            "warning",
            blocked("link[prefetch]@href"),
        ),
        m(
            "/images/cell.png",
            "",
            "table/td/body@background",
            "warning",
            passive("table/td/body@background"),
        ),
        m(
            "/media/cover.jpg",
            "",
            "video@poster",
            "warning",
            passive("video@poster"),
        ),
        m(
            "/media/film.vtt",
            "中文字幕",
            "track@src",
            "warning",
            blocked("track@src"),
        ),
        m(
            "/images/go.png",
            "搜索",
            "input[image]@src",
            "warning",
            passive("input[image]@src"),
        ),
        m(
            "/export.jsp",
            "导出",
            "button/input@formaction",
            "warning",
            "form on an https page submits over http (button/input@formaction)".into(),
        ),
        m(
            "/plugin/player.cab#version=1,0,0,0",
            "播放器",
            "object@codebase/archive",
            "error",
            active("object@codebase/archive"),
        ),
        m(
            "/applets/clock.jar",
            "时钟",
            "applet@code/archive",
            "error",
            active("applet@code/archive"),
        ),
        m(
            "/images/chart.png",
            "",
            "svg image@href",
            "warning",
            passive("svg image@href"),
        ),
        m(
            "/images/icons.svg#i",
            "",
            "svg use@href",
            "warning",
            blocked("svg use@href"),
        ),
    ];
    want.sort();
    let mut got: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f.kind == "mixed_content")
        .map(|f| {
            assert_eq!(f.page_url, "https://www.secure-archives.test/");
            (
                f.target_url.clone(),
                f.link_text.clone(),
                f.element.clone(),
                f.severity.clone(),
                f.detail.clone(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, want);
    // Every target exists: nothing else is a link finding; and the http
    // cite and canonical were checked, not reported.
    assert!(
        run.findings
            .iter()
            .all(|f| f.kind == "mixed_content" || !is_link_kind(f)),
        "{:#?}",
        run.findings
    );
    for target in ["/source.html", "/index.html"] {
        assert!(
            run.links
                .iter()
                .any(|l| l.target_url == format!("{p}{target}") && l.status == "ok"),
            "{target}"
        );
    }
}
