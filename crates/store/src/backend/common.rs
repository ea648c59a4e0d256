//! What every repository module shares: the pool, connection, row and
//! transaction types for this module's database, the write transaction,
//! multi-row bulk inserts, the checks that a child or IRO exists, and the
//! column lists (macros, for `concat!`) of the tables read in more than one
//! place.

use footprint_domain::model::{ChildId, IroId};
use futures_util::TryStreamExt as _;
use sqlx::QueryBuilder;

use super::jsonrow::{JsonValue, parse_rows};
use super::*;
use crate::error::{Result, StoreError};

pub(crate) type Pool = sqlx::Pool<Db>;
pub(super) type Conn = <Db as sqlx::Database>::Connection;
pub(super) type DbRow = <Db as sqlx::Database>::Row;
pub(super) type Tx = sqlx::Transaction<'static, Db>;

/// Bound parameters per statement in bulk inserts: under SQLite's 32,766
/// and PostgreSQL's 65,535.
pub(super) const MAX_PARAMS: usize = 30_000;

/// A transaction that will write. SQLite takes the write lock at once
/// (`BEGIN IMMEDIATE`) so that two writers queue on the busy timeout rather
/// than fail when a read lock cannot be upgraded.
pub(super) async fn write_tx(pool: &Pool) -> Result<Tx> {
    if POSTGRES {
        Ok(pool.begin().await?)
    } else {
        Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

// ---------------------------------------------------------------------------
// Generic helpers

/// Insert `rows` with multi-row `INSERT ... VALUES (...), (...)` statements,
/// as many rows per statement as the parameter limit allows.
pub(super) async fn bulk_insert<T>(
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

/// Runs the query built in `qb` and hands each row to `f` as it arrives:
/// a big table is converted row by row, never held as a list of rows.
pub(super) async fn each_row(
    conn: &mut Conn,
    qb: &mut QueryBuilder<Db>,
    mut f: impl FnMut(&DbRow) -> Result<()>,
) -> Result<()> {
    let mut rows = qb.build().fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        f(&row)?;
    }
    Ok(())
}

/// The children whose records a read takes: all, or a chosen set (see
/// `Scope` in `types.rs`), resolved once per read.
#[derive(Clone)]
pub(super) enum ChildFilter {
    All,
    /// The chosen children's ids as a JSON array, bound as one parameter
    /// and unpacked by the database (`json_each` in SQLite,
    /// `jsonb_array_elements_text` in PostgreSQL) so that any number of
    /// children takes one statement; and how many there are.
    Ids {
        json: String,
        count: usize,
    },
}

impl ChildFilter {
    pub(super) fn ids(ids: &[&str]) -> Result<ChildFilter> {
        serde_json::to_string(ids)
            .map(|json| ChildFilter::Ids {
                json,
                count: ids.len(),
            })
            .map_err(|e| StoreError::Invalid(format!("a list of child ids: {e}")))
    }

    /// Whether a row of `child` is of the children `keep` (from
    /// [`ChildFilter::id_set`]; `None`: all).
    pub(super) fn keeps(
        keep: Option<&std::collections::HashSet<String>>,
        child: Option<&str>,
    ) -> bool {
        match (keep, child) {
            (None, _) => true,
            (Some(keep), Some(child)) => keep.contains(child),
            (Some(_), None) => false,
        }
    }

    /// How many children are chosen (`None`: all).
    pub(super) fn count(&self) -> Option<usize> {
        match self {
            ChildFilter::All => None,
            ChildFilter::Ids { count, .. } => Some(*count),
        }
    }

    /// The chosen children's ids, to keep rows by in Rust (`None`: all).
    pub(super) fn id_set(&self) -> Result<Option<std::collections::HashSet<String>>> {
        match self {
            ChildFilter::All => Ok(None),
            ChildFilter::Ids { json, .. } => serde_json::from_str(json)
                .map(Some)
                .map_err(|e| StoreError::Invalid(format!("a list of child ids: {e}"))),
        }
    }

    /// ` WHERE {column} IN (...)` for a chosen set; nothing for all.
    pub(super) fn push_where(&self, qb: &mut QueryBuilder<Db>, column: &str) {
        self.push_condition(qb, " WHERE ", column);
    }

    /// ` AND {column} IN (...)` for a chosen set; nothing for all.
    pub(super) fn push_and(&self, qb: &mut QueryBuilder<Db>, column: &str) {
        self.push_condition(qb, " AND ", column);
    }

    fn push_condition(&self, qb: &mut QueryBuilder<Db>, joiner: &str, column: &str) {
        if let ChildFilter::Ids { json, .. } = self {
            qb.push(joiner).push(column).push(" IN (");
            if POSTGRES {
                qb.push("SELECT jsonb_array_elements_text(")
                    .push_bind(json.clone())
                    .push("::jsonb)");
            } else {
                qb.push("SELECT value FROM json_each(")
                    .push_bind(json.clone())
                    .push(")");
            }
            qb.push(")");
        }
    }
}

async fn child_exists(conn: &mut Conn, child: &ChildId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM children WHERE id = $1")
        .bind(child.as_str())
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}

pub(super) async fn ensure_child(conn: &mut Conn, child: &ChildId) -> Result<()> {
    if child_exists(conn, child).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("child {child}")))
    }
}

