//! Dates: calendar-month arithmetic, ages, reporting (collection) years and
//! strict date parsing.
//!
//! Conventions (see `measures.md`):
//! - [`add_months`] is the *corresponding date rule* (Interpretation Act 1978
//!   "month" = calendar month, *Dodds v Walker*): the same day number `n`
//!   months later, or the last day of that month when it is too short.
//! - A reporting year `YYYY-YY` runs from 1 April to 31 March, both inclusive.
//! - Dates are written `yyyy-mm-dd` (ISO) by machines and `dd/mm/yyyy` by the
//!   SSDA903 return and by people; both parsers are strict.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// `d` plus `n` calendar months by the corresponding date rule, clamped to the
/// end of a shorter month: 31 Aug 2021 + 6 = 28 Feb 2022, 31 Jan 2024 + 1 =
/// 29 Feb 2024, 29 Feb 2024 + 12 = 28 Feb 2025.
///
/// # Panics
/// Only if the result is past chrono's last representable date (year
/// 262,143); use [`checked_add_months`] where that can happen.
pub fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    checked_add_months(d, n).expect("date out of chrono's range")
}

/// [`add_months`], or `None` past chrono's last representable date.
pub fn checked_add_months(d: NaiveDate, n: u32) -> Option<NaiveDate> {
    // chrono clamps to the last day of the target month, which is exactly the
    // corresponding date rule.
    d.checked_add_months(Months::new(n))
}

/// The number of days in `month` (1–12) of `year`; 0 for a month out of range.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Age in completed years on date `d` of someone born on `dob` (0 if `d` is
/// before `dob`).
///
/// Someone born on 29 February has their birthday on **1 March** in a year
/// that is not a leap year (the usual reading in England and Wales, e.g. for
/// turning 18), so they are 17 on 28 Feb 2023 and 18 on 1 Mar 2023 if born on
/// 29 Feb 2005.
pub fn age_on(dob: NaiveDate, d: NaiveDate) -> u32 {
    if d <= dob {
        return 0;
    }
    let years = d.year() - dob.year();
    let birthday_this_year = if dob.month() == 2 && dob.day() == 29 && !is_leap_year(d.year()) {
        (3, 1)
    } else {
        (dob.month(), dob.day())
    };
    let before_birthday = (d.month(), d.day()) < birthday_this_year;
    let completed = if before_birthday { years - 1 } else { years };
    u32::try_from(completed).unwrap_or(0)
}

/// Writes a date as `dd/mm/yyyy`, the way people (and the 903) write it.
pub fn format_uk(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// Writes a date as `yyyy-mm-dd`.
pub fn format_iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

// ---------------------------------------------------------------------------
// Parsing

/// A date that could not be read. The message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateParseError {
    /// Not in the expected shape (wrong separators, digits missing, ...).
    #[error("`{input}` is not a date in the form {expected} (for example {example})")]
    Format {
        input: String,
        expected: &'static str,
        example: &'static str,
    },
    /// The right shape, but no such day (31/02/2020, month 13, ...).
    #[error("`{input}` is not a real date: {reason}")]
    NoSuchDate { input: String, reason: String },
}

const ISO: (&str, &str) = ("yyyy-mm-dd", "2023-01-18");
const UK: (&str, &str) = ("dd/mm/yyyy", "18/01/2023");

/// Reads a `yyyy-mm-dd` date, strictly: exactly four-digit year, two-digit
/// month and day (`2020-1-2` is an error), and a real day (`2020-02-30` is an
/// error). Surrounding spaces are not allowed either.
pub fn parse_iso_date(s: &str) -> Result<NaiveDate, DateParseError> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if !shape_ok {
        return Err(format_error(s, ISO));
    }
    let year = digits(&b[0..4]) as i32;
    let month = digits(&b[5..7]);
    let day = digits(&b[8..10]);
    make_date(s, year, month, day)
}

