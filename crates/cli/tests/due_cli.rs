//! The `footprint due` and `footprint calendar import` commands, run as the
//! built binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn footprint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args(args)
        .output()
        .expect("run footprint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("footprint-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const EXAMPLE: &[&str] = &[
    "due",
    "--start",
    "2022-12-16",
    "--review",
    "2023-01-10",
    "--review",
    "2023-04-05",
];

#[test]
fn json_example() {
    let mut args = EXAMPLE.to_vec();
    args.push("--json");
    let o = footprint(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let reviews = v["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0]["number"], 1);
    assert_eq!(reviews[0]["date"], "2023-01-10");
    assert_eq!(reviews[0]["due"], "2023-01-18");
    assert_eq!(reviews[0]["in_time"], true);
    assert_eq!(
        reviews[0]["rule"],
        "First review: within 20 working days of becoming looked after on 16/12/2022 \
         (regulation 33(1))"
    );
    assert_eq!(reviews[1]["number"], 2);
    assert_eq!(reviews[1]["due"], "2023-04-10");
    assert_eq!(reviews[1]["in_time"], true);
    assert_eq!(
        reviews[1]["rule"],
        "Review 2: within 3 months of review 1 on 10/01/2023 (regulation 33(2))"
    );
    assert_eq!(v["next_due"], "2023-10-05");
    assert_eq!(
        v["next_due_rule"],
        "Review 3: within 6 months of review 2 on 05/04/2023 (regulation 33(2))"
    );
}

#[test]
fn json_for_an_ended_period_has_no_next_due() {
    let mut args = EXAMPLE.to_vec();
    args.extend(["--end", "2023-06-30", "--json"]);
    let o = footprint(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["next_due"].is_null());
}

#[test]
fn human_table() {
    let o = footprint(EXAMPLE);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[0].starts_with("Review  Held        Due         In time  Rule"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("     1  10/01/2023  18/01/2023  yes      First review:"),
        "{out}"
    );
    assert!(
        lines[2].starts_with("     2  05/04/2023  10/04/2023  yes      Review 2:"),
        "{out}"
    );
    // The rule column lines up.
    let rule_col = lines[0].find("Rule").unwrap();
    assert_eq!(lines[1].find("First review").unwrap(), rule_col);
    assert_eq!(lines[2].find("Review 2").unwrap(), rule_col);
    assert_eq!(
        lines[3],
        "Next review due by 05/10/2023: Review 3: within 6 months of review 2 on 05/04/2023 \
         (regulation 33(2))"
    );
}

#[test]
fn a_late_review_with_a_local_policy() {
    let dir = scratch("policy");
    let policy = dir.join("policy.json");
    std::fs::write(
        &policy,
        r#"{"unregistered_monthly": {"interval_months": 1}}"#,
    )
    .unwrap();
    let o = footprint(&[
        "due",
        "--start",
        "09/01/2023",
        "--review",
        "2023-02-01",
        "--review",
        "2023-03-20",
        "--unregistered",
        "2023-02-15..",
        "--policy",
        policy.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let r2 = &v["reviews"][1];
    assert_eq!(r2["statutory_due"], "2023-05-01");
    assert_eq!(r2["in_time"], true);
    assert_eq!(r2["due"], "2023-03-15");
    assert_eq!(r2["in_time_local"], false);
    assert!(
        r2["rule"]
            .as_str()
            .unwrap()
            .starts_with("Local policy: monthly review")
    );
    assert_eq!(v["next_due"], "2023-04-20");
    assert_eq!(v["next_statutory_due"], "2023-09-20");
}

fn assert_one_line_error(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn a_bad_start_date_is_exit_code_2() {
    let o = footprint(&["due", "--start", "2022-13-01"]);
    assert_one_line_error(&o, "2022-13-01");
    assert!(stderr(&o).contains("--start"));
    let o = footprint(&["due", "--start", "2022-12-16", "--review", "2023-1-10"]);
    assert_one_line_error(&o, "yyyy-mm-dd");
}

#[test]
fn a_review_before_the_start_is_exit_code_2() {
    let o = footprint(&["due", "--start", "2022-12-16", "--review", "2022-12-01"]);
    assert_one_line_error(&o, "before the period of care began on 2022-12-16");
    assert!(stderr(&o).contains("2022-12-01"));
}

#[test]
fn a_date_outside_the_calendar_is_exit_code_2() {
    let o = footprint(&["due", "--start", "2014-12-31"]);
    assert_one_line_error(&o, "outside the bank-holiday calendar");
    let o = footprint(&["due", "--start", "2027-12-20"]);
    assert_one_line_error(&o, "2015 to 2027");
}

#[test]
fn calendar_import_extends_the_calendar() {
    let dir = scratch("import");
    let json = dir.join("bank-holidays.json");
    std::fs::write(
        &json,
        r#"{"england-and-wales":{"division":"england-and-wales","events":[
            {"title":"New Year’s Day","date":"2028-01-03","notes":"Substitute day","bunting":true},
            {"title":"Good Friday","date":"2028-04-14","notes":"","bunting":false},
            {"title":"Christmas Day","date":"2027-12-27","notes":"Substitute day","bunting":true}]},
           "scotland":{"division":"scotland","events":[]}}"#,
    )
    .unwrap();
    let out = dir.join("calendar.csv");
    let o = footprint(&[
        "calendar",
        "import",
        json.to_str().unwrap(),
        "--calendar",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(said.contains("Added 2 bank holidays"), "{said}");
    assert!(said.contains("2015 to 2028"), "{said}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("date,weekday,title,special\n"));
    assert!(csv.contains("2028-04-14,Fri,Good Friday,\n"), "{csv}");

    // The bundled calendar cannot answer for early 2028; the merged one can.
    let o = footprint(&["due", "--start", "2027-12-16", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let o = footprint(&[
        "due",
        "--start",
        "2027-12-16",
        "--calendar",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // Thu 16 Dec 2027: 17, 20–24 (6), 29–31 (9), 4–7 Jan (13), 10–14 (18),
    // 17, 18 Jan (20).
    assert_eq!(v["next_due"], "2028-01-18");

    // Again: nothing new.
    let o = footprint(&[
        "calendar",
        "import",
        json.to_str().unwrap(),
        "--calendar",
        out.to_str().unwrap(),
    ]);
    assert!(stdout(&o).contains("Added 0 bank holidays"));

    // With --stdout the merged CSV goes to standard output.
    let o = footprint(&["calendar", "import", json.to_str().unwrap(), "--stdout"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), csv);
    assert!(stderr(&o).contains("Added 2 bank holidays"));

    // A file that is not the GOV.UK format.
    std::fs::write(&json, "{}").unwrap();
    let o = footprint(&["calendar", "import", json.to_str().unwrap(), "--stdout"]);
    assert_one_line_error(&o, "england-and-wales");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn calendar_import_goes_into_the_database_and_due_uses_it() {
    let dir = scratch("import-db");
    let db = format!("sqlite://{}", dir.join("f.db").display());
    let json = dir.join("bank-holidays.json");
    std::fs::write(
        &json,
        r#"{"england-and-wales":{"division":"england-and-wales","events":[
            {"title":"New Year’s Day","date":"2028-01-03","notes":"Substitute day","bunting":true},
            {"title":"Good Friday","date":"2028-04-14","notes":"","bunting":false}]}}"#,
    )
    .unwrap();
    assert!(footprint(&["migrate", "--db", &db]).status.success());
    // Before the import, the database's calendar ends with 2027.
    let o = footprint(&["due", "--start", "2027-12-16", "--db", &db, "--json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let o = footprint(&["calendar", "import", json.to_str().unwrap(), "--db", &db]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Added 2 bank holidays to the database"),
        "{}",
        stdout(&o)
    );
    let o = footprint(&["due", "--start", "2027-12-16", "--db", &db, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["next_due"], "2028-01-18");
    let _ = std::fs::remove_dir_all(&dir);
}
