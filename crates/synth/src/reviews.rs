//! Phase B, part 2: a period's reviews and the IRO's records around them.
//!
//! Each review is placed against the due date the domain's own statutory
//! schedule gives ([`footprint_domain::schedule::schedule`]): most a few days
//! before it, a few late (each late one with a reason). The IRO records
//! follow the review: the social worker's report, decisions and the full
//! record, attendance, participation (PN0 exactly when the child is under 4),
//! the quality grade, recommendations, a visit to the child before the
//! review, a midway check between six-monthly reviews, and now and then a
//! challenge through the dispute resolution stages.

use chrono::{Datelike, NaiveDate};
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::codes::{LegalStatus, ParticipationCode};
use footprint_domain::dates::age_on;
use footprint_domain::model::{
    AttendeeRole, Challenge, ChallengeOutcome, ChallengeStage, ChildId, Episode, IroId, IroVisit,
    LateReason, MidwayCheck, QualityGrade, Recommendation, Review, ReviewDetails, ReviewKind,
    SocialWorkerReport, VisitKind,
};
use footprint_domain::periods::PeriodOfCare;
use footprint_domain::schedule::{SchedulePolicy, Within, schedule};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::util::{add_days, days_between, pick};

/// The council-wide habits drawn once per council.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Habits {
    /// Chance a review is held after its due date.
    pub late: f64,
    /// Chance a review leads to a challenge.
    pub challenge: f64,
    /// Chance a six-monthly interval gets a midway check.
    pub midway: f64,
}

pub(crate) struct ReviewContext<'a> {
    pub calendar: &'a WorkingDayCalendar,
    pub statutory: SchedulePolicy,
    /// The same, with a 28-day first review for periods that began before the
    /// working-day calendar starts (only ever reviews before the reported
    /// years).
    pub early_policy: SchedulePolicy,
    pub known_from: NaiveDate,
    pub as_of: NaiveDate,
    pub habits: Habits,
}

impl<'a> ReviewContext<'a> {
    pub(crate) fn new(
        calendar: &'a WorkingDayCalendar,
        known_from: NaiveDate,
        as_of: NaiveDate,
        habits: Habits,
    ) -> Self {
        // The statutory schedule with the default local rules (the adoption
        // timetable): what a council's IROs work to, and what the web
        // application shows as the next review due.
        let statutory = SchedulePolicy::statutory();
        let early_policy = SchedulePolicy {
            first_review: Within::CalendarDays(28),
            ..statutory.clone()
        };
        Self {
            calendar,
            statutory,
            early_policy,
            known_from,
            as_of,
            habits,
        }
    }
}

/// Everything produced for one period.
#[derive(Default)]
pub(crate) struct ReviewOutput {
    pub reviews: Vec<Review>,
    pub visits: Vec<IroVisit>,
    pub midway: Vec<MidwayCheck>,
    pub challenges: Vec<Challenge>,
}

/// The IRO allocated on `date`, from the period's allocations.
fn iro_on(allocations: &[(NaiveDate, Option<NaiveDate>, IroId)], date: NaiveDate) -> Option<IroId> {
    allocations
        .iter()
        .rev()
        .find(|(from, to, _)| *from <= date && to.is_none_or(|t| t > date))
        .map(|(_, _, iro)| iro.clone())
}

/// Why a late review was late, as the service records it.
const LATE_REASONS: &[(LateReason, u32)] = &[
    (LateReason::SocialWorkerUnavailable, 20),
    (LateReason::NoSocialWorkerReport, 8),
    (LateReason::CourtHearing, 7),
    (LateReason::IroUnavailable, 12),
    (LateReason::IroCapacity, 5),
    (LateReason::CarerOrFamilyUnavailable, 15),
    (LateReason::ChildUnwell, 10),
    (LateReason::RescheduledAtRequest, 8),
    (LateReason::AdministrativeError, 9),
    (LateReason::Other, 6),
];

