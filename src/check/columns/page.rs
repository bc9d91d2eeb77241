//! Page facts for the column checks: which parts of a document are navigation
//! (chrome), the article's meta tags (`ColumnName`, `PubDate`, `ArticleTitle`),
//! its breadcrumb, the visible 发布日期 block, the TRS page count, an empty-list
//! marker (暂无信息) and the amount of text.
//!
//! Everything here walks the tree iteratively (no recursion on hostile nesting)
//! and caps what it keeps.

use crate::check::dates;
use crate::rules::columns::label;
use chrono::NaiveDate;
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Collapses runs of whitespace to one space and trims.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Truncates to `n` characters.
pub fn cap_chars(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => s.get(..i).unwrap_or(s).to_string(),
        None => s.to_string(),
    }
}

/// Class or id tokens that mark navigation, headers, footers, breadcrumbs and
/// pagers, matched as a whole token …
const CHROME_WHOLE: &[&str] = &[
    "top",
    "head",
    "foot",
    "bottom",
    "dh",
    "daohang",
    "link",
    "links",
    "yqlj",
    "dqwz",
    "position",
    "location",
    "share",
    "copyright",
    "sitemap",
];
/// … or as a `-`/`_` part of a token (`main-nav`, `sub_menu`).
const CHROME_PART: &[&str] = &[
    "nav",
    "navbar",
    "menu",
    "header",
    "footer",
    "crumb",
    "crumbs",
    "breadcrumb",
    "pagination",
    "pager",
    "paging",
    "fenye",
    "friendlink",
    "topbar",
    "subnav",
    "mainnav",
];

fn chrome_attr(v: &str) -> bool {
    v.split_whitespace().any(|tok| {
        let t = tok.to_ascii_lowercase();
        CHROME_WHOLE.contains(&t.as_str()) || t.split(['-', '_']).any(|p| CHROME_PART.contains(&p))
    })
}

fn is_chrome_element(e: &scraper::node::Element) -> bool {
    matches!(e.name(), "nav" | "header" | "footer")
        || e.attr("class").is_some_and(chrome_attr)
        || e.id().is_some_and(chrome_attr)
}

fn is_row_name(n: &str) -> bool {
    matches!(n, "li" | "tr" | "dd")
}

/// What one pass over the tree found about its structure.
#[derive(Debug, Default)]
pub struct Layout {
    /// Nodes inside navigation-like containers.
    chrome: HashSet<NodeId>,
    /// Nodes inside script, style, template, select …: not visible text.
    hidden: HashSet<NodeId>,
    /// Elements that contain a `li`/`tr`/`dd` below them.
    has_row_below: HashSet<NodeId>,
}

impl Layout {
    /// One iterative pass over the document.
    pub fn of(doc: &Html) -> Layout {
        let mut l = Layout::default();
        // (chrome, hidden, contains a row) per open element.
        let mut stack: Vec<(bool, bool, bool)> = Vec::new();
        for edge in doc.tree.root().traverse() {
            match edge {
                Edge::Open(n) => {
                    let (pc, ph) = stack.last().map_or((false, false), |s| (s.0, s.1));
                    match n.value() {
                        Node::Element(e) => {
                            let c = pc || is_chrome_element(e);
                            let h = ph
                                || matches!(
                                    e.name(),
                                    "script"
                                        | "style"
                                        | "template"
                                        | "noscript"
                                        | "select"
                                        | "option"
                                        | "head"
                                );
                            if c {
                                l.chrome.insert(n.id());
                            }
                            if h {
                                l.hidden.insert(n.id());
                            }
                            stack.push((c, h, false));
                        }
                        _ => {
                            if pc {
                                l.chrome.insert(n.id());
                            }
                            if ph {
                                l.hidden.insert(n.id());
                            }
                        }
                    }
                }
                Edge::Close(n) => {
                    if let Node::Element(e) = n.value() {
                        let Some((_, _, below)) = stack.pop() else {
                            continue;
                        };
                        if below {
                            l.has_row_below.insert(n.id());
                        }
                        if (below || is_row_name(e.name()))
                            && let Some(parent) = stack.last_mut()
                        {
                            parent.2 = true;
                        }
                    }
                }
            }
        }
        l
    }

