//! One crawl task: fetch a URL as its [`Mode`] says and, for pages and
//! stylesheets, decode, parse, extract and run the page checks while the body
//! is in memory. The body is dropped before the result leaves the task.

use super::caps::Cap;
use super::fetch::{Fetched, Fetcher, Method, Response};
use super::hosts::{JobSlot, Robots};
use super::job::{
    self, CssHidden, FoundLink, Job, JobResult, LinkClass, Mode, Outcome, PageData, anchor_hash,
};
use crate::check::wrong_link::{self, HostPolicy, RawClass};
use crate::check::{self, PageView};
use crate::extract;
use crate::link::{Element, Origin, RawLink};
use crate::rules::Rules;
use scraper::{Html, Selector};
use std::sync::{Arc, LazyLock};
use url::Url;

/// Most bytes read of an external page (enough for its title and text).
pub const EXTERNAL_BODY_CAP: usize = 512 * 1024;
/// Largest body analysed on the I/O thread itself; bigger ones go to the blocking pool.
const INLINE_PARSE_MAX: usize = 256 * 1024;
/// Most bytes read of a stylesheet.
pub const CSS_BODY_CAP: usize = 2 * 1024 * 1024;

/// What every task shares.
pub struct TaskCtx {
    /// Hosts allowed though private, and forbidden hosts.
    pub policy: HostPolicy,
    /// HTTP.
    pub fetcher: Fetcher,
    /// Rules.
    pub rules: Arc<Rules>,
    /// The audit date (`--today`): content checks judge birth dates as of it.
    pub today: chrono::NaiveDate,
}

/// What a task hands back.
#[derive(Debug)]
// Made once per request and matched at once: boxing the common variant
// would add an allocation per request for no saving.
#[allow(clippy::large_enum_variant)]
pub enum Ran {
    /// The result of the job.
    Done(JobResult),
    /// A transient failure with retries left: the job goes back to its
    /// host's queue (the host is paused for the backoff or `Retry-After`).
    Later(Job),
}

