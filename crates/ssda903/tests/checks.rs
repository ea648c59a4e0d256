//! One small return per check, broken in one place: the problem is found,
//! where it is, with its rule and severity.

mod common;

use common::*;
use footprint_domain::codes::{ParticipationCode, SdqReason};
use footprint_ssda903::{Input, Severity, Table, read_inputs};

#[test]
fn a_clean_return_has_no_problems() {
    let parsed = read(&base_with("header.csv", "", ""));
    assert!(parsed.problems.is_empty(), "{:#?}", parsed.problems);
    assert_eq!(parsed.ret.children.len(), 2);
    assert_eq!(parsed.ret.episodes.len(), 3);
    assert_eq!(parsed.ret.reviews.len(), 2);
    assert_eq!(parsed.ret.episodes[1].source.line, 3);
    assert_eq!(
        parsed.ret.reviews[1].record.participation,
        Some(ParticipationCode::PN0)
    );
    assert!(!parsed.is_fatal());
}

#[test]
fn an_unreal_date_is_fatal_and_the_row_is_not_kept() {
    let p = read(&base_with(
        "episodes.csv",
        "1001,01/09/2021,P",
        "1001,31/09/2021,P",
    ));
    let e = only(&p, "141");
    assert_at(&e, "episodes.csv", 3, "DECOM");
    assert_eq!(e.severity, Severity::Fatal);
    assert_eq!(e.value.as_deref(), Some("31/09/2021"));
    assert!(e.message.contains("not a real date"), "{}", e.message);
    assert_eq!(p.ret.episodes.len(), 2);
    assert!(p.is_fatal());

    let p = read(&base_with("reviews.csv", "01/07/2021", "1/7/2021"));
    assert_at(&only(&p, "166"), "reviews.csv", 3, "REVIEW");
}

#[test]
fn codes_are_checked_against_their_lists_and_never_upper_cased() {
    let p = read(&base_with("episodes.csv", "S,C1,N1", "S,c1,N1"));
    let e = only(&p, "144");
    assert_at(&e, "episodes.csv", 4, "LS");
    assert_eq!(e.value.as_deref(), Some("c1"));
    assert!(e.message.contains("upper case"), "{}", e.message);

    let p = read(&base_with(
        "episodes.csv",
        "P,C2,N1,U6,PR4,,,",
        "Q,C2,N9,U6,PR9,,E4,",
    ));
    assert_at(&only(&p, "143"), "episodes.csv", 3, "RNE");
    assert_at(&only(&p, "145"), "episodes.csv", 3, "CIN");
    assert_at(&only(&p, "178"), "episodes.csv", 3, "PLACE_PROVIDER");
    assert_at(&only(&p, "149"), "episodes.csv", 3, "REC");

    let p = read(&base_with(
        "header.csv",
        "1002,2,01/01/2020,AOTH",
        "1002,X,01/01/2020,ZZZZ",
    ));
    assert_at(&only(&p, "101"), "header.csv", 3, "SEX");
    assert_at(&only(&p, "103"), "header.csv", 3, "ETHNIC");

    let p = read(&base_with("episodes.csv", "CARPL", "MOVED"));
    assert_at(&only(&p, "1009"), "episodes.csv", 2, "REASON_PLACE_CHANGE");
}

#[test]
fn placement_codes_follow_the_collection_year() {
    // K3 arrives in 2024-25: invalid in 2021-22.
    let p = read(&base_with("episodes.csv", "N1,U4,PR1,,", "N1,K3,PR1,,"));
    let e = only(&p, "146");
    assert_at(&e, "episodes.csv", 4, "PLACE");
    assert!(e.message.contains("2021-22"), "{}", e.message);
    // H5 is fine in 2021-22, gone in 2025-26.
    let inputs = base_with("episodes.csv", "N1,U4,PR1,,", "N1,H5,PR1,,");
    assert!(read(&inputs).problems.is_empty());
    let later = read_inputs(&inputs, year("2025-26"));
    assert!(
        later
            .problems
            .iter()
            .any(|p| p.rule.as_deref() == Some("146"))
    );
}

#[test]
fn superseded_care_leaver_codes_are_refused_from_2023_24() {
    // ACTIV F3 and P3 and ACCOM S1 (homeless is always unsuitable) are read
    // from older returns only: rules 132 and 133 in the DfE's lists from
    // 2023-24 (the DfE's validator flags them too).
    let mut inputs = base_with("header.csv", "", "");
    inputs.push(csv(
        "oc3.csv",
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n1001,15/06/2010,YES,F3,S1\n1002,01/01/2020,YES,F1,S2\n",
    ));
    let older = read(&inputs);
    assert!(
        !older
            .problems
            .iter()
            .any(|p| matches!(p.rule.as_deref(), Some("132" | "133"))),
        "{:#?}",
        older.problems
    );
    let p = read_inputs(&inputs, year("2024-25"));
    let a = only(&p, "132");
    assert_at(&a, "oc3.csv", 2, "ACTIV");
    assert!(a.message.contains("2024-25") && a.is_fatal(), "{a:#?}");
    assert_at(&only(&p, "133"), "oc3.csv", 2, "ACCOM");
}

