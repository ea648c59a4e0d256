//! Recording a review, a midway check, a visit; completing a recommendation.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::codes::ParticipationCode;
use footprint_domain::daily::{self, ByChild};
use footprint_domain::model::{
    AttendeeRole, ChildId, Dataset, IroVisit, LateReason, MidwayCheck, QualityGrade,
    Recommendation, Review, ReviewDetails, ReviewKind, SocialWorkerReport, VisitKind,
};
use footprint_domain::schedule::SchedulePolicy;
use minijinja::{Value, context};

use super::{
    audit, child_id, child_records, ensure_child, field, fields, form_date, policy, respond,
};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

/// Blank recommendation rows offered on the form.
const RECOMMENDATION_ROWS: usize = 5;

fn form_options() -> Value {
    context! {
        participation_codes => ParticipationCode::all().iter().map(|p| context! { code => p.code(), label => p.label() }).collect::<Vec<_>>(),
        attendee_roles => AttendeeRole::ALL.iter().map(|r| context! { key => r.key(), label => r.label() }).collect::<Vec<_>>(),
        quality_grades => QualityGrade::ALL.iter().map(|q| context! { key => q.key(), label => q.label() }).collect::<Vec<_>>(),
        late_reasons => LateReason::ALL.iter().map(|r| context! { key => r.key(), label => r.label() }).collect::<Vec<_>>(),
        recommendation_rows => (0..RECOMMENDATION_ROWS).collect::<Vec<_>>(),
    }
}

