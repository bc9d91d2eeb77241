//! Report: typed rows → CSV files, summary.json, report.html, report.xlsx; run history and diffs.
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
pub mod xlsx;

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

/// Prints the end-of-run summary to stdout.
pub fn print_summary(rules: &Rules, r: &RunResult) {
    println!("{} ({}) — {}", rules.name, rules.homepage(), r.today_str());
    println!(
        "  页面 {} · 链接 {} · 检查地址 {} · 用时 {:.1}s",
        r.pages,
        r.links,
        r.checked_urls,
        r.duration.as_secs_f64()
    );
    for k in FindingKind::ALL {
        let n = match &r.summary {
            Some(s) => s.by_kind.get(k.code()).copied().unwrap_or(0),
            None => r.findings.iter().filter(|f| f.kind == k.code()).count(),
        };
        if n > 0 {
            println!("  {:<16} {:<12} {n}", k.code(), k.zh());
        }
    }
    for c in &r.caps {
        println!("  ! {c}");
    }
    if let Some(a) = r
        .summary
        .as_ref()
        .and_then(|s| s.veto_input.availability.as_ref())
    {
        println!("  {}", a.line_zh(&rules.scoring.veto.availability));
    }
    if let Some(s) = &r.summary {
        println!("  {}", s.verdict_line);
    }
    println!("  reports: {}", r.run_dir.display());
}
