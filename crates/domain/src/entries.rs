//! Midway checks, visits and allocations as the forms record and correct
//! them: what is
//! checked when one is recorded or corrected (one function for both, so a
//! correction meets exactly the checks a new record meets), and what a page
//! shows of one (the record's own page, its correction form and the
//! versions corrections replaced).

use chrono::NaiveDate;

use crate::daily::{ByChild, iro_name};
use crate::model::{Allocation, Challenge, ChildId, Dataset, IroId, IroVisit, MidwayCheck};

/// A problem with what a form records, naming the form's field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryProblem {
    pub field: String,
    pub message: String,
}

fn problem(field: impl Into<String>, message: impl Into<String>) -> EntryProblem {
    EntryProblem {
        field: field.into(),
        message: message.into(),
    }
}

/// Whether `child` was looked after on `date`: a period of care that is
/// not short breaks holds it (as for a review).
pub fn looked_after_on(ds: &Dataset, child: &ChildId, date: NaiveDate) -> bool {
    ByChild::new(ds).periods.get(child).is_some_and(|ps| {
        ps.iter()
            .any(|p| !p.is_short_breaks() && p.holds_review_on(date))
    })
}

/// The date's checks, common to both records: not in the future, the child
/// looked after that day.
fn date_problems(
    ds: &Dataset,
    child: &ChildId,
    date: NaiveDate,
    today: NaiveDate,
    field: &'static str,
    out: &mut Vec<EntryProblem>,
) {
    if date > today {
        out.push(problem(field, "The date must be today or in the past"));
    } else if !looked_after_on(ds, child, date) {
        out.push(problem(
            field,
            "The child was not looked after on that date",
        ));
    }
}

/// An IRO named on a record must be one the council holds, in post on the
/// day.
fn iro_problems(ds: &Dataset, iro: Option<&IroId>, date: NaiveDate, out: &mut Vec<EntryProblem>) {
    let Some(id) = iro else { return };
    match ds.iros.iter().find(|i| &i.id == id) {
        None => out.push(problem("iro", "Select an IRO from the list")),
        Some(i) if i.started > date || i.left.is_some_and(|l| l <= date) => out.push(problem(
            "iro",
            format!("{} was not an IRO on that date", i.name),
        )),
        Some(_) => {}
    }
}

/// What is checked when a midway check is recorded, or corrected
/// (`replacing` is the version held, left out of the duplicate check): the
/// date not in the future and in a period of care, no other check held on
/// that date, the IRO in post on it. Problems are named by the forms'
/// fields (`date`, `iro`).
pub fn midway_check_problems(
    ds: &Dataset,
    check: &MidwayCheck,
    today: NaiveDate,
    replacing: Option<&MidwayCheck>,
) -> Vec<EntryProblem> {
    let mut out = Vec::new();
    date_problems(ds, &check.child, check.date, today, "date", &mut out);
    if ds
        .midway_checks
        .iter()
        .filter(|m| Some(*m) != replacing)
        .any(|m| m.child == check.child && m.date == check.date)
    {
        out.push(problem(
            "date",
            "A midway check on that date is already recorded",
        ));
    }
    iro_problems(ds, check.iro.as_ref(), check.date, &mut out);
    out
}

/// What is checked when a visit is recorded, or corrected (`replacing` is
/// the version held): the date as for a midway check, and no other visit
/// held on that date made the same way.
pub fn visit_problems(
    ds: &Dataset,
    visit: &IroVisit,
    today: NaiveDate,
    replacing: Option<&IroVisit>,
) -> Vec<EntryProblem> {
    let mut out = Vec::new();
    date_problems(ds, &visit.child, visit.date, today, "date", &mut out);
    if ds
        .visits
        .iter()
        .filter(|v| Some(*v) != replacing)
        .any(|v| v.child == visit.child && v.date == visit.date && v.kind == visit.kind)
    {
        out.push(problem(
            "date",
            "That visit is already recorded: the same day, the same way",
        ));
    }
    iro_problems(ds, visit.iro.as_ref(), visit.date, &mut out);
    out
}

