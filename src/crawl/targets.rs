//! Every URL of a run, by fingerprint: whether it is being checked (and
//! where its waiting link occurrences are), or its outcome.
//!
//! A 100,000-page site has a quarter of a million URLs, so one entry is 16
//! bytes: an 8-byte fingerprint and an 8-byte [`Target`]. Most outcomes are a
//! status and a time and fit in the target itself; the rest (redirects,
//! errors, evidence) live in a side table the target indexes.
//! The depth and mode of a URL travel with its job; a target keeps one bit of
//! the mode, whether the URL is crawled as a page (for redirects that land on
//! it).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::job::Outcome;
use super::spill::Head;
use crate::fingerprint::{Fingerprint, FingerprintMap};
use std::borrow::Cow;
use std::sync::Arc;

/// A checked target's outcome, as kept for every later link to it (a
/// page's anchors are kept apart, in [`super::anchors::AnchorStore`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    /// A status and a time, nothing else.
    Plain {
        /// HTTP status.
        status: Option<u16>,
        /// Time taken.
        elapsed_ms: u32,
    },
    /// Anything else (errors, redirects, evidence, skips).
    Full(Arc<Outcome>),
}

impl Done {
    /// The compact form of `o` (its content type and anchors are dropped:
    /// only the page's own row and the anchor store need them).
    pub fn new(o: Outcome) -> Done {
        let plain = o.final_url.is_none()
            && o.redirects == 0
            && o.error.is_none()
            && o.soft404.is_none()
            && o.risky.is_none()
            && o.skipped.is_none();
        match (plain, u32::try_from(o.elapsed_ms)) {
            (true, Ok(elapsed_ms)) => Done::Plain {
                status: o.status,
                elapsed_ms,
            },
            _ => Done::Full(Arc::new(Outcome {
                anchors: None,
                content_type: None,
                ..o
            })),
        }
    }

    /// The outcome.
    pub fn outcome(&self) -> Cow<'_, Outcome> {
        match self {
            Done::Plain { status, elapsed_ms } => Cow::Owned(Outcome {
                status: *status,
                elapsed_ms: u64::from(*elapsed_ms),
                ..Default::default()
            }),
            Done::Full(o) => Cow::Borrowed(o),
        }
    }
}

/// What is known of a URL.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Being checked: the newest of the occurrences waiting for it (see [`super::spill`]).
    Waiting(Head),
    /// Checked.
    Done(Done),
}

/// One URL's entry, packed in 8 bytes:
///
/// | bits | Waiting | Plain | Rich |
/// | --- | --- | --- | --- |
/// | 63–62 | 0 | 1 | 2 |
/// | 61 | page | page | page |
/// | 0–60 | spill head | 48: has status, 47–32: status, 31–0: ms | 31–0: index |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Target(u64);

const TAG_SHIFT: u32 = 62;
const WAITING: u64 = 0;
const PLAIN: u64 = 1;
const RICH: u64 = 2;
const PAGE: u64 = 1 << 61;
const PAYLOAD: u64 = PAGE - 1;
const HAS_STATUS: u64 = 1 << 48;

impl Target {
    fn new(tag: u64, page: bool, payload: u64) -> Target {
        Target(tag << TAG_SHIFT | if page { PAGE } else { 0 } | (payload & PAYLOAD))
    }

    fn is_page(self) -> bool {
        self.0 & PAGE != 0
    }
}

/// Every URL of a run: the seen-set and the outcomes later links reuse.
#[derive(Debug, Default)]
pub struct Targets {
    map: FingerprintMap<Target>,
    /// Outcomes that do not fit in a [`Target`].
    rich: Vec<Done>,
}

impl Targets {
    /// Records `fp` as being checked (`page`: crawled as a page), with the
    /// waiting occurrences at `head`.
    pub fn insert_waiting(&mut self, fp: Fingerprint, page: bool, head: Head) {
        // Heads are offsets into a file; 2⁶¹ bytes is out of reach.
        debug_assert!(head <= PAYLOAD);
        self.map.insert(fp, Target::new(WAITING, page, head));
    }

    /// Records `fp` as checked with `done`.
    pub fn insert_done(&mut self, fp: Fingerprint, page: bool, done: Done) {
        let t = pack(&mut self.rich, page, done);
        self.map.insert(fp, t);
    }

