//! Required columns (栏目): observe pages during the crawl, judge at the end.
//!
//! Stage: check. During the crawl, [`observe`] runs on every fetched HTML page
//! while its document is alive and returns a small [`PageObservation`] (list
//! items with titles, URLs and dates; the article's `ColumnName`, `PubDate`,
//! breadcrumb and title; the TRS page count; Hanweb totals; an empty-list
//! marker; and, on portal pages, the navigation links). The crawler hands it to
//! [`ColumnTracker::record`] and every link it sees to [`ColumnTracker::link`].
//! Pages arrive in any order; [`ColumnTracker::finish`] resolves each required
//! column (portal link text, else URL pattern), merges its pages (TRS
//! `index_N.html`, `?page=N`, pattern matches), and reports `column_missing`,
//! `column_empty`, `column_stale` (also the homepage as a column of its own),
//! `column_mixed` and `item_missing`, with one [`ColumnRow`] per column for
//! columns.csv and the [`VetoCounters`] for summary.json.

pub mod feed;
pub mod list;
pub mod page;
#[cfg(test)]
mod tests;
mod tracker;
pub mod urls;

pub use list::ListItem;
pub use tracker::ColumnTracker;

use super::PageView;
use crate::link::Element;
use crate::rules::Rules;
use crate::rules::columns::VetoThresholds;
use chrono::NaiveDate;
use scraper::Selector;
use serde::Serialize;
use std::sync::LazyLock;
use url::Url;

/// Name of the homepage in columns.csv and in findings' `column` field.
pub const HOMEPAGE_COLUMN: &str = "首页";

/// What one page tells about columns (small: kept after the page is dropped).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PageObservation {
    /// The URL after redirects.
    pub final_url: String,
    /// List items: the main list (every list on the homepage; Hanweb records when
    /// present); none on article pages.
    pub items: Vec<ListItem>,
    /// The page embeds a Hanweb `<datastore>`.
    pub datastore: bool,
    /// Hanweb `<totalrecord>`: items of the whole column.
    pub total_records: Option<u32>,
    /// Pages of the list (TRS `createPageHTML` count or Hanweb `<totalpage>`).
    pub page_count: Option<u32>,
    /// A visible 暂无信息-like phrase outside navigation.
    pub empty_marker: Option<String>,
    /// `<meta name="ColumnName">`.
    pub column_name: Option<String>,
    /// Breadcrumb segments.
    pub breadcrumb: Vec<String>,
    /// `<meta name="PubDate">`, else the visible 发布日期 block.
    pub pubdate: Option<NaiveDate>,
    /// `<meta name="ArticleTitle">`, else `<title>`.
    pub title: Option<String>,
    /// The page is an article (URL shape or `ArticleTitle` meta), not a list.
    pub article_like: bool,
    /// Characters of visible text outside navigation (capped).
    pub content_chars: usize,
    /// On portal pages: every link as (absolute target, text).
    pub nav: Vec<(String, String)>,
    /// Why the page's list could not be read, when it lists nothing although
    /// a script builds a list (which script, which endpoint). The column is
    /// then `unchecked`, not empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
    /// What of the list could not be read, when some of it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_note: Option<String>,
    /// The list was read in part: a cap of its feeds bit
    /// ([`crate::crawl::listfeed`]); its items are incomplete.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub list_cut: bool,
    /// A script of the page made more data calls than were read
    /// ([`crate::extract::js::calls::MAX_CALLS`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub calls_cut: bool,
    /// Requests that fetch the rest of the list (the crawl makes them and
    /// clears this, see [`crate::crawl::listfeed`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feeds: Vec<feed::ListFeed>,
    /// Own-host documents the page frames (`<iframe>`) when it lists nothing
    /// itself (a 信息公开目录 system): their items are the column's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frames: Vec<String>,
}

/// One row of columns.csv.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ColumnRow {
    /// Column name.
    pub column: String,
    /// Whether it was found.
    pub found: bool,
    /// Its URL.
    pub url: String,
    /// Items counted (all pages).
    pub items: usize,
    /// Newest item date (YYYY-MM-DD), empty when none.
    pub newest_date: String,
    /// Update window in days (0: updated on change only).
    pub window_days: u32,
    /// ok / missing / empty / stale / mixed, or unchecked (linked, but the page was
    /// not crawled: external host, robots, failed fetch; or its list could not be read).
    pub status: String,
    /// Why a column is unchecked, or what of its list could not be read.
    pub note: String,
}

