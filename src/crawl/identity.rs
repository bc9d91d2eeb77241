//! URL identity: which URLs are one page, and which parts of a path are a
//! session token rather than a name.
//!
//! - [`index_dir_key`]: `/dir/`, `/dir/index.html`, `/dir/default.htm` … name
//!   the same directory; when they serve the same document (equal
//!   [`body_signature`]) the crawl reports the page once.
//! - [`path_token`] / [`mask_segment`]: session ids and random tokens inside a
//!   path (ASP.NET cookieless `(S(…))`, hex runs, UUIDs, base64-like runs)
//!   are variable parts for the URL-pattern caps, so an endless chain of fresh
//!   tokens stops early. Dated and numbered names (`t20260315_4512.html`,
//!   `/202603/`, `art_1229_56789.html`, `col1234`) and words are names.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use siphasher::sip::SipHasher13;
use std::borrow::Cow;
use std::hash::Hasher;
use url::Url;

/// File names a web server answers for the directory itself (the usual
/// `DirectoryIndex` / default documents of Apache, nginx, IIS, Tomcat and
/// the CMSs of government sites). Compared case-insensitively.
const INDEX_FILES: &[&str] = &[
    "index.html",
    "index.htm",
    "index.shtml",
    "index.shtm",
    "index.xhtml",
    "index.jsp",
    "index.jspx",
    "index.do",
    "index.php",
    "index.asp",
    "index.aspx",
    "default.htm",
    "default.html",
    "default.shtml",
    "default.asp",
    "default.aspx",
    "default.jsp",
    "default.php",
];

/// Whether a path segment is a directory index file name (`index.html`,
/// `Default.aspx` …).
pub fn is_index_file(segment: &str) -> bool {
    INDEX_FILES.iter().any(|f| f.eq_ignore_ascii_case(segment))
}

/// The key shared by a directory and its index files: the URL (fragment
/// dropped, query kept) with an index file name removed from the end of the
/// path. `None` for a URL whose path ends in any other file name.
pub fn index_dir_key(url: &Url) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let path = url.path();
    let (dir, last) = path.rsplit_once('/')?;
    if !last.is_empty() && !is_index_file(last) {
        return None;
    }
    let mut u = url.clone();
    u.set_fragment(None);
    if !last.is_empty() {
        u.set_path(&format!("{dir}/"));
    }
    Some(u.to_string())
}

/// A signature of a document's bytes that ignores ASCII digits, so a page
/// that prints the time, a visitor counter or a date when served is still
/// recognised as the same document at `/dir/` and `/dir/index.html`. Fixed
/// keys: the signature is stored in the run journal and compared after
/// `--resume`.
pub fn body_signature(body: &[u8]) -> u64 {
    let mut h = SipHasher13::new_with_keys(0x7a77_676b_6964_656e, 0x7469_7479_2d73_6967);
    for run in body.split(u8::is_ascii_digit) {
        if !run.is_empty() {
            h.write(run);
            // Keeps `ab1cd` and `abc1d` apart.
            h.write_u8(0);
        }
    }
    h.write_usize(body.len());
    h.finish()
}

/// What kind of variable token a piece of a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// ASP.NET cookieless state: a whole segment `(S(…))`, `(A(…))`, `(F(…))`
    /// or several of them, e.g. `(A(…)S(…))`.
    AspNetSession,
    /// A UUID, `8-4-4-4-12` hex digits.
    Uuid,
    /// A run of 8 or more hex digits mixing digits and letters a–f.
    Hex,
    /// A base64-like run of 16 or more letters and digits mixing upper case,
    /// lower case and digits, switching between them often (not a CamelCase
    /// name such as `ShanghaiIPA2026Report`).
    Base64,
}

impl Token {
    /// The placeholder shown in patterns.
    pub fn placeholder(self) -> &'static str {
        match self {
            Token::AspNetSession => "{session}",
            Token::Uuid => "{uuid}",
            Token::Hex => "{hex}",
            Token::Base64 => "{token}",
        }
    }
}

/// Whether a whole path segment is ASP.NET cookieless state: `(X(value))`
/// repeated inside one pair of parentheses, X an upper-case letter, the value
/// letters, digits, `-` or `_`.
pub fn is_aspnet_session(segment: &str) -> bool {
    let Some(inner) = segment.strip_prefix('(').and_then(|s| s.strip_suffix(')')) else {
        return false;
    };
    let mut rest = inner;
    let mut parts = 0;
    while !rest.is_empty() {
        let mut chars = rest.chars();
        let (Some(letter), Some('(')) = (chars.next(), chars.next()) else {
            return false;
        };
        if !letter.is_ascii_uppercase() {
            return false;
        }
        let body = chars.as_str();
        let Some(end) = body.find(')') else {
            return false;
        };
        let value = body.get(..end).unwrap_or_default();
        if value.is_empty()
            || !value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return false;
        }
        rest = body.get(end + 1..).unwrap_or_default();
        parts += 1;
    }
    parts > 0
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_hex_run(s: &str) -> bool {
    s.len() >= 8
        && s.bytes().all(|b| b.is_ascii_hexdigit())
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_alphabetic())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Upper,
    Lower,
    Digit,
}

