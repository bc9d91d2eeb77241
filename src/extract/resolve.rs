//! Resolving a raw link against the page base, the way a browser does, and
//! the crawl's dedup key ([`normalize`]).
//!
//! Resolution follows the WHATWG URL standard (the `url` crate): leading and
//! trailing C0 controls and spaces are stripped, tabs and newlines inside are
//! removed, `\` counts as `/` in http(s) URLs, non-ASCII path characters are
//! percent-encoded as UTF-8, and the query is percent-encoded in the
//! *document's* encoding (a GBK page's `?q=通知` is `?q=%CD%A8%D6%AA`), with
//! characters the encoding cannot represent written as `%26%23N%3B` (`&#N;`).

use std::borrow::Cow;

use encoding_rs::{EncoderResult, Encoding};
use url::Url;

/// Resolves `raw` against `base`; the query is encoded with the document's
/// encoding (WHATWG). Returns None for what is not a URL.
pub fn resolve(raw: &str, base: &Url, encoding: &'static Encoding) -> Option<Url> {
    let raw = raw.trim_matches(|c: char| c <= ' ');
    // UTF-16 documents use UTF-8 for URLs; the output encoding of everything
    // else is itself (encoding_rs already maps replacement to UTF-8).
    let encoding = encoding.output_encoding();
    if encoding == encoding_rs::UTF_8 {
        return base.join(raw).ok();
    }
    fn helper<F: for<'a> Fn(&'a str) -> Cow<'a, [u8]>>(f: F) -> F {
        f
    }
    let enc = helper(|s| encode_query(s, encoding));
    Url::options()
        .base_url(Some(base))
        .encoding_override(Some(&enc))
        .parse(raw)
        .ok()
}

/// Encodes query text in `encoding`; a character it cannot represent becomes
/// `%26%23N%3B` as the URL standard says (the `%` survives percent-encoding).
fn encode_query<'a>(s: &'a str, encoding: &'static Encoding) -> Cow<'a, [u8]> {
    if s.is_ascii() {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut encoder = encoding.new_encoder();
    let mut out: Vec<u8> = Vec::with_capacity(s.len() * 2 + 16);
    let mut rest = s;
    loop {
        let need = encoder
            .max_buffer_length_from_utf8_without_replacement(rest.len())
            .unwrap_or(rest.len() * 4 + 16);
        let start = out.len();
        out.resize(start + need, 0);
        let (result, read, written) =
            encoder.encode_from_utf8_without_replacement(rest, &mut out[start..], true);
        out.truncate(start + written);
        rest = rest.get(read..).unwrap_or_default();
        match result {
            EncoderResult::InputEmpty => break,
            EncoderResult::OutputFull => continue,
            EncoderResult::Unmappable(c) => {
                out.extend_from_slice(format!("%26%23{}%3B", c as u32).as_bytes());
            }
        }
    }
    Cow::Owned(out)
}

/// The base links resolve against: `<base href>` resolved against the page URL
/// when it gives an http(s) URL, else the page URL itself.
pub fn effective_base(page_url: &Url, base_href: Option<&str>, encoding: &'static Encoding) -> Url {
    base_href
        .and_then(|href| resolve(href, page_url, encoding))
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| page_url.clone())
}

/// The crawl's dedup key: the fragment dropped, percent-encoding hex digits
/// upper-cased in path and query, `;jsessionid=…` path parameters, ASP.NET
/// cookieless state segments (`/(S(…))/`, `/(A(…)S(…))/`) and `jsessionid` /
/// `phpsessid` / `aspsessionid*` query parameters removed (case-insensitive).
/// Everything else is kept as is: query order, trailing slashes, empty
/// parameters, other tokens in the path (a hex or UUID segment may name a
/// document: those only count toward the crawl's token cap).
pub fn normalize(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if !matches!(u.scheme(), "http" | "https" | "ftp" | "file") {
        return u;
    }
    if u.path().contains("/(") {
        let kept: Vec<&str> = u
            .path()
            .split('/')
            .filter(|seg| !crate::crawl::identity::is_aspnet_session(seg))
            .collect();
        let new_path = kept.join("/");
        if new_path.len() != u.path().len() {
            u.set_path(if new_path.is_empty() { "/" } else { &new_path });
        }
    }
    let path = u.path();
    if path.contains('%') || path.contains(';') {
        let stripped = strip_path_session(path);
        let upper = upper_hex(&stripped);
        if upper != path {
            let new_path = upper.into_owned();
            u.set_path(&new_path);
        }
    }
    if let Some(query) = u.query() {
        let filtered = strip_query_session(query);
        let upper = upper_hex(&filtered);
        if upper != query {
            let new_query = upper.into_owned();
            u.set_query((!new_query.is_empty()).then_some(new_query.as_str()));
        }
    }
    u
}

