//! Bulk writes: importing one 903 return (`import_return`, with its run and
//! problems) and replacing the whole dataset (`replace_dataset`).

use std::collections::{HashMap, HashSet};

use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{ChildId, ChildName, Dataset};

use futures_util::TryStreamExt;
use sqlx::Row;

use super::*;
use crate::convert::{IsoDate, count, iso, key, now, opt_iso, timestamp, to_i64};
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
    let set_aside = begin_bulk_write(conn).await?;
    for delete in HEALTH_EDUCATION_DELETES {
        sqlx::query(delete).execute(&mut *conn).await?;
    }
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
    insert_health_education(conn, &Records::of_dataset(ds), false).await?;
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
    end_bulk_write(conn, set_aside).await?;
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
//
// Each table of the batch is written in three steps, all inside the import's
// one transaction:
//
// 1. the batch's records are indexed by key (the last of several with one
//    key is the one written, as if each had been upserted in turn);
// 2. the batch's keys, sent as JSON and joined to the table's key index,
//    find which are stored, and from which year: that decides, per key,
//    inserted, replaced or kept (a later return's), exactly as a row-by-row
//    upsert would have counted;
// 3. the records to write go out in statements of up to 10,000 rows,
//    `INSERT ... SELECT ... FROM jsonb_each($1) ... ON CONFLICT DO UPDATE ...
//    WHERE stored year <= this year`, the rows as one JSON parameter
//    (`JsonRows`; the statement is prepared once and reused); records kept
//    for a later return are not sent at all.

/// A key of the batch: where its last record is, how many records have it,
/// and the stored row's source year (`Some(None)`: stored, entered in
/// Footprint; `None`: not stored).
struct Slot {
    last: usize,
    n: u64,
    stored: Option<Option<i64>>,
}

impl Slot {
    /// Whether the batch's record replaces (or adds) the stored one.
    fn writes(&self, year: i64) -> bool {
        match self.stored {
            None | Some(None) => true,
            Some(Some(y)) => y <= year,
        }
    }

    /// The counts a row-by-row upsert of the key's `n` records gives: the
    /// first inserts when nothing is stored, and every later one replaces
    /// the one before it.
    fn count(&self, year: i64, counts: &mut RecordCounts) {
        match self.stored {
            None => {
                counts.inserted += 1;
                counts.replaced += self.n - 1;
            }
            _ if self.writes(year) => counts.replaced += self.n,
            _ => counts.kept_later += self.n,
        }
    }
}

/// The batch's records of one table by key (records for which `keep` is
/// false, orphans, are left out).
struct Keyed<K> {
    index: HashMap<K, usize>,
    slots: Vec<Slot>,
}

impl<K: std::hash::Hash + Eq> Keyed<K> {
    fn new<'a, R>(
        records: &'a [R],
        key: impl Fn(&'a R) -> K,
        keep: impl Fn(&'a R) -> bool,
    ) -> Keyed<K> {
        let mut index = HashMap::with_capacity(records.len());
        let mut slots: Vec<Slot> = Vec::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            if !keep(r) {
                continue;
            }
            match index.entry(key(r)) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    let slot: &mut Slot = &mut slots[*e.get()];
                    slot.last = i;
                    slot.n += 1;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(slots.len());
                    slots.push(Slot {
                        last: i,
                        n: 1,
                        stored: None,
                    });
                }
            }
        }
        Keyed { index, slots }
    }

    /// Records the stored source year of the key at `at` (from [`find`]).
    fn stored(&mut self, at: Option<usize>, year: Option<i64>) {
        if let Some(i) = at {
            self.slots[i].stored = Some(year);
        }
    }

    /// The counts, and the positions of the records to write in batch
    /// order.
    fn plan(&self, year: i64) -> (RecordCounts, Vec<usize>) {
        let mut counts = RecordCounts::default();
        let mut write = Vec::with_capacity(self.slots.len());
        for slot in &self.slots {
            slot.count(year, &mut counts);
            if slot.writes(year) {
                write.push(slot.last);
            }
        }
        write.sort_unstable();
        (counts, write)
    }
}

/// Where `key` is in `index`. A free function so that a key borrowing from
/// a row read now can look up an index whose keys borrow from the batch.
fn find<K: std::hash::Hash + Eq>(index: &HashMap<K, usize>, key: &K) -> Option<usize> {
    index.get(key).copied()
}

