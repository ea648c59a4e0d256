//! Health assessments, dental checks, SDQ scores, immunisation status and
//! personal education plans recorded and corrected in forms (IROs, the
//! manager and business support). A record is checked by the one function
//! the case-management import uses
//! ([`footprint_domain::health_education::check_record`]); a record held is
//! never written over: a correction keeps the version it replaces with who,
//! when and why (`record_versions`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use footprint_domain::daily;
use footprint_domain::health_education::{
    AssessmentKind, DentalCheck, EducationPlan, HealthAssessment, HealthEducationRecord,
    HealthEducationTimescales, ImmunisationStatus, RecordKind, SdqScore, TermName, check_record,
};
use footprint_domain::model::{ChildId, Dataset, QualityGrade};
use minijinja::{Value, context};
use serde::Deserialize;

use super::Fields;
use super::{
    audit, caseload_scope, child_id, child_records, ensure_child, field, form_date, needs_cover,
    respond, settings,
};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

/// The reason for a correction: at most this many characters.
const REASON_MAX: usize = 500;

#[derive(Debug, Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

fn kind_of(raw: &str) -> Result<RecordKind, AppError> {
    RecordKind::from_key(raw).ok_or(AppError::NotFound("kind of record"))
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The form's fields for a record held (what a correction form shows).
fn form_of(r: &HealthEducationRecord) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| out.push((k.to_owned(), v));
    match r {
        HealthEducationRecord::HealthAssessment(a) => {
            put("assessment", a.kind.key().to_owned());
            put("requested", a.requested.map(iso).unwrap_or_default());
            put("done", a.done.map(iso).unwrap_or_default());
        }
        HealthEducationRecord::DentalCheck(c) => put("date", iso(c.date)),
        HealthEducationRecord::SdqScore(s) => {
            put("date", iso(s.date));
            put("score", s.score.to_string());
        }
        HealthEducationRecord::Immunisation(i) => {
            put("date", iso(i.date));
            put(
                "up_to_date",
                if i.up_to_date { "yes" } else { "no" }.to_owned(),
            );
        }
        HealthEducationRecord::EducationPlan(p) => {
            put("date", iso(p.date));
            put("term", p.term.term.key().to_owned());
            put(
                "quality",
                p.quality.map(|q| q.key().to_owned()).unwrap_or_default(),
            );
        }
    }
    out
}

