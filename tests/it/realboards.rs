//! Board shapes met on real sites (docs/real-pages.md §5), rebuilt with
//! invented text in `tests/fixtures/realboards` and audited on loopback: a
//! written reply that opens with a pending word (已受理) is an answer, a
//! detail page's 已办结 wins over a stale list 处理中, and a letter whose two
//! lists disagree is not judged. The overdue letters are still reported.

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
                 [interaction]\nurl_pattern = ['/hdjl/']\n",
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
