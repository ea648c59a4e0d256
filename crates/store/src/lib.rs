//! Footprint's storage: SQLite or PostgreSQL behind one [`Store`].
//!
//! * [`Store::connect`] / [`Store::open`] from a URL (`sqlite://FILE` or
//!   `postgres://...`); `open` refuses a database whose schema is older
//!   ("run `footprint migrate`") or newer than [`SCHEMA_VERSION`].
//! * [`Store::migrate`] brings the schema up to date.
//! * [`Store::data_version`] moves on every change to the records;
//!   [`Store::changes_since`] says which children changed after a version
//!   (or that the change was council-wide), for caches.
//! * Repositories as async methods: [`Store::load_dataset`] (everything the
//!   measures read) and [`Store::load_scoped`] (the same for some children:
//!   a caseload, the children active in a period), [`Store::import_return`] (one 903 return in one
//!   transaction, later returns win), [`Store::replace_dataset`] (a whole
//!   generated dataset, bulk), and the records the web app keeps: reviews
//!   with details, allocations, sibling groups, midway checks, visits,
//!   challenges, users, settings, report narratives, bank holidays, sessions
//!   and the append-only audit log.
//!
//! Both databases hold the same tables with the same meaning; dates are ISO
//! `yyyy-mm-dd` text on both (see `docs/storage.md`). The repository code is
//! written once (`backend/`, one module per aggregate) and compiled for each
//! database.

mod convert;
pub mod council;
pub mod error;
mod held;
pub mod types;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::NaiveDate;
use footprint_domain::calendar::{BankHoliday, WorkingDayCalendar};
use footprint_domain::dates::CollectionYear;
use footprint_domain::letter::Letter;
use footprint_domain::model::{
    Allocation, Challenge, ChallengeOutcome, ChallengeStage, Child, ChildId, ChildName, Dataset,
    Episode, Iro, IroId, IroVisit, MidwayCheck, Review, ReviewDateChange,
};
use footprint_domain::review_record::{Part, ReviewRecord, Sent};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use error::{Result, StoreError};
pub use types::*;

/// The schema version this binary knows (the number of the last migration).
pub const SCHEMA_VERSION: i64 = 23;

/// The setting holding the date the council began recording reviews in
/// Footprint (JSON string `"yyyy-mm-dd"`); see [`Store::load_dataset`].
pub const REVIEWS_RECORDED_FROM: &str = "reviews_recorded_from";

/// The default database when neither `--db` nor `FOOTPRINT_DB` is given.
pub const DEFAULT_URL: &str = "sqlite://footprint.db";

pub(crate) struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// Every migration, in order. Each one's version is its position (1-based),
/// but for 19, a number given to another change that is not here yet.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "initial schema",
        sqlite: include_str!("../migrations/sqlite/0001_initial.sql"),
        postgres: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        description: "data version kept by triggers",
        sqlite: include_str!("../migrations/sqlite/0002_data_version.sql"),
        postgres: include_str!("../migrations/postgres/0002_data_version.sql"),
    },
    Migration {
        version: 3,
        description: "sibling groups",
        sqlite: include_str!("../migrations/sqlite/0003_siblings.sql"),
        postgres: include_str!("../migrations/postgres/0003_siblings.sql"),
    },
    Migration {
        version: 4,
        description: "children's names",
        sqlite: include_str!("../migrations/sqlite/0004_child_names.sql"),
        postgres: include_str!("../migrations/postgres/0004_child_names.sql"),
    },
    Migration {
        version: 5,
        description: "health outcomes (903 OC2)",
        sqlite: include_str!("../migrations/sqlite/0005_health_outcomes.sql"),
        postgres: include_str!("../migrations/postgres/0005_health_outcomes.sql"),
    },
    Migration {
        version: 6,
        description: "indexes for scoped loading",
        sqlite: include_str!("../migrations/sqlite/0006_scoped_loading.sql"),
        postgres: include_str!("../migrations/postgres/0006_scoped_loading.sql"),
    },
    Migration {
        version: 7,
        description: "which children changed since a data version",
        sqlite: include_str!("../migrations/sqlite/0007_changed_children.sql"),
        postgres: include_str!("../migrations/postgres/0007_changed_children.sql"),
    },
    Migration {
        version: 8,
        description: "reviews whose decisions or record are outstanding, by index",
        sqlite: include_str!("../migrations/sqlite/0008_outstanding_records.sql"),
        postgres: include_str!("../migrations/postgres/0008_outstanding_records.sql"),
    },
    Migration {
        version: 9,
        description: "every 903 return kept as it came",
        sqlite: include_str!("../migrations/sqlite/0009_returns_held.sql"),
        postgres: include_str!("../migrations/postgres/0009_returns_held.sql"),
    },
    Migration {
        version: 10,
        description: "corrections kept as versions; review-date change requests; challenge notes",
        sqlite: include_str!("../migrations/sqlite/0010_corrections_and_date_changes.sql"),
        postgres: include_str!("../migrations/postgres/0010_corrections_and_date_changes.sql"),
    },
    Migration {
        version: 11,
        description: "disabling users, ending their sessions, one-time password resets",
        sqlite: include_str!("../migrations/sqlite/0011_user_administration.sql"),
        postgres: include_str!("../migrations/postgres/0011_user_administration.sql"),
    },
    Migration {
        version: 12,
        description: "health assessments, dental checks, SDQ scores, immunisations and PEPs",
        sqlite: include_str!("../migrations/sqlite/0012_health_education.sql"),
        postgres: include_str!("../migrations/postgres/0012_health_education.sql"),
    },
    Migration {
        version: 13,
        description: "each return kept one row per child",
        sqlite: include_str!("../migrations/sqlite/0013_returns_held_by_child.sql"),
        postgres: include_str!("../migrations/postgres/0013_returns_held_by_child.sql"),
    },
    Migration {
        version: 14,
        description: "review records and letters to children, as versions; what was sent to whom",
        sqlite: include_str!("../migrations/sqlite/0014_review_records.sql"),
        postgres: include_str!("../migrations/postgres/0014_review_records.sql"),
    },
    Migration {
        version: 15,
        description: "the 903's other tables: OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes, DoLo",
        sqlite: include_str!("../migrations/sqlite/0015_other_903_tables.sql"),
        postgres: include_str!("../migrations/postgres/0015_other_903_tables.sql"),
    },
    Migration {
        version: 16,
        description: "other meetings, dual plans, life story, advocacy, views and case alerts, as versions",
        sqlite: include_str!("../migrations/sqlite/0016_case_records.sql"),
        postgres: include_str!("../migrations/postgres/0016_case_records.sql"),
    },
    Migration {
        version: 17,
        description: "corrections of health and education records kept as versions",
        sqlite: include_str!("../migrations/sqlite/0017_health_education_corrections.sql"),
        postgres: include_str!("../migrations/postgres/0017_health_education_corrections.sql"),
    },
    Migration {
        version: 18,
        description: "the manager's words for the annual report, as versions",
        sqlite: include_str!("../migrations/sqlite/0018_report_words.sql"),
        postgres: include_str!("../migrations/postgres/0018_report_words.sql"),
    },
    Migration {
        version: 19,
        description: "the reason a review was late is a key of the council's list",
        sqlite: include_str!("../migrations/sqlite/0019_council_lists.sql"),
        postgres: include_str!("../migrations/postgres/0019_council_lists.sql"),
    },
    Migration {
        version: 20,
        description: "a challenge's theme may have a sub-theme (the two-level list)",
        sqlite: include_str!("../migrations/sqlite/0020_challenge_sub_themes.sql"),
        postgres: include_str!("../migrations/postgres/0020_challenge_sub_themes.sql"),
    },
    Migration {
        version: 21,
        description: "private fostering notifications and their visits, as versions",
        sqlite: include_str!("../migrations/sqlite/0021_private_fostering_notifications.sql"),
        postgres: include_str!("../migrations/postgres/0021_private_fostering_notifications.sql"),
    },
    Migration {
        version: 22,
        description: "a review date change's reason is a key of the council's list",
        sqlite: include_str!("../migrations/sqlite/0022_date_change_reasons.sql"),
        postgres: include_str!("../migrations/postgres/0022_date_change_reasons.sql"),
    },
    Migration {
        version: 23,
        description: "case file audits, as versions",
        sqlite: include_str!("../migrations/sqlite/0023_case_file_audits.sql"),
        postgres: include_str!("../migrations/postgres/0023_case_file_audits.sql"),
    },
];