/// GET /children/{child}/reviews/new
pub async fn review_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let next_due = next_due_label(&state, &ds, &id).await?;
        Ok(page
            .render(
                &state,
                "review_form.html",
                context! { child => id.to_string(), form => context!{ kind => "statutory" }, next_due, ..form_options() },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The child's next statutory due date today, as the caseload shows it
/// ("3 Feb 2025"), for the form's hint on when a reason for lateness is
/// needed.
async fn next_due_label(
    state: &AppState,
    ds: &Dataset,
    id: &ChildId,
) -> Result<Option<String>, AppError> {
    let policy = policy(state).await?;
    let by = ByChild::new(ds);
    Ok(
        daily::next_review(&by, id, state.clock.today(), &policy, &state.calendar)
            .and_then(|(_, due)| due)
            .map(|d| d.date.format("%-d %b %Y").to_string()),
    )
}

/// Reads and checks the review form. Every problem is named by field.
fn parse_review(
    pairs: &[(String, String)],
    child: &ChildId,
    ds: &Dataset,
    today: NaiveDate,
    chair: Option<footprint_domain::model::IroId>,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> Result<Review, FormErrors> {
    let mut errors = FormErrors::default();
    let date_of =
        |name: &str, label: &str, errors: &mut FormErrors| match form_date(field(pairs, name)) {
            Ok(d) => d,
            Err(msg) => {
                errors.add(name, format!("{label}: {msg}"));
                None
            }
        };
    let date = date_of("date", "Date of the review", &mut errors);
    match date {
        None if !errors.0.iter().any(|e| e.field == "date") => {
            errors.add("date", "Enter the date of the review")
        }
        Some(d) if d > today => errors.add(
            "date",
            "The date of the review must be today or in the past",
        ),
        Some(d) => {
            let by = ByChild::new(ds);
            if by.periods.get(child).is_none_or(|ps| {
                !ps.iter()
                    .any(|p| !p.is_short_breaks() && p.holds_review_on(d))
            }) {
                errors.add(
                    "date",
                    "The child was not in a period of care on the date of the review",
                );
            }
        }
        None => {}
    }
    // Why it was late: offered always, required when the review is after
    // its statutory due date (worked out as the caseload does), and not kept
    // for a review held in time.
    let late_reason = match field(pairs, "late_reason").unwrap_or("") {
        "" => None,
        key => match LateReason::from_key(key) {
            Some(r) => Some(r),
            None => {
                errors.add("late_reason", "Select a reason from the list");
                None
            }
        },
    };
    let in_time = match date {
        Some(d) if !errors.0.iter().any(|e| e.field == "date") => {
            let by = ByChild::new(ds);
            daily::review_timeliness(&by, child, d, policy, calendar).and_then(|t| t.in_time)
        }
        _ => None,
    };
    if in_time == Some(false)
        && late_reason.is_none()
        && !errors.0.iter().any(|e| e.field == "late_reason")
    {
        errors.add("late_reason", "Select why the review was held late");
    }
    let late_reason = late_reason.filter(|_| in_time != Some(true));
    let participation = match field(pairs, "participation").unwrap_or("") {
        "" => {
            errors.add("participation", "Select how the child participated");
            None
        }
        code => match code.parse::<ParticipationCode>() {
            Ok(p) => Some(p),
            Err(e) => {
                errors.add("participation", e.to_string());
                None
            }
        },
    };
    let kind = match field(pairs, "kind").unwrap_or("statutory") {
        "additional" => ReviewKind::Additional,
        _ => ReviewKind::Statutory,
    };
    let mut attendance = Vec::new();
    for key in fields(pairs, "attendance") {
        match AttendeeRole::from_key(key) {
            Some(r) if !attendance.contains(&r) => attendance.push(r),
            Some(_) => {}
            None => errors.add("attendance", "Select who attended from the list"),
        }
    }
    let sw_date = date_of(
        "sw_report_date",
        "Date the social worker's report arrived",
        &mut errors,
    );
    let social_worker_report = match field(pairs, "sw_report").unwrap_or("not_recorded") {
        "received" => match sw_date {
            Some(d) => SocialWorkerReport::Received(d),
            None => {
                errors.add(
                    "sw_report_date",
                    "Enter the date the social worker's report arrived",
                );
                SocialWorkerReport::NotRecorded
            }
        },
        "not_received" => SocialWorkerReport::NotReceived,
        _ => SocialWorkerReport::NotRecorded,
    };
    let decisions_issued = date_of(
        "decisions_issued",
        "Date the decisions were issued",
        &mut errors,
    );
    let record_circulated = date_of(
        "record_circulated",
        "Date the record was circulated",
        &mut errors,
    );
    if let Some(d) = date {
        if decisions_issued.is_some_and(|x| x < d) {
            errors.add(
                "decisions_issued",
                "The decisions cannot be issued before the review",
            );
        }
        if record_circulated.is_some_and(|x| x < d) {
            errors.add(
                "record_circulated",
                "The record cannot be circulated before the review",
            );
        }
    }
    for (name, v) in [
        ("decisions_issued", decisions_issued),
        ("record_circulated", record_circulated),
    ] {
        if v.is_some_and(|x| x > today) {
            errors.add(name, "This date must be today or in the past");
        }
    }
    let quality = match field(pairs, "quality").unwrap_or("") {
        "" => None,
        key => match QualityGrade::from_key(key) {
            Some(q) => Some(q),
            None => {
                errors.add("quality", "Select a grade from the list");
                None
            }
        },
    };
    let mut recommendations = Vec::new();
    for i in 0..RECOMMENDATION_ROWS {
        let text = field(pairs, &format!("rec_text_{i}")).unwrap_or("").trim();
        let owner = field(pairs, &format!("rec_owner_{i}")).unwrap_or("").trim();
        let due_raw = field(pairs, &format!("rec_due_{i}"));
        if text.is_empty() && owner.is_empty() && due_raw.unwrap_or("").trim().is_empty() {
            continue;
        }
        let n = i + 1;
        if text.is_empty() {
            errors.add(
                &format!("rec_text_{i}"),
                format!("Recommendation {n}: enter the recommendation"),
            );
        }
        if text.chars().count() > 2000 {
            errors.add(
                &format!("rec_text_{i}"),
                format!("Recommendation {n} must be 2,000 characters or fewer"),
            );
        }
        if owner.is_empty() {
            errors.add(
                &format!("rec_owner_{i}"),
                format!("Recommendation {n}: enter who owns it"),
            );
        }
        let due = match form_date(due_raw) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.add(
                    &format!("rec_due_{i}"),
                    format!("Recommendation {n}: enter the date it is due"),
                );
                None
            }
            Err(msg) => {
                errors.add(
                    &format!("rec_due_{i}"),
                    format!("Recommendation {n}: {msg}"),
                );
                None
            }
        };
        if let Some(due) = due {
            recommendations.push(Recommendation {
                text: text.to_owned(),
                owner: owner.chars().take(200).collect(),
                due,
                completed: None,
            });
        }
    }
    match (errors.is_empty(), date) {
        (true, Some(date)) => Ok(Review {
            child: child.clone(),
            date,
            participation,
            details: Some(ReviewDetails {
                chair,
                kind,
                attendance,
                social_worker_report,
                decisions_issued,
                record_circulated,
                quality,
                recommendations,
                late_reason,
            }),
        }),
        _ => Err(errors),
    }
}

/// POST /children/{child}/reviews
pub async fn record_review(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let today = state.clock.today();
        let policy = policy(&state).await?;
        match parse_review(&pairs, &id, &ds, today, user.iro.clone(), &policy, &state.calendar) {
            Ok(review) => {
                let date = review.date;
                if ds.reviews.iter().any(|r| r.child == id && r.date == date) {
                    // Known from a 903 import (or recorded before): add the details.
                    state.store.update_review(&review).await?;
                } else {
                    state.store.record_review(&review).await?;
                }
                audit(&state, &user, "review.record", Some(&id), &format!("review of {date}")).await?;
                page.flash(&format!("Review of {} recorded", date.format("%-d %b %Y"))).await;
                Ok(Redirect::to(&format!("/children/{id}")).into_response())
            }
            Err(errors) => {
                // Re-show the form with what was entered.
                let form: std::collections::BTreeMap<&str, &str> =
                    pairs.iter().filter(|(k, _)| k != "attendance").map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let attended = fields(&pairs, "attendance");
                let next_due = next_due_label(&state, &ds, &id).await?;
                Ok(page
                    .render_status(
                        &state,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "review_form.html",
                        context! { child => id.to_string(), errors => errors.0, form, attended, next_due, ..form_options() },
                    )
                    .await)
            }
        }
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /children/{child}/midway-checks
pub async fn record_midway_check(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let date = dated(&pairs, "midway_date", state.clock.today())?;
        state
            .store
            .record_midway_check(&MidwayCheck {
                child: id.clone(),
                date,
                iro: user.iro.clone(),
            })
            .await?;
        audit(
            &state,
            &user,
            "midway_check.record",
            Some(&id),
            &format!("check of {date}"),
        )
        .await?;
        page.flash("Midway check recorded").await;
        Ok(Redirect::to(&format!("/children/{id}")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// A required past-or-today date from a small form, or a 400 naming it.
fn dated(pairs: &[(String, String)], name: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    match form_date(field(pairs, name)) {
        Ok(Some(d)) if d <= today => Ok(d),
        Ok(Some(_)) => Err(AppError::BadRequest(
            "The date must be today or in the past. Go back and correct it.".to_owned(),
        )),
        Ok(None) => Err(AppError::BadRequest(
            "Enter a date. Go back and try again.".to_owned(),
        )),
        Err(msg) => Err(AppError::BadRequest(format!(
            "{msg}. Go back and try again."
        ))),
    }
}

/// POST /children/{child}/visits
pub async fn record_visit(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let date = dated(&pairs, "visit_date", state.clock.today())?;
        let kind = match field(&pairs, "visit_kind").unwrap_or("") {
            "in_person" => VisitKind::InPerson,
            "virtual" => VisitKind::Virtual,
            "phone" => VisitKind::Phone,
            _ => {
                return Err(AppError::BadRequest(
                    "Select how you saw or spoke to the child.".to_owned(),
                ));
            }
        };
        state
            .store
            .record_visit(&IroVisit {
                child: id.clone(),
                date,
                kind,
                iro: user.iro.clone(),
            })
            .await?;
        audit(
            &state,
            &user,
            "visit.record",
            Some(&id),
            &format!("visit of {date}"),
        )
        .await?;
        page.flash("Visit recorded").await;
        Ok(Redirect::to(&format!("/children/{id}")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The date in a form's `review` field, naming the review a change is for.
fn review_date_field(pairs: &[(String, String)]) -> Result<NaiveDate, AppError> {
    match form_date(field(pairs, "review")) {
        Ok(Some(d)) => Ok(d),
        _ => Err(AppError::BadRequest(
            "The review date is missing.".to_owned(),
        )),
    }
}

/// The child's review held on `date`, as stored.
fn stored_review(ds: &Dataset, child: &ChildId, date: NaiveDate) -> Result<Review, AppError> {
    ds.reviews
        .iter()
        .find(|r| &r.child == child && r.date == date)
        .cloned()
        .ok_or(AppError::NotFound("review"))
}

/// POST /children/{child}/recommendations/{index}/complete — marks a
/// recommendation of the review dated `review` (form field) done today.
pub async fn complete_recommendation(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, index)): Path<(String, usize)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let review_date = review_date_field(&pairs)?;
        let ds = child_records(&state, &id).await?;
        let mut review = stored_review(&ds, &id, review_date)?;
        let today = state.clock.today();
        let Some(rec) = review
            .details
            .as_mut()
            .and_then(|d| d.recommendations.get_mut(index))
        else {
            return Err(AppError::NotFound("recommendation"));
        };
        if rec.completed.is_none() {
            rec.completed = Some(today);
            state.store.update_review(&review).await?;
            audit(
                &state,
                &user,
                "recommendation.complete",
                Some(&id),
                &format!("review of {review_date}, item {}", index + 1),
            )
            .await?;
        }
        page.flash("Recommendation marked as done").await;
        Ok(Redirect::to(&format!("/children/{id}#recommendations")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /children/{child}/reviews/sent — records the day a review's
/// decisions (`what=decisions`) or full record (`what=record`) were sent out
/// (`date`; the review's date in `review`). Business support do this from the
/// list of decisions and records overdue; a date already recorded is
/// corrected. The date cannot be before the review or after today.
pub async fn record_sent(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let bad = |m: &str| AppError::BadRequest(m.to_owned());
        let review_date = review_date_field(&pairs)?;
        let what = match field(&pairs, "what") {
            Some("decisions") => "decisions",
            Some("record") => "record",
            _ => return Err(bad("Say whether the decisions or the record were sent.")),
        };
        let sent = match form_date(field(&pairs, "date")) {
            Ok(Some(d)) => d,
            Ok(None) => return Err(bad("Enter the date they were sent.")),
            Err(e) => return Err(AppError::BadRequest(format!("{e}."))),
        };
        let today = state.clock.today();
        if sent < review_date {
            return Err(bad("The date they were sent cannot be before the review."));
        }
        if sent > today {
            return Err(bad("The date they were sent cannot be in the future."));
        }
        let ds = child_records(&state, &id).await?;
        let mut review = stored_review(&ds, &id, review_date)?;
        let Some(details) = review.details.as_mut() else {
            return Err(bad(
                "This review's details are not recorded in Footprint: record the review first.",
            ));
        };
        if what == "decisions" {
            details.decisions_issued = Some(sent);
        } else {
            details.record_circulated = Some(sent);
        }
        state.store.update_review(&review).await?;
        audit(
            &state,
            &user,
            "review.sent",
            Some(&id),
            &format!("{what} of the review of {review_date} sent {sent}"),
        )
        .await?;
        let label = if what == "decisions" {
            "Decisions"
        } else {
            "Record"
        };
        page.flash(&format!(
            "{label} of the review of {} recorded as sent on {}",
            review_date.format("%-d %b %Y"),
            sent.format("%-d %b %Y")
        ))
        .await;
        Ok(Redirect::to("/outstanding").into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use footprint_domain::model::{Child, Episode};

    fn d(s: &str) -> NaiveDate {
        footprint_domain::dates::parse_iso_date(s).unwrap()
    }

    /// A child looked after from 1 April 2024 until 1 September 2024.
    fn council() -> (ChildId, Dataset) {
        let id: ChildId = "K1".parse().unwrap();
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
            ..Dataset::default()
        };
        (id, ds)
    }

    fn form(date: &str) -> Vec<(String, String)> {
        vec![
            ("date".to_owned(), date.to_owned()),
            ("participation".to_owned(), "PN1".to_owned()),
        ]
    }

    #[test]
    fn a_review_on_the_day_care_ended_is_outside_care() {
        // measures.md: looked after on D needs DEC > D, so a review on the
        // DEC date falls in no period of care and would be left out of every
        // measure as unmatched. The form must refuse it, not store it.
        let (id, ds) = council();
        let today = d("2025-01-01");
        let parse = |f: &[(String, String)]| parse(f, &id, &ds, today);
        // 31 August is late (review 1 was due 20 working days after 1 April):
        // with a reason it is accepted.
        let mut late = form("2024-08-31");
        late.push(("late_reason".to_owned(), "other".to_owned()));
        assert!(parse(&late).is_ok());
        let refused = parse(&form("2024-09-01")).unwrap_err();
        assert!(refused.0.iter().any(|e| e.field == "date"));
        assert!(parse(&form("2024-04-01")).is_ok());
        assert!(parse(&form("2024-03-31")).is_err());
    }

    fn parse(
        f: &[(String, String)],
        id: &ChildId,
        ds: &Dataset,
        today: NaiveDate,
    ) -> Result<Review, FormErrors> {
        parse_review(
            f,
            id,
            ds,
            today,
            None,
            &SchedulePolicy::statutory(),
            &WorkingDayCalendar::england_and_wales(),
        )
    }

    fn late_reason_of(r: &Review) -> Option<LateReason> {
        r.details.as_ref().and_then(|d| d.late_reason)
    }

    #[test]
    fn a_late_review_needs_its_reason_and_one_in_time_keeps_none() {
        // In care from 1 April 2024 with no review yet: review 1 is due 20
        // working days later, by the bank-holiday calendar (the due date is
        // taken from the schedule, as the caseload shows it).
        let (id, ds) = council();
        let today = d("2025-01-01");
        let by = ByChild::new(&ds);
        let policy = SchedulePolicy::statutory();
        let cal = WorkingDayCalendar::england_and_wales();
        let due = daily::review_timeliness(&by, &id, d("2024-04-02"), &policy, &cal)
            .and_then(|t| t.due)
            .expect("a due date");
        let after = (due + chrono::Duration::days(1)).to_string();

        // Late without a reason: refused, naming the field.
        let errors = parse(&form(&after), &id, &ds, today).unwrap_err();
        let e = errors
            .0
            .iter()
            .find(|e| e.field == "late_reason")
            .expect("a late_reason error");
        assert_eq!(e.message, "Select why the review was held late");

        // Late with a reason: kept.
        let mut with = form(&after);
        with.push(("late_reason".to_owned(), "court_hearing".to_owned()));
        let review = parse(&with, &id, &ds, today).expect("accepted");
        assert_eq!(late_reason_of(&review), Some(LateReason::CourtHearing));

        // An unknown key is refused, once.
        let mut bad = form(&after);
        bad.push(("late_reason".to_owned(), "bad_weather".to_owned()));
        let errors = parse(&bad, &id, &ds, today).unwrap_err();
        let msgs: Vec<&str> = errors
            .0
            .iter()
            .filter(|e| e.field == "late_reason")
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(msgs, ["Select a reason from the list"]);

        // On the due date: in time, no reason needed, and one given is not
        // kept (the review was not late).
        let on_due = due.to_string();
        let review = parse(&form(&on_due), &id, &ds, today).expect("in time");
        assert_eq!(late_reason_of(&review), None);
        let mut given = form(&on_due);
        given.push(("late_reason".to_owned(), "child_unwell".to_owned()));
        let review = parse(&given, &id, &ds, today).expect("in time");
        assert_eq!(late_reason_of(&review), None);
    }
}
