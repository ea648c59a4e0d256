//! Allocating children to IROs, and reallocating them.
//!
//! The 903 holds no sibling links; where the council records sibling groups
//! (setting `sibling_groups`: a list of lists of child identifiers), the page
//! shows each child's siblings and allocating one can allocate the whole group
//! to the same IRO.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::model::{ChildId, IroId};
use minijinja::context;

use super::{audit, dataset, field, form_date, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::logic::{self, ByChild};
use crate::view::{AppError, FormErrors, Page};

async fn sibling_groups(state: &AppState) -> Vec<Vec<ChildId>> {
    match state.store.setting("sibling_groups").await {
        Ok(Some(v)) => serde_json::from_value(v).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn siblings_of<'a>(groups: &'a [Vec<ChildId>], child: &ChildId) -> Vec<&'a ChildId> {
    groups
        .iter()
        .filter(|g| g.contains(child))
        .flat_map(|g| g.iter().filter(|c| *c != child))
        .collect()
}

async fn render(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    errors: FormErrors,
    form: minijinja::Value,
) -> Result<Response, AppError> {
    let ds = dataset(state).await?;
    let today = state.clock.today();
    let by = ByChild::new(&ds);
    let groups = sibling_groups(state).await;
    let mut unallocated: Vec<_> = ds
        .children
        .iter()
        .filter(|c| by.current_period(&c.id, today).is_some())
        .filter(|c| logic::current_iro(&ds, &c.id, today).is_none())
        .map(|c| context! {
            id => c.id.to_string(),
            siblings => siblings_of(&groups, &c.id).iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        })
        .collect();
    unallocated.truncate(500);
    let d = logic::dashboard(
        &ds,
        today,
        &footprint_domain::schedule::SchedulePolicy::statutory(),
        &state.calendar,
    );
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
            context! { caseloads => d.caseloads, unallocated, iros, errors => errors.0, form },
        )
        .await)
}

/// GET /allocations
pub async fn page(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let result = render(
        &state,
        &page,
        StatusCode::OK,
        FormErrors::default(),
        context! {},
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
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let ds = dataset(&state).await?;
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
        let (Some(child), Some(iro), Some(from)) = (child, iro, from) else {
            let form: std::collections::BTreeMap<_, _> =
                pairs.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            return render(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                minijinja::Value::from_serialize(&form),
            )
            .await;
        };
        let mut targets = vec![child.clone()];
        if field(&pairs, "with_siblings") == Some("yes") {
            let groups = sibling_groups(&state).await;
            for s in siblings_of(&groups, &child) {
                if ds.children.iter().any(|c| &c.id == s) && !targets.contains(s) {
                    targets.push(s.clone());
                }
            }
        }
        for c in &targets {
            allocate_one(&state, &user, c, &iro, from).await?;
        }
        let name = logic::iro_name(&ds, &iro);
        page.flash(&if targets.len() == 1 {
            format!("Child {child} allocated to {name}")
        } else {
            format!(
                "Child {child} and {} sibling(s) allocated to {name}",
                targets.len() - 1
            )
        })
        .await;
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
    state.store.allocate(child, iro, from).await?;
    audit(
        state,
        user,
        "allocation.set",
        Some(child),
        &format!("iro={iro};from={from}"),
    )
    .await
}
