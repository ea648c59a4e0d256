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
use crate::{AppState, csrf, password};

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

/// Checks a username (1 to 100 characters, no control characters).
pub fn check_username(name: &str) -> anyhow::Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        anyhow::bail!("a user name must be 1 to 100 characters with no control characters");
    }
    Ok(name)
}

/// Adds a user (the `footprint user add` command and the admin page).
/// IRO users must name the IRO they are; the password must pass
/// [`password::check`].
pub async fn add_user(
    store: &Store,
    name: &str,
    role: Role,
    iro: Option<IroId>,
    password: &str,
) -> anyhow::Result<()> {
    let name = check_username(name)?;
    password::check(password, name).map_err(|p| anyhow::anyhow!("{p}"))?;
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

/// Sets a user's password (the `footprint user set-password` command, the
/// password reset and the change-password page): checked by
/// [`password::check`], hashed, and the user's sessions ended.
pub async fn set_password(
    store: &Store,
    name: &str,
    password: &str,
) -> anyhow::Result<footprint_store::User> {
    password::check(password, name).map_err(|p| anyhow::anyhow!("{p}"))?;
    let hash = hash_password_off_thread(password.to_owned()).await?;
    Ok(store.set_password_hash(name, &hash).await?)
}

/// [`hash_password`] on a blocking thread (argon2 takes tens of milliseconds).
pub async fn hash_password_off_thread(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| anyhow::anyhow!("could not hash the password: {e}"))?
}

/// [`verify_password`] on a blocking thread.
pub async fn verify_password_off_thread(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// How long a one-time password reset code works.
pub const RESET_VALID_HOURS: i64 = 24;

/// The letters of a reset code: Crockford's base 32 (no I, L, O or U, so a
/// code read aloud or copied by hand is not mistaken).
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh one-time reset code: 16 characters (80 random bits) in groups of
/// four, "7KQ2-M9XD-…".
pub fn new_reset_code() -> String {
    let bytes = csrf::random_bytes::<16>();
    let mut code = String::with_capacity(19);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(CODE_ALPHABET[usize::from(b & 31)] as char);
    }
    code
}

/// A code as typed, in its one written form: capitals, without spaces or
/// hyphens, O read as 0 and I or L as 1.
pub fn normalise_reset_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// What the store keeps of a reset code: the SHA-256 of its written form,
/// in hex. (The code is 80 random bits, so a fast hash is enough: there is
/// no dictionary to try.)
pub fn reset_code_hash(code: &str) -> String {
    use sha2::Digest;
    csrf::hex(&sha2::Sha256::digest(normalise_reset_code(code).as_bytes()))
}

/// How a wait is said on the page ("15 seconds", "4 minutes").
pub fn wait_words(wait: chrono::Duration) -> String {
    let secs = wait.num_seconds().max(1);
    if secs < 60 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        let mins = (secs + 59) / 60;
        format!("{mins} minute{}", if mins == 1 { "" } else { "s" })
    }
}

/// What the audit log keeps of a username typed at sign-in: at most 100
/// characters, no control characters or separators of the detail field.
pub fn name_tried(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control() && *c != ';')
        .take(100)
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    expired: Option<String>,
    done: Option<String>,
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
        _ => match q.done.as_deref() {
            Some("password") => Some("Your password has been set. Sign in with your new password."),
            _ => None,
        },
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
    let refuse = |errors: FormErrors, status: StatusCode| {
        let username = username.clone();
        let page = &page;
        let state = &state;
        async move {
            page.render_status(
                state,
                status,
                "sign_in.html",
                context! { errors => errors.0, username },
            )
            .await
        }
    };
    let tried = name_tried(&username);
    if let Err(wait) = state.limiter.check(&username, &address, now) {
        tracing::warn!("sign-in refused: too many failed attempts");
        let _ = state
            .store
            .audit(
                "anonymous",
                "sign_in.throttled",
                None,
                &format!("name={tried}"),
            )
            .await;
        errors.add(
            "username",
            format!(
                "Too many failed attempts to sign in. Wait {} and try again.",
                wait_words(wait)
            ),
        );
        return refuse(errors, StatusCode::TOO_MANY_REQUESTS).await;
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
    let ok = verify_password_off_thread(form.password, hash).await;
    let user = match user {
        Some(u) if ok => u,
        other => {
            state.limiter.failed(&username, &address, now);
            let why = if other.is_some() {
                "wrong_password"
            } else {
                "unknown_name"
            };
            let _ = state
                .store
                .audit(
                    "anonymous",
                    "sign_in.failed",
                    None,
                    &format!("name={tried};reason={why}"),
                )
                .await;
            errors.add("username", "Enter a correct username and password");
            return refuse(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    if user.disabled_at.is_some() {
        let _ = state
            .store
            .audit(
                "anonymous",
                "sign_in.failed",
                None,
                &format!("name={tried};reason=disabled"),
            )
            .await;
        errors.add(
            "username",
            "This account has been disabled. Ask an administrator if you need it.",
        );
        return refuse(errors, StatusCode::FORBIDDEN).await;
    }
    let Some(role) = Role::from_store(user.role) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    state.limiter.succeeded(&username, &address, now);
    // A new session id at sign-in (no session fixation) and a new CSRF token.
    if page.session.cycle_id().await.is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let ts = now.timestamp();
    let auth = AuthState {
        user: user.name.clone(),
        signed_in: ts,
        last_seen: ts,
        generation: user.session_generation,
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

    #[test]
    fn reset_codes_are_random_readable_and_hashed_in_one_written_form() {
        let a = new_reset_code();
        assert_eq!(a.len(), 19);
        assert_ne!(a, new_reset_code());
        assert!(
            a.chars()
                .all(|c| c == '-' || CODE_ALPHABET.contains(&(c as u8)))
        );
        let h = reset_code_hash(&a);
        assert_eq!(h.len(), 64);
        assert_eq!(reset_code_hash(&a.to_lowercase().replace('-', " ")), h);
        assert_eq!(reset_code_hash("o1l0-abcd"), reset_code_hash("0110ABCD"));
        assert_ne!(reset_code_hash("0110ABCE"), reset_code_hash("0110ABCD"));
    }
}
