//! The one middleware that guards every route: sessions and their expiry,
//! the route × role table, and CSRF on every POST.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::model::IroId;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::roles::{self, Access, Role};
use crate::{AppState, csrf, view};

/// How stale a session's last activity may get before a page writes it back.
pub const SESSION_TOUCH_SECONDS: i64 = 60;

/// The largest form body accepted (the review form with many
/// recommendations is a few kilobytes).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The session key holding who is signed in.
pub const AUTH_KEY: &str = "auth";

/// What the session remembers about a signed-in user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthState {
    pub user: String,
    /// Unix seconds at sign-in.
    pub signed_in: i64,
    /// Unix seconds of the last request.
    pub last_seen: i64,
    /// The user's session generation at sign-in: when the store's moves on
    /// (disabled, password reset or changed) the session ends.
    #[serde(default)]
    pub generation: i64,
}

/// The signed-in user, put in the request by [`authorize`].
#[derive(Clone, Serialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The IRO this user is, for IRO users.
    pub iro: Option<IroId>,
    /// The session's CSRF token, for the sign-out button of the pages drawn
    /// without a [`crate::view::Page`] (the error pages). Never serialised
    /// or shown in debug output.
    #[serde(skip)]
    pub(crate) csrf_token: String,
}

impl std::fmt::Debug for CurrentUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurrentUser")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("iro", &self.iro)
            .finish_non_exhaustive()
    }
}

impl CurrentUser {
    /// Whether the route table lets this user use `method path` (a path
    /// pattern of [`roles::ROUTES`]); pages use it to show only the links
    /// and buttons the user may follow.
    pub fn may_use(&self, method: &str, path: &str) -> bool {
        roles::rule_for(method, path).is_some_and(|r| r.access.allows(self.role))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or_else(|| Redirect::to("/sign-in").into_response())
    }
}

/// The client's address, for rate limiting ("unknown" when not served over
/// a socket, as in tests).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

fn client_address(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Why a session is no longer valid.
enum Expired {
    Idle,
    Absolute,
}

/// Reads the signed-in user from the session, ending the session if it has
/// expired (by the application's clock) or its user no longer exists.
///
/// A session's last activity is written back at most every
/// [`SESSION_TOUCH_SECONDS`], so a session may end up to that much sooner
/// than its idle timeout after its last page.
async fn signed_in_user(
    state: &AppState,
    session: &Session,
) -> Result<Option<CurrentUser>, Expired> {
    let Ok(Some(auth)) = session.get::<AuthState>(AUTH_KEY).await else {
        return Ok(None);
    };
    let now = state.clock.now().timestamp();
    if now - auth.signed_in > state.config.session_absolute.num_seconds() {
        let _ = session.flush().await;
        return Err(Expired::Absolute);
    }
    if now - auth.last_seen > state.config.session_idle.num_seconds() {
        let _ = session.flush().await;
        return Err(Expired::Idle);
    }
    let user = match state.store.user_by_name(&auth.user).await {
        // A disabled user's sessions end at once, and so do the sessions
        // from before a password reset or change.
        Ok(Some(u)) if u.disabled_at.is_none() && u.session_generation == auth.generation => u,
        _ => {
            let _ = session.flush().await;
            return Ok(None);
        }
    };
    let Some(role) = Role::from_store(user.role) else {
        return Ok(None);
    };
    // The idle clock is kept to the minute: the session is written back
    // (a database write) at most once a minute, not on every page.
    if now - auth.last_seen >= SESSION_TOUCH_SECONDS {
        let touched = AuthState {
            last_seen: now,
            ..auth
        };
        let _ = session.insert(AUTH_KEY, touched).await;
    }
    Ok(Some(CurrentUser {
        id: user.id,
        name: user.name,
        role,
        iro: user.iro,
        csrf_token: csrf::session_token(session).await.unwrap_or_default(),
    }))
}

/// Checks a POST's Origin and CSRF token, returning the request with its
/// body restored.
async fn check_csrf(
    state: &AppState,
    session: &Session,
    req: Request,
    upload: bool,
) -> Result<Request, &'static str> {
    let headers = req.headers();
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    // Served over HTTPS (behind a proxy that terminates it) exactly when the
    // cookies are marked Secure.
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    if !csrf::origin_matches(origin, host, scheme) {
        return Err("The request came from another site.");
    }
    let expected: Option<String> = session.get(csrf::SESSION_KEY).await.ok().flatten();
    let Some(expected) = expected else {
        return Err("Your form has expired.");
    };
    let header_token = headers
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let boundary = crate::upload::boundary(headers);
    let (parts, body) = req.into_parts();
    // Only the upload route takes a large body; a form with files sent
    // anywhere else is held to the form limit.
    let limit = if upload && boundary.is_some() {
        crate::upload::MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| "The form was too large.")?;
    let given = match (header_token, boundary) {
        (Some(t), _) => Some(t),
        // A form with files: the token is one of its parts.
        (None, Some(boundary)) => crate::upload::parts(&boundary, bytes.clone())
            .await
            .ok()
            .and_then(|p| crate::upload::field(&p, csrf::FORM_FIELD).map(|f| f.text())),
        (None, None) => csrf::form_field(&bytes, csrf::FORM_FIELD),
    };
    match given {
        Some(given) if csrf::constant_time_eq(given.as_bytes(), expected.as_bytes()) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err("Your form has expired."),
    }
}

