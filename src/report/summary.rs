//! summary.json: what a run found, in numbers, and the estimate of the national
//! inspection (deductions, vetoes, verdict).
//!
//! Input: the finding rows of the run, run facts ([`RunMeta`]), the veto
//! counters the column checks produce ([`VetoInput`]) and the `[scoring]`
//! numbers of the rules. Every point, cap and threshold is read from
//! [`ScoringSection`]; this module only counts and compares.

use super::Lang;
use super::diff::{DiffCounts, DiffRow, DiffStatus};
use super::error::ReportError;
use super::rows::FindingRow;
use crate::crawl::Stopped;
use crate::crawl::caps::CapReport;
use crate::finding::{FindingKind, Severity};
use crate::probe::Availability;
use crate::rules::scoring::{AvailabilityRule, ScoringSection, ThresholdRule, WindowRule};
use chrono::{DateTime, Local};
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// File name of the summary in a run directory.
pub const SUMMARY_JSON: &str = "summary.json";

/// Veto counters that come from the column checks, the crawl and the probe
/// history (the audit fills them). `None` / `false` judged flags mean the
/// item could not be judged: it is shown as not checked, never as passed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VetoInput {
    /// The homepage shows no item dated within `scoring.veto.homepage_stale.days`
    /// (undated items count as not updated); for a navigation-only homepage,
    /// none of its second-level pages does.
    pub homepage_stale: bool,
    /// Whether the homepage's update could be judged (its dated items, or the
    /// second-level pages of a navigation-only homepage, were read).
    #[serde(default = "yes")]
    pub homepage_judged: bool,
    /// Newest item date found (YYYY-MM-DD), on the homepage or, for a
    /// navigation-only homepage, on its second-level pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage_newest: Option<String>,
    /// Age of that item in days on the audit date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage_age_days: Option<i64>,
    /// For a homepage without dated items: its second-level pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_level: Option<SecondLevel>,
    /// 动态/要闻 columns not updated within `dynamic_days` plus 通知公告/政策文件
    /// level-1 columns not updated within `notice_policy_days`.
    pub stale_dynamic_notice_policy: usize,
    /// Columns that should be updated and are not (any stale required column).
    pub long_unupdated: usize,
    /// Blank columns (a column page listing no items).
    pub blank_columns: usize,
    /// Distinct external targets serving gambling / adult content.
    pub risky_external: usize,
    /// Public messages unanswered past the rule's limit (None: not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_overdue: Option<usize>,
    /// The consultation channels (留言 / 信箱 / 咨询) the run saw (None: not
    /// looked for: the check is off, or the run did not reach its end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_channels: Option<ReplyChannels>,
    /// Service guide items missing required elements, as the indicator
    /// counts them (None: not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide_incomplete: Option<usize>,
    /// Timed homepage visits of the probe over the rule's window (None: no history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Availability>,
}

fn yes() -> bool {
    true
}

impl Default for VetoInput {
    /// Nothing found, the homepage judged, the unimplemented and probe items not checked.
    fn default() -> Self {
        VetoInput {
            homepage_stale: false,
            homepage_judged: true,
            homepage_newest: None,
            homepage_age_days: None,
            second_level: None,
            stale_dynamic_notice_policy: 0,
            long_unupdated: 0,
            blank_columns: 0,
            risky_external: 0,
            reply_overdue: None,
            reply_channels: None,
            guide_incomplete: None,
            availability: None,
        }
    }
}

/// Most channel entries named in summary.json ([`ReplyChannels::examples`]).
pub const MAX_CHANNEL_EXAMPLES: usize = 5;

/// A link to a consultation channel seen on the site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelEntry {
    /// Where it leads (possibly another host: it is not read there).
    pub url: String,
    /// Its text.
    pub text: String,
    /// The page it is on (empty: the channel's own page, known by its title).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub page: String,
}

/// The consultation channels of 互动回应差: a site without one is vetoed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyChannels {
    /// Distinct channel entries (link targets) seen on the site's pages.
    pub entries: usize,
    /// The first of them (at most [`MAX_CHANNEL_EXAMPLES`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<ChannelEntry>,
    /// Message-board pages of the kept channels that were read.
    pub board_pages: usize,
    /// What an entry's link text was looked for: the rules' link texts, or
    /// the default entry words.
    pub looked_for_text: Vec<String>,
    /// The URL patterns an entry's target was looked for.
    pub looked_for_url: Vec<String>,
    /// An own script of the homepage that may write its navigation
    /// (`[interaction] nav_script_pattern`): no channel found is then not a veto.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nav_script: Option<String>,
}

impl ReplyChannels {
    /// Whether the run saw a channel (an entry, or a board it read).
    pub fn found(&self) -> bool {
        self.entries > 0 || self.board_pages > 0
    }
}

/// The second-level pages of a navigation-only homepage (首页仅为栏目导航入口).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondLevel {
    /// Own pages the homepage links to.
    pub linked: usize,
    /// Those that were read (crawled HTML pages).
    pub read: usize,
    /// The page holding the newest item, when one has a date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_url: Option<String>,
}

/// What part of the site a run covered (the audit fills it; the default is
/// a full run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunScope {
    /// Only the homepage was crawled (`--homepage-only`, or a depth of 0).
    pub homepage_only: bool,
    /// Caps that left pages or links unchecked (see [`limiting_caps`]).
    pub caps: Vec<String>,
    /// The required columns were not judged (the rules list none).
    pub no_columns: bool,
    /// URLs whose check or analysis failed inside the auditor: the run is
    /// not complete.
    pub errors: Vec<RunError>,
}

/// A URL whose check or analysis failed inside the auditor (a panic: a bug
/// to report, not a finding about the site).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    /// The URL (empty when it is not known).
    pub url: String,
    /// What failed.
    pub error: String,
}

/// Most [`RunError`]s listed in summary.json (`error_count` counts them all).
pub const MAX_ERRORS_LISTED: usize = 100;

/// The scope of a run as summary.json states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// Everything the rules ask was checked: only such a run can pass.
    pub complete: bool,
    /// Only the homepage and its links were checked.
    pub homepage_only: bool,
    /// The run stopped early (Ctrl-C, SIGTERM, a deadline).
    pub interrupted: bool,
    /// Caps that left pages or links unchecked.
    pub caps: Vec<String>,
    /// The required columns were judged.
    pub columns_checked: bool,
    /// What was checked, in a sentence (empty for a complete run).
    pub statement_zh: String,
    /// The same in English.
    pub statement_en: String,
}

impl Default for Scope {
    /// A complete run (summaries written before scopes existed).
    fn default() -> Self {
        Scope {
            complete: true,
            homepage_only: false,
            interrupted: false,
            caps: Vec::new(),
            columns_checked: true,
            statement_zh: String::new(),
            statement_en: String::new(),
        }
    }
}

/// Caps that keep every page and link checked: the nesting cap keeps text
/// and links; the anchor caps only leave fragment links (`#id`) unchecked.
/// Every other cap limits the scope: the list feed cap and the script call
/// cap leave a column's further items (pages) unchecked; a stylesheet cut at
/// its body cap (listed under the page size cap) leaves its further
/// `url()`s unchecked, as the stylesheet URL cap does.
const NON_LIMITING_CAPS: [&str; 3] = ["nesting cap", "anchor cap", "anchor store cap"];

/// The caps among `caps` (the crawl's cap lines) that left part of the site
/// unchecked: every cap but [those that check every page and
/// link](NON_LIMITING_CAPS), and the depth cap of a homepage-only run (that
/// is its scope, stated anyway).
pub fn limiting_caps(caps: &[String], homepage_only: bool) -> Vec<String> {
    caps.iter()
        .filter(|c| !NON_LIMITING_CAPS.iter().any(|n| c.starts_with(n)))
        .filter(|c| !(homepage_only && c.starts_with("depth cap")))
        .cloned()
        .collect()
}

/// A short name of a cap line, e.g. 页面数 for `page cap reached: …`.
pub fn cap_name(line: &str, lang: Lang) -> String {
    let names: [(&str, &str, &str); 14] = [
        ("page size cap", "页面大小", "page size"),
        ("list feed cap", "栏目列表请求数", "list feeds"),
        ("script call cap", "脚本数据调用数", "script data calls"),
        ("stylesheet URL cap", "样式表网址数", "stylesheet URLs"),
        ("pagination cap", "分页页数", "pagination pages"),
        ("datastore record cap", "数据记录数", "datastore records"),
        ("anchor store cap", "锚点存储", "anchor store"),
        ("anchor cap", "每页锚点数", "anchors per page"),
        ("page cap", "页面数", "pages"),
        ("depth cap", "深度", "depth"),
        ("URL pattern cap", "同类网址数", "URL patterns"),
        ("session token cap", "会话令牌网址数", "session tokens"),
        ("link cap", "每页链接数", "links per page"),
        ("deadline", "运行时限", "deadline"),
    ];
    for (prefix, zh, en) in names {
        if line.starts_with(prefix) || (prefix == "deadline" && line.contains(prefix)) {
            return match lang {
                Lang::Zh => zh.into(),
                Lang::En => en.into(),
            };
        }
    }
    line.split(':').next().unwrap_or(line).trim().to_string()
}

