//! The crawl scope: which URLs are crawled as the site's own pages.
//!
//! A site is its own hosts under one scheme and port each — the start URLs'
//! (as LinkChecker: internal means under the start URL). Many bureau sites
//! answer on both `http://` and `https://` and link to both; the other copy is
//! the same site, so its URLs are *checked* (status, soft 404; mixed content
//! where an https page loads them) but never crawled as a second site, which
//! would report every page and every finding twice.
//!
//! Origins crawled, per own host:
//! - a start URL's host: the scheme and port of its start URLs;
//! - an `own_hosts` entry written `http://host` or `https://host:port`: that
//!   origin too (how to audit the other copy on purpose);
//! - any other own host (`host`, `host:port`): the homepage's scheme, on the
//!   port written or the scheme's default port;
//! - a start URL that redirects to another scheme or port of its own host
//!   (`http://` → `https://`) adds the origin it lands on.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::rules::Rules;
use std::collections::HashSet;
use url::Url;

/// One origin crawled: host (lower case), scheme, port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Origin {
    host: String,
    scheme: String,
    port: u16,
}

impl Origin {
    fn of(url: &Url) -> Option<Origin> {
        Some(Origin {
            host: url.host_str()?.to_ascii_lowercase(),
            scheme: url.scheme().to_string(),
            port: url.port_or_known_default()?,
        })
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// The origins a run crawls.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    origins: Vec<Origin>,
    /// Other copies of own hosts already logged.
    noted: HashSet<Origin>,
}

impl Scope {
    /// The scope of `rules` (see the module doc).
    pub fn new(rules: &Rules) -> Scope {
        let mut origins: Vec<Origin> = Vec::new();
        let add = |o: Origin, origins: &mut Vec<Origin>| {
            if !origins.contains(&o) {
                origins.push(o);
            }
        };
        for u in rules.start_urls.iter().chain(&rules.crawl_origins) {
            if let Some(o) = Origin::of(u) {
                add(o, &mut origins);
            }
        }
        let home = rules.homepage();
        let scheme = home.scheme().to_string();
        let default_port = if scheme == "https" { 443 } else { 80 };
        for entry in &rules.own_hosts {
            let (host, port) = match entry.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') => match p.parse::<u16>() {
                    Ok(p) => (h, Some(p)),
                    Err(_) => continue,
                },
                _ => (entry.as_str(), None),
            };
            if port.is_none() && origins.iter().any(|o| o.host == host) {
                continue;
            }
            add(
                Origin {
                    host: host.to_string(),
                    scheme: scheme.clone(),
                    port: port.unwrap_or(default_port),
                },
                &mut origins,
            );
        }
        Scope {
            origins,
            noted: HashSet::new(),
        }
    }

    /// Whether `url` is under an origin the run crawls.
    pub fn crawls(&self, url: &Url) -> bool {
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return false;
        };
        self.origins.iter().any(|o| {
            o.port == port && o.scheme == url.scheme() && o.host.eq_ignore_ascii_case(host)
        })
    }

    /// Adds the origin of `url` (a start URL's redirect target on its own host).
    pub fn adopt(&mut self, url: &Url) {
        if let Some(o) = Origin::of(url)
            && !self.origins.contains(&o)
        {
            tracing::info!(
                origin = %o,
                "a start URL redirects here: crawled as the site"
            );
            self.origins.push(o);
        }
    }

    /// Logs, once per origin, that `url` is on another copy of an own host:
    /// checked, not crawled.
    pub fn note_other_copy(&mut self, url: &Url) {
        let Some(o) = Origin::of(url) else {
            return;
        };
        if self.noted.contains(&o) {
            return;
        }
        let crawled: Vec<String> = self
            .origins
            .iter()
            .filter(|c| c.host == o.host)
            .map(ToString::to_string)
            .collect();
        tracing::info!(
            "{o} is another copy of own host {} (crawled as {}): its URLs are checked, not crawled; to crawl it too, add \"{}://{}:{}\" to site.own_hosts",
            o.host,
            if crawled.is_empty() {
                "nothing".to_string()
            } else {
                crawled.join(", ")
            },
            o.scheme,
            o.host,
            o.port
        );
        self.noted.insert(o);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn rules(site: &str) -> Rules {
        Rules::from_toml(&format!("[site]\n{site}\n"), Path::new("t.toml")).unwrap()
    }

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn own_hosts_are_crawled_under_the_start_urls_scheme_and_port() {
        let s = Scope::new(&rules(
            r#"start_urls = ["https://www.a.gov.cn/"]
own_hosts = ["www.a.gov.cn", "xxgk.a.gov.cn", "tj.a.gov.cn:8443"]"#,
        ));
        assert!(s.crawls(&u("https://www.a.gov.cn/zwgk/index.html")));
        assert!(s.crawls(&u("https://WWW.A.GOV.CN:443/")));
        assert!(s.crawls(&u("https://xxgk.a.gov.cn/col/col1234/index.html")));
        assert!(s.crawls(&u("https://tj.a.gov.cn:8443/tjsj/")));
        // The other copies: checked, not crawled.
        for other in [
            "http://www.a.gov.cn/zwgk/index.html",
            "https://www.a.gov.cn:8443/",
            "http://xxgk.a.gov.cn/",
            "https://tj.a.gov.cn/tjsj/",
            "https://www.b.gov.cn/",
        ] {
            assert!(!s.crawls(&u(other)), "{other}");
        }
    }

    #[test]
    fn rules_can_name_another_origin_and_a_start_redirect_adds_one() {
        let r = rules(
            r#"start_urls = ["http://127.0.0.1:8088/"]
own_hosts = ["http://old.a.gov.cn", "https://127.0.0.1:8443"]"#,
        );
        assert_eq!(r.own_hosts, ["old.a.gov.cn", "127.0.0.1"]);
        let mut s = Scope::new(&r);
        assert!(s.crawls(&u("http://127.0.0.1:8088/a.html")));
        assert!(s.crawls(&u("https://127.0.0.1:8443/a.html")));
        assert!(s.crawls(&u("http://old.a.gov.cn/a.html")));
        assert!(!s.crawls(&u("https://old.a.gov.cn/a.html")));
        assert!(!s.crawls(&u("http://127.0.0.1:9000/")));
        s.adopt(&u("http://127.0.0.1:9000/index.html"));
        assert!(s.crawls(&u("http://127.0.0.1:9000/other.html")));
    }

    #[test]
    fn the_example_rules_name_an_origin() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/example.toml");
        let r = Rules::load(&path).unwrap();
        assert_eq!(r.crawl.max_tokens_per_prefix, 100);
        let s = Scope::new(&r);
        assert!(s.crawls(&u("https://www.example.gov.cn/zwgk/")));
        assert!(s.crawls(&u("https://example.gov.cn/")));
        assert!(s.crawls(&u("http://old.example.gov.cn/xxgk/")));
        assert!(!s.crawls(&u("http://www.example.gov.cn/zwgk/")));
        assert!(!s.crawls(&u("https://old.example.gov.cn/")));
    }

    #[test]
    fn origin_entries_are_validated() {
        for (bad, why) in [
            ("ftp://a.gov.cn", "the scheme must be http or https"),
            ("https://a.gov.cn/zwgk/", "a host takes no path"),
            ("https://a.gov.cn/?x=1", "a host takes no path"),
            ("https://user@a.gov.cn", "no user name"),
            ("https://", "`https://`"),
        ] {
            let text =
                format!("[site]\nstart_urls = [\"https://a.gov.cn/\"]\nown_hosts = [\"{bad}\"]\n");
            let err = Rules::from_toml(&text, Path::new("t.toml"))
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("t.toml:3: key `site.own_hosts`") && err.contains(why),
                "{bad}: {err}"
            );
        }
    }
}
