//! The web application keeps the council's dataset in memory; a change made
//! outside it (an import, another server, a database client) must show on
//! the next page all the same.

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::{Client, app, next_due};
use footprint_domain::model::Review;
use footprint_web::Role;

#[tokio::test]
async fn a_review_recorded_by_another_process_shows_on_the_next_page() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let before = c.get("/children/C2").await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(next_due(&before.body).as_deref(), Some("3 Feb 2025"));

    // Another connection to the same database (as an import would be).
    let url = format!("sqlite://{}", t._dir.path().join("footprint.db").display());
    let other = footprint_store::Store::open(&url).await.unwrap();
    other
        .record_review(&Review {
            child: "C2".parse().unwrap(),
            date: NaiveDate::from_ymd_opt(2025, 1, 30).unwrap(),
            participation: Some("PN1".parse().unwrap()),
            details: None,
        })
        .await
        .unwrap();
    other.close().await;

    let after = c.get("/children/C2").await;
    // Review 1 on 30 Jan 2025: review 2 is due 3 months later.
    assert_eq!(next_due(&after.body).as_deref(), Some("30 Apr 2025"));
}

/// The caseload is kept as last worked out, and worked out again when a
/// change touches a child on it or allocates a child to that IRO, whichever
/// process made the change.
#[tokio::test]
async fn the_caseload_follows_changes_to_its_children_and_new_allocations() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let due_of = |body: &str, child: &str| -> Option<String> {
        let marker = format!("data-child=\"{child}\" data-due=\"");
        let start = body.find(&marker)? + marker.len();
        let end = body[start..].find('"')? + start;
        Some(body[start..end].to_owned())
    };
    let first = c.get("/caseload").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(due_of(&first.body, "C2").as_deref(), Some("2025-02-03"));
    assert!(!first.body.contains("data-child=\"C4\""));

    let url = format!("sqlite://{}", t._dir.path().join("footprint.db").display());
    let other = footprint_store::Store::open(&url).await.unwrap();
    // A change to another IRO's child leaves this caseload as it was.
    other
        .record_review(&Review {
            child: "C3".parse().unwrap(),
            date: NaiveDate::from_ymd_opt(2025, 3, 10).unwrap(),
            participation: None,
            details: None,
        })
        .await
        .unwrap();
    let same = c.get("/caseload").await;
    assert_eq!(due_of(&same.body, "C2").as_deref(), Some("2025-02-03"));
    assert!(!same.body.contains("data-child=\"C3\""));

    // A review of a child on it moves that child's due date.
    other
        .record_review(&Review {
            child: "C2".parse().unwrap(),
            date: NaiveDate::from_ymd_opt(2025, 1, 30).unwrap(),
            participation: Some("PN1".parse().unwrap()),
            details: None,
        })
        .await
        .unwrap();
    let moved = c.get("/caseload").await;
    assert_eq!(due_of(&moved.body, "C2").as_deref(), Some("2025-04-30"));

    // A child newly allocated to this IRO appears on it.
    other
        .allocate(
            &"C4".parse().unwrap(),
            &footprint_domain::model::IroId("IRO1".into()),
            NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            "test",
        )
        .await
        .unwrap();
    let grown = c.get("/caseload").await;
    assert!(grown.body.contains("data-child=\"C4\""), "C4 allocated");

    // A child allocated to another IRO leaves it.
    other
        .allocate(
            &"C2".parse().unwrap(),
            &footprint_domain::model::IroId("IRO2".into()),
            NaiveDate::from_ymd_opt(2025, 3, 5).unwrap(),
            "test",
        )
        .await
        .unwrap();
    let shrunk = c.get("/caseload").await;
    assert!(!shrunk.body.contains("data-child=\"C2\""), "C2 moved on");
    assert!(shrunk.body.contains("data-child=\"C4\""));
    // A review of the child who joined it: only that child's records are
    // read again, and the caseload is the one a server that never saw it
    // before works out whole.
    other
        .record_review(&Review {
            child: "C4".parse().unwrap(),
            date: NaiveDate::from_ymd_opt(2025, 3, 6).unwrap(),
            participation: Some("PN1".parse().unwrap()),
            details: None,
        })
        .await
        .unwrap();
    other.close().await;
    let kept = c.get("/caseload").await;
    let state = footprint_web::AppState::with_clock(
        t.store.clone(),
        footprint_web::WebConfig::default(),
        t.clock.clone(),
    )
    .unwrap();
    let new_server = footprint_web::router(state).await;
    let mut fresh_client = Client::signed_in_as(&new_server, Role::Iro).await;
    let fresh = fresh_client.get("/caseload").await;
    let without_token = |body: &str| {
        body.lines()
            .filter(|l| !l.contains("csrf"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(kept.body.contains("data-child=\"C4\""));
    assert_eq!(without_token(&kept.body), without_token(&fresh.body));
}
