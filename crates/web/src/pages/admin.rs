//! Administration: the audit log and settings (users are in
//! [`super::users`]). Administrators never see a child's record; the audit
//! log shows child identifiers only.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::case_records::CaseRecordTimescales;
use footprint_domain::codes::PlacementType;
use footprint_domain::lists::FormList;
use footprint_domain::model::ChildId;
use footprint_domain::schedule::{
    IntervalCounting, PostMoveRule, SchedulePolicy, ShortBreaksRule, UnregisteredRule, Within,
};
use footprint_store::AuditQuery;
use minijinja::context;
use serde::Deserialize;

use super::challenges::{StageSetting, stages};
use super::{field, fields, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};
use footprint_store::council::REPORT_SETTINGS;

#[derive(Debug, Deserialize)]
pub struct AuditFilter {
    child: Option<String>,
    actor: Option<String>,
    /// What was done: the start of the action (`review.`, `sign_in.failed`).
    action: Option<String>,
    #[serde(default)]
    page: String,
}

/// GET /admin/audit — the log, newest first, a page at a time, optionally
/// for one child, one user or one kind of action.
pub async fn audit_log_page(
    state: &AppState,
    page: &Page,
    filter: AuditFilter,
) -> Result<Response, AppError> {
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let child = text(&filter.child)
        .map(|s| {
            s.parse::<ChildId>()
                .map_err(|_| AppError::BadRequest(format!("{s:?} is not a child identifier")))
        })
        .transpose()?;
    let actor = text(&filter.actor);
    let action = text(&filter.action);
    let mut query = AuditQuery {
        child: child.clone(),
        actor: actor.clone(),
        action_prefix: action.clone(),
        ..AuditQuery::default()
    };
    let total = usize::try_from(state.store.audit_count(&query).await?).unwrap_or(usize::MAX);
    let child_text = child.as_ref().map(ToString::to_string).unwrap_or_default();
    let (offset, pager) = crate::paging::pager(
        total,
        &filter.page,
        crate::paging::PAGE_SIZE,
        "/admin/audit",
        &[
            ("child", child_text.as_str()),
            ("actor", actor.as_deref().unwrap_or("")),
            ("action", action.as_deref().unwrap_or("")),
        ],
    );
    query.limit = Some(u32::try_from(crate::paging::PAGE_SIZE).unwrap_or(u32::MAX));
    query.offset = Some(u32::try_from(offset).unwrap_or(u32::MAX));
    let entries: Vec<_> = state
        .store
        .audit_log(&query)
        .await?
        .into_iter()
        .map(|e| {
            context! {
                id => e.id,
                at => e.at.format("%-d %b %Y %H:%M:%S").to_string(),
                actor => e.actor, action => e.action,
                child => e.child.map(|c| c.to_string()),
                detail => e.detail,
            }
        })
        .collect();
    Ok(page
        .render(
            state,
            "audit.html",
            context! { entries, pager, child => child.map(|c| c.to_string()), actor, action },
        )
        .await)
}

pub async fn audit_log(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let r = audit_log_page(&state, &page, filter).await;
    respond(&state, Some(&user), r)
}

