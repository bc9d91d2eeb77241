//! National inspection numbers: `[scoring]`.
//!
//! Every number the inspection estimate uses (points per unusable link, caps,
//! veto thresholds and windows, pass mark) lives in
//! `rules/defaults/scoring.toml`, embedded in the binary, each with the rule it
//! comes from. A site file's `[scoring]` table is merged key by key over those
//! defaults, so a site overrides one number and keeps the rest. Rust code never
//! carries one of these numbers: it reads them from [`ScoringSection`].

use super::table::merge;
use super::{Ctx, RulesError};
use serde::{Deserialize, Deserializer, Serialize};
use std::sync::OnceLock;

/// The embedded national defaults.
pub const DEFAULTS_TOML: &str = include_str!("../../rules/defaults/scoring.toml");

/// `[scoring]`: the numbers of the national indicators, merged over the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct ScoringSection {
    /// Points of the deduction indicators (扣分指标), 100.
    pub max_score: f64,
    /// Below this score the site is 不合格 (60).
    pub pass_score: f64,
    /// Whether suspected (疑似) unusable links count in the estimate.
    pub count_suspected: bool,
    /// Where the score, pass mark and caps come from.
    pub rule: String,
    /// Unusable links on the homepage.
    pub homepage_links: LinkRule,
    /// Unusable links on other pages (one target counted once site-wide).
    pub other_links: LinkRule,
    /// The indicator both link deductions belong to (caps their sum).
    pub link_availability: CapRule,
    /// Veto items (单项否决) a crawl can see.
    pub veto: VetoRules,
}

/// A per-link deduction: points for each unusable target, capped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRule {
    /// Points deducted per unusable target.
    pub points: f64,
    /// Most points this deduction can take (the indicator's weight).
    pub cap: f64,
    /// The rule the numbers come from.
    pub rule: String,
}

/// A cap over several deductions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapRule {
    /// Most points the deductions together can take.
    pub cap: f64,
    /// The rule the cap comes from.
    pub rule: String,
}

/// `[scoring.veto]`: the veto items a crawl can see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VetoRules {
    /// 首页不更新.
    pub homepage_stale: WindowRule,
    /// 动态/要闻 (2 weeks) and 通知公告/政策文件 (6 months) columns not updated.
    pub stale_columns: StaleColumnsRule,
    /// Columns that should be updated and are not (长期未更新).
    pub long_unupdated: ThresholdRule,
    /// Blank columns (空白栏目).
    pub blank_columns: ThresholdRule,
    /// Links to gambling / adult content.
    pub risky_external: ThresholdRule,
    /// 站点无法访问: the homepage not open within the limit on too many visits.
    pub availability: AvailabilityRule,
    /// 互动回应差: public messages left unanswered.
    pub reply_overdue: ThresholdRule,
    /// 服务不实用: service guides missing required elements.
    pub guide_incomplete: ThresholdRule,
}

/// The availability veto: timed visits of the homepage over `days` days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityRule {
    /// A visit fails when the homepage is not open within this many seconds.
    pub timeout_secs: f64,
    /// Days watched (the window ends on the audit date).
    pub days: u32,
    /// Visits each day needs for the rate to count.
    pub min_daily_visits: u32,
    /// Failure rate at which the veto holds (inclusive), e.g. 0.05.
    pub rate: f64,
    /// Failure rate of the early warning (inclusive), e.g. 0.03.
    pub warning_rate: f64,
    /// The rule.
    pub rule: String,
}

/// A veto on "not updated within `days`".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowRule {
    /// The window, days.
    pub days: u32,
    /// Early warning when the newest item is older than this many days.
    #[serde(default)]
    pub warning_days: Option<u32>,
    /// The rule.
    pub rule: String,
}

/// A veto triggered when a count reaches `threshold` (超过（含）).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdRule {
    /// The count at which the veto is triggered (inclusive).
    pub threshold: usize,
    /// The count of the early warning (inclusive), when there is one.
    #[serde(default)]
    pub warning: Option<usize>,
    /// The rule.
    pub rule: String,
}

/// The stale-column veto, with the windows of its two column classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaleColumnsRule {
    /// The count at which the veto is triggered (inclusive).
    pub threshold: usize,
    /// Window of 动态/要闻 columns, days.
    pub dynamic_days: u32,
    /// Window of 通知公告/政策文件 level-1 columns, days.
    pub notice_policy_days: u32,
    /// The rule.
    pub rule: String,
}

fn defaults_table() -> &'static Result<toml::Table, String> {
    static TABLE: OnceLock<Result<toml::Table, String>> = OnceLock::new();
    super::table::embedded(&TABLE, DEFAULTS_TOML)
}

