//! 无障碍: images without `alt`, a page without `<html lang>` or without a
//! non-empty `<title>`.
//!
//! `alt=""` marks a decorative image and is fine; only a missing attribute is
//! reported, one finding per distinct image (target: the `src` resolved against
//! `<base href>` and the page URL), up to a cap, then one summary finding.
//! Images inside `<noscript>` or `<template>` are not shown and not counted.

use super::text::Walk;
use crate::finding::{Finding, FindingKind, Severity};
use std::collections::HashSet;
use url::Url;

/// Accessibility findings for one page.
pub fn check(page_url: &str, final_url: &Url, walk: &Walk, max_images: usize) -> Vec<Finding> {
    let warn = |detail: &str| {
        Finding::new(FindingKind::MissingAlt, page_url, detail).severity(Severity::Warning)
    };
    let mut out = Vec::new();
    if !walk.has_lang {
        out.push(warn("页面缺少 <html lang> 语言属性（如 lang=\"zh-CN\"）").element("html@lang"));
    }
    if walk.title.as_deref().is_none_or(str::is_empty) {
        out.push(warn("页面缺少 <title> 标题或标题为空").element("title"));
    }

    let base = walk
        .base_href
        .and_then(|b| final_url.join(b.trim()).ok())
        .unwrap_or_else(|| final_url.clone());
    let mut seen = HashSet::new();
    let mut reported = 0usize;
    let mut more = 0usize;
    for img in &walk.images {
        let src = img.src.map(str::trim).unwrap_or_default();
        let target = if src.is_empty() {
            String::new()
        } else {
            base.join(src)
                .map(String::from)
                .unwrap_or_else(|_| src.to_string())
        };
        if !seen.insert(target.clone()) {
            continue;
        }
        if reported < max_images {
            reported += 1;
            out.push(
                warn("图片缺少 alt 替代文本（装饰性图片请写 alt=\"\"）")
                    .target(target)
                    .element("img@src"),
            );
        } else {
            more += 1;
        }
    }
    if more > 0 {
        out.push(
            warn(&format!(
                "另有 {more} 张图片缺少 alt 替代文本（每页逐一列出前 {max_images} 张）"
            ))
            .element("img"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn run(html: &str, max: usize) -> Vec<Finding> {
        let doc = Html::parse_document(html);
        let walk = Walk::full(&doc);
        let url = Url::parse("https://www.example.gov.cn/zwgk/tzgg/index.html").unwrap();
        check(url.as_str(), &url, &walk, max)
    }

    const GOOD_HEAD: &str = "<html lang=\"zh-CN\"><head><title>通知公告</title></head>";

    #[test]
    fn clean_page_has_no_findings() {
        let f = run(
            &format!(
                "{GOOD_HEAD}<body><img src=\"logo.png\" alt=\"上海市知识产权局\">\
                 <img src=\"line.gif\" alt=\"\"><img src=\"dot.gif\" alt>\
                 <noscript><img src=\"track.gif\"></noscript></body></html>"
            ),
            50,
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn images_without_alt() {
        let f = run(
            &format!(
                "{GOOD_HEAD}<body><a href=\"/a\"><img src=\"banner.jpg\">专题</a>\
                 <img src=\"/images/x.png\"><img src=\"banner.jpg\"><img data-original=\"lazy.jpg\">\
                 <img></body></html>"
            ),
            50,
        );
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.element.as_str(), f.target_url.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("img@src", "https://www.example.gov.cn/zwgk/tzgg/banner.jpg"),
                ("img@src", "https://www.example.gov.cn/images/x.png"),
                ("img@src", "https://www.example.gov.cn/zwgk/tzgg/lazy.jpg"),
                ("img@src", ""),
            ]
        );
        assert!(
            f.iter()
                .all(|f| f.severity == Severity::Warning && f.kind == FindingKind::MissingAlt)
        );
    }

    #[test]
    fn base_href_is_used() {
        let f = run(
            &format!(
                "{GOOD_HEAD}<base href=\"https://cdn.example.gov.cn/res/\"><img src=\"a.png\">"
            ),
            50,
        );
        assert_eq!(f[0].target_url, "https://cdn.example.gov.cn/res/a.png");
    }

    #[test]
    fn cap_then_summary() {
        let imgs: String = (0..7).map(|i| format!("<img src=\"{i}.png\">")).collect();
        let f = run(&format!("{GOOD_HEAD}<body>{imgs}</body></html>"), 5);
        assert_eq!(f.len(), 6);
        assert_eq!(f[5].element, "img");
        assert!(f[5].detail.contains("另有 2 张"), "{}", f[5].detail);
    }

    #[test]
    fn missing_lang_and_title() {
        let f = run("<html><head></head><body>x</body></html>", 50);
        let els: Vec<_> = f.iter().map(|f| f.element.as_str()).collect();
        assert_eq!(els, vec!["html@lang", "title"]);
        let f = run(
            "<html lang=\"zh\"><head><title> \n </title></head></html>",
            50,
        );
        let els: Vec<_> = f.iter().map(|f| f.element.as_str()).collect();
        assert_eq!(els, vec!["title"]);
        // lang on <body> is not lang on <html>.
        let f = run(
            "<html><head><title>t</title></head><body lang=\"zh\">x</body></html>",
            50,
        );
        let els: Vec<_> = f.iter().map(|f| f.element.as_str()).collect();
        assert_eq!(els, vec!["html@lang"]);
    }
}