// The repositories (`backend/`, one module per aggregate) are compiled once
// for each database: the same files are loaded twice, with a different `Db`.
#[path = "backend"]
mod sqlite {
    pub(crate) type Db = sqlx::Sqlite;
    pub(crate) const POSTGRES: bool = false;
    #[allow(clippy::duplicate_mod)]
    #[path = "mod.rs"]
    mod repositories;
    pub(crate) use repositories::*;
}

#[path = "backend"]
mod postgres {
    pub(crate) type Db = sqlx::Postgres;
    pub(crate) const POSTGRES: bool = true;
    #[allow(clippy::duplicate_mod)]
    #[path = "mod.rs"]
    mod repositories;
    pub(crate) use repositories::*;
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(sqlite::Pool),
    Postgres(postgres::Pool),
}

/// Calls the same repository function on whichever database the store has.
macro_rules! dispatch {
    ($self:expr, $f:ident ( $($arg:expr),* $(,)? )) => {
        match &$self.pool {
            Pool::Sqlite(p) => sqlite::$f(p, $($arg),*).await,
            Pool::Postgres(p) => postgres::$f(p, $($arg),*).await,
        }
    };
}

/// A connection pool to one Footprint database. Cheap to clone (shares the
/// pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
}

/// A parsed database URL.
enum Target {
    Sqlite {
        options: SqliteConnectOptions,
        /// `None` for an in-memory database.
        path: Option<PathBuf>,
    },
    Postgres(PgConnectOptions),
}

/// The URL with any password replaced by `***`, for messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The file of a SQLite database URL (`None` for PostgreSQL, an in-memory
/// database or a URL that does not parse): to tell, without connecting,
/// whether there is a database to read at all.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    match parse_url(url) {
        Ok(Target::Sqlite { path, .. }) => path,
        _ => None,
    }
}

/// Rows a SQLite connection's thread reads ahead of the code taking them.
const ROWS_READ_AHEAD: usize = 4096;

fn parse_url(url: &str) -> Result<Target> {
    let bad = |reason: String| StoreError::BadUrl {
        url: redact_url(url),
        reason,
    };
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url).map_err(|e| bad(e.to_string()))?;
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let path = (!in_memory).then(|| options.get_filename().to_path_buf());
        if path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
            return Err(bad("no file name after sqlite://".to_owned()));
        }
        let options = options
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .synchronous(SqliteSynchronous::Normal)
            // Rows read ahead by the connection's thread (sqlx's default is
            // 50): each time the queue fills or empties, one thread waits for
            // the other, and a report reading an England-sized council's
            // records switched threads 375,000 times.
            .row_buffer_size(ROWS_READ_AHEAD);
        let options = if in_memory {
            options
        } else {
            options.journal_mode(SqliteJournalMode::Wal)
        };
        Ok(Target::Sqlite { options, path })
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let options = PgConnectOptions::from_str(url).map_err(|e| bad(e.to_string()))?;
        Ok(Target::Postgres(options))
    } else {
        Err(bad(
            "it does not start with sqlite:// or postgres://".to_owned()
        ))
    }
}

impl Store {
    /// Connects without checking the schema version (for `footprint
    /// migrate`). A missing SQLite file is created.
    pub async fn connect(url: &str) -> Result<Store> {
        Self::connect_inner(url, true).await
    }

    /// Connects for normal use: the database must exist and its schema must
    /// be exactly [`SCHEMA_VERSION`].
    pub async fn open(url: &str) -> Result<Store> {
        let store = Self::connect_inner(url, false).await?;
        store.check_version().await?;
        Ok(store)
    }

