//! Brothers and sisters: recorded and removed on the child's page, audited,
//! refused to roles that may not, and allocated to the same IRO together.

mod common;

use axum::http::StatusCode;
use common::*;
use footprint_domain::model::IroId;
use footprint_store::AuditQuery;
use footprint_web::Role;

fn ids(list: &[&str]) -> Vec<footprint_domain::model::ChildId> {
    list.iter().map(|c| child_id(c)).collect()
}

/// The "Brothers and sisters" section of a child's page.
fn siblings_section(body: &str) -> &str {
    let start = body.find("id=\"siblings\"").expect("siblings section");
    let end = body[start..].find("<h2").map_or(body.len(), |i| start + i);
    &body[start..end]
}

#[tokio::test]
async fn recording_a_sibling_links_both_pages_and_is_audited() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let page = c.get("/children/C4").await;
    let section = siblings_section(&page.body);
    assert!(section.contains("None recorded."), "{section}");
    assert!(section.contains("action=\"/children/C4/siblings\""));

    let res = c
        .post("/children/C4/siblings", &[("sibling", " C2 ")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/children/C4#siblings"));
    assert_eq!(
        t.store.sibling_groups().await.expect("groups"),
        vec![ids(&["C2", "C4"])]
    );
    // Each child's page links to the other, with the other's IRO.
    let page = c.get("/children/C4").await;
    assert!(
        page.body
            .contains("Child C2 recorded as a brother or sister")
    );
    let section = siblings_section(&page.body);
    assert!(section.contains("href=\"/children/C2\""), "{section}");
    assert!(section.contains("Alex Example"), "C2's IRO: {section}");
    let page = c.get("/children/C2").await;
    let section = siblings_section(&page.body);
    assert!(section.contains("href=\"/children/C4\""), "{section}");
    assert!(section.contains("Unallocated"), "C4 has no IRO: {section}");

    // A third child joins through C2: the whole group shows on C4's page.
    let res = c.post("/children/C2/siblings", &[("sibling", "C3")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get("/children/C4").await;
    let section = siblings_section(&page.body);
    assert!(
        section.contains("href=\"/children/C2\"") && section.contains("href=\"/children/C3\""),
        "{section}"
    );

    // Removing C3 leaves C2 and C4 together.
    let res = c
        .post("/children/C4/siblings/remove", &[("sibling", "C3")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        t.store.sibling_groups().await.expect("groups"),
        vec![ids(&["C2", "C4"])]
    );

    let log = t
        .store
        .audit_log(&AuditQuery {
            action_prefix: Some("sibling.".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    let rows: Vec<(String, Option<String>, String)> = log
        .iter()
        .rev()
        .map(|e| {
            (
                e.action.clone(),
                e.child.as_ref().map(|c| c.to_string()),
                e.detail.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "sibling.link".to_owned(),
                Some("C4".to_owned()),
                "sibling=C2;group_size=2".to_owned()
            ),
            (
                "sibling.link".to_owned(),
                Some("C2".to_owned()),
                "sibling=C3;group_size=3".to_owned()
            ),
            (
                "sibling.unlink".to_owned(),
                Some("C4".to_owned()),
                "sibling=C3".to_owned()
            ),
        ]
    );
    assert!(log.iter().all(|e| e.actor == "iro1"));
}

#[tokio::test]
async fn bad_sibling_forms_are_refused_and_write_nothing() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Manager).await;
    c.get("/children/C1").await;
    for (path, sibling, message) in [
        ("/children/C1/siblings", "", "Enter the identifier"),
        ("/children/C1/siblings", "C1", "their own brother or sister"),
        (
            "/children/C1/siblings",
            "Z9",
            "no child with the identifier Z9",
        ),
        ("/children/C1/siblings", "<b>", "1 to 10 letters or digits"),
        (
            "/children/C1/siblings/remove",
            "C2",
            "C2 is not recorded as a brother or sister of child C1",
        ),
    ] {
        let res = c.post(path, &[("sibling", sibling)]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{path} {sibling:?}");
        assert!(
            res.body.contains(message),
            "{path} {sibling:?}: {}",
            res.body
        );
    }
    let res = c.post("/children/Z9/siblings", &[("sibling", "C1")]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(t.store.sibling_groups().await.expect("groups").is_empty());
    let log = t
        .store
        .audit_log(&AuditQuery {
            action_prefix: Some("sibling.".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert!(log.is_empty(), "nothing audited: {log:?}");
}

#[tokio::test]
async fn analysts_and_business_support_cannot_record_or_remove_siblings() {
    let t = app().await;
    t.store
        .link_siblings(&child_id("C1"), &child_id("C2"))
        .await
        .expect("linked");
    for role in [Role::Analyst, Role::BusinessSupport, Role::Admin] {
        let mut c = Client::signed_in_as(&t.app, role).await;
        let res = c.post("/children/C1/siblings", &[("sibling", "C3")]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role} records");
        let res = c
            .post("/children/C1/siblings/remove", &[("sibling", "C2")])
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role} removes");
    }
    // Business support sees the siblings but no form.
    let mut c = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let page = c.get("/children/C1").await;
    let section = siblings_section(&page.body);
    assert!(section.contains("href=\"/children/C2\""), "{section}");
    assert!(!section.contains("<form"), "{section}");
    assert_eq!(
        t.store.sibling_groups().await.expect("groups"),
        vec![ids(&["C1", "C2"])],
        "unchanged"
    );
}

#[tokio::test]
async fn allocating_a_child_with_siblings_allocates_the_group_to_one_iro() {
    let t = app().await;
    // C5 left care last year: a sibling who needs no IRO now.
    let mut c5 = t
        .store
        .child(&child_id("C1"))
        .await
        .expect("read")
        .expect("C1")
        .child;
    c5.id = child_id("C5");
    t.store.save_child(&c5).await.expect("C5");
    let mut ep = t
        .store
        .child(&child_id("C1"))
        .await
        .expect("read")
        .expect("C1")
        .episodes[0]
        .clone();
    ep.child = child_id("C5");
    ep.start = d("2023-01-10");
    ep.end = Some(d("2024-01-10"));
    ep.reason_ceased = Some("E11".parse().expect("rec"));
    t.store.save_episode(&ep).await.expect("episode");
    for s in ["C2", "C3", "C5"] {
        t.store
            .link_siblings(&child_id("C4"), &child_id(s))
            .await
            .expect("linked");
    }

    let mut c = Client::signed_in_as(&t.app, Role::Manager).await;
    let page = c.get("/allocations").await;
    assert!(
        page.body.contains("(siblings: C2, C3, C5)"),
        "unallocated C4 shows its siblings"
    );
    // Without "with siblings": only the child.
    let res = c
        .post(
            "/allocations",
            &[("child", "C2"), ("iro", "IRO2"), ("from", "2025-03-10")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let on = today();
    assert_eq!(
        t.store.current_iro(&child_id("C2"), on).await.expect("iro"),
        Some(IroId("IRO2".into()))
    );
    assert_eq!(
        t.store.current_iro(&child_id("C4"), on).await.expect("iro"),
        None
    );

    // A date before a sibling's current allocation began: nothing written.
    let before = t.store.load_dataset().await.expect("ds").allocations;
    let res = c
        .post(
            "/allocations",
            &[
                ("child", "C4"),
                ("iro", "IRO1"),
                ("from", "2025-03-01"),
                ("with_siblings", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Child C2 has been allocated since 10 March 2025"),
        "{}",
        res.body
    );
    assert_eq!(
        t.store.load_dataset().await.expect("ds").allocations.len(),
        before.len(),
        "all or none"
    );

    // With siblings: every sibling looked after goes to the same IRO.
    let res = c
        .post(
            "/allocations",
            &[
                ("child", "C4"),
                ("iro", "IRO1"),
                ("from", "2025-03-12"),
                ("with_siblings", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for s in ["C2", "C3", "C4"] {
        assert_eq!(
            t.store.current_iro(&child_id(s), on).await.expect("iro"),
            Some(IroId("IRO1".into())),
            "{s}"
        );
    }
    assert_eq!(
        t.store.current_iro(&child_id("C5"), on).await.expect("iro"),
        None,
        "C5 is not looked after"
    );
    let page = c.get("/allocations").await;
    assert!(
        page.body
            .contains("Child C4 and sibling C2, sibling C3 allocated to Alex Example"),
        "{}",
        page.body
    );
    assert!(page.body.contains("not allocated: C5"));
    let log = t
        .store
        .audit_log(&AuditQuery {
            action_prefix: Some("allocation.".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    let audited: Vec<_> = log
        .iter()
        .filter(|e| e.detail.contains("from=2025-03-12"))
        .filter_map(|e| e.child.as_ref().map(|c| c.to_string()))
        .collect();
    assert_eq!(audited.len(), 3, "one audit row per child allocated");
}
