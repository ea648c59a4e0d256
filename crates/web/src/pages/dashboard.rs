//! The IRO service manager's dashboard: figures from the measures engine
//! (`footprint_report::dashboard`), this month and the year to date.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use footprint_report::dashboard::Dashboard;
use minijinja::context;

use super::{council, respond, settings};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

/// The dashboard for today, computed once per data version and day. The
/// computation runs on a blocking thread, so the pages IROs use are never
/// held up behind it; it is right immediately after any write, because the
/// data version moves with every write.
pub(crate) async fn current(state: &AppState) -> Result<Arc<Dashboard>, AppError> {
    let today = state.clock.today();
    let version = state.store.data_version().await?;
    let mut cache = state.figures_cache.lock().await;
    if let Some((v, day, d)) = cache.as_ref()
        && *v == version
        && *day == today
    {
        return Ok(d.clone());
    }
    let ds = council(state).await?;
    let settings = settings(state).await?;
    let calendar = state.calendar.clone();
    let d =
        tokio::task::spawn_blocking(move || Dashboard::compute(&ds, today, &settings, &calendar))
            .await
            .map_err(|e| AppError::Internal(format!("the dashboard could not be computed: {e}")))?;
    let d = Arc::new(d);
    *cache = Some((version, today, d.clone()));
    Ok(d)
}

/// GET /dashboard
pub async fn dashboard(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let result = async {
        let d = current(&state).await?;
        let pending_changes = super::date_change::pending_count(&state).await;
        Ok(page
            .render(&state, "dashboard.html", context! { d, pending_changes })
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}
