//! Links as found in a page (`RawLink`) and how the browser would use them.
//!
//! Extraction produces `RawLink`s: the text exactly as written in the page, the
//! element and attribute it came from, and whether a visitor can click it or the
//! crawler only derived it from a script. The crawl resolves them against the
//! page's base URL at the stage boundary.

use crate::finding::Severity;
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
    /// `<link href>` other rels (canonical, alternate, next …): not loaded with the page
    LinkOther,
    /// `<iframe src>`
    Iframe,
    /// `<frame src>`
    Frame,
    /// `<source src|srcset>`
    Source,
    /// `<video src>` / `<audio src>`
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
    /// `<link href>` with rel=icon, apple-touch-icon, mask-icon …
    Icon,
    /// `<link href>` with rel=manifest
    Manifest,
    /// `<link href>` with rel=preload or modulepreload
    Preload,
    /// `<link href>` with rel=prefetch
    Prefetch,
    /// `<video poster>`
    Poster,
    /// `<track src>` (subtitles, captions)
    Track,
    /// `<object codebase|archive>` (an ActiveX installer, plugin archives)
    ObjectCode,
    /// `<applet code|archive>`, resolved against the applet's `codebase`
    Applet,
    /// `<button formaction>` / `<input type=submit|image formaction>`
    FormAction,
    /// `cite` of `<blockquote>`, `<q>`, `<ins>`, `<del>` (the quoted source)
    Cite,
    /// The legacy `background` attribute (body, table, tr, td …)
    Background,
    /// `<input type=image src>`
    InputImage,
    /// SVG `<image href>` / `<feImage href>` (or `xlink:href`)
    SvgImage,
    /// SVG `<use href>` (or `xlink:href`) naming another file
    SvgUse,
    /// `<img data-src|data-original|data-lazy-src>`: the image a lazy-loading
    /// script puts in `src`, the one a visitor sees
    LazyImg,
    /// `<link href>` with rel=preload and `as=image` (upgraded to https by
    /// browsers, like the image it preloads)
    PreloadImage,
}

impl Element {
    /// Every element, in declaration order (`ALL[e as usize] == e`).
    pub const ALL: [Element; 35] = [
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
        Element::Icon,
        Element::Manifest,
        Element::Preload,
        Element::Prefetch,
        Element::Poster,
        Element::Track,
        Element::ObjectCode,
        Element::Applet,
        Element::FormAction,
        Element::Cite,
        Element::Background,
        Element::InputImage,
        Element::SvgImage,
        Element::SvgUse,
        Element::LazyImg,
        Element::PreloadImage,
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
            Element::Icon => "link[icon]@href",
            Element::Manifest => "link[manifest]@href",
            Element::Preload => "link[preload]@href",
            Element::Prefetch => "link[prefetch]@href",
            Element::Poster => "video@poster",
            Element::Track => "track@src",
            Element::ObjectCode => "object@codebase/archive",
            Element::Applet => "applet@code/archive",
            Element::FormAction => "button/input@formaction",
            Element::Cite => "blockquote/q/ins/del@cite",
            Element::Background => "table/td/body@background",
            Element::InputImage => "input[image]@src",
            Element::SvgImage => "svg image@href",
            Element::SvgUse => "svg use@href",
            Element::LazyImg => "img@data-src/data-original/data-lazy-src",
            Element::PreloadImage => "link[preload as=image]@href",
        }
    }

    /// How a browser loads the target with the page, which decides what an
    /// http:// target on an https page is (W3C Mixed Content).
    pub fn loading(self) -> Loading {
        match self {
            Element::Script
            | Element::Stylesheet
            | Element::CssImport
            | Element::Iframe
            | Element::Frame
            | Element::Object
            | Element::Embed
            | Element::ObjectCode
            | Element::Applet => Loading::Active,
            Element::Img
            | Element::Source
            | Element::Media
            | Element::CssUrl
            | Element::Icon
            | Element::Poster
            | Element::Background
            | Element::InputImage
            | Element::SvgImage
            | Element::LazyImg
            | Element::PreloadImage => Loading::Passive,
            Element::Manifest
            | Element::Preload
            | Element::Prefetch
            | Element::Track
            | Element::SvgUse => Loading::Blocked,
            Element::Form | Element::FormAction => Loading::Submit,
            Element::A
            | Element::Area
            | Element::LinkOther
            | Element::MetaRefresh
            | Element::JsLocation
            | Element::Pagination
            | Element::Datastore
            | Element::Cite => Loading::NotLoaded,
        }
    }

    /// Whether the browser fetches this for the page itself (a subresource, or
    /// a form's submission target), which makes an http:// target on an https
    /// page mixed content.
    pub fn is_subresource(self) -> bool {
        self.loading() != Loading::NotLoaded
    }

    /// What a broken target of this element is: a visitor meets it (a link,
    /// an image, a script …), or it is a hint the page works without
    /// (`preload`, `prefetch`, the web-app `manifest`) or plugin code no
    /// current browser fetches (ActiveX `codebase` installers, `archive`s,
    /// applets). See [`Weight`].
    pub fn weight(self) -> Weight {
        match self {
            Element::ObjectCode | Element::Applet => Weight::Obsolete,
            Element::Preload | Element::PreloadImage | Element::Prefetch | Element::Manifest => {
                Weight::Hint
            }
            _ => Weight::Visible,
        }
    }

    /// The severity of a broken target of this element: an error for what a
    /// visitor meets (counted in the deduction), a warning otherwise.
    pub fn broken_severity(self) -> Severity {
        match self.weight() {
            Weight::Visible => Severity::Error,
            Weight::Hint | Weight::Obsolete => Severity::Warning,
        }
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

/// How the browser uses a link's target with the page (see [`Element::loading`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Loading {
    /// Followed only when a visitor acts (links, `cite`, canonical …).
    NotLoaded,
    /// Active content the page needs (scripts, stylesheets, frames, plugins):
    /// browsers block it over http and the page breaks.
    Active,
    /// Display content (images, media, icons, CSS images): shown, or upgraded,
    /// with the page marked not secure.
    Passive,
    /// Blocked over http, but the page works without it (manifest, preload,
    /// prefetch, text tracks, SVG `<use>` of another file).
    Blocked,
    /// Where a form is submitted.
    Submit,
}