    /// Connects (creating a missing SQLite file) and migrates: for the demo
    /// and tests.
    pub async fn open_and_migrate(url: &str) -> Result<Store> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    async fn connect_inner(url: &str, create: bool) -> Result<Store> {
        match parse_url(url)? {
            Target::Sqlite { options, path } => {
                if let Some(path) = &path
                    && !create
                    && !path.exists()
                {
                    return Err(StoreError::Missing {
                        path: path.display().to_string(),
                        url: url.to_owned(),
                    });
                }
                let max = if path.is_none() { 1 } else { 4 };
                let pool = SqlitePoolOptions::new()
                    .max_connections(max)
                    .connect_with(options.create_if_missing(create))
                    .await?;
                Ok(Store {
                    pool: Pool::Sqlite(pool),
                })
            }
            Target::Postgres(options) => {
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?;
                Ok(Store {
                    pool: Pool::Postgres(pool),
                })
            }
        }
    }

    /// Which database this is.
    pub fn kind(&self) -> DbKind {
        match self.pool {
            Pool::Sqlite(_) => DbKind::Sqlite,
            Pool::Postgres(_) => DbKind::Postgres,
        }
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    // -- schema ---------------------------------------------------------

    /// The schema version of the database (0 when it has no Footprint
    /// schema yet).
    pub async fn schema_version(&self) -> Result<i64> {
        dispatch!(self, schema_version())
    }

    /// Errors unless the schema is exactly [`SCHEMA_VERSION`].
    pub async fn check_version(&self) -> Result<()> {
        let found = self.schema_version().await?;
        match found.cmp(&SCHEMA_VERSION) {
            std::cmp::Ordering::Equal => Ok(()),
            std::cmp::Ordering::Less => Err(StoreError::SchemaTooOld {
                found,
                known: SCHEMA_VERSION,
            }),
            std::cmp::Ordering::Greater => Err(StoreError::SchemaTooNew {
                found,
                known: SCHEMA_VERSION,
            }),
        }
    }

    /// Applies the migrations the database lacks, all in one transaction.
    /// Refuses a database newer than this binary.
    pub async fn migrate(&self) -> Result<MigrationReport> {
        dispatch!(self, migrate())
    }

    /// A number that changes whenever any record the measures and the web
    /// application read changes (children, names, episodes, reviews and
    /// their details, missing episodes, OC2 health outcomes, IROs,
    /// allocations, midway checks, visits, challenges, settings, sibling
    /// groups, bank holidays, import runs), whichever process changed it.
    /// Kept by triggers (migrations 2 to 5 and 7). Cheap: one row.
    pub async fn data_version(&self) -> Result<i64> {
        dispatch!(self, data_version())
    }

    /// What changed after data version `version` (one that
    /// [`Store::data_version`] or an earlier `changes_since` gave): the
    /// current version, and either the children whose records changed
    /// (sorted; a child deleted counts as changed) or `council_wide` when
    /// something not tied to one child changed (an IRO, a setting, a bank
    /// holiday, an import run; an import or a `replace_dataset` counts as
    /// council-wide too), or when the history back to `version` is no longer
    /// kept (the latest 100,000 versions are), or `version` is later than
    /// the current one. Nothing changed: no children, the same version.
    /// Kept by triggers (migration 7), whichever process wrote.
    pub async fn changes_since(&self, version: i64) -> Result<Changes> {
        dispatch!(self, changes_since(version))
    }

    /// SQLite: `PRAGMA integrity_check` and `foreign_key_check`; the
    /// problems found (empty when the file is sound). PostgreSQL: only
    /// checks that the server answers (empty).
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        dispatch!(self, integrity_check())
    }

    /// SQLite: writes a consistent copy of the database to `path` with
    /// `VACUUM INTO` (safe while the app runs). The file must not exist.
    /// PostgreSQL: an error explaining how to use `pg_dump`.
    pub async fn backup_to(&self, path: &Path) -> Result<()> {
        if self.kind() == DbKind::Sqlite && path.exists() {
            return Err(StoreError::AlreadyExists(format!(
                "the backup file {}",
                path.display()
            )));
        }
        let p = path.to_str().ok_or_else(|| {
            StoreError::Invalid(format!("the path {} is not valid UTF-8", path.display()))
        })?;
        dispatch!(self, backup_to(p))
    }

    // -- the whole dataset ------------------------------------------------

    /// Everything the measures read, each list sorted by child then date.
    /// `reviews_known_from` is the earlier of the start of the earliest
    /// collection year imported and the setting [`REVIEWS_RECORDED_FROM`].
    /// The same as `load_scoped(Scope::All)`.
    pub async fn load_dataset(&self) -> Result<Dataset> {
        self.load_scoped(Scope::All).await
    }

    /// The records of the children `scope` chooses (their whole records),
    /// every IRO and `reviews_known_from`: exactly what [`Store::load_dataset`]
    /// holds for those children, sorted the same way, with the sibling
    /// groups that hold one of them. One read transaction (one snapshot);
    /// the children are chosen once, by indexed queries, then each table is
    /// read for them only, so a caseload costs the size of the caseload, not
    /// of the council. Rows are converted as they arrive.
    pub async fn load_scoped(&self, scope: Scope<'_>) -> Result<Dataset> {
        dispatch!(self, load_scoped(&scope))
    }

    /// Replaces every record (children to challenges, sibling groups, and
    /// the import history) with `dataset`, in one transaction, with bulk
    /// inserts. A sibling group naming a child the dataset lacks, or a child
    /// in two groups, is refused before anything is written. Keeps
    /// users, settings, narratives, bank holidays, sessions and the audit
    /// log; IROs that are users are kept too (updated if in `dataset`).
    /// Stores `dataset.reviews_known_from` as the setting
    /// [`REVIEWS_RECORDED_FROM`].
    pub async fn replace_dataset(&self, dataset: &Dataset) -> Result<WriteSummary> {
        dispatch!(self, replace_dataset(dataset))
    }

    /// Adds the records of a case-management extract (secure accommodation,
    /// private fostering and foster carer reviews, disruption meetings,
    /// child protection plans and conferences, life story, advocacy, views,
    /// case alerts) in one transaction, written by `by`: every record must
    /// pass the domain's checks or nothing is written. A record not held is
    /// added; one held as it is is left; one held and changed gets a new
    /// version (the earlier kept). Nothing held is removed.
    pub async fn add_case_records(
        &self,
        records: &[footprint_domain::case_records::CaseRecord],
        by: &str,
    ) -> Result<CaseRecordsAdded> {
        dispatch!(self, add_case_records(records, by))
    }

