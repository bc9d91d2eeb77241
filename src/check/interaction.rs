//! 互动回应差 (`reply_overdue`): message boards (留言 / 信箱 / 咨询) read from
//! their pages, judged at the end of the run (`[interaction]` of the rules).
//!
//! On one page, [`read`] finds the messages of the layouts common to TRS,
//! Hanweb and 开普云 boards: a list with a header row (标题 / 留言时间 / 回复时间
//! / 状态 cells of a `<tr>`, `<li>` or `<div>` row) and its data rows; list
//! rows without a header that carry a status word (`[未回复]`) and a date; and
//! detail pages with labelled dates (来信时间：… 答复时间：…, or the dates in
//! the cells after those labels) and a status or reply text. A page whose
//! title, breadcrumb or `ColumnName` names an excluded channel (在线访谈,
//! 调查征集, 举报投诉 …) is marked as such.
//!
//! At the end, [`Boards::finish`] merges a list row with its detail page (the
//! detail's dates win), keeps the channels of the rules (or every board when
//! the rules name none), and reports each message asked within the window that
//! was answered, or is still unanswered, more than `overdue_months` after it
//! was asked. A message without a reply date whose status is unknown is never
//! reported.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::columns::page::{self, cap_chars, collapse};
use super::columns::urls;
use super::{PageView, dates, labels};
use crate::finding::{Certainty, Finding, FindingKind, Severity};
use crate::report::summary::{ChannelEntry, MAX_CHANNEL_EXAMPLES, ReplyChannels};
use crate::rules::checks::{InteractionRules, InteractionSection};
use chrono::{Months, NaiveDate};
use scraper::{ElementRef, Html, Node, Selector};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use url::Url;

/// Most messages kept from one page.
const MAX_PER_PAGE: usize = 500;
/// Most messages kept in a run.
const MAX_MESSAGES: usize = 50_000;
/// Most elements examined for a header row.
const MAX_ELEMENTS: usize = 20_000;
/// Most distinct channel entries counted in a run.
const MAX_ENTRIES: usize = 10_000;

/// What a message's status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum State {
    /// Nothing says.
    #[default]
    Unknown,
    /// 已回复, 已办结 ….
    Answered,
    /// 未回复, 处理中 ….
    Pending,
}

/// One message as a page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Its detail page (absolute URL); None when it is the page itself or has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its title.
    pub title: String,
    /// When it was asked.
    pub asked: Option<NaiveDate>,
    /// When it was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied: Option<NaiveDate>,
    /// What its status says.
    pub state: State,
}

/// The messages of one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// Messages in page order.
    pub messages: Vec<Message>,
    /// The page is a detail page (its messages are its own, not list rows).
    pub detail: bool,
    /// The excluded channel word its title, breadcrumb or ColumnName holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
    /// Its title, breadcrumb or ColumnName names a consultation channel
    /// (`channel_words`): read even when the rules name no channel.
    #[serde(default)]
    pub channel: bool,
}

/// Label text of a cell: whitespace, colons and brackets removed.
fn cell_label(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !"：:[]【】()（）".contains(*c))
        .collect()
}

/// The status a text shows (pending words first: 未办结 before 办结).
pub fn state_of(text: &str, s: &InteractionSection) -> State {
    let t: String = text.split_whitespace().collect();
    if s.pending.iter().any(|w| t.contains(w.as_str())) {
        State::Pending
    } else if s.answered.iter().any(|w| t.contains(w.as_str())) {
        State::Answered
    } else {
        State::Unknown
    }
}

/// Which column of a header row holds what.
#[derive(Debug, Default)]
struct Columns {
    title: Option<usize>,
    asked: Option<usize>,
    replied: Option<usize>,
    status: Option<usize>,
}

fn header(cells: &[String], s: &InteractionSection) -> Option<Columns> {
    let find = |labels: &[String]| {
        cells
            .iter()
            .position(|c| labels.iter().any(|l| cell_label(l) == *c))
    };
    let cols = Columns {
        title: find(&s.title_labels),
        asked: find(&s.asked_labels),
        replied: find(&s.reply_labels),
        status: find(&s.status_labels),
    };
    (cols.asked.is_some() && (cols.replied.is_some() || cols.status.is_some())).then_some(cols)
}

/// A constant selector (exercised by every test of this module).
#[allow(clippy::expect_used)]
fn sel(p: &str) -> Selector {
    Selector::parse(p).expect("constant selector")
}

static LINK: LazyLock<Selector> = LazyLock::new(|| sel("a[href]"));

fn element_children(e: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    e.children().filter_map(ElementRef::wrap).collect()
}

fn text_of(e: ElementRef<'_>) -> String {
    collapse(&e.text().collect::<String>())
}

