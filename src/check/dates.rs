//! Dates as Chinese government pages write them, for the column update checks.
//!
//! Pure functions, no I/O, never panic. Recognised forms (full-width digits and
//! separators are folded first):
//! `2026-05-20`, `2026/05/20`, `2026.05.20`, `2026年5月20日`, a trailing time
//! (`2026-05-20 10:30:00`), Chinese numerals (`二〇二六年五月二十日`,
//! `二零二六年十二月三十一日`), two-digit years (`26-05-20`, `26/5/20`,
//! `26年5月20日`), and month-day without a year (`[05-20]`, `05-20`, `5月20日`),
//! which [`PartialDate::resolve`] completes from context. Impossible dates
//! (2026-02-30) are rejected; [`plausible`] rejects dates in the future or before
//! 1980. Dates in page URLs (`t20260520_123.html`, `/20260520/…`, Hanweb
//! `/art/2026/5/20/…`) come from [`from_url`].

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use chrono::{Datelike, NaiveDate};
use regex::{Captures, Regex};
use std::sync::LazyLock;

/// Earliest year accepted as a publication date.
const MIN_YEAR: i32 = 1980;
/// Latest year accepted by the parser (the future is rejected later, against `today`).
const MAX_YEAR: i32 = 2099;

/// A date as found: complete, or only month and day (the year comes from context).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PartialDate {
    /// A full calendar date.
    Full(NaiveDate),
    /// Month and day without a year, e.g. `[05-20]`.
    MonthDay {
        /// 1–12.
        month: u32,
        /// 1–31 (checked against the month when the year is known).
        day: u32,
    },
}

impl PartialDate {
    /// The full date, with the year of a month-day taken from `context_year` when
    /// known, else from `today` (the latest such date not after `today`).
    /// Returns None for impossible or implausible dates (see [`plausible`]).
    pub fn resolve(self, context_year: Option<i32>, today: NaiveDate) -> Option<NaiveDate> {
        let date = match self {
            PartialDate::Full(d) => d,
            PartialDate::MonthDay { month, day } => match context_year {
                Some(y) => NaiveDate::from_ymd_opt(y, month, day)?,
                None => {
                    let this = NaiveDate::from_ymd_opt(today.year(), month, day);
                    match this {
                        Some(d) if d <= today => d,
                        _ => NaiveDate::from_ymd_opt(today.year() - 1, month, day)?,
                    }
                }
            },
        };
        plausible(date, today).then_some(date)
    }

    /// The full date, if this is one.
    pub fn full(self) -> Option<NaiveDate> {
        match self {
            PartialDate::Full(d) => Some(d),
            PartialDate::MonthDay { .. } => None,
        }
    }
}

/// Whether `date` can be a publication date seen on `today`: from 1980 to
/// `today` plus one day (time zones and late-night publishing).
pub fn plausible(date: NaiveDate, today: NaiveDate) -> bool {
    date.year() >= MIN_YEAR && date <= today + chrono::Days::new(1)
}

/// Replaces full-width digits and separators by their ASCII forms, and the
/// various zeros used in Chinese-numeral years by `〇`.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | '—' | '–' | '‐' => '-',
            '／' => '/',
            '．' => '.',
            '\u{a0}' | '\u{3000}' => ' ',
            '○' | '零' | 'Ｏ' | 'ｏ' => '〇',
            _ => c,
        })
        .collect()
}

struct Pattern {
    re: Regex,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    /// (year4, month, day)
    Year4,
    /// (chinese year, chinese month, chinese day)
    Chinese,
    /// (year2, month, day)
    Year2,
    /// (month, day)
    MonthDay,
}

#[allow(clippy::expect_used)]
fn pat(re: &str, kind: Kind) -> Pattern {
    // The patterns are constants, exercised by every test below.
    Pattern {
        re: Regex::new(re).expect("constant date pattern"),
        kind,
    }
}

