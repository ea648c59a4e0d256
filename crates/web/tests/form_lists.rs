//! The council's own lists the forms offer (issue 17, item 5): an
//! administrator renames, retires, adds and reorders the reasons a review
//! was held late on a page of the settings; the review form offers the
//! council's list and refuses anything else; a retired reason stays on the
//! records that hold it; a refused list leaves everything as it was; every
//! save is audited with the list before and after.

mod common;

use axum::http::StatusCode;
use common::*;
use footprint_domain::lists::FormList;
use footprint_store::AuditQuery;
use footprint_web::Role;

const LIST: &str = "/admin/settings/lists/late_reasons";

/// The `settings.change` entries of the audit log, newest first.
async fn changes(t: &TestApp) -> Vec<String> {
    t.store
        .audit_log(&AuditQuery::default())
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "settings.change")
        .map(|e| e.detail)
        .collect()
}

/// The late reason C2's review of `date` holds.
async fn late_reason_of(t: &TestApp, date: &str) -> Option<String> {
    t.store
        .review(&child_id("C2"), d(date))
        .await
        .expect("read")
        .and_then(|r| r.details)
        .and_then(|d| d.late_reason)
}

/// C2 came into care on 6 Jan 2025 with no review: one on 11 Mar 2025 is
/// late.
fn late_review(date: &str, reason: &str) -> Vec<(String, String)> {
    [
        ("date", date),
        ("participation", "PN1"),
        ("late_reason", reason),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

async fn post(c: &mut Client<'_>, path: &str, fields: &[(String, String)]) -> Res {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &fields).await
}

#[tokio::test]
async fn an_administrator_changes_the_late_reasons_and_the_review_form_offers_them() {
    let t = app().await;
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    let settings = admin.get("/admin/settings").await;
    assert!(settings.body.contains(&format!("href=\"{LIST}\"")));
    let page = admin.get(LIST).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"Clashed with a court hearing\""));

    // Rename one, retire one, add one at the top; the rows not sent stay.
    let res = admin
        .post(
            LIST,
            &[
                ("rows", "3"),
                ("key-1", "court_hearing"),
                ("label-1", "Court date clash"),
                ("position-1", "2"),
                ("key-2", "child_unwell"),
                ("label-2", "Child unwell"),
                ("retired-2", "yes"),
                ("position-2", "3"),
                ("key-3", ""),
                ("label-3", "Heavy snow"),
                ("position-3", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = t
        .store
        .form_list(FormList::LateReasons)
        .await
        .expect("list");
    let keys: Vec<&str> = list.keys().take(4).collect();
    assert_eq!(
        keys,
        [
            "heavy_snow",
            "court_hearing",
            "child_unwell",
            "social_worker_unavailable"
        ]
    );
    assert_eq!(list.label("court_hearing"), "Court date clash");
    assert!(list.get("child_unwell").expect("kept").retired);
    assert_eq!(list.0.len(), 11, "nothing held was dropped");
    let audit = changes(&t).await;
    assert!(
        audit.iter().any(
            |d| d.starts_with("setting=late_reasons;before=(not set);after=[")
                && d.contains("Heavy snow")
                && d.contains("Court date clash")
        ),
        "{audit:?}"
    );

    // The review form offers the council's list, and no retired entry.
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    let form = iro.get("/children/C2/reviews/new").await;
    assert!(
        form.body
            .contains("<option value=\"heavy_snow\">Heavy snow</option>")
    );
    assert!(form.body.contains(">Court date clash</option>"));
    assert!(!form.body.contains("value=\"child_unwell\""));
    assert!(
        form.body.contains("value=\"childs_views\""),
        "inadequate reasons"
    );

    // A retired reason is refused for a new review, on its field; nothing
    // is written.
    let res = post(
        &mut iro,
        "/children/C2/reviews",
        &late_review("2025-03-11", "child_unwell"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("id=\"late_reason-error\""),
        "{}",
        res.body
    );
    assert!(
        t.store
            .review(&child_id("C2"), d("2025-03-11"))
            .await
            .expect("read")
            .is_none()
    );
    // The council's own reason is kept by its key.
    let res = post(
        &mut iro,
        "/children/C2/reviews",
        &late_review("2025-03-11", "heavy_snow"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        late_reason_of(&t, "2025-03-11").await.as_deref(),
        Some("heavy_snow")
    );

    // A rename shows on the record without rewriting it.
    admin.get(LIST).await;
    let res = admin
        .post(
            LIST,
            &[
                ("rows", "1"),
                ("key-1", "heavy_snow"),
                ("label-1", "Snow or ice"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        late_reason_of(&t, "2025-03-11").await.as_deref(),
        Some("heavy_snow")
    );
    let shown = iro.get("/children/C2/reviews/2025-03-11").await;
    assert!(shown.body.contains("Snow or ice"), "{}", shown.body);
}

#[tokio::test]
async fn a_retired_reason_stays_on_the_review_that_holds_it() {
    let t = app().await;
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    iro.get("/children/C2/reviews/new").await;
    let res = post(
        &mut iro,
        "/children/C2/reviews",
        &late_review("2025-03-11", "child_unwell"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    admin.get(LIST).await;
    let res = admin
        .post(
            LIST,
            &[
                ("rows", "1"),
                ("key-1", "child_unwell"),
                ("label-1", "Child unwell"),
                ("retired-1", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Shown with its label; the correction form offers it, marked, chosen.
    let shown = iro.get("/children/C2/reviews/2025-03-11").await;
    assert!(shown.body.contains("Child unwell"), "{}", shown.body);
    let edit = iro.get("/children/C2/reviews/2025-03-11/edit").await;
    assert!(
        edit.body.contains(
            "<option value=\"child_unwell\" selected>Child unwell (no longer offered)</option>"
        ),
        "{}",
        edit.body
    );
    // A correction that keeps it is accepted; the reason stays.
    let mut fields = late_review("2025-03-11", "child_unwell");
    fields.push(("participation".to_owned(), "PN2".to_owned()));
    fields.retain(|(k, v)| !(k == "participation" && v == "PN1"));
    fields.push((
        "correction_reason".to_owned(),
        "The child took part by phone".to_owned(),
    ));
    let res = post(&mut iro, "/children/C2/reviews/2025-03-11", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        late_reason_of(&t, "2025-03-11").await.as_deref(),
        Some("child_unwell")
    );
    // The annual report still counts it, under its label.
    let behind = report_drilldown(&t, "reviews.late_by_reason", "child_unwell").await;
    assert_eq!(behind, ["C2"], "the retired reason is still counted");
}

#[tokio::test]
async fn a_refused_list_leaves_everything_as_it_was() {
    let t = app().await;
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    admin.get(LIST).await;
    for (fields, field) in [
        // A name twice (in another case).
        (
            vec![
                ("rows", "2"),
                ("label-1", "Heavy snow"),
                ("label-2", "heavy SNOW"),
            ],
            "label-2",
        ),
        // A held entry's name blanked.
        (
            vec![
                ("rows", "2"),
                ("key-1", "court_hearing"),
                ("label-1", ""),
                ("label-2", "Ice"),
            ],
            "label-1",
        ),
        // A position that is not a number.
        (
            vec![("rows", "1"), ("label-1", "Ice"), ("position-1", "first")],
            "position-1",
        ),
        // A key the list does not hold (a stale page).
        (
            vec![("rows", "1"), ("key-1", "ghost"), ("label-1", "Ghost")],
            "label-1",
        ),
    ] {
        let res = admin.post(LIST, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(
            res.body.contains(&format!("id=\"{field}-error\"")),
            "{field}: {}",
            res.body
        );
        assert!(res.body.contains("<title>Error: "));
    }
    assert_eq!(
        t.store.setting("late_reasons").await.expect("read"),
        None,
        "nothing saved"
    );
    assert!(changes(&t).await.is_empty(), "nothing audited as changed");
    // Saving the list as held changes nothing.
    let res = admin.post(LIST, &[("rows", "0")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(t.store.setting("late_reasons").await.expect("read"), None);
    // Only an administrator reaches it; an unknown list is not found.
    let mut manager = Client::signed_in_as(&t.app, Role::Manager).await;
    assert_eq!(manager.get(LIST).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        admin.get("/admin/settings/lists/colours").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_inadequate_grade_is_recorded_with_the_councils_reason() {
    let t = app().await;
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    iro.get("/children/C2/reviews/new").await;
    let mut fields = late_review("2025-03-11", "court_hearing");
    fields.push(("quality".to_owned(), "inadequate".to_owned()));
    let res = post(&mut iro, "/children/C2/reviews", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("id=\"inadequate_reason-error\""),
        "{}",
        res.body
    );
    fields.push((
        "inadequate_reason".to_owned(),
        "outcome_and_impact".to_owned(),
    ));
    let res = post(&mut iro, "/children/C2/reviews", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let held = t
        .store
        .review(&child_id("C2"), d("2025-03-11"))
        .await
        .expect("read")
        .and_then(|r| r.details)
        .expect("details");
    assert_eq!(
        held.inadequate_reason.as_deref(),
        Some("outcome_and_impact")
    );
    let shown = iro.get("/children/C2/reviews/2025-03-11").await;
    assert!(shown.body.contains("Outcome and impact for the child"));
    let behind = report_drilldown(&t, "quality.inadequate_by_reason", "outcome_and_impact").await;
    assert_eq!(behind, ["C2"]);
}

#[tokio::test]
async fn a_case_alerts_theme_is_one_of_the_councils_themes() {
    let t = app().await;
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    iro.get("/children/C1/case-records/new?kind=case_alert")
        .await;
    let alert = |theme: &'static str| {
        [
            ("kind", "case_alert"),
            ("date", "2025-02-10"),
            ("theme", theme),
        ]
    };
    let held = |t: &TestApp| {
        let store = t.store.clone();
        async move {
            store
                .load_dataset()
                .await
                .expect("read")
                .case_records
                .all()
                .len()
        }
    };
    let before = held(&t).await;
    // A theme not on the list (the form offers only the list): refused on
    // its field, nothing written.
    let res = iro
        .post("/children/C1/case-records", &alert("Weather"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"theme-error\""), "{}", res.body);
    assert_eq!(held(&t).await, before);
    let res = iro
        .post("/children/C1/case-records", &alert("Placement"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(held(&t).await, before + 1);
}

/// An administrator retires the entry `retired` (key, name) of the
/// council's list `list` and adds one called `added`: saved, and audited
/// with the list before (not set) and after.
async fn retire_and_add(t: &TestApp, list: &str, retired: (&str, &str), added: &str) {
    let path = format!("/admin/settings/lists/{list}");
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    admin.get(&path).await;
    let res = admin
        .post(
            &path,
            &[
                ("rows", "2"),
                ("key-1", retired.0),
                ("label-1", retired.1),
                ("retired-1", "yes"),
                ("key-2", ""),
                ("label-2", added),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let before = format!("setting={list};before=(not set);after=[");
    assert!(
        changes(t)
            .await
            .iter()
            .any(|d| d.starts_with(&before) && d.contains(added)),
        "{list}"
    );
}

/// The child's views C2's records hold, as (route) keys.
async fn views_routes_held(t: &TestApp) -> Vec<String> {
    t.store
        .load_dataset()
        .await
        .expect("read")
        .case_records
        .views
        .into_iter()
        .map(|v| v.route)
        .collect()
}

#[tokio::test]
async fn the_councils_ways_a_childs_views_reach_a_review_are_offered_checked_and_imported() {
    const VIEWS: &str = "/admin/settings/lists/views_routes";
    let t = app().await;
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    let settings = admin.get("/admin/settings").await;
    assert!(settings.body.contains(&format!("href=\"{VIEWS}\"")));
    admin.get(VIEWS).await;
    let res = admin
        .post(
            VIEWS,
            &[
                ("rows", "3"),
                ("key-1", "in_person"),
                ("label-1", "Face to face"),
                ("key-2", "mind_of_my_own"),
                ("label-2", "Mind of My Own"),
                ("retired-2", "yes"),
                ("key-3", ""),
                ("label-3", "Postcard"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let audit = changes(&t).await;
    assert!(
        audit.iter().any(
            |d| d.starts_with("setting=views_routes;before=(not set);after=[")
                && d.contains("Postcard")
        ),
        "{audit:?}"
    );

    // The form offers the council's list, no retired entry.
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    let form = iro.get("/children/C2/case-records/new?kind=views").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("<option value=\"postcard\">Postcard</option>")
    );
    assert!(form.body.contains(">Face to face</option>"));
    assert!(!form.body.contains("value=\"mind_of_my_own\""));

    // A retired entry, or one not on the list, is refused on its field;
    // nothing is written.
    for route in ["mind_of_my_own", "carrier_pigeon"] {
        let res = iro
            .post(
                "/children/C2/case-records",
                &[("kind", "views"), ("date", "2025-03-11"), ("route", route)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{route}");
        assert!(res.body.contains("id=\"route-error\""), "{}", res.body);
        assert!(views_routes_held(&t).await.is_empty(), "nothing saved");
    }
    let res = iro
        .post(
            "/children/C2/case-records",
            &[
                ("kind", "views"),
                ("date", "2025-03-11"),
                ("route", "postcard"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(views_routes_held(&t).await, ["postcard"]);
    let child = iro.get("/children/C2").await;
    assert!(child.body.contains("Postcard"), "the label, not the key");

    // The import reads the same list: by name in any case, held by key; a
    // retired entry is refused on its line's ROUTE, and nothing is added.
    use footprint_interchange::case_records::import_case_records;
    let header = "RECORD,ID,CHILD,DATE,ROUTE\n";
    let refused = import_case_records(
        &t.store,
        "test",
        "views.csv",
        &format!(
            "{header}views,W2,C2,12/03/2025,face TO face\nviews,W3,C2,12/03/2025,Mind of My Own\n"
        ),
    )
    .await
    .expect("import");
    match refused {
        footprint_interchange::Outcome::Refused(p) => {
            assert_eq!(p.len(), 1, "{p:?}");
            assert_eq!((p[0].line, p[0].column.as_str()), (3, "ROUTE"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(views_routes_held(&t).await, ["postcard"]);
    let added = import_case_records(
        &t.store,
        "test",
        "views.csv",
        &format!("{header}views,W2,C2,12/03/2025,face TO face\n"),
    )
    .await
    .expect("import");
    assert!(matches!(added, footprint_interchange::Outcome::Imported(_)));
    let mut held = views_routes_held(&t).await;
    held.sort();
    assert_eq!(held, ["in_person", "postcard"]);
}

#[tokio::test]
async fn the_councils_forms_of_life_story_work_are_offered_checked_and_imported() {
    let t = app().await;
    retire_and_add(
        &t,
        "life_story_forms",
        ("memory_box", "Memory box"),
        "Life-story app",
    )
    .await;
    let forms_held = || async {
        t.store
            .load_dataset()
            .await
            .expect("read")
            .case_records
            .life_story
            .into_iter()
            .map(|w| w.form)
            .collect::<Vec<_>>()
    };

    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    let form = iro
        .get("/children/C2/case-records/new?kind=life_story")
        .await;
    assert!(
        form.body
            .contains("<option value=\"life_story_app\">Life-story app</option>")
    );
    assert!(!form.body.contains("value=\"memory_box\""), "retired");
    let story = |form: &'static str| {
        [
            ("kind", "life_story"),
            ("date", "2025-03-11"),
            ("status", "in_progress"),
            ("form", form),
        ]
    };
    let res = iro
        .post("/children/C2/case-records", &story("memory_box"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"form-error\""), "{}", res.body);
    assert!(forms_held().await.is_empty(), "nothing saved");
    let res = iro
        .post("/children/C2/case-records", &story("life_story_app"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(forms_held().await, [Some("life_story_app".to_owned())]);

    // The import: a retired form is refused on its line's FORM.
    use footprint_interchange::case_records::import_case_records;
    let refused = import_case_records(
        &t.store,
        "test",
        "story.csv",
        "RECORD,ID,CHILD,DATE,STATUS,FORM\nlife_story,L9,C2,12/03/2025,in_progress,Memory Box\n",
    )
    .await
    .expect("import");
    match refused {
        footprint_interchange::Outcome::Refused(p) => {
            assert_eq!((p[0].line, p[0].column.as_str()), (2, "FORM"), "{p:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(forms_held().await.len(), 1, "nothing added");
}

#[tokio::test]
async fn the_councils_cover_reasons_are_offered_wherever_an_iro_covers_and_checked() {
    let t = app().await;
    retire_and_add(
        &t,
        "cover_reasons",
        ("leave", "Covering a colleague on leave"),
        "Duty IRO for the day",
    )
    .await;

    // C3 is another IRO's: the forms ask why, from the council's list.
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    for path in [
        "/children/C3/case-records/new?kind=views",
        "/children/C3/reviews/new",
        "/children/C3",
    ] {
        let page = iro.get(path).await;
        assert!(
            page.body
                .contains("<option value=\"duty_iro_for_the_day\">Duty IRO for the day</option>"),
            "{path}"
        );
        assert!(!page.body.contains("value=\"leave\""), "{path}: retired");
    }
    // A retired reason is refused, and nothing is written.
    let views = |covering: &'static str| {
        [
            ("kind", "views"),
            ("date", "2024-09-20"),
            ("route", "in_person"),
            ("covering", covering),
        ]
    };
    let res = iro.post("/children/C3/case-records", &views("leave")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        t.store
            .load_dataset()
            .await
            .expect("load")
            .case_records
            .is_empty(),
        "nothing written"
    );
    let res = iro
        .post("/children/C3/case-records", &views("duty_iro_for_the_day"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C3")),
            ..Default::default()
        })
        .await
        .expect("log");
    assert!(log.iter().any(|e| e.action == "case_record.record"
        && e.detail.ends_with(";covering=duty_iro_for_the_day")));
}
