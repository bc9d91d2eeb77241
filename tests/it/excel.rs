//! report.xlsx read back with calamine: every sheet holds the rows and values
//! of the run's CSV files, headers follow `--lang`, URLs are hyperlinks within
//! Excel's limits (text beyond them), error rows are tinted, text from a site
//! that looks like a formula stays text, and a run of 100,000 pages gets no
//! pages sheet but a note saying so.

use crate::common::{audit, rules_for, today};
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;
use zwgk_audit::audit::AuditOptions;
use zwgk_audit::crawl::Progress;
use zwgk_audit::crawl::caps::{Cap, CapReport, CapUrl};
use zwgk_audit::crawl::{StopReason, Stopped};
use zwgk_audit::demo::{SiteServer, SiteSource, audit_demo};
use zwgk_audit::report::Lang;
use zwgk_audit::report::csv::{BOM, CsvWriter, read_rows};
use zwgk_audit::report::diff::DiffRow;
use zwgk_audit::report::html::ColumnRecord;
use zwgk_audit::report::rows::{FindingRow, PageRow, Row};
use zwgk_audit::report::summary::{RunMeta, RunScope, Summary, VetoInput};
use zwgk_audit::report::xlsx::{
    MAX_LINKS_PER_SHEET, MAX_LINKS_PER_WORKBOOK, MAX_PAGES_SHEET, MAX_URL_CHARS, REPORT_XLSX,
    change_header, sheet_names, write,
};
use zwgk_audit::rules::scoring::ScoringSection;

type Book = Xlsx<std::io::BufReader<std::fs::File>>;

fn open(run_dir: &Path) -> Book {
    open_workbook(run_dir.join(REPORT_XLSX)).expect("report.xlsx opens")
}

/// A cell as the CSV file writes it: numbers without a decimal point.
fn cell(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Empty => String::new(),
        other => panic!("unexpected cell {other:?}"),
    }
}

/// Every row of a sheet as text, the header first.
fn sheet(book: &mut Book, name: &str) -> Vec<Vec<String>> {
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(|r| r.iter().map(cell).collect()).collect()
}