async fn settings_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    errors: FormErrors,
    form: Option<SettingsForm>,
) -> Result<Response, AppError> {
    // A stored setting that does not parse is said so; the form then shows
    // the statute's values, and saving it replaces the setting.
    let mut unreadable = Vec::new();
    let form = match form {
        Some(form) => form,
        None => {
            let stages = stages(state).await.unwrap_or_else(|_| {
                unreadable.push("the challenge stages");
                footprint_store::council::default_challenge_stages()
            });
            let policy = super::policy(state).await.unwrap_or_else(|_| {
                unreadable.push("the review schedule policy");
                SchedulePolicy::statutory()
            });
            let record_template = match state.store.record_template().await {
                Ok(t) => serde_json::to_string_pretty(&t).unwrap_or_default(),
                Err(_) => {
                    raw_setting(state, footprint_store::council::REVIEW_RECORD_TEMPLATE).await?
                }
            };
            let council_name = state
                .store
                .setting(footprint_interchange::reports::COUNCIL_NAME)
                .await?
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let timescales = match super::settings(state).await {
                Ok(s) => s.case_records,
                Err(_) => {
                    unreadable.push("the case records' timescales");
                    CaseRecordTimescales::default()
                }
            };
            SettingsForm {
                local_authority_code: Some(held_local_authority_code(state).await?),
                ..SettingsForm::held(council_name, &policy, &stages, &timescales, record_template)
            }
        }
    };
    let placements: Vec<_> = PlacementType::all()
        .iter()
        .map(|p| context! { code => p.code(), label => p.label() })
        .collect();
    // The lists the forms offer, each edited on a page of its own; the
    // challenge themes (two levels, no `key`: their own pages) first.
    let mut lists = Vec::new();
    let held_themes = state.store.challenge_themes().await;
    if held_themes.is_err() {
        unreadable.push("the challenge themes");
    }
    let held_themes = held_themes.ok().map(|t| t.themes());
    lists.push(context! {
        title => "Challenge themes",
        used_on => "Raising and correcting a challenge, case alerts; each theme has sub-themes of its own",
        offered => held_themes.as_ref().map(|l| l.offered().count()),
        retired => held_themes.as_ref().map(|l| l.0.iter().filter(|e| e.retired).count()),
    });
    for list in FormList::ALL {
        let held = state.store.form_list(list).await;
        if held.is_err() {
            unreadable.push(list.title());
        }
        let held = held.ok();
        lists.push(context! {
            key => list.key(), title => list.title(), used_on => list.used_on(),
            offered => held.as_ref().map(|l| l.offered().count()),
            retired => held.as_ref().map(|l| l.0.iter().filter(|e| e.retired).count()),
        });
    }
    Ok(page
        .render_status(
            state,
            status,
            "settings.html",
            context! { form, placements, lists, unreadable, errors => errors.0 },
        )
        .await)
}

/// The council's local authority code as held (in the measure settings,
/// `report_settings`); blank when none is.
async fn held_local_authority_code(state: &AppState) -> Result<String, AppError> {
    Ok(state
        .store
        .setting(footprint_store::council::REPORT_SETTINGS)
        .await?
        .and_then(|v| v.get(LOCAL_AUTHORITY_CODE)?.as_str().map(str::to_owned))
        .unwrap_or_default())
}

/// The field of the measure settings holding the case records' timescales
/// (`MeasureSettings::case_records`).
const CASE_RECORDS: &str = "case_records";

/// The field of the measure settings holding the council's local authority
/// code (`MeasureSettings::local_authority_code`).
const LOCAL_AUTHORITY_CODE: &str = "local_authority_code";

/// Whether `code` can be the council's local authority code, or what to
/// say on the form's field: an upper-tier code of the ONS lookup, as the
/// measures' setting takes it (`check_local_authority_code`, the one
/// check).
fn local_authority_code_error(code: &str) -> Option<String> {
    let shaped =
        code.len() == 9 && code.starts_with('E') && code[1..].bytes().all(|b| b.is_ascii_digit());
    if !shaped {
        return Some(
            "Enter the council's local authority code as the ONS writes it: E and 8 digits, for example E09000027".to_owned(),
        );
    }
    footprint_domain::measures::check_local_authority_code(code)
        .err()
        .map(|_| {
            format!(
                "{code} is not the code of a council with children's services: enter the code of the county (E10), unitary authority (E06), metropolitan district (E08) or London borough (E09)"
            )
        })
}

/// A setting's stored JSON, as text.
async fn raw_setting(state: &AppState, key: &str) -> Result<String, AppError> {
    Ok(state
        .store
        .setting(key)
        .await?
        .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
        .unwrap_or_default())
}

/// GET /admin/settings
pub async fn settings(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let r = settings_page(&state, &page, StatusCode::OK, FormErrors::default(), None).await;
    respond(&state, Some(&user), r)
}

/// Empty rows the form offers for a new challenge stage.
const SPARE_ROWS: usize = 2;