#[test]
fn sex_is_spelled_for_the_year() {
    let inputs = base_with("header.csv", "", "");
    let p = read_inputs(&inputs, year("2024-25"));
    let sex: Vec<_> = p
        .problems
        .iter()
        .filter(|p| p.rule.as_deref() == Some("101"))
        .collect();
    assert_eq!(sex.len(), 2, "{:#?}", p.problems);
    assert_eq!(sex[0].severity, Severity::Warning);
    assert!(sex[0].message.contains("M, F or U"));
}

#[test]
fn rule_167_a_code_needs_a_date_and_a_date_needs_a_code() {
    let p = read(&base_with("reviews.csv", "28/05/2021,PN1", "28/05/2021,"));
    let w = only(&p, "167");
    assert_at(&w, "reviews.csv", 2, "REVIEW_CODE");
    assert_eq!(w.severity, Severity::Warning);
    assert!(
        w.message
            .contains("REVIEW_CODE is blank but REVIEW is 28/05/2021")
    );
    assert_eq!(p.ret.reviews[0].record.participation, None);

    let p = read(&base_with("reviews.csv", "28/05/2021,PN1", ",PN1"));
    let e = only(&p, "167");
    assert_at(&e, "reviews.csv", 2, "REVIEW");
    assert_eq!(e.severity, Severity::Fatal);
    assert_eq!(p.ret.reviews.len(), 1);
}

#[test]
fn rules_440_and_441_participation_against_age() {
    // Child 1001 is 10: PN0 is wrong.
    let p = read(&base_with(
        "reviews.csv",
        "28/05/2021,PN1",
        "28/05/2021,PN0",
    ));
    let e = only(&p, "440");
    assert_at(&e, "reviews.csv", 2, "REVIEW_CODE");
    assert!(e.message.contains("was 10"), "{}", e.message);
    // Child 1002 is 1: PN3 is wrong.
    let p = read(&base_with(
        "reviews.csv",
        "01/07/2021,PN0",
        "01/07/2021,PN3",
    ));
    assert_at(&only(&p, "441"), "reviews.csv", 3, "REVIEW_CODE");
}

#[test]
fn a_review_outside_care_is_a_warning_and_kept() {
    let p = read(&base_with(
        "reviews.csv",
        "28/05/2021,PN1",
        "20/04/2021,PN1",
    ));
    let w = only_with(&p, "no period of care");
    assert_at(&w, "reviews.csv", 2, "REVIEW");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(p.ret.reviews.len(), 2);
}

#[test]
fn reviews_checked_child_by_child_are_reported_in_the_reviews_order() {
    // The reviews are checked against each child's periods as they are
    // made, children in order; their problems still come in the reviews'
    // order, a child without episodes (1003) among them.
    let header = format!("{HEADER}1003,1,01/01/2015,WBRI,A12345678902B,,\n");
    let reviews = "CHILD,DOB,REVIEW,REVIEW_CODE
1002,01/01/2020,20/04/2021,PN0
1003,01/01/2015,01/07/2021,PN1
1001,15/06/2010,20/04/2021,PN0
1002,01/01/2020,01/07/2021,PN0
";
    let p = read(&[
        csv("header.csv", &header),
        csv("episodes.csv", EPISODES),
        csv("reviews.csv", reviews),
    ]);
    let got: Vec<(u64, &str, Option<&str>)> = p
        .problems
        .iter()
        .filter(|q| q.message.contains("no period of care") || q.rule.as_deref() == Some("440"))
        .map(|q| {
            (
                q.line.unwrap(),
                q.column.as_deref().unwrap(),
                q.rule.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2, "REVIEW", None),
            (3, "REVIEW", None),
            (4, "REVIEW", None),
            (4, "REVIEW_CODE", Some("440")),
        ],
        "{:#?}",
        p.problems
    );
    assert!(
        p.problems
            .iter()
            .all(|q| q.file != "reviews.csv" || q.line != Some(5))
    );
}

#[test]
fn rule_399_reviews_of_a_short_breaks_child() {
    // In U6: a short break in U4 (long-term fostering) would break 384 too.
    // Ten days, around the review: a longer one would break 365 and 367.
    let mut inputs = base_with(
        "episodes.csv",
        // A short break has no postcodes or URN (214, 398, 420).
        "1002,10/06/2021,S,C1,N1,U4,PR1,,,,TW1 1AA,TW1 2AF,SC000001",
        "1002,25/06/2021,S,V3,N1,U6,PR1,05/07/2021,E13,,,,",
    );
    inputs[0] = csv("header.csv", &HEADER.replace("AOTH,UN1,0,", "AOTH,UN1,,"));
    let p = read(&inputs);
    let w = only(&p, "399");
    assert_at(&w, "reviews.csv", 3, "REVIEW");
    assert_eq!(
        p.problems.len(),
        1,
        "reported once, not also as outside care: {:#?}",
        p.problems
    );
}