    /// Whether the node is inside navigation, header, footer, breadcrumb or pager.
    pub fn in_chrome(&self, id: NodeId) -> bool {
        self.chrome.contains(&id)
    }
    /// Whether the node is inside a script, style or other invisible element.
    pub fn is_hidden(&self, id: NodeId) -> bool {
        self.hidden.contains(&id)
    }
    /// Whether a `li`/`tr`/`dd` is nested below this element.
    pub fn has_row_below(&self, id: NodeId) -> bool {
        self.has_row_below.contains(&id)
    }
}

/// The article meta tags of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// `<meta name="ColumnName">`.
    pub column_name: Option<String>,
    /// `<meta name="PubDate">` (a full date).
    pub pubdate: Option<NaiveDate>,
    /// `<meta name="ArticleTitle">`.
    pub article_title: Option<String>,
}

static META: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("meta[name]").expect("constant selector"));
static TITLE: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("title").expect("constant selector"));
static LINK: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a").expect("constant selector"));

/// Reads the meta tags (names compared case-insensitively).
pub fn meta(doc: &Html) -> Meta {
    let mut m = Meta::default();
    for e in doc.select(&META) {
        let name = e
            .value()
            .attr("name")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let content = collapse(e.value().attr("content").unwrap_or(""));
        if content.is_empty() {
            continue;
        }
        match name.as_str() {
            "columnname" if m.column_name.is_none() => {
                m.column_name = Some(cap_chars(&content, 60))
            }
            "pubdate" | "publishdate" if m.pubdate.is_none() => {
                m.pubdate = dates::find_full(&content)
            }
            "articletitle" if m.article_title.is_none() => {
                m.article_title = Some(cap_chars(&content, 200))
            }
            _ => {}
        }
    }
    m
}

/// The `<title>` text.
pub fn title(doc: &Html) -> Option<String> {
    let t = collapse(&doc.select(&TITLE).next()?.text().collect::<String>());
    (!t.is_empty()).then(|| cap_chars(&t, 200))
}

const CRUMB_MARKS: &[&str] = &[
    "crumb", "position", "location", "dqwz", "weizhi", "curpos", "bread",
];
const CRUMB_LABELS: &[&str] = &[
    "当前位置",
    "您的位置",
    "您现在的位置",
    "您当前的位置",
    "所在位置",
    "现在位置",
];
const CRUMB_SEPS: &[char] = &['>', '»', '›', '＞', '→', '/', '|', '\\'];

fn crumb_element(doc: &Html) -> Option<ElementRef<'_>> {
    for n in doc.tree.root().descendants() {
        if let Some(e) = ElementRef::wrap(n) {
            let v = e.value();
            let marked = [v.attr("class"), v.id()].into_iter().flatten().any(|a| {
                let a = a.to_ascii_lowercase();
                CRUMB_MARKS.iter().any(|m| a.contains(m))
            });
            if marked && e.select(&LINK).next().is_some() {
                return Some(e);
            }
        } else if let Node::Text(t) = n.value()
            && CRUMB_LABELS.iter().any(|l| t.contains(l))
        {
            // Climb to the first ancestor that holds links (at most 3 levels).
            let mut cur = n.parent();
            for _ in 0..3 {
                let Some(p) = cur else { break };
                if let Some(e) = ElementRef::wrap(p)
                    && e.select(&LINK).next().is_some()
                {
                    return Some(e);
                }
                cur = p.parent();
            }
        }
    }
    None
}

fn under_link(n: NodeRef<'_, Node>, stop: NodeId) -> bool {
    for a in n.ancestors() {
        if a.id() == stop {
            return false;
        }
        if let Node::Element(e) = a.value()
            && e.name() == "a"
        {
            return true;
        }
    }
    false
}

