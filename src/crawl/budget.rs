//! The memory budget of page bodies: the bytes of bodies held and being
//! parsed, over all tasks, stay under `crawl.body_budget_bytes`.
//!
//! A fetch reserves its body's bytes before reading them and keeps the
//! reservation until the body has been parsed and dropped. It first waits
//! for at most [`SMALL`] bytes (the body's `Content-Length`, if smaller);
//! as the body grows, the reservation grows with the buffer that holds it
//! (doubling, up to the page cap), and when the body is complete it shrinks
//! to the bytes held. So many bodies of a few hundred KiB, chunked or not,
//! are read at once; none reserves the whole page cap up front.
//!
//! The budget is two pools. The *shared* pool (the budget less one page
//! cap) serves every first reservation and every growth that finds room at
//! once (growth never waits there). The *reserve* pool (one page cap) serves
//! the one body that holds the *big-body ticket*: a body that cannot grow
//! from the shared pool waits for the ticket, then takes what it lacks from
//! the reserve, which is always free for the ticket holder. The ticket is
//! given back when that body is dropped, or as soon as its body is complete
//! and the shared pool can take over its reserve bytes.
//!
//! Hence no deadlock: waiting for the first reservation holds nothing;
//! waiting for the ticket holds only shared bytes, which the ticket holder
//! never needs; the ticket holder never waits for bytes. And the bytes held
//! never exceed the budget (both pools are semaphores; a body's buffer never
//! outgrows its reservation). The budget is raised to one page cap plus
//! [`SMALL`] per request in flight, so every first reservation is served
//! once the bodies being parsed are done. Under pressure big bodies queue
//! for the ticket one at a time, as before; without pressure they do not.
//! Waiting is first come, first served. Time spent waiting for the budget
//! is counted neither in a request's timeout nor in its elapsed time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bytes a body reserves at most before it is read.
pub const SMALL: usize = 256 * 1024;
/// The budget counts KiB (a semaphore permit is one KiB).
const UNIT: usize = 1024;

fn units(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(UNIT)).unwrap_or(u32::MAX)
}

/// The budget shared by every fetch of a run.
#[derive(Debug, Clone)]
pub struct BodyBudget {
    /// The shared pool: the budget less one page cap.
    shared: Arc<Semaphore>,
    /// The reserve pool (one page cap), for the ticket holder only.
    reserve: Arc<Semaphore>,
    /// The big-body ticket (one permit).
    ticket: Arc<Semaphore>,
    /// Units of the whole budget.
    total: u32,
    /// Units of one page cap (the reserve pool; the most one body holds).
    page: u32,
    /// The most units seen reserved at once (after each reservation).
    peak: Arc<AtomicUsize>,
}

impl BodyBudget {
    /// A budget of `bytes`, raised when needed to one body of `max_body`
    /// bytes plus [`SMALL`] for each of `concurrency` requests (below that,
    /// a first reservation could wait for ever).
    pub fn new(bytes: usize, max_body: usize, concurrency: usize) -> BodyBudget {
        let least = max_body.saturating_add(SMALL.saturating_mul(concurrency.max(1)));
        if bytes < least {
            tracing::debug!(
                bytes,
                least,
                "crawl.body_budget_bytes raised to one page plus 256 KiB per request in flight"
            );
        }
        let max = u32::try_from(Semaphore::MAX_PERMITS).unwrap_or(u32::MAX);
        let total = units(bytes.max(least)).min(max);
        // (`total` is at least one page cap plus SMALL; `min` only matters
        // when both were clamped to the semaphore's maximum.)
        let page = units(max_body.max(1)).min(total.saturating_sub(units(SMALL)));
        BodyBudget {
            shared: Arc::new(Semaphore::new((total - page) as usize)),
            reserve: Arc::new(Semaphore::new(page as usize)),
            ticket: Arc::new(Semaphore::new(1)),
            total,
            page,
            peak: Arc::default(),
        }
    }

