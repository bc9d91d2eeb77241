//! Issue 19: reliability and security of a nightly audit in a real bureau
//! network. Proxies are explicit (environment variables are ignored unless
//! asked for) and never bypass the guard; `--resolve` / `--connect-to` map a
//! host *and* a port; an own host may not resolve to a private address unless
//! the rules allow it; `--out` runs are real runs of the history; a resumed
//! run judges content as of its recorded date. Every site here is a loopback
//! server over a small site written into a temp folder.

use crate::common::tls::TlsFront;
use crate::common::*;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use zwgk_audit::audit::{AuditOptions, Auditor};
use zwgk_audit::demo::{SiteServer, SiteSource};
use zwgk_audit::rules::Rules;

/// A page with a Chinese title and `body`.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body>\n{body}\n</body></html>\n"
    )
}

/// A site folder holding `files` (path, text).
fn site(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write site file");
    }
    dir
}

/// Rules text for a site on `start`, with `site_extra` in `[site]` and fast politeness.
fn rules_text(start: &str, site_extra: &str) -> String {
    format!(
        "[site]\nname = \"可靠性测试局\"\nid = \"reliab\"\nstart_urls = [\"{start}\"]\n{site_extra}\n\n\
         [crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 0\nbackoff_ms = 50\n"
    )
}

fn rules(start: &str, site_extra: &str) -> Rules {
    Rules::from_toml(&rules_text(start, site_extra), Path::new("reliab.toml")).expect("rules")
}

/// [`rules`] with `crawl_extra` appended to `[crawl]` (its keys replace
/// those of [`rules_text`]).
fn rules_crawl(start: &str, site_extra: &str, crawl_extra: &str) -> Rules {
    let keys: Vec<&str> = crawl_extra
        .lines()
        .filter_map(|l| l.split('=').next())
        .map(str::trim)
        .collect();
    let base: String = rules_text(start, site_extra)
        .lines()
        .filter(|l| !keys.iter().any(|k| l.starts_with(&format!("{k} ="))))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = format!("{base}{crawl_extra}\n");
    Rules::from_toml(&text, Path::new("reliab.toml")).expect("rules")
}

/// Quiet library options into `reports`, as of `today`, no DNS.
fn lib_options(reports: &Path, today: NaiveDate) -> AuditOptions {
    let mut o = AuditOptions::new(today);
    o.reports_root = reports.to_path_buf();
    o.progress = zwgk_audit::crawl::Progress::Quiet;
    o.stop = Some(Arc::new(AtomicBool::new(false)));
    o.fallback_resolver = Some(Arc::new(FailingResolver::default()));
    o
}

/// An 18-digit ID number (GB 11643) of region `region` born on `birth`, with its check digit.
fn id_number(region: &str, birth: &str, seq: &str) -> String {
    let body = format!("{region}{birth}{seq}");
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).expect("digit") * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// A resolver injected into a run: answers the names it knows with one
/// address each, fails the rest like a DNS failure, and remembers what it was asked.
#[derive(Debug, Default)]
struct StaticResolver {
    names: Vec<(String, IpAddr)>,
    asked: Mutex<Vec<String>>,
}

impl StaticResolver {
    fn new(names: &[(&str, &str)]) -> Arc<StaticResolver> {
        Arc::new(StaticResolver {
            names: names
                .iter()
                .map(|(n, a)| (n.to_string(), a.parse().expect("an IP address")))
                .collect(),
            asked: Mutex::new(Vec::new()),
        })
    }
    fn asked(&self) -> Vec<String> {
        self.asked.lock().expect("lock").clone()
    }
}

impl reqwest::dns::Resolve for StaticResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_string();
        self.asked.lock().expect("lock").push(name.clone());
        let found = self.names.iter().find(|(n, _)| *n == name).map(|(_, a)| *a);
        Box::pin(async move {
            match found {
                Some(ip) => {
                    Ok(Box::new(std::iter::once(SocketAddr::new(ip, 0))) as reqwest::dns::Addrs)
                }
                None => Err(format!("{name}: no such host (test resolver)").into()),
            }
        })
    }
}

/// A loopback listener on its own thread that records what reaches it.
/// As a forward proxy it answers every request with a small page; as a dead
/// proxy it closes every connection at once; as a forwarder it relays the
/// bytes to a backend.
struct Listener {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

#[derive(Clone, Copy)]
enum Behaviour {
    Proxy,
    Dead,
    Forward(SocketAddr),
}

impl Listener {
    fn start(bind: IpAddr, behaviour: Behaviour) -> std::io::Result<Listener> {
        let listener = std::net::TcpListener::bind(SocketAddr::new(bind, 0))?;
        let addr = listener.local_addr()?;
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (c, r) = (connections.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                c.fetch_add(1, Ordering::SeqCst);
                let r = r.clone();
                std::thread::spawn(move || serve_one(stream, behaviour, &r));
            }
        });
        Ok(Listener {
            addr,
            connections,
            requests,
        })
    }
    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
    /// Request lines received (proxy), e.g. `GET http://host/path HTTP/1.1`.
    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }
}

