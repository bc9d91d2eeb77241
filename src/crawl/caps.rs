//! Caps that bite: every URL at which a crawl limit stopped reading,
//! following or crawling something, grouped by cap (and by URL pattern for
//! the pattern cap), for summary.json, report.html and the log.
//!
//! Memory is bounded: each group keeps its first [`MAX_URLS_PER_CAP`] URLs
//! and counts the rest; the log gets one line per URL for the first
//! [`MAX_LOGGED_PER_CAP`] of a group, then one line at the end of the run
//! saying how many more there were (also when the run is stopped early).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most URLs kept (and listed in summary.json and report.html) per group.
pub const MAX_URLS_PER_CAP: usize = 1000;
/// URLs logged one by one per group; the rest are counted in one line.
pub const MAX_LOGGED_PER_CAP: usize = 20;

/// A cap of the crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cap {
    /// `crawl.max_page_bytes`: a body cut (a huge page, an endless body, a gzip bomb).
    PageSize,
    /// `crawl.max_links_per_page` (and `extract::MAX_LINKS`).
    Links,
    /// `extract::nesting::MAX_OPEN`: start tags nested deeper were ignored.
    Nesting,
    /// `crawl.max_depth`: a page too far from the start, checked not crawled.
    Depth,
    /// `crawl.max_urls_per_pattern`: a URL skipped (grouped by its pattern).
    Pattern,
    /// `crawl.max_tokens_per_prefix`: a URL under one session token too many
    /// skipped (grouped by its path prefix).
    Token,
    /// `crawl.max_pages`: a page checked, not crawled.
    Pages,
    /// `extract::html::MAX_ANCHORS`: a page with more ids and names; its
    /// anchors are not kept, so fragment links to it are not checked.
    Anchors,
    /// `extract::css::MAX_CSS_URLS`: further `url()`s of a stylesheet (or a
    /// page's `<style>` / `style=`) not read.
    CssUrls,
    /// `extract::js::MAX_PAGES`: further pages of a script's pagination not derived.
    PaginationPages,
    /// `extract::js::MAX_RECORDS`: further Hanweb datastore records not read.
    HanwebRecords,
    /// `crawl::anchors::MAX_STORE_BYTES`: the anchors of a page not kept, so
    /// fragment links to it are not checked.
    AnchorStore,
    /// `crawl.max_feed_requests` / `crawl.max_feed_items`: a column page's
    /// list feeds read in part; the column's items are incomplete.
    ListFeed,
    /// `extract::js::calls::MAX_CALLS`: further data calls of a script not
    /// read, so the endpoint of a column page's list may not be known.
    ScriptCalls,
}

impl From<crate::extract::Limit> for Cap {
    fn from(l: crate::extract::Limit) -> Cap {
        match l {
            crate::extract::Limit::Anchors => Cap::Anchors,
            crate::extract::Limit::CssUrls => Cap::CssUrls,
            crate::extract::Limit::Pagination => Cap::PaginationPages,
            crate::extract::Limit::Records => Cap::HanwebRecords,
            crate::extract::Limit::Calls => Cap::ScriptCalls,
        }
    }
}

impl Cap {
    /// The stable code (`page_size`, `links` …) used in summary.json.
    pub fn code(self) -> &'static str {
        match self {
            Cap::PageSize => "page_size",
            Cap::Links => "links",
            Cap::Nesting => "nesting",
            Cap::Depth => "depth",
            Cap::Pattern => "pattern",
            Cap::Token => "session_token",
            Cap::Pages => "pages",
            Cap::Anchors => "anchors",
            Cap::CssUrls => "css_urls",
            Cap::PaginationPages => "pagination_pages",
            Cap::HanwebRecords => "hanweb_records",
            Cap::AnchorStore => "anchor_store",
            Cap::ListFeed => "list_feed",
            Cap::ScriptCalls => "script_calls",
        }
    }
}

/// One URL at which a cap bit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapUrl {
    /// The URL.
    pub url: String,
    /// What the cap did there, when it says more than the group's line
    /// (`no Content-Length: a body that may never end`, `12000 links` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Every URL at which one cap (one pattern, for the pattern cap) bit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapReport {
    /// Which cap.
    pub cap: Cap,
    /// The URL pattern (the path prefix, for the session token cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// What the cap is and what it did, naming its rules key (English).
    pub what: String,
    /// URLs at which it bit.
    pub count: u64,
    /// The first [`MAX_URLS_PER_CAP`] of them, in the order they were met.
    pub urls: Vec<CapUrl>,
    /// `count` minus the URLs listed.
    pub not_listed: u64,
    /// For the pattern and session token caps: the regex that, added to the
    /// rules' `exclude`, keeps the trap's URLs checked but not crawled (a
    /// calendar or a search page bites every night otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<String>,
}

impl CapReport {
    /// One line for the end-of-run summary and the log.
    pub fn line(&self) -> String {
        match self.urls.first() {
            Some(first) => format!("{}: {} URL(s), first {}", self.what, self.count, first.url),
            None => format!("{}: {} URL(s)", self.what, self.count),
        }
    }
}

/// The caps that bit during a run, as they bite.
#[derive(Debug, Default)]
pub struct CapLog {
    groups: Vec<CapReport>,
    index: HashMap<(Cap, Option<String>), usize>,
    logged: Vec<u64>,
}

