//! Reviews: the 903 fields, the details recorded in Footprint (chair, kind,
//! social worker's report, quality, lateness), attendance
//! (`review_attendance`) and recommendations.

use std::collections::HashSet;

use chrono::NaiveDate;
use footprint_domain::model::{
    AttendeeRole, ChildId, QualityGrade, Recommendation, Review, ReviewDetails, ReviewKind,
    SocialWorkerReport,
};

use sqlx::{QueryBuilder, Row};

use super::*;
use crate::convert::{child_id, date, iso, key, opt_code, opt_date, opt_iso, to_i64};
use crate::error::{Result, StoreError};

/// A key of an entry of a council list, as a review holds it.
fn list_key(k: &str) -> Option<String> {
    footprint_domain::lists::is_key(k).then(|| k.to_owned())
}

/// A review without its attendance and recommendations (filled in after).
pub(super) fn review_from(row: &DbRow) -> Result<Review> {
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
            // The key of an entry of the council's list (any list, past
            // or present: a retired or renamed entry keeps its key).
            Some(r) => Some(key(T, "late_reason", &r, list_key)?),
            None => None,
        };
        let inadequate_reason = match row.try_get::<Option<String>, _>("inadequate_reason")? {
            Some(r) => Some(key(T, "inadequate_reason", &r, list_key)?),
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
            inadequate_reason,
        })
    } else {
        None
    };
    Ok(Review {
        details,
        ..review_without_details(
            row.try_get("child")?,
            row.try_get("review_date")?,
            row.try_get("participation")?,
        )?
    })
}

/// A review's 903 columns as a review without details.
pub(super) fn review_without_details(
    child: Option<&str>,
    on: Option<&str>,
    participation: Option<&str>,
) -> Result<Review> {
    const T: &str = "reviews";
    Ok(Review {
        child: child_id(T, "child", required(T, "child", child)?)?,
        date: date(T, "review_date", required(T, "review_date", on)?)?,
        participation: opt_code(T, "participation", participation)?,
        details: None,
    })
}

/// The review a row of its attendance or recommendations belongs to, in
/// `reviews` sorted by child then date.
fn review_for<'r>(
    reviews: &'r mut [Review],
    table: &'static str,
    row: &DbRow,
) -> Result<Option<&'r mut ReviewDetails>> {
    let child: String = row.try_get("child")?;
    let on = date(
        table,
        "review_date",
        &row.try_get::<String, _>("review_date")?,
    )?;
    Ok(reviews
        .binary_search_by(|r| (r.child.as_str(), r.date).cmp(&(child.as_str(), on)))
        .ok()
        .and_then(|i| reviews[i].details.as_mut()))
}

/// Adds the attendance and recommendations of `reviews` (sorted by child
/// then date), reading the rows of both tables that `filter` puts after
/// ` FROM table`, in recorded order, one row at a time.
pub(super) async fn attach_review_parts(
    conn: &mut Conn,
    reviews: &mut [Review],
    filter: impl Fn(&mut QueryBuilder<Db>),
) -> Result<()> {
    let mut qb = QueryBuilder::<Db>::new("SELECT child, review_date, role FROM review_attendance");
    filter(&mut qb);
    qb.push(" ORDER BY seq");
    each_row(conn, &mut qb, |row| {
        const T: &str = "review_attendance";
        let role: String = row.try_get("role")?;
        let role = key(T, "role", &role, AttendeeRole::from_key)?;
        if let Some(d) = review_for(reviews, T, row)? {
            d.attendance.push(role);
        }
        Ok(())
    })
    .await?;
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT child, review_date, body, owner, due, completed FROM recommendations",
    );
    filter(&mut qb);
    qb.push(" ORDER BY seq");
    each_row(conn, &mut qb, |row| {
        const T: &str = "recommendations";
        let rec = Recommendation {
            text: row.try_get("body")?,
            owner: row.try_get("owner")?,
            due: date(T, "due", row.try_get::<&str, _>("due")?)?,
            completed: opt_date(T, "completed", row.try_get("completed")?)?,
        };
        if let Some(d) = review_for(reviews, T, row)? {
            d.recommendations.push(rec);
        }
        Ok(())
    })
    .await
}

fn review_kind_key(k: ReviewKind) -> &'static str {
    match k {
        ReviewKind::Statutory => "statutory",
        ReviewKind::Additional => "additional",
    }
}

// ---------------------------------------------------------------------------
// Bulk inserts (replace_dataset)

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

pub(super) async fn insert_reviews(conn: &mut Conn, rows: &[Review]) -> Result<()> {
    bulk_insert(
        conn,
        "INSERT INTO reviews (child, review_date, participation, has_details, chair, kind, \
         sw_report_status, sw_report_date, decisions_issued, record_circulated, quality, \
         late_reason, inadequate_reason)",
        13,
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
                .push_bind(d.and_then(|d| d.late_reason.as_deref()))
                .push_bind(d.and_then(|d| d.inadequate_reason.as_deref()));
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

pub(super) async fn reviews_of_in(conn: &mut Conn, child: &ChildId) -> Result<Vec<Review>> {
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
    attach_review_parts(conn, &mut reviews, |qb| {
        qb.push(" WHERE child = ")
            .push_bind(child.as_str().to_owned());
    })
    .await?;
    Ok(reviews)
}

// ---------------------------------------------------------------------------
// Reviews recorded in Footprint

pub(super) async fn write_review_details(conn: &mut Conn, r: &Review) -> Result<()> {
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
         record_circulated = $10, quality = $11, late_reason = $12, \
         inadequate_reason = $13 WHERE child = $1 AND review_date = $2",
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
    .bind(d.and_then(|d| d.late_reason.as_deref()))
    .bind(d.and_then(|d| d.inadequate_reason.as_deref()))
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

pub(crate) async fn children_with_records_outstanding(pool: &Pool) -> Result<Vec<ChildId>> {
    let sql = if POSTGRES {
        "SELECT DISTINCT child FROM reviews WHERE has_details \
         AND (decisions_issued IS NULL OR record_circulated IS NULL) ORDER BY child"
    } else {
        "SELECT DISTINCT child FROM reviews WHERE has_details = 1 \
         AND (decisions_issued IS NULL OR record_circulated IS NULL) ORDER BY child"
    };
    let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(pool).await?;
    rows.iter()
        .map(|c| child_id("reviews", "child", c))
        .collect()
}

pub(crate) async fn reviews_of(pool: &Pool, child: &ChildId) -> Result<Vec<Review>> {
    let mut conn = pool.acquire().await?;
    reviews_of_in(&mut conn, child).await
}
