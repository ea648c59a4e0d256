//! The append-only audit log: there is no function to change or delete a
//! row, and the databases refuse it (triggers).

use footprint_domain::model::ChildId;
use sqlx::{QueryBuilder, Row};

use super::*;
use crate::convert::{child_id, now, timestamp};
use crate::error::Result;
use crate::types::{AuditEntry, AuditQuery};

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

/// The query's filters (`child`, `actor`, `action_prefix`) as a WHERE
/// clause after `WHERE 1 = 1`.
fn push_filters(qb: &mut QueryBuilder<Db>, q: &AuditQuery) {
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
}

/// How many rows the query's filters match (its limit and offset aside).
pub(crate) async fn audit_count(pool: &Pool, q: &AuditQuery) -> Result<u64> {
    let mut qb = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM audit_log WHERE 1 = 1");
    push_filters(&mut qb, q);
    let n: i64 = qb.build_query_scalar().fetch_one(pool).await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

pub(crate) async fn audit_log(pool: &Pool, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    const T: &str = "audit_log";
    let mut qb = QueryBuilder::<Db>::new("SELECT * FROM audit_log WHERE 1 = 1");
    push_filters(&mut qb, q);
    qb.push(" ORDER BY id DESC");
    match (q.limit, q.offset) {
        (Some(n), offset) => {
            qb.push(" LIMIT ").push_bind(i64::from(n));
            if let Some(o) = offset {
                qb.push(" OFFSET ").push_bind(i64::from(o));
            }
        }
        (None, Some(o)) => {
            // SQLite needs a LIMIT before an OFFSET: -1 is none there;
            // PostgreSQL takes ALL.
            qb.push(if POSTGRES { " LIMIT ALL" } else { " LIMIT -1" });
            qb.push(" OFFSET ").push_bind(i64::from(o));
        }
        (None, None) => {}
    }
    qb.build()
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(AuditEntry {
                id: row.try_get("id")?,
                at: timestamp(T, "at", row.try_get::<&str, _>("at")?)?,
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
