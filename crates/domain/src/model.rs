//! Children, episodes, reviews and the IRO service's own records.
//!
//! The 903 records (child, episode, review, missing episode, UASC) carry the
//! national codes of [`crate::codes`]; the IRO records (allocations, review
//! details, midway checks, visits, challenges) are what the IRO service keeps
//! in Footprint and the 903 return does not hold.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{
    CategoryOfNeed, Ethnicity, LegalStatus, MissingKind, ParticipationCode, PlacementProvider,
    PlacementType, ReasonEpisodeCeased, ReasonNewEpisode, ReasonPlaceChange, SdqReason, Sex,
};
use crate::dates::CollectionYear;

/// The council's own identifier for a child (903 `CHILD`): 1 to 10 letters or
/// digits. It is not a name and may be logged.
///
/// Held inline, its ASCII bytes padded with zeros, rather than as a `String`:
/// an England-sized council's records name children millions of times (every
/// episode, review and count), and an identifier that needs no allocation to
/// copy and compares as ten bytes made loading and the measures several times
/// cheaper. No letter or digit is zero, so the padded arrays order exactly as
/// the identifiers' text does.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChildId([u8; ChildId::MAX_LEN]);

impl Ord for ChildId {
    /// As the text orders: the padded bytes read as one big-endian number
    /// (a comparison of arrays calls `memcmp`, which was a seventh of an
    /// England-sized report's time).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for ChildId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A child identifier that is empty, too long or holds other characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid child identifier (CHILD): 1 to 10 letters or digits expected")]
pub struct ChildIdError(pub String);

impl ChildId {
    /// The longest identifier the 903 allows.
    pub const MAX_LEN: usize = 10;

    fn sort_key(&self) -> u128 {
        let mut wide = [0; 16];
        wide[..Self::MAX_LEN].copy_from_slice(&self.0);
        u128::from_be_bytes(wide)
    }

    pub fn as_str(&self) -> &str {
        let len = self.0.iter().position(|&b| b == 0).unwrap_or(Self::MAX_LEN);
        // Only ASCII letters and digits are ever stored (`from_str`).
        std::str::from_utf8(&self.0[..len]).unwrap_or_default()
    }
}

impl FromStr for ChildId {
    type Err = ChildIdError;
    fn from_str(s: &str) -> Result<Self, ChildIdError> {
        if !s.is_empty() && s.len() <= Self::MAX_LEN && s.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            let mut bytes = [0; Self::MAX_LEN];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Ok(ChildId(bytes))
        } else {
            Err(ChildIdError(s.to_owned()))
        }
    }
}

impl TryFrom<String> for ChildId {
    type Error = ChildIdError;
    fn try_from(s: String) -> Result<Self, ChildIdError> {
        s.parse()
    }
}

impl From<ChildId> for String {
    fn from(c: ChildId) -> String {
        c.as_str().to_owned()
    }
}

impl fmt::Display for ChildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ChildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ChildId").field(&self.as_str()).finish()
    }
}

/// A child (903 Header, plus UASC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub id: ChildId,
    pub sex: Sex,
    pub date_of_birth: NaiveDate,
    pub ethnicity: Ethnicity,
    /// Unique pupil number, or a UN1–UN5 placeholder.
    pub upn: Option<String>,
    /// Whether the child is a mother (female children only).
    pub mother: Option<bool>,
    /// Date of birth of the child's own first child.
    pub mothers_child_dob: Option<NaiveDate>,
    /// Unaccompanied asylum-seeking child status, if ever held.
    pub uasc: Option<UascStatus>,
    /// The child's name, as the council records it in Footprint (the 903
    /// holds no names). Personal data: shown to the roles that work with the
    /// child, never logged, never in a report or an export.
    #[serde(default)]
    pub name: Option<ChildName>,
}

/// A child's name: the name they are known by and their family name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ChildNameParts", into = "ChildNameParts")]
pub struct ChildName {
    given: String,
    family: String,
}

#[derive(Serialize, Deserialize)]
struct ChildNameParts {
    given: String,
    family: String,
}

/// Why a name was refused. Its message never repeats the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChildNameError {
    #[error("the {0} is blank")]
    Blank(&'static str),
    #[error("the {0} is longer than {max} characters", max = ChildName::MAX_CHARS)]
    TooLong(&'static str),
    #[error("the {0} holds a control character (a tab, line break or similar)")]
    ControlCharacter(&'static str),
}

impl ChildNameError {
    /// Which part of the name was refused: "given name" or "family name".
    pub fn part(&self) -> &'static str {
        match self {
            ChildNameError::Blank(p)
            | ChildNameError::TooLong(p)
            | ChildNameError::ControlCharacter(p) => p,
        }
    }
}

impl ChildName {
    /// The longest given or family name accepted, in characters.
    pub const MAX_CHARS: usize = 100;

    /// A name from its two parts, each trimmed; blank parts, control
    /// characters and parts over [`ChildName::MAX_CHARS`] are refused.
    pub fn new(given: &str, family: &str) -> Result<ChildName, ChildNameError> {
        fn part(s: &str, what: &'static str) -> Result<String, ChildNameError> {
            let s = s.trim();
            if s.is_empty() {
                Err(ChildNameError::Blank(what))
            } else if s.chars().any(char::is_control) {
                Err(ChildNameError::ControlCharacter(what))
            } else if s.chars().count() > ChildName::MAX_CHARS {
                Err(ChildNameError::TooLong(what))
            } else {
                Ok(s.to_owned())
            }
        }
        Ok(ChildName {
            given: part(given, "given name")?,
            family: part(family, "family name")?,
        })
    }

    /// The name the child is known by (first name).
    pub fn given(&self) -> &str {
        &self.given
    }

    /// The family name (surname).
    pub fn family(&self) -> &str {
        &self.family
    }
}

impl fmt::Display for ChildName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.given, self.family)
    }
}

