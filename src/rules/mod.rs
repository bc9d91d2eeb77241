//! Rules: the TOML data that says what to audit and how (SPEC.md "Rules").
//!
//! Input: a site file (`rules/<site>.toml`) plus the built-in national defaults
//! and word lists (`rules/defaults/`, embedded in the binary). Output: a
//! validated, compiled [`Rules`] — regexes compiled, URLs parsed, hosts
//! normalised — built once before any network I/O. Every mistake in a file is a
//! [`RulesError`] naming the file, line and key.

pub mod checks;
pub mod columns;
pub mod content;
pub mod notify;
pub mod scoring;
mod table;
pub mod words;

use regex::Regex;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use thiserror::Error;
use url::Url;

/// A problem in a rules file. The message names the file, and the line and key where known.
#[derive(Debug, Error)]
pub enum RulesError {
    /// The file could not be read.
    #[error("{path}: cannot read rules file: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key or a wrong type (toml's message carries line and key).
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// What is wrong, naming the key.
        message: String,
    },
    /// A value that parses but is not valid (bad regex, bad URL, bad date …).
    #[error("{path}:{line}: key `{key}`: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the key, 0 when unknown.
        line: usize,
        /// The dotted key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// `[site]`: what the site is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteSection {
    /// Human name, e.g. 上海市知识产权局.
    pub name: String,
    /// Short id used as the reports folder name; derived from the first host when empty.
    pub id: String,
    /// Where the crawl starts. The first one is the homepage.
    pub start_urls: Vec<String>,
    /// Hosts whose pages are crawled (start URL hosts are always included):
    /// `host` or `host:port`, under the start URLs' scheme; `http://host` or
    /// `https://host:port` names the scheme (and port) to crawl that host under.
    pub own_hosts: Vec<String>,
    /// Hosts that must never be linked (CMS preview, staging): links to them are wrong links.
    pub forbidden_hosts: Vec<String>,
    /// Private-range hosts or IPs the crawler may connect to (besides `--resolve` mappings).
    pub allow_private: Vec<String>,
    /// Regexes: only internal URLs matching one of these are crawled (empty: all).
    pub include: Vec<String>,
    /// Regexes: internal URLs matching one of these are checked but not crawled.
    pub exclude: Vec<String>,
    /// Regexes: URLs matching one of these are neither checked nor crawled.
    pub ignore: Vec<String>,
}

/// `[crawl]`: politeness and limits. Every value can be overridden on the command line.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrawlSection {
    /// Requests in flight over all hosts.
    pub max_concurrency: usize,
    /// Requests in flight to one host.
    pub host_concurrency: usize,
    /// Minimum milliseconds between two request starts to one host.
    pub host_interval_ms: u64,
    /// Whole-request timeout (headers and body), seconds.
    pub timeout_secs: u64,
    /// Connect timeout, seconds.
    pub connect_timeout_secs: u64,
    /// Retries for transient failures (timeouts, 5xx, 429, resets).
    pub retries: u32,
    /// First backoff between retries, milliseconds (doubles each retry).
    pub backoff_ms: u64,
    /// Longest backoff between retries, milliseconds.
    pub max_backoff_ms: u64,
    /// Connection attempts in a row that time out before a host counts as
    /// down for the rest of the run (its other URLs are reported, not
    /// fetched); 0 never gives up on a host.
    pub host_failures: u32,
    /// Longest `Retry-After` honoured, seconds; a longer one ends as a suspected finding.
    pub max_retry_after_secs: u64,
    /// Redirects followed before a link counts as broken.
    pub max_redirects: usize,
    /// Deepest link depth crawled from the start URLs.
    pub max_depth: u32,
    /// Most pages crawled in a run.
    pub max_pages: usize,
    /// Longest time a run crawls, seconds: at the deadline it stops as
    /// Ctrl-C does (reports written, resumable with `--resume`). None: no
    /// deadline.
    pub max_duration_secs: Option<u64>,
    /// Most bytes read of one page (after decompression); the rest is ignored.
    pub max_page_bytes: usize,
    /// Most bytes of page bodies held and being parsed at once, over all
    /// requests; big pages wait for each other beyond it.
    pub body_budget_bytes: usize,
    /// Most URLs crawled per URL pattern (digits collapsed, query keys kept).
    pub max_urls_per_pattern: usize,
    /// Most different session-like tokens (hex, UUID, base64, ASP.NET
    /// `(S(…))`) crawled in a directory segment under one path prefix.
    pub max_tokens_per_prefix: usize,
    /// Most links taken from one page.
    pub max_links_per_page: usize,
    /// Most requests a column page's list feed makes (Hanweb data-proxy
    /// groups, JSON endpoint pages).
    pub max_feed_requests: usize,
    /// Most items list feeds add to one column page.
    pub max_feed_items: usize,
    /// Respect robots.txt on the own hosts (turn off for one's own site).
    pub respect_robots: bool,
    /// Check external links (one request each; never crawled).
    pub check_external: bool,
    /// The User-Agent sent; it names the auditor.
    pub user_agent: String,
    /// Proxy for hosts that are not mapped, not loopback and not in
    /// `site.allow_private`: an `http://host:port` URL, `env` (the
    /// environment's `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY`)
    /// or empty (direct; proxy variables in the environment are ignored).
    pub proxy: String,
}

