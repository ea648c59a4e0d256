//! `footprint migrate`: create the database or bring its schema up to date,
//! and seed the bank-holiday table from the bundled calendar when empty.

use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_store::{Store, redact_url};

use crate::common::finish;
use crate::db::{DbArgs, runtime};

/// Safe to run at any time: it does nothing when the schema is current, and
/// refuses a database made by a newer footprint.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: MigrateArgs) -> ExitCode {
    finish(
        runtime()
            .and_then(|rt| rt.block_on(migrate(&args.db.url())))
            .map(|msg| println!("{msg}")),
    )
}

/// Migrates the database at `url`; returns what was done, in words.
pub async fn migrate(url: &str) -> anyhow::Result<String> {
    let shown = redact_url(url);
    let store = Store::connect(url)
        .await
        .with_context(|| format!("database {shown}"))?;
    let report = store
        .migrate()
        .await
        .with_context(|| format!("migrating {shown}"))?;
    let seeded = store
        .seed_bank_holidays(&WorkingDayCalendar::england_and_wales())
        .await
        .context("seeding the bank holidays")?;
    store.close().await;
    let mut msg = if report.from == report.to {
        format!("{shown}: schema already at version {}", report.to)
    } else {
        format!(
            "{shown}: schema migrated from version {} to {}",
            report.from, report.to
        )
    };
    if seeded {
        msg.push_str("; bank holidays seeded from the bundled England and Wales calendar");
    }
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_then_reports_nothing_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/fp.db", dir.path().display());
        let rt = runtime().unwrap();
        let first = rt.block_on(migrate(&url)).unwrap();
        assert!(first.contains("from version 0 to"), "{first}");
        assert!(first.contains("bank holidays seeded"), "{first}");
        let second = rt.block_on(migrate(&url)).unwrap();
        assert!(second.contains("already at version"), "{second}");
        assert!(!second.contains("seeded"), "{second}");
        let store = rt.block_on(Store::open(&url)).unwrap();
        assert!(rt.block_on(store.calendar()).unwrap().is_some());
    }
}
