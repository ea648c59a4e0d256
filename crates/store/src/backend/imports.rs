//! Bulk writes: importing one 903 return (`import_return`, with its run and
//! problems) and replacing the whole dataset (`replace_dataset`).

use std::collections::HashMap;

use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{ChildId, ChildName, Dataset};

use sqlx::Row;

use super::*;
use crate::convert::{count, iso, key, now, opt_iso, timestamp, to_i64};
use crate::error::{Result, StoreError};
use crate::types::{
    ImportBatch, ImportProblem, ImportProgress, ImportRun, ImportSummary, RecordCounts, Severity,
    WriteSummary,
};

/// How often an import reports progress (records).
const PROGRESS_EVERY: usize = 1_000;

// ---------------------------------------------------------------------------
// The whole dataset replaced

pub(crate) async fn replace_dataset(pool: &Pool, ds: &Dataset) -> Result<WriteSummary> {
    let siblings = sibling_rows(ds)?;
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    // Council-wide: no per-child change log for a bulk write.
    begin_bulk_write(conn).await?;
    for table in [
        "DELETE FROM child_names",
        "DELETE FROM sibling_groups",
        "DELETE FROM challenge_stages",
        "DELETE FROM challenge_themes",
        "DELETE FROM challenges",
        "DELETE FROM iro_visits",
        "DELETE FROM midway_checks",
        "DELETE FROM allocations",
        "DELETE FROM recommendations",
        "DELETE FROM review_attendance",
        "DELETE FROM reviews",
        "DELETE FROM missing_episodes",
        "DELETE FROM health_outcomes",
        "DELETE FROM episodes",
        "DELETE FROM children",
        "DELETE FROM import_problems",
        "DELETE FROM import_runs",
        // IROs that are users stay (their user rows refer to them).
        "DELETE FROM iros WHERE id NOT IN (SELECT iro FROM users WHERE iro IS NOT NULL)",
    ] {
        sqlx::query(table).execute(&mut *conn).await?;
    }
    for iro in &ds.iros {
        upsert_iro(conn, iro).await?;
    }
    insert_children(conn, &ds.children).await?;
    let named: Vec<(&ChildId, &ChildName)> = ds
        .children
        .iter()
        .filter_map(|c| c.name.as_ref().map(|n| (&c.id, n)))
        .collect();
    bulk_insert(
        conn,
        "INSERT INTO child_names (child, given_name, family_name)",
        3,
        &named,
        |b, (c, n)| {
            b.push_bind(c.as_str().to_owned())
                .push_bind(n.given().to_owned())
                .push_bind(n.family().to_owned());
        },
    )
    .await?;
    insert_episodes(conn, &ds.episodes).await?;
    insert_reviews(conn, &ds.reviews).await?;
    insert_missing(conn, &ds.missing).await?;
    insert_health_outcomes(conn, &ds.health_outcomes).await?;
    bulk_insert(
        conn,
        "INSERT INTO allocations (child, iro, from_date, to_date)",
        4,
        &ds.allocations,
        |b, a| {
            b.push_bind(a.child.as_str().to_owned())
                .push_bind(a.iro.0.clone())
                .push_bind(iso(a.from))
                .push_bind(opt_iso(a.to));
        },
    )
    .await?;
    bulk_insert(
        conn,
        "INSERT INTO midway_checks (child, check_date, iro)",
        3,
        &ds.midway_checks,
        |b, m| {
            b.push_bind(m.child.as_str().to_owned())
                .push_bind(iso(m.date))
                .push_bind(m.iro.as_ref().map(|i| i.0.clone()));
        },
    )
    .await?;
    bulk_insert(
        conn,
        "INSERT INTO iro_visits (child, visit_date, kind, iro)",
        4,
        &ds.visits,
        |b, v| {
            b.push_bind(v.child.as_str().to_owned())
                .push_bind(iso(v.date))
                .push_bind(visit_kind_key(v.kind))
                .push_bind(v.iro.as_ref().map(|i| i.0.clone()));
        },
    )
    .await?;
    bulk_insert(
        conn,
        "INSERT INTO challenges (id, child, iro, raised, referred_to_cafcass, resolved, outcome)",
        7,
        &ds.challenges,
        |b, c| {
            b.push_bind(c.id)
                .push_bind(c.child.as_str().to_owned())
                .push_bind(c.iro.as_ref().map(|i| i.0.clone()))
                .push_bind(iso(c.raised))
                .push_bind(opt_iso(c.referred_to_cafcass))
                .push_bind(opt_iso(c.resolved))
                .push_bind(c.outcome.map(outcome_key));
        },
    )
    .await?;
    insert_challenge_parts(conn, &ds.challenges).await?;
    bulk_insert(
        conn,
        "INSERT INTO sibling_groups (child, group_id)",
        2,
        &siblings,
        |b, (child, group)| {
            b.push_bind(child.clone()).push_bind(*group);
        },
    )
    .await?;
    if POSTGRES {
        // Explicit ids do not move the identity sequence: move it past them.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('challenges', 'id'), \
             (SELECT COALESCE(MAX(id), 0) + 1 FROM challenges), false)",
        )
        .execute(&mut *conn)
        .await?;
    }
    match ds.reviews_known_from {
        Some(d) => {
            set_setting_in(
                conn,
                crate::REVIEWS_RECORDED_FROM,
                &serde_json::Value::String(iso(d)),
            )
            .await?
        }
        None => {
            sqlx::query("DELETE FROM settings WHERE key = $1")
                .bind(crate::REVIEWS_RECORDED_FROM)
                .execute(&mut *conn)
                .await?;
        }
    }
    end_bulk_write(conn).await?;
    tx.commit().await?;
    let n = |v: usize| v as u64;
    Ok(WriteSummary {
        children: n(ds.children.len()),
        episodes: n(ds.episodes.len()),
        reviews: n(ds.reviews.len()),
        missing: n(ds.missing.len()),
        health_outcomes: n(ds.health_outcomes.len()),
        iros: n(ds.iros.len()),
        allocations: n(ds.allocations.len()),
        midway_checks: n(ds.midway_checks.len()),
        visits: n(ds.visits.len()),
        challenges: n(ds.challenges.len()),
    })
}