impl Default for CrawlSection {
    fn default() -> Self {
        CrawlSection {
            max_concurrency: 16,
            host_concurrency: 4,
            host_interval_ms: 100,
            timeout_secs: 20,
            connect_timeout_secs: 10,
            retries: 2,
            backoff_ms: 500,
            max_backoff_ms: 30_000,
            host_failures: 3,
            max_retry_after_secs: 60,
            max_redirects: 10,
            max_depth: 50,
            max_pages: 200_000,
            max_duration_secs: None,
            max_page_bytes: 10 * 1024 * 1024,
            body_budget_bytes: 16 * 1024 * 1024,
            max_urls_per_pattern: 20_000,
            max_tokens_per_prefix: 100,
            max_links_per_page: 5_000,
            max_feed_requests: 40,
            max_feed_items: 2_000,
            respect_robots: true,
            check_external: true,
            user_agent: concat!(
                "zwgk-audit/",
                env!("CARGO_PKG_VERSION"),
                " (government website audit; +https://github.com/zwgk-audit)"
            )
            .to_string(),
            proxy: String::new(),
        }
    }
}

/// `[thresholds]`: when a finding is raised and when a run fails.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThresholdsSection {
    /// A page slower than this many milliseconds is a `slow_page`.
    pub slow_page_ms: u64,
    /// The lowest severity that makes the run exit 1: `error`, `warning`, `info` or `new`.
    pub fail_on: String,
}

impl Default for ThresholdsSection {
    fn default() -> Self {
        ThresholdsSection {
            slow_page_ms: 10_000,
            fail_on: "error".into(),
        }
    }
}

/// The whole site file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RulesFile {
    /// `[site]`
    pub site: SiteSection,
    /// `[crawl]`
    pub crawl: CrawlSection,
    /// `[thresholds]`
    pub thresholds: ThresholdsSection,
    /// `[words]`: extra or replacement word lists.
    pub words: words::WordsSection,
    /// `[portal]` and `[[columns]]`: the required columns.
    pub portal: columns::PortalSection,
    /// `[[columns]]`
    pub columns: Vec<columns::ColumnRule>,
    /// `[content]`: privacy, forbidden text, accessibility switches.
    pub content: content::ContentSection,
    /// `[scoring]`: national indicator numbers (defaults from the national pack).
    pub scoring: scoring::ScoringSection,
    /// `[pubdate]`: 发布日期异常 (defaults from `rules/defaults/checks.toml`).
    #[serde(deserialize_with = "checks::merged")]
    pub pubdate: checks::PubdateSection,
    /// `[hidden]`: 暗链.
    #[serde(deserialize_with = "checks::merged")]
    pub hidden: checks::HiddenSection,
    /// `[guide]`: 办事指南要素.
    #[serde(deserialize_with = "checks::merged")]
    pub guide: checks::GuideSection,
    /// `[interaction]`: 互动回应差.
    #[serde(deserialize_with = "checks::merged")]
    pub interaction: checks::InteractionSection,
    /// `[notify]`: alerts after a run.
    pub notify: notify::NotifySection,
}

