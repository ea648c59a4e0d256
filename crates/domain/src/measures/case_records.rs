//! The other meetings an IRO service chairs (`meetings.*`), dual plans
//! (`dual_plans.*`), life-story work (`life_story.*`), advocacy
//! (`advocacy.*`), the child's views (`views.*`) and case alerts
//! (`case_alerts.*`) and case file audits (`audits.*`), over any period, from the records of
//! `case_records` and their schedules (one function per record type).
//! Definitions: `docs/measures.md`. A meeting is judged by the day it was
//! held against the day it was due; anything recorded after the period's
//! last day is not counted.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::care::CareIndex;
use super::{Breakdown, Count, Grid, Measure, Measures, Percent, Period};
use crate::calendar::WorkingDayCalendar;
use crate::case_records::{
    AdvocacyKind, AlertOutcome, AuditRequester, AuditStatus, CarerReviewKind, CaseRecordTimescales,
    LifeStoryStatus, SecureDecision, conference_schedule, foster_carer_schedule, held_against_due,
    private_fostering_schedule, secure_review_schedule,
};
use crate::codes::ParticipationCode;
use crate::dates::{CollectionYear, Quarter};
use crate::model::{ChildId, Dataset, QualityGrade};

/// A held meeting in the period: counted, and in time when held by its
/// due date.
fn count_held(
    chain: &[crate::case_records::Due],
    period: Period,
    child: Option<&ChildId>,
    held: &mut Count,
    in_time: &mut Percent,
) {
    for (on, due) in held_against_due(chain) {
        if period.contains(on) {
            match child {
                Some(c) => {
                    held.add(c);
                    in_time.denominator.add(c);
                    if on <= due {
                        in_time.numerator.add(c);
                    }
                }
                None => {
                    held.value += 1;
                    in_time.denominator.value += 1;
                    if on <= due {
                        in_time.numerator.value += 1;
                    }
                }
            }
        }
    }
}

/// The last day of each reporting-year quarter whose last day falls in the
/// period, keyed `Q1`…`Q4` (a period over a year boundary keys by year too).
pub(super) fn quarter_ends(period: Period) -> Vec<(String, NaiveDate)> {
    let mut out = Vec::new();
    let first = CollectionYear::of(period.first);
    let last = CollectionYear::of(period.last);
    let two_years = first != last;
    let mut y = first;
    loop {
        for q in Quarter::ALL {
            let (yy, m) = q.months(y)[2];
            let end = super::care::month_end(yy, m);
            if period.contains(end) {
                let key = if two_years {
                    format!("{y} Q{}", q.number())
                } else {
                    format!("Q{}", q.number())
                };
                out.push((key, end));
            }
        }
        if y == last {
            break;
        }
        y = y.next();
    }
    out
}

/// The quarter key of a day (as [`quarter_ends`] keys them).
fn quarter_key(period: Period, d: NaiveDate) -> String {
    let two_years = CollectionYear::of(period.first) != CollectionYear::of(period.last);
    let q = period.quarter_of(d).number();
    if two_years {
        format!("{} Q{q}", CollectionYear::of(d))
    } else {
        format!("Q{q}")
    }
}