/// The settings form's fields as typed (or as held): every list is rows of
/// fields, the review policy a field for each of its rules.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SettingsForm {
    pub council_name: String,
    /// The council's local authority code (ONS, upper tier), upper case;
    /// blank for none. `None`: the form did not send it (left as it is).
    pub local_authority_code: Option<String>,
    /// How review 1's deadline is counted: a number of `first_review_unit`
    /// (`working_days` or `calendar_days`).
    pub first_review_number: String,
    pub first_review_unit: String,
    /// `calendar_months` or `fixed_days` (then `second_review_days` and
    /// `later_review_days`).
    pub counting: String,
    pub second_review_days: String,
    pub later_review_days: String,
    pub unregistered_monthly: bool,
    pub unregistered_months: String,
    pub unregistered_placements: Vec<String>,
    pub post_move: bool,
    pub post_move_number: String,
    pub post_move_unit: String,
    pub post_move_restart: bool,
    pub short_breaks_first_months: String,
    pub short_breaks_then_months: String,
    pub adoption: bool,
    /// (name, working days), with spare empty rows.
    pub stages: Vec<(String, String)>,
    /// The case records' timescales, one field each
    /// (`CaseRecordTimescales::FIELDS`, `timescale_KEY`): those the form
    /// sent (one not sent is left as it is; `None`: none sent).
    pub timescales: Option<Vec<TimescaleField>>,
    /// `None`: the form did not send it (left as it is).
    pub record_template: Option<String>,
}

/// A timescale's field as typed (or as held).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TimescaleField {
    /// `timescale_` and the timescale's key.
    pub name: String,
    pub timescale: footprint_domain::case_records::Timescale,
    pub unit: &'static str,
    pub value: String,
}

fn timescale_fields(values: impl Fn(&str) -> String) -> Vec<TimescaleField> {
    CaseRecordTimescales::FIELDS
        .iter()
        .map(|t| TimescaleField {
            name: format!("timescale_{}", t.key),
            timescale: *t,
            unit: t.unit.label(),
            value: values(t.key),
        })
        .collect()
}

fn within_fields(w: Within) -> (String, String) {
    match w {
        Within::WorkingDays(n) => (n.to_string(), "working_days".to_owned()),
        Within::CalendarDays(n) => (n.to_string(), "calendar_days".to_owned()),
    }
}

/// A whole number from a field within `range`, or an error on the field.
fn number_field(
    errors: &mut FormErrors,
    name: &str,
    value: &str,
    range: (u32, u32),
    what: &str,
) -> Option<u32> {
    match value.parse::<u32>() {
        Ok(n) if (range.0..=range.1).contains(&n) => Some(n),
        _ => {
            errors.add(
                name,
                format!(
                    "Enter {what} as a whole number from {} to {}",
                    range.0, range.1
                ),
            );
            None
        }
    }
}

/// A span from a number field and its unit (`working_days` or
/// `calendar_days`), or an error on the number's field.
fn within_field(
    errors: &mut FormErrors,
    name: &str,
    number: &str,
    unit: &str,
    what: &str,
) -> Option<Within> {
    let n = number_field(errors, name, number, (1, 366), what);
    match (n, unit) {
        (Some(n), "working_days") => Some(Within::WorkingDays(n)),
        (Some(n), "calendar_days") => Some(Within::CalendarDays(n)),
        (Some(_), _) => {
            errors.add(name, "Choose working days or calendar days");
            None
        }
        (None, _) => None,
    }
}

impl SettingsForm {
    /// The form showing the settings held.
    pub fn held(
        council_name: String,
        policy: &SchedulePolicy,
        stages: &[StageSetting],
        timescales: &CaseRecordTimescales,
        record_template: String,
    ) -> Self {
        let (first_review_number, first_review_unit) = within_fields(policy.first_review);
        let (counting, second, later) = match policy.counting {
            IntervalCounting::CalendarMonths => ("calendar_months", String::new(), String::new()),
            IntervalCounting::FixedDays { second, later } => {
                ("fixed_days", second.to_string(), later.to_string())
            }
        };
        let (post_move_number, post_move_unit) = policy.post_move_review.map_or_else(
            || (String::new(), "calendar_days".to_owned()),
            |r| within_fields(r.within),
        );
        let mut stages: Vec<(String, String)> = stages
            .iter()
            .map(|s| (s.name.clone(), s.working_days.to_string()))
            .collect();
        stages.extend(std::iter::repeat_n(Default::default(), SPARE_ROWS));
        let timescales = timescale_fields(|key| {
            timescales
                .get(key)
                .map(|n| n.to_string())
                .unwrap_or_default()
        });
        SettingsForm {
            council_name,
            local_authority_code: None,
            first_review_number,
            first_review_unit,
            counting: counting.to_owned(),
            second_review_days: second,
            later_review_days: later,
            unregistered_monthly: policy.unregistered_monthly.is_some(),
            unregistered_months: policy
                .unregistered_monthly
                .unwrap_or_default()
                .interval_months
                .to_string(),
            unregistered_placements: policy
                .unregistered_placements
                .iter()
                .map(|p| p.code().to_owned())
                .collect(),
            post_move: policy.post_move_review.is_some(),
            post_move_number,
            post_move_unit,
            post_move_restart: policy.post_move_review.is_some_and(|r| r.restart),
            short_breaks_first_months: policy.short_breaks.first_within_months.to_string(),
            short_breaks_then_months: policy.short_breaks.then_every_months.to_string(),
            adoption: policy.adoption,
            stages,
            timescales: Some(timescales),
            record_template: Some(record_template),
        }
    }