/// The first link of a row: (title, absolute URL).
fn row_link(row: ElementRef<'_>, base: &Url) -> Option<(String, Option<String>)> {
    let a = row.select(&LINK).next()?;
    let title = a
        .value()
        .attr("title")
        .map(collapse)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| text_of(a));
    let url = a
        .value()
        .attr("href")
        .and_then(|h| base.join(h.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string());
    Some((cap_chars(&title, 100), url))
}

/// The data rows after a header row: its following siblings of the same tag,
/// and for a `<tr>` in a `<thead>`, the rows of the table's bodies.
fn data_rows(h: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    let tag = h.value().name();
    let mut rows: Vec<ElementRef<'_>> = h
        .next_siblings()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == tag)
        .collect();
    if rows.is_empty()
        && tag == "tr"
        && let Some(head) = h.parent().and_then(ElementRef::wrap)
        && head.value().name() == "thead"
    {
        for body in head.next_siblings().filter_map(ElementRef::wrap) {
            rows.extend(
                element_children(body)
                    .into_iter()
                    .filter(|e| e.value().name() == "tr"),
            );
        }
    }
    rows
}

/// Messages of header-row lists.
fn header_lists(doc: &Html, base: &Url, s: &InteractionSection) -> Vec<Message> {
    let mut out = Vec::new();
    for n in doc.tree.root().descendants().take(MAX_ELEMENTS) {
        let Some(h) = ElementRef::wrap(n) else {
            continue;
        };
        let cells = element_children(h);
        if !(2..=12).contains(&cells.len()) {
            continue;
        }
        let labels: Vec<String> = cells.iter().map(|c| cell_label(&text_of(*c))).collect();
        if labels.iter().any(|l| l.chars().count() > 8) {
            continue;
        }
        let Some(cols) = header(&labels, s) else {
            continue;
        };
        for row in data_rows(h) {
            let cells = element_children(row);
            let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(|c| text_of(*c));
            let asked = cell(cols.asked).and_then(|t| dates::find_full(&t));
            let replied = cell(cols.replied).and_then(|t| dates::find_full(&t));
            let (title, url) = match cols.title.and_then(|i| cells.get(i)) {
                Some(c) => row_link(*c, base).unwrap_or_else(|| (text_of(*c), None)),
                None => row_link(row, base).unwrap_or_default(),
            };
            if asked.is_none() && title.is_empty() {
                continue;
            }
            let mut state = cell(cols.status).map_or(State::Unknown, |t| state_of(&t, s));
            if replied.is_some() {
                state = State::Answered;
            }
            out.push(Message {
                url,
                title,
                asked,
                replied,
                state,
            });
            if out.len() >= MAX_PER_PAGE {
                return out;
            }
        }
    }
    out
}