impl ScoringSection {
    /// Parses a `[scoring]` table merged over the embedded defaults.
    pub fn from_table(table: toml::Table) -> Result<ScoringSection, String> {
        let mut merged = defaults_table().clone()?;
        merge(&mut merged, table);
        ScoringSection::deserialize(merged).map_err(|e| e.message().trim().to_string())
    }

    /// Validates the numbers.
    pub fn validate(&self, ctx: &Ctx) -> Result<(), RulesError> {
        let nonneg = |key: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(ctx.invalid(key, "must be a number ≥ 0"))
            }
        };
        nonneg("scoring.max_score", self.max_score)?;
        nonneg("scoring.pass_score", self.pass_score)?;
        if self.pass_score > self.max_score {
            return Err(ctx.invalid("scoring.pass_score", "must not exceed max_score"));
        }
        nonneg("scoring.homepage_links.points", self.homepage_links.points)?;
        nonneg("scoring.homepage_links.cap", self.homepage_links.cap)?;
        nonneg("scoring.other_links.points", self.other_links.points)?;
        nonneg("scoring.other_links.cap", self.other_links.cap)?;
        nonneg("scoring.link_availability.cap", self.link_availability.cap)?;
        let v = &self.veto;
        for (key, n) in [
            (
                "scoring.veto.homepage_stale.days",
                v.homepage_stale.days as usize,
            ),
            (
                "scoring.veto.stale_columns.threshold",
                v.stale_columns.threshold,
            ),
            (
                "scoring.veto.stale_columns.dynamic_days",
                v.stale_columns.dynamic_days as usize,
            ),
            (
                "scoring.veto.stale_columns.notice_policy_days",
                v.stale_columns.notice_policy_days as usize,
            ),
            (
                "scoring.veto.long_unupdated.threshold",
                v.long_unupdated.threshold,
            ),
            (
                "scoring.veto.blank_columns.threshold",
                v.blank_columns.threshold,
            ),
            (
                "scoring.veto.risky_external.threshold",
                v.risky_external.threshold,
            ),
            (
                "scoring.veto.reply_overdue.threshold",
                v.reply_overdue.threshold,
            ),
            (
                "scoring.veto.guide_incomplete.threshold",
                v.guide_incomplete.threshold,
            ),
        ] {
            if n == 0 {
                return Err(ctx.invalid(key, "must be at least 1"));
            }
        }
        for (key, rule) in [
            ("scoring.veto.long_unupdated.warning", &v.long_unupdated),
            ("scoring.veto.blank_columns.warning", &v.blank_columns),
            ("scoring.veto.risky_external.warning", &v.risky_external),
            ("scoring.veto.reply_overdue.warning", &v.reply_overdue),
            ("scoring.veto.guide_incomplete.warning", &v.guide_incomplete),
        ] {
            if rule.warning.is_some_and(|w| w == 0 || w > rule.threshold) {
                return Err(ctx.invalid(key, "must be between 1 and the threshold"));
            }
        }
        if let Some(w) = v.homepage_stale.warning_days
            && (w == 0 || w > v.homepage_stale.days)
        {
            return Err(ctx.invalid(
                "scoring.veto.homepage_stale.warning_days",
                "must be between 1 and days",
            ));
        }
        let a = &v.availability;
        if !(a.timeout_secs.is_finite() && a.timeout_secs > 0.0 && a.timeout_secs <= 600.0) {
            return Err(ctx.invalid(
                "scoring.veto.availability.timeout_secs",
                "must be a number of seconds above 0 and at most 600",
            ));
        }
        if a.days == 0 || a.min_daily_visits == 0 {
            let key = if a.days == 0 {
                "days"
            } else {
                "min_daily_visits"
            };
            return Err(ctx.invalid(
                &format!("scoring.veto.availability.{key}"),
                "must be at least 1",
            ));
        }
        for (key, r) in [("rate", a.rate), ("warning_rate", a.warning_rate)] {
            if !(r.is_finite() && r > 0.0 && r <= 1.0) {
                return Err(ctx.invalid(
                    &format!("scoring.veto.availability.{key}"),
                    "must be a fraction above 0 and at most 1 (0.05 is 5%)",
                ));
            }
        }
        if a.warning_rate > a.rate {
            return Err(ctx.invalid(
                "scoring.veto.availability.warning_rate",
                "must not exceed rate",
            ));
        }
        Ok(())
    }
}

impl Default for ScoringSection {
    /// The embedded national defaults.
    fn default() -> Self {
        // The embedded file is part of the binary, not user input; a test loads it.
        match defaults_table()
            .clone()
            .and_then(|t| ScoringSection::deserialize(t).map_err(|e| e.message().to_string()))
        {
            Ok(s) => s,
            Err(e) => panic!("embedded rules/defaults/scoring.toml is invalid: {e}"),
        }
    }
}

