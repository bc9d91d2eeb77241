//! `_routes.toml`: per-path behaviours of a fixture site (status, headers,
//! redirects, delays, failures and hostile bodies).
//!
//! The file sits at the root of a site or of a virtual-host folder. Each table
//! is keyed by the request path (raw Chinese or percent-encoded, with date
//! placeholders allowed), e.g.
//!
//! ```toml
//! ["/notice/gbk.html"]
//! headers = { "content-type" = "text/html; charset=gbk" }
//!
//! ["/old/"]
//! redirect = "/new/"
//! status = 301
//!
//! ["/busy.html"]
//! fail_first = 2
//! fail_status = 429
//! fail_headers = { "retry-after" = "1" }
//! ```
//!
//! Unknown keys are errors, so a typo in a fixture fails the test that loads it.

use super::template::expand_str;
use chrono::NaiveDate;
use hyper::StatusCode;
use hyper::header::{HeaderName, HeaderValue};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::io;

/// What the server does for one path. Every field is optional; a route
/// without a body source serves the file at that path.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Route {
    /// Response status (default 200, or 302 with `redirect`).
    pub status: Option<u16>,
    /// Headers set on the response, overriding the defaults (e.g. a `charset=gbk` content type).
    pub headers: BTreeMap<String, String>,
    /// Inline body text (date placeholders expanded) instead of a file.
    pub body: Option<String>,
    /// `Location` of a redirect (placeholders expanded); status 302 unless `status` says otherwise.
    pub redirect: Option<String>,
    /// Wait this long before sending the response headers.
    pub delay_ms: u64,
    /// Send the body one byte per interval.
    pub drip_ms: u64,
    /// Answer HEAD with this status and no body, while GET works.
    pub head_status: Option<u16>,
    /// The first N requests to this path fail with `fail_status`.
    pub fail_first: u32,
    /// Status of the failing requests (default 503).
    pub fail_status: Option<u16>,
    /// Headers of the failing responses (e.g. `retry-after`).
    pub fail_headers: BTreeMap<String, String>,
    /// A body that never ends.
    pub endless: bool,
    /// A small gzip body (content-encoding: gzip) that inflates to 256 MiB.
    pub gzip_bomb: bool,
    /// Close the connection without any response.
    pub reset: bool,
    /// Serve this many bytes of generated HTML.
    pub bytes: Option<u64>,
    /// Serve this many deterministic pseudo-random bytes.
    pub noise: Option<usize>,
    /// Declare this Content-Length whatever the body's real length (a lying server).
    pub content_length: Option<u64>,
    /// Answer only this method (e.g. `POST`, as a list data proxy); others get 405.
    pub method: Option<String>,
}

impl Route {
    /// Checks the values a file can get wrong; `key` names the table in errors.
    fn validate(&self, key: &str) -> Result<(), String> {
        for (name, code) in [
            ("status", self.status),
            ("head_status", self.head_status),
            ("fail_status", self.fail_status),
        ] {
            if let Some(c) = code {
                StatusCode::from_u16(c).map_err(|_| format!("[{key}] {name}: bad status {c}"))?;
            }
        }
        if self.redirect.is_some()
            && let Some(s) = self.status
            && !(300..400).contains(&s)
        {
            return Err(format!("[{key}] redirect needs a 3xx status, not {s}"));
        }
        for (name, value) in self.headers.iter().chain(self.fail_headers.iter()) {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("[{key}] bad header name `{name}`"))?;
            HeaderValue::from_str(value)
                .map_err(|_| format!("[{key}] bad value for header `{name}`"))?;
        }
        let sources = [
            self.body.is_some(),
            self.redirect.is_some(),
            self.endless,
            self.gzip_bomb,
            self.reset,
            self.bytes.is_some(),
            self.noise.is_some(),
        ];
        if sources.iter().filter(|b| **b).count() > 1 {
            return Err(format!(
                "[{key}] choose one of body, redirect, endless, gzip_bomb, reset, bytes, noise"
            ));
        }
        Ok(())
    }
}

