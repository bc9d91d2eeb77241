//! Extract: decoded page → links, anchors and page facts.
//!
//! Input: the raw body bytes and the HTTP `Content-Type`. Output: the decoded
//! text ([`charset::decode`]) and, for HTML, an [`ExtractedPage`] with every link
//! a browser would follow or load ([`html::extract`]), CSS `url()`s
//! ([`css::urls`]), script-derived URLs ([`js`]), and the ids/names that
//! fragments may point at. Nothing here does I/O; nothing here panics on
//! site-controlled input.

pub mod charset;
pub mod css;
pub mod html;
pub mod js;
pub mod resolve;

pub use charset::{Decoded, decode};
pub use html::extract;
pub use resolve::resolve;

use crate::link::RawLink;

/// What one HTML page yields.
#[derive(Debug, Clone, Default)]
pub struct ExtractedPage {
    /// Every link, in document order.
    pub links: Vec<RawLink>,
    /// The `<base href>` value, if any (as written).
    pub base_href: Option<String>,
    /// Every `id=` and `<a name=>` value (fragment targets).
    pub anchors: Vec<String>,
    /// The `<title>` text, whitespace collapsed.
    pub title: Option<String>,
    /// The `<html lang>` value.
    pub lang: Option<String>,
}