impl<'de> Deserialize<'de> for ScoringSection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let table = toml::Table::deserialize(d)?;
        ScoringSection::from_table(table).map_err(serde::de::Error::custom)
    }
}

impl Serialize for ScoringSection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ScoringSection::serialize(self, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RulesFile;
    use std::path::Path;

    #[test]
    fn embedded_defaults_load_with_the_national_numbers() {
        let s = ScoringSection::default();
        assert_eq!(s.max_score, 100.0);
        assert_eq!(s.pass_score, 60.0);
        assert_eq!(s.homepage_links.points, 1.0);
        assert_eq!(s.other_links.points, 0.1);
        assert_eq!(s.veto.homepage_stale.days, 14);
        assert_eq!(s.veto.stale_columns.threshold, 5);
        assert_eq!(s.veto.long_unupdated.threshold, 10);
        assert_eq!(s.veto.blank_columns.threshold, 5);
        assert!(s.rule.contains("国办秘函〔2019〕19号"));
        assert!(s.homepage_links.rule.contains("[unconfirmed]"));
        let a = &s.veto.availability;
        assert_eq!(
            (
                a.timeout_secs,
                a.days,
                a.min_daily_visits,
                a.rate,
                a.warning_rate
            ),
            (15.0, 7, 20, 0.05, 0.03)
        );
        assert!(a.rule.contains("站点无法访问"));
        assert_eq!(s.veto.homepage_stale.warning_days, Some(10));
        assert_eq!(s.veto.long_unupdated.warning, Some(7));
        assert_eq!(s.veto.blank_columns.warning, Some(3));
        assert_eq!(s.veto.risky_external.warning, None);
        assert_eq!(s.veto.reply_overdue.threshold, 1);
        assert_eq!(s.veto.guide_incomplete.threshold, 5);
        let ctx = Ctx {
            path: Path::new("defaults"),
            text: DEFAULTS_TOML,
        };
        s.validate(&ctx).unwrap();
    }

    #[test]
    fn a_site_overrides_one_number_and_keeps_the_rest() {
        let file: RulesFile = toml::from_str(
            "[scoring.other_links]\ncap = 12.5\n[scoring.veto.blank_columns]\nthreshold = 3\n",
        )
        .unwrap();
        let s = file.scoring;
        assert_eq!(s.other_links.cap, 12.5);
        assert_eq!(s.other_links.points, 0.1);
        assert_eq!(s.veto.blank_columns.threshold, 3);
        assert_eq!(s.veto.long_unupdated.threshold, 10);
        // A file without [scoring] gets the defaults.
        let file: RulesFile = toml::from_str("").unwrap();
        assert_eq!(file.scoring, ScoringSection::default());
    }

    #[test]
    fn unknown_keys_and_bad_numbers_are_named() {
        let err = toml::from_str::<RulesFile>("[scoring.other_links]\npoint = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("point"), "{err}");
        let text = "[scoring.veto.blank_columns]\nthreshold = 0\n";
        let file: RulesFile = toml::from_str(text).unwrap();
        let ctx = Ctx {
            path: Path::new("site.toml"),
            text,
        };
        let err = file.scoring.validate(&ctx).unwrap_err().to_string();
        assert!(
            err.contains("scoring.veto.blank_columns.threshold"),
            "{err}"
        );
        assert!(err.contains("site.toml:2"), "{err}");
        for (text, key) in [
            (
                "[scoring.veto.availability]\nrate = 0.02\n",
                "scoring.veto.availability.warning_rate",
            ),
            (
                "[scoring.veto.availability]\ntimeout_secs = 0\n",
                "scoring.veto.availability.timeout_secs",
            ),
            (
                "[scoring.veto.blank_columns]\nwarning = 9\n",
                "scoring.veto.blank_columns.warning",
            ),
        ] {
            let file: RulesFile = toml::from_str(text).unwrap();
            let ctx = Ctx {
                path: Path::new("site.toml"),
                text,
            };
            let err = file.scoring.validate(&ctx).unwrap_err().to_string();
            assert!(err.contains(key), "{err}");
        }
        // A site's own numbers for the probe.
        let file: RulesFile = toml::from_str(
            "[scoring.veto.availability]\ntimeout_secs = 0.5\nmin_daily_visits = 2\n",
        )
        .unwrap();
        assert_eq!(file.scoring.veto.availability.timeout_secs, 0.5);
        assert_eq!(file.scoring.veto.availability.days, 7);
        let text = "[scoring.homepage_links]\ncap = -1\n";
        let file: RulesFile = toml::from_str(text).unwrap();
        let ctx = Ctx {
            path: Path::new("site.toml"),
            text,
        };
        assert!(file.scoring.validate(&ctx).is_err());
    }
}
