//! The column tracker: collects page observations and portal links in any
//! order, and judges every required column (and the homepage) at the end.
//!
//! Invariants: nothing is judged before [`ColumnTracker::finish`]; what is
//! kept per page is small (a date / ColumnName / breadcrumb / title per
//! article; the items of list pages wait in a [`Spool`], on disk in a run);
//! findings name the column, the column page (or the portal for a missing
//! column) and evidence a webmaster can check.

use super::list::ListItem;
use super::{ColumnRow, HOMEPAGE_COLUMN, PageObservation, VetoCounters, portal_keys, urls};
use crate::check::dates;
use crate::finding::{Certainty, Finding, FindingKind, Severity};
use crate::fingerprint::{FingerprintMap, Fingerprinter};
use crate::rules::Rules;
use crate::rules::columns::{Column, label};
use crate::spool::{Handle, Reader, Spool};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use url::Url;

/// Most portal links kept.
const MAX_NAV: usize = 20_000;
/// Most homepage links kept (the second-level pages of a navigation-only homepage).
const MAX_HOME_LINKS: usize = 5_000;

#[derive(Debug)]
struct NavLink {
    portal: usize,
    seq: usize,
    target: String,
    text: String,
}

/// A page with list data (items, a record or page count, an empty marker),
/// or any page that is not an article: what the column pages are made of.
#[derive(Debug)]
struct PageRec {
    url: Url,
    final_url: Url,
    items: Items,
    article_like: bool,
    total_records: Option<u32>,
    page_count: Option<u32>,
    empty_marker: Option<String>,
    content_chars: usize,
    /// Rarely set list facts, boxed to keep the common record small.
    extra: Option<Box<ListExtra>>,
}

/// What a page says about a list it could not (fully) read, and the
/// documents it frames.
#[derive(Debug, Clone, Default)]
struct ListExtra {
    unreadable: Option<String>,
    note: Option<String>,
    frames: Vec<String>,
    /// A cap of the list feeds bit: the items are incomplete.
    cut: bool,
}

impl ListExtra {
    fn of(obs: &mut PageObservation) -> Option<Box<ListExtra>> {
        let e = ListExtra {
            unreadable: obs.unreadable.take(),
            note: obs.list_note.take(),
            frames: std::mem::take(&mut obs.frames),
            cut: obs.list_cut,
        };
        (e.unreadable.is_some() || e.note.is_some() || !e.frames.is_empty() || e.cut)
            .then(|| Box::new(e))
    }
}

/// A page's list items, in the tracker's [`Spool`]: they are read only when
/// the columns are judged, and most pages' items never are.
#[derive(Debug, Clone, Copy, Default)]
struct Items {
    handle: Handle,
    count: u32,
}

/// What is kept of every crawled page, under its key (and its final URL's
/// key when it was redirected): a few bytes, so a 100,000-page site stays
/// small. Names and breadcrumb paths repeat across a site and are interned.
#[derive(Debug, Clone, Copy)]
struct Seen {
    /// Index into `pages`, for pages with list data or that are not articles.
    page: Option<u32>,
    /// The page carried article metadata (a date, ColumnName, breadcrumb, or looked like one).
    article: bool,
    article_like: bool,
    date: Option<NaiveDate>,
    column_name: Option<Label>,
    /// Breadcrumb segments joined by [`CRUMB_SEP`].
    crumbs: Option<Label>,
    /// Only a title a required item's pattern could match (any year).
    title: Option<Label>,
    content_chars: u32,
}

/// An interned string.
type Label = std::num::NonZeroU32;

/// Joins breadcrumb segments in an interned path.
const CRUMB_SEP: &str = "\u{1f}";

/// Interned strings: ColumnName values, breadcrumb paths, titles.
#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<Box<str>, Label>,
    texts: Vec<Box<str>>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> Option<Label> {
        if let Some(&id) = self.ids.get(s) {
            return Some(id);
        }
        let id = Label::new(u32::try_from(self.texts.len() + 1).ok()?)?;
        self.texts.push(s.into());
        self.ids.insert(s.into(), id);
        Some(id)
    }

    fn get(&self, id: Option<Label>) -> Option<&str> {
        let i = usize::try_from(id?.get()).ok()?.checked_sub(1)?;
        self.texts.get(i).map(|s| &**s)
    }
}

/// An article page's metadata, as the checks read it.
struct ArticleRec<'a> {
    date: Option<NaiveDate>,
    column_name: Option<&'a str>,
    crumbs: Vec<&'a str>,
    title: Option<&'a str>,
}

/// Collects observations of a run and judges the columns at the end.
#[derive(Debug, Default)]
pub struct ColumnTracker {
    portal_keys: Vec<String>,
    homepage_key: String,
    last_page: Option<(String, Option<usize>)>,
    nav: Vec<NavLink>,
    nav_seen: HashSet<(usize, String, String)>,
    pages: Vec<PageRec>,
    /// Every page, by the fingerprint of its key.
    seen: FingerprintMap<Seen>,
    fp: Fingerprinter,
    strings: Interner,
    /// Required-item title patterns with `{year}` as any year: a page title
    /// is kept only when one of these matches it.
    item_titles: Option<regex::RegexSet>,
    /// The items of list pages.
    spool: Spool,
    veto: VetoCounters,
    /// Own-site links of the homepage, by key, in page order.
    home_links: Vec<String>,
    home_links_seen: HashSet<String>,
    last_home: Option<(String, bool)>,
    /// The caps that left part of this run's site uncrawled (their short
    /// names, Chinese and English): a column not found may lie beyond them.
    caps: Vec<(String, String)>,
}

