//! End-to-end tests of the column checks on the fixture site
//! (`tests/fixtures/columns/`, see its README): pages are parsed, observed and
//! recorded in various orders, links are fed as the crawler would, and the
//! findings and rows are judged as of 2026-05-25.

use super::*;
use crate::extract::ExtractedPage;
use crate::finding::{Certainty, Finding, FindingKind, Severity};
use chrono::NaiveDate;
use scraper::Html;
use std::path::{Path, PathBuf};

const BASE: &str = "https://ipa.example.gov.cn";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/columns")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 25).unwrap()
}

fn rules() -> Rules {
    Rules::load(&dir().join("rules.toml")).unwrap()
}

/// (url, file, charset) of the fixture site.
fn site() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(dir().join("site.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[1].to_string(), f[2].to_string())
        })
        .collect()
}

fn decode(file: &str, charset: &str) -> String {
    let bytes = std::fs::read(dir().join(file)).unwrap();
    let enc = encoding_rs::Encoding::for_label(charset.as_bytes()).unwrap();
    let (text, _, errors) = enc.decode(&bytes);
    assert!(!errors, "{file} is not valid {charset}");
    text.into_owned()
}

struct Feed {
    /// Drop the observation's own portal links (only `link()` calls remain).
    no_obs_nav: bool,
    /// Do not call `link()`.
    no_link_calls: bool,
    /// The run reached a cap (the page cap).
    capped: bool,
    /// Lose the spooled list items before the columns are judged (a disk read error).
    lose_items: bool,
}

const FULL: Feed = Feed {
    no_obs_nav: false,
    no_link_calls: false,
    capped: false,
    lose_items: false,
};

/// Observes and records the pages at `urls` (in this order) with a fresh tracker.
fn run_with(
    rules: &Rules,
    pages: &[(String, String, String)],
    feed: &Feed,
    today: NaiveDate,
) -> (Vec<Finding>, Vec<ColumnRow>, VetoCounters) {
    let mut tracker = ColumnTracker::new(rules);
    let extracted = ExtractedPage::default();
    for (url, file, charset) in pages {
        let source = decode(file, charset);
        let doc = Html::parse_document(&source);
        let u = Url::parse(url).unwrap();
        let view = PageView {
            url: &u,
            final_url: &u,
            doc: &doc,
            source: &source,
            extracted: &extracted,
            elapsed_ms: 5,
            depth: 1,
        };
        let mut obs = observe(&view, rules).expect("an http page is observed");
        if feed.no_obs_nav {
            obs.nav.clear();
        }
        if !feed.no_link_calls {
            let sel = scraper::Selector::parse("a[href]").unwrap();
            for a in doc.select(&sel) {
                if let Ok(t) = u.join(a.value().attr("href").unwrap()) {
                    tracker.link(url, t.as_str(), &a.text().collect::<String>());
                }
            }
        }
        tracker.record(url, obs);
    }
    if feed.lose_items {
        tracker.lose_spooled_items();
    }
    if feed.capped {
        tracker.set_caps(vec![("页面数".into(), "pages".into())]);
    }
    let (findings, rows) = tracker.finish(rules, today);
    (findings, rows, tracker.veto())
}

fn run(pages: &[(String, String, String)]) -> (Vec<Finding>, Vec<ColumnRow>, VetoCounters) {
    run_with(&rules(), pages, &FULL, today())
}

fn without(files: &[&str]) -> Vec<(String, String, String)> {
    site()
        .into_iter()
        .filter(|p| !files.contains(&p.1.as_str()))
        .collect()
}

fn of<'a>(findings: &'a [Finding], column: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.column == column).collect()
}

fn row<'a>(rows: &'a [ColumnRow], column: &str) -> &'a ColumnRow {
    rows.iter().find(|r| r.column == column).unwrap()
}

