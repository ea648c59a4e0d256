//! `footprint import ssda903` and `footprint export ssda903` end to end, on a
//! real SQLite database: a clean return imports, exports back to the same
//! files, imports again without change, and a return with an error is
//! refused with nothing written.

use std::path::Path;
use std::process::{Command, Output};

const HEADER: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
100001,1,14/02/2012,WBRI,A123456789012,,
100002,2,03/09/2019,MWBC,UN1,,
";
const EPISODES: &str =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
100001,01/05/2021,S,V2,N1,U6,PR1,01/08/2021,X1,,TW1 1AA,TW1 2AF,SC123456
100001,01/08/2021,L,C2,N1,U6,PR1,,,,TW1 1AA,TW1 2AF,SC123456
100002,16/12/2021,S,C1,N4,U4,PR4,20/03/2022,E4A,,TW1 1AA,TW1 2AF,SC654321
";
const REVIEWS: &str = "CHILD,DOB,REVIEW,REVIEW_CODE
100001,14/02/2012,27/05/2021,PN1
100001,14/02/2012,20/08/2021,PN6
100002,03/09/2019,12/01/2022,PN0
";

fn footprint(args: &[&str], db: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("FOOTPRINT_DB")
        .output()
        .expect("footprint runs")
}

/// `footprint export ssda903 --year 2021-22 --out OUT`.
fn export_2021_22(out: &Path, db: &str) -> Output {
    footprint(
        &[
            "export",
            "ssda903",
            "--year",
            "2021-22",
            "--out",
            out.to_str().unwrap(),
        ],
        db,
    )
}

fn write_return(dir: &Path, episodes: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("header.csv"), HEADER).unwrap();
    std::fs::write(dir.join("episodes.csv"), episodes).unwrap();
    std::fs::write(dir.join("reviews.csv"), REVIEWS).unwrap();
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_clean_return_round_trips_through_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());
    let ret = tmp.path().join("2021-22");
    write_return(&ret, EPISODES);

    let m = footprint(&["migrate"], &db);
    assert!(m.status.success(), "{}", text(&m));
    let i = footprint(
        &[
            "import",
            "ssda903",
            ret.to_str().unwrap(),
            "--year",
            "2021-22",
        ],
        &db,
    );
    assert!(i.status.success(), "{}", text(&i));
    assert!(text(&i).contains("2021-22"), "{}", text(&i));

    let out = tmp.path().join("export");
    let e = export_2021_22(&out, &db);
    assert!(e.status.success(), "{}", text(&e));
    for (file, original) in [("episodes.csv", EPISODES), ("reviews.csv", REVIEWS)] {
        let written = std::fs::read_to_string(out.join(file)).unwrap();
        let lines =
            |s: &str| -> Vec<String> { s.lines().map(|l| l.trim_end().to_owned()).collect() };
        assert_eq!(lines(&written), lines(original), "{file} round trip");
    }

    // The same return again changes nothing.
    let again = footprint(
        &[
            "import",
            "ssda903",
            ret.to_str().unwrap(),
            "--year",
            "2021-22",
        ],
        &db,
    );
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains("      0 new"),
        "a second import inserts nothing: {}",
        text(&again)
    );

    // Each bulk read or change of the children's records is in the audit log.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = footprint_store::Store::open(&db).await.unwrap();
        let log = store
            .audit_log(&footprint_store::AuditQuery {
                action_prefix: Some("ssda903.".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["ssda903.import", "ssda903.export", "ssda903.import"],
            "newest first"
        );
        assert!(log.iter().all(|e| e.actor.starts_with("cli:")));
        store.close().await;
    });
}

#[test]
fn a_return_with_an_error_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());
    let ret = tmp.path().join("bad");
    // Line 3: legal status "C9" does not exist.
    let bad = EPISODES.replace("100001,01/08/2021,L,C2", "100001,01/08/2021,L,C9");
    write_return(&ret, &bad);
    assert!(footprint(&["migrate"], &db).status.success());

    let i = footprint(
        &[
            "import",
            "ssda903",
            ret.to_str().unwrap(),
            "--year",
            "2021-22",
        ],
        &db,
    );
    assert_eq!(i.status.code(), Some(1), "{}", text(&i));
    let t = text(&i);
    assert!(t.contains("episodes.csv"), "{t}");
    assert!(t.contains("C9"), "{t}");
    assert!(t.contains("nothing was written"), "{t}");

    let out = tmp.path().join("export");
    let e = export_2021_22(&out, &db);
    assert!(
        !e.status.success(),
        "an empty database is reported: {}",
        text(&e)
    );
    let episodes = std::fs::read_to_string(out.join("episodes.csv")).unwrap();
    assert_eq!(
        episodes.lines().count(),
        1,
        "only the header line: {episodes}"
    );
}

