//! The other records the reports need beyond the 903: secure accommodation,
//! private fostering and foster carer reviews, disruption meetings, child
//! protection plans with their review conferences, life-story work,
//! advocacy, how the child's views reached each review, and case alerts,
//! dated from 13 months before the first reported year to `as_of`.
//!
//! Drawn from their own random stream (seeded from the council's seed), so
//! adding them changes nothing else in the council (the 903 returns are the
//! same byte for byte). Volumes and timeliness are near the reference
//! reports': a few children a year in secure accommodation, reviews mostly
//! in time (Durham); about one privately fostered child to every 60 in care,
//! reviewed annually, nearly all in time (Durham 100%); a foster carer
//! household to every 5 children in care, about 70% of reviews in time
//! (Rotherham); a disruption meeting for about 1 in 25 unplanned endings
//! (Rotherham 7 a year); about 8% of children coming into care on a child
//! protection plan, most ending within the first 3 months (Rotherham); life
//! story tracked for about 80% of children, about half adequate, a third
//! complete (Rotherham); views reaching nearly every review; case alerts
//! about one to every five children in care a year (Peterborough).
//!
//! Each private fostering arrangement is notified (mostly by a parent, the
//! carer or a school, a few days before it begins, some after it has
//! begun), and visited under the 2005 Regulations, about 90% of visits in
//! time; a few arrangements begun lately are notified and visited but not
//! yet reviewed. The notifications have their own stream too, so the other
//! records are the same as before them. No reference report publishes the
//! visits' timeliness: 90% in time is an assumption, not a reference
//! figure.
//!
//! Case file audits, from a stream of their own too: about one for every 20
//! reviews held (so about one to every ten children in care a year:
//! Rotherham requested 55 and 47 in two years), each requested a few days
//! after a review by the IRO or the service manager, most completed within
//! two months (about 80–85% of a year's requested by its end: Rotherham's 46
//! of 55), a few cancelled, a few completed late; graded mostly good or requiring improvement,
//! about one in ten not graded. The findings are a few fixed synthetic
//! sentences.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::case_records::{
    Advocacy, AdvocacyKind, AlertOutcome, AuditRequester, CarerReviewKind, CaseAlert,
    CaseFileAudit, CaseRecordTimescales, CaseRecords, ChildProtectionPlan, ChildViews,
    DisruptionMeeting, FosterCarerReview, LifeStoryForm, LifeStoryStatus, LifeStoryWork, Notifier,
    PrivateFosteringNotification, PrivateFosteringReview, ProtectionConference, SecureDecision,
    SecureReview, ViewsRoute, private_fostering_visit_schedule,
};
use footprint_domain::codes::ParticipationCode;
use footprint_domain::dates::{add_months, age_on};
use footprint_domain::model::{Child, ChildId, Dataset, Episode, QualityGrade, Review};
use footprint_domain::periods::assemble_periods;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::util::{add_days, days_between, pick};

/// Mixed into the council's seed for this stream.
const STREAM: u64 = 0x0CA5_E12E_C0D5_0117;

/// Mixed into the council's seed for the private fostering notifications'
/// stream.
const NOTICES: u64 = 0x0B0F_F05E_4E07_1CE5;

/// Mixed into the council's seed for the case file audits' stream.
const AUDITS: u64 = 0x0A0D_17F1_1E5A_0023;

/// The findings of a synthetic audit (no real child is in them).
const FINDINGS: [&str; 4] = [
    "Synthetic: the care plan is up to date and reflects the child's wishes.",
    "Synthetic: actions from the last review are not yet recorded as done.",
    "Synthetic: the chronology needs bringing up to date.",
    "Synthetic: good evidence of the child's voice throughout the file.",
];

/// The case-alert themes (as a council lists them).
/// The case-alert themes: keys of the default list of challenge themes
/// (`ThemeList::default_list`), weighted as a council's alerts fall.
const THEMES: [(&str, u32); 9] = [
    ("care_planning", 50),
    ("placement", 12),
    ("contact_with_family", 10),
    ("health", 6),
    ("education", 8),
    ("permanence", 6),
    ("delay_in_actions_from_reviews", 5),
    ("pathway_planning", 3),
    ("social_worker_visits", 3),
];

struct Ids(u64);

impl Ids {
    fn next(&mut self, prefix: &str) -> String {
        self.0 += 1;
        format!("{prefix}{:06}", self.0)
    }
}