/// The national veto counters of a run (summary.json), with their thresholds.
/// Filled by [`ColumnTracker::finish`]; read with [`ColumnTracker::veto`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VetoCounters {
    /// Stale 动态/要闻 (2 weeks), 通知公告/政策文件 (6 months) columns.
    pub stale_dynamic_notice_policy: usize,
    /// Columns that should be updated and are stale (any type with a window).
    pub long_unupdated: usize,
    /// Columns listing no items.
    pub blank: usize,
    /// The homepage has no dated item within its window (for a
    /// navigation-only homepage: none of its second-level pages has).
    pub homepage_stale: bool,
    /// Whether the homepage's update could be judged.
    pub homepage_judged: bool,
    /// Newest item date found for the homepage (on it, or on its second-level pages).
    pub homepage_newest: Option<NaiveDate>,
    /// Age of that item in days.
    pub homepage_age_days: Option<i64>,
    /// A homepage without dated items: its second-level pages.
    pub second_level: Option<crate::report::summary::SecondLevel>,
    /// The homepage window, days.
    pub homepage_window_days: u32,
    /// The thresholds that veto (from the national pack).
    pub thresholds: VetoThresholds,
}

impl VetoCounters {
    /// The veto items reached, in words (empty: none).
    pub fn reasons(&self) -> Vec<String> {
        let t = &self.thresholds;
        let mut v = Vec::new();
        if self.homepage_stale {
            v.push(format!(
                "首页不更新: no update on the homepage in {} days",
                self.homepage_window_days
            ));
        }
        if t.stale_dynamic_notice_policy > 0
            && self.stale_dynamic_notice_policy >= t.stale_dynamic_notice_policy
        {
            v.push(format!(
                "栏目不更新: {} stale 动态/通知公告/政策文件 columns (veto at {})",
                self.stale_dynamic_notice_policy, t.stale_dynamic_notice_policy
            ));
        }
        if t.long_unupdated > 0 && self.long_unupdated >= t.long_unupdated {
            v.push(format!(
                "栏目不更新: {} long-unupdated columns (veto at {})",
                self.long_unupdated, t.long_unupdated
            ));
        }
        if t.blank > 0 && self.blank >= t.blank {
            v.push(format!(
                "空白栏目: {} blank columns (veto at {})",
                self.blank, t.blank
            ));
        }
        v
    }
    /// Whether any veto item is reached.
    pub fn vetoed(&self) -> bool {
        !self.reasons().is_empty()
    }
}

static ANCHORS: LazyLock<Selector> =
    LazyLock::new(|| crate::patterns::selector("a[href], area[href]"));
static INLINE_SCRIPTS: LazyLock<Selector> =
    LazyLock::new(|| crate::patterns::selector("script:not([src])"));
/// Hanweb jpaas unit-build elements (attribute names are lower-cased by the parser).
static UNIT_BUILD: LazyLock<Selector> =
    LazyLock::new(|| crate::patterns::selector("[url][querydata]"));

/// Most data endpoints of one page called for its list (a further one is
/// not called: the list is cut, listed under the `list_feed` cap).
pub const MAX_PAGE_FEEDS: usize = 2;

/// What a non-article page's scripts say about its list.
struct ScriptList {
    feeds: Vec<feed::ListFeed>,
    /// Items of an old Hanweb `InitData` array, when the page has no datastore.
    items: Vec<ListItem>,
    /// Why the list (or part of it) cannot be read.
    reasons: Vec<String>,
    /// `jpage({totalRecord})`.
    total: Option<u32>,
    /// A script made more data calls than were read ([`crate::extract::js::calls::MAX_CALLS`]).
    calls_cut: bool,
    /// A list endpoint past [`MAX_PAGE_FEEDS`] was not called.
    feeds_cut: bool,
}