impl CapLog {
    /// Records that `cap` bit at `url`. `what` describes the cap (called the
    /// first time the group bites); `pattern` groups the pattern cap;
    /// `note` says what happened at this URL.
    pub fn bite(
        &mut self,
        cap: Cap,
        pattern: Option<&str>,
        url: &str,
        note: Option<String>,
        what: impl FnOnce() -> String,
    ) {
        let key = (cap, pattern.map(str::to_string));
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.groups.len();
                self.groups.push(CapReport {
                    cap,
                    pattern: key.1.clone(),
                    what: what(),
                    count: 0,
                    urls: Vec::new(),
                    not_listed: 0,
                    exclude: None,
                });
                self.logged.push(0);
                self.index.insert(key, i);
                i
            }
        };
        let (Some(g), Some(logged)) = (self.groups.get_mut(i), self.logged.get_mut(i)) else {
            return;
        };
        g.count += 1;
        if *logged < MAX_LOGGED_PER_CAP as u64 {
            *logged += 1;
            match &note {
                Some(n) => tracing::warn!(%url, "{} ({n})", g.what),
                None => tracing::warn!(%url, "{}", g.what),
            }
        }
        if g.urls.len() < MAX_URLS_PER_CAP {
            g.urls.push(CapUrl {
                url: url.to_string(),
                note,
            });
        } else {
            g.not_listed += 1;
        }
    }

    /// Whether `cap` (for `pattern`) has bitten already.
    pub fn has(&self, cap: Cap, pattern: Option<&str>) -> bool {
        self.index.contains_key(&(cap, pattern.map(str::to_string)))
    }

    /// Sets the `exclude` regex suggested for a group that has bitten.
    pub fn suggest_exclude(&mut self, cap: Cap, pattern: Option<&str>, regex: String) {
        if let Some(g) = self
            .index
            .get(&(cap, pattern.map(str::to_string)))
            .and_then(|&i| self.groups.get_mut(i))
        {
            g.exclude = Some(regex);
        }
    }

    /// Whether no cap bit.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Ends the log: one line per group whose URLs were not all logged, and
    /// every group in the order they first bit.
    pub fn take(&mut self) -> Vec<CapReport> {
        for (g, logged) in self.groups.iter().zip(&self.logged) {
            let more = g.count.saturating_sub(*logged);
            if more > 0 {
                tracing::warn!(
                    "{}: {more} more URL(s) not logged ({} in all; summary.json and report.html list the first {})",
                    g.what,
                    g.count,
                    MAX_URLS_PER_CAP
                );
            }
        }
        self.index.clear();
        self.logged.clear();
        std::mem::take(&mut self.groups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_is_counted_the_first_ones_kept() {
        let mut log = CapLog::default();
        let n = MAX_URLS_PER_CAP + 5;
        for i in 0..n {
            log.bite(
                Cap::PageSize,
                None,
                &format!("http://a.gov.cn/{i}.html"),
                None,
                || "page size cap reached".into(),
            );
        }
        log.bite(
            Cap::Pattern,
            Some("a.gov.cn/cal?date"),
            "http://a.gov.cn/cal?date=1",
            None,
            || "URL pattern cap reached: like a.gov.cn/cal?date".into(),
        );
        log.bite(
            Cap::Pattern,
            Some("a.gov.cn/list?page"),
            "http://a.gov.cn/list?page=9",
            Some("9th".into()),
            || "URL pattern cap reached: like a.gov.cn/list?page".into(),
        );
        let caps = log.take();
        assert_eq!(caps.len(), 3);
        let size = &caps[0];
        assert_eq!(size.count, n as u64);
        assert_eq!(size.urls.len(), MAX_URLS_PER_CAP);
        assert_eq!(size.not_listed, 5);
        assert_eq!(size.urls[1].url, "http://a.gov.cn/1.html");
        assert_eq!(
            size.line(),
            format!("page size cap reached: {n} URL(s), first http://a.gov.cn/0.html")
        );
        assert_eq!(caps[1].pattern.as_deref(), Some("a.gov.cn/cal?date"));
        assert_eq!(caps[2].urls[0].note.as_deref(), Some("9th"));
        assert!(log.take().is_empty());
    }

    /// A log sink for one test.
    #[derive(Clone, Default)]
    struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_log_line_per_url_up_to_the_limit_then_one_line_with_the_rest() {
        let sink = Sink::default();
        let w = sink.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || w.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let mut log = CapLog::default();
            for i in 0..MAX_LOGGED_PER_CAP + 7 {
                log.bite(
                    Cap::Depth,
                    None,
                    &format!("http://a.gov.cn/d{i}/"),
                    None,
                    || "depth cap reached".into(),
                );
            }
            log.bite(Cap::Links, None, "http://a.gov.cn/many.html", None, || {
                "link cap reached".into()
            });
            log.take();
        });
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), MAX_LOGGED_PER_CAP + 2, "{text}");
        assert!(lines[0].contains("depth cap reached") && lines[0].contains("http://a.gov.cn/d0/"));
        let last = MAX_LOGGED_PER_CAP - 1;
        assert!(lines[last].contains(&format!("http://a.gov.cn/d{last}/")));
        assert!(!text.contains(&format!("d{MAX_LOGGED_PER_CAP}/")));
        assert!(lines[MAX_LOGGED_PER_CAP].contains("http://a.gov.cn/many.html"));
        assert!(
            lines[MAX_LOGGED_PER_CAP + 1].contains("depth cap reached: 7 more URL(s) not logged"),
            "{text}"
        );
    }
}