    /// Records a new record entered in Footprint by `by` (its id must be
    /// new: [`StoreError::AlreadyExists`] otherwise).
    pub async fn record_case_record(
        &self,
        record: &footprint_domain::case_records::CaseRecord,
        by: &str,
    ) -> Result<()> {
        dispatch!(self, record_case_record(record, by))
    }

    /// Corrects a held record of `case_records`: a new version with who,
    /// why and the fields that changed, the earlier versions kept. Returns
    /// those fields; nothing is written when none changed.
    pub async fn correct_case_record(
        &self,
        record: &footprint_domain::case_records::CaseRecord,
        correction: &Correction,
    ) -> Result<Vec<String>> {
        dispatch!(self, correct_case_record(record, correction))
    }

    /// Every version of a record of `case_records` (its kind's key and its
    /// id), oldest first.
    pub async fn case_record_versions(
        &self,
        kind: &str,
        record_id: &str,
    ) -> Result<Vec<CaseRecordVersion>> {
        dispatch!(self, case_record_versions(kind, record_id))
    }

    /// Which of `children` the store does not hold.
    pub async fn children_not_held(&self, children: &[ChildId]) -> Result<Vec<ChildId>> {
        dispatch!(self, children_not_held(children))
    }

    /// Adds health assessments, dental checks, SDQ scores, immunisation
    /// status and PEPs (a case-management import) in one transaction: every
    /// record's child must be held and every record pass the domain's
    /// checks, or nothing is written. A record already held is left as it
    /// is (and counted in `already_held`); nothing held is removed.
    pub async fn add_health_education(
        &self,
        records: &footprint_domain::health_education::HealthEducationRecords,
    ) -> Result<HealthEducationAdded> {
        dispatch!(self, add_health_education(records))
    }

    // -- 903 import ----------------------------------------------------------

    /// Records one health or education record made in a form (IRO or
    /// business support) in one transaction. Refused: an unknown child
    /// (`NotFound`); a record of the same kind already held on that date
    /// (`AlreadyExists`: a record held is corrected with
    /// [`Store::correct_health_education`], never written over); one the
    /// domain's checks refuse (`Invalid`). The caller checks the dates
    /// against the child's periods of care
    /// ([`footprint_domain::health_education::check_record`]).
    pub async fn record_health_education(
        &self,
        record: &footprint_domain::health_education::HealthEducationRecord,
    ) -> Result<()> {
        dispatch!(self, record_health_education(record))
    }