impl TryFrom<ChildNameParts> for ChildName {
    type Error = ChildNameError;
    fn try_from(p: ChildNameParts) -> Result<Self, ChildNameError> {
        ChildName::new(&p.given, &p.family)
    }
}

impl From<ChildName> for ChildNameParts {
    fn from(n: ChildName) -> Self {
        ChildNameParts {
            given: n.given,
            family: n.family,
        }
    }
}

impl Child {
    /// Whether the child was an unaccompanied asylum-seeking child on `date`.
    pub fn is_uasc_on(&self, date: NaiveDate) -> bool {
        match &self.uasc {
            Some(u) => u.ceased.is_none_or(|ceased| ceased > date),
            None => false,
        }
    }
}

/// UASC status (903 UASC table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UascStatus {
    /// Date UASC status ceased (DUC), if it has.
    pub ceased: Option<NaiveDate>,
}

/// An episode of care (903 Episodes row): one legal status and one placement
/// over a span of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    pub child: ChildId,
    /// DECOM: the date the episode began.
    pub start: NaiveDate,
    /// DEC: the date it ceased; `None` while open.
    pub end: Option<NaiveDate>,
    pub reason_new: ReasonNewEpisode,
    pub legal_status: LegalStatus,
    pub category_of_need: Option<CategoryOfNeed>,
    pub placement: PlacementType,
    pub provider: Option<PlacementProvider>,
    /// REC: why it ceased; `None` while open.
    pub reason_ceased: Option<ReasonEpisodeCeased>,
    pub reason_place_change: Option<ReasonPlaceChange>,
    pub home_postcode: Option<String>,
    pub placement_postcode: Option<String>,
    /// Ofsted unique reference number of the placement.
    pub urn: Option<String>,
}

impl Episode {
    /// Open on `date`: DECOM <= date and (no DEC or DEC > date).
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.start <= date && self.end.is_none_or(|end| end > date)
    }

    /// Whether any day of [from, to] (inclusive) falls within the episode.
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.start <= to && self.end.is_none_or(|end| end > from)
    }

    /// V3/V4: a short-break episode, never counted as looked after.
    pub fn is_short_break(&self) -> bool {
        self.legal_status.is_short_break()
    }
}

/// A review of a child's case (903 Reviews row), with the IRO service's own
/// details where Footprint recorded them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub child: ChildId,
    pub date: NaiveDate,
    pub participation: Option<ParticipationCode>,
    /// Recorded in Footprint; absent for reviews known only from a 903 import.
    pub details: Option<ReviewDetails>,
}

impl Review {
    /// The names of the fields that differ between this version and
    /// `other` (the 903 participation code and each detail recorded in
    /// Footprint), in form order: what an audit entry and a version say
    /// changed, never the values (which may be free text about the child).
    pub fn changed_fields(&self, other: &Review) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.participation != other.participation {
            out.push("participation");
        }
        let none = ReviewDetails::default();
        let a = self.details.as_ref().unwrap_or(&none);
        let b = other.details.as_ref().unwrap_or(&none);
        if self.details.is_some() != other.details.is_some() {
            out.push("details");
        }
        let pairs: [(&'static str, bool); 10] = [
            ("chair", a.chair != b.chair),
            ("kind", a.kind != b.kind),
            ("attendance", a.attendance != b.attendance),
            (
                "social_worker_report",
                a.social_worker_report != b.social_worker_report,
            ),
            ("decisions_issued", a.decisions_issued != b.decisions_issued),
            (
                "record_circulated",
                a.record_circulated != b.record_circulated,
            ),
            ("quality", a.quality != b.quality),
            ("recommendations", a.recommendations != b.recommendations),
            ("late_reason", a.late_reason != b.late_reason),
            (
                "inadequate_reason",
                a.inadequate_reason != b.inadequate_reason,
            ),
        ];
        out.extend(pairs.into_iter().filter(|(_, d)| *d).map(|(f, _)| f));
        out
    }
}

