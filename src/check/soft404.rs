//! 错链(软404): a page answered with 200 that is really an error page, or a
//! document URL whose redirects end on the site's homepage.
//!
//! Evidence is kept narrow on purpose: a phrase from the rules in the `<title>`
//! or first `<h1>`, or anywhere in the text of a *short* page. A long article
//! that merely mentions "404" is never a soft 404. Risky content outranks both
//! kinds of evidence: an external link redirected to a homepage that serves
//! gambling or adult words is [`super::risky`]'s, never a soft 404 too.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use scraper::Html;
use std::borrow::Cow;
use url::Url;

/// Longest visible text (in characters) of a page whose body text is searched.
pub const SHORT_PAGE_CHARS: usize = 600;

/// Looks for error-page phrases. Returns the evidence, e.g. `title 「页面不存在」`.
pub fn detect(
    title: Option<&str>,
    h1: Option<&str>,
    text: &str,
    phrases: &[String],
) -> Option<String> {
    let find = |hay: &str| -> Option<&String> {
        let hay_l = hay.to_lowercase();
        phrases.iter().find(|p| hay_l.contains(&p.to_lowercase()))
    };
    if let Some(t) = title.map(str::trim).filter(|t| !t.is_empty()) {
        if let Some(p) = find(t) {
            return Some(format!("title 「{}」 matches 「{p}」", clip(t, 60)));
        }
        if t == "404" || t.starts_with("404 ") || t.starts_with("404-") {
            return Some(format!("title 「{}」", clip(t, 60)));
        }
    }
    if let Some(h) = h1.map(str::trim).filter(|t| !t.is_empty())
        && let Some(p) = find(h)
    {
        return Some(format!("heading 「{}」 matches 「{p}」", clip(h, 60)));
    }
    let trimmed = text.trim();
    if trimmed.chars().count() <= SHORT_PAGE_CHARS
        && let Some(p) = find(trimmed)
    {
        return Some(format!("short page text contains 「{p}」"));
    }
    None
}

/// The text [`detect`] searches for a page whose visible text is `text`: for
/// a short page, its text without the text of its links. Link texts are the
/// titles a list page shows (「关于开展404错误页面排查的通知」), not evidence
/// of an error page. A long page's text is returned as it is (it is not
/// searched).
pub fn evidence_text<'a>(doc: &Html, text: &'a str) -> Cow<'a, str> {
    if text.trim().chars().count() > SHORT_PAGE_CHARS {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    for node in doc.tree.root().descendants() {
        let Some(t) = node.value().as_text() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            a.value().as_element().is_some_and(|e| {
                matches!(
                    e.name(),
                    "a" | "head" | "script" | "style" | "noscript" | "template"
                )
            })
        });
        if !hidden {
            out.push_str(t);
            out.push(' ');
        }
    }
    Cow::Owned(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether a document URL was redirected to the homepage of its site.
pub fn redirected_home(original: &Url, final_url: &Url, redirects: usize) -> bool {
    if redirects == 0 || is_home(original) {
        return false;
    }
    let same_site = original.host_str().map(strip_www) == final_url.host_str().map(strip_www);
    same_site && is_home(final_url) && final_url.query().is_none()
}

fn strip_www(h: &str) -> &str {
    h.strip_prefix("www.").unwrap_or(h)
}

fn is_home(u: &Url) -> bool {
    let p = u.path().to_ascii_lowercase();
    matches!(
        p.as_str(),
        "/" | ""
            | "/index.html"
            | "/index.htm"
            | "/index.shtml"
            | "/index.jsp"
            | "/index.php"
            | "/index.aspx"
            | "/default.html"
            | "/default.htm"
            | "/default.aspx"
            | "/index"
    )
}

fn clip(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases() -> Vec<String> {
        crate::rules::words::Words::defaults().soft404
    }

    #[test]
    fn finds_error_pages() {
        let p = phrases();
        assert!(detect(Some("页面不存在"), None, "", &p).is_some());
        assert!(detect(Some("示范局 - 您访问的页面不存在"), None, "", &p).is_some());
        assert!(detect(Some("404"), None, "", &p).is_some());
        assert!(
            detect(
                Some("提示"),
                Some("抱歉，您访问的页面已删除或不存在"),
                "",
                &p
            )
            .is_some()
        );
        assert!(detect(Some("提示信息"), None, "对不起，该信息不存在。返回首页", &p).is_some());
        assert!(detect(Some("Error"), None, "404 Not Found\nnginx", &p).is_some());
    }

    #[test]
    fn long_articles_mentioning_404_are_not_error_pages() {
        let p = phrases();
        let long = format!(
            "关于开展网站错链断链专项整治的通知。各单位要排查页面不存在、404 Not Found等问题。{}",
            "正文内容。".repeat(200)
        );
        assert!(
            detect(
                Some("关于开展网站专项整治的通知"),
                Some("关于开展网站专项整治的通知"),
                &long,
                &p
            )
            .is_none()
        );
        assert!(detect(Some("2024年度报告"), None, "共处理 404 件", &p).is_none());
    }

    #[test]
    fn link_texts_of_a_short_list_page_are_not_evidence() {
        let p = phrases();
        let list = Html::parse_document(
            "<html><head><title>通知公告</title></head><body><ul>\
             <li><a href=\"/a.html\">关于开展网站404错误页面排查的通知</a></li>\
             <li><a href=\"/b.html\">页面不存在问题整改情况</a></li></ul></body></html>",
        );
        let text = crate::check::content::visible_text(&list);
        assert!(detect(Some("通知公告"), None, &text, &p).is_some());
        assert!(detect(Some("通知公告"), None, &evidence_text(&list, &text), &p).is_none());
        let error = Html::parse_document(
            "<html><head><title>提示</title><script>var t='404错误';</script></head>\
             <body><p>对不起，该信息不存在。</p><a href=\"/\">返回首页</a></body></html>",
        );
        let text = crate::check::content::visible_text(&error);
        assert_eq!(evidence_text(&error, &text), "对不起，该信息不存在。");
        assert!(detect(Some("提示"), None, &evidence_text(&error, &text), &p).is_some());
    }

    #[test]
    fn homepage_redirects() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(redirected_home(
            &u("http://a.gov.cn/zcwj/t1.html"),
            &u("http://a.gov.cn/"),
            1
        ));
        assert!(redirected_home(
            &u("http://a.gov.cn/x.pdf"),
            &u("https://www.a.gov.cn/index.html"),
            2
        ));
        // Homepage to homepage (http → https) and redirects to real pages are fine.
        assert!(!redirected_home(
            &u("http://a.gov.cn/"),
            &u("https://a.gov.cn/"),
            1
        ));
        assert!(!redirected_home(
            &u("http://a.gov.cn/old"),
            &u("http://a.gov.cn/new/"),
            1
        ));
        assert!(!redirected_home(
            &u("http://a.gov.cn/x"),
            &u("http://a.gov.cn/"),
            0
        ));
        assert!(!redirected_home(
            &u("http://a.gov.cn/x"),
            &u("http://other.cn/"),
            1
        ));
    }
}
