//! Which database a command uses, and opening it.
//!
//! The URL comes from `--db URL`, else the environment variable
//! `FOOTPRINT_DB`, else `sqlite://footprint.db` (a file in the current
//! directory). See docs/storage.md for the URL forms.

use anyhow::Context;
use clap::Args;
use footprint_store::{DEFAULT_URL, Store, redact_url};

/// The environment variable naming the database.
pub const DB_ENV: &str = "FOOTPRINT_DB";

/// The `--db` option, shared by every command that uses the database.
#[derive(Debug, Clone, Default, Args)]
pub struct DbArgs {
    /// The database: sqlite://FILE or postgres://USER@HOST:PORT/DATABASE
    /// (default: $FOOTPRINT_DB, else sqlite://footprint.db).
    #[arg(long = "db", value_name = "URL")]
    pub db: Option<String>,
}

impl DbArgs {
    /// The database URL to use.
    pub fn url(&self) -> String {
        resolve_db_url(self.db.as_deref(), std::env::var(DB_ENV).ok().as_deref())
    }
}

/// `--db`, else `FOOTPRINT_DB`, else the default; empty values count as
/// absent.
pub fn resolve_db_url(arg: Option<&str>, env: Option<&str>) -> String {
    [arg, env]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or(DEFAULT_URL)
        .to_owned()
}

/// A runtime for one command (the store is async).
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Opens the database for normal use: it must exist and be migrated.
pub async fn open(url: &str) -> anyhow::Result<Store> {
    Store::open(url)
        .await
        .with_context(|| format!("database {}", redact_url(url)))
}

/// The council's local authority code held in the database's settings
/// (`footprint_interchange::returns::check_options`), for the 903 rules
/// comparing the placement's local authority with the council's (1015,
/// 411): `None` when none is held or the database cannot be opened (checking
/// a return needs no database; an import then says why it cannot write);
/// an error when the settings held do not parse.
pub fn council_local_authority(db: &DbArgs) -> anyhow::Result<Option<String>> {
    // No SQLite file, no database to open: said without starting a runtime
    // and a connection (whose code alone took a validation's peak 2.5 MB
    // higher: `docs/benchmarks.md`, sixteenth round).
    let url = db.url();
    if footprint_store::sqlite_file(&url).is_some_and(|file| !file.exists()) {
        return Ok(None);
    }
    let rt = runtime()?;
    rt.block_on(async {
        let Ok(store) = open(&url).await else {
            return Ok(None);
        };
        let options = footprint_interchange::returns::check_options(&store).await;
        store.close().await;
        Ok(options
            .context("the council's settings in the database")?
            .local_authority)
    })
}

/// The audit log's actor for a command run from the shell: `cli:` and the
/// operating-system user.
pub fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".to_owned());
    format!("cli:{user}")
}

/// Records a command's bulk read or change of children's records in the
/// audit log (one row per run: what, which year, how many records; no
/// personal data).
pub async fn audit_cli(store: &Store, action: &str, detail: &str) -> anyhow::Result<()> {
    store
        .audit(&cli_actor(), action, None, detail)
        .await
        .with_context(|| format!("cannot write the audit log entry for {action}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_wins_then_the_environment_then_the_default() {
        assert_eq!(
            resolve_db_url(Some("sqlite://a.db"), Some("sqlite://b.db")),
            "sqlite://a.db"
        );
        assert_eq!(resolve_db_url(None, Some("sqlite://b.db")), "sqlite://b.db");
        assert_eq!(
            resolve_db_url(Some(""), Some("sqlite://b.db")),
            "sqlite://b.db"
        );
        assert_eq!(resolve_db_url(None, Some("  ")), DEFAULT_URL);
        assert_eq!(resolve_db_url(None, None), "sqlite://footprint.db");
    }
}
