//! report.xlsx: the run as an Excel / WPS workbook (rust_xlsxwriter).
//!
//! Input: the files of a run directory (summary.json, findings.csv, diff.csv,
//! columns.csv, pages.csv; only findings.csv is required), read the same way
//! as report.html reads them. Output: four sheets —
//! 概要 (summary: site, date, verdict, estimated score, counts per kind and
//! severity, veto items, deductions, the caps that bit), 问题 (findings grouped
//! by kind then page, with first-seen date and new / still open from the diff),
//! 栏目 (columns.csv) and 页面 (pages.csv, only for runs under
//! [`MAX_PAGES_SHEET`] pages; 概要 says so otherwise). Sheet names and headers
//! follow the language; cell values are those of the CSV files.
//!
//! Every value from a site is written with `write_string`: a link text `=1+2`
//! stays text, never a formula. An http(s) URL is a clickable hyperlink while
//! Excel allows it (at most [`MAX_URL_CHARS`] characters,
//! [`MAX_LINKS_PER_SHEET`] links a sheet), else text. The data sheets are in
//! constant-memory mode (each row goes to a temporary file in the run folder
//! as soon as the next one starts), and pages.csv is streamed, so a run of
//! 100,000 pages writes its workbook in little memory.

use super::Lang;
use super::diff::{DIFF_CSV, DiffCounts, DiffRow, DiffStatus, FINDINGS_CSV, read_csv};
use super::error::ReportError;
use super::html::{ColumnRecord, kind_en};
use super::rows::{FindingRow, PageRow, Row};
use super::summary::{Summary, Verdict, VetoState};
use crate::crawl::StopReason;
use crate::finding::{FindingKind, Severity};
use crate::fingerprint::{FingerprintMap, Fingerprinter};
use rust_xlsxwriter::{
    ColNum, Color, Format, FormatBorder, RowNum, Url, Workbook, Worksheet, XlsxError,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// File name of the workbook in a run directory.
pub const REPORT_XLSX: &str = "report.xlsx";
/// The 页面 sheet is written only for runs with fewer pages than this.
pub const MAX_PAGES_SHEET: usize = 100_000;
/// Longest URL Excel keeps as a hyperlink; a longer one is written as text.
pub const MAX_URL_CHARS: usize = 2079;
/// Most hyperlinks Excel allows in one sheet; further URLs are written as text.
pub const MAX_LINKS_PER_SHEET: usize = 65_530;
/// Most hyperlinks in one workbook: the writer keeps each one in memory until
/// the file is saved (about 1.5 KB a link), so past this many URLs are
/// written as text — the findings sheet gets them first, then columns, then pages.
pub const MAX_LINKS_PER_WORKBOOK: usize = 5_000;
/// Most characters of one cell (Excel's limit); longer text is cut with `…`.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Widest column, in Excel's character units.
const MAX_WIDTH: f64 = 60.0;
/// Narrowest column.
const MIN_WIDTH: f64 = 6.0;
/// Background of error rows (light red).
const TINT: u32 = 0xFDE2E1;
/// Background of header rows (light grey).
const HEADER_BG: u32 = 0xE7E6E6;

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Sheet names in `lang`: summary, findings, columns, pages.
pub fn sheet_names(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::Zh => ["概要", "问题", "栏目", "页面"],
        Lang::En => ["Summary", "Findings", "Columns", "Pages"],
    }
}

/// How the summary sheet names another sheet in its notes: `问题表`, `Findings sheet`.
pub fn sheet_label(lang: Lang, i: usize) -> String {
    match lang {
        Lang::Zh => format!("{}表", sheet_names(lang)[i]),
        Lang::En => format!("{} sheet", sheet_names(lang)[i]),
    }
}

/// Header of the extra column of the findings sheet (new / still open).
pub fn change_header(lang: Lang) -> &'static str {
    t(lang, "变化", "change")
}

/// Writes report.xlsx into the run directory (through a temporary file, so a
/// reader never sees half a workbook); returns its path.
pub fn write(run_dir: &Path, lang: Lang) -> Result<PathBuf, ReportError> {
    let started = std::time::Instant::now();
    let path = run_dir.join(REPORT_XLSX);
    let tmp = run_dir.join(".report.xlsx.tmp");
    let xl = |e: XlsxError| ReportError::io(&path, std::io::Error::other(e.to_string()));
    let mut book = Book::new(run_dir, lang).map_err(xl)?;
    // findings.csv and diff.csv are read row by row: the findings sheet is
    // written in its order from an index of sort keys and row positions.
    let findings_csv = run_dir.join(FINDINGS_CSV);
    if !findings_csv.is_file() {
        return Err(ReportError::NotARun {
            path: run_dir.to_path_buf(),
        });
    }
    let index = FindingsIndex::read(&findings_csv)?;
    let summary = Summary::read(run_dir).ok();
    let diff = DiffSide::read(&run_dir.join(DIFF_CSV));
    let columns_csv = run_dir.join("columns.csv");
    let columns: Vec<ColumnRecord> = if columns_csv.is_file() {
        read_csv(&columns_csv)?
    } else {
        Vec::new()
    };
    let findings_sheet = book
        .findings_sheet(&findings_csv, &index, diff.as_ref())
        .map_err(|e| match e {
            PagesError::Xlsx(e) => xl(e),
            PagesError::Io(e) => ReportError::io(&findings_csv, e),
        })?;
    let columns_sheet = book.columns_sheet(&columns).map_err(xl)?;
    let pages_csv = run_dir.join("pages.csv");
    let pages = book.pages_sheet(&pages_csv).map_err(|e| match e {
        PagesError::Xlsx(e) => xl(e),
        PagesError::Io(e) => ReportError::io(&pages_csv, e),
    })?;
    let summary_sheet = book
        .summary_sheet(SummaryInput {
            summary: summary.as_ref(),
            counts: &index.counts,
            diff: diff.as_ref().map(|d| d.counts),
            pages: &pages,
        })
        .map_err(xl)?;
    let mut workbook = book.workbook;
    workbook.push_worksheet(summary_sheet);
    workbook.push_worksheet(findings_sheet);
    workbook.push_worksheet(columns_sheet);
    if let PagesOutcome::Written(ws) = pages.sheet {
        workbook.push_worksheet(*ws);
    }
    workbook.save(&tmp).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        xl(e)
    })?;
    std::fs::rename(&tmp, &path).map_err(|e| ReportError::io(&path, e))?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        findings = index.counts.total,
        "report.xlsx written"
    );
    Ok(path)
}

