//! Alerts after a run: a short summary posted to webhooks (企业微信, 钉钉 and
//! 飞书 group robots, or any endpoint taking JSON).
//!
//! Input: the run folder's summary.json, findings.csv and diff.csv (read back
//! like the reports), the `[notify]` rules and the `--notify` URLs. Output:
//! one POST per webhook with the site, verdict, new errors since the last run
//! (the first [`MAX_ITEMS`], with page and target), counts and the path of
//! report.html. `on` decides whether a run alerts at all ([`Alert::wanted`]).
//!
//! Alerts never change a run's outcome: each webhook gets [`TIMEOUT`] and one
//! retry (after a transport error, a timeout, a 5xx or a 429), all webhooks
//! at once; a failure is one warning line naming the webhook by scheme and
//! host only (the path and query of a robot URL are its token). Secrets sign
//! the message (钉钉: `timestamp` and `sign` query parameters; 飞书: `timestamp`
//! and `sign` in the body, both HMAC-SHA256, base64) and are never logged.
//! Webhooks come only from the user's rules and command line: nothing from a
//! crawled site is ever a destination.

use crate::finding::{FindingKind, Severity};
use crate::report::Lang;
use crate::report::ReportError;
use crate::report::diff::{DiffRow, DiffStatus};
use crate::report::rows::FindingRow;
use crate::report::summary::{Summary, Verdict};
use crate::rules::notify::{Format, Notify, NotifyOn, Secret, Target};
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Most new errors listed in one alert.
pub const MAX_ITEMS: usize = 10;
/// Time allowed for one POST (connect, send, answer).
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Pause before the one retry.
pub const RETRY_PAUSE: Duration = Duration::from_millis(500);
/// Longest message text: 企业微信 takes at most 4096 bytes of markdown.
pub const MAX_TEXT_BYTES: usize = 4000;
/// Longest URL or detail shown in a message line (characters).
const MAX_FIELD_CHARS: usize = 160;

/// One new error in an alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertItem {
    /// Kind code.
    pub kind: String,
    /// Kind name in the alert's language.
    pub kind_name: String,
    /// Page carrying the problem.
    pub page_url: String,
    /// Link target (empty for page-level kinds).
    pub target_url: String,
    /// Why.
    pub detail: String,
}

/// What a finished run says in an alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Site name.
    pub site: String,
    /// Site id.
    pub site_id: String,
    /// Run id.
    pub run_id: String,
    /// The run's date (YYYY-MM-DD).
    pub date: String,
    /// Homepage URL.
    pub homepage: String,
    /// `pass` / `fail`, None without a summary.
    pub verdict: Option<Verdict>,
    /// 合格 / 不合格 (or pass / fail).
    pub verdict_label: String,
    /// The verdict line of the summary (reasons and counts).
    pub verdict_line: String,
    /// Estimated score.
    pub score: Option<f64>,
    /// False when the run did not end normally.
    pub complete: bool,
    /// Why the site could not be audited (start URL unreachable).
    pub site_unreachable: Option<String>,
    /// Findings in all.
    pub findings: usize,
    /// Findings per severity: error, warning, info.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
    /// The previous run compared with (None: first run, every finding is new).
    pub previous_run: Option<String>,
    /// New findings since the previous run (all, when there is none).
    pub new: usize,
    /// Findings of the previous run gone now.
    pub fixed: usize,
    /// Findings in both runs.
    pub open: usize,
    /// New findings of severity error.
    pub new_errors_total: usize,
    /// The first [`MAX_ITEMS`] of them, grouped by kind then page.
    pub new_errors: Vec<AlertItem>,
    /// Path of report.html.
    pub report: String,
    /// Path of report.xlsx, when written.
    pub workbook: Option<String>,
}

