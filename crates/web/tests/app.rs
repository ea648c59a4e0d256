//! The real application on a real SQLite database: every route for every
//! role, CSRF, rate limiting, session expiry, and recording a review.

mod common;

use axum::http::StatusCode;
use common::*;
use footprint_domain::model::ChallengeStage;
use footprint_domain::model::IroId;
use footprint_store::{AuditQuery, NewChallenge};
use footprint_web::roles::{Access, Method, ROUTES};
use footprint_web::{Clock, Role, auth};

/// A valid form body for each POST route (`i` varies dates so that repeated
/// requests by different roles do not collide).
fn body_for(path: &str, role: Role, i: usize) -> Vec<(String, String)> {
    let day = format!("2025-03-{:02}", 1 + i);
    let v = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>()
    };
    match path {
        "/sign-in" => v(&[("username", username(role)), ("password", PASSWORD)]),
        "/children/{child}/reviews" => v(&[
            ("date", &day),
            ("participation", "PN1"),
            ("attendance", "carer"),
        ]),
        "/children/{child}/reviews/{review}" => v(&[
            ("participation", "PN2"),
            ("correction_reason", "The participation code was mistyped"),
            ("rec_text_0", "Arrange the Zanzibar follow-up"),
            ("rec_owner_0", "Social worker"),
            ("rec_due_0", "2025-02-01"),
        ]),
        "/children/{child}/midway-checks" => v(&[("midway_date", &day)]),
        "/children/{child}/midway-checks/{record}" => v(&[
            ("date", "2025-02-20"),
            ("iro", "IRO1"),
            ("correction_reason", "Recorded on the wrong day"),
        ]),
        // As held: nothing changes (303 all the same).
        "/children/{child}/allocations/{record}" => v(&[
            ("iro", "IRO1"),
            ("from", "2024-09-02"),
            ("correction_reason", "Checking every route"),
        ]),
        "/children/{child}/visits/{record}" => v(&[
            ("date", "2025-02-21"),
            ("kind", "phone"),
            ("iro", "IRO1"),
            ("correction_reason", "It was a phone call"),
        ]),
        "/children/{child}/health" => v(&[("kind", "dental_check"), ("date", &day)]),
        // The dental check seed_case_records holds, as held: nothing
        // changes (303 all the same).
        "/children/{child}/health/{kind}/{key}" => v(&[
            ("kind", "dental_check"),
            ("date", "2025-02-03"),
            ("correction_reason", "Checking every route"),
        ]),
        "/children/{child}/case-records" => {
            v(&[("kind", "views"), ("date", &day), ("route", "in_person")])
        }
        // The record seed_case_records holds: changed by the first role
        // allowed, as held for the next (303 all the same).
        "/children/{child}/case-records/{kind}/{id}" => v(&[
            ("kind", "views"),
            ("date", "2024-12-10"),
            ("route", "mind_of_my_own"),
            ("correction_reason", "Checking every route"),
        ]),
        // A new arrangement's first review, of a child not held.
        "/private-fostering" => v(&[("child", "PF9"), ("start", "2024-03-01"), ("date", &day)]),
        // The review seed_case_records holds.
        "/private-fostering/{child}/{id}" => v(&[
            ("start", "2024-01-15"),
            ("date", "2025-01-10"),
            ("correction_reason", "Checking every route"),
        ]),
        "/foster-carer-reviews" | "/foster-carer-reviews/{id}" => v(&[
            ("kind", "foster_carer_review"),
            ("household", "FH0009"),
            ("approved", "2024-01-01"),
            ("date", "2025-01-01"),
            ("carer_kind", "first"),
            ("to_panel", "no"),
            ("correction_reason", "Checking every route"),
        ]),
        "/children/{child}/name" => v(&[("given_name", "Robin"), ("family_name", "Testname")]),
        "/children/{child}/reviews/sent" => {
            v(&[("review", "2024-12-10"), ("what", "record"), ("date", &day)])
        }
        "/children/{child}/visits" => v(&[("visit_date", &day), ("visit_kind", "in_person")]),
        // Recorded, then removed again (the routes are tried in this order).
        "/children/{child}/siblings" | "/children/{child}/siblings/remove" => {
            v(&[("sibling", "C2")])
        }
        "/children/{child}/recommendations/{index}/complete" => v(&[("review", "2024-12-10")]),
        "/children/{child}/review-date-changes" => {
            v(&[("proposed", "2025-06-20"), ("reason", "court")])
        }
        "/children/{child}/challenges" => v(&[
            ("raised", &day),
            ("stage", "informal"),
            ("themes", "Placement"),
            ("concern", "The placement plan has not been reviewed"),
        ]),
        "/challenges/{challenge}/respond" => v(&[
            ("date", "2025-03-12"),
            ("response", "The plan will be reviewed this week"),
        ]),
        "/challenges/{challenge}/cafcass" => v(&[("date", "2025-03-12")]),
        "/challenges/{challenge}/escalate" => v(&[("date", "2025-03-12"), ("to", "stage 1")]),
        "/challenges/{challenge}/close" => v(&[
            ("date", "2025-03-12"),
            ("outcome", "resolved"),
            ("outcome_text", "The plan was reviewed"),
        ]),
        // The challenge as the actions above left it: nothing changes (303
        // all the same).
        "/challenges/{challenge}/correct" => v(&[
            ("raised", "2025-03-03"),
            ("themes", "Placement"),
            ("stage_0_responded", "2025-03-12"),
            ("stage_1_started", "2025-03-12"),
            ("cafcass", "2025-03-12"),
            ("resolved", "2025-03-12"),
            ("outcome", "resolved"),
            ("correction_reason", "Checking every route"),
        ]),
        "/allocations" => v(&[("child", "C4"), ("iro", "IRO2"), ("from", &day)]),
        // Ends the allocation the line above made (the routes are tried in
        // this order).
        "/allocations/end" => v(&[("child", "C4"), ("to", "2025-03-12")]),
        "/review-date-changes/{request}/decision" => v(&[("decision", "approve")]),
        "/reports/documents" => v(&[
            ("document", "annual"),
            ("year", "2023-24"),
            ("format", "json"),
        ]),
        // A form without files: refused as a bad request, not forbidden
        // (uploads are tested in tests/returns.rs).
        "/returns/upload" => v(&[("kind", "ssda903")]),
        "/reports/narrative" => v(&[
            ("year", "2023-24"),
            ("section", "working_well"),
            ("text", "The service grew."),
        ]),
        "/reports/words" => v(&[
            ("year", "2023-24"),
            ("post", "Independent Reviewing Officer"),
            ("fte", "6.5"),
        ]),
        "/reports/settings" => v(&[
            ("target_measure", "reviews.in_time_pct"),
            ("target_value", "90"),
            ("population_all", "40000"),
        ]),
        "/admin/users" => vec![
            ("name".to_owned(), format!("new-user-{i}")),
            ("role".to_owned(), "analyst".to_owned()),
            ("password".to_owned(), PASSWORD.to_owned()),
        ],
        "/admin/settings" => v(STATUTORY_SETTINGS),
        "/admin/settings/lists/{list}" => v(&[("rows", "1"), ("label-1", "Heavy snow")]),
        "/admin/settings/themes" | "/admin/settings/themes/{theme}" => {
            v(&[("rows", "1"), ("label-1", "Heavy snow")])
        }
        "/sign-out" => vec![],
        "/account/password" => v(&[
            ("current_password", PASSWORD),
            ("new_password", "kettle marigold lantern"),
            ("confirm_password", "kettle marigold lantern"),
        ]),
        "/admin/users/{user}/role" => v(&[("role", "business_support")]),
        "/admin/users/{user}/disable"
        | "/admin/users/{user}/enable"
        | "/admin/users/{user}/password-reset" => vec![],
        "/password-reset" => v(&[
            ("new_password", "copper violin harbour"),
            ("confirm_password", "copper violin harbour"),
        ]),
        "/children/{child}/reviews/{review}/record" => v(&[
            ("child_views", "Wants to stay at the same school"),
            ("views_given", "at_review"),
            ("section_working_well", "Settled"),
            ("section_worries", "Contact"),
            ("section_next_steps", "Keep going"),
            ("attendees", "Carer"),
            ("send_to", "child"),
            ("reason", "Checking every route"),
        ]),
        // The IRO (first) issues the decisions, the manager the record.
        "/children/{child}/reviews/{review}/record/issue" => v(&[(
            "what",
            if role == Role::Iro {
                "decisions"
            } else {
                "record"
            },
        )]),
        "/children/{child}/reviews/{review}/letter" => {
            v(&[("audience", "standard"), ("text", "Dear Robin,\n\nWe met.")])
        }
        "/children/{child}/reviews/{review}/sent-to" => v(&[
            ("document", "decisions"),
            ("recipient", "child"),
            ("how", "post"),
            ("date", "2025-03-12"),
        ]),
        other => panic!("no test body for POST {other}"),
    }
}

