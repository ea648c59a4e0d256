//! Administering users (administrators only): adding, disabling and enabling,
//! changing a role and issuing a one-time password reset. Every change is
//! audited: who made it, to whom, and what changed (never a password or a
//! reset code). See docs/web.md, "Users".

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use footprint_domain::model::IroId;
use footprint_store::User;
use minijinja::{Value, context};

use super::{audit, field, respond};
use crate::access::CurrentUser;
use crate::roles::Role;
use crate::view::{AppError, FormErrors, Page};
use crate::{AppState, auth, password};

fn role_label(u: &User) -> &'static str {
    Role::from_store(u.role).map_or("Unknown", |r| r.label())
}

fn user_row(u: &User) -> Value {
    context! {
        id => u.id,
        name => &u.name,
        role => role_label(u),
        role_key => Role::from_store(u.role).map(|r| r.key()),
        iro => u.iro.as_ref().map(|i| i.0.clone()),
        created => u.created_at.format("%-d %b %Y").to_string(),
        disabled => u.disabled_at.map(|t| t.format("%-d %b %Y").to_string()),
    }
}

async fn iro_options(state: &AppState) -> Result<Vec<Value>, AppError> {
    Ok(state
        .store
        .iros()
        .await?
        .into_iter()
        .map(|i| context! { value => i.id.0, text => i.name })
        .collect())
}

fn role_options() -> Vec<Value> {
    Role::ALL
        .iter()
        .map(|r| context! { value => r.key(), text => r.label() })
        .collect()
}

/// The users list's filters and page (`/admin/users?role=iro&status=disabled&q=ann&page=2`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    /// A role's key; all when blank.
    #[serde(default)]
    role: String,
    /// `active` or `disabled`; all when blank.
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
}

async fn users_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    errors: FormErrors,
    form: Value,
    query: &UsersQuery,
) -> Result<Response, AppError> {
    let q = query.q.trim().to_lowercase();
    let role = query.role.trim().parse::<Role>().ok();
    let role_key = role.map(|r| r.key()).unwrap_or("");
    let state_filter = match query.status.as_str() {
        "active" | "disabled" => query.status.as_str(),
        _ => "",
    };
    let matching: Vec<_> = state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| q.is_empty() || u.name.to_lowercase().contains(&q))
        .filter(|u| role.is_none_or(|r| Role::from_store(u.role) == Some(r)))
        .filter(|u| match state_filter {
            "active" => u.disabled_at.is_none(),
            "disabled" => u.disabled_at.is_some(),
            _ => true,
        })
        .collect();
    let (shown, pager) = crate::paging::page(
        matching,
        &query.page,
        "/admin/users",
        &[
            ("q", query.q.trim()),
            ("role", role_key),
            ("status", state_filter),
        ],
    );
    let users: Vec<_> = shown.iter().map(user_row).collect();
    let filter = context! { q => query.q.trim(), role => role_key, status => state_filter };
    Ok(page
        .render_status(
            state,
            status,
            "users.html",
            context! {
                users, pager, filter, iros => iro_options(state).await?, roles => role_options(),
                errors => errors.0, form, min_password => password::MIN_LENGTH,
            },
        )
        .await)
}

/// GET /admin/users — every user, filtered by name, role and status, and
/// paged.
pub async fn users(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    axum::extract::Query(query): axum::extract::Query<UsersQuery>,
) -> Response {
    let r = users_page(
        &state,
        &page,
        StatusCode::OK,
        FormErrors::default(),
        context! {},
        &query,
    )
    .await;
    respond(&state, Some(&user), r)
}

/// The IRO a form names for a role: required for IRO users, none otherwise.
fn role_and_iro(
    pairs: &[(String, String)],
    errors: &mut FormErrors,
) -> (Option<Role>, Option<IroId>) {
    let role = field(pairs, "role").unwrap_or("").parse::<Role>().ok();
    let iro = field(pairs, "iro")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| IroId(s.to_owned()));
    if role.is_none() {
        errors.add("role", "Select a role");
    }
    match (role, &iro) {
        (Some(Role::Iro), None) => errors.add("iro", "Select the IRO this user is"),
        (Some(r), Some(_)) if r != Role::Iro => {
            errors.add("iro", "Select ‘None’: only IRO users are an IRO")
        }
        _ => {}
    }
    (role, iro)
}

