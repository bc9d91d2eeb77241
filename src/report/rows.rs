//! One row type per CSV report, with the header in both languages.
//!
//! Column order and English names follow SPEC.md "Reports"; extra columns go at
//! the end so that readers keyed on the SPEC columns keep working.

use crate::finding::Finding;
use serde::{Deserialize, Serialize};

/// A row type that knows its headers.
pub trait Row: Serialize {
    /// English headers (also the serde field names).
    const EN: &'static [&'static str];
    /// Chinese headers, same order.
    const ZH: &'static [&'static str];

    /// The headers in `lang`.
    fn headers(lang: crate::report::Lang) -> &'static [&'static str] {
        match lang {
            crate::report::Lang::En => Self::EN,
            crate::report::Lang::Zh => Self::ZH,
        }
    }
}

/// findings.csv: one row per finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRow {
    /// Kind code (stable).
    pub kind: String,
    /// error / warning / info.
    pub severity: String,
    /// confirmed / suspected.
    pub certainty: String,
    /// Page carrying the problem.
    pub page_url: String,
    /// Link target.
    pub target_url: String,
    /// Link text.
    pub link_text: String,
    /// Element.
    pub element: String,
    /// Why.
    pub detail: String,
    /// HTTP status, empty when none.
    pub http_status: Option<u16>,
    /// Required column concerned.
    pub column: String,
    /// First run date that saw this finding (YYYY-MM-DD).
    pub first_seen: String,
    /// Chinese name of the kind.
    pub kind_name: String,
}

impl Row for FindingRow {
    const EN: &'static [&'static str] = &[
        "kind",
        "severity",
        "certainty",
        "page_url",
        "target_url",
        "link_text",
        "element",
        "detail",
        "http_status",
        "column",
        "first_seen",
        "kind_name",
    ];
    const ZH: &'static [&'static str] = &[
        "问题类型",
        "严重程度",
        "确定性",
        "所在页面",
        "目标链接",
        "链接文字",
        "元素",
        "问题描述",
        "HTTP状态码",
        "栏目",
        "首次发现",
        "类型名称",
    ];
}

impl FindingRow {
    /// The row for a finding first seen on `first_seen`.
    pub fn from_finding(f: &Finding, first_seen: &str) -> Self {
        FindingRow {
            kind: f.kind.code().to_string(),
            severity: f.severity.code().to_string(),
            certainty: f.certainty.code().to_string(),
            page_url: f.page_url.clone(),
            target_url: f.target_url.clone(),
            link_text: f.link_text.clone(),
            element: f.element.clone(),
            detail: f.detail.clone(),
            http_status: f.http_status,
            column: f.column.clone(),
            first_seen: first_seen.to_string(),
            kind_name: f.kind.zh().to_string(),
        }
    }
}

/// links.csv: one row per link occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRow {
    /// Page the link is on.
    pub page_url: String,
    /// Resolved target (or the raw text when it does not resolve).
    pub target_url: String,
    /// Link text.
    pub link_text: String,
    /// Element.
    pub element: String,
    /// ok / broken / soft_404 / wrong / skipped (robots, excluded, not checked) …
    pub status: String,
    /// HTTP status, empty when none.
    pub http_status: Option<u16>,
    /// URL after redirects.
    pub final_url: String,
    /// Time to check the target, milliseconds.
    pub elapsed_ms: Option<u64>,
}

impl Row for LinkRow {
    const EN: &'static [&'static str] = &[
        "page_url",
        "target_url",
        "link_text",
        "element",
        "status",
        "http_status",
        "final_url",
        "elapsed_ms",
    ];
    const ZH: &'static [&'static str] = &[
        "所在页面",
        "目标链接",
        "链接文字",
        "元素",
        "检查结果",
        "HTTP状态码",
        "最终地址",
        "耗时毫秒",
    ];
}

/// A links.csv row borrowed from the crawl's own data (written without copying).
#[derive(Debug, Clone, Serialize)]
pub struct LinkRowRef<'a> {
    /// Page the link is on.
    pub page_url: &'a str,
    /// Resolved target.
    pub target_url: &'a str,
    /// Link text.
    pub link_text: &'a str,
    /// Element.
    pub element: &'a str,
    /// Link status.
    pub status: &'a str,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// URL after redirects.
    pub final_url: &'a str,
    /// Time to check the target, milliseconds.
    pub elapsed_ms: Option<u64>,
}

/// pages.csv: one row per fetched page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRow {
    /// Page URL.
    pub url: String,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// Content-Type as served.
    pub content_type: String,
    /// Charset used to decode.
    pub charset: String,
    /// Link depth from the start URLs.
    pub depth: u32,
    /// Body bytes read.
    pub bytes: u64,
    /// Fetch time, milliseconds.
    pub elapsed_ms: u64,
    /// Page title.
    pub title: String,
    /// Why the page could not be fetched or analysed (empty when it was).
    #[serde(default)]
    pub error: String,
}

impl Row for PageRow {
    const EN: &'static [&'static str] = &[
        "url",
        "http_status",
        "content_type",
        "charset",
        "depth",
        "bytes",
        "elapsed_ms",
        "title",
        "error",
    ];
    const ZH: &'static [&'static str] = &[
        "页面地址",
        "HTTP状态码",
        "内容类型",
        "字符集",
        "深度",
        "字节数",
        "耗时毫秒",
        "标题",
        "错误",
    ];
}

impl Row for crate::check::columns::ColumnRow {
    const EN: &'static [&'static str] = &[
        "column",
        "found",
        "url",
        "items",
        "newest_date",
        "window_days",
        "status",
        "note",
    ];
    const ZH: &'static [&'static str] = &[
        "栏目",
        "是否找到",
        "栏目地址",
        "条目数",
        "最新日期",
        "更新周期天数",
        "状态",
        "说明",
    ];
}
