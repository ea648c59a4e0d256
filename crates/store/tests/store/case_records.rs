//! The other records of issue 15 (migration 16, file 0017): kept as
//! versions, read back as they stand (whole and by child, with the
//! council-wide ones), an import adds what is new, keeps what is held and
//! adds a version for what changed; a correction is a version with who and
//! why; rows are never changed or deleted outside replace_dataset; a bad
//! record writes nothing; every write is council-wide.

use footprint_domain::case_records::{
    AlertOutcome, CarerReviewKind, CaseAlert, CaseRecord, CaseRecords, DisruptionMeeting,
    FosterCarerReview, PrivateFosteringReview, SecureDecision, SecureReview,
};
use footprint_domain::model::Dataset;
use footprint_store::{CaseRecordsAdded, Correction, Scope, StoreError};

use crate::both;
use crate::common::Env;
use crate::fixtures::{child, d, episode, id};

fn two_children() -> Dataset {
    Dataset {
        children: vec![child("A1", "2012-01-01"), child("B2", "2019-02-02")],
        episodes: vec![
            episode("A1", "2022-01-10", None),
            episode("B2", "2022-02-10", None),
        ],
        ..Dataset::default()
    }
}

fn alert() -> CaseAlert {
    CaseAlert {
        id: "E1".into(),
        child: id("A1"),
        raised: d("2023-01-05"),
        theme: "care planning".into(),
        sub_theme: None,
        closed: None,
        outcome: None,
    }
}

fn records() -> Vec<CaseRecord> {
    vec![
        CaseRecord::SecureReview(SecureReview {
            id: "S1".into(),
            child: id("A1"),
            placed: d("2023-01-01"),
            date: d("2023-01-25"),
            decision: SecureDecision::CriteriaMet,
        }),
        CaseRecord::PrivateFosteringReview(PrivateFosteringReview {
            id: "P1".into(),
            child: id("PF1"),
            arrangement_start: d("2022-03-01"),
            date: d("2023-02-20"),
            arrangement_end: None,
        }),
        CaseRecord::FosterCarerReview(FosterCarerReview {
            id: "F1".into(),
            household: "HH1".into(),
            approved: d("2022-01-01"),
            date: d("2022-12-10"),
            kind: CarerReviewKind::First,
            to_panel: true,
        }),
        CaseRecord::DisruptionMeeting(DisruptionMeeting {
            id: "D1".into(),
            date: d("2023-02-01"),
            children: vec![id("A1"), id("B2")],
            placement_ended: d("2023-01-20"),
        }),
        CaseRecord::CaseAlert(alert()),
    ]
}

