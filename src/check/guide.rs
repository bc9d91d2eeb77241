//! 办事指南要素 (`guide_incomplete`): a service guide page that lacks required
//! elements (`[guide]` of the rules: 事项名称, 设定依据, 申请条件, 办理材料,
//! 办理地点, 办理时间, 联系电话, 办理流程, each with its synonyms).
//!
//! An element is present when one of its names stands as a label in the
//! page's visible text — at the start of a line (a table cell, a heading, after
//! numbering such as 一、 or （三）) or followed by a colon — and something
//! follows it other than the next label. Which pages are guides is the rules'
//! choice: URL patterns (judged on the page) or a required column (its listed
//! articles, judged at the end of the run from [`present`] masks).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::labels;
use crate::finding::{Certainty, Finding, FindingKind, Severity};
use crate::rules::checks::GuideElement;

/// Characters that may stand before a label on its line: numbering and
/// decoration (一、 （三） 1. ■).
fn numbering(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_digit()
        || c.is_ascii_punctuation()
        || "一二三四五六七八九十、．（）【】〔〕［］·•●■□◆◇★☆▲△○◎>》《|｜".contains(c)
}

/// How a label stands in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stands {
    /// Not as a label (inside a sentence).
    No,
    /// As a label with nothing after it but the next label: an empty slot.
    Bare,
    /// As a label with a value.
    Valued,
}

/// Most characters of a line read as a label when it ends with a colon
/// (咨询窗口：), not as a value.
const MAX_LABEL_LINE: usize = 8;

/// How `label` at `start..end` of `text` stands.
fn stands(text: &str, start: usize, end: usize, all: &[&str]) -> Stands {
    let line = labels::line_at(text, start);
    let line_start = text
        .get(..start)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let before = text.get(line_start..start).unwrap_or("");
    let at_line_start = before.chars().all(numbering);
    let colon = text
        .get(end..)
        .and_then(|a| a.chars().next())
        .is_some_and(|c| c == ':' || c == '：');
    if !(at_line_start || colon) || line.is_empty() {
        return Stands::No;
    }
    let value = labels::value_after(text, end, 2).trim();
    let label_line = value.chars().count() <= MAX_LABEL_LINE && value.ends_with([':', '：']);
    if value.is_empty() || label_line || all.iter().any(|l| value.starts_with(l)) {
        Stands::Bare
    } else {
        Stands::Valued
    }
}

/// What a guide page shows of each element: bit `i` of `present` when
/// `elements[i]` stands with a value, of `bare` when its label stands only
/// as an empty slot (a tab, a heading or a cell whose content a script fills
/// in, or left blank).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shown {
    /// Elements with a value.
    pub present: u32,
    /// Elements whose label stands without a value anywhere.
    pub bare: u32,
}

/// Most empty element slots of a page judged as written: with more, the page
/// is a shell whose content a script fills in (政务服务网 guide pages: tabs and
/// headings in the page, the values fetched), and is not judged.
const MAX_BARE: u32 = 1;

impl Shown {
    /// The mask the page is judged by: an empty slot is not missing (the
    /// reader cannot tell a blank cell from one a script fills), and a shell
    /// page, or a guide that links its document (PDF, Word), lacks nothing
    /// the reader can be sure of. None of the elements then counts missing.
    pub fn judged(self, elements: usize, links_document: bool) -> u32 {
        if links_document || self.bare.count_ones() > MAX_BARE {
            return if elements >= 32 {
                u32::MAX
            } else {
                (1u32 << elements) - 1
            };
        }
        self.present | self.bare
    }
}

/// Which elements `text` shows, with a value or as empty slots.
pub fn shown(text: &str, elements: &[GuideElement]) -> Shown {
    let all: Vec<&str> = elements
        .iter()
        .flat_map(|e| e.synonyms.iter().map(String::as_str))
        .collect();
    let mut out = Shown::default();
    for (i, e) in elements.iter().enumerate().take(32) {
        let mut best = Stands::No;
        for s in &e.synonyms {
            for (st, en) in labels::occurrences(text, s) {
                match stands(text, st, en, &all) {
                    Stands::Valued => best = Stands::Valued,
                    Stands::Bare if best == Stands::No => best = Stands::Bare,
                    _ => {}
                }
            }
        }
        match best {
            Stands::Valued => out.present |= 1 << i,
            Stands::Bare => out.bare |= 1 << i,
            Stands::No => {}
        }
    }
    out
}

/// Which elements `text` shows with a value: bit `i` set when `elements[i]`
/// is present.
pub fn present(text: &str, elements: &[GuideElement]) -> u32 {
    shown(text, elements).present
}

/// Whether a guide page links a document (PDF, Word, WPS, Excel) that may
/// hold its elements.
pub fn links_document(doc: &scraper::Html) -> bool {
    static LINK: std::sync::LazyLock<Option<scraper::Selector>> =
        std::sync::LazyLock::new(|| scraper::Selector::parse("a[href]").ok());
    let Some(sel) = LINK.as_ref() else {
        return false;
    };
    doc.select(sel).take(2_000).any(|a| {
        a.value().attr("href").is_some_and(|h| {
            let path = h
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            [".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx"]
                .iter()
                .any(|x| path.ends_with(x))
        })
    })
}

/// The names of the elements missing from `mask`.
pub fn missing(mask: u32, elements: &[GuideElement]) -> Vec<&str> {
    elements
        .iter()
        .enumerate()
        .take(32)
        .filter(|(i, _)| mask & (1 << i) == 0)
        .map(|(_, e)| e.name.as_str())
        .collect()
}

