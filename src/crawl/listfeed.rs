//! List feeds: the requests a column page's own script makes for the rest
//! of its list (Hanweb data-proxy groups, literal JSON or HTML data
//! endpoints, the rules' `data_url`), made on the page's task right after the
//! page is analysed.
//!
//! Invariants: only own hosts are asked, robots.txt is honoured as for
//! pages, every request goes through the crawl's [`Fetcher`](super::fetch::Fetcher)
//! (per-host concurrency, rate, retries, `Retry-After`, body cap), and at most
//! `crawl.max_feed_requests` requests and `crawl.max_feed_items` items are taken per page;
//! a list cut there (or by `check::columns::MAX_PAGE_FEEDS`) is listed under
//! the `list_feed` cap and says so in its column's note.
//! The items join the page's column observation; their links are crawled as
//! derived links (a failing one is not a finding: the tool found it through a
//! script). A list that cannot be fetched leaves the reason on the
//! observation, so the column is `unchecked`, never empty or stale.

use super::fetch::Method;
use super::job::PageData;
use super::task::{TaskCtx, classify, is_own};
use crate::check::columns::feed::{self, ListFeed};
use crate::check::columns::page::Phrases;
use crate::check::columns::urls;
use crate::link::{Element, RawLink};
use std::collections::HashSet;
use url::Url;

/// Makes the page's list feeds and merges what they return.
pub async fn complete(ctx: &TaskCtx, page_url: &Url, page: &mut PageData) {
    let Some(obs) = page.observation.as_mut() else {
        return;
    };
    if obs.feeds.is_empty() {
        return;
    }
    let feeds = std::mem::take(&mut obs.feeds);
    let rules = &ctx.rules;
    let phrases = Phrases::new(&rules.columns.empty_phrases);
    let date_pattern = rules
        .columns
        .columns
        .iter()
        .find(|c| {
            c.list.date_pattern.is_some()
                && c.url_patterns
                    .iter()
                    .any(|re| re.is_match(page_url.as_str()))
        })
        .and_then(|c| c.list.date_pattern.as_ref());
    let mut seen: HashSet<String> = obs.items.iter().map(|i| urls::key(&i.url)).collect();
    let mut added = Vec::new();
    let mut total = obs.total_records;
    let mut failure: Option<String> = None;
    let mut partial: Option<String> = None;
    let mut requests = 0u32;
    for mut f in feeds {
        let out = run_feed(
            ctx,
            &mut f,
            page_url,
            &phrases,
            date_pattern,
            &mut seen,
            &mut added,
            &mut requests,
        )
        .await;
        if let Some(t) = f.total_records {
            total = Some(total.map_or(t, |x| x.max(t)));
        }
        match out {
            Ok(None) => {}
            Ok(Some(note)) => partial = partial.or(Some(note)),
            Err(why) => failure = failure.or(Some(format!("{}: {why}", f.describe()))),
        }
    }
    let Some(obs) = page.observation.as_mut() else {
        return;
    };
    obs.total_records = total;
    let links_room = rules
        .crawl
        .max_links_per_page
        .saturating_sub(page.links.len());
    let base = page_url.clone();
    let mut links: Vec<RawLink> = Vec::new();
    for it in &added {
        if links.len() < links_room {
            let mut l = RawLink::derived(it.url.clone(), Element::Datastore);
            l.text = it.title.clone();
            links.push(l);
        }
    }
    obs.items.extend(added);
    if obs.list_cut && partial.is_none() {
        // `observe` left a further list endpoint uncalled.
        partial = Some(format!(
            "only {} list endpoints of the page's scripts are called: the column's items are incomplete",
            crate::check::columns::MAX_PAGE_FEEDS
        ));
    }
    obs.list_cut |= partial.is_some();
    if obs.list_cut {
        // The column's items are incomplete: the crawl lists the page
        // under the list_feed cap.
        page.limits.push(super::caps::Cap::ListFeed);
    }
    if obs.items.is_empty() {
        // Read to its end and empty: an empty list, not an unreadable one;
        // cut before any item: not read.
        obs.unreadable = failure.or(partial);
    } else {
        obs.unreadable = None;
        obs.list_note = match (failure, partial) {
            (Some(f), _) => Some(format!("part of the list could not be fetched: {f}")),
            (None, p) => p,
        };
    }
    page.links.extend(
        links
            .into_iter()
            .map(|l| classify(l, &base, page_url, encoding_rs::UTF_8, rules, &ctx.policy)),
    );
}