/// Gives C1 recorded reviews with a recommendation, so the "complete"
/// route has something to complete (10 Dec 2024) and the review's record
/// routes a review to write on (20 Sep 2024).
async fn seed_recommendation(t: &TestApp) {
    for on in ["2024-12-10", "2024-09-20"] {
        let mut r = t
            .store
            .review(&child_id("C1"), d(on))
            .await
            .expect("read")
            .expect("review exists");
        r.details = Some(footprint_domain::model::ReviewDetails {
            recommendations: vec![footprint_domain::model::Recommendation {
                text: "Arrange the Zanzibar follow-up".into(),
                owner: "Social worker".into(),
                due: d("2025-02-01"),
                completed: None,
            }],
            ..Default::default()
        });
        t.store.update_review(&r).await.expect("update");
    }
}

/// A midway check and a visit on C1 for their pages and corrections:
/// their ids, and C1's allocation's.
/// A record of the child's views for C1 and a foster carer review, both
/// with the id `T1`, and C1's dental check of 3 February 2025, for their
/// correction routes.
async fn seed_case_records(t: &TestApp) {
    use footprint_domain::case_records::*;
    t.store
        .record_health_education(
            &footprint_domain::health_education::HealthEducationRecord::DentalCheck(
                footprint_domain::health_education::DentalCheck {
                    child: child_id("C1"),
                    date: d("2025-02-03"),
                },
            ),
        )
        .await
        .expect("dental check recorded");
    t.store
        .add_case_records(
            &[
                CaseRecord::Views(ChildViews {
                    id: "T1".into(),
                    child: child_id("C1"),
                    review_date: d("2024-12-10"),
                    route: ViewsRoute::InPerson.key().to_owned(),
                }),
                CaseRecord::PrivateFosteringReview(PrivateFosteringReview {
                    id: "T1".into(),
                    child: child_id("C1"),
                    arrangement_start: d("2024-01-15"),
                    date: d("2025-01-15"),
                    arrangement_end: None,
                }),
                CaseRecord::FosterCarerReview(FosterCarerReview {
                    id: "T1".into(),
                    household: "FH0009".into(),
                    approved: d("2024-01-01"),
                    date: d("2025-01-01"),
                    kind: CarerReviewKind::First,
                    to_panel: true,
                }),
            ],
            "test",
        )
        .await
        .expect("case records added");
}

async fn seed_midway_check_and_visit(t: &TestApp) -> (i64, i64, i64) {
    t.store
        .record_midway_check(&footprint_domain::model::MidwayCheck {
            child: child_id("C1"),
            date: d("2025-02-10"),
            iro: None,
        })
        .await
        .expect("check recorded");
    t.store
        .record_visit(&footprint_domain::model::IroVisit {
            child: child_id("C1"),
            date: d("2025-02-11"),
            kind: footprint_domain::model::VisitKind::InPerson,
            iro: None,
        })
        .await
        .expect("visit recorded");
    (
        t.store
            .midway_checks_held(&child_id("C1"))
            .await
            .expect("read")[0]
            .id,
        t.store.visits_held(&child_id("C1")).await.expect("read")[0].id,
        t.store
            .allocations_held(&child_id("C1"))
            .await
            .expect("read")[0]
            .id,
    )
}

async fn fresh_challenge(t: &TestApp) -> i64 {
    t.store
        .raise_challenge(&NewChallenge {
            child: child_id("C1"),
            iro: Some(IroId("IRO1".into())),
            raised: d("2025-03-03"),
            themes: vec!["Placement".into()],
            sub_theme: None,
            first_stage: ChallengeStage {
                stage: "informal".into(),
                started: d("2025-03-03"),
                timescale_working_days: 5,
                responded: None,
            },
        })
        .await
        .expect("challenge raised")
        .id
}

