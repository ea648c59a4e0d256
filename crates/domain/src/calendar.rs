//! Working days for England and Wales.
//!
//! A working day is Monday to Friday except an England and Wales bank holiday
//! (`measures.md`, Conventions). The bank holidays are data, not code: the
//! bundled list (`data/bank-holidays-england-wales.csv`) can be extended from
//! the GOV.UK bank-holidays JSON with [`WorkingDayCalendar::merge_govuk_json`].
//!
//! The calendar only answers for the whole years it covers (from the first to
//! the last year with a holiday listed). A date outside them is an error,
//! [`CalendarError::OutsideCoverage`], never a guess: future years can still
//! gain holidays by proclamation (2022 and 2023 both did).
//!
//! Every query is O(1): the calendar keeps, for each day it covers, the number
//! of working days up to it, and the list of working days in order.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use crate::dates::parse_iso_date;

/// A bank holiday as listed: its title (e.g. "Boxing Day (substitute day)")
/// and a note on what is special about it, empty for an ordinary one
/// ("substitute", "additional (Platinum Jubilee)", ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankHoliday {
    pub date: NaiveDate,
    pub title: String,
    pub special: String,
}

/// Something wrong with the calendar data, or a date it cannot answer for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date is not in a year the bank-holiday list covers.
    #[error(
        "{date} is outside the bank-holiday calendar, which covers {first_year} to {last_year}, \
         so working days there are not known; add the bank holidays for {year} \
         (footprint calendar import)",
        year = date.format("%Y")
    )]
    OutsideCoverage {
        date: NaiveDate,
        first_year: i32,
        last_year: i32,
    },
    /// A line of the CSV could not be read.
    #[error("bank-holiday CSV line {line}: `{value}`: {reason}")]
    Csv {
        line: usize,
        value: String,
        reason: String,
    },
    /// The GOV.UK JSON could not be read.
    #[error("GOV.UK bank-holidays JSON: {0}")]
    Json(String),
    /// An event in the GOV.UK JSON could not be read.
    #[error("GOV.UK bank-holidays JSON, england-and-wales event {index}: `{value}`: {reason}")]
    JsonEvent {
        index: usize,
        value: String,
        reason: String,
    },
    /// No holidays at all.
    #[error("the bank-holiday list is empty")]
    Empty,
    /// A year inside the span has no holiday listed: the list has a hole, and
    /// working days in that year would be guesses.
    #[error(
        "no bank holidays are listed for {year}, between {first_year} and {last_year}: \
         the list is incomplete"
    )]
    MissingYear {
        year: i32,
        first_year: i32,
        last_year: i32,
    },
}

/// What [`WorkingDayCalendar::merge_govuk_json`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeSummary {
    /// Holidays that were not in the calendar and have been added.
    pub added: usize,
    /// Holidays that were already there (left unchanged).
    pub unchanged: usize,
    /// The dates added, in order.
    pub added_dates: Vec<NaiveDate>,
    /// The years now covered.
    pub first_year: i32,
    pub last_year: i32,
}

/// The England and Wales working-day calendar over a span of whole years.
#[derive(Debug, Clone)]
pub struct WorkingDayCalendar {
    holidays: BTreeMap<NaiveDate, (String, String)>,
    first_year: i32,
    last_year: i32,
    /// Day number (days from CE) of 1 January of `first_year`.
    origin: i32,
    /// `cumulative[i]` = working days in the first `i` days of the span, so
    /// `cumulative.len()` = days in the span + 1.
    cumulative: Vec<u32>,
    /// The offsets (from `origin`) of the working days, in order.
    working: Vec<u32>,
}

impl PartialEq for WorkingDayCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.holidays == other.holidays
    }
}

impl Eq for WorkingDayCalendar {}

const CSV_HEADER: &str = "date,weekday,title,special";
static BUNDLED: &str = include_str!("../../../data/bank-holidays-england-wales.csv");

impl WorkingDayCalendar {
    /// The bundled England and Wales calendar (2015–2027 as shipped).
    pub fn england_and_wales() -> Self {
        static CAL: OnceLock<WorkingDayCalendar> = OnceLock::new();
        CAL.get_or_init(|| {
            Self::from_csv(BUNDLED).expect("the bundled bank-holiday CSV is valid (tested)")
        })
        .clone()
    }