    /// The most bytes seen reserved at once so far (read after each
    /// reservation; for logs and tests).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed) * UNIT
    }

    fn note_peak(&self) {
        let free = self.shared.available_permits() + self.reserve.available_permits();
        let used = (self.total as usize).saturating_sub(free);
        self.peak.fetch_max(used, Ordering::Relaxed);
    }

    /// The budget in bytes (after raising).
    pub fn bytes(&self) -> usize {
        self.total as usize * UNIT
    }

    /// Bytes not reserved now.
    pub fn available(&self) -> usize {
        (self.shared.available_permits() + self.reserve.available_permits()) * UNIT
    }

    /// Reserves `bytes`, at most one page cap: waits for the first
    /// [`SMALL`] of them, then grows as [`BodyPermit::grow_to`] does.
    pub async fn reserve(&self, bytes: usize) -> BodyPermit {
        let first = units(bytes.min(SMALL)).min(self.total - self.page);
        let shared = self.shared.clone().acquire_many_owned(first).await.ok();
        let mut permit = BodyPermit {
            shared,
            budget: Some(self.clone()),
            ..BodyPermit::default()
        };
        self.note_peak();
        permit.grow_to(bytes).await;
        permit
    }
}

/// Bytes reserved by one body; given back when dropped.
#[derive(Debug, Default)]
pub struct BodyPermit {
    shared: Option<OwnedSemaphorePermit>,
    reserve: Option<OwnedSemaphorePermit>,
    ticket: Option<OwnedSemaphorePermit>,
    budget: Option<BodyBudget>,
}

fn count(p: &Option<OwnedSemaphorePermit>) -> usize {
    p.as_ref().map_or(0, |p| p.num_permits())
}

fn add(mine: &mut Option<OwnedSemaphorePermit>, more: OwnedSemaphorePermit) {
    match mine {
        Some(m) => m.merge(more),
        None => *mine = Some(more),
    }
}

/// Gives back up to `n` permits of `p`; how many it gave back.
fn give_back(p: &mut Option<OwnedSemaphorePermit>, n: usize) -> usize {
    let have = count(p);
    if n >= have {
        *p = None;
        return have;
    }
    if let Some(p) = p {
        drop(p.split(n));
    }
    n
}

impl BodyPermit {
    /// Bytes reserved.
    pub fn bytes(&self) -> usize {
        (count(&self.shared) + count(&self.reserve)) * UNIT
    }

    /// Whether this body holds the big-body ticket (see the module doc).
    pub fn holds_ticket(&self) -> bool {
        self.ticket.is_some()
    }

    /// Grows the reservation to `bytes` (at most one page cap): from the
    /// shared pool if it has room now, else by waiting for the big-body
    /// ticket and taking the rest from the reserve pool.
    pub async fn grow_to(&mut self, bytes: usize) {
        let Some(budget) = self.budget.clone() else {
            return;
        };
        let want = units(bytes).min(budget.page) as usize;
        let have = count(&self.shared) + count(&self.reserve);
        if want <= have {
            return;
        }
        let more = u32::try_from(want - have).unwrap_or(u32::MAX);
        if self.ticket.is_none() {
            if let Ok(p) = budget.shared.clone().try_acquire_many_owned(more) {
                add(&mut self.shared, p);
                budget.note_peak();
                return;
            }
            match budget.ticket.clone().acquire_owned().await {
                Ok(t) => self.ticket = Some(t),
                Err(_) => return,
            }
        }
        // The ticket holder holds at most one page cap in all, so the
        // reserve (one page cap, only ever taken by the holder) has room.
        let room = (budget.page as usize).saturating_sub(count(&self.reserve));
        let more = more.min(u32::try_from(room).unwrap_or(u32::MAX));
        if let Ok(p) = budget.reserve.clone().acquire_many_owned(more).await {
            add(&mut self.reserve, p);
            budget.note_peak();
        }
    }

