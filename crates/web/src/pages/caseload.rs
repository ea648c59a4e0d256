//! An IRO's caseload.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use super::{dataset, policy, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::logic;
use crate::view::{AppError, Page};

/// GET /caseload — the children allocated to the signed-in IRO, overdue
/// first.
pub async fn caseload(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let result = async {
        let Some(iro) = user.iro.clone() else {
            return Err(AppError::Forbidden(
                "Your user is not linked to an IRO. Ask an administrator to link it.",
            ));
        };
        let ds = dataset(&state).await?;
        let policy = policy(&state).await;
        let today = state.clock.today();
        let rows = logic::caseload(&ds, &iro, today, &policy, &state.calendar);
        let overdue = rows.iter().filter(|r| r.next.status == "overdue").count();
        let iro_name = logic::iro_name(&ds, &iro);
        Ok(page
            .render(
                &state,
                "caseload.html",
                context! { rows, overdue, iro_name, names => crate::names::child_names(&ds) },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}
