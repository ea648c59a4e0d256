//! The national codes of the SSDA903 ("903") return, as types.
//!
//! Each code parses from its exact 903 spelling (`"C2"`, `"PN1"`, `"E11"`) and
//! refuses anything else, so a `ParticipationCode` can never hold `"PN9"`.
//! Each has the plain-English label used in reports. Sources:
//! `shared/ssda903.md` and `shared/domain.md` §3.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that is not one of a code list's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {field}; expected one of {}", .expected.join(", "))]
pub struct CodeError {
    /// The field in words, with its 903 column name, e.g. "legal status (LS)".
    pub field: &'static str,
    /// The value as it was given.
    pub value: String,
    /// Every code the field accepts.
    pub expected: &'static [&'static str],
}

/// What every national code list offers.
pub trait NationalCode: Sized + Copy + 'static {
    /// The field in words, with its 903 column name.
    const FIELD: &'static str;
    /// Every code in the list, in the 903's order.
    const ALL: &'static [Self];
    /// The 903 spelling.
    fn code(self) -> &'static str;
    /// The plain-English label used in reports.
    fn label(self) -> &'static str;
}

macro_rules! national_code {
    (
        $(#[$meta:meta])*
        $name:ident, $field:literal, $codes_const:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = $label] $variant ),+
        }

        const $codes_const: &[&str] = &[$($code),+];

        impl NationalCode for $name {
            const FIELD: &'static str = $field;
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl $name {
            /// The 903 spelling.
            pub fn code(self) -> &'static str { NationalCode::code(self) }
            /// The plain-English label used in reports.
            pub fn label(self) -> &'static str { NationalCode::label(self) }
            /// Every code in the list.
            pub fn all() -> &'static [Self] { <Self as NationalCode>::ALL }
        }

        impl FromStr for $name {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, CodeError> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err(CodeError { field: $field, value: s.to_owned(), expected: $codes_const }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

national_code! {
    /// Legal status (903 `LS`).
    LegalStatus, "legal status (LS)", LEGAL_STATUS_CODES {
        C1 = "C1" => "Interim care order",
        C2 = "C2" => "Full care order",
        D1 = "D1" => "Freeing order granted",
        E1 = "E1" => "Placement order granted",
        V2 = "V2" => "Single period of accommodation under section 20",
        V3 = "V3" => "Agreed series of short-term breaks (individual episodes recorded)",
        V4 = "V4" => "Agreed series of short-term breaks (agreements recorded)",
        L1 = "L1" => "Under police protection and in local authority accommodation",
        L2 = "L2" => "Emergency protection order",
        L3 = "L3" => "Child assessment order and in local authority accommodation",
        J1 = "J1" => "Remanded to local authority or youth detention accommodation",
        J2 = "J2" => "Placed in local authority accommodation under PACE",
        J3 = "J3" => "Youth rehabilitation order with residence or intensive fostering requirement",
    }
}

impl LegalStatus {
    /// V3 and V4: an agreed series of short breaks. Such episodes never count
    /// as looked after in any measure, and their reviews are excluded.
    pub fn is_short_break(self) -> bool {
        matches!(self, LegalStatus::V3 | LegalStatus::V4)
    }
}

national_code! {
    /// Reason for new episode (903 `RNE`).
    ReasonNewEpisode, "reason for new episode (RNE)", RNE_CODES {
        S = "S" => "Started to be looked after",
        L = "L" => "Change of legal status only",
        P = "P" => "Change of placement and carer(s) only",
        T = "T" => "Change of placement, same carer(s) only",
        B = "B" => "Change of legal status and placement and carer(s)",
        U = "U" => "Change of legal status and placement, same carer(s)",
    }
}

impl ReasonNewEpisode {
    /// Whether an episode with this reason starts a new placement (a new carer).
    pub fn starts_new_placement(self) -> bool {
        matches!(
            self,
            ReasonNewEpisode::S | ReasonNewEpisode::P | ReasonNewEpisode::B
        )
    }
}

national_code! {
    /// Placement type (903 `PLACE`). Some codes are valid only in some
    /// collection years: see [`PlacementType::valid_in_collection_year`].
    PlacementType, "placement type (PLACE)", PLACE_CODES {
        A3 = "A3" => "Placed for adoption with consent with current foster carer(s)",
        A4 = "A4" => "Placed for adoption with consent not with current foster carer(s)",
        A5 = "A5" => "Placed for adoption with placement order with current foster carer(s)",
        A6 = "A6" => "Placed for adoption with placement order not with current foster carer(s)",
        H5 = "H5" => "Semi-independent living accommodation not subject to children's homes regulations",
        K1 = "K1" => "Secure children's home",
        K2 = "K2" => "Children's home subject to Children's Homes Regulations",
        K3 = "K3" => "Registered supported accommodation (16+)",
        P1 = "P1" => "Placed with own parent(s) or other person(s) with parental responsibility",
        P2 = "P2" => "Independent living, for example in a flat, lodgings, bedsit, B&B or with friends",
        P3 = "P3" => "Residential employment",
        R1 = "R1" => "Residential care home",
        R2 = "R2" => "NHS/health trust or other establishment providing medical or nursing care",
        R3 = "R3" => "Family centre or mother and baby unit",
        R5 = "R5" => "Young offender institution or secure training centre",
        S1 = "S1" => "Residential school",
        T0 = "T0" => "Temporary move of any kind",
        T1 = "T1" => "Temporary period in hospital",
        T2 = "T2" => "Temporary absence of the child on holiday",
        T3 = "T3" => "Temporary accommodation whilst normal foster carer is on holiday",
        T4 = "T4" => "Temporary accommodation of seven days or less",
        U1 = "U1" => "Foster placement with relative or friend: long-term fostering",
        U2 = "U2" => "Foster placement with relative or friend who is an approved adopter: fostering for adoption or concurrent planning",
        U3 = "U3" => "Foster placement with relative or friend: not long-term or fostering for adoption",
        U4 = "U4" => "Foster placement with other foster carer: long-term fostering",
        U5 = "U5" => "Foster placement with other foster carer who is an approved adopter: fostering for adoption or concurrent planning",
        U6 = "U6" => "Foster placement with other foster carer: not long-term or fostering for adoption",
        Z1 = "Z1" => "Other placements",
        Z11 = "Z11" => "Other placements (Z11)",
        Z12 = "Z12" => "Other placements (Z12)",
        Z13 = "Z13" => "Other placements (Z13)",
        Z14 = "Z14" => "Other placements (Z14)",
    }
}

impl PlacementType {
    /// Whether the code is in the DfE's list for the collection year that
    /// starts on 1 April of `start_year` (2024 for 2024-25). H5, P2 and Z1 are
    /// gone from 2025-26; K3 arrives in 2024-25; Z11–Z14 replace Z1 in 2025-26.
    pub fn valid_in_collection_year(self, start_year: i32) -> bool {
        use PlacementType::*;
        match self {
            H5 | P2 | Z1 => start_year <= 2024,
            K3 => start_year >= 2024,
            Z11 | Z12 | Z13 | Z14 => start_year >= 2025,
            _ => true,
        }
    }

    /// T0–T4: a temporary placement, ignored when counting placements.
    pub fn is_temporary(self) -> bool {
        use PlacementType::*;
        matches!(self, T0 | T1 | T2 | T3 | T4)
    }

    /// A3–A6: placed for adoption.
    pub fn is_placed_for_adoption(self) -> bool {
        use PlacementType::*;
        matches!(self, A3 | A4 | A5 | A6)
    }

    /// U1–U6: foster care.
    pub fn is_foster_care(self) -> bool {
        use PlacementType::*;
        matches!(self, U1 | U2 | U3 | U4 | U5 | U6)
    }

    /// The broad group the reference reports tabulate placements by.
    pub fn group(self) -> PlacementGroup {
        use PlacementType::*;
        match self {
            U1 | U2 | U3 => PlacementGroup::FosterFamilyAndFriends,
            U4 | U5 | U6 => PlacementGroup::FosterOther,
            A3 | A4 | A5 | A6 => PlacementGroup::PlacedForAdoption,
            P1 => PlacementGroup::WithParents,
            K1 | K2 | R1 | S1 => PlacementGroup::ResidentialHomesAndSchools,
            H5 | K3 | P2 => PlacementGroup::IndependentAndSemiIndependent,
            R5 => PlacementGroup::Custody,
            R2 | R3 | P3 | T0 | T1 | T2 | T3 | T4 | Z1 | Z11 | Z12 | Z13 | Z14 => {
                PlacementGroup::Other
            }
        }
    }
}

/// Broad placement groups, as the reference reports show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementGroup {
    FosterFamilyAndFriends,
    FosterOther,
    PlacedForAdoption,
    WithParents,
    ResidentialHomesAndSchools,
    IndependentAndSemiIndependent,
    Custody,
    Other,
}

impl PlacementGroup {
    pub fn label(self) -> &'static str {
        match self {
            PlacementGroup::FosterFamilyAndFriends => "Foster care with relatives or friends",
            PlacementGroup::FosterOther => "Foster care with other carers",
            PlacementGroup::PlacedForAdoption => "Placed for adoption",
            PlacementGroup::WithParents => "Placed with parents",
            PlacementGroup::ResidentialHomesAndSchools => {
                "Children's homes, residential care and schools"
            }
            PlacementGroup::IndependentAndSemiIndependent => {
                "Independent and semi-independent living, supported accommodation"
            }
            PlacementGroup::Custody => "Young offender institution or secure training centre",
            PlacementGroup::Other => "Other placements",
        }
    }
}

national_code! {
    /// Placement provider (903 `PLACE_PROVIDER`).
    PlacementProvider, "placement provider (PLACE_PROVIDER)", PROVIDER_CODES {
        PR0 = "PR0" => "Parent(s) or other person(s) with parental responsibility",
        PR1 = "PR1" => "Own provision (by the council)",
        PR2 = "PR2" => "Other local authority provision",
        PR3 = "PR3" => "Other public provision",
        PR4 = "PR4" => "Private provision",
        PR5 = "PR5" => "Voluntary/third sector provision",
    }
}

national_code! {
    /// Reason episode ceased (903 `REC`).
    ReasonEpisodeCeased, "reason episode ceased (REC)", REC_CODES {
        X1 = "X1" => "Episode ceases and new episode begins on same day (not leaving care)",
        E11 = "E11" => "Adopted: application unopposed",
        E12 = "E12" => "Adopted: consent dispensed with by the court",
        E2 = "E2" => "Died",
        E3 = "E3" => "Care taken over by another local authority in the UK",
        E4A = "E4A" => "Returned home to live with parent(s) or person(s) with parental responsibility as part of the care planning process",
        E4B = "E4B" => "Returned home to live with parent(s) or person(s) with parental responsibility not as part of the care planning process",
        E13 = "E13" => "Left care to live with parent(s), relative(s) or other person(s) with no parental responsibility",
        E41 = "E41" => "Residence order or child arrangements order granted",
        E45 = "E45" => "Special guardianship order made to former foster carer(s) who are relative(s) or friend(s)",
        E46 = "E46" => "Special guardianship order made to former foster carer(s) other than relative(s) or friend(s)",
        E47 = "E47" => "Special guardianship order made to carer(s), not former foster carer(s), who are relative(s) or friend(s)",
        E48 = "E48" => "Special guardianship order made to carer(s), not former foster carer(s), other than relative(s) or friend(s)",
        E5 = "E5" => "Moved into independent living arrangement with formalised support",
        E6 = "E6" => "Moved into independent living arrangement without formalised support",
        E7 = "E7" => "Transferred to residential care funded by adult social care",
        E8 = "E8" => "Period of being looked after ceased for any other reason",
        E9 = "E9" => "Sentenced to custody",
        E14 = "E14" => "Accommodation on remand ended",
        E15 = "E15" => "Age assessment determined child is aged 18 or over",
        E16 = "E16" => "Child moved abroad",
        E17 = "E17" => "Aged 18 or over and remained with current carers",
    }
}

impl ReasonEpisodeCeased {
    /// Whether the episode's end also ends the period of care (every code but X1).
    pub fn ends_period_of_care(self) -> bool {
        self != ReasonEpisodeCeased::X1
    }

    /// E11, E12: adopted.
    pub fn is_adoption(self) -> bool {
        matches!(self, ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12)
    }

    /// E45–E48: special guardianship order.
    pub fn is_special_guardianship(self) -> bool {
        use ReasonEpisodeCeased::*;
        matches!(self, E45 | E46 | E47 | E48)
    }
}

national_code! {
    /// Reason for placement change (903 `REASON_PLACE_CHANGE`).
    ReasonPlaceChange, "reason for placement change (REASON_PLACE_CHANGE)", RPC_CODES {
        CARPL = "CARPL" => "Change to or implementation of the care plan",
        CLOSE = "CLOSE" => "Resignation or closure of provision",
        ALLEG = "ALLEG" => "Allegation (section 47)",
        STAND = "STAND" => "Standards of care concern",
        APPRR = "APPRR" => "Approval removed",
        CREQB = "CREQB" => "Carer requests placement end due to child's behaviour",
        CREQO = "CREQO" => "Carer requests placement end for other reason",
        CHILD = "CHILD" => "Child requests placement end",
        LAREQ = "LAREQ" => "Responsible or area authority requests placement end",
        PLACE = "PLACE" => "Change in the status of the placement only",
        CUSTOD = "CUSTOD" => "Custody arrangement",
        OTHER = "OTHER" => "Other",
    }
}

national_code! {
    /// Review participation (903 `REVIEW_CODE`).
    ParticipationCode, "participation code (REVIEW_CODE)", PN_CODES {
        PN0 = "PN0" => "Child aged under 4 at the time of the review",
        PN1 = "PN1" => "Child attends and speaks for themselves",
        PN2 = "PN2" => "Child attends; an advocate speaks on their behalf",
        PN3 = "PN3" => "Child attends and conveys their view symbolically (non-verbally)",
        PN4 = "PN4" => "Child physically attends but makes no contribution",
        PN5 = "PN5" => "Child does not attend but briefs an advocate to speak for them",
        PN6 = "PN6" => "Child does not attend but conveys their feelings by another medium",
        PN7 = "PN7" => "Child does not attend and their views are not conveyed",
    }
}

impl ParticipationCode {
    /// PN1–PN4: the child was at the review.
    pub fn attended(self) -> bool {
        use ParticipationCode::*;
        matches!(self, PN1 | PN2 | PN3 | PN4)
    }

    /// PN1–PN6: the child took part (counted in `participation.rate`).
    pub fn participated(self) -> bool {
        use ParticipationCode::*;
        matches!(self, PN1 | PN2 | PN3 | PN4 | PN5 | PN6)
    }

    /// PN0 is only for children under 4 on the review date (DfE rules 440/441).
    pub fn is_under_four(self) -> bool {
        self == ParticipationCode::PN0
    }
}

national_code! {
    /// Category of need at the start of the period of care (903 `CIN`).
    CategoryOfNeed, "category of need (CIN)", CIN_CODES {
        N1 = "N1" => "Abuse or neglect",
        N2 = "N2" => "Child's disability",
        N3 = "N3" => "Parental illness or disability",
        N4 = "N4" => "Family in acute stress",
        N5 = "N5" => "Family dysfunction",
        N6 = "N6" => "Socially unacceptable behaviour",
        N7 = "N7" => "Low income",
        N8 = "N8" => "Absent parenting",
    }
}

national_code! {
    /// Ethnicity (903 `ETHNIC`).
    Ethnicity, "ethnicity (ETHNIC)", ETHNIC_CODES {
        WBRI = "WBRI" => "White British",
        WIRI = "WIRI" => "White Irish",
        WOTH = "WOTH" => "Any other White background",
        WIRT = "WIRT" => "Traveller of Irish heritage",
        WROM = "WROM" => "Gypsy/Roma",
        MWBC = "MWBC" => "White and Black Caribbean",
        MWBA = "MWBA" => "White and Black African",
        MWAS = "MWAS" => "White and Asian",
        MOTH = "MOTH" => "Any other mixed background",
        AIND = "AIND" => "Indian",
        APKN = "APKN" => "Pakistani",
        ABAN = "ABAN" => "Bangladeshi",
        AOTH = "AOTH" => "Any other Asian background",
        BCRB = "BCRB" => "Caribbean",
        BAFR = "BAFR" => "African",
        BOTH = "BOTH" => "Any other Black background",
        CHNE = "CHNE" => "Chinese",
        OOTH = "OOTH" => "Any other ethnic group",
        REFU = "REFU" => "Refused",
        NOBT = "NOBT" => "Information not yet obtained",
    }
}

impl Ethnicity {
    /// Where the child counts in `profile.end.bme`: `White British` (WBRI)
    /// or black and minority ethnic (every other code, the other White
    /// groups, Gypsy/Roma and Traveller of Irish heritage among them, as the
    /// reference reports count BME), and `None`, not recorded, for REFU
    /// (refused) and NOBT (not yet obtained).
    pub fn bme(self) -> Option<bool> {
        // Not known exactly where the census group is not known.
        match self.group() {
            EthnicGroup::NotKnown => None,
            _ => Some(self != Ethnicity::WBRI),
        }
    }

    /// The broad ethnic group the reports tabulate by: the census's five
    /// (`measures.md`: Asian is A* and CHNE, as the 2021 census groups it),
    /// and not known for REFU and NOBT.
    pub fn group(self) -> EthnicGroup {
        use Ethnicity::*;
        match self {
            WBRI | WIRI | WOTH | WIRT | WROM => EthnicGroup::White,
            MWBC | MWBA | MWAS | MOTH => EthnicGroup::Mixed,
            AIND | APKN | ABAN | AOTH | CHNE => EthnicGroup::Asian,
            BCRB | BAFR | BOTH => EthnicGroup::Black,
            OOTH => EthnicGroup::Other,
            REFU | NOBT => EthnicGroup::NotKnown,
        }
    }
}

/// Broad ethnic groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EthnicGroup {
    White,
    Mixed,
    Asian,
    Black,
    Other,
    NotKnown,
}

