//! report.html: one self-contained page per run (inline CSS and JS, no
//! network, opens from `file://`) for the webmaster.
//!
//! Input: the files of a run directory (findings.csv, summary.json,
//! columns.csv, pages.csv, diff.csv; only findings.csv is required) and,
//! optionally, the history database for the trend chart. Output: the HTML
//! text. Every string that comes from the site is HTML-escaped, and a URL
//! becomes a link only when it is http(s). With 100,000 findings the page
//! stays small: findings are grouped by target, and rows per table and pages
//! per group are capped with an "… and N more" note (the CSV files have all).
//!
//! Stable element ids (used by scripts/check-report-html.sh): `verdict`,
//! `counts`, `estimate`, `columns-table`, `worst-pages`, `findings-table`,
//! `trend`, `diff`, `caps`, `stopped`.

use super::Lang;
mod agg;

use super::diff::{DIFF_CSV, DiffStatus, FINDINGS_CSV, read_csv};
use super::error::ReportError;
use super::history::{History, RunInfo};
use super::rows::{FindingRow, PageRow, Row};
use super::summary::{SUMMARY_JSON, Summary, Verdict, VetoState};
use crate::check::columns::ColumnRow;
use crate::crawl::StopReason;
use crate::crawl::caps::Cap;
use crate::finding::{Certainty, FindingKind, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// File name of the report in a run directory.
pub const REPORT_HTML: &str = "report.html";

/// Most finding groups rendered (the rest are counted).
pub const MAX_GROUPS: usize = 2000;
/// Most pages listed under one group.
pub const MAX_PAGES_PER_GROUP: usize = 10;
/// Rows of the worst-pages table.
pub const MAX_WORST_PAGES: usize = 20;
/// Most rows of each diff table (new, fixed).
pub const MAX_DIFF_ROWS: usize = 500;
/// Past runs in the trend chart.
pub const TREND_RUNS: usize = 30;

macro_rules! w {
    ($($t:tt)*) => {{ let _ = write!($($t)*); }};
}

/// A row of columns.csv read back (same columns as [`ColumnRow`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ColumnRecord {
    /// Column name.
    pub column: String,
    /// Whether it was found.
    pub found: bool,
    /// Its URL.
    pub url: String,
    /// Items counted.
    pub items: usize,
    /// Newest item date.
    pub newest_date: String,
    /// Update window, days.
    pub window_days: u32,
    /// ok / missing / empty / stale / mixed / unchecked.
    pub status: String,
    /// Why unchecked, or what of the list could not be read (empty in runs before it existed).
    #[serde(default)]
    pub note: String,
}

impl Row for ColumnRecord {
    const EN: &'static [&'static str] = <ColumnRow as Row>::EN;
    const ZH: &'static [&'static str] = <ColumnRow as Row>::ZH;
}

/// HTML-escapes text for element content and quoted attributes.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A URL as a link when it is http(s), else as escaped text.
pub fn url_html(u: &str) -> String {
    if u.is_empty() {
        return String::new();
    }
    let is_web = url::Url::parse(u.trim()).is_ok_and(|p| matches!(p.scheme(), "http" | "https"));
    if is_web {
        format!(
            "<a class=\"url\" href=\"{0}\" rel=\"noopener noreferrer\" target=\"_blank\">{0}</a>",
            esc(u.trim())
        )
    } else {
        format!("<span class=\"url\">{}</span>", esc(u))
    }
}

struct L(Lang);

impl L {
    fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.0 {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    fn kind(&self, code: &str) -> String {
        match FindingKind::from_code(code) {
            Some(k) => match self.0 {
                Lang::Zh => k.zh().to_string(),
                Lang::En => kind_en(k).to_string(),
            },
            None => code.to_string(),
        }
    }

    fn severity(&self, code: &str) -> String {
        match (Severity::from_code(code), self.0) {
            (Some(s), Lang::Zh) => s.zh().to_string(),
            _ => code.to_string(),
        }
    }

    fn certainty(&self, code: &str) -> String {
        match (code, self.0) {
            ("confirmed", Lang::Zh) => Certainty::Confirmed.zh().to_string(),
            ("suspected", Lang::Zh) => Certainty::Suspected.zh().to_string(),
            _ => code.to_string(),
        }
    }

    fn column_status(&self, s: &str) -> String {
        let (zh, en) = match s {
            "ok" => ("正常", "ok"),
            "missing" => ("缺失", "missing"),
            "empty" => ("空白", "blank"),
            "stale" => ("未更新", "stale"),
            "mixed" => ("内容混杂", "mixed content"),
            other => (other, other),
        };
        self.t(zh, en).to_string()
    }
}

/// English name of a kind.
pub fn kind_en(k: FindingKind) -> &'static str {
    match k {
        FindingKind::BrokenLink => "Broken link",
        FindingKind::Soft404 => "Soft 404",
        FindingKind::WrongLink => "Wrong link",
        FindingKind::MissingAnchor => "Missing anchor",
        FindingKind::MixedContent => "Mixed content",
        FindingKind::RiskyExternal => "Risky external link",
        FindingKind::ColumnMissing => "Column missing",
        FindingKind::ColumnEmpty => "Blank column",
        FindingKind::ColumnStale => "Column not updated",
        FindingKind::ColumnMixed => "Mixed column content",
        FindingKind::ItemMissing => "Required item missing",
        FindingKind::PrivacyLeak => "Privacy leak",
        FindingKind::ForbiddenText => "Forbidden text",
        FindingKind::MissingAlt => "Accessibility",
        FindingKind::SlowPage => "Slow page",
        FindingKind::ReplyOverdue => "Message not answered in time",
        FindingKind::DateMismatch => "Publication date mismatch",
        FindingKind::GuideIncomplete => "Service guide incomplete",
    }
}

fn sev_rank(code: &str) -> u8 {
    match code {
        "error" => 2,
        "warning" => 1,
        _ => 0,
    }
}

fn kind_rank(code: &str) -> usize {
    FindingKind::from_code(code)
        .and_then(|k| FindingKind::ALL.iter().position(|x| *x == k))
        .unwrap_or(usize::MAX)
}

/// What findings are grouped by: kind and target; for findings without a
/// target (page text: privacy, forbidden words …), kind, page and matched text,
/// so that two different problems on one page stay two rows.
fn group_key<'a>(
    kind: &'a str,
    page: &'a str,
    target: &'a str,
    text: &'a str,
) -> (&'a str, &'a str, &'a str) {
    if target.is_empty() {
        (kind, page, text)
    } else {
        (kind, target, "")
    }
}

/// Everything read from a run directory.
struct RunData {
    dir: PathBuf,
    findings: agg::Findings,
    summary: Option<Summary>,
    columns: Option<Vec<ColumnRecord>>,
    titles: HashMap<String, String>,
    diff: Option<agg::Diff>,
    trend: Vec<RunInfo>,
}

fn load(run_dir: &Path, history: Option<&History>) -> Result<RunData, ReportError> {
    let findings_path = run_dir.join(FINDINGS_CSV);
    if !findings_path.is_file() {
        return Err(ReportError::NotARun {
            path: run_dir.to_path_buf(),
        });
    }
    // findings.csv and diff.csv are read row by row (see `agg`).
    let findings = agg::findings(&findings_path)?;
    let summary = if run_dir.join(SUMMARY_JSON).is_file() {
        Some(Summary::read(run_dir)?)
    } else {
        None
    };
    let columns_path = run_dir.join("columns.csv");
    let columns = if columns_path.is_file() {
        Some(read_csv::<ColumnRecord>(&columns_path)?)
    } else {
        None
    };
    let pages_path = run_dir.join("pages.csv");
    // Titles of the pages the report names: pages.csv is streamed, not held
    // (17 MB for 100,000 pages).
    let mut titles = HashMap::new();
    if pages_path.is_file() {
        let named: HashSet<&str> = findings.worst.iter().map(|(u, _)| u.as_str()).collect();
        crate::report::csv::for_each_row(&pages_path, |p: PageRow| {
            if !p.title.is_empty() && named.contains(p.url.as_str()) {
                titles.insert(p.url, p.title);
            }
        })
        .map_err(|e| ReportError::io(&pages_path, e))?;
    }
    let diff_path = run_dir.join(DIFF_CSV);
    let diff = if diff_path.is_file() {
        Some(agg::diff(&diff_path)?)
    } else {
        None
    };
    let site_id = summary.as_ref().map(|s| s.site_id.clone()).or_else(|| {
        run_dir
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    });
    let mut trend = match (history, &site_id) {
        (Some(h), Some(id)) => h.runs(id, TREND_RUNS)?,
        _ => Vec::new(),
    };
    // The current run, when the history does not have it yet.
    if let Some(s) = summary
        .as_ref()
        .filter(|s| !trend.iter().any(|r| r.run_id == s.run_id))
    {
        let sev = |n: &str| s.by_severity.get(n).copied().unwrap_or(0);
        trend.push(RunInfo {
            site_id: s.site_id.clone(),
            run_id: s.run_id.clone(),
            started: s.started.clone(),
            date: s.today.clone(),
            finished: Some(s.finished.clone()),
            findings: s.findings,
            errors: sev("error"),
            warnings: sev("warning"),
            infos: sev("info"),
            pages: s.pages,
            links: s.links,
            score: Some(s.estimate.score),
            verdict: None,
            new: s.diff.map(|d| d.new),
            fixed: s.diff.map(|d| d.fixed),
        });
        if trend.len() > TREND_RUNS {
            trend.remove(0);
        }
    }
    Ok(RunData {
        dir: run_dir.to_path_buf(),
        findings,
        summary,
        columns,
        titles,
        diff,
        trend,
    })
}

