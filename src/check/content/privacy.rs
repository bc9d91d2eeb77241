//! 隐私泄露: personal numbers in published text and attribute values.
//!
//! Three kinds of number, each behind a rules switch:
//! - 18-digit 身份证号 (GB 11643-1999): valid check digit, a real calendar
//!   birth date from 1900 to today, and a province code that exists. Confirmed.
//! - 11-digit mainland mobile numbers `1[3-9]\d{9}`, also written `138-1234-5678`
//!   or `138 1234 5678` (with an optional `+86`/`86` in front). Suspected.
//! - 16–19 digit bank card numbers passing Luhn, starting like a card (3–6, 9). Suspected.
//!
//! A number only counts when it stands alone: not part of a longer digit run,
//! not glued to ASCII letters or to URL / file-name punctuation
//! (`doc_13812345678.html`), not a decimal, not followed by a unit
//! (`15000000000元`). Already masked numbers (`110105********0021`) never match.
//! The finding shows the number masked; the full number never leaves this module.
//!
//! A mobile number labelled as a contact (「联系电话13912345678」, see
//! [`labelled`] and `rules/defaults/privacy.toml`) is published on purpose;
//! the page check decides whether it stands in a list of persons instead.

use crate::rules::content::Contacts;
use chrono::{Datelike, NaiveDate};

/// What kind of personal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// 身份证号.
    IdCard,
    /// 手机号码.
    Mobile,
    /// 银行卡号.
    BankCard,
}

impl NumberKind {
    /// The Chinese name used in details.
    pub fn zh(self) -> &'static str {
        match self {
            NumberKind::IdCard => "身份证号",
            NumberKind::Mobile => "手机号码",
            NumberKind::BankCard => "银行卡号",
        }
    }
}

/// A personal number found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// What it is.
    pub kind: NumberKind,
    /// The digits (an ID's check `X` upper-case), separators removed.
    pub digits: String,
    /// Byte offset of its first character in the searched text.
    pub start: usize,
}

/// Which kinds to look for, and the day that bounds birth dates.
#[derive(Debug, Clone, Copy)]
pub struct Scan {
    /// Look for ID numbers.
    pub ids: bool,
    /// Look for mobile numbers.
    pub mobiles: bool,
    /// Look for bank cards.
    pub cards: bool,
    /// Today (birth dates after it are implausible).
    pub today: NaiveDate,
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643-1999 check character for the first 17 digits (`None` if not 17 digits).
pub fn id_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (b, w) in first17.bytes().zip(ID_WEIGHTS) {
        if !b.is_ascii_digit() {
            return None;
        }
        sum += u32::from(b - b'0') * w;
    }
    ID_CHECK.get((sum % 11) as usize).map(|&c| c as char)
}

/// Province codes (first two digits) of mainland resident ID numbers, plus
/// 81/82/83 (Hong Kong, Macao, Taiwan residence permits).
fn province_ok(code: &str) -> bool {
    matches!(
        code,
        "11" | "12"
            | "13"
            | "14"
            | "15"
            | "21"
            | "22"
            | "23"
            | "31"
            | "32"
            | "33"
            | "34"
            | "35"
            | "36"
            | "37"
            | "41"
            | "42"
            | "43"
            | "44"
            | "45"
            | "46"
            | "50"
            | "51"
            | "52"
            | "53"
            | "54"
            | "61"
            | "62"
            | "63"
            | "64"
            | "65"
            | "81"
            | "82"
            | "83"
    )
}

/// The birth date in an 18-character ID (digits 7–14), if it is a real date.
pub fn id_birth_date(id: &str) -> Option<NaiveDate> {
    let y: i32 = id.get(6..10)?.parse().ok()?;
    let m: u32 = id.get(10..12)?.parse().ok()?;
    let d: u32 = id.get(12..14)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Whether 18 characters (17 digits and a digit or upper-case `X`) are a
/// plausible resident ID: valid check digit, province, and a birth date from
/// 1900-01-01 to `today`.
pub fn is_valid_id(id: &str, today: NaiveDate) -> bool {
    let (Some(first17), Some(last)) = (id.get(..17), id.get(17..)) else {
        return false;
    };
    if id.len() != 18 || id_check_char(first17).map(String::from).as_deref() != Some(last) {
        return false;
    }
    if !id.get(..2).is_some_and(province_ok) {
        return false;
    }
    id_birth_date(id).is_some_and(|d| d.year() >= 1900 && d <= today)
}

/// Whether 11 digits look like a mainland mobile number.
pub fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        // round amounts (15000000000) are money, not phones
        && b[3..].iter().filter(|&&c| c == b'0').count() < 6
}

