//! Link extraction from an HTML document.
//!
//! One walk over the parsed tree, in document order, reading each element's
//! attributes once. It yields every link a browser would follow or load (see
//! [`extract`]), the fragment targets (`id`, `<a name>`), `<base href>`, the
//! title and the language. Values are kept as written (html5ever has already
//! decoded entities); resolution happens later
//! ([`resolve`](super::resolve::resolve)). Comments are not part of the tree,
//! so commented-out markup yields nothing; `<template>` content is inert and
//! skipped. Limits ([`MAX_LINKS`],
//! [`MAX_ANCHORS`], link-text length) keep a hostile page from using
//! unbounded memory.

use std::borrow::Cow;

use ego_tree::iter::Edge;
use scraper::node::Element as HtmlElement;
use scraper::{ElementRef, Html, Node};

use super::{ExtractedPage, css, js};
use crate::link::{Element, RawLink};

/// At most this many links are kept per page (the rest set `truncated`).
pub const MAX_LINKS: usize = 20_000;
/// At most this many fragment targets are kept per page.
pub const MAX_ANCHORS: usize = 50_000;
/// Link text is cut to this many bytes (on a character boundary); the link
/// is kept, so no URL is dropped and no cap is reported.
pub const MAX_TEXT_BYTES: usize = 600;
/// At most this many nodes are visited to compute one link's text.
const MAX_TEXT_NODES: usize = 2_000;

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Extracts links, anchors, title and lang from a parsed document.
///
/// Sources: `a`/`area[href]` (also SVG `a`); `img[src]` and every `srcset`
/// candidate (`img`, `source`); the lazy-loading `img[data-src]`,
/// `[data-original]`, `[data-lazy-src]`; `input[type=image][src]`; `script[src]` (SVG:
/// `href`); `link[href]` by rel (stylesheet; icon family; manifest;
/// preload/modulepreload, `preload as=image` apart; prefetch; other;
/// `preconnect`/`dns-prefetch` skipped); `iframe`/`frame[src]`; `source[src]`; `video[src]`,
/// `video[poster]`, `audio[src]`, `track[src]`; `embed[src]`;
/// `object[data]`, `object[codebase]` naming a file and `object[archive]`;
/// `applet[archive]` or `applet[code]` under its `codebase`;
/// `form[action]` (not when empty); `button`/`input[formaction]`;
/// URL-shaped `cite` on `blockquote`/`q`/`ins`/`del`; SVG
/// `image`/`feImage`/`use[href|xlink:href]` naming another file; `meta
/// http-equiv=refresh`; the legacy `background` attribute; CSS `url()` /
/// `@import` in `<style>` and `style=""`; script-derived redirects and
/// pagination from inline scripts, `onclick`, `javascript:` hrefs and
/// `<select onchange>` options; Hanweb datastore records; the fallback markup
/// of `<noscript>` (text to a parser with scripting enabled, read once).
/// Empty values and `data:` URIs are not links; the content of `<template>`
/// and of `<script type="text/html">`-style templates is inert, not read
/// (placeholders such as `{{el.url}}` elsewhere are kept, and skipped by the
/// crawl: [`crate::link::is_template_placeholder`]). The first `<base href>` is returned for the
/// whole document (as browsers apply it, also to links written before it).
pub fn extract(doc: &Html) -> ExtractedPage {
    Walker::new(true).run(doc)
}

/// Like [`extract`] but without reading datastore blocks or `<noscript>`
/// text (for those fragments themselves, so extraction never recurses).
pub(crate) fn extract_nested(doc: &Html) -> ExtractedPage {
    Walker::new(false).run(doc)
}

/// The attributes the walk cares about, read in one pass.
#[derive(Default)]
struct Attrs<'a> {
    href: Option<&'a str>,
    src: Option<&'a str>,
    srcset: Option<&'a str>,
    alt: Option<&'a str>,
    title: Option<&'a str>,
    rel: Option<&'a str>,
    name: Option<&'a str>,
    id: Option<&'a str>,
    style: Option<&'a str>,
    onclick: Option<&'a str>,
    onchange: Option<&'a str>,
    action: Option<&'a str>,
    data: Option<&'a str>,
    poster: Option<&'a str>,
    http_equiv: Option<&'a str>,
    content: Option<&'a str>,
    lang: Option<&'a str>,
    xml_lang: Option<&'a str>,
    background: Option<&'a str>,
    kind: Option<&'a str>,
    cite: Option<&'a str>,
    code: Option<&'a str>,
    archive: Option<&'a str>,
    codebase: Option<&'a str>,
    formaction: Option<&'a str>,
    data_src: Option<&'a str>,
    data_original: Option<&'a str>,
    data_lazy_src: Option<&'a str>,
    as_: Option<&'a str>,
}