#[test]
fn rule_399_counts_every_episode_and_covers_mother() {
    // 1002's open V3 episode is followed by a C1 one (142, and the C1 one is
    // left out of the periods): not all short breaks, so no 399.
    let mut inputs = base_with(
        "episodes.csv",
        "1002,10/06/2021,S,C1",
        "1002,10/06/2021,S,V3",
    );
    inputs[1] = csv(
        "episodes.csv",
        &format!(
            "{}1002,15/06/2021,S,C1,N1,U4,PR1,,,,,,\n",
            text_of(&inputs[1])
        ),
    );
    let p = read(&inputs);
    assert!(
        p.problems.iter().all(|p| p.rule.as_deref() != Some("399")),
        "{:#?}",
        p.problems
    );
    assert_eq!(only(&p, "142").line, Some(4));

    // A short-breaks-only child with MOTHER filled in (0 counts too).
    let mut inputs = base_with(
        "episodes.csv",
        "1002,10/06/2021,S,C1",
        "1002,10/06/2021,S,V3",
    );
    inputs[0] = csv("header.csv", HEADER);
    let p = read(&inputs);
    let found: Vec<_> = p
        .problems
        .iter()
        .filter(|p| p.rule.as_deref() == Some("399"))
        .collect();
    assert_eq!(found.len(), 2, "{:#?}", p.problems);
    assert_at(found[0], "header.csv", 3, "MOTHER");
    assert_eq!(found[0].value.as_deref(), Some("0"));
    assert_eq!(found[0].severity, Severity::Warning);
    assert_at(found[1], "reviews.csv", 3, "REVIEW");
    // MOTHER of a child who is looked after is fine.
    inputs[1] = csv("episodes.csv", EPISODES);
    assert!(read(&inputs).problems.is_empty());
}

#[test]
fn rule_178_no_provider_for_temporary_and_other_placements() {
    // T1 with a provider, in 2021-22.
    let p = read(&base_with("episodes.csv", "N1,U4,PR1,,", "N1,T1,PR1,,"));
    let w = only(&p, "178");
    assert_at(&w, "episodes.csv", 4, "PLACE_PROVIDER");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.value.as_deref(), Some("PR1"));
    assert!(w.message.contains("T0–T4 and Z1"), "{}", w.message);
    // Without a provider it is fine (for 178: a period of care starting
    // with a temporary placement breaks 380, and the fixture's URN on a
    // temporary placement, which has none, breaks 222).
    let rules: Vec<Option<String>> = read(&base_with("episodes.csv", "N1,U4,PR1,,", "N1,T1,,,"))
        .problems
        .into_iter()
        .map(|p| p.rule)
        .collect();
    assert_eq!(rules, [Some("380".to_owned()), Some("222".to_owned())]);
    // Z1 up to 2024-25; from 2025-26 the list is T0–T3 and Z11–Z14, so T4
    // may have a provider.
    let z1 = read(&base_with("episodes.csv", "N1,U4,PR1,,", "N1,Z1,PR1,,"));
    assert_at(&only(&z1, "178"), "episodes.csv", 4, "PLACE_PROVIDER");
    let t4 = base_with("episodes.csv", "N1,U4,PR1,,", "N1,T4,PR1,,");
    assert!(
        read_inputs(&t4, year("2024-25"))
            .problems
            .iter()
            .any(|p| p.rule.as_deref() == Some("178"))
    );
    let t4 = base_with(
        "episodes.csv",
        "2021,S,C1,N1,U4,PR1,,,",
        "2025,S,C1,N1,T4,PR1,,,",
    );
    let later = read_inputs(&t4, year("2025-26"));
    assert!(
        later
            .problems
            .iter()
            .all(|p| p.rule.as_deref() != Some("178")),
        "{:#?}",
        later.problems
    );
    let z12 = base_with(
        "episodes.csv",
        "2021,S,C1,N1,U4,PR1,,,",
        "2025,S,C1,N1,Z12,PR1,,,",
    );
    let later = read_inputs(&z12, year("2025-26"));
    assert!(
        later
            .problems
            .iter()
            .any(|p| p.rule.as_deref() == Some("178") && p.message.contains("T0–T3 and Z11–Z14")),
        "{:#?}",
        later.problems
    );
}

#[test]
fn chain_checks_print_their_dfe_rule_numbers() {
    // 433: RNE P on 2 September continues nothing (the X1 was on 1 September),
    // and 388: that X1 has no episode starting on its DEC.
    let p = read(&base_with(
        "episodes.csv",
        "1001,01/09/2021,P",
        "1001,02/09/2021,P",
    ));
    assert_at(&only(&p, "433"), "episodes.csv", 3, "RNE");
    assert_at(&only(&p, "388"), "episodes.csv", 2, "REC");
    // 431: RNE S straight after an X1.
    let p = read(&base_with(
        "episodes.csv",
        "1001,01/09/2021,P",
        "1001,01/09/2021,S",
    ));
    assert_at(&only(&p, "431"), "episodes.csv", 3, "RNE");
    // 357: a child's first episode in the year is not RNE S.
    let p = read(&base_with(
        "episodes.csv",
        "1002,10/06/2021,S",
        "1002,10/06/2021,P",
    ));
    assert_at(&only(&p, "357"), "episodes.csv", 4, "RNE");
    // 142: an episode with no DEC is followed by another; reported once, on
    // the open one, which is the one to fix.
    let p = read(&base_with(
        "episodes.csv",
        "01/05/2021,S,C2,N1,U4,PR1,01/09/2021,X1",
        "01/05/2021,S,C2,N1,U4,PR1,,",
    ));
    let e = only(&p, "142");
    assert_at(&e, "episodes.csv", 2, "DEC");
    assert_eq!(e.severity, Severity::Fatal);
    assert!(
        e.message.contains(
            "the episode starting 01/05/2021 has no end date (DEC) but a later episode follows it"
        ),
        "{}",
        e.message
    );
}

