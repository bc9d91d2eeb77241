//! Constant regular expressions and CSS selectors, compiled once from
//! literals of this crate. They cannot fail on anything a site or a user
//! sends, and the tests compile every one of them: this is the one place
//! allowed to panic on a bad pattern (the crate denies `unwrap` and `expect`).

use regex::Regex;
use scraper::Selector;

/// The regular expression of a constant `pattern`.
#[allow(clippy::expect_used)]
pub fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex")
}

/// The CSS selector of a constant `selectors`.
#[allow(clippy::expect_used)]
pub fn selector(selectors: &str) -> Selector {
    Selector::parse(selectors).expect("constant selector")
}
