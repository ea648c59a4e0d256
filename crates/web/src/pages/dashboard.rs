//! The IRO service manager's dashboard.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use super::{dataset, policy, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::logic;
use crate::view::Page;

/// GET /dashboard
pub async fn dashboard(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let result = async {
        let ds = dataset(&state).await?;
        let policy = policy(&state).await;
        let today = state.clock.today();
        let d = logic::dashboard(&ds, today, &policy, &state.calendar);
        let pending_changes = super::date_change::pending_count(&state).await;
        Ok(page
            .render(&state, "dashboard.html", context! { d, pending_changes })
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}
