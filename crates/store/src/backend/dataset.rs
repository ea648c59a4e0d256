//! The dataset the measures read, for the whole council or a scope of
//! children (`load_scoped`), in one read transaction: a consistent snapshot.

use chrono::NaiveDate;
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{Dataset, Episode, Review};
use sqlx::{QueryBuilder, Row};

use super::jsonrow::{JsonValue, parse_row};
use super::*;
use crate::Scope;
use crate::convert::{date, iso};
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

/// The children whose records touch `from..=to` ([`Scope::Active`]).
async fn active(conn: &mut Conn, from: NaiveDate, to: NaiveDate) -> Result<Vec<String>> {
    if from > to {
        return Ok(Vec::new());
    }
    // $1 = from, $2 = to. The windows asked for are a report's years, which
    // hold most of a table's rows: on SQLite the date terms of the large
    // tables are written `+column`, SQLite's documented way of keeping a
    // term from an index, so that each is read straight through (and
    // reviews through their covering key) instead of looked up row by row
    // from its date index, which an England-sized council's two windows
    // took 6 s of CPU over against 0.9 s. PostgreSQL's planner has the
    // tables' statistics and chooses for itself. The small tables keep
    // their indexes.
    let sql = if POSTGRES {
        ACTIVE.replace('+', "")
    } else {
        ACTIVE.to_owned()
    };
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(iso(from))
        .bind(iso(to))
        .fetch_all(&mut *conn)
        .await?)
}

/// The statement of [`active`], with `+` before each term to read without
/// its index on SQLite.
const ACTIVE: &str = "SELECT child FROM episodes \
       WHERE +start_date <= $2 AND (+end_date IS NULL OR +end_date >= $1) \
     UNION SELECT child FROM reviews WHERE +review_date BETWEEN $1 AND $2 \
     UNION SELECT child FROM midway_checks WHERE +check_date BETWEEN $1 AND $2 \
     UNION SELECT child FROM iro_visits WHERE +visit_date BETWEEN $1 AND $2 \
     UNION SELECT child FROM missing_episodes \
       WHERE +start_date <= $2 AND (+end_date IS NULL OR +end_date >= $1) \
     UNION SELECT child FROM challenges \
       WHERE raised <= $2 AND (resolved IS NULL OR resolved >= $1) \
     UNION SELECT child FROM allocations WHERE +from_date <= $2 \
       AND (+to_date IS NULL OR (+to_date > $1 AND to_date > from_date)) \
     UNION SELECT child FROM case_records WHERE child IS NOT NULL \
       AND first_date <= $2 AND (last_date IS NULL OR last_date >= $1) \
     UNION SELECT child FROM return_table_records \
       WHERE kind IN ('oc3', 'ad1') AND record_key BETWEEN $1 AND $2";

/// The children a scope chooses, looked up once at the start of the read:
/// those whose whole records are read, and those whose care records
/// (`measures::Records::Care`) are read, a superset of the first.
async fn chosen(conn: &mut Conn, scope: &Scope<'_>) -> Result<(ChildFilter, ChildFilter)> {
    let ids: Vec<String> = match scope {
        Scope::All => return Ok((ChildFilter::All, ChildFilter::All)),
        Scope::Children(ids) => {
            // As asked (they may repeat, or name a child not held).
            let ids: Vec<&str> = ids.iter().map(|c| c.as_str()).collect();
            let filter = ChildFilter::ids(&ids)?;
            return Ok((filter.clone(), filter));
        }
        Scope::Caseload { iro, on } => {
            sqlx::query_scalar(
                "SELECT DISTINCT child FROM allocations WHERE iro = $1 AND from_date <= $2 \
                 AND (to_date IS NULL OR to_date > $2)",
            )
            .bind(iro.0.as_str())
            .bind(iso(*on))
            .fetch_all(&mut *conn)
            .await?
        }
        Scope::Active { from, to } => active(conn, *from, *to).await?,
        Scope::Extents { every, headline } => {
            let whole = active(conn, every.0, every.1).await?;
            let mut care = whole.clone();
            if let Some((from, to)) = headline {
                care.extend(active(conn, *from, *to).await?);
                care.sort_unstable();
                care.dedup();
            }
            let held = children_held(conn).await?;
            return Ok((filter_of(&whole, held)?, filter_of(&care, held)?));
        }
    };
    let filter = match scope {
        Scope::Active { .. } => filter_of(&ids, children_held(conn).await?)?,
        _ => ChildFilter::ids(&ids.iter().map(String::as_str).collect::<Vec<_>>())?,
    };
    Ok((filter.clone(), filter))
}

