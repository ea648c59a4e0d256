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
    /// An IRO's name as the list groups it ("Unallocated" too); all when
    /// blank.
    #[serde(default)]
    iro: String,
    #[serde(default)]
    page: String,
    /// The page of the health and education list.
    #[serde(default)]
    health_page: String,
    /// The page of the secure accommodation, private fostering and review
    /// conference list.
    #[serde(default)]
    case_page: String,
}

/// The decisions-and-records list's filters and page.
#[derive(Debug, Default, Deserialize)]
pub struct OutstandingQuery {
    /// `decisions` or `record`; both when blank.
    #[serde(default)]
    what: String,
    /// An IRO's name; all when blank.
    #[serde(default)]
    iro: String,
    #[serde(default)]
    page: String,
    /// The page of the issued documents still to send.
    #[serde(default)]
    send_page: String,
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
        let settings = settings(&state).await?;
        let health = daily::health_education_due_in_month(
            &ds,
            year,
            month,
            today,
            &settings.health_education,
            &state.calendar,
        );
        let cases =
            daily::case_records_due_in_month(
                &ds,
                year,
                month,
                today,
                &settings.case_records,
                &state.calendar,
            );
        let total: usize = groups.values().map(Vec::len).sum();
        let wanted = q.iro.trim();
        let month_key = format!("{year:04}-{month:02}");
        // Health and education items: one list by IRO then due date,
        // filtered like the reviews and paged on their own.
        let health_counts: std::collections::BTreeMap<String, usize> =
            health.iter().map(|(k, v)| (k.clone(), v.len())).collect();
        let health_flat: Vec<_> = health
            .into_iter()
            .filter(|(iro, _)| wanted.is_empty() || iro == wanted)
            .flat_map(|(iro, items)| items.into_iter().map(move |i| (iro.clone(), i)))
            .collect();
        let health_total = health_flat.len();
        let (health_shown, health_pager) = crate::paging::page_as(
            health_flat,
            &q.health_page,
            "health_page",
            "/due",
            &[
                ("month", month_key.as_str()),
                ("iro", wanted),
                ("page", q.page.as_str()),
                ("case_page", q.case_page.as_str()),
            ],
        );
        let health: Vec<_> = regroup(health_shown)
            .into_iter()
            .map(|(iro, items)| {
                let count = health_counts.get(&iro).copied().unwrap_or(items.len());
                context! { iro, items, count }
            })
            .collect();
        // Secure accommodation reviews, private fostering reviews and
        // review conferences: the same, on their own pages.
        let case_counts: std::collections::BTreeMap<String, usize> =
            cases.iter().map(|(k, v)| (k.clone(), v.len())).collect();
        let case_flat: Vec<_> = cases
            .into_iter()
            .filter(|(iro, _)| wanted.is_empty() || iro == wanted)
            .flat_map(|(iro, items)| items.into_iter().map(move |i| (iro.clone(), i)))
            .collect();
        let case_total = case_flat.len();
        let (case_shown, case_pager) = crate::paging::page_as(
            case_flat,
            &q.case_page,
            "case_page",
            "/due",
            &[
                ("month", month_key.as_str()),
                ("iro", wanted),
                ("page", q.page.as_str()),
                ("health_page", q.health_page.as_str()),
            ],
        );
        // A privately fostered child is not looked after, so has no page.
        let held: std::collections::HashSet<&str> =
            ds.children.iter().map(|c| c.id.as_str()).collect();
        let cases: Vec<_> = regroup(case_shown)
            .into_iter()
            .map(|(iro, items)| {
                let count = case_counts.get(&iro).copied().unwrap_or(items.len());
                let items: Vec<_> = items
                    .into_iter()
                    .map(|i| {
                        let has_page = held.contains(i.child.as_str());
                        context! { has_page, ..minijinja::Value::from_serialize(&i) }
                    })
                    .collect();
                context! { iro, items, count }
            })
            .collect();
        let iro_names: Vec<String> = groups.keys().cloned().collect();
        let counts: std::collections::BTreeMap<String, usize> =
            groups.iter().map(|(k, v)| (k.clone(), v.len())).collect();
        // One list, by IRO then due date, filtered and paged; each page's
        // rows grouped under their IRO again.
        let flat: Vec<_> = groups
            .into_iter()
            .filter(|(iro, _)| wanted.is_empty() || iro == wanted)
            .flat_map(|(iro, items)| items.into_iter().map(move |i| (iro.clone(), i)))
            .collect();
        let (shown, pager) = crate::paging::page(
            flat,
            &q.page,
            "/due",
            &[
                ("month", month_key.as_str()),
                ("iro", wanted),
                ("health_page", q.health_page.as_str()),
                ("case_page", q.case_page.as_str()),
            ],
        );
        let groups: Vec<_> = regroup(shown)
            .into_iter()
            .map(|(iro, items)| {
                let count = counts.get(&iro).copied().unwrap_or(items.len());
                context! { iro, items, count }
            })
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
                    groups, total, label, pager, iro_names, iro => wanted, health, health_total, health_pager,
                    cases, case_total, case_pager,
                    this_month => year == today.year() && month == today.month(),
                    names => crate::names::child_names(&ds),
                    month => month_key,
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
pub async fn outstanding(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<OutstandingQuery>,
) -> Response {
    let result = async {
        // Only the children with decisions or a record not yet sent.
        let ids = state.store.children_with_records_outstanding().await?;
        let ds = state
            .store
            .load_scoped(footprint_store::Scope::Children(&ids))
            .await?;
        let today = state.clock.today();
        let settings = settings(&state).await?;
        let all = daily::outstanding(&ds, today, &settings, &state.calendar);
        let decisions = all.iter().filter(|r| r.what == "decisions").count();
        let records = all.len() - decisions;
        let mut iro_names: Vec<String> = all.iter().map(|r| r.iro.clone()).collect();
        iro_names.sort();
        iro_names.dedup();
        let what = match q.what.as_str() {
            "decisions" | "record" => q.what.as_str(),
            _ => "",
        };
        let iro = q.iro.trim();
        let matching: Vec<_> = all
            .into_iter()
            .filter(|r| what.is_empty() || r.what == what)
            .filter(|r| iro.is_empty() || r.iro == iro)
            .collect();
        let (rows, pager) = crate::paging::page(
            matching,
            &q.page,
            "/outstanding",
            &[
                ("what", what),
                ("iro", iro),
                ("send_page", q.send_page.as_str()),
            ],
        );
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
        // Issued documents still to send to someone on the record's list,
        // paged on their own (the links keep the overdue list's filters
        // and page).
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
        let (to_send, send_pager) = crate::paging::page_as(
            to_send,
            &q.send_page,
            "send_page",
            "/outstanding",
            &[("what", what), ("iro", iro), ("page", q.page.as_str())],
        );
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
                    rows, pager, what, iro, iro_names, decisions, records, written, to_send, send_pager,
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

/// A page of a list flattened by IRO, grouped under each IRO again (rows
/// of one IRO are next to each other).
fn regroup<T>(rows: Vec<(String, T)>) -> Vec<(String, Vec<T>)> {
    let mut grouped: Vec<(String, Vec<T>)> = Vec::new();
    for (iro, item) in rows {
        match grouped.last_mut() {
            Some((last, items)) if *last == iro => items.push(item),
            _ => grouped.push((iro, vec![item])),
        }
    }
    grouped
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