impl EthnicGroup {
    /// Every group, in the census's order, not known last.
    pub const ALL: [EthnicGroup; 6] = [
        EthnicGroup::White,
        EthnicGroup::Mixed,
        EthnicGroup::Asian,
        EthnicGroup::Black,
        EthnicGroup::Other,
        EthnicGroup::NotKnown,
    ];

    /// The group's key in `profile.end.by_ethnic_group` and the settings'
    /// `ethnic_population_shares`.
    pub fn key(self) -> &'static str {
        match self {
            EthnicGroup::White => "white",
            EthnicGroup::Mixed => "mixed",
            EthnicGroup::Asian => "asian",
            EthnicGroup::Black => "black",
            EthnicGroup::Other => "other",
            EthnicGroup::NotKnown => "not_known",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EthnicGroup::White => "White",
            EthnicGroup::Mixed => "Mixed or multiple ethnic groups",
            EthnicGroup::Asian => "Asian or Asian British",
            EthnicGroup::Black => "Black, African, Caribbean or Black British",
            EthnicGroup::Other => "Other ethnic group",
            EthnicGroup::NotKnown => "Refused or not yet obtained",
        }
    }
}

national_code! {
    /// Missing or away from placement (903 Missing table `MISSING`).
    MissingKind, "missing type (MISSING)", MISSING_CODES {
        Missing = "M" => "Missing (whereabouts not known)",
        Away = "A" => "Away from placement without authorisation (whereabouts known)",
    }
}

