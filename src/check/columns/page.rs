//! Page facts for the column checks: which parts of a document are navigation
//! (chrome), the article's meta tags (`ColumnName`, `PubDate`, `ArticleTitle`),
//! its breadcrumb, the visible 发布日期 block, the TRS page count, an empty-list
//! marker (暂无信息) and the amount of text.
//!
//! Everything here walks the tree iteratively (no recursion on hostile nesting)
//! and caps what it keeps. A page is looked at in few passes: [`head`] runs once
//! over the node arena (document order of `Html::select`: meta tags, title,
//! base), [`walk`] once over the tree (navigation and hidden parts, breadcrumb,
//! empty marker, text amount, and the [`Layout`] for list parsing), and
//! [`Hints::of`] once over the source text.

use crate::check::dates;
use crate::rules::columns::label;
use chrono::NaiveDate;
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use regex::Regex;
use scraper::node::Element;
use scraper::{ElementRef, Html, Node, Selector};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::LazyLock;

/// Collapses runs of whitespace to one space and trims.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Truncates to `n` characters.
pub fn cap_chars(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => s.get(..i).unwrap_or(s).to_string(),
        None => s.to_string(),
    }
}

/// The value of an attribute in no namespace (what `[name]` selectors and
/// `Element::attr` match), without building an atom for the name.
pub(crate) fn attr<'e>(e: &'e Element, name: &str) -> Option<&'e str> {
    e.attrs
        .iter()
        .find(|(k, _)| k.ns.is_empty() && &*k.local == name)
        .map(|(_, v)| &**v)
}

/// `hay.contains(needle)`, without the searcher set-up on short texts.
fn has(hay: &str, needle: &str) -> bool {
    if hay.len() > 64 {
        return hay.contains(needle);
    }
    let h = hay.as_bytes();
    let Some((first, rest)) = needle.as_bytes().split_first() else {
        return true;
    };
    h.iter().enumerate().any(|(i, b)| {
        b == first
            && h.get(i + 1..i + 1 + rest.len())
                .is_some_and(|w| w.iter().zip(rest).all(|(x, y)| x == y))
    })
}

/// The `class` and `id` attributes (as `attr(e, "class")` and `e.id()`: no
/// attribute in a namespace is named `id`).
fn class_and_id(e: &Element) -> (Option<&str>, Option<&str>) {
    let (mut class, mut id) = (None, None);
    for (k, v) in &e.attrs {
        if k.ns.is_empty() {
            match &*k.local {
                "class" => class = Some(&**v),
                "id" => id = Some(&**v),
                _ => {}
            }
        }
    }
    (class, id)
}

/// Whether `hay`, ASCII-lowercased, contains `needle` (lowercase ASCII).
fn contains_ascii_ci(hay: &str, needle: &str) -> bool {
    let n = needle.len();
    n == 0
        || hay
            .as_bytes()
            .windows(n)
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
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
    let is = |list: &[&str], t: &str| list.iter().any(|w| t.eq_ignore_ascii_case(w));
    v.split_whitespace()
        .any(|tok| is(CHROME_WHOLE, tok) || tok.split(['-', '_']).any(|p| is(CHROME_PART, p)))
}

/// Layout flags (and tag kinds): inside navigation …
const CHROME: u8 = 1;
/// … inside an invisible element …
const HIDDEN: u8 = 2;
/// … with a row below.
const ROW_BELOW: u8 = 4;
/// Tag kinds only: a list row, …
const ROW: u8 = 8;
/// … `<meta>`, `<title>`, `<base>`.
const META: u8 = 16;
const TITLE: u8 = 32;
const BASE: u8 = 64;

/// What a tag name alone says: navigation (`nav`, `header`, `footer`),
/// invisible (`script`, `style`, `template`, `noscript`, `select`, `option`,
/// `head`), a list row (`li`, `tr`, `dd`), or a tag [`Head`] reads.
fn tag_kind(name: &str) -> u8 {
    match name {
        "nav" | "header" | "footer" => CHROME,
        "script" | "style" | "template" | "noscript" | "select" | "option" | "head" => HIDDEN,
        "li" | "tr" | "dd" => ROW,
        "meta" => META,
        "title" => TITLE,
        "base" => BASE,
        _ => 0,
    }
}

