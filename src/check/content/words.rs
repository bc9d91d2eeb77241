//! 严重错误: text from the rules' word lists in the visible text and `<title>`.
//!
//! One finding per (page, entry): the first occurrence with ~15 characters of
//! context either side, the suggestion when the list gives one, and how many
//! times it occurs. Plain entries are confirmed errors; `?` entries (outdated
//! names that may be right in old articles) are suspected warnings.

use crate::finding::{Certainty, Finding, FindingKind, Severity};
use crate::rules::content::{Forbidden, ForbiddenEntry};
use std::collections::HashMap;

/// Characters of context shown on each side of a match.
const CONTEXT_CHARS: usize = 15;

/// Forbidden-text findings for one page's visible text and title.
pub fn check(page_url: &str, text: &str, title: Option<&str>, list: &Forbidden) -> Vec<Finding> {
    // entry text -> (entry, where, first context, count), in order of first occurrence
    let mut hits: Vec<Hit> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (place, t) in [("title", title.unwrap_or_default()), ("text", text)] {
        for (entry, start, end) in list.find_iter(t) {
            match index.get(entry.wrong.as_str()) {
                Some(&i) => {
                    if let Some(h) = hits.get_mut(i) {
                        h.count += 1;
                    }
                }
                None => {
                    index.insert(entry.wrong.as_str(), hits.len());
                    hits.push(Hit {
                        entry,
                        place,
                        context: context(t, start, end),
                        count: 1,
                    });
                }
            }
        }
    }
    hits.into_iter().map(|h| h.finding(page_url)).collect()
}

struct Hit<'a> {
    entry: &'a ForbiddenEntry,
    place: &'static str,
    context: String,
    count: usize,
}

impl Hit<'_> {
    fn finding(&self, page_url: &str) -> Finding {
        let e = self.entry;
        let mut detail = format!("「{}」", e.wrong);
        if let Some(right) = &e.right {
            detail.push_str(&format!(" 建议：「{right}」"));
        }
        detail.push_str(&format!(" 原文：{}", self.context));
        if self.count > 1 {
            detail.push_str(&format!("（共 {} 处）", self.count));
        }
        let (severity, certainty) = if e.suspected {
            detail.push_str("（可能是旧称或历史信息，请人工核实）");
            (Severity::Warning, Certainty::Suspected)
        } else {
            (Severity::Error, Certainty::Confirmed)
        };
        Finding::new(FindingKind::ForbiddenText, page_url, detail)
            .severity(severity)
            .certainty(certainty)
            .text(e.wrong.clone())
            .element(self.place)
    }
}

/// `…before【match】after…` with line breaks shown as spaces.
fn context(text: &str, start: usize, end: usize) -> String {
    let before = text.get(..start).unwrap_or_default();
    let matched = text.get(start..end).unwrap_or_default();
    let after = text.get(end..).unwrap_or_default();
    let n_before = before.chars().count();
    let b: String = before
        .chars()
        .skip(n_before.saturating_sub(CONTEXT_CHARS))
        .collect();
    let a: String = after.chars().take(CONTEXT_CHARS).collect();
    let mut out = String::new();
    if n_before > CONTEXT_CHARS {
        out.push('…');
    }
    out.push_str(&b);
    out.push('【');
    out.push_str(matched);
    out.push('】');
    out.push_str(&a);
    if after.chars().nth(CONTEXT_CHARS).is_some() {
        out.push('…');
    }
    out.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::content::{Content, parse_entry};

    fn list(entries: &[&str]) -> Forbidden {
        Forbidden::new(entries.iter().map(|e| parse_entry(e).unwrap()).collect()).unwrap()
    }

    #[test]
    fn reports_match_suggestion_and_context() {
        let l = list(&["中华人民共合国 => 中华人民共和国"]);
        let text = "根据《中华人民共合国政府信息公开条例》第二十条的规定，本机关主动公开以下信息。";
        let f = check("https://x.gov.cn/a.html", text, None, &l);
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.kind, FindingKind::ForbiddenText);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.certainty, Certainty::Confirmed);
        assert_eq!(f.link_text, "中华人民共合国");
        assert_eq!(f.element, "text");
        assert_eq!(
            f.detail,
            "「中华人民共合国」 建议：「中华人民共和国」 原文：根据《【中华人民共合国】政府信息公开条例》第二十条的规…"
        );
    }

    #[test]
    fn one_finding_per_entry_with_count_and_title() {
        let l = list(&["社会主意 => 社会主义", "?质监局 => 市场监督管理局"]);
        let text = "坚持中国特色社会主意道路。\n区质监局召开会议。\n发展社会主意市场经济。";
        let f = check("p", text, Some("社会主意学习专栏"), &l);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].link_text, "社会主意");
        assert_eq!(f[0].element, "title");
        assert!(f[0].detail.contains("（共 3 处）"), "{}", f[0].detail);
        assert!(
            f[0].detail.contains("原文：【社会主意】学习专栏"),
            "{}",
            f[0].detail
        );
        assert_eq!(f[1].link_text, "质监局");
        assert_eq!(f[1].severity, Severity::Warning);
        assert_eq!(f[1].certainty, Certainty::Suspected);
        // A line break in the context is shown as a space.
        assert!(
            f[1].detail.contains("道路。 区【质监局】召开会议。 发展"),
            "{}",
            f[1].detail
        );
        assert!(!f[1].detail.contains("（共"));
    }

    #[test]
    fn longest_entry_wins_and_no_suggestion() {
        let l = list(&[
            "国家工商总局",
            "国家工商总局商标局 => 国家知识产权局商标局",
            "某错词",
        ]);
        let f = check("p", "原国家工商总局商标局，某错词", None, &l);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].link_text, "国家工商总局商标局");
        assert_eq!(f[1].link_text, "某错词");
        assert_eq!(
            f[1].detail,
            "「某错词」 原文：原国家工商总局商标局，【某错词】"
        );
    }

    #[test]
    fn long_context_is_cut_at_15_chars() {
        let l = list(&["错词"]);
        let text = format!("{}错词{}", "一".repeat(20), "二".repeat(20));
        let f = check("p", &text, None, &l);
        assert_eq!(
            f[0].detail,
            format!(
                "「错词」 原文：…{}【错词】{}…",
                "一".repeat(15),
                "二".repeat(15)
            )
        );
    }

    #[test]
    fn correct_text_is_not_reported_by_the_shipped_list() {
        let c = Content::default();
        let text = "中华人民共和国国务院办公厅 以习近平同志为核心的党中央 \
                    习近平新时代中国特色社会主义思想 国家市场监督管理总局 \
                    国家知识产权局商标局 各级环境保护部门 台湾地区领导人 台湾当局 \
                    社会主义核心价值观 马克思主义 共产主义 税务局 国家税务总局上海市税务局 \
                    国家卫生健康委员会 应急管理部 自然资源部 泰国国家旅游局";
        let f = check("p", text, Some("上海市知识产权局"), &c.forbidden);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn shipped_list_finds_real_errors() {
        let c = Content::default();
        let f = check(
            "p",
            "深入学习习近平新时代特色社会主义思想。商标注册请向国家工商行政管理总局商标局提交。",
            None,
            &c.forbidden,
        );
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.link_text.as_str(), f.certainty))
            .collect();
        assert_eq!(
            got,
            vec![
                ("习近平新时代特色社会主义思想", Certainty::Confirmed),
                ("国家工商行政管理总局商标局", Certainty::Suspected),
            ]
        );
        assert!(f[1].detail.contains("建议：「国家知识产权局商标局」"));
    }
}