/// Validated, compiled rules: what the engine uses.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The file the rules came from (None for `crawl URL` without rules).
    pub path: Option<PathBuf>,
    /// Site name.
    pub name: String,
    /// Reports folder id.
    pub id: String,
    /// Start URLs (at least one).
    pub start_urls: Vec<Url>,
    /// Own hosts, lower-case, with `host` or `host:port` as written (an
    /// entry written `scheme://host[:port]` gives its host here and its
    /// origin in `crawl_origins`).
    pub own_hosts: Vec<String>,
    /// Origins the rules name for own hosts (`own_hosts` entries written
    /// `http://host` or `https://host:port`): crawled besides the start
    /// URLs' (see [`crate::crawl::scope`]).
    pub crawl_origins: Vec<Url>,
    /// Forbidden hosts, lower-case.
    pub forbidden_hosts: Vec<String>,
    /// Private hosts/IPs explicitly allowed.
    pub allow_private: Vec<String>,
    /// Include regexes.
    pub include: Vec<Regex>,
    /// Exclude regexes.
    pub exclude: Vec<Regex>,
    /// Ignore regexes.
    pub ignore: Vec<Regex>,
    /// Crawl settings.
    pub crawl: CrawlSection,
    /// Thresholds.
    pub thresholds: ThresholdsSection,
    /// Compiled word lists.
    pub words: words::Words,
    /// Compiled column rules.
    pub columns: columns::Columns,
    /// Content check settings.
    pub content: content::Content,
    /// Scoring numbers.
    pub scoring: scoring::ScoringSection,
    /// Page-check settings: dates, hidden links, guides, message boards.
    pub checks: checks::Checks,
    /// Alerts after a run.
    pub notify: notify::Notify,
}

impl Rules {
    /// Loads and validates a rules file.
    pub fn load(path: &Path) -> Result<Rules, RulesError> {
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Rules::from_toml(&text, path)
    }

