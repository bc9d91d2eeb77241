//! The end of a run in one call: summary.json, diff.csv against the previous
//! finished run of the site, the history update, report.html, report.xlsx and
//! pruning.
//!
//! Input: a run directory whose findings.csv the crawl has written and
//! flushed, the history, and the facts only the crawl knows ([`RunMeta`],
//! [`VetoInput`]). An interrupted run (`meta.complete == false`) gets its
//! summary, diff and report, but is not marked finished in the history: the
//! last complete run stays the baseline of the next diff, and `--resume` can
//! still complete it.

use super::Lang;
use super::csv::RowsOf;
use super::diff::{FINDINGS_CSV, Looked, write_diff_between};
use super::error::ReportError;
use super::history::{History, absolute, looks_like_run_folder};
use super::html;
use super::rows::FindingRow;
use super::summary::{RunMeta, Summary, VetoInput};
use crate::rules::scoring::ScoringSection;
use std::path::{Path, PathBuf};

/// What [`finish`] needs besides the history.
#[derive(Debug, Clone)]
pub struct FinishInput<'a> {
    /// `reports/<site>/<run-id>`.
    pub run_dir: &'a Path,
    /// Run facts.
    pub meta: RunMeta,
    /// Veto counters from the column checks.
    pub veto: VetoInput,
    /// `[scoring]` of the rules.
    pub scoring: &'a ScoringSection,
    /// Header language of diff.csv and labels of report.html.
    pub lang: Lang,
    /// Write a BOM in diff.csv.
    pub bom: bool,
    /// Keep this many runs of the site (older ones and their folders are deleted); None keeps all.
    pub keep_runs: Option<usize>,
    /// The proxy unmapped hosts were reached through (it resolved their names).
    pub proxy: Option<String>,
}

/// What [`finish`] did.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The summary as written to summary.json.
    pub summary: Summary,
    /// The previous finished run compared with.
    pub previous_run: Option<String>,
    /// report.html.
    pub report: PathBuf,
    /// report.xlsx, None when it could not be written (a warning says why;
    /// the CSV files and report.html have everything).
    pub xlsx: Option<PathBuf>,
    /// Run ids deleted by pruning (their folders are removed).
    pub pruned: Vec<String>,
}

