//! Extract: decoded page → links, anchors and page facts.
//!
//! Input: the raw body bytes and the HTTP `Content-Type`. Output: the decoded
//! text ([`charset::decode`]) and, for HTML, an [`ExtractedPage`] with every link
//! a browser would follow or load ([`html::extract`]), CSS `url()`s
//! ([`css::urls`]), script-derived URLs ([`js`]), and the ids/names that
//! fragments may point at. Nothing here does I/O; nothing here panics on
//! site-controlled input.

pub mod charset;
pub mod css;
pub mod html;
pub mod js;
pub mod nesting;
pub mod resolve;

pub use charset::{Decoded, decode, encoding_name};
pub use html::{MAX_LINKS, extract};
pub use resolve::{effective_base, normalize, resolve};

use crate::link::RawLink;

/// What one HTML page yields.
#[derive(Debug, Clone, Default)]
pub struct ExtractedPage {
    /// Every link, in document order.
    pub links: Vec<RawLink>,
    /// The `<base href>` value, if any (as written).
    pub base_href: Option<String>,
    /// Every `id=` and `<a name=>` value (fragment targets).
    pub anchors: Vec<String>,
    /// The `<title>` text, whitespace collapsed.
    pub title: Option<String>,
    /// The `<html lang>` (or `xml:lang`) value, trimmed; None when absent or empty.
    pub lang: Option<String>,
    /// True when the page had more than [`MAX_LINKS`] links and the rest were dropped.
    pub truncated: bool,
    /// The first CMS pagination found in the page's scripts (its pages are in `links`).
    pub pagination: Option<js::Pagination>,
    /// Hanweb `<datastore>` blocks (their record links are in `links`).
    pub datastore: Vec<js::Datastore>,
    /// Fixed limits of the walk that cut something (each once; see [`Self::limits`]).
    pub cut: Vec<Limit>,
}

/// A fixed extraction limit that cut something on a page (the link limit
/// is [`ExtractedPage::truncated`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`html::MAX_ANCHORS`]: further ids and names were not kept.
    Anchors,
    /// [`css::MAX_CSS_URLS`]: further `url()`s of one stylesheet or style were not read.
    CssUrls,
    /// [`js::MAX_PAGES`]: further derived pagination pages were not listed.
    Pagination,
    /// [`js::MAX_RECORDS`]: further Hanweb datastore records were not read.
    Records,
    /// [`js::calls::MAX_CALLS`]: further data calls of a script were not read.
    Calls,
}

impl ExtractedPage {
    /// Every fixed limit that cut something on this page, each once.
    pub fn limits(&self) -> Vec<Limit> {
        let mut v = self.cut.clone();
        if self
            .pagination
            .as_ref()
            .is_some_and(|p| p.pages > js::MAX_PAGES)
        {
            v.push(Limit::Pagination);
        }
        if self.datastore.iter().any(|d| d.capped) {
            v.push(Limit::Records);
        }
        v
    }

    /// Notes that `limit` cut something.
    pub(crate) fn cut_by(&mut self, limit: Limit) {
        if !self.cut.contains(&limit) {
            self.cut.push(limit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::{Element, Origin};
    use scraper::Html;
    use url::Url;

    /// The whole stage on a GBK page served with a lying UTF-8 header.
    #[test]
    fn gbk_page_end_to_end() {
        let page = r#"<html lang="zh-CN"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>通知公告 - 上海市知识产权局</title></head><body>
<a href="/search/search.jsp?q=通知&amp;lm=公告">搜索通知</a>
<a href="/uploads/年度报告.pdf">2025年政府信息公开工作年度报告</a>
<script>createPageHTML(3, 0, "index", "shtml");</script>
</body></html>"#;
        let bytes = encoding_rs::GBK.encode(page).0.into_owned();
        let decoded = decode(&bytes, Some("text/html; charset=UTF-8"));
        assert_eq!(decoded.encoding, encoding_rs::GBK);
        assert_eq!(decoded.source, "meta");
        assert_eq!(encoding_name(&decoded), "GBK");

        let doc = Html::parse_document(&decoded.text);
        let page = extract(&doc);
        assert_eq!(page.title.as_deref(), Some("通知公告 - 上海市知识产权局"));
        let base = effective_base(
            &Url::parse("http://www.sipa.gov.cn/gb/tzgg/index.shtml").unwrap(),
            page.base_href.as_deref(),
            decoded.encoding,
        );
        let resolved: Vec<(String, &str, Element, Origin)> = page
            .links
            .iter()
            .map(|l| {
                let u = resolve(&l.url, &base, decoded.encoding).unwrap();
                (u.to_string(), l.text.as_str(), l.element, l.origin)
            })
            .collect();
        assert_eq!(
            resolved,
            vec![
                (
                    "http://www.sipa.gov.cn/search/search.jsp?q=%CD%A8%D6%AA&lm=%B9%AB%B8%E6"
                        .into(),
                    "搜索通知",
                    Element::A,
                    Origin::Markup
                ),
                (
                    "http://www.sipa.gov.cn/uploads/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"
                        .into(),
                    "2025年政府信息公开工作年度报告",
                    Element::A,
                    Origin::Markup
                ),
                (
                    "http://www.sipa.gov.cn/gb/tzgg/index_1.shtml".into(),
                    "",
                    Element::Pagination,
                    Origin::Derived
                ),
                (
                    "http://www.sipa.gov.cn/gb/tzgg/index_2.shtml".into(),
                    "",
                    Element::Pagination,
                    Origin::Derived
                ),
                (
                    "http://www.sipa.gov.cn/gb/tzgg/index_3.shtml".into(),
                    "",
                    Element::Pagination,
                    Origin::Derived
                ),
            ]
        );
    }

    /// Binary and hostile bodies go through decode → parse → extract.
    #[test]
    fn hostile_bodies_end_to_end() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut garbage = Vec::with_capacity(1 << 20);
        while garbage.len() < 1 << 20 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            garbage.extend_from_slice(&x.to_le_bytes());
        }
        let nested = "<div>".repeat(10_000).into_bytes();
        let truncated_gbk = {
            let mut b = encoding_rs::GBK
                .encode("<meta charset=gbk><a href='/通知'>通")
                .0
                .into_owned();
            b.pop();
            b
        };
        for body in [garbage, nested, truncated_gbk, b"\x00\x00\x00".to_vec()] {
            for ct in [
                None,
                Some("text/html; charset=utf-8"),
                Some("text/html; charset=big5"),
            ] {
                let d = decode(&body, ct);
                let doc = Html::parse_document(&d.text);
                let page = extract(&doc);
                assert!(page.links.len() <= MAX_LINKS);
            }
        }
    }
}
