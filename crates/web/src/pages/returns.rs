//! 903 returns and case-management files in and out of the browser: the
//! upload of a return (a folder's CSV files, an XML file or a workbook),
//! of children's names and of health and education records, and the
//! download of a year's return. Each upload runs in the background as a job
//! (see [`crate::jobs`]) and is read, checked and stored by the same
//! functions as `footprint import` (`footprint_interchange`): all or
//! nothing, every problem by rule with file, line and column.

use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::dates::CollectionYear;
use footprint_interchange::export::{ReturnForm, export_return};
use footprint_interchange::returns::{self, Checked, by_rule};
use footprint_interchange::{Outcome, case_records, health, names};
use footprint_ssda903::{Format, Input};
use footprint_store::{ImportBatch, ImportProblem};
use minijinja::context;
use serde::Deserialize;

use super::{audit, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::jobs::{JobFile, JobState, row_problems};
use crate::upload::{self, MAX_UPLOAD_BYTES, Part};
use crate::view::{AppError, Page};

/// The collection years offered: this one and the four before.
pub(crate) fn recent_years(state: &AppState) -> Vec<String> {
    let mut y = CollectionYear::of(state.clock.today());
    let mut out = Vec::new();
    for _ in 0..5 {
        out.push(y.to_string());
        y = y.previous();
    }
    out
}

/// GET /returns — the upload and export forms, and the user's uploads.
pub async fn page(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let uploads: Vec<_> = state
        .jobs
        .of(&user.name, "import")
        .into_iter()
        .map(|j| job_value(&j))
        .collect();
    let years = recent_years(&state);
    let r = Ok(page
        .render(
            &state,
            "returns.html",
            context! {
                uploads, years,
                default_year => CollectionYear::of(state.clock.today()).previous().to_string(),
                can_import => user.may_use("POST", "/returns/upload"),
                can_export => user.may_use("GET", "/returns/export"),
            },
        )
        .await);
    respond(&state, Some(&user), r)
}

fn job_value(j: &crate::jobs::Job) -> minijinja::Value {
    context! {
        id => j.id, what => &j.what,
        at => j.started.format("%-d %b %Y %H:%M").to_string(),
        state => &j.state,
        file => j.file.as_ref().map(|f| &f.name),
    }
}

/// What an upload is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Return,
    Names,
    Health,
    CaseRecords,
}