impl Scope {
    /// The scope of a run: `complete` is false when it was interrupted.
    fn of(scope: &RunScope, complete: bool, errors: usize, warnings: usize) -> Scope {
        let interrupted = !complete;
        let columns_checked =
            !scope.no_columns && !scope.homepage_only && !interrupted && scope.errors.is_empty();
        let full = !scope.homepage_only
            && !interrupted
            && scope.caps.is_empty()
            && scope.errors.is_empty()
            && columns_checked;
        let failed = scope.errors.len();
        let (found_zh, found_en) = match (errors, warnings) {
            (0, 0) => ("未发现问题".to_string(), "no problem found".to_string()),
            (0, w) => (
                format!("未发现错误，警告 {w} 个"),
                format!("no error found, {w} warnings"),
            ),
            (e, _) => (format!("发现错误 {e} 个"), format!("{e} errors found")),
        };
        let caps = |lang: Lang, sep: &str| {
            let mut names: Vec<String> = scope.caps.iter().map(|c| cap_name(c, lang)).collect();
            names.dedup();
            names.join(sep)
        };
        let mut zh: Vec<String> = Vec::new();
        let mut en: Vec<String> = Vec::new();
        if full {
            // Nothing to state.
        } else if scope.homepage_only {
            zh.push(format!("首页检查：{found_zh}；栏目与其他页面未检查"));
            en.push(format!(
                "homepage check: {found_en}; columns and other pages not checked"
            ));
        } else if interrupted {
            zh.push(format!(
                "检查未完成（运行中断）：{found_zh}；其余页面与栏目未检查"
            ));
            en.push(format!(
                "incomplete run (interrupted): {found_en}; the remaining pages and the columns not checked"
            ));
        } else if failed > 0 {
            zh.push(format!(
                "检查未完成（{failed} 个网址因审计程序内部错误未能检查）：{found_zh}；栏目未检查"
            ));
            en.push(format!(
                "incomplete run ({failed} URL(s) not checked: internal error of the auditor): {found_en}; columns not checked"
            ));
        } else if !scope.caps.is_empty() {
            zh.push(format!(
                "部分检查（达到上限：{}）：{found_zh}；上限以外的页面与链接未检查",
                caps(Lang::Zh, "、")
            ));
            en.push(format!(
                "partial check (cap reached: {}): {found_en}; pages and links beyond the cap not checked",
                caps(Lang::En, ", ")
            ));
        } else {
            zh.push(format!("全站链接检查：{found_zh}"));
            en.push(format!("site link check: {found_en}"));
        }
        if !full && !scope.caps.is_empty() && (scope.homepage_only || interrupted) {
            zh.push(format!("达到上限：{}", caps(Lang::Zh, "、")));
            en.push(format!("cap reached: {}", caps(Lang::En, ", ")));
        }
        if failed > 0 && (scope.homepage_only || interrupted) {
            zh.push(format!("{failed} 个网址因审计程序内部错误未能检查"));
            en.push(format!(
                "{failed} URL(s) not checked: internal error of the auditor"
            ));
        }
        if scope.no_columns && !scope.homepage_only {
            zh.push("规则未配置必查栏目，栏目未检查".into());
            en.push("the rules list no required columns: columns not checked".into());
        }
        Scope {
            complete: full,
            homepage_only: scope.homepage_only,
            interrupted,
            caps: scope.caps.clone(),
            columns_checked,
            statement_zh: zh.join("；"),
            statement_en: en.join("; "),
        }
    }
}

/// Facts about the run that are not in the finding rows.
#[derive(Debug, Clone)]
pub struct RunMeta {
    /// Site name (rules `site.name`).
    pub site_name: String,
    /// Site id (reports folder name).
    pub site_id: String,
    /// Run id (`YYYYMMDD-HHMMSS`).
    pub run_id: String,
    /// When the run started; its date is the run's date ("today").
    pub started: DateTime<Local>,
    /// When the run ended.
    pub finished: DateTime<Local>,
    /// The homepage URL(s): the first start URL and, if it redirected, where it landed.
    pub homepage: Vec<String>,
    /// Pages fetched and parsed.
    pub pages: usize,
    /// Link occurrences (rows of links.csv).
    pub links: usize,
    /// Unique URLs checked.
    pub checked_urls: usize,
    /// `--fail-on`: error, warning, info or new.
    pub fail_on: String,
    /// False when the run was interrupted (Ctrl-C, limits) before the end.
    pub complete: bool,
    /// What the run covered besides being interrupted.
    pub scope: RunScope,
    /// Why the run stopped before the end (Ctrl-C, the deadline) and what was left.
    pub stopped: Option<Stopped>,
    /// Every URL at which a cap bit, per cap.
    pub capped: Vec<CapReport>,
}

/// One per-link deduction of the estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deduction {
    /// Stable id: `homepage_links` or `other_links`.
    pub id: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Distinct confirmed unusable targets.
    pub confirmed: usize,
    /// Distinct suspected unusable targets (not confirmed anywhere).
    pub suspected: usize,
    /// Targets counted in the estimate.
    pub counted: usize,
    /// Points per target.
    pub points_each: f64,
    /// Most points this deduction can take.
    pub cap: f64,
    /// Points deducted (capped).
    pub points: f64,
    /// Points deducted if every suspected target were confirmed (capped).
    pub points_worst: f64,
    /// The rule the numbers come from.
    pub rule: String,
}

/// Where a veto item stands after the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VetoState {
    /// Judged, below the early warning.
    #[default]
    Ok,
    /// Judged, at or above the early warning (预警), below the veto.
    Warning,
    /// The veto holds.
    Veto,
    /// Not judged by this run (partial run, no probe history, check not run).
    Unchecked,
}

impl VetoState {
    /// Label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (VetoState::Ok, Lang::Zh) => "正常",
            (VetoState::Warning, Lang::Zh) => "预警",
            (VetoState::Veto, Lang::Zh) => "否决",
            (VetoState::Unchecked, Lang::Zh) => "未检查",
            (VetoState::Ok, Lang::En) => "ok",
            (VetoState::Warning, Lang::En) => "pre-warning",
            (VetoState::Veto, Lang::En) => "veto",
            (VetoState::Unchecked, Lang::En) => "not checked",
        }
    }

    /// Stable code (summary.json, CSS class).
    pub fn code(self) -> &'static str {
        match self {
            VetoState::Ok => "ok",
            VetoState::Warning => "warning",
            VetoState::Veto => "veto",
            VetoState::Unchecked => "unchecked",
        }
    }
}

/// One veto item: its counter, threshold and state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VetoCheck {
    /// Stable id (the key under `[scoring.veto]`).
    pub id: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The counter (1/0 for the homepage, failed visits for availability).
    pub value: usize,
    /// The counter at which it triggers (inclusive).
    pub threshold: usize,
    /// The counter of the early warning, when the item has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<usize>,
    /// The window in days behind the counter, when it has one.
    pub window_days: Option<u32>,
    /// Whether the veto holds.
    pub triggered: bool,
    /// ok / warning / veto / unchecked.
    #[serde(default)]
    pub state: VetoState,
    /// The evidence or why it was not checked (Chinese).
    #[serde(default)]
    pub note_zh: String,
    /// The same in English.
    #[serde(default)]
    pub note_en: String,
    /// The rule.
    pub rule: String,
}

/// 合格 / 不合格 / not rated (a partial run that found no veto).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// 合格: a complete run, no veto, score at or above the pass mark.
    Pass,
    /// 不合格: a veto holds or the score is below the pass mark.
    Fail,
    /// 未评定: the run did not check everything and found no reason to fail.
    Partial,
}

impl Verdict {
    /// Label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Verdict::Pass, Lang::Zh) => "合格",
            (Verdict::Fail, Lang::Zh) => "不合格",
            (Verdict::Partial, Lang::Zh) => "未评定",
            (Verdict::Pass, Lang::En) => "pass",
            (Verdict::Fail, Lang::En) => "fail",
            (Verdict::Partial, Lang::En) => "not rated",
        }
    }

    /// Stable code (`pass`, `fail`, `partial`).
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Partial => "partial",
        }
    }
}

/// The estimate under the national inspection indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Points of the deduction indicators (100).
    pub max_score: f64,
    /// Pass mark (60).
    pub pass_score: f64,
    /// Whether suspected links were counted.
    pub count_suspected: bool,
    /// Per-link deductions.
    pub deductions: Vec<Deduction>,
    /// Cap on the link deductions together.
    pub link_cap: f64,
    /// Rule of that cap.
    pub link_cap_rule: String,
    /// Points deducted in all (after every cap).
    pub total_deduction: f64,
    /// Estimated score.
    pub score: f64,
    /// Score if every suspected target were confirmed.
    pub score_worst: f64,
    /// Every veto item, with its state.
    pub vetoes: Vec<VetoCheck>,
    /// 合格 / 不合格 / 未评定.
    pub verdict: Verdict,
    /// Why 不合格 (Chinese); empty otherwise.
    pub reasons_zh: Vec<String>,
    /// Why not passed (English).
    pub reasons_en: Vec<String>,
    /// Early warnings (预警) reached (Chinese).
    #[serde(default)]
    pub warnings_zh: Vec<String>,
    /// Early warnings reached (English).
    #[serde(default)]
    pub warnings_en: Vec<String>,
    /// Names of the veto items the run could not judge (Chinese).
    #[serde(default)]
    pub unchecked_zh: Vec<String>,
    /// The same in English.
    #[serde(default)]
    pub unchecked_en: Vec<String>,
    /// The rule of the score and pass mark.
    pub rule: String,
}

