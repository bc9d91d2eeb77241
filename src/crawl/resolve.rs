//! Name resolution with `--resolve` / `--connect-to` mappings and the
//! private-range guard.
//!
//! A mapping names a host *and* a port (as curl): `h:443:addr` applies to
//! `https://h/` and `http://h:443/`, never to `http://h/` (port 80), which
//! resolves like any other name. `crawl::client` gives each group of mappings
//! its own HTTP client, so the resolver here only ever sees names of its group.
//!
//! The crawler never opens a connection to a private-range address (see
//! [`is_private_ip`]) unless the user mapped the host and port or listed the
//! name in `[site] allow_private`; an own host is no exception (a site, or a
//! DNS rebinding between two requests, could otherwise point its own name at
//! `127.0.0.1` or `169.254.169.254`). IP-literal URLs never reach a resolver,
//! so [`is_private_ip`] is also checked before any request (see `crawl::fetch`).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use thiserror::Error;

/// One `--resolve host:port:addr` or `--connect-to host:port:addr:port2`
/// mapping (as curl).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveEntry {
    /// Host name, lower-case.
    pub host: String,
    /// The URL port (explicit or the scheme's default) the mapping applies
    /// to; 0 applies it to every port of the host.
    pub port: u16,
    /// Address to connect to.
    pub addr: IpAddr,
    /// Port to connect to instead of the URL's port (as curl's
    /// `--connect-to`); None keeps the URL's port.
    pub connect_port: Option<u16>,
}

impl ResolveEntry {
    /// Maps every port of `host` to `addr` (its IP and port): every
    /// `http(s)://host[:any]/` URL is sent there. For test and demo servers
    /// that answer one host on one port.
    pub fn connect_to(host: &str, addr: std::net::SocketAddr) -> Self {
        ResolveEntry {
            host: host.to_ascii_lowercase(),
            port: 0,
            addr: addr.ip(),
            connect_port: Some(addr.port()),
        }
    }

    /// Whether the mapping applies to `host` (lower-case) on URL port `port`.
    pub fn applies_to(&self, host: &str, port: u16) -> bool {
        self.host == host && (self.port == 0 || self.port == port)
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

/// Whether an address is one the public cannot reach (or must not be made to
/// reach): private (10/8, 172.16/12, 192.168/16), loopback, link-local,
/// unspecified, "this network" 0/8, CGNAT 100.64/10, IETF 192.0.0/24,
/// documentation (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32),
/// benchmarking 198.18/15, reserved 240/4 and broadcast, multicast,
/// unique-local fc00::/7, site-local fec0::/10, discard 100::/64, local-use
/// NAT64 64:ff9b:1::/48; and every IPv6 form that carries an IPv4 address
/// (IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`,
/// IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4
/// `2002:aabb:ccdd::`) when that IPv4 address is private.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => is_private_v6(v6),
    }
}

fn is_private_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_multicast()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && (c == 0 || c == 2))
        || (a == 198 && (b == 18 || b == 19))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
}

fn is_private_v6(v6: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(v6) {
        return is_private_v4(v4);
    }
    let [s0, s1, s2, s3, ..] = v6.segments();
    v6.is_loopback()
        || v6.is_unspecified()
        || v6.is_multicast()
        || (s0 & 0xfe00) == 0xfc00
        || (s0 & 0xffc0) == 0xfe80
        || (s0 & 0xffc0) == 0xfec0
        || (s0 == 0x2001 && s1 == 0x0db8)
        || (s0 == 0x0100 && s1 == 0 && s2 == 0 && s3 == 0)
        || (s0 == 0x0064 && s1 == 0xff9b && s2 == 0x0001)
}

