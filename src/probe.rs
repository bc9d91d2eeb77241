//! `zwgk-audit probe`: one timed visit of each start URL, recorded in the run
//! history (`reports/history.sqlite`, table `visits`), and the availability
//! of the homepage over the rule's window — the national veto 站点无法访问:
//! 「监测 1 周，每天间隔性访问 20 次以上，超过（含）15 秒网站仍打不开的次数
//! 累计占比超过（含）5%」.
//!
//! A visit fails when the page is not open within
//! `scoring.veto.availability.timeout_secs` (redirects followed, body read):
//! a timeout, a refused or reset connection, a DNS or TLS failure, or an
//! HTTP error status. The window is the `days` whole calendar days before the
//! audit date (today is still under way); it is judged only when each of
//! those days has at least `min_daily_visits` visits of the homepage (the
//! first start URL). Cron runs the probe every 30 minutes (README).

use crate::crawl::budget::BodyBudget;
use crate::crawl::client::{self, ClientError, ClientOptions, ProxySetting};
use crate::crawl::fetch::{FetchConfig, FetchError, Fetcher, Method};
use crate::crawl::hosts::HostPool;
use crate::crawl::resolve::{Fallback, ResolveEntry};
use crate::report::ReportError;
use crate::report::history::{HISTORY_FILE, History};
use crate::rules::Rules;
use crate::rules::scoring::AvailabilityRule;
use chrono::{DateTime, Days, Local, NaiveDate};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Most failed visits listed in summary.json and the report (all are counted).
pub const MAX_FAILED_LISTED: usize = 200;

/// Why a probe could not run (a failed visit is not an error: it is recorded).
#[derive(Debug, Error)]
pub enum ProbeError {
    /// The HTTP client could not be built (bad `--ca-cert`, proxy …).
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The history could not be opened or written.
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// One timed visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    /// The URL visited.
    pub url: String,
    /// When (RFC 3339, local time).
    pub at: String,
    /// The date it counts for (YYYY-MM-DD).
    pub date: String,
    /// Whether it is the homepage (the first start URL): only these count.
    pub home: bool,
    /// Whether the page opened within the limit.
    pub ok: bool,
    /// Final HTTP status, when there was a response.
    pub status: Option<u16>,
    /// Time taken, milliseconds (the limit for a timeout).
    pub elapsed_ms: u64,
    /// Why it failed (empty when it opened).
    pub reason: String,
}

/// Visits and failures of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// YYYY-MM-DD.
    pub date: String,
    /// Homepage visits.
    pub visits: usize,
    /// Failed ones.
    pub failures: usize,
}

/// The homepage's availability over the rule's window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    /// First day of the window (YYYY-MM-DD).
    pub from: String,
    /// Last day of the window (the day before the audit date).
    pub to: String,
    /// Visits in the window.
    pub visits: usize,
    /// Failed visits in the window.
    pub failures: usize,
    /// failures / visits (0 without visits).
    pub rate: f64,
    /// Each day of the window, oldest first (days without visits included).
    pub per_day: Vec<DayCount>,
    /// Days with at least `min_daily_visits` visits.
    pub days_enough: usize,
    /// Every day of the window had enough visits: the rate can be judged.
    pub enough: bool,
    /// The limit a visit had, seconds.
    pub timeout_secs: f64,
    /// Visits a day the rule needs.
    pub min_daily_visits: u32,
    /// Failure rate of the veto (the rule's).
    pub veto_rate: f64,
    /// Failure rate of the early warning (the rule's).
    pub warning_rate: f64,
    /// The failed visits, newest first (at most [`MAX_FAILED_LISTED`]).
    pub failed: Vec<Visit>,
}

impl Availability {
    /// The window of `days` whole days before `today`: (first, last).
    pub fn window(today: NaiveDate, days: u32) -> (NaiveDate, NaiveDate) {
        let to = today.checked_sub_days(Days::new(1)).unwrap_or(today);
        let from = to
            .checked_sub_days(Days::new(u64::from(days.max(1)) - 1))
            .unwrap_or(to);
        (from, to)
    }