fn serve_one(mut stream: std::net::TcpStream, behaviour: Behaviour, requests: &Mutex<Vec<String>>) {
    use std::io::{Read, Write};
    match behaviour {
        Behaviour::Dead => {}
        Behaviour::Forward(backend) => {
            let Ok(mut up) = std::net::TcpStream::connect(backend) else {
                return;
            };
            let (Ok(mut down2), Ok(mut up2)) = (stream.try_clone(), up.try_clone()) else {
                return;
            };
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut down2, &mut up2);
                let _ = up2.shutdown(std::net::Shutdown::Write);
            });
            let _ = std::io::copy(&mut up, &mut stream);
        }
        Behaviour::Proxy => {
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let text = String::from_utf8_lossy(&head);
            let line = text.lines().next().unwrap_or_default().to_string();
            requests.lock().expect("lock").push(line);
            let body = page("外部网站", "<p>经代理访问的外部页面</p>");
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    }
}

// ---- item 8: a resumed run judges content as of its recorded date ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_run_checks_content_against_its_recorded_date() {
    // Recorded date 2026-05-25; the resume happens on 2026-06-10. An ID
    // number born on 2026-06-01 is not a real person's number as of the run's
    // date (a birth date in the future), one born on 2026-05-01 is.
    let born_later = id_number("110105", "20260601", "113");
    let born_before = id_number("110105", "20260501", "002");
    let files = site(&[(
        "index.html",
        page(
            "可靠性测试局",
            &format!(
                "<p>公示名单：张某，身份证号 {born_later}；李某，身份证号 {born_before}。</p>"
            ),
        ),
    )]);
    let server = SiteServer::start_with_today(SiteSource::dir(files.path()), today())
        .await
        .expect("server");
    let reports = tempfile::tempdir().expect("temp dir");
    let out = reports.path().join("run");
    let r = rules(&server.url("/"), "");
    // The first attempt is stopped before it fetches anything.
    let mut o = lib_options(reports.path(), today());
    o.out_dir = Some(out.clone());
    o.stop = Some(Arc::new(AtomicBool::new(true)));
    let first = Auditor::new(r.clone(), o).run().await.expect("audit runs");
    assert!(first.interrupted);
    // Resumed the next month.
    let later = NaiveDate::from_ymd_opt(2026, 6, 10).expect("date");
    let mut o = lib_options(reports.path(), later);
    o.out_dir = Some(out.clone());
    o.resume = true;
    let resumed = Auditor::new(r, o).run().await.expect("audit runs");
    assert!(!resumed.interrupted);
    assert_eq!(resumed.today, today(), "the run keeps its recorded date");
    let leaks: Vec<&str> = resumed
        .findings
        .iter()
        .filter(|f| f.kind == "privacy_leak")
        .map(|f| f.detail.as_str())
        .collect();
    assert_eq!(leaks.len(), 1, "{leaks:?}");
    assert!(
        leaks[0].contains(&born_before[14..]) && !leaks[0].contains(&born_later[14..]),
        "the number born before the run's date: {leaks:?}"
    );
}

// ---- item 5: `--out` runs are real runs ----

const BIN: &str = env!("CARGO_BIN_EXE_zwgk-audit");
const HOST: &str = "www.reliab.gov.cn";

/// A one-page site on `HOST` with one broken attachment link, served on a thread.
fn broken_link_site() -> (tempfile::TempDir, SiteServer) {
    let files = site(&[(
        "index.html",
        page(
            "可靠性测试局",
            "<p><a href=\"/files/missing.pdf\">2026年工作要点（附件）</a></p>",
        ),
    )]);
    let server =
        SiteServer::start_in_thread(SiteSource::dir(files.path()), Some(today())).expect("server");
    (files, server)
}

