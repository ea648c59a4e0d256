//! `footprint demo --no-serve`: generates a council into a fresh database,
//! adds a user for each role, writes the latest annual report, and reuses the
//! database on a second run.

use std::process::Command;

#[test]
fn the_demo_builds_a_council_users_and_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("demo.db").display());
    let out = tmp.path().join("reports");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_footprint"))
            .args([
                "demo",
                "--no-serve",
                "--children-in-care",
                "150",
                "--as-of",
                "2025-06-01",
            ])
            .arg("--db")
            .arg(&db)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    let first = run();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout.contains("Generating a synthetic council"),
        "{stdout}"
    );
    // As of 1 June 2025 the latest complete year is 2024-25.
    let report = out.join("iro-annual-report-2024-25.html");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Independent Reviewing Officer annual report"));
    assert!(html.contains("Demo Borough Council"));
    // The same report as `footprint report annual`: the five-year trends
    // and the adoption scorecard's three-year averages are in it.
    assert!(html.contains(r#"<table id="trend">"#), "the trends");
    assert!(
        html.contains("three-year average"),
        "the three-year averages"
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = footprint_store::Store::open(&db).await.unwrap();
        let users = store.users().await.unwrap();
        for name in ["iro", "manager", "support", "analyst", "admin"] {
            assert!(users.iter().any(|u| u.name == name), "demo user {name}");
        }
        let iro = users.iter().find(|u| u.name == "iro").unwrap();
        let iro_id = iro.iro.clone().expect("the demo IRO user is an IRO");
        let as_of = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        assert!(
            !store.caseload(&iro_id, as_of).await.unwrap().is_empty(),
            "the demo IRO has a caseload"
        );
        let children = store.list_children().await.unwrap().len();
        assert!(children > 150, "{children} children");
        store.close().await;
    });

    let second = run();
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(stdout.contains("Reusing the demo council"), "{stdout}");
}
