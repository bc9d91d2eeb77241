//! `SiteServer`: a real HTTP/1.1 server on `127.0.0.1:0` that serves a fixture
//! site (the embedded demo bureau, or a folder under `tests/fixtures/`) for the
//! demo command and the integration tests.
//!
//! Input: a [`SiteSource`] and the date the site should believe is today.
//! Output: a loopback address; request counters for tests. It never binds a
//! fixed port or any address but loopback, and it stops (closing every open
//! connection, endless bodies included) when dropped.
//!
//! Behaviour per request: the `Host` (without port) selects a virtual-host
//! folder when the site has them; `_routes.toml` may change the answer (see
//! [`super::routes::Route`]); otherwise the file at the path is served with a
//! content type from its extension, a folder answers with its `index.html`
//! (a folder without the trailing slash is redirected to it, as nginx does),
//! and anything else is a plain 404 page. Date placeholders in text files are
//! expanded (see [`super::template`]). `Range: bytes=a-b` on a plain file
//! answers 206.

use super::body::{self, Body, Tracked};
use super::routes::{Route, normalize_path};
pub use super::source::SiteSource;
use super::source::{HostSite, SiteIndex};
use super::template::{declared_charset, expand, expand_str, header_charset};
use bytes::Bytes;
use chrono::NaiveDate;
use encoding_rs::{Encoding, UTF_8};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{OnceCell, oneshot};
use tokio::task::{JoinHandle, JoinSet};

/// A running fixture server. Stops when dropped.
pub struct SiteServer {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
    runner: Option<Runner>,
}

enum Runner {
    Task(JoinHandle<()>),
    Thread(std::thread::JoinHandle<()>),
}

struct State {
    source: SiteSource,
    index: SiteIndex,
    today: NaiveDate,
    hits: Mutex<HashMap<(String, String), u64>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// Per host: (in flight now, most at once).
    host_flight: Mutex<HashMap<String, (usize, usize)>>,
    bomb: OnceCell<Bytes>,
}

impl State {
    fn new(source: SiteSource, today: NaiveDate) -> io::Result<State> {
        let index = source.index(today)?;
        Ok(State {
            source,
            index,
            today,
            hits: Mutex::new(HashMap::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            host_flight: Mutex::new(HashMap::new()),
            bomb: OnceCell::new(),
        })
    }

    /// Counts a request and returns how many requests this (host, path) has had, this one included.
    fn count_hit(&self, host: &str, path: &str) -> u64 {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        let n = hits
            .entry((host.to_string(), path.to_string()))
            .or_insert(0);
        *n += 1;
        *n
    }
}

/// Counts a request as in flight (overall and for its host) from its arrival
/// until its body is sent or dropped.
struct InFlight(Arc<State>, String);

impl InFlight {
    fn enter(state: &Arc<State>, host: &str) -> InFlight {
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let mut per = state.host_flight.lock().unwrap_or_else(|e| e.into_inner());
        let e = per.entry(host.to_string()).or_insert((0, 0));
        e.0 += 1;
        e.1 = e.1.max(e.0);
        InFlight(state.clone(), host.to_string())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        let mut per = self.0.host_flight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = per.get_mut(&self.1) {
            e.0 = e.0.saturating_sub(1);
        }
    }
}

impl SiteServer {
    /// Starts serving `site` on the current tokio runtime, with today's local date.
    pub async fn start(site: SiteSource) -> io::Result<SiteServer> {
        SiteServer::start_with_today(site, chrono::Local::now().date_naive()).await
    }

    /// Starts serving `site` on the current tokio runtime; date placeholders
    /// count from `today` (tests pass a fixed date to be reproducible).
    pub async fn start_with_today(site: SiteSource, today: NaiveDate) -> io::Result<SiteServer> {
        let state = Arc::new(State::new(site, today)?);
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(serve(listener, state.clone(), rx));
        Ok(SiteServer {
            addr,
            state,
            stop: Some(tx),
            runner: Some(Runner::Task(task)),
        })
    }

