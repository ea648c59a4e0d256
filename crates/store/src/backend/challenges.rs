//! Challenges (the IRO's dispute resolution): the challenge, its themes and
//! its stages.

use std::collections::HashMap;

use chrono::NaiveDate;
use footprint_domain::model::{Challenge, ChallengeOutcome, ChallengeStage, ChildId};

use sqlx::{QueryBuilder, Row};

use super::*;
use crate::convert::{child_id, date, iso, key, opt_date, opt_iso, to_i64};
use crate::error::{Result, StoreError};
use crate::types::NewChallenge;

pub(super) fn outcome_key(o: ChallengeOutcome) -> &'static str {
    match o {
        ChallengeOutcome::Resolved => "resolved",
        ChallengeOutcome::Withdrawn => "withdrawn",
        ChallengeOutcome::ReferredToCafcass => "referred_to_cafcass",
    }
}

fn outcome_from_key(s: &str) -> Option<ChallengeOutcome> {
    [
        ChallengeOutcome::Resolved,
        ChallengeOutcome::Withdrawn,
        ChallengeOutcome::ReferredToCafcass,
    ]
    .into_iter()
    .find(|o| outcome_key(*o) == s)
}

pub(super) enum ChallengeFilter<'a> {
    /// Every challenge, or those of the chosen children.
    Children(&'a ChildFilter),
    Child(&'a str),
    Id(i64),
}

impl ChallengeFilter<'_> {
    /// ` WHERE ...` choosing the challenges (`column` is `id` in
    /// `challenges`, `challenge` in its themes and stages).
    fn push_where(&self, qb: &mut QueryBuilder<Db>, column: &str) {
        let own = column == "id";
        match self {
            ChallengeFilter::Children(ChildFilter::All) => {}
            ChallengeFilter::Children(f) => {
                if own {
                    f.push_where(qb, "child");
                } else {
                    qb.push(" WHERE challenge IN (SELECT id FROM challenges");
                    f.push_where(qb, "child");
                    qb.push(")");
                }
            }
            ChallengeFilter::Child(c) => {
                if own {
                    qb.push(" WHERE child = ");
                } else {
                    qb.push(" WHERE challenge IN (SELECT id FROM challenges WHERE child = ");
                }
                qb.push_bind(c.to_string());
                if !own {
                    qb.push(")");
                }
            }
            ChallengeFilter::Id(id) => {
                qb.push(" WHERE ").push(column).push(" = ").push_bind(*id);
            }
        }
    }
}

pub(super) async fn load_challenges(
    conn: &mut Conn,
    filter: ChallengeFilter<'_>,
) -> Result<Vec<Challenge>> {
    const T: &str = "challenges";
    let mut out = Vec::new();
    let mut index = HashMap::new();
    let mut qb = QueryBuilder::<Db>::new("SELECT * FROM challenges");
    filter.push_where(&mut qb, "id");
    qb.push(" ORDER BY id");
    each_row(conn, &mut qb, |row| {
        let id: i64 = row.try_get("id")?;
        let outcome = match row.try_get::<Option<String>, _>("outcome")? {
            Some(o) => Some(key(T, "outcome", &o, outcome_from_key)?),
            None => None,
        };
        index.insert(id, out.len());
        out.push(Challenge {
            id,
            child: child_id(T, "child", row.try_get::<&str, _>("child")?)?,
            iro: opt_iro(row.try_get("iro")?),
            raised: date(T, "raised", row.try_get::<&str, _>("raised")?)?,
            themes: Vec::new(),
            sub_theme: None,
            stages: Vec::new(),
            referred_to_cafcass: opt_date(
                T,
                "referred_to_cafcass",
                row.try_get("referred_to_cafcass")?,
            )?,
            resolved: opt_date(T, "resolved", row.try_get("resolved")?)?,
            outcome,
        });
        Ok(())
    })
    .await?;
    let mut qb =
        QueryBuilder::<Db>::new("SELECT challenge, theme, sub_theme FROM challenge_themes");
    filter.push_where(&mut qb, "challenge");
    qb.push(" ORDER BY challenge, seq");
    each_row(conn, &mut qb, |row| {
        let id: i64 = row.try_get("challenge")?;
        if let Some(&i) = index.get(&id) {
            let c = &mut out[i];
            if c.themes.is_empty() {
                c.sub_theme = row.try_get("sub_theme")?;
            }
            c.themes.push(row.try_get("theme")?);
        }
        Ok(())
    })
    .await?;
    let mut qb = QueryBuilder::<Db>::new("SELECT * FROM challenge_stages");
    filter.push_where(&mut qb, "challenge");
    qb.push(" ORDER BY challenge, seq");
    each_row(conn, &mut qb, |row| {
        const S: &str = "challenge_stages";
        let id: i64 = row.try_get("challenge")?;
        let days: i64 = row.try_get("timescale_working_days")?;
        let stage = ChallengeStage {
            stage: row.try_get("stage")?,
            started: date(S, "started", row.try_get::<&str, _>("started")?)?,
            timescale_working_days: u32::try_from(days).map_err(|_| StoreError::Corrupt {
                table: S,
                column: "timescale_working_days",
                reason: format!("{days} is not a number of days"),
            })?,
            responded: opt_date(S, "responded", row.try_get("responded")?)?,
        };
        if let Some(&i) = index.get(&id) {
            out[i].stages.push(stage);
        }
        Ok(())
    })
    .await?;
    Ok(out)
}

