//! 断链 and the link status of links.csv: a fetch outcome in words.
//!
//! Certainty follows SPEC.md: 404, 410, DNS failure, refused, TLS, redirect
//! loops are confirmed; timeouts, resets, 5xx, 401/403/412 (firewalls and bot
//! walls) and a 429 that never cleared are suspected, for a person to check.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::crawl::fetch::FetchError;
use crate::crawl::job::Outcome;
use crate::finding::Certainty;

/// A broken outcome: certainty and detail.
pub fn broken(o: &Outcome) -> Option<(Certainty, String)> {
    if let Some(e) = &o.error {
        let certainty = match e {
            FetchError::Timeout(_)
            | FetchError::ConnectTimeout(_)
            | FetchError::HostDown(_)
            | FetchError::Reset(_)
            | FetchError::RetryAfterTooLong(_)
            | FetchError::Other(_) => Certainty::Suspected,
            FetchError::Dns(_)
            | FetchError::Refused
            | FetchError::Tls(_)
            | FetchError::RedirectLoop(_)
            | FetchError::TooManyRedirects(_)
            | FetchError::BadRedirect(_)
            | FetchError::PrivateAddress(_) => Certainty::Confirmed,
        };
        let detail = match e {
            FetchError::PrivateAddress(a) => match a.split_once(" (") {
                Some((host, _)) if a.contains(crate::crawl::resolve::PRIVATE_ONLY) => format!(
                    "{host} {}: not connected to, not reachable by the public (to audit it, list it in [site] allow_private or map it with --resolve)",
                    crate::crawl::resolve::PRIVATE_ONLY
                ),
                _ => format!(
                    "redirects to private address {a}: not followed, not reachable by the public"
                ),
            },
            other => other.to_string(),
        };
        return Some((certainty, detail));
    }
    let status = o.status?;
    if status < 400 {
        return None;
    }
    let certainty = match status {
        401 | 403 | 412 | 429 => Certainty::Suspected,
        s if s >= 500 => Certainty::Suspected,
        _ => Certainty::Confirmed,
    };
    let mut detail = status_text(status);
    match status {
        403 | 412 => detail.push_str(" (may be a firewall or bot wall: check in a browser)"),
        429 => detail.push_str(" (rate limited, never cleared)"),
        s if s >= 500 => detail.push_str(" (server error: check again later)"),
        _ => {}
    }
    Some((certainty, detail))
}

/// `404 Not Found`-style text for a status.
pub fn status_text(status: u16) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{status} {reason}").trim().to_string()
}

/// The `status` column of links.csv for an outcome.
pub fn link_status(o: &Outcome) -> &'static str {
    if o.skipped.is_some() {
        "skipped"
    } else if broken(o).is_some() {
        "broken"
    } else if o.soft404.is_some() {
        "soft_404"
    } else if o.risky.is_some() {
        "risky"
    } else if o.redirects > 0 {
        "redirected"
    } else {
        "ok"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: u16) -> Outcome {
        Outcome {
            status: Some(s),
            ..Default::default()
        }
    }

    #[test]
    fn status_classes() {
        assert_eq!(broken(&st(404)).unwrap().0, Certainty::Confirmed);
        assert_eq!(broken(&st(404)).unwrap().1, "404 Not Found");
        assert_eq!(broken(&st(410)).unwrap().0, Certainty::Confirmed);
        assert_eq!(broken(&st(403)).unwrap().0, Certainty::Suspected);
        assert_eq!(broken(&st(503)).unwrap().0, Certainty::Suspected);
        assert!(broken(&st(200)).is_none());
        assert!(broken(&st(301)).is_none());
        let t = Outcome {
            error: Some(FetchError::Timeout(20)),
            ..Default::default()
        };
        assert_eq!(
            broken(&t).unwrap(),
            (Certainty::Suspected, "timeout after 20s".into())
        );
        let d = Outcome {
            error: Some(FetchError::Dns("no such host".into())),
            ..Default::default()
        };
        assert_eq!(
            broken(&d).unwrap(),
            (Certainty::Confirmed, "DNS: no such host".into())
        );
        assert_eq!(link_status(&st(200)), "ok");
        assert_eq!(link_status(&st(404)), "broken");
    }
}
