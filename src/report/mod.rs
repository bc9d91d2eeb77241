//! Report: typed rows → CSV files, summary.json, report.html; run history and diffs.
//!
//! One task owns the writers of a run ([`writer::RunWriter`]); findings and rows
//! arrive over a channel and are written as the crawl goes, so a killed run keeps
//! everything it found.

pub mod csv;
pub mod diff;
pub mod error;
pub mod finish;
pub mod history;
pub mod html;
pub mod rows;
pub mod summary;
pub mod writer;

pub use error::ReportError;

/// Header language of CSV files and labels of the HTML report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese headers (default).
    #[default]
    Zh,
    /// English headers.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (zh or en)")),
        }
    }
}

use crate::audit::RunResult;
use crate::finding::FindingKind;
use crate::rules::Rules;
use std::path::Path;

/// Prints the end-of-run summary to stdout.
pub fn print_summary(rules: &Rules, r: &RunResult) {
    let mut counts: Vec<(FindingKind, usize)> = FindingKind::ALL
        .iter()
        .map(|k| (*k, r.findings.iter().filter(|f| f.kind == k.code()).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    counts.sort_by_key(|(k, _)| *k);
    println!("{} ({}) — {}", rules.name, rules.homepage(), r.today_str());
    println!(
        "  页面 {} · 链接 {} · 检查地址 {} · 用时 {:.1}s",
        r.pages,
        r.links,
        r.checked_urls,
        r.duration.as_secs_f64()
    );
    for (k, n) in counts {
        println!("  {:<16} {:<10} {n}", k.code(), k.zh());
    }
    for c in &r.caps {
        println!("  ! {c}");
    }
    println!("  reports: {}", r.run_dir.display());
}

/// `zwgk-audit diff RUN_A RUN_B`.
pub fn cmd_diff(_a: &Path, _b: &Path) -> anyhow::Result<u8> {
    anyhow::bail!("diff is not available yet")
}

/// `zwgk-audit report RUN`.
pub fn cmd_report(_run: &Path, _lang: Lang) -> anyhow::Result<u8> {
    anyhow::bail!("report is not available yet")
}
