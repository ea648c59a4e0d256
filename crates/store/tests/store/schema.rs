//! Connecting, migrating, the schema version check, backup.

use footprint_store::{DbKind, SCHEMA_VERSION, Store, StoreError};

use crate::both;
use crate::common::{Env, raw_on};
use crate::fixtures::{batch, child, episode, json};

async fn migrate_is_idempotent_and_open_checks_the_version(env: Env) {
    assert_eq!(env.store.schema_version().await.unwrap(), SCHEMA_VERSION);
    let again = env.store.migrate().await.unwrap();
    assert_eq!((again.from, again.to), (SCHEMA_VERSION, SCHEMA_VERSION));
    Store::open(&env.url)
        .await
        .expect("open a migrated database");

    // An empty database: older than this binary.
    let url = env.fresh_url().await;
    if env.kind == DbKind::Sqlite {
        // `open` does not create a missing file.
        let err = Store::open(&url).await.unwrap_err();
        assert!(matches!(err, StoreError::Missing { .. }), "{err}");
        assert!(err.to_string().contains("footprint migrate"), "{err}");
        Store::connect(&url).await.unwrap().close().await;
    }
    let err = Store::open(&url).await.unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooOld { found: 0, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("run `footprint migrate`"), "{err}");
    let fresh = Store::connect(&url).await.unwrap();
    let report = fresh.migrate().await.unwrap();
    assert_eq!((report.from, report.to), (0, SCHEMA_VERSION));
    fresh.close().await;
    Store::open(&url).await.expect("open after migrate");

    // A database from a newer footprint: refused by open and by migrate.
    raw_on(
        env.kind,
        &url,
        &format!(
            "INSERT INTO schema_version (version, description, applied_at) \
             VALUES ({}, 'from the future', '2099-01-01T00:00:00Z')",
            SCHEMA_VERSION + 1
        ),
    )
    .await
    .unwrap();
    let err = Store::open(&url).await.unwrap_err();
    assert!(matches!(err, StoreError::SchemaTooNew { .. }), "{err}");
    assert!(err.to_string().contains("newer"), "{err}");
    let store = Store::connect(&url).await.unwrap();
    let err = store.migrate().await.unwrap_err();
    assert!(matches!(err, StoreError::SchemaTooNew { .. }), "{err}");
}
both!(migrate_is_idempotent_and_open_checks_the_version);

async fn backup_copies_the_database(env: Env) {
    let mut b = batch("2022-23");
    b.children.push(child("C1", "2015-06-01"));
    b.episodes.push(episode("C1", "2022-05-01", None));
    env.store.import_return(&b).await.unwrap();
    env.store
        .audit("cli", "import", None, "903 2022-23")
        .await
        .unwrap();

    let out = env.dir.join("backup.db");
    match env.kind {
        DbKind::Sqlite => {
            env.store.backup_to(&out).await.unwrap();
            let copy = Store::open(&format!("sqlite://{}", out.display()))
                .await
                .expect("the backup opens");
            assert_eq!(copy.integrity_check().await.unwrap(), Vec::<String>::new());
            assert_eq!(
                json(&copy.load_dataset().await.unwrap()),
                json(&env.store.load_dataset().await.unwrap())
            );
            assert_eq!(
                copy.import_runs().await.unwrap(),
                env.store.import_runs().await.unwrap()
            );
            assert_eq!(copy.audit_log(&Default::default()).await.unwrap().len(), 1);
            // Never overwrites a file.
            let err = env.store.backup_to(&out).await.unwrap_err();
            assert!(matches!(err, StoreError::AlreadyExists(_)), "{err}");
        }
        DbKind::Postgres => {
            let err = env.store.backup_to(&out).await.unwrap_err();
            assert!(matches!(err, StoreError::Unsupported(_)), "{err}");
            assert!(err.to_string().contains("pg_dump"), "{err}");
            assert!(!out.exists());
        }
    }
}
both!(backup_copies_the_database);

async fn the_audit_log_is_append_only(env: Env) {
    let c = crate::fixtures::id("C9");
    env.store
        .audit("ann", "review.record", Some(&c), "2023-01-05")
        .await
        .unwrap();
    env.store
        .audit("bob", "report.export", None, "2022-23 docx")
        .await
        .unwrap();
    env.store
        .audit("ann", "allocation.change", Some(&c), "IRO2")
        .await
        .unwrap();

    let all = env.store.audit_log(&Default::default()).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["allocation.change", "report.export", "review.record"],
        "newest first"
    );
    let anns = env
        .store
        .audit_log(&footprint_store::AuditQuery {
            actor: Some("ann".into()),
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0].action, "allocation.change");
    let about_c = env
        .store
        .audit_log(&footprint_store::AuditQuery {
            child: Some(c.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(about_c.len(), 2);
    let by_action = env
        .store
        .audit_log(&footprint_store::AuditQuery {
            action_prefix: Some("re".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        by_action
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["report.export", "review.record"],
        "only the actions starting with the prefix"
    );
    assert!(about_c.iter().all(|e| e.child.as_ref() == Some(&c)));

    // Not even a database client can change or remove a row.
    for sql in [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ] {
        let err = env.raw(sql).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    if env.kind == DbKind::Postgres {
        let err = env.raw("TRUNCATE audit_log").await.expect_err("truncate");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(env.store.audit_log(&Default::default()).await.unwrap(), all);
}
both!(the_audit_log_is_append_only);

#[tokio::test]
async fn bad_urls_are_refused_with_a_clear_message() {
    let err = Store::open("mysql://root:hunter2@db/footprint")
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("sqlite://FILE"), "{msg}");
    assert!(!msg.contains("hunter2"), "password leaked: {msg}");
    assert!(Store::open("footprint.db").await.is_err());
}

both!(the_data_version_moves_with_every_change_to_the_records);
async fn the_data_version_moves_with_every_change_to_the_records(env: Env) {
    use crate::fixtures::review;
    let v0 = env.store.data_version().await.unwrap();
    // Reading changes nothing.
    env.store.load_dataset().await.unwrap();
    assert_eq!(env.store.data_version().await.unwrap(), v0);
    let mut b = batch("2021-22");
    b.children.push(child("A1", "2010-01-15"));
    env.store.import_return(&b).await.unwrap();
    let v1 = env.store.data_version().await.unwrap();
    assert!(v1 > v0, "an import moves it");
    env.store
        .record_review(&review("A1", "2021-06-25", "PN1"))
        .await
        .unwrap();
    let v2 = env.store.data_version().await.unwrap();
    assert!(v2 > v1, "recording a review moves it");
    env.store
        .set_setting("anything", &serde_json::json!(1))
        .await
        .unwrap();
    assert!(
        env.store.data_version().await.unwrap() > v2,
        "a setting moves it"
    );
    // Another connection (another process, in real life) sees the same number.
    let other = Store::open(&env.url).await.unwrap();
    assert_eq!(
        other.data_version().await.unwrap(),
        env.store.data_version().await.unwrap()
    );
}
