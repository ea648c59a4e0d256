//! Health assessments, dental checks, SDQ scores, immunisation status and
//! personal education plans (migration 9, file 0012): their rows read and
//! written, for the dataset (`dataset`), `replace_dataset` and the
//! case-management import.

use footprint_domain::health_education::{
    AssessmentKind, DentalCheck, EducationPlan, HealthAssessment, HealthEducationRecord,
    HealthEducationRecords, ImmunisationStatus, RecordKind, SchoolTerm, SdqScore, TermName,
};
use footprint_domain::model::{ChildId, Dataset, QualityGrade};
use sqlx::Row;

use super::*;
use crate::convert::{child_id, date, iso, key, opt_date, opt_iso};
use crate::error::{Result, StoreError};
use crate::types::HealthEducationAdded;

/// The five kinds of record, as read for a scope of children.
#[derive(Default)]
pub(super) struct HealthEducationRows {
    pub health_assessments: Vec<HealthAssessment>,
    pub dental_checks: Vec<DentalCheck>,
    pub sdq_scores: Vec<SdqScore>,
    pub immunisations: Vec<ImmunisationStatus>,
    pub education_plans: Vec<EducationPlan>,
}

fn assessment_from(row: &DbRow) -> Result<HealthAssessment> {
    const T: &str = "health_assessments";
    Ok(HealthAssessment {
        child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
        kind: key(
            T,
            "kind",
            row.try_get::<&str, _>("kind")?,
            AssessmentKind::from_key,
        )?,
        requested: opt_date(T, "requested", row.try_get("requested")?)?,
        done: opt_date(T, "done", row.try_get("done")?)?,
    })
}

fn dental_from(row: &DbRow) -> Result<DentalCheck> {
    const T: &str = "dental_checks";
    Ok(DentalCheck {
        child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
        date: date(T, "check_date", row.try_get::<&str, _>("check_date")?)?,
    })
}

fn sdq_from(row: &DbRow) -> Result<SdqScore> {
    const T: &str = "sdq_scores";
    let score: i64 = row.try_get("score")?;
    Ok(SdqScore {
        child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
        date: date(T, "sdq_date", row.try_get::<&str, _>("sdq_date")?)?,
        score: u8::try_from(score)
            .ok()
            .filter(|s| *s <= SdqScore::MAX)
            .ok_or_else(|| StoreError::Corrupt {
                table: T,
                column: "score",
                reason: format!("{score} is not an SDQ score (0-40)"),
            })?,
    })
}

fn immunisation_from(row: &DbRow) -> Result<ImmunisationStatus> {
    const T: &str = "immunisations";
    Ok(ImmunisationStatus {
        child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
        date: date(T, "recorded_on", row.try_get::<&str, _>("recorded_on")?)?,
        up_to_date: row.try_get("up_to_date")?,
    })
}

fn plan_from(row: &DbRow) -> Result<EducationPlan> {
    const T: &str = "education_plans";
    let year: i64 = row.try_get("school_year")?;
    Ok(EducationPlan {
        child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
        date: date(T, "pep_date", row.try_get::<&str, _>("pep_date")?)?,
        term: SchoolTerm {
            school_year: i32::try_from(year).map_err(|_| StoreError::Corrupt {
                table: T,
                column: "school_year",
                reason: format!("{year} is not a year"),
            })?,
            term: key(
                T,
                "term",
                row.try_get::<&str, _>("term")?,
                TermName::from_key,
            )?,
        },
        quality: row
            .try_get::<Option<&str>, _>("quality")?
            .map(|q| key(T, "quality", q, QualityGrade::from_key))
            .transpose()?,
    })
}

/// The rows of one table for the chosen children, converted as they come.
async fn read<T>(
    conn: &mut Conn,
    select: &'static str,
    chosen: &ChildFilter,
    from: fn(&DbRow) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut qb = sqlx::QueryBuilder::<Db>::new(select);
    chosen.push_where(&mut qb, "child");
    each_row(conn, &mut qb, |row| {
        out.push(from(row)?);
        Ok(())
    })
    .await?;
    Ok(out)
}