#[test]
fn names_import_all_or_nothing_and_never_reach_the_903_export() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());
    let ret = tmp.path().join("2021-22");
    write_return(&ret, EPISODES);
    assert!(footprint(&["migrate"], &db).status.success());
    let i = footprint(&["import", "ssda903", ret.to_str().unwrap()], &db);
    assert!(i.status.success(), "{}", text(&i));

    // One child the database does not hold: refused, nothing written.
    let names = tmp.path().join("names.csv");
    std::fs::write(
        &names,
        "CHILD,FORENAME,SURNAME\n100001,Amara,Okafor\n999999,Sam,Smith\n",
    )
    .unwrap();
    let r = footprint(&["import", "names", names.to_str().unwrap()], &db);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r));
    let t = text(&r);
    assert!(t.contains("names.csv line 3, column CHILD"), "{t}");
    assert!(t.contains("999999"), "{t}");
    assert!(!t.contains("Smith"), "a name is never printed: {t}");

    // A blank surname: refused, naming the line and column.
    std::fs::write(&names, "CHILD,FORENAME,SURNAME\n100001,Amara,\n").unwrap();
    let r = footprint(&["import", "names", names.to_str().unwrap()], &db);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r));
    assert!(text(&r).contains("line 2, column SURNAME"), "{}", text(&r));

    std::fs::write(
        &names,
        "CHILD,FORENAME,SURNAME\n100001,Amara,Okafor\n100002,Sam,Smith\n",
    )
    .unwrap();
    let r = footprint(&["import", "names", names.to_str().unwrap()], &db);
    assert!(r.status.success(), "{}", text(&r));
    assert!(text(&r).contains("Imported the names of 2 children"));

    // The 903 return holds no names: the export has none.
    let out = tmp.path().join("export");
    let e = export_2021_22(&out, &db);
    assert!(e.status.success(), "{}", text(&e));
    for f in std::fs::read_dir(&out).unwrap() {
        let body = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!body.contains("Okafor") && !body.contains("Smith"));
    }
}

