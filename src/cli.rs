//! The command line (clap derive). Flags merge over the rules file: CLI over
//! file over the named defaults in `rules::CrawlSection`.

use crate::crawl::resolve::ResolveEntry;
use crate::report::Lang;
use crate::rules::Rules;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// zwgk-audit — audit a government website the way an inspector would.
#[derive(Debug, Parser)]
#[command(name = "zwgk-audit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// More log output (-v debug, -vv trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Crawl a site and write the audit reports (the main job).
    Crawl(Box<CrawlArgs>),
    /// Serve the built-in sample bureau site on loopback, audit it, write reports.
    Demo(DemoArgs),
    /// Compare two runs: new, fixed and still-open findings.
    Diff {
        /// The older run folder.
        run_a: PathBuf,
        /// The newer run folder.
        run_b: PathBuf,
    },
    /// Re-render report.html and report.xlsx of a run folder.
    Report {
        /// The run folder.
        run: PathBuf,
        /// Label language.
        #[arg(long, default_value = "zh")]
        lang: Lang,
        /// The history file (trend of past runs); default: the one the run's
        /// summary.json names, else `history.sqlite` two folders up.
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
    },
    /// One timed visit of each start URL, recorded for the availability veto (站点无法访问): run it from cron every 30 minutes.
    Probe(ProbeArgs),
    /// Work with rules files.
    Rules {
        /// What to do with rules.
        #[command(subcommand)]
        action: RulesAction,
    },
}

/// `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Validate a rules file; errors name the file, line and key.
    Check {
        /// The rules file.
        file: PathBuf,
    },
}

/// Flags shared by `crawl` and `demo`.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Write this run into DIR instead of reports/<site>/<run-id>/.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Root folder of reports and the run history.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub reports: PathBuf,
    /// CSV header and HTML label language.
    #[arg(long, default_value = "zh")]
    pub lang: Lang,
    /// Audit as of this date (YYYY-MM-DD), for reproducible re-runs.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<chrono::NaiveDate>,
    /// Exit 1 when findings at or above this level exist: error, warning, info, or new (only findings not in the previous run).
    #[arg(long, value_name = "LEVEL")]
    pub fail_on: Option<String>,
    /// No progress bar or periodic progress lines.
    #[arg(long)]
    pub quiet: bool,
    /// Keep only the newest N runs of the site (older run folders and their history are deleted).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub keep_runs: Option<u64>,
    /// When the run ends, POST a short summary to this webhook (企业微信, 钉钉, 飞书 robot or
    /// JSON, by host; `FORMAT=URL` names it: wecom, dingtalk, feishu, json). Repeatable; added
    /// to `[notify] urls` of the rules, whose `on` decides when (default: new errors).
    #[arg(long, value_name = "URL")]
    pub notify: Vec<crate::rules::notify::Target>,
}

/// `crawl` flags.
#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Start URL (without --rules: audit this site with default rules).
    pub url: Option<String>,
    /// The site's rules file (rules/<site>.toml).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Requests in flight over all hosts.
    #[arg(long, value_name = "N")]
    pub max_concurrency: Option<usize>,
    /// Requests in flight to one host.
    #[arg(long, value_name = "N")]
    pub host_concurrency: Option<usize>,
    /// Minimum milliseconds between request starts to one host.
    #[arg(long, value_name = "MS")]
    pub host_interval: Option<u64>,
    /// Whole-request timeout in seconds.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Retries of transient failures.
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// Deepest link depth crawled.
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
    /// Most pages crawled.
    #[arg(long, value_name = "N")]
    pub max_pages: Option<usize>,
    /// Stop crawling after DURATION (e.g. 90m, 2h, 1h30m, 45s; a bare number is seconds),
    /// as Ctrl-C does: reports written, the run resumable with --resume.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_duration: Option<u64>,
    /// Quick mode: check the homepage and every link on it, crawl nothing else.
    #[arg(long)]
    pub homepage_only: bool,
    /// Ignore robots.txt (for auditing one's own site).
    #[arg(long)]
    pub no_robots: bool,
    /// Network flags.
    #[command(flatten)]
    pub net: NetArgs,
    /// Resume the newest run of this site if it did not complete (killed, Ctrl-C, SIGTERM); else start a new run.
    #[arg(long)]
    pub resume: bool,
    /// Shared run flags.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `probe` flags.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The site's rules file (rules/<site>.toml); the time limit is `[scoring.veto.availability] timeout_secs`.
    #[arg(long, value_name = "FILE")]
    pub rules: PathBuf,
    /// Root folder of reports and the run history (the visits go into DIR/history.sqlite).
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub reports: PathBuf,
    /// Record the visits on this date (YYYY-MM-DD), at the current time of day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<chrono::NaiveDate>,
    /// Network flags.
    #[command(flatten)]
    pub net: NetArgs,
}