/// A one-time password reset code for the user "target".
async fn fresh_reset_code(t: &TestApp) -> String {
    let code = auth::new_reset_code();
    t.store
        .issue_password_reset(
            "target",
            &auth::reset_code_hash(&code),
            "admin",
            t.clock.now().timestamp() + 3600,
        )
        .await
        .expect("reset issued");
    code
}

async fn fresh_request(t: &TestApp) -> i64 {
    // One request per child may wait for a decision: close any left by the
    // previous role's requests, then ask for C3 (as someone other than the
    // manager, who may not decide their own).
    for c in t.store.review_date_changes().await.expect("requests") {
        if c.status == footprint_domain::model::DateChangeStatus::Pending {
            t.store
                .decide_review_date_change(c.id, false, "test-cleanup")
                .await
                .expect("closed");
        }
    }
    t.store
        .request_review_date_change(&footprint_store::NewReviewDateChange {
            child: child_id("C3"),
            requested_on: today(),
            proposed: d("2025-04-20"),
            reason: footprint_domain::model::DateChangeReason::COURT,
            requested_by: "another-iro".into(),
        })
        .await
        .expect("request recorded")
        .id
}

fn concrete(
    path: &str,
    challenge: i64,
    request: i64,
    user: i64,
    job: u64,
    (check, visit, allocation): (i64, i64, i64),
) -> String {
    let record = if path.contains("/midway-checks/") {
        check
    } else if path.contains("/allocations/") {
        allocation
    } else {
        visit
    };
    // The review's record is written on another review than the one the
    // "sent" form records dates on (a record written in Footprint refuses it).
    let record_route = ["/record", "/letter", "/documents/", "/sent-to"]
        .iter()
        .any(|p| path.contains(p));
    let review = if record_route {
        "2024-09-20"
    } else {
        "2024-12-10"
    };
    let file = if path.starts_with("/children") {
        "record.docx"
    } else {
        "footprint.css"
    };
    if path == "/reports/annual/figures" {
        return format!("{path}?year=2024-25&measure=reviews.held&cell=");
    }
    // The records seed_case_records holds.
    let path = if path.contains("/case-records/")
        || path.starts_with("/foster-carer-reviews/")
        || path.starts_with("/private-fostering/")
    {
        path.replace("{kind}", "views").replace("{id}", "T1")
    } else if path.contains("/health/") {
        path.replace("{kind}", "dental_check")
            .replace("{key}", "2025-02-03")
    } else {
        path.to_owned()
    };
    path.replace("{child}", "C1")
        .replace("{job}", &job.to_string())
        .replace("{figure}", "in_time_year")
        .replace("{user}", &user.to_string())
        .replace("{challenge}", &challenge.to_string())
        .replace("{request}", &request.to_string())
        .replace("{index}", "0")
        .replace("{list}", "late_reasons")
        .replace("{theme}", "placement")
        .replace("{review}", review)
        .replace("{file}", file)
        .replace("{record}", &record.to_string())
}

#[tokio::test]
async fn every_route_allows_exactly_its_roles() {
    let t = app().await;
    seed_recommendation(&t).await;
    let records = seed_midway_check_and_visit(&t).await;
    seed_case_records(&t).await;
    // Sign-out last: it ends the session the other requests use.
    let mut rules: Vec<_> = ROUTES.iter().collect();
    rules.sort_by_key(|r| r.path == "/sign-out");
    let mut checked = 0;
    // A user for the administrator's changes to act on.
    auth::add_user(&t.store, "target", Role::Analyst, None, PASSWORD)
        .await
        .expect("user added");
    let target = t
        .store
        .user_by_name("target")
        .await
        .expect("read")
        .expect("added")
        .id;
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let mut client = Client::signed_in_as(&t.app, role).await;
        let challenge = fresh_challenge(&t).await;
        let request = fresh_request(&t).await;
        let code = fresh_reset_code(&t).await;
        // A finished report of this user's, for the jobs' pages.
        let job = t
            .state
            .jobs
            .start(username(role), "report", "a report".into(), t.clock.now());
        t.state.jobs.finish_with_file(
            job,
            vec![],
            footprint_web::jobs::JobFile {
                name: "report.json".into(),
                content_type: "application/json",
                bytes: std::sync::Arc::new(b"{}".to_vec()),
            },
        );
        for rule in &rules {
            let path = concrete(rule.path, challenge, request, target, job, records);
            let res = match rule.method {
                Method::Get => client.get(&path).await,
                Method::Post => {
                    let mut body = body_for(rule.path, role, i);
                    if rule.path == "/password-reset" {
                        body.push(("code".to_owned(), code.clone()));
                    }
                    let fields: Vec<(&str, &str)> =
                        body.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    client.post(&path, &fields).await
                }
            };
            let allowed = rule.access.allows(role);
            if allowed {
                let ok = match rule.method {
                    Method::Get => {
                        res.status == StatusCode::OK || res.status == StatusCode::SEE_OTHER
                    }
                    // The reset code is shown on the page that made it, once.
                    Method::Post if rule.path == "/admin/users/{user}/password-reset" => {
                        res.status == StatusCode::OK
                    }
                    Method::Post if rule.path == "/returns/upload" => {
                        res.status == StatusCode::BAD_REQUEST
                    }
                    Method::Post => res.status == StatusCode::SEE_OTHER,
                };
                assert!(
                    ok,
                    "{role} {} {path}: expected success, got {}: {}",
                    rule.method.as_str(),
                    res.status,
                    excerpt(&res.body)
                );
                if res.status == StatusCode::SEE_OTHER && rule.path != "/sign-out" {
                    assert_ne!(
                        res.location.as_deref(),
                        Some("/sign-in"),
                        "{role} {path} sent to sign in"
                    );
                }
            } else {
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{role} {} {path} must be refused",
                    rule.method.as_str()
                );
            }
            checked += 1;
        }
        // Signed out by the last request: the session is over.
        let after = client.get(role.home()).await;
        assert_eq!(
            after.location.as_deref(),
            Some("/sign-in"),
            "{role} signed out"
        );
    }
    // Anonymous: public routes answer, everything else sends to sign-in.
    let mut anon = Client::new(&t.app);
    anon.get("/sign-in").await;
    let challenge = fresh_challenge(&t).await;
    let request = fresh_request(&t).await;
    for rule in &rules {
        let path = concrete(rule.path, challenge, request, target, 1, records);
        let res = match rule.method {
            Method::Get => anon.get(&path).await,
            Method::Post => {
                anon.post(
                    &path,
                    &[("username", "nobody"), ("password", "wrong password!")],
                )
                .await
            }
        };
        match rule.access {
            Access::Public => assert!(
                res.status == StatusCode::OK || res.status == StatusCode::UNPROCESSABLE_ENTITY,
                "anonymous {path}: {}",
                res.status
            ),
            _ => {
                assert_eq!(
                    res.status,
                    StatusCode::SEE_OTHER,
                    "anonymous {} {path}",
                    rule.method.as_str()
                );
                assert_eq!(
                    res.location.as_deref(),
                    Some("/sign-in"),
                    "anonymous {path}"
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, ROUTES.len() * (Role::ALL.len() + 1));
}

fn excerpt(body: &str) -> String {
    let start = body.find("<main").unwrap_or(0);
    body[start..].chars().take(600).collect()
}

#[tokio::test]
async fn posts_without_a_valid_token_or_from_another_site_are_refused() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let form = [("midway_date", "2025-03-10")];
    let before = t
        .store
        .load_dataset()
        .await
        .expect("load")
        .midway_checks
        .len();

    let no_token = c
        .post_raw(
            "/children/C1/midway-checks",
            &form,
            Some("http://footprint.test"),
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);

    let wrong = c
        .post_raw(
            "/children/C1/midway-checks",
            &[form[0], ("csrf_token", "0000")],
            Some("http://footprint.test"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);

    let token = c.csrf.clone().expect("token on page");
    let cross_site = c
        .post_raw(
            "/children/C1/midway-checks",
            &[form[0], ("csrf_token", &token)],
            Some("http://evil.example"),
        )
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);

    // Another session's token is no good either.
    let other = Client::signed_in_as(&t.app, Role::Manager).await;
    let theirs = other.csrf.clone().expect("token");
    let swapped = c
        .post_raw(
            "/children/C1/midway-checks",
            &[form[0], ("csrf_token", &theirs)],
            Some("http://footprint.test"),
        )
        .await;
    assert_eq!(swapped.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.store
            .load_dataset()
            .await
            .expect("load")
            .midway_checks
            .len(),
        before,
        "nothing written"
    );

    let ok = c.post("/children/C1/midway-checks", &form).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.store
            .load_dataset()
            .await
            .expect("load")
            .midway_checks
            .len(),
        before + 1
    );
}

