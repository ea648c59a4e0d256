//! The values the store takes and gives back, beyond the domain's own types.

use chrono::{DateTime, NaiveDate, Utc};
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{
    Allocation, Challenge, ChallengeStage, Child, ChildId, Episode, HealthOutcomes, IroId,
    IroVisit, MidwayCheck, MissingEpisode, Review,
};
use footprint_domain::periods::PeriodAssembly;
use serde::{Deserialize, Serialize};

/// Which database a [`crate::Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// Which children's records [`crate::Store::load_scoped`] reads: their whole
/// records (every episode, review, missing episode, allocation, midway check,
/// visit, challenge, OC2 health outcome, sibling group membership and name),
/// plus every IRO and `reviews_known_from`, as for the whole council.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The whole council ([`crate::Store::load_dataset`]).
    All,
    /// These children (ids the store does not hold are ignored). A page's
    /// read: of the records without a child it holds the disruption
    /// meetings (their children are in the record) but not the foster
    /// carer households' reviews, which no child's page shows.
    Children(&'a [ChildId]),
    /// The children allocated to `iro` on `on`: an allocation current that
    /// day (`from <= on` and `to` absent or after `on`, as
    /// `Allocation::is_current_on`). A page's read, as [`Scope::Children`].
    Caseload { iro: &'a IroId, on: NaiveDate },
    /// The children with any record touching `from..=to`: an episode or a
    /// missing episode open on any day of it (`start <= to` and `end`
    /// absent or `>= from`), a review, midway check or visit dated in it, a
    /// challenge raised in it or still open at its start (`raised <= to`
    /// and `resolved` absent or `>= from`), or an allocation current on any
    /// day of it. Empty when `from` is after `to`.
    Active { from: NaiveDate, to: NaiveDate },
    /// The annual report's read (its periods and their
    /// `measures::Extent`s): the children whose records touch `every` (as
    /// [`Scope::Active`]) with their whole records, and the children whose
    /// records touch `headline` but not `every` with only what
    /// `measures::Extent::Headline` reads (`measures::Records::Care`: the
    /// child, their episodes, reviews and review date changes). The trend's
    /// earlier years then cost the report only their care records.
    Extents {
        every: (NaiveDate, NaiveDate),
        headline: Option<(NaiveDate, NaiveDate)>,
    },
}

/// What [`crate::Store::changes_since`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Changes {
    /// The current data version (give it to the next `changes_since`).
    pub version: i64,
    /// The children whose records changed, sorted (empty when
    /// `council_wide`).
    pub children: Vec<ChildId>,
    /// Reload everything: something not tied to one child changed, or the
    /// history needed is no longer kept.
    pub council_wide: bool,
}

/// What [`crate::Store::migrate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationReport {
    /// The schema version before.
    pub from: i64,
    /// The schema version now (always [`crate::SCHEMA_VERSION`]).
    pub to: i64,
}

/// One 903 return (or part of one) to import in a single transaction.
///
/// The CLI builds it from the ssda903 reader's output. Review details are
/// ignored: a 903 review carries only its date and participation code, and
/// an import never touches the details the IRO service recorded.
#[derive(Debug, Clone)]
pub struct ImportBatch {
    /// The collection year of the return the records come from.
    pub year: CollectionYear,
    /// Where it came from, e.g. the file or folder name (no personal data).
    pub source: String,
    pub children: Vec<Child>,
    pub episodes: Vec<Episode>,
    pub reviews: Vec<Review>,
    pub missing: Vec<MissingEpisode>,
    /// OC2 rows. Keyed by (child, collection year): each is for the year of
    /// its own `year` field, normally the return's.
    pub health_outcomes: Vec<HealthOutcomes>,
    /// OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes and DoLo.
    pub tables: footprint_domain::return_tables::ReturnTables,
    /// The reader's warnings and errors, stored with the import run.
    pub problems: Vec<ImportProblem>,
}

/// How serious an import problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The record was rejected.
    Error,
    /// The record was kept but looks wrong.
    Warning,
}

impl Severity {
    pub fn key(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    pub fn from_key(key: &str) -> Option<Severity> {
        match key {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            _ => None,
        }
    }
}

/// One problem found while reading or importing a return: where it is
/// (file, line, column), the value, the rule (a DfE rule number where one
/// exists) and a message. `value` may hold personal data: it is stored, never
/// logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    pub file: String,
    /// 1-based line (the header is line 1), when the problem is on a line.
    pub line: Option<u64>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub rule: Option<String>,
    pub message: String,
    pub severity: Severity,
}

/// How many records of one kind an import inserted, replaced or kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCounts {
    /// New records.
    pub inserted: u64,
    /// Stored records replaced by this return's version (same or later year).
    pub replaced: u64,
    /// Stored records left as they were because they came from a later
    /// return than this one.
    pub kept_later: u64,
    /// Records skipped because their child has no header record in the
    /// return or the database (each also recorded as an import problem).
    pub skipped: u64,
    /// 903 records held before that the returns no longer give (a corrected
    /// start, a review the return of its year does not list). Reviews with
    /// details recorded in Footprint are never removed.
    #[serde(default)]
    pub removed: u64,
}