/// Runs one job, holding its host's job `slot` (if any) until the fetch
/// ends: parsing does not keep the host from taking its next job.
pub async fn run(ctx: Arc<TaskCtx>, job: Job, slot: Option<JobSlot>) -> Ran {
    let mut result = JobResult {
        key: job.key.clone(),
        url: job.url.to_string(),
        outcome: Outcome::default(),
        page: None,
        failed: None,
    };
    if job.mode == Mode::Page && ctx.rules.crawl.respect_robots {
        let robots = robots_for(&ctx, &job.url).await;
        if !robots.allowed(job.url.as_str()) {
            result.outcome.skipped = Some("disallowed by robots.txt".into());
            return Ran::Done(result);
        }
    }
    let (method, cap) = match job.mode {
        Mode::Page => (Method::Get, ctx.rules.crawl.max_page_bytes),
        Mode::Stylesheet => (Method::Get, CSS_BODY_CAP),
        Mode::External if !looks_like_resource(&job.url) => (Method::Get, EXTERNAL_BODY_CAP),
        _ => (Method::HeadThenGet, 0),
    };
    let fetched = match ctx
        .fetcher
        .fetch_job(&job.url, method, cap, job.attempt)
        .await
    {
        Fetched::Done(r) => r,
        Fetched::Later(attempt) => return Ran::Later(Job { attempt, ..job }),
    };
    drop(slot);
    match fetched {
        Err(e) => {
            result.outcome.error = Some(e);
        }
        Ok(resp) => {
            let o = &mut result.outcome;
            o.status = Some(resp.status);
            o.redirects = resp.redirects.len();
            o.elapsed_ms = resp.elapsed.as_millis() as u64;
            o.content_type = resp.content_type.clone();
            if resp.final_url != job.url {
                o.final_url = Some(resp.final_url.to_string());
            }
            if (200..300).contains(&resp.status) {
                if check::soft404::redirected_home(&job.url, &resp.final_url, resp.redirects.len())
                {
                    o.soft404 = Some(format!("redirected to the homepage {}", resp.final_url));
                    // An own homepage is audited on its own; an external one is
                    // read for risky content, which outranks the redirect.
                    if job.mode != Mode::External {
                        return Ran::Done(result);
                    }
                }
                if job.mode == Mode::Resource {
                    // Checked, not parsed: no body was read.
                    return Ran::Done(result);
                }
                if job.mode == Mode::External
                    && let Some(d) = check::risky::cross_domain(&job.url, &resp.final_url)
                {
                    o.risky = Some((d, false));
                }
                let ctx2 = ctx.clone();
                let mode = job.mode;
                let depth = job.depth;
                let url = job.url.clone();
                // Parsing is CPU work: ~0.3 ms for a typical page, done right
                // here (fewer thread hops, less memory in flight); big bodies
                // go to the blocking pool so they never stall the I/O threads.
                let big = resp.body.len() > INLINE_PARSE_MAX;
                let work = move || {
                    analyse(
                        &ctx2.rules,
                        &ctx2.policy,
                        ctx2.today,
                        mode,
                        &url,
                        depth,
                        resp,
                    )
                };
                // A panic while analysing (a bug) fails this URL only.
                let analysed = if big {
                    tokio::task::spawn_blocking(work)
                        .await
                        .map_err(|e| match e.try_into_panic() {
                            Ok(p) => job::panic_message(&*p),
                            Err(e) => e.to_string(),
                        })
                } else {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                        .map_err(|p| job::panic_message(&*p))
                };
                let analysed = analysed.unwrap_or_else(|why| {
                    tracing::error!(url = %job.url, "analysing the page failed: {why}");
                    result.failed = Some(format!("page analysis failed: {why}"));
                    None
                });
                if let Some(a) = analysed {
                    let o = &mut result.outcome;
                    if o.soft404.is_none() {
                        o.soft404 = a.soft404;
                    }
                    if let Some(r) = a.risky {
                        // Content evidence outranks the soft-404 heuristics.
                        o.soft404 = None;
                        o.risky = Some((r, true));
                    }
                    o.anchors = a.anchors;
                    result.page = a.page;
                }
                // The rest of a column list that the page's script fetches.
                if let Some(page) = result.page.as_mut() {
                    let final_url = result
                        .outcome
                        .final_url
                        .as_deref()
                        .and_then(|u| Url::parse(u).ok());
                    super::listfeed::complete(&ctx, final_url.as_ref().unwrap_or(&job.url), page)
                        .await;
                }
            }
        }
    }
    Ran::Done(result)
}

struct Analysis {
    soft404: Option<String>,
    risky: Option<String>,
    anchors: Option<Vec<u64>>,
    page: Option<PageData>,
}

fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type {
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            (ct.contains("text/html") || ct.contains("application/xhtml"))
                && (ct.contains("utf-16") || !looks_binary(body))
        }
        None => {
            let head = &body[..body.len().min(512)];
            let s = String::from_utf8_lossy(head).to_ascii_lowercase();
            s.contains("<html") || s.contains("<!doctype html")
        }
    }
}

/// Whether a body labelled as text is binary data (WHATWG MIME sniffing:
/// a binary data byte in the first 512 bytes, no UTF-16 byte order mark).
fn looks_binary(body: &[u8]) -> bool {
    if body.starts_with(&[0xFE, 0xFF]) || body.starts_with(&[0xFF, 0xFE]) {
        return false;
    }
    body.iter()
        .take(512)
        .any(|&b| matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F))
}

fn is_css(content_type: Option<&str>, url: &Url) -> bool {
    content_type.is_some_and(|c| c.to_ascii_lowercase().contains("text/css"))
        || url.path().to_ascii_lowercase().ends_with(".css")
}

/// A page with this title makes a debug build panic while analysing it
/// (tests of how a failed analysis is reported); release builds ignore it.
#[cfg(debug_assertions)]
pub const TEST_PANIC_TITLE: &str = "zwgk-audit test: panic while analysing";

static H1: LazyLock<Selector> = LazyLock::new(|| crate::patterns::selector("h1"));

