//! 混合内容: an https page that loads an http:// subresource.
//!
//! Active content (scripts, stylesheets, frames, objects) is blocked by browsers
//! and breaks the page: error. Passive content (images, media, CSS images) and
//! insecure form actions: warning. A plain http link from an https page to the
//! own site: info.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::finding::Severity;
use crate::link::Element;
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
    match element {
        Element::Script
        | Element::Stylesheet
        | Element::Iframe
        | Element::Frame
        | Element::Object
        | Element::Embed
        | Element::CssImport => Some((
            Severity::Error,
            format!("https page loads active content over http ({label}); browsers block it"),
        )),
        Element::Img | Element::Media | Element::Source | Element::CssUrl => Some((
            Severity::Warning,
            format!("https page loads passive content over http ({label}); shown as not secure"),
        )),
        Element::Form => Some((
            Severity::Warning,
            "form on an https page submits over http".to_string(),
        )),
        Element::A | Element::Area if own_site => Some((
            Severity::Info,
            "link from an https page to the own site over http".to_string(),
        )),
        _ => None,
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
}