/// How many children the database holds.
async fn children_held(conn: &mut Conn) -> Result<usize> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM children")
        .fetch_one(&mut *conn)
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The filter choosing `ids` (distinct children the database holds, as
/// every record's child is): every child when they are all of the `held`,
/// so that a report whose years reach back over the whole council reads
/// each table straight through instead of looking every child up.
fn filter_of(ids: &[String], held: usize) -> Result<ChildFilter> {
    if ids.len() >= held {
        return Ok(ChildFilter::All);
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    ChildFilter::ids(&ids)
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

/// An episode read as a JSON row.
fn episode_from_json(row: &DbRow) -> Result<Episode> {
    episode_from_values(&json_values(row, "episodes", 13)?)
}

fn episode_from_values(values: &[JsonValue<'_>]) -> Result<Episode> {
    let mut v: [Option<&str>; 13] = [None; 13];
    for (slot, value) in v.iter_mut().zip(values) {
        *slot = value.as_str();
    }
    episode_of(v)
}

/// A review without details read as a JSON row.
fn review_without_details_json(row: &DbRow) -> Result<Review> {
    review_without_details_values(&json_values(row, "reviews", 3)?)
}

fn review_without_details_values(v: &[JsonValue<'_>]) -> Result<Review> {
    review_without_details(v[0].as_str(), v[1].as_str(), v[2].as_str())
}

/// SQLite: [`rows_in_chunks`] of the `chosen` children (the child is the
/// first of the columns), each made into a `T` by `from`.
async fn chosen_rows_in_chunks<T>(
    conn: &mut Conn,
    select: (&'static str, &str, &str),
    chosen: &ChildFilter,
    n: usize,
    from: fn(&[JsonValue<'_>]) -> Result<T>,
) -> Result<Vec<T>> {
    let keep = chosen.id_set()?;
    let mut out = Vec::new();
    rows_in_chunks(conn, select, n, |row| {
        if ChildFilter::keeps(keep.as_ref(), row[0].as_str()) {
            out.push(from(row)?);
        }
        Ok(())
    })
    .await?;
    Ok(out)
}

/// The rows of `select` (up to its `FROM table`) whose `child_column` is a
/// chosen child, in `order`, each converted as it arrives.
async fn rows_of<T>(
    conn: &mut Conn,
    select: &str,
    child_column: &str,
    chosen: &ChildFilter,
    order: &str,
    from: fn(&DbRow) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut qb = QueryBuilder::<Db>::new(select);
    chosen.push_where(&mut qb, child_column);
    qb.push(order);
    each_row(conn, &mut qb, |row| {
        out.push(from(row)?);
        Ok(())
    })
    .await?;
    Ok(out)
}

pub(crate) async fn load_scoped(pool: &Pool, scope: &Scope<'_>) -> Result<Dataset> {
    let mut tx = pool.begin().await?;
    if POSTGRES {
        // One snapshot for every statement (PostgreSQL's default, READ
        // COMMITTED, takes a new one per statement). SQLite's read
        // transaction is one snapshot already.
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    let conn: &mut Conn = &mut tx;
    // `care` chooses the children whose care records (the child, episodes,
    // reviews and review date changes) are read; `chosen` those whose
    // other records are.
    let (chosen, care) = chosen(conn, scope).await?;
    // SQLite: how many children are held, to choose how to read
    // (`chunked`).
    let held = if POSTGRES {
        0
    } else {
        children_held(conn).await?
    };

    let mut children = rows_of(
        conn,
        concat!("SELECT ", child_cols!(), " FROM children"),
        "id",
        &care,
        "",
        child_from,
    )
    .await?;
    children.sort_by(|a, b| a.id.cmp(&b.id));

    // The two largest tables, a JSON array per row (see `jsonrow`); on
    // SQLite many rows at a time.
    let mut episodes = if chunked(&care, held) {
        chosen_rows_in_chunks(
            conn,
            ("episodes", episode_cols!(), ""),
            &care,
            13,
            episode_from_values,
        )
        .await?
    } else {
        rows_of(
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
            "child",
            &care,
            "",
            episode_from_json,
        )
        .await?
    };
    episodes.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));

    // Reviews without details (all the 903 holds) as JSON arrays of their
    // three 903 columns; those with details column by column.
    let mut reviews = if chunked(&care, held) {
        chosen_rows_in_chunks(
            conn,
            (
                "reviews",
                "child, review_date, participation",
                " AND NOT has_details",
            ),
            &care,
            3,
            review_without_details_values,
        )
        .await?
    } else {
        rows_of(
            conn,
            if POSTGRES {
                "SELECT json_build_array(child, review_date, participation)::text \
                 FROM (SELECT child, review_date, participation FROM reviews \
                 WHERE NOT has_details) r"
            } else {
                "SELECT json_array(child, review_date, participation) \
                 FROM (SELECT child, review_date, participation FROM reviews \
                 WHERE NOT has_details) r"
            },
            "child",
            &care,
            "",
            review_without_details_json,
        )
        .await?
    };
    reviews.extend(
        rows_of(
            conn,
            concat!(
                "SELECT * FROM (SELECT ",
                review_cols!(),
                " FROM reviews WHERE has_details) r"
            ),
            "child",
            &care,
            "",
            review_from,
        )
        .await?,
    );
    reviews.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    attach_review_parts(conn, &mut reviews, |qb| care.push_where(qb, "child")).await?;

    let mut missing = if chunked(&chosen, held) {
        chosen_rows_in_chunks(
            conn,
            ("missing_episodes", "child, kind, start_date, end_date", ""),
            &chosen,
            4,
            missing_from_values,
        )
        .await?
    } else {
        rows_of(
            conn,
            "SELECT child, kind, start_date, end_date FROM missing_episodes",
            "child",
            &chosen,
            "",
            missing_from,
        )
        .await?
    };
    missing.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));

    let mut iros = rows_of(
        conn,
        "SELECT id, name, fte, started, left_on FROM iros",
        "",
        &ChildFilter::All,
        "",
        iro_from,
    )
    .await?;
    iros.sort_by(|a, b| a.id.cmp(&b.id));

    let mut allocations = rows_of(
        conn,
        "SELECT child, iro, from_date, to_date FROM allocations",
        "child",
        &chosen,
        " ORDER BY id",
        allocation_from,
    )
    .await?;
    allocations.sort_by(|a, b| (&a.child, a.from).cmp(&(&b.child, b.from)));

    let mut midway_checks = rows_of(
        conn,
        "SELECT child, check_date, iro FROM midway_checks",
        "child",
        &chosen,
        " ORDER BY id",
        midway_from,
    )
    .await?;
    midway_checks.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let mut visits = rows_of(
        conn,
        "SELECT child, visit_date, kind, iro FROM iro_visits",
        "child",
        &chosen,
        " ORDER BY id",
        visit_from,
    )
    .await?;
    visits.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));

    let challenges = load_challenges(conn, ChallengeFilter::Children(&chosen)).await?;
    let reviews_known_from = reviews_known_from(conn).await?;
    let sibling_groups = sibling_groups_in(conn, &chosen).await?;

    let mut health_outcomes = rows_of(
        conn,
        concat!(
            "SELECT child, collection_year, sdq_score, sdq_reason, convicted, health_check, ",
            "immunisations, teeth_check, health_assessment, substance_misuse, ",
            "intervention_received, intervention_offered FROM health_outcomes"
        ),
        "child",
        &chosen,
        "",
        health_outcomes_from,
    )
    .await?;
    health_outcomes.sort_by(|a, b| (&a.child, a.year).cmp(&(&b.child, b.year)));

    let mut review_date_changes =
        rows_of(conn, DATE_CHANGE_COLS, "child", &care, "", date_change_from).await?;
    review_date_changes.sort_by(|a, b| (&a.child, a.id).cmp(&(&b.child, b.id)));
    let he = health_education_of(conn, &chosen).await?;
    // The other 903 tables' records of the chosen children, and the
    // adoption records of the children read for their care records (the
    // adoption scorecard of a headline year: `measures::Records::Care`).
    let adoptions = matches!(scope, Scope::Extents { .. }).then_some(&care);
    let return_tables = return_tables_with(conn, &chosen, adoptions, held).await?;
    // A page's read (a child and the children of its group, an IRO's
    // caseload) leaves out the foster carer households' reviews, which no
    // child's page shows; the report's reads keep them for its measures.
    let households = !matches!(scope, Scope::Children(_) | Scope::Caseload { .. });
    let case_records = case_records_of(conn, &chosen, households).await?;
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
        review_date_changes,
        health_assessments: he.health_assessments,
        dental_checks: he.dental_checks,
        sdq_scores: he.sdq_scores,
        immunisations: he.immunisations,
        education_plans: he.education_plans,
        return_tables,
        case_records,
    })
}
