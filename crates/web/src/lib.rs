//! Footprint's web application.
//!
//! Server-rendered pages (minijinja templates embedded in the binary) in the
//! GOV.UK Frontend style, with htmx for small interactive parts. Every route
//! and the roles allowed to use it are listed in one table,
//! [`roles::ROUTES`], enforced by one middleware ([`access::authorize`]),
//! which also signs users in and out of sessions, expires them, and checks
//! the CSRF token and Origin of every POST.
//!
//! Children are shown by their council identifier; nothing here logs a name,
//! a date of birth or free text.

pub mod access;
pub mod assets;
pub mod auth;
pub mod clock;
pub mod csrf;
pub mod jobs;
pub mod names;
pub mod pages;
pub mod paging;
pub mod password;
pub mod ratelimit;
pub mod roles;
pub mod session_store;
pub mod templates;
pub mod upload;
pub mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{MethodRouter, get, post};
use footprint_store::Store;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use clock::{Clock, FixedClock, ShiftedClock, SystemClock};
pub use ratelimit::RateLimits;
pub use roles::Role;

/// How the web application behaves.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Shown in the header.
    pub council_name: String,
    /// A session ends this long after sign-in, whatever the activity.
    pub session_absolute: chrono::Duration,
    /// A session ends after this long without a request.
    pub session_idle: chrono::Duration,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    pub rate_limits: RateLimits,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            council_name: "Footprint".to_owned(),
            session_absolute: chrono::Duration::hours(8),
            session_idle: chrono::Duration::minutes(30),
            secure_cookies: false,
            rate_limits: RateLimits::default(),
        }
    }
}

/// Everything a request handler needs, shared by all requests.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    /// Working days for due dates (England and Wales bank holidays).
    pub calendar: footprint_domain::calendar::WorkingDayCalendar,
    pub templates: minijinja::Environment<'static>,
    pub limiter: ratelimit::SignInLimiter,
    pub clock: Arc<dyn Clock>,
    pub config: WebConfig,
    /// The council's dataset as last read, with the store's data version at
    /// the time; reloaded when the version moves (see `pages::dataset`).
    pub dataset_cache: tokio::sync::Mutex<Option<(i64, Arc<footprint_domain::model::Dataset>)>>,
    /// The dashboard as last computed: (data version, day, dashboard).
    pub figures_cache: tokio::sync::Mutex<Option<FiguresEntry>>,
    /// Each IRO's caseload as last worked out (see `pages::caseload`).
    pub caseload_cache: pages::caseload::CaseloadCache,
    /// Uploads and reports under way in the background (see [`jobs`]).
    pub jobs: jobs::Jobs,
    /// The internal annual report last viewed, kept while the data and the
    /// day stay the same, so that following its counts does not compute it
    /// again (see `pages::reports::annual_report`).
    pub report_cache: tokio::sync::Mutex<Option<ReportEntry>>,
    /// The checks of the records held as last worked out, by data version
    /// and collection year (see `pages::reports::record_quality`).
    pub quality_cache: tokio::sync::Mutex<Option<QualityEntry>>,
}

/// An annual report with the data version, day and year it was computed for.
pub type ReportEntry = (
    i64,
    chrono::NaiveDate,
    footprint_domain::dates::CollectionYear,
    Arc<footprint_report::AnnualReport>,
);

/// The checks of the records held, with the data version and collection
/// year they were worked out for.
pub type QualityEntry = (
    i64,
    footprint_domain::dates::CollectionYear,
    Arc<pages::reports::RecordQuality>,
);