pub(super) async fn insert_challenge_parts(
    conn: &mut Conn,
    challenges: &[Challenge],
) -> Result<()> {
    let mut themes = Vec::new();
    let mut stages = Vec::new();
    for c in challenges {
        for (i, t) in c.themes.iter().enumerate() {
            // The sub-theme sits under the first theme, on its row.
            let sub = if i == 0 { c.sub_theme.as_deref() } else { None };
            themes.push((c.id, to_i64(i as u64), t.as_str(), sub));
        }
        for (i, s) in c.stages.iter().enumerate() {
            stages.push((c.id, to_i64(i as u64), s));
        }
    }
    bulk_insert(
        conn,
        "INSERT INTO challenge_themes (challenge, seq, theme, sub_theme)",
        4,
        &themes,
        |b, (id, i, t, sub)| {
            b.push_bind(*id)
                .push_bind(*i)
                .push_bind(t.to_string())
                .push_bind(sub.map(str::to_owned));
        },
    )
    .await?;
    bulk_insert(
        conn,
        "INSERT INTO challenge_stages (challenge, seq, stage, started, timescale_working_days, \
         responded)",
        6,
        &stages,
        |b, (id, i, s)| {
            b.push_bind(*id)
                .push_bind(*i)
                .push_bind(s.stage.clone())
                .push_bind(iso(s.started))
                .push_bind(i64::from(s.timescale_working_days))
                .push_bind(opt_iso(s.responded));
        },
    )
    .await
}

async fn open_challenge(conn: &mut Conn, id: i64) -> Result<Challenge> {
    let c = load_challenges(conn, ChallengeFilter::Id(id))
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("challenge {id}")))?;
    if c.resolved.is_some() {
        return Err(StoreError::Invalid(format!(
            "challenge {id} was resolved on {}",
            c.resolved.map(iso).unwrap_or_default()
        )));
    }
    Ok(c)
}

pub(crate) async fn raise_challenge(pool: &Pool, new: &NewChallenge) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    ensure_child(conn, &new.child).await?;
    if let Some(iro) = &new.iro {
        ensure_iro(conn, iro).await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO challenges (child, iro, raised) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(new.child.as_str())
    .bind(new.iro.as_ref().map(|i| i.0.as_str()))
    .bind(iso(new.raised))
    .fetch_one(&mut *conn)
    .await?;
    let c = Challenge {
        id,
        child: new.child.clone(),
        iro: new.iro.clone(),
        raised: new.raised,
        themes: new.themes.clone(),
        sub_theme: new.sub_theme.clone(),
        stages: vec![new.first_stage.clone()],
        referred_to_cafcass: None,
        resolved: None,
        outcome: None,
    };
    insert_challenge_parts(conn, std::slice::from_ref(&c)).await?;
    tx.commit().await?;
    Ok(c)
}

pub(crate) async fn add_challenge_stage(
    pool: &Pool,
    id: i64,
    stage: &ChallengeStage,
) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut c = open_challenge(conn, id).await?;
    if let Some(last) = c.stages.last()
        && stage.started < last.started
    {
        return Err(StoreError::Invalid(format!(
            "stage {:?} of challenge {id} cannot start before the stage before it ({})",
            stage.stage,
            iso(last.started)
        )));
    }
    sqlx::query(
        "INSERT INTO challenge_stages (challenge, seq, stage, started, timescale_working_days, \
         responded) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(to_i64(c.stages.len() as u64))
    .bind(stage.stage.as_str())
    .bind(iso(stage.started))
    .bind(i64::from(stage.timescale_working_days))
    .bind(opt_iso(stage.responded))
    .execute(&mut *conn)
    .await?;
    tx.commit().await?;
    c.stages.push(stage.clone());
    Ok(c)
}

