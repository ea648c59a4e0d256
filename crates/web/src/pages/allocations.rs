//! Allocating children to IROs, and reallocating them.
//!
//! The 903 holds no sibling links; brothers and sisters are recorded on the
//! child's page (see `siblings.rs`) and kept in the dataset. This page shows
//! each unallocated child's siblings, and allocating a child "with siblings"
//! allocates every child of the group looked after on the allocation date to
//! the same IRO, or none of them if any cannot be.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::daily::{self, ByChild};
use footprint_domain::model::{ChildId, Dataset, IroId};
use minijinja::context;

use super::Fields;
use super::{audit, council, field, form_date, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

/// The child's current allocation began after `from`: a reallocation from
/// `from` would be refused (the store's rule), so say so before writing.
fn allocated_after(
    ds: &Dataset,
    child: &ChildId,
    from: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    ds.allocations
        .iter()
        .filter(|a| &a.child == child && a.to.is_none() && a.from > from)
        .map(|a| a.from)
        .max()
}

/// The unallocated list's page (`/allocations?page=2`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct AllocationsQuery {
    #[serde(default)]
    page: String,
}

async fn render(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    errors: FormErrors,
    form: minijinja::Value,
    requested: &str,
) -> Result<Response, AppError> {
    let ds = council(state).await?;
    let today = state.clock.today();
    let by = ByChild::new(&ds);
    let waiting: Vec<_> = ds
        .children
        .iter()
        .filter(|c| by.current_period(&c.id, today).is_some())
        .filter(|c| daily::current_iro(&ds, &c.id, today).is_none())
        .collect();
    let (waiting, pager) = crate::paging::page(waiting, requested, "/allocations", &[]);
    let unallocated: Vec<_> = waiting
        .into_iter()
        .map(|c| {
            context! {
                id => c.id.to_string(),
                siblings => ds.siblings_of(&c.id).iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            }
        })
        .collect();
    // Caseloads on the dashboard's figures: the engine's caseload.by_iro.
    let d = super::dashboard::current(state).await?;
    let iros: Vec<_> = ds
        .iros
        .iter()
        .filter(|i| i.left.is_none_or(|l| l > today))
        .map(|i| context! { id => i.id.to_string(), name => &i.name })
        .collect();
    Ok(page
        .render_status(
            state,
            status,
            "allocations.html",
            context! { caseloads => &d.caseloads, unallocated, pager, iros, errors => errors.0, form, names => crate::names::child_names(&ds) },
        )
        .await)
}

/// GET /allocations
pub async fn page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<AllocationsQuery>,
) -> Response {
    let result = render(
        &state,
        &page,
        StatusCode::OK,
        FormErrors::default(),
        context! {},
        &q.page,
    )
    .await;
    respond(&state, Some(&user), result)
}

