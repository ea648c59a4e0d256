//! IROs and their work with a child: IROs, allocations (and caseloads),
//! midway checks and visits.

use chrono::NaiveDate;
use footprint_domain::model::{Allocation, ChildId, Iro, IroId, IroVisit, MidwayCheck, VisitKind};

use sqlx::Row;

use super::*;
use crate::convert::{child_id, date, iso, key, opt_date, opt_iso};
use crate::error::{Result, StoreError};

pub(super) fn iro_from(row: &DbRow) -> Result<Iro> {
    const T: &str = "iros";
    Ok(Iro {
        id: IroId(row.try_get("id")?),
        name: row.try_get("name")?,
        fte: row.try_get("fte")?,
        started: date(T, "started", row.try_get::<&str, _>("started")?)?,
        left: opt_date(T, "left_on", row.try_get("left_on")?)?,
    })
}

pub(super) fn allocation_from(row: &DbRow) -> Result<Allocation> {
    const T: &str = "allocations";
    Ok(Allocation {
        child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
        iro: IroId(row.try_get("iro")?),
        from: date(T, "from_date", row.try_get::<&str, _>("from_date")?)?,
        to: opt_date(T, "to_date", row.try_get("to_date")?)?,
    })
}

pub(super) fn midway_from(row: &DbRow) -> Result<MidwayCheck> {
    const T: &str = "midway_checks";
    Ok(MidwayCheck {
        child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
        date: date(T, "check_date", row.try_get::<&str, _>("check_date")?)?,
        iro: opt_iro(row.try_get("iro")?),
    })
}

pub(super) fn visit_kind_key(k: VisitKind) -> &'static str {
    k.key()
}

pub(super) fn visit_from(row: &DbRow) -> Result<IroVisit> {
    const T: &str = "iro_visits";
    Ok(IroVisit {
        child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
        date: date(T, "visit_date", row.try_get::<&str, _>("visit_date")?)?,
        kind: key(
            T,
            "kind",
            row.try_get::<&str, _>("kind")?,
            VisitKind::from_key,
        )?,
        iro: opt_iro(row.try_get("iro")?),
    })
}

pub(super) async fn upsert_iro(conn: &mut Conn, iro: &Iro) -> Result<()> {
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

pub(super) async fn allocations_in(conn: &mut Conn, child: &ChildId) -> Result<Vec<Allocation>> {
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
    by: &str,
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
            row.try_get::<&str, _>("from_date")?,
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
            // The allocation replaced is kept as a version, with who and why.
            let earlier = Allocation {
                child: child.clone(),
                iro: current.clone(),
                from: cur_from,
                to: None,
            };
            super::corrections::keep_version(
                conn,
                child,
                "allocation",
                &id.to_string(),
                &crate::types::Correction {
                    by: by.to_owned(),
                    reason: format!(
                        "Reallocated to IRO {iro} on the day the allocation to IRO {current} began"
                    ),
                },
                &["iro"],
                &earlier,
            )
            .await?;
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
