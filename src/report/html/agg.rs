//! What report.html shows of findings.csv and diff.csv, gathered reading
//! each file row by row (twice): a run with 100,000 findings never holds
//! them. The first pass counts (per severity, kind, group and page) and
//! ranks the groups; the second keeps the rows of the groups shown only.

use super::{MAX_DIFF_ROWS, MAX_GROUPS, MAX_PAGES_PER_GROUP, MAX_WORST_PAGES};
use super::{group_key, kind_rank, sev_rank};
use crate::fingerprint::{Fingerprint, FingerprintMap, Fingerprinter};
use crate::report::csv::{Rows, rows};
use crate::report::diff::{DiffRow, DiffStatus};
use crate::report::error::ReportError;
use crate::report::rows::{FindingRow, Row};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A page carrying a finding: page URL, link text, element.
pub(super) type Item = (String, String, String);

/// A group of findings shown: one kind and target (or page and text).
#[derive(Debug)]
pub(super) struct Shown<R> {
    /// Its first row.
    pub first: R,
    /// The highest severity of its rows.
    pub severity: String,
    /// Whether any row is confirmed.
    pub confirmed: bool,
    /// The earliest first-seen date of its rows.
    pub first_seen: String,
    /// Rows in the group.
    pub count: usize,
    /// The first [`MAX_PAGES_PER_GROUP`] pages carrying it.
    pub items: Vec<Item>,
}

/// The findings of a run, as the report shows them.
#[derive(Debug, Default)]
pub(super) struct Findings {
    /// Rows.
    pub total: usize,
    /// Rows per severity.
    pub by_severity: BTreeMap<String, usize>,
    /// Rows per kind: error, warning, info.
    pub by_kind: HashMap<String, [usize; 3]>,
    /// The groups shown, worst first (severity, then pages).
    pub groups: Vec<Shown<FindingRow>>,
    /// Groups in all.
    pub group_total: usize,
    /// The kinds of every group, in the order of the kind list.
    pub kinds: Vec<String>,
    /// The pages with most findings: URL and counts per severity.
    pub worst: Vec<(String, [usize; 3])>,
    /// Pages with findings in all.
    pub worst_total: usize,
}

/// A group while counting: its rank and where it first appeared.
struct Tally {
    seq: usize,
    sev: u8,
    count: usize,
    kind: usize,
}

/// Groups ranked, the first `max` kept: fingerprint → place shown.
fn rank(
    tallies: FingerprintMap<Tally>,
    keys: Vec<Fingerprint>,
    max: usize,
) -> (FingerprintMap<usize>, usize) {
    let total = keys.len();
    let mut order: Vec<(Fingerprint, &Tally)> = keys
        .iter()
        .filter_map(|k| tallies.get(k).map(|t| (*k, t)))
        .collect();
    order.sort_by(|a, b| {
        b.1.sev
            .cmp(&a.1.sev)
            .then(b.1.count.cmp(&a.1.count))
            .then(a.1.kind.cmp(&b.1.kind))
            .then(a.1.seq.cmp(&b.1.seq))
    });
    let mut place = FingerprintMap::default();
    for (i, (k, _)) in order.into_iter().take(max).enumerate() {
        place.insert(k, i);
    }
    (place, total)
}

fn open<R: serde::de::DeserializeOwned + Row>(path: &Path) -> Result<Rows<R>, ReportError> {
    rows(path).map_err(|e| ReportError::io(path, e))
}

fn done<R>(mut rows: Rows<R>, path: &Path) -> Result<(), ReportError> {
    match rows.broken() {
        Some(source) => Err(ReportError::Csv {
            path: path.to_path_buf(),
            source,
        }),
        None => Ok(()),
    }
}

fn sev_index(severity: &str) -> usize {
    match severity {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    }
}

