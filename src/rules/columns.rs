//! Required columns (栏目): `[portal]` and `[[columns]]` in a site file, over the
//! national defaults pack (`rules/defaults/national.toml`, embedded).
//!
//! Input: the sections as written. Output: [`Columns`], validated and compiled
//! (regexes, selector, windows resolved from the column types, due dates
//! checked). Every mistake is a [`RulesError`] naming the file, the line of the
//! offending key inside its `[[columns]]` block, and the key (`columns[2].url_pattern`).
//!
//! ```toml
//! [portal]
//! urls = ["https://sipa.sh.gov.cn/zwgk/"]     # pages whose navigation lists the columns
//!
//! [[columns]]
//! name = "政府信息公开年报"
//! link_text = ["政府信息公开年报", "年度报告"]   # portal link texts (exact, spaces ignored)
//! url_pattern = '/zfxxgknb/(index(_\d+)?\.html)?$' # and/or: regex on the column page URL
//! type = "other"                               # window from the national pack …
//! window_days = 400                            # … or explicitly
//! min_items = 1
//! belongs = { titles = ["年度报告"], urls = ['/zfxxgknb/'], columns = [] }
//! not_belongs = { titles = ["调研", "会见"], urls = [] }
//! required_items = [{ title = "{year}年.*政府信息公开工作年度报告", due = "01-31", year = "previous" }]
//! ```

use super::{Ctx, RulesError};
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::path::Path;
use url::Url;

/// The national defaults pack, embedded.
pub const NATIONAL: &str = include_str!("../../rules/defaults/national.toml");
const NATIONAL_PATH: &str = "rules/defaults/national.toml";

/// A string or a list of strings (`link_text = "政策文件"` or `link_text = ["政策文件", "文件"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrList(pub Vec<String>);

impl<'de> Deserialize<'de> for StrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StrList, E> {
                Ok(StrList(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrList, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    v.push(s);
                }
                Ok(StrList(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// `[portal]`: the disclosure portal pages whose navigation lists the columns.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortalSection {
    /// Portal URLs (政府信息公开 / 政务公开 专栏). Empty: the start URLs.
    pub urls: Vec<String>,
    /// Overrides the national homepage window (14 days).
    pub homepage_window_days: Option<u32>,
    /// CSS selector of the item rows on list pages (default: `li`, `tr`, `dd` rows
    /// with a link, outside navigation), for templates the default misreads.
    pub list_selector: Option<String>,
    /// More phrases that mark an empty list, besides the national ones (暂无信息 …).
    pub empty_phrases: Vec<String>,
}

/// `belongs` of a column: what an item must look like (each list: any entry suffices).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BelongsSection {
    /// Words of which an item title must contain one (when given).
    pub titles: Vec<String>,
    /// Regexes of which an item URL must match one (when given).
    pub urls: Vec<String>,
    /// Other columns whose items may be listed here (e.g. 规范性文件 in 政策文件):
    /// an article page naming them is not mixed.
    pub columns: Vec<String>,
}

/// `not_belongs` of a column: what marks an item as out of place (专栏姓专).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotBelongsSection {
    /// Words that must not appear in an item title (e.g. 调研, 会见 in a 法定主动公开 column).
    pub titles: Vec<String>,
    /// Regexes that an item URL must not match (e.g. the news folder).
    pub urls: Vec<String>,
    /// `false`: the national defaults of the column's type (news-style titles in a
    /// statutory column) are not applied; only this column's words count.
    pub defaults: Option<bool>,
}

/// One required item of a column, e.g. the yearly 政府信息公开工作年度报告.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequiredItemRule {
    /// Regex on item titles; `{year}` is replaced by the expected year.
    pub title: String,
    /// Due date in the year, `MM-DD`.
    pub due: String,
    /// Which year `{year}` is, relative to the year of the due date: `current`
    /// (default; 重大行政决策事项目录 due 03-31) or `previous` (年报 due 01-31).
    pub year: String,
}

/// One required column as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ColumnRule {
    /// Column name (as shown in reports; unique).
    pub name: String,
    /// Link texts in the portal navigation that lead to it (exact, whitespace ignored).
    /// Default: the name.
    pub link_text: StrList,
    /// Regexes on the column page URL(s); crawled pages matching one are the column
    /// (all of them are merged, e.g. `?page=N` pagination).
    pub url_pattern: StrList,
    /// A type of the national pack (`dynamic`, `notice`, `policy`, `personnel`,
    /// `plan`, `other`, `static`, or their Chinese aliases); default `other`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Update window in days (overrides the type's window).
    pub window_days: Option<u32>,
    /// Fewest items the column must list (default 1).
    pub min_items: Option<u32>,
    /// The column is one document (a guide page), not a list.
    pub single_page: bool,
    /// What belongs.
    pub belongs: BelongsSection,
    /// What does not belong.
    pub not_belongs: NotBelongsSection,
    /// Items that must be published by a due date.
    pub required_items: Vec<RequiredItemRule>,
    /// CSS selector of the item rows on this column's pages (those matching
    /// `url_pattern`), when the list heuristics miss.
    pub list_selector: Option<String>,
    /// How this column's list writes dates: a regex with named groups `m`,
    /// `d` and optionally `y`.
    pub date_pattern: Option<String>,
    /// A data endpoint serving this column's rows (JSON, Hanweb datastore XML
    /// or an HTML fragment); `{page}` stands for the page number (from 1).
    pub data_url: Option<String>,
    /// Form (or JSON) body to POST to `data_url` (`{page}` allowed); absent: GET.
    pub data_form: Option<String>,
}