/// Network flags shared by `crawl` and `probe`: where hosts connect, the
/// proxy and extra CA certificates.
#[derive(Debug, Args, Clone, Default)]
pub struct NetArgs {
    /// Connect to ADDR for HOST on PORT (as curl), e.g. www.example.gov.cn:443:10.0.0.5; other ports of HOST resolve normally. Repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<ResolveEntry>,
    /// Send requests for HOST on PORT to ADDR:PORT2 (as curl), e.g. a staging server on another
    /// port: www.example.gov.cn:80:10.0.0.5:8080 (an empty PORT: every port). Repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR:PORT2", value_parser = parse_connect_to)]
    pub connect_to: Vec<ResolveEntry>,
    /// Proxy for unmapped hosts: http://host:port, env (the environment's HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY) or none. Without it proxy variables are ignored.
    #[arg(long, value_name = "URL|env|none", value_parser = parse_proxy)]
    pub proxy: Option<String>,
    /// Trust this PEM CA certificate too (staging servers, internal CAs). Repeatable.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,
}

impl NetArgs {
    /// The host mappings of `--resolve` then `--connect-to`.
    pub fn mappings(&self) -> Vec<ResolveEntry> {
        self.resolve
            .iter()
            .chain(&self.connect_to)
            .cloned()
            .collect()
    }

    /// Sets `crawl.proxy` of the rules from `--proxy`, when given.
    pub fn apply(&self, rules: &mut Rules) {
        if let Some(p) = &self.proxy {
            rules.crawl.proxy = p.clone();
        }
    }
}

/// `demo` flags.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Shared run flags.
    #[command(flatten)]
    pub run: RunArgs,
    /// Keep serving the demo site after the audit (to browse it), until Ctrl-C.
    #[arg(long)]
    pub serve: bool,
}

/// Parses curl's `--connect-to HOST:PORT:ADDR:PORT2` (ADDR an IP address,
/// IPv6 in brackets) into a mapping of HOST on PORT to ADDR:PORT2. An empty
/// PORT maps every port of HOST (as curl).
pub fn parse_connect_to(s: &str) -> Result<ResolveEntry, String> {
    let err = || {
        format!("`{s}`: expected HOST:PORT:ADDR:PORT2, e.g. www.example.gov.cn:80:127.0.0.1:8080")
    };
    let (rest, port2) = s.rsplit_once(':').ok_or_else(err)?;
    let rest = match rest.split_once("::") {
        // HOST::ADDR — every port (port 0 is never a URL's port).
        Some((host, addr)) if !host.contains(':') => format!("{host}:0:{addr}"),
        _ => rest.to_string(),
    };
    let mut entry: ResolveEntry = rest.parse().map_err(|_| err())?;
    entry.connect_port = Some(port2.parse().map_err(|_| err())?);
    Ok(entry)
}

/// Validates `--proxy` (see [`ProxySetting::parse`](crate::crawl::client::ProxySetting::parse)).
pub fn parse_proxy(s: &str) -> Result<String, String> {
    crate::crawl::client::ProxySetting::parse(s).map(|_| s.trim().to_string())
}

/// Parses a duration such as `90m`, `2h`, `1h30m`, `45s` or `3600` (seconds)
/// into seconds (at least 1).
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let err = || format!("`{s}`: expected a duration such as 90m, 2h, 1h30m, 45s or 3600");
    let t = s.trim();
    if t.is_empty() {
        return Err(err());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut bare = true;
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(err()),
        };
        let n: u64 = num.parse().map_err(|_| err())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(err)?;
        num.clear();
        bare = false;
    }
    if !num.is_empty() {
        if !bare {
            return Err(err());
        }
        total = num.parse().map_err(|_| err())?;
    }
    if total == 0 {
        return Err(format!("`{s}`: the duration must be at least 1 second"));
    }
    Ok(total)
}