/// Cell formats of the workbook.
struct Formats {
    header: Format,
    section: Format,
    plain: Format,
    tint: Format,
    link: Format,
    link_tint: Format,
}

impl Formats {
    fn new() -> Self {
        let tint = Format::new().set_background_color(Color::RGB(TINT));
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(HEADER_BG))
                .set_border_bottom(FormatBorder::Thin),
            section: Format::new().set_bold(),
            plain: Format::new(),
            link: Format::new().set_hyperlink(),
            link_tint: Format::new()
                .set_hyperlink()
                .set_background_color(Color::RGB(TINT)),
            tint,
        }
    }
}

/// The workbook being built and what the summary sheet says about the others.
struct Book {
    workbook: Workbook,
    lang: Lang,
    fmt: Formats,
    /// URLs written as text, per sheet (index in [`sheet_names`]): past the sheet's link limit.
    fallback: Vec<(usize, usize)>,
    /// Findings left out of the findings sheet (past Excel's row limit).
    truncated: usize,
    /// Hyperlinks left (see [`MAX_LINKS_PER_WORKBOOK`]).
    budget: usize,
}

/// What became of the pages sheet.
enum PagesOutcome {
    /// Written (boxed: a worksheet is large).
    Written(Box<Worksheet>),
    /// Not written: the run has this many pages.
    TooMany(usize),
    /// No pages.csv.
    Missing,
}

struct PagesResult {
    sheet: PagesOutcome,
}

enum PagesError {
    Xlsx(XlsxError),
    Io(std::io::Error),
}

impl From<XlsxError> for PagesError {
    fn from(e: XlsxError) -> Self {
        PagesError::Xlsx(e)
    }
}

/// What the summary sheet is made of.
struct SummaryInput<'a> {
    summary: Option<&'a Summary>,
    counts: &'a Counts,
    diff: Option<DiffCounts>,
    pages: &'a PagesResult,
}

/// Findings per severity and kind.
#[derive(Debug, Default)]
struct Counts {
    total: usize,
    severity: HashMap<String, usize>,
    kind: HashMap<String, usize>,
}

/// Where a finding goes in the findings sheet: by kind (in the order of
/// the kind list), page and target; and where its row is in findings.csv.
struct SortKey {
    kind: usize,
    /// The code of a kind outside the list (they sort by it).
    other: Option<Box<str>>,
    page: Box<str>,
    target: Box<str>,
    at: csv::Position,
}

/// findings.csv read once: the sort keys of its rows, in the sheet's order,
/// and its counts (a few hundred bytes a finding instead of the rows).
struct FindingsIndex {
    keys: Vec<SortKey>,
    counts: Counts,
}

impl FindingsIndex {
    fn read(path: &Path) -> Result<FindingsIndex, ReportError> {
        let mut rows =
            super::csv::rows::<FindingRow>(path).map_err(|e| ReportError::io(path, e))?;
        let mut keys = Vec::new();
        let mut counts = Counts::default();
        while let Some(r) = rows.next() {
            let Some(at) = rows.position().cloned() else {
                continue;
            };
            counts.total += 1;
            *counts.severity.entry(r.severity.clone()).or_insert(0) += 1;
            *counts.kind.entry(r.kind.clone()).or_insert(0) += 1;
            let kind = kind_rank(&r.kind);
            keys.push(SortKey {
                kind,
                other: (kind == usize::MAX).then(|| r.kind.into_boxed_str()),
                page: r.page_url.into_boxed_str(),
                target: r.target_url.into_boxed_str(),
                at,
            });
        }
        if let Some(source) = rows.broken() {
            return Err(ReportError::Csv {
                path: path.to_path_buf(),
                source,
            });
        }
        keys.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then_with(|| a.other.cmp(&b.other))
                .then_with(|| a.page.cmp(&b.page))
                .then_with(|| a.target.cmp(&b.target))
        });
        Ok(FindingsIndex { keys, counts })
    }
}

/// diff.csv read once: its counts and whether each finding is new or still
/// open (by a fingerprint of its identity).
struct DiffSide {
    counts: DiffCounts,
    status: FingerprintMap<DiffStatus>,
    fp: Fingerprinter,
}