/// Routes of one site or host folder, keyed by the decoded request path.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    map: HashMap<String, Route>,
}

impl Routes {
    /// Parses `_routes.toml` text; `file` names it in errors.
    pub fn parse(text: &str, file: &str, today: NaiveDate) -> io::Result<Routes> {
        let raw: BTreeMap<String, Route> = toml::from_str(text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{file}: {e}")))?;
        let mut map = HashMap::new();
        for (key, route) in raw {
            route
                .validate(&key)
                .map_err(|m| io::Error::new(io::ErrorKind::InvalidData, format!("{file}: {m}")))?;
            let path = normalize_path(&expand_str(&key, today));
            if !path.starts_with('/') {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{file}: [{key}] a route key is a path starting with '/'"),
                ));
            }
            map.insert(path, route);
        }
        Ok(Routes { map })
    }

    /// The route for a decoded path (`/a/b.html`), trying `path?query` first.
    #[cfg(test)]
    pub fn get(&self, path: &str, query: Option<&str>) -> Option<&Route> {
        self.get_for(path, query, None)
    }

    /// [`Self::get`] for a request that may carry a POSTed form: tries
    /// `path?query`, `path?form`, `path?query&form`, then `path`.
    pub fn get_for(&self, path: &str, query: Option<&str>, form: Option<&str>) -> Option<&Route> {
        let form = form.filter(|f| !f.is_empty());
        let keys = [
            query.map(|q| format!("{path}?{q}")),
            form.map(|f| format!("{path}?{f}")),
            query.zip(form).map(|(q, f)| format!("{path}?{q}&{f}")),
        ];
        keys.iter()
            .flatten()
            .find_map(|k| self.map.get(&normalize_path(k)))
            .or_else(|| self.map.get(path))
    }
}

/// Percent-decodes a request path (or route key) into the form used as map key.
pub fn normalize_path(p: &str) -> String {
    percent_encoding::percent_decode_str(p)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
    }

    #[test]
    fn parses_keys_raw_encoded_and_templated() {
        let r = Routes::parse(
            r#"
            ["/a.html"]
            status = 404
            ["/files/%E5%B9%B4.pdf"]
            head_status = 405
            ["/x/{{ym-1}}/t{{ymd-1}}_1.html"]
            delay_ms = 5
            ["/q?id=1"]
            body = "one"
            "#,
            "_routes.toml",
            today(),
        )
        .unwrap();
        assert_eq!(r.get("/a.html", None).unwrap().status, Some(404));
        assert_eq!(r.get("/files/年.pdf", None).unwrap().head_status, Some(405));
        assert_eq!(
            r.get("/x/202605/t20260519_1.html", None).unwrap().delay_ms,
            5
        );
        assert_eq!(
            r.get("/q", Some("id=1")).unwrap().body.as_deref(),
            Some("one")
        );
        assert!(r.get("/q", Some("id=2")).is_none());
        assert_eq!(
            r.get_for("/q", None, Some("id=1")).unwrap().body.as_deref(),
            Some("one")
        );
        assert!(r.get_for("/q", Some("x=1"), Some("id=2")).is_none());
        assert!(r.get("/b.html", None).is_none());
    }

    #[test]
    fn rejects_mistakes_with_the_file_name() {
        for bad in [
            "[\"/a\"]\nstatuss = 1",
            "[\"/a\"]\nstatus = 1000",
            "[\"/a\"]\nredirect = \"/b\"\nstatus = 200",
            "[\"/a\"]\nheaders = { \"bad name\" = \"x\" }",
            "[\"/a\"]\nbody = \"x\"\nendless = true",
            "[\"a\"]\nstatus = 200",
        ] {
            let e = Routes::parse(bad, "site/_routes.toml", today()).unwrap_err();
            assert!(
                e.to_string().starts_with("site/_routes.toml:"),
                "{bad}: {e}"
            );
        }
    }
}
