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
