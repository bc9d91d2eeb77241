//! Differences between two runs of a site: which findings are new, fixed, or
//! still open, with the date each was first seen and how long it has been open.
//!
//! Input: the finding rows of two runs (from their findings.csv). A finding's
//! identity is its key (kind, page, target), as `Finding::key()`. Output:
//! [`DiffRow`]s, written to diff.csv by [`write_diff`] and counted in
//! summary.json.

use super::Lang;
use super::csv::{CsvWriter, read_rows};
use super::error::ReportError;
use super::rows::{FindingRow, Row};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// File name of the findings report in a run directory.
pub const FINDINGS_CSV: &str = "findings.csv";
/// File name of the pages report in a run directory.
pub const PAGES_CSV: &str = "pages.csv";
/// File name of the diff report in a run directory.
pub const DIFF_CSV: &str = "diff.csv";

/// The identity of a finding row: the same string as `Finding::key()`.
pub fn finding_key(row: &FindingRow) -> String {
    match crate::finding::FindingKind::from_code(&row.kind) {
        Some(kind) => crate::finding::finding_key(
            kind,
            [
                &row.page_url,
                &row.target_url,
                &row.element,
                &row.link_text,
                &row.column,
            ],
        ),
        None => format!("{}\t{}\t{}", row.kind, row.page_url, row.target_url),
    }
}

/// Whether a finding appeared, disappeared or stayed between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffStatus {
    /// In the current run, not in the previous one.
    New,
    /// In the previous run, not in the current one.
    Fixed,
    /// In both.
    Open,
}

impl DiffStatus {
    /// Stable code used in diff.csv.
    pub fn code(self) -> &'static str {
        match self {
            DiffStatus::New => "new",
            DiffStatus::Fixed => "fixed",
            DiffStatus::Open => "open",
        }
    }
    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            DiffStatus::New => "新增",
            DiffStatus::Fixed => "已修复",
            DiffStatus::Open => "仍存在",
        }
    }
    /// Label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => match self {
                DiffStatus::New => "new",
                DiffStatus::Fixed => "fixed",
                DiffStatus::Open => "still open",
            },
        }
    }
}

/// diff.csv: one row per finding of either run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffRow {
    /// new / fixed / open.
    pub status: DiffStatus,
    /// Kind code.
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
    /// Why.
    pub detail: String,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// Required column concerned.
    pub column: String,
    /// First date the finding was seen (YYYY-MM-DD).
    pub first_seen: String,
    /// Days from first seen to the current run (for fixed ones: to the run that no longer saw it).
    pub days_open: i64,
    /// Chinese name of the kind.
    pub kind_name: String,
    /// Chinese name of the status.
    pub status_name: String,
}

impl Row for DiffRow {
    const EN: &'static [&'static str] = &[
        "status",
        "kind",
        "severity",
        "certainty",
        "page_url",
        "target_url",
        "link_text",
        "detail",
        "http_status",
        "column",
        "first_seen",
        "days_open",
        "kind_name",
        "status_name",
    ];
    const ZH: &'static [&'static str] = &[
        "变化",
        "问题类型",
        "严重程度",
        "确定性",
        "所在页面",
        "目标链接",
        "链接文字",
        "问题描述",
        "HTTP状态码",
        "栏目",
        "首次发现",
        "持续天数",
        "类型名称",
        "变化说明",
    ];
}

impl DiffRow {
    fn from_finding(
        status: DiffStatus,
        r: &FindingRow,
        first_seen: &str,
        today: NaiveDate,
    ) -> Self {
        let first_seen = if first_seen.is_empty() {
            today.format("%Y-%m-%d").to_string()
        } else {
            first_seen.to_string()
        };
        let days_open = NaiveDate::parse_from_str(&first_seen, "%Y-%m-%d")
            .map(|d| (today - d).num_days().max(0))
            .unwrap_or(0);
        DiffRow {
            status,
            kind: r.kind.clone(),
            severity: r.severity.clone(),
            certainty: r.certainty.clone(),
            page_url: r.page_url.clone(),
            target_url: r.target_url.clone(),
            link_text: r.link_text.clone(),
            detail: r.detail.clone(),
            http_status: r.http_status,
            column: r.column.clone(),
            first_seen,
            days_open,
            kind_name: r.kind_name.clone(),
            status_name: status.zh().to_string(),
        }
    }
}

