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

fn main() -> ExitCode {
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
        Command::Crawl(args) => crawl(args).await,
        Command::Demo(args) => zwgk_audit::demo::run_demo(args).await,
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
                Ok(0)
            }
            Err(e) => {
                eprintln!("zwgk-audit: {e}");
                Ok(2)
            }
        },
        Command::Diff { run_a, run_b } => zwgk_audit::report::cmd_diff(&run_a, &run_b),
        Command::Report { run, lang } => zwgk_audit::report::cmd_report(&run, lang),
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
    opts.resolve = args.resolve.clone();
    opts.ca_certs = args.ca_cert.clone();
    opts.resume = args.resume;
    let auditor = Auditor::new(rules, opts);
    let result = match auditor.run().await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("zwgk-audit: {e}");
            return Ok(match e {
                zwgk_audit::audit::AuditError::Client(_) => 2,
                _ => 3,
            });
        }
    };
    Ok(finish(auditor.rules(), &result))
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
        eprintln!(
            "zwgk-audit: interrupted; resume with: zwgk-audit crawl ... --resume (reports so far in {})",
            r.run_dir.display()
        );
        return 1;
    }
    let fail_on = rules.thresholds.fail_on.as_str();
    let failing = r.findings.iter().filter(|f| {
        let sev = Severity::from_code(&f.severity).unwrap_or(Severity::Error);
        match fail_on {
            "new" => f.first_seen == r.today_str() && sev >= Severity::Warning,
            "info" => true,
            "warning" => sev >= Severity::Warning,
            _ => sev >= Severity::Error,
        }
    });
    u8::from(failing.count() > 0)
}
