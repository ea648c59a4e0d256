//! The whole dataset the measures read (`load_dataset`), in one read
//! transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{AttendeeRole, Dataset, Recommendation, Review};
use futures_util::TryStreamExt;
use sqlx::Row;

use super::jsonrow::{JsonValue, parse_row};
use super::*;
use crate::convert::{IsoDate, date, key, opt_date};
use crate::error::{Result, StoreError};

async fn reviews_known_from(conn: &mut Conn) -> Result<Option<NaiveDate>> {
    let first_year: Option<i64> = sqlx::query_scalar("SELECT MIN(year) FROM import_runs")
        .fetch_one(&mut *conn)
        .await?;
    let from_imports = match first_year {
        Some(y) => Some(
            CollectionYear::new(i32::try_from(y).map_err(|_| StoreError::Corrupt {
                table: "import_runs",
                column: "year",
                reason: format!("{y} is not a year"),
            })?)
            .start(),
        ),
        None => None,
    };
    let recorded: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(crate::REVIEWS_RECORDED_FROM)
        .fetch_optional(&mut *conn)
        .await?;
    let from_setting = match recorded {
        Some(json) => {
            let s: String = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                table: "settings",
                column: "value",
                reason: format!("{}: {e}", crate::REVIEWS_RECORDED_FROM),
            })?;
            Some(date("settings", "value", &s)?)
        }
        None => None,
    };
    Ok(match (from_imports, from_setting) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// The values of a row read as one JSON array (column 0) of `n` values.
fn json_values<'r>(row: &'r DbRow, table: &'static str, n: usize) -> Result<Vec<JsonValue<'r>>> {
    let text: &str = row.try_get(0)?;
    match parse_row(text) {
        Some(v) if v.len() == n => Ok(v),
        _ => Err(StoreError::Corrupt {
            table,
            column: "(row)",
            reason: "a row could not be read back".into(),
        }),
    }
}

/// Reads every row of `sql`, streamed, each converted by `from` as it
/// arrives (no table's rows are held at once).
async fn stream<T>(
    conn: &mut Conn,
    sql: &'static str,
    mut from: impl FnMut(&DbRow) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut rows = sqlx::query(sql).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        out.push(from(&row)?);
    }
    Ok(out)
}

/// Fills in the attendance and recommendations of the reviews that have
/// details (only those can hold them), from rows streamed in `seq` order.
async fn attach_parts_streamed(conn: &mut Conn, reviews: &mut [Review]) -> Result<()> {
    let mut index: HashMap<(String, IsoDate), usize> = HashMap::new();
    for (i, r) in reviews.iter().enumerate() {
        if r.details.is_some() {
            index.insert((r.child.as_str().to_owned(), IsoDate::of(r.date)), i);
        }
    }
    if index.is_empty() {
        return Ok(());
    }
    let find = |row: &DbRow| -> Result<Option<usize>> {
        let child: &str = row.try_get("child")?;
        let date: &str = row.try_get("review_date")?;
        Ok(IsoDate::from_stored(date).and_then(|d| index.get(&(child.to_owned(), d)).copied()))
    };
    let mut roles = Vec::new();
    {
        let mut rows =
            sqlx::query("SELECT child, review_date, role FROM review_attendance ORDER BY seq")
                .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let role: &str = row.try_get("role")?;
            let role = key("review_attendance", "role", role, AttendeeRole::from_key)?;
            if let Some(i) = find(&row)? {
                roles.push((i, role));
            }
        }
    }
    for (i, role) in roles {
        if let Some(d) = reviews[i].details.as_mut() {
            d.attendance.push(role);
        }
    }
    let mut recs = Vec::new();
    {
        const T: &str = "recommendations";
        let mut rows = sqlx::query(
            "SELECT child, review_date, body, owner, due, completed FROM recommendations \
             ORDER BY seq",
        )
        .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let rec = Recommendation {
                text: row.try_get("body")?,
                owner: row.try_get("owner")?,
                due: date(T, "due", row.try_get::<&str, _>("due")?)?,
                completed: opt_date(T, "completed", row.try_get("completed")?)?,
            };
            if let Some(i) = find(&row)? {
                recs.push((i, rec));
            }
        }
    }
    for (i, rec) in recs {
        if let Some(d) = reviews[i].details.as_mut() {
            d.recommendations.push(rec);
        }
    }
    Ok(())
}