/// Messages of list rows without a header: a `<li>`, `<tr>` or `<dd>` with a
/// link, a cell that is only a status word, and a date.
fn status_rows(doc: &Html, base: &Url, s: &InteractionSection) -> Vec<Message> {
    static ROWS: LazyLock<Selector> = LazyLock::new(|| sel("li, tr, dd"));
    let mut out = Vec::new();
    for row in doc.select(&ROWS).take(MAX_ELEMENTS) {
        // Innermost rows only.
        if row.select(&ROWS).nth(1).is_some() {
            continue;
        }
        let mut state = State::Unknown;
        for c in row.descendants().filter_map(ElementRef::wrap) {
            if c.value().name() == "a" {
                continue;
            }
            let t = cell_label(&text_of(c));
            if t.chars().count() <= 6 {
                let words = s.pending.iter().chain(s.answered.iter());
                if words.clone().any(|w| *w == t) {
                    state = state_of(&t, s);
                    break;
                }
            }
        }
        if state == State::Unknown {
            continue;
        }
        let Some((title, url)) = row_link(row, base) else {
            continue;
        };
        let text: String = row
            .descendants()
            .filter_map(|n| match n.value() {
                Node::Text(t)
                    if !n
                        .ancestors()
                        .any(|a| ElementRef::wrap(a).is_some_and(|a| a.value().name() == "a")) =>
                {
                    Some(&**t)
                }
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ");
        let asked = dates::find_full(&text);
        out.push(Message {
            url,
            title,
            asked,
            replied: None,
            state,
        });
        if out.len() >= MAX_PER_PAGE {
            break;
        }
    }
    out
}

/// The first labelled date of `labels` in `text[from..to]`, with its offset.
fn labelled_date(text: &str, ls: &[String], from: usize, to: usize) -> Option<(usize, NaiveDate)> {
    ls.iter()
        .filter_map(|l| {
            labels::occurrences(text, l)
                .filter(|(st, _)| (from..to).contains(st))
                .find_map(|(st, en)| labels::date_after(text, en).map(|d| (st, d)))
        })
        .min_by_key(|(st, _)| *st)
}

/// Most characters of a reply-text value read as a placeholder (暂未回复,
/// 待答复 …); a longer value is the reply itself.
const MAX_PLACEHOLDER: usize = 8;

/// The state the labelled status or reply text in `text[from..to]` shows.
///
/// A status value is read by its words. A reply-text value is a placeholder
/// only when it is short (暂未回复); a longer one is a written reply, whatever
/// words it opens with (您反映的问题已受理并转交…, 正在办理中的事项已…): answered.
fn labelled_state(text: &str, s: &InteractionSection, from: usize, to: usize) -> State {
    let values = |ls: &'_ [String]| -> Vec<String> {
        ls.iter()
            .flat_map(|l| labels::occurrences(text, l))
            .filter(|(st, _)| (from..to).contains(st))
            .map(|(_, en)| labels::value_after(text, en, 2).to_string())
            .collect()
    };
    for v in values(&s.status_labels) {
        let v: String = v.chars().take(20).collect();
        match state_of(&v, s) {
            State::Unknown => {}
            x => return x,
        }
    }
    for v in values(&s.reply_text_labels) {
        let bare = cell_label(&v);
        if bare.chars().count() <= MAX_PLACEHOLDER {
            match state_of(&bare, s) {
                State::Unknown => {}
                x => return x,
            }
        } else {
            return State::Answered;
        }
    }
    State::Unknown
}

/// Messages of detail pages: each asked-date label starts a message, up to
/// the next one.
fn detail_blocks(text: &str, title: &str, s: &InteractionSection) -> Vec<Message> {
    let mut starts: Vec<(usize, NaiveDate)> = Vec::new();
    for l in &s.asked_labels {
        for (st, en) in labels::occurrences(text, l) {
            if let Some(d) = labels::date_after(text, en) {
                starts.push((st, d));
            }
        }
    }
    starts.sort_by_key(|(st, _)| *st);
    starts.dedup_by_key(|(st, _)| *st);
    let mut out = Vec::new();
    let many = starts.len() > 1;
    for (i, &(st, asked)) in starts.iter().enumerate().take(MAX_PER_PAGE) {
        let end = starts.get(i + 1).map_or(text.len(), |(n, _)| *n);
        let replied = labelled_date(text, &s.reply_labels, st, end).map(|(_, d)| d);
        let state = if replied.is_some() {
            State::Answered
        } else {
            labelled_state(text, s, st, end)
        };
        let title = if many {
            // The line before the block names it.
            let before = text.get(..st).unwrap_or("");
            let line = before.trim_end().rsplit('\n').next().unwrap_or("").trim();
            cap_chars(line, 100)
        } else {
            title.to_string()
        };
        out.push(Message {
            url: None,
            title,
            asked: Some(asked),
            replied,
            state,
        });
    }
    out
}

/// The message board of one page, if it has one. `text` is the page's
/// visible text, `title` its `<title>`.
pub fn read(
    view: &PageView,
    text: &str,
    title: Option<&str>,
    r: &InteractionRules,
) -> Option<Board> {
    let s = &r.section;
    if !s.enabled || !r.asked.is_match(text) {
        return None;
    }
    let base = view.final_url;
    let mut messages = header_lists(view.doc, base, s);
    let mut detail = false;
    if messages.is_empty() {
        messages = status_rows(view.doc, base, s);
    }
    if messages.is_empty() {
        static H1: LazyLock<Selector> = LazyLock::new(|| sel("h1"));
        let h1 = view
            .doc
            .select(&H1)
            .next()
            .map(text_of)
            .filter(|t| !t.is_empty());
        let t = h1
            .or(page::meta(view.doc).article_title)
            .or_else(|| title.map(str::to_string))
            .map(|t| cap_chars(&t, 100))
            .unwrap_or_default();
        messages = detail_blocks(text, &t, s);
        detail = messages.len() == 1;
    }
    if messages.is_empty() {
        return None;
    }
    let meta = page::meta(view.doc);
    let crumbs = page::breadcrumb(view.doc).join(" ");
    let names = [
        title.unwrap_or(""),
        crumbs.as_str(),
        meta.column_name.as_deref().unwrap_or(""),
    ];
    let excluded = s
        .exclude
        .iter()
        .find(|w| names.iter().any(|n| n.contains(w.as_str())))
        .cloned();
    let channel = s
        .channel_words
        .iter()
        .any(|w| names.iter().any(|n| n.contains(w.as_str())));
    Some(Board {
        messages,
        detail,
        excluded,
        channel,
    })
}

/// A message as merged from its list rows and detail page.
#[derive(Debug, Default, Clone)]
struct Merged {
    page: String,
    title: String,
    asked: Option<NaiveDate>,
    replied: Option<NaiveDate>,
    state: State,
    /// Seen on a page of a kept channel.
    kept: bool,
    /// Seen on an excluded channel's page.
    excluded: bool,
    /// Its dates come from its detail page.
    from_detail: bool,
    /// The status its detail page shows, when it shows one.
    detail_state: Option<State>,
    /// Its list rows show different statuses.
    conflict: bool,
}

/// The boards of a run, judged at the end.
#[derive(Debug, Default)]
pub struct Boards {
    /// (page URL, board) in crawl order.
    pages: Vec<(String, Board)>,
    /// Folders of the pages the rules' channel link texts lead to.
    entries: HashSet<String>,
    messages: usize,
    /// Targets of the channel entries seen (links to a consultation channel).
    channel_targets: HashSet<String>,
    /// The first of them, in crawl order.
    channel_examples: Vec<ChannelEntry>,
}

/// The folder of a URL (scheme, host, path up to its last `/`), as a prefix.
fn folder(u: &str) -> Option<String> {
    let url = Url::parse(u).ok()?;
    let path = url.path();
    let dir = path.get(..path.rfind('/')? + 1)?;
    Some(format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str()?.to_ascii_lowercase(),
        match url.port() {
            Some(p) => format!(":{p}{dir}"),
            None => dir.to_string(),
        }
    ))
}