pub(crate) async fn respond_to_challenge(
    pool: &Pool,
    id: i64,
    responded: NaiveDate,
) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut c = open_challenge(conn, id).await?;
    let Some(seq) = c.stages.iter().rposition(|s| s.responded.is_none()) else {
        return Err(StoreError::Invalid(format!(
            "challenge {id} has no stage awaiting a response"
        )));
    };
    if responded < c.stages[seq].started {
        return Err(StoreError::Invalid(format!(
            "the response to challenge {id} cannot predate its stage ({})",
            iso(c.stages[seq].started)
        )));
    }
    sqlx::query("UPDATE challenge_stages SET responded = $1 WHERE challenge = $2 AND seq = $3")
        .bind(iso(responded))
        .bind(id)
        .bind(to_i64(seq as u64))
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    c.stages[seq].responded = Some(responded);
    Ok(c)
}

pub(crate) async fn refer_challenge_to_cafcass(
    pool: &Pool,
    id: i64,
    on: NaiveDate,
) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut c = open_challenge(conn, id).await?;
    sqlx::query("UPDATE challenges SET referred_to_cafcass = $1 WHERE id = $2")
        .bind(iso(on))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    c.referred_to_cafcass = Some(on);
    Ok(c)
}

pub(crate) async fn resolve_challenge(
    pool: &Pool,
    id: i64,
    on: NaiveDate,
    outcome: ChallengeOutcome,
) -> Result<Challenge> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let mut c = open_challenge(conn, id).await?;
    if on < c.raised {
        return Err(StoreError::Invalid(format!(
            "challenge {id} cannot be resolved before it was raised ({})",
            iso(c.raised)
        )));
    }
    sqlx::query("UPDATE challenges SET resolved = $1, outcome = $2 WHERE id = $3")
        .bind(iso(on))
        .bind(outcome_key(outcome))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    tx.commit().await?;
    c.resolved = Some(on);
    c.outcome = Some(outcome);
    Ok(c)
}

pub(crate) async fn challenge(pool: &Pool, id: i64) -> Result<Option<Challenge>> {
    let mut conn = pool.acquire().await?;
    Ok(load_challenges(&mut conn, ChallengeFilter::Id(id))
        .await?
        .pop())
}

pub(crate) async fn challenges_of(pool: &Pool, child: &ChildId) -> Result<Vec<Challenge>> {
    let mut conn = pool.acquire().await?;
    load_challenges(&mut conn, ChallengeFilter::Child(child.as_str())).await
}

/// Corrects challenge `id` (its IRO, the day raised, its themes, its
/// stages' dates, the Cafcass referral, the day closed and the outcome):
/// the version held is kept in `record_versions` (record `challenge`, key
/// the id) and the new one written, in one transaction. The stages keep
/// their names and timescales: only their dates are corrected. Returns the
/// fields that changed; nothing is written when none did.
pub(crate) async fn correct_challenge(
    pool: &Pool,
    id: i64,
    challenge: &Challenge,
    correction: &crate::types::Correction,
) -> Result<Vec<&'static str>> {
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    let stored = load_challenges(conn, ChallengeFilter::Id(id))
        .await?
        .pop()
        .filter(|c| c.child == challenge.child)
        .ok_or_else(|| StoreError::NotFound(format!("challenge {id}")))?;
    let same_stages = stored.stages.len() == challenge.stages.len()
        && stored.stages.iter().zip(&challenge.stages).all(|(a, b)| {
            a.stage == b.stage && a.timescale_working_days == b.timescale_working_days
        });
    if !same_stages {
        return Err(StoreError::Invalid(
            "a correction changes a challenge's dates, not its stages".to_owned(),
        ));
    }
    let changed = challenge.changed_fields(&stored);
    if changed.is_empty() {
        return Ok(changed);
    }
    if let Some(iro) = &challenge.iro {
        ensure_iro(conn, iro).await?;
    }
    super::corrections::keep_version(
        conn,
        &challenge.child,
        "challenge",
        &id.to_string(),
        correction,
        &changed,
        &stored,
    )
    .await?;
    sqlx::query(
        "UPDATE challenges SET iro = $2, raised = $3, referred_to_cafcass = $4, resolved = $5, \
         outcome = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(challenge.iro.as_ref().map(|i| i.0.as_str()))
    .bind(iso(challenge.raised))
    .bind(opt_iso(challenge.referred_to_cafcass))
    .bind(opt_iso(challenge.resolved))
    .bind(challenge.outcome.map(outcome_key))
    .execute(&mut *conn)
    .await?;
    for delete in [
        "DELETE FROM challenge_themes WHERE challenge = $1",
        "DELETE FROM challenge_stages WHERE challenge = $1",
    ] {
        sqlx::query(delete).bind(id).execute(&mut *conn).await?;
    }
    let written = Challenge {
        id,
        ..challenge.clone()
    };
    insert_challenge_parts(conn, std::slice::from_ref(&written)).await?;
    tx.commit().await?;
    Ok(changed)
}