/// Patterns in order of preference. Boundaries (no digit or separator glued
/// to either side) are checked in code because the regex crate has no lookaround.
static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    vec![
        pat(r"(\d{4})-(\d{1,2})-(\d{1,2})", Kind::Year4),
        pat(r"(\d{4})/(\d{1,2})/(\d{1,2})", Kind::Year4),
        pat(r"(\d{4})\.(\d{1,2})\.(\d{1,2})", Kind::Year4),
        pat(
            r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?",
            Kind::Year4,
        ),
        pat(
            r"([〇一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*[日号]",
            Kind::Chinese,
        ),
        pat(r"(\d{2})-(\d{1,2})-(\d{1,2})", Kind::Year2),
        pat(r"(\d{2})/(\d{1,2})/(\d{1,2})", Kind::Year2),
        pat(
            r"(\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]",
            Kind::Year2,
        ),
        pat(r"(\d{2})-(\d{2})", Kind::MonthDay),
        pat(
            r"[\[【(（]\s*(\d{1,2})[-/.](\d{1,2})\s*[\]】)）]",
            Kind::MonthDay,
        ),
        pat(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", Kind::MonthDay),
    ]
});

/// Characters that must not touch a date on either side (else it is part of
/// a longer number, a version, an IP address, a phone number …).
fn glued(c: Option<char>) -> bool {
    matches!(c, Some(c) if c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | ':'))
}

/// Finds the first match of `p` in `s` whose neighbours are not glued digits.
fn find_with<'s>(p: &Pattern, s: &'s str) -> Option<(Captures<'s>, usize, usize)> {
    let mut pos = 0;
    while pos <= s.len() {
        let caps = p.re.captures_at(s, pos)?;
        let m = caps.get(0)?;
        let before = s.get(..m.start()).and_then(|t| t.chars().next_back());
        let after = s.get(m.end()..).and_then(|t| t.chars().next());
        // A bracketed month-day carries its own boundary.
        let bracketed =
            matches!(p.kind, Kind::MonthDay) && m.as_str().starts_with(['[', '【', '(', '（']);
        // "年…日" forms end in a CJK char; only the leading side matters for them.
        let ends_cjk = m.as_str().ends_with(['日', '号']);
        let after_bad = if ends_cjk || bracketed {
            false
        } else {
            glued(after)
        };
        if bracketed || (!glued(before) && !after_bad) {
            return Some((caps, m.start(), m.end()));
        }
        // Retry one character further on.
        let step = s
            .get(m.start()..)
            .and_then(|t| t.chars().next())
            .map_or(1, char::len_utf8);
        pos = m.start() + step;
    }
    None
}

fn num(c: &Captures, i: usize) -> Option<u32> {
    c.get(i)?.as_str().parse().ok()
}

/// A Chinese numeral 1–31 (`一`, `十`, `十一`, `二十`, `二十一`, `三十一`).
fn cn_small(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [d] if *d != '十' => digit(*d).filter(|&v| v > 0),
        ['十'] => Some(10),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', u] => Some(10 * digit(*t)? + digit(*u)?),
        _ => None,
    }
}