/// Why an alert could not be built (the run folder cannot be read).
#[derive(Debug, thiserror::Error)]
#[error("cannot read the run for the alert: {0}")]
pub struct AlertError(#[from] crate::report::ReportError);

fn label(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn kind_name(code: &str, lang: Lang) -> String {
    match (FindingKind::from_code(code), lang) {
        (Some(k), Lang::Zh) => k.zh().to_string(),
        (Some(k), Lang::En) => crate::report::html::kind_en(k).to_string(),
        (None, _) => code.to_string(),
    }
}

fn kind_rank(code: &str) -> usize {
    FindingKind::ALL
        .iter()
        .position(|k| k.code() == code)
        .unwrap_or(usize::MAX)
}

/// An absolute path as text (the path itself when it cannot be made absolute).
fn absolute(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

/// An alert item of a finding or a diff row.
fn item(kind: &str, page: &str, target: &str, detail: &str, lang: Lang) -> AlertItem {
    AlertItem {
        kind: kind.to_string(),
        kind_name: kind_name(kind, lang),
        page_url: page.to_string(),
        target_url: target.to_string(),
        detail: detail.to_string(),
    }
}

/// The first [`MAX_ITEMS`] items by kind, page and target (ties in the
/// order they came), of any number pushed, and how many were.
#[derive(Default)]
struct FirstItems {
    items: Vec<(usize, AlertItem)>,
    total: usize,
}

impl FirstItems {
    fn push(&mut self, item: AlertItem) {
        self.items.push((self.total, item));
        self.total += 1;
        if self.items.len() >= 4 * MAX_ITEMS {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.items.sort_by(|(i, a), (j, b)| {
            kind_rank(&a.kind)
                .cmp(&kind_rank(&b.kind))
                .then_with(|| a.page_url.cmp(&b.page_url))
                .then_with(|| a.target_url.cmp(&b.target_url))
                .then_with(|| i.cmp(j))
        });
        self.items.truncate(MAX_ITEMS);
    }

    fn finish(mut self) -> (Vec<AlertItem>, usize) {
        self.trim();
        (self.items.into_iter().map(|(_, a)| a).collect(), self.total)
    }
}

fn read<R: serde::de::DeserializeOwned + crate::report::rows::Row>(
    path: &Path,
) -> Result<crate::report::csv::Rows<R>, ReportError> {
    crate::report::csv::rows(path).map_err(|e| ReportError::io(path, e))
}

fn broken<R>(mut rows: crate::report::csv::Rows<R>, path: &Path) -> Result<(), ReportError> {
    match rows.broken() {
        Some(source) => Err(ReportError::Csv {
            path: path.to_path_buf(),
            source,
        }),
        None => Ok(()),
    }
}

impl Alert {
    /// Reads the alert of a finished run from its folder. `unreachable` is
    /// the reason the site could not be audited, if so.
    pub fn from_run_dir(
        run_dir: &Path,
        lang: Lang,
        unreachable: Option<&str>,
    ) -> Result<Alert, AlertError> {
        let summary = Summary::read(run_dir).ok();
        // findings.csv and diff.csv are read row by row; only the first
        // MAX_ITEMS new errors (in their order) are kept.
        let findings_csv = run_dir.join(crate::report::diff::FINDINGS_CSV);
        if !findings_csv.is_file() {
            return Err(ReportError::NotARun {
                path: run_dir.to_path_buf(),
            }
            .into());
        }
        let diff_csv = run_dir.join(crate::report::diff::DIFF_CSV);
        let compared = diff_csv.is_file();
        let (mut total, mut by_sev) = (0usize, [0usize; 3]);
        let mut first = FirstItems::default();
        let mut rows = read::<FindingRow>(&findings_csv)?;
        for r in rows.by_ref() {
            total += 1;
            match r.severity.as_str() {
                "error" => by_sev[0] += 1,
                "warning" => by_sev[1] += 1,
                "info" => by_sev[2] += 1,
                _ => {}
            }
            if !compared && r.severity == Severity::Error.code() {
                first.push(item(&r.kind, &r.page_url, &r.target_url, &r.detail, lang));
            }
        }
        broken(rows, &findings_csv)?;
        let (mut new, mut fixed, mut open) = (total, 0, 0);
        if compared {
            (new, fixed, open) = (0, 0, 0);
            let mut rows = read::<DiffRow>(&diff_csv)?;
            for r in rows.by_ref() {
                match r.status {
                    DiffStatus::New => new += 1,
                    DiffStatus::Fixed => fixed += 1,
                    DiffStatus::Open => open += 1,
                }
                if r.status == DiffStatus::New && r.severity == Severity::Error.code() {
                    first.push(item(&r.kind, &r.page_url, &r.target_url, &r.detail, lang));
                }
            }
            broken(rows, &diff_csv)?;
        }
        let (new_errors, new_errors_total) = first.finish();
        let diff = compared.then_some(());
        let count = |sev: Severity| match sev {
            Severity::Error => by_sev[0],
            Severity::Warning => by_sev[1],
            Severity::Info => by_sev[2],
        };
        let workbook = run_dir.join(crate::report::xlsx::REPORT_XLSX);
        let s = summary.as_ref();
        Ok(Alert {
            site: s.map(|s| s.site_name.clone()).unwrap_or_default(),
            site_id: s.map(|s| s.site_id.clone()).unwrap_or_default(),
            run_id: s
                .map(|s| s.run_id.clone())
                .or_else(|| {
                    run_dir
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                })
                .unwrap_or_default(),
            date: s.map(|s| s.today.clone()).unwrap_or_default(),
            homepage: s
                .and_then(|s| s.homepage.first().cloned())
                .unwrap_or_default(),
            verdict: s.map(|s| s.estimate.verdict),
            verdict_label: s
                .map(|s| s.estimate.verdict.label(lang).to_string())
                .unwrap_or_default(),
            verdict_line: s.map(|s| s.verdict_line_in(lang)).unwrap_or_default(),
            score: s.map(|s| s.estimate.score),
            complete: s.is_some_and(|s| s.complete),
            site_unreachable: unreachable.map(str::to_string),
            findings: total,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            previous_run: if diff.is_some() {
                s.and_then(|s| s.previous_run.clone())
            } else {
                None
            },
            new,
            fixed,
            open,
            new_errors_total,
            new_errors,
            report: absolute(&run_dir.join(crate::report::html::REPORT_HTML)),
            workbook: workbook.is_file().then(|| absolute(&workbook)),
        })
    }

    /// Whether a run with this alert posts under `on`.
    pub fn wanted(&self, on: NotifyOn) -> bool {
        match on {
            NotifyOn::Always => true,
            NotifyOn::Error => {
                self.site_unreachable.is_some()
                    || self.errors > 0
                    || self.verdict == Some(Verdict::Fail)
            }
            NotifyOn::New => self.site_unreachable.is_some() || self.new_errors_total > 0,
        }
    }

    /// The title line: `示范局 网站检查：不合格`.
    pub fn title(&self, lang: Lang) -> String {
        let state = if self.site_unreachable.is_some() {
            label(lang, "无法访问", "unreachable")
        } else if self.verdict_label.is_empty() {
            label(lang, "未完成", "incomplete")
        } else {
            &self.verdict_label
        };
        match lang {
            Lang::Zh => format!("{} 网站检查：{state}", self.site),
            Lang::En => format!("{} site audit: {state}", self.site),
        }
    }

    /// The message as lines (without markup), title excluded.
    fn lines(&self, lang: Lang) -> Vec<Line> {
        let mut v = Vec::new();
        if let Some(why) = &self.site_unreachable {
            v.push(Line::Quote(format!(
                "{}{}",
                label(lang, "站点无法访问：", "the site could not be audited: "),
                clip(why)
            )));
        } else if !self.verdict_line.is_empty() {
            v.push(Line::Quote(self.verdict_line.clone()));
        }
        let mut date = match lang {
            Lang::Zh => format!("日期：{}（运行 {}）", self.date, self.run_id),
            Lang::En => format!("Date: {} (run {})", self.date, self.run_id),
        };
        if !self.complete && self.site_unreachable.is_none() {
            date.push_str(label(lang, "，未完成", ", incomplete"));
        }
        v.push(Line::Bullet(date));
        if !self.homepage.is_empty() {
            v.push(Line::Field(
                label(lang, "首页：", "Homepage: ").to_string(),
                self.homepage.clone(),
            ));
        }
        let since = match (&self.previous_run, lang) {
            (Some(p), Lang::Zh) => format!("（与 {p} 比较）"),
            (Some(p), Lang::En) => format!(" (since run {p})"),
            (None, Lang::Zh) => "（首次检查）".to_string(),
            (None, Lang::En) => " (first run)".to_string(),
        };
        v.push(Line::Bullet(match lang {
            Lang::Zh => format!("新增错误：{} 个{since}", self.new_errors_total),
            Lang::En => format!("New errors: {}{since}", self.new_errors_total),
        }));
        v.push(Line::Bullet(match lang {
            Lang::Zh => format!(
                "问题：{} 个（错误 {} · 警告 {} · 提示 {}）",
                self.findings, self.errors, self.warnings, self.infos
            ),
            Lang::En => format!(
                "Findings: {} (errors {} · warnings {} · info {})",
                self.findings, self.errors, self.warnings, self.infos
            ),
        }));
        if self.previous_run.is_some() {
            v.push(Line::Bullet(match lang {
                Lang::Zh => format!(
                    "变化：新增 {} · 已修复 {} · 仍存在 {}",
                    self.new, self.fixed, self.open
                ),
                Lang::En => format!(
                    "Changes: new {} · fixed {} · still open {}",
                    self.new, self.fixed, self.open
                ),
            }));
        }
        if !self.new_errors.is_empty() {
            let head = match (lang, self.new_errors_total > self.new_errors.len()) {
                (Lang::Zh, true) => format!("新增错误（前 {} 个）", self.new_errors.len()),
                (Lang::Zh, false) => "新增错误".to_string(),
                (Lang::En, true) => format!("New errors (first {})", self.new_errors.len()),
                (Lang::En, false) => "New errors".to_string(),
            };
            v.push(Line::Heading(head));
            for (i, it) in self.new_errors.iter().enumerate() {
                v.push(Line::Item(i + 1, it.clone()));
            }
        }
        v.push(Line::Path(
            label(lang, "报告：", "Report: ").to_string(),
            self.report.clone(),
        ));
        v
    }

    /// The message in markdown (企业微信 / 钉钉), within [`MAX_TEXT_BYTES`].
    pub fn markdown(&self, lang: Lang) -> String {
        let title = format!("### {}", md_text(&self.title(lang)));
        fit(
            self.lines(lang),
            |lines| text(&title, lines, Line::markdown),
            lang,
        )
    }

    /// The message as plain text lines (飞书 post, JSON `text`), within [`MAX_TEXT_BYTES`].
    pub fn plain(&self, lang: Lang) -> String {
        let title = self.title(lang);
        fit(
            self.lines(lang),
            |lines| text(&title, lines, Line::plain),
            lang,
        )
    }
}

/// The title and each line rendered by `line`, one a line.
fn text(title: &str, lines: &[Line], line: fn(&Line) -> String) -> String {
    let mut s = format!("{title}\n");
    for l in lines {
        s.push_str(&line(l));
        s.push('\n');
    }
    s.trim_end().to_string()
}

/// Drops listed errors from the end until the text fits, saying how many were left out.
fn fit(mut lines: Vec<Line>, render: impl Fn(&[Line]) -> String, lang: Lang) -> String {
    let mut dropped = 0;
    loop {
        let text = render(&lines);
        if text.len() <= MAX_TEXT_BYTES {
            return text;
        }
        let Some(pos) = lines.iter().rposition(|l| matches!(l, Line::Item(..))) else {
            // No list left to shorten: cut the text itself.
            let mut end = MAX_TEXT_BYTES.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            return text[..end].to_string();
        };
        lines.remove(pos);
        dropped += 1;
        let note = match lang {
            Lang::Zh => format!("…另有 {dropped} 个未列出"),
            Lang::En => format!("… {dropped} more not listed"),
        };
        match lines.get_mut(pos) {
            Some(Line::More(s)) => *s = note,
            _ => lines.insert(pos, Line::More(note)),
        }
    }
}

/// One line of a message.
#[derive(Debug, Clone)]
enum Line {
    Quote(String),
    Bullet(String),
    Heading(String),
    Item(usize, AlertItem),
    More(String),
    /// A bullet whose value is site text shown as code (a URL).
    Field(String, String),
    Path(String, String),
}

impl Line {
    fn markdown(&self) -> String {
        match self {
            Line::Quote(s) => format!("> {}", md_text(s)),
            Line::Bullet(s) => format!("- {}", md_text(s)),
            Line::Heading(s) => format!("\n**{}**", md_text(s)),
            Line::Item(n, it) => {
                let mut s = format!("{n}. {} `{}`", md_text(&it.kind_name), code(&it.page_url));
                if !it.target_url.is_empty() {
                    s.push_str(&format!(" → `{}`", code(&it.target_url)));
                }
                s
            }
            Line::More(s) => md_text(s),
            Line::Field(l, v) => format!("- {}`{}`", md_text(l), code(v)),
            Line::Path(l, p) => format!("\n{}`{}`", md_text(l), code(p)),
        }
    }

    fn plain(&self) -> String {
        match self {
            Line::Quote(s) | Line::Bullet(s) | Line::Heading(s) | Line::More(s) => one_line(s),
            Line::Item(n, it) => {
                let mut s = format!("{n}. {} {}", it.kind_name, clip(&it.page_url));
                if !it.target_url.is_empty() {
                    s.push_str(&format!(" → {}", clip(&it.target_url)));
                }
                s
            }
            Line::Field(l, v) => format!("{l}{}", clip(v)),
            Line::Path(l, p) => format!("{l}{}", one_line(p)),
        }
    }
}

/// One line: control characters (newlines included) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// One line of at most [`MAX_FIELD_CHARS`] characters.
fn clip(s: &str) -> String {
    let s = one_line(s);
    if s.chars().count() <= MAX_FIELD_CHARS {
        return s;
    }
    let mut out: String = s.chars().take(MAX_FIELD_CHARS - 1).collect();
    out.push('…');
    out
}

/// Text for inline code: one line, clipped, without backticks.
fn code(s: &str) -> String {
    clip(s).replace('`', "'")
}

/// Text for markdown: markup characters of site text shown as themselves.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One POST to make: where and what.
#[derive(Clone, PartialEq)]
pub struct Request {
    /// The URL (with 钉钉's signature parameters).
    pub url: url::Url,
    /// The JSON body.
    pub body: String,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Request({}, {} bytes)",
            self.url.scheme(),
            self.body.len()
        )
    }
}

/// HMAC-SHA256 of `msg` under `key`, base64.
fn hmac_b64(key: &[u8], msg: &[u8]) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit, Mac};
    // HMAC takes keys of any length: new_from_slice cannot fail here.
    let Ok(mut mac) = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(msg);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// 钉钉's signature: base64(HMAC-SHA256(key = secret, "{timestamp_ms}\n{secret}")).
pub fn dingtalk_sign(secret: &Secret, timestamp_ms: u128) -> String {
    let s = secret.expose();
    hmac_b64(s.as_bytes(), format!("{timestamp_ms}\n{s}").as_bytes())
}

/// 飞书's signature: base64(HMAC-SHA256(key = "{timestamp_s}\n{secret}", empty message)).
pub fn feishu_sign(secret: &Secret, timestamp_s: u64) -> String {
    hmac_b64(
        format!("{timestamp_s}\n{}", secret.expose()).as_bytes(),
        b"",
    )
}

#[derive(Serialize)]
struct WecomBody<'a> {
    msgtype: &'static str,
    markdown: WecomMarkdown<'a>,
}