/// The participation code for a review of a child of `age`.
fn participation(rng: &mut ChaCha8Rng, age: u32) -> ParticipationCode {
    use ParticipationCode::*;
    if age < 4 {
        return PN0;
    }
    if age < 8 {
        pick(
            rng,
            &[
                (PN1, 12),
                (PN2, 4),
                (PN3, 22),
                (PN4, 12),
                (PN5, 10),
                (PN6, 30),
                (PN7, 10),
            ],
        )
    } else {
        pick(
            rng,
            &[
                (PN1, 38),
                (PN2, 5),
                (PN3, 4),
                (PN4, 4),
                (PN5, 14),
                (PN6, 28),
                (PN7, 7),
            ],
        )
    }
}

const RECOMMENDATIONS: &[&str] = &[
    "Update the care plan to reflect the agreed permanence plan",
    "Complete life story work and share it with the child",
    "Arrange the review health assessment",
    "Arrange a dental check",
    "Review family time arrangements and record the child's wishes",
    "Update the personal education plan with the virtual school",
    "Complete the pathway plan with the young person",
    "Progress the special guardianship assessment",
    "Hold a placement stability meeting",
    "Refer the child for an independent advocate",
    "Confirm the child has a copy of their plan in a format they understand",
    "Complete the outstanding assessment of the carers",
];

const OWNERS: &[(&str, u32)] = &[
    ("Social worker", 55),
    ("Team manager", 15),
    ("Carer", 10),
    ("Virtual school", 8),
    ("Health", 7),
    ("IRO", 5),
];

/// Challenge themes: keys of the default list of challenge themes
/// (`ThemeList::default_list`), weighted as a council's challenges fall.
const THEMES: &[(&str, u32)] = &[
    ("care_planning", 40),
    ("permanence", 14),
    ("placement", 12),
    ("contact_with_family", 10),
    ("education", 8),
    ("health", 6),
    ("delay_in_actions_from_reviews", 6),
    ("social_worker_visits", 4),
];

const STAGES: &[&str] = &["informal", "stage 1", "stage 2", "stage 3"];

/// Adds `n` working days, or `None` outside the calendar.
fn wd(calendar: &WorkingDayCalendar, d: NaiveDate, n: u32) -> Option<NaiveDate> {
    calendar.add_working_days(d, n).ok()
}

/// The n-th working day before `d` (approximately, by calendar days outside
/// the calendar's years).
fn wd_before(calendar: &WorkingDayCalendar, d: NaiveDate, n: u32) -> NaiveDate {
    let mut back = add_days(d, -(i64::from(n) * 7 / 5) - 2);
    while let Ok(between) = calendar.working_days_between(back, d) {
        if between <= i64::from(n) {
            break;
        }
        back = add_days(back, 1);
    }
    back
}