/// The Luhn check over ASCII digits.
pub fn luhn_ok(d: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in d.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut v = u32::from(b - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !d.is_empty() && sum.is_multiple_of(10)
}

/// Whether 16–19 digits look like a bank card: Luhn-valid, a card-network first digit.
pub fn is_bank_card(d: &str) -> bool {
    (16..=19).contains(&d.len())
        && matches!(d.as_bytes().first(), Some(b'3'..=b'6' | b'9'))
        && luhn_ok(d)
}

/// The number masked for a report: ID first 4 / last 4, mobile first 3 / last 4,
/// card first 6 / last 4; every other character `*`.
pub fn mask(kind: NumberKind, digits: &str) -> String {
    let (head, tail) = match kind {
        NumberKind::IdCard => (4, 4),
        NumberKind::Mobile => (3, 4),
        NumberKind::BankCard => (6, 4),
    };
    let n = digits.chars().count();
    if n <= head + tail {
        return "*".repeat(n);
    }
    digits
        .chars()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { c } else { '*' })
        .collect()
}

/// Whether the number starting at byte `start` of `text` is labelled as a
/// contact: a label of `c` ends at most `c.max_gap_chars` characters before
/// it on the same line (「联系人：王老师，手机：13812345678」), or the number
/// starts its line and the line before is a label alone (a 「联系电话」 cell).
pub fn labelled(text: &str, start: usize, c: &Contacts) -> bool {
    let Some(before) = text.get(..start) else {
        return false;
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.get(line_start..).unwrap_or_default();
    if line.trim().is_empty() {
        let prev = before
            .get(..line_start.saturating_sub(1))
            .unwrap_or_default();
        let prev = prev.rsplit('\n').next().unwrap_or_default();
        let prev = prev.trim().trim_end_matches([':', '：']).trim_end();
        return c.labels.iter().any(|l| l == prev);
    }
    c.labels.iter().any(|l| {
        line.rfind(l.as_str()).is_some_and(|i| {
            line.get(i + l.len()..)
                .is_some_and(|gap| gap.chars().count() <= c.max_gap_chars)
        })
    })
}

/// A run of ASCII digits, possibly ending in an ID's `X`.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    has_x: bool,
}

fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

fn char_after(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

fn glue(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_/\\=&%#@$¥￥".contains(c)
}

/// Whether the token at `start..end` is part of something longer: a code, a
/// URL, a file name, a decimal, a percentage, an amount with a unit.
fn glued(text: &str, start: usize, end: usize) -> bool {
    if let Some(p) = char_before(text, start) {
        if glue(p) {
            return true;
        }
        if matches!(p, '.' | '-' | '+' | ',')
            && char_before(text, start - p.len_utf8()).is_some_and(|c| c.is_ascii_alphanumeric())
        {
            return true;
        }
    }
    if let Some(n) = char_after(text, end) {
        if glue(n) || "元万亿千百个人次件份户吨米克斤亩度％股张台辆笔项天".contains(n)
        {
            return true;
        }
        if matches!(n, '.' | '-' | ',')
            && char_after(text, end + n.len_utf8()).is_some_and(|c| c.is_ascii_alphanumeric())
        {
            return true;
        }
        if n == ' '
            && char_after(text, end + 1)
                .is_some_and(|c| "元万亿千百个人次件份户吨米克斤亩度%％".contains(c))
        {
            return true;
        }
    }
    false
}

fn groups(text: &str) -> Vec<Group> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let mut has_x = false;
        if i < b.len()
            && (b[i] == b'X' || b[i] == b'x')
            && !b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric())
        {
            has_x = true;
            i += 1;
        }
        out.push(Group {
            start,
            end: i,
            has_x,
        });
    }
    out
}