#[derive(Serialize)]
struct WecomMarkdown<'a> {
    content: &'a str,
}

#[derive(Serialize)]
struct DingtalkBody<'a> {
    msgtype: &'static str,
    markdown: DingtalkMarkdown<'a>,
}

#[derive(Serialize)]
struct DingtalkMarkdown<'a> {
    title: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct FeishuBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sign: Option<String>,
    msg_type: &'static str,
    content: FeishuContent,
}

#[derive(Serialize)]
struct FeishuContent {
    post: std::collections::BTreeMap<&'static str, FeishuPost>,
}

#[derive(Serialize)]
struct FeishuPost {
    title: String,
    content: Vec<Vec<FeishuText>>,
}

#[derive(Serialize)]
struct FeishuText {
    tag: &'static str,
    text: String,
}

#[derive(Serialize)]
struct JsonBody<'a> {
    #[serde(flatten)]
    alert: &'a Alert,
    title: String,
    text: String,
}

/// The POST for one webhook in `format`, signed with `secret` (钉钉 and 飞书
/// only) as of `now`.
pub fn request(
    alert: &Alert,
    target: &Target,
    format: Format,
    lang: Lang,
    secret: Option<&Secret>,
    now: SystemTime,
) -> Request {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut url = target.url.clone();
    let body = match format {
        Format::Wecom => {
            let content = alert.markdown(lang);
            serde_json::to_string(&WecomBody {
                msgtype: "markdown",
                markdown: WecomMarkdown { content: &content },
            })
        }
        Format::Dingtalk => {
            if let Some(s) = secret {
                let ts = since.as_millis();
                url.query_pairs_mut()
                    .append_pair("timestamp", &ts.to_string())
                    .append_pair("sign", &dingtalk_sign(s, ts));
            }
            let text = alert.markdown(lang);
            serde_json::to_string(&DingtalkBody {
                msgtype: "markdown",
                markdown: DingtalkMarkdown {
                    title: &alert.title(lang),
                    text: &text,
                },
            })
        }
        Format::Feishu => {
            let ts = since.as_secs();
            let text = alert.plain(lang);
            let mut lines = text.lines();
            let title = lines.next().unwrap_or("").to_string();
            let content = lines
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    vec![FeishuText {
                        tag: "text",
                        text: l.to_string(),
                    }]
                })
                .collect();
            let locale = match lang {
                Lang::Zh => "zh_cn",
                Lang::En => "en_us",
            };
            serde_json::to_string(&FeishuBody {
                timestamp: secret.map(|_| ts.to_string()),
                sign: secret.map(|s| feishu_sign(s, ts)),
                msg_type: "post",
                content: FeishuContent {
                    post: [(locale, FeishuPost { title, content })].into(),
                },
            })
        }
        Format::Json => serde_json::to_string(&JsonBody {
            alert,
            title: alert.title(lang),
            text: alert.plain(lang),
        }),
    };
    Request {
        url,
        // Serialising these plain structs cannot fail.
        body: body.unwrap_or_default(),
    }
}