    /// A calendar from holidays (date, title, special); the covered years are
    /// those from the first to the last holiday's year.
    pub fn from_holidays(
        holidays: impl IntoIterator<Item = BankHoliday>,
    ) -> Result<Self, CalendarError> {
        let map = holidays
            .into_iter()
            .map(|h| (h.date, (h.title, h.special)))
            .collect();
        Self::build(map)
    }

    /// Reads the CSV form `date,weekday,title,special` (header required,
    /// dates `yyyy-mm-dd`, weekday `Mon`..`Sun` matching the date, title not
    /// empty, special optional). Fields may be double-quoted. Errors name the
    /// line (1 = the header) and the bad value.
    pub fn from_csv(text: &str) -> Result<Self, CalendarError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut map = BTreeMap::new();
        let mut header_seen = false;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let csv_err = |value: &str, reason: String| CalendarError::Csv {
                line: line_no,
                value: value.to_owned(),
                reason,
            };
            let fields = split_csv_line(line).map_err(|r| csv_err(line, r))?;
            if !header_seen {
                let header: Vec<String> = fields.iter().map(|f| f.trim().to_lowercase()).collect();
                if header != ["date", "weekday", "title", "special"] {
                    return Err(csv_err(line, format!("expected the header `{CSV_HEADER}`")));
                }
                header_seen = true;
                continue;
            }
            if fields.len() != 4 {
                return Err(csv_err(
                    line,
                    format!("expected 4 fields ({CSV_HEADER}), found {}", fields.len()),
                ));
            }
            let date =
                parse_iso_date(&fields[0]).map_err(|e| csv_err(&fields[0], e.to_string()))?;
            let weekday = weekday_abbrev(date.weekday());
            if fields[1] != weekday {
                return Err(csv_err(
                    &fields[1],
                    format!("{date} is a {weekday}, not a {}", fields[1]),
                ));
            }
            let title = fields[2].trim();
            if title.is_empty() {
                return Err(csv_err(line, "the title is empty".to_owned()));
            }
            let special = fields[3].trim().to_owned();
            if map.insert(date, (title.to_owned(), special)).is_some() {
                return Err(csv_err(&fields[0], "this date is listed twice".to_owned()));
            }
        }
        if !header_seen {
            return Err(CalendarError::Empty);
        }
        Self::build(map)
    }

    /// Writes the CSV form read by [`WorkingDayCalendar::from_csv`], one
    /// holiday a line in date order, with a header and a final newline.
    pub fn to_csv(&self) -> String {
        let mut out = String::with_capacity(64 * (self.holidays.len() + 1));
        out.push_str(CSV_HEADER);
        out.push('\n');
        for (date, (title, special)) in &self.holidays {
            let _ = writeln!(
                out,
                "{date},{},{},{}",
                weekday_abbrev(date.weekday()),
                csv_field(title),
                csv_field(special)
            );
        }
        out
    }

    /// Adds the England and Wales holidays of a GOV.UK bank-holidays JSON
    /// document (`{"england-and-wales":{"division":..,"events":[{"title",
    /// "date","notes","bunting"}..]},"scotland":..}`). Other divisions are
    /// ignored. A date already in the calendar is left as it is. The covered
    /// years grow to include the new holidays' years. On error the calendar is
    /// unchanged.
    pub fn merge_govuk_json(&mut self, json: &str) -> Result<MergeSummary, CalendarError> {
        #[derive(Deserialize)]
        struct Division {
            events: Vec<serde_json::Value>,
        }
        #[derive(Deserialize)]
        struct Event {
            title: String,
            date: String,
            #[serde(default)]
            notes: String,
        }

        let doc: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(json).map_err(|e| CalendarError::Json(e.to_string()))?;
        let division = doc.get("england-and-wales").ok_or_else(|| {
            CalendarError::Json("there is no \"england-and-wales\" division".to_owned())
        })?;
        let division: Division = serde_json::from_value(division.clone())
            .map_err(|e| CalendarError::Json(format!("england-and-wales: {e}")))?;

        let mut map = self.holidays.clone();
        let mut added_dates = Vec::new();
        let mut unchanged = 0;
        for (index, value) in division.events.into_iter().enumerate() {
            let event_err = |value: String, reason: String| CalendarError::JsonEvent {
                index,
                value,
                reason,
            };
            let event: Event = serde_json::from_value(value.clone())
                .map_err(|e| event_err(value.to_string(), e.to_string()))?;
            let date = parse_iso_date(&event.date)
                .map_err(|e| event_err(event.date.clone(), e.to_string()))?;
            let title = event.title.trim();
            if title.is_empty() {
                return Err(event_err(event.date, "the title is empty".to_owned()));
            }
            if map.contains_key(&date) {
                unchanged += 1;
                continue;
            }
            let notes = event.notes.trim();
            let special = if notes.eq_ignore_ascii_case("substitute day") {
                "substitute".to_owned()
            } else {
                notes.to_owned()
            };
            map.insert(date, (title.to_owned(), special));
            added_dates.push(date);
        }
        let merged = Self::build(map)?;
        *self = merged;
        added_dates.sort();
        Ok(MergeSummary {
            added: added_dates.len(),
            unchanged,
            added_dates,
            first_year: self.first_year,
            last_year: self.last_year,
        })
    }

    fn build(holidays: BTreeMap<NaiveDate, (String, String)>) -> Result<Self, CalendarError> {
        let (Some(first), Some(last)) = (holidays.keys().next(), holidays.keys().next_back())
        else {
            return Err(CalendarError::Empty);
        };
        let (first_year, last_year) = (first.year(), last.year());
        // Every year of the span must list something, or the list has a hole.
        let mut years = holidays.keys().map(|d| d.year()).peekable();
        for year in first_year..=last_year {
            while years.peek().is_some_and(|&y| y < year) {
                years.next();
            }
            if years.peek() != Some(&year) {
                return Err(CalendarError::MissingYear {
                    year,
                    first_year,
                    last_year,
                });
            }
        }

        let start = NaiveDate::from_ymd_opt(first_year, 1, 1).expect("1 January exists");
        let end = NaiveDate::from_ymd_opt(last_year, 12, 31).expect("31 December exists");
        let origin = start.num_days_from_ce();
        let days = (end.num_days_from_ce() - origin + 1) as usize;
        let mut cumulative = Vec::with_capacity(days + 1);
        let mut working = Vec::with_capacity(days * 5 / 7 + 1);
        cumulative.push(0);
        let mut count = 0u32;
        for (offset, day) in start.iter_days().take(days).enumerate() {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            if !weekend && !holidays.contains_key(&day) {
                count += 1;
                working.push(offset as u32);
            }
            cumulative.push(count);
        }
        Ok(Self {
            holidays,
            first_year,
            last_year,
            origin,
            cumulative,
            working,
        })
    }

    /// The first year covered.
    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    /// The last year covered.
    pub fn last_year(&self) -> i32 {
        self.last_year
    }

    /// Whether `d` is in a covered year.
    pub fn covers(&self, d: NaiveDate) -> bool {
        (self.first_year..=self.last_year).contains(&d.year())
    }

    /// The bank holidays, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = BankHoliday> + '_ {
        self.holidays.iter().map(|(d, (t, s))| BankHoliday {
            date: *d,
            title: t.clone(),
            special: s.clone(),
        })
    }

    /// The number of bank holidays listed.
    pub fn len(&self) -> usize {
        self.holidays.len()
    }

    /// Whether no holiday is listed (never true of a built calendar).
    pub fn is_empty(&self) -> bool {
        self.holidays.is_empty()
    }

    /// The title of the bank holiday on `d`, if it is one.
    pub fn holiday(&self, d: NaiveDate) -> Option<&str> {
        self.holidays.get(&d).map(|(t, _)| t.as_str())
    }

    fn outside(&self, date: NaiveDate) -> CalendarError {
        CalendarError::OutsideCoverage {
            date,
            first_year: self.first_year,
            last_year: self.last_year,
        }
    }

    /// The offset of `d` from 1 January of the first year, or an error.
    fn offset(&self, d: NaiveDate) -> Result<usize, CalendarError> {
        let off = d.num_days_from_ce() - self.origin;
        if off < 0 || off as usize + 1 >= self.cumulative.len() {
            return Err(self.outside(d));
        }
        Ok(off as usize)
    }

    /// The first day after the covered years.
    fn first_day_after(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.last_year + 1, 1, 1).unwrap_or(NaiveDate::MAX)
    }

    /// Whether `d` is a working day (Monday to Friday and not a bank holiday).
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.offset(d)?;
        Ok(self.cumulative[i + 1] > self.cumulative[i])
    }

    /// The `n`-th working day after `d` (`d` itself is not counted; `n` = 0
    /// gives `d`). An error if `d` or the answer is outside the covered years.
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let i = self.offset(d)?;
        if n == 0 {
            return Ok(d);
        }
        // cumulative[i + 1] working days are on or before d, so the answer is
        // working day number cumulative[i + 1] + n (1-based).
        let k = self.cumulative[i + 1] as usize + n as usize - 1;
        match self.working.get(k) {
            Some(&off) => Ok(self.date_at(off)),
            None => Err(self.outside(self.first_day_after())),
        }
    }

    /// The number of working days after `a` up to and including `b`;
    /// negative (minus the working days after `b` up to and including `a`) if
    /// `b` is before `a`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
        let i = self.offset(a)?;
        let j = self.offset(b)?;
        Ok(i64::from(self.cumulative[j + 1]) - i64::from(self.cumulative[i + 1]))
    }

    fn date_at(&self, offset: u32) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(self.origin + offset as i32)
            .expect("offset inside the covered span")
    }
}

