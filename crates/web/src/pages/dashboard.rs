//! The IRO service manager's dashboard: figures from the measures engine
//! (`footprint_report::dashboard`), this month and the year to date.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use footprint_domain::measures::Period;
use footprint_domain::model::ChildId;
use footprint_report::dashboard::Dashboard;
use footprint_report::drilldown::{ReviewsBehind, ReviewsListed};
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
    /// The page of the children, and of the reviews beside them.
    #[serde(default)]
    page: String,
    #[serde(default)]
    reviews_page: String,
}

/// GET /dashboard/figures/{figure}?cell=numerator — the children behind one
/// count on the dashboard (the same children as `report.json`'s drill-down
/// for that measure and period), shown by [`behind_page`].
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
        let children = d
            .children_behind(&figure, &cell)
            .unwrap_or_default()
            .to_vec();
        let (period, label) = if over_month {
            (d.month, d.month_label.clone())
        } else {
            (
                d.year,
                format!("the collection year {} to date", d.year_label),
            )
        };
        behind_page(
            &state,
            &page,
            &user,
            Behind {
                back: ("/dashboard".to_owned(), "Back to the dashboard".to_owned()),
                path: format!("/dashboard/figures/{figure}"),
                query: vec![("cell", cell.clone())],
                page: &q.page,
                reviews_page: &q.reviews_page,
                audit: format!("figure={figure};cell={cell}"),
                measure,
                cell: &cell,
                period,
                period_label: label,
                as_of: d.as_of,
                children,
            },
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// A list of the children behind one count, wherever the count is shown
/// (the dashboard, the internal annual report).
pub(crate) struct Behind<'a> {
    /// Where the page leads back to: (address, link text).
    pub back: (String, String),
    /// The page's own address and the query that says which count it
    /// lists, kept in the links to the pages of its lists.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// The page asked for of the children, and of the reviews beside them.
    pub page: &'a str,
    pub reviews_page: &'a str,
    /// What the audit entry names the count by (never a name).
    pub audit: String,
    pub measure: &'a str,
    pub cell: &'a str,
    /// The days the count covers, and how the page says it.
    pub period: Period,
    pub period_label: String,
    pub as_of: NaiveDate,
    /// The children, as `report.json`'s drill-down lists them.
    pub children: Vec<ChildId>,
}

/// The one page listing the children behind a count: each child (with a
/// link to their page and their name, for roles that see children's
/// records; the identifier only for others), and beside a count of late or
/// overdue reviews each such review with its reason or the rule that made
/// it due, from the child's schedule (`footprint_domain::daily`). Every
/// view is audited (`figure.view`: the count and how many children; never
/// a name).
pub(crate) async fn behind_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    b: Behind<'_>,
) -> Result<Response, AppError> {
    let ds = council(state).await?;
    let reviews = match footprint_report::drilldown::reviews_behind(b.measure, b.cell) {
        None => None,
        Some(which) => {
            let settings = settings(state).await?;
            let calendar = state.calendar.clone();
            let (ds, children, period) = (ds.clone(), b.children.clone(), b.period);
            Some(
                tokio::task::spawn_blocking(move || {
                    reviews_beside(&ds, &children, period, &settings, &calendar, &which)
                })
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?,
            )
        }
    };
    super::audit(
        state,
        user,
        "figure.view",
        None,
        &format!("{};children={}", b.audit, b.children.len()),
    )
    .await?;
    // Both lists are paged, each keeping the count's query and the other
    // list's page in its links.
    fn with<'q>(
        query: &'q [(&'static str, String)],
        other: (&'q str, &'q str),
    ) -> Vec<(&'q str, &'q str)> {
        query
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(std::iter::once(other))
            .collect()
    }
    let children: Vec<String> = b.children.iter().map(ToString::to_string).collect();
    let (children, pager) = crate::paging::page(
        children,
        b.page,
        &b.path,
        &with(&b.query, ("reviews_page", b.reviews_page)),
    );
    let reviews = reviews.map(|r| {
        let (rows, pager) = crate::paging::page_as(
            r.rows,
            b.reviews_page,
            "reviews_page",
            &b.path,
            &with(&b.query, ("page", b.page)),
        );
        context! { kind => r.kind, on => r.on, rows, pager }
    });
    Ok(page
        .render(
            state,
            "figure.html",
            context! {
                measure => b.measure, cell => b.cell, period => b.period_label, children, pager,
                back => b.back.0, back_text => b.back.1,
                as_of => b.as_of.to_string(),
                reviews,
                names => crate::names::child_names(&ds),
                show_names => user.may_use("GET", "/children/{child}"),
            },
        )
        .await)
}

/// The late or overdue reviews of `children`, as the page lists them.
struct ReviewsBeside {
    /// "late" or "overdue".
    kind: &'static str,
    /// The day the overdue reviews are overdue on.
    on: Option<String>,
    rows: Vec<minijinja::Value>,
}

fn reviews_beside(
    ds: &footprint_domain::model::Dataset,
    children: &[ChildId],
    period: Period,
    settings: &footprint_domain::measures::MeasureSettings,
    calendar: &footprint_domain::calendar::WorkingDayCalendar,
    which: &ReviewsBehind,
) -> ReviewsBeside {
    match which.list(ds, children, period, settings, calendar) {
        ReviewsListed::Late(reviews) => ReviewsBeside {
            kind: "late",
            on: None,
            rows: reviews
                .into_iter()
                .map(|r| {
                    context! {
                        child => r.child.to_string(), date => r.date.to_string(),
                        due => r.due.to_string(), rule => r.rule.text(&settings.date_change_reasons),
                        reason => r.reason.as_deref().map(|k| settings.late_reasons.label(k).to_owned()),
                    }
                })
                .collect(),
        },
        ReviewsListed::Overdue { on, reviews } => ReviewsBeside {
            kind: "overdue",
            on: Some(on.to_string()),
            rows: reviews
                .into_iter()
                .map(|r| {
                    context! {
                        child => r.child.to_string(), due => r.due.date.to_string(),
                        rule => r.due.rule.text(&settings.date_change_reasons),
                        council_due => r.council_due.map(|d| d.date.to_string()),
                        council_rule => r.council_due.map(|d| d.rule.text(&settings.date_change_reasons)),
                    }
                })
                .collect(),
        },
    }
}