/// What the IRO service records about a review beyond the 903.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReviewDetails {
    /// The IRO who chaired it.
    pub chair: Option<IroId>,
    /// Whether it was a statutory review or an additional one (a local-policy
    /// review such as a monthly review in an unregistered setting).
    pub kind: ReviewKind,
    pub attendance: Vec<AttendeeRole>,
    pub social_worker_report: SocialWorkerReport,
    /// When the IRO issued the review's decisions.
    pub decisions_issued: Option<NaiveDate>,
    /// When the full record was circulated.
    pub record_circulated: Option<NaiveDate>,
    pub quality: Option<QualityGrade>,
    pub recommendations: Vec<Recommendation>,
    /// Why the review was held after its statutory due date, where the
    /// service recorded it (`reviews.late_by_reason`): the key of an entry
    /// of the council's list (`MeasureSettings::late_reasons`), which a
    /// rename of the entry leaves as it is.
    #[serde(default)]
    pub late_reason: Option<String>,
    /// Why the review was graded inadequate, where it was
    /// (`quality.inadequate_by_reason`): the key of an entry of the
    /// council's list (`MeasureSettings::inadequate_reasons`).
    #[serde(default)]
    pub inadequate_reason: Option<String>,
}

/// Statutory review or additional (local-policy) review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    #[default]
    Statutory,
    Additional,
}

/// When the social worker's report reached the IRO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "date")]
pub enum SocialWorkerReport {
    /// Not recorded.
    #[default]
    NotRecorded,
    Received(NaiveDate),
    NotReceived,
}

/// Who attended a review, by role (`reviews.attendance_by_role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendeeRole {
    Mother,
    Father,
    Carer,
    SocialWorker,
    Health,
    Education,
    VirtualSchool,
    ChildrensGuardian,
    Advocate,
    Other,
}

impl AttendeeRole {
    pub const ALL: [AttendeeRole; 10] = [
        AttendeeRole::Mother,
        AttendeeRole::Father,
        AttendeeRole::Carer,
        AttendeeRole::SocialWorker,
        AttendeeRole::Health,
        AttendeeRole::Education,
        AttendeeRole::VirtualSchool,
        AttendeeRole::ChildrensGuardian,
        AttendeeRole::Advocate,
        AttendeeRole::Other,
    ];

    /// The key used in `report.json` and the database.
    pub fn key(self) -> &'static str {
        match self {
            AttendeeRole::Mother => "mother",
            AttendeeRole::Father => "father",
            AttendeeRole::Carer => "carer",
            AttendeeRole::SocialWorker => "social_worker",
            AttendeeRole::Health => "health",
            AttendeeRole::Education => "education",
            AttendeeRole::VirtualSchool => "virtual_school",
            AttendeeRole::ChildrensGuardian => "childrens_guardian",
            AttendeeRole::Advocate => "advocate",
            AttendeeRole::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AttendeeRole::Mother => "Parent – mother",
            AttendeeRole::Father => "Parent – father",
            AttendeeRole::Carer => "Carer",
            AttendeeRole::SocialWorker => "Social worker",
            AttendeeRole::Health => "Health",
            AttendeeRole::Education => "Education",
            AttendeeRole::VirtualSchool => "Virtual school",
            AttendeeRole::ChildrensGuardian => "Children's guardian",
            AttendeeRole::Advocate => "Advocate",
            AttendeeRole::Other => "Other",
        }
    }

    pub fn from_key(key: &str) -> Option<AttendeeRole> {
        AttendeeRole::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// The IRO's quality and compliance grade for a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityGrade {
    Outstanding,
    Good,
    RequiresImprovement,
    Inadequate,
}

impl QualityGrade {
    pub const ALL: [QualityGrade; 4] = [
        QualityGrade::Outstanding,
        QualityGrade::Good,
        QualityGrade::RequiresImprovement,
        QualityGrade::Inadequate,
    ];

    pub fn key(self) -> &'static str {
        match self {
            QualityGrade::Outstanding => "outstanding",
            QualityGrade::Good => "good",
            QualityGrade::RequiresImprovement => "requires_improvement",
            QualityGrade::Inadequate => "inadequate",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QualityGrade::Outstanding => "Outstanding",
            QualityGrade::Good => "Good",
            QualityGrade::RequiresImprovement => "Requires improvement",
            QualityGrade::Inadequate => "Inadequate",
        }
    }

    pub fn from_key(key: &str) -> Option<QualityGrade> {
        QualityGrade::ALL.into_iter().find(|g| g.key() == key)
    }
}

/// Why a review was held after its statutory due date: the reasons IRO
/// annual reports give for reviews going out of time (illness of the social
/// worker or IRO, illness of the carer, no social work report, the social
/// worker in court, IRO capacity, ...). The default of the council's list
/// (`lists::FormList::LateReasons`): a review holds the entry's key, and a
/// council may rename, retire and add to these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateReason {
    SocialWorkerUnavailable,
    NoSocialWorkerReport,
    CourtHearing,
    IroUnavailable,
    IroCapacity,
    CarerOrFamilyUnavailable,
    ChildUnwell,
    RescheduledAtRequest,
    AdministrativeError,
    Other,
}

impl LateReason {
    pub const ALL: [LateReason; 10] = [
        LateReason::SocialWorkerUnavailable,
        LateReason::NoSocialWorkerReport,
        LateReason::CourtHearing,
        LateReason::IroUnavailable,
        LateReason::IroCapacity,
        LateReason::CarerOrFamilyUnavailable,
        LateReason::ChildUnwell,
        LateReason::RescheduledAtRequest,
        LateReason::AdministrativeError,
        LateReason::Other,
    ];

