//! Children and what hangs off them one-to-one or as a list read with the
//! child: names (`child_names`), episodes, missing episodes, OC2 health
//! outcomes (`health_outcomes`), sibling groups, and the whole record of one
//! child for the child's page.

use std::collections::{BTreeMap, HashSet};

use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{
    Child, ChildId, ChildName, Dataset, Episode, HealthOutcomes, MissingEpisode, UascStatus,
};
use footprint_domain::periods::assemble_periods;

use sqlx::{QueryBuilder, Row};

use super::jsonrow::JsonValue;
use super::*;
use crate::convert::{child_id, code, date, iso, opt_code, opt_date, opt_iso};
use crate::error::{Result, StoreError};
use crate::types::ChildRecord;

pub(super) fn child_from(row: &DbRow) -> Result<Child> {
    const T: &str = "children";
    let uasc: bool = row.try_get("uasc")?;
    Ok(Child {
        id: child_id(T, "id", row.try_get::<&str, _>("id")?)?,
        sex: code(T, "sex", row.try_get::<&str, _>("sex")?)?,
        date_of_birth: date(T, "date_of_birth", row.try_get::<&str, _>("date_of_birth")?)?,
        ethnicity: code(T, "ethnicity", row.try_get::<&str, _>("ethnicity")?)?,
        upn: row.try_get("upn")?,
        mother: row.try_get("mother")?,
        mothers_child_dob: opt_date(T, "mothers_child_dob", row.try_get("mothers_child_dob")?)?,
        uasc: if uasc {
            Some(UascStatus {
                ceased: opt_date(T, "uasc_ceased", row.try_get("uasc_ceased")?)?,
            })
        } else {
            None
        },
        name: name_from(row.try_get("given_name")?, row.try_get("family_name")?)?,
    })
}

/// A name read from `child_names` (both parts, or neither when none is
/// recorded). The error never carries the name.
fn name_from(given: Option<String>, family: Option<String>) -> Result<Option<ChildName>> {
    match (given, family) {
        (None, None) => Ok(None),
        (Some(g), Some(f)) => ChildName::new(&g, &f)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                table: "child_names",
                column: if e.part() == "given name" {
                    "given_name"
                } else {
                    "family_name"
                },
                reason: e.to_string(),
            }),
        _ => Err(StoreError::Corrupt {
            table: "child_names",
            column: "family_name",
            reason: "only one part of the name is recorded".into(),
        }),
    }
}

pub(super) fn episode_from(row: &DbRow) -> Result<Episode> {
    let mut v: [Option<&str>; 13] = [None; 13];
    for (i, slot) in v.iter_mut().enumerate() {
        *slot = row.try_get(i)?;
    }
    episode_of(v)
}

/// An episode from its columns' text, in the order of `episode_cols!`.
pub(super) fn episode_of(v: [Option<&str>; 13]) -> Result<Episode> {
    const T: &str = "episodes";
    let need = |i: usize, column: &'static str| required(T, column, v[i]);
    Ok(Episode {
        child: child_id(T, "child", need(0, "child")?)?,
        start: date(T, "start_date", need(1, "start_date")?)?,
        end: opt_date(T, "end_date", v[2])?,
        reason_new: code(T, "reason_new", need(3, "reason_new")?)?,
        legal_status: code(T, "legal_status", need(4, "legal_status")?)?,
        category_of_need: opt_code(T, "category_of_need", v[5])?,
        placement: code(T, "placement", need(6, "placement")?)?,
        provider: opt_code(T, "provider", v[7])?,
        reason_ceased: opt_code(T, "reason_ceased", v[8])?,
        reason_place_change: opt_code(T, "reason_place_change", v[9])?,
        home_postcode: v[10].map(str::to_owned),
        placement_postcode: v[11].map(str::to_owned),
        urn: v[12].map(str::to_owned),
    })
}

pub(super) fn missing_from(row: &DbRow) -> Result<MissingEpisode> {
    missing_of([
        row.try_get("child")?,
        row.try_get("kind")?,
        row.try_get("start_date")?,
        row.try_get("end_date")?,
    ])
}

