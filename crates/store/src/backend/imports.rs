//! Bulk writes: importing one 903 return (`import_return`, with its run and
//! problems) and replacing the whole dataset (`replace_dataset`).

// foldhash (seeded per process), not SipHash: the import keys millions of
// records by child, and SipHash was a large part of its own thread.
use foldhash::HashSet;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{ChildId, ChildName, Dataset};
use footprint_domain::return_tables::{EachKind, ReturnTables, TableRecord, each_kind};
use footprint_domain::returns::{Derived, FromReturn, ReturnPart, ReturnRecords, derive};

use futures_util::TryStreamExt;
use sqlx::Row;

use super::*;
use crate::convert::{IsoDate, child_id, count, iso, key, now, opt_iso, timestamp, to_i64};
use crate::error::{Result, StoreError};
use crate::types::{
    ImportBatch, ImportProblem, ImportProgress, ImportRun, ImportSummary, OpenEpisodeLeft,
    RecordCounts, Severity, WriteSummary,
};

/// How often an import reports progress (records).
const PROGRESS_EVERY: usize = 1_000;

/// The time each stage of an import took, logged at debug level
/// (`FOOTPRINT_LOG=debug footprint import ...`): stage names and counts
/// only, never a record's content. `docs/benchmarks.md` reads them.
struct Stages {
    at: std::time::Instant,
}

impl Stages {
    fn start() -> Stages {
        Stages {
            at: std::time::Instant::now(),
        }
    }

    /// Logs the stage that has just ended (with the rows it wrote or read,
    /// if any) and starts the next.
    fn ended(&mut self, stage: &str, rows: Option<usize>) {
        let now = std::time::Instant::now();
        let ms = now.duration_since(self.at).as_secs_f64() * 1e3;
        match rows {
            Some(rows) => tracing::debug!("import: {stage}: {ms:.0} ms, {rows} rows"),
            None => tracing::debug!("import: {stage}: {ms:.0} ms"),
        }
        self.at = now;
    }
}

// ---------------------------------------------------------------------------
// The whole dataset replaced

