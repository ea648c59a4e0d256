//! Rendering pages: the context every page shares (user, navigation, CSRF
//! token, flash message) and the error pages.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Value, context};
use serde::Serialize;
use tower_sessions::Session;

use crate::access::CurrentUser;
use crate::{AppState, csrf, roles};

const FLASH_KEY: &str = "flash";

/// The service navigation: each link is shown only to roles the route table
/// lets through.
const NAV: &[(&str, &str)] = &[
    ("/caseload", "My caseload"),
    ("/dashboard", "Dashboard"),
    ("/children", "Children"),
    ("/challenges", "Challenges"),
    ("/private-fostering", "Private fostering"),
    ("/case-file-audits", "Case file audits"),
    ("/due", "Due list"),
    ("/outstanding", "Decisions and records"),
    ("/allocations", "Allocations"),
    ("/review-date-changes", "Date changes"),
    ("/foster-carer-reviews", "Foster carer reviews"),
    ("/reports", "Reports"),
    ("/data-quality", "Data quality"),
    ("/returns", "Returns"),
    ("/admin/users", "Users"),
    ("/admin/audit", "Audit log"),
    ("/admin/settings", "Settings"),
];

#[derive(Debug, Serialize)]
struct NavItem {
    href: &'static str,
    text: &'static str,
    current: bool,
}

fn nav_for(user: Option<&CurrentUser>, current_path: &str) -> Vec<NavItem> {
    let Some(user) = user else {
        return Vec::new();
    };
    NAV.iter()
        .filter(|(href, _)| user.may_use("GET", href))
        .map(|(href, text)| NavItem {
            href,
            text,
            current: current_path == *href
                || (current_path.starts_with(href) && current_path[href.len()..].starts_with('/')),
        })
        .collect()
}

/// A field-level form error, shown in the error summary and by the field.
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Collected form errors.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What every page needs from the request: the session, the user, the CSRF
/// token and the path (for the navigation).
pub struct Page {
    pub session: Session,
    pub user: Option<CurrentUser>,
    pub csrf_token: String,
    pub path: String,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        let user = parts.extensions.get::<CurrentUser>().cloned();
        let csrf_token = csrf::session_token(&session)
            .await
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        Ok(Page {
            session,
            user,
            csrf_token,
            path: parts.uri.path().to_owned(),
        })
    }
}

impl Page {
    /// Renders `template` with the shared context plus `ctx`.
    pub async fn render(&self, state: &AppState, template: &str, ctx: Value) -> Response {
        self.render_status(state, StatusCode::OK, template, ctx)
            .await
    }

    pub async fn render_status(
        &self,
        state: &AppState,
        status: StatusCode,
        template: &str,
        ctx: Value,
    ) -> Response {
        let flash: Option<String> = self.session.remove(FLASH_KEY).await.ok().flatten();
        // A form that asks why an IRO records on a colleague's child
        // (`covering_needed`) offers the council's list of reasons, read
        // here for every such form.
        let cover_reasons = if ctx.get_attr("covering_needed").is_ok_and(|v| v.is_true()) {
            match state
                .store
                .form_list(footprint_domain::lists::FormList::CoverReasons)
                .await
            {
                Ok(list) => crate::pages::list_options(&list, None),
                Err(e) => return AppError::from(e).into_page(state, self.user.as_ref()),
            }
        } else {
            Vec::new()
        };
        let base = context! {
            cover_reasons,
            user => self.user.as_ref().map(user_value),
            nav => nav_for(self.user.as_ref(), &self.path),
            csrf_token => &self.csrf_token,
            council_name => &state.config.council_name,
            flash => flash,
            today => state.clock.today().to_string(),
        };
        render_template(state, status, template, context! { ..ctx, ..base })
    }

    /// Remembers a one-off success message for the next page.
    pub async fn flash(&self, message: &str) {
        let _ = self.session.insert(FLASH_KEY, message).await;
    }
}

fn user_value(u: &CurrentUser) -> Value {
    context! {
        display_name => &u.name,
        role => u.role.key(),
        role_label => u.role.label(),
        iro => u.iro.as_ref().map(|i| i.0.clone()),
    }
}

fn render_template(state: &AppState, status: StatusCode, template: &str, ctx: Value) -> Response {
    let rendered = state
        .templates
        .get_template(template)
        .and_then(|t| t.render(ctx));
    match rendered {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            // Template errors name the template and line, never the data.
            tracing::error!(template, kind = ?e.kind(), line = ?e.line(), "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service.",
            )
                .into_response()
        }
    }
}

/// An error page, from a handler or the middleware. Its only form is the
/// sign-out button, shown to a signed-in user, whose token is the session's
/// (carried by [`CurrentUser`]), so signing out from an error page works.
pub fn error_response(
    state: &AppState,
    status: StatusCode,
    heading: &str,
    message: &str,
    user: Option<&CurrentUser>,
) -> Response {
    let ctx = context! {
        heading, message,
        user => user.map(user_value),
        nav => nav_for(user, ""),
        council_name => &state.config.council_name,
        csrf_token => user.map_or("", |u| u.csrf_token.as_str()),
    };
    render_template(state, status, "error.html", ctx)
}

/// A handler's error: shown as a GOV.UK error page.
#[derive(Debug)]
pub enum AppError {
    NotFound(&'static str),
    Forbidden(&'static str),
    BadRequest(String),
    Internal(String),
}

impl From<footprint_store::StoreError> for AppError {
    fn from(e: footprint_store::StoreError) -> Self {
        match e {
            footprint_store::StoreError::NotFound(_) => AppError::NotFound("record"),
            footprint_store::StoreError::Invalid(m) => AppError::BadRequest(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl AppError {
    pub fn into_page(self, state: &AppState, user: Option<&CurrentUser>) -> Response {
        match self {
            AppError::NotFound(what) => error_response(
                state,
                StatusCode::NOT_FOUND,
                "Page not found",
                &format!("There is no such {what}."),
                user,
            ),
            AppError::Forbidden(why) => error_response(
                state,
                StatusCode::FORBIDDEN,
                "You do not have access to this page",
                why,
                user,
            ),
            AppError::BadRequest(why) => error_response(
                state,
                StatusCode::BAD_REQUEST,
                "There is a problem with your request",
                &why,
                user,
            ),
            AppError::Internal(why) => {
                tracing::error!(error = %why, "request failed");
                error_response(
                    state,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later.",
                    user,
                )
            }
        }
    }
}

/// Checks a route pattern is in the table (used by pages building links).
pub fn route_exists(method: &str, path: &str) -> bool {
    roles::rule_for(method, path).is_some()
}
