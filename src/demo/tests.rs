//! The demo site checks itself: a small crawler walks it over loopback and
//! proves that exactly the planted defects are there, so EXPECTED.tsv and
//! LOOKALIKES.tsv cannot drift from the pages.

use super::*;
use crate::rules::Rules;
use chrono::Datelike;
use regex::Regex;
use reqwest::redirect::Policy;
use scraper::{Html, Selector};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::time::Duration;
use url::Url;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
}

fn client(s: &SiteServer) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(10));
    for (host, addr) in s.resolve_pairs() {
        b = b.resolve(&host, addr);
    }
    b.build().unwrap()
}

/// A fetched URL: status, Location, elapsed, body decoded to text.
#[derive(Debug, Clone)]
struct Got {
    status: u16,
    location: Option<String>,
    elapsed_ms: u128,
    content_type: String,
    text: String,
}

async fn get(c: &reqwest::Client, u: &Url) -> Got {
    let t = std::time::Instant::now();
    let mut r = c.get(u.clone()).send().await.unwrap();
    if r.status() == 429 {
        let wait: u64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        tokio::time::sleep(Duration::from_secs(wait)).await;
        r = c.get(u.clone()).send().await.unwrap();
    }
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let elapsed_ms = t.elapsed().as_millis();
    let bytes = r.bytes().await.unwrap();
    let enc = template::header_charset(&content_type)
        .or_else(|| template::declared_charset(&bytes))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = enc.decode(&bytes);
    Got {
        status,
        location,
        elapsed_ms,
        content_type,
        text: text.into_owned(),
    }
}

/// What the mini crawler saw.
#[derive(Default)]
struct Walk {
    /// Fetched URL (no fragment) → answer.
    got: BTreeMap<String, Got>,
    /// (page, raw link as written, resolved URL or None when unresolvable).
    links: Vec<(String, String, Option<Url>)>,
    /// Own HTML pages, with their decoded text.
    pages: BTreeMap<String, String>,
}

const WRONG_HOSTS: &[&str] = &["10.1.2.3", "localhost", "preview.demo-ipa.gov.cn"];

