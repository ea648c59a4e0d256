//! Corrections kept as versions (`record_versions`, append-only) and
//! requests to change a review's date (`review_date_changes`).

use footprint_domain::model::{
    Allocation, ChildId, ChildName, DateChangeReason, DateChangeStatus, IroVisit, MidwayCheck,
    Review, ReviewDateChange,
};
use serde::Serialize;
use sqlx::Row;

use super::*;
use crate::convert::{child_id, date, iso, key, now, timestamp};
use crate::error::{Result, StoreError};
use crate::types::{Correction, Held, NewReviewDateChange, RecordVersion};

/// The records a correction can replace (the `record` column's values).
pub(crate) const RECORDS: &[&str] = &[
    "review",
    "midway_check",
    "visit",
    "allocation",
    "challenge",
    "name",
    "health_assessment",
    "dental_check",
    "sdq_score",
    "immunisation",
    "education_plan",
];

/// A correction's reason, trimmed; refused when blank or over 500
/// characters.
fn reason_of(c: &Correction) -> Result<&str> {
    let r = c.reason.trim();
    if r.is_empty() {
        return Err(StoreError::Invalid(
            "a correction needs a reason".to_owned(),
        ));
    }
    if r.chars().count() > 500 {
        return Err(StoreError::Invalid(
            "a correction's reason must be 500 characters or fewer".to_owned(),
        ));
    }
    Ok(r)
}

/// Keeps `earlier`, the version a correction replaces, with who, when, why
/// and which fields changed. Part of the correction's own transaction.
pub(super) async fn keep_version<T: Serialize>(
    conn: &mut Conn,
    child: &ChildId,
    record: &'static str,
    record_key: &str,
    correction: &Correction,
    changed: &[&str],
    earlier: &T,
) -> Result<()> {
    debug_assert!(RECORDS.contains(&record));
    let reason = reason_of(correction)?;
    let json = serde_json::to_string(earlier)
        .map_err(|e| StoreError::Invalid(format!("a version could not be kept: {e}")))?;
    sqlx::query(
        "INSERT INTO record_versions (child, record, record_key, replaced_at, replaced_by, \
         reason, changed, earlier) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(child.as_str())
    .bind(record)
    .bind(record_key.to_owned())
    .bind(now())
    .bind(correction.by.clone())
    .bind(reason.to_owned())
    .bind(changed.join(","))
    .bind(json)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Corrects a stored review: the stored version is kept in
/// `record_versions` and the new one written, in one transaction. Returns
/// the fields that changed; nothing is written when none did.
pub(crate) async fn correct_review(
    pool: &Pool,
    review: &Review,
    correction: &Correction,
) -> Result<Vec<&'static str>> {
    reason_of(correction)?;
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let Some(stored) = reviews_of_in(conn, &review.child)
        .await?
        .into_iter()
        .find(|r| r.date == review.date)
    else {
        return Err(StoreError::NotFound(format!(
            "a review of child {} on {}",
            review.child,
            iso(review.date)
        )));
    };
    let changed = stored.changed_fields(review);
    if changed.is_empty() {
        return Ok(changed);
    }
    keep_version(
        conn,
        &review.child,
        "review",
        &iso(review.date),
        correction,
        &changed,
        &stored,
    )
    .await?;
    write_review_details(conn, review).await?;
    tx.commit().await?;
    Ok(changed)
}

/// A child's rows of `select` (the child bound as `$1`) with their ids,
/// each record read by `from`: what the correction pages show and correct.
async fn held_rows<T>(
    pool: &Pool,
    select: &'static str,
    child: &ChildId,
    from: fn(&DbRow) -> Result<T>,
) -> Result<Vec<Held<T>>> {
    sqlx::query(select)
        .bind(child.as_str())
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(Held {
                id: row.try_get("id")?,
                record: from(row)?,
            })
        })
        .collect()
}

/// A child's midway checks with their ids, by date.
pub(crate) async fn midway_checks_held(
    pool: &Pool,
    child: &ChildId,
) -> Result<Vec<Held<MidwayCheck>>> {
    held_rows(
        pool,
        "SELECT * FROM midway_checks WHERE child = $1 ORDER BY check_date, id",
        child,
        midway_from,
    )
    .await
}

/// A child's visits with their ids, by date.
pub(crate) async fn visits_held(pool: &Pool, child: &ChildId) -> Result<Vec<Held<IroVisit>>> {
    held_rows(
        pool,
        "SELECT * FROM iro_visits WHERE child = $1 ORDER BY visit_date, id",
        child,
        visit_from,
    )
    .await
}