fn sorted(mut f: Vec<Finding>) -> Vec<Finding> {
    f.sort_by(|a, b| (a.kind, &a.column, &a.target_url).cmp(&(b.kind, &b.column, &b.target_url)));
    f
}

#[test]
fn columns_whose_items_cannot_be_read_back_are_unchecked_not_empty() {
    let feed = Feed {
        lose_items: true,
        ..FULL
    };
    let (findings, rows, veto) = run_with(&rules(), &site(), &feed, today());
    // Only what needs no lost item is still reported: the missing column, and
    // the column whose page listed nothing to lose (it shows 暂无信息).
    let mut got: Vec<(FindingKind, &str)> = findings
        .iter()
        .map(|f| (f.kind, f.column.as_str()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (FindingKind::ColumnMissing, "双随机一公开"),
            (FindingKind::ColumnEmpty, "财政预决算"),
        ]
    );
    for (column, status) in [
        ("政策文件", "unchecked"),
        ("规划计划", "unchecked"),
        ("权责清单", "unchecked"),
        (HOMEPAGE_COLUMN, "unchecked"),
        ("双随机一公开", "missing"),
    ] {
        assert_eq!(row(&rows, column).status, status, "{column}");
    }
    assert_eq!((veto.blank, veto.long_unupdated), (1, 0));
    assert!(!veto.homepage_stale);
}

#[test]
fn fixture_site_findings_where_planted_and_none_on_healthy_columns() {
    let (findings, rows, veto) = run(&site());
    let portal = format!("{BASE}/zwgk/");

    let missing = of(&findings, "双随机一公开");
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert_eq!(missing[0].kind, FindingKind::ColumnMissing);
    assert_eq!(missing[0].page_url, portal);
    assert!(
        missing[0].detail.contains("「双随机一公开」") && missing[0].detail.contains("/sjsgk/"),
        "{}",
        missing[0].detail
    );

    let empty = of(&findings, "财政预决算");
    assert_eq!(empty.len(), 1, "{empty:#?}");
    assert_eq!(empty[0].kind, FindingKind::ColumnEmpty);
    assert_eq!(empty[0].severity, Severity::Error);
    assert_eq!(empty[0].page_url, format!("{BASE}/zwgk/czyjs/"));
    assert!(empty[0].detail.contains("暂无信息"), "{}", empty[0].detail);

    let plan = of(&findings, "规划计划");
    assert_eq!(plan.len(), 1, "{plan:#?}");
    assert_eq!(plan[0].kind, FindingKind::ColumnStale);
    assert_eq!(plan[0].certainty, Certainty::Confirmed);
    assert_eq!(
        plan[0].detail,
        "newest item 2025-03-02, 449 days old, window 365"
    );

    let undated = of(&findings, "权责清单");
    assert_eq!(undated.len(), 1, "{undated:#?}");
    assert_eq!(undated[0].kind, FindingKind::ColumnStale);
    assert_eq!(undated[0].certainty, Certainty::Suspected);
    assert!(
        undated[0].detail.starts_with("3 items, none dated"),
        "{}",
        undated[0].detail
    );

    let mixed = of(&findings, "政策文件");
    assert!(
        mixed
            .iter()
            .all(|f| f.kind == FindingKind::ColumnMixed && f.severity == Severity::Warning)
    );
    let mut targets: Vec<String> = mixed
        .iter()
        .map(|f| f.target_url.rsplit('/').next().unwrap().to_string())
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            "t20260401_480.html",
            "t20260506_498.html",
            "t20260518_501.html"
        ]
    );
    let by = |t: &str| findings.iter().find(|f| f.target_url.ends_with(t)).unwrap();
    assert_eq!(
        by("t20260506_498.html").detail,
        "「局领导赴临港新片区调研知识产权保护工作」 contains 「调研」 (not_belongs); 专栏姓专"
    );
    assert!(
        by("t20260518_501.html")
            .detail
            .contains("ColumnName is 「新闻动态」"),
        "{}",
        by("t20260518_501.html").detail
    );
    assert!(
        by("t20260401_480.html")
            .detail
            .contains("breadcrumb 「首页 > 通知公告 > 正文」"),
        "{}",
        by("t20260401_480.html").detail
    );
    assert_eq!(
        by("t20260506_498.html").link_text,
        "局领导赴临港新片区调研知识产权保护工作"
    );
    assert_eq!(
        by("t20260506_498.html").page_url,
        format!("{BASE}/zwgk/zcwj/")
    );

    for healthy in [
        "首页",
        "规范性文件",
        "通知公告",
        "新闻动态",
        "政府信息公开年报",
        "政府信息公开指南",
    ] {
        assert!(
            of(&findings, healthy).is_empty(),
            "{healthy}: {:#?}",
            of(&findings, healthy)
        );
        assert_eq!(row(&rows, healthy).status, "ok", "{healthy}");
    }
    assert_eq!(findings.len(), 7, "{findings:#?}");

    // Rows: the homepage first, then the rules' order.
    let names: Vec<&str> = rows.iter().map(|r| r.column.as_str()).collect();
    assert_eq!(names[0], "首页");
    assert_eq!(names.len(), 11);
    assert_eq!(row(&rows, "规范性文件").items, 3);
    assert_eq!(row(&rows, "规范性文件").newest_date, "2026-05-12");
    assert_eq!(row(&rows, "通知公告").items, 25);
    assert_eq!(row(&rows, "通知公告").url, format!("{BASE}/tzgg/"));
    assert_eq!(row(&rows, "新闻动态").items, 45);
    assert_eq!(row(&rows, "新闻动态").window_days, 14);
    assert_eq!(row(&rows, "政府信息公开年报").newest_date, "2026-01-19");
    assert_eq!(row(&rows, "政府信息公开指南").window_days, 0);
    assert_eq!(row(&rows, "首页").newest_date, "2026-05-22");
    assert_eq!(row(&rows, "财政预决算").status, "empty");
    assert_eq!(row(&rows, "规划计划").status, "stale");
    assert_eq!(row(&rows, "政策文件").status, "mixed");
    let m = row(&rows, "双随机一公开");
    assert_eq!(
        (m.found, m.status.as_str(), m.url.as_str()),
        (false, "missing", "")
    );

    assert_eq!(veto.long_unupdated, 2);
    assert_eq!(veto.stale_dynamic_notice_policy, 0);
    assert_eq!(veto.blank, 1);
    assert!(!veto.homepage_stale);
    assert_eq!(veto.thresholds.blank, 5);
    assert!(!veto.vetoed());
}