    /// The form as sent.
    pub fn sent(pairs: &[(String, String)]) -> Self {
        let text = |name: &str| field(pairs, name).unwrap_or("").trim().to_owned();
        let ticked = |name: &str| field(pairs, name) == Some("yes");
        let names = fields(pairs, "stage_name");
        let days = fields(pairs, "stage_days");
        let stages = (0..names.len().max(days.len()))
            .map(|i| {
                let at = |v: &[&str]| v.get(i).map_or_else(String::new, |s| s.trim().to_owned());
                (at(names.as_slice()), at(days.as_slice()))
            })
            .collect();
        SettingsForm {
            council_name: text("council_name"),
            local_authority_code: field(pairs, LOCAL_AUTHORITY_CODE)
                .map(|c| c.trim().to_ascii_uppercase()),
            first_review_number: text("first_review_number"),
            first_review_unit: text("first_review_unit"),
            counting: text("counting"),
            second_review_days: text("second_review_days"),
            later_review_days: text("later_review_days"),
            unregistered_monthly: ticked("unregistered_monthly"),
            unregistered_months: text("unregistered_months"),
            unregistered_placements: fields(pairs, "unregistered_placements")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            post_move: ticked("post_move"),
            post_move_number: text("post_move_number"),
            post_move_unit: text("post_move_unit"),
            post_move_restart: ticked("post_move_restart"),
            short_breaks_first_months: text("short_breaks_first_months"),
            short_breaks_then_months: text("short_breaks_then_months"),
            adoption: ticked("adoption"),
            stages,
            // Only the fields sent: one not sent keeps the value held.
            timescales: {
                let mut sent = timescale_fields(|key| text(&format!("timescale_{key}")));
                sent.retain(|f| field(pairs, &f.name).is_some());
                (!sent.is_empty()).then_some(sent)
            },
            record_template: field(pairs, "record_template").map(str::to_owned),
        }
    }

    /// The review policy the fields say, or an error on each field that is
    /// not right.
    pub fn policy(&self, errors: &mut FormErrors) -> Option<SchedulePolicy> {
        let before = errors.0.len();
        let first_review = within_field(
            errors,
            "first_review_number",
            &self.first_review_number,
            &self.first_review_unit,
            "the days for the first review",
        );
        let counting = match self.counting.as_str() {
            "calendar_months" => Some(IntervalCounting::CalendarMonths),
            "fixed_days" => {
                let second = number_field(
                    errors,
                    "second_review_days",
                    &self.second_review_days,
                    (1, 366),
                    "the days before the second review",
                );
                let later = number_field(
                    errors,
                    "later_review_days",
                    &self.later_review_days,
                    (1, 366),
                    "the days between later reviews",
                );
                match (second, later) {
                    (Some(second), Some(later)) => {
                        Some(IntervalCounting::FixedDays { second, later })
                    }
                    _ => None,
                }
            }
            _ => {
                errors.add(
                    "counting",
                    "Choose how the months between reviews are counted",
                );
                None
            }
        };
        let unregistered_monthly = if self.unregistered_monthly {
            number_field(
                errors,
                "unregistered_months",
                &self.unregistered_months,
                (1, 6),
                "the months between reviews in an unregistered placement",
            )
            .map(|interval_months| Some(UnregisteredRule { interval_months }))
        } else {
            Some(None)
        };
        let mut unregistered_placements = Vec::new();
        for code in &self.unregistered_placements {
            match code.parse::<PlacementType>() {
                Ok(p) if !unregistered_placements.contains(&p) => unregistered_placements.push(p),
                Ok(_) => {}
                Err(_) => errors.add(
                    "unregistered_placements",
                    format!("{code:?} is not a placement type"),
                ),
            }
        }
        let post_move_review = if self.post_move {
            within_field(
                errors,
                "post_move_number",
                &self.post_move_number,
                &self.post_move_unit,
                "the days for a review after a placement move",
            )
            .map(|within| {
                Some(PostMoveRule {
                    within,
                    restart: self.post_move_restart,
                })
            })
        } else {
            Some(None)
        };
        let first_within_months = number_field(
            errors,
            "short_breaks_first_months",
            &self.short_breaks_first_months,
            (1, 12),
            "the months before the first short-breaks review",
        );
        let then_every_months = number_field(
            errors,
            "short_breaks_then_months",
            &self.short_breaks_then_months,
            (1, 12),
            "the months between short-breaks reviews",
        );
        if errors.0.len() > before {
            return None;
        }
        Some(SchedulePolicy {
            first_review: first_review?,
            counting: counting?,
            unregistered_monthly: unregistered_monthly?,
            unregistered_placements,
            post_move_review: post_move_review?,
            short_breaks: ShortBreaksRule {
                first_within_months: first_within_months?,
                then_every_months: then_every_months?,
            },
            adoption: self.adoption,
        })
    }

