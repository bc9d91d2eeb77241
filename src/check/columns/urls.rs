//! URL shapes for the column checks: comparison keys, list-page siblings
//! (pagination), article-looking URLs and non-article link targets.

use regex::Regex;
use std::sync::LazyLock;
use url::Url;

static INDEX_FILE: LazyLock<Regex> =
    LazyLock::new(|| crate::patterns::regex(r"(?i)^(index|default)\.(s?html?|jsp|php|aspx?)$"));
static PAGED_INDEX: LazyLock<Regex> = LazyLock::new(|| {
    crate::patterns::regex(r"(?i)^(index|default)(_\d+)?\.(s?html?|jsp|php|aspx?)$")
});
static LIST_FILE: LazyLock<Regex> = LazyLock::new(|| {
    crate::patterns::regex(r"(?i)^(index|default|list|more)(_\d+)?\.(s?html?|jhtml|jsp|php|aspx?)$")
});
static ARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    crate::patterns::regex(concat!(
        r"(?i)(/t\d{8}_\d+\.\w+$)",
        r"|(/art/\d{4}/\d{1,2}/\d{1,2}/art_)",
        r"|(/\d{8}/[0-9a-f]{16,}\.s?html?$)",
        // Epoint (新点) WebBuilder: `/jyxx/004002/20260520/<uuid>.html`.
        r"|(/\d{8}/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\.s?html?$)",
        r"|(/content/post_\d+\.html?$)",
        r"|(/\d{4}-\d{2}/\d{2}/(content|article)_)",
        r"|(/info/\d+/\d+\.html?$)",
    ))
});

/// Query keys that only select a page of a list.
const PAGE_KEYS: &[&str] = &[
    "page",
    "pagenum",
    "pageno",
    "pageindex",
    "currpage",
    "curpage",
    "currentpage",
    "p",
    "pn",
    "start",
    "startrecord",
    "endrecord",
    "perpage",
    "totalpage",
    "uid",
];

/// The comparison key of a URL: parsed and re-serialised (host case, default
/// port, percent-encoding), fragment dropped, a trailing `index.html` /
/// `default.htm` … dropped when there is no query. Unparsable text is its own key.
pub fn key(url: &str) -> String {
    match Url::parse(url.trim()) {
        Ok(u) => key_of(&u),
        Err(_) => url.trim().split('#').next().unwrap_or("").to_string(),
    }
}

/// [`key`] of a parsed URL.
pub fn key_of(u: &Url) -> String {
    let last = last_segment(u);
    // `index.html` …: the regex only when the name can be one.
    let index =
        u.query().is_none() && last.starts_with(['i', 'I', 'd', 'D']) && INDEX_FILE.is_match(last);
    if !index && u.fragment().is_none() {
        return u.as_str().to_string();
    }
    let cut = u.path().len().saturating_sub(last.len());
    let dir = index.then(|| u.path().get(..cut).unwrap_or("/").to_string());
    let mut u = u.clone();
    u.set_fragment(None);
    if let Some(dir) = dir {
        u.set_path(&dir);
    }
    u.into()
}

fn last_segment(u: &Url) -> &str {
    u.path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("")
}

fn dir_of(u: &Url) -> &str {
    let p = u.path();
    match p.rfind('/') {
        Some(i) => p.get(..=i).unwrap_or(p),
        None => p,
    }
}

fn non_page_query(u: &Url) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| !PAGE_KEYS.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    v.sort();
    v
}

/// Whether `page` is a page of the list whose first page is `column`: the same
/// folder's `index.html`, `index_N.html` (TRS pagination) or the folder itself, or
/// the same path with a query that differs only in page keys (`?page=2`).
pub fn is_list_sibling(column: &Url, page: &Url) -> bool {
    if column.origin() != page.origin() {
        return false;
    }
    if column.path() == page.path() {
        return non_page_query(column) == non_page_query(page);
    }
    let col_last = last_segment(column);
    if !(col_last.is_empty() || PAGED_INDEX.is_match(col_last)) {
        return false;
    }
    if dir_of(column) != dir_of(page) {
        return false;
    }
    let last = last_segment(page);
    (last.is_empty() || PAGED_INDEX.is_match(last)) && non_page_query(page).is_empty()
}

