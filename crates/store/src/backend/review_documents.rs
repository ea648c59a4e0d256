//! The record of a review and the letter to the child, kept as versions
//! (`review_documents`, append-only), and what was sent to whom
//! (`review_circulation`, append-only). Issuing the decisions or the record
//! sets the review's own date in the same transaction as the version that
//! says who issued it.
//!
//! The documents hold free text about the child: nothing here puts it in
//! an error message.

use chrono::NaiveDate;
use footprint_domain::letter::Letter;
use footprint_domain::model::ChildId;
use footprint_domain::review_record::{
    self, Document, Part, Recipient, ReviewRecord, Sent, SentBy,
};
use sqlx::Row;

use super::*;
use crate::convert::{child_id, date, iso, now, timestamp};
use crate::error::{Result, StoreError};
use crate::types::{Circulated, DocumentVersion, RecordToSend};

const T: &str = "review_documents";

fn corrupt(column: &'static str, reason: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table: T,
        column,
        reason: reason.to_string(),
    }
}

fn version_from(row: &DbRow) -> Result<DocumentVersion> {
    let changed: String = row.try_get("changed")?;
    let body: String = row.try_get("body")?;
    Ok(DocumentVersion {
        version: row.try_get("version")?,
        event: row.try_get("event")?,
        written_at: timestamp(T, "written_at", row.try_get("written_at")?)?,
        written_by: row.try_get("written_by")?,
        reason: row.try_get("reason")?,
        changed: changed
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        body: serde_json::from_str(&body).map_err(|e| corrupt("body", e))?,
    })
}

async fn versions_in(
    conn: &mut Conn,
    child: &ChildId,
    on: NaiveDate,
    document: &str,
) -> Result<Vec<DocumentVersion>> {
    sqlx::query(
        "SELECT version, event, body, written_at, written_by, reason, changed \
         FROM review_documents WHERE child = $1 AND review_date = $2 AND document = $3 \
         ORDER BY version",
    )
    .bind(child.as_str())
    .bind(iso(on))
    .bind(document.to_owned())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(version_from)
    .collect()
}

/// Every version of a review's record (`document` = `record`) or letter
/// (`letter`), oldest first.
pub(crate) async fn review_document_versions(
    pool: &Pool,
    child: &ChildId,
    on: NaiveDate,
    document: &str,
) -> Result<Vec<DocumentVersion>> {
    let mut conn = pool.acquire().await?;
    versions_in(&mut conn, child, on, document).await
}

fn record_of(v: &DocumentVersion) -> Result<ReviewRecord> {
    serde_json::from_value(v.body.clone()).map_err(|e| corrupt("body", e))
}

fn letter_of(v: &DocumentVersion) -> Result<Letter> {
    serde_json::from_value(v.body.clone()).map_err(|e| corrupt("body", e))
}

/// The record as last saved, with its version.
pub(crate) async fn review_record(
    pool: &Pool,
    child: &ChildId,
    on: NaiveDate,
) -> Result<Option<(ReviewRecord, DocumentVersion)>> {
    let mut conn = pool.acquire().await?;
    match versions_in(&mut conn, child, on, "record").await?.pop() {
        Some(v) => Ok(Some((record_of(&v)?, v))),
        None => Ok(None),
    }
}

