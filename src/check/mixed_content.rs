//! 混合内容: an https page that loads an http:// subresource.
//!
//! How each element loads is [`Element::loading`]. Active content (scripts,
//! stylesheets, frames, plugins) is blocked by browsers and breaks the page:
//! error. Passive content (images, lazy-loaded images, media, icons, CSS
//! images, a `preload as=image`: browsers upgrade or show them), content that is
//! blocked without breaking the page (manifest, preload, prefetch, text
//! tracks, SVG `<use>`) and insecure form actions: warning. A plain http link
//! from an https page to the own site: info; a `cite` or a canonical link is
//! never loaded, so never mixed content.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::finding::Severity;
use crate::link::{Element, Loading};
use url::Url;

/// Judges one link of a page. Returns the severity and detail when it is mixed content.
pub fn check(
    page: &Url,
    target: &Url,
    element: Element,
    own_site: bool,
) -> Option<(Severity, String)> {
    if page.scheme() != "https" || target.scheme() != "http" {
        return None;
    }
    let label = element.label();
    match element.loading() {
        Loading::Active => Some((
            Severity::Error,
            format!("https page loads active content over http ({label}); browsers block it"),
        )),
        Loading::Passive => Some((
            Severity::Warning,
            format!("https page loads passive content over http ({label}); shown as not secure"),
        )),
        Loading::Blocked => Some((
            Severity::Warning,
            format!("https page requests {label} over http; browsers block it"),
        )),
        Loading::Submit if element == Element::Form => Some((
            Severity::Warning,
            "form on an https page submits over http".to_string(),
        )),
        Loading::Submit => Some((
            Severity::Warning,
            format!("form on an https page submits over http ({label})"),
        )),
        Loading::NotLoaded if own_site && matches!(element, Element::A | Element::Area) => Some((
            Severity::Info,
            "link from an https page to the own site over http".to_string(),
        )),
        Loading::NotLoaded => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn mixed_and_not() {
        let https = u("https://www.demo.gov.cn/a.html");
        let http_js = u("http://cdn.demo.gov.cn/a.js");
        assert_eq!(
            check(&https, &http_js, Element::Script, false).map(|x| x.0),
            Some(Severity::Error)
        );
        assert_eq!(
            check(&https, &u("http://x.cn/a.png"), Element::Img, false).map(|x| x.0),
            Some(Severity::Warning)
        );
        assert_eq!(
            check(
                &https,
                &u("http://www.demo.gov.cn/b.html"),
                Element::A,
                true
            )
            .map(|x| x.0),
            Some(Severity::Info)
        );
        // External navigation links and https targets are not mixed content.
        assert!(check(&https, &u("http://other.cn/"), Element::A, false).is_none());
        assert!(check(&https, &u("https://x.cn/a.js"), Element::Script, false).is_none());
        // http pages cannot have mixed content.
        assert!(
            check(
                &u("http://www.demo.gov.cn/"),
                &http_js,
                Element::Script,
                false
            )
            .is_none()
        );
    }

    /// Every element has a mixed-content class; the new sources of issue 14
    /// item 5 get the one browsers give them.
    #[test]
    fn every_element_is_classified() {
        let https = u("https://www.demo.gov.cn/a.html");
        let http = u("http://www.demo.gov.cn/x");
        let sev = |e: Element| check(&https, &http, e, false).map(|x| x.0);
        for e in [Element::ObjectCode, Element::Applet, Element::Object] {
            assert_eq!(sev(e), Some(Severity::Error), "{e:?}");
        }
        for e in [
            Element::Icon,
            Element::Poster,
            Element::Background,
            Element::InputImage,
            Element::SvgImage,
            Element::LazyImg,
            Element::PreloadImage,
            Element::Manifest,
            Element::Preload,
            Element::Prefetch,
            Element::Track,
            Element::SvgUse,
            Element::FormAction,
        ] {
            assert_eq!(sev(e), Some(Severity::Warning), "{e:?}");
        }
        for e in [Element::Cite, Element::LinkOther, Element::MetaRefresh] {
            assert_eq!(sev(e), None, "{e:?}");
            assert!(!e.is_subresource());
        }
        assert_eq!(
            check(&https, &http, Element::PreloadImage, false)
                .unwrap()
                .1,
            "https page loads passive content over http (link[preload as=image]@href); shown as not secure"
        );
        assert_eq!(
            check(&https, &http, Element::Track, false).unwrap().1,
            "https page requests track@src over http; browsers block it"
        );
        assert_eq!(
            check(&https, &http, Element::FormAction, false).unwrap().1,
            "form on an https page submits over http (button/input@formaction)"
        );
        for e in Element::ALL {
            assert_eq!(e.is_subresource(), sev(e).is_some(), "{e:?}");
        }
    }
}