/// A Chinese-numeral year written digit by digit (`二〇二六`).
fn cn_year(s: &str) -> Option<i32> {
    let mut y = 0i32;
    for c in s.chars() {
        let d = "〇一二三四五六七八九".chars().position(|d| d == c)?;
        y = y * 10 + d as i32;
    }
    Some(y)
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Two-digit years: 00–69 are 20xx, 70–99 are 19xx.
fn century(y2: u32) -> i32 {
    if y2 < 70 {
        2000 + y2 as i32
    } else {
        1900 + y2 as i32
    }
}

fn convert(kind: Kind, c: &Captures) -> Option<PartialDate> {
    match kind {
        Kind::Year4 => {
            let y = num(c, 1)? as i32;
            ymd(y, num(c, 2)?, num(c, 3)?).map(PartialDate::Full)
        }
        Kind::Chinese => {
            let y = cn_year(c.get(1)?.as_str())?;
            let m = cn_small(c.get(2)?.as_str())?;
            let d = cn_small(c.get(3)?.as_str())?;
            ymd(y, m, d).map(PartialDate::Full)
        }
        Kind::Year2 => ymd(century(num(c, 1)?), num(c, 2)?, num(c, 3)?).map(PartialDate::Full),
        Kind::MonthDay => {
            let (month, day) = (num(c, 1)?, num(c, 2)?);
            // 2024 is a leap year: accepts 02-29, rejects 02-30 and 13-01.
            NaiveDate::from_ymd_opt(2024, month, day)?;
            Some(PartialDate::MonthDay { month, day })
        }
    }
}

/// The first date in `text` (by preference: four-digit years, Chinese numerals,
/// two-digit years, then month-day), with its byte span in the folded text.
fn find_span(text: &str) -> Option<(PartialDate, usize, usize, String)> {
    let folded = fold(text);
    for p in PATTERNS.iter() {
        let mut rest_from = 0;
        // A match that is not a valid date (2026-02-30) does not hide a later valid one.
        while let Some((caps, start, end)) = folded.get(rest_from..).and_then(|s| find_with(p, s)) {
            if let Some(d) = convert(p.kind, &caps) {
                return Some((d, rest_from + start, rest_from + end, folded));
            }
            rest_from += end.max(start + 1);
            while rest_from < folded.len() && !folded.is_char_boundary(rest_from) {
                rest_from += 1;
            }
        }
    }
    None
}

/// The first date found anywhere in `text`.
pub fn find(text: &str) -> Option<PartialDate> {
    if let Some(d) = leading_iso(text) {
        return Some(PartialDate::Full(d));
    }
    find_span(text).map(|(d, ..)| d)
}

/// The first complete date (with a year) in `text`.
pub fn find_full(text: &str) -> Option<NaiveDate> {
    leading_iso(text).or_else(|| find_full_by_patterns(text))
}

/// The commonest case without the patterns: `text` starts (after whitespace)
/// with a valid `2026-05-20` in ASCII, followed by nothing or by an ASCII
/// character that is neither a digit nor glued. The first pattern finds
/// exactly this date first then, so [`find`] and [`find_full`] return it. In
/// any other case None, and the patterns decide.
fn leading_iso(text: &str) -> Option<NaiveDate> {
    let t = text.trim_start();
    let b = t.as_bytes();
    let digits = |from: usize| {
        b.get(from..).map_or(0, |r| {
            r.iter().take(2).take_while(|c| c.is_ascii_digit()).count()
        })
    };
    if !(b.get(..4)?.iter().all(u8::is_ascii_digit) && b.get(4)? == &b'-') {
        return None;
    }
    let month = digits(5);
    if month == 0 || b.get(5 + month)? != &b'-' {
        return None;
    }
    let day_at = 6 + month;
    let end = day_at + digits(day_at);
    if end == day_at {
        return None;
    }
    if let Some(&next) = b.get(end)
        && (!next.is_ascii() || next.is_ascii_digit() || glued(Some(char::from(next))))
    {
        return None;
    }
    let n = |r: std::ops::Range<usize>| t.get(r)?.parse::<u32>().ok();
    ymd(n(0..4)? as i32, n(5..5 + month)?, n(day_at..end)?)
}

/// [`find_full`] by the patterns alone.
fn find_full_by_patterns(text: &str) -> Option<NaiveDate> {
    let folded = fold(text);
    for p in PATTERNS
        .iter()
        .filter(|p| !matches!(p.kind, Kind::MonthDay))
    {
        let mut from = 0;
        while let Some((caps, start, end)) = folded.get(from..).and_then(|s| find_with(p, s)) {
            if let Some(PartialDate::Full(d)) = convert(p.kind, &caps) {
                return Some(d);
            }
            from += end.max(start + 1);
            while from < folded.len() && !folded.is_char_boundary(from) {
                from += 1;
            }
        }
    }
    None
}

static TIME_TAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,2}:\d{2}(:\d{2})?)?\s*$").ok());

/// `text` is a date and nothing else: surrounding brackets, whitespace and a
/// trailing time are allowed (`[2026-05-20]`, `(05-20)`, `2026-05-20 10:30`).
pub fn parse_exact(text: &str) -> Option<PartialDate> {
    let t = text
        .trim()
        .trim_matches(|c: char| c.is_whitespace() || "[]【】()（）".contains(c));
    if t.is_empty() || t.chars().count() > 40 {
        return None;
    }
    let (d, start, end, folded) = find_span(t)?;
    if start != 0 && !folded.get(..start).is_some_and(|p| p.trim().is_empty()) {
        return None;
    }
    let tail = folded.get(end..)?;
    let tail = tail.trim_matches(|c: char| c.is_whitespace() || "[]【】()（）".contains(c));
    match TIME_TAIL.as_ref() {
        Some(re) if re.is_match(tail) => Some(d),
        _ => None,
    }
}