#[test]
fn order_of_pages_does_not_matter() {
    let pages = site();
    let forward = run(&pages);
    let mut rev = pages.clone();
    rev.reverse();
    let backward = run(&rev);
    let mut rot = pages.clone();
    rot.rotate_left(7);
    let rotated = run(&rot);
    assert_eq!(sorted(forward.0.clone()), sorted(backward.0));
    assert_eq!(sorted(forward.0), sorted(rotated.0));
    assert_eq!(forward.1, backward.1);
    assert_eq!(forward.1, rotated.1);
}

#[test]
fn trs_pagination_pages_are_merged() {
    let (findings, rows, _) = run(&without(&["tzgg_index_1.html", "tzgg_index_2.html"]));
    let f = of(&findings, "通知公告");
    let kinds: Vec<FindingKind> = f.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [FindingKind::ColumnEmpty, FindingKind::ItemMissing],
        "{f:#?}"
    );
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(f[0].detail, "10 items, fewer than the 20 required");
    assert!(
        f[1].detail
            .starts_with("「2026年度政务公开工作要点」 was due 2026-03-31"),
        "{}",
        f[1].detail
    );
    // The list announces 3 pages but only one was seen: check by hand.
    assert_eq!(f[1].certainty, Certainty::Suspected);
    assert!(
        f[1].detail.contains("the list has 3 pages, 1 crawled"),
        "{}",
        f[1].detail
    );
    assert_eq!(row(&rows, "通知公告").items, 10);
    // With the pages merged (previous test): 25 items, nothing reported.
}

