//! The council's 903 records, derived from every return it holds.
//!
//! A council sends one return a year, and each corrects what the year before
//! sent: an episode still open at 31 March is sent again the next year with
//! its end, sometimes with its start corrected. Footprint keeps every return
//! as it came and derives the records from all of them with [`derive`]:
//!
//! * **Episodes** (and **missing periods**, by MIS_START): for each child, a
//!   return *covers* the days from the earliest DECOM among the child's
//!   episodes in it to the end of its collection year. An episode is taken
//!   from a return unless a later return covers its DECOM: within a return's
//!   span the child's episodes are that return's, outside it the earlier
//!   returns'. So a corrected start (01/06/2021 sent again as 15/05/2021)
//!   leaves no stale episode behind.
//! * **Reviews** and **OC2** (by its collection year): the return whose year
//!   holds the date decides, when it mentions the child (in any table):
//!   a review it does not list is not held. When that year's return is not
//!   held, or does not mention the child, the latest return that lists the
//!   record gives it.
//! * **Children** (Header, with UASC): the latest return whose Header lists
//!   the child.
//! * **The other tables** ([`crate::return_tables`]): those of a year (OC3,
//!   AD1, PrevPerm) as OC2; the spans (PlacedAdoption by DATE_PLACED,
//!   SWEpisodes by SW_DECOM, DoLo by DOLO_START) as missing periods.
//!
//! The result depends only on the set of returns, never on the order they
//! were imported in; a return of a year already held replaces it.

use std::collections::BTreeMap;

// foldhash (seeded per process), not SipHash: deriving an England-sized
// council keys millions of records by child.
use foldhash::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::dates::CollectionYear;
use crate::model::{Child, ChildId, Episode, HealthOutcomes, MissingEpisode, Review};
use crate::return_tables::{
    Adoption, AdoptionDecision, CareLeaverOutcome, DeprivationOfLiberty, EachKind,
    PreviousPermanence, ReturnTables, SocialWorkerEpisode, TableRecord, each_kind,
};

/// One return's records, as it came (or the part of it about one child).
/// Every table is optional when read (`serde(default)`), so a table added
/// later reads as empty from records kept before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ReturnRecords {
    pub children: Vec<Child>,
    pub episodes: Vec<Episode>,
    pub reviews: Vec<Review>,
    pub missing: Vec<MissingEpisode>,
    pub health_outcomes: Vec<HealthOutcomes>,
    /// OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes and DoLo.
    pub tables: ReturnTables,
}

impl ReturnRecords {
    /// Every child the return names, in any table (with repeats).
    pub fn children_named(&self) -> impl Iterator<Item = &ChildId> {
        self.children
            .iter()
            .map(|c| &c.id)
            .chain(self.episodes.iter().map(|e| &e.child))
            .chain(self.reviews.iter().map(|x| &x.child))
            .chain(self.missing.iter().map(|m| &m.child))
            .chain(self.health_outcomes.iter().map(|h| &h.child))
            .chain(self.tables.children())
    }

    /// Adds `other`'s records (another part of the same return) to these
    /// (at the end of each list: none is sorted again).
    pub fn append(&mut self, mut other: ReturnRecords) {
        self.children.append(&mut other.children);
        self.episodes.append(&mut other.episodes);
        self.reviews.append(&mut other.reviews);
        self.missing.append(&mut other.missing);
        self.health_outcomes.append(&mut other.health_outcomes);
        self.tables.append_unsorted(&mut other.tables);
    }

    /// The return's records child by child, in order of identifier: each
    /// child's part of the return, borrowed (the form the store keeps a
    /// return in). Sorts each table by child first (a stable sort: a
    /// child's records stay in the return's order).
    pub fn parts_by_child(&mut self) -> Vec<(ChildId, ReturnPart<'_>)> {
        self.sort_by_child();
        self.parts()
    }