/// The letter as last saved, with its version.
pub(crate) async fn review_letter(
    pool: &Pool,
    child: &ChildId,
    on: NaiveDate,
) -> Result<Option<(Letter, DocumentVersion)>> {
    let mut conn = pool.acquire().await?;
    match versions_in(&mut conn, child, on, "letter").await?.pop() {
        Some(v) => Ok(Some((letter_of(&v)?, v))),
        None => Ok(None),
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_version(
    conn: &mut Conn,
    child: &ChildId,
    on: NaiveDate,
    document: &str,
    event: &str,
    body: &serde_json::Value,
    by: &str,
    reason: &str,
    changed: &[String],
) -> Result<i64> {
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM review_documents \
         WHERE child = $1 AND review_date = $2 AND document = $3",
    )
    .bind(child.as_str())
    .bind(iso(on))
    .bind(document.to_owned())
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO review_documents (child, review_date, document, version, event, body, \
         written_at, written_by, reason, changed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(child.as_str())
    .bind(iso(on))
    .bind(document.to_owned())
    .bind(next)
    .bind(event.to_owned())
    .bind(body.to_string())
    .bind(now())
    .bind(by.to_owned())
    .bind(reason.to_owned())
    .bind(changed.join(","))
    .execute(&mut *conn)
    .await?;
    Ok(next)
}

/// The review, which must be recorded in Footprint (with details).
async fn review_with_details(
    conn: &mut Conn,
    child: &ChildId,
    on: NaiveDate,
) -> Result<footprint_domain::model::Review> {
    let review = reviews_of_in(conn, child)
        .await?
        .into_iter()
        .find(|r| r.date == on)
        .ok_or_else(|| StoreError::NotFound(format!("a review of child {child} on {}", iso(on))))?;
    if review.details.is_none() {
        return Err(StoreError::Invalid(
            "this review's details are not recorded in Footprint: record the review first"
                .to_owned(),
        ));
    }
    Ok(review)
}

/// A reason: trimmed, 1 to 500 characters.
fn reason_of(reason: &str) -> Result<&str> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(StoreError::Invalid(
            "say why the record is changed".to_owned(),
        ));
    }
    if r.chars().count() > 500 {
        return Err(StoreError::Invalid(
            "the reason must be 500 characters or fewer".to_owned(),
        ));
    }
    Ok(r)
}

/// Saves the record as a new version. A draft (nothing issued) needs no
/// reason ("Draft saved"); once the decisions or the record are issued a
/// change is a correction and `reason` is required. Returns the parts that
/// changed; nothing is written when none did.
pub(crate) async fn save_review_record(
    pool: &Pool,
    child: &ChildId,
    on: NaiveDate,
    record: &ReviewRecord,
    by: &str,
    reason: Option<&str>,
) -> Result<Vec<String>> {
    record.check().map_err(StoreError::Invalid)?;
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let review = review_with_details(conn, child, on).await?;
    let held = versions_in(conn, child, on, "record").await?.pop();
    let changed = match &held {
        Some(v) => record.changed_parts(&record_of(v)?),
        None => vec!["record".to_owned()],
    };
    if changed.is_empty() {
        return Ok(changed);
    }
    let issued =
        Part::Decisions.issued(&review).is_some() || Part::Record.issued(&review).is_some();
    let (event, reason) = if issued {
        ("correction", reason_of(reason.unwrap_or(""))?)
    } else {
        (
            "draft",
            match reason.map(str::trim).filter(|r| !r.is_empty()) {
                Some(r) => reason_of(r)?,
                None => "Draft saved",
            },
        )
    };
    let body = serde_json::to_value(record).map_err(|e| StoreError::Invalid(e.to_string()))?;
    insert_version(
        conn, child, on, "record", event, &body, by, reason, &changed,
    )
    .await?;
    tx.commit().await?;
    Ok(changed)
}