#[test]
fn rule_431_leaving_care_and_starting_again_the_same_day() {
    // 1001 leaves care (E4A) on 1 September and a new period starts that day.
    let p = read(&base_with(
        "episodes.csv",
        "01/09/2021,X1,CARPL,TW1 1AA,TW1 2AF,SC000001\n1001,01/09/2021,P",
        "01/09/2021,E4A,,TW1 1AA,TW1 2AF,SC000001\n1001,01/09/2021,S",
    ));
    let w = only(&p, "431");
    assert_at(&w, "episodes.csv", 3, "RNE");
    assert_eq!(w.severity, Severity::Warning);
    assert!(
        w.message.contains(
            "the child's episode starting 01/05/2021 ended that same day with REC E4A (left care)"
        ),
        "{}",
        w.message
    );
    assert!(!p.is_fatal());
}

#[test]
fn int08_and_int17_check_other_tables_against_the_header() {
    let p = read(&base_with(
        "reviews.csv",
        "1002,01/01/2020",
        "1003,01/01/2020",
    ));
    let e = only(&p, "INT08");
    assert_at(&e, "reviews.csv", 3, "CHILD");
    assert_eq!(e.severity, Severity::Fatal);

    let p = read(&base_with(
        "reviews.csv",
        "1002,01/01/2020",
        "1002,02/01/2020",
    ));
    let w = only(&p, "INT17");
    assert_at(&w, "reviews.csv", 3, "DOB");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.value, None, "a date of birth is never put in a problem");

    // Without a Header table, INT08 does not apply.
    let inputs = vec![csv("reviews.csv", REVIEWS)];
    assert!(
        read(&inputs)
            .problems
            .iter()
            .all(|p| p.rule.as_deref() != Some("INT08"))
    );
}

#[test]
fn duplicate_rows_exact_repeats_are_read_once_others_are_fatal() {
    let repeated =
        format!("{EPISODES}1002,10/06/2021,S,C1,N1,U4,PR1,,,,TW1 1AA,TW1 2AF,SC000001\n");
    let mut inputs = base_with("header.csv", "", "");
    inputs[1] = csv("episodes.csv", &repeated);
    let p = read(&inputs);
    let w = only_with(&p, "repeats the row");
    assert_eq!(w.line, Some(5));
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.message.contains("rule 501"), "{}", w.message);
    assert_eq!(p.ret.episodes.len(), 3);

    let reviews = format!("{REVIEWS}1002,01/01/2020,01/07/2021,PN1\n");
    inputs[1] = csv("episodes.csv", EPISODES);
    inputs[2] = csv("reviews.csv", &reviews);
    let p = read(&inputs);
    let e = only_with(&p, "same key");
    assert_eq!((e.file.as_str(), e.line), ("reviews.csv", Some(4)));
    assert_eq!(e.severity, Severity::Fatal);
}

#[test]
fn overlapping_episodes_are_fatal_rule_501() {
    let p = read(&base_with(
        "episodes.csv",
        "1001,01/09/2021,P",
        "1001,01/08/2021,S",
    ));
    let e = only(&p, "501");
    assert_at(&e, "episodes.csv", 3, "DECOM");
    assert_eq!(e.severity, Severity::Fatal);
}

#[test]
fn an_episode_ending_before_it_starts_is_fatal() {
    let p = read(&base_with(
        "episodes.csv",
        "01/05/2021,S,C2,N1,U4,PR1,01/09/2021",
        "01/05/2021,S,C2,N1,U4,PR1,01/04/2021",
    ));
    let e = only_with(&p, "before it starts");
    assert_at(&e, "episodes.csv", 2, "DEC");
    assert_eq!(e.severity, Severity::Fatal);
}

#[test]
fn a_childs_first_episode_must_start_care_unless_it_began_before_the_year() {
    let p = read(&base_with(
        "episodes.csv",
        "1002,10/06/2021,S",
        "1002,10/06/2021,P",
    ));
    let w = only_with(&p, "first episode");
    assert_at(&w, "episodes.csv", 4, "RNE");
    assert_eq!(w.severity, Severity::Warning);
    // Continuing a period that began in an earlier year is normal.
    let p = read(&base_with(
        "episodes.csv",
        "1002,10/06/2021,S",
        "1002,10/06/2020,P",
    ));
    assert!(p.problems.is_empty(), "{:#?}", p.problems);
}