fn digits_of(text: &str, g: &Group) -> String {
    text.get(g.start..g.end)
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// Every personal number in `text` of the kinds `scan` asks for, in order.
pub fn find(text: &str, scan: &Scan) -> Vec<Found> {
    let gs = groups(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < gs.len() {
        // A chain: groups joined by exactly one ' ' or '-'.
        let mut j = i;
        while j + 1 < gs.len() && !gs[j].has_x {
            let sep = text.get(gs[j].end..gs[j + 1].start);
            if matches!(sep, Some(" ") | Some("-")) {
                j += 1;
            } else {
                break;
            }
        }
        let chain = &gs[i..=j];
        if chain.len() > 1
            && let Some(f) = classify_chain(text, chain, scan)
        {
            out.push(f);
        }
        // Each group on its own (a long group next to other numbers still counts).
        for g in chain {
            if glued(text, g.start, g.end) {
                continue;
            }
            let d = digits_of(text, g);
            if let Some(kind) = classify(&d, g.has_x, scan) {
                out.push(Found {
                    kind,
                    digits: d,
                    start: g.start,
                });
            }
        }
        i = j + 1;
    }
    out
}

fn classify(d: &str, has_x: bool, scan: &Scan) -> Option<NumberKind> {
    if scan.ids && d.len() == 18 && is_valid_id(d, scan.today) {
        return Some(NumberKind::IdCard);
    }
    if has_x {
        return None;
    }
    if scan.mobiles && is_mobile(d) {
        return Some(NumberKind::Mobile);
    }
    // An 18-digit number that is a valid ID is never also a card.
    if scan.cards && is_bank_card(d) && !(d.len() == 18 && is_valid_id(d, scan.today)) {
        return Some(NumberKind::BankCard);
    }
    None
}

/// A separated number: `138 1234 5678`, `+86 138-1234-5678`, `110105 19491231 002X`,
/// `6222 0210 0112 3456 789`. The separators must all be the same.
fn classify_chain(text: &str, chain: &[Group], scan: &Scan) -> Option<Found> {
    let first = chain.first()?;
    let last = chain.last()?;
    if glued(text, first.start, last.end) {
        return None;
    }
    let seps: Vec<&str> = chain
        .windows(2)
        .filter_map(|w| text.get(w[0].end..w[1].start))
        .collect();
    if seps.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    let mut lens: Vec<usize> = chain.iter().map(|g| g.end - g.start).collect();
    let mut start_idx = 0;
    // An optional country code in front of a mobile number.
    if lens.len() == 4 && text.get(first.start..first.end) == Some("86") {
        lens.remove(0);
        start_idx = 1;
    }
    let groups = chain.get(start_idx..)?;
    let start = groups.first()?.start;
    let digits: String = groups.iter().map(|g| digits_of(text, g)).collect();
    let kind = match lens.as_slice() {
        [3, 4, 4] if scan.mobiles && is_mobile(&digits) => NumberKind::Mobile,
        [6, 8, 4] if scan.ids && is_valid_id(&digits, scan.today) => NumberKind::IdCard,
        [4, 4, 4, 4] | [4, 4, 4, 4, 1..=3]
            if start_idx == 0 && scan.cards && !last.has_x && is_bank_card(&digits) =>
        {
            NumberKind::BankCard
        }
        _ => return None,
    };
    Some(Found {
        kind,
        digits,
        start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn scan() -> Scan {
        Scan {
            ids: true,
            mobiles: true,
            cards: true,
            today: today(),
        }
    }

    fn found(text: &str) -> Vec<(NumberKind, String)> {
        find(text, &scan())
            .into_iter()
            .map(|f| (f.kind, f.digits))
            .collect()
    }

    fn one(kind: NumberKind, d: &str) -> Vec<(NumberKind, String)> {
        vec![(kind, d.to_string())]
    }

    #[test]
    fn id_check_digit() {
        // The GB 11643 worked example, check character X.
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        assert_eq!(id_check_char("31011519850312123"), Some('4'));
        assert_eq!(id_check_char("3101151985031212"), None);
        assert_eq!(id_check_char("3101151985031212a"), None);
        assert!(is_valid_id("11010519491231002X", today()));
        assert!(is_valid_id("310115198503121234", today()));
        assert!(is_valid_id("440306199007154561", today()));
        // One digit off in the check position, or a changed digit elsewhere.
        assert!(!is_valid_id("110105194912310029", today()));
        assert!(!is_valid_id("310115198503121233", today()));
        assert!(!is_valid_id("310115198503121244", today()));
        // A lower-case x is normalised before this call; here it does not match.
        assert!(!is_valid_id("11010519491231002x", today()));
        assert!(!is_valid_id("11010519491231002", today()));
    }

    #[test]
    fn id_birth_date_rules() {
        // Valid check digits, impossible dates.
        assert!(!is_valid_id("123456199902301238", today())); // 1999-02-30
        assert!(!is_valid_id("310104190002298765", today())); // 1900 is no leap year
        assert!(is_valid_id("310104200002298761", today())); // 2000-02-29 is fine
        assert_eq!(
            id_birth_date("310104200002298761"),
            NaiveDate::from_ymd_opt(2000, 2, 29)
        );
        // Born after "today", or before 1900.
        let id = "31010420250701123".to_string();
        let id = format!("{id}{}", id_check_char(&id).unwrap());
        assert!(!is_valid_id(&id, today()));
        let id = "31010418991231123";
        let id = format!("{id}{}", id_check_char(id).unwrap());
        assert!(!is_valid_id(&id, today()));
        // Unknown province 99 / 71 (Taiwan's own IDs are not this format).
        for p in ["99", "71", "00"] {
            let id = format!("{p}0105194912310020");
            let id = format!("{}{}", &id[..17], id_check_char(&id[..17]).unwrap());
            assert!(!is_valid_id(&id, today()), "{id}");
        }
    }

    #[test]
    fn masking() {
        assert_eq!(
            mask(NumberKind::IdCard, "310115198503121234"),
            "3101**********1234"
        );
        assert_eq!(
            mask(NumberKind::IdCard, "11010519491231002X"),
            "1101**********002X"
        );
        assert_eq!(mask(NumberKind::Mobile, "13812345678"), "138****5678");
        assert_eq!(
            mask(NumberKind::BankCard, "6222021001123456789"),
            "622202*********6789"
        );
        assert_eq!(mask(NumberKind::Mobile, "1234"), "****");
    }

    #[test]
    fn finds_ids() {
        assert_eq!(
            found("申请人张三，身份证号：11010519491231002X，住址略。"),
            one(NumberKind::IdCard, "11010519491231002X")
        );
        assert_eq!(
            found("身份证号码 11010519491231002x"),
            one(NumberKind::IdCard, "11010519491231002X")
        );
        assert_eq!(
            found("310115198503121234"),
            one(NumberKind::IdCard, "310115198503121234")
        );
        assert_eq!(
            found("证件号 110105 19491231 002X 。"),
            one(NumberKind::IdCard, "11010519491231002X")
        );
    }

    #[test]
    fn id_look_alikes_not_reported() {
        // Cards off: a 19-digit run may pass Luhn by chance; that is the card check's business.
        let found = |t: &str| {
            find(
                t,
                &Scan {
                    cards: false,
                    ..scan()
                },
            )
        };
        for t in [
            "身份证号：110105194912310029", // bad check digit
            "编号 123456199902301238",      // 1999-02-30
            "3101151985031212345",          // 19 digits
            "9310115198503121234",          // ID inside a longer run
            "110105********002X",           // already masked
            "1101051949****002X",           // already masked
            "流水号A310115198503121234",    // glued to letters
            "/art/310115198503121234.html", // URL part
            "310115198503121234.5",         // decimal
        ] {
            let f = found(t);
            assert!(f.is_empty(), "{t}: {f:?}");
        }
    }

    #[test]
    fn finds_mobiles() {
        for t in [
            "联系电话：13812345678。",
            "手机13812345678",
            "13812345678",
            "手机：138-1234-5678",
            "手机：138 1234 5678，座机 021-62345678",
            "+86 13812345678",
            "+86 138 1234 5678",
            "86-138-1234-5678",
            "电话13812345678 021-62345678",
        ] {
            assert_eq!(found(t), one(NumberKind::Mobile, "13812345678"), "{t}");
        }
        assert_eq!(found("13812345678，13912345678").len(), 2);
    }

    #[test]
    fn mobile_look_alikes_not_reported() {
        for t in [
            "订单号 2024138123456789", // inside a longer run
            "138123456789",            // 12 digits
            "8613812345678",           // 13 digits
            "12812345678",             // 2nd digit 2
            "138-1234-56789",          // 3-4-5
            "138 1234-5678",           // mixed separators
            "2019 138 1234 5678",      // part of a longer chain
            "doc_13812345678.html",    // file name
            "t13812345678",            // glued to a letter
            "预算15000000000元",       // an amount
            "合计 15000000000",        // round amount
            "13812345678.5",           // decimal
            "1.13812345678",           // decimal
            "13812345678%",            // percentage
            "13812345678 元",          // amount with a unit after a space
            "138****5678",             // masked
            "2021-13812345678",        // hyphen-joined code
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }

    #[test]
    fn bank_cards() {
        assert_eq!(
            found("开户账号：6222021001123456789"),
            one(NumberKind::BankCard, "6222021001123456789")
        );
        assert_eq!(
            found("卡号 6228 4800 1234 5671"),
            one(NumberKind::BankCard, "6228480012345671")
        );
        // Luhn fails / not a card prefix / switch off.
        assert!(luhn_ok("6222021001123456789") && !luhn_ok("6222021001123456788"));
        assert!(found("6222021001123456788").is_empty());
        assert!(luhn_ok("2222021001123456783"));
        assert!(found("2222021001123456783").is_empty());
        let off = Scan {
            cards: false,
            ..scan()
        };
        assert!(find("6222021001123456789", &off).is_empty());
        // An 18-digit valid ID is an ID, never a card, even if Luhn passes.
        let f = found("310115198503121234");
        assert_eq!(f, one(NumberKind::IdCard, "310115198503121234"));
    }

    #[test]
    fn switches() {
        let only_ids = Scan {
            mobiles: false,
            cards: false,
            ..scan()
        };
        assert!(find("13812345678", &only_ids).is_empty());
        let only_mobiles = Scan {
            ids: false,
            cards: false,
            ..scan()
        };
        assert!(find("11010519491231002X", &only_mobiles).is_empty());
    }

    #[test]
    fn offsets_point_at_the_number() {
        let t = "电话：+86 138 1234 5678";
        let f = find(t, &scan());
        assert_eq!(&t[f[0].start..f[0].start + 3], "138");
    }

    #[test]
    fn contact_labels() {
        let c = crate::rules::content::contacts().unwrap();
        let at = |t: &str| {
            let f = find(t, &scan());
            assert_eq!(f.len(), 1, "{t}: {f:?}");
            labelled(t, f[0].start, &c)
        };
        for t in [
            "联系方式：张三，联系电话13912345678",
            "联系人：王老师，手机：13812345678。",
            "联系人：张三 13912345678",
            "咨询电话：13912345678",
            "报名请联系：李老师（电话 139-1234-5678）",
            "联系电话\n13912345678",
            "联系电话：\n13912345678",
        ] {
            assert!(at(t), "{t}");
        }
        for t in [
            "13912345678",
            "张三 13912345678",
            "联系电话：021-62345678、0571-87001234、13912345678", // too far
            "联系电话\n张三\n13912345678",                        // a header two cells away
            "联系人：张三\n13912345678", // the line before is not a label alone
            "申请人张三，身份证号后为13912345678",
        ] {
            assert!(!at(t), "{t}");
        }
        assert!(!labelled("电话", 99, &c));
    }

    #[test]
    fn hostile_text_does_not_panic() {
        for t in [
            "",
            "1",
            "X",
            "1X",
            "-",
            "1-",
            "-1",
            " 1 ",
            "１３８１２３４５６７８",
            "1\u{3000}1",
        ] {
            let _ = found(t);
        }
    }
}