#[test]
fn gbk_fixture_is_gbk_and_reads_correctly() {
    let bytes = std::fs::read(dir().join("gfxwj_index_gbk.html")).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must be GBK bytes"
    );
    let (_, rows, _) = run(&site());
    let r = row(&rows, "规范性文件");
    assert_eq!(
        (r.found, r.items, r.newest_date.as_str()),
        (true, 3, "2026-05-12")
    );
    assert_eq!(r.url, format!("{BASE}/zwgk/gfxwj/"));
}

#[test]
fn article_pubdate_dates_an_undated_row() {
    let (findings, rows, _) = run(&without(&["article_ndbg.html"]));
    let f = of(&findings, "政府信息公开年报");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].kind, FindingKind::ColumnStale);
    assert_eq!(
        f[0].detail,
        "newest item 2025-01-27, 483 days old, window 365"
    );
    assert_eq!(row(&rows, "政府信息公开年报").newest_date, "2025-01-27");
}

#[test]
fn stale_homepage_is_a_veto() {
    let mut pages = site();
    pages[0].1 = "home_stale.html".into();
    let (findings, rows, veto) = run(&pages);
    let f = of(&findings, "首页");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].kind, FindingKind::ColumnStale);
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(f[0].page_url, format!("{BASE}/"));
    assert_eq!(
        f[0].detail,
        "newest item 2026-04-02, 53 days old, window 14 (national veto: 首页不更新)"
    );
    assert_eq!(row(&rows, "首页").status, "stale");
    assert!(veto.homepage_stale);
    assert!(veto.vetoed());
    assert!(veto.reasons()[0].starts_with("首页不更新"));
}

#[test]
fn portal_navigation_from_link_calls_alone() {
    let feed = Feed {
        no_obs_nav: true,
        no_link_calls: false,
        ..FULL
    };
    let (a, b, _) = run_with(&rules(), &site(), &feed, today());
    let (c, d, _) = run(&site());
    assert_eq!(sorted(a), sorted(c));
    assert_eq!(b, d);
}

#[test]
fn without_portal_links_only_url_patterns_find_columns() {
    let feed = Feed {
        no_obs_nav: true,
        no_link_calls: true,
        ..FULL
    };
    let (findings, rows, _) = run_with(&rules(), &site(), &feed, today());
    let found: Vec<&str> = rows
        .iter()
        .filter(|r| r.found)
        .map(|r| r.column.as_str())
        .collect();
    assert_eq!(found, ["首页", "政策文件", "新闻动态"]);
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.kind == FindingKind::ColumnMissing)
            .count(),
        8
    );
}

#[test]
fn required_item_after_its_due_date() {
    let r = rules();
    // 2027-02-05: the 2026 report was due 2027-01-31 and is not there.
    let (findings, _, _) = run_with(
        &r,
        &site(),
        &FULL,
        NaiveDate::from_ymd_opt(2027, 2, 5).unwrap(),
    );
    let f: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::ItemMissing)
        .collect();
    let nb: Vec<&&Finding> = f
        .iter()
        .filter(|f| f.column == "政府信息公开年报")
        .collect();
    assert_eq!(nb.len(), 1, "{f:#?}");
    assert_eq!(nb[0].link_text, "2026年政府信息公开工作年度报告");
    assert!(
        nb[0].detail.contains("was due 2027-01-31"),
        "{}",
        nb[0].detail
    );
    assert_eq!(nb[0].page_url, format!("{BASE}/zwgk/ndbg/"));
    // 2026-01-25: the 2025 report is not due yet; the 2024 one (due 2025-01-31) is there.
    let (findings, _, _) = run_with(
        &r,
        &site(),
        &FULL,
        NaiveDate::from_ymd_opt(2026, 1, 25).unwrap(),
    );
    assert!(
        !findings
            .iter()
            .any(|f| f.kind == FindingKind::ItemMissing && f.column == "政府信息公开年报")
    );
}

