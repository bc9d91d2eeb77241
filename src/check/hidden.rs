//! 暗链: links a visitor cannot see (`[hidden]` of the rules).
//!
//! Stage: check, on one parsed page. [`find`] walks the document once and
//! says, for each `href` whose every `<a>` / `<area>` is hidden, how it is
//! hidden: `display:none`, `visibility:hidden`, zero size with overflow hidden,
//! off-screen positioning (inline `style`, or a simple rule of the page's own
//! `<style>`: no pseudo-class, not inside `@media`), the `hidden` attribute,
//! or a hidden container around it. A hidden container a visitor can open is a
//! menu or tab, not a hidden link: a `:hover` / `:focus` rule or a state class
//! that shows it, a `:not(…)` rule that hides it, mouse or click handlers
//! around it, a script naming its id or class, a visible sibling of the same
//! shape (the open tab), or a menu-like class or id. The crawl reports hidden
//! *external* links as `risky_external` (own-site skip links and menus are
//! never reported); [`quiet`] hosts (other government sites, statistics
//! counters) only when their content is risky.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::rules::checks::HiddenSection;
use crate::rules::words::Words;
use ego_tree::NodeId;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use url::Url;

/// Most CSS rules read from a page's `<style>` elements.
const MAX_RULES: usize = 600;
/// Most bytes of inline script searched for ids and classes.
const MAX_SCRIPT: usize = 512 * 1024;
/// Most nodes searched for event handlers around one hidden container.
const MAX_HANDLER_SCAN: usize = 3_000;

/// How a link is hidden.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hidden {
    /// In words: `display:none`, `off-screen (left:-9999px) on a hidden <div>` …
    pub how: String,
    /// Gambling / adult words in the hidden text, when there are enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risky: Option<String>,
}

/// One declaration block, lower-cased, `!important` dropped.
#[derive(Debug, Default)]
struct Decls(Vec<(String, String)>);

impl Decls {
    fn parse(body: &str) -> Decls {
        Decls(
            body.split(';')
                .filter_map(|d| {
                    let (p, v) = d.split_once(':')?;
                    let v = v.trim().to_ascii_lowercase().replace("!important", "");
                    Some((p.trim().to_ascii_lowercase(), v.trim().to_string()))
                })
                .collect(),
        )
    }

    fn get(&self, prop: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(p, _)| p == prop)
            .map(|(_, v)| v.as_str())
    }

    /// Why these declarations hide their element, if they do.
    fn hides(&self, r: &HiddenSection) -> Option<String> {
        if self.get("display").is_some_and(|v| v == "none") {
            return Some("display:none".into());
        }
        if let Some(v) = self.get("visibility")
            && (v == "hidden" || v == "collapse")
        {
            return Some(format!("visibility:{v}"));
        }
        let overflow = ["overflow", "overflow-x", "overflow-y"]
            .iter()
            .any(|p| self.get(p).is_some_and(|v| v == "hidden" || v == "clip"));
        if overflow {
            for p in ["height", "width", "max-height", "max-width"] {
                if let Some(v) = self.get(p)
                    && px(v).is_some_and(|n| n <= f64::from(r.tiny_px))
                {
                    return Some(format!("zero size ({p}:{v}, overflow:hidden)"));
                }
            }
        }
        let positioned = self
            .get("position")
            .is_some_and(|v| v == "absolute" || v == "fixed");
        if positioned {
            for p in ["left", "top"] {
                if let Some(v) = self.get(p)
                    && px(v).is_some_and(|n| n <= -f64::from(r.offscreen_px))
                {
                    return Some(format!("off-screen ({p}:{v})"));
                }
            }
        }
        None
    }

    /// Whether these declarations explicitly show what a rule hides.
    fn shows(&self) -> bool {
        self.get("display").is_some_and(|v| v != "none")
            || self.get("visibility").is_some_and(|v| v == "visible")
    }

    /// Whether these declarations change what hides an element (a reveal on hover).
    fn touches_visibility(&self) -> bool {
        self.0.iter().any(|(p, _)| {
            matches!(
                p.as_str(),
                "display"
                    | "visibility"
                    | "height"
                    | "width"
                    | "max-height"
                    | "left"
                    | "top"
                    | "opacity"
                    | "transform"
                    | "overflow"
                    | "position"
            )
        })
    }
}

