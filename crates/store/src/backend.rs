// The repositories, written once and compiled twice: `lib.rs` includes this
// file in `mod sqlite` (Db = sqlx::Sqlite) and `mod postgres`
// (Db = sqlx::Postgres). The SQL is the dialect both share: `$N`
// placeholders (SQLite accepts them), `INSERT ... ON CONFLICT ... DO UPDATE`,
// `RETURNING`, dates as ISO text, integers as 64-bit. Where the dialects
// differ the code branches on `POSTGRES`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use footprint_domain::calendar::{BankHoliday, WorkingDayCalendar};
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{
    Allocation, AttendeeRole, Challenge, ChallengeOutcome, ChallengeStage, Child, ChildId, ChildName, Dataset,
    Episode, HealthOutcomes, Iro, IroId, IroVisit, LateReason, MidwayCheck, MissingEpisode, QualityGrade, Recommendation,
    Review, ReviewDetails, ReviewKind, SocialWorkerReport, UascStatus, VisitKind,
};
use footprint_domain::periods::assemble_periods;
use sqlx::{QueryBuilder, Row};

use crate::convert::{
    child_id, code, count, date, iso, key, now, opt_code, opt_date, opt_iso, timestamp, to_i64,
};
use crate::error::{Result, StoreError};
use crate::types::{
    AuditEntry, AuditQuery, ChildRecord, ImportBatch, ImportProblem, ImportProgress, ImportRun,
    ImportSummary, MigrationReport, NewChallenge, NewUser, RecordCounts, Role, SessionRow,
    Severity, User, WriteSummary,
};
use crate::{MIGRATIONS, SCHEMA_VERSION};

pub(crate) type Pool = sqlx::Pool<Db>;
type Conn = <Db as sqlx::Database>::Connection;
type DbRow = <Db as sqlx::Database>::Row;
type Tx = sqlx::Transaction<'static, Db>;

/// Bound parameters per statement in bulk inserts: under SQLite's 32,766
/// and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;

/// How often an import reports progress (records).
const PROGRESS_EVERY: usize = 1_000;

/// A transaction that will write. SQLite takes the write lock at once
/// (`BEGIN IMMEDIATE`) so that two writers queue on the busy timeout rather
/// than fail when a read lock cannot be upgraded.
async fn write_tx(pool: &Pool) -> Result<Tx> {
    if POSTGRES {
        Ok(pool.begin().await?)
    } else {
        Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

// ---------------------------------------------------------------------------
// Schema version and migrations

async fn current_version(conn: &mut Conn) -> Result<i64> {
    let exists_sql = if POSTGRES {
        "SELECT COUNT(*) FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name = 'schema_version'"
    } else {
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    };
    let n: i64 = sqlx::query_scalar(exists_sql).fetch_one(&mut *conn).await?;
    if n == 0 {
        return Ok(0);
    }
    let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_version")
        .fetch_one(&mut *conn)
        .await?;
    Ok(v.unwrap_or(0))
}

pub(crate) async fn schema_version(pool: &Pool) -> Result<i64> {
    let mut conn = pool.acquire().await?;
    current_version(&mut conn).await
}

pub(crate) async fn migrate(pool: &Pool) -> Result<MigrationReport> {
    let mut tx = write_tx(pool).await?;
    if POSTGRES {
        // Two `footprint migrate` at once: the second waits, then finds
        // nothing to do.
        sqlx::query("SELECT pg_advisory_xact_lock(4242903)")
            .execute(&mut *tx)
            .await?;
    }
    let from = current_version(&mut tx).await?;
    if from > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: from,
            known: SCHEMA_VERSION,
        });
    }
    if from == 0 {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_version (
                version     BIGINT PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at  TEXT NOT NULL
            )",
        )
        .execute(&mut *tx)
        .await?;
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > from) {
        let sql = if POSTGRES { m.postgres } else { m.sqlite };
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.description)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(MigrationReport {
        from,
        to: SCHEMA_VERSION,
    })
}

pub(crate) async fn data_version(pool: &Pool) -> Result<i64> {
    let row = sqlx::query("SELECT version FROM data_version WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

pub(crate) async fn integrity_check(pool: &Pool) -> Result<Vec<String>> {
    if POSTGRES {
        // PostgreSQL has no equivalent of SQLite's integrity_check; its own
        // WAL keeps the database consistent. Check that it answers.
        sqlx::query("SELECT 1").execute(pool).await?;
        return Ok(Vec::new());
    }
    let mut conn = pool.acquire().await?;
    let mut problems = Vec::new();
    for row in sqlx::query("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await?
    {
        let line: String = row.try_get(0)?;
        if line != "ok" {
            problems.push(line);
        }
    }
    for row in sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut *conn)
        .await?
    {
        let table: String = row.try_get(0)?;
        let parent: String = row.try_get(2)?;
        problems.push(format!("{table}: a row refers to a missing {parent} row"));
    }
    Ok(problems)
}

pub(crate) async fn backup_to(pool: &Pool, path: &str) -> Result<()> {
    if POSTGRES {
        return Err(StoreError::Unsupported(
            "footprint backup copies SQLite databases only: back up PostgreSQL with \
             `pg_dump --format=custom --file=FILE DATABASE_URL` and restore with \
             `pg_restore --dbname=DATABASE_URL FILE` (see docs/storage.md)"
                .to_owned(),
        ));
    }
    sqlx::query("VACUUM INTO $1")
        .bind(path.to_owned())
        .execute(pool)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Generic helpers

/// Insert `rows` with multi-row `INSERT ... VALUES (...), (...)` statements,
/// as many rows per statement as the parameter limit allows.
async fn bulk_insert<T>(
    conn: &mut Conn,
    head: &'static str,
    columns: usize,
    rows: &[T],
    mut bind: impl FnMut(&mut sqlx::query_builder::Separated<'_, Db, &'static str>, &T),
) -> Result<()> {
    let per = (MAX_PARAMS / columns).max(1);
    for chunk in rows.chunks(per) {
        let mut qb = QueryBuilder::<Db>::new(head);
        qb.push(" ");
        qb.push_values(chunk, |mut sep, row| bind(&mut sep, row));
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn child_exists(conn: &mut Conn, child: &ChildId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM children WHERE id = $1")
        .bind(child.as_str())
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}

async fn ensure_child(conn: &mut Conn, child: &ChildId) -> Result<()> {
    if child_exists(conn, child).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("child {child}")))
    }
}

async fn ensure_iro(conn: &mut Conn, iro: &IroId) -> Result<()> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM iros WHERE id = $1")
        .bind(iro.0.as_str())
        .fetch_one(&mut *conn)
        .await?;
    if n > 0 {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("IRO {iro}")))
    }
}

fn opt_iro(s: Option<String>) -> Option<IroId> {
    s.map(IroId)
}

// ---------------------------------------------------------------------------
// Row mapping

macro_rules! child_cols {
    () => {
        "id, sex, date_of_birth, ethnicity, upn, mother, mothers_child_dob, uasc, uasc_ceased, \
         (SELECT given_name FROM child_names WHERE child_names.child = children.id) AS given_name, \
         (SELECT family_name FROM child_names WHERE child_names.child = children.id) AS family_name"
    };
}

fn child_from(row: &DbRow) -> Result<Child> {
    const T: &str = "children";
    let uasc: bool = row.try_get("uasc")?;
    Ok(Child {
        id: child_id(T, "id", &row.try_get::<String, _>("id")?)?,
        sex: code(T, "sex", &row.try_get::<String, _>("sex")?)?,
        date_of_birth: date(
            T,
            "date_of_birth",
            &row.try_get::<String, _>("date_of_birth")?,
        )?,
        ethnicity: code(T, "ethnicity", &row.try_get::<String, _>("ethnicity")?)?,
        upn: row.try_get("upn")?,
        mother: row.try_get("mother")?,
        mothers_child_dob: opt_date(T, "mothers_child_dob", row.try_get("mothers_child_dob")?)?,
        uasc: if uasc {
            Some(UascStatus {
                ceased: opt_date(T, "uasc_ceased", row.try_get("uasc_ceased")?)?,
            })
        } else {
            None
        },
        name: name_from(
            row.try_get("given_name")?,
            row.try_get("family_name")?,
        )?,
    })
}

/// A name read from `child_names` (both parts, or neither when none is
/// recorded). The error never carries the name.
fn name_from(given: Option<String>, family: Option<String>) -> Result<Option<ChildName>> {
    match (given, family) {
        (None, None) => Ok(None),
        (Some(g), Some(f)) => ChildName::new(&g, &f)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                table: "child_names",
                column: if e.part() == "given name" {
                    "given_name"
                } else {
                    "family_name"
                },
                reason: e.to_string(),
            }),
        _ => Err(StoreError::Corrupt {
            table: "child_names",
            column: "family_name",
            reason: "only one part of the name is recorded".into(),
        }),
    }
}

macro_rules! episode_cols {
    () => {
        "child, start_date, end_date, reason_new, legal_status, category_of_need, placement, \
         provider, reason_ceased, reason_place_change, home_postcode, placement_postcode, urn"
    };
}

fn episode_from(row: &DbRow) -> Result<Episode> {
    const T: &str = "episodes";
    Ok(Episode {
        child: child_id(T, "child", &row.try_get::<String, _>("child")?)?,
        start: date(T, "start_date", &row.try_get::<String, _>("start_date")?)?,
        end: opt_date(T, "end_date", row.try_get("end_date")?)?,
        reason_new: code(T, "reason_new", &row.try_get::<String, _>("reason_new")?)?,
        legal_status: code(
            T,
            "legal_status",
            &row.try_get::<String, _>("legal_status")?,
        )?,
        category_of_need: opt_code(T, "category_of_need", row.try_get("category_of_need")?)?,
        placement: code(T, "placement", &row.try_get::<String, _>("placement")?)?,
        provider: opt_code(T, "provider", row.try_get("provider")?)?,
        reason_ceased: opt_code(T, "reason_ceased", row.try_get("reason_ceased")?)?,
        reason_place_change: opt_code(
            T,
            "reason_place_change",
            row.try_get("reason_place_change")?,
        )?,
        home_postcode: row.try_get("home_postcode")?,
        placement_postcode: row.try_get("placement_postcode")?,
        urn: row.try_get("urn")?,
    })
}

macro_rules! review_cols {
    () => {
        "child, review_date, participation, has_details, chair, kind, sw_report_status, \
         sw_report_date, decisions_issued, record_circulated, quality, late_reason"
    };
}