impl DiffSide {
    /// None without a readable diff.csv (every finding is then new).
    fn read(path: &Path) -> Option<DiffSide> {
        let mut rows = super::csv::rows::<DiffRow>(path).ok()?;
        let fp = Fingerprinter::new();
        let mut status = FingerprintMap::default();
        let mut counts = DiffCounts::default();
        for r in rows.by_ref() {
            match r.status {
                DiffStatus::New => counts.new += 1,
                DiffStatus::Fixed => counts.fixed += 1,
                DiffStatus::Open => counts.open += 1,
            }
            if r.status != DiffStatus::Fixed {
                let k = change_key(&r.kind, &r.page_url, &r.target_url, &r.link_text, &r.column);
                status.insert(fp.of(&k), r.status);
            }
        }
        rows.broken()
            .is_none()
            .then_some(DiffSide { counts, status, fp })
    }

    /// None: the finding was not compared (the baseline did not look where
    /// it is: a homepage-only or capped run on one side).
    fn status_of(&self, r: &FindingRow) -> Option<DiffStatus> {
        let k = change_key(&r.kind, &r.page_url, &r.target_url, &r.link_text, &r.column);
        self.status.get(&self.fp.of(&k)).copied()
    }
}

/// Display width of text in Excel character units: a CJK or full-width
/// character takes two, others one.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
                || (0x20000..=0x3FFFD).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Column widths that fit the widest value (clamped), grown row by row.
struct Widths(Vec<usize>);

impl Widths {
    fn new(headers: &[&str]) -> Self {
        Widths(headers.iter().map(|h| display_width(h)).collect())
    }
    fn fit(&mut self, col: usize, s: &str) {
        if let Some(w) = self.0.get_mut(col) {
            // Only the first line counts, and only as far as the widest column.
            let first = s.lines().next().unwrap_or("");
            let head: String = first.chars().take(MAX_WIDTH as usize).collect();
            *w = (*w).max(display_width(&head));
        }
    }
    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (i, w) in self.0.iter().enumerate() {
            let width = (*w as f64 + 2.0).clamp(MIN_WIDTH, MAX_WIDTH);
            ws.set_column_width(col(i), width)?;
        }
        Ok(())
    }
}

fn col(i: usize) -> ColNum {
    ColNum::try_from(i).unwrap_or(ColNum::MAX)
}

/// Text cut to Excel's cell limit (in UTF-16 units, as Excel counts).
fn cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= MAX_CELL_CHARS {
        return s.into();
    }
    let mut units = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS - 1 {
            break;
        }
        end = i + c.len_utf8();
    }
    if end == s.len() {
        return s.into();
    }
    format!("{}…", &s[..end]).into()
}

/// Whether `s` can be a hyperlink: an http(s) URL with a host, within Excel's length.
pub fn linkable(s: &str) -> bool {
    s.encode_utf16().count() <= MAX_URL_CHARS
        && url::Url::parse(s)
            .ok()
            .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        && !s.chars().any(char::is_whitespace)
}

/// Writes the cells of one sheet: text as text, URLs as links while allowed.
struct Cells<'a> {
    ws: &'a mut Worksheet,
    fmt: &'a Formats,
    /// Hyperlinks left for the workbook.
    budget: &'a mut usize,
    links: usize,
    fallback: usize,
}

impl<'a> Cells<'a> {
    fn new(ws: &'a mut Worksheet, fmt: &'a Formats, budget: &'a mut usize) -> Self {
        Cells {
            ws,
            fmt,
            budget,
            links: 0,
            fallback: 0,
        }
    }

    fn text(&mut self, row: RowNum, c: usize, s: &str, tint: bool) -> Result<(), XlsxError> {
        if s.is_empty() {
            if tint {
                self.ws.write_blank(row, col(c), &self.fmt.tint)?;
            }
            return Ok(());
        }
        let f = if tint {
            &self.fmt.tint
        } else {
            &self.fmt.plain
        };
        self.ws
            .write_string_with_format(row, col(c), cell_text(s), f)?;
        Ok(())
    }

    fn number(
        &mut self,
        row: RowNum,
        c: usize,
        n: Option<f64>,
        tint: bool,
    ) -> Result<(), XlsxError> {
        match n {
            Some(n) => {
                let f = if tint {
                    &self.fmt.tint
                } else {
                    &self.fmt.plain
                };
                self.ws.write_number_with_format(row, col(c), n, f)?;
            }
            None if tint => {
                self.ws.write_blank(row, col(c), &self.fmt.tint)?;
            }
            None => {}
        }
        Ok(())
    }

    fn url(&mut self, row: RowNum, c: usize, s: &str, tint: bool) -> Result<(), XlsxError> {
        if s.is_empty() {
            return self.text(row, c, s, tint);
        }
        if !linkable(s) {
            return self.text(row, c, s, tint);
        }
        if self.links >= MAX_LINKS_PER_SHEET || *self.budget == 0 {
            self.fallback += 1;
            return self.text(row, c, s, tint);
        }
        let f = if tint {
            &self.fmt.link_tint
        } else {
            &self.fmt.link
        };
        match self
            .ws
            .write_url_with_format(row, col(c), Url::new(s).set_text(s), f)
        {
            Ok(_) => {
                self.links += 1;
                *self.budget -= 1;
                Ok(())
            }
            // Excel's own URL limits (counted after its escaping): keep the text.
            Err(XlsxError::MaxUrlLengthExceeded | XlsxError::ParameterError(_)) => {
                self.fallback += 1;
                self.text(row, c, s, tint)
            }
            Err(e) => Err(e),
        }
    }

