//! Charset detection and decoding: BOM, HTTP header, `<meta charset>` /
//! `http-equiv`, then sniffing (chardetng).
//!
//! The order is the browser's (WHATWG "determine the character encoding"),
//! with one deliberate departure for a common misconfiguration of Chinese
//! government servers: nginx answers `charset=utf-8` for every page while old
//! pages are GBK and say so in `<meta charset=gbk>`. When a declared encoding
//! (HTTP or meta) is UTF-8 but the bytes are not valid UTF-8, and the meta
//! prescan or the sniffer names another encoding, that one wins. Decoding
//! never fails and never panics: malformed sequences become U+FFFD.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;

/// How many leading bytes the `<meta>` prescan looks at.
pub const PRESCAN_BYTES: usize = 4096;
/// How many leading bytes the sniffer is fed (enough for a reliable guess).
pub const SNIFF_BYTES: usize = 64 * 1024;

/// A decoded body.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Where the encoding came from: `"bom"`, `"http"`, `"meta"`, `"sniff"` or
    /// `"default"` (no non-ASCII byte and no declaration: UTF-8).
    pub source: &'static str,
}

/// The WHATWG name of the encoding used (`UTF-8`, `GBK`, `gb18030`, `Big5` …).
pub fn encoding_name(decoded: &Decoded) -> &'static str {
    decoded.encoding.name()
}

/// Decodes a body given the HTTP `Content-Type` value.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    decode_with_tld(bytes, content_type, None)
}

/// Like [`decode`], with the page host's top-level domain (e.g. `"cn"`) as a
/// hint for the sniffer. A TLD that is not lower-case ASCII without dots is
/// ignored.
pub fn decode_with_tld(bytes: &[u8], content_type: Option<&str>, tld: Option<&str>) -> Decoded {
    let (enc, source, bom) = detect(bytes, content_type, tld);
    finish(enc, source, bytes.get(bom..).unwrap_or_default())
}

/// [`decode`] of an owned body: a UTF-8 page (the common case) becomes the
/// text without a copy.
pub fn decode_owned(bytes: Vec<u8>, content_type: Option<&str>) -> Decoded {
    // Declared UTF-8 and valid: the answer `detect` would give, with the
    // bytes validated once rather than twice (the whole body is read).
    let declared = if Encoding::for_bom(&bytes).is_some() {
        None
    } else {
        match content_type.and_then(charset_from_content_type) {
            Some(http) => Some((http, "http")),
            None => prescan(&bytes).map(|meta| (meta, "meta")),
        }
    };
    let bytes = match declared {
        Some((enc, source)) if enc == encoding_rs::UTF_8 => match String::from_utf8(bytes) {
            Ok(text) => {
                return Decoded {
                    text,
                    encoding: enc,
                    source,
                };
            }
            Err(e) => e.into_bytes(),
        },
        _ => bytes,
    };
    let (enc, source, bom) = detect(&bytes, content_type, None);
    if enc == encoding_rs::UTF_8 && bom == 0 {
        match String::from_utf8(bytes) {
            Ok(text) => {
                return Decoded {
                    text,
                    encoding: enc,
                    source,
                };
            }
            Err(e) => return finish(enc, source, e.as_bytes()),
        }
    }
    finish(enc, source, bytes.get(bom..).unwrap_or_default())
}

/// The encoding of a body, how it was found, and the BOM length to skip.
fn detect(
    bytes: &[u8],
    content_type: Option<&str>,
    tld: Option<&str>,
) -> (&'static Encoding, &'static str, usize) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return (enc, "bom", bom_len);
    }
    let tld = tld.filter(|t| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    let http = content_type.and_then(charset_from_content_type);
    if let Some(http_enc) = http {
        if http_enc == encoding_rs::UTF_8 {
            if !is_utf8_allowing_truncation(bytes) {
                if let Some(meta) = prescan(bytes).filter(|e| *e != encoding_rs::UTF_8) {
                    return (meta, "meta", 0);
                }
                let sniffed = sniff(bytes, tld);
                if sniffed != encoding_rs::UTF_8 {
                    return (sniffed, "sniff", 0);
                }
            }
        } else if let Some(meta) = prescan(bytes).filter(|e| *e == encoding_rs::UTF_8)
            && has_non_ascii(bytes)
            && is_utf8_allowing_truncation(bytes)
        {
            // The mirror image: the header names a legacy encoding, the page says
            // UTF-8 and is valid UTF-8 with non-ASCII text. That cannot be GBK text.
            return (meta, "meta", 0);
        }
        return (http_enc, "http", 0);
    }
    if let Some(meta) = prescan(bytes) {
        if meta == encoding_rs::UTF_8 && !is_utf8_allowing_truncation(bytes) {
            let sniffed = sniff(bytes, tld);
            if sniffed != encoding_rs::UTF_8 {
                return (sniffed, "sniff", 0);
            }
        }
        return (meta, "meta", 0);
    }
    if !has_non_ascii(bytes) {
        return (encoding_rs::UTF_8, "default", 0);
    }
    (sniff(bytes, tld), "sniff", 0)
}