pub(crate) async fn load_dataset(pool: &Pool) -> Result<Dataset> {
    // One read transaction: a consistent snapshot on both databases. Each
    // table is streamed and converted row by row, then sorted (the rows
    // mostly arrive in order already, which the sort makes cheap).
    let mut tx = pool.begin().await?;
    let conn: &mut Conn = &mut tx;
    let mut children = stream(
        conn,
        "SELECT c.id, c.sex, c.date_of_birth, c.ethnicity, c.upn, c.mother, \
         c.mothers_child_dob, c.uasc, c.uasc_ceased, n.given_name, n.family_name \
         FROM children c LEFT JOIN child_names n ON n.child = c.id",
        child_from,
    )
    .await?;
    children.sort_by(|a, b| a.id.cmp(&b.id));

    // The two largest tables, a JSON array per row (see `jsonrow`).
    let mut episodes = stream(
        conn,
        if POSTGRES {
            concat!(
                "SELECT json_build_array(",
                episode_cols!(),
                ")::text FROM episodes"
            )
        } else {
            concat!("SELECT json_array(", episode_cols!(), ") FROM episodes")
        },
        |row| {
            let values = json_values(row, "episodes", 13)?;
            let mut v: [Option<&str>; 13] = [None; 13];
            for (slot, value) in v.iter_mut().zip(&values) {
                *slot = value.as_str();
            }
            episode_of(v)
        },
    )
    .await?;
    episodes.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));

    // Reviews without details (all the 903 holds) as JSON arrays of their
    // three 903 columns; those with details column by column.
    let mut reviews = stream(
        conn,
        if POSTGRES {
            "SELECT json_build_array(child, review_date, participation)::text FROM reviews \
             WHERE NOT has_details"
        } else {
            "SELECT json_array(child, review_date, participation) FROM reviews \
             WHERE NOT has_details"
        },
        |row| {
            let v = json_values(row, "reviews", 3)?;
            review_without_details(v[0].as_str(), v[1].as_str(), v[2].as_str())
        },
    )
    .await?;
    reviews.extend(
        stream(
            conn,
            concat!("SELECT ", review_cols!(), " FROM reviews WHERE has_details"),
            review_from,
        )
        .await?,
    );
    attach_parts_streamed(conn, &mut reviews).await?;
    reviews.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let mut missing = stream(
        conn,
        "SELECT child, kind, start_date, end_date FROM missing_episodes",
        missing_from,
    )
    .await?;
    missing.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));

    let mut iros = stream(
        conn,
        "SELECT id, name, fte, started, left_on FROM iros",
        iro_from,
    )
    .await?;
    iros.sort_by(|a, b| a.id.cmp(&b.id));

    let mut allocations = stream(
        conn,
        "SELECT child, iro, from_date, to_date FROM allocations ORDER BY id",
        allocation_from,
    )
    .await?;
    allocations.sort_by(|a, b| (&a.child, a.from).cmp(&(&b.child, b.from)));

    let mut midway_checks = stream(
        conn,
        "SELECT child, check_date, iro FROM midway_checks ORDER BY id",
        midway_from,
    )
    .await?;
    midway_checks.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let mut visits = stream(
        conn,
        "SELECT child, visit_date, kind, iro FROM iro_visits ORDER BY id",
        visit_from,
    )
    .await?;
    visits.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let challenges = load_challenges(conn, ChallengeFilter::All).await?;
    let reviews_known_from = reviews_known_from(conn).await?;
    let sibling_groups = sibling_groups_in(conn).await?;
    let mut health_outcomes = stream(
        conn,
        concat!(
            "SELECT child, collection_year, sdq_score, sdq_reason, convicted, health_check, ",
            "immunisations, teeth_check, health_assessment, substance_misuse, ",
            "intervention_received, intervention_offered FROM health_outcomes"
        ),
        health_outcomes_from,
    )
    .await?;
    health_outcomes.sort_by(|a, b| (&a.child, a.year).cmp(&(&b.child, b.year)));
    tx.commit().await?;
    Ok(Dataset {
        children,
        episodes,
        reviews,
        missing,
        iros,
        allocations,
        midway_checks,
        visits,
        challenges,
        reviews_known_from,
        sibling_groups,
        health_outcomes,
    })
}
