//! A midway check's, a visit's and an allocation's own page and their
//! correction: the form
//! shows what is held, the change is kept as a new version (the store's
//! `record_versions`, as for a review) with who, when and why, and the
//! manager sees the earlier versions on the record's page. What is checked
//! and what a page shows come from `footprint_domain::entries`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::entries::{self, ShownField};
use footprint_domain::model::{
    Allocation, ChildId, Dataset, IroId, IroVisit, MidwayCheck, VisitKind,
};
use minijinja::{Value, context};

use super::{
    Fields, audit, caseload_scope, child_id, child_records, ensure_child, field, form_date,
    needs_cover, respond,
};
use crate::AppState;
use crate::access::CurrentUser;
use crate::roles::Role;
use crate::view::{AppError, FormErrors, Page};

/// The records corrected here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    MidwayCheck,
    Visit,
    Allocation,
}

impl Kind {
    /// The `record_versions.record` key and the audit actions' prefix.
    fn record(self) -> &'static str {
        match self {
            Kind::MidwayCheck => "midway_check",
            Kind::Visit => "visit",
            Kind::Allocation => "allocation",
        }
    }
    /// The path segment under the child.
    fn path(self) -> &'static str {
        match self {
            Kind::MidwayCheck => "midway-checks",
            Kind::Visit => "visits",
            Kind::Allocation => "allocations",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Kind::MidwayCheck => "midway check",
            Kind::Visit => "visit",
            Kind::Allocation => "allocation",
        }
    }
    /// The audit detail's word for the record ("check 3", "visit 3").
    fn detail(self) -> &'static str {
        match self {
            Kind::MidwayCheck => "check",
            Kind::Visit => "visit",
            Kind::Allocation => "allocation",
        }
    }
}

/// A midway check, a visit or an allocation, as held.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    MidwayCheck(MidwayCheck),
    Visit(IroVisit),
    Allocation(Allocation),
}

impl Entry {
    fn date(&self) -> chrono::NaiveDate {
        match self {
            Entry::MidwayCheck(m) => m.date,
            Entry::Visit(v) => v.date,
            Entry::Allocation(a) => a.from,
        }
    }
    fn iro(&self) -> Option<&IroId> {
        match self {
            Entry::MidwayCheck(m) => m.iro.as_ref(),
            Entry::Visit(v) => v.iro.as_ref(),
            Entry::Allocation(a) => Some(&a.iro),
        }
    }
    fn shown(&self, ds: &Dataset) -> Vec<ShownField> {
        match self {
            Entry::MidwayCheck(m) => entries::midway_check_shown(ds, m),
            Entry::Visit(v) => entries::visit_shown(ds, v),
            Entry::Allocation(a) => entries::allocation_shown(ds, a),
        }
    }
    /// The form's fields filled with what is held.
    fn form(&self) -> std::collections::BTreeMap<String, String> {
        let mut form = std::collections::BTreeMap::new();
        form.insert("date".to_owned(), self.date().to_string());
        form.insert(
            "iro".to_owned(),
            self.iro().map(|i| i.0.clone()).unwrap_or_default(),
        );
        match self {
            Entry::Visit(v) => {
                form.insert("kind".to_owned(), v.kind.key().to_owned());
            }
            Entry::Allocation(a) => {
                form.insert("from".to_owned(), a.from.to_string());
                if let Some(to) = a.to {
                    form.insert("to".to_owned(), to.to_string());
                }
            }
            Entry::MidwayCheck(_) => {}
        }
        form
    }
}

/// The child's record named by the path's id, with the child's records.
async fn held(
    state: &AppState,
    kind: Kind,
    raw: &str,
    raw_id: &str,
) -> Result<(ChildId, Dataset, i64, Entry), AppError> {
    let id = child_id(raw)?;
    let ds = child_records(state, &id).await?;
    ensure_child(&ds, &id)?;
    let not_found = AppError::NotFound(kind.noun());
    let Ok(record_id) = raw_id.parse::<i64>() else {
        return Err(not_found);
    };
    let entry = match kind {
        Kind::MidwayCheck => state
            .store
            .midway_checks_held(&id)
            .await?
            .into_iter()
            .find(|h| h.id == record_id)
            .map(|h| Entry::MidwayCheck(h.record)),
        Kind::Visit => state
            .store
            .visits_held(&id)
            .await?
            .into_iter()
            .find(|h| h.id == record_id)
            .map(|h| Entry::Visit(h.record)),
        Kind::Allocation => state
            .store
            .allocations_held(&id)
            .await?
            .into_iter()
            .find(|h| h.id == record_id)
            .map(|h| Entry::Allocation(h.record)),
    };
    let entry = entry.ok_or(not_found)?;
    Ok((id, ds, record_id, entry))
}