/// Reads a `dd/mm/yyyy` date (as the SSDA903 return writes them), strictly:
/// `1/2/2020` is an error, and so is `31/02/2020`.
pub fn parse_uk_date(s: &str) -> Result<NaiveDate, DateParseError> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[2] == b'/'
        && b[5] == b'/'
        && [0, 1, 3, 4, 6, 7, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if !shape_ok {
        return Err(format_error(s, UK));
    }
    let day = digits(&b[0..2]);
    let month = digits(&b[3..5]);
    let year = digits(&b[6..10]) as i32;
    make_date(s, year, month, day)
}

fn format_error(s: &str, (expected, example): (&'static str, &'static str)) -> DateParseError {
    DateParseError::Format {
        input: s.to_owned(),
        expected,
        example,
    }
}

fn digits(b: &[u8]) -> u32 {
    b.iter().fold(0, |acc, &c| acc * 10 + u32::from(c - b'0'))
}

fn make_date(s: &str, year: i32, month: u32, day: u32) -> Result<NaiveDate, DateParseError> {
    let no_such = |reason: String| DateParseError::NoSuchDate {
        input: s.to_owned(),
        reason,
    };
    if !(1..=12).contains(&month) {
        return Err(no_such(format!("there is no month {month}")));
    }
    let last = days_in_month(year, month);
    if day == 0 || day > last {
        return Err(no_such(format!(
            "{} {year} has days 1 to {last}",
            MONTH_NAMES[month as usize - 1]
        )));
    }
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| no_such("the year is out of range".to_owned()))
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The English name of a month (1 = January); `"?"` out of range.
pub fn month_name(month: u32) -> &'static str {
    month
        .checked_sub(1)
        .and_then(|i| MONTH_NAMES.get(i as usize))
        .copied()
        .unwrap_or("?")
}

// ---------------------------------------------------------------------------
// Reporting (collection) years

/// A reporting year `YYYY-YY`: 1 April YYYY to 31 March YYYY+1, both
/// inclusive (the SSDA903 collection year). Serialised as its name,
/// e.g. `"2021-22"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CollectionYear {
    start_year: i32,
}

/// A reporting-year name that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollectionYearError {
    #[error("`{0}` is not a reporting year: expected YYYY-YY, for example 2021-22")]
    Format(String),
    #[error("`{input}` is not a reporting year: the year after {start} is {start}-{expected:02}")]
    NotConsecutive {
        input: String,
        start: i32,
        expected: i32,
    },
}

impl CollectionYear {
    /// The reporting year starting on 1 April of `start_year`.
    pub const fn new(start_year: i32) -> Self {
        Self { start_year }
    }

    /// The calendar year in which it starts (2021 for `2021-22`).
    pub const fn start_year(self) -> i32 {
        self.start_year
    }

    /// 1 April of the start year.
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year, 4, 1).expect("1 April exists")
    }

    /// 31 March of the following year.
    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year + 1, 3, 31).expect("31 March exists")
    }

    /// Whether `d` is in this year (start and end inclusive).
    pub fn contains(self, d: NaiveDate) -> bool {
        self.start() <= d && d <= self.end()
    }

    /// The reporting year containing `d`.
    pub fn of(d: NaiveDate) -> Self {
        if d.month() >= 4 {
            Self::new(d.year())
        } else {
            Self::new(d.year() - 1)
        }
    }

    /// The year before.
    pub const fn previous(self) -> Self {
        Self::new(self.start_year - 1)
    }

    /// The year after.
    pub const fn next(self) -> Self {
        Self::new(self.start_year + 1)
    }

    /// The twelve `(calendar year, month)` pairs of the year, April first.
    pub fn months(self) -> [(i32, u32); 12] {
        std::array::from_fn(|i| {
            let m = (i as u32 + 3) % 12 + 1; // 4, 5, ..., 12, 1, 2, 3
            let y = if m >= 4 {
                self.start_year
            } else {
                self.start_year + 1
            };
            (y, m)
        })
    }

    /// The quarter of a reporting year that `d`'s month falls in (Q1 Apr–Jun,
    /// Q2 Jul–Sep, Q3 Oct–Dec, Q4 Jan–Mar). Only the month is looked at; use
    /// [`CollectionYear::contains`] to check that `d` is in this year.
    pub fn quarter_of(self, d: NaiveDate) -> Quarter {
        Quarter::of_month(d.month())
    }
}