national_code! {
    /// Reason for no Strengths and Difficulties Questionnaire score (903 OC2
    /// `SDQ_REASON`), for a child looked after continuously for 12 months at
    /// 31 March who has no SDQ score. Labels: `domain.md` §3.8.
    SdqReason, "reason for no SDQ score (SDQ_REASON)", SDQ_REASON_CODES {
        UnderFourOrOverSixteen = "SDQ1" => "Child aged under 4 or over 16",
        CarerRefused = "SDQ2" => "Carer refused",
        Disability = "SDQ3" => "Not possible because of the child's disability",
        Other = "SDQ4" => "Other",
        YoungPersonRefused = "SDQ5" => "Young person refused",
    }
}

national_code! {
    /// Whether the local authority is in touch with a care leaver (903 OC3
    /// `IN_TOUCH`).
    InTouch, "in touch (IN_TOUCH)", IN_TOUCH_CODES {
        Yes = "YES" => "In touch",
        No = "NO" => "Not in touch",
        Died = "DIED" => "Died",
        Refused = "REFU" => "Refuses contact",
        NoLongerRequires = "NREQ" => "No longer requires services",
        ReturnedHome = "RHOM" => "Returned home to parents or relatives for 6 months or more",
    }
}

national_code! {
    /// A care leaver's main activity (903 OC3 `ACTIV`); F3 and P3 are
    /// superseded codes still read from old returns.
    CareLeaverActivity, "main activity (ACTIV)", ACTIV_CODES {
        F1 = "F1" => "Higher education, full time",
        P1 = "P1" => "Higher education, part time",
        F2 = "F2" => "Other education, full time",
        P2 = "P2" => "Other education, part time",
        F3 = "F3" => "F3 (a superseded code)",
        P3 = "P3" => "P3 (a superseded code)",
        F4 = "F4" => "Apprenticeship, full time",
        P4 = "P4" => "Apprenticeship, part time",
        F5 = "F5" => "Other training or employment, full time",
        P5 = "P5" => "Other training or employment, part time",
        G4 = "G4" => "Not in education, employment or training: illness or disability",
        G5 = "G5" => "Not in education, employment or training: other reasons",
        G6 = "G6" => "Not in education, employment or training: pregnancy or parenting",
        NotKnown = "0" => "Not known (no information)",
    }
}

