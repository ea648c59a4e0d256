//! TEMPORARY: filters the whole dataset in memory until the store's indexed
//! scoped queries land (branch store-work); replaced at the merge.

use chrono::NaiveDate;
use footprint_domain::model::{ChildId, Dataset, IroId};
use std::collections::BTreeSet;

use crate::{Result, Store};

pub enum Scope<'a> {
    All,
    Children(&'a [ChildId]),
    Caseload { iro: &'a IroId, on: NaiveDate },
    Active { from: NaiveDate, to: NaiveDate },
}

impl Store {
    pub async fn load_scoped(&self, scope: Scope<'_>) -> Result<Dataset> {
        let mut ds = self.load_dataset().await?;
        let keep: BTreeSet<ChildId> = match scope {
            Scope::All => return Ok(ds),
            Scope::Children(ids) => ids.iter().cloned().collect(),
            Scope::Caseload { iro, on } => ds
                .allocations
                .iter()
                .filter(|a| &a.iro == iro && a.is_current_on(on))
                .map(|a| a.child.clone())
                .collect(),
            Scope::Active { from, to } => {
                let mut k: BTreeSet<ChildId> = ds
                    .episodes
                    .iter()
                    .filter(|e| e.start <= to && e.end.is_none_or(|end| end >= from))
                    .map(|e| e.child.clone())
                    .collect();
                k.extend(
                    ds.reviews
                        .iter()
                        .filter(|r| r.date >= from && r.date <= to)
                        .map(|r| r.child.clone()),
                );
                k.extend(
                    ds.challenges
                        .iter()
                        .filter(|c| c.raised <= to && c.resolved.is_none_or(|r| r >= from))
                        .map(|c| c.child.clone()),
                );
                k.extend(
                    ds.allocations
                        .iter()
                        .filter(|a| a.from <= to && a.to.is_none_or(|t| t > from))
                        .map(|a| a.child.clone()),
                );
                k
            }
        };
        ds.children.retain(|c| keep.contains(&c.id));
        ds.episodes.retain(|c| keep.contains(&c.child));
        ds.reviews.retain(|c| keep.contains(&c.child));
        ds.missing.retain(|c| keep.contains(&c.child));
        ds.allocations.retain(|c| keep.contains(&c.child));
        ds.midway_checks.retain(|c| keep.contains(&c.child));
        ds.visits.retain(|c| keep.contains(&c.child));
        ds.challenges.retain(|c| keep.contains(&c.child));
        ds.health_outcomes.retain(|c| keep.contains(&c.child));
        ds.sibling_groups
            .retain(|g| g.iter().any(|c| keep.contains(c)));
        Ok(ds)
    }
}
