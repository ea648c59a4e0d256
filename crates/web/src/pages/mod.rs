//! The pages, one module per area of work.

pub mod admin;
pub mod allocations;
pub mod business;
pub mod caseload;
pub mod challenges;
pub mod child;
pub mod dashboard;
pub mod date_change;
pub mod name;
pub mod reports;
pub mod review;
pub mod siblings;

use std::sync::Arc;

use axum::response::Response;
use chrono::NaiveDate;
use footprint_domain::model::{ChildId, Dataset};
use footprint_domain::schedule::SchedulePolicy;

use crate::AppState;
use crate::access::CurrentUser;
use crate::view::AppError;

/// Runs a handler body, turning its error into an error page.
pub(crate) fn respond(
    state: &AppState,
    user: Option<&CurrentUser>,
    result: Result<Response, AppError>,
) -> Response {
    result.unwrap_or_else(|e| e.into_page(state, user))
}

/// The council's whole dataset. It is kept in memory and read again only
/// when the store's data version has moved since (any change to the records,
/// by this server, an import or another process), so a page costs one
/// one-row query, not a reload. See docs/web.md.
pub(crate) async fn dataset(state: &AppState) -> Result<Arc<Dataset>, AppError> {
    let version = state.store.data_version().await?;
    let mut cache = state.dataset_cache.lock().await;
    if let Some((cached, ds)) = cache.as_ref()
        && *cached == version
    {
        return Ok(ds.clone());
    }
    // Read the version before the data: a change in between makes the next
    // request reload, never serves stale data as current.
    let ds = Arc::new(state.store.load_dataset().await?);
    *cache = Some((version, ds.clone()));
    Ok(ds)
}

/// The council's review schedule policy (setting `schedule_policy`), or the
/// statutory one.
pub(crate) async fn policy(state: &AppState) -> SchedulePolicy {
    match state.store.setting("schedule_policy").await {
        Ok(Some(v)) => serde_json::from_value(v).unwrap_or_else(|_| {
            tracing::warn!("setting schedule_policy is not a valid policy; using the statute");
            SchedulePolicy::statutory()
        }),
        _ => SchedulePolicy::statutory(),
    }
}

/// A "not found" page unless `ds` holds the child.
pub(crate) fn ensure_child(ds: &Dataset, id: &ChildId) -> Result<(), AppError> {
    if ds.children.iter().any(|c| &c.id == id) {
        Ok(())
    } else {
        Err(AppError::NotFound("child"))
    }
}

pub(crate) fn child_id(raw: &str) -> Result<ChildId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound("child"))
}

/// Appends to the audit log; a failure to audit fails the request.
pub(crate) async fn audit(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    child: Option<&ChildId>,
    detail: &str,
) -> Result<(), AppError> {
    state
        .store
        .audit(&user.name, action, child, detail)
        .await
        .map(|_| ())
        .map_err(AppError::from)
}

/// Parses a date from a form (`yyyy-mm-dd`, as `<input type="date">` sends,
/// or `dd/mm/yyyy`). Empty → `Ok(None)`.
pub(crate) fn form_date(value: Option<&str>) -> Result<Option<NaiveDate>, String> {
    let v = value.unwrap_or("").trim();
    if v.is_empty() {
        return Ok(None);
    }
    footprint_domain::dates::parse_iso_date(v)
        .or_else(|_| footprint_domain::dates::parse_uk_date(v))
        .map(Some)
        .map_err(|_| "Enter a real date, for example 27 3 2025".to_owned())
}

/// The value of a field in a form read as pairs.
pub(crate) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// All values of a repeated field.
pub(crate) fn fields<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}