/// Every record of the chosen children, each list sorted by child then
/// date (health assessments by their done, else requested, date).
pub(super) async fn health_education_of(
    conn: &mut Conn,
    chosen: &ChildFilter,
) -> Result<HealthEducationRows> {
    let mut health_assessments = read(
        conn,
        "SELECT child, kind, requested, done, id FROM health_assessments",
        chosen,
        assessment_from,
    )
    .await?;
    health_assessments.sort_by(|a, b| {
        (&a.child, a.done.or(a.requested), a.kind).cmp(&(&b.child, b.done.or(b.requested), b.kind))
    });
    let mut dental_checks = read(
        conn,
        "SELECT child, check_date FROM dental_checks",
        chosen,
        dental_from,
    )
    .await?;
    dental_checks.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    let mut sdq_scores = read(
        conn,
        "SELECT child, sdq_date, score FROM sdq_scores",
        chosen,
        sdq_from,
    )
    .await?;
    sdq_scores.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    let mut immunisations = read(
        conn,
        "SELECT child, recorded_on, up_to_date FROM immunisations",
        chosen,
        immunisation_from,
    )
    .await?;
    immunisations.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    let mut education_plans = read(
        conn,
        "SELECT child, pep_date, school_year, term, quality FROM education_plans",
        chosen,
        plan_from,
    )
    .await?;
    education_plans.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    Ok(HealthEducationRows {
        health_assessments,
        dental_checks,
        sdq_scores,
        immunisations,
        education_plans,
    })
}

/// Empties the tables (for `replace_dataset`).
pub(crate) const HEALTH_EDUCATION_DELETES: [&str; 5] = [
    "DELETE FROM health_assessments",
    "DELETE FROM dental_checks",
    "DELETE FROM sdq_scores",
    "DELETE FROM immunisations",
    "DELETE FROM education_plans",
];

/// The records of a dataset, borrowed.
pub(crate) struct Records<'a> {
    pub health_assessments: &'a [HealthAssessment],
    pub dental_checks: &'a [DentalCheck],
    pub sdq_scores: &'a [SdqScore],
    pub immunisations: &'a [ImmunisationStatus],
    pub education_plans: &'a [EducationPlan],
}

impl<'a> Records<'a> {
    pub(crate) fn of_dataset(ds: &'a Dataset) -> Self {
        Records {
            health_assessments: &ds.health_assessments,
            dental_checks: &ds.dental_checks,
            sdq_scores: &ds.sdq_scores,
            immunisations: &ds.immunisations,
            education_plans: &ds.education_plans,
        }
    }

    pub(crate) fn of(r: &'a HealthEducationRecords) -> Self {
        Records {
            health_assessments: &r.health_assessments,
            dental_checks: &r.dental_checks,
            sdq_scores: &r.sdq_scores,
            immunisations: &r.immunisations,
            education_plans: &r.education_plans,
        }
    }

    fn len(&self) -> usize {
        self.health_assessments.len()
            + self.dental_checks.len()
            + self.sdq_scores.len()
            + self.immunisations.len()
            + self.education_plans.len()
    }
}