    /// Sorts each table by child (a stable sort: a child's records stay in
    /// the return's order), as [`ReturnRecords::parts`] needs.
    pub fn sort_by_child(&mut self) {
        self.children.sort_by(|a, b| a.id.cmp(&b.id));
        self.episodes.sort_by(|a, b| a.child.cmp(&b.child));
        self.reviews.sort_by(|a, b| a.child.cmp(&b.child));
        self.missing.sort_by(|a, b| a.child.cmp(&b.child));
        self.health_outcomes.sort_by(|a, b| a.child.cmp(&b.child));
        self.tables.sort();
    }

    /// [`ReturnRecords::parts_by_child`] of a return already sorted by
    /// child ([`ReturnRecords::sort_by_child`]).
    pub fn parts(&self) -> Vec<(ChildId, ReturnPart<'_>)> {
        debug_assert!(self.episodes.is_sorted_by(|a, b| a.child <= b.child));
        let mut ids: Vec<ChildId> = self.children_named().cloned().collect();
        ids.sort();
        ids.dedup();
        /// The leading records of `rest` that are `id`'s, split off.
        fn take<'a, T>(
            rest: &mut &'a [T],
            id: &ChildId,
            child: impl Fn(&T) -> &ChildId,
        ) -> &'a [T] {
            let n = rest.iter().take_while(|r| child(r) == id).count();
            let (mine, after) = rest.split_at(n);
            *rest = after;
            mine
        }
        let (mut c, mut e, mut r, mut m, mut h) = (
            &self.children[..],
            &self.episodes[..],
            &self.reviews[..],
            &self.missing[..],
            &self.health_outcomes[..],
        );
        let t = &self.tables;
        let (mut oc3, mut ad1, mut placed, mut prev, mut sw, mut dolo) = (
            &t.care_leavers[..],
            &t.adoptions[..],
            &t.adoption_decisions[..],
            &t.previous_permanence[..],
            &t.social_workers[..],
            &t.deprivation_of_liberty[..],
        );
        ids.into_iter()
            .map(|id| {
                let part = ReturnPart {
                    children: take(&mut c, &id, |x| &x.id),
                    episodes: take(&mut e, &id, |x| &x.child),
                    reviews: take(&mut r, &id, |x| &x.child),
                    missing: take(&mut m, &id, |x| &x.child),
                    health_outcomes: take(&mut h, &id, |x| &x.child),
                    tables: TablesPart {
                        care_leavers: take(&mut oc3, &id, |x| x.child()),
                        adoptions: take(&mut ad1, &id, |x| x.child()),
                        adoption_decisions: take(&mut placed, &id, |x| x.child()),
                        previous_permanence: take(&mut prev, &id, |x| x.child()),
                        social_workers: take(&mut sw, &id, |x| x.child()),
                        deprivation_of_liberty: take(&mut dolo, &id, |x| x.child()),
                    },
                };
                (id, part)
            })
            .collect()
    }
}

/// One child's part of a return, borrowed from it
/// ([`ReturnRecords::parts_by_child`]): it serialises as the
/// [`ReturnRecords`] of that child, and reads back as one.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct ReturnPart<'a> {
    pub children: &'a [Child],
    pub episodes: &'a [Episode],
    pub reviews: &'a [Review],
    pub missing: &'a [MissingEpisode],
    pub health_outcomes: &'a [HealthOutcomes],
    pub tables: TablesPart<'a>,
}

/// One child's part of a return's other tables ([`ReturnTables`]), borrowed:
/// it serialises as the [`ReturnTables`] of that child.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct TablesPart<'a> {
    pub care_leavers: &'a [CareLeaverOutcome],
    pub adoptions: &'a [Adoption],
    pub adoption_decisions: &'a [AdoptionDecision],
    pub previous_permanence: &'a [PreviousPermanence],
    pub social_workers: &'a [SocialWorkerEpisode],
    pub deprivation_of_liberty: &'a [DeprivationOfLiberty],
}

/// A derived record and the collection year of the return it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromReturn<T> {
    pub year: CollectionYear,
    pub record: T,
}