/// `footprint import health`: all or nothing (a child not held, or a bad
/// row, refuses the file, naming line and column); a second run of the
/// same extract adds nothing; the records reach the annual report's
/// measures and never the 903 export.
#[test]
fn health_records_import_all_or_nothing_and_reach_the_measures() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());
    let ret = tmp.path().join("2021-22");
    write_return(&ret, EPISODES);
    assert!(footprint(&["migrate"], &db).status.success());
    let i = footprint(&["import", "ssda903", ret.to_str().unwrap()], &db);
    assert!(i.status.success(), "{}", text(&i));

    let file = tmp.path().join("health.csv");
    let good = "CHILD,RECORD,DATE,REQUESTED,SCORE,UP_TO_DATE,TERM,QUALITY\n\
                100002,IHA,10/01/2022,20/12/2021,,,,\n\
                100001,dental_check,01/09/2021,,,,,\n\
                100001,pep,15/09/2021,,,,,good\n";
    std::fs::write(&file, format!("{good}999999,sdq,01/02/2022,,12,,,\n")).unwrap();
    let r = footprint(&["import", "health", file.to_str().unwrap()], &db);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r));
    assert!(
        text(&r).contains("health.csv line 5, column CHILD"),
        "{}",
        text(&r)
    );

    std::fs::write(&file, format!("{good}100001,sdq,01/02/2022,,44,,,\n")).unwrap();
    let r = footprint(&["import", "health", file.to_str().unwrap()], &db);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r));
    assert!(text(&r).contains("line 5, column SCORE"), "{}", text(&r));

    // The check the web forms make: dates inside the child's periods of
    // care (100001 came into care on 01/05/2021) and not in the future.
    std::fs::write(
        &file,
        format!("{good}100001,dental_check,01/01/2020,,,,,\n100001,sdq,01/02/2099,,12,,,\n"),
    )
    .unwrap();
    let r = footprint(&["import", "health", file.to_str().unwrap()], &db);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r));
    assert!(text(&r).contains("line 5, column DATE"), "{}", text(&r));
    assert!(
        text(&r).contains("while the child was in care"),
        "{}",
        text(&r)
    );
    assert!(text(&r).contains("line 6, column DATE"), "{}", text(&r));
    assert!(text(&r).contains("today or in the past"), "{}", text(&r));

    std::fs::write(&file, good).unwrap();
    let r = footprint(&["import", "health", file.to_str().unwrap()], &db);
    assert!(r.status.success(), "{}", text(&r));
    assert!(
        text(&r).contains("Imported 3 health and education records (0 already held"),
        "{}",
        text(&r)
    );
    let r = footprint(&["import", "health", file.to_str().unwrap()], &db);
    assert!(
        text(&r).contains("Imported 0 health and education records (3 already held"),
        "{}",
        text(&r)
    );

    // 100002 came into care on 16/12/2021: the IHA was due 20 working days
    // on (18/01/2022, after the Christmas bank holidays) and done 10/01/2022,
    // in time; 100001's (in care from 01/05/2021, due in June) is not
    // recorded: 1 of 2.
    let json = tmp.path().join("report.json");
    let r = footprint(
        &[
            "report",
            "annual",
            "--year",
            "2021-22",
            "--format",
            "json",
            "--out",
            json.to_str().unwrap(),
            "--as-of",
            "2022-06-30",
        ],
        &db,
    );
    assert!(r.status.success(), "{}", text(&r));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let iha = &report["measures"]["health.assessments.initial_in_time"];
    assert_eq!(
        (iha["numerator"].as_u64(), iha["denominator"].as_u64()),
        (Some(1), Some(2)),
        "{iha}"
    );
    assert_eq!(report["measures"]["education.pep.held"].as_u64(), Some(1));

    let out = tmp.path().join("export");
    let e = export_2021_22(&out, &db);
    assert!(e.status.success(), "{}", text(&e));
}

