//! The HTTP clients of a run: rustls (no system OpenSSL), extra CA
//! certificates, the guarded resolver, no automatic redirects (they are
//! followed hop by hop in `fetch`), keep-alive pools sized to the per-host
//! limit.
//!
//! `--resolve` / `--connect-to` map a host *and* a port (as curl), but a
//! resolver only sees names: so the mappings are grouped by the port they
//! apply to, and each group gets its own client whose resolver maps that
//! group's hosts. [`Clients::for_url`] picks the client of a URL's host and
//! port; every other URL goes to the default client, whose resolver maps
//! nothing and refuses private addresses unless the name is allowed.
//!
//! Proxies are explicit: environment variables (`HTTP_PROXY` …) are ignored
//! unless the setting is `env`. A proxy is used only by the default client,
//! never for loopback, private IP literals (those the guard let through were
//! allowed explicitly) or names listed in `[site] allow_private`; mapped hosts
//! never reach the default client. Through a proxy, names are resolved by the
//! proxy, so the private-address guard only applies to IP literals there.

use super::resolve::{Fallback, GuardedResolver, ResolveEntry, is_private_ip};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use url::{Host, Url};

/// Why the client could not be built.
#[derive(Debug, Error)]
pub enum ClientError {
    /// The CA file could not be read.
    #[error("--ca-cert {path}: {source}")]
    CaRead {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The CA file holds no usable PEM certificate.
    #[error("--ca-cert {path}: not a PEM certificate ({reason})")]
    CaParse {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// reqwest refused the configuration.
    #[error("HTTP client: {0}")]
    Build(String),
    /// The proxy setting (`--proxy`, `[crawl] proxy` or an environment variable) is unusable.
    #[error("proxy: {0}")]
    Proxy(String),
}

/// Environment variables that name a proxy (curl's, in both cases).
pub const PROXY_ENV_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Which proxy to use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// Connect directly (the default; environment variables are ignored).
    #[default]
    Direct,
    /// One HTTP(S) proxy for every URL that may use one.
    Url(Url),
    /// The environment's `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` and
    /// `NO_PROXY` (curl's rules), read when the client is built.
    Env,
}

impl ProxySetting {
    /// Parses `--proxy` / `[crawl] proxy`: empty or `none` (direct), `env`,
    /// or an `http://` / `https://` proxy URL.
    pub fn parse(s: &str) -> Result<ProxySetting, String> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "" | "none" | "direct" => return Ok(ProxySetting::Direct),
            "env" => return Ok(ProxySetting::Env),
            _ => {}
        }
        proxy_url(t).map(ProxySetting::Url)
    }
}

