//! Content checks on one page: privacy leaks, forbidden text, accessibility, slow pages.
//! (Filled in by the content work; see issue 5.)

use super::PageView;
use crate::finding::Finding;
use crate::rules::Rules;

/// Every content finding on one page.
pub fn check(_view: &PageView, _rules: &Rules) -> Vec<Finding> {
    Vec::new()
}
