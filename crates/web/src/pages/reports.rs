//! Report screens (narratives) and data quality. Open to analysts, so
//! nothing here shows free text about a child: import problems are shown by
//! rule, file, line and column, never with the offending value.

use std::collections::BTreeMap;
use std::sync::Arc;

use footprint_interchange::returns::by_rule;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use footprint_domain::dates::CollectionYear;
use footprint_report::{AnnualReport, Narrative};
use minijinja::context;
use serde::Deserialize;

use super::Fields;
use super::{audit, field, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

/// The annual report's narrative slots: (key, heading), as the report
/// crate reads them: the summary's boxes, then an introduction to each
/// section.
pub fn sections() -> Vec<(&'static str, String)> {
    footprint_report::NARRATIVE_SLOTS
        .iter()
        .map(|(k, h)| (*k, (*h).to_owned()))
        .chain(
            footprint_report::SECTION_IDS
                .iter()
                .map(|(k, t)| (*k, format!("Introduction: {t}"))),
        )
        .collect()
}

/// Blank rows offered under each list of the manager's words, to add to it.
const BLANK_ROWS: usize = 3;

const MAX_NARRATIVE: usize = 20_000;

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

pub(crate) fn year_of(state: &AppState, raw: Option<&str>) -> Result<CollectionYear, AppError> {
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
        let sections: Vec<_> = sections()
            .into_iter()
            .map(|(key, heading)| context! { key, heading, text => stored.get(key).cloned().unwrap_or_default() })
            .collect();
        // The lists, last year's plan carried forward into an empty
        // progress list; blank rows to add to each.
        let words = footprint_interchange::reports::words_for(&state.store, year)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let progress: Vec<_> = words
            .last_year_actions
            .iter()
            .map(Some)
            .chain(std::iter::repeat_n(None, BLANK_ROWS))
            .map(|a| context! {
                action => a.map(|a| a.action.clone()), target => a.map(|a| a.target.clone()),
                owner => a.map(|a| a.owner.clone()), progress => a.map(|a| a.progress.clone()),
                status => a.and_then(|a| a.status).map(|s| s.key()),
            })
            .collect();
        let plan: Vec<_> = words
            .next_year_actions
            .iter()
            .map(Some)
            .chain(std::iter::repeat_n(None, BLANK_ROWS))
            .map(|a| context! {
                action => a.map(|a| a.action.clone()), target => a.map(|a| a.target.clone()),
                owner => a.map(|a| a.owner.clone()),
            })
            .collect();
        let said: Vec<_> = words
            .you_said_we_did
            .iter()
            .map(Some)
            .chain(std::iter::repeat_n(None, BLANK_ROWS))
            .map(|y| context! { you_said => y.map(|y| y.you_said.clone()), we_did => y.map(|y| y.we_did.clone()) })
            .collect();
        let feedback: Vec<_> = words
            .feedback
            .iter()
            .map(Some)
            .chain(std::iter::repeat_n(None, BLANK_ROWS))
            .map(|f| context! { from => f.map(|f| f.from.clone()), text => f.map(|f| f.text.clone()) })
            .collect();
        let staffing: Vec<_> = words
            .staffing
            .iter()
            .map(Some)
            .chain(std::iter::repeat_n(None, BLANK_ROWS))
            .map(|p| context! { post => p.map(|p| p.post.clone()), fte => p.map(|p| p.fte.to_string()) })
            .collect();
        let c = &words.cover;
        let cover = context! {
            committee => c.committee, meeting_date => c.meeting_date.map(|d| d.to_string()),
            author => c.author, purpose => c.purpose, recommendations => c.recommendations,
            key_decision => c.key_decision.map(|k| if k { "yes" } else { "no" }),
            wards => c.wards, appendices => c.appendices,
        };
        let governance: Vec<_> = words
            .governance
            .iter()
            .map(Some)
            .chain(std::iter::repeat_n(None, BLANK_ROWS))
            .map(|g| context! {
                meeting => g.map(|g| g.meeting.clone()),
                date => g.and_then(|g| g.date).map(|d| d.to_string()),
                outcome => g.map(|g| g.outcome.clone()),
            })
            .collect();
        let statuses: Vec<_> = footprint_report::words::ActionStatus::ALL
            .iter()
            .map(|s| context! { key => s.key(), label => s.label() })
            .collect();
        let current = CollectionYear::of(state.clock.today());
        let years: Vec<String> = (0..5)
            .scan(current, |y, _| {
                let this = *y;
                *y = y.previous();
                Some(this.to_string())
            })
            .collect();
        let documents: Vec<_> = state
            .jobs
            .of(&user.name, "report")
            .into_iter()
            .map(|j| context! {
                id => j.id, what => j.what, state => j.state,
                at => j.started.format("%-d %b %Y %H:%M").to_string(),
            })
            .collect();
        let today = state.clock.today();
        let last_month = today.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(today);
        Ok(page
            .render(
                &state,
                "reports.html",
                context! {
                    year => year.to_string(), last_year => year.previous().to_string(),
                    next_year => year.next().to_string(), years, sections, documents,
                    progress, plan, said, feedback, staffing, statuses, cover, governance,
                    month => last_month.format("%Y-%m").to_string(),
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
/// is the internal version, and each count of this year links to the
/// children behind it ([`annual_figure`]); the version for publication is
/// downloaded from the reports screen.
pub async fn annual(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Response {
    let result = async {
        let year = year_of(&state, q.year.as_deref())?;
        let report = annual_report(&state, &user, year).await?;
        let html = tokio::task::spawn_blocking(move || {
            let link = |measure: &str, cell: &str| {
                serde_urlencoded::to_string([
                    ("year", year.to_string().as_str()),
                    ("measure", measure),
                    ("cell", cell),
                ])
                .ok()
                .map(|q| format!("/reports/annual/figures?{q}"))
            };
            report.render_html_linked(&link)
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

/// The internal annual report of `year` as it stands today, read and
/// computed as `footprint report annual` does (on a blocking thread, so a
/// large council never holds up the pages IROs use; a year not yet over is
/// computed to today and says so). The last one computed is kept while the
/// data version, the day, the narratives and the manager's words stay the
/// same, so following its counts does not compute it again.
pub(crate) async fn annual_report(
    state: &AppState,
    user: &CurrentUser,
    year: CollectionYear,
) -> Result<Arc<AnnualReport>, AppError> {
    let today = state.clock.today();
    let version = state.store.data_version().await?;
    let narratives: Vec<Narrative> = state
        .store
        .narratives(year)
        .await?
        .into_iter()
        .map(|(slot, text)| Narrative { slot, text })
        .collect();
    let words = footprint_interchange::reports::words_for(&state.store, year)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut cache = state.report_cache.lock().await;
    if let Some((v, day, y, report)) = cache.as_ref()
        && (*v, *day, *y) == (version, today, year)
        && report.narratives == narratives
        && report.words == words
    {
        return Ok(report.clone());
    }
    let inputs = footprint_interchange::reports::load(&state.store, &user.name, Some(year))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let calendar = state.calendar.clone();
    let report = tokio::task::spawn_blocking(move || {
        footprint_interchange::reports::annual_report(&inputs, year, today, &calendar, false)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let report = Arc::new(report);
    *cache = Some((version, today, year, report.clone()));
    Ok(report)
}

#[derive(Debug, Deserialize)]
pub struct FigureQuery {
    year: Option<String>,
    measure: Option<String>,
    cell: Option<String>,
    /// The page of the children, and of the reviews beside them.
    #[serde(default)]
    page: String,
    #[serde(default)]
    reviews_page: String,
}

/// GET /reports/annual/figures?year=2024-25&measure=reviews.late&cell= —
/// the children behind one count of the internal annual report: exactly
/// those its `report.json` drill-down lists for the measure and cell, on
/// the same page as the dashboard's ([`super::dashboard::behind_page`]:
/// names for the roles that see children's records, identifiers for the
/// others; late and overdue reviews with their reason and rule; audited).
pub async fn annual_figure(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<FigureQuery>,
) -> Response {
    let result = async {
        let year = year_of(&state, q.year.as_deref())?;
        let measure = q.measure.unwrap_or_default();
        let cell = q.cell.unwrap_or_default();
        let report = annual_report(&state, &user, year).await?;
        let measures = &report.this_year.measures;
        let children: Vec<_> =
            footprint_report::drilldown::children_behind(measures, &measure, &cell)
                .ok_or(AppError::NotFound("figure"))?
                .iter()
                .cloned()
                .collect();
        let period = measures.period;
        let period_label = match measures.to_date {
            Some(_) => format!("the collection year {year} to date"),
            None => format!("the collection year {year}"),
        };
        super::dashboard::behind_page(
            &state,
            &page,
            &user,
            super::dashboard::Behind {
                back: (
                    format!("/reports/annual?year={year}"),
                    format!("Back to the annual report {year}"),
                ),
                path: "/reports/annual/figures".to_owned(),
                query: vec![
                    ("year", year.to_string()),
                    ("measure", measure.clone()),
                    ("cell", cell.clone()),
                ],
                page: &q.page,
                reviews_page: &q.reviews_page,
                audit: format!("report=annual {year};measure={measure};cell={cell}"),
                measure: &measure,
                cell: &cell,
                period,
                period_label,
                as_of: period.last.min(state.clock.today()),
                children,
            },
        )
        .await
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
        if !sections().iter().any(|(k, _)| *k == section) {
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
        state
            .store
            .set_narrative(year, section, &text, &user.name)
            .await?;
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

/// The lists of the manager's words from the form: each list's fields are
/// repeated once a row, in order; a row left wholly blank is skipped. A
/// status or FTE that is not one is an error naming the row.
fn words_from_form(pairs: &[(String, String)]) -> Result<footprint_report::words::Words, String> {
    use footprint_report::words::*;
    let column = |name: &str| -> Vec<String> {
        super::fields(pairs, name)
            .into_iter()
            .map(|v| v.replace("\r\n", "\n").trim().to_owned())
            .collect()
    };
    let rows = |names: &[&str]| -> Vec<Vec<String>> {
        let cols: Vec<Vec<String>> = names.iter().map(|n| column(n)).collect();
        let n = cols.iter().map(Vec::len).max().unwrap_or(0);
        (0..n)
            .map(|i| {
                cols.iter()
                    .map(|c| c.get(i).cloned().unwrap_or_default())
                    .collect::<Vec<_>>()
            })
            .filter(|r| r.iter().any(|v| !v.is_empty()))
            .collect()
    };
    let mut w = Words::default();
    for r in rows(&[
        "progress_action",
        "progress_target",
        "progress_owner",
        "progress_text",
    ]) {
        w.last_year_actions.push(ActionProgress {
            action: r[0].clone(),
            target: r[1].clone(),
            owner: r[2].clone(),
            status: None,
            progress: r[3].clone(),
        });
    }
    // The statuses, one a row (blank rows included), matched to the rows
    // kept: a row is kept when any of its text fields is filled.
    let statuses = column("progress_status");
    let texts = [
        "progress_action",
        "progress_target",
        "progress_owner",
        "progress_text",
    ]
    .map(column);
    let mut kept = 0;
    for (i, status) in statuses.iter().enumerate() {
        let filled = texts
            .iter()
            .any(|c| c.get(i).is_some_and(|v| !v.is_empty()));
        if !filled {
            continue;
        }
        if !status.is_empty() {
            let s = ActionStatus::from_key(status).ok_or_else(|| {
                format!(
                    "Last year's action {}: “{status}” is not a status.",
                    kept + 1
                )
            })?;
            if let Some(a) = w.last_year_actions.get_mut(kept) {
                a.status = Some(s);
            }
        }
        kept += 1;
    }
    for r in rows(&["plan_action", "plan_target", "plan_owner"]) {
        w.next_year_actions.push(PlannedAction {
            action: r[0].clone(),
            target: r[1].clone(),
            owner: r[2].clone(),
        });
    }
    for r in rows(&["you_said", "we_did"]) {
        w.you_said_we_did.push(YouSaidWeDid {
            you_said: r[0].clone(),
            we_did: r[1].clone(),
        });
    }
    for r in rows(&["feedback_from", "feedback_text"]) {
        w.feedback.push(Feedback {
            from: r[0].clone(),
            text: r[1].clone(),
        });
    }
    for (i, r) in rows(&["post", "fte"]).into_iter().enumerate() {
        let fte = r[1].parse::<f64>().map_err(|_| {
            format!(
                "Post {}: the FTE “{}” is not a number (for example 0.8).",
                i + 1,
                r[1]
            )
        })?;
        w.staffing.push(Post {
            post: r[0].clone(),
            fte,
        });
    }
    // The cover page: one field each.
    let one = |name: &str| {
        field(pairs, name)
            .unwrap_or_default()
            .replace("\r\n", "\n")
            .trim()
            .to_owned()
    };
    let date = |text: &str, what: &str| -> Result<Option<chrono::NaiveDate>, String> {
        if text.is_empty() {
            return Ok(None);
        }
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("{what}: “{text}” is not a date (for example 2025-05-13)."))
    };
    w.cover = Cover {
        committee: one("cover_committee"),
        meeting_date: date(&one("cover_meeting_date"), "The date of the meeting")?,
        author: one("cover_author"),
        purpose: one("cover_purpose"),
        recommendations: one("cover_recommendations"),
        key_decision: match one("cover_key_decision").as_str() {
            "" => None,
            "yes" => Some(true),
            "no" => Some(false),
            other => return Err(format!("Key decision: “{other}” is not yes or no.")),
        },
        wards: one("cover_wards"),
        appendices: one("cover_appendices"),
    };
    for (i, r) in rows(&[
        "governance_meeting",
        "governance_date",
        "governance_outcome",
    ])
    .into_iter()
    .enumerate()
    {
        let what = format!("Governance meeting {}", i + 1);
        if r[0].is_empty() {
            return Err(format!("{what}: enter the meeting."));
        }
        let Some(d) = date(&r[1], &what)? else {
            return Err(format!("{what}: enter its date."));
        };
        w.governance.push(SignOff {
            meeting: r[0].clone(),
            date: Some(d),
            outcome: r[2].clone(),
        });
    }
    w.validate()?;
    Ok(w)
}

/// POST /reports/words — saves the year's cover page, governance and
/// sign-off, action plans, "you said, we did", feedback and staffing as a
/// new version (none is overwritten).
pub async fn save_words(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let year = year_of(&state, field(&pairs, "year"))?;
        let words = words_from_form(&pairs).map_err(AppError::BadRequest)?;
        let body = serde_json::to_value(&words).map_err(|e| AppError::Internal(e.to_string()))?;
        let version = state
            .store
            .save_report_words(year, &body, &user.name)
            .await?;
        audit(
            &state,
            &user,
            "report_words.save",
            None,
            &format!("year={year};version={version}"),
        )
        .await?;
        page.flash("The cover page, sign-off, action plans, feedback and staffing were saved")
            .await;
        Ok(Redirect::to(&format!("/reports?year={year}#words")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The data quality page's filter and page for the records held.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ProblemsQuery {
    /// A rule's number or name, exactly; all when blank.
    #[serde(default)]
    rule: String,
    /// `error` or `warning`; both when blank.
    #[serde(default)]
    severity: String,
    #[serde(default)]
    page: String,
}

/// GET /data-quality — import problems by rule, and problems in how
/// episodes chain into periods of care.
pub async fn data_quality(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<ProblemsQuery>,
) -> Response {
    let result = async {
        let runs = state.store.import_runs().await?;
        let rules = match runs.iter().max_by_key(|r| r.id) {
            Some(latest) => by_rule(&state.store.import_problems(latest.id).await?, Some(10)),
            None => Vec::new(),
        };
        // The newest upload refused (nothing of it was written): every
        // problem, by rule, with file, line and column.
        let refused = state.jobs.latest_refused_import().and_then(|j| match j.state {
            crate::jobs::JobState::Refused { problems, reasons } => Some(context! {
                id => j.id, what => j.what,
                at => j.started.format("%-d %b %Y %H:%M").to_string(),
                rules => by_rule(&problems, None), reasons,
                mine => j.owner == user.name,
            }),
            _ => None,
        });
        let this_year = CollectionYear::of(state.clock.today());
        let quality = record_quality(&state, this_year).await?;
        let record_problem_count = quality.problems.len();
        let rule = q.rule.trim();
        let severity = match q.severity.as_str() {
            "error" | "warning" => q.severity.as_str(),
            _ => "",
        };
        let matching: Vec<_> = quality
            .problems
            .iter()
            .filter(|p| rule.is_empty() || p.rule.as_deref() == Some(rule))
            .filter(|p| match severity {
                "error" => p.error,
                "warning" => !p.error,
                _ => true,
            })
            .collect();
        let (shown, pager) = crate::paging::page(
            matching,
            &q.page,
            "/data-quality",
            &[("rule", rule), ("severity", severity)],
        );
        let record_problems: Vec<_> = shown
            .into_iter()
            .map(|p| context! {
                child => p.child.as_ref().map(ToString::to_string), table => &p.table,
                column => &p.column, rule => &p.rule, message => &p.message,
                error => p.error,
            })
            .collect();
        let chain: Vec<_> = quality
            .chain
            .iter()
            .map(|(kind, count, children)| context! { kind => kind.replace('_', " "), count, children })
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
                context! {
                    runs, rules, refused, chain, left_open, show_children,
                    record_problems, record_problem_count, pager, rule, severity,
                    this_year => this_year.to_string(),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The checks of the records held: the import's checks on this year's
/// records (entered through the forms or imported) and the problems in how
/// each child's episodes chain into periods of care.
#[derive(Debug, Default)]
pub struct RecordQuality {
    pub problems: Vec<footprint_interchange::records::RecordProblem>,
    /// (kind of problem, how many, the first ten children).
    pub chain: Vec<(String, usize, Vec<String>)>,
}

impl RecordQuality {
    /// Works the checks out over the council's records.
    pub fn check(ds: &footprint_domain::model::Dataset, year: CollectionYear) -> Self {
        let problems = footprint_interchange::records::check_records(ds, year);
        let mut chain: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
        let assemblies = footprint_domain::daily::assemble_by_child(ds);
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
        RecordQuality {
            problems,
            chain: chain
                .into_iter()
                .map(|(kind, (count, children))| (kind, count, children))
                .collect(),
        }
    }
}

/// The checks of the records held, worked out once per data version and
/// collection year (on a blocking thread) and kept: a visit to the data
/// quality page does not check every record again, and the first visit
/// after any change, whichever process made it, does.
pub(crate) async fn record_quality(
    state: &AppState,
    year: CollectionYear,
) -> Result<Arc<RecordQuality>, AppError> {
    // The version is read before the data: a change in between makes the
    // next visit check again, never keeps stale checks as current.
    let version = state.store.data_version().await?;
    let mut cache = state.quality_cache.lock().await;
    if let Some((v, y, q)) = cache.as_ref()
        && (*v, *y) == (version, year)
    {
        return Ok(q.clone());
    }
    let ds = super::council(state).await?;
    let quality = tokio::task::spawn_blocking(move || RecordQuality::check(&ds, year))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let quality = Arc::new(quality);
    *cache = Some((version, year, quality.clone()));
    Ok(quality)
}

/// The formats of each document: (key, label, file extension, content type).
const FORMATS: &[(&str, &str, &str)] = &[
    ("html", "Web page (HTML)", "text/html; charset=utf-8"),
    (
        "docx",
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("pdf", "PDF", "application/pdf"),
    ("json", "JSON", "application/json"),
];

/// POST /reports/documents (`document` = `annual` with `year`, or
/// `performance` with `month` YYYY-MM; `format`; `publish` = `yes` for the
/// version for publication) — builds the document in the background (as
/// `footprint report` does, with the same functions) and sends the user to
/// its page, where it is downloaded when ready.
pub async fn build_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let document = field(&pairs, "document").unwrap_or("annual");
        let format = field(&pairs, "format").unwrap_or("");
        let publish = field(&pairs, "publish") == Some("yes");
        let Some((_, label, content_type)) = FORMATS.iter().find(|(k, _, _)| *k == format) else {
            return Err(AppError::BadRequest(
                "Choose a format: HTML, Word, Excel, PDF or JSON.".to_owned(),
            ));
        };
        let version = if publish {
            "for publication"
        } else {
            "internal"
        };
        let suffix = if publish { "-publication" } else { "" };
        let (what, file_name, kind) = match document {
            "annual" => {
                let year = year_of(&state, field(&pairs, "year"))?;
                (
                    format!("Annual IRO report {year} ({label}, {version})"),
                    format!("iro-annual-report-{year}{suffix}.{format}"),
                    Document::Annual(year),
                )
            }
            "performance" => {
                if format == "docx" {
                    return Err(AppError::BadRequest(
                        "The performance page is made as HTML, Excel, PDF or JSON.".to_owned(),
                    ));
                }
                let month = field(&pairs, "month").unwrap_or("").trim().to_owned();
                footprint_report::performance::parse_month(&month)
                    .map_err(|e| AppError::BadRequest(e.to_string()))?;
                (
                    format!("Performance page to {month} ({label}, {version})"),
                    format!("performance-{month}{suffix}.{format}"),
                    Document::Performance(month),
                )
            }
            _ => {
                return Err(AppError::BadRequest("There is no such report.".to_owned()));
            }
        };
        let id = state
            .jobs
            .start(&user.name, "report", what, state.clock.now());
        let task = state.clone();
        let actor = user.name.clone();
        let format = format.to_owned();
        let content_type: &'static str = content_type;
        tokio::spawn(async move {
            let jobs = &task.jobs;
            jobs.progress(id, "Reading the records", 0, 2);
            let year = match &kind {
                Document::Annual(y) => Some(*y),
                Document::Performance(_) => None,
            };
            let built = match footprint_interchange::reports::load(&task.store, &actor, year).await
            {
                Err(e) => Err(e.to_string()),
                Ok(inputs) => {
                    jobs.progress(id, "Working out the figures and writing the document", 1, 2);
                    let today = task.clock.today();
                    let calendar = task.calendar.clone();
                    tokio::task::spawn_blocking(move || match kind {
                        Document::Annual(year) => {
                            let format: footprint_report::Format =
                                format.parse().map_err(|e: String| e)?;
                            footprint_interchange::reports::annual(
                                &inputs, year, today, &calendar, publish, format,
                            )
                            .map_err(|e| e.to_string())
                        }
                        Document::Performance(month) => {
                            footprint_interchange::reports::performance_page(
                                &inputs, &month, today, &calendar, None, publish, &format,
                            )
                            .map(|(bytes, _)| bytes)
                            .map_err(|e| e.to_string())
                        }
                    })
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r)
                }
            };
            match built {
                Ok(bytes) => jobs.finish_with_file(
                    id,
                    vec![format!("{file_name}: {} KB", bytes.len().div_ceil(1024))],
                    crate::jobs::JobFile {
                        name: file_name,
                        content_type,
                        bytes: std::sync::Arc::new(bytes),
                    },
                ),
                Err(message) => {
                    tracing::error!(job = id, "a report failed: {message}");
                    jobs.set(id, crate::jobs::JobState::Failed { message });
                }
            }
        });
        Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// Which document a report job builds.
enum Document {
    Annual(CollectionYear),
    Performance(String),
}