national_code! {
    /// A care leaver's accommodation and whether it is suitable (903 OC3
    /// `ACCOM`): a letter for the kind, 1 suitable or 2 unsuitable; 0 when
    /// there is no information.
    CareLeaverAccommodation, "accommodation (ACCOM)", ACCOM_CODES {
        B1 = "B1" => "With parents or relatives, suitable",
        B2 = "B2" => "With parents or relatives, not suitable",
        C1 = "C1" => "Community home or other residential care, suitable",
        C2 = "C2" => "Community home or other residential care, not suitable",
        D1 = "D1" => "Semi-independent, transitional accommodation, suitable",
        D2 = "D2" => "Semi-independent, transitional accommodation, not suitable",
        E1 = "E1" => "Supported lodgings, suitable",
        E2 = "E2" => "Supported lodgings, not suitable",
        G1 = "G1" => "Gone abroad, suitable",
        G2 = "G2" => "Gone abroad, not suitable",
        H1 = "H1" => "Deported, suitable",
        H2 = "H2" => "Deported, not suitable",
        K1 = "K1" => "Ordinary lodgings, suitable",
        K2 = "K2" => "Ordinary lodgings, not suitable",
        R1 = "R1" => "Residence not known, suitable",
        R2 = "R2" => "Residence not known, not suitable",
        S1 = "S1" => "No fixed abode or homeless, suitable",
        S2 = "S2" => "No fixed abode or homeless, not suitable",
        T1 = "T1" => "Foyers, suitable",
        T2 = "T2" => "Foyers, not suitable",
        U1 = "U1" => "Independent living, suitable",
        U2 = "U2" => "Independent living, not suitable",
        V1 = "V1" => "Emergency accommodation, suitable",
        V2 = "V2" => "Emergency accommodation, not suitable",
        W1 = "W1" => "Bed and breakfast, suitable",
        W2 = "W2" => "Bed and breakfast, not suitable",
        X1 = "X1" => "In custody, suitable",
        X2 = "X2" => "In custody, not suitable",
        Y1 = "Y1" => "Other accommodation, suitable",
        Y2 = "Y2" => "Other accommodation, not suitable",
        Z1 = "Z1" => "With former foster carers, suitable",
        Z2 = "Z2" => "With former foster carers, not suitable",
        NotKnown = "0" => "Not known (no information)",
    }
}

