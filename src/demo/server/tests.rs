//! The fixture server against a real client on 127.0.0.1, one test per behaviour.

use super::*;
use reqwest::redirect::Policy;
use std::path::Path;
use std::time::Instant;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A single-host site with one file per behaviour.
async fn site() -> (tempfile::TempDir, SiteServer) {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(
        r,
        "index.html",
        "<html><title>首页</title>今天 {{date}}</html>".as_bytes(),
    );
    write(r, "a/index.html", b"<html>folder a</html>");
    write(r, "a/style.css", b"body{}");
    write(r, "files/report.pdf", b"%PDF-1.4 fake");
    write(r, "files/2026年工作要点.pdf", b"%PDF-1.4 chinese name");
    write(r, "files/data.xls", b"\xd0\xcf\x11\xe0 fake xls");
    write(r, "files/bin.ofd", b"PK ofd");
    let (gbk, _, _) = encoding_rs::GBK.encode(
        "<html><head><meta charset=\"gb2312\"><title>通知</title></head><body>发布日期：{{date:-3:zh}}</body></html>",
    );
    write(r, "gbk/meta.html", &gbk);
    write(r, "gbk/header.html", &gbk);
    write(
        r,
        "news/{{ym-2}}/t{{ymd-2}}_1234.html",
        b"<html>article {{date:-2}}</html>",
    );
    write(r, "slow.html", b"<html>slow</html>");
    write(r, "drip.html", b"0123456789");
    write(r, "busy.html", b"<html>finally</html>");
    write(r, "nohead.pdf", b"%PDF-1.4 no head");
    write(
        r,
        "soft404.html",
        "<html><title>页面不存在</title></html>".as_bytes(),
    );
    write(r, "range.txt", b"0123456789");
    write(
        r,
        "_routes.toml",
        br#"
["/gbk/header.html"]
headers = { "content-type" = "text/html; charset=gbk" }

["/gone.html"]
status = 410

["/inline.html"]
body = "<html>inline {{year:-1}}</html>"

["/moved.html"]
redirect = "/a/"
status = 301

["/temp.html"]
redirect = "/news/{{ym-2}}/t{{ymd-2}}_1234.html"

["/slow.html"]
delay_ms = 300

["/drip.html"]
drip_ms = 30

["/nohead.pdf"]
head_status = 405

["/busy.html"]
fail_first = 2
fail_status = 429
fail_headers = { "retry-after" = "1" }

["/endless.html"]
endless = true

["/bomb.html"]
gzip_bomb = true

["/reset.html"]
reset = true

["/big.html"]
bytes = 3000000

["/noise.html"]
noise = 5000

["/short.html"]
body = "only ten b"
content_length = 1000

["/soft404.html"]
status = 200

["/{{ym-2}}.html"]
body = "templated key"
"#,
    );
    let server = SiteServer::start_with_today(SiteSource::dir(r), today())
        .await
        .unwrap();
    (dir, server)
}