/// A proxy URL: `http://` or `https://` with a host (a bare `host:port` is
/// taken as `http://host:port`, as curl does).
fn proxy_url(s: &str) -> Result<Url, String> {
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("http://{s}")
    };
    let u = Url::parse(&with_scheme).map_err(|e| {
        format!("`{s}` is not a proxy URL ({e}): give http://host:port, env or none")
    })?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!(
            "`{s}`: only http:// and https:// proxies are supported (not {}://)",
            u.scheme()
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{s}`: the proxy URL names no host"));
    }
    Ok(u)
}

/// A proxy URL for the log and the reports: no user name or password.
fn redact(u: &Url) -> String {
    let mut u = u.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string().trim_end_matches('/').to_string()
}

/// The environment as the proxy plan reads it (a test passes its own).
type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The first non-empty variable of `names`.
fn env_var(env: Env, names: &[&str]) -> Option<String> {
    names
        .iter()
        .filter_map(|n| env(n))
        .find(|v| !v.trim().is_empty())
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The proxies a run uses, resolved from the setting.
#[derive(Clone)]
struct ProxyPlan {
    http: Option<Url>,
    https: Option<Url>,
    /// NO_PROXY of the environment (env setting only).
    no_proxy: Option<Arc<hyper_util::client::proxy::matcher::Matcher>>,
    /// Names that always connect directly (`[site] allow_private`).
    direct: Arc<Vec<String>>,
}

impl ProxyPlan {
    fn new(
        setting: &ProxySetting,
        direct: &[String],
        env: Env,
    ) -> Result<Option<ProxyPlan>, ClientError> {
        let (http, https, no_proxy) = match setting {
            ProxySetting::Direct => return Ok(None),
            ProxySetting::Url(u) => (Some(u.clone()), Some(u.clone()), None),
            ProxySetting::Env => {
                let read = |names: &[&str]| -> Result<Option<Url>, ClientError> {
                    env_var(env, names)
                        .map(|v| proxy_url(v.trim()).map_err(ClientError::Proxy))
                        .transpose()
                };
                let all = read(&["ALL_PROXY", "all_proxy"])?;
                // HTTP_PROXY in upper case is not trusted under CGI (httpoxy), as curl.
                let http_names: &[&str] = if env("REQUEST_METHOD").is_some() {
                    &["http_proxy"]
                } else {
                    &["http_proxy", "HTTP_PROXY"]
                };
                let http = read(http_names)?.or_else(|| all.clone());
                let https = read(&["https_proxy", "HTTPS_PROXY"])?.or(all);
                let no = env_var(env, &["NO_PROXY", "no_proxy"]).map(|no| {
                    Arc::new(
                        hyper_util::client::proxy::matcher::Matcher::builder()
                            .all("http://no-proxy.invalid".to_string())
                            .no(no)
                            .build(),
                    )
                });
                (http, https, no)
            }
        };
        if http.is_none() && https.is_none() {
            tracing::warn!(
                "--proxy env: no HTTP_PROXY, HTTPS_PROXY or ALL_PROXY is set: connecting directly"
            );
            return Ok(None);
        }
        Ok(Some(ProxyPlan {
            http,
            https,
            no_proxy,
            direct: Arc::new(direct.to_vec()),
        }))
    }

    /// The proxy for `url`, None to connect directly.
    fn for_url(&self, url: &Url) -> Option<Url> {
        let host = url.host_str()?.to_ascii_lowercase();
        let literal = match url.host()? {
            Host::Ipv4(v4) => Some(std::net::IpAddr::V4(v4)),
            Host::Ipv6(v6) => Some(std::net::IpAddr::V6(v6)),
            Host::Domain(_) => None,
        };
        let bare = host.trim_matches(['[', ']']);
        let with_port = format!("{bare}:{}", url.port_or_known_default().unwrap_or(0));
        if literal.is_some_and(is_private_ip)
            || bare == "localhost"
            || bare.ends_with(".localhost")
            || self.direct.iter().any(|d| d == bare || *d == with_port)
        {
            return None;
        }
        if let Some(no) = &self.no_proxy {
            let probe: Option<hyper::Uri> = format!("http://{host}/").parse().ok();
            if probe.is_some_and(|u| no.intercept(&u).is_none()) {
                return None;
            }
        }
        match url.scheme() {
            "https" => self.https.clone(),
            _ => self.http.clone(),
        }
    }

    /// The proxy host names (resolved by the default client, and allowed to
    /// be private: a bureau's proxy usually is).
    fn hosts(&self) -> Vec<String> {
        let mut v: Vec<String> = [&self.http, &self.https]
            .into_iter()
            .flatten()
            .filter_map(|u| match u.host()? {
                Host::Domain(d) => Some(d.to_ascii_lowercase()),
                _ => None,
            })
            .collect();
        v.dedup();
        v
    }

    /// The proxies in words, without credentials.
    fn describe(&self) -> String {
        match (&self.http, &self.https) {
            (Some(a), Some(b)) if a == b => redact(a),
            (a, b) => {
                let one =
                    |u: &Option<Url>| u.as_ref().map(redact).unwrap_or_else(|| "direct".into());
                format!("http: {}, https: {}", one(a), one(b))
            }
        }
    }
}

/// The HTTP clients of a run (see the module doc).
#[derive(Clone)]
pub struct Clients {
    default: reqwest::Client,
    /// (URL port, 0 for every port; hosts of the group; client).
    mapped: Vec<(u16, Vec<String>, reqwest::Client)>,
    proxy: Option<String>,
}

impl Clients {
    /// The client for `url`: the one mapping its host on its port, then the
    /// one mapping its host on every port, else the default client.
    pub fn for_url(&self, url: &Url) -> &reqwest::Client {
        // http(s) URL hosts are lower-case already (the url crate normalises them).
        let Some(host) = url.host_str() else {
            return &self.default;
        };
        let port = url.port_or_known_default().unwrap_or(0);
        let group = |p: u16| {
            self.mapped
                .iter()
                .find(|(gp, hosts, _)| *gp == p && hosts.iter().any(|h| h == host))
        };
        match group(port).or_else(|| group(0)) {
            Some((_, _, c)) => c,
            None => &self.default,
        }
    }

    /// The proxy in use (without credentials), None when connecting directly.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy.as_deref()
    }
}

/// What the client is built from.
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// User-Agent header.
    pub user_agent: String,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Extra PEM CA files (`--ca-cert`).
    pub ca_certs: Vec<PathBuf>,
    /// `--resolve` mappings.
    pub resolve: Vec<ResolveEntry>,
    /// Names allowed to resolve to private addresses.
    pub allow_private: Vec<String>,
    /// An injected resolver for names not mapped (tests); None: system DNS.
    pub fallback_resolver: Option<Fallback>,
    /// Idle keep-alive connections kept per host.
    pub pool_per_host: usize,
    /// The proxy setting.
    pub proxy: ProxySetting,
}

/// Builds the clients: one per port group of mappings, one default.
pub fn build(opts: &ClientOptions) -> Result<Clients, ClientError> {
    let set: Vec<&str> = PROXY_ENV_VARS
        .iter()
        .copied()
        .filter(|n| std::env::var_os(n).is_some_and(|v| !v.is_empty()))
        .collect();
    if opts.proxy != ProxySetting::Env && !set.is_empty() {
        tracing::info!(
            "proxy variables in the environment are ignored ({}): give --proxy env to use them",
            set.join(", ")
        );
    }
    let plan = ProxyPlan::new(&opts.proxy, &opts.allow_private, &process_env)?;
    let mut allow = opts.allow_private.clone();
    if let Some(p) = &plan {
        allow.extend(p.hosts());
        tracing::info!(
            proxy = %p.describe(),
            "using a proxy: names of unmapped hosts are resolved by the proxy"
        );
    }
    let mut groups: BTreeMap<u16, Vec<ResolveEntry>> = BTreeMap::new();
    for e in &opts.resolve {
        groups.entry(e.port).or_default().push(e.clone());
    }
    let mut mapped = Vec::with_capacity(groups.len());
    for (port, entries) in groups {
        let resolver = GuardedResolver::new(&entries, &allow, opts.fallback_resolver.clone());
        let client = build_one(opts, resolver, None)?;
        let mut hosts: Vec<String> = entries.into_iter().map(|e| e.host).collect();
        hosts.sort();
        hosts.dedup();
        mapped.push((port, hosts, client));
    }
    let resolver = GuardedResolver::new(&[], &allow, opts.fallback_resolver.clone());
    let default = build_one(opts, resolver, plan.clone())?;
    Ok(Clients {
        default,
        mapped,
        proxy: plan.map(|p| p.describe()),
    })
}

/// One client over `resolver`, through `proxy` when given.
fn build_one(
    opts: &ClientOptions,
    resolver: GuardedResolver,
    proxy: Option<ProxyPlan>,
) -> Result<reqwest::Client, ClientError> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ),
    );
    headers.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        reqwest::header::HeaderValue::from_static("zh-CN,zh;q=0.9,en;q=0.5"),
    );
    let mut b = reqwest::Client::builder()
        .user_agent(opts.user_agent.clone())
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(opts.connect_timeout)
        .pool_max_idle_per_host(opts.pool_per_host.max(1))
        .pool_idle_timeout(Duration::from_secs(30))
        .tcp_nodelay(true)
        .gzip(true)
        .brotli(true)
        .deflate(true)
        // Never the environment's proxies behind the user's back.
        .no_proxy()
        .dns_resolver(Arc::new(resolver));
    if let Some(plan) = proxy {
        b = b.proxy(reqwest::Proxy::custom(move |url| plan.for_url(url)));
    }
    for path in &opts.ca_certs {
        let pem = std::fs::read(path).map_err(|source| ClientError::CaRead {
            path: path.clone(),
            source,
        })?;
        let certs =
            reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ClientError::CaParse {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        if certs.is_empty() || !String::from_utf8_lossy(&pem).contains("BEGIN CERTIFICATE") {
            return Err(ClientError::CaParse {
                path: path.clone(),
                reason: "no certificate found".into(),
            });
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    b.build().map_err(|e| {
        // reqwest says only "builder error": name the cause, and the CA
        // files when there are any (a malformed certificate ends up here).
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            src = s.source();
        }
        match opts.ca_certs.as_slice() {
            [] => ClientError::Build(msg),
            files => ClientError::CaParse {
                path: files
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
                reason: msg,
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(setting: &str, env: &[(&str, &str)], direct: &[&str]) -> Option<ProxyPlan> {
        let vars: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let direct: Vec<String> = direct.iter().map(|d| d.to_string()).collect();
        ProxyPlan::new(&ProxySetting::parse(setting).unwrap(), &direct, &lookup).unwrap()
    }

    fn via(p: &ProxyPlan, url: &str) -> Option<String> {
        p.for_url(&Url::parse(url).unwrap()).map(|u| redact(&u))
    }

    #[test]
    fn each_url_goes_to_the_client_of_its_host_and_port() {
        let entry = |s: &str| crate::cli::parse_connect_to(s).unwrap();
        let clients = build(&ClientOptions {
            user_agent: "t".into(),
            connect_timeout: Duration::from_secs(1),
            resolve: vec![
                entry("www.a.gov.cn:443:127.0.0.1:8443"),
                entry("www.a.gov.cn:80:127.0.0.1:8080"),
                entry("www.b.gov.cn::127.0.0.1:9000"),
                entry("www.c.gov.cn:8443:127.0.0.1:9443"),
            ],
            ..Default::default()
        })
        .unwrap();
        let group = |u: &str| {
            let c = clients.for_url(&Url::parse(u).unwrap());
            if std::ptr::eq(c, &clients.default) {
                return None;
            }
            clients
                .mapped
                .iter()
                .find(|(_, _, m)| std::ptr::eq(m, c))
                .map(|(port, _, _)| *port)
        };
        assert_eq!(group("https://www.a.gov.cn/"), Some(443));
        assert_eq!(group("http://www.a.gov.cn:443/"), Some(443));
        assert_eq!(group("http://www.a.gov.cn/"), Some(80));
        assert_eq!(group("http://www.a.gov.cn:6379/"), None, "unmapped port");
        assert_eq!(group("http://www.b.gov.cn:6379/"), Some(0), "every port");
        assert_eq!(group("https://www.b.gov.cn/"), Some(0));
        assert_eq!(group("https://www.c.gov.cn:8443/"), Some(8443));
        assert_eq!(group("https://www.c.gov.cn/"), None);
        assert_eq!(group("http://www.d.gov.cn/"), None);
        assert_eq!(clients.proxy(), None);
    }

    #[test]
    fn settings_parse() {
        assert_eq!(ProxySetting::parse("").unwrap(), ProxySetting::Direct);
        assert_eq!(ProxySetting::parse("none").unwrap(), ProxySetting::Direct);
        assert_eq!(ProxySetting::parse(" ENV ").unwrap(), ProxySetting::Env);
        let ProxySetting::Url(u) = ProxySetting::parse("proxy.bureau.local:3128").unwrap() else {
            panic!("a URL")
        };
        assert_eq!(u.as_str(), "http://proxy.bureau.local:3128/");
        for bad in [
            "socks5://10.0.0.1:1080",
            "http://",
            "ftp://p:21",
            "http://a b:1",
        ] {
            assert!(ProxySetting::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_explicit_proxy_skips_loopback_private_literals_and_allowed_names() {
        let p = plan(
            "http://user:pw@10.0.0.9:3128",
            &[],
            &["oa.a.gov.cn", "db.a.gov.cn:8443"],
        )
        .unwrap();
        let proxy = Some("http://10.0.0.9:3128".to_string());
        assert_eq!(via(&p, "http://www.gov.cn/"), proxy);
        assert_eq!(via(&p, "https://www.gov.cn/a"), proxy);
        assert_eq!(
            via(&p, "http://202.96.209.5/"),
            proxy,
            "a public IP literal"
        );
        assert_eq!(via(&p, "http://oa.a.gov.cn/x"), None);
        assert_eq!(via(&p, "https://db.a.gov.cn:8443/"), None);
        assert_eq!(
            via(&p, "https://db.a.gov.cn/"),
            proxy,
            "another port of a name listed with its port"
        );
        for direct in [
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://localhost/",
            "http://a.localhost/",
            "http://10.1.2.3/",
            "http://[fd00::1]/",
        ] {
            assert_eq!(via(&p, direct), None, "{direct}");
        }
        // The credentials go to the proxy, never into the reports.
        assert_eq!(
            p.for_url(&Url::parse("http://www.gov.cn/").unwrap())
                .unwrap()
                .username(),
            "user"
        );
        assert_eq!(p.describe(), "http://10.0.0.9:3128");
        assert!(p.hosts().is_empty(), "an IP literal is not resolved");
        let named = plan("http://proxy.bureau.local:3128", &[], &[]).unwrap();
        assert_eq!(named.hosts(), ["proxy.bureau.local"]);
    }

    #[test]
    fn env_setting_reads_curl_variables_and_no_proxy() {
        assert!(plan("env", &[], &[]).is_none(), "no variable: direct");
        let p = plan(
            "env",
            &[
                ("HTTP_PROXY", "http://h.proxy:80"),
                ("ALL_PROXY", "http://all.proxy:3128"),
                ("NO_PROXY", "gov.cn,.internal.cn,192.168.0.0/16"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            via(&p, "http://www.example.com/").as_deref(),
            Some("http://h.proxy")
        );
        assert_eq!(
            via(&p, "https://www.example.com/").as_deref(),
            Some("http://all.proxy:3128")
        );
        assert_eq!(
            via(&p, "http://www.gov.cn/"),
            None,
            "NO_PROXY domain and its subdomains"
        );
        assert_eq!(via(&p, "http://x.internal.cn/"), None);
        assert_eq!(
            p.describe(),
            "http: http://h.proxy, https: http://all.proxy:3128"
        );
        // Under CGI, HTTP_PROXY may come from a request header (httpoxy): ignored.
        let cgi = plan(
            "env",
            &[("HTTP_PROXY", "http://evil:1"), ("REQUEST_METHOD", "GET")],
            &[],
        );
        assert!(cgi.is_none());
        // A variable the client cannot use is an error, not a silent bypass.
        let vars = [("ALL_PROXY", "socks5://127.0.0.1:1080")];
        let lookup = |n: &str| {
            vars.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        };
        assert!(ProxyPlan::new(&ProxySetting::Env, &[], &lookup).is_err());
    }
}
