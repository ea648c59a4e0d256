//! A review's record and the letter to the child, kept as versions;
//! issuing sets the review's own dates; what was sent to whom.

use footprint_domain::letter::{Audience, Letter};
use footprint_domain::model::{AttendeeRole, Recommendation, ReviewDetails};
use footprint_domain::review_record::{
    Document, Part, Recipient, RecordTemplate, ReviewRecord, Sent, SentBy, ViewsGiven,
};
use footprint_store::StoreError;

use crate::both;
use crate::common::Env;
use crate::fixtures::{child, d, episode, id, review};

async fn seed(env: &Env) {
    let s = &env.store;
    s.save_child(&child("A1", "2012-02-02")).await.unwrap();
    s.save_episode(&episode("A1", "2022-05-01", None))
        .await
        .unwrap();
    let mut r = review("A1", "2022-05-25", "PN1");
    r.details = Some(ReviewDetails {
        recommendations: vec![Recommendation {
            text: "Arrange contact".into(),
            owner: "SW".into(),
            due: d("2022-06-30"),
            completed: None,
        }],
        ..ReviewDetails::default()
    });
    s.record_review(&r).await.unwrap();
    // A review known only from a 903 return.
    s.record_review(&review("A1", "2022-08-25", "PN1"))
        .await
        .unwrap();
}

fn written() -> ReviewRecord {
    let mut r = ReviewRecord::blank(&RecordTemplate::default());
    r.child_views = "Wants more time with her brother".into();
    r.views_given = vec![ViewsGiven::MetIroBefore];
    for s in &mut r.sections {
        s.text = format!("About {}", s.key);
    }
    r.attendees = "Carer\nSocial worker".into();
    r.send_to = vec![
        Recipient::Child,
        Recipient::Role(AttendeeRole::SocialWorker),
    ];
    r
}

async fn a_record_is_drafted_issued_and_corrected_as_versions(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let (a1, on) = (id("A1"), d("2022-05-25"));
    // Not on a review known only from a 903 return.
    let err = s
        .save_review_record(&a1, d("2022-08-25"), &written(), "iro1", None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    // Nothing written yet: cannot issue.
    let err = s
        .issue_review_record(&a1, on, Part::Decisions, d("2022-05-27"), "iro1")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("write the record first"), "{err}");

    let mut draft = written();
    draft.child_views.clear();
    assert_eq!(
        s.save_review_record(&a1, on, &draft, "iro1", None)
            .await
            .unwrap(),
        ["record"]
    );
    // The same again writes nothing.
    assert!(
        s.save_review_record(&a1, on, &draft, "iro1", None)
            .await
            .unwrap()
            .is_empty()
    );
    // The decisions go out; the record cannot while a part is blank.
    s.issue_review_record(&a1, on, Part::Decisions, d("2022-05-27"), "iro1")
        .await
        .unwrap();
    let review = s.review(&a1, on).await.unwrap().unwrap();
    assert_eq!(
        review.details.as_ref().unwrap().decisions_issued,
        Some(d("2022-05-27")),
        "the same date the measures read"
    );
    let err = s
        .issue_review_record(&a1, on, Part::Record, d("2022-06-01"), "iro1")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("the child's views"), "{err}");
    // Once issued, a change needs a reason.
    let full = written();
    let err = s
        .save_review_record(&a1, on, &full, "iro1", None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(
        s.save_review_record(&a1, on, &full, "iro1", Some("Added her views"))
            .await
            .unwrap(),
        ["child_views"]
    );
    s.issue_review_record(&a1, on, Part::Record, d("2022-06-01"), "iro1")
        .await
        .unwrap();
    let err = s
        .issue_review_record(&a1, on, Part::Record, d("2022-06-02"), "iro1")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already issued"), "{err}");

    let versions = s.review_document_versions(&a1, on, "record").await.unwrap();
    let events: Vec<(&str, &str)> = versions
        .iter()
        .map(|v| (v.event.as_str(), v.reason.as_str()))
        .collect();
    assert_eq!(
        events,
        [
            ("draft", "Draft saved"),
            ("issue_decisions", "Decisions issued"),
            ("correction", "Added her views"),
            ("issue_record", "Record issued"),
        ]
    );
    assert!(versions.iter().all(|v| v.written_by == "iro1"));
    let (held, latest) = s.review_record(&a1, on).await.unwrap().unwrap();
    assert_eq!(held, full);
    assert_eq!(latest.version, 4);
    // Nothing lost: the first version still holds the draft.
    let first: ReviewRecord = serde_json::from_value(versions[0].body.clone()).unwrap();
    assert_eq!(first, draft);
    // Append-only.
    assert!(env.raw("DELETE FROM review_documents").await.is_err());
    assert!(
        env.raw("UPDATE review_documents SET reason = 'x'")
            .await
            .is_err()
    );
    assert_eq!(
        s.reviews_with_records(&[a1.clone(), id("ZZ")])
            .await
            .unwrap(),
        [(a1.clone(), on)]
    );
}
both!(a_record_is_drafted_issued_and_corrected_as_versions);