    /// Parses and validates rules text; `path` names the file in errors and
    /// anchors relative paths.
    pub fn from_toml(text: &str, path: &Path) -> Result<Rules, RulesError> {
        let file: RulesFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or_default();
            let message = e.message().trim().replace('\n', "; ");
            let message = match e.span().and_then(|s| key_at(text, s.start)) {
                Some(key) if !message.contains(&key) => {
                    format!("key `{key}`: {message}")
                }
                _ => message,
            };
            RulesError::Parse {
                path: path.to_path_buf(),
                line,
                message,
            }
        })?;
        let ctx = Ctx { path, text };
        Rules::compile(file, &ctx, Some(path.to_path_buf()))
    }

    /// Rules for a bare `crawl URL` run: that URL, its host, all defaults.
    pub fn for_url(url: &str) -> Result<Rules, RulesError> {
        let file = RulesFile {
            site: SiteSection {
                start_urls: vec![url.to_string()],
                ..Default::default()
            },
            ..Default::default()
        };
        let ctx = Ctx {
            path: Path::new("<command line>"),
            text: "",
        };
        Rules::compile(file, &ctx, None)
    }

    fn compile(file: RulesFile, ctx: &Ctx, path: Option<PathBuf>) -> Result<Rules, RulesError> {
        let mut start_urls = Vec::new();
        if file.site.start_urls.is_empty() {
            return Err(ctx.invalid("site.start_urls", "at least one start URL is required"));
        }
        for (i, s) in file.site.start_urls.iter().enumerate() {
            let u = Url::parse(s.trim()).map_err(|e| {
                ctx.invalid(
                    "site.start_urls",
                    &format!("entry {} `{s}` is not a URL: {e}", i + 1),
                )
            })?;
            if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
                return Err(ctx.invalid(
                    "site.start_urls",
                    &format!("`{s}` must be an http:// or https:// URL with a host"),
                ));
            }
            start_urls.push(u);
        }
        let mut own_hosts: Vec<String> = Vec::new();
        let mut crawl_origins: Vec<Url> = Vec::new();
        for h in &file.site.own_hosts {
            let h = h.trim().to_ascii_lowercase();
            if !h.contains("://") {
                own_hosts.push(h);
                continue;
            }
            // `scheme://host[:port]`: the host, crawled under that scheme and port.
            let bad = |why: &str| {
                ctx.invalid(
                    "site.own_hosts",
                    &format!("`{h}`: {why} (write `host`, `host:port` or `http(s)://host[:port]`)"),
                )
            };
            let u = Url::parse(&h).map_err(|e| bad(&e.to_string()))?;
            let Some(host) = u.host_str() else {
                return Err(bad("no host"));
            };
            if !matches!(u.scheme(), "http" | "https") {
                return Err(bad("the scheme must be http or https"));
            }
            if u.path() != "/" || u.query().is_some() || u.fragment().is_some() {
                return Err(bad("a host takes no path, query or fragment"));
            }
            if !u.username().is_empty() || u.password().is_some() {
                return Err(bad("a host takes no user name or password"));
            }
            if !own_hosts.iter().any(|o| o == host) {
                own_hosts.push(host.to_string());
            }
            crawl_origins.push(u);
        }
        for u in &start_urls {
            if let Some(h) = u.host_str() {
                let h = h.to_ascii_lowercase();
                if !own_hosts.contains(&h) {
                    own_hosts.push(h);
                }
            }
        }
        let id = if file.site.id.trim().is_empty() {
            sanitize_id(start_urls[0].host_str().unwrap_or("site"))
        } else {
            let id = file.site.id.trim();
            if id == "." || id == ".." {
                return Err(ctx.invalid(
                    "site.id",
                    &format!(
                        "`{id}` names the reports folder itself or its parent, not a folder of its own: use a name such as `sipa`"
                    ),
                ));
            }
            if !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
            {
                return Err(ctx.invalid(
                    "site.id",
                    "use only ASCII letters, digits, '-', '_' and '.' (it names one folder under the reports folder: no path separators)",
                ));
            }
            id.to_string()
        };
        let name = if file.site.name.trim().is_empty() {
            id.clone()
        } else {
            file.site.name.trim().to_string()
        };
        let c = &file.crawl;
        for (key, v) in [
            ("crawl.max_concurrency", c.max_concurrency),
            ("crawl.host_concurrency", c.host_concurrency),
            ("crawl.max_pages", c.max_pages),
            ("crawl.max_page_bytes", c.max_page_bytes),
            ("crawl.body_budget_bytes", c.body_budget_bytes),
            ("crawl.max_urls_per_pattern", c.max_urls_per_pattern),
            ("crawl.max_tokens_per_prefix", c.max_tokens_per_prefix),
            ("crawl.max_links_per_page", c.max_links_per_page),
            ("crawl.max_feed_requests", c.max_feed_requests),
            ("crawl.max_feed_items", c.max_feed_items),
        ] {
            if v == 0 {
                return Err(ctx.invalid(key, "must be at least 1"));
            }
        }
        if let Err(e) = crate::crawl::client::ProxySetting::parse(&c.proxy) {
            return Err(ctx.invalid("crawl.proxy", &e));
        }
        if c.timeout_secs == 0 {
            return Err(ctx.invalid("crawl.timeout_secs", "must be at least 1"));
        }
        if c.max_duration_secs == Some(0) {
            return Err(ctx.invalid("crawl.max_duration_secs", "must be at least 1"));
        }
        if !matches!(
            file.thresholds.fail_on.as_str(),
            "error" | "warning" | "info" | "new"
        ) {
            return Err(ctx.invalid(
                "thresholds.fail_on",
                "must be one of error, warning, info, new",
            ));
        }
        let words = words::Words::compile(&file.words, ctx)?;
        let mut columns = columns::Columns::compile(&file.portal, &file.columns, ctx)?;
        let content = content::Content::compile(&file.content, ctx)?;
        file.scoring.validate(ctx)?;
        // One homepage window: `[portal] homepage_window_days` when the site
        // gives it, else `[scoring.veto.homepage_stale] days`; the judgement
        // and the veto table use the same number.
        let mut scoring = file.scoring;
        match file.portal.homepage_window_days {
            Some(d) => {
                let h = &mut scoring.veto.homepage_stale;
                h.days = d;
                h.warning_days = h.warning_days.map(|w| w.min(d));
            }
            None => columns.homepage_window_days = scoring.veto.homepage_stale.days,
        }
        let column_names: Vec<String> = columns.columns.iter().map(|c| c.name.clone()).collect();
        let checks = checks::Checks::compile(
            file.pubdate,
            file.hidden,
            file.guide,
            file.interaction,
            &column_names,
            ctx,
        )?;
        let notify = notify::Notify::compile(&file.notify, ctx)?;
        Ok(Rules {
            path,
            name,
            id,
            start_urls,
            own_hosts,
            crawl_origins,
            forbidden_hosts: lower(&file.site.forbidden_hosts),
            allow_private: lower(&file.site.allow_private),
            include: ctx.regexes("site.include", &file.site.include)?,
            exclude: ctx.regexes("site.exclude", &file.site.exclude)?,
            ignore: ctx.regexes("site.ignore", &file.site.ignore)?,
            crawl: file.crawl,
            thresholds: file.thresholds,
            words,
            columns,
            content,
            scoring,
            checks,
            notify,
        })
    }

    /// The homepage (the first start URL).
    pub fn homepage(&self) -> &Url {
        &self.start_urls[0]
    }
}