/// `zwgk-audit crawl` of `HOST` on `server` with `args`; returns (exit code, stderr).
fn crawl_bin(server: &SiteServer, work: &Path, args: &[&str]) -> (i32, String) {
    let rules = work.join("reliab.toml");
    if !rules.exists() {
        std::fs::write(&rules, rules_text(&format!("http://{HOST}/"), "")).expect("write rules");
    }
    let out = std::process::Command::new(BIN)
        .arg("crawl")
        .arg("--rules")
        .arg(&rules)
        .arg("--connect-to")
        .arg(format!("{HOST}:80:127.0.0.1:{}", server.port()))
        .arg("--reports")
        .arg(work.join("reports"))
        .args(["--today", "2026-05-25", "--quiet"])
        .args(args)
        .env("RUST_LOG", "zwgk_audit=warn")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn summary(dir: &Path) -> serde_json::Value {
    let bytes = std::fs::read(dir.join("summary.json"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    serde_json::from_slice(&bytes).expect("summary.json parses")
}

#[test]
fn two_out_runs_compare_with_each_other_and_fail_on_new_passes() {
    let (_files, server) = broken_link_site();
    let work = tempfile::tempdir().expect("temp dir");
    let (a, b) = (work.path().join("out/a"), work.path().join("out/b"));
    let arg = |p: &Path| p.to_str().expect("utf-8 path").to_string();
    // First run: nothing to compare with, the broken link is new.
    let (code, err) = crawl_bin(
        &server,
        work.path(),
        &["--out", &arg(&a), "--fail-on", "new"],
    );
    assert_eq!(code, 1, "{err}");
    // Second run into another folder: the same finding is open, nothing new.
    let (code, err) = crawl_bin(
        &server,
        work.path(),
        &["--out", &arg(&b), "--fail-on", "new"],
    );
    assert_eq!(code, 0, "{err}");
    let first = summary(&a);
    let second = summary(&b);
    assert_eq!(second["previous_run"], first["run_id"]);
    assert_ne!(second["run_id"], first["run_id"]);
    let diff = std::fs::read_to_string(b.join("diff.csv")).expect("diff.csv written");
    assert!(diff.contains("missing.pdf"), "{diff}");
    assert_eq!(second["diff"]["new"], 0);
    assert_eq!(second["diff"]["fixed"], 0);
    assert_eq!(second["diff"]["open"], first["findings"]);
}

#[test]
fn keep_runs_deletes_only_run_folders_the_history_created() {
    let (_files, server) = broken_link_site();
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("out");
    let arg = |p: &Path| p.to_str().expect("utf-8 path").to_string();
    let a = out.join("a");
    let (code, err) = crawl_bin(&server, work.path(), &["--out", &arg(&a)]);
    assert_eq!(code, 1, "{err}");
    let first_id = summary(&a)["run_id"].as_str().expect("run id").to_string();
    // An unrelated folder next to the --out folders, named like the first
    // run's id, and an existing folder the user lends to the next run.
    let unrelated = out.join(&first_id);
    std::fs::create_dir_all(&unrelated).expect("mkdir");
    std::fs::write(unrelated.join("notes.txt"), "科室自己的文件").expect("write");
    let lent = work.path().join("lent");
    std::fs::create_dir_all(&lent).expect("mkdir");
    std::fs::write(lent.join("readme.txt"), "别删").expect("write");
    let (code, err) = crawl_bin(&server, work.path(), &["--out", &arg(&lent)]);
    assert_eq!(code, 1, "{err}");
    // Keep one run: the first and the lent runs go from the history.
    let c = out.join("c");
    let (code, err) = crawl_bin(
        &server,
        work.path(),
        &["--out", &arg(&c), "--keep-runs", "1"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        !a.exists(),
        "the first run's folder (created by it) is pruned"
    );
    assert!(
        unrelated.join("notes.txt").is_file(),
        "an unrelated folder named like a run id is untouched"
    );
    assert!(
        lent.join("readme.txt").is_file() && lent.join("findings.csv").is_file(),
        "a folder that existed before its run is never deleted"
    );
    assert!(c.join("summary.json").is_file());
    assert_eq!(summary(&c)["previous_run"], summary(&lent)["run_id"]);
}

// ---- item 3: an own host may not resolve to a private address unless allowed ----

/// A relay on 127.0.0.2 (another loopback address) to `backend`; where the
/// system cannot bind it, on 127.0.0.1 (equally loopback, equally private).
fn loopback_relay(backend: SocketAddr) -> Listener {
    Listener::start(
        "127.0.0.2".parse().expect("ip"),
        Behaviour::Forward(backend),
    )
    .or_else(|_| {
        Listener::start(
            "127.0.0.1".parse().expect("ip"),
            Behaviour::Forward(backend),
        )
    })
    .expect("a loopback relay")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_own_host_resolving_to_loopback_is_audited_only_when_allowed() {
    let files = site(&[
        (
            "index.html",
            page("可靠性测试局", "<p><a href=\"/zwgk/\">政务公开</a></p>"),
        ),
        ("zwgk/index.html", page("政务公开", "<p>目录</p>")),
    ]);
    let server = SiteServer::start_with_today(SiteSource::dir(files.path()), today())
        .await
        .expect("server");
    let relay = loopback_relay(server.addr());
    let relay_ip = relay.addr.ip().to_string();
    let start = format!("http://{HOST}:{}/", relay.addr.port());
    let audit = |site_extra: &str| {
        let r = rules(&start, site_extra);
        let reports = tempfile::tempdir().expect("temp dir");
        let resolver = StaticResolver::new(&[(HOST, relay_ip.as_str())]);
        let mut o = lib_options(reports.path(), today());
        o.fallback_resolver = Some(resolver.clone());
        async move {
            let result = Auditor::new(r, o).run().await.expect("audit runs");
            (result, resolver, reports)
        }
    };
    // The site's own name answers a loopback address: nothing is fetched.
    let (refused, resolver, _keep) = audit("").await;
    assert!(resolver.asked().iter().any(|n| n == HOST));
    let why = refused
        .start_unreachable
        .as_deref()
        .expect("the site could not be audited");
    assert!(
        why.contains(&format!("{HOST} resolves only to private-range addresses"))
            && why.contains("allow_private"),
        "{why}"
    );
    assert_eq!(
        relay.connections(),
        0,
        "no connection to the private address"
    );
    assert_eq!(server.total_hits(), 0);
    // Allowed by the rules: audited as usual.
    let (allowed, _, _keep) = audit(&format!("allow_private = [\"{HOST}\"]")).await;
    assert_eq!(allowed.start_unreachable, None);
    assert_eq!(allowed.pages, 2);
    assert!(relay.connections() > 0);
    assert!(server.hits("/zwgk/") > 0);
}

// ---- item 2: mappings name a host and a port ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_to_maps_each_port_of_a_host_on_its_own() {
    let files = site(&[
        (
            "index.html",
            page(
                "可靠性测试局",
                &format!(
                    "<p><a href=\"https://{HOST}/secure.html\">网上办事（加密）</a></p>\n\
                     <p><a href=\"http://{HOST}:6379/\">缓存服务</a></p>"
                ),
            ),
        ),
        ("secure.html", page("网上办事", "<p>办事指南</p>")),
    ]);
    let server = SiteServer::start_with_today(SiteSource::dir(files.path()), today())
        .await
        .expect("server");
    let tls = TlsFront::start(server.addr(), &[HOST]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut o = lib_options(dir.path(), today());
    o.out_dir = Some(dir.path().join("run"));
    // The https port first, the http port last: mapping by host alone would
    // send both to one of them.
    for m in [
        format!("{HOST}:443:127.0.0.1:{}", tls.addr().port()),
        format!("{HOST}:80:127.0.0.1:{}", server.port()),
    ] {
        o.resolve
            .push(zwgk_audit::cli::parse_connect_to(&m).expect("a mapping"));
    }
    o.ca_certs.push(tls.ca_pem());
    // Unmapped ports of the host resolve normally: here, to an intranet address.
    let resolver = StaticResolver::new(&[(HOST, "10.0.0.5")]);
    o.fallback_resolver = Some(resolver.clone());
    let run = audit_with(rules(&format!("http://{HOST}/"), ""), o, dir).await;
    let secure = run.links_to("/secure.html");
    assert_eq!(secure.len(), 1, "{:?}", run.links);
    assert_eq!(secure[0].http_status, Some(200), "{:?}", secure[0]);
    assert!(
        !run.has("broken_link", "/", "/secure.html"),
        "{:#?}",
        run.findings
    );
    assert!(tls.handshakes() > 0, "https went to the TLS port");
    assert_eq!(
        tls.plain_connections(),
        0,
        "http never went to the TLS port"
    );
    assert!(server.hits("/") > 0);
    // Port 6379 is not mapped: resolved, found private, never connected.
    let cache: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f.kind == "broken_link" && f.target_url.contains(":6379"))
        .collect();
    assert_eq!(cache.len(), 1, "{:#?}", run.findings);
    assert!(
        cache[0]
            .detail
            .contains(&format!("{HOST} resolves only to private-range addresses")),
        "{:?}",
        cache[0].detail
    );
    let asked = resolver.asked();
    assert!(
        !asked.is_empty() && asked.iter().all(|n| n == HOST),
        "only the unmapped port was resolved: {asked:?}"
    );
}

// ---- item 1: proxies are explicit and never bypass the guard ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_explicit_proxy_gets_only_unmapped_public_names() {
    let proxy = Listener::start("127.0.0.1".parse().expect("ip"), Behaviour::Proxy).expect("proxy");
    let files = site(&[
        (
            "index.html",
            page(
                "可靠性测试局",
                &format!(
                    "<p><a href=\"http://www.external-a.gov.cn/page.html\">市政府网站</a></p>\n\
                     <p><a href=\"http://{HOST}/mapped.html\">映射的主机</a></p>\n\
                     <p><a href=\"http://oa.reliab.gov.cn:PORT/oa.html\">内网办公</a></p>\n\
                     <p><a href=\"http://10.1.2.3/x.html\">内网地址</a></p>\n\
                     <p><a href=\"http://localhost:PORT/y.html\">本机</a></p>"
                ),
            ),
        ),
        ("mapped.html", page("映射", "<p>映射的页面</p>")),
        ("oa.html", page("办公", "<p>内网办公页面</p>")),
    ]);
    let server = SiteServer::start_with_today(SiteSource::dir(files.path()), today())
        .await
        .expect("server");
    let index = files.path().join("index.html");
    let text = std::fs::read_to_string(&index).expect("read");
    std::fs::write(&index, text.replace("PORT", &server.port().to_string())).expect("write");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut o = lib_options(dir.path(), today());
    o.out_dir = Some(dir.path().join("run"));
    o.resolve
        .push(zwgk_audit::crawl::resolve::ResolveEntry::connect_to(
            HOST,
            server.addr(),
        ));
    let resolver = StaticResolver::new(&[("oa.reliab.gov.cn", "127.0.0.1")]);
    o.fallback_resolver = Some(resolver.clone());
    let r = rules_crawl(
        &server.url("/"),
        "allow_private = [\"oa.reliab.gov.cn\"]",
        &format!("proxy = \"http://{}\"", proxy.addr),
    );
    let run = audit_with(r, o, dir).await;
    assert_eq!(
        proxy.requests(),
        ["GET http://www.external-a.gov.cn/page.html HTTP/1.1"],
        "only the unmapped public name goes through the proxy"
    );
    let ext = run.links_to("www.external-a.gov.cn/page.html");
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0].http_status, Some(200));
    // The allowed private name is resolved here; the proxied one is not.
    assert_eq!(
        resolver.asked().first().map(String::as_str),
        Some("oa.reliab.gov.cn")
    );
    assert!(!resolver.asked().iter().any(|n| n.contains("external")));
    for direct in ["/mapped.html", "/oa.html"] {
        assert!(server.hits(direct) > 0, "{direct} fetched directly");
        assert_eq!(run.links_to(direct)[0].http_status, Some(200), "{direct}");
    }
    // Private literals and localhost are wrong links, sent nowhere.
    assert!(run.has("wrong_link", "/", "http://10.1.2.3/x.html"));
    assert!(run.has("wrong_link", "/", "/y.html"));
    assert_eq!(server.hits("/x.html") + server.hits("/y.html"), 0);
    // The reports say where names were resolved.
    let s = summary(&run.result.run_dir);
    assert_eq!(s["name_resolution"], "proxy");
    assert_eq!(s["proxy"], format!("http://{}", proxy.addr));
    let html = std::fs::read_to_string(run.result.run_dir.join("report.html")).expect("report");
    assert!(html.contains("id=\"name-resolution\""));
    assert!(html.contains("域名由代理服务器解析"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_proxy_the_reports_say_names_were_resolved_here() {
    let files = site(&[("index.html", page("可靠性测试局", "<p>首页</p>"))]);
    let server = SiteServer::start_with_today(SiteSource::dir(files.path()), today())
        .await
        .expect("server");
    let run = audit(&server, rules(&server.url("/"), ""), |_| {}).await;
    let s = summary(&run.result.run_dir);
    assert_eq!(s["name_resolution"], "local");
    assert!(s.get("proxy").is_none());
    let html = std::fs::read_to_string(run.result.run_dir.join("report.html")).expect("report");
    assert!(!html.contains("id=\"name-resolution\""));
}

/// (exit code, findings as (kind, page, target), stderr) of `zwgk-audit demo`
/// with `env` added to (or, for an empty value, removed from) its environment.
fn demo_bin(
    work: &Path,
    env: &[(&str, &str)],
) -> (i32, BTreeSet<(String, String, String)>, String) {
    let out_dir = work.join("run");
    let mut c = std::process::Command::new(BIN);
    c.arg("demo")
        .arg("--out")
        .arg(&out_dir)
        .arg("--reports")
        .arg(work.join("reports"))
        .args(["--today", "2026-05-25", "--quiet"])
        .env("RUST_LOG", "zwgk_audit=info")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        if v.is_empty() {
            c.env_remove(k);
        } else {
            c.env(k, v);
        }
    }
    let out = c.output().expect("the binary runs");
    let rows: Vec<zwgk_audit::report::rows::FindingRow> = zwgk_audit::report::csv::read_rows(
        &std::fs::read(out_dir.join("findings.csv")).unwrap_or_default(),
    )
    .unwrap_or_default();
    (
        out.status.code().unwrap_or(-1),
        rows.into_iter()
            .map(|r| (r.kind, r.page_url, r.target_url))
            .collect(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn proxy_variables_in_the_environment_are_ignored_and_said_so() {
    let dead =
        Listener::start("127.0.0.1".parse().expect("ip"), Behaviour::Dead).expect("listener");
    let url = format!("http://{}", dead.addr);
    let names = zwgk_audit::crawl::client::PROXY_ENV_VARS;
    let clean: Vec<(&str, &str)> = names.iter().map(|n| (*n, "")).collect();
    let dirty: Vec<(&str, &str)> = names.iter().map(|n| (*n, url.as_str())).collect();
    let (w1, w2) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let (code, want, err) = demo_bin(w1.path(), &clean);
    assert!(
        !want.is_empty(),
        "the demo finds its planted defects: {err}"
    );
    assert!(!err.contains("proxy variables"), "{err}");
    let (code2, got, err2) = demo_bin(w2.path(), &dirty);
    assert_eq!(code2, code, "{err2}");
    assert_eq!(
        got, want,
        "the same findings with a dead proxy in the environment"
    );
    assert_eq!(dead.connections(), 0, "nothing is sent to the proxy");
    assert_eq!(
        err2.matches("proxy variables in the environment are ignored")
            .count(),
        1,
        "said once: {err2}"
    );
}

#[test]
fn rules_check_says_why_a_site_id_cannot_name_a_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (id, why) in [
        ("..", "names the reports folder itself or its parent"),
        ("reports/other", "no path separators"),
    ] {
        let f = dir.path().join("bad.toml");
        std::fs::write(
            &f,
            rules_text("http://www.reliab.gov.cn/", "").replace("\"reliab\"", &format!("\"{id}\"")),
        )
        .expect("write");
        let out = std::process::Command::new(BIN)
            .args(["rules", "check"])
            .arg(&f)
            .output()
            .expect("the binary runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("bad.toml:3: key `site.id`") && err.contains(why),
            "{id}: {err}"
        );
    }
}

// ---- item 6: nothing is lost silently ----

/// The title that makes a debug build panic while analysing a page
/// (`zwgk_audit::crawl::task::TEST_PANIC_TITLE`).
#[cfg(debug_assertions)]
const PANIC_TITLE: &str = zwgk_audit::crawl::task::TEST_PANIC_TITLE;

#[cfg(debug_assertions)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_while_analysing_a_page_fails_that_url_and_the_run_is_incomplete() {
    // One small page and one big page (analysed on the blocking pool) panic
    // while analysed; the pages around them are audited as usual.
    let filler = "<p>政府信息公开工作年度报告正文。</p>\n".repeat(12_000);
    let files = site(&[
        (
            "index.html",
            page(
                "可靠性测试局",
                "<p><a href=\"/tzgg/a.html\">通知公告</a></p>\n\
                 <p><a href=\"/tzgg/bad.html\">关于开展检查的通知</a></p>\n\
                 <p><a href=\"/tzgg/big.html\">年度报告全文</a></p>",
            ),
        ),
        (
            "tzgg/a.html",
            page(
                "通知公告",
                "<p><a href=\"/tzgg/bad.html#s2\">通知第二部分</a></p>\n\
                 <p><a href=\"/files/missing.pdf\">附件：检查表</a></p>",
            ),
        ),
        (
            "tzgg/bad.html",
            page(
                PANIC_TITLE,
                "<p><a href=\"/tzgg/only-from-bad.html\">仅此处链接</a></p>",
            ),
        ),
        ("tzgg/big.html", page(PANIC_TITLE, &filler)),
        ("tzgg/only-from-bad.html", page("仅此处链接", "<p>正文</p>")),
    ]);
    let server = SiteServer::start_with_today(SiteSource::dir(files.path()), today())
        .await
        .expect("server");
    let run = audit(&server, rules(&server.url("/"), ""), |_| {}).await;
    // The failed pages are in pages.csv with their status and why they failed.
    for path in ["/tzgg/bad.html", "/tzgg/big.html"] {
        let row = run
            .pages
            .iter()
            .find(|p| p.url.ends_with(path))
            .unwrap_or_else(|| panic!("{path} not in pages.csv: {:#?}", run.pages));
        assert_eq!(row.http_status, Some(200), "{row:?}");
        assert!(
            row.error.contains("page analysis failed") && row.error.contains("injected"),
            "{row:?}"
        );
    }
    // The occurrences that waited for them are written, and they are not
    // reported as broken: the site served them.
    assert_eq!(run.links_to("/tzgg/bad.html").len(), 1, "{:#?}", run.links);
    assert_eq!(
        run.links_to("/tzgg/bad.html#s2").len(),
        1,
        "{:#?}",
        run.links
    );
    for l in run
        .links
        .iter()
        .filter(|l| l.target_url.contains("/tzgg/b"))
    {
        assert_eq!(
            (l.status.as_str(), l.http_status),
            ("ok", Some(200)),
            "{l:?}"
        );
    }
    assert!(
        !run.findings
            .iter()
            .any(|f| f.target_url.contains("/tzgg/b")),
        "{:#?}",
        run.findings
    );
    // Other pages are intact: their rows, links and findings.
    for path in ["/", "/tzgg/a.html"] {
        let row = run
            .pages
            .iter()
            .find(|p| p.url.ends_with(path))
            .unwrap_or_else(|| panic!("{path} not in pages.csv"));
        assert!(row.error.is_empty(), "{row:?}");
    }
    assert!(run.has("broken_link", "/tzgg/a.html", "/files/missing.pdf"));
    // The run says it is incomplete, and why, URL by URL.
    let s = summary(&run.result.run_dir);
    assert_eq!(s["complete"], false);
    assert_eq!(s["error_count"], 2);
    let failed: BTreeSet<&str> = s["errors"]
        .as_array()
        .expect("errors listed")
        .iter()
        .map(|e| e["url"].as_str().expect("a url"))
        .collect();
    assert_eq!(
        failed,
        [server.url("/tzgg/bad.html"), server.url("/tzgg/big.html")]
            .iter()
            .map(String::as_str)
            .collect()
    );
    assert_eq!(s["estimate"]["verdict"], "partial");
    assert!(
        s["scope"]["statement_zh"]
            .as_str()
            .is_some_and(|t| t.contains("2 个网址因审计程序内部错误未能检查")),
        "{}",
        s["scope"]
    );
    // Kept for `--resume`, which checks the failed URLs again.
    assert!(run.result.run_dir.join("journal.jsonl").is_file());
}

// ---- item 4: one slow host never stalls the others ----

/// A second own host on its own thread: its pages, and a robots.txt that
/// answers only once `release` says so (or after 60 s), disallowing
/// `/private/`. Records the paths asked, in order.
struct HeldRobots {
    addr: SocketAddr,
    paths: Arc<Mutex<Vec<String>>>,
}

impl HeldRobots {
    fn start(release: impl Fn() -> bool + Send + Sync + 'static) -> HeldRobots {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let paths = Arc::new(Mutex::new(Vec::new()));
        let (p, release) = (paths.clone(), Arc::new(release));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (p, release) = (p.clone(), release.clone());
                std::thread::spawn(move || {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&head);
                    let path = text.split(' ').nth(1).unwrap_or("/").to_string();
                    p.lock().expect("lock").push(path.clone());
                    let (status, body) = match path.as_str() {
                        "/robots.txt" => {
                            let t0 = std::time::Instant::now();
                            while !release() && t0.elapsed() < std::time::Duration::from_secs(60) {
                                std::thread::sleep(std::time::Duration::from_millis(10));
                            }
                            ("200 OK", "User-agent: *\nDisallow: /private/\n".to_string())
                        }
                        "/" => (
                            "200 OK",
                            page(
                                "政务公开",
                                "<p><a href=\"/open.html\">公开目录</a></p>\n\
                                 <p><a href=\"/private/x.html\">内部页面</a></p>",
                            ),
                        ),
                        "/open.html" => ("200 OK", page("公开目录", "<p>目录</p>")),
                        _ => ("404 Not Found", page("页面不存在", "<p>页面不存在</p>")),
                    };
                    let kind = if path.ends_with(".txt") {
                        "text/plain"
                    } else {
                        "text/html; charset=utf-8"
                    };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                });
            }
        });
        HeldRobots { addr, paths }
    }

    fn paths(&self) -> Vec<String> {
        self.paths.lock().expect("lock").clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_robots_txt_on_one_own_host_does_not_hold_back_the_other() {
    const ZWGK: &str = "zwgk.reliab.gov.cn";
    let n = 12;
    let mut index = format!("<p><a href=\"http://{ZWGK}/\">政务公开</a></p>\n");
    let mut files = Vec::new();
    for i in 0..n {
        index.push_str(&format!(
            "<p><a href=\"/tzgg/{i}.html\">通知公告 {i}</a></p>\n"
        ));
        files.push((
            format!("tzgg/{i}.html"),
            page(&format!("通知公告 {i}"), "<p>正文</p>"),
        ));
    }
    files.push(("index.html".into(), page("可靠性测试局", &index)));
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let files = site(&files);
    let server = Arc::new(
        SiteServer::start_with_today(SiteSource::dir(files.path()), today())
            .await
            .expect("server"),
    );
    // The second host's robots.txt answers only once every page of the first
    // host was asked for: if the first host waited for it, it never would,
    // the robots.txt would time out and its Disallow would be missed.
    let s = server.clone();
    let zwgk = HeldRobots::start(move || (0..n).all(|i| s.hits(&format!("/tzgg/{i}.html")) > 0));
    let r = rules_crawl(
        &server.url("/"),
        &format!("own_hosts = [\"{ZWGK}\"]"),
        "timeout_secs = 30\nmax_concurrency = 4\nhost_concurrency = 2",
    );
    let run = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        audit(&server, r, |o| {
            o.resolve
                .push(zwgk_audit::crawl::resolve::ResolveEntry::connect_to(
                    ZWGK, zwgk.addr,
                ));
        }),
    )
    .await
    .expect("the run ends");
    for i in 0..n {
        let url = server.url(&format!("/tzgg/{i}.html"));
        let row = run
            .pages
            .iter()
            .find(|p| p.url == url)
            .expect("page crawled");
        assert_eq!(row.http_status, Some(200));
    }
    // The robots.txt was read once and obeyed; the second host was crawled.
    let paths = zwgk.paths();
    assert_eq!(
        paths.first().map(String::as_str),
        Some("/robots.txt"),
        "{paths:?}"
    );
    assert_eq!(paths.iter().filter(|p| *p == "/robots.txt").count(), 1);
    assert!(paths.iter().any(|p| p == "/open.html"), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p.starts_with("/private/")),
        "{paths:?}"
    );
    let private = run.links_to("/private/x.html");
    assert_eq!(private.len(), 1);
    assert_eq!(private[0].status, "skipped", "{:?}", private[0]);
    assert!(
        run.findings
            .iter()
            .all(|f| !f.target_url.contains("/private/"))
    );
}