/// What became of one webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The webhook, redacted (`https://host/…`).
    pub target: String,
    /// The format posted.
    pub format: Format,
    /// Whether it answered 2xx (and no robot error code).
    pub ok: bool,
    /// POSTs made (1, or 2 with the retry).
    pub attempts: u32,
    /// Why not, when not ok (never holds the URL or a secret).
    pub error: Option<String>,
}

/// Everything [`deliver`] needs.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Webhooks.
    pub targets: Vec<Target>,
    /// When to post.
    pub on: NotifyOn,
    /// Format of webhooks without their own.
    pub format: Option<Format>,
    /// Signing secret source.
    pub secret: crate::rules::notify::SecretSource,
    /// `[crawl] proxy` / `--proxy` (webhooks go through the same proxy as the crawl).
    pub proxy: String,
    /// User-Agent of the POSTs.
    pub user_agent: String,
    /// Message language.
    pub lang: Lang,
}

impl Plan {
    /// The plan of `[notify]` plus `--notify` URLs (given first).
    pub fn new(rules: &crate::rules::Rules, cli: &[Target], lang: Lang) -> Plan {
        let Notify {
            targets,
            on,
            format,
            secret,
        } = &rules.notify;
        let mut all: Vec<Target> = cli.to_vec();
        for t in targets {
            if !all.contains(t) {
                all.push(t.clone());
            }
        }
        Plan {
            targets: all,
            on: *on,
            format: *format,
            secret: secret.clone(),
            proxy: rules.crawl.proxy.clone(),
            user_agent: rules.crawl.user_agent.clone(),
            lang,
        }
    }
}

