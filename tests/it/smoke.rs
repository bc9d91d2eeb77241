//! A first end-to-end check of the fixture site.

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_site_crawls_and_finds_the_planted_404() {
    let server = serve("site").await;
    let rules = rules_for(
        &server,
        "[crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 1\nbackoff_ms = 50\n",
    );
    let run = audit(&server, rules, |_| {}).await;
    assert!(run.pages.len() > 10, "pages: {}", run.pages.len());
    assert!(
        run.has("broken_link", "/index.html", "/files/missing.pdf")
            || run.has("broken_link", "/", "/files/missing.pdf")
    );
}
