//! Labelled values in a page's visible text: 发布日期：2026-03-15, 来信时间
//! (a cell) 2026-01-02 (the next cell), 设定依据 ….
//!
//! Pure functions over the text of [`crate::check::content::text::Walk`], in
//! which block elements and table cells end a line. A label counts only when it
//! stands as one: not glued to a Chinese character before it (会议时间 is not
//! 时间, 成文日期 is not 日期).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::dates;
use chrono::NaiveDate;

/// Whether `c` is a CJK ideograph (a label glued to one is part of a longer word).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// Byte offsets (start, end) of every occurrence of `label` in `text` that
/// stands as a label.
pub fn occurrences<'a>(text: &'a str, label: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    text.match_indices(label)
        .filter(move |(i, _)| {
            !text
                .get(..*i)
                .and_then(|b| b.chars().next_back())
                .is_some_and(is_han)
        })
        .map(|(i, l)| (i, i + l.len()))
}

/// Characters that can separate a label from its value: colons, spaces and
/// line ends (a table cell ends a line).
fn separator(c: char) -> bool {
    matches!(c, ':' | '：' | '\u{a0}' | '\u{3000}') || c.is_whitespace()
}

/// Characters a written date is made of (digits, separators, 年月日, Chinese
/// numerals, a time of day).
fn date_char(c: char) -> bool {
    c.is_ascii_digit()
        || ('０'..='９').contains(&c)
        || matches!(
            c,
            '-' | '/'
                | '.'
                | ':'
                | ' '
                | '年'
                | '月'
                | '日'
                | '号'
                | '－'
                | '／'
                | '．'
                | '〇'
                | '○'
                | '零'
                | '一'
                | '二'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
        )
}

/// The value text right after a label ending at `end`: separators skipped
/// (at most `max_lines` line ends), then the rest of that line.
pub fn value_after(text: &str, end: usize, max_lines: usize) -> &str {
    let Some(rest) = text.get(end..) else {
        return "";
    };
    let mut lines = 0;
    let mut start = rest.len();
    for (i, c) in rest.char_indices() {
        if c == '\n' {
            lines += 1;
            if lines > max_lines {
                return "";
            }
            continue;
        }
        if !separator(c) {
            start = i;
            break;
        }
    }
    let value = rest.get(start..).unwrap_or("");
    value.split('\n').next().unwrap_or("")
}

/// The date written right after a label ending at `end` (the label's own line
/// or the next cell), None when something else comes first.
pub fn date_after(text: &str, end: usize) -> Option<NaiveDate> {
    let value = value_after(text, end, 2);
    let mut run_end = 0;
    for (i, c) in value.char_indices().take(40) {
        if !date_char(c) {
            break;
        }
        run_end = i + c.len_utf8();
    }
    dates::parse_exact(value.get(..run_end)?.trim())?.full()
}

/// The line of `text` holding byte offset `at`.
pub fn line_at(text: &str, at: usize) -> &str {
    let at = at.min(text.len());
    let start = text
        .get(..at)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(at..)
        .and_then(|a| a.find('\n'))
        .map_or(text.len(), |i| at + i);
    text.get(start..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn first_date(text: &str, label: &str) -> Option<NaiveDate> {
        occurrences(text, label).find_map(|(_, e)| date_after(text, e))
    }

    #[test]
    fn labels_stand_alone() {
        let t = "会议时间：2026年3月20日上午9:00\n时间：2026-03-15 来源：办公室";
        let found: Vec<_> = occurrences(t, "时间").map(|(s, _)| s).collect();
        assert_eq!(found.len(), 1);
        assert_eq!(first_date(t, "时间"), Some(d(2026, 3, 15)));
        assert_eq!(first_date("成文日期：2026-03-01", "日期"), None);
    }

    #[test]
    fn dates_after_colons_spaces_and_cells() {
        assert_eq!(
            first_date("发布日期：2026-03-15", "发布日期"),
            Some(d(2026, 3, 15))
        );
        assert_eq!(
            first_date("发布时间: 2026-03-15 10:30:00 浏览次数：5", "发布时间"),
            Some(d(2026, 3, 15))
        );
        assert_eq!(
            first_date("发布日期\n2026年3月5日\n", "发布日期"),
            Some(d(2026, 3, 5))
        );
        assert_eq!(
            first_date("来信时间：二〇二六年三月五日", "来信时间"),
            Some(d(2026, 3, 5))
        );
        // Something else first: not a labelled date.
        assert_eq!(first_date("发布日期：见附件 2026-03-15", "发布日期"), None);
        assert_eq!(first_date("发布日期：\n\n\n\n2026-03-15", "发布日期"), None);
        assert_eq!(first_date("发布日期：2026-02-30", "发布日期"), None);
    }

    #[test]
    fn line_of_an_offset() {
        let t = "a\n时间：x 来源：y\nb";
        let (s, _) = occurrences(t, "时间").next().unwrap();
        assert_eq!(line_at(t, s), "时间：x 来源：y");
        assert_eq!(line_at("", 5), "");
    }
}