fn class(b: u8) -> Option<Class> {
    match b {
        b'A'..=b'Z' => Some(Class::Upper),
        b'a'..=b'z' => Some(Class::Lower),
        b'0'..=b'9' => Some(Class::Digit),
        _ => None,
    }
}

/// Base64-like: only letters, digits, `-`, `_` and `=` padding; 16 or more
/// letters and digits with all three classes present; upper and lower case
/// in comparable numbers (random text has about as many of each, a CamelCase
/// name one capital per word); and a class change in at least a third of
/// neighbouring pairs (counted inside runs between `-` and `_`), as in random
/// text (about two pairs in three) and not in words or dated names.
fn is_base64_like(s: &str) -> bool {
    let s = s.trim_end_matches('=');
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return false;
    }
    let (mut upper, mut lower, mut digit, mut alnum) = (0usize, 0usize, 0usize, 0usize);
    let (mut pairs, mut changes) = (0usize, 0usize);
    let mut prev: Option<Class> = None;
    for b in s.bytes() {
        let c = class(b);
        match c {
            Some(Class::Upper) => upper += 1,
            Some(Class::Lower) => lower += 1,
            Some(Class::Digit) => digit += 1,
            None => {}
        }
        if let (Some(p), Some(c)) = (prev, c) {
            pairs += 1;
            changes += usize::from(p != c);
        }
        alnum += usize::from(c.is_some());
        prev = c;
    }
    alnum >= 16
        && digit > 0
        && upper.min(lower) > 0
        && upper.min(lower) * 3 >= upper.max(lower)
        && changes * 3 >= pairs
}

/// Classifies one piece of a path segment (a segment split at `.`, `_`, `-`,
/// `,`, `;`, `!` and `~`) or the segment's stem (the whole segment before a
/// short extension) for base64 and UUID shapes.
fn classify_piece(s: &str) -> Option<Token> {
    if is_uuid(s) {
        Some(Token::Uuid)
    } else if is_hex_run(s) {
        Some(Token::Hex)
    } else {
        None
    }
}

/// The token in a path segment, if any: the whole segment for ASP.NET state,
/// else the first UUID, hex run or base64-like stem in it.
pub fn path_token(segment: &str) -> Option<Token> {
    mask_segment(segment).1
}

/// A path segment with its variable tokens replaced by placeholders, and the
/// kind of the first token (None: the segment is a name, returned as is).
pub fn mask_segment(segment: &str) -> (Cow<'_, str>, Option<Token>) {
    if is_aspnet_session(segment) {
        return (
            Cow::Borrowed(Token::AspNetSession.placeholder()),
            Some(Token::AspNetSession),
        );
    }
    if segment.len() < 8 {
        return (Cow::Borrowed(segment), None);
    }
    // The stem: the segment without a short extension (`.html`, `.aspx`).
    let (stem, ext) = match segment.rsplit_once('.') {
        Some((s, e))
            if !s.is_empty() && e.len() <= 5 && e.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            (s, Some(e))
        }
        _ => (segment, None),
    };
    let whole = if is_uuid(stem) {
        Some(Token::Uuid)
    } else if is_base64_like(stem) && !is_hex_run(stem) {
        Some(Token::Base64)
    } else {
        None
    };
    if let Some(t) = whole {
        let masked = match ext {
            Some(e) => Cow::Owned(format!("{}.{e}", t.placeholder())),
            None => Cow::Borrowed(t.placeholder()),
        };
        return (masked, Some(t));
    }
    let is_sep = |c: char| matches!(c, '.' | '_' | '-' | ',' | ';' | '!' | '~');
    let mut first = None;
    let mut out = String::new();
    let mut last = 0;
    let mut start = 0;
    for (i, c) in segment
        .char_indices()
        .chain(std::iter::once((segment.len(), '/')))
    {
        if i < segment.len() && !is_sep(c) {
            continue;
        }
        let piece = segment.get(start..i).unwrap_or_default();
        if let Some(t) = classify_piece(piece) {
            first.get_or_insert(t);
            out.push_str(segment.get(last..start).unwrap_or_default());
            out.push_str(t.placeholder());
            last = i;
        }
        start = i + c.len_utf8();
    }
    match first {
        None => (Cow::Borrowed(segment), None),
        Some(t) => {
            out.push_str(segment.get(last..).unwrap_or_default());
            (Cow::Owned(out), Some(t))
        }
    }
}