/// The second-level pages of a navigation-only homepage.
#[derive(Debug, Default)]
struct SecondLevelTally {
    linked: usize,
    read: usize,
    newest: Option<(NaiveDate, String)>,
}

/// A column's URL and pages as resolved at the end.
struct Resolved {
    url: Option<Url>,
    pages: Vec<usize>,
}

/// What the items of a column amount to.
struct Tally {
    items: Vec<ListItem>,
    count: usize,
    newest: Option<NaiveDate>,
    /// Pages the list announces (TRS / Hanweb), when more than were crawled.
    unseen_pages: Option<u32>,
    empty_marker: Option<String>,
    /// Items of some page could not be read back: the column is not judged.
    lost: bool,
    /// Why the list of a page could not be read (the first page that says).
    unreadable: Option<String>,
    /// What of the list could not be read.
    notes: Vec<String>,
    /// A cap of the list feeds cut a page's list: the items read are the
    /// list's first ones (its newest), not all.
    cut: bool,
}

impl ColumnTracker {
    /// A tracker for these rules.
    pub fn new(rules: &Rules) -> Self {
        ColumnTracker {
            portal_keys: portal_keys(rules),
            homepage_key: urls::key_of(rules.homepage()),
            item_titles: item_title_patterns(rules),
            ..Default::default()
        }
    }

    /// Tells the tracker that caps (their short names, Chinese and English:
    /// 页面数 / pages …) left part of the site uncrawled. A column it then
    /// cannot find is `unchecked` (the page that links it may be beyond the
    /// cap), never `missing`; columns that were reached are judged as usual.
    pub fn set_caps(&mut self, caps: Vec<(String, String)>) {
        self.caps = caps;
    }

    /// The `unchecked` note of a column a cap may have hidden: what was not
    /// crawled (`zh` / `en`), and the caps that bit.
    fn cap_note(&self, zh: &str, en: &str) -> String {
        let zh_caps: Vec<&str> = self.caps.iter().map(|(z, _)| z.as_str()).collect();
        let en_caps: Vec<&str> = self.caps.iter().map(|(_, e)| e.as_str()).collect();
        format!(
            "抓取上限（{}）：{zh}（cap reached: {}; {en}）",
            zh_caps.join("、"),
            en_caps.join(", ")
        )
    }

    /// Whether a portal page (or the homepage, when the rules name no
    /// portal) was crawled.
    fn portal_seen(&self) -> bool {
        self.portal_keys
            .iter()
            .any(|k| self.seen.get(&self.fp.of(k)).is_some())
    }

    /// Keeps list items in an unlinked temporary file in `dir` (see
    /// [`Spool`]) instead of memory.
    pub fn spooled_in(mut self, dir: Option<&std::path::Path>) -> Self {
        self.spool = Spool::new(dir);
        self
    }

    fn spool_items(&mut self, items: &[ListItem]) -> Items {
        if items.is_empty() {
            return Items::default();
        }
        let handle = self.spool.append(|b| {
            for it in items {
                it.encode(b);
            }
        });
        Items {
            handle,
            count: u32::try_from(items.len()).unwrap_or(u32::MAX),
        }
    }

    /// Drops every spooled list item, as a failing disk would.
    #[cfg(test)]
    pub(super) fn lose_spooled_items(&mut self) {
        self.spool = Spool::in_memory();
    }

    /// The items of a page; None when they cannot all be read back (logged).
    fn items_of(&self, r: &PageRec) -> Option<Vec<ListItem>> {
        if r.items.count == 0 {
            return Some(Vec::new());
        }
        let rec = self.spool.read(r.items.handle);
        let mut rd = Reader(rec.as_deref().unwrap_or_default());
        let items: Vec<ListItem> = (0..r.items.count)
            .map_while(|_| ListItem::decode(&mut rd))
            .collect();
        if items.len() != r.items.count as usize {
            tracing::error!(
                page = %r.url,
                kept = r.items.count,
                read = items.len(),
                "list items could not be read back; the column is left unchecked"
            );
            return None;
        }
        Some(items)
    }

    fn portal_index(&mut self, page: &str) -> Option<usize> {
        if let Some((p, r)) = &self.last_page
            && p == page
        {
            return *r;
        }
        let k = urls::key(page);
        let r = self.portal_keys.iter().position(|p| *p == k);
        self.last_page = Some((page.to_string(), r));
        r
    }

    fn push_nav(&mut self, portal: usize, target: &str, text: &str) {
        if self.nav.len() >= MAX_NAV {
            return;
        }
        let text = label(text);
        if text.is_empty() {
            return;
        }
        if self
            .nav_seen
            .insert((portal, urls::key(target), text.clone()))
        {
            let seq = self.nav.len();
            self.nav.push(NavLink {
                portal,
                seq,
                target: target.to_string(),
                text,
            });
        }
    }

