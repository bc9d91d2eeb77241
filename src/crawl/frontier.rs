//! The frontier: the queue of URLs still to fetch, in breadth-first order,
//! with the trap guards — a per-pattern URL cap (calendars, endless `?page=`,
//! session ids), the page cap and the depth cap — and the notes of the other
//! caps that bite while pages are read (page size, links per page, nesting).
//! Every URL at which a cap bites is recorded in [`CapLog`] (`caps`).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::caps::{Cap, CapLog, CapReport};
use super::hostq::{HostQueues, Take};
use super::identity;
use super::job::{Job, Mode};
use std::collections::HashMap;
use std::sync::Arc;
use url::Url;

/// The queue and its guards.
#[derive(Default)]
pub struct Frontier {
    /// Pages and external URLs, per host.
    queue: HostQueues<Queued>,
    /// The site's own resources and stylesheets: taken before pages, so their
    /// link occurrences (held until the check is done) do not pile up behind
    /// the breadth-first queue of pages.
    leaves: HostQueues<Queued>,
    patterns: HashMap<String, usize>,
    /// Every URL at which a cap bit.
    pub caps: CapLog,
    /// Per path prefix holding a session-like token: the tokens admitted.
    tokens: HashMap<String, std::collections::HashSet<String>>,
    pages: usize,
}

/// A job while it waits: its URL as text (parsed again when it is taken),
/// the key only when it differs — about a third of a [`Job`]'s size, for
/// queues of tens of thousands of URLs.
struct Queued {
    /// Shared with the link occurrence that discovered it.
    url: Arc<str>,
    key: Option<Box<str>>,
    depth: u32,
    mode: Mode,
    /// Attempts made (a job put back after a transient failure).
    attempt: u8,
}

impl Frontier {
    /// Adds a job at the back: `url` as text, `key` when it differs. A page
    /// or anything on another host goes in the breadth-first queue; the
    /// site's own resources go ahead of it (see [`pop`](Self::pop)).
    pub fn push(&mut self, url: Arc<str>, key: Option<String>, depth: u32, mode: Mode, own: bool) {
        let key = key.filter(|k| **k != *url).map(String::into_boxed_str);
        let q = Queued {
            url,
            key,
            depth,
            mode,
            attempt: 0,
        };
        self.enqueue(q, own);
    }

    fn enqueue(&mut self, q: Queued, own: bool) {
        let host = Url::parse(&q.url)
            .map(|u| super::fetch::host_key(&u))
            .unwrap_or_default();
        if own && matches!(q.mode, Mode::Resource | Mode::Stylesheet) {
            self.leaves.push(&host, q);
        } else {
            self.queue.push(&host, q);
        }
    }

    /// Puts back a job after a transient failure, at the back of its host's
    /// queue (the host is paused meanwhile).
    pub fn requeue(&mut self, job: Job, own: bool) {
        let url: Arc<str> = job.url.as_str().into();
        let key = (job.key != *url).then(|| job.key.into_boxed_str());
        let q = Queued {
            url,
            key,
            depth: job.depth,
            mode: job.mode,
            attempt: u8::try_from(job.attempt).unwrap_or(u8::MAX),
        };
        self.enqueue(q, own);
    }

    /// Takes the next job whatever its host (tests, tools).
    pub fn pop(&mut self) -> Option<Job> {
        self.pop_ready(tokio::time::Instant::now(), |_, _| Take::Now(()))
            .ok()
            .map(|(j, ())| j)
    }