impl CareLeaverActivity {
    /// Whether the code is in the DfE's list for the collection year that
    /// starts on 1 April of `start_year`: F3 and P3 are not in any list of
    /// the years Footprint has rules for (2023-24 on), only read from older
    /// returns.
    pub fn valid_in_collection_year(self, start_year: i32) -> bool {
        !matches!(self, Self::F3 | Self::P3) || start_year < 2023
    }
}

impl CareLeaverAccommodation {
    /// Whether the code is in the DfE's list for the collection year that
    /// starts on 1 April of `start_year`: homelessness (S) is always
    /// unsuitable, so S1 is in no list of the years Footprint has rules for
    /// (2023-24 on), only read from older returns.
    pub fn valid_in_collection_year(self, start_year: i32) -> bool {
        !matches!(self, Self::S1) || start_year < 2023
    }
}

national_code! {
    /// The sex of the adopters (903 AD1 `SEX_ADOPTR`).
    AdoptersSex, "sex of adopters (SEX_ADOPTR)", SEX_ADOPTR_CODES {
        SingleMale = "M1" => "Single male adopter",
        SingleFemale = "F1" => "Single female adopter",
        TwoMales = "MM" => "Two male adopters",
        TwoFemales = "FF" => "Two female adopters",
        MaleAndFemale = "MF" => "A male and a female adopter",
    }
}

