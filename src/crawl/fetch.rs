//! Fetch one URL: politeness, retries, redirects, HEAD with GET fallback,
//! bounded body reads.
//!
//! Input: a URL and how to fetch it. Output: a [`Response`] (status, final URL,
//! redirect chain, content type, up to `max_body` bytes) or a [`FetchError`]
//! that says why in words a webmaster understands. Redirects are followed here,
//! hop by hop, so every hop passes the private-address guard and the host pool.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::budget::{BodyBudget, BodyPermit, SMALL};
use super::client::Clients;
use super::hosts::HostPool;
use super::resolve::{PRIVATE_ONLY, is_private_ip};
use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;
use url::{Host, Url};

/// Why a fetch produced no usable response.
#[derive(Debug, Clone, PartialEq, Eq, Error, serde::Serialize, serde::Deserialize)]
pub enum FetchError {
    /// No complete answer within the timeout.
    #[error("timeout after {0}s")]
    Timeout(u64),
    /// No connection within the connect timeout (a host that drops packets).
    #[error("connect timeout after {0}s")]
    ConnectTimeout(u64),
    /// The host's failure breaker tripped earlier in the run: not fetched.
    #[error("{0}")]
    HostDown(String),
    /// The name does not resolve.
    #[error("DNS: {0}")]
    Dns(String),
    /// Nothing listens on the port.
    #[error("connection refused")]
    Refused,
    /// The server closed or reset the connection.
    #[error("connection reset: {0}")]
    Reset(String),
    /// Certificate or handshake problem.
    #[error("TLS: {0}")]
    Tls(String),
    /// A redirect chain that comes back to a URL it passed.
    #[error("redirect loop via {0}")]
    RedirectLoop(String),
    /// More redirects than allowed.
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    /// A redirect to something that is not an http(s) URL.
    #[error("bad redirect: {0}")]
    BadRedirect(String),
    /// The URL or a redirect points at a private-range address (never connected).
    #[error("private address {0} (not fetched)")]
    PrivateAddress(String),
    /// The server asked to wait longer than allowed.
    #[error("rate limited: Retry-After {0}s exceeds the limit")]
    RetryAfterTooLong(u64),
    /// Anything else the HTTP client reported.
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    fn retryable(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout(_) | FetchError::ConnectTimeout(_) | FetchError::Reset(_)
        )
    }

    /// Whether a GET may succeed where a HEAD failed so: a server that drops
    /// or garbles HEAD requests. A timeout, a refusal, a DNS or TLS failure
    /// would fail the GET the same way.
    fn head_specific(&self) -> bool {
        matches!(self, FetchError::Reset(_) | FetchError::Other(_))
    }
}

/// What [`Fetcher::fetch_job`] hands back.
#[derive(Debug)]
// Made once per request and matched at once: boxing the common variant
// would add an allocation per request for no saving.
#[allow(clippy::large_enum_variant)]
pub enum Fetched {
    /// A response or a final error.
    Done(Result<Response, FetchError>),
    /// A transient failure with retries left: the host is paused until it
    /// may be asked again; fetch again as attempt `.0`.
    Later(u32),
}

/// Why [`Fetcher::with_retries`] stopped without an answer.
enum Stop {
    /// For good.
    Failed(FetchError),
    /// To be retried, as attempt `.0`, when the host may be asked again.
    Later(u32),
}

impl From<FetchError> for Stop {
    fn from(e: FetchError) -> Stop {
        Stop::Failed(e)
    }
}

impl Stop {
    /// The error of a fetch that was not asked to defer its retries.
    fn into_error(self) -> FetchError {
        match self {
            Stop::Failed(e) => e,
            // Not reached: only deferring fetches stop so.
            Stop::Later(_) => FetchError::Other("retry deferred".into()),
        }
    }
}

/// How to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET and read the body (pages, stylesheets, external pages).
    Get,
    /// HEAD; on a 4xx/5xx or transport error, GET without reading the body
    /// (attachments, images: servers that refuse HEAD are common).
    HeadThenGet,
}