/// `[homepage]` of the national pack.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HomepageDefaults {
    window_days: u32,
}

/// The veto thresholds of the national indicators (from the national pack).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct VetoThresholds {
    /// Stale 动态/要闻/通知公告/政策文件 columns that veto the site.
    pub stale_dynamic_notice_policy: usize,
    /// Long-unupdated columns that veto the site.
    pub long_unupdated: usize,
    /// Blank columns that veto the site.
    pub blank: usize,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListDefaults {
    empty_phrases: Vec<String>,
    single_page_min_chars: usize,
}

/// A column type of the national pack.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnType {
    /// ASCII name used in site files.
    pub name: String,
    /// Chinese label.
    pub zh: String,
    /// Other names accepted in site files.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Update window; None: updated on change only.
    #[serde(default)]
    pub window_days: Option<u32>,
    /// Counts toward the veto of stale 动态/通知/政策 columns.
    #[serde(default)]
    pub dynamic_notice_policy: bool,
    /// Title sets (`[items.sets]`) this type holds: never mixed by the defaults.
    #[serde(default)]
    pub holds: Vec<String>,
    /// Title sets that are out of place in this type (column_mixed).
    #[serde(default)]
    pub mixed: Vec<String>,
}

/// `[items]` of the national pack: what column types hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemDefaults {
    /// Name parts of columns that list news by nature (never mixed by the defaults).
    news_column_names: Vec<String>,
    /// Named sets of title regexes.
    sets: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NationalPack {
    homepage: HomepageDefaults,
    veto: VetoThresholds,
    lists: ListDefaults,
    items: ItemDefaults,
    types: Vec<ColumnType>,
}

/// One required item, compiled.
#[derive(Debug, Clone)]
pub struct RequiredItem {
    /// The title regex template with `{year}`.
    pub title: String,
    /// Due month.
    pub due_month: u32,
    /// Due day.
    pub due_day: u32,
    /// `{year}` is the year before the due date's year.
    pub previous_year: bool,
}

impl RequiredItem {
    /// The latest due date not after `today`, and the `{year}` that goes with it.
    pub fn cycle(&self, today: NaiveDate) -> Option<(NaiveDate, i32)> {
        let this = NaiveDate::from_ymd_opt(today.year(), self.due_month, self.due_day)?;
        let due = if this < today {
            this
        } else {
            NaiveDate::from_ymd_opt(today.year() - 1, self.due_month, self.due_day)?
        };
        let year = if self.previous_year {
            due.year() - 1
        } else {
            due.year()
        };
        Some((due, year))
    }
    /// The title template with `{year}` filled in.
    pub fn expected_title(&self, year: i32) -> String {
        self.title.replace("{year}", &year.to_string())
    }
    /// The title regex for `year` (validated at load, so None only for absurd years).
    pub fn pattern(&self, year: i32) -> Option<Regex> {
        Regex::new(&self.expected_title(year)).ok()
    }
}

/// One required column, compiled.
#[derive(Debug, Clone)]
pub struct Column {
    /// Name.
    pub name: String,
    /// Portal link texts, normalised with [`label`].
    pub link_texts: Vec<String>,
    /// URL patterns of the column pages.
    pub url_patterns: Vec<Regex>,
    /// Type name from the national pack.
    pub type_name: String,
    /// Update window; None: not checked for staleness.
    pub window_days: Option<u32>,
    /// Counts toward the 动态/通知/政策 veto.
    pub dynamic_notice_policy: bool,
    /// Fewest items.
    pub min_items: usize,
    /// One document, not a list.
    pub single_page: bool,
    /// Title words of which one must appear (empty: no constraint).
    pub belongs_titles: Vec<String>,
    /// URL regexes of which one must match (empty: no constraint).
    pub belongs_urls: Vec<Regex>,
    /// Other column names accepted in article ColumnName / breadcrumbs, normalised.
    pub belongs_columns: Vec<String>,
    /// Title words that mark an item as out of place.
    pub not_belongs_titles: Vec<String>,
    /// URL regexes that mark an item as out of place.
    pub not_belongs_urls: Vec<Regex>,
    /// National defaults: title regexes of what the column's type holds (an
    /// item matching one is never mixed by [`Column::default_mixed`]).
    pub default_holds: Vec<Regex>,
    /// National defaults: title regexes of items out of place in the column's
    /// type (news in a statutory column). Empty when the column lists news by
    /// nature (its name says so) or its rules turn the defaults off.
    pub default_mixed: Vec<Regex>,
    /// Required items.
    pub required_items: Vec<RequiredItem>,
    /// How to read this column's list when the heuristics miss.
    pub list: ColumnList,
}

/// A column's own list-reading rules, applied to pages matching its `url_pattern`.
#[derive(Debug, Clone, Default)]
pub struct ColumnList {
    /// Item-row selector.
    pub selector: Option<scraper::Selector>,
    /// Date shape.
    pub date_pattern: Option<crate::check::dates::DatePattern>,
    /// Data endpoint (`{page}` placeholder).
    pub data_url: Option<String>,
    /// POST body for the endpoint.
    pub data_form: Option<String>,
}

impl ColumnList {
    /// Whether any rule is set.
    pub fn is_set(&self) -> bool {
        self.selector.is_some() || self.date_pattern.is_some() || self.data_url.is_some()
    }
}

