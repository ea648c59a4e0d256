//! Signing in and out, and password hashing.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::model::IroId;
use footprint_store::{NewUser, Store};
use minijinja::context;
use serde::Deserialize;

use crate::access::{AUTH_KEY, AuthState, ClientAddress};
use crate::roles::Role;
use crate::view::{FormErrors, Page};
use crate::{AppState, csrf};

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&csrf::random_bytes::<16>())
        .map_err(|e| anyhow::anyhow!("could not make a salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("could not hash the password: {e}"))
}

/// Whether `password` matches the stored PHC hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the username does not exist, so a wrong
/// username takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Adds a user (the `footprint user add` command and the admin page).
/// IRO users must name the IRO they are.
pub async fn add_user(
    store: &Store,
    name: &str,
    role: Role,
    iro: Option<IroId>,
    password: &str,
) -> anyhow::Result<()> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
        anyhow::bail!("a user name must be 1 to 100 characters with no control characters");
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        anyhow::bail!("the password must be at least {MIN_PASSWORD_LEN} characters");
    }
    if role == Role::Iro && iro.is_none() {
        anyhow::bail!("an IRO user needs --iro-id: the IRO (from the IROs table) this user is");
    }
    let store_role = role
        .to_store()
        .ok_or_else(|| anyhow::anyhow!("the store does not know the role {role}"))?;
    let password_hash = hash_password(password)?;
    store
        .add_user(&NewUser {
            name: name.to_owned(),
            role: store_role,
            password_hash,
            iro,
        })
        .await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    expired: Option<String>,
}

/// GET /sign-in
pub async fn sign_in_page(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<SignInQuery>,
) -> Response {
    if let Some(u) = &page.user {
        return Redirect::to(u.role.home()).into_response();
    }
    let notice = match q.expired.as_deref() {
        Some("idle") => Some("You were signed out because you had not used Footprint for a while."),
        Some("absolute") => Some(
            "You were signed out because you have been signed in for the longest time allowed. Sign in again.",
        ),
        _ => None,
    };
    page.render(&state, "sign_in.html", context! { notice })
        .await
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// POST /sign-in
pub async fn sign_in(
    State(state): State<AppState>,
    page: Page,
    axum::Extension(ClientAddress(address)): axum::Extension<ClientAddress>,
    Form(form): Form<SignInForm>,
) -> Response {
    let now = state.clock.now();
    let username = form.username.trim().to_owned();
    let mut errors = FormErrors::default();
    if username.is_empty() {
        errors.add("username", "Enter your username");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        return page
            .render_status(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                "sign_in.html",
                context! { errors => errors.0, username },
            )
            .await;
    }
    if !state.limiter.allowed(&username, &address, now) {
        tracing::warn!("sign-in refused: too many failed attempts");
        errors.add(
            "username",
            "Too many failed attempts to sign in. Wait 15 minutes and try again.",
        );
        return page
            .render_status(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                "sign_in.html",
                context! { errors => errors.0, username },
            )
            .await;
    }
    let user = match state.store.user_by_name(&username).await {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "could not read users");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // Verify off the async runtime: argon2 takes tens of milliseconds.
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let password = form.password;
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let user = match user {
        Some(u) if ok => u,
        _ => {
            state.limiter.failed(&username, &address, now);
            let _ = state
                .store
                .audit(
                    "anonymous",
                    "sign_in.failed",
                    None,
                    "wrong username or password",
                )
                .await;
            errors.add("username", "Enter a correct username and password");
            return page
                .render_status(
                    &state,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "sign_in.html",
                    context! { errors => errors.0, username },
                )
                .await;
        }
    };
    let Some(role) = Role::from_store(user.role) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    state.limiter.succeeded(&username);
    // A new session id at sign-in (no session fixation) and a new CSRF token.
    if page.session.cycle_id().await.is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let ts = now.timestamp();
    let auth = AuthState {
        user: user.name.clone(),
        signed_in: ts,
        last_seen: ts,
    };
    if page.session.insert(AUTH_KEY, auth).await.is_err()
        || page
            .session
            .insert(csrf::SESSION_KEY, csrf::new_token())
            .await
            .is_err()
    {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let _ = state
        .store
        .audit(&user.name, "sign_in", None, role.key())
        .await;
    Redirect::to(role.home()).into_response()
}

/// POST /sign-out
pub async fn sign_out(State(state): State<AppState>, page: Page) -> Response {
    if let Some(u) = &page.user {
        let _ = state.store.audit(&u.name, "sign_out", None, "").await;
    }
    let _ = page.session.flush().await;
    Redirect::to("/sign-in").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
