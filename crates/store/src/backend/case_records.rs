//! The other records the reports need beyond the 903 (migration 16, file
//! 0017): secure accommodation, private fostering and foster carer reviews,
//! disruption meetings, child protection plans and conferences, life-story
//! work, advocacy, the child's views and case alerts, each kept as versions
//! in `case_records` (as `review_documents` keeps a review's record). The
//! latest version of a record is the record as it stands; a correction, or
//! an import that brings a record changed, adds a version and never
//! overwrites one.

use footprint_domain::case_records::{CaseRecord, CaseRecords};
use footprint_domain::model::ChildId;
use sqlx::Row;

use super::*;
use crate::convert::{iso, now, opt_iso, timestamp};
use crate::error::{Result, StoreError};
use crate::types::{CaseRecordVersion, CaseRecordsAdded, Correction};

/// How a version came to be written (the `event` column).
#[derive(Clone, Copy)]
enum Event {
    Import,
    Entry,
    Correction,
}

impl Event {
    fn key(self) -> &'static str {
        match self {
            Event::Import => "import",
            Event::Entry => "entry",
            Event::Correction => "correction",
        }
    }
}

fn body_of(record: &CaseRecord) -> Result<String> {
    serde_json::to_string(record)
        .map_err(|e| StoreError::Invalid(format!("a record could not be kept: {e}")))
}

fn record_from(body: &str) -> Result<CaseRecord> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt {
        table: "case_records",
        column: "body",
        reason: e.to_string(),
    })
}

fn checked(record: &CaseRecord) -> Result<()> {
    record.check().map_err(|e| {
        StoreError::Invalid(format!(
            "{} {}: {e}",
            record.kind().replace('_', " "),
            record.id()
        ))
    })
}

