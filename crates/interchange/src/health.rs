//! Health assessments, dental checks, SDQ scores, immunisation status and
//! personal education plans (PEPs) from the council's case-management
//! system, all or nothing (`footprint import health FILE` and the web's
//! import screen).
//!
//! The file is CSV with a header row; columns are found by name in any
//! order and case, other columns are ignored:
//!
//! | column | what |
//! |---|---|
//! | `CHILD` | the 903 child identifier (required) |
//! | `RECORD` | `initial_health_assessment` (or `IHA`), `review_health_assessment` (or `RHA`), `dental_check`, `sdq`, `immunisations` or `pep` (required) |
//! | `DATE` | the day it was done (dd/mm/yyyy or yyyy-mm-dd): the assessment, check, SDQ, PEP meeting, or the day immunisation status was recorded; may be blank only for an initial health assessment requested and not yet done |
//! | `REQUESTED` | initial health assessments: the day it was requested (optional) |
//! | `SCORE` | SDQ: the total score, 0–40 |
//! | `UP_TO_DATE` | immunisations: `Y`/`N` (or yes/no, 1/0) |
//! | `TERM` | PEP: the term it is the PEP for, `autumn`, `spring` or `summer` (of the school year the DATE's term is in), or with its school year, `2024-25 autumn`; blank: the term DATE falls in |
//! | `QUALITY` | PEP: the quality grade, `outstanding`, `good`, `requires improvement` or `inadequate` (optional) |
//!
//! Every record is checked as the web forms check it
//! (`health_education::check_record`): every date today or earlier and
//! inside one of the child's periods of care. Every problem names the
//! file, line and column, and nothing is written unless every row is good
//! and every child is held. Records already held
//! are left as they are; nothing held is removed.

use chrono::NaiveDate;
use footprint_domain::dates::{parse_iso_date, parse_uk_date};
use footprint_domain::health_education::{
    AssessmentKind, DentalCheck, EducationPlan, HealthAssessment, HealthEducationRecord,
    HealthEducationRecords, HealthEducationTimescales, ImmunisationStatus, SchoolTerm, SdqScore,
    TermName, check_record,
};
use footprint_domain::model::{ChildId, QualityGrade};
use footprint_store::{HealthEducationAdded, Store};

use crate::rows::{CaseFile, at_header, unknown_children};
use crate::{Error, Outcome, RowProblem};

const COLUMNS: [&str; 8] = [
    "CHILD",
    "RECORD",
    "DATE",
    "REQUESTED",
    "SCORE",
    "UP_TO_DATE",
    "TERM",
    "QUALITY",
];

fn date(s: &str) -> Result<NaiveDate, String> {
    parse_uk_date(s)
        .or_else(|_| parse_iso_date(s))
        .map_err(|_| format!("`{s}` is not a date (dd/mm/yyyy or yyyy-mm-dd)"))
}

fn yes_no(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "y" | "yes" | "1" | "true" => Some(true),
        "n" | "no" | "0" | "false" => Some(false),
        _ => None,
    }
}

/// `autumn`, or `2024-25 autumn`; with only the term, the school year of
/// the term `on` falls in.
fn term(s: &str, on: NaiveDate, t: &HealthEducationTimescales) -> Result<SchoolTerm, String> {
    let bad = || format!("`{s}` is not a term (autumn, spring, summer, or e.g. 2024-25 autumn)");
    let lower = s.to_ascii_lowercase();
    let mut words = lower.split_whitespace();
    let (year, name) = match (words.next(), words.next(), words.next()) {
        (Some(name), None, None) => (None, name),
        (Some(year), Some(name), None) => (Some(year), name),
        _ => return Err(bad()),
    };
    let term = TermName::from_key(name).ok_or_else(bad)?;
    let school_year = match year {
        None => t.term_named(on, Some(term)).school_year,
        Some(y) => {
            let (a, b) = y.split_once('-').ok_or_else(bad)?;
            let a: i32 = a.parse().map_err(|_| bad())?;
            let b: i32 = b.parse().map_err(|_| bad())?;
            if b != (a + 1).rem_euclid(100) || !(1900..=9999).contains(&a) {
                return Err(bad());
            }
            a
        }
    };
    Ok(SchoolTerm { school_year, term })
}