impl CrawlArgs {
    /// Applies the crawl flags over the rules.
    pub fn apply(&self, rules: &mut Rules) {
        let c = &mut rules.crawl;
        if let Some(v) = self.max_concurrency {
            c.max_concurrency = v.max(1);
        }
        if let Some(v) = self.host_concurrency {
            c.host_concurrency = v.max(1);
        }
        if let Some(v) = self.host_interval {
            c.host_interval_ms = v;
        }
        if let Some(v) = self.timeout {
            c.timeout_secs = v.max(1);
        }
        if let Some(v) = self.retries {
            c.retries = v;
        }
        if let Some(v) = self.max_depth {
            c.max_depth = v;
        }
        if let Some(v) = self.max_pages {
            c.max_pages = v.max(1);
        }
        if let Some(v) = self.max_duration {
            c.max_duration_secs = Some(v.max(1));
        }
        if self.homepage_only {
            c.max_depth = 0;
        }
        if self.no_robots {
            c.respect_robots = false;
        }
        self.net.apply(rules);
        if let Some(f) = &self.run.fail_on {
            rules.thresholds.fail_on = f.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_parses_as_curl() {
        let e = parse_connect_to("www.Demo.gov.cn:80:127.0.0.1:8080").unwrap();
        assert_eq!(e.host, "www.demo.gov.cn");
        assert_eq!(e.port, 80);
        assert_eq!(e.addr, "127.0.0.1".parse::<std::net::IpAddr>().unwrap());
        assert_eq!(e.connect_port, Some(8080));
        let v6 = parse_connect_to("h:443:[::1]:8443").unwrap();
        assert!(v6.addr.is_loopback());
        assert_eq!(v6.connect_port, Some(8443));
        let any = parse_connect_to("www.demo.gov.cn::127.0.0.1:8080").unwrap();
        assert_eq!((any.port, any.connect_port), (0, Some(8080)));
        for bad in [
            "h:80:127.0.0.1",
            "h:80:127.0.0.1:x",
            "h:80:localhost:8080",
            ":80:127.0.0.1:8080",
            "h:80:127.0.0.1:70000",
        ] {
            assert!(parse_connect_to(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_parse_as_a_cron_user_writes_them() {
        for (text, secs) in [
            ("45s", 45),
            ("90m", 5400),
            ("2h", 7200),
            ("1h30m", 5400),
            ("1d", 86_400),
            ("3600", 3600),
            (" 10M ", 600),
        ] {
            assert_eq!(parse_duration(text), Ok(secs), "{text}");
        }
        for bad in [
            "",
            "0",
            "0s",
            "h",
            "1x",
            "1h30",
            "-5m",
            "1.5h",
            "99999999999999999999d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        let cli =
            Cli::try_parse_from(["zwgk-audit", "crawl", "x", "--max-duration", "2h"]).unwrap();
        let Command::Crawl(args) = cli.command else {
            panic!("not crawl")
        };
        let mut rules = Rules::for_url("http://www.a.gov.cn/").unwrap();
        assert_eq!(rules.crawl.max_duration_secs, None);
        args.apply(&mut rules);
        assert_eq!(rules.crawl.max_duration_secs, Some(7200));
    }

    #[test]
    fn keep_runs_and_connect_to_reach_the_options() {
        let cli = Cli::try_parse_from([
            "zwgk-audit",
            "crawl",
            "--rules",
            "r.toml",
            "--connect-to",
            "www.a.gov.cn:80:127.0.0.1:9000",
            "--keep-runs",
            "7",
        ])
        .unwrap();
        let Command::Crawl(args) = cli.command else {
            panic!("not crawl")
        };
        assert_eq!(args.net.connect_to.len(), 1);
        assert_eq!(args.run.keep_runs, Some(7));
        assert!(
            Cli::try_parse_from(["zwgk-audit", "crawl", "x", "--keep-runs", "0"]).is_err(),
            "keeping zero runs would delete the run just made"
        );
    }
}