    /// Gives back what is reserved beyond `bytes`; then hands the ticket
    /// on if the shared pool can take over the reserve bytes kept.
    pub fn shrink_to(&mut self, bytes: usize) {
        let keep = units(bytes) as usize;
        let have = count(&self.shared) + count(&self.reserve);
        if have > keep {
            let extra = have - keep;
            let gone = give_back(&mut self.reserve, extra);
            give_back(&mut self.shared, extra - gone);
        }
        if self.ticket.is_none() {
            return;
        }
        let held = count(&self.reserve);
        if held > 0 {
            let Some(budget) = &self.budget else { return };
            let Ok(p) = budget
                .shared
                .clone()
                .try_acquire_many_owned(u32::try_from(held).unwrap_or(u32::MAX))
            else {
                return;
            };
            add(&mut self.shared, p);
            self.reserve = None;
        }
        self.ticket = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt as _;

    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;

    #[tokio::test]
    async fn the_budget_is_raised_to_one_page_plus_small_per_request() {
        let b = BodyBudget::new(MIB, 2 * MIB, 2);
        assert_eq!(b.bytes(), 2 * MIB + 2 * SMALL);
        let b = BodyBudget::new(4 * MIB, 2 * MIB, 2);
        assert_eq!((b.bytes(), b.available()), (4 * MIB, 4 * MIB));
    }

    #[tokio::test]
    async fn bodies_grow_from_the_shared_pool_without_waiting_while_it_has_room() {
        // 5 MiB, page cap 2 MiB: 3 MiB shared. Six bodies of 512 KiB fit
        // (the old scheme took the whole 2 MiB cap for each past 256 KiB).
        let b = BodyBudget::new(5 * MIB, 2 * MIB, 6);
        let mut held = Vec::new();
        for _ in 0..6 {
            let mut p = b.reserve(SMALL).await;
            p.grow_to(512 * KIB)
                .now_or_never()
                .expect("room in the shared pool: no wait");
            assert_eq!(p.bytes(), 512 * KIB);
            assert!(!p.holds_ticket());
            held.push(p);
        }
        assert_eq!(b.available(), 2 * MIB, "the reserve pool is untouched");
        // A known length reserves its bytes at once, at most one page cap:
        // its first SMALL from the shared pool, the rest from the reserve.
        held.pop();
        let big = b
            .reserve(10 * MIB)
            .now_or_never()
            .expect("room for SMALL, the reserve is free");
        assert_eq!(big.bytes(), 2 * MIB);
        assert!(big.holds_ticket());
        drop((held, big));
        assert_eq!(b.available(), 5 * MIB);
    }

    #[tokio::test]
    async fn without_room_one_body_at_a_time_grows_from_the_reserve() {
        let b = BodyBudget::new(3 * MIB, 2 * MIB, 4);
        // Shared: 1 MiB, all taken by four first reservations.
        let mut first = b.reserve(SMALL).await;
        let mut others = vec![
            b.reserve(SMALL).await,
            b.reserve(SMALL).await,
            b.reserve(SMALL).await,
        ];
        assert_eq!(b.available(), 2 * MIB);
        // The first to lack room takes the ticket and grows to the page cap.
        first
            .grow_to(2 * MIB)
            .now_or_never()
            .expect("the ticket and the reserve are free");
        assert_eq!(first.bytes(), 2 * MIB);
        assert!(first.holds_ticket());
        // A second waits for the ticket, holding only its shared bytes …
        let mut second = others.remove(0);
        let waiting = tokio::spawn(async move {
            second.grow_to(MIB).await;
            second
        });
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
        assert!(!waiting.is_finished());
        // … until the first is complete at 600 KiB: the shared pool cannot
        // take over its reserve bytes yet (others hold it), so the ticket
        // stays with it until it is dropped.
        first.shrink_to(600 * KIB);
        assert_eq!(first.bytes(), 600 * KIB);
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
        assert!(!waiting.is_finished());
        drop(others);
        // Room now: a complete body hands the ticket on at its next shrink.
        first.shrink_to(600 * KIB);
        assert!(!first.holds_ticket());
        let second = waiting.await.unwrap();
        assert_eq!(second.bytes(), MIB);
        assert!(second.holds_ticket());
        drop((first, second));
        assert_eq!(b.available(), 3 * MIB);
    }
}
