//! Check: outcomes and pages → [`Finding`](crate::finding::Finding)s.
//!
//! One file per concern. Link checks turn a fetch outcome into findings
//! ([`links`], [`soft404`], [`risky`]) or classify a URL without fetching it
//! ([`wrong_link`]); page checks look at one decoded page ([`mixed_content`],
//! [`content`]); [`columns`] observes list pages during the crawl and judges the
//! required columns at the end.

pub mod columns;
pub mod content;
pub mod dates;
pub mod guide;
pub mod hidden;
pub mod interaction;
pub mod labels;
pub mod links;
pub mod mixed_content;
pub mod pubdate;
pub mod risky;
pub mod sitewide;
pub mod soft404;
pub mod wrong_link;

use crate::extract::ExtractedPage;
use scraper::Html;
use url::Url;

/// One fetched, decoded and parsed HTML page, as the page checks see it.
pub struct PageView<'a> {
    /// The URL requested.
    pub url: &'a Url,
    /// The URL after redirects (links resolve against it).
    pub final_url: &'a Url,
    /// The parsed document.
    pub doc: &'a Html,
    /// The decoded source text.
    pub source: &'a str,
    /// What extraction found.
    pub extracted: &'a ExtractedPage,
    /// Time to fetch the page, milliseconds.
    pub elapsed_ms: u64,
    /// Link depth from the start URLs.
    pub depth: u32,
}
