//! Link occurrences waiting for their target's check, kept on disk.
//!
//! A link's row in links.csv needs its target's status, so an occurrence waits
//! until the target is checked. Breadth-first, that is most of the next level
//! of the site at once: on a 100,000-page site, hundreds of thousands of
//! occurrences (page, target, text) — tens of megabytes that are written once
//! and read once. They go to a [`Spool`] (an unlinked temporary file) instead,
//! each target keeping only the handle of its newest occurrence: a chain of
//! records, newest first.
//!
//! A record's payload is `[prev: u64][element: u8][derived: u8][page][target]
//! [text][fragment?]`; `prev` is the handle of the target's previous record
//! (0: none).

// Site-controlled data passes through here: no panicking shortcuts (issue 8).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::link::{Element, Origin};
use crate::spool::{Reader, Spool, put_str};
use std::path::Path;
use std::sync::Arc;

/// One occurrence of a link, kept until its target is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occ {
    /// The page the link is on.
    pub page: Arc<str>,
    /// The link's target as reported.
    pub target: Arc<str>,
    /// Link text.
    pub text: Box<str>,
    /// Element.
    pub element: Element,
    /// Markup or derived.
    pub origin: Origin,
    /// A fragment to look for on the target page.
    pub fragment: Option<Box<str>>,
}

/// The handle of a target's newest waiting occurrence (0: none).
pub type Head = crate::spool::Handle;

/// The store of waiting occurrences.
pub struct Spill {
    spool: Spool,
}

impl Spill {
    /// A store backed by an unlinked temporary file in `dir` (see [`Spool::new`]).
    pub fn new(dir: Option<&Path>) -> Spill {
        Spill {
            spool: Spool::new(dir),
        }
    }

    /// A store that never touches the disk.
    pub fn in_memory() -> Spill {
        Spill {
            spool: Spool::in_memory(),
        }
    }

    /// Appends `occ` after the chain `prev`; returns the new head.
    pub fn push(&mut self, prev: Head, occ: &Occ) -> Head {
        self.spool.append(|buf| {
            buf.extend_from_slice(&prev.to_le_bytes());
            buf.push(element_code(occ.element));
            buf.push(u8::from(occ.origin == Origin::Derived));
            for s in [&*occ.page, &*occ.target, &*occ.text] {
                put_str(buf, s);
            }
            match &occ.fragment {
                Some(f) => {
                    buf.push(1);
                    put_str(buf, f);
                }
                None => buf.push(0),
            }
        })
    }

    /// The occurrences of the chain `head`, oldest first. A record that
    /// cannot be read back is left out (and logged).
    pub fn take(&mut self, mut head: Head) -> Vec<Occ> {
        let mut out = Vec::new();
        while head != 0 {
            match self.spool.read(head).as_deref().and_then(decode) {
                Some((prev, occ)) => {
                    out.push(occ);
                    head = prev;
                }
                None => {
                    tracing::error!(handle = head, "a waiting link could not be read back");
                    break;
                }
            }
        }
        out.reverse();
        out
    }
}

/// Reads one record's payload.
fn decode(b: &[u8]) -> Option<(Head, Occ)> {
    let mut r = Reader(b);
    let prev = r.u64()?;
    let element = element_of(r.u8()?)?;
    let origin = if r.u8()? == 1 {
        Origin::Derived
    } else {
        Origin::Markup
    };
    let page: Arc<str> = r.str()?.into();
    let target: Arc<str> = r.str()?.into();
    let text: Box<str> = r.str()?.into();
    let fragment = match r.u8()? {
        1 => Some(r.str()?.into()),
        _ => None,
    };
    Some((
        prev,
        Occ {
            page,
            target,
            text,
            element,
            origin,
            fragment,
        },
    ))
}

fn element_code(e: Element) -> u8 {
    e as u8
}

fn element_of(code: u8) -> Option<Element> {
    Element::ALL.get(usize::from(code)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(i: usize, e: Element) -> Occ {
        Occ {
            page: format!("http://a.gov.cn/zwgk/index_{i}.html").into(),
            target: format!("http://a.gov.cn/zwgk/t2026_{}.html#p{i}", i % 7).into(),
            text: format!("关于第{i}号通知").into(),
            element: e,
            origin: if i.is_multiple_of(3) {
                Origin::Derived
            } else {
                Origin::Markup
            },
            fragment: i.is_multiple_of(2).then(|| format!("p{i}").into()),
        }
    }

    fn round_trip(mut s: Spill) {
        // 7 targets, occurrences interleaved, enough to flush several times.
        let mut heads = [0u64; 7];
        let mut want: Vec<Vec<Occ>> = vec![Vec::new(); 7];
        for i in 0..40_000 {
            let e = Element::ALL[i % Element::ALL.len()];
            let o = occ(i, e);
            let t = i % 7;
            heads[t] = s.push(heads[t], &o);
            want[t].push(o);
            if i == 20_000 {
                // A target checked mid-way; later occurrences start a new chain.
                assert_eq!(s.take(heads[3]), want[3]);
                heads[3] = 0;
                want[3].clear();
            }
        }
        for t in 0..7 {
            assert_eq!(s.take(heads[t]), want[t], "target {t}");
        }
        assert!(s.take(0).is_empty());
    }

    #[test]
    fn element_codes_round_trip() {
        for (i, e) in Element::ALL.into_iter().enumerate() {
            assert_eq!(e as usize, i, "{e:?}");
            assert_eq!(element_of(element_code(e)), Some(e));
        }
        assert_eq!(element_of(200), None);
    }

    #[test]
    fn occurrences_come_back_whole_in_order_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spill::new(Some(dir.path()));
        assert!(s.spool.on_disk());
        round_trip(s);
        // The file is unlinked: nothing is left in the run folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn occurrences_come_back_whole_in_order_from_memory() {
        round_trip(Spill::in_memory());
    }
}