#[test]
fn rule_148_dec_and_rec_go_together() {
    let p = read(&base_with("episodes.csv", "U4,PR1,,,", "U4,PR1,,E8,"));
    let w = only(&p, "148");
    assert_at(&w, "episodes.csv", 4, "REC");
    assert_eq!(w.severity, Severity::Warning);
}

#[test]
fn dates_of_birth_302_and_301() {
    let p = read(&base_with(
        "header.csv",
        "1002,2,01/01/2020",
        "1002,2,01/07/2021",
    ));
    assert_at(&only(&p, "302"), "episodes.csv", 4, "DECOM");
    let p = read(&base_with(
        "header.csv",
        "1002,2,01/01/2020",
        "1002,2,01/07/2022",
    ));
    let w = only(&p, "301");
    assert_at(&w, "header.csv", 3, "DOB");
    assert_eq!(w.value, None);
}

#[test]
fn missing_periods_567_574_and_1006() {
    let missing = "CHILD,DOB,MISSING,MIS_START,MIS_END
1001,15/06/2010,M,01/06/2021,10/06/2021
1001,15/06/2010,A,05/06/2021,07/06/2021
1001,15/06/2010,X,01/07/2021,
1001,15/06/2010,M,01/08/2021,20/07/2021
";
    let mut inputs = base_with("header.csv", "", "");
    inputs.push(csv("missing.csv", missing));
    let p = read(&inputs);
    assert_at(&only(&p, "574"), "missing.csv", 3, "MIS_START");
    assert_at(&only(&p, "1006"), "missing.csv", 4, "MISSING");
    let e = only(&p, "567");
    assert_at(&e, "missing.csv", 5, "MIS_END");
    assert_eq!(e.severity, Severity::Fatal);
    assert_eq!(p.ret.missing.len(), 2);
}

#[test]
fn missing_dates_that_are_not_dates_1004_and_1005() {
    let missing = "CHILD,DOB,MISSING,MIS_START,MIS_END
1001,15/06/2010,M,01/06/2021,10/06/2021
1001,15/06/2010,M,31/06/2021,
1001,15/06/2010,A,01/07/2021,2021-07-03
1001,15/06/2010,A,,
";
    let mut inputs = base_with("header.csv", "", "");
    inputs.push(csv("missing.csv", missing));
    let p = read(&inputs);
    let starts: Vec<_> = p
        .problems
        .iter()
        .filter(|p| p.rule.as_deref() == Some("1004"))
        .collect();
    assert_eq!(starts.len(), 2, "{:#?}", p.problems);
    assert_at(starts[0], "missing.csv", 3, "MIS_START");
    assert_at(starts[1], "missing.csv", 5, "MIS_START");
    let e = only(&p, "1005");
    assert_at(&e, "missing.csv", 4, "MIS_END");
    assert_eq!(e.severity, Severity::Fatal);
    assert_eq!(p.ret.missing.len(), 1, "only the good row is kept");
}

#[test]
fn uasc_is_folded_into_the_child_and_304_checks_duc() {
    let uasc = "CHILD,SEX,DOB,DUC\n1001,1,15/06/2010,16/06/2028\n";
    let mut inputs = base_with("header.csv", "", "");
    // A UASC child has no home postcode, so no distance (406).
    let no_home = EPISODES.replace(
        "1001,01/05/2021,S,C2,N1,U4,PR1,01/09/2021,X1,CARPL,TW1 1AA",
        "1001,01/05/2021,S,C2,N1,U4,PR1,01/09/2021,X1,CARPL,",
    );
    inputs[1] = csv(
        "episodes.csv",
        &no_home.replace(
            "1001,01/09/2021,P,C2,N1,U6,PR4,,,,TW1 1AA",
            "1001,01/09/2021,P,C2,N1,U6,PR4,,,,",
        ),
    );
    inputs.push(csv("uasc.csv", uasc));
    let p = read(&inputs);
    let w = only(&p, "304");
    assert_at(&w, "uasc.csv", 2, "DUC");
    let child = &p.ret.children[0].record;
    assert_eq!(
        child
            .uasc
            .as_ref()
            .and_then(|u| u.ceased)
            .map(|d| d.to_string()),
        Some("2028-06-16".to_owned())
    );
    // On the 18th birthday is fine.
    inputs[3] = csv(
        "uasc.csv",
        "CHILD,SEX,DOB,DUC\n1001,1,15/06/2010,15/06/2028\n",
    );
    assert!(read(&inputs).problems.is_empty());
}

#[test]
fn unrecognised_columns_name_the_file_and_the_closest_table() {
    let p = read(&[csv(
        "odd.csv",
        "CHILD,DOB,REVIEW,PARTICIPATION\n1,01/01/2020,01/01/2021,PN1\n",
    )]);
    let odd: Vec<_> = p.problems.iter().filter(|p| p.line.is_some()).collect();
    assert_eq!(odd.len(), 1);
    let e = odd[0];
    assert_eq!((e.file.as_str(), e.line), ("odd.csv", Some(1)));
    assert!(
        e.message.contains("CHILD, DOB, REVIEW, PARTICIPATION"),
        "{}",
        e.message
    );
    assert!(e.message.contains("closest is Reviews"), "{}", e.message);
    assert!(e.is_fatal());
}

