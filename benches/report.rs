//! Benchmarks of CSV row writing, the report stage every link occurrence
//! passes through: links.csv rows (a 20,000-page site writes 1.5 million of
//! them) and findings.csv rows, UTF-8 with BOM and Chinese headers, into
//! memory so the disk is not measured.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test and tool code may

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use zwgk_audit::finding::{Finding, FindingKind};
use zwgk_audit::report::Lang;
use zwgk_audit::report::csv::CsvWriter;
use zwgk_audit::report::rows::{FindingRow, LinkRow, LinkRowRef};

const ROWS: usize = 10_000;

/// Link occurrences shaped like a bureau site's: Chinese link text, a few
/// with quotes and commas that need quoting, most checked fine.
fn links() -> Vec<(String, String, String)> {
    (0..ROWS)
        .map(|i| {
            let page = format!("http://www.zscq.sh.gov.cn/zwgk/tzgg/index_{}.html", i / 60);
            let target = format!(
                "http://www.zscq.sh.gov.cn/zwgk/tzgg/2026{:02}/t2026_{i}.html",
                i % 12 + 1
            );
            let text = if i % 50 == 0 {
                format!("关于印发《\"十四五\"知识产权保护规划》的通知，第{i}号")
            } else {
                format!("上海市知识产权局关于开展2026年知识产权宣传周活动的通知（{i}）")
            };
            (page, target, text)
        })
        .collect()
}

fn bench_csv(c: &mut Criterion) {
    let rows = links();
    let mut g = c.benchmark_group("csv");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("links_csv_rows", |b| {
        b.iter(|| {
            let out = Vec::with_capacity(2 << 20);
            let mut w: CsvWriter<_, LinkRow> = CsvWriter::new(out, Lang::Zh, true).unwrap();
            for (i, (page, target, text)) in rows.iter().enumerate() {
                w.write_as(&LinkRowRef {
                    page_url: page,
                    target_url: target,
                    link_text: text,
                    element: "a",
                    status: if i % 100 == 0 { "broken" } else { "ok" },
                    http_status: Some(if i % 100 == 0 { 404 } else { 200 }),
                    final_url: "",
                    elapsed_ms: Some((i % 300) as u64),
                })
                .unwrap();
            }
            black_box(w.into_inner().unwrap().len())
        })
    });
    let findings: Vec<FindingRow> = rows
        .iter()
        .map(|(page, target, text)| {
            let f = Finding::new(FindingKind::BrokenLink, page, "HTTP 404 Not Found")
                .target(target)
                .text(text)
                .element("a")
                .status(Some(404));
            FindingRow::from_finding(&f, "2026-11-20")
        })
        .collect();
    g.bench_function("findings_csv_rows", |b| {
        b.iter(|| {
            let out = Vec::with_capacity(4 << 20);
            let mut w: CsvWriter<_, FindingRow> = CsvWriter::new(out, Lang::Zh, true).unwrap();
            for f in &findings {
                w.write(f).unwrap();
            }
            black_box(w.into_inner().unwrap().len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench_csv);
criterion_main!(benches);