fn finish(encoding: &'static Encoding, source: &'static str, body: &[u8]) -> Decoded {
    let (text, _) = encoding.decode_without_bom_handling(body);
    Decoded {
        text: text.into_owned(),
        encoding,
        source,
    }
}

fn has_non_ascii(bytes: &[u8]) -> bool {
    !bytes.is_ascii()
}

/// Valid UTF-8, except possibly for a multi-byte sequence cut off at the end
/// (a body truncated by the page-size cap).
fn is_utf8_allowing_truncation(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

fn sniff(bytes: &[u8], tld: Option<&str>) -> &'static Encoding {
    let head = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    let last = head.len() == bytes.len();
    detector.feed(head, last);
    if !last {
        detector.feed(&[], true);
    }
    detector.guess(tld.map(str::as_bytes), Utf8Detection::Allow)
}

/// Maps a label the way a `<meta>` declaration is interpreted (UTF-16 labels
/// mean UTF-8 there; `x-user-defined` means windows-1252).
fn meta_encoding(label: &[u8]) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label)?;
    if enc == encoding_rs::UTF_16BE || enc == encoding_rs::UTF_16LE {
        Some(encoding_rs::UTF_8)
    } else if enc == encoding_rs::X_USER_DEFINED {
        Some(encoding_rs::WINDOWS_1252)
    } else {
        Some(enc)
    }
}

/// The encoding named by the `charset` parameter of a `Content-Type` value.
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    // Only the parameters, not the media type, may carry `charset`.
    let params = content_type.split_once(';')?.1;
    extract_charset(params.as_bytes()).and_then(Encoding::for_label)
}

/// WHATWG "extract a character encoding from a meta element" (also good
/// enough for HTTP parameters): finds `charset`, skips whitespace, `=`,
/// then takes a quoted or bare value.
fn extract_charset(s: &[u8]) -> Option<&[u8]> {
    let mut pos = 0;
    loop {
        let rest = s.get(pos..)?;
        let idx = find_ci(rest, b"charset")?;
        pos += idx + b"charset".len();
        let mut i = pos;
        while s.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if s.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while s.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        return match s.get(i)? {
            q @ (b'"' | b'\'') => {
                let start = i + 1;
                let rest = s.get(start..)?;
                let end = rest.iter().position(|b| b == q)?;
                rest.get(..end)
            }
            _ => {
                let rest = s.get(i..)?;
                let end = rest
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || *b == b';')
                    .unwrap_or(rest.len());
                rest.get(..end)
            }
        };
    }
}

