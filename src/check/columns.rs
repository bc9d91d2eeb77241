//! Required columns: observe list pages during the crawl, judge at the end.
//! (Filled in by the columns work; see issue 4.)

use super::PageView;
use crate::finding::Finding;
use crate::rules::Rules;
use serde::Serialize;

/// What one page tells about columns (small: kept after the page is dropped).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct PageObservation {}

/// Looks at one page; runs on the page's task while the document is alive.
pub fn observe(_view: &PageView, _rules: &Rules) -> Option<PageObservation> {
    None
}

/// One row of columns.csv.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ColumnRow {
    /// Column name.
    pub column: String,
    /// Whether it was found.
    pub found: bool,
    /// Its URL.
    pub url: String,
    /// Items counted (all pages).
    pub items: usize,
    /// Newest item date (YYYY-MM-DD), empty when none.
    pub newest_date: String,
    /// Update window in days.
    pub window_days: u32,
    /// ok / missing / empty / stale / mixed.
    pub status: String,
}

/// Collects observations of a run and judges the columns at the end.
#[derive(Debug, Default)]
pub struct ColumnTracker {}

impl ColumnTracker {
    /// A tracker for these rules.
    pub fn new(_rules: &Rules) -> Self {
        ColumnTracker {}
    }
    /// Records what a page showed.
    pub fn record(&mut self, _url: &str, _obs: PageObservation) {}
    /// Records a link seen on a page (portal navigation is found this way).
    pub fn link(&mut self, _page: &str, _target: &str, _text: &str) {}
    /// Veto counters for summary.json (call after `finish`).
    pub fn veto_input(&self) -> crate::report::summary::VetoInput {
        crate::report::summary::VetoInput::default()
    }
    /// Judges every required column as of `today`.
    pub fn finish(
        &mut self,
        _rules: &Rules,
        _today: chrono::NaiveDate,
    ) -> (Vec<Finding>, Vec<ColumnRow>) {
        (Vec::new(), Vec::new())
    }
}
