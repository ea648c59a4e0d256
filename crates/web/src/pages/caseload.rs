//! An IRO's caseload.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use footprint_domain::daily::{self, CaseloadRow};
use footprint_domain::model::{ChildId, Dataset, IroId};
use minijinja::context;

use super::{caseload_records, policy, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

/// An IRO's caseload as worked out at a data version on a day.
#[derive(Clone)]
struct Worked {
    version: i64,
    day: NaiveDate,
    /// The children on it (sorted), to tell whether a change concerns it.
    children: Vec<ChildId>,
    rows: Arc<Vec<CaseloadRow>>,
    /// Health assessments, dental checks and PEPs due or overdue, by child.
    health_due: Arc<std::collections::BTreeMap<ChildId, Vec<daily::HealthEducationDue>>>,
    /// Secure accommodation reviews, private fostering reviews and review
    /// conferences due or overdue, by child.
    case_due: Arc<std::collections::BTreeMap<String, Vec<daily::CaseRecordDue>>>,
    iro_name: String,
    names: minijinja::Value,
    /// The records it was worked out from (that IRO's children's): a
    /// change to a few of them reads only those children again.
    records: Arc<Dataset>,
}

/// Each IRO's caseload as last worked out. A page after a change works it
/// out again only when the change touched a child on it, or allocated a
/// child to that IRO, or was council-wide (IROs, settings, an import), or
/// the day moved on; otherwise it is served as it was, being still right.
/// One lock per IRO: that IRO's requests wait for one another (so a change
/// is worked out once, not by every request that sees it), other IROs'
/// do not.
#[derive(Default)]
pub struct CaseloadCache(std::sync::Mutex<HashMap<IroId, Arc<tokio::sync::Mutex<Option<Worked>>>>>);

impl CaseloadCache {
    fn slot(&self, iro: &IroId) -> Arc<tokio::sync::Mutex<Option<Worked>>> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(iro.clone()).or_default().clone()
    }
}

/// What a caseload as last worked out needs to be right at the store's
/// current version.
enum Freshness {
    /// Nothing on it changed (its version is brought up to date).
    Right,
    /// These children (on it, or just allocated to its IRO) changed, and
    /// nothing else did up to `version`: only their records are read again.
    Children { ids: Vec<ChildId>, version: i64 },
    /// A council-wide change, or another day: worked out again whole.
    Whole,
}

/// What the caseload `w` of `iro` needs to be right on `today`.
async fn freshness(
    state: &AppState,
    iro: &IroId,
    today: NaiveDate,
    w: &mut Worked,
) -> Result<Freshness, AppError> {
    if w.day != today {
        return Ok(Freshness::Whole);
    }
    let changes = state.store.changes_since(w.version).await?;
    if changes.version == w.version {
        return Ok(Freshness::Right);
    }
    if changes.council_wide {
        return Ok(Freshness::Whole);
    }
    let (mut ids, others): (Vec<ChildId>, Vec<ChildId>) = changes
        .children
        .into_iter()
        .partition(|c| w.children.binary_search(c).is_ok());
    // A child not on it: was it just allocated to this IRO?
    if !others.is_empty() {
        let touched = state
            .store
            .load_scoped(footprint_store::Scope::Children(&others))
            .await?;
        ids.extend(
            others
                .into_iter()
                .filter(|c| daily::current_iro(&touched, c, today) == Some(iro)),
        );
    }
    if ids.is_empty() {
        w.version = changes.version;
        return Ok(Freshness::Right);
    }
    ids.sort();
    ids.dedup();
    Ok(Freshness::Children {
        ids,
        version: changes.version,
    })
}

/// Works out the caseload of `iro` on `today` from that IRO's children's
/// records (read by index).
async fn work_out(state: &AppState, iro: &IroId, today: NaiveDate) -> Result<Worked, AppError> {
    // The version before the records: a change in between is caught by the
    // next page's check.
    let version = state.store.data_version().await?;
    let ds = caseload_records(state, iro, today).await?;
    worked_from(state, iro, today, version, Arc::new(ds)).await
}

/// The caseload `w` with the records of the children `ids` read again
/// (their records as held at `version` or later): the rest of its records
/// are kept, and its rows worked out again from them.
async fn refresh(
    state: &AppState,
    iro: &IroId,
    today: NaiveDate,
    w: Worked,
    ids: &[ChildId],
    version: i64,
) -> Result<Worked, AppError> {
    let fresh = state
        .store
        .load_scoped(footprint_store::Scope::Children(ids))
        .await?;
    let mut records = w.records;
    Arc::make_mut(&mut records).replace_children(ids, fresh);
    worked_from(state, iro, today, version, records).await
}