#[test]
fn in_a_capped_run_a_required_item_not_found_is_only_suspected_and_no_column_missing() {
    let capped = Feed {
        capped: true,
        ..FULL
    };
    let day = NaiveDate::from_ymd_opt(2027, 2, 5).unwrap();
    let (full, _, _) = run_with(&rules(), &site(), &FULL, day);
    let (findings, rows, _) = run_with(&rules(), &site(), &capped, day);
    let missing_item = |f: &[Finding]| -> Vec<(String, Certainty)> {
        f.iter()
            .filter(|f| f.kind == FindingKind::ItemMissing)
            .map(|f| (f.column.clone(), f.certainty))
            .collect()
    };
    assert!(
        missing_item(&full).contains(&("政府信息公开年报".into(), Certainty::Confirmed)),
        "{full:#?}"
    );
    let capped_items = missing_item(&findings);
    assert!(!capped_items.is_empty());
    assert!(
        capped_items.iter().all(|(_, c)| *c == Certainty::Suspected),
        "{capped_items:?}"
    );
    let f = findings
        .iter()
        .find(|f| f.kind == FindingKind::ItemMissing && f.column == "政府信息公开年报")
        .unwrap();
    assert!(f.detail.contains("cap reached"), "{}", f.detail);
    // The columns the full run calls missing are unchecked, naming the cap.
    assert!(full.iter().any(|f| f.kind == FindingKind::ColumnMissing));
    assert!(
        !findings
            .iter()
            .any(|f| f.kind == FindingKind::ColumnMissing)
    );
    for r in rows
        .iter()
        .filter(|r| !r.found && r.column != HOMEPAGE_COLUMN)
    {
        assert_eq!(r.status, "unchecked", "{r:?}");
        assert!(r.note.starts_with("抓取上限（页面数）："), "{r:?}");
    }
}

#[test]
fn unobserved_or_external_column_is_unchecked_not_a_finding() {
    let (findings, rows, _) = run(&without(&["ghjh_index.html"]));
    assert!(of(&findings, "规划计划").is_empty());
    let r = row(&rows, "规划计划");
    assert_eq!((r.found, r.status.as_str()), (true, "unchecked"));
}

#[test]
fn redirected_page_is_known_by_both_urls() {
    // The portal links /tzgg/, the crawler asked /tzgg/ and landed on /tzgg/index.html.
    let r = rules();
    let mut tracker = ColumnTracker::new(&r);
    for (url, file, cs) in site() {
        let source = decode(&file, &cs);
        let doc = Html::parse_document(&source);
        let asked = if file == "ghjh_index.html" {
            Url::parse(&format!("{BASE}/old/ghjh.html")).unwrap()
        } else {
            Url::parse(&url).unwrap()
        };
        let landed = Url::parse(&url).unwrap();
        let extracted = ExtractedPage::default();
        let view = PageView {
            url: &asked,
            final_url: &landed,
            doc: &doc,
            source: &source,
            extracted: &extracted,
            elapsed_ms: 1,
            depth: 1,
        };
        let obs = observe(&view, &r).unwrap();
        tracker.record(asked.as_str(), obs);
    }
    let (findings, _) = tracker.finish(&r, today());
    assert_eq!(of(&findings, "规划计划").len(), 1);
}

// ---- Look-alikes that must not be reported, on synthetic observations ----

fn synthetic_rules(columns: &str) -> Rules {
    let text = format!(
        "[site]\nstart_urls = [\"{BASE}/\"]\n[portal]\nurls = [\"{BASE}/zwgk/\"]\n{columns}"
    );
    Rules::from_toml(&text, Path::new("x.toml")).unwrap()
}