    /// Starts serving `site` on a thread with its own runtime, for callers
    /// without one (e.g. a test that runs the binary as a child process).
    /// `today` defaults to today's local date.
    pub fn start_in_thread(site: SiteSource, today: Option<NaiveDate>) -> io::Result<SiteServer> {
        let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
        let state = Arc::new(State::new(site, today)?);
        let std_listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (tx, rx) = oneshot::channel();
        let st = state.clone();
        let thread = std::thread::Builder::new()
            .name(format!("site-server-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    if let Ok(listener) = TcpListener::from_std(std_listener) {
                        serve(listener, st, rx).await;
                    }
                });
            })?;
        Ok(SiteServer {
            addr,
            state,
            stop: Some(tx),
            runner: Some(Runner::Thread(thread)),
        })
    }

    /// The loopback address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT` + `path` (a virtual-hosted site answers with its default host).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, slash(path))
    }

    /// `http://HOST:PORT` + `path`, for a client that maps `HOST` to 127.0.0.1
    /// (reqwest `resolve`, curl `--resolve HOST:PORT:127.0.0.1`).
    pub fn host_url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{}", self.addr.port(), slash(path))
    }

    /// The virtual-host folders of the site (empty for a single-host site).
    pub fn hosts(&self) -> Vec<String> {
        self.state.index.hosts.clone()
    }

    /// `(host, loopback address)` for every virtual host, ready for reqwest's
    /// `ClientBuilder::resolve(host, addr)`: a port-less `http://host/` URL then
    /// reaches this server's port (a port written in the URL wins instead).
    pub fn resolve_pairs(&self) -> Vec<(String, SocketAddr)> {
        self.hosts().into_iter().map(|h| (h, self.addr)).collect()
    }

    /// The date placeholders count from.
    pub fn today(&self) -> NaiveDate {
        self.state.today
    }

    /// Requests received for `path` (decoded or percent-encoded, no query), over all hosts.
    pub fn hits(&self, path: &str) -> u64 {
        let path = normalize_path(path);
        let hits = self.state.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.iter()
            .filter(|((_, p), _)| *p == path)
            .map(|(_, n)| *n)
            .sum()
    }

    /// Requests received for `path` with `Host: host`.
    pub fn hits_on(&self, host: &str, path: &str) -> u64 {
        let key = (host.to_ascii_lowercase(), normalize_path(path));
        let hits = self.state.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.get(&key).copied().unwrap_or(0)
    }

    /// All requests received.
    pub fn total_hits(&self) -> u64 {
        let hits = self.state.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.values().sum()
    }

    /// Every (host, path) requested, with its count, sorted.
    pub fn all_hits(&self) -> Vec<(String, String, u64)> {
        let hits = self.state.hits.lock().unwrap_or_else(|e| e.into_inner());
        let mut v: Vec<_> = hits
            .iter()
            .map(|((h, p), n)| (h.clone(), p.clone(), *n))
            .collect();
        v.sort();
        v
    }

    /// The most requests that were in flight at once (arrival to last body byte).
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    /// The most requests with `Host: host` that were in flight at once.
    pub fn max_in_flight_on(&self, host: &str) -> usize {
        let per = self
            .state
            .host_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        per.get(&host.to_ascii_lowercase()).map_or(0, |e| e.1)
    }

    /// Requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::SeqCst)
    }

    /// Forgets the hit counts and the in-flight maximum.
    pub fn reset_counters(&self) {
        self.state
            .hits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.state
            .max_in_flight
            .store(self.in_flight(), Ordering::SeqCst);
        let mut per = self
            .state
            .host_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for e in per.values_mut() {
            e.1 = e.0;
        }
    }

    /// Stops the server and waits until the listener and every connection are closed.
    pub async fn shutdown(mut self) {
        drop(self.stop.take());
        match self.runner.take() {
            Some(Runner::Task(task)) => {
                let _ = task.await;
            }
            Some(Runner::Thread(thread)) => {
                let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            }
            None => {}
        }
    }
}

impl Drop for SiteServer {
    fn drop(&mut self) {
        drop(self.stop.take());
        match self.runner.take() {
            Some(Runner::Task(task)) => task.abort(),
            Some(Runner::Thread(thread)) => {
                let _ = thread.join();
            }
            None => {}
        }
    }
}