#[allow(clippy::too_many_arguments)]
fn analyse(
    rules: &Rules,
    policy: &HostPolicy,
    today: chrono::NaiveDate,
    mode: Mode,
    url: &Url,
    depth: u32,
    mut resp: Response,
) -> Option<Analysis> {
    let ct = resp.content_type.as_deref();
    if mode == Mode::Stylesheet
        || (mode == Mode::Page && is_css(ct, &resp.final_url) && !is_html(ct, &resp.body))
    {
        let decoded = extract::decode(&resp.body, ct);
        let mut raw = Vec::new();
        let css_cut = extract::css::scan(&decoded.text, &mut raw);
        let links = raw
            .into_iter()
            .map(|l| {
                classify(
                    l,
                    &resp.final_url,
                    &resp.final_url,
                    decoded.encoding,
                    rules,
                    policy,
                )
            })
            .collect();
        let css_hiding = check::hidden::CssHiding::of(&decoded.text, &rules.checks.hidden)
            .filter(|_| rules.checks.hidden.enabled)
            .map(Box::new);
        return Some(Analysis {
            soft404: None,
            risky: None,
            anchors: None,
            page: Some(PageData {
                css_hiding,
                charset: decoded.encoding.name().to_string(),
                bytes: resp.body.len() as u64,
                links,
                html: false,
                // A stylesheet cut at its body cap (CSS_BODY_CAP, or the page
                // cap for one fetched as a page) is listed under page_size.
                truncated: resp.truncated,
                declared_len: resp.declared_len.filter(|_| resp.truncated),
                limits: if css_cut {
                    vec![Cap::CssUrls]
                } else {
                    Vec::new()
                },
                ..Default::default()
            }),
        });
    }
    if !is_html(ct, &resp.body) {
        if mode == Mode::Page && ct.is_some_and(|c| c.to_ascii_lowercase().contains("html")) {
            tracing::warn!(url = %resp.final_url, "binary data served as {}: not parsed", ct.unwrap_or_default());
        }
        return None;
    }
    let body_len = resp.body.len() as u64;
    let body_sig = super::identity::index_dir_key(&resp.final_url)
        .map(|_| super::identity::body_signature(&resp.body));
    let decoded = extract::charset::decode_owned(std::mem::take(&mut resp.body), ct);
    let flat = extract::nesting::flatten(&decoded.text);
    let doc = Html::parse_document(&flat.text);
    let flattened = flat.dropped;
    drop(flat);
    let mut extracted = extract::extract(&doc);
    let title = extracted.title.clone().unwrap_or_default();
    #[cfg(debug_assertions)]
    if title == TEST_PANIC_TITLE {
        panic!("injected for a test");
    }
    let h1 = doc.select(&H1).next().map(|e| e.text().collect::<String>());
    // One text walk serves the soft-404, risky-content and content checks.
    let walk = if mode == Mode::External {
        check::content::text::Walk::text_only(&doc)
    } else {
        check::content::text::Walk::full(&doc)
    };
    let text = &walk.text;
    let soft404 = check::soft404::detect(
        extracted.title.as_deref(),
        h1.as_deref(),
        &check::soft404::evidence_text(&doc, text),
        &rules.words.soft404,
    );
    if mode == Mode::External {
        return Some(Analysis {
            soft404,
            risky: check::risky::content(text, &rules.words),
            anchors: None,
            page: None,
        });
    }
    let base = extract::resolve::effective_base(
        &resp.final_url,
        extracted.base_href.as_deref(),
        decoded.encoding,
    );
    let limits: Vec<Cap> = extracted.limits().into_iter().map(Cap::from).collect();
    // A page with more anchors than were kept has no anchor set: fragment
    // links to it are not checked (a missing one could be past the cap).
    let anchors = (!limits.contains(&Cap::Anchors)).then(|| {
        let mut anchors: Vec<u64> = extracted.anchors.iter().map(|a| anchor_hash(a)).collect();
        anchors.sort_unstable();
        anchors.dedup();
        anchors
    });
    let view = PageView {
        url,
        final_url: &resp.final_url,
        doc: &doc,
        source: &decoded.text,
        extracted: &extracted,
        elapsed_ms: resp.elapsed.as_millis() as u64,
        depth,
    };
    let (findings, facts) = if soft404.is_none() {
        let mut f = check::content::check_walk(&view, rules, today, &walk);
        let homepage = check::columns::urls::key_of(view.final_url)
            == check::columns::urls::key_of(rules.homepage());
        let (more, facts) = check::sitewide::on_page(&view, rules, today, &walk, homepage);
        f.extend(more);
        (f, facts)
    } else {
        Default::default()
    };
    let observation = check::columns::observe(&view, rules);
    let mut limits = limits;
    if observation.as_ref().is_some_and(|o| o.calls_cut) {
        limits.push(Cap::ScriptCalls);
    }
    let links_cut = extracted.truncated || extracted.links.len() > rules.crawl.max_links_per_page;
    let check::hidden::Found {
        hidden,
        written,
        pending,
        stylesheets,
    } = check::hidden::find(&doc, &rules.checks.hidden, &rules.words);
    let css_hidden = css_pending(
        pending,
        stylesheets,
        &base,
        &resp.final_url,
        decoded.encoding,
        rules,
        policy,
    );
    let links = std::mem::take(&mut extracted.links)
        .into_iter()
        .chain(written)
        .take(rules.crawl.max_links_per_page)
        .map(|l| {
            let h = hidden.get(&l.url).cloned();
            let mut found = classify(l, &base, &resp.final_url, decoded.encoding, rules, policy);
            if let Some(h) = h {
                found.hidden = check::hidden::note(&found, h, &rules.checks.hidden);
            }
            found
        })
        .collect();
    Some(Analysis {
        soft404,
        risky: None,
        anchors,
        page: Some(PageData {
            title,
            charset: decoded.encoding.name().to_string(),
            bytes: body_len,
            links,
            findings,
            observation,
            html: true,
            truncated: resp.truncated,
            declared_len: resp.declared_len.filter(|_| resp.truncated),
            links_cut,
            flattened,
            limits,
            body_sig,
            facts,
            css_hidden,
            css_hiding: None,
        }),
    })
}

