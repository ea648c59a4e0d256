//! Synthetic names for the synthetic children. Common given names and
//! surnames in England, drawn by the child's sex and broad ethnic group so a
//! caseload reads like a real one; no real child is behind any of them.
//!
//! Each name comes from its own random stream, seeded from the council's
//! seed and the child's identifier: names never shift the rest of the
//! council's draws, and the same seed gives the same names.

use footprint_domain::codes::{EthnicGroup, Ethnicity, Sex};
use footprint_domain::model::{ChildId, ChildName};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const WHITE_BOYS: &[&str] = &[
    "Oliver", "Jack", "Harry", "George", "Charlie", "Jacob", "Thomas", "Alfie", "Riley", "William",
    "James", "Joshua", "Leo", "Archie", "Ethan", "Mason", "Logan", "Tyler", "Kai", "Callum",
    "Connor", "Lewis", "Liam", "Reece", "Bradley", "Kyle", "Jayden", "Finley",
];
const WHITE_GIRLS: &[&str] = &[
    "Olivia", "Amelia", "Emily", "Isla", "Ava", "Jessica", "Lily", "Sophie", "Grace", "Mia",
    "Poppy", "Ella", "Chloe", "Evie", "Ruby", "Freya", "Holly", "Megan", "Lacey", "Paige",
    "Courtney", "Kayleigh", "Millie", "Daisy", "Phoebe", "Leah", "Tia", "Niamh",
];
const WHITE_SURNAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Harrison", "Turner", "Hughes", "Edwards", "Cooper", "Kelly", "Murphy",
    "Ward", "Price", "Bennett", "Carter", "Shaw", "Lee", "Baker", "Marsh", "Kowalski", "Nowak",
    "Walsh", "Doherty",
];
const ASIAN_BOYS: &[&str] = &[
    "Mohammed", "Muhammad", "Ayaan", "Zayn", "Ibrahim", "Yusuf", "Arjun", "Rohan", "Aarav",
    "Hamza", "Bilal", "Imran", "Ravi", "Dev", "Omar", "Rayyan", "Kabir", "Arman",
];
const ASIAN_GIRLS: &[&str] = &[
    "Aisha", "Maryam", "Zara", "Fatima", "Hana", "Amira", "Priya", "Anaya", "Sana", "Inaaya",
    "Noor", "Safa", "Riya", "Simran", "Laila", "Mariam", "Eshal", "Anika",
];
const ASIAN_SURNAMES: &[&str] = &[
    "Khan",
    "Ahmed",
    "Hussain",
    "Ali",
    "Begum",
    "Patel",
    "Akhtar",
    "Iqbal",
    "Rahman",
    "Shah",
    "Singh",
    "Kaur",
    "Mahmood",
    "Mirza",
    "Chowdhury",
    "Sharma",
    "Islam",
    "Bibi",
];
const BLACK_BOYS: &[&str] = &[
    "Tyrese",
    "Kwame",
    "Jerome",
    "Daniel",
    "David",
    "Emmanuel",
    "Samuel",
    "Joshua",
    "Malachi",
    "Isaac",
    "Elijah",
    "Kofi",
    "Tobi",
    "Chidi",
    "Dwayne",
    "Nathaniel",
    "Abdi",
    "Michael",
];
const BLACK_GIRLS: &[&str] = &[
    "Amara",
    "Grace",
    "Precious",
    "Blessing",
    "Favour",
    "Imani",
    "Zainab",
    "Esther",
    "Abigail",
    "Nia",
    "Adaeze",
    "Chantelle",
    "Tiana",
    "Hodan",
    "Naomi",
    "Ruth",
    "Shanice",
    "Deborah",
];
const BLACK_SURNAMES: &[&str] = &[
    "Okafor", "Adeyemi", "Mensah", "Campbell", "Francis", "Brown", "Williams", "Johnson", "Osei",
    "Boateng", "Mohamed", "Abdi", "Okoro", "Grant", "Reid", "Clarke", "Bailey", "Ali",
];
const OTHER_BOYS: &[&str] = &[
    "Ahmad", "Mustafa", "Hassan", "Ali", "Amir", "Dawit", "Samir", "Wei", "Jun", "Luca", "Mateo",
    "Adam", "Noah", "Reza", "Yonas",
];
const OTHER_GIRLS: &[&str] = &[
    "Yasmin", "Leila", "Rania", "Sara", "Mei", "Lin", "Sofia", "Elena", "Nadia", "Hiba", "Selam",
    "Maya", "Dana", "Yara", "Shirin",
];
const OTHER_SURNAMES: &[&str] = &[
    "Ahmadi",
    "Mohammadi",
    "Rahimi",
    "Haile",
    "Tesfaye",
    "Karimi",
    "Wang",
    "Chen",
    "Li",
    "Nguyen",
    "Popescu",
    "Hassan",
    "Yilmaz",
    "Osman",
    "Nazari",
];