/// Reads a record of `kind` from the form, then checks it with the one
/// check the import makes ([`check_record`]: dates not in the future and
/// inside the child's periods of care, the record's own rules). Every
/// problem on its field.
pub(crate) fn parse_record(
    kind: RecordKind,
    pairs: &[(String, String)],
    child: &ChildId,
    ds: &Dataset,
    today: NaiveDate,
    t: &HealthEducationTimescales,
) -> Result<HealthEducationRecord, FormErrors> {
    let mut errors = FormErrors::default();
    let mut date_of = |name: &str, label: &str, required: bool| -> Option<NaiveDate> {
        match form_date(field(pairs, name)) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                if required {
                    errors.add(name, format!("Enter {label}"));
                }
                None
            }
            Err(msg) => {
                errors.add(name, format!("{}: {msg}", capitalise(label)));
                None
            }
        }
    };
    let record = match kind {
        RecordKind::HealthAssessment => {
            let which = field(pairs, "assessment").and_then(AssessmentKind::from_key);
            let requested = date_of("requested", "the date it was requested", false);
            let done = date_of(
                "done",
                "the date it was done",
                which == Some(AssessmentKind::Review),
            );
            match which {
                Some(kind) => Some(HealthEducationRecord::HealthAssessment(HealthAssessment {
                    child: child.clone(),
                    kind,
                    requested: requested.filter(|_| kind == AssessmentKind::Initial),
                    done,
                })),
                None => {
                    errors.add("assessment", "Select initial or review");
                    None
                }
            }
        }
        RecordKind::DentalCheck => {
            date_of("date", "the date of the dental check", true).map(|date| {
                HealthEducationRecord::DentalCheck(DentalCheck {
                    child: child.clone(),
                    date,
                })
            })
        }
        RecordKind::SdqScore => {
            let date = date_of("date", "the date of the SDQ", true);
            let raw = field(pairs, "score").unwrap_or("").trim();
            let score = match raw.parse::<u8>() {
                Ok(s) => Some(s),
                Err(_) if raw.is_empty() => {
                    errors.add("score", "Enter the SDQ total score");
                    None
                }
                Err(_) => {
                    errors.add(
                        "score",
                        "The SDQ total score must be a whole number from 0 to 40",
                    );
                    None
                }
            };
            match (date, score) {
                (Some(date), Some(score)) => Some(HealthEducationRecord::SdqScore(SdqScore {
                    child: child.clone(),
                    date,
                    score,
                })),
                _ => None,
            }
        }
        RecordKind::Immunisation => {
            let date = date_of("date", "the date the status was recorded", true);
            let up_to_date = match field(pairs, "up_to_date") {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => {
                    errors.add(
                        "up_to_date",
                        "Select whether the child's immunisations were up to date",
                    );
                    None
                }
            };
            match (date, up_to_date) {
                (Some(date), Some(up_to_date)) => {
                    Some(HealthEducationRecord::Immunisation(ImmunisationStatus {
                        child: child.clone(),
                        date,
                        up_to_date,
                    }))
                }
                _ => None,
            }
        }
        RecordKind::EducationPlan => {
            let date = date_of("date", "the date of the PEP meeting", true);
            let term = match field(pairs, "term").unwrap_or("") {
                "" => None,
                s => match TermName::from_key(s) {
                    Some(k) => Some(k),
                    None => {
                        errors.add("term", "Select a term from the list");
                        None
                    }
                },
            };
            let quality = match field(pairs, "quality").unwrap_or("") {
                "" => None,
                s => match QualityGrade::from_key(s) {
                    Some(q) => Some(q),
                    None => {
                        errors.add("quality", "Select a grade from the list");
                        None
                    }
                },
            };
            date.map(|date| {
                HealthEducationRecord::EducationPlan(EducationPlan {
                    child: child.clone(),
                    date,
                    term: t.term_named(date, term),
                    quality,
                })
            })
        }
    };
    if let Some(r) = &record {
        let periods: Vec<_> = daily::assemble_by_child(ds)
            .into_iter()
            .filter(|(c, _)| *c == child)
            .flat_map(|(_, a)| a.periods)
            .collect();
        for p in check_record(r, &periods, today) {
            if !errors.0.iter().any(|e| e.field == p.field) {
                errors.add(p.field, p.message);
            }
        }
    }
    match record {
        Some(r) if errors.is_empty() => Ok(r),
        _ => Err(errors),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// What every form needs: the kinds, terms and grades to choose from.
fn options(kind: RecordKind) -> Value {
    context! {
        kind => kind.key(),
        kind_label => kind.label(),
        terms => [("autumn", "Autumn"), ("spring", "Spring"), ("summer", "Summer")].iter().map(|(k, l)| context! { key => k, label => l }).collect::<Vec<_>>(),
        grades => QualityGrade::ALL.iter().map(|g| context! { key => g.key(), label => g.label() }).collect::<Vec<_>>(),
    }
}

fn form_map(pairs: &[(String, String)]) -> std::collections::BTreeMap<&str, &str> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// GET /children/{child}/health/new?kind=KIND — the form for a new record.
pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Query(q): Query<KindQuery>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let kind = kind_of(q.kind.as_deref().unwrap_or("health_assessment"))?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let form: Vec<(String, String)> = Vec::new();
        Ok(page
            .render(
                &state,
                "health_form.html",
                context! {
                    child => id.to_string(), form => form_map(&form),
                    covering_needed => needs_cover(&ds, &id, &user, state.clock.today()),
                    ..options(kind)
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /children/{child}/health — records a new record.
pub async fn record(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let kind = kind_of(field(&pairs, "kind").unwrap_or(""))?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let today = state.clock.today();
        let cover = caseload_scope(&state, &ds, &id, &user, today, &pairs).await?;
        let t = settings(&state).await?.health_education;
        let parsed = parse_record(kind, &pairs, &id, &ds, today, &t);
        let parsed = match parsed {
            Ok(r) => match state.store.record_health_education(&r).await {
                Ok(()) => Ok(r),
                Err(footprint_store::StoreError::AlreadyExists(_)) => {
                    let mut e = FormErrors::default();
                    e.add(
                        if kind == RecordKind::HealthAssessment {
                            "done"
                        } else {
                            "date"
                        },
                        "This record is already held: correct it from the child's page",
                    );
                    Err(e)
                }
                Err(e) => return Err(e.into()),
            },
            Err(e) => Err(e),
        };
        match parsed {
            Ok(r) => {
                audit(
                    &state,
                    &user,
                    "health.record",
                    Some(&id),
                    &format!("{} {}{cover}", kind.key(), r.key()),
                )
                .await?;
                page.flash(&format!("{} recorded", kind.label())).await;
                Ok(Redirect::to(&format!("/children/{id}#health-education")).into_response())
            }
            Err(errors) => Ok(page
                .render_status(
                    &state,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "health_form.html",
                    context! {
                        child => id.to_string(), errors => errors.0, form => form_map(&pairs),
                        covering_needed => needs_cover(&ds, &id, &user, today),
                        ..options(kind)
                    },
                )
                .await),
        }
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The child's record of `kind` keyed `key`, as held.
fn held(
    ds: &Dataset,
    id: &ChildId,
    kind: RecordKind,
    key: &str,
) -> Result<HealthEducationRecord, AppError> {
    records_of(ds, id)
        .into_iter()
        .find(|r| r.kind() == kind && r.key() == key)
        .ok_or(AppError::NotFound("record"))
}

/// Every health and education record of the child, of every kind.
pub(crate) fn records_of(ds: &Dataset, id: &ChildId) -> Vec<HealthEducationRecord> {
    let mine = |c: &ChildId| c == id;
    ds.health_assessments
        .iter()
        .filter(|x| mine(&x.child))
        .cloned()
        .map(HealthEducationRecord::HealthAssessment)
        .chain(
            ds.dental_checks
                .iter()
                .filter(|x| mine(&x.child))
                .cloned()
                .map(HealthEducationRecord::DentalCheck),
        )
        .chain(
            ds.sdq_scores
                .iter()
                .filter(|x| mine(&x.child))
                .cloned()
                .map(HealthEducationRecord::SdqScore),
        )
        .chain(
            ds.immunisations
                .iter()
                .filter(|x| mine(&x.child))
                .cloned()
                .map(HealthEducationRecord::Immunisation),
        )
        .chain(
            ds.education_plans
                .iter()
                .filter(|x| mine(&x.child))
                .cloned()
                .map(HealthEducationRecord::EducationPlan),
        )
        .collect()
}

/// GET /children/{child}/health/{kind}/{key}/edit — the correction form,
/// with the versions earlier corrections replaced.
pub async fn correction_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_kind, key)): Path<(String, String, String)>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let kind = kind_of(&raw_kind)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let r = held(&ds, &id, kind, &key)?;
        let versions = state
            .store
            .health_education_versions(&id, kind, &key)
            .await?;
        audit(
            &state,
            &user,
            "health.view_versions",
            Some(&id),
            &format!("{} {key}", kind.key()),
        )
        .await?;
        let form = form_of(&r);
        Ok(page
            .render(
                &state,
                "health_form.html",
                context! {
                    child => id.to_string(), form => form_map(&form), correcting => key,
                    versions => version_rows(&versions),
                    covering_needed => needs_cover(&ds, &id, &user, state.clock.today()),
                    ..options(kind)
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

fn version_rows(versions: &[footprint_store::RecordVersion]) -> Vec<Value> {
    versions
        .iter()
        .map(|v| {
            let earlier: Option<HealthEducationRecord> = serde_json::from_value(v.earlier.clone()).ok();
            context! {
                replaced_at => v.replaced_at.format("%-d %b %Y %H:%M").to_string(),
                replaced_by => v.replaced_by.clone(),
                reason => v.reason.clone(),
                changed => v.changed.join(", "),
                earlier => earlier.map(|r| r.fields().into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; ")),
            }
        })
        .collect()
}

/// POST /children/{child}/health/{kind}/{key} — corrects a record: the
/// version it replaces is kept with who, when and why. A change to a value
/// held needs a reason; filling a blank (the day a requested initial
/// assessment was done) does not.
pub async fn correct(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_kind, key)): Path<(String, String, String)>,
    Fields(pairs): Fields,
) -> Response {
    let result =
        async {
            let id = child_id(&raw)?;
            let kind = kind_of(&raw_kind)?;
            let ds = child_records(&state, &id).await?;
            ensure_child(&ds, &id)?;
            let was = held(&ds, &id, kind, &key)?;
            let today = state.clock.today();
            let cover = caseload_scope(&state, &ds, &id, &user, today, &pairs).await?;
            let t = settings(&state).await?.health_education;
            let reason = field(&pairs, "correction_reason")
                .unwrap_or("")
                .trim()
                .to_owned();
            let parsed = parse_record(kind, &pairs, &id, &ds, today, &t);
            let mut errors = match &parsed {
                Ok(_) => FormErrors::default(),
                Err(e) => e.clone(),
            };
            if let Ok(now) = &parsed {
                let (_, correcting) = was.changed_fields(now);
                if correcting && reason.is_empty() {
                    errors.add(
                        "correction_reason",
                        "Enter why the record is being corrected",
                    );
                }
            }
            if reason.chars().count() > REASON_MAX {
                errors.add(
                    "correction_reason",
                    "The reason must be 500 characters or fewer",
                );
            }
            if let Ok(now) = parsed
                && errors.is_empty()
            {
                let reason = Some(reason.as_str()).filter(|r| !r.is_empty());
                match state
                    .store
                    .correct_health_education(&key, &now, &user.name, reason)
                    .await
                {
                    Ok(changed) if changed.is_empty() => {
                        page.flash("Nothing was changed: the record already held these details")
                            .await;
                        return Ok(Redirect::to(&format!("/children/{id}#health-education"))
                            .into_response());
                    }
                    Ok(changed) => {
                        audit(
                            &state,
                            &user,
                            "health.correct",
                            Some(&id),
                            &format!(
                                "{} {key} to {};changed={}{cover}",
                                kind.key(),
                                now.key(),
                                changed.join(",")
                            ),
                        )
                        .await?;
                        page.flash(&format!("{} corrected", kind.label())).await;
                        return Ok(Redirect::to(&format!("/children/{id}#health-education"))
                            .into_response());
                    }
                    Err(footprint_store::StoreError::AlreadyExists(_)) => errors.add(
                        if kind == RecordKind::HealthAssessment {
                            "done"
                        } else {
                            "date"
                        },
                        "Another record of this kind is held on that date",
                    ),
                    Err(e) => return Err(e.into()),
                }
            }
            let versions = state
                .store
                .health_education_versions(&id, kind, &key)
                .await?;
            Ok(page
                .render_status(
                    &state,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "health_form.html",
                    context! {
                        child => id.to_string(), errors => errors.0, form => form_map(&pairs),
                        correcting => key, versions => version_rows(&versions),
                        covering_needed => needs_cover(&ds, &id, &user, today),
                        ..options(kind)
                    },
                )
                .await)
        }
        .await;
    respond(&state, Some(&user), result)
}

/// The child's health and education records for the child's page, newest
/// first, each with its key and in words.
pub(crate) fn record_rows(ds: &Dataset, id: &ChildId) -> Vec<Value> {
    let uk = |d: NaiveDate| d.format("%-d %b %Y").to_string();
    let mut rows: Vec<(Option<NaiveDate>, Value)> = records_of(ds, id)
        .into_iter()
        .map(|r| {
            let (when, what, detail) = match &r {
                HealthEducationRecord::HealthAssessment(a) => (
                    a.done.or(a.requested),
                    match a.kind {
                        AssessmentKind::Initial => "Initial health assessment",
                        AssessmentKind::Review => "Review health assessment",
                    },
                    match (a.requested, a.done) {
                        (Some(q), None) => format!("Requested {}; not yet done", uk(q)),
                        (Some(q), Some(_)) => format!("Requested {}", uk(q)),
                        _ => String::new(),
                    },
                ),
                HealthEducationRecord::DentalCheck(c) => {
                    (Some(c.date), "Dental check", String::new())
                }
                HealthEducationRecord::SdqScore(s) => {
                    (Some(s.date), "SDQ", format!("Score {}", s.score))
                }
                HealthEducationRecord::Immunisation(i) => (
                    Some(i.date),
                    "Immunisations",
                    if i.up_to_date {
                        "Up to date"
                    } else {
                        "Not up to date"
                    }
                    .to_owned(),
                ),
                HealthEducationRecord::EducationPlan(p) => (
                    Some(p.date),
                    "PEP",
                    format!(
                        "For {}{}",
                        p.term,
                        p.quality
                            .map(|q| format!("; {}", q.label()))
                            .unwrap_or_default()
                    ),
                ),
            };
            (
                when,
                context! {
                    kind => r.kind().key(),
                    key => r.key(),
                    date => when.map(uk),
                    what, detail,
                },
            )
        })
        .collect();
    rows.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    rows.into_iter().map(|(_, v)| v).collect()
}

/// The kinds of record a form records, for the child's page's links.
pub(crate) fn kinds() -> Vec<Value> {
    RecordKind::ALL
        .iter()
        .map(|k| context! { key => k.key(), label => k.label() })
        .collect()
}