fn client(plan: &Plan) -> Result<reqwest::Client, String> {
    let mut b = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(plan.user_agent.clone());
    match crate::crawl::client::ProxySetting::parse(&plan.proxy)? {
        crate::crawl::client::ProxySetting::Direct => b = b.no_proxy(),
        crate::crawl::client::ProxySetting::Url(u) => {
            let p = reqwest::Proxy::all(u.as_str())
                .map_err(|e| format!("proxy: {}", e.without_url()))?
                .no_proxy(reqwest::NoProxy::from_string("localhost,127.0.0.0/8,::1"));
            b = b.proxy(p);
        }
        // The environment's proxy variables, as reqwest reads them.
        crate::crawl::client::ProxySetting::Env => {}
    }
    b.build().map_err(|e| e.without_url().to_string())
}

/// Posts `alert` to every webhook of `plan` at once (whatever `on` says: see
/// [`Alert::wanted`]); signs with the secret as of `now`. Returns one
/// [`Delivery`] per webhook; logs one warning line per failed one.
pub async fn deliver(plan: &Plan, alert: &Alert, now: SystemTime) -> Vec<Delivery> {
    let secret = match plan.secret.resolve() {
        Ok(s) => s,
        Err(why) => {
            let signed = plan
                .targets
                .iter()
                .any(|t| matches!(t.format_or(plan.format), Format::Dingtalk | Format::Feishu));
            if signed {
                tracing::warn!("alert: {why}; sending unsigned");
            }
            None
        }
    };
    let client = match client(plan) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("alert not sent: cannot build the HTTP client: {e}");
            return plan
                .targets
                .iter()
                .map(|t| Delivery {
                    target: t.redacted(),
                    format: t.format_or(plan.format),
                    ok: false,
                    attempts: 0,
                    error: Some(e.clone()),
                })
                .collect();
        }
    };
    let jobs = plan.targets.iter().map(|t| {
        let format = t.format_or(plan.format);
        let req = request(alert, t, format, plan.lang, secret.as_ref(), now);
        let client = client.clone();
        async move {
            let (ok, attempts, error) = post_with_retry(&client, &req).await;
            if let Some(e) = &error {
                tracing::warn!(
                    "alert to {} ({}) not sent: {e}",
                    t.redacted(),
                    format.code()
                );
            }
            Delivery {
                target: t.redacted(),
                format,
                ok,
                attempts,
                error,
            }
        }
    });
    futures::future::join_all(jobs).await
}