/// The access middleware: applied to every route (as a route layer, so it
/// sees the matched path pattern).
pub async fn authorize(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let pattern = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let Some(rule) = roles::rule_for(req.method().as_str(), &pattern) else {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    };
    if rule.path == "/assets/{file}" {
        return next.run(req).await;
    }
    let address = client_address(&req);
    req.extensions_mut().insert(ClientAddress(address));

    let user = signed_in_user(&state, &session).await;
    if req.method() == Method::POST {
        req = match check_csrf(&state, &session, req, rule.path == crate::upload::ROUTE).await {
            Ok(r) => r,
            Err(why) => {
                tracing::warn!(path = rule.path, "POST refused: CSRF check failed");
                let user = user.ok().flatten();
                return view::error_response(
                    &state,
                    StatusCode::FORBIDDEN,
                    "Your request could not be accepted",
                    &format!("{why} Go back, reload the page and try again."),
                    user.as_ref(),
                );
            }
        };
    }
    let user = match user {
        Ok(u) => u,
        Err(why) => {
            let notice = match why {
                Expired::Idle => "idle",
                Expired::Absolute => "absolute",
            };
            return sign_in_redirect(&req, Some(notice));
        }
    };
    match (rule.access, &user) {
        (Access::Public, _) => {}
        (_, None) => return sign_in_redirect(&req, None),
        (access, Some(u)) if !access.allows(u.role) => {
            tracing::info!(path = rule.path, role = u.role.key(), "refused by role");
            return view::error_response(
                &state,
                StatusCode::FORBIDDEN,
                "You do not have access to this page",
                "Your role does not include this page. Ask your IRO service manager if you need it.",
                Some(u),
            );
        }
        _ => {}
    }
    if let Some(u) = &user {
        req.extensions_mut().insert(u.clone());
    }
    let res = next.run(req).await;
    friendly_rejection(&state, res, user.as_ref()).await
}

/// The largest plain-text body read back to tell which rejection it was.
const MAX_REJECTION_BYTES: usize = 4096;

/// A request axum's extractors refused (an address whose identifier is not a
/// number, a query or form that does not decode, a form of the wrong type)
/// answers in plain text naming Rust types ("Cannot parse `abc` to a
/// `i64`"). Every page of ours is HTML, so a plain-text error is one of
/// those: it is replaced by an error page in the council's words, a 404 for
/// an address that names no record.
async fn friendly_rejection(
    state: &AppState,
    res: Response,
    user: Option<&CurrentUser>,
) -> Response {
    let status = res.status();
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    if !(status.is_client_error() && plain) {
        return res;
    }
    let body = to_bytes(res.into_body(), MAX_REJECTION_BYTES)
        .await
        .unwrap_or_default();
    // Path rejections start "Invalid URL" (axum's `PathRejection`).
    let bad_address = body.starts_with(b"Invalid URL");
    tracing::info!(
        status = status.as_u16(),
        bad_address,
        "request refused by an extractor"
    );
    if bad_address {
        view::error_response(
            state,
            StatusCode::NOT_FOUND,
            "Page not found",
            "If you typed the web address, check it is correct. If you followed a link, go back and try again.",
            user,
        )
    } else {
        let status = if status == StatusCode::PAYLOAD_TOO_LARGE {
            status
        } else {
            StatusCode::BAD_REQUEST
        };
        view::error_response(
            state,
            status,
            "There is a problem with your request",
            "The form or the web address could not be read. Go back, reload the page and try again.",
            user,
        )
    }
}

fn sign_in_redirect(req: &Request, expired: Option<&str>) -> Response {
    let target = match expired {
        Some(why) => format!("/sign-in?expired={why}"),
        None => "/sign-in".to_owned(),
    };
    if req.headers().contains_key("hx-request") {
        let mut r = StatusCode::OK.into_response();
        if let Ok(v) = HeaderValue::from_str(&target) {
            r.headers_mut().insert("hx-redirect", v);
        }
        return r;
    }
    Redirect::to(&target).into_response()
}

/// Headers every response carries.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A handler may set a stricter policy of its own (the report page).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            ),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !is_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Any path not in the route table.
pub async fn not_found(State(state): State<AppState>) -> Response {
    view::error_response(
        &state,
        StatusCode::NOT_FOUND,
        "Page not found",
        "If you typed the web address, check it is correct.",
        None,
    )
}