/// The header row of a CSV file as written (BOM stripped).
fn csv_header(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("csv file");
    let bytes = bytes.strip_prefix(BOM).expect("csv has a BOM");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    r.records()
        .next()
        .expect("a header row")
        .expect("header parses")
        .iter()
        .map(str::to_string)
        .collect()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn finding_cells(f: &FindingRow) -> Vec<String> {
    vec![
        f.kind.clone(),
        f.severity.clone(),
        f.certainty.clone(),
        f.page_url.clone(),
        f.target_url.clone(),
        f.link_text.clone(),
        f.element.clone(),
        f.detail.clone(),
        opt(f.http_status),
        f.column.clone(),
        f.first_seen.clone(),
        f.kind_name.clone(),
    ]
}

fn page_cells(p: &PageRow) -> Vec<String> {
    vec![
        p.url.clone(),
        opt(p.http_status),
        p.content_type.clone(),
        p.charset.clone(),
        p.depth.to_string(),
        p.bytes.to_string(),
        p.elapsed_ms.to_string(),
        p.title.clone(),
        p.error.clone(),
    ]
}

fn column_cells(c: &ColumnRecord) -> Vec<String> {
    vec![
        c.column.clone(),
        c.found.to_string(),
        c.url.clone(),
        c.items.to_string(),
        c.newest_date.clone(),
        c.window_days.to_string(),
        c.status.clone(),
        c.note.clone(),
    ]
}

fn sorted(mut v: Vec<Vec<String>>) -> Vec<Vec<String>> {
    v.sort();
    v
}

/// Hyperlinks of a sheet by (row, column), target with its `#fragment`.
fn links(book: &mut Book, name: &str) -> BTreeMap<(u32, u32), String> {
    book.hyperlinks_by_sheet_name(name)
        .expect("hyperlinks")
        .into_iter()
        .map(|h| {
            let mut target = h.target.expect("external link");
            if let Some(l) = h.location {
                target = format!("{target}#{l}");
            }
            (h.range.start, target)
        })
        .collect()
}

/// Whether a URL must be a hyperlink: http(s), no spaces, within Excel's length.
fn linkable(v: &str) -> bool {
    url::Url::parse(v).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        && !v.contains(' ')
        && v.len() <= MAX_URL_CHARS
}

/// No cell of any sheet holds a formula.
fn assert_no_formulas(book: &mut Book) {
    for name in book.sheet_names() {
        let f = book.worksheet_formula(&name).expect("formula range");
        let any: Vec<&String> = f
            .used_cells()
            .map(|(_, _, s)| s)
            .filter(|s| !s.is_empty())
            .collect();
        assert!(any.is_empty(), "formulas on {name}: {any:?}");
    }
}

/// Whether the cell at (row, col) has the error tint as its background.
fn tinted(styles: &calamine::StyleRange, row: u32, col: u32) -> bool {
    styles
        .get((row, col))
        .and_then(|s| s.fill.as_ref())
        .and_then(|f| f.foreground_color.or(f.background_color))
        .is_some_and(|c| (c.red, c.green, c.blue) == (0xFD, 0xE2, 0xE1))
}

/// Checks a run's workbook against its CSV files; returns the change column.
/// `csv_lang` is the language the CSV files were written in (`report --lang`
/// may ask for another one: the sheets then have headers in `lang`).
fn assert_matches_csv(run_dir: &Path, lang: Lang, csv_lang: Lang) -> Vec<String> {
    let header = |file: &str, zh: &[&str], en: &[&str]| -> Vec<String> {
        let want: Vec<String> = match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
        .iter()
        .map(|s| s.to_string())
        .collect();
        if lang == csv_lang {
            assert_eq!(csv_header(&run_dir.join(file)), want, "{file} header");
        }
        want
    };
    let mut book = open(run_dir);
    let names = sheet_names(lang);
    assert_eq!(
        book.sheet_names(),
        names.to_vec(),
        "sheet names in {lang:?}"
    );
    assert_no_formulas(&mut book);

    // 问题 / Findings: the rows of findings.csv, grouped by kind then page, and a change column.
    let findings: Vec<FindingRow> =
        read_rows(&std::fs::read(run_dir.join("findings.csv")).unwrap()).unwrap();
    assert!(!findings.is_empty());
    let rows = sheet(&mut book, names[1]);
    let mut want_header = header("findings.csv", FindingRow::ZH, FindingRow::EN);
    want_header.push(change_header(lang).to_string());
    assert_eq!(rows[0], want_header);
    let body: Vec<Vec<String>> = rows[1..].iter().map(|r| r[..12].to_vec()).collect();
    assert_eq!(
        sorted(body.clone()),
        sorted(findings.iter().map(finding_cells).collect())
    );
    let kinds: Vec<&str> = body.iter().map(|r| r[0].as_str()).collect();
    let mut runs = kinds.clone();
    runs.dedup();
    let mut distinct = runs.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(runs.len(), distinct.len(), "grouped by kind: {runs:?}");
    for w in body.windows(2) {
        if w[0][0] == w[1][0] {
            assert!(w[0][3] <= w[1][3], "pages in order within a kind");
        }
    }
    // Hyperlinks: every http(s) page and target cell, nothing else.
    let l = links(&mut book, names[1]);
    for (i, r) in body.iter().enumerate() {
        for c in [3u32, 4] {
            let v = &r[c as usize];
            let row = i as u32 + 1;
            if linkable(v) {
                assert_eq!(
                    l.get(&(row, c)),
                    Some(v),
                    "row {row} col {c} len {}",
                    v.len()
                );
            } else {
                assert_eq!(l.get(&(row, c)), None, "not a link: {v}");
            }
        }
    }
    // Error rows tinted, others not.
    let styles = book.worksheet_style(names[1]).expect("styles");
    for (i, r) in body.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(tinted(&styles, row, 0), r[1] == "error", "row {row}: {r:?}");
        assert_eq!(tinted(&styles, row, 5), r[1] == "error", "row {row}: {r:?}");
    }
    let change: Vec<String> = rows[1..].iter().map(|r| r[12].clone()).collect();

    // 栏目 / Columns: columns.csv, in its order.
    let columns: Vec<ColumnRecord> =
        read_rows(&std::fs::read(run_dir.join("columns.csv")).unwrap()).unwrap();
    let rows = sheet(&mut book, names[2]);
    assert_eq!(
        rows[0],
        header("columns.csv", ColumnRecord::ZH, ColumnRecord::EN)
    );
    let want: Vec<Vec<String>> = columns.iter().map(column_cells).collect();
    assert_eq!(rows[1..].to_vec(), want);
    let styles = book.worksheet_style(names[2]).expect("styles");
    for (i, c) in columns.iter().enumerate() {
        let bad = matches!(c.status.as_str(), "missing" | "empty" | "stale" | "mixed");
        assert_eq!(tinted(&styles, i as u32 + 1, 0), bad, "{}", c.column);
    }

    // 页面 / Pages: pages.csv, in its order, URLs linked.
    let pages: Vec<PageRow> =
        read_rows(&std::fs::read(run_dir.join("pages.csv")).unwrap()).unwrap();
    let rows = sheet(&mut book, names[3]);
    assert_eq!(rows[0], header("pages.csv", PageRow::ZH, PageRow::EN));
    let want: Vec<Vec<String>> = pages.iter().map(page_cells).collect();
    assert_eq!(rows[1..].to_vec(), want);
    let l = links(&mut book, names[3]);
    for (i, p) in pages.iter().enumerate() {
        let want = linkable(&p.url).then_some(&p.url);
        assert_eq!(l.get(&(i as u32 + 1, 0)), want, "{}", p.url.len());
    }
    change
}

