//! The application's clock: real time in production, a settable one in tests
//! so that session expiry and "today" can be tested without waiting.

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};

/// Where the application reads the time from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in England (UK local time is within an hour of UTC; a
    /// review's day is taken from UTC, which differs only in the first hour
    /// after midnight in summer).
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved, for tests and demos.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }

    /// Moves the clock on.
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }
}

/// Real time moved to another day, for `footprint serve --as-of` and the
/// demo: "today" is `day` from the moment the server starts, and the clock
/// runs on from there at the real rate (so sessions still expire), so a
/// demonstration, a test or a re-run of last month's figures sees the same
/// day.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    offset: chrono::Duration,
}

impl ShiftedClock {
    /// A clock whose today is `day`, at the real time of day.
    pub fn starting_on(day: NaiveDate) -> Self {
        let now = Utc::now();
        ShiftedClock {
            offset: day.and_time(now.time()).and_utc() - now,
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod shifted_tests {
    use super::*;

    #[test]
    fn a_shifted_clock_starts_on_its_day_and_runs_on() {
        let day = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let c = ShiftedClock::starting_on(day);
        let a = c.now();
        // Today is the pinned day unless the real clock crosses midnight
        // between these two lines.
        assert!(c.today() == day || c.today() == day.succ_opt().unwrap());
        assert!(c.now() >= a);
    }
}