/// The record's name on its pages: "Visit of 3 Mar 2025", "Allocation
/// from 2 Sep 2024".
fn heading(kind: Kind, entry: &Entry) -> String {
    let mut noun = kind.noun().to_owned();
    noun[..1].make_ascii_uppercase();
    let on = entry.date().format("%-d %b %Y");
    match kind {
        Kind::Allocation => format!("{noun} from {on}"),
        _ => format!("{noun} of {on}"),
    }
}

fn shown_value(ds: &Dataset, entry: &Entry) -> Value {
    Value::from_serialize(entry.shown(ds))
}

/// The page of one midway check or visit: everything held, and (for the
/// manager) the versions corrections replaced. The view is audited.
async fn show(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    kind: Kind,
    raw: &str,
    raw_id: &str,
) -> Result<Response, AppError> {
    let (id, ds, record_id, entry) = held(state, kind, raw, raw_id).await?;
    audit(
        state,
        user,
        &format!("{}.view", kind.record()),
        Some(&id),
        &format!("{} {record_id}", kind.detail()),
    )
    .await?;
    let managers = user.role == Role::Manager;
    let versions: Vec<Value> = if managers {
        state
            .store
            .record_versions(&id, kind.record(), &record_id.to_string())
            .await?
            .into_iter()
            .rev()
            .map(|v| {
                let earlier = match kind {
                    Kind::MidwayCheck => serde_json::from_value::<MidwayCheck>(v.earlier)
                        .ok()
                        .map(Entry::MidwayCheck),
                    Kind::Visit => serde_json::from_value::<IroVisit>(v.earlier)
                        .ok()
                        .map(Entry::Visit),
                    Kind::Allocation => serde_json::from_value::<Allocation>(v.earlier)
                        .ok()
                        .map(Entry::Allocation),
                };
                context! {
                    replaced_at => v.replaced_at.format("%-d %b %Y %H:%M").to_string(),
                    replaced_by => v.replaced_by,
                    reason => v.reason,
                    changed => v.changed.join(", "),
                    earlier => earlier.map(|e| shown_value(&ds, &e)),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let path = format!("/children/{{child}}/{}/{{record}}", kind.path());
    Ok(page
        .render(
            state,
            "held_record.html",
            context! {
                child => id.to_string(),
                names => crate::names::names_of(&ds),
                noun => kind.noun(),
                path => kind.path(),
                record_id,
                heading => heading(kind, &entry),
                fields => shown_value(&ds, &entry),
                versions,
                can_see_versions => managers,
                can_correct => user.may_use("POST", &path),
            },
        )
        .await)
}

/// Renders the correction form with `form`'s values and `errors`.
#[allow(clippy::too_many_arguments)]
async fn render_form(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    kind: Kind,
    id: &ChildId,
    ds: &Dataset,
    record_id: i64,
    entry: &Entry,
    form: Value,
    errors: Vec<crate::view::FieldError>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let iros: Vec<Value> = entries::iros_for(ds, entry.date(), entry.iro())
        .into_iter()
        .map(|(value, text)| context! { value, text })
        .collect();
    let kinds: Vec<Value> = VisitKind::ALL
        .iter()
        .map(|k| context! { value => k.key(), text => k.label() })
        .collect();
    page.render_status(
        state,
        status,
        "held_form.html",
        context! {
            child => id.to_string(),
            names => crate::names::names_of(ds),
            noun => kind.noun(),
            path => kind.path(),
            is_visit => kind == Kind::Visit,
            is_allocation => kind == Kind::Allocation,
            record_id,
            heading => heading(kind, entry),
            fields => shown_value(ds, entry),
            form, errors, iros, kinds,
            covering_needed => needs_cover(ds, id, user, state.clock.today()),
        },
    )
    .await
}

async fn edit(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    kind: Kind,
    raw: &str,
    raw_id: &str,
) -> Result<Response, AppError> {
    let (id, ds, record_id, entry) = held(state, kind, raw, raw_id).await?;
    audit(
        state,
        user,
        &format!("{}.view", kind.record()),
        Some(&id),
        &format!("{} {record_id};correction form", kind.detail()),
    )
    .await?;
    let form = Value::from_serialize(entry.form());
    Ok(render_form(
        state,
        page,
        user,
        kind,
        &id,
        &ds,
        record_id,
        &entry,
        form,
        Vec::new(),
    )
    .await)
}

/// Reads the correction form into the corrected record, every problem by
/// field (the checks are the domain's, the same as when one is recorded).
fn parse(
    pairs: &[(String, String)],
    noun: &str,
    held: &Entry,
    ds: &Dataset,
    today: chrono::NaiveDate,
) -> Result<Entry, FormErrors> {
    let mut errors = FormErrors::default();
    let date_of = |name: &'static str, required: bool, errors: &mut FormErrors| match form_date(
        field(pairs, name),
    ) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            if required {
                errors.add(name, "Enter the date");
            }
            None
        }
        Err(msg) => {
            errors.add(name, msg);
            None
        }
    };
    let iro = match field(pairs, "iro").unwrap_or("").trim() {
        "" => None,
        i => Some(IroId(i.to_owned())),
    };
    if let Some(p) = entries::correction_reason_problem(field(pairs, "correction_reason"), noun) {
        errors.add(&p.field, p.message);
    }
    let (corrected, problems) = match held {
        Entry::MidwayCheck(m) => {
            let date = date_of("date", true, &mut errors);
            let Some(date) = date.filter(|_| errors.is_empty()) else {
                return Err(errors);
            };
            let c = MidwayCheck {
                child: m.child.clone(),
                date,
                iro,
            };
            let problems = entries::midway_check_problems(ds, &c, today, Some(m));
            (Entry::MidwayCheck(c), problems)
        }
        Entry::Visit(v) => {
            let date = date_of("date", true, &mut errors);
            let kind = VisitKind::from_key(field(pairs, "kind").unwrap_or(""));
            if kind.is_none() {
                errors.add("kind", "Select how you saw or spoke to the child");
            }
            let (Some(date), Some(kind), true) = (date, kind, errors.is_empty()) else {
                return Err(errors);
            };
            let c = IroVisit {
                child: v.child.clone(),
                date,
                kind,
                iro,
            };
            let problems = entries::visit_problems(ds, &c, today, Some(v));
            (Entry::Visit(c), problems)
        }
        Entry::Allocation(a) => {
            let from = date_of("from", true, &mut errors);
            let to = date_of("to", false, &mut errors);
            if iro.is_none() {
                errors.add("iro", "Select the IRO");
            }
            let (Some(from), Some(iro), true) = (from, iro, errors.is_empty()) else {
                return Err(errors);
            };
            let c = Allocation {
                child: a.child.clone(),
                iro,
                from,
                to,
            };
            let problems = entries::allocation_problems(ds, &c, today, a);
            (Entry::Allocation(c), problems)
        }
    };
    for p in problems {
        errors.add(&p.field, p.message);
    }
    if errors.is_empty() {
        Ok(corrected)
    } else {
        Err(errors)
    }
}

#[allow(clippy::too_many_arguments)]
async fn correct(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    kind: Kind,
    raw: &str,
    raw_id: &str,
    pairs: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let (id, ds, record_id, entry) = held(state, kind, raw, raw_id).await?;
    let today = state.clock.today();
    let cover = caseload_scope(state, &ds, &id, user, today, &pairs).await?;
    match parse(&pairs, kind.noun(), &entry, &ds, today) {
        Ok(corrected) => {
            let correction = footprint_store::Correction {
                by: user.name.clone(),
                reason: field(&pairs, "correction_reason")
                    .unwrap_or("")
                    .trim()
                    .to_owned(),
            };
            let changed = match &corrected {
                Entry::MidwayCheck(m) => {
                    state
                        .store
                        .correct_midway_check(record_id, m, &correction)
                        .await?
                }
                Entry::Visit(v) => state.store.correct_visit(record_id, v, &correction).await?,
                Entry::Allocation(a) => {
                    state
                        .store
                        .correct_allocation(record_id, a, &correction)
                        .await?
                }
            };
            if changed.is_empty() {
                page.flash(&format!(
                    "Nothing was changed: the {} already held these details",
                    kind.noun()
                ))
                .await;
            } else {
                audit(
                    state,
                    user,
                    &format!("{}.correct", kind.record()),
                    Some(&id),
                    &format!(
                        "{} {record_id};changed={}{cover}",
                        kind.detail(),
                        changed.join(",")
                    ),
                )
                .await?;
                let mut noun = kind.noun().to_owned();
                noun[..1].make_ascii_uppercase();
                page.flash(&format!("{noun} corrected")).await;
            }
            Ok(
                Redirect::to(&format!("/children/{id}/{}/{record_id}", kind.path()))
                    .into_response(),
            )
        }
        Err(errors) => {
            let form: std::collections::BTreeMap<&str, &str> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            Ok(render_form(
                state,
                page,
                user,
                kind,
                &id,
                &ds,
                record_id,
                &entry,
                Value::from_serialize(form),
                errors.0,
            )
            .await)
        }
    }
}

type RecordPath = Path<(String, String)>;

/// GET /children/{child}/midway-checks/{record}
pub async fn midway_check_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_id)): RecordPath,
) -> Response {
    let r = show(&state, &page, &user, Kind::MidwayCheck, &raw, &raw_id).await;
    respond(&state, Some(&user), r)
}