    /// Takes the next job whose host `admit` (given the host's `host:port`
    /// key and the job's key) lets start now: the oldest own resource, else
    /// the oldest page or external URL. Pages of one host come out
    /// breadth-first, so a page's depth is its shortest link distance from
    /// the start (across hosts, as nearly as their pace allows). Without a
    /// job: the earliest instant a waiting host may take one.
    pub fn pop_ready<S>(
        &mut self,
        now: tokio::time::Instant,
        mut admit: impl FnMut(&str, &str) -> Take<S>,
    ) -> Result<(Job, S), Option<tokio::time::Instant>> {
        let mut ask = |host: &str, q: &Queued| admit(host, q.key.as_deref().unwrap_or(&q.url));
        loop {
            let taken = match self.leaves.pop_ready(now, &mut ask) {
                Ok(t) => Ok(t),
                Err(w1) => self
                    .queue
                    .pop_ready(now, &mut ask)
                    .map_err(|w2| w1.into_iter().chain(w2).min()),
            };
            let (q, s) = taken?;
            // The text is a parsed URL's serialisation, which parses again.
            let Ok(url) = Url::parse(&q.url) else {
                tracing::error!(url = %q.url, "a queued URL no longer parses; skipped");
                continue;
            };
            let job = Job {
                key: q.key.map_or_else(|| q.url.to_string(), String::from),
                url,
                depth: q.depth,
                mode: q.mode,
                attempt: u32::from(q.attempt),
            };
            return Ok((job, s));
        }
    }

    /// Jobs waiting.
    pub fn len(&self) -> usize {
        self.queue.len() + self.leaves.len()
    }
    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty() && self.leaves.is_empty()
    }

    /// Whether one more page may be crawled under the page cap (counts it
    /// if so; records `url` as capped if not).
    pub fn admit_page(&mut self, url: &str, max_pages: usize) -> bool {
        if self.pages < max_pages {
            self.pages += 1;
            return true;
        }
        self.caps.bite(Cap::Pages, None, url, None, || {
            format!(
                "page cap reached: {max_pages} pages crawled (crawl.max_pages); further pages are checked, not crawled"
            )
        });
        false
    }

    /// Whether one more URL of this URL's pattern may be crawled (counts it
    /// if so; records it as capped under its pattern if not).
    pub fn admit_pattern(&mut self, url: &Url, max_per_pattern: usize) -> bool {
        let p = pattern(url);
        let n = self.patterns.entry(p.clone()).or_insert(0);
        if *n < max_per_pattern {
            *n += 1;
            return true;
        }
        if self.caps.has(Cap::Pattern, Some(&p)) {
            self.caps
                .bite(Cap::Pattern, Some(&p), url.as_str(), None, String::new);
            return false;
        }
        let re = pattern_exclude(url);
        self.caps.bite(Cap::Pattern, Some(&p), url.as_str(), None, || {
            format!(
                "URL pattern cap reached: {max_per_pattern} URLs like {p} (crawl.max_urls_per_pattern); the rest are skipped. {}",
                trap_advice(&re)
            )
        });
        self.caps.suggest_exclude(Cap::Pattern, Some(&p), re);
        false
    }
}

impl Frontier {
    /// Whether a URL whose path holds a session-like token in a directory
    /// (`/s/<token>/page.html`, `/(S(…))/list.aspx`) may be crawled: at most
    /// `max_tokens` different tokens under one prefix (`host/s/{hex}/`), any
    /// number of URLs under an admitted token. Each URL refused is recorded
    /// under its prefix.
    pub fn admit_token(&mut self, url: &Url, max_tokens: usize) -> bool {
        let Some((prefix, token)) = identity::token_prefix(url) else {
            return true;
        };
        let seen = self.tokens.entry(prefix.clone()).or_default();
        if seen.contains(&token) {
            return true;
        }
        if seen.len() < max_tokens {
            seen.insert(token);
            return true;
        }
        if self.caps.has(Cap::Token, Some(&prefix)) {
            self.caps
                .bite(Cap::Token, Some(&prefix), url.as_str(), None, String::new);
            return false;
        }
        let re = token_exclude(url);
        self.caps.bite(Cap::Token, Some(&prefix), url.as_str(), None, || {
            format!(
                "session token cap reached: {max_tokens} different tokens under {prefix} (crawl.max_tokens_per_prefix); URLs under further tokens are skipped. {}",
                trap_advice(&re)
            )
        });
        self.caps.suggest_exclude(Cap::Token, Some(&prefix), re);
        false
    }