/// Removes `;jsessionid=…` (up to the next `;` or `/`) from a path.
fn strip_path_session(path: &str) -> Cow<'_, str> {
    const KEY: &[u8] = b";jsessionid=";
    let b = path.as_bytes();
    if !b.windows(KEY.len()).any(|w| w.eq_ignore_ascii_case(KEY)) {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    let mut seg = 0;
    while i < b.len() {
        if b.get(i..i + KEY.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(KEY))
        {
            out.push_str(path.get(seg..i).unwrap_or_default());
            let mut j = i + KEY.len();
            while j < b.len() && b[j] != b';' && b[j] != b'/' {
                j += 1;
            }
            i = j;
            seg = j;
        } else {
            i += 1;
        }
    }
    out.push_str(path.get(seg..).unwrap_or_default());
    Cow::Owned(out)
}

fn is_session_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("jsessionid")
        || key.eq_ignore_ascii_case("phpsessid")
        || key
            .as_bytes()
            .get(..12)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"aspsessionid"))
}

/// Removes session-id parameters from a query, keeping the rest verbatim.
fn strip_query_session(query: &str) -> Cow<'_, str> {
    let has_session = query
        .split('&')
        .any(|p| is_session_key(p.split_once('=').map_or(p, |(k, _)| k)));
    if !has_session {
        return Cow::Borrowed(query);
    }
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !is_session_key(p.split_once('=').map_or(p, |(k, _)| k)))
        .collect();
    Cow::Owned(kept.join("&"))
}