async fn what_was_sent_to_whom_is_kept_and_the_list_to_send_shrinks(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let (a1, on) = (id("A1"), d("2022-05-25"));
    s.save_review_record(&a1, on, &written(), "iro1", None)
        .await
        .unwrap();
    let sent = |document, recipient, day: &str| Sent {
        document,
        recipient,
        how: SentBy::Post,
        on: d(day),
    };
    // Not before it is issued.
    let err = s
        .record_circulation(
            &a1,
            on,
            &sent(Document::Decisions, Recipient::Child, "2022-05-27"),
            "support",
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not been issued"), "{err}");
    assert!(s.records_to_send().await.unwrap().is_empty());
    s.issue_review_record(&a1, on, Part::Decisions, d("2022-05-27"), "iro1")
        .await
        .unwrap();
    let left = s.records_to_send().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].to_send.len(), 2, "{left:?}");
    // Not before the day it was issued.
    assert!(
        s.record_circulation(
            &a1,
            on,
            &sent(Document::Decisions, Recipient::Child, "2022-05-26"),
            "support",
        )
        .await
        .is_err()
    );
    let row = s
        .record_circulation(
            &a1,
            on,
            &sent(Document::Decisions, Recipient::Child, "2022-05-28"),
            "support",
        )
        .await
        .unwrap();
    assert_eq!(row.recorded_by, "support");
    assert_eq!(
        s.records_to_send().await.unwrap()[0].to_send,
        [(
            Document::Decisions,
            Recipient::Role(AttendeeRole::SocialWorker)
        )]
    );
    s.record_circulation(
        &a1,
        on,
        &sent(
            Document::Decisions,
            Recipient::Role(AttendeeRole::SocialWorker),
            "2022-05-28",
        ),
        "support",
    )
    .await
    .unwrap();
    assert!(s.records_to_send().await.unwrap().is_empty());
    assert_eq!(s.circulation(&a1, on).await.unwrap().len(), 2);
    // The letter: sent only once one is written.
    assert!(
        s.record_circulation(
            &a1,
            on,
            &sent(Document::Letter, Recipient::Child, "2022-05-28"),
            "iro1",
        )
        .await
        .is_err()
    );
    let letter = Letter {
        audience: Audience::Younger,
        text: "Dear A,\n\nWe met.".into(),
    };
    assert!(
        s.save_review_letter(&a1, on, &letter, "iro1")
            .await
            .unwrap()
    );
    assert!(
        !s.save_review_letter(&a1, on, &letter, "iro1")
            .await
            .unwrap()
    );
    assert_eq!(s.review_letter(&a1, on).await.unwrap().unwrap().0, letter);
    s.record_circulation(
        &a1,
        on,
        &sent(Document::Letter, Recipient::Child, "2022-05-28"),
        "iro1",
    )
    .await
    .unwrap();
    assert!(env.raw("DELETE FROM review_circulation").await.is_err());
}
both!(what_was_sent_to_whom_is_kept_and_the_list_to_send_shrinks);
