//! Times each per-page stage on pages of a generated benchmark site:
//! `cargo run --release --example page_stages -- /tmp/zwgk-bench/site-20000 2000`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test and tool code may

use std::time::{Duration, Instant};
use zwgk_audit::check::{self, PageView};
use zwgk_audit::extract;
use zwgk_audit::rules::Rules;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(
        args.next()
            .unwrap_or_else(|| "/tmp/zwgk-bench/site-20000".into()),
    );
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                files.push(p);
            }
            if files.len() >= n {
                break;
            }
        }
    }
    let rules = Rules::for_url("http://127.0.0.1:8088/").expect("rules");
    let mut t = [Duration::ZERO; 9];
    let names = [
        "decode",
        "parse",
        "extract",
        "visible_text",
        "content",
        "columns",
        "classify",
        "hidden_links",
        "dates_guide_board",
    ];
    let policy = zwgk_audit::crawl::host_policy(&rules, &[]);
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        let rel = f
            .strip_prefix(&root)
            .expect("prefix")
            .to_string_lossy()
            .replace('\\', "/");
        let url = url::Url::parse(&format!("http://127.0.0.1:8088/{rel}")).expect("url");
        let s = Instant::now();
        let d = extract::decode(&bytes, Some("text/html"));
        t[0] += s.elapsed();
        let s = Instant::now();
        let doc = scraper::Html::parse_document(&d.text);
        t[1] += s.elapsed();
        let s = Instant::now();
        let ex = extract::extract(&doc);
        t[2] += s.elapsed();
        let s = Instant::now();
        let text = check::content::visible_text(&doc);
        t[3] += s.elapsed();
        std::hint::black_box(&text);
        let view = PageView {
            url: &url,
            final_url: &url,
            doc: &doc,
            source: &d.text,
            extracted: &ex,
            elapsed_ms: 1,
            depth: 1,
        };
        let s = Instant::now();
        std::hint::black_box(check::content::check(&view, &rules));
        t[4] += s.elapsed();
        let s = Instant::now();
        std::hint::black_box(check::columns::observe(&view, &rules));
        t[5] += s.elapsed();
        let s = Instant::now();
        let links: Vec<_> = ex
            .links
            .iter()
            .cloned()
            .map(|l| zwgk_audit::crawl::task::classify(l, &url, &url, d.encoding, &rules, &policy))
            .collect();
        std::hint::black_box(links);
        t[6] += s.elapsed();
        let s = Instant::now();
        std::hint::black_box(check::hidden::find(
            &doc,
            &rules.checks.hidden,
            &rules.words,
        ));
        t[7] += s.elapsed();
        let walk = check::content::text::Walk::full(&doc);
        let s = Instant::now();
        std::hint::black_box(check::sitewide::on_page(
            &view,
            &rules,
            chrono::NaiveDate::from_ymd_opt(2026, 5, 25).expect("date"),
            &walk,
            false,
        ));
        t[8] += s.elapsed();
    }
    println!("{} pages", files.len());
    for (name, d) in names.iter().zip(t) {
        println!(
            "{name:>13}: {:>8.1} µs/page",
            d.as_secs_f64() * 1e6 / files.len() as f64
        );
    }
}