    /// The challenge stages the rows say (an empty row is skipped), or an
    /// error on each field that is not right.
    pub fn stages(&self, errors: &mut FormErrors) -> Option<Vec<StageSetting>> {
        let before = errors.0.len();
        let mut out: Vec<StageSetting> = Vec::new();
        for (i, (name, days)) in self.stages.iter().enumerate() {
            let row = i + 1;
            if name.is_empty() && days.is_empty() {
                continue;
            }
            if name.is_empty() || name.chars().count() > 50 {
                errors.add(
                    &format!("stage_name-{row}"),
                    format!("Stage {row}: the name must be 1 to 50 characters"),
                );
            } else if out.iter().any(|s| s.name.eq_ignore_ascii_case(name)) {
                errors.add(
                    &format!("stage_name-{row}"),
                    format!("Stage {row}: {name:?} is listed twice"),
                );
            }
            let working_days = days.parse::<u32>().ok().filter(|d| (1..=100).contains(d));
            if working_days.is_none() {
                errors.add(
                    &format!("stage_days-{row}"),
                    format!("Stage {row}: the working days must be a whole number from 1 to 100"),
                );
            }
            out.push(StageSetting {
                name: name.clone(),
                working_days: working_days.unwrap_or(0),
            });
        }
        if out.is_empty() {
            errors.add("stage_name-1", "List at least one challenge stage");
        }
        (errors.0.len() == before).then_some(out)
    }

    /// The case records' timescales the fields say, over those `held`
    /// (the held ones when the form did not send them), or an error on
    /// each field that is not right (`CaseRecordTimescales::problem`, the
    /// one check).
    pub fn timescales(
        &self,
        held: &CaseRecordTimescales,
        errors: &mut FormErrors,
    ) -> Option<CaseRecordTimescales> {
        let before = errors.0.len();
        let mut out = held.clone();
        for f in self.timescales.iter().flatten() {
            let n = f.value.parse::<u32>().ok();
            match n.map(|n| (n, CaseRecordTimescales::problem(&f.timescale, n))) {
                Some((n, None)) => {
                    out.set(f.timescale.key, n);
                }
                _ => errors.add(
                    &f.name,
                    CaseRecordTimescales::problem(&f.timescale, 0).unwrap_or_default(),
                ),
            }
        }
        (errors.0.len() == before).then_some(out)
    }
}