/// The summary sheet as label → (value, note).
fn summary(book: &mut Book, lang: Lang) -> BTreeMap<String, (String, String)> {
    let rows = sheet(book, sheet_names(lang)[0]);
    rows[1..]
        .iter()
        .map(|r| {
            let get = |i: usize| r.get(i).cloned().unwrap_or_default();
            (get(0), (get(1), get(2)))
        })
        .collect()
}

fn demo_opts(reports: &Path, today: NaiveDate, lang: Lang) -> AuditOptions {
    let mut o = AuditOptions::new(today);
    o.reports_root = reports.to_path_buf();
    o.progress = Progress::Quiet;
    o.lang = lang;
    o.stop = Some(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
        false,
    )));
    o
}

/// Two nights of the demo: the first in Chinese (every finding new), the
/// second in English (every finding still open); each workbook matches its CSVs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_workbooks_match_their_csv_files_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let day1 = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let (server, _, first) = audit_demo(demo_opts(dir.path(), day1, Lang::Zh))
        .await
        .expect("demo runs");
    server.shutdown().await;
    let change = assert_matches_csv(&first.run_dir, Lang::Zh, Lang::Zh);
    assert!(change.iter().all(|c| c == "新增"), "{change:?}");
    let mut book = open(&first.run_dir);
    let s = summary(&mut book, Lang::Zh);
    let sum = first.summary.as_ref().expect("summary");
    assert_eq!(s["网站"].0, "示范市知识产权局");
    assert_eq!(s["检查日期"].0, "2026-03-02");
    assert_eq!(s["结论"].0, sum.estimate.verdict.label(Lang::Zh));
    assert_eq!(s["估算得分"].0, sum.estimate.score.to_string());
    assert_eq!(s["问题"].0, sum.findings.to_string());
    assert_eq!(
        s["断链"],
        (sum.by_kind["broken_link"].to_string(), "broken_link".into())
    );
    assert_eq!(s["错误"].0, sum.by_severity["error"].to_string());
    for v in &sum.estimate.vetoes {
        let state = if v.triggered {
            zwgk_audit::report::summary::VetoState::Veto
        } else {
            v.state
        };
        assert_eq!(s[&v.name_zh].0, state.label(Lang::Zh), "veto {}", v.name_zh);
        assert!(s[&v.name_zh].1.contains(&v.rule), "{:?}", s[&v.name_zh]);
    }
    assert!(
        sum.estimate.vetoes.iter().any(|v| v.triggered),
        "the demo plants a veto"
    );
    assert!(s["上次运行"].0.starts_with("无"), "{:?}", s["上次运行"]);
    let home = links(&mut book, "概要");
    assert_eq!(
        home.values().collect::<Vec<_>>(),
        [&s["首页"].0],
        "the homepage is a link"
    );
    assert!(s.contains_key("触发的抓取上限"));
    assert!(
        s.contains_key("无") || s.contains_key("未记录") || s.keys().any(|k| k.contains('_')),
        "caps listed or said absent: {s:#?}"
    );

    let day2 = day1.succ_opt().unwrap();
    let (server, _, second) = audit_demo(demo_opts(dir.path(), day2, Lang::En))
        .await
        .expect("demo runs");
    server.shutdown().await;
    let change = assert_matches_csv(&second.run_dir, Lang::En, Lang::En);
    // The same site the next night: what is still there is still open, per diff.csv.
    let diff: Vec<DiffRow> =
        read_rows(&std::fs::read(second.run_dir.join("diff.csv")).unwrap()).unwrap();
    let new = diff.iter().filter(|d| d.status.code() == "new").count();
    assert_eq!(change.iter().filter(|c| *c == "new").count(), new);
    assert_eq!(
        change.iter().filter(|c| *c == "still open").count(),
        change.len() - new
    );
    assert!(change.iter().any(|c| c == "still open"));
    let mut book = open(&second.run_dir);
    let s = summary(&mut book, Lang::En);
    assert_eq!(s["Site"].0, "示范市知识产权局");
    assert_eq!(s["Previous run"].0, first.run_id);
    assert_eq!(s["Broken link"].1, "broken_link");

    // `zwgk-audit report RUN` writes it again, in the language asked for.
    std::fs::remove_file(second.run_dir.join(REPORT_XLSX)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zwgk-audit"))
        .args(["report", "--lang", "zh"])
        .arg(&second.run_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().any(|l| l.ends_with(REPORT_XLSX)), "{stdout}");
    let change = assert_matches_csv(&second.run_dir, Lang::Zh, Lang::En);
    assert!(change.iter().any(|c| c == "仍存在"));
}