/// The council's 903 records derived from its returns, each list sorted by
/// child then date (children by id): the returns' own records, borrowed
/// (deriving copies none of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derived<'a> {
    /// Owned: MOTHER and MC_DOB may come from another return than the rest.
    pub children: Vec<FromReturn<Child>>,
    pub episodes: Vec<FromReturn<&'a Episode>>,
    pub reviews: Vec<FromReturn<&'a Review>>,
    pub missing: Vec<FromReturn<&'a MissingEpisode>>,
    pub health_outcomes: Vec<FromReturn<&'a HealthOutcomes>>,
    /// The other tables' records, by the year of the return each came from.
    pub tables: BTreeMap<CollectionYear, ReturnTables>,
}

/// Derives the records from the returns held (see the module docs). When
/// two returns have the same year the later in `returns` is the one held.
pub fn derive(returns: &[(CollectionYear, ReturnRecords)]) -> Derived<'_> {
    // One return per year: the last given.
    let mut by_year: BTreeMap<CollectionYear, &ReturnRecords> = BTreeMap::new();
    for (year, r) in returns {
        by_year.insert(*year, r);
    }
    let held: Vec<(CollectionYear, &ReturnRecords)> = by_year.into_iter().collect();

    // Which returns mention each child, in any table.
    let mut mentions: HashSet<(&ChildId, CollectionYear)> = HashSet::default();
    for (y, r) in &held {
        for id in r.children_named() {
            mentions.insert((id, *y));
        }
    }

    // The tables are derived each on its own: two at a time.
    let ((children, episodes, missing), (reviews, health_outcomes, tables)) = crate::parallel::both(
        || {
            (
                derive_children(&held),
                by_cover(&held, |r| &r.episodes, |e| (&e.child, e.start)),
                by_cover(&held, |r| &r.missing, |m| (&m.child, m.start)),
            )
        },
        || {
            (
                by_year_of_date(
                    &held,
                    &mentions,
                    |r| &r.reviews,
                    |x| (&x.child, x.date),
                    |x| CollectionYear::of(x.date),
                ),
                by_year_of_date(
                    &held,
                    &mentions,
                    |r| &r.health_outcomes,
                    |h| (&h.child, h.year.start()),
                    |h| h.year,
                ),
                derive_tables(&held, &mentions),
            )
        },
    );
    Derived {
        children,
        episodes,
        reviews,
        missing,
        health_outcomes,
        tables,
    }
}

/// The children of the returns held, each from the latest Header that has
/// them.
fn derive_children(held: &[(CollectionYear, &ReturnRecords)]) -> Vec<FromReturn<Child>> {
    let mut children: BTreeMap<ChildId, FromReturn<Child>> = BTreeMap::new();
    // MOTHER and MC_DOB, and the UASC status, come from the Header of the
    // latest return in which the child has an episode: a return that has a
    // care leaver only for OC3 leaves them blank (DfE rules 628 and 1014).
    let mut in_care_header: HashMap<&ChildId, &Child> = HashMap::default();
    for (y, r) in held {
        let in_care: HashSet<&ChildId> = r.episodes.iter().map(|e| &e.child).collect();
        // Later years come later: the latest Header wins.
        for c in &r.children {
            if in_care.contains(&c.id) {
                in_care_header.insert(&c.id, c);
            }
            children.insert(
                c.id.clone(),
                FromReturn {
                    year: *y,
                    record: c.clone(),
                },
            );
        }
    }
    for (id, c) in &mut children {
        if let Some(h) = in_care_header.get(id) {
            c.record.mother = h.mother;
            c.record.mothers_child_dob = h.mothers_child_dob;
            c.record.uasc = h.uasc.clone();
        }
    }
    children.into_values().collect()
}

