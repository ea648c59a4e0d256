//! A small synthetic council for the report tests: 40 children with
//! episodes from 2019, reviews on a near-statutory rhythm (some late), IRO
//! details, midway checks, visits, challenges and missing episodes.

#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::codes::{Ethnicity, MissingKind, Sex};
use footprint_domain::dates::CollectionYear;
use footprint_domain::measures::MeasureSettings;
use footprint_domain::model::*;
use footprint_report::{AnnualReport, Narrative};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn plus(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap()
}

fn episode(
    c: &ChildId,
    start: NaiveDate,
    end: Option<NaiveDate>,
    rne: &str,
    ls: &str,
    place: &str,
    rec: Option<&str>,
) -> Episode {
    Episode {
        child: c.clone(),
        start,
        end,
        reason_new: rne.parse().unwrap(),
        legal_status: ls.parse().unwrap(),
        category_of_need: None,
        placement: place.parse().unwrap(),
        provider: None,
        reason_ceased: rec.map(|r| r.parse().unwrap()),
        reason_place_change: None,
        home_postcode: None,
        placement_postcode: None,
        urn: None,
    }
}

pub fn dataset() -> Dataset {
    let mut data = Dataset {
        reviews_known_from: Some(d(2019, 4, 1)),
        ..Dataset::default()
    };
    let iros = [IroId("iro1".into()), IroId("iro2".into())];
    for (k, iro) in iros.iter().enumerate() {
        data.iros.push(Iro {
            id: iro.clone(),
            name: format!("IRO {}", k + 1),
            fte: if k == 0 { 1.0 } else { 0.6 },
            started: d(2015, 1, 1),
            left: None,
        });
    }
    let places = ["U4", "U6", "U6", "K2", "U1", "U4", "A4"];
    let pns = ["PN1", "PN1", "PN5", "PN6", "PN2", "PN1", "PN7", "PN0"];
    for i in 0..40u64 {
        let id: ChildId = format!("C{i:03}").parse().unwrap();
        data.children.push(Child {
            id: id.clone(),
            sex: if i % 2 == 0 { Sex::Male } else { Sex::Female },
            date_of_birth: d(
                2004 + (i % 16) as i32,
                1 + (i % 12) as u32,
                1 + (i % 27) as u32,
            ),
            ethnicity: if i % 5 == 0 {
                Ethnicity::BAFR
            } else {
                Ethnicity::WBRI
            },
            upn: None,
            mother: None,
            mothers_child_dob: None,
            uasc: None,
            name: None,
        });
        let start = plus(d(2019, 1, 7), i * 23);
        let place = places[(i % 7) as usize];
        let ls = if place == "A4" {
            "E1"
        } else if i % 3 == 0 {
            "V2"
        } else {
            "C2"
        };
        // Every fifth child leaves care in 2021-22 (adopted if placed for
        // adoption, otherwise returned home); every seventh moves once.
        let end = (i % 5 == 4).then(|| plus(d(2021, 5, 3), i * 5));
        let rec = end.map(|_| if place == "A4" { "E11" } else { "E4A" });
        if i % 7 == 3 {
            let moved = plus(start, 200);
            data.episodes
                .push(episode(&id, start, Some(moved), "S", ls, place, Some("X1")));
            data.episodes
                .push(episode(&id, moved, end, "P", ls, "U6", rec));
        } else {
            data.episodes
                .push(episode(&id, start, end, "S", ls, place, rec));
        }
        // Reviews: day 14, then 3 months less a week, then 6 months less a
        // fortnight; every sixth child's reviews drift a month late.
        let late = if i % 6 == 0 { 35 } else { 0 };
        let mut date = plus(start, 14);
        let mut n = 0;
        while date < end.unwrap_or(d(2022, 6, 30)) && date < d(2022, 6, 30) {
            let in_year = CollectionYear::new(2021).contains(date);
            data.reviews.push(Review {
                child: id.clone(),
                date,
                participation: Some(pns[((i + n) % 8) as usize].parse().unwrap()),
                details: in_year.then(|| ReviewDetails {
                    chair: Some(iros[(i % 2) as usize].clone()),
                    attendance: vec![AttendeeRole::Carer, AttendeeRole::SocialWorker],
                    social_worker_report: SocialWorkerReport::Received(
                        plus(date, 0).pred_opt().unwrap(),
                    ),
                    decisions_issued: Some(plus(date, 3)),
                    record_circulated: Some(plus(date, 10 + (i % 3) * 7)),
                    quality: Some(if i % 4 == 0 {
                        QualityGrade::Good
                    } else {
                        QualityGrade::RequiresImprovement
                    }),
                    // The drifting children's later reviews are late: half
                    // of them with a reason recorded.
                    late_reason: (late > 0 && n >= 1 && i % 12 == 0)
                        .then(|| LateReason::CourtHearing.key().to_owned()),
                    ..ReviewDetails::default()
                }),
            });
            if in_year && n >= 1 {
                data.midway_checks.push(MidwayCheck {
                    child: id.clone(),
                    date: plus(date, 60),
                    iro: None,
                });
            }
            data.visits.push(IroVisit {
                child: id.clone(),
                date: date.pred_opt().unwrap(),
                kind: VisitKind::InPerson,
                iro: None,
            });
            n += 1;
            date = plus(date, if n == 1 { 84 } else { 170 } + late);
        }
        data.allocations.push(Allocation {
            child: id.clone(),
            iro: iros[(i % 2) as usize].clone(),
            from: start,
            to: end,
        });
        if i % 4 == 1 {
            data.missing.push(MissingEpisode {
                child: id.clone(),
                kind: MissingKind::Missing,
                start: plus(d(2021, 6, 1), i),
                end: None,
            });
        }
        if i % 6 == 2 {
            data.challenges.push(Challenge {
                id: i as i64,
                child: id.clone(),
                iro: Some(iros[0].clone()),
                raised: plus(d(2021, 4, 12), i * 7),
                themes: vec!["drift and delay".into()],
                sub_theme: None,
                stages: vec![ChallengeStage {
                    stage: "informal".into(),
                    started: plus(d(2021, 4, 12), i * 7),
                    timescale_working_days: 5,
                    responded: Some(plus(d(2021, 4, 14), i * 7)),
                }],
                referred_to_cafcass: None,
                resolved: Some(plus(d(2021, 4, 14), i * 7)),
                outcome: Some(ChallengeOutcome::Resolved),
            });
        }
    }
    // A review outside any period of care (a data error).
    data.reviews.push(Review {
        child: "C004".parse().unwrap(),
        date: d(2022, 3, 1),
        participation: None,
        details: None,
    });
    // Health outcomes (OC2) for 2021-22 of the children still in care.
    for i in (0..40u64).filter(|i| i % 5 != 4) {
        data.health_outcomes.push(HealthOutcomes {
            child: format!("C{i:03}").parse().unwrap(),
            year: CollectionYear::new(2021),
            sdq_score: (i % 3 != 0).then_some((i % 25) as u8),
            sdq_reason: (i % 3 == 0).then_some(footprint_domain::codes::SdqReason::Other),
            convicted: Some(i % 11 == 0),
            health_check: Some(i % 7 != 0),
            immunisations: Some(i % 6 != 0),
            teeth_check: Some(i % 4 != 0),
            health_assessment: Some(i % 9 != 0),
            substance_misuse: Some(i % 13 == 0),
            intervention_received: None,
            intervention_offered: None,
        });
    }
    data
}

pub fn settings() -> MeasureSettings {
    MeasureSettings {
        population_0_17: Some(40_000),
        local_authority_code: Some("E09000027".into()),
        ..MeasureSettings::default()
    }
}

pub fn narratives() -> Vec<Narrative> {
    vec![
        Narrative {
            slot: "working_well".into(),
            text: "Reviews are held on time & children take part.".into(),
        },
        Narrative {
            slot: "worried_about".into(),
            text: "Midway checks <are> not yet routine.".into(),
        },
    ]
}

pub fn report(publication: bool) -> AnnualReport {
    AnnualReport::compute(
        &dataset(),
        CollectionYear::new(2021),
        &settings(),
        &WorkingDayCalendar::england_and_wales(),
        narratives(),
        publication,
    )
}