/// A review without its attendance and recommendations (filled in after).
fn review_from(row: &DbRow) -> Result<Review> {
    const T: &str = "reviews";
    let has_details: bool = row.try_get("has_details")?;
    let details = if has_details {
        let kind = match row.try_get::<Option<String>, _>("kind")?.as_deref() {
            None | Some("statutory") => ReviewKind::Statutory,
            Some("additional") => ReviewKind::Additional,
            Some(other) => {
                return Err(StoreError::Corrupt {
                    table: T,
                    column: "kind",
                    reason: format!("`{other}` is not statutory or additional"),
                });
            }
        };
        let sw_date = opt_date(T, "sw_report_date", row.try_get("sw_report_date")?)?;
        let social_worker_report = match row
            .try_get::<Option<String>, _>("sw_report_status")?
            .as_deref()
        {
            None | Some("not_recorded") => SocialWorkerReport::NotRecorded,
            Some("not_received") => SocialWorkerReport::NotReceived,
            Some("received") => match sw_date {
                Some(d) => SocialWorkerReport::Received(d),
                None => {
                    return Err(StoreError::Corrupt {
                        table: T,
                        column: "sw_report_date",
                        reason: "a received report has no date".to_owned(),
                    });
                }
            },
            Some(other) => {
                return Err(StoreError::Corrupt {
                    table: T,
                    column: "sw_report_status",
                    reason: format!("`{other}` is not a known status"),
                });
            }
        };
        let quality = match row.try_get::<Option<String>, _>("quality")? {
            Some(q) => Some(key(T, "quality", &q, QualityGrade::from_key)?),
            None => None,
        };
        let late_reason = match row.try_get::<Option<String>, _>("late_reason")? {
            Some(r) => Some(key(T, "late_reason", &r, LateReason::from_key)?),
            None => None,
        };
        Some(ReviewDetails {
            chair: opt_iro(row.try_get("chair")?),
            kind,
            attendance: Vec::new(),
            social_worker_report,
            decisions_issued: opt_date(T, "decisions_issued", row.try_get("decisions_issued")?)?,
            record_circulated: opt_date(T, "record_circulated", row.try_get("record_circulated")?)?,
            quality,
            recommendations: Vec::new(),
            late_reason,
        })
    } else {
        None
    };
    Ok(Review {
        child: child_id(T, "child", &row.try_get::<String, _>("child")?)?,
        date: date(T, "review_date", &row.try_get::<String, _>("review_date")?)?,
        participation: opt_code(T, "participation", row.try_get("participation")?)?,
        details,
    })
}

type ReviewKey = (String, String);

/// Fill in attendance and recommendations from their rows (ordered by seq).
fn attach_review_parts(
    reviews: &mut [Review],
    attendance: Vec<DbRow>,
    recommendations: Vec<DbRow>,
) -> Result<()> {
    let mut index: HashMap<ReviewKey, usize> = HashMap::with_capacity(reviews.len());
    for (i, r) in reviews.iter().enumerate() {
        index.insert((r.child.as_str().to_owned(), iso(r.date)), i);
    }
    for row in attendance {
        let k: ReviewKey = (row.try_get("child")?, row.try_get("review_date")?);
        let role: String = row.try_get("role")?;
        let role = key("review_attendance", "role", &role, AttendeeRole::from_key)?;
        if let Some(d) = index.get(&k).and_then(|&i| reviews[i].details.as_mut()) {
            d.attendance.push(role);
        }
    }
    for row in recommendations {
        const T: &str = "recommendations";
        let k: ReviewKey = (row.try_get("child")?, row.try_get("review_date")?);
        let rec = Recommendation {
            text: row.try_get("body")?,
            owner: row.try_get("owner")?,
            due: date(T, "due", &row.try_get::<String, _>("due")?)?,
            completed: opt_date(T, "completed", row.try_get("completed")?)?,
        };
        if let Some(d) = index.get(&k).and_then(|&i| reviews[i].details.as_mut()) {
            d.recommendations.push(rec);
        }
    }
    Ok(())
}

fn missing_from(row: &DbRow) -> Result<MissingEpisode> {
    const T: &str = "missing_episodes";
    Ok(MissingEpisode {
        child: child_id(T, "child", &row.try_get::<String, _>("child")?)?,
        kind: code(T, "kind", &row.try_get::<String, _>("kind")?)?,
        start: date(T, "start_date", &row.try_get::<String, _>("start_date")?)?,
        end: opt_date(T, "end_date", row.try_get("end_date")?)?,
    })
}

fn health_outcomes_from(row: &DbRow) -> Result<HealthOutcomes> {
    const T: &str = "health_outcomes";
    let year: i64 = row.try_get("collection_year")?;
    let corrupt = |column: &'static str, reason: String| StoreError::Corrupt {
        table: T,
        column,
        reason,
    };
    let sdq_score = match row.try_get::<Option<i64>, _>("sdq_score")? {
        None => None,
        Some(n) => Some(
            u8::try_from(n)
                .ok()
                .filter(|n| *n <= HealthOutcomes::SDQ_MAX)
                .ok_or_else(|| corrupt("sdq_score", format!("{n} is not an SDQ score (0-40)")))?,
        ),
    };
    let flag = |column: &'static str| -> Result<Option<bool>> { Ok(row.try_get(column)?) };
    Ok(HealthOutcomes {
        child: child_id(T, "child", &row.try_get::<String, _>("child")?)?,
        year: CollectionYear::new(
            i32::try_from(year).map_err(|_| corrupt("collection_year", format!("{year} is not a year")))?,
        ),
        sdq_score,
        sdq_reason: opt_code(T, "sdq_reason", row.try_get("sdq_reason")?)?,
        convicted: flag("convicted")?,
        health_check: flag("health_check")?,
        immunisations: flag("immunisations")?,
        teeth_check: flag("teeth_check")?,
        health_assessment: flag("health_assessment")?,
        substance_misuse: flag("substance_misuse")?,
        intervention_received: flag("intervention_received")?,
        intervention_offered: flag("intervention_offered")?,
    })
}

async fn health_outcomes_in(conn: &mut Conn, child: Option<&ChildId>) -> Result<Vec<HealthOutcomes>> {
    let rows = match child {
        Some(c) => {
            sqlx::query("SELECT * FROM health_outcomes WHERE child = $1 ORDER BY collection_year")
                .bind(c.as_str())
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query("SELECT * FROM health_outcomes")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut out = rows
        .iter()
        .map(health_outcomes_from)
        .collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| (&a.child, a.year).cmp(&(&b.child, b.year)));
    Ok(out)
}

fn iro_from(row: &DbRow) -> Result<Iro> {
    const T: &str = "iros";
    Ok(Iro {
        id: IroId(row.try_get("id")?),
        name: row.try_get("name")?,
        fte: row.try_get("fte")?,
        started: date(T, "started", &row.try_get::<String, _>("started")?)?,
        left: opt_date(T, "left_on", row.try_get("left_on")?)?,
    })
}

fn allocation_from(row: &DbRow) -> Result<Allocation> {
    const T: &str = "allocations";
    Ok(Allocation {
        child: child_id(T, "child", &row.try_get::<String, _>("child")?)?,
        iro: IroId(row.try_get("iro")?),
        from: date(T, "from_date", &row.try_get::<String, _>("from_date")?)?,
        to: opt_date(T, "to_date", row.try_get("to_date")?)?,
    })
}

fn midway_from(row: &DbRow) -> Result<MidwayCheck> {
    const T: &str = "midway_checks";
    Ok(MidwayCheck {
        child: child_id(T, "child", &row.try_get::<String, _>("child")?)?,
        date: date(T, "check_date", &row.try_get::<String, _>("check_date")?)?,
        iro: opt_iro(row.try_get("iro")?),
    })
}

fn visit_kind_key(k: VisitKind) -> &'static str {
    match k {
        VisitKind::InPerson => "in_person",
        VisitKind::Virtual => "virtual",
        VisitKind::Phone => "phone",
    }
}

fn visit_kind_from_key(s: &str) -> Option<VisitKind> {
    [VisitKind::InPerson, VisitKind::Virtual, VisitKind::Phone]
        .into_iter()
        .find(|k| visit_kind_key(*k) == s)
}

fn visit_from(row: &DbRow) -> Result<IroVisit> {
    const T: &str = "iro_visits";
    Ok(IroVisit {
        child: child_id(T, "child", &row.try_get::<String, _>("child")?)?,
        date: date(T, "visit_date", &row.try_get::<String, _>("visit_date")?)?,
        kind: key(
            T,
            "kind",
            &row.try_get::<String, _>("kind")?,
            visit_kind_from_key,
        )?,
        iro: opt_iro(row.try_get("iro")?),
    })
}

fn outcome_key(o: ChallengeOutcome) -> &'static str {
    match o {
        ChallengeOutcome::Resolved => "resolved",
        ChallengeOutcome::Withdrawn => "withdrawn",
        ChallengeOutcome::ReferredToCafcass => "referred_to_cafcass",
    }
}

fn outcome_from_key(s: &str) -> Option<ChallengeOutcome> {
    [
        ChallengeOutcome::Resolved,
        ChallengeOutcome::Withdrawn,
        ChallengeOutcome::ReferredToCafcass,
    ]
    .into_iter()
    .find(|o| outcome_key(*o) == s)
}

fn review_kind_key(k: ReviewKind) -> &'static str {
    match k {
        ReviewKind::Statutory => "statutory",
        ReviewKind::Additional => "additional",
    }
}

enum ChallengeFilter<'a> {
    All,
    Child(&'a str),
    Id(i64),
}