pub(crate) async fn replace_dataset(pool: &Pool, ds: &Dataset) -> Result<WriteSummary> {
    let siblings = sibling_rows(ds)?;
    let mut tx = write_tx(pool).await?;
    let conn: &mut Conn = &mut tx;
    // Council-wide: no per-child change log for a bulk write.
    let set_aside = begin_bulk_write(conn).await?;
    sqlx::query("DELETE FROM case_records")
        .execute(&mut *conn)
        .await?;
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
        "DELETE FROM review_date_changes",
        "DELETE FROM return_table_records",
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
    insert_review_date_changes(conn, &ds.review_date_changes).await?;
    write_table_rows(conn, &table_rows(&ds.return_tables, None), &mut |_| {}).await?;
    insert_health_education(conn, &Records::of_dataset(ds), false).await?;
    insert_case_records(conn, &ds.case_records, "footprint").await?;
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
// An import of one or more returns (at most one a year), all inside one
// transaction:
//
// 1. each return is kept as it came in `returns_held` (one row per child,
//    that child's records as JSON), replacing any return of the same year;
// 2. the other returns' records of the children they name (and of those
//    the returns they replace named) are read back, and the council's 903 records
//    of those children derived from all of them
//    (`footprint_domain::returns::derive`);
// 3. those children's 903 records are deleted and the derived ones written
//    (records entered in Footprint stay; reviews with details are never
//    deleted: a 903 review merges into one), in statements of up to 10,000
//    rows, `INSERT ... SELECT ... FROM jsonb_each($1) ... ON CONFLICT DO
//    UPDATE`, the rows as one JSON parameter (`JsonRows`; the statement is
//    prepared once and reused).

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
            // Most values need no escaping: copied whole.
            Some(s) if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) => {
                self.buf.push('"');
                self.buf.push_str(s);
                self.buf.push('"');
            }
            // What does (a record kept as JSON, say) is copied a run at a
            // time between the characters escaped.
            Some(s) => {
                use std::fmt::Write as _;
                self.buf.push('"');
                let mut from = 0;
                for (at, b) in s.bytes().enumerate() {
                    if b == b'"' || b == b'\\' || b < 0x20 {
                        self.buf.push_str(&s[from..at]);
                        match b {
                            b'"' => self.buf.push_str("\\\""),
                            b'\\' => self.buf.push_str("\\\\"),
                            _ => {
                                let _ = write!(self.buf, "\\u{b:04x}");
                            }
                        }
                        from = at + 1;
                    }
                }
                self.buf.push_str(&s[from..]);
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
            Some(n) => {
                use std::fmt::Write as _;
                let _ = write!(self.buf, "{n}");
            }
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
    let mut stages = Stages::start();
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
    // The next statement's rows are made while SQLite's thread writes the
    // last one's: the two threads took turns, each idle while the other
    // worked (docs/benchmarks.md, eleventh round).
    let mut fill = |json: &mut JsonRows, chunk: &[usize]| {
        json.clear();
        for &i in chunk {
            row(json.row(), &records[i]);
        }
    };
    let (mut current, mut next) = (JsonRows::default(), JsonRows::default());
    let mut chunks = write.chunks(ROWS_PER_STATEMENT).peekable();
    if let Some(first) = chunks.peek() {
        fill(&mut current, first);
    }
    while let Some(chunk) = chunks.next() {
        let following = chunks.peek().copied();
        let written = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(current.finish())
            .bind(year)
            .execute(&mut *conn);
        let made = async {
            if let Some(c) = following {
                fill(&mut next, c);
            }
        };
        let (written, ()) = futures_util::future::join(written, made).await;
        written?;
        std::mem::swap(&mut current, &mut next);
        if let Some(&last) = chunk.last() {
            report_to(last + 1, progress);
        }
    }
    report_to(total, progress);
    stages.ended(stage, Some(write.len()));
    Ok(())
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

pub(crate) async fn import_returns(
    pool: &Pool,
    batches: Vec<ImportBatch>,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<Vec<ImportSummary>> {
    let mut years = BTreeSet::new();
    for b in &batches {
        if !years.insert(b.year) {
            return Err(StoreError::Invalid(format!(
                "two returns for {} were given to import together: import one of them",
                b.year
            )));
        }
    }
    let mut pooled = pool.acquire().await?;
    if !POSTGRES {
        // This connection is closed after the import, never handed back to
        // the pool: what is set on it here is for the import alone.
        pooled.close_on_drop();
        // A page cache big enough for the import's indexes (the default
        // 2 MB spills dirty pages to the WAL mid-transaction). 64 MiB since
        // the returns are held by position (half the database): the
        // indexes written out of order (by date) are what it must hold,
        // about 40 MB at England size.
        sqlx::query("PRAGMA cache_size = -65536")
            .execute(&mut *pooled)
            .await?;
        // No look-up of each record's child by SQLite: the import names
        // only children it writes or finds held (a record of any other is
        // skipped and listed as a problem), and deletes no child. The
        // look-up was a second index search for each of the millions of
        // rows of an England-sized import.
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *pooled)
            .await?;
    }
    import_in(&mut pooled, batches, progress).await
}

/// `write` (statements on the import's connection) and `work` (reading
/// memory only) side by side: on SQLite, whose statements run on sqlx's
/// own thread for the connection, `write` is driven from a thread of its
/// own while `work` runs on this one (the import's writes keep one core
/// busy, and the import's own work would otherwise wait for them). On
/// PostgreSQL, whose connection needs the runtime's own thread for its
/// socket, one after the other.
async fn beside<W: Send, T: Send>(
    write: impl std::future::Future<Output = Result<W>> + Send,
    work: impl FnOnce() -> T + Send,
) -> (Result<W>, T) {
    if POSTGRES {
        let written = write.await;
        return (written, work());
    }
    let runtime = tokio::runtime::Handle::current();
    let multi_thread = runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread;
    let side_by_side = move || {
        std::thread::scope(|scope| {
            let writing = scope.spawn(move || runtime.block_on(write));
            let worked = work();
            let written = writing
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (written, worked)
        })
    };
    // This thread waits for both: on the web server's runtime, its other
    // tasks are handed to another of the runtime's threads meanwhile (the
    // command line's runtime has only this thread, and nothing else to run).
    if multi_thread {
        tokio::task::block_in_place(side_by_side)
    } else {
        side_by_side()
    }
}

/// One return of an import, as it goes through it.
struct Incoming {
    year: CollectionYear,
    source: String,
    run: i64,
    records: ReturnRecords,
    problems: Vec<ImportProblem>,
    counts: Counts,
}

async fn import_in(
    pooled: &mut Conn,
    mut batches: Vec<ImportBatch>,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<Vec<ImportSummary>> {
    batches.sort_by_key(|b| b.year);
    let mut tx = if POSTGRES {
        sqlx::Connection::begin(pooled).await?
    } else {
        sqlx::Connection::begin_with(pooled, "BEGIN IMMEDIATE").await?
    };
    let conn: &mut Conn = &mut tx;
    let mut stages = Stages::start();
    // Council-wide: no per-child change log for a bulk write.
    let set_aside = begin_bulk_write(conn).await?;
    backfill_returns(conn).await?;
    stages.ended("begin", None);

    let mut incoming: Vec<Incoming> = Vec::with_capacity(batches.len());
    for b in batches {
        let run: i64 = sqlx::query_scalar(
            "INSERT INTO import_runs (year, source, imported_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(i64::from(b.year.start_year()))
        .bind(b.source.as_str())
        .bind(now())
        .fetch_one(&mut *conn)
        .await?;
        incoming.push(Incoming {
            year: b.year,
            source: b.source,
            run,
            records: ReturnRecords {
                children: b.children,
                episodes: b.episodes,
                reviews: b.reviews,
                missing: b.missing,
                health_outcomes: b.health_outcomes,
                tables: b.tables,
            },
            problems: b.problems,
            counts: Counts::default(),
        });
    }

    // Children: the returns' Headers, and the stored ones the other tables
    // name that no Header has (known, so not orphans).
    let header: HashSet<ChildId> = incoming
        .iter()
        .flat_map(|i| i.records.children.iter().map(|c| c.id.clone()))
        .collect();
    let elsewhere: Vec<ChildId> = {
        let set: HashSet<&ChildId> = incoming
            .iter()
            .flat_map(|i| i.records.children_named())
            .filter(|c| !header.contains(*c))
            .collect();
        set.into_iter().cloned().collect()
    };
    let mut stored_elsewhere: HashSet<ChildId> = HashSet::default();
    stored_rows(
        conn,
        ("t.id", "children t ON t.id = value->>0"),
        &elsewhere,
        &(0..elsewhere.len()).collect::<Vec<_>>(),
        |j, c| {
            j.text(Some(c.as_str()));
        },
        |row| {
            stored_elsewhere.insert(child_id("children", "id", row.try_get(0)?)?);
            Ok(())
        },
    )
    .await?;
    let known = |c: &ChildId| header.contains(c) || stored_elsewhere.contains(c);
    for i in &mut incoming {
        let (r, counts, problems, source) =
            (&mut i.records, &mut i.counts, &mut i.problems, &i.source);
        let mut skip = |kind: &str, child: &ChildId, counts: &mut RecordCounts| {
            counts.skipped += 1;
            problems.push(orphan_problem(source, kind, child));
        };
        let mut keep = |kind: &str, child: &ChildId, counts: &mut RecordCounts| {
            let ok = known(child);
            if !ok {
                skip(kind, child, counts);
            }
            ok
        };
        r.episodes
            .retain(|e| keep("episode", &e.child, &mut counts.episodes));
        r.reviews
            .retain(|x| keep("review", &x.child, &mut counts.reviews));
        r.missing
            .retain(|m| keep("missing episode", &m.child, &mut counts.missing));
        r.health_outcomes
            .retain(|h| keep("OC2 row", &h.child, &mut counts.health_outcomes));
        for c in r.tables.children() {
            if !known(c) {
                skip(
                    "OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes or DoLo row",
                    c,
                    &mut counts.other_tables,
                );
            }
        }
        r.tables.retain_children(known);
        // Names and review details are not part of a return.
        for c in &mut r.children {
            c.name = None;
        }
        for x in &mut r.reviews {
            x.details = None;
        }
    }

    // The children whose records may change: these returns', and those of
    // the returns of the same years they replace.
    let mut affected: BTreeSet<ChildId> = BTreeSet::new();
    for i in &incoming {
        affected.extend(i.records.children_named().cloned());
    }
    let years = incoming
        .iter()
        .map(|i| i.year.start_year().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    {
        let sql = format!("SELECT child FROM returns_held WHERE collection_year IN ({years})");
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            affected.insert(child_id("returns_held", "child", row.try_get(0)?)?);
        }
    }
    let affected: Vec<ChildId> = affected.into_iter().collect();
    stages.ended("children known and affected", Some(affected.len()));

    // Every other return's records of those children (none in a database
    // that holds no other return).
    let mut returns: BTreeMap<i64, ReturnRecords> = BTreeMap::new();
    let others: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT collection_year FROM returns_held WHERE collection_year NOT IN ({years}) LIMIT 1"
    )))
    .fetch_optional(&mut *conn)
    .await?;
    if others.is_some() {
        let join =
            format!("returns_held t ON t.child = value->>0 AND t.collection_year NOT IN ({years})");
        stored_rows(
            conn,
            ("t.collection_year, t.records", &join),
            &affected,
            &(0..affected.len()).collect::<Vec<_>>(),
            |j, c| {
                j.text(Some(c.as_str()));
            },
            |row| {
                let y: i64 = row.try_get(0)?;
                returns
                    .entry(y)
                    .or_default()
                    .append(held_of(row.try_get(1)?)?);
                Ok(())
            },
        )
        .await?;
    }

    stages.ended("other returns read", None);
    // The returns kept as they came (replacing any of the same years), one
    // row per child and return.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM returns_held WHERE collection_year IN ({years})"
    )))
    .execute(&mut *conn)
    .await?;
    let mut all: Vec<(CollectionYear, ReturnRecords)> =
        Vec::with_capacity(returns.len() + incoming.len());
    for (y, r) in returns {
        all.push((year_of(y)?, r));
    }
    let first = all.len();
    for i in &mut incoming {
        let mut records = std::mem::take(&mut i.records);
        records.sort_by_child();
        all.push((i.year, records));
    }
    // The records are derived while the returns are written.
    let writing = async {
        for (n, i) in incoming.iter().enumerate() {
            write_held(conn, i.year, &all[first + n].1.parts()).await?;
        }
        Ok(())
    };
    let (written, derived) = beside(writing, || derive(&all)).await;
    written?;
    stages.ended("returns held written and records derived", None);

    // What was held before, for the counts: the 903 records no return
    // gives any more are counted with the latest of these returns.
    let before = held_keys(conn, &affected).await?;
    stages.ended("held before read", None);

    // The council's 903 records of those children, derived again. Records
    // entered in Footprint stay; a 903 record with the same key replaces
    // one; reviews with details are never removed (a 903 review merges).
    // A table written mostly anew has its date indexes made after.
    let indexes = set_aside_indexes(
        conn,
        &[
            ("episodes", derived.episodes.len()),
            ("reviews", derived.reviews.len()),
            ("missing_episodes", derived.missing.len()),
            ("health_outcomes", derived.health_outcomes.len()),
            (
                "return_table_records",
                derived.tables.values().map(ReturnTables::len).sum(),
            ),
        ],
    )
    .await?;
    for (table, extra) in [
        ("episodes", ""),
        ("missing_episodes", ""),
        ("health_outcomes", ""),
        ("return_table_records", ""),
        ("reviews", " AND NOT has_details"),
    ] {
        let sql = format!(
            "DELETE FROM {table} WHERE source_year IS NOT NULL{extra} \
             AND child IN (SELECT value->>0 FROM {})",
            json_rows()
        );
        let mut json = JsonRows::default();
        for chunk in affected.chunks(KEYS_PER_STATEMENT) {
            json.clear();
            for c in chunk {
                json.row().text(Some(c.as_str()));
            }
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(json.finish())
                .execute(&mut *conn)
                .await?;
        }
    }
    stages.ended("derived records deleted", None);
    // The records are written while the returns' counts are made.
    let writing = async {
        write_derived(conn, &derived, progress).await?;
        for (y, t) in &derived.tables {
            write_table_rows(
                conn,
                &table_rows(t, Some(i64::from(y.start_year()))),
                progress,
            )
            .await?;
        }
        Ok(())
    };
    let last = incoming.len().saturating_sub(1);
    let counting = || {
        let index = DerivedKeys::of(&derived);
        incoming
            .iter()
            .enumerate()
            .map(|(n, i)| {
                let mut counts = i.counts.clone();
                counts.count(i.year, &all[first + n].1, &index, &before, n == last);
                counts
            })
            .collect::<Vec<_>>()
    };
    let (written, counted) = beside(writing, counting).await;
    written?;
    for (i, counts) in incoming.iter_mut().zip(counted) {
        i.counts = counts;
    }
    drop(before);
    stages.ended("other tables written", None);
    drop(derived);
    drop(all);
    restore_indexes(conn, indexes).await?;
    stages.ended("indexes made", None);

    // Episodes an earlier return left open that no later return carries on:
    // listed with the latest of these returns.
    let left_open = open_episodes_left_in(conn).await?;
    stages.ended("episodes left open found", None);
    if let Some(latest) = incoming.last_mut() {
        for e in &left_open {
            latest.problems.push(ImportProblem {
                file: latest.source.clone(),
                line: None,
                column: Some("DEC".to_owned()),
                value: Some(e.child.as_str().to_owned()),
                rule: None,
                message: e.message(),
                severity: Severity::Warning,
            });
        }
    }

    let mut summaries = Vec::with_capacity(incoming.len());
    for (n, i) in incoming.into_iter().enumerate() {
        let run = i.run;
        bulk_insert(
            conn,
            "INSERT INTO import_problems (run, file, line, column_name, value, rule, message, severity)",
            8,
            &i.problems,
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
        let c = &i.counts;
        let all = [
            c.children,
            c.episodes,
            c.reviews,
            c.missing,
            c.health_outcomes,
            c.other_tables,
        ];
        let sum = |f: fn(&RecordCounts) -> u64| all.iter().map(f).sum::<u64>();
        sqlx::query(
            "UPDATE import_runs SET inserted = $1, replaced = $2, kept = $3, problems = $4 \
             WHERE id = $5",
        )
        .bind(to_i64(sum(|c| c.inserted)))
        .bind(to_i64(sum(|c| c.replaced)))
        .bind(to_i64(sum(|c| c.kept_later)))
        .bind(to_i64(i.problems.len() as u64))
        .bind(run)
        .execute(&mut *conn)
        .await?;
        summaries.push(ImportSummary {
            run,
            year: i.year,
            children: c.children,
            episodes: c.episodes,
            reviews: c.reviews,
            missing: c.missing,
            health_outcomes: c.health_outcomes,
            other_tables: c.other_tables,
            problems: i.problems.len() as u64,
            left_open: if n == last {
                left_open.clone()
            } else {
                Vec::new()
            },
        });
    }
    stages.ended("problems and runs written", None);
    end_bulk_write(conn, set_aside).await?;
    stages.ended("bulk write ended", None);
    tx.commit().await?;
    stages.ended("committed", None);
    Ok(summaries)
}