/// The page's links a linked stylesheet could hide, resolved: external
/// markup links the hidden-link check reports ([`check::hidden::note`]),
/// with the page's stylesheets; None when there are none.
#[allow(clippy::too_many_arguments)]
fn css_pending(
    pending: Vec<check::hidden::CssPending>,
    stylesheets: Vec<String>,
    base: &Url,
    page_url: &Url,
    enc: &'static encoding_rs::Encoding,
    rules: &Rules,
    policy: &HostPolicy,
) -> Option<Box<CssHidden>> {
    if pending.is_empty() {
        return None;
    }
    let resolve = |href: &str, element| {
        classify(
            RawLink::markup(href, "", element),
            base,
            page_url,
            enc,
            rules,
            policy,
        )
    };
    let sheets: Vec<String> = stylesheets
        .iter()
        .filter_map(|h| resolve(h, crate::link::Element::Stylesheet).url)
        .collect();
    let links: Vec<check::hidden::CssPending> = pending
        .into_iter()
        .filter_map(|mut p| {
            let found = resolve(&p.href, crate::link::Element::A);
            let probe = check::hidden::Hidden {
                how: String::new(),
                risky: p.risky.clone(),
            };
            check::hidden::note(&found, probe, &rules.checks.hidden)?;
            p.href = found.url?;
            Some(p)
        })
        .collect();
    (!links.is_empty() && !sheets.is_empty()).then(|| Box::new(CssHidden { sheets, links }))
}