/// A listener on loopback that never accepts: its one-slot accept queue is
/// full, so every further connection attempt times out, as to a host that
/// drops packets.
async fn blackhole() -> (tokio::net::TcpListener, std::net::TcpStream) {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let listener = socket.listen(0).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let filler = std::net::TcpStream::connect(addr).expect("the first connection is queued");
    (listener, filler)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blackholed_external_host_is_given_up_after_a_few_attempts() {
    const DEAD: &str = "www.dead-external.cn";
    let (hole, _filler) = blackhole().await;
    let port = hole.local_addr().expect("addr").port();
    // 500 links to a host that never answers: pages and attachments.
    let mut links = String::new();
    for i in 0..500 {
        let ext = if i % 2 == 0 { "html" } else { "pdf" };
        links.push_str(&format!(
            "<li><a href=\"http://{DEAD}:{port}/xxgk/{i}.{ext}\">外部文件 {i}</a></li>\n"
        ));
    }
    let files = site(&[
        (
            "index.html",
            page(
                "可靠性测试局",
                "<p><a href=\"/links.html\">友情链接</a></p><p><a href=\"/zwgk.html\">政务公开</a></p>",
            ),
        ),
        (
            "links.html",
            page("友情链接", &format!("<ul>\n{links}</ul>")),
        ),
        (
            "zwgk.html",
            page("政务公开", "<p><a href=\"/missing.pdf\">附件</a></p>"),
        ),
    ]);
    let server = SiteServer::start_with_today(SiteSource::dir(files.path()), today())
        .await
        .expect("server");
    let resolver = StaticResolver::new(&[(DEAD, "127.0.0.1")]);
    let r = rules_crawl(
        &server.url("/"),
        &format!("allow_private = [\"{DEAD}\"]"),
        "connect_timeout_secs = 1\nretries = 2\nhost_concurrency = 4",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let mut o = lib_options(dir.path(), today());
    o.out_dir = Some(dir.path().join("run"));
    o.fallback_resolver = Some(resolver.clone());
    let run = tokio::time::timeout(std::time::Duration::from_secs(120), audit_with(r, o, dir))
        .await
        .expect("the run ends");
    // Every link is a suspected broken link, with one shared reason but for
    // the few whose own attempts tripped the breaker.
    let dead: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f.target_url.contains(DEAD))
        .collect();
    assert_eq!(dead.len(), 500, "{:#?}", &dead[..dead.len().min(3)]);
    assert!(
        dead.iter()
            .all(|f| f.kind == "broken_link" && f.certainty == "suspected")
    );
    let reasons: BTreeSet<&str> = dead.iter().map(|f| f.detail.as_str()).collect();
    let breaker: Vec<&&str> = reasons
        .iter()
        .filter(|r| r.contains("crawl.host_failures"))
        .collect();
    assert_eq!(breaker.len(), 1, "one breaker line: {reasons:#?}");
    assert!(
        breaker[0].contains(&format!("{DEAD}:{port}"))
            && breaker[0]
                .contains("3 connection attempts in a row failed (connect timeout after 1s)"),
        "{breaker:?}"
    );
    for r in &reasons {
        assert!(
            *r == *breaker[0] || *r == "connect timeout after 1s",
            "no other reason, and a true timeout figure: {r}"
        );
    }
    let shared = dead.iter().filter(|f| f.detail == *breaker[0]).count();
    assert!(shared >= 490, "{shared} share the breaker line");
    // A bounded number of connection attempts: no GET after a failed HEAD,
    // no retry once the host is given up.
    let attempts = resolver.asked().iter().filter(|n| *n == DEAD).count();
    assert!(
        (3..=8).contains(&attempts),
        "{attempts} connection attempts"
    );
    // The site itself is audited as usual.
    assert!(run.has("broken_link", "/zwgk.html", "/missing.pdf"));
    assert_eq!(run.result.pages, 3);
}

// ---- item 7: memory stays flat with many findings and anchors ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragments_are_checked_whether_their_page_was_crawled_before_or_after_the_link() {
    // 24 pages of 10,000 anchors each (their own names: about 2 MB of anchor
    // sets, so the first ones are read back from disk), crawled in order;
    // the first page links forward to the last, the last back to the first.
    let n = 24;
    let mut files = Vec::new();
    let mut index = String::new();
    for i in 0..n {
        index.push_str(&format!(
            "<p><a href=\"/xxgk/{i}.html\">公开目录 {i}</a></p>\n"
        ));
        let names: String = (0..10_000)
            .map(|k| format!("<a name=\"p{i}-s{k}\"></a>"))
            .collect();
        let links = match i {
            0 => format!(
                "<p><a href=\"/xxgk/{l}.html#p{l}-s9999\">末页末节</a> \
                 <a href=\"/xxgk/{l}.html#p{l}-gone\">末页已删除的一节</a></p>",
                l = n - 1
            ),
            i if i == n - 1 => "<p><a href=\"/xxgk/0.html#p0-s5000\">首页第五千节</a> \
                 <a href=\"/xxgk/0.html#p0-gone\">首页已删除的一节</a> \
                 <a href=\"#p23-s1\">本页第一节</a> <a href=\"#nowhere\">本页不存在的一节</a></p>"
                .to_string(),
            _ => String::new(),
        };
        files.push((
            format!("xxgk/{i}.html"),
            page(&format!("公开目录 {i}"), &format!("{links}\n{names}")),
        ));
    }
    files.push(("index.html".into(), page("可靠性测试局", &index)));
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let files = site(&files);
    let server = SiteServer::start_with_today(SiteSource::dir(files.path()), today())
        .await
        .expect("server");
    let run = audit(
        &server,
        rules_crawl(&server.url("/"), "", "max_concurrency = 2"),
        |_| {},
    )
    .await;
    let mut missing: Vec<(String, String)> = run
        .of_kind("missing_anchor")
        .iter()
        .map(|f| {
            let short = |u: &str| u.rsplit('/').next().unwrap_or(u).to_string();
            (short(&f.page_url), short(&f.target_url))
        })
        .collect();
    missing.sort();
    assert_eq!(
        missing,
        [
            ("0.html".to_string(), "23.html#p23-gone".to_string()),
            ("23.html".into(), "0.html#p0-gone".into()),
            ("23.html".into(), "23.html#nowhere".into()),
        ],
        "{:#?}",
        run.of_kind("missing_anchor")
    );
    assert_eq!(run.result.pages, n + 1);
    assert!(run.result.caps.is_empty(), "{:?}", run.result.caps);
}