fn starts_with_folder(u: &str, entries: &HashSet<String>) -> bool {
    let Some(f) = folder(u) else { return false };
    entries.iter().any(|e| f.starts_with(e.as_str()))
}

/// What the end of a run says about the boards.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BoardsOutcome {
    /// Overdue messages (one finding each).
    pub findings: Vec<Finding>,
    /// Board pages of kept channels that were read.
    pub pages_read: usize,
    /// Messages of kept channels asked within the window.
    pub in_window: usize,
    /// The channel entries seen and what was looked for.
    pub channels: ReplyChannels,
}

impl Boards {
    /// Records a page's board.
    pub fn record(&mut self, page: &str, board: Board) {
        if self.messages >= MAX_MESSAGES {
            return;
        }
        self.messages += board.messages.len();
        self.pages.push((page.to_string(), board));
    }

    /// Records a link on `page`: a channel entry ([`InteractionRules::is_entry`])
    /// is counted, wherever it leads; a text of the rules' `link_text` makes
    /// its target's folder a channel.
    pub fn link(&mut self, page: &str, target: &str, text: &str, r: &InteractionRules) {
        if !r.section.enabled || !r.is_entry(target, text) {
            return;
        }
        self.entry(target, text, page);
        let t: String = text.split_whitespace().collect();
        if r.link_texts.contains(&t)
            && let Some(f) = folder(target)
        {
            self.entries.insert(f);
        }
    }

    /// Records a crawled page whose title names a consultation channel
    /// (`name`): a channel entry, whatever linked to it.
    pub fn channel_page(&mut self, url: &str, name: &str) {
        self.entry(url, name, "");
    }

    /// Counts a channel entry once per target, keeping the first few.
    fn entry(&mut self, target: &str, text: &str, page: &str) {
        if self.channel_targets.len() < MAX_ENTRIES
            && self.channel_targets.insert(urls::key(target))
            && self.channel_examples.len() < MAX_CHANNEL_EXAMPLES
        {
            self.channel_examples.push(ChannelEntry {
                url: target.to_string(),
                text: cap_chars(&collapse(text), 60),
                page: page.to_string(),
            });
        }
    }

