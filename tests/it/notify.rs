//! Alerts after a run, posted to a webhook receiver on loopback (axum): the
//! exact body of each format (企业微信, 钉钉 signed, 飞书 signed, JSON), the
//! `on` modes over two nights of the demo, a receiver that answers 500 or
//! never answers (the run still ends, with its exit code), and no secret in
//! the output or the reports.

use crate::common::today;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zwgk_audit::audit::AuditOptions;
use zwgk_audit::crawl::Progress;
use zwgk_audit::demo::audit_demo;
use zwgk_audit::notify::{Alert, AlertItem, Plan, after_run, deliver};
use zwgk_audit::report::Lang;
use zwgk_audit::report::summary::Verdict;
use zwgk_audit::rules::notify::{NotifyOn, Secret, SecretSource, Target};

const BIN: &str = env!("CARGO_BIN_EXE_zwgk-audit");

/// One POST the receiver got.
#[derive(Debug, Clone)]
struct Received {
    /// Path and query.
    uri: String,
    content_type: String,
    body: String,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    fn path(&self) -> &str {
        self.uri.split('?').next().unwrap_or("")
    }
}

/// A webhook receiver: `/fail…` answers 500, `/robot-error…` 200 with a
/// robot error code, anything else 200 `{"errcode":0}`.
struct Receiver {
    addr: SocketAddr,
    got: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start() -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let log = got.clone();
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let log = log.clone();
            async move {
                let path = uri.path().to_string();
                log.lock().unwrap().push(Received {
                    uri: uri.to_string(),
                    content_type: headers
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string(),
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                if path.starts_with("/fail") {
                    (StatusCode::INTERNAL_SERVER_ERROR, "boom".to_string())
                } else if path.starts_with("/robot-error") {
                    (
                        StatusCode::OK,
                        r#"{"errcode":310000,"errmsg":"sign not match"}"#.to_string(),
                    )
                } else {
                    (StatusCode::OK, r#"{"errcode":0,"errmsg":"ok"}"#.to_string())
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { addr, got, task }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    fn at(&self, path: &str) -> Vec<Received> {
        self.got()
            .into_iter()
            .filter(|r| r.path() == path)
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A webhook that accepts connections and never answers; counts them.
struct Silent {
    addr: SocketAddr,
    connections: Arc<Mutex<usize>>,
    task: tokio::task::JoinHandle<()>,
}

impl Silent {
    async fn start() -> Silent {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections: Arc<Mutex<usize>> = Arc::default();
        let n = connections.clone();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((sock, _)) = listener.accept().await {
                *n.lock().unwrap() += 1;
                held.push(sock);
            }
        });
        Silent {
            addr,
            connections,
            task,
        }
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn item(kind: &str, name: &str, page: &str, target: &str, detail: &str) -> AlertItem {
    AlertItem {
        kind: kind.into(),
        kind_name: name.into(),
        page_url: page.into(),
        target_url: target.into(),
        detail: detail.into(),
    }
}

/// An alert with markdown characters and a backtick in site text.
fn sample_alert() -> Alert {
    Alert {
        site: "示例市档案局".into(),
        site_id: "daj".into(),
        run_id: "20260525-031500".into(),
        date: "2026-05-25".into(),
        homepage: "http://www.daj.example.gov.cn/".into(),
        verdict: Some(Verdict::Fail),
        verdict_label: "不合格".into(),
        verdict_line: "不合格（估算得分 58 低于 60 分）：估算得分 58/100".into(),
        score: Some(58.0),
        complete: true,
        site_unreachable: None,
        findings: 3,
        errors: 2,
        warnings: 1,
        infos: 0,
        previous_run: Some("20260524-031500".into()),
        new: 2,
        fixed: 1,
        open: 1,
        new_errors_total: 2,
        new_errors: vec![
            item(
                "broken_link",
                "断链",
                "http://www.daj.example.gov.cn/xxgk/",
                "http://www.daj.example.gov.cn/files/2026_*plan*.pdf",
                "HTTP 404",
            ),
            item(
                "wrong_link",
                "错链",
                "http://www.daj.example.gov.cn/tzgg/t1.html",
                "http://192.168.1.10/oa/`x`",
                "private address",
            ),
        ],
        report: "/srv/reports/daj/20260525-031500/report.html".into(),
        workbook: Some("/srv/reports/daj/20260525-031500/report.xlsx".into()),
    }
}

const MARKDOWN: &str = "### 示例市档案局 网站检查：不合格
> 不合格（估算得分 58 低于 60 分）：估算得分 58/100
- 日期：2026-05-25（运行 20260525-031500）
- 首页：`http://www.daj.example.gov.cn/`
- 新增错误：2 个（与 20260524-031500 比较）
- 问题：3 个（错误 2 · 警告 1 · 提示 0）
- 变化：新增 2 · 已修复 1 · 仍存在 1

**新增错误**
1. 断链 `http://www.daj.example.gov.cn/xxgk/` → `http://www.daj.example.gov.cn/files/2026_*plan*.pdf`
2. 错链 `http://www.daj.example.gov.cn/tzgg/t1.html` → `http://192.168.1.10/oa/'x'`

报告：`/srv/reports/daj/20260525-031500/report.html`";

const PLAIN: [&str; 10] = [
    "不合格（估算得分 58 低于 60 分）：估算得分 58/100",
    "日期：2026-05-25（运行 20260525-031500）",
    "首页：http://www.daj.example.gov.cn/",
    "新增错误：2 个（与 20260524-031500 比较）",
    "问题：3 个（错误 2 · 警告 1 · 提示 0）",
    "变化：新增 2 · 已修复 1 · 仍存在 1",
    "新增错误",
    "1. 断链 http://www.daj.example.gov.cn/xxgk/ → http://www.daj.example.gov.cn/files/2026_*plan*.pdf",
    "2. 错链 http://www.daj.example.gov.cn/tzgg/t1.html → http://192.168.1.10/oa/`x`",
    "报告：/srv/reports/daj/20260525-031500/report.html",
];

fn plan(targets: Vec<Target>, on: NotifyOn, secret: SecretSource) -> Plan {
    Plan {
        targets,
        on,
        format: None,
        secret,
        proxy: String::new(),
        user_agent: "zwgk-audit-test".into(),
        lang: Lang::Zh,
    }
}

fn target(s: &str) -> Target {
    s.parse().expect("target parses")
}

#[tokio::test]
async fn each_format_posts_its_exact_body() {
    let rx = Receiver::start().await;
    let p = plan(
        vec![
            target(&format!("wecom={}", rx.url("/wecom?key=k1"))),
            target(&format!(
                "dingtalk={}",
                rx.url("/robot/send?access_token=TOKEN123")
            )),
            target(&format!("feishu={}", rx.url("/open-apis/bot/v2/hook/h1"))),
            target(&rx.url("/plain")),
        ],
        NotifyOn::Always,
        SecretSource::Value(Secret::new("SECtest")),
    );
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let done = deliver(&p, &sample_alert(), now).await;
    assert_eq!(done.len(), 4);
    for d in &done {
        assert!(d.ok && d.attempts == 1, "{d:?}");
    }
    let got = rx.got();
    assert_eq!(got.len(), 4, "{got:#?}");
    for r in &got {
        assert_eq!(r.content_type, "application/json; charset=utf-8");
    }

    // 企业微信: markdown, no signature.
    let wecom = &rx.at("/wecom")[0];
    assert_eq!(wecom.uri, "/wecom?key=k1");
    assert_eq!(
        wecom.json(),
        json!({"msgtype": "markdown", "markdown": {"content": MARKDOWN}})
    );

    // 钉钉: markdown with a title; timestamp (ms) and sign in the query.
    let ding = &rx.at("/robot/send")[0];
    assert_eq!(
        ding.uri,
        "/robot/send?access_token=TOKEN123&timestamp=1700000000000\
         &sign=aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D"
    );
    assert_eq!(
        ding.json(),
        json!({"msgtype": "markdown", "markdown": {
            "title": "示例市档案局 网站检查：不合格",
            "text": MARKDOWN,
        }})
    );

    // 飞书: a post message, timestamp (s) and sign in the body.
    let feishu = &rx.at("/open-apis/bot/v2/hook/h1")[0];
    let paragraphs: Vec<Value> = PLAIN
        .iter()
        .map(|l| json!([{"tag": "text", "text": l}]))
        .collect();
    assert_eq!(
        feishu.json(),
        json!({
            "timestamp": "1700000000",
            "sign": "G7XpBpG8NgG02fJOAhX6FRAObIljmFoxVReo8I62pEk=",
            "msg_type": "post",
            "content": {"post": {"zh_cn": {
                "title": "示例市档案局 网站检查：不合格",
                "content": paragraphs,
            }}},
        })
    );

    // Any other host: every field of the alert as JSON, plus title and text.
    let plain = &rx.at("/plain")[0];
    let mut text = vec!["示例市档案局 网站检查：不合格"];
    text.extend(PLAIN);
    assert_eq!(
        plain.json(),
        json!({
            "site": "示例市档案局",
            "site_id": "daj",
            "run_id": "20260525-031500",
            "date": "2026-05-25",
            "homepage": "http://www.daj.example.gov.cn/",
            "verdict": "fail",
            "verdict_label": "不合格",
            "verdict_line": "不合格（估算得分 58 低于 60 分）：估算得分 58/100",
            "score": 58.0,
            "complete": true,
            "site_unreachable": null,
            "findings": 3,
            "errors": 2,
            "warnings": 1,
            "infos": 0,
            "previous_run": "20260524-031500",
            "new": 2,
            "fixed": 1,
            "open": 1,
            "new_errors_total": 2,
            "new_errors": [
                {"kind": "broken_link", "kind_name": "断链",
                 "page_url": "http://www.daj.example.gov.cn/xxgk/",
                 "target_url": "http://www.daj.example.gov.cn/files/2026_*plan*.pdf",
                 "detail": "HTTP 404"},
                {"kind": "wrong_link", "kind_name": "错链",
                 "page_url": "http://www.daj.example.gov.cn/tzgg/t1.html",
                 "target_url": "http://192.168.1.10/oa/`x`",
                 "detail": "private address"},
            ],
            "report": "/srv/reports/daj/20260525-031500/report.html",
            "workbook": "/srv/reports/daj/20260525-031500/report.xlsx",
            "title": "示例市档案局 网站检查：不合格",
            "text": text.join("\n"),
        })
    );

    // Without a secret nothing is signed.
    let rx2 = Receiver::start().await;
    let p = plan(
        vec![
            target(&format!("dingtalk={}", rx2.url("/d?access_token=T"))),
            target(&format!("feishu={}", rx2.url("/f"))),
        ],
        NotifyOn::Always,
        SecretSource::None,
    );
    deliver(&p, &sample_alert(), now).await;
    assert_eq!(rx2.at("/d")[0].uri, "/d?access_token=T");
    let f = rx2.at("/f")[0].json();
    assert!(
        f.get("sign").is_none() && f.get("timestamp").is_none(),
        "{f}"
    );
}

/// A long list is cut to 10 errors, and the message to the 企业微信 limit.
#[tokio::test]
async fn long_alerts_stay_within_the_robot_limits() {
    let mut a = sample_alert();
    a.new_errors_total = 500;
    a.new_errors = (0..10)
        .map(|i| {
            item(
                "broken_link",
                "断链",
                &format!(
                    "http://www.daj.example.gov.cn/{}/{i}.html",
                    "栏目".repeat(100)
                ),
                &format!(
                    "http://www.daj.example.gov.cn/{}/{i}.pdf",
                    "附件".repeat(100)
                ),
                "HTTP 404",
            )
        })
        .collect();
    let md = a.markdown(Lang::Zh);
    assert!(
        md.len() <= zwgk_audit::notify::MAX_TEXT_BYTES,
        "{}",
        md.len()
    );
    assert!(md.contains("新增错误（前 10 个）"), "{md}");
    assert!(md.contains("1. 断链"), "{md}");
    assert!(md.contains("未列出"), "{md}");
    assert!(md.ends_with("report.html`"), "{md}");
}

fn demo_opts(reports: &Path, today: NaiveDate) -> AuditOptions {
    let mut o = AuditOptions::new(today);
    o.reports_root = reports.to_path_buf();
    o.progress = Progress::Quiet;
    o.stop = Some(Arc::new(std::sync::atomic::AtomicBool::new(false)));
    o
}

/// Two runs of the demo, the second finding nothing new: `new` alerts only
/// after the first, `error` and `always` after both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_modes_over_two_nights_of_the_demo() {
    let rx = Receiver::start().await;
    let reports = tempfile::tempdir().unwrap();
    let plans: Vec<(NotifyOn, &str)> = vec![
        (NotifyOn::New, "/new"),
        (NotifyOn::Error, "/error"),
        (NotifyOn::Always, "/always"),
    ];
    // The demo dates its articles from --today: the same date twice is the same site twice.
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let (server, rules, run) = audit_demo(demo_opts(reports.path(), day)).await.unwrap();
        server.shutdown().await;
        for (on, path) in &plans {
            let mut p = Plan::new(&rules, &[target(&rx.url(path))], Lang::Zh);
            p.on = *on;
            after_run(&p, &run.run_dir, None).await;
        }
        runs.push(run);
    }
    let (first, second) = (&runs[0], &runs[1]);
    let s1 = first.summary.as_ref().unwrap();
    let s2 = second.summary.as_ref().unwrap();
    assert!(s1.by_severity["error"] > 0);
    let new = rx.at("/new");
    assert_eq!(new.len(), 1, "new: only the first night");
    let a = new[0].json();
    assert_eq!(a["run_id"], first.run_id.as_str());
    assert_eq!(a["site"], "示范市知识产权局");
    assert_eq!(a["previous_run"], Value::Null);
    assert_eq!(a["new_errors_total"], s1.by_severity["error"]);
    assert_eq!(
        a["new_errors"].as_array().unwrap().len(),
        s1.by_severity["error"].min(10)
    );
    assert_eq!(a["verdict"], json!(s1.estimate.verdict));
    let report = first.run_dir.join("report.html");
    assert_eq!(
        a["report"],
        std::path::absolute(&report).unwrap().display().to_string()
    );
    let item = &a["new_errors"][0];
    assert!(
        item["page_url"].as_str().unwrap().starts_with("http://"),
        "{item}"
    );
    for path in ["/error", "/always"] {
        let got = rx.at(path);
        assert_eq!(got.len(), 2, "{path}: both nights");
        let b = got[1].json();
        assert_eq!(b["run_id"], second.run_id.as_str());
        assert_eq!(b["previous_run"], first.run_id.as_str());
        assert_eq!(b["new_errors_total"], 0);
        assert_eq!(b["errors"], s2.by_severity["error"]);
        assert_eq!(b["open"], s2.diff.unwrap().open);
    }
}

async fn run_bin(args: &[&str], envs: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut c = tokio::process::Command::new(BIN);
    c.args(args).env_remove("RUST_LOG");
    for (k, v) in envs {
        c.env(k, v);
    }
    let child = c
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // A hang guard, not a timing assertion: two webhooks of 10 s and one retry each end in ~21 s.
    let out = tokio::time::timeout(Duration::from_secs(90), child.wait_with_output())
        .await
        .expect("the run ends although its webhooks fail")
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// A webhook answering 500 and one that never answers: the demo ends (each
/// tried twice, one warning line each) with the exit code it has without them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_webhooks_never_change_the_outcome() {
    let plain = tempfile::tempdir().unwrap();
    let (plain_code, _) = run_bin(
        &[
            "demo",
            "--quiet",
            "--reports",
            plain.path().to_str().unwrap(),
            "--today",
            "2026-03-02",
        ],
        &[],
    )
    .await;
    let rx = Receiver::start().await;
    let silent = Silent::start().await;
    let fail = format!("json={}", rx.url("/fail/hook?key=K500"));
    let hang = format!("http://{}/hang?key=KHANG", silent.addr);
    let reports = tempfile::tempdir().unwrap();
    let (code, out) = run_bin(
        &[
            "demo",
            "--quiet",
            "--reports",
            reports.path().to_str().unwrap(),
            "--today",
            "2026-03-02",
            "--notify",
            &fail,
            "--notify",
            &hang,
        ],
        &[],
    )
    .await;
    assert_eq!(code, plain_code, "{out}");
    assert_eq!(rx.at("/fail/hook").len(), 2, "500: tried twice");
    assert_eq!(
        *silent.connections.lock().unwrap(),
        2,
        "no answer: tried twice"
    );
    let warnings: Vec<&str> = out.lines().filter(|l| l.contains("alert to")).collect();
    assert_eq!(warnings.len(), 2, "{out}");
    assert!(
        warnings
            .iter()
            .any(|l| l.contains("HTTP 500") && l.contains("after one retry")),
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().any(|l| l.contains("no answer within 10 s")),
        "{warnings:#?}"
    );
    for secret in ["K500", "KHANG", "/fail/hook", "/hang"] {
        assert!(!out.contains(secret), "{secret} printed:\n{out}");
    }
}

const NIGHTLY: &str = "www.nightly.gov.cn";

/// Secrets from the rules file and the environment sign the messages and
/// appear nowhere else: not in the output (even at -vv), not in the reports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_sign_and_are_never_printed_or_written() {
    let site = crate::common::serve("nightly").await;
    let rx = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("nightly.toml");
    let base = format!(
        "[site]\nname = \"夜间检查示例局\"\nid = \"nightly\"\nstart_urls = [\"http://{NIGHTLY}/\"]\n\
         own_hosts = [\"{NIGHTLY}\"]\n\n[crawl]\nhost_interval_ms = 0\ntimeout_secs = 2\nretries = 0\n"
    );
    std::fs::write(
        &rules,
        format!(
            "{base}\n[notify]\non = \"always\"\nsecret_env = \"ZWGK_TEST_ROBOT_SECRET\"\nurls = [\n  \"dingtalk={}\",\n  \"feishu={}\",\n]\n",
            rx.url("/fail/robot/send?access_token=DINGTOKEN77"),
            rx.url("/robot-error/open-apis/bot/v2/hook/FEISHUTOKEN88"),
        ),
    )
    .unwrap();
    let plain_rules = dir.path().join("plain.toml");
    std::fs::write(&plain_rules, &base).unwrap();
    let connect = format!("{NIGHTLY}:80:127.0.0.1:{}", site.port());
    let crawl = |rules: &Path, reports: &Path| -> Vec<String> {
        [
            "-vv",
            "crawl",
            "--rules",
            rules.to_str().unwrap(),
            "--connect-to",
            &connect,
            "--reports",
            reports.to_str().unwrap(),
            "--today",
            &today().to_string(),
            "--quiet",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let args = crawl(&plain_rules, &dir.path().join("plain"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (plain_code, _) = run_bin(&args, &[]).await;
    let reports = dir.path().join("reports");
    let args = crawl(&rules, &reports);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let secret = "SECsupersecret4242";
    let (code, out) = run_bin(&args, &[("ZWGK_TEST_ROBOT_SECRET", secret)]).await;
    assert_eq!(code, plain_code, "{out}");

    // 钉钉 answered 500 (tried twice), 飞书 a robot error code (not retried).
    let ding = rx.at("/fail/robot/send");
    assert_eq!(ding.len(), 2, "{:#?}", rx.got());
    let feishu = rx.at("/robot-error/open-apis/bot/v2/hook/FEISHUTOKEN88");
    assert_eq!(feishu.len(), 1);
    // The 钉钉 signature verifies with the secret from the environment.
    let q: std::collections::HashMap<String, String> =
        url::Url::parse(&format!("http://x{}", ding[0].uri))
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
    let ts: u128 = q["timestamp"].parse().unwrap();
    assert_eq!(
        q["sign"],
        zwgk_audit::notify::dingtalk_sign(&Secret::new(secret), ts)
    );
    let f = feishu[0].json();
    let ts: u64 = f["timestamp"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        f["sign"],
        zwgk_audit::notify::feishu_sign(&Secret::new(secret), ts)
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(ts <= now && ts + 3600 > now, "signed as of now");

    // One warning line each, naming the host only.
    let warnings: Vec<&str> = out.lines().filter(|l| l.contains("alert to")).collect();
    assert_eq!(warnings.len(), 2, "{out}");
    assert!(
        warnings.iter().any(|l| l.contains("error 310000")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .all(|l| l.contains(&format!("http://{}/…", rx.addr)))
    );
    for s in [secret, "DINGTOKEN77", "FEISHUTOKEN88"] {
        assert!(!out.contains(s), "{s} printed:\n{out}");
        for f in walk(&reports) {
            let bytes = std::fs::read(&f).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(s),
                "{s} written to {}",
                f.display()
            );
        }
    }
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A site that cannot be audited (exit code 3) alerts under the default `on`:
/// the message says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_site_alerts_with_its_reason() {
    let rx = Receiver::start().await;
    // A port nothing listens on: bind one, then close it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let reports = tempfile::tempdir().unwrap();
    let hook = format!("json={}", rx.url("/down"));
    let (code, out) = run_bin(
        &[
            "crawl",
            "http://www.down.gov.cn/",
            "--connect-to",
            &format!("www.down.gov.cn:80:127.0.0.1:{port}"),
            "--retries",
            "0",
            "--quiet",
            "--reports",
            reports.path().to_str().unwrap(),
            "--notify",
            &hook,
        ],
        &[],
    )
    .await;
    assert_eq!(code, Some(3), "{out}");
    let got = rx.at("/down");
    assert_eq!(got.len(), 1, "{out}");
    let a = got[0].json();
    assert!(
        a["site_unreachable"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{a}"
    );
    assert_eq!(a["title"], "www.down.gov.cn 网站检查：无法访问");
    assert!(
        a["text"].as_str().unwrap().contains("站点无法访问："),
        "{a}"
    );
}