/// The caseload of `iro` on `today` worked out from `ds` (that IRO's
/// children's records, as held at `version` or later).
async fn worked_from(
    state: &AppState,
    iro: &IroId,
    today: NaiveDate,
    version: i64,
    ds: Arc<Dataset>,
) -> Result<Worked, AppError> {
    let policy = policy(state).await?;
    let rows = daily::caseload(&ds, iro, today, &policy, &state.calendar);
    // The children on it: `ds` may hold others (a child who has left it
    // keeps their records there until they change again).
    let mut children: Vec<ChildId> = rows
        .iter()
        .filter_map(|r| r.next.child.parse().ok())
        .collect();
    children.sort();
    let on_it = |c: &ChildId| children.binary_search(c).is_ok();
    let settings = super::settings(state).await?;
    let mut health_due =
        daily::health_education_due(&ds, today, &settings.health_education, &state.calendar);
    health_due.retain(|c, _| on_it(c));
    let mut case_due: std::collections::BTreeMap<String, Vec<daily::CaseRecordDue>> =
        std::collections::BTreeMap::new();
    for d in daily::case_records_due(&ds, today, &settings.case_records, &state.calendar) {
        if d.child.parse().is_ok_and(|c| on_it(&c)) {
            case_due.entry(d.child.clone()).or_default().push(d);
        }
    }
    Ok(Worked {
        version,
        day: today,
        children,
        rows: Arc::new(rows),
        health_due: Arc::new(health_due),
        case_due: Arc::new(case_due),
        iro_name: daily::iro_name(&ds, iro),
        names: crate::names::names_of(&ds),
        records: ds,
    })
}

/// GET /caseload — the children allocated to the signed-in IRO, overdue
/// first. Reads only that IRO's children's records, and only when
/// something on the caseload changed since it was last worked out.
/// The caseload's filters and page (`/caseload?status=overdue&q=robin`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct CaseloadQuery {
    /// A child's name or identifier.
    #[serde(default)]
    q: String,
    /// `overdue`, `due_soon` or `due`; all when blank.
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
}

pub async fn caseload(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    axum::extract::Query(query): axum::extract::Query<CaseloadQuery>,
) -> Response {
    let result = async {
        let Some(iro) = user.iro.clone() else {
            return Err(AppError::Forbidden(
                "Your user is not linked to an IRO. Ask an administrator to link it.",
            ));
        };
        let today = state.clock.today();
        let slot = state.caseload_cache.slot(&iro);
        let mut cached = slot.lock().await;
        let freshness = match cached.as_mut() {
            Some(w) => freshness(&state, &iro, today, w).await?,
            None => Freshness::Whole,
        };
        match (freshness, cached.take()) {
            (Freshness::Right, w) => *cached = w,
            (Freshness::Children { ids, version }, Some(w)) => {
                *cached = Some(refresh(&state, &iro, today, w, &ids, version).await?);
            }
            _ => *cached = Some(work_out(&state, &iro, today).await?),
        }
        let Some(worked) = cached.clone() else {
            return Err(AppError::Internal(
                "the caseload was not worked out".to_owned(),
            ));
        };
        drop(cached);
        let all = worked.rows.as_ref();
        let overdue = all.iter().filter(|r| r.next.status == "overdue").count();
        let q = query.q.trim().to_lowercase();
        let status = match query.status.as_str() {
            "overdue" | "due_soon" | "due" => query.status.as_str(),
            _ => "",
        };
        let matching: Vec<_> = all
            .iter()
            .filter(|r| status.is_empty() || r.next.status == status)
            .filter(|r| {
                q.is_empty()
                    || r.next.child.to_lowercase().contains(&q)
                    || worked
                        .names
                        .get_item(&minijinja::Value::from(r.next.child.as_str()))
                        .ok()
                        .and_then(|n| n.as_str().map(str::to_lowercase))
                        .is_some_and(|n| n.contains(&q))
            })
            .collect();
        let (rows, pager) = crate::paging::page(
            matching,
            &query.page,
            "/caseload",
            &[("q", query.q.trim()), ("status", status)],
        );
        let health_due: std::collections::BTreeMap<String, &Vec<daily::HealthEducationDue>> =
            worked
                .health_due
                .iter()
                .map(|(c, items)| (c.to_string(), items))
                .collect();
        let health_overdue = worked
            .health_due
            .values()
            .filter(|items| items.iter().any(|i| i.status == "overdue"))
            .count();
        let case_overdue = worked
            .case_due
            .values()
            .filter(|items| items.iter().any(|i| i.status == "overdue"))
            .count();
        Ok(page
            .render(
                &state,
                "caseload.html",
                context! {
                    rows, pager, overdue, all_count => all.len(), q => query.q.trim(), status,
                    health_due, health_overdue, case_due => worked.case_due.as_ref(), case_overdue,
                    iro_name => worked.iro_name, names => worked.names,
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}
