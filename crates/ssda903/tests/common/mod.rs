#![allow(dead_code)]

use footprint_domain::dates::CollectionYear;
use footprint_ssda903::{Format, Input, Parsed, Problem, Severity, read_inputs};

pub const HEADER: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
1001,1,15/06/2010,WBRI,A12345678901B,,
1002,2,01/01/2020,AOTH,UN1,0,
";

pub const EPISODES: &str =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
1001,01/05/2021,S,C2,N1,U4,PR1,01/09/2021,X1,CARPL,TW1 1AA,TW1 2AF,SC000001
1001,01/09/2021,P,C2,N1,U6,PR4,,,,TW1 1AA,TW1 3BE,SC000002
1002,10/06/2021,S,C1,N1,U4,PR1,,,,TW1 1AA,TW1 2AF,SC000001
";

pub const REVIEWS: &str = "CHILD,DOB,REVIEW,REVIEW_CODE
1001,15/06/2010,28/05/2021,PN1
1002,01/01/2020,01/07/2021,PN0
";

pub fn csv(name: &str, text: &str) -> Input {
    Input {
        name: name.to_owned(),
        format: Format::Csv,
        bytes: text.as_bytes().to_vec(),
    }
}

pub fn xml(name: &str, text: &str) -> Input {
    Input {
        name: name.to_owned(),
        format: Format::Xml,
        bytes: text.as_bytes().to_vec(),
    }
}

pub fn year(s: &str) -> Option<CollectionYear> {
    Some(s.parse().expect("a year"))
}

/// The three base tables, with `replace` applied to the named file.
pub fn base_with(file: &str, from: &str, to: &str) -> Vec<Input> {
    let mut out = Vec::new();
    for (name, text) in [
        ("header.csv", HEADER),
        ("episodes.csv", EPISODES),
        ("reviews.csv", REVIEWS),
    ] {
        let text = if name == file {
            assert!(text.contains(from), "{from:?} not in {name}");
            text.replacen(from, to, 1)
        } else {
            text.to_owned()
        };
        out.push(csv(name, &text));
    }
    out
}

/// The text of an input.
pub fn text_of(input: &Input) -> String {
    String::from_utf8(input.bytes.clone()).expect("UTF-8")
}

pub fn read(inputs: &[Input]) -> Parsed {
    read_inputs(inputs, year("2021-22"))
}

/// The only problem with `rule`; fails listing all problems otherwise.
pub fn only(parsed: &Parsed, rule: &str) -> Problem {
    let found: Vec<&Problem> = parsed
        .problems
        .iter()
        .filter(|p| p.rule.as_deref() == Some(rule))
        .collect();
    assert_eq!(found.len(), 1, "rule {rule}: {:#?}", parsed.problems);
    found[0].clone()
}

/// The only problem whose message contains `text`.
pub fn only_with(parsed: &Parsed, text: &str) -> Problem {
    let found: Vec<&Problem> = parsed
        .problems
        .iter()
        .filter(|p| p.message.contains(text))
        .collect();
    assert_eq!(found.len(), 1, "{text:?}: {:#?}", parsed.problems);
    found[0].clone()
}

pub fn assert_at(p: &Problem, file: &str, line: u64, column: &str) {
    assert_eq!(p.file, file, "{p:#?}");
    assert_eq!(p.line, Some(line), "{p:#?}");
    assert_eq!(p.column.as_deref(), Some(column), "{p:#?}");
}

/// The problems other than broken DfE rules checked on rows (severity
/// `Error`): the children of the OC2 fixtures are not looked after for 12
/// months, which the OC2 rules about that cohort (185–198, 542–547) flag;
/// those rules have their own tests in `src/rules/oc2_health.rs`.
pub fn reading_problems(parsed: &Parsed) -> Vec<&Problem> {
    parsed
        .problems
        .iter()
        .filter(|p| p.severity != Severity::Error)
        .collect()
}