impl fmt::Display for CollectionYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:02}",
            self.start_year,
            (self.start_year + 1).rem_euclid(100)
        )
    }
}

impl FromStr for CollectionYear {
    type Err = CollectionYearError;

    /// Reads `YYYY-YY` (e.g. `2021-22`); the second part must be the two last
    /// digits of the following year (`2021-23` and `21-22` are errors).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 7
            && b[4] == b'-'
            && [0, 1, 2, 3, 5, 6].iter().all(|&i| b[i].is_ascii_digit());
        if !shape_ok {
            return Err(CollectionYearError::Format(s.to_owned()));
        }
        let start = digits(&b[0..4]) as i32;
        let end = digits(&b[5..7]) as i32;
        let expected = (start + 1) % 100;
        if end != expected {
            return Err(CollectionYearError::NotConsecutive {
                input: s.to_owned(),
                start,
                expected,
            });
        }
        Ok(Self::new(start))
    }
}

impl TryFrom<String> for CollectionYear {
    type Error = CollectionYearError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<CollectionYear> for String {
    fn from(y: CollectionYear) -> Self {
        y.to_string()
    }
}

/// A quarter of a reporting year: Q1 Apr–Jun, Q2 Jul–Sep, Q3 Oct–Dec,
/// Q4 Jan–Mar. Serialised as `"Q1"` ... `"Q4"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Quarter {
    Q1,
    Q2,
    Q3,
    Q4,
}

impl Quarter {
    /// All four, in reporting-year order.
    pub const ALL: [Quarter; 4] = [Quarter::Q1, Quarter::Q2, Quarter::Q3, Quarter::Q4];

    /// The quarter a calendar month (1–12) falls in.
    pub fn of_month(month: u32) -> Self {
        match month {
            4..=6 => Quarter::Q1,
            7..=9 => Quarter::Q2,
            10..=12 => Quarter::Q3,
            _ => Quarter::Q4,
        }
    }

