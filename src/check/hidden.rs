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
/// Most stylesheets of a page whose rules are used.
const MAX_SHEETS: usize = 20;
/// Most elements of a page judged openable or not for linked stylesheets.
const MAX_OPEN_CHECKS: usize = 400;
/// Most elements kept from a link outwards for a linked stylesheet to hide.
const MAX_CHAIN: usize = 8;
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
        // `line-height:0` with overflow hidden and no height: a box of no height.
        if overflow
            && self.get("height").is_none()
            && let Some(v) = self.get("line-height")
            && px(v).is_some_and(|n| n <= f64::from(r.tiny_px))
        {
            return Some(format!("zero size (line-height:{v}, overflow:hidden)"));
        }
        let positioned = self
            .get("position")
            .is_some_and(|v| v == "absolute" || v == "fixed");
        let far = |v: &str| px(v).is_some_and(|n| n <= -f64::from(r.offscreen_px));
        if positioned {
            for p in ["left", "top"] {
                if let Some(v) = self.get(p)
                    && far(v)
                {
                    return Some(format!("off-screen ({p}:{v})"));
                }
            }
        }
        // A negative margin beside an offset (`left:50%; margin-left:-1280px`)
        // centres a wide banner; alone it pushes the box out of the page.
        for (p, side) in [
            ("margin-left", ["left", "right"]),
            ("margin-top", ["top", "bottom"]),
        ] {
            if let Some(v) = self.get(p)
                && far(v)
                && side.iter().all(|s| self.get(s).is_none())
            {
                return Some(format!("off-screen ({p}:{v})"));
            }
        }
        // Text pushed out of its box; a logo whose picture is its background
        // stays visible.
        if let Some(v) = self.get("text-indent")
            && far(v)
            && !self.has_picture()
        {
            return Some(format!("off-screen (text-indent:{v})"));
        }
        // `opacity:0` beside a transition, animation or transform is the
        // start of a fade-in, not a hiding place.
        let moving = ["transition", "animation", "transform"]
            .iter()
            .any(|p| self.0.iter().any(|(q, _)| q.starts_with(p)));
        if let Some(v) = self.get("opacity")
            && v.parse::<f64>().is_ok_and(|n| n <= 0.0)
            && !moving
        {
            return Some("opacity:0".into());
        }
        if let Some(v) = self.get("filter")
            && ALPHA_ZERO.is_match(v)
        {
            return Some(format!("filter:{v}"));
        }
        if let Some(v) = self.get("font-size")
            && px(v).is_some_and(|n| n <= 0.0)
        {
            return Some(format!("{FONT_ZERO}{v}"));
        }
        None
    }

    /// Whether these declarations paint a background picture.
    fn has_picture(&self) -> bool {
        ["background", "background-image"]
            .iter()
            .any(|p| self.get(p).is_some_and(|v| v.contains("url(")))
    }

    /// The background colour these declarations set, normalised.
    fn background(&self) -> Option<String> {
        if let Some(v) = self.get("background-color") {
            return colour(v);
        }
        let v = self.get("background")?;
        v.split_whitespace().find_map(colour)
    }

    /// Whether these declarations explicitly show what a rule hides.
    fn shows(&self) -> bool {
        self.get("display").is_some_and(|v| v != "none")
            || self.get("visibility").is_some_and(|v| v == "visible")
    }

    /// Whether these declarations bring back what a rule hid: shown, or
    /// made opaque again (`.slide.in {opacity:1}`).
    fn reveals(&self) -> bool {
        self.shows()
            || self
                .get("opacity")
                .is_some_and(|v| v.parse::<f64>().is_ok_and(|n| n > 0.0))
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
                    | "text-indent"
                    | "margin-left"
                    | "margin-top"
                    | "filter"
                    | "font-size"
            )
        })
    }
}

/// The start of the reason `font-size:0` hides (checked on the subtree).
const FONT_ZERO: &str = "font-size:";

