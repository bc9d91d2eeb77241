//! A guard against markup nested so deep that parsing it takes quadratic time.
//!
//! html5ever walks the stack of open elements for many start tags (every
//! `<div>`, `<ul>`, `<p>` … checks for an open `<p>`), and the list of active
//! formatting elements for others (`<b id=1>`, `<b id=2>` …). A page of 100,000
//! unclosed `<div>`s — a broken template or a hostile server — then takes
//! minutes of CPU, and no request timeout stops it. [`flatten`] runs before the
//! parser: a linear scan that keeps a count of the elements left open, and
//! once [`MAX_OPEN`] are open drops further start tags (and their end tags)
//! instead of nesting deeper. Text, `<a>` links, void elements (`<img>`,
//! `<link>` …) and raw-text elements (`<script>`, `<iframe>` …) are always kept,
//! so the links of such a page are still found.
//!
//! Ordinary pages — even sloppy ones with unclosed `<p>`, `<li>` or `<td>`,
//! which the parser closes by itself and which are not counted — never reach
//! the limit and are returned unchanged (borrowed).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use std::borrow::Cow;
use std::collections::HashMap;

/// Most elements left open before further start tags are dropped. Real pages
/// stay far below it (a deep CMS template nests a few dozen levels).
pub const MAX_OPEN: usize = 1000;

/// A document after [`flatten`].
#[derive(Debug)]
pub struct Flattened<'a> {
    /// The markup to parse (borrowed when nothing was dropped).
    pub text: Cow<'a, str>,
    /// Start tags dropped because [`MAX_OPEN`] elements were open.
    pub dropped: usize,
}

/// How a tag name counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Elements without content (`<img>`, `<br>` …): never open.
    Void,
    /// Elements whose content is text up to their end tag (`<script>` …).
    RawText,
    /// Elements the parser closes by itself (the next sibling or the parent's
    /// end closes them) and the document's own sections; `<a>` too, since a new
    /// `<a>` closes the open one. Not counted, never dropped.
    SelfClosing,
    /// Everything else: counted while open, dropped beyond [`MAX_OPEN`].
    Counted,
}

fn class(name: &str) -> Class {
    match name {
        "area" | "base" | "basefont" | "bgsound" | "br" | "col" | "embed" | "frame" | "hr"
        | "image" | "img" | "input" | "keygen" | "link" | "meta" | "param" | "source" | "track"
        | "wbr" => Class::Void,
        "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes"
        | "noscript" => Class::RawText,
        "p" | "li" | "dd" | "dt" | "option" | "optgroup" | "tr" | "td" | "th" | "tbody"
        | "thead" | "tfoot" | "colgroup" | "caption" | "rb" | "rp" | "rt" | "rtc" | "html"
        | "head" | "body" | "a" | "nobr" => Class::SelfClosing,
        _ => Class::Counted,
    }
}

/// Returns `html` with start tags beyond [`MAX_OPEN`] open elements removed
/// (and the end tags that match them).
pub fn flatten(html: &str) -> Flattened<'_> {
    let b = html.as_bytes();
    if b.iter().filter(|&&c| c == b'<').count() <= MAX_OPEN {
        return Flattened {
            text: Cow::Borrowed(html),
            dropped: 0,
        };
    }
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    let mut open = 0usize;
    let mut foreign = 0usize;
    let mut dropped = 0usize;
    let mut dropped_by_name: HashMap<String, usize> = HashMap::new();
    let mut i = 0usize;
    while let Some(rel) = b.get(i..).and_then(|s| s.iter().position(|&c| c == b'<')) {
        let start = i + rel;
        let rest = b.get(start..).unwrap_or_default();
        if rest.starts_with(b"<!--") {
            i = find(b, start + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = find(b, start + 2, b">").map_or(b.len(), |e| e + 1);
            continue;
        }
        let (end_tag, name_from) = if rest.starts_with(b"</") {
            (true, start + 2)
        } else {
            (false, start + 1)
        };
        if !b.get(name_from).is_some_and(u8::is_ascii_alphabetic) {
            i = start + 1;
            continue;
        }
        let name_end = b
            .get(name_from..)
            .and_then(|s| {
                s.iter()
                    .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
            })
            .map_or(b.len(), |p| name_from + p);
        let raw_name = html.get(name_from..name_end).unwrap_or_default();
        let name: Cow<'_, str> = if raw_name.bytes().any(|c| c.is_ascii_uppercase()) {
            Cow::Owned(raw_name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(raw_name)
        };
        let name = name.as_ref();
        let (tag_end, self_closed) = tag_end(b, name_end);
        let mut drop = false;
        if end_tag {
            if name == "svg" || name == "math" {
                foreign = foreign.saturating_sub(1);
            }
            if let Some(n) = dropped_by_name.get_mut(name).filter(|n| **n > 0) {
                *n -= 1;
                drop = true;
            } else if counted(name) {
                open = open.saturating_sub(1);
            }
        } else if name == "plaintext" {
            break; // the rest of the document is text
        } else if class(name) == Class::RawText {
            let close = format!("</{name}");
            i = find_ci(b, tag_end, close.as_bytes()).unwrap_or(b.len());
            continue;
        } else if counted(name) && !(self_closed && foreign > 0) {
            if open >= MAX_OPEN {
                drop = true;
                dropped += 1;
                *dropped_by_name.entry(name.to_string()).or_insert(0) += 1;
            } else {
                open += 1;
                if name == "svg" || name == "math" {
                    foreign += 1;
                }
            }
        }
        if drop {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(html.get(copied..start).unwrap_or_default());
            copied = tag_end;
        }
        i = tag_end;
    }
    let text = match out {
        Some(mut o) => {
            o.push_str(html.get(copied..).unwrap_or_default());
            Cow::Owned(o)
        }
        None => Cow::Borrowed(html),
    };
    Flattened { text, dropped }
}

