//! CSS `url()` and `@import` extraction.
//!
//! A small tokenizer, enough to find what a browser would load: it skips
//! comments and strings (a `url(` inside `content: "…"` is not a URL),
//! understands quoted and bare `url()`, `@import "x"` and `@import url(x)`,
//! and decodes CSS escapes. `data:` URIs, empty values and fragment-only
//! references (`url(#svgFilter)`, IE's `behavior:url(#default#homepage)`)
//! are not links. Garbage never panics: an unterminated construct ends the scan.

use crate::link::{Element, RawLink};

/// At most this many URLs are taken from one stylesheet or style attribute.
pub const MAX_CSS_URLS: usize = 10_000;

/// Every `url()` and `@import` in a stylesheet.
pub fn urls(css: &str) -> Vec<RawLink> {
    let mut out = Vec::new();
    let _ = scan(css, &mut out);
    out
}

/// Appends the URLs of `css` to `out` (no allocation when there are none),
/// at most [`MAX_CSS_URLS`]; true when `css` had more.
pub(crate) fn scan(css: &str, out: &mut Vec<RawLink>) -> bool {
    let b = css.as_bytes();
    // Fast exit: most style attributes hold no URL at all.
    if !b.iter().any(|c| matches!(c, b'(' | b'@')) {
        return false;
    }
    let start_len = out.len();
    let over = |out: &mut Vec<RawLink>| {
        // One URL past the cap proves there were more; it is not kept.
        let cut = out.len() - start_len > MAX_CSS_URLS;
        if cut {
            out.truncate(start_len + MAX_CSS_URLS);
        }
        cut
    };
    let mut i = 0;
    while i < b.len() {
        if over(out) {
            return true;
        }
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_comment(b, i);
            }
            q @ (b'"' | b'\'') => {
                i = read_string(css, i + 1, q).1;
            }
            b'\\' => i += 2,
            b'u' | b'U'
                if b.get(i..i + 4)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"url("))
                    && (i == 0 || !is_ident_byte(b[i - 1])) =>
            {
                let (value, next) = read_url(css, i + 4);
                push(out, value, Element::CssUrl);
                i = next;
            }
            b'@' if b
                .get(i + 1..i + 7)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"import"))
                && !b.get(i + 7).copied().is_some_and(is_ident_byte) =>
            {
                let mut j = skip_ws_and_comments(b, i + 7);
                match b.get(j) {
                    Some(q @ (b'"' | b'\'')) => {
                        let (value, next) = read_string(css, j + 1, *q);
                        push(out, value, Element::CssImport);
                        j = next;
                    }
                    Some(b'u' | b'U')
                        if b.get(j..j + 4)
                            .is_some_and(|w| w.eq_ignore_ascii_case(b"url(")) =>
                    {
                        let (value, next) = read_url(css, j + 4);
                        push(out, value, Element::CssImport);
                        j = next;
                    }
                    _ => {}
                }
                i = j.max(i + 7);
            }
            _ => i += 1,
        }
    }
    over(out)
}

fn push(out: &mut Vec<RawLink>, value: Option<String>, element: Element) {
    let Some(value) = value else { return };
    let v = value.trim_matches(|c: char| c.is_ascii_whitespace());
    if v.is_empty() || v.starts_with('#') || starts_with_ci(v, "data:") {
        return;
    }
    let v = if v.len() == value.len() {
        value
    } else {
        v.to_string()
    };
    out.push(RawLink::markup(v, "", element));
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c >= 0x80
}

fn skip_comment(b: &[u8], i: usize) -> usize {
    // `i` points at "/*".
    let mut j = i + 2;
    while j + 1 < b.len() {
        if b[j] == b'*' && b[j + 1] == b'/' {
            return j + 2;
        }
        j += 1;
    }
    b.len()
}

fn skip_ws_and_comments(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(c) if c.is_ascii_whitespace() => i += 1,
            Some(b'/') if b.get(i + 1) == Some(&b'*') => i = skip_comment(b, i),
            _ => return i,
        }
    }
}

/// Reads a string body starting after its opening quote; returns the
/// unescaped value (None if the string is cut by a newline or the end) and the
/// index after the closing quote.
fn read_string(css: &str, start: usize, quote: u8) -> (Option<String>, usize) {
    let b = css.as_bytes();
    let mut i = start;
    let mut value = String::new();
    let mut seg = start;
    while i < b.len() {
        match b[i] {
            c if c == quote => {
                value.push_str(css.get(seg..i).unwrap_or_default());
                return (Some(value), i + 1);
            }
            b'\n' | b'\r' | b'\x0C' => return (None, i),
            b'\\' => {
                value.push_str(css.get(seg..i).unwrap_or_default());
                let (ch, next) = unescape(css, i + 1);
                if let Some(ch) = ch {
                    value.push(ch);
                }
                i = next;
                seg = i;
            }
            _ => i += 1,
        }
    }
    (None, b.len())
}