#[test]
fn columns_in_any_order_a_bom_blank_lines_and_short_rows() {
    let text = "\u{feff}REVIEW_CODE,REVIEW,DOB,CHILD\r\nPN1,28/05/2021,15/06/2010,1001\r\n\r\nPN0,01/07/2021\r\n";
    let mut inputs = base_with("header.csv", "", "");
    inputs[2] = csv("reviews.csv", text);
    let p = read(&inputs);
    assert_eq!(p.ret.reviews.len(), 1);
    let e = only_with(&p, "values but the header has 4 columns");
    assert_eq!(e.line, Some(4));
    assert!(e.is_fatal());
}

#[test]
fn a_blank_key_field_is_fatal() {
    let p = read(&base_with(
        "episodes.csv",
        "1002,10/06/2021,S,C1,N1,U4",
        "1002,10/06/2021,S,C1,N1,",
    ));
    let e = only(&p, "146");
    assert_at(&e, "episodes.csv", 4, "PLACE");
    assert!(e.message.contains("PLACE is blank"));
    let p = read(&base_with("episodes.csv", "1002,10/06/2021", ",10/06/2021"));
    assert_at(&only_with(&p, "CHILD is blank"), "episodes.csv", 4, "CHILD");
}

const OC2: &str = "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED
1001,15/06/2010,14,,0,1,1,1,1,0,,
";

/// The base return with an OC2 table whose second row is `row`.
fn with_oc2(row: &str) -> Vec<Input> {
    let mut inputs = base_with("header.csv", "", "");
    inputs.push(csv("oc2.csv", &format!("{OC2}{row}\n")));
    inputs
}

#[test]
fn oc2_rows_become_health_outcomes_for_the_year() {
    let p = read(&with_oc2("1002,01/01/2020,,SDQ1,,1,0,0,0,0,,"));
    assert!(reading_problems(&p).is_empty(), "{:#?}", p.problems);
    let h = &p.ret.health_outcomes;
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].record.child.as_str(), "1001");
    assert_eq!(h[0].record.year.to_string(), "2021-22");
    assert_eq!(h[0].record.sdq_score, Some(14));
    assert_eq!(h[0].record.sdq_reason, None);
    assert_eq!(h[0].record.convicted, Some(false));
    assert_eq!(h[0].record.health_check, Some(true));
    assert_eq!(h[0].record.intervention_received, None);
    assert_eq!(
        h[1].record.sdq_reason,
        Some(SdqReason::UnderFourOrOverSixteen)
    );
    assert_eq!(h[1].record.convicted, None);
    assert_eq!(h[1].record.immunisations, Some(false));
    assert_eq!((&*h[1].source.file, h[1].source.line), ("oc2.csv", 3));
    assert_eq!(p.ret.to_dataset().health_outcomes.len(), 2);
    assert!(
        p.ret.other_tables.iter().all(|t| t.table != Table::Oc2),
        "OC2 is no longer left as raw rows"
    );
}

#[test]
fn oc2_flags_must_be_0_or_1_rule_181() {
    let p = read(&with_oc2("1002,01/01/2020,,SDQ1,0,1,Y,0,0,0,,"));
    let e = only(&p, "181");
    assert_at(&e, "oc2.csv", 3, "IMMUNISATIONS");
    assert_eq!(e.value.as_deref(), Some("Y"));
    assert_eq!(e.severity, Severity::Fatal);
    assert_eq!(p.ret.health_outcomes.len(), 1, "the bad row is not kept");
}

#[test]
fn the_sdq_score_is_0_to_40_and_the_reason_sdq1_to_sdq5() {
    for bad in ["41", "-1", "12.5", "x"] {
        let p = read(&with_oc2(&format!("1002,01/01/2020,{bad},,0,1,1,0,0,0,,")));
        let e = only_with(&p, "whole number from 0 to 40");
        assert_at(&e, "oc2.csv", 3, "SDQ_SCORE");
        assert_eq!(e.value.as_deref(), Some(bad));
        assert_eq!(e.rule.as_deref(), Some("180"), "DfE rule 180");
        assert!(p.is_fatal());
    }
    let p = read(&with_oc2("1002,01/01/2020,40,,0,1,1,0,0,0,,"));
    assert!(reading_problems(&p).is_empty(), "{:#?}", p.problems);
    assert_eq!(p.ret.health_outcomes[1].record.sdq_score, Some(40));

    let p = read(&with_oc2("1002,01/01/2020,,SDQ6,0,1,1,0,0,0,,"));
    let e = only(&p, "196");
    assert_at(&e, "oc2.csv", 3, "SDQ_REASON");
    assert_eq!(e.severity, Severity::Fatal);
    let p = read(&with_oc2("1002,01/01/2020,,sdq2,0,1,1,0,0,0,,"));
    assert!(only(&p, "196").message.contains("upper case"));
}

