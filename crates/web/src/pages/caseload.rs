//! An IRO's caseload.

use axum::extract::State;
use axum::response::Response;
use footprint_domain::daily;
use minijinja::context;

use super::{caseload_records, policy, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

/// GET /caseload — the children allocated to the signed-in IRO, overdue
/// first. Reads only that IRO's children's records.
pub async fn caseload(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let result = async {
        let Some(iro) = user.iro.clone() else {
            return Err(AppError::Forbidden(
                "Your user is not linked to an IRO. Ask an administrator to link it.",
            ));
        };
        let today = state.clock.today();
        let ds = caseload_records(&state, &iro, today).await?;
        let policy = policy(&state).await?;
        let rows = daily::caseload(&ds, &iro, today, &policy, &state.calendar);
        let overdue = rows.iter().filter(|r| r.next.status == "overdue").count();
        let iro_name = daily::iro_name(&ds, &iro);
        Ok(page
            .render(
                &state,
                "caseload.html",
                context! { rows, overdue, iro_name, names => crate::names::names_of(&ds) },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}