/// Plans the list feeds of a list page (rules `data_url`, Hanweb groups,
/// literal data endpoints when the page lists nothing) and gathers the
/// reasons a list cannot be read.
#[allow(clippy::too_many_arguments)]
fn script_list(
    doc: &scraper::Html,
    hints: &page::Hints,
    ds: Option<&list::Datastore>,
    rules_list: Option<&crate::rules::columns::ColumnList>,
    has_items: bool,
    base: &Url,
    page_url: &Url,
    phrases: &page::Phrases,
) -> ScriptList {
    let mut out = ScriptList {
        feeds: Vec::new(),
        items: Vec::new(),
        reasons: Vec::new(),
        total: None,
        calls_cut: false,
        feeds_cut: false,
    };
    if let Some(l) = rules_list
        && let Some(u) = &l.data_url
        && let Some(f) = feed::plan_rules(u, l.data_form.as_deref(), base)
    {
        out.feeds.push(f);
        return out;
    }
    let scripts = || {
        doc.select(&INLINE_SCRIPTS)
            .map(|s| s.text().collect::<String>())
    };
    if hints.datastore || hints.jpage {
        let jp = if hints.jpage {
            scripts().find_map(|t| crate::extract::js::calls::jpage(&t))
        } else {
            None
        };
        let mut in_page = ds.map_or(0, |d| d.records);
        if let Some(j) = &jp {
            out.total = j.total_record.and_then(|t| u32::try_from(t).ok());
            if in_page == 0 && !j.data_store.is_empty() {
                out.items = list::record_items(&j.data_store, base, page_url, phrases);
                in_page = u32::try_from(j.data_store.len()).unwrap_or(u32::MAX);
            }
        }
        let total = ds.and_then(|d| d.total_records).or(out.total);
        match feed::plan_hanweb(
            jp.as_ref(),
            ds.and_then(|d| d.nextgroup.as_deref()),
            total,
            in_page,
            base,
        ) {
            Ok(Some(f)) => out.feeds.push(f),
            Ok(None) => {}
            Err(r) => out.reasons.push(r),
        }
    }
    // Hanweb jpaas: an element naming its endpoint in `url` and its
    // parameters in `queryData`, which the site's shared script requests.
    // One unit is the list: the first whose parameters speak of a list
    // (`tagId: '当前栏目list'`), else the first; other units (side boxes)
    // would mix their rows into the column's.
    if out.feeds.is_empty() && !has_items && out.items.is_empty() && hints.unit_build {
        let units: Vec<(&str, &str)> = doc
            .select(&UNIT_BUILD)
            .filter_map(|e| Some((e.value().attr("url")?, e.value().attr("querydata")?)))
            .take(20)
            .collect();
        let unit = units
            .iter()
            .find(|(_, q)| q.to_ascii_lowercase().contains("list"))
            .or(units.first());
        if let Some((u, q)) = unit {
            match feed::plan_unit(u, q, base) {
                Ok(f) => out.feeds.push(f),
                Err(r) => out.reasons.push(r),
            }
        }
    }
    // A page that lists nothing itself: the endpoints its scripts call.
    if out.feeds.is_empty() && !has_items && out.items.is_empty() && hints.data_call {
        let mut calls = Vec::new();
        for t in scripts() {
            let (c, cut) = crate::extract::js::calls::data_calls_cut(&t);
            calls.extend(c);
            out.calls_cut |= cut;
        }
        for c in calls.into_iter().filter(feed::is_list_call) {
            match feed::plan_call(&c, base) {
                Ok(f) if out.feeds.len() < MAX_PAGE_FEEDS => out.feeds.push(f),
                Ok(_) => out.feeds_cut = true,
                Err(r) => out.reasons.push(r),
            }
        }
        if out.calls_cut && out.feeds.is_empty() {
            // The list's call may be among those not read: not an empty list.
            out.reasons.insert(
                0,
                format!(
                    "a script makes more than {} data calls; the list's may be among those not read",
                    crate::extract::js::calls::MAX_CALLS
                ),
            );
        }
    }
    if let Some(t) = hints.template {
        out.reasons.push(format!(
            "the list is a front-end template (`{t}`) that a script fills"
        ));
    }
    out
}

/// The portal pages of the rules (the start URLs when none are given), as keys.
pub fn portal_keys(rules: &Rules) -> Vec<String> {
    let list = if rules.columns.portal_urls.is_empty() {
        &rules.start_urls
    } else {
        &rules.columns.portal_urls
    };
    list.iter().map(urls::key_of).collect()
}

