//! List parsing: the items of a column page.
//!
//! An item is a `<li>`, `<tr>` or `<dd>` row (the innermost one) holding a link
//! to an article-like target, outside navigation, headers, footers and pagers;
//! its date is the date written in the row outside the link (a `<span>`, a
//! `<td>`), or a date-only element inside the link. Pager links (首页, 下一页,
//! 尾页, page numbers), folder and column-index targets and empty-list phrases
//! (暂无信息) are not items. Hanweb `<datastore>` records are parsed as rows too.
//!
//! A column page also carries side lists; the *main* list is the group of rows
//! under one parent with the most dated rows (plus sibling groups built the
//! same way, for templates that split a list into several `<ul>`).

use super::page::{Layout, Phrases, cap_chars, collapse};
use super::urls;
use crate::check::dates::{self, DatePattern, PartialDate};
use crate::spool::{Reader, put_str};
use chrono::{Datelike, NaiveDate};
use ego_tree::NodeId;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use std::sync::LazyLock;
use url::Url;

/// Most items kept from one page.
pub const MAX_ITEMS: usize = 500;
/// Most rows examined on one page.
const MAX_ROWS: usize = 5_000;

/// One item of a list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListItem {
    /// Title (the link's `title` attribute, else its text), at most 200 characters.
    pub title: String,
    /// Absolute target URL.
    pub url: String,
    /// The date shown in the row, if any.
    pub date: Option<PartialDate>,
}

impl ListItem {
    /// Appends this item to a spooled record (see [`crate::spool`]).
    pub fn encode(&self, buf: &mut Vec<u8>) {
        put_str(buf, &self.title);
        put_str(buf, &self.url);
        match self.date {
            None => buf.push(0),
            Some(PartialDate::Full(d)) => {
                buf.push(1);
                buf.extend_from_slice(&d.num_days_from_ce().to_le_bytes());
            }
            Some(PartialDate::MonthDay { month, day }) => {
                buf.push(2);
                // Months and days come from the date parser: 1–12 and 1–31.
                buf.push(u8::try_from(month).unwrap_or(0));
                buf.push(u8::try_from(day).unwrap_or(0));
            }
        }
    }

    /// Reads an item written by [`encode`](Self::encode).
    pub fn decode(r: &mut Reader<'_>) -> Option<ListItem> {
        let title = r.str()?.to_string();
        let url = r.str()?.to_string();
        let date = match r.u8()? {
            0 => None,
            1 => {
                let days = i32::from_le_bytes(r.take(4)?.try_into().ok()?);
                Some(PartialDate::Full(NaiveDate::from_num_days_from_ce_opt(
                    days,
                )?))
            }
            _ => Some(PartialDate::MonthDay {
                month: u32::from(r.u8()?),
                day: u32::from(r.u8()?),
            }),
        };
        Some(ListItem { title, url, date })
    }
}

static ROWS: LazyLock<Selector> = LazyLock::new(|| crate::patterns::selector("li, tr, dd"));
static LINKS: LazyLock<Selector> = LazyLock::new(|| crate::patterns::selector("a[href]"));
static SCRIPTS: LazyLock<Selector> = LazyLock::new(|| crate::patterns::selector("script"));

const PAGER: &[&str] = &[
    "首页",
    "上一页",
    "下一页",
    "尾页",
    "末页",
    "前一页",
    "后一页",
    "最后一页",
    "第一页",
    "上页",
    "下页",
    "前页",
    "后页",
    "更多",
    "查看更多",
    "more",
    "go",
    "跳转",
    "确定",
    "返回",
    "返回首页",
    "返回顶部",
    "打印",
    "关闭",
    "关闭窗口",
    "收藏",
    "<<",
    ">>",
    "<",
    ">",
    "«",
    "»",
    "...",
    "…",
];

/// Brackets around a pager word (`[尾页]`, `【更多】`).
const PAGER_BRACKETS: &str = "[]【】()（）";

/// Whether a link text is pager or tool chrome rather than an item title.
pub fn is_pager_text(text: &str) -> bool {
    // Most texts are titles: more than 4 characters inside any brackets
    // (longer than every pager word), not starting with a digit, 更 or 第.
    let mut core = text
        .chars()
        .filter(|c| !c.is_whitespace() && !PAGER_BRACKETS.contains(*c));
    if core
        .next()
        .is_some_and(|f| !(f.is_ascii_digit() || f == '更' || f == '第'))
        && core.nth(3).is_some()
    {
        return false;
    }
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    if t.is_empty() {
        return false;
    }
    let bare = t.trim_matches(|c: char| PAGER_BRACKETS.contains(c));
    PAGER.contains(&bare)
        || PAGER.contains(&t.as_str())
        || bare.chars().all(|c| c.is_ascii_digit())
        || bare.starts_with("更多")
        || (bare.starts_with('第') && bare.ends_with('页'))
}

