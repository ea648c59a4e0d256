//! The schema: its version, the migrations (`MIGRATIONS` in `lib.rs`), the
//! data version kept by triggers, SQLite's integrity check and backup.

use sqlx::Row;

use super::*;
use crate::convert::{child_id, now};
use crate::error::{Result, StoreError};
use crate::types::{Changes, MigrationReport};
use crate::{MIGRATIONS, SCHEMA_VERSION};

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

pub(crate) async fn changes_since(pool: &Pool, since: i64) -> Result<Changes> {
    let mut tx = pool.begin().await?;
    if POSTGRES {
        // The version, the kept history and the rows from one snapshot.
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    let row = sqlx::query("SELECT version, changes_from FROM data_version WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let version: i64 = row.try_get(0)?;
    let kept_from: i64 = row.try_get(1)?;
    if since < kept_from || since > version {
        tx.commit().await?;
        return Ok(Changes {
            version,
            children: Vec::new(),
            council_wide: true,
        });
    }
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT child FROM data_changes WHERE version > $1 AND version <= $2",
    )
    .bind(since)
    .bind(version)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut children = rows
        .iter()
        .map(|c| child_id("data_changes", "child", c))
        .collect::<Result<Vec<_>>>()?;
    children.sort();
    Ok(Changes {
        version,
        children,
        council_wide: false,
    })
}

/// Schema objects (triggers, indexes) SQLite sets aside during a bulk
/// write, with the statements that create them again: `(name, sql)` from
/// `sqlite_master`, so the migrations stay their one home.
pub(super) type SetAside = Vec<(String, String)>;

/// The change-tracking triggers set aside by [`begin_bulk_write`].
pub(super) type SetAsideTriggers = SetAside;

/// Drops each of `objects` (of `kind`, `TRIGGER` or `INDEX`), read from
/// `sqlite_master` by the caller, and gives them back to be created again
/// by [`create_again`].
async fn set_aside(conn: &mut Conn, kind: &str, objects: SetAside) -> Result<SetAside> {
    for (name, _) in &objects {
        // The names are the schema's own, read by the caller.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP {kind} \"{}\"",
            name.replace('"', "\"\"")
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(objects)
}

/// Creates again, from their own text, the objects [`set_aside`] dropped.
async fn create_again(conn: &mut Conn, objects: &SetAside) -> Result<()> {
    for (_, sql) in objects {
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Starts a bulk write in `conn`'s transaction: until [`end_bulk_write`]
/// no child is logged as changed (the write ends with one council-wide
/// change instead), and the transaction's other writers queue behind it.
///
/// PostgreSQL's triggers fire once per statement and see `bulk_write`. SQLite
/// has only row triggers, and even a trigger that logs nothing costs a
/// `data_version` update per row (3.4 million for five England-sized
/// returns), so on SQLite the `*_bumps_data_version` triggers are dropped
/// inside the transaction and created again, from their own text, by
/// [`end_bulk_write`]. Both are part of the transaction: if it rolls back,
/// the triggers were never gone, and no other connection sees them missing.
pub(super) async fn begin_bulk_write(conn: &mut Conn) -> Result<SetAsideTriggers> {
    sqlx::query("UPDATE data_version SET bulk_write = TRUE WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    if POSTGRES {
        return Ok(Vec::new());
    }
    let triggers: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'trigger' AND name LIKE '%\\_bumps\\_data\\_version' ESCAPE '\\' \
         ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    set_aside(conn, "TRIGGER", triggers).await
}

/// The secondary indexes SQLite sets aside while a bulk write fills their
/// tables, with the statements that create them again: `(name, sql)` from
/// `sqlite_master`.
pub(super) type SetAsideIndexes = SetAside;

/// Sets aside, in `conn`'s transaction, the secondary indexes (not unique,
/// so never an upsert's conflict target) of each table of `tables` that is
/// about to be written at least half anew: `(table, rows to write)`. SQLite
/// keeps such an index by a look-up per row written, in the order of the
/// table's key (the index's own order, by date, is random to it); creating
/// it again once the rows are in is one sort. [`restore_indexes`] creates
/// them again inside the same transaction, so no other connection sees them
/// missing, and a rollback brings them back. PostgreSQL: none.
pub(super) async fn set_aside_indexes(
    conn: &mut Conn,
    tables: &[(&str, usize)],
) -> Result<SetAsideIndexes> {
    let mut all = Vec::new();
    if POSTGRES {
        return Ok(all);
    }
    for &(table, writing) in tables {
        // The table names are the import's own.
        let held: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&mut *conn)
                .await?;
        if u64::try_from(held).unwrap_or(0) > 2 * writing as u64 {
            continue;
        }
        let indexes: SetAside = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 \
             AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
        )
        .bind(table)
        .fetch_all(&mut *conn)
        .await?;
        all.extend(set_aside(conn, "INDEX", indexes).await?);
    }
    Ok(all)
}

/// Creates again, from their own text, the indexes [`set_aside_indexes`]
/// set aside.
pub(super) async fn restore_indexes(conn: &mut Conn, set_aside: SetAsideIndexes) -> Result<()> {
    create_again(conn, &set_aside).await
}

/// Ends a bulk write with one council-wide change: every earlier version
/// must reload everything, so the child log before it goes; on SQLite the
/// triggers [`begin_bulk_write`] set aside are created again.
pub(super) async fn end_bulk_write(conn: &mut Conn, set_aside: SetAsideTriggers) -> Result<()> {
    create_again(conn, &set_aside).await?;
    sqlx::query(
        "UPDATE data_version SET version = version + 1, changes_from = version + 1, \
         bulk_write = FALSE WHERE id = 1",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM data_changes")
        .execute(&mut *conn)
        .await?;
    Ok(())
}
