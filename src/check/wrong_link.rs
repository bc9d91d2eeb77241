//! 错链 that need no fetch: targets that cannot be right for the public.
//!
//! Two steps: [`classify_raw`] looks at the href as written (schemes to skip,
//! `file:` and Windows paths, `http//x`, `http:///x`); [`classify_host`] looks at
//! the resolved URL's host (private / loopback / link-local IP literals,
//! `localhost`, dotless intranet names, hosts the rules forbid). A wrong link is
//! reported from the HTML alone and never fetched.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::crawl::resolve::is_private_ip;
use std::net::IpAddr;
use url::{Host, Url};

/// What an href is, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawClass {
    /// An ordinary web URL (absolute, relative, protocol-relative or fragment).
    Web,
    /// Not something to check: `mailto:`, `tel:`, `javascript:`, `data:` … (the scheme).
    Skip(&'static str),
    /// A wrong link, with the reason.
    Wrong(String),
}

const SKIP_SCHEMES: &[&str] = &[
    "mailto",
    "tel",
    "sms",
    "javascript",
    "data",
    "about",
    "blob",
    "callto",
    "weixin",
    "mqq",
    "tencent",
    "ftp",
    "news",
    "irc",
    "market",
    "itms-services",
    "geo",
    "chrome",
];

/// Classifies an href as written.
pub fn classify_raw(raw: &str) -> RawClass {
    let s = raw.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{3000}');
    if s.is_empty() {
        return RawClass::Skip("empty");
    }
    if crate::link::is_template_placeholder(s) {
        // `{{el.url}}` in an avalon / Vue list template: filled in by a
        // script, never requested as written.
        return RawClass::Skip("template placeholder");
    }
    let lower: String = s.chars().take(12).collect::<String>().to_ascii_lowercase();
    if s.starts_with("\\\\") {
        return RawClass::Wrong(
            "Windows network path (\\\\server\\share): only works inside the office network".into(),
        );
    }
    if lower.starts_with("http//") || lower.starts_with("https//") {
        return RawClass::Wrong("malformed URL: missing ':' after http".into());
    }
    if lower.starts_with("http:///") || lower.starts_with("https:///") {
        return RawClass::Wrong("malformed URL: no host after http:// (three slashes)".into());
    }
    if lower.starts_with("http:\\") || lower.starts_with("https:\\") {
        return RawClass::Wrong("malformed URL: backslashes instead of slashes".into());
    }
    if (lower.starts_with("http:") && !lower.starts_with("http://"))
        || (lower.starts_with("https:") && !lower.starts_with("https://"))
    {
        return RawClass::Wrong("malformed URL: http: without //".into());
    }
    if let Some(colon) = s.find(':') {
        let scheme = &s[..colon];
        let is_scheme = !scheme.is_empty()
            && scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme {
            let scheme_l = scheme.to_ascii_lowercase();
            if scheme_l.len() == 1 {
                return RawClass::Wrong(format!(
                    "Windows file path ({}:\\…): only works on the author's computer",
                    scheme.to_ascii_uppercase()
                ));
            }
            if scheme_l == "file" {
                return RawClass::Wrong("file: URL: only works on the author's computer".into());
            }
            if scheme_l == "http" || scheme_l == "https" {
                let after = &s[colon + 3..];
                let authority = after.split(['/', '?', '#']).next().unwrap_or("");
                if authority.contains(char::is_whitespace) {
                    return RawClass::Wrong("malformed URL: space in the host name".into());
                }
                return RawClass::Web;
            }
            if let Some(k) = SKIP_SCHEMES.iter().find(|k| **k == scheme_l) {
                return RawClass::Skip(k);
            }
            return RawClass::Skip("other scheme");
        }
    }
    if lower.starts_with("www.") && s.contains('.') && !s.contains(' ') {
        let host = s.split(['/', '?', '#']).next().unwrap_or("");
        if host.matches('.').count() >= 2 {
            return RawClass::Wrong(format!(
                "missing http:// before `{host}`: the browser treats it as a relative path"
            ));
        }
    }
    RawClass::Web
}

/// Hosts the crawl treats specially when judging a resolved URL.
#[derive(Debug, Clone, Default)]
pub struct HostPolicy {
    /// Hosts allowed even when private or dotless: own hosts, `--resolve`
    /// mappings, the rules' allow list.
    pub allowed: Vec<String>,
    /// Hosts the rules forbid (CMS preview, staging): exact or any subdomain.
    pub forbidden: Vec<String>,
}

impl HostPolicy {
    /// Whether `host` is explicitly allowed.
    pub fn is_allowed(&self, host: &str) -> bool {
        self.allowed.iter().any(|a| a == host)
    }
}

