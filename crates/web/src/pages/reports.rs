//! Report screens (narratives) and data quality. Open to analysts, so
//! nothing here shows free text about a child: import problems are shown by
//! rule, file, line and column, never with the offending value.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::dates::CollectionYear;
use minijinja::context;
use serde::Deserialize;

use super::Fields;
use super::{audit, field, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

/// The annual report's narrative slots: (key, heading), as the report
/// crate reads them.
pub const SECTIONS: &[(&str, &str)] = &footprint_report::NARRATIVE_SLOTS;

/// The council's name (the same key as `footprint report`).
const COUNCIL_NAME: &str = "council_name";

const MAX_NARRATIVE: usize = 20_000;

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

fn year_of(state: &AppState, raw: Option<&str>) -> Result<CollectionYear, AppError> {
    match raw.filter(|s| !s.is_empty()) {
        Some(s) => s.parse().map_err(|_| {
            AppError::BadRequest(format!(
                "{s:?} is not a collection year: use the form 2024-25"
            ))
        }),
        None => Ok(CollectionYear::of(state.clock.today()).previous()),
    }
}

/// GET /reports?year=2024-25 — the annual report's narratives for a year.
pub async fn page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Response {
    let result = async {
        let year = year_of(&state, q.year.as_deref())?;
        let stored = state.store.narratives(year).await?;
        let sections: Vec<_> = SECTIONS
            .iter()
            .map(|(key, heading)| context! { key, heading, text => stored.get(*key).cloned().unwrap_or_default() })
            .collect();
        let current = CollectionYear::of(state.clock.today());
        let years: Vec<String> = (0..5)
            .scan(current, |y, _| {
                let this = *y;
                *y = y.previous();
                Some(this.to_string())
            })
            .collect();
        Ok(page
            .render(
                &state,
                "reports.html",
                context! {
                    year => year.to_string(), years, sections,
                    can_edit => user.may_use("POST", "/reports/narrative"),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /reports/annual?year=2024-25 — the annual report as the report crate
/// renders it (self-contained HTML with inline styles and SVG charts, no
/// script), with this council's narratives. Counts are not suppressed: this
/// is the internal version; `footprint report annual --publish` makes the
/// published one.
pub async fn annual(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Response {
    let result = async {
        let year = year_of(&state, q.year.as_deref())?;
        let ds = super::council(&state).await?;
        let settings = super::settings(&state).await?;
        let narratives = state
            .store
            .narratives(year)
            .await?
            .into_iter()
            .map(|(slot, text)| footprint_report::Narrative { slot, text })
            .collect();
        let council = state
            .store
            .setting(COUNCIL_NAME)
            .await?
            .and_then(|v| v.as_str().map(str::to_owned));
        // The engine and the renderer run on a blocking thread: a report of
        // a large council never holds up the pages IROs use. A year not yet
        // over is computed to today and says so.
        let today = state.clock.today();
        let calendar = state.calendar.clone();
        let html = tokio::task::spawn_blocking(move || {
            let mut report = footprint_report::AnnualReport::compute_as_of(
                &ds, year, today, &settings, &calendar, narratives, false,
            );
            report.council = council;
            report.render(footprint_report::Format::Html)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
        audit(
            &state,
            &user,
            "report.view",
            None,
            &format!("annual {year}"),
        )
        .await?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                     frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
                ),
            ],
            html,
        )
            .into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /reports/narrative — saves one section's text for a year.
pub async fn save_narrative(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let year = year_of(&state, field(&pairs, "year"))?;
        let section = field(&pairs, "section").unwrap_or("");
        if !SECTIONS.iter().any(|(k, _)| *k == section) {
            return Err(AppError::BadRequest(
                "There is no such section of the report.".to_owned(),
            ));
        }
        let text = field(&pairs, "text").unwrap_or("").replace("\r\n", "\n");
        if text.chars().count() > MAX_NARRATIVE {
            return Err(AppError::BadRequest(format!(
                "The text must be {MAX_NARRATIVE} characters or fewer. Go back and shorten it."
            )));
        }
        state.store.set_narrative(year, section, &text).await?;
        audit(
            &state,
            &user,
            "narrative.save",
            None,
            &format!("year={year};section={section}"),
        )
        .await?;
        page.flash("Narrative saved").await;
        Ok(Redirect::to(&format!("/reports?year={year}#{section}")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /data-quality — import problems by rule, and problems in how
/// episodes chain into periods of care.
pub async fn data_quality(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> Response {
    let result = async {
        let runs = state.store.import_runs().await?;
        let mut by_rule: BTreeMap<String, (String, usize, usize, Vec<String>)> = BTreeMap::new();
        if let Some(latest) = runs.iter().max_by_key(|r| r.id) {
            for p in state.store.import_problems(latest.id).await? {
                let rule = p.rule.clone().unwrap_or_else(|| "(no rule number)".to_owned());
                let e = by_rule.entry(rule).or_insert_with(|| (p.message.clone(), 0, 0, Vec::new()));
                match p.severity {
                    footprint_store::Severity::Error => e.1 += 1,
                    footprint_store::Severity::Warning => e.2 += 1,
                }
                if e.3.len() < 10 {
                    let at = match (p.line, &p.column) {
                        (Some(l), Some(c)) => format!("{} line {l}, {c}", p.file),
                        (Some(l), None) => format!("{} line {l}", p.file),
                        _ => p.file.clone(),
                    };
                    e.3.push(at);
                }
            }
        }
        let rules: Vec<_> = by_rule
            .into_iter()
            .map(|(rule, (message, errors, warnings, examples))| context! { rule, message, errors, warnings, examples })
            .collect();
        let ds = super::council(&state).await?;
        let mut chain: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
        let assemblies = footprint_domain::daily::assemble_by_child(&ds);
        for p in assemblies.iter().flat_map(|(_, a)| &a.problems) {
            let kind = serde_json::to_value(&p.kind)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                .unwrap_or_else(|| "other".to_owned());
            let e = chain.entry(kind).or_default();
            e.0 += 1;
            if e.1.len() < 10 {
                e.1.push(p.child.to_string());
            }
        }
        let chain: Vec<_> = chain
            .into_iter()
            .map(|(kind, (count, children))| context! { kind => kind.replace('_', " "), count, children })
            .collect();
        let runs: Vec<_> = runs
            .iter()
            .rev()
            .take(10)
            .map(|r| context! {
                id => r.id, year => r.year.to_string(), source => &r.source,
                at => r.imported_at.format("%-d %b %Y %H:%M").to_string(),
                inserted => r.inserted, replaced => r.replaced, problems => r.problems,
            })
            .collect();
        let left_open: Vec<_> = state
            .store
            .open_episodes_left()
            .await?
            .into_iter()
            .map(|e| context! {
                child => e.child.to_string(),
                start => e.start.format("%d/%m/%Y").to_string(),
                from => e.from_return.to_string(),
                latest => e.latest_return.to_string(),
            })
            .collect();
        let show_children = user.may_use("GET", "/children/{child}");
        Ok(page
            .render_status(
                &state,
                StatusCode::OK,
                "data_quality.html",
                context! { runs, rules, chain, left_open, show_children },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}