/// The rows of a JSON parameter `$1` (`[[...], ...]`) as a table with one
/// column, `value`, each row read with `value ->> i`: binary JSON, so that
/// reading a value does not parse the row's text again.
fn json_rows() -> &'static str {
    if POSTGRES {
        "jsonb_array_elements($1::jsonb)"
    } else {
        "jsonb_each($1)"
    }
}

/// Keys per look-up statement.
const KEYS_PER_STATEMENT: usize = 50_000;

/// Looks up the stored rows with the keys of the records at `positions`
/// (written by `key`): `select` from the keys `JOIN`ed to `join`, calling
/// `found` with each stored row. Only the rows the batch has a key for
/// come back, found through the table's key index.
async fn stored_rows<R>(
    conn: &mut Conn,
    (select, join): (&str, &str),
    records: &[R],
    positions: &[usize],
    key: impl Fn(&mut JsonRows, &R),
    mut found: impl FnMut(&DbRow) -> Result<()>,
) -> Result<()> {
    let sql = format!("SELECT {select} FROM {} JOIN {join}", json_rows());
    let mut json = JsonRows::default();
    for chunk in positions.chunks(KEYS_PER_STATEMENT) {
        json.clear();
        for &i in chunk {
            key(json.row(), &records[i]);
        }
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(json.finish())
            .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            found(&row)?;
        }
    }
    Ok(())
}

/// Reads the stored `(child, date, source_year)` of the batch's keys into
/// `keyed`; `join` names the table and matches its key to `value`.
async fn stored_dated<R>(
    conn: &mut Conn,
    (select, join): (&str, &str),
    records: &[R],
    keyed: &mut Keyed<(&str, IsoDate)>,
    key: impl Fn(&mut JsonRows, &R),
) -> Result<()> {
    let positions: Vec<usize> = keyed.slots.iter().map(|s| s.last).collect();
    stored_rows(conn, (select, join), records, &positions, key, |row| {
        let child: &str = row.try_get(0)?;
        // Text that is not ten bytes long is no date the batch could hold.
        if let Some(date) = IsoDate::from_stored(row.try_get(1)?) {
            let at = find(&keyed.index, &(child, date));
            keyed.stored(at, row.try_get(2)?);
        }
        Ok(())
    })
    .await
}

/// Rows to write as one JSON text, `[[v, v, ...], ...]`: a statement's
/// rows go to the database as a single parameter, which it unpacks
/// (`jsonb_each` on SQLite, `jsonb_array_elements` on PostgreSQL, each row
/// read with `value ->> i`). Binding every value on its own cost an
/// allocation and a copy per value on each side of sqlx's channel.
#[derive(Default)]
pub(super) struct JsonRows {
    buf: String,
    /// Whether the next value starts its row.
    row_start: bool,
}

impl JsonRows {
    fn clear(&mut self) {
        self.buf.clear();
        self.buf.push('[');
    }

    fn row(&mut self) -> &mut Self {
        if self.buf.len() > 1 {
            self.buf.push_str("],");
        }
        self.buf.push('[');
        self.row_start = true;
        self
    }

    fn sep(&mut self) {
        if !std::mem::take(&mut self.row_start) {
            self.buf.push(',');
        }
    }

    pub(super) fn text(&mut self, s: Option<&str>) -> &mut Self {
        self.sep();
        match s {
            None => self.buf.push_str("null"),
            Some(s) => {
                self.buf.push('"');
                for c in s.chars() {
                    match c {
                        '"' => self.buf.push_str("\\\""),
                        '\\' => self.buf.push_str("\\\\"),
                        c if u32::from(c) < 0x20 => {
                            self.buf.push_str(&format!("\\u{:04x}", u32::from(c)));
                        }
                        c => self.buf.push(c),
                    }
                }
                self.buf.push('"');
            }
        }
        self
    }

    pub(super) fn date(&mut self, d: Option<chrono::NaiveDate>) -> &mut Self {
        self.text(d.map(IsoDate::of).as_ref().map(IsoDate::as_str))
    }

    pub(super) fn int(&mut self, n: Option<i64>) -> &mut Self {
        self.sep();
        match n {
            None => self.buf.push_str("null"),
            Some(n) => self.buf.push_str(&n.to_string()),
        }
        self
    }

    pub(super) fn flag(&mut self, b: Option<bool>) -> &mut Self {
        self.sep();
        self.buf.push_str(match b {
            None => "null",
            Some(true) => "true",
            Some(false) => "false",
        });
        self
    }

