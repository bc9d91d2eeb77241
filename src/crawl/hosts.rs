//! Per-host politeness in one place: a concurrency limit, a minimum interval
//! between request starts, pauses from `Retry-After` and backoff, the
//! failure breaker, and the robots.txt of each own host.
//!
//! The crawl starts a job only when its host can take it
//! ([`HostPool::try_start`]: a job slot free, the host's next start due), so
//! no task waits on a host's pacing or pause while holding a crawl slot;
//! [`HostPool::acquire`] still paces every request (retries, redirects,
//! robots.txt). After `host_failures` connection attempts in a row that get
//! no connection, the host is down for the rest of the run: its other URLs
//! are not fetched. Robots rules are loaded once per host, without a lock
//! shared by the hosts.
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
    jobs: Mutex<Jobs>,
    robots: Arc<tokio::sync::OnceCell<Arc<Robots>>>,
}

/// The jobs of one host and its failure breaker.
#[derive(Default)]
struct Jobs {
    /// Jobs started and not finished.
    running: usize,
    /// Request starts already paced by [`HostPool::try_start`]: as many
    /// next requests skip the interval wait.
    prepaid: usize,
    /// Connection attempts in a row that got no connection.
    failures: u32,
    /// Why the host counts as down, once the breaker tripped.
    down: Option<Arc<str>>,
}

/// All hosts of a run.
pub struct HostPool {
    per_host: usize,
    interval: Duration,
    /// Connection failures in a row that trip a host's breaker (0: never).
    breaker: u32,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

/// Whether a host can take a job now (see [`HostPool::try_start`]).
#[derive(Debug)]
pub enum Admit {
    /// Yes: the slot is held until dropped.
    Now(JobSlot),
    /// Not before this instant (the interval, `Retry-After` or a backoff).
    At(Instant),
    /// Not until one of its jobs ends.
    Busy,
}

/// One job's hold on its host (see [`HostPool::try_start`]); dropping it
/// frees the slot.
#[derive(Debug)]
pub struct JobSlot {
    host: Arc<Host>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Host")
    }
}

impl Drop for JobSlot {
    fn drop(&mut self) {
        let mut j = self.host.jobs.lock().unwrap_or_else(|e| e.into_inner());
        j.running = j.running.saturating_sub(1);
        // A job that ended without a request leaves no paced start behind.
        j.prepaid = j.prepaid.min(j.running);
    }
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
            breaker: 0,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Trips a host's breaker after `failures` connection attempts in a row
    /// that got no connection (0: never).
    pub fn with_breaker(mut self, failures: u32) -> Self {
        self.breaker = failures;
        self
    }