/// ASCII-case-insensitive search; `needle` must be lower case.
fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// WHATWG "prescan a byte stream to determine its encoding", over the first
/// [`PRESCAN_BYTES`] bytes: the encoding a `<meta charset>` or
/// `<meta http-equiv=Content-Type content="…charset=…">` declares.
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let s = bytes.get(..PRESCAN_BYTES).unwrap_or(bytes);
    let mut pos = 0;
    while pos < s.len() {
        let rest = s.get(pos..)?;
        let lt = rest.iter().position(|b| *b == b'<')?;
        pos += lt;
        let rest = s.get(pos..)?;
        if rest.starts_with(b"<!--") {
            // Comment: skip to "-->" (the two dashes may be the opening ones).
            let after = pos + 2;
            match s.get(after..).and_then(|r| find_ci(r, b"-->")) {
                Some(i) => pos = after + i + 3,
                None => return None,
            }
        } else if rest.len() >= 6
            && rest
                .get(1..5)
                .is_some_and(|m| m.eq_ignore_ascii_case(b"meta"))
            && rest
                .get(5)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            pos += 6;
            let mut got_pragma = false;
            let mut need_pragma: Option<bool> = None;
            let mut charset: Option<&'static Encoding> = None;
            let mut seen: Vec<Vec<u8>> = Vec::new();
            while let Some((name, value, next)) = get_attribute(s, pos) {
                pos = next;
                if seen.contains(&name) {
                    continue;
                }
                match name.as_slice() {
                    b"http-equiv" if value.eq_ignore_ascii_case(b"content-type") => {
                        got_pragma = true;
                    }
                    b"content" => {
                        if charset.is_none()
                            && let Some(enc) = extract_charset(&value).and_then(meta_encoding)
                        {
                            charset = Some(enc);
                            need_pragma = Some(true);
                        }
                    }
                    b"charset" => {
                        charset = meta_encoding(trim_ascii(&value));
                        need_pragma = Some(false);
                    }
                    _ => {}
                }
                seen.push(name);
            }
            match (need_pragma, charset) {
                (Some(false), Some(enc)) => return Some(enc),
                (Some(true), Some(enc)) if got_pragma => return Some(enc),
                _ => {}
            }
        } else if rest.len() >= 2
            && (rest.get(1).is_some_and(u8::is_ascii_alphabetic)
                || (rest.get(1) == Some(&b'/') && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // A tag: skip its name, then its attributes.
            pos += 1;
            while s
                .get(pos)
                .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
            {
                pos += 1;
            }
            while let Some((_, _, next)) = get_attribute(s, pos) {
                pos = next;
            }
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            match rest.iter().position(|b| *b == b'>') {
                Some(i) => pos += i + 1,
                None => return None,
            }
        } else {
            pos += 1;
        }
    }
    None
}

fn trim_ascii(v: &[u8]) -> &[u8] {
    v.trim_ascii()
}