/// Outcome of one POST.
enum Outcome {
    Ok,
    /// Worth one retry (transport error, timeout, 5xx, 429).
    Transient(String),
    /// Not worth retrying (4xx, a robot's error code).
    Final(String),
}

async fn post_with_retry(client: &reqwest::Client, req: &Request) -> (bool, u32, Option<String>) {
    match post(client, req).await {
        Outcome::Ok => (true, 1, None),
        Outcome::Final(e) => (false, 1, Some(e)),
        Outcome::Transient(_) => {
            tokio::time::sleep(RETRY_PAUSE).await;
            match post(client, req).await {
                Outcome::Ok => (true, 2, None),
                Outcome::Final(e) | Outcome::Transient(e) => {
                    (false, 2, Some(format!("{e} (after one retry)")))
                }
            }
        }
    }
}

async fn post(client: &reqwest::Client, req: &Request) -> Outcome {
    let sent = client
        .post(req.url.clone())
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        )
        .body(req.body.clone())
        .send()
        .await;
    let resp = match sent {
        Ok(r) => r,
        Err(e) => {
            let what = if e.is_timeout() {
                format!("no answer within {} s", TIMEOUT.as_secs())
            } else {
                // Without the URL (it holds the robot's token), with the root cause.
                let mut cause: &dyn std::error::Error = &e;
                while let Some(next) = cause.source() {
                    cause = next;
                }
                let root = cause.to_string();
                let e = e.without_url().to_string();
                if root == e || root.contains("://") {
                    e
                } else {
                    format!("{e}: {root}")
                }
            };
            return Outcome::Transient(what);
        }
    };
    let status = resp.status();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Outcome::Transient(format!("HTTP {}", status.as_u16()));
    }
    if !status.is_success() {
        return Outcome::Final(format!("HTTP {}", status.as_u16()));
    }
    // The robots answer 200 with an error code in the body (bad signature, keyword …).
    let body = resp.bytes().await.unwrap_or_default();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) {
        let code = v
            .get("errcode")
            .or_else(|| v.get("code"))
            .or_else(|| v.get("StatusCode"))
            .and_then(serde_json::Value::as_i64);
        if let Some(c) = code.filter(|c| *c != 0) {
            let msg = v
                .get("errmsg")
                .or_else(|| v.get("msg"))
                .and_then(serde_json::Value::as_str)
                .map(clip)
                .unwrap_or_default();
            return Outcome::Final(
                format!("the robot answered error {c} {msg}")
                    .trim()
                    .to_string(),
            );
        }
    }
    Outcome::Ok
}