/// A CSS or HTML colour as `#rrggbb` (hex, `rgb()`, a few names); None for
/// anything else (`transparent`, a translucent `rgba()`, `inherit`).
fn colour(v: &str) -> Option<String> {
    let v = v.trim().trim_end_matches(';').trim().to_ascii_lowercase();
    let named = match v.as_str() {
        "white" => Some("#ffffff"),
        "black" => Some("#000000"),
        "red" => Some("#ff0000"),
        "silver" => Some("#c0c0c0"),
        "gray" | "grey" => Some("#808080"),
        _ => None,
    };
    if let Some(n) = named {
        return Some(n.into());
    }
    if let Some(hex) = v.strip_prefix('#') {
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        return match hex.len() {
            3 => Some(hex.chars().fold("#".to_string(), |mut s, c| {
                s.push(c);
                s.push(c);
                s
            })),
            6 => Some(format!("#{hex}")),
            _ => None,
        };
    }
    let c = RGB.captures(&v)?;
    if let Some(a) = c.get(4)
        && a.as_str().parse::<f64>().ok()? < 1.0
    {
        return None;
    }
    let n = |i| {
        c.get(i)
            .and_then(|m| m.as_str().parse::<u8>().ok())
            .map(|x| format!("{x:02x}"))
    };
    Some(format!("#{}{}{}", n(1)?, n(2)?, n(3)?))
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
    /// Selectors of rules that give text a visible size (undo `font-size:0`).
    sizes: Vec<Selector>,
    /// Rules of one class or id (after an optional tag) that hide:
    /// (tag or "", `.cls` / `#id`, why). What a linked stylesheet keeps.
    simple: Vec<(String, String, String)>,
    /// Every class and id of rules that depend on interaction or state.
    interactive: Vec<String>,
}

/// A constant regex (exercised by every test of this module).
#[allow(clippy::expect_used)]
fn re(p: &str) -> Regex {
    Regex::new(p).expect("constant regex")
}