/// The finding for a guide page missing `missing` of `total` elements, at
/// error when `missing` reaches `error_at` (the count the national veto
/// counts a guide by), else a warning. None when nothing is missing.
pub fn finding(
    page: &str,
    title: &str,
    missing: &[&str],
    total: usize,
    error_at: usize,
) -> Option<Finding> {
    if missing.is_empty() {
        return None;
    }
    let severity = if missing.len() >= error_at.max(1) {
        Severity::Error
    } else {
        Severity::Warning
    };
    Some(
        Finding::new(
            FindingKind::GuideIncomplete,
            page,
            format!(
                "the guide lacks {} of {total} required elements: {}",
                missing.len(),
                missing.join("、")
            ),
        )
        .severity(severity)
        .certainty(Certainty::Suspected)
        .text(title)
        .element("办事指南"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::checks::{GuideSection, Section};

    fn elements() -> Vec<GuideElement> {
        GuideSection::defaults().elements
    }

    fn missing_in(text: &str) -> Vec<String> {
        let e = elements();
        missing(present(text, &e), &e)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn a_complete_table_guide_with_synonyms() {
        let text = "专利权质押登记办事指南\n事项名称\n专利权质押登记\n设定依据\n《专利权质押登记办法》\n\
                    受理条件\n出质人与质权人订立书面合同\n申请材料\n1. 申请表\n办理地点\n市民中心三楼\n\
                    办理时间\n工作日 9:00-17:00\n咨询电话\n021-12345678\n办理流程\n受理、审查、登记\n";
        assert!(missing_in(text).is_empty(), "{:?}", missing_in(text));
    }

    #[test]
    fn numbered_headings_and_colons() {
        let text = "一、事项名称：专利费用减缴\n二、设定依据：《专利收费减缴办法》\n（三）申请条件\n个人年收入低于…\n\
                    四、办理材料：减缴请求书\n五、办理地点：受理大厅\n六、办理时间：工作日\n七、联系电话：12345\n";
        assert_eq!(missing_in(text), ["办理流程"]);
    }

    #[test]
    fn words_in_sentences_and_empty_labels_are_not_elements() {
        // 依据 inside a sentence, an empty 办理流程 cell followed by the next label.
        let text = "事项名称\n资助申请\n本事项依据《资助办法》办理，申请条件见附件。\n办理流程\n联系电话\n12345\n";
        assert_eq!(
            missing_in(text),
            [
                "设定依据",
                "申请条件",
                "办理材料",
                "办理地点",
                "办理时间",
                "办理流程"
            ]
        );
    }

    #[test]
    fn a_combined_place_and_time_heading_names_both() {
        let base = "事项名称\n资助申请\n设定依据\n《资助办法》\n申请条件\n本市企业\n\
                    申请材料\n申请表\n联系电话\n12345\n办理流程\n受理、审查\n";
        for label in ["办理地点及时间：", "办理地点/时间\n", "受理时间和地点："]
        {
            let text = format!("{base}{label}市民中心三楼，工作日9:00-17:00\n");
            assert!(
                missing_in(&text).is_empty(),
                "{label}: {:?}",
                missing_in(&text)
            );
        }
        // Alone, each still leaves the other missing.
        let text = format!("{base}办理地点：市民中心三楼\n");
        assert_eq!(missing_in(&text), ["办理时间"]);
    }

    fn judged_missing(text: &str, links_document: bool) -> Vec<String> {
        let e = elements();
        let m = shown(text, &e).judged(e.len(), links_document);
        missing(m, &e).into_iter().map(str::to_string).collect()
    }

    #[test]
    fn a_script_filled_shell_with_tabs_and_empty_headings_is_not_judged() {
        // A 政务服务网 item page: tab names, then section headings whose
        // contents a script fetches; a person sees a full guide.
        let text = "概要信息\n受理条件\n申请材料\n审批环节\n办理流程\n收费依据\n法律依据\n热点问答\n                    概要信息\n申请材料\n审批环节\n环节 时限 是否收费\n现场审核\n办理流程\n收费依据\n免费\n                    咨询途径\n咨询电话：\n咨询地址：\n投诉电话：\n";
        let e = elements();
        let s = shown(text, &e);
        assert!(s.bare.count_ones() >= 2, "{s:?}");
        // Read as written it would lack 事项名称, 申请条件, 办理地点, 办理时间 …
        assert!(missing(s.present, &e).len() >= 4);
        // … but the reader cannot be sure of any of them.
        assert!(judged_missing(text, false).is_empty());
    }

    #[test]
    fn one_empty_slot_is_not_missing_and_absent_elements_still_are() {
        let text = "事项名称\n资助申请\n设定依据\n《资助办法》\n申请条件\n申请材料\n申请表\n                    办理地点\n服务中心\n联系电话\n12345\n";
        // 申请条件 is an empty slot: unsure; 办理时间 and 办理流程 are absent.
        assert_eq!(judged_missing(text, false), ["办理时间", "办理流程"]);
        // A guide that links its document (the elements may be in it).
        assert!(judged_missing(text, true).is_empty());
        let doc = scraper::Html::parse_document(
            "<a href=\"/u/zn.PDF?v=1\">指南全文</a><a href=\"/bszn/\">返回</a>",
        );
        assert!(links_document(&doc));
        let doc = scraper::Html::parse_document("<a href=\"/bszn/pdf.html\">指南</a>");
        assert!(!links_document(&doc));
    }

    #[test]
    fn severity_follows_the_veto_count() {
        let f = finding("p", "指南", &["设定依据", "办理流程"], 8, 4).unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("2 of 8") && f.detail.contains("设定依据、办理流程"));
        let f = finding("p", "指南", &["a", "b", "c", "d"], 8, 4).unwrap();
        assert_eq!(f.severity, Severity::Error);
        assert!(finding("p", "指南", &[], 8, 4).is_none());
    }
}