/// Resolves and classifies one raw link of a page (the stage boundary:
/// raw links become checked-or-not links here, on the page's task).
pub fn classify(
    l: RawLink,
    base: &Url,
    page_url: &Url,
    enc: &'static encoding_rs::Encoding,
    rules: &Rules,
    policy: &HostPolicy,
) -> FoundLink {
    let mut out = FoundLink {
        raw: l.url,
        url: None,
        text: l.text,
        element: l.element,
        origin: l.origin,
        class: LinkClass::NotChecked,
        hidden: None,
    };
    match wrong_link::classify_raw(&out.raw) {
        RawClass::Skip(_) => return out,
        RawClass::Wrong(reason) => {
            out.class = LinkClass::Wrong(reason);
            return out;
        }
        RawClass::Web => {}
    }
    let Some(url) = extract::resolve(&out.raw, base, enc) else {
        out.class = LinkClass::Wrong("malformed URL: cannot be resolved".into());
        return out;
    };
    out.url = Some(url.to_string());
    // Only `url` is reported from here on.
    out.raw = String::new();
    if !matches!(url.scheme(), "http" | "https") {
        return out;
    }
    if let Some(reason) = wrong_link::classify_host(&url, policy) {
        out.class = LinkClass::Wrong(reason);
        return out;
    }
    if rules.ignore.iter().any(|r| r.is_match(url.as_str())) {
        out.class = LinkClass::Ignored;
        return out;
    }
    let own = is_own(rules, &url);
    let mixed = (out.origin == Origin::Markup)
        .then(|| check::mixed_content::check(page_url, &url, out.element, own))
        .flatten();
    let fragment = url
        .fragment()
        .filter(|f| {
            !f.is_empty()
                && !f.eq_ignore_ascii_case("top")
                && !f.starts_with('!')
                && !f.starts_with('/')
        })
        .filter(|_| own && matches!(out.element, Element::A | Element::Area))
        .map(str::to_string);
    // The key is stored only when it differs from the URL (most links have
    // no fragment and nothing to normalise).
    let normalized = extract::resolve::normalize(&url);
    let key = (normalized != url).then(|| normalized.to_string());
    out.class = LinkClass::Check {
        key,
        own,
        fragment,
        mixed,
    };
    out
}

/// Whether a URL's host is one of the site's own hosts (`host` or `host:port`).
pub fn is_own(rules: &Rules, url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    rules.own_hosts.iter().any(|h| {
        if h.len() == host.len() {
            h.eq_ignore_ascii_case(host)
        } else {
            h.strip_prefix(host)
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|p| p.parse::<u16>().ok() == url.port_or_known_default())
                && h[..host.len()].eq_ignore_ascii_case(host)
        }
    })
}

/// Extensions of files that are checked, never parsed (attachments, media, images).
const RESOURCE_EXT: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "ceb", "txt",
    "zip", "rar", "7z", "gz", "tar", "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico",
    "mp3", "mp4", "avi", "flv", "wmv", "mov", "wav", "swf", "js", "css", "xml", "apk", "exe",
    "csv", "tif", "tiff", "caj",
];

/// Whether a URL names a file to check without parsing (by its extension).
pub fn looks_like_resource(url: &Url) -> bool {
    let path = url.path();
    let last = path.rsplit('/').next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((_, ext)) => {
            let ext = ext.to_ascii_lowercase();
            RESOURCE_EXT.contains(&ext.as_str())
        }
        None => false,
    }
}

pub(super) async fn robots_for(ctx: &TaskCtx, url: &Url) -> Arc<Robots> {
    let key = super::fetch::host_key(url);
    let ua = ctx.rules.crawl.user_agent.clone();
    let mut robots_url = url.clone();
    robots_url.set_path("/robots.txt");
    robots_url.set_query(None);
    robots_url.set_fragment(None);
    ctx.fetcher
        .hosts()
        .robots(&key, || async {
            match ctx.fetcher.fetch(&robots_url, Method::Get, 512 * 1024).await {
                Ok(r) if (200..300).contains(&r.status) => {
                    // Parsing is CPU work on site-controlled text: off the I/O threads.
                    let body = r.body;
                    let parsed =
                        tokio::task::spawn_blocking(move || texting_robots::Robot::new(&ua, &body))
                            .await;
                    match parsed {
                        Ok(Ok(robot)) => Robots::Rules(Box::new(robot)),
                        Ok(Err(e)) => {
                            tracing::warn!(%robots_url, error = %e, "unreadable robots.txt: ignoring it");
                            Robots::AllowAll
                        }
                        Err(e) => {
                            tracing::warn!(%robots_url, error = %e, "robots.txt not parsed: ignoring it");
                            Robots::AllowAll
                        }
                    }
                }
                _ => Robots::AllowAll,
            }
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_served_as_html_is_not_parsed_but_utf16_is() {
        let ct = Some("text/html; charset=utf-8");
        assert!(is_html(ct, b"<!DOCTYPE html><html><p>\xff\xfe ok</p>"));
        assert!(!is_html(ct, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"));
        assert!(!is_html(ct, b"<html>\x00\x01\x02"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<html>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert!(is_html(ct, &utf16));
        assert!(is_html(Some("text/html; charset=UTF-16LE"), &utf16[2..]));
    }
}