    /// The key used in `report.json`, the database and forms; stable.
    pub fn key(self) -> &'static str {
        match self {
            LateReason::SocialWorkerUnavailable => "social_worker_unavailable",
            LateReason::NoSocialWorkerReport => "no_social_worker_report",
            LateReason::CourtHearing => "court_hearing",
            LateReason::IroUnavailable => "iro_unavailable",
            LateReason::IroCapacity => "iro_capacity",
            LateReason::CarerOrFamilyUnavailable => "carer_or_family_unavailable",
            LateReason::ChildUnwell => "child_unwell",
            LateReason::RescheduledAtRequest => "rescheduled_at_request",
            LateReason::AdministrativeError => "administrative_error",
            LateReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LateReason::SocialWorkerUnavailable => "Social worker unavailable (illness or leave)",
            LateReason::NoSocialWorkerReport => "No social worker report",
            LateReason::CourtHearing => "Clashed with a court hearing",
            LateReason::IroUnavailable => "IRO unavailable (illness or leave)",
            LateReason::IroCapacity => "No IRO available to chair (capacity)",
            LateReason::CarerOrFamilyUnavailable => "Carer or family unavailable",
            LateReason::ChildUnwell => "Child unwell",
            LateReason::RescheduledAtRequest => "Rearranged at the child's or family's request",
            LateReason::AdministrativeError => "Not booked in time (administrative error)",
            LateReason::Other => "Other",
        }
    }

    pub fn from_key(key: &str) -> Option<LateReason> {
        LateReason::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The key a review holds for this reason.
    pub fn held(self) -> Option<String> {
        Some(self.key().to_owned())
    }
}

/// A recommendation made at a review, with who owns it and by when.
/// `text` is free text about a child: never logged, never shown to analysts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub text: String,
    pub owner: String,
    pub due: NaiveDate,
    pub completed: Option<NaiveDate>,
}

/// A period missing or away from placement (903 Missing table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingEpisode {
    pub child: ChildId,
    pub kind: MissingKind,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// One child's health outcomes for a collection year (903 OC2): returned for
/// children looked after continuously for 12 months or more at 31 March.
/// Each flag is `None` where the return left it blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthOutcomes {
    pub child: ChildId,
    /// The collection year the outcomes are for (as at its 31 March).
    pub year: CollectionYear,
    /// Strengths and Difficulties Questionnaire total score, 0–40.
    pub sdq_score: Option<u8>,
    /// Why there is no SDQ score.
    pub sdq_reason: Option<SdqReason>,
    /// Convicted of an offence during the year.
    pub convicted: Option<bool>,
    /// Health surveillance (development) checks up to date: asked of
    /// children under 5 at 31 March (DfE rule 545).
    pub health_check: Option<bool>,
    /// Immunisations up to date.
    pub immunisations: Option<bool>,
    /// Teeth checked by a dentist during the year.
    pub teeth_check: Option<bool>,
    /// Annual health assessment up to date.
    pub health_assessment: Option<bool>,
    /// Identified as having a substance misuse problem during the year.
    pub substance_misuse: Option<bool>,
    /// Received an intervention for the substance misuse problem.
    pub intervention_received: Option<bool>,
    /// Offered an intervention for the substance misuse problem.
    pub intervention_offered: Option<bool>,
}

impl HealthOutcomes {
    /// The highest SDQ total score.
    pub const SDQ_MAX: u8 = 40;
}

/// An IRO's identifier in Footprint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IroId(pub String);

impl fmt::Display for IroId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An Independent Reviewing Officer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Iro {
    pub id: IroId,
    pub name: String,
    /// Full-time equivalent (1.0 = full time).
    pub fte: f64,
    pub started: NaiveDate,
    pub left: Option<NaiveDate>,
}

/// A child allocated to an IRO from `from` until the day before `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub child: ChildId,
    pub iro: IroId,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Allocation {
    /// The names of the fields that differ from `other`, in form order (what
    /// a correction's version and audit entry say changed).
    pub fn changed_fields(&self, other: &Allocation) -> Vec<&'static str> {
        [
            ("iro", self.iro != other.iro),
            ("from", self.from != other.from),
            ("to", self.to != other.to),
        ]
        .into_iter()
        .filter(|(_, d)| *d)
        .map(|(f, _)| f)
        .collect()
    }

    pub fn is_current_on(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| to > date)
    }
}

/// An IRO's check on the plan's progress between reviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MidwayCheck {
    pub child: ChildId,
    pub date: NaiveDate,
    pub iro: Option<IroId>,
}

impl MidwayCheck {
    /// The names of the fields that differ from `other`, in form order (what
    /// a correction's version and audit entry say changed).
    pub fn changed_fields(&self, other: &MidwayCheck) -> Vec<&'static str> {
        [
            ("date", self.date != other.date),
            ("iro", self.iro != other.iro),
        ]
        .into_iter()
        .filter(|(_, d)| *d)
        .map(|(f, _)| f)
        .collect()
    }
}