    fn finish(&mut self) -> &str {
        if self.buf.len() > 1 {
            self.buf.push(']');
        }
        self.buf.push(']');
        &self.buf
    }
}

/// Rows per upsert statement.
const ROWS_PER_STATEMENT: usize = 10_000;

/// Writes the records at `write` (positions in `records`) with upserts of
/// up to `ROWS_PER_STATEMENT` rows: `head` is the `INSERT INTO table
/// (columns)`, `select` the values read from each JSON row `value` (`$2` is
/// the return's year), `tail` the `ON CONFLICT` clause. Reports progress at
/// the start and at every `PROGRESS_EVERY` records of the batch (skipped and
/// kept ones included), as a row-by-row loop did.
#[allow(clippy::too_many_arguments)]
async fn upsert<R>(
    conn: &mut Conn,
    stage: &'static str,
    (head, select, tail): (&str, &str, &str),
    year: i64,
    records: &[R],
    write: &[usize],
    progress: &mut (dyn FnMut(ImportProgress) + Send),
    mut row: impl FnMut(&mut JsonRows, &R),
) -> Result<()> {
    let total = records.len();
    progress(ImportProgress {
        stage,
        done: 0,
        total,
    });
    let mut reported = 0;
    let mut report_to = |reached: usize, progress: &mut (dyn FnMut(ImportProgress) + Send)| {
        while reported + PROGRESS_EVERY <= reached {
            reported += PROGRESS_EVERY;
            progress(ImportProgress {
                stage,
                done: reported,
                total,
            });
        }
    };
    // `WHERE true` tells SQLite's parser the ON CONFLICT is the upsert's.
    let sql = format!(
        "{head} SELECT {select} FROM {} WHERE true {tail}",
        json_rows()
    );
    let mut json = JsonRows::default();
    for chunk in write.chunks(ROWS_PER_STATEMENT) {
        json.clear();
        for &i in chunk {
            row(json.row(), &records[i]);
        }
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(json.finish())
            .bind(year)
            .execute(&mut *conn)
            .await?;
        if let Some(&last) = chunk.last() {
            report_to(last + 1, progress);
        }
    }
    report_to(total, progress);
    Ok(())
}

