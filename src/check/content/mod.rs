//! Content checks on one decoded page: 隐私泄露 ([`privacy`]), 严重错误 word
//! lists ([`words`]), 无障碍 ([`a11y`]) and 访问缓慢 (here).
//!
//! Input: a [`PageView`] (already decoded, so GBK pages are checked like UTF-8
//! ones) and the compiled [`Rules`]. Output: findings. The page is walked once
//! ([`text::Walk`]); the word list and everything else were compiled once in
//! [`crate::rules::content::Content::compile`].
//!
//! Identity: several findings of one kind can sit on one page. Their
//! `link_text` carries what tells them apart and stays stable across runs: the
//! masked number (privacy), the matched wrong text (forbidden text); for
//! images the `target_url` is the image, and the page-level accessibility
//! findings differ by `element` (`html@lang`, `title`).

pub mod a11y;
pub mod privacy;
pub mod text;
pub mod words;

use super::PageView;
use crate::finding::{Certainty, Finding, FindingKind, Severity};
use crate::rules::Rules;
use crate::rules::content::Content;
use chrono::NaiveDate;
use privacy::{Found, NumberKind, Scan};
use scraper::Html;
use std::collections::HashSet;
use text::Walk;

/// Every content finding on one page.
pub fn check(view: &PageView, rules: &Rules) -> Vec<Finding> {
    check_on(view, rules, chrono::Local::now().date_naive())
}

/// [`check`] with a fixed "today" (birth dates after it are implausible).
pub fn check_on(view: &PageView, rules: &Rules, today: NaiveDate) -> Vec<Finding> {
    check_walk(view, rules, today, &Walk::full(view.doc))
}

/// [`check_on`] over a walk the caller already made with [`Walk::full`]
/// (the crawl reuses its text for the soft-404 check).
pub fn check_walk(view: &PageView, rules: &Rules, today: NaiveDate, walk: &Walk) -> Vec<Finding> {
    let c = &rules.content;
    let page = view.final_url.as_str();
    let mut out = Vec::new();
    out.extend(privacy_findings(page, walk, c, today));
    if c.forbidden_text {
        out.extend(words::check(
            page,
            &walk.text,
            walk.title.as_deref(),
            &c.forbidden,
            words::When {
                today,
                published: || published(view, today),
            },
        ));
    }
    if c.accessibility {
        out.extend(a11y::check(
            page,
            view.final_url,
            walk,
            c.max_images_per_page,
        ));
    }
    out.extend(slow_page(
        page,
        view.elapsed_ms,
        rules.thresholds.slow_page_ms,
    ));
    out
}

/// The page's own publication date, as the column checks read an article's:
/// the `PubDate` meta tag, else the visible 发布日期 block, else the date in
/// its URL (TRS `t20260520_…`); the first that is plausible as of `today`.
pub fn published(view: &PageView, today: NaiveDate) -> Option<NaiveDate> {
    let ok = |d: &NaiveDate| super::dates::plausible(*d, today);
    super::columns::page::meta(view.doc)
        .pubdate
        .filter(ok)
        .or_else(|| super::columns::page::published_block(view.source).filter(ok))
        .or_else(|| super::dates::from_url(view.final_url.as_str()).filter(ok))
}

/// The text a visitor sees: no scripts, styles, `noscript`, templates,
/// comments or `<head>`; whitespace collapsed; block elements (paragraphs,
/// table cells, list items, `<br>` …) end a line. One pass over the tree.
pub fn visible_text(doc: &Html) -> String {
    Walk::text_only(doc).text
}