    /// Records what a page showed. `url` is the URL requested.
    pub fn record(&mut self, url: &str, mut obs: PageObservation) {
        let final_url = Url::parse(&obs.final_url).ok();
        let Some(url_p) = Url::parse(url).ok().or_else(|| final_url.clone()) else {
            return;
        };
        let final_url = final_url.unwrap_or_else(|| url_p.clone());
        let key = urls::key_of(&url_p);
        let final_key = urls::key_of(&final_url);
        if let Some(p) = [&key, &final_key]
            .iter()
            .find_map(|k| self.portal_keys.iter().position(|p| p == *k))
        {
            for (target, text) in &obs.nav {
                self.push_nav(p, target, text);
            }
        }
        let article = obs.pubdate.is_some()
            || obs.column_name.is_some()
            || !obs.breadcrumb.is_empty()
            || obs.article_like;
        // Only articles are looked up later (list items' dates, ColumnName,
        // breadcrumbs; titles only when a required item could match them).
        let (column_name, crumbs, title) = if article {
            let title = obs
                .title
                .as_deref()
                .filter(|t| self.item_titles.as_ref().is_some_and(|set| set.is_match(t)));
            (
                obs.column_name
                    .as_deref()
                    .and_then(|n| self.strings.intern(n)),
                (!obs.breadcrumb.is_empty())
                    .then(|| self.strings.intern(&obs.breadcrumb.join(CRUMB_SEP)))
                    .flatten(),
                title.and_then(|t| self.strings.intern(t)),
            )
        } else {
            (None, None, None)
        };
        let mut seen = Seen {
            page: None,
            article,
            article_like: obs.article_like,
            date: obs.pubdate,
            column_name,
            crumbs,
            title,
            content_chars: u32::try_from(obs.content_chars).unwrap_or(u32::MAX),
        };
        let extra = ListExtra::of(&mut obs);
        let has_list = !obs.items.is_empty()
            || obs.total_records.is_some()
            || obs.page_count.is_some()
            || obs.empty_marker.is_some()
            || extra.is_some();
        let fps = [self.fp.of(&key), self.fp.of(&final_key)];
        let old = fps
            .iter()
            .find_map(|fp| self.seen.get(fp))
            .and_then(|s| s.page);
        if has_list || !obs.article_like {
            let rec = PageRec {
                url: url_p,
                final_url,
                items: self.spool_items(&obs.items),
                article_like: obs.article_like,
                total_records: obs.total_records,
                page_count: obs.page_count,
                empty_marker: obs.empty_marker,
                content_chars: obs.content_chars,
                extra,
            };
            let slot = old.and_then(|i| self.pages.get_mut(i as usize));
            seen.page = match slot {
                Some(slot) => {
                    *slot = rec;
                    old
                }
                None => {
                    self.pages.push(rec);
                    u32::try_from(self.pages.len() - 1).ok()
                }
            };
        }
        let [fp, final_fp] = fps;
        if final_fp != fp {
            self.seen.insert(final_fp, seen);
        }
        self.seen.insert(fp, seen);
    }

    fn is_home(&mut self, page: &str) -> bool {
        if let Some((p, r)) = &self.last_home
            && p == page
        {
            return *r;
        }
        let r = urls::key(page) == self.homepage_key;
        self.last_home = Some((page.to_string(), r));
        r
    }

    /// Records a link seen on a page (`target` resolved); portal navigation is
    /// found this way, and the homepage's links (its second-level pages).
    pub fn link(&mut self, page: &str, target: &str, text: &str) {
        if let Some(p) = self.portal_index(page) {
            self.push_nav(p, target, text);
        }
        if self.is_home(page) && self.home_links.len() < MAX_HOME_LINKS {
            let key = urls::key(target);
            if key != self.homepage_key && self.home_links_seen.insert(key.clone()) {
                self.home_links.push(key);
            }
        }
    }

    /// The veto counters computed by the last [`finish`](Self::finish).
    pub fn veto(&self) -> VetoCounters {
        self.veto.clone()
    }

    /// The veto counters in the form summary.json takes (risky_external is
    /// filled from the findings by the caller).
    pub fn veto_input(&self) -> crate::report::summary::VetoInput {
        crate::report::summary::VetoInput {
            homepage_stale: self.veto.homepage_stale,
            homepage_judged: self.veto.homepage_judged,
            homepage_newest: self.veto.homepage_newest.map(|d| d.to_string()),
            homepage_age_days: self.veto.homepage_age_days,
            second_level: self.veto.second_level.clone(),
            stale_dynamic_notice_policy: self.veto.stale_dynamic_notice_policy,
            long_unupdated: self.veto.long_unupdated,
            blank_columns: self.veto.blank,
            ..Default::default()
        }
    }

    /// The items listed by the required column `name` (as [`finish`](Self::finish)
    /// resolves it), deduplicated; empty when there is no such column or it
    /// was not found.
    pub fn items_of_column(&self, rules: &Rules, name: &str, today: NaiveDate) -> Vec<ListItem> {
        let Some(c) = rules.columns.columns.iter().find(|c| c.name == name) else {
            return Vec::new();
        };
        let r = self.resolve(c);
        self.tally(&r.pages, today).items
    }

    fn matches_patterns(c: &Column, rec: &PageRec) -> bool {
        c.url_patterns
            .iter()
            .any(|re| re.is_match(rec.url.as_str()) || re.is_match(rec.final_url.as_str()))
    }

