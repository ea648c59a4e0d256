//! `footprint backup --out FILE`: a consistent copy of a SQLite database,
//! taken while the app may be running (`VACUUM INTO`). PostgreSQL databases
//! are backed up with `pg_dump` (see docs/storage.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::common::finish;
use crate::db::{DbArgs, open, runtime};

/// Restore by copying the file back in place of the database while nothing
/// is using it (or point --db at the copy).
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write; it must not exist.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: BackupArgs) -> ExitCode {
    finish(
        runtime()
            .and_then(|rt| rt.block_on(backup(&args.db.url(), &args.out)))
            .map(|()| println!("backup written to {}", args.out.display())),
    )
}

pub async fn backup(url: &str, out: &Path) -> anyhow::Result<()> {
    let store = open(url).await?;
    store
        .backup_to(out)
        .await
        .with_context(|| format!("backup to {}", out.display()))?;
    store.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use footprint_store::Store;

    #[test]
    fn a_backup_opens_with_the_same_data_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/fp.db", dir.path().display());
        let out = dir.path().join("copy.db");
        let rt = runtime().unwrap();
        rt.block_on(async {
            let store = Store::open_and_migrate(&url).await.unwrap();
            store
                .set_setting("council", &serde_json::json!("Testshire"))
                .await
                .unwrap();
            store.close().await;
            backup(&url, &out).await.unwrap();
            let copy = Store::open(&format!("sqlite://{}", out.display()))
                .await
                .unwrap();
            assert_eq!(
                copy.setting("council").await.unwrap(),
                Some(serde_json::json!("Testshire"))
            );
            let err = backup(&url, &out).await.unwrap_err();
            assert!(format!("{err:#}").contains("already exists"), "{err:#}");
            // An unmigrated or missing database is refused before any copy.
            let missing = format!("sqlite://{}/none.db", dir.path().display());
            let err = backup(&missing, &dir.path().join("x.db"))
                .await
                .unwrap_err();
            assert!(format!("{err:#}").contains("footprint migrate"), "{err:#}");
        });
    }
}
