//! The store's tests. Each case runs on SQLite and on PostgreSQL (when
//! `FOOTPRINT_TEST_POSTGRES` is set; see `.ci/postgres.sh`).

mod common;
mod fixtures;

mod case_records;
mod changes;
mod corrections;
mod crash;
mod dataset;
mod health;
mod health_education;
mod import;
mod lists;
mod names;
mod records;
mod returns;
mod review_records;
mod roundtrip;
mod schema;
mod scoped;
mod siblings;
mod users;