/// What is checked when a child is allocated to an IRO from `from`: the
/// start no more than a month after today, the child looked after that day
/// (only children looked after have an IRO), the IRO in post that day.
/// Problems name the allocation form's fields (`from`, `child`, `iro`).
pub fn allocation_start_problems(
    ds: &Dataset,
    child: &ChildId,
    iro: &IroId,
    from: NaiveDate,
    today: NaiveDate,
) -> Vec<EntryProblem> {
    let mut out = Vec::new();
    if from
        > today
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(today)
    {
        out.push(problem(
            "from",
            "Allocated from must be no more than a month from today",
        ));
    }
    let looked_after = ByChild::new(ds)
        .periods
        .get(child)
        .is_some_and(|ps| ps.iter().any(|p| p.is_open_on(from)));
    if !looked_after {
        out.push(problem(
            "child",
            format!(
                "Child {child} is not looked after on that date: only children looked after are allocated an IRO"
            ),
        ));
    }
    match ds.iros.iter().find(|i| &i.id == iro) {
        None => out.push(problem("iro", "Select an IRO from the list")),
        Some(i) if i.started > from || i.left.is_some_and(|l| l <= from) => out.push(problem(
            "iro",
            format!("{} is not an IRO of the service on that date", i.name),
        )),
        Some(_) => {}
    }
    out
}

/// What is checked when an allocation is corrected (`replacing` is the
/// version held): the start as for a new one (its `child` problem named on
/// `from`, the field the correction form has), an end after the start and
/// not after today, and no overlap with the child's other allocations.
pub fn allocation_problems(
    ds: &Dataset,
    allocation: &Allocation,
    today: NaiveDate,
    replacing: &Allocation,
) -> Vec<EntryProblem> {
    let a = allocation;
    let mut out: Vec<EntryProblem> = allocation_start_problems(ds, &a.child, &a.iro, a.from, today)
        .into_iter()
        .map(|p| EntryProblem {
            field: if p.field == "child" {
                "from".to_owned()
            } else {
                p.field
            },
            message: p.message,
        })
        .collect();
    // A start already held stays correctable though more than a month
    // has passed: only a start moved later is held to the month.
    if a.from == replacing.from {
        out.retain(|p| !p.message.starts_with("Allocated from must be"));
    }
    if let Some(to) = a.to {
        if to <= a.from {
            out.push(problem("to", "The allocation must end after it began"));
        } else if to > today {
            out.push(problem("to", "The allocation cannot end after today"));
        }
    }
    let overlaps = ds
        .allocations
        .iter()
        .filter(|o| o.child == a.child && *o != replacing)
        .any(|o| {
            let ends_after_start = o.to.is_none_or(|t| t > a.from);
            let starts_before_end = a.to.is_none_or(|t| o.from < t);
            ends_after_start && starts_before_end
        });
    if overlaps {
        out.push(problem(
            "from",
            "Another allocation of this child covers some of these dates: correct that one first",
        ));
    }
    out
}

/// What is checked when a challenge is corrected: raised today or before,
/// with a theme; the first stage begins the day it was raised and each
/// later one no earlier than the one before and not after today; a
/// response no earlier than its stage began and not after today; a Cafcass
/// referral between the raising and today; closed (with an outcome, and an
/// outcome only when closed) no earlier than the last stage began and not
/// after today. Problems name the correction form's fields (`raised`,
/// `themes`, `stage_N_started`, `stage_N_responded`, `cafcass`,
/// `resolved`, `outcome`; N from 0).
pub fn challenge_problems(challenge: &Challenge, today: NaiveDate) -> Vec<EntryProblem> {
    let c = challenge;
    let mut out = Vec::new();
    if c.raised > today {
        out.push(problem(
            "raised",
            "The date raised must be today or in the past",
        ));
    }
    if c.themes.is_empty() {
        out.push(problem("themes", "Select at least one theme"));
    }
    let mut before = c.raised;
    for (i, s) in c.stages.iter().enumerate() {
        if i == 0 && s.started != c.raised {
            out.push(problem(
                "raised",
                "The first stage begins on the day the challenge was raised",
            ));
        }
        if i > 0 {
            if s.started < before {
                out.push(problem(
                    format!("stage_{i}_started"),
                    format!("{} cannot begin before the stage before it", s.stage),
                ));
            } else if s.started > today {
                out.push(problem(
                    format!("stage_{i}_started"),
                    format!("{} must begin today or in the past", s.stage),
                ));
            }
        }
        if let Some(r) = s.responded
            && (r < s.started || r > today)
        {
            out.push(problem(
                format!("stage_{i}_responded"),
                format!(
                    "The response at {} must be between the day it began and today",
                    s.stage
                ),
            ));
        }
        before = before.max(s.started);
    }
    if let Some(d) = c.referred_to_cafcass
        && (d < c.raised || d > today)
    {
        out.push(problem(
            "cafcass",
            "The referral to Cafcass must be between the day the challenge was raised and today",
        ));
    }
    match (c.resolved, c.outcome) {
        (Some(d), Some(_)) => {
            if d < before || d > today {
                out.push(problem(
                    "resolved",
                    "The challenge must close between the day its last stage began and today",
                ));
            }
        }
        (Some(_), None) => out.push(problem("outcome", "Select how the challenge ended")),
        (None, Some(_)) => out.push(problem("resolved", "Enter the date the challenge closed")),
        (None, None) => {}
    }
    out
}