    /// Notes an internal page deeper than `crawl.max_depth` (checked, not crawled).
    pub fn note_too_deep(&mut self, url: &Url, max_depth: u32) {
        self.caps.bite(Cap::Depth, None, url.as_str(), None, || {
            format!(
                "depth cap reached: pages more than {max_depth} links from the start are checked, not crawled (crawl.max_depth)"
            )
        });
    }

    /// Notes a page whose body was cut at `crawl.max_page_bytes`; `declared`
    /// is the length the server declared, if it did; `stylesheet`: the bytes
    /// a stylesheet was cut at (its own cap, [`super::task::CSS_BODY_CAP`]).
    pub fn note_page_cut(
        &mut self,
        url: &str,
        max_bytes: usize,
        declared: Option<u64>,
        stylesheet: Option<u64>,
    ) {
        let mut note = match declared {
            Some(n) => format!("Content-Length {n}"),
            None => "no Content-Length: a body that may never end".to_string(),
        };
        if let Some(b) = stylesheet {
            note = format!("a stylesheet cut at {b} bytes; {note}");
        }
        self.caps.bite(Cap::PageSize, None, url, Some(note), || {
            format!(
                "page size cap reached: bodies cut at {max_bytes} bytes, the rest not read (crawl.max_page_bytes)"
            )
        });
    }

    /// Notes a page with more links than `crawl.max_links_per_page`.
    pub fn note_links_cut(&mut self, url: &str, max_links: usize) {
        self.caps.bite(Cap::Links, None, url, None, || {
            format!(
                "link cap reached: only the first {max_links} links of a page are checked (crawl.max_links_per_page)"
            )
        });
    }

    /// Notes a page nested deeper than `extract::nesting::MAX_OPEN` elements,
    /// whose deepest start tags (`dropped` of them) were ignored.
    pub fn note_flattened(&mut self, url: &str, dropped: usize) {
        let note = format!("{dropped} start tags ignored");
        self.caps.bite(Cap::Nesting, None, url, Some(note), || {
            format!(
                "nesting cap reached: start tags deeper than {} open elements ignored, text and links kept",
                crate::extract::nesting::MAX_OPEN
            )
        });
    }

    /// Notes a page or stylesheet at which a fixed extraction limit
    /// ([`Cap::from`] an [`crate::extract::Limit`]) or the anchor store
    /// ([`Cap::AnchorStore`]) cut something.
    pub fn note_limit(&mut self, url: &str, cap: Cap) {
        self.caps.bite(cap, None, url, None, || match cap {
            Cap::Anchors => format!(
                "anchor cap reached: a page with more than {} ids and names; its anchors are not kept and fragment links to it are not checked",
                crate::extract::html::MAX_ANCHORS
            ),
            Cap::CssUrls => format!(
                "stylesheet URL cap reached: only the first {} url()s of a stylesheet or style are checked",
                crate::extract::css::MAX_CSS_URLS
            ),
            Cap::PaginationPages => format!(
                "pagination cap reached: only the first {} pages of a script's pagination are derived",
                crate::extract::js::MAX_PAGES
            ),
            Cap::HanwebRecords => format!(
                "datastore record cap reached: only the first {} records of a Hanweb datastore are read",
                crate::extract::js::MAX_RECORDS
            ),
            Cap::AnchorStore => format!(
                "anchor store cap reached: anchors not kept once {} bytes of anchor sets are stored; fragment links to these pages are not checked",
                super::anchors::MAX_STORE_BYTES
            ),
            Cap::ListFeed => format!(
                "list feed cap reached: a column page's list read up to crawl.max_feed_requests requests, crawl.max_feed_items items, {} items per answer or {} endpoints; the column's items are incomplete",
                crate::check::columns::list::MAX_ITEMS,
                crate::check::columns::MAX_PAGE_FEEDS
            ),
            Cap::ScriptCalls => format!(
                "script call cap reached: only the first {} data calls of a script are read; a column page's list endpoint may be among the rest",
                crate::extract::js::calls::MAX_CALLS
            ),
            other => format!("{} cap reached", other.code()),
        });
    }

