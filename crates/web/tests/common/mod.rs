//! A real application on a real SQLite database in a temporary directory,
//! driven through tower's `oneshot` (the real router, middleware and store)
//! or served on 127.0.0.1 for the browser test.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use chrono::{NaiveDate, TimeZone, Utc};
use footprint_domain::model::{
    Allocation, Challenge, ChallengeStage, Child, ChildId, Dataset, Episode, Iro, IroId, Review,
    ReviewDetails,
};
use footprint_store::Store;
use footprint_web::{AppState, FixedClock, RateLimits, Role, WebConfig, auth, router};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery staple";

/// The day the tests run on: Wednesday 12 March 2025, 10:00 UTC.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 12).expect("valid date")
}

/// The next review's due date on a child's page, as shown ("3 Feb 2025").
pub fn next_due(body: &str) -> Option<String> {
    let marker = "class=\"fp-next-due\"";
    let start = body.find(marker)? + marker.len();
    let start = body[start..].find('>')? + start + 1;
    let end = body[start..].find('<')? + start;
    Some(body[start..end].to_owned())
}

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn child_id(s: &str) -> ChildId {
    s.parse().expect("test child id")
}

pub fn child(id: &str, dob: &str) -> Child {
    Child {
        id: child_id(id),
        sex: "1".parse().expect("sex"),
        date_of_birth: d(dob),
        ethnicity: "WBRI".parse().expect("ethnicity"),
        upn: None,
        mother: None,
        mothers_child_dob: None,
        uasc: None,
        name: None,
    }
}

pub fn episode(id: &str, start: &str) -> Episode {
    Episode {
        child: child_id(id),
        start: d(start),
        end: None,
        reason_new: "S".parse().expect("rne"),
        legal_status: "C2".parse().expect("ls"),
        category_of_need: Some("N1".parse().expect("cin")),
        placement: "U1".parse().expect("place"),
        provider: Some("PR1".parse().expect("provider")),
        reason_ceased: None,
        reason_place_change: None,
        home_postcode: None,
        placement_postcode: None,
        urn: None,
    }
}

pub fn review(id: &str, date: &str, details: Option<ReviewDetails>) -> Review {
    Review {
        child: child_id(id),
        date: d(date),
        participation: Some("PN1".parse().expect("pn")),
        details,
    }
}

/// A small council: two IROs, four children.
/// - C1 (IRO1): looked after from 2 Sep 2024, reviews 20 Sep and 10 Dec 2024
///   → next due 10 Jun 2025. An informal challenge raised 3 Feb 2025 with no
///   response (overdue).
/// - C2 (IRO1): from 6 Jan 2025, no review → first review overdue.
/// - C3 (IRO2): from 3 Jun 2024, reviews 25 Jun and 20 Sep 2024 → due 20
///   Mar 2025; the September review's decisions and record never issued.
/// - C4: from 20 Feb 2025, unallocated.
pub fn dataset() -> Dataset {
    let details = ReviewDetails {
        chair: Some(IroId("IRO2".into())),
        ..ReviewDetails::default()
    };
    Dataset {
        children: vec![
            child("C1", "2012-05-01"),
            child("C2", "2015-07-09"),
            child("C3", "2010-01-15"),
            child("C4", "2019-11-30"),
        ],
        episodes: vec![
            episode("C1", "2024-09-02"),
            episode("C2", "2025-01-06"),
            episode("C3", "2024-06-03"),
            episode("C4", "2025-02-20"),
        ],
        reviews: vec![
            review("C1", "2024-09-20", None),
            review("C1", "2024-12-10", None),
            review("C3", "2024-06-25", None),
            review("C3", "2024-09-20", Some(details)),
        ],
        missing: vec![],
        iros: vec![
            Iro {
                id: IroId("IRO1".into()),
                name: "Alex Example".into(),
                fte: 1.0,
                started: d("2020-01-01"),
                left: None,
            },
            Iro {
                id: IroId("IRO2".into()),
                name: "Sam Sample".into(),
                fte: 0.5,
                started: d("2020-01-01"),
                left: None,
            },
        ],
        allocations: vec![
            Allocation {
                child: child_id("C1"),
                iro: IroId("IRO1".into()),
                from: d("2024-09-02"),
                to: None,
            },
            Allocation {
                child: child_id("C2"),
                iro: IroId("IRO1".into()),
                from: d("2025-01-06"),
                to: None,
            },
            Allocation {
                child: child_id("C3"),
                iro: IroId("IRO2".into()),
                from: d("2024-06-03"),
                to: None,
            },
        ],
        midway_checks: vec![],
        visits: vec![],
        challenges: vec![Challenge {
            id: 1,
            child: child_id("C1"),
            iro: Some(IroId("IRO1".into())),
            raised: d("2025-02-03"),
            themes: vec!["Care planning".into()],
            sub_theme: None,
            stages: vec![ChallengeStage {
                stage: "informal".into(),
                started: d("2025-02-03"),
                timescale_working_days: 5,
                responded: None,
            }],
            referred_to_cafcass: None,
            resolved: None,
            outcome: None,
        }],
        reviews_known_from: None,
        sibling_groups: vec![],
        // C3's outcomes as a 903 OC2 row would give them (shown on the
        // child's page).
        health_outcomes: vec![footprint_domain::model::HealthOutcomes {
            child: child_id("C3"),
            year: "2024-25".parse().expect("year"),
            sdq_score: Some(17),
            sdq_reason: None,
            convicted: Some(false),
            health_check: None,
            immunisations: Some(true),
            teeth_check: Some(false),
            health_assessment: Some(true),
            substance_misuse: Some(false),
            intervention_received: None,
            intervention_offered: None,
        }],
        ..Dataset::default()
    }
}