/// Whether the URL looks like a CMS article (TRS `t20260520_1.html`, Hanweb
/// `/art/…/art_…`, Shanghai `/20260520/<hex>.html`, Epoint
/// `/20260520/<uuid>.html`, gkmlpt `post_N.html` …).
pub fn looks_like_article(u: &Url) -> bool {
    trs_article_name(last_segment(u)) || ARTICLE.is_match(u.path())
}

/// `t20260520_123.html` in ASCII: the first form of [`ARTICLE`], without the regex.
fn trs_article_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(['t', 'T']) else {
        return false;
    };
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let (date, rest) = rest.split_at_checked(8).unwrap_or(("", ""));
    if date.len() != 8 || digits(date) != 8 {
        return false;
    }
    let Some(rest) = rest.strip_prefix('_') else {
        return false;
    };
    let n = digits(rest);
    let ext = rest
        .get(n..)
        .and_then(|r| r.strip_prefix('.'))
        .unwrap_or("");
    n > 0 && !ext.is_empty() && ext.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether a link from a list row to `target` can be an item: not the page
/// itself, not a folder or a column index (`index.html`, `list_2.html`), not the
/// same list with another page number.
pub fn is_item_target(target: &Url, page: &Url) -> bool {
    is_item_target_keyed(target, &key_of(target), page, &key_of(page))
}

/// [`is_item_target`] with the [`key_of`] of both URLs already computed.
pub fn is_item_target_keyed(target: &Url, target_key: &str, page: &Url, page_key: &str) -> bool {
    if !matches!(target.scheme(), "http" | "https") {
        return false;
    }
    if target_key == page_key {
        return false;
    }
    let last = last_segment(target);
    if last.is_empty() || LIST_FILE.is_match(last) || bare_folder(target, last) {
        return false;
    }
    !(target.path() == page.path() && target.origin() == page.origin())
}

/// A path of bare words (`/xxgk/zcjd`): no file extension and no digit in the
/// path or query. Site-map footers and column trees link folders without
/// their trailing slash; documents carry an extension or a number (`/art/…`,
/// `post_12.html`, `?id=12`).
fn bare_folder(target: &Url, last: &str) -> bool {
    let digit = |s: &str| s.bytes().any(|b| b.is_ascii_digit());
    !last.contains('.') && !digit(target.path()) && !digit(target.query().unwrap_or(""))
}

/// The folder of a URL as `scheme://host/dir/` (for nesting tests between columns).
pub fn folder(u: &Url) -> String {
    format!("{}{}", u.origin().ascii_serialization(), dir_of(u))
}

#[cfg(test)]
mod tests {
    #[test]
    fn trs_article_names_without_the_regex() {
        for name in [
            "t20260520_1.html",
            "T20260520_123.SHTML",
            "t20260520_0.x_1",
            "t20260520_1.html5",
        ] {
            assert!(super::trs_article_name(name), "{name}");
        }
        for name in [
            "t2026052_1.html",
            "t202605201_1.html",
            "t20260520_.html",
            "t20260520_1.",
            "t20260520_1",
            "t20260520_1.ht-ml",
            "t２0260520_1.html",
            "x20260520_1.html",
            "t20260520_1.html/",
            "",
        ] {
            assert!(!super::trs_article_name(name), "{name}");
        }
        // Whenever it says yes, the regex does too.
        for name in ["t20260520_1.html", "T20260520_123.SHTML", "t20260520_0.x_1"] {
            assert!(super::ARTICLE.is_match(&format!("/a/{name}")), "{name}");
        }
    }

    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn keys() {
        assert_eq!(
            key("https://X.gov.cn/a/index.html#top"),
            "https://x.gov.cn/a/"
        );
        assert_eq!(key("https://x.gov.cn:443/a/"), "https://x.gov.cn/a/");
        assert_eq!(
            key("https://x.gov.cn/a/index.html?page=2"),
            "https://x.gov.cn/a/index.html?page=2"
        );
        assert_eq!(
            key("https://x.gov.cn/a/index_1.html"),
            "https://x.gov.cn/a/index_1.html"
        );
        assert_eq!(
            key("https://x.gov.cn/政策/"),
            "https://x.gov.cn/%E6%94%BF%E7%AD%96/"
        );
        assert_eq!(key("not a url#x"), "not a url");
    }