/// What one pass over the tree found about its structure, for every element.
#[derive(Debug, Default)]
pub struct Layout {
    /// Flags of the elements in the tree, sorted by node id.
    elements: Vec<(NodeId, u8)>,
    /// The tree holds every node of the document (none detached).
    complete: bool,
}

impl Layout {
    /// One iterative pass over the document.
    pub fn of(doc: &Html) -> Layout {
        walk(doc, &Phrases::default(), 0, true).layout
    }

    fn flags(&self, id: NodeId) -> u8 {
        self.elements
            .binary_search_by_key(&id, |e| e.0)
            .ok()
            .and_then(|i| self.elements.get(i))
            .map_or(0, |e| e.1)
    }
    /// Whether the element is inside navigation, header, footer, breadcrumb or pager.
    pub fn in_chrome(&self, id: NodeId) -> bool {
        self.flags(id) & CHROME != 0
    }
    /// Whether the element is inside a script, style or other invisible element.
    pub fn is_hidden(&self, id: NodeId) -> bool {
        self.flags(id) & HIDDEN != 0
    }
    /// Whether a `li`/`tr`/`dd` is nested below this element.
    pub fn has_row_below(&self, id: NodeId) -> bool {
        self.flags(id) & ROW_BELOW != 0
    }
    /// The `li`/`tr`/`dd` elements in the order of `Html::select`, when the
    /// layout knows them all (else None: select them).
    pub fn rows<'a>(&self, doc: &'a Html) -> Option<impl Iterator<Item = ElementRef<'a>>> {
        self.complete.then(|| {
            self.elements
                .iter()
                .filter(|e| e.1 & ROW != 0)
                .filter_map(|e| doc.tree.get(e.0).and_then(ElementRef::wrap))
        })
    }
}

/// Empty-list phrases (暂无信息 …) prepared for testing many texts.
#[derive(Debug, Clone)]
pub struct Phrases {
    /// The phrases, normalised by [`label`].
    labels: Vec<String>,
    /// The first character of each non-empty label: a text without any of them
    /// cannot be a phrase.
    firsts: Vec<String>,
    /// The first bytes of `firsts`.
    leads: [bool; 256],
}

impl Default for Phrases {
    /// No phrases.
    fn default() -> Phrases {
        Phrases::new(&[])
    }
}

impl Phrases {
    /// Prepares the phrases of the rules.
    pub fn new(phrases: &[String]) -> Phrases {
        let labels: Vec<String> = phrases.iter().map(|p| label(p)).collect();
        let mut firsts: Vec<String> = labels
            .iter()
            .filter_map(|l| l.chars().next())
            .map(String::from)
            .collect();
        firsts.sort_unstable();
        firsts.dedup();
        let mut leads = [false; 256];
        for f in &firsts {
            if let Some(&b) = f.as_bytes().first() {
                leads[usize::from(b)] = true;
            }
        }
        Phrases {
            labels,
            firsts,
            leads,
        }
    }

    /// [`Phrases::new`], kept per thread for the last list asked for (the
    /// rules' list: one preparation per crawl thread, not one per page).
    pub fn cached(phrases: &[String]) -> Rc<Phrases> {
        thread_local! {
            static LAST: RefCell<Option<(Vec<String>, Rc<Phrases>)>> = const { RefCell::new(None) };
        }
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            match &*last {
                Some((list, p)) if list.as_slice() == phrases => Rc::clone(p),
                _ => {
                    let p = Rc::new(Phrases::new(phrases));
                    *last = Some((phrases.to_vec(), Rc::clone(&p)));
                    p
                }
            }
        })
    }

    /// Whether `text` is only an empty-list phrase (see [`is_empty_phrase`]).
    pub fn matches(&self, text: &str) -> bool {
        let h = text.as_bytes();
        let starts_first = |i: usize| {
            let r = h.get(i..).unwrap_or_default();
            self.firsts.iter().any(|f| r.starts_with(f.as_bytes()))
        };
        if !h
            .iter()
            .enumerate()
            .any(|(i, &b)| self.leads[usize::from(b)] && starts_first(i))
        {
            return false;
        }
        let t = label(text);
        let t = t.trim_matches(|c: char| "!！。.…~".contains(c));
        !t.is_empty() && self.labels.iter().any(|p| p == t)
    }
}

