//! 发布日期异常 (`date_mismatch`, suspected warnings): an article's publication
//! dates that disagree, compared like with like (`[pubdate]` of the rules).
//!
//! On the article page ([`read`], [`check`]): (a) `<meta name="PubDate">` and
//! the labelled date shown on the page (发布日期 / 发布时间 / 时间： on the info
//! line) differ by more than `disagree_days`; (b) the labelled date is newer
//! than the page's CMS date (PubDate meta, else the date in its URL) by more
//! than `newer_days` — an item re-dated to look current; (c) the labelled date
//! is older than the URL's date by more than `older_than_url_days` — a page that
//! claims to have been published before it existed; (d) a date in the future.
//!
//! Across pages ([`ListDates`]): a list date newer than its article's CMS date
//! (the URL's date, else the article's PubDate meta) by more than `newer_days`,
//! or in the future. Lists often show the document's own date (成文日期), days
//! or years before it was published, so a list date *older* than the page's is
//! never a finding; and a list whose dates are mostly newer than their pages'
//! shows another date (deadlines, events): only lists where at least three
//! quarters of the comparable items agree report their outliers. Dates quoted
//! in body text are never read.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::PageView;
use super::columns::{ListItem, page, urls};
use super::dates::{self, PartialDate};
use super::labels;
use crate::finding::{Certainty, Finding, FindingKind, Severity};
use crate::fingerprint::{FingerprintMap, Fingerprinter};
use crate::rules::checks::PubdateSection;
use chrono::{Datelike, NaiveDate};

/// Most list items kept waiting for their article's PubDate meta.
const MAX_DEFERRED: usize = 50_000;
/// Fewest comparable items a list needs before its outliers are reported.
const MIN_COMPARABLE: u32 = 3;

/// The publication dates of one article page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageDates {
    /// `<meta name="PubDate">`.
    pub meta: Option<NaiveDate>,
    /// The labelled date shown on the page, with its label.
    pub label: Option<(String, NaiveDate)>,
    /// The date in the URL (TRS `t20260315_…`, `/20260315/`, Hanweb `/art/2026/3/15/`).
    pub url: Option<NaiveDate>,
}

/// The labelled publication date in visible `text`: the first of `labels`
/// standing as a label, or of `line_labels` on a line holding a `line_words`
/// word, followed by a date. `ac` finds both label lists (see
/// [`crate::rules::checks::Checks::pubdate_labels`]).
pub fn labelled(
    text: &str,
    p: &PubdateSection,
    ac: &aho_corasick::AhoCorasick,
) -> Option<(String, NaiveDate)> {
    for m in ac.find_iter(text) {
        let (start, end) = (m.start(), m.end());
        let label = text.get(start..end)?;
        let glued = text
            .get(..start)
            .and_then(|b| b.chars().next_back())
            .is_some_and(labels::is_han);
        if glued {
            continue;
        }
        if !p.labels.iter().any(|l| l == label) {
            let line = labels::line_at(text, start);
            if !p.line_words.iter().any(|w| line.contains(w.as_str())) {
                continue;
            }
        }
        if let Some(d) = labels::date_after(text, end) {
            return Some((label.to_string(), d));
        }
    }
    None
}

/// The dates of an article page, None for pages that are not articles (lists,
/// the homepage): the URL looks like an article or the page has an
/// `ArticleTitle` meta. `meta` is the page's meta tags.
pub fn read(
    view: &PageView,
    text: &str,
    c: &crate::rules::checks::Checks,
    homepage: bool,
    meta: &page::Meta,
) -> Option<PageDates> {
    if homepage || !is_article(view, meta) {
        return None;
    }
    Some(PageDates {
        meta: meta.pubdate,
        label: labelled(text, &c.pubdate, &c.pubdate_labels),
        url: dates::from_url(view.final_url.as_str()),
    })
}

/// Whether a page is an article: its URL looks like one, or it has an
/// `ArticleTitle` meta.
pub fn is_article(view: &PageView, meta: &page::Meta) -> bool {
    urls::looks_like_article(view.final_url) || meta.article_title.is_some()
}

fn days(a: NaiveDate, b: NaiveDate) -> i64 {
    (a - b).num_days()
}