/// The review dates of a period, from its start: each placed against the
/// statutory due date, most before it and a few after.
fn review_dates(
    ctx: &ReviewContext<'_>,
    rng: &mut ChaCha8Rng,
    period: &PeriodOfCare,
    moves: &[NaiveDate],
) -> Vec<(NaiveDate, bool, ReviewKind)> {
    let start = period.start();
    let end = period.end();
    let policy = if ctx.calendar.covers(start) {
        &ctx.statutory
    } else {
        &ctx.early_policy
    };
    let limit = end.map_or(ctx.as_of, |e| add_days(e, -1).min(ctx.as_of));
    let mut out: Vec<(NaiveDate, bool, ReviewKind)> = Vec::new();
    let mut dates: Vec<NaiveDate> = Vec::new();
    loop {
        // The domain's one way from a period of care to its schedule, as
        // the caseload and the measures work it out; planned as if the
        // period went on (`limit` stops the reviews at its end).
        let mut input = period.schedule_input(&dates, policy, None);
        input.period_end = None;
        let Ok(s) = schedule(&input, policy, ctx.calendar) else {
            break;
        };
        // Reviews are planned against the earliest due date (a local rule
        // such as the adoption timetable may bring it forward); lateness is
        // judged against the statutory one.
        let (Some(due), Some(statutory_due)) = (
            s.next_due.as_ref().map(|d| d.date),
            s.next_statutory_due.as_ref().map(|d| d.date),
        ) else {
            break;
        };
        let previous = dates.last().copied().unwrap_or(start);
        // An additional review soon after an unplanned placement move.
        if !dates.is_empty()
            && let Some(&m) = moves.iter().find(|&&m| m > previous && m < due)
            && rng.random_bool(0.12)
        {
            let extra = add_days(m, days_between(rng, 10, 28));
            if extra < due && extra <= limit && extra > previous {
                dates.push(extra);
                out.push((extra, false, ReviewKind::Additional));
                continue;
            }
        }
        let late = rng.random_bool(ctx.habits.late);
        let date = if late {
            add_days(
                due,
                pick(rng, &[(0, 60), (1, 30), (2, 10)]) * 10 + days_between(rng, 1, 10),
            )
        } else if dates.is_empty() {
            // First reviews cluster near the deadline.
            add_days(due, -days_between(rng, 0, 9))
        } else {
            add_days(
                due,
                -pick(rng, &[(0, 20), (1, 50), (2, 25), (3, 5)]) * 7 - days_between(rng, 0, 6),
            )
        };
        let date = date.max(add_days(previous, 1));
        if date > limit {
            break;
        }
        dates.push(date);
        out.push((date, date > statutory_due, ReviewKind::Statutory));
    }
    out
}

/// The reviews (and the IRO's records) of one looked-after period whose
/// episodes are `episodes` (in order). Only reviews from `known_from` are
/// returned; earlier ones are only used to time the later ones.
#[allow(clippy::too_many_arguments)]
pub(crate) fn period_reviews(
    ctx: &ReviewContext<'_>,
    rng: &mut ChaCha8Rng,
    child: &ChildId,
    dob: NaiveDate,
    episodes: &[Episode],
    allocations: &[(NaiveDate, Option<NaiveDate>, IroId)],
    challenge_ids: &mut i64,
) -> ReviewOutput {
    let mut out = ReviewOutput::default();
    let Some(first) = episodes.first() else {
        return out;
    };
    let start = first.start;
    let end = episodes.last().and_then(|e| e.end);
    let moves: Vec<NaiveDate> = episodes
        .iter()
        .filter(|e| e.reason_new.starts_new_placement() && e.start > start)
        .map(|e| e.start)
        .collect();
    let period = PeriodOfCare {
        child: child.clone(),
        episodes: episodes.to_vec(),
    };
    let dates = review_dates(ctx, rng, &period, &moves);
    let limit = end.unwrap_or(ctx.as_of).min(ctx.as_of);
    for (i, &(date, late, kind)) in dates.iter().enumerate() {
        if date < ctx.known_from {
            continue;
        }
        let age = age_on(dob, date);
        let chair = iro_on(allocations, date);
        let next = dates.get(i + 1).map(|x| x.0);
        let episode = episodes
            .iter()
            .rev()
            .find(|e| e.start <= date)
            .unwrap_or(first);
        let mut details = review_details(ctx, rng, date, age, chair.clone(), kind, episode);
        let participation = participation(rng, age);
        // Every review held after its due date has its reason recorded.
        details.late_reason = late.then(|| pick(rng, LATE_REASONS).key().to_owned());
        out.reviews.push(Review {
            child: child.clone(),
            date,
            participation: Some(participation),
            details: Some(details),
        });
        // A visit to (or a call with) the child before the review.
        if age >= 4 && rng.random_bool(0.86) {
            let visit = add_days(date, -days_between(rng, 1, 15));
            if visit >= start {
                out.visits.push(IroVisit {
                    child: child.clone(),
                    date: visit,
                    kind: pick(
                        rng,
                        &[
                            (VisitKind::InPerson, 60),
                            (VisitKind::Virtual, 30),
                            (VisitKind::Phone, 10),
                        ],
                    ),
                    iro: chair.clone(),
                });
            }
        }
        // A midway check in a six-monthly interval.
        if i >= 1 && rng.random_bool(ctx.habits.midway) {
            let check = add_days(date, days_between(rng, 75, 105));
            if next.is_none_or(|n| check < n) && check < limit {
                out.midway.push(MidwayCheck {
                    child: child.clone(),
                    date: check,
                    iro: iro_on(allocations, check),
                });
            }
        }
        if rng.random_bool(ctx.habits.challenge) {
            let raised = add_days(date, days_between(rng, 0, 10));
            if raised <= ctx.as_of && raised < end.unwrap_or(NaiveDate::MAX) {
                *challenge_ids += 1;
                out.challenges
                    .push(challenge(ctx, rng, *challenge_ids, child, chair, raised));
            }
        }
    }
    out
}