/// Whether `text` is only an empty-list phrase (暂无信息, 暂无数据 …).
pub fn is_empty_phrase(text: &str, phrases: &[String]) -> bool {
    Phrases::new(phrases).matches(text)
}

/// What the tree walk found in the visible text.
#[derive(Debug, Default)]
pub struct TextFacts<'a> {
    /// The breadcrumb element (see [`breadcrumb`]).
    pub crumb: Option<ElementRef<'a>>,
    /// The first visible empty-list phrase outside navigation.
    pub empty_marker: Option<String>,
    /// Characters of visible text outside navigation (at most the cap).
    pub content_chars: usize,
}

/// Non-whitespace characters of `t` (as `t.chars().filter(|c| !c.is_whitespace()).count()`),
/// or a lower bound of them: `(count, exact)`.
fn visible_chars(t: &str) -> (usize, bool) {
    // Bytes that start a character less ASCII whitespace, and bytes that can
    // start other whitespace (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000),
    // counted in byte lanes (vectorises).
    let (mut n, mut other) = (0usize, 0usize);
    for chunk in t.as_bytes().chunks(255) {
        let (mut count, mut lead) = (0u8, 0u8);
        for &x in chunk {
            let start = (x as i8) >= -0x40;
            let ascii_ws = x == b' ' || x.wrapping_sub(b'\t') < 5;
            count = count.wrapping_add(u8::from(start & !ascii_ws));
            lead = lead.wrapping_add(u8::from((x == 0xc2) | (x.wrapping_sub(0xe1) < 3)));
        }
        n += usize::from(count);
        other += usize::from(lead);
    }
    (n.saturating_sub(other), other == 0)
}

/// The exact [`visible_chars`].
fn visible_chars_exact(t: &str) -> usize {
    t.chars().filter(|c| !c.is_whitespace()).count()
}

/// What [`walk`] found.
#[derive(Debug, Default)]
pub struct Scan<'a> {
    /// The layout (empty unless asked for).
    pub layout: Layout,
    /// Facts of the visible text.
    pub text: TextFacts<'a>,
    /// Meta tags, title and base.
    pub head: Head<'a>,
}

