//! The 903 return's other tables: care leavers' outcomes (OC3), adoptions
//! (AD1), decisions that a child should be placed for adoption
//! (PlacedAdoption), permanence before care (PrevPerm), social worker
//! episodes (SWEpisodes) and, from 2026-27, deprivation of liberty orders
//! (DoLo). Columns and codes: `shared/ssda903.md` §1 and §3.
//!
//! Each record is one of two kinds, and is held and derived by its kind
//! ([`crate::returns::derive`]):
//! * **of a year** (OC3, AD1, PrevPerm): one row per child in a year's
//!   return, keyed by child and collection year, like OC2;
//! * **a span** (PlacedAdoption, SWEpisodes, DoLo): keyed by child and start
//!   date, sent again by the next return while it is open, like an episode.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::codes::{
    AdoptersLegalStatus, AdoptersSex, AdoptionDecisionCeased, CareLeaverAccommodation,
    CareLeaverActivity, InTouch, PreviousPermanenceKind, SocialWorkerChangeReason,
};
use crate::dates::CollectionYear;
use crate::model::ChildId;

/// A record of one of the other tables.
pub trait TableRecord: Clone + PartialEq + Serialize + DeserializeOwned + 'static {
    /// The record's kind as the store names it.
    const KIND: &'static str;
    /// Whether the record belongs to a collection year (OC3, AD1, PrevPerm)
    /// rather than spanning dates (PlacedAdoption, SWEpisodes, DoLo).
    const OF_A_YEAR: bool;
    fn child(&self) -> &ChildId;
    /// The record's key within the child: the start of its collection year
    /// for a record of a year, its start date for a span.
    fn key(&self) -> NaiveDate;
    /// The collection year of a record of a year; `None` for a span.
    fn year(&self) -> Option<CollectionYear>;
    /// The end of a span (`None` while open, and for a record of a year).
    fn end(&self) -> Option<NaiveDate> {
        None
    }
    /// The list of such records in `t`.
    fn list(t: &ReturnTables) -> &Vec<Self>;
    fn list_mut(t: &mut ReturnTables) -> &mut Vec<Self>;
}

/// Something done for each kind of record of [`ReturnTables`].
pub trait EachKind {
    fn each<T: TableRecord>(&mut self);
}

/// Calls `f` with each kind of record, in the tables' order (OC3, AD1,
/// PlacedAdoption, PrevPerm, SWEpisodes, DoLo).
pub fn each_kind(f: &mut impl EachKind) {
    f.each::<CareLeaverOutcome>();
    f.each::<Adoption>();
    f.each::<AdoptionDecision>();
    f.each::<PreviousPermanence>();
    f.each::<SocialWorkerEpisode>();
    f.each::<DeprivationOfLiberty>();
}

/// A care leaver's outcomes for a collection year (903 OC3): asked around
/// the 17th to 21st birthdays of a young person who was looked after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareLeaverOutcome {
    pub child: ChildId,
    pub year: CollectionYear,
    /// `IN_TOUCH`.
    pub in_touch: Option<InTouch>,
    /// `ACTIV`: main activity.
    pub activity: Option<CareLeaverActivity>,
    /// `ACCOM`: accommodation and its suitability.
    pub accommodation: Option<CareLeaverAccommodation>,
}

/// An adoption from care in a collection year (903 AD1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adoption {
    pub child: ChildId,
    pub year: CollectionYear,
    /// `DATE_INT`: the date of the decision that the child should be placed
    /// for adoption.
    pub decided: Option<NaiveDate>,
    /// `DATE_MATCH`: the date the child was matched with the adopters.
    pub matched: Option<NaiveDate>,
    /// `FOSTER_CARE`: adopted by their foster carer(s).
    pub by_foster_carer: Option<bool>,
    /// `NB_ADOPTR`: the number of adopters, 1 or 2.
    pub adopters: Option<u8>,
    /// `SEX_ADOPTR`.
    pub adopters_sex: Option<AdoptersSex>,
    /// `LS_ADOPTR`.
    pub adopters_legal_status: Option<AdoptersLegalStatus>,
}

/// A decision that a child should be placed for adoption (903
/// PlacedAdoption), and when and why it ceased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdoptionDecision {
    pub child: ChildId,
    /// `DATE_PLACED`: the date of the decision.
    pub decided: NaiveDate,
    /// `DATE_PLACED_CEASED`: the date the decision ceased to apply.
    pub ceased: Option<NaiveDate>,
    /// `REASON_PLACED_CEASED`.
    pub reason_ceased: Option<AdoptionDecisionCeased>,
}