/// Rows per statement writing `returns_held` (three values a row).
const HELD_PER_STATEMENT: usize = 5_000;

/// Writes a return's records as `returns_held` rows, one per child.
async fn write_held(
    conn: &mut Conn,
    year: CollectionYear,
    parts: &[(ChildId, ReturnPart<'_>)],
) -> Result<()> {
    let y = i64::from(year.start_year());
    let mut rows: Vec<(&ChildId, String)> = Vec::with_capacity(HELD_PER_STATEMENT.min(parts.len()));
    let mut parts = parts.iter().peekable();
    while parts.peek().is_some() {
        rows.clear();
        for (child, records) in parts.by_ref().take(HELD_PER_STATEMENT) {
            let json = crate::held::to_string(records)
                .map_err(|e| StoreError::Invalid(format!("a return could not be kept: {e}")))?;
            rows.push((child, json));
        }
        bulk_insert(
            conn,
            "INSERT INTO returns_held (collection_year, child, records)",
            3,
            &rows,
            |b, (child, records)| {
                b.push_bind(y)
                    .push_bind(child.as_str())
                    .push_bind(records.as_str());
            },
        )
        .await?;
    }
    Ok(())
}

/// The records derived, by table, each found by its key with the year of
/// the return it came from: the derived lists themselves (each sorted by
/// child then key), searched; no map of their keys is built (at England
/// size one held hundreds of megabytes at the import's peak).
struct DerivedKeys<'d, 'a> {
    derived: &'d Derived<'a>,
    /// The other tables' keys, sorted.
    other_tables: Vec<(TableKey, CollectionYear)>,
}

/// The year of the record of `derived` (sorted by `key`) whose key is `k`.
fn year_of_key<T, K: Ord>(
    derived: &[FromReturn<T>],
    key: impl Fn(&T) -> K,
    k: &K,
) -> Option<CollectionYear> {
    derived
        .binary_search_by(|d| key(&d.record).cmp(k))
        .ok()
        .map(|i| derived[i].year)
}

impl<'d, 'a> DerivedKeys<'d, 'a> {
    fn of(derived: &'d Derived<'a>) -> DerivedKeys<'d, 'a> {
        let mut other_tables: Vec<(TableKey, CollectionYear)> = derived
            .tables
            .iter()
            .flat_map(|(y, t)| table_keys(t, *y))
            .collect();
        other_tables.sort_unstable();
        DerivedKeys {
            derived,
            other_tables,
        }
    }

    fn child(&self, k: &ChildId) -> Option<CollectionYear> {
        year_of_key(&self.derived.children, |c| c.id.clone(), k)
    }
    fn episode(&self, k: &(ChildId, NaiveDate)) -> Option<CollectionYear> {
        year_of_key(&self.derived.episodes, |e| (e.child.clone(), e.start), k)
    }
    fn review(&self, k: &(ChildId, NaiveDate)) -> Option<CollectionYear> {
        year_of_key(&self.derived.reviews, |r| (r.child.clone(), r.date), k)
    }
    fn missing(&self, k: &(ChildId, NaiveDate)) -> Option<CollectionYear> {
        year_of_key(&self.derived.missing, |m| (m.child.clone(), m.start), k)
    }
    fn health_outcomes(&self, k: &(ChildId, i32)) -> Option<CollectionYear> {
        year_of_key(
            &self.derived.health_outcomes,
            |h| (h.child.clone(), h.year.start_year()),
            k,
        )
    }
    fn other_table(&self, k: &TableKey) -> Option<CollectionYear> {
        self.other_tables
            .binary_search_by(|(key, _)| key.cmp(k))
            .ok()
            .map(|i| self.other_tables[i].1)
    }
}

/// The counts of an import, by table.
#[derive(Default, Clone)]
struct Counts {
    children: RecordCounts,
    episodes: RecordCounts,
    reviews: RecordCounts,
    missing: RecordCounts,
    health_outcomes: RecordCounts,
    other_tables: RecordCounts,
}

/// The keys of the 903 records held before the import, by table.
#[derive(Default)]
struct HeldKeys {
    children: HashSet<ChildId>,
    episodes: HashSet<(ChildId, NaiveDate)>,
    reviews: HashSet<(ChildId, NaiveDate)>,
    /// Reviews with details recorded in Footprint: never removed.
    detailed_reviews: HashSet<(ChildId, NaiveDate)>,
    missing: HashSet<(ChildId, NaiveDate)>,
    health_outcomes: HashSet<(ChildId, i32)>,
    /// The other tables: (kind, child, key).
    other_tables: HashSet<TableKey>,
}

/// A record of the other tables by its kind (`TableRecord::KIND`), child
/// and key.
type TableKey = (&'static str, ChildId, NaiveDate);

/// The kind of record of the other tables named `kind`, as
/// `TableRecord::KIND`.
fn table_kind(kind: &str) -> Option<&'static str> {
    struct Find<'a> {
        kind: &'a str,
        found: Option<&'static str>,
    }
    impl EachKind for Find<'_> {
        fn each<T: TableRecord>(&mut self) {
            if T::KIND == self.kind {
                self.found = Some(T::KIND);
            }
        }
    }
    let mut f = Find { kind, found: None };
    each_kind(&mut f);
    f.found
}