/// Looks at one page; runs on the page's task while the document is alive.
/// Returns None only when the page's URL is not http(s).
pub fn observe(view: &PageView, rules: &Rules) -> Option<PageObservation> {
    if !matches!(view.final_url.scheme(), "http" | "https") {
        return None;
    }
    let cols = &rules.columns;
    let doc = view.doc;
    let page = view.final_url;
    let redirected = view.url != view.final_url;
    let final_key = urls::key_of(page);
    let keys = [
        if redirected {
            urls::key_of(view.url)
        } else {
            final_key.clone()
        },
        final_key,
    ];
    let homepage = keys.contains(&urls::key_of(rules.homepage()));
    let portal = portal_keys(rules).iter().any(|p| keys.contains(p));
    let url_article =
        urls::looks_like_article(page) || (redirected && urls::looks_like_article(view.url));
    let phrases = page::Phrases::cached(&cols.empty_phrases);
    // One walk; the layout only where a list can be (not on article URLs).
    let scan = page::walk(
        doc,
        &phrases,
        cols.single_page_min_chars.max(1) * 10,
        homepage || !url_article,
    );
    let (layout, text, head) = (scan.layout, scan.text, scan.head);
    let base: Url = head
        .base_href
        .and_then(|h| page.join(h.trim()).ok())
        .unwrap_or_else(|| page.clone());
    let meta = head.meta;
    let article_like = url_article || meta.article_title.is_some();
    // Article pages list nothing of their own: no list parsing.
    let lists = homepage || !article_like;
    let hints = page::Hints::of(view.source);
    let ds = if hints.datastore {
        list::datastore(doc, &base, page, &phrases).map(|mut d| {
            if d.total_records.is_none() {
                (d.total_records, d.total_pages) = list::datastore_totals(view.source);
            }
            d
        })
    } else {
        None
    };
    // The rules' own reading of this column's list, by its URL.
    let rules_list = (!homepage && !article_like)
        .then(|| {
            cols.columns.iter().find(|c| {
                c.list.is_set()
                    && c.url_patterns
                        .iter()
                        .any(|re| re.is_match(page.as_str()) || re.is_match(view.url.as_str()))
            })
        })
        .flatten()
        .map(|c| &c.list);
    let mut items = if lists {
        list::items(
            doc,
            &layout,
            &base,
            page,
            list::ListOptions {
                selector: rules_list
                    .and_then(|l| l.selector.as_ref())
                    .or(cols.list_selector.as_ref()),
                date_pattern: rules_list.and_then(|l| l.date_pattern.as_ref()),
            },
            homepage,
            &phrases,
        )
    } else {
        Vec::new()
    };
    if let Some(ds) = &ds {
        if homepage {
            items.extend(ds.items.iter().cloned());
            items.truncate(list::MAX_ITEMS);
        } else if !article_like {
            items = ds.items.clone();
        }
    }
    let mut unreadable = None;
    let mut feeds = Vec::new();
    let mut frames = Vec::new();
    let mut script_total = None;
    let mut calls_cut = false;
    let mut list_cut = false;
    if !homepage && !article_like {
        let sl = script_list(
            doc,
            &hints,
            ds.as_ref(),
            rules_list,
            !items.is_empty(),
            &base,
            page,
            &phrases,
        );
        if items.is_empty() {
            items = sl.items;
        }
        script_total = sl
            .total
            .or_else(|| page::record_count_in(view.source, &hints));
        feeds = sl.feeds;
        calls_cut = sl.calls_cut;
        list_cut = sl.feeds_cut;
        if items.is_empty() && text.empty_marker.is_none() {
            unreadable = match (feeds.first(), sl.reasons.into_iter().next()) {
                (Some(f), _) => Some(format!("the list is loaded by {}", f.describe())),
                (None, Some(r)) => Some(r),
                (None, None) => script_total
                    .filter(|n| *n > 0)
                    .map(|n| format!("a script announces {n} records but none is in the page")),
            };
            frames = view
                .extracted
                .links
                .iter()
                .filter(|l| matches!(l.element, Element::Iframe | Element::Frame))
                .filter_map(|l| base.join(l.url.trim()).ok())
                .filter(|u| {
                    matches!(u.scheme(), "http" | "https")
                        && crate::crawl::task::is_own(rules, u)
                        && !crate::crawl::task::looks_like_resource(u)
                })
                .map(String::from)
                .take(4)
                .collect();
        }
    }
    let nav = if portal {
        doc.select(&ANCHORS)
            .filter_map(|a| {
                let href = a.value().attr("href")?;
                let target = base.join(href.trim()).ok()?;
                let text = page::collapse(&a.text().collect::<String>());
                let text = if text.is_empty() {
                    page::collapse(a.value().attr("title").unwrap_or(""))
                } else {
                    text
                };
                (!text.is_empty()).then(|| (target.to_string(), page::cap_chars(&text, 60)))
            })
            .take(5_000)
            .collect()
    } else {
        Vec::new()
    };
    Some(PageObservation {
        final_url: page.to_string(),
        items,
        datastore: ds.is_some(),
        total_records: ds.as_ref().and_then(|d| d.total_records).or(script_total),
        page_count: ds
            .as_ref()
            .and_then(|d| d.total_pages)
            .or_else(|| page::page_count_in(view.source, &hints)),
        empty_marker: text.empty_marker,
        column_name: meta.column_name,
        breadcrumb: text.crumb.map(page::crumb_segments).unwrap_or_default(),
        pubdate: meta
            .pubdate
            .or_else(|| page::published_block_in(view.source, &hints)),
        title: meta.article_title.or(head.title),
        article_like,
        content_chars: text.content_chars,
        nav,
        unreadable,
        list_note: None,
        list_cut,
        calls_cut,
        feeds,
        frames,
    })
}
