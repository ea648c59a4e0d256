//! The published sample return (tests/fixtures/ssda903-sample, MIT, from
//! data-to-insight/csc-validator-be-903): every bad row reported, no panic.

use std::path::PathBuf;

use footprint_ssda903::{Problem, Severity, read_paths};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ssda903-sample")
}

fn find<'a>(problems: &'a [Problem], file: &str, line: u64, rule: Option<&str>) -> &'a Problem {
    problems
        .iter()
        .find(|p| p.file.ends_with(file) && p.line == Some(line) && p.rule.as_deref() == rule)
        .unwrap_or_else(|| panic!("no problem at {file}:{line} rule {rule:?}"))
}

#[test]
fn the_sample_csv_folder_reads_with_every_bad_row_reported() {
    let parsed = read_paths(&[sample()], None).expect("read");
    let ret = &parsed.ret;
    assert_eq!(ret.year.map(|y| y.to_string()).as_deref(), Some("2017-18"));
    assert!(parsed.year_inferred);
    // header.csv has 2675 children; line 1273 has MOTHER "1.0".
    assert_eq!(ret.children.len(), 2674);
    let mother = find(&parsed.problems, "header.csv", 1273, None);
    assert_eq!(mother.column.as_deref(), Some("MOTHER"));
    assert_eq!(mother.value.as_deref(), Some("1.0"));
    assert_eq!(mother.severity, Severity::Fatal);
    // episodes.csv line 313: child 708102's episode from 11/01/2018 starts
    // while the one from 11/03/2017 (to 10/03/2018) is open.
    let overlap = find(&parsed.problems, "episodes.csv", 313, Some("501"));
    assert!(overlap.message.contains("708102"), "{}", overlap.message);
    // missing.csv line 36: 20/11/2017 while line 37's period (from
    // 02/11/2017 to 22/12/2017) is open.
    let missing = find(&parsed.problems, "missing.csv", 36, Some("574"));
    assert!(missing.message.contains("line 37"), "{}", missing.message);
    // Tables Footprint does not use are kept as rows.
    // (ad1, oc2, oc3, placed_for_adoption, previous_permanence).
    assert_eq!(ret.other_tables.len(), 5);
    assert!(parsed.is_fatal());
    // Every problem names a file and (but for whole-file ones) a line.
    assert!(parsed.problems.iter().all(|p| p.line.is_some()));
}

#[test]
fn the_sample_xml_reads_with_every_bad_row_reported() {
    let parsed = read_paths(&[sample().join("sample-903.xml")], None).expect("read");
    assert_eq!(parsed.ret.children.len(), 253);
    assert_eq!(parsed.ret.episodes.len(), 459);
    let overlaps: Vec<_> = parsed
        .problems
        .iter()
        .filter(|p| p.rule.as_deref() == Some("501"))
        .collect();
    assert_eq!(overlaps.len(), 7);
    assert!(
        overlaps.iter().all(|p| p.line == Some(2)),
        "the file is one line after the declaration"
    );
    assert!(overlaps.iter().any(|p| p.message.contains("child 325294")));
}

#[test]
fn usage_errors_are_errors_not_problems() {
    assert!(read_paths(&[], None).is_err());
    assert!(read_paths(&[sample().join("no-such-file.csv")], None).is_err());
    let empty = tempfile::tempdir().expect("tempdir");
    assert!(read_paths(&[empty.path().to_path_buf()], None).is_err());
}