/// A response after redirects.
#[derive(Debug)]
pub struct Response {
    /// Final HTTP status.
    pub status: u16,
    /// URL after redirects.
    pub final_url: Url,
    /// URLs passed through, in order (empty when no redirect).
    pub redirects: Vec<Url>,
    /// Content-Type header.
    pub content_type: Option<String>,
    /// Body bytes read (empty for HEAD or when not asked for).
    pub body: Vec<u8>,
    /// Whether the body was cut at the size cap.
    pub truncated: bool,
    /// The body's length as the server declared it (`Content-Length`),
    /// when it did and the body was not decompressed.
    pub declared_len: Option<u64>,
    /// Time from the first request to the end of the body, without the
    /// time spent waiting for the body budget.
    pub elapsed: Duration,
    /// The body budget held by `body` (given back when dropped).
    pub budget: BodyPermit,
}

/// Fetch settings.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Connect timeout (as the client was built with), for the reports.
    pub connect_timeout: Duration,
    /// Retries of transient failures.
    pub retries: u32,
    /// First backoff.
    pub backoff: Duration,
    /// Longest backoff (the doubling stops there).
    pub max_backoff: Duration,
    /// Longest Retry-After honoured.
    pub max_retry_after: Duration,
    /// Redirects followed.
    pub max_redirects: usize,
    /// Hosts and IP literals that may be private (own mapped hosts, rules allow list).
    pub allow_private: Vec<String>,
    /// The memory budget of bodies read and being parsed.
    pub budget: BodyBudget,
}

/// The HTTP side of the crawl.
pub struct Fetcher {
    clients: Clients,
    hosts: Arc<HostPool>,
    cfg: FetchConfig,
}

/// `host:port` key of a URL for the host pool.
pub fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

impl Fetcher {
    /// A fetcher over configured clients and a host pool.
    pub fn new(clients: Clients, hosts: Arc<HostPool>, cfg: FetchConfig) -> Self {
        Fetcher {
            clients,
            hosts,
            cfg,
        }
    }

    /// The host pool.
    pub fn hosts(&self) -> &Arc<HostPool> {
        &self.hosts
    }

    /// The private-address guard: an IP-literal host in a private range that
    /// was not allowed is never connected to.
    pub fn guard(&self, url: &Url) -> Result<(), FetchError> {
        let ip: Option<IpAddr> = match url.host() {
            Some(Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            _ => None,
        };
        if let Some(ip) = ip
            && is_private_ip(ip)
            && !self.allowed_private(url)
        {
            return Err(FetchError::PrivateAddress(ip.to_string()));
        }
        Ok(())
    }

    fn allowed_private(&self, url: &Url) -> bool {
        let host = url.host_str().unwrap_or("").trim_matches(['[', ']']);
        let with_port = format!("{host}:{}", url.port_or_known_default().unwrap_or(0));
        self.cfg
            .allow_private
            .iter()
            .any(|a| a.trim_matches(['[', ']']) == host || *a == with_port)
    }

    /// Fetches `url`, following redirects, reading at most `max_body` bytes;
    /// transient failures are retried here, after their wait.
    pub async fn fetch(
        &self,
        url: &Url,
        method: Method,
        max_body: usize,
    ) -> Result<Response, FetchError> {
        self.fetch_with(url, method, None, max_body, 0, false)
            .await
            .map_err(Stop::into_error)
    }

    /// [`fetch`](Self::fetch) as attempt `attempt` of a crawl job, which
    /// never waits for a retry: a transient failure with retries left
    /// pauses the host for the backoff (or `Retry-After`) and hands back
    /// [`Fetched::Later`], so the job waits in its host's queue, not in a
    /// crawl slot.
    pub async fn fetch_job(
        &self,
        url: &Url,
        method: Method,
        max_body: usize,
        attempt: u32,
    ) -> Fetched {
        match self
            .fetch_with(url, method, None, max_body, attempt, true)
            .await
        {
            Ok(r) => Fetched::Done(Ok(r)),
            Err(Stop::Failed(e)) => Fetched::Done(Err(e)),
            Err(Stop::Later(n)) => Fetched::Later(n),
        }
    }

    /// The wait before retry number `attempt + 1`: the backoff doubled
    /// `attempt` times, at most `max_backoff`.
    fn backoff(&self, attempt: u32) -> Duration {
        capped_backoff(self.cfg.backoff, self.cfg.max_backoff, attempt)
    }

    /// POSTs `body` (a form, or JSON when it starts with `{`) to `url` as a
    /// list page's script does, under the same politeness, retries, redirect
    /// rules and body cap as [`Self::fetch`]. A 301/302/303 answer is followed
    /// with a GET, as browsers do.
    pub async fn post(
        &self,
        url: &Url,
        body: &str,
        max_body: usize,
    ) -> Result<Response, FetchError> {
        self.fetch_with(url, Method::Get, Some(body), max_body, 0, false)
            .await
            .map_err(Stop::into_error)
    }

    async fn fetch_with(
        &self,
        url: &Url,
        method: Method,
        mut body: Option<&str>,
        max_body: usize,
        attempt: u32,
        defer: bool,
    ) -> Result<Response, Stop> {
        let started = Instant::now();
        let mut current = url.clone();
        let mut chain: Vec<Url> = Vec::new();
        let mut seen: HashSet<Url> = HashSet::new();
        seen.insert(strip_fragment(&current));
        let mut waited = Duration::ZERO;
        loop {
            self.guard(&current)?;
            let answer = self
                .with_retries(&current, method, body, max_body, attempt, defer)
                .await?;
            waited += answer.waited;
            if matches!(answer.status, 301 | 302 | 303 | 307 | 308)
                && let Some(loc) = answer.location
            {
                if (301..=303).contains(&answer.status) {
                    body = None;
                }
                let next = current
                    .join(loc.trim())
                    .map_err(|_| FetchError::BadRedirect(format!("Location `{loc}`")))?;
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(FetchError::BadRedirect(format!("to `{next}`")).into());
                }
                chain.push(current);
                if chain.len() > self.cfg.max_redirects {
                    return Err(FetchError::TooManyRedirects(self.cfg.max_redirects).into());
                }
                if !seen.insert(strip_fragment(&next)) {
                    let mut path: Vec<String> = chain.iter().map(short).collect();
                    path.push(short(&next));
                    return Err(FetchError::RedirectLoop(path.join(" -> ")).into());
                }
                current = next;
                continue;
            }
            return Ok(Response {
                status: answer.status,
                final_url: current,
                redirects: chain,
                content_type: answer.content_type,
                body: answer.body,
                truncated: answer.truncated,
                declared_len: answer.declared_len,
                elapsed: started.elapsed().saturating_sub(waited),
                budget: answer.permit,
            });
        }
    }