fn privacy_findings(page: &str, walk: &Walk, c: &Content, today: NaiveDate) -> Vec<Finding> {
    let scan = Scan {
        ids: c.id_numbers,
        mobiles: c.mobile_numbers,
        cards: c.bank_cards,
        today,
    };
    if !(scan.ids || scan.mobiles || scan.cards) {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut report = |f: Found, element: String| {
        if c.is_allowed(&f.digits) {
            return;
        }
        let masked = privacy::mask(f.kind, &f.digits);
        if !seen.insert(masked.clone()) {
            return;
        }
        let (certainty, note) = match f.kind {
            NumberKind::IdCard => (Certainty::Confirmed, "（校验位与出生日期有效）"),
            NumberKind::Mobile => (
                Certainty::Suspected,
                "（如为公开的服务电话，可加入规则 [content] allow）",
            ),
            NumberKind::BankCard => (Certainty::Suspected, "（Luhn 校验通过）"),
        };
        out.push(
            Finding::new(
                FindingKind::PrivacyLeak,
                page,
                format!("{} {masked}{note}", f.kind.zh()),
            )
            .severity(Severity::Error)
            .certainty(certainty)
            .text(masked)
            .element(element),
        );
    };
    let found = privacy::find(&walk.text, &scan);
    let contacts = contact_numbers(&walk.text, walk, &found, &c.contacts);
    for (f, contact) in found.into_iter().zip(contacts) {
        if contact {
            continue;
        }
        let element = walk.cell_at(f.start).unwrap_or("text").to_string();
        report(f, element);
    }
    if let Some(t) = &walk.title {
        for f in privacy::find(t, &scan) {
            report(f, "title".into());
        }
    }
    for a in &walk.attrs {
        for f in privacy::find(a.value, &scan) {
            report(f, format!("{}@{}", a.element, a.attr));
        }
    }
    out
}

/// Which of `found` (in `text`) are contact numbers published on purpose, not
/// reported: mobiles labelled as contacts ([`privacy::labelled`]), unless they
/// stand in a list of persons: a table whose cells hold several personal
/// numbers, a line that also holds an ID number, or more labelled numbers on
/// the page than a notice has contacts.
fn contact_numbers(
    text: &str,
    walk: &Walk,
    found: &[Found],
    c: &crate::rules::content::Contacts,
) -> Vec<bool> {
    let in_cell = |f: &Found| walk.cell_at(f.start).is_some();
    let line_of = |f: &Found| {
        let before = text.get(..f.start).unwrap_or_default();
        before.matches('\n').count()
    };
    let personal = |f: &&Found| matches!(f.kind, NumberKind::Mobile | NumberKind::IdCard);
    let persons_table =
        found.iter().filter(personal).filter(|f| in_cell(f)).count() >= c.table_numbers;
    let id_lines: HashSet<usize> = found
        .iter()
        .filter(|f| f.kind == NumberKind::IdCard)
        .map(line_of)
        .collect();
    let contact: Vec<bool> = found
        .iter()
        .map(|f| {
            f.kind == NumberKind::Mobile
                && !(persons_table && in_cell(f))
                && !id_lines.contains(&line_of(f))
                && privacy::labelled(text, f.start, c)
        })
        .collect();
    if contact.iter().filter(|x| **x).count() > c.max_per_page {
        return vec![false; found.len()];
    }
    contact
}

/// `slow_page` when the fetch took longer than the threshold (0 turns it off).
fn slow_page(page: &str, elapsed_ms: u64, threshold_ms: u64) -> Option<Finding> {
    (threshold_ms > 0 && elapsed_ms > threshold_ms).then(|| {
        Finding::new(
            FindingKind::SlowPage,
            page,
            format!("{} (threshold {})", secs(elapsed_ms), secs(threshold_ms)),
        )
        .severity(Severity::Warning)
        .certainty(Certainty::Suspected)
    })
}

/// `3.2 s`, `10 s`: seconds to one decimal, `.0` dropped.
fn secs(ms: u64) -> String {
    let tenths = ms.saturating_add(50) / 100;
    if tenths.is_multiple_of(10) {
        format!("{} s", tenths / 10)
    } else {
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ExtractedPage;
    use std::path::Path;
    use url::Url;

    const PRIVACY: &str = include_str!("../../../tests/fixtures/content/privacy.html");
    const WORDS: &str = include_str!("../../../tests/fixtures/content/forbidden.html");
    const A11Y: &str = include_str!("../../../tests/fixtures/content/a11y.html");
    const CLEAN: &str = include_str!("../../../tests/fixtures/content/clean.html");
    const GBK: &[u8] = include_bytes!("../../../tests/fixtures/content/gbk.html");

    fn rules(content: &str) -> Rules {
        let text =
            format!("[site]\nstart_urls = [\"https://www.example.gov.cn/\"]\n[content]\n{content}");
        Rules::from_toml(&text, Path::new("x.toml")).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn run_ms(html: &str, rules: &Rules, elapsed_ms: u64) -> Vec<Finding> {
        let url =
            Url::parse("https://www.example.gov.cn/zwgk/gsgg/202405/t20240510_1234.html").unwrap();
        let doc = Html::parse_document(html);
        let extracted = ExtractedPage::default();
        let view = PageView {
            url: &url,
            final_url: &url,
            doc: &doc,
            source: html,
            extracted: &extracted,
            elapsed_ms,
            depth: 2,
        };
        check_on(&view, rules, today())
    }

    fn run(html: &str, rules: &Rules) -> Vec<Finding> {
        run_ms(html, rules, 300)
    }

    fn of(f: &[Finding], kind: FindingKind) -> Vec<(String, String)> {
        f.iter()
            .filter(|f| f.kind == kind)
            .map(|f| (f.link_text.clone(), f.element.clone()))
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn privacy_fixture() {
        let f = run(PRIVACY, &rules(""));
        assert_eq!(
            of(&f, FindingKind::PrivacyLeak),
            pairs(&[
                ("3101**********1234", "td"),
                ("139****8888", "td"),
                ("1101**********002X", "td"),
                ("4403**********4561", "input@value"),
                ("3205**********9876", "span@data-idcard"),
            ])
        );
        let id = f
            .iter()
            .find(|f| f.link_text == "3101**********1234")
            .unwrap();
        assert_eq!(id.certainty, Certainty::Confirmed);
        assert_eq!(id.severity, Severity::Error);
        assert_eq!(
            id.detail,
            "身份证号 3101**********1234（校验位与出生日期有效）"
        );
        assert_eq!(
            id.page_url,
            "https://www.example.gov.cn/zwgk/gsgg/202405/t20240510_1234.html"
        );
        let m = f.iter().find(|f| f.link_text == "139****8888").unwrap();
        assert_eq!(
            (m.severity, m.certainty),
            (Severity::Error, Certainty::Suspected)
        );
        // The notice's contact (「联系人：王老师，手机：13812345678」) is
        // published on purpose: not a leak.
        assert!(!f.iter().any(|x| x.link_text == "138****5678"), "{f:#?}");
        // The full number never appears in a finding.
        for x in &f {
            for full in [
                "310115198503121234",
                "13812345678",
                "13988888888",
                "440306199007154561",
            ] {
                assert!(!format!("{x:?}").contains(full), "{x:?}");
            }
        }
        // The page's look-alikes are quiet: wrong check digit, 19990230, longer
        // runs, masked numbers, the hotline 12345 and amounts. Cards are off.
        assert!(!f.iter().any(|x| x.link_text.starts_with("6222")));
    }

    #[test]
    fn contact_numbers_are_not_leaks_but_lists_of_persons_are() {
        let page = |body: &str| {
            format!("<html lang=\"zh\"><head><title>公示</title></head><body>{body}</body></html>")
        };
        let leaks = |body: &str| -> Vec<String> {
            of(&run(&page(body), &rules("")), FindingKind::PrivacyLeak)
                .into_iter()
                .map(|(t, _)| t)
                .collect()
        };
        // A notice's labelled contacts.
        assert!(
            leaks("<p>联系方式：张三，联系电话13912345678；李四，手机：13812345678。</p>")
                .is_empty()
        );
        // A table of persons with phones: every number, labelled or not.
        let table = "<table><tr><th>姓名</th><th>联系电话</th></tr>\
                     <tr><td>王某</td><td>13700001111</td></tr>\
                     <tr><td>赵某</td><td>联系电话：13600002222</td></tr></table>";
        assert_eq!(leaks(table), vec!["137****1111", "136****2222"]);
        // The two side by side: only the table's.
        let both = format!("<p>联系人：张三，联系电话13912345678</p>{table}");
        assert_eq!(leaks(&both), vec!["137****1111", "136****2222"]);
        // One contact in a table of its own (label cell, number cell) is a contact.
        assert!(leaks("<table><tr><td>联系电话</td><td>13912345678</td></tr></table>").is_empty());
        // A person's record on one line: the ID and the phone.
        assert_eq!(
            leaks("<p>申请人张三，身份证号310115198503121234，联系电话13912345678</p>"),
            vec!["3101**********1234", "139****5678"]
        );
        // More labelled numbers than a notice has contacts: a list of persons.
        let list: String = (0..5)
            .map(|i| format!("<li>低保户{i}，联系电话1391234567{i}</li>"))
            .collect();
        assert_eq!(leaks(&format!("<ul>{list}</ul>")).len(), 5);
        // Unlabelled: reported as before.
        assert_eq!(leaks("<p>张三 13912345678</p>"), vec!["139****5678"]);
    }

    #[test]
    fn privacy_switches_and_allow_list() {
        let f = run(
            PRIVACY,
            &rules("allow = [\"139-8888-8888\", \"13812345678\"]\nbank_cards = true\n"),
        );
        let got = of(&f, FindingKind::PrivacyLeak);
        assert!(
            !got.iter()
                .any(|(t, _)| t.starts_with("139") || t.starts_with("138")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(t, e)| t == "622202*********6789" && e == "td"),
            "{got:?}"
        );

        let f = run(
            PRIVACY,
            &rules("id_numbers = false\nmobile_numbers = false\n"),
        );
        assert!(of(&f, FindingKind::PrivacyLeak).is_empty());
    }

    #[test]
    fn allow_listed_hotline_is_reported_without_the_list() {
        let html = "<html lang=\"zh\"><title>t</title><p>咨询热线：13912345678</p></html>";
        assert_eq!(
            of(&run(html, &rules("")), FindingKind::PrivacyLeak).len(),
            1
        );
        let f = run(html, &rules("allow = [\"12345\", \"13912345678\"]\n"));
        assert!(of(&f, FindingKind::PrivacyLeak).is_empty());
    }

    #[test]
    fn forbidden_fixture_matches_visible_text_only() {
        let f = run(WORDS, &rules(""));
        let got = of(&f, FindingKind::ForbiddenText);
        assert_eq!(
            got,
            pairs(&[
                ("中华人民共合国", "title"),
                ("社会主意", "text"),
                ("国家工商行政管理总局商标局", "text"),
                ("质监局", "text"),
            ]),
        );
        let wrong = f.iter().find(|f| f.link_text == "中华人民共合国").unwrap();
        assert!(
            wrong.detail.contains("建议：「中华人民共和国」"),
            "{}",
            wrong.detail
        );
        assert!(wrong.detail.contains("（共 2 处）"), "{}", wrong.detail);
        let tm = f
            .iter()
            .find(|f| f.link_text == "国家工商行政管理总局商标局")
            .unwrap();
        assert_eq!(tm.certainty, Certainty::Suspected);
        assert!(
            tm.detail.contains("建议：「国家知识产权局商标局」"),
            "{}",
            tm.detail
        );
        // Switch off.
        let f = run(WORDS, &rules("forbidden_text = false\n"));
        assert!(of(&f, FindingKind::ForbiddenText).is_empty());
    }

    #[test]
    fn a11y_fixture() {
        let f = run(A11Y, &rules(""));
        let got: Vec<_> = f
            .iter()
            .filter(|f| f.kind == FindingKind::MissingAlt)
            .map(|f| (f.element.as_str(), f.target_url.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("html@lang", ""),
                ("title", ""),
                (
                    "img@src",
                    "https://www.example.gov.cn/images/banner_2024.jpg"
                ),
                (
                    "img@src",
                    "https://www.example.gov.cn/zwgk/gsgg/202405/W020240510.png"
                ),
            ]
        );
        let f = run(A11Y, &rules("accessibility = false\n"));
        assert!(of(&f, FindingKind::MissingAlt).is_empty());
    }

    #[test]
    fn clean_page_has_no_findings() {
        let f = run(CLEAN, &rules("bank_cards = true\n"));
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn gbk_page_is_checked_like_utf8() {
        // Saved as GBK bytes; decoding shows real Chinese, not mojibake.
        let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        let (gbk_word, _, _) = encoding_rs::GBK.encode("上海市知识产权局");
        assert!(contains(GBK, &gbk_word));
        assert!(!contains(GBK, "上海市知识产权局".as_bytes()));
        let (text, _, bad) = encoding_rs::GBK.decode(GBK);
        assert!(!bad);
        let f = run(&text, &rules(""));
        assert_eq!(
            of(&f, FindingKind::PrivacyLeak),
            pairs(&[("3101**********1234", "td")])
        );
        assert_eq!(
            of(&f, FindingKind::ForbiddenText),
            pairs(&[("国家工商总局", "text")])
        );
        assert!(of(&f, FindingKind::MissingAlt).is_empty());
        let doc = Html::parse_document(&text);
        assert!(visible_text(&doc).contains("上海市知识产权局"));
    }

    #[test]
    fn slow_pages() {
        let r = rules("");
        let f = run_ms(CLEAN, &r, 12_345);
        let slow: Vec<_> = f
            .iter()
            .filter(|f| f.kind == FindingKind::SlowPage)
            .collect();
        assert_eq!(slow.len(), 1);
        assert_eq!(slow[0].detail, "12.3 s (threshold 10 s)");
        assert_eq!(slow[0].severity, Severity::Warning);
        // At or under the threshold: nothing.
        assert!(run_ms(CLEAN, &r, 10_000).is_empty());
        assert!(run_ms(CLEAN, &r, 9_999).is_empty());
        assert_eq!(secs(3_200), "3.2 s");
        assert_eq!(secs(10_000), "10 s");
        assert_eq!(secs(999), "1 s");
        assert!(secs(u64::MAX).ends_with(" s"));
        // Threshold 0 turns the check off.
        assert!(slow_page("p", 50_000, 0).is_none());
    }

    #[test]
    fn visible_text_skips_scripts_and_comments() {
        let doc = Html::parse_document(WORDS);
        let t = visible_text(&doc);
        assert!(!t.contains("var "));
        assert!(!t.contains("color:"));
        assert!(!t.contains("旧版说明"));
        assert!(t.contains("社会主意"));
    }
}
