//! The pages, one module per area of work.

pub mod account;
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
pub mod users;

use std::sync::Arc;

use axum::response::Response;
use chrono::NaiveDate;
use footprint_domain::measures::MeasureSettings;
use footprint_domain::model::{ChildId, Dataset, IroId};
use footprint_domain::schedule::SchedulePolicy;
use footprint_store::Scope;

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

/// At most this many children changed since the cached copy: read them
/// again by child; more (an import, a bulk change) read the council again.
const INCREMENTAL_LIMIT: usize = 500;

/// The council's whole dataset, for the screens that work over the whole
/// council (the dashboard's figures, the children list, allocations,
/// reports, data quality). It is kept in memory; after a write only the
/// children the write touched are read again (`Store::changes_since`) and
/// replaced in it, so a write never makes the next page read the council
/// again; a council-wide change (an import, IROs, settings) does. The pages
/// an IRO uses every day do not call it: they read their children's records
/// with [`child_records`] and [`caseload_records`].
/// See docs/web.md.
pub(crate) async fn council(state: &AppState) -> Result<Arc<Dataset>, AppError> {
    let mut cache = state.dataset_cache.lock().await;
    if let Some((version, ds)) = cache.as_mut() {
        let changes = state.store.changes_since(*version).await?;
        if changes.version == *version {
            return Ok(ds.clone());
        }
        if !changes.council_wide && changes.children.len() <= INCREMENTAL_LIMIT {
            // A sibling group a changed child was in is read again whole
            // (a child who left it changes the group of those who stay).
            let mut ids = changes.children;
            for g in &ds.sibling_groups {
                if g.iter().any(|c| ids.contains(c)) {
                    ids.extend(g.iter().cloned());
                }
            }
            ids.sort();
            ids.dedup();
            let fresh = state.store.load_scoped(Scope::Children(&ids)).await?;
            Arc::make_mut(ds).replace_children(&ids, fresh);
            *version = changes.version;
            return Ok(ds.clone());
        }
    }
    // Read the version before the data: a change in between makes the next
    // request read it again, never serves stale data as current.
    let version = state.store.data_version().await?;
    let ds = Arc::new(state.store.load_dataset().await?);
    *cache = Some((version, ds.clone()));
    Ok(ds)
}

/// One child's records and those of their brothers and sisters (the child's
/// page and forms show them), read by child.
pub(crate) async fn child_records(state: &AppState, id: &ChildId) -> Result<Dataset, AppError> {
    let mut ids = state.store.sibling_group_of(id).await?;
    if !ids.contains(id) {
        ids.push(id.clone());
    }
    Ok(state.store.load_scoped(Scope::Children(&ids)).await?)
}

/// The records of the children allocated to `iro` on `on`.
pub(crate) async fn caseload_records(
    state: &AppState,
    iro: &IroId,
    on: NaiveDate,
) -> Result<Dataset, AppError> {
    Ok(state.store.load_scoped(Scope::Caseload { iro, on }).await?)
}

/// The council's measure settings, review policy and challenge stages as
/// the store keeps them ([`footprint_store::Store::measure_settings`]).
pub(crate) async fn settings(state: &AppState) -> Result<MeasureSettings, AppError> {
    Ok(state.store.measure_settings().await?)
}

/// The council's review schedule policy (part of [`settings`]).
pub(crate) async fn policy(state: &AppState) -> Result<SchedulePolicy, AppError> {
    Ok(state.store.review_policy().await?)
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
