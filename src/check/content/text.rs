//! One walk over a parsed page: the text a visitor sees, and what the content
//! checks need besides (table cells, number-bearing attributes, images without
//! alt, `<html lang>`, `<title>`, `<base href>`).
//!
//! Visible text skips `head`, `script`, `style`, `noscript`, `template`,
//! `iframe` and comments. Whitespace runs (including `&nbsp;` and the
//! ideographic space) collapse to one space, as a browser shows them; block
//! elements and `<br>` end a line (`\n`), so words and numbers never join
//! across table cells, paragraphs or list items. Text hidden by CSS is kept:
//! it is still published. The walk is iterative (no recursion), so deeply
//! nested hostile HTML cannot overflow the stack.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Elements whose content a visitor never sees as page text.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "head" | "script" | "style" | "noscript" | "template" | "iframe" | "title"
    )
}

/// Elements that start and end a line of text.
fn block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "frameset"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "marquee"
            | "menu"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "select"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

/// Attributes searched for personal numbers (besides `data-*`).
fn number_attr(name: &str) -> bool {
    matches!(name, "value" | "title" | "alt" | "placeholder") || name.starts_with("data-")
}

/// An attribute value that may hold a personal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrText<'a> {
    /// Element name.
    pub element: &'a str,
    /// Attribute name.
    pub attr: &'a str,
    /// The value as written.
    pub value: &'a str,
}

/// An `<img>` without an `alt` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImgNoAlt<'a> {
    /// `src`, else a lazy-loading `data-src` / `data-original`, as written.
    pub src: Option<&'a str>,
}

/// What one walk over a page yields.
#[derive(Debug, Default)]
pub struct Walk<'a> {
    /// The visible text.
    pub text: String,
    /// Where the innermost table cell changes: from this byte offset of `text`
    /// on, text is inside this cell element (`td`/`th`) or outside any cell.
    /// Offsets never decrease, so lookups are binary searches.
    pub cells: Vec<(usize, Option<&'static str>)>,
    /// Attribute values with at least 11 ASCII digits (only filled by [`Walk::full`]).
    pub attrs: Vec<AttrText<'a>>,
    /// Images without alt, in document order (only filled by [`Walk::full`]).
    pub images: Vec<ImgNoAlt<'a>>,
    /// The first `<title>`'s text, whitespace collapsed.
    pub title: Option<String>,
    /// Whether the root `<html>` has a non-empty `lang` (or `xml:lang`).
    pub has_lang: bool,
    /// The first `<base href>`.
    pub base_href: Option<&'a str>,
}