/// GET /children/{child}/midway-checks/{record}/edit
pub async fn midway_check_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_id)): RecordPath,
) -> Response {
    let r = edit(&state, &page, &user, Kind::MidwayCheck, &raw, &raw_id).await;
    respond(&state, Some(&user), r)
}

/// POST /children/{child}/midway-checks/{record}
pub async fn correct_midway_check(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_id)): RecordPath,
    Fields(pairs): Fields,
) -> Response {
    let r = correct(
        &state,
        &page,
        &user,
        Kind::MidwayCheck,
        &raw,
        &raw_id,
        pairs,
    )
    .await;
    respond(&state, Some(&user), r)
}

/// GET /children/{child}/visits/{record}
pub async fn visit_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_id)): RecordPath,
) -> Response {
    let r = show(&state, &page, &user, Kind::Visit, &raw, &raw_id).await;
    respond(&state, Some(&user), r)
}

/// GET /children/{child}/visits/{record}/edit
pub async fn visit_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_id)): RecordPath,
) -> Response {
    let r = edit(&state, &page, &user, Kind::Visit, &raw, &raw_id).await;
    respond(&state, Some(&user), r)
}

/// POST /children/{child}/visits/{record}
pub async fn correct_visit(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_id)): RecordPath,
    Fields(pairs): Fields,
) -> Response {
    let r = correct(&state, &page, &user, Kind::Visit, &raw, &raw_id, pairs).await;
    respond(&state, Some(&user), r)
}

/// GET /children/{child}/allocations/{record}
pub async fn allocation_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_id)): RecordPath,
) -> Response {
    let r = show(&state, &page, &user, Kind::Allocation, &raw, &raw_id).await;
    respond(&state, Some(&user), r)
}

/// GET /children/{child}/allocations/{record}/edit
pub async fn allocation_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_id)): RecordPath,
) -> Response {
    let r = edit(&state, &page, &user, Kind::Allocation, &raw, &raw_id).await;
    respond(&state, Some(&user), r)
}

/// POST /children/{child}/allocations/{record}
pub async fn correct_allocation(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_id)): RecordPath,
    Fields(pairs): Fields,
) -> Response {
    let r = correct(&state, &page, &user, Kind::Allocation, &raw, &raw_id, pairs).await;
    respond(&state, Some(&user), r)
}
