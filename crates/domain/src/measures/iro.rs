//! IRO service measures (recorded in Footprint, not in the 903 return):
//! caseloads, reviews by IRO, report and record timeliness, attendance,
//! midway checks, visits, quality, and challenges.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::care::CareIndex;
use super::reviews::Reviewed;
use super::{
    Breakdown, Count, Grid, IroCaseload, Measure, MeasureSettings, Measures, PerFte, Percent,
    Period,
};
use crate::calendar::WorkingDayCalendar;
use crate::dates::Quarter;
use crate::model::{
    AttendeeRole, Challenge, ChildId, Dataset, QualityGrade, SocialWorkerReport, VisitKind,
};

/// Bands of `challenges.open.by_age`: days since the challenge was raised.
pub const CHALLENGE_AGE_KEYS: [&str; 3] = ["up_to_30_days", "31_to_90_days", "over_90_days"];

/// Bands of `reviews.sw_report`, in order.
pub const SW_REPORT_KEYS: [&str; 6] = [
    "5_plus_days_before",
    "1_to_4_days_before",
    "same_day",
    "after",
    "not_received",
    "not_recorded",
];

pub(super) fn service(
    data: &Dataset,
    care: &CareIndex,
    reviewed: &Reviewed,
    year: Period,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
    out: &mut Measures,
) {
    let end = year.end();
    // Caseloads on 31 March.
    let mut loads: Vec<IroCaseload> = data
        .iros
        .iter()
        .filter(|i| i.started <= end && i.left.is_none_or(|l| l > end))
        .map(|i| IroCaseload {
            iro: i.id.0.clone(),
            name: i.name.clone(),
            fte: i.fte,
            children: Count::default(),
        })
        .collect();
    for a in data.allocations.iter().filter(|a| a.is_current_on(end)) {
        let i = match loads.iter().position(|l| l.iro == a.iro.0) {
            Some(i) => i,
            None => {
                let iro = data.iros.iter().find(|i| i.id == a.iro);
                loads.push(IroCaseload {
                    iro: a.iro.0.clone(),
                    name: iro.map_or_else(|| a.iro.0.clone(), |i| i.name.clone()),
                    fte: 0.0,
                    children: Count::default(),
                });
                loads.len() - 1
            }
        };
        loads[i].children.add_child(&a.child);
    }
    let fte: f64 = loads.iter().map(|l| l.fte).sum();
    let cla = super::care::looked_after_count(care, end);
    out.push("caseload.by_iro", Measure::Caseload(loads));
    out.push(
        "caseload.per_fte",
        Measure::PerFte(PerFte { children: cla, fte }),
    );

    // Reviews by IRO.
    let mut by_iro = Breakdown::with_keys(data.iros.iter().map(|i| i.id.0.clone()));
    let mut sw = Breakdown::with_keys(SW_REPORT_KEYS);
    let mut decisions = Breakdown::with_keys(["in_time", "late", "not_recorded"]);
    let mut record = Breakdown::with_keys([
        "within_local_target",
        "within_timescale",
        "late",
        "not_recorded",
    ]);
    let mut attendance = Breakdown::with_keys(AttendeeRole::ALL.map(|r| r.key()));
    // Every review held, by its quality grade, or `not_graded`: the table
    // adds up to the reviews held.
    let mut quality = Breakdown::with_keys(
        QualityGrade::ALL
            .map(|g| g.key())
            .into_iter()
            .chain(["not_graded"]),
    );
    // Every review graded inadequate, by the reason recorded: a row for
    // every entry of the council's list (retired ones too), then
    // `not_recorded`, so the table adds up to the inadequate grades.
    let mut inadequate_by_reason = Breakdown::with_keys(
        settings
            .inadequate_reasons
            .keys()
            .chain([super::NOT_RECORDED]),
    );
    let mut outstanding = Count::default();
    let mut outstanding_by = Breakdown::with_keys(OUTSTANDING_KEYS);
    let mut midway_cohort = Count::default();
    let mut midway_done = Count::default();
    let mut visit_cohort = Count::default();
    let mut visited = Count::default();
    let wd = |a: NaiveDate, b: NaiveDate| calendar.working_days_between(a, b).ok();
    // Each child's midway checks and visits, by date, so that each review
    // looks only at its own child's (a scan of every check and visit for
    // every review grew with the square of the council's size).
    let mut midway_by_child: BTreeMap<&ChildId, Vec<NaiveDate>> = BTreeMap::new();
    for m in &data.midway_checks {
        midway_by_child.entry(&m.child).or_default().push(m.date);
    }
    let mut visits_by_child: BTreeMap<&ChildId, Vec<NaiveDate>> = BTreeMap::new();
    for v in &data.visits {
        visits_by_child.entry(&v.child).or_default().push(v.date);
    }
    for dates in midway_by_child
        .values_mut()
        .chain(visits_by_child.values_mut())
    {
        dates.sort_unstable();
    }
    // Whether any of `dates` (sorted) is in (after, until].
    let any_in = |dates: Option<&Vec<NaiveDate>>, after: NaiveDate, until: NaiveDate| {
        dates.is_some_and(|ds| {
            let i = ds.partition_point(|&d| d <= after);
            ds.get(i).is_some_and(|&d| d <= until)
        })
    };
    // Decisions and records by the quarter the review was held in (Wok-M).
    let quarters = |keys: &[&str]| Grid {
        rows: Quarter::ALL
            .iter()
            .map(|q| (q.to_string(), Breakdown::with_keys(keys.iter().copied())))
            .collect(),
    };
    let decision_keys: Vec<&str> = decisions.keys().collect();
    let record_keys: Vec<&str> = record.keys().collect();
    let mut decisions_by_quarter = quarters(&decision_keys);
    let mut record_by_quarter = quarters(&record_keys);
    for h in &reviewed.held {
        let r = h.review;
        let child = &r.child;
        let details = r.details.as_ref();
        let chair = details
            .and_then(|d| d.chair.as_ref())
            .map_or("not_recorded", |c| c.0.as_str());
        by_iro.entry(chair).add(child);

        let band = match details.map(|d| d.social_worker_report) {
            Some(SocialWorkerReport::Received(got)) => match wd(got, r.date) {
                Some(n) if got < r.date && n >= 5 => "5_plus_days_before",
                Some(_) if got < r.date => "1_to_4_days_before",
                Some(_) if got == r.date => "same_day",
                Some(_) => "after",
                None => "not_recorded",
            },
            Some(SocialWorkerReport::NotReceived) => "not_received",
            Some(SocialWorkerReport::NotRecorded) | None => "not_recorded",
        };
        sw.entry(band).add(child);

        let key = match details.and_then(|d| d.decisions_issued) {
            Some(issued) => match wd(r.date, issued) {
                Some(n) if n <= i64::from(settings.decisions_working_days) => "in_time",
                Some(_) => "late",
                None => "not_recorded",
            },
            None => "not_recorded",
        };
        decisions.entry(key).add(child);
        let quarter = year.quarter_of(r.date).key();
        if let Some(row) = decisions_by_quarter.row_mut(quarter) {
            row.entry(key).add(child);
        }

        let key = match details.and_then(|d| d.record_circulated) {
            Some(sent) => match wd(r.date, sent) {
                Some(n) if n <= i64::from(settings.record_local_target_working_days) => {
                    "within_local_target"
                }
                Some(n) if n <= i64::from(settings.record_working_days) => "within_timescale",
                Some(_) => "late",
                None => "not_recorded",
            },
            None => "not_recorded",
        };
        record.entry(key).add(child);
        if let Some(row) = record_by_quarter.row_mut(quarter) {
            row.entry(key).add(child);
        }

        // Still outstanding at the period's end: held in the period, record
        // not circulated by its last day.
        if details
            .and_then(|d| d.record_circulated)
            .is_none_or(|sent| sent > end)
        {
            outstanding.add(child);
            let due = i64::from(settings.record_working_days);
            let key = match wd(r.date, end) {
                Some(n) if n <= due => OUTSTANDING_KEYS[0],
                Some(n) if n <= due + 20 => OUTSTANDING_KEYS[1],
                Some(_) => OUTSTANDING_KEYS[2],
                None => OUTSTANDING_KEYS[3],
            };
            outstanding_by.entry(key).add(child);
        }

        if let Some(d) = details {
            let mut roles = d.attendance.clone();
            roles.sort();
            roles.dedup();
            for role in roles {
                attendance.entry(role.key()).add(child);
            }
        }
        quality
            .entry(
                details
                    .and_then(|d| d.quality)
                    .map_or("not_graded", |g| g.key()),
            )
            .add(child);
        if let Some(d) = details
            && d.quality == Some(QualityGrade::Inadequate)
        {
            inadequate_by_reason
                .entry(
                    d.inadequate_reason
                        .as_deref()
                        .unwrap_or(super::NOT_RECORDED),
                )
                .add(child);
        }

        // Visits: children aged 4+ seen or spoken to since the previous
        // review in the period (or the period's start) up to the review.
        if h.age.is_some_and(|a| a >= 4) {
            visit_cohort.add(child);
            // Since the previous review (exclusive), or the period's first
            // day (inclusive), up to the review.
            let after = h
                .previous
                .unwrap_or_else(|| h.period_start.pred_opt().unwrap_or(h.period_start));
            let seen = any_in(visits_by_child.get(child), after, r.date);
            if seen {
                visited.add(child);
            }
        }
    }
    // Midway: the midway points in the period (the report date is its last
    // day), each done when a check was recorded after the review and on or
    // before the next review, or the report date while it is not held.
    for m in &reviewed.midway_points {
        midway_cohort.add(m.child);
        let until = m.next.filter(|&n| n <= end).unwrap_or(end);
        if any_in(midway_by_child.get(m.child), m.review, until) {
            midway_done.add(m.child);
        }
    }
    let decided = sum_counts(&decisions, &["in_time", "late"]);
    let recorded = sum_counts(
        &record,
        &["within_local_target", "within_timescale", "late"],
    );
    let within = sum_counts(&record, &["within_local_target", "within_timescale"]);
    out.push("reviews.by_iro", Measure::Breakdown(by_iro));
    out.push("reviews.sw_report", Measure::Breakdown(sw));
    out.push(
        "reviews.decisions_in_time_pct",
        Measure::Percent(Percent {
            numerator: decisions.get("in_time").cloned().unwrap_or_default(),
            denominator: decided,
        }),
    );
    out.push("reviews.decisions_in_time", Measure::Breakdown(decisions));
    out.push(
        "reviews.record_in_time_pct",
        Measure::Percent(Percent {
            numerator: within,
            denominator: recorded.clone(),
        }),
    );
    out.push(
        "reviews.record_in_local_target_pct",
        Measure::Percent(Percent {
            numerator: record
                .get("within_local_target")
                .cloned()
                .unwrap_or_default(),
            denominator: recorded,
        }),
    );
    out.push("reviews.record_in_time", Measure::Breakdown(record));
    out.push(
        "reviews.decisions_in_time.by_quarter",
        Measure::Grid(decisions_by_quarter),
    );
    out.push(
        "reviews.record_in_time.by_quarter",
        Measure::Grid(record_by_quarter),
    );
    out.push(
        "reviews.record_outstanding.end",
        Measure::Count(outstanding),
    );
    out.push(
        "reviews.record_outstanding.end.by_lateness",
        Measure::Breakdown(outstanding_by),
    );
    out.push("reviews.attendance_by_role", Measure::Breakdown(attendance));
    out.push(
        "midway.done_pct",
        Measure::Percent(Percent {
            numerator: midway_done,
            denominator: midway_cohort,
        }),
    );
    out.push(
        "visits.before_review_pct",
        Measure::Percent(Percent {
            numerator: visited,
            denominator: visit_cohort,
        }),
    );
    // The reviews held with a grade ÷ the reviews held.
    let grades = QualityGrade::ALL.map(|g| g.key());
    let all: Vec<&str> = quality.keys().collect();
    out.push(
        "quality.completion_pct",
        Measure::Percent(Percent {
            numerator: sum_counts(&quality, &grades),
            denominator: sum_counts(&quality, &all),
        }),
    );
    out.push("quality.by_grade", Measure::Breakdown(quality));
    out.push(
        "quality.inadequate_by_reason",
        Measure::Breakdown(inadequate_by_reason),
    );
}