/// An episode an earlier return left open (no DEC) that no later return
/// carries on: kept as that return gave it, for the analyst to resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenEpisodeLeft {
    pub child: ChildId,
    /// The episode's DECOM.
    pub start: NaiveDate,
    /// The return that gave it, open.
    pub from_return: CollectionYear,
    /// The latest return held.
    pub latest_return: CollectionYear,
}

impl OpenEpisodeLeft {
    /// What the import summary and the data quality page say about it.
    pub fn message(&self) -> String {
        format!(
            "episode of child {} starting {} is open in the {} return, and no later return \
             (the latest held is {}) carries it on: kept as the {} return gave it; check whether \
             it ended, and import a corrected return",
            self.child,
            self.start.format("%d/%m/%Y"),
            self.from_return,
            self.latest_return,
            self.from_return
        )
    }
}

/// What [`crate::Store::import_return`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// The import run's id (see [`crate::Store::import_runs`]).
    pub run: i64,
    pub year: CollectionYear,
    pub children: RecordCounts,
    pub episodes: RecordCounts,
    pub reviews: RecordCounts,
    pub missing: RecordCounts,
    pub health_outcomes: RecordCounts,
    /// OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes and DoLo together.
    #[serde(default)]
    pub other_tables: RecordCounts,
    /// Problems recorded with the run: the batch's own plus any the import
    /// added (records skipped, episodes left open).
    pub problems: u64,
    /// Every episode held open from a return earlier than the latest held
    /// (after this import): see [`OpenEpisodeLeft`].
    #[serde(default)]
    pub left_open: Vec<OpenEpisodeLeft>,
}

/// Progress through an import, reported from inside its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    /// "children", "episodes", "reviews" or "missing".
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
}

/// A past import, as listed by [`crate::Store::import_runs`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRun {
    pub id: i64,
    pub year: CollectionYear,
    pub source: String,
    pub imported_at: DateTime<Utc>,
    pub inserted: u64,
    pub replaced: u64,
    pub kept_later: u64,
    pub problems: u64,
}

/// What [`crate::Store::replace_dataset`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteSummary {
    pub children: u64,
    pub episodes: u64,
    pub reviews: u64,
    pub missing: u64,
    pub health_outcomes: u64,
    pub iros: u64,
    pub allocations: u64,
    pub midway_checks: u64,
    pub visits: u64,
    pub challenges: u64,
}

/// What [`crate::Store::add_health_education`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthEducationAdded {
    /// Records written.
    pub added: u64,
    /// Records already held, left as they were.
    pub already_held: u64,
}

/// What [`crate::Store::add_case_records`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecordsAdded {
    /// Records not held before, written as their first version.
    pub added: u64,
    /// Records held and changed in the extract: a new version each (the
    /// earlier ones kept).
    pub changed: u64,
    /// Records already held as they are, left as they were.
    pub already_held: u64,
}

/// One version of a record of `case_records`: the whole record, how it came
/// (`import`, `entry` or `correction`), who, when, why and the fields that
/// changed from the version before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseRecordVersion {
    pub version: i64,
    pub event: String,
    pub record: footprint_domain::case_records::CaseRecord,
    pub written_at: DateTime<Utc>,
    pub written_by: String,
    pub reason: String,
    pub changed: Vec<String>,
}

/// Everything held about one child, for the child's page.
#[derive(Debug, Clone)]
pub struct ChildRecord {
    pub child: Child,
    /// Episodes in start order.
    pub episodes: Vec<Episode>,
    /// The periods of care assembled from the episodes (lenient: any chain
    /// problems are listed, not fatal).
    pub periods: PeriodAssembly,
    /// Reviews in date order.
    pub reviews: Vec<Review>,
    pub missing: Vec<MissingEpisode>,
    /// Allocations in start order.
    pub allocations: Vec<Allocation>,
    pub midway_checks: Vec<MidwayCheck>,
    pub visits: Vec<IroVisit>,
    pub challenges: Vec<Challenge>,
    /// Health outcomes (OC2), by collection year.
    pub health_outcomes: Vec<HealthOutcomes>,
}

/// A new challenge: the first stage is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChallenge {
    pub child: ChildId,
    pub iro: Option<IroId>,
    pub raised: NaiveDate,
    pub themes: Vec<String>,
    /// A sub-theme under the first theme.
    pub sub_theme: Option<String>,
    pub first_stage: ChallengeStage,
}