    /// Marks `fp` checked with `done`; returns the head of the occurrences
    /// that were waiting for it (0: none).
    pub fn finish(&mut self, fp: Fingerprint, done: Done) -> Head {
        let Some(t) = self.map.get_mut(&fp) else {
            return 0;
        };
        let old = *t;
        let head = match old.0 >> TAG_SHIFT {
            WAITING => old.0 & PAYLOAD,
            _ => 0,
        };
        // Finished twice (not in a crawl, where a key is queued once): reuse the slot.
        if old.0 >> TAG_SHIFT == RICH
            && !matches!(done, Done::Plain { .. })
            && let Some(slot) = usize::try_from(old.0 & PAYLOAD)
                .ok()
                .and_then(|i| self.rich.get_mut(i))
        {
            *slot = done;
            return head;
        }
        *t = pack(&mut self.rich, old.is_page(), done);
        head
    }

    /// Takes in one more link occurrence of `fp`: when the target is being
    /// checked, `push` stores the occurrence after the chain `head` and
    /// returns the new head; when it was checked, its outcome is handed back.
    /// One lookup either way (this runs for every link of every page).
    pub fn add_occurrence(&mut self, fp: Fingerprint, push: impl FnOnce(Head) -> Head) -> Met {
        let Some(t) = self.map.get_mut(&fp) else {
            return Met::Unseen;
        };
        if t.0 >> TAG_SHIFT != WAITING {
            return unpack_done(&self.rich, *t).map_or(Met::Unseen, Met::Checked);
        }
        let head = push(t.0 & PAYLOAD);
        debug_assert!(head <= PAYLOAD);
        *t = Target::new(WAITING, t.is_page(), head);
        Met::Waiting
    }

    /// What is known of `fp`, if it was seen.
    pub fn get(&self, fp: &Fingerprint) -> Option<State> {
        let t = *self.map.get(fp)?;
        match t.0 >> TAG_SHIFT {
            WAITING => Some(State::Waiting(t.0 & PAYLOAD)),
            _ => unpack_done(&self.rich, t).map(State::Done),
        }
    }

    /// Whether `fp` was seen and is crawled as a page.
    pub fn is_page(&self, fp: &Fingerprint) -> Option<bool> {
        self.map.get(fp).map(|t| t.is_page())
    }