/// The keys of `t`'s records, each with `tag`.
fn table_keys<V: Copy>(t: &ReturnTables, tag: V) -> Vec<(TableKey, V)> {
    struct Keys<'a, V> {
        t: &'a ReturnTables,
        tag: V,
        out: Vec<(TableKey, V)>,
    }
    impl<V: Copy> EachKind for Keys<'_, V> {
        fn each<T: TableRecord>(&mut self) {
            for r in T::list(self.t) {
                self.out
                    .push(((T::KIND, r.child().clone(), r.key()), self.tag));
            }
        }
    }
    let mut k = Keys {
        t,
        tag,
        out: Vec::with_capacity(t.len()),
    };
    each_kind(&mut k);
    k.out
}

/// Counts one table's records of a return: those another return's version
/// overrides (kept later), and of the rest each key's first record new
/// unless its key was held, every other one replacing; with `removed`, the
/// records held before that nothing derived has any more. The same counts
/// whatever order the records come in.
fn tally<K: Ord + std::hash::Hash + Eq>(
    counts: &mut RecordCounts,
    year: CollectionYear,
    mine: impl Iterator<Item = K>,
    derived: impl Fn(&K) -> Option<CollectionYear>,
    held: &HashSet<K>,
    removed: bool,
) {
    let mut taken: Vec<K> = Vec::new();
    for k in mine {
        if derived(&k) == Some(year) {
            taken.push(k);
        } else {
            counts.kept_later += 1;
        }
    }
    let all = taken.len() as u64;
    taken.sort_unstable();
    taken.dedup();
    let new = taken.iter().filter(|k| !held.contains(*k)).count() as u64;
    counts.inserted += new;
    counts.replaced += all - new;
    if removed {
        counts.removed += held.iter().filter(|k| derived(k).is_none()).count() as u64;
    }
}