/// summary.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Site name.
    pub site_name: String,
    /// Site id.
    pub site_id: String,
    /// Run id.
    pub run_id: String,
    /// Start time (RFC 3339, local).
    pub started: String,
    /// End time (RFC 3339, local).
    pub finished: String,
    /// Seconds the run took.
    pub duration_s: f64,
    /// The run's date (YYYY-MM-DD), used for first-seen dates and windows.
    pub today: String,
    /// False when the run was interrupted.
    pub complete: bool,
    /// What the run covered; only a complete scope can pass.
    #[serde(default)]
    pub scope: Scope,
    /// Why the run stopped before the end and how many URLs were left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
    /// Every URL at which a cap bit, per cap (the first
    /// [`MAX_URLS_PER_CAP`](crate::crawl::caps::MAX_URLS_PER_CAP) of each;
    /// `count` has them all).
    #[serde(default)]
    pub capped: Vec<CapReport>,
    /// Homepage URL(s).
    pub homepage: Vec<String>,
    /// Pages fetched.
    pub pages: usize,
    /// Link occurrences.
    pub links: usize,
    /// Unique URLs checked.
    pub checked_urls: usize,
    /// Findings in all.
    pub findings: usize,
    /// Findings per kind code (every kind present, zero included).
    pub by_kind: BTreeMap<String, usize>,
    /// Findings per severity (error, warning, info).
    pub by_severity: BTreeMap<String, usize>,
    /// Findings per certainty (confirmed, suspected).
    pub by_certainty: BTreeMap<String, usize>,
    /// Veto counters as given.
    pub veto_input: VetoInput,
    /// Inspection estimate.
    pub estimate: Estimate,
    /// Previous run compared with, if any.
    pub previous_run: Option<String>,
    /// New / fixed / open counts against the previous run, if compared.
    pub diff: Option<DiffCounts>,
    /// `--fail-on` threshold.
    pub fail_threshold: String,
    /// Findings at or above the threshold (for `new`: new findings of severity error).
    pub fail_count: usize,
    /// Whether the run fails (exit code 1).
    pub failed: bool,
    /// One line for the log and the top of the report (Chinese).
    pub verdict_line: String,
    /// Where host names were resolved: `local` (here, behind the
    /// private-address guard) or `proxy` (by the proxy: the guard only saw
    /// IP literals and mapped hosts).
    #[serde(default = "local_resolution")]
    pub name_resolution: String,
    /// The proxy used for unmapped hosts (without credentials); None: direct.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// URLs whose check or analysis failed inside the auditor (the first
    /// [`MAX_ERRORS_LISTED`]); any makes the run incomplete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RunError>,
    /// How many URLs failed so.
    #[serde(default)]
    pub error_count: usize,
    /// The history file the run was recorded in (absolute), so that
    /// `zwgk-audit report` of a run folder anywhere (`--out`) finds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<String>,
}

/// What part of the site a finished run looked at, as a diff baseline and
/// in the history (`runs.scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coverage {
    /// The whole site: not homepage-only, no cap bit, nothing failed.
    Full,
    /// Only the homepage (`--homepage-only`, depth 0).
    Homepage,
    /// Part of the site: a cap bit (pages, depth, patterns, tokens …).
    Partial,
}

impl Coverage {
    /// The stable code kept in the history.
    pub fn code(self) -> &'static str {
        match self {
            Coverage::Full => "full",
            Coverage::Homepage => "homepage",
            Coverage::Partial => "partial",
        }
    }

    /// The coverage of a code; runs recorded before coverages existed are full.
    pub fn from_code(code: Option<&str>) -> Coverage {
        match code {
            Some("homepage") => Coverage::Homepage,
            Some("partial") => Coverage::Partial,
            _ => Coverage::Full,
        }
    }

    /// The coverages of the runs a run of this coverage is compared with:
    /// a full run only with a full run; a homepage-only run with a
    /// homepage-only or a full run; a capped run with a full or a capped one.
    pub fn baselines(self) -> &'static [Coverage] {
        match self {
            Coverage::Full => &[Coverage::Full],
            Coverage::Homepage => &[Coverage::Homepage, Coverage::Full],
            Coverage::Partial => &[Coverage::Full, Coverage::Partial],
        }
    }
}

fn local_resolution() -> String {
    "local".into()
}