async fn walk(s: &SiteServer) -> Walk {
    let c = client(s);
    let attr_sel = [
        ("a[href]", "href"),
        ("area[href]", "href"),
        ("img[src]", "src"),
        ("script[src]", "src"),
        ("link[href]", "href"),
        ("iframe[src]", "src"),
        ("form[action]", "action"),
        (
            "body[background], table[background], tr[background], td[background], th[background]",
            "background",
        ),
    ];
    let sels: Vec<(Selector, &str)> = attr_sel
        .iter()
        .map(|(s, a)| (Selector::parse(s).unwrap(), *a))
        .collect();
    let base_sel = Selector::parse("base[href]").unwrap();
    let pager = Regex::new(r#"createPageHTML\((\d+),\s*(\d+),\s*"(\w+)",\s*"(\w+)"\)"#).unwrap();
    let css_url = Regex::new(r#"url\(\s*['"]?([^'")]+)['"]?\s*\)"#).unwrap();
    let mut w = Walk::default();
    let mut queue = VecDeque::from([Url::parse("http://www.demo-ipa.gov.cn/").unwrap()]);
    while let Some(u) = queue.pop_front() {
        let mut key = u.clone();
        key.set_fragment(None);
        if w.got.contains_key(key.as_str()) {
            continue;
        }
        // Follow redirects by hand so every hop is recorded.
        let got = get(&c, &key).await;
        w.got.insert(key.to_string(), got.clone());
        if let Some(loc) = &got.location {
            queue.push_back(key.join(loc).unwrap());
        }
        let own = key.host_str() == Some(DEMO_HOST);
        if !own || got.status != 200 {
            continue;
        }
        let mut found: Vec<(String, Url)> = Vec::new();
        if got.content_type.starts_with("text/css") {
            for cap in css_url.captures_iter(&got.text) {
                found.push((cap[1].to_string(), key.join(&cap[1]).unwrap()));
            }
        }
        if !got.content_type.starts_with("text/html") {
            for (raw, t) in found {
                w.links.push((key.to_string(), raw, Some(t.clone())));
                queue.push_back(t);
            }
            continue;
        }
        w.pages.insert(key.to_string(), got.text.clone());
        let doc = Html::parse_document(&got.text);
        let base = doc
            .select(&base_sel)
            .next()
            .and_then(|b| b.value().attr("href"))
            .map(|h| key.join(h).unwrap())
            .unwrap_or_else(|| key.clone());
        for cap in pager.captures_iter(&got.text) {
            let total: u32 = cap[1].parse().unwrap();
            for i in 1..total {
                found.push((
                    String::new(),
                    base.join(&format!("{}_{i}.{}", &cap[3], &cap[4])).unwrap(),
                ));
            }
        }
        for (sel, attr) in &sels {
            for el in doc.select(sel) {
                let raw = el.value().attr(attr).unwrap().trim().to_string();
                let lower = raw.to_ascii_lowercase();
                if ["mailto:", "tel:", "javascript:"]
                    .iter()
                    .any(|p| lower.starts_with(p))
                {
                    w.links.push((key.to_string(), raw, None));
                    continue;
                }
                if lower.starts_with("http//") || lower.starts_with("file:") {
                    w.links.push((key.to_string(), raw, None));
                    continue;
                }
                let t = base.join(&raw).unwrap();
                if WRONG_HOSTS.contains(&t.host_str().unwrap_or("")) {
                    w.links.push((key.to_string(), raw, None));
                    continue;
                }
                found.push((raw, t));
            }
        }
        for (raw, t) in found {
            if !raw.is_empty() {
                w.links.push((key.to_string(), raw, Some(t.clone())));
            }
            queue.push_back(t);
        }
    }
    w
}

fn targets(rows: &[Planted], kind: &str) -> BTreeSet<String> {
    rows.iter()
        .filter(|r| r.kind == kind)
        .map(|r| r.target.clone())
        .collect()
}

#[tokio::test]
async fn the_demo_site_has_exactly_the_planted_defects() {
    let s = SiteServer::start_with_today(demo_site(), today())
        .await
        .unwrap();
    let mut hosts: Vec<String> = EXTERNAL_HOSTS.iter().map(|h| h.to_string()).collect();
    hosts.push(DEMO_HOST.to_string());
    hosts.sort();
    assert_eq!(s.hosts(), hosts);
    let exp = expected(today());
    let alikes = lookalikes(today());
    assert!(exp.len() >= 20 && alikes.len() >= 15);
    assert!(
        exp.iter()
            .all(|p| !p.page.contains("{{") && !p.target.contains("{{"))
    );
    let w = walk(&s).await;
    let n_pages = w.pages.len();
    assert!((40..=80).contains(&n_pages), "{n_pages} pages");

    // Broken: exactly the planted targets answer 4xx.
    let broken: BTreeSet<String> = w
        .got
        .iter()
        .filter(|(_, g)| g.status >= 400)
        .map(|(u, _)| u.clone())
        .collect();
    let want: BTreeSet<String> = targets(&exp, "broken_link")
        .into_iter()
        .map(|t| Url::parse(&t).unwrap().to_string())
        .collect();
    assert_eq!(broken, want);

    // Wrong links: exactly the planted ones, none fetched.
    let wrong: BTreeSet<String> = w
        .links
        .iter()
        .filter(|(_, raw, t)| {
            t.is_none()
                && !["mailto:", "tel:", "javascript:"]
                    .iter()
                    .any(|p| raw.starts_with(p))
        })
        .map(|(_, raw, _)| raw.clone())
        .collect();
    assert_eq!(wrong, targets(&exp, "wrong_link"));

    // Soft 404s: one document redirected to the homepage, one 200 error page.
    for t in targets(&exp, "soft_404") {
        let key = Url::parse(&t).unwrap().to_string();
        let g = &w.got[&key];
        match g.status {
            302 => assert_eq!(g.location.as_deref(), Some("/")),
            200 => assert!(g.text.contains("<title>页面不存在</title>")),
            other => panic!("{t}: {other}"),
        }
    }
    let soft_pages: Vec<&String> = w
        .got
        .iter()
        .filter(|(_, g)| g.status == 200 && g.text.contains("页面不存在"))
        .map(|(u, _)| u)
        .collect();
    assert_eq!(soft_pages.len(), 1);

    // Missing anchor: section9 is absent, section3 and top are present.
    for (frag, present) in [("section9", false), ("section3", true)] {
        let t = exp
            .iter()
            .chain(alikes.iter())
            .find(|p| p.target.ends_with(&format!("#{frag}")))
            .unwrap();
        let page = Url::parse(&t.target).unwrap();
        let mut key = page.clone();
        key.set_fragment(None);
        let text = &w.pages[key.as_str()];
        assert_eq!(text.contains(&format!("id=\"{frag}\"")), present, "{frag}");
    }

    // Risky external: the friend link is redirected to its site's homepage,
    // which serves gambling words.
    let risky = targets(&exp, "risky_external");
    let first = risky
        .iter()
        .find(|t| t.contains("old-partner.example.com"))
        .unwrap();
    let g = &w.got[first];
    assert_eq!((g.status, g.location.as_deref()), (302, Some("/")));
    let home = Url::parse(first).unwrap().join("/").unwrap();
    let g = &w.got[home.as_str()];
    let words = include_str!("../../rules/defaults/gambling.txt");
    let hits = words
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|word| g.text.contains(word.trim()))
        .count();
    assert!(hits >= 2, "{hits}");

    // 暗链: the other risky target is linked only from a display:none block;
    // the skip link and the tab panel are look-alikes.
    let hidden = risky
        .iter()
        .find(|t| !t.contains("old-partner.example.com"))
        .unwrap();
    let home = &w.pages["http://www.demo-ipa.gov.cn/"];
    let block = home
        .split("<div style=\"display:none\">")
        .nth(1)
        .unwrap()
        .split("</div>")
        .next()
        .unwrap();
    assert!(block.contains(hidden.as_str()), "{block}");
    assert_eq!(
        home.matches(hidden.as_str()).count(),
        2,
        "two links, both hidden"
    );
    assert_eq!(w.got[hidden.as_str()].status, 200);
    assert!(
        home.contains("<p style=\"display:none\">") && home.contains("onmouseover=\"showTab(2)\"")
    );

    // date_mismatch: the re-dated news article shows another day than its
    // PubDate meta; the other news articles agree.
    let redated = exp.iter().find(|p| p.kind == "date_mismatch").unwrap();
    let text = &w.pages[&redated.page];
    assert!(text.contains(&format!(
        "content=\"{} 09:30\"",
        (today() - chrono::Days::new(18)).format("%Y-%m-%d")
    )));
    assert!(
        text.contains(&format!(
            "发布时间：{}",
            (today() - chrono::Days::new(2)).format("%Y年%-m月%-d日")
        )),
        "{text}"
    );

    // guide_incomplete: the planted guide has neither 办理地点 nor 办理时间
    // (nor a synonym); the look-alike has them by synonym.
    let guide = exp.iter().find(|p| p.kind == "guide_incomplete").unwrap();
    let complete = alikes
        .iter()
        .find(|p| p.kind == "guide_incomplete")
        .unwrap();
    for w_ in ["办理地点", "受理地点", "办理时间", "办公时间"] {
        assert!(!w.pages[&guide.page].contains(w_), "{w_}");
    }
    assert!(
        w.pages[&complete.page].contains("受理地点")
            && w.pages[&complete.page].contains("办公时间")
    );

    // reply_overdue: the list says 未回复 for the message asked 120 days ago.
    let board = &w.pages["http://www.demo-ipa.gov.cn/hdjl/lyb/"];
    let overdue = exp.iter().find(|p| p.kind == "reply_overdue").unwrap();
    let asked = (today() - chrono::Days::new(120))
        .format("%Y-%m-%d")
        .to_string();
    let row = board
        .lines()
        .find(|l| l.contains(&asked))
        .unwrap_or_else(|| panic!("{asked} in {board}"));
    assert!(row.contains("未回复"), "{row}");
    assert!(w.pages[&overdue.page].contains(&format!("来信时间：{asked}")));
    assert!(!w.pages[&overdue.page].contains("答复时间"));

    // Slow: the planted page is over 1500 ms, the look-alike under it.
    let slow = exp.iter().find(|p| p.kind == "slow_page").unwrap();
    assert!(w.got[&slow.page].elapsed_ms >= 1500);
    let fast = alikes.iter().find(|p| p.kind == "slow_page").unwrap();
    assert!(w.got[&fast.page].elapsed_ms < 1500);

    // Every own page has lang and a title; one <img> lacks alt in the whole site.
    let img = Selector::parse("img").unwrap();
    let mut no_alt = Vec::new();
    for (u, text) in &w.pages {
        assert!(text.contains("<html lang=\"zh-CN\">"), "{u}");
        assert!(text.contains("<title>"), "{u}");
        let doc = Html::parse_document(text);
        for el in doc.select(&img) {
            if el.value().attr("alt").is_none() {
                no_alt.push(
                    Url::parse(u)
                        .unwrap()
                        .join(el.value().attr("src").unwrap())
                        .unwrap()
                        .to_string(),
                );
            }
        }
    }
    assert_eq!(
        no_alt.into_iter().collect::<BTreeSet<_>>(),
        targets(&exp, "missing_alt")
    );

    // Privacy: the planted ID has a valid check digit, the look-alike does not.
    let id_ok = |s: &str| {
        let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = s
            .chars()
            .take(17)
            .zip(w)
            .map(|(c, w)| c.to_digit(10).unwrap() * w)
            .sum();
        "10X98765432".chars().nth((sum % 11) as usize) == s.chars().nth(17)
    };
    for p in exp
        .iter()
        .chain(alikes.iter())
        .filter(|p| p.kind == "privacy_leak")
    {
        assert!(w.pages[&p.page].contains(&p.target), "{}", p.target);
        if p.target.len() == 18 {
            assert_eq!(id_ok(&p.target), exp.contains(p), "{}", p.target);
        }
    }
    let mobile = Regex::new(r"1[3-9]\d{9}").unwrap();
    let leaks: usize = w
        .pages
        .values()
        .map(|t| {
            mobile
                .find_iter(t)
                .filter(|m| {
                    let b = t.as_bytes();
                    (m.start() == 0 || !b[m.start() - 1].is_ascii_digit())
                        && (m.end() == b.len() || !b[m.end()].is_ascii_digit())
                })
                .count()
        })
        .sum();
    // The leak, and a notice's contact labelled 手机 (a look-alike).
    assert_eq!(leaks, 2, "two standalone mobile numbers in the whole site");

    // Forbidden text appears once, on a GBK page.
    let forbidden = exp.iter().find(|p| p.kind == "forbidden_text").unwrap();
    let on: Vec<&String> = w
        .pages
        .iter()
        .filter(|(_, t)| t.contains(&forbidden.target))
        .map(|(u, _)| u)
        .collect();
    assert_eq!(on, vec![&forbidden.page]);
    assert!(w.got[&forbidden.page].content_type.contains("charset=gbk"));

    // Columns.
    let portal = &w.pages["http://www.demo-ipa.gov.cn/xxgk/"];
    assert!(!portal.contains("重大行政决策"));
    assert!(w.pages.values().all(|t| !t.contains("重大行政决策")));
    assert!(w.pages["http://www.demo-ipa.gov.cn/xxgk/sjsgk/"].contains("暂无信息"));
    let stale = &w.pages["http://www.demo-ipa.gov.cn/xxgk/zcwj/"];
    assert!(stale.contains("2025-07-04") && !stale.contains("2026-"));
    let mixed: Vec<_> = exp.iter().filter(|p| p.kind == "column_mixed").collect();
    assert_eq!(mixed.len(), 2);
    // Listed in 规划计划, the article is a news item by its ColumnName.
    let ghjh = mixed.iter().find(|p| p.page.ends_with("/ghjh/")).unwrap();
    assert!(w.pages[&ghjh.target].contains("<meta name=\"ColumnName\" content=\"新闻动态\">"));
    // Listed in 机构职能 (no rule words in demo.toml), a news title.
    let jgzn = mixed.iter().find(|p| p.page.ends_with("/jgzn/")).unwrap();
    assert!(w.pages[&jgzn.target].contains("<meta name=\"ColumnName\" content=\"机构职能\">"));
    assert!(w.pages[&jgzn.target].contains("出席"));
    let ndbg = &w.pages["http://www.demo-ipa.gov.cn/xxgk/ndbg/"];
    assert!(ndbg.contains("2024年政府信息公开工作年度报告"));
    assert!(!ndbg.contains("2025年政府信息公开工作年度报告"));
    assert_eq!(today().year(), 2026);

    // TRS pagination pages exist and were reached; GBK list decoded.
    for p in ["index_1.html", "index_2.html"] {
        let t = &w.pages[&format!("http://www.demo-ipa.gov.cn/xxgk/gfxwj/{p}")];
        assert!(t.contains("规范性文件"));
    }
    let meta_only = &w.got["http://www.demo-ipa.gov.cn/xxgk/czyjs/"];
    assert_eq!(meta_only.content_type, "text/html");
    assert!(meta_only.text.contains("财政预决算"));

    // Look-alikes that are fetched answer well in the end.
    for p in alikes.iter().filter(|p| p.target.starts_with("http")) {
        let mut u = Url::parse(&p.target).unwrap();
        u.set_fragment(None);
        let g = &w.got[u.as_str()];
        assert!(
            g.status == 200 || g.status == 301,
            "{}: {}",
            p.target,
            g.status
        );
    }
    let c = client(&s);
    let r = c
        .head(
            Url::parse(
                &alikes
                    .iter()
                    .find(|p| p.note.contains("HEAD"))
                    .unwrap()
                    .target,
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    let raw_cn: Vec<_> = w
        .links
        .iter()
        .filter(|(_, raw, _)| raw.contains("工作要点.pdf") || raw.contains("%E5%B7%A5%E4%BD%9C"))
        .map(|(_, raw, _)| raw.clone())
        .collect();
    assert!(
        raw_cn.iter().any(|r| r.contains("工作要点")) && raw_cn.iter().any(|r| r.contains('%'))
    );
    assert!(
        w.links
            .iter()
            .any(|(_, raw, _)| raw.starts_with("//www.demo-ipa.gov.cn/"))
    );
    assert_eq!(s.hits_on(DEMO_HOST, "/wzdt/"), 2, "429 once, then 200");
    // Nothing was requested from a host the demo does not serve.
    assert!(s.all_hits().iter().all(|(h, _, _)| hosts.contains(h)));
}

#[test]
fn demo_rules_load() {
    let r = Rules::from_toml(DEMO_RULES, Path::new("rules/demo.toml")).unwrap();
    assert_eq!(r.id, "demo");
    assert_eq!(r.name, "示范市知识产权局");
    assert_eq!(r.own_hosts, vec![DEMO_HOST]);
    assert_eq!(r.forbidden_hosts, vec![FORBIDDEN_HOST]);
    assert_eq!(r.thresholds.slow_page_ms, 1500);
    assert_eq!(r.crawl.host_interval_ms, 0);
    assert_eq!(r.homepage().as_str(), "http://www.demo-ipa.gov.cn/");
}

#[test]
fn planted_rows_parse() {
    let e = expected(today());
    assert!(e.iter().any(|p| p.kind == "item_missing"
        && p.target == "示范市知识产权局2025年政府信息公开工作年度报告"));
    for p in e.iter().chain(lookalikes(today()).iter()) {
        assert!(
            crate::finding::FindingKind::from_code(&p.kind).is_some(),
            "{}",
            p.kind
        );
        assert!(
            p.page.starts_with("http://www.demo-ipa.gov.cn/"),
            "{}",
            p.page
        );
    }
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[tokio::test]
async fn crawl_fixture_site_answers_as_its_readme_says() {
    let s = SiteServer::start_with_today(SiteSource::dir(fixture("site")), today())
        .await
        .unwrap();
    assert!(s.hosts().is_empty(), "single-host site");
    let c = reqwest::Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .resolve("www.other-host.test", s.addr())
        .build()
        .unwrap();
    let status = |p: &str| {
        let c = c.clone();
        let u = s.url(p);
        async move { c.get(u).send().await.unwrap().status().as_u16() }
    };
    for p in [
        "/",
        "/robots.txt",
        "/private/secret.html",
        "/private/deeper.html",
        "/sources.html",
        "/article.html",
        "/area-target.html",
        "/img/map.png",
        "/img/photo-1x.png",
        "/img/photo-2x.png",
        "/css/site.css",
        "/css/print.css",
        "/img/bg.png",
        "/img/logo-bg.png",
        "/js/app.js",
        "/img/style-bg.png",
        "/iframe.html",
        "/img/pic.webp",
        "/img/pic.png",
        "/media/clip.mp4",
        "/media/poster.png",
        "/media/clip.webm",
        "/media/sound.mp3",
        "/files/embed.pdf",
        "/files/object.pdf",
        "/search/result.html",
        "/img/inline-bg.png",
        "/frames.html",
        "/frame-left.html",
        "/frame-right.html",
        "/refresh.html",
        "/refresh-target.html",
        "/js-links.html",
        "/js-target.html",
        "/popup-page.html",
        "/files/popup.pdf",
        "/base.html",
        "/base/dir/page.html",
        "/base/img.png",
        "/list/index.html",
        "/list/index_1.html",
        "/list/index_2.html",
        "/list/index_3.html",
        "/hanweb/col/col1001/index.html",
        "/art/2026/5/1/art_1001_2001.html",
        "/art/2026/5/2/art_1001_2002.html",
        "/gbk/index.html",
        "/gbk/page2.html",
        "/gbk/header.html",
        "/files/report.pdf",
        "/files/notice.doc",
        "/files/data.xls",
        "/files/2026年度报告.pdf",
        "/files/2026%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf",
        "/deleted.html",
        "/ext.html",
        "/other.html",
        "/img/logo.png",
        "/img/favicon.png",
    ] {
        assert_eq!(status(p).await, 200, "{p}");
    }
    for i in 1..=8 {
        assert_eq!(
            status(&format!("/list/202605/t2026050{i}_10{i}.html")).await,
            200
        );
    }
    for p in [
        "/files/missing.pdf",
        "/missing.html",
        "/page.html",
        "/list/index_4.html",
    ] {
        assert_eq!(status(p).await, 404, "{p}");
    }
    assert_eq!(status("/moved.html").await, 301);
    assert_eq!(
        c.head(s.url("/files/report.pdf"))
            .send()
            .await
            .unwrap()
            .status(),
        405
    );
    assert_eq!(
        c.head(s.url("/files/data.xls"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(status("/busy.html").await, 429);
    assert_eq!(status("/busy.html").await, 200);
    let r = c.get(s.url("/loop/a")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/loop/b");
    let r = c.get(s.url("/loop/b")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/loop/a");
    let quick = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    assert!(
        quick
            .get(s.url("/slow.html"))
            .send()
            .await
            .unwrap_err()
            .is_timeout()
    );
    let r = c
        .get("http://www.other-host.test/other.html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(s.hits_on("www.other-host.test", "/other.html"), 1);

    let g = get(&c, &Url::parse(&s.url("/gbk/index.html")).unwrap()).await;
    assert_eq!(g.content_type, "text/html");
    assert!(g.text.contains("发布日期：2026年5月18日"), "{}", g.text);
    let g = get(&c, &Url::parse(&s.url("/gbk/header.html")).unwrap()).await;
    assert_eq!(g.content_type, "text/html; charset=gbk");
    assert!(g.text.contains("本页没有 meta 声明"));
    let g = get(&c, &Url::parse(&s.url("/list/index.html")).unwrap()).await;
    assert!(g.text.contains("createPageHTML(4, 0, \"index\", \"html\")"));
    assert!(g.text.contains("<span>2026-05-17</span>"));
    let deleted = get(&c, &Url::parse(&s.url("/deleted.html")).unwrap()).await;
    assert!(deleted.text.contains("<title>页面不存在</title>"));
    let robots = get(&c, &Url::parse(&s.url("/robots.txt")).unwrap()).await;
    assert!(robots.text.contains("Disallow: /private/"));
}

#[tokio::test]
async fn hostile_fixture_behaves() {
    let s = SiteServer::start_with_today(SiteSource::dir(fixture("hostile")), today())
        .await
        .unwrap();
    let c = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .redirect(Policy::none())
        .build()
        .unwrap();
    // 30 redirects, then a page.
    let mut path = "/chain/1".to_string();
    let mut hops = 0;
    loop {
        let r = c.get(s.url(&path)).send().await.unwrap();
        match r.headers().get("location") {
            Some(l) => {
                path = l.to_str().unwrap().to_string();
                hops += 1;
            }
            None => {
                assert_eq!(r.status(), 200);
                break;
            }
        }
    }
    assert_eq!(hops, 30);
    let r = c.get(s.url("/to-private")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "http://10.0.0.1/");
    let r = c.head(s.url("/huge.html")).send().await.unwrap();
    assert_eq!(r.headers()["content-length"], "52428800");
    let r = c.get(s.url("/binary.html")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert!(std::str::from_utf8(&r.bytes().await.unwrap()).is_err());
    let r = c.get(s.url("/bad-charset.html")).send().await.unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "text/html; charset=x-no-such-charset"
    );
    let b = r.bytes().await.unwrap();
    assert!(std::str::from_utf8(&b).is_err());
    let (_, _, bad) = encoding_rs::GBK.decode(&b);
    assert!(bad);
    let t = c
        .get(s.url("/many-links.html"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(t.matches("<a href=\"/many/page.html?id=").count(), 10_000);
    assert_eq!(
        c.get(s.url("/many/page.html?id=9999"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let t = c
        .get(s.url("/deep.html"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(t.matches("<div>").count(), 20_000);
    assert!(c.get(s.url("/reset.html")).send().await.is_err());
    let r = c.get(s.url("/wrong-length.html")).send().await.unwrap();
    assert_eq!(r.headers()["content-length"], "100000");
    assert!(r.bytes().await.is_err());
    let mut r = c.get(s.url("/endless.html")).send().await.unwrap();
    let mut total = 0;
    while total < 1024 * 1024 {
        total += r.chunk().await.unwrap().unwrap().len();
    }
    drop(r);
    let r = c.get(s.url("/bomb.html")).send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(r.bytes().await.unwrap().len() < 1024 * 1024);
    let mut r = c.get(s.url("/drip.html")).send().await.unwrap();
    assert_eq!(r.headers()["content-length"], "188");
    assert_eq!(r.chunk().await.unwrap().unwrap().len(), 1);
    let t = c
        .get(s.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for p in [
        "/endless.html",
        "/chain/1",
        "/to-private",
        "/wrong-length.html",
    ] {
        assert!(t.contains(&format!("href=\"{p}\"")), "{p}");
    }
}