fn review_details(
    ctx: &ReviewContext<'_>,
    rng: &mut ChaCha8Rng,
    date: NaiveDate,
    age: u32,
    chair: Option<IroId>,
    kind: ReviewKind,
    episode: &Episode,
) -> ReviewDetails {
    let cal = ctx.calendar;
    let known = |d: Option<NaiveDate>| d.filter(|&d| d <= ctx.as_of);
    let social_worker_report = match pick(rng, &[(0, 58), (1, 22), (2, 8), (3, 7), (4, 5)]) {
        0 => SocialWorkerReport::Received(wd_before(cal, date, rng.random_range(5..=12))),
        1 => SocialWorkerReport::Received(wd_before(cal, date, rng.random_range(1..=4))),
        2 => SocialWorkerReport::Received(date),
        3 => match known(wd(cal, date, rng.random_range(1..=8))) {
            Some(d) => SocialWorkerReport::Received(d),
            None => SocialWorkerReport::NotRecorded,
        },
        _ => SocialWorkerReport::NotReceived,
    };
    let decisions = match pick(rng, &[(0, 90), (1, 10)]) {
        0 => wd(cal, date, rng.random_range(1..=5)),
        _ => wd(cal, date, rng.random_range(6..=15)),
    };
    let record = match pick(rng, &[(0, 80), (1, 11), (2, 9)]) {
        0 => wd(cal, date, rng.random_range(5..=15)),
        1 => wd(cal, date, rng.random_range(16..=20)),
        _ => wd(cal, date, rng.random_range(21..=40)),
    };
    let mut attendance = Vec::new();
    let adoption = episode.placement.is_placed_for_adoption();
    let mut maybe = |role: AttendeeRole, p: f64, rng: &mut ChaCha8Rng| {
        if rng.random_bool(p) {
            attendance.push(role);
        }
    };
    maybe(AttendeeRole::Mother, if adoption { 0.05 } else { 0.5 }, rng);
    maybe(
        AttendeeRole::Father,
        if adoption { 0.02 } else { 0.25 },
        rng,
    );
    maybe(AttendeeRole::Carer, 0.85, rng);
    maybe(AttendeeRole::SocialWorker, 0.96, rng);
    maybe(AttendeeRole::Health, 0.1, rng);
    maybe(
        AttendeeRole::Education,
        if age >= 5 { 0.35 } else { 0.05 },
        rng,
    );
    maybe(
        AttendeeRole::VirtualSchool,
        if age >= 5 { 0.1 } else { 0.0 },
        rng,
    );
    let proceedings = matches!(episode.legal_status, LegalStatus::C1 | LegalStatus::L2);
    maybe(
        AttendeeRole::ChildrensGuardian,
        if proceedings { 0.3 } else { 0.01 },
        rng,
    );
    maybe(
        AttendeeRole::Advocate,
        if age >= 8 { 0.1 } else { 0.01 },
        rng,
    );
    maybe(AttendeeRole::Other, 0.05, rng);
    let quality = rng.random_bool(0.92).then(|| {
        pick(
            rng,
            &[
                (QualityGrade::Outstanding, 10),
                (QualityGrade::Good, 68),
                (QualityGrade::RequiresImprovement, 19),
                (QualityGrade::Inadequate, 3),
            ],
        )
    });
    let n = pick(rng, &[(1, 15), (2, 30), (3, 30), (4, 15), (5, 10)]);
    let recommendations = (0..n)
        .map(|_| {
            let due = add_days(date, days_between(rng, 20, 120));
            let completed = if due <= ctx.as_of {
                match pick(rng, &[(0, 75), (1, 12), (2, 13)]) {
                    0 => Some(add_days(due, -days_between(rng, 0, 20)).max(date)),
                    1 => Some(add_days(due, days_between(rng, 1, 40))).filter(|&d| d <= ctx.as_of),
                    _ => None,
                }
            } else {
                None
            };
            Recommendation {
                text: RECOMMENDATIONS[rng.random_range(0..RECOMMENDATIONS.len())].to_owned(),
                owner: pick(rng, OWNERS).to_owned(),
                due,
                completed,
            }
        })
        .collect();
    ReviewDetails {
        chair,
        kind,
        attendance,
        social_worker_report,
        decisions_issued: known(decisions),
        record_circulated: known(record),
        quality,
        recommendations,
        late_reason: None,
        // The reason for an inadequate grade, from the default list by the
        // day of the year (no draw, so the rest of the council is as before).
        inadequate_reason: (quality == Some(QualityGrade::Inadequate)).then(|| {
            let reasons = footprint_domain::lists::INADEQUATE_REASONS;
            reasons[date.ordinal() as usize % reasons.len()]
                .0
                .to_owned()
        }),
    }
}