    /// `"Q1"` to `"Q4"`, as it is shown and keys a table's row (the
    /// [`fmt::Display`] text, without allocating).
    pub fn key(self) -> &'static str {
        ["Q1", "Q2", "Q3", "Q4"][self as usize]
    }

    /// 1 to 4.
    pub fn number(self) -> u32 {
        self as u32 + 1
    }

    /// The three `(calendar year, month)` pairs of this quarter in `year`.
    pub fn months(self, year: CollectionYear) -> [(i32, u32); 3] {
        let all = year.months();
        let i = (self.number() as usize - 1) * 3;
        [all[i], all[i + 1], all[i + 2]]
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(add_months(d(2021, 8, 31), 6), d(2022, 2, 28));
        assert_eq!(add_months(d(2024, 1, 31), 1), d(2024, 2, 29));
        assert_eq!(add_months(d(2023, 1, 31), 1), d(2023, 2, 28));
        assert_eq!(add_months(d(2021, 11, 30), 3), d(2022, 2, 28));
        assert_eq!(add_months(d(2024, 2, 29), 12), d(2025, 2, 28));
        assert_eq!(add_months(d(2023, 1, 10), 3), d(2023, 4, 10));
        assert_eq!(add_months(d(2023, 4, 5), 6), d(2023, 10, 5));
        assert_eq!(add_months(d(2022, 10, 31), 0), d(2022, 10, 31));
        assert_eq!(add_months(d(2022, 12, 15), 1), d(2023, 1, 15));
    }

    #[test]
    fn ages() {
        assert_eq!(age_on(d(2005, 6, 15), d(2023, 6, 14)), 17);
        assert_eq!(age_on(d(2005, 6, 15), d(2023, 6, 15)), 18);
        assert_eq!(age_on(d(2005, 6, 15), d(2005, 6, 15)), 0);
        assert_eq!(age_on(d(2005, 6, 15), d(2004, 1, 1)), 0);
        // 29 February birthdays are 1 March in other years.
        assert_eq!(age_on(d(2004, 2, 29), d(2022, 2, 28)), 17);
        assert_eq!(age_on(d(2004, 2, 29), d(2022, 3, 1)), 18);
        assert_eq!(age_on(d(2004, 2, 29), d(2024, 2, 28)), 19);
        assert_eq!(age_on(d(2004, 2, 29), d(2024, 2, 29)), 20);
    }

    #[test]
    fn strict_parsing() {
        assert_eq!(parse_iso_date("2020-01-02"), Ok(d(2020, 1, 2)));
        assert_eq!(parse_uk_date("01/02/2020"), Ok(d(2020, 2, 1)));
        assert_eq!(parse_uk_date("29/02/2020"), Ok(d(2020, 2, 29)));
        for bad in [
            "2020-1-2",
            "20200102",
            " 2020-01-02",
            "2020/01/02",
            "",
            "2020-01-0x",
        ] {
            let e = parse_iso_date(bad).unwrap_err();
            assert!(matches!(e, DateParseError::Format { .. }), "{bad}");
            assert!(e.to_string().contains("yyyy-mm-dd"), "{e}");
        }
        for bad in ["1/2/2020", "01/02/20", "01-02-2020", "2020-02-01"] {
            let e = parse_uk_date(bad).unwrap_err();
            assert!(e.to_string().contains("dd/mm/yyyy"), "{e}");
        }
        let e = parse_uk_date("31/02/2020").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`31/02/2020` is not a real date: February 2020 has days 1 to 29"
        );
        let e = parse_iso_date("2022-13-01").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`2022-13-01` is not a real date: there is no month 13"
        );
        assert!(parse_iso_date("2021-02-29").is_err());
        assert!(parse_uk_date("00/01/2020").is_err());
    }

    #[test]
    fn collection_years() {
        let y: CollectionYear = "2021-22".parse().unwrap();
        assert_eq!(y.to_string(), "2021-22");
        assert_eq!(y.start(), d(2021, 4, 1));
        assert_eq!(y.end(), d(2022, 3, 31));
        assert!(y.contains(d(2022, 3, 31)));
        assert!(!y.contains(d(2022, 4, 1)));
        assert!(!y.contains(d(2021, 3, 31)));
        assert_eq!(CollectionYear::of(d(2022, 3, 31)), y);
        assert_eq!(CollectionYear::of(d(2021, 4, 1)), y);
        assert_eq!(CollectionYear::of(d(2022, 4, 1)), y.next());
        assert_eq!(y.previous().to_string(), "2020-21");
        assert_eq!(
            "1999-00".parse::<CollectionYear>().unwrap().start_year(),
            1999
        );
        assert_eq!(CollectionYear::new(1999).to_string(), "1999-00");
        let months = y.months();
        assert_eq!(months[0], (2021, 4));
        assert_eq!(months[8], (2021, 12));
        assert_eq!(months[9], (2022, 1));
        assert_eq!(months[11], (2022, 3));
        assert_eq!(y.quarter_of(d(2021, 4, 1)), Quarter::Q1);
        assert_eq!(y.quarter_of(d(2021, 9, 30)), Quarter::Q2);
        assert_eq!(y.quarter_of(d(2021, 12, 31)), Quarter::Q3);
        assert_eq!(y.quarter_of(d(2022, 3, 31)), Quarter::Q4);
        assert_eq!(Quarter::Q4.months(y), [(2022, 1), (2022, 2), (2022, 3)]);

        for bad in [
            "2021-23",
            "21-22",
            "2021/22",
            "2021-2022",
            "2021-2",
            " 2021-22",
            "",
        ] {
            let e = bad.parse::<CollectionYear>().unwrap_err();
            assert!(e.to_string().contains("not a reporting year"), "{bad}: {e}");
        }
        assert_eq!(
            "2021-23".parse::<CollectionYear>().unwrap_err().to_string(),
            "`2021-23` is not a reporting year: the year after 2021 is 2021-22"
        );
    }

    #[test]
    fn collection_year_serde() {
        let y = CollectionYear::new(2023);
        assert_eq!(serde_json::to_string(&y).unwrap(), "\"2023-24\"");
        assert_eq!(
            serde_json::from_str::<CollectionYear>("\"2023-24\"").unwrap(),
            y
        );
        assert!(serde_json::from_str::<CollectionYear>("\"2023-25\"").is_err());
    }
}