/// A computed dashboard with the data version and day it was computed for.
pub type FiguresEntry = (
    i64,
    chrono::NaiveDate,
    Arc<footprint_report::dashboard::Dashboard>,
);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// The state for `store` with the system clock.
    pub fn new(store: Store, config: WebConfig) -> anyhow::Result<Self> {
        Self::with_clock(store, config, Arc::new(SystemClock))
    }

    /// The state for `store`, using the bank holidays stored in its database
    /// when it has them (seeded by `footprint migrate`), else the bundled
    /// England and Wales calendar.
    pub async fn for_store(store: Store, config: WebConfig) -> anyhow::Result<Self> {
        Self::for_store_with_clock(store, config, Arc::new(SystemClock)).await
    }

    /// [`AppState::for_store`] reading the time from `clock` (`footprint
    /// serve --as-of` pins the day with a [`ShiftedClock`]).
    pub async fn for_store_with_clock(
        store: Store,
        config: WebConfig,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let calendar = store.calendar().await.ok().flatten();
        let state = Self::with_clock(store, config, clock)?;
        Ok(match calendar {
            Some(calendar) => state.with_calendar(calendar),
            None => state,
        })
    }

    /// The same state with another working-day calendar.
    pub fn with_calendar(self, calendar: footprint_domain::calendar::WorkingDayCalendar) -> Self {
        let inner = Arc::try_unwrap(self.0).unwrap_or_else(|shared| Inner {
            store: shared.store.clone(),
            calendar: shared.calendar.clone(),
            templates: shared.templates.clone(),
            limiter: ratelimit::SignInLimiter::new(shared.config.rate_limits),
            clock: shared.clock.clone(),
            config: shared.config.clone(),
            dataset_cache: tokio::sync::Mutex::new(None),
            figures_cache: tokio::sync::Mutex::new(None),
            caseload_cache: Default::default(),
            jobs: Default::default(),
            report_cache: tokio::sync::Mutex::new(None),
            quality_cache: tokio::sync::Mutex::new(None),
        });
        AppState(Arc::new(Inner { calendar, ..inner }))
    }

    /// The state for `store` reading the time from `clock` (tests, demos).
    pub fn with_clock(
        store: Store,
        config: WebConfig,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let templates = templates::environment()?;
        let limiter = ratelimit::SignInLimiter::new(config.rate_limits);
        Ok(AppState(Arc::new(Inner {
            store,
            calendar: footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
            templates,
            limiter,
            clock,
            config,
            dataset_cache: tokio::sync::Mutex::new(None),
            figures_cache: tokio::sync::Mutex::new(None),
            caseload_cache: Default::default(),
            jobs: Default::default(),
            report_cache: tokio::sync::Mutex::new(None),
            quality_cache: tokio::sync::Mutex::new(None),
        })))
    }
}