fn finding(page: &str, element: &str, detail: String) -> Finding {
    Finding::new(FindingKind::DateMismatch, page, detail)
        .severity(Severity::Warning)
        .certainty(Certainty::Suspected)
        .element(element)
}

/// The findings (a)–(d) of one article page's dates.
pub fn check(page: &str, d: &PageDates, p: &PubdateSection, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    let disagree = i64::from(p.disagree_days);
    let newer = i64::from(p.newer_days);
    if let (Some(m), Some((l, ld))) = (d.meta, &d.label)
        && days(m, *ld).abs() > disagree
    {
        out.push(finding(
            page,
            &format!("meta PubDate / {l}"),
            format!(
                "PubDate meta {m} and 「{l}」 {ld} on the page differ by {} days",
                days(m, *ld).abs()
            ),
        ));
    }
    if let (Some(u), Some((l, ld))) = (d.url, &d.label) {
        // (b) against the URL only when no meta said it already (a).
        if d.meta.is_none() && days(*ld, u) > newer {
            out.push(finding(
                page,
                &format!("{l} / URL date"),
                format!(
                    "「{l}」 {ld} is {} days newer than the date in the page's URL {u} (re-dated to look current?)",
                    days(*ld, u)
                ),
            ));
        } else if days(u, *ld) > i64::from(p.older_than_url_days) {
            out.push(finding(
                page,
                &format!("{l} / URL date"),
                format!(
                    "「{l}」 {ld} is {} days older than the date in the page's URL {u}: the page did not exist then (more than {} days)",
                    days(u, *ld),
                    p.older_than_url_days
                ),
            ));
        }
    }
    let future: Vec<String> = [
        d.meta.map(|m| ("PubDate meta".to_string(), m)),
        d.label.as_ref().map(|(l, ld)| (format!("「{l}」"), *ld)),
        d.url.map(|u| ("URL date".to_string(), u)),
    ]
    .into_iter()
    .flatten()
    .filter(|(_, x)| days(*x, today) > i64::from(p.future_days))
    .map(|(what, x)| format!("{what} {x}"))
    .collect();
    if !future.is_empty() {
        out.push(finding(
            page,
            "future date",
            format!("after the audit date {today}: {}", future.join(", ")),
        ));
    }
    out
}

/// A list item's date as a full date: a month-day takes the year that puts it
/// nearest to `near` (the article's own date), else the latest such day not
/// after `today`.
fn list_date(d: PartialDate, near: Option<NaiveDate>, today: NaiveDate) -> Option<NaiveDate> {
    match (d, near) {
        (PartialDate::Full(x), _) => Some(x),
        (PartialDate::MonthDay { month, day }, Some(n)) => [n.year() - 1, n.year(), n.year() + 1]
            .into_iter()
            .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
            .min_by_key(|x| days(*x, n).abs()),
        (md, None) => md.resolve(None, today),
    }
}

/// A list item compared with its article.
#[derive(Debug, Clone)]
struct Entry {
    url: String,
    title: String,
    shown: PartialDate,
}

/// What one list page showed.
#[derive(Debug, Default)]
struct ListRec {
    page: String,
    /// Comparable items whose list date agrees with the page's own.
    agree: u32,
    /// Comparable items whose list date is newer (or in the future): (entry, CMS date, how).
    outliers: Vec<(Entry, Option<NaiveDate>, &'static str)>,
    /// Items waiting for their article's PubDate meta (URL without a date).
    deferred: Vec<Entry>,
}

/// List dates against their articles' own dates, across the pages of a run.
#[derive(Debug)]
pub struct ListDates {
    fp: Fingerprinter,
    /// PubDate meta of article pages whose URL has no date.
    meta: FingerprintMap<NaiveDate>,
    lists: Vec<ListRec>,
    deferred: usize,
    rules: PubdateSection,
}

impl ListDates {
    /// A tracker judging with these rules.
    pub fn new(rules: &PubdateSection) -> ListDates {
        ListDates {
            fp: Fingerprinter::new(),
            meta: FingerprintMap::default(),
            lists: Vec::new(),
            deferred: 0,
            rules: rules.clone(),
        }
    }