    /// One hop, retried as `retries` allows from attempt `attempt`; with
    /// `defer`, a retry is handed back ([`Stop::Later`]) instead of waited for.
    async fn with_retries(
        &self,
        url: &Url,
        method: Method,
        post: Option<&str>,
        max_body: usize,
        mut attempt: u32,
        defer: bool,
    ) -> Result<Answer, Stop> {
        let key = host_key(url);
        // Time spent waiting for the body budget by failed attempts.
        let mut waited = Duration::ZERO;
        loop {
            if let Some(why) = self.hosts.down(&key) {
                return Err(FetchError::HostDown(why.to_string()).into());
            }
            let result = match (method, post) {
                (_, Some(b)) => {
                    self.once(url, reqwest::Method::POST, &key, max_body, Some(b))
                        .await
                }
                (Method::Get, None) => {
                    self.once(url, reqwest::Method::GET, &key, max_body, None)
                        .await
                }
                (Method::HeadThenGet, None) => {
                    match self.once(url, reqwest::Method::HEAD, &key, 0, None).await {
                        Ok(r) if r.status < 400 => Ok(r),
                        // A timeout, refusal, DNS or TLS failure fails a GET alike.
                        Err((e, w)) if !e.head_specific() => Err((e, w)),
                        // Servers that refuse HEAD (403/405/501 …) or drop it: ask with GET.
                        _ => self.once(url, reqwest::Method::GET, &key, 0, None).await,
                    }
                }
            };
            // The breaker counts connect timeouts in a row; an answer resets it.
            match &result {
                Ok(_) => {
                    self.hosts.note_connect(&key, true, "");
                }
                Err((e @ FetchError::ConnectTimeout(_), _)) => {
                    if let Some(why) = self.hosts.note_connect(&key, false, &e.to_string()) {
                        tracing::warn!(host = %key, "{why}");
                    }
                }
                Err(_) => {}
            }
            let backoff = self.backoff(attempt);
            match result {
                Err((e, w)) if e.retryable() && attempt < self.cfg.retries => {
                    waited += w;
                    tracing::debug!(%url, error = %e, attempt, "retrying");
                    if defer {
                        self.hosts
                            .pause(&key, tokio::time::Instant::now() + backoff);
                        return Err(Stop::Later(attempt + 1));
                    }
                }
                Err((e, _)) => return Err(e.into()),
                Ok(mut r) => {
                    r.waited += waited;
                    let status = r.status;
                    let transient = matches!(status, 429 | 500 | 502 | 503 | 504);
                    if !transient || attempt >= self.cfg.retries {
                        return Ok(r);
                    }
                    waited = r.waited;
                    if let Some(wait) = r.retry_after {
                        if wait > self.cfg.max_retry_after {
                            if status == 429 {
                                return Err(FetchError::RetryAfterTooLong(wait.as_secs()).into());
                            }
                            return Ok(r);
                        }
                        drop(r);
                        self.hosts.pause(&key, tokio::time::Instant::now() + wait);
                        attempt += 1;
                        if defer {
                            return Err(Stop::Later(attempt));
                        }
                        continue;
                    }
                    drop(r);
                    self.hosts
                        .pause(&key, tokio::time::Instant::now() + backoff);
                    if defer {
                        return Err(Stop::Later(attempt + 1));
                    }
                }
            }
            attempt += 1;
            tokio::time::sleep(backoff).await;
        }
    }