impl<'a> Attrs<'a> {
    fn read(el: &'a HtmlElement) -> Self {
        let mut a = Attrs::default();
        for (name, value) in el.attrs() {
            let slot = match name {
                "href" => &mut a.href,
                "src" => &mut a.src,
                "srcset" => &mut a.srcset,
                "alt" => &mut a.alt,
                "title" => &mut a.title,
                "rel" => &mut a.rel,
                "name" => &mut a.name,
                "id" => &mut a.id,
                "style" => &mut a.style,
                "onclick" => &mut a.onclick,
                "onchange" => &mut a.onchange,
                "action" => &mut a.action,
                "data" => &mut a.data,
                "poster" => &mut a.poster,
                "http-equiv" => &mut a.http_equiv,
                "content" => &mut a.content,
                "lang" => &mut a.lang,
                "xml:lang" => &mut a.xml_lang,
                "background" => &mut a.background,
                "type" => &mut a.kind,
                "cite" => &mut a.cite,
                "code" => &mut a.code,
                "archive" => &mut a.archive,
                "codebase" => &mut a.codebase,
                "formaction" => &mut a.formaction,
                "data-src" => &mut a.data_src,
                "data-original" => &mut a.data_original,
                "data-lazy-src" => &mut a.data_lazy_src,
                "as" => &mut a.as_,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        a
    }
}

struct Walker {
    page: ExtractedPage,
    /// Read `<datastore>` blocks and `<noscript>` text (false inside a
    /// datastore record or a `<noscript>`, so extraction never recurses).
    read_nested: bool,
    seen_html: bool,
    seen_title: bool,
}

impl Walker {
    fn new(read_nested: bool) -> Self {
        Walker {
            page: ExtractedPage::default(),
            read_nested,
            seen_html: false,
            seen_title: false,
        }
    }

    /// Walks the tree in document order, skipping the contents of every
    /// `<template>` (inert markup a script clones and fills in).
    fn run(mut self, doc: &Html) -> ExtractedPage {
        let mut inert: Option<ego_tree::NodeId> = None;
        for edge in doc.tree.root().traverse() {
            match edge {
                Edge::Open(node) if inert.is_none() => {
                    if let Some(el) = ElementRef::wrap(node) {
                        if is_template(el.value()) {
                            inert = Some(node.id());
                        } else {
                            self.element(el, el.value());
                        }
                    }
                }
                Edge::Close(node) if inert == Some(node.id()) => inert = None,
                _ => {}
            }
        }
        self.page
    }

    fn full(&self) -> bool {
        self.page.links.len() >= MAX_LINKS
    }

    fn push(&mut self, link: RawLink) {
        if self.full() {
            self.page.truncated = true;
        } else {
            self.page.links.push(link);
        }
    }

    fn push_all(&mut self, links: impl IntoIterator<Item = RawLink>) {
        for l in links {
            if self.full() {
                self.page.truncated = true;
                return;
            }
            self.page.links.push(l);
        }
    }

    /// A markup link, unless the value is empty or a `data:` URI.
    fn link(&mut self, raw: Option<&str>, text: impl Into<String>, element: Element) {
        let Some(raw) = raw else { return };
        if !is_link_value(raw) {
            return;
        }
        self.push(RawLink::markup(raw, text, element));
    }

    fn anchor(&mut self, value: Option<&str>) {
        if let Some(v) = value
            && !v.is_empty()
        {
            if self.page.anchors.len() < MAX_ANCHORS {
                self.page.anchors.push(v.to_string());
            } else {
                self.page.cut_by(super::Limit::Anchors);
            }
        }
    }

    fn element(&mut self, node: ElementRef<'_>, el: &HtmlElement) {
        let a = Attrs::read(el);
        self.anchor(a.id);
        match el.name() {
            "a" => {
                self.anchor(a.name);
                let href = if &*el.name.ns == SVG_NS {
                    svg_href(el, &a)
                } else {
                    a.href
                };
                if let Some(href) = href
                    && is_link_value(href)
                    && !self.full()
                {
                    let text = link_text(node, a.title);
                    self.push(RawLink::markup(href, text, Element::A));
                    let trimmed = href.trim_start_matches(|c: char| c.is_ascii_whitespace());
                    if let Some(code) = strip_prefix_ci(trimmed, "javascript:") {
                        self.push_all(js::location_links(code));
                    }
                } else if href.is_some() {
                    // Counted when the cap is hit; empty hrefs are not links.
                    self.page.truncated |= self.full() && href.is_some_and(is_link_value);
                }
            }
            "area" => self.link(a.href, img_text(&a), Element::Area),
            "img" => {
                let text = img_text(&a);
                self.link(a.src, text.clone(), Element::Img);
                self.srcset(a.srcset, &text, Element::Img);
                self.lazy_img(&a, &text);
            }
            "input" => {
                let kind = a.kind.map(str::trim).unwrap_or_default();
                let image = kind.eq_ignore_ascii_case("image");
                if image {
                    self.link(a.src, img_text(&a), Element::InputImage);
                }
                if image || kind.eq_ignore_ascii_case("submit") {
                    let text = el.attr("value").unwrap_or_default();
                    self.link(a.formaction, collapsed(text), Element::FormAction);
                }
            }
            "button" => {
                // A button submits its form unless it is type=button or reset.
                let kind = a.kind.map(str::trim).unwrap_or_default();
                if a.formaction.is_some()
                    && !kind.eq_ignore_ascii_case("button")
                    && !kind.eq_ignore_ascii_case("reset")
                {
                    let text = link_text(node, a.title);
                    self.link(a.formaction, text, Element::FormAction);
                }
            }
            "source" => {
                self.link(a.src, "", Element::Source);
                self.srcset(a.srcset, "", Element::Source);
            }
            "script" => {
                if a.src.is_some() {
                    self.link(a.src, "", Element::Script);
                } else if &*el.name.ns == SVG_NS && svg_href(el, &a).is_some() {
                    self.link(svg_href(el, &a), "", Element::Script);
                } else {
                    self.inline_script(node, a.kind);
                }
            }
            "link" => {
                if let Some(element) = link_rel(a.rel, a.as_) {
                    self.link(a.href, a.title.unwrap_or_default(), element);
                }
            }
            "iframe" => self.link(a.src, a.title.unwrap_or_default(), Element::Iframe),
            "frame" => self.link(a.src, a.title.unwrap_or_default(), Element::Frame),
            "video" => {
                self.link(a.src, "", Element::Media);
                self.link(a.poster, "", Element::Poster);
            }
            "audio" => self.link(a.src, "", Element::Media),
            "track" => {
                let label = el.attr("label").unwrap_or_default();
                self.link(a.src, collapsed(label), Element::Track);
            }
            "embed" => self.link(a.src, "", Element::Embed),
            "object" => self.object(el, &a),
            "applet" => self.applet(&a),
            "form" => self.link(a.action, "", Element::Form),
            "blockquote" | "q" | "ins" | "del" => {
                if let Some(cite) = a.cite.filter(|c| looks_like_url(c)) {
                    let text = link_text(node, a.title);
                    self.link(Some(cite), text, Element::Cite);
                }
            }
            "image" | "feImage" | "use" if &*el.name.ns == SVG_NS => {
                let href = svg_href(el, &a).filter(|h| !is_fragment_only(h));
                let element = if el.name() == "use" {
                    Element::SvgUse
                } else {
                    Element::SvgImage
                };
                self.link(href, a.title.unwrap_or_default(), element);
            }
            "meta"
                if a.http_equiv
                    .is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh")) =>
            {
                self.link(a.content.and_then(refresh_url), "", Element::MetaRefresh);
            }
            "noscript" if self.read_nested => self.noscript(node),
            "style" => {
                let text = text_children(node);
                if !self.full() {
                    let mut links = Vec::new();
                    if css::scan(&text, &mut links) {
                        self.page.cut_by(super::Limit::CssUrls);
                    }
                    self.push_all(links);
                }
            }
            "base" if &*el.name.ns == HTML_NS => {
                // The first <base> with href sets the base of the whole
                // document, also for links written before it.
                if self.page.base_href.is_none()
                    && let Some(href) = a.href
                {
                    self.page.base_href = Some(href.to_string());
                }
            }
            "html" if !self.seen_html => {
                self.seen_html = true;
                let lang = a
                    .lang
                    .or(a.xml_lang)
                    .map(str::trim)
                    .filter(|l| !l.is_empty());
                self.page.lang = lang.map(str::to_string);
            }
            "title" if !self.seen_title && &*el.name.ns == HTML_NS => {
                self.seen_title = true;
                let mut title = String::new();
                push_collapsed(&mut title, &text_children(node), &mut false);
                truncate(&mut title, 4 * MAX_TEXT_BYTES);
                self.page.title = (!title.is_empty()).then_some(title);
            }
            "select" => {
                if let Some(onchange) = a.onchange {
                    // `location…(this.value)` pages through a list; `window.open`
                    // is the usual 友情链接 drop-down.
                    if onchange.contains("location") {
                        self.select_options(node, Element::Pagination);
                    } else if onchange.contains("open") || onchange.contains("navigate") {
                        self.select_options(node, Element::JsLocation);
                    }
                }
            }
            "body" | "table" | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th" => {
                self.link(a.background, "", Element::Background)
            }
            _ => {}
        }
        if let Some(style) = a.style
            && !self.full()
        {
            let mut links = Vec::new();
            if css::scan(style, &mut links) {
                self.page.cut_by(super::Limit::CssUrls);
            }
            self.push_all(links);
        }
        if let Some(onclick) = a.onclick
            && !self.full()
        {
            self.push_all(js::location_links(onclick));
        }
    }

    /// The lazy-loading attributes of an `<img>` (`data-src`,
    /// `data-original`, `data-lazy-src`): the image a script swaps in for
    /// the placeholder `src`. A value equal to `src` is the same image, once.
    fn lazy_img(&mut self, a: &Attrs<'_>, text: &str) {
        let trim = |s: &str| {
            s.trim_matches(|c: char| c.is_ascii_whitespace())
                .to_string()
        };
        let mut seen: Vec<String> = a.src.map(trim).into_iter().collect();
        for v in [a.data_src, a.data_original, a.data_lazy_src]
            .into_iter()
            .flatten()
        {
            let t = trim(v);
            if !seen.contains(&t) {
                self.link(Some(v), text, Element::LazyImg);
                seen.push(t);
            }
        }
    }

    /// `<noscript>`: the parser (scripting enabled, as in a browser) keeps its
    /// content as text; the fallback markup in it (an `<img>`, an `<a>`, a
    /// stylesheet) is what a browser without scripts shows, so its links are
    /// read once from that text. Content parsed as elements (a parser with
    /// scripting disabled) is walked like the rest of the page instead.
    fn noscript(&mut self, node: ElementRef<'_>) {
        if self.full() || node.children().any(|c| c.value().is_element()) {
            return;
        }
        let text = text_children(node);
        if !text.contains('<') {
            return;
        }
        let fragment = Html::parse_fragment(&super::nesting::flatten(&text).text);
        let inner = extract_nested(&fragment);
        self.page.truncated |= inner.truncated;
        self.push_all(inner.links);
    }

    fn srcset(&mut self, srcset: Option<&str>, text: &str, element: Element) {
        let Some(srcset) = srcset else { return };
        for url in srcset_urls(srcset) {
            self.link(Some(url), text, element);
        }
    }

    /// `<object data>` (against the document base, as browsers do today);
    /// `codebase` when it names a file (an ActiveX installer such as
    /// `swflash.cab#version=…`: a directory codebase is only a base);
    /// `archive` URLs (space-separated) against the codebase.
    fn object(&mut self, el: &HtmlElement, a: &Attrs<'_>) {
        let text = img_text(a);
        self.link(a.data, text.clone(), Element::Object);
        let codebase = a
            .codebase
            .map(|c| c.trim_matches(|c: char| c.is_ascii_whitespace()));
        let java = el
            .attr("classid")
            .is_some_and(|c| strip_prefix_ci(c.trim(), "java:").is_some());
        if let Some(cb) = codebase.filter(|c| !c.ends_with('/'))
            && !java
        {
            self.link(Some(cb), text.clone(), Element::ObjectCode);
        }
        if let Some(archive) = a.archive {
            for url in archive.split_ascii_whitespace() {
                let url = under_codebase(codebase, url, false);
                self.link(Some(&url), text.clone(), Element::ObjectCode);
            }
        }
    }

    /// `<applet>`: each `archive` (comma-separated) and, without an archive,
    /// the `code` class file (`com.x.Main` → `com/x/Main.class`), both under
    /// the `codebase` directory (itself only a base, never checked alone).
    fn applet(&mut self, a: &Attrs<'_>) {
        let text = img_text(a);
        let codebase = a
            .codebase
            .map(|c| c.trim_matches(|c: char| c.is_ascii_whitespace()));
        if let Some(archive) = a.archive.filter(|s| is_link_value(s)) {
            for url in archive.split(',') {
                let url = url.trim_matches(|c: char| c.is_ascii_whitespace());
                if is_link_value(url) {
                    let url = under_codebase(codebase, url, true);
                    self.link(Some(&url), text.clone(), Element::Applet);
                }
            }
        } else if let Some(code) = a.code.and_then(class_file) {
            let url = under_codebase(codebase, &code, true);
            self.link(Some(&url), text, Element::Applet);
        }
    }

    fn inline_script(&mut self, node: ElementRef<'_>, kind: Option<&str>) {
        if self.full() {
            return;
        }
        let text = text_children(node);
        if text.trim().is_empty() {
            return;
        }
        if self.read_nested
            && let Some(ds) = js::datastore(&text)
        {
            self.push_all(ds.links());
            self.page.datastore.push(ds);
            return;
        }
        if !is_javascript(kind) {
            return;
        }
        self.push_all(js::location_links(&text));
        if self.page.pagination.is_none()
            && let Some(p) = js::pagination(&text)
        {
            self.push_all(p.links());
            self.page.pagination = Some(p);
        }
    }

    /// `<select onchange="location…(this.value)">`: each option value is a page.
    fn select_options(&mut self, select: ElementRef<'_>, element: Element) {
        for node in select.descendants().take(MAX_LINKS) {
            let Some(option) = ElementRef::wrap(node) else {
                continue;
            };
            let el = option.value();
            if el.name() != "option" {
                continue;
            }
            let Some(value) = el.attr("value") else {
                continue;
            };
            let value = value.trim_matches(|c: char| c.is_ascii_whitespace());
            if !is_link_value(value) || value == "#" {
                continue;
            }
            let mut link = RawLink::derived(value, element);
            push_collapsed(&mut link.text, &text_children(option), &mut false);
            truncate(&mut link.text, MAX_TEXT_BYTES);
            self.push(link);
        }
    }
}

/// `<template>` (HTML): its content is inert until a script uses it.
fn is_template(el: &HtmlElement) -> bool {
    el.name() == "template" && &*el.name.ns == HTML_NS
}

/// Not empty (after ASCII whitespace) and not a `data:` URI.
fn is_link_value(raw: &str) -> bool {
    let v = raw.trim_matches(|c: char| c.is_ascii_whitespace());
    !v.is_empty() && strip_prefix_ci(v, "data:").is_none()
}

/// `#…` alone: a reference inside the same document (an SVG sprite symbol).
fn is_fragment_only(raw: &str) -> bool {
    raw.trim_start_matches(|c: char| c.is_ascii_whitespace())
        .starts_with('#')
}

/// The `href` of an SVG element: plain `href` wins over `xlink:href` (SVG 2).
fn svg_href<'a>(el: &'a HtmlElement, a: &Attrs<'a>) -> Option<&'a str> {
    el.attr("href").or(a.href)
}

/// Whether a `cite` value is a URL rather than a name (`cite="新华社"` is
/// sometimes written for the source's name; a browser never loads `cite`, so
/// only a value that is clearly an address is checked): no whitespace, and a
/// scheme, a `/`, or a document file name (`source.html`).
fn looks_like_url(raw: &str) -> bool {
    const DOC_EXT: &[&str] = &[
        "htm", "html", "shtml", "jsp", "asp", "aspx", "php", "pdf", "doc", "docx",
    ];
    let v = raw.trim_matches(|c: char| c.is_ascii_whitespace());
    if v.is_empty() || v.contains(char::is_whitespace) {
        return false;
    }
    let scheme = v
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    let document = v
        .rsplit_once('.')
        .is_some_and(|(_, ext)| DOC_EXT.iter().any(|e| ext.eq_ignore_ascii_case(e)));
    scheme || v.contains('/') || document
}

/// The class file of an applet's `code`: `Clock.class` as is, `com.x.Clock`
/// and `com.x.Clock.class` as `com/x/Clock.class`; a path is kept.
fn class_file(code: &str) -> Option<String> {
    let code = code.trim_matches(|c: char| c.is_ascii_whitespace());
    if !is_link_value(code) {
        return None;
    }
    if code.contains('/') {
        return Some(code.to_string());
    }
    let name = code.strip_suffix(".class").unwrap_or(code);
    Some(format!("{}.class", name.replace('.', "/")))
}

/// `r` written relative to a `codebase` (itself relative to the document
/// base), as one reference the crawl can resolve against the document base.
/// `dir`: the codebase is a directory even without a trailing `/` (applets).
fn under_codebase<'a>(codebase: Option<&str>, r: &'a str, dir: bool) -> Cow<'a, str> {
    let Some(cb) = codebase.filter(|c| !c.is_empty()) else {
        return Cow::Borrowed(r);
    };
    let has_scheme = |s: &str| {
        s.split_once(':').is_some_and(|(p, _)| {
            p.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        })
    };
    if has_scheme(r) || r.starts_with("//") {
        return Cow::Borrowed(r);
    }
    let mut cb = cb.to_string();
    if dir && !cb.ends_with('/') {
        cb.push('/');
    }
    if has_scheme(&cb) || cb.starts_with("//") {
        // An absolute (or scheme-relative) codebase: resolve against it here.
        let (absolute, prefix) = if cb.starts_with("//") {
            (format!("http:{cb}"), true)
        } else {
            (cb.clone(), false)
        };
        return match url::Url::parse(&absolute).and_then(|b| b.join(r)) {
            Ok(u) if prefix => Cow::Owned(u.as_str().trim_start_matches("http:").to_string()),
            Ok(u) => Cow::Owned(u.into()),
            Err(_) => Cow::Borrowed(r),
        };
    }
    if r.starts_with('/') {
        return Cow::Borrowed(r);
    }
    // A relative codebase: its directory, then `r`.
    let cb = cb.split(['?', '#']).next().unwrap_or_default();
    let dir_end = cb.rfind('/').map_or(0, |i| i + 1);
    Cow::Owned(format!("{}{r}", &cb[..dir_end]))
}