fn sum_counts(b: &Breakdown, keys: &[&str]) -> Count {
    let mut out = Count::default();
    for k in keys {
        if let Some(c) = b.get(k) {
            out.value += c.value;
            out.children.extend(c.children.iter().cloned());
        }
    }
    out
}

/// The stage a challenge reached: its last stage's name, or "none".
fn stage_reached(c: &Challenge) -> &str {
    c.stages.last().map_or("none", |s| s.stage.as_str())
}

/// How far a challenge went (Wok-P): `no_stage` (none recorded),
/// `informal` (the stage reached is the council's first) or `formal` (a
/// later one).
fn challenge_level(c: &Challenge, first_stage: Option<&str>) -> &'static str {
    match stage_reached(c) {
        "none" => "no_stage",
        r if Some(r) == first_stage => "informal",
        _ => "formal",
    }
}

/// Resolved, and every stage answered within its timescale (a stage not
/// answered counts as answered on the day the challenge was resolved).
fn resolved_in_timescale(c: &Challenge, calendar: &WorkingDayCalendar) -> bool {
    let Some(resolved) = c.resolved else {
        return false;
    };
    c.stages.iter().all(|s| {
        let answered = s.responded.unwrap_or(resolved);
        calendar
            .add_working_days(s.started, s.timescale_working_days)
            .is_ok_and(|due| answered <= due)
    })
}