/// The IPv4 address an IPv6 address carries, for the forms that route to it.
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    let [.., hi, lo] = s;
    let tail = Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    match s {
        // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d.
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0xffff, 0, _, _] => Some(tail),
        // IPv4-compatible ::a.b.c.d (also :: and ::1, whose IPv4 is private).
        [0, 0, 0, 0, 0, 0, _, _] => Some(tail),
        // NAT64 well-known prefix 64:ff9b::/96.
        [0x0064, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        // 6to4 2002:aabb:ccdd::/48.
        [0x2002, a, b, ..] => Some(Ipv4Addr::new(
            (a >> 8) as u8,
            a as u8,
            (b >> 8) as u8,
            b as u8,
        )),
        _ => None,
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
    /// A resolver with mappings (of one port group: the caller routes each
    /// URL to the client whose mappings apply to its host and port), names
    /// allowed to resolve privately, and an optional injected fallback (None:
    /// the system resolver via tokio).
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
    fn mappings_apply_to_their_port_only() {
        let e: ResolveEntry = "www.a.gov.cn:443:10.0.0.5".parse().unwrap();
        assert!(e.applies_to("www.a.gov.cn", 443));
        assert!(!e.applies_to("www.a.gov.cn", 80));
        assert!(!e.applies_to("www.a.gov.cn", 6379));
        assert!(!e.applies_to("a.gov.cn", 443));
        let any = ResolveEntry::connect_to("www.a.gov.cn", "127.0.0.1:8080".parse().unwrap());
        assert!(any.applies_to("www.a.gov.cn", 80) && any.applies_to("www.a.gov.cn", 443));
    }

    /// One address inside and one just outside each range.
    #[test]
    fn every_non_public_range_and_its_neighbours() {
        for (inside, outside) in [
            ("10.255.255.255", "11.0.0.0"),
            ("172.16.0.0", "172.15.255.255"),
            ("172.31.255.255", "172.32.0.0"),
            ("192.168.0.1", "192.169.0.1"),
            ("127.0.0.2", "128.0.0.1"),
            ("169.254.169.254", "169.255.0.1"),
            ("0.1.2.3", "1.0.0.1"),
            ("100.64.0.1", "100.63.255.255"),
            ("100.127.255.255", "100.128.0.0"),
            ("192.0.0.8", "192.0.1.1"),
            ("192.0.2.1", "192.0.3.1"),
            ("198.18.0.1", "198.17.255.255"),
            ("198.19.255.255", "198.20.0.0"),
            ("198.51.100.7", "198.51.101.7"),
            ("203.0.113.9", "203.0.114.9"),
            ("224.0.0.1", "223.255.255.255"),
            ("240.0.0.1", "202.96.209.5"),
            ("255.255.255.255", "223.255.255.255"),
            ("::1", "::2:0:0:1"),
            ("::", "2400:3200::1"),
            ("fc00::1", "fbff::1"),
            ("fdff:ffff::1", "fe00::1"),
            ("fe80::1", "fe7f::1"),
            ("febf::1", "2001:4860::1"),
            ("fec0::1", "fbff:ffff::1"),
            ("feff::1", "2001:da8::1"),
            ("ff02::1", "2408:8000::1"),
            ("2001:db8::1", "2001:db9::1"),
            ("100::1", "100:0:0:1::1"),
            ("64:ff9b:1::1", "64:ff9b:2::1"),
        ] {
            let (i, o): (IpAddr, IpAddr) = (inside.parse().unwrap(), outside.parse().unwrap());
            assert!(is_private_ip(i), "{inside} is not public");
            assert!(!is_private_ip(o), "{outside} is public");
        }
    }

    /// Every IPv6 form that carries an IPv4 address follows that address,
    /// for each private IPv4 range.
    #[test]
    fn ipv6_forms_of_every_private_ipv4_range() {
        let private = [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.1",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.1",
            "203.0.113.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
        ];
        let forms = |v4: Ipv4Addr| {
            let [a, b, c, d] = v4.octets();
            let hi = u16::from_be_bytes([a, b]);
            let lo = u16::from_be_bytes([c, d]);
            [
                format!("::ffff:{v4}"),
                format!("::ffff:0:{v4}"),
                format!("::{v4}"),
                format!("64:ff9b::{v4}"),
                format!("2002:{hi:x}:{lo:x}::1"),
            ]
        };
        for p in private {
            let v4: Ipv4Addr = p.parse().unwrap();
            assert!(is_private_ip(IpAddr::V4(v4)), "{p}");
            for f in forms(v4) {
                assert!(is_private_ip(f.parse().unwrap()), "{f} carries {p}");
            }
        }
        // The same forms of a public address are public (NAT64 in a DNS64
        // network, 6to4 relays): they reach the public address.
        let public: Ipv4Addr = "202.96.209.5".parse().unwrap();
        for f in forms(public) {
            assert!(
                !is_private_ip(f.parse().unwrap()),
                "{f} carries a public address"
            );
        }
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