/// How much a broken target of an element matters (see [`Element::weight`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// A visitor meets it: an unusable link of the national indicators.
    Visible,
    /// A hint the page works without (preload, prefetch, manifest).
    Hint,
    /// Plugin code no current browser fetches (ActiveX installers, applets).
    Obsolete,
}

impl Weight {
    /// Why a broken target of this weight is a warning (None when it is an error).
    pub fn note(self) -> Option<&'static str> {
        match self {
            Weight::Visible => None,
            Weight::Hint => Some(
                "a loading hint the page works without: a warning, not counted as an unusable link",
            ),
            Weight::Obsolete => Some(
                "plugin code no current browser fetches: a warning, not counted as an unusable link",
            ),
        }
    }
}

/// Template syntaxes (opening, closing) of the front-end and server-side
/// engines these sites use (Mustache / avalon / Vue / art-template `{{…}}`,
/// Jinja `{%…%}`, jQuery tmpl / juicer `${…}`, EJS / JSP `<%…%>`, Smarty
/// `{$…}`, `[[…]]`, `#{…}`), also percent-encoded, lower case.
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("{{", "}}"),
    ("{%", "%}"),
    ("${", "}"),
    ("#{", "}"),
    ("{$", "}"),
    ("<%", "%>"),
    ("[[", "]]"),
    ("%7b%7b", "%7d%7d"),
    ("$%7b", "%7d"),
];

/// Whether a value as written holds a template placeholder (`{{el.url}}`,
/// `/detail.html?id=${id}`, `<%= url %>` …): markup a script or a server
/// template fills in, never the address a visitor's browser uses.
pub fn is_template_placeholder(raw: &str) -> bool {
    if !raw.bytes().any(|b| matches!(b, b'{' | b'[' | b'<' | b'%')) {
        return false;
    }
    let lower;
    let s = if raw.contains('%') {
        lower = raw.to_ascii_lowercase();
        lower.as_str()
    } else {
        raw
    };
    PLACEHOLDERS.iter().any(|(open, close)| {
        s.find(open)
            .and_then(|i| s.get(i + open.len()..))
            .is_some_and(|rest| rest.contains(close))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_look_alikes() {
        for v in [
            "{{el.url}}",
            "{{ item.link }}",
            "./{{el.id}}.html",
            "${url}",
            "/a?id=${id}",
            "<%= url %>",
            "<%=request.getContextPath()%>/a.jsp",
            "{$url}",
            "[[url]]",
            "#{url}",
            "{%url%}",
            "%7B%7Bel.url%7D%7D",
            "/a/$%7Bid%7D.html",
        ] {
            assert!(is_template_placeholder(v), "{v}");
        }
        for v in [
            "/zwgk/index.html",
            "",
            "/search?q={\"lm\":{\"id\":1}}",
            "/a?x[0]=1&x[1]=2",
            "/a.html#{",
            "/a%7Bb%7D.html",
            "/100%25.html",
            "{url}",
            "}}{{",
            "/%E9%80%9A%E7%9F%A5.pdf",
        ] {
            assert!(!is_template_placeholder(v), "{v}");
        }
    }

    /// Plugin code and loading hints are warnings; what a visitor meets is an error.
    #[test]
    fn broken_severity_by_element() {
        for e in [
            Element::ObjectCode,
            Element::Applet,
            Element::Preload,
            Element::PreloadImage,
            Element::Prefetch,
            Element::Manifest,
        ] {
            assert_eq!(e.broken_severity(), Severity::Warning, "{e:?}");
            assert!(e.weight().note().is_some());
        }
        for e in [
            Element::A,
            Element::Img,
            Element::LazyImg,
            Element::Script,
            Element::Stylesheet,
            Element::Object,
            Element::Embed,
            Element::Iframe,
        ] {
            assert_eq!(e.broken_severity(), Severity::Error, "{e:?}");
            assert_eq!(e.weight().note(), None);
        }
        for (i, e) in Element::ALL.into_iter().enumerate() {
            assert_eq!(e as usize, i, "{e:?}");
        }
    }
}
