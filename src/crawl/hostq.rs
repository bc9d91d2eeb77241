//! Per-host queues: jobs wait in their host's queue until the host can take
//! them, so a slow, paused or busy host never holds back the others and no
//! task is started only to wait for its host.
//!
//! Across hosts, jobs come out oldest first among the hosts that can take
//! one; within a host, first in, first out. Whether a host can take a job is
//! asked of the caller (in a crawl, [`super::hosts::HostPool::try_start`]);
//! a host that answers "not before t" is not asked again before t.

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use tokio::time::Instant;

/// Whether a host takes the job at the head of its queue.
#[derive(Debug)]
pub enum Take<S> {
    /// Now, holding `S` (e.g. the host's job slot).
    Now(S),
    /// Not before this instant.
    At(Instant),
    /// Not until one of its jobs ends.
    Busy,
}

/// Jobs `T` queued per host.
#[derive(Debug)]
pub struct HostQueues<T> {
    hosts: HashMap<Arc<str>, VecDeque<(u64, T)>>,
    /// The heads that may be taken, by age: (sequence, host).
    heads: BTreeSet<(u64, Arc<str>)>,
    /// Heads of hosts that asked to wait: (until, sequence, host).
    later: BTreeSet<(Instant, u64, Arc<str>)>,
    len: usize,
    seq: u64,
}

impl<T> Default for HostQueues<T> {
    fn default() -> Self {
        HostQueues {
            hosts: HashMap::new(),
            heads: BTreeSet::new(),
            later: BTreeSet::new(),
            len: 0,
            seq: 0,
        }
    }
}

impl<T> HostQueues<T> {
    /// Adds `item` at the back of `host`'s queue.
    pub fn push(&mut self, host: &str, item: T) {
        let seq = self.seq;
        self.seq += 1;
        self.len += 1;
        if let Some(q) = self.hosts.get_mut(host) {
            q.push_back((seq, item));
            return;
        }
        let host: Arc<str> = host.into();
        self.heads.insert((seq, host.clone()));
        self.hosts.insert(host, VecDeque::from([(seq, item)]));
    }

    /// Takes the oldest job whose host `admit` lets start now (asked once
    /// per host, for the head of its queue, in age order). Without one:
    /// the earliest instant a waiting host asked for, if any (a busy host
    /// is asked again when the caller calls again).
    pub fn pop_ready<S>(
        &mut self,
        now: Instant,
        mut admit: impl FnMut(&str, &T) -> Take<S>,
    ) -> Result<(T, S), Option<Instant>> {
        // Hosts whose wait is over are asked again.
        while let Some(first) = self.later.first() {
            if first.0 > now {
                break;
            }
            if let Some((_, seq, host)) = self.later.pop_first() {
                self.heads.insert((seq, host));
            }
        }
        let mut wait: Vec<(Instant, u64, Arc<str>)> = Vec::new();
        let mut found: Option<(u64, Arc<str>, S)> = None;
        for (seq, host) in &self.heads {
            let Some((_, item)) = self.hosts.get(host).and_then(VecDeque::front) else {
                continue;
            };
            match admit(host, item) {
                Take::Now(s) => {
                    found = Some((*seq, host.clone(), s));
                    break;
                }
                Take::At(t) => wait.push((t, *seq, host.clone())),
                Take::Busy => {}
            }
        }
        for (t, seq, host) in wait {
            self.heads.remove(&(seq, host.clone()));
            self.later.insert((t, seq, host));
        }
        let Some((seq, host, s)) = found else {
            return Err(self.later.first().map(|l| l.0));
        };
        self.heads.remove(&(seq, host.clone()));
        let Some(q) = self.hosts.get_mut(&host) else {
            return Err(self.later.first().map(|l| l.0));
        };
        let Some((_, item)) = q.pop_front() else {
            return Err(self.later.first().map(|l| l.0));
        };
        match q.front() {
            Some((next, _)) => {
                self.heads.insert((*next, host));
            }
            None => {
                self.hosts.remove(&host);
            }
        }
        self.len -= 1;
        Ok((item, s))
    }

    /// Jobs queued.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no job is queued.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_host_that_cannot_take_a_job_holds_back_only_its_own() {
        let mut q: HostQueues<&str> = HostQueues::default();
        for (h, j) in [
            ("a", "a1"),
            ("a", "a2"),
            ("b", "b1"),
            ("c", "c1"),
            ("b", "b2"),
        ] {
            q.push(h, j);
        }
        let now = Instant::now();
        let later = now + Duration::from_secs(5);
        // a is paused, c is busy: b's jobs come out, in order.
        let mut asked = Vec::new();
        let mut admit = |h: &str, j: &&str| {
            asked.push(j.to_string());
            match h {
                "a" => Take::At(later),
                "c" => Take::Busy,
                _ => Take::Now(()),
            }
        };
        assert_eq!(q.pop_ready(now, &mut admit).map(|p| p.0), Ok("b1"));
        assert_eq!(q.pop_ready(now, &mut admit).map(|p| p.0), Ok("b2"));
        assert_eq!(q.pop_ready(now, &mut admit).map(|p| p.0), Err(Some(later)));
        // a was asked once while paused; busy c each time.
        assert_eq!(asked, ["a1", "b1", "c1", "b2", "c1"]);
        assert_eq!(q.len(), 3);
        // Once the pause is over, a's jobs come out oldest first.
        let all = |_: &str, _: &&str| Take::Now(());
        assert_eq!(q.pop_ready(later, all).map(|p| p.0), Ok("a1"));
        assert_eq!(q.pop_ready(later, all).map(|p| p.0), Ok("a2"));
        assert_eq!(q.pop_ready(later, all).map(|p| p.0), Ok("c1"));
        assert_eq!(q.pop_ready(later, all).map(|p| p.0), Err(None));
        assert!(q.is_empty() && q.hosts.is_empty() && q.heads.is_empty());
    }
}