    fn host(&self, key: &str) -> Arc<Host> {
        let mut map = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key.to_string())
            .or_insert_with(|| {
                Arc::new(Host {
                    permits: Arc::new(Semaphore::new(self.per_host)),
                    next_start: Mutex::new(Instant::now()),
                    interval: Mutex::new(self.interval),
                    jobs: Mutex::new(Jobs::default()),
                    robots: Arc::new(tokio::sync::OnceCell::new()),
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
        let prepaid = {
            let mut j = h.jobs.lock().unwrap_or_else(|e| e.into_inner());
            let p = j.prepaid > 0;
            j.prepaid = j.prepaid.saturating_sub(1);
            p
        };
        if !prepaid {
            let start = {
                let interval = *h.interval.lock().unwrap_or_else(|e| e.into_inner());
                let mut next = h.next_start.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                let start = (*next).max(now);
                *next = start + interval;
                start
            };
            tokio::time::sleep_until(start).await;
        }
        HostPermit { _permit: permit }
    }

    /// Whether `host` can take one more job now. If so, the job's slot is
    /// held and the host's next request start is paced from now (the job's
    /// first request does not wait again); if not, when to ask again. A host
    /// whose breaker tripped takes jobs at once: they make no request.
    pub fn try_start(&self, host: &str) -> Admit {
        let h = self.host(host);
        let mut j = h.jobs.lock().unwrap_or_else(|e| e.into_inner());
        if j.down.is_some() {
            j.running += 1;
            drop(j);
            return Admit::Now(JobSlot { host: h });
        }
        if j.running >= self.per_host {
            return Admit::Busy;
        }
        let interval = *h.interval.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = h.next_start.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if *next > now {
            return Admit::At(*next);
        }
        *next = now + interval;
        j.running += 1;
        j.prepaid += 1;
        drop((j, next));
        Admit::Now(JobSlot { host: h })
    }

    /// Records the end of a connection attempt to `host`: `connected` false
    /// when no connection could be made (connect timeout). Returns the
    /// host's down reason when this attempt tripped the breaker.
    pub fn note_connect(&self, host: &str, connected: bool, why: &str) -> Option<Arc<str>> {
        let h = self.host(host);
        let mut j = h.jobs.lock().unwrap_or_else(|e| e.into_inner());
        if connected {
            j.failures = 0;
            return None;
        }
        j.failures = j.failures.saturating_add(1);
        if self.breaker == 0 || j.failures < self.breaker || j.down.is_some() {
            return None;
        }
        let reason: Arc<str> = format!(
            "{host} not reachable: {} connection attempts in a row failed ({why}), so its URLs are not fetched (crawl.host_failures)",
            j.failures
        )
        .into();
        j.down = Some(reason.clone());
        Some(reason)
    }

    /// Why `host` counts as down, once its breaker tripped.
    pub fn down(&self, host: &str) -> Option<Arc<str>> {
        let h = self.host(host);
        let j = h.jobs.lock().unwrap_or_else(|e| e.into_inner());
        j.down.clone()
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

    /// The robots rules of `host`, loading them once with `load`. Jobs of
    /// the same host wait for the one load; other hosts never do.
    pub async fn robots<F, Fut>(&self, host: &str, load: F) -> Arc<Robots>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Robots>,
    {
        let cell = self.host(host).robots.clone();
        cell.get_or_init(|| async {
            let r = Arc::new(load().await);
            if let Some(d) = r.delay() {
                self.set_min_interval(host, d);
            }
            r
        })
        .await
        .clone()
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

    #[tokio::test(start_paused = true)]
    async fn a_job_starts_only_when_its_host_can_take_it() {
        let pool = HostPool::new(2, Duration::from_millis(100));
        let t0 = Instant::now();
        let Admit::Now(a) = pool.try_start("h:80") else {
            panic!("a free host takes a job");
        };
        // The next start is paced; another host is not held back.
        assert!(
            matches!(pool.try_start("h:80"), Admit::At(t) if t == t0 + Duration::from_millis(100))
        );
        assert!(matches!(pool.try_start("other:80"), Admit::Now(_)));
        // The job's first request does not wait again for the interval.
        let _p = pool.acquire("h:80").await;
        assert_eq!(Instant::now(), t0);
        tokio::time::advance(Duration::from_millis(100)).await;
        let Admit::Now(b) = pool.try_start("h:80") else {
            panic!("due again");
        };
        tokio::time::advance(Duration::from_millis(100)).await;
        // Two jobs running: busy until one ends.
        assert!(matches!(pool.try_start("h:80"), Admit::Busy));
        drop(a);
        assert!(matches!(pool.try_start("h:80"), Admit::Now(_)));
        drop(b);
        // A pause (Retry-After) holds new jobs back until it ends.
        let until = Instant::now() + Duration::from_secs(60);
        pool.pause("h:80", until);
        assert!(matches!(pool.try_start("h:80"), Admit::At(t) if t == until));
    }

    #[test]
    fn the_breaker_trips_after_failures_in_a_row() {
        let pool = HostPool::new(4, Duration::ZERO).with_breaker(3);
        let fail = |h: &str| pool.note_connect(h, false, "connect timeout after 10s");
        assert!(fail("dead:80").is_none());
        assert!(fail("dead:80").is_none());
        // An answer in between starts the count again.
        assert!(pool.note_connect("dead:80", true, "").is_none());
        assert!(fail("dead:80").is_none() && fail("dead:80").is_none());
        assert!(pool.down("dead:80").is_none());
        let why = fail("dead:80").expect("tripped by the third failure in a row");
        assert_eq!(
            &*why,
            "dead:80 not reachable: 3 connection attempts in a row failed (connect timeout after 10s), so its URLs are not fetched (crawl.host_failures)"
        );
        // Said once; the host stays down; jobs of a down host start at once.
        assert!(fail("dead:80").is_none());
        assert_eq!(pool.down("dead:80"), Some(why));
        let slots: Vec<Admit> = (0..10).map(|_| pool.try_start("dead:80")).collect();
        assert!(slots.iter().all(|s| matches!(s, Admit::Now(_))));
        assert!(pool.down("other:80").is_none());
        // 0: never.
        let never = HostPool::new(4, Duration::ZERO);
        for _ in 0..100 {
            assert!(never.note_connect("dead:80", false, "x").is_none());
        }
    }

    #[tokio::test]
    async fn robots_of_one_host_never_wait_for_another() {
        let pool = Arc::new(HostPool::new(4, Duration::ZERO));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let p = pool.clone();
        // The first host's robots.txt hangs until released.
        let slow = tokio::spawn(async move {
            p.robots("slow:80", || async {
                let _ = rx.await;
                Robots::AllowAll
            })
            .await
        });
        tokio::task::yield_now().await;
        let loads = std::sync::atomic::AtomicUsize::new(0);
        let load = || async {
            loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Robots::AllowAll
        };
        // Another host loads (once) while the first hangs.
        assert!(pool.robots("fast:80", load).await.allowed("http://fast/"));
        assert!(pool.robots("fast:80", load).await.allowed("http://fast/x"));
        assert_eq!(loads.load(std::sync::atomic::Ordering::SeqCst), 1);
        let _ = tx.send(());
        assert!(slow.await.expect("joins").allowed("http://slow/"));
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
