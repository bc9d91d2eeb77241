//! The binary: parse the command line, build the auditor, run, map the outcome
//! to an exit code (0 clean, 1 findings at or above the fail level, 2 bad
//! usage or rules, 3 the site could not be audited).

use anyhow::Context;
use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use zwgk_audit::audit::{AuditOptions, Auditor, RunResult};
use zwgk_audit::cli::{Cli, Command, CrawlArgs, RulesAction, RunArgs};
use zwgk_audit::crawl::Progress;
use zwgk_audit::finding::Severity;
use zwgk_audit::rules::Rules;

/// mimalloc: the crawl allocates many small strings across threads; the
/// system allocator spent a fifth of the benchmark's CPU time (see scripts/bench.sh).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "mimalloc")]
/// mimalloc option numbers (`mi_option_e` in mimalloc.h, the same in v2 and v3).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Returns freed memory to the OS at once and commits arenas lazily. With the
/// `no_thp` build feature of libmimalloc-sys (no transparent huge pages: a
/// 2 MiB page stays resident while any object in it lives) this takes the
/// benchmark's peak RSS (scripts/bench.sh) from ~350 MB to ~50 MB on 20,000
/// pages, and is no slower. The same as MIMALLOC_PURGE_DELAY=0
/// MIMALLOC_ARENA_EAGER_COMMIT=0 MIMALLOC_ALLOW_THP=0.
#[cfg(feature = "mimalloc")]
fn tune_allocator() {
    // SAFETY: mi_option_set only stores an option value; the ids exist in the linked mimalloc.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
}

fn main() -> ExitCode {
    #[cfg(feature = "mimalloc")]
    tune_allocator();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    setup_logger(cli.verbose);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("zwgk-audit: cannot start the async runtime: {e}");
            return ExitCode::from(3);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("zwgk-audit: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn setup_logger(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "zwgk_audit=info",
        1 => "zwgk_audit=debug",
        _ => "zwgk_audit=trace",
    };
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

async fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Crawl(args) => crawl(*args).await,
        Command::Demo(args) => demo(args).await,
        Command::Probe(args) => probe(args).await,
        Command::Rules {
            action: RulesAction::Check { file },
        } => match Rules::load(&file) {
            Ok(r) => {
                println!(
                    "{}: ok — site {} ({}), {} start URL(s)",
                    file.display(),
                    r.name,
                    r.id,
                    r.start_urls.len()
                );
                let cols = &r.columns.columns;
                let names = |f: &dyn Fn(&zwgk_audit::rules::columns::Column) -> bool| {
                    cols.iter()
                        .filter(|c| f(c))
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let heuristic = names(&|c| !c.single_page && !c.list.is_set());
                if !heuristic.is_empty() {
                    println!("  lists read by the platform heuristics: {heuristic}");
                }
                let single = names(&|c| c.single_page);
                if !single.is_empty() {
                    println!("  one document (single_page): {single}");
                }
                for c in cols.iter().filter(|c| !c.single_page && c.list.is_set()) {
                    println!("  column {}: {}", c.name, c.list_reading());
                }
                if !cols.is_empty() {
                    println!("hint: {}", zwgk_audit::rules::columns::LIST_HINT);
                }
                Ok(0)
            }
            Err(e) => {
                eprintln!("zwgk-audit: {e}");
                Ok(2)
            }
        },
        Command::Diff { run_a, run_b } => {
            let rows = zwgk_audit::report::diff::diff_runs(&run_a, &run_b)?;
            let mut out =
                zwgk_audit::report::csv::CsvWriter::<_, zwgk_audit::report::diff::DiffRow>::new(
                    std::io::stdout().lock(),
                    zwgk_audit::report::Lang::En,
                    false,
                )?;
            for r in &rows {
                out.write(r)?;
            }
            out.flush()?;
            let c = zwgk_audit::report::diff::DiffCounts::of(&rows);
            eprintln!("new {} · fixed {} · open {}", c.new, c.fixed, c.open);
            Ok(0)
        }
        Command::Report { run, lang, history } => {
            let path = match history {
                Some(p) => Some(p),
                None => zwgk_audit::report::history::path_of_run(&run),
            };
            let history = match path {
                Some(p) => Some(
                    zwgk_audit::report::history::History::open(&p)
                        .with_context(|| format!("cannot open the history {}", p.display()))?,
                ),
                None => None,
            };
            let path = zwgk_audit::report::html::write(&run, history.as_ref(), lang)
                .with_context(|| format!("cannot render the report of {}", run.display()))?;
            println!("{}", path.display());
            let xlsx = zwgk_audit::report::xlsx::write(&run, lang)
                .with_context(|| format!("cannot write the workbook of {}", run.display()))?;
            println!("{}", xlsx.display());
            Ok(0)
        }
    }
}

async fn crawl(args: CrawlArgs) -> anyhow::Result<u8> {
    let mut rules = match (&args.rules, &args.url) {
        (Some(path), _) => match Rules::load(path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("zwgk-audit: {e}");
                return Ok(2);
            }
        },
        (None, Some(url)) => match Rules::for_url(url) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("zwgk-audit: {e}");
                return Ok(2);
            }
        },
        (None, None) => {
            eprintln!("zwgk-audit: give a start URL or --rules FILE (see zwgk-audit crawl --help)");
            return Ok(2);
        }
    };
    if let (Some(_), Some(url)) = (&args.rules, &args.url) {
        let u = url::Url::parse(url).with_context(|| format!("start URL `{url}`"))?;
        rules.start_urls.insert(0, u);
    }
    args.apply(&mut rules);
    if !matches!(
        rules.thresholds.fail_on.as_str(),
        "error" | "warning" | "info" | "new"
    ) {
        eprintln!("zwgk-audit: --fail-on must be one of error, warning, info, new");
        return Ok(2);
    }
    let mut opts = options(&args.run);
    opts.resolve = args.net.mappings();
    opts.ca_certs = args.net.ca_cert.clone();
    opts.resume = args.resume;
    let auditor = Auditor::new(rules, opts);
    let result = match auditor.run().await {
        Ok(r) => r,
        Err(e @ zwgk_audit::audit::AuditError::Client(_)) => {
            eprintln!("zwgk-audit: {e}");
            return Ok(2);
        }
        Err(e) => {
            // The reports folder cannot be written (not a folder, read-only, disk full).
            eprintln!("zwgk-audit: cannot write the reports: {e}");
            return Ok(2);
        }
    };
    let code = finish(auditor.rules(), &result);
    notify(auditor.rules(), &args.run, &result).await;
    Ok(code)
}