    /// Moves out every cap that bit, with the URLs it bit on, in the order
    /// the caps first bit (see [`CapLog::take`]).
    pub fn take_caps(&mut self) -> Vec<CapReport> {
        self.caps.take()
    }
}

/// The pattern of a URL: host, path with session tokens masked (see
/// [`identity::mask_segment`]: `{hex}`, `{uuid}`, `{token}`, `{session}`) and
/// digit runs collapsed to `N`, and the sorted query keys.
pub fn pattern(url: &Url) -> String {
    let mut out = String::with_capacity(url.as_str().len());
    out.push_str(url.host_str().unwrap_or(""));
    let mut in_digits = false;
    let path = url.path();
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let (masked, _) = identity::mask_segment(seg);
        for c in masked.chars() {
            if c.is_ascii_digit() {
                if !in_digits {
                    out.push('N');
                }
                in_digits = true;
            } else {
                in_digits = false;
                out.push(c);
            }
        }
        in_digits = false;
    }
    if url.query().is_some() {
        let mut keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        keys.sort();
        keys.dedup();
        out.push('?');
        out.push_str(&keys.join("&"));
    }
    out
}

/// What to do about a trap that bites every night, naming the regex.
fn trap_advice(re: &str) -> String {
    format!(
        "If it bites every night (a calendar, a search page), exclude the trap: add '{re}' to the rules' exclude"
    )
}

/// `https?://` and the escaped host (and port) of `url`.
fn origin_regex(url: &Url) -> String {
    let mut out = String::from("^https?://");
    out.push_str(&regex::escape(url.host_str().unwrap_or("")));
    if let Some(p) = url.port() {
        out.push_str(&format!(":{p}"));
    }
    out
}

/// A path segment as a regex: a masked token as `[^/]+`, digit runs as
/// `\d+`, the rest escaped (the shape [`pattern`] collapses to one pattern).
fn segment_regex(seg: &str, out: &mut String) {
    if identity::mask_segment(seg).1.is_some() {
        out.push_str("[^/]+");
        return;
    }
    let mut in_digits = false;
    for c in seg.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push_str("\\d+");
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        }
    }
}

/// The `exclude` regex matching the URLs of `url`'s [`pattern`]: its host,
/// its path shape, and `?key=` for a single query key (`?` for several,
/// which come in any order; the end of the path for none).
pub fn pattern_exclude(url: &Url) -> String {
    let mut out = origin_regex(url);
    for (i, seg) in url.path().split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        segment_regex(seg, &mut out);
    }
    if url.query().is_some() {
        let mut keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        keys.sort();
        keys.dedup();
        out.push_str("\\?");
        if let [k] = keys.as_slice()
            && !k.is_empty()
        {
            out.push_str(&regex::escape(k));
            out.push('=');
        }
    } else {
        out.push_str("(?:#|$)");
    }
    out
}