/// Text of the nodes below `row` that are not inside a link.
fn text_outside_links(row: ElementRef<'_>) -> String {
    let mut out = String::new();
    for n in row.descendants() {
        let Node::Text(t) = n.value() else { continue };
        let mut in_link = false;
        for a in n.ancestors() {
            if a.id() == row.id() {
                break;
            }
            if matches!(a.value(), Node::Element(e) if e.name() == "a") {
                in_link = true;
                break;
            }
        }
        if !in_link {
            out.push_str(t);
            out.push(' ');
            if out.len() > 2_000 {
                break;
            }
        }
    }
    out
}

/// The item of one row, if it has one.
/// The item of one row, if it has one, with the [`urls::key_of`] of its URL.
fn row_item(
    row: ElementRef<'_>,
    base: &Url,
    page: &Page,
    phrases: &Phrases,
    date_pattern: Option<&DatePattern>,
) -> Option<(ListItem, String)> {
    let mut best: Option<(ElementRef<'_>, String, bool, Url, String)> = None;
    for a in row.select(&LINKS) {
        let href = a.value().attr("href").unwrap_or("").trim();
        if href.is_empty()
            || href.starts_with('#')
            || is_placeholder(href)
            || ["javascript:", "mailto:", "tel:", "data:", "vbscript:"]
                .iter()
                .any(|p| {
                    href.as_bytes()
                        .get(..p.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
                })
        {
            continue;
        }
        let text = collapse(&a.text().collect::<String>());
        if is_pager_text(&text) {
            continue;
        }
        let Ok(target) = base.join(href) else {
            continue;
        };
        let key = urls::key_of(&target);
        if !urls::is_item_target_keyed(&target, &key, page.url, &page.key) {
            continue;
        }
        let attr_title = a
            .value()
            .attr("title")
            .map(collapse)
            .filter(|t| !t.is_empty());
        let from_attr = attr_title.is_some();
        let title = attr_title.unwrap_or(text);
        if title.is_empty() || phrases.matches(&title) || is_placeholder(&title) {
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|b| title.chars().count() > b.1.chars().count())
        {
            best = Some((a, title, from_attr, target, key));
        }
    }
    let (link, mut title, from_attr, target, key) = best?;
    let outside = text_outside_links(row);
    let mut date = match date_pattern {
        Some(p) => p
            .find(&outside)
            .or_else(|| p.find(&link.text().collect::<String>())),
        None => dates::find(&outside),
    };
    if date.is_none() && date_pattern.is_none() {
        // `<a><span>标题</span><span>2026-05-20</span></a>`: a date-only element inside the link.
        for e in link.descendent_elements().skip(1) {
            let t = collapse(&e.text().collect::<String>());
            if let Some(d) = dates::parse_exact(&t) {
                date = Some(d);
                if !from_attr {
                    title = collapse(&title.replace(&t, ""));
                }
                break;
            }
        }
    }
    if date_pattern.is_none() {
        if !matches!(date, Some(PartialDate::Full(_)))
            && let Some(d) = title_attr_date(row, link.id())
        {
            // `<span title="2026-05-20 09:30">05-20</span>`: the full date.
            date = Some(d);
        }
        if date.is_none() {
            // `<a>关于……的通知 2026-05-20</a>`: the date ends the link's text.
            let text = collapse(&link.text().collect::<String>());
            if let Some((head, d)) = dates::trailing(&text) {
                date = Some(d);
                if !from_attr {
                    title = head.to_string();
                }
            }
        }
    }
    let item = ListItem {
        title: cap_chars(&title, 200),
        url: target.into(),
        date,
    };
    Some((item, key))
}

/// Whether a link target or title is a front-end template placeholder
/// (`{{el.url}}`, `@{{ el.title }}`, `${item.link}`): a row of a template
/// block that a script fills, not an item.
fn is_placeholder(s: &str) -> bool {
    s.contains("{{") || s.contains("${")
}

/// A full date in a `title` attribute of an element of the row other than
/// the item link (whose title is the item's title).
fn title_attr_date(row: ElementRef<'_>, link: NodeId) -> Option<PartialDate> {
    std::iter::once(row)
        .chain(row.descendent_elements())
        .filter(|e| e.id() != link)
        .filter_map(|e| e.value().attr("title"))
        .find_map(|t| dates::parse_exact(t).filter(|d| d.full().is_some()))
}

/// The page a list is on, with its comparison key.
struct Page<'u> {
    url: &'u Url,
    key: String,
}

impl<'u> Page<'u> {
    fn new(url: &'u Url) -> Page<'u> {
        Page {
            url,
            key: urls::key_of(url),
        }
    }
}

struct Row {
    item: ListItem,
    /// [`urls::key_of`] of the item's URL.
    key: String,
    /// The row element's parent.
    parent: Option<NodeId>,
}

/// How far above a row's parent sibling blocks of one list are looked for
/// (parent, block wrapper, wrapper of wrappers).
const MAX_UP: usize = 4;

/// Class tokens that only say whether a block is shown (a script switches
/// them) or where it sits: ignored when comparing blocks.
const STATE_CLASSES: &[&str] = &[
    "show", "hide", "hidden", "active", "on", "cur", "current", "curr", "none", "block", "in",
    "fade", "selected", "first", "last", "odd", "even", "clearfix", "clear", "fl", "fr",
];

/// An element's tag and class tokens (lowercase, digits dropped, state
/// tokens dropped, sorted): the same for blocks built by one template.
fn signature(e: ElementRef<'_>) -> String {
    let mut tokens: Vec<String> = e
        .value()
        .attr("class")
        .unwrap_or("")
        .split_whitespace()
        .map(|t| {
            t.chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .filter(|t| !t.is_empty() && !STATE_CLASSES.contains(&t.as_str()))
        .collect();
    tokens.sort_unstable();
    tokens.dedup();
    format!("{}.{}", e.value().name(), tokens.join("."))
}

/// The element `id` and its ancestors, at most [`MAX_UP`], with signatures.
fn chain(doc: &Html, id: NodeId) -> Vec<(NodeId, String)> {
    let Some(first) = doc.tree.get(id).and_then(ElementRef::wrap) else {
        return Vec::new();
    };
    std::iter::once(first)
        .chain(first.ancestors().filter_map(ElementRef::wrap))
        .take(MAX_UP)
        .map(|e| (e.id(), signature(e)))
        .collect()
}

/// Whether a block wrapper is a box of its own (a heading, or a 更多 link
/// to another column): then its list is not a block of the main list.
fn is_box(w: ElementRef<'_>) -> bool {
    w.descendent_elements()
        .take(2_000)
        .any(|e| match e.value().name() {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => true,
            "a" => {
                let t = collapse(&e.text().collect::<String>()).to_lowercase();
                t.starts_with("更多") || t.starts_with("more") || t.starts_with("[更多")
            }
            _ => false,
        })
}

/// Headings of side lists (热点, 排行, 推荐, 相关链接 …): not the page's list.
const SIDE_WORDS: &[&str] = &[
    "热点",
    "热门",
    "排行",
    "推荐",
    "相关",
    "友情链接",
    "猜你",
    "点击榜",
    "精彩",
];
/// Class or id parts of side lists (`hot-list`, `rank`, `xglj` …), as prefixes.
const SIDE_TOKENS: &[&str] = &[
    "hot",
    "rank",
    "phb",
    "xglj",
    "tuijian",
    "recommend",
    "related",
    "yqlj",
];

/// Whether the list under `parent` is a side list: the list element, its
/// parent or grandparent has a side class / id, or is preceded by a heading
/// that names one (热点关注, 相关文章 …).
fn is_side_group(doc: &Html, parent: NodeId) -> bool {
    let Some(first) = doc.tree.get(parent).and_then(ElementRef::wrap) else {
        return false;
    };
    let side_attr = |e: ElementRef<'_>| {
        ["class", "id"]
            .iter()
            .filter_map(|a| e.value().attr(a))
            .any(|v| {
                v.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
                    .any(|t| {
                        let t = t.to_ascii_lowercase();
                        SIDE_TOKENS.iter().any(|s| t.starts_with(s))
                    })
            })
    };
    std::iter::once(first)
        .chain(first.ancestors().filter_map(ElementRef::wrap))
        .take(3)
        .any(|e| {
            side_attr(e)
                || e.prev_siblings()
                    .filter_map(ElementRef::wrap)
                    .take(3)
                    .any(|h| {
                        // A heading: short text, no list of its own (a
                        // heading drawn as a one-row table of text cells,
                        // as old table layouts do, has rows but no links).
                        let mut t = String::new();
                        for piece in h.text() {
                            t.push_str(piece);
                            if t.len() > 80 {
                                return false;
                            }
                        }
                        let t = collapse(&t);
                        t.chars().count() <= 20
                            && SIDE_WORDS.iter().any(|w| t.contains(w))
                            && (!h
                                .descendent_elements()
                                .any(|e| matches!(e.value().name(), "li" | "tr" | "dd"))
                                || !h.descendent_elements().any(|e| e.value().name() == "a"))
                    })
        })
}

/// How a page's list is to be read: the rules' row selector (then every
/// matched row counts) and date pattern, when a site needs them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListOptions<'a> {
    /// CSS selector of the item rows.
    pub selector: Option<&'a Selector>,
    /// The site's date shape.
    pub date_pattern: Option<&'a DatePattern>,
}

/// The items of a page. `all`: every row (the homepage); else the main list:
/// the group of rows under one parent with the most (dated) items, plus the
/// sibling blocks built the same way (a list split in several `<ul>`, or
/// shown five at a time by a script, every block holding real items).
pub fn items(
    doc: &Html,
    layout: &Layout,
    base: &Url,
    page: &Url,
    opts: ListOptions<'_>,
    all: bool,
    phrases: &Phrases,
) -> Vec<ListItem> {
    let page = &Page::new(page);
    let custom = opts.selector.is_some();
    let sel = opts.selector.unwrap_or(&ROWS);
    let mut rows: Vec<Row> = Vec::new();
    let candidates: Box<dyn Iterator<Item = ElementRef<'_>>> =
        match layout.rows(doc).filter(|_| !custom) {
            Some(rows) => Box::new(rows),
            None => Box::new(doc.select(sel)),
        };
    for row in candidates.take(MAX_ROWS) {
        if !custom && (layout.has_row_below(row.id()) || layout.in_chrome(row.id())) {
            continue;
        }
        if layout.is_hidden(row.id()) {
            continue;
        }
        let Some((item, key)) = row_item(row, base, page, phrases, opts.date_pattern) else {
            continue;
        };
        rows.push(Row {
            item,
            key,
            parent: row.parent().map(|p| p.id()),
        });
    }
    if custom || all {
        return dedup(rows.into_iter().map(|r| (r.item, r.key)));
    }
    // Each parent group: (parent, score with dated rows counting double, rows, dated rows).
    let mut groups: Vec<(Option<NodeId>, usize, usize, usize)> = Vec::new();
    for r in &rows {
        let dated = usize::from(r.item.date.is_some());
        match groups.iter_mut().find(|g| g.0 == r.parent) {
            Some(g) => {
                g.1 += 1 + dated;
                g.2 += 1;
                g.3 += dated;
            }
            None => groups.push((r.parent, 1 + dated, 1, dated)),
        }
    }
    // Side lists (热点, 相关链接 …) are never the page's list.
    if groups.len() > 1 || groups.first().is_some_and(|g| g.0.is_some()) {
        groups.retain(|g| !g.0.is_some_and(|p| is_side_group(doc, p)));
    }
    let Some(&best) = groups
        .iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(std::cmp::Ordering::Greater))
    else {
        return Vec::new();
    };
    let mut keep: Vec<Option<NodeId>> = vec![best.0];
    if groups.len() > 1
        && let Some(lead) = best.0
    {
        let lead_chain = chain(doc, lead);
        let lead_dated = best.3 * 2 >= best.2;
        for g in &groups {
            let Some(p) = g.0.filter(|p| *p != lead) else {
                continue;
            };
            let c = chain(doc, p);
            // The level where both chains meet, same structure below it.
            let Some(meet) = (1..c.len().min(lead_chain.len()))
                .find(|&i| c.get(i).map(|x| x.0) == lead_chain.get(i).map(|x| x.0))
            else {
                continue;
            };
            let same_shape =
                (0..meet).all(|i| c.get(i).map(|x| &x.1) == lead_chain.get(i).map(|x| &x.1));
            if !same_shape {
                continue;
            }
            let merge = if meet == 1 {
                // Lists split in several `<ul>` under one parent.
                true
            } else {
                // Blocks in wrappers of their own: not boxes of other
                // columns, and dated like the main list.
                let wrapper = |ch: &[(NodeId, String)]| {
                    ch.get(meet - 1)
                        .and_then(|x| doc.tree.get(x.0))
                        .and_then(ElementRef::wrap)
                };
                let dated = g.3 * 2 >= g.2;
                dated == lead_dated
                    && ![wrapper(&c), wrapper(&lead_chain)]
                        .into_iter()
                        .flatten()
                        .any(is_box)
            };
            if merge {
                keep.push(g.0);
            }
        }
    }
    dedup(
        rows.into_iter()
            .filter(|r| keep.contains(&r.parent))
            .map(|r| (r.item, r.key)),
    )
}

/// The items, first of each URL key kept, at most [`MAX_ITEMS`].
fn dedup(it: impl Iterator<Item = (ListItem, String)>) -> Vec<ListItem> {
    let mut out: Vec<ListItem> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, key) in it {
        if seen.insert(key) {
            out.push(i);
            if out.len() >= MAX_ITEMS {
                break;
            }
        }
    }
    out
}