impl Counts {
    /// Per table: this return's records taken into the council's records
    /// (new, or replacing one held), those another return's version
    /// overrides, and (`removed`, when asked) the 903 records held before
    /// that are no longer.
    fn count(
        &mut self,
        year: CollectionYear,
        this: &ReturnRecords,
        derived: &DerivedKeys<'_, '_>,
        before: &HeldKeys,
        removed: bool,
    ) {
        tally(
            &mut self.children,
            year,
            this.children.iter().map(|c| c.id.clone()),
            |k| derived.child(k),
            &before.children,
            false,
        );
        tally(
            &mut self.episodes,
            year,
            this.episodes.iter().map(|e| (e.child.clone(), e.start)),
            |k| derived.episode(k),
            &before.episodes,
            removed,
        );
        tally(
            &mut self.reviews,
            year,
            this.reviews.iter().map(|r| (r.child.clone(), r.date)),
            |k| derived.review(k),
            &before.reviews,
            removed,
        );
        if removed {
            // Reviews with details stay, whatever the returns say.
            self.reviews.removed -= before
                .detailed_reviews
                .iter()
                .filter(|k| derived.review(k).is_none())
                .count() as u64;
        }
        tally(
            &mut self.missing,
            year,
            this.missing.iter().map(|m| (m.child.clone(), m.start)),
            |k| derived.missing(k),
            &before.missing,
            removed,
        );
        tally(
            &mut self.health_outcomes,
            year,
            this.health_outcomes
                .iter()
                .map(|h| (h.child.clone(), h.year.start_year())),
            |k| derived.health_outcomes(k),
            &before.health_outcomes,
            removed,
        );
        tally(
            &mut self.other_tables,
            year,
            table_keys(&this.tables, ()).into_iter().map(|(k, ())| k),
            |k| derived.other_table(k),
            &before.other_tables,
            removed,
        );
    }
}

