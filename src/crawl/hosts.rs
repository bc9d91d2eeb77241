//! Per-host politeness in one place: a concurrency limit, a minimum interval
//! between request starts, pauses from `Retry-After` and backoff, and the
//! robots.txt of each own host.
//!
//! The pool is built once per run and passed around in an `Arc`; nothing here
//! is global.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Politeness state of one host.
struct Host {
    permits: Arc<Semaphore>,
    next_start: Mutex<Instant>,
    interval: Mutex<Duration>,
}

/// All hosts of a run.
pub struct HostPool {
    per_host: usize,
    interval: Duration,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    robots: tokio::sync::Mutex<HashMap<String, Arc<Robots>>>,
}

/// A permit to send one request to a host; dropping it frees the slot.
pub struct HostPermit {
    _permit: OwnedSemaphorePermit,
}

/// The robots.txt rules of a host.
pub enum Robots {
    /// No robots.txt or not respected: everything allowed.
    AllowAll,
    /// Parsed rules.
    Rules(Box<texting_robots::Robot>),
}

impl Robots {
    /// Whether the crawler may fetch `url`.
    pub fn allowed(&self, url: &str) -> bool {
        match self {
            Robots::AllowAll => true,
            Robots::Rules(r) => r.allowed(url),
        }
    }
    /// The Crawl-delay asked for, if any.
    pub fn delay(&self) -> Option<Duration> {
        match self {
            Robots::AllowAll => None,
            Robots::Rules(r) => r
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d.min(30.0))),
        }
    }
}

impl HostPool {
    /// A pool allowing `per_host` requests in flight per host, starting at most
    /// one request per `interval` per host.
    pub fn new(per_host: usize, interval: Duration) -> Self {
        HostPool {
            per_host: per_host.max(1),
            interval,
            hosts: Mutex::new(HashMap::new()),
            robots: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    fn host(&self, key: &str) -> Arc<Host> {
        let mut map = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key.to_string())
            .or_insert_with(|| {
                Arc::new(Host {
                    permits: Arc::new(Semaphore::new(self.per_host)),
                    next_start: Mutex::new(Instant::now()),
                    interval: Mutex::new(self.interval),
                })
            })
            .clone()
    }

    /// Waits for a slot on `host` (a `host:port` key) and for its interval.
    pub async fn acquire(&self, host: &str) -> HostPermit {
        let h = self.host(host);
        let permit = match h.permits.clone().acquire_owned().await {
            Ok(p) => p,
            // The semaphore is never closed; fall back to a fresh one if it were.
            Err(_) => Arc::new(Semaphore::new(1))
                .acquire_owned()
                .await
                .unwrap_or_else(|_| unreachable!("a new semaphore is open")),
        };
        let start = {
            let interval = *h.interval.lock().unwrap_or_else(|e| e.into_inner());
            let mut next = h.next_start.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let start = (*next).max(now);
            *next = start + interval;
            start
        };
        tokio::time::sleep_until(start).await;
        HostPermit { _permit: permit }
    }

    /// Holds every new request to `host` until `until` (Retry-After, backoff).
    pub fn pause(&self, host: &str, until: Instant) {
        let h = self.host(host);
        let mut next = h.next_start.lock().unwrap_or_else(|e| e.into_inner());
        if *next < until {
            *next = until;
        }
    }

    /// Raises the interval of `host` (robots.txt Crawl-delay).
    pub fn set_min_interval(&self, host: &str, interval: Duration) {
        let h = self.host(host);
        let mut i = h.interval.lock().unwrap_or_else(|e| e.into_inner());
        if *i < interval {
            *i = interval;
        }
    }

    /// The robots rules of `host`, loading them once with `load`.
    pub async fn robots<F, Fut>(&self, host: &str, load: F) -> Arc<Robots>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Robots>,
    {
        let mut map = self.robots.lock().await;
        if let Some(r) = map.get(host) {
            return r.clone();
        }
        let r = Arc::new(load().await);
        if let Some(d) = r.delay() {
            self.set_min_interval(host, d);
        }
        map.insert(host.to_string(), r.clone());
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn interval_spaces_request_starts() {
        let pool = HostPool::new(4, Duration::from_millis(100));
        let t0 = Instant::now();
        let _a = pool.acquire("h:80").await;
        let _b = pool.acquire("h:80").await;
        let _c = pool.acquire("h:80").await;
        assert!(Instant::now() - t0 >= Duration::from_millis(200));
        // Another host is not held back.
        let t1 = Instant::now();
        let _d = pool.acquire("other:80").await;
        assert_eq!(Instant::now(), t1);
    }

    #[tokio::test(start_paused = true)]
    async fn pause_holds_new_requests() {
        let pool = HostPool::new(1, Duration::ZERO);
        let t0 = Instant::now();
        pool.pause("h:80", t0 + Duration::from_secs(2));
        let _a = pool.acquire("h:80").await;
        assert!(Instant::now() - t0 >= Duration::from_secs(2));
    }

    #[test]
    fn robots_rules() {
        let r = texting_robots::Robot::new("zwgk-audit", b"User-agent: *\nDisallow: /private/\n")
            .unwrap();
        let r = Robots::Rules(Box::new(r));
        assert!(!r.allowed("http://h/private/x.html"));
        assert!(r.allowed("http://h/public/x.html"));
    }
}