#[test]
fn a_score_and_a_reason_together_is_197a_and_neither_is_left_to_the_12_month_rules() {
    let p = read(&with_oc2("1002,01/01/2020,12,SDQ4,0,1,1,0,0,0,,"));
    let w = only(&p, "197a");
    assert_at(&w, "oc2.csv", 3, "SDQ_REASON");
    assert_eq!(w.severity, Severity::Warning);
    let kept = &p.ret.health_outcomes[1].record;
    assert_eq!((kept.sdq_score, kept.sdq_reason), (Some(12), None));

    // A blank score and reason is not a reading problem: whether one is
    // due is DfE rules 186 and 197B, on the 12-month cohort (tested in
    // src/rules/oc2_health.rs); 1001 started care in May 2021.
    let mut inputs = base_with("header.csv", "", "");
    inputs.push(csv(
        "oc2.csv",
        &OC2.replace("1001,15/06/2010,14,,", "1001,15/06/2010,,,"),
    ));
    let p = read(&inputs);
    assert!(reading_problems(&p).is_empty(), "{:#?}", p.problems);
    assert!(!p.problems.iter().any(|p| p.rule.as_deref() == Some("197B")));
    // 1002 is 1: a blank score and reason is right.
    let p = read(&with_oc2("1002,01/01/2020,,,0,1,1,0,0,0,,"));
    assert!(reading_problems(&p).is_empty(), "{:#?}", p.problems);
}

#[test]
fn oc2_children_must_be_in_the_header_and_rows_are_not_repeated() {
    let p = read(&with_oc2("1003,01/01/2020,,SDQ1,0,1,1,0,0,0,,"));
    let e = only(&p, "INT05");
    assert_at(&e, "oc2.csv", 3, "CHILD");
    assert!(e.message.contains("OC2"), "{}", e.message);
    assert_eq!(p.ret.health_outcomes.len(), 1);

    let p = read(&with_oc2("1001,15/06/2010,14,,0,1,1,1,1,0,,"));
    let w = only_with(&p, "repeats the row");
    assert_eq!((w.file.as_str(), w.line), ("oc2.csv", Some(3)));
    assert_eq!(p.ret.health_outcomes.len(), 1);
    let p = read(&with_oc2("1001,15/06/2010,15,,0,1,1,1,1,0,,"));
    let e = only_with(&p, "same key");
    assert_eq!(e.severity, Severity::Fatal);
    assert!(e.message.contains("OC2"), "{}", e.message);
}

#[test]
fn a_return_without_its_header_or_episodes_is_refused() {
    let all = base_with("header.csv", "", "");
    for (leave_out, table) in [(0, "Header"), (1, "Episodes")] {
        let mut inputs = all.clone();
        inputs.remove(leave_out);
        let p = read_inputs(&inputs, None);
        assert!(p.is_fatal());
        let e = only_with(&p, &format!("no {table} table among the files"));
        assert!(e.file.contains("reviews.csv"), "{}", e.file);
    }
    assert!(!read(&all).is_fatal());
}

#[test]
fn the_year_is_the_latest_decoms_and_a_year_given_needs_an_open_episode() {
    let inputs = base_with("header.csv", "", "");
    let p = read_inputs(&inputs, None);
    assert_eq!(p.ret.year, year("2021-22"));
    assert!(p.year_inferred);
    // No episode open in 2023-24 (1001 and 1002 are, but from 2021-22 on:
    // 1001's last episode is open, so give one that ended).
    let closed = base_with(
        "episodes.csv",
        "1001,01/09/2021,P,C2,N1,U6,PR4,,,,TW1 1AA,TW1 3BE,SC000002\n1002,10/06/2021,S,C1,N1,U4,PR1,,,,TW1 1AA,TW1 2AF,SC000001",
        "1001,01/09/2021,P,C2,N1,U6,PR4,01/10/2021,E4A,,TW1 1AA,TW1 3BE,SC000002\n1002,10/06/2021,S,C1,N1,U4,PR1,01/11/2021,E4A,,TW1 1AA,TW1 2AF,SC000001",
    );
    let p = read_inputs(&closed, year("2023-24"));
    let e = only_with(&p, "no episode is open at any time in 2023-24");
    assert!(e.is_fatal());
    assert!(
        e.message.contains("is this the 2021-22 return?"),
        "{}",
        e.message
    );
    // Open in the year given: accepted.
    assert!(!read_inputs(&inputs, year("2023-24")).is_fatal());
}

#[test]
fn excels_trailing_empty_columns_and_rows_are_accepted() {
    let mut inputs = base_with("header.csv", "", "");
    let text = "CHILD,DOB,REVIEW,REVIEW_CODE,,\r\n1001,15/06/2010,28/05/2021,PN1,,\r\n1002,01/01/2020,01/07/2021,PN0\r\n,,,,,\r\n,,,,,\r\n";
    inputs[2] = csv("reviews.csv", text);
    let p = read(&inputs);
    assert!(p.problems.is_empty(), "{:#?}", p.problems);
    assert_eq!(p.ret.reviews.len(), 2);
    // A value in a column without a name is still refused.
    inputs[2] = csv(
        "reviews.csv",
        "CHILD,DOB,REVIEW,REVIEW_CODE,\n1001,15/06/2010,28/05/2021,PN1,X\n",
    );
    assert!(read(&inputs).is_fatal());
}