/// A `returns_held` row's records (`crate::held`: each record an array
/// of its fields, or, as earlier versions wrote it, an object).
fn held_of(records: &str) -> Result<ReturnRecords> {
    serde_json::from_str(records).map_err(|e| StoreError::Corrupt {
        table: "returns_held",
        column: "records",
        reason: e.to_string(),
    })
}

fn year_of(y: i64) -> Result<CollectionYear> {
    Ok(CollectionYear::new(i32::try_from(y).map_err(|_| {
        StoreError::Corrupt {
            table: "returns_held",
            column: "collection_year",
            reason: format!("{y} is not a year"),
        }
    })?))
}

/// The keys of the 903 records held of `children` (records entered in
/// Footprint count as held: a 903 record of the same key replaces them).
async fn held_keys(conn: &mut Conn, children: &[ChildId]) -> Result<HeldKeys> {
    let mut keys = HeldKeys::default();
    let positions: Vec<usize> = (0..children.len()).collect();
    let key = |j: &mut JsonRows, c: &ChildId| {
        j.text(Some(c.as_str()));
    };
    stored_rows(
        conn,
        ("t.id", "children t ON t.id = value->>0"),
        children,
        &positions,
        key,
        |row| {
            keys.children
                .insert(child_id("children", "id", row.try_get(0)?)?);
            Ok(())
        },
    )
    .await?;
    stored_rows(
        conn,
        (
            "t.child, t.review_date, t.has_details",
            "reviews t ON t.child = value->>0",
        ),
        children,
        &positions,
        key,
        |row| {
            const T: &str = "reviews";
            let k = (
                child_id(T, "child", row.try_get(0)?)?,
                crate::convert::date(T, "review_date", row.try_get(1)?)?,
            );
            if row.try_get::<bool, _>(2)? {
                keys.detailed_reviews.insert(k.clone());
            }
            keys.reviews.insert(k);
            Ok(())
        },
    )
    .await?;
    for (table, set) in [
        ("episodes", &mut keys.episodes),
        ("missing_episodes", &mut keys.missing),
    ] {
        let join = format!("{table} t ON t.child = value->>0");
        stored_rows(
            conn,
            ("t.child, t.start_date", &join),
            children,
            &positions,
            key,
            |row| {
                set.insert((
                    child_id("episodes", "child", row.try_get(0)?)?,
                    crate::convert::date("episodes", "start_date", row.try_get(1)?)?,
                ));
                Ok(())
            },
        )
        .await?;
    }
    stored_rows(
        conn,
        (
            "t.child, t.collection_year",
            "health_outcomes t ON t.child = value->>0",
        ),
        children,
        &positions,
        key,
        |row| {
            let y: i64 = row.try_get(1)?;
            keys.health_outcomes.insert((
                child_id("health_outcomes", "child", row.try_get(0)?)?,
                year_of(y)?.start_year(),
            ));
            Ok(())
        },
    )
    .await?;
    stored_rows(
        conn,
        (
            "t.kind, t.child, t.record_key",
            "return_table_records t ON t.child = value->>0",
        ),
        children,
        &positions,
        key,
        |row| {
            const T: &str = "return_table_records";
            let kind: &str = row.try_get(0)?;
            let kind = table_kind(kind).ok_or_else(|| StoreError::Corrupt {
                table: T,
                column: "kind",
                reason: format!("{kind} is not a kind of record"),
            })?;
            keys.other_tables.insert((
                kind,
                child_id(T, "child", row.try_get(1)?)?,
                crate::convert::date(T, "record_key", row.try_get(2)?)?,
            ));
            Ok(())
        },
    )
    .await?;
    Ok(keys)
}