#[tokio::test]
async fn repeated_failed_sign_ins_lock_the_username() {
    let t = app_with(fast_limits()).await;
    let mut c = Client::new(&t.app);
    for _ in 0..3 {
        let res = c.sign_in("iro1", "not the password").await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Enter a correct username and password"));
    }
    // Now even the right password is refused, without being checked.
    let locked = c.sign_in("iro1", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("Too many failed attempts"));
    // Other users are not locked out by it.
    let other = c.sign_in("manager", PASSWORD).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    // After the window the user can sign in again.
    t.clock.advance(chrono::Duration::minutes(16));
    let mut fresh = Client::new(&t.app);
    let res = fresh.sign_in("iro1", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Failed attempts are audited (with no password).
    let log = t
        .store
        .audit_log(&AuditQuery::default())
        .await
        .expect("log");
    assert_eq!(
        log.iter().filter(|e| e.action == "sign_in.failed").count(),
        3
    );
    assert!(log.iter().all(|e| !e.detail.contains("not the password")));
}

#[tokio::test]
async fn sessions_expire_when_idle_and_after_eight_hours() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    t.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(c.get("/caseload").await.status, StatusCode::OK);
    t.clock.advance(chrono::Duration::minutes(31));
    let idle = c.get("/caseload").await;
    assert_eq!(idle.status, StatusCode::SEE_OTHER);
    assert_eq!(idle.location.as_deref(), Some("/sign-in?expired=idle"));
    // Signed out for good: the next request is plainly anonymous.
    let after = c.get("/caseload").await;
    assert_eq!(after.location.as_deref(), Some("/sign-in"));

    // Active all day: still signed out at 8 hours.
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    for _ in 0..24 {
        t.clock.advance(chrono::Duration::minutes(20));
        assert_eq!(c.get("/caseload").await.status, StatusCode::OK);
    }
    t.clock.advance(chrono::Duration::minutes(20));
    let absolute = c.get("/caseload").await;
    assert_eq!(
        absolute.location.as_deref(),
        Some("/sign-in?expired=absolute")
    );
    let page = c.get("/sign-in?expired=absolute").await;
    assert!(page.body.contains("longest time allowed"));
}

#[tokio::test]
async fn recording_a_review_moves_the_next_due_date_and_is_audited() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    // C2 has had no review: the first is overdue, 20 working days from 6 Jan.
    let caseload = c.get("/caseload").await;
    let first_row = caseload.body.find("data-child=\"C2\"").expect("C2 listed");
    let c1_row = caseload.body.find("data-child=\"C1\"").expect("C1 listed");
    assert!(first_row < c1_row, "overdue C2 comes first");
    assert!(
        !caseload.body.contains("data-child=\"C3\""),
        "C3 is another IRO's"
    );

    let page = c.get("/children/C2").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(next_due(&page.body).as_deref(), Some("3 Feb 2025"));
    assert!(page.body.contains("Overdue"));

    // The form offers a reason for lateness, with the due date as a hint.
    let form = c.get("/children/C2/reviews/new").await;
    assert!(form.body.contains("Reason the review is late"));
    assert!(form.body.contains("the next review is due by 3 Feb 2025"));
    assert!(form.body.contains("value=\"court_hearing\""));

    let fields = [
        ("date", "2025-03-10"),
        ("participation", "PN1"),
        ("attendance", "carer"),
        ("attendance", "social_worker"),
        ("sw_report", "received"),
        ("sw_report_date", "2025-03-03"),
        ("decisions_issued", "2025-03-11"),
        ("quality", "good"),
        ("rec_text_0", "Arrange a dental check"),
        ("rec_owner_0", "Carer"),
        ("rec_due_0", "2025-04-30"),
    ];
    // 10 March is after the 3 February due date: the reason is required.
    let res = c.post("/children/C2/reviews", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("id=\"late_reason-error\"")
            && res.body.contains("Select why the review was held late"),
        "{}",
        excerpt(&res.body)
    );
    assert!(
        t.store
            .reviews_of(&child_id("C2"))
            .await
            .expect("read")
            .is_empty(),
        "nothing written"
    );

    let mut with_reason = fields.to_vec();
    with_reason.push(("late_reason", "social_worker_unavailable"));
    let res = c.post("/children/C2/reviews", &with_reason).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get("/children/C2").await;
    // Review 2 is due three months after review 1.
    assert_eq!(next_due(&page.body).as_deref(), Some("10 Jun 2025"));
    assert!(page.body.contains("Review of 10 Mar 2025 recorded"));
    assert!(page.body.contains("Arrange a dental check"));
    // The reason is shown beside the late review.
    assert!(
        page.body.contains(">Late</strong><span class=\"govuk-!-display-block govuk-body-s govuk-!-margin-0 fp-late-reason\">Social worker unavailable (illness or leave)</span>"),
        "{}",
        excerpt(&page.body)
    );

    let stored = t
        .store
        .review(&child_id("C2"), d("2025-03-10"))
        .await
        .expect("read")
        .expect("stored");
    let details = stored.details.expect("details");
    assert_eq!(details.chair, Some(IroId("IRO1".into())));
    assert_eq!(details.attendance.len(), 2);
    assert_eq!(details.recommendations.len(), 1);
    assert_eq!(
        details.late_reason,
        footprint_domain::model::LateReason::SocialWorkerUnavailable.held()
    );

    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C2")),
            ..Default::default()
        })
        .await
        .expect("log");
    assert!(
        log.iter()
            .any(|e| e.action == "review.record" && e.actor == "iro1")
    );
    assert!(log.iter().filter(|e| e.action == "child.view").count() >= 2);
    assert!(
        log.iter().all(|e| !e.detail.contains("dental")),
        "no free text in the audit log"
    );
}