fn item(title: &str, url: &str, date: Option<&str>) -> ListItem {
    ListItem {
        title: title.into(),
        url: format!("{BASE}{url}"),
        date: date.and_then(crate::check::dates::find),
    }
}

fn list_page(url: &str, items: Vec<ListItem>) -> (String, PageObservation) {
    let u = format!("{BASE}{url}");
    (
        u.clone(),
        PageObservation {
            final_url: u,
            items,
            ..Default::default()
        },
    )
}

fn article_page(
    url: &str,
    column_name: Option<&str>,
    crumbs: &[&str],
    pubdate: Option<&str>,
) -> (String, PageObservation) {
    let u = format!("{BASE}{url}");
    (
        u.clone(),
        PageObservation {
            final_url: u,
            column_name: column_name.map(Into::into),
            breadcrumb: crumbs.iter().map(|s| s.to_string()).collect(),
            pubdate: pubdate.and_then(crate::check::dates::find_full),
            article_like: true,
            ..Default::default()
        },
    )
}

fn judge(
    rules: &Rules,
    portal_links: &[(&str, &str)],
    pages: Vec<(String, PageObservation)>,
    today: NaiveDate,
) -> (Vec<Finding>, Vec<ColumnRow>) {
    let mut t = ColumnTracker::new(rules);
    for (target, text) in portal_links {
        t.link(&format!("{BASE}/zwgk/"), &format!("{BASE}{target}"), text);
    }
    for (u, o) in pages {
        t.record(&u, o);
    }
    t.finish(rules, today)
}