fn quality(s: &str) -> Option<QualityGrade> {
    QualityGrade::from_key(&s.to_ascii_lowercase().replace([' ', '-'], "_"))
}

/// The records read, and each row's line and record.
pub type ReadRecords = (HealthEducationRecords, Vec<(u64, HealthEducationRecord)>);

/// Reads the file. `Err` holds every problem found.
pub fn read_records(file: &str, text: &str) -> Result<ReadRecords, Vec<RowProblem>> {
    let t = HealthEducationTimescales::default();
    let mut file_rows = CaseFile::open(text)?;
    let col = file_rows.columns(&COLUMNS);
    let (Some(_), Some(_)) = (col[0], col[1]) else {
        return Err(at_header(format!(
            "{}: the header row needs the columns CHILD and RECORD (and DATE, REQUESTED, SCORE, \
             UP_TO_DATE, TERM, QUALITY as the records need); it has {}",
            file,
            file_rows.header_list()
        )));
    };
    let mut out = HealthEducationRecords::default();
    let mut rows: Vec<(u64, HealthEducationRecord)> = Vec::new();
    let mut problems = Vec::new();
    for row in file_rows.rows() {
        let (line, record) = match row {
            Ok(r) => r,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let before = problems.len();
        let mut problem = |i: usize, message: String| {
            problems.push(RowProblem {
                line,
                column: COLUMNS[i].to_owned(),
                message,
            });
        };
        let field = |i: usize| col[i].and_then(|c| record.get(c)).unwrap_or("");
        let child = match field(0).parse::<ChildId>() {
            Ok(c) => Some(c),
            Err(e) => {
                problem(0, e.to_string());
                None
            }
        };
        let kind = field(1).to_ascii_lowercase();
        let on = match field(2) {
            "" => None,
            s => match date(s) {
                Ok(d) => Some(d),
                Err(e) => {
                    problem(2, e);
                    None
                }
            },
        };
        let needs_date = |problem: &mut dyn FnMut(usize, String)| {
            if on.is_none() && field(2).is_empty() {
                problem(2, format!("a {kind} needs its date"));
            }
        };
        let Some(child) = child else { continue };
        match kind.as_str() {
            "initial_health_assessment" | "iha" | "review_health_assessment" | "rha" => {
                let initial = kind.starts_with('i');
                let requested = match (field(3), initial) {
                    ("", _) => None,
                    (s, true) => match date(s) {
                        Ok(d) => Some(d),
                        Err(e) => {
                            problem(3, e);
                            None
                        }
                    },
                    (_, false) => {
                        problem(3, "a review health assessment has no requested date".into());
                        None
                    }
                };
                let a = HealthAssessment {
                    child: child.clone(),
                    kind: if initial {
                        AssessmentKind::Initial
                    } else {
                        AssessmentKind::Review
                    },
                    requested,
                    done: on,
                };
                if problems.len() == before
                    && let Err(e) = a.check()
                {
                    problems.push(RowProblem {
                        line,
                        column: "DATE".into(),
                        message: e.to_string(),
                    });
                }
                rows.push((line, HealthEducationRecord::HealthAssessment(a)));
            }
            "dental_check" => {
                needs_date(&mut problem);
                if let Some(date) = on {
                    rows.push((
                        line,
                        HealthEducationRecord::DentalCheck(DentalCheck {
                            child: child.clone(),
                            date,
                        }),
                    ));
                }
            }
            "sdq" => {
                needs_date(&mut problem);
                let score = match field(4).parse::<u8>() {
                    Ok(s) if s <= SdqScore::MAX => Some(s),
                    _ => {
                        problem(
                            4,
                            format!("`{}` is not an SDQ total score (0-40)", field(4)),
                        );
                        None
                    }
                };
                if let (Some(date), Some(score)) = (on, score) {
                    rows.push((
                        line,
                        HealthEducationRecord::SdqScore(SdqScore {
                            child: child.clone(),
                            date,
                            score,
                        }),
                    ));
                }
            }
            "immunisations" => {
                needs_date(&mut problem);
                let up_to_date = yes_no(field(5));
                if up_to_date.is_none() {
                    problem(5, format!("`{}` is not Y or N", field(5)));
                }
                if let (Some(date), Some(up_to_date)) = (on, up_to_date) {
                    rows.push((
                        line,
                        HealthEducationRecord::Immunisation(ImmunisationStatus {
                            child: child.clone(),
                            date,
                            up_to_date,
                        }),
                    ));
                }
            }
            "pep" => {
                needs_date(&mut problem);
                let quality = match field(7) {
                    "" => None,
                    s => match quality(s) {
                        Some(q) => Some(q),
                        None => {
                            problem(
                                7,
                                format!(
                                    "`{s}` is not a quality grade (outstanding, good, requires improvement, inadequate)"
                                ),
                            );
                            None
                        }
                    },
                };
                if let Some(date) = on {
                    let term = match field(6) {
                        "" => Some(t.term_named(date, None)),
                        s => match term(s, date, &t) {
                            Ok(k) => Some(k),
                            Err(e) => {
                                problem(6, e);
                                None
                            }
                        },
                    };
                    if let Some(term) = term {
                        rows.push((
                            line,
                            HealthEducationRecord::EducationPlan(EducationPlan {
                                child: child.clone(),
                                date,
                                term,
                                quality,
                            }),
                        ));
                    }
                }
            }
            _ => problem(
                1,
                format!(
                    "`{}` is not a record kind (initial_health_assessment, review_health_assessment, dental_check, sdq, immunisations, pep)",
                    field(1)
                ),
            ),
        }
    }
    for (_, r) in &rows {
        match r.clone() {
            HealthEducationRecord::HealthAssessment(a) => out.health_assessments.push(a),
            HealthEducationRecord::DentalCheck(c) => out.dental_checks.push(c),
            HealthEducationRecord::SdqScore(x) => out.sdq_scores.push(x),
            HealthEducationRecord::Immunisation(i) => out.immunisations.push(i),
            HealthEducationRecord::EducationPlan(p) => out.education_plans.push(p),
        }
    }
    if problems.is_empty() {
        Ok((out, rows))
    } else {
        Err(problems)
    }
}

/// Imports the records in `text` (the file `file`): every problem of the
/// file, or every child it names that the store does not hold, refuses it
/// whole and nothing is written; otherwise they are added in one
/// transaction (records already held are left as they are) and the import
/// audited (`health.import`, how many). Every record must pass
/// [`check_record`], the check the web forms make: its dates not after
/// `today` and inside one of the child's periods of care.
pub async fn import_health(
    store: &Store,
    actor: &str,
    file: &str,
    text: &str,
    today: NaiveDate,
) -> Result<Outcome<HealthEducationAdded>, Error> {
    let (records, rows) = match read_records(file, text) {
        Ok(r) => r,
        Err(problems) => return Ok(Outcome::Refused(problems)),
    };
    let unknown = unknown_children(store, rows.iter().map(|(l, r)| (*l, r.child()))).await?;
    if !unknown.is_empty() {
        return Ok(Outcome::Refused(unknown));
    }
    let problems = check_against_care(store, &rows, today).await?;
    if !problems.is_empty() {
        return Ok(Outcome::Refused(problems));
    }
    let added = store.add_health_education(&records).await?;
    store
        .audit(
            actor,
            "health.import",
            None,
            &format!(
                "{} health and education records ({} already held)",
                added.added, added.already_held
            ),
        )
        .await?;
    Ok(Outcome::Imported(added))
}

/// The column of the file a record's field is read from.
fn column_of(field: &str) -> &'static str {
    match field {
        "requested" => "REQUESTED",
        "score" => "SCORE",
        "up_to_date" => "UP_TO_DATE",
        "term" => "TERM",
        "quality" => "QUALITY",
        _ => "DATE",
    }
}

