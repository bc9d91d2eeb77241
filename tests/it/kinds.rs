//! Issue 16 items 3–6: the finding kinds of the inspection's veto items, end
//! to end on `tests/fixtures/kinds` (see its README.md) served on loopback.
//!
//! One audit of the fixture bureau `www.kinds.test` and the external hosts it
//! links to is shared by the tests: 暗链 (hidden external links as
//! risky_external), date_mismatch (a page's own dates and list dates, like
//! with like), guide_incomplete (guides of a column and of a URL pattern) and
//! reply_overdue (a GBK message board in two layouts, and excluded channels).
//! Each test asserts the planted findings exactly and the look-alikes absent.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;
use zwgk_audit::report::rows::FindingRow;
use zwgk_audit::report::summary::{Summary, VetoState};
use zwgk_audit::rules::Rules;

const SITE: &str = "http://www.kinds.test";

fn kinds_rules() -> Rules {
    Rules::from_toml(
        "[site]\nname = \"示例市知识产权局\"\nid = \"kinds\"\nstart_urls = [\"http://www.kinds.test/\"]\n\
         [crawl]\nhost_interval_ms = 0\ntimeout_secs = 4\nretries = 0\nbackoff_ms = 50\n\
         respect_robots = false\n\
         [[columns]]\nname = \"办事指南\"\nurl_pattern = '/bszn/(index\\.html)?$'\ntype = \"static\"\n\
         [guide]\ncolumn = \"办事指南\"\nurl_pattern = ['/zxbs/bs_[a-z]+\\.html$']\n\
         [interaction]\nurl_pattern = ['/hdjl/']\n",
        Path::new("kinds.toml"),
    )
    .unwrap()
}

fn kinds_run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        block_on_thread(|| async {
            let server = serve("kinds").await;
            audit(&server, kinds_rules(), |_| {}).await
        })
    })
}

/// A path on the bureau's site as a URL; absolute URLs unchanged.
fn abs(s: &str) -> String {
    if s.starts_with("http") {
        s.to_string()
    } else {
        format!("{SITE}{s}")
    }
}

fn of_kind<'a>(run: &'a Run, kind: &str) -> Vec<&'a FindingRow> {
    run.findings.iter().filter(|f| f.kind == kind).collect()
}

