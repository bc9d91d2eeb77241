//! 外链风险: an external link whose target now serves gambling or adult content
//! (the word lists of the rules), or whose redirects land on another
//! registrable domain (a lapsed domain taken over, a hijacked link).
//!
//! Content evidence outranks the soft-404 heuristics: the landing page of an
//! external link is read even when a redirect took it to its site's homepage,
//! and gambling or adult words there make it `risky_external` only.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::rules::words::Words;
use url::Url;

/// Distinct words of one list a page must contain to count as that content.
pub const MIN_DISTINCT_WORDS: usize = 2;

/// Looks for gambling / adult words in the visible text of an external page.
/// Returns the evidence, e.g. `gambling words: 博彩, 百家乐`.
pub fn content(text: &str, words: &Words) -> Option<String> {
    for (label, list) in [("gambling", &words.gambling), ("adult", &words.adult)] {
        let hits: Vec<&str> = list
            .iter()
            .filter(|w| text.contains(w.as_str()))
            .map(String::as_str)
            .take(5)
            .collect();
        if hits.len() >= MIN_DISTINCT_WORDS {
            return Some(format!("{label} content: {}", hits.join(", ")));
        }
    }
    None
}

/// The registrable domain of a URL's host (the host itself for IPs and unknown suffixes).
pub fn registrable(url: &Url) -> String {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    match url.host() {
        Some(url::Host::Domain(_)) => psl::domain_str(&host).unwrap_or(&host).to_string(),
        _ => host,
    }
}

/// Whether redirects took an external link to another registrable domain.
pub fn cross_domain(original: &Url, final_url: &Url) -> Option<String> {
    let a = registrable(original);
    let b = registrable(final_url);
    (a != b).then(|| format!("redirects from {a} to another domain: {final_url}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gambling_needs_two_words() {
        let w = Words::defaults();
        assert!(content("澳门博彩 百家乐 真人娱乐 注册送彩金", &w).is_some());
        assert!(content("市体育局关于规范体育彩票销售的通知", &w).is_none());
        assert!(content("严厉打击网上赌博违法犯罪，查处百家乐赌场、网络色情", &w).is_none());
    }

    #[test]
    fn domains() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(
            cross_domain(
                &u("http://www.old-partner.com/"),
                &u("http://bet365.example.net/")
            )
            .is_some()
        );
        assert!(
            cross_domain(&u("http://www.gov.cn/"), &u("https://www.gov.cn/index.htm")).is_none()
        );
        assert!(
            cross_domain(
                &u("http://sipa.sh.gov.cn/"),
                &u("https://www.sipa.sh.gov.cn/")
            )
            .is_none()
        );
        assert!(
            cross_domain(
                &u("http://a.shanghai.gov.cn/"),
                &u("https://b.shanghai.gov.cn/")
            )
            .is_none()
        );
    }
}