/// A meeting held near its due date: in time with probability `in_time`
/// (up to `early` days before), else 1 to `late` days after.
fn held(rng: &mut ChaCha8Rng, due: NaiveDate, in_time: f64, early: i64, late: i64) -> NaiveDate {
    if rng.random_bool(in_time) {
        add_days(due, -days_between(rng, 0, early))
    } else {
        add_days(due, days_between(rng, 1, late))
    }
}

/// Every record, each list sorted.
#[allow(clippy::too_many_lines)]
pub(crate) fn records(seed: u64, ds: &Dataset, from: NaiveDate, as_of: NaiveDate) -> CaseRecords {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STREAM);
    let t = CaseRecordTimescales::default();
    let mut ids = Ids(0);
    let mut out = CaseRecords::default();
    let keep_from = add_days(from, -400);
    let mut sorted: Vec<&Episode> = ds.episodes.iter().collect();
    sorted.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));
    let children: BTreeMap<&ChildId, &Child> = ds.children.iter().map(|c| (&c.id, c)).collect();
    let mut reviews: BTreeMap<&ChildId, Vec<&Review>> = BTreeMap::new();
    for r in &ds.reviews {
        reviews.entry(&r.child).or_default().push(r);
    }
    for list in reviews.values_mut() {
        list.sort_by_key(|r| r.date);
    }
    let mut in_care_now = 0u64;

    for group in sorted.chunk_by(|a, b| a.child == b.child) {
        let id = &group[0].child;
        let Some(child) = children.get(id) else {
            continue;
        };
        let eps: Vec<Episode> = group.iter().map(|e| (*e).clone()).collect();
        for p in assemble_periods(&eps).periods {
            let Some(start) = p.looked_after_from() else {
                continue;
            };
            if p.end().is_some_and(|e| e < keep_from) || start > as_of {
                continue;
            }
            let until = p.end().map_or(as_of, |e| e.min(as_of));
            if p.is_looked_after_on(as_of) {
                in_care_now += 1;
            }
            let span = (until - start).num_days().max(0);

            // A child protection plan open on coming into care.
            if start >= keep_from && rng.random_bool(0.08) {
                let plan_start = add_days(start, -days_between(&mut rng, 0, 60));
                let end = if rng.random_bool(0.85) {
                    add_days(start, days_between(&mut rng, 10, 80))
                } else {
                    add_days(start, days_between(&mut rng, 120, 420))
                };
                let end = (end <= as_of).then_some(end);
                let stop = end.unwrap_or(as_of);
                let mut due = add_months(plan_start, t.conference_first_months);
                while due <= stop {
                    let on = held(&mut rng, due, 0.88, 20, 40).min(stop);
                    if on <= plan_start {
                        break;
                    }
                    out.protection_conferences.push(ProtectionConference {
                        id: ids.next("K"),
                        child: id.clone(),
                        date: on,
                    });
                    due = add_months(on, t.conference_next_months);
                }
                out.protection_plans.push(ChildProtectionPlan {
                    id: ids.next("CP"),
                    child: id.clone(),
                    start: plan_start,
                    end,
                });
            }

            // A stay in secure accommodation.
            if span > 60 && rng.random_bool(0.01) {
                let placed = add_days(start, days_between(&mut rng, 0, span - 30));
                let leaves = add_days(placed, days_between(&mut rng, 45, 300)).min(until);
                let mut due = add_months(placed, t.secure_first_months);
                let mut dates = Vec::new();
                while due <= leaves {
                    let on = held(&mut rng, due, 0.9, 7, 20);
                    dates.push(on);
                    due = add_months(on, t.secure_next_months);
                }
                let n = dates.len();
                for (k, on) in dates.into_iter().enumerate() {
                    if on >= keep_from && on <= as_of {
                        out.secure_reviews.push(SecureReview {
                            id: ids.next("S"),
                            child: id.clone(),
                            placed,
                            date: on,
                            decision: if k + 1 == n && leaves < until {
                                SecureDecision::CriteriaNotMet
                            } else {
                                SecureDecision::CriteriaMet
                            },
                        });
                    }
                }
            }

            // Disruption meetings after some placements ended unplanned.
            for e in p.episodes.iter() {
                let Some(end) = e.end else { continue };
                let moved = p.episodes.iter().any(|x| x.start == end);
                if moved && end >= keep_from && end < until && rng.random_bool(0.05) {
                    let on = add_days(end, days_between(&mut rng, 5, 40));
                    if on <= as_of {
                        let mut kids = vec![id.clone()];
                        if let Some(g) = ds.sibling_group_of(id)
                            && rng.random_bool(0.5)
                        {
                            kids = g.to_vec();
                        }
                        out.disruption_meetings.push(DisruptionMeeting {
                            id: ids.next("D"),
                            date: on,
                            children: kids,
                            placement_ended: end,
                        });
                    }
                }
            }

            // Case alerts: about one to every five children a year.
            let first = start.max(keep_from);
            let years = ((until - first).num_days().max(0) as f64) / 365.0;
            let mut expected = years * 0.2;
            while expected > 0.0 {
                if rng.random_bool(expected.min(1.0)) {
                    let raised = add_days(
                        first,
                        days_between(&mut rng, 0, (until - first).num_days().max(0)),
                    );
                    let closed = if rng.random_bool(0.75) {
                        add_days(raised, days_between(&mut rng, 1, 13))
                    } else {
                        add_days(raised, days_between(&mut rng, 15, 70))
                    };
                    let closed = (closed <= as_of).then_some(closed);
                    let (theme, sub_theme) = crate::util::pick_theme(&mut rng, &THEMES);
                    out.case_alerts.push(CaseAlert {
                        id: ids.next("E"),
                        child: id.clone(),
                        raised,
                        theme,
                        sub_theme,
                        closed,
                        outcome: closed.map(|_| {
                            pick(
                                &mut rng,
                                &[
                                    (AlertOutcome::Resolved, 85),
                                    (AlertOutcome::Escalated, 10),
                                    (AlertOutcome::Withdrawn, 5),
                                ],
                            )
                        }),
                    });
                }
                expected -= 1.0;
            }

            // Advocacy: a referral and a few contacts for about one child
            // in ten.
            if rng.random_bool(0.1) && span > 0 {
                let referred = add_days(
                    first,
                    days_between(&mut rng, 0, (until - first).num_days().max(0)),
                );
                out.advocacy.push(Advocacy {
                    id: ids.next("A"),
                    child: id.clone(),
                    date: referred,
                    kind: AdvocacyKind::Referral,
                    care_leaver: false,
                });
                let mut on = referred;
                for _ in 0..days_between(&mut rng, 1, 4) {
                    on = add_days(on, days_between(&mut rng, 3, 40));
                    if on > until {
                        break;
                    }
                    out.advocacy.push(Advocacy {
                        id: ids.next("A"),
                        child: id.clone(),
                        date: on,
                        kind: AdvocacyKind::Contact,
                        care_leaver: false,
                    });
                }
            }
            // Care leavers: an advocate's contact after leaving care at 17
            // or more for about one in four.
            if let Some(end) = p.end()
                && end >= keep_from
                && age_on(child.date_of_birth, end) >= 17
                && rng.random_bool(0.25)
            {
                let on = add_days(end, days_between(&mut rng, 20, 300));
                if on <= as_of {
                    out.advocacy.push(Advocacy {
                        id: ids.next("A"),
                        child: id.clone(),
                        date: on,
                        kind: AdvocacyKind::Contact,
                        care_leaver: true,
                    });
                }
            }

            // Life story (for about 80% of children) and views, at each
            // review in the period.
            let tracked = rng.random_bool(0.8);
            let form = pick(
                &mut rng,
                &[
                    (LifeStoryForm::Book, 40),
                    (LifeStoryForm::LaterLifeLetter, 20),
                    (LifeStoryForm::Timeline, 20),
                    (LifeStoryForm::Digital, 10),
                    (LifeStoryForm::MemoryBox, 10),
                ],
            );
            let pace = days_between(&mut rng, 120, 900);
            for r in reviews.get(id).map_or(&[][..], Vec::as_slice) {
                if r.date < start || r.date > until || r.date < keep_from {
                    continue;
                }
                if tracked {
                    let months_in = (r.date - start).num_days();
                    let status = match months_in * 3 / pace.max(1) {
                        0 => LifeStoryStatus::NotStarted,
                        1 => LifeStoryStatus::InProgress,
                        2..=3 => LifeStoryStatus::AdequateForNow,
                        _ => LifeStoryStatus::Complete,
                    };
                    out.life_story.push(LifeStoryWork {
                        id: ids.next("L"),
                        child: id.clone(),
                        date: r.date,
                        status,
                        form: (status != LifeStoryStatus::NotStarted)
                            .then(|| form.key().to_owned()),
                    });
                }
                let mut route = |route: ViewsRoute| {
                    out.views.push(ChildViews {
                        id: ids.next("W"),
                        child: id.clone(),
                        review_date: r.date,
                        route: route.key().to_owned(),
                    });
                };
                use ParticipationCode as P;
                match r.participation {
                    Some(P::PN0) => {}
                    Some(P::PN1 | P::PN2 | P::PN3 | P::PN4) => {
                        route(ViewsRoute::InPerson);
                        if rng.random_bool(0.25) {
                            route(ViewsRoute::MindOfMyOwn);
                        }
                    }
                    Some(P::PN5) => {
                        route(ViewsRoute::Advocate);
                        out.advocacy.push(Advocacy {
                            id: ids.next("A"),
                            child: id.clone(),
                            date: r.date,
                            kind: AdvocacyKind::ReviewAttendance,
                            care_leaver: false,
                        });
                    }
                    Some(P::PN6) | None => route(pick(
                        &mut rng,
                        &[
                            (ViewsRoute::MindOfMyOwn, 40),
                            (ViewsRoute::ConsultationBooklet, 40),
                            (ViewsRoute::IroVisit, 20),
                        ],
                    )),
                    Some(_) => {}
                }
            }
        }
    }

    // Private fostering: about one child to every 60 in care, reviewed
    // annually, nearly always in time.
    let arrangements = (in_care_now / 60).max(2);
    for k in 0..arrangements {
        let child: ChildId = format!("PF{:04}", k + 1).parse().expect("a valid child id");
        let window = (as_of - keep_from).num_days().max(1);
        let start = add_days(keep_from, days_between(&mut rng, -365, window - 30));
        let mut due = add_months(start, t.private_fostering_months);
        let reviews = days_between(&mut rng, 1, 3);
        let mut ongoing = false;
        let mut last_kept = None;
        for _ in 0..reviews {
            let on = held(&mut rng, due, 0.97, 30, 20);
            if on > as_of {
                ongoing = true;
                break;
            }
            if on >= keep_from {
                last_kept = Some(out.private_fostering_reviews.len());
                out.private_fostering_reviews.push(PrivateFosteringReview {
                    id: ids.next("PF"),
                    child: child.clone(),
                    arrangement_start: start,
                    date: on,
                    arrangement_end: None,
                });
            }
            due = add_months(on, t.private_fostering_months);
        }
        // An arrangement whose reviews stop before the report date ended
        // halfway to the review that was not needed; its last review
        // records it (no draw from the stream, so nothing else moves).
        if !ongoing && let Some(i) = last_kept {
            let last = out.private_fostering_reviews[i].date;
            let end = last + chrono::Duration::days((due - last).num_days() / 2);
            if end <= as_of {
                out.private_fostering_reviews[i].arrangement_end = Some(end);
            }
        }
    }

    notifications(seed, &mut out, arrangements, keep_from, as_of);
    audits(seed, ds, &mut out, keep_from, as_of);

    // Foster carer households: one to every five children in care, each
    // reviewed a year after approval and yearly after; about 70% in time.
    let households = (in_care_now / 5).max(3);
    for k in 0..households {
        let household = format!("FH{:04}", k + 1);
        let approved = add_days(keep_from, -days_between(&mut rng, -700, 5 * 365));
        let mut due = add_months(approved, t.foster_carer_months);
        let mut first = true;
        loop {
            let on = held(&mut rng, due, 0.7, 45, 90);
            if on > as_of {
                break;
            }
            if on >= keep_from {
                out.foster_carer_reviews.push(FosterCarerReview {
                    id: ids.next("FR"),
                    household: household.clone(),
                    approved,
                    date: on,
                    kind: if first {
                        CarerReviewKind::First
                    } else {
                        CarerReviewKind::Annual
                    },
                    to_panel: first || rng.random_bool(0.1),
                });
            }
            first = false;
            due = add_months(on, t.foster_carer_months);
        }
    }
    out.sort();
    out
}