/// Adds `r`'s severity, confirmation, first-seen date and page to `g`.
fn take_in(
    g: &mut Option<Shown<FindingRow>>,
    r: FindingRow,
    count: usize,
    page_item: impl FnOnce(&FindingRow) -> Item,
) {
    let g = g.get_or_insert_with(|| Shown {
        severity: r.severity.clone(),
        confirmed: false,
        first_seen: r.first_seen.clone(),
        count,
        items: Vec::new(),
        first: r.clone(),
    });
    if sev_rank(&r.severity) > sev_rank(&g.severity) {
        g.severity = r.severity.clone();
    }
    g.confirmed |= r.certainty == "confirmed";
    if !r.first_seen.is_empty() && (g.first_seen.is_empty() || r.first_seen < g.first_seen) {
        g.first_seen = r.first_seen.clone();
    }
    if g.items.len() < MAX_PAGES_PER_GROUP {
        g.items.push(page_item(&r));
    }
}

/// Reads findings.csv at `path` (see the module doc).
pub(super) fn findings(path: &Path) -> Result<Findings, ReportError> {
    let fp = Fingerprinter::new();
    let group_fp = |r: &FindingRow| {
        let (a, b, c) = group_key(&r.kind, &r.page_url, &r.target_url, &r.link_text);
        fp.of(&format!("{a}\t{b}\t{c}"))
    };
    let mut out = Findings::default();
    let mut tallies: FingerprintMap<Tally> = FingerprintMap::default();
    let mut keys: Vec<Fingerprint> = Vec::new();
    let mut pages: HashMap<String, [usize; 3]> = HashMap::new();
    let mut kinds: Vec<String> = Vec::new();
    let mut it = open::<FindingRow>(path)?;
    for r in it.by_ref() {
        out.total += 1;
        *out.by_severity.entry(r.severity.clone()).or_insert(0) += 1;
        let si = sev_index(&r.severity);
        if let Some(c) = out
            .by_kind
            .entry(r.kind.clone())
            .or_insert([0; 3])
            .get_mut(si)
        {
            *c += 1;
        }
        if let Some(c) = pages
            .entry(r.page_url.clone())
            .or_insert([0; 3])
            .get_mut(si)
        {
            *c += 1;
        }
        let k = group_fp(&r);
        match tallies.get_mut(&k) {
            Some(t) => {
                t.count += 1;
                t.sev = t.sev.max(sev_rank(&r.severity));
            }
            None => {
                tallies.insert(
                    k,
                    Tally {
                        seq: keys.len(),
                        sev: sev_rank(&r.severity),
                        count: 1,
                        kind: kind_rank(&r.kind),
                    },
                );
                keys.push(k);
                if !kinds.contains(&r.kind) {
                    kinds.push(r.kind.clone());
                }
            }
        }
    }
    done(it, path)?;
    kinds.sort_by_key(|k| kind_rank(k));
    out.kinds = kinds;
    let counts: FingerprintMap<usize> = {
        let mut m = FingerprintMap::default();
        for k in &keys {
            if let Some(t) = tallies.get(k) {
                m.insert(*k, t.count);
            }
        }
        m
    };
    let (place, total) = rank(tallies, keys, MAX_GROUPS);
    out.group_total = total;
    let mut worst: Vec<(String, [usize; 3])> = pages.into_iter().collect();
    out.worst_total = worst.len();
    worst.sort_by(|a, b| {
        b.1[0]
            .cmp(&a.1[0])
            .then(b.1.iter().sum::<usize>().cmp(&a.1.iter().sum::<usize>()))
            .then(a.0.cmp(&b.0))
    });
    worst.truncate(MAX_WORST_PAGES);
    out.worst = worst;
    // Second pass: the rows of the groups shown.
    let mut shown: Vec<Option<Shown<FindingRow>>> = (0..place.len()).map(|_| None).collect();
    for r in open::<FindingRow>(path)? {
        let k = group_fp(&r);
        let Some(slot) = place.get(&k).and_then(|&i| shown.get_mut(i)) else {
            continue;
        };
        let count = counts.get(&k).copied().unwrap_or(0);
        take_in(slot, r, count, |r| {
            (r.page_url.clone(), r.link_text.clone(), r.element.clone())
        });
    }
    out.groups = shown.into_iter().flatten().collect();
    Ok(out)
}

