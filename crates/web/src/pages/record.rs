//! The record of a review and the letter to the child, written in
//! Footprint: the record's page (IROs and the manager), issuing the
//! decisions and the record, the letter with its reading-age check, the
//! documents as Word and PDF, and what was sent to whom.
//!
//! The record and the letter are free text about the child: only the
//! routes open to IROs and the manager show them, every view is audited
//! (`review_record.view`, `review_letter.view`, `review_document.download`),
//! and nothing here logs them. Business support sees the status, the dates
//! and what was sent to whom on the review's page.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use footprint_domain::daily::{self, ByChild};
use footprint_domain::letter::{self, Audience, Letter, LetterFacts};
use footprint_domain::model::{ChildId, Dataset, Review};
use footprint_domain::readability::readability;
use footprint_domain::review_record::{
    self, Document, Part, Recipient, RecordStatus, RecordTemplate, ReviewRecord, Sent, SentBy,
    ViewsGiven,
};
use footprint_report::review_documents::{self as docs, DocFormat, RecordFacts};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{
    Fields, audit, caseload_scope, child_id, child_records, ensure_child, field, fields, form_date,
    needs_cover, policy, respond,
};
use crate::AppState;
use crate::access::CurrentUser;
use crate::roles::Role;
use crate::view::{AppError, Page};

/// The review named by the path.
fn review_of(ds: &Dataset, id: &ChildId, raw: &str) -> Result<Review, AppError> {
    let date =
        footprint_domain::dates::parse_iso_date(raw).map_err(|_| AppError::NotFound("review"))?;
    ds.reviews
        .iter()
        .find(|r| &r.child == id && r.date == date)
        .cloned()
        .ok_or(AppError::NotFound("review"))
}