/// `footprint backup`, a change after it, and a restore as docs/storage.md
/// says (the server stopped, the backup copied over the database file, the
/// WAL files beside it removed): the database is as it was at the backup.
#[test]
fn a_backup_restores_the_database_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let db_file = tmp.path().join("f.db");
    let db = format!("sqlite://{}", db_file.display());
    let ret = tmp.path().join("2021-22");
    write_return(&ret, EPISODES);
    assert!(footprint(&["migrate"], &db).status.success());
    let i = footprint(&["import", "ssda903", ret.to_str().unwrap()], &db);
    assert!(i.status.success(), "{}", text(&i));

    let export = |name: &str| -> Vec<(String, String)> {
        let out = tmp.path().join(name);
        let e = export_2021_22(&out, &db);
        assert!(e.status.success(), "{}", text(&e));
        let mut files: Vec<(String, String)> = std::fs::read_dir(&out)
            .unwrap()
            .map(|f| {
                let f = f.unwrap();
                (
                    f.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(f.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = export("before");

    let backup = tmp.path().join("backup.db");
    let b = footprint(&["backup", "--out", backup.to_str().unwrap()], &db);
    assert!(b.status.success(), "{}", text(&b));
    // A second backup to the same file is refused: a backup is never overwritten.
    let again = footprint(&["backup", "--out", backup.to_str().unwrap()], &db);
    assert!(!again.status.success());

    // A change after the backup: a third child and a corrected episode.
    let changed = tmp.path().join("changed");
    write_return(
        &changed,
        &EPISODES
            .replace("01/08/2021,X1", "02/08/2021,X1")
            .replace("100001,01/08/2021,L,C2", "100001,02/08/2021,L,C2"),
    );
    let c = footprint(
        &[
            "import",
            "ssda903",
            changed.to_str().unwrap(),
            "--year",
            "2022-23",
        ],
        &db,
    );
    assert!(c.status.success(), "{}", text(&c));
    assert_ne!(export("changed-export"), before, "the change is visible");

    // Restore.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db_file.display()));
    }
    std::fs::copy(&backup, &db_file).unwrap();
    assert_eq!(export("after"), before);
}

/// Issue 12: a folder without its Header, without its Episodes, or given a
/// year it does not belong to is refused, and nothing is written.
#[test]
fn what_is_not_a_return_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());
    assert!(footprint(&["migrate"], &db).status.success());
    let ret = tmp.path().join("2021-22");
    write_return(&ret, EPISODES);

    let no_header = tmp.path().join("no-header");
    write_return(&no_header, EPISODES);
    std::fs::remove_file(no_header.join("header.csv")).unwrap();
    let no_episodes = tmp.path().join("no-episodes");
    write_return(&no_episodes, EPISODES);
    std::fs::remove_file(no_episodes.join("episodes.csv")).unwrap();
    for (dir, table) in [(&no_header, "Header"), (&no_episodes, "Episodes")] {
        let i = footprint(&["import", "ssda903", dir.to_str().unwrap()], &db);
        assert_eq!(i.status.code(), Some(1), "{}", text(&i));
        let t = text(&i);
        assert!(t.contains(&format!("no {table} table")), "{t}");
    }
    // The 2021-22 return given as 2020-21: no episode is open in it.
    let i = footprint(
        &[
            "import",
            "ssda903",
            ret.to_str().unwrap(),
            "--year",
            "2020-21",
        ],
        &db,
    );
    assert_eq!(i.status.code(), Some(1), "{}", text(&i));
    let t = text(&i);
    assert!(
        t.contains("no episode is open at any time in 2020-21"),
        "{t}"
    );
    assert!(t.contains("is this the 2021-22 return?"), "{t}");
    let runs = footprint(
        &[
            "export",
            "ssda903",
            "--year",
            "2021-22",
            "--out",
            tmp.path().join("out").to_str().unwrap(),
        ],
        &db,
    );
    assert!(
        !runs.status.success(),
        "nothing was imported: {}",
        text(&runs)
    );

    // Every help text says how the year is set.
    for cmd in [["import", "ssda903"], ["validate", "ssda903"]] {
        let h = Command::new(env!("CARGO_BIN_EXE_footprint"))
            .args(cmd)
            .arg("--help")
            .output()
            .unwrap();
        let t = text(&h);
        assert!(
            t.contains("the year of the return's latest DECOM"),
            "{cmd:?}: {t}"
        );
    }
}

/// The 2022-23 return of child 100001, whose episode was open at the end of
/// 2021-22, with its legal status changed (DfE rule 503B).
const EPISODES_2022_23: &str =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
100001,01/08/2021,L,C1,N1,U6,PR1,,,,TW1 1AA,TW1 2AF,SC123456
";

fn rules_of(o: &Output) -> (serde_json::Value, Vec<String>) {
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    let rules = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["warnings"].as_array().unwrap())
        .filter_map(|p| p["rule"].as_str().map(str::to_owned))
        .collect();
    (json, rules)
}

