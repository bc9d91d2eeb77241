//! Content check settings: `[content]` in a site file, compiled into [`Content`].
//!
//! Switches for each privacy number type, the allow list of numbers meant to be
//! public (a service hotline), the 严重错误 word list (the shipped
//! `rules/defaults/forbidden.txt`, inline `forbidden` entries and
//! `forbidden_files`), and the accessibility switches. Everything is validated
//! and compiled once here (the word list into one Aho-Corasick automaton), so
//! the page checks in [`crate::check::content`] do no setup per page.
//!
//! Word-list syntax, one entry a line (files) or one entry a string (inline):
//! `wrong` or `wrong => right` (a suggested correction); a leading `?` marks an
//! entry that is wrong *today* but may be right in old articles (outdated body
//! names): it is reported as a suspected warning, not a confirmed error. A `?`
//! entry may end in `@YYYY-MM-DD`, the day the new name took effect: it is then
//! reported only on pages published on or after that day (undated pages still
//! count) and never when the audit's today is before it. Blank lines and lines
//! starting with `#` are skipped.

use super::{Ctx, RulesError};
use aho_corasick::{AhoCorasick, MatchKind};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

const FORBIDDEN: &str = include_str!("../../rules/defaults/forbidden.txt");
const PRIVACY: &str = include_str!("../../rules/defaults/privacy.toml");
const PRIVACY_PATH: &str = "rules/defaults/privacy.toml";

/// Which mobile numbers are contacts published on purpose
/// (`rules/defaults/privacy.toml`, `[contacts]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    /// Labels that mark the number after them as a contact (联系电话, 联系人 …).
    pub labels: Vec<String>,
    /// Most characters between the end of a label and the number.
    pub max_gap_chars: usize,
    /// More labelled numbers than this on a page are a list of persons.
    pub max_per_page: usize,
    /// Personal numbers in a page's table cells that make them a table of persons.
    pub table_numbers: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrivacyPack {
    contacts: Contacts,
}

/// The shipped contact rules, validated.
pub fn contacts() -> Result<Contacts, RulesError> {
    let ctx = Ctx {
        path: std::path::Path::new(PRIVACY_PATH),
        text: PRIVACY,
    };
    let pack: PrivacyPack = toml::from_str(PRIVACY).map_err(|e| RulesError::Parse {
        path: PRIVACY_PATH.into(),
        line: e
            .span()
            .map(|s| PRIVACY[..s.start.min(PRIVACY.len())].lines().count())
            .unwrap_or(0),
        message: e.message().trim().to_string(),
    })?;
    let c = pack.contacts;
    if c.labels.iter().any(|l| l.trim().is_empty()) {
        return Err(ctx.invalid("contacts.labels", "entries must not be empty"));
    }
    if c.max_gap_chars > 40 {
        return Err(ctx.invalid("contacts.max_gap_chars", "at most 40"));
    }
    if c.max_per_page == 0 {
        return Err(ctx.invalid("contacts.max_per_page", "must be at least 1"));
    }
    if c.table_numbers < 2 {
        return Err(ctx.invalid("contacts.table_numbers", "must be at least 2"));
    }
    Ok(c)
}

/// `[content]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContentSection {
    /// Report 18-digit 身份证号 with a valid check digit.
    pub id_numbers: bool,
    /// Report 11-digit mainland mobile numbers.
    pub mobile_numbers: bool,
    /// Report 16–19 digit bank card numbers passing Luhn (off by default: more look-alikes).
    pub bank_cards: bool,
    /// Numbers meant to be public (service hotlines …), never reported. Digits,
    /// optionally with spaces or `-`, an ID may end in `X`.
    pub allow: Vec<String>,
    /// Report text from the 严重错误 word lists.
    pub forbidden_text: bool,
    /// Extra word-list entries: `wrong` or `wrong => right`.
    pub forbidden: Vec<String>,
    /// Extra word-list files, relative to the rules file.
    pub forbidden_files: Vec<String>,
    /// Use only the site's entries and files, not the shipped list.
    pub replace_default_forbidden: bool,
    /// Report images without `alt`, pages without `<html lang>` or `<title>`.
    pub accessibility: bool,
    /// Most images without alt reported one by one on a page; the rest are one summary finding.
    pub max_images_per_page: usize,
}