    /// Records an article page's PubDate meta (`url` is its URL as crawled).
    pub fn article(&mut self, url: &str, meta: NaiveDate) {
        self.meta.insert(self.fp.of(&urls::key(url)), meta);
    }

    /// Compares one item with its article's CMS date: None when unknown,
    /// else whether the list date agrees (and how it does not).
    fn compare(
        &self,
        e: &Entry,
        cms: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Option<Result<(), &'static str>> {
        let shown = list_date(e.shown, cms, today)?;
        if days(shown, today) > i64::from(self.rules.future_days) {
            return Some(Err("future"));
        }
        let cms = cms?;
        Some(if days(shown, cms) > i64::from(self.rules.newer_days) {
            Err("newer")
        } else {
            Ok(())
        })
    }

    /// Records the dated items of a list page seen on `today`; `own` says
    /// whether an item URL is one of the site's pages.
    pub fn list(
        &mut self,
        page: &str,
        items: &[ListItem],
        own: impl Fn(&str) -> bool,
        today: NaiveDate,
    ) {
        if !self.rules.enabled {
            return;
        }
        let mut rec = ListRec {
            page: page.to_string(),
            ..Default::default()
        };
        for it in items {
            let Some(shown) = it.date else { continue };
            if !own(&it.url) {
                continue;
            }
            let e = Entry {
                url: it.url.clone(),
                title: it.title.clone(),
                shown,
            };
            match dates::from_url(&it.url) {
                Some(u) => match self.compare(&e, Some(u), today) {
                    Some(Ok(())) => rec.agree += 1,
                    Some(Err(how)) => rec.outliers.push((e, Some(u), how)),
                    None => {}
                },
                None if self.deferred < MAX_DEFERRED => {
                    self.deferred += 1;
                    rec.deferred.push(e);
                }
                None => {}
            }
        }
        if rec.agree > 0 || !rec.outliers.is_empty() || !rec.deferred.is_empty() {
            self.lists.push(rec);
        }
    }

