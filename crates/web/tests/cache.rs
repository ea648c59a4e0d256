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
