//! The council's lists the forms offer (settings, issue 17) and the
//! migration that lets a review hold a key of the council's own list.

use footprint_domain::lists::{CouncilList, FormList};
use footprint_domain::model::{
    AttendeeRole, Iro, IroId, Recommendation, ReviewDetails, SocialWorkerReport,
};
use footprint_store::{DbKind, StoreError};

use crate::both;
use crate::common::Env;
use crate::fixtures::{child, d, episode, id, review};

async fn a_list_not_set_is_the_default_and_a_set_one_round_trips(env: Env) {
    let s = &env.store;
    for list in FormList::ALL {
        assert_eq!(s.form_list(list).await.unwrap(), list.default_list());
    }
    assert_eq!(
        s.measure_settings().await.unwrap().late_reasons,
        FormList::LateReasons.default_list(),
        "nothing changes for a council that sets nothing"
    );

    let mut mine = CouncilList::of(&[("court_hearing", "Court"), ("snow", "Heavy snow")]);
    mine.0[0].retired = true;
    s.set_setting(
        FormList::LateReasons.key(),
        &serde_json::to_value(&mine).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(s.form_list(FormList::LateReasons).await.unwrap(), mine);
    assert_eq!(
        s.measure_settings().await.unwrap().late_reasons,
        mine,
        "the measures count by the council's list"
    );

    // A list held that fails its check is an error naming the setting,
    // never a silent fall-back to the default.
    for bad in [
        serde_json::json!([{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]),
        serde_json::json!({"not": "a list"}),
        serde_json::json!([{"key": "a", "label": "A", "colour": "red"}]),
    ] {
        s.set_setting(FormList::LateReasons.key(), &bad)
            .await
            .unwrap();
        let err = s.form_list(FormList::LateReasons).await.unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("late_reasons"), "{err}");
        assert!(s.measure_settings().await.is_err());
    }
}
both!(a_list_not_set_is_the_default_and_a_set_one_round_trips);

async fn every_list_round_trips_and_a_record_keeps_its_key(env: Env) {
    let s = &env.store;
    // Each list is a setting of its own: setting one changes no other.
    for (i, list) in FormList::ALL.into_iter().enumerate() {
        let mut mine = CouncilList::of(&[("postcard", "A postcard"), ("kept", "Kept")]);
        mine.0[1].retired = true;
        s.set_setting(list.key(), &serde_json::to_value(&mine).unwrap())
            .await
            .unwrap();
        assert_eq!(s.form_list(list).await.unwrap(), mine, "{list:?}");
        assert_eq!(s.measure_settings().await.unwrap().list(list), &mine);
        for other in &FormList::ALL[i + 1..] {
            assert_eq!(
                s.form_list(*other).await.unwrap(),
                other.default_list(),
                "{other:?} is not changed by {list:?}"
            );
        }
    }
    // A record of how the child's views reached a review holds the key of
    // the council's entry (the body is JSON: no CHECK to loosen), and reads
    // back with a key no default entry has.
    use footprint_domain::case_records::{CaseRecord, ChildViews};
    s.save_child(&child("A1", "2012-02-02")).await.unwrap();
    let views = CaseRecord::Views(ChildViews {
        id: "W1".into(),
        child: id("A1"),
        review_date: d("2023-01-25"),
        route: "postcard".into(),
    });
    s.add_case_records(std::slice::from_ref(&views), "cli:test")
        .await
        .unwrap();
    let held = s.case_record_versions("views", "W1").await.unwrap();
    assert_eq!(held.last().map(|v| &v.record), Some(&views));
}
both!(every_list_round_trips_and_a_record_keeps_its_key);

async fn migration_20_keeps_every_review_with_its_attendance_and_recommendations(env: Env) {
    let s = &env.store;
    s.save_child(&child("A1", "2012-02-02")).await.unwrap();
    s.save_episode(&episode("A1", "2022-05-01", None))
        .await
        .unwrap();
    s.save_iro(&Iro {
        id: IroId("I1".into()),
        name: "Officer".into(),
        fte: 1.0,
        started: d("2020-01-01"),
        left: None,
    })
    .await
    .unwrap();
    let mut r = review("A1", "2022-05-25", "PN1");
    r.details = Some(ReviewDetails {
        chair: Some(IroId("I1".into())),
        attendance: vec![AttendeeRole::Carer, AttendeeRole::Health],
        social_worker_report: SocialWorkerReport::Received(d("2022-05-20")),
        recommendations: vec![Recommendation {
            text: "Arrange contact".into(),
            owner: "SW".into(),
            due: d("2022-06-30"),
            completed: None,
        }],
        late_reason: Some("heavy_snow".into()),
        ..Default::default()
    });
    s.record_review(&r).await.unwrap();
    s.record_review(&review("A1", "2022-11-25", "PN2"))
        .await
        .unwrap();
    let before = s.reviews_of(&id("A1")).await.unwrap();

    // The migration's own SQL, run again on a database holding reviews:
    // SQLite makes the table again (which deletes the attendance and
    // recommendations by cascade, so they are kept aside and put back);
    // PostgreSQL changes the constraint.
    let sql = match env.kind {
        DbKind::Sqlite => include_str!("../../migrations/sqlite/0019_council_lists.sql"),
        DbKind::Postgres => include_str!("../../migrations/postgres/0019_council_lists.sql"),
    };
    env.raw(&format!("BEGIN;\n{sql}\nCOMMIT;")).await.unwrap();
    assert_eq!(s.reviews_of(&id("A1")).await.unwrap(), before);
    assert_eq!(s.integrity_check().await.unwrap(), Vec::<String>::new());
    // The table's triggers are back: a change still bumps the data version.
    let version = s.data_version().await.unwrap();
    let mut changed = before[0].clone();
    changed.details.as_mut().unwrap().late_reason = None;
    s.update_review(&changed).await.unwrap();
    assert!(s.data_version().await.unwrap() > version);
    // The column's CHECK is back.
    let err = env
        .raw("UPDATE reviews SET late_reason = 'Not a key' WHERE child = 'A1'")
        .await
        .expect_err("the CHECK is back");
    assert!(err.to_string().to_lowercase().contains("check"), "{err}");
}
both!(migration_20_keeps_every_review_with_its_attendance_and_recommendations);

async fn the_challenge_themes_are_read_in_one_place(env: Env) {
    let s = &env.store;
    let default = footprint_store::council::default_challenge_themes();
    assert_eq!(s.challenge_themes().await.unwrap(), default);
    s.set_setting("challenge_themes", &serde_json::json!([]))
        .await
        .unwrap();
    assert_eq!(
        s.challenge_themes().await.unwrap(),
        default,
        "empty: the default"
    );
    s.set_setting("challenge_themes", &serde_json::json!(["Drift", "Contact"]))
        .await
        .unwrap();
    // A flat list of names, as the setting was before themes had keys:
    // each a theme keyed by its name.
    let flat = s.challenge_themes().await.unwrap();
    let themes = flat.themes();
    let labels: Vec<&str> = themes.offered().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["Drift", "Contact"]);
    assert_eq!(flat.0[1].key, "contact");
    // Two levels, as the settings now hold them.
    let two = serde_json::json!([
        {"key": "drift", "label": "Drift and delay", "sub_themes": [
            {"key": "no_report", "label": "No pre-meeting report"},
            {"key": "sgo", "label": "SGO planning drifting", "retired": true}
        ]},
        {"key": "contact", "label": "Contact", "retired": true}
    ]);
    s.set_setting("challenge_themes", &two).await.unwrap();
    let held = s.challenge_themes().await.unwrap();
    assert_eq!(serde_json::to_value(&held).unwrap(), two);
    assert_eq!(held.sub_label("drift", "sgo"), "SGO planning drifting");
    // The measures count by the same list.
    assert_eq!(s.measure_settings().await.unwrap().challenge_themes, held);
    // A list failing its check is an error naming it, never a fall-back.
    s.set_setting(
        "challenge_themes",
        &serde_json::json!([{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]),
    )
    .await
    .unwrap();
    let err = s.challenge_themes().await.unwrap_err();
    assert!(err.to_string().contains("challenge_themes"), "{err}");
    s.set_setting("challenge_themes", &serde_json::json!({"no": 1}))
        .await
        .unwrap();
    let err = s.challenge_themes().await.unwrap_err();
    assert!(err.to_string().contains("challenge_themes"), "{err}");
}
both!(the_challenge_themes_are_read_in_one_place);