/// How an IRO saw or spoke to a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    InPerson,
    Virtual,
    Phone,
}

impl VisitKind {
    pub const ALL: [VisitKind; 3] = [VisitKind::InPerson, VisitKind::Virtual, VisitKind::Phone];

    /// The key forms and the store use.
    pub fn key(self) -> &'static str {
        match self {
            VisitKind::InPerson => "in_person",
            VisitKind::Virtual => "virtual",
            VisitKind::Phone => "phone",
        }
    }

    pub fn from_key(key: &str) -> Option<VisitKind> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// In the council's words.
    pub fn label(self) -> &'static str {
        match self {
            VisitKind::InPerson => "In person",
            VisitKind::Virtual => "Virtually (video)",
            VisitKind::Phone => "By phone",
        }
    }
}

/// An IRO's visit to, or conversation with, a child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IroVisit {
    pub child: ChildId,
    pub date: NaiveDate,
    pub kind: VisitKind,
    pub iro: Option<IroId>,
}

impl IroVisit {
    /// The names of the fields that differ from `other`, in form order (what
    /// a correction's version and audit entry say changed).
    pub fn changed_fields(&self, other: &IroVisit) -> Vec<&'static str> {
        [
            ("date", self.date != other.date),
            ("kind", self.kind != other.kind),
            ("iro", self.iro != other.iro),
        ]
        .into_iter()
        .filter(|(_, d)| *d)
        .map(|(f, _)| f)
        .collect()
    }
}

/// A challenge raised by an IRO through the dispute resolution process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub id: i64,
    pub child: ChildId,
    pub iro: Option<IroId>,
    pub raised: NaiveDate,
    /// Themes from the council's two-level list (`lists::ThemeList`): each
    /// a theme's key, or, for a record from before themes had keys, its
    /// name. The first is the challenge's theme, which the formal
    /// challenges are tabled by.
    pub themes: Vec<String>,
    /// The sub-theme, under the first of `themes`: a sub-theme's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_theme: Option<String>,
    /// Each stage reached, in order: its name from the configured stages
    /// ("informal", "stage 1", …), when it began and when it was answered.
    pub stages: Vec<ChallengeStage>,
    pub referred_to_cafcass: Option<NaiveDate>,
    pub resolved: Option<NaiveDate>,
    pub outcome: Option<ChallengeOutcome>,
}

impl Challenge {
    /// The names of the fields that differ from `other`, in form order (what
    /// a correction's version and audit entry say changed).
    pub fn changed_fields(&self, other: &Challenge) -> Vec<&'static str> {
        [
            ("iro", self.iro != other.iro),
            ("raised", self.raised != other.raised),
            ("themes", self.themes != other.themes),
            ("sub_theme", self.sub_theme != other.sub_theme),
            ("stages", self.stages != other.stages),
            (
                "referred_to_cafcass",
                self.referred_to_cafcass != other.referred_to_cafcass,
            ),
            ("resolved", self.resolved != other.resolved),
            ("outcome", self.outcome != other.outcome),
        ]
        .into_iter()
        .filter(|(_, d)| *d)
        .map(|(f, _)| f)
        .collect()
    }

    /// Open on `date`: raised by then and not resolved by then (a challenge
    /// closed with an outcome but no date counts as resolved).
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.raised <= date
            && match self.resolved {
                Some(r) => r > date,
                None => self.outcome.is_none(),
            }
    }

    /// The stage the challenge had reached on `date`.
    pub fn stage_on(&self, date: NaiveDate) -> Option<&ChallengeStage> {
        self.stages.iter().rev().find(|s| s.started <= date)
    }

    /// The date a response is due at the stage reached on `date`.
    pub fn response_due_on(
        &self,
        date: NaiveDate,
        calendar: &crate::calendar::WorkingDayCalendar,
    ) -> Option<NaiveDate> {
        let stage = self.stage_on(date)?;
        calendar
            .add_working_days(stage.started, stage.timescale_working_days)
            .ok()
    }

    /// Open on `date`, and the stage reached then had no response by then
    /// within its timescale.
    pub fn is_overdue_on(
        &self,
        date: NaiveDate,
        calendar: &crate::calendar::WorkingDayCalendar,
    ) -> bool {
        self.is_open_on(date)
            && self
                .stage_on(date)
                .is_some_and(|s| s.responded.is_none_or(|r| r > date))
            && self
                .response_due_on(date, calendar)
                .is_some_and(|d| d < date)
    }
}

/// One stage of a challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeStage {
    pub stage: String,
    pub started: NaiveDate,
    /// The working-day timescale for a response at this stage.
    pub timescale_working_days: u32,
    pub responded: Option<NaiveDate>,
}

/// How a challenge ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeOutcome {
    /// The concern was resolved to the IRO's satisfaction.
    Resolved,
    /// The IRO withdrew it.
    Withdrawn,
    /// Referred to Cafcass.
    ReferredToCafcass,
}