/// The keys of `reviews.record_outstanding.end.by_lateness`: how late the
/// record of a review still outstanding on the period's last day was then.
pub const OUTSTANDING_KEYS: [&str; 4] = [
    "not_yet_due",
    "up_to_20_working_days_late",
    "more_than_20_working_days_late",
    "not_known",
];

/// The keys of `visits.by_kind`.
pub const VISIT_KINDS: [&str; 3] = ["in_person", "virtual", "phone"];

fn visit_kind_key(k: VisitKind) -> &'static str {
    match k {
        VisitKind::InPerson => VISIT_KINDS[0],
        VisitKind::Virtual => VISIT_KINDS[1],
        VisitKind::Phone => VISIT_KINDS[2],
    }
}

/// The IRO's footprint with children: visits and conversations in the
/// period by kind (`visits.held`, `visits.by_kind`), and, of the children
/// looked after on the period's last day who had been in care 12 months or
/// more then (`visits.cohort_12_months`), those their IRO had not seen in
/// person in the 12 months to that day (`visits.children_not_seen_12_months`).
pub(super) fn footprint(data: &Dataset, care: &CareIndex, year: Period, out: &mut Measures) {
    let end = year.end();
    let mut held = Count::default();
    let mut by_kind = Breakdown::with_keys(VISIT_KINDS);
    let mut seen_in_person: BTreeMap<&ChildId, Vec<NaiveDate>> = BTreeMap::new();
    for v in &data.visits {
        if year.contains(v.date) {
            held.add(&v.child);
            by_kind.entry(visit_kind_key(v.kind)).add(&v.child);
        }
        if v.kind == VisitKind::InPerson {
            seen_in_person.entry(&v.child).or_default().push(v.date);
        }
    }
    let year_before = end
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(end);
    let mut cohort = Count::default();
    let mut not_seen = Count::default();
    for child in care.children.values() {
        let Some((period, _)) = child.episode_on(end) else {
            continue;
        };
        if period.start() > year_before {
            continue;
        }
        cohort.add_child(&child.id);
        let seen = seen_in_person
            .get(&child.id)
            .is_some_and(|ds| ds.iter().any(|&d| d > year_before && d <= end));
        if !seen {
            not_seen.add_child(&child.id);
        }
    }
    out.push("visits.held", Measure::Count(held));
    out.push("visits.by_kind", Measure::Breakdown(by_kind));
    out.push("visits.cohort_12_months", Measure::Count(cohort));
    out.push(
        "visits.children_not_seen_12_months",
        Measure::Count(not_seen),
    );
}