    fn header(&mut self, headers: &[&str]) -> Result<(), XlsxError> {
        for (i, h) in headers.iter().enumerate() {
            self.ws
                .write_string_with_format(0, col(i), *h, &self.fmt.header)?;
        }
        Ok(())
    }
}

/// Freezes the header row and puts an autofilter over `rows` data rows.
fn finish_table(ws: &mut Worksheet, rows: usize, cols: usize) -> Result<(), XlsxError> {
    ws.set_freeze_panes(1, 0)?;
    let last = RowNum::try_from(rows).unwrap_or(RowNum::MAX);
    ws.autofilter(0, 0, last, col(cols.saturating_sub(1)))?;
    Ok(())
}

fn row_num(i: usize) -> RowNum {
    RowNum::try_from(i).unwrap_or(RowNum::MAX)
}

/// Most rows of one sheet (Excel's limit, header included).
const MAX_ROWS: usize = 1_048_576;

/// Key of a finding for the new / still-open lookup in diff.csv (diff rows
/// carry no element: kind, page, target, text and column tell findings apart).
fn change_key(kind: &str, page: &str, target: &str, text: &str, column: &str) -> String {
    format!("{kind}\t{page}\t{target}\t{text}\t{column}")
}

fn kind_rank(code: &str) -> usize {
    FindingKind::ALL
        .iter()
        .position(|k| k.code() == code)
        .unwrap_or(usize::MAX)
}

impl Book {
    fn new(run_dir: &Path, lang: Lang) -> Result<Book, XlsxError> {
        let mut workbook = Workbook::new();
        // Constant-memory rows go to temporary files beside the reports, not to /tmp (often RAM).
        workbook.set_tempdir(run_dir)?;
        Ok(Book {
            workbook,
            lang,
            fmt: Formats::new(),
            fallback: Vec::new(),
            truncated: 0,
            budget: MAX_LINKS_PER_WORKBOOK,
        })
    }

    /// 问题: findings grouped by kind (in the order of the kind list) then
    /// page, with a last column saying new or still open.
    fn findings_sheet(
        &mut self,
        findings_csv: &Path,
        index: &FindingsIndex,
        diff: Option<&DiffSide>,
    ) -> Result<Worksheet, PagesError> {
        let lang = self.lang;
        let sheet = 1;
        let name = sheet_names(lang)[sheet];
        let mut ws = self.workbook.new_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        let mut headers: Vec<&str> = FindingRow::headers(lang).to_vec();
        headers.push(change_header(lang));
        // Rows are read back in the sheet's order (kind, page, target) by
        // their position in findings.csv: twice, for the widths and the cells.
        let mut at =
            super::csv::RowsAt::<FindingRow>::open(findings_csv).map_err(PagesError::Io)?;
        let mut order: &[SortKey] = &index.keys;
        if order.len() >= MAX_ROWS {
            self.truncated = order.len() - (MAX_ROWS - 1);
            order = order.get(..MAX_ROWS - 1).unwrap_or(order);
        }
        let mut widths = Widths::new(&headers);
        for r in order.iter().filter_map(|k| at.get(&k.at)) {
            for (i, v) in [
                &r.kind,
                &r.severity,
                &r.certainty,
                &r.page_url,
                &r.target_url,
                &r.link_text,
                &r.element,
                &r.detail,
            ]
            .iter()
            .enumerate()
            {
                widths.fit(i, v);
            }
            widths.fit(9, &r.column);
            widths.fit(10, &r.first_seen);
            widths.fit(11, &r.kind_name);
        }
        widths.fit(8, "000");
        widths.fit(12, DiffStatus::Open.label(lang));
        widths.apply(&mut ws)?;
        let mut cells = Cells::new(&mut ws, &self.fmt, &mut self.budget);
        cells.header(&headers)?;
        let mut written = 0;
        for (i, r) in order.iter().filter_map(|k| at.get(&k.at)).enumerate() {
            written = i + 1;
            let row = row_num(i + 1);
            let tint = r.severity == Severity::Error.code();
            cells.text(row, 0, &r.kind, tint)?;
            cells.text(row, 1, &r.severity, tint)?;
            cells.text(row, 2, &r.certainty, tint)?;
            cells.url(row, 3, &r.page_url, tint)?;
            cells.url(row, 4, &r.target_url, tint)?;
            cells.text(row, 5, &r.link_text, tint)?;
            cells.text(row, 6, &r.element, tint)?;
            cells.text(row, 7, &r.detail, tint)?;
            cells.number(row, 8, r.http_status.map(f64::from), tint)?;
            cells.text(row, 9, &r.column, tint)?;
            cells.text(row, 10, &r.first_seen, tint)?;
            cells.text(row, 11, &r.kind_name, tint)?;
            // Without a previous run every finding is new; one the diff
            // did not compare is said so, not called new.
            let st = match diff {
                None => DiffStatus::New.label(lang),
                Some(d) => d.status_of(&r).map_or(
                    match lang {
                        Lang::Zh => "未比较",
                        Lang::En => "not compared",
                    },
                    |s| s.label(lang),
                ),
            };
            cells.text(row, 12, st, tint)?;
        }
        let fallback = cells.fallback;
        finish_table(&mut ws, written, headers.len())?;
        self.fallback.push((sheet, fallback));
        Ok(ws)
    }