/// POST /admin/users — adds a user.
pub async fn add_user(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let mut errors = FormErrors::default();
        let name = field(&pairs, "name").unwrap_or("").trim().to_owned();
        let password = field(&pairs, "password").unwrap_or("");
        if name.is_empty() {
            errors.add("name", "Enter a username");
        } else if auth::check_username(&name).is_err() {
            errors.add(
                "name",
                "Enter a username of 100 characters or fewer, with no control characters",
            );
        }
        let (role, iro) = role_and_iro(&pairs, &mut errors);
        if let Err(problem) = password::check(password, &name) {
            errors.add("password", problem.to_string());
        }
        if let (true, Some(role)) = (errors.is_empty(), role) {
            match auth::add_user(&state.store, &name, role, iro.clone(), password).await {
                Ok(()) => {
                    audit(
                        &state,
                        &user,
                        "user.add",
                        None,
                        &format!("user={name};role={}", role.key()),
                    )
                    .await?;
                    page.flash(&format!("User {name} added")).await;
                    return Ok(Redirect::to("/admin/users").into_response());
                }
                Err(e) => errors.add("name", format!("The user could not be added: {e}")),
            }
        }
        let form = context! { name, role => field(&pairs, "role"), iro => iro.map(|i| i.0) };
        users_page(
            &state,
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            form,
            &UsersQuery::default(),
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The user with id `id`, or a "not found" page.
async fn user_by_id(state: &AppState, id: i64) -> Result<User, AppError> {
    state
        .store
        .users()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or(AppError::NotFound("user"))
}

async fn user_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    target: &User,
    me: &CurrentUser,
    errors: FormErrors,
    extra: Value,
) -> Result<Response, AppError> {
    Ok(page
        .render_status(
            state,
            status,
            "user.html",
            context! {
                target => user_row(target),
                is_me => target.id == me.id,
                iros => iro_options(state).await?,
                roles => role_options(),
                errors => errors.0,
                reset_hours => auth::RESET_VALID_HOURS,
                ..extra
            },
        )
        .await)
}

/// GET /admin/users/{user}
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let r = async {
        let target = user_by_id(&state, id).await?;
        user_page(
            &state,
            &page,
            StatusCode::OK,
            &target,
            &me,
            FormErrors::default(),
            context! {},
        )
        .await
    }
    .await;
    respond(&state, Some(&me), r)
}

/// An administrator's own account is changed by another administrator, so
/// that nobody disables or demotes the last one by mistake.
fn not_myself(target: &User, me: &CurrentUser) -> Result<(), AppError> {
    if target.id == me.id {
        Err(AppError::Forbidden(
            "You cannot disable your own account or change your own role. Ask another administrator.",
        ))
    } else {
        Ok(())
    }
}

/// POST /admin/users/{user}/role
pub async fn change_role(
    State(state): State<AppState>,
    page: Page,
    me: CurrentUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let target = user_by_id(&state, id).await?;
        not_myself(&target, &me)?;
        let mut errors = FormErrors::default();
        let (role, iro) = role_and_iro(&pairs, &mut errors);
        let store_role = role.and_then(Role::to_store);
        let (true, Some(role), Some(store_role)) = (errors.is_empty(), role, store_role) else {
            return user_page(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                &target,
                &me,
                errors,
                context! {},
            )
            .await;
        };
        let changed = state
            .store
            .set_user_role(&target.name, store_role, iro.as_ref())
            .await?;
        let show = |u: &User| {
            format!(
                "{}{}",
                Role::from_store(u.role).map_or("unknown", |r| r.key()),
                u.iro
                    .as_ref()
                    .map(|i| format!(" ({i})"))
                    .unwrap_or_default()
            )
        };
        audit(
            &state,
            &me,
            "user.role",
            None,
            &format!(
                "user={};from={};to={}",
                target.name,
                show(&target),
                show(&changed)
            ),
        )
        .await?;
        page.flash(&format!("{} is now {}", target.name, role.label()))
            .await;
        Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
    }
    .await;
    respond(&state, Some(&me), r)
}

async fn set_disabled(
    state: AppState,
    page: Page,
    me: CurrentUser,
    id: i64,
    disabled: bool,
) -> Response {
    let r = async {
        let target = user_by_id(&state, id).await?;
        not_myself(&target, &me)?;
        state
            .store
            .set_user_disabled(&target.name, disabled)
            .await?;
        let (action, done) = if disabled {
            ("user.disable", "disabled: their sessions have ended")
        } else {
            ("user.enable", "enabled")
        };
        audit(&state, &me, action, None, &format!("user={}", target.name)).await?;
        page.flash(&format!("{} {done}", target.name)).await;
        Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
    }
    .await;
    respond(&state, Some(&me), r)
}

/// POST /admin/users/{user}/disable — the user's sessions end at once.
pub async fn disable(
    State(state): State<AppState>,
    page: Page,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    set_disabled(state, page, me, id, true).await
}

/// POST /admin/users/{user}/enable
pub async fn enable(
    State(state): State<AppState>,
    page: Page,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    set_disabled(state, page, me, id, false).await
}

/// POST /admin/users/{user}/password-reset — issues a one-time code and
/// shows it once (it is stored only as a hash, so it cannot be shown again).
pub async fn issue_reset(
    State(state): State<AppState>,
    page: Page,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let r = async {
        let target = user_by_id(&state, id).await?;
        let code = auth::new_reset_code();
        let expires = state.clock.now() + Duration::hours(auth::RESET_VALID_HOURS);
        state
            .store
            .issue_password_reset(
                &target.name,
                &auth::reset_code_hash(&code),
                &me.name,
                expires.timestamp(),
            )
            .await?;
        audit(
            &state,
            &me,
            "user.password_reset.issue",
            None,
            &format!(
                "user={};expires={}",
                target.name,
                expires.format("%Y-%m-%dT%H:%M:%SZ")
            ),
        )
        .await?;
        user_page(
            &state,
            &page,
            StatusCode::OK,
            &target,
            &me,
            FormErrors::default(),
            context! {
                reset_code => code,
                reset_expires => expires.format("%-d %b %Y at %H:%M").to_string(),
            },
        )
        .await
    }
    .await;
    respond(&state, Some(&me), r)
}