/// One iterative pass over the tree: the [`TextFacts`] (empty-list phrases
/// from `phrases`, text counted up to `cap`), the [`Head`] and, when `layout`,
/// the [`Layout`] of every element (else an empty one).
pub fn walk<'a>(doc: &'a Html, phrases: &Phrases, cap: usize, layout: bool) -> Scan<'a> {
    struct Open {
        chrome: bool,
        hidden: bool,
        /// The element is a `li`/`tr`/`dd`.
        row: bool,
        /// A row is nested below.
        below: bool,
        /// Index in `elements`.
        at: usize,
    }
    let mut elements: Vec<(NodeId, u8)> = Vec::new();
    let mut facts = TextFacts::default();
    let mut stack: Vec<Open> = Vec::with_capacity(64);
    // Head tags, ordered later by node id (the order of `Html::select`).
    let mut metas: Vec<(NodeId, &'a str, &'a Element)> = Vec::new();
    let mut title: Option<NodeRef<'a, Node>> = None;
    let mut base: Option<(NodeId, &'a str)> = None;
    let mut visited = 0usize;
    // Text counted by a lower bound; exact counts only when the total stays
    // under the cap.
    let mut inexact: Vec<&str> = Vec::new();
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(n) => {
                visited += 1;
                let (pc, ph) = stack
                    .last()
                    .map_or((false, false), |s| (s.chrome, s.hidden));
                match n.value() {
                    Node::Element(e) => {
                        let kind = tag_kind(e.name());
                        if kind & META != 0
                            && let Some(name) = attr(e, "name")
                        {
                            metas.push((n.id(), name, e));
                        } else if kind & TITLE != 0 && title.is_none_or(|t| n.id() < t.id()) {
                            title = Some(n);
                        } else if kind & BASE != 0
                            && base.is_none_or(|b| n.id() < b.0)
                            && let Some(href) = attr(e, "href")
                        {
                            base = Some((n.id(), href));
                        }
                        let chrome_unknown = !pc && kind & CHROME == 0;
                        let (class, id) = if chrome_unknown || facts.crumb.is_none() {
                            class_and_id(e)
                        } else {
                            (None, None)
                        };
                        if facts.crumb.is_none() {
                            facts.crumb = crumb_element(n, class, id);
                        }
                        let chrome = !chrome_unknown
                            || class.is_some_and(chrome_attr)
                            || id.is_some_and(chrome_attr);
                        let hidden = ph || kind & HIDDEN != 0;
                        let at = elements.len();
                        if layout {
                            let f = if chrome { CHROME } else { 0 }
                                | if hidden { HIDDEN } else { 0 }
                                | (kind & ROW);
                            elements.push((n.id(), f));
                        }
                        stack.push(Open {
                            chrome,
                            hidden,
                            row: kind & ROW != 0,
                            below: false,
                            at,
                        });
                    }
                    // Only whitespace: no label, no phrase, no characters.
                    Node::Text(t) if t.bytes().all(|b| matches!(b, b' ' | b'\t'..=b'\r')) => {}
                    Node::Text(t) => {
                        if facts.crumb.is_none() {
                            facts.crumb = crumb_label(n, t);
                        }
                        if pc || ph {
                            continue;
                        }
                        if facts.empty_marker.is_none() && t.len() <= 60 && phrases.matches(t) {
                            facts.empty_marker = Some(collapse(t));
                        }
                        if facts.content_chars < cap {
                            let (n, exact) = visible_chars(t);
                            facts.content_chars = (facts.content_chars + n).min(cap);
                            if !exact {
                                inexact.push(t);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if n.value().is_element() {
                    let Some(open) = stack.pop() else {
                        continue;
                    };
                    if open.below
                        && let Some(el) = elements.get_mut(open.at)
                    {
                        el.1 |= ROW_BELOW;
                    }
                    if (open.below || open.row)
                        && let Some(parent) = stack.last_mut()
                    {
                        parent.below = true;
                    }
                }
            }
        }
    }
    if facts.content_chars < cap {
        for t in inexact {
            facts.content_chars += visible_chars_exact(t).saturating_sub(visible_chars(t).0);
        }
        facts.content_chars = facts.content_chars.min(cap);
    }
    elements.sort_unstable_by_key(|e| e.0);
    // `Html::select` also matches in subtrees detached from the document
    // (none in a parsed page, as a rule): then read them in arena order.
    let complete = visited == doc.tree.nodes().len();
    let head = if complete {
        metas.sort_by_key(|m| m.0);
        let mut h = Head {
            base_href: base.map(|b| b.1),
            title: title.and_then(ElementRef::wrap).and_then(title_text),
            ..Head::default()
        };
        for (_, name, e) in metas {
            meta_tag(&mut h.meta, name, e);
        }
        h
    } else {
        head(doc)
    };
    Scan {
        layout: Layout { elements, complete },
        text: facts,
        head,
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

/// Meta tags, title and base of a page, as `Html::select` finds them.
#[derive(Debug, Default)]
pub struct Head<'a> {
    /// The meta tags.
    pub meta: Meta,
    /// The first `<title>`'s text (see [`title`]).
    pub title: Option<String>,
    /// The `href` of the first `<base href>`, untrimmed.
    pub base_href: Option<&'a str>,
}

/// Meta tags (names compared case-insensitively), the first `<title>` and the
/// first `<base href>`, in one pass over the node arena (see [`walk`]).
fn head(doc: &Html) -> Head<'_> {
    let mut h = Head::default();
    let mut title = None;
    for n in doc.tree.nodes() {
        let Node::Element(e) = n.value() else {
            continue;
        };
        // As `Html::select`: detached nodes are not matched.
        if n.parent().is_none() {
            continue;
        }
        match e.name() {
            "meta" => {
                if let Some(name) = attr(e, "name") {
                    meta_tag(&mut h.meta, name, e);
                }
            }
            "title" if title.is_none() => title = ElementRef::wrap(n),
            "base" if h.base_href.is_none() => h.base_href = attr(e, "href"),
            _ => {}
        }
    }
    h.title = title.and_then(title_text);
    h
}

fn title_text(t: ElementRef<'_>) -> Option<String> {
    let t = collapse(&t.text().collect::<String>());
    (!t.is_empty()).then(|| cap_chars(&t, 200))
}

fn meta_tag(m: &mut Meta, name: &str, e: &Element) {
    let name = name.trim();
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    let content = || Some(collapse(attr(e, "content").unwrap_or(""))).filter(|c| !c.is_empty());
    if is("columnname") && m.column_name.is_none() {
        m.column_name = content().map(|c| cap_chars(&c, 60));
    } else if (is("pubdate") || is("publishdate")) && m.pubdate.is_none() {
        m.pubdate = content().and_then(|c| dates::find_full(&c));
    } else if is("articletitle") && m.article_title.is_none() {
        m.article_title = content().map(|c| cap_chars(&c, 200));
    }
}

/// Reads the meta tags (names compared case-insensitively).
pub fn meta(doc: &Html) -> Meta {
    walk(doc, &Phrases::default(), 0, false).head.meta
}

/// The `<title>` text.
pub fn title(doc: &Html) -> Option<String> {
    walk(doc, &Phrases::default(), 0, false).head.title
}

static LINK: LazyLock<Selector> = LazyLock::new(|| crate::patterns::selector("a"));

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
/// In every one of [`CRUMB_LABELS`].
const CRUMB_LABEL_CORE: &str = "位置";
const CRUMB_SEPS: &[char] = &['>', '»', '›', '＞', '→', '/', '|', '\\'];

/// The breadcrumb element, if the node (in document order, the first such
/// node) starts one: a crumb-marked element holding links, or a 当前位置
/// label whose nearby ancestor holds links.
fn crumb_at(n: NodeRef<'_, Node>) -> Option<ElementRef<'_>> {
    match n.value() {
        Node::Element(e) => {
            let (class, id) = class_and_id(e);
            crumb_element(n, class, id)
        }
        Node::Text(t) => crumb_label(n, t),
        _ => None,
    }
}

/// [`crumb_at`] of an element with this class and id.
fn crumb_element<'a>(
    n: NodeRef<'a, Node>,
    class: Option<&str>,
    id: Option<&str>,
) -> Option<ElementRef<'a>> {
    let marked = [class, id]
        .into_iter()
        .flatten()
        .any(|a| CRUMB_MARKS.iter().any(|m| contains_ascii_ci(a, m)));
    let e = ElementRef::wrap(n)?;
    (marked && e.select(&LINK).next().is_some()).then_some(e)
}

/// [`crumb_at`] of a text node.
fn crumb_label<'a>(n: NodeRef<'a, Node>, t: &str) -> Option<ElementRef<'a>> {
    if !(has(t, CRUMB_LABEL_CORE) && CRUMB_LABELS.iter().any(|l| has(t, l))) {
        return None;
    }
    // Climb to the first ancestor that holds links (at most 3 levels).
    let mut cur = n.parent();
    for _ in 0..3 {
        let p = cur?;
        if let Some(e) = ElementRef::wrap(p)
            && e.select(&LINK).next().is_some()
        {
            return Some(e);
        }
        cur = p.parent();
    }
    None
}

