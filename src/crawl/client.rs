//! The HTTP client of a run: rustls (no system OpenSSL), extra CA certificates,
//! the guarded resolver with `--resolve` mappings, no automatic redirects
//! (they are followed hop by hop in `fetch`), keep-alive pools sized to the
//! per-host limit.

use super::resolve::{Fallback, GuardedResolver, ResolveEntry};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

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
}

/// Builds the client.
pub fn build(opts: &ClientOptions) -> Result<reqwest::Client, ClientError> {
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
        .dns_resolver(Arc::new(GuardedResolver::new(
            &opts.resolve,
            &opts.allow_private,
            opts.fallback_resolver.clone(),
        )));
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
