//! Issue 16 item 5: 暗链 in the shapes hacked government pages use, end to
//! end on `tests/fixtures/hidden` (see its README.md) served on loopback:
//! each planted shape is reported once with the way it is hidden, and each
//! look-alike next to it (menus, carousels, skip and accessibility links,
//! print-only blocks, a logo, a news ticker, a dark footer, a class only an
//! unread stylesheet defines) stays quiet while its link is still checked.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;
use zwgk_audit::rules::Rules;

fn rules() -> Rules {
    Rules::from_toml(
        "[site]\nname = \"示例市档案局\"\nid = \"hidden\"\nstart_urls = [\"http://www.hidden.test/\"]\n\
         [crawl]\nhost_interval_ms = 0\ntimeout_secs = 4\nretries = 0\nbackoff_ms = 50\n\
         respect_robots = false\n",
        Path::new("hidden.toml"),
    )
    .unwrap()
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        block_on_thread(|| async {
            let server = serve("hidden").await;
            audit(&server, rules(), |_| {}).await
        })
    })
}

#[test]
fn each_planted_shape_is_reported_with_how_it_is_hidden() {
    let run = run();
    let got: BTreeSet<(String, String, String)> = run
        .of_kind("risky_external")
        .iter()
        .map(|f| {
            assert_eq!(f.page_url, "http://www.hidden.test/");
            (f.target_url.clone(), f.severity.clone(), f.detail.clone())
        })
        .collect();
    let row = |t: &str, s: &str, d: &str| (t.to_string(), s.to_string(), d.to_string());
    let shop = |p: &str, how: &str| {
        row(
            &format!("http://www.shop.test/{p}.html"),
            "warning",
            &format!("hidden link ({how})"),
        )
    };
    let mut want: BTreeSet<_> = [
        shop(
            "m2",
            "scrolling too fast to read (scrollamount=5000) on a hidden <marquee>",
        ),
        shop("t1", "off-screen (text-indent:-9999px) on a hidden <p>"),
        shop("f1", "font-size:0 on a hidden <div>"),
        shop("p1", "off-screen (top:-6000px) on a hidden <div>"),
        shop("o1", "opacity:0 on a hidden <div>"),
        shop("c1", "text colour same as background (color:#ffffff)"),
        shop("h1", "hidden attribute on a hidden <div>"),
        // Hidden by a class / id rule of the site's own linked stylesheet.
        shop(
            "s1",
            "display:none on a hidden <div.yqlj>, by the linked stylesheet",
        ),
        shop(
            "s2",
            "visibility:hidden on a hidden <div#gg9>, by the linked stylesheet",
        ),
    ]
    .into_iter()
    .collect();
    let errors: Vec<_> = got.iter().filter(|(_, s, _)| s == "error").collect();
    assert_eq!(
        errors
            .iter()
            .map(|(t, _, _)| t.as_str())
            .collect::<Vec<_>>(),
        [
            "http://www.casino.test/m1.html",
            "http://www.casino.test/w1.html"
        ]
    );
    let m1 = &errors[0].2;
    assert!(
        m1.starts_with("hidden link (zero size (height:1) on a hidden <marquee>); "),
        "{m1}"
    );
    let w1 = &errors[1].2;
    assert!(
        w1.starts_with("hidden link (display:none on a hidden <div>, written by document.write); "),
        "{w1}"
    );
    for e in &errors {
        want.insert((*e).clone());
    }
    assert_eq!(got, want);
}

#[test]
fn look_alikes_stay_quiet_and_are_still_checked() {
    let run = run();
    for p in [
        "ok-marquee",
        "ok-logo",
        "ok-list",
        "ok-hover",
        "ok-print",
        "ok-slide",
        "ok-noscript",
        "ok-wza",
        "ok-unread",
        "ok-footer",
        "ok-indent",
        "ok-written",
    ] {
        let t = format!("http://www.shop.test/{p}.html");
        let noisy: Vec<_> = run.findings.iter().filter(|f| f.target_url == t).collect();
        assert!(noisy.is_empty(), "{t}: {noisy:?}");
        if !matches!(p, "ok-noscript" | "ok-written") {
            assert!(!run.links_to(&t).is_empty(), "{t} was checked");
        }
    }
    // A hidden link to another government site; the skip link.
    for t in [
        "http://www.partner.gov.cn/hidden.html",
        "http://www.hidden.test/#main",
    ] {
        assert!(run.findings.iter().all(|f| f.target_url != t), "{t}");
    }
    assert!(
        !run.links_to("http://www.partner.gov.cn/hidden.html")
            .is_empty()
    );
}
