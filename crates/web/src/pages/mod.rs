//! The pages, one module per area of work.

pub mod account;
pub mod admin;
pub mod allocations;
pub mod business;
pub mod case_records;
pub mod caseload;
pub mod challenges;
pub mod child;
pub mod dashboard;
pub mod date_change;
pub mod form_lists;
pub mod health;
pub mod held;
pub mod name;
pub mod record;
pub mod report_settings;
pub mod reports;
pub mod returns;
pub mod review;
pub mod siblings;
pub mod theme_lists;
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

/// Writes each setting of `values` whose value differs from the one held
/// (`None`: left as it is), auditing each write as `settings.change` with
/// its value before and after (settings hold no personal data), then the
/// save as `settings.save` naming the settings changed ("nothing changed"
/// when none did). The one way a settings screen saves: call it only once
/// every field has been checked, so a refused form writes nothing.
pub(crate) async fn save_settings(
    state: &AppState,
    user: &CurrentUser,
    values: Vec<(&str, Option<serde_json::Value>)>,
) -> Result<Vec<String>, AppError> {
    let mut changed = Vec::new();
    for (key, value) in values {
        let before = state.store.setting(key).await?;
        let Some(value) = value else { continue };
        if before.as_ref() == Some(&value) {
            continue;
        }
        state.store.set_setting(key, &value).await?;
        let shown = |v: Option<&serde_json::Value>| {
            v.map_or_else(|| "(not set)".to_owned(), |v| v.to_string())
        };
        audit(
            state,
            user,
            "settings.change",
            None,
            &format!(
                "setting={key};before={};after={}",
                shown(before.as_ref()),
                shown(Some(&value))
            ),
        )
        .await?;
        changed.push(key.to_owned());
    }
    audit(
        state,
        user,
        "settings.save",
        None,
        &if changed.is_empty() {
            "nothing changed".to_owned()
        } else {
            changed.join(";")
        },
    )
    .await?;
    Ok(changed)
}

/// The options a form offers from a council list: the entries on offer,
/// and the value a record already holds if the council has since retired
/// it (or no entry has it), so a correction shows what was recorded.
pub(crate) fn list_options(
    list: &footprint_domain::lists::CouncilList,
    held: Option<&str>,
) -> Vec<minijinja::Value> {
    let mut out: Vec<minijinja::Value> = list
        .offered()
        .map(|e| minijinja::context! { key => e.key.clone(), label => e.label.clone() })
        .collect();
    if let Some(key) = held
        && !list.offered().any(|e| e.key == key)
    {
        out.push(minijinja::context! {
            key => key.to_owned(),
            label => format!("{} (no longer offered)", list.label(key)),
        });
    }
    out
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

/// A form's fields as a browser sends them, for the forms' unit tests.
#[cfg(test)]
pub(crate) fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// All values of a repeated field.
pub(crate) fn fields<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Whether `user` must say why they record on this child: an IRO records
/// on the children allocated to them; the manager on any child.
pub(crate) fn needs_cover(ds: &Dataset, id: &ChildId, user: &CurrentUser, on: NaiveDate) -> bool {
    user.role == crate::roles::Role::Iro
        && footprint_domain::daily::current_iro(ds, id, on) != user.iro.as_ref()
}

/// The caseload scope of a change to a child's records: nothing to add
/// when the child is the user's to record on; otherwise the form's
/// `covering` reason (the key of an entry on offer of the council's list
/// `cover_reasons`, which every form's "why are you recording?" offers:
/// `view::Page::render_status`) is required and returned as the audit
/// detail's `;covering=CODE`.
pub(crate) async fn caseload_scope(
    state: &AppState,
    ds: &Dataset,
    id: &ChildId,
    user: &CurrentUser,
    on: NaiveDate,
    pairs: &[(String, String)],
) -> Result<String, AppError> {
    if !needs_cover(ds, id, user, on) {
        return Ok(String::new());
    }
    let reasons = state
        .store
        .form_list(footprint_domain::lists::FormList::CoverReasons)
        .await?;
    match field(pairs, "covering") {
        Some(code) if reasons.accepts(code, None) => Ok(format!(";covering={code}")),
        _ => Err(AppError::Forbidden(
            "This child is not allocated to you. To record while covering for a colleague, say why on the form.",
        )),
    }
}

/// A form read as pairs, with each GOV.UK date input's three fields
/// (`NAME-day`, `NAME-month`, `NAME-year`) joined into `NAME` — as
/// `yyyy-mm-dd` when all three are numbers (a day that does not exist is
/// then refused by [`form_date`]), as the `d/m/y` typed otherwise (refused
/// as not a date) — unless the form sent `NAME` itself. All three blank is
/// no date. The parts stay in the pairs, so a form shown again keeps them.
pub struct Fields(pub Vec<(String, String)>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        use axum::response::IntoResponse as _;
        let axum::Form(mut pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(|e| e.into_response())?;
        join_dates(&mut pairs);
        Ok(Fields(pairs))
    }
}

fn join_dates(pairs: &mut Vec<(String, String)>) {
    let names: Vec<String> = pairs
        .iter()
        .filter_map(|(k, _)| k.strip_suffix("-day").map(str::to_owned))
        .collect();
    for name in names {
        if pairs.iter().any(|(k, _)| *k == name) {
            continue;
        }
        let part = |p: &str| {
            field(pairs, &format!("{name}-{p}"))
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        let (d, m, y) = (part("day"), part("month"), part("year"));
        let joined = if d.is_empty() && m.is_empty() && y.is_empty() {
            String::new()
        } else {
            match (d.parse::<u32>(), m.parse::<u32>(), y.parse::<u32>()) {
                (Ok(d), Ok(m), Ok(y)) if y.to_string().len() == 4 => {
                    format!("{y:04}-{m:02}-{d:02}")
                }
                _ => format!("{d}/{m}/{y}"),
            }
        };
        pairs.push((name, joined));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(parts: &[(&str, &str)]) -> Option<String> {
        let mut pairs: Vec<(String, String)> = parts
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        join_dates(&mut pairs);
        field(&pairs, "date").map(str::to_owned)
    }

    #[test]
    fn the_three_date_fields_are_joined() {
        let full = [
            ("date-day", "4"),
            ("date-month", "3"),
            ("date-year", "2025"),
        ];
        assert_eq!(joined(&full).as_deref(), Some("2025-03-04"));
        assert_eq!(
            form_date(joined(&full).as_deref()),
            Ok(Some(chrono::NaiveDate::from_ymd_opt(2025, 3, 4).unwrap()))
        );
        let blank = [("date-day", ""), ("date-month", " "), ("date-year", "")];
        assert_eq!(form_date(joined(&blank).as_deref()), Ok(None));
        for bad in [
            [
                ("date-day", "31"),
                ("date-month", "2"),
                ("date-year", "2025"),
            ],
            [("date-day", "4"), ("date-month", ""), ("date-year", "2025")],
            [
                ("date-day", "4"),
                ("date-month", "March"),
                ("date-year", "2025"),
            ],
            [("date-day", "4"), ("date-month", "3"), ("date-year", "25")],
        ] {
            assert!(form_date(joined(&bad).as_deref()).is_err(), "{bad:?}");
        }
        // A form that sends the date whole keeps it.
        assert_eq!(
            joined(&[("date", "2025-03-04"), ("date-day", "9")]).as_deref(),
            Some("2025-03-04")
        );
    }
}
