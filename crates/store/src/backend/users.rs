//! Users of the web application and their sessions.

use sqlx::Row;

use super::*;
use crate::convert::{key, now, timestamp};
use crate::error::{Result, StoreError};
use crate::types::{NewUser, PasswordReset, Role, SessionRow, User};
use footprint_domain::model::IroId;

fn user_from(row: &DbRow) -> Result<User> {
    const T: &str = "users";
    Ok(User {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: key(T, "role", row.try_get::<&str, _>("role")?, Role::from_key)?,
        password_hash: row.try_get("password_hash")?,
        iro: opt_iro(row.try_get("iro")?),
        created_at: timestamp(T, "created_at", row.try_get::<&str, _>("created_at")?)?,
        disabled_at: row
            .try_get::<Option<String>, _>("disabled_at")?
            .map(|t| timestamp(T, "disabled_at", &t))
            .transpose()?,
        session_generation: row.try_get("session_generation")?,
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

pub(crate) async fn set_password_hash(pool: &Pool, name: &str, hash: &str) -> Result<User> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, session_generation = session_generation + 1 \
         WHERE name = $2 RETURNING *",
    )
    .bind(hash.to_owned())
    .bind(name.to_owned())
    .fetch_optional(pool)
    .await?
    .as_ref()
    .map(user_from)
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))
}

pub(crate) async fn set_user_disabled(pool: &Pool, name: &str, disabled: bool) -> Result<User> {
    // Disabling moves the session generation on: every session ends.
    let query = if disabled {
        sqlx::query(
            "UPDATE users SET disabled_at = $1, session_generation = session_generation + 1 \
             WHERE name = $2 RETURNING *",
        )
        .bind(now())
        .bind(name.to_owned())
    } else {
        sqlx::query("UPDATE users SET disabled_at = NULL WHERE name = $1 RETURNING *")
            .bind(name.to_owned())
    };
    query
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(user_from)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))
}

pub(crate) async fn set_user_role(
    pool: &Pool,
    name: &str,
    role: Role,
    iro: Option<&IroId>,
) -> Result<User> {
    match (role, iro) {
        (Role::Iro, None) => {
            return Err(StoreError::Invalid(
                "an IRO user must name the IRO they are".to_owned(),
            ));
        }
        (r, Some(_)) if r != Role::Iro => {
            return Err(StoreError::Invalid(
                "only an IRO user names an IRO".to_owned(),
            ));
        }
        _ => {}
    }
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    if let Some(iro) = iro {
        ensure_iro(conn, iro).await?;
    }
    let user = sqlx::query("UPDATE users SET role = $1, iro = $2 WHERE name = $3 RETURNING *")
        .bind(role.key())
        .bind(iro.map(|i| i.0.clone()))
        .bind(name.to_owned())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(user_from)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))?;
    tx.commit().await?;
    Ok(user)
}

// ---------------------------------------------------------------------------
// One-time password resets

/// A reset with its user's name, for `concat!` into a query.
macro_rules! reset_select {
    () => {
        "SELECT r.id, r.user_id, u.name AS user_name, r.issued_by, r.issued_at, r.expires_at, \
         r.spent_at FROM password_resets r JOIN users u ON u.id = r.user_id "
    };
}

fn reset_from(row: &DbRow) -> Result<PasswordReset> {
    const T: &str = "password_resets";
    Ok(PasswordReset {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        user: row.try_get("user_name")?,
        issued_by: row.try_get("issued_by")?,
        issued_at: timestamp(T, "issued_at", row.try_get::<&str, _>("issued_at")?)?,
        expires_at: row.try_get("expires_at")?,
        spent_at: row
            .try_get::<Option<String>, _>("spent_at")?
            .map(|t| timestamp(T, "spent_at", &t))
            .transpose()?,
    })
}

pub(crate) async fn issue_password_reset(
    pool: &Pool,
    name: &str,
    code_hash: &str,
    issued_by: &str,
    expires_at: i64,
) -> Result<PasswordReset> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE name = $1")
        .bind(name.to_owned())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))?;
    let at = now();
    // Only the newest reset works.
    sqlx::query("UPDATE password_resets SET spent_at = $1 WHERE user_id = $2 AND spent_at IS NULL")
        .bind(at.clone())
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO password_resets (user_id, code_hash, issued_by, issued_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(code_hash.to_owned())
    .bind(issued_by.to_owned())
    .bind(at)
    .bind(expires_at)
    .fetch_one(&mut *conn)
    .await?;
    let row = sqlx::query(concat!(reset_select!(), "WHERE r.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let reset = reset_from(&row)?;
    tx.commit().await?;
    Ok(reset)
}

pub(crate) async fn password_reset(
    pool: &Pool,
    code_hash: &str,
    now_unix: i64,
) -> Result<Option<PasswordReset>> {
    sqlx::query(concat!(
        reset_select!(),
        "WHERE r.code_hash = $1 AND r.spent_at IS NULL AND r.expires_at > $2 \
         AND u.disabled_at IS NULL"
    ))
    .bind(code_hash.to_owned())
    .bind(now_unix)
    .fetch_optional(pool)
    .await?
    .as_ref()
    .map(reset_from)
    .transpose()
}

pub(crate) async fn use_password_reset(
    pool: &Pool,
    code_hash: &str,
    now_unix: i64,
    password_hash: &str,
) -> Result<Option<User>> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    // Spending it first makes it single use even if two requests race.
    let user_id: Option<i64> = sqlx::query_scalar(
        "UPDATE password_resets SET spent_at = $1 \
         WHERE code_hash = $2 AND spent_at IS NULL AND expires_at > $3 RETURNING user_id",
    )
    .bind(now())
    .bind(code_hash.to_owned())
    .bind(now_unix)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let user = sqlx::query(
        "UPDATE users SET password_hash = $1, session_generation = session_generation + 1 \
         WHERE id = $2 AND disabled_at IS NULL RETURNING *",
    )
    .bind(password_hash.to_owned())
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(user_from)
    .transpose()?;
    match user {
        // A disabled user's reset does not work: nothing is changed.
        None => Ok(None),
        Some(user) => {
            tx.commit().await?;
            Ok(Some(user))
        }
    }
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