#[test]
fn validate_lists_the_rules_and_compares_with_last_year() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());

    // --rules: a year's set, with numbers, years and messages.
    let r = footprint(
        &[
            "validate",
            "ssda903",
            "--rules",
            "--year-rules",
            "2025-26",
            "--json",
        ],
        &db,
    );
    assert!(r.status.success(), "{}", text(&r));
    let list: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"503A") && codes.contains(&"233") && codes.contains(&"INT03"));
    assert!(!codes.contains(&"445"), "445 ended in 2023-24");
    assert!(list[0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    let all = footprint(&["validate", "ssda903", "--rules"], &db);
    assert!(text(&all).contains("2023-24 to 2026-27"), "{}", text(&all));

    let last = tmp.path().join("2021-22");
    write_return(&last, EPISODES);
    let this = tmp.path().join("2022-23");
    write_return(&this, EPISODES_2022_23);

    // Without last year: the rules comparing years do not run.
    let alone = footprint(
        &[
            "validate",
            "ssda903",
            this.to_str().unwrap(),
            "--year",
            "2022-23",
            "--json",
        ],
        &db,
    );
    let (json, rules) = rules_of(&alone);
    assert_eq!(json["rule_set"]["name"], "903 rules 2023-24");
    assert_eq!(json["rule_set"]["previous_year"], false);
    assert!(!rules.contains(&"503B".to_owned()), "{rules:?}");

    // --previous: 503B on this year's first episode.
    let with = footprint(
        &[
            "validate",
            "ssda903",
            this.to_str().unwrap(),
            "--year",
            "2022-23",
            "--previous",
            last.to_str().unwrap(),
            "--json",
        ],
        &db,
    );
    let (json, rules) = rules_of(&with);
    assert_eq!(json["rule_set"]["previous_year"], true);
    assert!(rules.contains(&"503B".to_owned()), "{rules:?}");
    assert!(!rules.contains(&"503A".to_owned()), "{rules:?}");
    assert_eq!(with.status.code(), Some(1), "a broken DfE rule is an error");

    // --previous-from-db: last year as imported.
    assert!(footprint(&["migrate"], &db).status.success());
    let i = footprint(
        &[
            "import",
            "ssda903",
            last.to_str().unwrap(),
            "--year",
            "2021-22",
        ],
        &db,
    );
    assert!(i.status.success(), "{}", text(&i));
    let from_db = footprint(
        &[
            "validate",
            "ssda903",
            this.to_str().unwrap(),
            "--year",
            "2022-23",
            "--previous-from-db",
            "--json",
        ],
        &db,
    );
    let (json, rules) = rules_of(&from_db);
    assert_eq!(json["rule_set"]["previous_year"], true);
    assert!(
        rules.contains(&"503B".to_owned()),
        "{rules:?} {}",
        text(&from_db)
    );
    // Without --year, this year is the year of its latest DECOM, as a
    // check without last year's infers it, and last year is the one before.
    let inferred = footprint(
        &[
            "validate",
            "ssda903",
            this.to_str().unwrap(),
            "--previous-from-db",
            "--json",
        ],
        &db,
    );
    let plain = footprint(
        &["validate", "ssda903", this.to_str().unwrap(), "--json"],
        &db,
    );
    let ((inferred, _), (plain, _)) = (rules_of(&inferred), rules_of(&plain));
    assert_eq!(inferred["rule_set"]["previous_year"], true);
    assert_eq!(plain["rule_set"]["previous_year"], false);
    assert!(inferred["rule_set"]["year"].is_string());
    assert_eq!(inferred["rule_set"]["year"], plain["rule_set"]["year"]);
}

/// The council's local authority code in the database's settings, as the
/// web's settings form keeps it.
fn set_local_authority(db: &str, code: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = footprint_store::Store::open(db).await.unwrap();
        store
            .set_setting(
                footprint_store::council::REPORT_SETTINGS,
                &serde_json::json!({ "local_authority_code": code }),
            )
            .await
            .unwrap();
        store.close().await;
    });
}

/// Episodes of 2021-22: a children's home of the council's own (PR1, K2,
/// URN SC123456) in Cambridge for a child from Richmond upon Thames, and a
/// foster placement in Richmond (URN SC654321).
const CAMBRIDGE_HOME: &str =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
100001,01/05/2021,S,C2,N1,K2,PR1,,,,TW1 1AA,CB2 1TN,SC123456
100002,16/12/2021,S,C1,N4,U4,PR4,20/03/2022,E4A,,TW1 1AA,TW1 2AF,SC654321
";