/// A date that ends `text` after the title (`关于……的通知 2026-05-20`,
/// `标题[05-20]`): the text before it (trimmed) and the date. The date must be
/// set off from the title by whitespace or a bracket, so a title that merely
/// ends in digits (`……第2026号`) has none.
pub fn trailing(text: &str) -> Option<(&str, PartialDate)> {
    let t = text.trim_end();
    // The longest date with a time is under 30 characters.
    let from = t.char_indices().rev().nth(30).map_or(0, |(i, _)| i);
    for (i, c) in t.char_indices().filter(|(i, _)| *i >= from) {
        let before = t.get(..i).and_then(|b| b.chars().next_back());
        let set_off = before.is_none_or(|b| b.is_whitespace() || "[【(（".contains(b))
            || "[【(（".contains(c);
        if !set_off || c.is_whitespace() {
            continue;
        }
        let Some(rest) = t.get(i..) else { continue };
        if let Some(d) = parse_exact(rest) {
            let head = t.get(..i).unwrap_or("").trim_end();
            return (!head.is_empty()).then_some((head, d));
        }
    }
    None
}

/// A site's own date shape (the rules' `date_pattern`): a regex with named
/// groups `m` and `d` and, optionally, `y` (four or two digits).
#[derive(Debug, Clone)]
pub struct DatePattern(Regex);

impl DatePattern {
    /// Compiles a pattern; the error says what is missing.
    pub fn new(pattern: &str) -> Result<DatePattern, String> {
        let re = Regex::new(pattern).map_err(|e| e.to_string())?;
        let names: Vec<&str> = re.capture_names().flatten().collect();
        for g in ["m", "d"] {
            if !names.contains(&g) {
                return Err(format!("needs a named group (?P<{g}>…)"));
            }
        }
        Ok(DatePattern(re))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The first date the pattern finds in `text` (full-width digits folded).
    pub fn find(&self, text: &str) -> Option<PartialDate> {
        let folded = fold(text);
        for c in self.0.captures_iter(&folded).take(20) {
            let n = |g: &str| c.name(g)?.as_str().trim().parse::<u32>().ok();
            let (Some(m), Some(d)) = (n("m"), n("d")) else {
                continue;
            };
            let date = match c.name("y") {
                Some(y) if y.as_str().trim().len() == 2 => n("y")
                    .and_then(|y| ymd(century(y), m, d))
                    .map(PartialDate::Full),
                Some(_) => n("y")
                    .and_then(|y| ymd(i32::try_from(y).ok()?, m, d))
                    .map(PartialDate::Full),
                None => NaiveDate::from_ymd_opt(2024, m, d)
                    .map(|_| PartialDate::MonthDay { month: m, day: d }),
            };
            if date.is_some() {
                return date;
            }
        }
        None
    }
}

static URL_DATES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"/t(\d{4})(\d{2})(\d{2})_\d+",
        r"/(\d{4})(\d{2})(\d{2})/",
        r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/",
        r"/(\d{4})-(\d{2})/(\d{2})/",
    ]
    .iter()
    .filter_map(|p| Regex::new(p).ok())
    .collect()
});

/// The publication date a CMS wrote into an article URL: TRS
/// `…/202605/t20260520_123.html`, Shanghai `…/20260520/<hex>.html`, Hanweb
/// `/art/2026/5/20/art_…`, or `/2026-05/20/…`.
pub fn from_url(url: &str) -> Option<NaiveDate> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    URL_DATES.iter().find_map(|re| {
        let c = re.captures(path)?;
        ymd(num(&c, 1)? as i32, num(&c, 2)?, num(&c, 3)?)
    })
}