    /// 栏目: columns.csv as it is.
    fn columns_sheet(&mut self, columns: &[ColumnRecord]) -> Result<Worksheet, XlsxError> {
        let lang = self.lang;
        let index = 2;
        let name = sheet_names(lang)[index];
        let mut ws = self.workbook.new_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        let headers: &[&str] = ColumnRecord::headers(lang);
        let mut widths = Widths::new(headers);
        for c in columns {
            widths.fit(0, &c.column);
            widths.fit(2, &c.url);
            widths.fit(4, &c.newest_date);
            widths.fit(6, &c.status);
            widths.fit(7, &c.note);
        }
        widths.fit(1, "false");
        widths.apply(&mut ws)?;
        let mut cells = Cells::new(&mut ws, &self.fmt, &mut self.budget);
        cells.header(headers)?;
        for (i, c) in columns.iter().enumerate() {
            let row = row_num(i + 1);
            let tint = matches!(c.status.as_str(), "missing" | "empty" | "stale" | "mixed");
            cells.text(row, 0, &c.column, tint)?;
            cells.text(row, 1, if c.found { "true" } else { "false" }, tint)?;
            cells.url(row, 2, &c.url, tint)?;
            cells.number(row, 3, Some(c.items as f64), tint)?;
            cells.text(row, 4, &c.newest_date, tint)?;
            cells.number(row, 5, Some(f64::from(c.window_days)), tint)?;
            cells.text(row, 6, &c.status, tint)?;
            cells.text(row, 7, &c.note, tint)?;
        }
        let fallback = cells.fallback;
        finish_table(&mut ws, columns.len(), headers.len())?;
        self.fallback.push((index, fallback));
        Ok(ws)
    }

    /// 页面: pages.csv streamed twice (count and widths, then rows), only
    /// under [`MAX_PAGES_SHEET`] pages.
    fn pages_sheet(&mut self, pages_csv: &Path) -> Result<PagesResult, PagesError> {
        if !pages_csv.is_file() {
            return Ok(PagesResult {
                sheet: PagesOutcome::Missing,
            });
        }
        let lang = self.lang;
        let index = 3;
        let name = sheet_names(lang)[index];
        let headers: &[&str] = match lang {
            Lang::Zh => PageRow::ZH,
            Lang::En => PageRow::EN,
        };
        let mut widths = Widths::new(headers);
        let mut n = 0usize;
        super::csv::for_each_row(pages_csv, |p: PageRow| {
            n += 1;
            if n <= MAX_PAGES_SHEET {
                widths.fit(0, &p.url);
                widths.fit(2, &p.content_type);
                widths.fit(3, &p.charset);
                widths.fit(7, &p.title);
                widths.fit(8, &p.error);
            }
        })
        .map_err(PagesError::Io)?;
        if n >= MAX_PAGES_SHEET {
            return Ok(PagesResult {
                sheet: PagesOutcome::TooMany(n),
            });
        }
        widths.fit(1, "000");
        widths.fit(5, "0000000");
        let mut ws = self.workbook.new_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        widths.apply(&mut ws)?;
        let mut cells = Cells::new(&mut ws, &self.fmt, &mut self.budget);
        cells.header(headers)?;
        let mut i = 0usize;
        let mut err: Option<XlsxError> = None;
        super::csv::for_each_row(pages_csv, |p: PageRow| {
            if err.is_some() || i >= n {
                return;
            }
            i += 1;
            let row = row_num(i);
            let tint = p.http_status.is_none_or(|s| s >= 400) || !p.error.is_empty();
            let r = (|| -> Result<(), XlsxError> {
                cells.url(row, 0, &p.url, tint)?;
                cells.number(row, 1, p.http_status.map(f64::from), tint)?;
                cells.text(row, 2, &p.content_type, tint)?;
                cells.text(row, 3, &p.charset, tint)?;
                cells.number(row, 4, Some(f64::from(p.depth)), tint)?;
                cells.number(row, 5, Some(p.bytes as f64), tint)?;
                cells.number(row, 6, Some(p.elapsed_ms as f64), tint)?;
                cells.text(row, 7, &p.title, tint)?;
                cells.text(row, 8, &p.error, tint)?;
                Ok(())
            })();
            if let Err(e) = r {
                err = Some(e);
            }
        })
        .map_err(PagesError::Io)?;
        if let Some(e) = err {
            return Err(e.into());
        }
        let fallback = cells.fallback;
        finish_table(&mut ws, i, headers.len())?;
        self.fallback.push((index, fallback));
        Ok(PagesResult {
            sheet: PagesOutcome::Written(Box::new(ws)),
        })
    }