/// Adds a problem for each record whose child is unknown, in batch order.
fn orphans<R>(
    records: &[R],
    child: impl Fn(&R) -> &ChildId,
    known: &dyn Fn(&str) -> bool,
    source: &str,
    kind: &str,
    counts: &mut RecordCounts,
    problems: &mut Vec<ImportProblem>,
) {
    for r in records {
        let c = child(r);
        if !known(c.as_str()) {
            counts.skipped += 1;
            problems.push(orphan_problem(source, kind, c));
        }
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

pub(crate) async fn import_return(
    pool: &Pool,
    batch: &ImportBatch,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<ImportSummary> {
    let year = i64::from(batch.year.start_year());
    // SQLite: a page cache big enough for the import's indexes (the default
    // 2 MB spills dirty pages to the WAL mid-transaction), on this
    // connection only and put back after.
    let mut pooled = pool.acquire().await?;
    let cache: Option<i64> = if POSTGRES {
        None
    } else {
        let was: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(&mut *pooled)
            .await?;
        sqlx::query("PRAGMA cache_size = -131072")
            .execute(&mut *pooled)
            .await?;
        Some(was)
    };
    let summary = import_in(&mut pooled, year, batch, progress).await;
    if let Some(was) = cache {
        // Whatever became of the import: a connection left with the larger
        // cache would only hold more memory.
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = {was}")))
            .execute(&mut *pooled)
            .await;
    }
    summary
}

async fn import_in(
    pooled: &mut Conn,
    year: i64,
    batch: &ImportBatch,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<ImportSummary> {
    let mut tx = if POSTGRES {
        sqlx::Connection::begin(pooled).await?
    } else {
        sqlx::Connection::begin_with(pooled, "BEGIN IMMEDIATE").await?
    };
    let conn: &mut Conn = &mut tx;
    // Council-wide: no per-child change log for a bulk write.
    let set_aside = begin_bulk_write(conn).await?;
    let run: i64 = sqlx::query_scalar(
        "INSERT INTO import_runs (year, source, imported_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(year)
    .bind(batch.source.as_str())
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let mut problems: Vec<ImportProblem> = batch.problems.clone();

    // Children: the batch's, and the stored ones the other tables name that
    // the batch lacks (known, so not orphans).
    let mut kids = Keyed::new(&batch.children, |c| c.id.as_str(), |_| true);
    let mut elsewhere: HashSet<&str> = HashSet::new();
    {
        let named = batch
            .episodes
            .iter()
            .map(|e| &e.child)
            .chain(batch.reviews.iter().map(|r| &r.child))
            .chain(batch.missing.iter().map(|m| &m.child))
            .chain(batch.health_outcomes.iter().map(|h| &h.child));
        for c in named {
            if !kids.index.contains_key(c.as_str()) {
                elsewhere.insert(c.as_str());
            }
        }
    }
    let mut stored_elsewhere: HashSet<String> = HashSet::new();
    {
        let positions: Vec<usize> = kids.slots.iter().map(|s| s.last).collect();
        stored_rows(
            conn,
            ("t.id, t.source_year", "children t ON t.id = value->>0"),
            &batch.children,
            &positions,
            |j, c| {
                j.text(Some(c.id.as_str()));
            },
            |row| {
                let id: &str = row.try_get(0)?;
                let at = find(&kids.index, &id);
                kids.stored(at, row.try_get(1)?);
                Ok(())
            },
        )
        .await?;
        let elsewhere: Vec<&str> = elsewhere.into_iter().collect();
        let positions: Vec<usize> = (0..elsewhere.len()).collect();
        stored_rows(
            conn,
            ("t.id", "children t ON t.id = value->>0"),
            &elsewhere,
            &positions,
            |j, c| {
                j.text(Some(c));
            },
            |row| {
                stored_elsewhere.insert(row.try_get(0)?);
                Ok(())
            },
        )
        .await?;
    }
    let known = |c: &str| kids.index.contains_key(c) || stored_elsewhere.contains(c);
    let (children, write) = kids.plan(year);
    upsert(
        conn,
        "children",
        (
            "INSERT INTO children (id, sex, date_of_birth, ethnicity, upn, mother, \
             mothers_child_dob, uasc, uasc_ceased, source_year)",
            "value->>0, value->>1, value->>2, value->>3, value->>4, \
             CAST(value->>5 AS BOOLEAN), value->>6, CAST(value->>7 AS BOOLEAN), value->>8, $2",
            "ON CONFLICT (id) DO UPDATE SET sex = excluded.sex, \
             date_of_birth = excluded.date_of_birth, ethnicity = excluded.ethnicity, \
             upn = excluded.upn, mother = excluded.mother, \
             mothers_child_dob = excluded.mothers_child_dob, uasc = excluded.uasc, \
             uasc_ceased = excluded.uasc_ceased, source_year = excluded.source_year \
             WHERE children.source_year IS NULL OR children.source_year <= excluded.source_year",
        ),
        year,
        &batch.children,
        &write,
        progress,
        |j, c| {
            j.text(Some(c.id.as_str()))
                .text(Some(c.sex.code()))
                .date(Some(c.date_of_birth))
                .text(Some(c.ethnicity.code()))
                .text(c.upn.as_deref())
                .flag(c.mother)
                .date(c.mothers_child_dob)
                .flag(Some(c.uasc.is_some()))
                .date(c.uasc.as_ref().and_then(|u| u.ceased));
        },
    )
    .await?;

    // Episodes, by (child, DECOM)
    let mut episodes = RecordCounts::default();
    orphans(
        &batch.episodes,
        |e| &e.child,
        &known,
        &batch.source,
        "episode",
        &mut episodes,
        &mut problems,
    );
    let mut keyed = Keyed::new(
        &batch.episodes,
        |e| (e.child.as_str(), IsoDate::of(e.start)),
        |e| known(e.child.as_str()),
    );
    stored_dated(
        conn,
        (
            "t.child, t.start_date, t.source_year",
            "episodes t ON t.child = value->>0 AND t.start_date = value->>1",
        ),
        &batch.episodes,
        &mut keyed,
        |j, e| {
            j.text(Some(e.child.as_str())).date(Some(e.start));
        },
    )
    .await?;
    let (counts, write) = keyed.plan(year);
    drop(keyed);
    add_counts(&mut episodes, counts);
    upsert(
        conn,
        "episodes",
        (
            concat!("INSERT INTO episodes (", episode_cols!(), ", source_year)"),
            "value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, \
             value->>7, value->>8, value->>9, value->>10, value->>11, value->>12, $2",
            "ON CONFLICT (child, start_date) DO UPDATE SET end_date = excluded.end_date, \
             reason_new = excluded.reason_new, legal_status = excluded.legal_status, \
             category_of_need = excluded.category_of_need, placement = excluded.placement, \
             provider = excluded.provider, reason_ceased = excluded.reason_ceased, \
             reason_place_change = excluded.reason_place_change, \
             home_postcode = excluded.home_postcode, \
             placement_postcode = excluded.placement_postcode, urn = excluded.urn, \
             source_year = excluded.source_year \
             WHERE episodes.source_year IS NULL OR episodes.source_year <= excluded.source_year",
        ),
        year,
        &batch.episodes,
        &write,
        progress,
        |j, e| {
            j.text(Some(e.child.as_str()))
                .date(Some(e.start))
                .date(e.end)
                .text(Some(e.reason_new.code()))
                .text(Some(e.legal_status.code()))
                .text(e.category_of_need.map(|c| c.code()))
                .text(Some(e.placement.code()))
                .text(e.provider.map(|c| c.code()))
                .text(e.reason_ceased.map(|c| c.code()))
                .text(e.reason_place_change.map(|c| c.code()))
                .text(e.home_postcode.as_deref())
                .text(e.placement_postcode.as_deref())
                .text(e.urn.as_deref());
        },
    )
    .await?;

    // Reviews, by (child, date): only the 903 fields; details stay.
    let mut reviews = RecordCounts::default();
    orphans(
        &batch.reviews,
        |r| &r.child,
        &known,
        &batch.source,
        "review",
        &mut reviews,
        &mut problems,
    );
    let mut keyed = Keyed::new(
        &batch.reviews,
        |r| (r.child.as_str(), IsoDate::of(r.date)),
        |r| known(r.child.as_str()),
    );
    stored_dated(
        conn,
        (
            "t.child, t.review_date, t.source_year",
            "reviews t ON t.child = value->>0 AND t.review_date = value->>1",
        ),
        &batch.reviews,
        &mut keyed,
        |j, r| {
            j.text(Some(r.child.as_str())).date(Some(r.date));
        },
    )
    .await?;
    let (counts, write) = keyed.plan(year);
    drop(keyed);
    add_counts(&mut reviews, counts);
    upsert(
        conn,
        "reviews",
        (
            "INSERT INTO reviews (child, review_date, participation, source_year)",
            "value->>0, value->>1, value->>2, $2",
            "ON CONFLICT (child, review_date) DO UPDATE SET \
             participation = excluded.participation, source_year = excluded.source_year \
             WHERE reviews.source_year IS NULL OR reviews.source_year <= excluded.source_year",
        ),
        year,
        &batch.reviews,
        &write,
        progress,
        |j, r| {
            j.text(Some(r.child.as_str()))
                .date(Some(r.date))
                .text(r.participation.map(|p| p.code()));
        },
    )
    .await?;

    // Missing episodes, by (child, start)
    let mut missing = RecordCounts::default();
    orphans(
        &batch.missing,
        |m| &m.child,
        &known,
        &batch.source,
        "missing episode",
        &mut missing,
        &mut problems,
    );
    let mut keyed = Keyed::new(
        &batch.missing,
        |m| (m.child.as_str(), IsoDate::of(m.start)),
        |m| known(m.child.as_str()),
    );
    stored_dated(
        conn,
        (
            "t.child, t.start_date, t.source_year",
            "missing_episodes t ON t.child = value->>0 AND t.start_date = value->>1",
        ),
        &batch.missing,
        &mut keyed,
        |j, m| {
            j.text(Some(m.child.as_str())).date(Some(m.start));
        },
    )
    .await?;
    let (counts, write) = keyed.plan(year);
    drop(keyed);
    add_counts(&mut missing, counts);
    upsert(
        conn,
        "missing",
        (
            "INSERT INTO missing_episodes (child, start_date, kind, end_date, source_year)",
            "value->>0, value->>1, value->>2, value->>3, $2",
            "ON CONFLICT (child, start_date) DO UPDATE SET kind = excluded.kind, \
             end_date = excluded.end_date, source_year = excluded.source_year \
             WHERE missing_episodes.source_year IS NULL \
             OR missing_episodes.source_year <= excluded.source_year",
        ),
        year,
        &batch.missing,
        &write,
        progress,
        |j, m| {
            j.text(Some(m.child.as_str()))
                .date(Some(m.start))
                .text(Some(m.kind.code()))
                .date(m.end);
        },
    )
    .await?;

    // Health outcomes (OC2), by (child, collection year)
    let mut health_outcomes = RecordCounts::default();
    orphans(
        &batch.health_outcomes,
        |h| &h.child,
        &known,
        &batch.source,
        "OC2 row",
        &mut health_outcomes,
        &mut problems,
    );
    let mut keyed = Keyed::new(
        &batch.health_outcomes,
        |h| (h.child.as_str(), i64::from(h.year.start_year())),
        |h| known(h.child.as_str()),
    );
    {
        let positions: Vec<usize> = keyed.slots.iter().map(|s| s.last).collect();
        stored_rows(
            conn,
            (
                "t.child, t.collection_year, t.source_year",
                "health_outcomes t ON t.child = value->>0 \
                 AND t.collection_year = CAST(value->>1 AS BIGINT)",
            ),
            &batch.health_outcomes,
            &positions,
            |j, h| {
                j.text(Some(h.child.as_str()))
                    .int(Some(i64::from(h.year.start_year())));
            },
            |row| {
                let child: &str = row.try_get(0)?;
                let at = find(&keyed.index, &(child, row.try_get(1)?));
                keyed.stored(at, row.try_get(2)?);
                Ok(())
            },
        )
        .await?;
    }
    let (counts, write) = keyed.plan(year);
    drop(keyed);
    add_counts(&mut health_outcomes, counts);
    upsert(
        conn,
        "health outcomes",
        (
            health_outcomes_insert!(),
            "value->>0, CAST(value->>1 AS BIGINT), CAST(value->>2 AS BIGINT), value->>3, \
             CAST(value->>4 AS BOOLEAN), CAST(value->>5 AS BOOLEAN), \
             CAST(value->>6 AS BOOLEAN), CAST(value->>7 AS BOOLEAN), \
             CAST(value->>8 AS BOOLEAN), CAST(value->>9 AS BOOLEAN), \
             CAST(value->>10 AS BOOLEAN), CAST(value->>11 AS BOOLEAN), $2",
            "ON CONFLICT (child, collection_year) DO UPDATE SET sdq_score = excluded.sdq_score, \
             sdq_reason = excluded.sdq_reason, convicted = excluded.convicted, \
             health_check = excluded.health_check, immunisations = excluded.immunisations, \
             teeth_check = excluded.teeth_check, health_assessment = excluded.health_assessment, \
             substance_misuse = excluded.substance_misuse, \
             intervention_received = excluded.intervention_received, \
             intervention_offered = excluded.intervention_offered, \
             source_year = excluded.source_year \
             WHERE health_outcomes.source_year IS NULL \
             OR health_outcomes.source_year <= excluded.source_year",
        ),
        year,
        &batch.health_outcomes,
        &write,
        progress,
        |j, h| {
            j.text(Some(h.child.as_str()))
                .int(Some(i64::from(h.year.start_year())))
                .int(h.sdq_score.map(i64::from))
                .text(h.sdq_reason.map(|r| r.code()))
                .flag(h.convicted)
                .flag(h.health_check)
                .flag(h.immunisations)
                .flag(h.teeth_check)
                .flag(h.health_assessment)
                .flag(h.substance_misuse)
                .flag(h.intervention_received)
                .flag(h.intervention_offered);
        },
    )
    .await?;

    bulk_insert(
        conn,
        "INSERT INTO import_problems (run, file, line, column_name, value, rule, message, severity)",
        8,
        &problems,
        |b, p| {
            b.push_bind(run)
                .push_bind(p.file.as_str())
                .push_bind(p.line.map(to_i64))
                .push_bind(p.column.as_deref())
                .push_bind(p.value.as_deref())
                .push_bind(p.rule.as_deref())
                .push_bind(p.message.as_str())
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
    end_bulk_write(conn, set_aside).await?;
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

fn add_counts(into: &mut RecordCounts, c: RecordCounts) {
    into.inserted += c.inserted;
    into.replaced += c.replaced;
    into.kept_later += c.kept_later;
    into.skipped += c.skipped;
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
        imported_at: timestamp(T, "imported_at", row.try_get::<&str, _>("imported_at")?)?,
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
                    row.try_get::<&str, _>("severity")?,
                    Severity::from_key,
                )?,
            })
        })
        .collect()
}