/// How `zwgk-audit rules check` tells a webmaster to point the tool at a
/// list its heuristics misread.
pub const LIST_HINT: &str = concat!(
    "a column whose list is misread (see items, newest_date and note in columns.csv) ",
    r#"can name its item rows (list_selector = "div.list li"), its date shape "#,
    r"(date_pattern = '(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日') ",
    r#"or the data endpoint its page's script reads (data_url = "/api/list?channel=12&page={page}", "#,
    "data_form for a POST); each needs url_pattern (README: \"Unusual lists\")"
);

impl Column {
    /// How this column's list is read, in one line for `rules check`.
    pub fn list_reading(&self) -> String {
        let l = &self.list;
        if self.single_page {
            return "one document (single_page)".into();
        }
        if !l.is_set() {
            return "list read by the platform heuristics".into();
        }
        let mut parts = Vec::new();
        if l.selector.is_some() {
            parts.push("rows by list_selector".to_string());
        }
        if let Some(p) = &l.date_pattern {
            parts.push(format!("dates by date_pattern `{}`", p.as_str()));
        }
        if let Some(u) = &l.data_url {
            let how = if l.data_form.is_some() { "POST" } else { "GET" };
            parts.push(format!("rows from data_url {u} ({how})"));
        }
        format!(
            "{} on pages matching {}",
            parts.join(", "),
            self.url_patterns
                .iter()
                .map(|r| format!("`{}`", r.as_str()))
                .collect::<Vec<_>>()
                .join(" / ")
        )
    }
}

impl Column {
    /// Whether a label (link text, ColumnName, breadcrumb segment) names this column.
    pub fn is_named(&self, text: &str) -> bool {
        let l = label(text);
        !l.is_empty() && (label(&self.name) == l || self.link_texts.contains(&l))
    }
}

/// Compiled column rules.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// Portal pages; empty means the start URLs.
    pub portal_urls: Vec<Url>,
    /// Homepage update window in days.
    pub homepage_window_days: u32,
    /// Veto thresholds.
    pub veto: VetoThresholds,
    /// Phrases of an empty list.
    pub empty_phrases: Vec<String>,
    /// Text length that makes a single-page column non-empty.
    pub single_page_min_chars: usize,
    /// Custom item-row selector.
    pub list_selector: Option<scraper::Selector>,
    /// Required columns, in file order.
    pub columns: Vec<Column>,
    /// Column types of the national pack.
    pub types: Vec<ColumnType>,
}

/// Normalises a label for comparison: whitespace removed, decorations
/// (`>`, `»`, `·`, `|`, `:`) trimmed.
pub fn label(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    s.trim_matches(|c: char| ">»›<«‹·•|:：-—".contains(c))
        .to_string()
}

fn national() -> Result<NationalPack, RulesError> {
    let pack: NationalPack = toml::from_str(NATIONAL).map_err(|e| RulesError::Parse {
        path: NATIONAL_PATH.into(),
        line: e
            .span()
            .map(|s| NATIONAL[..s.start.min(NATIONAL.len())].lines().count())
            .unwrap_or(0),
        message: e.message().trim().to_string(),
    })?;
    let ctx = Ctx {
        path: Path::new(NATIONAL_PATH),
        text: NATIONAL,
    };
    if pack.homepage.window_days == 0 {
        return Err(ctx.invalid("homepage.window_days", "must be at least 1"));
    }
    for t in &pack.types {
        if t.window_days == Some(0) {
            return Err(ctx.invalid(
                "types.window_days",
                &format!("type `{}`: must be at least 1", t.name),
            ));
        }
    }
    if !pack.types.iter().any(|t| t.name == "other") {
        return Err(ctx.invalid("types", "the type `other` (the default) is missing"));
    }
    Ok(pack)
}

/// The national title sets, compiled (name → regexes).
type TitleSets = std::collections::BTreeMap<String, Vec<Regex>>;

/// Compiles `[items.sets]` and checks that every type names known sets.
fn title_sets(pack: &NationalPack) -> Result<TitleSets, RulesError> {
    let ctx = Ctx {
        path: Path::new(NATIONAL_PATH),
        text: NATIONAL,
    };
    let mut out = TitleSets::new();
    for (name, list) in &pack.items.sets {
        let key = format!("items.sets.{name}");
        let mut v = Vec::new();
        for p in list {
            if p.trim().is_empty() {
                return Err(ctx.invalid(&key, "entries must not be empty"));
            }
            v.push(Regex::new(p).map_err(|e| {
                let msg = e.to_string();
                let why = msg.lines().last().unwrap_or(&msg).trim().to_string();
                ctx.invalid(&key, &format!("bad regex `{p}`: {why}"))
            })?);
        }
        out.insert(name.clone(), v);
    }
    for t in &pack.types {
        for (key, names) in [("types.holds", &t.holds), ("types.mixed", &t.mixed)] {
            if let Some(n) = names.iter().find(|n| !out.contains_key(n.as_str())) {
                return Err(ctx.invalid(
                    key,
                    &format!("type `{}`: unknown set `{n}` (not in [items.sets])", t.name),
                ));
            }
        }
    }
    if pack
        .items
        .news_column_names
        .iter()
        .any(|n| n.trim().is_empty())
    {
        return Err(ctx.invalid("items.news_column_names", "entries must not be empty"));
    }
    Ok(out)
}