/// A missing period read as the values of `json_array(child, kind,
/// start_date, end_date)`.
pub(super) fn missing_from_values(v: &[JsonValue<'_>]) -> Result<MissingEpisode> {
    missing_of([v[0].as_str(), v[1].as_str(), v[2].as_str(), v[3].as_str()])
}

/// A missing period from its columns' text, in the order of
/// [`missing_from_values`] (as [`episode_of`] for an episode).
fn missing_of(v: [Option<&str>; 4]) -> Result<MissingEpisode> {
    const T: &str = "missing_episodes";
    let need = |i: usize, column: &'static str| required(T, column, v[i]);
    Ok(MissingEpisode {
        child: child_id(T, "child", need(0, "child")?)?,
        kind: code(T, "kind", need(1, "kind")?)?,
        start: date(T, "start_date", need(2, "start_date")?)?,
        end: opt_date(T, "end_date", v[3])?,
    })
}

pub(super) fn health_outcomes_from(row: &DbRow) -> Result<HealthOutcomes> {
    const T: &str = "health_outcomes";
    let year: i64 = row.try_get("collection_year")?;
    let corrupt = |column: &'static str, reason: String| StoreError::Corrupt {
        table: T,
        column,
        reason,
    };
    let sdq_score = match row.try_get::<Option<i64>, _>("sdq_score")? {
        None => None,
        Some(n) => Some(
            u8::try_from(n)
                .ok()
                .filter(|n| *n <= HealthOutcomes::SDQ_MAX)
                .ok_or_else(|| corrupt("sdq_score", format!("{n} is not an SDQ score (0-40)")))?,
        ),
    };
    let flag = |column: &'static str| -> Result<Option<bool>> { Ok(row.try_get(column)?) };
    Ok(HealthOutcomes {
        child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
        year: CollectionYear::new(
            i32::try_from(year)
                .map_err(|_| corrupt("collection_year", format!("{year} is not a year")))?,
        ),
        sdq_score,
        sdq_reason: opt_code(T, "sdq_reason", row.try_get("sdq_reason")?)?,
        convicted: flag("convicted")?,
        health_check: flag("health_check")?,
        immunisations: flag("immunisations")?,
        teeth_check: flag("teeth_check")?,
        health_assessment: flag("health_assessment")?,
        substance_misuse: flag("substance_misuse")?,
        intervention_received: flag("intervention_received")?,
        intervention_offered: flag("intervention_offered")?,
    })
}

pub(super) async fn health_outcomes_in(
    conn: &mut Conn,
    child: &ChildId,
) -> Result<Vec<HealthOutcomes>> {
    sqlx::query("SELECT * FROM health_outcomes WHERE child = $1 ORDER BY collection_year")
        .bind(child.as_str())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(health_outcomes_from)
        .collect()
}

// ---------------------------------------------------------------------------
// Bulk inserts (replace_dataset)

pub(super) async fn insert_children(conn: &mut Conn, rows: &[Child]) -> Result<()> {
    bulk_insert(
        conn,
        "INSERT INTO children (id, sex, date_of_birth, ethnicity, upn, mother, \
         mothers_child_dob, uasc, uasc_ceased)",
        9,
        rows,
        |b, c| {
            b.push_bind(c.id.as_str().to_owned())
                .push_bind(c.sex.code())
                .push_bind(iso(c.date_of_birth))
                .push_bind(c.ethnicity.code())
                .push_bind(c.upn.clone())
                .push_bind(c.mother)
                .push_bind(opt_iso(c.mothers_child_dob))
                .push_bind(c.uasc.is_some())
                .push_bind(c.uasc.as_ref().and_then(|u| opt_iso(u.ceased)));
        },
    )
    .await
}

pub(super) async fn insert_episodes(conn: &mut Conn, rows: &[Episode]) -> Result<()> {
    bulk_insert(
        conn,
        concat!("INSERT INTO episodes (", episode_cols!(), ")"),
        13,
        rows,
        |b, e| {
            b.push_bind(e.child.as_str().to_owned())
                .push_bind(iso(e.start))
                .push_bind(opt_iso(e.end))
                .push_bind(e.reason_new.code())
                .push_bind(e.legal_status.code())
                .push_bind(e.category_of_need.map(|c| c.code()))
                .push_bind(e.placement.code())
                .push_bind(e.provider.map(|c| c.code()))
                .push_bind(e.reason_ceased.map(|c| c.code()))
                .push_bind(e.reason_place_change.map(|c| c.code()))
                .push_bind(e.home_postcode.clone())
                .push_bind(e.placement_postcode.clone())
                .push_bind(e.urn.clone());
        },
    )
    .await
}

pub(super) async fn insert_missing(conn: &mut Conn, rows: &[MissingEpisode]) -> Result<()> {
    bulk_insert(
        conn,
        "INSERT INTO missing_episodes (child, start_date, kind, end_date)",
        4,
        rows,
        |b, m| {
            b.push_bind(m.child.as_str().to_owned())
                .push_bind(iso(m.start))
                .push_bind(m.kind.code())
                .push_bind(opt_iso(m.end));
        },
    )
    .await
}