#[test]
fn validate_and_import_take_the_councils_local_authority_code_from_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());
    // A children's home of the council's own (PR1, K2) in Cambridge for a
    // child from Richmond upon Thames: outside Richmond's area.
    let dir = tmp.path().join("2021-22");
    write_return(&dir, CAMBRIDGE_HOME);
    let path = dir.to_str().unwrap();
    let validate = |extra: &[&str]| {
        let mut args = vec!["validate", "ssda903", path, "--json"];
        args.extend_from_slice(extra);
        let o = footprint(&args, &db);
        let (_, rules) = rules_of(&o);
        (rules, String::from_utf8_lossy(&o.stderr).into_owned())
    };
    // No database yet: no code, 1015 checks nothing.
    let (rules, _) = validate(&[]);
    assert!(!rules.contains(&"1015".to_owned()), "{rules:?}");
    // A database without the setting: the same.
    assert!(footprint(&["migrate"], &db).status.success());
    let (rules, said) = validate(&[]);
    assert!(!rules.contains(&"1015".to_owned()), "{rules:?}");
    assert!(!said.contains("local authority code"), "{said}");
    // With Richmond's code held, 1015 flags the episode, and says whose
    // code it used.
    set_local_authority(&db, "E09000027");
    let (rules, said) = validate(&[]);
    assert!(rules.contains(&"1015".to_owned()), "{rules:?}");
    assert!(said.contains("E09000027"), "{said}");
    // --local-authority wins: Cambridgeshire's home is in its own area.
    let (rules, _) = validate(&["--local-authority", "E10000003"]);
    assert!(!rules.contains(&"1015".to_owned()), "{rules:?}");
    // The import checks it as the web's upload does: 1015 recorded.
    let i = footprint(&["import", "ssda903", path], &db);
    assert!(i.status.success(), "{}", text(&i));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let recorded: Vec<String> = rt.block_on(async {
        let store = footprint_store::Store::open(&db).await.unwrap();
        let run = store.import_runs().await.unwrap()[0].id;
        let problems = store.import_problems(run).await.unwrap();
        store.close().await;
        problems.into_iter().filter_map(|p| p.rule).collect()
    });
    assert!(recorded.contains(&"1015".to_owned()), "{recorded:?}");
}

#[test]
fn validate_compares_urns_with_ofsted_s_list_only_when_given() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());
    let dir = tmp.path().join("2021-22");
    write_return(&dir, CAMBRIDGE_HOME);
    let path = dir.to_str().unwrap();
    // SC123456 is a children's home in Cambridge; SC654321 is not in the
    // list.
    let list = tmp.path().join("providers.csv");
    std::fs::write(
        &list,
        "URN,Local authority,Placement code,Placement provider code,Deregistration date,Setting address postcode\n\
         SC123456,Cambridgeshire,K2,PR1,,CB2 1TN\n",
    )
    .unwrap();
    // Without the list: 1008 does not run, and the rule set says so.
    let o = footprint(&["validate", "ssda903", path, "--json"], &db);
    let (json, rules) = rules_of(&o);
    assert!(!rules.contains(&"1008".to_owned()), "{rules:?}");
    assert!(json["rule_set"]["providers"].is_null());
    let not_run = json["rule_set"]["not_run"].as_array().unwrap();
    assert!(
        not_run
            .iter()
            .any(|n| n["rule"] == "1008" && n["needs"].as_str().unwrap().contains("--providers")),
        "{not_run:?}"
    );
    let codes = json["rule_set"]["codes"].as_array().unwrap();
    assert!(!codes.iter().any(|c| c == "1008"), "{codes:?}");
    // With it: 1008 on the unknown URN's line, and the set names the file.
    let o = footprint(
        &[
            "validate",
            "ssda903",
            path,
            "--json",
            "--providers",
            list.to_str().unwrap(),
        ],
        &db,
    );
    let (json, rules) = rules_of(&o);
    assert_eq!(
        rules.iter().filter(|r| *r == "1008").count(),
        1,
        "{rules:?}"
    );
    let flagged = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["rule"] == "1008")
        .unwrap();
    assert_eq!(flagged["line"], 3);
    assert_eq!(flagged["column"], "URN");
    assert!(
        json["rule_set"]["providers"]
            .as_str()
            .unwrap()
            .ends_with("providers.csv")
    );
    let codes = json["rule_set"]["codes"].as_array().unwrap();
    assert!(codes.iter().any(|c| c == "1008"), "{codes:?}");
    // A bad row: refused with its file, line and column.
    std::fs::write(
        &list,
        "URN,Placement code,Placement provider code,Deregistration date,Setting address postcode\n\
         SC123456,K2,PR1,,CB2 1TN\n\
         SC654321,K2,PR4,last year,TW1 2AF\n",
    )
    .unwrap();
    let o = footprint(
        &[
            "validate",
            "ssda903",
            path,
            "--providers",
            list.to_str().unwrap(),
        ],
        &db,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains("providers.csv:3 Deregistration date"),
        "{said}"
    );
    // --rules says which rules need the list.
    let r = footprint(&["validate", "ssda903", "--rules"], &db);
    assert!(
        text(&r)
            .lines()
            .any(|l| l.starts_with("1008") && l.contains("--providers")),
        "{}",
        text(&r)
    );
}