/// Finds the lines of keys inside `[[columns]]` blocks, for located errors.
struct Locator<'a> {
    ctx: &'a Ctx<'a>,
    /// 0-based (first line, end line exclusive) of each `[[columns]]` block.
    blocks: Vec<(usize, usize)>,
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    fn new(ctx: &'a Ctx<'a>) -> Self {
        let lines: Vec<&str> = ctx.text.lines().collect();
        let mut blocks = Vec::new();
        let mut open: Option<usize> = None;
        for (i, l) in lines.iter().enumerate() {
            let t: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            if !t.starts_with('[') {
                continue;
            }
            if t.starts_with("[[columns]]") {
                if let Some(s) = open.take() {
                    blocks.push((s, i));
                }
                open = Some(i);
            } else if !(t.starts_with("[columns.") || t.starts_with("[[columns."))
                && let Some(s) = open.take()
            {
                blocks.push((s, i));
            }
        }
        if let Some(s) = open {
            blocks.push((s, lines.len()));
        }
        Locator { ctx, blocks, lines }
    }

    /// Whether line `i` assigns `key` (at its start or inside an inline table),
    /// or is a table header ending in `.key`.
    fn assigns(&self, i: usize, key: &str) -> bool {
        let Some(l) = self.lines.get(i) else {
            return false;
        };
        let t: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        let t = t.split('#').next().unwrap_or("");
        let pat = format!("{key}=");
        if t.starts_with(&pat) || t.contains(&format!("{{{pat}")) || t.contains(&format!(",{pat}"))
        {
            return true;
        }
        t.starts_with('[')
            && (t.ends_with(&format!(".{key}]")) || t.ends_with(&format!(".{key}]]")))
    }

    /// 1-based line of `path` (e.g. `["required_items", "due"]`, `nth` occurrence of
    /// the last segment) inside the column block `col`; falls back to the block header.
    fn line(&self, col: usize, path: &[&str], nth: usize) -> usize {
        let Some(&(start, end)) = self.blocks.get(col) else {
            let last = path.last().copied().unwrap_or("");
            return self.ctx.line_of_key(last);
        };
        let mut pos = start;
        let (parents, last) = match path.split_last() {
            Some((last, parents)) => (parents, *last),
            None => return start + 1,
        };
        for p in parents {
            match (pos..end).find(|&i| self.assigns(i, p)) {
                Some(i) => pos = i,
                None => return start + 1,
            }
        }
        let hits: Vec<usize> = (pos..end).filter(|&i| self.assigns(i, last)).collect();
        hits.get(nth).or(hits.first()).map_or(start + 1, |i| i + 1)
    }

    fn err(&self, col: usize, name: &str, path: &[&str], nth: usize, msg: &str) -> RulesError {
        let key = format!("columns[{col}].{}", path.join("."));
        let who = if name.is_empty() {
            format!("column {}", col + 1)
        } else {
            format!("column 「{name}」")
        };
        RulesError::Invalid {
            path: self.ctx.path.to_path_buf(),
            line: self.line(col, path, nth),
            key,
            message: format!("{who}: {msg}"),
        }
    }

    fn regexes(
        &self,
        col: usize,
        name: &str,
        path: &[&str],
        list: &[String],
    ) -> Result<Vec<Regex>, RulesError> {
        list.iter()
            .map(|p| {
                Regex::new(p).map_err(|e| {
                    let msg = e.to_string();
                    let why = msg.lines().last().unwrap_or(&msg).trim().to_string();
                    self.err(col, name, path, 0, &format!("bad regex `{p}`: {why}"))
                })
            })
            .collect()
    }

    fn words(
        &self,
        col: usize,
        name: &str,
        path: &[&str],
        list: &[String],
    ) -> Result<Vec<String>, RulesError> {
        if list.iter().any(|w| w.trim().is_empty()) {
            return Err(self.err(col, name, path, 0, "entries must not be empty"));
        }
        Ok(list.iter().map(|w| w.trim().to_string()).collect())
    }
}

/// Parses `MM-DD` (rejects 02-29: write 02-28).
fn parse_due(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.trim().split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    NaiveDate::from_ymd_opt(2023, m, d)?;
    Some((m, d))
}

