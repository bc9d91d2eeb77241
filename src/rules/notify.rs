//! `[notify]`: where to post an alert when a run ends, when, and in which
//! message format (see [`crate::notify`] for the sending).
//!
//! ```toml
//! [notify]
//! urls = ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"]
//! on = "new"            # new (default) | error | always
//! format = "wecom"      # wecom | dingtalk | feishu | json; default: by the URL's host
//! secret_env = "ZWGK_DINGTALK_SECRET"   # or secret = "SEC…" (钉钉 / 飞书 signing)
//! ```
//!
//! A URL may carry its own format as a prefix, `dingtalk=https://…`; the same
//! syntax serves `--notify`. Secrets are held in [`Secret`], whose `Debug`
//! never shows them.

use super::{Ctx, RulesError};
use serde::Deserialize;
use url::Url;

/// `[notify]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySection {
    /// Webhook URLs, each optionally `FORMAT=URL`.
    pub urls: Vec<String>,
    /// When to post: `new` (default), `error` or `always`.
    pub on: String,
    /// Message format of every URL without its own prefix; empty: by host.
    pub format: String,
    /// The 钉钉 / 飞书 robot's signing secret (prefer `secret_env`).
    pub secret: Secret,
    /// Name of an environment variable holding the signing secret.
    pub secret_env: String,
}

/// When a finished run posts an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NotifyOn {
    /// Errors not in the previous run (every error of a first run), or the site unreachable.
    #[default]
    New,
    /// Any error, a failing verdict, or the site unreachable.
    Error,
    /// After every run.
    Always,
}

impl std::str::FromStr for NotifyOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "" | "new" => Ok(NotifyOn::New),
            "error" => Ok(NotifyOn::Error),
            "always" => Ok(NotifyOn::Always),
            other => Err(format!("`{other}`: use new, error or always")),
        }
    }
}

/// The message body a webhook expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// 企业微信 group robot: markdown message.
    Wecom,
    /// 钉钉 group robot: markdown message, optionally signed.
    Dingtalk,
    /// 飞书 group robot: rich-text (post) message, optionally signed.
    Feishu,
    /// Plain JSON with every field of the alert.
    Json,
}

impl Format {
    /// The name used in rules and `--notify` prefixes.
    pub fn code(self) -> &'static str {
        match self {
            Format::Wecom => "wecom",
            Format::Dingtalk => "dingtalk",
            Format::Feishu => "feishu",
            Format::Json => "json",
        }
    }

    /// The format a robot host expects: 企业微信, 钉钉 and 飞书 by their
    /// webhook hosts, plain JSON for any other.
    pub fn for_host(host: &str) -> Format {
        match host.to_ascii_lowercase().as_str() {
            "qyapi.weixin.qq.com" => Format::Wecom,
            "oapi.dingtalk.com" => Format::Dingtalk,
            "open.feishu.cn" | "open.larksuite.com" => Format::Feishu,
            _ => Format::Json,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "wecom" => Ok(Format::Wecom),
            "dingtalk" => Ok(Format::Dingtalk),
            "feishu" => Ok(Format::Feishu),
            "json" => Ok(Format::Json),
            other => Err(format!("`{other}`: use wecom, dingtalk, feishu or json")),
        }
    }
}

/// A secret string: deserialised from the rules, never shown by `Debug`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// A secret holding `s`.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The secret itself (for signing only).
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Secret(none)"
        } else {
            "Secret(***)"
        })
    }
}

/// Where the signing secret comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SecretSource {
    /// No signing.
    #[default]
    None,
    /// Written in the rules file.
    Value(Secret),
    /// Read from this environment variable when the alert is sent.
    Env(String),
}

impl SecretSource {
    /// The secret, or why there is none although one was configured (an unset variable).
    pub fn resolve(&self) -> Result<Option<Secret>, String> {
        match self {
            SecretSource::None => Ok(None),
            SecretSource::Value(s) => Ok(Some(s.clone())),
            SecretSource::Env(name) => match std::env::var(name) {
                Ok(v) if !v.trim().is_empty() => Ok(Some(Secret(v.trim().to_string()))),
                _ => Err(format!(
                    "the environment variable {name} (notify.secret_env) is not set"
                )),
            },
        }
    }
}

/// One webhook: its URL and, when given as `FORMAT=URL`, its format.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    /// The webhook URL (may hold a token: shown only through [`Target::redacted`]).
    pub url: Url,
    /// The format named with the URL, if any.
    pub format: Option<Format>,
}

impl Target {
    /// `scheme://host[:port]/…`: the URL without the path and query that
    /// carry robot tokens, for logs.
    pub fn redacted(&self) -> String {
        let mut s = format!(
            "{}://{}",
            self.url.scheme(),
            self.url.host_str().unwrap_or("")
        );
        if let Some(p) = self.url.port() {
            s.push_str(&format!(":{p}"));
        }
        s.push_str("/…");
        s
    }

    /// The format to post in: the URL's own, else `default`, else by host.
    pub fn format_or(&self, default: Option<Format>) -> Format {
        self.format
            .or(default)
            .unwrap_or_else(|| Format::for_host(self.url.host_str().unwrap_or("")))
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({}, {:?})", self.redacted(), self.format)
    }
}