/// The notification of every private fostering arrangement of `out` (its
/// reviews'), and of a few lately begun and not yet reviewed (children
/// after the `arrangements` reviewed), each with its statutory visits up
/// to `as_of` or the arrangement's end, drawn against the one visit
/// schedule ([`private_fostering_visit_schedule`]).
fn notifications(
    seed: u64,
    out: &mut CaseRecords,
    arrangements: u64,
    keep_from: NaiveDate,
    as_of: NaiveDate,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ NOTICES);
    let t = CaseRecordTimescales::default();
    let calendar = WorkingDayCalendar::england_and_wales();
    let mut starts: BTreeMap<(ChildId, NaiveDate), Option<NaiveDate>> = BTreeMap::new();
    for r in &out.private_fostering_reviews {
        let e = starts
            .entry((r.child.clone(), r.arrangement_start))
            .or_default();
        *e = (*e).max(r.arrangement_end);
    }
    // Lately begun, not yet reviewed: one to every five reviewed.
    for k in 0..(arrangements / 5).max(1) {
        let child: ChildId = format!("PF{:04}", arrangements + k + 1)
            .parse()
            .expect("a valid child id");
        starts.insert(
            (child, add_days(as_of, -days_between(&mut rng, 5, 300))),
            None,
        );
    }
    let mut n = 0;
    for ((child, start), end) in starts {
        n += 1;
        // Most notified before the arrangement begins; about one in five
        // after it has begun.
        let notified = if rng.random_bool(0.8) {
            add_days(start, -days_between(&mut rng, 0, 21))
        } else {
            add_days(start, days_between(&mut rng, 1, 60))
        };
        if notified > as_of || notified < add_days(keep_from, -400) {
            continue;
        }
        let notified_by = pick(
            &mut rng,
            &[
                (Notifier::Parent, 35),
                (Notifier::Carer, 20),
                (Notifier::School, 20),
                (Notifier::Health, 8),
                (Notifier::OtherProfessional, 10),
                (Notifier::Child, 2),
                (Notifier::Other, 5),
            ],
        );
        let mut notice = PrivateFosteringNotification {
            id: format!("PN{n:06}"),
            child,
            notified,
            notified_by,
            proposed_start: start,
            visits: Vec::new(),
            arrangement_end: end,
        };
        loop {
            let schedule = private_fostering_visit_schedule(&notice, end, &t, &calendar);
            let Some(due) = schedule.last().filter(|d| d.done.is_none()).map(|d| d.due) else {
                break;
            };
            let on = held(&mut rng, due, 0.9, 10, 15).max(notified);
            if on > as_of || end.is_some_and(|e| on > e) {
                break;
            }
            notice.visits.push(on);
        }
        out.private_fostering_notifications.push(notice);
    }
}

