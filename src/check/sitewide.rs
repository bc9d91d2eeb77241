//! Checks judged across pages at the end of a run: list dates against their
//! articles' own dates ([`super::pubdate::ListDates`]), message boards
//! ([`super::interaction::Boards`]) and the guides of a required column
//! ([`super::guide`]).
//!
//! Stage: check. Each page task hands back small [`PageFacts`] with its
//! [`PageData`](crate::crawl::job::PageData); the crawl coordinator feeds them
//! (and the list items of the column observation, and the links it sees) to
//! one [`Sitewide`], and the run judges it after the columns
//! ([`Sitewide::finish`]). What is kept per page is a few bytes (a date, a
//! guide mask) except on message-board pages.

use super::PageView;
use super::columns::{ColumnTracker, ListItem, page, urls};
use super::content::text::Walk;
use super::interaction::{Board, Boards};
use super::pubdate::ListDates;
use super::{guide, interaction, pubdate};
use crate::finding::Finding;
use crate::fingerprint::{FingerprintMap, Fingerprinter};
use crate::rules::Rules;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a page task found for the end-of-run checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFacts {
    /// `<meta name="PubDate">` of an article whose URL carries no date (list
    /// dates of those articles are compared with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pubdate_meta: Option<NaiveDate>,
    /// The page's message board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<Board>,
    /// Guide elements an article shows (bit i: `[guide].elements[i]`), when
    /// the rules name a guide column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<u32>,
    /// The name its `<title>` gives it (before ` _ | -`), when that names a
    /// consultation channel: the page of a channel reached by a link without
    /// text (a banner image, a CSS background).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_page: Option<String>,
    /// The homepage's first own script that may write its navigation
    /// (`[interaction] nav_script_pattern`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nav_script: Option<String>,
}

impl PageFacts {
    /// Whether there is nothing to keep.
    pub fn is_empty(&self) -> bool {
        self.pubdate_meta.is_none()
            && self.board.is_none()
            && self.guide.is_none()
            && self.channel_page.is_none()
            && self.nav_script.is_none()
    }
}

static H1: std::sync::LazyLock<scraper::Selector> =
    std::sync::LazyLock::new(|| crate::patterns::selector("h1"));
static SCRIPT_SRC: std::sync::LazyLock<scraper::Selector> =
    std::sync::LazyLock::new(|| crate::patterns::selector("script[src]"));

/// The first own script of the page whose path matches `[interaction]
/// nav_script_pattern` (a script that may write the navigation).
fn nav_script(view: &PageView, rules: &Rules) -> Option<String> {
    let patterns = &rules.checks.interaction.nav_script_patterns;
    view.doc.select(&SCRIPT_SRC).take(200).find_map(|s| {
        let url = view.final_url.join(s.value().attr("src")?.trim()).ok()?;
        (crate::crawl::task::is_own(rules, &url)
            && patterns.iter().any(|re| re.is_match(url.path())))
        .then(|| url.to_string())
    })
}

/// The page checks of issue 16 on one page: the findings made on the page
/// itself (its dates, a guide matched by URL pattern) and the facts kept for
/// the end of the run. `homepage`: the page is the site's homepage.
pub fn on_page(
    view: &PageView,
    rules: &Rules,
    today: NaiveDate,
    walk: &Walk,
    homepage: bool,
) -> (Vec<Finding>, PageFacts) {
    let c = &rules.checks;
    let mut out = Vec::new();
    let mut facts = PageFacts::default();
    let meta = head_meta(view.doc);
    let page_url = view.final_url.as_str();
    if c.pubdate.enabled
        && let Some(d) = pubdate::read(view, &walk.text, c, homepage, &meta)
    {
        out.extend(pubdate::check(page_url, &d, &c.pubdate, today));
        if d.url.is_none() {
            facts.pubdate_meta = d.meta;
        }
    }
    if c.guide.active() && !homepage {
        let g = &c.guide.section;
        let by_pattern = c.guide.url_patterns.iter().any(|re| re.is_match(page_url));
        let by_column = !g.column.trim().is_empty() && pubdate::is_article(view, &meta);
        if by_pattern || by_column {
            let mask = guide::shown(&walk.text, &g.elements)
                .judged(g.elements.len(), guide::links_document(view.doc));
            if by_pattern {
                let missing = guide::missing(mask, &g.elements);
                let h1 = view
                    .doc
                    .select(&H1)
                    .next()
                    .map(|h| page::collapse(&h.text().collect::<String>()))
                    .filter(|t| !t.is_empty());
                let title = meta
                    .article_title
                    .clone()
                    .or(h1)
                    .or_else(|| walk.title.clone())
                    .unwrap_or_default();
                let title = page::cap_chars(&title, 100);
                let error_at = rules.checks.guide.section.min_missing;
                out.extend(guide::finding(
                    page_url,
                    &title,
                    &missing,
                    g.elements.len(),
                    error_at,
                ));
            } else {
                facts.guide = Some(mask);
            }
        }
    }
    facts.board = interaction::read(view, &walk.text, walk.title.as_deref(), &c.interaction);
    if c.interaction.section.enabled && homepage {
        facts.nav_script = nav_script(view, rules);
    }
    if c.interaction.section.enabled && !homepage {
        facts.channel_page = walk
            .title
            .as_deref()
            .and_then(|t| t.split(['_', '|', '-', '—', '–']).next())
            .map(str::trim)
            .filter(|n| !n.is_empty() && c.interaction.is_entry(page_url, n))
            .map(|n| page::cap_chars(n, 60));
    }
    (out, facts)
}