/// Corrects the midway check held as `id` (it must be `check.child`'s):
/// the version held is kept in `record_versions` (record `midway_check`,
/// keyed by the id) and the new one written, in one transaction. Returns
/// the fields that changed; nothing is written when none did.
pub(crate) async fn correct_midway_check(
    pool: &Pool,
    id: i64,
    check: &MidwayCheck,
    correction: &Correction,
) -> Result<Vec<&'static str>> {
    reason_of(correction)?;
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let stored = sqlx::query("SELECT * FROM midway_checks WHERE id = $1 AND child = $2")
        .bind(id)
        .bind(check.child.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(midway_from)
        .transpose()?
        .ok_or_else(|| {
            StoreError::NotFound(format!("midway check {id} of child {}", check.child))
        })?;
    let changed = check.changed_fields(&stored);
    if changed.is_empty() {
        return Ok(changed);
    }
    if let Some(iro) = &check.iro {
        ensure_iro(conn, iro).await?;
    }
    keep_version(
        conn,
        &check.child,
        "midway_check",
        &id.to_string(),
        correction,
        &changed,
        &stored,
    )
    .await?;
    sqlx::query("UPDATE midway_checks SET check_date = $2, iro = $3 WHERE id = $1")
        .bind(id)
        .bind(iso(check.date))
        .bind(check.iro.as_ref().map(|i| i.0.as_str()))
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    Ok(changed)
}

/// Corrects the visit held as `id`, as [`correct_midway_check`] does
/// (record `visit`).
pub(crate) async fn correct_visit(
    pool: &Pool,
    id: i64,
    visit: &IroVisit,
    correction: &Correction,
) -> Result<Vec<&'static str>> {
    reason_of(correction)?;
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let stored = sqlx::query("SELECT * FROM iro_visits WHERE id = $1 AND child = $2")
        .bind(id)
        .bind(visit.child.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(visit_from)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("visit {id} of child {}", visit.child)))?;
    let changed = visit.changed_fields(&stored);
    if changed.is_empty() {
        return Ok(changed);
    }
    if let Some(iro) = &visit.iro {
        ensure_iro(conn, iro).await?;
    }
    keep_version(
        conn,
        &visit.child,
        "visit",
        &id.to_string(),
        correction,
        &changed,
        &stored,
    )
    .await?;
    sqlx::query("UPDATE iro_visits SET visit_date = $2, kind = $3, iro = $4 WHERE id = $1")
        .bind(id)
        .bind(iso(visit.date))
        .bind(visit.kind.key())
        .bind(visit.iro.as_ref().map(|i| i.0.as_str()))
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    Ok(changed)
}

/// A child's allocations with their ids, by start.
pub(crate) async fn allocations_held(
    pool: &Pool,
    child: &ChildId,
) -> Result<Vec<Held<Allocation>>> {
    held_rows(
        pool,
        "SELECT * FROM allocations WHERE child = $1 ORDER BY from_date, id",
        child,
        allocation_from,
    )
    .await
}

/// Corrects the allocation held as `id` (the IRO, its start, its end), as
/// [`correct_midway_check`] does (record `allocation`). Refused: an end not
/// after the start.
pub(crate) async fn correct_allocation(
    pool: &Pool,
    id: i64,
    allocation: &Allocation,
    correction: &Correction,
) -> Result<Vec<&'static str>> {
    reason_of(correction)?;
    if allocation.to.is_some_and(|to| to <= allocation.from) {
        return Err(StoreError::Invalid(
            "an allocation must end after it began".to_owned(),
        ));
    }
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let stored = sqlx::query("SELECT * FROM allocations WHERE id = $1 AND child = $2")
        .bind(id)
        .bind(allocation.child.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(allocation_from)
        .transpose()?
        .ok_or_else(|| {
            StoreError::NotFound(format!("allocation {id} of child {}", allocation.child))
        })?;
    let changed = allocation.changed_fields(&stored);
    if changed.is_empty() {
        return Ok(changed);
    }
    ensure_iro(conn, &allocation.iro).await?;
    keep_version(
        conn,
        &allocation.child,
        "allocation",
        &id.to_string(),
        correction,
        &changed,
        &stored,
    )
    .await?;
    sqlx::query("UPDATE allocations SET iro = $2, from_date = $3, to_date = $4 WHERE id = $1")
        .bind(id)
        .bind(allocation.iro.0.as_str())
        .bind(iso(allocation.from))
        .bind(allocation.to.map(iso))
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    Ok(changed)
}