    #[test]
    fn siblings() {
        let col = u("https://x.gov.cn/tzgg/index.html");
        assert!(is_list_sibling(
            &col,
            &u("https://x.gov.cn/tzgg/index_1.html")
        ));
        assert!(is_list_sibling(
            &col,
            &u("https://x.gov.cn/tzgg/index_12.shtml")
        ));
        assert!(is_list_sibling(&col, &u("https://x.gov.cn/tzgg/")));
        assert!(is_list_sibling(
            &u("https://x.gov.cn/tzgg/"),
            &u("https://x.gov.cn/tzgg/index_2.html")
        ));
        assert!(!is_list_sibling(
            &col,
            &u("https://x.gov.cn/tzgg/202605/t20260520_1.html")
        ));
        assert!(!is_list_sibling(
            &col,
            &u("https://x.gov.cn/zcwj/index_1.html")
        ));
        assert!(!is_list_sibling(
            &col,
            &u("http://y.gov.cn/tzgg/index_1.html")
        ));
        let jsp = u("https://x.gov.cn/list.jsp?wbtreeid=1002");
        assert!(is_list_sibling(
            &jsp,
            &u("https://x.gov.cn/list.jsp?wbtreeid=1002&PAGENUM=2")
        ));
        assert!(!is_list_sibling(
            &jsp,
            &u("https://x.gov.cn/list.jsp?wbtreeid=1003")
        ));
        // An article as column: only itself.
        let art = u("https://x.gov.cn/zn/20230101/abcdef0123456789abcdef.html");
        assert!(!is_list_sibling(
            &art,
            &u("https://x.gov.cn/zn/index_1.html")
        ));
    }

    #[test]
    fn articles_and_targets() {
        assert!(looks_like_article(&u(
            "https://x.gov.cn/c/202605/t20260520_123.html"
        )));
        assert!(looks_like_article(&u(
            "https://x.gov.cn/art/2023/8/24/art_1229_41.html"
        )));
        assert!(looks_like_article(&u(
            "https://sipa.sh.gov.cn/zfxxgknb/20230131/7a652ec2302c4417818aa01fc7b3f226.html"
        )));
        assert!(!looks_like_article(&u(
            "https://x.gov.cn/col/col123/index.html"
        )));
        assert!(looks_like_article(&u(
            "http://ggzy.x.gov.cn/jyxx/004002/004002004/20260520/63f44e47-030e-4892-99f9-d0a65c278332.html"
        )));
        assert!(!looks_like_article(&u(
            "http://ggzy.x.gov.cn/jyxx/004002/20260520/about-the-centre-of-trading.html"
        )));
        let page = u("https://x.gov.cn/tzgg/index.html");
        assert!(is_item_target(
            &u("https://x.gov.cn/tzgg/202605/t20260520_1.html"),
            &page
        ));
        assert!(is_item_target(
            &u("https://x.gov.cn/tzgg/P020260520.pdf"),
            &page
        ));
        assert!(!is_item_target(&u("https://x.gov.cn/tzgg/"), &page));
        assert!(!is_item_target(
            &u("https://x.gov.cn/zcwj/index.html"),
            &page
        ));
        assert!(!is_item_target(
            &u("https://x.gov.cn/tzgg/index_3.html"),
            &page
        ));
        assert!(!is_item_target(
            &u("https://x.gov.cn/tzgg/index.html#a"),
            &page
        ));
        assert!(!is_item_target(&u("mailto:a@b.c"), &page));
        assert!(!is_item_target(&u("https://x.gov.cn/"), &page));
        // Folders linked without their slash (site-map footers), JEECMS indexes.
        assert!(!is_item_target(&u("https://x.gov.cn/xxgk/zcjd"), &page));
        assert!(!is_item_target(
            &u("https://x.gov.cn/ztzl/ndgzbb?from=nav"),
            &page
        ));
        assert!(!is_item_target(
            &u("https://lt.x.gov.cn/index.jhtml"),
            &page
        ));
        // Extensionless documents carry a number.
        assert!(is_item_target(
            &u("https://x.gov.cn/art/2026/5/20/art_1_2"),
            &page
        ));
        assert!(is_item_target(
            &u("https://x.gov.cn/news/detail?id=12"),
            &page
        ));
        assert!(is_item_target(
            &u("https://x.gov.cn/xxgk/content_8812"),
            &page
        ));
        assert_eq!(
            folder(&u("https://x.gov.cn/zcwj/gfxwj/index.html")),
            "https://x.gov.cn/zcwj/gfxwj/"
        );
    }
}
