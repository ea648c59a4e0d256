//! Changing a review's date: a recorded request and a manager's decision.
//!
//! Both are entries of the append-only audit log (action
//! `review_date_change.request` with the proposed date and a reason code;
//! `review_date_change.approve` / `.refuse` naming the request's log id), so
//! the request, who approved it and when can never be altered. The reason is
//! chosen from a list: no free text about the child.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use footprint_store::{AuditEntry, AuditQuery};
use minijinja::context;
use serde::Serialize;

use super::{audit, child_id, child_records, ensure_child, field, form_date, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

const REQUEST: &str = "review_date_change.request";
const APPROVE: &str = "review_date_change.approve";
const REFUSE: &str = "review_date_change.refuse";

/// Reasons a review's date may move: (code, label).
pub const REASONS: &[(&str, &str)] = &[
    ("child_wishes", "The child asked for a different date"),
    ("placement_move", "Placement move or planning meeting"),
    ("court", "Court timetable"),
    ("attendance", "Key people cannot attend"),
    ("iro_availability", "IRO availability"),
    ("other", "Other (recorded on the case file)"),
];

#[derive(Debug, Clone, Serialize)]
pub struct DateChange {
    pub id: i64,
    pub child: String,
    pub requested_by: String,
    pub requested_at: String,
    pub proposed: String,
    pub reason: String,
    /// "pending", "approved" or "refused".
    pub status: &'static str,
    pub decided_by: Option<String>,
}

fn detail_value<'a>(detail: &'a str, key: &str) -> Option<&'a str> {
    detail
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
}

/// Every request with its decision, newest first.
pub async fn all(state: &AppState) -> Result<Vec<DateChange>, AppError> {
    let log: Vec<AuditEntry> = state
        .store
        .audit_log(&AuditQuery {
            action_prefix: Some("review_date_change.".to_owned()),
            ..AuditQuery::default()
        })
        .await?;
    let mut decisions: HashMap<i64, (&'static str, String)> = HashMap::new();
    for e in &log {
        let status = match e.action.as_str() {
            APPROVE => "approved",
            REFUSE => "refused",
            _ => continue,
        };
        if let Some(id) = detail_value(&e.detail, "request").and_then(|v| v.parse().ok()) {
            decisions.entry(id).or_insert((status, e.actor.clone()));
        }
    }
    Ok(log
        .iter()
        .filter(|e| e.action == REQUEST)
        .filter_map(|e| {
            let child = e.child.as_ref()?.to_string();
            let reason_code = detail_value(&e.detail, "reason").unwrap_or("other");
            let (status, decided_by) = match decisions.get(&e.id) {
                Some((s, who)) => (*s, Some(who.clone())),
                None => ("pending", None),
            };
            Some(DateChange {
                id: e.id,
                child,
                requested_by: e.actor.clone(),
                requested_at: e.at.format("%-d %b %Y %H:%M").to_string(),
                proposed: detail_value(&e.detail, "proposed").unwrap_or("").to_owned(),
                reason: REASONS
                    .iter()
                    .find(|(c, _)| *c == reason_code)
                    .map(|(_, l)| (*l).to_owned())
                    .unwrap_or_else(|| reason_code.to_owned()),
                status,
                decided_by,
            })
        })
        .collect())
}

pub async fn pending_count(state: &AppState) -> usize {
    all(state)
        .await
        .map(|v| v.iter().filter(|c| c.status == "pending").count())
        .unwrap_or(0)
}

/// POST /children/{child}/review-date-changes
pub async fn request(
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
        let proposed = match form_date(field(&pairs, "proposed")) {
            Ok(Some(d)) => d,
            Ok(None) => {
                return Err(AppError::BadRequest(
                    "Enter the proposed date of the review. Go back and try again.".to_owned(),
                ));
            }
            Err(m) => return Err(AppError::BadRequest(format!("{m}. Go back and try again."))),
        };
        let reason = field(&pairs, "reason").unwrap_or("");
        if !REASONS.iter().any(|(c, _)| *c == reason) {
            return Err(AppError::BadRequest(
                "Select a reason from the list. Go back and try again.".to_owned(),
            ));
        }
        audit(
            &state,
            &user,
            REQUEST,
            Some(&id),
            &format!("proposed={proposed};reason={reason}"),
        )
        .await?;
        page.flash("Request to change the review date sent to the IRO service manager")
            .await;
        Ok(Redirect::to(&format!("/children/{id}")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /review-date-changes
pub async fn list(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let result = async {
        let changes = all(&state).await?;
        let (pending, decided): (Vec<_>, Vec<_>) =
            changes.into_iter().partition(|c| c.status == "pending");
        Ok(page
            .render(&state, "date_changes.html", context! { pending, decided })
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /review-date-changes/{request}/decision
pub async fn decide(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(request): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let changes = all(&state).await?;
        let Some(change) = changes.iter().find(|c| c.id == request) else {
            return Err(AppError::NotFound("request"));
        };
        if change.status != "pending" {
            return Err(AppError::BadRequest(
                "This request has already been decided.".to_owned(),
            ));
        }
        let action = match field(&pairs, "decision") {
            Some("approve") => APPROVE,
            Some("refuse") => REFUSE,
            _ => return Err(AppError::BadRequest("Choose approve or refuse.".to_owned())),
        };
        let child = child_id(&change.child)?;
        audit(
            &state,
            &user,
            action,
            Some(&child),
            &format!("request={request}"),
        )
        .await?;
        page.flash(if action == APPROVE {
            "Change of review date approved"
        } else {
            "Change of review date refused"
        })
        .await;
        Ok(Redirect::to("/review-date-changes").into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}