/// POST /admin/settings
pub async fn save_settings(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let mut errors = FormErrors::default();
        let form = SettingsForm::sent(&pairs);
        let council_name = form.council_name.as_str();
        if council_name.chars().count() > 100 {
            errors.add(
                "council_name",
                "The council's name must be 100 characters or fewer",
            );
        } else if council_name.chars().any(char::is_control) {
            errors.add("council_name", "The council's name must be on one line");
        }
        // The council's local authority code: blank clears it; a form
        // without the field leaves it as it is.
        if let Some(code) = form.local_authority_code.as_deref().filter(|c| !c.is_empty())
            && let Some(message) = local_authority_code_error(code)
        {
            errors.add(LOCAL_AUTHORITY_CODE, message);
        }
        let policy = form.policy(&mut errors);
        let stages = form.stages(&mut errors);
        // The case records' timescales, over those the measures use now.
        let timescales_held = super::settings(&state)
            .await
            .map(|s| s.case_records)
            .unwrap_or_default();
        let timescales = form.timescales(&timescales_held, &mut errors);
        // The local authority code and the timescales are fields of the
        // measure settings (`report_settings`): each changed one is put in
        // the object held, the rest of it kept as it is.
        let held_report = state.store.setting(REPORT_SETTINGS).await?;
        let mut report = match &held_report {
            None => Some(serde_json::Map::new()),
            Some(serde_json::Value::Object(held)) => Some(held.clone()),
            Some(_) => None,
        };
        let mut changes: Vec<(&str, Option<serde_json::Value>)> = Vec::new();
        if let Some(code) = form.local_authority_code.as_deref() {
            changes.push((LOCAL_AUTHORITY_CODE, (!code.is_empty()).then(|| code.into())));
        }
        if let Some(new) = timescales.as_ref().filter(|t| **t != timescales_held) {
            let value = serde_json::to_value(new).map_err(|e| AppError::Internal(e.to_string()))?;
            changes.push((CASE_RECORDS, Some(value)));
        }
        for (name, value) in changes {
            let Some(report) = report.as_mut() else {
                let field = if name == CASE_RECORDS {
                    form.timescales
                        .iter()
                        .flatten()
                        .next()
                        .map_or(CASE_RECORDS, |f| f.name.as_str())
                        .to_owned()
                } else {
                    name.to_owned()
                };
                errors.add(
                    &field,
                    "The council's measure settings held could not be read, so this cannot be saved: ask whoever set them to set them again",
                );
                continue;
            };
            match value {
                Some(v) => report.insert(name.to_owned(), v),
                None => report.remove(name),
            };
        }
        let report_settings = report
            .map(serde_json::Value::Object)
            .filter(|new| match &held_report {
                None => new.as_object().is_some_and(|o| !o.is_empty()),
                Some(held) => held != new,
            });
        // The record's template: a form without the field leaves it as it is.
        let record_template = match form.record_template.as_deref().map(str::trim) {
            None => None,
            Some(text) => {
                match serde_json::from_str::<footprint_domain::review_record::RecordTemplate>(text)
                    .map_err(|e| e.to_string())
                    .and_then(|t| t.check().map(|()| t))
                {
                    Ok(t) => Some(t),
                    Err(e) => {
                        errors.add(
                            "record_template",
                            format!("The template for the review's record is not valid: {e}"),
                        );
                        None
                    }
                }
            }
        };
        let (Some(policy), Some(stages), Some(_), true) =
            (policy, stages, timescales, errors.is_empty())
        else {
            let mut form = form.clone();
            if form
                .stages
                .iter()
                .all(|(n, d)| !n.is_empty() || !d.is_empty())
            {
                form.stages.push(Default::default());
            }
            return settings_page(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                Some(form),
            )
            .await;
        };
        let to_value = |v: serde_json::Result<serde_json::Value>| {
            v.map_err(|e| AppError::Internal(e.to_string()))
        };
        let new_values = [
            (
                footprint_interchange::reports::COUNCIL_NAME,
                (!council_name.is_empty()).then(|| serde_json::Value::from(council_name)),
            ),
            (
                footprint_store::council::CHALLENGE_STAGES,
                Some(to_value(serde_json::to_value(&stages))?),
            ),
            (
                footprint_store::council::SCHEDULE_POLICY,
                Some(to_value(serde_json::to_value(&policy))?),
            ),
            (REPORT_SETTINGS, report_settings),
            (
                footprint_store::council::REVIEW_RECORD_TEMPLATE,
                record_template
                    .as_ref()
                    .map(|t| to_value(serde_json::to_value(t)))
                    .transpose()?,
            ),
        ];
        // Each setting that changes is written and audited with its value
        // before and after; one left as it was is neither.
        super::save_settings(&state, &user, Vec::from(new_values)).await?;
        page.flash("Settings saved").await;
        Ok(Redirect::to("/admin/settings").into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::pairs;

    fn statutory() -> Vec<(&'static str, &'static str)> {
        vec![
            ("first_review_number", "20"),
            ("first_review_unit", "working_days"),
            ("counting", "calendar_months"),
            ("short_breaks_first_months", "3"),
            ("short_breaks_then_months", "6"),
            ("adoption", "yes"),
            ("stage_name", "informal"),
            ("stage_days", "5"),
            ("stage_name", ""),
            ("stage_days", ""),
        ]
    }

    #[test]
    fn the_statutes_fields_make_the_statutory_policy_and_the_held_policy_round_trips() {
        let mut errors = FormErrors::default();
        let form = SettingsForm::sent(&pairs(&statutory()));
        assert_eq!(form.policy(&mut errors), Some(SchedulePolicy::statutory()));
        assert_eq!(form.stages(&mut errors).map(|s| s.len()), Some(1));
        // Timescales not sent: the ones held, unchanged.
        let held = CaseRecordTimescales::default();
        assert_eq!(form.timescales(&held, &mut errors), Some(held.clone()));
        assert!(errors.is_empty());
        let local = SchedulePolicy {
            first_review: Within::CalendarDays(28),
            counting: IntervalCounting::FixedDays {
                second: 91,
                later: 183,
            },
            unregistered_monthly: Some(UnregisteredRule { interval_months: 1 }),
            unregistered_placements: vec![PlacementType::H5, PlacementType::Z1],
            post_move_review: Some(PostMoveRule {
                within: Within::CalendarDays(28),
                restart: true,
            }),
            short_breaks: ShortBreaksRule::default(),
            adoption: false,
        };
        let timescales = CaseRecordTimescales {
            disruption_working_days: 15,
            ..CaseRecordTimescales::default()
        };
        let held = SettingsForm::held(String::new(), &local, &[], &timescales, String::new());
        // As a browser sends it: ticked boxes as "yes", rows as repeated fields.
        let mut sent: Vec<(String, String)> = vec![
            ("first_review_number", held.first_review_number.clone()),
            ("first_review_unit", held.first_review_unit.clone()),
            ("counting", held.counting.clone()),
            ("second_review_days", held.second_review_days.clone()),
            ("later_review_days", held.later_review_days.clone()),
            ("unregistered_monthly", "yes".to_owned()),
            ("unregistered_months", held.unregistered_months.clone()),
            ("post_move", "yes".to_owned()),
            ("post_move_number", held.post_move_number.clone()),
            ("post_move_unit", held.post_move_unit.clone()),
            ("post_move_restart", "yes".to_owned()),
            (
                "short_breaks_first_months",
                held.short_breaks_first_months.clone(),
            ),
            (
                "short_breaks_then_months",
                held.short_breaks_then_months.clone(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for p in &held.unregistered_placements {
            sent.push(("unregistered_placements".to_owned(), p.clone()));
        }
        for f in held.timescales.iter().flatten() {
            sent.push((f.name.clone(), f.value.clone()));
        }
        let mut errors = FormErrors::default();
        let form = SettingsForm::sent(&sent);
        assert_eq!(form.policy(&mut errors), Some(local));
        assert_eq!(
            form.timescales(&CaseRecordTimescales::default(), &mut errors),
            Some(timescales)
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn each_wrong_field_is_named() {
        let mut fields = statutory();
        fields.retain(|(k, _)| *k != "first_review_number");
        fields.push(("first_review_number", "0"));
        fields.push(("counting", "fixed_days"));
        fields.retain(|(k, v)| !(*k == "counting" && *v == "calendar_months"));
        fields.push(("second_review_days", "x"));
        fields.push(("later_review_days", "183"));
        fields.push(("unregistered_placements", "QQ"));
        fields.extend([("stage_name", "informal"), ("stage_days", "200")]);
        fields.extend([
            ("timescale_disruption_working_days", "0"),
            ("timescale_conference_next_months", "six"),
            ("timescale_secure_first_months", "2"),
        ]);
        let form = SettingsForm::sent(&pairs(&fields));
        let mut errors = FormErrors::default();
        assert_eq!(form.policy(&mut errors), None);
        assert_eq!(form.stages(&mut errors), None);
        assert_eq!(
            form.timescales(&CaseRecordTimescales::default(), &mut errors),
            None
        );
        let named: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "first_review_number",
            "second_review_days",
            "unregistered_placements",
            "stage_name-3",
            "stage_days-3",
            "timescale_disruption_working_days",
            "timescale_conference_next_months",
        ] {
            assert!(named.contains(&f), "{f} in {named:?}");
        }
        assert!(!named.contains(&"later_review_days"), "{named:?}");
        assert!(
            !named.contains(&"timescale_secure_first_months"),
            "{named:?}"
        );
        let said = errors
            .0
            .iter()
            .find(|e| e.field == "timescale_disruption_working_days")
            .map(|e| e.message.clone());
        assert_eq!(
            said.as_deref(),
            Some(
                "Enter the working days for a disruption meeting after an unplanned ending as a whole number from 1 to 100"
            )
        );
    }
}