fn ctype(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn binds_loopback_on_an_ephemeral_port() {
    let (_d, s) = site().await;
    assert!(s.addr().ip().is_loopback());
    assert_ne!(s.port(), 0);
    assert_eq!(s.url("x"), format!("http://127.0.0.1:{}/x", s.port()));
    assert!(s.hosts().is_empty());
}

#[tokio::test]
async fn files_folders_and_404() {
    let (_d, s) = site().await;
    let c = client();
    let r = c.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(ctype(&r), "text/html; charset=utf-8");
    assert!(r.text().await.unwrap().contains("今天 2026-05-20"));

    let r = c.get(s.url("/a/")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "<html>folder a</html>");
    let r = c.get(s.url("/a?x=1")).send().await.unwrap();
    assert_eq!(r.status(), 301);
    assert_eq!(r.headers()["location"], "/a/?x=1");

    for (path, ty) in [
        ("/a/style.css", "text/css; charset=utf-8"),
        ("/files/report.pdf", "application/pdf"),
        ("/files/data.xls", "application/vnd.ms-excel"),
        ("/files/bin.ofd", "application/ofd"),
    ] {
        let r = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(ctype(&r), ty, "{path}");
    }

    let r = c.get(s.url("/nope.html")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("404 Not Found"));
    // Only indexed files are served: no way out of the root.
    let r = c
        .get(s.url("/%2e%2e/%2e%2e/etc/passwd"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn chinese_file_names_raw_and_percent_encoded() {
    let (_d, s) = site().await;
    let c = client();
    let url = url::Url::parse(&s.url("/files/2026年工作要点.pdf")).unwrap();
    assert!(url.as_str().contains("%E5%B9%B4"));
    let r = c.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 chinese name");
    assert_eq!(s.hits("/files/2026年工作要点.pdf"), 1);
    assert_eq!(
        s.hits("/files/2026%E5%B9%B4%E5%B7%A5%E4%BD%9C%E8%A6%81%E7%82%B9.pdf"),
        1
    );
}

#[tokio::test]
async fn gbk_pages_keep_their_bytes_and_dates_in_gbk() {
    let (_d, s) = site().await;
    let c = client();
    let r = c.get(s.url("/gbk/meta.html")).send().await.unwrap();
    assert_eq!(ctype(&r), "text/html", "a GBK page gets no utf-8 label");
    let bytes = r.bytes().await.unwrap();
    assert!(std::str::from_utf8(&bytes).is_err());
    let (text, bad) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
    assert!(!bad);
    assert!(text.contains("发布日期：2026年5月17日"), "{text}");

    let r = c.get(s.url("/gbk/header.html")).send().await.unwrap();
    assert_eq!(ctype(&r), "text/html; charset=gbk");
    assert!(r.text().await.unwrap().contains("2026年5月17日"));
}

#[tokio::test]
async fn templated_file_names_and_route_keys() {
    let (_d, s) = site().await;
    let c = client();
    let r = c
        .get(s.url("/news/202605/t20260518_1234.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "<html>article 2026-05-18</html>");
    let r = c.get(s.url("/202605.html")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "templated key");
    let r = c.get(s.url("/temp.html")).send().await.unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "/news/202605/t20260518_1234.html");
}

#[tokio::test]
async fn status_body_and_redirect_routes() {
    let (_d, s) = site().await;
    let c = client();
    assert_eq!(
        c.get(s.url("/gone.html")).send().await.unwrap().status(),
        410
    );
    let r = c.get(s.url("/inline.html")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "<html>inline 2025</html>");
    let r = c.get(s.url("/moved.html")).send().await.unwrap();
    assert_eq!(r.status(), 301);
    assert_eq!(r.headers()["location"], "/a/");
    let r = c.get(s.url("/soft404.html")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn delay_before_headers() {
    let (_d, s) = site().await;
    let t = Instant::now();
    let r = client().get(s.url("/slow.html")).send().await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status(), 200);
    let timeout = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let e = timeout.get(s.url("/slow.html")).send().await.unwrap_err();
    assert!(e.is_timeout());
}

#[tokio::test]
async fn drip_sends_one_byte_per_interval() {
    let (_d, s) = site().await;
    let t = Instant::now();
    let r = client().get(s.url("/drip.html")).send().await.unwrap();
    assert_eq!(r.headers()["content-length"], "10");
    assert_eq!(r.text().await.unwrap(), "0123456789");
    assert!(
        t.elapsed() >= Duration::from_millis(270),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn head_refused_but_get_works() {
    let (_d, s) = site().await;
    let c = client();
    assert_eq!(
        c.head(s.url("/nohead.pdf")).send().await.unwrap().status(),
        405
    );
    let r = c.get(s.url("/nohead.pdf")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 no head");
    // A plain file answers HEAD with its headers.
    let r = c.head(s.url("/files/report.pdf")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-length"], "13");
}

#[tokio::test]
async fn fail_first_then_succeed() {
    let (_d, s) = site().await;
    let c = client();
    for _ in 0..2 {
        let r = c.get(s.url("/busy.html")).send().await.unwrap();
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "1");
    }
    let r = c.get(s.url("/busy.html")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "<html>finally</html>");
    assert_eq!(s.hits("/busy.html"), 3);
}

#[tokio::test]
async fn endless_body_never_ends() {
    let (_d, s) = site().await;
    let mut r = client().get(s.url("/endless.html")).send().await.unwrap();
    assert!(r.headers().get("content-length").is_none());
    let mut total = 0;
    while total < 4 * 1024 * 1024 {
        total += r.chunk().await.unwrap().unwrap().len();
    }
    drop(r);
    // Dropping the response frees the request slot.
    for _ in 0..100 {
        if s.in_flight() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(s.in_flight(), 0);
}

#[tokio::test]
async fn gzip_bomb_is_small_on_the_wire() {
    let (_d, s) = site().await;
    let raw = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .build()
        .unwrap();
    let r = raw.get(s.url("/bomb.html")).send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let wire = r.bytes().await.unwrap();
    assert!(wire.len() < 1024 * 1024, "{} bytes", wire.len());
    // It inflates past any sane page cap.
    use std::io::Read;
    let mut dec = flate2::read::GzDecoder::new(&wire[..]);
    let mut buf = vec![0u8; 1024 * 1024];
    let mut total = 0usize;
    while total < 64 * 1024 * 1024 {
        let n = dec.read(&mut buf).unwrap();
        assert!(n > 0);
        total += n;
    }
}

#[tokio::test]
async fn reset_closes_without_a_response() {
    let (_d, s) = site().await;
    let e = client().get(s.url("/reset.html")).send().await.unwrap_err();
    assert!(!e.is_status() && !e.is_timeout(), "{e:?}");
    assert_eq!(s.hits("/reset.html"), 1);
}

#[tokio::test]
async fn generated_bytes_and_noise() {
    let (_d, s) = site().await;
    let c = client();
    let r = c.get(s.url("/big.html")).send().await.unwrap();
    assert_eq!(r.headers()["content-length"], "3000000");
    assert_eq!(r.bytes().await.unwrap().len(), 3_000_000);
    let r = c.get(s.url("/noise.html")).send().await.unwrap();
    assert_eq!(ctype(&r), "text/html");
    let b = r.bytes().await.unwrap();
    assert_eq!(b.len(), 5000);
    assert!(std::str::from_utf8(&b).is_err());
}

#[tokio::test]
async fn lying_content_length_breaks_the_body() {
    let (_d, s) = site().await;
    let r = client().get(s.url("/short.html")).send().await.unwrap();
    assert_eq!(r.headers()["content-length"], "1000");
    assert!(r.bytes().await.is_err());
}

#[tokio::test]
async fn range_requests() {
    let (_d, s) = site().await;
    let r = client()
        .get(s.url("/range.txt"))
        .header("range", "bytes=0-0")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["content-range"], "bytes 0-0/10");
    assert_eq!(r.text().await.unwrap(), "0");
}

#[tokio::test]
async fn counts_hits_and_concurrency() {
    let (_d, s) = site().await;
    let c = client();
    let mut tasks = Vec::new();
    for _ in 0..5 {
        let c = c.clone();
        let u = s.url("/slow.html");
        tasks.push(tokio::spawn(async move {
            c.get(u).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    assert_eq!(s.hits("/slow.html"), 5);
    assert_eq!(s.max_in_flight(), 5);
    assert_eq!(s.max_in_flight_on("127.0.0.1"), 5);
    assert_eq!(s.max_in_flight_on("other.test"), 0);
    s.reset_counters();
    for _ in 0..3 {
        c.get(s.url("/slow.html")).send().await.unwrap();
    }
    assert_eq!(s.hits("/slow.html"), 3);
    assert_eq!(s.max_in_flight(), 1);
    assert_eq!(s.max_in_flight_on("127.0.0.1"), 1);
    assert_eq!(s.total_hits(), 3);
}

#[tokio::test]
async fn virtual_hosts_by_host_header() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let r = root;
    write(r, "www.main.gov.cn/index.html", b"main home");
    write(
        r,
        "www.main.gov.cn/_routes.toml",
        b"[\"/old\"]\nstatus = 410\n",
    );
    write(r, "friend.example.org/index.html", b"friend home");
    write(r, "EXPECTED.tsv", b"not served");
    let site = SiteSource::dir(r).with_default_host("www.main.gov.cn");
    let s = SiteServer::start_with_today(site, today()).await.unwrap();
    assert_eq!(s.hosts(), vec!["friend.example.org", "www.main.gov.cn"]);
    assert_eq!(
        s.resolve_pairs()[0],
        ("friend.example.org".to_string(), s.addr())
    );
    let c = reqwest::Client::builder()
        .no_proxy()
        .resolve("friend.example.org", s.addr())
        .resolve("www.main.gov.cn", s.addr())
        .resolve("missing.example.org", s.addr())
        .build()
        .unwrap();
    // A port-less URL reaches the server's port through the resolve mapping.
    let r = c.get("http://friend.example.org/").send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "friend home");
    let r = c
        .get(s.host_url("www.main.gov.cn", "/"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), "main home");
    let r = c.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "main home", "default host");
    let r = c.get("http://www.main.gov.cn/old").send().await.unwrap();
    assert_eq!(r.status(), 410, "routes are per host");
    let r = c.get("http://friend.example.org/old").send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .get("http://friend.example.org/EXPECTED.tsv")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(s.hits_on("friend.example.org", "/old"), 1);
    assert_eq!(s.hits("/old"), 2);

    let no_default = SiteServer::start_with_today(SiteSource::dir(root), today())
        .await
        .unwrap();
    let r = client().get(no_default.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn bad_routes_file_fails_start() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "_routes.toml", b"[\"/a\"]\nstauts = 404\n");
    let e = SiteServer::start(SiteSource::dir(dir.path()))
        .await
        .err()
        .unwrap();
    assert!(e.to_string().contains("_routes.toml"), "{e}");
    assert!(e.to_string().contains("stauts"), "{e}");
}

#[tokio::test]
async fn stops_when_dropped() {
    let (_d, s) = site().await;
    let addr = s.addr();
    // Hold an endless response open; the drop must cut it.
    let mut r = client().get(s.url("/endless.html")).send().await.unwrap();
    r.chunk().await.unwrap();
    drop(s);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    let mut ended = false;
    for _ in 0..10_000 {
        match r.chunk().await {
            Ok(Some(_)) => continue,
            _ => {
                ended = true;
                break;
            }
        }
    }
    assert!(ended);
}

#[tokio::test]
async fn shutdown_waits() {
    let (_d, s) = site().await;
    let addr = s.addr();
    s.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[test]
fn runs_in_its_own_thread() {
    let (dir, _) = {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "index.html", b"threaded {{year}}");
        (dir, ())
    };
    let s = SiteServer::start_in_thread(SiteSource::dir(dir.path()), Some(today())).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let text = rt.block_on(async {
        client()
            .get(s.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    assert_eq!(text, "threaded 2026");
    let addr = s.addr();
    drop(s);
    assert!(std::net::TcpStream::connect(addr).is_err());
}
