//! Conversions between domain values and the text/integer columns both
//! databases share. Errors name the table and column, never the value of a
//! date (it could be a date of birth).

use std::fmt::Display;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use footprint_domain::model::ChildId;

use crate::error::{Result, StoreError};

/// A date as stored: ISO `yyyy-mm-dd`.
pub(crate) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn opt_iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(iso)
}

pub(crate) fn date(table: &'static str, column: &'static str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt {
        table,
        column,
        reason: "not a yyyy-mm-dd date".to_owned(),
    })
}

pub(crate) fn opt_date(
    table: &'static str,
    column: &'static str,
    s: Option<String>,
) -> Result<Option<NaiveDate>> {
    s.map(|s| date(table, column, &s)).transpose()
}

/// A national code or other value parsed from its stored spelling.
pub(crate) fn code<T>(table: &'static str, column: &'static str, s: &str) -> Result<T>
where
    T: FromStr,
    T::Err: Display,
{
    s.parse().map_err(|e: T::Err| StoreError::Corrupt {
        table,
        column,
        reason: e.to_string(),
    })
}

pub(crate) fn opt_code<T>(
    table: &'static str,
    column: &'static str,
    s: Option<String>,
) -> Result<Option<T>>
where
    T: FromStr,
    T::Err: Display,
{
    s.map(|s| code(table, column, &s)).transpose()
}

pub(crate) fn child_id(table: &'static str, column: &'static str, s: &str) -> Result<ChildId> {
    code(table, column, s)
}

/// A value read with a `from_key` function (`AttendeeRole`, `QualityGrade`, ...).
pub(crate) fn key<T>(
    table: &'static str,
    column: &'static str,
    s: &str,
    from_key: impl Fn(&str) -> Option<T>,
) -> Result<T> {
    from_key(s).ok_or_else(|| StoreError::Corrupt {
        table,
        column,
        reason: format!("`{s}` is not a known value"),
    })
}

/// The current time as stored: RFC 3339 UTC with microseconds.
pub(crate) fn now() -> String {
    stamp(Utc::now())
}

pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn timestamp(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt {
            table,
            column,
            reason: format!("`{s}` is not an RFC 3339 timestamp"),
        })
}

/// A stored count (never negative) as `u64`.
pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A count for storage (saturating; counts never come near `i64::MAX`).
pub(crate) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_bad_ones_name_table_and_column() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(iso(d), "2024-02-29");
        assert_eq!(date("t", "c", "2024-02-29").unwrap(), d);
        let err = date("children", "date_of_birth", "2023-02-29").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("children.date_of_birth"), "{msg}");
        assert!(!msg.contains("2023"), "a bad date is not echoed: {msg}");
    }

    #[test]
    fn timestamps_round_trip() {
        let t = Utc::now();
        let back = timestamp("t", "c", &stamp(t)).unwrap();
        assert_eq!(back.timestamp_micros(), t.timestamp_micros());
        assert!(timestamp("t", "c", "yesterday").is_err());
    }
}