/// What a user may do. The web layer decides what each role sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users and settings.
    Admin,
    /// The IRO service manager: everything, plus the report narratives.
    Manager,
    /// An IRO: records reviews, checks, visits and challenges.
    Iro,
    /// Business support: due lists and chasing decisions and records.
    BusinessSupport,
    /// Reads figures and reports; never free text about a child.
    Analyst,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Manager,
        Role::Iro,
        Role::Analyst,
        Role::BusinessSupport,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Iro => "iro",
            Role::BusinessSupport => "business_support",
            Role::Analyst => "analyst",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// A user to add. `password_hash` is the argon2 PHC string made by the web
/// layer; the store never sees a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    /// The IRO this user is, for IRO users.
    pub iro: Option<IroId>,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub iro: Option<IroId>,
    pub created_at: DateTime<Utc>,
    /// When an administrator disabled the user; `None` while they may sign in.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Moves on whenever the user's sessions must end at once (disabled,
    /// password reset or changed): a session remembers the generation it
    /// began in and ends when it no longer matches.
    pub session_generation: i64,
}

/// A one-time password reset an administrator issued. Only the SHA-256 hash
/// of its code is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    pub id: i64,
    pub user_id: i64,
    /// The user's name (from `users`).
    pub user: String,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    /// Unix seconds after which the code no longer works.
    pub expires_at: i64,
    /// When it was used, or replaced by a newer reset.
    pub spent_at: Option<DateTime<Utc>>,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who: a user name, or "system"/"cli".
    pub actor: String,
    /// What, as a short key, e.g. "review.record".
    pub action: String,
    pub child: Option<ChildId>,
    /// Non-identifying detail (never a name, date of birth or free text).
    pub detail: String,
}

/// Which audit rows to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only rows about this child.
    pub child: Option<ChildId>,
    /// Only rows by this actor.
    pub actor: Option<String>,
    /// Only rows whose action starts with this (e.g. `review_date_change.`).
    pub action_prefix: Option<String>,
    /// At most this many rows (all when `None`).
    pub limit: Option<u32>,
    /// Skip this many of the newest rows first (for paging).
    pub offset: Option<u32>,
}

/// A stored web session, for the tower-sessions store the web layer writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub data: Vec<u8>,
    /// Unix seconds.
    pub expiry: i64,
}

/// Who corrects a record and why (the reason is kept with the version it
/// replaced; it is for managers, never for the audit log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The user name of who made the correction.
    pub by: String,
    /// Why: required, trimmed, at most 500 characters.
    pub reason: String,
}

/// A record held with the store's id for it: the key its corrections and
/// their versions are kept under (`record_versions.record_key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held<T> {
    pub id: i64,
    pub record: T,
}

/// A version of a record replaced by a correction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordVersion {
    pub id: i64,
    pub child: ChildId,
    /// `review`, `midway_check`, `visit`, `allocation`, `challenge`,
    /// `name`, or a health or education record's kind
    /// (`health_education::RecordKind::key`).
    pub record: String,
    /// The review's date, the record's id, or a health or education
    /// record's key (`HealthEducationRecord::key`).
    pub key: String,
    pub replaced_at: DateTime<Utc>,
    pub replaced_by: String,
    pub reason: String,
    /// The fields the correction changed.
    pub changed: Vec<String>,
    /// The version replaced, as the domain type serialises it.
    pub earlier: serde_json::Value,
}

/// A request to change the date of a child's next review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReviewDateChange {
    pub child: ChildId,
    pub requested_on: NaiveDate,
    pub proposed: NaiveDate,
    pub reason: footprint_domain::model::DateChangeReason,
    pub requested_by: String,
}

/// A challenge's concern, a response or its outcome, in words (free text
/// about the child).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChallengeNote {
    pub id: i64,
    pub challenge: i64,
    /// `concern`, `response` or `outcome`.
    pub kind: String,
    /// The stage a response answered.
    pub stage: Option<String>,
    pub body: String,
    pub written_at: DateTime<Utc>,
    pub written_by: String,
}

/// One saved version of a review's record or of the letter to the child
/// (`review_documents`). `body` is the domain's `ReviewRecord` or `Letter`
/// as JSON: free text about the child.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentVersion {
    /// 1, 2, … for each review and document.
    pub version: i64,
    /// `draft`, `correction`, `issue_decisions` or `issue_record`.
    pub event: String,
    pub written_at: DateTime<Utc>,
    pub written_by: String,
    pub reason: String,
    /// The parts that changed (`child_views`, a section's key, …).
    pub changed: Vec<String>,
    pub body: serde_json::Value,
}

/// A document recorded as sent (`review_circulation`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Circulated {
    pub id: i64,
    pub child: ChildId,
    pub review: NaiveDate,
    pub sent: footprint_domain::review_record::Sent,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// An issued record with documents still to send, for business support's
/// outstanding list (no free text).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordToSend {
    pub child: ChildId,
    pub review: NaiveDate,
    pub decisions_issued: Option<NaiveDate>,
    pub record_issued: Option<NaiveDate>,
    pub to_send: Vec<(
        footprint_domain::review_record::Document,
        footprint_domain::review_record::Recipient,
    )>,
}