#[test]
fn sub_column_items_in_parent_are_not_mixed() {
    let r = synthetic_rules(
        "[[columns]]\nname = \"政策文件\"\ntype = \"policy\"\n[[columns]]\nname = \"规范性文件\"\ntype = \"policy\"\n",
    );
    let (f, _) = judge(
        &r,
        &[
            ("/zwgk/zcwj/", "政策文件"),
            ("/zwgk/zcwj/gfxwj/", "规范性文件"),
        ],
        vec![
            list_page(
                "/zwgk/zcwj/",
                vec![item(
                    "某办法",
                    "/zwgk/zcwj/gfxwj/202605/t20260520_1.html",
                    Some("2026-05-20"),
                )],
            ),
            list_page(
                "/zwgk/zcwj/gfxwj/",
                vec![item(
                    "某办法",
                    "/zwgk/zcwj/gfxwj/202605/t20260520_1.html",
                    Some("2026-05-20"),
                )],
            ),
            article_page(
                "/zwgk/zcwj/gfxwj/202605/t20260520_1.html",
                Some("规范性文件"),
                &["首页", "规范性文件"],
                None,
            ),
        ],
        today(),
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn unknown_or_absent_column_names_are_not_mixed() {
    let r = synthetic_rules(
        "[[columns]]\nname = \"通知公告\"\ntype = \"notice\"\n[[columns]]\nname = \"新闻动态\"\ntype = \"dynamic\"\n",
    );
    let (f, _) = judge(
        &r,
        &[("/tzgg/", "通知公告"), ("/xwdt/", "新闻动态")],
        vec![
            list_page(
                "/tzgg/",
                vec![
                    item("甲", "/tzgg/202605/t20260520_1.html", Some("2026-05-20")),
                    item("乙", "/tzgg/202605/t20260519_2.html", Some("2026-05-19")),
                    item("丙", "/tzgg/202605/t20260518_3.html", Some("2026-05-18")),
                    item("丁", "/tzgg/202605/t20260517_4.html", Some("2026-05-17")),
                ],
            ),
            list_page(
                "/xwdt/",
                vec![item(
                    "新闻",
                    "/xwdt/202605/t20260524_9.html",
                    Some("2026-05-24"),
                )],
            ),
            // ColumnName of a column that is not required.
            article_page("/tzgg/202605/t20260520_1.html", Some("公示公告"), &[], None),
            // No ColumnName, no breadcrumb.
            article_page("/tzgg/202605/t20260519_2.html", None, &[], None),
            // ColumnName is this column although the breadcrumb names another one.
            article_page(
                "/tzgg/202605/t20260518_3.html",
                Some("通知公告"),
                &["首页", "新闻动态"],
                None,
            ),
            // Breadcrumb names this column and another one.
            article_page(
                "/tzgg/202605/t20260517_4.html",
                None,
                &["首页", "新闻动态", "通知公告"],
                None,
            ),
        ],
        today(),
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn window_boundary_future_dates_and_month_days() {
    let r = synthetic_rules("[[columns]]\nname = \"新闻动态\"\ntype = \"dynamic\"\n");
    let run1 = |items: Vec<ListItem>| {
        judge(
            &r,
            &[("/xwdt/", "新闻动态")],
            vec![list_page("/xwdt/", items)],
            today(),
        )
        .0
    };
    // 14 days old with a 14-day window: current.
    assert!(run1(vec![item("a", "/xwdt/a.html", Some("2026-05-11"))]).is_empty());
    // 15 days: stale.
    let f = run1(vec![item("a", "/xwdt/a.html", Some("2026-05-10"))]);
    assert_eq!(
        f[0].detail,
        "newest item 2026-05-10, 15 days old, window 14"
    );
    // A far-future date does not make a column current.
    let f = run1(vec![
        item("a", "/xwdt/a.html", Some("2030-01-01")),
        item("b", "/xwdt/b.html", Some("2026-01-01")),
    ]);
    assert_eq!(
        f[0].detail,
        "newest item 2026-01-01, 144 days old, window 14"
    );
    // [05-20] takes its year from the URL folder, else from today.
    let f = run1(vec![item(
        "a",
        "/xwdt/202505/t20250520_1.html",
        Some("[05-20]"),
    )]);
    assert!(
        f[0].detail.starts_with("newest item 2025-05-20"),
        "{}",
        f[0].detail
    );
    assert!(run1(vec![item("a", "/xwdt/a.html", Some("[05-20]"))]).is_empty());
    // An undated row takes the date in its URL.
    assert!(run1(vec![item("a", "/xwdt/202605/t20260520_1.html", None)]).is_empty());
}

#[test]
fn nothing_is_reported_for_links_from_non_portal_pages() {
    let r = synthetic_rules("[[columns]]\nname = \"通知公告\"\n");
    let mut t = ColumnTracker::new(&r);
    t.link(
        &format!("{BASE}/other/"),
        &format!("{BASE}/tzgg/"),
        "通知公告",
    );
    // The portal (/zwgk/) was never read: not judged either.
    let (f, rows) = t.finish(&r, today());
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(rows[1].status, "unchecked");
    assert!(rows[1].note.starts_with("门户页未能读取"), "{:?}", rows[1]);
    // The portal read without that link: the column is missing.
    t.record(
        &format!("{BASE}/zwgk/"),
        PageObservation {
            final_url: format!("{BASE}/zwgk/"),
            ..Default::default()
        },
    );
    let (f, rows) = t.finish(&r, today());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, FindingKind::ColumnMissing);
    assert_eq!(rows[1].status, "missing");
    // The homepage was never seen: its row is unchecked, with no finding.
    assert_eq!(rows[0].status, "unchecked");
}

#[test]
fn belongs_and_not_belongs_patterns() {
    let r = synthetic_rules(
        "[[columns]]\nname = \"政府信息公开年报\"\nbelongs = { titles = [\"年度报告\"], urls = ['/ndbg/'] }\nnot_belongs = { urls = ['/xwdt/'] }\n",
    );
    let (f, rows) = judge(
        &r,
        &[("/ndbg/", "政府信息公开年报")],
        vec![list_page(
            "/ndbg/",
            vec![
                item(
                    "2025年政府信息公开工作年度报告",
                    "/ndbg/a.html",
                    Some("2026-01-19"),
                ),
                item(
                    "2025年政府信息公开工作年度报告（图解）",
                    "/xwdt/b.html",
                    Some("2026-01-20"),
                ),
                item("局长信箱", "/ndbg/c.html", Some("2026-01-21")),
            ],
        )],
        today(),
    );
    let d: Vec<&str> = f.iter().map(|f| f.detail.as_str()).collect();
    assert_eq!(
        d,
        [
            "item URL matches not_belongs pattern `/xwdt/`; item URL matches none of the column's belongs.urls patterns",
            "「局长信箱」 contains none of the belongs words (年度报告)",
        ]
    );
    assert_eq!(rows[1].status, "mixed");
}

/// The one finding of a one-page column whose page has 12 characters of text.
fn assert_almost_no_text(f: &[Finding], rows: &[ColumnRow]) {
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].kind, FindingKind::ColumnEmpty);
    assert_eq!(
        f[0].detail,
        "the column page has almost no text (12 characters outside navigation)"
    );
    assert_eq!(rows[1].status, "empty");
}

#[test]
fn single_page_column_needs_text() {
    let r = synthetic_rules(
        "[[columns]]\nname = \"依申请公开\"\ntype = \"static\"\nsingle_page = true\n",
    );
    let page = |chars: usize| {
        let (u, mut o) = list_page("/ysqgk/", Vec::new());
        o.content_chars = chars;
        (u, o)
    };
    let (f, _) = judge(&r, &[("/ysqgk/", "依申请公开")], vec![page(500)], today());
    assert!(f.is_empty(), "{f:#?}");
    let (f, rows) = judge(&r, &[("/ysqgk/", "依申请公开")], vec![page(12)], today());
    assert_almost_no_text(&f, &rows);
}

#[test]
fn one_page_column_that_is_an_article_page() {
    // 机构职能 published as one article (ArticleTitle meta): judged by its text,
    // though articles are kept only as a few bytes each until the end.
    let r = synthetic_rules("[[columns]]\nname = \"机构职能\"\ntype = \"static\"\n");
    let page = |chars: usize| {
        let (u, mut o) = article_page("/jgzn/t20260301_1.html", None, &["首页", "机构职能"], None);
        o.content_chars = chars;
        (u, o)
    };
    let links = [("/jgzn/t20260301_1.html", "机构职能")];
    let (f, rows) = judge(&r, &links, vec![page(800)], today());
    assert!(f.is_empty(), "{f:#?}");
    assert_eq!((rows[1].status.as_str(), rows[1].items), ("ok", 1));
    let (f, rows) = judge(&r, &links, vec![page(12)], today());
    assert_almost_no_text(&f, &rows);
}

#[test]
fn required_item_found_by_its_article_title_when_the_list_cuts_it() {
    let r = synthetic_rules(
        "[[columns]]\nname = \"政府信息公开年报\"\nrequired_items = [{ title = \"{year}年.*年度报告\", due = \"01-31\", year = \"previous\" }]\n",
    );
    let list = list_page(
        "/ndbg/",
        vec![item(
            "2025年政府信息公开工作…",
            "/ndbg/t20260120_1.html",
            Some("2026-01-20"),
        )],
    );
    let article = |title: &str| {
        let (u, mut o) = article_page("/ndbg/t20260120_1.html", None, &[], Some("2026-01-20"));
        o.title = Some(title.into());
        (u, o)
    };
    let links = [("/ndbg/", "政府信息公开年报")];
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let (f, _) = judge(
        &r,
        &links,
        vec![list.clone(), article("2025年政府信息公开工作年度报告")],
        day,
    );
    assert!(f.is_empty(), "{f:#?}");
    // The article is another document: the report is missing (suspected: the list title is cut).
    let (f, _) = judge(&r, &links, vec![list, article("2025年工作总结")], day);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].kind, FindingKind::ItemMissing);
    assert_eq!(f[0].link_text, "2025年.*年度报告");
}