/// A URL compared the way the homepage check needs: parsed, without fragment.
fn norm_url(s: &str) -> String {
    let s = s.trim();
    match url::Url::parse(s) {
        Ok(mut u) => {
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => s.to_string(),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Distinct targets of `kind` among the rows at severity error (e.g. risky_external for [`VetoInput`]).
pub fn distinct_targets<'a>(
    rows: impl IntoIterator<Item = &'a FindingRow>,
    kind: FindingKind,
) -> usize {
    rows.into_iter()
        .filter(|r| r.kind == kind.code() && r.severity == Severity::Error.code())
        .map(|r| norm_url(&r.target_url))
        .collect::<HashSet<_>>()
        .len()
}

/// Distinct pages with a finding of `kind` at severity error (a message, a
/// guide: one page each).
pub fn distinct_pages<'a>(
    rows: impl IntoIterator<Item = &'a FindingRow>,
    kind: FindingKind,
) -> usize {
    rows.into_iter()
        .filter(|r| r.kind == kind.code() && r.severity == Severity::Error.code())
        .map(|r| (norm_url(&r.page_url), r.link_text.as_str()))
        .collect::<HashSet<_>>()
        .len()
}

/// Counts unusable targets and applies points and caps.
struct LinkCounter {
    homepage: HashSet<String>,
    /// target → confirmed anywhere in its bucket.
    home: HashMap<String, bool>,
    other: HashMap<String, bool>,
}

impl LinkCounter {
    fn new(homepages: &[String]) -> Self {
        LinkCounter {
            homepage: homepages.iter().map(|h| norm_url(h)).collect(),
            home: HashMap::new(),
            other: HashMap::new(),
        }
    }

    fn add(&mut self, r: &FindingRow) {
        let unusable = FindingKind::from_code(&r.kind).is_some_and(FindingKind::is_unusable_link);
        if !unusable || r.severity != Severity::Error.code() {
            return;
        }
        let target = if r.target_url.trim().is_empty() {
            norm_url(&r.page_url)
        } else {
            norm_url(&r.target_url)
        };
        let confirmed = r.certainty == "confirmed";
        let bucket = if self.homepage.contains(&norm_url(&r.page_url)) {
            &mut self.home
        } else {
            &mut self.other
        };
        let e = bucket.entry(target).or_insert(false);
        *e |= confirmed;
    }

    /// (confirmed, suspected) distinct targets of each bucket; a homepage target is
    /// not counted again on other pages.
    fn counts(&self) -> ((usize, usize), (usize, usize)) {
        let split = |m: &mut dyn Iterator<Item = bool>| {
            m.fold(
                (0, 0),
                |(c, s), conf| if conf { (c + 1, s) } else { (c, s + 1) },
            )
        };
        let home = split(&mut self.home.values().copied());
        let other = split(
            &mut self
                .other
                .iter()
                .filter(|(t, _)| !self.home.contains_key(*t))
                .map(|(_, c)| *c),
        );
        (home, other)
    }
}

fn deduction(
    id: &str,
    zh: &str,
    en: &str,
    (confirmed, suspected): (usize, usize),
    rule: &crate::rules::scoring::LinkRule,
    count_suspected: bool,
) -> Deduction {
    let counted = if count_suspected {
        confirmed + suspected
    } else {
        confirmed
    };
    Deduction {
        id: id.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        confirmed,
        suspected,
        counted,
        points_each: rule.points,
        cap: rule.cap,
        points: round2((counted as f64 * rule.points).min(rule.cap)),
        points_worst: round2(((confirmed + suspected) as f64 * rule.points).min(rule.cap)),
        rule: rule.rule.clone(),
    }
}

/// Why a counter could not be judged, when it could not: (zh, en).
type Unjudged = Option<(String, String)>;

/// A veto item on a counter: vetoed at `threshold` whatever the scope (a
/// partial run's count is a lower bound), else not checked when `unjudged`,
/// else warned at `warning`.
#[allow(clippy::too_many_arguments)]
fn counter(
    id: &str,
    zh: &str,
    en: &str,
    value: usize,
    rule: &ThresholdRule,
    window: Option<u32>,
    unjudged: Unjudged,
) -> VetoCheck {
    let triggered = value >= rule.threshold;
    let (state, note_zh, note_en) = if triggered {
        (
            VetoState::Veto,
            format!("{value} 个，达到否决线 {}", rule.threshold),
            format!("{value}, at or above the veto line {}", rule.threshold),
        )
    } else if let Some((nz, ne)) = unjudged {
        (VetoState::Unchecked, nz, ne)
    } else if rule.warning.is_some_and(|w| value >= w) {
        (
            VetoState::Warning,
            format!(
                "{value} 个，达到预警线 {}",
                rule.warning.unwrap_or_default()
            ),
            format!(
                "{value}, at or above the pre-warning line {}",
                rule.warning.unwrap_or_default()
            ),
        )
    } else {
        (VetoState::Ok, format!("{value} 个"), format!("{value}"))
    };
    VetoCheck {
        id: id.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        value,
        threshold: rule.threshold,
        warning: rule.warning,
        window_days: window,
        triggered,
        state,
        note_zh,
        note_en,
        rule: rule.rule.clone(),
    }
}

fn pct(r: f64) -> String {
    let p = (r * 1000.0).round() / 10.0;
    format!("{p}%")
}

fn availability_check(a: Option<&Availability>, r: &AvailabilityRule) -> VetoCheck {
    let limit = r.timeout_secs;
    let (value, state, note_zh, note_en) = match a.filter(|a| a.visits > 0) {
        None => (
            0,
            VetoState::Unchecked,
            "没有首页探测记录：请用 zwgk-audit probe 每 30 分钟访问一次首页（见 README）"
                .to_string(),
            "no homepage visits recorded: run zwgk-audit probe every 30 minutes (see README)"
                .to_string(),
        ),
        Some(a) if !a.enough => (
            a.failures,
            VetoState::Unchecked,
            format!(
                "监测不足：近 {} 天访问 {} 次（{limit} 秒内未打开 {} 次，{}），只有 {} 天达到每天 {} 次；规则要求连续 {} 天每天 {} 次以上",
                r.days,
                a.visits,
                a.failures,
                pct(a.rate),
                a.days_enough,
                r.min_daily_visits,
                r.days,
                r.min_daily_visits
            ),
            format!(
                "not enough visits: {} in the last {} days ({} not open within {limit} s, {}), {} of the days with {} or more; the rule needs {}+ a day for {} days",
                a.visits,
                r.days,
                a.failures,
                pct(a.rate),
                a.days_enough,
                r.min_daily_visits,
                r.min_daily_visits,
                r.days
            ),
        ),
        Some(a) => {
            let state = if a.rate >= r.rate {
                VetoState::Veto
            } else if a.rate >= r.warning_rate {
                VetoState::Warning
            } else {
                VetoState::Ok
            };
            (
                a.failures,
                state,
                format!(
                    "近 {} 天访问 {} 次，{limit} 秒内未打开 {} 次（{}；否决线 {}，预警线 {}）",
                    r.days,
                    a.visits,
                    a.failures,
                    pct(a.rate),
                    pct(r.rate),
                    pct(r.warning_rate)
                ),
                format!(
                    "{} visits in the last {} days, {} not open within {limit} s ({}; veto at {}, pre-warning at {})",
                    a.visits,
                    r.days,
                    a.failures,
                    pct(a.rate),
                    pct(r.rate),
                    pct(r.warning_rate)
                ),
            )
        }
    };
    VetoCheck {
        id: "availability".into(),
        name_zh: "站点无法访问".into(),
        name_en: "Site unreachable".into(),
        value,
        threshold: a.map_or(0, |a| (a.visits as f64 * r.rate).ceil() as usize),
        warning: None,
        window_days: Some(r.days),
        triggered: state == VetoState::Veto,
        state,
        note_zh,
        note_en,
        rule: r.rule.clone(),
    }
}

fn homepage_check(v: &VetoInput, r: &WindowRule) -> VetoCheck {
    let days = r.days;
    let newest = v.homepage_newest.as_deref().unwrap_or("");
    let nav = v.second_level.as_ref();
    let (state, note_zh, note_en) = if !v.homepage_judged {
        match nav {
            Some(n) => (
                VetoState::Unchecked,
                format!(
                    "首页没有带日期的信息（导航型首页）；其链接的 {} 个二级页面未读取（本次未爬取或读取失败）",
                    n.linked
                ),
                format!(
                    "no dated item on the homepage (navigation only); its {} second-level pages were not read (not crawled, or failed)",
                    n.linked
                ),
            ),
            None => (
                VetoState::Unchecked,
                "首页内容未判定（运行中断或首页未能读取）".to_string(),
                "the homepage was not judged (run interrupted or homepage not read)".to_string(),
            ),
        }
    } else {
        let age = v.homepage_age_days;
        let (where_zh, where_en) = match nav {
            Some(n) => (
                format!(
                    "导航型首页，读取 {} 个二级页面中的 {} 个：",
                    n.linked, n.read
                ),
                format!(
                    "navigation-only homepage, {} of {} second-level pages read: ",
                    n.read, n.linked
                ),
            ),
            None => (String::new(), String::new()),
        };
        let (what_zh, what_en) = match (newest, age) {
            ("", _) => ("没有带日期的信息".to_string(), "no dated item".to_string()),
            (d, Some(a)) => (
                format!("最新信息 {d}（{a} 天前）"),
                format!("newest item {d} ({a} days old)"),
            ),
            (d, None) => (format!("最新信息 {d}"), format!("newest item {d}")),
        };
        let state = if v.homepage_stale {
            VetoState::Veto
        } else if r
            .warning_days
            .zip(age)
            .is_some_and(|(w, a)| a > i64::from(w))
        {
            VetoState::Warning
        } else {
            VetoState::Ok
        };
        (
            state,
            format!("{where_zh}{what_zh}"),
            format!("{where_en}{what_en}"),
        )
    };
    VetoCheck {
        id: "homepage_stale".into(),
        name_zh: "首页不更新".into(),
        name_en: "Homepage not updated".into(),
        value: usize::from(v.homepage_stale),
        threshold: 1,
        warning: r.warning_days.map(|d| d as usize),
        window_days: Some(days),
        triggered: state == VetoState::Veto,
        state,
        note_zh,
        note_en,
        rule: r.rule.clone(),
    }
}

/// The short list of what was looked for, in a note.
fn listed(items: &[String], sep: &str) -> String {
    const SHOWN: usize = 8;
    let mut out = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(sep);
    if items.len() > SHOWN {
        out.push_str(sep);
        out.push('…');
    }
    out
}

/// 互动回应差: the overdue messages of the boards read; else, when no board
/// was read, the channels the run saw. A complete run (`partial` None) that
/// saw no channel holds the veto without a finding (the rule's 第1项); a
/// channel seen but not read (another host, a list built by script) is not
/// checked, as is everything a partial run did not see.
fn reply_check(
    v: &VetoInput,
    r: &ThresholdRule,
    partial: Unjudged,
    not_run: impl FnOnce() -> Unjudged,
) -> VetoCheck {
    let item = |value: usize, unjudged: Unjudged| {
        counter(
            "reply_overdue",
            "互动回应差",
            "Public messages unanswered",
            value,
            r,
            None,
            unjudged,
        )
    };
    if let Some(n) = v.reply_overdue {
        return item(n, partial);
    }
    let Some(c) = &v.reply_channels else {
        return item(0, not_run());
    };
    if let Some(e) = c.examples.first().filter(|_| c.entries > 0) {
        let (more_zh, more_en) = if c.entries > 1 {
            (
                format!("等 {} 个入口", c.entries),
                format!(" and {} more", c.entries - 1),
            )
        } else {
            (String::new(), String::new())
        };
        let (on_zh, on_en) = if e.page.is_empty() {
            (String::new(), String::new())
        } else {
            (format!("，见 {}", e.page), format!(", on {}", e.page))
        };
        let found_zh = format!(
            "找到留言/信箱/咨询渠道 {}（「{}」{on_zh}）{more_zh}",
            e.url, e.text
        );
        let found_en = format!(
            "consultation channel found at {} (\"{}\"{on_en}){more_en}",
            e.url, e.text
        );
        let note = match partial {
            Some((pz, pe)) => (
                format!("{pz}；{found_zh}，留言列表未读取"),
                format!("{pe}; {found_en}, its messages not read"),
            ),
            None => (
                format!(
                    "{found_zh}，但未读取到留言列表（渠道在其他网站上、列表由脚本生成或版式未能识别）：请人工检查留言答复"
                ),
                format!(
                    "{found_en}, but no message list was read (the channel is on another site, its list is built by script, or its layout is not known): check the replies by hand"
                ),
            ),
        };
        return item(0, Some(note));
    }
    if c.found() {
        // Boards read by a partial run (their messages are not judged).
        return item(0, partial.or_else(not_run));
    }
    let (texts, urls) = (&c.looked_for_text, &c.looked_for_url);
    let mut what_zh = Vec::new();
    let mut what_en = Vec::new();
    if !texts.is_empty() {
        what_zh.push(format!("链接文字含「{}」", listed(texts, "、")));
        what_en.push(format!("link texts with \"{}\"", listed(texts, "\", \"")));
    }
    if !urls.is_empty() {
        what_zh.push(format!("网址匹配「{}」", listed(urls, " ")));
        what_en.push(format!("URLs matching {}", listed(urls, " ")));
    }
    let (what_zh, what_en) = (what_zh.join("或"), what_en.join(" or "));
    if let Some((pz, pe)) = partial {
        return item(
            0,
            Some((
                format!("{pz}；已检查的页面上未找到留言/信箱/咨询渠道（查找{what_zh}的链接）"),
                format!(
                    "{pe}; no consultation channel on the pages checked (looked for {what_en})"
                ),
            )),
        );
    }
    if let Some(script) = &c.nav_script {
        // The entry may be in markup the script writes: not sure, not a veto.
        return item(
            0,
            Some((
                format!(
                    "全站页面上未找到留言/信箱/咨询渠道（查找{what_zh}的链接），但首页的导航可能由脚本 {script} 生成：请人工确认是否提供了咨询渠道"
                ),
                format!(
                    "no consultation channel linked from the pages checked (looked for {what_en}), but the homepage's navigation may be written by the script {script}: check by hand"
                ),
            )),
        );
    }
    VetoCheck {
        state: VetoState::Veto,
        triggered: true,
        note_zh: format!(
            "未找到留言/信箱/咨询渠道：全站页面上没有{what_zh}的链接，也没有读取到留言列表（在线访谈、调查征集、举报投诉等渠道不计）"
        ),
        note_en: format!(
            "no consultation channel (留言 / 信箱 / 咨询) found: no page of the site links to {what_en}, and no message list was read (在线访谈, 调查征集, 举报投诉 channels do not count)"
        ),
        ..item(0, None)
    }
}

fn vetoes(v: &VetoInput, s: &ScoringSection, scope: &Scope) -> Vec<VetoCheck> {
    let r = &s.veto;
    let partial = |zh: &str, en: &str| -> Unjudged {
        Some((format!("部分检查：{zh}"), format!("partial run: {en}")))
    };
    // Why the column counters cannot be trusted to be complete.
    let columns: Unjudged = if scope.homepage_only {
        partial("仅检查了首页，栏目未检查", "only the homepage was checked")
    } else if scope.interrupted {
        partial(
            "运行中断，栏目未判定",
            "interrupted before the columns were judged",
        )
    } else if !scope.columns_checked {
        Some((
            "规则未配置必查栏目".into(),
            "the rules list no required columns".into(),
        ))
    } else if !scope.caps.is_empty() {
        partial(
            "达到上限，未爬取的栏目页面未判定，计数可能偏低",
            "a cap was reached; columns beyond it were not judged, the count may be low",
        )
    } else {
        None
    };
    let links: Unjudged = (scope.homepage_only || scope.interrupted || !scope.caps.is_empty())
        .then(|| {
            (
                "部分检查：未检查的页面上的链接未判定".to_string(),
                "partial run: links on pages not checked were not judged".to_string(),
            )
        });
    let not_run = |zh: &str, en: &str| -> Unjudged {
        Some((
            format!("本次未检查（{zh}）"),
            format!("not checked by this run ({en})"),
        ))
    };
    let stale_rule = ThresholdRule {
        threshold: r.stale_columns.threshold,
        warning: None,
        rule: r.stale_columns.rule.clone(),
    };
    vec![
        availability_check(v.availability.as_ref(), &r.availability),
        homepage_check(v, &r.homepage_stale),
        counter(
            "stale_columns",
            "动态要闻/通知公告/政策文件栏目未更新",
            "News / notice / policy columns not updated",
            v.stale_dynamic_notice_policy,
            &stale_rule,
            None,
            columns.clone(),
        ),
        counter(
            "long_unupdated",
            "应更新但长期未更新的栏目",
            "Columns that should be updated and are not",
            v.long_unupdated,
            &r.long_unupdated,
            None,
            columns.clone(),
        ),
        counter(
            "blank_columns",
            "空白栏目",
            "Blank columns",
            v.blank_columns,
            &r.blank_columns,
            None,
            columns,
        ),
        reply_check(v, &r.reply_overdue, links.clone(), || {
            not_run("留言答复检查未运行", "the message-reply check did not run")
        }),
        counter(
            "guide_incomplete",
            "服务不实用（办事指南要素缺失）",
            "Service guides incomplete",
            v.guide_incomplete.unwrap_or(0),
            &r.guide_incomplete,
            None,
            if v.guide_incomplete.is_none() {
                not_run(
                    "办事指南要素检查未运行",
                    "the service-guide check did not run",
                )
            } else {
                links.clone()
            },
        ),
        counter(
            "risky_external",
            "链接赌博、色情等内容",
            "Links to gambling / adult content",
            v.risky_external,
            &r.risky_external,
            None,
            links,
        ),
    ]
}

impl Estimate {
    /// The estimate of a complete run from the finding rows, veto counters
    /// and scoring numbers.
    pub fn build<'a>(
        rows: impl IntoIterator<Item = &'a FindingRow>,
        homepages: &[String],
        veto: &VetoInput,
        s: &ScoringSection,
    ) -> Estimate {
        Estimate::build_scoped(rows, homepages, veto, s, &Scope::default())
    }

    /// The estimate of a run of `scope`: only a complete run can pass.
    pub fn build_scoped<R: Borrow<FindingRow>>(
        rows: impl IntoIterator<Item = R>,
        homepages: &[String],
        veto: &VetoInput,
        s: &ScoringSection,
        scope: &Scope,
    ) -> Estimate {
        let mut lc = LinkCounter::new(homepages);
        for r in rows {
            lc.add(r.borrow());
        }
        let (home, other) = lc.counts();
        let deductions = vec![
            deduction(
                "homepage_links",
                "首页不可用链接",
                "Unusable links on the homepage",
                home,
                &s.homepage_links,
                s.count_suspected,
            ),
            deduction(
                "other_links",
                "其他页面不可用链接",
                "Unusable links on other pages",
                other,
                &s.other_links,
                s.count_suspected,
            ),
        ];
        let sum: f64 = deductions.iter().map(|d| d.points).sum();
        let sum_worst: f64 = deductions.iter().map(|d| d.points_worst).sum();
        let total = round2(sum.min(s.link_availability.cap));
        let total_worst = round2(sum_worst.min(s.link_availability.cap));
        let score = round2((s.max_score - total).max(0.0));
        let score_worst = round2((s.max_score - total_worst).max(0.0));
        let vetoes = vetoes(veto, s, scope);
        let mut reasons_zh = Vec::new();
        let mut reasons_en = Vec::new();
        let mut warnings_zh = Vec::new();
        let mut warnings_en = Vec::new();
        let mut unchecked_zh = Vec::new();
        let mut unchecked_en = Vec::new();
        for v in &vetoes {
            match v.state {
                VetoState::Veto => match v.id.as_str() {
                    "homepage_stale" => {
                        let days = v.window_days.unwrap_or_default();
                        let (zh, en) = if veto.second_level.is_some() {
                            (
                                format!("导航型首页，所有二级页面{days}天内无更新"),
                                format!(
                                    "navigation-only homepage, no second-level page updated in {days} days"
                                ),
                            )
                        } else {
                            (
                                format!("{days}天内无更新"),
                                format!("nothing new in {days} days"),
                            )
                        };
                        reasons_zh.push(format!("单项否决：{}（{zh}）", v.name_zh));
                        reasons_en.push(format!("veto: {} ({en})", v.name_en));
                    }
                    "availability" => {
                        reasons_zh.push(format!("单项否决：{}（{}）", v.name_zh, v.note_zh));
                        reasons_en.push(format!("veto: {} ({})", v.name_en, v.note_en));
                    }
                    // No channel: the veto has no count behind it.
                    "reply_overdue" if veto.reply_overdue.is_none() => {
                        reasons_zh.push(format!(
                            "单项否决：{}（未找到留言/信箱/咨询渠道）",
                            v.name_zh
                        ));
                        reasons_en.push(format!(
                            "veto: {} (no consultation channel found)",
                            v.name_en
                        ));
                    }
                    _ => {
                        reasons_zh.push(format!(
                            "单项否决：{} {} 个（≥{}）",
                            v.name_zh, v.value, v.threshold
                        ));
                        reasons_en.push(format!(
                            "veto: {} {} (≥ {})",
                            v.name_en, v.value, v.threshold
                        ));
                    }
                },
                VetoState::Warning => {
                    warnings_zh.push(format!("{}：{}", v.name_zh, v.note_zh));
                    warnings_en.push(format!("{}: {}", v.name_en, v.note_en));
                }
                VetoState::Unchecked => {
                    unchecked_zh.push(v.name_zh.clone());
                    unchecked_en.push(v.name_en.clone());
                }
                VetoState::Ok => {}
            }
        }
        if score < s.pass_score {
            reasons_zh.push(format!("估算得分 {score} 低于 {} 分", s.pass_score));
            reasons_en.push(format!("estimated score {score} below {}", s.pass_score));
        }
        let verdict = if !reasons_zh.is_empty() {
            Verdict::Fail
        } else if scope.complete {
            Verdict::Pass
        } else {
            Verdict::Partial
        };
        Estimate {
            max_score: s.max_score,
            pass_score: s.pass_score,
            count_suspected: s.count_suspected,
            deductions,
            link_cap: s.link_availability.cap,
            link_cap_rule: s.link_availability.rule.clone(),
            total_deduction: total,
            score,
            score_worst,
            vetoes,
            verdict,
            reasons_zh,
            reasons_en,
            warnings_zh,
            warnings_en,
            unchecked_zh,
            unchecked_en,
            rule: s.rule.clone(),
        }
    }
}