    /// Counts `visits` (homepage visits; those outside the window are left
    /// out) for the window before `today`.
    pub fn from_visits(visits: &[Visit], today: NaiveDate, rule: &AvailabilityRule) -> Self {
        let (from, to) = Self::window(today, rule.days);
        let mut per_day: Vec<DayCount> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|d| DayCount {
                date: d.format("%Y-%m-%d").to_string(),
                visits: 0,
                failures: 0,
            })
            .collect();
        let mut failed: Vec<Visit> = Vec::new();
        let (mut n, mut f) = (0, 0);
        for v in visits.iter().filter(|v| v.home) {
            let Some(day) = per_day.iter_mut().find(|d| d.date == v.date) else {
                continue;
            };
            day.visits += 1;
            n += 1;
            if !v.ok {
                day.failures += 1;
                f += 1;
                failed.push(v.clone());
            }
        }
        failed.sort_by(|a, b| b.at.cmp(&a.at));
        failed.truncate(MAX_FAILED_LISTED);
        let min = rule.min_daily_visits as usize;
        let days_enough = per_day.iter().filter(|d| d.visits >= min).count();
        Availability {
            from: from.format("%Y-%m-%d").to_string(),
            to: to.format("%Y-%m-%d").to_string(),
            visits: n,
            failures: f,
            rate: if n == 0 { 0.0 } else { f as f64 / n as f64 },
            enough: days_enough == per_day.len(),
            per_day,
            days_enough,
            timeout_secs: rule.timeout_secs,
            min_daily_visits: rule.min_daily_visits,
            veto_rate: rule.rate,
            warning_rate: rule.warning_rate,
            failed,
        }
    }

    /// The availability of a site's homepage as the history records it.
    pub fn of_site(
        history: &History,
        site_id: &str,
        today: NaiveDate,
        rule: &AvailabilityRule,
    ) -> Result<Availability, ReportError> {
        let (from, to) = Self::window(today, rule.days);
        let visits = history.home_visits(site_id, from, to)?;
        Ok(Self::from_visits(&visits, today, rule))
    }

    /// One line for the log: visits, failures, rate, and whether it is enough.
    pub fn line_zh(&self, rule: &AvailabilityRule) -> String {
        let pct = |r: f64| format!("{}%", (r * 1000.0).round() / 10.0);
        let head = format!(
            "站点可访问性（{} 至 {}）：访问 {} 次，{} 秒内未打开 {} 次（{}）",
            self.from,
            self.to,
            self.visits,
            rule.timeout_secs,
            self.failures,
            pct(self.rate)
        );
        if self.visits == 0 {
            format!(
                "站点可访问性（{} 至 {}）：没有首页探测记录，未检查（用 zwgk-audit probe 每 30 分钟访问一次首页，见 README）",
                self.from, self.to
            )
        } else if !self.enough {
            format!(
                "{head}；监测不足：{} 天中 {} 天达到每天 {} 次，未判定（未检查）",
                self.per_day.len(),
                self.days_enough,
                rule.min_daily_visits
            )
        } else if self.rate >= rule.rate {
            format!("{head}；≥ {}：单项否决", pct(rule.rate))
        } else if self.rate >= rule.warning_rate {
            format!("{head}；≥ {}：预警", pct(rule.warning_rate))
        } else {
            format!("{head}；正常")
        }
    }
}

/// Options of a probe that are not in the rules file.
#[derive(Clone)]
pub struct ProbeOptions {
    /// Root of the reports tree: the history is `<root>/history.sqlite`.
    pub reports_root: PathBuf,
    /// `--resolve` / `--connect-to` mappings.
    pub resolve: Vec<ResolveEntry>,
    /// `--ca-cert` files.
    pub ca_certs: Vec<PathBuf>,
    /// An injected resolver (tests).
    pub fallback_resolver: Option<Fallback>,
    /// The time recorded for the visits (its date is the day they count
    /// for): `--today` with the current time of day, or a test's clock.
    pub at: DateTime<Local>,
}

impl ProbeOptions {
    /// Defaults: `reports/`, no mappings, visits recorded at `at`.
    pub fn new(at: DateTime<Local>) -> Self {
        ProbeOptions {
            reports_root: PathBuf::from("reports"),
            resolve: Vec::new(),
            ca_certs: Vec::new(),
            fallback_resolver: None,
            at,
        }
    }
}

/// What a probe did.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    /// One visit per start URL, as recorded.
    pub visits: Vec<Visit>,
    /// The homepage's availability over the window before the visit's date.
    pub availability: Availability,
    /// Today's homepage visits so far (this one included) and failures.
    pub today: DayCount,
}

