//! The 903's other tables (`return_table_records`, migration 13): care
//! leavers' outcomes (OC3), adoptions (AD1), decisions to place for adoption
//! (PlacedAdoption), permanence before care (PrevPerm), social worker
//! episodes (SWEpisodes) and deprivation of liberty orders (DoLo). One row
//! per record: its child, kind (`TableRecord::KIND`), key within the child
//! (`TableRecord::key`, ISO), the record as JSON (each an array of its
//! fields: `crate::held`) and the return it came from.

use footprint_domain::return_tables::{EachKind, ReturnTables, TableRecord, each_kind};
use sqlx::{QueryBuilder, Row};

use super::*;
use crate::error::{Result, StoreError};
use footprint_domain::model::ChildId;

/// A `return_table_records` row to write: the record at `at` of its kind's
/// list in `tables`, by child, kind and key, from `year`'s return. Its JSON
/// is made by `json` only as its statement is (the rows of an
/// England-sized year's records, made whole first, were some 100 MB).
pub(crate) struct TableRow<'a> {
    pub tables: &'a ReturnTables,
    pub child: &'a ChildId,
    pub kind: &'static str,
    pub key: chrono::NaiveDate,
    pub at: usize,
    pub json: fn(&ReturnTables, usize) -> Result<String>,
    pub year: Option<i64>,
}

/// The rows of `t`'s records, each from `source_year`.
pub(crate) fn table_rows(t: &ReturnTables, source_year: Option<i64>) -> Vec<TableRow<'_>> {
    fn json<T: TableRecord>(t: &ReturnTables, at: usize) -> Result<String> {
        crate::held::to_string(&T::list(t)[at]).map_err(|e| {
            StoreError::Invalid(format!("a {} record could not be kept: {e}", T::KIND))
        })
    }
    struct Rows<'a> {
        t: &'a ReturnTables,
        year: Option<i64>,
        out: Vec<TableRow<'a>>,
    }
    impl EachKind for Rows<'_> {
        fn each<T: TableRecord>(&mut self) {
            let t = self.t;
            for (at, r) in T::list(t).iter().enumerate() {
                self.out.push(TableRow {
                    tables: t,
                    child: r.child(),
                    kind: T::KIND,
                    key: r.key(),
                    at,
                    json: json::<T>,
                    year: self.year,
                });
            }
        }
    }
    let mut rows = Rows {
        t,
        year: source_year,
        out: Vec::with_capacity(t.len()),
    };
    each_kind(&mut rows);
    rows.out
}

/// Adds a stored record of `kind` (as JSON) to `t`; `table` names where it
/// was read for the error.
pub(crate) fn add_table_record(
    t: &mut ReturnTables,
    kind: &str,
    record: &str,
    table: &'static str,
) -> Result<()> {
    struct Add<'a> {
        t: &'a mut ReturnTables,
        kind: &'a str,
        record: &'a str,
        table: &'static str,
        result: Option<Result<()>>,
    }
    impl EachKind for Add<'_> {
        fn each<T: TableRecord>(&mut self) {
            if self.result.is_some() || self.kind != T::KIND {
                return;
            }
            self.result = Some(match serde_json::from_str::<T>(self.record) {
                Ok(r) => {
                    T::list_mut(self.t).push(r);
                    Ok(())
                }
                Err(e) => Err(StoreError::Corrupt {
                    table: self.table,
                    column: "record",
                    reason: e.to_string(),
                }),
            });
        }
    }
    let mut add = Add {
        t,
        kind,
        record,
        table,
        result: None,
    };
    each_kind(&mut add);
    add.result.unwrap_or_else(|| {
        Err(StoreError::Corrupt {
            table,
            column: "kind",
            reason: format!("{kind} is not a kind of record"),
        })
    })
}

/// The records of the other 903 tables of the `chosen` children (each list
/// sorted by child then key) and, when
/// `adoptions` is given, the adoption records (AD1, PlacedAdoption) of
/// those children too (`measures::Records::Care`: the adoption scorecard's
/// earlier years), in one statement; `held` is how many children the
/// database holds (`chunked`). With `adoptions` (a report's read), only
/// the kinds the measures read (`measures::RETURN_TABLES_READ`).
pub(super) async fn return_tables_with(
    conn: &mut Conn,
    chosen: &ChildFilter,
    adoptions: Option<&ChildFilter>,
    held: usize,
) -> Result<ReturnTables> {
    use footprint_domain::measures::RETURN_TABLES_READ;
    use footprint_domain::return_tables::{Adoption, AdoptionDecision, TableRecord};
    let mut t = ReturnTables::default();
    // A report's read: the kinds its measures read (constants of the
    // domain, so written into the statement as they are).
    let only = |column: &str| {
        if adoptions.is_some() {
            let kinds: Vec<String> = RETURN_TABLES_READ
                .iter()
                .map(|k| format!("'{k}'"))
                .collect();
            format!(" AND {column} IN ({})", kinds.join(", "))
        } else {
            String::new()
        }
    };
    if chunked(chosen, held) && adoptions.is_none_or(|care| chunked(care, held)) {
        // Most children's records (a report over the council): many rows
        // to a statement (`rows_in_chunks`), the children chosen here: an
        // adoption record by `adoptions` when given, any other by
        // `chosen`. A page's few children are read through the index.
        let (chosen, adoptions) = (chosen.id_set()?, adoptions.map(ChildFilter::id_set));
        let adoptions = adoptions.transpose()?;
        rows_in_chunks(
            conn,
            ("return_table_records", "child, kind, record", &only("kind")),
            3,
            |row| {
                let (child, kind) = (row[0].as_str(), row[1].as_str().unwrap_or(""));
                let keep = match &adoptions {
                    Some(care) if kind == Adoption::KIND || kind == AdoptionDecision::KIND => {
                        ChildFilter::keeps(Some(care).and_then(Option::as_ref), child)
                    }
                    _ => ChildFilter::keeps(chosen.as_ref(), child),
                };
                if keep {
                    let record = row[2].as_str().unwrap_or("");
                    add_table_record(&mut t, kind, record, "return_table_records")?;
                }
                Ok(())
            },
        )
        .await?;
        t.sort();
        return Ok(t);
    }
    let mut qb = QueryBuilder::<Db>::new("SELECT kind, record FROM return_table_records");
    match adoptions {
        None => chosen.push_where(&mut qb, "child"),
        Some(care) => {
            // ((kind not an adoption one AND chosen) OR (an adoption one
            // AND care)) AND a kind read: `chosen` is part of `care`.
            qb.push(" WHERE ((kind NOT IN (")
                .push_bind(Adoption::KIND)
                .push(", ")
                .push_bind(AdoptionDecision::KIND)
                .push(")");
            chosen.push_and(&mut qb, "child");
            qb.push(") OR (kind IN (")
                .push_bind(Adoption::KIND)
                .push(", ")
                .push_bind(AdoptionDecision::KIND)
                .push(")");
            care.push_and(&mut qb, "child");
            qb.push("))");
            qb.push(only("kind"));
        }
    }
    let mut bad: Option<StoreError> = None;
    each_row(conn, &mut qb, |row| {
        let kind: &str = row.try_get(0)?;
        let record: &str = row.try_get(1)?;
        if let Err(e) = add_table_record(&mut t, kind, record, "return_table_records") {
            bad.get_or_insert(e);
        }
        Ok(())
    })
    .await?;
    if let Some(e) = bad {
        return Err(e);
    }
    t.sort();
    Ok(t)
}