/// The username of each role's test user.
pub fn username(role: Role) -> &'static str {
    match role {
        Role::Iro => "iro1",
        Role::Manager => "manager",
        Role::BusinessSupport => "support",
        Role::Analyst => "analyst",
        Role::Admin => "admin",
    }
}

pub struct TestApp {
    pub _dir: tempfile::TempDir,
    pub store: Store,
    pub state: AppState,
    pub app: Router,
    pub clock: Arc<FixedClock>,
}

pub async fn app() -> TestApp {
    app_with(WebConfig::default()).await
}

pub async fn app_with(config: WebConfig) -> TestApp {
    app_holding(config, Some(dataset())).await
}

/// The application on a database that holds `data` (`None`: no children,
/// no IROs, nothing imported yet: only the users).
pub async fn app_holding(config: WebConfig, data: Option<Dataset>) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("footprint.db").display());
    let store = Store::open_and_migrate(&url).await.expect("store opens");
    let empty = data.is_none();
    if let Some(data) = data {
        store.replace_dataset(&data).await.expect("dataset written");
    }
    // An IRO user names an IRO held: an empty database has none.
    for role in Role::ALL
        .into_iter()
        .filter(|r| !(empty && *r == Role::Iro))
    {
        let iro = (role == Role::Iro).then(|| IroId("IRO1".into()));
        auth::add_user(&store, username(role), role, iro, PASSWORD)
            .await
            .expect("user added");
    }
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2025, 3, 12, 10, 0, 0)
            .single()
            .expect("time"),
    ));
    let state = AppState::with_clock(store.clone(), config, clock.clone()).expect("state");
    let app = router(state.clone()).await;
    TestApp {
        _dir: dir,
        store,
        state,
        app,
        clock,
    }
}

pub fn fast_limits() -> WebConfig {
    WebConfig {
        rate_limits: RateLimits {
            per_username: 3,
            per_address: 10,
            ..RateLimits::default()
        },
        ..WebConfig::default()
    }
}

/// A response, read whole.
pub struct Res {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    pub set_cookie: Option<String>,
}

/// A browser-like client: keeps the session cookie and the last CSRF token.
pub struct Client<'a> {
    pub app: &'a Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    /// The client's address as the server sees it (else "unknown").
    pub address: Option<std::net::SocketAddr>,
}

pub fn csrf_in(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned()).filter(|t| !t.is_empty())
}

impl<'a> Client<'a> {
    pub fn new(app: &'a Router) -> Self {
        Client {
            app,
            cookie: None,
            csrf: None,
            address: None,
        }
    }

    /// A client at another address (`"192.0.2.7"`).
    pub fn from_address(app: &'a Router, ip: &str) -> Self {
        Client {
            address: Some(std::net::SocketAddr::new(
                ip.parse().expect("test address"),
                40000,
            )),
            ..Client::new(app)
        }
    }

    async fn send(&mut self, mut req: Request<Body>) -> Res {
        if let Some(a) = self.address {
            req.extensions_mut().insert(axum::extract::ConnectInfo(a));
        }
        let res = self.app.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let set_cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(c) = &set_cookie {
            let pair = c.split(';').next().unwrap_or_default().to_owned();
            // An expired cookie (Max-Age=0) clears the session.
            if c.contains("Max-Age=0") {
                self.cookie = None;
            } else {
                self.cookie = Some(pair);
            }
        }
        let bytes = to_bytes(res.into_body(), 10 * 1024 * 1024)
            .await
            .expect("body");
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(t) = csrf_in(&body) {
            self.csrf = Some(t);
        }
        Res {
            status,
            location,
            body,
            set_cookie,
        }
    }