fn slash(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// Accepts connections until `stop` fires (or its sender is dropped); open
/// connections are aborted when it returns.
async fn serve(listener: TcpListener, state: Arc<State>, mut stop: oneshot::Receiver<()>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                };
                let st = state.clone();
                conns.spawn(async move {
                    let service = service_fn(move |req| handle(st.clone(), req));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

/// One request: counts it, answers it, and keeps it counted in flight until
/// its body is done. An `Err` makes hyper close the connection without a response.
async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Tracked<InFlight>>, io::Error> {
    use http_body_util::BodyExt;
    let (parts, body) = req.into_parts();
    // A POSTed form selects routes like a query (see `Routes::get`).
    let form = if parts.method == Method::POST {
        let bytes = http_body_util::Limited::new(body, 64 * 1024)
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        Some(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        None
    };
    let req = Request::from_parts(parts, ());
    let host = host_of(&req);
    let guard = InFlight::enter(&state, &host);
    let path = normalize_path(req.uri().path());
    let hit_no = state.count_hit(&host, &path);
    tracing::trace!(%host, %path, method = %req.method(), "fixture request");
    let resp = respond(&state, &req, form.as_deref(), &host, &path, hit_no).await?;
    let (parts, body) = resp.into_parts();
    Ok(Response::from_parts(parts, Tracked::new(body, guard)))
}

/// The request's host name, lower-case, without port.
fn host_of(req: &Request<()>) -> String {
    let raw = req
        .uri()
        .host()
        .map(str::to_string)
        .or_else(|| {
            req.headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default();
    let host = if raw.starts_with('[') {
        raw.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or(raw)
    } else {
        match raw.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h.to_string(),
            _ => raw,
        }
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// What the body is before drip / length tricks.
enum Payload {
    Bytes(Bytes),
    /// A streamed body and its length when known.
    Stream(Body, Option<u64>),
}

async fn respond(
    state: &State,
    req: &Request<()>,
    form: Option<&str>,
    host: &str,
    path: &str,
    hit_no: u64,
) -> io::Result<Response<Body>> {
    let Some(site) = state.index.select(host) else {
        return Ok(error_page(
            StatusCode::NOT_FOUND,
            &format!("no site for host {host}"),
        ));
    };
    let default_route = Route::default();
    let route = site
        .routes
        .get_for(path, req.uri().query(), form)
        .unwrap_or(&default_route);
    if let Some(m) = &route.method
        && !m.eq_ignore_ascii_case(req.method().as_str())
    {
        let mut resp = error_page(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("this path answers {m} only"),
        );
        if let Ok(v) = HeaderValue::from_str(m) {
            resp.headers_mut().insert(header::ALLOW, v);
        }
        return Ok(resp);
    }
    if route.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(route.delay_ms)).await;
    }
    if route.reset {
        return Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "route asks to close the connection",
        ));
    }
    if hit_no <= u64::from(route.fail_first) {
        let status = status(route.fail_status.unwrap_or(503));
        let mut resp = error_page(status, "temporarily failing");
        set_headers(resp.headers_mut(), &route.fail_headers);
        return Ok(resp);
    }
    if req.method() == Method::HEAD
        && let Some(s) = route.head_status
    {
        let mut resp = error_page(status(s), "HEAD is not allowed here");
        *resp.body_mut() = body::empty();
        return Ok(resp);
    }
    if let Some(loc) = &route.redirect {
        let code = status(route.status.unwrap_or(302));
        let mut resp = error_page(code, "moved");
        if let Ok(v) = HeaderValue::from_str(&expand_str(loc, state.today)) {
            resp.headers_mut().insert(header::LOCATION, v);
        }
        set_headers(resp.headers_mut(), &route.headers);
        return Ok(resp);
    }

    let route_type = route
        .headers
        .iter()
        .find_map(|(k, v)| k.eq_ignore_ascii_case("content-type").then_some(v.as_str()));
    let mut headers = HeaderMap::new();
    let code = status(route.status.unwrap_or(200));
    let payload = if let Some(text) = &route.body {
        let enc = text_encoding(text.as_bytes(), route_type);
        let bytes = expand(text.as_bytes(), state.today, enc).into_owned();
        headers.insert(header::CONTENT_TYPE, content_type(path, &bytes, "html"));
        Payload::Bytes(Bytes::from(bytes))
    } else if let Some(n) = route.bytes {
        headers.insert(header::CONTENT_TYPE, utf8_html());
        Payload::Stream(body::generated_html(n), Some(n))
    } else if route.endless {
        headers.insert(header::CONTENT_TYPE, utf8_html());
        Payload::Stream(body::endless(), None)
    } else if route.gzip_bomb {
        let bomb = state
            .bomb
            .get_or_try_init(|| async {
                tokio::task::spawn_blocking(body::gzip_bomb_bytes)
                    .await
                    .map_err(io::Error::other)?
            })
            .await?
            .clone();
        headers.insert(header::CONTENT_TYPE, utf8_html());
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        Payload::Bytes(bomb)
    } else if let Some(n) = route.noise {
        let noise = body::noise(n);
        headers.insert(header::CONTENT_TYPE, content_type(path, &noise, "html"));
        Payload::Bytes(noise)
    } else {
        match find_file(site, path) {
            Found::File(stored) => {
                let raw = state.source.read(stored)?;
                let bytes = if is_text(path_or_index(path)) {
                    let enc = text_encoding(&raw, route_type);
                    expand(&raw, state.today, enc).into_owned()
                } else {
                    raw.into_owned()
                };
                headers.insert(
                    header::CONTENT_TYPE,
                    content_type(path_or_index(path), &bytes, ""),
                );
                if route.status.is_none()
                    && route.drip_ms == 0
                    && route.content_length.is_none()
                    && let Some(resp) = range_response(req, &bytes, &headers)
                {
                    return Ok(resp);
                }
                Payload::Bytes(Bytes::from(bytes))
            }
            Found::Folder => {
                let query = req
                    .uri()
                    .query()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default();
                let mut resp = error_page(StatusCode::MOVED_PERMANENTLY, "moved");
                let loc = format!("{}/{query}", req.uri().path());
                if let Ok(v) = HeaderValue::from_str(&loc) {
                    resp.headers_mut().insert(header::LOCATION, v);
                }
                return Ok(resp);
            }
            Found::Nothing => {
                let code = route.status.map(status).unwrap_or(StatusCode::NOT_FOUND);
                let mut resp = error_page(code, "the requested page does not exist");
                set_headers(resp.headers_mut(), &route.headers);
                return Ok(resp);
            }
        }
    };

    let payload = match payload {
        Payload::Bytes(b) if route.drip_ms > 0 => {
            let len = b.len() as u64;
            Payload::Stream(
                body::drip(b, Duration::from_millis(route.drip_ms)),
                Some(len),
            )
        }
        p => p,
    };
    let declared = route.content_length.or(match &payload {
        Payload::Stream(_, len) => *len,
        Payload::Bytes(_) => None,
    });
    if let Some(n) = declared {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    set_headers(&mut headers, &route.headers);
    // hyper asserts (in debug builds) that an explicit Content-Length matches a
    // body of known size; a streamed body lets a route declare any length.
    let body = match payload {
        Payload::Bytes(b) if headers.contains_key(header::CONTENT_LENGTH) => body::lingering(b),
        Payload::Bytes(b) => body::full(b),
        Payload::Stream(s, _) => s,
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = code;
    *resp.headers_mut() = headers;
    Ok(resp)
}

enum Found<'a> {
    File(&'a str),
    Folder,
    Nothing,
}

fn find_file<'a>(site: &'a HostSite, path: &str) -> Found<'a> {
    if path.ends_with('/') {
        return match site.files.get(&format!("{path}index.html")) {
            Some(f) => Found::File(f),
            None => Found::Nothing,
        };
    }
    if let Some(f) = site.files.get(path) {
        return Found::File(f);
    }
    if site.dirs.contains(&format!("{path}/")) {
        return Found::Folder;
    }
    Found::Nothing
}

/// The path whose extension decides the type (`/a/` → `/a/index.html`).
fn path_or_index(path: &str) -> &str {
    if path.ends_with('/') {
        "/index.html"
    } else {
        path
    }
}

fn extension(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    }
}

fn is_text(path: &str) -> bool {
    matches!(
        extension(path).as_str(),
        "html" | "htm" | "shtml" | "css" | "js" | "txt" | "xml" | "json" | "svg" | "tsv" | "csv"
    )
}

/// The encoding to write expanded placeholders in: the file's own declaration,
/// else the route's content type, else UTF-8.
fn text_encoding(bytes: &[u8], route_type: Option<&str>) -> &'static Encoding {
    declared_charset(bytes)
        .or_else(|| route_type.and_then(header_charset))
        .unwrap_or(UTF_8)
}

fn utf8_html() -> HeaderValue {
    HeaderValue::from_static("text/html; charset=utf-8")
}

/// Content type from the extension (`default_ext` when there is none). Text
/// types say `charset=utf-8` when the bytes are UTF-8 and declare nothing
/// else; a GBK page is served as plain `text/html` so its `<meta>` decides.
fn content_type(path: &str, bytes: &[u8], default_ext: &str) -> HeaderValue {
    let mut ext = extension(path);
    if ext.is_empty() {
        ext = default_ext.to_string();
    }
    let base = match ext.as_str() {
        "html" | "htm" | "shtml" => "text/html",
        "css" => "text/css",
        "js" => "application/javascript",
        "txt" => "text/plain",
        "xml" => "application/xml",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "tsv" => "text/tab-separated-values",
        "csv" => "text/csv",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "wps" => "application/vnd.ms-works",
        "et" => "application/vnd.ms-excel",
        "ofd" => "application/ofd",
        "zip" => "application/zip",
        "rar" => "application/x-rar-compressed",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "swf" => "application/x-shockwave-flash",
        _ => "application/octet-stream",
    };
    let text = is_text(&format!("x.{ext}"));
    let utf8 =
        std::str::from_utf8(bytes).is_ok() && declared_charset(bytes).is_none_or(|e| e == UTF_8);
    let value = if text && utf8 {
        format!("{base}; charset=utf-8")
    } else {
        base.to_string()
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("text/plain"))
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn set_headers(headers: &mut HeaderMap, extra: &std::collections::BTreeMap<String, String>) {
    for (k, v) in extra {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            headers.insert(name, value);
        }
    }
}

/// A small HTML page for errors and redirects.
fn error_page(code: StatusCode, detail: &str) -> Response<Body> {
    let reason = code.canonical_reason().unwrap_or("");
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} {reason}</title></head>\n<body><h1>{} {reason}</h1><p>{}</p><hr><p>fixture server</p></body></html>\n",
        code.as_u16(),
        code.as_u16(),
        detail.replace('<', "&lt;"),
    );
    let mut resp = Response::new(body::full(html));
    *resp.status_mut() = code;
    resp.headers_mut().insert(header::CONTENT_TYPE, utf8_html());
    resp
}

/// A 206 answer to a single `Range: bytes=a-b` on a GET, or None to serve it all.
fn range_response(req: &Request<()>, bytes: &[u8], headers: &HeaderMap) -> Option<Response<Body>> {
    if req.method() != Method::GET || bytes.is_empty() {
        return None;
    }
    let spec = req.headers().get(header::RANGE)?.to_str().ok()?;
    let spec = spec.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let last = bytes.len() - 1;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: usize = n.parse().ok()?;
            (bytes.len().saturating_sub(n), last)
        }
        (s, "") => (s.parse().ok()?, last),
        (s, e) => (s.parse().ok()?, e.parse::<usize>().ok()?.min(last)),
    };
    if start > end || start > last {
        return None;
    }
    let mut resp = Response::new(body::full(Bytes::copy_from_slice(&bytes[start..=end])));
    *resp.status_mut() = StatusCode::PARTIAL_CONTENT;
    *resp.headers_mut() = headers.clone();
    if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{}", bytes.len())) {
        resp.headers_mut().insert(header::CONTENT_RANGE, v);
    }
    Some(resp)
}

#[cfg(test)]
mod tests;