/// Issues the decisions or the record on `on`: checked by the domain
/// ([`review_record::check_issue`]), then the review's `decisions_issued`
/// or `record_circulated` set and a version saying who issued it written,
/// in one transaction.
pub(crate) async fn issue_review_record(
    pool: &Pool,
    child: &ChildId,
    on: NaiveDate,
    part: Part,
    issued_on: NaiveDate,
    by: &str,
) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let review = review_with_details(conn, child, on).await?;
    let held = versions_in(conn, child, on, "record").await?.pop();
    let record = held.as_ref().map(record_of).transpose()?;
    review_record::check_issue(part, &review, record.as_ref(), issued_on)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let (sql, event, reason) = match part {
        Part::Decisions => (
            "UPDATE reviews SET decisions_issued = $3 WHERE child = $1 AND review_date = $2",
            "issue_decisions",
            "Decisions issued",
        ),
        Part::Record => (
            "UPDATE reviews SET record_circulated = $3 WHERE child = $1 AND review_date = $2",
            "issue_record",
            "Record issued",
        ),
    };
    sqlx::query(sql)
        .bind(child.as_str())
        .bind(iso(on))
        .bind(iso(issued_on))
        .execute(&mut *conn)
        .await?;
    let body = held.map(|v| v.body).unwrap_or_default();
    insert_version(
        conn,
        child,
        on,
        "record",
        event,
        &body,
        by,
        reason,
        &[part.key().to_owned()],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the letter as a new version (reason "Letter saved"); nothing is
/// written when it is as held. Returns whether it was written.
pub(crate) async fn save_review_letter(
    pool: &Pool,
    child: &ChildId,
    on: NaiveDate,
    letter: &Letter,
    by: &str,
) -> Result<bool> {
    if letter.text.trim().is_empty()
        || letter.text.chars().count() > footprint_domain::letter::LETTER_MAX
    {
        return Err(StoreError::Invalid(
            "a letter must be 1 to 20,000 characters".to_owned(),
        ));
    }
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    review_with_details(conn, child, on).await?;
    let held = versions_in(conn, child, on, "letter").await?.pop();
    let changed: Vec<String> = match held.as_ref().map(letter_of).transpose()? {
        Some(h) if &h == letter => return Ok(false),
        Some(h) => [
            ("audience", h.audience != letter.audience),
            ("text", h.text != letter.text),
        ]
        .into_iter()
        .filter(|(_, d)| *d)
        .map(|(p, _)| p.to_owned())
        .collect(),
        None => vec!["letter".to_owned()],
    };
    let body = serde_json::to_value(letter).map_err(|e| StoreError::Invalid(e.to_string()))?;
    insert_version(
        conn,
        child,
        on,
        "letter",
        "draft",
        &body,
        by,
        "Letter saved",
        &changed,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

fn circulated_from(row: &DbRow) -> Result<Circulated> {
    const C: &str = "review_circulation";
    let bad = |column: &'static str, v: &str| StoreError::Corrupt {
        table: C,
        column,
        reason: format!("`{v}` is not known"),
    };
    let document: String = row.try_get("document")?;
    let recipient: String = row.try_get("recipient")?;
    let how: String = row.try_get("sent_by")?;
    Ok(Circulated {
        id: row.try_get("id")?,
        child: child_id(C, "child", row.try_get("child")?)?,
        review: date(C, "review_date", row.try_get("review_date")?)?,
        sent: Sent {
            document: Document::from_key(&document).ok_or_else(|| bad("document", &document))?,
            recipient: Recipient::from_key(&recipient)
                .ok_or_else(|| bad("recipient", &recipient))?,
            how: SentBy::from_key(&how).ok_or_else(|| bad("sent_by", &how))?,
            on: date(C, "sent_on", row.try_get("sent_on")?)?,
        },
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: timestamp(C, "recorded_at", row.try_get("recorded_at")?)?,
    })
}

macro_rules! circulation_cols {
    () => {
        "SELECT id, child, review_date, document, recipient, sent_by, sent_on, recorded_by, \
         recorded_at FROM review_circulation"
    };
}

/// What was sent to whom for one review, in the order recorded.
pub(crate) async fn circulation(
    pool: &Pool,
    child: &ChildId,
    on: NaiveDate,
) -> Result<Vec<Circulated>> {
    sqlx::query(concat!(
        circulation_cols!(),
        " WHERE child = $1 AND review_date = $2 ORDER BY id"
    ))
    .bind(child.as_str())
    .bind(iso(on))
    .fetch_all(pool)
    .await?
    .iter()
    .map(circulated_from)
    .collect()
}

/// Records that a document was sent. Refused: a review not recorded in
/// Footprint, the decisions or the record before they were issued (or
/// before the day they were), a letter never written, a day before the
/// review.
pub(crate) async fn record_circulation(
    pool: &Pool,
    child: &ChildId,
    on: NaiveDate,
    sent: &Sent,
    by: &str,
) -> Result<Circulated> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let review = review_with_details(conn, child, on).await?;
    if sent.on < on {
        return Err(StoreError::Invalid(
            "a document cannot be sent before the review".to_owned(),
        ));
    }
    let part = match sent.document {
        Document::Decisions => Some(Part::Decisions),
        Document::Record => Some(Part::Record),
        Document::Letter => None,
    };
    match part {
        Some(p) => match p.issued(&review) {
            None => {
                return Err(StoreError::Invalid(
                    if p == Part::Decisions {
                        "the decisions have not been issued yet"
                    } else {
                        "the record has not been issued yet"
                    }
                    .to_owned(),
                ));
            }
            Some(issued) if sent.on < issued => {
                return Err(StoreError::Invalid(
                    "a document cannot be sent before the day it was issued".to_owned(),
                ));
            }
            Some(_) => {}
        },
        None => {
            if versions_in(conn, child, on, "letter").await?.is_empty() {
                return Err(StoreError::Invalid(
                    "no letter to the child has been written for this review".to_owned(),
                ));
            }
        }
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO review_circulation (child, review_date, document, recipient, sent_by, \
         sent_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING id",
    )
    .bind(child.as_str())
    .bind(iso(on))
    .bind(sent.document.key())
    .bind(sent.recipient.key())
    .bind(sent.how.key())
    .bind(iso(sent.on))
    .bind(by.to_owned())
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let row = sqlx::query(concat!(circulation_cols!(), " WHERE id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let stored = circulated_from(&row)?;
    tx.commit().await?;
    Ok(stored)
}

/// The reviews of `children` that have a record written in Footprint.
pub(crate) async fn reviews_with_records(
    pool: &Pool,
    children: &[ChildId],
) -> Result<Vec<(ChildId, NaiveDate)>> {
    let mut out = Vec::new();
    for chunk in children.chunks(500) {
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "SELECT DISTINCT child, review_date FROM review_documents \
             WHERE document = 'record' AND child IN (",
        );
        let mut sep = qb.separated(", ");
        for c in chunk {
            sep.push_bind(c.as_str().to_owned());
        }
        qb.push(") ORDER BY child, review_date");
        for row in qb.build().fetch_all(pool).await? {
            out.push((
                child_id(T, "child", row.try_get("child")?)?,
                date(T, "review_date", row.try_get("review_date")?)?,
            ));
        }
    }
    Ok(out)
}

/// The issued records with documents still to send: each review whose
/// decisions or record were issued and that has a recipient on the
/// record's list with no sending recorded ([`review_record::to_send`]),
/// by the review's date then child. No free text.
pub(crate) async fn records_to_send(pool: &Pool) -> Result<Vec<RecordToSend>> {
    let mut conn = pool.acquire().await?;
    // The latest version of each record whose review has a date issued.
    let rows = sqlx::query(
        "SELECT d.child, d.review_date, d.body FROM review_documents d \
         JOIN reviews r ON r.child = d.child AND r.review_date = d.review_date \
         WHERE d.document = 'record' \
         AND (r.decisions_issued IS NOT NULL OR r.record_circulated IS NOT NULL) \
         AND d.version = (SELECT MAX(v.version) FROM review_documents v \
             WHERE v.child = d.child AND v.review_date = d.review_date \
             AND v.document = 'record') \
         ORDER BY d.review_date, d.child",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let child = child_id(T, "child", row.try_get("child")?)?;
        let on = date(T, "review_date", row.try_get("review_date")?)?;
        let body: String = row.try_get("body")?;
        let record: ReviewRecord = serde_json::from_str(&body).map_err(|e| corrupt("body", e))?;
        let Some(review) = reviews_of_in(&mut conn, &child)
            .await?
            .into_iter()
            .find(|r| r.date == on)
        else {
            continue;
        };
        let sent: Vec<Sent> = sqlx::query(concat!(
            circulation_cols!(),
            " WHERE child = $1 AND review_date = $2 ORDER BY id"
        ))
        .bind(child.as_str())
        .bind(iso(on))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| circulated_from(r).map(|c| c.sent))
        .collect::<Result<_>>()?;
        let left = review_record::to_send(&review, &record.send_to, &sent);
        if !left.is_empty() {
            out.push(RecordToSend {
                child,
                review: on,
                decisions_issued: Part::Decisions.issued(&review),
                record_issued: Part::Record.issued(&review),
                to_send: left,
            });
        }
    }
    Ok(out)
}