#[test]
fn hidden_external_links_are_risky_and_menus_are_not() {
    let run = kinds_run();
    let hidden: Vec<&FindingRow> = of_kind(run, "risky_external")
        .into_iter()
        .filter(|f| f.detail.starts_with("hidden link"))
        .collect();
    let got: BTreeSet<(String, String, String, String)> = hidden
        .iter()
        .map(|f| {
            assert_eq!(f.page_url, abs("/"), "{f:?}");
            assert_eq!(f.element, "a@href");
            (
                f.target_url.clone(),
                f.severity.clone(),
                f.certainty.clone(),
                f.detail.split("; ").next().unwrap_or("").to_string(),
            )
        })
        .collect();
    let row = |t: &str, sev: &str, cert: &str, how: &str| {
        (
            t.to_string(),
            sev.to_string(),
            cert.to_string(),
            how.to_string(),
        )
    };
    let want: BTreeSet<_> = [
        // Gambling behind display:none: the target's content and the hidden text say so.
        row(
            "http://www.casino.test/",
            "error",
            "confirmed",
            "hidden link (display:none on a hidden <div>)",
        ),
        row(
            "http://www.casino.test/vip.html",
            "error",
            "confirmed",
            "hidden link (display:none on a hidden <div>)",
        ),
        // Anything else hidden: a suspected warning naming how.
        row(
            "http://www.shop.test/seo.html",
            "warning",
            "suspected",
            "hidden link (off-screen (left:-9999px) on a hidden <div>)",
        ),
        row(
            "http://www.shop.test/vis.html",
            "warning",
            "suspected",
            "hidden link (visibility:hidden)",
        ),
        row(
            "http://www.shop.test/zero.html",
            "warning",
            "suspected",
            "hidden link (zero size (height:0, overflow:hidden) on a hidden <div>)",
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    let casino = hidden
        .iter()
        .find(|f| f.target_url == "http://www.casino.test/")
        .unwrap();
    assert!(
        casino.detail.contains("gambling content"),
        "{}",
        casino.detail
    );
    // One finding per hidden target (the risky content is not reported twice).
    assert_eq!(
        run.findings
            .iter()
            .filter(|f| f.target_url == "http://www.casino.test/")
            .count(),
        1
    );
    // Look-alikes: a hover menu, a tab panel, a panel with a visible sibling,
    // a hidden government link, the skip link — checked, never findings.
    for t in [
        "http://www.shop.test/menu.html",
        "http://www.shop.test/tab.html",
        "http://www.shop.test/sibling.html",
        "http://www.partner.gov.cn/hidden.html",
    ] {
        assert!(
            run.findings.iter().all(|f| f.target_url != t),
            "{t}: {:?}",
            run.findings
                .iter()
                .filter(|f| f.target_url == t)
                .collect::<Vec<_>>()
        );
        assert!(!run.links_to(t).is_empty(), "{t} was checked");
    }
    assert!(
        run.findings
            .iter()
            .all(|f| !f.target_url.ends_with("#main"))
    );
    // The veto counts the two gambling targets.
    let summary = Summary::read(&run.result.run_dir).unwrap();
    assert_eq!(summary.veto_input.risky_external, 2);
}

#[test]
fn publication_dates_are_compared_like_with_like() {
    let run = kinds_run();
    let got: BTreeSet<(String, String, String)> = of_kind(run, "date_mismatch")
        .iter()
        .map(|f| {
            assert_eq!(
                (f.severity.as_str(), f.certainty.as_str()),
                ("warning", "suspected")
            );
            (
                f.page_url.trim_start_matches(SITE).to_string(),
                f.target_url.trim_start_matches(SITE).to_string(),
                f.element.clone(),
            )
        })
        .collect();
    let row = |p: &str, t: &str, e: &str| (p.to_string(), t.to_string(), e.to_string());
    let want: BTreeSet<_> = [
        // (a) PubDate meta 2026-05-05, 发布日期 2026-04-20.
        row(
            "/xwdt/202605/t20260505_1003.html",
            "",
            "meta PubDate / 发布日期",
        ),
        // (b) 时间： on the info line 2026-05-15, URL date 2026-03-01.
        row("/xwdt/202603/t20260301_1005.html", "", "时间 / URL date"),
        // (c) 发布日期 2025-12-01, URL date 2026-03-20: 109 days before it existed.
        row(
            "/xwdt/202603/t20260320_1006.html",
            "",
            "发布日期 / URL date",
        ),
        // (d) PubDate and 发布日期 2026-07-01, after the audit date.
        row("/xwdt/202605/t20260520_1007.html", "", "future date"),
        // (b) the list shows 2026-05-20 for a page of 2026-04-02.
        row("/xwdt/", "/xwdt/202604/t20260402_1004.html", "list date"),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    let f = of_kind(run, "date_mismatch");
    let detail = |page: &str| {
        f.iter()
            .find(|x| x.page_url.ends_with(page))
            .map(|x| x.detail.clone())
            .unwrap()
    };
    assert!(detail("t20260505_1003.html").contains("differ by 15 days"));
    assert!(detail("t20260301_1005.html").contains("75 days newer"));
    assert!(detail("t20260320_1006.html").contains("109 days older"));
    assert!(
        detail("/xwdt/").contains("48 days newer"),
        "{}",
        detail("/xwdt/")
    );
    // Look-alikes: a list date older than its page (1002), a meeting time in
    // the body (1001: 时间：2026年6月20日) and a quoted old date, 发布日期 14
    // days before the URL's (1008), 成文日期 in the 信息公开 table (1009).
    for p in ["1001", "1002", "1008", "1009"] {
        assert!(
            f.iter()
                .all(|x| !x.page_url.contains(p) && !x.target_url.contains(p)),
            "{p}"
        );
    }
}

#[test]
fn guides_missing_elements_are_named() {
    let run = kinds_run();
    let got: BTreeSet<(String, String, String, String)> = of_kind(run, "guide_incomplete")
        .iter()
        .map(|f| {
            (
                f.page_url.trim_start_matches(SITE).to_string(),
                f.severity.clone(),
                f.detail.clone(),
                f.column.clone(),
            )
        })
        .collect();
    let row = |p: &str, s: &str, d: &str, c: &str| {
        (p.to_string(), s.to_string(), d.to_string(), c.to_string())
    };
    let want: BTreeSet<_> = [
        row(
            "/bszn/202603/t20260311_2002.html",
            "warning",
            "the guide lacks 2 of 8 required elements: 设定依据、办理流程",
            "办事指南",
        ),
        // Five missing: an error, counted by the veto (4 or more).
        row(
            "/bszn/202603/t20260312_2003.html",
            "error",
            "the guide lacks 5 of 8 required elements: 设定依据、申请条件、办理材料、办理时间、办理流程",
            "办事指南",
        ),
        // By URL pattern.
        row(
            "/zxbs/bs_sbzc.html",
            "warning",
            "the guide lacks 1 of 8 required elements: 办理时间",
            "",
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    let titled = of_kind(run, "guide_incomplete")
        .into_iter()
        .find(|f| f.page_url.ends_with("_2002.html"))
        .unwrap();
    assert_eq!(titled.link_text, "专利费用减缴备案办事指南");
    let by_pattern = of_kind(run, "guide_incomplete")
        .into_iter()
        .find(|f| f.page_url.ends_with("bs_sbzc.html"))
        .unwrap();
    assert_eq!(by_pattern.link_text, "商标质押登记");
    let summary = Summary::read(&run.result.run_dir).unwrap();
    assert_eq!(summary.veto_input.guide_incomplete, Some(1));
    let v = summary
        .estimate
        .vetoes
        .iter()
        .find(|v| v.id == "guide_incomplete")
        .unwrap();
    assert_eq!((v.value, v.threshold, v.triggered), (1, 5, false));
    assert_eq!(v.state, VetoState::Ok);
}

#[test]
fn overdue_messages_of_a_gbk_board_in_two_layouts() {
    let run = kinds_run();
    // The boards are GBK and decoded.
    let list = run
        .pages
        .iter()
        .find(|p| p.url == abs("/hdjl/zxzx/"))
        .unwrap();
    assert!(list.charset.eq_ignore_ascii_case("gbk"), "{list:?}");
    assert_eq!(list.title, "我要咨询");
    let got: BTreeSet<(String, String, String)> = of_kind(run, "reply_overdue")
        .iter()
        .map(|f| {
            assert_eq!(
                (f.severity.as_str(), f.certainty.as_str()),
                ("error", "confirmed")
            );
            (
                f.page_url.trim_start_matches(SITE).to_string(),
                f.link_text.clone(),
                f.detail.clone(),
            )
        })
        .collect();
    let row = |p: &str, t: &str, d: &str| (p.to_string(), t.to_string(), d.to_string());
    let want: BTreeSet<_> = [
        // List with a header row: 未回复 for 135 days.
        row(
            "/hdjl/zxzx/202601/t20260110_301.html",
            "关于专利年费减缴的咨询",
            "asked 2026-01-10, not answered after 135 days (more than 3 months)",
        ),
        // Answered after 136 days.
        row(
            "/hdjl/zxzx/202509/t20250901_303.html",
            "专利资助申请材料",
            "asked 2025-09-01, answered 2026-01-15: 136 days, more than 3 months",
        ),
        // 已办结 in the list; the detail page shows the reply came after 152 days.
        row(
            "/hdjl/zxzx/202512/t20251201_306.html",
            "地理标志申请条件",
            "asked 2025-12-01, answered 2026-05-02: 152 days, more than 3 months",
        ),
        // Status rows and detail pages with dates in cells.
        row(
            "/hdjl/jzxx/202511/t20251103_402.html",
            "关于商标侵权处理的反映",
            "asked 2025-11-03, answered 2026-03-20: 137 days, more than 3 months",
        ),
        row(
            "/hdjl/jzxx/202602/t20260201_403.html",
            "关于专利代理机构的投诉咨询",
            "asked 2026-02-01, not answered after 113 days (more than 3 months)",
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    // Look-alikes: pending for 54 days (302), answered in time (304, 401,
    // 404), asked more than a year ago (305), and the excluded 在线访谈 and
    // 投诉举报 channels with old unanswered messages.
    let f = of_kind(run, "reply_overdue");
    for p in ["_302", "_304", "_305", "_401", "_404", "/zxft/", "/tsjb/"] {
        assert!(f.iter().all(|x| !x.page_url.contains(p)), "{p}");
    }
    let summary = Summary::read(&run.result.run_dir).unwrap();
    assert_eq!(summary.veto_input.reply_overdue, Some(5));
    let v = summary
        .estimate
        .vetoes
        .iter()
        .find(|v| v.id == "reply_overdue")
        .unwrap();
    assert!(v.triggered);
    assert_eq!(v.state, VetoState::Veto);
    assert!(
        summary.verdict_line.contains("互动回应差"),
        "{}",
        summary.verdict_line
    );
}