/// The versions of one record that corrections replaced, oldest first.
pub(crate) async fn record_versions(
    pool: &Pool,
    child: &ChildId,
    record: &str,
    record_key: &str,
) -> Result<Vec<RecordVersion>> {
    const T: &str = "record_versions";
    let rows = sqlx::query(
        "SELECT id, child, record, record_key, replaced_at, replaced_by, reason, changed, \
         earlier FROM record_versions WHERE child = $1 AND record = $2 AND record_key = $3 \
         ORDER BY id",
    )
    .bind(child.as_str())
    .bind(record.to_owned())
    .bind(record_key.to_owned())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let changed: String = row.try_get("changed")?;
            let earlier: String = row.try_get("earlier")?;
            Ok(RecordVersion {
                id: row.try_get("id")?,
                child: child_id(T, "child", row.try_get("child")?)?,
                record: row.try_get("record")?,
                key: row.try_get("record_key")?,
                replaced_at: timestamp(T, "replaced_at", row.try_get("replaced_at")?)?,
                replaced_by: row.try_get("replaced_by")?,
                reason: row.try_get("reason")?,
                changed: changed
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                earlier: serde_json::from_str(&earlier).map_err(|e| StoreError::Corrupt {
                    table: T,
                    column: "earlier",
                    reason: e.to_string(),
                })?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Requests to change a review's date

pub(super) const DATE_CHANGE_COLS: &str = "SELECT id, child, requested_on, proposed, reason, \
     status, requested_by, decided_by FROM review_date_changes";

pub(super) fn date_change_from(row: &DbRow) -> Result<ReviewDateChange> {
    const T: &str = "review_date_changes";
    Ok(ReviewDateChange {
        id: row.try_get("id")?,
        child: child_id(T, "child", row.try_get("child")?)?,
        requested_on: date(T, "requested_on", row.try_get("requested_on")?)?,
        proposed: date(T, "proposed", row.try_get("proposed")?)?,
        reason: key(
            T,
            "reason",
            row.try_get("reason")?,
            DateChangeReason::from_key,
        )?,
        status: key(
            T,
            "status",
            row.try_get("status")?,
            DateChangeStatus::from_key,
        )?,
        requested_by: row.try_get("requested_by")?,
        decided_by: row.try_get("decided_by")?,
    })
}

async fn date_change_in(conn: &mut Conn, id: i64) -> Result<Option<ReviewDateChange>> {
    let mut qb = sqlx::QueryBuilder::<Db>::new(DATE_CHANGE_COLS);
    qb.push(" WHERE id = ").push_bind(id);
    qb.build()
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(date_change_from)
        .transpose()
}

/// Records a request. Refused when the child has one waiting for a
/// decision already.
pub(crate) async fn request_review_date_change(
    pool: &Pool,
    new: &NewReviewDateChange,
) -> Result<ReviewDateChange> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, &new.child).await?;
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM review_date_changes WHERE child = $1 AND status = 'pending'",
    )
    .bind(new.child.as_str())
    .fetch_one(&mut *conn)
    .await?;
    if pending > 0 {
        return Err(StoreError::AlreadyExists(format!(
            "a request to change the review date of child {} waiting for a decision",
            new.child
        )));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO review_date_changes (child, requested_on, proposed, reason, status, \
         requested_by, requested_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6) RETURNING id",
    )
    .bind(new.child.as_str())
    .bind(iso(new.requested_on))
    .bind(iso(new.proposed))
    .bind(new.reason.key())
    .bind(new.requested_by.clone())
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let stored = date_change_in(conn, id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("request {id}")))?;
    tx.commit().await?;
    Ok(stored)
}

/// A manager's decision on a request: refused when it is decided already
/// or when `by` made the request.
pub(crate) async fn decide_review_date_change(
    pool: &Pool,
    id: i64,
    approve: bool,
    by: &str,
) -> Result<ReviewDateChange> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let Some(change) = date_change_in(conn, id).await? else {
        return Err(StoreError::NotFound(format!("request {id}")));
    };
    if change.status != DateChangeStatus::Pending {
        return Err(StoreError::Invalid(
            "this request has already been decided".to_owned(),
        ));
    }
    if change.requested_by == by {
        return Err(StoreError::Invalid(
            "a request cannot be decided by the person who made it".to_owned(),
        ));
    }
    sqlx::query(
        "UPDATE review_date_changes SET status = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(if approve { "approved" } else { "refused" })
    .bind(by.to_owned())
    .bind(now())
    .execute(&mut *conn)
    .await?;
    let stored = date_change_in(conn, id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("request {id}")))?;
    tx.commit().await?;
    Ok(stored)
}

/// Every request, newest first.
pub(crate) async fn review_date_changes(pool: &Pool) -> Result<Vec<ReviewDateChange>> {
    let mut conn = pool.acquire().await?;
    let mut qb = sqlx::QueryBuilder::<Db>::new(DATE_CHANGE_COLS);
    qb.push(" ORDER BY id DESC");
    qb.build()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(date_change_from)
        .collect()
}

