//! Administration: the audit log and settings (users are in
//! [`super::users`]). Administrators never see a child's record; the audit
//! log shows child identifiers only.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::model::ChildId;
use footprint_domain::schedule::SchedulePolicy;
use footprint_store::AuditQuery;
use minijinja::{Value, context};
use serde::Deserialize;

use super::challenges::{StageSetting, stages, themes};
use super::{audit, field, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

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
    form: Option<Value>,
) -> Result<Response, AppError> {
    // A stored setting that does not parse is shown as it is, so that the
    // administrator can put it right here.
    let stages = match stages(state).await {
        Ok(stages) => stages
            .iter()
            .map(|s| format!("{}, {}", s.name, s.working_days))
            .collect::<Vec<_>>()
            .join("\n"),
        Err(_) => raw_setting(state, footprint_store::council::CHALLENGE_STAGES).await?,
    };
    let themes = themes(state).await;
    let policy = match super::policy(state).await {
        Ok(policy) => serde_json::to_string_pretty(&policy).unwrap_or_default(),
        Err(_) => raw_setting(state, footprint_store::council::SCHEDULE_POLICY).await?,
    };
    let record_template = match state.store.record_template().await {
        Ok(t) => serde_json::to_string_pretty(&t).unwrap_or_default(),
        Err(_) => raw_setting(state, footprint_store::council::REVIEW_RECORD_TEMPLATE).await?,
    };
    let council_name = state
        .store
        .setting(footprint_interchange::reports::COUNCIL_NAME)
        .await?
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let form = form.unwrap_or_else(|| {
        context! {
            council_name,
            stages,
            themes => themes.join("\n"),
            policy,
            record_template,
        }
    });
    Ok(page
        .render_status(
            state,
            status,
            "settings.html",
            context! { form, errors => errors.0 },
        )
        .await)
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

/// Parses "name, days" lines.
pub fn parse_stages(text: &str) -> Result<Vec<StageSetting>, String> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let (name, days) = line
            .rsplit_once(',')
            .ok_or_else(|| format!("Line {}: write the stage name, a comma and the working days, for example \"stage 1, 5\"", i + 1))?;
        let name = name.trim();
        let days: u32 = days
            .trim()
            .parse()
            .ok()
            .filter(|d| (1..=100).contains(d))
            .ok_or_else(|| {
                format!(
                    "Line {}: the working days must be a whole number from 1 to 100",
                    i + 1
                )
            })?;
        if name.is_empty() || name.len() > 50 {
            return Err(format!(
                "Line {}: the stage name must be 1 to 50 characters",
                i + 1
            ));
        }
        if out.iter().any(|s: &StageSetting| s.name == name) {
            return Err(format!(
                "Line {}: the stage {name:?} is listed twice",
                i + 1
            ));
        }
        out.push(StageSetting {
            name: name.to_owned(),
            working_days: days,
        });
    }
    if out.is_empty() {
        return Err("List at least one stage".to_owned());
    }
    Ok(out)
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
        let stages_text = field(&pairs, "stages").unwrap_or("");
        let themes_text = field(&pairs, "themes").unwrap_or("");
        let policy_text = field(&pairs, "policy").unwrap_or("");
        let council_text = field(&pairs, "council_name").unwrap_or("");
        let council_name = council_text.trim();
        if council_name.chars().count() > 100 {
            errors.add(
                "council_name",
                "The council's name must be 100 characters or fewer",
            );
        } else if council_name.chars().any(char::is_control) {
            errors.add("council_name", "The council's name must be on one line");
        }
        let stages = parse_stages(stages_text)
            .map_err(|e| errors.add("stages", e))
            .ok();
        let themes: Vec<String> = themes_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if themes.is_empty() {
            errors.add("themes", "List at least one theme");
        }
        // The record's template: a form without the field leaves it as it is.
        let template_text = field(&pairs, "record_template");
        let record_template = match template_text.map(str::trim) {
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
        let policy = serde_json::from_str::<SchedulePolicy>(policy_text)
            .map_err(|e| {
                errors.add(
                    "policy",
                    format!("The review schedule policy is not valid: {e}"),
                )
            })
            .ok();
        let (Some(stages), Some(policy), true) = (stages, policy, errors.is_empty()) else {
            let form = context! {
                council_name => council_text, stages => stages_text,
                themes => themes_text, policy => policy_text,
                record_template => template_text.unwrap_or(""),
            };
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
                "challenge_themes",
                Some(to_value(serde_json::to_value(&themes))?),
            ),
            (
                footprint_store::council::SCHEDULE_POLICY,
                Some(to_value(serde_json::to_value(&policy))?),
            ),
            (
                footprint_store::council::REVIEW_RECORD_TEMPLATE,
                record_template
                    .as_ref()
                    .map(|t| to_value(serde_json::to_value(t)))
                    .transpose()?,
            ),
        ];
        // Each setting that changes is written and audited with its value
        // before and after (settings hold no personal data); one left as
        // it was is neither.
        let mut changed = Vec::new();
        for (key, value) in new_values {
            let before = state.store.setting(key).await?;
            let Some(value) = value else { continue };
            if before.as_ref() == Some(&value) {
                continue;
            }
            state.store.set_setting(key, &value).await?;
            let shown = |v: Option<&serde_json::Value>| {
                v.map_or_else(|| "(not set)".to_owned(), |v| v.to_string())
            };
            audit(
                &state,
                &user,
                "settings.change",
                None,
                &format!(
                    "setting={key};before={};after={}",
                    shown(before.as_ref()),
                    shown(Some(&value))
                ),
            )
            .await?;
            changed.push(key);
        }
        audit(
            &state,
            &user,
            "settings.save",
            None,
            &if changed.is_empty() {
                "nothing changed".to_owned()
            } else {
                changed.join(";")
            },
        )
        .await?;
        page.flash("Settings saved").await;
        Ok(Redirect::to("/admin/settings").into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

#[cfg(test)]
mod tests {
    use super::parse_stages;

    #[test]
    fn stages_parse_with_clear_errors() {
        let s = parse_stages("informal, 5\nstage 1, 10\n\n").expect("valid");
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].name, "stage 1");
        assert_eq!(s[1].working_days, 10);
        assert!(parse_stages("informal").unwrap_err().contains("Line 1"));
        assert!(parse_stages("a, 5\nb, x").unwrap_err().contains("Line 2"));
        assert!(parse_stages("a, 5\na, 6").unwrap_err().contains("twice"));
        assert!(parse_stages("").is_err());
    }
}