/// Visits each start URL once, records the visits, and returns them with
/// the availability of the homepage.
pub async fn probe(rules: &Rules, opts: &ProbeOptions) -> Result<ProbeResult, ProbeError> {
    let c = &rules.crawl;
    let rule = &rules.scoring.veto.availability;
    let limit = Duration::from_secs_f64(rule.timeout_secs);
    let clients = client::build(&ClientOptions {
        user_agent: c.user_agent.clone(),
        connect_timeout: limit,
        ca_certs: opts.ca_certs.clone(),
        resolve: opts.resolve.clone(),
        allow_private: rules.allow_private.clone(),
        fallback_resolver: opts.fallback_resolver.clone(),
        pool_per_host: 1,
        proxy: ProxySetting::parse(&c.proxy).map_err(ClientError::Proxy)?,
    })?;
    let mut allowed: Vec<String> = opts.resolve.iter().map(|e| e.host.clone()).collect();
    allowed.extend(rules.allow_private.iter().cloned());
    allowed.extend(rules.own_hosts.iter().cloned());
    let fetcher = Fetcher::new(
        clients,
        Arc::new(HostPool::new(1, Duration::ZERO)),
        FetchConfig {
            timeout: limit,
            connect_timeout: limit,
            retries: 0,
            backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            max_retry_after: Duration::ZERO,
            max_redirects: c.max_redirects,
            allow_private: allowed,
            budget: BodyBudget::new(c.max_page_bytes, c.max_page_bytes, 1),
        },
    );
    let history_path = opts.reports_root.join(HISTORY_FILE);
    let history = History::open(&history_path)?;
    let date = opts.at.date_naive();
    let mut visits = Vec::new();
    for (i, url) in rules.start_urls.iter().enumerate() {
        let started = Instant::now();
        let outcome =
            tokio::time::timeout(limit, fetcher.fetch(url, Method::Get, c.max_page_bytes)).await;
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let not_open = || {
            format!(
                "timeout: not open within {} s (未在 {} 秒内打开)",
                rule.timeout_secs, rule.timeout_secs
            )
        };
        let (ok, status, reason) = match outcome {
            Err(_) | Ok(Err(FetchError::Timeout(_) | FetchError::ConnectTimeout(_))) => {
                (false, None, not_open())
            }
            Ok(Err(e)) => (false, None, e.to_string()),
            Ok(Ok(r)) if r.status >= 400 => (false, Some(r.status), format!("HTTP {}", r.status)),
            Ok(Ok(r)) => (true, Some(r.status), String::new()),
        };
        let v = Visit {
            url: url.to_string(),
            at: opts.at.to_rfc3339(),
            date: date.format("%Y-%m-%d").to_string(),
            home: i == 0,
            ok,
            status,
            elapsed_ms,
            reason,
        };
        history.record_visit(&rules.id, &v, opts.at.timestamp())?;
        tracing::info!(url = %v.url, ok = v.ok, elapsed_ms, reason = %v.reason, "probe visit");
        visits.push(v);
    }
    let availability = Availability::of_site(&history, &rules.id, date, rule)?;
    let todays = history.home_visits(&rules.id, date, date)?;
    let today = DayCount {
        date: date.format("%Y-%m-%d").to_string(),
        visits: todays.len(),
        failures: todays.iter().filter(|v| !v.ok).count(),
    };
    Ok(ProbeResult {
        visits,
        availability,
        today,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::scoring::ScoringSection;

    fn visit(date: &str, ok: bool, hour: u32) -> Visit {
        Visit {
            url: "http://www.a.gov.cn/".into(),
            at: format!("{date}T{hour:02}:00:00+08:00"),
            date: date.into(),
            home: true,
            ok,
            status: ok.then_some(200),
            elapsed_ms: 10,
            reason: if ok {
                String::new()
            } else {
                "connection refused".into()
            },
        }
    }

    #[test]
    fn the_window_is_the_whole_days_before_the_audit_date() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 25).unwrap();
        let (from, to) = Availability::window(today, 7);
        assert_eq!(from.to_string(), "2026-05-18");
        assert_eq!(to.to_string(), "2026-05-24");
    }

    #[test]
    fn rate_days_and_failed_visits() {
        let rule = ScoringSection::default().veto.availability;
        let today = NaiveDate::from_ymd_opt(2026, 5, 25).unwrap();
        let mut v = Vec::new();
        for d in 18..=24 {
            for h in 0..20 {
                v.push(visit(&format!("2026-05-{d}"), !(d == 20 && h < 3), h));
            }
        }
        // Outside the window: today, and the day before the window.
        v.push(visit("2026-05-25", false, 1));
        v.push(visit("2026-05-17", false, 1));
        // Not the homepage.
        let mut other = visit("2026-05-21", false, 5);
        other.home = false;
        v.push(other);
        let a = Availability::from_visits(&v, today, &rule);
        assert_eq!((a.visits, a.failures), (140, 3));
        assert!(a.enough);
        assert_eq!(a.per_day.len(), 7);
        assert_eq!(a.per_day[2].failures, 3);
        assert_eq!(a.failed.len(), 3);
        assert_eq!(a.failed[0].at, "2026-05-20T02:00:00+08:00");
        assert!(a.line_zh(&rule).contains("正常"), "{}", a.line_zh(&rule));
        // One day short of 20 visits: not judged.
        v.retain(|x| !(x.date == "2026-05-22" && x.at.contains("T19")));
        let a = Availability::from_visits(&v, today, &rule);
        assert!(!a.enough);
        assert_eq!(a.days_enough, 6);
        assert!(a.line_zh(&rule).contains("监测不足"));
    }
}
