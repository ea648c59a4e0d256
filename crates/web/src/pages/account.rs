//! A user's own account: changing one's password, and setting a new one
//! with a one-time reset code from an administrator.

use axum::Extension;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

use super::{audit, field, respond};
use crate::access::{AUTH_KEY, AuthState, ClientAddress, CurrentUser};
use crate::view::{AppError, FormErrors, Page};
use crate::{AppState, auth, password};

/// The new password and its confirmation, checked by [`password::check`].
fn check_new_password(
    pairs: &[(String, String)],
    username: &str,
    errors: &mut FormErrors,
) -> Option<String> {
    let new = field(pairs, "new_password").unwrap_or("");
    let again = field(pairs, "confirm_password").unwrap_or("");
    if let Err(problem) = password::check(new, username) {
        errors.add("new_password", problem.to_string());
        return None;
    }
    if new != again {
        errors.add("confirm_password", "Enter the same new password twice");
        return None;
    }
    Some(new.to_owned())
}

/// GET /account/password
pub async fn password_form(State(state): State<AppState>, page: Page) -> Response {
    page.render(
        &state,
        "account_password.html",
        context! { min_password => password::MIN_LENGTH },
    )
    .await
}

/// POST /account/password — asks for the current password; the user's other
/// sessions end, this one goes on.
pub async fn change_password(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Extension(ClientAddress(address)): Extension<ClientAddress>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let now = state.clock.now();
        let mut errors = FormErrors::default();
        let current = field(&pairs, "current_password").unwrap_or("").to_owned();
        let (pg, st) = (&page, &state);
        let render = |errors: FormErrors, status: StatusCode| async move {
            pg.render_status(
                st,
                status,
                "account_password.html",
                context! { errors => errors.0, min_password => password::MIN_LENGTH },
            )
            .await
        };
        // Guessing the current password from a session left open is slowed
        // like guessing at sign-in.
        if let Err(wait) = state.limiter.check(&user.name, &address, now) {
            errors.add(
                "current_password",
                format!(
                    "Too many wrong passwords. Wait {} and try again.",
                    auth::wait_words(wait)
                ),
            );
            return Ok(render(errors, StatusCode::TOO_MANY_REQUESTS).await);
        }
        let stored = state
            .store
            .user_by_name(&user.name)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        if current.is_empty() {
            errors.add("current_password", "Enter your current password");
        } else if !auth::verify_password_off_thread(current, stored.password_hash.clone()).await {
            state.limiter.failed(&user.name, &address, now);
            errors.add("current_password", "Your current password is not right");
        }
        let new = check_new_password(&pairs, &user.name, &mut errors);
        let (true, Some(new)) = (errors.is_empty(), new) else {
            return Ok(render(errors, StatusCode::UNPROCESSABLE_ENTITY).await);
        };
        let changed = auth::set_password(&state.store, &user.name, &new)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        // Every session of the user has ended but this one: a new id, the
        // new generation.
        let auth_state: Option<AuthState> = page.session.get(AUTH_KEY).await.ok().flatten();
        if let Some(a) = auth_state {
            let updated = AuthState {
                generation: changed.session_generation,
                ..a
            };
            page.session
                .cycle_id()
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            page.session
                .insert(AUTH_KEY, updated)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        audit(&state, &user, "user.password_change", None, "").await?;
        page.flash("Your password has been changed").await;
        Ok(Redirect::to(user.role.home()).into_response())
    }
    .await;
    respond(&state, Some(&user), r)
}

/// GET /password-reset — the form for a one-time code from an
/// administrator. (The code is typed, never carried in the address, so it
/// cannot land in a proxy's logs.)
pub async fn reset_form(State(state): State<AppState>, page: Page) -> Response {
    page.render(
        &state,
        "password_reset.html",
        context! { min_password => password::MIN_LENGTH },
    )
    .await
}

/// The name the throttle counts wrong reset codes from `address` under: one
/// name per address, so that wrong codes from one place never slow down a
/// code typed elsewhere.
fn reset_guesses(address: &str) -> String {
    format!("(password reset code from {address})")
}

/// POST /password-reset — sets the password of the code's user; the code is
/// spent and their sessions end.
pub async fn reset(
    State(state): State<AppState>,
    page: Page,
    Extension(ClientAddress(address)): Extension<ClientAddress>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let now = state.clock.now();
        let code = field(&pairs, "code").unwrap_or("").trim().to_owned();
        let mut errors = FormErrors::default();
        let (pg, st) = (&page, &state);
        let render = |errors: FormErrors, status: StatusCode, code: String| async move {
            pg.render_status(
                st,
                status,
                "password_reset.html",
                context! { errors => errors.0, code, min_password => password::MIN_LENGTH },
            )
            .await
        };
        let guesses = reset_guesses(&address);
        if let Err(wait) = state.limiter.check(&guesses, &address, now) {
            errors.add(
                "code",
                format!(
                    "Too many wrong codes. Wait {} and try again.",
                    auth::wait_words(wait)
                ),
            );
            return Ok(render(errors, StatusCode::TOO_MANY_REQUESTS, code).await);
        }
        let hash = auth::reset_code_hash(&code);
        let reset = if code.is_empty() {
            errors.add("code", "Enter the code an administrator gave you");
            None
        } else {
            let found = state.store.password_reset(&hash, now.timestamp()).await?;
            if found.is_none() {
                state.limiter.failed(&guesses, &address, now);
                errors.add(
                    "code",
                    "This code does not work: it may be mistyped, used already, or more than 24 hours old. Ask an administrator for a new one.",
                );
            }
            found
        };
        let name = reset.as_ref().map(|r| r.user.clone()).unwrap_or_default();
        let new = check_new_password(&pairs, &name, &mut errors);
        let (true, Some(new), Some(reset)) = (errors.is_empty(), new, reset) else {
            return Ok(render(errors, StatusCode::UNPROCESSABLE_ENTITY, code).await);
        };
        let hashed = auth::hash_password_off_thread(new)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let used = state
            .store
            .use_password_reset(&hash, now.timestamp(), &hashed)
            .await?;
        let Some(user) = used else {
            // Used or expired between the two reads.
            errors.add(
                "code",
                "This code does not work any more. Ask an administrator for a new one.",
            );
            return Ok(render(errors, StatusCode::UNPROCESSABLE_ENTITY, code).await);
        };
        state
            .store
            .audit(
                &user.name,
                "user.password_reset.use",
                None,
                &format!("reset={}", reset.id),
            )
            .await?;
        Ok(Redirect::to("/sign-in?done=password").into_response())
    }
    .await;
    respond(&state, page.user.as_ref(), r)
}