/// How many findings are new, fixed and still open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffCounts {
    /// New since the previous run.
    pub new: usize,
    /// Fixed since the previous run.
    pub fixed: usize,
    /// Still open.
    pub open: usize,
}

impl DiffCounts {
    /// Counts the rows of a diff.
    pub fn of(rows: &[DiffRow]) -> Self {
        let mut c = DiffCounts::default();
        for r in rows {
            match r.status {
                DiffStatus::New => c.new += 1,
                DiffStatus::Fixed => c.fixed += 1,
                DiffStatus::Open => c.open += 1,
            }
        }
        c
    }
}

/// Compares the findings of the previous run with the current one, as of `today`
/// (the current run's date). New rows come first, then still-open ones, then
/// fixed ones, each in the order of its run's findings. A key repeated in one
/// run counts once. `first_seen` comes from the current row (filled from the
/// history), else from the previous row, else `today`.
pub fn diff(prev: &[FindingRow], cur: &[FindingRow], today: NaiveDate) -> Vec<DiffRow> {
    let prev_by_key: HashMap<String, &FindingRow> =
        prev.iter().map(|r| (finding_key(r), r)).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut new = Vec::new();
    let mut open = Vec::new();
    for r in cur {
        let key = finding_key(r);
        if !seen.insert(key.clone()) {
            continue;
        }
        match prev_by_key.get(&key) {
            Some(p) => {
                let fs = if r.first_seen.is_empty() {
                    &p.first_seen
                } else {
                    &r.first_seen
                };
                open.push(DiffRow::from_finding(DiffStatus::Open, r, fs, today));
            }
            None => new.push(DiffRow::from_finding(
                DiffStatus::New,
                r,
                &r.first_seen,
                today,
            )),
        }
    }
    let mut fixed = Vec::new();
    let mut fixed_seen: HashSet<String> = HashSet::new();
    for r in prev {
        let key = finding_key(r);
        if seen.contains(&key) || !fixed_seen.insert(key) {
            continue;
        }
        fixed.push(DiffRow::from_finding(
            DiffStatus::Fixed,
            r,
            &r.first_seen,
            today,
        ));
    }
    new.extend(open);
    new.extend(fixed);
    new
}