/// One council's records: everything the measures read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub children: Vec<Child>,
    pub episodes: Vec<Episode>,
    pub reviews: Vec<Review>,
    pub missing: Vec<MissingEpisode>,
    pub iros: Vec<Iro>,
    pub allocations: Vec<Allocation>,
    pub midway_checks: Vec<MidwayCheck>,
    pub visits: Vec<IroVisit>,
    pub challenges: Vec<Challenge>,
    /// The date reviews are known from ("data held from", measures.md).
    pub reviews_known_from: Option<NaiveDate>,
    /// Brothers and sisters recorded in Footprint (the 903 holds no sibling
    /// links): each group lists two or more children, sorted; a child is in
    /// at most one group; groups sorted by their first child.
    #[serde(default)]
    pub sibling_groups: Vec<Vec<ChildId>>,
    /// Health outcomes (903 OC2), one per child and collection year, sorted
    /// by child then year.
    #[serde(default)]
    pub health_outcomes: Vec<HealthOutcomes>,
    /// Requests to change the date of a child's next review and the
    /// manager's decision, recorded in Footprint; sorted by child then id.
    /// An approved one moves the council's due date
    /// ([`crate::periods::PeriodOfCare::schedule`]), never the statutory one.
    #[serde(default)]
    pub review_date_changes: Vec<ReviewDateChange>,
    /// Health assessments, dental checks, SDQ scores, immunisation status
    /// and personal education plans (`health_education`), each sorted by
    /// child then date.
    #[serde(default)]
    pub health_assessments: Vec<crate::health_education::HealthAssessment>,
    #[serde(default)]
    pub dental_checks: Vec<crate::health_education::DentalCheck>,
    #[serde(default)]
    pub sdq_scores: Vec<crate::health_education::SdqScore>,
    #[serde(default)]
    pub immunisations: Vec<crate::health_education::ImmunisationStatus>,
    #[serde(default)]
    pub education_plans: Vec<crate::health_education::EducationPlan>,
    /// The 903's other tables (OC3, AD1, PlacedAdoption, PrevPerm,
    /// SWEpisodes, DoLo) as imported, each list sorted by child then key.
    #[serde(default)]
    pub return_tables: crate::return_tables::ReturnTables,
    /// Secure accommodation, private fostering and foster carer reviews,
    /// disruption meetings, child protection plans and conferences,
    /// life-story work, advocacy, the child's views and case alerts
    /// (`case_records`), each list sorted. Council-wide: a change to them
    /// reloads everything (`replace_children` leaves them as they are).
    #[serde(default)]
    pub case_records: crate::case_records::CaseRecords,
}

impl Dataset {
    /// The recorded sibling group `child` belongs to (the child included),
    /// if any.
    pub fn sibling_group_of(&self, child: &ChildId) -> Option<&[ChildId]> {
        self.sibling_groups
            .iter()
            .find(|g| g.contains(child))
            .map(Vec::as_slice)
    }

    /// The child's recorded brothers and sisters (not the child).
    pub fn siblings_of(&self, child: &ChildId) -> Vec<&ChildId> {
        self.sibling_group_of(child)
            .map(|g| g.iter().filter(|c| *c != child).collect())
            .unwrap_or_default()
    }

