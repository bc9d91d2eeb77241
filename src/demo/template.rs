//! Date placeholders in served files and file names, so a fixture site stays
//! realistic whatever today is.
//!
//! Grammar (ASCII, so replacement works byte-wise in GBK files too):
//! `{{NAME}}`, `{{NAME:-N}}` or `{{NAME-N}}` (`+N` too), optionally followed by
//! `:zh`. The colon before the offset is optional so that the same tokens can be
//! used in file names (Windows forbids `:` there).
//!
//! | token | offset unit | output for 2026-05-20 |
//! | --- | --- | --- |
//! | `{{date:-N}}` | days | `2026-05-20` |
//! | `{{date:-N:zh}}` | days | `2026年5月20日` |
//! | `{{ymd-N}}` | days | `20260520` (TRS `tYYYYMMDD_` file names) |
//! | `{{ym-N}}` | days | `202605` (TRS month folders) |
//! | `{{year}}`, `{{year:-N}}` | years | `2026` |
//!
//! Anything else between `{{` and `}}` is left as written. Chinese output is
//! encoded in the file's own encoding.

use chrono::{Datelike, Days, NaiveDate};
use encoding_rs::{Encoding, UTF_8};
use std::borrow::Cow;

/// Longest placeholder looked at (between `{{` and `}}`).
const MAX_TOKEN: usize = 24;

/// Replaces the placeholders in `input`, encoding Chinese output with `enc`.
/// Returns the input unchanged (borrowed) when it has no placeholder.
pub fn expand<'a>(input: &'a [u8], today: NaiveDate, enc: &'static Encoding) -> Cow<'a, [u8]> {
    if !contains(input, b"{{") {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i..].starts_with(b"{{") {
            let window = &input[i + 2..input.len().min(i + 2 + MAX_TOKEN + 2)];
            if let Some(end) = find(window, b"}}")
                && let Some(text) = render(&window[..end], today)
            {
                let (bytes, _, _) = enc.encode(&text);
                out.extend_from_slice(&bytes);
                i += 2 + end + 2;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    Cow::Owned(out)
}

/// Replaces the placeholders in a UTF-8 string (file names, route keys, redirects).
pub fn expand_str(s: &str, today: NaiveDate) -> String {
    match expand(s.as_bytes(), today, UTF_8) {
        Cow::Borrowed(_) => s.to_string(),
        Cow::Owned(v) => String::from_utf8_lossy(&v).into_owned(),
    }
}

/// The output for one placeholder body (what is between the braces), or None.
fn render(token: &[u8], today: NaiveDate) -> Option<String> {
    let token = std::str::from_utf8(token).ok()?;
    let (token, zh) = match token.strip_suffix(":zh") {
        Some(t) => (t, true),
        None => (token, false),
    };
    let name_end = token
        .find(|c: char| !c.is_ascii_lowercase())
        .unwrap_or(token.len());
    let (name, rest) = token.split_at(name_end);
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let offset: i64 = if rest.is_empty() {
        0
    } else {
        let digits = rest.strip_prefix(['-', '+'])?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 6 {
            return None;
        }
        rest.parse().ok()?
    };
    match name {
        "year" => {
            let y = i64::from(today.year()) + offset;
            Some(if zh { format!("{y}年") } else { y.to_string() })
        }
        "date" | "ymd" | "ym" => {
            let d = shift(today, offset)?;
            Some(match (name, zh) {
                ("date", false) => d.format("%Y-%m-%d").to_string(),
                ("date", true) => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
                ("ymd", _) => d.format("%Y%m%d").to_string(),
                _ => d.format("%Y%m").to_string(),
            })
        }
        _ => None,
    }
}

fn shift(d: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days < 0 {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
    } else {
        d.checked_add_days(Days::new(days.unsigned_abs()))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

/// The charset a text file declares in its first 2 KiB (`<meta charset>`,
/// `http-equiv` content, `@charset`), if encoding_rs knows the label.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = find(&lower, b"charset")?;
    let rest = &lower[at + 7..];
    let rest = trim_start(rest, |b| b == b' ' || b == b'=' || b == b'"' || b == b'\'');
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

/// The charset named in a Content-Type value, if encoding_rs knows it.
pub fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset=")?;
    let label = lower[at + 8..]
        .trim_matches(|c| c == '"' || c == ' ')
        .split([';', ' ', '"'])
        .next()?;
    Encoding::for_label(label.as_bytes())
}

fn trim_start(s: &[u8], f: impl Fn(u8) -> bool) -> &[u8] {
    let n = s.iter().take_while(|b| f(**b)).count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::GBK;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
    }

    fn ex(s: &str) -> String {
        expand_str(s, day())
    }

    #[test]
    fn dates_and_years() {
        assert_eq!(ex("{{date}}"), "2026-05-20");
        assert_eq!(ex("{{date:-1}}"), "2026-05-19");
        assert_eq!(ex("{{date-20}}"), "2026-04-30");
        assert_eq!(ex("{{date:+12}}"), "2026-06-01");
        assert_eq!(ex("{{date:-320}}"), "2025-07-04");
        assert_eq!(ex("{{date:-0:zh}}"), "2026年5月20日");
        assert_eq!(ex("{{date:-19:zh}}"), "2026年5月1日");
        assert_eq!(ex("{{year}}"), "2026");
        assert_eq!(ex("{{year:-1}}"), "2025");
        assert_eq!(ex("{{year-2:zh}}"), "2024年");
        assert_eq!(
            ex("t{{ymd-3}}_1234.html in {{ym-3}}"),
            "t20260517_1234.html in 202605"
        );
        assert_eq!(ex("{{ym-20}}"), "202604");
    }

    #[test]
    fn leaves_other_braces_alone() {
        for s in [
            "{{}}",
            "{{ date }}",
            "{{date:-x}}",
            "{{date:-}}",
            "{{month}}",
            "{{date:-1",
            "function(){{return 1}}",
            "{{{{",
            "{{date:-1234567}}",
        ] {
            assert_eq!(ex(s), s, "{s}");
        }
        assert_eq!(ex("{{{date:-1}}}"), "{2026-05-19}");
    }

    #[test]
    fn gbk_bytes_stay_gbk() {
        let (src, _, _) = GBK.encode("发布日期：{{date:-1:zh}} 共{{year}}年");
        let out = expand(&src, day(), GBK);
        let (text, had_errors) = GBK.decode_without_bom_handling(&out);
        assert!(!had_errors);
        assert_eq!(text, "发布日期：2026年5月19日 共2026年");
    }

    #[test]
    fn borrowed_when_nothing_to_do() {
        assert!(matches!(expand(b"plain", day(), UTF_8), Cow::Borrowed(_)));
    }

    #[test]
    fn charset_sniffing() {
        assert_eq!(
            declared_charset(b"<html><head><meta charset=\"gb2312\">"),
            Some(GBK)
        );
        assert_eq!(
            declared_charset(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\" />"
            ),
            Some(GBK)
        );
        assert_eq!(declared_charset(b"<html><body>no charset"), None);
        assert_eq!(header_charset("text/html; charset=gbk"), Some(GBK));
        assert_eq!(header_charset("text/html;charset=\"utf-8\""), Some(UTF_8));
        assert_eq!(header_charset("text/html"), None);
    }
}