static ALPHA_ZERO: LazyLock<Regex> = LazyLock::new(|| re(r"alpha\(\s*opacity\s*=\s*0+\s*\)"));
static RGB: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*([\d.]+)\s*)?\)$")
});
static WRITE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"document\s*\.\s*write(?:ln)?\s*\(((?:'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*"|[^'"()\r\n;]|\([^()]*\))*)\)"#,
    )
});
static LITERAL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")$"#));
static UNESCAPE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^unescape\s*\(\s*(?:'([^']*)'|"([^"]*)")\s*\)$"#));
static SIMPLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^([A-Za-z][A-Za-z0-9]*)?([.#][A-Za-z_][A-Za-z0-9_-]*)$"));
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
                // Print-only blocks: what `@media print` shows is printed
                // matter, hidden on screen by design.
                let lower = head.to_ascii_lowercase();
                if lower.starts_with("@media")
                    && lower.contains("print")
                    && !lower.contains("screen")
                {
                    let inner = after.get(..end.saturating_sub(1)).unwrap_or("");
                    sheet
                        .reveal_tokens
                        .extend(Sheet::parse(inner, r).reveal_tokens);
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
            let shows = decls.reveals();
            let sizes = decls
                .get("font-size")
                .is_some_and(|v| px(v).is_none_or(|n| n > 0.0));
            for sel in head.split(',') {
                let sel = sel.trim();
                if sel.is_empty() {
                    continue;
                }
                let has_pseudo = sel.contains(':');
                let dynamic = DYNAMIC.iter().any(|d| sel.contains(d));
                if sizes
                    && !has_pseudo
                    && let Ok(s) = Selector::parse(sel)
                {
                    sheet.sizes.push(s);
                }
                if let Some(why) = &hides
                    && let Some(c) = SIMPLE.captures(sel)
                {
                    let tag = c.get(1).map_or("", |m| m.as_str()).to_ascii_lowercase();
                    let tok = c.get(2).map_or("", |m| m.as_str()).to_string();
                    sheet.simple.push((tag, tok, why.clone()));
                }
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
                    sheet.interactive.extend(
                        TOKENS
                            .captures_iter(sel)
                            .filter_map(|c| c.get(1).map(|m| m.as_str().to_string())),
                    );
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

/// What a linked own-site stylesheet hides and shows, by class and id: all
/// the crawl keeps of its body for the 暗链 check.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CssHiding {
    /// (tag or "", `.cls` / `#id`, why) of the rules `.cls {display:none}`,
    /// `div#id {…}`: one class or id, no combinator, no pseudo-class.
    pub hide: Vec<(String, String, String)>,
    /// Classes and ids some rule shows, on hover, a state class or in print
    /// (`.dd.on {display:block}`): a hidden element with one can be opened.
    pub reveal: Vec<String>,
}

impl CssHiding {
    /// The hiding rules of a stylesheet (None when it has none).
    pub fn of(css: &str, r: &HiddenSection) -> Option<CssHiding> {
        let sheet = Sheet::parse(css, r);
        if sheet.simple.is_empty() {
            return None;
        }
        let mut reveal = sheet.reveal_tokens;
        reveal.extend(sheet.interactive);
        reveal.sort();
        reveal.dedup();
        Some(CssHiding {
            hide: sheet.simple,
            reveal,
        })
    }

    /// Why one element (`[tag, .cls, #id …]`) is hidden by these rules.
    fn hides(&self, el: &[String]) -> Option<&str> {
        let (tag, toks) = el.split_first()?;
        if toks
            .iter()
            .any(|t| self.reveal.iter().any(|r| r == t.get(1..).unwrap_or("")))
        {
            return None;
        }
        self.hide
            .iter()
            .find(|(t, tok, _)| (t.is_empty() || t == tag) && toks.contains(tok))
            .map(|(_, _, why)| why.as_str())
    }
}

/// An absolute link the page does not hide, inside elements with a class or
/// id a linked stylesheet might hide: judged when the run has read the
/// page's stylesheets (see [`CssPending::judge`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CssPending {
    /// The `href` as written (the crawl resolves it).
    pub href: String,
    /// For each `<a>` with this href: the elements from the link outwards
    /// that a class or id rule could hide, each `[tag, .cls, #id …]`.
    pub chains: Vec<Vec<Vec<String>>>,
    /// Gambling / adult words in the link's and its parent's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risky: Option<String>,
}

impl CssPending {
    /// How the link is hidden under the stylesheets read (`sheets`), when
    /// every copy of it is: the first hidden element of each chain.
    pub fn judge(&self, sheets: &[&CssHiding]) -> Option<Hidden> {
        let mut how = None;
        for chain in &self.chains {
            let hit = chain.iter().enumerate().find_map(|(i, el)| {
                sheets
                    .iter()
                    .find_map(|s| s.hides(el))
                    .map(|why| (i, el, why))
            })?;
            how.get_or_insert(hit_words(hit));
        }
        Some(Hidden {
            how: how?,
            risky: self.risky.clone(),
        })
    }
}

fn hit_words((i, el, why): (usize, &Vec<String>, &str)) -> String {
    let tag = el.first().map_or("", String::as_str);
    let tok = el.get(1..).unwrap_or_default().join("");
    if i == 0 && matches!(tag, "a" | "area") {
        format!("{why} by the linked stylesheet ({tag}{tok})")
    } else {
        format!("{why} on a hidden <{tag}{tok}>, by the linked stylesheet")
    }
}

/// What [`find`] found on a page.
#[derive(Debug, Default)]
pub struct Found {
    /// Hidden `href`s, as written: every `<a href>` / `<area href>` with that
    /// exact value is hidden and cannot be opened by a visitor.
    pub hidden: HashMap<String, Hidden>,
    /// Hidden links that only inline scripts write (`document.write`): not in
    /// the page's markup, so the extractor did not see them; the crawl adds
    /// them as markup links (a browser puts them in the page).
    pub written: Vec<crate::link::RawLink>,
    /// Links a class or id rule of a linked stylesheet could hide.
    pub pending: Vec<CssPending>,
    /// The page's stylesheets for the screen (`<link rel=stylesheet>` hrefs as written).
    pub stylesheets: Vec<String>,
}

/// The hidden links of a page (see [`Found`]).
pub fn find(doc: &Html, r: &HiddenSection, words: &Words) -> Found {
    let mut found = Found::default();
    if !r.enabled {
        return found;
    }
    let mut css = String::new();
    let mut script = String::new();
    let mut written = String::new();
    let mut candidates: Vec<NodeId> = Vec::new();
    for n in doc.tree.root().descendants() {
        let Node::Element(e) = n.value() else {
            continue;
        };
        if e.attr("style").is_some() || e.attr("hidden").is_some() || e.name() == "marquee" {
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
        let start = into.len();
        for t in n.children() {
            if let Node::Text(t) = t.value()
                && into.len() < MAX_SCRIPT
            {
                into.push_str(t);
                into.push('\n');
            }
        }
        if e.name() == "script" && written.len() < MAX_SCRIPT {
            written.push_str(&writes(script.get(start..).unwrap_or("")));
        }
    }
    let sheet = Sheet::parse(&css, r);
    found.hidden = judge(doc, candidates, &sheet, &script, r, words);
    found.stylesheets = stylesheets(doc);
    if !found.stylesheets.is_empty() {
        found.pending = pending(doc, &found.hidden, &sheet, &script, r, words);
    }
    if !written.contains("<a") && !written.contains("<A") {
        return found;
    }
    // The written markup, judged with the page's CSS and scripts.
    let page_hrefs: HashSet<&str> = doc
        .tree
        .root()
        .descendants()
        .filter_map(|n| match n.value() {
            Node::Element(e) if matches!(e.name(), "a" | "area") => e.attr("href"),
            _ => None,
        })
        .collect();
    let synth = Html::parse_document(&format!("<html><body>{written}</body></html>"));
    let candidates = synth
        .tree
        .root()
        .descendants()
        .filter(|n| {
            matches!(n.value(), Node::Element(e)
                if e.attr("style").is_some() || e.attr("hidden").is_some() || e.name() == "marquee")
        })
        .map(|n| n.id())
        .collect();
    let hidden = judge(&synth, candidates, &sheet, &script, r, words);
    for n in synth.tree.root().descendants() {
        let Some(a) = ElementRef::wrap(n) else {
            continue;
        };
        let Some(href) = a.value().attr("href") else {
            continue;
        };
        if a.value().name() != "a" || page_hrefs.contains(href) || found.hidden.contains_key(href) {
            continue;
        }
        let Some(h) = hidden.get(href) else { continue };
        let text = a.text().collect::<Vec<_>>().join(" ");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        found.written.push(crate::link::RawLink::markup(
            href,
            text,
            crate::link::Element::A,
        ));
        found.hidden.insert(
            href.to_string(),
            Hidden {
                how: format!("{}, written by document.write", h.how),
                risky: h.risky.clone(),
            },
        );
    }
    found
}

/// The `href`s of a page's screen stylesheets.
fn stylesheets(doc: &Html) -> Vec<String> {
    doc.tree
        .root()
        .descendants()
        .filter_map(|n| match n.value() {
            Node::Element(e) if e.name() == "link" => Some(e),
            _ => None,
        })
        .filter(|e| {
            let rel = e.attr("rel").unwrap_or("").to_ascii_lowercase();
            let media = e.attr("media").unwrap_or("all").to_ascii_lowercase();
            rel.split_whitespace().any(|w| w == "stylesheet")
                && !rel.contains("alternate")
                && (media.contains("all") || media.contains("screen"))
        })
        .filter_map(|e| e.attr("href"))
        .take(MAX_SHEETS)
        .map(str::to_string)
        .collect()
}

/// The absolute links the page leaves visible whose every copy sits in
/// elements a class or id rule could hide (see [`CssPending`]). An element
/// the page shows (inline `display:block`, a page rule that shows its class)
/// or that a visitor can open (menus, tabs: [`can_open`]) is left out of the
/// chain.
fn pending(
    doc: &Html,
    hidden: &HashMap<String, Hidden>,
    sheet: &Sheet,
    script: &str,
    r: &HiddenSection,
    words: &Words,
) -> Vec<CssPending> {
    let mut open: HashMap<NodeId, bool> = HashMap::new();
    let mut by_href: HashMap<&str, CssPending> = HashMap::new();
    let mut dead: HashSet<&str> = HashSet::new();
    for n in doc.tree.root().descendants() {
        let Some(a) = ElementRef::wrap(n) else {
            continue;
        };
        if !matches!(a.value().name(), "a" | "area") {
            continue;
        }
        let Some(href) = a.value().attr("href") else {
            continue;
        };
        let lower = href.trim_start().to_ascii_lowercase();
        if !(lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//"))
            || hidden.contains_key(href)
            || dead.contains(href)
        {
            continue;
        }
        let mut chain: Vec<Vec<String>> = Vec::new();
        for el in std::iter::once(a).chain(a.ancestors().filter_map(ElementRef::wrap)) {
            let e = el.value();
            if matches!(e.name(), "body" | "html") {
                break;
            }
            let toks = tokens_of(e);
            if toks.is_empty() {
                continue;
            }
            let shown = e.attr("style").is_some_and(|s| Decls::parse(s).shows())
                || toks
                    .iter()
                    .any(|t| sheet.reveal_tokens.iter().any(|r| r == t));
            // Past the budget of judged elements, an element counts as one a
            // visitor can open: quiet rather than slow on a page of huge scripts.
            let budget = open.len() < MAX_OPEN_CHECKS;
            if shown
                || *open
                    .entry(el.id())
                    .or_insert_with(|| !budget || can_open(doc, el.id(), sheet, script, r))
            {
                continue;
            }
            if toggled(&toks, r) {
                continue;
            }
            let mut v = vec![e.name().to_string()];
            v.extend(e.classes().map(|c| format!(".{c}")));
            if let Some(id) = e.id() {
                v.push(format!("#{id}"));
            }
            chain.push(v);
            if chain.len() >= MAX_CHAIN {
                break;
            }
        }
        if chain.is_empty() {
            dead.insert(href);
            by_href.remove(href);
            continue;
        }
        let entry = by_href.entry(href).or_insert_with(|| {
            let mut text: String = a.text().collect();
            if let Some(p) = a.parent().and_then(ElementRef::wrap) {
                text.extend(p.text().take(200));
            }
            CssPending {
                href: href.to_string(),
                chains: Vec::new(),
                risky: super::risky::content(&text, words),
            }
        });
        entry.chains.push(chain);
    }
    let mut v: Vec<CssPending> = by_href.into_values().collect();
    v.sort_by(|a, b| a.href.cmp(&b.href));
    v
}

/// The markup inline scripts write: the arguments of `document.write` /
/// `writeln` made only of string literals (joined with `+`, or one
/// `unescape('%3C…')`), in order. A call with anything else in it (a
/// variable, a function call) writes what only running the script tells,
/// and is skipped.
fn writes(script: &str) -> String {
    let script = crate::extract::js::strip_comments(script);
    let mut out = String::new();
    for m in WRITE.captures_iter(&script) {
        let Some(args) = m.get(1) else { continue };
        let args = args.as_str().trim();
        let mut piece = String::new();
        let mut ok = true;
        if let Some(c) = UNESCAPE.captures(args) {
            let lit = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
            piece = percent_encoding::percent_decode_str(lit)
                .decode_utf8_lossy()
                .into_owned();
        } else {
            for part in args.split('+') {
                let part = part.trim();
                match LITERAL.captures(part) {
                    Some(c) => {
                        let lit = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
                        piece.push_str(&crate::extract::js::unescape_js(lit));
                    }
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
        }
        if ok {
            out.push_str(&piece);
            out.push('\n');
        }
        if out.len() > MAX_SCRIPT {
            break;
        }
    }
    out
}

/// The hidden `href`s of one document (see [`Found::hidden`]), under `sheet`.
fn judge(
    doc: &Html,
    candidates: Vec<NodeId>,
    sheet: &Sheet,
    script: &str,
    r: &HiddenSection,
    words: &Words,
) -> HashMap<String, Hidden> {
    let mut out = HashMap::new();
    let root_node = doc.tree.root();
    // Hidden elements, in document order. Without page rules that hide, only
    // elements with a `style` or `hidden` attribute can be.
    let mut roots: Vec<Root> = Vec::new();
    let mut consider = |n: ego_tree::NodeRef<'_, Node>| {
        if let Some(el) = ElementRef::wrap(n)
            && let Some(why) = hidden_by(el, sheet, r)
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
                    .is_some_and(|root| can_open(doc, root.id, sheet, script, r))
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
    if e.name() == "marquee"
        && let Some(why) = marquee(e, r)
    {
        return Some(why);
    }
    let inline = e.attr("style").map(Decls::parse).unwrap_or_default();
    if e.name() == "a"
        && let Some(why) = same_colour(el, &inline)
    {
        return Some(why);
    }
    let why = match inline.hides(r) {
        Some(why) => Some(why),
        None if inline.shows() => return None,
        None => sheet
            .hide
            .iter()
            .find(|(s, _)| s.matches(&el))
            .map(|(_, why)| why.clone()),
    }?;
    let sized = |d: ElementRef<'_>| {
        d.value()
            .attr("style")
            .is_some_and(|s| Decls::parse(s).get("font-size").is_some())
            || sheet.sizes.iter().any(|s| s.matches(&d))
    };
    let picture =
        |d: ElementRef<'_>| matches!(d.value().name(), "img" | "svg" | "input" | "button");
    // Text made invisible: a picture, or a child given its own size back,
    // still shows (`ul {font-size:0}` with `li {font-size:14px}` is a layout
    // trick, not a hiding place).
    if why.starts_with(FONT_ZERO) || why.starts_with("off-screen (text-indent") {
        let shown = el
            .descendants()
            .skip(1)
            .filter_map(ElementRef::wrap)
            .any(|d| picture(d) || (why.starts_with(FONT_ZERO) && sized(d)));
        if shown {
            return None;
        }
    }
    if (why.starts_with(FONT_ZERO) || why.starts_with("off-screen (text-indent"))
        && e.attr("style")
            .map(Decls::parse)
            .is_some_and(|d| d.has_picture())
    {
        return None;
    }
    // Text indented away from a box a stylesheet may paint (a logo or a
    // banner by class): the picture would be what a visitor sees.
    if why.starts_with("off-screen (text-indent") {
        let styled =
            |d: ElementRef<'_>| d.value().attr("class").is_some() || d.value().id().is_some();
        let inline = e
            .attr("style")
            .is_some_and(|s| Decls::parse(s).get("text-indent").is_some());
        if (inline && styled(el))
            || el
                .descendants()
                .skip(1)
                .filter_map(ElementRef::wrap)
                .any(styled)
        {
            return None;
        }
    }
    Some(why)
}

/// A `<marquee>` too small to see, or scrolling too fast to read.
fn marquee(e: &scraper::node::Element, r: &HiddenSection) -> Option<String> {
    let inline = e.attr("style").map(Decls::parse).unwrap_or_default();
    for p in ["height", "width"] {
        let v = e.attr(p).or_else(|| inline.get(p));
        if let Some(v) = v
            && px(v).is_some_and(|n| n <= f64::from(r.tiny_px))
        {
            return Some(format!("zero size ({p}:{v})"));
        }
    }
    let amount = e.attr("scrollamount")?;
    let n: f64 = amount.trim().parse().ok()?;
    (n >= f64::from(r.marquee_fast))
        .then(|| format!("scrolling too fast to read (scrollamount={amount})"))
}

/// A link whose text has the colour of the background behind it: the colour
/// set on the link itself, the background on it or the nearest ancestor that
/// sets one in its `style` or `bgcolor` (a background set by a stylesheet
/// is not known, so nothing is said).
fn same_colour(el: ElementRef<'_>, inline: &Decls) -> Option<String> {
    let fg = colour(inline.get("color")?)?;
    if el
        .descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .any(|d| {
            matches!(d.value().name(), "img" | "svg")
                || d.value()
                    .attr("style")
                    .is_some_and(|s| Decls::parse(s).get("color").is_some())
                || d.value().attr("color").is_some()
        })
    {
        return None;
    }
    let bg = std::iter::once(el)
        .chain(el.ancestors().filter_map(ElementRef::wrap))
        .find_map(|a| {
            let v = a.value();
            let d = v.attr("style").map(Decls::parse).unwrap_or_default();
            if d.has_picture() || v.attr("background").is_some() {
                return Some(None);
            }
            d.background()
                .or_else(|| v.attr("bgcolor").and_then(colour))
                .map(Some)
        })
        .flatten()?;
    (fg == bg).then(|| format!("text colour same as background (color:{fg})"))
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
    if menu || toggled(&tokens, r) {
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

/// Whether one of `tokens` is a class scripts add and remove to show and
/// hide things (`hide`, `d-none` …: `[hidden] toggle_classes`).
fn toggled(tokens: &[&str], r: &HiddenSection) -> bool {
    tokens
        .iter()
        .any(|t| r.toggle_classes.iter().any(|c| c.eq_ignore_ascii_case(t)))
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
        .hidden
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

    /// The `how` of each hidden href, sorted.
    fn hows(html: &str) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> =
            hidden(html).into_iter().map(|(k, h)| (k, h.how)).collect();
        v.sort();
        v
    }

    #[test]
    fn planted_shapes_of_hacked_pages() {
        let got = hows(
            r##"<html><head><style>
            .yc { text-indent:-9999px; overflow:hidden }
            .fz0 { font-size:0 }
            </style></head><body bgcolor="#FFFFFF">
            <marquee height="1" width="1"><a href="http://m1.example.com/">澳门葡京</a></marquee>
            <marquee scrollamount="3000" scrolldelay="20000"><a href="http://m2.example.com/">网投</a></marquee>
            <div class="yc"><a href="http://t1.example.com/">代开发票</a></div>
            <p style="text-indent:-2000px"><a href="http://t2.example.com/">配资</a></p>
            <div style="font-size:0px"><a href="http://f1.example.com/">彩票</a></div>
            <span class="fz0"><a href="http://f2.example.com/">私服</a></span>
            <div style="line-height:0;overflow:hidden"><a href="http://l1.example.com/">贷款</a></div>
            <div style="position:absolute;top:-8000px;left:10px"><a href="http://p1.example.com/">游戏</a></div>
            <div style="margin-left:-5000px"><a href="http://p2.example.com/">娱乐</a></div>
            <div style="opacity:0"><a href="http://o1.example.com/">O1</a></div>
            <div style="filter:alpha(opacity=0)"><a href="http://o2.example.com/">O2</a></div>
            <td><a href="http://c1.example.com/" style="color:#fff">C1</a></td>
            <div style="background:#f0f0f0"><a href="http://c2.example.com/" style="color:rgb(240,240,240)">C2</a></div>
            <script>
            document.write('<div style="display:none">');
            document.write('<a href="http://w1.example.com/">' + "W1" + '</a></div>');
            document.writeln(unescape('%3Cdiv%20hidden%3E%3Ca%20href%3D%22http%3A//w2.example.com/%22%3EW2%3C/a%3E%3C/div%3E'));
            </script>
            </body></html>"##,
        );
        let want = [
            (
                "http://c1.example.com/",
                "text colour same as background (color:#ffffff)",
            ),
            (
                "http://c2.example.com/",
                "text colour same as background (color:#f0f0f0)",
            ),
            ("http://f1.example.com/", "font-size:0px on a hidden <div>"),
            ("http://f2.example.com/", "font-size:0 on a hidden <span>"),
            (
                "http://l1.example.com/",
                "zero size (line-height:0, overflow:hidden) on a hidden <div>",
            ),
            (
                "http://m1.example.com/",
                "zero size (height:1) on a hidden <marquee>",
            ),
            (
                "http://m2.example.com/",
                "scrolling too fast to read (scrollamount=3000) on a hidden <marquee>",
            ),
            ("http://o1.example.com/", "opacity:0 on a hidden <div>"),
            (
                "http://o2.example.com/",
                "filter:alpha(opacity=0) on a hidden <div>",
            ),
            (
                "http://p1.example.com/",
                "off-screen (top:-8000px) on a hidden <div>",
            ),
            (
                "http://p2.example.com/",
                "off-screen (margin-left:-5000px) on a hidden <div>",
            ),
            (
                "http://t1.example.com/",
                "off-screen (text-indent:-9999px) on a hidden <div>",
            ),
            (
                "http://t2.example.com/",
                "off-screen (text-indent:-2000px) on a hidden <p>",
            ),
            (
                "http://w1.example.com/",
                "display:none on a hidden <div>, written by document.write",
            ),
            (
                "http://w2.example.com/",
                "hidden attribute on a hidden <div>, written by document.write",
            ),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn written_links_are_added_once() {
        let f = find(
            &Html::parse_document(
                r#"<body><a href="http://seen.example.com/">看得见</a><script>
                document.write("<div style='display:none'><a href='http://w.example.com/'>W</a><a href='http://seen.example.com/'>S</a></div>");
                document.write('<a href="http://open.example.com/">公开</a>');
                var u = 'http://v.example.com/'; document.write('<div style="display:none"><a href="' + u + '">V</a></div>');
                </script></body>"#,
            ),
            &HiddenSection::default(),
            &Words::defaults(),
        );
        let urls: Vec<&str> = f.written.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["http://w.example.com/"]);
        assert_eq!(f.written[0].text, "W");
        let mut keys: Vec<&String> = f.hidden.keys().collect();
        keys.sort();
        assert_eq!(keys, ["http://w.example.com/"]);
    }

    #[test]
    fn look_alikes_of_the_planted_shapes_stay_quiet() {
        let got = hows(
            r##"<html><head><style>
            .logo { text-indent:-9999px; background:url(/images/logo.png) no-repeat }
            .list { font-size:0 } .list li { font-size:14px }
            .print-only { display:none }
            @media print { .print-only { display:block } }
            .fade { opacity:0; transition:opacity .5s } .fade.in { opacity:1 }
            .sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0,0,0,0) }
            </style></head><body>
            <marquee direction="up" height="160" scrollamount="2" onmouseover="this.stop()"><a href="http://k1.example.com/">友情链接一</a></marquee>
            <marquee scrollamount="6"><a href="http://k2.example.com/">通知公告</a></marquee>
            <a class="logo" href="http://k3.example.com/">门户网站</a>
            <p style="text-indent:2em"><a href="http://k4.example.com/">正文链接</a></p>
            <h1 style="text-indent:-9999px"><a href="http://k5.example.com/"><img src="/b.png" alt="横幅"></a></h1>
            <ul class="list"><li><a href="http://k6.example.com/">列表</a></li></ul>
            <div style="font-size:0"><a href="http://k7.example.com/"><img src="/i.png" alt="图标"></a></div>
            <div style="line-height:0"><a href="http://k8.example.com/">行高</a></div>
            <div class="print-only"><a href="http://k9.example.com/">打印页脚</a></div>
            <div class="fade"><a href="http://k10.example.com/">轮播</a></div>
            <div style="background:#003366"><a href="http://k11.example.com/" style="color:#fff">深色页脚</a></div>
            <div style="background:#fff"><a href="http://k12.example.com/" style="color:#fff;background:#c00">红底白字</a></div>
            <a href="http://k13.example.com/" style="color:#fff">不知道背景</a>
            <noscript><a href="http://k14.example.com/">无脚本</a></noscript>
            <input type="hidden" name="k" value="http://k15.example.com/">
            <div style="position:absolute;left:50%;margin-left:-1280px;width:2560px"><a href="http://k26.example.com/">宽幅横幅</a></div>
            <div style="margin-left:-20px"><a href="http://k16.example.com/">负边距</a></div>
            <div style="opacity:0.8"><a href="http://k17.example.com/">半透明</a></div>
            <div class="share hide" style="display:none"><a href="http://k23.example.com/share">分享到微博</a></div>
            <div class="ewm" style="display:none"><a href="http://k24.example.com/">微信二维码</a></div>
            <div style="opacity:0;transform:translateY(30px)"><a href="http://k25.example.com/">进场动画</a></div>
            <div class="wow fadeInUp" style="opacity:0"><a href="http://k19.example.com/">动画</a></div>
            <a class="bank-logo" href="http://k20.example.com/" style="text-indent:-9999px">合作银行</a>
            <p style="text-indent:-9999px"><a class="pic" href="http://k21.example.com/">图片链接</a></p>
            <table background="/bg.jpg"><tr><td><a href="http://k22.example.com/" style="color:#fff">底图上的字</a></td></tr></table>
            <script>document.write('<a href="http://k18.example.com/">写出的可见链接</a>');</script>
            </body></html>"##,
        );
        assert_eq!(got, Vec::<(String, String)>::new());
    }

    #[test]
    fn colours() {
        assert_eq!(colour("#FFF").as_deref(), Some("#ffffff"));
        assert_eq!(colour("white").as_deref(), Some("#ffffff"));
        assert_eq!(colour("rgb(255, 255, 255)").as_deref(), Some("#ffffff"));
        assert_eq!(colour("rgba(0,0,0,0.5)"), None);
        assert_eq!(colour("transparent"), None);
        assert_eq!(colour("#12"), None);
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