#[test]
fn int_rules_are_numbered_per_table() {
    let mut inputs = base_with("header.csv", "", "");
    inputs.push(csv(
        "missing.csv",
        "CHILD,DOB,MISSING,MIS_START,MIS_END\n1003,01/01/2020,M,01/06/2021,02/06/2021\n1001,16/06/2010,M,01/07/2021,02/07/2021\n",
    ));
    let p = read(&inputs);
    assert_at(&only(&p, "INT04"), "missing.csv", 2, "CHILD");
    assert_at(&only(&p, "INT13"), "missing.csv", 3, "DOB");
    let mut inputs = base_with("episodes.csv", "1002,10/06/2021", "1009,10/06/2021");
    inputs.push(csv(
        "oc3.csv",
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n1008,01/01/2000,YES,F1,B1\n",
    ));
    let p = read(&inputs);
    assert_at(&only(&p, "INT03"), "episodes.csv", 4, "CHILD");
    assert_at(&only(&p, "INT06"), "oc3.csv", 2, "CHILD");
}

#[test]
fn problems_name_the_file_line_and_column_of_rows_read_in_blocks() {
    // CRLF line ends, a blank line, a quoted value over two lines and
    // padded values: a row's line is where its record starts.
    let episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n\
        1001,01/05/2021,S,C2,N1,U4,PR1,01/09/2021,X1,CARPL,TW1 1AA,TW1 2AF,SC000001\r\n\
        \r\n\
        1001,01/09/2021,P,C2,N1,U6,PR4,,,,\"TW1\r\n1AA\",TW1 3BE,SC000002\r\n\
        1002,10/06/2021,S,V3,N1,U4,PR1,,,,, TW1 2AF ,\r\n";
    let mut inputs = base_with("header.csv", "", "");
    inputs[1] = csv("episodes.csv", episodes);
    let p = read(&inputs);
    let e = only(&p, "214");
    assert_at(&e, "episodes.csv", 6, "PL_POST");
    assert_eq!(e.value.as_deref(), Some("TW1 2AF"));
    assert!(e.message.starts_with("child 1002: "), "{}", e.message);
    let lines: Vec<u64> = p.ret.episodes.iter().map(|e| e.source.line).collect();
    assert_eq!(lines, [2, 4, 6]);
    assert_eq!(
        p.ret.episodes[1].record.home_postcode.as_deref(),
        Some("TW1\r\n1AA")
    );
    // The other files' rows keep their own places.
    assert_eq!(p.ret.reviews[1].source.line, 3);
    assert_eq!(&*p.ret.reviews[1].source.file, "reviews.csv");
}

#[test]
fn checked_without_records_lets_last_year_go_and_finds_the_same() {
    use footprint_ssda903::{CheckOptions, RawReturn, RecordCounts, check_paths, read_paths_with};
    let dir = |inputs: &[Input]| {
        let d = tempfile::tempdir().unwrap();
        for i in inputs {
            std::fs::write(d.path().join(&i.name), &i.bytes).unwrap();
        }
        d
    };
    let this = dir(&base_with(
        "reviews.csv",
        "28/05/2021,PN1",
        "20/04/2021,PN0",
    ));
    // Last year's: child 1001's open episode is not this year's first (503
    // rules), and child 1002 is not in it.
    let last = dir(&base_with(
        "episodes.csv",
        "1002,10/06/2021,S,C1,N1,U4,PR1,,,,TW1 1AA,TW1 2AF,SC000001\n",
        "",
    ));
    let options = CheckOptions {
        previous: Some(RawReturn::read_paths(&[last.path().to_path_buf()]).unwrap()),
        ..CheckOptions::default()
    };
    let paths = [this.path().to_path_buf()];
    let with = read_paths_with(&paths, year("2021-22"), &options).unwrap();
    let checked = check_paths(&paths, year("2021-22"), options).unwrap();
    assert_eq!(with.sorted_problems(), checked.sorted_problems());
    assert_eq!(RecordCounts::of(&with.ret), checked.records);
    assert_eq!(with.rule_set, checked.rule_set);
    assert!(checked.rule_set.as_ref().unwrap().previous_year);
    assert!(!checked.problems.is_empty());
}

/// A CSV row whose values pass 64 KiB in all is not read: a fatal problem at
/// its line, and the rows around it read.
#[test]
fn a_row_past_64_kib_is_a_fatal_problem_at_its_line() {
    let long = "9".repeat(70_000);
    let p = read(&base_with(
        "header.csv",
        "1002,2,01/01/2020,AOTH,UN1,0,",
        &format!("1002,2,01/01/2020,AOTH,{long},0,\n1003,2,01/01/2020,AOTH,UN1,0,"),
    ));
    let problem = only_with(&p, "64 KiB");
    assert_eq!(problem.severity, Severity::Fatal);
    assert_eq!(
        (problem.file.as_str(), problem.line),
        ("header.csv", Some(3))
    );
    let children: Vec<&str> = p
        .ret
        .children
        .iter()
        .map(|c| c.record.id.as_str())
        .collect();
    assert_eq!(children, ["1001", "1003"]);
}
