//! Script-derived URLs: `location` redirects, `window.open`, TRS `createPageHTML`
//! pagination, Hanweb datastore records.
//!
//! Nothing here runs JavaScript. Only string literals count: a redirect built
//! by concatenation (`location.href = 'a?id=' + id`) yields nothing, because a
//! partial URL would be a wrong guess. Comments are blanked first, so a
//! commented-out `//location.href='old.html'` is not a link. Everything a
//! script only *implies* is [`Origin::Derived`](crate::link::Origin): it is
//! crawled, but no finding is made when it fails. The exception is the Hanweb
//! datastore: its records are the list items a visitor sees once the page's
//! script renders them, so their links are markup links
//! ([`Element::Datastore`]).

pub mod calls;

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use scraper::Html;

use crate::link::{Element, RawLink};

/// At most this many pagination URLs are derived from one page.
pub const MAX_PAGES: u32 = 1000;
/// At most this many datastore records are read from one script.
pub const MAX_RECORDS: usize = 5000;

/// A JavaScript string literal, single or double quoted, on one line.
const STR: &str = r#"(?:'((?:[^'\\\r\n]|\\.)*)'|"((?:[^"\\\r\n]|\\.)*)")"#;

static LOCATION_ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?:^|[^\w.$])(?:(?:window|document|self|top|parent)\s*\.\s*){{0,3}}location(?:\s*\.\s*href)?\s*=\s*{STR}"
    ))
});
static LOCATION_CALL: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?:^|[^\w$])location\s*\.\s*(?:replace|assign)\s*\(\s*{STR}"
    ))
});
static WINDOW_OPEN: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?:^|[^\w.$])(?:window\s*\.\s*)?(?:open|navigate)\s*\(\s*{STR}"
    ))
});
static CREATE_PAGE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:^|[^\w$])createPageHTML\s*\(([^()]*)\)"));
static PAGE_COUNT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:^|[^\w.$])(?:countPage|_nPageCount)\s*=\s*(\d{1,9})\b"));
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?:^|[^\w.$])([A-Za-z_$][\w$]*)\s*=\s*(?:(\d{{1,9}})\b|{STR})"
    ))
});
static RECORD: LazyLock<Regex> = LazyLock::new(|| regex(r"(?is)<record\b[^>]*>(.*?)</record\s*>"));
static CDATA: LazyLock<Regex> = LazyLock::new(|| regex(r"(?s)<!\[CDATA\[(.*?)\]\]>"));
static TOTAL_RECORD: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)<totalrecord>\s*(\d{1,12})\s*</totalrecord>"));
static TOTAL_PAGE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)<totalpage>\s*(\d{1,12})\s*</totalpage>"));

fn regex(pattern: &str) -> Regex {
    // The patterns are constants of this module; the tests compile every one.
    Regex::new(pattern).unwrap_or_else(|e| panic!("js.rs pattern {pattern:?}: {e}"))
}

/// CMS pagination found in a script: page `i` of the list is `{name}_{i}.{ext}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// Number of pages the script announces.
    pub pages: u32,
    /// File name stem, e.g. `index`.
    pub name: String,
    /// Extension, e.g. `html`.
    pub ext: String,
}

impl Pagination {
    /// The derived page URLs, relative to the list page: `index_1.html …
    /// index_{pages}.html` (covers 0-based templates, whose last page is
    /// `index_{pages-1}`, and 1-based ones, which start at `index_2`), at most
    /// [`MAX_PAGES`]. Nothing for a single page.
    pub fn urls(&self) -> impl Iterator<Item = String> + '_ {
        let last = if self.pages >= 2 {
            self.pages.min(MAX_PAGES)
        } else {
            0
        };
        (1..=last).map(move |i| format!("{}_{}.{}", self.name, i, self.ext))
    }

    /// [`Self::urls`] as derived [`Element::Pagination`] links.
    pub fn links(&self) -> impl Iterator<Item = RawLink> + '_ {
        self.urls()
            .map(|u| RawLink::derived(u, Element::Pagination))
    }
}

