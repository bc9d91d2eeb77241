//! The one `Finding` type and its closed list of kinds (SPEC.md "Finding kinds").
//!
//! A finding is data about the audited site, never an error of the tool. Its kind
//! code is stable: it appears in CSV, in the history database and in diffs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What was found. The list is closed on purpose: a new kind must fail to compile
/// until every report handles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// 断链: 4xx/5xx, DNS failure, refused, timeout, TLS error, redirect loop.
    BrokenLink,
    /// 错链(软404): answers 200 but is an error page, or a document redirected to the homepage.
    #[serde(rename = "soft_404")]
    Soft404,
    /// 错链: a target that cannot be right for the public (intranet, file:, malformed). Never fetched.
    WrongLink,
    /// 锚点缺失: `#fragment` not present on the target page.
    MissingAnchor,
    /// 混合内容: an https page loads an http:// subresource.
    MixedContent,
    /// 外链风险: an external target serving gambling / adult / hijacked content.
    RiskyExternal,
    /// 栏目缺失: a required column is not reachable from the disclosure portal.
    ColumnMissing,
    /// 空白栏目: a column page lists no items.
    ColumnEmpty,
    /// 栏目不更新: the newest item is older than the column's window.
    ColumnStale,
    /// 内容混杂: an item does not belong in its column.
    ColumnMixed,
    /// 应公开未公开: a required item is not published by its due date.
    ItemMissing,
    /// 隐私泄露: ID numbers, mobile numbers, bank cards in published text.
    PrivacyLeak,
    /// 严重错误: text from the rules' word lists.
    ForbiddenText,
    /// 无障碍: `<img>` without alt, page without `lang` or `<title>`.
    MissingAlt,
    /// 访问缓慢: page slower than the threshold.
    SlowPage,
    /// 互动回应差: a public message of the past year unanswered (or answered)
    /// after more than the rules' delay (national veto).
    ReplyOverdue,
    /// 发布日期异常: an article's publication dates disagree (PubDate meta,
    /// labelled date, URL date, list date), or one is in the future.
    DateMismatch,
    /// 办事指南要素缺失: a service guide page lacks required elements.
    GuideIncomplete,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 18] = [
        FindingKind::BrokenLink,
        FindingKind::Soft404,
        FindingKind::WrongLink,
        FindingKind::MissingAnchor,
        FindingKind::MixedContent,
        FindingKind::RiskyExternal,
        FindingKind::ColumnMissing,
        FindingKind::ColumnEmpty,
        FindingKind::ColumnStale,
        FindingKind::ColumnMixed,
        FindingKind::ItemMissing,
        FindingKind::PrivacyLeak,
        FindingKind::ForbiddenText,
        FindingKind::MissingAlt,
        FindingKind::SlowPage,
        FindingKind::ReplyOverdue,
        FindingKind::DateMismatch,
        FindingKind::GuideIncomplete,
    ];

    /// The stable code used in CSV and the history database.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::BrokenLink => "broken_link",
            FindingKind::Soft404 => "soft_404",
            FindingKind::WrongLink => "wrong_link",
            FindingKind::MissingAnchor => "missing_anchor",
            FindingKind::MixedContent => "mixed_content",
            FindingKind::RiskyExternal => "risky_external",
            FindingKind::ColumnMissing => "column_missing",
            FindingKind::ColumnEmpty => "column_empty",
            FindingKind::ColumnStale => "column_stale",
            FindingKind::ColumnMixed => "column_mixed",
            FindingKind::ItemMissing => "item_missing",
            FindingKind::PrivacyLeak => "privacy_leak",
            FindingKind::ForbiddenText => "forbidden_text",
            FindingKind::MissingAlt => "missing_alt",
            FindingKind::SlowPage => "slow_page",
            FindingKind::ReplyOverdue => "reply_overdue",
            FindingKind::DateMismatch => "date_mismatch",
            FindingKind::GuideIncomplete => "guide_incomplete",
        }
    }

    /// The Chinese name a webmaster knows it by.
    pub fn zh(self) -> &'static str {
        match self {
            FindingKind::BrokenLink => "断链",
            FindingKind::Soft404 => "错链(软404)",
            FindingKind::WrongLink => "错链",
            FindingKind::MissingAnchor => "锚点缺失",
            FindingKind::MixedContent => "混合内容",
            FindingKind::RiskyExternal => "外链风险",
            FindingKind::ColumnMissing => "栏目缺失",
            FindingKind::ColumnEmpty => "空白栏目",
            FindingKind::ColumnStale => "栏目不更新",
            FindingKind::ColumnMixed => "内容混杂",
            FindingKind::ItemMissing => "应公开未公开",
            FindingKind::PrivacyLeak => "隐私泄露",
            FindingKind::ForbiddenText => "严重错误",
            FindingKind::MissingAlt => "无障碍",
            FindingKind::SlowPage => "访问缓慢",
            FindingKind::ReplyOverdue => "互动回应差",
            FindingKind::DateMismatch => "发布日期异常",
            FindingKind::GuideIncomplete => "办事指南要素缺失",
        }
    }

    /// Parses a stable code back into a kind.
    pub fn from_code(code: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether this kind is about one link (identified by page and target).
    pub fn is_link_kind(self) -> bool {
        matches!(
            self,
            FindingKind::BrokenLink
                | FindingKind::Soft404
                | FindingKind::WrongLink
                | FindingKind::MissingAnchor
                | FindingKind::MixedContent
                | FindingKind::RiskyExternal
        )
    }

    /// Whether this kind makes a link unusable in the sense of the national
    /// indicators (counted for the per-link deduction).
    pub fn is_unusable_link(self) -> bool {
        matches!(
            self,
            FindingKind::BrokenLink | FindingKind::Soft404 | FindingKind::WrongLink
        )
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How much a finding matters for an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Informational only.
    Info,
    /// Worth fixing; not deducted.
    Warning,
    /// Would be deducted or vetoed by an inspection.
    Error,
}

impl Severity {
    /// Stable code used in CSV.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }
    /// Parses `info`, `warning` or `error`.
    pub fn from_code(code: &str) -> Option<Severity> {
        match code {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether a person must confirm the finding by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// Certain (404, 410, DNS failure, a wrong link …).
    Confirmed,
    /// Likely, to be checked by hand (timeouts, 5xx, firewall 403/412, 429 that never cleared).
    Suspected,
}

impl Certainty {
    /// Stable code used in CSV.
    pub fn code(self) -> &'static str {
        match self {
            Certainty::Confirmed => "confirmed",
            Certainty::Suspected => "suspected",
        }
    }
    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            Certainty::Confirmed => "确定",
            Certainty::Suspected => "疑似",
        }
    }
}