/// The other tables, each by its kind ([`TableRecord::OF_A_YEAR`]): those
/// of a year as OC2, the spans as missing periods; grouped by the year of
/// the return each record came from.
fn derive_tables(
    held: &[(CollectionYear, &ReturnRecords)],
    mentions: &HashSet<(&ChildId, CollectionYear)>,
) -> BTreeMap<CollectionYear, ReturnTables> {
    struct Derive<'a, 'b> {
        held: &'b [(CollectionYear, &'a ReturnRecords)],
        mentions: &'b HashSet<(&'a ChildId, CollectionYear)>,
        out: BTreeMap<CollectionYear, ReturnTables>,
    }
    impl EachKind for Derive<'_, '_> {
        fn each<T: TableRecord>(&mut self) {
            let derived: Vec<FromReturn<&T>> = if T::OF_A_YEAR {
                by_year_of_date(
                    self.held,
                    self.mentions,
                    |r| T::list(&r.tables),
                    |x| (x.child(), x.key()),
                    |x| x.year().unwrap_or_else(|| CollectionYear::of(x.key())),
                )
            } else {
                by_cover(self.held, |r| T::list(&r.tables), |x| (x.child(), x.key()))
            };
            for d in derived {
                T::list_mut(self.out.entry(d.year).or_default()).push(d.record.clone());
            }
        }
    }
    let mut d = Derive {
        held,
        mentions,
        out: BTreeMap::new(),
    };
    each_kind(&mut d);
    d.out
}

