//! Content checks on one page: privacy leaks, forbidden text, accessibility, slow pages.
//! (Filled in by the content work; see issue 5.)

use super::PageView;
use crate::finding::Finding;
use crate::rules::Rules;

/// Every content finding on one page.
pub fn check(_view: &PageView, _rules: &Rules) -> Vec<Finding> {
    Vec::new()
}

/// Text a visitor sees (scripts and styles left out).
pub fn visible_text(doc: &scraper::Html) -> String {
    let mut out = String::new();
    for node in doc.tree.root().descendants() {
        if let Some(t) = node.value().as_text() {
            let hidden = node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    matches!(e.name(), "script" | "style" | "noscript" | "template")
                })
            });
            if !hidden {
                out.push_str(t);
                out.push(' ');
            }
        }
    }
    out
}