/// Writes the end-of-run reports and updates the history (see the module doc).
pub fn finish(history: &History, input: FinishInput) -> Result<Finished, ReportError> {
    let FinishInput {
        run_dir,
        meta,
        veto,
        scoring,
        lang,
        bom,
        keep_runs,
        proxy,
    } = input;
    // findings.csv is read row by row (a run may have 100,000 findings).
    let findings = run_dir.join(FINDINGS_CSV);
    if !findings.is_file() {
        return Err(ReportError::NotARun {
            path: run_dir.to_path_buf(),
        });
    }
    let rows: RowsOf<FindingRow> = RowsOf::new(findings);
    let mut summary = Summary::build(&meta, rows, &veto, scoring);
    summary.set_proxy(proxy.as_deref());
    summary.history = Some(absolute(history.path()).to_string_lossy().into_owned());
    // The baseline: the last finished run whose coverage covers this one's;
    // each side is compared only where the other looked.
    let coverage = summary.coverage();
    let prev = match history.baseline_run(&meta.site_id, &meta.run_id, coverage)? {
        Some((p, prev_coverage)) => history
            .run_dir(&meta.site_id, &p.run_id)?
            .filter(|d| d.join(super::diff::FINDINGS_CSV).is_file())
            .map(|d| (p, d, prev_coverage)),
        None => None,
    };
    if let Some((p, prev_dir, prev_coverage)) = &prev {
        let looked = Looked::of_run(prev_dir, *prev_coverage)
            .and_then(|a| Ok((a, Looked::of_run(run_dir, coverage)?)));
        match looked {
            Ok((prev_looked, cur_looked)) => {
                let tally = write_diff_between(
                    (prev_dir, &prev_looked),
                    (run_dir, &cur_looked),
                    meta.started.date_naive(),
                    lang,
                    bom,
                )?;
                summary.apply_diff_counts(Some(&p.run_id), tally.counts, tally.new_errors);
            }
            // Where a run looked is not known (pages.csv is gone): no diff
            // rather than a wrong one.
            Err(e) => tracing::warn!(error = %e, "no diff against {}", p.run_id),
        }
    }
    summary.write(run_dir)?;
    if summary.complete {
        history.finish_run(&meta.run_id, &summary)?;
    }
    let report = html::write(run_dir, Some(history), lang)?;
    let xlsx = match super::xlsx::write(run_dir, lang) {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::warn!(error = %e, "cannot write report.xlsx");
            None
        }
    };
    let mut pruned = Vec::new();
    if let Some(keep) = keep_runs {
        let this = std::fs::canonicalize(run_dir).ok();
        let root = history
            .path()
            .parent()
            .and_then(|p| std::fs::canonicalize(p).ok());
        for p in history.prune_runs(&meta.site_id, keep)? {
            if let Some(dir) = &p.dir {
                let canon = std::fs::canonicalize(dir).ok();
                // Never this run's folder, nor one holding the history file.
                let unsafe_dir = canon.is_none()
                    || canon == this
                    || root
                        .as_ref()
                        .zip(canon.as_ref())
                        .is_some_and(|(r, c)| r.starts_with(c));
                if !unsafe_dir && looks_like_run_folder(dir) {
                    std::fs::remove_dir_all(dir).map_err(|e| ReportError::io(dir, e))?;
                }
            }
            pruned.push(p.run_id);
        }
    }
    Ok(Finished {
        previous_run: summary.previous_run.clone(),
        summary,
        report,
        xlsx,
        pruned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::csv::CsvWriter;
    use crate::report::diff::{DiffStatus, FINDINGS_CSV, read_diff, tests::row};
    use crate::report::rows::FindingRow;
    use chrono::{Local, TimeZone};

    /// A crawl of `found` on `day`, done the way the lead's code does it.
    fn crawl(
        h: &History,
        reports: &Path,
        day: u32,
        found: &[(&str, &str, &str)],
        complete: bool,
    ) -> Finished {
        let run_id = format!("202611{day:02}-031500");
        let started = Local.with_ymd_and_hms(2026, 11, day, 3, 15, 0).unwrap();
        let run_dir = reports.join("site").join(&run_id);
        std::fs::create_dir_all(&run_dir).unwrap();
        // Run start.
        h.begin_run("site", &run_id, &started, None).unwrap();
        h.set_run_dir("site", &run_id, &run_dir, true).unwrap();
        let first_seen = h.first_seen("site", &run_id).unwrap();
        // Per finding: first_seen from the history, CSV row, history row.
        let f = std::fs::File::create(run_dir.join(FINDINGS_CSV)).unwrap();
        let mut w = CsvWriter::<_, FindingRow>::new(f, Lang::Zh, true).unwrap();
        let mut batch = Vec::new();
        for (k, p, t) in found {
            let r = row(k, p, t, first_seen.get(&format!("{k}\t{p}\t{t}")));
            w.write(&r).unwrap();
            batch.push(r);
        }
        w.flush().unwrap();
        h.record_findings(&run_id, "site", &batch).unwrap();
        // Run end.
        let meta = RunMeta {
            site_name: "示例".into(),
            site_id: "site".into(),
            run_id,
            started,
            finished: started + chrono::Duration::minutes(3),
            homepage: vec!["http://a/".into()],
            pages: 5,
            links: 50,
            checked_urls: 30,
            fail_on: "new".into(),
            complete,
            scope: Default::default(),
            stopped: None,
            capped: Vec::new(),
        };
        let scoring = ScoringSection::default();
        finish(
            h,
            FinishInput {
                run_dir: &run_dir,
                meta,
                veto: VetoInput::default(),
                scoring: &scoring,
                lang: Lang::Zh,
                bom: true,
                keep_runs: Some(2),
                proxy: None,
            },
        )
        .unwrap()
    }

    #[test]
    fn two_runs_give_new_fixed_open_and_fail_on_new() {
        let tmp = tempfile::tempdir().unwrap();
        let reports = tmp.path().join("reports");
        let h = History::open(&reports.join("history.sqlite")).unwrap();
        let a = ("broken_link", "http://a/", "http://a/x");
        let b = ("soft_404", "http://a/p", "http://a/y");
        let c = ("broken_link", "http://a/q", "http://a/z");
        let first = crawl(&h, &reports, 20, &[a, b], true);
        assert!(first.previous_run.is_none() && first.summary.diff.is_none());
        assert!(first.summary.failed, "no previous run: every error is new");
        assert!(!reports.join("site/20261120-031500/diff.csv").exists());
        // b fixed, c added.
        let second = crawl(&h, &reports, 27, &[a, c], true);
        assert_eq!(second.previous_run.as_deref(), Some("20261120-031500"));
        let diff_of = |f: &Finished| {
            read_diff(f.report.parent().unwrap())
                .unwrap()
                .expect("diff.csv")
        };
        let second_diff = diff_of(&second);
        let st = |s: DiffStatus| {
            second_diff
                .iter()
                .filter(|r| r.status == s)
                .map(|r| r.target_url.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(st(DiffStatus::New), ["http://a/z"]);
        assert_eq!(st(DiffStatus::Fixed), ["http://a/y"]);
        assert_eq!(st(DiffStatus::Open), ["http://a/x"]);
        let open = second_diff
            .iter()
            .find(|r| r.status == DiffStatus::Open)
            .unwrap();
        assert_eq!(
            (open.first_seen.as_str(), open.days_open),
            ("2026-11-20", 7)
        );
        assert_eq!(second.summary.fail_count, 1);
        let dir = reports.join("site/20261127-031500");
        for f in ["summary.json", "diff.csv", "report.html", "report.xlsx"] {
            assert!(dir.join(f).is_file(), "{f}");
        }
        // Same findings again: nothing new, the run passes --fail-on new.
        let third = crawl(&h, &reports, 28, &[a, c], true);
        assert!(!third.summary.failed);
        // keep_runs = 2: the first run's folder is gone.
        assert_eq!(third.pruned, ["20261120-031500"]);
        assert!(!reports.join("site/20261120-031500").exists());
        assert!(reports.join("site/20261127-031500").exists());
    }

    #[test]
    fn an_interrupted_run_is_not_the_next_baseline() {
        let tmp = tempfile::tempdir().unwrap();
        let reports = tmp.path().join("reports");
        let h = History::open(&reports.join("history.sqlite")).unwrap();
        let a = ("broken_link", "http://a/", "http://a/x");
        let b = ("broken_link", "http://a/", "http://a/y");
        crawl(&h, &reports, 20, &[a, b], true);
        // Killed halfway: saw only a.
        let partial = crawl(&h, &reports, 21, &[a], false);
        assert!(!partial.summary.complete);
        assert!(reports.join("site/20261121-031500/report.html").is_file());
        let next = crawl(&h, &reports, 22, &[a, b], true);
        assert_eq!(next.previous_run.as_deref(), Some("20261120-031500"));
        let diff = read_diff(next.report.parent().unwrap()).unwrap().unwrap();
        assert!(!diff.is_empty() && diff.iter().all(|r| r.status == DiffStatus::Open));
    }
}