/// A CSS length in pixels (`0`, `-9999px`, `-999em`); None for %, auto ….
fn px(v: &str) -> Option<f64> {
    let v = v.trim();
    let (num, unit) = match v.find(|c: char| c.is_ascii_alphabetic() || c == '%') {
        Some(i) => v.split_at(i),
        None => (v, ""),
    };
    let n: f64 = num.trim().parse().ok()?;
    match unit {
        "" | "px" => Some(n),
        "em" | "rem" => Some(n * 16.0),
        "pt" => Some(n * 4.0 / 3.0),
        _ => None,
    }
}

/// Page CSS, reduced to what hides and what reveals.
#[derive(Default)]
struct Sheet {
    /// Rules that hide what they match.
    hide: Vec<(Selector, String)>,
    /// Selectors (pseudo-classes removed) of rules that show or hide on
    /// interaction or state: what they match can be opened by a visitor.
    reveal: Vec<Selector>,
    /// Classes and ids named in the last part of rules that show something:
    /// a state class (`.tab-con.active {display:block}`) opens their family.
    reveal_tokens: Vec<String>,
}

/// A constant regex (exercised by every test of this module).
#[allow(clippy::expect_used)]
fn re(p: &str) -> Regex {
    Regex::new(p).expect("constant regex")
}

static COMMENTS: LazyLock<Regex> = LazyLock::new(|| re(r"(?s)/\*.*?\*/"));
static PSEUDO: LazyLock<Regex> = LazyLock::new(|| re(r"::?[a-zA-Z-]+(\([^)]*\))?"));
static TOKENS: LazyLock<Regex> = LazyLock::new(|| re(r"[.#]([A-Za-z0-9_-]+)"));
static DYNAMIC: &[&str] = &[
    ":hover",
    ":focus",
    ":active",
    ":checked",
    ":target",
    ":focus-within",
];

impl Sheet {
    fn parse(css: &str, r: &HiddenSection) -> Sheet {
        let css = COMMENTS.replace_all(css, " ");
        let mut sheet = Sheet::default();
        let mut rest: &str = &css;
        let mut rules = 0;
        while let Some(open) = rest.find('{') {
            let (head, after) = rest.split_at(open);
            let after = after.get(1..).unwrap_or("");
            let head = head.trim();
            if head.starts_with('@') {
                // @media, @supports …: skip the whole block (its rules apply
                // to some screens only); @font-face … too.
                let mut depth = 1;
                let mut end = after.len();
                for (i, c) in after.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = after.get(end..).unwrap_or("");
                continue;
            }
            let close = after.find('}').unwrap_or(after.len());
            let body = after.get(..close).unwrap_or("");
            rest = after.get(close + 1..).unwrap_or("");
            rules += 1;
            if rules > MAX_RULES {
                break;
            }
            let decls = Decls::parse(body);
            let hides = decls.hides(r);
            let shows = decls.shows();
            for sel in head.split(',') {
                let sel = sel.trim();
                if sel.is_empty() {
                    continue;
                }
                let has_pseudo = sel.contains(':');
                let dynamic = DYNAMIC.iter().any(|d| sel.contains(d));
                if !has_pseudo {
                    if let Some(why) = &hides
                        && let Ok(s) = Selector::parse(sel)
                    {
                        sheet.hide.push((s, why.clone()));
                    }
                    if shows {
                        sheet.reveal_tokens.extend(last_tokens(sel));
                    }
                    continue;
                }
                // A rule that depends on interaction or state (`li:hover .sub`,
                // `.tab:not(.on)`): what it matches can be opened.
                if (dynamic && decls.touches_visibility()) || hides.is_some() || shows {
                    let base = PSEUDO.replace_all(sel, "");
                    if let Ok(s) = Selector::parse(base.trim()) {
                        sheet.reveal.push(s);
                    }
                    if shows {
                        sheet.reveal_tokens.extend(last_tokens(&base));
                    }
                }
            }
        }
        sheet
    }
}