async fn load_challenges(conn: &mut Conn, filter: ChallengeFilter<'_>) -> Result<Vec<Challenge>> {
    const T: &str = "challenges";
    macro_rules! fetch {
        ($all:literal, $child:literal, $id:literal) => {
            match filter {
                ChallengeFilter::All => sqlx::query($all).fetch_all(&mut *conn).await?,
                ChallengeFilter::Child(c) => {
                    sqlx::query($child).bind(c).fetch_all(&mut *conn).await?
                }
                ChallengeFilter::Id(id) => sqlx::query($id).bind(id).fetch_all(&mut *conn).await?,
            }
        };
    }
    let rows = fetch!(
        "SELECT * FROM challenges ORDER BY id",
        "SELECT * FROM challenges WHERE child = $1 ORDER BY id",
        "SELECT * FROM challenges WHERE id = $1"
    );
    let themes = fetch!(
        "SELECT challenge, theme FROM challenge_themes ORDER BY challenge, seq",
        "SELECT challenge, theme FROM challenge_themes WHERE challenge IN \
         (SELECT id FROM challenges WHERE child = $1) ORDER BY challenge, seq",
        "SELECT challenge, theme FROM challenge_themes WHERE challenge = $1 ORDER BY seq"
    );
    let stages = fetch!(
        "SELECT * FROM challenge_stages ORDER BY challenge, seq",
        "SELECT * FROM challenge_stages WHERE challenge IN \
         (SELECT id FROM challenges WHERE child = $1) ORDER BY challenge, seq",
        "SELECT * FROM challenge_stages WHERE challenge = $1 ORDER BY seq"
    );
    let mut out = Vec::with_capacity(rows.len());
    let mut index = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let outcome = match row.try_get::<Option<String>, _>("outcome")? {
            Some(o) => Some(key(T, "outcome", &o, outcome_from_key)?),
            None => None,
        };
        index.insert(id, out.len());
        out.push(Challenge {
            id,
            child: child_id(T, "child", &row.try_get::<String, _>("child")?)?,
            iro: opt_iro(row.try_get("iro")?),
            raised: date(T, "raised", &row.try_get::<String, _>("raised")?)?,
            themes: Vec::new(),
            stages: Vec::new(),
            referred_to_cafcass: opt_date(
                T,
                "referred_to_cafcass",
                row.try_get("referred_to_cafcass")?,
            )?,
            resolved: opt_date(T, "resolved", row.try_get("resolved")?)?,
            outcome,
        });
    }
    for row in themes {
        let id: i64 = row.try_get("challenge")?;
        if let Some(&i) = index.get(&id) {
            out[i].themes.push(row.try_get("theme")?);
        }
    }
    for row in stages {
        const S: &str = "challenge_stages";
        let id: i64 = row.try_get("challenge")?;
        let days: i64 = row.try_get("timescale_working_days")?;
        let stage = ChallengeStage {
            stage: row.try_get("stage")?,
            started: date(S, "started", &row.try_get::<String, _>("started")?)?,
            timescale_working_days: u32::try_from(days).map_err(|_| StoreError::Corrupt {
                table: S,
                column: "timescale_working_days",
                reason: format!("{days} is not a number of days"),
            })?,
            responded: opt_date(S, "responded", row.try_get("responded")?)?,
        };
        if let Some(&i) = index.get(&id) {
            out[i].stages.push(stage);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The whole dataset

async fn reviews_known_from(conn: &mut Conn) -> Result<Option<NaiveDate>> {
    let first_year: Option<i64> = sqlx::query_scalar("SELECT MIN(year) FROM import_runs")
        .fetch_one(&mut *conn)
        .await?;
    let from_imports = match first_year {
        Some(y) => Some(
            CollectionYear::new(i32::try_from(y).map_err(|_| StoreError::Corrupt {
                table: "import_runs",
                column: "year",
                reason: format!("{y} is not a year"),
            })?)
            .start(),
        ),
        None => None,
    };
    let recorded: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(crate::REVIEWS_RECORDED_FROM)
        .fetch_optional(&mut *conn)
        .await?;
    let from_setting = match recorded {
        Some(json) => {
            let s: String = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                table: "settings",
                column: "value",
                reason: format!("{}: {e}", crate::REVIEWS_RECORDED_FROM),
            })?;
            Some(date("settings", "value", &s)?)
        }
        None => None,
    };
    Ok(match (from_imports, from_setting) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

pub(crate) async fn load_dataset(pool: &Pool) -> Result<Dataset> {
    // One read transaction: a consistent snapshot on both databases.
    let mut tx = pool.begin().await?;
    let conn: &mut Conn = &mut tx;
    let mut children = Vec::new();
    for row in sqlx::query(concat!("SELECT ", child_cols!(), " FROM children"))
        .fetch_all(&mut *conn)
        .await?
    {
        children.push(child_from(&row)?);
    }
    children.sort_by(|a, b| a.id.cmp(&b.id));

    let mut episodes = Vec::new();
    for row in sqlx::query(concat!("SELECT ", episode_cols!(), " FROM episodes"))
        .fetch_all(&mut *conn)
        .await?
    {
        episodes.push(episode_from(&row)?);
    }
    episodes.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));

    let mut reviews = Vec::new();
    for row in sqlx::query(concat!("SELECT ", review_cols!(), " FROM reviews"))
        .fetch_all(&mut *conn)
        .await?
    {
        reviews.push(review_from(&row)?);
    }
    let attendance =
        sqlx::query("SELECT child, review_date, role FROM review_attendance ORDER BY seq")
            .fetch_all(&mut *conn)
            .await?;
    let recs = sqlx::query("SELECT * FROM recommendations ORDER BY seq")
        .fetch_all(&mut *conn)
        .await?;
    attach_review_parts(&mut reviews, attendance, recs)?;
    reviews.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let mut missing = Vec::new();
    for row in sqlx::query("SELECT * FROM missing_episodes")
        .fetch_all(&mut *conn)
        .await?
    {
        missing.push(missing_from(&row)?);
    }
    missing.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));

    let mut iros = Vec::new();
    for row in sqlx::query("SELECT * FROM iros")
        .fetch_all(&mut *conn)
        .await?
    {
        iros.push(iro_from(&row)?);
    }
    iros.sort_by(|a, b| a.id.cmp(&b.id));

    let mut allocations = Vec::new();
    for row in sqlx::query("SELECT * FROM allocations ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
    {
        allocations.push(allocation_from(&row)?);
    }
    allocations.sort_by(|a, b| (&a.child, a.from).cmp(&(&b.child, b.from)));

    let mut midway_checks = Vec::new();
    for row in sqlx::query("SELECT * FROM midway_checks ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
    {
        midway_checks.push(midway_from(&row)?);
    }
    midway_checks.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let mut visits = Vec::new();
    for row in sqlx::query("SELECT * FROM iro_visits ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
    {
        visits.push(visit_from(&row)?);
    }
    visits.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let challenges = load_challenges(conn, ChallengeFilter::All).await?;
    let reviews_known_from = reviews_known_from(conn).await?;
    let sibling_groups = sibling_groups_in(conn).await?;
    let health_outcomes = health_outcomes_in(conn, None).await?;
    tx.commit().await?;
    Ok(Dataset {
        children,
        episodes,
        reviews,
        missing,
        iros,
        allocations,
        midway_checks,
        visits,
        challenges,
        reviews_known_from,
        sibling_groups,
        health_outcomes,
    })
}

// ---------------------------------------------------------------------------
// Bulk writes (replace_dataset)

async fn insert_children(conn: &mut Conn, rows: &[Child]) -> Result<()> {
    bulk_insert(
        conn,
        "INSERT INTO children (id, sex, date_of_birth, ethnicity, upn, mother, \
         mothers_child_dob, uasc, uasc_ceased)",
        9,
        rows,
        |b, c| {
            b.push_bind(c.id.as_str().to_owned())
                .push_bind(c.sex.code())
                .push_bind(iso(c.date_of_birth))
                .push_bind(c.ethnicity.code())
                .push_bind(c.upn.clone())
                .push_bind(c.mother)
                .push_bind(opt_iso(c.mothers_child_dob))
                .push_bind(c.uasc.is_some())
                .push_bind(c.uasc.as_ref().and_then(|u| opt_iso(u.ceased)));
        },
    )
    .await
}

async fn insert_episodes(conn: &mut Conn, rows: &[Episode]) -> Result<()> {
    bulk_insert(
        conn,
        concat!("INSERT INTO episodes (", episode_cols!(), ")"),
        13,
        rows,
        |b, e| {
            b.push_bind(e.child.as_str().to_owned())
                .push_bind(iso(e.start))
                .push_bind(opt_iso(e.end))
                .push_bind(e.reason_new.code())
                .push_bind(e.legal_status.code())
                .push_bind(e.category_of_need.map(|c| c.code()))
                .push_bind(e.placement.code())
                .push_bind(e.provider.map(|c| c.code()))
                .push_bind(e.reason_ceased.map(|c| c.code()))
                .push_bind(e.reason_place_change.map(|c| c.code()))
                .push_bind(e.home_postcode.clone())
                .push_bind(e.placement_postcode.clone())
                .push_bind(e.urn.clone());
        },
    )
    .await
}

fn sw_report_parts(r: SocialWorkerReport) -> (&'static str, Option<String>) {
    match r {
        SocialWorkerReport::NotRecorded => ("not_recorded", None),
        SocialWorkerReport::Received(d) => ("received", Some(iso(d))),
        SocialWorkerReport::NotReceived => ("not_received", None),
    }
}

/// Attendance without repeats, in recorded order.
fn unique_roles(roles: &[AttendeeRole]) -> Vec<AttendeeRole> {
    let mut seen = HashSet::new();
    roles.iter().copied().filter(|r| seen.insert(*r)).collect()
}

async fn insert_reviews(conn: &mut Conn, rows: &[Review]) -> Result<()> {
    bulk_insert(
        conn,
        "INSERT INTO reviews (child, review_date, participation, has_details, chair, kind, \
         sw_report_status, sw_report_date, decisions_issued, record_circulated, quality, \
         late_reason)",
        12,
        rows,
        |b, r| {
            let d = r.details.as_ref();
            let (sw_status, sw_date) = match d {
                Some(d) => {
                    let (s, dt) = sw_report_parts(d.social_worker_report);
                    (Some(s), dt)
                }
                None => (None, None),
            };
            b.push_bind(r.child.as_str().to_owned())
                .push_bind(iso(r.date))
                .push_bind(r.participation.map(|p| p.code()))
                .push_bind(d.is_some())
                .push_bind(d.and_then(|d| d.chair.as_ref().map(|c| c.0.clone())))
                .push_bind(d.map(|d| review_kind_key(d.kind)))
                .push_bind(sw_status)
                .push_bind(sw_date)
                .push_bind(d.and_then(|d| opt_iso(d.decisions_issued)))
                .push_bind(d.and_then(|d| opt_iso(d.record_circulated)))
                .push_bind(d.and_then(|d| d.quality.map(|q| q.key())))
                .push_bind(d.and_then(|d| d.late_reason.map(|r| r.key())));
        },
    )
    .await?;
    let mut attendance = Vec::new();
    let mut recs = Vec::new();
    for r in rows {
        if let Some(d) = &r.details {
            for (i, role) in unique_roles(&d.attendance).into_iter().enumerate() {
                attendance.push((r.child.as_str(), iso(r.date), to_i64(i as u64), role.key()));
            }
            for (i, rec) in d.recommendations.iter().enumerate() {
                recs.push((r.child.as_str(), iso(r.date), to_i64(i as u64), rec));
            }
        }
    }
    bulk_insert(
        conn,
        "INSERT INTO review_attendance (child, review_date, seq, role)",
        4,
        &attendance,
        |b, (c, d, i, role)| {
            b.push_bind(c.to_string())
                .push_bind(d.clone())
                .push_bind(*i)
                .push_bind(*role);
        },
    )
    .await?;
    bulk_insert(
        conn,
        "INSERT INTO recommendations (child, review_date, seq, body, owner, due, completed)",
        7,
        &recs,
        |b, (c, d, i, rec)| {
            b.push_bind(c.to_string())
                .push_bind(d.clone())
                .push_bind(*i)
                .push_bind(rec.text.clone())
                .push_bind(rec.owner.clone())
                .push_bind(iso(rec.due))
                .push_bind(opt_iso(rec.completed));
        },
    )
    .await
}

async fn insert_missing(conn: &mut Conn, rows: &[MissingEpisode]) -> Result<()> {
    bulk_insert(
        conn,
        "INSERT INTO missing_episodes (child, start_date, kind, end_date)",
        4,
        rows,
        |b, m| {
            b.push_bind(m.child.as_str().to_owned())
                .push_bind(iso(m.start))
                .push_bind(m.kind.code())
                .push_bind(opt_iso(m.end));
        },
    )
    .await
}

/// The start of the SQL that inserts OC2 rows (13 values), for
/// `bulk_insert` and the import's upsert.
macro_rules! health_outcomes_insert {
    () => {
        "INSERT INTO health_outcomes (child, collection_year, sdq_score, sdq_reason, convicted, \
         health_check, immunisations, teeth_check, health_assessment, substance_misuse, \
         intervention_received, intervention_offered, source_year)"
    };
}

async fn insert_health_outcomes(conn: &mut Conn, rows: &[HealthOutcomes]) -> Result<()> {
    bulk_insert(conn, health_outcomes_insert!(), 13, rows, |b, h| {
        b.push_bind(h.child.as_str().to_owned())
            .push_bind(i64::from(h.year.start_year()))
            .push_bind(h.sdq_score.map(i64::from))
            .push_bind(h.sdq_reason.map(|r| r.code()))
            .push_bind(h.convicted)
            .push_bind(h.health_check)
            .push_bind(h.immunisations)
            .push_bind(h.teeth_check)
            .push_bind(h.health_assessment)
            .push_bind(h.substance_misuse)
            .push_bind(h.intervention_received)
            .push_bind(h.intervention_offered)
            .push_bind(None::<i64>);
    })
    .await
}

async fn upsert_iro(conn: &mut Conn, iro: &Iro) -> Result<()> {
    sqlx::query(
        "INSERT INTO iros (id, name, fte, started, left_on) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, fte = excluded.fte, \
         started = excluded.started, left_on = excluded.left_on",
    )
    .bind(iro.id.0.as_str())
    .bind(iro.name.as_str())
    .bind(iro.fte)
    .bind(iso(iro.started))
    .bind(opt_iso(iro.left))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn insert_challenge_parts(conn: &mut Conn, challenges: &[Challenge]) -> Result<()> {
    let mut themes = Vec::new();
    let mut stages = Vec::new();
    for c in challenges {
        for (i, t) in c.themes.iter().enumerate() {
            themes.push((c.id, to_i64(i as u64), t.as_str()));
        }
        for (i, s) in c.stages.iter().enumerate() {
            stages.push((c.id, to_i64(i as u64), s));
        }
    }
    bulk_insert(
        conn,
        "INSERT INTO challenge_themes (challenge, seq, theme)",
        3,
        &themes,
        |b, (id, i, t)| {
            b.push_bind(*id).push_bind(*i).push_bind(t.to_string());
        },
    )
    .await?;
    bulk_insert(
        conn,
        "INSERT INTO challenge_stages (challenge, seq, stage, started, timescale_working_days, \
         responded)",
        6,
        &stages,
        |b, (id, i, s)| {
            b.push_bind(*id)
                .push_bind(*i)
                .push_bind(s.stage.clone())
                .push_bind(iso(s.started))
                .push_bind(i64::from(s.timescale_working_days))
                .push_bind(opt_iso(s.responded));
        },
    )
    .await
}

async fn set_setting_in(conn: &mut Conn, key: &str, value: &serde_json::Value) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key.to_owned())
    .bind(value.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn replace_dataset(pool: &Pool, ds: &Dataset) -> Result<WriteSummary> {
    let siblings = sibling_rows(ds)?;
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    for table in [
        "DELETE FROM child_names",
        "DELETE FROM sibling_groups",
        "DELETE FROM challenge_stages",
        "DELETE FROM challenge_themes",
        "DELETE FROM challenges",
        "DELETE FROM iro_visits",
        "DELETE FROM midway_checks",
        "DELETE FROM allocations",
        "DELETE FROM recommendations",
        "DELETE FROM review_attendance",
        "DELETE FROM reviews",
        "DELETE FROM missing_episodes",
        "DELETE FROM health_outcomes",
        "DELETE FROM episodes",
        "DELETE FROM children",
        "DELETE FROM import_problems",
        "DELETE FROM import_runs",
        // IROs that are users stay (their user rows refer to them).
        "DELETE FROM iros WHERE id NOT IN (SELECT iro FROM users WHERE iro IS NOT NULL)",
    ] {
        sqlx::query(table).execute(&mut *conn).await?;
    }
    for iro in &ds.iros {
        upsert_iro(conn, iro).await?;
    }
    insert_children(conn, &ds.children).await?;
    let named: Vec<(&ChildId, &ChildName)> = ds
        .children
        .iter()
        .filter_map(|c| c.name.as_ref().map(|n| (&c.id, n)))
        .collect();
    bulk_insert(
        conn,
        "INSERT INTO child_names (child, given_name, family_name)",
        3,
        &named,
        |b, (c, n)| {
            b.push_bind(c.as_str().to_owned())
                .push_bind(n.given().to_owned())
                .push_bind(n.family().to_owned());
        },
    )
    .await?;
    insert_episodes(conn, &ds.episodes).await?;
    insert_reviews(conn, &ds.reviews).await?;
    insert_missing(conn, &ds.missing).await?;
    insert_health_outcomes(conn, &ds.health_outcomes).await?;
    bulk_insert(
        conn,
        "INSERT INTO allocations (child, iro, from_date, to_date)",
        4,
        &ds.allocations,
        |b, a| {
            b.push_bind(a.child.as_str().to_owned())
                .push_bind(a.iro.0.clone())
                .push_bind(iso(a.from))
                .push_bind(opt_iso(a.to));
        },
    )
    .await?;
    bulk_insert(
        conn,
        "INSERT INTO midway_checks (child, check_date, iro)",
        3,
        &ds.midway_checks,
        |b, m| {
            b.push_bind(m.child.as_str().to_owned())
                .push_bind(iso(m.date))
                .push_bind(m.iro.as_ref().map(|i| i.0.clone()));
        },
    )
    .await?;
    bulk_insert(
        conn,
        "INSERT INTO iro_visits (child, visit_date, kind, iro)",
        4,
        &ds.visits,
        |b, v| {
            b.push_bind(v.child.as_str().to_owned())
                .push_bind(iso(v.date))
                .push_bind(visit_kind_key(v.kind))
                .push_bind(v.iro.as_ref().map(|i| i.0.clone()));
        },
    )
    .await?;
    bulk_insert(
        conn,
        "INSERT INTO challenges (id, child, iro, raised, referred_to_cafcass, resolved, outcome)",
        7,
        &ds.challenges,
        |b, c| {
            b.push_bind(c.id)
                .push_bind(c.child.as_str().to_owned())
                .push_bind(c.iro.as_ref().map(|i| i.0.clone()))
                .push_bind(iso(c.raised))
                .push_bind(opt_iso(c.referred_to_cafcass))
                .push_bind(opt_iso(c.resolved))
                .push_bind(c.outcome.map(outcome_key));
        },
    )
    .await?;
    insert_challenge_parts(conn, &ds.challenges).await?;
    bulk_insert(
        conn,
        "INSERT INTO sibling_groups (child, group_id)",
        2,
        &siblings,
        |b, (child, group)| {
            b.push_bind(child.clone()).push_bind(*group);
        },
    )
    .await?;
    if POSTGRES {
        // Explicit ids do not move the identity sequence: move it past them.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('challenges', 'id'), \
             (SELECT COALESCE(MAX(id), 0) + 1 FROM challenges), false)",
        )
        .execute(&mut *conn)
        .await?;
    }
    match ds.reviews_known_from {
        Some(d) => {
            set_setting_in(
                conn,
                crate::REVIEWS_RECORDED_FROM,
                &serde_json::Value::String(iso(d)),
            )
            .await?
        }
        None => {
            sqlx::query("DELETE FROM settings WHERE key = $1")
                .bind(crate::REVIEWS_RECORDED_FROM)
                .execute(&mut *conn)
                .await?;
        }
    }
    tx.commit().await?;
    let n = |v: usize| v as u64;
    Ok(WriteSummary {
        children: n(ds.children.len()),
        episodes: n(ds.episodes.len()),
        reviews: n(ds.reviews.len()),
        missing: n(ds.missing.len()),
        health_outcomes: n(ds.health_outcomes.len()),
        iros: n(ds.iros.len()),
        allocations: n(ds.allocations.len()),
        midway_checks: n(ds.midway_checks.len()),
        visits: n(ds.visits.len()),
        challenges: n(ds.challenges.len()),
    })
}

// ---------------------------------------------------------------------------
// 903 import

/// What happens to one record: decided from the stored source year.
fn classify(stored: Option<Option<i64>>, year: i64, counts: &mut RecordCounts) {
    match stored {
        None => counts.inserted += 1,
        Some(None) => counts.replaced += 1,
        Some(Some(y)) if y <= year => counts.replaced += 1,
        Some(Some(_)) => counts.kept_later += 1,
    }
}

fn orphan_problem(source: &str, kind: &str, child: &ChildId) -> ImportProblem {
    ImportProblem {
        file: source.to_owned(),
        line: None,
        column: Some("CHILD".to_owned()),
        value: Some(child.as_str().to_owned()),
        rule: None,
        message: format!(
            "{kind} for child {child}, who has no header record in this return or the database: skipped"
        ),
        severity: Severity::Error,
    }
}

async fn keyed_years(
    conn: &mut Conn,
    sql: &'static str,
) -> Result<HashMap<ReviewKey, Option<i64>>> {
    let mut out = HashMap::new();
    for row in sqlx::query(sql).fetch_all(&mut *conn).await? {
        out.insert((row.try_get(0)?, row.try_get(1)?), row.try_get(2)?);
    }
    Ok(out)
}

pub(crate) async fn import_return(
    pool: &Pool,
    batch: &ImportBatch,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<ImportSummary> {
    let year = i64::from(batch.year.start_year());
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let run: i64 = sqlx::query_scalar(
        "INSERT INTO import_runs (year, source, imported_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(year)
    .bind(batch.source.as_str())
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let mut problems: Vec<ImportProblem> = batch.problems.clone();

    // Children
    let mut child_years: HashMap<String, Option<i64>> = HashMap::new();
    for row in sqlx::query("SELECT id, source_year FROM children")
        .fetch_all(&mut *conn)
        .await?
    {
        child_years.insert(row.try_get(0)?, row.try_get(1)?);
    }
    let mut children = RecordCounts::default();
    let total = batch.children.len();
    progress(ImportProgress {
        stage: "children",
        done: 0,
        total,
    });
    for (i, c) in batch.children.iter().enumerate() {
        classify(child_years.get(c.id.as_str()).copied(), year, &mut children);
        let stored = child_years
            .entry(c.id.as_str().to_owned())
            .or_insert(Some(year));
        *stored = Some(stored.map_or(year, |y| y.max(year)));
        sqlx::query(
            "INSERT INTO children (id, sex, date_of_birth, ethnicity, upn, mother, \
             mothers_child_dob, uasc, uasc_ceased, source_year) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (id) DO UPDATE SET sex = excluded.sex, \
             date_of_birth = excluded.date_of_birth, ethnicity = excluded.ethnicity, \
             upn = excluded.upn, mother = excluded.mother, \
             mothers_child_dob = excluded.mothers_child_dob, uasc = excluded.uasc, \
             uasc_ceased = excluded.uasc_ceased, source_year = excluded.source_year \
             WHERE children.source_year IS NULL OR children.source_year <= excluded.source_year",
        )
        .bind(c.id.as_str())
        .bind(c.sex.code())
        .bind(iso(c.date_of_birth))
        .bind(c.ethnicity.code())
        .bind(c.upn.as_deref())
        .bind(c.mother)
        .bind(opt_iso(c.mothers_child_dob))
        .bind(c.uasc.is_some())
        .bind(c.uasc.as_ref().and_then(|u| opt_iso(u.ceased)))
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "children",
                done: i + 1,
                total,
            });
        }
    }

    // Episodes, by (child, DECOM)
    let mut stored =
        keyed_years(conn, "SELECT child, start_date, source_year FROM episodes").await?;
    let mut episodes = RecordCounts::default();
    let total = batch.episodes.len();
    progress(ImportProgress {
        stage: "episodes",
        done: 0,
        total,
    });
    for (i, e) in batch.episodes.iter().enumerate() {
        if !child_years.contains_key(e.child.as_str()) {
            episodes.skipped += 1;
            problems.push(orphan_problem(&batch.source, "episode", &e.child));
            continue;
        }
        let k = (e.child.as_str().to_owned(), iso(e.start));
        classify(stored.get(&k).copied(), year, &mut episodes);
        let s = stored.entry(k).or_insert(Some(year));
        *s = Some(s.map_or(year, |y| y.max(year)));
        sqlx::query(concat!(
            "INSERT INTO episodes (",
            episode_cols!(),
            ", source_year) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (child, start_date) DO UPDATE SET end_date = excluded.end_date, \
             reason_new = excluded.reason_new, legal_status = excluded.legal_status, \
             category_of_need = excluded.category_of_need, placement = excluded.placement, \
             provider = excluded.provider, reason_ceased = excluded.reason_ceased, \
             reason_place_change = excluded.reason_place_change, \
             home_postcode = excluded.home_postcode, \
             placement_postcode = excluded.placement_postcode, urn = excluded.urn, \
             source_year = excluded.source_year \
             WHERE episodes.source_year IS NULL OR episodes.source_year <= excluded.source_year"
        ))
        .bind(e.child.as_str())
        .bind(iso(e.start))
        .bind(opt_iso(e.end))
        .bind(e.reason_new.code())
        .bind(e.legal_status.code())
        .bind(e.category_of_need.map(|c| c.code()))
        .bind(e.placement.code())
        .bind(e.provider.map(|c| c.code()))
        .bind(e.reason_ceased.map(|c| c.code()))
        .bind(e.reason_place_change.map(|c| c.code()))
        .bind(e.home_postcode.as_deref())
        .bind(e.placement_postcode.as_deref())
        .bind(e.urn.as_deref())
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "episodes",
                done: i + 1,
                total,
            });
        }
    }

    // Reviews, by (child, date): only the 903 fields; details stay.
    let mut stored =
        keyed_years(conn, "SELECT child, review_date, source_year FROM reviews").await?;
    let mut reviews = RecordCounts::default();
    let total = batch.reviews.len();
    progress(ImportProgress {
        stage: "reviews",
        done: 0,
        total,
    });
    for (i, r) in batch.reviews.iter().enumerate() {
        if !child_years.contains_key(r.child.as_str()) {
            reviews.skipped += 1;
            problems.push(orphan_problem(&batch.source, "review", &r.child));
            continue;
        }
        let k = (r.child.as_str().to_owned(), iso(r.date));
        classify(stored.get(&k).copied(), year, &mut reviews);
        let s = stored.entry(k).or_insert(Some(year));
        *s = Some(s.map_or(year, |y| y.max(year)));
        sqlx::query(
            "INSERT INTO reviews (child, review_date, participation, source_year) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (child, review_date) DO UPDATE SET \
             participation = excluded.participation, source_year = excluded.source_year \
             WHERE reviews.source_year IS NULL OR reviews.source_year <= excluded.source_year",
        )
        .bind(r.child.as_str())
        .bind(iso(r.date))
        .bind(r.participation.map(|p| p.code()))
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "reviews",
                done: i + 1,
                total,
            });
        }
    }

    // Missing episodes, by (child, start)
    let mut stored = keyed_years(
        conn,
        "SELECT child, start_date, source_year FROM missing_episodes",
    )
    .await?;
    let mut missing = RecordCounts::default();
    let total = batch.missing.len();
    progress(ImportProgress {
        stage: "missing",
        done: 0,
        total,
    });
    for (i, m) in batch.missing.iter().enumerate() {
        if !child_years.contains_key(m.child.as_str()) {
            missing.skipped += 1;
            problems.push(orphan_problem(&batch.source, "missing episode", &m.child));
            continue;
        }
        let k = (m.child.as_str().to_owned(), iso(m.start));
        classify(stored.get(&k).copied(), year, &mut missing);
        let s = stored.entry(k).or_insert(Some(year));
        *s = Some(s.map_or(year, |y| y.max(year)));
        sqlx::query(
            "INSERT INTO missing_episodes (child, start_date, kind, end_date, source_year) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (child, start_date) DO UPDATE SET kind = excluded.kind, \
             end_date = excluded.end_date, source_year = excluded.source_year \
             WHERE missing_episodes.source_year IS NULL \
             OR missing_episodes.source_year <= excluded.source_year",
        )
        .bind(m.child.as_str())
        .bind(iso(m.start))
        .bind(m.kind.code())
        .bind(opt_iso(m.end))
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "missing",
                done: i + 1,
                total,
            });
        }
    }

    // Health outcomes (OC2), by (child, collection year)
    let mut stored: HashMap<(String, i64), Option<i64>> = HashMap::new();
    for row in sqlx::query("SELECT child, collection_year, source_year FROM health_outcomes")
        .fetch_all(&mut *conn)
        .await?
    {
        stored.insert((row.try_get(0)?, row.try_get(1)?), row.try_get(2)?);
    }
    let mut health_outcomes = RecordCounts::default();
    let total = batch.health_outcomes.len();
    progress(ImportProgress {
        stage: "health outcomes",
        done: 0,
        total,
    });
    for (i, h) in batch.health_outcomes.iter().enumerate() {
        if !child_years.contains_key(h.child.as_str()) {
            health_outcomes.skipped += 1;
            problems.push(orphan_problem(&batch.source, "OC2 row", &h.child));
            continue;
        }
        let k = (h.child.as_str().to_owned(), i64::from(h.year.start_year()));
        classify(stored.get(&k).copied(), year, &mut health_outcomes);
        let s = stored.entry(k).or_insert(Some(year));
        *s = Some(s.map_or(year, |y| y.max(year)));
        sqlx::query(concat!(
            health_outcomes_insert!(),
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (child, collection_year) DO UPDATE SET sdq_score = excluded.sdq_score, \
             sdq_reason = excluded.sdq_reason, convicted = excluded.convicted, \
             health_check = excluded.health_check, immunisations = excluded.immunisations, \
             teeth_check = excluded.teeth_check, health_assessment = excluded.health_assessment, \
             substance_misuse = excluded.substance_misuse, \
             intervention_received = excluded.intervention_received, \
             intervention_offered = excluded.intervention_offered, \
             source_year = excluded.source_year \
             WHERE health_outcomes.source_year IS NULL \
             OR health_outcomes.source_year <= excluded.source_year"
        ))
        .bind(h.child.as_str())
        .bind(i64::from(h.year.start_year()))
        .bind(h.sdq_score.map(i64::from))
        .bind(h.sdq_reason.map(|r| r.code()))
        .bind(h.convicted)
        .bind(h.health_check)
        .bind(h.immunisations)
        .bind(h.teeth_check)
        .bind(h.health_assessment)
        .bind(h.substance_misuse)
        .bind(h.intervention_received)
        .bind(h.intervention_offered)
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "health outcomes",
                done: i + 1,
                total,
            });
        }
    }

    bulk_insert(
        conn,
        "INSERT INTO import_problems (run, file, line, column_name, value, rule, message, severity)",
        8,
        &problems,
        |b, p| {
            b.push_bind(run)
                .push_bind(p.file.clone())
                .push_bind(p.line.map(to_i64))
                .push_bind(p.column.clone())
                .push_bind(p.value.clone())
                .push_bind(p.rule.clone())
                .push_bind(p.message.clone())
                .push_bind(p.severity.key());
        },
    )
    .await?;
    let all = [children, episodes, reviews, missing, health_outcomes];
    let sum = |f: fn(&RecordCounts) -> u64| all.iter().map(f).sum::<u64>();
    sqlx::query(
        "UPDATE import_runs SET inserted = $1, replaced = $2, kept = $3, problems = $4 \
         WHERE id = $5",
    )
    .bind(to_i64(sum(|c| c.inserted)))
    .bind(to_i64(sum(|c| c.replaced)))
    .bind(to_i64(sum(|c| c.kept_later)))
    .bind(to_i64(problems.len() as u64))
    .bind(run)
    .execute(&mut *conn)
    .await?;
    tx.commit().await?;
    Ok(ImportSummary {
        run,
        year: batch.year,
        children,
        episodes,
        reviews,
        missing,
        health_outcomes,
        problems: problems.len() as u64,
    })
}