/// A Hanweb JPage `<datastore>` block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Datastore {
    /// Each `<record>`'s HTML (the CDATA content), in order.
    pub records: Vec<String>,
    /// `<totalrecord>`: items in the whole column.
    pub total_record: Option<u64>,
    /// `<totalpage>`: pages in the whole column.
    pub total_page: Option<u64>,
    /// True when the script had more than [`MAX_RECORDS`] records (the rest were not read).
    pub capped: bool,
}

impl Datastore {
    /// The links of the records, as markup links: `<a>` becomes
    /// [`Element::Datastore`] with its text, other elements keep theirs.
    pub fn links(&self) -> Vec<RawLink> {
        if self.records.is_empty() {
            return Vec::new();
        }
        let joined = self.records.join("\n");
        let fragment = Html::parse_fragment(&super::nesting::flatten(&joined).text);
        let mut links = super::html::extract_nested(&fragment).links;
        for l in &mut links {
            if matches!(l.element, Element::A | Element::Area) {
                l.element = Element::Datastore;
            }
        }
        links
    }
}

/// Everything a script yields: redirects and pagination (derived links).
pub fn links(script: &str) -> Vec<RawLink> {
    let mut out = location_links(script);
    if let Some(p) = pagination(script) {
        out.extend(p.links());
    }
    out
}

/// `location.href = '…'`, `window.location = "…"`, `location.replace('…')`,
/// `location.assign('…')`, `window.open('…')` with a string literal, as derived
/// [`Element::JsLocation`] links. Also used for `onclick` handlers and
/// `javascript:` URLs.
pub fn location_links(script: &str) -> Vec<RawLink> {
    if !(script.contains("location") || script.contains("open") || script.contains("navigate")) {
        return Vec::new();
    }
    let code = strip_comments(script);
    let mut found: Vec<(usize, String)> = Vec::new();
    for re in [&*LOCATION_ASSIGN, &*LOCATION_CALL, &*WINDOW_OPEN] {
        for caps in re.captures_iter(&code) {
            let Some(lit) = caps.get(1).or_else(|| caps.get(2)) else {
                continue;
            };
            // `'…' + id`: only part of the URL is a literal; guessing is wrong.
            let after = code.get(lit.end() + 1..).unwrap_or_default().trim_start();
            if after.starts_with('+') {
                continue;
            }
            let url = unescape_js(lit.as_str());
            let url = url.trim();
            if !url.is_empty() {
                found.push((lit.start(), url.to_string()));
            }
        }
    }
    found.sort_by_key(|(pos, _)| *pos);
    found
        .into_iter()
        .map(|(_, u)| RawLink::derived(u, Element::JsLocation))
        .collect()
}