/// The classes and ids of the last compound of a selector.
fn last_tokens(sel: &str) -> Vec<String> {
    let last = sel
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '>' | '+' | '~'))
        .find(|s| !s.is_empty())
        .unwrap_or("");
    TOKENS
        .captures_iter(last)
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .collect()
}

/// The classes and id of an element.
fn tokens_of(e: &scraper::node::Element) -> Vec<&str> {
    let mut v: Vec<&str> = e.classes().collect();
    if let Some(id) = e.id() {
        v.push(id);
    }
    v
}

/// A hidden container (or hidden link) and what hides it.
struct Root {
    id: NodeId,
    why: String,
}

/// The hidden `href`s of a page: every `<a href>` / `<area href>` with that
/// exact value is hidden and cannot be opened by a visitor. Keys are the
/// attribute values as written.
pub fn find(doc: &Html, r: &HiddenSection, words: &Words) -> HashMap<String, Hidden> {
    let mut out = HashMap::new();
    if !r.enabled {
        return out;
    }
    let mut css = String::new();
    let mut script = String::new();
    let mut candidates: Vec<NodeId> = Vec::new();
    for n in doc.tree.root().descendants() {
        let Node::Element(e) = n.value() else {
            continue;
        };
        if e.attr("style").is_some() || e.attr("hidden").is_some() {
            candidates.push(n.id());
        }
        let into = match e.name() {
            "style" => {
                let media = e.attr("media").unwrap_or("all").to_ascii_lowercase();
                if !(media.contains("all") || media.contains("screen")) {
                    continue;
                }
                &mut css
            }
            "script" => &mut script,
            _ => continue,
        };
        for t in n.children() {
            if let Node::Text(t) = t.value()
                && into.len() < MAX_SCRIPT
            {
                into.push_str(t);
                into.push('\n');
            }
        }
    }
    let sheet = Sheet::parse(&css, r);
    let root_node = doc.tree.root();
    // Hidden elements, in document order. Without page rules that hide, only
    // elements with a `style` or `hidden` attribute can be.
    let mut roots: Vec<Root> = Vec::new();
    let mut consider = |n: ego_tree::NodeRef<'_, Node>| {
        if let Some(el) = ElementRef::wrap(n)
            && let Some(why) = hidden_by(el, &sheet, r)
        {
            roots.push(Root { id: n.id(), why });
        }
    };
    if sheet.hide.is_empty() {
        for id in candidates {
            if let Some(n) = doc.tree.get(id) {
                consider(n);
            }
        }
    } else {
        for n in root_node.descendants() {
            consider(n);
        }
    }
    if roots.is_empty() {
        return out;
    }
    // A hidden element inside another one: the outer one hides it.
    let all: HashSet<NodeId> = roots.iter().map(|r| r.id).collect();
    let under_root = |n: ego_tree::NodeRef<'_, Node>| n.ancestors().any(|a| all.contains(&a.id()));
    roots.retain(|r| doc.tree.get(r.id).is_some_and(|n| !under_root(n)));
    // href → the roots its hidden links are in.
    let mut hidden: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, root) in roots.iter().enumerate() {
        let Some(n) = doc.tree.get(root.id) else {
            continue;
        };
        for d in n.descendants() {
            if let Node::Element(e) = d.value()
                && matches!(e.name(), "a" | "area")
                && let Some(href) = e.attr("href")
            {
                hidden.entry(href).or_default().push(i);
            }
        }
    }
    if hidden.is_empty() {
        return out;
    }
    // A target also linked where a visitor sees it is not a hidden link.
    for n in root_node.descendants() {
        if let Node::Element(e) = n.value()
            && matches!(e.name(), "a" | "area")
            && let Some(href) = e.attr("href")
            && hidden.contains_key(href)
            && !all.contains(&n.id())
            && !under_root(n)
        {
            hidden.remove(href);
        }
    }
    let mut openable: HashMap<usize, bool> = HashMap::new();
    for (href, hidden_in) in hidden {
        let closed = hidden_in.iter().all(|&i| {
            !*openable.entry(i).or_insert_with(|| {
                roots
                    .get(i)
                    .is_some_and(|root| can_open(doc, root.id, &sheet, &script, r))
            })
        });
        if !closed {
            continue;
        }
        let Some(root) = hidden_in.first().and_then(|&i| roots.get(i)) else {
            continue;
        };
        let Some(root_el) = doc.tree.get(root.id).and_then(ElementRef::wrap) else {
            continue;
        };
        let is_link = matches!(root_el.value().name(), "a" | "area");
        let how = if is_link {
            root.why.clone()
        } else {
            format!("{} on a hidden <{}>", root.why, root_el.value().name())
        };
        let text: String = root_el.text().collect::<Vec<_>>().join(" ");
        let risky = super::risky::content(&text, words);
        out.insert(href.to_string(), Hidden { how, risky });
    }
    out
}