/// Link texts and titles that spreadsheets would run as formulas, a URL too
/// long for an Excel hyperlink and malformed targets: all stay text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_text_that_looks_like_a_formula_stays_text() {
    let site = tempfile::tempdir().unwrap();
    let long = format!("/xxgk/{}.html", "a".repeat(MAX_URL_CHARS + 20));
    let hostile = [
        "=1+2",
        "+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "-2+3",
        "=HYPERLINK(\"http://x.cn\",\"点击\")",
    ];
    let mut body = String::new();
    for (i, text) in hostile.iter().enumerate() {
        let text = text.replace('"', "&quot;");
        body.push_str(&format!(
            "<li><a href=\"/xxgk/tzgg/{i}.html\">{text}</a><span>2026-05-0{}</span></li>\n",
            i + 1
        ));
    }
    std::fs::write(
        site.path().join("index.html"),
        format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <title>=1+2 示例区档案局</title></head><body><h1>示例区档案局</h1>\
             <ul class=\"list\">\n{body}</ul>\
             <p><a href=\"{long}\">超长地址的附件</a></p>\
             <p><a href=\"http//www.example-da.gov.cn/\">错误写法的链接</a></p>\
             </body></html>"
        ),
    )
    .unwrap();
    let server = SiteServer::start_with_today(SiteSource::dir(site.path()), today())
        .await
        .unwrap();
    let run = audit(&server, rules_for(&server, ""), |_| {}).await;
    let dir = &run.result.run_dir;
    for text in hostile {
        assert!(
            run.findings.iter().any(|f| f.link_text == text),
            "a finding carries {text}: {:#?}",
            run.findings
        );
    }
    assert!(
        run.findings
            .iter()
            .any(|f| f.target_url.len() > MAX_URL_CHARS)
    );
    assert!(run.pages.iter().any(|p| p.title.starts_with("=1+2")));
    assert_matches_csv(dir, Lang::Zh, Lang::Zh);
    let mut book = open(dir);
    let rows = sheet(&mut book, "问题");
    for text in hostile {
        assert!(rows.iter().any(|r| r[5] == text), "{text} kept as text");
    }
    let range = book.worksheet_range("问题").unwrap();
    let cell = range
        .rows()
        .flat_map(|r| r.iter())
        .find(|c| matches!(c, Data::String(s) if s == "=1+2"));
    assert!(cell.is_some(), "=1+2 is a string cell");
    server.shutdown().await;
}

