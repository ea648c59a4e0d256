//! A 903 return as domain records, each with the place it was read from.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use footprint_domain::codes::Sex;
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{
    Child, ChildId, Dataset, Episode, HealthOutcomes, MissingEpisode, Review,
};
use footprint_domain::return_tables::ReturnTables;
use serde::Serialize;

use crate::problem::SourceRef;
use crate::raw::RawTable;
use crate::tables::Table;

/// A record and the row it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    pub record: T,
    pub source: SourceRef,
}

/// A row of the UASC table. Its DUC is also folded into [`Child::uasc`];
/// the row is kept for the checks that need its place and its own values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UascRow {
    pub child: ChildId,
    pub sex: Option<Sex>,
    pub date_of_birth: Option<NaiveDate>,
    /// DUC: the date UASC status ceased.
    pub ceased: Option<NaiveDate>,
}

/// Everything read from one 903 return (one or more files). Rows with a
/// fatal problem are not here (they could not be made into records); the
/// problems list says which and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Return903 {
    /// The collection year the return was checked against: given, or
    /// inferred (see the crate docs). `None` only when it was not
    /// given and the files hold no dates.
    pub year: Option<CollectionYear>,
    /// Header rows, with UASC folded into [`Child::uasc`].
    pub children: Vec<Located<Child>>,
    pub episodes: Vec<Located<Episode>>,
    pub reviews: Vec<Located<Review>>,
    pub missing: Vec<Located<MissingEpisode>>,
    pub uasc: Vec<Located<UascRow>>,
    /// OC2 rows: health outcomes for the return's collection year.
    pub health_outcomes: Vec<Located<HealthOutcomes>>,
    /// The rows of OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes and DoLo
    /// as read (their records are in `return_tables`).
    pub other_tables: Vec<RawTable>,
    /// The records of OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes and
    /// DoLo (rows with a fatal problem left out), each list sorted.
    pub return_tables: ReturnTables,
    /// The tables found among the inputs (some checks need a table to be
    /// present: a child missing from the Header is only an error when a
    /// Header was given).
    pub tables: BTreeSet<Table>,
}

impl Return903 {
    /// The records as a [`Dataset`] (no IRO records; `reviews_known_from` is
    /// the start of the collection year when known).
    pub fn to_dataset(&self) -> Dataset {
        Dataset {
            children: self.children.iter().map(|l| l.record.clone()).collect(),
            episodes: self.episodes.iter().map(|l| l.record.clone()).collect(),
            reviews: self.reviews.iter().map(|l| l.record.clone()).collect(),
            missing: self.missing.iter().map(|l| l.record.clone()).collect(),
            health_outcomes: self
                .health_outcomes
                .iter()
                .map(|l| l.record.clone())
                .collect(),
            return_tables: self.return_tables.clone(),
            reviews_known_from: self.year.map(|y| y.start()),
            ..Dataset::default()
        }
    }
}