/// Writes the derived records (after the affected children's 903 records
/// were deleted): children and reviews merge with what is stored.
async fn write_derived(
    conn: &mut Conn,
    derived: &Derived<'_>,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<()> {
    fn all<T>(v: &[T]) -> Vec<usize> {
        (0..v.len()).collect()
    }
    upsert_from(
        conn,
        "children",
        (
            "INSERT INTO children (id, sex, date_of_birth, ethnicity, upn, mother, \
             mothers_child_dob, uasc, uasc_ceased, source_year)",
            "value->>0, value->>1, value->>2, value->>3, value->>4, \
             CAST(value->>5 AS BOOLEAN), value->>6, CAST(value->>7 AS BOOLEAN), value->>8, \
             CAST(value->>9 AS BIGINT)",
            "ON CONFLICT (id) DO UPDATE SET sex = excluded.sex, \
             date_of_birth = excluded.date_of_birth, ethnicity = excluded.ethnicity, \
             upn = excluded.upn, mother = excluded.mother, \
             mothers_child_dob = excluded.mothers_child_dob, uasc = excluded.uasc, \
             uasc_ceased = excluded.uasc_ceased, source_year = excluded.source_year",
        ),
        &derived.children,
        &all(&derived.children),
        progress,
        |j, d| {
            let c = &d.record;
            j.text(Some(c.id.as_str()))
                .text(Some(c.sex.code()))
                .date(Some(c.date_of_birth))
                .text(Some(c.ethnicity.code()))
                .text(c.upn.as_deref())
                .flag(c.mother)
                .date(c.mothers_child_dob)
                .flag(Some(c.uasc.is_some()))
                .date(c.uasc.as_ref().and_then(|u| u.ceased))
                .int(Some(i64::from(d.year.start_year())));
        },
    )
    .await?;
    upsert_from(
        conn,
        "episodes",
        (
            concat!("INSERT INTO episodes (", episode_cols!(), ", source_year)"),
            "value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, \
             value->>7, value->>8, value->>9, value->>10, value->>11, value->>12, \
             CAST(value->>13 AS BIGINT)",
            "ON CONFLICT (child, start_date) DO UPDATE SET end_date = excluded.end_date, \
             reason_new = excluded.reason_new, legal_status = excluded.legal_status, \
             category_of_need = excluded.category_of_need, placement = excluded.placement, \
             provider = excluded.provider, reason_ceased = excluded.reason_ceased, \
             reason_place_change = excluded.reason_place_change, \
             home_postcode = excluded.home_postcode, \
             placement_postcode = excluded.placement_postcode, urn = excluded.urn, \
             source_year = excluded.source_year",
        ),
        &derived.episodes,
        &all(&derived.episodes),
        progress,
        |j, d| {
            let e = &d.record;
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
                .text(e.urn.as_deref())
                .int(Some(i64::from(d.year.start_year())));
        },
    )
    .await?;
    upsert_from(
        conn,
        "reviews",
        (
            "INSERT INTO reviews (child, review_date, participation, source_year)",
            "value->>0, value->>1, value->>2, CAST(value->>3 AS BIGINT)",
            "ON CONFLICT (child, review_date) DO UPDATE SET \
             participation = excluded.participation, source_year = excluded.source_year",
        ),
        &derived.reviews,
        &all(&derived.reviews),
        progress,
        |j, d| {
            let r = &d.record;
            j.text(Some(r.child.as_str()))
                .date(Some(r.date))
                .text(r.participation.map(|p| p.code()))
                .int(Some(i64::from(d.year.start_year())));
        },
    )
    .await?;
    upsert_from(
        conn,
        "missing",
        (
            "INSERT INTO missing_episodes (child, start_date, kind, end_date, source_year)",
            "value->>0, value->>1, value->>2, value->>3, CAST(value->>4 AS BIGINT)",
            "ON CONFLICT (child, start_date) DO UPDATE SET kind = excluded.kind, \
             end_date = excluded.end_date, source_year = excluded.source_year",
        ),
        &derived.missing,
        &all(&derived.missing),
        progress,
        |j, d| {
            let m = &d.record;
            j.text(Some(m.child.as_str()))
                .date(Some(m.start))
                .text(Some(m.kind.code()))
                .date(m.end)
                .int(Some(i64::from(d.year.start_year())));
        },
    )
    .await?;
    upsert_from(
        conn,
        "health outcomes",
        (
            health_outcomes_insert!(),
            "value->>0, CAST(value->>1 AS BIGINT), CAST(value->>2 AS BIGINT), value->>3, \
             CAST(value->>4 AS BOOLEAN), CAST(value->>5 AS BOOLEAN), \
             CAST(value->>6 AS BOOLEAN), CAST(value->>7 AS BOOLEAN), \
             CAST(value->>8 AS BOOLEAN), CAST(value->>9 AS BOOLEAN), \
             CAST(value->>10 AS BOOLEAN), CAST(value->>11 AS BOOLEAN), \
             CAST(value->>12 AS BIGINT)",
            "ON CONFLICT (child, collection_year) DO UPDATE SET sdq_score = excluded.sdq_score, \
             sdq_reason = excluded.sdq_reason, convicted = excluded.convicted, \
             health_check = excluded.health_check, immunisations = excluded.immunisations, \
             teeth_check = excluded.teeth_check, health_assessment = excluded.health_assessment, \
             substance_misuse = excluded.substance_misuse, \
             intervention_received = excluded.intervention_received, \
             intervention_offered = excluded.intervention_offered, \
             source_year = excluded.source_year",
        ),
        &derived.health_outcomes,
        &all(&derived.health_outcomes),
        progress,
        |j, d| {
            let h = &d.record;
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
                .flag(h.intervention_offered)
                .int(Some(i64::from(d.year.start_year())));
        },
    )
    .await
}