/// Reads the inside of `url(`, quoted or bare; returns the value and the
/// index after the closing parenthesis.
fn read_url(css: &str, start: usize) -> (Option<String>, usize) {
    let b = css.as_bytes();
    let mut i = start;
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    match b.get(i) {
        Some(q @ (b'"' | b'\'')) => {
            let (value, mut next) = read_string(css, i + 1, *q);
            while b.get(next).is_some_and(u8::is_ascii_whitespace) {
                next += 1;
            }
            if b.get(next) == Some(&b')') {
                next += 1;
            }
            (value, next)
        }
        _ => {
            let mut value = String::new();
            let mut seg = i;
            while i < b.len() {
                match b[i] {
                    b')' => {
                        value.push_str(css.get(seg..i).unwrap_or_default());
                        return (Some(value), i + 1);
                    }
                    b'"' | b'\'' | b'(' => {
                        // A bad url token: the browser ignores it; skip to ')'.
                        let end = b[i..]
                            .iter()
                            .position(|c| *c == b')')
                            .map_or(b.len(), |p| i + p + 1);
                        return (None, end);
                    }
                    b'\\' => {
                        value.push_str(css.get(seg..i).unwrap_or_default());
                        let (ch, next) = unescape(css, i + 1);
                        if let Some(ch) = ch {
                            value.push(ch);
                        }
                        i = next;
                        seg = i;
                    }
                    _ => i += 1,
                }
            }
            // Unterminated at end of input: CSS closes it implicitly.
            value.push_str(css.get(seg..).unwrap_or_default());
            (Some(value), b.len())
        }
    }
}

/// Decodes one CSS escape starting after the backslash.
fn unescape(css: &str, start: usize) -> (Option<char>, usize) {
    let b = css.as_bytes();
    let hex_len = b
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_hexdigit())
        .count();
    if hex_len > 0 {
        let digits = css.get(start..start + hex_len).unwrap_or("0");
        let cp = u32::from_str_radix(digits, 16).unwrap_or(0xFFFD);
        let ch = char::from_u32(cp)
            .filter(|c| *c != '\0')
            .unwrap_or('\u{FFFD}');
        let mut next = start + hex_len;
        if b.get(next).is_some_and(u8::is_ascii_whitespace) {
            next += 1;
        }
        return (Some(ch), next);
    }
    match css.get(start..).and_then(|s| s.chars().next()) {
        Some('\n') => (None, start + 1),
        Some(c) => (Some(c), start + c.len_utf8()),
        None => (None, b.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::Origin;

    fn got(css: &str) -> Vec<(String, Element)> {
        urls(css).into_iter().map(|l| (l.url, l.element)).collect()
    }

    #[test]
    fn url_forms() {
        let css = r#"
            .banner { background: url(../images/banner.jpg) no-repeat; }
            .logo { background-image: url('/images/国徽.png'); }
            .nav { background: URL( "nav bg.gif" ) }
            .x { background: url(  spaced.png  ) }
        "#;
        assert_eq!(
            got(css),
            vec![
                ("../images/banner.jpg".into(), Element::CssUrl),
                ("/images/国徽.png".into(), Element::CssUrl),
                ("nav bg.gif".into(), Element::CssUrl),
                ("spaced.png".into(), Element::CssUrl),
            ]
        );
        assert!(urls(css).iter().all(|l| l.origin == Origin::Markup));
    }

    #[test]
    fn import_forms() {
        let css = "@import \"base.css\";\n@import url(print.css) print;\n@IMPORT 'theme.css';\n@import url('x.css');";
        assert_eq!(
            got(css),
            vec![
                ("base.css".into(), Element::CssImport),
                ("print.css".into(), Element::CssImport),
                ("theme.css".into(), Element::CssImport),
                ("x.css".into(), Element::CssImport),
            ]
        );
    }

    #[test]
    fn data_uris_empty_and_fragments_are_not_links() {
        let css = "a{background:url(data:image/png;base64,iVBORw0KGgo=)}\
                   b{background:url('DATA:image/gif;base64,R0lGOD')}\
                   c{background:url()} d{background:url('')}\
                   e{filter:url(#blur)} f{behavior:url(#default#VML)}";
        assert!(urls(css).is_empty(), "{:?}", urls(css));
    }

    #[test]
    fn comments_and_strings_are_skipped() {
        let css = "/* .old { background: url(old.png) } */\n\
                   .q::before { content: \"url(not-a-link.png)\"; }\n\
                   .r { background: url(real.png) /* url(no.png) */ }";
        assert_eq!(got(css), vec![("real.png".into(), Element::CssUrl)]);
    }

    #[test]
    fn other_functions_ending_in_url_are_not_urls() {
        assert!(urls("a{x: myurl(foo.png)}").is_empty());
        assert!(urls("a{x: -moz-url(foo.png)}").is_empty());
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(
            got(
                r"a{background:url(a\(1\).png)} b{background:url('q\'s.png')} c{background:url(\4e2d.png)}"
            ),
            vec![
                ("a(1).png".into(), Element::CssUrl),
                ("q's.png".into(), Element::CssUrl),
                ("中.png".into(), Element::CssUrl),
            ]
        );
    }

    #[test]
    fn unterminated_at_end() {
        assert_eq!(
            got("a{background:url(x.png"),
            vec![("x.png".into(), Element::CssUrl)]
        );
        assert!(urls("a{background:url('x.png").is_empty());
        assert!(urls("@import").is_empty());
        assert!(urls("@import ").is_empty());
        assert!(urls("/*").is_empty());
        assert!(urls("url(").is_empty());
        assert!(urls("\\").is_empty());
        assert!(urls("url(\\").is_empty());
    }

    #[test]
    fn bad_url_token_is_skipped() {
        assert_eq!(
            got("a{background:url(x\"y.png)} b{background:url(ok.png)}"),
            vec![("ok.png".into(), Element::CssUrl)]
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut s = String::new();
        for i in 0..200_000u32 {
            s.push(char::from_u32(i % 0x800 + 1).unwrap_or('x'));
            if i % 7 == 0 {
                s.push_str("url(");
            }
            if i % 11 == 0 {
                s.push_str("@import '");
            }
            if i % 13 == 0 {
                s.push('\\');
            }
        }
        let links = urls(&s);
        assert!(links.len() <= MAX_CSS_URLS);
    }
}