    /// Replaces every record of the children `ids` with those in `fresh`
    /// (their records as now held, read by child), keeping each list in
    /// the store's order (by child, then date; challenges by id): how a
    /// cached copy of the council takes in a write without reading the
    /// council again. `fresh`'s IROs and `reviews_known_from` are not taken
    /// (a change to those is council-wide and reloads everything).
    pub fn replace_children(&mut self, ids: &[ChildId], fresh: Dataset) {
        use std::collections::HashSet;
        let gone: HashSet<&ChildId> = ids.iter().collect();
        fn splice<T, K: Ord>(
            list: &mut Vec<T>,
            new: Vec<T>,
            gone: impl Fn(&T) -> bool,
            key: impl Fn(&T) -> K,
        ) {
            list.retain(|x| !gone(x));
            for x in new {
                let k = key(&x);
                let at = list.partition_point(|y| key(y) <= k);
                list.insert(at, x);
            }
        }
        splice(
            &mut self.children,
            fresh.children,
            |c| gone.contains(&c.id),
            |c| c.id.clone(),
        );
        splice(
            &mut self.episodes,
            fresh.episodes,
            |e| gone.contains(&e.child),
            |e| (e.child.clone(), e.start),
        );
        splice(
            &mut self.reviews,
            fresh.reviews,
            |r| gone.contains(&r.child),
            |r| (r.child.clone(), r.date),
        );
        splice(
            &mut self.missing,
            fresh.missing,
            |m| gone.contains(&m.child),
            |m| (m.child.clone(), m.start),
        );
        splice(
            &mut self.allocations,
            fresh.allocations,
            |a| gone.contains(&a.child),
            |a| (a.child.clone(), a.from),
        );
        splice(
            &mut self.midway_checks,
            fresh.midway_checks,
            |m| gone.contains(&m.child),
            |m| (m.child.clone(), m.date),
        );
        splice(
            &mut self.visits,
            fresh.visits,
            |v| gone.contains(&v.child),
            |v| (v.child.clone(), v.date),
        );
        splice(
            &mut self.challenges,
            fresh.challenges,
            |c| gone.contains(&c.child),
            |c| c.id,
        );
        {
            let mut fresh_tables = fresh.return_tables;
            self.return_tables.retain_children(|c| !gone.contains(c));
            self.return_tables.append(&mut fresh_tables);
        }
        splice(
            &mut self.health_outcomes,
            fresh.health_outcomes,
            |h| gone.contains(&h.child),
            |h| (h.child.clone(), h.year),
        );
        splice(
            &mut self.review_date_changes,
            fresh.review_date_changes,
            |c| gone.contains(&c.child),
            |c| (c.child.clone(), c.id),
        );
        splice(
            &mut self.health_assessments,
            fresh.health_assessments,
            |h| gone.contains(&h.child),
            |h| (h.child.clone(), h.done.or(h.requested)),
        );
        splice(
            &mut self.dental_checks,
            fresh.dental_checks,
            |h| gone.contains(&h.child),
            |h| (h.child.clone(), h.date),
        );
        splice(
            &mut self.sdq_scores,
            fresh.sdq_scores,
            |h| gone.contains(&h.child),
            |h| (h.child.clone(), h.date),
        );
        splice(
            &mut self.immunisations,
            fresh.immunisations,
            |h| gone.contains(&h.child),
            |h| (h.child.clone(), h.date),
        );
        splice(
            &mut self.education_plans,
            fresh.education_plans,
            |h| gone.contains(&h.child),
            |h| (h.child.clone(), h.date),
        );
        // A group with any of these children is read again whole.
        self.sibling_groups
            .retain(|g| !g.iter().any(|c| gone.contains(c)));
        for g in fresh.sibling_groups {
            if !self.sibling_groups.contains(&g) {
                let at = self.sibling_groups.partition_point(|x| *x <= g);
                self.sibling_groups.insert(at, g);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The inline identifier reads back as it was written, and orders,
        /// compares and serialises exactly as its text does.
        #[test]
        fn child_ids_behave_as_their_text(a in "[A-Za-z0-9]{1,10}", b in "[A-Za-z0-9]{1,10}") {
            let (x, y): (ChildId, ChildId) = (a.parse().unwrap(), b.parse().unwrap());
            prop_assert_eq!(x.as_str(), a.as_str());
            prop_assert_eq!(x.to_string(), a.clone());
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            prop_assert_eq!(x == y, a == b);
            let json = serde_json::to_string(&x).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&a).unwrap());
            prop_assert_eq!(serde_json::from_str::<ChildId>(&json).unwrap(), x);
        }
    }

    #[test]
    fn child_ids_refuse_empty_long_or_other_characters() {
        for bad in ["", "12345678901", "A-1", "Ä1", "A 1", "A\u{0}"] {
            assert_eq!(bad.parse::<ChildId>(), Err(ChildIdError(bad.to_owned())));
        }
        assert_eq!(
            "1234567890".parse::<ChildId>().unwrap().as_str(),
            "1234567890"
        );
        assert_eq!(
            format!("{:?}", "A1".parse::<ChildId>().unwrap()),
            "ChildId(\"A1\")"
        );
    }

    #[test]
    fn child_names_are_trimmed_and_refuse_blank_long_or_control_characters() {
        let n = ChildName::new("  Amara ", "Okafor-Jones").unwrap();
        assert_eq!((n.given(), n.family()), ("Amara", "Okafor-Jones"));
        assert_eq!(n.to_string(), "Amara Okafor-Jones");
        assert_eq!(
            ChildName::new(" ", "Smith"),
            Err(ChildNameError::Blank("given name"))
        );
        assert_eq!(
            ChildName::new(" ", "Smith").unwrap_err().part(),
            "given name"
        );
        assert_eq!(
            ChildName::new("Sam", ""),
            Err(ChildNameError::Blank("family name"))
        );
        assert_eq!(
            ChildName::new("Sam\tX", "Smith"),
            Err(ChildNameError::ControlCharacter("given name"))
        );
        let long = "é".repeat(ChildName::MAX_CHARS + 1);
        assert_eq!(
            ChildName::new("Sam", &long),
            Err(ChildNameError::TooLong("family name"))
        );
        assert!(ChildName::new("Sam", &"é".repeat(ChildName::MAX_CHARS)).is_ok());
        // The message never repeats the name.
        let err = ChildName::new("Sa\nm", "Smith").unwrap_err().to_string();
        assert!(!err.contains("Sam"), "{err}");
    }