fn counted(name: &str) -> bool {
    class(name) == Class::Counted
}

/// The index after the `>` closing a tag whose name ends at `from`, skipping
/// quoted attribute values, and whether the tag ends with `/>`.
fn tag_end(b: &[u8], from: usize) -> (usize, bool) {
    let mut i = from;
    let mut quote: Option<u8> = None;
    let mut after_eq = false;
    let mut last = 0u8;
    while let Some(&c) = b.get(i) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'>' => return (i + 1, last == b'/'),
                b'"' | b'\'' if after_eq => quote = Some(c),
                _ => {}
            },
        }
        if quote.is_none() && !c.is_ascii_whitespace() {
            after_eq = c == b'=';
            last = c;
        }
        i += 1;
    }
    (b.len(), false)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn links(html: &str) -> Vec<String> {
        let doc = Html::parse_document(html);
        let sel = Selector::parse("a[href]").unwrap();
        doc.select(&sel)
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect()
    }

    #[test]
    fn ordinary_pages_are_borrowed_unchanged() {
        let page = "<html><body><div><p>x<p>y<ul><li>a<li>b</ul></div></body></html>";
        let f = flatten(page);
        assert!(matches!(f.text, Cow::Borrowed(_)));
        assert_eq!(f.dropped, 0);
        // Sloppy but shallow: thousands of unclosed <p>, <li>, <td>, <a> are not nesting.
        let sloppy = "<table>".to_string() + &"<tr><td>x<p>y<li>z<a href=/q>q".repeat(3000);
        let f = flatten(&sloppy);
        assert_eq!(f.dropped, 0);
        assert!(matches!(f.text, Cow::Borrowed(_)));
        // Closed elements never accumulate.
        let closed = "<div><span>x</span></div>".repeat(5000);
        assert_eq!(flatten(&closed).dropped, 0);
        // An inline SVG map with thousands of self-closed paths.
        let svg = format!("<svg>{}</svg>", "<path d='M0 0'/>".repeat(5000));
        assert_eq!(flatten(&svg).dropped, 0);
    }

    /// Regression (found while testing hostile pages): 100,000 unclosed
    /// `<div>`s took 160 s to parse in a debug build.
    #[test]
    fn hundred_thousand_unclosed_divs_parse_fast_and_keep_their_link() {
        let page = format!(
            "<title>deep</title>{}<a href='/inside.html'>in</a>{}<a href='/after.html'>after</a>",
            "<div class=x>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let started = std::time::Instant::now();
        let f = flatten(&page);
        assert_eq!(f.dropped, 100_000 - MAX_OPEN);
        assert_eq!(links(&f.text), vec!["/inside.html", "/after.html"]);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    /// Regression: distinct formatting elements (`<b id=N>`) grow the list of
    /// active formatting elements without bound (22 s for 20,000).
    #[test]
    fn formatting_elements_are_bounded_too() {
        let page: String = (0..20_000).map(|i| format!("<b id={i}>x")).collect();
        let f = flatten(&page);
        assert_eq!(f.dropped, 20_000 - MAX_OPEN);
    }

    #[test]
    fn comments_scripts_and_quoted_brackets_are_not_tags() {
        let filler = "<!-- <div> -->".repeat(2000)
            + &"<script>document.write('<div>')</script>".repeat(2000)
            + &"<span title='a > <div>'>t</span>".repeat(2000);
        assert_eq!(flatten(&filler).dropped, 0);
    }

    #[test]
    fn dropped_tags_keep_the_text_and_the_rest_of_the_page() {
        let page = format!(
            "{}deep text{}<p>after</p>",
            "<section>".repeat(MAX_OPEN + 5),
            "</section>".repeat(MAX_OPEN + 5)
        );
        let f = flatten(&page);
        assert_eq!(f.dropped, 5);
        assert!(f.text.contains("deep text"));
        assert_eq!(f.text.matches("</section>").count(), MAX_OPEN);
        assert!(f.text.ends_with("<p>after</p>"));
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for s in [
            "<",
            "</",
            "<a",
            "<!--",
            "<script>",
            "<div x='",
            "<div\u{3000}>",
            "<дiv>",
            "<plaintext><div>",
        ] {
            let page = s.repeat(MAX_OPEN + 2);
            let _ = flatten(&page);
        }
    }
}