pub(super) async fn ensure_iro(conn: &mut Conn, iro: &IroId) -> Result<()> {
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

/// A value read as `Option` that the schema says is never NULL.
pub(super) fn required<'a>(
    table: &'static str,
    column: &'static str,
    v: Option<&'a str>,
) -> Result<&'a str> {
    v.ok_or(StoreError::Corrupt {
        table,
        column,
        reason: "is empty".into(),
    })
}

pub(super) fn opt_iro(s: Option<String>) -> Option<IroId> {
    s.map(IroId)
}

// ---------------------------------------------------------------------------
// Column lists

macro_rules! child_cols {
    () => {
        "id, sex, date_of_birth, ethnicity, upn, mother, mothers_child_dob, uasc, uasc_ceased, \
         (SELECT given_name FROM child_names WHERE child_names.child = children.id) AS given_name, \
         (SELECT family_name FROM child_names WHERE child_names.child = children.id) AS family_name"
    };
}

macro_rules! episode_cols {
    () => {
        "child, start_date, end_date, reason_new, legal_status, category_of_need, placement, \
         provider, reason_ceased, reason_place_change, home_postcode, placement_postcode, urn"
    };
}

macro_rules! review_cols {
    () => {
        "child, review_date, participation, has_details, chair, kind, sw_report_status, \
         sw_report_date, decisions_issued, record_circulated, quality, late_reason, \
         inadequate_reason"
    };
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

/// Whether a table is read many rows to a statement ([`rows_in_chunks`]):
/// on SQLite, when a quarter or more of the `held` children's rows are
/// read (a report over the council). A page reads a few children's rows
/// through the child index instead: the chunks would read the whole table.
pub(super) fn chunked(chosen: &ChildFilter, held: usize) -> bool {
    !POSTGRES && chosen.count().is_none_or(|n| n.saturating_mul(4) >= held)
}

/// Rows per statement of [`rows_in_chunks`].
const ROWS_PER_CHUNK: i64 = 8192;

/// SQLite: the rows of `table` that meet `condition` (` AND ...`, or
/// empty), as `json_array(cols)`, read a range of rowids at a time as one
/// JSON array of rows; `each` is called with each row's `n` values.
///
/// A row at a time, SQLite's connection thread and the one taking its rows
/// hand over to each other every few rows, both taking the channel's lock:
/// reading an England-sized council's records that way switched threads
/// hundreds of thousands of times, which on two busy cores cost more than
/// the reading (docs/benchmarks.md, eleventh round). A row's children are
/// chosen by the caller (`ChildFilter::keeps`) rather than in the
/// statement, which would unpack their list again for each range.
///
/// The ranges are the rows of one statement (a recursive `WITH` of the
/// ranges' first rowids), not a statement each: SQLite's connection thread
/// makes the next range's array while this thread takes the last one's
/// rows apart. A statement a range, each thread waited for the other, and
/// the reading used one core of two (twelfth round).
pub(super) async fn rows_in_chunks(
    conn: &mut Conn,
    (table, cols, condition): (&'static str, &str, &str),
    n: usize,
    mut each: impl FnMut(&[JsonValue<'_>]) -> Result<()>,
) -> Result<()> {
    let (first, last): (Option<i64>, Option<i64>) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT MIN(rowid), MAX(rowid) FROM {table}"
    )))
    .fetch_one(&mut *conn)
    .await?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(());
    };
    // $1: the first rowid, $2: the last; a range is ROWS_PER_CHUNK rowids
    // from `lo`.
    let sql = format!(
        "WITH RECURSIVE ranges(lo) AS (SELECT $1 UNION ALL \
         SELECT lo + {ROWS_PER_CHUNK} FROM ranges WHERE lo + {ROWS_PER_CHUNK} <= $2) \
         SELECT (SELECT json_group_array(json_array({cols})) FROM {table} \
         WHERE rowid >= ranges.lo AND rowid < ranges.lo + {ROWS_PER_CHUNK}{condition}) \
         FROM ranges"
    );
    let corrupt = || StoreError::Corrupt {
        table,
        column: "(row)",
        reason: "a row could not be read back".into(),
    };
    let mut chunks = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
        .bind(first)
        .bind(last)
        .fetch(&mut *conn);
    while let Some(text) = chunks.try_next().await? {
        for row in parse_rows(&text).ok_or_else(corrupt)? {
            if row.len() != n {
                return Err(corrupt());
            }
            each(&row)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod chunk_tests {
    use super::*;

    /// A page's few children are read through the child index: reading
    /// many rows to a statement reads the whole table, and a child's page
    /// took three times as long that way.
    #[test]
    fn only_a_read_of_most_children_goes_by_chunks() {
        let one = ChildFilter::ids(&["C1"]).unwrap();
        let quarter: Vec<String> = (0..150).map(|i| format!("C{i}")).collect();
        let quarter =
            ChildFilter::ids(&quarter.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
        assert_eq!(one.count(), Some(1));
        assert_eq!(ChildFilter::All.count(), None);
        assert!(!chunked(&one, 600));
        assert_eq!(chunked(&quarter, 600), !POSTGRES);
        assert!(!chunked(&quarter, 601));
        assert_eq!(chunked(&ChildFilter::All, 600), !POSTGRES);
    }
}
