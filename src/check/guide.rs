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

/// Whether `label` at `start..end` of `text` stands as a label with a value.
fn labelled(text: &str, start: usize, end: usize, all: &[&str]) -> bool {
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
        return false;
    }
    let value = labels::value_after(text, end, 2).trim();
    !value.is_empty() && !all.iter().any(|l| value.starts_with(l))
}

/// Which elements `text` shows: bit `i` set when `elements[i]` is present.
pub fn present(text: &str, elements: &[GuideElement]) -> u32 {
    let all: Vec<&str> = elements
        .iter()
        .flat_map(|e| e.synonyms.iter().map(String::as_str))
        .collect();
    let mut mask = 0u32;
    for (i, e) in elements.iter().enumerate().take(32) {
        let found = e
            .synonyms
            .iter()
            .any(|s| labels::occurrences(text, s).any(|(st, en)| labelled(text, st, en, &all)));
        if found {
            mask |= 1 << i;
        }
    }
    mask
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
    fn severity_follows_the_veto_count() {
        let f = finding("p", "指南", &["设定依据", "办理流程"], 8, 4).unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("2 of 8") && f.detail.contains("设定依据、办理流程"));
        let f = finding("p", "指南", &["a", "b", "c", "d"], 8, 4).unwrap();
        assert_eq!(f.severity, Severity::Error);
        assert!(finding("p", "指南", &[], 8, 4).is_none());
    }
}
