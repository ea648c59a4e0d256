//! Made-up identifiers: postcodes, Ofsted URNs, UPNs and IRO names.
//!
//! Postcodes use area letters no real UK postcode has (FP for the council's
//! own area, FQ–FX for elsewhere), in the standard shape, so they can never
//! point at a real address.

use footprint_domain::codes::{PlacementProvider, PlacementType};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::util::pick;

/// Letters allowed in the inward part of a postcode (no C, I, K, M, O, V).
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
/// Fictitious areas outside the council.
const OTHER_AREAS: &[&str] = &["FQ", "FR", "FT", "FU", "FV", "FX"];

/// Draws synthetic postcodes.
pub(crate) struct Postcodes;

impl Postcodes {
    /// A postcode inside the council's area (`local`) or elsewhere.
    pub(crate) fn draw(&self, rng: &mut ChaCha8Rng, local: bool) -> String {
        let area = if local {
            "FP"
        } else {
            OTHER_AREAS[rng.random_range(0..OTHER_AREAS.len())]
        };
        let district = rng.random_range(1..=20);
        let sector = rng.random_range(0..=9);
        let a = INWARD_LETTERS[rng.random_range(0..INWARD_LETTERS.len())] as char;
        let b = INWARD_LETTERS[rng.random_range(0..INWARD_LETTERS.len())] as char;
        format!("{area}{district} {sector}{a}{b}")
    }
}

/// An Ofsted URN for a provider: `SC` and six digits for a registered
/// social care setting (children's homes, fostering and adoption agencies,
/// supported accommodation). A council's own fostering and adoption services
/// have one URN each, the first of the range.
pub(crate) fn urn(
    rng: &mut ChaCha8Rng,
    place: PlacementType,
    provider: PlacementProvider,
) -> String {
    use PlacementType::*;
    match (place, provider) {
        (U1 | U2 | U3 | U4 | U5 | U6, PlacementProvider::PR1) => "SC400001".to_owned(),
        (A3 | A4 | A5 | A6, PlacementProvider::PR1) => "SC400002".to_owned(),
        _ => format!("SC{}", rng.random_range(400_100..=499_999)),
    }
}

/// Letters used as a UPN check character (no I, O or S).
const UPN_CHECK: &[u8] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A unique pupil number with a correct check letter: the check letter, a
/// made-up council number (999 is not a real one), a school number, the year
/// and a serial.
pub(crate) fn upn(rng: &mut ChaCha8Rng) -> String {
    let digits = format!(
        "999{:04}{:02}{:03}",
        rng.random_range(1000..=9999),
        rng.random_range(0..=99),
        rng.random_range(0..=999)
    );
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (i as u32 + 2))
        .sum();
    let check = UPN_CHECK[(sum % 23) as usize] as char;
    format!("{check}{digits}")
}

/// A UPN or a placeholder for a child of `age` on entry.
pub(crate) fn upn_for(rng: &mut ChaCha8Rng, age: u32, uasc: bool) -> String {
    if uasc {
        return "UN2".to_owned();
    }
    if age < 5 {
        return "UN1".to_owned();
    }
    match pick(rng, &[(0, 92), (4, 5), (5, 3)]) {
        4 => "UN4".to_owned(),
        5 => "UN5".to_owned(),
        _ => upn(rng),
    }
}

const FIRST_NAMES: &[&str] = &[
    "Aisha",
    "Bethan",
    "Carl",
    "Deborah",
    "Eamon",
    "Fiona",
    "Gareth",
    "Hannah",
    "Imran",
    "Joanne",
    "Kwame",
    "Lorraine",
    "Marcus",
    "Nadia",
    "Owen",
    "Priya",
    "Rachel",
    "Simon",
    "Tanya",
    "Usman",
    "Vanessa",
    "Wendy",
    "Yusuf",
    "Zoe",
    "Andrew",
    "Bernadette",
    "Colin",
    "Dawn",
    "Emeka",
    "Gillian",
];

const SURNAMES: &[&str] = &[
    "Ashworth",
    "Brennan",
    "Chaudhry",
    "Dlamini",
    "Edwards",
    "Fairclough",
    "Greenwood",
    "Hussain",
    "Iqbal",
    "Jennings",
    "Kowalski",
    "Lindqvist",
    "McAllister",
    "Nwosu",
    "Okafor",
    "Pemberton",
    "Quinlan",
    "Rahman",
    "Sutcliffe",
    "Thornton",
    "Underwood",
    "Varga",
    "Whitfield",
    "Yardley",
    "Abbott",
    "Barraclough",
    "Costello",
    "Dunmore",
    "Ellison",
    "Fenwick",
];

/// A plausible made-up staff name for IRO number `n` (0-based): unique for
/// every `n`, with a middle initial once the plain combinations run out.
pub(crate) fn iro_name(n: usize) -> String {
    let f = FIRST_NAMES.len();
    let s = SURNAMES.len();
    let first = FIRST_NAMES[n % f];
    let surname = SURNAMES[(n / f + n * 7) % s];
    let round = n / (f * s);
    if round == 0 {
        format!("{first} {surname}")
    } else {
        let initial = (b'A' + (round % 26) as u8) as char;
        format!("{first} {initial}. {surname}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::collections::BTreeSet;

    #[test]
    fn upn_has_a_valid_check_letter_and_shape() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..200 {
            let u = upn(&mut rng);
            assert_eq!(u.len(), 13);
            let (check, rest) = u.split_at(1);
            assert!(rest.bytes().all(|b| b.is_ascii_digit()));
            let sum: u32 = rest
                .bytes()
                .enumerate()
                .map(|(i, b)| u32::from(b - b'0') * (i as u32 + 2))
                .sum();
            assert_eq!(check.as_bytes()[0], UPN_CHECK[(sum % 23) as usize]);
            assert!(!"IOS".contains(check));
        }
    }

    #[test]
    fn postcodes_have_the_uk_shape_and_made_up_areas() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for i in 0..200 {
            let p = Postcodes.draw(&mut rng, i % 2 == 0);
            let (outward, inward) = p.split_once(' ').expect("a space");
            assert!(outward.starts_with('F'), "{p}");
            assert_eq!(inward.len(), 3, "{p}");
            assert!(inward.as_bytes()[0].is_ascii_digit(), "{p}");
            assert!(
                inward[1..].bytes().all(|b| INWARD_LETTERS.contains(&b)),
                "{p}"
            );
        }
    }

    #[test]
    fn iro_names_are_unique() {
        let names: BTreeSet<String> = (0..3000).map(iro_name).collect();
        assert_eq!(names.len(), 3000);
    }
}