/// Writes a dataset's requests (`replace_dataset`), keeping their ids.
pub(super) async fn insert_review_date_changes(
    conn: &mut Conn,
    rows: &[ReviewDateChange],
) -> Result<()> {
    for c in rows {
        let decided = c.status != DateChangeStatus::Pending;
        sqlx::query(
            "INSERT INTO review_date_changes (id, child, requested_on, proposed, reason, status, \
             requested_by, requested_at, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(c.id)
        .bind(c.child.as_str())
        .bind(iso(c.requested_on))
        .bind(iso(c.proposed))
        .bind(c.reason.key())
        .bind(c.status.key())
        .bind(c.requested_by.clone())
        .bind(now())
        .bind(c.decided_by.clone())
        .bind(if decided { Some(now()) } else { None })
        .execute(&mut *conn)
        .await?;
    }
    if POSTGRES && !rows.is_empty() {
        // Explicit ids do not move the identity sequence: move it past them.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('review_date_changes', 'id'), \
             (SELECT COALESCE(MAX(id), 0) + 1 FROM review_date_changes), false)",
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// A challenge's concern, responses and outcome, in words

/// Adds a note to a challenge. Refused: an unknown kind, a blank body or
/// one over 4,000 characters, an unknown challenge.
pub(crate) async fn add_challenge_note(
    pool: &Pool,
    challenge: i64,
    kind: &str,
    stage: Option<&str>,
    body: &str,
    by: &str,
) -> Result<crate::types::ChallengeNote> {
    if !["concern", "response", "outcome"].contains(&kind) {
        return Err(StoreError::Invalid(format!(
            "`{kind}` is not a kind of challenge note"
        )));
    }
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 4000 {
        return Err(StoreError::Invalid(
            "a challenge note must be 1 to 4,000 characters".to_owned(),
        ));
    }
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM challenges WHERE id = $1")
        .bind(challenge)
        .fetch_one(&mut *conn)
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("challenge {challenge}")));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO challenge_notes (challenge, kind, stage, body, written_at, written_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(challenge)
    .bind(kind.to_owned())
    .bind(stage.map(str::to_owned))
    .bind(body.to_owned())
    .bind(now())
    .bind(by.to_owned())
    .fetch_one(&mut *conn)
    .await?;
    tx.commit().await?;
    let notes = challenge_notes(pool, challenge).await?;
    notes
        .into_iter()
        .find(|n| n.id == id)
        .ok_or_else(|| StoreError::NotFound(format!("challenge note {id}")))
}

/// A challenge's notes, in the order written.
pub(crate) async fn challenge_notes(
    pool: &Pool,
    challenge: i64,
) -> Result<Vec<crate::types::ChallengeNote>> {
    const T: &str = "challenge_notes";
    let rows = sqlx::query(
        "SELECT id, challenge, kind, stage, body, written_at, written_by FROM challenge_notes \
         WHERE challenge = $1 ORDER BY id",
    )
    .bind(challenge)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(crate::types::ChallengeNote {
                id: row.try_get("id")?,
                challenge: row.try_get("challenge")?,
                kind: row.try_get("kind")?,
                stage: row.try_get("stage")?,
                body: row.try_get("body")?,
                written_at: timestamp(T, "written_at", row.try_get("written_at")?)?,
                written_by: row.try_get("written_by")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// A child's name

/// Records, corrects or removes a child's name. A name held that changes
/// (or is removed) is a correction: `correction` is required and the name
/// held is kept in `record_versions`, in the same transaction. Returns the
/// parts that changed (`name` when one is first recorded or removed); none
/// when the name is as held (nothing written).
pub(crate) async fn correct_child_name(
    pool: &Pool,
    child: &ChildId,
    name: Option<&ChildName>,
    correction: Option<&Correction>,
) -> Result<Vec<&'static str>> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, child).await?;
    let held = sqlx::query("SELECT given_name, family_name FROM child_names WHERE child = $1")
        .bind(child.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| -> Result<ChildName> {
            let given: String = row.try_get("given_name")?;
            let family: String = row.try_get("family_name")?;
            ChildName::new(&given, &family).map_err(|e| StoreError::Corrupt {
                table: "child_names",
                column: "given_name",
                reason: e.to_string(),
            })
        })
        .transpose()?;
    let changed: Vec<&'static str> = match (&held, name) {
        (None, None) => Vec::new(),
        (Some(a), Some(b)) => [
            ("given_name", a.given() != b.given()),
            ("family_name", a.family() != b.family()),
        ]
        .into_iter()
        .filter(|(_, d)| *d)
        .map(|(f, _)| f)
        .collect(),
        _ => vec!["name"],
    };
    if changed.is_empty() {
        return Ok(changed);
    }
    if let Some(held) = &held {
        let Some(correction) = correction else {
            return Err(StoreError::Invalid(
                "a correction needs a reason".to_owned(),
            ));
        };
        keep_version(
            conn,
            child,
            "name",
            child.as_str(),
            correction,
            &changed,
            held,
        )
        .await?;
    }
    set_name_in(conn, child, name).await?;
    tx.commit().await?;
    Ok(changed)
}