/// The first directory segment of `url`'s path that holds a token (never the
/// last segment, the file name: article ids such as `/xxgk/<32 hex>.html` are
/// names): the pattern of the path up to and including it, tokens masked and
/// digit runs collapsed (`host/s/{hex}/`, `host/sN/{hex}/`), and that part of
/// the path as written (`/s/3f9a…/`, which names one token). A session chain
/// (`/s/<token>/page.html` linking `/s/<fresh token>/page.html` …) makes a
/// new token under the same prefix at every hop.
pub fn token_prefix(url: &Url) -> Option<(String, String)> {
    let path = url.path();
    let mut prefix = String::with_capacity(path.len() + 16);
    prefix.push_str(url.host_str().unwrap_or_default());
    if let Some(p) = url.port() {
        prefix.push(':');
        prefix.push_str(&p.to_string());
    }
    let dirs = path.strip_prefix('/')?.rsplit_once('/')?.0;
    let mut end = 1;
    for seg in dirs.split('/') {
        end += seg.len() + 1;
        prefix.push('/');
        let (masked, token) = mask_segment(seg);
        let mut in_digits = false;
        for c in masked.chars() {
            if c.is_ascii_digit() {
                if !in_digits {
                    prefix.push('N');
                }
                in_digits = true;
            } else {
                in_digits = false;
                prefix.push(c);
            }
        }
        if token.is_some() {
            prefix.push('/');
            return Some((prefix, path.get(..end)?.to_string()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn index_files_share_their_directory_key() {
        let dir = index_dir_key(&u("https://a.gov.cn/zwgk/")).unwrap();
        assert_eq!(dir, "https://a.gov.cn/zwgk/");
        for f in [
            "index.html",
            "index.htm",
            "INDEX.HTML",
            "index.shtml",
            "default.htm",
            "Default.aspx",
            "default.html",
            "index.jsp",
            "index.php",
        ] {
            let url = u(&format!("https://a.gov.cn/zwgk/{f}#top"));
            assert_eq!(index_dir_key(&url).as_deref(), Some(dir.as_str()), "{f}");
        }
        assert_eq!(
            index_dir_key(&u("https://a.gov.cn/")).as_deref(),
            index_dir_key(&u("https://a.gov.cn/index.html")).as_deref()
        );
        // The query is part of the document.
        assert_eq!(
            index_dir_key(&u("http://a.gov.cn/list/index.jsp?page=2")).as_deref(),
            Some("http://a.gov.cn/list/?page=2")
        );
        // Look-alikes: other files, pagination, an index file of another directory.
        for other in [
            "https://a.gov.cn/zwgk/index_1.html",
            "https://a.gov.cn/zwgk/list.html",
            "https://a.gov.cn/zwgk/myindex.html",
            "https://a.gov.cn/zwgk/index.html.bak",
            "https://a.gov.cn/zwgk",
        ] {
            let k = index_dir_key(&u(other));
            assert_ne!(k.as_deref(), Some(dir.as_str()), "{other}");
        }
        assert!(index_dir_key(&u("https://a.gov.cn/zwgk/index_1.html")).is_none());
        assert_ne!(
            index_dir_key(&u("https://a.gov.cn/tzgg/index.html")),
            Some(dir)
        );
    }

    #[test]
    fn body_signature_ignores_digits_only() {
        let a = "<p>访问量：1234 · 2026-05-25 10:31:07</p>".as_bytes();
        let b = "<p>访问量：1240 · 2026-05-25 10:31:09</p>".as_bytes();
        assert_eq!(body_signature(a), body_signature(b));
        assert_ne!(
            body_signature("<p>通知一</p>".as_bytes()),
            body_signature("<p>通知二</p>".as_bytes())
        );
        assert_ne!(body_signature(b"ab1cd"), body_signature(b"abc1d"));
        assert_ne!(body_signature(b"a1b"), body_signature(b"a12b"));
    }

    #[test]
    fn session_tokens_are_recognised() {
        for (seg, want) in [
            ("(S(lit3py55t21z5v55vlm25s55))", Token::AspNetSession),
            (
                "(A(BmvZ1kSQ1ZA)S(abc123def456ghi789jkl012))",
                Token::AspNetSession,
            ),
            ("(F(Zx9_-q))", Token::AspNetSession),
            ("(S(ab))", Token::AspNetSession),
            ("3f9a2b1c7d8e4f60", Token::Hex),
            ("9F86D081884C7D65", Token::Hex),
            ("ff8080817d2c1c5a017d2c6d3b6e0001.html", Token::Hex),
            ("sid_3f9a2b1c", Token::Hex),
            ("123e4567-e89b-12d3-a456-426614174000", Token::Uuid),
            ("123E4567-E89B-12D3-A456-426614174000.html", Token::Uuid),
            ("aZ3kQ9xP2mLw7RtB", Token::Base64),
            ("dGhpcyBpcyBhIHRva2VuMQ==", Token::Base64),
            ("Xk2_pQ8-vN4tLm9sRw3e", Token::Base64),
        ] {
            assert_eq!(path_token(seg), Some(want), "{seg}");
        }
    }

    #[test]
    fn names_are_not_tokens() {
        for seg in [
            // TRS articles and month folders, Hanweb articles and columns.
            "t20260315_4512.html",
            "202603",
            "art_1229_56789.html",
            "col1234",
            "index.html",
            "index_12.html",
            // TRS attachments: P0 / W0 and digits.
            "P020260315384756102933.pdf",
            "W020260315553810274913.png",
            // Words and slugs.
            "zwgk",
            "zhengcewenjian",
            "xxgkml",
            "tongzhigonggao",
            "zheng-ce-wen-jian-2026",
            "ShanghaiIPA2026Report",
            "Report-2026-Q1-Summary-Final.pdf",
            "getArticleListById2026.do",
            "20260315",
            "2026-03-15",
            "deadbeef",
            "abcdef",
            "(S)",
            "(notasession)",
            "(S(has space))",
            "中文栏目名称",
            "%E6%94%BF%E7%AD%96%E6%96%87%E4%BB%B6",
        ] {
            assert_eq!(path_token(seg), None, "{seg}");
        }
    }

    #[test]
    fn masked_segments_keep_the_rest() {
        assert_eq!(mask_segment("sid_3f9a2b1c.html").0, "sid_{hex}.html");
        assert_eq!(mask_segment("(S(abc))").0, "{session}");
        assert_eq!(mask_segment("t20260315_4512.html").0, "t20260315_4512.html");
        assert_eq!(
            mask_segment("123e4567-e89b-12d3-a456-426614174000.html").0,
            "{uuid}.html"
        );
    }

    #[test]
    fn token_prefix_is_the_directory_holding_the_token() {
        let (p, t) = token_prefix(&u("http://a.gov.cn/s/3f9a2b1c7d8e4f60/page.html")).unwrap();
        assert_eq!(
            (p.as_str(), t.as_str()),
            ("a.gov.cn/s/{hex}/", "/s/3f9a2b1c7d8e4f60/")
        );
        let (p2, t2) = token_prefix(&u("http://a.gov.cn/s/0123456789abcdef/x/y.html")).unwrap();
        assert_eq!((p2, t2.as_str()), (p, "/s/0123456789abcdef/"));
        // Numbered directories share the prefix; each is its own token.
        let (p3, t3) = token_prefix(&u("http://a.gov.cn/s12/3f9a2b1c7d8e4f60/a.html")).unwrap();
        let (p4, t4) = token_prefix(&u("http://a.gov.cn/s13/3f9a2b1c7d8e4f60/a.html")).unwrap();
        assert_eq!(p3, "a.gov.cn/sN/{hex}/");
        assert_eq!(p3, p4);
        assert_ne!(t3, t4);
        let (p, _) = token_prefix(&u("http://a.gov.cn:8080/(S(abc123))/zw/list.aspx")).unwrap();
        assert_eq!(p, "a.gov.cn:8080/{session}/");
        // A token in the file name is an article id: no prefix.
        for url in [
            "http://a.gov.cn/xxgk/ff8080817d2c1c5a017d2c6d3b6e0001.html",
            "http://a.gov.cn/zcwj/202603/t20260315_4512.html",
            "http://a.gov.cn/art/2026/3/15/art_1229_56789.html",
            "http://a.gov.cn/col/col1234/index.html",
            "http://a.gov.cn/",
        ] {
            assert_eq!(token_prefix(&u(url)), None, "{url}");
        }
    }

    /// Random tokens as sites make them (xorshift, fixed seed): most are
    /// recognised, so a chain of fresh tokens meets the cap within a few hops.
    #[test]
    fn random_tokens_are_mostly_recognised() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n) as usize
        };
        let b64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let hex = b"0123456789abcdef";
        let (mut b64_hits, mut hex_hits) = (0, 0);
        for _ in 0..1000 {
            let t: String = (0..22).map(|_| b64[next(64)] as char).collect();
            b64_hits += usize::from(path_token(&t).is_some());
            let t: String = (0..16).map(|_| hex[next(16)] as char).collect();
            hex_hits += usize::from(path_token(&t) == Some(Token::Hex));
        }
        assert!(b64_hits >= 850, "{b64_hits}");
        assert!(hex_hits >= 995, "{hex_hits}");
    }
}