/// A permanence order the child had before the period of care that began in
/// a collection year (903 PrevPerm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousPermanence {
    pub child: ChildId,
    pub year: CollectionYear,
    /// `PREV_PERM`.
    pub kind: Option<PreviousPermanenceKind>,
    /// `LA_PERM`: the local authority that made the order, as given.
    pub local_authority: Option<String>,
    /// `DATE_PERM`: the order's date as given: dd/mm/yyyy, with unknown parts
    /// as `zz` (zz/mm/yyyy, zz/zz/yyyy, zz/zz/zzzz).
    pub date: Option<String>,
}

/// A span of time with one social worker (903 SWEpisodes, from 2023-24).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialWorkerEpisode {
    pub child: ChildId,
    /// `SW_DECOM`.
    pub start: NaiveDate,
    /// `SW_DEC`.
    pub end: Option<NaiveDate>,
    /// `SW_ID`: the social worker's identifier, as given.
    pub worker: Option<String>,
    /// `SW_REASON`.
    pub reason: Option<SocialWorkerChangeReason>,
}

/// A deprivation of liberty order (903 DoLo, from 2026-27).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeprivationOfLiberty {
    pub child: ChildId,
    /// `DOLO_START`.
    pub start: NaiveDate,
    /// `DOLO_END`.
    pub end: Option<NaiveDate>,
}

impl TableRecord for CareLeaverOutcome {
    fn list(t: &ReturnTables) -> &Vec<Self> {
        &t.care_leavers
    }
    fn list_mut(t: &mut ReturnTables) -> &mut Vec<Self> {
        &mut t.care_leavers
    }
    const KIND: &'static str = "oc3";
    const OF_A_YEAR: bool = true;
    fn child(&self) -> &ChildId {
        &self.child
    }
    fn key(&self) -> NaiveDate {
        self.year.start()
    }
    fn year(&self) -> Option<CollectionYear> {
        Some(self.year)
    }
}

impl TableRecord for Adoption {
    fn list(t: &ReturnTables) -> &Vec<Self> {
        &t.adoptions
    }
    fn list_mut(t: &mut ReturnTables) -> &mut Vec<Self> {
        &mut t.adoptions
    }
    const KIND: &'static str = "ad1";
    const OF_A_YEAR: bool = true;
    fn child(&self) -> &ChildId {
        &self.child
    }
    fn key(&self) -> NaiveDate {
        self.year.start()
    }
    fn year(&self) -> Option<CollectionYear> {
        Some(self.year)
    }
}

impl TableRecord for PreviousPermanence {
    fn list(t: &ReturnTables) -> &Vec<Self> {
        &t.previous_permanence
    }
    fn list_mut(t: &mut ReturnTables) -> &mut Vec<Self> {
        &mut t.previous_permanence
    }
    const KIND: &'static str = "prev_perm";
    const OF_A_YEAR: bool = true;
    fn child(&self) -> &ChildId {
        &self.child
    }
    fn key(&self) -> NaiveDate {
        self.year.start()
    }
    fn year(&self) -> Option<CollectionYear> {
        Some(self.year)
    }
}

impl TableRecord for AdoptionDecision {
    fn list(t: &ReturnTables) -> &Vec<Self> {
        &t.adoption_decisions
    }
    fn list_mut(t: &mut ReturnTables) -> &mut Vec<Self> {
        &mut t.adoption_decisions
    }
    const KIND: &'static str = "placed_adoption";
    const OF_A_YEAR: bool = false;
    fn child(&self) -> &ChildId {
        &self.child
    }
    fn key(&self) -> NaiveDate {
        self.decided
    }
    fn year(&self) -> Option<CollectionYear> {
        None
    }
    fn end(&self) -> Option<NaiveDate> {
        self.ceased
    }
}

impl TableRecord for SocialWorkerEpisode {
    fn list(t: &ReturnTables) -> &Vec<Self> {
        &t.social_workers
    }
    fn list_mut(t: &mut ReturnTables) -> &mut Vec<Self> {
        &mut t.social_workers
    }
    const KIND: &'static str = "sw_episode";
    const OF_A_YEAR: bool = false;
    fn child(&self) -> &ChildId {
        &self.child
    }
    fn key(&self) -> NaiveDate {
        self.start
    }
    fn year(&self) -> Option<CollectionYear> {
        None
    }
    fn end(&self) -> Option<NaiveDate> {
        self.end
    }
}

impl TableRecord for DeprivationOfLiberty {
    fn list(t: &ReturnTables) -> &Vec<Self> {
        &t.deprivation_of_liberty
    }
    fn list_mut(t: &mut ReturnTables) -> &mut Vec<Self> {
        &mut t.deprivation_of_liberty
    }
    const KIND: &'static str = "dolo";
    const OF_A_YEAR: bool = false;
    fn child(&self) -> &ChildId {
        &self.child
    }
    fn key(&self) -> NaiveDate {
        self.start
    }
    fn year(&self) -> Option<CollectionYear> {
        None
    }
    fn end(&self) -> Option<NaiveDate> {
        self.end
    }
}