/// [`check_record`] for every row, against its child's periods of care
/// (read for the children the file names only): every problem by line and
/// column.
async fn check_against_care(
    store: &Store,
    rows: &[(u64, HealthEducationRecord)],
    today: NaiveDate,
) -> Result<Vec<RowProblem>, Error> {
    let mut ids: Vec<ChildId> = rows.iter().map(|(_, r)| r.child().clone()).collect();
    ids.sort();
    ids.dedup();
    let ds = store
        .load_scoped(footprint_store::Scope::Children(&ids))
        .await?;
    let periods: std::collections::HashMap<&ChildId, Vec<footprint_domain::periods::PeriodOfCare>> =
        footprint_domain::daily::assemble_by_child(&ds)
            .into_iter()
            .map(|(c, a)| (c, a.periods))
            .collect();
    let mut out = Vec::new();
    for (line, r) in rows {
        let mine = periods.get(r.child()).map_or(&[][..], Vec::as_slice);
        for p in check_record(r, mine, today) {
            out.push(RowProblem {
                line: *line,
                column: column_of(p.field).to_owned(),
                message: p.message,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<ReadRecords, Vec<RowProblem>> {
        read_records("health.csv", text)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_kind_of_record_is_read_by_its_columns() {
        let (r, children) = read(
            "record,Child,Date,requested,score,up_to_date,term,quality,notes\n\
             IHA,A1,,03/02/2025,,,,,x\n\
             initial_health_assessment,A1,2025-02-20,03/02/2025,,,,,\n\
             RHA,A1,20/08/2025,,,,,,\n\
             dental_check,A1,01/03/2025,,,,,,\n\
             sdq,A1,01/04/2025,,17,,,,\n\
             immunisations,A1,20/02/2025,,,Y,,,\n\
             pep,A1,10/02/2025,,,,,Requires improvement,\n\
             pep,A1,10/09/2025,,,,2024-25 summer,,\n",
        )
        .unwrap();
        assert_eq!(children.len(), 8);
        assert_eq!(r.health_assessments.len(), 3);
        assert_eq!(r.health_assessments[0].done, None);
        assert_eq!(r.health_assessments[0].requested, Some(d(2025, 2, 3)));
        assert_eq!(r.health_assessments[2].kind, AssessmentKind::Review);
        assert_eq!(r.dental_checks[0].date, d(2025, 3, 1));
        assert_eq!(r.sdq_scores[0].score, 17);
        assert!(r.immunisations[0].up_to_date);
        let spring = SchoolTerm {
            school_year: 2024,
            term: TermName::Spring,
        };
        assert_eq!(r.education_plans[0].term, spring);
        assert_eq!(
            r.education_plans[0].quality,
            Some(QualityGrade::RequiresImprovement)
        );
        assert_eq!(
            r.education_plans[1].term,
            spring.next(),
            "a late summer PEP"
        );
    }

    #[test]
    fn every_bad_row_is_reported_by_line_and_column() {
        let problems = read(
            "CHILD,RECORD,DATE,REQUESTED,SCORE,UP_TO_DATE,TERM,QUALITY\n\
             A1,RHA,,,,,,\n\
             bad!,dental_check,01/03/2025,,,,,\n\
             A1,sdq,01/04/2025,,41,,,\n\
             A1,immunisations,31/02/2025,,,maybe,,\n\
             A1,pep,10/02/2025,,,,winter,great\n\
             A1,blood_test,10/02/2025,,,,,\n\
             A1,IHA,01/02/2025,03/02/2025,,,,\n\
             A1,RHA,01/02/2025,03/01/2025,,,,\n",
        )
        .unwrap_err();
        let at: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (2, "DATE"),
                (3, "CHILD"),
                (4, "SCORE"),
                (5, "DATE"),
                (5, "UP_TO_DATE"),
                (6, "QUALITY"),
                (6, "TERM"),
                (7, "RECORD"),
                (8, "DATE"),
                (9, "REQUESTED"),
            ],
            "{problems:?}"
        );
        assert!(problems[8].message.contains("before it was requested"));
    }

    #[test]
    fn a_file_without_child_and_record_is_refused_at_its_header() {
        let problems = read("CHILD,DATE\nA1,01/02/2025\n").unwrap_err();
        assert_eq!((problems.len(), problems[0].line), (1, 1));
        assert!(problems[0].message.contains("RECORD"));
    }
}