const CSS: &str = r#"
:root{--err:#c62828;--warn:#ef6c00;--info:#1565c0;--ok:#2e7d32;--bg:#f6f7f9;--line:#dde1e6}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:#1f2328;font:14px/1.55 "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","Source Han Sans SC",system-ui,sans-serif}
header,main{max-width:1320px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--line)}
.meta{color:#57606a;font-size:13px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:16px 0}
#verdict{display:flex;gap:22px;align-items:center;flex-wrap:wrap}
.badge{font-size:30px;font-weight:700;color:#fff;border-radius:10px;padding:10px 26px}
.pass{background:var(--ok)}.fail{background:var(--err)}.unknown{background:#6e7781}
.score{font-size:26px;font-weight:700}
.reasons{margin:6px 0 0;padding-left:20px;color:var(--err)}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 16px;min-width:120px}
.card b{display:block;font-size:24px}
.card.error b{color:var(--err)}.card.warning b{color:var(--warn)}.card.info b{color:var(--info)}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;position:sticky;top:0;white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th:after{content:" ⇅";color:#8c959f;font-size:11px}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n,td.d{white-space:nowrap}
tr.zero td{color:#8c959f}
.sev-error{color:var(--err);font-weight:600}.sev-warning{color:var(--warn);font-weight:600}.sev-info{color:var(--info)}
.st-ok{color:var(--ok)}.st-missing,.st-empty,.st-stale,.st-mixed{color:var(--err);font-weight:600}
.url{word-break:break-all}
a.url{color:#0550ae;text-decoration:none}a.url:hover{text-decoration:underline}
.rule{color:#57606a;font-size:12px}
.yes{color:var(--err);font-weight:700}.no{color:var(--ok)}
.vs-ok{color:var(--ok)}.vs-warning{color:var(--warn);font-weight:600}.vs-veto{color:var(--err);font-weight:700}.vs-unchecked{color:#57606a;font-weight:600}
.scope{font-size:18px;font-weight:600}
details summary{cursor:pointer;color:#0550ae}
details ul{margin:4px 0;padding-left:18px}
.more{color:#57606a;font-style:italic}
.filters{display:flex;gap:10px;flex-wrap:wrap;margin-bottom:10px}
.filters input,.filters select{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px}
.filters input{min-width:280px}
.note{color:#57606a;font-size:13px}
.charts{display:flex;gap:24px;flex-wrap:wrap}
.charts figure{margin:0}
.charts figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:11px;fill:#57606a}
.warnbox{background:#fff4e5;border:1px solid #ffb74d;border-radius:6px;padding:8px 12px;margin:8px 0}
"#;

const JS: &str = r#"
(function(){
  function key(td){
    if(!td) return '';
    var v = td.getAttribute('data-v');
    return v !== null ? v : td.textContent.trim();
  }
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('thead th').forEach(function(th, col){
      th.addEventListener('click', function(){
        var tbody = table.tBodies[0];
        if(!tbody) return;
        var asc = th.getAttribute('data-dir') !== 'asc';
        table.querySelectorAll('thead th').forEach(function(h){ h.removeAttribute('data-dir'); });
        th.setAttribute('data-dir', asc ? 'asc' : 'desc');
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function(a, b){
          var x = key(a.cells[col]), y = key(b.cells[col]);
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny) && String(nx) === x.replace(/^0+(?=\d)/, '') && String(ny) === y.replace(/^0+(?=\d)/, ''))
            ? nx - ny : x.localeCompare(y, 'zh');
          return asc ? c : -c;
        });
        rows.forEach(function(r){ tbody.appendChild(r); });
      });
    });
  });
  var text = document.getElementById('filter-text');
  var kind = document.getElementById('filter-kind');
  var sev = document.getElementById('filter-sev');
  var shown = document.getElementById('filter-count');
  function apply(){
    var table = document.getElementById('findings-table');
    if(!table || !table.tBodies[0]) return;
    var q = text ? text.value.trim().toLowerCase() : '';
    var k = kind ? kind.value : '';
    var s = sev ? sev.value : '';
    var n = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function(r){
      var ok = (!k || r.getAttribute('data-kind') === k) &&
               (!s || r.getAttribute('data-sev') === s) &&
               (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.style.display = ok ? '' : 'none';
      if(ok) n++;
    });
    if(shown) shown.textContent = n;
  }
  [text, kind, sev].forEach(function(el){ if(el){ el.addEventListener('input', apply); el.addEventListener('change', apply); } });
  // A filter or sort in the address: #q=TEXT&kind=CODE&sev=error&sort=COL (negative: descending).
  var h = new URLSearchParams(location.hash.replace(/^#/, ''));
  if(text && h.get('q')) text.value = h.get('q');
  if(kind && h.get('kind')) kind.value = h.get('kind');
  if(sev && h.get('sev')) sev.value = h.get('sev');
  apply();
  var sc = parseInt(h.get('sort'), 10);
  if(!isNaN(sc)){
    var th = document.querySelectorAll('#findings-table thead th')[Math.abs(sc)];
    if(th){ th.click(); if(sc < 0 || Object.is(sc, -0)) th.click(); }
  }
  document.body.setAttribute('data-ready', '1');
})();
"#;

/// Renders report.html of a run directory. `history` adds the trend of past runs.
pub fn render(
    run_dir: &Path,
    history: Option<&History>,
    lang: Lang,
) -> Result<String, ReportError> {
    let data = load(run_dir, history)?;
    Ok(render_data(&data, lang))
}

/// Renders and writes report.html into the run directory; returns its path.
pub fn write(
    run_dir: &Path,
    history: Option<&History>,
    lang: Lang,
) -> Result<PathBuf, ReportError> {
    let html = render(run_dir, history, lang)?;
    let path = run_dir.join(REPORT_HTML);
    let tmp = run_dir.join(".report.html.tmp");
    std::fs::write(&tmp, html).map_err(|e| ReportError::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| ReportError::io(&path, e))?;
    Ok(path)
}

fn render_data(d: &RunData, lang: Lang) -> String {
    let l = L(lang);
    let mut o = String::with_capacity(64 * 1024);
    let title = match &d.summary {
        Some(s) => format!("{} — {}", s.site_name, s.run_id),
        None => d.dir.display().to_string(),
    };
    w!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>{} · {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        l.t("zh-CN", "en"),
        esc(&title),
        l.t("网站检查报告", "site audit report"),
    );
    header(&mut o, d, &l);
    o.push_str("<main>\n");
    verdict(&mut o, d, &l);
    counts(&mut o, d, &l);
    estimate(&mut o, d, &l);
    diff_section(&mut o, d, &l);
    columns(&mut o, d, &l);
    worst_pages(&mut o, d, &l);
    findings(&mut o, d, &l);
    caps(&mut o, d, &l);
    trend(&mut o, d, &l);
    w!(
        o,
        "<p class=\"note\">{}</p>\n</main>\n<script>{JS}</script>\n</body>\n</html>\n",
        l.t(
            "本报告由 zwgk-audit 生成，离线可用；完整数据见同目录下的 CSV 文件（UTF-8 BOM，可用 Excel / WPS 打开）。估算仅覆盖爬虫可见的指标，不代替正式检查。",
            "Generated by zwgk-audit; works offline. Full data in the CSV files next to this page. The estimate covers only what a crawler can see and does not replace an official inspection."
        )
    );
    o
}

fn header(o: &mut String, d: &RunData, l: &L) {
    o.push_str("<header>\n");
    match &d.summary {
        Some(s) => {
            w!(
                o,
                "<h1>{} · {}</h1>\n<div class=\"meta\">{} {} · {} {} · {} {} · {}",
                esc(&s.site_name),
                l.t("网站检查报告", "Site audit report"),
                l.t("运行", "Run"),
                esc(&s.run_id),
                l.t("开始", "started"),
                esc(&local_time(&s.started)),
                l.t("用时", "took"),
                esc(&duration(s.duration_s, l)),
                s.homepage.first().map(|h| url_html(h)).unwrap_or_default(),
            );
            o.push_str("</div>\n");
        }
        None => {
            w!(o, "<h1>{}</h1>\n", l.t("网站检查报告", "Site audit report"));
            w!(
                o,
                "<div class=\"meta\">{}</div>\n",
                esc(&d.dir.display().to_string())
            );
        }
    }
    o.push_str("</header>\n");
}

/// `2026-11-27 03:15` from an RFC 3339 time (the text itself when it does not parse).
fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// `1 时 4 分 5 秒` / `1h 4m 5s`.
fn duration(secs: f64, l: &L) -> String {
    let s = secs.max(0.0).round() as u64;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    let (uh, um, us) = (l.t(" 时 ", "h "), l.t(" 分 ", "m "), l.t(" 秒", "s"));
    if h > 0 {
        format!("{h}{uh}{m}{um}{s}{us}")
    } else if m > 0 {
        format!("{m}{um}{s}{us}")
    } else {
        format!("{s}{us}")
    }
}

fn verdict(o: &mut String, d: &RunData, l: &L) {
    o.push_str("<section id=\"verdict\">\n");
    match &d.summary {
        Some(s) => {
            let e = &s.estimate;
            let cls = match e.verdict {
                Verdict::Pass => "pass",
                Verdict::Fail => "fail",
                Verdict::Partial => "unknown",
            };
            w!(
                o,
                "<div class=\"badge {cls}\" id=\"verdict-badge\">{}</div>\n<div>\n",
                esc(e.verdict.label(l.0)),
            );
            let statement = match l.0 {
                Lang::Zh => &s.scope.statement_zh,
                Lang::En => &s.scope.statement_en,
            };
            if !statement.is_empty() {
                // What the run covered: a partial run says so before any number.
                w!(
                    o,
                    "<div class=\"scope\" id=\"scope\">{}</div>\n",
                    esc(statement)
                );
            }
            if e.verdict == Verdict::Partial {
                w!(
                    o,
                    "<div class=\"meta\">{}</div>\n",
                    esc(&s.partial_counts_line(l.0))
                );
            } else {
                w!(
                    o,
                    "<div class=\"score\">{} {} / {}</div>\n",
                    l.t("估算得分", "Estimated score"),
                    e.score,
                    e.max_score
                );
            }
            if e.score_worst < e.score && e.verdict != Verdict::Partial {
                w!(
                    o,
                    "<div class=\"note\">{} {}</div>\n",
                    l.t(
                        "若疑似问题全部属实：",
                        "If every suspected link is confirmed:"
                    ),
                    e.score_worst
                );
            }
            let reasons = match l.0 {
                Lang::Zh => &e.reasons_zh,
                Lang::En => &e.reasons_en,
            };
            if !reasons.is_empty() {
                o.push_str("<ul class=\"reasons\">");
                for r in reasons {
                    w!(o, "<li>{}</li>", esc(r));
                }
                o.push_str("</ul>\n");
            }
            let (warnings, unchecked) = match l.0 {
                Lang::Zh => (&e.warnings_zh, &e.unchecked_zh),
                Lang::En => (&e.warnings_en, &e.unchecked_en),
            };
            if !warnings.is_empty() {
                w!(
                    o,
                    "<div class=\"vs-warning\" id=\"pre-warnings\">{}{}</div>\n",
                    l.t("预警：", "Pre-warning: "),
                    esc(&warnings.join(l.t("；", "; ")))
                );
            }
            if !unchecked.is_empty() {
                w!(
                    o,
                    "<div class=\"vs-unchecked\" id=\"unchecked\">{}{}</div>\n",
                    l.t("未检查的否决项：", "Veto items not checked: "),
                    esc(&unchecked.join(l.t("、", ", ")))
                );
            }
            if e.verdict != Verdict::Partial {
                w!(
                    o,
                    "<div class=\"meta\">{}</div>\n",
                    esc(&s.counts_line(l.0))
                );
            }
            if !s.complete {
                let why = match s.stopped {
                    Some(st) => {
                        let reason = match st.reason {
                            StopReason::Deadline => l.t(
                                "达到运行时限（--max-duration）",
                                "The run reached its deadline (--max-duration)",
                            ),
                            StopReason::Interrupted => {
                                l.t("运行被中断（Ctrl-C）", "The run was interrupted (Ctrl-C)")
                            }
                        };
                        format!(
                            "{reason}{}{}{}",
                            l.t("，尚有 ", "; "),
                            st.urls_left,
                            l.t(
                                " 个地址未检查，结果不完整；用 --resume 续跑可补全。",
                                " URL(s) were not checked and results are partial: --resume completes the run."
                            )
                        )
                    }
                    None => l
                        .t(
                            "本次运行未完成（被中断或达到上限），结果不完整。",
                            "This run did not complete (interrupted or a limit was reached); results are partial.",
                        )
                        .to_string(),
                };
                w!(
                    o,
                    "<div class=\"warnbox\" id=\"stopped\">{}</div>\n",
                    esc(&why)
                );
            }
            if let Some(p) = &s.proxy {
                w!(
                    o,
                    "<div class=\"meta\" id=\"name-resolution\">{} {}</div>\n",
                    l.t(
                        "经代理访问，域名由代理服务器解析：",
                        "Reached through a proxy, which resolved host names:"
                    ),
                    esc(&format!(
                        "{p}. {}",
                        l.t(
                            "私网地址防护只检查了 IP 地址形式的链接和映射的主机。",
                            "The private-address guard only checked IP-address links and mapped hosts."
                        )
                    ))
                );
            }
            o.push_str("</div>\n");
        }
        None => {
            w!(
                o,
                "<div class=\"badge unknown\" id=\"verdict-badge\">{}</div>\n<div class=\"warnbox\">{}</div>\n",
                l.t("未评定", "no verdict"),
                l.t(
                    "没有 summary.json（运行可能未完成），无法给出结论；以下为已写入的发现。",
                    "No summary.json (the run may not have finished): no verdict; below are the findings written so far."
                )
            );
        }
    }
    o.push_str("</section>\n");
}

fn counts(o: &mut String, d: &RunData, l: &L) {
    w!(
        o,
        "<h2>{}</h2>\n<section id=\"counts\">\n<div class=\"cards\">\n",
        l.t("问题统计", "Counts")
    );
    let sev = &d.findings.by_severity;
    w!(
        o,
        "<div class=\"card\"><span>{}</span><b id=\"count-total\">{}</b></div>\n",
        l.t("问题总数", "Findings"),
        d.findings.total
    );
    for s in ["error", "warning", "info"] {
        w!(
            o,
            "<div class=\"card {s}\"><span>{}</span><b id=\"count-{s}\">{}</b></div>\n",
            esc(&l.severity(s)),
            sev.get(s).copied().unwrap_or(0)
        );
    }
    if let Some(s) = &d.summary {
        for (label, n) in [
            (l.t("检查页面", "Pages"), s.pages),
            (l.t("链接数", "Links"), s.links),
            (l.t("检查网址", "URLs checked"), s.checked_urls),
        ] {
            w!(
                o,
                "<div class=\"card\"><span>{label}</span><b>{n}</b></div>\n"
            );
        }
    }
    o.push_str("</div>\n");
    // kind × severity
    let m = &d.findings.by_kind;
    w!(
        o,
        "<table class=\"sortable\" id=\"kind-table\"><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>\n",
        l.t("问题类型", "Kind"),
        l.t("代码", "Code"),
        esc(&l.severity("error")),
        esc(&l.severity("warning")),
        esc(&l.severity("info")),
        l.t("合计", "Total")
    );
    let mut codes: Vec<String> = FindingKind::ALL
        .iter()
        .map(|k| k.code().to_string())
        .collect();
    let mut unknown: Vec<&String> = m
        .keys()
        .filter(|k| FindingKind::from_code(k).is_none())
        .collect();
    unknown.sort();
    codes.extend(unknown.into_iter().cloned());
    for code in &codes {
        let c = m.get(code.as_str()).copied().unwrap_or([0; 3]);
        let total: usize = c.iter().sum();
        w!(
            o,
            "<tr{}><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            if total == 0 { " class=\"zero\"" } else { "" },
            esc(&l.kind(code)),
            esc(code),
            c[0],
            c[1],
            c[2],
            total
        );
    }
    o.push_str("</tbody></table>\n</section>\n");
}

fn estimate(o: &mut String, d: &RunData, l: &L) {
    let Some(s) = &d.summary else { return };
    let e = &s.estimate;
    w!(
        o,
        "<h2>{}</h2>\n<section id=\"estimate\">\n<p class=\"rule\">{}</p>\n",
        l.t(
            "国家检查指标估算",
            "Estimate under the national inspection indicators"
        ),
        esc(&e.rule)
    );
    w!(
        o,
        "<table id=\"deduction-table\"><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>\n",
        l.t("扣分项", "Deduction"),
        l.t("确定不可用链接", "Confirmed targets"),
        l.t("疑似", "Suspected"),
        l.t("每个扣分", "Points each"),
        l.t("上限", "Cap"),
        l.t("扣分", "Deducted"),
        l.t("依据", "Rule")
    );
    for x in &e.deductions {
        w!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\"><b>{}</b></td><td class=\"rule\">{}</td></tr>\n",
            esc(l.t(&x.name_zh, &x.name_en)),
            x.confirmed,
            x.suspected,
            x.points_each,
            x.cap,
            x.points,
            esc(&x.rule)
        );
    }
    w!(
        o,
        "<tr><td>{}</td><td></td><td></td><td></td><td class=\"n\">{}</td><td class=\"n\"><b>{}</b></td><td class=\"rule\">{}</td></tr>\n</tbody></table>\n",
        l.t("合计（链接可用性）", "Total (link availability)"),
        e.link_cap,
        e.total_deduction,
        esc(&e.link_cap_rule)
    );
    if !e.count_suspected {
        w!(
            o,
            "<p class=\"note\">{}</p>\n",
            l.t(
                "疑似问题（超时、5xx、防火墙拦截等）不计入估算，请人工核实。同一目标链接只计一次；首页已计的链接在其他页面不再重复计。",
                "Suspected links (timeouts, 5xx, firewall blocks) are not counted: check them by hand. One target counts once; a target counted on the homepage is not counted again on other pages."
            )
        );
    }
    veto_table(o, s, l);
    availability(o, s, l);
    o.push_str("</section>\n");
}

/// The veto table: every veto item with its state (ok / pre-warning / veto /
/// not checked), value, lines, evidence and rule.
fn veto_table(o: &mut String, s: &Summary, l: &L) {
    let e = &s.estimate;
    w!(
        o,
        "<table id=\"veto-table\"><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        l.t("单项否决项", "Veto item"),
        l.t("状态", "State"),
        l.t("当前", "Value"),
        l.t("否决线（预警线）", "Veto line (pre-warning)"),
        l.t("说明", "Evidence"),
        l.t("依据", "Rule")
    );
    let days = l.t("天", "days");
    for v in &e.vetoes {
        // Summaries written before states existed: a triggered item is a veto.
        let state = if v.triggered {
            VetoState::Veto
        } else {
            v.state
        };
        let avail = s.veto_input.availability.as_ref();
        let value = match v.id.as_str() {
            "availability" => match avail {
                Some(a) => format!(
                    "{}/{} ({}%)",
                    a.failures,
                    a.visits,
                    (a.rate * 1000.0).round() / 10.0
                ),
                None => "—".into(),
            },
            "homepage_stale" => match s.veto_input.homepage_age_days {
                Some(age) => format!("{age} {days}"),
                // A homepage judged without any dated item only when vetoed.
                None if state == VetoState::Veto => l.t("无日期", "undated").into(),
                None => "—".into(),
            },
            // 互动回应差 without any channel: no count behind the veto.
            "reply_overdue" if state == VetoState::Veto && s.veto_input.reply_overdue.is_none() => {
                l.t("无渠道", "no channel").into()
            }
            _ if state == VetoState::Unchecked && v.value == 0 => "—".into(),
            _ => v.value.to_string(),
        };
        let threshold = match v.id.as_str() {
            "availability" => match avail {
                Some(a) => format!(
                    "≥ {}% ({}%)",
                    (a.veto_rate * 1000.0).round() / 10.0,
                    (a.warning_rate * 1000.0).round() / 10.0
                ),
                None => v
                    .window_days
                    .map(|d| format!("{d} {days}"))
                    .unwrap_or_default(),
            },
            "homepage_stale" => {
                let w = v.window_days.unwrap_or_default();
                match v.warning {
                    Some(pw) => format!("> {w} {days} (> {pw})"),
                    None => format!("> {w} {days}"),
                }
            }
            _ => match v.warning {
                Some(pw) => format!("≥ {} (≥ {pw})", v.threshold),
                None => format!("≥ {}", v.threshold),
            },
        };
        w!(
            o,
            "<tr data-veto=\"{}\" data-state=\"{}\"><td>{}</td><td class=\"vs-{}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"rule\">{}</td></tr>\n",
            esc(&v.id),
            state.code(),
            esc(l.t(&v.name_zh, &v.name_en)),
            state.code(),
            esc(state.label(l.0)),
            esc(&value),
            esc(&threshold),
            esc(l.t(&v.note_zh, &v.note_en)),
            esc(&v.rule)
        );
    }
    o.push_str("</tbody></table>\n");
}

/// The probe's visits of the homepage over the window: per day, and the failed ones.
fn availability(o: &mut String, s: &Summary, l: &L) {
    let Some(a) = &s.veto_input.availability else {
        return;
    };
    w!(
        o,
        "<h3 id=\"availability\">{} {} – {}</h3>\n",
        l.t(
            "首页可访问性（zwgk-audit probe）",
            "Homepage availability (zwgk-audit probe)"
        ),
        esc(&a.from),
        esc(&a.to)
    );
    w!(
        o,
        "<table id=\"availability-table\"><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>\n",
        l.t("日期", "Date"),
        l.t("访问次数", "Visits"),
        l.t("失败", "Failed")
    );
    for d in &a.per_day {
        let short = d.visits < a.min_daily_visits as usize;
        w!(
            o,
            "<tr{}><td>{}</td><td class=\"n\">{}{}</td><td class=\"n\">{}</td></tr>\n",
            if short { " class=\"zero\"" } else { "" },
            esc(&d.date),
            d.visits,
            if short {
                format!(" (< {})", a.min_daily_visits)
            } else {
                String::new()
            },
            d.failures
        );
    }
    w!(
        o,
        "<tr><td><b>{}</b></td><td class=\"n\"><b>{}</b></td><td class=\"n\"><b>{}</b></td></tr>\n</tbody></table>\n",
        l.t("合计", "Total"),
        a.visits,
        a.failures
    );
    if a.failed.is_empty() {
        return;
    }
    w!(
        o,
        "<table id=\"failed-visits\"><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>\n",
        l.t("时间", "Time"),
        l.t("网址", "URL"),
        l.t("用时 (ms)", "Took (ms)"),
        l.t("原因", "Reason")
    );
    for v in &a.failed {
        w!(
            o,
            "<tr><td class=\"d\">{}</td><td class=\"url\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            esc(&local_time(&v.at)),
            url_html(&v.url),
            v.elapsed_ms,
            esc(&v.reason)
        );
    }
    o.push_str("</tbody></table>\n");
    if a.failures > a.failed.len() {
        more(o, l, a.failures, a.failed.len(), "history.sqlite");
    }
}

fn diff_section(o: &mut String, d: &RunData, l: &L) {
    let Some(diff) = &d.diff else { return };
    let count = |s: DiffStatus| diff.counts.get(&s).copied().unwrap_or(0);
    let prev = d
        .summary
        .as_ref()
        .and_then(|s| s.previous_run.clone())
        .unwrap_or_default();
    w!(
        o,
        "<h2>{}</h2>\n<section id=\"diff\">\n",
        l.t("与上次运行比较", "Changes since the previous run")
    );
    if !prev.is_empty() {
        w!(
            o,
            "<p class=\"note\">{} {}</p>\n",
            l.t("上次运行：", "Previous run:"),
            esc(&prev)
        );
    }
    o.push_str("<div class=\"cards\">");
    for (st, cls) in [
        (DiffStatus::New, "error"),
        (DiffStatus::Fixed, "info"),
        (DiffStatus::Open, "warning"),
    ] {
        w!(
            o,
            "<div class=\"card {cls}\"><span>{}</span><b id=\"diff-{}\">{}</b></div>",
            esc(st.label(l.0)),
            st.code(),
            count(st)
        );
    }
    o.push_str("</div>\n");
    for st in [DiffStatus::New, DiffStatus::Fixed] {
        // Grouped by kind and target, like the findings table.
        let groups = diff.groups.get(&st).map(Vec::as_slice).unwrap_or_default();
        if groups.is_empty() {
            continue;
        }
        let total = diff.group_totals.get(&st).copied().unwrap_or(groups.len());
        w!(
            o,
            "<details{}><summary>{} ({})</summary>\n<table class=\"sortable\" id=\"diff-{}-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th></tr></thead><tbody>\n",
            if st == DiffStatus::New { " open" } else { "" },
            esc(st.label(l.0)),
            count(st),
            st.code(),
            l.t("问题类型", "Kind"),
            l.t("目标链接 / 对象", "Target"),
            l.t("问题描述", "Detail"),
            l.t("页面数", "Pages"),
            l.t("所在页面", "Pages carrying it"),
            l.t("首次发现", "First seen"),
            l.t("持续天数", "Days open"),
        );
        for g in groups {
            let r = &g.first;
            let target = if r.target_url.is_empty() {
                &r.page_url
            } else {
                &r.target_url
            };
            w!(
                o,
                "<tr><td class=\"sev-{}\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>",
                esc(&r.severity),
                esc(&l.kind(&r.kind)),
                url_html(target),
                esc(&r.detail),
                g.count,
            );
            page_items(o, l, &g.items, g.count);
            w!(
                o,
                "</td><td class=\"d\">{}</td><td class=\"n\">{}</td></tr>\n",
                esc(&r.first_seen),
                r.days_open
            );
        }
        o.push_str("</tbody></table>\n");
        more(o, l, total, MAX_DIFF_ROWS, "diff.csv");
        o.push_str("</details>\n");
    }
    o.push_str("</section>\n");
}

fn more(o: &mut String, l: &L, total: usize, shown: usize, file: &str) {
    if total > shown {
        w!(
            o,
            "<p class=\"more\">{} {} {}{}</p>\n",
            l.t("… 另有", "… and"),
            total - shown,
            l.t("条未显示，完整列表见 ", "more, see "),
            esc(file)
        );
    }
}

/// Most URLs shown per cap (summary.json keeps more).
pub const MAX_CAP_URLS_SHOWN: usize = 200;

fn cap_label(l: &L, cap: Cap) -> &'static str {
    match cap {
        Cap::PageSize => l.t("页面大小上限", "Page size cap"),
        Cap::Links => l.t("每页链接数上限", "Links per page cap"),
        Cap::Nesting => l.t("嵌套层数上限", "Nesting cap"),
        Cap::Depth => l.t("链接深度上限", "Depth cap"),
        Cap::Pattern => l.t("同类地址数上限", "URL pattern cap"),
        Cap::Token => l.t("会话令牌网址数上限", "Session token cap"),
        Cap::Pages => l.t("页面总数上限", "Page cap"),
        Cap::Anchors => l.t("每页锚点数上限", "Anchors per page cap"),
        Cap::CssUrls => l.t("样式表地址数上限", "Stylesheet URL cap"),
        Cap::PaginationPages => l.t("分页页数上限", "Pagination pages cap"),
        Cap::HanwebRecords => l.t("数据记录数上限", "Datastore records cap"),
        Cap::AnchorStore => l.t("锚点存储上限", "Anchor store cap"),
        Cap::ListFeed => l.t("栏目列表请求数上限", "List feed cap"),
        Cap::ScriptCalls => l.t("脚本数据调用数上限", "Script data call cap"),
    }
}

/// Every URL at which a cap bit (from summary.json).
fn caps(o: &mut String, d: &RunData, l: &L) {
    let Some(s) = &d.summary else { return };
    if s.capped.is_empty() {
        return;
    }
    let kept = crate::crawl::caps::MAX_URLS_PER_CAP;
    let intro = match l.0 {
        Lang::Zh => format!(
            "以下地址处爬虫触及了上限：页面只读了一部分、未被爬取或被跳过。每类上限在 summary.json 中最多列出 {kept} 个地址。"
        ),
        Lang::En => format!(
            "At these URLs a crawl limit bit: a page was read in part, checked but not crawled, or skipped. summary.json lists up to {kept} URLs per cap."
        ),
    };
    w!(
        o,
        "<h2>{}</h2>\n<section id=\"caps\">\n<p class=\"note\">{}</p>\n",
        l.t("触及的上限", "Caps that bit"),
        esc(&intro)
    );
    for c in &s.capped {
        let pattern = c
            .pattern
            .as_deref()
            .map(|p| format!(" · {}", esc(p)))
            .unwrap_or_default();
        w!(
            o,
            "<details class=\"cap\" data-cap=\"{}\"><summary>{}{} ({})</summary>\n<p class=\"note\">{}</p><ul>",
            c.cap.code(),
            esc(cap_label(l, c.cap)),
            pattern,
            c.count,
            esc(&c.what)
        );
        if let Some(re) = &c.exclude {
            w!(
                o,
                "<p class=\"note trap\">{} <code>exclude = ['{}']</code></p>",
                l.t(
                    "每晚都触及（日历、搜索页等陷阱）？在规则的 exclude 中加入：",
                    "Bites every night (a calendar, a search page)? Exclude the trap in the rules:"
                ),
                esc(re)
            );
        }
        for u in c.urls.iter().take(MAX_CAP_URLS_SHOWN) {
            w!(o, "<li>{}", url_html(&u.url));
            if let Some(n) = &u.note {
                w!(o, " <span class=\"note\">{}</span>", esc(n));
            }
            o.push_str("</li>");
        }
        o.push_str("</ul>\n");
        let shown = c.urls.len().min(MAX_CAP_URLS_SHOWN) as u64;
        if c.count > shown {
            let rest = match l.0 {
                Lang::Zh => format!("个地址未显示（summary.json 列出前 {kept} 个）"),
                Lang::En => format!("more URL(s) (summary.json lists the first {kept})"),
            };
            w!(
                o,
                "<p class=\"more\">{} {} {}</p>\n",
                l.t("… 另有", "… and"),
                c.count - shown,
                esc(&rest)
            );
        }
        o.push_str("</details>\n");
    }
    o.push_str("</section>\n");
}

fn columns(o: &mut String, d: &RunData, l: &L) {
    let Some(cols) = &d.columns else { return };
    w!(
        o,
        "<h2>{}</h2>\n<section>\n<table class=\"sortable\" id=\"columns-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>\n",
        l.t("栏目状态", "Required columns"),
        l.t("栏目", "Column"),
        l.t("状态", "Status"),
        l.t("栏目地址", "URL"),
        l.t("条目数", "Items"),
        l.t("最新日期", "Newest item"),
        l.t("更新周期（天）", "Window (days)"),
        l.t("是否找到", "Found"),
    );
    if cols.is_empty() {
        w!(
            o,
            "<tr><td colspan=\"7\" class=\"note\">{}</td></tr>\n",
            l.t(
                "规则未列出必设栏目。",
                "The rules list no required columns."
            )
        );
    }
    for c in cols {
        w!(
            o,
            "<tr><td>{}</td><td class=\"st-{}\">{}{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            esc(&c.column),
            esc(&c.status),
            esc(&l.column_status(&c.status)),
            if c.note.is_empty() {
                String::new()
            } else {
                format!("<br><small>{}</small>", esc(&c.note))
            },
            url_html(&c.url),
            c.items,
            esc(&c.newest_date),
            c.window_days,
            if c.found {
                l.t("是", "yes")
            } else {
                l.t("否", "no")
            }
        );
    }
    o.push_str("</tbody></table>\n</section>\n");
}

fn worst_pages(o: &mut String, d: &RunData, l: &L) {
    let v = &d.findings.worst;
    if v.is_empty() {
        return;
    }
    w!(
        o,
        "<h2>{}</h2>\n<section>\n<table class=\"sortable\" id=\"worst-pages\"><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>\n",
        l.t("问题最多的页面", "Worst pages"),
        l.t("页面", "Page"),
        l.t("标题", "Title"),
        esc(&l.severity("error")),
        esc(&l.severity("warning")),
        esc(&l.severity("info")),
        l.t("合计", "Total"),
    );
    for (url, c) in v {
        w!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            url_html(url),
            esc(d.titles.get(url).map(String::as_str).unwrap_or("")),
            c[0],
            c[1],
            c[2],
            c.iter().sum::<usize>()
        );
    }
    o.push_str("</tbody></table>\n");
    more(
        o,
        l,
        d.findings.worst_total,
        MAX_WORST_PAGES,
        "findings.csv",
    );
    o.push_str("</section>\n");
}

fn findings(o: &mut String, d: &RunData, l: &L) {
    let groups = &d.findings.groups;
    let group_total = d.findings.group_total;
    w!(
        o,
        "<h2>{}</h2>\n<section>\n<p class=\"note\">{}</p>\n",
        l.t("问题明细（按目标链接归并）", "Findings, grouped by target"),
        l.t(
            "同一目标链接出现在多个页面时合并为一行，点击“页面”展开所在页面。点击表头排序。",
            "A target found on many pages is one row; open “pages” to see them. Click a header to sort."
        )
    );
    // Filters
    let kinds = &d.findings.kinds;
    w!(
        o,
        "<div class=\"filters\"><input id=\"filter-text\" type=\"search\" placeholder=\"{}\"><select id=\"filter-kind\"><option value=\"\">{}</option>",
        l.t("搜索链接、页面、描述…", "Search URL, page, detail…"),
        l.t("全部类型", "All kinds")
    );
    for k in kinds {
        w!(
            o,
            "<option value=\"{}\">{}</option>",
            esc(k),
            esc(&l.kind(k))
        );
    }
    w!(
        o,
        "</select><select id=\"filter-sev\"><option value=\"\">{}</option>",
        l.t("全部严重程度", "All severities")
    );
    for s in ["error", "warning", "info"] {
        w!(o, "<option value=\"{s}\">{}</option>", esc(&l.severity(s)));
    }
    let shown = groups.len();
    w!(
        o,
        "</select><span class=\"note\">{} <b id=\"filter-count\">{shown}</b> / {}</span></div>\n",
        l.t("显示", "Showing"),
        group_total
    );
    w!(
        o,
        "<table class=\"sortable\" id=\"findings-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">HTTP</th><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        l.t("问题类型", "Kind"),
        l.t("严重程度", "Severity"),
        l.t("确定性", "Certainty"),
        l.t("目标链接 / 对象", "Target"),
        l.t("问题描述", "Detail"),
        l.t("页面数", "Pages"),
        l.t("首次发现", "First seen"),
        l.t("所在页面", "Pages carrying it"),
    );
    for g in groups {
        let f = &g.first;
        let certainty = if g.confirmed {
            "confirmed"
        } else {
            "suspected"
        };
        let target = if f.target_url.is_empty() {
            &f.page_url
        } else {
            &f.target_url
        };
        let mut detail = esc(&f.detail);
        if !f.column.is_empty() {
            w!(detail, " <span class=\"rule\">[{}]</span>", esc(&f.column));
        }
        w!(
            o,
            "<tr data-kind=\"{}\" data-sev=\"{}\"><td>{}</td><td class=\"sev-{}\" data-v=\"{}\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"d\">{}</td><td>",
            esc(&f.kind),
            esc(&g.severity),
            esc(&l.kind(&f.kind)),
            esc(&g.severity),
            sev_rank(&g.severity),
            esc(&l.severity(&g.severity)),
            esc(&l.certainty(certainty)),
            url_html(target),
            f.http_status.map(|s| s.to_string()).unwrap_or_default(),
            detail,
            g.count,
            esc(&g.first_seen),
        );
        pages_list(o, l, g);
        o.push_str("</td></tr>\n");
    }
    o.push_str("</tbody></table>\n");
    if d.findings.total == 0 {
        w!(
            o,
            "<p class=\"note\">{}</p>\n",
            l.t("未发现问题。", "No findings.")
        );
    }
    if group_total > MAX_GROUPS {
        w!(
            o,
            "<p class=\"more\">{} {} {}</p>\n",
            l.t("… 另有", "… and"),
            group_total - MAX_GROUPS,
            l.t(
                "组未显示（按严重程度和页面数排序），完整列表见 findings.csv",
                "more groups not shown (sorted by severity and pages); see findings.csv"
            )
        );
    }
    o.push_str("</section>\n");
}

fn pages_list(o: &mut String, l: &L, g: &agg::Shown<FindingRow>) {
    if g.first.target_url.is_empty() {
        // The target column already is the page.
        w!(
            o,
            "<span class=\"note\">{}</span>",
            l.t("本页", "this page")
        );
        return;
    }
    page_items(o, l, &g.items, g.count);
}

/// An expandable list of the first [`MAX_PAGES_PER_GROUP`] (page, link
/// text, element) of `total`.
fn page_items(o: &mut String, l: &L, items: &[agg::Item], total: usize) {
    w!(
        o,
        "<details><summary>{} {}</summary><ul>",
        total,
        l.t("个页面", if total == 1 { "page" } else { "pages" })
    );
    for (page, text, element) in items.iter().take(MAX_PAGES_PER_GROUP) {
        w!(o, "<li>{}", url_html(page));
        if !text.is_empty() {
            w!(o, " — “{}”", esc(text));
        }
        if !element.is_empty() {
            w!(o, " <code>{}</code>", esc(element));
        }
        o.push_str("</li>");
    }
    if total > MAX_PAGES_PER_GROUP {
        w!(
            o,
            "<li class=\"more\">{} {} {}</li>",
            l.t("… 另有", "… and"),
            total - MAX_PAGES_PER_GROUP,
            l.t("个页面", "more")
        );
    }
    o.push_str("</ul></details>");
}

/// The smallest 1, 2 or 5 × 10^k at or above `x` (at least 1).
fn nice_step(x: f64) -> f64 {
    if !(x.is_finite() && x > 1.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * p)
}

/// A small line chart as inline SVG. `series`: (label, colour, values).
fn line_chart(
    id: &str,
    caption: &str,
    dates: &[String],
    series: &[(&str, &str, Vec<Option<f64>>)],
    y_max: Option<f64>,
    guide: Option<(f64, &str)>,
) -> String {
    const W: f64 = 580.0;
    const H: f64 = 220.0;
    const PL: f64 = 44.0;
    const PR: f64 = 12.0;
    const PT: f64 = 12.0;
    const PB: f64 = 40.0;
    let max = y_max.unwrap_or_else(|| {
        let top = series
            .iter()
            .flat_map(|s| s.2.iter().flatten().copied())
            .fold(0.0_f64, f64::max);
        nice_step(top / 4.0) * 4.0
    });
    let n = dates.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            PL + (W - PL - PR) / 2.0
        } else {
            PL + (W - PL - PR) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| PT + (H - PT - PB) * (1.0 - (v / max).clamp(0.0, 1.0));
    let mut s = String::new();
    w!(
        s,
        "<figure id=\"{id}\"><figcaption>{}</figcaption><svg width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\">",
        esc(caption),
        esc(caption)
    );
    // axes and grid
    for i in 0..=4 {
        let v = max * i as f64 / 4.0;
        let yy = y(v);
        w!(
            s,
            "<line x1=\"{PL}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e5e8eb\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - PR,
            PL - 6.0,
            yy + 4.0,
            if max >= 10.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        );
    }
    if let Some((g, label)) = guide {
        let yy = y(g);
        w!(
            s,
            "<line x1=\"{PL}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" style=\"fill:#c62828\">{}</text>",
            W - PR,
            W - PR,
            yy - 4.0,
            esc(label)
        );
    }
    let step = (n / 8).max(1);
    for (i, d) in dates.iter().enumerate() {
        if i % step == 0 || i == n - 1 {
            w!(
                s,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"{}\">{}</text>",
                x(i),
                H - PB + 16.0,
                match i {
                    _ if n == 1 => "middle",
                    0 => "start",
                    _ if i == n - 1 => "end",
                    _ => "middle",
                },
                esc(d.get(5..).unwrap_or(d))
            );
        }
    }
    let mut legend_x = PL;
    for (label, colour, values) in series {
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        if pts.len() > 1 {
            w!(
                s,
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
                pts.join(" ")
            );
        }
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                w!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"><title>{} {}: {}</title></circle>",
                    x(i),
                    y(*v),
                    esc(dates.get(i).map(String::as_str).unwrap_or("")),
                    esc(label),
                    v
                );
            }
        }
        w!(
            s,
            "<rect x=\"{legend_x:.1}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
            H - 14.0,
            legend_x + 14.0,
            H - 5.0,
            esc(label)
        );
        legend_x += 110.0;
    }
    s.push_str("</svg></figure>");
    s
}

fn trend(o: &mut String, d: &RunData, l: &L) {
    w!(
        o,
        "<h2>{}</h2>\n<section id=\"trend\">\n",
        l.t("历次运行趋势", "Trend over past runs")
    );
    if d.trend.len() < 2 {
        w!(
            o,
            "<p class=\"note\">{}</p>\n",
            l.t(
                "历史记录中的运行少于两次，暂无趋势。",
                "Fewer than two runs in the history: no trend yet."
            )
        );
    }
    if !d.trend.is_empty() {
        let dates: Vec<String> = d.trend.iter().map(|r| r.date.clone()).collect();
        let errors: Vec<Option<f64>> = d.trend.iter().map(|r| Some(r.errors as f64)).collect();
        let warnings: Vec<Option<f64>> = d.trend.iter().map(|r| Some(r.warnings as f64)).collect();
        let scores: Vec<Option<f64>> = d.trend.iter().map(|r| r.score).collect();
        let (max_score, pass) = d
            .summary
            .as_ref()
            .map(|s| (s.estimate.max_score, s.estimate.pass_score))
            .unwrap_or((100.0, 60.0));
        o.push_str("<div class=\"charts\">");
        o.push_str(&line_chart(
            "trend-findings",
            l.t("问题数量", "Findings"),
            &dates,
            &[
                (&l.severity("error"), "#c62828", errors),
                (&l.severity("warning"), "#ef6c00", warnings),
            ],
            None,
            None,
        ));
        let pass_label = format!("{} {pass}", l.t("合格线", "pass mark"));
        o.push_str(&line_chart(
            "trend-score",
            l.t("估算得分", "Estimated score"),
            &dates,
            &[(l.t("得分", "score"), "#1565c0", scores)],
            Some(max_score.max(1.0)),
            Some((pass, &pass_label)),
        ));
        o.push_str("</div>\n");
        w!(
            o,
            "<table class=\"sortable\" id=\"runs-table\"><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>\n",
            l.t("日期", "Date"),
            l.t("运行", "Run"),
            esc(&l.severity("error")),
            esc(&l.severity("warning")),
            l.t("新增", "New"),
            l.t("已修复", "Fixed"),
            l.t("页面", "Pages"),
            l.t("得分", "Score"),
        );
        for r in d.trend.iter().rev() {
            let opt = |v: Option<usize>| v.map(|n| n.to_string()).unwrap_or_default();
            w!(
                o,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                esc(&r.date),
                esc(&r.run_id),
                r.errors,
                r.warnings,
                opt(r.new),
                opt(r.fixed),
                r.pages,
                r.score.map(|s| s.to_string()).unwrap_or_default()
            );
        }
        o.push_str("</tbody></table>\n");
    }
    o.push_str("</section>\n");
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::csv::CsvWriter;
    use crate::report::diff::{FINDINGS_CSV, diff, tests::row, write_diff};
    use crate::report::summary::{RunMeta, VetoInput};
    use crate::rules::scoring::ScoringSection;
    use chrono::{Local, TimeZone};

    fn write_csv<R: Row>(path: &Path, rows: &[R], lang: Lang) {
        let f = std::fs::File::create(path).unwrap();
        let mut w = CsvWriter::<_, R>::new(f, lang, true).unwrap();
        for r in rows {
            w.write(r).unwrap();
        }
        w.flush().unwrap();
    }

    /// A week of 48 probe visits a day, 12 of them failed (3.6 %: the pre-warning).
    fn sample_availability() -> crate::probe::Availability {
        let rule = ScoringSection::default().veto.availability;
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let mut visits = Vec::new();
        for day in 20..=26 {
            for i in 0..48u32 {
                let failed = (day == 22 && i < 10) || (day == 25 && i < 2);
                visits.push(crate::probe::Visit {
                    url: "https://www.example.gov.cn/".into(),
                    at: format!("2026-11-{day}T{:02}:{:02}:00+08:00", i / 2, i % 2 * 30),
                    date: format!("2026-11-{day}"),
                    home: true,
                    ok: !failed,
                    status: (!failed).then_some(200),
                    elapsed_ms: if failed { 15_000 } else { 180 },
                    reason: if day == 25 {
                        "HTTP 503 <b>".into()
                    } else if failed {
                        "timeout: not open within 15 s (未在 15 秒内打开)".into()
                    } else {
                        String::new()
                    },
                });
            }
        }
        crate::probe::Availability::from_visits(&visits, today, &rule)
    }

    /// Builds a run directory like a crawl would leave it; returns its path.
    pub(crate) fn sample_run(root: &Path, n_pages_broken: usize) -> PathBuf {
        let dir = root.join("reports/example/20261127-031500");
        std::fs::create_dir_all(&dir).unwrap();
        let home = "https://www.example.gov.cn/";
        let mut rows = Vec::new();
        rows.push(row(
            "broken_link",
            home,
            "https://www.example.gov.cn/old/notice.pdf",
            "2026-11-01",
        ));
        for i in 0..n_pages_broken {
            let mut r = row(
                "broken_link",
                &format!("https://www.example.gov.cn/xxgk/{i}.html"),
                "https://www.example.gov.cn/images/logo_old.png",
                "2026-11-20",
            );
            r.element = "img@src".into();
            rows.push(r);
        }
        let mut evil = row(
            "soft_404",
            "https://www.example.gov.cn/xxgk/tzgg/index.html",
            "https://www.example.gov.cn/x?a=\"><script>alert(1)</script>",
            "",
        );
        evil.link_text = "<script>alert('xss')</script>通知".into();
        evil.detail = "页面不存在 <b>".into();
        evil.certainty = "suspected".into();
        rows.push(evil);
        let mut js = row(
            "wrong_link",
            "https://www.example.gov.cn/a.html",
            "javascript:alert(1)",
            "",
        );
        js.kind_name = "错链".into();
        rows.push(js);
        let mut stale = row(
            "column_stale",
            "https://www.example.gov.cn/xxgk/tzgg/",
            "",
            "",
        );
        stale.column = "通知公告".into();
        stale.detail = "最新条目 2025-01-02，超过 183 天".into();
        stale.http_status = None;
        stale.kind_name = "栏目不更新".into();
        rows.push(stale);
        let mut alt = row(
            "missing_alt",
            "https://www.example.gov.cn/a.html",
            "https://www.example.gov.cn/i.png",
            "",
        );
        alt.severity = "warning".into();
        rows.push(alt);
        write_csv(&dir.join(FINDINGS_CSV), &rows, Lang::Zh);
        let cols = vec![
            ColumnRow {
                column: "通知公告".into(),
                found: true,
                url: "https://www.example.gov.cn/xxgk/tzgg/".into(),
                items: 12,
                newest_date: "2025-01-02".into(),
                window_days: 183,
                status: "stale".into(),
                note: String::new(),
            },
            ColumnRow {
                column: "政府信息公开年报".into(),
                found: false,
                ..Default::default()
            },
        ];
        write_csv(&dir.join("columns.csv"), &cols, Lang::Zh);
        let pages = vec![PageRow {
            url: "https://www.example.gov.cn/xxgk/0.html".into(),
            http_status: Some(200),
            content_type: "text/html".into(),
            charset: "utf-8".into(),
            depth: 1,
            bytes: 1000,
            elapsed_ms: 30,
            title: "信息公开 <i>".into(),
            error: String::new(),
        }];
        write_csv(&dir.join("pages.csv"), &pages, Lang::Zh);
        let meta = RunMeta {
            site_name: "示例市知识产权局 <b>".into(),
            site_id: "example".into(),
            run_id: "20261127-031500".into(),
            started: Local.with_ymd_and_hms(2026, 11, 27, 3, 15, 0).unwrap(),
            finished: Local.with_ymd_and_hms(2026, 11, 27, 3, 31, 5).unwrap(),
            homepage: vec![home.into()],
            pages: 420,
            links: 9000,
            checked_urls: 2100,
            fail_on: "error".into(),
            complete: true,
            scope: Default::default(),
            stopped: None,
            capped: Vec::new(),
        };
        let veto = VetoInput {
            stale_dynamic_notice_policy: 1,
            blank_columns: 0,
            availability: Some(sample_availability()),
            ..Default::default()
        };
        let mut s = Summary::build(&meta, &rows, &veto, &ScoringSection::default());
        let prev = vec![
            row(
                "broken_link",
                home,
                "https://www.example.gov.cn/old/notice.pdf",
                "2026-11-01",
            ),
            row(
                "broken_link",
                home,
                "https://www.example.gov.cn/fixed.html",
                "2026-11-01",
            ),
        ];
        let d = diff(
            &prev,
            &rows,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        );
        write_diff(&dir, &d, Lang::Zh, true).unwrap();
        s.apply_diff(Some("20261126-031500"), &d);
        s.write(&dir).unwrap();
        dir
    }

    #[test]
    fn report_has_the_stable_ids_and_escapes_site_strings() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = sample_run(tmp.path(), 300);
        let html = render(&dir, None, Lang::Zh).unwrap();
        for id in [
            "id=\"verdict\"",
            "id=\"counts\"",
            "id=\"estimate\"",
            "id=\"columns-table\"",
            "id=\"worst-pages\"",
            "id=\"findings-table\"",
            "id=\"trend\"",
            "id=\"diff\"",
        ] {
            assert!(html.contains(id), "missing {id}");
        }
        assert!(html.contains("合格") && html.contains("估算得分"));
        assert!(html.contains("断链") && html.contains("国办秘函〔2019〕19号"));
        // Escaping: no site-controlled tag survives.
        assert!(!html.contains("<script>alert"), "unescaped script");
        assert!(html.contains("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;通知"));
        assert!(!html.contains("<b>\"") && !html.contains("局 <b>") && !html.contains("<i>"));
        assert!(html.contains("示例市知识产权局 &lt;b&gt;"));
        // Details and page titles from the site are escaped too.
        assert!(html.contains("页面不存在 &lt;b&gt;"));
        assert!(html.contains("信息公开 &lt;i&gt;"));
        // A javascript: URL is text, never a link.
        assert!(!html.contains("href=\"javascript:"));
        assert!(html.contains("<span class=\"url\">javascript:alert(1)</span>"));
        // Exactly one <script> element: ours.
        assert_eq!(html.matches("<script").count(), 1);
        // No external fetch.
        assert!(!html.contains("src=\"http") && !html.contains("<link"));
        // The image on 300 pages is one group row with 10 pages listed and a "more" note.
        assert!(html.contains(">300 个页面</summary>"));
        assert!(html.contains("… 另有 290 个页面"));
        // Diff counts: one new (the image) etc.
        assert!(html.contains("id=\"diff-fixed\">1<"));
        let en = render(&dir, None, Lang::En).unwrap();
        assert!(
            en.contains("Broken link")
                && en.contains("Estimated score")
                && en.contains("lang=\"en\"")
        );
    }

    #[test]
    fn the_veto_table_shows_every_item_with_its_state_and_the_probe_week() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = sample_run(tmp.path(), 3);
        let html = render(&dir, None, Lang::Zh).unwrap();
        let table = &html[html.find("id=\"veto-table\"").unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        let rows: Vec<&str> = table.split("<tr data-veto=").skip(1).collect();
        assert_eq!(rows.len(), 8, "{table}");
        let state = |id: &str| {
            rows.iter()
                .find(|r| r.starts_with(&format!("\"{id}\"")))
                .map(|r| {
                    r.split("data-state=\"")
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                })
                .unwrap()
        };
        assert_eq!(state("availability"), "warning");
        assert_eq!(state("homepage_stale"), "ok");
        assert_eq!(state("stale_columns"), "ok");
        assert_eq!(state("reply_overdue"), "unchecked");
        assert!(table.contains("<td class=\"vs-warning\">预警</td>"));
        assert!(table.contains("<td class=\"vs-unchecked\">未检查</td>"));
        assert!(
            table.contains("12/336 (3.6%)") && table.contains("≥ 5% (3%)"),
            "{table}"
        );
        // The probe week: 7 days, the failed visits newest first, escaped.
        assert!(html.contains("id=\"availability-table\""));
        let failed = &html[html.find("id=\"failed-visits\"").unwrap()..];
        let failed = &failed[..failed.find("</table>").unwrap()];
        assert_eq!(failed.matches("<tr><td").count(), 12);
        assert!(failed.find("2026-11-25 00:30").unwrap() < failed.find("2026-11-22").unwrap());
        assert!(failed.contains("HTTP 503 &lt;b&gt;") && !failed.contains("503 <b>"));
        // The verdict names the pre-warning and the items not checked.
        let v = &html[html.find("<section id=\"verdict\">").unwrap()..];
        let v = &v[..v.find("</section>").unwrap()];
        assert!(v.contains("id=\"pre-warnings\">预警：站点无法访问"), "{v}");
        assert!(
            v.contains("id=\"unchecked\">未检查的否决项：互动回应差、服务不实用"),
            "{v}"
        );
        // A partial run: 未评定, its scope, no score out of 100.
        let mut s = Summary::read(&dir).unwrap();
        let scope = crate::report::summary::RunScope {
            homepage_only: true,
            ..Default::default()
        };
        let meta = RunMeta {
            site_name: s.site_name.clone(),
            site_id: s.site_id.clone(),
            run_id: s.run_id.clone(),
            started: Local.with_ymd_and_hms(2026, 11, 27, 3, 15, 0).unwrap(),
            finished: Local.with_ymd_and_hms(2026, 11, 27, 3, 16, 0).unwrap(),
            homepage: s.homepage.clone(),
            pages: 1,
            links: 30,
            checked_urls: 30,
            fail_on: "error".into(),
            complete: true,
            scope,
            stopped: None,
            capped: Vec::new(),
        };
        s = Summary::build(
            &meta,
            &[],
            &VetoInput::default(),
            &ScoringSection::default(),
        );
        s.write(&dir).unwrap();
        let html = render(&dir, None, Lang::Zh).unwrap();
        let v = &html[html.find("<section id=\"verdict\">").unwrap()..];
        let v = &v[..v.find("</section>").unwrap()];
        assert!(v.contains("id=\"verdict-badge\">未评定<"), "{v}");
        assert!(
            v.contains("id=\"scope\">首页检查：未发现问题；栏目与其他页面未检查<"),
            "{v}"
        );
        assert!(!v.contains("合格") && !v.contains("估算得分"), "{v}");
        let en = render(&dir, None, Lang::En).unwrap();
        assert!(en.contains("id=\"verdict-badge\">not rated<"));
        assert!(en.contains("<td class=\"vs-unchecked\">not checked</td>"));
    }

    #[test]
    fn caps_list_their_urls_and_an_early_stop_says_what_was_left() {
        use crate::crawl::caps::{CapReport, CapUrl};
        use crate::crawl::{StopReason, Stopped};
        let tmp = tempfile::tempdir().unwrap();
        let dir = sample_run(tmp.path(), 3);
        let plain = render(&dir, None, Lang::Zh).unwrap();
        assert!(!plain.contains("id=\"caps\"") && !plain.contains("id=\"stopped\""));
        let path = dir.join(SUMMARY_JSON);
        let mut s: Summary = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        s.complete = false;
        s.stopped = Some(Stopped {
            reason: StopReason::Deadline,
            urls_left: 4321,
        });
        let url = |u: &str, note: Option<&str>| CapUrl {
            url: u.into(),
            note: note.map(str::to_string),
        };
        s.capped = vec![
            CapReport {
                cap: Cap::PageSize,
                pattern: None,
                what: "page size cap reached: bodies cut at 10485760 bytes".into(),
                count: 2,
                urls: vec![
                    url(
                        "https://www.example.gov.cn/huge.html",
                        Some("Content-Length 52428800"),
                    ),
                    url(
                        "https://www.example.gov.cn/endless.html?<script>x</script>",
                        Some("no Content-Length: a body that may never end"),
                    ),
                ],
                not_listed: 0,
                exclude: None,
            },
            CapReport {
                cap: Cap::Pattern,
                pattern: Some("www.example.gov.cn/cal?date".into()),
                what: "URL pattern cap reached".into(),
                count: 1500,
                urls: (0..1000)
                    .map(|i| url(&format!("https://www.example.gov.cn/cal?date={i}"), None))
                    .collect(),
                not_listed: 500,
                exclude: Some(r"^https?://www\.example\.gov\.cn/cal\?date=".into()),
            },
        ];
        std::fs::write(&path, serde_json::to_vec(&s).unwrap()).unwrap();
        let html = render(&dir, None, Lang::Zh).unwrap();
        assert!(html.contains("id=\"caps\""));
        assert!(html.contains("达到运行时限（--max-duration），尚有 4321 个地址未检查"));
        assert!(html.contains("页面大小上限 (2)"));
        assert!(html.contains("href=\"https://www.example.gov.cn/huge.html\""));
        assert!(html.contains("Content-Length 52428800"));
        // The pattern cap names the exclude regex that ends the trap.
        assert!(
            html.contains(r"<code>exclude = ['^https?://www\.example\.gov\.cn/cal\?date=']</code>"),
            "{html}"
        );
        assert!(html.contains("endless.html?&lt;script&gt;x&lt;/script&gt;"));
        assert!(!html.contains("<script>x"));
        assert!(html.contains("同类地址数上限 · www.example.gov.cn/cal?date (1500)"));
        assert!(html.contains("cal?date=199\""));
        assert!(!html.contains("cal?date=200\""));
        assert!(html.contains("… 另有 1300 个地址未显示"));
        let en = render(&dir, None, Lang::En).unwrap();
        assert!(en.contains(
            "The run reached its deadline (--max-duration); 4321 URL(s) were not checked"
        ));
        assert!(en.contains("Page size cap (2)"));
    }

    #[test]
    fn two_problems_in_one_page_text_are_two_rows() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("reports/example/20261127-031500");
        std::fs::create_dir_all(&dir).unwrap();
        let page = "https://www.example.gov.cn/tzgg/t1.html";
        let leak = |text: &str, detail: &str| {
            let mut r = row("privacy_leak", page, "", "2026-11-27");
            r.link_text = text.into();
            r.element = "text".into();
            r.detail = detail.into();
            r
        };
        let rows = vec![
            leak("3301**********1236", "身份证号 3301**********1236"),
            leak("139****1234", "手机号码 139****1234"),
            // The same broken target on two pages stays one row.
            row(
                "broken_link",
                page,
                "https://www.example.gov.cn/x.pdf",
                "2026-11-27",
            ),
            row(
                "broken_link",
                "https://www.example.gov.cn/",
                "https://www.example.gov.cn/x.pdf",
                "2026-11-27",
            ),
        ];
        write_csv(&dir.join(FINDINGS_CSV), &rows, Lang::Zh);
        let html = render(&dir, None, Lang::Zh).unwrap();
        assert!(
            html.contains("身份证号 3301**********1236") && html.contains("手机号码 139****1234")
        );
        assert!(html.contains("id=\"filter-count\">3<"), "3 groups");
        assert!(html.contains(">2 个页面</summary>"));
        assert!(
            !html.contains(">139****1234<"),
            "the pages column lists pages, not the text"
        );
    }

    #[test]
    fn large_runs_stay_small() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("reports/big/20261127-031500");
        std::fs::create_dir_all(&dir).unwrap();
        // 100,000 findings: 50,000 distinct targets on 2 pages each.
        let rows: Vec<FindingRow> = (0..100_000)
            .map(|i| {
                row(
                    "broken_link",
                    &format!("https://www.example.gov.cn/p{}.html", i % 2),
                    &format!("https://www.example.gov.cn/doc/{}.pdf", i / 2),
                    "2026-11-27",
                )
            })
            .collect();
        write_csv(&dir.join(FINDINGS_CSV), &rows, Lang::En);
        let html = render(&dir, None, Lang::Zh).unwrap();
        assert!(html.len() < 3_000_000, "{} bytes", html.len());
        assert!(html.contains("id=\"count-total\">100000<"));
        assert!(html.contains("组未显示"));
        // No summary.json: the report says so instead of inventing a verdict.
        assert!(html.contains("未评定"));
    }

    #[test]
    fn trend_comes_from_the_history() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = sample_run(tmp.path(), 3);
        let h = History::open(&tmp.path().join("reports/history.sqlite")).unwrap();
        for day in [25, 26] {
            let id = format!("202611{day}-031500");
            let started = Local.with_ymd_and_hms(2026, 11, day, 3, 15, 0).unwrap();
            h.begin_run("example", &id, &started, None).unwrap();
            let meta = RunMeta {
                site_name: "x".into(),
                site_id: "example".into(),
                run_id: id.clone(),
                started,
                finished: started,
                homepage: vec![],
                pages: 1,
                links: 1,
                checked_urls: 1,
                fail_on: "error".into(),
                complete: true,
                scope: Default::default(),
                stopped: None,
                capped: Vec::new(),
            };
            let rows = vec![row(
                "broken_link",
                "https://a/",
                &format!("https://a/{day}"),
                "",
            )];
            let s = Summary::build(
                &meta,
                &rows,
                &VetoInput::default(),
                &ScoringSection::default(),
            );
            h.finish_run(&id, &s).unwrap();
        }
        let html = render(&dir, Some(&h), Lang::Zh).unwrap();
        assert!(html.contains("id=\"trend-findings\"") && html.contains("<polyline"));
        // Two runs from the history plus the current one (not yet finished in it).
        assert_eq!(html.matches("-031500</td>").count(), 3);
        let path = write(&dir, Some(&h), Lang::Zh).unwrap();
        assert!(path.ends_with("report.html") && path.is_file());
    }

    /// Writes a sample run with a history of past runs for the browser check
    /// (scripts/check-report-html.sh): `ZWGK_SAMPLE_DIR=/tmp/x cargo test --lib
    /// sample_report_for_browser_check -- --ignored`.
    #[test]
    #[ignore = "writes a sample report for scripts/check-report-html.sh"]
    fn sample_report_for_browser_check() {
        let root = PathBuf::from(std::env::var("ZWGK_SAMPLE_DIR").expect("set ZWGK_SAMPLE_DIR"));
        let dir = sample_run(&root, 300);
        let h = History::open(&root.join("reports/history.sqlite")).unwrap();
        for (day, n) in [(21, 40), (22, 35), (23, 38), (24, 20), (25, 12), (26, 9)] {
            let id = format!("202611{day}-031500");
            let started = Local.with_ymd_and_hms(2026, 11, day, 3, 15, 0).unwrap();
            h.begin_run("example", &id, &started, None).unwrap();
            let meta = RunMeta {
                site_name: "示例".into(),
                site_id: "example".into(),
                run_id: id.clone(),
                started,
                finished: started + chrono::Duration::minutes(16),
                homepage: vec!["https://www.example.gov.cn/".into()],
                pages: 400 + n,
                links: 9000,
                checked_urls: 2000,
                fail_on: "error".into(),
                complete: true,
                scope: Default::default(),
                stopped: None,
                capped: Vec::new(),
            };
            let mut rows: Vec<FindingRow> = (0..n)
                .map(|i| {
                    row(
                        "broken_link",
                        "https://www.example.gov.cn/p.html",
                        &format!("https://www.example.gov.cn/{i}.pdf"),
                        "",
                    )
                })
                .collect();
            rows.extend((0..n / 3).map(|i| {
                let mut r = row(
                    "missing_alt",
                    &format!("https://www.example.gov.cn/{i}.html"),
                    "",
                    "",
                );
                r.severity = "warning".into();
                r
            }));
            if day < 24 {
                rows.push(row(
                    "broken_link",
                    "https://www.example.gov.cn/",
                    "https://www.example.gov.cn/x.jpg",
                    "",
                ));
            }
            h.record_findings(&id, "example", &rows).unwrap();
            let s = Summary::build(
                &meta,
                &rows,
                &VetoInput::default(),
                &ScoringSection::default(),
            );
            h.finish_run(&id, &s).unwrap();
        }
        let mut s = Summary::read(&dir).unwrap();
        if std::env::var("ZWGK_SAMPLE_FAIL").is_ok() {
            // A vetoed run, to see the 不合格 view.
            let veto = VetoInput {
                homepage_stale: true,
                blank_columns: 6,
                ..Default::default()
            };
            s.estimate = crate::report::summary::Estimate::build(
                &crate::report::diff::read_findings(&dir).unwrap(),
                &s.homepage,
                &veto,
                &ScoringSection::default(),
            );
            s.veto_input = veto;
            s.write(&dir).unwrap();
        }
        h.begin_run(
            "example",
            &s.run_id,
            &Local.with_ymd_and_hms(2026, 11, 27, 3, 15, 0).unwrap(),
            None,
        )
        .unwrap();
        h.finish_run(&s.run_id, &s).unwrap();
        let lang = match std::env::var("ZWGK_SAMPLE_LANG").as_deref() {
            Ok("en") => Lang::En,
            _ => Lang::Zh,
        };
        let path = write(&dir, Some(&h), lang).unwrap();
        println!("{}", path.display());
    }

    #[test]
    fn chart_ticks_are_round() {
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(76.0), 100.0);
        assert_eq!(nice_step(12.0), 20.0);
        assert_eq!(nice_step(4.5), 5.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn url_html_links_only_web_urls() {
        assert!(
            url_html("https://a.gov.cn/x?a=1&b=2")
                .contains("href=\"https://a.gov.cn/x?a=1&amp;b=2\"")
        );
        assert!(!url_html("javascript:alert(1)").contains("href"));
        assert!(!url_html("file:///C:/x.doc").contains("href"));
        assert!(!url_html("http//broken").contains("href"));
        assert_eq!(
            esc("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
    }
}