    /// One request under a host permit and the timeout. The body (up to
    /// `max_body` bytes) is read under a reservation of the body budget;
    /// time waiting for the budget does not count against the timeout (it
    /// is returned, with the error too, so the caller can leave it out of
    /// the elapsed time).
    async fn once(
        &self,
        url: &Url,
        method: reqwest::Method,
        key: &str,
        max_body: usize,
        post: Option<&str>,
    ) -> Result<Answer, (FetchError, Duration)> {
        let _permit = self.hosts.acquire(key).await;
        let timeout = self.cfg.timeout;
        let timed_out = || FetchError::Timeout(timeout.as_secs().max(1));
        let mut deadline = tokio::time::Instant::now() + timeout;
        let mut waited = Duration::ZERO;
        let mut req = self.clients.for_url(url).request(method, url.clone());
        if let Some(b) = post {
            let ct = if b.trim_start().starts_with('{') {
                "application/json; charset=UTF-8"
            } else {
                "application/x-www-form-urlencoded; charset=UTF-8"
            };
            req = req
                .header(reqwest::header::CONTENT_TYPE, ct)
                .header("X-Requested-With", "XMLHttpRequest")
                .body(b.to_string());
        }
        let sent = tokio::time::timeout_at(deadline, req.send()).await;
        let resp = match sent {
            Err(_) => return Err((timed_out(), waited)),
            Ok(Err(e)) => return Err((classify(e, self.cfg.connect_timeout), waited)),
            Ok(Ok(r)) => r,
        };
        let status = resp.status().as_u16();
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header(reqwest::header::LOCATION);
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let retry_after = header(reqwest::header::RETRY_AFTER).and_then(|v| parse_retry_after(&v));
        let mut answer = Answer {
            status,
            location,
            content_type,
            body: Vec::new(),
            truncated: false,
            declared_len: resp.content_length(),
            retry_after,
            permit: BodyPermit::default(),
            waited,
        };
        if max_body == 0 || (300..400).contains(&status) {
            return Ok(answer);
        }
        // A known length reserves its bytes (from a first SMALL on); an
        // unknown one (chunked, compressed) SMALL, then grows with its buffer.
        let known = resp
            .content_length()
            .map(|n| n.min(max_body as u64) as usize);
        let t = tokio::time::Instant::now();
        answer.permit = self
            .cfg
            .budget
            .reserve(known.unwrap_or(SMALL).min(max_body))
            .await;
        let w = t.elapsed();
        waited += w;
        deadline += w;
        let mut body: Vec<u8> = Vec::with_capacity(known.unwrap_or(0).min(4 << 20));
        let mut resp = resp;
        loop {
            let chunk = match tokio::time::timeout_at(deadline, resp.chunk()).await {
                Err(_) => return Err((timed_out(), waited)),
                Ok(Err(e)) => return Err((classify(e, self.cfg.connect_timeout), waited)),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(c))) => c,
            };
            let room = max_body - body.len();
            let take = chunk.len().min(room);
            let need = body.len() + take;
            if body.capacity() < need {
                // The buffer doubles towards the cap, never past it, and
                // never past the reservation: grow that first (from the
                // shared pool at once, or by waiting for the big-body ticket).
                let want = (body.capacity() * 2).max(need).min(max_body);
                if want > answer.permit.bytes() {
                    let t = tokio::time::Instant::now();
                    answer.permit.grow_to(want).await;
                    let w = t.elapsed();
                    waited += w;
                    deadline += w;
                }
                body.reserve_exact(want - body.len());
            }
            body.extend_from_slice(chunk.get(..take).unwrap_or_default());
            if chunk.len() >= room {
                answer.truncated = chunk.len() > room
                    || matches!(
                        tokio::time::timeout_at(deadline, resp.chunk()).await,
                        Ok(Ok(Some(_)))
                    );
                break;
            }
        }
        answer.permit.shrink_to(body.capacity());
        answer.body = body;
        answer.waited = waited;
        Ok(answer)
    }
}