/// WHATWG "get an attribute" for the prescan: returns the lower-cased name,
/// the value (lower-cased) and the position after it; `None` at `>` or the end.
/// On `None` the caller's position is left unchanged, which is harmless: the
/// outer loop then scans on for the next `<`.
fn get_attribute(s: &[u8], mut pos: usize) -> Option<(Vec<u8>, Vec<u8>, usize)> {
    while s
        .get(pos)
        .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
    {
        pos += 1;
    }
    if *s.get(pos)? == b'>' {
        return None;
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    loop {
        let b = *s.get(pos)?;
        if b == b'=' && !name.is_empty() {
            pos += 1;
            break;
        }
        if b.is_ascii_whitespace() {
            while s.get(pos).is_some_and(u8::is_ascii_whitespace) {
                pos += 1;
            }
            if s.get(pos) != Some(&b'=') {
                return Some((name, value, pos));
            }
            pos += 1;
            break;
        }
        if b == b'/' || b == b'>' {
            return Some((name, value, pos));
        }
        name.push(b.to_ascii_lowercase());
        pos += 1;
    }
    while s.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    let b = *s.get(pos)?;
    if b == b'"' || b == b'\'' {
        pos += 1;
        loop {
            let c = *s.get(pos)?;
            pos += 1;
            if c == b {
                return Some((name, value, pos));
            }
            value.push(c.to_ascii_lowercase());
        }
    }
    if b == b'>' {
        return Some((name, value, pos));
    }
    loop {
        let c = *s.get(pos)?;
        if c.is_ascii_whitespace() || c == b'>' {
            return Some((name, value, pos));
        }
        value.push(c.to_ascii_lowercase());
        pos += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    const GBK_PAGE: &str = "<!DOCTYPE html><html><head><meta charset=\"gbk\"><title>上海市知识产权局 通知公告</title></head><body><p>关于开展2026年度政府信息公开工作的通知</p></body></html>";

    #[test]
    fn utf8_bom_wins_over_header() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<p>政务公开</p>".as_bytes());
        let d = decode(&bytes, Some("text/html; charset=gbk"));
        assert_eq!(d.encoding, encoding_rs::UTF_8);
        assert_eq!(d.source, "bom");
        assert_eq!(d.text, "<p>政务公开</p>");
    }

    #[test]
    fn utf16le_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<p>公开</p>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, encoding_rs::UTF_16LE);
        assert_eq!(d.source, "bom");
        assert_eq!(d.text, "<p>公开</p>");
    }

    #[test]
    fn http_charset_gbk() {
        let bytes = gbk("<html><body>政府信息公开指南</body></html>");
        let d = decode(&bytes, Some("text/html; charset=GBK"));
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert_eq!(d.source, "http");
        assert!(d.text.contains("政府信息公开指南"));
    }

    #[test]
    fn http_charset_gb2312_is_gbk_and_quoted_values() {
        let bytes = gbk("<p>通知公告</p>");
        let d = decode(&bytes, Some("text/html;charset=\"gb2312\""));
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert_eq!(d.source, "http");
        assert!(d.text.contains("通知公告"));
        let d = decode(&bytes, Some("text/html; Charset = 'GB2312'"));
        assert_eq!(d.encoding, encoding_rs::GBK);
    }

    #[test]
    fn http_gb18030_and_big5() {
        let bytes = encoding_rs::GB18030.encode("年度报告 😀").0.into_owned();
        let d = decode(&bytes, Some("text/html; charset=gb18030"));
        assert_eq!(d.encoding, encoding_rs::GB18030);
        assert_eq!(d.text, "年度报告 😀");
        let bytes = encoding_rs::BIG5.encode("政府資訊公開").0.into_owned();
        let d = decode(&bytes, Some("text/html; charset=big5"));
        assert_eq!(d.encoding, encoding_rs::BIG5);
        assert_eq!(d.text, "政府資訊公開");
    }

    #[test]
    fn meta_charset_gbk_without_header() {
        let bytes = gbk(GBK_PAGE);
        let d = decode(&bytes, Some("text/html"));
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert_eq!(d.source, "meta");
        assert!(d.text.contains("上海市知识产权局 通知公告"));
    }

    #[test]
    fn meta_http_equiv_gb2312() {
        let page = "<HTML><HEAD>\n<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=gb2312\">\n<TITLE>办事指南</TITLE></HEAD><BODY>办事指南</BODY></HTML>";
        let bytes = gbk(page);
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert_eq!(d.source, "meta");
        assert!(d.text.contains("<TITLE>办事指南</TITLE>"));
    }

    #[test]
    fn meta_content_without_http_equiv_is_ignored() {
        // content="charset=…" only counts together with http-equiv=Content-Type.
        let page = b"<meta name=\"description\" content=\"text/html; charset=big5\"><p>abc</p>";
        assert_eq!(prescan(page), None);
        let d = decode(page, None);
        assert_eq!(d.encoding, encoding_rs::UTF_8);
        assert_eq!(d.source, "default");
    }

    #[test]
    fn meta_in_comment_is_ignored() {
        let page = b"<!-- <meta charset=big5> --><meta charset=gbk>";
        assert_eq!(prescan(page), Some(encoding_rs::GBK));
        let page = b"<!-- <meta charset=big5> -->";
        assert_eq!(prescan(page), None);
    }

    #[test]
    fn meta_after_attributes_with_gt_in_values() {
        let page = b"<link rel=icon href='a>b'><meta http-equiv='content-type' content='text/html;charset=big5'>";
        assert_eq!(prescan(page), Some(encoding_rs::BIG5));
    }

    #[test]
    fn meta_beyond_prescan_window_is_not_seen() {
        let mut page = vec![b' '; PRESCAN_BYTES];
        page.extend_from_slice(b"<meta charset=gbk>");
        assert_eq!(prescan(&page), None);
    }

    #[test]
    fn meta_utf16_means_utf8() {
        assert_eq!(
            prescan(b"<meta charset=utf-16le>"),
            Some(encoding_rs::UTF_8)
        );
    }

    #[test]
    fn lying_utf8_header_with_gbk_meta() {
        let bytes = gbk(GBK_PAGE);
        let d = decode(&bytes, Some("text/html; charset=utf-8"));
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert_eq!(d.source, "meta");
        assert!(d.text.contains("关于开展2026年度政府信息公开工作的通知"));
        assert!(!d.text.contains('\u{FFFD}'));
    }

    #[test]
    fn lying_utf8_header_without_meta_is_sniffed() {
        let page = "<html><head><title>关于印发上海市知识产权局政府信息公开工作要点的通知</title></head><body><p>各处室、各直属单位：现将《2026年政务公开工作要点》印发给你们，请认真贯彻落实。</p><p>上海市知识产权局办公室</p></body></html>";
        let bytes = gbk(page);
        let d = decode(&bytes, Some("text/html; charset=UTF-8"));
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert_eq!(d.source, "sniff");
        assert_eq!(d.text, page);
    }

    #[test]
    fn honest_utf8_header_is_kept() {
        let page = "<meta charset=gbk><p>这一页其实是UTF-8</p>";
        let d = decode(page.as_bytes(), Some("text/html; charset=utf-8"));
        // Valid UTF-8: the header is believed even though the meta disagrees.
        assert_eq!(d.encoding, encoding_rs::UTF_8);
        assert_eq!(d.source, "http");
        assert_eq!(d.text, page);
    }

    #[test]
    fn gbk_header_but_utf8_page_with_utf8_meta() {
        let page = "<meta charset=utf-8><p>政务公开</p>";
        let d = decode(page.as_bytes(), Some("text/html; charset=gbk"));
        assert_eq!(d.encoding, encoding_rs::UTF_8);
        assert_eq!(d.source, "meta");
        assert_eq!(d.text, page);
    }

    #[test]
    fn lying_utf8_meta_is_sniffed() {
        let page = "<meta charset=utf-8><title>政府信息公开年度报告</title><p>本报告由上海市知识产权局根据《中华人民共和国政府信息公开条例》要求编制。</p>";
        let d = decode(&gbk(page), None);
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert_eq!(d.source, "sniff");
        assert_eq!(d.text, page);
    }

    #[test]
    fn sniff_without_any_declaration() {
        let page = "<html><body><h1>政策解读</h1><p>为进一步做好政府信息公开工作，现就有关事项通知如下。</p></body></html>";
        let d = decode(&gbk(page), None);
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert_eq!(d.source, "sniff");
        let d = decode(page.as_bytes(), None);
        assert_eq!(d.encoding, encoding_rs::UTF_8);
        assert_eq!(d.source, "sniff");
    }

    #[test]
    fn tld_hint_is_validated() {
        let bytes = gbk("<p>机构职能</p>");
        // Upper case or dotted TLDs would make chardetng panic; they are ignored.
        for tld in [
            Some("CN"),
            Some("gov.cn"),
            Some("中国"),
            Some(""),
            Some("cn"),
        ] {
            let d = decode_with_tld(&bytes, None, tld);
            assert_eq!(d.source, "sniff");
        }
    }

    #[test]
    fn ascii_only_is_default_utf8() {
        let d = decode(b"<html><body>hello</body></html>", None);
        assert_eq!(d.encoding, encoding_rs::UTF_8);
        assert_eq!(d.source, "default");
        let d = decode(b"", None);
        assert_eq!(d.source, "default");
        assert_eq!(d.text, "");
    }

    #[test]
    fn unknown_header_label_falls_through_to_meta() {
        let bytes = gbk(GBK_PAGE);
        let d = decode(&bytes, Some("text/html; charset=no-such-thing"));
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert_eq!(d.source, "meta");
    }

    #[test]
    fn truncated_utf8_is_still_utf8() {
        let page = "<p>政务公开</p>".as_bytes();
        let cut = &page[..page.len() - 5]; // cut inside "开"
        let d = decode(cut, Some("text/html; charset=utf-8"));
        assert_eq!(d.encoding, encoding_rs::UTF_8);
        assert_eq!(d.source, "http");
        assert!(d.text.starts_with("<p>政务"));
    }

    #[test]
    fn hostile_bytes_do_not_panic() {
        let mut garbage = Vec::with_capacity(1 << 20);
        let mut x: u32 = 0x1234_5678;
        while garbage.len() < 1 << 20 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            garbage.extend_from_slice(&x.to_le_bytes());
        }
        for ct in [
            None,
            Some("text/html; charset=utf-8"),
            Some("text/html; charset=gbk"),
            Some("text/html; charset="),
            Some("text/html; charset=\""),
            Some(";;;charset"),
        ] {
            let d = decode(&garbage, ct);
            assert!(!d.text.is_empty());
        }
        for tricky in [
            &b"<meta"[..],
            b"<meta charset",
            b"<meta charset=",
            b"<meta charset='gbk",
            b"<!--",
            b"<!-",
            b"<",
            b"</",
            b"<a b='",
            b"<a b=",
            b"<meta http-equiv=content-type content='charset=\"",
            b"\xE6\x94",
            b"\xFF\xFE\x00",
            b"\xEF\xBB",
        ] {
            let _ = decode(tricky, None);
            let _ = decode(tricky, Some("text/html; charset=utf-8"));
        }
    }
}
