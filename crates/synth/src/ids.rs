//! Made-up identifiers: Ofsted URNs, UPNs and IRO names. (Postcodes are
//! real ones: see [`crate::postcodes`].)

use chrono::{Datelike, NaiveDate};
use footprint_domain::codes::{PlacementProvider, PlacementType};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::util::pick;

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

/// Letters used as a UPN check character (no I, O or S): the DfE's table,
/// indexed by the remainder.
const UPN_CHECK: &[u8] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// The DfE check letter of a UPN's last 12 characters (all digits here):
/// each character times its position in the UPN (2 to 13), summed, modulo
/// 23, looked up in [`UPN_CHECK`].
pub(crate) fn upn_check_letter(rest: &str) -> Option<char> {
    if rest.len() != 12 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = rest
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (i as u32 + 2))
        .sum();
    Some(UPN_CHECK[(sum % 23) as usize] as char)
}

/// A unique pupil number with a correct check letter: the check letter, a
/// made-up council number (999 is no council's), a school number, the two
/// digits of the year it was allocated and a serial. School number and
/// serial come from `n` (the child's place in the council, from 0), so no
/// two children share a UPN (DfE rule 444) while `n` < 9,000,000.
pub(crate) fn upn(n: u32, allocated: i32) -> String {
    let digits = format!(
        "999{:04}{:02}{:03}",
        1000 + (n / 1000) % 9000,
        allocated.rem_euclid(100),
        n % 1000
    );
    let check = upn_check_letter(&digits).unwrap_or('A');
    format!("{check}{digits}")
}

/// What a child's UPN field holds in every return they are in.
pub(crate) struct UpnFacts {
    /// The child's place in the council (from 0), for a unique UPN.
    pub n: u32,
    pub dob: NaiveDate,
    pub uasc: bool,
    /// 31 March of the last reported year the child is in (or "today" if
    /// in none).
    pub last_return_end: NaiveDate,
    /// Whether the child is looked after on no 31 March of the returns
    /// they are in. Only then is UN4 ("newly looked after", UPN not yet
    /// known) given: DfE rule 210 refuses it for a child looked after for
    /// more than a week on 31 March, and D2I's validator (whose code inverts
    /// the rule, `docs/validator-comparison.md`) for one who came into care
    /// in the week before; a child looked after on no 31 March satisfies
    /// both.
    pub not_looked_after_on_any_31_march: bool,
}

/// The UPN, or an unknown-UPN code, one value for all the child's returns.
///
/// * Under 5 on 31 March of the child's last return: UN1 ("not of school
///   age"), or for some 3- and 4-year-olds (at nursery) a UPN. Being under
///   5 then means the child was not of school age in any return (DfE rule
///   209 allows UN1 until 31 August after the fourth birthday, a year and
///   more later).
/// * Unaccompanied asylum-seeking children: mostly UN2 (never attended a
///   maintained school in England).
/// * Others: a UPN, or now and then UN2, UN4 (newly looked after, not yet
///   known) or UN5 (sources disagree).
pub(crate) fn upn_for(rng: &mut ChaCha8Rng, f: &UpnFacts) -> String {
    let age = footprint_domain::dates::age_on(f.dob, f.last_return_end);
    // The UPN is allocated when the child starts at a maintained school or
    // nursery, at about 4 (or on arrival for a child from abroad).
    let allocated = (f.dob.year() + 4).min(f.last_return_end.year());
    if age < 5 {
        return if age >= 3 && rng.random_bool(0.3) {
            upn(f.n, allocated)
        } else {
            "UN1".to_owned()
        };
    }
    if f.uasc {
        return if rng.random_bool(0.85) {
            "UN2".to_owned()
        } else {
            upn(f.n, f.last_return_end.year())
        };
    }
    let un4 = if f.not_looked_after_on_any_31_march {
        3
    } else {
        0
    };
    match pick(rng, &[(0, 94), (2, 2), (4, un4), (5, 1)]) {
        2 => "UN2".to_owned(),
        4 => "UN4".to_owned(),
        5 => "UN5".to_owned(),
        _ => upn(f.n, allocated),
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
    fn upn_has_a_valid_check_letter_and_shape_and_is_unique() {
        let mut seen = BTreeSet::new();
        for n in (0..3000).chain(8_999_000..9_000_000) {
            let u = upn(n, 2015);
            assert_eq!(u.len(), 13);
            let (check, rest) = u.split_at(1);
            assert!(rest.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(check.chars().next(), upn_check_letter(rest));
            assert!(!"IOS".contains(check));
            assert_eq!(&rest[7..9], "15", "{u}");
            assert!(seen.insert(u));
        }
    }

    #[test]
    fn check_letter_follows_the_dfe_algorithm() {
        // Weights 2 to 13 on the 2nd to 13th characters, modulo 23, into
        // A B C D E F G H J K L M N P Q R T U V W X Y Z (no I, O, S).
        assert_eq!(upn_check_letter("100000000000"), Some('C')); // 2
        assert_eq!(upn_check_letter("000000000001"), Some('P')); // 13
        assert_eq!(upn_check_letter("000000000002"), Some('D')); // 26 -> 3
        // 2+6+12+20+30+42+56+72+90+0+12+26 = 368 = 16 * 23.
        assert_eq!(upn_check_letter("123456789012"), Some('A'));
        assert_eq!(upn_check_letter("900000000000"), Some('V')); // 18
        assert_eq!(upn_check_letter("000000000200"), Some('Z')); // 22
        assert_eq!(upn_check_letter("000000000000"), Some('A'));
        assert_eq!(upn_check_letter("12345678901A"), None);
        assert_eq!(upn_check_letter("1234"), None);
    }

    #[test]
    fn un1_only_under_five_and_un4_only_for_children_not_looked_after_on_31_march() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let end = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
        for (n, years) in (0..=17).cycle().take(2000).enumerate() {
            let dob = NaiveDate::from_ymd_opt(2025 - years, 2, 1).unwrap();
            let facts = UpnFacts {
                n: n as u32,
                dob,
                uasc: false,
                last_return_end: end,
                not_looked_after_on_any_31_march: n % 2 == 1,
            };
            let u = upn_for(&mut rng, &facts);
            if years < 3 {
                assert_eq!(u, "UN1");
            } else if years >= 5 {
                assert_ne!(u, "UN1");
            }
            if n % 2 == 0 {
                assert_ne!(u, "UN4");
            }
        }
    }

    #[test]
    fn iro_names_are_unique() {
        let names: BTreeSet<String> = (0..3000).map(iro_name).collect();
        assert_eq!(names.len(), 3000);
    }
}