/// The stream's constant ("names" in ASCII), so it differs from the
/// council's other streams drawn from the same seed.
const STREAM: u64 = 0x6e_61_6d_65_73;

fn pools(
    group: EthnicGroup,
) -> (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
) {
    match group {
        EthnicGroup::White | EthnicGroup::NotKnown => (WHITE_BOYS, WHITE_GIRLS, WHITE_SURNAMES),
        EthnicGroup::Asian => (ASIAN_BOYS, ASIAN_GIRLS, ASIAN_SURNAMES),
        EthnicGroup::Black => (BLACK_BOYS, BLACK_GIRLS, BLACK_SURNAMES),
        EthnicGroup::Other => (OTHER_BOYS, OTHER_GIRLS, OTHER_SURNAMES),
        // Children of mixed heritage: either parent's naming.
        EthnicGroup::Mixed => (WHITE_BOYS, WHITE_GIRLS, WHITE_SURNAMES),
    }
}

fn one<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// A synthetic name for the child `id` of the council generated with `seed`.
pub fn synthetic_name(seed: u64, id: &ChildId, sex: Sex, ethnicity: Ethnicity) -> ChildName {
    let key = id.as_str().bytes().fold(seed ^ STREAM, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = ChaCha8Rng::seed_from_u64(key);
    let (boys, girls, mut surnames) = pools(ethnicity.group());
    if ethnicity.group() == EthnicGroup::Mixed && rng.random_bool(0.5) {
        surnames = if rng.random_bool(0.5) {
            BLACK_SURNAMES
        } else {
            ASIAN_SURNAMES
        };
    }
    let given = match sex {
        Sex::Male => one(&mut rng, boys),
        Sex::Female => one(&mut rng, girls),
        Sex::Unknown => {
            let list = if rng.random_bool(0.5) { boys } else { girls };
            one(&mut rng, list)
        }
    };
    let family = one(&mut rng, surnames);
    ChildName::new(given, family).expect("the lists hold valid names")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ChildId {
        s.parse().unwrap()
    }

    #[test]
    fn the_same_seed_and_child_give_the_same_name_and_others_vary() {
        let a = synthetic_name(7, &id("1000001"), Sex::Female, Ethnicity::WBRI);
        assert_eq!(
            a,
            synthetic_name(7, &id("1000001"), Sex::Female, Ethnicity::WBRI)
        );
        assert!(WHITE_GIRLS.contains(&a.given()));
        assert!(WHITE_SURNAMES.contains(&a.family()));
        let names: std::collections::BTreeSet<String> = (0..200)
            .map(|n| {
                synthetic_name(
                    7,
                    &id(&format!("{}", 1_000_001 + n)),
                    Sex::Male,
                    Ethnicity::APKN,
                )
                .to_string()
            })
            .collect();
        assert!(names.len() > 100, "{}", names.len());
        assert!(
            names
                .iter()
                .all(|n| ASIAN_BOYS.iter().any(|b| n.starts_with(b)))
        );
    }

    #[test]
    fn every_listed_name_is_a_valid_name() {
        for list in [
            WHITE_BOYS,
            WHITE_GIRLS,
            WHITE_SURNAMES,
            ASIAN_BOYS,
            ASIAN_GIRLS,
            ASIAN_SURNAMES,
            BLACK_BOYS,
            BLACK_GIRLS,
            BLACK_SURNAMES,
            OTHER_BOYS,
            OTHER_GIRLS,
            OTHER_SURNAMES,
        ] {
            for n in list {
                assert!(ChildName::new(n, n).is_ok(), "{n}");
            }
        }
    }
}
