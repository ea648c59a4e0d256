//! Hand-worked postcodes: their districts and grid references as the ONS
//! directory gives them, their distances worked out on paper from those.

use super::*;

const COUNCIL: &str = "E09000027"; // Richmond upon Thames

#[test]
fn the_directory_holds_every_postcode_of_the_release() {
    let d = directory();
    assert_eq!(d.version(), "2026.1.1");
    assert_eq!(d.len(), 2_720_556);
}

#[test]
fn a_postcode_is_found_in_any_case_and_spacing() {
    let d = directory();
    let want = Some(Location {
        district: Some("E09000027"),
        upper_tier: Some("E09000027"),
        grid: Some((516_048, 173_668)),
    });
    for p in ["TW1 1AA", "tw11aa", " TW1  1AA ", "Tw1 1aA"] {
        assert_eq!(d.locate(p), want, "{p:?}");
    }
    // A seven-character outward code and one of the directory's own.
    assert_eq!(
        d.locate("SW1A 1AA").and_then(|l| l.grid),
        Some((529_090, 179_645))
    );
    assert_eq!(
        d.locate("S1 1AB").and_then(|l| l.grid),
        Some((435_727, 387_412))
    );
    for p in [
        "", "TW1", "TW1 1A", "ZZ9 9ZZ", "TW1 1A1", "TW1-1AA", "TW99 1AA", "É1 1AA",
    ] {
        assert_eq!(d.locate(p), None, "{p:?}");
    }
}

#[test]
fn a_county_district_s_upper_tier_is_its_county() {
    let d = directory();
    // CB2 1TN is in Cambridge (E07000008), a district of Cambridgeshire.
    let l = d.locate("CB2 1TN").unwrap();
    assert_eq!(l.district, Some("E07000008"));
    assert_eq!(l.upper_tier, Some("E10000003"));
    assert!(d.districts_of("E10000003").contains(&"E07000008"));
    assert!(d.is_upper_tier("E10000003") && d.is_upper_tier("E09000027"));
    assert!(!d.is_upper_tier("E07000008") && !d.is_upper_tier("X"));
    // Somerset (E06000066) and Sheffield (E08000039) are newer than the
    // 2021 lookup: their own upper tier.
    assert_eq!(d.locate("TA1 1AA").unwrap().upper_tier, Some("E06000066"));
    assert_eq!(d.locate("S1 1AA").unwrap().upper_tier, Some("E08000039"));
    assert_eq!(d.districts_of("E06000066"), vec!["E06000066"]);
}

#[test]
fn distances_are_the_dfe_s_to_a_tenth_of_a_mile() {
    // TW1 1AA (516048, 173668) to TW1 2AF (516900, 174300):
    // √(852² + 632²) = 1,060.8 m = 0.659 miles.
    let d = derive("TW1 1AA", "TW1 2AF", COUNCIL);
    assert_eq!(
        d,
        Derived {
            pl_la: Some(COUNCIL),
            pl_location: Some(InOut::In),
            pl_distance: Some(0.7)
        }
    );
    // To CB2 1TN (544705, 258430): √(28,657² + 84,762²) = 89,475.3 m =
    // 55.599 miles; out of the area, in Cambridgeshire.
    let d = derive("TW1 1AA", "CB2 1TN", COUNCIL);
    assert_eq!(
        d,
        Derived {
            pl_la: Some("E10000003"),
            pl_location: Some(InOut::Out),
            pl_distance: Some(55.6)
        }
    );
    // To SW1A 1AA (529090, 179645): √(13,042² + 5,977²) = 14,346.4 m = 8.915.
    assert_eq!(
        derive("TW1 1AA", "SW1A 1AA", COUNCIL).pl_distance,
        Some(8.9)
    );
    // Half to even, as numpy rounds: 0.25 miles is 0.2, 0.35 is 0.4 (in
    // binary 0.35 is a little under, and numpy gives 0.3; so does this).
    assert_eq!(distance_miles((0, 0), (0, 0)), 0.0);
    let m = |miles: f64| (0, (miles * 1609.3).round() as i32);
    assert_eq!(distance_miles((0, 0), m(0.25)), 0.2);
    assert_eq!(distance_miles((0, 0), m(0.75)), 0.8);
}

#[test]
fn wales_scotland_and_northern_ireland_are_out_by_country() {
    let d = derive("TW1 1AA", "CF10 1EP", COUNCIL);
    // (318200, 175860): √(197,848² + 2,192²) = 197,860 m = 122.9 miles.
    assert_eq!(
        d,
        Derived {
            pl_la: Some("WAL"),
            pl_location: Some(InOut::Out),
            pl_distance: Some(122.9)
        }
    );
    assert!(d.outside_england());
    assert_eq!(derive("TW1 1AA", "EH1 1YZ", COUNCIL).pl_la, Some("SCO"));
    assert_eq!(
        derive("TW1 1AA", "EH1 1YZ", COUNCIL).pl_distance,
        Some(332.5)
    );
    assert_eq!(derive("", "BT1 1AA", COUNCIL).pl_la, Some("NIR"));
    // Even for a Welsh council, Wales is WAL and out, as the DfE's
    // validator has it.
    assert_eq!(
        derive("", "CF10 1EP", "W06000015").pl_location,
        Some(InOut::Out)
    );
}

