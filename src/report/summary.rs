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
use crate::finding::{FindingKind, Severity};
use crate::rules::scoring::ScoringSection;
use chrono::{DateTime, Local};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// File name of the summary in a run directory.
pub const SUMMARY_JSON: &str = "summary.json";

/// Veto counters that come from the column checks and the crawl (the lead fills them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VetoInput {
    /// The homepage shows no item dated within `scoring.veto.homepage_stale.days`
    /// (undated items count as not updated).
    pub homepage_stale: bool,
    /// 动态/要闻 columns not updated within `dynamic_days` plus 通知公告/政策文件
    /// level-1 columns not updated within `notice_policy_days`.
    pub stale_dynamic_notice_policy: usize,
    /// Columns that should be updated and are not (any stale required column).
    pub long_unupdated: usize,
    /// Blank columns (a column page listing no items).
    pub blank_columns: usize,
    /// Distinct external targets serving gambling / adult content.
    pub risky_external: usize,
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

/// One veto item: its counter, threshold and whether it is triggered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VetoCheck {
    /// Stable id (the key under `[scoring.veto]`).
    pub id: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The counter (1/0 for the homepage).
    pub value: usize,
    /// The counter at which it triggers (inclusive).
    pub threshold: usize,
    /// The window in days behind the counter, when it has one.
    pub window_days: Option<u32>,
    /// Whether it triggers.
    pub triggered: bool,
    /// The rule.
    pub rule: String,
}

/// 合格 / 不合格.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// 合格.
    Pass,
    /// 不合格.
    Fail,
}

impl Verdict {
    /// Label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Verdict::Pass, Lang::Zh) => "合格",
            (Verdict::Fail, Lang::Zh) => "不合格",
            (Verdict::Pass, Lang::En) => "pass",
            (Verdict::Fail, Lang::En) => "fail",
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
    /// Every veto item a crawl can see.
    pub vetoes: Vec<VetoCheck>,
    /// 合格 / 不合格.
    pub verdict: Verdict,
    /// Why 不合格 (Chinese); empty when 合格.
    pub reasons_zh: Vec<String>,
    /// Why not passed (English).
    pub reasons_en: Vec<String>,
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

fn vetoes(v: &VetoInput, s: &ScoringSection) -> Vec<VetoCheck> {
    let r = &s.veto;
    let check = |id: &str,
                 zh: &str,
                 en: &str,
                 value: usize,
                 threshold: usize,
                 window: Option<u32>,
                 rule: &str| {
        VetoCheck {
            id: id.into(),
            name_zh: zh.into(),
            name_en: en.into(),
            value,
            threshold,
            window_days: window,
            triggered: value >= threshold,
            rule: rule.into(),
        }
    };
    vec![
        check(
            "homepage_stale",
            "首页不更新",
            "Homepage not updated",
            usize::from(v.homepage_stale),
            1,
            Some(r.homepage_stale.days),
            &r.homepage_stale.rule,
        ),
        check(
            "stale_columns",
            "动态要闻/通知公告/政策文件栏目未更新",
            "News / notice / policy columns not updated",
            v.stale_dynamic_notice_policy,
            r.stale_columns.threshold,
            None,
            &r.stale_columns.rule,
        ),
        check(
            "long_unupdated",
            "应更新但长期未更新的栏目",
            "Columns that should be updated and are not",
            v.long_unupdated,
            r.long_unupdated.threshold,
            None,
            &r.long_unupdated.rule,
        ),
        check(
            "blank_columns",
            "空白栏目",
            "Blank columns",
            v.blank_columns,
            r.blank_columns.threshold,
            None,
            &r.blank_columns.rule,
        ),
        check(
            "risky_external",
            "链接赌博、色情等内容",
            "Links to gambling / adult content",
            v.risky_external,
            r.risky_external.threshold,
            None,
            &r.risky_external.rule,
        ),
    ]
}

impl Estimate {
    /// The estimate from the finding rows, veto counters and scoring numbers.
    pub fn build<'a>(
        rows: impl IntoIterator<Item = &'a FindingRow>,
        homepages: &[String],
        veto: &VetoInput,
        s: &ScoringSection,
    ) -> Estimate {
        let mut lc = LinkCounter::new(homepages);
        for r in rows {
            lc.add(r);
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
        let vetoes = vetoes(veto, s);
        let mut reasons_zh = Vec::new();
        let mut reasons_en = Vec::new();
        for v in vetoes.iter().filter(|v| v.triggered) {
            if v.id == "homepage_stale" {
                let days = v.window_days.unwrap_or_default();
                reasons_zh.push(format!("单项否决：{}（{days}天内无更新）", v.name_zh));
                reasons_en.push(format!("veto: {} (nothing new in {days} days)", v.name_en));
            } else {
                reasons_zh.push(format!(
                    "单项否决：{} {} 个（≥{}）",
                    v.name_zh, v.value, v.threshold
                ));
                reasons_en.push(format!(
                    "veto: {} {} (≥ {})",
                    v.name_en, v.value, v.threshold
                ));
            }
        }
        if score < s.pass_score {
            reasons_zh.push(format!("估算得分 {score} 低于 {} 分", s.pass_score));
            reasons_en.push(format!("estimated score {score} below {}", s.pass_score));
        }
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
            verdict: if reasons_zh.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail
            },
            reasons_zh,
            reasons_en,
            rule: s.rule.clone(),
        }
    }
}