    fn resolve(&self, c: &Column) -> Resolved {
        let mut nav: Vec<&NavLink> = self.nav.iter().collect();
        nav.sort_by_key(|n| (n.portal, n.seq));
        let http =
            |n: &&NavLink| n.target.starts_with("http://") || n.target.starts_with("https://");
        let pat = |s: &str| c.url_patterns.iter().any(|re| re.is_match(s));
        let by_text: Vec<&NavLink> = nav
            .iter()
            .copied()
            .filter(http)
            .filter(|n| c.link_texts.contains(&n.text))
            .collect();
        let chosen = by_text
            .iter()
            .find(|n| pat(&n.target))
            .or(by_text.first())
            .map(|n| n.target.clone())
            .or_else(|| {
                nav.iter()
                    .copied()
                    .filter(http)
                    .find(|n| pat(&n.target))
                    .map(|n| n.target.clone())
            })
            .and_then(|t| Url::parse(&t).ok())
            .or_else(|| {
                let mut hits: Vec<&PageRec> = self
                    .pages
                    .iter()
                    .filter(|r| !r.article_like && Self::matches_patterns(c, r))
                    .collect();
                hits.sort_by(|a, b| {
                    (a.url.as_str().len(), a.url.as_str())
                        .cmp(&(b.url.as_str().len(), b.url.as_str()))
                });
                hits.first().map(|r| r.url.clone())
            });
        let Some(url) = chosen else {
            return Resolved {
                url: None,
                pages: Vec::new(),
            };
        };
        let key = urls::key_of(&url);
        let mut pages: Vec<usize> = self
            .pages
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                urls::key_of(&r.url) == key
                    || urls::key_of(&r.final_url) == key
                    || urls::is_list_sibling(&url, &r.url)
                    || urls::is_list_sibling(&url, &r.final_url)
                    || (!r.article_like && Self::matches_patterns(c, r))
            })
            .map(|(i, _)| i)
            .collect();
        // A page that frames a 信息公开目录 system: the framed list is the column's.
        let framed: Vec<Url> = pages
            .iter()
            .filter_map(|&i| self.pages.get(i)?.extra.as_ref())
            .flat_map(|e| e.frames.iter())
            .filter_map(|f| Url::parse(f).ok())
            .collect();
        for f in &framed {
            let fk = urls::key_of(f);
            for (i, r) in self.pages.iter().enumerate() {
                let hit = urls::key_of(&r.url) == fk
                    || urls::key_of(&r.final_url) == fk
                    || urls::is_list_sibling(f, &r.url);
                if hit && !pages.contains(&i) {
                    pages.push(i);
                }
            }
        }
        self.sort_by_url(&mut pages);
        Resolved {
            url: Some(url),
            pages,
        }
    }

    /// A column page that is an article (a one-page column such as 机构职能)
    /// is kept only as a [`Seen`]: give it a [`PageRec`] once it is known to be a column page.
    fn add_article_page(&mut self, r: &mut Resolved) {
        let Some(url) = &r.url else { return };
        let key = urls::key_of(url);
        let Some(seen) = self.seen.get_mut(&self.fp.of(&key)) else {
            return;
        };
        let idx = match seen.page {
            Some(i) => i as usize,
            None => {
                self.pages.push(PageRec {
                    url: url.clone(),
                    final_url: url.clone(),
                    items: Items::default(),
                    article_like: seen.article_like,
                    total_records: None,
                    page_count: None,
                    empty_marker: None,
                    content_chars: seen.content_chars as usize,
                    extra: None,
                });
                let i = self.pages.len() - 1;
                seen.page = u32::try_from(i).ok();
                i
            }
        };
        if !r.pages.contains(&idx) {
            r.pages.push(idx);
            self.sort_by_url(&mut r.pages);
        }
    }

    /// Orders indices into `pages` by the pages' URLs.
    fn sort_by_url(&self, idx: &mut [usize]) {
        let url = |i: usize| self.pages.get(i).map_or("", |p| p.url.as_str());
        idx.sort_by(|&a, &b| url(a).cmp(url(b)));
    }

    fn article(&self, item_url: &str) -> Option<ArticleRec<'_>> {
        let s = self.seen.get(&self.fp.of(&urls::key(item_url)))?;
        s.article.then(|| ArticleRec {
            date: s.date,
            column_name: self.strings.get(s.column_name),
            crumbs: self
                .strings
                .get(s.crumbs)
                .map(|c| c.split(CRUMB_SEP).collect())
                .unwrap_or_default(),
            title: self.strings.get(s.title),
        })
    }

    /// An item's date: the list's, else the article page's, else the URL's.
    fn item_date(&self, item: &ListItem, today: NaiveDate) -> Option<NaiveDate> {
        if let Some(d) = item
            .date
            .and_then(|d| d.resolve(dates::year_from_url(&item.url), today))
        {
            return Some(d);
        }
        if let Some(d) = self
            .article(&item.url)
            .and_then(|a| a.date)
            .filter(|d| dates::plausible(*d, today))
        {
            return Some(d);
        }
        dates::from_url(&item.url).filter(|d| dates::plausible(*d, today))
    }

    fn tally(&self, pages: &[usize], today: NaiveDate) -> Tally {
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        let mut total = 0usize;
        let mut empty_marker = None;
        let mut announced = 0u32;
        let mut lost = false;
        let mut unreadable = None;
        let mut notes: Vec<String> = Vec::new();
        let mut cut = false;
        for &i in pages {
            let Some(r) = self.pages.get(i) else { continue };
            total = total.max(r.total_records.unwrap_or(0) as usize);
            announced = announced.max(r.page_count.unwrap_or(0));
            if let Some(e) = &r.extra {
                cut |= e.cut;
                if unreadable.is_none() {
                    unreadable = e.unreadable.clone();
                }
                if let Some(n) = &e.note
                    && !notes.contains(n)
                    && notes.len() < 3
                {
                    notes.push(n.clone());
                }
            }
            if empty_marker.is_none() {
                empty_marker = r.empty_marker.clone();
            }
            let Some(page_items) = self.items_of(r) else {
                lost = true;
                continue;
            };
            for it in page_items {
                if seen.insert(urls::key(&it.url)) {
                    items.push(it);
                }
            }
        }
        let dates: Vec<NaiveDate> = items
            .iter()
            .filter_map(|i| self.item_date(i, today))
            .collect();
        Tally {
            count: items.len().max(total),
            newest: dates.iter().max().copied(),
            unseen_pages: (announced as usize > pages.len()).then_some(announced),
            items,
            empty_marker,
            lost,
            unreadable,
            notes,
            cut,
        }
    }

    /// Judges every required column (and the homepage) as of `today`.
    /// Also computes the veto counters, read afterwards with [`veto`](Self::veto).
    pub fn finish(&mut self, rules: &Rules, today: NaiveDate) -> (Vec<Finding>, Vec<ColumnRow>) {
        let cols = &rules.columns;
        let mut findings = Vec::new();
        let mut rows = Vec::new();
        let mut veto = VetoCounters {
            homepage_window_days: cols.homepage_window_days,
            thresholds: cols.veto,
            ..Default::default()
        };
        self.judge_homepage(rules, today, &mut findings, &mut rows, &mut veto);

        let mut resolved: Vec<Resolved> = cols.columns.iter().map(|c| self.resolve(c)).collect();
        for r in &mut resolved {
            self.add_article_page(r);
        }
        let portal_url = rules
            .columns
            .portal_urls
            .first()
            .unwrap_or_else(|| rules.homepage())
            .to_string();
        for (ci, c) in cols.columns.iter().enumerate() {
            let Some(res) = resolved.get(ci) else {
                continue;
            };
            let mut row = ColumnRow {
                column: c.name.clone(),
                window_days: c.window_days.unwrap_or(0),
                ..Default::default()
            };
            let Some(col_url) = &res.url else {
                if self.caps.is_empty() && !self.portal_seen() {
                    // The portal was never read (a failed fetch, robots.txt):
                    // where the column would be linked is not known.
                    row.status = "unchecked".into();
                    row.note =
                        "门户页未能读取：栏目未检查（the disclosure portal page was not read: \
                                a failed fetch, robots.txt or another host）"
                            .into();
                    rows.push(row);
                    continue;
                }
                if !self.caps.is_empty() {
                    // Not found in a capped run: the page that would link it
                    // may be beyond the cap. Not a finding (a wrong
                    // 栏目缺失 costs more than a missed one).
                    row.status = "unchecked".into();
                    row.note = if self.portal_seen() {
                        self.cap_note(
                            "链接该栏目的页面可能未抓取",
                            "the page that links the column may not have been crawled",
                        )
                    } else {
                        self.cap_note("门户页未抓取", "the disclosure portal page was not crawled")
                    };
                    rows.push(row);
                    continue;
                }
                row.status = "missing".into();
                rows.push(row);
                findings.push(
                    Finding::new(FindingKind::ColumnMissing, &portal_url, missing_detail(c))
                        .column(&c.name)
                        .text(c.link_texts.first().cloned().unwrap_or_default()),
                );
                continue;
            };
            row.found = true;
            row.url = col_url.to_string();
            if res.pages.is_empty() {
                row.status = "unchecked".into();
                row.note = if self.caps.is_empty() {
                    "the column page was not crawled (another host, robots.txt, \
                     a failed fetch or the run's depth)"
                        .into()
                } else {
                    self.cap_note("栏目页未抓取", "the column page was not crawled")
                };
                rows.push(row);
                continue;
            }
            let col_page = res
                .pages
                .iter()
                .filter_map(|&i| self.pages.get(i))
                .find(|r| {
                    urls::key_of(&r.url) == urls::key_of(col_url)
                        || urls::key_of(&r.final_url) == urls::key_of(col_url)
                });
            let single = c.single_page || col_page.is_some_and(|r| r.article_like);
            let mut t = self.tally(&res.pages, today);
            if t.lost {
                // Judged on part of its items, a column could look empty or stale.
                row.status = "unchecked".into();
                row.note = "list items could not be read back from the run's spool".into();
                rows.push(row);
                continue;
            }
            if !single && t.items.is_empty() && (t.unreadable.is_some() || t.count > 0) {
                // A list the tool cannot read is neither empty nor stale.
                row.status = "unchecked".into();
                row.items = t.count;
                row.note = match (&t.unreadable, t.count) {
                    (Some(r), 0) => r.clone(),
                    (Some(r), n) => format!("{r}; the page announces {n} records"),
                    (None, n) => {
                        format!("the page announces {n} records but none could be read from it")
                    }
                };
                rows.push(row);
                continue;
            }
            row.note = t.notes.join("; ");
            if single {
                let has_text =
                    col_page.is_some_and(|r| r.content_chars >= cols.single_page_min_chars);
                if has_text && t.count == 0 {
                    t.count = 1;
                }
                let own = self
                    .article(col_url.as_str())
                    .and_then(|a| a.date)
                    .or_else(|| dates::from_url(col_url.as_str()))
                    .filter(|d| dates::plausible(*d, today));
                if let Some(d) = own {
                    t.newest = t.newest.max(Some(d));
                }
            }
            let page_url = col_url.to_string();
            row.items = t.count;
            row.newest_date = t.newest.map(|d| d.to_string()).unwrap_or_default();
            let mut status: Option<&str> = None;

            if t.count == 0 {
                veto.blank += 1;
                status = Some("empty");
                let pages_note = match res.pages.len() {
                    1 => String::new(),
                    n => format!(" across {n} pages"),
                };
                let detail = match (&t.empty_marker, single) {
                    (Some(m), _) => {
                        format!("the column lists no items{pages_note} (it shows 「{m}」)")
                    }
                    (None, true) => format!(
                        "the column page has almost no text ({} characters outside navigation)",
                        col_page.map_or(0, |r| r.content_chars)
                    ),
                    (None, false) => format!("the column lists no items{pages_note}"),
                };
                findings.push(
                    Finding::new(FindingKind::ColumnEmpty, &page_url, detail).column(&c.name),
                );
            } else if t.count < c.min_items && !t.cut {
                // (A list cut by a feed cap has more items than were read.)
                status = Some("empty");
                findings.push(
                    Finding::new(
                        FindingKind::ColumnEmpty,
                        &page_url,
                        format!("{} items, fewer than the {} required", t.count, c.min_items),
                    )
                    .severity(Severity::Warning)
                    .column(&c.name),
                );
            }

            if t.count > 0 {
                if let Some(window) = c.window_days
                    && let Some(f) = stale(&page_url, &c.name, &t, window, today)
                {
                    veto.long_unupdated += 1;
                    if c.dynamic_notice_policy {
                        veto.stale_dynamic_notice_policy += 1;
                    }
                    status = status.or(Some("stale"));
                    findings.push(f);
                }
                let mixed = self.mixed(ci, c, &t.items, &resolved, rules, &page_url);
                if !mixed.is_empty() {
                    status = status.or(Some("mixed"));
                    findings.extend(mixed);
                }
            }

            for req in &c.required_items {
                let Some((due, year)) = req.cycle(today) else {
                    continue;
                };
                let Some(re) = req.pattern(year) else {
                    continue;
                };
                let own_title = single
                    .then(|| self.article(col_url.as_str()).and_then(|a| a.title))
                    .flatten()
                    .is_some_and(|x| re.is_match(x));
                let found = own_title
                    || t.items.iter().any(|i| {
                        re.is_match(&i.title)
                            || self
                                .article(&i.url)
                                .and_then(|a| a.title)
                                .is_some_and(|x| re.is_match(x))
                    });
                if !found {
                    let truncated = t.items.iter().any(|i| {
                        (i.title.ends_with("...") || i.title.ends_with('…'))
                            && self.article(&i.url).is_none()
                    });
                    let expected = req.expected_title(year);
                    let mut f = Finding::new(
                        FindingKind::ItemMissing,
                        &page_url,
                        format!(
                            "「{expected}」 was due {due} and is not among the column's {} items",
                            t.items.len()
                        ),
                    )
                    .column(&c.name)
                    .text(expected);
                    if truncated {
                        f = f.certainty(Certainty::Suspected);
                        f.detail
                            .push_str(" (some titles are cut short; check by hand)");
                    }
                    if t.cut {
                        // The item may be among those past the feed cap.
                        f = f.certainty(Certainty::Suspected);
                        f.detail.push_str(" (the list was read up to its feed cap)");
                    }
                    if t.items.len() < t.count {
                        f = f.certainty(Certainty::Suspected);
                        f.detail.push_str(&format!(
                            " (the list has {} records, {} read)",
                            t.count,
                            t.items.len()
                        ));
                    }
                    if !self.caps.is_empty() {
                        // Later list pages may be beyond the cap.
                        f = f.certainty(Certainty::Suspected);
                        f.detail.push_str(&format!(
                            " (cap reached: {}; list pages beyond it may not have been crawled)",
                            self.caps
                                .iter()
                                .map(|(_, en)| en.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    if let Some(n) = t.unseen_pages {
                        f = f.certainty(Certainty::Suspected);
                        f.detail.push_str(&format!(
                            " (the list has {n} pages, {} crawled)",
                            res.pages.len()
                        ));
                    }
                    findings.push(f);
                }
            }
            row.status = status.unwrap_or("ok").into();
            rows.push(row);
        }
        self.veto = veto;
        (findings, rows)
    }

    /// The homepage as a column of its own (首页不更新). A homepage without
    /// dated items (only entrances) is judged by its second-level pages:
    /// stale when none of them has an item within the window.
    fn judge_homepage(
        &self,
        rules: &Rules,
        today: NaiveDate,
        findings: &mut Vec<Finding>,
        rows: &mut Vec<ColumnRow>,
        veto: &mut VetoCounters,
    ) {
        let window = rules.columns.homepage_window_days;
        let home = rules.homepage().to_string();
        let mut row = ColumnRow {
            column: HOMEPAGE_COLUMN.into(),
            found: true,
            url: home.clone(),
            window_days: window,
            status: "unchecked".into(),
            ..Default::default()
        };
        let Some(s) = self.seen.get(&self.fp.of(&self.homepage_key)) else {
            rows.push(row);
            return;
        };
        let pages: Vec<usize> = s.page.map(|i| i as usize).into_iter().collect();
        let t = self.tally(&pages, today);
        if t.lost {
            rows.push(row);
            return;
        }
        row.items = t.count;
        if let Some(newest) = t.newest {
            veto.homepage_judged = true;
            veto.homepage_newest = Some(newest);
            veto.homepage_age_days = Some((today - newest).num_days());
            row.newest_date = newest.to_string();
            row.status = "ok".into();
            if let Some(mut f) = stale(&home, HOMEPAGE_COLUMN, &t, window, today) {
                f.column = HOMEPAGE_COLUMN.into();
                f.detail.push_str(" (national veto: 首页不更新)");
                veto.homepage_stale = true;
                row.status = "stale".into();
                findings.push(f);
            }
            rows.push(row);
            return;
        }
        // No dated item: a navigation-only homepage, judged by its second-level pages.
        let nav = self.second_level(rules, today);
        veto.second_level = Some(crate::report::summary::SecondLevel {
            linked: nav.linked,
            read: nav.read,
            newest_url: nav.newest.as_ref().map(|(_, u)| u.clone()),
        });
        if nav.read == 0 {
            // Not crawled (homepage-only run, robots, failures): not judged.
            rows.push(row);
            return;
        }
        let newest = nav.newest.as_ref().map(|(d, _)| *d);
        row.newest_date = newest.map(|d| d.to_string()).unwrap_or_default();
        let age = newest.map(|d| (today - d).num_days());
        let fresh = age.is_some_and(|a| a <= i64::from(window));
        if fresh || nav.read == nav.linked {
            veto.homepage_judged = true;
            veto.homepage_newest = newest;
            veto.homepage_age_days = age;
        }
        if fresh {
            row.status = "ok".into();
            rows.push(row);
            return;
        }
        let newest_text = match (&nav.newest, age) {
            (Some((d, u)), Some(a)) => format!("newest item {d}, {a} days old, on {u}"),
            _ => "no dated item on any of them (undated items count as not updated)".into(),
        };
        let mut f = Finding::new(
            FindingKind::ColumnStale,
            &home,
            format!(
                "navigation-only homepage (no dated item): none of the {} second-level pages read has an item within {window} days; {newest_text}",
                nav.read
            ),
        )
        .column(HOMEPAGE_COLUMN);
        if nav.read < nav.linked {
            // Some second-level page could not be read: it might hold the update.
            f = f.certainty(Certainty::Suspected);
            f.detail.push_str(&format!(
                " ({} of {} linked pages not read; check them by hand)",
                nav.linked - nav.read,
                nav.linked
            ));
        } else {
            f.detail.push_str(" (national veto: 首页不更新)");
            veto.homepage_stale = true;
        }
        row.status = "stale".into();
        findings.push(f);
        rows.push(row);
    }

    /// The own pages linked from the homepage: how many, how many were read,
    /// and the newest plausible date on them (list items, or an article's own date).
    fn second_level(&self, rules: &Rules, today: NaiveDate) -> SecondLevelTally {
        let mut out = SecondLevelTally::default();
        for key in &self.home_links {
            let seen = self.seen.get(&self.fp.of(key));
            let Ok(url) = Url::parse(key) else {
                continue;
            };
            if seen.is_none()
                && (!crate::crawl::task::is_own(rules, &url)
                    || crate::crawl::task::looks_like_resource(&url))
            {
                continue;
            }
            out.linked += 1;
            let Some(s) = seen else {
                continue;
            };
            out.read += 1;
            let mut dates: Vec<NaiveDate> = Vec::new();
            if let Some(d) = s.date.filter(|d| dates::plausible(*d, today)) {
                dates.push(d);
            }
            if let Some(i) = s.page {
                let t = self.tally(&[i as usize], today);
                dates.extend(t.newest);
            }
            if let Some(d) = dates.into_iter().max()
                && out.newest.as_ref().is_none_or(|(n, _)| d > *n)
            {
                out.newest = Some((d, key.clone()));
            }
        }
        out
    }

    /// Items that do not belong in column `ci`, with the evidence.
    fn mixed(
        &self,
        ci: usize,
        c: &Column,
        items: &[ListItem],
        resolved: &[Resolved],
        rules: &Rules,
        page_url: &str,
    ) -> Vec<Finding> {
        let cols = &rules.columns.columns;
        let own_folder = resolved
            .get(ci)
            .and_then(|r| r.url.as_ref())
            .map(urls::folder);
        // Another required column this label names, unless it is this one, accepted
        // here, or nested with this one (a sub-column's items listed in its parent).
        let other = |text: &str| -> Option<&Column> {
            if c.is_named(text) || c.belongs_columns.contains(&label(text)) {
                return None;
            }
            cols.iter().enumerate().find_map(|(di, d)| {
                if di == ci || !d.is_named(text) {
                    return None;
                }
                let df = resolved
                    .get(di)
                    .and_then(|r| r.url.as_ref())
                    .map(urls::folder);
                let nested = match (&own_folder, &df) {
                    (Some(a), Some(b)) => {
                        let root = |f: &str| Url::parse(f).is_ok_and(|u| u.path() == "/");
                        !root(a)
                            && !root(b)
                            && (a.starts_with(b.as_str()) || b.starts_with(a.as_str()))
                    }
                    _ => false,
                };
                (!nested).then_some(d)
            })
        };
        let type_zh = rules
            .columns
            .types
            .iter()
            .find(|t| t.name == c.type_name)
            .map_or(c.type_name.as_str(), |t| t.zh.as_str());
        let mut out = Vec::new();
        for it in items {
            let mut why: Vec<String> = Vec::new();
            let word = c
                .not_belongs_titles
                .iter()
                .find(|w| it.title.contains(w.as_str()));
            if let Some(w) = word {
                why.push(format!(
                    "「{}」 contains 「{w}」 (not_belongs); 专栏姓专",
                    it.title
                ));
            } else if let Some(m) = self.default_mixed(c, it) {
                why.push(format!(
                    "「{}」 reads as news (「{m}」), not what a {type_zh} column holds (national defaults); 专栏姓专",
                    it.title
                ));
            }
            if let Some(re) = c.not_belongs_urls.iter().find(|re| re.is_match(&it.url)) {
                why.push(format!(
                    "item URL matches not_belongs pattern `{}`",
                    re.as_str()
                ));
            }
            if !c.belongs_urls.is_empty() && !c.belongs_urls.iter().any(|re| re.is_match(&it.url)) {
                why.push("item URL matches none of the column's belongs.urls patterns".into());
            }
            if !c.belongs_titles.is_empty()
                && !c
                    .belongs_titles
                    .iter()
                    .any(|w| it.title.contains(w.as_str()))
            {
                why.push(format!(
                    "「{}」 contains none of the belongs words ({})",
                    it.title,
                    c.belongs_titles.join("、")
                ));
            }
            if let Some(a) = self.article(&it.url) {
                let cn = a.column_name.filter(|s| !label(s).is_empty());
                let own =
                    cn.is_some_and(|n| c.is_named(n) || c.belongs_columns.contains(&label(n)));
                if let Some(d) = cn.and_then(&other) {
                    let n = cn.unwrap_or("");
                    why.push(if label(n) == label(&d.name) {
                        format!("its article page's ColumnName is 「{n}」, another required column")
                    } else {
                        format!(
                            "its article page's ColumnName is 「{n}」, i.e. the column 「{}」",
                            d.name
                        )
                    });
                } else if !own {
                    let crumb_own = a
                        .crumbs
                        .iter()
                        .any(|s| c.is_named(s) || c.belongs_columns.contains(&label(s)));
                    if !crumb_own && let Some(d) = a.crumbs.iter().rev().find_map(|s| other(s)) {
                        why.push(format!(
                            "its article page's breadcrumb 「{}」 names the column 「{}」",
                            a.crumbs.join(" > "),
                            d.name
                        ));
                    }
                }
            }
            if !why.is_empty() {
                out.push(
                    Finding::new(FindingKind::ColumnMixed, page_url, why.join("; "))
                        .severity(Severity::Warning)
                        .target(&it.url)
                        .text(&it.title)
                        .column(&c.name),
                );
            }
        }
        out
    }
}

impl ColumnTracker {
    /// The news-style phrase that makes an item out of place in column `c` by
    /// the national defaults of its type, unless the type holds the item (a
    /// document about a meeting, an interpretation) or the column's `belongs`
    /// allows it (a title word, a URL pattern, an accepted article column).
    fn default_mixed<'t>(&self, c: &Column, it: &'t ListItem) -> Option<&'t str> {
        let m = c.default_mixed.iter().find_map(|re| {
            let caps = re.captures(&it.title)?;
            caps.name("hit").or_else(|| caps.get(0))
        })?;
        if c.default_holds.iter().any(|re| re.is_match(&it.title))
            || c.belongs_titles
                .iter()
                .any(|w| it.title.contains(w.as_str()))
            || c.belongs_urls.iter().any(|re| re.is_match(&it.url))
        {
            return None;
        }
        let accepted = |s: &str| c.belongs_columns.contains(&label(s));
        if let Some(a) = self.article(&it.url)
            && (a.column_name.is_some_and(accepted) || a.crumbs.iter().any(|s| accepted(s)))
        {
            return None;
        }
        Some(m.as_str())
    }
}

/// The required items' title patterns with `{year}` standing for any year:
/// a title no one of these matches cannot match an item of a given year.
fn item_title_patterns(rules: &Rules) -> Option<regex::RegexSet> {
    let pats: Vec<String> = rules
        .columns
        .columns
        .iter()
        .flat_map(|c| &c.required_items)
        .map(|r| r.title.replace("{year}", r"\d{4}"))
        .collect();
    if pats.is_empty() {
        return None;
    }
    // The titles were validated at load; should the set still not build, keep every title.
    regex::RegexSet::new(pats)
        .or_else(|_| regex::RegexSet::new([""]))
        .ok()
}

fn missing_detail(c: &Column) -> String {
    let mut parts = Vec::new();
    if !c.link_texts.is_empty() {
        parts.push(format!(
            "no portal link reads {}",
            c.link_texts
                .iter()
                .map(|t| format!("「{t}」"))
                .collect::<Vec<_>>()
                .join(" / ")
        ));
    }
    if !c.url_patterns.is_empty() {
        parts.push(format!(
            "no portal link or crawled page matches {}",
            c.url_patterns
                .iter()
                .map(|r| format!("`{}`", r.as_str()))
                .collect::<Vec<_>>()
                .join(" / ")
        ));
    }
    format!(
        "required column not reachable from the portal: {}",
        parts.join("; ")
    )
}

/// A `column_stale` finding when the newest item is older than `window` days,
/// or no item is dated (undated counts as not updated).
fn stale(
    page_url: &str,
    column: &str,
    t: &Tally,
    window: u32,
    today: NaiveDate,
) -> Option<Finding> {
    match t.newest {
        Some(newest) => {
            let age = (today - newest).num_days();
            (age > i64::from(window)).then(|| {
                Finding::new(
                    FindingKind::ColumnStale,
                    page_url,
                    format!("newest item {newest}, {age} days old, window {window}"),
                )
                .column(column)
            })
        }
        None => Some(
            Finding::new(
                FindingKind::ColumnStale,
                page_url,
                format!(
                    "{} items, none dated (undated items count as not updated); window {window}",
                    t.count
                ),
            )
            .certainty(Certainty::Suspected)
            .column(column),
        ),
    }
}