impl Columns {
    /// Validates and compiles the site's column rules over the national pack.
    pub fn compile(
        portal: &PortalSection,
        columns: &[ColumnRule],
        ctx: &Ctx,
    ) -> Result<Columns, RulesError> {
        let pack = national()?;
        let sets = title_sets(&pack)?;
        let mut portal_urls = Vec::new();
        for s in &portal.urls {
            let u = Url::parse(s.trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                .ok_or_else(|| {
                    ctx.invalid(
                        "portal.urls",
                        &format!("`{s}` is not an http:// or https:// URL"),
                    )
                })?;
            portal_urls.push(u);
        }
        let homepage_window_days = match portal.homepage_window_days {
            Some(0) => return Err(ctx.invalid("portal.homepage_window_days", "must be at least 1")),
            Some(d) => d,
            None => pack.homepage.window_days,
        };
        let list_selector = match &portal.list_selector {
            None => None,
            Some(s) => Some(scraper::Selector::parse(s).map_err(|e| {
                ctx.invalid(
                    "portal.list_selector",
                    &format!("bad CSS selector `{s}`: {e}"),
                )
            })?),
        };
        if portal.empty_phrases.iter().any(|p| p.trim().is_empty()) {
            return Err(ctx.invalid("portal.empty_phrases", "entries must not be empty"));
        }
        let mut empty_phrases = pack.lists.empty_phrases.clone();
        empty_phrases.extend(portal.empty_phrases.iter().map(|p| p.trim().to_string()));

        let loc = Locator::new(ctx);
        let mut out: Vec<Column> = Vec::new();
        for (i, c) in columns.iter().enumerate() {
            out.push(compile_column(i, c, &pack, &sets, &loc)?);
            let name = &out[i].name;
            if out[..i].iter().any(|o| &o.name == name) {
                return Err(loc.err(i, name, &["name"], 0, "duplicate column name"));
            }
        }
        Ok(Columns {
            portal_urls,
            homepage_window_days,
            veto: pack.veto,
            empty_phrases,
            single_page_min_chars: pack.lists.single_page_min_chars,
            list_selector,
            columns: out,
            types: pack.types,
        })
    }
}

fn compile_column(
    i: usize,
    c: &ColumnRule,
    pack: &NationalPack,
    sets: &TitleSets,
    loc: &Locator,
) -> Result<Column, RulesError> {
    let name = c.name.trim().to_string();
    if name.is_empty() {
        return Err(loc.err(i, "", &["name"], 0, "every column needs a name"));
    }
    if name == crate::check::columns::HOMEPAGE_COLUMN {
        return Err(loc.err(
            i,
            &name,
            &["name"],
            0,
            "the homepage is checked as a column of its own; choose another name",
        ));
    }
    if c.link_text.0.iter().any(|t| label(t).is_empty()) {
        return Err(loc.err(i, &name, &["link_text"], 0, "entries must not be empty"));
    }
    let mut link_texts: Vec<String> = c.link_text.0.iter().map(|t| label(t)).collect();
    if link_texts.is_empty() {
        link_texts.push(label(&name));
    }
    let url_patterns = loc.regexes(i, &name, &["url_pattern"], &c.url_pattern.0)?;
    let type_name = c.kind.as_deref().map(str::trim).unwrap_or("other");
    let ty = pack
        .types
        .iter()
        .find(|t| {
            t.name == type_name || t.zh == type_name || t.aliases.iter().any(|a| a == type_name)
        })
        .ok_or_else(|| {
            let known: Vec<&str> = pack.types.iter().map(|t| t.name.as_str()).collect();
            loc.err(
                i,
                &name,
                &["type"],
                0,
                &format!("unknown type `{type_name}` (known: {})", known.join(", ")),
            )
        })?;
    let window_days = match c.window_days {
        Some(0) => return Err(loc.err(i, &name, &["window_days"], 0, "must be at least 1 day")),
        Some(d) => Some(d),
        None => ty.window_days,
    };
    let min_items = match c.min_items {
        Some(0) => return Err(loc.err(i, &name, &["min_items"], 0, "must be at least 1")),
        Some(n) => n as usize,
        None => 1,
    };
    let regexes_of = |names: &[String]| -> Vec<Regex> {
        names
            .iter()
            .filter_map(|n| sets.get(n))
            .flatten()
            .cloned()
            .collect()
    };
    let news_by_name = pack
        .items
        .news_column_names
        .iter()
        .any(|n| name.contains(n.trim()));
    let default_holds = regexes_of(&ty.holds);
    let default_mixed = if news_by_name || c.not_belongs.defaults == Some(false) {
        Vec::new()
    } else {
        regexes_of(&ty.mixed)
    };
    let mut required_items = Vec::new();
    for (j, r) in c.required_items.iter().enumerate() {
        if r.title.trim().is_empty() {
            return Err(loc.err(
                i,
                &name,
                &["required_items", "title"],
                j,
                "a required item needs a title",
            ));
        }
        if let Err(e) = Regex::new(&r.title.replace("{year}", "2000")) {
            let msg = e.to_string();
            let why = msg.lines().last().unwrap_or(&msg).trim().to_string();
            return Err(loc.err(
                i,
                &name,
                &["required_items", "title"],
                j,
                &format!("bad regex `{}`: {why}", r.title),
            ));
        }
        let (due_month, due_day) = parse_due(&r.due).ok_or_else(|| {
            loc.err(
                i,
                &name,
                &["required_items", "due"],
                j,
                &format!("`{}` is not a date as MM-DD (e.g. 01-31)", r.due),
            )
        })?;
        let previous_year = match r.year.trim() {
            "" | "current" => false,
            "previous" => true,
            other => {
                return Err(loc.err(
                    i,
                    &name,
                    &["required_items", "year"],
                    j,
                    &format!("`{other}`: write current or previous"),
                ));
            }
        };
        required_items.push(RequiredItem {
            title: r.title.trim().to_string(),
            due_month,
            due_day,
            previous_year,
        });
    }
    let list = compile_list(i, c, &name, loc)?;
    if list.is_set() && url_patterns.is_empty() {
        let key = if c.list_selector.is_some() {
            "list_selector"
        } else if c.date_pattern.is_some() {
            "date_pattern"
        } else {
            "data_url"
        };
        return Err(loc.err(
            i,
            &name,
            &[key],
            0,
            "needs url_pattern: it applies to the column's pages, found by their URL",
        ));
    }
    Ok(Column {
        list,
        link_texts,
        url_patterns,
        type_name: ty.name.clone(),
        window_days,
        dynamic_notice_policy: ty.dynamic_notice_policy,
        min_items,
        single_page: c.single_page,
        belongs_titles: loc.words(i, &name, &["belongs", "titles"], &c.belongs.titles)?,
        belongs_urls: loc.regexes(i, &name, &["belongs", "urls"], &c.belongs.urls)?,
        belongs_columns: c
            .belongs
            .columns
            .iter()
            .map(|s| label(s))
            .filter(|s| !s.is_empty())
            .collect(),
        not_belongs_titles: loc.words(
            i,
            &name,
            &["not_belongs", "titles"],
            &c.not_belongs.titles,
        )?,
        not_belongs_urls: loc.regexes(i, &name, &["not_belongs", "urls"], &c.not_belongs.urls)?,
        default_holds,
        default_mixed,
        required_items,
        name,
    })
}

/// A column's `list_selector`, `date_pattern`, `data_url` and `data_form`.
fn compile_list(
    i: usize,
    c: &ColumnRule,
    name: &str,
    loc: &Locator,
) -> Result<ColumnList, RulesError> {
    let selector = match c.list_selector.as_deref().map(str::trim) {
        None => None,
        Some(s) => Some(scraper::Selector::parse(s).map_err(|e| {
            loc.err(
                i,
                name,
                &["list_selector"],
                0,
                &format!("bad CSS selector `{s}`: {e}"),
            )
        })?),
    };
    let date_pattern = match c.date_pattern.as_deref() {
        None => None,
        Some(p) => Some(crate::check::dates::DatePattern::new(p).map_err(|e| {
            let why = e.lines().last().unwrap_or(&e).trim().to_string();
            loc.err(
                i,
                name,
                &["date_pattern"],
                0,
                &format!("bad date pattern `{p}`: {why} (e.g. '(?P<y>\\d{{4}})年(?P<m>\\d{{1,2}})月(?P<d>\\d{{1,2}})日')"),
            )
        })?),
    };
    let data_url = match c.data_url.as_deref().map(str::trim) {
        None => None,
        Some("") => return Err(loc.err(i, name, &["data_url"], 0, "must not be empty")),
        Some(u) => {
            let probe = u.replace("{page}", "1");
            let ok = Url::parse(&probe)
                .map(|x| matches!(x.scheme(), "http" | "https"))
                .unwrap_or_else(|_| probe.starts_with('/'));
            if !ok {
                return Err(loc.err(
                    i,
                    name,
                    &["data_url"],
                    0,
                    &format!("`{u}` is not an http(s) URL or a path starting with /"),
                ));
            }
            Some(u.to_string())
        }
    };
    if c.data_form.is_some() && data_url.is_none() {
        return Err(loc.err(i, name, &["data_form"], 0, "needs data_url"));
    }
    Ok(ColumnList {
        selector,
        date_pattern,
        data_url,
        data_form: c.data_form.clone(),
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::{Rules, RulesError};
    use std::path::Path;

    const HEAD: &str = "[site]\nstart_urls = [\"https://x.gov.cn/\"]\n";

    fn load(body: &str) -> Result<Rules, RulesError> {
        Rules::from_toml(&format!("{HEAD}{body}"), Path::new("x.toml"))
    }

    /// The error message, asserted to name `x.toml:<line>` and the key.
    fn err(body: &str, line: usize, key: &str) -> String {
        let e = load(body).expect_err("must be rejected").to_string();
        assert!(
            e.starts_with(&format!("x.toml:{line}:")),
            "wrong line in: {e}"
        );
        assert!(e.contains(key), "key `{key}` not named in: {e}");
        e
    }

    #[test]
    fn national_pack_loads() {
        let p = super::national().unwrap();
        assert_eq!(p.homepage.window_days, 14);
        assert_eq!(p.veto.stale_dynamic_notice_policy, 5);
        assert_eq!(p.veto.long_unupdated, 10);
        assert_eq!(p.veto.blank, 5);
        let w = |n: &str| p.types.iter().find(|t| t.name == n).unwrap().window_days;
        assert_eq!(w("dynamic"), Some(14));
        assert_eq!(w("notice"), Some(183));
        assert_eq!(w("policy"), Some(183));
        assert_eq!(w("personnel"), Some(365));
        assert_eq!(w("plan"), Some(365));
        assert_eq!(w("other"), Some(365));
        assert_eq!(w("static"), None);
    }

    #[test]
    fn good_file_compiles_with_defaults_and_overrides() {
        let r = load(
            r#"
[portal]
urls = ["https://x.gov.cn/zwgk/"]
homepage_window_days = 7

[[columns]]
name = "通知公告"
type = "notice"

[[columns]]
name = "年报"
link_text = "政府信息公开年报"
url_pattern = '/zfxxgknb/'
window_days = 400
min_items = 2
belongs = { titles = ["年度报告"], urls = ['/zfxxgknb/'], columns = ["其他 栏目"] }
not_belongs = { titles = ["调研"] }
required_items = [{ title = "{year}年.*年度报告", due = "01-31", year = "previous" }]

[[columns]]
name = "动态"
type = "要闻"
url_pattern = ['/xwdt/', '/gzdt/']
"#,
        )
        .unwrap();
        let c = &r.columns;
        assert_eq!(c.homepage_window_days, 7);
        assert_eq!(c.portal_urls.len(), 1);
        assert_eq!(c.columns[0].window_days, Some(183));
        assert!(c.columns[0].dynamic_notice_policy);
        assert_eq!(c.columns[0].link_texts, vec!["通知公告".to_string()]);
        assert_eq!(c.columns[1].window_days, Some(400));
        assert_eq!(c.columns[1].type_name, "other");
        assert_eq!(c.columns[1].min_items, 2);
        assert_eq!(c.columns[1].belongs_columns, vec!["其他栏目".to_string()]);
        assert!(c.columns[1].required_items[0].previous_year);
        assert_eq!(c.columns[2].type_name, "dynamic");
        assert_eq!(c.columns[2].window_days, Some(14));
        assert_eq!(c.columns[2].url_patterns.len(), 2);
        assert_eq!(c.columns[2].link_texts, vec!["动态".to_string()]);
    }

    #[test]
    fn national_defaults_say_what_column_types_hold() {
        let r = load(
            r#"
[[columns]]
name = "政策文件"
type = "policy"

[[columns]]
name = "领导活动"

[[columns]]
name = "机构职能"
type = "static"
not_belongs = { defaults = false }

[[columns]]
name = "新闻动态"
type = "dynamic"

[[columns]]
name = "政策解读"
type = "政策解读"

[[columns]]
name = "办事指南"
"#,
        )
        .unwrap();
        let col = |n: &str| r.columns.columns.iter().find(|c| c.name == n).unwrap();
        let mixed = |n: &str, t: &str| {
            let c = col(n);
            c.default_mixed.iter().any(|re| re.is_match(t))
                && !c.default_holds.iter().any(|re| re.is_match(t))
        };
        for t in [
            "市局召开全市知识产权工作会议",
            "局长赴浦东新区调研",
            "局领导会见来访客人",
            "局领导春节慰问困难职工",
            "局长出席长三角论坛",
            "举办知识产权宣传周活动",
            "市局开展专利执法检查",
            "专利工作推进会在临港召开",
        ] {
            assert!(mixed("政策文件", t), "{t}");
        }
        for t in [
            "关于召开全市知识产权工作会议的通知",
            "关于开展专利执法检查的通知",
            "示例市专利导航项目管理办法（示知局规〔2026〕3号）",
            "学习《知识产权强国建设纲要》座谈会召开",
            "2026年春节慰问金发放情况",
        ] {
            assert!(!mixed("政策文件", t), "{t}");
        }
        // A column named as news, defaults turned off, a news column.
        assert!(!mixed("领导活动", "局长会见来访客人"));
        assert!(!mixed("机构职能", "局领导春节慰问困难职工"));
        assert!(!mixed("新闻动态", "市局召开全市知识产权工作会议"));
        // Interpretations, also of a press conference.
        assert!(!mixed("政策解读", "局长出席新闻发布会解读新政"));
        assert!(!mixed("政策解读", "专利资助政策问答"));
        assert!(mixed("政策解读", "市局召开党组理论学习中心组会议"));
        assert_eq!(col("政策解读").window_days, Some(183));
        // The `other` type lists inspections; 律师会见 is a service, not news.
        assert!(!mixed("办事指南", "开展2026年双随机抽查检查"));
        assert!(!mixed("办事指南", "律师会见预约办理指南"));
        assert!(mixed("办事指南", "局领导会见来访客人"));
    }

    #[test]
    fn shipped_sipa_rules_load() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/sipa.toml");
        let r = Rules::load(&path).unwrap();
        assert_eq!(r.name, "上海市知识产权局");
        let names: Vec<&str> = r.columns.columns.iter().map(|c| c.name.as_str()).collect();
        for n in [
            "政策文件",
            "规范性文件",
            "政策解读",
            "规划计划",
            "权责清单",
            "政务服务事项清单/办事指南",
            "重大行政决策",
            "财政资金/预决算",
            "双随机一公开",
            "政府信息公开年报",
            "政府信息公开指南",
            "依申请公开",
            "建议提案办理",
            "新闻动态",
            "通知公告",
        ] {
            assert!(names.contains(&n), "{n} missing from sipa.toml");
        }
        let nb = r
            .columns
            .columns
            .iter()
            .find(|c| c.name == "政府信息公开年报")
            .unwrap();
        let req = &nb.required_items[0];
        let (due, year) = req
            .cycle(chrono::NaiveDate::from_ymd_opt(2026, 5, 25).unwrap())
            .unwrap();
        assert_eq!((due.to_string(), year), ("2026-01-31".to_string(), 2025));
        assert!(
            req.pattern(year)
                .unwrap()
                .is_match("上海市知识产权局2025年政府信息公开工作年度报告")
        );
        assert!(nb.url_patterns[0].is_match("https://sipa.sh.gov.cn/zfxxgknb/index_1.html"));
        assert!(!nb.url_patterns[0].is_match("https://sipa.sh.gov.cn/zfxxgknb/20230131/7a65.html"));
    }

    #[test]
    fn bad_regex_names_line_and_key() {
        let e = err(
            "[[columns]]\nname = \"a\"\nurl_pattern = '/a/'\n\n[[columns]]\nname = \"b\"\nurl_pattern = '/b/('\n",
            9,
            "columns[1].url_pattern",
        );
        assert!(e.contains("bad regex"), "{e}");
        assert!(e.contains("「b」"), "{e}");
    }

    #[test]
    fn bad_belongs_regex_finds_the_right_table() {
        err(
            "[[columns]]\nname = \"a\"\nbelongs = { urls = ['/ok/'] }\nnot_belongs = { urls = ['[z'] }\n",
            6,
            "columns[0].not_belongs.urls",
        );
        err(
            "[[columns]]\nname = \"a\"\n[columns.belongs]\nurls = ['(']\n",
            6,
            "columns[0].belongs.urls",
        );
    }

    #[test]
    fn bad_due_date_names_line_and_key() {
        let e = err(
            "[[columns]]\nname = \"年报\"\nrequired_items = [\n  { title = \"{year}年报\", due = \"01-31\" },\n  { title = \"{year}目录\", due = \"13-45\" },\n]\n",
            7,
            "columns[0].required_items.due",
        );
        assert!(e.contains("13-45"), "{e}");
        err(
            "[[columns]]\nname = \"x\"\n[[columns.required_items]]\ntitle = \"a\"\ndue = \"02-30\"\n",
            7,
            "required_items.due",
        );
        err(
            "[[columns]]\nname = \"x\"\nrequired_items = [{ title = \"a\", due = \"1-31\" }]\n",
            5,
            "required_items.due",
        );
        err(
            "[[columns]]\nname = \"x\"\nrequired_items = [{ title = \"a\", due = \"01-31\", year = \"last\" }]\n",
            5,
            "required_items.year",
        );
        err(
            "[[columns]]\nname = \"x\"\nrequired_items = [{ title = \"{year}(\", due = \"01-31\" }]\n",
            5,
            "required_items.title",
        );
    }

    #[test]
    fn window_zero_and_min_items_zero() {
        let e = err(
            "[[columns]]\nname = \"a\"\n\n[[columns]]\nname = \"b\"\nwindow_days = 0\n",
            8,
            "columns[1].window_days",
        );
        assert!(e.contains("at least 1"), "{e}");
        err(
            "[[columns]]\nname = \"a\"\nmin_items = 0\n",
            5,
            "columns[0].min_items",
        );
        err(
            "[portal]\nhomepage_window_days = 0\n",
            4,
            "portal.homepage_window_days",
        );
    }

    #[test]
    fn unknown_type() {
        let e = err(
            "[[columns]]\nname = \"a\"\ntype = \"weekly\"\n",
            5,
            "columns[0].type",
        );
        assert!(e.contains("weekly") && e.contains("dynamic"), "{e}");
    }

    #[test]
    fn duplicate_names() {
        let e = err(
            "[[columns]]\nname = \"政策文件\"\n\n[[columns]]\nname = \" 政策文件 \"\n",
            7,
            "columns[1].name",
        );
        assert!(e.contains("duplicate"), "{e}");
    }

    #[test]
    fn empty_name_and_empty_entries() {
        err("[[columns]]\nlink_text = \"a\"\n", 3, "columns[0].name");
        err("[[columns]]\nname = \"首页\"\n", 4, "columns[0].name");
        err(
            "[[columns]]\nname = \"a\"\nlink_text = [\"a\", \" \"]\n",
            5,
            "columns[0].link_text",
        );
        err(
            "[[columns]]\nname = \"a\"\nnot_belongs = { titles = [\"\"] }\n",
            5,
            "not_belongs.titles",
        );
    }

    #[test]
    fn portal_mistakes() {
        err("[portal]\nurls = [\"sipa.sh.gov.cn\"]\n", 4, "portal.urls");
        err(
            "[portal]\nlist_selector = \"ul >> li\"\n",
            4,
            "portal.list_selector",
        );
        err(
            "[portal]\nempty_phrases = [\"\"]\n",
            4,
            "portal.empty_phrases",
        );
    }

    #[test]
    fn column_list_rules() {
        let r = load(
            "[[columns]]\nname = \"通知公告\"\nurl_pattern = '/tzgg/'\nlist_selector = \"div.gl li\"\n\
             date_pattern = '(?P<m>\\d{2})/(?P<d>\\d{2})/(?P<y>\\d{4})'\n\
             data_url = \"/api/list?channel=tzgg&page={page}\"\n",
        )
        .unwrap();
        let l = &r.columns.columns[0].list;
        assert!(l.selector.is_some() && l.date_pattern.is_some());
        assert_eq!(
            l.data_url.as_deref(),
            Some("/api/list?channel=tzgg&page={page}")
        );
        assert!(l.data_form.is_none());
        err(
            "[[columns]]\nname = \"a\"\nlist_selector = \"ul li\"\n",
            5,
            "list_selector",
        );
        err(
            "[[columns]]\nname = \"a\"\nurl_pattern = '/a/'\nlist_selector = \"ul >> li\"\n",
            6,
            "list_selector",
        );
        let e = err(
            "[[columns]]\nname = \"a\"\nurl_pattern = '/a/'\ndate_pattern = '(?P<y>\\d{4})'\n",
            6,
            "date_pattern",
        );
        assert!(e.contains("(?P<m>"), "{e}");
        err(
            "[[columns]]\nname = \"a\"\nurl_pattern = '/a/'\ndata_url = \"api/x\"\n",
            6,
            "data_url",
        );
        err(
            "[[columns]]\nname = \"a\"\nurl_pattern = '/a/'\ndata_form = \"page={page}\"\n",
            6,
            "data_form",
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_rejected_with_line() {
        let e = err("[[columns]]\nname = \"a\"\nwindow = 3\n", 5, "window");
        assert!(e.contains("unknown field"), "{e}");
        err(
            "[[columns]]\nname = \"a\"\nbelongs = { title = [\"x\"] }\n",
            5,
            "title",
        );
        err("[[columns]]\nname = \"a\"\nwindow_days = \"14\"\n", 5, "");
        err("[[columns]]\nname = \"a\"\nlink_text = 3\n", 5, "");
        err("[portal]\nurl = \"https://x.gov.cn/\"\n", 4, "url");
        err(
            "[[columns]]\nname = \"a\"\nrequired_items = [{ title = \"a\", due = \"01-31\", when = 1 }]\n",
            5,
            "when",
        );
    }
}