/// POST /allocations — allocate (or reallocate) a child, and optionally its
/// siblings, to an IRO from a date.
pub async fn allocate(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let ds = council(&state).await?;
        let today = state.clock.today();
        let mut errors = FormErrors::default();
        let child: Option<ChildId> = match field(&pairs, "child").unwrap_or("").trim() {
            "" => {
                errors.add("child", "Enter the child's identifier");
                None
            }
            raw => match raw.parse::<ChildId>() {
                Ok(c) if ds.children.iter().any(|x| x.id == c) => Some(c),
                _ => {
                    errors.add("child", "There is no child with that identifier");
                    None
                }
            },
        };
        let iro = match field(&pairs, "iro").unwrap_or("") {
            "" => {
                errors.add("iro", "Select the IRO");
                None
            }
            raw => match ds.iros.iter().find(|i| i.id.0 == raw) {
                Some(i) => Some(i.id.clone()),
                None => {
                    errors.add("iro", "Select an IRO from the list");
                    None
                }
            },
        };
        let from = match form_date(field(&pairs, "from")) {
            Ok(Some(d)) => Some(d),
            Ok(None) => Some(today),
            Err(m) => {
                errors.add("from", format!("Allocated from: {m}"));
                None
            }
        };
        // Only children looked after on the date, only IROs in post on it,
        // and no start more than a month ahead: the domain's checks, the
        // same as when an allocation is corrected.
        if let (Some(c), Some(i), Some(from)) = (&child, &iro, from) {
            for p in footprint_domain::entries::allocation_start_problems(&ds, c, i, from, today) {
                errors.add(&p.field, p.message);
            }
        }
        let (Some(child), Some(iro), Some(from)) = (child, iro, from) else {
            let form: std::collections::BTreeMap<_, _> =
                pairs.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            return render(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                minijinja::Value::from_serialize(&form),
                "",
            )
            .await;
        };
        if !errors.is_empty() {
            let form: std::collections::BTreeMap<_, _> =
                pairs.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            return render(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                minijinja::Value::from_serialize(&form),
                "",
            )
            .await;
        }
        // The child, and with siblings every brother or sister looked after
        // on the allocation date (one who has left care, or not yet come
        // into it, needs no IRO).
        let by = ByChild::new(&ds);
        let mut targets = vec![child.clone()];
        let mut not_looked_after = Vec::new();
        if field(&pairs, "with_siblings") == Some("yes") {
            for s in ds.siblings_of(&child) {
                let looked_after = by
                    .periods
                    .get(s)
                    .is_some_and(|ps| ps.iter().any(|p| p.is_open_on(from)));
                if looked_after {
                    targets.push(s.clone());
                } else {
                    not_looked_after.push(s.to_string());
                }
            }
        }
        // All or none: check every child before writing any allocation.
        for c in &targets {
            if let Some(since) = allocated_after(&ds, c, from) {
                errors.add(
                    "from",
                    format!(
                        "Child {c} has been allocated since {}: allocate from that date or later",
                        since.format("%-d %B %Y")
                    ),
                );
            }
        }
        if !errors.is_empty() {
            let form: std::collections::BTreeMap<_, _> =
                pairs.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            return render(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                minijinja::Value::from_serialize(&form),
                "",
            )
            .await;
        }
        for c in &targets {
            allocate_one(&state, &user, c, &iro, from).await?;
        }
        let name = daily::iro_name(&ds, &iro);
        let mut message = if targets.len() == 1 {
            format!("Child {child} allocated to {name}")
        } else {
            format!(
                "Child {child} and {} allocated to {name}",
                targets[1..]
                    .iter()
                    .map(|c| format!("sibling {c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if !not_looked_after.is_empty() {
            message.push_str(&format!(
                " (not looked after on that date, so not allocated: {})",
                not_looked_after.join(", ")
            ));
        }
        page.flash(&message).await;
        Ok(Redirect::to("/allocations").into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

async fn allocate_one(
    state: &AppState,
    user: &CurrentUser,
    child: &ChildId,
    iro: &IroId,
    from: chrono::NaiveDate,
) -> Result<(), AppError> {
    state.store.allocate(child, iro, from, &user.name).await?;
    audit(
        state,
        user,
        "allocation.set",
        Some(child),
        &format!("iro={iro};from={from}"),
    )
    .await
}

/// POST /allocations/end — ends a child's current allocation on a date
/// (`child`, `to`: the first day without that IRO; today or earlier, after
/// the allocation began).
pub async fn end(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let bad = |m: &str| AppError::BadRequest(format!("{m} Go back and try again."));
        let child: ChildId = field(&pairs, "child")
            .unwrap_or("")
            .trim()
            .parse()
            .map_err(|_| bad("Enter the child's identifier."))?;
        let today = state.clock.today();
        let to = match form_date(field(&pairs, "to")) {
            Ok(Some(d)) if d <= today => d,
            Ok(Some(_)) => return Err(bad("The allocation cannot end after today.")),
            Ok(None) => return Err(bad("Enter the date the allocation ends.")),
            Err(m) => return Err(bad(&format!("{m}."))),
        };
        if !state.store.end_allocation(&child, to).await? {
            return Err(bad(
                "The child has no current allocation that began before that date.",
            ));
        }
        audit(
            &state,
            &user,
            "allocation.end",
            Some(&child),
            &format!("to={to}"),
        )
        .await?;
        page.flash(&format!("Child {child}'s allocation ended"))
            .await;
        Ok(Redirect::to("/allocations").into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}
