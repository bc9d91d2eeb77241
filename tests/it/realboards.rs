//! Board shapes met on real sites (docs/real-pages.md §5), rebuilt with
//! invented text in `tests/fixtures/realboards` and audited on loopback: a
//! written reply that opens with a pending word (已受理) is an answer, a
//! detail page's 已办结 wins over a stale list 处理中, and a letter whose two
//! lists disagree is not judged. The overdue letters are still reported.
//! Guides: a script-filled shell and a guide that links its PDF are not
//! judged; a guide that truly lacks five elements is still reported.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;
use zwgk_audit::report::summary::{Summary, VetoState};
use zwgk_audit::rules::Rules;

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        block_on_thread(|| async {
            let server = serve("realboards").await;
            let rules = Rules::from_toml(
                "[site]\nname = \"示例县水务局\"\nid = \"realboards\"\n\
                 start_urls = [\"http://www.board.test/\"]\n\
                 [crawl]\nhost_interval_ms = 0\ntimeout_secs = 4\nretries = 0\n\
                 respect_robots = false\n\
                 [interaction]\nurl_pattern = ['/hdjl/']\n\
                 [guide]\nurl_pattern = ['/bsfw/item_']\n",
                Path::new("realboards.toml"),
            )
            .unwrap();
            audit(&server, rules, |_| {}).await
        })
    })
}

#[test]
fn only_the_truly_overdue_letters_of_a_real_shaped_board_are_reported() {
    let r = run();
    let got: BTreeSet<(String, String)> = r
        .findings
        .iter()
        .filter(|f| f.kind == "reply_overdue")
        .map(|f| {
            (
                f.page_url
                    .trim_start_matches("http://www.board.test")
                    .to_string(),
                f.detail.clone(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        (
            "/hdjl/ldxx/m3.html",
            "asked 2026-01-05, not answered after 140 days (more than 3 months)",
        ),
        (
            "/hdjl/ldxx/m4.html",
            "asked 2025-10-01, answered 2026-03-01: 151 days, more than 3 months",
        ),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want, "{:#?}", r.findings);
    let s = Summary::read(&r.result.run_dir).unwrap();
    assert_eq!(s.veto_input.reply_overdue, Some(2));
    let v = s
        .estimate
        .vetoes
        .iter()
        .find(|v| v.id == "reply_overdue")
        .unwrap();
    assert_eq!(v.state, VetoState::Veto);
}

#[test]
fn guide_shells_and_guides_in_a_linked_pdf_are_not_reported_and_a_bare_guide_is() {
    let r = run();
    let got: Vec<(String, String, String)> = r
        .findings
        .iter()
        .filter(|f| f.kind == "guide_incomplete")
        .map(|f| {
            (
                f.page_url
                    .trim_start_matches("http://www.board.test")
                    .to_string(),
                f.severity.clone(),
                f.detail.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [(
            "/bsfw/item_sb.html".to_string(),
            "error".to_string(),
            "the guide lacks 5 of 8 required elements: 设定依据、申请条件、办理材料、办理时间、办理流程"
                .to_string()
        )],
        "{:#?}",
        r.findings
    );
    // The shell and the PDF guide were crawled and read.
    for p in ["/bsfw/item_qs.html", "/bsfw/item_hd.html"] {
        assert!(
            r.pages
                .iter()
                .any(|x| x.url == format!("http://www.board.test{p}")),
            "{p}"
        );
    }
}