    /// URLs seen.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no URL was seen.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// What a new link occurrence meets (see [`Targets::add_occurrence`]).
#[derive(Debug, PartialEq)]
pub enum Met {
    /// A URL not seen before.
    Unseen,
    /// A target being checked: the occurrence was stored.
    Waiting,
    /// A checked target, with its outcome.
    Checked(Done),
}

/// The packed form of `done`, its rich part stored in `rich`.
fn pack(rich: &mut Vec<Done>, page: bool, done: Done) -> Target {
    if let Done::Plain { status, elapsed_ms } = done {
        let mut p = u64::from(elapsed_ms);
        if let Some(s) = status {
            p |= u64::from(s) << 32 | HAS_STATUS;
        }
        return Target::new(PLAIN, page, p);
    }
    match u32::try_from(rich.len()) {
        Ok(i) => {
            rich.push(done);
            Target::new(RICH, page, u64::from(i))
        }
        // Four billion rich outcomes in one run: keep the status and time.
        Err(_) => {
            let o = done.outcome();
            let plain = Done::Plain {
                status: o.status,
                elapsed_ms: u32::try_from(o.elapsed_ms).unwrap_or(u32::MAX),
            };
            pack(rich, page, plain)
        }
    }
}

/// The outcome a checked target holds (None for a waiting one).
fn unpack_done(rich: &[Done], t: Target) -> Option<Done> {
    let p = t.0 & PAYLOAD;
    match t.0 >> TAG_SHIFT {
        WAITING => None,
        PLAIN => Some(Done::Plain {
            status: (p & HAS_STATUS != 0).then_some((p >> 32) as u16),
            elapsed_ms: p as u32,
        }),
        _ => rich.get(usize::try_from(p as u32).ok()?).cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::fetch::FetchError;
    use crate::fingerprint::Fingerprinter;
    use proptest::prelude::*;

    #[test]
    fn an_entry_is_sixteen_bytes() {
        // A quarter of a million of these on a 100,000-page site (issue 7).
        assert_eq!(std::mem::size_of::<Target>(), 8);
        assert_eq!(std::mem::size_of::<(Fingerprint, Target)>(), 16);
    }

    #[test]
    fn waiting_then_done_hands_back_the_head_once() {
        let f = Fingerprinter::new();
        let mut t = Targets::default();
        let (a, b) = (
            f.of("http://x.gov.cn/a.html"),
            f.of("http://x.gov.cn/b.pdf"),
        );
        t.insert_waiting(a, true, 17);
        t.insert_waiting(b, false, 0);
        assert_eq!(
            t.add_occurrence(a, |head| {
                assert_eq!(head, 17);
                4242
            }),
            Met::Waiting
        );
        assert_eq!(t.get(&a), Some(State::Waiting(4242)));
        assert_eq!(t.is_page(&a), Some(true));
        assert_eq!(t.is_page(&b), Some(false));
        let done = Done::Plain {
            status: Some(200),
            elapsed_ms: 12,
        };
        assert_eq!(t.finish(a, done.clone()), 4242);
        assert_eq!(t.get(&a), Some(State::Done(done.clone())));
        // A later occurrence meets the outcome (nothing is stored); finishing
        // again (a replayed result) hands back nothing.
        let stored = |_| -> Head { panic!("stored an occurrence of a checked target") };
        assert_eq!(t.add_occurrence(a, stored), Met::Checked(done.clone()));
        assert_eq!(t.finish(a, done.clone()), 0);
        assert_eq!(t.get(&a), Some(State::Done(done)));
        assert_eq!(t.is_page(&a), Some(true));
        let c = f.of("http://x.gov.cn/c.html");
        assert_eq!(t.get(&c), None);
        assert_eq!(t.add_occurrence(c, stored), Met::Unseen);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn rich_outcomes_keep_their_evidence() {
        let f = Fingerprinter::new();
        let mut t = Targets::default();
        let outcomes = [
            Outcome {
                status: Some(200),
                final_url: Some("http://x.gov.cn/".into()),
                redirects: 1,
                soft404: Some("redirected to the homepage http://x.gov.cn/".into()),
                content_type: Some("text/html".into()),
                ..Default::default()
            },
            Outcome {
                error: Some(FetchError::Timeout(20)),
                elapsed_ms: 20_000,
                ..Default::default()
            },
            Outcome {
                status: Some(200),
                final_url: Some("http://bet.example.com/".into()),
                redirects: 2,
                risky: Some(("「博彩」 on the page".into(), true)),
                ..Default::default()
            },
            Outcome {
                skipped: Some("disallowed by robots.txt".into()),
                ..Default::default()
            },
            Outcome {
                status: Some(200),
                elapsed_ms: u64::from(u32::MAX) + 1,
                ..Default::default()
            },
            Outcome {
                status: Some(200),
                final_url: Some("http://x.gov.cn/5/".into()),
                redirects: 1,
                anchors: Some(vec![1, 5, 9]),
                ..Default::default()
            },
        ];
        for (i, o) in outcomes.into_iter().enumerate() {
            let fp = f.of(&format!("http://x.gov.cn/{i}"));
            t.insert_done(fp, i == 5, Done::new(o.clone()));
            let Some(State::Done(back)) = t.get(&fp) else {
                panic!("not done: {i}");
            };
            // Everything but the content type (only the page's own row needs
            // it) and the anchors (kept in the anchor store).
            let want = Outcome {
                content_type: None,
                anchors: None,
                ..o
            };
            assert_eq!(back.outcome().into_owned(), want, "{i}");
            assert_eq!(t.is_page(&fp), Some(i == 5));
        }
    }

    #[test]
    fn finishing_twice_reuses_the_side_table_slot() {
        let f = Fingerprinter::new();
        let mut t = Targets::default();
        let fp = f.of("http://x.gov.cn/a.html");
        t.insert_waiting(fp, true, 3);
        let failed = |s| {
            Done::new(Outcome {
                error: Some(FetchError::Timeout(s)),
                ..Default::default()
            })
        };
        assert_eq!(t.finish(fp, failed(10)), 3);
        assert_eq!(t.finish(fp, failed(20)), 0);
        assert_eq!(t.rich.len(), 1);
        assert_eq!(t.get(&fp), Some(State::Done(failed(20))));
    }

    proptest! {
        #[test]
        fn plain_outcomes_round_trip(
            status in proptest::option::of(any::<u16>()),
            elapsed_ms in any::<u32>(),
            page in any::<bool>(),
            head in 0u64..(1 << 61),
        ) {
            let f = Fingerprinter::new();
            let fp = f.of("http://x.gov.cn/");
            let mut t = Targets::default();
            t.insert_waiting(fp, page, head);
            prop_assert_eq!(t.get(&fp), Some(State::Waiting(head)));
            let done = Done::Plain { status, elapsed_ms };
            prop_assert_eq!(t.finish(fp, done.clone()), head);
            prop_assert_eq!(t.get(&fp), Some(State::Done(done)));
            prop_assert_eq!(t.is_page(&fp), Some(page));
        }
    }
}