/// The year written in a URL (from a full date, a TRS `/202605/` month folder
/// or a Hanweb `/art/2026/`): the context year for month-day list dates.
pub fn year_from_url(url: &str) -> Option<i32> {
    static MONTH: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])/").ok());
    if let Some(d) = from_url(url) {
        return Some(d.year());
    }
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let c = MONTH.as_ref()?.captures(path)?;
    c.get(1)?.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn full(y: i32, m: u32, day: u32) -> Option<PartialDate> {
        Some(PartialDate::Full(d(y, m, day)))
    }
    fn md(month: u32, day: u32) -> Option<PartialDate> {
        Some(PartialDate::MonthDay { month, day })
    }

    #[test]
    fn leading_iso_dates_are_what_the_patterns_find() {
        let alphabet = [
            '0', '1', '2', '5', '9', '-', '-', '-', ' ', '/', '.', ':', '年', '月', '日', '٣',
            '０', 'a', '\u{a0}', '\u{3000}', '—', '[',
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut fast = 0;
        for _ in 0..40_000 {
            let mut s: String = ["", " ", "2026-05-2", "1999-1-", "2026-12-31"][next(5)].into();
            for _ in 0..next(12) {
                s.push(alphabet[next(alphabet.len())]);
            }
            let by_patterns = find_span(&s).map(|(d, ..)| d);
            assert_eq!(find(&s), by_patterns, "{s:?}");
            assert_eq!(find_full(&s), find_full_by_patterns(&s), "{s:?}");
            if let Some(d) = leading_iso(&s) {
                fast += 1;
                assert_eq!(by_patterns, Some(PartialDate::Full(d)), "{s:?}");
            }
        }
        assert!(fast > 200, "{fast}");
    }

    #[test]
    fn four_digit_forms() {
        assert_eq!(find("2026-05-20"), full(2026, 5, 20));
        assert_eq!(find("2026/05/20"), full(2026, 5, 20));
        assert_eq!(find("2026.05.20"), full(2026, 5, 20));
        assert_eq!(find("2026-5-2"), full(2026, 5, 2));
        assert_eq!(find("2026年5月20日"), full(2026, 5, 20));
        assert_eq!(find("2026 年 05 月 20 日"), full(2026, 5, 20));
        assert_eq!(find("发布时间：2026-05-20 10:30:00"), full(2026, 5, 20));
        assert_eq!(find("２０２６－０５－２０"), full(2026, 5, 20));
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(find("二〇二六年五月二十日"), full(2026, 5, 20));
        assert_eq!(find("二零二六年十二月三十一日"), full(2026, 12, 31));
        assert_eq!(find("二○二四年一月十日"), full(2024, 1, 10));
        assert_eq!(find("二〇二六年十月一日印发"), full(2026, 10, 1));
        assert_eq!(find("二〇二六年二月三十日"), None);
        assert_eq!(cn_small("十一"), Some(11));
        assert_eq!(cn_small("二十"), Some(20));
        assert_eq!(cn_small("三十一"), Some(31));
        assert_eq!(cn_small("十十"), None);
        assert_eq!(cn_small(""), None);
    }

    #[test]
    fn two_digit_years() {
        assert_eq!(find("26-05-20"), full(2026, 5, 20));
        assert_eq!(find("26/5/20"), full(2026, 5, 20));
        assert_eq!(find("26年5月20日"), full(2026, 5, 20));
        assert_eq!(find("99-12-31"), full(1999, 12, 31));
    }

    #[test]
    fn month_day_needs_context() {
        assert_eq!(find("[05-20]"), md(5, 20));
        assert_eq!(find("05-20"), md(5, 20));
        assert_eq!(find("5月20日"), md(5, 20));
        assert_eq!(find("【5-20】"), md(5, 20));
        let today = d(2026, 6, 1);
        assert_eq!(
            md(5, 20).unwrap().resolve(None, today),
            Some(d(2026, 5, 20))
        );
        // A month-day after today is last year's.
        assert_eq!(
            md(12, 30).unwrap().resolve(None, today),
            Some(d(2025, 12, 30))
        );
        assert_eq!(
            md(12, 30).unwrap().resolve(Some(2024), today),
            Some(d(2024, 12, 30))
        );
        // 02-29 without a leap context year is rejected, not panicking.
        assert_eq!(md(2, 29).unwrap().resolve(Some(2025), today), None);
        assert_eq!(md(2, 29).unwrap().resolve(None, d(2026, 3, 1)), None);
    }

    #[test]
    fn impossible_and_future_dates() {
        assert_eq!(find("2026-02-30"), None);
        assert_eq!(find("2026-13-01"), None);
        assert_eq!(find("2026年2月30日"), None);
        assert_eq!(find("13-45"), None);
        // An impossible date does not hide a later valid one.
        assert_eq!(find("2026-02-30 改为 2026-03-02"), full(2026, 3, 2));
        let today = d(2026, 5, 20);
        let far = PartialDate::Full(d(2031, 1, 1));
        assert_eq!(far.resolve(None, today), None);
        assert_eq!(
            PartialDate::Full(d(2026, 5, 21)).resolve(None, today),
            Some(d(2026, 5, 21))
        );
        assert_eq!(PartialDate::Full(d(2026, 5, 23)).resolve(None, today), None);
        assert_eq!(find("1900-01-01"), None);
        assert!(plausible(d(2026, 5, 20), today));
        assert!(!plausible(d(1979, 12, 31), today));
    }

    #[test]
    fn not_dates() {
        assert_eq!(find(""), None);
        assert_eq!(find("电话：021-62345678"), None);
        assert_eq!(find("192.168.1.1"), None);
        assert_eq!(find("版本 10.1.1"), None);
        assert_eq!(find("12026-05-201"), None);
        assert_eq!(find("第2026号"), None);
        assert_eq!(find("2025年政府信息公开工作年度报告"), None);
        assert_eq!(find("10:30"), None);
        assert_eq!(find("3-5个工作日"), None);
    }

    #[test]
    fn exact() {
        assert_eq!(parse_exact(" 2026-05-20 "), full(2026, 5, 20));
        assert_eq!(parse_exact("[2026-05-20]"), full(2026, 5, 20));
        assert_eq!(parse_exact("(05-20)"), md(5, 20));
        assert_eq!(parse_exact("2026-05-20 10:30"), full(2026, 5, 20));
        assert_eq!(parse_exact("2026年5月20日"), full(2026, 5, 20));
        assert_eq!(parse_exact("关于2026-05-20会议的通知"), None);
        assert_eq!(parse_exact("2026-05-20 通知"), None);
        assert_eq!(parse_exact(""), None);
    }

    #[test]
    fn trailing_dates() {
        assert_eq!(
            trailing("关于开展检查的通知 2026-03-15"),
            Some(("关于开展检查的通知", full(2026, 3, 15).unwrap()))
        );
        assert_eq!(
            trailing("关于开展检查的通知[03-15]"),
            Some(("关于开展检查的通知", md(3, 15).unwrap()))
        );
        assert_eq!(
            trailing("标题 2026年3月15日 10:30"),
            Some(("标题", full(2026, 3, 15).unwrap()))
        );
        assert_eq!(trailing("沪知局〔2026〕第2026号"), None);
        assert_eq!(trailing("2025年政府信息公开工作年度报告"), None);
        assert_eq!(trailing("2026-03-15"), None);
        assert_eq!(trailing("编号2026-03-15"), None);
        assert_eq!(trailing(""), None);
    }

    #[test]
    fn site_date_patterns() {
        let p = DatePattern::new(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})").unwrap();
        assert_eq!(p.find("发布 15/03/2026"), full(2026, 3, 15));
        assert_eq!(p.find("31/02/2026 then 01/03/2026"), full(2026, 3, 1));
        let md_only = DatePattern::new(r"(?P<m>\d{2})(?P<d>\d{2})期").unwrap();
        assert_eq!(md_only.find("第0315期"), md(3, 15));
        let short = DatePattern::new(r"(?P<y>\d{2})\.(?P<m>\d{2})\.(?P<d>\d{2})").unwrap();
        assert_eq!(short.find("２６.０３.１５"), full(2026, 3, 15));
        assert!(DatePattern::new(r"(?P<y>\d{4})-(?P<m>\d{2})").is_err());
        assert!(DatePattern::new(r"(").is_err());
    }

    #[test]
    fn urls() {
        assert_eq!(
            from_url("https://x.gov.cn/col/202605/t20260520_123.html"),
            Some(d(2026, 5, 20))
        );
        assert_eq!(
            from_url("https://sipa.sh.gov.cn/zfxxgknb/20230131/7a65.html"),
            Some(d(2023, 1, 31))
        );
        assert_eq!(
            from_url("https://x.gov.cn/art/2023/8/24/art_1_2.html"),
            Some(d(2023, 8, 24))
        );
        assert_eq!(
            from_url("https://x.gov.cn/kyqq/2025-04/08/article_1.html"),
            Some(d(2025, 4, 8))
        );
        assert_eq!(from_url("https://x.gov.cn/col/t20260230_1.html"), None);
        assert_eq!(from_url("https://x.gov.cn/col/index.html"), None);
        assert_eq!(from_url("https://x.gov.cn/a?d=/20260520/"), None);
        assert_eq!(
            year_from_url("https://x.gov.cn/col/202605/t20260520_1.html"),
            Some(2026)
        );
        assert_eq!(
            year_from_url("https://x.gov.cn/col/202512/x.pdf"),
            Some(2025)
        );
        assert_eq!(year_from_url("https://x.gov.cn/col/index_1.html"), None);
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for s in [
            "年月日",
            "二〇二六年",
            "二〇二六年五月",
            "9999-99-99",
            "0000-00-00",
            "[",
            "【】",
            "日日日日日日",
            "\u{0}\u{ffff}",
            "2026-05-2\u{301}0",
        ] {
            let _ = find(s);
            let _ = parse_exact(s);
            let _ = from_url(s);
        }
        let long = "2026-".repeat(10_000);
        assert_eq!(find(&long), None);
    }
}