#[tokio::test]
async fn a_bad_review_form_names_each_problem_and_writes_nothing() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    c.get("/children/C2/reviews/new").await;
    let res = c
        .post(
            "/children/C2/reviews",
            &[
                ("date", "2026-01-01"),
                ("participation", "PN9"),
                ("decisions_issued", "31/02/2025"),
                ("rec_text_0", "Something"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "must be today or in the past",
        "PN9",
        "Date the decisions were issued",
        "Recommendation 1: enter who owns it",
        "Recommendation 1: enter the date it is due",
    ] {
        assert!(res.body.contains(msg), "missing {msg:?}");
    }
    assert!(
        res.body.contains("value=\"Something\"") || res.body.contains(">Something</textarea>"),
        "input kept"
    );
    assert_eq!(
        t.store
            .reviews_of(&child_id("C2"))
            .await
            .expect("read")
            .len(),
        0
    );
}

#[tokio::test]
async fn the_dashboard_and_lists_show_the_councils_figures() {
    let t = app().await;
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let dash = m.get("/dashboard").await;
    assert_eq!(dash.status, StatusCode::OK);
    // C2's first review is overdue; C1's and C3's are not.
    assert!(
        dash.body
            .contains("data-figure=\"overdue_now\" data-count=\"1\""),
        "{}",
        excerpt(&dash.body)
    );
    assert!(dash.body.contains("Alex Example"));

    let mut s = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let due = s.get("/due?month=2025-03").await;
    assert!(
        due.body.contains("Sam Sample (1)"),
        "C3 due 20 Mar under IRO2"
    );
    assert!(due.body.contains("/children/C3"));
    let june = s.get("/due?month=2025-06").await;
    assert!(june.body.contains("/children/C1"));
    let bad = s.get("/due?month=June").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let out = s.get("/outstanding").await;
    assert!(
        out.body.contains("/children/C3"),
        "C3's decisions and record are overdue"
    );

    let mut i = Client::signed_in_as(&t.app, Role::Iro).await;
    let ch = i.get("/challenges").await;
    assert!(
        ch.body.contains("Overdue"),
        "the informal challenge has had no response in 5 working days"
    );
}

#[tokio::test]
async fn analysts_see_no_free_text_about_children() {
    let t = app().await;
    seed_recommendation(&t).await;
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    for path in ["/reports", "/data-quality"] {
        let res = a.get(path).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(!res.body.contains("Zanzibar"));
    }
    assert_eq!(a.get("/children/C1").await.status, StatusCode::FORBIDDEN);
    // The manager's narrative reaches the report the analyst reads.
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    m.get("/reports?year=2024-25").await;
    let saved = m
        .post(
            "/reports/narrative",
            &[
                ("year", "2024-25"),
                ("section", "working_well"),
                ("text", "Reviews are timelier."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        m.post(
            "/reports/narrative",
            &[("year", "2024-25"), ("section", "nope"), ("text", "x")]
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    // An introduction to a section, and the year's lists: last year's
    // action plan with progress, next year's plan, "you said, we did",
    // feedback and staffing, each list's blank rows left out.
    let intro = m
        .post(
            "/reports/narrative",
            &[
                ("year", "2024-25"),
                ("section", "reviews"),
                ("text", "Reviews introduction."),
            ],
        )
        .await;
    assert_eq!(intro.status, StatusCode::SEE_OTHER);
    let words: Vec<(&str, &str)> = vec![
        ("year", "2024-25"),
        ("progress_action", "Midway checks for every child"),
        ("progress_target", "90%"),
        ("progress_owner", "Service manager"),
        ("progress_status", "in_progress"),
        ("progress_text", "Reached 78%"),
        ("progress_action", ""),
        ("progress_target", ""),
        ("progress_owner", ""),
        ("progress_status", ""),
        ("progress_text", ""),
        ("plan_action", "Records within 15 working days"),
        ("plan_target", "90%"),
        ("plan_owner", "Team manager"),
        ("plan_action", ""),
        ("plan_target", ""),
        ("plan_owner", ""),
        ("you_said", "Reviews are too long"),
        ("we_did", "Shorter reviews"),
        ("feedback_from", "a foster carer"),
        ("feedback_text", "The IRO knew the child well."),
        ("post", "Independent Reviewing Officer"),
        ("fte", "6.5"),
        ("post", ""),
        ("fte", ""),
        ("cover_committee", "Corporate Parenting Panel"),
        ("cover_meeting_date", "2025-05-13"),
        ("cover_key_decision", "no"),
        ("cover_wards", "All wards"),
        ("governance_meeting", "Directorate Leadership Team"),
        ("governance_date", "2025-04-22"),
        ("governance_outcome", "Approved"),
        ("governance_meeting", ""),
        ("governance_date", ""),
        ("governance_outcome", ""),
    ];
    let saved = m.post("/reports/words", &words).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let (version, body) = t
        .store
        .report_words(footprint_domain::dates::CollectionYear::new(2024))
        .await
        .unwrap()
        .expect("saved");
    assert_eq!(version, 1);
    assert_eq!(body["last_year_actions"].as_array().unwrap().len(), 1);
    assert_eq!(body["last_year_actions"][0]["status"], "in_progress");
    assert_eq!(body["staffing"][0]["fte"], 6.5);
    assert_eq!(body["cover"]["committee"], "Corporate Parenting Panel");
    assert_eq!(body["cover"]["meeting_date"], "2025-05-13");
    assert_eq!(body["cover"]["key_decision"], false);
    assert_eq!(body["governance"].as_array().unwrap().len(), 1);
    assert_eq!(body["governance"][0]["date"], "2025-04-22");
    // The screen shows what was saved; next year's screen carries the plan
    // forward as its "last year's action plan".
    let page = m.get("/reports?year=2024-25").await.body;
    assert!(page.contains("Reached 78%") && page.contains("Shorter reviews"));
    let next = m.get("/reports?year=2025-26").await.body;
    assert!(next.contains("Records within 15 working days"));
    // A bad FTE or status is refused naming the row; nothing is saved.
    for (field, value) in [
        ("fte", "six"),
        ("progress_status", "done"),
        ("cover_meeting_date", "13/05/2025"),
        ("cover_key_decision", "maybe"),
        ("governance_date", "next week"),
        ("governance_meeting", " "),
    ] {
        let bad: Vec<(&str, &str)> = words
            .iter()
            .map(|&(k, v)| {
                if k == field && !v.is_empty() {
                    (k, value)
                } else {
                    (k, v)
                }
            })
            .collect();
        let refused = m.post("/reports/words", &bad).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{field}");
    }
    assert_eq!(
        t.store
            .report_words(footprint_domain::dates::CollectionYear::new(2024))
            .await
            .unwrap()
            .map(|(v, _)| v),
        Some(1)
    );
    let report = a.get("/reports/annual?year=2024-25").await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("Reviews are timelier."));
    for text in [
        "Reviews introduction.",
        "Midway checks for every child",
        "Reached 78%",
        "Records within 15 working days",
        "Shorter reviews",
        "The IRO knew the child well.",
        "Independent Reviewing Officer",
        "Report to Corporate Parenting Panel",
        "13 May 2025",
        "Directorate Leadership Team",
        "22 April 2025",
    ] {
        assert!(report.body.contains(text), "{text}");
    }
    assert!(
        report.body.contains("<svg") || report.body.contains("<table"),
        "figures drawn"
    );
    assert!(!report.body.contains("Zanzibar"));
    assert_eq!(
        a.get("/reports/annual?year=2024").await.status,
        StatusCode::BAD_REQUEST
    );
    let nav = a.get("/reports").await.body;
    assert!(
        !nav.contains("href=\"/children\""),
        "no link the analyst cannot follow"
    );
}

#[tokio::test]
async fn a_childs_name_is_recorded_shown_where_the_child_is_and_never_audited_or_shown_to_analysts()
{
    let t = app().await;
    let mut s = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    // Half a name is refused, saying which half, and nothing is written.
    let bad = s
        .post(
            "/children/C3/name",
            &[("given_name", "Sam"), ("family_name", " ")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("The family name is blank."),
        "{}",
        excerpt(&bad.body)
    );
    assert_eq!(
        t.store
            .child(&"C3".parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .child
            .name,
        None
    );

    let saved = s
        .post(
            "/children/C3/name",
            &[("given_name", "Zebedee"), ("family_name", "Quartermaine")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = s.get("/children/C3").await;
    assert!(
        page.body
            .contains("<h1 class=\"govuk-heading-l\">Zebedee Quartermaine</h1>")
    );
    // The due list names the child, with the identifier beside the name.
    let due = s.get("/due?month=2025-03").await;
    assert!(
        due.body
            .contains(">Zebedee Quartermaine</a> <span class=\"fp-child-id\">C3</span>"),
        "{}",
        excerpt(&due.body)
    );
    // Found by name in the children list, any case.
    let found = s.get("/children?q=quarter").await;
    assert!(found.body.contains("/children/C3"));
    assert!(!found.body.contains("/children/C1\""));

    let mut i = Client::signed_in_as(&t.app, Role::Iro).await;
    let caseload = i.get("/caseload").await;
    if caseload.body.contains("/children/C3") {
        assert!(caseload.body.contains("Zebedee Quartermaine"));
    }

    // The audit log says the name changed, never what it is.
    let entries = t.store.audit_log(&AuditQuery::default()).await.unwrap();
    let named = entries
        .iter()
        .filter(|e| e.action == "child.name")
        .collect::<Vec<_>>();
    assert_eq!(named.len(), 1);
    assert!(
        entries
            .iter()
            .all(|e| !e.detail.contains("Zebedee") && !e.detail.contains("Quartermaine"))
    );

    // Analysts work from identifiers only.
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    for path in ["/reports", "/data-quality"] {
        assert!(!a.get(path).await.body.contains("Quartermaine"));
    }
    assert_eq!(
        a.post(
            "/children/C3/name",
            &[("given_name", "X"), ("family_name", "Y")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // Both parts blank removes the name: a correction, so it needs a reason
    // and the name held is kept as an earlier version.
    let refused = s
        .post(
            "/children/C3/name",
            &[("given_name", ""), ("family_name", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let removed = s
        .post(
            "/children/C3/name",
            &[
                ("given_name", ""),
                ("family_name", ""),
                ("name_reason", "Recorded against the wrong child"),
            ],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let versions = t
        .store
        .record_versions(&"C3".parse().unwrap(), "name", "C3")
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].changed, ["name"]);
    assert!(versions[0].earlier.to_string().contains("Quartermaine"));
    assert!(!s.get("/children/C3").await.body.contains("Quartermaine"));
}

#[tokio::test]
async fn business_support_record_when_decisions_and_records_went_out_from_the_overdue_list() {
    let t = app().await;
    let mut s = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let before = s.get("/outstanding").await;
    assert!(before.body.contains("action=\"/children/C3/reviews/sent\""));
    let rows = |body: &str| body.matches("<tr class=\"govuk-table__row\">").count();
    let n = rows(&before.body);

    let post = |date: &'static str, what: &'static str| {
        vec![("review", "2024-09-20"), ("what", what), ("date", date)]
    };
    // Before the review, in the future, or not a date: refused, nothing written.
    for (date, says) in [
        ("2024-09-19", "cannot be before the review"),
        ("2099-01-01", "cannot be in the future"),
        ("soon", "Enter a real date"),
    ] {
        let res = s
            .post("/children/C3/reviews/sent", &post(date, "record"))
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{date}");
        assert!(res.body.contains(says), "{date}: {}", excerpt(&res.body));
    }
    let res = s
        .post("/children/C3/reviews/sent", &post("2024-10-01", "minutes"))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(s.get("/outstanding").await.body, before.body);

    let res = s
        .post("/children/C3/reviews/sent", &post("2024-10-01", "record"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/outstanding"));
    let stored = t
        .store
        .review(&child_id("C3"), d("2024-09-20"))
        .await
        .unwrap()
        .unwrap();
    let details = stored.details.unwrap();
    assert_eq!(details.record_circulated, Some(d("2024-10-01")));
    let after = s.get("/outstanding").await;
    assert!(after.body.contains("recorded as sent on 1 Oct 2024"));
    assert_eq!(rows(&after.body), n - 1, "the record is no longer overdue");

    // A review whose details are not recorded in Footprint is refused.
    let res = s
        .post(
            "/children/C3/reviews/sent",
            &[
                ("review", "2024-06-25"),
                ("what", "decisions"),
                ("date", "2024-07-01"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("record the review first"));

    let log = t
        .store
        .audit_log(&AuditQuery {
            action_prefix: Some("review.sent".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].detail,
        "record of the review of 2024-09-20 sent 2024-10-01"
    );
}

#[tokio::test]
async fn a_childs_page_shows_the_health_outcomes_of_the_903() {
    let t = app().await;
    let mut s = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let page = s.get("/children/C3").await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page
        .body
        .split("id=\"health-outcomes\"")
        .nth(1)
        .expect("a health table")
        .split("</table>")
        .next()
        .unwrap();
    assert!(table.contains("2024-25"), "{table}");
    assert!(table.contains("Score 17"), "{table}");
    // Assessment yes, immunisations yes, teeth no, development check blank.
    let cells: Vec<&str> = table
        .split("<td class=\"govuk-table__cell\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(cells, ["Yes", "Yes", "No", "Not recorded", "Score 17"]);
    let other = s.get("/children/C1").await;
    assert!(
        other
            .body
            .contains("No health outcomes (903 OC2) are held for this child.")
    );
}

/// Issue 12: an episode an earlier return left open, in a later return that
/// does not mention the child, is listed on the data quality page.
#[tokio::test]
async fn the_data_quality_page_lists_episodes_left_open_by_an_earlier_return() {
    use footprint_domain::model::{Child, Episode};
    let t = app().await;
    let child = |id: &str| Child {
        id: id.parse().unwrap(),
        sex: "2".parse().unwrap(),
        date_of_birth: "2012-01-01".parse().unwrap(),
        ethnicity: "WBRI".parse().unwrap(),
        upn: None,
        mother: None,
        mothers_child_dob: None,
        uasc: None,
        name: None,
    };
    let episode = |id: &str, start: &str| Episode {
        child: id.parse().unwrap(),
        start: start.parse().unwrap(),
        end: None,
        reason_new: "S".parse().unwrap(),
        legal_status: "C2".parse().unwrap(),
        category_of_need: Some("N1".parse().unwrap()),
        placement: "U4".parse().unwrap(),
        provider: Some("PR1".parse().unwrap()),
        reason_ceased: None,
        reason_place_change: None,
        home_postcode: None,
        placement_postcode: None,
        urn: None,
    };
    let batch = |year: &str, ids: &[&str]| footprint_store::ImportBatch {
        year: year.parse().unwrap(),
        source: format!("903 {year}"),
        children: ids.iter().map(|i| child(i)).collect(),
        episodes: ids.iter().map(|i| episode(i, "2019-06-01")).collect(),
        reviews: Vec::new(),
        missing: Vec::new(),
        health_outcomes: Vec::new(),
        tables: Default::default(),
        problems: Vec::new(),
    };
    t.store
        .import_return(&batch("2019-20", &["LEFT1", "KEPT1"]))
        .await
        .unwrap();
    t.store
        .import_return(&batch("2020-21", &["KEPT1"]))
        .await
        .unwrap();
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    let res = a.get("/data-quality").await;
    assert_eq!(res.status, StatusCode::OK);
    let from = res
        .body
        .find("Episodes left open by an earlier return")
        .expect("the section");
    let to = res.body.find("Recent imports").expect("the next section");
    let section = &res.body[from..to];
    assert!(section.contains("LEFT1"), "{section}");
    // (The page escapes '/' in the date.)
    assert!(
        section.contains("2019-20") && section.contains("2020-21"),
        "{section}"
    );
    assert!(!section.contains("KEPT1"), "{section}");
}

#[tokio::test]
async fn settings_are_validated_by_field_and_audited_with_their_values_before_and_after() {
    let t = app().await;
    let mut a = Client::signed_in_as(&t.app, Role::Admin).await;
    let page = a.get("/admin/settings").await;
    // The case records' timescales are fields of the form, with the
    // defaults.
    assert!(
        page.body
            .contains(r#"name="timescale_disruption_working_days" type="text" inputmode="numeric" spellcheck="false" value="20""#),
        "{}",
        page.body
    );
    let form = |name: &'static str, disruption: &'static str| {
        let mut f = STATUTORY_SETTINGS.to_vec();
        f.push(("council_name", name));
        f.push(("timescale_disruption_working_days", disruption));
        f.push(("timescale_case_alert_working_days", "10"));
        f
    };
    let res = a
        .post("/admin/settings", &form("Demo Borough Council", "15"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        t.store.setting("council_name").await.expect("read"),
        Some(serde_json::json!("Demo Borough Council"))
    );
    let settings = t.store.measure_settings().await.expect("settings");
    assert_eq!(settings.case_records.disruption_working_days, 15);
    assert_eq!(settings.case_records.case_alert_working_days, 10);
    let changes = |entries: Vec<footprint_store::AuditEntry>| -> Vec<String> {
        entries
            .into_iter()
            .filter(|e| e.action == "settings.change")
            .map(|e| e.detail)
            .collect()
    };
    let audit = t
        .store
        .audit_log(&AuditQuery {
            actor: Some("admin".into()),
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    let details = changes(audit);
    assert!(
        details.contains(
            &"setting=council_name;before=(not set);after=\"Demo Borough Council\"".to_owned()
        ),
        "{details:?}"
    );
    // The timescales are kept in the measure settings, audited with the
    // value before and after.
    let timescales = details
        .iter()
        .find(|d| d.starts_with("setting=report_settings;before=(not set);after="))
        .unwrap_or_else(|| panic!("{details:?}"));
    assert!(
        timescales.contains("\"disruption_working_days\":15"),
        "{timescales}"
    );
    // A name too long and a timescale out of range are refused on their
    // fields; nothing changes.
    let long: &'static str = Box::leak("x".repeat(101).into_boxed_str());
    let res = a.post("/admin/settings", &form(long, "0")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in [
        "council_name-error",
        "timescale_disruption_working_days-error",
    ] {
        assert!(
            res.body.contains(&format!("id=\"{id}\"")),
            "{id}: {}",
            res.body
        );
    }
    assert!(res.body.contains("Enter the working days for a disruption meeting after an unplanned ending as a whole number from 1 to 100"));
    assert!(res.body.contains("<title>Error: "));
    assert_eq!(
        t.store.setting("council_name").await.expect("read"),
        Some(serde_json::json!("Demo Borough Council"))
    );
    let res = a
        .post("/admin/settings", &form("Demo Borough Council", "101"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        t.store
            .measure_settings()
            .await
            .expect("settings")
            .case_records
            .disruption_working_days,
        15
    );
    // Saving what is held changes and audits nothing but the save.
    let before = changes(
        t.store
            .audit_log(&AuditQuery::default())
            .await
            .expect("audit"),
    )
    .len();
    let res = a
        .post("/admin/settings", &form("Demo Borough Council", "15"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = t
        .store
        .audit_log(&AuditQuery::default())
        .await
        .expect("audit");
    assert!(
        after
            .iter()
            .any(|e| e.action == "settings.save" && e.detail == "nothing changed")
    );
    assert_eq!(changes(after).len(), before);
}

#[tokio::test]
async fn a_challenge_theme_is_renamed_keeping_its_key_and_its_sub_themes_are_edited() {
    let t = app().await;
    let mut a = Client::signed_in_as(&t.app, Role::Admin).await;
    let page = a.get("/admin/settings").await;
    assert!(
        page.body.contains("href=\"/admin/settings/themes\""),
        "{}",
        page.body
    );
    let page = a.get("/admin/settings/themes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("href=\"/admin/settings/themes/placement\""),
        "{}",
        page.body
    );
    let held = t.store.challenge_themes().await.expect("themes");
    // Every theme as held, the second renamed.
    let rows = |label_2: &str, retired_1: bool| {
        let mut f: Vec<(String, String)> = vec![("rows".into(), held.0.len().to_string())];
        for (i, theme) in held.0.iter().enumerate() {
            let n = i + 1;
            f.push((format!("key-{n}"), theme.key.clone()));
            let label = if n == 2 {
                label_2.to_owned()
            } else {
                theme.label.clone()
            };
            f.push((format!("label-{n}"), label));
            f.push((format!("position-{n}"), n.to_string()));
            if n == 1 && retired_1 {
                f.push((format!("retired-{n}"), "yes".into()));
            }
        }
        f
    };
    let res = a
        .post_pairs(
            "/admin/settings/themes",
            &rows("Placements and moves", false),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let now = t.store.challenge_themes().await.expect("themes");
    assert_eq!(now.0.len(), held.0.len(), "a rename adds no theme");
    assert_eq!(now.0[1].key, "placement");
    assert_eq!(now.0[1].label, "Placements and moves");
    assert!(!now.0[1].retired);
    assert_eq!(now.0[1].sub_themes, held.0[1].sub_themes);
    // A record holding the key (or the name from before keys) shows the
    // new name.
    assert_eq!(now.label("placement"), "Placements and moves");
    assert_eq!(now.label("Placement"), "Placements and moves");
    let audit = t
        .store
        .audit_log(&AuditQuery::default())
        .await
        .expect("audit");
    assert!(audit.iter().any(|e| {
        e.action == "settings.change"
            && e.detail
                .starts_with("setting=challenge_themes;before=(not set);after=")
            && e.detail.contains("Placements and moves")
    }));
    // A name listed twice is refused on its row; nothing changes.
    let res = a
        .post_pairs(
            "/admin/settings/themes",
            &rows(&held.0[0].label.to_lowercase(), false),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"label-2-error\""), "{}", res.body);
    assert_eq!(t.store.challenge_themes().await.expect("themes"), now);

    // The sub-themes of a theme: one renamed, one added; a theme may have
    // none on offer.
    let subs = &now.0[1].sub_themes;
    let page = a.get("/admin/settings/themes/placement").await;
    assert!(page.body.contains(&subs.0[0].label), "{}", page.body);
    let mut f: Vec<(String, String)> = vec![("rows".into(), (subs.0.len() + 1).to_string())];
    for (i, e) in subs.0.iter().enumerate() {
        let n = i + 1;
        f.push((format!("key-{n}"), e.key.clone()));
        f.push((
            format!("label-{n}"),
            if n == 1 {
                "Is the placement right".into()
            } else {
                e.label.clone()
            },
        ));
        f.push((format!("retired-{n}"), "yes".into()));
    }
    let n = subs.0.len() + 1;
    f.push((format!("label-{n}"), "Distance from home".into()));
    f.push((format!("retired-{n}"), "yes".into()));
    let res = a.post_pairs("/admin/settings/themes/placement", &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = t.store.challenge_themes().await.expect("themes");
    let placement = &after.0[1];
    assert_eq!(placement.sub_themes.0[0].key, subs.0[0].key);
    assert_eq!(placement.sub_themes.0[0].label, "Is the placement right");
    assert_eq!(
        placement.sub_themes.0.last().map(|e| e.key.as_str()),
        Some("distance_from_home")
    );
    assert!(placement.sub_themes.0.iter().all(|e| e.retired));
    assert_eq!(after.0[0], now.0[0], "other themes untouched");
    // A theme that does not exist is not found.
    assert_eq!(
        a.get("/admin/settings/themes/nothing").await.status,
        StatusCode::NOT_FOUND
    );
}