/// The longest reason for a correction.
pub const REASON_MAX: usize = 500;

/// The reason a correction form gives (field `correction_reason`): required,
/// at most [`REASON_MAX`] characters. Every correction form asks it the
/// same way; `noun` names the record ("review", "visit").
pub fn correction_reason_problem(reason: Option<&str>, noun: &str) -> Option<EntryProblem> {
    let reason = reason.unwrap_or("").trim();
    if reason.is_empty() {
        Some(problem(
            "correction_reason",
            format!("Enter why the {noun} is being corrected"),
        ))
    } else if reason.chars().count() > REASON_MAX {
        Some(problem(
            "correction_reason",
            "The reason must be 500 characters or fewer",
        ))
    } else {
        None
    }
}

/// One field of a record as a page shows it: its form name, its label and
/// its value in words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ShownField {
    pub field: &'static str,
    pub label: &'static str,
    pub value: String,
}

fn uk(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn iro_shown(ds: &Dataset, iro: Option<&IroId>) -> String {
    iro.map(|i| iro_name(ds, i))
        .unwrap_or_else(|| "Not recorded".to_owned())
}

/// A midway check in words, field by field.
pub fn midway_check_shown(ds: &Dataset, check: &MidwayCheck) -> Vec<ShownField> {
    vec![
        ShownField {
            field: "date",
            label: "Date of the check",
            value: uk(check.date),
        },
        ShownField {
            field: "iro",
            label: "IRO",
            value: iro_shown(ds, check.iro.as_ref()),
        },
    ]
}

/// A visit in words, field by field.
pub fn visit_shown(ds: &Dataset, visit: &IroVisit) -> Vec<ShownField> {
    vec![
        ShownField {
            field: "date",
            label: "Date",
            value: uk(visit.date),
        },
        ShownField {
            field: "kind",
            label: "How the IRO saw or spoke to the child",
            value: visit.kind.label().to_owned(),
        },
        ShownField {
            field: "iro",
            label: "IRO",
            value: iro_shown(ds, visit.iro.as_ref()),
        },
    ]
}

/// An allocation in words, field by field.
pub fn allocation_shown(ds: &Dataset, allocation: &Allocation) -> Vec<ShownField> {
    vec![
        ShownField {
            field: "iro",
            label: "IRO",
            value: iro_name(ds, &allocation.iro),
        },
        ShownField {
            field: "from",
            label: "Allocated from",
            value: uk(allocation.from),
        },
        ShownField {
            field: "to",
            label: "Ended on",
            value: allocation
                .to
                .map(uk)
                .unwrap_or_else(|| "Current".to_owned()),
        },
    ]
}

/// The IROs a correction may name for a record dated `date` (in post that
/// day), with the one held first kept even if they have left since.
pub fn iros_for(ds: &Dataset, date: NaiveDate, held: Option<&IroId>) -> Vec<(String, String)> {
    ds.iros
        .iter()
        .filter(|i| Some(&i.id) == held || (i.started <= date && i.left.is_none_or(|l| l > date)))
        .map(|i| (i.id.0.clone(), i.name.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Child, Episode, Iro, VisitKind};

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_iso_date(s).unwrap()
    }

    /// A child looked after from 1 April 2024 to 1 September 2024, a midway
    /// check on 1 June and a visit on 2 June; IRO1 in post throughout,
    /// IRO2 from 1 July 2024.
    fn council() -> (ChildId, Dataset) {
        let id: ChildId = "K1".parse().unwrap();
        let iro = |i: &str, started: &str| Iro {
            id: IroId(i.into()),
            name: format!("Officer {i}"),
            fte: 1.0,
            started: d(started),
            left: None,
        };
        let ds = Dataset {
            children: vec![Child {
                id: id.clone(),
                sex: "2".parse().unwrap(),
                date_of_birth: d("2012-03-03"),
                ethnicity: "WBRI".parse().unwrap(),
                upn: None,
                mother: None,
                mothers_child_dob: None,
                uasc: None,
                name: None,
            }],
            episodes: vec![Episode {
                child: id.clone(),
                start: d("2024-04-01"),
                end: Some(d("2024-09-01")),
                reason_new: "S".parse().unwrap(),
                legal_status: "V2".parse().unwrap(),
                category_of_need: None,
                placement: "U6".parse().unwrap(),
                provider: None,
                reason_ceased: Some("E4A".parse().unwrap()),
                reason_place_change: None,
                home_postcode: None,
                placement_postcode: None,
                urn: None,
            }],
            iros: vec![iro("IRO1", "2020-01-01"), iro("IRO2", "2024-07-01")],
            midway_checks: vec![MidwayCheck {
                child: id.clone(),
                date: d("2024-06-01"),
                iro: Some(IroId("IRO1".into())),
            }],
            visits: vec![IroVisit {
                child: id.clone(),
                date: d("2024-06-02"),
                kind: VisitKind::InPerson,
                iro: None,
            }],
            ..Dataset::default()
        };
        (id, ds)
    }

    fn fields(p: &[EntryProblem]) -> Vec<String> {
        p.iter().map(|p| p.field.clone()).collect::<Vec<_>>()
    }

    #[test]
    fn a_midway_check_is_checked_the_same_way_recorded_or_corrected() {
        let (id, ds) = council();
        let today = d("2025-01-01");
        let held = ds.midway_checks[0].clone();
        let check = |date: &str, iro: Option<&str>| MidwayCheck {
            child: id.clone(),
            date: d(date),
            iro: iro.map(|i| IroId(i.into())),
        };
        // Recorded again on the day held: a duplicate; as a correction of
        // that one, not.
        assert_eq!(
            fields(&midway_check_problems(&ds, &held, today, None)),
            ["date"]
        );
        assert!(midway_check_problems(&ds, &held, today, Some(&held)).is_empty());
        // Outside care, in the future, before the IRO began.
        for date in ["2024-03-31", "2024-09-01", "2025-01-02"] {
            assert_eq!(
                fields(&midway_check_problems(
                    &ds,
                    &check(date, None),
                    today,
                    Some(&held)
                )),
                ["date"],
                "{date}"
            );
        }
        let early = midway_check_problems(&ds, &check("2024-06-10", Some("IRO2")), today, None);
        assert_eq!(fields(&early), ["iro"]);
        assert_eq!(early[0].message, "Officer IRO2 was not an IRO on that date");
        assert_eq!(
            fields(&midway_check_problems(
                &ds,
                &check("2024-06-10", Some("NOBODY")),
                today,
                None
            )),
            ["iro"]
        );
        assert!(
            midway_check_problems(&ds, &check("2024-07-10", Some("IRO2")), today, Some(&held))
                .is_empty()
        );
    }

    #[test]
    fn a_visit_is_a_duplicate_only_on_the_same_day_the_same_way() {
        let (id, ds) = council();
        let today = d("2025-01-01");
        let held = ds.visits[0].clone();
        let phone = IroVisit {
            kind: VisitKind::Phone,
            ..held.clone()
        };
        assert_eq!(fields(&visit_problems(&ds, &held, today, None)), ["date"]);
        assert!(visit_problems(&ds, &phone, today, None).is_empty());
        assert!(visit_problems(&ds, &phone, today, Some(&held)).is_empty());
        let in_1990 = IroVisit {
            child: id,
            date: d("1990-01-01"),
            ..held.clone()
        };
        assert_eq!(
            fields(&visit_problems(&ds, &in_1990, today, Some(&held))),
            ["date"]
        );
    }

    #[test]
    fn an_allocation_is_corrected_within_care_and_without_overlap() {
        let (id, mut ds) = council();
        let today = d("2025-01-01");
        let alloc = |iro: &str, from: &str, to: Option<&str>| Allocation {
            child: id.clone(),
            iro: IroId(iro.into()),
            from: d(from),
            to: to.map(d),
        };
        ds.allocations = vec![
            alloc("IRO1", "2024-04-01", Some("2024-07-01")),
            alloc("IRO2", "2024-07-01", None),
        ];
        let held = ds.allocations[0].clone();
        assert!(
            allocation_problems(
                &ds,
                &alloc("IRO1", "2024-04-02", Some("2024-07-01")),
                today,
                &held
            )
            .is_empty()
        );
        let problems = |a: &Allocation| fields(&allocation_problems(&ds, a, today, &held));
        // Overlapping the next one; ending before it began; before care.
        assert_eq!(
            problems(&alloc("IRO1", "2024-04-01", Some("2024-07-02"))),
            ["from"]
        );
        assert_eq!(
            problems(&alloc("IRO1", "2024-04-01", Some("2024-04-01"))),
            ["to"]
        );
        assert_eq!(
            problems(&alloc("IRO1", "2024-03-01", Some("2024-07-01"))),
            ["from"]
        );
        // IRO2 began on 1 July 2024.
        assert_eq!(
            problems(&alloc("IRO2", "2024-04-01", Some("2024-07-01"))),
            ["iro"]
        );
        assert_eq!(
            held.changed_fields(&alloc("IRO1", "2024-04-02", None)),
            ["from", "to"]
        );
        assert_eq!(
            allocation_shown(&ds, &ds.allocations[1])[2].value,
            "Current"
        );
    }

    #[test]
    fn a_challenge_corrected_keeps_its_dates_in_order() {
        use crate::model::{ChallengeOutcome, ChallengeStage};
        let (id, _) = council();
        let today = d("2025-01-01");
        let stage = |name: &str, started: &str, responded: Option<&str>| ChallengeStage {
            stage: name.into(),
            started: d(started),
            timescale_working_days: 5,
            responded: responded.map(d),
        };
        let good = Challenge {
            id: 1,
            child: id,
            iro: None,
            raised: d("2024-06-01"),
            themes: vec!["Care planning".into()],
            sub_theme: None,
            stages: vec![
                stage("informal", "2024-06-01", Some("2024-06-05")),
                stage("stage 1", "2024-06-10", None),
            ],
            referred_to_cafcass: None,
            resolved: Some(d("2024-07-01")),
            outcome: Some(ChallengeOutcome::Resolved),
        };
        assert!(challenge_problems(&good, today).is_empty());
        let mut bad = good.clone();
        bad.themes.clear();
        bad.stages[1].started = d("2024-05-01");
        bad.stages[0].responded = Some(d("2024-05-30"));
        bad.referred_to_cafcass = Some(d("2025-02-01"));
        bad.outcome = None;
        assert_eq!(
            fields(&challenge_problems(&bad, today)),
            [
                "themes",
                "stage_0_responded",
                "stage_1_started",
                "cafcass",
                "outcome"
            ]
        );
        let mut moved = good.clone();
        moved.raised = d("2024-06-02");
        assert_eq!(fields(&challenge_problems(&moved, today)), ["raised"]);
        assert_eq!(moved.changed_fields(&good), ["raised"]);
    }

    #[test]
    fn what_changed_names_fields_never_values() {
        let (_, ds) = council();
        let held = ds.visits[0].clone();
        let corrected = IroVisit {
            date: d("2024-06-03"),
            kind: VisitKind::Virtual,
            ..held.clone()
        };
        assert_eq!(corrected.changed_fields(&held), ["date", "kind"]);
        assert!(held.changed_fields(&held).is_empty());
        let m = ds.midway_checks[0].clone();
        let n = MidwayCheck {
            iro: None,
            ..m.clone()
        };
        assert_eq!(n.changed_fields(&m), ["iro"]);
        let shown = visit_shown(&ds, &corrected);
        assert_eq!(shown[0].value, "3 Jun 2024");
        assert_eq!(shown[1].value, "Virtually (video)");
        assert_eq!(shown[2].value, "Not recorded");
        assert_eq!(
            iros_for(&ds, d("2024-06-01"), None),
            [("IRO1".to_owned(), "Officer IRO1".to_owned())]
        );
    }
}
