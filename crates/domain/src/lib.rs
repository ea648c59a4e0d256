//! The pure domain core of Footprint.
//!
//! Everything here is plain Rust with no I/O and no async: the storage, 903
//! interchange, report and web layers all stand on it. Names follow the
//! council's own words: period of care, episode, review, participation code.

pub mod calendar;
pub mod case_records;
pub mod codes;
pub mod daily;
pub mod dates;
pub mod entries;
pub mod health_education;
pub mod letter;
pub mod lists;
pub mod measures;
pub mod model;
pub mod parallel;
pub mod periods;
pub mod readability;
pub mod return_tables;
pub mod returns;
pub mod review_record;
pub mod schedule;