pub(super) async fn insert_health_outcomes(conn: &mut Conn, rows: &[HealthOutcomes]) -> Result<()> {
    bulk_insert(conn, health_outcomes_insert!(), 13, rows, |b, h| {
        b.push_bind(h.child.as_str().to_owned())
            .push_bind(i64::from(h.year.start_year()))
            .push_bind(h.sdq_score.map(i64::from))
            .push_bind(h.sdq_reason.map(|r| r.code()))
            .push_bind(h.convicted)
            .push_bind(h.health_check)
            .push_bind(h.immunisations)
            .push_bind(h.teeth_check)
            .push_bind(h.health_assessment)
            .push_bind(h.substance_misuse)
            .push_bind(h.intervention_received)
            .push_bind(h.intervention_offered)
            .push_bind(None::<i64>);
    })
    .await
}

// ---------------------------------------------------------------------------
// Children

pub(crate) async fn list_children(pool: &Pool) -> Result<Vec<Child>> {
    let mut out = sqlx::query(concat!("SELECT ", child_cols!(), " FROM children"))
        .fetch_all(pool)
        .await?
        .iter()
        .map(child_from)
        .collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

pub(crate) async fn save_child(pool: &Pool, c: &Child) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    sqlx::query(
        "INSERT INTO children (id, sex, date_of_birth, ethnicity, upn, mother, \
         mothers_child_dob, uasc, uasc_ceased) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (id) DO UPDATE SET sex = excluded.sex, \
         date_of_birth = excluded.date_of_birth, ethnicity = excluded.ethnicity, \
         upn = excluded.upn, mother = excluded.mother, \
         mothers_child_dob = excluded.mothers_child_dob, uasc = excluded.uasc, \
         uasc_ceased = excluded.uasc_ceased",
    )
    .bind(c.id.as_str())
    .bind(c.sex.code())
    .bind(iso(c.date_of_birth))
    .bind(c.ethnicity.code())
    .bind(c.upn.as_deref())
    .bind(c.mother)
    .bind(opt_iso(c.mothers_child_dob))
    .bind(c.uasc.is_some())
    .bind(c.uasc.as_ref().and_then(|u| opt_iso(u.ceased)))
    .execute(&mut *tx)
    .await?;
    set_name_in(&mut tx, &c.id, c.name.as_ref()).await?;
    tx.commit().await?;
    Ok(())
}

