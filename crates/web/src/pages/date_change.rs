//! Changing a review's date: a recorded request and a manager's decision.
//!
//! Requests live in the store (`review_date_changes`); each request and
//! decision is also written to the append-only audit log
//! (`review_date_change.request` with the request's id, the proposed date
//! and the reason code; `review_date_change.approve` / `.refuse` naming the
//! request). The reason is chosen from the council's list
//! (`FormList::DateChangeReasons`, set at `/admin/settings`): no free text
//! about the child. A request keeps the key it was given; the pages show
//! what the list calls it now. An approved request moves the council's due date of the review it
//! was asked for wherever the schedule is shown (the domain's
//! `PeriodOfCare::schedule`), never the statutory one.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::daily::{self, ByChild};
use footprint_domain::lists::{CouncilList, FormList};
use footprint_domain::model::{DateChangeReason, DateChangeStatus, ReviewDateChange};
use footprint_store::{NewReviewDateChange, StoreError};
use minijinja::context;
use serde::Serialize;

use super::Fields;
use super::{audit, child_id, child_records, ensure_child, field, form_date, policy, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

const REQUEST: &str = "review_date_change.request";
const APPROVE: &str = "review_date_change.approve";
const REFUSE: &str = "review_date_change.refuse";

/// The council's reasons a review's date may move, as held.
pub async fn reason_list(state: &AppState) -> Result<CouncilList, AppError> {
    Ok(state.store.form_list(FormList::DateChangeReasons).await?)
}

/// The reasons the request form offers: (key, label) of each entry not
/// retired, in the list's order.
pub fn reasons(list: &CouncilList) -> Vec<(String, String)> {
    list.offered()
        .map(|e| (e.key.clone(), e.label.clone()))
        .collect()
}

/// A request as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct DateChange {
    pub id: i64,
    pub child: String,
    pub requested_by: String,
    pub requested_on: String,
    pub proposed: String,
    /// What the council's list calls the reason now.
    pub reason: String,
    /// "pending", "approved" or "refused".
    pub status: &'static str,
    pub decided_by: Option<String>,
    /// Whether the user looking may decide it (not their own request).
    pub may_decide: bool,
}

pub fn shown(c: &ReviewDateChange, user: &str, reasons: &CouncilList) -> DateChange {
    DateChange {
        id: c.id,
        child: c.child.to_string(),
        requested_by: c.requested_by.clone(),
        requested_on: c.requested_on.to_string(),
        proposed: c.proposed.to_string(),
        reason: c.reason.label_in(reasons).to_owned(),
        status: c.status.key(),
        decided_by: c.decided_by.clone(),
        may_decide: c.status == DateChangeStatus::Pending && c.requested_by != user,
    }
}

pub async fn pending_count(state: &AppState) -> usize {
    state
        .store
        .review_date_changes()
        .await
        .map(|v| {
            v.iter()
                .filter(|c| c.status == DateChangeStatus::Pending)
                .count()
        })
        .unwrap_or(0)
}

