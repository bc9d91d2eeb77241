//! The memory budget of page bodies: the bytes of bodies held and being
//! parsed, over all tasks, stay under `crawl.body_budget_bytes`.
//!
//! A fetch reserves its body's bytes before reading them and keeps the
//! reservation until the body has been parsed and dropped. A body of known
//! length (`Content-Length`) reserves that many bytes (at most the page cap)
//! at once; a body of unknown length (chunked, compressed) reserves
//! [`SMALL`] and, if it grows beyond, the rest up to the page cap at once.
//! When the body is complete the reservation shrinks to the bytes held.
//!
//! No task ever waits while holding more than [`SMALL`] bytes, and the
//! budget is at least one full page plus [`SMALL`] per request in flight, so
//! a waiting task is always served once the pages being parsed are done:
//! big pages queue, nothing deadlocks. Waiting is first come, first served
//! (a small body arriving behind a waiting big one waits too). Time spent
//! waiting for the budget is counted neither in a request's timeout nor in
//! its elapsed time.

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bytes a body of unknown length reserves before it is read.
pub const SMALL: usize = 256 * 1024;
/// The budget counts KiB (a semaphore permit is one KiB).
const UNIT: usize = 1024;

fn units(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(UNIT)).unwrap_or(u32::MAX)
}

/// The budget shared by every fetch of a run.
#[derive(Debug, Clone)]
pub struct BodyBudget {
    sem: Arc<Semaphore>,
    total: u32,
}

impl BodyBudget {
    /// A budget of `bytes`, raised when needed to one body of `max_body`
    /// bytes plus [`SMALL`] for each of `concurrency` requests (below that,
    /// two big pages could each wait for the other's bytes).
    pub fn new(bytes: usize, max_body: usize, concurrency: usize) -> BodyBudget {
        let least = max_body.saturating_add(SMALL.saturating_mul(concurrency.max(1)));
        if bytes < least {
            tracing::debug!(
                bytes,
                least,
                "crawl.body_budget_bytes raised to one page plus 256 KiB per request in flight"
            );
        }
        let total =
            units(bytes.max(least)).min(u32::try_from(Semaphore::MAX_PERMITS).unwrap_or(u32::MAX));
        BodyBudget {
            sem: Arc::new(Semaphore::new(total as usize)),
            total,
        }
    }

    /// The budget in bytes (after raising).
    pub fn bytes(&self) -> usize {
        self.total as usize * UNIT
    }

    /// Bytes not reserved now.
    pub fn available(&self) -> usize {
        self.sem.available_permits() * UNIT
    }

    /// Reserves `bytes` (waits until they are free).
    pub async fn reserve(&self, bytes: usize) -> BodyPermit {
        let n = units(bytes).min(self.total);
        let permit = self.sem.clone().acquire_many_owned(n).await.ok();
        BodyPermit {
            permit,
            budget: Some(self.clone()),
        }
    }
}

/// Bytes reserved by one body; given back when dropped.
#[derive(Debug, Default)]
pub struct BodyPermit {
    permit: Option<OwnedSemaphorePermit>,
    budget: Option<BodyBudget>,
}

impl BodyPermit {
    /// Bytes reserved.
    pub fn bytes(&self) -> usize {
        self.permit.as_ref().map_or(0, |p| p.num_permits() * UNIT)
    }

    /// Grows the reservation to `bytes` (waits until they are free). Only
    /// call it holding at most [`SMALL`] bytes (see the module doc).
    pub async fn grow_to(&mut self, bytes: usize) {
        let Some(budget) = self.budget.clone() else {
            return;
        };
        let want = units(bytes).min(budget.total) as usize;
        let have = self.permit.as_ref().map_or(0, |p| p.num_permits());
        if want <= have {
            return;
        }
        let more = u32::try_from(want - have).unwrap_or(u32::MAX);
        if let Ok(p) = budget.sem.clone().acquire_many_owned(more).await {
            match &mut self.permit {
                Some(mine) => mine.merge(p),
                None => self.permit = Some(p),
            }
        }
    }

    /// Gives back what is reserved beyond `bytes`.
    pub fn shrink_to(&mut self, bytes: usize) {
        let keep = units(bytes) as usize;
        if let Some(p) = &mut self.permit {
            let have = p.num_permits();
            if have > keep {
                drop(p.split(have - keep));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_big_body_waits_until_the_bytes_held_are_given_back() {
        let mib = 1024 * 1024;
        // 1 MiB asked, raised to one 2 MiB page + 2 × 256 KiB.
        let b = BodyBudget::new(mib, 2 * mib, 2);
        assert_eq!(b.bytes(), 2 * mib + 2 * SMALL);
        let b = BodyBudget::new(4 * mib, 2 * mib, 2);
        assert_eq!(b.bytes(), 4 * mib);
        let mut first = b.reserve(SMALL).await;
        first.grow_to(3 * mib).await;
        assert_eq!(first.bytes(), 3 * mib);
        // Small bodies pass while there is room.
        let small = b.reserve(100 * 1024).await;
        assert_eq!(small.bytes(), 100 * 1024);
        drop(small);
        // A second big body waits while the first is held …
        let b2 = b.clone();
        let second = tokio::spawn(async move {
            let mut p = b2.reserve(SMALL).await;
            p.grow_to(2 * mib).await;
            p
        });
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
        assert!(!second.is_finished());
        // … until the first shrinks to what its body holds.
        first.shrink_to(mib + 1);
        assert_eq!(first.bytes(), mib + 1024);
        let second = second.await.unwrap();
        assert_eq!(second.bytes(), 2 * mib);
        drop((first, second));
        assert_eq!(b.available(), 4 * mib);
    }
}