/// The quarters a period touches, keyed as [`quarter_key`].
fn quarters_touched(period: Period) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (y, m) in period.months() {
        let d = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(period.first);
        let k = quarter_key(period, d.max(period.first));
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

#[allow(clippy::too_many_lines)]
pub(super) fn measures(
    data: &Dataset,
    care: &CareIndex,
    period: Period,
    settings: &super::MeasureSettings,
    calendar: &WorkingDayCalendar,
    out: &mut Measures,
) {
    let t: &CaseRecordTimescales = &settings.case_records;
    let views_routes = &settings.views_routes;
    let theme_list = &settings.challenge_themes;
    let r = &data.case_records;
    let last = period.last;
    let looked_after =
        |c: &ChildId, d: NaiveDate| care.get(c).is_some_and(|x| x.looked_after_on(d));

    // Secure accommodation reviews: each stay's chain.
    let mut secure = Count::default();
    let mut secure_in_time = Percent::default();
    let mut secure_children = Count::default();
    let mut decisions = Breakdown::with_keys(SecureDecision::ALL.iter().map(|d| d.key()));
    let stays: BTreeSet<(&ChildId, NaiveDate)> = r
        .secure_reviews
        .iter()
        .map(|x| (&x.child, x.placed))
        .collect();
    for (child, placed) in stays {
        let chain = secure_review_schedule(child, placed, &r.secure_reviews, t);
        count_held(
            &chain,
            period,
            Some(child),
            &mut secure,
            &mut secure_in_time,
        );
    }
    // One review a stay a day (as the chains count them).
    let mut one_a_day = BTreeSet::new();
    for x in r.secure_reviews.iter().filter(|x| period.contains(x.date)) {
        secure_children.add_child(&x.child);
        if one_a_day.insert((&x.child, x.placed, x.date)) {
            decisions.entry(x.decision.key()).add(&x.child);
        }
    }

    // Private fostering reviews: each arrangement's chain.
    let mut private = Count::default();
    let mut private_in_time = Percent::default();
    let arrangements: BTreeSet<(&ChildId, NaiveDate)> = r
        .private_fostering_reviews
        .iter()
        .map(|x| (&x.child, x.arrangement_start))
        .collect();
    for (child, start) in arrangements {
        let chain = private_fostering_schedule(child, start, &r.private_fostering_reviews, t);
        count_held(
            &chain,
            period,
            Some(child),
            &mut private,
            &mut private_in_time,
        );
    }
    let private_children = Count::of_children(
        r.private_fostering_reviews
            .iter()
            .filter(|x| period.contains(x.date))
            .map(|x| x.child.clone()),
    );

    // Foster carer reviews: households, no children.
    let mut carer = Count::default();
    let mut carer_in_time = Percent::default();
    let households: BTreeSet<(&str, NaiveDate)> = r
        .foster_carer_reviews
        .iter()
        .map(|x| (x.household.as_str(), x.approved))
        .collect();
    for (h, approved) in households {
        let chain = foster_carer_schedule(h, approved, &r.foster_carer_reviews, t);
        count_held(&chain, period, None, &mut carer, &mut carer_in_time);
    }
    let mut one_a_day = BTreeSet::new();
    let mut carer_kind = Breakdown::with_keys(CarerReviewKind::ALL.iter().map(|k| k.key()));
    let mut to_panel = Count::default();
    let mut reviewed: BTreeSet<&str> = BTreeSet::new();
    for x in r
        .foster_carer_reviews
        .iter()
        .filter(|x| period.contains(x.date))
    {
        if !one_a_day.insert((&x.household, x.approved, x.date)) {
            continue;
        }
        carer_kind.entry(x.kind.key()).value += 1;
        if x.to_panel {
            to_panel.value += 1;
        }
        reviewed.insert(&x.household);
    }
    let carer_households = Count::of(reviewed.len() as u64);

    // Disruption meetings.
    let mut disruption = Count::default();
    let mut disruption_children = Count::default();
    let mut disruption_in_time = Percent::default();
    for m in r
        .disruption_meetings
        .iter()
        .filter(|m| period.contains(m.date))
    {
        disruption.value += 1;
        disruption_in_time.denominator.value += 1;
        // A meeting may concern several children: the meeting counts carry
        // none (they would name more children than they count);
        // `meetings.disruption.children` names them.
        for c in &m.children {
            disruption_children.add_child(c);
        }
        let in_time = calendar
            .add_working_days(m.placement_ended, t.disruption_working_days)
            .is_ok_and(|due| m.date <= due);
        if in_time {
            disruption_in_time.numerator.value += 1;
        }
    }

    // Dual plans: a child protection plan open while the child is looked
    // after. Each spell runs from the later of the plan's start and the
    // start of the period of care to the earlier of their ends.
    let mut dual_end = Count::default();
    let quarter_days = quarter_ends(period);
    let mut by_quarter = Breakdown::with_keys(quarter_days.iter().map(|(k, _)| k.clone()));
    let mut started = Count::default();
    let mut ended = Count::default();
    let mut ended_early = Count::default();
    let mut conferences = Count::default();
    let mut conferences_in_time = Percent::default();
    for plan in &r.protection_plans {
        let Some(child) = care.get(&plan.child) else {
            continue;
        };
        let open_on = |d: NaiveDate| plan.start <= d && plan.end.is_none_or(|e| d <= e);
        if open_on(last) && child.looked_after_on(last) {
            dual_end.add_child(&plan.child);
        }
        for (key, end) in &quarter_days {
            if open_on(*end) && child.looked_after_on(*end) {
                by_quarter.entry(key).add_child(&plan.child);
            }
        }
        for p in &child.periods {
            let Some(from) = p.looked_after_from() else {
                continue;
            };
            let spell_start = from.max(plan.start);
            let spell_end = match (p.end(), plan.end) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if spell_end.is_some_and(|e| e < spell_start) {
                continue; // no overlap
            }
            if period.contains(spell_start) {
                started.add(&plan.child);
            }
            if let Some(e) = spell_end.filter(|e| period.contains(*e)) {
                ended.add(&plan.child);
                if e < crate::dates::add_months(spell_start, t.conference_first_months) {
                    ended_early.add(&plan.child);
                }
            }
        }
        let chain = conference_schedule(plan, &r.protection_conferences, t);
        for (on, due) in held_against_due(&chain) {
            if period.contains(on) && child.looked_after_on(on) {
                conferences.add(&plan.child);
                conferences_in_time.denominator.add(&plan.child);
                if on <= due {
                    conferences_in_time.numerator.add(&plan.child);
                }
            }
        }
    }

    // Life-story work: the latest status of each child by the last day.
    let mut latest: BTreeMap<&ChildId, (NaiveDate, LifeStoryStatus)> = BTreeMap::new();
    for w in r.life_story.iter().filter(|w| w.date <= last) {
        let e = latest.entry(&w.child).or_insert((w.date, w.status));
        if w.date >= e.0 {
            *e = (w.date, w.status);
        }
    }
    let mut status = Breakdown::with_keys(
        LifeStoryStatus::ALL
            .iter()
            .map(|s| s.key())
            .chain(["not_recorded"]),
    );
    let mut tracked = Percent::default();
    let mut adequate = Percent::default();
    let mut complete = Percent::default();
    for child in care.looked_after_on(last) {
        let id = &child.id;
        tracked.denominator.add_child(id);
        adequate.denominator.add_child(id);
        complete.denominator.add_child(id);
        match latest.get(id) {
            Some((_, s)) => {
                status.entry(s.key()).add_child(id);
                tracked.numerator.add_child(id);
                if matches!(
                    s,
                    LifeStoryStatus::AdequateForNow | LifeStoryStatus::Complete
                ) {
                    adequate.numerator.add_child(id);
                }
                if *s == LifeStoryStatus::Complete {
                    complete.numerator.add_child(id);
                }
            }
            None => status.entry("not_recorded").add_child(id),
        }
    }
    // Reviews held in the period, of children looked after that day: with
    // life-story work recorded on the review's day; with the child's views
    // recorded (children 4 or over: participation not PN0).
    let life_story_days: BTreeSet<(&ChildId, NaiveDate)> =
        r.life_story.iter().map(|w| (&w.child, w.date)).collect();
    let views_days: BTreeSet<(&ChildId, NaiveDate)> =
        r.views.iter().map(|v| (&v.child, v.review_date)).collect();
    let mut at_reviews = Percent::default();
    let mut views_recorded = Percent::default();
    let mut held_reviews: BTreeSet<(&ChildId, NaiveDate)> = BTreeSet::new();
    for rv in data
        .reviews
        .iter()
        .filter(|rv| period.contains(rv.date) && looked_after(&rv.child, rv.date))
    {
        if !held_reviews.insert((&rv.child, rv.date)) {
            continue;
        }
        at_reviews.denominator.add(&rv.child);
        if life_story_days.contains(&(&rv.child, rv.date)) {
            at_reviews.numerator.add(&rv.child);
        }
        if rv.participation != Some(ParticipationCode::PN0) {
            views_recorded.denominator.add(&rv.child);
            if views_days.contains(&(&rv.child, rv.date)) {
                views_recorded.numerator.add(&rv.child);
            }
        }
    }

    // Views: each review's routes (a review counts once under each route),
    // a row for every entry of the council's list, retired ones too (old
    // records hold them); a key no entry has gets a row of its own.
    let mut routes = Breakdown::with_keys(views_routes.keys());
    let mut with_views = Count::default();
    let mut seen: BTreeSet<(&ChildId, NaiveDate, &str)> = BTreeSet::new();
    let mut seen_review: BTreeSet<(&ChildId, NaiveDate)> = BTreeSet::new();
    for v in r.views.iter().filter(|v| period.contains(v.review_date)) {
        if seen.insert((&v.child, v.review_date, v.route.as_str())) {
            routes.entry(&v.route).add(&v.child);
        }
        if seen_review.insert((&v.child, v.review_date)) {
            with_views.add(&v.child);
        }
    }

    // Advocacy, by quarter: young people in care, care leavers, contacts.
    let mut advocacy_grid = Grid {
        rows: quarters_touched(period)
            .into_iter()
            .map(|q| {
                (
                    q,
                    Breakdown::with_keys(["in_care", "care_leavers", "contacts"]),
                )
            })
            .collect(),
    };
    let mut young_people = Count::default();
    let mut referrals = Count::default();
    let mut contacts = Count::default();
    let mut attendance = Count::default();
    for a in r.advocacy.iter().filter(|a| period.contains(a.date)) {
        young_people.add_child(&a.child);
        match a.kind {
            AdvocacyKind::Referral => referrals.add(&a.child),
            AdvocacyKind::Contact => contacts.add(&a.child),
            AdvocacyKind::ReviewAttendance => attendance.add(&a.child),
        }
        if let Some(row) = advocacy_grid.row_mut(&quarter_key(period, a.date)) {
            row.entry(if a.care_leaver {
                "care_leavers"
            } else {
                "in_care"
            })
            .add_child(&a.child);
            if a.kind == AdvocacyKind::Contact {
                row.entry("contacts").add(&a.child);
            }
        }
    }

    // Case alerts.
    let mut raised = Count::default();
    let mut themes = Breakdown::default();
    let mut outcomes =
        Breakdown::with_keys(AlertOutcome::ALL.iter().map(|o| o.key()).chain(["open"]));
    let mut closed_in_time = Percent::default();
    let mut open_end = Count::default();
    for a in &r.case_alerts {
        let closed_by = |d: NaiveDate| a.closed.is_some_and(|c| c <= d);
        if period.contains(a.raised) {
            raised.add(&a.child);
            themes.entry(&theme_list.key_of(&a.theme)).add(&a.child);
            let key = match a.outcome.filter(|_| closed_by(last)) {
                Some(o) => o.key(),
                None => "open",
            };
            outcomes.entry(key).add(&a.child);
        }
        if let Some(c) = a.closed.filter(|c| period.contains(*c)) {
            closed_in_time.denominator.add(&a.child);
            let due = calendar.add_working_days(a.raised, t.case_alert_working_days);
            if due.is_ok_and(|due| c <= due) {
                closed_in_time.numerator.add(&a.child);
            }
        }
        if a.raised <= last && !closed_by(last) {
            open_end.add(&a.child);
        }
    }

    case_file_audits(data, period, settings, out);
    out.push("meetings.secure.reviews", Measure::Count(secure));
    out.push("meetings.secure.children", Measure::Count(secure_children));
    out.push("meetings.secure.in_time", Measure::Percent(secure_in_time));
    out.push("meetings.secure.by_decision", Measure::Breakdown(decisions));
    out.push(
        "meetings.private_fostering.reviews",
        Measure::Count(private),
    );
    out.push(
        "meetings.private_fostering.children",
        Measure::Count(private_children),
    );
    out.push(
        "meetings.private_fostering.in_time",
        Measure::Percent(private_in_time),
    );
    out.push("meetings.foster_carer.reviews", Measure::Count(carer));
    out.push(
        "meetings.foster_carer.households",
        Measure::Count(carer_households),
    );
    out.push(
        "meetings.foster_carer.in_time",
        Measure::Percent(carer_in_time),
    );
    out.push(
        "meetings.foster_carer.by_kind",
        Measure::Breakdown(carer_kind),
    );
    out.push("meetings.foster_carer.to_panel", Measure::Count(to_panel));
    out.push("meetings.disruption.meetings", Measure::Count(disruption));
    out.push(
        "meetings.disruption.children",
        Measure::Count(disruption_children),
    );
    out.push(
        "meetings.disruption.in_time",
        Measure::Percent(disruption_in_time),
    );
    out.push("dual_plans.end", Measure::Count(dual_end));
    out.push("dual_plans.quarter_end", Measure::Breakdown(by_quarter));
    out.push("dual_plans.started", Measure::Count(started));
    out.push("dual_plans.ended", Measure::Count(ended));
    out.push(
        "dual_plans.ended_before_first_conference",
        Measure::Count(ended_early),
    );
    out.push("dual_plans.conferences", Measure::Count(conferences));
    out.push(
        "dual_plans.conferences_in_time",
        Measure::Percent(conferences_in_time),
    );
    out.push("life_story.status.end", Measure::Breakdown(status));
    out.push("life_story.tracked.end", Measure::Percent(tracked));
    out.push("life_story.adequate.end", Measure::Percent(adequate));
    out.push("life_story.complete.end", Measure::Percent(complete));
    out.push("life_story.at_reviews", Measure::Percent(at_reviews));
    out.push("advocacy.young_people", Measure::Count(young_people));
    out.push("advocacy.referrals", Measure::Count(referrals));
    out.push("advocacy.contacts", Measure::Count(contacts));
    out.push("advocacy.review_attendance", Measure::Count(attendance));
    out.push("advocacy.by_quarter", Measure::Grid(advocacy_grid));
    out.push("views.reviews", Measure::Count(with_views));
    out.push("views.by_route", Measure::Breakdown(routes));
    out.push("views.recorded", Measure::Percent(views_recorded));
    out.push("case_alerts.raised", Measure::Count(raised));
    out.push("case_alerts.by_theme", Measure::Breakdown(themes));
    out.push("case_alerts.by_outcome", Measure::Breakdown(outcomes));
    out.push(
        "case_alerts.closed_in_time",
        Measure::Percent(closed_in_time),
    );
    out.push("case_alerts.open.end", Measure::Count(open_end));
}

/// Case file audits (`audits.*`; R20-K8 "46 of 55 requested", R21-K3 "47
/// audits"): those requested in the period, where each stood on its last
/// day (completed, cancelled or still open: [`crate::case_records::CaseFileAudit::status_on`]),
/// the share completed, by whom and on what theme they were requested;
/// those completed in the period by their grade ("not graded" when none
/// was given); those cancelled in it; those open on its last day, whenever
/// requested. A period cut to the report date counts nothing after it.
fn case_file_audits(
    data: &Dataset,
    period: Period,
    settings: &super::MeasureSettings,
    out: &mut Measures,
) {
    let themes = &settings.challenge_themes;
    let last = period.last;
    let mut requested = Count::default();
    let mut completed = Count::default();
    let mut cancelled = Count::default();
    let mut open_end = Count::default();
    let mut completed_pct = Percent::default();
    let mut by_outcome = Breakdown::with_keys(
        [
            AuditStatus::Completed,
            AuditStatus::Cancelled,
            AuditStatus::Open,
        ]
        .map(AuditStatus::key),
    );
    let mut by_requester = Breakdown::with_keys(AuditRequester::ALL.iter().map(|r| r.key()));
    // A row for every theme of the council's list (retired ones too: old
    // audits hold them), then `not_recorded`: adds up to those requested.
    let mut by_theme = Breakdown::with_keys(
        themes
            .0
            .iter()
            .map(|t| t.key.clone())
            .chain([super::NOT_RECORDED.to_owned()]),
    );
    let mut by_grade = Breakdown::with_keys(
        QualityGrade::ALL
            .map(|g| g.key())
            .into_iter()
            .chain(["not_graded"]),
    );
    for a in &data.case_records.case_file_audits {
        let status = a.status_on(last);
        if period.contains(a.requested) {
            requested.add(&a.child);
            completed_pct.denominator.add(&a.child);
            if status == AuditStatus::Completed {
                completed_pct.numerator.add(&a.child);
            }
            by_outcome.entry(status.key()).add(&a.child);
            by_requester.entry(a.requested_by.key()).add(&a.child);
            let theme = a
                .theme
                .as_deref()
                .map_or_else(|| super::NOT_RECORDED.to_owned(), |t| themes.key_of(t));
            by_theme.entry(&theme).add(&a.child);
        }
        if a.completed.is_some_and(|c| period.contains(c)) {
            completed.add(&a.child);
            by_grade
                .entry(a.grade.map_or("not_graded", QualityGrade::key))
                .add(&a.child);
        }
        if a.completed.is_none() && a.cancelled.is_some_and(|c| period.contains(c)) {
            cancelled.add(&a.child);
        }
        if status == AuditStatus::Open {
            open_end.add(&a.child);
        }
    }
    out.push("audits.requested", Measure::Count(requested));
    out.push(
        "audits.requested_by_outcome",
        Measure::Breakdown(by_outcome),
    );
    out.push("audits.completed_pct", Measure::Percent(completed_pct));
    out.push("audits.by_requester", Measure::Breakdown(by_requester));
    out.push("audits.by_theme", Measure::Breakdown(by_theme));
    out.push("audits.completed", Measure::Count(completed));
    out.push("audits.by_grade", Measure::Breakdown(by_grade));
    out.push("audits.cancelled", Measure::Count(cancelled));
    out.push("audits.open.end", Measure::Count(open_end));
}