/// The nearest `<a>` above `n` and below `stop`.
fn link_above(n: NodeRef<'_, Node>, stop: NodeId) -> Option<NodeId> {
    for a in n.ancestors() {
        if a.id() == stop {
            return None;
        }
        if let Node::Element(e) = a.value()
            && e.name() == "a"
        {
            return Some(a.id());
        }
    }
    None
}

/// The breadcrumb (当前位置：首页 > 政务公开 > 通知公告) as segments, labels dropped.
pub fn breadcrumb(doc: &Html) -> Vec<String> {
    doc.tree
        .root()
        .descendants()
        .find_map(crumb_at)
        .map(crumb_segments)
        .unwrap_or_default()
}

/// The segments of a breadcrumb element (see [`TextFacts::crumb`]).
pub fn crumb_segments(el: ElementRef<'_>) -> Vec<String> {
    let mut segs: Vec<String> = Vec::new();
    let mut last_link: Option<NodeId> = None;
    for n in el.descendants() {
        let Node::Text(t) = n.value() else { continue };
        if let Some(link) = link_above(n, el.id()) {
            // Text of a link: one segment per link.
            let id = Some(link);
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
                if p.is_empty() || CRUMB_LABELS.iter().any(|l| has(p, l)) {
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

/// Labels of a visible publication date, by preference.
const PUBLISHED_LABELS: [&str; 3] = ["发布日期", "发布时间", "发文日期"];

/// Every literal [`Hints::of`] looks for: the [`PUBLISHED_LABELS`] (in that
/// order, matched first), then the page-count scripts, Hanweb's datastore and
/// `jpage` pager, data requests of list scripts, front-end template
/// directives and script record counts. No two of them can overlap, so one
/// leftmost scan finds every occurrence.
static HINTS: LazyLock<Regex> = LazyLock::new(|| {
    crate::patterns::regex(concat!(
        "发布日期|发布时间|发文日期|createPageHTML|countPage|_nPageCount|<datastore",
        r"|jpage\(|\$\.ajax|jQuery\.ajax|\$\.get|\$\.post|fetch\(|axios\.",
        "|ms-for|ms-repeat|v-for=",
        "|recordCount|totalRecord|totalCount|pageCount|totalPage",
        "|queryData=|querydata=",
    ))
});

/// What one scan of the source text found.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// End offsets of each of [`PUBLISHED_LABELS`] (the first few).
    published: [Vec<usize>; 3],
    /// A page-count script may be present.
    page_count: bool,
    /// A Hanweb `<datastore` is present.
    pub datastore: bool,
    /// A Hanweb `jpage(` pager call is present.
    pub jpage: bool,
    /// A data request (`$.ajax`, `fetch(` …) is present.
    pub data_call: bool,
    /// A Hanweb jpaas unit-build element (`queryData=` attribute) is present.
    pub unit_build: bool,
    /// A front-end template directive (`ms-for`, `v-for`) is present: the first seen.
    pub template: Option<&'static str>,
    /// A script record or page count variable may be present.
    record_count: bool,
}

impl Hints {
    /// One scan of the source.
    pub fn of(source: &str) -> Hints {
        let mut h = Hints::default();
        for m in HINTS.find_iter(source) {
            match PUBLISHED_LABELS.iter().position(|l| *l == m.as_str()) {
                Some(i) => {
                    if let Some(v) = h.published.get_mut(i)
                        && v.len() < 6
                    {
                        v.push(m.end());
                    }
                }
                None => match m.as_str() {
                    "<datastore" => h.datastore = true,
                    "jpage(" => h.jpage = true,
                    "ms-for" | "ms-repeat" => h.template = h.template.or(Some("ms-for")),
                    "v-for=" => h.template = h.template.or(Some("v-for")),
                    "recordCount" | "totalRecord" | "totalCount" | "pageCount" | "totalPage" => {
                        h.record_count = true;
                    }
                    "createPageHTML" | "countPage" | "_nPageCount" => h.page_count = true,
                    "queryData=" | "querydata=" => h.unit_build = true,
                    _ => h.data_call = true,
                },
            }
        }
        h
    }
}

static RECORD_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    crate::patterns::regex(
        r#"\b(?:recordCount|totalRecords?|totalCount)\b\s*[:=]\s*['"]?(\d{1,9})\b"#,
    )
});
static PAGE_VAR: LazyLock<Regex> = LazyLock::new(|| {
    crate::patterns::regex(r#"\b(?:pageCount|totalPages?)\b\s*[:=]\s*['"]?(\d{1,6})\b"#)
});

/// The largest record count a script variable announces (`var recordCount = 75`,
/// `totalRecord: 137`, `totalCount = "75"`); zero counts are no counts.
pub fn record_count_in(source: &str, hints: &Hints) -> Option<u32> {
    if !hints.record_count {
        return None;
    }
    RECORD_COUNT
        .captures_iter(source)
        .take(50)
        .filter_map(|c| c.get(1)?.as_str().parse::<u32>().ok())
        .filter(|n| *n > 0)
        .max()
}

/// The date of a visible 发布日期 / 发布时间 block (信息公开 metadata table or the
/// line under an article title).
pub fn published_block(source: &str) -> Option<NaiveDate> {
    published_block_in(source, &Hints::of(source))
}

/// [`published_block`] with the source already scanned.
pub fn published_block_in(source: &str, hints: &Hints) -> Option<NaiveDate> {
    // The first six occurrences of each label, labels by preference.
    for &start in hints.published.iter().flatten() {
        let mut end = (start + 400).min(source.len());
        while end > start && !source.is_char_boundary(end) {
            end -= 1;
        }
        let window = source.get(start..end).unwrap_or("");
        // The date must follow the label closely (not the next article's).
        if let Some(d) = dates::find_full(&text_after_label(window, 30)) {
            return Some(d);
        }
    }
    None
}

/// The first `n` characters of `window` with every tag (`<…>`) replaced by a
/// space, leading whitespace and colons skipped.
fn text_after_label(window: &str, n: usize) -> String {
    let mut out = String::new();
    let mut taken = 0;
    let mut leading = true;
    let mut rest = window;
    loop {
        // A tag runs from a `<` to the next `>`; a `<` without one is text.
        let tag = rest
            .find('<')
            .and_then(|i| Some((i, i + rest.get(i..)?.find('>')? + 1)));
        let text = match tag {
            Some((i, _)) => rest.get(..i).unwrap_or(""),
            None => rest,
        };
        for c in text.chars().chain(tag.map(|_| ' ')) {
            if leading && (c.is_whitespace() || c == ':' || c == '：') {
                continue;
            }
            leading = false;
            out.push(c);
            taken += 1;
            if taken >= n {
                return out;
            }
        }
        match tag.and_then(|(_, end)| rest.get(end..)) {
            Some(r) => rest = r,
            None => return out,
        }
    }
}

static PAGE_COUNT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r#"createPageHTML\(\s*['"]?(\d{1,6})['"]?\s*,\s*['"]?\d"#,
        r#"createPageHTML\(\s*['"][^'"]*['"]\s*,\s*(\d{1,6})"#,
        r"countPage\s*=\s*(\d{1,6})",
        r"_nPageCount\s*=\s*(\d{1,6})",
    ]
    .iter()
    .map(|p| crate::patterns::regex(p))
    .collect()
});