/// `s` with whitespace runs collapsed, cut to [`MAX_TEXT_BYTES`].
fn collapsed(s: &str) -> String {
    let mut text = String::new();
    push_collapsed(&mut text, s, &mut false);
    truncate(&mut text, MAX_TEXT_BYTES);
    text
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.as_bytes().get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix.as_bytes()) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// `type` absent, empty, a JavaScript MIME type or `module`.
fn is_javascript(kind: Option<&str>) -> bool {
    let Some(kind) = kind.map(str::trim) else {
        return true;
    };
    let kind = kind.to_ascii_lowercase();
    kind.is_empty()
        || kind == "module"
        || ["javascript", "ecmascript", "jscript", "livescript"]
            .iter()
            .any(|m| kind.contains(m))
}

/// The element for a `<link rel>` (a preload by its `as`); None for rels
/// that name no document (`preconnect`, `dns-prefetch` name an origin).
fn link_rel(rel: Option<&str>, as_: Option<&str>) -> Option<Element> {
    let rel = rel.unwrap_or_default();
    let has = |names: &[&str]| {
        rel.split_ascii_whitespace()
            .any(|t| names.iter().any(|n| t.eq_ignore_ascii_case(n)))
    };
    if has(&["stylesheet"]) {
        Some(Element::Stylesheet)
    } else if has(&["preconnect", "dns-prefetch"]) {
        None
    } else if has(&[
        "icon",
        "apple-touch-icon",
        "apple-touch-icon-precomposed",
        "apple-touch-startup-image",
        "mask-icon",
    ]) {
        Some(Element::Icon)
    } else if has(&["manifest"]) {
        Some(Element::Manifest)
    } else if has(&["preload"]) && as_.is_some_and(|a| a.trim().eq_ignore_ascii_case("image")) {
        Some(Element::PreloadImage)
    } else if has(&["preload", "modulepreload"]) {
        Some(Element::Preload)
    } else if has(&["prefetch"]) {
        Some(Element::Prefetch)
    } else {
        Some(Element::LinkOther)
    }
}