    pub async fn get(&mut self, path: &str) -> Res {
        let mut req = Request::get(path).header(header::HOST, "footprint.test");
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// GETs a file: its status and bytes as sent (a Word document, a PDF).
    pub async fn get_bytes(&mut self, path: &str) -> (StatusCode, Vec<u8>) {
        let mut req = Request::get(path).header(header::HOST, "footprint.test");
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        let mut req = req.body(Body::empty()).expect("request");
        if let Some(a) = self.address {
            req.extensions_mut().insert(axum::extract::ConnectInfo(a));
        }
        let res = self.app.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let bytes = to_bytes(res.into_body(), 50 * 1024 * 1024)
            .await
            .expect("body");
        (status, bytes.to_vec())
    }

    /// POSTs a form with the current CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_raw(path, &all, Some("http://footprint.test"))
            .await
    }

    /// POSTs a form of owned fields (made in a loop), as [`Client::post`].
    pub async fn post_pairs(&mut self, path: &str, fields: &[(String, String)]) -> Res {
        let refs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post(path, &refs).await
    }

    /// POSTs exactly `fields` with the given Origin header.
    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Res {
        let body = serde_urlencoded::to_string(fields).expect("form");
        let mut req = Request::post(path)
            .header(header::HOST, "footprint.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).expect("request"))
            .await
    }

    /// POSTs a `multipart/form-data` form: `fields`, the current CSRF
    /// token, and `files` (field name, file name, content), as a browser
    /// sends a form with files.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Res {
        let boundary = "----footprint-test-boundary-7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        all.extend_from_slice(fields);
        for (k, v) in all {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (k, name, content) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut req = Request::post(path)
            .header(header::HOST, "footprint.test")
            .header(header::ORIGIN, "http://footprint.test")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            );
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).expect("request"))
            .await
    }

    /// Signs in and returns the response to the POST.
    pub async fn sign_in(&mut self, user: &str, password: &str) -> Res {
        let page = self.get("/sign-in").await;
        assert!(
            page.status == StatusCode::OK || page.status == StatusCode::SEE_OTHER,
            "sign-in page: {}",
            page.status
        );
        self.post("/sign-in", &[("username", user), ("password", password)])
            .await
    }

    pub async fn signed_in_as(app: &'a Router, role: Role) -> Client<'a> {
        let mut c = Client::new(app);
        let res = c.sign_in(username(role), PASSWORD).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{role} signs in");
        assert_eq!(res.location.as_deref(), Some(role.home()));
        // Load a page so the client holds a CSRF token for this session.
        let home = c.get(role.home()).await;
        assert_eq!(home.status, StatusCode::OK, "{role} home page");
        c
    }
}

pub fn stored_counts(ds: &Dataset) -> HashMap<&'static str, usize> {
    HashMap::from([
        ("reviews", ds.reviews.len()),
        ("midway", ds.midway_checks.len()),
        ("visits", ds.visits.len()),
        ("allocations", ds.allocations.len()),
        ("challenges", ds.challenges.len()),
    ])
}

/// The children the annual report's drill-down lists for a measure's cell,
/// for the collection year to date (the period of the dashboard's year
/// figures).
pub async fn report_drilldown(t: &TestApp, measure: &str, cell: &str) -> Vec<String> {
    let ds = t.store.load_dataset().await.expect("read");
    let settings = t.store.measure_settings().await.expect("settings");
    let report = footprint_report::AnnualReport::compute_as_of(
        &ds,
        footprint_domain::dates::CollectionYear::of(today()),
        today(),
        &settings,
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
        Vec::new(),
        false,
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
    json["drilldown"][measure][cell]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().expect("id").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The settings form as the browser sends it for the statutory review
/// policy, stages "informal" and "stage 1" (5 working days each), and
/// no case records' timescales (left as they are; add `council_name`,
/// `timescale_KEY` fields, etc. as needed).
pub const STATUTORY_SETTINGS: &[(&str, &str)] = &[
    ("first_review_number", "20"),
    ("first_review_unit", "working_days"),
    ("counting", "calendar_months"),
    ("second_review_days", ""),
    ("later_review_days", ""),
    ("unregistered_months", "1"),
    ("post_move_number", ""),
    ("post_move_unit", "calendar_days"),
    ("short_breaks_first_months", "3"),
    ("short_breaks_then_months", "6"),
    ("adoption", "yes"),
    ("stage_name", "informal"),
    ("stage_days", "5"),
    ("stage_name", "stage 1"),
    ("stage_days", "5"),
    ("stage_name", ""),
    ("stage_days", ""),
];