fn uk(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

async fn template(state: &AppState) -> Result<RecordTemplate, AppError> {
    Ok(state.store.record_template().await?)
}

/// The child as the documents name them: "Amira Khan (K1)" or "K1".
fn child_label(ds: &Dataset, id: &ChildId) -> String {
    match ds
        .children
        .iter()
        .find(|c| &c.id == id)
        .and_then(|c| c.name.as_ref())
    {
        Some(n) => format!("{n} ({id})"),
        None => id.to_string(),
    }
}

fn iro_name(ds: &Dataset, review: &Review) -> Option<String> {
    let chair = review.details.as_ref()?.chair.as_ref()?;
    ds.iros
        .iter()
        .find(|i| &i.id == chair)
        .map(|i| i.name.clone())
}

fn versions_value(versions: &[footprint_store::DocumentVersion]) -> Vec<Value> {
    versions
        .iter()
        .rev()
        .map(|v| {
            context! {
                version => v.version,
                event => match v.event.as_str() {
                    "draft" => "Draft saved",
                    "correction" => "Corrected",
                    "issue_decisions" => "Decisions issued",
                    "issue_record" => "Record issued",
                    _ => "Saved",
                },
                written_at => v.written_at.format("%-d %b %Y %H:%M").to_string(),
                written_by => v.written_by.clone(),
                reason => v.reason.clone(),
                changed => v.changed.join(", "),
            }
        })
        .collect()
}

fn options() -> Value {
    context! {
        views_options => ViewsGiven::ALL.iter().map(|v| context! { key => v.key(), label => v.label() }).collect::<Vec<_>>(),
        recipients => Recipient::all().into_iter().map(|r| context! { key => r.key(), label => r.label() }).collect::<Vec<_>>(),
        documents => Document::ALL.iter().map(|d| context! { key => d.key(), label => d.label() }).collect::<Vec<_>>(),
        sent_by => SentBy::ALL.iter().map(|s| context! { key => s.key(), label => s.label() }).collect::<Vec<_>>(),
    }
}

fn record_value(r: &ReviewRecord, template: &RecordTemplate) -> Value {
    let sections: Vec<Value> = r
        .sections
        .iter()
        .map(|s| {
            let hint = template
                .sections
                .iter()
                .find(|t| t.key == s.key)
                .map(|t| t.hint.clone())
                .unwrap_or_default();
            context! { key => s.key.clone(), heading => s.heading.clone(), text => s.text.clone(), decisions => s.decisions, hint }
        })
        .collect();
    context! {
        child_views => r.child_views.clone(),
        views_given => r.views_given.iter().map(|v| v.key()).collect::<Vec<_>>(),
        sections,
        attendees => r.attendees.clone(),
        send_to => r.send_to.iter().map(|v| v.key()).collect::<Vec<_>>(),
    }
}

fn recommendations_value(review: &Review) -> Vec<Value> {
    review
        .details
        .as_ref()
        .map(|d| {
            d.recommendations
                .iter()
                .map(|r| context! { text => r.text.clone(), owner => r.owner.clone(), due => uk(r.due) })
                .collect()
        })
        .unwrap_or_default()
}

/// GET /children/{child}/reviews/{review}/record — the record, its status,
/// what is outstanding, its versions, and the form to write it.
pub async fn page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let review = review_of(&ds, &id, &raw_review)?;
        let template = template(&state).await?;
        let held = state.store.review_record(&id, review.date).await?;
        audit(
            &state,
            &user,
            "review_record.view",
            Some(&id),
            &format!("review of {}", review.date),
        )
        .await?;
        let record = match &held {
            Some((r, _)) => r.with_template(&template),
            None => ReviewRecord::blank(&template),
        };
        let versions = state
            .store
            .review_document_versions(&id, review.date, "record")
            .await?;
        let sent: Vec<Sent> = state
            .store
            .circulation(&id, review.date)
            .await?
            .into_iter()
            .map(|c| c.sent)
            .collect();
        let status = RecordStatus::of(&review, held.is_some());
        let issued = !matches!(status, RecordStatus::NotStarted | RecordStatus::Draft);
        let outstanding = review_record::outstanding(&review, held.as_ref().map(|(r, _)| r), &sent);
        Ok(page
            .render(
                &state,
                "record.html",
                context! {
                    child => id.to_string(),
                    names => crate::names::names_of(&ds),
                    review_iso => review.date.to_string(),
                    review_label => uk(review.date),
                    has_details => review.details.is_some(),
                    record => record_value(&record, &template),
                    written => held.is_some(),
                    status => status.label(),
                    issued,
                    decisions_issued => Part::Decisions.issued(&review).map(uk),
                    record_issued => Part::Record.issued(&review).map(uk),
                    recommendations => recommendations_value(&review),
                    attendance => review.details.as_ref().map(|d| d.attendance.iter().map(|a| a.label()).collect::<Vec<_>>()).unwrap_or_default(),
                    outstanding,
                    versions => versions_value(&versions),
                    covering_needed => needs_cover(&ds, &id, &user, state.clock.today()),
                    ..options()
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The record as the form sends it, laid out by the template. Every
/// problem is a 400 naming the field.
fn parse_record(
    pairs: &[(String, String)],
    template: &RecordTemplate,
    held: Option<&ReviewRecord>,
) -> Result<ReviewRecord, AppError> {
    let base = held
        .cloned()
        .unwrap_or_else(|| ReviewRecord::blank(template));
    let mut record = base.with_template(template);
    record.child_views = field(pairs, "child_views").unwrap_or("").trim().to_owned();
    record.views_given = Vec::new();
    for key in fields(pairs, "views_given") {
        match ViewsGiven::from_key(key) {
            Some(v) if !record.views_given.contains(&v) => record.views_given.push(v),
            Some(_) => {}
            None => {
                return Err(AppError::BadRequest(
                    "How the child gave their views: select from the list.".to_owned(),
                ));
            }
        }
    }
    for s in &mut record.sections {
        if let Some(text) = field(pairs, &format!("section_{}", s.key)) {
            s.text = text.trim().to_owned();
        }
    }
    record.attendees = field(pairs, "attendees").unwrap_or("").trim().to_owned();
    record.send_to = Vec::new();
    for key in fields(pairs, "send_to") {
        match Recipient::from_key(key) {
            Some(r) if !record.send_to.contains(&r) => record.send_to.push(r),
            Some(_) => {}
            None => {
                return Err(AppError::BadRequest(
                    "Who the record is sent to: select from the list.".to_owned(),
                ));
            }
        }
    }
    record
        .check()
        .map_err(|m| AppError::BadRequest(format!("{m}.")))?;
    Ok(record)
}

/// POST /children/{child}/reviews/{review}/record — saves the record as a
/// new version (a correction, saying why, once anything is issued). The
/// audit names the parts that changed, never their text.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let review = review_of(&ds, &id, &raw_review)?;
        let cover = caseload_scope(&state, &ds, &id, &user, state.clock.today(), &pairs).await?;
        let template = template(&state).await?;
        let held = state.store.review_record(&id, review.date).await?;
        let record = parse_record(&pairs, &template, held.as_ref().map(|(r, _)| r))?;
        let reason = field(&pairs, "reason").map(str::trim).filter(|r| !r.is_empty());
        let issued = Part::Decisions.issued(&review).is_some() || Part::Record.issued(&review).is_some();
        if issued && reason.is_none() {
            return Err(AppError::BadRequest(
                "The decisions or the record have been issued: say why you are changing the record. Go back and try again.".to_owned(),
            ));
        }
        let changed = state
            .store
            .save_review_record(&id, review.date, &record, &user.name, reason)
            .await?;
        if changed.is_empty() {
            page.flash("Nothing was changed: the record already said this").await;
        } else {
            audit(
                &state,
                &user,
                if issued { "review_record.correct" } else { "review_record.save" },
                Some(&id),
                &format!("review of {};changed={}{cover}", review.date, changed.join(",")),
            )
            .await?;
            page.flash("Record saved").await;
        }
        Ok(Redirect::to(&format!("/children/{id}/reviews/{}/record", review.date)).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /children/{child}/reviews/{review}/record/issue — `what` =
/// `decisions` or `record`: issues it today, which records the date the
/// measures and the outstanding list read.
pub async fn issue(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let review = review_of(&ds, &id, &raw_review)?;
        let cover = caseload_scope(&state, &ds, &id, &user, state.clock.today(), &pairs).await?;
        let part = field(&pairs, "what")
            .and_then(Part::from_key)
            .ok_or_else(|| {
                AppError::BadRequest(
                    "Say whether the decisions or the record are issued.".to_owned(),
                )
            })?;
        let today = state.clock.today();
        state
            .store
            .issue_review_record(&id, review.date, part, today, &user.name)
            .await
            .map_err(|e| match e {
                footprint_store::StoreError::Invalid(m) => {
                    let mut m = m;
                    if let Some(first) = m.get(0..1) {
                        m = format!("{}{}", first.to_uppercase(), &m[1..]);
                    }
                    AppError::BadRequest(format!("{m}."))
                }
                other => other.into(),
            })?;
        audit(
            &state,
            &user,
            "review_record.issue",
            Some(&id),
            &format!(
                "{} of the review of {} issued {today}{cover}",
                part.key(),
                review.date
            ),
        )
        .await?;
        page.flash(&format!(
            "{} issued on {}",
            if part == Part::Decisions {
                "Decisions"
            } else {
                "Record"
            },
            uk(today)
        ))
        .await;
        Ok(Redirect::to(&format!("/children/{id}/reviews/{}/record", review.date)).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

#[derive(Debug, Deserialize)]
pub struct LetterQuery {
    /// `standard` or `younger`: show a fresh draft from the record (not
    /// saved until the IRO saves it).
    draft: Option<String>,
}

/// The child's age in whole years on `on`.
fn age_on(ds: &Dataset, id: &ChildId, on: NaiveDate) -> Option<u32> {
    let dob = ds.children.iter().find(|c| &c.id == id)?.date_of_birth;
    let mut age = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    u32::try_from(age).ok()
}

/// The reading-age check of a letter's text for a child of `age`.
fn check_value(text: &str, audience: Audience, age: Option<u32>) -> Value {
    let Some(r) = readability(text) else {
        return Value::from(());
    };
    let target = age.map(|a| audience.target_reading_age(a));
    context! {
        reading_age => r.reading_age(),
        grade => format!("{:.1}", r.grade),
        ease => format!("{:.0}", r.reading_ease),
        ease_label => r.ease_label(),
        words => r.words,
        sentences => r.sentences,
        target,
        too_hard => target.is_some_and(|t| r.reading_age() > t),
    }
}

/// GET /children/{child}/reviews/{review}/letter — the letter to the child
/// as saved (or a first draft from the record), with its reading-age check.
pub async fn letter_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
    Query(q): Query<LetterQuery>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let review = review_of(&ds, &id, &raw_review)?;
        let template = template(&state).await?;
        let record = state
            .store
            .review_record(&id, review.date)
            .await?
            .map(|(r, _)| r)
            .unwrap_or_else(|| ReviewRecord::blank(&template));
        let saved = state.store.review_letter(&id, review.date).await?;
        audit(
            &state,
            &user,
            "review_letter.view",
            Some(&id),
            &format!("review of {}", review.date),
        )
        .await?;
        let wanted = q.draft.as_deref().and_then(Audience::from_key);
        let (letter, is_draft) = match (wanted, &saved) {
            (None, Some((l, _))) => (l.clone(), false),
            (wanted, _) => {
                let audience = wanted.unwrap_or_default();
                let given = ds
                    .children
                    .iter()
                    .find(|c| c.id == id)
                    .and_then(|c| c.name.as_ref())
                    .map(|n| n.given().to_owned());
                let iro = iro_name(&ds, &review);
                let policy = policy(&state).await?;
                let by = ByChild::new(&ds);
                let next =
                    daily::next_review(&by, &id, state.clock.today(), &policy, &state.calendar)
                        .and_then(|(_, due)| due)
                        .map(|d| d.date)
                        .filter(|d| *d > review.date);
                let facts = LetterFacts {
                    given_name: given.as_deref(),
                    review: &review,
                    record: &record,
                    iro_name: iro.as_deref(),
                    next_review: next,
                };
                (
                    Letter {
                        audience,
                        text: letter::draft(&facts, audience),
                    },
                    true,
                )
            }
        };
        let versions = state
            .store
            .review_document_versions(&id, review.date, "letter")
            .await?;
        let age = age_on(&ds, &id, state.clock.today());
        Ok(page
            .render(
                &state,
                "letter.html",
                context! {
                    child => id.to_string(),
                    names => crate::names::names_of(&ds),
                    review_iso => review.date.to_string(),
                    review_label => uk(review.date),
                    text => letter.text.clone(),
                    audience => letter.audience.key(),
                    is_draft,
                    saved => saved.is_some(),
                    age,
                    check => check_value(&letter.text, letter.audience, age),
                    versions => versions_value(&versions),
                    covering_needed => needs_cover(&ds, &id, &user, state.clock.today()),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /children/{child}/reviews/{review}/letter — saves the letter as a
/// new version.
pub async fn save_letter(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let review = review_of(&ds, &id, &raw_review)?;
        let cover = caseload_scope(&state, &ds, &id, &user, state.clock.today(), &pairs).await?;
        let audience = field(&pairs, "audience")
            .and_then(Audience::from_key)
            .unwrap_or_default();
        let text = field(&pairs, "text").unwrap_or("").replace("\r\n", "\n");
        let text = text.trim();
        if text.is_empty() || text.chars().count() > letter::LETTER_MAX {
            return Err(AppError::BadRequest(
                "The letter must be 1 to 20,000 characters. Go back and try again.".to_owned(),
            ));
        }
        let written = state
            .store
            .save_review_letter(
                &id,
                review.date,
                &Letter {
                    audience,
                    text: text.to_owned(),
                },
                &user.name,
            )
            .await?;
        if written {
            audit(
                &state,
                &user,
                "review_letter.save",
                Some(&id),
                &format!(
                    "review of {};audience={}{cover}",
                    review.date,
                    audience.key()
                ),
            )
            .await?;
            page.flash("Letter saved").await;
        } else {
            page.flash("Nothing was changed: the letter already said this")
                .await;
        }
        Ok(Redirect::to(&format!("/children/{id}/reviews/{}/letter", review.date)).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /children/{child}/reviews/{review}/documents/{file} — `record`,
/// `decisions` or `letter`, as `.docx` or `.pdf`. Audited.
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((raw, raw_review, file)): Path<(String, String, String)>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let (name, ext) = file
            .rsplit_once('.')
            .ok_or(AppError::NotFound("document"))?;
        let format = DocFormat::from_extension(ext).ok_or(AppError::NotFound("document"))?;
        let doc = Document::from_key(name).ok_or(AppError::NotFound("document"))?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let review = review_of(&ds, &id, &raw_review)?;
        let document = match doc {
            Document::Letter => {
                let (letter, _) = state
                    .store
                    .review_letter(&id, review.date)
                    .await?
                    .ok_or(AppError::NotFound("letter"))?;
                docs::letter_document(&letter)
            }
            Document::Record | Document::Decisions => {
                let template = template(&state).await?;
                let (record, _) = state
                    .store
                    .review_record(&id, review.date)
                    .await?
                    .ok_or(AppError::NotFound("record"))?;
                let record = record.with_template(&template);
                let child = child_label(&ds, &id);
                let chair = iro_name(&ds, &review);
                let council = state
                    .store
                    .setting("council_name")
                    .await?
                    .and_then(|v| v.as_str().map(str::to_owned));
                let facts = RecordFacts {
                    child: &child,
                    review: &review,
                    record: &record,
                    chair: chair.as_deref(),
                    council: council.as_deref(),
                };
                if doc == Document::Record {
                    docs::record_document(&facts)
                } else {
                    docs::decisions_document(&facts)
                }
            }
        };
        audit(
            &state,
            &user,
            "review_document.download",
            Some(&id),
            &format!("{file} of the review of {}", review.date),
        )
        .await?;
        // Word is quick; PDF runs Chromium: both off the request threads.
        let bytes = tokio::task::spawn_blocking(move || docs::render(&document, format))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let filename = format!("{}-{id}-{}.{ext}", doc.key(), review.date);
        let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(format.content_type()),
                ),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /children/{child}/reviews/{review}/sent-to — records that a
/// document (`document`) went to a recipient (`recipient`), how (`how`)
/// and when (`date`). IROs, the manager and business support.
pub async fn record_sent_to(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let bad = |m: &str| AppError::BadRequest(m.to_owned());
        let document = field(&pairs, "document")
            .and_then(Document::from_key)
            .ok_or_else(|| bad("Select the document that was sent."))?;
        let recipient = field(&pairs, "recipient")
            .and_then(Recipient::from_key)
            .ok_or_else(|| bad("Select who it was sent to."))?;
        let how = field(&pairs, "how")
            .and_then(SentBy::from_key)
            .ok_or_else(|| bad("Select how it was sent."))?;
        let on = match form_date(field(&pairs, "date")) {
            Ok(Some(d)) => d,
            Ok(None) => return Err(bad("Enter the date it was sent.")),
            Err(e) => return Err(AppError::BadRequest(format!("{e}."))),
        };
        if on > state.clock.today() {
            return Err(bad("The date it was sent cannot be in the future."));
        }
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let review = review_of(&ds, &id, &raw_review)?;
        state
            .store
            .record_circulation(
                &id,
                review.date,
                &Sent {
                    document,
                    recipient,
                    how,
                    on,
                },
                &user.name,
            )
            .await?;
        audit(
            &state,
            &user,
            "review_document.sent",
            Some(&id),
            &format!(
                "{} of the review of {} sent to {} by {} on {on}",
                document.key(),
                review.date,
                recipient.key(),
                how.key()
            ),
        )
        .await?;
        page.flash(&format!(
            "{} recorded as sent to {} on {}",
            document.label(),
            recipient.label().to_lowercase(),
            uk(on)
        ))
        .await;
        let back = match field(&pairs, "back") {
            Some("outstanding") => "/outstanding".to_owned(),
            _ => format!("/children/{id}/reviews/{}#circulation", review.date),
        };
        Ok(Redirect::to(&back).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The record's status, what is outstanding and what was sent to whom, for
/// the review's page (every role that reaches it: no free text).
pub(crate) async fn status_on_review_page(
    state: &AppState,
    user: &CurrentUser,
    review: &Review,
) -> Result<Value, AppError> {
    let held = state
        .store
        .review_record(&review.child, review.date)
        .await?;
    let circulated = state.store.circulation(&review.child, review.date).await?;
    let sent: Vec<Sent> = circulated.iter().map(|c| c.sent.clone()).collect();
    let written = held.is_some();
    let status = RecordStatus::of(review, written);
    let outstanding = review_record::outstanding(review, held.as_ref().map(|(r, _)| r), &sent);
    let to_send: Vec<Value> = held
        .as_ref()
        .map(|(r, _)| review_record::to_send(review, &r.send_to, &sent))
        .unwrap_or_default()
        .into_iter()
        .map(|(d, r)| context! { document => d.key(), document_label => d.label(), recipient => r.key(), recipient_label => r.label() })
        .collect();
    let last = held.as_ref().map(|(_, v)| {
        context! {
            version => v.version,
            written_at => v.written_at.format("%-d %b %Y %H:%M").to_string(),
            written_by => v.written_by.clone(),
        }
    });
    Ok(context! {
        written,
        status => status.label(),
        last,
        outstanding,
        to_send,
        circulation => circulated.iter().map(|c| context! {
            document => c.sent.document.label(),
            recipient => c.sent.recipient.label(),
            how => c.sent.how.label(),
            on => uk(c.sent.on),
            recorded_by => c.recorded_by.clone(),
        }).collect::<Vec<_>>(),
        can_read => matches!(user.role, Role::Iro | Role::Manager),
        can_record_sent => user.may_use("POST", "/children/{child}/reviews/{review}/sent-to"),
        ..options()
    })
}