fn lower(v: &[String]) -> Vec<String> {
    v.iter().map(|s| s.trim().to_ascii_lowercase()).collect()
}

/// Makes a folder-safe id from a host name.
pub fn sanitize_id(s: &str) -> String {
    let id: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() || id == "." || id == ".." {
        "site".into()
    } else {
        id
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The dotted key assigned on the line holding `offset` (`crawl.timeout_secs`
/// for `timeout_secs = "ten"` under `[crawl]`), when that line is a plain
/// `key = value`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let line_no = line_of(text, offset);
    let mut table = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if i + 1 == line_no {
            let (key, _) = t.split_once('=')?;
            let key = key.trim().trim_matches(['"', '\'']);
            let plain = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !plain {
                return None;
            }
            return Some(if table.is_empty() {
                key.to_string()
            } else {
                format!("{table}.{key}")
            });
        }
        if let Some(h) = t.strip_prefix('[') {
            let h = h.trim_start_matches('[');
            if let Some((name, _)) = h.split_once(']') {
                table = name.trim().to_string();
            }
        }
    }
    None
}

/// Where a rules file is being compiled: names the file and finds key lines in errors.
pub struct Ctx<'a> {
    /// The file.
    pub path: &'a Path,
    /// Its text (for finding the line of a key).
    pub text: &'a str,
}