/// Posts the run's alert to the webhooks of the rules and `--notify`; never
/// changes the exit code (a failed webhook is a warning line).
async fn notify(rules: &Rules, run: &RunArgs, r: &RunResult) {
    let plan = zwgk_audit::notify::Plan::new(rules, &run.notify, run.lang);
    zwgk_audit::notify::after_run(&plan, &r.run_dir, r.start_unreachable.as_deref()).await;
}

async fn demo(args: zwgk_audit::cli::DemoArgs) -> anyhow::Result<u8> {
    let mut opts = options(&args.run);
    opts.keep_runs = opts.keep_runs.or(Some(10));
    let (server, rules, result) = match zwgk_audit::demo::audit_demo(opts).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("zwgk-audit: {e}");
            return Ok(3);
        }
    };
    let code = finish(&rules, &result);
    notify(&rules, &args.run, &result).await;
    println!(
        "  demo site: served on {} (hosts {} …); open {}/report.html",
        server.url("/"),
        zwgk_audit::demo::DEMO_HOST,
        result.run_dir.display()
    );
    if args.serve {
        println!(
            "  serving the demo site at {} until Ctrl-C",
            server.url("/")
        );
        let _ = tokio::signal::ctrl_c().await;
    }
    server.shutdown().await;
    Ok(code)
}

/// `probe`: one timed visit of each start URL. Exit 0 when every visit
/// opened, 1 when one failed (it is recorded), 2 for bad usage or rules or a
/// history that cannot be written.
async fn probe(args: zwgk_audit::cli::ProbeArgs) -> anyhow::Result<u8> {
    let mut rules = match Rules::load(&args.rules) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("zwgk-audit: {e}");
            return Ok(2);
        }
    };
    args.net.apply(&mut rules);
    let now = chrono::Local::now();
    let at = match args.today {
        Some(d) => d
            .and_time(now.time())
            .and_local_timezone(chrono::Local)
            .earliest()
            .unwrap_or(now),
        None => now,
    };
    let mut opts = zwgk_audit::probe::ProbeOptions::new(at);
    opts.reports_root = args.reports.clone();
    opts.resolve = args.net.mappings();
    opts.ca_certs = args.net.ca_cert.clone();
    let r = match zwgk_audit::probe::probe(&rules, &opts).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("zwgk-audit: {e}");
            return Ok(2);
        }
    };
    let rule = &rules.scoring.veto.availability;
    for v in &r.visits {
        let when = at.format("%Y-%m-%d %H:%M");
        if v.ok {
            println!(
                "{when} {} 打开 (HTTP {}) {} ms",
                v.url,
                v.status.unwrap_or_default(),
                v.elapsed_ms
            );
        } else {
            println!("{when} {} 失败：{} ({} ms)", v.url, v.reason, v.elapsed_ms);
        }
    }
    println!("  {}", r.availability.line_zh(rule));
    println!(
        "  今天（{}）已访问首页 {} 次，失败 {} 次",
        r.today.date, r.today.visits, r.today.failures
    );
    Ok(u8::from(r.visits.iter().any(|v| !v.ok)))
}

/// Run options from the shared flags.
pub fn options(run: &RunArgs) -> AuditOptions {
    let today = run
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut o = AuditOptions::new(today);
    o.reports_root = run.reports.clone();
    o.out_dir = run.out.clone();
    o.lang = run.lang;
    o.keep_runs = run.keep_runs.and_then(|n| usize::try_from(n).ok());
    // The summary has the counts: 100,000 findings stay in findings.csv.
    o.keep_findings = false;
    o.progress = if run.quiet {
        Progress::Quiet
    } else if std::io::stderr().is_terminal() {
        Progress::Bar
    } else {
        Progress::Log
    };
    o
}

/// Prints the verdict and returns the exit code.
fn finish(rules: &Rules, r: &RunResult) -> u8 {
    if let Some(why) = &r.start_unreachable {
        eprintln!("zwgk-audit: the site could not be audited: {why}");
        return 3;
    }
    zwgk_audit::report::print_summary(rules, r);
    if r.interrupted {
        let why = match r.stopped.map(|s| s.reason) {
            Some(zwgk_audit::crawl::StopReason::Deadline) => {
                "stopped at the deadline (--max-duration, crawl.max_duration_secs)"
            }
            _ => "interrupted",
        };
        let left = r
            .stopped
            .map(|s| format!("{} URL(s) not checked; ", s.urls_left))
            .unwrap_or_default();
        eprintln!(
            "zwgk-audit: {why}; resume with: zwgk-audit crawl ... --resume ({left}reports so far in {})",
            r.run_dir.display()
        );
        return 1;
    }
    match &r.summary {
        Some(s) => u8::from(s.failed),
        None => {
            let failing = r
                .findings
                .iter()
                .filter(|f| Severity::from_code(&f.severity) >= Some(Severity::Error));
            u8::from(failing.count() > 0)
        }
    }
}