impl<'a> Walk<'a> {
    /// Visible text only.
    pub fn text_only(doc: &'a Html) -> Walk<'a> {
        Walk::run(doc, false)
    }

    /// Everything the content checks need.
    pub fn full(doc: &'a Html) -> Walk<'a> {
        Walk::run(doc, true)
    }

    fn run(doc: &'a Html, full: bool) -> Walk<'a> {
        let mut w = Walk::default();
        let mut out = TextBuf::default();
        let mut skip = 0usize; // depth inside skipped elements
        let mut svg = 0usize; // depth inside <svg>/<math> (their <title> is not the page's)
        let mut pre = 0usize;
        let mut title: Option<TextBuf> = None; // inside the page's <title>
        let mut cell_stack: Vec<&'static str> = Vec::new();
        let mut seen_html = false;

        for edge in doc.tree.root().traverse() {
            match edge {
                Edge::Open(node) => match node.value() {
                    Node::Element(el) => {
                        let name = el.name();
                        if name == "html" && !seen_html {
                            seen_html = true;
                            w.has_lang = ["lang", "xml:lang"]
                                .iter()
                                .any(|a| el.attr(a).is_some_and(|v| !v.trim().is_empty()));
                        }
                        if name == "base" && w.base_href.is_none() {
                            w.base_href = el.attr("href");
                        }
                        if name == "svg" || name == "math" {
                            svg += 1;
                        }
                        if name == "title" && svg == 0 && w.title.is_none() && title.is_none() {
                            title = Some(TextBuf::default());
                        }
                        if skipped(name) {
                            skip += 1;
                            continue;
                        }
                        if skip > 0 {
                            continue;
                        }
                        if block(name) {
                            out.line_break();
                        }
                        if name == "pre" {
                            pre += 1;
                        }
                        if name == "td" || name == "th" {
                            let tag = if name == "td" { "td" } else { "th" };
                            cell_stack.push(tag);
                            w.cells.push((out.s.len(), Some(tag)));
                        }
                        if full {
                            if name == "img" && el.attr("alt").is_none() {
                                let src = el
                                    .attr("src")
                                    .or_else(|| el.attr("data-src"))
                                    .or_else(|| el.attr("data-original"));
                                w.images.push(ImgNoAlt { src });
                            }
                            for (attr, value) in el.attrs() {
                                if number_attr(attr)
                                    && value.bytes().filter(u8::is_ascii_digit).count() >= 11
                                {
                                    w.attrs.push(AttrText {
                                        element: name,
                                        attr,
                                        value,
                                    });
                                }
                            }
                        }
                    }
                    Node::Text(t) => {
                        if let Some(tb) = title.as_mut() {
                            tb.push_text(t, false);
                        } else if skip == 0 {
                            out.push_text(t, pre > 0);
                        }
                    }
                    _ => {}
                },
                Edge::Close(node) => {
                    if let Node::Element(el) = node.value() {
                        let name = el.name();
                        if name == "svg" || name == "math" {
                            svg = svg.saturating_sub(1);
                        }
                        if name == "title"
                            && svg == 0
                            && let Some(tb) = title.take()
                        {
                            w.title = Some(tb.s.trim().to_string());
                        }
                        if skipped(name) {
                            skip = skip.saturating_sub(1);
                            continue;
                        }
                        if skip > 0 {
                            continue;
                        }
                        if name == "td" || name == "th" {
                            cell_stack.pop();
                            w.cells.push((out.s.len(), cell_stack.last().copied()));
                        }
                        if name == "pre" {
                            pre = pre.saturating_sub(1);
                        }
                        if block(name) {
                            out.line_break();
                        }
                    }
                }
            }
        }
        let mut text = out.s;
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
        w.text = text;
        w
    }

    /// The table cell element (`td`/`th`) holding byte `offset` of the text, if any.
    pub fn cell_at(&self, offset: usize) -> Option<&'static str> {
        let i = self.cells.partition_point(|(o, _)| *o <= offset);
        i.checked_sub(1)
            .and_then(|i| self.cells.get(i))
            .and_then(|(_, tag)| *tag)
    }
}

/// Text under construction with whitespace collapsing.
#[derive(Default)]
struct TextBuf {
    s: String,
    space: bool,
}

impl TextBuf {
    fn push_text(&mut self, t: &str, pre: bool) {
        let mut rest = t;
        while let Some(c) = rest.chars().next() {
            if c.is_whitespace() {
                if pre && c == '\n' {
                    self.line_break();
                } else {
                    self.space = true;
                }
                rest = rest.get(c.len_utf8()..).unwrap_or_default();
                continue;
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            if self.space && !self.s.is_empty() && !self.s.ends_with('\n') {
                self.s.push(' ');
            }
            self.space = false;
            self.s.push_str(rest.get(..end).unwrap_or_default());
            rest = rest.get(end..).unwrap_or_default();
        }
    }

    fn line_break(&mut self) {
        self.space = false;
        if !self.s.is_empty() && !self.s.ends_with('\n') {
            self.s.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        Walk::text_only(&Html::parse_document(html)).text
    }

    #[test]
    fn skips_invisible_parts() {
        let t = text(
            "<html><head><title>标题</title><style>p{color:red}</style>\
             <script>var a='脚本';</script></head><body>\
             <p>第一段<!-- 注释 --></p><script>document.write('写入')</script>\
             <noscript>请启用脚本</noscript><template><p>模板</p></template>\
             <p title=\"属性\">第二段</p><iframe>框架</iframe></body></html>",
        );
        assert_eq!(t, "第一段\n第二段");
    }

    #[test]
    fn blocks_break_lines_and_inline_joins() {
        let t = text(
            "<body><div>中华<span>人民</span><b>共和国</b></div>\
             <table><tr><td>138</td><td>1234</td><td> 5678 </td></tr></table>\
             <ul><li>甲</li><li>乙<br>丙</li></ul></body>",
        );
        assert_eq!(t, "中华人民共和国\n138\n1234\n5678\n甲\n乙\n丙");
    }

    #[test]
    fn collapses_whitespace_including_nbsp_and_ideographic_space() {
        let t = text("<p>\u{3000}\u{3000}电话：\n 138&nbsp;1234\u{3000}5678  。</p>");
        assert_eq!(t, "电话： 138 1234 5678 。");
    }

    #[test]
    fn pre_keeps_lines() {
        assert_eq!(text("<pre>甲  乙\n丙</pre>"), "甲 乙\n丙");
    }

    #[test]
    fn records_cells_title_lang_base_images_attrs() {
        let doc = Html::parse_document(
            "<html lang=\"zh-CN\"><head><title> 通知\n公告 </title><base href=\"/a/\"></head><body>\
             <svg><title>图标</title></svg><p>正文</p>\
             <table><tr><th>姓名</th><td>张三</td></tr></table>\
             <img src=\"a.png\"><img src=\"b.png\" alt=\"\"><img data-src=\"c.png\">\
             <input value=\"13812345678\"><span data-tel=\"138 1234 5678\" data-x=\"12\"></span>\
             <noscript><img src=\"n.png\"></noscript></body></html>",
        );
        let w = Walk::full(&doc);
        assert_eq!(w.title.as_deref(), Some("通知 公告"));
        assert!(w.has_lang);
        assert_eq!(w.base_href, Some("/a/"));
        // An SVG <title> is a tooltip: neither page text nor the page title.
        assert_eq!(w.text, "正文\n姓名\n张三");
        let zs = w.text.find("张三").unwrap();
        assert_eq!(w.cell_at(zs), Some("td"));
        assert_eq!(w.cell_at(w.text.find("姓名").unwrap()), Some("th"));
        assert_eq!(w.cell_at(w.text.find("正文").unwrap()), None);
        assert_eq!(w.cell_at(w.text.len()), None);

        assert_eq!(
            w.images,
            vec![
                ImgNoAlt { src: Some("a.png") },
                ImgNoAlt { src: Some("c.png") }
            ]
        );
        let attrs: Vec<_> = w.attrs.iter().map(|a| (a.element, a.attr)).collect();
        assert_eq!(attrs, vec![("input", "value"), ("span", "data-tel")]);
    }

    #[test]
    fn nested_table_cells() {
        // Nested tables: text after an inner table is still in the outer cell.
        let doc = Html::parse_document(
            "<p>前</p><table><tr><th>甲<table><tr><td>乙</td></tr></table>丙</th></tr></table>后",
        );
        let w = Walk::full(&doc);
        assert_eq!(w.text, "前\n甲\n乙\n丙\n后");
        let at = |s: &str| w.cell_at(w.text.find(s).unwrap());
        assert_eq!(
            ["前", "甲", "乙", "丙", "后"].map(at),
            [None, Some("th"), Some("td"), Some("th"), None]
        );
    }

    #[test]
    fn missing_lang_and_title() {
        let facts = |html: &str| {
            let doc = Html::parse_document(html);
            let w = Walk::full(&doc);
            (w.has_lang, w.title.clone())
        };
        assert_eq!(
            facts("<html lang=\" \"><head><title>  </title></head><body>x</body></html>"),
            (false, Some(String::new()))
        );
        assert_eq!(facts("<p>x</p>"), (false, None));
        assert_eq!(
            facts("<html xml:lang=\"zh-CN\"><title>t</title></html>"),
            (true, Some("t".into()))
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // Built directly (parsing this deep is quadratic in html5ever): a
        // recursive walk would overflow the stack at this depth.
        let mut doc = Html::new_document();
        let mut id = doc.tree.root().id();
        for _ in 0..300_000 {
            let mut node = doc.tree.get_mut(id).unwrap();
            id = node.append(Node::Fragment).id();
        }
        let mut node = doc.tree.get_mut(id).unwrap();
        node.append(Node::Text(scraper::node::Text { text: "深".into() }));
        assert_eq!(Walk::full(&doc).text, "深");
        // Dropping a deep ego_tree is iterative too; keep it in the test.
        drop(doc);
        let html = format!("{}浅{}", "<div>".repeat(2_000), "</div>".repeat(2_000));
        assert!(text(&html).contains('浅'));
    }
}
