//! Name resolution with `--resolve` mappings and the private-range guard.
//!
//! The crawler never opens a connection to a private-range address (10/8,
//! 172.16/12, 192.168/16, loopback, link-local, CGNAT, unique-local) unless the
//! user mapped the name with `--resolve` or allowed it in the rules. IP-literal
//! URLs never reach a resolver, so [`is_private_ip`] is also checked before any
//! request (see `crawl::fetch`).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use thiserror::Error;

/// One `--resolve host:port:addr` mapping (as curl).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveEntry {
    /// Host name, lower-case.
    pub host: String,
    /// Port the mapping is meant for (informational: DNS has no ports).
    pub port: u16,
    /// Address to connect to.
    pub addr: IpAddr,
    /// Port to connect to instead of the URL's default port (as curl's
    /// `--connect-to`); None keeps the URL's port.
    pub connect_port: Option<u16>,
}

impl ResolveEntry {
    /// Maps `host` to `addr`, connecting to `connect_port` when the URL names no port.
    pub fn connect_to(host: &str, addr: std::net::SocketAddr) -> Self {
        ResolveEntry {
            host: host.to_ascii_lowercase(),
            port: 0,
            addr: addr.ip(),
            connect_port: Some(addr.port()),
        }
    }
}

/// A malformed `--resolve` value.
#[derive(Debug, Error)]
#[error("--resolve `{0}`: expected host:port:address, e.g. www.example.gov.cn:443:127.0.0.1")]
pub struct ResolveParseError(pub String);

impl std::str::FromStr for ResolveEntry {
    type Err = ResolveParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ResolveParseError(s.to_string());
        let (host, rest) = s.split_once(':').ok_or_else(err)?;
        let (port, addr) = rest.split_once(':').ok_or_else(err)?;
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(err());
        }
        Ok(ResolveEntry {
            host: host.to_ascii_lowercase(),
            port: port.parse().map_err(|_| err())?,
            addr: addr.parse().map_err(|_| err())?,
            connect_port: None,
        })
    }
}

/// Whether an address is one the public cannot reach: private, loopback,
/// link-local, unspecified, CGNAT, unique-local or multicast.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_ip(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
        }
    }
}

/// The system's resolver (or an injected one) behind the guard.
pub type Fallback = Arc<dyn Resolve>;

/// Resolver used by the crawler's HTTP client.
pub struct GuardedResolver {
    map: HashMap<String, SocketAddr>,
    allow: Vec<String>,
    fallback: Option<Fallback>,
}

impl GuardedResolver {
    /// A resolver with `--resolve` mappings, names allowed to resolve privately,
    /// and an optional injected fallback (None: the system resolver via tokio).
    pub fn new(entries: &[ResolveEntry], allow: &[String], fallback: Option<Fallback>) -> Self {
        GuardedResolver {
            map: entries
                .iter()
                .map(|e| {
                    (
                        e.host.clone(),
                        SocketAddr::new(e.addr, e.connect_port.unwrap_or(0)),
                    )
                })
                .collect(),
            allow: allow.to_vec(),
            fallback,
        }
    }
}

/// Error text used when a name resolves only to private addresses; `check::links`
/// turns it into a wrong_link finding.
pub const PRIVATE_ONLY: &str = "resolves only to private-range addresses";

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        if let Some(addr) = self.map.get(&host) {
            let addr = *addr;
            return Box::pin(async move { Ok(Box::new(std::iter::once(addr)) as Addrs) });
        }
        let allowed = self.allow.iter().any(|a| a == &host);
        let fallback = self.fallback.clone();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = match fallback {
                Some(r) => r.resolve(name).await?.collect(),
                None => tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?
                    .collect(),
            };
            let public: Vec<SocketAddr> = if allowed {
                addrs
            } else {
                addrs
                    .into_iter()
                    .filter(|a| !is_private_ip(a.ip()))
                    .collect()
            };
            if public.is_empty() {
                return Err(format!("{host} {PRIVATE_ONLY}").into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_curl_style_entries() {
        let e: ResolveEntry = "www.Demo.gov.cn:80:127.0.0.1".parse().unwrap();
        assert_eq!(e.host, "www.demo.gov.cn");
        assert_eq!(e.port, 80);
        assert_eq!(e.addr, "127.0.0.1".parse::<IpAddr>().unwrap());
        let v6: ResolveEntry = "h:443:[::1]".parse().unwrap();
        assert!(v6.addr.is_loopback());
        assert!("nohost".parse::<ResolveEntry>().is_err());
        assert!("h:x:127.0.0.1".parse::<ResolveEntry>().is_err());
    }

    #[test]
    fn private_ranges() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_private_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["172.32.0.1", "8.8.8.8", "202.96.209.5", "2400:3200::1"] {
            assert!(!is_private_ip(ip.parse().unwrap()), "{ip}");
        }
    }
}