/// A Hanweb `<datastore>` block: records of the first group and the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Datastore {
    /// Items of the embedded records.
    pub items: Vec<ListItem>,
    /// `<record>` elements seen (readable or not).
    pub records: u32,
    /// `<totalrecord>`.
    pub total_records: Option<u32>,
    /// `<totalpage>`.
    pub total_pages: Option<u32>,
    /// The `href` of the `<nextgroup>` link (the data proxy with its parameters).
    pub nextgroup: Option<String>,
}

static RECORD: LazyLock<Regex> = LazyLock::new(|| {
    crate::patterns::regex(r"(?s)<record>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>")
});
static TOTAL_RECORD: LazyLock<Regex> =
    LazyLock::new(|| crate::patterns::regex(r"<totalrecord>\s*(\d{1,9})\s*</totalrecord>"));
static TOTAL_PAGE: LazyLock<Regex> =
    LazyLock::new(|| crate::patterns::regex(r"<totalpage>\s*(\d{1,9})\s*</totalpage>"));
static NEXTGROUP: LazyLock<Regex> =
    LazyLock::new(|| crate::patterns::regex(r#"(?s)<nextgroup>.*?href\s*=\s*["']([^"']+)["']"#));

/// Parses the Hanweb `<script type="text/xml"><datastore>…` blocks of a page.
pub fn datastore(doc: &Html, base: &Url, page: &Url, phrases: &Phrases) -> Option<Datastore> {
    let mut found: Option<Datastore> = None;
    for s in doc.select(&SCRIPTS) {
        let text: String = s.text().collect();
        if !text.contains("<datastore") {
            continue;
        }
        let d = datastore_text(&text, base, page, phrases);
        found = Some(match found {
            None => d,
            Some(mut acc) => {
                acc.records += d.records;
                acc.total_records = acc.total_records.or(d.total_records);
                acc.total_pages = acc.total_pages.or(d.total_pages);
                acc.nextgroup = acc.nextgroup.or(d.nextgroup);
                let merged = acc.items.into_iter().chain(d.items);
                acc.items = dedup(merged.map(|i| {
                    let k = urls::key(&i.url);
                    (i, k)
                }));
                acc
            }
        });
    }
    found
}

/// `<totalrecord>` and `<totalpage>` anywhere in a page's source (some
/// templates put them beside the datastore, in the pager's container).
pub fn datastore_totals(source: &str) -> (Option<u32>, Option<u32>) {
    let num = |re: &Regex| {
        re.captures(source)
            .and_then(|c| c.get(1)?.as_str().parse::<u32>().ok())
    };
    (num(&TOTAL_RECORD), num(&TOTAL_PAGE))
}

/// Parses the datastore XML in `text` (a page's script, or a data-proxy answer).
pub fn datastore_text(text: &str, base: &Url, page: &Url, phrases: &Phrases) -> Datastore {
    let page = &Page::new(page);
    let num = |re: &Regex| {
        re.captures(text)
            .and_then(|c| c.get(1)?.as_str().parse::<u32>().ok())
    };
    let mut ds = Datastore {
        total_records: num(&TOTAL_RECORD),
        total_pages: num(&TOTAL_PAGE),
        nextgroup: NEXTGROUP
            .captures(text)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().replace("&amp;", "&")),
        ..Datastore::default()
    };
    let mut items = Vec::new();
    for c in RECORD.captures_iter(text).take(MAX_ITEMS) {
        ds.records += 1;
        let Some(body) = c.get(1).or(c.get(2)) else {
            continue;
        };
        items.extend(record_item(body.as_str(), base, page, phrases));
    }
    ds.items = dedup(items.into_iter());
    ds
}

/// The item of one record's HTML (a `<li>`, `<tr>` or bare link).
fn record_item(
    html: &str,
    base: &Url,
    page: &Page,
    phrases: &Phrases,
) -> Option<(ListItem, String)> {
    let frag = Html::parse_fragment(&crate::extract::nesting::flatten(html).text);
    let row = frag
        .select(&ROWS)
        .next()
        .unwrap_or_else(|| frag.root_element());
    row_item(row, base, page, phrases, None)
}

/// The items of record HTML strings (old Hanweb pages keep the first group
/// in a JavaScript array instead of a datastore).
pub fn record_items(
    records: &[String],
    base: &Url,
    page: &Url,
    phrases: &Phrases,
) -> Vec<ListItem> {
    let page = &Page::new(page);
    dedup(
        records
            .iter()
            .take(MAX_ITEMS)
            .filter_map(|r| record_item(r, base, page, phrases)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn full(y: i32, m: u32, d: u32) -> Option<PartialDate> {
        Some(PartialDate::Full(NaiveDate::from_ymd_opt(y, m, d).unwrap()))
    }
    fn phrases() -> Vec<String> {
        vec!["暂无信息".into(), "暂无数据".into()]
    }
    fn scan(html: &str, url: &str, all: bool) -> Vec<ListItem> {
        scan_doc(&Html::parse_document(html), url, all)
    }
    fn scan_doc(doc: &Html, url: &str, all: bool) -> Vec<ListItem> {
        let u = Url::parse(url).unwrap();
        items(
            doc,
            &Layout::of(doc),
            &u,
            &u,
            ListOptions::default(),
            all,
            &Phrases::new(&phrases()),
        )
    }

    const TRS: &str = r#"<html><body>
<div class="top"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/xwdt/202605/t20260501_9.html">导航里的文章</a></li></ul></div>
<div class="left"><ul class="leftlist"><li><a href="../tzgg/">通知公告</a></li><li><a href="../zcwj/index.html">政策文件</a></li></ul></div>
<div class="list"><ul class="list-ul">
<li><a href="./202605/t20260520_123.html" title="关于开展2026年度专利试点工作的通知">关于开展2026年度专利试...</a><span>2026-05-20</span></li>
<li><a href="./202604/t20260410_122.html" title="关于2026年4月1日起施行新办法的公告">关于2026年4月1日起施行新办法的公告</a><span>[2026/04/10]</span></li>
<li><span class="lm"><a href="/tzgg/">[通知公告]</a></span><a href="./202603/t20260302_121.html">一则没有title属性的公告</a><em>2026年3月2日</em></li>
<li><a href="./202602/t20260201_120.html">未注明日期的公告</a></li>
</ul></div>
<div class="page"><li><a href="index_1.html">下一页</a></li><li><a href="index_2.html">3</a></li></div>
<div class="footer"><ul><li><a href="http://www.gov.cn/">中国政府网</a></li></ul></div>
</body></html>"#;

    #[test]
    fn trs_list() {
        let items = scan(TRS, "https://x.gov.cn/tzgg/index.html", false);
        assert_eq!(items.len(), 4, "{items:#?}");
        assert_eq!(items[0].title, "关于开展2026年度专利试点工作的通知");
        assert_eq!(
            items[0].url,
            "https://x.gov.cn/tzgg/202605/t20260520_123.html"
        );
        assert_eq!(items[0].date, full(2026, 5, 20));
        // The title's own date is not the item date.
        assert_eq!(items[1].date, full(2026, 4, 10));
        // The category link is not the item; the longest title is.
        assert_eq!(items[2].title, "一则没有title属性的公告");
        assert_eq!(items[2].date, full(2026, 3, 2));
        assert_eq!(items[3].date, None);
    }

    #[test]
    fn table_rows_and_dates_in_cells() {
        let html = r#"<table class="zwgk"><tr><th>序号</th><th>标题</th><th>发布日期</th></tr>
<tr><td>1</td><td><a href="/zcwj/20260520/0123456789abcdef0123.html">上海市知识产权局关于印发某办法的通知</a></td><td>二〇二六年五月二十日</td></tr>
<tr><td>2</td><td><a href="/zcwj/20260110/0123456789abcdef0124.html">另一份文件</a></td><td>26-01-10</td></tr></table>"#;
        let items = scan(html, "https://x.gov.cn/zcwj/", false);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].date, full(2026, 5, 20));
        assert_eq!(items[1].date, full(2026, 1, 10));
    }

    #[test]
    fn month_day_and_date_inside_link() {
        let html = r#"<ul><li><a href="/a/t20260520_1.html"><span class="t">标题一</span><span class="d">[05-20]</span></a></li>
<li><a href="/a/t20260519_2.html">标题二</a> 05-19</li></ul>"#;
        let items = scan(html, "https://x.gov.cn/a/", false);
        assert_eq!(items[0].title, "标题一");
        assert_eq!(
            items[0].date,
            Some(PartialDate::MonthDay { month: 5, day: 20 })
        );
        assert_eq!(
            items[1].date,
            Some(PartialDate::MonthDay { month: 5, day: 19 })
        );
    }

    #[test]
    fn empty_lists() {
        let html = r##"<div class="nav"><ul><li><a href="/a/t20260520_1.html">导航</a></li></ul></div>
<ul class="list"><li>暂无信息</li><li><a href="javascript:;">暂无数据</a></li><li><a href="#">暂无数据</a></li></ul>"##;
        assert!(scan(html, "https://x.gov.cn/a/", false).is_empty());
        assert!(scan("<html></html>", "https://x.gov.cn/a/", false).is_empty());
    }

    #[test]
    fn main_list_beats_side_list_and_split_lists_merge() {
        let html = r#"<div class="side"><ul class="hot"><li><a href="/x/t20250101_1.html">热点一</a></li><li><a href="/x/t20250101_2.html">热点二</a></li><li><a href="/x/t20250101_3.html">热点三</a></li></ul></div>
<div class="list"><ul class="l"><li><a href="/a/t20260520_1.html">一</a><span>2026-05-20</span></li><li><a href="/a/t20260519_2.html">二</a><span>2026-05-19</span></li></ul>
<ul class="l"><li><a href="/a/t20260518_3.html">三</a><span>2026-05-18</span></li></ul></div>"#;
        let items = scan(html, "https://x.gov.cn/a/", false);
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["一", "二", "三"]);
        // The homepage takes every list.
        assert_eq!(scan(html, "https://x.gov.cn/a/", true).len(), 6);
    }

    #[test]
    fn a_side_box_headed_by_a_one_row_table_is_not_the_list() {
        // Old table layouts: the 热点 heading is a table row of text cells,
        // each list row a table of its own (dated in its own cell).
        let html = r#"<table><tr><td class="left">
<table><tr><td class="t">热点文章</td><td><img src="/h.gif"></td></tr></table>
<table><tr><td><a href="/x/31.htm">热点一</a></td></tr><tr><td><a href="/x/32.htm">热点二</a></td></tr><tr><td><a href="/x/33.htm">热点三</a></td></tr></table>
</td><td class="main">
<table class="dx"><tr><td><a href="/a/41.htm">一</a></td><td>发稿：2026年05月20日</td></tr></table>
<table class="dx"><tr><td><a href="/a/40.htm">二</a></td><td>发稿：2026年05月06日</td></tr></table>
</td></tr></table>"#;
        let items = scan(html, "https://x.gov.cn/a/list.html", false);
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["一", "二"]);
        // A heading row that links is a list of its own, not a heading.
        let linked = html.replace(
            r#"<td class="t">热点文章</td>"#,
            r#"<td class="t"><a href="/x/30.htm">热点文章</a></td>"#,
        );
        let linked = scan(&linked, "https://x.gov.cn/a/list.html", false);
        assert!(linked.iter().any(|i| i.title == "热点一"), "{linked:?}");
    }

    /// A TRS site-cluster list: the first page's 75 items in 15 blocks of
    /// five (one shown, the others `display:none`, switched by a script),
    /// an avalon template block, a 热点 sidebar and 相关链接.
    fn blocks_page() -> String {
        let mut h = String::from(
            r#"<div class="main"><div class="side"><div class="hot"><h3>热点</h3><ul class="list"><li><a href="/x/202601/t20260101_1.html">热点文章一</a></li><li><a href="/x/202601/t20260101_2.html">热点文章二</a></li></ul></div></div>
<div class="content" ms-controller="listCtrl"><div class="tpl"><ul class="list"><li ms-for="el in @list"><a href="{{el.url}}" title="{{el.title}}">{{el.title}}</a><span>{{el.date}}</span></li></ul></div>"#,
        );
        let mut n = 0;
        for b in 1..=15 {
            let style = if b == 1 {
                ""
            } else {
                " style=\"display:none\""
            };
            h.push_str(&format!(
                r#"<div id="static{b}" class="static-box"{style}><ul class="list">"#
            ));
            for _ in 0..5 {
                n += 1;
                let day = 1 + (n % 28);
                h.push_str(&format!(
                    r#"<li><a href="./202604/t202604{day:02}_{n}.html" title="第{n}号公告">第{n}号公告</a><span>2026-04-{day:02}</span></li>"#
                ));
            }
            h.push_str("</ul></div>");
        }
        h.push_str(r#"<div class="pagebar"><a href="javascript:showStatic(1)">1</a><a href="javascript:showStatic(2)">2</a></div></div>
<div class="xglj"><span>相关链接</span><ul><li><a href="http://www.gov.cn/">中国政府网</a></li></ul></div></div>"#);
        h
    }

    #[test]
    fn script_shown_blocks_are_one_list_and_templates_are_skipped() {
        let items = scan(&blocks_page(), "https://x.gov.cn/tzgg/index.html", false);
        assert_eq!(items.len(), 75, "{items:#?}");
        assert!(items.iter().all(|i| i.title.ends_with("号公告")));
        assert!(!items.iter().any(|i| i.url.contains("{{")));
    }

    #[test]
    fn a_side_list_alone_is_not_the_page_list() {
        let html = r#"<div class="main"><ul id="list"></ul></div>
<div class="right"><div class="box"><h3>热点关注</h3><ul class="list"><li><a href="/a/t20260524_1.html">热点一</a><span>2026-05-24</span></li></ul></div>
<div class="box"><div class="hd"><span>相关文章</span></div><div class="bd"><ul><li><a href="/a/t20260523_2.html">相关一</a><span>2026-05-23</span></li></ul></div></div>
<ul class="rank-list"><li><a href="/a/t20260522_3.html">排行一</a><span>2026-05-22</span></li></ul></div>"#;
        assert!(scan(html, "https://x.gov.cn/a/", false).is_empty());
        // The homepage takes every list.
        assert_eq!(scan(html, "https://x.gov.cn/a/", true).len(), 3);
    }

    #[test]
    fn boxes_of_other_columns_are_not_blocks_of_the_list() {
        // A column overview page: two boxes with headings and 更多 links, the
        // same markup inside. The main list is one box, not both.
        let html = r#"<div class="wrap"><div class="box"><h3><a href="/a/">工作动态</a><a href="/a/" class="more">更多</a></h3><ul class="list">
<li><a href="/a/t20260520_1.html">动态一</a><span>2026-05-20</span></li><li><a href="/a/t20260519_2.html">动态二</a><span>2026-05-19</span></li><li><a href="/a/t20260518_3.html">动态三</a><span>2026-05-18</span></li></ul></div>
<div class="box"><h3><a href="/b/">通知公告</a><a href="/b/" class="more">更多</a></h3><ul class="list">
<li><a href="/b/t20260510_4.html">公告一</a><span>2026-05-10</span></li><li><a href="/b/t20260509_5.html">公告二</a><span>2026-05-09</span></li></ul></div></div>"#;
        let items = scan(html, "https://x.gov.cn/zwgk/", false);
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["动态一", "动态二", "动态三"]);
    }

    #[test]
    fn dates_in_title_attributes_and_after_the_title() {
        let html = r#"<ul class="list">
<li><a href="/a/202603/t20260315_1.html">关于开展安全检查的通知</a><span class="date" title="2026-03-15 09:30">03-15</span></li>
<li><a href="/a/202603/t20260314_2.html">关于公布名单的公告 2026-03-14</a></li>
<li><a href="/a/202603/t20260313_3.html" title="关于印发办法的通知">关于印发办法的通知 2026年3月13日</a></li>
<li><a href="/a/t4.html">沪知局〔2026〕第2026号</a></li></ul>"#;
        let items = scan(html, "https://x.gov.cn/a/", false);
        assert_eq!(items[0].date, full(2026, 3, 15));
        assert_eq!(items[1].title, "关于公布名单的公告");
        assert_eq!(items[1].date, full(2026, 3, 14));
        assert_eq!(items[2].title, "关于印发办法的通知");
        assert_eq!(items[2].date, full(2026, 3, 13));
        assert_eq!(items[3].date, None);
    }

    #[test]
    fn a_site_date_pattern_reads_its_own_shape() {
        let html = r#"<ul class="list"><li><a href="/a/t1.html">标题一</a><em>15/03/2026</em></li>
<li><a href="/a/t2.html">标题二</a><em>2026-03-14</em></li></ul>"#;
        let doc = Html::parse_document(html);
        let u = Url::parse("https://x.gov.cn/a/").unwrap();
        let p = DatePattern::new(r"(?P<d>\d{2})/(?P<m>\d{2})/(?P<y>\d{4})").unwrap();
        let opts = ListOptions {
            selector: None,
            date_pattern: Some(&p),
        };
        let items = items(
            &doc,
            &Layout::of(&doc),
            &u,
            &u,
            opts,
            false,
            &Phrases::new(&phrases()),
        );
        assert_eq!(items[0].date, full(2026, 3, 15));
        // Only the site's shape counts once it is given.
        assert_eq!(items[1].date, None);
    }

    #[test]
    fn rows_under_a_detached_node_count_as_select_finds_them() {
        let src = Html::parse_document(
            r#"<div><ul><li><a href="/a/t20260520_9.html">游离的条目</a></li></ul></div>"#,
        );
        let el = |sel: &str| src.select(&Selector::parse(sel).unwrap()).next().unwrap();
        let mut doc = Html::parse_document(TRS);
        let node = |sel: &str| Node::Element(el(sel).value().clone());
        let mut ul = doc.tree.orphan(node("ul"));
        let mut li = ul.append(node("li"));
        let mut a = li.append(node("a"));
        a.append(el("a").first_child().unwrap().value().clone());
        let all = scan_doc(&doc, "https://x.gov.cn/tzgg/index.html", true);
        assert!(
            all.iter()
                .any(|i| i.url == "https://x.gov.cn/a/t20260520_9.html"),
            "{all:#?}"
        );
    }

    #[test]
    fn pager_texts() {
        for t in [
            "首页",
            "下一页",
            "[尾页]",
            "3",
            "第2页",
            "更多>>",
            "More",
            "»",
        ] {
            assert!(is_pager_text(t), "{t}");
        }
        for t in ["2026年政府信息公开工作年度报告", "首页改版公告", ""] {
            assert!(!is_pager_text(t), "{t}");
        }
    }

    #[test]
    fn hanweb_datastore() {
        let html = r#"<div id="7341"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=1229214366&unitid=1&webname=x&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2026/5/20/art_1229214366_1.html" title="汉云记录一">汉云记录一</a><span>2026-05-20</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2026/5/1/art_1229214366_2.html" title="汉云记录二">汉云记录二</a><span>2026-05-01</span></li>]]></record>
</recordset></datastore></script><totalrecord>45</totalrecord></div>
<script type="text/xml"><datastore><totalrecord>45</totalrecord><totalpage>3</totalpage></datastore></script>"#;
        let doc = Html::parse_document(html);
        let u = Url::parse("https://x.gov.cn/col/col1229214366/index.html").unwrap();
        let ds = datastore(&doc, &u, &u, &Phrases::new(&phrases())).unwrap();
        assert_eq!(ds.items.len(), 2);
        assert_eq!(
            ds.items[0].url,
            "https://x.gov.cn/art/2026/5/20/art_1229214366_1.html"
        );
        assert_eq!(ds.items[1].date, full(2026, 5, 1));
        assert_eq!(ds.total_records, Some(45));
        assert_eq!(ds.total_pages, Some(3));
        assert!(
            datastore(
                &Html::parse_document("<script>var a=1</script>"),
                &u,
                &u,
                &Phrases::new(&phrases())
            )
            .is_none()
        );
    }

    #[test]
    fn items_round_trip_through_a_spooled_record() {
        let items = [
            ListItem {
                title: "上海市知识产权局2025年政府信息公开工作年度报告".into(),
                url: "http://zscq.sh.gov.cn/zwgk/ndbg/20260120/t1.html".into(),
                date: Some(PartialDate::Full(
                    NaiveDate::from_ymd_opt(2026, 1, 20).unwrap(),
                )),
            },
            ListItem {
                title: "关于开展知识产权宣传周活动的通知".into(),
                url: "http://zscq.sh.gov.cn/zwgk/tzgg/t2.html".into(),
                date: Some(PartialDate::MonthDay { month: 4, day: 26 }),
            },
            ListItem {
                title: String::new(),
                url: "http://zscq.sh.gov.cn/%E6%94%BF%E5%8A%A1.html".into(),
                date: None,
            },
        ];
        let mut buf = Vec::new();
        for it in &items {
            it.encode(&mut buf);
        }
        let mut r = crate::spool::Reader(&buf);
        for it in &items {
            assert_eq!(ListItem::decode(&mut r).as_ref(), Some(it));
        }
        assert!(r.is_empty());
        // A cut record reads as nothing, not as a wrong item.
        assert_eq!(
            ListItem::decode(&mut crate::spool::Reader(&buf[..10])),
            None
        );
    }
}
