//! Content checks end to end (issue 5): `tests/fixtures/content/` served on
//! loopback (with `_routes.toml`: a slow page, a page a little slow) and
//! crawled; privacy_leak, forbidden_text, missing_alt and slow_page where
//! planted, and never on the look-alikes, the GBK page included.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;
use zwgk_audit::demo::SiteServer;
use zwgk_audit::report::rows::FindingRow;
use zwgk_audit::rules::Rules;

const PAGES: &[&str] = &[
    "/privacy.html",
    "/forbidden.html",
    "/a11y.html",
    "/clean.html",
    "/gbk.html",
    "/slow.html",
];

/// Full numbers planted in the fixture pages (as written and as digits).
const FULL_NUMBERS: &[&str] = &[
    "310115198503121234",
    "11010519491231002x",
    "11010519491231002X",
    "139-8888-8888",
    "13988888888",
    "13812345678",
    "440306199007154561",
    "320502197801019876",
];

const CONTENT_KINDS: &[&str] = &["privacy_leak", "forbidden_text", "missing_alt", "slow_page"];

fn rules(server: &SiteServer, content: &str) -> Rules {
    rules_for_pages(server, PAGES, content)
}

fn rules_for_pages(server: &SiteServer, pages: &[&str], content: &str) -> Rules {
    let starts: Vec<String> = pages
        .iter()
        .map(|p| format!("\"{}\"", server.url(p)))
        .collect();
    let text = format!(
        "[site]\nname = \"内容测试站\"\nid = \"content\"\nstart_urls = [{}]\n\
         [crawl]\nhost_interval_ms = 0\ntimeout_secs = 4\nretries = 0\nbackoff_ms = 50\n\
         check_external = false\nrespect_robots = false\n\
         [thresholds]\nslow_page_ms = 600\n\
         [content]\n{content}\n",
        starts.join(", ")
    );
    Rules::from_toml(&text, Path::new("content.toml")).unwrap()
}

/// (link_text, element) of the findings of `kind` on `page`, sorted.
fn on(run: &Run, server: &SiteServer, kind: &str, page: &str) -> BTreeSet<(String, String)> {
    findings_on(run, server, kind, page)
        .iter()
        .map(|f| (f.link_text.clone(), f.element.clone()))
        .collect()
}

fn findings_on<'a>(
    run: &'a Run,
    server: &SiteServer,
    kind: &str,
    page: &str,
) -> Vec<&'a FindingRow> {
    let url = server.url(page);
    run.findings
        .iter()
        .filter(|f| f.kind == kind && f.page_url == url)
        .collect()
}