/// The handler for each route of [`roles::ROUTES`].
fn handler(method: roles::Method, path: &str) -> Option<MethodRouter<AppState>> {
    use pages::*;
    use roles::Method::{Get, Post};
    Some(match (method, path) {
        (Get, "/") => get(crate::home),
        (Get, "/sign-in") => get(auth::sign_in_page),
        (Post, "/sign-in") => post(auth::sign_in),
        (Post, "/sign-out") => post(auth::sign_out),
        (Get, "/assets/{file}") => get(assets::asset),
        (Get, "/caseload") => get(caseload::caseload),
        (Get, "/children") => get(child::children),
        (Get, "/children/{child}") => get(child::child_page),
        (Get, "/children/{child}/reviews/new") => get(review::review_form),
        (Post, "/children/{child}/reviews") => post(review::record_review),
        (Get, "/children/{child}/reviews/{review}") => get(review::review_page),
        (Get, "/children/{child}/reviews/{review}/edit") => get(review::correction_form),
        (Post, "/children/{child}/reviews/{review}") => post(review::correct_review),
        (Get, "/children/{child}/reviews/{review}/record") => get(record::page),
        (Post, "/children/{child}/reviews/{review}/record") => post(record::save),
        (Post, "/children/{child}/reviews/{review}/record/issue") => post(record::issue),
        (Get, "/children/{child}/reviews/{review}/letter") => get(record::letter_page),
        (Post, "/children/{child}/reviews/{review}/letter") => post(record::save_letter),
        (Get, "/children/{child}/reviews/{review}/documents/{file}") => get(record::download),
        (Post, "/children/{child}/reviews/{review}/sent-to") => post(record::record_sent_to),
        (Post, "/children/{child}/midway-checks") => post(review::record_midway_check),
        (Post, "/children/{child}/visits") => post(review::record_visit),
        (Get, "/children/{child}/midway-checks/{record}") => get(held::midway_check_page),
        (Get, "/children/{child}/midway-checks/{record}/edit") => get(held::midway_check_form),
        (Post, "/children/{child}/midway-checks/{record}") => post(held::correct_midway_check),
        (Get, "/children/{child}/visits/{record}") => get(held::visit_page),
        (Get, "/children/{child}/visits/{record}/edit") => get(held::visit_form),
        (Post, "/children/{child}/visits/{record}") => post(held::correct_visit),
        (Get, "/children/{child}/allocations/{record}") => get(held::allocation_page),
        (Get, "/children/{child}/allocations/{record}/edit") => get(held::allocation_form),
        (Post, "/children/{child}/allocations/{record}") => post(held::correct_allocation),
        (Post, "/children/{child}/name") => post(name::save),
        (Post, "/children/{child}/reviews/sent") => post(review::record_sent),
        (Post, "/children/{child}/siblings") => post(siblings::link),
        (Post, "/children/{child}/siblings/remove") => post(siblings::unlink),
        (Post, "/children/{child}/recommendations/{index}/complete") => {
            post(review::complete_recommendation)
        }
        (Post, "/children/{child}/review-date-changes") => post(date_change::request),
        (Get, "/children/{child}/health/new") => get(health::new_form),
        (Post, "/children/{child}/health") => post(health::record),
        (Get, "/children/{child}/health/{kind}/{key}/edit") => get(health::correction_form),
        (Post, "/children/{child}/health/{kind}/{key}") => post(health::correct),
        (Get, "/children/{child}/case-records/new") => get(case_records::new_form),
        (Post, "/children/{child}/case-records") => post(case_records::record),
        (Get, "/children/{child}/case-records/{kind}/{id}/edit") => {
            get(case_records::correction_form)
        }
        (Post, "/children/{child}/case-records/{kind}/{id}") => post(case_records::correct),
        (Get, "/foster-carer-reviews") => get(case_records::carer_reviews),
        (Get, "/foster-carer-reviews/new") => get(case_records::carer_new_form),
        (Post, "/foster-carer-reviews") => post(case_records::carer_record),
        (Get, "/foster-carer-reviews/{id}/edit") => get(case_records::carer_correction_form),
        (Post, "/foster-carer-reviews/{id}") => post(case_records::carer_correct),
        (Get, "/case-file-audits") => get(case_records::audit_list),
        (Get, "/private-fostering") => get(case_records::fostering_list),
        (Get, "/private-fostering/new") => get(case_records::fostering_new_form),
        (Post, "/private-fostering") => post(case_records::fostering_record),
        (Get, "/private-fostering/{child}") => get(case_records::fostering_child),
        (Get, "/private-fostering/{child}/{id}/edit") => {
            get(case_records::fostering_correction_form)
        }
        (Post, "/private-fostering/{child}/{id}") => post(case_records::fostering_correct),
        (Get, "/challenges") => get(challenges::list),
        (Get, "/children/{child}/challenges/new") => get(challenges::new_form),
        (Post, "/children/{child}/challenges") => post(challenges::raise),
        (Get, "/challenges/{challenge}") => get(challenges::show),
        (Post, "/challenges/{challenge}/respond") => post(challenges::respond),
        (Post, "/challenges/{challenge}/escalate") => post(challenges::escalate),
        (Post, "/challenges/{challenge}/cafcass") => post(challenges::cafcass),
        (Post, "/challenges/{challenge}/close") => post(challenges::close),
        (Get, "/challenges/{challenge}/edit") => get(challenges::correction_form),
        (Post, "/challenges/{challenge}/correct") => post(challenges::correct),
        (Get, "/due") => get(business::due),
        (Get, "/outstanding") => get(business::outstanding),
        (Get, "/dashboard") => get(dashboard::dashboard),
        (Get, "/dashboard/figures/{figure}") => get(dashboard::figure),
        (Get, "/allocations") => get(allocations::page),
        (Post, "/allocations") => post(allocations::allocate),
        (Post, "/allocations/end") => post(allocations::end),
        (Get, "/review-date-changes") => get(date_change::list),
        (Post, "/review-date-changes/{request}/decision") => post(date_change::decide),
        (Get, "/reports") => get(reports::page),
        (Get, "/reports/annual") => get(reports::annual),
        (Get, "/reports/annual/figures") => get(reports::annual_figure),
        (Post, "/reports/narrative") => post(reports::save_narrative),
        (Post, "/reports/words") => post(reports::save_words),
        (Get, "/data-quality") => get(reports::data_quality),
        (Post, "/reports/documents") => post(reports::build_document),
        (Get, "/reports/settings") => get(report_settings::page),
        (Post, "/reports/settings") => post(report_settings::save),
        (Get, "/returns") => get(returns::page),
        (Post, "/returns/upload") => post(returns::upload),
        (Get, "/returns/export") => get(returns::export),
        (Get, "/jobs/{job}") => get(returns::job_page),
        (Get, "/jobs/{job}/file") => get(returns::job_file),
        (Get, "/admin/users") => get(users::users),
        (Post, "/admin/users") => post(users::add_user),
        (Get, "/admin/users/{user}") => get(users::show),
        (Post, "/admin/users/{user}/role") => post(users::change_role),
        (Post, "/admin/users/{user}/disable") => post(users::disable),
        (Post, "/admin/users/{user}/enable") => post(users::enable),
        (Post, "/admin/users/{user}/password-reset") => post(users::issue_reset),
        (Get, "/account/password") => get(account::password_form),
        (Post, "/account/password") => post(account::change_password),
        (Get, "/password-reset") => get(account::reset_form),
        (Post, "/password-reset") => post(account::reset),
        (Get, "/admin/audit") => get(admin::audit_log),
        (Get, "/admin/settings") => get(admin::settings),
        (Post, "/admin/settings") => post(admin::save_settings),
        (Get, "/admin/settings/lists/{list}") => get(form_lists::show),
        (Post, "/admin/settings/lists/{list}") => post(form_lists::save),
        (Get, "/admin/settings/themes") => get(theme_lists::show),
        (Post, "/admin/settings/themes") => post(theme_lists::save),
        (Get, "/admin/settings/themes/{theme}") => get(theme_lists::show_sub_themes),
        (Post, "/admin/settings/themes/{theme}") => post(theme_lists::save_sub_themes),
        _ => return None,
    })
}