/// Writes `return_table_records` rows (a record of the 903's other tables
/// each), replacing any with the same child, kind and key.
async fn write_table_rows(
    conn: &mut Conn,
    rows: &[TableRow<'_>],
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<()> {
    let mut failed = None;
    upsert_from(
        conn,
        "other tables",
        (
            "INSERT INTO return_table_records (child, kind, record_key, record, source_year)",
            "value->>0, value->>1, value->>2, value->>3, CAST(value->>4 AS BIGINT)",
            "ON CONFLICT (child, kind, record_key) DO UPDATE SET record = excluded.record, \
             source_year = excluded.source_year",
        ),
        rows,
        &(0..rows.len()).collect::<Vec<_>>(),
        progress,
        |j, r| {
            let json = (r.json)(r.tables, r.at).unwrap_or_else(|e| {
                failed.get_or_insert(e);
                String::new()
            });
            j.text(Some(r.child.as_str()))
                .text(Some(r.kind))
                .date(Some(r.key))
                .text(Some(&json))
                .int(r.year);
        },
    )
    .await?;
    // A record that could not be written as JSON refuses the whole write
    // (the transaction is rolled back).
    failed.map_or(Ok(()), Err)
}

/// [`upsert`] of rows that carry their own source year (`$2` unused).
async fn upsert_from<R>(
    conn: &mut Conn,
    stage: &'static str,
    sql: (&str, &str, &str),
    records: &[R],
    write: &[usize],
    progress: &mut (dyn FnMut(ImportProgress) + Send),
    row: impl FnMut(&mut JsonRows, &R),
) -> Result<()> {
    upsert(conn, stage, sql, 0, records, write, progress, row).await
}

/// Before the first import into a database that holds 903 records from
/// before returns were kept (schema 8 and earlier): the records as held,
/// each as a row of the return of its source year, so that deriving again
/// loses none of them.
async fn backfill_returns(conn: &mut Conn) -> Result<()> {
    let kept: Option<i64> = sqlx::query_scalar("SELECT collection_year FROM returns_held LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    let imported: Option<i64> = sqlx::query_scalar("SELECT year FROM import_runs LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    if kept.is_some() || imported.is_none() {
        return Ok(());
    }
    let mut returns: BTreeMap<i64, ReturnRecords> = BTreeMap::new();
    {
        let mut rows = sqlx::query(concat!(
            "SELECT ",
            child_cols!(),
            ", source_year FROM children WHERE source_year IS NOT NULL"
        ))
        .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let y: i64 = row.try_get("source_year")?;
            returns
                .entry(y)
                .or_default()
                .children
                .push(child_from(&row)?);
        }
    }
    {
        let mut rows = sqlx::query(concat!(
            "SELECT ",
            episode_cols!(),
            ", source_year FROM episodes WHERE source_year IS NOT NULL"
        ))
        .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let y: i64 = row.try_get(13)?;
            returns
                .entry(y)
                .or_default()
                .episodes
                .push(episode_from(&row)?);
        }
    }
    {
        let mut rows = sqlx::query(
            "SELECT child, review_date, participation, source_year FROM reviews \
             WHERE source_year IS NOT NULL",
        )
        .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let y: i64 = row.try_get(3)?;
            returns
                .entry(y)
                .or_default()
                .reviews
                .push(review_without_details(
                    row.try_get(0)?,
                    row.try_get(1)?,
                    row.try_get(2)?,
                )?);
        }
    }
    {
        let mut rows = sqlx::query("SELECT * FROM missing_episodes WHERE source_year IS NOT NULL")
            .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let y: i64 = row.try_get("source_year")?;
            returns
                .entry(y)
                .or_default()
                .missing
                .push(missing_from(&row)?);
        }
    }
    {
        let mut rows = sqlx::query("SELECT * FROM health_outcomes WHERE source_year IS NOT NULL")
            .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let y: i64 = row.try_get("source_year")?;
            returns
                .entry(y)
                .or_default()
                .health_outcomes
                .push(health_outcomes_from(&row)?);
        }
    }
    for (y, mut r) in returns {
        write_held(conn, year_of(y)?, &r.parts_by_child()).await?;
    }
    Ok(())
}

/// The episodes held open (no DEC) from a return earlier than the latest
/// held: the return of a later year did not carry them on.
pub(crate) async fn open_episodes_left_in(conn: &mut Conn) -> Result<Vec<OpenEpisodeLeft>> {
    let rows = sqlx::query(
        "SELECT e.child, e.start_date, e.source_year, l.latest FROM episodes e, \
         (SELECT MAX(collection_year) AS latest FROM returns_held) l \
         WHERE e.end_date IS NULL AND e.source_year IS NOT NULL \
         AND e.source_year < l.latest ORDER BY e.child, e.start_date",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            const T: &str = "episodes";
            Ok(OpenEpisodeLeft {
                child: child_id(T, "child", row.try_get::<&str, _>(0)?)?,
                start: crate::convert::date(T, "start_date", row.try_get::<&str, _>(1)?)?,
                from_return: year_of(row.try_get(2)?)?,
                latest_return: year_of(row.try_get(3)?)?,
            })
        })
        .collect()
}

pub(crate) async fn open_episodes_left(pool: &Pool) -> Result<Vec<OpenEpisodeLeft>> {
    let mut conn = pool.acquire().await?;
    open_episodes_left_in(&mut conn).await
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

#[cfg(test)]
mod json_rows_tests {
    use super::JsonRows;

    /// Every value comes back as written, whatever it holds: a record kept
    /// as JSON (quotes), a backslash, control characters, text beyond ASCII
    /// next to an escaped character, and nothing at all.
    #[test]
    fn text_is_escaped_so_the_row_reads_back_as_written() {
        let values = [
            "plain",
            r#"["A1",null,"2024-05-01"]"#,
            "back\\slash",
            "tab\tnew\nline\u{1}",
            "é\"ü",
            "\"",
            "",
        ];
        let mut rows = JsonRows::default();
        rows.clear();
        let row = rows.row();
        for v in values {
            row.text(Some(v));
        }
        row.text(None).int(Some(-7)).flag(Some(true));
        let parsed: serde_json::Value = serde_json::from_str(rows.finish()).unwrap();
        let mut expected: Vec<serde_json::Value> = values.iter().map(|v| (*v).into()).collect();
        expected.extend([serde_json::Value::Null, (-7).into(), true.into()]);
        assert_eq!(parsed, serde_json::Value::Array(vec![expected.into()]));
    }
}