/// POST /children/{child}/review-date-changes
pub async fn request(
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
        let bad = |m: &str| AppError::BadRequest(format!("{m} Go back and try again."));
        let today = state.clock.today();
        let proposed = match form_date(field(&pairs, "proposed")) {
            Ok(Some(d)) => d,
            Ok(None) => return Err(bad("Enter the proposed date of the review.")),
            Err(m) => return Err(bad(&format!("{m}."))),
        };
        if proposed < today {
            return Err(bad("The proposed date must be today or in the future."));
        }
        // One of the council's reasons on offer (a new request holds no
        // reason before, so a retired one is not taken).
        let list = reason_list(&state).await?;
        let Some(reason) = field(&pairs, "reason")
            .filter(|key| list.accepts(key, None))
            .and_then(DateChangeReason::from_key)
        else {
            return Err(bad("Select a reason from the list."));
        };
        // Only for a child whose next review the council's schedule shows,
        // and only a date that changes it.
        let policy = policy(&state).await?;
        let by = ByChild::new(&ds);
        let Some((_, due)) = daily::next_review(&by, &id, today, &policy, &state.calendar) else {
            return Err(bad("The child is not looked after today: there is no next review to move."));
        };
        if due.is_some_and(|d| d.date == proposed) {
            return Err(bad("The next review is already due on that date."));
        }
        let change = match state
            .store
            .request_review_date_change(&NewReviewDateChange {
                child: id.clone(),
                requested_on: today,
                proposed,
                reason,
                requested_by: user.name.clone(),
            })
            .await
        {
            Ok(c) => c,
            Err(StoreError::AlreadyExists(_)) => {
                return Err(bad(
                    "A request to change this child's review date is already waiting for a decision.",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        audit(
            &state,
            &user,
            REQUEST,
            Some(&id),
            &format!(
                "request={};proposed={proposed};reason={}",
                change.id,
                reason.key()
            ),
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
/// The decided requests' filter and page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DecidedQuery {
    /// `approved` or `refused`; both when blank.
    #[serde(default)]
    status: String,
    /// A child's identifier (part of one).
    #[serde(default)]
    child: String,
    #[serde(default)]
    page: String,
    /// The page of the requests waiting for a decision.
    #[serde(default)]
    pending_page: String,
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<DecidedQuery>,
) -> Response {
    let result = async {
        let reasons = reason_list(&state).await?;
        let changes: Vec<DateChange> = state
            .store
            .review_date_changes()
            .await?
            .iter()
            .map(|c| shown(c, &user.name, &reasons))
            .collect();
        let (pending, decided): (Vec<_>, Vec<_>) =
            changes.into_iter().partition(|c| c.status == "pending");
        // Waiting ones are paged on their own, oldest first as held;
        // decided ones are filtered and paged. Each list's links keep the
        // other's page and the filters.
        let status = match q.status.as_str() {
            "approved" | "refused" => q.status.as_str(),
            _ => "",
        };
        let child = q.child.trim().to_lowercase();
        let decided: Vec<_> = decided
            .into_iter()
            .filter(|c| status.is_empty() || c.status == status)
            .filter(|c| child.is_empty() || c.child.to_lowercase().contains(&child))
            .collect();
        let (decided, pager) = crate::paging::page(
            decided,
            &q.page,
            "/review-date-changes",
            &[
                ("status", status),
                ("child", q.child.trim()),
                ("pending_page", q.pending_page.as_str()),
            ],
        );
        let (pending, pending_pager) = crate::paging::page_as(
            pending,
            &q.pending_page,
            "pending_page",
            "/review-date-changes",
            &[
                ("status", status),
                ("child", q.child.trim()),
                ("page", q.page.as_str()),
            ],
        );
        Ok(page
            .render(
                &state,
                "date_changes.html",
                context! { pending, pending_pager, decided, pager, status, child => q.child.trim() },
            )
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
    Path(raw): Path<String>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let request: i64 = raw.parse().map_err(|_| AppError::NotFound("request"))?;
        let (action, approve) = match field(&pairs, "decision") {
            Some("approve") => (APPROVE, true),
            Some("refuse") => (REFUSE, false),
            _ => return Err(AppError::BadRequest("Choose approve or refuse.".to_owned())),
        };
        let change = match state
            .store
            .decide_review_date_change(request, approve, &user.name)
            .await
        {
            Ok(c) => c,
            Err(StoreError::NotFound(_)) => return Err(AppError::NotFound("request")),
            Err(StoreError::Invalid(m)) => {
                let mut m = m;
                if let Some(first) = m.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                return Err(AppError::BadRequest(format!("{m}.")));
            }
            Err(e) => return Err(e.into()),
        };
        audit(
            &state,
            &user,
            action,
            Some(&change.child),
            &format!("request={request}"),
        )
        .await?;
        page.flash(if approve {
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