/// The whole application: every route of [`roles::ROUTES`] behind the access
/// middleware and the session layer.
pub async fn router(state: AppState) -> Router {
    let mut app: Router<AppState> = Router::new();
    for rule in roles::ROUTES {
        match handler(rule.method, rule.path) {
            Some(h) => app = app.route(rule.path, h),
            // A listed route without a handler is a programming error the
            // tests catch; serving without it is safer than panicking.
            None => tracing::error!(path = rule.path, "route listed without a handler"),
        }
    }
    let sessions =
        SessionManagerLayer::new(session_store::DbSessionStore::new(state.store.clone()))
            .with_name("footprint_session")
            .with_same_site(SameSite::Lax)
            .with_http_only(true)
            .with_secure(state.config.secure_cookies)
            .with_expiry(Expiry::OnInactivity(
                tower_sessions::cookie::time::Duration::seconds(
                    state.config.session_idle.num_seconds(),
                ),
            ));
    app.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        access::authorize,
    ))
    .fallback(access::not_found)
    .layer(axum::middleware::from_fn(access::security_headers))
    .layer(sessions)
    .with_state(state)
}

/// Serves the application on `addr` until the process is stopped (Ctrl-C).
pub async fn serve(store: Store, addr: SocketAddr) -> anyhow::Result<()> {
    let state = AppState::for_store(store, WebConfig::default()).await?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener).await
}

/// Serves `state` on an already bound listener (tests bind 127.0.0.1:0).
pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let app = router(state).await;
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// GET / — sends each user to their start page.
async fn home(user: access::CurrentUser) -> axum::response::Redirect {
    axum::response::Redirect::to(user.role.home())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_listed_route_has_a_handler() {
        for rule in crate::roles::ROUTES {
            assert!(
                super::handler(rule.method, rule.path).is_some(),
                "{} {} has no handler",
                rule.method.as_str(),
                rule.path
            );
        }
    }
}