/// POST /returns/upload (multipart: `kind` = `ssda903`, `names`, `health`
/// or `case_records`; `files`; for a return, `year` and `strict`) — starts the
/// import in the background and sends the user to its page.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let boundary = upload::boundary(&headers).ok_or_else(|| {
            AppError::BadRequest("Choose the files to upload with the form.".to_owned())
        })?;
        let bytes = to_bytes(body, MAX_UPLOAD_BYTES).await.map_err(|_| {
            AppError::BadRequest(format!(
                "The files are too large: at most {} MB can be uploaded at once.",
                MAX_UPLOAD_BYTES / 1024 / 1024
            ))
        })?;
        let parts = upload::parts(&boundary, bytes)
            .await
            .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
        let text = |name: &str| {
            upload::field(&parts, name)
                .map(Part::text)
                .unwrap_or_default()
        };
        let kind = match text("kind").as_str() {
            "names" => Kind::Names,
            "health" => Kind::Health,
            "case_records" => Kind::CaseRecords,
            "ssda903" | "" => Kind::Return,
            other => {
                return Err(AppError::BadRequest(format!(
                    "{other:?} is not something Footprint imports."
                )));
            }
        };
        let files: Vec<Part> = parts
            .iter()
            .filter(|p| p.file_name.as_deref().is_some_and(|f| !f.is_empty()))
            .cloned()
            .collect();
        if files.is_empty() {
            return Err(AppError::BadRequest(
                "No file was chosen. Go back and choose the files to upload.".to_owned(),
            ));
        }
        let year = match text("year").trim() {
            "" => None,
            y => Some(y.parse::<CollectionYear>().map_err(|_| {
                AppError::BadRequest(format!(
                    "{y:?} is not a collection year: use the form 2024-25"
                ))
            })?),
        };
        let strict = text("strict") == "yes";
        if kind != Kind::Return && files.len() != 1 {
            return Err(AppError::BadRequest(
                "Upload one file of names, health records or case records at a time.".to_owned(),
            ));
        }
        let what = match kind {
            Kind::Return => format!(
                "903 return: {}",
                files
                    .iter()
                    .filter_map(|f| f.file_name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Kind::Names => format!(
                "children's names: {}",
                files[0].file_name.clone().unwrap_or_default()
            ),
            Kind::Health => format!(
                "health and education records: {}",
                files[0].file_name.clone().unwrap_or_default()
            ),
            Kind::CaseRecords => format!(
                "case records (other meetings, plans, life story, advocacy, views, alerts): {}",
                files[0].file_name.clone().unwrap_or_default()
            ),
        };
        let id = state
            .jobs
            .start(&user.name, "import", what, state.clock.now());
        let task_state = state.clone();
        let actor = user.name.clone();
        tokio::spawn(async move {
            let outcome = match kind {
                Kind::Return => import_return(&task_state, id, &actor, files, year, strict).await,
                Kind::Names | Kind::Health | Kind::CaseRecords => {
                    import_case_file(&task_state, id, &actor, kind, &files[0]).await
                }
            };
            if let Err(message) = outcome {
                tracing::error!(job = id, "an upload failed: {message}");
                task_state.jobs.set(id, JobState::Failed { message });
            }
        });
        Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// A 903 return's files: read and checked on a blocking thread (each XML
/// file or workbook a return, the CSV files one together), refused whole
/// if any return has an error, else stored return by return with progress.
async fn import_return(
    state: &AppState,
    id: u64,
    actor: &str,
    files: Vec<Part>,
    year: Option<CollectionYear>,
    strict: bool,
) -> Result<(), String> {
    state
        .jobs
        .progress(id, "Reading and checking the files", 0, 0);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name.clone().unwrap_or_default())
        .collect();
    let groups = returns::group_returns(&names);
    if year.is_some() && groups.len() > 1 {
        state.jobs.set(
            id,
            JobState::Refused {
                problems: Vec::new(),
                reasons: vec![format!(
                    "A collection year applies to one return, but {} were uploaded: leave the year out and each return's year is taken from its dates.",
                    groups.len()
                )],
            },
        );
        return Ok(());
    }
    // The council's local authority code, for the rules comparing the
    // placement's local authority with the council's (1015, 411).
    let options = returns::check_options(&state.store)
        .await
        .map_err(|e| format!("the council's settings could not be read: {e}"))?;
    let checked = tokio::task::spawn_blocking(move || {
        groups
            .into_iter()
            .map(|g| {
                let inputs: Vec<Input> = g
                    .iter()
                    .map(|&i| Input {
                        name: names[i].clone(),
                        format: Format::of_path(std::path::Path::new(&names[i])),
                        bytes: files[i].bytes.to_vec(),
                    })
                    .collect();
                let source = g
                    .iter()
                    .map(|&i| names[i].as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                returns::read_and_check(source, &inputs, year, strict, &options)
            })
            .collect::<Vec<Checked>>()
    })
    .await
    .map_err(|e| format!("the files could not be read: {e}"))?;
    let mut batches: Vec<ImportBatch> = Vec::new();
    let mut problems: Vec<ImportProblem> = Vec::new();
    let mut reasons = Vec::new();
    let mut refused = false;
    for c in checked {
        match c {
            Checked::Ready(b) => batches.push(*b),
            Checked::Refused(r) => {
                refused = true;
                if r.no_year() {
                    reasons.push(format!(
                        "{}: no dates tell the return's collection year; choose the year and upload it again.",
                        r.source
                    ));
                }
                problems.extend(
                    r.parsed
                        .sorted_problems()
                        .into_iter()
                        .map(|p| ImportProblem {
                            value: None,
                            ..returns::to_import_problem(p)
                        }),
                );
            }
        }
    }
    if refused {
        state.jobs.set(id, JobState::Refused { problems, reasons });
        return Ok(());
    }
    let count = batches.len();
    let jobs = &state.jobs;
    let stored = returns::import_checked(&state.store, actor, batches, &mut |p| {
        jobs.progress(
            id,
            if count == 1 {
                format!("Storing the return: {}", p.stage)
            } else {
                format!("Storing the {count} returns together: {}", p.stage)
            },
            p.done,
            p.total,
        );
    })
    .await
    .map_err(|e| e.to_string())?;
    let summary = stored
        .iter()
        .map(|(source, s)| {
            format!(
                "{source}: the {} return (import run {}): {} children new, {} replaced; {} episodes new, {} replaced; {} reviews new, {} replaced; {} problems recorded",
                s.year, s.run, s.children.inserted, s.children.replaced, s.episodes.inserted,
                s.episodes.replaced, s.reviews.inserted, s.reviews.replaced, s.problems
            )
        })
        .collect();
    state.jobs.set(id, JobState::Done { summary });
    Ok(())
}

/// A names, health records or case records file (the CLI's `footprint
/// import names|health|case-records`, by the same functions): read, checked
/// against the children held,
/// and stored in one transaction, or refused whole.
async fn import_case_file(
    state: &AppState,
    id: u64,
    actor: &str,
    kind: Kind,
    file: &Part,
) -> Result<(), String> {
    state
        .jobs
        .progress(id, "Reading and checking the file", 0, 0);
    let name = file.file_name.clone().unwrap_or_default();
    let Ok(text) = std::str::from_utf8(&file.bytes) else {
        state.jobs.set(
            id,
            JobState::Refused {
                problems: Vec::new(),
                reasons: vec![format!("{name}: the file is not text (UTF-8 CSV)")],
            },
        );
        return Ok(());
    };
    let outcome = match kind {
        Kind::Names => names::import_names(&state.store, actor, &name, text)
            .await
            .map(|o| match o {
                Outcome::Imported(n) => {
                    Outcome::Imported(format!("The names of {n} children recorded."))
                }
                Outcome::Refused(p) => Outcome::Refused(p),
            }),
        Kind::CaseRecords => case_records::import_case_records(&state.store, actor, &name, text)
            .await
            .map(|o| match o {
                Outcome::Imported(a) => Outcome::Imported(format!(
                    "{} case records added, {} changed (kept as new versions), {} already held \
                     (left as they were).",
                    a.added, a.changed, a.already_held
                )),
                Outcome::Refused(p) => Outcome::Refused(p),
            }),
        _ => health::import_health(&state.store, actor, &name, text, state.clock.today())
            .await
            .map(|o| match o {
                Outcome::Imported(a) => Outcome::Imported(format!(
                    "{} health and education records added ({} already held, left as they were).",
                    a.added, a.already_held
                )),
                Outcome::Refused(p) => Outcome::Refused(p),
            }),
    }
    .map_err(|e| e.to_string())?;
    match outcome {
        Outcome::Imported(line) => state.jobs.set(
            id,
            JobState::Done {
                summary: vec![line],
            },
        ),
        Outcome::Refused(p) => state.jobs.set(
            id,
            JobState::Refused {
                problems: row_problems(&name, p),
                reasons: Vec::new(),
            },
        ),
    }
    Ok(())
}

/// GET /jobs/{job} — how far an upload or report has got, and what it came
/// to (refreshing itself every second while it runs).
pub async fn job_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(job): Path<u64>,
) -> Response {
    let result = async {
        let j = state
            .jobs
            .get(job, &user.name)
            .ok_or(AppError::NotFound("upload or report"))?;
        let rules = match &j.state {
            JobState::Refused { problems, .. } => by_rule(problems, None),
            _ => Vec::new(),
        };
        let problem_count = match &j.state {
            JobState::Refused { problems, .. } => problems.len(),
            _ => 0,
        };
        let refused = context! { rules };
        Ok(page
            .render(
                &state,
                "job.html",
                context! {
                    job => job_value(&j), kind => j.kind, refused, problem_count,
                    may_see_data_quality => user.may_use("GET", "/data-quality"),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /jobs/{job}/file — the file a report job made.
pub async fn job_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(job): Path<u64>,
) -> Response {
    let result = async {
        let j = state
            .jobs
            .get(job, &user.name)
            .ok_or(AppError::NotFound("report"))?;
        let file = j.file.ok_or(AppError::NotFound("report"))?;
        audit(&state, &user, "report.download", None, &j.what).await?;
        Ok(download(&file))
    }
    .await;
    respond(&state, Some(&user), result)
}

/// A file as a download (`Content-Disposition: attachment`).
pub(crate) fn download(file: &JobFile) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.name),
            ),
        ],
        file.bytes.as_ref().clone(),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    year: Option<String>,
    form: Option<String>,
}

/// GET /returns/export?year=2024-25&form=csv|xml — a year's 903 return, as
/// `footprint export ssda903` writes it: a zip of the CSV tables, or XML.
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ExportQuery>,
) -> Response {
    let result = async {
        let year = super::reports::year_of(&state, q.year.as_deref())?;
        let form = match q.form.as_deref() {
            Some("xml") => ReturnForm::Xml,
            Some("csv") | None => ReturnForm::CsvZip,
            Some(other) => {
                return Err(AppError::BadRequest(format!(
                    "{other:?} is not a form of the return: choose CSV or XML."
                )));
            }
        };
        let ds = super::council(&state).await?;
        let exported = tokio::task::spawn_blocking(move || export_return(&ds, year, form))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
        audit(
            &state,
            &user,
            "ssda903.export",
            None,
            &format!(
                "{year} return ({})",
                if form == ReturnForm::Xml {
                    "XML"
                } else {
                    "CSV"
                }
            ),
        )
        .await?;
        Ok(download(&JobFile {
            name: exported.file_name,
            content_type: exported.content_type,
            bytes: std::sync::Arc::new(exported.bytes),
        }))
    }
    .await;
    respond(&state, Some(&user), result)
}