impl Summary {
    /// Builds the summary of a run. `rows` are all its findings (any order).
    pub fn build<'a>(
        meta: &RunMeta,
        rows: impl IntoIterator<Item = &'a FindingRow> + Clone,
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
            findings += 1;
            *by_kind.entry(r.kind.clone()).or_default() += 1;
            *by_severity.entry(r.severity.clone()).or_default() += 1;
            *by_certainty.entry(r.certainty.clone()).or_default() += 1;
        }
        let estimate = Estimate::build(rows, &meta.homepage, veto, scoring);
        let duration_s = (meta.finished - meta.started).num_milliseconds().max(0) as f64 / 1000.0;
        let mut s = Summary {
            site_name: meta.site_name.clone(),
            site_id: meta.site_id.clone(),
            run_id: meta.run_id.clone(),
            started: meta.started.to_rfc3339(),
            finished: meta.finished.to_rfc3339(),
            duration_s,
            today: meta.started.format("%Y-%m-%d").to_string(),
            complete: meta.complete,
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
        };
        s.update_fail(None);
        s
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
        self.previous_run = previous_run.map(str::to_string);
        self.diff = Some(DiffCounts::of(diff));
        self.update_fail(Some(diff));
    }

    fn update_fail(&mut self, diff: Option<&[DiffRow]>) {
        let sev = |name: &str| self.by_severity.get(name).copied().unwrap_or(0);
        self.fail_count = match self.fail_threshold.as_str() {
            "info" => sev("error") + sev("warning") + sev("info"),
            "warning" => sev("error") + sev("warning"),
            "new" => match diff {
                Some(d) => d
                    .iter()
                    .filter(|r| r.status == DiffStatus::New && r.severity == Severity::Error.code())
                    .count(),
                // Not compared (no previous run): every error is new.
                None => sev("error"),
            },
            _ => sev("error"),
        };
        self.failed = self.fail_count > 0;
        self.verdict_line = self.verdict_line_in(Lang::Zh);
    }

    /// The one-line verdict: 合格/不合格, reasons, score, counts.
    pub fn verdict_line_in(&self, lang: Lang) -> String {
        let e = &self.estimate;
        match lang {
            Lang::Zh => {
                let reasons = if e.reasons_zh.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", e.reasons_zh.join("；"))
                };
                format!(
                    "{}{reasons}：{}",
                    e.verdict.label(lang),
                    self.counts_line(lang)
                )
            }
            Lang::En => {
                let reasons = if e.reasons_en.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", e.reasons_en.join("; "))
                };
                format!(
                    "{}{reasons}: {}",
                    e.verdict.label(lang).to_uppercase(),
                    self.counts_line(lang)
                )
            }
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
}