/// The page count a TRS `createPageHTML(count, current, "index", "html")` call
/// (or `var countPage = N`) announces.
pub fn page_count(source: &str) -> Option<u32> {
    page_count_in(source, &Hints::of(source))
}

/// [`page_count`] with the source already scanned.
pub fn page_count_in(source: &str, hints: &Hints) -> Option<u32> {
    let pager = hints
        .page_count
        .then(|| {
            PAGE_COUNT.iter().find_map(|re| {
                re.captures(source)
                    .and_then(|c| c.get(1)?.as_str().parse().ok())
            })
        })
        .flatten();
    // A pagebar filled from `pageCount` / `totalPage` variables.
    pager.or_else(|| {
        hints
            .record_count
            .then(|| {
                PAGE_VAR
                    .captures_iter(source)
                    .take(50)
                    .filter_map(|c| c.get(1)?.as_str().parse::<u32>().ok())
                    .filter(|n| *n > 0)
                    .max()
            })
            .flatten()
    })
}

/// The first visible empty-list phrase outside navigation.
pub fn empty_marker(doc: &Html, phrases: &[String]) -> Option<String> {
    walk(doc, &Phrases::new(phrases), 0, false)
        .text
        .empty_marker
}

/// Characters of visible text outside navigation (counting stops at `cap`).
pub fn content_chars(doc: &Html, cap: usize) -> usize {
    walk(doc, &Phrases::default(), cap, false)
        .text
        .content_chars
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
    fn head_tags_under_a_detached_node_count_as_select_finds_them() {
        let src = Html::parse_document(
            r#"<div><meta name="ColumnName" content="通知公告"><base href="/x/"></div>"#,
        );
        let value = |sel: &str| {
            let sel = Selector::parse(sel).unwrap();
            Node::Element(src.select(&sel).next().unwrap().value().clone())
        };
        let mut doc = Html::parse_document("<title>标题</title><p>正文</p>");
        let mut div = doc.tree.orphan(value("div"));
        div.append(value("meta"));
        div.append(value("base"));
        assert_eq!(meta(&doc).column_name.as_deref(), Some("通知公告"));
        assert_eq!(title(&doc).as_deref(), Some("标题"));
        let scan = walk(&doc, &Phrases::default(), 0, false);
        assert_eq!(scan.head.base_href, Some("/x/"));
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
    fn text_after_label_strips_tags_like_the_regex() {
        let tag = Regex::new(r"<[^>]*>").unwrap();
        let reference = |w: &str| -> String {
            tag.replace_all(w, " ")
                .trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '：')
                .chars()
                .take(30)
                .collect()
        };
        let alphabet = [
            '<', '>', ':', '：', ' ', '\n', '2', '-', '日', 'a', '/', '\u{3000}',
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut w = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 40) {
                w.push(alphabet[((seed >> (k % 50)) as usize ^ (k as usize * 7)) % alphabet.len()]);
            }
            assert_eq!(text_after_label(&w, 30), reference(&w), "{w:?}");
        }
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
    fn script_record_and_page_counts() {
        let src = r#"<script>var pageCount = 5; var recordCount = 75; var currPage = 1;</script>
            <div ms-controller="list"><li ms-for="el in @list">{{el.title}}</li></div>"#;
        let h = Hints::of(src);
        assert_eq!(record_count_in(src, &h), Some(75));
        assert_eq!(page_count_in(src, &h), Some(5));
        assert_eq!(h.template, Some("ms-for"));
        let js = "$('#1').jpage({totalRecord:137,perPage:15}); $.ajax({url:'/x'})";
        let h = Hints::of(js);
        assert!(h.jpage && h.data_call);
        assert_eq!(record_count_in(js, &h), Some(137));
        // Zero is no count; look-alike names are not counts.
        let z = "var totalCount = 0; var myrecordCount2 = 9; recordCountry = 4";
        assert_eq!(record_count_in(z, &Hints::of(z)), None);
        assert_eq!(record_count_in("no counts", &Hints::of("no counts")), None);
    }

    #[test]
    fn layout_and_empty_marker() {
        let doc = Html::parse_document(
            r#"<div class="main-nav"><ul><li><a href="/a/">暂无信息</a></li></ul></div>
            <div class="list"><ul><li>暂无数据！</li></ul></div><script>var x = "暂无信息";</script>"#,
        );
        let phrases = vec!["暂无信息".to_string(), "暂无数据".to_string()];
        assert_eq!(empty_marker(&doc, &phrases).as_deref(), Some("暂无数据！"));
        let ok = Html::parse_document(r#"<div><p>本栏目暂无信息更新计划说明……</p></div>"#);
        assert_eq!(empty_marker(&ok, &phrases), None);
        assert!(content_chars(&doc, 1000) < 10);
    }

    #[test]
    fn visible_chars_count_like_chars_filter() {
        let mut texts: Vec<String> = vec![
            String::new(),
            " \t\n\r\x0b\x0c".into(),
            "中文，“引号”。\u{3000}全角空格\u{a0}nbsp".into(),
            "ascii only text with spaces".into(),
            "中".repeat(400) + "\u{2009}" + &"a ".repeat(300),
        ];
        for cp in (0..0x3100).chain(0xfe00..0xff10) {
            if let Some(c) = char::from_u32(cp) {
                texts.push(format!("a{c}b"));
            }
        }
        for t in &texts {
            let want = t.chars().filter(|c| !c.is_whitespace()).count();
            let (n, exact) = visible_chars(t);
            assert!(n <= want, "{t:?}");
            assert!(!exact || n == want, "{t:?}");
            assert_eq!(visible_chars_exact(t), want, "{t:?}");
        }
        // Exact only where the bound does not reach the cap.
        let doc = Html::parse_document(&format!(
            "<p>{}</p><p>{}</p>",
            "中。".repeat(30),
            "\u{3000}字".repeat(20)
        ));
        for cap in [1, 10, 59, 60, 61, 79, 80, 81, 1000] {
            assert_eq!(content_chars(&doc, cap), cap.min(80), "{cap}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!(
            "{}<li><a href='/x/t20260520_1.html'>x</a></li>{}",
            "<div>".repeat(3_000),
            "</div>".repeat(3_000)
        );
        let doc = Html::parse_document(&html);
        let _ = Layout::of(&doc);
        let _ = breadcrumb(&doc);
        let _ = content_chars(&doc, 100);
    }
}