/// Records (`Some`) or removes (`None`) a child's name; the child exists.
pub(super) async fn set_name_in(
    conn: &mut Conn,
    child: &ChildId,
    name: Option<&ChildName>,
) -> Result<()> {
    match name {
        Some(n) => {
            sqlx::query(
                "INSERT INTO child_names (child, given_name, family_name) VALUES ($1, $2, $3) \
                 ON CONFLICT (child) DO UPDATE SET given_name = excluded.given_name, \
                 family_name = excluded.family_name",
            )
            .bind(child.as_str())
            .bind(n.given())
            .bind(n.family())
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM child_names WHERE child = $1")
                .bind(child.as_str())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

pub(crate) async fn set_child_name(
    pool: &Pool,
    child: &ChildId,
    name: Option<&ChildName>,
) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    ensure_child(&mut tx, child).await?;
    set_name_in(&mut tx, child, name).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn import_child_names(pool: &Pool, names: &[(ChildId, ChildName)]) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    let known: HashSet<String> = sqlx::query_scalar("SELECT id FROM children")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
    if let Some((unknown, _)) = names.iter().find(|(c, _)| !known.contains(c.as_str())) {
        return Err(StoreError::NotFound(format!("child {unknown}")));
    }
    for (child, name) in names {
        set_name_in(&mut tx, child, Some(name)).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn save_episode(pool: &Pool, e: &Episode) -> Result<()> {
    let mut conn = pool.acquire().await?;
    ensure_child(&mut conn, &e.child).await?;
    sqlx::query(concat!(
        "INSERT INTO episodes (",
        episode_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (child, start_date) DO UPDATE SET end_date = excluded.end_date, \
         reason_new = excluded.reason_new, legal_status = excluded.legal_status, \
         category_of_need = excluded.category_of_need, placement = excluded.placement, \
         provider = excluded.provider, reason_ceased = excluded.reason_ceased, \
         reason_place_change = excluded.reason_place_change, \
         home_postcode = excluded.home_postcode, \
         placement_postcode = excluded.placement_postcode, urn = excluded.urn"
    ))
    .bind(e.child.as_str())
    .bind(iso(e.start))
    .bind(opt_iso(e.end))
    .bind(e.reason_new.code())
    .bind(e.legal_status.code())
    .bind(e.category_of_need.map(|c| c.code()))
    .bind(e.placement.code())
    .bind(e.provider.map(|c| c.code()))
    .bind(e.reason_ceased.map(|c| c.code()))
    .bind(e.reason_place_change.map(|c| c.code()))
    .bind(e.home_postcode.as_deref())
    .bind(e.placement_postcode.as_deref())
    .bind(e.urn.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn child_record(pool: &Pool, id: &ChildId) -> Result<Option<ChildRecord>> {
    let mut tx = pool.begin().await?;
    let conn: &mut Conn = &mut tx;
    let Some(row) = sqlx::query(concat!(
        "SELECT ",
        child_cols!(),
        " FROM children WHERE id = $1"
    ))
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let child = child_from(&row)?;
    let episodes = sqlx::query(concat!(
        "SELECT ",
        episode_cols!(),
        " FROM episodes WHERE child = $1 ORDER BY start_date"
    ))
    .bind(id.as_str())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(episode_from)
    .collect::<Result<Vec<_>>>()?;
    let reviews = reviews_of_in(conn, id).await?;
    let missing =
        sqlx::query("SELECT * FROM missing_episodes WHERE child = $1 ORDER BY start_date")
            .bind(id.as_str())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(missing_from)
            .collect::<Result<Vec<_>>>()?;
    let allocations = allocations_in(conn, id).await?;
    let midway_checks =
        sqlx::query("SELECT * FROM midway_checks WHERE child = $1 ORDER BY check_date, id")
            .bind(id.as_str())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(midway_from)
            .collect::<Result<Vec<_>>>()?;
    let visits = sqlx::query("SELECT * FROM iro_visits WHERE child = $1 ORDER BY visit_date, id")
        .bind(id.as_str())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(visit_from)
        .collect::<Result<Vec<_>>>()?;
    let challenges = load_challenges(conn, ChallengeFilter::Child(id.as_str())).await?;
    let health_outcomes = health_outcomes_in(conn, id).await?;
    tx.commit().await?;
    let periods = assemble_periods(&episodes);
    Ok(Some(ChildRecord {
        child,
        episodes,
        periods,
        reviews,
        missing,
        allocations,
        midway_checks,
        visits,
        challenges,
        health_outcomes,
    }))
}

// ---------------------------------------------------------------------------
// Brothers and sisters

/// `(child, group_id)` rows as groups: each sorted, of two or more children,
/// the groups sorted by their first child.
fn sibling_groups_from(rows: &[(String, i64)]) -> Result<Vec<Vec<ChildId>>> {
    let mut by_group: BTreeMap<i64, Vec<ChildId>> = BTreeMap::new();
    for (child, group) in rows {
        by_group
            .entry(*group)
            .or_default()
            .push(child_id("sibling_groups", "child", child)?);
    }
    let mut groups: Vec<Vec<ChildId>> = by_group
        .into_values()
        .filter(|g| g.len() >= 2)
        .map(|mut g| {
            g.sort();
            g
        })
        .collect();
    groups.sort();
    Ok(groups)
}

/// The sibling groups holding at least one of the chosen children (each
/// group whole).
pub(super) async fn sibling_groups_in(
    conn: &mut Conn,
    chosen: &ChildFilter,
) -> Result<Vec<Vec<ChildId>>> {
    let mut qb = QueryBuilder::<Db>::new("SELECT child, group_id FROM sibling_groups");
    if let ChildFilter::Ids { .. } = chosen {
        qb.push(" WHERE group_id IN (SELECT group_id FROM sibling_groups");
        chosen.push_where(&mut qb, "child");
        qb.push(")");
    }
    let mut rows: Vec<(String, i64)> = Vec::new();
    each_row(conn, &mut qb, |row| {
        rows.push((row.try_get(0)?, row.try_get(1)?));
        Ok(())
    })
    .await?;
    sibling_groups_from(&rows)
}

async fn sibling_group_id(conn: &mut Conn, child: &ChildId) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT group_id FROM sibling_groups WHERE child = $1")
            .bind(child.as_str())
            .fetch_optional(&mut *conn)
            .await?,
    )
}

async fn sibling_group_members(conn: &mut Conn, group: i64) -> Result<Vec<ChildId>> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT child FROM sibling_groups WHERE group_id = $1")
            .bind(group)
            .fetch_all(&mut *conn)
            .await?;
    let mut out = rows
        .iter()
        .map(|s| child_id("sibling_groups", "child", s))
        .collect::<Result<Vec<_>>>()?;
    out.sort();
    Ok(out)
}

/// A write transaction that changes sibling groups. On PostgreSQL two
/// such transactions could both pick the same new group number: they queue
/// on an advisory lock instead (SQLite's `BEGIN IMMEDIATE` already does).
async fn siblings_tx(pool: &Pool) -> Result<Tx> {
    let mut tx = write_tx(pool).await?;
    if POSTGRES {
        sqlx::query("SELECT pg_advisory_xact_lock(4242905)")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

pub(crate) async fn sibling_groups(pool: &Pool) -> Result<Vec<Vec<ChildId>>> {
    let mut conn = pool.acquire().await?;
    sibling_groups_in(&mut conn, &ChildFilter::All).await
}

pub(crate) async fn sibling_group_of(pool: &Pool, child: &ChildId) -> Result<Vec<ChildId>> {
    let mut conn = pool.acquire().await?;
    match sibling_group_id(&mut conn, child).await? {
        Some(g) => {
            let members = sibling_group_members(&mut conn, g).await?;
            Ok(if members.len() >= 2 {
                members
            } else {
                Vec::new()
            })
        }
        None => Ok(Vec::new()),
    }
}

pub(crate) async fn link_siblings(pool: &Pool, a: &ChildId, b: &ChildId) -> Result<Vec<ChildId>> {
    if a == b {
        return Err(StoreError::Invalid(format!(
            "child {a} cannot be recorded as their own brother or sister"
        )));
    }
    let mut tx = siblings_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, a).await?;
    ensure_child(conn, b).await?;
    let insert = "INSERT INTO sibling_groups (child, group_id) VALUES ($1, $2)";
    let ga = sibling_group_id(conn, a).await?;
    let gb = sibling_group_id(conn, b).await?;
    let group = match (ga, gb) {
        (Some(ga), Some(gb)) if ga == gb => ga,
        (Some(ga), Some(gb)) => {
            // Two groups become one: the lower number survives.
            let (keep, merged) = (ga.min(gb), ga.max(gb));
            sqlx::query("UPDATE sibling_groups SET group_id = $1 WHERE group_id = $2")
                .bind(keep)
                .bind(merged)
                .execute(&mut *conn)
                .await?;
            keep
        }
        (Some(g), None) | (None, Some(g)) => {
            let newcomer = if ga.is_none() { a } else { b };
            sqlx::query(insert)
                .bind(newcomer.as_str())
                .bind(g)
                .execute(&mut *conn)
                .await?;
            g
        }
        (None, None) => {
            let next: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(group_id), 0) + 1 FROM sibling_groups")
                    .fetch_one(&mut *conn)
                    .await?;
            for child in [a, b] {
                sqlx::query(insert)
                    .bind(child.as_str())
                    .bind(next)
                    .execute(&mut *conn)
                    .await?;
            }
            next
        }
    };
    let members = sibling_group_members(conn, group).await?;
    tx.commit().await?;
    Ok(members)
}

pub(crate) async fn unlink_sibling(pool: &Pool, child: &ChildId) -> Result<bool> {
    let mut tx = siblings_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let Some(group) = sibling_group_id(conn, child).await? else {
        tx.commit().await?;
        return Ok(false);
    };
    sqlx::query("DELETE FROM sibling_groups WHERE child = $1")
        .bind(child.as_str())
        .execute(&mut *conn)
        .await?;
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sibling_groups WHERE group_id = $1")
        .bind(group)
        .fetch_one(&mut *conn)
        .await?;
    if left < 2 {
        // A child alone is not a group.
        sqlx::query("DELETE FROM sibling_groups WHERE group_id = $1")
            .bind(group)
            .execute(&mut *conn)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The sibling groups of a dataset as `(child, group_id)` rows, checked:
/// every child known, none in two groups; groups of fewer than two distinct
/// children are dropped.
pub(super) fn sibling_rows(ds: &Dataset) -> Result<Vec<(String, i64)>> {
    let known: HashSet<&ChildId> = ds.children.iter().map(|c| &c.id).collect();
    let mut seen: HashSet<&ChildId> = HashSet::new();
    let mut rows = Vec::new();
    let mut next = 0i64;
    for group in &ds.sibling_groups {
        let mut members: Vec<&ChildId> = group.iter().collect();
        members.sort();
        members.dedup();
        if members.len() < 2 {
            continue;
        }
        next += 1;
        for child in members {
            if !known.contains(child) {
                return Err(StoreError::Invalid(format!(
                    "sibling group {next}: child {child} is not among the dataset's children"
                )));
            }
            if !seen.insert(child) {
                return Err(StoreError::Invalid(format!(
                    "sibling groups: child {child} is in more than one group"
                )));
            }
            rows.push((child.as_str().to_owned(), next));
        }
    }
    Ok(rows)
}
