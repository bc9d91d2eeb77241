//! What a crawl task is asked to do ([`Job`]) and what it hands back
//! ([`JobResult`]): the outcome of one URL and, for an HTML page or stylesheet,
//! the links and page findings extracted while its body was in memory.
//!
//! A `JobResult` is small and serialisable: bodies never leave the task, and
//! the run journal (for `--resume`) stores results exactly as the coordinator
//! saw them.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::fetch::FetchError;
use crate::check::columns::PageObservation;
use crate::check::sitewide::PageFacts;
use crate::finding::{Finding, Severity};
use crate::link::{Element, Origin};
use serde::{Deserialize, Serialize};
use url::Url;

/// How a URL is to be fetched and used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// An internal page: GET, parse, extract, check, follow its links.
    Page,
    /// A stylesheet: GET and extract its `url()`s.
    Stylesheet,
    /// An attachment, image or other resource: HEAD, GET fallback, no body.
    Resource,
    /// An external page: GET a bounded body for soft-404 and risky-content checks.
    External,
}

/// One unit of work for a crawl task.
#[derive(Debug, Clone)]
pub struct Job {
    /// Dedup key (normalised URL).
    pub key: String,
    /// URL to fetch.
    pub url: Url,
    /// Link depth.
    pub depth: u32,
    /// How.
    pub mode: Mode,
    /// Attempts made before this one (a transient failure puts the job back
    /// in its host's queue, see [`super::fetch::Fetched::Later`]).
    pub attempt: u32,
}

/// What happened when a URL was checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Final HTTP status.
    pub status: Option<u16>,
    /// URL after redirects (when different).
    pub final_url: Option<String>,
    /// Number of redirects followed.
    pub redirects: usize,
    /// Time taken, milliseconds.
    pub elapsed_ms: u64,
    /// Transport failure.
    pub error: Option<FetchError>,
    /// Content-Type.
    pub content_type: Option<String>,
    /// Soft-404 evidence.
    pub soft404: Option<String>,
    /// Risky-content evidence, and whether it is content (true) or a cross-domain redirect (false).
    pub risky: Option<(String, bool)>,
    /// Why the URL was not fetched (robots.txt, caps …): not a finding.
    pub skipped: Option<String>,
    /// Hashes of the ids/names on the page (for fragment checks), internal pages only.
    pub anchors: Option<Vec<u64>>,
}

/// What the page task decided about a link (everything that needs no other page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkClass {
    /// A web URL to check.
    Check {
        /// The dedup key (normalised URL, no fragment) when it differs from the URL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        /// Whether its host is one of the site's own.
        own: bool,
        /// A fragment to look for on the target page (own pages, `a`/`area` only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fragment: Option<String>,
        /// Mixed content on this page: severity and detail.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mixed: Option<(Severity, String)>,
    },
    /// Not a web link (`mailto:`, `tel:`, `javascript:` …): recorded, not checked.
    NotChecked,
    /// Ignored by the rules' `ignore` patterns.
    Ignored,
    /// A wrong link, with the reason: never fetched.
    Wrong(String),
}

/// A link found in a page, resolved and classified. Serialised into the run
/// journal once per link of every page, so empty fields are left out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FoundLink {
    /// As written; emptied once the link resolves (the reports show `url`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub raw: String,
    /// Resolved URL (with fragment), None when it does not resolve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Element.
    pub element: Element,
    /// Markup or derived.
    pub origin: Origin,
    /// What to do with it.
    pub class: LinkClass,
    /// How it is hidden from visitors (暗链): set on external `a` / `area`
    /// links only, by [`crate::check::hidden`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<crate::check::hidden::Hidden>,
}

impl FoundLink {
    /// The target as shown in reports: the resolved URL, else the raw text.
    pub fn target(&self) -> &str {
        self.url.as_deref().unwrap_or_else(|| self.raw.trim())
    }
}

/// What a fetched page yielded.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PageData {
    /// Title.
    pub title: String,
    /// Charset used.
    pub charset: String,
    /// Body bytes read.
    pub bytes: u64,
    /// Links in document order.
    pub links: Vec<FoundLink>,
    /// Page findings (content checks).
    pub findings: Vec<Finding>,
    /// Column observation.
    pub observation: Option<PageObservation>,
    /// Whether this is a page (HTML) rather than a stylesheet.
    pub html: bool,
    /// Whether the body was cut at `crawl.max_page_bytes` (HTML pages).
    #[serde(default)]
    pub truncated: bool,
    /// The `Content-Length` the server declared for a cut body (none for
    /// a chunked or compressed body: perhaps one that never ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_len: Option<u64>,
    /// Whether the page had more links than were taken (`crawl.max_links_per_page`).
    #[serde(default)]
    pub links_cut: bool,
    /// Start tags dropped to keep nesting under `extract::nesting::MAX_OPEN`.
    #[serde(default)]
    pub flattened: usize,
    /// The fixed extraction limits that cut something on the page
    /// ([`crate::extract::Limit`]), as caps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<super::caps::Cap>,
    /// For a directory or index page (`/dir/`, `/dir/index.html`): the
    /// signature of its document ([`super::identity::body_signature`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sig: Option<u64>,
    /// What the end-of-run checks keep of the page (dates, a message board, guide elements).
    #[serde(default, skip_serializing_if = "PageFacts::is_empty")]
    pub facts: PageFacts,
    /// Links of the page a linked stylesheet could hide (暗链), with the
    /// page's stylesheets: judged when the run ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css_hidden: Option<Box<CssHidden>>,
    /// For a stylesheet: what its class and id rules hide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css_hiding: Option<Box<crate::check::hidden::CssHiding>>,
}

/// A page's links that only a linked stylesheet could hide.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CssHidden {
    /// The page's screen stylesheets, resolved, in order.
    pub sheets: Vec<String>,
    /// The links (`href` resolved).
    pub links: Vec<crate::check::hidden::CssPending>,
}

/// A finished job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobResult {
    /// The job's key.
    pub key: String,
    /// The URL fetched.
    pub url: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Page data for HTML pages and stylesheets.
    pub page: Option<PageData>,
    /// Why checking or analysing the URL failed inside the auditor (a
    /// panic: a bug, not a finding). Such a result is not journalled, so a
    /// resumed run checks the URL again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

impl JobResult {
    /// The result of a job whose task failed before it had an outcome: the
    /// URL counts as not checked, `why` says what failed.
    pub fn failed(key: String, url: String, why: String) -> JobResult {
        JobResult {
            key,
            url,
            outcome: Outcome {
                skipped: Some(format!("not checked: {why}")),
                ..Default::default()
            },
            page: None,
            failed: Some(why),
        }
    }
}

/// The message of a panic payload (`panic!` with a string or a format).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Stable 64-bit hash of an anchor name (FNV-1a), for compact fragment checks.
pub fn anchor_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