/// Why `el` itself is hidden: the `hidden` attribute, its inline style, or a
/// rule of the page's CSS that its inline style does not override.
fn hidden_by(el: ElementRef<'_>, sheet: &Sheet, r: &HiddenSection) -> Option<String> {
    let e = el.value();
    if matches!(
        e.name(),
        "head" | "script" | "style" | "template" | "noscript"
    ) {
        return None;
    }
    if e.attr("hidden").is_some() {
        return Some("hidden attribute".into());
    }
    let inline = e.attr("style").map(Decls::parse).unwrap_or_default();
    if let Some(why) = inline.hides(r) {
        return Some(why);
    }
    if inline.shows() {
        return None;
    }
    sheet
        .hide
        .iter()
        .find(|(s, _)| s.matches(&el))
        .map(|(_, why)| why.clone())
}

/// Whether a visitor can open the hidden container `id` (a menu, a tab).
fn can_open(doc: &Html, id: NodeId, sheet: &Sheet, script: &str, r: &HiddenSection) -> bool {
    let Some(node) = doc.tree.get(id) else {
        return true;
    };
    let Some(el) = ElementRef::wrap(node) else {
        return true;
    };
    let e = el.value();
    let tokens = tokens_of(e);
    // A menu-like class or id on it or its parent.
    let parent_tokens = node
        .parent()
        .and_then(ElementRef::wrap)
        .map(|p| tokens_of(p.value()))
        .unwrap_or_default();
    let menu = tokens.iter().chain(parent_tokens.iter()).any(|t| {
        let t = t.to_ascii_lowercase();
        r.menu_tokens.iter().any(|m| t.contains(m.as_str()))
    });
    if menu {
        return true;
    }
    // A rule that shows it on hover, focus or a state class.
    if sheet.reveal.iter().any(|s| s.matches(&el))
        || tokens
            .iter()
            .any(|t| sheet.reveal_tokens.iter().any(|r| r == t))
    {
        return true;
    }
    // A script naming its id or class.
    if tokens.iter().any(|t| t.len() >= 2 && named_in(script, t)) {
        return true;
    }
    // Mouse or click handlers around it (the menu head, the tab bar): in its
    // grandparent, else its parent, never the whole body.
    let inner = |n: ego_tree::NodeRef<'_, Node>| {
        ElementRef::wrap(n).is_some_and(|e| !matches!(e.value().name(), "body" | "html"))
    };
    let parent = node.parent().filter(|p| inner(*p));
    let around = parent.and_then(|p| p.parent().filter(|g| inner(*g)).or(Some(p)));
    if let Some(a) = around {
        let handler = a.descendants().take(MAX_HANDLER_SCAN).any(|n| {
            let Node::Element(x) = n.value() else {
                return false;
            };
            x.attrs().any(|(name, _)| {
                let name = name.to_ascii_lowercase();
                name.starts_with("onmouse")
                    || name.starts_with("onclick")
                    || name.starts_with("onfocus")
                    || name.starts_with("ontouch")
                    || name.starts_with("onpointer")
            })
        });
        if handler {
            return true;
        }
    }
    // A visible sibling of the same shape (tag and a class): the open tab of
    // a tab set.
    let shape = (e.name(), e.attr("class").unwrap_or(""));
    if shape.1.trim().is_empty() {
        return false;
    }
    node.parent().is_some_and(|p| {
        p.children().any(|s| {
            s.id() != id
                && ElementRef::wrap(s).is_some_and(|s| {
                    let v = s.value();
                    (v.name(), v.attr("class").unwrap_or("")) == shape
                        && hidden_by(s, sheet, r).is_none()
                })
        })
    })
}

