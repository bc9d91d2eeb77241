//! Resolving a raw link against the page base, the way a browser does.

use encoding_rs::Encoding;
use url::Url;

/// Resolves `raw` against `base`; the query is encoded with the document's
/// encoding (WHATWG). Returns None for what is not a URL.
pub fn resolve(raw: &str, base: &Url, encoding: &'static Encoding) -> Option<Url> {
    let raw = raw.trim();
    if encoding == encoding_rs::UTF_8 {
        base.join(raw).ok()
    } else {
        fn helper<F: for<'a> Fn(&'a str) -> std::borrow::Cow<'a, [u8]>>(f: F) -> F {
            f
        }
        let enc = helper(|s| encoding.encode(s).0);
        Url::options()
            .base_url(Some(base))
            .encoding_override(Some(&enc))
            .parse(raw)
            .ok()
    }
}

/// The base URL links of a page resolve against: `<base href>` (resolved
/// against the page URL, http(s) only) or the page URL.
pub fn effective_base(page_url: &Url, base_href: Option<&str>, encoding: &'static Encoding) -> Url {
    base_href
        .and_then(|b| resolve(b, page_url, encoding))
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| page_url.clone())
}

/// The dedup key form of a URL: fragment dropped.
pub fn normalize(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    u
}