/// The breadcrumb (当前位置：首页 > 政务公开 > 通知公告) as segments, labels dropped.
pub fn breadcrumb(doc: &Html) -> Vec<String> {
    let Some(el) = crumb_element(doc) else {
        return Vec::new();
    };
    let mut segs: Vec<String> = Vec::new();
    let mut last_link: Option<NodeId> = None;
    for n in el.descendants() {
        let Node::Text(t) = n.value() else { continue };
        if under_link(n, el.id()) {
            // Text of a link: one segment per link.
            let link = n
                .ancestors()
                .find(|a| matches!(a.value(), Node::Element(e) if e.name() == "a"));
            let id = link.map(|l| l.id());
            let s = collapse(t);
            if s.is_empty() {
                continue;
            }
            if id.is_some() && id == last_link {
                if let Some(lastseg) = segs.last_mut() {
                    lastseg.push_str(&s);
                }
            } else {
                segs.push(s);
            }
            last_link = id;
        } else {
            last_link = None;
            for part in t.split(CRUMB_SEPS) {
                let p = collapse(part);
                let p = p.trim_end_matches([':', '：']).trim();
                if p.is_empty() || CRUMB_LABELS.iter().any(|l| p.contains(l)) {
                    continue;
                }
                segs.push(p.to_string());
            }
        }
        if segs.len() >= 10 {
            break;
        }
    }
    segs.into_iter()
        .map(|s| cap_chars(&s, 40))
        .filter(|s| !label(s).is_empty())
        .collect()
}

static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("constant regex"));

/// The date of a visible 发布日期 / 发布时间 block (信息公开 metadata table or the
/// line under an article title).
pub fn published_block(source: &str) -> Option<NaiveDate> {
    for labelword in ["发布日期", "发布时间", "发文日期"] {
        let mut from = 0;
        let mut tries = 0;
        while let Some(i) = source.get(from..).and_then(|s| s.find(labelword)) {
            let start = from + i + labelword.len();
            let mut end = (start + 400).min(source.len());
            while end > start && !source.is_char_boundary(end) {
                end -= 1;
            }
            let window = source.get(start..end).unwrap_or("");
            let text = TAG.replace_all(window, " ");
            // The date must follow the label closely (not the next article's).
            let head: String = text
                .trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '：')
                .chars()
                .take(30)
                .collect();
            if let Some(d) = dates::find_full(&head) {
                return Some(d);
            }
            from = start;
            tries += 1;
            if tries > 5 {
                break;
            }
        }
    }
    None
}

static PAGE_COUNT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r#"createPageHTML\(\s*['"]?(\d{1,6})['"]?\s*,\s*['"]?\d"#,
        r#"createPageHTML\(\s*['"][^'"]*['"]\s*,\s*(\d{1,6})"#,
        r"countPage\s*=\s*(\d{1,6})",
        r"_nPageCount\s*=\s*(\d{1,6})",
    ]
    .iter()
    .map(|p| Regex::new(p).expect("constant regex"))
    .collect()
});

/// The page count a TRS `createPageHTML(count, current, "index", "html")` call
/// (or `var countPage = N`) announces.
pub fn page_count(source: &str) -> Option<u32> {
    PAGE_COUNT.iter().find_map(|re| {
        re.captures(source)
            .and_then(|c| c.get(1)?.as_str().parse().ok())
    })
}

/// Whether `text` is only an empty-list phrase (暂无信息, 暂无数据 …).
pub fn is_empty_phrase(text: &str, phrases: &[String]) -> bool {
    let t = label(text);
    let t = t.trim_matches(|c: char| "!！。.…~".contains(c));
    !t.is_empty() && phrases.iter().any(|p| label(p) == t)
}

/// The first visible empty-list phrase outside navigation.
pub fn empty_marker(doc: &Html, layout: &Layout, phrases: &[String]) -> Option<String> {
    doc.tree.root().descendants().find_map(|n| {
        let Node::Text(t) = n.value() else {
            return None;
        };
        if layout.in_chrome(n.id()) || layout.is_hidden(n.id()) || t.len() > 60 {
            return None;
        }
        is_empty_phrase(t, phrases).then(|| collapse(t))
    })
}