/// The end of a run: builds the alert from the run folder and posts it when
/// `plan.on` wants it. Never fails: problems are warning lines.
pub async fn after_run(plan: &Plan, run_dir: &Path, unreachable: Option<&str>) -> Vec<Delivery> {
    if plan.targets.is_empty() {
        return Vec::new();
    }
    let alert = match Alert::from_run_dir(run_dir, plan.lang, unreachable) {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!("alert not sent: {e}");
            return Vec::new();
        }
    };
    if !alert.wanted(plan.on) {
        tracing::debug!("no alert: nothing the notify rule asks for");
        return Vec::new();
    }
    deliver(plan, &alert, SystemTime::now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_items_of_many_are_those_of_a_full_sort() {
        let kinds = ["wrong_link", "broken_link", "soft_404", "missing_anchor"];
        let all: Vec<AlertItem> = (0..500usize)
            .map(|i| {
                item(
                    kinds[(i * 7) % 4],
                    &format!("http://a.gov.cn/p{}.html", (i * 31) % 17),
                    &format!("http://a.gov.cn/t{}.pdf", (i * 13) % 5),
                    &format!("第 {i} 个"),
                    Lang::Zh,
                )
            })
            .collect();
        let mut first = FirstItems::default();
        for a in &all {
            first.push(a.clone());
        }
        let (got, total) = first.finish();
        let mut want = all.clone();
        want.sort_by(|a, b| {
            kind_rank(&a.kind)
                .cmp(&kind_rank(&b.kind))
                .then_with(|| a.page_url.cmp(&b.page_url))
                .then_with(|| a.target_url.cmp(&b.target_url))
        });
        want.truncate(MAX_ITEMS);
        assert_eq!(total, 500);
        assert_eq!(
            got.iter().map(|a| &a.detail).collect::<Vec<_>>(),
            want.iter().map(|a| &a.detail).collect::<Vec<_>>()
        );
    }

    #[test]
    fn signatures_follow_the_robots_rules() {
        // Worked examples computed independently (python hmac/hashlib/base64).
        let s = Secret::new("SECtest");
        assert_eq!(
            dingtalk_sign(&s, 1_700_000_000_000),
            "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g="
        );
        assert_eq!(
            feishu_sign(&s, 1_700_000_000),
            "G7XpBpG8NgG02fJOAhX6FRAObIljmFoxVReo8I62pEk="
        );
    }

    #[test]
    fn markdown_keeps_site_text_inert_and_short() {
        assert_eq!(md_text("a*b_[c]\n#d"), "a\\*b\\_\\[c\\] \\#d");
        assert_eq!(code("x`y"), "x'y");
        let long = "长".repeat(500);
        assert_eq!(clip(&long).chars().count(), MAX_FIELD_CHARS);
    }
}
