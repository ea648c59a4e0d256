//! Settings (JSON values by key), the report narratives the manager writes,
//! and the bank holidays behind the working-day calendar.

use std::collections::BTreeMap;

use footprint_domain::calendar::{BankHoliday, WorkingDayCalendar};
use footprint_domain::dates::CollectionYear;

use sqlx::Row;

use super::*;
use crate::convert::{date, iso, now};
use crate::error::{Result, StoreError};

pub(super) async fn set_setting_in(
    conn: &mut Conn,
    key: &str,
    value: &serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key.to_owned())
    .bind(value.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Settings and narratives

pub(crate) async fn setting(pool: &Pool, key_: &str) -> Result<Option<serde_json::Value>> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key_.to_owned())
        .fetch_optional(pool)
        .await?;
    v.map(|s| {
        serde_json::from_str(&s).map_err(|e| StoreError::Corrupt {
            table: "settings",
            column: "value",
            reason: format!("{key_}: {e}"),
        })
    })
    .transpose()
}

pub(crate) async fn set_setting(pool: &Pool, key_: &str, value: &serde_json::Value) -> Result<()> {
    let mut conn = pool.acquire().await?;
    set_setting_in(&mut conn, key_, value).await
}

pub(crate) async fn narrative(
    pool: &Pool,
    year: CollectionYear,
    section: &str,
) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT body FROM report_narratives WHERE year = $1 AND section = $2")
            .bind(i64::from(year.start_year()))
            .bind(section.to_owned())
            .fetch_optional(pool)
            .await?,
    )
}

pub(crate) async fn narratives(
    pool: &Pool,
    year: CollectionYear,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for row in sqlx::query("SELECT section, body FROM report_narratives WHERE year = $1")
        .bind(i64::from(year.start_year()))
        .fetch_all(pool)
        .await?
    {
        out.insert(row.try_get("section")?, row.try_get("body")?);
    }
    Ok(out)
}

/// Saves a section's text; the text it replaces (if different) is kept
/// first in `report_narrative_versions` with who replaced it and when, in
/// the same transaction.
pub(crate) async fn set_narrative(
    pool: &Pool,
    year: CollectionYear,
    section: &str,
    text: &str,
    by: &str,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    let at = now();
    sqlx::query(
        "INSERT INTO report_narrative_versions \
         (year, section, body, written_at, replaced_by, replaced_at) \
         SELECT year, section, body, updated_at, $4, $5 FROM report_narratives \
         WHERE year = $1 AND section = $2 AND body <> $3",
    )
    .bind(i64::from(year.start_year()))
    .bind(section.to_owned())
    .bind(text.to_owned())
    .bind(by.to_owned())
    .bind(at.clone())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO report_narratives (year, section, body, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (year, section) DO UPDATE SET body = excluded.body, \
         updated_at = excluded.updated_at",
    )
    .bind(i64::from(year.start_year()))
    .bind(section.to_owned())
    .bind(text.to_owned())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The earlier texts of a section, oldest first: (text, who replaced it).
pub(crate) async fn narrative_versions(
    pool: &Pool,
    year: CollectionYear,
    section: &str,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for row in sqlx::query(
        "SELECT body, replaced_by FROM report_narrative_versions \
         WHERE year = $1 AND section = $2 ORDER BY replaced_at, written_at",
    )
    .bind(i64::from(year.start_year()))
    .bind(section.to_owned())
    .fetch_all(pool)
    .await?
    {
        out.push((row.try_get("body")?, row.try_get("replaced_by")?));
    }
    Ok(out)
}

pub(crate) async fn report_words(
    pool: &Pool,
    year: CollectionYear,
) -> Result<Option<(i64, serde_json::Value)>> {
    let row = sqlx::query(
        "SELECT version, body FROM report_words WHERE year = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(i64::from(year.start_year()))
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        let version: i64 = row.try_get("version")?;
        let body: String = row.try_get("body")?;
        let value = serde_json::from_str(&body).map_err(|e| StoreError::Corrupt {
            table: "report_words",
            column: "body",
            reason: format!("{year} version {version}: {e}"),
        })?;
        Ok((version, value))
    })
    .transpose()
}

pub(crate) async fn save_report_words(
    pool: &Pool,
    year: CollectionYear,
    body: &serde_json::Value,
    actor: &str,
) -> Result<i64> {
    // One statement: the next version is worked out inside it, and the
    // primary key refuses a version two saves both took.
    let version: i64 = sqlx::query_scalar(
        "INSERT INTO report_words (year, version, body, recorded_by, recorded_at) \
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM report_words WHERE year = $1 \
         RETURNING version",
    )
    .bind(i64::from(year.start_year()))
    .bind(body.to_string())
    .bind(actor.to_owned())
    .bind(now())
    .fetch_one(pool)
    .await?;
    Ok(version)
}

// ---------------------------------------------------------------------------
// Bank holidays

pub(crate) async fn bank_holidays(pool: &Pool) -> Result<Vec<BankHoliday>> {
    const T: &str = "bank_holidays";
    sqlx::query("SELECT * FROM bank_holidays ORDER BY holiday_date")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(BankHoliday {
                date: date(T, "holiday_date", row.try_get::<&str, _>("holiday_date")?)?,
                title: row.try_get("title")?,
                special: row.try_get("special")?,
            })
        })
        .collect()
}

pub(crate) async fn replace_bank_holidays(pool: &Pool, holidays: &[BankHoliday]) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    sqlx::query("DELETE FROM bank_holidays")
        .execute(&mut *conn)
        .await?;
    bulk_insert(
        conn,
        "INSERT INTO bank_holidays (holiday_date, title, special)",
        3,
        holidays,
        |b, h| {
            b.push_bind(iso(h.date))
                .push_bind(h.title.clone())
                .push_bind(h.special.clone());
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn seed_bank_holidays(pool: &Pool, cal: &WorkingDayCalendar) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bank_holidays")
        .fetch_one(pool)
        .await?;
    if n > 0 {
        return Ok(false);
    }
    let holidays: Vec<BankHoliday> = cal.holidays().collect();
    replace_bank_holidays(pool, &holidays).await?;
    Ok(true)
}