/// The latest version of a record: its number and the record.
async fn latest(conn: &mut Conn, kind: &str, record_id: &str) -> Result<Option<(i64, CaseRecord)>> {
    let row = sqlx::query(
        "SELECT version, body FROM case_records WHERE kind = $1 AND record_id = $2 \
         ORDER BY version DESC LIMIT 1",
    )
    .bind(kind.to_owned())
    .bind(record_id.to_owned())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        None => Ok(None),
        Some(row) => {
            let body: String = row.try_get("body")?;
            Ok(Some((row.try_get("version")?, record_from(&body)?)))
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn write_version(
    conn: &mut Conn,
    record: &CaseRecord,
    version: i64,
    event: Event,
    by: &str,
    reason: &str,
    changed: &[String],
) -> Result<()> {
    let (first, last) = record.span();
    sqlx::query(
        "INSERT INTO case_records (kind, record_id, version, child, first_date, last_date, \
         event, body, written_at, written_by, reason, changed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(record.kind())
    .bind(record.id().to_owned())
    .bind(version)
    .bind(record.child().map(|c| c.as_str().to_owned()))
    .bind(iso(first))
    .bind(opt_iso(last))
    .bind(event.key())
    .bind(body_of(record)?)
    .bind(now())
    .bind(by.to_owned())
    .bind(reason.to_owned())
    .bind(changed.join(","))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The records as they stand (each one's latest version) of the chosen
/// children, and every council-wide one (foster carer reviews, disruption
/// meetings), sorted.
pub(super) async fn case_records_of(
    conn: &mut Conn,
    chosen: &ChildFilter,
    households: bool,
) -> Result<CaseRecords> {
    // The latest version of each record, its children chosen first (by the
    // index on `child`) and only then checked for being the latest (by the
    // index of `UNIQUE (kind, record_id, version)`).
    const LATEST: &str = "c.version = (SELECT MAX(v.version) FROM case_records v \
         WHERE v.kind = c.kind AND v.record_id = c.record_id)";
    let mut qb = sqlx::QueryBuilder::<Db>::new("SELECT c.body FROM case_records c WHERE ");
    match chosen {
        ChildFilter::All => {
            qb.push(LATEST);
        }
        ChildFilter::Ids { .. } => {
            // Records without a child: disruption meetings (their children
            // are in the record) and, when asked, foster carer reviews (no
            // child at all: a page about children does not need them).
            qb.push("((c.child IS NOT NULL");
            chosen.push_and(&mut qb, "c.child");
            qb.push(") OR (c.child IS NULL AND c.kind IN ('disruption_meeting'");
            if households {
                qb.push(", 'foster_carer_review'");
            }
            qb.push("))) AND ").push(LATEST);
        }
    }
    let mut out = CaseRecords::default();
    each_row(conn, &mut qb, |row| {
        let body: &str = row.try_get("body")?;
        out.push(record_from(body)?);
        Ok(())
    })
    .await?;
    out.sort();
    Ok(out)
}

/// Writes every record of a whole dataset as its first version (for
/// `replace_dataset`, inside its bulk write, after the table was emptied).
pub(crate) async fn insert_case_records(
    conn: &mut Conn,
    records: &CaseRecords,
    by: &str,
) -> Result<()> {
    let all = records.all();
    for r in &all {
        checked(r)?;
    }
    let rows: Vec<(CaseRecord, String)> = all
        .into_iter()
        .map(|r| {
            let body = body_of(&r)?;
            Ok((r, body))
        })
        .collect::<Result<_>>()?;
    let at = now();
    bulk_insert(
        conn,
        "INSERT INTO case_records (kind, record_id, version, child, first_date, last_date, \
         event, body, written_at, written_by, reason, changed)",
        12,
        &rows,
        |b, (r, body)| {
            let (first, last) = r.span();
            b.push_bind(r.kind())
                .push_bind(r.id().to_owned())
                .push_bind(1_i64)
                .push_bind(r.child().map(|c| c.as_str().to_owned()))
                .push_bind(iso(first))
                .push_bind(opt_iso(last))
                .push_bind(Event::Import.key())
                .push_bind(body.clone())
                .push_bind(at.clone())
                .push_bind(by.to_owned())
                .push_bind("generated or restored with the whole council")
                .push_bind("");
        },
    )
    .await
}

/// Adds a case-management import's records in one transaction, after the
/// domain's checks (one refused: nothing is written). A record not held is
/// written as its first version; one held unchanged is left as it is; one
/// held and changed in the extract gets a new version (the earlier ones are
/// kept), so nothing recorded is lost.
pub(crate) async fn add_case_records(
    pool: &Pool,
    records: &[CaseRecord],
    by: &str,
) -> Result<CaseRecordsAdded> {
    for r in records {
        checked(r)?;
    }
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut out = CaseRecordsAdded::default();
    for r in records {
        match latest(conn, r.kind(), r.id()).await? {
            None => {
                write_version(conn, r, 1, Event::Import, by, "imported", &[]).await?;
                out.added += 1;
            }
            Some((_, held)) if held == *r => out.already_held += 1,
            Some((v, held)) => {
                let changed = held.changed_fields(r);
                write_version(
                    conn,
                    r,
                    v + 1,
                    Event::Import,
                    by,
                    "changed in the case-management extract",
                    &changed,
                )
                .await?;
                out.changed += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Records a new record entered in Footprint (its id must be new).
pub(crate) async fn record_case_record(pool: &Pool, record: &CaseRecord, by: &str) -> Result<()> {
    checked(record)?;
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    if latest(conn, record.kind(), record.id()).await?.is_some() {
        return Err(StoreError::AlreadyExists(format!(
            "a {} with id {}",
            record.kind().replace('_', " "),
            record.id()
        )));
    }
    write_version(conn, record, 1, Event::Entry, by, "entered", &[]).await?;
    tx.commit().await?;
    Ok(())
}

/// Corrects a held record: a new version with who, why and the fields that
/// changed; the earlier versions are kept. Returns those fields; nothing is
/// written when none changed. A blank reason is refused.
pub(crate) async fn correct_case_record(
    pool: &Pool,
    record: &CaseRecord,
    correction: &Correction,
) -> Result<Vec<String>> {
    let reason = correction.reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "a correction needs a reason".to_owned(),
        ));
    }
    if reason.chars().count() > 500 {
        return Err(StoreError::Invalid(
            "a correction's reason must be 500 characters or fewer".to_owned(),
        ));
    }
    checked(record)?;
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let Some((v, held)) = latest(conn, record.kind(), record.id()).await? else {
        return Err(StoreError::NotFound(format!(
            "a {} with id {}",
            record.kind().replace('_', " "),
            record.id()
        )));
    };
    let changed = held.changed_fields(record);
    if changed.is_empty() {
        return Ok(changed);
    }
    write_version(
        conn,
        record,
        v + 1,
        Event::Correction,
        &correction.by,
        reason,
        &changed,
    )
    .await?;
    tx.commit().await?;
    Ok(changed)
}

/// Every version of one record, oldest first.
pub(crate) async fn case_record_versions(
    pool: &Pool,
    kind: &str,
    record_id: &str,
) -> Result<Vec<CaseRecordVersion>> {
    const T: &str = "case_records";
    let rows = sqlx::query(
        "SELECT version, event, body, written_at, written_by, reason, changed FROM case_records \
         WHERE kind = $1 AND record_id = $2 ORDER BY version",
    )
    .bind(kind.to_owned())
    .bind(record_id.to_owned())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let changed: String = row.try_get("changed")?;
            let body: String = row.try_get("body")?;
            Ok(CaseRecordVersion {
                version: row.try_get("version")?,
                event: row.try_get("event")?,
                record: record_from(&body)?,
                written_at: timestamp(T, "written_at", row.try_get("written_at")?)?,
                written_by: row.try_get("written_by")?,
                reason: row.try_get("reason")?,
                changed: changed
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
        })
        .collect()
}

/// The children a list of records names that the store does not hold.
pub(crate) async fn children_not_held(pool: &Pool, children: &[ChildId]) -> Result<Vec<ChildId>> {
    let mut conn = pool.acquire().await?;
    let mut out = Vec::new();
    for c in children {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM children WHERE id = $1")
            .bind(c.as_str())
            .fetch_one(&mut *conn)
            .await?;
        if n == 0 {
            out.push(c.clone());
        }
    }
    Ok(out)
}