fn img_text(a: &Attrs<'_>) -> String {
    let mut text = String::new();
    let raw = a
        .alt
        .filter(|s| !s.trim().is_empty())
        .or(a.title)
        .unwrap_or_default();
    push_collapsed(&mut text, raw, &mut false);
    truncate(&mut text, MAX_TEXT_BYTES);
    text
}

/// The visible text of a link, whitespace collapsed; else the alt of the
/// first image inside; else its `title`.
fn link_text(node: ElementRef<'_>, title: Option<&str>) -> String {
    let mut text = String::new();
    let mut pending = false;
    let mut first_alt: Option<&str> = None;
    for (visited, d) in node.descendants().enumerate() {
        if visited >= MAX_TEXT_NODES || text.len() >= MAX_TEXT_BYTES {
            break;
        }
        match d.value() {
            Node::Text(t) => {
                let hidden = d
                    .parent()
                    .and_then(|p| p.value().as_element().map(|e| e.name()))
                    .is_some_and(|n| matches!(n, "script" | "style" | "noscript" | "template"));
                if !hidden {
                    push_collapsed(&mut text, t, &mut pending);
                }
            }
            Node::Element(e) => match e.name() {
                "img" if first_alt.is_none() => {
                    first_alt = e
                        .attr("alt")
                        .filter(|s| !s.trim().is_empty())
                        .or_else(|| e.attr("title"));
                }
                "br" | "p" | "div" | "li" | "td" | "th" | "tr" | "h1" | "h2" | "h3" | "h4"
                | "h5" | "h6" | "ul" | "ol" | "dd" | "dt" | "table" => pending = true,
                _ => {}
            },
            _ => {}
        }
    }
    if text.is_empty()
        && let Some(fallback) = first_alt.or(title)
    {
        push_collapsed(&mut text, fallback, &mut false);
    }
    truncate(&mut text, MAX_TEXT_BYTES);
    text
}

/// Appends `s` with runs of whitespace collapsed to one space; `pending`
/// carries a whitespace run across calls (it is never written at the start).
fn push_collapsed(out: &mut String, s: &str, pending: &mut bool) {
    for ch in s.chars() {
        if ch.is_whitespace() {
            *pending = true;
        } else {
            if *pending && !out.is_empty() {
                out.push(' ');
            }
            *pending = false;
            out.push(ch);
        }
    }
}

fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let mut n = max;
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s.truncate(n);
    }
}

/// The concatenated text children of an element (`<script>`, `<style>`, `<title>`).
fn text_children<'a>(node: ElementRef<'a>) -> Cow<'a, str> {
    let mut texts = node.children().filter_map(|c| c.value().as_text());
    let Some(first) = texts.next() else {
        return Cow::Borrowed("");
    };
    let mut rest = texts.peekable();
    if rest.peek().is_none() {
        return Cow::Borrowed(&first.text);
    }
    let mut s = first.text.to_string();
    for t in rest {
        s.push_str(&t.text);
    }
    Cow::Owned(s)
}

/// The URL of a `<meta http-equiv=refresh content=…>`, as WHATWG's shared
/// declarative refresh steps read it: `5; url=x`, `0;URL='x'`, `0, x`, `0 x`.
/// None when it only reloads the page itself.
pub fn refresh_url(content: &str) -> Option<&str> {
    let is_ws = |c: char| c.is_ascii_whitespace();
    let s = content.trim_start_matches(is_ws);
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 && !s.starts_with('.') {
        return None;
    }
    let s = s.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    if let Some(c) = s.chars().next()
        && !(c == ';' || c == ',' || is_ws(c))
    {
        return None;
    }
    let s = s.trim_start_matches(is_ws);
    let s = s.strip_prefix([';', ',']).unwrap_or(s);
    let s = s.trim_start_matches(is_ws);
    let mut url = s;
    if let Some(rest) = strip_prefix_ci(s, "url") {
        let rest = rest.trim_start_matches(is_ws);
        if let Some(rest) = rest.strip_prefix('=') {
            url = rest.trim_start_matches(is_ws);
        }
    }
    if let Some(q) = url.chars().next().filter(|c| *c == '\'' || *c == '"') {
        url = &url[1..];
        if let Some(end) = url.find(q) {
            url = &url[..end];
        }
    }
    let url = url.trim_matches(is_ws);
    (!url.is_empty()).then_some(url)
}