fn set(v: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_findings_where_planted_and_not_on_lookalikes() {
    let server = serve("content").await;
    // The contact person's mobile 139-8888-8888 is declared public: allow-listed.
    let rules = rules(&server, "allow = [\"139-8888-8888\"]\n");
    let run = audit(&server, rules, |_| {}).await;

    // Every page was fetched; the GBK one decoded.
    for p in PAGES {
        let row = run.pages.iter().find(|x| x.url == server.url(p)).unwrap();
        assert_eq!(row.http_status, Some(200), "{p}");
    }
    let gbk = run
        .pages
        .iter()
        .find(|x| x.url == server.url("/gbk.html"))
        .unwrap();
    assert!(gbk.charset.eq_ignore_ascii_case("gbk"), "{gbk:?}");
    assert_eq!(gbk.title, "专利代理机构执业许可公示（旧版GBK页面）");

    // 隐私泄露: valid IDs (also a lower-case x, in an input value and a data-
    // attribute), masked. Not: a bad check digit, 1999-02-30, masked numbers,
    // digits inside longer runs or glued to letters, amounts with a unit, the
    // hotline 12345, numbers in scripts or comments, the allow-listed mobile,
    // the notice's labelled contact (联系人：王老师，手机：…); bank cards are
    // off by default.
    assert_eq!(
        on(&run, &server, "privacy_leak", "/privacy.html"),
        set(&[
            ("3101**********1234", "td"),
            ("1101**********002X", "td"),
            ("4403**********4561", "input@value"),
            ("3205**********9876", "span@data-idcard"),
        ])
    );
    let id = findings_on(&run, &server, "privacy_leak", "/privacy.html")
        .into_iter()
        .find(|f| f.link_text == "3101**********1234")
        .unwrap();
    assert_eq!(
        (id.severity.as_str(), id.certainty.as_str()),
        ("error", "confirmed")
    );
    assert_eq!(
        id.detail,
        "身份证号 3101**********1234（校验位与出生日期有效）"
    );
    assert_eq!(
        on(&run, &server, "privacy_leak", "/gbk.html"),
        set(&[("3101**********1234", "td")])
    );

    // 严重错误: visible text and <title> only, with the suggestion and context.
    assert_eq!(
        on(&run, &server, "forbidden_text", "/forbidden.html"),
        set(&[
            ("中华人民共合国", "title"),
            ("社会主意", "text"),
            ("国家工商行政管理总局商标局", "text"),
            ("质监局", "text"),
        ])
    );
    let words = findings_on(&run, &server, "forbidden_text", "/forbidden.html");
    let w = |t: &str| words.iter().find(|f| f.link_text == t).unwrap();
    let zy = w("社会主意");
    assert!(
        zy.detail.contains("建议：「社会主义」") && zy.detail.contains("中国特色【社会主意】"),
        "{}",
        zy.detail
    );
    assert_eq!(
        (zy.severity.as_str(), zy.certainty.as_str()),
        ("error", "confirmed")
    );
    let gh = w("中华人民共合国");
    assert!(
        gh.detail.contains("建议：「中华人民共和国」"),
        "{}",
        gh.detail
    );
    // An outdated body name may be right in an old article: a suspected warning.
    let sb = w("国家工商行政管理总局商标局");
    assert_eq!(
        (sb.severity.as_str(), sb.certainty.as_str()),
        ("warning", "suspected")
    );
    assert!(
        sb.detail.contains("建议：「国家知识产权局商标局」"),
        "{}",
        sb.detail
    );
    // In meta, style, script, comment, attributes, noscript, form values, template: never.
    for hidden in [
        "国家质检总局",
        "台湾总统",
        "习进平总书记",
        "国家安监总局",
        "国家卫计委",
        "地税局",
        "国家工商总局",
        "国务院法制办",
        "中国银监会",
        "国家林业局",
        "国土资源部",
    ] {
        assert!(
            !words.iter().any(|f| f.link_text == hidden),
            "{hidden}: {words:#?}"
        );
    }
    // The GBK page is checked like a UTF-8 one (「原国家工商总局」, a suspected old name).
    assert_eq!(
        on(&run, &server, "forbidden_text", "/gbk.html"),
        set(&[("国家工商总局", "text")])
    );

    // 无障碍: no lang, empty title, two images without alt (one twice). Not:
    // alt="", the image inside <noscript>.
    let a11y: BTreeSet<(String, String)> = findings_on(&run, &server, "missing_alt", "/a11y.html")
        .iter()
        .map(|f| (f.element.clone(), f.target_url.clone()))
        .collect();
    assert_eq!(
        a11y,
        [
            ("html@lang".to_string(), String::new()),
            ("title".to_string(), String::new()),
            ("img@src".to_string(), server.url("/images/banner_2024.jpg")),
            ("img@src".to_string(), server.url("/W020240510.png")),
        ]
        .into_iter()
        .collect()
    );
    assert!(
        findings_on(&run, &server, "missing_alt", "/a11y.html")
            .iter()
            .all(|f| f.severity == "warning")
    );

    // 访问缓慢: the 1.2 s page, not the 0.1 s one.
    let slow: Vec<&FindingRow> = run
        .findings
        .iter()
        .filter(|f| f.kind == "slow_page")
        .collect();
    assert_eq!(slow.len(), 1, "{slow:#?}");
    assert_eq!(slow[0].page_url, server.url("/slow.html"));
    assert!(
        slow[0].detail.ends_with(" s (threshold 0.6 s)"),
        "{}",
        slow[0].detail
    );
    let secs: f64 = slow[0].detail.split(' ').next().unwrap().parse().unwrap();
    assert!(secs >= 1.2, "{}", slow[0].detail);

    // Nothing on the clean page, and no content finding anywhere else.
    for f in &run.findings {
        if CONTENT_KINDS.contains(&f.kind.as_str()) {
            assert_ne!(f.page_url, server.url("/clean.html"), "{f:#?}");
        }
    }
    let content: Vec<&FindingRow> = run
        .findings
        .iter()
        .filter(|f| CONTENT_KINDS.contains(&f.kind.as_str()))
        .collect();
    assert_eq!(content.len(), 4 + 1 + 4 + 1 + 4 + 1, "{content:#?}");

    // The full numbers are in no report file.
    let dir = &run.result.run_dir;
    let mut files = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let Ok(text) = std::fs::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&text);
        for n in FULL_NUMBERS {
            assert!(!text.contains(n), "{n} in {}", path.display());
        }
        files += 1;
    }
    assert!(files >= 6, "{files} report files");
    assert!(dir.join("findings.csv").is_file() && dir.join("links.csv").is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_switches_and_the_allow_list_through_a_crawl() {
    let server = serve("content").await;
    let rules = rules(
        &server,
        "allow = [\"13812345678\"]\nbank_cards = true\nforbidden_text = false\naccessibility = false\n",
    );
    let run = audit(&server, rules, |_| {}).await;
    let got = on(&run, &server, "privacy_leak", "/privacy.html");
    // Without the allow list entry 139-8888-8888 is reported; 13812345678 is allowed.
    assert!(
        got.contains(&("139****8888".to_string(), "td".to_string())),
        "{got:?}"
    );
    assert!(!got.iter().any(|(t, _)| t.starts_with("138")), "{got:?}");
    // Bank cards on: the Luhn-valid account number, masked.
    assert!(
        got.contains(&("622202*********6789".to_string(), "td".to_string())),
        "{got:?}"
    );
    // Still nothing on the clean page, whose long numbers are look-alikes.
    assert!(
        !run.findings
            .iter()
            .any(|f| f.kind == "privacy_leak" && f.page_url == server.url("/clean.html")),
        "{:#?}",
        run.findings
    );
    assert!(
        run.findings
            .iter()
            .all(|f| f.kind != "forbidden_text" && f.kind != "missing_alt")
    );
    for e in std::fs::read_dir(&run.result.run_dir).unwrap() {
        let path = e.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for n in FULL_NUMBERS.iter().chain(&["6222021001123456789"]) {
            assert!(!text.contains(n), "{n} in {}", path.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn birth_dates_are_judged_as_of_the_audit_date() {
    let server = serve("content").await;
    let leaks = |run: &Run| -> Vec<String> {
        run.findings
            .iter()
            .filter(|f| f.kind == "privacy_leak")
            .map(|f| f.link_text.clone())
            .collect()
    };
    // Born 2023-03-15: a child's ID number, published.
    let rules = rules_for_pages(&server, &["/child.html"], "");
    let run = audit(&server, rules.clone(), |_| {}).await;
    assert_eq!(leaks(&run), ["1101**********0013"]);
    // As of 2022 (`--today`), no one can have been born in 2023: 18 digits that
    // only look like an ID number.
    let run = audit(&server, rules, |o| {
        o.today = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    })
    .await;
    assert!(leaks(&run).is_empty(), "{:#?}", run.findings);
}
