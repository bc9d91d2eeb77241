//! 严重错误: text from the rules' word lists in the visible text and `<title>`.
//!
//! One finding per (page, entry): the first occurrence with ~15 characters of
//! context either side, the suggestion when the list gives one, and how many
//! times it occurs. Plain entries are confirmed errors; `?` entries (outdated
//! names that may be right in old articles) are suspected warnings. A `?`
//! entry dated with the day its new name took effect is history on a page
//! published before that day (not reported), and is never reported when the
//! audit's today is before it; an undated page is still reported.

use crate::finding::{Certainty, Finding, FindingKind, Severity};
use crate::rules::content::{Forbidden, ForbiddenEntry};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Characters of context shown on each side of a match.
const CONTEXT_CHARS: usize = 15;

/// When a page is read: the audit's today and the page's own publication date
/// (asked only when a dated entry matches).
pub struct When<F: FnOnce() -> Option<NaiveDate>> {
    /// The audit date (`--today`).
    pub today: NaiveDate,
    /// The page's publication date, if it shows one.
    pub published: F,
}

/// Forbidden-text findings for one page's visible text and title.
pub fn check<F: FnOnce() -> Option<NaiveDate>>(
    page_url: &str,
    text: &str,
    title: Option<&str>,
    list: &Forbidden,
    when: When<F>,
) -> Vec<Finding> {
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
    let When { today, published } = when;
    let mut published = Some(published);
    let mut date: Option<Option<NaiveDate>> = None;
    let mut out = Vec::new();
    for h in hits {
        let dating = match h.entry.since {
            None => Dating::Undated,
            Some(since) if today < since => continue,
            Some(since) => {
                let p = *date.get_or_insert_with(|| published.take().and_then(|f| f()));
                match p {
                    Some(p) if p < since => continue,
                    Some(p) => Dating::After(p, since),
                    None => Dating::PageUndated(since),
                }
            }
        };
        out.push(h.finding(page_url, dating));
    }
    out
}

/// How a finding stands against the date of its entry.
#[derive(Debug, Clone, Copy)]
enum Dating {
    /// The entry has no date.
    Undated,
    /// The page (published on the first date) is not older than the rename (the second).
    After(NaiveDate, NaiveDate),
    /// The page shows no publication date; the rename was on this day.
    PageUndated(NaiveDate),
}

struct Hit<'a> {
    entry: &'a ForbiddenEntry,
    place: &'static str,
    context: String,
    count: usize,
}

impl Hit<'_> {
    fn finding(&self, page_url: &str, dating: Dating) -> Finding {
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
            match dating {
                Dating::Undated => {}
                Dating::After(p, since) => {
                    detail.push_str(&format!("（页面发布于 {p}，{since} 起已更名）"))
                }
                Dating::PageUndated(since) => {
                    detail.push_str(&format!("（页面未注明发布日期，{since} 起已更名）"))
                }
            }
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

    /// An undated page read on 2026-05-25.
    fn any_day() -> When<fn() -> Option<NaiveDate>> {
        When {
            today: NaiveDate::from_ymd_opt(2026, 5, 25).unwrap(),
            published: || None,
        }
    }

    fn list(entries: &[&str]) -> Forbidden {
        Forbidden::new(entries.iter().map(|e| parse_entry(e).unwrap()).collect()).unwrap()
    }

    #[test]
    fn reports_match_suggestion_and_context() {
        let l = list(&["中华人民共合国 => 中华人民共和国"]);
        let text = "根据《中华人民共合国政府信息公开条例》第二十条的规定，本机关主动公开以下信息。";
        let f = check("https://x.gov.cn/a.html", text, None, &l, any_day());
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
        let f = check("p", text, Some("社会主意学习专栏"), &l, any_day());
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
        let f = check("p", "原国家工商总局商标局，某错词", None, &l, any_day());
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
        let f = check("p", &text, None, &l, any_day());
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
        let f = check("p", text, Some("上海市知识产权局"), &c.forbidden, any_day());
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
            any_day(),
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

    fn on(today: (i32, u32, u32), page: Option<(i32, u32, u32)>) -> Vec<Finding> {
        let d = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let l = list(&[
            "?中国银保监会 => 国家金融监督管理总局 @2023-05-18",
            "?国家工商总局 => 国家市场监督管理总局 @2018-04-10",
        ]);
        check(
            "p",
            "2019年，中国银保监会发布通知。",
            None,
            &l,
            When {
                today: d(today),
                published: move || page.map(d),
            },
        )
    }

    #[test]
    fn an_old_name_on_an_old_page_is_history() {
        // Published 2020, correct then: nothing, whatever today is.
        assert!(on((2026, 5, 25), Some((2020, 8, 10))).is_empty());
        assert!(on((2020, 8, 10), Some((2020, 8, 1))).is_empty());
        // The day before the rename, and an undated page read before it.
        assert!(on((2026, 5, 25), Some((2023, 5, 17))).is_empty());
        assert!(on((2020, 8, 10), None).is_empty());
        // Published on or after the rename: a suspected warning saying so.
        let f = on((2026, 5, 25), Some((2023, 5, 18)));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].link_text, "中国银保监会");
        assert_eq!(
            (f[0].severity, f[0].certainty),
            (Severity::Warning, Certainty::Suspected)
        );
        assert!(
            f[0].detail
                .contains("（页面发布于 2023-05-18，2023-05-18 起已更名）"),
            "{}",
            f[0].detail
        );
        // Undated page read after the rename: still a suspected warning.
        let f = on((2026, 5, 25), None);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].detail
                .contains("页面未注明发布日期，2023-05-18 起已更名"),
            "{}",
            f[0].detail
        );
        // Today before the rename: never, even on a page dated later (a bad date).
        assert!(on((2023, 5, 1), Some((2024, 1, 1))).is_empty());
    }

    #[test]
    fn the_page_date_is_read_only_for_a_dated_entry() {
        let l = list(&["社会主意 => 社会主义", "?质监局 => 市场监督管理局"]);
        let f = check(
            "p",
            "区质监局发展社会主意",
            None,
            &l,
            When {
                today: NaiveDate::from_ymd_opt(2026, 5, 25).unwrap(),
                published: || panic!("no dated entry matched: the date is not needed"),
            },
        );
        assert_eq!(f.len(), 2);
        assert!(!f[1].detail.contains("已更名"), "{}", f[1].detail);
    }
}