/// The URL of every candidate of a `srcset` (WHATWG "parse a srcset
/// attribute", descriptors skipped).
pub fn srcset_urls(srcset: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = srcset.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut url = srcset.get(start..i).unwrap_or_default();
        if url.ends_with(',') {
            url = url.trim_end_matches(',');
        } else {
            // Descriptors run to the next comma outside parentheses.
            let mut depth = 0u32;
            while i < b.len() {
                match b[i] {
                    b'(' => depth += 1,
                    b')' => depth = depth.saturating_sub(1),
                    b',' if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
        }
        if !url.is_empty() {
            out.push(url);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::Origin;

    fn page(html: &str) -> ExtractedPage {
        extract(&Html::parse_document(html))
    }

    fn triples(p: &ExtractedPage) -> Vec<(&str, &str, Element)> {
        p.links
            .iter()
            .map(|l| (l.url.as_str(), l.text.as_str(), l.element))
            .collect()
    }

    const ARTICLE: &str = r##"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>
  上海市知识产权局关于印发《2026年政务公开工作要点》的通知
</title>
<base href="https://sipa.sh.gov.cn/zwgk/">
<link rel="stylesheet" href="/css/main.css">
<link rel="alternate stylesheet" href="/css/high-contrast.css" title="高对比度">
<link rel="icon" href="/favicon.ico">
<link rel="preconnect" href="https://cdn.example.com">
<link rel="dns-prefetch" href="//cdn.example.com">
<script src="/js/jquery.min.js"></script>
<style>
  .banner { background: url(/images/banner.jpg) }
  @import url("/css/print.css");
</style>
</head>
<body>
<div id="top" class="header">
  <a href="/">首页</a>
  <a href="/zfxxgk/">
    政府信息
    公开
  </a>
  <a href="../xxgk/index.html"><img src="/images/xxgk.png" alt="信息公开"></a>
  <a href="#content">跳转到正文</a>
  <a href="javascript:window.print()">打印本页</a>
  <a href="mailto:webmaster@sipa.sh.gov.cn">联系我们</a>
  <a href="">空链接</a>
  <a>没有链接</a>
  <a name="content"></a>
</div>
<!-- <a href="/old/removed.html">已删除栏目</a> -->
<map name="m"><area href="/map/pudong.html" alt="浦东新区" shape="rect" coords="0,0,1,1"></map>
<img src="/images/photo.jpg" srcset="/images/photo-2x.jpg 2x, /images/photo-3x.jpg 3x" title="会议现场">
<picture><source srcset="/images/a.webp 1x, /images/b.webp 2x" type="image/webp"><img src="/images/a.jpg" alt=""></picture>
<iframe src="https://map.example.com/embed" title="地图"></iframe>
<video src="/media/intro.mp4" poster="/media/poster.jpg"><track src="/media/zh.vtt"></video>
<audio src="/media/notice.mp3"></audio>
<embed src="/flash/old.swf">
<object data="/docs/guide.pdf"></object>
<form action="/search/search.jsp" method="get"><input name="q"></form>
<form method="post"><input name="x"></form>
<form action=""></form>
<p style="background-image: url('/images/bg.png')">正文</p>
<button onclick="location.href='/zwgk/list.html'">更多</button>
<table background="/images/table-bg.gif"><tr><td>x</td></tr></table>
<img src="data:image/png;base64,iVBORw0KGgo=" alt="内联图片">
<p id="fj">附件：<a href="/uploads/2026/通知.pdf" title="附件">关于印发《要点》的通知.pdf</a></p>
</body>
</html>"##;

    #[test]
    fn article_page_links_in_document_order() {
        let p = page(ARTICLE);
        assert_eq!(
            triples(&p),
            vec![
                ("/css/main.css", "", Element::Stylesheet),
                ("/css/high-contrast.css", "高对比度", Element::Stylesheet),
                ("/favicon.ico", "", Element::Icon),
                ("/js/jquery.min.js", "", Element::Script),
                ("/images/banner.jpg", "", Element::CssUrl),
                ("/css/print.css", "", Element::CssImport),
                ("/", "首页", Element::A),
                ("/zfxxgk/", "政府信息 公开", Element::A),
                ("../xxgk/index.html", "信息公开", Element::A),
                ("/images/xxgk.png", "信息公开", Element::Img),
                ("#content", "跳转到正文", Element::A),
                ("javascript:window.print()", "打印本页", Element::A),
                ("mailto:webmaster@sipa.sh.gov.cn", "联系我们", Element::A),
                ("/map/pudong.html", "浦东新区", Element::Area),
                ("/images/photo.jpg", "会议现场", Element::Img),
                ("/images/photo-2x.jpg", "会议现场", Element::Img),
                ("/images/photo-3x.jpg", "会议现场", Element::Img),
                ("/images/a.webp", "", Element::Source),
                ("/images/b.webp", "", Element::Source),
                ("/images/a.jpg", "", Element::Img),
                ("https://map.example.com/embed", "地图", Element::Iframe),
                ("/media/intro.mp4", "", Element::Media),
                ("/media/poster.jpg", "", Element::Poster),
                ("/media/zh.vtt", "", Element::Track),
                ("/media/notice.mp3", "", Element::Media),
                ("/flash/old.swf", "", Element::Embed),
                ("/docs/guide.pdf", "", Element::Object),
                ("/search/search.jsp", "", Element::Form),
                ("/images/bg.png", "", Element::CssUrl),
                ("/zwgk/list.html", "", Element::JsLocation),
                ("/images/table-bg.gif", "", Element::Background),
                (
                    "/uploads/2026/通知.pdf",
                    "关于印发《要点》的通知.pdf",
                    Element::A
                ),
            ]
        );
        let derived: Vec<&str> = p
            .links
            .iter()
            .filter(|l| l.origin == Origin::Derived)
            .map(|l| l.url.as_str())
            .collect();
        assert_eq!(derived, vec!["/zwgk/list.html"]);
        assert_eq!(
            p.title.as_deref(),
            Some("上海市知识产权局关于印发《2026年政务公开工作要点》的通知")
        );
        assert_eq!(p.lang.as_deref(), Some("zh-CN"));
        assert_eq!(p.base_href.as_deref(), Some("https://sipa.sh.gov.cn/zwgk/"));
        assert_eq!(p.anchors, vec!["top", "content", "fj"]);
        assert!(!p.truncated);
        assert!(p.pagination.is_none());
    }

    /// Issue 14 item 5: every other place a browser loads or follows a URL.
    #[test]
    fn legacy_svg_and_link_rel_sources() {
        let p = page(
            r##"<html><head>
<link rel="shortcut icon" href="/favicon.ico">
<link rel="apple-touch-icon" href="/images/touch.png">
<link rel="manifest" href="/site.webmanifest">
<link rel="preload" href="/fonts/kai.woff2" as="font">
<link rel="modulepreload" href="/js/app.mjs">
<link rel="preload" href="/images/hero.jpg" as=" IMAGE ">
<link rel="prefetch" href="/images/next.jpg" as="image">
<link rel="prefetch" href="/zwgk/next.html">
<link rel="canonical" href="/zwgk/index.html">
</head><body background="/images/body-bg.jpg">
<div style="background:url('/images/div-bg.png')">x</div>
<object classid="clsid:D27CDB6E-AE6D-11cf-96B8-444553540000" codebase="http://download.example.com/cabs/swflash.cab#version=9,0,0,0" data="/flash/map.swf" archive="a.jar b.jar" title="地图"></object>
<object classid="java:Clock.class" codebase="/java/"></object>
<applet code="cn.gov.Clock" codebase="/applets/clock" alt="时钟"></applet>
<applet code="Ignored.class" archive="lib/a.jar, lib/b.jar" codebase="http://old.example.gov.cn/applets/"></applet>
<embed src="/flash/banner.swf">
<form action="/search/"><input type="image" src="/images/go.png" alt="搜索"><input type="image" src="/images/go2.png" formaction="/search/adv.jsp" alt="高级">
<input type="submit" value="导出" formaction="/export.jsp"><button formaction="/print.jsp">打印</button>
<button type="button" formaction="/not-submitted.jsp">x</button><input type="text" formaction="/nope.jsp"></form>
<video src="/media/v.mp4" poster="/media/v.jpg"><track src="/media/v.vtt" label="中文字幕"></video>
<blockquote cite="http://www.gov.cn/zhengce/2026/content.html"><p>引文</p></blockquote>
<q cite="/zcwj/source.html">短引文</q><ins cite="../xgjl/why.html">新增</ins><del cite="新华社">删除</del>
<blockquote cite="国务院 办公厅">名字不是地址</blockquote>
<table background="/images/t.gif"><tbody background="/images/tb.gif"><tr background="/images/tr.gif"><td background="/images/td.gif">x</td></tr></tbody></table>
<svg><a xlink:href="/svg-link.html"><text>图</text></a><image href="/images/chart.svg"></image><image xlink:href="/images/old-chart.png"></image>
<use href="#icon-home"></use><use xlink:href="/images/sprite.svg#icon-mail"></use><feImage href="/images/tex.png"></feImage>
<script href="/js/svg.js"></script><a href="/plain.html" xlink:href="/xlink.html">双</a></svg>
</body></html>"##,
        );
        assert_eq!(
            triples(&p),
            vec![
                ("/favicon.ico", "", Element::Icon),
                ("/images/touch.png", "", Element::Icon),
                ("/site.webmanifest", "", Element::Manifest),
                ("/fonts/kai.woff2", "", Element::Preload),
                ("/js/app.mjs", "", Element::Preload),
                ("/images/hero.jpg", "", Element::PreloadImage),
                ("/images/next.jpg", "", Element::Prefetch),
                ("/zwgk/next.html", "", Element::Prefetch),
                ("/zwgk/index.html", "", Element::LinkOther),
                ("/images/body-bg.jpg", "", Element::Background),
                ("/images/div-bg.png", "", Element::CssUrl),
                ("/flash/map.swf", "地图", Element::Object),
                (
                    "http://download.example.com/cabs/swflash.cab#version=9,0,0,0",
                    "地图",
                    Element::ObjectCode
                ),
                (
                    "http://download.example.com/cabs/a.jar",
                    "地图",
                    Element::ObjectCode
                ),
                (
                    "http://download.example.com/cabs/b.jar",
                    "地图",
                    Element::ObjectCode
                ),
                ("/applets/clock/cn/gov/Clock.class", "时钟", Element::Applet),
                (
                    "http://old.example.gov.cn/applets/lib/a.jar",
                    "",
                    Element::Applet
                ),
                (
                    "http://old.example.gov.cn/applets/lib/b.jar",
                    "",
                    Element::Applet
                ),
                ("/flash/banner.swf", "", Element::Embed),
                ("/search/", "", Element::Form),
                ("/images/go.png", "搜索", Element::InputImage),
                ("/images/go2.png", "高级", Element::InputImage),
                ("/search/adv.jsp", "", Element::FormAction),
                ("/export.jsp", "导出", Element::FormAction),
                ("/print.jsp", "打印", Element::FormAction),
                ("/media/v.mp4", "", Element::Media),
                ("/media/v.jpg", "", Element::Poster),
                ("/media/v.vtt", "中文字幕", Element::Track),
                (
                    "http://www.gov.cn/zhengce/2026/content.html",
                    "引文",
                    Element::Cite
                ),
                ("/zcwj/source.html", "短引文", Element::Cite),
                ("../xgjl/why.html", "新增", Element::Cite),
                ("/images/t.gif", "", Element::Background),
                ("/images/tb.gif", "", Element::Background),
                ("/images/tr.gif", "", Element::Background),
                ("/images/td.gif", "", Element::Background),
                ("/svg-link.html", "图", Element::A),
                ("/images/chart.svg", "", Element::SvgImage),
                ("/images/old-chart.png", "", Element::SvgImage),
                ("/images/sprite.svg#icon-mail", "", Element::SvgUse),
                ("/images/tex.png", "", Element::SvgImage),
                ("/js/svg.js", "", Element::Script),
                ("/plain.html", "双", Element::A),
            ]
        );
    }

    #[test]
    fn base_after_links_applies_to_the_whole_document() {
        let p = page(
            r#"<html><head><base target="_blank"></head><body><a href="a.html">甲</a>
<base href="../docs/"><base href="/ignored/"><svg><base href="/svg-base/"></base></svg></body></html>"#,
        );
        assert_eq!(p.base_href.as_deref(), Some("../docs/"));
        assert_eq!(triples(&p), vec![("a.html", "甲", Element::A)]);
    }

    #[test]
    fn codebase_joins_and_class_files() {
        let j = |cb: Option<&str>, r: &str, dir: bool| under_codebase(cb, r, dir).into_owned();
        assert_eq!(j(None, "a.jar", true), "a.jar");
        assert_eq!(j(Some(""), "a.jar", true), "a.jar");
        assert_eq!(j(Some("classes"), "a.jar", true), "classes/a.jar");
        assert_eq!(j(Some("classes/"), "a.jar", true), "classes/a.jar");
        assert_eq!(j(Some("lib/x.cab"), "a.jar", false), "lib/a.jar");
        assert_eq!(j(Some("x.cab"), "a.jar", false), "a.jar");
        assert_eq!(j(Some("../applets"), "/abs.jar", true), "/abs.jar");
        assert_eq!(
            j(Some("http://h.cn/app"), "../lib/a.jar", true),
            "http://h.cn/lib/a.jar"
        );
        assert_eq!(
            j(Some("http://h.cn/app/"), "/a.jar", true),
            "http://h.cn/a.jar"
        );
        assert_eq!(j(Some("//h.cn/app"), "a.jar", true), "//h.cn/app/a.jar");
        assert_eq!(
            j(Some("/app"), "https://x.cn/a.jar", true),
            "https://x.cn/a.jar"
        );
        assert_eq!(j(Some("/app"), "//x.cn/a.jar", true), "//x.cn/a.jar");
        assert_eq!(class_file("Clock.class").as_deref(), Some("Clock.class"));
        assert_eq!(class_file("Clock").as_deref(), Some("Clock.class"));
        assert_eq!(
            class_file(" cn.gov.Clock.class ").as_deref(),
            Some("cn/gov/Clock.class")
        );
        assert_eq!(
            class_file("cn/gov/Clock.class").as_deref(),
            Some("cn/gov/Clock.class")
        );
        assert_eq!(class_file("  "), None);
        for (v, want) in [
            ("http://www.gov.cn/a.html", true),
            ("/a.html", true),
            ("docs/a.html", true),
            ("urn:isbn:123", true),
            ("source.html", true),
            ("解读.PDF", true),
            ("新华社", false),
            ("人民日报 2026/03/01", false),
            ("www.gov.cn", false),
            ("", false),
        ] {
            assert_eq!(looks_like_url(v), want, "{v}");
        }
    }

    #[test]
    fn look_alikes_yield_no_link() {
        let p = page(
            r##"<html><body>
            <a href="">empty</a><a href="   ">blank</a><a>no href</a>
            <!-- <a href="/commented.html">x</a> <img src="/c.png"> -->
            <form><input></form><form action="  "></form>
            <img src="" alt="x"><script src=""></script><iframe></iframe>
            <link rel="preconnect" href="https://x.example.com">
            <link rel="dns-prefetch" href="//x.example.com">
            <object codebase="/java/classes/"></object><applet codebase="/applets/"></applet>
            <blockquote cite="">x</blockquote><q cite="新华社">x</q>
            <svg><use href="#icon"></use><use xlink:href=" #icon2"></use><image href=""></image></svg>
            <button formaction="">x</button><input type="reset" formaction="/r.jsp">
            <p background="/not-a-table.gif">x</p>
            <p style="color:red">no url</p>
            <div style="background:url(data:image/gif;base64,R0lGOD)"></div>
            <meta http-equiv="refresh" content="300">
            <meta name="keywords" content="0;url=not-a-refresh.html">
            <script type="text/template"><a href="/tpl.html">tpl</a> location.href='/tpl2.html'</script>
            <select onchange="doSomething(this.value)"><option value="/opt.html">x</option></select>
            </body></html>"##,
        );
        assert!(p.links.is_empty(), "{:?}", p.links);
    }

    /// `<template>` content is inert: no links, no fragment targets; what
    /// follows the template is read as usual.
    #[test]
    fn template_content_is_inert() {
        let p = page(
            r#"<ul id="list"><template id="row"><li id="tpl-li"><a href="/tpl/a.html">行</a><img src="/tpl/a.png">
<template><a href="/tpl/nested.html">内</a></template><a href="/tpl/after-nested.html">后</a></li></template>
<li><a href="/real.html">真实</a></li></ul>
<svg><template><a href="/svg-template.html">图</a></template></svg>"#,
        );
        assert_eq!(
            triples(&p),
            vec![
                ("/real.html", "真实", Element::A),
                ("/svg-template.html", "图", Element::A)
            ]
        );
        assert_eq!(p.anchors, vec!["list"]);
    }

    /// `<noscript>` is text to a parser with scripting enabled: its fallback
    /// markup is read from that text, once, in document order; without
    /// markup in it nothing is read; a `<noscript>` nested in one (not
    /// allowed by HTML) is not read. A `noscript` element with element
    /// children (here in SVG) is walked as the rest of the tree, not twice.
    #[test]
    fn noscript_fallbacks_are_read_once() {
        let p = page(
            r#"<html><head><noscript><link rel="stylesheet" href="/css/nojs.css"><meta http-equiv="refresh" content="0;url=/nojs/index.html"></noscript></head>
<body><a href="/before.html">前</a>
<noscript><p>请启用脚本，或访问<a href="/nojs/list.html">无脚本版</a></p><img src="/nojs/banner.png" alt="横幅"><img src="{{el.pic}}"><noscript><a href="/nested.html">嵌套</a></noscript></noscript>
<noscript>请启用脚本 &lt; 3</noscript><noscript></noscript>
<svg><noscript><a href="/svg-noscript.html">图</a></noscript></svg>
<a href="/after.html">后</a></body></html>"#,
        );
        assert_eq!(
            triples(&p),
            vec![
                ("/css/nojs.css", "", Element::Stylesheet),
                ("/nojs/index.html", "", Element::MetaRefresh),
                ("/before.html", "前", Element::A),
                ("/nojs/list.html", "无脚本版", Element::A),
                ("/nojs/banner.png", "横幅", Element::Img),
                ("{{el.pic}}", "", Element::Img),
                ("/svg-noscript.html", "图", Element::A),
                ("/after.html", "后", Element::A),
            ]
        );
        assert!(p.links.iter().all(|l| l.origin == Origin::Markup));
        assert_eq!(p.title, None);
        // A hostile chain of unclosed noscripts is read one level deep.
        let html = "<noscript><a href='/n.html'>".repeat(20_000);
        let p = page(&html);
        assert_eq!(p.links.len(), 1);
    }

    /// Lazy-loading attributes of `<img>` are image sources; a value equal
    /// to `src` (or to another lazy attribute) is read once.
    #[test]
    fn lazy_image_attributes() {
        let p = page(
            r#"<img class="lazy" src="/images/loading.gif" data-original="/photos/a.jpg" alt="甲">
<img data-src="/photos/b.jpg" data-lazy-src="/photos/b.jpg" title="乙">
<img src="/photos/c.jpg" data-src=" /photos/c.jpg ">
<img src="data:image/gif;base64,R0lGOD" data-src="" data-original="data:image/png;base64,AA" data-lazy-src="/photos/d.jpg">
<div data-src="/not-an-img.jpg" data-original="/not-an-img2.jpg"></div>"#,
        );
        assert_eq!(
            triples(&p),
            vec![
                ("/images/loading.gif", "甲", Element::Img),
                ("/photos/a.jpg", "甲", Element::LazyImg),
                ("/photos/b.jpg", "乙", Element::LazyImg),
                ("/photos/c.jpg", "", Element::Img),
                ("/photos/d.jpg", "", Element::LazyImg),
            ]
        );
    }

    #[test]
    fn fragment_and_javascript_hrefs_are_returned_as_written() {
        let p = page(
            r##"<a href="#">返回顶部</a><a href="javascript:void(0)">更多</a><a href="JavaScript:window.open('/tj/report.html')">统计</a>"##,
        );
        assert_eq!(
            triples(&p),
            vec![
                ("#", "返回顶部", Element::A),
                ("javascript:void(0)", "更多", Element::A),
                (
                    "JavaScript:window.open('/tj/report.html')",
                    "统计",
                    Element::A
                ),
                ("/tj/report.html", "", Element::JsLocation),
            ]
        );
        assert_eq!(p.links[3].origin, Origin::Derived);
    }

    #[test]
    fn raw_values_keep_entities_decoded_and_spaces() {
        let p = page(r#"<a href=" /search?a=1&amp;b=政务 ">搜索</a>"#);
        assert_eq!(p.links[0].url, " /search?a=1&b=政务 ");
    }

    #[test]
    fn meta_refresh_forms() {
        for (content, want) in [
            ("0;url=/zwgk/index.html", Some("/zwgk/index.html")),
            (
                "0; URL='https://www.sh.gov.cn/'",
                Some("https://www.sh.gov.cn/"),
            ),
            ("5;Url=\"new.html\"", Some("new.html")),
            ("0.5, next.html", Some("next.html")),
            ("3 url=x.html", Some("x.html")),
            ("0;url='a.html'junk", Some("a.html")),
            ("0", None),
            ("10;", None),
            ("", None),
            ("url=x.html", None),
            ("0x;url=x.html", None),
        ] {
            assert_eq!(refresh_url(content), want, "{content}");
        }
        let p = page(r#"<meta http-equiv="Refresh" content="0;URL=/wcm/index.html">"#);
        assert_eq!(
            triples(&p),
            vec![("/wcm/index.html", "", Element::MetaRefresh)]
        );
    }

    #[test]
    fn srcset_parsing() {
        assert_eq!(
            srcset_urls("a.jpg 1x, b.jpg 2x,c.jpg,  d,e.jpg 640w"),
            vec!["a.jpg", "b.jpg", "c.jpg", "d,e.jpg"]
        );
        assert_eq!(srcset_urls("  x.png  "), vec!["x.png"]);
        assert_eq!(
            srcset_urls("a.png (1x, 2x), b.png 2x"),
            vec!["a.png", "b.png"]
        );
        assert!(srcset_urls(" , ,").is_empty());
    }

    #[test]
    fn link_text_fallbacks() {
        let p = page(
            r#"<a href="/a.html"><img src="/i.png" title="标题图"></a>
               <a href="/b.html" title="链接标题"></a>
               <a href="/c.html">关于<b>2026</b>年<script>var x=1;</script>工作</a>
               <a href="/d.html"><div>第一行</div><div>第二行</div></a>
               <a href="/e.html">&nbsp;政务&#12288;公开&nbsp;</a>"#,
        );
        let texts: Vec<(&str, &str)> = p
            .links
            .iter()
            .filter(|l| l.element == Element::A)
            .map(|l| (l.url.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("/a.html", "标题图"),
                ("/b.html", "链接标题"),
                ("/c.html", "关于2026年工作"),
                ("/d.html", "第一行 第二行"),
                ("/e.html", "政务 公开"),
            ]
        );
    }

    #[test]
    fn long_link_text_is_truncated_on_char_boundary() {
        let html = format!("<a href='/x'>{}</a>", "政".repeat(10_000));
        let p = page(&html);
        assert!(p.links[0].text.len() <= MAX_TEXT_BYTES);
        assert!(p.links[0].text.starts_with("政政"));
    }

    #[test]
    fn lang_title_base_variants() {
        let p = page(
            r#"<html xml:lang="zh"><head><title></title><base href="/a/"><base href="/b/"></head><body><svg><title>图标</title></svg></body></html>"#,
        );
        assert_eq!(p.lang.as_deref(), Some("zh"));
        assert_eq!(p.title, None);
        assert_eq!(p.base_href.as_deref(), Some("/a/"));
        let p = page(r#"<html lang=" "><body><svg><title>图标</title></svg></body></html>"#);
        assert_eq!(p.lang, None);
        assert_eq!(p.title, None);
        let p = page("<p>x</p>");
        assert_eq!((p.lang, p.title, p.base_href), (None, None, None));
    }

    const TRS_LIST: &str = r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>通知公告_上海市知识产权局</title></head>
<body>
<div class="list">
<ul>
<li><a href="./202605/t20260520_501234.html" target="_blank">关于开展2026年知识产权宣传周活动的通知</a><span>2026-05-20</span></li>
<li><a href="./202605/t20260512_501100.html" target="_blank">关于公布2026年度专利资助名单的公告</a><span>2026-05-12</span></li>
</ul>
<div class="page">
<script type="text/javascript">
  createPageHTML(5, 0, "index", "html");
</script>
</div>
<select onchange="location.href=this.value"><option value="">请选择</option><option value="index_1.html">第2页</option><option value="index_2.html">第3页</option></select>
</div>
</body></html>"#;

    #[test]
    fn trs_list_page() {
        let p = page(TRS_LIST);
        let got: Vec<(&str, Element, Origin)> = p
            .links
            .iter()
            .map(|l| (l.url.as_str(), l.element, l.origin))
            .collect();
        assert_eq!(
            got,
            vec![
                ("./202605/t20260520_501234.html", Element::A, Origin::Markup),
                ("./202605/t20260512_501100.html", Element::A, Origin::Markup),
                ("index_1.html", Element::Pagination, Origin::Derived),
                ("index_2.html", Element::Pagination, Origin::Derived),
                ("index_3.html", Element::Pagination, Origin::Derived),
                ("index_4.html", Element::Pagination, Origin::Derived),
                ("index_5.html", Element::Pagination, Origin::Derived),
                ("index_1.html", Element::Pagination, Origin::Derived),
                ("index_2.html", Element::Pagination, Origin::Derived),
            ]
        );
        assert_eq!(p.links[7].text, "第2页");
        assert_eq!(
            p.pagination,
            Some(js::Pagination {
                pages: 5,
                name: "index".into(),
                ext: "html".into()
            })
        );
    }

    #[test]
    fn friend_link_select() {
        let p = page(
            r#"<select onchange="window.open(this.options[this.selectedIndex].value)"><option>友情链接</option><option value="https://www.cnipa.gov.cn/">国家知识产权局</option></select>"#,
        );
        assert_eq!(
            triples(&p),
            vec![(
                "https://www.cnipa.gov.cn/",
                "国家知识产权局",
                Element::JsLocation
            )]
        );
        assert_eq!(p.links[0].origin, Origin::Derived);
    }

    #[test]
    fn hanweb_column_page() {
        let html = r#"<html><head><title>政策文件</title></head><body>
<div id="4191896">
<script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=1229214366"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2026/5/20/art_1229214366_4191896.html" title="宁波市知识产权局2025年政府信息公开工作年度报告">宁波市知识产权局2025年政府信息公开工作年度报告</a><span>2026-01-20</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2026/1/5/art_1229214366_4180001.html">关于印发《专利导航工作指引》的通知</a><span>2026-01-05</span></li>]]></record>
</recordset>
<totalrecord>2</totalrecord>
<totalpage>1</totalpage>
</datastore></script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
</div></body></html>"#;
        let p = page(html);
        let got: Vec<(&str, &str, Element, Origin)> = p
            .links
            .iter()
            .map(|l| (l.url.as_str(), l.text.as_str(), l.element, l.origin))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "/art/2026/5/20/art_1229214366_4191896.html",
                    "宁波市知识产权局2025年政府信息公开工作年度报告",
                    Element::Datastore,
                    Origin::Markup
                ),
                (
                    "/art/2026/1/5/art_1229214366_4180001.html",
                    "关于印发《专利导航工作指引》的通知",
                    Element::Datastore,
                    Origin::Markup
                ),
                (
                    "/module/web/jpage/jpage.js",
                    "",
                    Element::Script,
                    Origin::Markup
                ),
            ]
        );
        assert_eq!(p.datastore.len(), 1);
        assert_eq!(p.datastore[0].records.len(), 2);
        assert_eq!(p.datastore[0].total_record, Some(2));
        assert_eq!(p.anchors, vec!["4191896"]);
    }

    #[test]
    fn inline_script_redirect() {
        let p = page(
            r#"<script>
            // location.href = "/old.html";
            if (!/mobile/i.test(navigator.userAgent)) { window.location.href = "/pc/index.html"; }
            </script>"#,
        );
        assert_eq!(
            triples(&p),
            vec![("/pc/index.html", "", Element::JsLocation)]
        );
    }

    #[test]
    fn svg_links_are_links() {
        let p = page(r#"<svg><a href="/svg-target.html"><text>图</text></a></svg>"#);
        assert_eq!(triples(&p), vec![("/svg-target.html", "图", Element::A)]);
    }

    #[test]
    fn link_cap() {
        let html = "<a href='/x.html'>x</a>".repeat(MAX_LINKS + 10);
        let p = page(&html);
        assert_eq!(p.links.len(), MAX_LINKS);
        assert!(p.truncated);
        let p = page(&"<a href='/x.html'>x</a>".repeat(MAX_LINKS));
        assert_eq!(p.links.len(), MAX_LINKS);
        assert!(!p.truncated);
    }

    #[test]
    fn deeply_nested_does_not_panic() {
        let depth = 10_000;
        let mut html = String::from("<html><body>");
        for _ in 0..depth {
            html.push_str("<div>");
        }
        html.push_str("<a href='/deep.html'>深</a>");
        for _ in 0..depth {
            html.push_str("</div>");
        }
        let p = page(&html);
        assert_eq!(triples(&p), vec![("/deep.html", "深", Element::A)]);

        // Nested links inside SVG (the parser does not close them there).
        let mut html = String::from("<svg>");
        for i in 0..3_000 {
            html.push_str(&format!("<a href='/n{i}'>"));
        }
        let p = page(&html);
        assert_eq!(p.links.len(), 3_000);
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut x: u32 = 0x9E37_79B9;
        let mut bytes = Vec::with_capacity(1 << 20);
        let alphabet = b"<>/=\"' abchrefsrcimg&#;:()url{}@-!\n\t";
        while bytes.len() < 1 << 20 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let b = x.to_le_bytes();
            bytes.push(alphabet[b[0] as usize % alphabet.len()]);
            bytes.push(b[1]);
        }
        let text = String::from_utf8_lossy(&bytes);
        let p = page(&text);
        assert!(p.links.len() <= MAX_LINKS);
        assert!(p.anchors.len() <= MAX_ANCHORS);
    }
}