#[test]
fn what_cannot_be_derived_is_left_blank_as_the_dfe_validator_leaves_it() {
    // Blank or unknown postcodes: nothing.
    assert_eq!(derive("", "", COUNCIL), Derived::NONE);
    assert_eq!(derive("TW1 1AA", "ZZ9 9ZZ", COUNCIL), Derived::NONE);
    // A known placement and no home: PL_LA and PL_LOCATION, no distance.
    let d = derive("", "TW1 2AF", COUNCIL);
    assert_eq!(
        (d.pl_la, d.pl_location, d.pl_distance),
        (Some(COUNCIL), Some(InOut::In), None)
    );
    // Guernsey: a pseudo-district, no upper tier, no grid reference; out.
    let d = derive("TW1 1AA", "GY1 1AA", COUNCIL);
    assert_eq!(
        (d.pl_la, d.pl_location, d.pl_distance),
        (None, Some(InOut::Out), None)
    );
    // GIR 0AA is in the directory with no district and no grid: no location.
    assert_eq!(derive("TW1 1AA", "GIR 0AA", COUNCIL), Derived::NONE);
    assert!(directory().locate("GIR 0AA").is_some());
}

#[test]
fn a_county_council_s_area_is_its_districts() {
    // Cambridgeshire County Council: a Cambridge placement is in its area.
    let d = derive("CB2 1TN", "CB2 1TN", "E10000003");
    assert_eq!(
        (d.pl_la, d.pl_location, d.pl_distance),
        (Some("E10000003"), Some(InOut::In), Some(0.0))
    );
    // Peterborough (a unitary in the same county's old area) is not.
    assert_eq!(
        derive("CB2 1TN", "PE1 1AA", "E10000003").pl_location,
        Some(InOut::Out)
    );
}

#[test]
fn every_area_unpacks_with_its_districts_once_and_in_order() {
    let d = directory();
    let mut total = 0;
    for (name, block) in &d.areas {
        let area = block
            .area()
            .unwrap_or_else(|| panic!("area {name} unpacks"));
        let mut seen = std::collections::HashSet::new();
        for (outward, from, to) in &area.districts {
            assert!(seen.insert(outward.as_str()), "{outward} twice in {name}");
            assert!(
                area.inward[*from..*to].windows(2).all(|w| w[0] < w[1]),
                "{outward}"
            );
        }
        assert!(
            area.code
                .iter()
                .all(|c| *c == NONE16 || usize::from(*c) < d.codes.len())
        );
        total += area.inward.len();
    }
    assert_eq!(total, d.len());
}

#[test]
fn many_postcodes_are_found_at_once_as_one_by_one_without_keeping_their_areas() {
    let d = directory();
    let postcodes = [
        "TW1 1AA", "", "CB2 1TN", "tw11aa", "ZZ9 9ZZ", "S1 1AB", "TW99 1AA", "SW1A 1AA", "É1 1AA",
        "TA1 1AA", "S1 1AA", "TW1",
    ];
    let all = d.locate_all(&postcodes);
    assert_eq!(all.len(), postcodes.len());
    for (p, got) in postcodes.iter().zip(&all) {
        assert_eq!(*got, d.locate(p), "{p:?}");
    }
    assert!(all[0].is_some() && all[1].is_none() && all[4].is_none());
    // An area no `locate` has asked for is not kept (a directory of the
    // test's own: other tests unpack every area of the shared one).
    let d = Directory::parse(DATA).unwrap();
    let (name, _, _) = key_parts("LE11AA").unwrap();
    assert_eq!(name, "LE");
    let found = d.locate_all(&["LE1 1AA", "le1 1ab"]);
    assert!(d.areas["LE"].unpacked.get().is_none());
    // The area's packed pages were let go (`let_go`): read again from the
    // program's file, they give the same places.
    assert_eq!(d.locate_all(&["LE1 1AA", "le1 1ab"]), found);
    assert_eq!(found[0].map(|l| l.district.is_some()), Some(true));
    assert_eq!(found[0], d.locate("LE1 1AA"));
    assert!(d.areas["LE"].unpacked.get().is_some());
}

#[test]
fn deriving_from_places_found_is_deriving_from_the_postcodes() {
    let d = directory();
    for (home, pl) in [
        ("TW1 1AA", "CB2 1TN"),
        ("TW1 1AA", "TW1 1AA"),
        ("", "SW1A 1AA"),
        ("TW1 1AA", ""),
        ("ZZ9 9ZZ", "TA1 1AA"),
    ] {
        assert_eq!(
            derive_at(d.locate(home), d.locate(pl), COUNCIL),
            derive(home, pl, COUNCIL),
            "{home:?} {pl:?}"
        );
    }
}

#[test]
fn every_area_name_fits_the_order_of_many_postcodes_found_at_once() {
    let d = directory();
    assert!(d.areas.keys().all(|k| k.len() <= MAX_AREA_NAME));
    // Names of no area, longer than any, whose last letters are a real
    // area's ("XYZTW" ends in TW), among real postcodes in any order: each
    // found as one by one.
    let mut seed = 5u64;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let parts = [
        "TW1 ", "TW11", "XYZTW1 ", "ABCDETW", "tw1 ", "S1 ", "SW1A ", "LE1 ", "CB2 ", "ZZ9 ", "1 ",
        "É1 ", "",
    ];
    let inward = ["1AA", "1AB", "1TN", "9ZZ", "1A", "AAA", ""];
    let postcodes: Vec<String> = (0..2000)
        .map(|_| format!("{}{}", parts[next(parts.len())], inward[next(inward.len())]))
        .collect();
    let refs: Vec<&str> = postcodes.iter().map(String::as_str).collect();
    let all = d.locate_all(&refs);
    for (p, got) in refs.iter().zip(&all) {
        assert_eq!(*got, d.locate(p), "{p:?}");
    }
    assert!(all.iter().any(Option::is_some) && all.iter().any(Option::is_none));
}