/// Multi-row inserts ending in `tail` (`ON CONFLICT DO NOTHING`, or
/// nothing): the number of rows written.
async fn insert_rows<T>(
    conn: &mut Conn,
    head: &'static str,
    tail: &'static str,
    columns: usize,
    rows: &[T],
    mut bind: impl FnMut(&mut sqlx::query_builder::Separated<'_, Db, &'static str>, &T),
) -> Result<u64> {
    let mut written = 0;
    for chunk in rows.chunks((20_000 / columns).max(1)) {
        let mut qb = sqlx::QueryBuilder::<Db>::new(head);
        qb.push(" ");
        qb.push_values(chunk, |mut sep, row| bind(&mut sep, row));
        qb.push(tail);
        written += qb.build().execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

/// Inserts every record (the dataset's, or an import's), after the domain's
/// checks: a record it refuses is an error naming the child (and nothing is
/// written when the caller's transaction is dropped). With `skip_held`, a
/// record already held (same child and date; a health assessment with the
/// same kind and dates) is left as it is and not counted. The number of
/// records written.
pub(crate) async fn insert_health_education(
    conn: &mut Conn,
    r: &Records<'_>,
    skip_held: bool,
) -> Result<u64> {
    for a in r.health_assessments {
        a.check().map_err(|e| {
            StoreError::Invalid(format!("a health assessment of child {}: {e}", a.child))
        })?;
    }
    for s in r.sdq_scores {
        s.check()
            .map_err(|e| StoreError::Invalid(format!("an SDQ score of child {}: {e}", s.child)))?;
    }
    let tail = if skip_held {
        " ON CONFLICT DO NOTHING"
    } else {
        ""
    };
    let mut n = insert_rows(
        conn,
        "INSERT INTO health_assessments (child, kind, requested, done)",
        tail,
        4,
        r.health_assessments,
        |b, a| {
            b.push_bind(a.child.as_str().to_owned())
                .push_bind(a.kind.key())
                .push_bind(opt_iso(a.requested))
                .push_bind(opt_iso(a.done));
        },
    )
    .await?;
    n += insert_rows(
        conn,
        "INSERT INTO dental_checks (child, check_date)",
        tail,
        2,
        r.dental_checks,
        |b, c| {
            b.push_bind(c.child.as_str().to_owned())
                .push_bind(iso(c.date));
        },
    )
    .await?;
    n += insert_rows(
        conn,
        "INSERT INTO sdq_scores (child, sdq_date, score)",
        tail,
        3,
        r.sdq_scores,
        |b, s| {
            b.push_bind(s.child.as_str().to_owned())
                .push_bind(iso(s.date))
                .push_bind(i64::from(s.score));
        },
    )
    .await?;
    n += insert_rows(
        conn,
        "INSERT INTO immunisations (child, recorded_on, up_to_date)",
        tail,
        3,
        r.immunisations,
        |b, i| {
            b.push_bind(i.child.as_str().to_owned())
                .push_bind(iso(i.date))
                .push_bind(i.up_to_date);
        },
    )
    .await?;
    n += insert_rows(
        conn,
        "INSERT INTO education_plans (child, pep_date, school_year, term, quality)",
        tail,
        5,
        r.education_plans,
        |b, p| {
            b.push_bind(p.child.as_str().to_owned())
                .push_bind(iso(p.date))
                .push_bind(i64::from(p.term.school_year))
                .push_bind(p.term.term.key())
                .push_bind(p.quality.map(QualityGrade::key));
        },
    )
    .await?;
    Ok(n)
}

/// Adds a case-management import's records in one transaction: every child
/// must be held (else nothing is written); records already held are left
/// as they are. Nothing recorded is removed.
pub(crate) async fn add_health_education(
    pool: &Pool,
    records: &HealthEducationRecords,
) -> Result<HealthEducationAdded> {
    let r = Records::of(records);
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut children: Vec<&ChildId> = r
        .health_assessments
        .iter()
        .map(|x| &x.child)
        .chain(r.dental_checks.iter().map(|x| &x.child))
        .chain(r.sdq_scores.iter().map(|x| &x.child))
        .chain(r.immunisations.iter().map(|x| &x.child))
        .chain(r.education_plans.iter().map(|x| &x.child))
        .collect();
    children.sort_unstable();
    children.dedup();
    for c in children {
        ensure_child(conn, c).await?;
    }
    let added = insert_health_education(conn, &r, true).await?;
    tx.commit().await?;
    let total = r.len() as u64;
    Ok(HealthEducationAdded {
        added,
        already_held: total.saturating_sub(added),
    })
}

// ---------------------------------------------------------------------------
// One record recorded or corrected in a form

/// The child's records of every kind, as held.
async fn child_records_in(conn: &mut Conn, child: &ChildId) -> Result<Vec<HealthEducationRecord>> {
    let chosen = ChildFilter::ids(&[child.as_str()])?;
    let rows = health_education_of(conn, &chosen).await?;
    Ok(rows
        .health_assessments
        .into_iter()
        .map(HealthEducationRecord::HealthAssessment)
        .chain(
            rows.dental_checks
                .into_iter()
                .map(HealthEducationRecord::DentalCheck),
        )
        .chain(
            rows.sdq_scores
                .into_iter()
                .map(HealthEducationRecord::SdqScore),
        )
        .chain(
            rows.immunisations
                .into_iter()
                .map(HealthEducationRecord::Immunisation),
        )
        .chain(
            rows.education_plans
                .into_iter()
                .map(HealthEducationRecord::EducationPlan),
        )
        .collect())
}

/// The record of the child's of this kind and key, as held.
async fn held_in(
    conn: &mut Conn,
    child: &ChildId,
    kind: RecordKind,
    key: &str,
) -> Result<Option<HealthEducationRecord>> {
    Ok(child_records_in(conn, child)
        .await?
        .into_iter()
        .find(|r| r.kind() == kind && r.key() == key))
}

/// Deletes the row holding `r` (by its key).
async fn delete_record(conn: &mut Conn, r: &HealthEducationRecord) -> Result<()> {
    let child = r.child().as_str().to_owned();
    match r {
        HealthEducationRecord::HealthAssessment(a) => {
            sqlx::query(
                "DELETE FROM health_assessments WHERE child = $1 AND kind = $2 \
                 AND COALESCE(requested, '') = $3 AND COALESCE(done, '') = $4",
            )
            .bind(child)
            .bind(a.kind.key())
            .bind(opt_iso(a.requested).unwrap_or_default())
            .bind(opt_iso(a.done).unwrap_or_default())
            .execute(&mut *conn)
            .await?;
        }
        _ => {
            let sql = match r.kind() {
                RecordKind::DentalCheck => {
                    "DELETE FROM dental_checks WHERE child = $1 AND check_date = $2"
                }
                RecordKind::SdqScore => "DELETE FROM sdq_scores WHERE child = $1 AND sdq_date = $2",
                RecordKind::Immunisation => {
                    "DELETE FROM immunisations WHERE child = $1 AND recorded_on = $2"
                }
                _ => "DELETE FROM education_plans WHERE child = $1 AND pep_date = $2",
            };
            sqlx::query(sql)
                .bind(child)
                .bind(r.key())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Writes one record (after the domain's checks).
async fn insert_one(conn: &mut Conn, r: &HealthEducationRecord) -> Result<()> {
    let mut one = HealthEducationRecords::default();
    match r.clone() {
        HealthEducationRecord::HealthAssessment(a) => one.health_assessments.push(a),
        HealthEducationRecord::DentalCheck(c) => one.dental_checks.push(c),
        HealthEducationRecord::SdqScore(s) => one.sdq_scores.push(s),
        HealthEducationRecord::Immunisation(i) => one.immunisations.push(i),
        HealthEducationRecord::EducationPlan(p) => one.education_plans.push(p),
    }
    insert_health_education(conn, &Records::of(&one), false).await?;
    Ok(())
}

fn already_held(r: &HealthEducationRecord) -> StoreError {
    StoreError::AlreadyExists(format!(
        "a {} of child {} on that date",
        r.kind().label().to_lowercase(),
        r.child()
    ))
}

/// Records one record made in a form, in one transaction. Refused: an
/// unknown child (`NotFound`), a record of the same kind and key already
/// held (`AlreadyExists`: a record held is corrected, not written over),
/// one the domain's checks refuse (`Invalid`).
pub(crate) async fn record_health_education(
    pool: &Pool,
    record: &HealthEducationRecord,
) -> Result<()> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, record.child()).await?;
    let held = child_records_in(conn, record.child()).await?;
    if held
        .iter()
        .any(|r| r.kind() == record.kind() && same_slot(r, record))
    {
        return Err(already_held(record));
    }
    insert_one(conn, record).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether two records of a kind would take the same row (the tables'
/// unique keys: the date; a health assessment's kind and dates).
fn same_slot(a: &HealthEducationRecord, b: &HealthEducationRecord) -> bool {
    a.child() == b.child() && a.kind() == b.kind() && a.key() == b.key()
}

/// Corrects a record held (the child's record of `now`'s kind keyed
/// `earlier_key`) to `now`, in one transaction: the version held is kept
/// in `record_versions` (record: the kind's key; key: `now`'s key, so the
/// versions of a record are found from the record as it stands, each
/// version naming the key before it) with who, when and why, then the
/// record replaced. A change to a value held needs `reason` (`Invalid`
/// without it); filling a blank (the day a requested assessment was done)
/// does not, and is kept with the reason "added". Returns the fields that
/// changed; none when `now` is as held (nothing written).
pub(crate) async fn correct_health_education(
    pool: &Pool,
    earlier_key: &str,
    now: &HealthEducationRecord,
    by: &str,
    reason: Option<&str>,
) -> Result<Vec<&'static str>> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, now.child()).await?;
    let Some(held) = held_in(conn, now.child(), now.kind(), earlier_key).await? else {
        return Err(StoreError::NotFound(format!(
            "a {} of child {} keyed {earlier_key}",
            now.kind().label().to_lowercase(),
            now.child()
        )));
    };
    let (changed, correcting) = held.changed_fields(now);
    if changed.is_empty() {
        return Ok(changed);
    }
    let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => r.to_owned(),
        None if !correcting => "added".to_owned(),
        None => {
            return Err(StoreError::Invalid(
                "a correction needs a reason".to_owned(),
            ));
        }
    };
    if now.key() != held.key()
        && held_in(conn, now.child(), now.kind(), &now.key())
            .await?
            .is_some()
    {
        return Err(already_held(now));
    }
    keep_version(
        conn,
        now.child(),
        now.kind().key(),
        &now.key(),
        &crate::types::Correction {
            by: by.to_owned(),
            reason,
        },
        &changed,
        &held,
    )
    .await?;
    delete_record(conn, &held).await?;
    insert_one(conn, now).await?;
    tx.commit().await?;
    Ok(changed)
}

/// The versions a record's corrections replaced, newest first: those kept
/// under the record's key, then those kept under the key of each version
/// before it.
pub(crate) async fn health_education_versions(
    pool: &Pool,
    child: &ChildId,
    kind: RecordKind,
    key: &str,
) -> Result<Vec<crate::types::RecordVersion>> {
    let mut out = Vec::new();
    let mut key = key.to_owned();
    // A chain never loops back (each version is older), but a record
    // corrected back to a key it once had would: stop at a key seen.
    let mut seen = vec![key.clone()];
    loop {
        let mut versions = record_versions(pool, child, kind.key(), &key).await?;
        versions.retain(|v| {
            out.iter()
                .all(|o: &crate::types::RecordVersion| o.id != v.id)
        });
        versions.reverse();
        let Some(oldest) = versions.last() else { break };
        let before: Option<HealthEducationRecord> =
            serde_json::from_value(oldest.earlier.clone()).ok();
        out.extend(versions);
        match before.map(|r| r.key()) {
            Some(k) if !seen.contains(&k) => {
                seen.push(k.clone());
                key = k;
            }
            _ => break,
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.id));
    Ok(out)
}
