//! Users of the web application and their sessions.

use sqlx::Row;

use super::*;
use crate::convert::{key, now, timestamp};
use crate::error::{Result, StoreError};
use crate::types::{NewUser, Role, SessionRow, User};

fn user_from(row: &DbRow) -> Result<User> {
    const T: &str = "users";
    Ok(User {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: key(T, "role", row.try_get::<&str, _>("role")?, Role::from_key)?,
        password_hash: row.try_get("password_hash")?,
        iro: opt_iro(row.try_get("iro")?),
        created_at: timestamp(T, "created_at", row.try_get::<&str, _>("created_at")?)?,
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