impl Default for ContentSection {
    fn default() -> Self {
        ContentSection {
            id_numbers: true,
            mobile_numbers: true,
            bank_cards: false,
            allow: Vec::new(),
            forbidden_text: true,
            forbidden: Vec::new(),
            forbidden_files: Vec::new(),
            replace_default_forbidden: false,
            accessibility: true,
            max_images_per_page: 50,
        }
    }
}

/// One word-list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForbiddenEntry {
    /// The wrong text, matched as written.
    pub wrong: String,
    /// The suggested correction, if the list gives one.
    pub right: Option<String>,
    /// Wrong today but possibly right in old articles (`?` entries): a suspected warning.
    pub suspected: bool,
    /// For a `?` entry: the day the new name took effect (`@YYYY-MM-DD`). Pages
    /// published before it use the name of their time.
    pub since: Option<NaiveDate>,
}

/// The compiled word list: entries and one leftmost-longest automaton over them.
#[derive(Debug, Clone, Default)]
pub struct Forbidden {
    entries: Vec<ForbiddenEntry>,
    automaton: Option<AhoCorasick>,
}

impl Forbidden {
    /// Builds the automaton (pattern ids are indexes into `entries`).
    pub fn new(entries: Vec<ForbiddenEntry>) -> Result<Forbidden, String> {
        if entries.is_empty() {
            return Ok(Forbidden::default());
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(entries.iter().map(|e| e.wrong.as_str()))
            .map_err(|e| e.to_string())?;
        Ok(Forbidden {
            entries,
            automaton: Some(automaton),
        })
    }

    /// The entries, in list order.
    pub fn entries(&self) -> &[ForbiddenEntry] {
        &self.entries
    }

    /// Non-overlapping leftmost-longest matches in `text`: (entry, byte start, byte end).
    pub fn find_iter<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = (&'a ForbiddenEntry, usize, usize)> + 'a {
        self.automaton
            .iter()
            .flat_map(move |ac| ac.find_iter(text))
            .filter_map(|m| {
                self.entries
                    .get(m.pattern().as_usize())
                    .map(|e| (e, m.start(), m.end()))
            })
    }
}

/// Compiled content settings.
#[derive(Debug, Clone)]
pub struct Content {
    /// Report ID numbers.
    pub id_numbers: bool,
    /// Report mobile numbers.
    pub mobile_numbers: bool,
    /// Report bank card numbers.
    pub bank_cards: bool,
    /// Allowed numbers, digits only (an ID's `X` upper-case).
    pub allow: HashSet<String>,
    /// Report forbidden text.
    pub forbidden_text: bool,
    /// The word list.
    pub forbidden: Forbidden,
    /// Report accessibility problems.
    pub accessibility: bool,
    /// Cap on per-image findings per page.
    pub max_images_per_page: usize,
    /// Which mobile numbers are contacts published on purpose.
    pub contacts: Contacts,
}

impl Default for Content {
    /// The defaults with the shipped word list (the list is tested to parse).
    fn default() -> Self {
        let ctx = Ctx {
            path: std::path::Path::new("<defaults>"),
            text: "",
        };
        Content::compile(&ContentSection::default(), &ctx).unwrap_or(Content {
            id_numbers: true,
            mobile_numbers: true,
            bank_cards: false,
            allow: HashSet::new(),
            forbidden_text: true,
            forbidden: Forbidden::default(),
            accessibility: true,
            max_images_per_page: 50,
            contacts: contacts().unwrap_or_default(),
        })
    }
}

impl Content {
    /// Validates and compiles.
    pub fn compile(sec: &ContentSection, ctx: &Ctx) -> Result<Content, RulesError> {
        let mut allow = HashSet::new();
        for (i, a) in sec.allow.iter().enumerate() {
            let n = normalize_number(a).ok_or_else(|| {
                ctx.invalid(
                    "content.allow",
                    &format!(
                        "entry {} `{a}` is not a number (3 to 19 digits, spaces or '-' allowed, an ID may end in X)",
                        i + 1
                    ),
                )
            })?;
            allow.insert(n);
        }
        if sec.max_images_per_page == 0 {
            return Err(ctx.invalid("content.max_images_per_page", "must be at least 1"));
        }

        let mut list = ListBuilder::default();
        if !sec.replace_default_forbidden {
            let entries = parse_forbidden_list(FORBIDDEN).map_err(|m| {
                ctx.invalid("content.forbidden", &format!("built-in forbidden.txt: {m}"))
            })?;
            list.extend(entries);
        }
        for (i, s) in sec.forbidden.iter().enumerate() {
            let e = parse_entry(s)
                .map_err(|m| ctx.invalid("content.forbidden", &format!("entry {}: {m}", i + 1)))?;
            list.extend([e]);
        }
        for f in &sec.forbidden_files {
            let full = ctx.relative(f);
            let text = std::fs::read_to_string(&full).map_err(|e| {
                ctx.invalid(
                    "content.forbidden_files",
                    &format!("cannot read {}: {e}", full.display()),
                )
            })?;
            let entries = parse_forbidden_list(&text).map_err(|m| {
                ctx.invalid(
                    "content.forbidden_files",
                    &format!("{}:{m}", full.display()),
                )
            })?;
            list.extend(entries);
        }
        let forbidden = Forbidden::new(list.entries)
            .map_err(|m| ctx.invalid("content.forbidden", &format!("cannot compile: {m}")))?;

        Ok(Content {
            id_numbers: sec.id_numbers,
            mobile_numbers: sec.mobile_numbers,
            bank_cards: sec.bank_cards,
            allow,
            forbidden_text: sec.forbidden_text,
            forbidden,
            accessibility: sec.accessibility,
            max_images_per_page: sec.max_images_per_page,
            contacts: contacts()?,
        })
    }

    /// Whether a detected number (digits, an ID's `X` upper-case) is on the allow list.
    pub fn is_allowed(&self, digits: &str) -> bool {
        self.allow.contains(digits)
    }
}

/// Entries in order; a later entry with the same wrong text replaces the earlier one.
#[derive(Default)]
struct ListBuilder {
    entries: Vec<ForbiddenEntry>,
    index: HashMap<String, usize>,
}

impl ListBuilder {
    fn extend(&mut self, entries: impl IntoIterator<Item = ForbiddenEntry>) {
        for e in entries {
            match self.index.get(&e.wrong) {
                Some(&i) => {
                    if let Some(slot) = self.entries.get_mut(i) {
                        *slot = e;
                    }
                }
                None => {
                    self.index.insert(e.wrong.clone(), self.entries.len());
                    self.entries.push(e);
                }
            }
        }
    }
}

/// Normalises an allow-list number: strips spaces and `-`, upper-cases a final
/// `x`; `None` unless 3–19 digits (the last may be `X`).
pub fn normalize_number(s: &str) -> Option<String> {
    let n: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let body = n.strip_suffix('X').unwrap_or(&n);
    let ok =
        (3..=19).contains(&n.len()) && !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(n)
}

/// Parses one entry: `wrong`, `wrong => right`, optionally prefixed with `?`;
/// a `?` entry may end in `@YYYY-MM-DD` (the day the new name took effect).
pub fn parse_entry(s: &str) -> Result<ForbiddenEntry, String> {
    let s = s.trim();
    let (suspected, s) = match s.strip_prefix('?') {
        Some(rest) => (true, rest.trim()),
        None => (false, s),
    };
    let (s, since) = match s.rsplit_once('@') {
        Some((rest, date)) => {
            let date = date.trim();
            let d = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .ok()
                .filter(|_| date.len() == 10)
                .ok_or_else(|| format!("`@{date}`: write the date as @YYYY-MM-DD"))?;
            if !suspected {
                return Err(format!(
                    "`@{date}`: only `?` entries (outdated names) take a date"
                ));
            }
            (rest.trim(), Some(d))
        }
        None => (s, None),
    };
    let (wrong, right) = match s.split_once("=>") {
        Some((w, r)) => {
            let r = r.trim();
            if r.is_empty() {
                return Err(format!("`{s}`: nothing after `=>`"));
            }
            (w.trim(), Some(r.to_string()))
        }
        None => (s, None),
    };
    if wrong.is_empty() {
        return Err("empty entry".into());
    }
    if right.as_deref() == Some(wrong) {
        return Err(format!("`{wrong}`: the suggestion is the same text"));
    }
    Ok(ForbiddenEntry {
        wrong: wrong.to_string(),
        right,
        suspected,
        since,
    })
}

/// Parses a word-list file; an error names the 1-based line.
pub fn parse_forbidden_list(text: &str) -> Result<Vec<ForbiddenEntry>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim().trim_start_matches('\u{feff}');
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        out.push(parse_entry(t).map_err(|m| format!("{}: {m}", i + 1))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;
    use std::path::Path;

    const SITE: &str = "[site]\nstart_urls = [\"https://www.example.gov.cn/\"]\n";

    fn rules(extra: &str) -> Result<Rules, RulesError> {
        Rules::from_toml(&format!("{SITE}{extra}"), Path::new("x.toml"))
    }

    fn err(extra: &str) -> String {
        match rules(extra) {
            Ok(_) => panic!("expected an error for {extra}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn defaults() {
        let r = rules("").unwrap();
        let c = &r.content;
        assert!(c.id_numbers && c.mobile_numbers && !c.bank_cards);
        assert!(c.forbidden_text && c.accessibility);
        assert_eq!(c.max_images_per_page, 50);
        assert!(c.allow.is_empty());
        assert!(c.forbidden.entries().len() > 20);
        // Content::default() is the same as compiling the default section.
        assert_eq!(
            Content::default().forbidden.entries(),
            c.forbidden.entries()
        );
    }

    #[test]
    fn shipped_list_parses_and_has_suggestions() {
        let list = parse_forbidden_list(FORBIDDEN).unwrap();
        assert!(list.iter().any(|e| e.wrong == "中华人民共合国"
            && e.right.as_deref() == Some("中华人民共和国")
            && !e.suspected));
        assert!(list.iter().any(|e| e.wrong == "国家工商行政管理总局"
            && e.right.as_deref() == Some("国家市场监督管理总局")
            && e.suspected));
        let mut seen = HashSet::new();
        for e in &list {
            assert!(seen.insert(e.wrong.clone()), "duplicate entry {}", e.wrong);
        }
    }

    #[test]
    fn parses_entries() {
        assert_eq!(
            parse_entry(" 社会主意 => 社会主义 ").unwrap(),
            ForbiddenEntry {
                wrong: "社会主意".into(),
                right: Some("社会主义".into()),
                suspected: false,
                since: None,
            }
        );
        assert_eq!(
            parse_entry("?质监局=>市场监督管理局").unwrap(),
            ForbiddenEntry {
                wrong: "质监局".into(),
                right: Some("市场监督管理局".into()),
                suspected: true,
                since: None,
            }
        );
        assert_eq!(parse_entry("习进平").unwrap().right, None);
        assert!(parse_entry("").is_err());
        assert!(parse_entry("  => 社会主义").is_err());
        assert!(parse_entry("社会主意 =>").is_err());
        assert!(parse_entry("甲 => 甲").is_err());
        assert_eq!(
            parse_forbidden_list("# c\n\n甲\n=> 乙\n").unwrap_err(),
            "4: empty entry"
        );
    }

    #[test]
    fn dated_entries() {
        let e = parse_entry("?中国银保监会 => 国家金融监督管理总局 @2023-05-18").unwrap();
        assert_eq!(e.wrong, "中国银保监会");
        assert_eq!(e.right.as_deref(), Some("国家金融监督管理总局"));
        assert_eq!(e.since, NaiveDate::from_ymd_opt(2023, 5, 18));
        let e = parse_entry("?旧名称@2018-04-10").unwrap();
        assert_eq!((e.wrong.as_str(), e.right), ("旧名称", None));
        assert!(e.since.is_some());
        for bad in [
            "旧 => 新 @2018-04-10",
            "?旧 => 新 @2018-4-10",
            "?旧 => 新 @2018-02-30",
            "?旧 => 新 @",
            "?旧 => 新 @昨天",
        ] {
            assert!(parse_entry(bad).is_err(), "{bad}");
        }
        // Every outdated name of the shipped list carries its date.
        let list = parse_forbidden_list(FORBIDDEN).unwrap();
        for e in list.iter().filter(|e| e.suspected) {
            assert!(e.since.is_some(), "{} has no date", e.wrong);
        }
        let d = |w: &str| list.iter().find(|e| e.wrong == w).unwrap().since.unwrap();
        assert_eq!(d("中国银行保险监督管理委员会").to_string(), "2023-05-18");
        assert_eq!(d("中国银保监会").to_string(), "2023-05-18");
        assert_eq!(d("国家工商行政管理总局").to_string(), "2018-04-10");
    }

    #[test]
    fn allow_list_is_normalised_and_validated() {
        let r = rules(
            "[content]\nallow = [\"12345\", \"138-0013-8000\", \"11010519491231002x\", \"021 6234 5678\"]\n",
        )
        .unwrap();
        assert!(r.content.is_allowed("12345"));
        assert!(r.content.is_allowed("13800138000"));
        assert!(r.content.is_allowed("11010519491231002X"));
        assert!(r.content.is_allowed("02162345678"));
        assert!(!r.content.is_allowed("13912345678"));

        for bad in [
            "\"12a45\"",
            "\"12\"",
            "\"\"",
            "\"X\"",
            "\"12345678901234567890\"",
        ] {
            let e = err(&format!("[content]\nallow = [{bad}]\n"));
            assert!(e.contains("x.toml:4: key `content.allow`"), "{e}");
            assert!(e.contains("entry 1"), "{e}");
        }
    }

    #[test]
    fn inline_entries_add_to_and_override_defaults() {
        let r = rules("[content]\nforbidden = [\"错误说法 => 正确说法\", \"中华人民共合国\"]\n")
            .unwrap();
        let list = r.content.forbidden.entries();
        assert!(list.iter().any(|e| e.wrong == "错误说法"));
        let e = list.iter().find(|e| e.wrong == "中华人民共合国").unwrap();
        assert_eq!(e.right, None, "a site entry replaces the shipped one");
        assert_eq!(
            list.iter().filter(|e| e.wrong == "中华人民共合国").count(),
            1
        );

        let r =
            rules("[content]\nreplace_default_forbidden = true\nforbidden = [\"甲乙\"]\n").unwrap();
        assert_eq!(r.content.forbidden.entries().len(), 1);

        let r = rules("[content]\nreplace_default_forbidden = true\n").unwrap();
        assert!(r.content.forbidden.entries().is_empty());
        assert_eq!(r.content.forbidden.find_iter("任何文字").count(), 0);
    }

    #[test]
    fn bad_entries_name_the_key() {
        let e = err("[content]\nforbidden = [\"甲\", \"  \"]\n");
        assert!(e.contains("key `content.forbidden`"), "{e}");
        assert!(e.contains("entry 2: empty entry"), "{e}");
        let e = err("[content]\nmax_images_per_page = 0\n");
        assert!(e.contains("content.max_images_per_page"), "{e}");
        let e = err("[content]\nnope = 1\n");
        assert!(e.contains("nope"), "{e}");
    }

    #[test]
    fn forbidden_files_are_relative_to_the_rules_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("words")).unwrap();
        std::fs::write(
            dir.path().join("words/extra.txt"),
            "\u{feff}# 本局补充\n上海市知识产权局局 => 上海市知识产权局\n?旧名称\n",
        )
        .unwrap();
        let path = dir.path().join("site.toml");
        let text = format!("{SITE}[content]\nforbidden_files = [\"words/extra.txt\"]\n");
        let r = Rules::from_toml(&text, &path).unwrap();
        let list = r.content.forbidden.entries();
        assert!(list.iter().any(|e| e.wrong == "上海市知识产权局局"));
        assert!(list.iter().any(|e| e.wrong == "旧名称" && e.suspected));

        let text = format!("{SITE}[content]\nforbidden_files = [\"words/missing.txt\"]\n");
        let e = Rules::from_toml(&text, &path).unwrap_err().to_string();
        assert!(e.contains("key `content.forbidden_files`"), "{e}");
        assert!(e.contains("missing.txt"), "{e}");

        std::fs::write(dir.path().join("words/bad.txt"), "甲\n乙 =>\n").unwrap();
        let text = format!("{SITE}[content]\nforbidden_files = [\"words/bad.txt\"]\n");
        let e = Rules::from_toml(&text, &path).unwrap_err().to_string();
        assert!(e.contains("key `content.forbidden_files`"), "{e}");
        assert!(e.contains("bad.txt:2:"), "{e}");
    }

    #[test]
    fn automaton_is_leftmost_longest() {
        let f = Forbidden::new(vec![
            parse_entry("国家工商总局").unwrap(),
            parse_entry("国家工商总局商标局 => 国家知识产权局商标局").unwrap(),
        ])
        .unwrap();
        let m: Vec<_> = f
            .find_iter("原国家工商总局商标局和国家工商总局")
            .map(|(e, s, t)| (e.wrong.as_str(), s, t))
            .collect();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].0, "国家工商总局商标局");
        assert_eq!(m[1].0, "国家工商总局");
    }
}