    /// 概要: item / value / note rows in sections.
    fn summary_sheet(&mut self, input: SummaryInput) -> Result<Worksheet, XlsxError> {
        let lang = self.lang;
        let mut ws = Worksheet::new();
        ws.set_name(sheet_names(lang)[0])?;
        let mut lines = SummaryLines::default();
        summary_lines(&mut lines, lang, &input, &self.fallback);
        if self.truncated > 0 {
            lines.add(
                sheet_label(lang, 1),
                count(self.truncated),
                t(
                    lang,
                    "条问题超出 Excel 行数上限，未列入问题表，请查看 findings.csv",
                    "findings past Excel's row limit are not in the findings sheet: see findings.csv",
                ),
            );
        }
        let headers = [
            t(lang, "项目", "item"),
            t(lang, "内容", "value"),
            t(lang, "说明", "note"),
        ];
        let mut widths = Widths::new(&headers);
        for l in &lines.0 {
            widths.fit(0, &l.label);
            if let Value::Text(s) | Value::Url(s) = &l.value {
                widths.fit(1, s);
            }
            widths.fit(2, &l.note);
        }
        widths.fit(1, "0000000");
        widths.apply(&mut ws)?;
        let fmt = &self.fmt;
        // The homepage link of the summary is outside the budget of the data sheets.
        let mut own = 1;
        let mut cells = Cells::new(&mut ws, fmt, &mut own);
        cells.header(&headers)?;
        for (i, l) in lines.0.iter().enumerate() {
            let row = row_num(i + 1);
            if l.section {
                cells
                    .ws
                    .write_string_with_format(row, 0, cell_text(&l.label), &fmt.section)?;
                continue;
            }
            cells.text(row, 0, &l.label, l.tint)?;
            match &l.value {
                Value::Text(s) => cells.text(row, 1, s, l.tint)?,
                Value::Url(s) => cells.url(row, 1, s, l.tint)?,
                Value::Number(n) => cells.number(row, 1, Some(*n), l.tint)?,
                Value::None => cells.text(row, 1, "", l.tint)?,
            }
            cells.text(row, 2, &l.note, l.tint)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(ws)
    }
}

/// A value of the summary sheet.
enum Value {
    Text(String),
    Url(String),
    Number(f64),
    None,
}

/// One row of the summary sheet.
struct Line {
    label: String,
    value: Value,
    note: String,
    tint: bool,
    section: bool,
}

#[derive(Default)]
struct SummaryLines(Vec<Line>);

impl SummaryLines {
    fn section(&mut self, label: &str) {
        self.0.push(Line {
            label: label.to_string(),
            value: Value::None,
            note: String::new(),
            tint: false,
            section: true,
        });
    }
    fn add(&mut self, label: impl Into<String>, value: Value, note: impl Into<String>) {
        self.0.push(Line {
            label: label.into(),
            value,
            note: note.into(),
            tint: false,
            section: false,
        });
    }
    fn add_tinted(&mut self, label: impl Into<String>, value: Value, note: impl Into<String>) {
        self.add(label, value, note);
        if let Some(l) = self.0.last_mut() {
            l.tint = true;
        }
    }
    fn blank(&mut self) {
        self.section("");
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn num(n: impl Into<f64>) -> Value {
    Value::Number(n.into())
}

fn count(n: usize) -> Value {
    Value::Number(n as f64)
}

/// The rows of the summary sheet.
fn summary_lines(
    out: &mut SummaryLines,
    lang: Lang,
    input: &SummaryInput,
    fallback: &[(usize, usize)],
) {
    let l = |zh: &'static str, en: &'static str| t(lang, zh, en);
    let yes_no = |b: bool| l(if b { "是" } else { "否" }, if b { "yes" } else { "no" });
    match input.summary {
        Some(s) => {
            out.add(l("网站", "Site"), text(&s.site_name), &s.site_id);
            if let Some(h) = s.homepage.first() {
                out.add(l("首页", "Homepage"), Value::Url(h.clone()), "");
            }
            out.add(l("检查日期", "Date"), text(&s.today), "");
            out.add(
                l("运行", "Run"),
                text(&s.run_id),
                format!(
                    "{} {} · {} {:.1} {}",
                    l("开始", "started"),
                    local_time(&s.started),
                    l("用时", "took"),
                    s.duration_s,
                    l("秒", "s")
                ),
            );
            out.add(l("检查完整", "Complete"), text(yes_no(s.complete)), "");
            let statement = match lang {
                Lang::Zh => &s.scope.statement_zh,
                Lang::En => &s.scope.statement_en,
            };
            out.add(
                l("检查范围", "Scope"),
                text(if s.scope.complete {
                    l("完整", "complete")
                } else {
                    l("部分", "partial")
                }),
                statement.clone(),
            );
            let e = &s.estimate;
            let verdict = text(e.verdict.label(lang));
            let why = match lang {
                Lang::Zh => e.reasons_zh.join("；"),
                Lang::En => e.reasons_en.join("; "),
            };
            if e.verdict == Verdict::Fail {
                out.add_tinted(l("结论", "Verdict"), verdict, why);
            } else {
                out.add(l("结论", "Verdict"), verdict, why);
            }
            out.add(
                l("估算得分", "Estimated score"),
                num(e.score),
                format!(
                    "{} {} · {} {} · {} {}",
                    l("满分", "out of"),
                    e.max_score,
                    l("合格线", "pass mark"),
                    e.pass_score,
                    l("可疑链接全部确认时", "if every suspected link is confirmed"),
                    e.score_worst
                ),
            );
            out.add(l("扣分合计", "Points deducted"), num(e.total_deduction), "");
            out.add(l("页面", "Pages"), count(s.pages), "");
            out.add(l("链接", "Links"), count(s.links), "");
            out.add(l("检查地址", "URLs checked"), count(s.checked_urls), "");
            out.add(l("问题", "Findings"), count(s.findings), "");
        }
        None => {
            out.add(
                l("概要", "Summary"),
                Value::None,
                l(
                    "summary.json 缺失或无法读取（运行可能未结束）",
                    "summary.json is missing or unreadable (the run may not have ended)",
                ),
            );
            out.add(l("问题", "Findings"), count(input.counts.total), "");
        }
    }

    out.blank();
    out.section(l("按严重程度", "By severity"));
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let n = input.counts.severity.get(sev.code()).copied().unwrap_or(0);
        let label = match lang {
            Lang::Zh => sev.zh(),
            Lang::En => sev.code(),
        };
        if sev == Severity::Error && n > 0 {
            out.add_tinted(label, count(n), sev.code());
        } else {
            out.add(label, count(n), sev.code());
        }
    }

    out.blank();
    out.section(l("按问题类型", "By kind"));
    for k in FindingKind::ALL {
        let n = input.counts.kind.get(k.code()).copied().unwrap_or(0);
        let label = match lang {
            Lang::Zh => k.zh(),
            Lang::En => kind_en(k),
        };
        out.add(label, count(n), k.code());
    }

    out.blank();
    out.section(l("与上次比较", "Compared with the previous run"));
    let previous = input.summary.and_then(|s| s.previous_run.clone());
    match (input.diff, previous) {
        (Some(c), prev) => {
            out.add(
                l("上次运行", "Previous run"),
                text(prev.unwrap_or_default()),
                "",
            );
            out.add(DiffStatus::New.label(lang), count(c.new), "");
            out.add(DiffStatus::Fixed.label(lang), count(c.fixed), "");
            out.add(DiffStatus::Open.label(lang), count(c.open), "");
        }
        (None, _) => out.add(
            l("上次运行", "Previous run"),
            text(l(
                "无（首次运行，全部为新增）",
                "none (first run: every finding is new)",
            )),
            "",
        ),
    }

    if let Some(s) = input.summary {
        out.blank();
        out.section(l("单项否决", "Veto items"));
        for v in &s.estimate.vetoes {
            let name = match lang {
                Lang::Zh => &v.name_zh,
                Lang::En => &v.name_en,
            };
            // Summaries written before states existed: a triggered item is a veto.
            let state = if v.triggered {
                VetoState::Veto
            } else {
                v.state
            };
            // 互动回应差 without any channel: no count behind the veto.
            let no_channel = v.id == "reply_overdue"
                && state == VetoState::Veto
                && s.veto_input.reply_overdue.is_none();
            let line = match (lang, v.warning) {
                _ if no_channel => l("无渠道", "no channel").to_string(),
                (Lang::Zh, Some(w)) => {
                    format!("当前 {}，否决线 ≥ {}，预警线 ≥ {w}", v.value, v.threshold)
                }
                (Lang::Zh, None) => format!("当前 {}，否决线 ≥ {}", v.value, v.threshold),
                (Lang::En, Some(w)) => format!(
                    "value {}, veto at {}, pre-warning at {w}",
                    v.value, v.threshold
                ),
                (Lang::En, None) => format!("value {}, veto at {}", v.value, v.threshold),
            };
            let evidence = match lang {
                Lang::Zh => &v.note_zh,
                Lang::En => &v.note_en,
            };
            let note = [line.as_str(), evidence.as_str(), v.rule.as_str()]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(l("；", "; "));
            if state == VetoState::Veto {
                out.add_tinted(name.clone(), text(state.label(lang)), note);
            } else {
                out.add(name.clone(), text(state.label(lang)), note);
            }
        }
        out.blank();
        out.section(l("扣分项", "Deductions"));
        for d in &s.estimate.deductions {
            let name = match lang {
                Lang::Zh => &d.name_zh,
                Lang::En => &d.name_en,
            };
            let note = match lang {
                Lang::Zh => format!(
                    "确认 {} · 可疑 {} · 计入 {} · 每个 {} 分 · 上限 {} 分",
                    d.confirmed, d.suspected, d.counted, d.points_each, d.cap
                ),
                Lang::En => format!(
                    "confirmed {} · suspected {} · counted {} · {} each · cap {}",
                    d.confirmed, d.suspected, d.counted, d.points_each, d.cap
                ),
            };
            out.add(name.clone(), num(d.points), note);
        }
    }

    out.blank();
    out.section(l("触发的抓取上限", "Caps that bit"));
    if let Some(st) = input.summary.and_then(|s| s.stopped) {
        let why = match (st.reason, lang) {
            (StopReason::Interrupted, Lang::Zh) => "被中断（Ctrl-C / SIGTERM）",
            (StopReason::Deadline, Lang::Zh) => "到达运行时限（--max-duration）",
            (StopReason::Interrupted, Lang::En) => "interrupted (Ctrl-C / SIGTERM)",
            (StopReason::Deadline, Lang::En) => "the deadline ran out (--max-duration)",
        };
        out.add_tinted(
            l("提前停止", "Stopped early"),
            text(why),
            match lang {
                Lang::Zh => format!("{} 个地址未检查，可用 --resume 继续", st.urls_left),
                Lang::En => format!("{} URLs not checked: --resume goes on", st.urls_left),
            },
        );
    }
    let capped = input.summary.map(|s| &s.capped[..]).unwrap_or(&[]);
    // Older summaries have only the scope's cap lines.
    let lines = input.summary.map(|s| &s.scope.caps[..]).unwrap_or(&[]);
    for c in capped {
        let label = match &c.pattern {
            Some(p) => format!("{} {p}", c.cap.code()),
            None => c.cap.code().to_string(),
        };
        let first = c.urls.first().map(|u| u.url.as_str()).unwrap_or("");
        let note = if first.is_empty() {
            c.what.clone()
        } else {
            format!("{} · {} {first}", c.what, l("例如", "e.g."))
        };
        out.add(
            label,
            count(usize::try_from(c.count).unwrap_or(usize::MAX)),
            note,
        );
    }
    if capped.is_empty() {
        for line in lines {
            out.add(l("上限", "cap"), text(line.clone()), "");
        }
    }
    if capped.is_empty() && lines.is_empty() {
        out.add(
            l("无", "none"),
            Value::None,
            if input.summary.is_some() {
                l("没有抓取上限生效", "no crawl cap bit")
            } else {
                l(
                    "summary.json 缺失，无法列出",
                    "no summary.json to list them from",
                )
            },
        );
    }

    out.blank();
    out.section(l("说明", "Notes"));
    match &input.pages.sheet {
        PagesOutcome::TooMany(n) => out.add(
            sheet_label(lang, 3),
            text(l("未生成", "not written")),
            match lang {
                Lang::Zh => format!(
                    "本次运行有 {n} 个页面（{MAX_PAGES_SHEET} 个及以上不生成页面表），请查看 pages.csv"
                ),
                Lang::En => format!(
                    "this run has {n} pages (no pages sheet at {MAX_PAGES_SHEET} or more): see pages.csv"
                ),
            },
        ),
        PagesOutcome::Missing => out.add(
            sheet_label(lang, 3),
            text(l("未生成", "not written")),
            l("本次运行没有 pages.csv", "this run has no pages.csv"),
        ),
        PagesOutcome::Written(_) => {}
    }
    for (sheet, n) in fallback.iter().filter(|(_, n)| *n > 0) {
        out.add(
            sheet_label(lang, *sheet),
            count(*n),
            match lang {
                Lang::Zh => format!(
                    "个网址以文字显示（未设超链接）：本工作簿最多 {MAX_LINKS_PER_WORKBOOK} 个超链接（Excel 每表上限 {MAX_LINKS_PER_SHEET} 个）"
                ),
                Lang::En => format!(
                    "URLs written as text, not hyperlinks: at most {MAX_LINKS_PER_WORKBOOK} hyperlinks a workbook (Excel's limit: {MAX_LINKS_PER_SHEET} a sheet)"
                ),
            },
        );
    }
    out.add(
        l("数据", "Data"),
        text("findings.csv · columns.csv · pages.csv · links.csv"),
        l(
            "表中数值与同目录 CSV 文件一致；来自网站的文字一律按文本写入",
            "values are those of the CSV files next to this workbook; text from the site is written as text",
        ),
    );
}

/// `2026-11-27 03:15` from an RFC 3339 time (the text itself when it does not parse).
fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_the_diff_did_not_compare_is_not_called_new() {
        use crate::report::diff::{diff, tests::row, write_diff};
        let tmp = tempfile::tempdir().unwrap();
        let open = row("broken_link", "http://a/", "http://a/x", "2026-11-01");
        let new = row("broken_link", "http://a/", "http://a/n", "");
        let rows = diff(
            std::slice::from_ref(&open),
            &[open.clone(), new.clone()],
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        );
        write_diff(tmp.path(), &rows, Lang::Zh, true).unwrap();
        let side = DiffSide::read(&tmp.path().join(DIFF_CSV)).unwrap();
        assert_eq!(side.status_of(&open), Some(DiffStatus::Open));
        assert_eq!(side.status_of(&new), Some(DiffStatus::New));
        // Left out of diff.csv (the baseline did not read its page).
        let deeper = row("broken_link", "http://a/p/1.html", "http://a/y", "");
        assert_eq!(side.status_of(&deeper), None);
    }

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("通知公告"), 8);
        assert_eq!(display_width("ＡＢ"), 4);
        assert_eq!(display_width("政务公开 2026"), 13);
    }

    #[test]
    fn only_http_urls_within_excel_limits_are_links() {
        assert!(linkable("http://www.a.gov.cn/x?y=1#z"));
        assert!(linkable("https://www.a.gov.cn/%E6%94%BF"));
        for no in [
            "",
            "javascript:void(0)",
            "file:///C:/x.doc",
            "http//www.a.gov.cn/",
            "C:\\Users\\a.doc",
            "mailto:a@b.cn",
            "http://a b.gov.cn/",
        ] {
            assert!(!linkable(no), "{no}");
        }
        let long = format!("http://www.a.gov.cn/{}", "a".repeat(MAX_URL_CHARS));
        assert!(!linkable(&long));
        let edge = format!("http://a.cn/{}", "a".repeat(MAX_URL_CHARS - 12));
        assert_eq!(edge.len(), MAX_URL_CHARS);
        assert!(linkable(&edge));
    }

    #[test]
    fn long_text_is_cut_to_the_cell_limit() {
        let s = "政".repeat(MAX_CELL_CHARS + 5);
        let c = cell_text(&s);
        assert_eq!(c.encode_utf16().count(), MAX_CELL_CHARS);
        assert!(c.ends_with('…'));
        assert_eq!(cell_text("短"), "短");
        // Surrogate pairs count twice, as in Excel.
        let wide = "𠀀".repeat(MAX_CELL_CHARS / 2 + 3);
        assert!(cell_text(&wide).encode_utf16().count() <= MAX_CELL_CHARS);
    }
}