/// The rows of diff.csv, as the report shows them.
#[derive(Debug, Default)]
pub(super) struct Diff {
    /// Rows per status.
    pub counts: HashMap<DiffStatus, usize>,
    /// New and fixed rows, grouped, worst first, per status.
    pub groups: HashMap<DiffStatus, Vec<Shown<DiffRow>>>,
    /// Groups in all, per status.
    pub group_totals: HashMap<DiffStatus, usize>,
}

/// Reads diff.csv at `path` (see the module doc).
pub(super) fn diff(path: &Path) -> Result<Diff, ReportError> {
    let fp = Fingerprinter::new();
    let group_fp = |r: &DiffRow| {
        let (a, b, c) = group_key(&r.kind, &r.page_url, &r.target_url, &r.link_text);
        fp.of(&format!("{}\t{a}\t{b}\t{c}", r.status.code()))
    };
    let grouped = [DiffStatus::New, DiffStatus::Fixed];
    let mut out = Diff::default();
    let mut tallies: FingerprintMap<Tally> = FingerprintMap::default();
    let mut keys: HashMap<DiffStatus, Vec<Fingerprint>> = HashMap::new();
    let mut it = open::<DiffRow>(path)?;
    for r in it.by_ref() {
        *out.counts.entry(r.status).or_insert(0) += 1;
        if !grouped.contains(&r.status) {
            continue;
        }
        let k = group_fp(&r);
        match tallies.get_mut(&k) {
            // A group keeps the severity of its first row.
            Some(t) => t.count += 1,
            None => {
                let list = keys.entry(r.status).or_default();
                tallies.insert(
                    k,
                    Tally {
                        seq: list.len(),
                        sev: sev_rank(&r.severity),
                        count: 1,
                        kind: 0,
                    },
                );
                list.push(k);
            }
        }
    }
    done(it, path)?;
    let mut counts: FingerprintMap<usize> = FingerprintMap::default();
    let mut places: Vec<(DiffStatus, FingerprintMap<usize>)> = Vec::new();
    for st in grouped {
        let list = keys.remove(&st).unwrap_or_default();
        let mut part: FingerprintMap<Tally> = FingerprintMap::default();
        for k in &list {
            if let Some(t) = tallies.remove(k) {
                counts.insert(*k, t.count);
                part.insert(*k, t);
            }
        }
        let (place, total) = rank(part, list, MAX_DIFF_ROWS);
        out.group_totals.insert(st, total);
        places.push((st, place));
    }
    let mut shown: HashMap<DiffStatus, Vec<Option<Shown<DiffRow>>>> = places
        .iter()
        .map(|(st, p)| (*st, (0..p.len()).map(|_| None).collect()))
        .collect();
    for r in open::<DiffRow>(path)? {
        let Some((_, place)) = places.iter().find(|(st, _)| *st == r.status) else {
            continue;
        };
        let k = group_fp(&r);
        let Some(slot) = place
            .get(&k)
            .and_then(|&i| shown.get_mut(&r.status).and_then(|v| v.get_mut(i)))
        else {
            continue;
        };
        let count = counts.get(&k).copied().unwrap_or(0);
        let g = slot.get_or_insert_with(|| Shown {
            severity: r.severity.clone(),
            confirmed: false,
            first_seen: r.first_seen.clone(),
            count,
            items: Vec::new(),
            first: r.clone(),
        });
        if g.items.len() < MAX_PAGES_PER_GROUP {
            g.items
                .push((r.page_url.clone(), r.link_text.clone(), String::new()));
        }
    }
    out.groups = shown
        .into_iter()
        .map(|(st, v)| (st, v.into_iter().flatten().collect()))
        .collect();
    Ok(out)
}