impl fmt::Display for Certainty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One finding, with the evidence that lets a person confirm it in one click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// How much it matters.
    pub severity: Severity,
    /// Confirmed or suspected.
    pub certainty: Certainty,
    /// The page that carries the problem (for column findings: the column or portal page).
    pub page_url: String,
    /// The link target, when the finding is about a link.
    pub target_url: String,
    /// The link text as shown to a visitor.
    pub link_text: String,
    /// Where on the page: `a@href`, `img@src`, `css url()` …
    pub element: String,
    /// Why, in words a webmaster understands (status, matched phrase, dates …).
    pub detail: String,
    /// The HTTP status, when one was received.
    pub http_status: Option<u16>,
    /// The required column concerned, if any.
    pub column: String,
}

impl Finding {
    /// A finding of `kind` on `page_url` with the kind's default severity, confirmed.
    pub fn new(kind: FindingKind, page_url: impl Into<String>, detail: impl Into<String>) -> Self {
        Finding {
            kind,
            severity: Severity::Error,
            certainty: Certainty::Confirmed,
            page_url: page_url.into(),
            target_url: String::new(),
            link_text: String::new(),
            element: String::new(),
            detail: detail.into(),
            http_status: None,
            column: String::new(),
        }
    }

    /// Sets the severity.
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    /// Sets the certainty.
    pub fn certainty(mut self, c: Certainty) -> Self {
        self.certainty = c;
        self
    }
    /// Sets the target URL.
    pub fn target(mut self, t: impl Into<String>) -> Self {
        self.target_url = t.into();
        self
    }
    /// Sets the link text.
    pub fn text(mut self, t: impl Into<String>) -> Self {
        self.link_text = t.into();
        self
    }
    /// Sets the element description.
    pub fn element(mut self, e: impl Into<String>) -> Self {
        self.element = e.into();
        self
    }
    /// Sets the HTTP status.
    pub fn status(mut self, s: Option<u16>) -> Self {
        self.http_status = s;
        self
    }
    /// Sets the column name.
    pub fn column(mut self, c: impl Into<String>) -> Self {
        self.column = c.into();
        self
    }

    /// The stable key used for dedup within a run and across runs (history,
    /// diffs): (kind, page, target) for link kinds, as SPEC.md says. Kinds about
    /// columns and page content have no link target, so the column, element and
    /// stable evidence in `link_text` (masked number, matched phrase) join it.
    pub fn key(&self) -> String {
        finding_key(
            self.kind,
            [
                &self.page_url,
                &self.target_url,
                &self.element,
                &self.link_text,
                &self.column,
            ],
        )
    }
}

/// The dedup key of a finding from its kind and [page, target, element,
/// link_text, column] (see [`Finding::key`]).
pub fn finding_key(kind: FindingKind, parts: [&str; 5]) -> String {
    let [page, target, element, text, column] = parts;
    if kind.is_link_kind() {
        format!("{}\t{page}\t{target}", kind.code())
    } else {
        format!(
            "{}\t{page}\t{target}\t{element}\t{text}\t{column}",
            kind.code()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in FindingKind::ALL {
            assert_eq!(FindingKind::from_code(k.code()), Some(k));
        }
        assert_eq!(FindingKind::from_code("nope"), None);
    }

    #[test]
    fn serde_uses_codes() {
        let s = serde_json::to_string(&FindingKind::Soft404).unwrap();
        assert_eq!(s, "\"soft_404\"");
    }
}