national_code! {
    /// The adopters' legal status (903 AD1 `LS_ADOPTR`).
    AdoptersLegalStatus, "legal status of adopters (LS_ADOPTR)", LS_ADOPTR_CODES {
        Single = "L0" => "Single adopter",
        MarriedDifferentGender = "L11" => "Married couple of different genders",
        MarriedSameGender = "L12" => "Married couple of the same gender",
        CivilPartners = "L2" => "Civil partners",
        UnmarriedDifferentGender = "L3" => "Unmarried couple of different genders",
        UnmarriedSameGender = "L4" => "Couple of the same gender, not married or in a civil partnership",
    }
}

national_code! {
    /// Why the decision that a child should be placed for adoption ceased
    /// (903 PlacedAdoption `REASON_PLACED_CEASED`).
    AdoptionDecisionCeased, "reason placed for adoption ceased (REASON_PLACED_CEASED)", REASON_PLACED_CEASED_CODES {
        NeedsChanged = "RD1" => "The child's needs changed",
        NoPlacementOrder = "RD2" => "The court did not make a placement order",
        NoAdopters = "RD3" => "Prospective adopters could not be found",
        Other = "RD4" => "Any other reason",
    }
}

national_code! {
    /// A permanence order before this period of care (903 PrevPerm
    /// `PREV_PERM`).
    PreviousPermanenceKind, "previous permanence (PREV_PERM)", PREV_PERM_CODES {
        Adoption = "P1" => "Adoption",
        SpecialGuardianship = "P2" => "Special guardianship order",
        ChildArrangements = "P3" => "Residence order or child arrangements order",
        Unknown = "P4" => "Unknown",
        None = "Z1" => "None",
    }
}