/// Upper-cases the two hex digits after each `%`.
fn upper_hex(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let needs = b.iter().enumerate().any(|(i, &c)| {
        c == b'%'
            && matches!((b.get(i + 1), b.get(i + 2)), (Some(x), Some(y))
                if x.is_ascii_hexdigit() && y.is_ascii_hexdigit()
                    && (x.is_ascii_lowercase() || y.is_ascii_lowercase()))
    });
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = b.to_vec();
    let mut i = 0;
    while i + 2 < out.len() {
        let (x, y) = (out[i + 1], out[i + 2]);
        if out[i] == b'%' && x.is_ascii_hexdigit() && y.is_ascii_hexdigit() {
            out[i + 1] = x.to_ascii_uppercase();
            out[i + 2] = y.to_ascii_uppercase();
            i += 3;
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were changed, so the result is still UTF-8.
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://sipa.sh.gov.cn/zwgk/tzgg/index.html").unwrap()
    }

    fn r(raw: &str) -> String {
        resolve(raw, &base(), encoding_rs::UTF_8)
            .unwrap()
            .to_string()
    }

    #[test]
    fn relative_forms() {
        assert_eq!(
            r("detail.html"),
            "https://sipa.sh.gov.cn/zwgk/tzgg/detail.html"
        );
        assert_eq!(r("../xxgk/"), "https://sipa.sh.gov.cn/zwgk/xxgk/");
        assert_eq!(r("/a/b.html"), "https://sipa.sh.gov.cn/a/b.html");
        assert_eq!(r("//www.gov.cn/x.html"), "https://www.gov.cn/x.html");
        assert_eq!(
            r("?page=2"),
            "https://sipa.sh.gov.cn/zwgk/tzgg/index.html?page=2"
        );
        assert_eq!(r("#top"), "https://sipa.sh.gov.cn/zwgk/tzgg/index.html#top");
        assert_eq!(r("\\a\\b.html"), "https://sipa.sh.gov.cn/a/b.html");
        assert_eq!(r("HTTP://WWW.SH.GOV.CN:80/"), "http://www.sh.gov.cn/");
    }

    #[test]
    fn whitespace_is_stripped_like_a_browser() {
        assert_eq!(r(" \n\t/a/b.html \r\n"), "https://sipa.sh.gov.cn/a/b.html");
        assert_eq!(r("/a/\nb\t.html"), "https://sipa.sh.gov.cn/a/b.html");
        // An ideographic space is not ASCII whitespace: the browser keeps it.
        assert_eq!(
            r("\u{3000}x.html"),
            "https://sipa.sh.gov.cn/zwgk/tzgg/%E3%80%80x.html"
        );
    }

    #[test]
    fn chinese_path_is_utf8_percent_encoded() {
        assert_eq!(
            r("/uploads/通知.pdf"),
            "https://sipa.sh.gov.cn/uploads/%E9%80%9A%E7%9F%A5.pdf"
        );
        // Already-encoded paths are kept.
        assert_eq!(
            r("/uploads/%E9%80%9A%E7%9F%A5.pdf"),
            "https://sipa.sh.gov.cn/uploads/%E9%80%9A%E7%9F%A5.pdf"
        );
    }

    #[test]
    fn query_in_document_encoding() {
        let gbk = resolve("/search?q=通知", &base(), encoding_rs::GBK).unwrap();
        assert_eq!(gbk.as_str(), "https://sipa.sh.gov.cn/search?q=%CD%A8%D6%AA");
        let utf8 = resolve("/search?q=通知", &base(), encoding_rs::UTF_8).unwrap();
        assert_eq!(
            utf8.as_str(),
            "https://sipa.sh.gov.cn/search?q=%E9%80%9A%E7%9F%A5"
        );
        // The path stays UTF-8 even on a GBK page.
        let gbk = resolve("/通知/list.jsp?lm=通知", &base(), encoding_rs::GBK).unwrap();
        assert_eq!(
            gbk.as_str(),
            "https://sipa.sh.gov.cn/%E9%80%9A%E7%9F%A5/list.jsp?lm=%CD%A8%D6%AA"
        );
        let big5 = resolve("?q=資訊", &base(), encoding_rs::BIG5).unwrap();
        assert_eq!(big5.query(), Some("q=%B8%EA%B0T"));
    }

    #[test]
    fn unmappable_query_characters() {
        let u = resolve("/s?q=😀", &base(), encoding_rs::GBK).unwrap();
        assert_eq!(u.query(), Some("q=%26%23128512%3B"));
        let u = resolve("/s?q=😀", &base(), encoding_rs::GB18030).unwrap();
        assert_eq!(u.query(), Some("q=%949%FC6"));
    }

    #[test]
    fn utf16_documents_use_utf8() {
        let u = resolve("?q=通知", &base(), encoding_rs::UTF_16LE).unwrap();
        assert_eq!(u.query(), Some("q=%E9%80%9A%E7%9F%A5"));
    }

    #[test]
    fn not_urls() {
        assert!(resolve("http://[::1", &base(), encoding_rs::UTF_8).is_none());
        assert!(resolve("http://", &base(), encoding_rs::GBK).is_none());
        assert!(resolve("https://exa mple.com/", &base(), encoding_rs::UTF_8).is_none());
    }

    #[test]
    fn effective_base_rules() {
        let page = base();
        let enc = encoding_rs::UTF_8;
        assert_eq!(effective_base(&page, None, enc), page);
        assert_eq!(
            effective_base(&page, Some("/zwgk/"), enc).as_str(),
            "https://sipa.sh.gov.cn/zwgk/"
        );
        assert_eq!(
            effective_base(&page, Some("http://www.sipa.gov.cn/gb/"), enc).as_str(),
            "http://www.sipa.gov.cn/gb/"
        );
        assert_eq!(effective_base(&page, Some("javascript:void(0)"), enc), page);
        assert_eq!(effective_base(&page, Some("file:///C:/site/"), enc), page);
        assert_eq!(effective_base(&page, Some("http://[::1"), enc), page);
    }

    fn n(s: &str) -> String {
        normalize(&Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn normalize_drops_fragment_and_uppercases_hex() {
        assert_eq!(n("https://a.gov.cn/x.html#top"), "https://a.gov.cn/x.html");
        assert_eq!(
            n("https://a.gov.cn/%e9%80%9a.pdf?q=%cd%a8#f"),
            "https://a.gov.cn/%E9%80%9A.pdf?q=%CD%A8"
        );
        assert_eq!(
            n("https://a.gov.cn/%E9%80%9A.pdf"),
            n("https://a.gov.cn/%e9%80%9A.pdf")
        );
        // A stray % is left alone.
        assert_eq!(
            n("https://a.gov.cn/100%zz?p=5%"),
            "https://a.gov.cn/100%zz?p=5%"
        );
    }

    #[test]
    fn normalize_strips_session_ids() {
        assert_eq!(
            n("http://a.gov.cn/list.jsp;jsessionid=0A1B2C3D4E?id=5"),
            "http://a.gov.cn/list.jsp?id=5"
        );
        assert_eq!(
            n("http://a.gov.cn/a;JSESSIONID=XYZ/b.jsp;v=1"),
            "http://a.gov.cn/a/b.jsp;v=1"
        );
        assert_eq!(
            n("http://a.gov.cn/x.php?id=1&PHPSESSID=abc&b=2"),
            "http://a.gov.cn/x.php?id=1&b=2"
        );
        assert_eq!(
            n("http://a.gov.cn/x.asp?ASPSESSIONIDQSCTRBQA=KLM&page=3"),
            "http://a.gov.cn/x.asp?page=3"
        );
        assert_eq!(
            n("http://a.gov.cn/x.jsp?jsessionid=1"),
            "http://a.gov.cn/x.jsp"
        );
        // Look-alikes are kept.
        assert_eq!(
            n("http://a.gov.cn/x.jsp?sessionid=1&myjsessionid=2"),
            "http://a.gov.cn/x.jsp?sessionid=1&myjsessionid=2"
        );
    }

    #[test]
    fn normalize_strips_aspnet_cookieless_state() {
        assert_eq!(
            n("http://a.gov.cn/(S(lit3py55t21z5v55vlm25s55))/zw/list.aspx?id=3"),
            "http://a.gov.cn/zw/list.aspx?id=3"
        );
        assert_eq!(
            n("http://a.gov.cn/(A(BmvZ1kSQ1ZA)S(abc123))/"),
            "http://a.gov.cn/"
        );
        assert_eq!(n("http://a.gov.cn/(S(abc))"), "http://a.gov.cn/");
        // Look-alikes: parentheses in a name, a token that may name a document.
        for keep in [
            "http://a.gov.cn/zt/(2026)/index.html",
            "http://a.gov.cn/files/report(S(1)).pdf",
            "http://a.gov.cn/s/3f9a2b1c7d8e4f60/page.html",
        ] {
            assert_eq!(n(keep), keep);
        }
    }

    #[test]
    fn normalize_keeps_everything_else() {
        for s in [
            "https://a.gov.cn/zwgk/",
            "https://a.gov.cn/zwgk",
            "https://a.gov.cn/s?b=2&a=1",
            "https://a.gov.cn/s?a=&&b",
            "https://a.gov.cn/s?",
            "https://a.gov.cn/p;x=1",
        ] {
            assert_eq!(n(s), s);
        }
        assert_eq!(n("mailto:a@b.cn#x"), "mailto:a@b.cn");
    }

    #[test]
    fn normalize_is_idempotent() {
        for s in [
            "http://a.gov.cn/%e4%b8%ad;jsessionid=1?x=%e4&jsessionid=2#f",
            "http://a.gov.cn/(S(x1))/(F(y2))/a.aspx",
            "https://a.gov.cn/a%2fb?q=%7e",
        ] {
            let once = normalize(&Url::parse(s).unwrap());
            assert_eq!(normalize(&once), once);
        }
    }
}
