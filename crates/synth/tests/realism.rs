//! The generated 903 returns look like a real council's where the
//! data-to-insight (D2I) validator looks: MOTHER and MC_DOB, UPNs and their
//! unknown codes, postcodes, short breaks and URNs. Each test reads the
//! returns as written (`render_csv`), year by year.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use footprint_domain::dates::{CollectionYear, age_on, parse_uk_date};
use footprint_ssda903::render_csv;
use footprint_synth::postcodes::{COUNCIL_LA_CODE, distance_miles, locate};
use footprint_synth::{CouncilParams, SyntheticCouncil, generate_council};

fn council() -> &'static SyntheticCouncil {
    static C: OnceLock<SyntheticCouncil> = OnceLock::new();
    C.get_or_init(|| {
        let as_of = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        generate_council(&CouncilParams::new(1000, 2, 7, as_of)).expect("valid parameters")
    })
}

/// One table of a return: rows as column -> value.
fn table(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let values: Vec<&str> = l.split(',').collect();
            assert_eq!(values.len(), header.len(), "{l}");
            header
                .iter()
                .cloned()
                .zip(values.into_iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

struct YearTables {
    year: CollectionYear,
    header: Vec<BTreeMap<String, String>>,
    episodes: Vec<BTreeMap<String, String>>,
    uasc: BTreeSet<String>,
}

fn returns() -> Vec<YearTables> {
    let c = council();
    c.collection_years
        .iter()
        .map(|&year| {
            let csv = render_csv(&c.dataset, year);
            YearTables {
                year,
                header: table(&csv.header),
                episodes: table(&csv.episodes),
                uasc: table(&csv.uasc)
                    .into_iter()
                    .map(|r| r["CHILD"].clone())
                    .collect(),
            }
        })
        .collect()
}

fn date(s: &str) -> NaiveDate {
    parse_uk_date(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn is_short_break(ls: &str) -> bool {
    matches!(ls, "V3" | "V4")
}

/// D2I rule 168's pattern: a letter but I, O or S, then 12 digits or 11
/// digits and a letter; or UN1 to UN5.
fn upn_shape_ok(u: &str) -> bool {
    let b = u.as_bytes();
    if matches!(u, "UN1" | "UN2" | "UN3" | "UN4" | "UN5") {
        return true;
    }
    b.len() == 13
        && b[0].is_ascii_uppercase()
        && !b"IOS".contains(&b[0])
        && b[1..12].iter().all(u8::is_ascii_digit)
        && (b[12].is_ascii_digit() || b[12].is_ascii_uppercase())
}

/// The DfE check letter, computed here independently of the generator.
fn upn_check_ok(u: &str) -> bool {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRTUVWXYZ";
    let sum: usize = u.as_bytes()[1..]
        .iter()
        .zip(2..)
        .map(|(&c, w)| usize::from(c - b'0') * w)
        .sum();
    u.as_bytes()[0] == LETTERS[sum % 23]
}

/// A UK postcode's shape: outward A9, A99, AA9, AA99, A9A or AA9A; a space;
/// inward 9AA, the letters never C, I, K, M, O or V.
fn postcode_shape_ok(p: &str) -> bool {
    let Some((outward, inward)) = p.split_once(' ') else {
        return false;
    };
    let o = outward.as_bytes();
    let letters = o.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = &o[letters..];
    let outward_ok = (1..=2).contains(&letters)
        && match rest {
            [d] | [d, _] if !d.is_ascii_digit() => false,
            [_] => true,
            [_, x] => x.is_ascii_digit() || x.is_ascii_uppercase(),
            _ => false,
        };
    let i = inward.as_bytes();
    outward_ok
        && i.len() == 3
        && i[0].is_ascii_digit()
        && i[1..]
            .iter()
            .all(|c| c.is_ascii_uppercase() && !b"CIKMOV".contains(c))
}

#[test]
fn the_checkers_here_tell_good_from_bad() {
    for good in [
        "LS6 2AB", "TW9 1DN", "SW1A 1AA", "W1A 0AX", "B1 1AA", "EC1V 9HX",
    ] {
        assert!(postcode_shape_ok(good), "{good}");
    }
    for bad in ["LS62AB", "6LS 2AB", "LS6 2AC", "LSS6 2AB", "LS6 AB2", ""] {
        assert!(!postcode_shape_ok(bad), "{bad}");
    }
    assert!(upn_shape_ok("UN1") && upn_shape_ok("A12345678901B"));
    assert!(!upn_shape_ok("I123456789012") && !upn_shape_ok("UN6"));
    assert!(upn_check_ok("A123456789012") && !upn_check_ok("B123456789012"));
}

#[test]
fn mother_is_given_for_girls_in_care_only_and_is_1_only_from_12() {
    let mut girls_15_17 = 0;
    let mut mothers_15_17 = 0;
    for y in returns() {
        let mut looked_after: BTreeSet<&str> = BTreeSet::new();
        let mut latest_dec: BTreeMap<&str, NaiveDate> = BTreeMap::new();
        for e in &y.episodes {
            if !is_short_break(&e["LS"]) {
                looked_after.insert(&e["CHILD"]);
            }
            if !e["DEC"].is_empty() {
                let d = date(&e["DEC"]);
                let latest = latest_dec.entry(&e["CHILD"]).or_insert(d);
                *latest = (*latest).max(d);
            }
        }
        for h in &y.header {
            let child = h["CHILD"].as_str();
            let dob = date(&h["DOB"]);
            let girl = matches!(h["SEX"].as_str(), "F" | "2");
            let (mother, mc_dob) = (h["MOTHER"].as_str(), h["MC_DOB"].as_str());
            if !girl || !looked_after.contains(child) {
                assert_eq!((mother, mc_dob), ("", ""), "{} {child}", y.year);
                continue;
            }
            assert!(
                matches!(mother, "0" | "1"),
                "{} {child}: {mother:?}",
                y.year
            );
            // MC_DOB exactly when a mother (DfE 611, 612).
            assert_eq!(mother == "1", !mc_dob.is_empty(), "{} {child}", y.year);
            if mother == "1" {
                assert!(age_on(dob, y.year.start()) >= 12, "{} {child}", y.year);
                let born = date(mc_dob);
                assert!(age_on(dob, born) >= 14, "{} {child}", y.year);
                // DfE 625: not after the year's end or the latest DEC.
                assert!(born <= y.year.end(), "{} {child}", y.year);
                if let Some(&dec) = latest_dec.get(child) {
                    assert!(born <= dec, "{} {child}", y.year);
                }
            }
            if (15..=17).contains(&age_on(dob, y.year.end())) {
                girls_15_17 += 1;
                mothers_15_17 += usize::from(mother == "1");
            }
        }
    }
    let share = mothers_15_17 as f64 / f64::from(girls_15_17);
    assert!(girls_15_17 > 100, "{girls_15_17}");
    assert!(
        (0.01..=0.06).contains(&share),
        "{mothers_15_17} mothers of {girls_15_17} girls aged 15-17"
    );
}

#[test]
fn upns_are_valid_unique_and_un1_is_only_for_under_fives() {
    let mut real = 0;
    let mut all = 0;
    for y in returns() {
        let mut seen = BTreeSet::new();
        let march_24 = NaiveDate::from_ymd_opt(y.year.end().year(), 3, 24).unwrap();
        for h in &y.header {
            let (child, upn) = (h["CHILD"].as_str(), h["UPN"].as_str());
            let dob = date(&h["DOB"]);
            assert!(upn_shape_ok(upn), "{} {child}: {upn:?}", y.year);
            all += 1;
            if upn.len() == 13 {
                real += 1;
                assert!(upn_check_ok(upn), "{} {child}: {upn}", y.year);
                assert!(seen.insert(upn), "{} {child}: {upn} twice", y.year);
            }
            if upn == "UN1" {
                assert!(age_on(dob, y.year.end()) < 5, "{} {child}", y.year);
                // D2I 209: not of school age by 31 August a year and more
                // before the year starts.
                let cut = NaiveDate::from_ymd_opt(y.year.start().year() - 1, 8, 31).unwrap();
                assert!(age_on(dob, cut) < 4, "{} {child}", y.year);
            }
            if upn == "UN4" {
                // D2I 210: no episode starting on or after 24 March.
                assert!(
                    y.episodes
                        .iter()
                        .filter(|e| e["CHILD"] == child)
                        .all(|e| date(&e["DECOM"]) < march_24),
                    "{} {child}",
                    y.year
                );
            }
            if age_on(dob, y.year.start()) >= 6 && !y.uasc.contains(child) {
                assert_ne!(upn, "UN1", "{} {child}", y.year);
            }
        }
    }
    assert!(f64::from(real) / f64::from(all) > 0.6, "{real} of {all}");
}

#[test]
fn postcodes_are_real_shaped_and_placements_mostly_near_home() {
    let mut distances = Vec::new();
    for y in returns() {
        for e in &y.episodes {
            let child = e["CHILD"].as_str();
            let (home, pl, urn) = (&e["HOME_POST"], &e["PL_POST"], &e["URN"]);
            let place = e["PLACE"].as_str();
            if is_short_break(&e["LS"]) {
                // DfE 214, 398: no location for short breaks.
                assert_eq!((home.as_str(), pl.as_str(), urn.as_str()), ("", "", ""));
                assert!(!matches!(
                    place,
                    "U1" | "U4" | "T0" | "T1" | "T2" | "T3" | "T4"
                ));
                continue;
            }
            assert!(postcode_shape_ok(pl), "{} {child}: {pl:?}", y.year);
            let pl_la = locate(pl).map(|i| i.la_code);
            assert!(pl_la.is_some(), "{pl}");
            if y.uasc.contains(child) {
                assert_eq!(home, "", "{} {child}", y.year);
                continue;
            }
            assert!(postcode_shape_ok(home), "{} {child}: {home:?}", y.year);
            assert_eq!(locate(home).map(|i| i.la_code), Some(COUNCIL_LA_CODE));
            // DfE 392d: the same postcode only when placed with parents.
            assert_eq!(home == pl, place == "P1", "{} {child} {place}", y.year);
            let d = distance_miles(home, pl).unwrap();
            assert!(d <= 350.0, "{d}");
            distances.push(d);
            let fostering_or_adoption = matches!(
                place,
                "A3" | "A4" | "A5" | "A6" | "U1" | "U2" | "U3" | "U4" | "U5" | "U6" | "K3"
            );
            if e["PLACE_PROVIDER"] == "PR1" && !fostering_or_adoption {
                // DfE 1015: own provision is in the council's area.
                assert_eq!(pl_la, Some(COUNCIL_LA_CODE), "{} {child}", y.year);
            }
            if matches!(place, "P1" | "P3" | "R1" | "R2" | "R5") {
                // DfE 222: no Ofsted URN for these.
                assert_eq!(urn, "", "{} {child} {place}", y.year);
            }
        }
    }
    distances.sort_by(f64::total_cmp);
    assert!(!distances.is_empty());
    let median = distances[distances.len() / 2];
    let within_20 = distances.iter().filter(|&&d| d <= 20.0).count() as f64;
    assert!(median < 10.0, "median {median:.1} miles");
    assert!(
        within_20 / distances.len() as f64 > 0.7,
        "{within_20} of {}",
        distances.len()
    );
    assert!(distances.iter().any(|&d| d > 50.0), "no distant placement");
}

#[test]
fn a_move_changes_something_and_no_one_comes_back_after_dying() {
    for y in returns() {
        for pair in y.episodes.windows(2) {
            let (prev, next) = (&pair[0], &pair[1]);
            if prev["CHILD"] != next["CHILD"] {
                continue;
            }
            // DfE 437: nothing after E2 (died) or E15 (assessed as 18+).
            assert!(
                !matches!(prev["REC"].as_str(), "E2" | "E15"),
                "{} {}",
                y.year,
                prev["CHILD"]
            );
            // DfE 435: a new placement (RNE P) is somewhere else.
            if next["RNE"] == "P" && !is_short_break(&next["LS"]) {
                assert_ne!(
                    prev["PL_POST"], next["PL_POST"],
                    "{} {}",
                    y.year, next["CHILD"]
                );
            }
        }
    }
}

/// Private fostering arrangements end: one whose reviews stop before the
/// report date records its end on its last review, so the due list does not
/// hold it overdue for ever; one still running has its next review due.
#[test]
fn private_fostering_arrangements_that_stop_being_reviewed_record_their_end() {
    use footprint_domain::case_records::CaseRecordTimescales;
    use footprint_domain::daily::case_records_due;
    let c = council();
    let as_of = c.params.as_of;
    let reviews = &c.dataset.case_records.private_fostering_reviews;
    assert!(!reviews.is_empty());
    let ended = reviews
        .iter()
        .filter(|r| r.arrangement_end.is_some())
        .count();
    assert!(ended > 0, "some arrangements end");
    for r in reviews.iter().filter(|r| r.arrangement_end.is_some()) {
        let end = r.arrangement_end.unwrap();
        assert!(r.date <= end && end <= as_of, "{r:?}");
    }
    let due = case_records_due(
        &c.dataset,
        as_of,
        &CaseRecordTimescales::default(),
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
    );
    let overdue_private = due
        .iter()
        .filter(|d| d.kind == "private_fostering_review" && d.status == "overdue")
        .count();
    let arrangements: BTreeSet<_> = reviews
        .iter()
        .map(|r| (r.child.clone(), r.arrangement_start))
        .collect();
    // Nearly always in time (97%): a handful overdue at most.
    assert!(
        overdue_private * 5 <= arrangements.len(),
        "{overdue_private} of {} arrangements overdue",
        arrangements.len()
    );
}

/// Every private fostering arrangement is notified, and a few lately begun
/// are notified but not yet reviewed; visits follow the one visit schedule,
/// about 90% in time, and few arrangements have a visit overdue.
#[test]
fn private_fostering_arrangements_are_notified_and_visited_mostly_in_time() {
    use footprint_domain::calendar::WorkingDayCalendar;
    use footprint_domain::case_records::{
        CaseRecordTimescales, notified_arrangement_end, private_fostering_visit_schedule,
    };
    use footprint_domain::daily::private_fostering_arrangements;
    let c = council();
    let as_of = c.params.as_of;
    let r = &c.dataset.case_records;
    let t = CaseRecordTimescales::default();
    let cal = WorkingDayCalendar::england_and_wales();
    assert!(!r.private_fostering_notifications.is_empty());
    let all = private_fostering_arrangements(r, as_of, &t, &cal);
    let notified = all.iter().filter(|a| a.notified.is_some()).count();
    assert!(
        notified * 10 >= all.len() * 9,
        "{notified} of {}",
        all.len()
    );
    let unreviewed = all.iter().filter(|a| a.reviews == 0).count();
    assert!(unreviewed >= 1, "some notified and not yet reviewed");
    let (mut made, mut in_time) = (0, 0);
    for n in &r.private_fostering_notifications {
        assert!(n.visits.iter().all(|v| *v >= n.notified && *v <= as_of));
        let end = notified_arrangement_end(
            &n.child,
            n.proposed_start,
            &r.private_fostering_reviews,
            &r.private_fostering_notifications,
        );
        for d in private_fostering_visit_schedule(n, end, &t, &cal) {
            if d.done.is_some() {
                made += 1;
                in_time += usize::from(d.in_time());
            }
        }
    }
    assert!(made > 0);
    let share = in_time as f64 / made as f64;
    assert!(
        (0.8..=0.97).contains(&share),
        "{in_time} of {made} visits in time"
    );
    let overdue = all
        .iter()
        .filter(|a| a.next_visit.is_some_and(|d| d < as_of))
        .count();
    assert!(
        overdue * 4 <= all.len(),
        "{overdue} of {} overdue",
        all.len()
    );
}

/// Case file audits: about one to every ten children in care a year, each
/// of a child held, requested after a review; most of a year's completed
/// (Rotherham: 46 of 55), each one a record the domain's check holds; the
/// other records are those of a council generated before audits were.
#[test]
fn case_file_audits_are_requested_and_mostly_completed() {
    use footprint_domain::case_records::{AuditStatus, CaseRecord};
    use footprint_domain::dates::CollectionYear;
    use footprint_domain::measures::{MeasureSettings, compute};
    let c = council();
    let audits = &c.dataset.case_records.case_file_audits;
    let held: BTreeSet<_> = c.dataset.children.iter().map(|x| &x.id).collect();
    assert!(audits.iter().all(|a| held.contains(&a.child)));
    for a in audits {
        assert_eq!(
            CaseRecord::CaseFileAudit(a.clone()).check(),
            Ok(()),
            "{a:?}"
        );
        assert!(a.requested <= c.params.as_of);
    }
    let year = CollectionYear::new(2024);
    let m = compute(
        &c.dataset,
        year,
        &MeasureSettings::default(),
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
    );
    let requested = m.count("audits.requested").unwrap();
    let in_care = m.count("cla.end").unwrap();
    assert!(
        (in_care / 20..=in_care / 5).contains(&requested),
        "{requested} audits for {in_care} children in care"
    );
    let done = m.percent("audits.completed_pct").unwrap();
    let share = done.numerator.value as f64 / done.denominator.value as f64;
    assert!((0.7..=0.95).contains(&share), "{share}");
    let graded = m.breakdown("audits.by_grade").unwrap();
    assert!(graded.value("good") > 0 && graded.value("not_graded") > 0);
    assert!(
        audits
            .iter()
            .any(|a| a.status_on(c.params.as_of) == AuditStatus::Cancelled)
    );
}