/// TRS pagination: `createPageHTML(total, current, "index", "html")` (any
/// quoting, extra leading or trailing arguments, variables assigned in the
/// same script) or `var countPage = N` / `_nPageCount = N`.
pub fn pagination(script: &str) -> Option<Pagination> {
    let has_call = script.contains("createPageHTML");
    let has_count = script.contains("countPage") || script.contains("_nPageCount");
    if !has_call && !has_count {
        return None;
    }
    let code = strip_comments(script);
    let mut vars: Option<Vec<(String, Value)>> = None;
    let mut lookup = |name: &str| -> Option<Value> {
        let vars = vars.get_or_insert_with(|| assignments(&code));
        vars.iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut name_ext: Option<(String, String)> = None;
    let mut pages: Option<u64> = None;
    if has_call {
        for caps in CREATE_PAGE.captures_iter(&code) {
            let Some(args) = caps.get(1) else { continue };
            let args: Vec<Value> = split_args(args.as_str())
                .into_iter()
                .map(|a| match a {
                    Value::Ident(id) => lookup(&id).unwrap_or(Value::Ident(id)),
                    v => v,
                })
                .collect();
            // The last pair of string arguments shaped like a name and an extension.
            let Some(k) = (0..args.len().saturating_sub(1)).rfind(|&k| {
                matches!((&args[k], &args[k + 1]),
                    (Value::Str(n), Value::Str(e)) if is_name(n) && is_ext(e))
            }) else {
                continue;
            };
            if let (Value::Str(n), Value::Str(e)) = (&args[k], &args[k + 1]) {
                name_ext = Some((n.clone(), e.clone()));
            }
            pages = args[..k].iter().find_map(Value::as_number);
            if pages.is_some() {
                break;
            }
        }
    }
    if pages.is_none() && has_count {
        pages = PAGE_COUNT
            .captures_iter(&code)
            .filter_map(|c| c.get(1)?.as_str().parse::<u64>().ok())
            .last();
    }
    let pages = u32::try_from(pages?).unwrap_or(u32::MAX);
    let (name, ext) = name_ext.unwrap_or_else(|| ("index".into(), "html".into()));
    Some(Pagination { pages, name, ext })
}

/// A Hanweb `<datastore>` block inside a script (`<script type="text/xml">`),
/// or None if the script holds none.
pub fn datastore(script: &str) -> Option<Datastore> {
    if !(script.contains("<datastore") || script.contains("<DATASTORE")) {
        return None;
    }
    let (records, capped) = records(script);
    let number = |re: &Regex| {
        re.captures(script)
            .and_then(|c| c.get(1)?.as_str().parse::<u64>().ok())
    };
    Some(Datastore {
        records,
        total_record: number(&TOTAL_RECORD),
        total_page: number(&TOTAL_PAGE),
        capped,
    })
}

/// The HTML of each `<record>` of a datastore (CDATA content, or the record's
/// XML text unescaped), at most [`MAX_RECORDS`].
pub fn datastore_records(script: &str) -> Vec<String> {
    records(script).0
}

/// [`datastore_records`], and whether the script had more records.
fn records(script: &str) -> (Vec<String>, bool) {
    let mut all = RECORD.captures_iter(script);
    let records = all
        .by_ref()
        .take(MAX_RECORDS)
        .filter_map(|c| {
            let body = c.get(1)?.as_str();
            let html = if body.contains("<![CDATA[") {
                CDATA
                    .captures_iter(body)
                    .filter_map(|c| c.get(1).map(|m| m.as_str()))
                    .collect::<String>()
            } else {
                unescape_xml(body)
            };
            let html = html.trim();
            (!html.is_empty()).then(|| html.to_string())
        })
        .collect();
    (records, all.next().is_some())
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Num(u64),
    Str(String),
    Ident(String),
    Other,
}

impl Value {
    fn as_number(&self) -> Option<u64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.bytes().all(|b| b.is_ascii_digit())
        && !s.contains(|c: char| c.is_whitespace() || c == '?' || c == '#')
}

fn is_ext(s: &str) -> bool {
    (1..=6).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
        && !s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits call arguments at top-level commas into literals and identifiers.
fn split_args(args: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in args.chars() {
        if let Some(q) = quote {
            cur.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else if c == ',' {
            out.push(parse_value(&cur));
            cur.clear();
        } else {
            if c == '\'' || c == '"' {
                quote = Some(c);
            }
            cur.push(c);
        }
    }
    out.push(parse_value(&cur));
    out
}

fn parse_value(arg: &str) -> Value {
    let a = arg.trim();
    if let Some(inner) = a
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| a.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
    {
        return Value::Str(unescape_js(inner).into_owned());
    }
    if let Ok(n) = a.parse::<u64>() {
        return Value::Num(n);
    }
    let mut chars = a.chars();
    if chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    {
        return Value::Ident(a.to_string());
    }
    Value::Other
}

/// `name = 12` and `name = "text"` assignments, in order.
fn assignments(code: &str) -> Vec<(String, Value)> {
    ASSIGNMENT
        .captures_iter(code)
        .filter_map(|c| {
            let name = c.get(1)?.as_str().to_string();
            let value = if let Some(n) = c.get(2) {
                Value::Num(n.as_str().parse().ok()?)
            } else {
                let lit = c.get(3).or_else(|| c.get(4))?;
                Value::Str(unescape_js(lit.as_str()).into_owned())
            };
            Some((name, value))
        })
        .collect()
}

/// Blanks `//`, `/* */` and HTML-style `<!--` line comments, keeping string
/// literals (a `//` inside `'http://…'` is not a comment) and line structure.
pub fn strip_comments(src: &str) -> Cow<'_, str> {
    if !(src.contains("//") || src.contains("/*") || src.contains("<!--")) {
        return Cow::Borrowed(src);
    }
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let mut seg = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            match c {
                b'\\' => i += 1,
                b'\n' if q != b'`' => quote = None,
                _ if c == q => quote = None,
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'\'' | b'"' | b'`' => {
                quote = Some(c);
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                out.push_str(src.get(seg..i).unwrap_or_default());
                let end = b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p);
                out.push(' ');
                i = end;
                seg = i;
            }
            b'<' if b.get(i + 1..i + 4) == Some(b"!--") => {
                out.push_str(src.get(seg..i).unwrap_or_default());
                let end = b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p);
                out.push(' ');
                i = end;
                seg = i;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                out.push_str(src.get(seg..i).unwrap_or_default());
                let end = src
                    .get(i + 2..)
                    .and_then(|r| r.find("*/"))
                    .map_or(b.len(), |p| i + 2 + p + 2);
                // Keep newlines so that a `//` comment test on the next line holds.
                out.push(' ');
                out.extend(b[i..end].iter().filter(|&&x| x == b'\n').map(|_| '\n'));
                i = end;
                seg = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(src.get(seg..).unwrap_or_default());
    Cow::Owned(out)
}

/// Decodes JavaScript string escapes (`\/`, `\'`, `\uXXXX`, `\u{…}`, `\xXX` …).
pub fn unescape_js(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else { break };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' | 'f' | 'v' | '0' => {}
            '\n' => {}
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                push_code(&mut out, &hex);
            }
            'u' => {
                if chars.peek() == Some(&'{') {
                    chars.next();
                    let hex: String = chars.by_ref().take_while(|c| *c != '}').take(8).collect();
                    push_code(&mut out, &hex);
                } else {
                    let hex: String = chars.by_ref().take(4).collect();
                    push_code(&mut out, &hex);
                }
            }
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}

fn push_code(out: &mut String, hex: &str) {
    let ch = u32::from_str_radix(hex, 16)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{FFFD}');
    out.push(ch);
}

fn unescape_xml(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::Origin;

    fn urls(links: &[RawLink]) -> Vec<&str> {
        links.iter().map(|l| l.url.as_str()).collect()
    }

    #[test]
    fn every_pattern_compiles() {
        for re in [
            &LOCATION_ASSIGN,
            &LOCATION_CALL,
            &WINDOW_OPEN,
            &CREATE_PAGE,
            &PAGE_COUNT,
            &ASSIGNMENT,
            &RECORD,
            &CDATA,
            &TOTAL_RECORD,
            &TOTAL_PAGE,
        ] {
            assert!(!re.as_str().is_empty());
        }
    }

    #[test]
    fn location_forms() {
        let js = r#"
            location.href = '/zwgk/index.html';
            window.location = "http://www.sipa.sh.gov.cn/";
            window.location.href="../xxgk/";
            document.location.href = 'doc.html';
            top.location='top.html';
            location.replace('/new/address.html');
            window.location.assign("assigned.html");
            window.open('https://zwfw.sh.gov.cn/', '_blank');
            open("popup.html");
        "#;
        let links = location_links(js);
        assert_eq!(
            urls(&links),
            vec![
                "/zwgk/index.html",
                "http://www.sipa.sh.gov.cn/",
                "../xxgk/",
                "doc.html",
                "top.html",
                "/new/address.html",
                "assigned.html",
                "https://zwfw.sh.gov.cn/",
                "popup.html",
            ]
        );
        assert!(
            links
                .iter()
                .all(|l| l.origin == Origin::Derived && l.element == Element::JsLocation)
        );
    }

    #[test]
    fn location_escapes_are_decoded() {
        let links = location_links(r"location.href='http:\/\/www.example.gov.cn\/a\u002ehtml'");
        assert_eq!(urls(&links), vec!["http://www.example.gov.cn/a.html"]);
    }

    #[test]
    fn location_look_alikes_yield_nothing() {
        let js = r#"
            if (location.href == 'http://a.gov.cn/') {}
            if (window.location != "x.html") {}
            location.href = 'detail.html?id=' + id;
            window.open("list.html?page=" + n);
            location.href = url;
            var s = location.href.replace('http:', 'https:');
            xhr.open('GET', '/api/data.json');
            $.open('nope.html');
            obj.location = '上海';
            mylocation = 'x.html';
            // location.href = 'commented.html';
            /* window.open('block.html'); */
            <!-- location.href='html-comment.html'
            location.href = '';
        "#;
        assert!(location_links(js).is_empty(), "{:?}", location_links(js));
    }

    #[test]
    fn comment_markers_inside_strings_are_kept() {
        let js = "var u = 'http://a.gov.cn/x'; location.href = 'http://b.gov.cn/y';";
        assert_eq!(urls(&location_links(js)), vec!["http://b.gov.cn/y"]);
    }

    #[test]
    fn trs_create_page_html() {
        let js = r#"createPageHTML(5, 0, "index", "html");"#;
        let links = links(js);
        assert_eq!(
            urls(&links),
            vec![
                "index_1.html",
                "index_2.html",
                "index_3.html",
                "index_4.html",
                "index_5.html"
            ]
        );
        assert!(
            links
                .iter()
                .all(|l| l.origin == Origin::Derived && l.element == Element::Pagination)
        );
    }

    #[test]
    fn trs_single_quotes_and_extra_args() {
        let p =
            pagination("createPageHTML('page_div', 3, 1, 'center_flist', 'shtml', 42);").unwrap();
        assert_eq!(
            p,
            Pagination {
                pages: 3,
                name: "center_flist".into(),
                ext: "shtml".into()
            }
        );
        assert_eq!(
            p.urls().collect::<Vec<_>>(),
            vec![
                "center_flist_1.shtml",
                "center_flist_2.shtml",
                "center_flist_3.shtml"
            ]
        );
    }

    #[test]
    fn trs_variables() {
        let js = r#"
            var _nPageCount = 4;
            var _nCurrIndex = 0;
            var _sPageName = "index";
            var _sPageExt = "htm";
            createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt);
        "#;
        let p = pagination(js).unwrap();
        assert_eq!(
            (p.pages, p.name.as_str(), p.ext.as_str()),
            (4, "index", "htm")
        );
    }

    #[test]
    fn trs_commented_call_with_count_page() {
        let js = "//createPageHTML(9, 0, \"index\", \"html\");\nvar currentPage = 0;//所在页从0开始\nvar countPage = 17;//共多少页\n";
        let p = pagination(js).unwrap();
        assert_eq!(
            (p.pages, p.name.as_str(), p.ext.as_str()),
            (17, "index", "html")
        );
        assert_eq!(p.urls().count(), 17);
        assert_eq!(p.urls().last().as_deref(), Some("index_17.html"));
    }

    #[test]
    fn single_page_and_zero_pages_derive_nothing() {
        assert_eq!(links("createPageHTML(1, 0, \"index\", \"html\");").len(), 0);
        assert_eq!(links("var countPage = 0;").len(), 0);
        assert!(pagination("var x = 3;").is_none());
        assert!(pagination("createPageHTML(a, b, c, d)").is_none());
    }

    #[test]
    fn numbers_as_strings() {
        let p = pagination("createPageHTML(\"5\", \"0\", \"index\", \"html\");").unwrap();
        assert_eq!(
            (p.pages, p.name.as_str(), p.ext.as_str()),
            (5, "index", "html")
        );
    }

    #[test]
    fn pagination_is_capped() {
        let p = pagination("createPageHTML(999999999, 0, 'index', 'html')").unwrap();
        assert_eq!(p.urls().count(), MAX_PAGES as usize);
    }

    #[test]
    fn function_definition_is_not_a_call_with_pages() {
        let js = "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){ document.write('x'); }";
        assert!(pagination(js).is_none());
    }

    const HANWEB: &str = r#"<datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=1229214366&unitid=7236384&webname=%E5%AE%81%E6%B3%A2&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[
<li><a href="/art/2026/5/20/art_1229214366_4191896.html" title="关于2026年度政府信息公开工作年度报告的公告" target="_blank">关于2026年度政府信息公开工作年度报告的公告</a> <span>2026-05-20</span></li>
]]></record>
<record><![CDATA[
<li><a href="/art/2026/5/18/art_1229214366_4191801.html" target="_blank">
  市知识产权局   召开专题会议</a> <span>2026-05-18</span></li>
]]></record>
<record><![CDATA[<li><a href="/art/2026/4/30/art_1229214366_4190001.html"><img src="/picture/0/s.jpg" alt="图片新闻"></a><span>2026-04-30</span></li>]]></record>
</recordset>
<totalrecord>137</totalrecord>
<totalpage>10</totalpage>
</datastore>"#;

    #[test]
    fn hanweb_datastore() {
        let ds = datastore(HANWEB).unwrap();
        assert_eq!(ds.records.len(), 3);
        assert_eq!(ds.total_record, Some(137));
        assert_eq!(ds.total_page, Some(10));
        assert!(ds.records[0].starts_with("<li><a href=\"/art/2026/5/20/"));
        assert!(ds.records[0].contains("<span>2026-05-20</span>"));
        assert_eq!(datastore_records(HANWEB), ds.records);

        let links = ds.links();
        let got: Vec<(&str, &str, Element, Origin)> = links
            .iter()
            .map(|l| (l.url.as_str(), l.text.as_str(), l.element, l.origin))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "/art/2026/5/20/art_1229214366_4191896.html",
                    "关于2026年度政府信息公开工作年度报告的公告",
                    Element::Datastore,
                    Origin::Markup
                ),
                (
                    "/art/2026/5/18/art_1229214366_4191801.html",
                    "市知识产权局 召开专题会议",
                    Element::Datastore,
                    Origin::Markup
                ),
                (
                    "/art/2026/4/30/art_1229214366_4190001.html",
                    "图片新闻",
                    Element::Datastore,
                    Origin::Markup
                ),
                ("/picture/0/s.jpg", "图片新闻", Element::Img, Origin::Markup),
            ]
        );
    }

    #[test]
    fn datastore_without_cdata_is_unescaped() {
        let ds = datastore(
            "<datastore><recordset><record>&lt;li&gt;&lt;a href=&quot;/a.html&quot;&gt;甲&lt;/a&gt;&lt;/li&gt;</record></recordset></datastore>",
        )
        .unwrap();
        assert_eq!(ds.records, vec!["<li><a href=\"/a.html\">甲</a></li>"]);
        assert_eq!(ds.total_record, None);
        assert_eq!(urls(&ds.links()), vec!["/a.html"]);
    }

    #[test]
    fn no_datastore() {
        assert!(datastore("var a = '<record>x</record>';").is_none());
        assert!(datastore_records("nothing here").is_empty());
        let empty = datastore("<datastore><recordset></recordset></datastore>").unwrap();
        assert!(empty.records.is_empty());
        assert!(empty.links().is_empty());
    }

    #[test]
    fn hostile_scripts_do_not_panic() {
        for s in [
            "location.href='",
            "location.href='\\",
            "'\\u{110000}'",
            "location.href='\\u{110000}\\xZZ\\u12'",
            "createPageHTML(",
            "createPageHTML(,,,,)",
            "createPageHTML('a','b'",
            "/*",
            "'",
            "<!--",
            "<datastore><record><![CDATA[",
            "<datastore><record><![CDATA[<a href=x>]]></record>",
        ] {
            let _ = links(s);
            let _ = datastore(s).map(|d| d.links());
        }
        let big = "location.href='a.html';createPageHTML(3,0,'index','html');/*".repeat(10_000);
        assert!(!links(&big).is_empty());
    }
}