/// Whether `script` names `token` as a word (`#nav1`, `'nav1'`, `.nav1`).
fn named_in(script: &str, token: &str) -> bool {
    script.match_indices(token).any(|(i, m)| {
        let before = script.get(..i).and_then(|b| b.chars().next_back());
        let after = script.get(i + m.len()..).and_then(|a| a.chars().next());
        let word =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        !word(before) && !word(after)
    })
}

/// The note a found link carries when it is hidden: only markup `a` / `area`
/// links to other sites, and to a [`quiet`] host only when the hidden text
/// itself is risky (own-site skip links and menus never carry one).
pub fn note(link: &crate::crawl::job::FoundLink, h: Hidden, r: &HiddenSection) -> Option<Hidden> {
    use crate::crawl::job::LinkClass;
    use crate::link::{Element, Origin};
    let external = matches!(link.class, LinkClass::Check { own: false, .. });
    if !external
        || link.origin != Origin::Markup
        || !matches!(link.element, Element::A | Element::Area)
    {
        return None;
    }
    let url = Url::parse(link.url.as_deref()?).ok()?;
    (h.risky.is_some() || !quiet(&url, r)).then_some(h)
}

/// The `risky_external` finding of a hidden link, from `base` (page, target,
/// text, element, status already set) and its target's outcome: at error
/// when the target serves gambling / adult content or the hidden text holds
/// those words, else a suspected warning naming how it is hidden.
pub fn finding(
    base: crate::finding::Finding,
    h: &Hidden,
    o: &crate::crawl::job::Outcome,
) -> crate::finding::Finding {
    use crate::finding::{Certainty, Severity};
    let content = o
        .risky
        .as_ref()
        .filter(|(_, is_content)| *is_content)
        .map(|(ev, _)| ev.clone());
    match content.or_else(|| h.risky.clone()) {
        Some(ev) => {
            let mut f = base;
            f.detail = format!("hidden link ({}); {ev}", h.how);
            f.severity(Severity::Error).certainty(Certainty::Confirmed)
        }
        None => {
            let mut f = base;
            f.detail = match &o.risky {
                Some((ev, _)) => format!("hidden link ({}); {ev}", h.how),
                None => format!("hidden link ({})", h.how),
            };
            f.severity(Severity::Warning)
                .certainty(Certainty::Suspected)
        }
    }
}