fn import_run_from(row: &DbRow) -> Result<ImportRun> {
    const T: &str = "import_runs";
    let year: i64 = row.try_get("year")?;
    Ok(ImportRun {
        id: row.try_get("id")?,
        year: CollectionYear::new(i32::try_from(year).map_err(|_| StoreError::Corrupt {
            table: T,
            column: "year",
            reason: format!("{year} is not a year"),
        })?),
        source: row.try_get("source")?,
        imported_at: timestamp(T, "imported_at", &row.try_get::<String, _>("imported_at")?)?,
        inserted: count(row.try_get("inserted")?),
        replaced: count(row.try_get("replaced")?),
        kept_later: count(row.try_get("kept")?),
        problems: count(row.try_get("problems")?),
    })
}

pub(crate) async fn import_runs(pool: &Pool) -> Result<Vec<ImportRun>> {
    sqlx::query("SELECT * FROM import_runs ORDER BY id")
        .fetch_all(pool)
        .await?
        .iter()
        .map(import_run_from)
        .collect()
}

pub(crate) async fn import_problems(pool: &Pool, run: i64) -> Result<Vec<ImportProblem>> {
    const T: &str = "import_problems";
    let rows = sqlx::query("SELECT * FROM import_problems WHERE run = $1 ORDER BY id")
        .bind(run)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            let line: Option<i64> = row.try_get("line")?;
            Ok(ImportProblem {
                file: row.try_get("file")?,
                line: line.map(count),
                column: row.try_get("column_name")?,
                value: row.try_get("value")?,
                rule: row.try_get("rule")?,
                message: row.try_get("message")?,
                severity: key(
                    T,
                    "severity",
                    &row.try_get::<String, _>("severity")?,
                    Severity::from_key,
                )?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Children

pub(crate) async fn list_children(pool: &Pool) -> Result<Vec<Child>> {
    let mut out = sqlx::query(concat!("SELECT ", child_cols!(), " FROM children"))
        .fetch_all(pool)
        .await?
        .iter()
        .map(child_from)
        .collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

pub(crate) async fn save_child(pool: &Pool, c: &Child) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    sqlx::query(
        "INSERT INTO children (id, sex, date_of_birth, ethnicity, upn, mother, \
         mothers_child_dob, uasc, uasc_ceased) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (id) DO UPDATE SET sex = excluded.sex, \
         date_of_birth = excluded.date_of_birth, ethnicity = excluded.ethnicity, \
         upn = excluded.upn, mother = excluded.mother, \
         mothers_child_dob = excluded.mothers_child_dob, uasc = excluded.uasc, \
         uasc_ceased = excluded.uasc_ceased",
    )
    .bind(c.id.as_str())
    .bind(c.sex.code())
    .bind(iso(c.date_of_birth))
    .bind(c.ethnicity.code())
    .bind(c.upn.as_deref())
    .bind(c.mother)
    .bind(opt_iso(c.mothers_child_dob))
    .bind(c.uasc.is_some())
    .bind(c.uasc.as_ref().and_then(|u| opt_iso(u.ceased)))
    .execute(&mut *tx)
    .await?;
    set_name_in(&mut tx, &c.id, c.name.as_ref()).await?;
    tx.commit().await?;
    Ok(())
}

/// Records (`Some`) or removes (`None`) a child's name; the child exists.
async fn set_name_in(conn: &mut Conn, child: &ChildId, name: Option<&ChildName>) -> Result<()> {
    match name {
        Some(n) => {
            sqlx::query(
                "INSERT INTO child_names (child, given_name, family_name) VALUES ($1, $2, $3) \
                 ON CONFLICT (child) DO UPDATE SET given_name = excluded.given_name, \
                 family_name = excluded.family_name",
            )
            .bind(child.as_str())
            .bind(n.given())
            .bind(n.family())
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM child_names WHERE child = $1")
                .bind(child.as_str())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

pub(crate) async fn set_child_name(
    pool: &Pool,
    child: &ChildId,
    name: Option<&ChildName>,
) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    ensure_child(&mut tx, child).await?;
    set_name_in(&mut tx, child, name).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn import_child_names(pool: &Pool, names: &[(ChildId, ChildName)]) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    let known: HashSet<String> = sqlx::query_scalar("SELECT id FROM children")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
    if let Some((unknown, _)) = names.iter().find(|(c, _)| !known.contains(c.as_str())) {
        return Err(StoreError::NotFound(format!("child {unknown}")));
    }
    for (child, name) in names {
        set_name_in(&mut tx, child, Some(name)).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn save_episode(pool: &Pool, e: &Episode) -> Result<()> {
    let mut conn = pool.acquire().await?;
    ensure_child(&mut conn, &e.child).await?;
    sqlx::query(concat!(
        "INSERT INTO episodes (",
        episode_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (child, start_date) DO UPDATE SET end_date = excluded.end_date, \
         reason_new = excluded.reason_new, legal_status = excluded.legal_status, \
         category_of_need = excluded.category_of_need, placement = excluded.placement, \
         provider = excluded.provider, reason_ceased = excluded.reason_ceased, \
         reason_place_change = excluded.reason_place_change, \
         home_postcode = excluded.home_postcode, \
         placement_postcode = excluded.placement_postcode, urn = excluded.urn"
    ))
    .bind(e.child.as_str())
    .bind(iso(e.start))
    .bind(opt_iso(e.end))
    .bind(e.reason_new.code())
    .bind(e.legal_status.code())
    .bind(e.category_of_need.map(|c| c.code()))
    .bind(e.placement.code())
    .bind(e.provider.map(|c| c.code()))
    .bind(e.reason_ceased.map(|c| c.code()))
    .bind(e.reason_place_change.map(|c| c.code()))
    .bind(e.home_postcode.as_deref())
    .bind(e.placement_postcode.as_deref())
    .bind(e.urn.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn reviews_of_in(conn: &mut Conn, child: &ChildId) -> Result<Vec<Review>> {
    let mut reviews = sqlx::query(concat!(
        "SELECT ",
        review_cols!(),
        " FROM reviews WHERE child = $1 ORDER BY review_date"
    ))
    .bind(child.as_str())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(review_from)
    .collect::<Result<Vec<_>>>()?;
    let attendance = sqlx::query(
        "SELECT child, review_date, role FROM review_attendance WHERE child = $1 ORDER BY seq",
    )
    .bind(child.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let recs = sqlx::query("SELECT * FROM recommendations WHERE child = $1 ORDER BY seq")
        .bind(child.as_str())
        .fetch_all(&mut *conn)
        .await?;
    attach_review_parts(&mut reviews, attendance, recs)?;
    Ok(reviews)
}

pub(crate) async fn child_record(pool: &Pool, id: &ChildId) -> Result<Option<ChildRecord>> {
    let mut tx = pool.begin().await?;
    let conn: &mut Conn = &mut tx;
    let Some(row) = sqlx::query(concat!(
        "SELECT ",
        child_cols!(),
        " FROM children WHERE id = $1"
    ))
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let child = child_from(&row)?;
    let episodes = sqlx::query(concat!(
        "SELECT ",
        episode_cols!(),
        " FROM episodes WHERE child = $1 ORDER BY start_date"
    ))
    .bind(id.as_str())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(episode_from)
    .collect::<Result<Vec<_>>>()?;
    let reviews = reviews_of_in(conn, id).await?;
    let missing =
        sqlx::query("SELECT * FROM missing_episodes WHERE child = $1 ORDER BY start_date")
            .bind(id.as_str())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(missing_from)
            .collect::<Result<Vec<_>>>()?;
    let allocations = allocations_in(conn, id).await?;
    let midway_checks =
        sqlx::query("SELECT * FROM midway_checks WHERE child = $1 ORDER BY check_date, id")
            .bind(id.as_str())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(midway_from)
            .collect::<Result<Vec<_>>>()?;
    let visits = sqlx::query("SELECT * FROM iro_visits WHERE child = $1 ORDER BY visit_date, id")
        .bind(id.as_str())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(visit_from)
        .collect::<Result<Vec<_>>>()?;
    let challenges = load_challenges(conn, ChallengeFilter::Child(id.as_str())).await?;
    let health_outcomes = health_outcomes_in(conn, Some(id)).await?;
    tx.commit().await?;
    let periods = assemble_periods(&episodes);
    Ok(Some(ChildRecord {
        child,
        episodes,
        periods,
        reviews,
        missing,
        allocations,
        midway_checks,
        visits,
        challenges,
        health_outcomes,
    }))
}

// ---------------------------------------------------------------------------
// Reviews recorded in Footprint

async fn write_review_details(conn: &mut Conn, r: &Review) -> Result<()> {
    let d = r.details.as_ref();
    let (sw_status, sw_date) = match d {
        Some(d) => {
            let (s, dt) = sw_report_parts(d.social_worker_report);
            (Some(s), dt)
        }
        None => (None, None),
    };
    if let Some(chair) = d.and_then(|d| d.chair.as_ref()) {
        ensure_iro(conn, chair).await?;
    }
    sqlx::query(
        "UPDATE reviews SET participation = $3, has_details = $4, chair = $5, kind = $6, \
         sw_report_status = $7, sw_report_date = $8, decisions_issued = $9, \
         record_circulated = $10, quality = $11, late_reason = $12 \
         WHERE child = $1 AND review_date = $2",
    )
    .bind(r.child.as_str())
    .bind(iso(r.date))
    .bind(r.participation.map(|p| p.code()))
    .bind(d.is_some())
    .bind(d.and_then(|d| d.chair.as_ref().map(|c| c.0.clone())))
    .bind(d.map(|d| review_kind_key(d.kind)))
    .bind(sw_status)
    .bind(sw_date)
    .bind(d.and_then(|d| opt_iso(d.decisions_issued)))
    .bind(d.and_then(|d| opt_iso(d.record_circulated)))
    .bind(d.and_then(|d| d.quality.map(|q| q.key())))
    .bind(d.and_then(|d| d.late_reason.map(|r| r.key())))
    .execute(&mut *conn)
    .await?;
    for table in [
        "DELETE FROM review_attendance WHERE child = $1 AND review_date = $2",
        "DELETE FROM recommendations WHERE child = $1 AND review_date = $2",
    ] {
        sqlx::query(table)
            .bind(r.child.as_str())
            .bind(iso(r.date))
            .execute(&mut *conn)
            .await?;
    }
    if let Some(d) = d {
        for (i, role) in unique_roles(&d.attendance).into_iter().enumerate() {
            sqlx::query(
                "INSERT INTO review_attendance (child, review_date, seq, role) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(r.child.as_str())
            .bind(iso(r.date))
            .bind(to_i64(i as u64))
            .bind(role.key())
            .execute(&mut *conn)
            .await?;
        }
        for (i, rec) in d.recommendations.iter().enumerate() {
            sqlx::query(
                "INSERT INTO recommendations (child, review_date, seq, body, owner, due, \
                 completed) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(r.child.as_str())
            .bind(iso(r.date))
            .bind(to_i64(i as u64))
            .bind(rec.text.as_str())
            .bind(rec.owner.as_str())
            .bind(iso(rec.due))
            .bind(opt_iso(rec.completed))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

async fn review_exists(conn: &mut Conn, child: &ChildId, on: NaiveDate) -> Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM reviews WHERE child = $1 AND review_date = $2")
            .bind(child.as_str())
            .bind(iso(on))
            .fetch_one(&mut *conn)
            .await?;
    Ok(n > 0)
}

pub(crate) async fn record_review(pool: &Pool, r: &Review) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, &r.child).await?;
    if review_exists(conn, &r.child, r.date).await? {
        return Err(StoreError::AlreadyExists(format!(
            "a review of child {} on {}",
            r.child,
            iso(r.date)
        )));
    }
    sqlx::query("INSERT INTO reviews (child, review_date) VALUES ($1, $2)")
        .bind(r.child.as_str())
        .bind(iso(r.date))
        .execute(&mut *conn)
        .await?;
    write_review_details(conn, r).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn update_review(pool: &Pool, r: &Review) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    if !review_exists(conn, &r.child, r.date).await? {
        return Err(StoreError::NotFound(format!(
            "a review of child {} on {}",
            r.child,
            iso(r.date)
        )));
    }
    write_review_details(conn, r).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn review(pool: &Pool, child: &ChildId, on: NaiveDate) -> Result<Option<Review>> {
    let mut conn = pool.acquire().await?;
    Ok(reviews_of_in(&mut conn, child)
        .await?
        .into_iter()
        .find(|r| r.date == on))
}

pub(crate) async fn reviews_of(pool: &Pool, child: &ChildId) -> Result<Vec<Review>> {
    let mut conn = pool.acquire().await?;
    reviews_of_in(&mut conn, child).await
}

// ---------------------------------------------------------------------------
// IROs and allocations

pub(crate) async fn save_iro(pool: &Pool, iro: &Iro) -> Result<()> {
    let mut conn = pool.acquire().await?;
    upsert_iro(&mut conn, iro).await
}

pub(crate) async fn iros(pool: &Pool) -> Result<Vec<Iro>> {
    let mut out = sqlx::query("SELECT * FROM iros")
        .fetch_all(pool)
        .await?
        .iter()
        .map(iro_from)
        .collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn allocations_in(conn: &mut Conn, child: &ChildId) -> Result<Vec<Allocation>> {
    sqlx::query("SELECT * FROM allocations WHERE child = $1 ORDER BY from_date, id")
        .bind(child.as_str())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(allocation_from)
        .collect()
}

pub(crate) async fn allocations_of(pool: &Pool, child: &ChildId) -> Result<Vec<Allocation>> {
    let mut conn = pool.acquire().await?;
    allocations_in(&mut conn, child).await
}

pub(crate) async fn allocate(
    pool: &Pool,
    child: &ChildId,
    iro: &IroId,
    from: NaiveDate,
) -> Result<Allocation> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, child).await?;
    ensure_iro(conn, iro).await?;
    let open = sqlx::query(
        "SELECT id, iro, from_date FROM allocations WHERE child = $1 AND to_date IS NULL \
         ORDER BY from_date DESC, id DESC",
    )
    .bind(child.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = open {
        let id: i64 = row.try_get("id")?;
        let current = IroId(row.try_get("iro")?);
        let cur_from = date(
            "allocations",
            "from_date",
            &row.try_get::<String, _>("from_date")?,
        )?;
        if from < cur_from {
            return Err(StoreError::Invalid(format!(
                "child {child} has been allocated to IRO {current} since {}: a reallocation \
                 cannot start before that",
                iso(cur_from)
            )));
        }
        if current == *iro {
            tx.commit().await?;
            return Ok(Allocation {
                child: child.clone(),
                iro: current,
                from: cur_from,
                to: None,
            });
        }
        if from == cur_from {
            // A correction on the day: the other IRO never held the case.
            sqlx::query("UPDATE allocations SET iro = $1 WHERE id = $2")
                .bind(iro.0.as_str())
                .bind(id)
                .execute(&mut *conn)
                .await?;
            tx.commit().await?;
            return Ok(Allocation {
                child: child.clone(),
                iro: iro.clone(),
                from,
                to: None,
            });
        }
        sqlx::query("UPDATE allocations SET to_date = $1 WHERE id = $2")
            .bind(iso(from))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("INSERT INTO allocations (child, iro, from_date) VALUES ($1, $2, $3)")
        .bind(child.as_str())
        .bind(iro.0.as_str())
        .bind(iso(from))
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    Ok(Allocation {
        child: child.clone(),
        iro: iro.clone(),
        from,
        to: None,
    })
}

pub(crate) async fn end_allocation(pool: &Pool, child: &ChildId, on: NaiveDate) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE allocations SET to_date = $2 WHERE child = $1 AND to_date IS NULL \
         AND from_date < $2",
    )
    .bind(child.as_str())
    .bind(iso(on))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn current_iro(
    pool: &Pool,
    child: &ChildId,
    on: NaiveDate,
) -> Result<Option<IroId>> {
    let iro: Option<String> = sqlx::query_scalar(
        "SELECT iro FROM allocations WHERE child = $1 AND from_date <= $2 \
         AND (to_date IS NULL OR to_date > $2) ORDER BY from_date DESC, id DESC LIMIT 1",
    )
    .bind(child.as_str())
    .bind(iso(on))
    .fetch_optional(pool)
    .await?;
    Ok(iro.map(IroId))
}

pub(crate) async fn caseload(pool: &Pool, iro: &IroId, on: NaiveDate) -> Result<Vec<ChildId>> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT child FROM allocations WHERE iro = $1 AND from_date <= $2 \
         AND (to_date IS NULL OR to_date > $2)",
    )
    .bind(iro.0.as_str())
    .bind(iso(on))
    .fetch_all(pool)
    .await?;
    let mut out = rows
        .iter()
        .map(|s| child_id("allocations", "child", s))
        .collect::<Result<Vec<_>>>()?;
    out.sort();
    Ok(out)
}

// ---------------------------------------------------------------------------
// Brothers and sisters

/// `(child, group_id)` rows as groups: each sorted, of two or more children,
/// the groups sorted by their first child.
fn sibling_groups_from(rows: &[(String, i64)]) -> Result<Vec<Vec<ChildId>>> {
    let mut by_group: BTreeMap<i64, Vec<ChildId>> = BTreeMap::new();
    for (child, group) in rows {
        by_group
            .entry(*group)
            .or_default()
            .push(child_id("sibling_groups", "child", child)?);
    }
    let mut groups: Vec<Vec<ChildId>> = by_group
        .into_values()
        .filter(|g| g.len() >= 2)
        .map(|mut g| {
            g.sort();
            g
        })
        .collect();
    groups.sort();
    Ok(groups)
}

async fn sibling_groups_in(conn: &mut Conn) -> Result<Vec<Vec<ChildId>>> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT child, group_id FROM sibling_groups")
        .fetch_all(&mut *conn)
        .await?;
    sibling_groups_from(&rows)
}

async fn sibling_group_id(conn: &mut Conn, child: &ChildId) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT group_id FROM sibling_groups WHERE child = $1")
            .bind(child.as_str())
            .fetch_optional(&mut *conn)
            .await?,
    )
}

async fn sibling_group_members(conn: &mut Conn, group: i64) -> Result<Vec<ChildId>> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT child FROM sibling_groups WHERE group_id = $1")
            .bind(group)
            .fetch_all(&mut *conn)
            .await?;
    let mut out = rows
        .iter()
        .map(|s| child_id("sibling_groups", "child", s))
        .collect::<Result<Vec<_>>>()?;
    out.sort();
    Ok(out)
}

/// A write transaction that changes sibling groups. On PostgreSQL two
/// such transactions could both pick the same new group number: they queue
/// on an advisory lock instead (SQLite's `BEGIN IMMEDIATE` already does).
async fn siblings_tx(pool: &Pool) -> Result<Tx> {
    let mut tx = write_tx(pool).await?;
    if POSTGRES {
        sqlx::query("SELECT pg_advisory_xact_lock(4242905)")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

pub(crate) async fn sibling_groups(pool: &Pool) -> Result<Vec<Vec<ChildId>>> {
    let mut conn = pool.acquire().await?;
    sibling_groups_in(&mut conn).await
}

pub(crate) async fn sibling_group_of(pool: &Pool, child: &ChildId) -> Result<Vec<ChildId>> {
    let mut conn = pool.acquire().await?;
    match sibling_group_id(&mut conn, child).await? {
        Some(g) => {
            let members = sibling_group_members(&mut conn, g).await?;
            Ok(if members.len() >= 2 { members } else { Vec::new() })
        }
        None => Ok(Vec::new()),
    }
}

pub(crate) async fn link_siblings(pool: &Pool, a: &ChildId, b: &ChildId) -> Result<Vec<ChildId>> {
    if a == b {
        return Err(StoreError::Invalid(format!(
            "child {a} cannot be recorded as their own brother or sister"
        )));
    }
    let mut tx = siblings_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, a).await?;
    ensure_child(conn, b).await?;
    let insert = "INSERT INTO sibling_groups (child, group_id) VALUES ($1, $2)";
    let ga = sibling_group_id(conn, a).await?;
    let gb = sibling_group_id(conn, b).await?;
    let group = match (ga, gb) {
        (Some(ga), Some(gb)) if ga == gb => ga,
        (Some(ga), Some(gb)) => {
            // Two groups become one: the lower number survives.
            let (keep, merged) = (ga.min(gb), ga.max(gb));
            sqlx::query("UPDATE sibling_groups SET group_id = $1 WHERE group_id = $2")
                .bind(keep)
                .bind(merged)
                .execute(&mut *conn)
                .await?;
            keep
        }
        (Some(g), None) | (None, Some(g)) => {
            let newcomer = if ga.is_none() { a } else { b };
            sqlx::query(insert)
                .bind(newcomer.as_str())
                .bind(g)
                .execute(&mut *conn)
                .await?;
            g
        }
        (None, None) => {
            let next: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(group_id), 0) + 1 FROM sibling_groups")
                    .fetch_one(&mut *conn)
                    .await?;
            for child in [a, b] {
                sqlx::query(insert)
                    .bind(child.as_str())
                    .bind(next)
                    .execute(&mut *conn)
                    .await?;
            }
            next
        }
    };
    let members = sibling_group_members(conn, group).await?;
    tx.commit().await?;
    Ok(members)
}

pub(crate) async fn unlink_sibling(pool: &Pool, child: &ChildId) -> Result<bool> {
    let mut tx = siblings_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let Some(group) = sibling_group_id(conn, child).await? else {
        tx.commit().await?;
        return Ok(false);
    };
    sqlx::query("DELETE FROM sibling_groups WHERE child = $1")
        .bind(child.as_str())
        .execute(&mut *conn)
        .await?;
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sibling_groups WHERE group_id = $1")
        .bind(group)
        .fetch_one(&mut *conn)
        .await?;
    if left < 2 {
        // A child alone is not a group.
        sqlx::query("DELETE FROM sibling_groups WHERE group_id = $1")
            .bind(group)
            .execute(&mut *conn)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The sibling groups of a dataset as `(child, group_id)` rows, checked:
/// every child known, none in two groups; groups of fewer than two distinct
/// children are dropped.
fn sibling_rows(ds: &Dataset) -> Result<Vec<(String, i64)>> {
    let known: HashSet<&ChildId> = ds.children.iter().map(|c| &c.id).collect();
    let mut seen: HashSet<&ChildId> = HashSet::new();
    let mut rows = Vec::new();
    let mut next = 0i64;
    for group in &ds.sibling_groups {
        let mut members: Vec<&ChildId> = group.iter().collect();
        members.sort();
        members.dedup();
        if members.len() < 2 {
            continue;
        }
        next += 1;
        for child in members {
            if !known.contains(child) {
                return Err(StoreError::Invalid(format!(
                    "sibling group {next}: child {child} is not among the dataset's children"
                )));
            }
            if !seen.insert(child) {
                return Err(StoreError::Invalid(format!(
                    "sibling groups: child {child} is in more than one group"
                )));
            }
            rows.push((child.as_str().to_owned(), next));
        }
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------
// Midway checks and visits

pub(crate) async fn record_midway_check(pool: &Pool, m: &MidwayCheck) -> Result<()> {
    let mut conn = pool.acquire().await?;
    ensure_child(&mut conn, &m.child).await?;
    if let Some(iro) = &m.iro {
        ensure_iro(&mut conn, iro).await?;
    }
    sqlx::query("INSERT INTO midway_checks (child, check_date, iro) VALUES ($1, $2, $3)")
        .bind(m.child.as_str())
        .bind(iso(m.date))
        .bind(m.iro.as_ref().map(|i| i.0.as_str()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn midway_checks_of(pool: &Pool, child: &ChildId) -> Result<Vec<MidwayCheck>> {
    sqlx::query("SELECT * FROM midway_checks WHERE child = $1 ORDER BY check_date, id")
        .bind(child.as_str())
        .fetch_all(pool)
        .await?
        .iter()
        .map(midway_from)
        .collect()
}

pub(crate) async fn record_visit(pool: &Pool, v: &IroVisit) -> Result<()> {
    let mut conn = pool.acquire().await?;
    ensure_child(&mut conn, &v.child).await?;
    if let Some(iro) = &v.iro {
        ensure_iro(&mut conn, iro).await?;
    }
    sqlx::query("INSERT INTO iro_visits (child, visit_date, kind, iro) VALUES ($1, $2, $3, $4)")
        .bind(v.child.as_str())
        .bind(iso(v.date))
        .bind(visit_kind_key(v.kind))
        .bind(v.iro.as_ref().map(|i| i.0.as_str()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn visits_of(pool: &Pool, child: &ChildId) -> Result<Vec<IroVisit>> {
    sqlx::query("SELECT * FROM iro_visits WHERE child = $1 ORDER BY visit_date, id")
        .bind(child.as_str())
        .fetch_all(pool)
        .await?
        .iter()
        .map(visit_from)
        .collect()
}

// ---------------------------------------------------------------------------
// Challenges

async fn open_challenge(conn: &mut Conn, id: i64) -> Result<Challenge> {
    let c = load_challenges(conn, ChallengeFilter::Id(id))
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("challenge {id}")))?;
    if c.resolved.is_some() {
        return Err(StoreError::Invalid(format!(
            "challenge {id} was resolved on {}",
            c.resolved.map(iso).unwrap_or_default()
        )));
    }
    Ok(c)
}

pub(crate) async fn raise_challenge(pool: &Pool, new: &NewChallenge) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, &new.child).await?;
    if let Some(iro) = &new.iro {
        ensure_iro(conn, iro).await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO challenges (child, iro, raised) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(new.child.as_str())
    .bind(new.iro.as_ref().map(|i| i.0.as_str()))
    .bind(iso(new.raised))
    .fetch_one(&mut *conn)
    .await?;
    let c = Challenge {
        id,
        child: new.child.clone(),
        iro: new.iro.clone(),
        raised: new.raised,
        themes: new.themes.clone(),
        stages: vec![new.first_stage.clone()],
        referred_to_cafcass: None,
        resolved: None,
        outcome: None,
    };
    insert_challenge_parts(conn, std::slice::from_ref(&c)).await?;
    tx.commit().await?;
    Ok(c)
}

pub(crate) async fn add_challenge_stage(
    pool: &Pool,
    id: i64,
    stage: &ChallengeStage,
) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut c = open_challenge(conn, id).await?;
    if let Some(last) = c.stages.last()
        && stage.started < last.started
    {
        return Err(StoreError::Invalid(format!(
            "stage {:?} of challenge {id} cannot start before the stage before it ({})",
            stage.stage,
            iso(last.started)
        )));
    }
    sqlx::query(
        "INSERT INTO challenge_stages (challenge, seq, stage, started, timescale_working_days, \
         responded) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(to_i64(c.stages.len() as u64))
    .bind(stage.stage.as_str())
    .bind(iso(stage.started))
    .bind(i64::from(stage.timescale_working_days))
    .bind(opt_iso(stage.responded))
    .execute(&mut *conn)
    .await?;
    tx.commit().await?;
    c.stages.push(stage.clone());
    Ok(c)
}

pub(crate) async fn respond_to_challenge(
    pool: &Pool,
    id: i64,
    responded: NaiveDate,
) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut c = open_challenge(conn, id).await?;
    let Some(seq) = c.stages.iter().rposition(|s| s.responded.is_none()) else {
        return Err(StoreError::Invalid(format!(
            "challenge {id} has no stage awaiting a response"
        )));
    };
    if responded < c.stages[seq].started {
        return Err(StoreError::Invalid(format!(
            "the response to challenge {id} cannot predate its stage ({})",
            iso(c.stages[seq].started)
        )));
    }
    sqlx::query("UPDATE challenge_stages SET responded = $1 WHERE challenge = $2 AND seq = $3")
        .bind(iso(responded))
        .bind(id)
        .bind(to_i64(seq as u64))
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    c.stages[seq].responded = Some(responded);
    Ok(c)
}

pub(crate) async fn refer_challenge_to_cafcass(
    pool: &Pool,
    id: i64,
    on: NaiveDate,
) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut c = open_challenge(conn, id).await?;
    sqlx::query("UPDATE challenges SET referred_to_cafcass = $1 WHERE id = $2")
        .bind(iso(on))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    c.referred_to_cafcass = Some(on);
    Ok(c)
}

pub(crate) async fn resolve_challenge(
    pool: &Pool,
    id: i64,
    on: NaiveDate,
    outcome: ChallengeOutcome,
) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut c = open_challenge(conn, id).await?;
    if on < c.raised {
        return Err(StoreError::Invalid(format!(
            "challenge {id} cannot be resolved before it was raised ({})",
            iso(c.raised)
        )));
    }
    sqlx::query("UPDATE challenges SET resolved = $1, outcome = $2 WHERE id = $3")
        .bind(iso(on))
        .bind(outcome_key(outcome))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    c.resolved = Some(on);
    c.outcome = Some(outcome);
    Ok(c)
}

pub(crate) async fn challenge(pool: &Pool, id: i64) -> Result<Option<Challenge>> {
    let mut conn = pool.acquire().await?;
    Ok(load_challenges(&mut conn, ChallengeFilter::Id(id))
        .await?
        .pop())
}

pub(crate) async fn challenges_of(pool: &Pool, child: &ChildId) -> Result<Vec<Challenge>> {
    let mut conn = pool.acquire().await?;
    load_challenges(&mut conn, ChallengeFilter::Child(child.as_str())).await
}

// ---------------------------------------------------------------------------
// Users

fn user_from(row: &DbRow) -> Result<User> {
    const T: &str = "users";
    Ok(User {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: key(
            T,
            "role",
            &row.try_get::<String, _>("role")?,
            Role::from_key,
        )?,
        password_hash: row.try_get("password_hash")?,
        iro: opt_iro(row.try_get("iro")?),
        created_at: timestamp(T, "created_at", &row.try_get::<String, _>("created_at")?)?,
    })
}

pub(crate) async fn add_user(pool: &Pool, new: &NewUser) -> Result<User> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE name = $1")
        .bind(new.name.as_str())
        .fetch_one(&mut *conn)
        .await?;
    if taken > 0 {
        return Err(StoreError::AlreadyExists(format!("user {:?}", new.name)));
    }
    if let Some(iro) = &new.iro {
        ensure_iro(conn, iro).await?;
    }
    let row = sqlx::query(
        "INSERT INTO users (name, role, password_hash, iro, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING *",
    )
    .bind(new.name.as_str())
    .bind(new.role.key())
    .bind(new.password_hash.as_str())
    .bind(new.iro.as_ref().map(|i| i.0.as_str()))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let user = user_from(&row)?;
    tx.commit().await?;
    Ok(user)
}

pub(crate) async fn user_by_name(pool: &Pool, name: &str) -> Result<Option<User>> {
    sqlx::query("SELECT * FROM users WHERE name = $1")
        .bind(name.to_owned())
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(user_from)
        .transpose()
}

pub(crate) async fn users(pool: &Pool) -> Result<Vec<User>> {
    sqlx::query("SELECT * FROM users ORDER BY id")
        .fetch_all(pool)
        .await?
        .iter()
        .map(user_from)
        .collect()
}

pub(crate) async fn set_password_hash(pool: &Pool, name: &str, hash: &str) -> Result<()> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE name = $2")
        .bind(hash.to_owned())
        .bind(name.to_owned())
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("user {name:?}")));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Settings and narratives

pub(crate) async fn setting(pool: &Pool, key_: &str) -> Result<Option<serde_json::Value>> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key_.to_owned())
        .fetch_optional(pool)
        .await?;
    v.map(|s| {
        serde_json::from_str(&s).map_err(|e| StoreError::Corrupt {
            table: "settings",
            column: "value",
            reason: format!("{key_}: {e}"),
        })
    })
    .transpose()
}

pub(crate) async fn set_setting(pool: &Pool, key_: &str, value: &serde_json::Value) -> Result<()> {
    let mut conn = pool.acquire().await?;
    set_setting_in(&mut conn, key_, value).await
}

pub(crate) async fn narrative(
    pool: &Pool,
    year: CollectionYear,
    section: &str,
) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT body FROM report_narratives WHERE year = $1 AND section = $2")
            .bind(i64::from(year.start_year()))
            .bind(section.to_owned())
            .fetch_optional(pool)
            .await?,
    )
}

pub(crate) async fn narratives(
    pool: &Pool,
    year: CollectionYear,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for row in sqlx::query("SELECT section, body FROM report_narratives WHERE year = $1")
        .bind(i64::from(year.start_year()))
        .fetch_all(pool)
        .await?
    {
        out.insert(row.try_get("section")?, row.try_get("body")?);
    }
    Ok(out)
}

pub(crate) async fn set_narrative(
    pool: &Pool,
    year: CollectionYear,
    section: &str,
    text: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO report_narratives (year, section, body, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (year, section) DO UPDATE SET body = excluded.body, \
         updated_at = excluded.updated_at",
    )
    .bind(i64::from(year.start_year()))
    .bind(section.to_owned())
    .bind(text.to_owned())
    .bind(now())
    .execute(pool)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Bank holidays

pub(crate) async fn bank_holidays(pool: &Pool) -> Result<Vec<BankHoliday>> {
    const T: &str = "bank_holidays";
    sqlx::query("SELECT * FROM bank_holidays ORDER BY holiday_date")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(BankHoliday {
                date: date(
                    T,
                    "holiday_date",
                    &row.try_get::<String, _>("holiday_date")?,
                )?,
                title: row.try_get("title")?,
                special: row.try_get("special")?,
            })
        })
        .collect()
}

pub(crate) async fn replace_bank_holidays(pool: &Pool, holidays: &[BankHoliday]) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    sqlx::query("DELETE FROM bank_holidays")
        .execute(&mut *conn)
        .await?;
    bulk_insert(
        conn,
        "INSERT INTO bank_holidays (holiday_date, title, special)",
        3,
        holidays,
        |b, h| {
            b.push_bind(iso(h.date))
                .push_bind(h.title.clone())
                .push_bind(h.special.clone());
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn seed_bank_holidays(pool: &Pool, cal: &WorkingDayCalendar) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bank_holidays")
        .fetch_one(pool)
        .await?;
    if n > 0 {
        return Ok(false);
    }
    let holidays: Vec<BankHoliday> = cal.holidays().collect();
    replace_bank_holidays(pool, &holidays).await?;
    Ok(true)
}

// ---------------------------------------------------------------------------
// Audit log (append-only: there is no function to change or delete a row)

pub(crate) async fn audit(
    pool: &Pool,
    actor: &str,
    action: &str,
    child: Option<&ChildId>,
    detail: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO audit_log (at, actor, action, child, detail) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id",
    )
    .bind(now())
    .bind(actor.to_owned())
    .bind(action.to_owned())
    .bind(child.map(|c| c.as_str().to_owned()))
    .bind(detail.to_owned())
    .fetch_one(pool)
    .await?)
}

pub(crate) async fn audit_log(pool: &Pool, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    const T: &str = "audit_log";
    let mut qb = QueryBuilder::<Db>::new("SELECT * FROM audit_log WHERE 1 = 1");
    if let Some(c) = &q.child {
        qb.push(" AND child = ").push_bind(c.as_str().to_owned());
    }
    if let Some(a) = &q.actor {
        qb.push(" AND actor = ").push_bind(a.clone());
    }
    if let Some(prefix) = &q.action_prefix {
        // Not LIKE ("_" is a wildcard there, and SQLite's LIKE ignores
        // case) and not a range (collation-dependent in PostgreSQL).
        let chars = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
        qb.push(" AND substr(action, 1, ")
            .push_bind(chars)
            .push(") = ")
            .push_bind(prefix.clone());
    }
    qb.push(" ORDER BY id DESC");
    if let Some(n) = q.limit {
        qb.push(" LIMIT ").push_bind(i64::from(n));
    }
    qb.build()
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(AuditEntry {
                id: row.try_get("id")?,
                at: timestamp(T, "at", &row.try_get::<String, _>("at")?)?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                child: row
                    .try_get::<Option<String>, _>("child")?
                    .map(|c| child_id(T, "child", &c))
                    .transpose()?,
                detail: row.try_get("detail")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Web sessions

pub(crate) async fn session_load(
    pool: &Pool,
    id: &str,
    now_unix: i64,
) -> Result<Option<SessionRow>> {
    let row = sqlx::query("SELECT id, data, expiry FROM sessions WHERE id = $1 AND expiry > $2")
        .bind(id.to_owned())
        .bind(now_unix)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok(SessionRow {
            id: r.try_get("id")?,
            data: r.try_get("data")?,
            expiry: r.try_get("expiry")?,
        })
    })
    .transpose()
}

pub(crate) async fn session_create(pool: &Pool, s: &SessionRow) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO sessions (id, data, expiry) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
    )
    .bind(s.id.clone())
    .bind(s.data.clone())
    .bind(s.expiry)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn session_save(pool: &Pool, s: &SessionRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, data, expiry) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry = excluded.expiry",
    )
    .bind(s.id.clone())
    .bind(s.data.clone())
    .bind(s.expiry)
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn session_delete(pool: &Pool, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id.to_owned())
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn session_delete_expired(pool: &Pool, now_unix: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expiry <= $1")
        .bind(now_unix)
        .execute(pool)
        .await?
        .rows_affected())
}
