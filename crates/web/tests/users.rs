//! Users and signing in (issue 14, point 8, and the security findings):
//! administrators disable, enable, change the role of and reset the password
//! of users, every change audited; users change their own password; passwords
//! are checked as the NCSC advises; sign-in throttling slows a guesser without
//! locking out the right person; the CSRF check compares scheme, host and
//! port; errors never show internal type names; and the GOV.UK error pattern
//! on these pages.

mod common;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use common::*;
use footprint_store::{AuditEntry, AuditQuery};
use footprint_web::{Clock, Role, auth, password};
use tower::ServiceExt;

async fn log(t: &TestApp, prefix: &str) -> Vec<AuditEntry> {
    t.store
        .audit_log(&AuditQuery {
            action_prefix: Some(prefix.to_owned()),
            ..AuditQuery::default()
        })
        .await
        .expect("audit log")
}

async fn user_id(t: &TestApp, name: &str) -> i64 {
    t.store
        .user_by_name(name)
        .await
        .expect("read")
        .expect("user exists")
        .id
}

/// The text between `<title>` and `</title>`.
fn title(body: &str) -> &str {
    let start = body.find("<title>").map_or(0, |i| i + 7);
    let end = body.find("</title>").unwrap_or(start);
    &body[start..end]
}

/// The reset code shown on the page that made it.
fn code_on(body: &str) -> String {
    let marker = "id=\"reset-code\">";
    let start = body.find(marker).expect("a code on the page") + marker.len();
    let end = body[start..].find('<').expect("end") + start;
    body[start..end].to_owned()
}