/// Whether `url`'s host is one of the quiet hosts (or under one).
pub fn quiet(url: &Url, r: &HiddenSection) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    r.quiet_hosts.iter().any(|q| {
        let q = q.trim().to_ascii_lowercase();
        host == q || host.ends_with(&format!(".{q}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(html: &str) -> HashMap<String, Hidden> {
        find(
            &Html::parse_document(html),
            &HiddenSection::default(),
            &Words::defaults(),
        )
    }

    #[test]
    fn each_way_of_hiding_is_named() {
        let h = hidden(
            r#"<html><head><style>
            .zz { position:absolute; left:-9999px; }
            #q9 { visibility: hidden }
            @media (max-width: 600px) { .mob { display:none } }
            </style></head><body>
            <p>正文 <a href="http://a.example.com/">A</a></p>
            <div style="display:none"><a href="http://b.example.com/">B</a></div>
            <a href="http://c.example.com/" style="DISPLAY: none !important">C</a>
            <div class="zz"><a href="http://d.example.com/">D</a></div>
            <span id="q9"><a href="http://e.example.com/">E</a></span>
            <div style="height:0;overflow:hidden"><a href="http://f.example.com/">F</a></div>
            <div hidden><a href="http://g.example.com/">G</a></div>
            <div class="mob"><a href="http://h.example.com/">H</a></div>
            </body></html>"#,
        );
        let how = |u: &str| h.get(u).map(|x| x.how.as_str());
        assert_eq!(how("http://a.example.com/"), None);
        assert_eq!(
            how("http://b.example.com/"),
            Some("display:none on a hidden <div>")
        );
        assert_eq!(how("http://c.example.com/"), Some("display:none"));
        assert_eq!(
            how("http://d.example.com/"),
            Some("off-screen (left:-9999px) on a hidden <div>")
        );
        assert_eq!(
            how("http://e.example.com/"),
            Some("visibility:hidden on a hidden <span>")
        );
        assert_eq!(
            how("http://f.example.com/"),
            Some("zero size (height:0, overflow:hidden) on a hidden <div>")
        );
        assert_eq!(
            how("http://g.example.com/"),
            Some("hidden attribute on a hidden <div>")
        );
        // Hidden on small screens only.
        assert_eq!(how("http://h.example.com/"), None);
        assert_eq!(h.len(), 6);
    }

    #[test]
    fn gambling_words_in_the_hidden_text() {
        let h = hidden(
            r#"<body><div style="display:none"><a href="http://x.example.com/">澳门博彩</a>
            <a href="http://y.example.com/">百家乐 真人娱乐</a></div>
            <div style="display:none"><a href="http://z.example.com/">企业黄页</a></div></body>"#,
        );
        assert!(
            h["http://x.example.com/"]
                .risky
                .as_deref()
                .unwrap()
                .contains("gambling")
        );
        assert_eq!(h["http://z.example.com/"].risky, None);
    }

    #[test]
    fn menus_tabs_and_visible_copies_are_not_hidden() {
        let h = hidden(
            r##"<html><head><style>
            .dd { display:none } li.m:hover .dd { display:block }
            .yq-con { display:none } .yq-con.on { display:block }
            .pane:not(.cur) { display:none }
            </style>
            <script>function sw(n){ document.getElementById('box2').style.display='block'; }</script>
            </head><body>
            <ul><li class="m"><a href="/a/">栏目</a><div class="dd"><a href="http://m1.example.com/">M1</a></div></li></ul>
            <div class="yq-con"><a href="http://m2.example.com/">M2</a></div>
            <div class="pane"><a href="http://m3.example.com/">M3</a></div>
            <div id="box2" style="display:none"><a href="http://m4.example.com/">M4</a></div>
            <div class="wrap"><span onmouseover="x()">友情链接</span>
              <div class="qq" style="display:none"><a href="http://m5.example.com/">M5</a></div></div>
            <div class="submenu" style="display:none"><a href="http://m6.example.com/">M6</a></div>
            <div class="c"><div class="p">第一页 <a href="/x">x</a></div>
              <div class="p" style="display:none"><a href="http://m7.example.com/">M7</a></div></div>
            <a href="http://m8.example.com/">M8</a>
            <div style="display:none"><a href="http://m8.example.com/">M8 again</a></div>
            <a href="#main" class="skip" style="position:absolute;left:-9999px">跳到主要内容</a>
            <div>正文</div><div style="display:none"><a href="http://dark.example.com/">D</a></div>
            </body></html>"##,
        );
        // The skip link is hidden, but it is an own-site fragment: the crawl
        // reports external links only.
        // A plain visible <div> next to a hidden one is no tab set.
        let mut keys: Vec<&String> = h.keys().collect();
        keys.sort();
        assert_eq!(keys, ["#main", "http://dark.example.com/"]);
    }

    #[test]
    fn quiet_hosts() {
        let r = HiddenSection::default();
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(quiet(&u("https://www.gov.cn/"), &r));
        assert!(quiet(&u("http://www.sh.gov.cn/x"), &r));
        assert!(quiet(&u("https://s9.cnzz.com/stat.php"), &r));
        assert!(!quiet(&u("http://notgov.cn/"), &r));
        assert!(!quiet(&u("http://casino.example.com/"), &r));
    }

    #[test]
    fn lengths() {
        assert_eq!(px("-9999px"), Some(-9999.0));
        assert_eq!(px("0"), Some(0.0));
        assert_eq!(px("-999em"), Some(-15984.0));
        assert_eq!(px("50%"), None);
        assert_eq!(px("auto"), None);
    }
}