async fn an_import_adds_keeps_and_versions(env: Env) {
    let s = &env.store;
    s.replace_dataset(&two_children()).await.unwrap();
    let added = s.add_case_records(&records(), "cli:test").await.unwrap();
    assert_eq!(
        added,
        CaseRecordsAdded {
            added: 5,
            changed: 0,
            already_held: 0
        }
    );
    let ds = s.load_dataset().await.unwrap();
    assert_eq!(ds.case_records, CaseRecords::from_records(records()));

    // The extract again, the alert now closed: one new version, the rest
    // left as they were.
    let mut again = records();
    let closed = CaseAlert {
        closed: Some(d("2023-01-12")),
        outcome: Some(AlertOutcome::Resolved),
        ..alert()
    };
    again[4] = CaseRecord::CaseAlert(closed.clone());
    let added = s.add_case_records(&again, "cli:test").await.unwrap();
    assert_eq!(
        added,
        CaseRecordsAdded {
            added: 0,
            changed: 1,
            already_held: 4
        }
    );
    let ds = s.load_dataset().await.unwrap();
    assert_eq!(ds.case_records.case_alerts, vec![closed.clone()]);
    let versions = s.case_record_versions("case_alert", "E1").await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].record, CaseRecord::CaseAlert(alert()));
    assert_eq!(versions[1].changed, ["closed", "outcome"]);
    assert_eq!(versions[1].event, "import");

    // A correction: a third version with who and why; the theme changed.
    let corrected = CaseAlert {
        theme: "drift and delay".into(),
        sub_theme: None,
        ..closed
    };
    let changed = s
        .correct_case_record(
            &CaseRecord::CaseAlert(corrected.clone()),
            &Correction {
                by: "iro1".into(),
                reason: "wrong theme chosen".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(changed, ["theme"]);
    let versions = s.case_record_versions("case_alert", "E1").await.unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(
        (
            versions[2].event.as_str(),
            versions[2].written_by.as_str(),
            versions[2].reason.as_str()
        ),
        ("correction", "iro1", "wrong theme chosen")
    );
    // A blank reason, or a record not held, is refused.
    let blank = Correction {
        by: "iro1".into(),
        reason: " ".into(),
    };
    assert!(matches!(
        s.correct_case_record(&CaseRecord::CaseAlert(corrected.clone()), &blank)
            .await
            .unwrap_err(),
        StoreError::Invalid(_)
    ));
    let stranger = CaseAlert {
        id: "E9".into(),
        ..alert()
    };
    let why = Correction {
        by: "iro1".into(),
        reason: "x".into(),
    };
    assert!(matches!(
        s.correct_case_record(&CaseRecord::CaseAlert(stranger.clone()), &why)
            .await
            .unwrap_err(),
        StoreError::NotFound(_)
    ));
    // Entered in a form: a new id only.
    s.record_case_record(&CaseRecord::CaseAlert(stranger.clone()), "iro1")
        .await
        .unwrap();
    assert!(matches!(
        s.record_case_record(&CaseRecord::CaseAlert(stranger), "iro1")
            .await
            .unwrap_err(),
        StoreError::AlreadyExists(_)
    ));

    // By child (a page's read): B2 has no record of its own; the
    // disruption meeting (its children are in the record) comes with it,
    // the foster carer households' reviews (no child's page shows them) do
    // not. A report's read keeps them.
    let one = s.load_scoped(Scope::Children(&[id("B2")])).await.unwrap();
    assert!(one.case_records.case_alerts.is_empty());
    assert!(one.case_records.secure_reviews.is_empty());
    assert!(one.case_records.foster_carer_reviews.is_empty());
    assert_eq!(one.case_records.disruption_meetings.len(), 1);
    let all = s.load_dataset().await.unwrap();
    assert_eq!(all.case_records.foster_carer_reviews.len(), 1);
    // The privately fostered child (not in children) is read by the window.
    let window = s
        .load_scoped(Scope::Active {
            from: d("2023-02-01"),
            to: d("2023-02-28"),
        })
        .await
        .unwrap();
    assert_eq!(window.case_records.private_fostering_reviews.len(), 1);
    assert_eq!(window.case_records.foster_carer_reviews.len(), 1);

    // Rows are never changed, nor deleted but by replace_dataset.
    assert!(
        env.raw("UPDATE case_records SET reason = 'x'")
            .await
            .is_err()
    );
    assert!(env.raw("DELETE FROM case_records").await.is_err());
    s.replace_dataset(&two_children()).await.unwrap();
    assert!(s.load_dataset().await.unwrap().case_records.is_empty());
}
both!(an_import_adds_keeps_and_versions);

async fn a_bad_record_writes_nothing_and_a_write_is_council_wide(env: Env) {
    let s = &env.store;
    s.replace_dataset(&two_children()).await.unwrap();
    let mut bad = records();
    bad.push(CaseRecord::CaseAlert(CaseAlert {
        id: "E2".into(),
        closed: Some(d("2022-12-01")),
        ..alert()
    }));
    let e = s.add_case_records(&bad, "cli:test").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert!(e.to_string().contains("E2"), "{e}");
    assert!(s.load_dataset().await.unwrap().case_records.is_empty());

    let before = s.data_version().await.unwrap();
    s.add_case_records(&records()[..1], "cli:test")
        .await
        .unwrap();
    let changes = s.changes_since(before).await.unwrap();
    assert!(changes.council_wide);

    // replace_dataset writes a whole dataset's records as first versions.
    let mut ds = two_children();
    ds.case_records = CaseRecords::from_records(records());
    s.replace_dataset(&ds).await.unwrap();
    assert_eq!(
        s.load_dataset().await.unwrap().case_records,
        ds.case_records
    );
}
both!(a_bad_record_writes_nothing_and_a_write_is_council_wide);

/// A private fostering notification (migration 21): held for a child who
/// is not looked after, read by the child and by a window its span meets;
/// a visit added is a correction (a new version with who and why); a
/// notification whose visit comes before it writes nothing.
async fn a_private_fostering_notification_is_kept_as_versions(env: Env) {
    use footprint_domain::case_records::{Notifier, PrivateFosteringNotification};
    let s = &env.store;
    s.replace_dataset(&two_children()).await.unwrap();
    let notice = PrivateFosteringNotification {
        id: "N1".into(),
        child: id("PF7"),
        notified: d("2023-01-03"),
        notified_by: Notifier::School,
        proposed_start: d("2023-01-09"),
        visits: vec![],
        arrangement_end: None,
    };
    s.record_case_record(
        &CaseRecord::PrivateFosteringNotification(notice.clone()),
        "iro1",
    )
    .await
    .unwrap();
    let visited = PrivateFosteringNotification {
        visits: vec![d("2023-01-11")],
        ..notice.clone()
    };
    let changed = s
        .correct_case_record(
            &CaseRecord::PrivateFosteringNotification(visited.clone()),
            &Correction {
                by: "iro2".into(),
                reason: "first visit made".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(changed, ["visits"]);
    let versions = s
        .case_record_versions("private_fostering_notification", "N1")
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[0].record,
        CaseRecord::PrivateFosteringNotification(notice.clone())
    );
    assert_eq!(
        (versions[1].written_by.as_str(), versions[1].reason.as_str()),
        ("iro2", "first visit made")
    );
    let one = s.load_scoped(Scope::Children(&[id("PF7")])).await.unwrap();
    assert_eq!(
        one.case_records.private_fostering_notifications,
        vec![visited.clone()]
    );
    // Open (no end): read by a window long after the notification.
    let window = s
        .load_scoped(Scope::Active {
            from: d("2024-06-01"),
            to: d("2024-06-30"),
        })
        .await
        .unwrap();
    assert_eq!(window.case_records.private_fostering_notifications.len(), 1);

    let bad = PrivateFosteringNotification {
        id: "N2".into(),
        visits: vec![d("2022-12-30")],
        ..notice
    };
    let before = s.load_dataset().await.unwrap().case_records;
    let e = s
        .add_case_records(&[CaseRecord::PrivateFosteringNotification(bad)], "cli:test")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert_eq!(s.load_dataset().await.unwrap().case_records, before);
}
both!(a_private_fostering_notification_is_kept_as_versions);

/// A case file audit (migration 23): requested, then completed as a
/// correction (a new version with who and why; the request kept), read by
/// the child and by a window in which the child is in care, long after its
/// request; an audit completed before it was requested writes nothing.
async fn a_case_file_audit_is_kept_as_versions(env: Env) {
    use footprint_domain::case_records::{AuditRequester, CaseFileAudit};
    use footprint_domain::model::QualityGrade;
    let s = &env.store;
    s.replace_dataset(&two_children()).await.unwrap();
    let requested = CaseFileAudit {
        id: "CFA1".into(),
        child: id("A1"),
        requested: d("2023-01-03"),
        requested_by: AuditRequester::ServiceManager,
        theme: Some("care_planning".into()),
        completed: None,
        grade: None,
        findings: None,
        cancelled: None,
    };
    s.record_case_record(&CaseRecord::CaseFileAudit(requested.clone()), "manager")
        .await
        .unwrap();
    let open_window = s
        .load_scoped(Scope::Active {
            from: d("2024-06-01"),
            to: d("2024-06-30"),
        })
        .await
        .unwrap();
    assert_eq!(
        open_window.case_records.case_file_audits,
        vec![requested.clone()]
    );
    let completed = CaseFileAudit {
        completed: Some(d("2023-02-10")),
        grade: Some(QualityGrade::RequiresImprovement),
        findings: Some("The chronology is out of date".into()),
        ..requested.clone()
    };
    let changed = s
        .correct_case_record(
            &CaseRecord::CaseFileAudit(completed.clone()),
            &Correction {
                by: "iro1".into(),
                reason: "audit completed".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(changed, ["completed", "findings", "grade"]);
    let versions = s
        .case_record_versions("case_file_audit", "CFA1")
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[0].record,
        CaseRecord::CaseFileAudit(requested.clone())
    );
    assert_eq!(
        versions[1].record,
        CaseRecord::CaseFileAudit(completed.clone())
    );
    assert_eq!(
        (versions[1].written_by.as_str(), versions[1].reason.as_str()),
        ("iro1", "audit completed")
    );
    let one = s.load_scoped(Scope::Children(&[id("A1")])).await.unwrap();
    assert_eq!(one.case_records.case_file_audits, vec![completed.clone()]);
    let other = s.load_scoped(Scope::Children(&[id("B2")])).await.unwrap();
    assert!(other.case_records.case_file_audits.is_empty());
    assert_eq!(
        s.load_dataset()
            .await
            .unwrap()
            .case_records
            .case_file_audits,
        vec![completed]
    );

    let bad = CaseFileAudit {
        id: "CFA2".into(),
        completed: Some(d("2022-12-30")),
        ..requested
    };
    let before = s.load_dataset().await.unwrap().case_records;
    let e = s
        .add_case_records(&[CaseRecord::CaseFileAudit(bad)], "cli:test")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert_eq!(s.load_dataset().await.unwrap().case_records, before);
}
both!(a_case_file_audit_is_kept_as_versions);