    /// Corrects the child's record of `now`'s kind keyed `earlier_key`
    /// (`HealthEducationRecord::key`) to `now`: the version held is kept
    /// (record: the kind's key; key: `now`'s key) with who, when and why,
    /// in one transaction with the change. Changing a value held needs a
    /// reason (`Invalid` without it); filling a blank (the day a requested
    /// initial assessment was done) does not. Returns the fields that
    /// changed; none when `now` is as held (nothing written).
    pub async fn correct_health_education(
        &self,
        earlier_key: &str,
        now: &footprint_domain::health_education::HealthEducationRecord,
        by: &str,
        reason: Option<&str>,
    ) -> Result<Vec<&'static str>> {
        dispatch!(self, correct_health_education(earlier_key, now, by, reason))
    }

    /// The versions a health or education record's corrections replaced,
    /// newest first, following the record back through any change of key.
    pub async fn health_education_versions(
        &self,
        child: &ChildId,
        kind: footprint_domain::health_education::RecordKind,
        key: &str,
    ) -> Result<Vec<RecordVersion>> {
        dispatch!(self, health_education_versions(child, kind, key))
    }

    /// Imports one return in one transaction: keeps the return as it came
    /// (replacing a return of the same year), and derives the council's 903
    /// records of the children it names from every return held
    /// ([`footprint_domain::returns::derive`]): the result does not depend
    /// on the order returns are imported in. Records entered in Footprint
    /// stay (a 903 record with the same key replaces one); reviews keep
    /// their IRO details and are never removed. Records whose child has no
    /// header are skipped and recorded as problems. The run and its problems
    /// are recorded, with a warning for each episode left open by an earlier
    /// return that no later one carries on.
    pub async fn import_return(&self, batch: &ImportBatch) -> Result<ImportSummary> {
        self.import_return_with_progress(batch, &mut |_| {}).await
    }

    /// [`Store::import_return`], calling `progress` from inside the
    /// transaction at the start of each stage and every 1,000 records.
    pub async fn import_return_with_progress(
        &self,
        batch: &ImportBatch,
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<ImportSummary> {
        let mut summaries = self
            .import_returns_with_progress(vec![batch.clone()], progress)
            .await?;
        summaries.pop().ok_or_else(|| {
            StoreError::Invalid("the import gave no summary of its return".to_owned())
        })
    }

    /// Imports several returns (at most one a year) in one transaction, all
    /// or nothing, as [`Store::import_return`] imports one: the records of
    /// the children they name are derived once from every return held,
    /// rather than once a return. One import run each; the summaries in
    /// year order. What the returns no longer give (`removed`) and the
    /// episodes left open are counted with the latest return.
    pub async fn import_returns(&self, batches: Vec<ImportBatch>) -> Result<Vec<ImportSummary>> {
        self.import_returns_with_progress(batches, &mut |_| {})
            .await
    }

    /// [`Store::import_returns`], calling `progress` from inside the
    /// transaction at the start of each stage and every 1,000 records.
    pub async fn import_returns_with_progress(
        &self,
        batches: Vec<ImportBatch>,
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<Vec<ImportSummary>> {
        dispatch!(self, import_returns(batches, progress))
    }

    /// The episodes held open from a return earlier than the latest held,
    /// that no later return carries on (for the data quality page).
    pub async fn open_episodes_left(&self) -> Result<Vec<OpenEpisodeLeft>> {
        dispatch!(self, open_episodes_left())
    }

    /// Every import run, oldest first.
    pub async fn import_runs(&self) -> Result<Vec<ImportRun>> {
        dispatch!(self, import_runs())
    }

    /// The problems recorded with an import run, in order.
    pub async fn import_problems(&self, run: i64) -> Result<Vec<ImportProblem>> {
        dispatch!(self, import_problems(run))
    }

    // -- children ------------------------------------------------------------

    /// Every child, by id.
    pub async fn list_children(&self) -> Result<Vec<Child>> {
        dispatch!(self, list_children())
    }

    /// A child with episodes, periods of care, reviews, missing episodes,
    /// allocations, midway checks, visits and challenges.
    pub async fn child(&self, id: &ChildId) -> Result<Option<ChildRecord>> {
        dispatch!(self, child_record(id))
    }

    /// Adds or updates a child entered in Footprint.
    pub async fn save_child(&self, child: &Child) -> Result<()> {
        dispatch!(self, save_child(child))
    }

    /// Adds or updates an episode (key: child and start date).
    pub async fn save_episode(&self, episode: &Episode) -> Result<()> {
        dispatch!(self, save_episode(episode))
    }

    // -- reviews ---------------------------------------------------------------

    /// Records a new review (with its details, if any). Errors if the child
    /// has a review on that date already, or the chair is not an IRO.
    pub async fn record_review(&self, review: &Review) -> Result<()> {
        dispatch!(self, record_review(review))
    }

    /// Updates a stored review's participation code and details (attendance
    /// and recommendations are replaced).
    pub async fn update_review(&self, review: &Review) -> Result<()> {
        dispatch!(self, update_review(review))
    }

    /// Corrects a stored review: the version it replaces is kept (see
    /// [`Store::record_versions`]) with who, when, why and the fields that
    /// changed, in one transaction with the change. Returns those fields;
    /// nothing is written when none changed. A blank reason is refused.
    pub async fn correct_review(
        &self,
        review: &Review,
        correction: &Correction,
    ) -> Result<Vec<&'static str>> {
        dispatch!(self, correct_review(review, correction))
    }

    /// The earlier versions of a record (`record`: `review`, ...; `key`: the
    /// review's date or the record's id) that corrections replaced, oldest
    /// first.
    pub async fn record_versions(
        &self,
        child: &ChildId,
        record: &str,
        key: &str,
    ) -> Result<Vec<RecordVersion>> {
        dispatch!(self, record_versions(child, record, key))
    }

    /// Records a request to change the date of a child's next review.
    /// Refused (`AlreadyExists`) while the child has one waiting for a
    /// decision.
    pub async fn request_review_date_change(
        &self,
        new: &NewReviewDateChange,
    ) -> Result<ReviewDateChange> {
        dispatch!(self, request_review_date_change(new))
    }

    /// Approves or refuses a request. Refused (`Invalid`) when it is
    /// decided already or `by` made it.
    pub async fn decide_review_date_change(
        &self,
        id: i64,
        approve: bool,
        by: &str,
    ) -> Result<ReviewDateChange> {
        dispatch!(self, decide_review_date_change(id, approve, by))
    }

    /// Every request to change a review's date, newest first.
    pub async fn review_date_changes(&self) -> Result<Vec<ReviewDateChange>> {
        dispatch!(self, review_date_changes())
    }

    /// Records, corrects or removes a child's name. Changing or removing a
    /// name held is a correction: `correction` is required (`Invalid`
    /// without it) and the name held is kept as a version (record `name`,
    /// key the child's id). Returns the parts that changed; none when the
    /// name is as held (nothing written).
    pub async fn correct_child_name(
        &self,
        child: &ChildId,
        name: Option<&ChildName>,
        correction: Option<&Correction>,
    ) -> Result<Vec<&'static str>> {
        dispatch!(self, correct_child_name(child, name, correction))
    }

    /// Adds a challenge's concern, a response (with the stage it answered)
    /// or its outcome, in words (`kind`: `concern`, `response`, `outcome`).
    /// Free text about the child: never logged or audited.
    pub async fn add_challenge_note(
        &self,
        challenge: i64,
        kind: &str,
        stage: Option<&str>,
        body: &str,
        by: &str,
    ) -> Result<ChallengeNote> {
        dispatch!(self, add_challenge_note(challenge, kind, stage, body, by))
    }

    /// A challenge's notes, in the order written.
    pub async fn challenge_notes(&self, challenge: i64) -> Result<Vec<ChallengeNote>> {
        dispatch!(self, challenge_notes(challenge))
    }

    /// One review of a child.
    pub async fn review(&self, child: &ChildId, date: NaiveDate) -> Result<Option<Review>> {
        dispatch!(self, review(child, date))
    }

    /// The children with a review recorded in Footprint whose decisions or
    /// record have not gone out (by index: the outstanding list reads only
    /// their records), sorted.
    pub async fn children_with_records_outstanding(&self) -> Result<Vec<ChildId>> {
        dispatch!(self, children_with_records_outstanding())
    }

    // -- the review's record, the letter to the child, circulation -------------

    /// Every saved version of a review's record (`document` = `record`) or
    /// letter (`letter`), oldest first: who, when, why, what changed.
    pub async fn review_document_versions(
        &self,
        child: &ChildId,
        review: NaiveDate,
        document: &str,
    ) -> Result<Vec<DocumentVersion>> {
        dispatch!(self, review_document_versions(child, review, document))
    }

    /// A review's record as last saved, with its version.
    pub async fn review_record(
        &self,
        child: &ChildId,
        review: NaiveDate,
    ) -> Result<Option<(ReviewRecord, DocumentVersion)>> {
        dispatch!(self, review_record(child, review))
    }

    /// Saves a review's record as a new version. A draft needs no reason;
    /// after the decisions or the record were issued `reason` is required
    /// (`Invalid` without it). Returns the parts that changed; nothing is
    /// written when none did. Refused for a review not recorded in
    /// Footprint.
    pub async fn save_review_record(
        &self,
        child: &ChildId,
        review: NaiveDate,
        record: &ReviewRecord,
        by: &str,
        reason: Option<&str>,
    ) -> Result<Vec<String>> {
        dispatch!(self, save_review_record(child, review, record, by, reason))
    }

    /// Issues a review's decisions or record on `on`: sets the review's
    /// `decisions_issued` or `record_circulated` (the dates the measures
    /// and the outstanding list read) and writes a version saying who
    /// issued it, in one transaction. Refused (`Invalid`, saying why) as
    /// `footprint_domain::review_record::check_issue` says.
    pub async fn issue_review_record(
        &self,
        child: &ChildId,
        review: NaiveDate,
        part: Part,
        on: NaiveDate,
        by: &str,
    ) -> Result<()> {
        dispatch!(self, issue_review_record(child, review, part, on, by))
    }

    /// The letter to the child as last saved, with its version.
    pub async fn review_letter(
        &self,
        child: &ChildId,
        review: NaiveDate,
    ) -> Result<Option<(Letter, DocumentVersion)>> {
        dispatch!(self, review_letter(child, review))
    }

    /// Saves the letter to the child as a new version; `false` (nothing
    /// written) when it is as held.
    pub async fn save_review_letter(
        &self,
        child: &ChildId,
        review: NaiveDate,
        letter: &Letter,
        by: &str,
    ) -> Result<bool> {
        dispatch!(self, save_review_letter(child, review, letter, by))
    }

    /// What was sent to whom for a review, in the order recorded.
    pub async fn circulation(&self, child: &ChildId, review: NaiveDate) -> Result<Vec<Circulated>> {
        dispatch!(self, circulation(child, review))
    }

    /// Records that a document of a review was sent to a recipient.
    /// Refused (`Invalid`) before the document was issued or written.
    pub async fn record_circulation(
        &self,
        child: &ChildId,
        review: NaiveDate,
        sent: &Sent,
        by: &str,
    ) -> Result<Circulated> {
        dispatch!(self, record_circulation(child, review, sent, by))
    }

    /// The reviews of these children with a record written in Footprint.
    pub async fn reviews_with_records(
        &self,
        children: &[ChildId],
    ) -> Result<Vec<(ChildId, NaiveDate)>> {
        dispatch!(self, reviews_with_records(children))
    }

    /// Issued records with documents still to send to someone on their
    /// list, oldest review first.
    pub async fn records_to_send(&self) -> Result<Vec<RecordToSend>> {
        dispatch!(self, records_to_send())
    }

    /// A child's reviews in date order.
    pub async fn reviews_of(&self, child: &ChildId) -> Result<Vec<Review>> {
        dispatch!(self, reviews_of(child))
    }

    // -- IROs and allocations ------------------------------------------------

    /// Adds or updates an IRO.
    pub async fn save_iro(&self, iro: &Iro) -> Result<()> {
        dispatch!(self, save_iro(iro))
    }

    /// Every IRO, by id.
    pub async fn iros(&self) -> Result<Vec<Iro>> {
        dispatch!(self, iros())
    }

    /// Allocates a child to an IRO from `from`, ending the current
    /// allocation the day before (`to = from`). The same IRO again is a
    /// no-op; a different IRO on the current allocation's first day corrects
    /// it, the allocation replaced kept as a version by `by` (the user name)
    /// with the reason; a date before the current allocation began is an
    /// error.
    pub async fn allocate(
        &self,
        child: &ChildId,
        iro: &IroId,
        from: NaiveDate,
        by: &str,
    ) -> Result<Allocation> {
        dispatch!(self, allocate(child, iro, from, by))
    }

    /// Ends a child's current allocation on `on` (e.g. the child left care).
    /// Returns whether there was one.
    pub async fn end_allocation(&self, child: &ChildId, on: NaiveDate) -> Result<bool> {
        dispatch!(self, end_allocation(child, on))
    }

    /// The IRO a child was allocated to on `on`.
    pub async fn current_iro(&self, child: &ChildId, on: NaiveDate) -> Result<Option<IroId>> {
        dispatch!(self, current_iro(child, on))
    }

    /// A child's allocations in date order.
    pub async fn allocations_of(&self, child: &ChildId) -> Result<Vec<Allocation>> {
        dispatch!(self, allocations_of(child))
    }

    /// The children allocated to an IRO on `on`, by id.
    pub async fn caseload(&self, iro: &IroId, on: NaiveDate) -> Result<Vec<ChildId>> {
        dispatch!(self, caseload(iro, on))
    }

    // -- names ----------------------------------------------------------------

    /// Records (`Some`) or removes (`None`) a child's name. Errors if the
    /// child is unknown.
    pub async fn set_child_name(&self, child: &ChildId, name: Option<&ChildName>) -> Result<()> {
        dispatch!(self, set_child_name(child, name))
    }

    /// Records many children's names in one transaction: all or nothing. A
    /// child the store does not hold is an error (`NotFound`) and nothing is
    /// written. Names already recorded for other children stay.
    pub async fn import_child_names(&self, names: &[(ChildId, ChildName)]) -> Result<()> {
        dispatch!(self, import_child_names(names))
    }

    // -- brothers and sisters ------------------------------------------------

    /// Every recorded sibling group: each sorted, of two or more children;
    /// the groups sorted by their first child.
    pub async fn sibling_groups(&self) -> Result<Vec<Vec<ChildId>>> {
        dispatch!(self, sibling_groups())
    }

    /// The group `child` belongs to, the child included (empty when none is
    /// recorded).
    pub async fn sibling_group_of(&self, child: &ChildId) -> Result<Vec<ChildId>> {
        dispatch!(self, sibling_group_of(child))
    }

    /// Records `a` and `b` as brothers or sisters: their groups (if any)
    /// become one. Linking two children already together is a no-op. Errors
    /// if either child is unknown, or `a` is `b`. Returns the merged group.
    pub async fn link_siblings(&self, a: &ChildId, b: &ChildId) -> Result<Vec<ChildId>> {
        dispatch!(self, link_siblings(a, b))
    }

    /// Takes `child` out of its sibling group (a group left with one child
    /// is removed). Returns whether the child was in a group.
    pub async fn unlink_sibling(&self, child: &ChildId) -> Result<bool> {
        dispatch!(self, unlink_sibling(child))
    }

    // -- midway checks and visits --------------------------------------------

    pub async fn record_midway_check(&self, check: &MidwayCheck) -> Result<()> {
        dispatch!(self, record_midway_check(check))
    }

    pub async fn midway_checks_of(&self, child: &ChildId) -> Result<Vec<MidwayCheck>> {
        dispatch!(self, midway_checks_of(child))
    }

    pub async fn record_visit(&self, visit: &IroVisit) -> Result<()> {
        dispatch!(self, record_visit(visit))
    }

    pub async fn visits_of(&self, child: &ChildId) -> Result<Vec<IroVisit>> {
        dispatch!(self, visits_of(child))
    }

    /// A child's midway checks with the ids their corrections are kept
    /// under, by date.
    pub async fn midway_checks_held(&self, child: &ChildId) -> Result<Vec<Held<MidwayCheck>>> {
        dispatch!(self, midway_checks_held(child))
    }

    /// A child's visits with their ids, by date.
    pub async fn visits_held(&self, child: &ChildId) -> Result<Vec<Held<IroVisit>>> {
        dispatch!(self, visits_held(child))
    }

    /// Corrects the midway check held as `id`: the version held is kept
    /// (`record_versions`, record `midway_check`, key the id) with who, when
    /// and why, in one transaction with the change. Returns the fields that
    /// changed (none: nothing written). Refused: a blank reason, a check
    /// that is not that child's.
    pub async fn correct_midway_check(
        &self,
        id: i64,
        check: &MidwayCheck,
        correction: &Correction,
    ) -> Result<Vec<&'static str>> {
        dispatch!(self, correct_midway_check(id, check, correction))
    }

    /// A child's allocations with their ids, by start.
    pub async fn allocations_held(&self, child: &ChildId) -> Result<Vec<Held<Allocation>>> {
        dispatch!(self, allocations_held(child))
    }

    /// Corrects the allocation held as `id` (its IRO, start and end), as
    /// [`Store::correct_midway_check`] (record `allocation`).
    pub async fn correct_allocation(
        &self,
        id: i64,
        allocation: &Allocation,
        correction: &Correction,
    ) -> Result<Vec<&'static str>> {
        dispatch!(self, correct_allocation(id, allocation, correction))
    }

    /// Corrects challenge `id` (its dates, themes and outcome; its stages
    /// keep their names and timescales), keeping the version held
    /// (`record_versions`, record `challenge`, key the id), as
    /// [`Store::correct_midway_check`]. Refused: a blank reason, another
    /// child's challenge (not found), stages added, removed or renamed.
    pub async fn correct_challenge(
        &self,
        id: i64,
        challenge: &Challenge,
        correction: &Correction,
    ) -> Result<Vec<&'static str>> {
        dispatch!(self, correct_challenge(id, challenge, correction))
    }

    /// Corrects the visit held as `id`, as [`Store::correct_midway_check`]
    /// (record `visit`).
    pub async fn correct_visit(
        &self,
        id: i64,
        visit: &IroVisit,
        correction: &Correction,
    ) -> Result<Vec<&'static str>> {
        dispatch!(self, correct_visit(id, visit, correction))
    }

    // -- challenges ------------------------------------------------------------

    /// Raises a challenge with its first stage; returns it with its new id.
    pub async fn raise_challenge(&self, new: &NewChallenge) -> Result<Challenge> {
        dispatch!(self, raise_challenge(new))
    }

    /// Escalates an open challenge to a further stage.
    pub async fn add_challenge_stage(&self, id: i64, stage: &ChallengeStage) -> Result<Challenge> {
        dispatch!(self, add_challenge_stage(id, stage))
    }

    /// Records the response to the latest stage awaiting one.
    pub async fn respond_to_challenge(&self, id: i64, responded: NaiveDate) -> Result<Challenge> {
        dispatch!(self, respond_to_challenge(id, responded))
    }

    pub async fn refer_challenge_to_cafcass(&self, id: i64, on: NaiveDate) -> Result<Challenge> {
        dispatch!(self, refer_challenge_to_cafcass(id, on))
    }

    /// Closes an open challenge with its outcome.
    pub async fn resolve_challenge(
        &self,
        id: i64,
        on: NaiveDate,
        outcome: ChallengeOutcome,
    ) -> Result<Challenge> {
        dispatch!(self, resolve_challenge(id, on, outcome))
    }

    pub async fn challenge(&self, id: i64) -> Result<Option<Challenge>> {
        dispatch!(self, challenge(id))
    }

    pub async fn challenges_of(&self, child: &ChildId) -> Result<Vec<Challenge>> {
        dispatch!(self, challenges_of(child))
    }

    // -- users -------------------------------------------------------------------

    /// Adds a user; the name must be free.
    pub async fn add_user(&self, user: &NewUser) -> Result<User> {
        dispatch!(self, add_user(user))
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>> {
        dispatch!(self, user_by_name(name))
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        dispatch!(self, users())
    }

    /// Sets a user's password hash and ends their sessions (the session
    /// generation moves on).
    pub async fn set_password_hash(&self, name: &str, hash: &str) -> Result<User> {
        dispatch!(self, set_password_hash(name, hash))
    }

    /// Disables a user (their sessions end at once) or enables them again.
    pub async fn set_user_disabled(&self, name: &str, disabled: bool) -> Result<User> {
        dispatch!(self, set_user_disabled(name, disabled))
    }

    /// Changes a user's role; an IRO user names the IRO they are, other
    /// roles name none.
    pub async fn set_user_role(&self, name: &str, role: Role, iro: Option<&IroId>) -> Result<User> {
        dispatch!(self, set_user_role(name, role, iro))
    }

    /// Issues a one-time password reset for the user `name`, stored as
    /// `code_hash`, working until `expires_at` (Unix seconds). Any earlier
    /// reset of theirs not yet used is spent.
    pub async fn issue_password_reset(
        &self,
        name: &str,
        code_hash: &str,
        issued_by: &str,
        expires_at: i64,
    ) -> Result<PasswordReset> {
        dispatch!(
            self,
            issue_password_reset(name, code_hash, issued_by, expires_at)
        )
    }

    /// The reset stored as `code_hash` if it still works at `now_unix`
    /// (not spent, not expired, its user not disabled).
    pub async fn password_reset(
        &self,
        code_hash: &str,
        now_unix: i64,
    ) -> Result<Option<PasswordReset>> {
        dispatch!(self, password_reset(code_hash, now_unix))
    }

    /// Uses the reset stored as `code_hash`: in one transaction it is spent
    /// and the user's password hash set (their sessions end). `None`, with
    /// nothing changed, when it does not work (see [`Store::password_reset`]).
    pub async fn use_password_reset(
        &self,
        code_hash: &str,
        now_unix: i64,
        password_hash: &str,
    ) -> Result<Option<User>> {
        dispatch!(self, use_password_reset(code_hash, now_unix, password_hash))
    }

    // -- settings and narratives ---------------------------------------------

    pub async fn setting(&self, key: &str) -> Result<Option<serde_json::Value>> {
        dispatch!(self, setting(key))
    }

    pub async fn set_setting(&self, key: &str, value: &serde_json::Value) -> Result<()> {
        dispatch!(self, set_setting(key, value))
    }

    /// The manager's text for one section of a year's report.
    pub async fn narrative(&self, year: CollectionYear, section: &str) -> Result<Option<String>> {
        dispatch!(self, narrative(year, section))
    }

    /// Every section's text for a year, by section.
    pub async fn narratives(
        &self,
        year: CollectionYear,
    ) -> Result<std::collections::BTreeMap<String, String>> {
        dispatch!(self, narratives(year))
    }

    /// Saves a section's text for `year`'s report; the text it replaces is
    /// kept (`narrative_versions`), with `by` and the time.
    pub async fn set_narrative(
        &self,
        year: CollectionYear,
        section: &str,
        text: &str,
        by: &str,
    ) -> Result<()> {
        dispatch!(self, set_narrative(year, section, text, by))
    }

    /// The texts a section of `year`'s report had before, oldest first,
    /// each with who replaced it.
    pub async fn narrative_versions(
        &self,
        year: CollectionYear,
        section: &str,
    ) -> Result<Vec<(String, String)>> {
        dispatch!(self, narrative_versions(year, section))
    }

    /// The latest version of the manager's words for a year's report
    /// (`footprint_report::words::Words` as JSON), with its version number.
    pub async fn report_words(
        &self,
        year: CollectionYear,
    ) -> Result<Option<(i64, serde_json::Value)>> {
        dispatch!(self, report_words(year))
    }

    /// Saves the manager's words for a year as a new version (none is
    /// overwritten), recording who saved them; gives the version.
    pub async fn save_report_words(
        &self,
        year: CollectionYear,
        body: &serde_json::Value,
        actor: &str,
    ) -> Result<i64> {
        dispatch!(self, save_report_words(year, body, actor))
    }

    // -- bank holidays -----------------------------------------------------------

    pub async fn bank_holidays(&self) -> Result<Vec<BankHoliday>> {
        dispatch!(self, bank_holidays())
    }

    pub async fn replace_bank_holidays(&self, holidays: &[BankHoliday]) -> Result<()> {
        dispatch!(self, replace_bank_holidays(holidays))
    }

    /// Fills an empty bank-holiday table from `calendar` (normally
    /// `WorkingDayCalendar::england_and_wales()`, the repository's CSV).
    /// Returns whether it did.
    pub async fn seed_bank_holidays(&self, calendar: &WorkingDayCalendar) -> Result<bool> {
        dispatch!(self, seed_bank_holidays(calendar))
    }

    /// The working-day calendar from the stored bank holidays (`None` when
    /// there are none).
    pub async fn calendar(&self) -> Result<Option<WorkingDayCalendar>> {
        let holidays = self.bank_holidays().await?;
        if holidays.is_empty() {
            return Ok(None);
        }
        WorkingDayCalendar::from_holidays(holidays)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                table: "bank_holidays",
                column: "holiday_date",
                reason: e.to_string(),
            })
    }

    // -- audit log -----------------------------------------------------------------

    /// Appends to the audit log. `detail` must not hold a name, date of
    /// birth or free text. There is no way to change or delete a row: the
    /// databases refuse it (triggers).
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        child: Option<&ChildId>,
        detail: &str,
    ) -> Result<i64> {
        dispatch!(self, audit(actor, action, child, detail))
    }

    /// How many audit rows `query`'s filters match (its limit and offset
    /// aside): the audit page's paging.
    pub async fn audit_count(&self, query: &AuditQuery) -> Result<u64> {
        dispatch!(self, audit_count(query))
    }

    /// Audit rows, newest first.
    pub async fn audit_log(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        dispatch!(self, audit_log(query))
    }

    // -- web sessions --------------------------------------------------------------

    /// A session that has not expired at `now_unix`.
    pub async fn session_load(&self, id: &str, now_unix: i64) -> Result<Option<SessionRow>> {
        dispatch!(self, session_load(id, now_unix))
    }

    /// Inserts a new session; `false` if the id is taken.
    pub async fn session_create(&self, session: &SessionRow) -> Result<bool> {
        dispatch!(self, session_create(session))
    }

    /// Inserts or replaces a session.
    pub async fn session_save(&self, session: &SessionRow) -> Result<()> {
        dispatch!(self, session_save(session))
    }

    pub async fn session_delete(&self, id: &str) -> Result<()> {
        dispatch!(self, session_delete(id))
    }

    /// Deletes sessions expired at `now_unix`; returns how many.
    pub async fn session_delete_expired(&self, now_unix: i64) -> Result<u64> {
        dispatch!(self, session_delete_expired(now_unix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact_url("postgres://fp:secret@db.example:5432/fp"),
            "postgres://fp:***@db.example:5432/fp"
        );
        assert_eq!(
            redact_url("postgres://fp@db.example/fp"),
            "postgres://fp@db.example/fp"
        );
        assert_eq!(redact_url("sqlite://footprint.db"), "sqlite://footprint.db");
    }

    #[test]
    fn a_sqlite_urls_file_is_named_and_no_other_url_has_one() {
        assert_eq!(
            sqlite_file("sqlite://dir/footprint.db"),
            Some(std::path::PathBuf::from("dir/footprint.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://u@127.0.0.1:5432/db"), None);
        assert_eq!(sqlite_file("sqlite://"), None);
        assert_eq!(sqlite_file("mysql://x@y/z"), None);
    }

    #[test]
    fn unknown_schemes_are_refused_with_the_expected_forms() {
        let Err(e) = parse_url("mysql://x@y/z") else {
            panic!("mysql accepted")
        };
        let msg = e.to_string();
        assert!(msg.contains("sqlite://FILE"), "{msg}");
        assert!(parse_url("sqlite://").is_err());
        assert!(parse_url("sqlite://footprint.db").is_ok());
        assert!(parse_url("postgres://u@127.0.0.1:5432/db").is_ok());
    }

    #[test]
    fn migrations_are_numbered_in_order_up_to_the_schema_version() {
        let expected = 1..=SCHEMA_VERSION;
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        assert_eq!(versions, expected.collect::<Vec<_>>());
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