national_code! {
    /// Why a child's social worker changed (903 SWEpisodes `SW_REASON`).
    /// The sources Footprint holds publish the codes without their meanings,
    /// so each code is its own label.
    SocialWorkerChangeReason, "reason for social worker change (SW_REASON)", SW_REASON_CODES {
        Manage = "MANAGE" => "MANAGE",
        Fconta = "FCONTA" => "FCONTA",
        Leftrl = "LEFTRL" => "LEFTRL",
        Orgrst = "ORGRST" => "ORGRST",
        Tsproc = "TSPROC" => "TSPROC",
        Absenc = "ABSENC" => "ABSENC",
        Chchan = "CHCHAN" => "CHCHAN",
        Pcchan = "PCCHAN" => "PCCHAN",
        Swdied = "SWDIED" => "SWDIED",
        Others = "OTHERS" => "OTHERS",
    }
}

/// Sex (903 `SEX`). Up to 2023-24 the return codes it `1` (male) and `2`
/// (female); from 2024-25 it records reported sex as `M`, `F` or `U`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sex {
    Male,
    Female,
    /// `U`: not known or not recorded (2024-25 onward only).
    Unknown,
}

const SEX_CODES: &[&str] = &["1", "2", "M", "F", "U"];

impl Sex {
    pub fn all() -> &'static [Sex] {
        &[Sex::Male, Sex::Female, Sex::Unknown]
    }

    /// The spelling for the collection year starting in `start_year`.
    /// `Unknown` has no spelling before 2024-25: it is written as `U` and the
    /// 903 checks flag it.
    pub fn code_for_collection_year(self, start_year: i32) -> &'static str {
        match (self, start_year >= 2024) {
            (Sex::Male, false) => "1",
            (Sex::Female, false) => "2",
            (Sex::Male, true) => "M",
            (Sex::Female, true) => "F",
            (Sex::Unknown, _) => "U",
        }
    }

    /// The code used in `report.json` breakdowns: `M`, `F` or `U`.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::Unknown => "U",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "Male",
            Sex::Female => "Female",
            Sex::Unknown => "Not known",
        }
    }
}