impl Summary {
    /// Builds the summary of a run. `rows` are all its findings (any order),
    /// gone over twice: a slice, or a file read row by row
    /// ([`RowsOf`](super::csv::RowsOf)).
    pub fn build<R: Borrow<FindingRow>>(
        meta: &RunMeta,
        rows: impl IntoIterator<Item = R> + Clone,
        veto: &VetoInput,
        scoring: &ScoringSection,
    ) -> Summary {
        let mut by_kind: BTreeMap<String, usize> = FindingKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), 0))
            .collect();
        let mut by_severity: BTreeMap<String, usize> =
            [Severity::Error, Severity::Warning, Severity::Info]
                .iter()
                .map(|s| (s.code().to_string(), 0))
                .collect();
        let mut by_certainty: BTreeMap<String, usize> = ["confirmed", "suspected"]
            .iter()
            .map(|c| (c.to_string(), 0))
            .collect();
        let mut findings = 0;
        for r in rows.clone() {
            let r = r.borrow();
            findings += 1;
            *by_kind.entry(r.kind.clone()).or_default() += 1;
            *by_severity.entry(r.severity.clone()).or_default() += 1;
            *by_certainty.entry(r.certainty.clone()).or_default() += 1;
        }
        let sev = |name: &str| by_severity.get(name).copied().unwrap_or(0);
        let scope = Scope::of(&meta.scope, meta.complete, sev("error"), sev("warning"));
        let estimate = Estimate::build_scoped(rows, &meta.homepage, veto, scoring, &scope);
        let duration_s = (meta.finished - meta.started).num_milliseconds().max(0) as f64 / 1000.0;
        let mut s = Summary {
            site_name: meta.site_name.clone(),
            site_id: meta.site_id.clone(),
            run_id: meta.run_id.clone(),
            started: meta.started.to_rfc3339(),
            finished: meta.finished.to_rfc3339(),
            duration_s,
            today: meta.started.format("%Y-%m-%d").to_string(),
            complete: meta.complete && meta.scope.errors.is_empty(),
            scope,
            stopped: meta.stopped,
            capped: meta.capped.clone(),
            homepage: meta.homepage.clone(),
            pages: meta.pages,
            links: meta.links,
            checked_urls: meta.checked_urls,
            findings,
            by_kind,
            by_severity,
            by_certainty,
            veto_input: veto.clone(),
            estimate,
            previous_run: None,
            diff: None,
            fail_threshold: meta.fail_on.clone(),
            fail_count: 0,
            failed: false,
            verdict_line: String::new(),
            name_resolution: local_resolution(),
            proxy: None,
            errors: meta
                .scope
                .errors
                .iter()
                .take(MAX_ERRORS_LISTED)
                .cloned()
                .collect(),
            error_count: meta.scope.errors.len(),
            history: None,
        };
        s.update_fail(None);
        s
    }

    /// What part of the site the run looked at (see [`Coverage`]).
    pub fn coverage(&self) -> Coverage {
        if self.scope.homepage_only {
            Coverage::Homepage
        } else if self.complete
            && !self.scope.interrupted
            && self.scope.caps.is_empty()
            && self.error_count == 0
        {
            Coverage::Full
        } else {
            Coverage::Partial
        }
    }

    /// Records that unmapped hosts were reached through `proxy`, which
    /// resolved their names.
    pub fn set_proxy(&mut self, proxy: Option<&str>) {
        self.proxy = proxy.map(str::to_string);
        self.name_resolution = if proxy.is_some() { "proxy" } else { "local" }.into();
    }

    /// Records the comparison with the previous run (and, for `--fail-on new`,
    /// recomputes whether the run fails).
    pub fn apply_diff(&mut self, previous_run: Option<&str>, diff: &[DiffRow]) {
        let new_errors = diff
            .iter()
            .filter(|r| r.status == DiffStatus::New && r.severity == Severity::Error.code())
            .count();
        self.apply_diff_counts(previous_run, DiffCounts::of(diff), new_errors);
    }

    /// [`apply_diff`](Self::apply_diff) from the counts of a diff and its
    /// new findings of severity error.
    pub fn apply_diff_counts(
        &mut self,
        previous_run: Option<&str>,
        counts: DiffCounts,
        new_errors: usize,
    ) {
        self.previous_run = previous_run.map(str::to_string);
        self.diff = Some(counts);
        self.update_fail(Some(new_errors));
    }

    /// `new_errors`: new findings of severity error, when compared.
    fn update_fail(&mut self, new_errors: Option<usize>) {
        let sev = |name: &str| self.by_severity.get(name).copied().unwrap_or(0);
        self.fail_count = match self.fail_threshold.as_str() {
            "info" => sev("error") + sev("warning") + sev("info"),
            "warning" => sev("error") + sev("warning"),
            // Not compared (no previous run): every error is new.
            "new" => new_errors.unwrap_or(sev("error")),
            _ => sev("error"),
        };
        // A veto fails the run too (the availability veto has no finding);
        // `--fail-on new` alerts on new findings only.
        self.failed = self.fail_count > 0
            || (self.estimate.verdict == Verdict::Fail && self.fail_threshold != "new");
        self.verdict_line = self.verdict_line_in(Lang::Zh);
    }

    /// The one-line verdict: 合格 / 不合格 / the scope of a partial run, the
    /// reasons, early warnings and veto items not checked, score and counts.
    /// Only a complete run says 合格.
    pub fn verdict_line_in(&self, lang: Lang) -> String {
        let e = &self.estimate;
        let (open, close, sep, colon) = match lang {
            Lang::Zh => ("（", "）", "；", "："),
            Lang::En => (" (", ")", "; ", ": "),
        };
        let pick = |zh: &Vec<String>, en: &Vec<String>| match lang {
            Lang::Zh => zh.clone(),
            Lang::En => en.clone(),
        };
        let unchecked = pick(&e.unchecked_zh, &e.unchecked_en);
        let unchecked = (!unchecked.is_empty()).then(|| match lang {
            Lang::Zh => format!("未检查：{}", unchecked.join("、")),
            Lang::En => format!("not checked: {}", unchecked.join(", ")),
        });
        let warnings = pick(&e.warnings_zh, &e.warnings_en);
        let warnings = (!warnings.is_empty()).then(|| match lang {
            Lang::Zh => format!("预警：{}", warnings.join("、")),
            Lang::En => format!("pre-warning: {}", warnings.join(", ")),
        });
        let statement = match lang {
            Lang::Zh => &self.scope.statement_zh,
            Lang::En => &self.scope.statement_en,
        };
        let label = match lang {
            Lang::Zh => e.verdict.label(lang).to_string(),
            Lang::En => e.verdict.label(lang).to_uppercase(),
        };
        let paren = |parts: Vec<String>| {
            if parts.is_empty() {
                String::new()
            } else {
                format!("{open}{}{close}", parts.join(sep))
            }
        };
        match e.verdict {
            Verdict::Pass => format!(
                "{label}{}{colon}{}",
                paren(warnings.into_iter().chain(unchecked).collect()),
                self.counts_line(lang)
            ),
            Verdict::Fail => {
                let reasons = paren(pick(&e.reasons_zh, &e.reasons_en));
                if statement.is_empty() {
                    format!("{label}{reasons}{colon}{}", self.counts_line(lang))
                } else {
                    format!(
                        "{label}{reasons}{colon}{statement}{sep}{}",
                        self.counts_line(lang)
                    )
                }
            }
            // No 合格 in any form: the scope, what was not checked, the counts.
            Verdict::Partial => format!(
                "{statement}{}{colon}{}",
                paren(unchecked.into_iter().collect()),
                self.partial_counts_line(lang)
            ),
        }
    }

    /// Deduction and counts of a partial run: no score out of the maximum,
    /// which would read as a result for the whole site.
    pub fn partial_counts_line(&self, lang: Lang) -> String {
        let e = &self.estimate;
        let sev = |name: &str| self.by_severity.get(name).copied().unwrap_or(0);
        match lang {
            Lang::Zh => format!(
                "已检查部分估算扣分 {}，错误 {} 个、警告 {} 个、提示 {} 个",
                e.total_deduction,
                sev("error"),
                sev("warning"),
                sev("info")
            ),
            Lang::En => format!(
                "{} points deducted on the part checked, {} errors, {} warnings, {} info",
                e.total_deduction,
                sev("error"),
                sev("warning"),
                sev("info")
            ),
        }
    }

    /// Score and counts, without the verdict: `估算得分 98.8/100，错误 3 个…`.
    pub fn counts_line(&self, lang: Lang) -> String {
        let e = &self.estimate;
        let sev = |name: &str| self.by_severity.get(name).copied().unwrap_or(0);
        let diff = self.diff.map(|d| match lang {
            Lang::Zh => format!("；较上次新增 {} 个、已修复 {} 个", d.new, d.fixed),
            Lang::En => format!("; since last run {} new, {} fixed", d.new, d.fixed),
        });
        match lang {
            Lang::Zh => format!(
                "估算得分 {}/{}，错误 {} 个、警告 {} 个、提示 {} 个{}",
                e.score,
                e.max_score,
                sev("error"),
                sev("warning"),
                sev("info"),
                diff.unwrap_or_default()
            ),
            Lang::En => format!(
                "estimated score {}/{}, {} errors, {} warnings, {} info{}",
                e.score,
                e.max_score,
                sev("error"),
                sev("warning"),
                sev("info"),
                diff.unwrap_or_default()
            ),
        }
    }

    /// Writes summary.json into a run directory.
    pub fn write(&self, run_dir: &Path) -> Result<(), ReportError> {
        let path = run_dir.join(SUMMARY_JSON);
        let json = serde_json::to_vec_pretty(self).map_err(|source| ReportError::Json {
            path: path.clone(),
            source,
        })?;
        // Write then rename, so a reader never sees half a file.
        let tmp = run_dir.join(".summary.json.tmp");
        std::fs::write(&tmp, json).map_err(|e| ReportError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| ReportError::io(&path, e))
    }

    /// Reads summary.json of a run directory.
    pub fn read(run_dir: &Path) -> Result<Summary, ReportError> {
        let path = run_dir.join(SUMMARY_JSON);
        let bytes = std::fs::read(&path).map_err(|e| ReportError::io(&path, e))?;
        serde_json::from_slice(&bytes).map_err(|source| ReportError::Json { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::diff::tests::row;
    use chrono::TimeZone;

    const HOME: &str = "https://www.example.gov.cn/";

    fn meta() -> RunMeta {
        RunMeta {
            site_name: "示例局".into(),
            site_id: "example".into(),
            run_id: "20261127-031500".into(),
            started: Local.with_ymd_and_hms(2026, 11, 27, 3, 15, 0).unwrap(),
            finished: Local.with_ymd_and_hms(2026, 11, 27, 3, 20, 30).unwrap(),
            homepage: vec![HOME.into()],
            pages: 10,
            links: 100,
            checked_urls: 50,
            fail_on: "error".into(),
            complete: true,
            scope: RunScope::default(),
            stopped: None,
            capped: Vec::new(),
        }
    }

    fn link(kind: &str, page: &str, target: &str, certainty: &str) -> FindingRow {
        let mut r = row(kind, page, target, "");
        r.certainty = certainty.into();
        r
    }

    #[test]
    fn one_target_counts_once_and_homepage_targets_not_again_elsewhere() {
        let mut rows = Vec::new();
        // The same broken target on the homepage (twice) and on 300 other pages.
        rows.push(link(
            "broken_link",
            HOME,
            "https://www.example.gov.cn/a.pdf",
            "confirmed",
        ));
        rows.push(link(
            "broken_link",
            "https://www.example.gov.cn/#top",
            "https://www.example.gov.cn/a.pdf",
            "confirmed",
        ));
        for i in 0..300 {
            rows.push(link(
                "broken_link",
                &format!("https://www.example.gov.cn/p{i}.html"),
                "https://www.example.gov.cn/a.pdf",
                "confirmed",
            ));
        }
        // Two other targets on other pages, one of them on many pages.
        for i in 0..5 {
            rows.push(link(
                "soft_404",
                &format!("https://www.example.gov.cn/q{i}.html"),
                "https://x.gov.cn/gone",
                "confirmed",
            ));
        }
        rows.push(link(
            "wrong_link",
            "https://www.example.gov.cn/q.html",
            "http://192.168.1.1/a",
            "confirmed",
        ));
        // Not unusable links: ignored.
        rows.push(link(
            "mixed_content",
            HOME,
            "http://www.example.gov.cn/b.png",
            "confirmed",
        ));
        let mut warn = link(
            "broken_link",
            "https://www.example.gov.cn/w.html",
            "https://w/",
            "confirmed",
        );
        warn.severity = "warning".into();
        rows.push(warn);
        let e = Estimate::build(
            &rows,
            &[HOME.into()],
            &VetoInput::default(),
            &ScoringSection::default(),
        );
        assert_eq!(e.deductions[0].confirmed, 1);
        assert_eq!(e.deductions[0].points, 1.0);
        assert_eq!(e.deductions[1].confirmed, 2);
        assert_eq!(e.deductions[1].points, 0.2);
        assert_eq!(e.total_deduction, 1.2);
        assert_eq!(e.score, 98.8);
        assert_eq!(e.verdict, Verdict::Pass);
        assert!(e.deductions[0].rule.contains("[unconfirmed]"));
    }

    #[test]
    fn caps_come_from_the_rules() {
        let rows: Vec<FindingRow> = (0..200)
            .map(|i| {
                link(
                    "broken_link",
                    HOME,
                    &format!("https://www.example.gov.cn/{i}.jpg"),
                    "confirmed",
                )
            })
            .chain((0..200).map(|i| {
                link(
                    "broken_link",
                    "https://www.example.gov.cn/x.html",
                    &format!("https://o/{i}"),
                    "confirmed",
                )
            }))
            .collect();
        let s = ScoringSection::default();
        let e = Estimate::build(&rows, &[HOME.into()], &VetoInput::default(), &s);
        assert_eq!(e.deductions[0].points, s.homepage_links.cap);
        assert_eq!(e.deductions[1].points, s.other_links.cap);
        assert_eq!(
            e.total_deduction,
            (s.homepage_links.cap + s.other_links.cap).min(s.link_availability.cap)
        );
        // Change the numbers in the rules, not in code.
        let mut s2 = s.clone();
        s2.homepage_links.cap = 50.0;
        s2.other_links.points = 0.5;
        s2.other_links.cap = 100.0;
        s2.link_availability.cap = 70.0;
        let e = Estimate::build(&rows, &[HOME.into()], &VetoInput::default(), &s2);
        assert_eq!(e.deductions[0].points, 50.0);
        assert_eq!(e.deductions[1].points, 100.0);
        assert_eq!(e.total_deduction, 70.0);
        assert_eq!(e.score, 30.0);
        assert_eq!(e.verdict, Verdict::Fail);
        assert!(e.reasons_zh[0].contains("低于"));
    }

    #[test]
    fn suspected_targets_count_only_in_the_worst_case_unless_the_rules_say_so() {
        let rows = vec![
            link("broken_link", HOME, "https://t/1", "suspected"),
            link("broken_link", HOME, "https://t/2", "suspected"),
            // Suspected on one page, confirmed on another: confirmed.
            link(
                "broken_link",
                "https://www.example.gov.cn/a",
                "https://t/3",
                "suspected",
            ),
            link(
                "broken_link",
                "https://www.example.gov.cn/b",
                "https://t/3",
                "confirmed",
            ),
        ];
        let mut s = ScoringSection::default();
        let e = Estimate::build(&rows, &[HOME.into()], &VetoInput::default(), &s);
        assert_eq!(
            (e.deductions[0].confirmed, e.deductions[0].suspected),
            (0, 2)
        );
        assert_eq!(e.deductions[0].points, 0.0);
        assert_eq!(e.deductions[0].points_worst, 2.0);
        assert_eq!(e.deductions[1].confirmed, 1);
        assert_eq!(e.score, 99.9);
        assert_eq!(e.score_worst, 97.9);
        s.count_suspected = true;
        let e = Estimate::build(&rows, &[HOME.into()], &VetoInput::default(), &s);
        assert_eq!(e.score, 97.9);
    }

    #[test]
    fn veto_thresholds_come_from_the_rules() {
        let s = ScoringSection::default();
        let below = VetoInput {
            homepage_stale: false,
            stale_dynamic_notice_policy: s.veto.stale_columns.threshold - 1,
            long_unupdated: s.veto.long_unupdated.threshold - 1,
            blank_columns: s.veto.blank_columns.threshold - 1,
            risky_external: 0,
            ..VetoInput::default()
        };
        let e = Estimate::build(&[], &[HOME.into()], &below, &s);
        assert_eq!(e.verdict, Verdict::Pass);
        assert!(e.vetoes.iter().all(|v| !v.triggered));
        let at = VetoInput {
            blank_columns: s.veto.blank_columns.threshold,
            ..below.clone()
        };
        let e = Estimate::build(&[], &[HOME.into()], &at, &s);
        assert_eq!(e.verdict, Verdict::Fail);
        assert_eq!(e.reasons_zh.len(), 1);
        assert!(e.reasons_zh[0].contains("空白栏目"), "{:?}", e.reasons_zh);
        assert_eq!(e.score, 100.0);
        // A stricter site file: 3 blank columns veto.
        let mut strict = s.clone();
        strict.veto.blank_columns.threshold = 3;
        let three = VetoInput {
            blank_columns: 3,
            ..VetoInput::default()
        };
        assert_eq!(Estimate::build(&[], &[], &three, &s).verdict, Verdict::Pass);
        assert_eq!(
            Estimate::build(&[], &[], &three, &strict).verdict,
            Verdict::Fail
        );
        let stale = VetoInput {
            homepage_stale: true,
            risky_external: 1,
            ..VetoInput::default()
        };
        let e = Estimate::build(&[], &[], &stale, &s);
        assert_eq!(e.reasons_zh.len(), 2);
        assert!(e.reasons_zh[0].contains("首页不更新") && e.reasons_zh[0].contains("14"));
    }

    #[test]
    fn summary_counts_fail_threshold_and_json_round_trip() {
        let mut rows = vec![
            link("broken_link", HOME, "https://t/1", "confirmed"),
            link(
                "missing_alt",
                "https://www.example.gov.cn/a",
                "",
                "confirmed",
            ),
        ];
        rows[1].severity = "warning".into();
        let m = meta();
        let s = Summary::build(&m, &rows, &VetoInput::default(), &ScoringSection::default());
        assert_eq!(s.findings, 2);
        assert_eq!(s.by_kind["broken_link"], 1);
        assert_eq!(s.by_kind["slow_page"], 0);
        assert_eq!(s.by_kind.len(), FindingKind::ALL.len());
        assert_eq!(s.by_severity["warning"], 1);
        assert_eq!(s.duration_s, 330.0);
        assert_eq!(s.today, "2026-11-27");
        assert_eq!(s.fail_count, 1);
        assert!(s.failed);
        assert!(s.verdict_line.starts_with("合格"), "{}", s.verdict_line);
        assert!(s.verdict_line.contains("99/100"), "{}", s.verdict_line);
        let mut m2 = m.clone();
        m2.fail_on = "warning".into();
        assert_eq!(
            Summary::build(
                &m2,
                &rows,
                &VetoInput::default(),
                &ScoringSection::default()
            )
            .fail_count,
            2
        );
        // --fail-on new: only new errors fail.
        m2.fail_on = "new".into();
        let mut s2 = Summary::build(
            &m2,
            &rows,
            &VetoInput::default(),
            &ScoringSection::default(),
        );
        let d = crate::report::diff::diff(
            &rows,
            &rows,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        );
        s2.apply_diff(Some("20261126-031500"), &d);
        assert_eq!(s2.fail_count, 0);
        assert!(!s2.failed);
        assert_eq!(s2.diff.unwrap().open, 2);
        let tmp = tempfile::tempdir().unwrap();
        s2.write(tmp.path()).unwrap();
        assert_eq!(Summary::read(tmp.path()).unwrap(), s2);
    }

    fn availability(visits: usize, failures: usize, enough: bool) -> Availability {
        let rule = ScoringSection::default().veto.availability;
        Availability {
            from: "2026-11-20".into(),
            to: "2026-11-26".into(),
            visits,
            failures,
            rate: failures as f64 / visits.max(1) as f64,
            per_day: Vec::new(),
            days_enough: if enough { 7 } else { 3 },
            enough,
            timeout_secs: rule.timeout_secs,
            min_daily_visits: rule.min_daily_visits,
            veto_rate: rule.rate,
            warning_rate: rule.warning_rate,
            failed: Vec::new(),
        }
    }

    #[test]
    fn availability_lines_come_from_the_rules_and_too_few_visits_are_not_checked() {
        let s = ScoringSection::default();
        let with = |a: Option<Availability>| {
            let v = VetoInput {
                availability: a,
                ..VetoInput::default()
            };
            Estimate::build(&[], &[HOME.into()], &v, &s)
        };
        let item = |e: &Estimate| {
            e.vetoes
                .iter()
                .find(|v| v.id == "availability")
                .cloned()
                .unwrap()
        };
        // Exactly 5%: 超过（含） — the veto.
        let e = with(Some(availability(200, 10, true)));
        assert_eq!(item(&e).state, VetoState::Veto);
        assert_eq!(e.verdict, Verdict::Fail);
        assert!(
            e.reasons_zh[0]
                .starts_with("单项否决：站点无法访问（近 7 天访问 200 次，15 秒内未打开 10 次（5%")
        );
        // Exactly 3%: the pre-warning; just under it: fine.
        let e = with(Some(availability(200, 6, true)));
        assert_eq!(item(&e).state, VetoState::Warning);
        assert_eq!(e.verdict, Verdict::Pass);
        assert_eq!(e.warnings_zh.len(), 1);
        assert_eq!(
            item(&with(Some(availability(200, 5, true)))).state,
            VetoState::Ok
        );
        // Ten failures out of 60 visits, but not a week of 20 a day: not judged, not passed.
        let e = with(Some(availability(60, 10, false)));
        assert_eq!(item(&e).state, VetoState::Unchecked);
        assert!(item(&e).note_zh.starts_with("监测不足"));
        assert!(e.unchecked_zh.contains(&"站点无法访问".to_string()));
        // No visits at all: the probe is named.
        let e = with(None);
        assert!(item(&e).note_zh.contains("zwgk-audit probe"));
        let e = with(Some(availability(0, 0, false)));
        assert!(item(&e).note_zh.contains("zwgk-audit probe"));
        // A site's stricter line.
        let mut strict = s.clone();
        strict.veto.availability.rate = 0.02;
        let v = VetoInput {
            availability: Some(availability(200, 5, true)),
            ..VetoInput::default()
        };
        let e = Estimate::build(&[], &[HOME.into()], &v, &strict);
        assert_eq!(item(&e).state, VetoState::Veto);
    }

    #[test]
    fn pre_warnings_and_unjudged_items() {
        let s = ScoringSection::default();
        let v = VetoInput {
            blank_columns: 3,
            long_unupdated: 6,
            homepage_newest: Some("2026-11-15".into()),
            homepage_age_days: Some(12),
            reply_overdue: Some(0),
            guide_incomplete: Some(4),
            ..VetoInput::default()
        };
        let e = Estimate::build(&[], &[HOME.into()], &v, &s);
        let st = |id: &str| e.vetoes.iter().find(|v| v.id == id).unwrap().state;
        assert_eq!(st("blank_columns"), VetoState::Warning);
        assert_eq!(st("long_unupdated"), VetoState::Ok, "the warning is at 7");
        assert_eq!(st("homepage_stale"), VetoState::Warning, "12 days > 10");
        assert_eq!(st("reply_overdue"), VetoState::Ok);
        assert_eq!(st("guide_incomplete"), VetoState::Ok);
        assert_eq!(e.unchecked_zh, ["站点无法访问"]);
        assert_eq!(e.verdict, Verdict::Pass);
        // The homepage could not be judged: not checked, with why.
        let v = VetoInput {
            homepage_judged: false,
            second_level: Some(SecondLevel {
                linked: 4,
                read: 0,
                newest_url: None,
            }),
            ..VetoInput::default()
        };
        let e = Estimate::build(&[], &[HOME.into()], &v, &s);
        let h = e.vetoes.iter().find(|v| v.id == "homepage_stale").unwrap();
        assert_eq!(h.state, VetoState::Unchecked);
        assert!(h.note_zh.contains("4 个二级页面未读取"), "{}", h.note_zh);
        // Every item is in the table, in order.
        let ids: Vec<&str> = e.vetoes.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "availability",
                "homepage_stale",
                "stale_columns",
                "long_unupdated",
                "blank_columns",
                "reply_overdue",
                "guide_incomplete",
                "risky_external"
            ]
        );
    }

    #[test]
    fn a_complete_run_without_a_consultation_channel_is_vetoed() {
        let scoring = ScoringSection::default();
        let none = ReplyChannels {
            looked_for_text: vec!["留言".into(), "信箱".into()],
            looked_for_url: vec!["(?i)guestbook".into()],
            ..ReplyChannels::default()
        };
        let v = VetoInput {
            reply_channels: Some(none.clone()),
            ..VetoInput::default()
        };
        let item = |s: &Summary| {
            s.estimate
                .vetoes
                .iter()
                .find(|v| v.id == "reply_overdue")
                .unwrap()
                .clone()
        };
        // Complete: the veto, with what was looked for, and the run fails.
        let s = Summary::build(&meta(), &[], &v, &scoring);
        let r = item(&s);
        assert_eq!((r.state, r.triggered, r.value), (VetoState::Veto, true, 0));
        assert!(
            r.note_zh.starts_with(
                "未找到留言/信箱/咨询渠道：全站页面上没有链接文字含「留言、信箱」或网址匹配「(?i)guestbook」的链接"
            ),
            "{}",
            r.note_zh
        );
        assert_eq!(s.estimate.verdict, Verdict::Fail);
        assert!(
            s.verdict_line
                .starts_with("不合格（单项否决：互动回应差（未找到留言/信箱/咨询渠道））："),
            "{}",
            s.verdict_line
        );
        assert!(s.failed, "the exit code says so");
        // Homepage only, stopped, capped: not checked, never the veto.
        let mut quick = meta();
        quick.scope.homepage_only = true;
        let mut stopped = meta();
        stopped.complete = false;
        let mut capped = meta();
        capped.scope.caps = vec!["page cap reached: 2 pages (crawl.max_pages)".into()];
        for m in [quick, stopped, capped] {
            let s = Summary::build(&m, &[], &v, &scoring);
            let r = item(&s);
            assert_eq!(r.state, VetoState::Unchecked, "{:?}", m.scope);
            assert!(r.note_zh.contains("已检查的页面上未找到留言/信箱/咨询渠道"));
            assert_ne!(s.estimate.verdict, Verdict::Fail);
        }
        // A channel seen but not read: not checked, naming it.
        let seen = VetoInput {
            reply_channels: Some(ReplyChannels {
                entries: 2,
                examples: vec![ChannelEntry {
                    url: "https://12345.example.gov.cn/".into(),
                    text: "局长信箱".into(),
                    page: HOME.into(),
                }],
                ..none.clone()
            }),
            ..VetoInput::default()
        };
        let s = Summary::build(&meta(), &[], &seen, &scoring);
        let r = item(&s);
        assert_eq!(r.state, VetoState::Unchecked);
        assert!(
            r.note_zh.starts_with(
                "找到留言/信箱/咨询渠道 https://12345.example.gov.cn/（「局长信箱」，见"
            ) && r.note_zh.contains("等 2 个入口，但未读取到留言列表"),
            "{}",
            r.note_zh
        );
        assert_eq!(s.estimate.verdict, Verdict::Pass);
        // A board read: the count of overdue messages decides, as before.
        let read = VetoInput {
            reply_overdue: Some(0),
            reply_channels: Some(ReplyChannels {
                board_pages: 3,
                ..none
            }),
            ..VetoInput::default()
        };
        assert_eq!(
            item(&Summary::build(&meta(), &[], &read, &scoring)).state,
            VetoState::Ok
        );
        // Not looked for (an older summary, the check off): not run.
        let r = item(&Summary::build(
            &meta(),
            &[],
            &VetoInput::default(),
            &scoring,
        ));
        assert_eq!(r.state, VetoState::Unchecked);
        assert!(r.note_zh.contains("留言答复检查未运行"));
    }

    #[test]
    fn verdict_lines_of_complete_and_partial_runs() {
        let scoring = ScoringSection::default();
        let rows = vec![link("broken_link", HOME, "https://t/1", "confirmed")];
        // Complete: 合格, the items not judged beside it.
        let s = Summary::build(&meta(), &[], &VetoInput::default(), &scoring);
        assert_eq!(
            s.verdict_line,
            "合格（未检查：站点无法访问、互动回应差、服务不实用（办事指南要素缺失））：估算得分 100/100，错误 0 个、警告 0 个、提示 0 个"
        );
        assert_eq!(
            s.verdict_line_in(Lang::En),
            "PASS (not checked: Site unreachable, Public messages unanswered, Service guides incomplete): estimated score 100/100, 0 errors, 0 warnings, 0 info"
        );
        // Homepage only: the scope, no 合格, no score out of 100.
        let mut m = meta();
        m.scope.homepage_only = true;
        let s = Summary::build(&m, &[], &VetoInput::default(), &scoring);
        assert_eq!(s.estimate.verdict, Verdict::Partial);
        assert!(
            s.verdict_line.starts_with(
                "首页检查：未发现问题；栏目与其他页面未检查（未检查：站点无法访问、动态要闻/通知公告/政策文件栏目未更新、"
            ),
            "{}",
            s.verdict_line
        );
        assert!(
            s.verdict_line
                .ends_with("：已检查部分估算扣分 0，错误 0 个、警告 0 个、提示 0 个")
        );
        assert!(!s.verdict_line.contains("合格"));
        assert!(s.verdict_line_in(Lang::En).starts_with(
            "homepage check: no problem found; columns and other pages not checked (not checked: Site unreachable"
        ));
        assert!(!s.failed, "nothing found, nothing failed");
        // A partial run with an error says what it found, still without 合格.
        let s = Summary::build(&m, &rows, &VetoInput::default(), &scoring);
        assert!(
            s.verdict_line.starts_with("首页检查：发现错误 1 个；"),
            "{}",
            s.verdict_line
        );
        assert!(!s.verdict_line.contains("合格"));
        // Interrupted, capped (the nesting cap keeps text and links: not a limit).
        let mut m = meta();
        m.complete = false;
        let s = Summary::build(&m, &[], &VetoInput::default(), &scoring);
        assert!(
            s.verdict_line
                .starts_with("检查未完成（运行中断）：未发现问题"),
            "{}",
            s.verdict_line
        );
        let caps = vec![
            "nesting cap reached: start tags deeper than 512 open elements ignored".to_string(),
            "URL pattern cap reached: 500 URLs like a/cal?m (crawl.max_urls_per_pattern); the rest are skipped"
                .to_string(),
            "depth cap reached: pages more than 0 links from the start are checked, not crawled (crawl.max_depth)"
                .to_string(),
        ];
        assert_eq!(limiting_caps(&caps, true), caps[1..2]);
        assert_eq!(limiting_caps(&caps, false), caps[1..]);
        assert!(limiting_caps(&caps[..1], false).is_empty());
        // Fragment checks only: every page and link was still checked.
        let anchors = [
            "anchor cap reached: a page with more than 50000 ids and names; …".to_string(),
            "anchor store cap reached: anchors not kept once 1 bytes …".to_string(),
        ];
        assert!(limiting_caps(&anchors, false).is_empty());
        let css = "stylesheet URL cap reached: only the first 10000 url()s …".to_string();
        let css = [css];
        assert_eq!(limiting_caps(&css, false), css);
        assert_eq!(cap_name(&css[0], Lang::Zh), "样式表网址数");
        // A column's items past the list feed or script call cap: unchecked pages.
        let lists = [
            "list feed cap reached: a column page's list read up to 40 requests …".to_string(),
            "script call cap reached: only the first 20 data calls …".to_string(),
        ];
        assert_eq!(limiting_caps(&lists, false), lists);
        assert_eq!(cap_name(&lists[0], Lang::Zh), "栏目列表请求数");
        assert_eq!(cap_name(&lists[1], Lang::En), "script data calls");
        let mut m = meta();
        m.scope.caps = limiting_caps(&caps, false);
        let s = Summary::build(&m, &[], &VetoInput::default(), &scoring);
        assert!(
            s.verdict_line.starts_with(
                "部分检查（达到上限：同类网址数、深度）：未发现问题；上限以外的页面与链接未检查"
            ),
            "{}",
            s.verdict_line
        );
        // A veto found by a partial run: 不合格 with its scope.
        let mut m = meta();
        m.scope.homepage_only = true;
        let v = VetoInput {
            homepage_stale: true,
            ..VetoInput::default()
        };
        let s = Summary::build(&m, &[], &v, &scoring);
        assert!(
            s.verdict_line
                .starts_with("不合格（单项否决：首页不更新（14天内无更新））：首页检查："),
            "{}",
            s.verdict_line
        );
        assert!(s.failed, "a veto fails the run");
        // ... but not under --fail-on new, which alerts on new findings only.
        m.fail_on = "new".into();
        assert!(!Summary::build(&m, &[], &v, &scoring).failed);
    }
}