/// Records keyed by (child, start): each comes from the latest return whose
/// span for the child (its earliest start of the child's to the end of its
/// year) holds the start.
fn by_cover<'a, T: 'a>(
    held: &[(CollectionYear, &'a ReturnRecords)],
    table: impl Fn(&'a ReturnRecords) -> &'a Vec<T>,
    key: impl Fn(&T) -> (&ChildId, NaiveDate),
) -> Vec<FromReturn<&'a T>> {
    // The start of each return's span, by child.
    let mut cover: HashMap<(&ChildId, CollectionYear), NaiveDate> = HashMap::default();
    for (y, r) in held {
        for rec in table(r) {
            let (child, start) = key(rec);
            cover
                .entry((child, *y))
                .and_modify(|d| *d = (*d).min(start))
                .or_insert(start);
        }
    }
    let mut out: BTreeMap<(ChildId, NaiveDate), FromReturn<&'a T>> = BTreeMap::new();
    for (i, (y, r)) in held.iter().enumerate() {
        for rec in table(r) {
            let (child, start) = key(rec);
            let superseded = held[i + 1..].iter().any(|(later, _)| {
                cover
                    .get(&(child, *later))
                    .is_some_and(|from| *from <= start && start <= later.end())
            });
            if !superseded {
                // Later returns are visited later: on a tie (a start after
                // the end of its own year), the later return's is kept.
                out.insert(
                    (child.clone(), start),
                    FromReturn {
                        year: *y,
                        record: rec,
                    },
                );
            }
        }
    }
    out.into_values().collect()
}

/// Records keyed by (child, date) decided by the return of the date's year
/// when it mentions the child, otherwise taken from the latest return that
/// lists them.
fn by_year_of_date<'a, T: 'a>(
    held: &[(CollectionYear, &'a ReturnRecords)],
    mentions: &HashSet<(&ChildId, CollectionYear)>,
    table: impl Fn(&'a ReturnRecords) -> &'a Vec<T>,
    key: impl Fn(&T) -> (&ChildId, NaiveDate),
    year_of: impl Fn(&T) -> CollectionYear,
) -> Vec<FromReturn<&'a T>> {
    let mut out: BTreeMap<(ChildId, NaiveDate), FromReturn<&'a T>> = BTreeMap::new();
    for (y, r) in held {
        for rec in table(r) {
            let (child, date) = key(rec);
            let own = year_of(rec);
            let decided_elsewhere = own != *y && mentions.contains(&(child, own));
            if !decided_elsewhere {
                // Returns are visited in year order: when the date's own
                // year lists the record every other return is decided
                // elsewhere; otherwise the latest listing is the last.
                out.insert(
                    (child.clone(), date),
                    FromReturn {
                        year: *y,
                        record: rec,
                    },
                );
            }
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{Ethnicity, ReasonEpisodeCeased, Sex};
    use crate::codes::{LegalStatus, ParticipationCode, PlacementType, ReasonNewEpisode};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn y(s: &str) -> CollectionYear {
        s.parse().unwrap()
    }

    fn id(s: &str) -> ChildId {
        s.parse().unwrap()
    }

    fn child(c: &str) -> Child {
        Child {
            id: id(c),
            sex: Sex::Female,
            date_of_birth: d("2010-01-01"),
            ethnicity: Ethnicity::WBRI,
            upn: None,
            mother: None,
            mothers_child_dob: None,
            uasc: None,
            name: None,
        }
    }

    fn episode(c: &str, start: &str, end: Option<&str>) -> Episode {
        Episode {
            child: id(c),
            start: d(start),
            end: end.map(d),
            reason_new: ReasonNewEpisode::S,
            legal_status: LegalStatus::C2,
            category_of_need: None,
            placement: PlacementType::U4,
            provider: None,
            reason_ceased: end.map(|_| ReasonEpisodeCeased::E4A),
            reason_place_change: None,
            home_postcode: None,
            placement_postcode: None,
            urn: None,
        }
    }

    fn review(c: &str, date: &str, code: ParticipationCode) -> Review {
        Review {
            child: id(c),
            date: d(date),
            participation: Some(code),
            details: None,
        }
    }

    #[test]
    fn a_childs_part_of_a_return_reads_back_as_its_records() {
        // Every table of ReturnRecords is in ReturnPart, under its name.
        let keys = |v: serde_json::Value| -> Vec<String> {
            v.as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(
            keys(serde_json::to_value(ReturnRecords::default()).unwrap()),
            keys(serde_json::to_value(ReturnPart::default()).unwrap())
        );
        assert_eq!(
            keys(serde_json::to_value(ReturnTables::default()).unwrap()),
            keys(serde_json::to_value(TablesPart::default()).unwrap())
        );
        let mut r = ReturnRecords {
            children: vec![child("B2"), child("A1")],
            episodes: vec![
                episode("B2", "2021-06-01", None),
                episode("A1", "2021-05-01", Some("2021-08-01")),
                episode("A1", "2021-04-20", None),
            ],
            reviews: vec![review("C3", "2021-09-20", ParticipationCode::PN2)],
            ..Default::default()
        };
        let whole = r.clone();
        let parts: Vec<(ChildId, String)> = r
            .parts_by_child()
            .into_iter()
            .map(|(id, p)| (id, serde_json::to_string(&p).unwrap()))
            .collect();
        assert_eq!(
            parts.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
            [id("A1"), id("B2"), id("C3")]
        );
        let mut back = ReturnRecords::default();
        for (_, json) in &parts {
            back.append(serde_json::from_str(json).unwrap());
        }
        // The same records; each child's in the return's order.
        assert_eq!(back.episodes[0].start, d("2021-05-01"));
        assert_eq!(back.episodes[1].start, d("2021-04-20"));
        for table in [&back, &whole] {
            assert_eq!(table.children.len(), 2);
        }
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        let each = |r: &ReturnRecords| {
            sorted(
                r.episodes
                    .iter()
                    .map(|e| serde_json::to_string(e).unwrap())
                    .chain(r.children.iter().map(|c| serde_json::to_string(c).unwrap()))
                    .chain(r.reviews.iter().map(|x| serde_json::to_string(x).unwrap()))
                    .collect(),
            )
        };
        assert_eq!(each(&back), each(&whole));
    }

    #[test]
    fn a_corrected_start_leaves_no_stale_episode() {
        let r21 = ReturnRecords {
            children: vec![child("A1")],
            episodes: vec![episode("A1", "2021-06-01", None)],
            ..Default::default()
        };
        let r22 = ReturnRecords {
            children: vec![child("A1")],
            episodes: vec![episode("A1", "2021-05-15", Some("2022-09-01"))],
            ..Default::default()
        };
        for order in [
            vec![(y("2021-22"), r21.clone()), (y("2022-23"), r22.clone())],
            vec![(y("2022-23"), r22.clone()), (y("2021-22"), r21.clone())],
        ] {
            let got = derive(&order);
            assert_eq!(got.episodes.len(), 1);
            assert_eq!(got.episodes[0].record.start, d("2021-05-15"));
            assert_eq!(got.episodes[0].year, y("2022-23"));
        }
    }

    #[test]
    fn earlier_episodes_outside_a_later_span_are_kept() {
        let r21 = ReturnRecords {
            children: vec![child("A1")],
            episodes: vec![
                episode("A1", "2021-05-01", Some("2021-08-01")),
                episode("A1", "2021-10-01", None),
            ],
            ..Default::default()
        };
        let r22 = ReturnRecords {
            children: vec![child("A1")],
            episodes: vec![episode("A1", "2021-10-01", Some("2022-06-01"))],
            ..Default::default()
        };
        let held = [(y("2021-22"), r21), (y("2022-23"), r22)];
        let got = derive(&held);
        let starts: Vec<_> = got
            .episodes
            .iter()
            .map(|e| (e.record.start, e.year))
            .collect();
        assert_eq!(
            starts,
            [
                (d("2021-05-01"), y("2021-22")),
                (d("2021-10-01"), y("2022-23"))
            ]
        );
    }

    #[test]
    fn reviews_come_from_the_return_of_their_year() {
        let r21 = ReturnRecords {
            children: vec![child("A1")],
            reviews: vec![review("A1", "2021-09-20", ParticipationCode::PN2)],
            ..Default::default()
        };
        let r22 = ReturnRecords {
            children: vec![child("A1")],
            reviews: vec![
                // Out of its year: the 2021-22 return decides.
                review("A1", "2021-09-20", ParticipationCode::PN3),
                review("A1", "2021-12-01", ParticipationCode::PN1),
                review("A1", "2022-05-01", ParticipationCode::PN1),
            ],
            ..Default::default()
        };
        let held = [(y("2022-23"), r22.clone()), (y("2021-22"), r21)];
        let got = derive(&held);
        let dates: Vec<_> = got
            .reviews
            .iter()
            .map(|r| (r.record.date, r.record.participation))
            .collect();
        assert_eq!(
            dates,
            [
                (d("2021-09-20"), Some(ParticipationCode::PN2)),
                (d("2022-05-01"), Some(ParticipationCode::PN1))
            ]
        );
        // Without the 2021-22 return, the 2022-23 return gives them all.
        assert_eq!(derive(&[(y("2022-23"), r22)]).reviews.len(), 3);
    }

    #[test]
    fn motherhood_comes_from_the_latest_return_the_child_is_in_care_in() {
        let mut mother = child("A1");
        mother.mother = Some(true);
        mother.mothers_child_dob = Some(d("2021-02-01"));
        let r21 = ReturnRecords {
            children: vec![mother.clone()],
            episodes: vec![episode("A1", "2021-06-01", Some("2022-01-01"))],
            ..Default::default()
        };
        // A care leaver's later Header (for OC3 only) leaves them blank.
        let mut leaver = child("A1");
        leaver.upn = Some("UN3".into());
        let r23 = ReturnRecords {
            children: vec![leaver],
            ..Default::default()
        };
        let held = [(y("2021-22"), r21), (y("2023-24"), r23)];
        let got = derive(&held);
        let c = &got.children[0];
        assert_eq!(c.year, y("2023-24"));
        assert_eq!(c.record.upn.as_deref(), Some("UN3"));
        assert_eq!(c.record.mother, Some(true));
        assert_eq!(c.record.mothers_child_dob, Some(d("2021-02-01")));
    }

    #[test]
    fn the_other_tables_are_derived_by_their_kind() {
        use crate::return_tables::{AdoptionDecision, CareLeaverOutcome, ReturnTables};
        let decision = |decided: &str, ceased: Option<&str>| AdoptionDecision {
            child: id("A1"),
            decided: d(decided),
            ceased: ceased.map(d),
            reason_ceased: None,
        };
        let leaver = |year: &str| CareLeaverOutcome {
            child: id("A1"),
            year: y(year),
            in_touch: None,
            activity: None,
            accommodation: None,
        };
        // 2021-22 sends a decision open and an OC3 row; 2022-23 sends the
        // decision again, corrected and ended, and its own OC3 row.
        let r21 = ReturnRecords {
            children: vec![child("A1")],
            tables: ReturnTables {
                adoption_decisions: vec![decision("2021-06-01", None)],
                care_leavers: vec![leaver("2021-22")],
                ..ReturnTables::default()
            },
            ..Default::default()
        };
        let r22 = ReturnRecords {
            children: vec![child("A1")],
            tables: ReturnTables {
                adoption_decisions: vec![decision("2021-05-15", Some("2022-07-01"))],
                care_leavers: vec![leaver("2022-23")],
                ..ReturnTables::default()
            },
            ..Default::default()
        };
        for order in [
            vec![(y("2021-22"), r21.clone()), (y("2022-23"), r22.clone())],
            vec![(y("2022-23"), r22.clone()), (y("2021-22"), r21.clone())],
        ] {
            let got = derive(&order);
            let t21 = &got.tables[&y("2021-22")];
            let t22 = &got.tables[&y("2022-23")];
            assert!(
                t21.adoption_decisions.is_empty(),
                "the stale decision is gone"
            );
            assert_eq!(
                t22.adoption_decisions,
                [decision("2021-05-15", Some("2022-07-01"))]
            );
            assert_eq!(t21.care_leavers, [leaver("2021-22")]);
            assert_eq!(t22.care_leavers, [leaver("2022-23")]);
        }
    }

    prop_compose! {
        fn arb_return()(
            eps in proptest::collection::vec((0u8..3, 0i64..1500, proptest::option::of(1i64..400)), 0..6),
            revs in proptest::collection::vec((0u8..3, 0i64..1500, 0usize..3), 0..6),
            heads in proptest::collection::vec(0u8..3, 0..3),
            decisions in proptest::collection::vec((0u8..3, 0i64..1500, proptest::option::of(1i64..400)), 0..4),
            leavers in proptest::collection::vec((0u8..3, 0i32..4), 0..3),
        ) -> ReturnRecords {
            let base = d("2019-04-01");
            let name = |c: u8| ["A1", "B2", "C3"][usize::from(c)];
            let codes = [ParticipationCode::PN1, ParticipationCode::PN2, ParticipationCode::PN3];
            ReturnRecords {
                children: heads.iter().map(|c| child(name(*c))).collect(),
                episodes: eps.iter().map(|(c, s, len)| {
                    let start = base + chrono::Days::new(*s as u64);
                    let mut e = episode(name(*c), "2019-04-01", None);
                    e.start = start;
                    e.end = len.map(|l| start + chrono::Days::new(l as u64));
                    e
                }).collect(),
                reviews: revs.iter().map(|(c, s, p)| {
                    let mut r = review(name(*c), "2019-04-01", codes[*p]);
                    r.date = base + chrono::Days::new(*s as u64);
                    r
                }).collect(),
                tables: crate::return_tables::ReturnTables {
                    adoption_decisions: decisions.iter().map(|(c, s, len)| {
                        let decided = base + chrono::Days::new(*s as u64);
                        crate::return_tables::AdoptionDecision {
                            child: id(name(*c)),
                            decided,
                            ceased: len.map(|l| decided + chrono::Days::new(l as u64)),
                            reason_ceased: None,
                        }
                    }).collect(),
                    care_leavers: leavers.iter().map(|(c, yr)| crate::return_tables::CareLeaverOutcome {
                        child: id(name(*c)),
                        year: CollectionYear::new(2019 + yr),
                        in_touch: None,
                        activity: None,
                        accommodation: None,
                    }).collect(),
                    ..Default::default()
                },
                ..Default::default()
            }
        }
    }

    proptest! {
        #[test]
        fn any_order_gives_the_same_records(
            rets in proptest::collection::vec((0i32..4, arb_return()), 0..5),
            seed in any::<u64>(),
        ) {
            // One return per year (a second of the same year replaces the
            // first: keep the last as the store does).
            let mut by: BTreeMap<i32, ReturnRecords> = BTreeMap::new();
            for (yr, r) in rets {
                by.insert(yr, r);
            }
            let mut list: Vec<(CollectionYear, ReturnRecords)> = by
                .into_iter()
                .map(|(yr, r)| (CollectionYear::new(2019 + yr), r))
                .collect();
            let unshuffled = list.clone();
            let first = derive(&unshuffled);
            // A deterministic shuffle.
            let n = list.len();
            let mut s = seed;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                list.swap(i, (s >> 33) as usize % (i + 1));
            }
            prop_assert_eq!(derive(&list), first);
        }
    }
}