/// Case file audits: about one for every 20 reviews held from `keep_from`,
/// requested a few days after the review, then completed, cancelled or
/// still open on `as_of` (see the module's words).
fn audits(seed: u64, ds: &Dataset, out: &mut CaseRecords, keep_from: NaiveDate, as_of: NaiveDate) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ AUDITS);
    let mut reviews: Vec<&Review> = ds
        .reviews
        .iter()
        .filter(|r| r.date >= keep_from && r.date <= as_of)
        .collect();
    reviews.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    let mut n = 0;
    for r in reviews {
        if !rng.random_bool(0.05) {
            continue;
        }
        let requested = add_days(r.date, days_between(&mut rng, 1, 20));
        if requested > as_of {
            continue;
        }
        n += 1;
        let requested_by = pick(
            &mut rng,
            &[
                (AuditRequester::Iro, 60),
                (AuditRequester::ServiceManager, 40),
            ],
        );
        let theme = rng
            .random_bool(0.7)
            .then(|| pick(&mut rng, &THEMES).to_owned());
        let done = add_days(requested, days_between(&mut rng, 10, 60));
        let roll: f64 = rng.random();
        let mut audit = CaseFileAudit {
            id: format!("CFA{n:06}"),
            child: r.child.clone(),
            requested,
            requested_by,
            theme,
            completed: None,
            grade: None,
            findings: None,
            cancelled: None,
        };
        // Most completed within two months; a few cancelled; the rest
        // completed late (open until then).
        let late = add_days(done, days_between(&mut rng, 60, 200));
        let (on, completes) = if roll < 0.9 {
            (done, true)
        } else if roll < 0.96 {
            (done, false)
        } else {
            (late, true)
        };
        if on > as_of {
            // Still open.
        } else if completes {
            audit.completed = Some(on);
            audit.grade = rng.random_bool(0.9).then(|| {
                pick(
                    &mut rng,
                    &[
                        (QualityGrade::Outstanding, 10),
                        (QualityGrade::Good, 50),
                        (QualityGrade::RequiresImprovement, 33),
                        (QualityGrade::Inadequate, 7),
                    ],
                )
            });
            audit.findings = Some(FINDINGS[rng.random_range(0..FINDINGS.len())].to_owned());
        } else {
            audit.cancelled = Some(on);
        }
        out.case_file_audits.push(audit);
    }
}