/// Characters of visible text outside navigation (counting stops at `cap`).
pub fn content_chars(doc: &Html, layout: &Layout, cap: usize) -> usize {
    let mut n = 0;
    for node in doc.tree.root().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        if layout.in_chrome(node.id()) || layout.is_hidden(node.id()) {
            continue;
        }
        n += t.chars().filter(|c| !c.is_whitespace()).count();
        if n >= cap {
            return cap;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn meta_tags() {
        let doc = Html::parse_document(
            r#"<html><head><meta name="ColumnName" content="通知公告"><meta name="pubdate" content="2026-05-20 09:30">
            <meta name="ArticleTitle" content="关于开展2026年专利试点的通知"><title> 标题 </title></head><body></body></html>"#,
        );
        let m = meta(&doc);
        assert_eq!(m.column_name.as_deref(), Some("通知公告"));
        assert_eq!(m.pubdate, Some(d(2026, 5, 20)));
        assert_eq!(
            m.article_title.as_deref(),
            Some("关于开展2026年专利试点的通知")
        );
        assert_eq!(title(&doc).as_deref(), Some("标题"));
        let none =
            Html::parse_document("<html><head><meta name=PubDate content='不详'></head></html>");
        assert_eq!(meta(&none), Meta::default());
    }

    #[test]
    fn breadcrumbs() {
        let doc = Html::parse_document(
            r#"<div class="bread-crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务<b>公开</b></a> &gt; <a href="/xwdt/">新闻动态</a> &gt; 正文</div>"#,
        );
        assert_eq!(
            breadcrumb(&doc),
            vec!["首页", "政务公开", "新闻动态", "正文"]
        );
        let doc = Html::parse_document(
            r#"<table><tr><td><span>您现在的位置：</span><a href="/">首页</a>»<a href="/tzgg/">通知公告</a></td></tr></table>"#,
        );
        assert_eq!(breadcrumb(&doc), vec!["首页", "通知公告"]);
        let doc = Html::parse_document(r#"<div class="content"><a href="/">首页</a></div>"#);
        assert!(breadcrumb(&doc).is_empty());
    }

    #[test]
    fn publication_blocks() {
        assert_eq!(
            published_block("<td>索引号</td><td>x</td><td>发布日期：</td><td>2026年05月20日</td>"),
            Some(d(2026, 5, 20))
        );
        assert_eq!(
            published_block("<span>发布时间:2026-05-20 10:00</span>"),
            Some(d(2026, 5, 20))
        );
        assert_eq!(
            published_block(
                "<th>发布日期</th></tr><tr><td>文章</td><td>很长很长的标题很长很长的标题很长很长的标题很长很长的标题</td><td>2026-05-20</td>"
            ),
            None
        );
        assert_eq!(published_block("无日期"), None);
        assert_eq!(published_block("发布日期"), None);
        assert_eq!(
            published_block("发布日期：二〇二六年五月二十日"),
            Some(d(2026, 5, 20))
        );
    }

    #[test]
    fn page_counts() {
        assert_eq!(
            page_count(r#"createPageHTML(17, 0, "index", "html");"#),
            Some(17)
        );
        assert_eq!(
            page_count(r#"createPageHTML('page_div', 5, 1, 'center_flist', 'shtml', 80)"#),
            Some(5)
        );
        assert_eq!(
            page_count("var currentPage = 0;var countPage = 9//共多少页"),
            Some(9)
        );
        assert_eq!(page_count("no script"), None);
    }

    #[test]
    fn layout_and_empty_marker() {
        let doc = Html::parse_document(
            r#"<div class="main-nav"><ul><li><a href="/a/">暂无信息</a></li></ul></div>
            <div class="list"><ul><li>暂无数据！</li></ul></div><script>var x = "暂无信息";</script>"#,
        );
        let l = Layout::of(&doc);
        let phrases = vec!["暂无信息".to_string(), "暂无数据".to_string()];
        assert_eq!(
            empty_marker(&doc, &l, &phrases).as_deref(),
            Some("暂无数据！")
        );
        let ok = Html::parse_document(r#"<div><p>本栏目暂无信息更新计划说明……</p></div>"#);
        assert_eq!(empty_marker(&ok, &Layout::of(&ok), &phrases), None);
        assert!(content_chars(&doc, &l, 1000) < 10);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!(
            "{}<li><a href='/x/t20260520_1.html'>x</a></li>{}",
            "<div>".repeat(3_000),
            "</div>".repeat(3_000)
        );
        let doc = Html::parse_document(&html);
        let l = Layout::of(&doc);
        let _ = breadcrumb(&doc);
        let _ = content_chars(&doc, &l, 100);
    }
}
