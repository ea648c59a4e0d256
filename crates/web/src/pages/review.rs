//! Recording a review, a midway check, a visit; completing a recommendation.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::codes::ParticipationCode;
use footprint_domain::daily::{self, ByChild};
use footprint_domain::lists::CouncilList;
use footprint_domain::measures::MeasureSettings;
use footprint_domain::model::{
    AttendeeRole, ChildId, Dataset, IroVisit, MidwayCheck, QualityGrade, Recommendation, Review,
    ReviewDetails, ReviewKind, SocialWorkerReport, VisitKind,
};
use footprint_domain::schedule::SchedulePolicy;
use minijinja::{Value, context};

use super::Fields;
use super::{
    audit, caseload_scope, child_id, child_records, ensure_child, field, fields, form_date,
    needs_cover, policy, respond,
};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

/// Blank recommendation rows offered on the form.
const RECOMMENDATION_ROWS: usize = 5;

/// What the review form offers: the national participation codes, the
/// fixed lists, and the council's reasons for lateness and for an
/// inadequate grade (with the one the review holds, if the council has
/// since retired it).
fn form_options(settings: &MeasureSettings, held: Option<&Review>) -> Value {
    let held = held.and_then(|r| r.details.as_ref());
    context! {
        participation_codes => ParticipationCode::all().iter().map(|p| context! { code => p.code(), label => p.label() }).collect::<Vec<_>>(),
        attendee_roles => AttendeeRole::ALL.iter().map(|r| context! { key => r.key(), label => r.label() }).collect::<Vec<_>>(),
        quality_grades => QualityGrade::ALL.iter().map(|q| context! { key => q.key(), label => q.label() }).collect::<Vec<_>>(),
        late_reasons => super::list_options(&settings.late_reasons, held.and_then(|d| d.late_reason.as_deref())),
        inadequate_reasons => super::list_options(&settings.inadequate_reasons, held.and_then(|d| d.inadequate_reason.as_deref())),
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
        let settings = super::settings(&state).await?;
        Ok(page
            .render(
                &state,
                "review_form.html",
                context! {
                    child => id.to_string(), form => context!{ kind => "statutory" }, next_due,
                    covering_needed => needs_cover(&ds, &id, &user, state.clock.today()),
                    ..form_options(&settings, None)
                },
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

/// What a review is checked against: the review policy and calendar (is
/// it late?), the council's lists, and the details the review already
/// holds (a correction may keep an entry since retired).
struct ReviewRules<'a> {
    policy: &'a SchedulePolicy,
    calendar: &'a WorkingDayCalendar,
    late_reasons: &'a CouncilList,
    inadequate_reasons: &'a CouncilList,
    held: Option<&'a ReviewDetails>,
}

impl<'a> ReviewRules<'a> {
    /// The council's rules from its settings, for a review holding `held`.
    fn of(
        settings: &'a MeasureSettings,
        calendar: &'a WorkingDayCalendar,
        held: Option<&'a Review>,
    ) -> Self {
        ReviewRules {
            policy: &settings.review_policy,
            calendar,
            late_reasons: &settings.late_reasons,
            inadequate_reasons: &settings.inadequate_reasons,
            held: held.and_then(|r| r.details.as_ref()),
        }
    }

    /// The entry of `list` the form sent as `name`: none, one the list
    /// accepts (on offer, or the one the review holds), or an error on the
    /// field.
    fn entry(
        list: &CouncilList,
        pairs: &[(String, String)],
        name: &str,
        held: Option<&str>,
        errors: &mut FormErrors,
        message: &str,
    ) -> Option<String> {
        match field(pairs, name).unwrap_or("") {
            "" => None,
            key if list.accepts(key, held) => Some(key.to_owned()),
            _ => {
                errors.add(name, message);
                None
            }
        }
    }
}

/// Reads and checks the review form. Every problem is named by field.
fn parse_review(
    pairs: &[(String, String)],
    child: &ChildId,
    ds: &Dataset,
    today: NaiveDate,
    chair: Option<footprint_domain::model::IroId>,
    rules: &ReviewRules<'_>,
) -> Result<Review, FormErrors> {
    let ReviewRules {
        policy, calendar, ..
    } = *rules;
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
    let late_reason = ReviewRules::entry(
        rules.late_reasons,
        pairs,
        "late_reason",
        rules.held.and_then(|d| d.late_reason.as_deref()),
        &mut errors,
        "Select a reason from the list",
    );
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
    // DfE rules 440 and 441, by the code the import's checks use.
    if let (Some(code), Some(d)) = (participation, date)
        && let Some(child) = ds.children.iter().find(|c| &c.id == child)
        && let Some((rule, message)) =
            footprint_ssda903::review_code_problem(code, child.date_of_birth, d)
    {
        errors.add(
            "participation",
            format!("{message} (DfE rule {rule}): select the code that fits the child's age"),
        );
    }
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
    if sw_date.is_some_and(|d| d > today) {
        errors.add(
            "sw_report_date",
            "The date the social worker's report arrived must be today or in the past",
        );
    }
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
    // Why it was graded inadequate: required with that grade, not kept
    // with another.
    let inadequate_reason = ReviewRules::entry(
        rules.inadequate_reasons,
        pairs,
        "inadequate_reason",
        rules.held.and_then(|d| d.inadequate_reason.as_deref()),
        &mut errors,
        "Select a reason from the list",
    );
    if quality == Some(QualityGrade::Inadequate)
        && inadequate_reason.is_none()
        && !errors.0.iter().any(|e| e.field == "inadequate_reason")
    {
        errors.add(
            "inadequate_reason",
            "Select why the review was graded inadequate",
        );
    }
    let inadequate_reason = inadequate_reason.filter(|_| quality == Some(QualityGrade::Inadequate));
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
        if let (Some(due), Some(held)) = (due, date)
            && due < held
        {
            errors.add(
                &format!("rec_due_{i}"),
                format!("Recommendation {n}: the date it is due cannot be before the review"),
            );
        }
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
                inadequate_reason,
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
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let today = state.clock.today();
        let settings = super::settings(&state).await?;
        let cover = caseload_scope(&state, &ds, &id, &user, today, &pairs).await?;
        // Details added to a review known from a 903 import hold no list
        // entry yet: only the council's entries on offer are taken.
        let rules = ReviewRules::of(&settings, &state.calendar, None);
        match parse_review(&pairs, &id, &ds, today, user.iro.clone(), &rules) {
            Ok(review) => {
                let date = review.date;
                match ds.reviews.iter().find(|r| r.child == id && r.date == date) {
                    // Recorded in Footprint already: never replaced by a new
                    // recording. The correction form opens instead, showing
                    // what is held; nothing is written.
                    Some(held) if held.details.is_some() => {
                        page.flash(&format!(
                            "A review of {} is already recorded. Nothing was changed: correct it here, saying why.",
                            date.format("%-d %b %Y")
                        ))
                        .await;
                        return Ok(Redirect::to(&format!("/children/{id}/reviews/{date}/edit")).into_response());
                    }
                    // Known from a 903 import: add the details.
                    Some(_) => state.store.update_review(&review).await?,
                    None => state.store.record_review(&review).await?,
                }
                audit(&state, &user, "review.record", Some(&id), &format!("review of {date}{cover}")).await?;
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
                        context! {
                            child => id.to_string(), errors => errors.0, form, attended, next_due,
                            covering_needed => needs_cover(&ds, &id, &user, today),
                            ..form_options(&settings, None)
                        },
                    )
                    .await)
            }
        }
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The review form's fields filled with what a review holds (the
/// correction form shows what is held).
fn form_of(
    review: &Review,
) -> (
    std::collections::BTreeMap<String, String>,
    Vec<&'static str>,
) {
    let mut form = std::collections::BTreeMap::new();
    form.insert("date".to_owned(), review.date.to_string());
    if let Some(p) = review.participation {
        form.insert("participation".to_owned(), p.code().to_owned());
    }
    let mut attended = Vec::new();
    if let Some(d) = &review.details {
        form.insert(
            "kind".to_owned(),
            match d.kind {
                ReviewKind::Statutory => "statutory",
                ReviewKind::Additional => "additional",
            }
            .to_owned(),
        );
        attended = d.attendance.iter().map(|a| a.key()).collect();
        let (sw, sw_date) = match d.social_worker_report {
            SocialWorkerReport::Received(on) => ("received", Some(on)),
            SocialWorkerReport::NotReceived => ("not_received", None),
            SocialWorkerReport::NotRecorded => ("not_recorded", None),
        };
        form.insert("sw_report".to_owned(), sw.to_owned());
        for (k, v) in [
            ("sw_report_date", sw_date),
            ("decisions_issued", d.decisions_issued),
            ("record_circulated", d.record_circulated),
        ] {
            if let Some(v) = v {
                form.insert(k.to_owned(), v.to_string());
            }
        }
        if let Some(q) = d.quality {
            form.insert("quality".to_owned(), q.key().to_owned());
        }
        if let Some(r) = &d.late_reason {
            form.insert("late_reason".to_owned(), r.clone());
        }
        if let Some(r) = &d.inadequate_reason {
            form.insert("inadequate_reason".to_owned(), r.clone());
        }
        for (i, rec) in d.recommendations.iter().enumerate() {
            form.insert(format!("rec_text_{i}"), rec.text.clone());
            form.insert(format!("rec_owner_{i}"), rec.owner.clone());
            form.insert(format!("rec_due_{i}"), rec.due.to_string());
        }
    }
    (form, attended)
}

/// The review named by the path's `{review}` date.
fn review_in_path(ds: &Dataset, id: &ChildId, raw: &str) -> Result<Review, AppError> {
    let date =
        footprint_domain::dates::parse_iso_date(raw).map_err(|_| AppError::NotFound("review"))?;
    stored_review(ds, id, date)
}

/// GET /children/{child}/reviews/{review} — everything recorded about one
/// review, and (for managers) the versions corrections replaced.
pub async fn review_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let review = review_in_path(&ds, &id, &raw_review)?;
        audit(&state, &user, "review.view", Some(&id), &format!("review of {}", review.date)).await?;
        let settings = super::settings(&state).await?;
        let by = ByChild::new(&ds);
        let timeliness = daily::review_timeliness(
            &by,
            &id,
            review.date,
            &settings.review_policy,
            &state.calendar,
        );
        let shown = super::child::review_details(&ds, &settings, &review);
        let record = super::record::status_on_review_page(&state, &user, &review).await?;
        let versions = if user.role == crate::roles::Role::Manager {
            state
                .store
                .record_versions(&id, "review", &review.date.to_string())
                .await?
                .into_iter()
                .map(|v| {
                    let earlier: Option<Review> = serde_json::from_value(v.earlier).ok();
                    context! {
                        replaced_at => v.replaced_at.format("%-d %b %Y %H:%M").to_string(),
                        replaced_by => v.replaced_by,
                        reason => v.reason,
                        changed => v.changed.join(", "),
                        earlier => earlier.as_ref().map(|r| super::child::review_details(&ds, &settings, r)),
                    }
                })
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        };
        Ok(page
            .render(
                &state,
                "review.html",
                context! {
                    child => id.to_string(),
                    names => crate::names::names_of(&ds),
                    review => shown,
                    statutory_due => timeliness.and_then(|t| t.due).map(|d| d.format("%-d %b %Y").to_string()),
                    in_time => timeliness.and_then(|t| t.in_time),
                    versions,
                    can_see_versions => user.role == crate::roles::Role::Manager,
                    can_correct => user.may_use("POST", "/children/{child}/reviews/{review}"),
                    record,
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /children/{child}/reviews/{review}/edit — the correction form,
/// showing what is held.
pub async fn correction_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let review = review_in_path(&ds, &id, &raw_review)?;
        let (form, attended) = form_of(&review);
        let settings = super::settings(&state).await?;
        Ok(page
            .render(
                &state,
                "review_form.html",
                context! {
                    child => id.to_string(), form, attended,
                    correcting => review.date.to_string(),
                    correcting_label => review.date.format("%-d %b %Y").to_string(),
                    covering_needed => needs_cover(&ds, &id, &user, state.clock.today()),
                    ..form_options(&settings, Some(&review))
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /children/{child}/reviews/{review} — corrects a review: the
/// version it replaces is kept with who, when and why; the audit entry
/// names the fields that changed.
pub async fn correct_review(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
    Fields(mut pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let held = review_in_path(&ds, &id, &raw_review)?;
        let date = held.date;
        // The review's date is its key: a correction keeps it.
        pairs.retain(|(k, _)| k != "date");
        pairs.push(("date".to_owned(), date.to_string()));
        let today = state.clock.today();
        let settings = super::settings(&state).await?;
        let chair = held
            .details
            .as_ref()
            .and_then(|d| d.chair.clone())
            .or_else(|| user.iro.clone());
        let cover = caseload_scope(&state, &ds, &id, &user, today, &pairs).await?;
        let reason = field(&pairs, "correction_reason")
            .unwrap_or("")
            .trim()
            .to_owned();
        let rules = ReviewRules::of(&settings, &state.calendar, Some(&held));
        let parsed = parse_review(&pairs, &id, &ds, today, chair, &rules);
        let mut errors = match &parsed {
            Ok(_) => FormErrors::default(),
            Err(e) => e.clone(),
        };
        if let Some(p) =
            footprint_domain::entries::correction_reason_problem(Some(reason.as_str()), "review")
        {
            errors.add(&p.field, p.message);
        }
        match parsed {
            Ok(mut review) if errors.is_empty() => {
                // A recommendation kept in the same place keeps the day it
                // was marked done.
                if let (Some(new), Some(old)) = (review.details.as_mut(), held.details.as_ref()) {
                    for (n, o) in new.recommendations.iter_mut().zip(&old.recommendations) {
                        if n.text == o.text {
                            n.completed = o.completed;
                        }
                    }
                }
                let changed = state
                    .store
                    .correct_review(
                        &review,
                        &footprint_store::Correction {
                            by: user.name.clone(),
                            reason,
                        },
                    )
                    .await?;
                if changed.is_empty() {
                    page.flash("Nothing was changed: the review already held these details")
                        .await;
                } else {
                    audit(
                        &state,
                        &user,
                        "review.correct",
                        Some(&id),
                        &format!("review of {date};changed={}{cover}", changed.join(",")),
                    )
                    .await?;
                    page.flash(&format!("Review of {} corrected", date.format("%-d %b %Y")))
                        .await;
                }
                Ok(Redirect::to(&format!("/children/{id}/reviews/{date}")).into_response())
            }
            _ => {
                let form: std::collections::BTreeMap<&str, &str> = pairs
                    .iter()
                    .filter(|(k, _)| k != "attendance")
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let attended = fields(&pairs, "attendance");
                Ok(page
                    .render_status(
                        &state,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "review_form.html",
                        context! {
                            child => id.to_string(), errors => errors.0, form, attended,
                            correcting => date.to_string(),
                            correcting_label => date.format("%-d %b %Y").to_string(),
                            covering_needed => needs_cover(&ds, &id, &user, today),
                            ..form_options(&settings, Some(&held))
                        },
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
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let cover = caseload_scope(&state, &ds, &id, &user, state.clock.today(), &pairs).await?;
        let today = state.clock.today();
        let check = MidwayCheck {
            child: id.clone(),
            date: dated(&pairs, "midway_date", today)?,
            iro: user.iro.clone(),
        };
        refuse(footprint_domain::entries::midway_check_problems(
            &ds, &check, today, None,
        ))?;
        state.store.record_midway_check(&check).await?;
        let date = check.date;
        audit(
            &state,
            &user,
            "midway_check.record",
            Some(&id),
            &format!("check of {date}{cover}"),
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

/// The domain's problems with a midway check or visit recorded from the
/// child's page, as a 400 page naming the first.
fn refuse(problems: Vec<footprint_domain::entries::EntryProblem>) -> Result<(), AppError> {
    match problems.into_iter().next() {
        None => Ok(()),
        Some(p) => Err(AppError::BadRequest(format!(
            "{}. Go back and correct it.",
            p.message
        ))),
    }
}

/// POST /children/{child}/visits
pub async fn record_visit(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let cover = caseload_scope(&state, &ds, &id, &user, state.clock.today(), &pairs).await?;
        let today = state.clock.today();
        let Some(kind) = VisitKind::from_key(field(&pairs, "visit_kind").unwrap_or("")) else {
            return Err(AppError::BadRequest(
                "Select how you saw or spoke to the child.".to_owned(),
            ));
        };
        let visit = IroVisit {
            child: id.clone(),
            date: dated(&pairs, "visit_date", today)?,
            kind,
            iro: user.iro.clone(),
        };
        refuse(footprint_domain::entries::visit_problems(
            &ds, &visit, today, None,
        ))?;
        state.store.record_visit(&visit).await?;
        let date = visit.date;
        audit(
            &state,
            &user,
            "visit.record",
            Some(&id),
            &format!("visit of {date}{cover}"),
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
    Fields(pairs): Fields,
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
    Fields(pairs): Fields,
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
        // A record written in Footprint is issued from it, which records
        // the date: the document and the measure cannot disagree.
        if state.store.review_record(&id, review_date).await?.is_some() {
            return Err(bad(
                "This review's record is written in Footprint: the IRO issues the decisions and the record from it, which records the date they went out.",
            ));
        }
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
    use footprint_domain::lists::FormList;
    use footprint_domain::model::{Child, Episode, LateReason};

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
        let settings = MeasureSettings::default();
        parse_review(
            f,
            id,
            ds,
            today,
            None,
            &ReviewRules::of(&settings, &WorkingDayCalendar::england_and_wales(), None),
        )
    }

    fn late_reason_of(r: &Review) -> Option<LateReason> {
        r.details
            .as_ref()
            .and_then(|d| d.late_reason.as_deref())
            .and_then(LateReason::from_key)
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

    #[test]
    fn the_form_takes_the_councils_reasons_and_keeps_a_retired_one_it_holds() {
        let (id, ds) = council();
        let today = d("2025-01-01");
        let mut list = CouncilList::of(&[("snow", "Heavy snow"), ("strike", "Strike")]);
        list.0[1].retired = true;
        let inadequate = FormList::InadequateReasons.default_list();
        let with = |reason: &str, held: Option<&str>| {
            let mut f = form("2024-08-31");
            f.push(("late_reason".to_owned(), reason.to_owned()));
            let held = ReviewDetails {
                late_reason: held.map(str::to_owned),
                ..ReviewDetails::default()
            };
            parse_review(
                &f,
                &id,
                &ds,
                today,
                None,
                &ReviewRules {
                    policy: &SchedulePolicy::statutory(),
                    calendar: &WorkingDayCalendar::england_and_wales(),
                    late_reasons: &list,
                    inadequate_reasons: &inadequate,
                    held: Some(&held),
                },
            )
        };
        let review = with("snow", None).expect("the council's own reason");
        assert_eq!(
            review.details.and_then(|d| d.late_reason).as_deref(),
            Some("snow")
        );
        // A default reason the council's list does not have, and a retired
        // one on a new record: refused on the field.
        for refused in ["court_hearing", "strike"] {
            let errors = with(refused, None).unwrap_err();
            assert!(
                errors.0.iter().any(|e| e.field == "late_reason"),
                "{refused}"
            );
        }
        // A correction of a review that holds the retired reason keeps it.
        assert!(with("strike", Some("strike")).is_ok());
        // The options: those on offer, then the retired one held.
        let offered = super::super::list_options(&list, Some("strike"));
        assert_eq!(offered.len(), 2);
        assert_eq!(
            offered[1].get_attr("label").unwrap().to_string(),
            "Strike (no longer offered)"
        );
        assert_eq!(super::super::list_options(&list, None).len(), 1);
    }

    #[test]
    fn an_inadequate_grade_needs_its_reason_and_another_grade_keeps_none() {
        let (id, ds) = council();
        let today = d("2025-01-01");
        let graded = |grade: &str, reason: Option<&str>| {
            let mut f = form("2024-04-02");
            f.push(("quality".to_owned(), grade.to_owned()));
            if let Some(r) = reason {
                f.push(("inadequate_reason".to_owned(), r.to_owned()));
            }
            parse(&f, &id, &ds, today)
        };
        let errors = graded("inadequate", None).unwrap_err();
        let e = errors
            .0
            .iter()
            .find(|e| e.field == "inadequate_reason")
            .expect("an inadequate_reason error");
        assert_eq!(e.message, "Select why the review was graded inadequate");
        let review = graded("inadequate", Some("childs_views")).expect("accepted");
        assert_eq!(
            review.details.and_then(|d| d.inadequate_reason).as_deref(),
            Some("childs_views")
        );
        let errors = graded("inadequate", Some("weather")).unwrap_err();
        assert!(errors.0.iter().any(|e| e.field == "inadequate_reason"));
        let review = graded("good", Some("childs_views")).expect("accepted");
        assert_eq!(review.details.and_then(|d| d.inadequate_reason), None);
    }
}
