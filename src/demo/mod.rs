//! The built-in sample bureau site and the loopback server that serves it.
//!
//! [`SiteServer`] is a real HTTP server on `127.0.0.1:0`, started in-process by
//! `zwgk-audit demo` and by the integration tests. It serves either the
//! embedded demo site 「示范市知识产权局」 ([`demo_site`]) or a fixture folder on
//! disk ([`SiteSource::dir`]), with virtual hosts, per-path behaviours from
//! `_routes.toml` (status, headers, redirects, delays, failures, hostile
//! bodies) and date placeholders that keep the sample site current.
//!
//! The demo site plants every finding kind once (`site/EXPECTED.tsv`, read
//! with [`expected`]) and the look-alikes that must not be reported
//! (`site/LOOKALIKES.tsv`, [`lookalikes`]). All its hosts, the "external" ones
//! included, are folders served by the one loopback server: the crawler maps
//! each of [`SiteServer::hosts`] to it.

mod body;
mod routes;
pub mod run;
pub mod server;
mod source;
mod template;

pub use routes::Route;
pub use run::{DemoError, audit_demo, demo_rules};
pub use server::*;

use chrono::NaiveDate;

/// The demo bureau's own host.
pub const DEMO_HOST: &str = "www.demo-ipa.gov.cn";

/// The demo's "external" hosts (friend links), served by the same loopback server.
pub const EXTERNAL_HOSTS: &[&str] = &[
    "www.demo-city.gov.cn",
    "friend.example.org",
    "old-partner.example.com",
];

/// A host the demo site links to that must never be fetched (CMS preview).
pub const FORBIDDEN_HOST: &str = "preview.demo-ipa.gov.cn";

/// The demo's rules file, embedded in the binary.
pub const DEMO_RULES: &str = include_str!("../../rules/demo.toml");

/// The embedded demo site; unknown host names (such as `127.0.0.1`) get the bureau's pages.
pub fn demo_site() -> SiteSource {
    SiteSource::embedded().with_default_host(DEMO_HOST)
}

/// One planted defect or look-alike of the demo site (a row of its TSV files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// Finding kind code (`broken_link` …); for look-alikes, the kind it must not be reported as.
    pub kind: String,
    /// The page where it is, as a URL without port (`http://www.demo-ipa.gov.cn/…`).
    pub page: String,
    /// The link target or the offending text; empty for page-level findings.
    pub target: String,
    /// Why it is there.
    pub note: String,
}

/// The findings a correct audit of the demo site reports, dates as of `today`.
pub fn expected(today: NaiveDate) -> Vec<Planted> {
    planted("EXPECTED.tsv", today)
}

/// The look-alikes planted in the demo site that must not be reported.
pub fn lookalikes(today: NaiveDate) -> Vec<Planted> {
    planted("LOOKALIKES.tsv", today)
}

fn planted(file: &str, today: NaiveDate) -> Vec<Planted> {
    let Ok(bytes) = SiteSource::embedded().read(file) else {
        return Vec::new();
    };
    let text = template::expand_str(&String::from_utf8_lossy(&bytes), today);
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some(Planted {
                kind: f.next()?.trim().to_string(),
                page: f.next()?.trim().to_string(),
                target: f.next().unwrap_or("").trim().to_string(),
                note: f.next().unwrap_or("").trim().to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
