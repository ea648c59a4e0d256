//! The whole dataset the measures read (`load_dataset`), in one read
//! transaction.

use chrono::NaiveDate;
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::Dataset;

use super::*;
use crate::convert::date;
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

pub(crate) async fn load_dataset(pool: &Pool) -> Result<Dataset> {
    // One read transaction: a consistent snapshot on both databases.
    let mut tx = pool.begin().await?;
    let conn: &mut Conn = &mut tx;
    let mut children = Vec::new();
    for row in sqlx::query(concat!("SELECT ", child_cols!(), " FROM children"))
        .fetch_all(&mut *conn)
        .await?
    {
        children.push(child_from(&row)?);
    }
    children.sort_by(|a, b| a.id.cmp(&b.id));

    let mut episodes = Vec::new();
    for row in sqlx::query(concat!("SELECT ", episode_cols!(), " FROM episodes"))
        .fetch_all(&mut *conn)
        .await?
    {
        episodes.push(episode_from(&row)?);
    }
    episodes.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));

    let mut reviews = Vec::new();
    for row in sqlx::query(concat!("SELECT ", review_cols!(), " FROM reviews"))
        .fetch_all(&mut *conn)
        .await?
    {
        reviews.push(review_from(&row)?);
    }
    let attendance =
        sqlx::query("SELECT child, review_date, role FROM review_attendance ORDER BY seq")
            .fetch_all(&mut *conn)
            .await?;
    let recs = sqlx::query("SELECT * FROM recommendations ORDER BY seq")
        .fetch_all(&mut *conn)
        .await?;
    attach_review_parts(&mut reviews, attendance, recs)?;
    reviews.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let mut missing = Vec::new();
    for row in sqlx::query("SELECT * FROM missing_episodes")
        .fetch_all(&mut *conn)
        .await?
    {
        missing.push(missing_from(&row)?);
    }
    missing.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));

    let mut iros = Vec::new();
    for row in sqlx::query("SELECT * FROM iros")
        .fetch_all(&mut *conn)
        .await?
    {
        iros.push(iro_from(&row)?);
    }
    iros.sort_by(|a, b| a.id.cmp(&b.id));

    let mut allocations = Vec::new();
    for row in sqlx::query("SELECT * FROM allocations ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
    {
        allocations.push(allocation_from(&row)?);
    }
    allocations.sort_by(|a, b| (&a.child, a.from).cmp(&(&b.child, b.from)));

    let mut midway_checks = Vec::new();
    for row in sqlx::query("SELECT * FROM midway_checks ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
    {
        midway_checks.push(midway_from(&row)?);
    }
    midway_checks.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let mut visits = Vec::new();
    for row in sqlx::query("SELECT * FROM iro_visits ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
    {
        visits.push(visit_from(&row)?);
    }
    visits.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let challenges = load_challenges(conn, ChallengeFilter::All).await?;
    let reviews_known_from = reviews_known_from(conn).await?;
    let sibling_groups = sibling_groups_in(conn).await?;
    let health_outcomes = health_outcomes_in(conn, None).await?;
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