    #[test]
    fn child_names_round_trip_through_serde_and_validate_on_the_way_in() {
        let n = ChildName::new("Amara", "Okafor").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, r#"{"given":"Amara","family":"Okafor"}"#);
        assert_eq!(serde_json::from_str::<ChildName>(&json).unwrap(), n);
        assert!(serde_json::from_str::<ChildName>(r#"{"given":"","family":"Okafor"}"#).is_err());
    }

    #[test]
    fn late_reason_keys_are_unique_and_round_trip_through_serde() {
        let mut keys: Vec<&str> = LateReason::ALL.iter().map(|r| r.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), LateReason::ALL.len());
        for reason in LateReason::ALL {
            assert_eq!(LateReason::from_key(reason.key()), Some(reason));
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.key()));
            assert!(!reason.label().is_empty());
        }
        assert_eq!(LateReason::from_key("not_recorded"), None);
        assert_eq!(LateReason::from_key(""), None);
    }

    #[test]
    fn review_details_without_a_late_reason_still_deserialise() {
        let json = r#"{"chair":null,"kind":"statutory","attendance":[],
            "social_worker_report":{"status":"not_recorded"},"decisions_issued":null,
            "record_circulated":null,"quality":null,"recommendations":[]}"#;
        let details: ReviewDetails = serde_json::from_str(json).unwrap();
        assert_eq!(details.late_reason, None);
        assert_eq!(details.inadequate_reason, None);
        let with = ReviewDetails {
            late_reason: LateReason::CourtHearing.held(),
            inadequate_reason: Some("childs_views".into()),
            ..ReviewDetails::default()
        };
        // The key is held as the string it was before keys became the
        // council's: a review stored then reads the same now.
        assert!(
            serde_json::to_string(&with)
                .unwrap()
                .contains(r#""late_reason":"court_hearing""#)
        );
        let back: ReviewDetails =
            serde_json::from_str(&serde_json::to_string(&with).unwrap()).unwrap();
        assert_eq!(back, with);
    }
}

/// Why a review's date is asked to move: the key of an entry of the
/// council's list (`FormList::DateChangeReasons`, issue 17), chosen from a
/// list so that no free text about the child is written where it is not
/// needed. Held by value and `Copy` ([`ListKey`](crate::lists::ListKey)),
/// so the schedule's `ApprovedDateChange` and `DueRule::DateChanged` stay
/// pure and `Copy`; what it is called comes from the council's list
/// ([`DateChangeReason::label_in`]). The six reasons Footprint offered
/// before the list was the council's keep their keys (the list's default),
/// so every request held reads as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DateChangeReason(pub crate::lists::ListKey);

impl DateChangeReason {
    pub const CHILD_WISHES: DateChangeReason = DateChangeReason::of("child_wishes");
    pub const PLACEMENT_MOVE: DateChangeReason = DateChangeReason::of("placement_move");
    pub const COURT: DateChangeReason = DateChangeReason::of("court");
    pub const ATTENDANCE: DateChangeReason = DateChangeReason::of("attendance");
    pub const IRO_AVAILABILITY: DateChangeReason = DateChangeReason::of("iro_availability");
    pub const OTHER: DateChangeReason = DateChangeReason::of("other");

    /// The reasons when the council has set none, with their labels: what
    /// Footprint offered before the list was a setting.
    pub const DEFAULTS: [(&'static str, &'static str); 6] = [
        ("child_wishes", "The child asked for a different date"),
        ("placement_move", "Placement move or planning meeting"),
        ("court", "Court timetable"),
        ("attendance", "Key people cannot attend"),
        ("iro_availability", "IRO availability"),
        ("other", "Other (recorded on the case file)"),
    ];

    const fn of(key: &str) -> DateChangeReason {
        DateChangeReason(crate::lists::ListKey::of(key))
    }

    /// The key used in the database and forms; stable.
    pub fn key(&self) -> &str {
        self.0.as_str()
    }

    /// The reason a key names, if it has a key's shape (whether the
    /// council's list has it is the form's check, `CouncilList::accepts`;
    /// a request held keeps its key whatever the list says since).
    pub fn from_key(key: &str) -> Option<DateChangeReason> {
        crate::lists::ListKey::new(key).map(DateChangeReason)
    }

    /// What the reason is called in the council's list `reasons` (retired
    /// or not), else the key itself.
    pub fn label_in<'a>(&'a self, reasons: &'a crate::lists::CouncilList) -> &'a str {
        reasons.label(self.key())
    }
}

/// Where a request to change a review's date stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateChangeStatus {
    Pending,
    Approved,
    Refused,
}

impl DateChangeStatus {
    pub fn key(self) -> &'static str {
        match self {
            DateChangeStatus::Pending => "pending",
            DateChangeStatus::Approved => "approved",
            DateChangeStatus::Refused => "refused",
        }
    }

    pub fn from_key(key: &str) -> Option<DateChangeStatus> {
        [
            DateChangeStatus::Pending,
            DateChangeStatus::Approved,
            DateChangeStatus::Refused,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// A request to hold a child's next review on another date, and the
/// manager's decision. It concerns the first review after the child's last
/// review before `requested_on` (the review that was next when it was
/// asked for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDateChange {
    pub id: i64,
    pub child: ChildId,
    /// The day it was asked for.
    pub requested_on: NaiveDate,
    /// The date the review is to be held by.
    pub proposed: NaiveDate,
    pub reason: DateChangeReason,
    pub status: DateChangeStatus,
    /// The user who asked (a user name, never the child's).
    pub requested_by: String,
    /// The manager who decided, once decided.
    pub decided_by: Option<String>,
}