/// The records of the other tables, each list sorted by child then key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnTables {
    /// OC3.
    #[serde(default)]
    pub care_leavers: Vec<CareLeaverOutcome>,
    /// AD1.
    #[serde(default)]
    pub adoptions: Vec<Adoption>,
    /// PlacedAdoption.
    #[serde(default)]
    pub adoption_decisions: Vec<AdoptionDecision>,
    /// PrevPerm.
    #[serde(default)]
    pub previous_permanence: Vec<PreviousPermanence>,
    /// SWEpisodes.
    #[serde(default)]
    pub social_workers: Vec<SocialWorkerEpisode>,
    /// DoLo.
    #[serde(default)]
    pub deprivation_of_liberty: Vec<DeprivationOfLiberty>,
}

impl ReturnTables {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of records, all tables together.
    pub fn len(&self) -> usize {
        self.care_leavers.len()
            + self.adoptions.len()
            + self.adoption_decisions.len()
            + self.previous_permanence.len()
            + self.social_workers.len()
            + self.deprivation_of_liberty.len()
    }

    /// Every child named, with repeats.
    pub fn children(&self) -> Vec<&ChildId> {
        let mut out: Vec<&ChildId> = Vec::with_capacity(self.len());
        out.extend(self.care_leavers.iter().map(|r| &r.child));
        out.extend(self.adoptions.iter().map(|r| &r.child));
        out.extend(self.adoption_decisions.iter().map(|r| &r.child));
        out.extend(self.previous_permanence.iter().map(|r| &r.child));
        out.extend(self.social_workers.iter().map(|r| &r.child));
        out.extend(self.deprivation_of_liberty.iter().map(|r| &r.child));
        out
    }

    /// Sorts each list by child then key.
    pub fn sort(&mut self) {
        struct Sort<'a>(&'a mut ReturnTables);
        impl EachKind for Sort<'_> {
            fn each<T: TableRecord>(&mut self) {
                T::list_mut(self.0).sort_by(|a, b| (a.child(), a.key()).cmp(&(b.child(), b.key())));
            }
        }
        each_kind(&mut Sort(self));
    }

    /// Moves every record of `other` in, keeping each list sorted.
    pub fn append(&mut self, other: &mut ReturnTables) {
        self.append_unsorted(other);
        self.sort();
    }

    /// Moves every record of `other` in, at the end of each list (for
    /// gathering many parts, where sorting after each would cost dearly).
    pub fn append_unsorted(&mut self, other: &mut ReturnTables) {
        struct Append<'a>(&'a mut ReturnTables, &'a mut ReturnTables);
        impl EachKind for Append<'_> {
            fn each<T: TableRecord>(&mut self) {
                T::list_mut(self.0).append(T::list_mut(self.1));
            }
        }
        each_kind(&mut Append(self, other));
    }

    /// Keeps only the records whose child `keep` accepts.
    pub fn retain_children(&mut self, keep: impl Fn(&ChildId) -> bool) {
        struct Retain<'a, F>(&'a mut ReturnTables, F);
        impl<F: Fn(&ChildId) -> bool> EachKind for Retain<'_, F> {
            fn each<T: TableRecord>(&mut self) {
                let keep = &self.1;
                T::list_mut(self.0).retain(|r| keep(r.child()));
            }
        }
        each_kind(&mut Retain(self, keep));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ChildId {
        s.parse().unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn lists_sort_by_child_then_key_and_take_in_others() {
        let mut t = ReturnTables {
            social_workers: vec![
                SocialWorkerEpisode {
                    child: id("B2"),
                    start: d("2023-05-01"),
                    end: None,
                    worker: Some("SW1".into()),
                    reason: None,
                },
                SocialWorkerEpisode {
                    child: id("A1"),
                    start: d("2023-06-01"),
                    end: None,
                    worker: None,
                    reason: None,
                },
            ],
            ..ReturnTables::default()
        };
        let mut more = ReturnTables {
            deprivation_of_liberty: vec![DeprivationOfLiberty {
                child: id("C3"),
                start: d("2026-05-01"),
                end: None,
            }],
            ..ReturnTables::default()
        };
        t.append(&mut more);
        assert!(more.is_empty());
        assert_eq!(t.len(), 3);
        assert_eq!(t.social_workers[0].child, id("A1"));
        t.retain_children(|c| c.as_str() != "A1");
        assert_eq!(t.len(), 2);
        assert_eq!(t.children().len(), 2);
    }
}