    /// The findings as of `today`: outliers of every list whose comparable
    /// items mostly agree.
    pub fn finish(mut self, today: NaiveDate) -> Vec<Finding> {
        let mut out = Vec::new();
        let lists = std::mem::take(&mut self.lists);
        for mut rec in lists {
            for e in std::mem::take(&mut rec.deferred) {
                let cms = self.meta.get(&self.fp.of(&urls::key(&e.url))).copied();
                match self.compare(&e, cms, today) {
                    Some(Ok(())) => rec.agree += 1,
                    Some(Err(how)) => rec.outliers.push((e, cms, how)),
                    None => {}
                }
            }
            let comparable = rec.agree + rec.outliers.len() as u32;
            if comparable < MIN_COMPARABLE || rec.agree * 4 < comparable * 3 {
                continue;
            }
            for (e, cms, how) in rec.outliers {
                let Some(shown) = list_date(e.shown, cms, today) else {
                    continue;
                };
                let detail = match (how, cms) {
                    ("newer", Some(c)) => format!(
                        "the list shows {shown}, {} days newer than the page's own date {c} (re-dated to look current?)",
                        days(shown, c)
                    ),
                    _ => format!("the list shows {shown}, after the audit date {today}"),
                };
                out.push(
                    finding(&rec.page, "list date", detail)
                        .target(e.url)
                        .text(e.title),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn p() -> PubdateSection {
        PubdateSection::default()
    }
    fn dates(meta: Option<&str>, label: Option<&str>, url: Option<&str>) -> PageDates {
        PageDates {
            meta: meta.map(d),
            label: label.map(|l| ("发布日期".to_string(), d(l))),
            url: url.map(d),
        }
    }
    fn elements(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.element.as_str()).collect()
    }
    const TODAY: &str = "2026-05-01";

    #[test]
    fn agreeing_dates_are_quiet() {
        let today = d(TODAY);
        for pd in [
            dates(Some("2026-03-15"), Some("2026-03-15"), Some("2026-03-15")),
            // One day apart (time zones, late-night publishing).
            dates(Some("2026-03-15"), Some("2026-03-16"), Some("2026-03-15")),
            // Labelled date before the URL's, within 30 days (成文 vs 发布).
            dates(None, Some("2026-02-20"), Some("2026-03-15")),
            dates(None, None, Some("2026-03-15")),
            dates(Some("2026-03-15"), None, None),
        ] {
            assert!(check("p", &pd, &p(), today).is_empty(), "{pd:?}");
        }
    }

    #[test]
    fn each_disagreement_is_named() {
        let today = d(TODAY);
        let f = check(
            "p",
            &dates(Some("2026-03-15"), Some("2026-03-02"), None),
            &p(),
            today,
        );
        assert_eq!(elements(&f), ["meta PubDate / 发布日期"]);
        assert!(f[0].detail.contains("13 days"), "{}", f[0].detail);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].certainty, Certainty::Suspected);
        let f = check(
            "p",
            &dates(None, Some("2026-04-20"), Some("2026-03-15")),
            &p(),
            today,
        );
        assert_eq!(elements(&f), ["发布日期 / URL date"]);
        assert!(f[0].detail.contains("newer"), "{}", f[0].detail);
        let f = check(
            "p",
            &dates(None, Some("2025-12-01"), Some("2026-03-15")),
            &p(),
            today,
        );
        assert_eq!(elements(&f), ["发布日期 / URL date"]);
        assert!(f[0].detail.contains("older"), "{}", f[0].detail);
        let f = check(
            "p",
            &dates(Some("2026-06-20"), Some("2026-06-20"), None),
            &p(),
            today,
        );
        assert_eq!(elements(&f), ["future date"]);
        // Tomorrow is within the grace day.
        let f = check("p", &dates(Some("2026-05-02"), None, None), &p(), today);
        assert!(f.is_empty());
    }

    fn item(url: &str, date: &str) -> ListItem {
        ListItem {
            title: format!("标题 {url}"),
            url: url.to_string(),
            date: dates::parse_exact(date),
        }
    }

    #[test]
    fn list_outliers_only_where_most_items_agree() {
        let mut t = ListDates::new(&p());
        let u = |n: &str| format!("https://www.a.gov.cn/tzgg/202603/t202603{n}_1.html");
        t.list(
            "https://www.a.gov.cn/tzgg/",
            &[
                item(&u("10"), "2026-03-10"),
                // The list shows the document's own, older date: not a finding.
                item(&u("12"), "2026-03-05"),
                item(&u("14"), "[03-14]"),
                // Re-dated: the list says April, the page was made 2026-03-16.
                item(&u("16"), "2026-04-20"),
            ],
            |_| true,
            d(TODAY),
        );
        // A list of deadlines: every date newer than its page.
        t.list(
            "https://www.a.gov.cn/zj/",
            &[
                item(&u("01"), "2026-04-01"),
                item(&u("02"), "2026-04-02"),
                item(&u("03"), "2026-04-03"),
                item(&u("04"), "2026-03-04"),
            ],
            |_| true,
            d(TODAY),
        );
        let f = t.finish(d(TODAY));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].page_url, "https://www.a.gov.cn/tzgg/");
        assert_eq!(f[0].target_url, u("16"));
        assert_eq!(f[0].element, "list date");
        assert!(f[0].detail.contains("35 days newer"), "{}", f[0].detail);
    }

    #[test]
    fn month_day_dates_take_the_year_nearest_the_page() {
        let n = d("2026-01-02");
        let md = PartialDate::MonthDay { month: 12, day: 30 };
        assert_eq!(list_date(md, Some(n), d(TODAY)), Some(d("2025-12-30")));
    }

    #[test]
    fn pages_without_url_dates_are_compared_with_their_meta() {
        let mut t = ListDates::new(&p());
        let u = |n: u32| format!("https://www.a.gov.cn/gkmlpt/content/post_{n}.html");
        t.list(
            "https://www.a.gov.cn/gkmlpt/",
            &[
                item(&u(1), "2026-03-01"),
                item(&u(2), "2026-03-02"),
                item(&u(3), "2026-03-03"),
                item(&u(4), "2026-04-28"),
                // Never crawled: not compared.
                item(&u(5), "2026-04-29"),
            ],
            |_| true,
            d(TODAY),
        );
        for n in 1..=4 {
            t.article(&u(n), d(&format!("2026-03-0{n}")));
        }
        let f = t.finish(d(TODAY));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].target_url, u(4));
    }
}