/// Past the workbook's hyperlink budget (memory; below Excel's 65,530 a
/// sheet), URLs are written as text and the summary counts them; at 100,000
/// pages there is no pages sheet and the summary says so.
#[test]
fn limits_of_excel_fall_back_to_text_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path();
    let n = MAX_LINKS_PER_WORKBOOK / 2 + 100;
    let mut w = CsvWriter::<_, FindingRow>::new(
        std::fs::File::create(run.join("findings.csv")).unwrap(),
        Lang::Zh,
        true,
    )
    .unwrap();
    for i in 0..n {
        w.write(&FindingRow {
            kind: "broken_link".into(),
            severity: "error".into(),
            certainty: "confirmed".into(),
            page_url: format!("http://www.a.gov.cn/xxgk/{i:06}.html"),
            target_url: format!("http://www.a.gov.cn/files/{i:06}.pdf"),
            link_text: "附件".into(),
            element: "a@href".into(),
            detail: "HTTP 404".into(),
            http_status: Some(404),
            column: String::new(),
            first_seen: "2026-05-25".into(),
            kind_name: "断链".into(),
        })
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let mut p = CsvWriter::<_, PageRow>::new(
        std::io::BufWriter::new(std::fs::File::create(run.join("pages.csv")).unwrap()),
        Lang::Zh,
        true,
    )
    .unwrap();
    for i in 0..MAX_PAGES_SHEET {
        p.write(&PageRow {
            url: format!("http://www.a.gov.cn/p/{i}.html"),
            http_status: Some(200),
            content_type: "text/html".into(),
            charset: "utf-8".into(),
            depth: 1,
            bytes: 1000,
            elapsed_ms: 5,
            title: "通知".into(),
            error: String::new(),
        })
        .unwrap();
    }
    p.flush().unwrap();
    drop(p);
    // summary.json of a run stopped by its deadline, with two caps that bit.
    let rows: Vec<FindingRow> =
        read_rows(&std::fs::read(run.join("findings.csv")).unwrap()).unwrap();
    let started = chrono::Local::now();
    let meta = RunMeta {
        site_name: "示例局".into(),
        site_id: "a".into(),
        run_id: "20260525-031500".into(),
        started,
        finished: started,
        homepage: vec!["http://www.a.gov.cn/".into()],
        pages: MAX_PAGES_SHEET,
        links: 0,
        checked_urls: 0,
        fail_on: "error".into(),
        complete: false,
        scope: RunScope::default(),
        stopped: Some(Stopped {
            reason: StopReason::Deadline,
            urls_left: 42,
        }),
        capped: vec![
            CapReport {
                cap: Cap::PageSize,
                pattern: None,
                what: "crawl.max_page_bytes: body cut".into(),
                count: 3,
                urls: vec![CapUrl {
                    url: "http://www.a.gov.cn/big.html".into(),
                    note: None,
                }],
                not_listed: 2,
                exclude: None,
            },
            CapReport {
                cap: Cap::Pattern,
                pattern: Some("/cal/<n>.html".into()),
                what: "crawl.max_urls_per_pattern".into(),
                count: 120,
                urls: Vec::new(),
                not_listed: 120,
                exclude: None,
            },
        ],
    };
    Summary::build(
        &meta,
        &rows,
        &VetoInput::default(),
        &ScoringSection::default(),
    )
    .write(run)
    .unwrap();
    write(run, Lang::Zh).expect("workbook written");
    let mut book = open(run);
    assert_eq!(book.sheet_names(), ["概要", "问题", "栏目"]);
    let l = links(&mut book, "问题");
    assert_eq!(l.len(), MAX_LINKS_PER_WORKBOOK);
    const { assert!(MAX_LINKS_PER_WORKBOOK <= MAX_LINKS_PER_SHEET) };
    // The first rows (by kind, then page) got them: page and target of each.
    assert_eq!(
        l.get(&(1, 3)).map(String::as_str),
        Some("http://www.a.gov.cn/xxgk/000000.html")
    );
    assert_eq!(
        l.get(&(1, 4)).map(String::as_str),
        Some("http://www.a.gov.cn/files/000000.pdf")
    );
    let rows = sheet(&mut book, "问题");
    assert_eq!(rows.len(), n + 1);
    let last = rows.last().unwrap();
    assert!(
        last[3].starts_with("http://www.a.gov.cn/xxgk/"),
        "still written, as text"
    );
    let s = summary(&mut book, Lang::Zh);
    assert_eq!(s["问题"].0, n.to_string(), "{s:#?}");
    assert_eq!(s["问题表"].0, (2 * n - MAX_LINKS_PER_WORKBOOK).to_string());
    assert!(s["问题表"].1.contains("以文字显示"));
    assert_eq!(s["提前停止"].0, "到达运行时限（--max-duration）");
    assert!(s["提前停止"].1.contains("42"), "{:?}", s["提前停止"]);
    assert_eq!(s["page_size"].0, "3");
    assert!(
        s["page_size"].1.contains("http://www.a.gov.cn/big.html"),
        "{:?}",
        s["page_size"]
    );
    assert_eq!(s["pattern /cal/<n>.html"].0, "120");
    assert_eq!(s["页面表"].0, "未生成");
    assert!(
        s["页面表"].1.contains(&MAX_PAGES_SHEET.to_string()),
        "{:?}",
        s["页面表"]
    );
}