/// `Mon`, `Tue`, ... as in the CSV.
fn weekday_abbrev(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Mon",
        Weekday::Tue => "Tue",
        Weekday::Wed => "Wed",
        Weekday::Thu => "Thu",
        Weekday::Fri => "Fri",
        Weekday::Sat => "Sat",
        Weekday::Sun => "Sun",
    }
}

/// Splits one CSV line (RFC 4180 quoting, no line breaks inside fields).
fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut at_field_start = true;
    loop {
        if at_field_start && chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err("a quoted field is not closed".to_owned()),
                }
            }
            match chars.next() {
                None => {
                    fields.push(std::mem::take(&mut field));
                    return Ok(fields);
                }
                Some(',') => {
                    fields.push(std::mem::take(&mut field));
                    at_field_start = true;
                    continue;
                }
                Some(_) => return Err("text after a closing quote".to_owned()),
            }
        }
        at_field_start = false;
        match chars.next() {
            None => {
                fields.push(field);
                return Ok(fields);
            }
            Some(',') => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            Some(c) => field.push(c),
        }
    }
}

/// Quotes a CSV field when it needs it; line breaks become spaces.
fn csv_field(s: &str) -> String {
    let s = s.replace(['\r', '\n'], " ");
    if s.contains([',', '"']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn bundled_calendar_loads() {
        let cal = WorkingDayCalendar::england_and_wales();
        assert_eq!(cal.len(), 107);
        assert_eq!((cal.first_year(), cal.last_year()), (2015, 2027));
        assert_eq!(
            cal.holiday(d(2022, 9, 19))
                .map(|t| t.contains("State Funeral")),
            Some(true)
        );
    }

    #[test]
    fn csv_round_trips() {
        let cal = WorkingDayCalendar::england_and_wales();
        let again = WorkingDayCalendar::from_csv(&cal.to_csv()).unwrap();
        assert_eq!(cal, again);
        assert_eq!(cal.to_csv(), BUNDLED.replace("\r\n", "\n"));
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(
            split_csv_line(r#"2030-01-01,Tue,"A, ""quoted"" day","#).unwrap(),
            vec!["2030-01-01", "Tue", r#"A, "quoted" day"#, ""]
        );
        assert_eq!(csv_field(r#"A, "q""#), r#""A, ""q""""#);
        assert!(split_csv_line(r#"x,"open"#).is_err());
    }

    #[test]
    fn index_agrees_with_a_day_by_day_walk() {
        let cal = WorkingDayCalendar::england_and_wales();
        let slow_is_working = |day: NaiveDate| {
            !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && cal.holiday(day).is_none()
        };
        let mut day = d(2015, 1, 1);
        while day <= d(2027, 12, 31) {
            assert_eq!(
                cal.is_working_day(day).unwrap(),
                slow_is_working(day),
                "{day}"
            );
            day = day.succ_opt().unwrap();
        }
        // add_working_days by walking, for a sample of starts.
        let mut start = d(2015, 1, 1);
        while start < d(2027, 11, 1) {
            let mut walk = start;
            for n in 1..=25u32 {
                walk = walk.succ_opt().unwrap();
                while !slow_is_working(walk) {
                    walk = walk.succ_opt().unwrap();
                }
                assert_eq!(
                    cal.add_working_days(start, n).unwrap(),
                    walk,
                    "{start} + {n}"
                );
                assert_eq!(cal.working_days_between(start, walk).unwrap(), i64::from(n));
                assert_eq!(
                    cal.working_days_between(walk, start).unwrap(),
                    -i64::from(n)
                );
            }
            start = start + chrono::Days::new(13);
        }
    }
}
