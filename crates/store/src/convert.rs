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
    IsoDate::of(d).as_str().to_owned()
}

/// A date as stored, `yyyy-mm-dd`, without allocating: for binding and for
/// keys. Years outside 0–9999 (never stored: both databases check the form)
/// fall back to chrono's spelling, cut to ten bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct IsoDate([u8; 10]);

impl IsoDate {
    pub(crate) fn of(d: NaiveDate) -> IsoDate {
        use chrono::Datelike;
        let (y, m, day) = (d.year(), d.month(), d.day());
        let mut b = *b"0000-00-00";
        if (0..=9999).contains(&y) {
            let y = y as u32;
            b[0] = b'0' + (y / 1000) as u8;
            b[1] = b'0' + (y / 100 % 10) as u8;
            b[2] = b'0' + (y / 10 % 10) as u8;
            b[3] = b'0' + (y % 10) as u8;
            b[5] = b'0' + (m / 10) as u8;
            b[6] = b'0' + (m % 10) as u8;
            b[8] = b'0' + (day / 10) as u8;
            b[9] = b'0' + (day % 10) as u8;
        } else {
            let s = d.format("%Y-%m-%d").to_string();
            for (dst, src) in b.iter_mut().zip(s.bytes()) {
                *dst = src;
            }
        }
        IsoDate(b)
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits and '-' are written, or a prefix of chrono's
        // ASCII spelling.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

pub(crate) fn opt_iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(iso)
}

pub(crate) fn date(table: &'static str, column: &'static str, s: &str) -> Result<NaiveDate> {
    // The stored form, `dddd-dd-dd`, without chrono's format parser; anything
    // else goes through it (and so is accepted or refused exactly as before).
    let b = s.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        let n = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0'))
        };
        if let Some(d) = NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10)) {
            return Ok(d);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt {
        table,
        column,
        reason: "not a yyyy-mm-dd date".to_owned(),
    })
}

pub(crate) fn opt_date(
    table: &'static str,
    column: &'static str,
    s: Option<&str>,
) -> Result<Option<NaiveDate>> {
    s.map(|s| date(table, column, s)).transpose()
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
    s: Option<&str>,
) -> Result<Option<T>>
where
    T: FromStr,
    T::Err: Display,
{
    s.map(|s| code(table, column, s)).transpose()
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
    fn iso_dates_are_written_and_read_as_chrono_does() {
        let mut d = NaiveDate::from_ymd_opt(1899, 12, 25).unwrap();
        let end = NaiveDate::from_ymd_opt(2031, 1, 10).unwrap();
        while d < end {
            let chrono = d.format("%Y-%m-%d").to_string();
            assert_eq!(iso(d), chrono);
            assert_eq!(IsoDate::of(d).as_str(), chrono);
            assert_eq!(date("t", "c", &chrono).unwrap(), d);
            d += chrono::Duration::days(3);
        }
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-00-10",
            "2023-01-32",
            "2023-1-01",
        ] {
            assert_eq!(
                date("t", "c", bad).is_ok(),
                NaiveDate::parse_from_str(bad, "%Y-%m-%d").is_ok(),
                "{bad}"
            );
        }
        assert_eq!(IsoDate::of(d_(2024, 2, 29)).as_str(), "2024-02-29");
    }

    fn d_(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn timestamps_round_trip() {
        let t = Utc::now();
        let back = timestamp("t", "c", &stamp(t)).unwrap();
        assert_eq!(back.timestamp_micros(), t.timestamp_micros());
        assert!(timestamp("t", "c", "yesterday").is_err());
    }
}