impl std::str::FromStr for Target {
    type Err = String;
    /// Parses `URL` or `FORMAT=URL` (an http:// or https:// URL with a host).
    /// The error never repeats the URL (it may hold a token).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (format, url) = match s.split_once('=') {
            Some((f, rest)) if !f.contains(['/', ':', '?']) => (Some(f.parse::<Format>()?), rest),
            _ => (None, s),
        };
        let u = Url::parse(url.trim())
            .map_err(|e| format!("not a webhook URL ({e}): give http(s)://host/path"))?;
        if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
            return Err("a webhook URL must be http:// or https:// with a host".into());
        }
        Ok(Target { url: u, format })
    }
}

/// `[notify]`, validated.
#[derive(Debug, Clone, Default)]
pub struct Notify {
    /// Webhooks of the rules file.
    pub targets: Vec<Target>,
    /// When to post.
    pub on: NotifyOn,
    /// Format of URLs without their own (None: by host).
    pub format: Option<Format>,
    /// The signing secret (钉钉 / 飞书).
    pub secret: SecretSource,
}

impl Notify {
    /// Validates `[notify]`, naming the key of any mistake.
    pub fn compile(s: &NotifySection, ctx: &Ctx) -> Result<Notify, RulesError> {
        let mut targets = Vec::new();
        for (i, u) in s.urls.iter().enumerate() {
            let t: Target = u.parse().map_err(|e: String| {
                ctx.invalid("notify.urls", &format!("entry {}: {e}", i + 1))
            })?;
            targets.push(t);
        }
        let on =
            s.on.parse()
                .map_err(|e: String| ctx.invalid("notify.on", &e))?;
        let format = if s.format.trim().is_empty() {
            None
        } else {
            Some(
                s.format
                    .parse()
                    .map_err(|e: String| ctx.invalid("notify.format", &e))?,
            )
        };
        let env = s.secret_env.trim();
        let secret = match (s.secret.is_empty(), env.is_empty()) {
            (true, true) => SecretSource::None,
            (false, true) => SecretSource::Value(Secret(s.secret.0.trim().to_string())),
            (true, false) => {
                let valid = env.chars().enumerate().all(|(i, c)| {
                    c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
                });
                if !valid {
                    return Err(ctx.invalid(
                        "notify.secret_env",
                        "give the name of an environment variable (letters, digits, _), not the secret",
                    ));
                }
                SecretSource::Env(env.to_string())
            }
            (false, false) => {
                return Err(ctx.invalid(
                    "notify.secret_env",
                    "give either secret or secret_env, not both",
                ));
            }
        };
        Ok(Notify {
            targets,
            on,
            format,
            secret,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rules;
    use std::path::Path;

    use super::*;

    fn rules(notify: &str) -> Result<Rules, RulesError> {
        let text =
            format!("[site]\nstart_urls = [\"http://www.a.gov.cn/\"]\n\n[notify]\n{notify}\n");
        Rules::from_toml(&text, Path::new("site.toml"))
    }

    #[test]
    fn notify_section_parses_and_defaults() {
        let r = rules("urls = [\"https://oapi.dingtalk.com/robot/send?access_token=abc\", \"json=http://127.0.0.1:9/hook\"]\nsecret = \"SECxyz\"").unwrap();
        let n = &r.notify;
        assert_eq!(n.on, NotifyOn::New);
        assert_eq!(n.targets.len(), 2);
        assert_eq!(n.targets[0].format_or(None), Format::Dingtalk);
        assert_eq!(n.targets[1].format_or(Some(Format::Wecom)), Format::Json);
        assert_eq!(n.secret, SecretSource::Value(Secret::new("SECxyz")));
        // Neither the token of the URL nor the secret shows in Debug.
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("SECxyz") && !dbg.contains("abc"), "{dbg}");
        assert_eq!(n.targets[0].redacted(), "https://oapi.dingtalk.com/…");
        assert_eq!(n.targets[1].redacted(), "http://127.0.0.1:9/…");
        let none = rules("").unwrap();
        assert!(none.notify.targets.is_empty());
        let hosts = [
            (
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                Format::Wecom,
            ),
            (
                "https://open.feishu.cn/open-apis/bot/v2/hook/x",
                Format::Feishu,
            ),
            ("https://hooks.example.org/x", Format::Json),
        ];
        for (u, f) in hosts {
            assert_eq!(u.parse::<Target>().unwrap().format_or(None), f, "{u}");
        }
    }

    #[test]
    fn notify_mistakes_name_the_key() {
        for (text, key, line) in [
            ("on = \"sometimes\"", "notify.on", 5),
            ("format = \"slack\"", "notify.format", 5),
            ("urls = [\"ftp://x/y\"]", "notify.urls", 5),
            ("urls = [\"teams=https://x/y\"]", "notify.urls", 5),
            ("secret_env = \"SEC abc\"", "notify.secret_env", 5),
            ("secret = \"a\"\nsecret_env = \"B\"", "notify.secret_env", 6),
        ] {
            let e = rules(text).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("site.toml:{line}: key `{key}`")),
                "{text}: {e}"
            );
        }
        // A bad URL's error does not echo the URL (it may hold a token).
        let e = rules("urls = [\"https://\"]").unwrap_err().to_string();
        assert!(e.contains("notify.urls"), "{e}");
        let e = "wecom=notaurl-key=SECRET".parse::<Target>().unwrap_err();
        assert!(!e.contains("SECRET"), "{e}");
    }

    #[test]
    fn secret_env_is_read_when_sending() {
        let s = SecretSource::Env("ZWGK_TEST_SECRET_THAT_IS_NOT_SET".into());
        let e = s.resolve().unwrap_err();
        assert!(e.contains("ZWGK_TEST_SECRET_THAT_IS_NOT_SET"));
        assert_eq!(SecretSource::None.resolve().unwrap(), None);
    }
}
