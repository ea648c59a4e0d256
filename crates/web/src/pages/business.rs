//! Business support: the monthly due list and the decisions/record chase
//! list.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use minijinja::context;
use serde::Deserialize;

use footprint_domain::daily;

use super::{council, policy, respond, settings};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

#[derive(Debug, Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

/// `2025-03` → (2025, 3).
fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.trim().split_once('-')?;
    let y: i32 = y.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, 1).map(|_| (y, m))
}

fn shift(y: i32, m: u32, by: i32) -> (i32, u32) {
    let n = y * 12 + m as i32 - 1 + by;
    (n.div_euclid(12), n.rem_euclid(12) as u32 + 1)
}

/// GET /due?month=YYYY-MM — statutory due dates in a month, by IRO.
pub async fn due(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<MonthQuery>,
) -> Response {
    let result = async {
        let today = state.clock.today();
        let (year, month) = match q.month.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => parse_month(s).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "{s:?} is not a month: use the form YYYY-MM, for example 2025-03"
                ))
            })?,
            None => (today.year(), today.month()),
        };
        // A council-wide list: worked out from the council's records kept in
        // memory (read again only for the children a write touched), which
        // costs far less than reading every child in care on each request.
        let ds = council(&state).await?;
        let policy = policy(&state).await?;
        let groups = daily::due_in_month(&ds, year, month, today, &policy, &state.calendar);
        let timescales = settings(&state).await?.health_education;
        let health = daily::health_education_due_in_month(
            &ds,
            year,
            month,
            today,
            &timescales,
            &state.calendar,
        );
        let health_total: usize = health.values().map(Vec::len).sum();
        let health: Vec<_> = health
            .into_iter()
            .map(|(iro, items)| context! { iro, items })
            .collect();
        let total: usize = groups.values().map(Vec::len).sum();
        let groups: Vec<_> = groups
            .into_iter()
            .map(|(iro, items)| context! { iro, items })
            .collect();
        let (py, pm) = shift(year, month, -1);
        let (ny, nm) = shift(year, month, 1);
        let label = NaiveDate::from_ymd_opt(year, month, 1)
            .map(|d| d.format("%B %Y").to_string())
            .unwrap_or_default();
        Ok(page
            .render(
                &state,
                "due.html",
                context! {
                    groups, total, label, health, health_total,
                    this_month => year == today.year() && month == today.month(),
                    names => crate::names::child_names(&ds),
                    month => format!("{year:04}-{month:02}"),
                    previous => format!("{py:04}-{pm:02}"),
                    next => format!("{ny:04}-{nm:02}"),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /outstanding — reviews whose decisions or record are overdue.
pub async fn outstanding(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let result = async {
        // Only the children with decisions or a record not yet sent.
        let ids = state.store.children_with_records_outstanding().await?;
        let ds = state
            .store
            .load_scoped(footprint_store::Scope::Children(&ids))
            .await?;
        let today = state.clock.today();
        let settings = settings(&state).await?;
        let rows = daily::outstanding(&ds, today, &settings, &state.calendar);
        let decisions = rows.iter().filter(|r| r.what == "decisions").count();
        let records = rows.len() - decisions;
        // Reviews whose record is written in Footprint: the IRO issues it
        // there (which records the date), so the row says so instead of
        // offering the form.
        let written: Vec<String> = state
            .store
            .reviews_with_records(&ids)
            .await?
            .into_iter()
            .map(|(c, d)| format!("{c}/{d}"))
            .collect();
        // Issued documents still to send to someone on the record's list.
        let to_send: Vec<_> = state
            .store
            .records_to_send()
            .await?
            .into_iter()
            .flat_map(|r| {
                let (child, review) = (r.child.to_string(), r.review.to_string());
                r.to_send.into_iter().map(move |(doc, to)| {
                    context! {
                        child => child.clone(), review => review.clone(),
                        document => doc.key(), document_label => doc.label(),
                        recipient => to.key(), recipient_label => to.label(),
                    }
                })
            })
            .collect();
        let sending_children: Vec<footprint_domain::model::ChildId> = to_send
            .iter()
            .filter_map(|v| v.get_attr("child").ok()?.as_str()?.parse().ok())
            .collect();
        let sending_names = state
            .store
            .load_scoped(footprint_store::Scope::Children(&sending_children))
            .await?;
        Ok(page
            .render(
                &state,
                "outstanding.html",
                context! {
                    rows, decisions, records, written, to_send,
                    names => crate::names::names_of(&ds),
                    sending_names => crate::names::names_of(&sending_names),
                    can_record_sent => user.may_use("POST", "/children/{child}/reviews/sent"),
                    can_record_sent_to => user.may_use("POST", "/children/{child}/reviews/{review}/sent-to"),
                    sent_by => footprint_domain::review_record::SentBy::ALL.iter().map(|s| context! { key => s.key(), label => s.label() }).collect::<Vec<_>>(),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_parse_and_shift_across_years() {
        assert_eq!(super::parse_month("2025-03"), Some((2025, 3)));
        assert_eq!(super::parse_month("2025-13"), None);
        assert_eq!(super::parse_month("March"), None);
        assert_eq!(super::shift(2025, 1, -1), (2024, 12));
        assert_eq!(super::shift(2024, 12, 1), (2025, 1));
    }
}