/// Classifies a resolved URL by its host. Returns the reason when wrong.
pub fn classify_host(url: &Url, policy: &HostPolicy) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host_str = url.host_str().unwrap_or("").to_ascii_lowercase();
    if host_str.is_empty() {
        return Some("malformed URL: no host".into());
    }
    if let Some(f) = policy
        .forbidden
        .iter()
        .find(|f| host_str == **f || host_str.ends_with(&format!(".{f}")))
    {
        return Some(format!(
            "host `{f}` is forbidden by the rules (CMS preview / staging): not public"
        ));
    }
    let bare = host_str.trim_matches(['[', ']']);
    if policy.is_allowed(bare) || policy.is_allowed(&host_str) {
        return None;
    }
    match url.host() {
        Some(Host::Ipv4(v4)) => private_reason(IpAddr::V4(v4)),
        Some(Host::Ipv6(v6)) => private_reason(IpAddr::V6(v6)),
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            if d == "localhost" || d.ends_with(".localhost") {
                Some("localhost: points at the visitor's own computer".into())
            } else if !d.contains('.') {
                Some(format!(
                    "intranet host name `{d}` (no dot): not reachable from the internet"
                ))
            } else {
                None
            }
        }
        None => Some("malformed URL: no host".into()),
    }
}

fn private_reason(ip: IpAddr) -> Option<String> {
    if !is_private_ip(ip) {
        return None;
    }
    let what = if ip.is_loopback() {
        "loopback address"
    } else {
        match ip {
            IpAddr::V4(v) if v.is_link_local() => "link-local address",
            IpAddr::V4(v) if v.is_private() => "private-range (intranet) address",
            _ => "non-public address",
        }
    };
    Some(format!("{what} {ip}: not reachable from the internet"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_wrong_links() {
        for raw in [
            "file:///D:/公文/通知.doc",
            "D:\\公文\\通知.doc",
            "c:/temp/x.pdf",
            "\\\\fileserver\\share\\a.doc",
            "http//www.demo.gov.cn/a.html",
            "http:///a.html",
            "http:\\\\www.x.gov.cn",
            "http:/www.x.gov.cn/",
            "http://www. x.gov.cn/",
            "www.gov.cn/zhengce/",
        ] {
            assert!(
                matches!(classify_raw(raw), RawClass::Wrong(_)),
                "{raw} should be wrong"
            );
        }
    }

    #[test]
    fn raw_lookalikes_are_not_wrong() {
        for raw in [
            "mailto:xxgk@demo.gov.cn",
            "tel:021-12345",
            "javascript:window.print()",
            "javascript:history.back()",
            "data:image/png;base64,AAAA",
            "#top",
            "//www.demo.gov.cn/a.html",
            "/files/2026年 工作要点.pdf",
            "../zcwj/index.html",
            "https://www.gov.cn/",
            "HTTPS://WWW.GOV.CN/",
            "index_1.html",
            "%E9%80%9A%E7%9F%A5.pdf",
        ] {
            assert!(
                !matches!(classify_raw(raw), RawClass::Wrong(_)),
                "{raw} must not be wrong"
            );
        }
        assert_eq!(classify_raw("mailto:a@b.cn"), RawClass::Skip("mailto"));
        assert_eq!(
            classify_raw("javascript:void(0)"),
            RawClass::Skip("javascript")
        );
    }

    /// Template placeholders are not links (skipped, never wrong or fetched);
    /// a wrong link next to one is still wrong.
    #[test]
    fn template_placeholders_are_skipped() {
        for raw in [
            "{{el.url}}",
            " {{ item.link }} ",
            "http://{{ host }}/a.html",
            "/detail.html?id=${id}",
            "<%= url %>",
            "{$url}",
            "[[url]]",
            "#{url}",
            "{% url 'list' %}",
            "%7B%7Bel.url%7D%7D",
        ] {
            assert_eq!(
                classify_raw(raw),
                RawClass::Skip("template placeholder"),
                "{raw}"
            );
        }
        assert!(matches!(
            classify_raw("http://www. x.gov.cn/{a}"),
            RawClass::Wrong(_)
        ));
        assert_eq!(classify_raw("/search?q={\"lm\":1}"), RawClass::Web);
    }

    #[test]
    fn hosts() {
        let p = HostPolicy {
            allowed: vec!["127.0.0.1".into(), "intranet-mapped".into()],
            forbidden: vec!["preview.demo.gov.cn".into()],
        };
        let wrong = |u: &str| classify_host(&Url::parse(u).unwrap(), &p);
        assert!(wrong("http://10.1.2.3/x").is_some());
        assert!(wrong("http://192.168.0.9:8080/").is_some());
        assert!(wrong("http://172.20.1.1/").is_some());
        assert!(wrong("http://169.254.0.1/").is_some());
        assert!(wrong("http://[::1]/").is_some());
        assert!(wrong("http://localhost:8080/").is_some());
        assert!(wrong("http://oa/login").is_some());
        assert!(wrong("http://preview.demo.gov.cn/a").is_some());
        assert!(wrong("http://a.preview.demo.gov.cn/a").is_some());
        // Allowed / public
        assert!(wrong("http://127.0.0.1:8088/").is_none());
        assert!(wrong("http://intranet-mapped/").is_none());
        assert!(wrong("https://www.gov.cn/").is_none());
        assert!(wrong("http://172.32.0.1/").is_none());
        assert!(wrong("http://notpreview.demo.gov.cn/").is_none());
    }
}