// ---------------------------------------------------------------------------
// 903 import

/// What happens to one record: decided from the stored source year.
fn classify(stored: Option<Option<i64>>, year: i64, counts: &mut RecordCounts) {
    match stored {
        None => counts.inserted += 1,
        Some(None) => counts.replaced += 1,
        Some(Some(y)) if y <= year => counts.replaced += 1,
        Some(Some(_)) => counts.kept_later += 1,
    }
}

fn orphan_problem(source: &str, kind: &str, child: &ChildId) -> ImportProblem {
    ImportProblem {
        file: source.to_owned(),
        line: None,
        column: Some("CHILD".to_owned()),
        value: Some(child.as_str().to_owned()),
        rule: None,
        message: format!(
            "{kind} for child {child}, who has no header record in this return or the database: skipped"
        ),
        severity: Severity::Error,
    }
}

async fn keyed_years(
    conn: &mut Conn,
    sql: &'static str,
) -> Result<HashMap<ReviewKey, Option<i64>>> {
    let mut out = HashMap::new();
    for row in sqlx::query(sql).fetch_all(&mut *conn).await? {
        out.insert((row.try_get(0)?, row.try_get(1)?), row.try_get(2)?);
    }
    Ok(out)
}

pub(crate) async fn import_return(
    pool: &Pool,
    batch: &ImportBatch,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<ImportSummary> {
    let year = i64::from(batch.year.start_year());
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    // Council-wide: no per-child change log for a bulk write.
    begin_bulk_write(conn).await?;
    let run: i64 = sqlx::query_scalar(
        "INSERT INTO import_runs (year, source, imported_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(year)
    .bind(batch.source.as_str())
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let mut problems: Vec<ImportProblem> = batch.problems.clone();

    // Children
    let mut child_years: HashMap<String, Option<i64>> = HashMap::new();
    for row in sqlx::query("SELECT id, source_year FROM children")
        .fetch_all(&mut *conn)
        .await?
    {
        child_years.insert(row.try_get(0)?, row.try_get(1)?);
    }
    let mut children = RecordCounts::default();
    let total = batch.children.len();
    progress(ImportProgress {
        stage: "children",
        done: 0,
        total,
    });
    for (i, c) in batch.children.iter().enumerate() {
        classify(child_years.get(c.id.as_str()).copied(), year, &mut children);
        let stored = child_years
            .entry(c.id.as_str().to_owned())
            .or_insert(Some(year));
        *stored = Some(stored.map_or(year, |y| y.max(year)));
        sqlx::query(
            "INSERT INTO children (id, sex, date_of_birth, ethnicity, upn, mother, \
             mothers_child_dob, uasc, uasc_ceased, source_year) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (id) DO UPDATE SET sex = excluded.sex, \
             date_of_birth = excluded.date_of_birth, ethnicity = excluded.ethnicity, \
             upn = excluded.upn, mother = excluded.mother, \
             mothers_child_dob = excluded.mothers_child_dob, uasc = excluded.uasc, \
             uasc_ceased = excluded.uasc_ceased, source_year = excluded.source_year \
             WHERE children.source_year IS NULL OR children.source_year <= excluded.source_year",
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
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "children",
                done: i + 1,
                total,
            });
        }
    }

    // Episodes, by (child, DECOM)
    let mut stored =
        keyed_years(conn, "SELECT child, start_date, source_year FROM episodes").await?;
    let mut episodes = RecordCounts::default();
    let total = batch.episodes.len();
    progress(ImportProgress {
        stage: "episodes",
        done: 0,
        total,
    });
    for (i, e) in batch.episodes.iter().enumerate() {
        if !child_years.contains_key(e.child.as_str()) {
            episodes.skipped += 1;
            problems.push(orphan_problem(&batch.source, "episode", &e.child));
            continue;
        }
        let k = (e.child.as_str().to_owned(), iso(e.start));
        classify(stored.get(&k).copied(), year, &mut episodes);
        let s = stored.entry(k).or_insert(Some(year));
        *s = Some(s.map_or(year, |y| y.max(year)));
        sqlx::query(concat!(
            "INSERT INTO episodes (",
            episode_cols!(),
            ", source_year) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (child, start_date) DO UPDATE SET end_date = excluded.end_date, \
             reason_new = excluded.reason_new, legal_status = excluded.legal_status, \
             category_of_need = excluded.category_of_need, placement = excluded.placement, \
             provider = excluded.provider, reason_ceased = excluded.reason_ceased, \
             reason_place_change = excluded.reason_place_change, \
             home_postcode = excluded.home_postcode, \
             placement_postcode = excluded.placement_postcode, urn = excluded.urn, \
             source_year = excluded.source_year \
             WHERE episodes.source_year IS NULL OR episodes.source_year <= excluded.source_year"
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
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "episodes",
                done: i + 1,
                total,
            });
        }
    }

    // Reviews, by (child, date): only the 903 fields; details stay.
    let mut stored =
        keyed_years(conn, "SELECT child, review_date, source_year FROM reviews").await?;
    let mut reviews = RecordCounts::default();
    let total = batch.reviews.len();
    progress(ImportProgress {
        stage: "reviews",
        done: 0,
        total,
    });
    for (i, r) in batch.reviews.iter().enumerate() {
        if !child_years.contains_key(r.child.as_str()) {
            reviews.skipped += 1;
            problems.push(orphan_problem(&batch.source, "review", &r.child));
            continue;
        }
        let k = (r.child.as_str().to_owned(), iso(r.date));
        classify(stored.get(&k).copied(), year, &mut reviews);
        let s = stored.entry(k).or_insert(Some(year));
        *s = Some(s.map_or(year, |y| y.max(year)));
        sqlx::query(
            "INSERT INTO reviews (child, review_date, participation, source_year) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (child, review_date) DO UPDATE SET \
             participation = excluded.participation, source_year = excluded.source_year \
             WHERE reviews.source_year IS NULL OR reviews.source_year <= excluded.source_year",
        )
        .bind(r.child.as_str())
        .bind(iso(r.date))
        .bind(r.participation.map(|p| p.code()))
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "reviews",
                done: i + 1,
                total,
            });
        }
    }

    // Missing episodes, by (child, start)
    let mut stored = keyed_years(
        conn,
        "SELECT child, start_date, source_year FROM missing_episodes",
    )
    .await?;
    let mut missing = RecordCounts::default();
    let total = batch.missing.len();
    progress(ImportProgress {
        stage: "missing",
        done: 0,
        total,
    });
    for (i, m) in batch.missing.iter().enumerate() {
        if !child_years.contains_key(m.child.as_str()) {
            missing.skipped += 1;
            problems.push(orphan_problem(&batch.source, "missing episode", &m.child));
            continue;
        }
        let k = (m.child.as_str().to_owned(), iso(m.start));
        classify(stored.get(&k).copied(), year, &mut missing);
        let s = stored.entry(k).or_insert(Some(year));
        *s = Some(s.map_or(year, |y| y.max(year)));
        sqlx::query(
            "INSERT INTO missing_episodes (child, start_date, kind, end_date, source_year) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (child, start_date) DO UPDATE SET kind = excluded.kind, \
             end_date = excluded.end_date, source_year = excluded.source_year \
             WHERE missing_episodes.source_year IS NULL \
             OR missing_episodes.source_year <= excluded.source_year",
        )
        .bind(m.child.as_str())
        .bind(iso(m.start))
        .bind(m.kind.code())
        .bind(opt_iso(m.end))
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "missing",
                done: i + 1,
                total,
            });
        }
    }

    // Health outcomes (OC2), by (child, collection year)
    let mut stored: HashMap<(String, i64), Option<i64>> = HashMap::new();
    for row in sqlx::query("SELECT child, collection_year, source_year FROM health_outcomes")
        .fetch_all(&mut *conn)
        .await?
    {
        stored.insert((row.try_get(0)?, row.try_get(1)?), row.try_get(2)?);
    }
    let mut health_outcomes = RecordCounts::default();
    let total = batch.health_outcomes.len();
    progress(ImportProgress {
        stage: "health outcomes",
        done: 0,
        total,
    });
    for (i, h) in batch.health_outcomes.iter().enumerate() {
        if !child_years.contains_key(h.child.as_str()) {
            health_outcomes.skipped += 1;
            problems.push(orphan_problem(&batch.source, "OC2 row", &h.child));
            continue;
        }
        let k = (h.child.as_str().to_owned(), i64::from(h.year.start_year()));
        classify(stored.get(&k).copied(), year, &mut health_outcomes);
        let s = stored.entry(k).or_insert(Some(year));
        *s = Some(s.map_or(year, |y| y.max(year)));
        sqlx::query(concat!(
            health_outcomes_insert!(),
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (child, collection_year) DO UPDATE SET sdq_score = excluded.sdq_score, \
             sdq_reason = excluded.sdq_reason, convicted = excluded.convicted, \
             health_check = excluded.health_check, immunisations = excluded.immunisations, \
             teeth_check = excluded.teeth_check, health_assessment = excluded.health_assessment, \
             substance_misuse = excluded.substance_misuse, \
             intervention_received = excluded.intervention_received, \
             intervention_offered = excluded.intervention_offered, \
             source_year = excluded.source_year \
             WHERE health_outcomes.source_year IS NULL \
             OR health_outcomes.source_year <= excluded.source_year"
        ))
        .bind(h.child.as_str())
        .bind(i64::from(h.year.start_year()))
        .bind(h.sdq_score.map(i64::from))
        .bind(h.sdq_reason.map(|r| r.code()))
        .bind(h.convicted)
        .bind(h.health_check)
        .bind(h.immunisations)
        .bind(h.teeth_check)
        .bind(h.health_assessment)
        .bind(h.substance_misuse)
        .bind(h.intervention_received)
        .bind(h.intervention_offered)
        .bind(year)
        .execute(&mut *conn)
        .await?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                stage: "health outcomes",
                done: i + 1,
                total,
            });
        }
    }

    bulk_insert(
        conn,
        "INSERT INTO import_problems (run, file, line, column_name, value, rule, message, severity)",
        8,
        &problems,
        |b, p| {
            b.push_bind(run)
                .push_bind(p.file.clone())
                .push_bind(p.line.map(to_i64))
                .push_bind(p.column.clone())
                .push_bind(p.value.clone())
                .push_bind(p.rule.clone())
                .push_bind(p.message.clone())
                .push_bind(p.severity.key());
        },
    )
    .await?;
    let all = [children, episodes, reviews, missing, health_outcomes];
    let sum = |f: fn(&RecordCounts) -> u64| all.iter().map(f).sum::<u64>();
    sqlx::query(
        "UPDATE import_runs SET inserted = $1, replaced = $2, kept = $3, problems = $4 \
         WHERE id = $5",
    )
    .bind(to_i64(sum(|c| c.inserted)))
    .bind(to_i64(sum(|c| c.replaced)))
    .bind(to_i64(sum(|c| c.kept_later)))
    .bind(to_i64(problems.len() as u64))
    .bind(run)
    .execute(&mut *conn)
    .await?;
    end_bulk_write(conn).await?;
    tx.commit().await?;
    Ok(ImportSummary {
        run,
        year: batch.year,
        children,
        episodes,
        reviews,
        missing,
        health_outcomes,
        problems: problems.len() as u64,
    })
}