pub(super) fn challenges(
    data: &Dataset,
    year: Period,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
    out: &mut Measures,
) {
    let end = year.end();
    let mut raised = Count::default();
    let mut by_stage = Breakdown::with_keys(settings.challenge_stages.iter().cloned());
    let theme_list = &settings.challenge_themes;
    let mut formal = Count::default();
    let mut themes = Breakdown::with_keys(
        theme_list
            .0
            .iter()
            .map(|t| t.key.as_str())
            .chain([super::NOT_RECORDED]),
    );
    let mut formal_by_theme = Grid {
        rows: theme_list
            .0
            .iter()
            .map(|t| {
                let subs = t.sub_themes.keys().chain([super::NOT_RECORDED]);
                (t.key.clone(), Breakdown::with_keys(subs))
            })
            .chain([(
                super::NOT_RECORDED.to_owned(),
                Breakdown::with_keys([super::NOT_RECORDED]),
            )])
            .collect(),
    };
    let mut resolved = Count::default();
    let mut in_timescale = Count::default();
    let mut open = Count::default();
    let mut by_quarter = Grid {
        rows: Quarter::ALL
            .iter()
            .map(|q| (q.to_string(), Breakdown::with_keys(["raised"])))
            .collect(),
    };
    let mut by_quarter_outcome = Grid {
        rows: Quarter::ALL
            .iter()
            .map(|q| (q.to_string(), Breakdown::with_keys(CHALLENGE_OUTCOME_KEYS)))
            .collect(),
    };
    let first_stage = settings.challenge_stages.first().map(String::as_str);
    let mut open_by_stage = Breakdown::with_keys(settings.challenge_stages.iter().cloned());
    let mut open_by_age = Breakdown::with_keys(CHALLENGE_AGE_KEYS);
    let mut open_overdue = Count::default();
    for c in &data.challenges {
        if c.is_open_on(end) {
            open.add(&c.child);
            open_by_stage
                .entry(c.stage_on(end).map_or("none", |s| s.stage.as_str()))
                .add(&c.child);
            let days = (end - c.raised).num_days();
            let band = match days {
                ..=30 => CHALLENGE_AGE_KEYS[0],
                31..=90 => CHALLENGE_AGE_KEYS[1],
                _ => CHALLENGE_AGE_KEYS[2],
            };
            open_by_age.entry(band).add(&c.child);
            if c.is_overdue_on(end, calendar) {
                open_overdue.add(&c.child);
            }
        }
        if !year.contains(c.raised) {
            continue;
        }
        raised.add(&c.child);
        by_stage.entry(stage_reached(c)).add(&c.child);
        let mut ts: Vec<String> = c.themes.iter().map(|t| theme_list.key_of(t)).collect();
        ts.sort();
        ts.dedup();
        if ts.is_empty() {
            themes.entry(super::NOT_RECORDED).add(&c.child);
        }
        for t in ts {
            themes.entry(&t).add(&c.child);
        }
        if challenge_level(c, first_stage) == "formal" {
            formal.add(&c.child);
            // Tabled by the challenge's theme (its first) and the
            // sub-theme under it, each formal challenge once.
            let (theme, sub) = match c.themes.first() {
                Some(t) => (
                    theme_list.key_of(t),
                    c.sub_theme.as_deref().map_or_else(
                        || super::NOT_RECORDED.to_owned(),
                        |s| theme_list.sub_key_of(t, s),
                    ),
                ),
                None => (
                    super::NOT_RECORDED.to_owned(),
                    super::NOT_RECORDED.to_owned(),
                ),
            };
            if formal_by_theme.get(&theme).is_none() {
                formal_by_theme
                    .rows
                    .push((theme.clone(), Breakdown::default()));
            }
            if let Some(row) = formal_by_theme.row_mut(&theme) {
                row.entry(&sub).add(&c.child);
            }
        }
        if c.resolved.is_some_and(|r| r <= end) {
            resolved.add(&c.child);
            if resolved_in_timescale(c, calendar) {
                in_timescale.add(&c.child);
            }
        }
        if let Some(row) = by_quarter.row_mut(year.quarter_of(c.raised).key()) {
            row.entry("raised").add(&c.child);
        }
        // Wok-P: informal (the stage reached is the council's first) or
        // formal (a later one); resolved at its first stage, or escalated
        // beyond it.
        if let Some(row) = by_quarter_outcome.row_mut(year.quarter_of(c.raised).key()) {
            row.entry("raised").add(&c.child);
            row.entry(challenge_level(c, first_stage)).add(&c.child);
            if c.stages.len() > 1 {
                row.entry("escalated").add(&c.child);
            } else if c.resolved.is_some_and(|r| r <= end) {
                row.entry("resolved_without_escalation").add(&c.child);
            }
        }
    }
    out.push("challenges.raised", Measure::Count(raised));
    out.push("challenges.by_stage", Measure::Breakdown(by_stage));
    out.push("challenges.by_theme", Measure::Breakdown(themes));
    out.push("challenges.formal", Measure::Count(formal));
    out.push("challenges.formal_by_theme", Measure::Grid(formal_by_theme));
    out.push("challenges.resolved", Measure::Count(resolved));
    out.push(
        "challenges.resolved_in_timescale",
        Measure::Count(in_timescale),
    );
    out.push("challenges.open.end", Measure::Count(open));
    out.push(
        "challenges.open.by_stage",
        Measure::Breakdown(open_by_stage),
    );
    out.push("challenges.open.by_age", Measure::Breakdown(open_by_age));
    out.push("challenges.open.overdue", Measure::Count(open_overdue));
    out.push("challenges.by_quarter", Measure::Grid(by_quarter));
    out.push(
        "challenges.by_quarter_outcome",
        Measure::Grid(by_quarter_outcome),
    );
}

/// The columns of `challenges.by_quarter_outcome`: `raised` is the sum of
/// `informal`, `formal` and `no_stage`; `resolved_without_escalation` and
/// `escalated` are some of them (one still open at its first stage is in
/// neither).
pub const CHALLENGE_OUTCOME_KEYS: [&str; 6] = [
    "raised",
    "informal",
    "formal",
    "no_stage",
    "resolved_without_escalation",
    "escalated",
];
