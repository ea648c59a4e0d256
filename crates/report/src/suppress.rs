//! Publication mode for the annual report (`measures.md`, Publication
//! mode): every count from 1 to 5 is shown as `c` (zero stays 0), then
//! secondary suppression hides more cells until the audit ([`crate::audit`])
//! finds no hidden cell that can be worked out from everything the report
//! shows: both years' blocks, every relation between their counts
//! ([`crate::checks::relations`], [`crate::checks::balances`] and
//! [`crate::checks::across_years`]), a
//! hidden cell at least 1 and a primary one at most 5.
//!
//! Percentages, rates and averages are derived figures: each is hidden
//! wherever a count it is worked out from is hidden (see `model.rs` and
//! `json.rs`), so a derived figure shows nothing the counts do not.

use std::collections::BTreeSet;

use footprint_domain::measures::Measures;

pub use crate::audit::PRIMARY_MAX;
use crate::audit::{Disclosure, Figure, Op, Publication, SuppressionError};
use crate::checks::{CellRef, across_years, balances, relations};

/// The block of a year's figures: the year, e.g. `2024-25`.
pub fn block(m: &Measures) -> String {
    m.year.to_string()
}

/// A measure and a key of its breakdown.
pub type Cell = (&'static str, &'static str);

/// Counts to hide with a small neighbour: `(small, hide)`, each a measure
/// and a breakdown key: when `small` is a count from 1 to 5, `hide` starts
/// hidden too ([`Publication::seeded`]; shown again if the audit finds it
/// is not needed). The BME total gives a small "not recorded" (the census
/// groups' not known) away whatever else is hidden (children in care less
/// White British less BME); the search for a cell to hide (the smallest
/// shown count in a relation) would hide the other groups one by one, then
/// White and the children in care themselves, and still not protect it.
pub const HIDE_WITH_SMALL: &[(Cell, Cell)] = &[(
    ("profile.end.by_ethnic_group", "not_known"),
    ("profile.end.bme", "bme"),
)];

/// What a reader of the annual report for `this` (beside `last`) has:
/// every count of both years, and every relation between them.
pub fn publication(this: &Measures, last: Option<&Measures>) -> Publication {
    let mut p = Publication::default();
    for m in std::iter::once(this).chain(last) {
        let b = block(m);
        for ((small, small_key), (hide, hide_key)) in HIDE_WITH_SMALL {
            let value = |id: &str, key: &str| m.cell(id, &[key.to_owned()]).map(|c| c.value);
            if value(small, small_key).is_some_and(|v| (1..=crate::audit::PRIMARY_MAX).contains(&v))
                && value(hide, hide_key).is_some_and(|v| v > 0)
            {
                p.seeded
                    .insert(Figure::new(&b, CellRef::new(hide, &[hide_key])));
            }
        }
        for (id, measure) in &m.entries {
            for (path, count) in measure.cells() {
                p.values.insert(
                    Figure::new(
                        &b,
                        CellRef {
                            measure: id.clone(),
                            path,
                        },
                    ),
                    count.value,
                );
            }
        }
    }
    for m in std::iter::once(this).chain(last) {
        p.add_relations(&block(m), &relations(m));
    }
    for m in std::iter::once(this).chain(last) {
        let b = block(m);
        for (name, left, right) in balances() {
            let value = |c: &CellRef| m.cell(&c.measure, &c.path).map(|x| x.value);
            let total = |cells: &[CellRef]| cells.iter().map(value).sum::<Option<u64>>();
            if total(&left).is_some() && total(&left) == total(&right) {
                let terms = left
                    .iter()
                    .map(|c| (Figure::new(&b, c.clone()), 1.0))
                    .chain(right.iter().map(|c| (Figure::new(&b, c.clone()), -1.0)))
                    .collect();
                p.add(&name, terms, Op::Eq, 0.0);
            }
        }
    }
    if let Some(last) = last {
        for (name, now, before) in across_years() {
            // A reader takes the two to be the same figure; where the
            // records make them differ (a year to date, a correction) the
            // relation is not one the report shows.
            let a = Figure::new(&block(this), now);
            let b = Figure::new(&block(last), before);
            if p.values.contains_key(&a) && p.values.get(&a) == p.values.get(&b) {
                p.add(&name, vec![(a, 1.0), (b, -1.0)], Op::Eq, 0.0);
            }
        }
    }
    p
}

/// The cells to show as `c` in each year's block: `(this, last)`.
pub fn suppressed(
    this: &Measures,
    last: Option<&Measures>,
) -> Result<(BTreeSet<CellRef>, BTreeSet<CellRef>), SuppressionError> {
    let hidden = publication(this, last).suppress()?;
    Ok(split(this, hidden))
}

fn split(this: &Measures, hidden: BTreeSet<Figure>) -> (BTreeSet<CellRef>, BTreeSet<CellRef>) {
    let b = block(this);
    let (now, before): (Vec<Figure>, Vec<Figure>) = hidden.into_iter().partition(|f| f.block == b);
    (
        now.into_iter().map(|f| f.cell).collect(),
        before.into_iter().map(|f| f.cell).collect(),
    )
}

/// The audit of a published annual report: every hidden cell that can be
/// worked out (empty: it may be published).
pub fn audit(
    this: &Measures,
    this_hidden: &BTreeSet<CellRef>,
    last: Option<(&Measures, &BTreeSet<CellRef>)>,
) -> Result<Vec<Disclosure>, String> {
    let p = publication(this, last.map(|(m, _)| m));
    let mut hidden: BTreeSet<Figure> = this_hidden
        .iter()
        .map(|c| Figure::new(&block(this), c.clone()))
        .collect();
    if let Some((m, h)) = last {
        hidden.extend(h.iter().map(|c| Figure::new(&block(m), c.clone())));
    }
    // A count from 1 to 5 left showing is a disclosure in itself.
    let mut out: Vec<Disclosure> = p
        .primary()
        .into_iter()
        .filter(|f| !hidden.contains(f))
        .map(|f| Disclosure {
            value: p.values.get(&f).copied().unwrap_or(0) as i64,
            figure: f,
            relations: Vec::new(),
            shown: true,
        })
        .collect();
    out.extend(p.audit(&hidden)?);
    Ok(out)
}