fn import_run_from(row: &DbRow) -> Result<ImportRun> {
    const T: &str = "import_runs";
    let year: i64 = row.try_get("year")?;
    Ok(ImportRun {
        id: row.try_get("id")?,
        year: CollectionYear::new(i32::try_from(year).map_err(|_| StoreError::Corrupt {
            table: T,
            column: "year",
            reason: format!("{year} is not a year"),
        })?),
        source: row.try_get("source")?,
        imported_at: timestamp(T, "imported_at", &row.try_get::<String, _>("imported_at")?)?,
        inserted: count(row.try_get("inserted")?),
        replaced: count(row.try_get("replaced")?),
        kept_later: count(row.try_get("kept")?),
        problems: count(row.try_get("problems")?),
    })
}

pub(crate) async fn import_runs(pool: &Pool) -> Result<Vec<ImportRun>> {
    sqlx::query("SELECT * FROM import_runs ORDER BY id")
        .fetch_all(pool)
        .await?
        .iter()
        .map(import_run_from)
        .collect()
}

pub(crate) async fn import_problems(pool: &Pool, run: i64) -> Result<Vec<ImportProblem>> {
    const T: &str = "import_problems";
    let rows = sqlx::query("SELECT * FROM import_problems WHERE run = $1 ORDER BY id")
        .bind(run)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            let line: Option<i64> = row.try_get("line")?;
            Ok(ImportProblem {
                file: row.try_get("file")?,
                line: line.map(count),
                column: row.try_get("column_name")?,
                value: row.try_get("value")?,
                rule: row.try_get("rule")?,
                message: row.try_get("message")?,
                severity: key(
                    T,
                    "severity",
                    &row.try_get::<String, _>("severity")?,
                    Severity::from_key,
                )?,
            })
        })
        .collect()
}