/// Runs one feed: Ok(None) when the list was read to its end, Ok(Some(note))
/// when it was cut by a cap, Err(why) when a request failed or an answer
/// could not be read.
#[allow(clippy::too_many_arguments)]
async fn run_feed(
    ctx: &TaskCtx,
    f: &mut ListFeed,
    page_url: &Url,
    phrases: &Phrases,
    date_pattern: Option<&crate::check::dates::DatePattern>,
    seen: &mut HashSet<String>,
    added: &mut Vec<crate::check::columns::ListItem>,
    requests: &mut u32,
) -> Result<Option<String>, String> {
    let rules = &ctx.rules;
    let cap = rules.crawl.max_page_bytes;
    let (max_requests, max_items) = (rules.crawl.max_feed_requests, rules.crawl.max_feed_items);
    let mut k = 0u32;
    let mut per_answer: Option<u32> = None;
    loop {
        let Some((url, form)) = f.request(k) else {
            return Ok(None);
        };
        if *requests as usize >= max_requests || added.len() >= max_items {
            return Ok(Some(cap_note(f, rules)));
        }
        let url = Url::parse(&url).map_err(|_| format!("`{url}` is not a URL"))?;
        if !is_own(rules, &url) {
            return Err(format!(
                "the endpoint {url} is not on the site's own hosts: not called"
            ));
        }
        if rules.crawl.respect_robots
            && !super::task::robots_for(ctx, &url)
                .await
                .allowed(url.as_str())
        {
            return Err(format!("{url} is disallowed by robots.txt"));
        }
        *requests += 1;
        let resp = match &form {
            Some(body) => ctx.fetcher.post(&url, body, cap).await,
            None => ctx.fetcher.fetch(&url, Method::Get, cap).await,
        }
        .map_err(|e| format!("{url}: {e}"))?;
        if !(200..300).contains(&resp.status) {
            return Err(format!("{url} answered HTTP {}", resp.status));
        }
        let ct = resp.content_type.as_deref();
        let text = crate::extract::decode(&resp.body, ct).text;
        let answer = feed::read_answer(&text, ct, page_url, phrases, date_pattern);
        if !answer.recognised {
            return Err(format!(
                "the answer of {url} holds no list the tool can read"
            ));
        }
        if let Some(t) = answer.total_records {
            f.total_records = Some(f.total_records.map_or(t, |x| x.max(t)));
        }
        if f.page_json.is_some() && f.page_size.is_none() {
            // The page size the next requests ask for: the pager's, else this answer's.
            f.page_size = answer
                .page_size
                .or_else(|| u32::try_from(answer.items.len()).ok().filter(|n| *n > 0));
        }
        let n = u32::try_from(answer.items.len()).unwrap_or(u32::MAX);
        let answer_cut = answer.cut;
        if f.per_request == 0 {
            // Pages known from the answer, or from its records and page size.
            let per = *per_answer.get_or_insert(n);
            let last = answer
                .total_pages
                .map(|p| (f.first_page + p).saturating_sub(1))
                .or_else(|| {
                    let t = answer.total_records.or(f.total_records)?;
                    (per > 0).then(|| t.div_ceil(per).saturating_sub(1) + f.first_page)
                });
            if let Some(l) = last {
                f.last_page = Some(l);
            }
        }
        let mut new = 0;
        let mut dropped = false;
        for it in answer.items {
            let key = urls::key(&it.url);
            if seen.contains(&key) {
                continue;
            }
            if added.len() >= max_items {
                // Not marked seen: the announced total is not reached.
                dropped = true;
                continue;
            }
            seen.insert(key);
            added.push(it);
            new += 1;
        }
        if dropped || answer_cut {
            return Ok(Some(cap_note(f, rules)));
        }
        // An empty answer ends the list; so does one that repeats what was
        // read (an endpoint that ignores the page parameter).
        if n == 0 || (new == 0 && k > 0) {
            return Ok(None);
        }
        // Every announced record is read.
        if f.total_records.is_some_and(|t| seen.len() >= t as usize) {
            return Ok(None);
        }
        k += 1;
    }
}

/// The column note of a list cut by `crawl.max_feed_requests`,
/// `crawl.max_feed_items` or the rows read from one answer
/// ([`crate::check::columns::list::MAX_ITEMS`]).
fn cap_note(f: &ListFeed, rules: &crate::rules::Rules) -> String {
    format!(
        "{} read up to its cap ({} requests (crawl.max_feed_requests), {} items per page (crawl.max_feed_items), {} per answer): the column's items are incomplete",
        f.via,
        rules.crawl.max_feed_requests,
        rules.crawl.max_feed_items,
        crate::check::columns::list::MAX_ITEMS
    )
}