/// A challenge raised on `raised`: informal first, escalating through stages
/// 1–3 (5 working days each) when not resolved, rarely to Cafcass.
fn challenge(
    ctx: &ReviewContext<'_>,
    rng: &mut ChaCha8Rng,
    id: i64,
    child: &ChildId,
    iro: Option<IroId>,
    raised: NaiveDate,
) -> Challenge {
    let cal = ctx.calendar;
    let (theme, sub_theme) = crate::util::pick_theme(rng, THEMES);
    let mut themes = vec![theme];
    if rng.random_bool(0.3) {
        let second = pick(rng, THEMES).to_owned();
        if !themes.contains(&second) {
            themes.push(second);
        }
    }
    let mut stages = Vec::new();
    let mut started = raised;
    let mut resolved = None;
    let mut outcome = None;
    let mut cafcass = None;
    for (level, name) in STAGES.iter().enumerate() {
        let responded = wd(
            cal,
            started,
            pick(rng, &[(0, 70), (1, 30)]) * 4 + rng.random_range(1..=4),
        )
        .filter(|&d| d <= ctx.as_of);
        stages.push(ChallengeStage {
            stage: (*name).to_owned(),
            started,
            timescale_working_days: 5,
            responded,
        });
        let Some(responded) = responded else {
            break;
        };
        let escalate = [0.25, 0.35, 0.35, 0.0][level];
        if rng.random_bool(escalate) {
            match wd(cal, responded, rng.random_range(1..=3)).filter(|&d| d <= ctx.as_of) {
                Some(next) => started = next,
                None => break,
            }
            continue;
        }
        if level == STAGES.len() - 1 && rng.random_bool(0.15) {
            cafcass = Some(responded);
            outcome = Some(ChallengeOutcome::ReferredToCafcass);
        } else if rng.random_bool(0.05) {
            outcome = Some(ChallengeOutcome::Withdrawn);
        } else {
            outcome = Some(ChallengeOutcome::Resolved);
        }
        resolved = Some(responded);
        break;
    }
    Challenge {
        id,
        child: child.clone(),
        iro,
        raised,
        themes,
        sub_theme,
        stages,
        referred_to_cafcass: cafcass,
        resolved,
        outcome,
    }
}
