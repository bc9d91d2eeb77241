//! Links as found in a page (`RawLink`) and how the browser would use them.
//!
//! Extraction produces `RawLink`s: the text exactly as written in the page, the
//! element and attribute it came from, and whether a visitor can click it or the
//! crawler only derived it from a script. The crawl resolves them against the
//! page's base URL at the stage boundary.

use serde::{Deserialize, Serialize};

/// Where a link came from in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum Element {
    /// `<a href>`
    A,
    /// `<area href>`
    Area,
    /// `<img src>` / `<img srcset>`
    Img,
    /// `<script src>`
    Script,
    /// `<link href>` with rel=stylesheet
    Stylesheet,
    /// `<link href>` other rels (icon, canonical, alternate …)
    LinkOther,
    /// `<iframe src>`
    Iframe,
    /// `<frame src>`
    Frame,
    /// `<source src|srcset>`
    Source,
    /// `<video src|poster>` / `<audio src>`
    Media,
    /// `<embed src>`
    Embed,
    /// `<object data>`
    Object,
    /// `<form action>`
    Form,
    /// `<meta http-equiv=refresh content="0;url=…">`
    MetaRefresh,
    /// CSS `url()` (inline `style`, `<style>` or a linked stylesheet)
    CssUrl,
    /// CSS `@import`
    CssImport,
    /// A JavaScript `location` redirect or `window.open('…')`
    JsLocation,
    /// A page URL derived from CMS pagination scripts (TRS `createPageHTML`, Hanweb datastore)
    Pagination,
    /// A record inside a Hanweb `<datastore>` block (a real clickable item once rendered)
    Datastore,
}

impl Element {
    /// Every element, in declaration order (`ALL[e as usize] == e`).
    pub const ALL: [Element; 19] = [
        Element::A,
        Element::Area,
        Element::Img,
        Element::Script,
        Element::Stylesheet,
        Element::LinkOther,
        Element::Iframe,
        Element::Frame,
        Element::Source,
        Element::Media,
        Element::Embed,
        Element::Object,
        Element::Form,
        Element::MetaRefresh,
        Element::CssUrl,
        Element::CssImport,
        Element::JsLocation,
        Element::Pagination,
        Element::Datastore,
    ];

    /// A short description for reports, e.g. `img@src`.
    pub fn label(self) -> &'static str {
        match self {
            Element::A => "a@href",
            Element::Area => "area@href",
            Element::Img => "img@src",
            Element::Script => "script@src",
            Element::Stylesheet => "link[stylesheet]@href",
            Element::LinkOther => "link@href",
            Element::Iframe => "iframe@src",
            Element::Frame => "frame@src",
            Element::Source => "source@src",
            Element::Media => "video/audio@src",
            Element::Embed => "embed@src",
            Element::Object => "object@data",
            Element::Form => "form@action",
            Element::MetaRefresh => "meta refresh",
            Element::CssUrl => "css url()",
            Element::CssImport => "css @import",
            Element::JsLocation => "js location",
            Element::Pagination => "pagination script",
            Element::Datastore => "datastore record",
        }
    }

    /// Whether the browser loads this automatically with the page (a subresource),
    /// which makes an http:// target on an https page mixed content.
    pub fn is_subresource(self) -> bool {
        matches!(
            self,
            Element::Img
                | Element::Script
                | Element::Stylesheet
                | Element::Iframe
                | Element::Frame
                | Element::Source
                | Element::Media
                | Element::Embed
                | Element::Object
                | Element::CssUrl
                | Element::CssImport
                | Element::Form
        )
    }

    /// Whether the target is expected to be an HTML page a visitor navigates to.
    pub fn is_navigation(self) -> bool {
        matches!(
            self,
            Element::A
                | Element::Area
                | Element::Iframe
                | Element::Frame
                | Element::MetaRefresh
                | Element::JsLocation
                | Element::Pagination
                | Element::Datastore
        )
    }
}

/// How a link came to be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Origin {
    /// Written in the markup or CSS: a visitor's browser follows or loads it.
    Markup,
    /// Derived by the crawler from a script (pagination, guessed pages): crawled,
    /// but a failure is not a finding because no visitor can click it.
    Derived,
}

/// A link exactly as found in a page, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLink {
    /// The attribute value or script string as written (entities decoded).
    pub url: String,
    /// Visible text (or `alt` / `title` for images), whitespace collapsed.
    pub text: String,
    /// Where it came from.
    pub element: Element,
    /// Markup or derived.
    pub origin: Origin,
}

impl RawLink {
    /// A link written in the markup.
    pub fn markup(url: impl Into<String>, text: impl Into<String>, element: Element) -> Self {
        RawLink {
            url: url.into(),
            text: text.into(),
            element,
            origin: Origin::Markup,
        }
    }
    /// A link derived from a script.
    pub fn derived(url: impl Into<String>, element: Element) -> Self {
        RawLink {
            url: url.into(),
            text: String::new(),
            element,
            origin: Origin::Derived,
        }
    }
}