    /// Judges every message as of `today`.
    pub fn finish(self, r: &InteractionRules, today: NaiveDate) -> BoardsOutcome {
        let s = &r.section;
        // A page of a channel: named by the rules, or (when they name none)
        // by its own title, breadcrumb or ColumnName.
        let named = |u: &str| {
            r.url_patterns.iter().any(|re| re.is_match(u)) || starts_with_folder(u, &self.entries)
        };
        let channel = |u: &str, b: &Board| {
            if r.configured() { named(u) } else { b.channel }
        };
        let mut merged: HashMap<String, Merged> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut pages_read = 0;
        for (page, board) in &self.pages {
            let page_kept = channel(page, board) && board.excluded.is_none();
            pages_read += usize::from(page_kept);
            for (i, m) in board.messages.iter().enumerate() {
                let (key, url) = match (&m.url, board.detail) {
                    (_, true) => (urls::key(page), page.clone()),
                    (Some(u), false) => (urls::key(u), u.clone()),
                    (None, false) => (format!("{}#{i}", urls::key(page)), page.clone()),
                };
                let e = merged.entry(key.clone()).or_insert_with(|| {
                    order.push(key.clone());
                    Merged {
                        page: url.clone(),
                        ..Default::default()
                    }
                });
                // A row's detail page named by the rules is a channel page too.
                let kept = page_kept
                    || (r.configured()
                        && m.url.is_some()
                        && named(&url)
                        && board.excluded.is_none());
                e.kept |= kept;
                e.excluded |= board.excluded.is_some();
                // A list row's title wins over a detail page's heading.
                if !m.title.is_empty() && (e.title.is_empty() || (!board.detail && e.from_detail)) {
                    e.title = m.title.clone();
                }
                if board.detail || !e.from_detail {
                    if board.detail {
                        e.from_detail = true;
                        e.asked = m.asked.or(e.asked);
                        e.replied = m.replied.or(e.replied);
                    } else {
                        e.asked = e.asked.or(m.asked);
                        e.replied = e.replied.or(m.replied);
                    }
                }
                // The detail page's status wins; list rows that disagree
                // (处理中 on one, 已办结 on another) leave it unknown.
                if board.detail && m.state != State::Unknown {
                    e.detail_state = Some(m.state);
                } else if !board.detail && !e.conflict {
                    e.state = match (e.state, m.state) {
                        (State::Unknown, x) | (x, State::Unknown) => x,
                        (a, b) if a == b => a,
                        _ => {
                            e.conflict = true;
                            State::Unknown
                        }
                    };
                }
            }
        }
        let from = today
            .checked_sub_months(Months::new(s.window_months))
            .unwrap_or(NaiveDate::MIN);
        let (looked_for_text, looked_for_url) = r.looked_for();
        let mut out = BoardsOutcome {
            pages_read,
            channels: ReplyChannels {
                entries: self.channel_targets.len(),
                examples: self.channel_examples,
                board_pages: pages_read,
                looked_for_text,
                looked_for_url,
                nav_script: None,
            },
            ..Default::default()
        };
        for key in order {
            let Some(m) = merged.remove(&key) else {
                continue;
            };
            if !m.kept || m.excluded {
                continue;
            }
            let Some(asked) = m.asked.filter(|a| *a >= from && *a <= today) else {
                continue;
            };
            out.in_window += 1;
            let Some(deadline) = asked.checked_add_months(Months::new(s.overdue_months)) else {
                continue;
            };
            let state = m.detail_state.unwrap_or(m.state);
            let detail = match (m.replied, state) {
                (Some(r), _) if r > deadline => format!(
                    "asked {asked}, answered {r}: {} days, more than {} months",
                    (r - asked).num_days(),
                    s.overdue_months
                ),
                (None, State::Pending) if today > deadline => format!(
                    "asked {asked}, not answered after {} days (more than {} months)",
                    (today - asked).num_days(),
                    s.overdue_months
                ),
                _ => continue,
            };
            out.findings.push(
                Finding::new(FindingKind::ReplyOverdue, m.page, detail)
                    .severity(Severity::Error)
                    .certainty(Certainty::Confirmed)
                    .text(m.title)
                    .element("message"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::content::text::Walk;
    use crate::extract::ExtractedPage;
    use crate::rules::Rules;
    use std::path::Path;

    fn rules(extra: &str) -> Rules {
        let text = format!("[site]\nstart_urls = [\"http://www.a.gov.cn/\"]\n{extra}");
        Rules::from_toml(&text, Path::new("x.toml")).unwrap()
    }

    fn board(url: &str, html: &str, r: &Rules) -> Option<Board> {
        let u = Url::parse(url).unwrap();
        let doc = Html::parse_document(html);
        let walk = Walk::full(&doc);
        let ex = ExtractedPage::default();
        let view = PageView {
            url: &u,
            final_url: &u,
            doc: &doc,
            source: html,
            extracted: &ex,
            elapsed_ms: 0,
            depth: 0,
        };
        read(
            &view,
            &walk.text,
            walk.title.as_deref(),
            &r.checks.interaction,
        )
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const LIST: &str = r#"<html><head><title>我要咨询</title></head><body><table>
        <tr><th>编号</th><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>
        <tr><td>1</td><td><a href="d1.html">关于专利年费的咨询</a></td><td>2026-01-10</td><td></td><td>未回复</td></tr>
        <tr><td>2</td><td><a href="d2.html">商标注册问题</a></td><td>2026-04-01</td><td></td><td>处理中</td></tr>
        <tr><td>3</td><td><a href="d3.html">资助申请</a></td><td>2025-09-01</td><td>2026-01-15</td><td>已回复</td></tr>
        <tr><td>4</td><td><a href="d4.html">质押登记</a></td><td>2025-10-08</td><td>2025-10-20</td><td>已回复</td></tr>
        <tr><td>5</td><td><a href="d5.html">旧留言</a></td><td>2024-12-01</td><td></td><td>未回复</td></tr>
        <tr><td>6</td><td><a href="d6.html">已办结无日期</a></td><td>2025-12-01</td><td></td><td>已办结</td></tr>
        </table></body></html>"#;

    #[test]
    fn a_header_list_is_read_and_judged() {
        let r = rules("");
        let b = board("http://www.a.gov.cn/hdjl/zxzx/index.html", LIST, &r).unwrap();
        assert_eq!(b.messages.len(), 6);
        assert!(!b.detail && b.excluded.is_none());
        let m = &b.messages[0];
        assert_eq!(m.title, "关于专利年费的咨询");
        assert_eq!(
            m.url.as_deref(),
            Some("http://www.a.gov.cn/hdjl/zxzx/d1.html")
        );
        assert_eq!(
            (m.asked, m.replied, m.state),
            (Some(d("2026-01-10")), None, State::Pending)
        );
        assert_eq!(b.messages[2].state, State::Answered);
        let mut boards = Boards::default();
        boards.record("http://www.a.gov.cn/hdjl/zxzx/index.html", b);
        let out = boards.finish(&r.checks.interaction, d("2026-05-25"));
        let titles: Vec<&str> = out.findings.iter().map(|f| f.link_text.as_str()).collect();
        // Unanswered after 135 days; answered after 136 days. Not: 54 days
        // pending, answered in 12 days, asked more than a year ago, answered
        // without a date.
        assert_eq!(titles, ["关于专利年费的咨询", "资助申请"]);
        assert!(
            out.findings[0]
                .detail
                .contains("not answered after 135 days"),
            "{}",
            out.findings[0].detail
        );
        assert!(
            out.findings[1]
                .detail
                .contains("answered 2026-01-15: 136 days")
        );
        assert_eq!(
            out.findings[0].page_url,
            "http://www.a.gov.cn/hdjl/zxzx/d1.html"
        );
        assert_eq!(out.in_window, 5);
        assert_eq!(out.pages_read, 1);
    }

    #[test]
    fn detail_pages_win_over_list_rows() {
        let r = rules("");
        let list = board("http://www.a.gov.cn/hdjl/zxzx/index.html", LIST, &r).unwrap();
        // Row 6 says 已办结 without a date; its page says it took 5 months.
        let detail = board(
            "http://www.a.gov.cn/hdjl/zxzx/d6.html",
            "<html><head><title>已办结无日期</title></head><body><table>\
             <tr><td>来信时间</td><td>2025-12-01</td><td>答复时间</td><td>2026-05-02</td></tr>\
             <tr><td>答复内容</td><td>已按规定办理。</td></tr></table></body></html>",
            &r,
        )
        .unwrap();
        assert!(detail.detail);
        assert_eq!(detail.messages[0].replied, Some(d("2026-05-02")));
        let mut boards = Boards::default();
        boards.record("http://www.a.gov.cn/hdjl/zxzx/d6.html", detail);
        boards.record("http://www.a.gov.cn/hdjl/zxzx/index.html", list);
        let out = boards.finish(&r.checks.interaction, d("2026-05-25"));
        assert_eq!(out.findings.len(), 3, "{:?}", out.findings);
        assert!(
            out.findings
                .iter()
                .any(|f| f.page_url.ends_with("/d6.html")
                    && f.detail.contains("answered 2026-05-02"))
        );
    }

    #[test]
    fn a_written_reply_is_an_answer_whatever_words_it_opens_with() {
        let r = rules("");
        let page = |reply: &str| {
            board(
                "http://www.a.gov.cn/hdjl/ldxx/m7.html",
                &format!(
                    "<h1>路灯维修</h1><table><tr><td>来信时间</td><td>2025-12-01</td></tr>\
                     <tr><td>答复内容</td><td>{reply}</td></tr></table>"
                ),
                &r,
            )
            .unwrap()
            .messages[0]
                .state
        };
        // A reply that says the matter was accepted and handled.
        assert_eq!(
            page("您好！您反映的问题已受理，经街道核实，路灯已于本周修复。"),
            State::Answered
        );
        assert_eq!(
            page("正在办理中的线路改造已完成，感谢监督。"),
            State::Answered
        );
        // Placeholders.
        assert_eq!(page("暂未回复"), State::Pending);
        assert_eq!(page("【待答复】"), State::Pending);
        assert_eq!(page("无"), State::Unknown);
        // A status label still wins over the reply text.
        let b = board(
            "http://www.a.gov.cn/hdjl/ldxx/m8.html",
            "<h1>路灯维修</h1><p>来信时间：2025-12-01</p><p>办理状态：处理中</p>\
             <p>答复内容：您反映的问题已转交街道，正在核实。</p>",
            &r,
        )
        .unwrap();
        assert_eq!(b.messages[0].state, State::Pending);
    }

    #[test]
    fn disagreeing_statuses_are_not_judged_and_the_detail_page_wins() {
        let r = rules("");
        let list = |url: &str, status: &str| {
            board(
                url,
                &format!(
                    "<html><head><title>领导信箱</title></head><body><table>\
                     <tr><th>标题</th><th>来信时间</th><th>办理状态</th></tr>\
                     <tr><td><a href=\"/hdjl/ldxx/m9.html\">道路积水</a></td><td>2025-12-01</td><td>{status}</td></tr>\
                     </table></body></html>"
                ),
                &r,
            )
            .unwrap()
        };
        // Two lists (the 12345 list and 来信选登) disagree: not judged.
        let mut boards = Boards::default();
        boards.record(
            "http://www.a.gov.cn/hdjl/ldxx/index.html",
            list("http://www.a.gov.cn/hdjl/ldxx/index.html", "处理中"),
        );
        boards.record(
            "http://www.a.gov.cn/hdjl/lxxd/index.html",
            list("http://www.a.gov.cn/hdjl/lxxd/index.html", "已办结"),
        );
        let out = boards.finish(&r.checks.interaction, d("2026-05-25"));
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        // The detail page says 已办结: the list's 处理中 is stale.
        let detail = board(
            "http://www.a.gov.cn/hdjl/ldxx/m9.html",
            "<html><head><title>领导信箱</title></head><body><h1>道路积水</h1>\
             <p>来信时间：2025-12-01</p><p>办理状态：已办结</p></body></html>",
            &r,
        )
        .unwrap();
        let mut boards = Boards::default();
        boards.record(
            "http://www.a.gov.cn/hdjl/ldxx/index.html",
            list("http://www.a.gov.cn/hdjl/ldxx/index.html", "处理中"),
        );
        boards.record("http://www.a.gov.cn/hdjl/ldxx/m9.html", detail);
        let out = boards.finish(&r.checks.interaction, d("2026-05-25"));
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        // Lists that agree on 处理中 are judged.
        let mut boards = Boards::default();
        boards.record(
            "http://www.a.gov.cn/hdjl/ldxx/index.html",
            list("http://www.a.gov.cn/hdjl/ldxx/index.html", "处理中"),
        );
        let out = boards.finish(&r.checks.interaction, d("2026-05-25"));
        assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
    }

    #[test]
    fn status_rows_and_detail_text() {
        let r = rules("");
        let b = board(
            "http://www.a.gov.cn/hdjl/jzxx/index.html",
            r#"<ul><li><a href="m1.html">来信一</a><span>[未回复]</span><span>2026-01-02</span></li>
               <li><a href="m2.html">来信二</a><span>[已办结]</span><span>2026-01-03</span></li>
               <li><a href="/news/1.html">新闻</a><span>2026-01-04</span></li></ul>
               <p>留言时间 请写在表格里</p>"#,
            &r,
        )
        .unwrap();
        let s: Vec<(&str, State)> = b
            .messages
            .iter()
            .map(|m| (m.title.as_str(), m.state))
            .collect();
        assert_eq!(s, [("来信一", State::Pending), ("来信二", State::Answered)]);
        let b = board(
            "http://www.a.gov.cn/hdjl/jzxx/m1.html",
            "<h1>来信一</h1><p>来信时间：2026-01-02</p><p>来信内容：多次咨询未回复，请尽快处理。</p>\
             <p>答复内容：暂未回复</p>",
            &r,
        )
        .unwrap();
        assert_eq!(b.messages[0].state, State::Pending);
        assert_eq!(b.messages[0].replied, None);
        // A complaint about an earlier silence is not a status.
        let b = board(
            "http://www.a.gov.cn/hdjl/jzxx/m3.html",
            "<p>来信时间：2026-01-02</p><p>来信内容：多次咨询未回复。</p>",
            &r,
        )
        .unwrap();
        assert_eq!(b.messages[0].state, State::Unknown);
    }

    #[test]
    fn excluded_channels_and_configured_channels() {
        let r = rules("");
        let b = board(
            "http://www.a.gov.cn/hdjl/zxft/index.html",
            &LIST.replace("<title>我要咨询</title>", "<title>在线访谈</title>"),
            &r,
        )
        .unwrap();
        assert_eq!(b.excluded.as_deref(), Some("在线访谈"));
        let mut boards = Boards::default();
        boards.record("http://www.a.gov.cn/hdjl/zxft/index.html", b);
        assert!(
            boards
                .finish(&r.checks.interaction, d("2026-05-25"))
                .findings
                .is_empty()
        );

        // With link texts, only the folders they lead to are channels.
        let r = rules("[interaction]\nlink_text = [\"我要咨询\"]\n");
        let mut boards = Boards::default();
        boards.link(
            "http://www.a.gov.cn/",
            "http://www.a.gov.cn/hdjl/zxzx/index.html",
            " 我要 咨询 ",
            &r.checks.interaction,
        );
        let b = board("http://www.a.gov.cn/hdjl/zxzx/index.html", LIST, &r).unwrap();
        boards.record("http://www.a.gov.cn/hdjl/zxzx/index.html", b.clone());
        boards.record("http://www.a.gov.cn/other/index.html", b);
        let out = boards.finish(&r.checks.interaction, d("2026-05-25"));
        assert_eq!(out.findings.len(), 2);
        assert!(
            out.findings
                .iter()
                .all(|f| f.page_url.contains("/hdjl/zxzx/"))
        );
    }

    #[test]
    fn channel_entries_are_counted_wherever_they_lead_and_excluded_kinds_are_not() {
        let r = rules("");
        let i = &r.checks.interaction;
        let home = "http://www.a.gov.cn/";
        let mut boards = Boards::default();
        // Default entry words, on the site or on another government platform.
        boards.link(home, "http://www.a.gov.cn/hdjl/wyly/", "我要留言", i);
        boards.link(
            home,
            "https://12345.zj.gov.cn/sy/index.html",
            "12345 热线",
            i,
        );
        boards.link(home, "http://www.a.gov.cn/hdjl/wyly/", "我要 留言", i);
        boards.link(home, "javascript:openMailbox()", "局长信箱", i);
        // By URL alone (an image link without text).
        boards.link(home, "http://www.a.gov.cn/guestbook/list.jsp", "", i);
        // Look-alikes: excluded kinds, an article title, another link.
        boards.link(home, "http://www.a.gov.cn/hdjl/zxft/", "在线访谈", i);
        boards.link(home, "http://www.a.gov.cn/hdjl/jbts/", "投诉举报信箱", i);
        boards.link(home, "http://www.a.gov.cn/hdjl/yjzj/", "意见征集", i);
        boards.link(
            home,
            "http://www.a.gov.cn/xwdt/t20260301_1.html",
            "我局举办知识产权政策咨询服务进企业活动",
            i,
        );
        boards.link(home, "http://www.a.gov.cn/xwdt/", "新闻动态", i);
        let out = boards.finish(i, d("2026-05-25"));
        let c = &out.channels;
        assert_eq!(c.entries, 4, "{c:#?}");
        assert_eq!(c.board_pages, 0);
        assert_eq!(c.examples[0].url, "http://www.a.gov.cn/hdjl/wyly/");
        assert_eq!(c.examples[0].text, "我要留言");
        assert_eq!(c.examples[0].page, home);
        assert_eq!(c.examples[1].url, "https://12345.zj.gov.cn/sy/index.html");
        assert!(c.looked_for_text.iter().any(|w| w == "信箱"));

        // A site that names its channel: only its link text or URL counts.
        let r = rules(
            "[interaction]
link_text = [\"我要写信\"]\n",
        );
        let i = &r.checks.interaction;
        let mut boards = Boards::default();
        boards.link(home, "http://www.a.gov.cn/hdjl/wyly/", "我要留言", i);
        assert_eq!(boards.finish(i, d("2026-05-25")).channels.entries, 0);
        let mut boards = Boards::default();
        boards.link(home, "http://www.a.gov.cn/xx/", "我要 写信", i);
        let out = boards.finish(i, d("2026-05-25"));
        assert_eq!(out.channels.entries, 1);
        assert_eq!(out.channels.looked_for_text, ["我要写信"]);
        assert!(out.channels.looked_for_url.is_empty());
    }

    #[test]
    fn a_service_progress_table_is_no_message_board() {
        let r = rules("");
        let html = r#"<html><head><title>办件公示</title></head><body><table>
            <tr><th>办件名称</th><th>提交时间</th><th>办理状态</th></tr>
            <tr><td>专利资助申请</td><td>2025-12-01</td><td>办理中</td></tr></table></body></html>"#;
        let b = board("http://www.a.gov.cn/bjgs/index.html", html, &r).unwrap();
        assert!(!b.channel);
        let mut boards = Boards::default();
        boards.record("http://www.a.gov.cn/bjgs/index.html", b);
        assert!(
            boards
                .finish(&r.checks.interaction, d("2026-05-25"))
                .findings
                .is_empty()
        );
        // Named by the rules, it is read.
        let r = rules("[interaction]\nurl_pattern = ['/bjgs/']\n");
        let b = board("http://www.a.gov.cn/bjgs/index.html", html, &r).unwrap();
        let mut boards = Boards::default();
        boards.record("http://www.a.gov.cn/bjgs/index.html", b);
        assert_eq!(
            boards
                .finish(&r.checks.interaction, d("2026-05-25"))
                .findings
                .len(),
            1
        );
    }

    #[test]
    fn pages_without_boards() {
        let r = rules("");
        assert!(
            board(
                "http://www.a.gov.cn/x.html",
                "<p>关于召开会议的通知</p>",
                &r
            )
            .is_none()
        );
        // A meeting notice quoting a date after a label that is not a board's.
        assert!(
            board(
                "http://www.a.gov.cn/x.html",
                "<p>会议时间：2026-01-02</p><p>状态：已完成</p>",
                &r
            )
            .is_none()
        );
    }
}