/// The `exclude` regex matching every URL under `url`'s session token
/// prefix ([`identity::token_prefix`]): the directories up to the token's.
pub fn token_exclude(url: &Url) -> String {
    let mut out = origin_regex(url);
    let dirs = url
        .path()
        .strip_prefix('/')
        .and_then(|p| p.rsplit_once('/'))
        .map_or("", |(d, _)| d);
    for seg in dirs.split('/') {
        out.push('/');
        segment_regex(seg, &mut out);
        if identity::mask_segment(seg).1.is_some() {
            break;
        }
    }
    out.push('/');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_collapse_digits_and_values() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            pattern(&u("http://a.gov.cn/cal?y=2026&m=5")),
            pattern(&u("http://a.gov.cn/cal?m=6&y=2031"))
        );
        assert_eq!(
            pattern(&u("http://a.gov.cn/zcwj/202605/t20260520_1.html")),
            "a.gov.cn/zcwj/N/tN_N.html"
        );
        assert_ne!(
            pattern(&u("http://a.gov.cn/zcwj/index.html")),
            pattern(&u("http://a.gov.cn/tzgg/index.html"))
        );
    }

    #[test]
    fn patterns_mask_session_tokens_but_not_names() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            pattern(&u("http://a.gov.cn/s/3f9a2b1c7d8e4f60/page.html")),
            "a.gov.cn/s/{hex}/page.html"
        );
        assert_eq!(
            pattern(&u("http://a.gov.cn/s/3f9a2b1c7d8e4f60/page.html")),
            pattern(&u("http://a.gov.cn/s/c0ffee1234abcd99/page.html"))
        );
        assert_eq!(
            pattern(&u(
                "http://a.gov.cn/(S(lit3py55t21z5v55vlm25s55))/list.aspx"
            )),
            "a.gov.cn/{session}/list.aspx"
        );
        assert_eq!(
            pattern(&u(
                "http://a.gov.cn/d/123e4567-e89b-12d3-a456-426614174000/"
            )),
            "a.gov.cn/d/{uuid}/"
        );
        assert_eq!(
            pattern(&u("http://a.gov.cn/art/2026/3/15/art_1229_56789.html")),
            "a.gov.cn/art/N/N/N/art_N_N.html"
        );
        assert_eq!(
            pattern(&u("http://a.gov.cn/col/col1234/index.html")),
            "a.gov.cn/col/colN/index.html"
        );
    }

    #[test]
    fn the_suggested_exclude_matches_the_pattern_and_not_its_look_alikes() {
        let u = |s: &str| Url::parse(s).unwrap();
        let cases: [(&str, &str, &[&str], &[&str]); 4] = [
            (
                "http://a.gov.cn/cal?day=100",
                r"^https?://a\.gov\.cn/cal\?day=",
                &["http://a.gov.cn/cal?day=7", "https://a.gov.cn/cal?day=-3"],
                &[
                    "http://a.gov.cn/calendar?day=1",
                    "http://b.gov.cn/cal?day=1",
                    "http://a.gov.cn/cal.html",
                ],
            ),
            (
                "http://127.0.0.1:8080/search/s.jsp?q=x&page=2",
                r"^https?://127\.0\.0\.1:8080/search/s\.jsp\?",
                &["http://127.0.0.1:8080/search/s.jsp?page=3&q=y"],
                &[
                    "http://127.0.0.1:8080/search/s.jsp",
                    "http://127.0.0.1:9/search/s.jsp?q=1",
                ],
            ),
            (
                "http://a.gov.cn/col/col12/list_3.html",
                r"^https?://a\.gov\.cn/col/col\d+/list_\d+\.html(?:#|$)",
                &["http://a.gov.cn/col/col7/list_44.html"],
                &[
                    "http://a.gov.cn/col/col7/list_4.htmlx",
                    "http://a.gov.cn/col/colx/list_4.html",
                ],
            ),
            (
                "http://a.gov.cn/s/3f9a2b1c7d8e4f60/x.html",
                r"^https?://a\.gov\.cn/s/[^/]+/x\.html(?:#|$)",
                &["http://a.gov.cn/s/0123456789abcdef/x.html"],
                &["http://a.gov.cn/s/0123456789abcdef/y.html"],
            ),
        ];
        for (url, want, hits, misses) in cases {
            let re = pattern_exclude(&u(url));
            assert_eq!(re, want, "{url}");
            let r = regex::Regex::new(&re).unwrap();
            assert!(r.is_match(url), "{re} {url}");
            for h in hits {
                assert!(r.is_match(h), "{re} {h}");
            }
            for m in misses {
                assert!(!r.is_match(m), "{re} {m}");
            }
        }
        let re = token_exclude(&u("http://a.gov.cn:8080/(S(abc123xyz))/zw/list.aspx"));
        assert_eq!(re, r"^https?://a\.gov\.cn:8080/[^/]+/");
    }

    #[test]
    fn token_cap_counts_different_tokens_under_one_prefix() {
        let mut f = Frontier::default();
        let u = |s: &str| Url::parse(s).unwrap();
        let tok = |i: u32| format!("http://a.gov.cn/s/{i:08x}c0ffee/page.html");
        for i in 0..3 {
            assert!(f.admit_token(&u(&tok(i)), 3), "{i}");
        }
        // Another page under an admitted token is fine; a fourth token is not.
        assert!(f.admit_token(&u("http://a.gov.cn/s/00000001c0ffee/list.html"), 3));
        assert!(!f.admit_token(&u(&tok(3)), 3));
        assert!(!f.admit_token(&u(&tok(4)), 3));
        let caps = f.caps.take();
        let lines: Vec<String> = caps.iter().map(|c| c.line()).collect();
        assert_eq!(
            lines,
            [
                "session token cap reached: 3 different tokens under a.gov.cn/s/{hex}/ (crawl.max_tokens_per_prefix); URLs under further tokens are skipped. If it bites every night (a calendar, a search page), exclude the trap: add '^https?://a\\.gov\\.cn/s/[^/]+/' to the rules' exclude: 2 URL(s), first http://a.gov.cn/s/00000003c0ffee/page.html"
            ]
        );
        assert_eq!(caps[0].pattern.as_deref(), Some("a.gov.cn/s/{hex}/"));
        assert_eq!(
            caps[0].exclude.as_deref(),
            Some(r"^https?://a\.gov\.cn/s/[^/]+/")
        );
        // Look-alikes: names are never counted, a token in a file name neither.
        for i in 0..10 {
            for url in [
                format!(
                    "http://a.gov.cn/zcwj/2026{:02}/t202603{i:02}_45{i}.html",
                    i % 12 + 1
                ),
                format!("http://a.gov.cn/col/col12{i}/index.html"),
                format!("http://a.gov.cn/xxgk/{i:08x}c0ffee{i:08x}.html"),
            ] {
                assert!(f.admit_token(&u(&url), 3), "{url}");
            }
        }
        assert!(f.caps.is_empty());
    }

    #[test]
    fn pattern_cap_lists_every_url_under_its_pattern() {
        let mut f = Frontier::default();
        let u = |i: u32| Url::parse(&format!("http://a.gov.cn/cal?day={i}")).unwrap();
        assert!(f.admit_pattern(&u(1), 2));
        assert!(f.admit_pattern(&u(2), 2));
        assert!(!f.admit_pattern(&u(3), 2));
        assert!(!f.admit_pattern(&u(4), 2));
        let caps = f.take_caps();
        assert_eq!(caps.len(), 1);
        assert_eq!(caps[0].pattern.as_deref(), Some("a.gov.cn/cal?day"));
        let urls: Vec<&str> = caps[0].urls.iter().map(|c| c.url.as_str()).collect();
        assert_eq!(
            urls,
            ["http://a.gov.cn/cal?day=3", "http://a.gov.cn/cal?day=4"]
        );
    }

    #[test]
    fn read_caps_list_every_url_they_bit_on() {
        let mut f = Frontier::default();
        assert!(f.take_caps().is_empty());
        let u = Url::parse("http://a.gov.cn/a/b/c/d/").unwrap();
        f.note_too_deep(&u, 3);
        f.note_too_deep(&Url::parse("http://a.gov.cn/a/b/c/e/").unwrap(), 3);
        f.note_page_cut("http://a.gov.cn/huge.html", 100, Some(5000), None);
        f.note_page_cut("http://a.gov.cn/endless.html", 100, None, None);
        f.note_links_cut("http://a.gov.cn/many.html", 10);
        f.note_flattened("http://a.gov.cn/deep.html", 5);
        f.note_flattened("http://a.gov.cn/deeper.html", 9);
        assert!(f.admit_page("http://a.gov.cn/1.html", 1));
        assert!(!f.admit_page("http://a.gov.cn/2.html", 1));
        let caps = f.take_caps();
        let lines: Vec<String> = caps.iter().map(|c| c.line()).collect();
        assert_eq!(
            lines,
            vec![
                "depth cap reached: pages more than 3 links from the start are checked, not crawled (crawl.max_depth): 2 URL(s), first http://a.gov.cn/a/b/c/d/",
                "page size cap reached: bodies cut at 100 bytes, the rest not read (crawl.max_page_bytes): 2 URL(s), first http://a.gov.cn/huge.html",
                "link cap reached: only the first 10 links of a page are checked (crawl.max_links_per_page): 1 URL(s), first http://a.gov.cn/many.html",
                "nesting cap reached: start tags deeper than 1000 open elements ignored, text and links kept: 2 URL(s), first http://a.gov.cn/deep.html",
                "page cap reached: 1 pages crawled (crawl.max_pages); further pages are checked, not crawled: 1 URL(s), first http://a.gov.cn/2.html",
            ]
        );
        let size = &caps[1];
        assert_eq!(size.urls[0].note.as_deref(), Some("Content-Length 5000"));
        assert_eq!(
            size.urls[1].note.as_deref(),
            Some("no Content-Length: a body that may never end")
        );
        assert_eq!(caps[3].urls[1].url, "http://a.gov.cn/deeper.html");
        assert_eq!(
            caps[3].urls[1].note.as_deref(),
            Some("9 start tags ignored")
        );
    }

    #[test]
    fn jobs_come_out_as_they_went_in_first_in_first_out() {
        let mut f = Frontier::default();
        let job = |url: &str, key: &str, depth: u32, mode: Mode| Job {
            key: key.into(),
            url: Url::parse(url).unwrap(),
            depth,
            mode,
            attempt: 0,
        };
        let a = job(
            "http://a.gov.cn/zwgk/",
            "http://a.gov.cn/zwgk/",
            1,
            Mode::Page,
        );
        // A key that differs from the URL (normalised query order, GBK query).
        let b = job(
            "http://a.gov.cn/search?q=%D6%D0&b=2",
            "http://a.gov.cn/search?b=2&q=%D6%D0",
            2,
            Mode::Page,
        );
        for j in [&a, &b] {
            f.push(
                j.url.as_str().into(),
                Some(j.key.clone()),
                j.depth,
                j.mode,
                true,
            );
        }
        assert_eq!(f.len(), 2);
        for want in [a, b] {
            let got = f.pop().unwrap();
            assert_eq!(
                (got.key, got.url, got.depth, got.mode),
                (want.key, want.url, want.depth, want.mode)
            );
        }
        assert!(f.pop().is_none() && f.is_empty());
    }

    #[test]
    fn own_resources_go_ahead_of_pages_and_external_urls() {
        let mut f = Frontier::default();
        let push =
            |f: &mut Frontier, u: &str, mode: Mode, own: bool| f.push(u.into(), None, 1, mode, own);
        push(&mut f, "http://a.gov.cn/p1.html", Mode::Page, true);
        push(&mut f, "http://b.com/x.png", Mode::Resource, false);
        push(&mut f, "http://a.gov.cn/a.png", Mode::Resource, true);
        push(&mut f, "http://a.gov.cn/p2.html", Mode::Page, true);
        push(&mut f, "http://a.gov.cn/s.css", Mode::Stylesheet, true);
        let order: Vec<String> = std::iter::from_fn(|| f.pop()).map(|j| j.key).collect();
        assert_eq!(
            order,
            [
                "http://a.gov.cn/a.png",
                "http://a.gov.cn/s.css",
                "http://a.gov.cn/p1.html",
                "http://b.com/x.png",
                "http://a.gov.cn/p2.html",
            ]
        );
    }
}