/// The `ColumnName`, `PubDate` and `ArticleTitle` metas of the page's
/// `<head>` (read without walking the body).
fn head_meta(doc: &scraper::Html) -> page::Meta {
    let mut m = page::Meta::default();
    let head = doc
        .root_element()
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .find(|e| e.value().name() == "head");
    let Some(head) = head else {
        return page::meta(doc);
    };
    for e in head.children().filter_map(scraper::ElementRef::wrap) {
        let v = e.value();
        if v.name() != "meta" {
            continue;
        }
        let (Some(name), Some(content)) = (v.attr("name"), v.attr("content")) else {
            continue;
        };
        let name = name.trim();
        let content = page::collapse(content);
        if content.is_empty() {
            continue;
        }
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if is("columnname") && m.column_name.is_none() {
            m.column_name = Some(page::cap_chars(&content, 60));
        } else if (is("pubdate") || is("publishdate")) && m.pubdate.is_none() {
            m.pubdate = super::dates::find_full(&content);
        } else if is("articletitle") && m.article_title.is_none() {
            m.article_title = Some(page::cap_chars(&content, 200));
        }
    }
    m
}

/// The counters the national vetoes read from these checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SitewideOutcome {
    /// Every finding, in a stable order.
    pub findings: Vec<Finding>,
    /// Message-board pages of the kept channels that were read.
    pub board_pages: usize,
    /// Messages of the kept channels asked within the window.
    pub messages_in_window: usize,
    /// The consultation channels seen (None: the check is off).
    pub channels: Option<crate::report::summary::ReplyChannels>,
}

/// The state of the end-of-run checks during a crawl.
#[derive(Debug)]
pub struct Sitewide {
    today: NaiveDate,
    dates: ListDates,
    boards: Boards,
    fp: Fingerprinter,
    guides: FingerprintMap<u32>,
    nav_script: Option<String>,
}

impl Sitewide {
    /// For a run of `rules` (dated by [`set_today`](Self::set_today)).
    pub fn new(rules: &Rules) -> Sitewide {
        Sitewide {
            today: chrono::Local::now().date_naive(),
            dates: ListDates::new(&rules.checks.pubdate),
            boards: Boards::default(),
            fp: Fingerprinter::new(),
            guides: FingerprintMap::default(),
            nav_script: None,
        }
    }

    /// The audit date, for list dates without a year.
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
    }

    /// Takes in what the page at `url` yielded: its facts and its list items
    /// (the column observation's); `own` says whether a URL is the site's.
    pub fn page(
        &mut self,
        url: &str,
        facts: PageFacts,
        items: &[ListItem],
        own: impl Fn(&str) -> bool,
    ) {
        if let Some(d) = facts.pubdate_meta {
            self.dates.article(url, d);
        }
        if !items.is_empty() {
            self.dates.list(url, items, own, self.today);
        }
        if let Some(b) = facts.board {
            self.boards.record(url, b);
        }
        if let Some(name) = facts.channel_page {
            self.boards.channel_page(url, &name);
        }
        if facts.nav_script.is_some() && self.nav_script.is_none() {
            self.nav_script = facts.nav_script;
        }
        if let Some(mask) = facts.guide {
            self.guides.insert(self.fp.of(&urls::key(url)), mask);
        }
    }

    /// Takes in a link the crawl saw on `page` (channel entries by link
    /// text or URL, wherever they lead).
    pub fn link(&mut self, page: &str, target: &str, text: &str, rules: &Rules) {
        self.boards
            .link(page, target, text, &rules.checks.interaction);
    }

    /// Judges everything; `columns` is the finished column tracker (the
    /// guide column's items come from it).
    pub fn finish(
        self,
        rules: &Rules,
        today: NaiveDate,
        columns: &ColumnTracker,
    ) -> SitewideOutcome {
        let mut findings = self.dates.finish(today);
        let mut boards = self.boards.finish(&rules.checks.interaction, today);
        boards.channels.nav_script = self.nav_script;
        findings.extend(boards.findings);
        let g = &rules.checks.guide;
        if g.active() && !g.section.column.trim().is_empty() {
            let elements = &g.section.elements;
            let error_at = rules.checks.guide.section.min_missing;
            for it in columns.items_of_column(rules, g.section.column.trim(), today) {
                let Some(mask) = self.guides.get(&self.fp.of(&urls::key(&it.url))) else {
                    continue;
                };
                let missing = super::guide::missing(*mask, elements);
                if let Some(f) =
                    super::guide::finding(&it.url, &it.title, &missing, elements.len(), error_at)
                {
                    findings.push(f.column(g.section.column.trim()));
                }
            }
        }
        SitewideOutcome {
            findings,
            board_pages: boards.pages_read,
            messages_in_window: boards.in_window,
            channels: rules
                .checks
                .interaction
                .section
                .enabled
                .then_some(boards.channels),
        }
    }
}