/// Reads a CSV report written by `CsvWriter` (either header language).
pub fn read_csv<R: serde::de::DeserializeOwned + Row>(path: &Path) -> Result<Vec<R>, ReportError> {
    let bytes = std::fs::read(path).map_err(|e| ReportError::io(path, e))?;
    read_rows(&bytes).or_else(|source| {
        // A killed run may leave half a last line: read up to the last whole line.
        let whole = bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .filter(|&end| end + 1 < bytes.len())
            .and_then(|end| read_rows(&bytes[..=end]).ok());
        whole.ok_or_else(|| ReportError::Csv {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Reads findings.csv of a run directory.
pub fn read_findings(run_dir: &Path) -> Result<Vec<FindingRow>, ReportError> {
    let path = run_dir.join(FINDINGS_CSV);
    if !path.is_file() {
        return Err(ReportError::NotARun {
            path: run_dir.to_path_buf(),
        });
    }
    read_csv(&path)
}

/// The date of a run: `today` of its summary.json, else the date in its run id
/// (`YYYYMMDD-HHMMSS`), else None.
pub fn run_date(run_dir: &Path) -> Option<NaiveDate> {
    if let Some(d) = super::summary::Summary::read(run_dir)
        .ok()
        .and_then(|s| NaiveDate::parse_from_str(&s.today, "%Y-%m-%d").ok())
    {
        return Some(d);
    }
    let name = run_dir.file_name()?.to_str()?;
    NaiveDate::parse_from_str(name.get(..8)?, "%Y%m%d").ok()
}

/// `zwgk-audit diff RUN_A RUN_B`: the findings of run B compared with run A,
/// as of run B's date.
pub fn diff_runs(run_a: &Path, run_b: &Path) -> Result<Vec<DiffRow>, ReportError> {
    let a = read_findings(run_a)?;
    let b = read_findings(run_b)?;
    let today = run_date(run_b).unwrap_or_else(|| chrono::Local::now().date_naive());
    Ok(diff(&a, &b, today))
}

/// What [`write_diff_of`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiffTally {
    /// Rows per status.
    pub counts: DiffCounts,
    /// New rows of severity error (`--fail-on new`).
    pub new_errors: usize,
}

/// Where a run looked, for a diff: every page (a full run), or the pages
/// its pages.csv lists as read (a homepage-only or capped run). A diff
/// compares a finding only where the other run looked too: a capped run's
/// unreached pages are not "fixed", a deeper page's findings are not "new"
/// against a homepage-only baseline.
#[derive(Debug, Default)]
pub struct Looked {
    /// None: every page.
    pages: Option<crate::fingerprint::FingerprintMap<()>>,
    fp: crate::fingerprint::Fingerprinter,
    homepage_only: bool,
}

impl Looked {
    /// Every page (a full run).
    pub fn all() -> Looked {
        Looked::default()
    }

    /// Where the run in `run_dir`, of coverage `coverage`, looked: every
    /// page for a full run, else the pages of its pages.csv that were read
    /// without error.
    pub fn of_run(
        run_dir: &Path,
        coverage: super::summary::Coverage,
    ) -> Result<Looked, ReportError> {
        use super::summary::Coverage;
        if coverage == Coverage::Full {
            return Ok(Looked::all());
        }
        let path = run_dir.join(PAGES_CSV);
        let mut looked = Looked {
            homepage_only: coverage == Coverage::Homepage,
            ..Looked::default()
        };
        let mut pages = crate::fingerprint::FingerprintMap::default();
        super::csv::for_each_row(&path, |p: super::rows::PageRow| {
            if p.error.is_empty() {
                pages.insert(looked.fp.of(&p.url), ());
            }
        })
        .map_err(|e| ReportError::io(&path, e))?;
        looked.pages = Some(pages);
        Ok(looked)
    }

    /// Whether the run looked where finding `r` is: its page was read, and
    /// the check that makes it ran (a run that is not full never reports a
    /// column missing; a homepage-only run judges no column but the homepage).
    pub fn covers(&self, r: &FindingRow) -> bool {
        let Some(pages) = &self.pages else {
            return true;
        };
        if r.kind == crate::finding::FindingKind::ColumnMissing.code() {
            return false;
        }
        if self.homepage_only
            && !r.column.is_empty()
            && r.column != crate::check::columns::HOMEPAGE_COLUMN
        {
            return false;
        }
        pages.contains_key(&self.fp.of(&r.page_url))
    }
}

/// [`diff`] of the findings.csv of `prev_dir` and of `cur_dir`, written to
/// diff.csv in `cur_dir` as it goes: the same rows in the same order, read
/// from the files row by row (three passes over the current run, two over
/// the previous one) so that only a fingerprint per finding is held.
pub fn write_diff_of(
    prev_dir: &Path,
    cur_dir: &Path,
    today: NaiveDate,
    lang: Lang,
    bom: bool,
) -> Result<DiffTally, ReportError> {
    write_diff_between(
        (prev_dir, &Looked::all()),
        (cur_dir, &Looked::all()),
        today,
        lang,
        bom,
    )
}

/// [`write_diff_of`] where each run looked only where its [`Looked`] says:
/// a finding of the current run is compared (new or open) only where the
/// previous run looked, one of the previous run (fixed) only where the
/// current run looked; the others are left out of diff.csv.
pub fn write_diff_between(
    (prev_dir, prev_looked): (&Path, &Looked),
    (cur_dir, cur_looked): (&Path, &Looked),
    today: NaiveDate,
    lang: Lang,
    bom: bool,
) -> Result<DiffTally, ReportError> {
    use super::csv::rows;
    use crate::fingerprint::{FingerprintMap, Fingerprinter};
    let (prev_path, cur_path) = (prev_dir.join(FINDINGS_CSV), cur_dir.join(FINDINGS_CSV));
    let read = |p: &Path| rows::<FindingRow>(p).map_err(|e| ReportError::io(p, e));
    // The previous run's keys and first-seen dates, where this run looked.
    let mut prev = super::history::FirstSeenIndex::default();
    for r in read(&prev_path)?.filter(|r| cur_looked.covers(r)) {
        let key = finding_key(&r);
        if prev.get(&key).is_none() {
            prev.insert(&key, &r.first_seen);
        }
    }
    let mut tally = DiffTally::default();
    let fp = Fingerprinter::new();
    write_rows(cur_dir, lang, bom, |w| {
        // New rows, then still-open ones, each once per key.
        let mut seen: FingerprintMap<()> = FingerprintMap::default();
        for r in read(&cur_path)?.filter(|r| prev_looked.covers(r)) {
            let key = finding_key(&r);
            if seen.insert(fp.of(&key), ()).is_some() || prev.get(&key).is_some() {
                continue;
            }
            tally.counts.new += 1;
            if r.severity == crate::finding::Severity::Error.code() {
                tally.new_errors += 1;
            }
            w(&DiffRow::from_finding(
                DiffStatus::New,
                &r,
                &r.first_seen,
                today,
            ))?;
        }
        let mut open: FingerprintMap<()> = FingerprintMap::default();
        for r in read(&cur_path)?.filter(|r| prev_looked.covers(r)) {
            let key = finding_key(&r);
            let Some(prev_first) = prev.get(&key) else {
                continue;
            };
            if open.insert(fp.of(&key), ()).is_some() {
                continue;
            }
            tally.counts.open += 1;
            let fs = if r.first_seen.is_empty() {
                prev_first
            } else {
                &r.first_seen
            };
            w(&DiffRow::from_finding(DiffStatus::Open, &r, fs, today))?;
        }
        // Fixed: in the previous run only, once per key.
        for r in read(&prev_path)?.filter(|r| cur_looked.covers(r)) {
            let key = finding_key(&r);
            if seen.insert(fp.of(&key), ()).is_some() {
                continue;
            }
            tally.counts.fixed += 1;
            w(&DiffRow::from_finding(
                DiffStatus::Fixed,
                &r,
                &r.first_seen,
                today,
            ))?;
        }
        Ok(())
    })?;
    Ok(tally)
}

/// Writes diff.csv into `run_dir`: `fill` gets a function that writes one row.
fn write_rows(
    run_dir: &Path,
    lang: Lang,
    bom: bool,
    fill: impl FnOnce(&mut dyn FnMut(&DiffRow) -> Result<(), ReportError>) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let path = run_dir.join(DIFF_CSV);
    let io = |e| ReportError::io(&path, e);
    let file = std::fs::File::create(&path).map_err(io)?;
    let mut w =
        CsvWriter::<_, DiffRow>::new(std::io::BufWriter::new(file), lang, bom).map_err(io)?;
    fill(&mut |r: &DiffRow| w.write(r).map_err(io))?;
    let mut inner = w.into_inner().map_err(io)?;
    std::io::Write::flush(&mut inner).map_err(io)
}

/// Writes diff.csv into a run directory.
pub fn write_diff(
    run_dir: &Path,
    rows: &[DiffRow],
    lang: Lang,
    bom: bool,
) -> Result<(), ReportError> {
    write_rows(run_dir, lang, bom, |w| rows.iter().try_for_each(w))
}

/// Reads diff.csv of a run directory, None when it has none.
pub fn read_diff(run_dir: &Path) -> Result<Option<Vec<DiffRow>>, ReportError> {
    let path = run_dir.join(DIFF_CSV);
    if !path.is_file() {
        return Ok(None);
    }
    read_csv(&path).map(Some)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn row(kind: &str, page: &str, target: &str, first_seen: &str) -> FindingRow {
        FindingRow {
            kind: kind.into(),
            severity: "error".into(),
            certainty: "confirmed".into(),
            page_url: page.into(),
            target_url: target.into(),
            link_text: "链接".into(),
            element: "a@href".into(),
            detail: "HTTP 404".into(),
            http_status: Some(404),
            column: String::new(),
            first_seen: first_seen.into(),
            kind_name: "断链".into(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn new_fixed_open_with_first_seen_and_days_open() {
        let prev = vec![
            row("broken_link", "http://a/", "http://a/x", "2026-11-01"),
            row("broken_link", "http://a/", "http://a/gone", "2026-11-20"),
        ];
        let cur = vec![
            row("broken_link", "http://a/", "http://a/x", "2026-11-01"),
            row("soft_404", "http://a/p", "http://a/y", ""),
            // Same key twice (e.g. a resumed run): counted once.
            row("soft_404", "http://a/p", "http://a/y", ""),
        ];
        let out = diff(&prev, &cur, d("2026-11-27"));
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].status, DiffStatus::New);
        assert_eq!(out[0].target_url, "http://a/y");
        assert_eq!(out[0].first_seen, "2026-11-27");
        assert_eq!(out[0].days_open, 0);
        assert_eq!(out[1].status, DiffStatus::Open);
        assert_eq!(out[1].first_seen, "2026-11-01");
        assert_eq!(out[1].days_open, 26);
        assert_eq!(out[2].status, DiffStatus::Fixed);
        assert_eq!(out[2].target_url, "http://a/gone");
        assert_eq!(out[2].days_open, 7);
        assert_eq!(out[2].status_name, "已修复");
        assert_eq!(
            DiffCounts::of(&out),
            DiffCounts {
                new: 1,
                fixed: 1,
                open: 1
            }
        );
    }

    #[test]
    fn the_streamed_diff_is_the_diff() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        let write = |dir: &Path, rows: &[FindingRow]| {
            std::fs::create_dir_all(dir).unwrap();
            let f = std::fs::File::create(dir.join(FINDINGS_CSV)).unwrap();
            let mut w = CsvWriter::<_, FindingRow>::new(f, Lang::En, true).unwrap();
            for r in rows {
                w.write(r).unwrap();
            }
            w.flush().unwrap();
        };
        let mut warn = row("soft_404", "http://a/", "http://a/w", "");
        warn.severity = "warning".into();
        let prev = vec![
            row("broken_link", "http://a/", "http://a/x", "2026-11-01"),
            row("broken_link", "http://a/", "http://a/y", "2026-11-02"),
            row("broken_link", "http://a/", "http://a/y", "2026-11-02"),
            row("soft_404", "http://a/p", "http://a/z", ""),
        ];
        let cur = vec![
            row("broken_link", "http://a/", "http://a/n", "2026-11-27"),
            row("broken_link", "http://a/", "http://a/x", ""),
            warn,
            row("broken_link", "http://a/", "http://a/n", "2026-11-27"),
            row("soft_404", "http://a/p", "http://a/z", "2026-11-20"),
        ];
        write(&a, &prev);
        write(&b, &cur);
        let today = d("2026-11-27");
        let tally = write_diff_of(&a, &b, today, Lang::Zh, true).unwrap();
        let want = diff(&prev, &cur, today);
        assert_eq!(read_diff(&b).unwrap().unwrap(), want);
        assert_eq!(tally.counts, DiffCounts::of(&want));
        assert_eq!(
            (tally.counts.new, tally.counts.open, tally.counts.fixed),
            (2, 2, 1)
        );
        assert_eq!(tally.new_errors, 1);
    }

    #[test]
    fn same_target_on_another_page_or_of_another_kind_is_another_finding() {
        let prev = vec![row("broken_link", "http://a/1", "http://a/x", "2026-11-01")];
        let cur = vec![
            row("broken_link", "http://a/2", "http://a/x", ""),
            row("soft_404", "http://a/1", "http://a/x", ""),
        ];
        let c = DiffCounts::of(&diff(&prev, &cur, d("2026-11-27")));
        assert_eq!(
            c,
            DiffCounts {
                new: 2,
                fixed: 1,
                open: 0
            }
        );
    }

    /// The kinds of issue 16 keep their identity from night to night while
    /// their evidence changes (days unanswered, elements still missing).
    #[test]
    fn inspection_kinds_stay_open_while_their_detail_changes() {
        let mk = |kind: &str, page: &str, text: &str, element: &str, detail: &str| FindingRow {
            link_text: text.into(),
            element: element.into(),
            detail: detail.into(),
            target_url: String::new(),
            http_status: None,
            ..row(kind, page, "", "2026-11-01")
        };
        let prev = vec![
            mk(
                "reply_overdue",
                "http://a/m/1.html",
                "关于年费的咨询",
                "message",
                "not answered after 100 days",
            ),
            mk(
                "guide_incomplete",
                "http://a/g/1.html",
                "质押登记办事指南",
                "办事指南",
                "lacks 3 of 8",
            ),
            mk(
                "date_mismatch",
                "http://a/n/1.html",
                "",
                "meta PubDate / 发布日期",
                "differ by 15 days",
            ),
            mk(
                "date_mismatch",
                "http://a/n/2.html",
                "",
                "future date",
                "after the audit date",
            ),
        ];
        let cur = vec![
            mk(
                "reply_overdue",
                "http://a/m/1.html",
                "关于年费的咨询",
                "message",
                "not answered after 126 days",
            ),
            mk(
                "guide_incomplete",
                "http://a/g/1.html",
                "质押登记办事指南",
                "办事指南",
                "lacks 1 of 8",
            ),
            mk(
                "date_mismatch",
                "http://a/n/1.html",
                "",
                "meta PubDate / 发布日期",
                "differ by 15 days",
            ),
            // Another comparison on the same page is another finding.
            mk(
                "date_mismatch",
                "http://a/n/2.html",
                "",
                "发布日期 / URL date",
                "older",
            ),
        ];
        let out = diff(&prev, &cur, d("2026-11-27"));
        let c = DiffCounts::of(&out);
        assert_eq!(
            c,
            DiffCounts {
                new: 1,
                fixed: 1,
                open: 3
            },
            "{out:?}"
        );
    }

    #[test]
    fn a_half_written_last_line_is_dropped_and_a_broken_file_named() {
        let tmp = tempfile::tempdir().unwrap();
        let mut w = CsvWriter::<_, FindingRow>::new(Vec::new(), Lang::Zh, true).unwrap();
        w.write(&row("broken_link", "http://a/", "http://a/x", "2026-11-01"))
            .unwrap();
        w.write(&row("broken_link", "http://a/", "http://a/y", "2026-11-01"))
            .unwrap();
        let bytes = w.into_inner().unwrap();
        let cut = &bytes[..bytes.len() - 40];
        std::fs::write(tmp.path().join(FINDINGS_CSV), cut).unwrap();
        let rows = read_findings(tmp.path()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].target_url, "http://a/x");
        std::fs::write(
            tmp.path().join(FINDINGS_CSV),
            "kind,severity\nbroken_link\n",
        )
        .unwrap();
        let err = read_findings(tmp.path()).unwrap_err().to_string();
        assert!(
            err.contains("findings.csv") && err.contains("bad CSV"),
            "{err}"
        );
    }

    #[test]
    fn diff_runs_reads_both_folders_and_writes_diff_csv() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("20261126-031500");
        let b = tmp.path().join("20261127-031500");
        for (dir, rows, lang) in [
            (
                &a,
                vec![row(
                    "broken_link",
                    "http://a/",
                    "http://a/old",
                    "2026-11-20",
                )],
                Lang::Zh,
            ),
            (
                &b,
                vec![row(
                    "broken_link",
                    "http://a/",
                    "http://a/new",
                    "2026-11-27",
                )],
                Lang::En,
            ),
        ] {
            std::fs::create_dir_all(dir).unwrap();
            let f = std::fs::File::create(dir.join(FINDINGS_CSV)).unwrap();
            let mut w = CsvWriter::<_, FindingRow>::new(f, lang, true).unwrap();
            for r in &rows {
                w.write(r).unwrap();
            }
            w.flush().unwrap();
        }
        let out = diff_runs(&a, &b).unwrap();
        assert_eq!(
            DiffCounts::of(&out),
            DiffCounts {
                new: 1,
                fixed: 1,
                open: 0
            }
        );
        // Run B's date comes from its folder name.
        assert_eq!(out[1].days_open, 7);
        write_diff(&b, &out, Lang::Zh, true).unwrap();
        assert_eq!(read_diff(&b).unwrap().unwrap(), out);
        assert!(read_diff(&a).unwrap().is_none());
        let err = diff_runs(&tmp.path().join("nope"), &b)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("nope") && err.contains("findings.csv"),
            "{err}"
        );
    }
}
