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

#[derive(Debug, serde::Deserialize)]
pub struct CellQuery {
    cell: Option<String>,
}

/// GET /dashboard/figures/{figure}?cell=numerator — the children behind one
/// count on the dashboard (the same children as `report.json`'s drill-down
/// for that measure and period), each with their name where recorded and a
/// link to their page. The view is audited (`figure.view`: the figure, the
/// cell and how many children; never a name).
pub async fn figure(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    axum::extract::Path(figure): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<CellQuery>,
) -> Response {
    let result = async {
        let (measure, over_month) =
            Dashboard::measure_of(&figure).ok_or(AppError::NotFound("figure"))?;
        let cell = q.cell.unwrap_or_default();
        let d = current(&state).await?;
        let children: Vec<String> = d
            .children_behind(&figure, &cell)
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect();
        let ds = council(&state).await?;
        super::audit(
            &state,
            &user,
            "figure.view",
            None,
            &format!("figure={figure};cell={cell};children={}", children.len()),
        )
        .await?;
        let period = if over_month {
            d.month_label.clone()
        } else {
            format!("the collection year {} to date", d.year_label)
        };
        Ok(page
            .render(
                &state,
                "figure.html",
                context! {
                    figure, measure, cell, period, children,
                    as_of => d.as_of.to_string(),
                    names => crate::names::child_names(&ds),
                    show_names => user.may_use("GET", "/children/{child}"),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}