impl Ctx<'_> {
    /// An `Invalid` error for `key`, with the line where its last segment is written.
    pub fn invalid(&self, key: &str, message: &str) -> RulesError {
        RulesError::Invalid {
            path: self.path.to_path_buf(),
            line: self.line_of_key(key),
            key: key.to_string(),
            message: message.to_string(),
        }
    }

    /// The first line on which the last segment of a dotted key is assigned (0 if not found).
    pub fn line_of_key(&self, key: &str) -> usize {
        let last = key.rsplit('.').next().unwrap_or(key);
        let last = last.split('[').next().unwrap_or(last);
        for (i, line) in self.text.lines().enumerate() {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix(last)
                && rest.trim_start().starts_with('=')
            {
                return i + 1;
            }
        }
        0
    }

    /// Compiles a list of regexes, naming the key and entry on failure.
    pub fn regexes(&self, key: &str, list: &[String]) -> Result<Vec<Regex>, RulesError> {
        list.iter()
            .map(|p| {
                Regex::new(p).map_err(|e| {
                    self.invalid(
                        key,
                        &format!("bad regex `{p}`: {}", first_line(&e.to_string())),
                    )
                })
            })
            .collect()
    }

    /// Resolves a path relative to the rules file's folder.
    pub fn relative(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.path.parent().unwrap_or(Path::new(".")).join(p)
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_homepage_window_for_the_judgement_and_the_veto_table() {
        let site = "[site]\nstart_urls = [\"http://www.a.gov.cn/\"]\n";
        let r = Rules::from_toml(site, Path::new("s.toml")).unwrap();
        assert_eq!(r.columns.homepage_window_days, 14);
        assert_eq!(r.scoring.veto.homepage_stale.days, 14);
        let r = Rules::from_toml(
            &format!("{site}[scoring.veto.homepage_stale]\ndays = 7\nwarning_days = 5\n"),
            Path::new("s.toml"),
        )
        .unwrap();
        assert_eq!(r.columns.homepage_window_days, 7);
        let r = Rules::from_toml(
            &format!("{site}[portal]\nhomepage_window_days = 8\n"),
            Path::new("s.toml"),
        )
        .unwrap();
        assert_eq!(r.columns.homepage_window_days, 8);
        assert_eq!(r.scoring.veto.homepage_stale.days, 8);
        assert_eq!(r.scoring.veto.homepage_stale.warning_days, Some(8));
    }

    /// Regression (found by tests/it/props.rs): a wrong type said
    /// `invalid type: string "ten", expected u64` without naming the key.
    #[test]
    fn wrong_type_error_names_the_key() {
        let text =
            "[site]\nstart_urls = [\"http://www.a.gov.cn/\"]\n\n[crawl]\ntimeout_secs = \"ten\"\n";
        let e = Rules::from_toml(text, Path::new("site.toml")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "site.toml:5: key `crawl.timeout_secs`: invalid type: string \"ten\", expected u64"
        );
        let text =
            "[site]\nstart_urls = [\"http://www.a.gov.cn/\"]\n[crawl]\nretries = 1\nbogus = 2\n";
        let e = Rules::from_toml(text, Path::new("site.toml")).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("site.toml:5: key `crawl.bogus`: unknown field `bogus`"),
            "{msg}"
        );
        assert_eq!(
            key_at("a = 1\n[x]\n  b.c = [", 16).as_deref(),
            Some("x.b.c")
        );
        assert_eq!(key_at("[x]\n\"quoted key\" = 1", 6), None);
        assert_eq!(
            key_at("[[columns]]\nname = 1", 13).as_deref(),
            Some("columns.name")
        );
    }

    /// The site id names one folder under the reports folder: `.`, `..` and
    /// separators would write (and prune) runs somewhere else.
    #[test]
    fn site_id_must_name_one_folder() {
        let rules = |id: &str| {
            let text = format!("[site]\nid = \"{id}\"\nstart_urls = [\"http://www.a.gov.cn/\"]\n");
            Rules::from_toml(&text, Path::new("site.toml")).map(|r| r.id)
        };
        for (bad, why) in [
            (".", "names the reports folder itself or its parent"),
            ("..", "names the reports folder itself or its parent"),
            ("../other", "no path separators"),
            ("a/b", "no path separators"),
            ("a\\\\b", "no path separators"),
        ] {
            let msg = rules(bad).unwrap_err().to_string();
            assert!(
                msg.starts_with("site.toml:2: key `site.id`") && msg.contains(why),
                "{bad}: {msg}"
            );
        }
        for good in ["sipa", "www.sipa.sh.gov.cn", "site-2", "...x"] {
            assert_eq!(rules(good).unwrap(), good);
        }
        assert_eq!(sanitize_id(".."), "site");
        assert_eq!(sanitize_id("."), "site");
    }
}

#[cfg(test)]
mod example_tests {
    use super::*;

    #[test]
    fn shipped_rules_files_load() {
        for f in ["rules/example.toml", "rules/sipa.toml", "rules/demo.toml"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(f);
            let r = Rules::load(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(!r.start_urls.is_empty(), "{f}");
        }
    }
}