impl FromStr for Sex {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        match s {
            "1" | "M" => Ok(Sex::Male),
            "2" | "F" => Ok(Sex::Female),
            "U" => Ok(Sex::Unknown),
            _ => Err(CodeError {
                field: "sex (SEX)",
                value: s.to_owned(),
                expected: SEX_CODES,
            }),
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Sex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Sex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<C: NationalCode + FromStr<Err = CodeError> + PartialEq + fmt::Debug>() {
        for &c in C::ALL {
            assert_eq!(c.code().parse::<C>().unwrap(), c);
            assert!(!c.label().is_empty());
        }
    }

    #[test]
    fn every_code_parses_from_its_own_spelling() {
        round_trips::<LegalStatus>();
        round_trips::<ReasonNewEpisode>();
        round_trips::<PlacementType>();
        round_trips::<PlacementProvider>();
        round_trips::<ReasonEpisodeCeased>();
        round_trips::<ReasonPlaceChange>();
        round_trips::<ParticipationCode>();
        round_trips::<CategoryOfNeed>();
        round_trips::<Ethnicity>();
        round_trips::<MissingKind>();
        round_trips::<SdqReason>();
        assert_eq!(LegalStatus::ALL.len(), 13);
        assert_eq!(ReasonEpisodeCeased::ALL.len(), 22);
        assert_eq!(Ethnicity::ALL.len(), 20);
        assert_eq!(ParticipationCode::ALL.len(), 8);
    }

    #[test]
    fn anything_else_is_refused_with_the_field_named() {
        let err = "PN9".parse::<ParticipationCode>().unwrap_err();
        assert_eq!(err.field, "participation code (REVIEW_CODE)");
        assert_eq!(
            err.to_string(),
            "\"PN9\" is not a valid participation code (REVIEW_CODE); expected one of PN0, PN1, PN2, PN3, PN4, PN5, PN6, PN7"
        );
        assert!(
            "c2".parse::<LegalStatus>().is_err(),
            "codes are case-sensitive"
        );
        assert!(" C2".parse::<LegalStatus>().is_err());
        assert!("".parse::<ReasonNewEpisode>().is_err());
        assert!("E4".parse::<ReasonEpisodeCeased>().is_err());
        assert!("3".parse::<Sex>().is_err());
        assert!("SDQ6".parse::<SdqReason>().is_err());
        assert!("sdq1".parse::<SdqReason>().is_err());
        assert_eq!(
            "SDQ5".parse::<SdqReason>(),
            Ok(SdqReason::YoungPersonRefused)
        );
    }

    #[test]
    fn placement_codes_follow_the_collection_years() {
        assert!(PlacementType::H5.valid_in_collection_year(2024));
        assert!(!PlacementType::H5.valid_in_collection_year(2025));
        assert!(!PlacementType::K3.valid_in_collection_year(2023));
        assert!(PlacementType::K3.valid_in_collection_year(2024));
        assert!(!PlacementType::Z12.valid_in_collection_year(2024));
        assert!(PlacementType::Z12.valid_in_collection_year(2025));
        assert!(!PlacementType::Z1.valid_in_collection_year(2025));
        assert!(PlacementType::U4.valid_in_collection_year(2015));
    }

    #[test]
    fn sex_is_spelled_for_its_year() {
        assert_eq!("1".parse::<Sex>().unwrap(), Sex::Male);
        assert_eq!("F".parse::<Sex>().unwrap(), Sex::Female);
        assert_eq!(Sex::Female.code_for_collection_year(2023), "2");
        assert_eq!(Sex::Female.code_for_collection_year(2024), "F");
    }

    #[test]
    fn participation_groups() {
        assert!(ParticipationCode::PN4.attended());
        assert!(!ParticipationCode::PN5.attended());
        assert!(ParticipationCode::PN6.participated());
        assert!(!ParticipationCode::PN7.participated());
        assert!(!ParticipationCode::PN0.participated());
    }

    #[test]
    fn codes_serialise_as_their_spelling() {
        let json = serde_json::to_string(&ReasonEpisodeCeased::E4A).unwrap();
        assert_eq!(json, "\"E4A\"");
        let back: ReasonEpisodeCeased = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ReasonEpisodeCeased::E4A);
        assert!(serde_json::from_str::<LegalStatus>("\"X\"").is_err());
    }
}