/// One answer of [`Fetcher::once`].
struct Answer {
    status: u16,
    location: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
    truncated: bool,
    declared_len: Option<u64>,
    retry_after: Option<Duration>,
    /// The body budget the body holds.
    permit: BodyPermit,
    /// Time spent waiting for the body budget.
    waited: Duration,
}

/// `first` doubled `attempt` times, at most `max` (or `first`, if larger).
fn capped_backoff(first: Duration, max: Duration, attempt: u32) -> Duration {
    first
        .saturating_mul(2u32.saturating_pow(attempt.min(31)))
        .min(max.max(first))
}

fn strip_fragment(u: &Url) -> Url {
    let mut u = u.clone();
    u.set_fragment(None);
    u
}

fn short(u: &Url) -> String {
    let mut s = u.path().to_string();
    if let Some(q) = u.query() {
        s.push('?');
        s.push_str(q);
    }
    s
}

/// Parses `Retry-After`: seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(secs as u64))
}

/// Turns a client error into words: DNS, refused, reset, TLS …; the
/// client's own timeout is its connect timeout, `connect_timeout`.
fn classify(e: reqwest::Error, connect_timeout: Duration) -> FetchError {
    if e.is_timeout() {
        return FetchError::ConnectTimeout(connect_timeout.as_secs().max(1));
    }
    let mut chain = String::new();
    let mut io_kind = None;
    let mut src: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        if !chain.is_empty() {
            chain.push_str(": ");
        }
        chain.push_str(&s.to_string());
        src = s.source();
    }
    let lower = chain.to_ascii_lowercase();
    if lower.contains(PRIVATE_ONLY) {
        let host = e.url().and_then(|u| u.host_str()).unwrap_or("host");
        return FetchError::PrivateAddress(format!("{host} ({PRIVATE_ONLY})"));
    }
    if lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
        || lower.contains("no such host")
    {
        return FetchError::Dns("no such host".into());
    }
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        let detail = if lower.contains("expired") {
            "certificate expired".to_string()
        } else if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
            "certificate signed by an unknown issuer".to_string()
        } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
            "certificate not valid for this host name".to_string()
        } else {
            last_part(&chain)
        };
        return FetchError::Tls(detail);
    }
    match io_kind {
        Some(std::io::ErrorKind::ConnectionRefused) => return FetchError::Refused,
        Some(
            std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::UnexpectedEof,
        ) => return FetchError::Reset(last_part(&chain)),
        _ => {}
    }
    if lower.contains("connection refused") {
        return FetchError::Refused;
    }
    if lower.contains("connection closed")
        || lower.contains("incomplete")
        || lower.contains("reset")
        || lower.contains("end of file")
    {
        return FetchError::Reset(last_part(&chain));
    }
    FetchError::Other(last_part(&chain))
}

fn last_part(chain: &str) -> String {
    chain
        .rsplit(": ")
        .next()
        .unwrap_or(chain)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let (first, max) = (Duration::from_millis(500), Duration::from_secs(30));
        let waits: Vec<u64> = (0..10)
            .map(|a| capped_backoff(first, max, a).as_millis() as u64)
            .collect();
        assert_eq!(
            waits,
            [
                500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000
            ]
        );
        // `--retries 20` once waited about three days for its last retry.
        assert_eq!(capped_backoff(first, max, 20), max);
        assert_eq!(capped_backoff(first, max, u32::MAX), max);
        // A cap below the first wait does not shorten it.
        assert_eq!(capped_backoff(first, Duration::ZERO, 3), first);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