#[tokio::test]
async fn twelve_spaces_and_password1234_are_refused_everywhere_a_password_is_set() {
    let t = app().await;
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    for (bad, says) in [
        ("            ", "at least 12 characters"),
        ("password1234", "not one of the most common passwords"),
    ] {
        let res = admin
            .post(
                "/admin/users",
                &[("name", "newcomer"), ("role", "analyst"), ("password", bad)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(res.body.contains(says), "{bad:?}");
        assert!(t.store.user_by_name("newcomer").await.unwrap().is_none());
        // The same rule for the CLI's `footprint user add` (one function).
        assert!(
            auth::add_user(&t.store, "newcomer", Role::Analyst, None, bad)
                .await
                .is_err()
        );
        assert!(password::check(bad, "newcomer").is_err());
    }
    // No composition rules: plain lower-case words are fine.
    let ok = admin
        .post(
            "/admin/users",
            &[
                ("name", "newcomer"),
                ("role", "analyst"),
                ("password", "pebble orchard lantern"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let added = log(&t, "user.add").await;
    assert!(
        added
            .iter()
            .any(|e| e.actor == "admin" && e.detail == "user=newcomer;role=analyst")
    );
    assert!(added.iter().all(|e| !e.detail.contains("pebble")));
}

#[tokio::test]
async fn errors_on_the_users_and_sign_in_forms_follow_the_govuk_pattern() {
    let t = app().await;
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    let res = admin
        .post(
            "/admin/users",
            &[("name", ""), ("role", "iro"), ("password", "short")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        title(&res.body).starts_with("Error: "),
        "{}",
        title(&res.body)
    );
    assert!(res.body.contains("govuk-error-summary"));
    for field in ["name", "iro", "password"] {
        assert!(
            res.body.contains(&format!("href=\"#{field}\"")),
            "{field} in the summary"
        );
        assert!(
            res.body.contains(&format!("id=\"{field}-error\"")),
            "{field} message"
        );
    }
    assert!(
        res.body
            .contains("govuk-input govuk-!-width-one-half govuk-input--error\" id=\"name\"")
    );
    assert!(
        res.body
            .contains("govuk-select govuk-select--error\" id=\"iro\"")
    );
    assert!(
        res.body
            .contains("aria-describedby=\"password-hint password-error\"")
    );

    let mut anon = Client::new(&t.app);
    let res = anon.sign_in("", "").await;
    assert!(
        title(&res.body).starts_with("Error: Sign in"),
        "{}",
        title(&res.body)
    );
    assert!(res.body.contains("aria-describedby=\"username-error\""));
    assert!(res.body.contains("aria-describedby=\"password-error\""));
    let fine = anon.get("/sign-in").await;
    assert_eq!(title(&fine.body), "Sign in – Footprint");
    // The phase banner is inside the header (a landmark).
    let header =
        &fine.body[fine.body.find("<header").unwrap()..fine.body.find("</header>").unwrap()];
    assert!(header.contains("govuk-phase-banner"));
}

#[tokio::test]
async fn a_guesser_at_one_address_does_not_lock_out_the_right_person_from_elsewhere() {
    let t = app_with(fast_limits()).await;
    // A colleague who works behind the same address as the guesser.
    let mut colleague = Client::from_address(&t.app, "203.0.113.9");
    assert_eq!(
        colleague.sign_in("manager", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    let mut guesser = Client::from_address(&t.app, "203.0.113.9");
    let mut refused = 0;
    for n in 0..25 {
        let res = guesser.sign_in("iro1", &format!("guess number {n}")).await;
        if res.status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
            assert!(res.body.contains("Wait 15 seconds"), "{}", res.body);
        } else {
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
    assert_eq!(refused, 22, "slowed after 3 failures");
    // Other names from the guesser's address (password spraying) are slowed too.
    for n in 0..10 {
        guesser
            .sign_in(&format!("someone{n}"), "wrong wrong wrong")
            .await;
    }
    assert_eq!(
        guesser.sign_in("analyst", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    // The right person, from another address, signs in at once.
    let mut right = Client::from_address(&t.app, "192.0.2.7");
    let res = right.sign_in("iro1", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // And the colleague behind the guesser's address still gets in.
    let mut colleague = Client::from_address(&t.app, "203.0.113.9");
    assert_eq!(
        colleague.sign_in("manager", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // The guesser waits, and the wait doubles with each failure.
    t.clock.advance(chrono::Duration::seconds(15));
    assert_eq!(
        guesser.sign_in("iro1", "one more guess").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let res = guesser.sign_in("iro1", "and another").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Wait 30 seconds"), "{}", res.body);
    assert!(!log(&t, "sign_in.throttled").await.is_empty());
}

#[tokio::test]
async fn failed_sign_ins_are_audited_with_the_name_tried_and_never_the_password() {
    let t = app().await;
    let mut c = Client::new(&t.app);
    c.sign_in("nobody-here", "secret guess one").await;
    c.sign_in("iro1", "secret guess two").await;
    let failed = log(&t, "sign_in.failed").await;
    let details: Vec<&str> = failed.iter().map(|e| e.detail.as_str()).collect();
    assert!(
        details.contains(&"name=nobody-here;reason=unknown_name"),
        "{details:?}"
    );
    assert!(
        details.contains(&"name=iro1;reason=wrong_password"),
        "{details:?}"
    );
    assert!(failed.iter().all(|e| !e.detail.contains("secret")));
}

#[tokio::test]
async fn a_disabled_users_sessions_end_at_once_and_they_cannot_sign_in_until_enabled() {
    let t = app().await;
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    let id = user_id(&t, "iro1").await;
    let res = admin.post(&format!("/admin/users/{id}/disable"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/admin/users/{id}")).await;
    assert!(page.body.contains("Disabled on"), "{}", page.body);

    let next = iro.get("/caseload").await;
    assert_eq!(next.status, StatusCode::SEE_OTHER);
    assert_eq!(next.location.as_deref(), Some("/sign-in"));
    let again = Client::new(&t.app).sign_in("iro1", PASSWORD).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert!(again.body.contains("This account has been disabled"));

    let res = admin.post(&format!("/admin/users/{id}/enable"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut back = Client::new(&t.app);
    assert_eq!(
        back.sign_in("iro1", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // An administrator cannot disable themselves.
    let me = user_id(&t, "admin").await;
    let res = admin.post(&format!("/admin/users/{me}/disable"), &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        t.store
            .user_by_name("admin")
            .await
            .unwrap()
            .unwrap()
            .disabled_at
            .is_none()
    );

    let disabled = log(&t, "user.disable").await;
    assert_eq!(disabled.len(), 1);
    assert_eq!(
        (disabled[0].actor.as_str(), disabled[0].detail.as_str()),
        ("admin", "user=iro1")
    );
    assert_eq!(log(&t, "user.enable").await[0].detail, "user=iro1");
}

#[tokio::test]
async fn an_administrator_changes_a_role_and_the_audit_says_from_what_to_what() {
    let t = app().await;
    let mut analyst = Client::signed_in_as(&t.app, Role::Analyst).await;
    assert_eq!(
        analyst.get("/dashboard").await.status,
        StatusCode::FORBIDDEN
    );
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    let id = user_id(&t, "analyst").await;
    let path = format!("/admin/users/{id}/role");
    // An IRO must name the IRO they are: refused on the form, nothing changed.
    let res = admin.post(&path, &[("role", "iro"), ("iro", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Select the IRO this user is"));
    assert!(title(&res.body).starts_with("Error: "));
    let res = admin.post(&path, &[("role", "iro"), ("iro", "IRO2")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = admin.post(&path, &[("role", "manager"), ("iro", "")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The change applies at the user's next page.
    assert_eq!(analyst.get("/dashboard").await.status, StatusCode::OK);
    let changes: Vec<String> = log(&t, "user.role")
        .await
        .into_iter()
        .map(|e| e.detail)
        .collect();
    assert_eq!(
        changes,
        [
            "user=analyst;from=iro (IRO2);to=manager",
            "user=analyst;from=analyst;to=iro (IRO2)"
        ]
    );
    let me = user_id(&t, "admin").await;
    let res = admin
        .post(&format!("/admin/users/{me}/role"), &[("role", "analyst")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_reset_code_works_once_within_24_hours_and_ends_the_users_sessions() {
    let t = app().await;
    let mut old_session = Client::signed_in_as(&t.app, Role::Iro).await;
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    let id = user_id(&t, "iro1").await;
    let res = admin
        .post(&format!("/admin/users/{id}/password-reset"), &[])
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let code = code_on(&res.body);
    assert!(
        res.body.contains("13 Mar 2025 at 10:00"),
        "works for 24 hours"
    );
    // Stored only as a hash; the audit says who, for whom and until when.
    let issued = log(&t, "user.password_reset.issue").await;
    assert_eq!(issued[0].actor, "admin");
    assert_eq!(issued[0].detail, "user=iro1;expires=2025-03-13T10:00:00Z");
    assert!(!issued[0].detail.contains(&code));
    assert!(
        t.store
            .password_reset(&auth::reset_code_hash(&code), t.clock.now().timestamp())
            .await
            .unwrap()
            .is_some()
    );

    let mut user = Client::new(&t.app);
    user.get("/password-reset").await;
    // The new password is checked by the same rule.
    let res = user
        .post(
            "/password-reset",
            &[
                ("code", &code),
                ("new_password", "password1234"),
                ("confirm_password", "password1234"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"new_password-error\""));
    // The old session goes on until the code is used.
    assert_eq!(old_session.get("/caseload").await.status, StatusCode::OK);
    let new = "saucepan meadow quiver";
    let typed = code.to_lowercase().replace('-', " ");
    let res = user
        .post(
            "/password-reset",
            &[
                ("code", &typed),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/sign-in?done=password"));
    assert_eq!(
        old_session.get("/caseload").await.location.as_deref(),
        Some("/sign-in")
    );
    assert_eq!(
        Client::new(&t.app).sign_in("iro1", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        Client::new(&t.app).sign_in("iro1", new).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(log(&t, "user.password_reset.use").await[0].actor, "iro1");

    // Single use.
    let res = user
        .post(
            "/password-reset",
            &[
                ("code", &code),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("This code does not work"));

    // Time-limited: a code 24 hours old no longer works.
    let res = admin
        .post(&format!("/admin/users/{id}/password-reset"), &[])
        .await;
    let late = code_on(&res.body);
    t.clock.advance(chrono::Duration::hours(24));
    let res = user
        .post(
            "/password-reset",
            &[
                ("code", &late),
                ("new_password", "a different passphrase"),
                ("confirm_password", "a different passphrase"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        Client::new(&t.app).sign_in("iro1", new).await.status,
        StatusCode::SEE_OTHER
    );

    // Guessing codes from one address is slowed; elsewhere a code still works.
    let mut guesser = Client::from_address(&t.app, "203.0.113.5");
    guesser.get("/password-reset").await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let guess = format!("AAAA-BBBB-CCCC-{n:04}");
        let res = guesser
            .post(
                "/password-reset",
                &[
                    ("code", &guess),
                    ("new_password", new),
                    ("confirm_password", new),
                ],
            )
            .await;
        statuses.push(res.status);
    }
    assert_eq!(statuses[4], StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    // (A day on, the administrator signs in again.)
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    let res = admin
        .post(&format!("/admin/users/{id}/password-reset"), &[])
        .await;
    let fresh = code_on(&res.body);
    let res = user
        .post(
            "/password-reset",
            &[
                ("code", &fresh),
                ("new_password", "otter crumpet satchel"),
                ("confirm_password", "otter crumpet satchel"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn users_change_their_own_password_with_the_current_one() {
    let t = app().await;
    let mut here = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let mut elsewhere = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let page = here.get("/account/password").await;
    assert_eq!(page.status, StatusCode::OK);
    let new = "tortoise bicycle almanac";
    let res = here
        .post(
            "/account/password",
            &[
                ("current_password", "not my password"),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Your current password is not right"));
    assert!(title(&res.body).starts_with("Error: "));
    let res = here
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "            "),
                ("confirm_password", "            "),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = here
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // This session goes on; the others end.
    assert_eq!(here.get("/due").await.status, StatusCode::OK);
    assert_eq!(
        elsewhere.get("/due").await.location.as_deref(),
        Some("/sign-in")
    );
    assert_eq!(
        Client::new(&t.app).sign_in("support", new).await.status,
        StatusCode::SEE_OTHER
    );
    let changed = log(&t, "user.password_change").await;
    assert_eq!((changed.len(), changed[0].actor.as_str()), (1, "support"));
}

#[tokio::test]
async fn the_csrf_check_compares_scheme_host_and_port() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let token = c.csrf.clone().expect("token");
    let form = [
        ("midway_date", "2025-03-10"),
        ("csrf_token", token.as_str()),
    ];
    for origin in [
        "https://footprint.test",
        "http://footprint.test:8080",
        "http://footprint.test.evil.example",
    ] {
        let res = c
            .post_raw("/children/C1/midway-checks", &form, Some(origin))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{origin}");
    }
    assert!(
        t.store
            .midway_checks_of(&child_id("C1"))
            .await
            .unwrap()
            .is_empty()
    );
    let res = c
        .post_raw(
            "/children/C1/midway-checks",
            &form,
            Some("http://footprint.test:80"),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "the default port written out"
    );
}

/// A POST with the session cookie and the token in the header, and any body
/// and content type.
async fn raw_post(
    t: &TestApp,
    c: &Client<'_>,
    path: &str,
    content_type: &str,
    body: &str,
) -> (StatusCode, String) {
    let req = Request::post(path)
        .header(header::HOST, "footprint.test")
        .header(header::ORIGIN, "http://footprint.test")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, c.cookie.clone().expect("cookie"))
        .header("x-csrf-token", c.csrf.clone().expect("token"))
        .body(Body::from(body.to_owned()))
        .expect("request");
    let res = t.app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let bytes = to_bytes(res.into_body(), 1 << 20).await.expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn assert_councils_words(body: &str) {
    for internal in [
        "i64",
        "usize",
        "Cannot parse",
        "deserialize",
        "Invalid URL",
        "Content-Type",
    ] {
        assert!(!body.contains(internal), "{internal:?} shown: {body}");
    }
    assert!(body.contains("govuk-heading-l"), "a GOV.UK page: {body}");
}

#[tokio::test]
async fn bad_addresses_and_forms_get_an_error_page_in_the_councils_words() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    for path in ["/challenges/abc", "/challenges/99999999999999999999999"] {
        let res = c.get(path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert!(res.body.contains("Page not found"));
        assert_councils_words(&res.body);
    }
    let res = c
        .post(
            "/children/C1/recommendations/first/complete",
            &[("review", "2024-12-10")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_councils_words(&res.body);

    // A form that does not decode, and one of the wrong type.
    let (status, body) = raw_post(
        &t,
        &c,
        "/children/C1/midway-checks",
        "application/x-www-form-urlencoded",
        "midway_date=%FF",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("There is a problem with your request"));
    assert_councils_words(&body);
    let (status, body) = raw_post(
        &t,
        &c,
        "/children/C1/midway-checks",
        "text/plain",
        "midway_date=2025-03-10",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_councils_words(&body);

    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    let res = admin.get("/admin/users/someone").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_councils_words(&res.body);
    assert_eq!(
        admin.get("/admin/users/424242").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn signing_out_from_an_error_page_signs_out() {
    let t = app().await;
    // A record that is not there, an address that names none, a page the
    // role may not see: each error page shows the sign-out button, and its
    // form carries the session's token.
    for path in ["/children/NOPE", "/challenges/abc", "/admin/users"] {
        let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
        let page = c.get(path).await;
        assert!(
            page.status == StatusCode::NOT_FOUND || page.status == StatusCode::FORBIDDEN,
            "{path}: {}",
            page.status
        );
        assert!(page.body.contains("action=\"/sign-out\""), "{path}");
        let token = csrf_in(&page.body)
            .unwrap_or_else(|| panic!("{path}: the sign-out form carries no token"));
        let res = c
            .post_raw(
                "/sign-out",
                &[("csrf_token", &token)],
                Some("http://footprint.test"),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}: {}", res.body);
        assert_eq!(res.location.as_deref(), Some("/sign-in"), "{path}");
        let after = c.get("/caseload").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER, "{path}: signed out");
        assert_eq!(after.location.as_deref(), Some("/sign-in"));
    }
}
