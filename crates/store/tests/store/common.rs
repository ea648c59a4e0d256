//! The test harness: every test runs against a fresh SQLite file and, when
//! `FOOTPRINT_TEST_POSTGRES` names a server, a fresh PostgreSQL database
//! (created with a random name, dropped after).

use std::future::Future;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use footprint_store::{DbKind, Store};
use sqlx::Connection as _;

pub const PG_ENV: &str = "FOOTPRINT_TEST_POSTGRES";
/// When set (CI), a missing `FOOTPRINT_TEST_POSTGRES` fails the PostgreSQL
/// tests instead of skipping them.
pub const REQUIRE_PG_ENV: &str = "FOOTPRINT_REQUIRE_POSTGRES";

/// Where a test's databases live; `another()` makes more of the same kind.
pub struct Env {
    pub kind: DbKind,
    pub store: Store,
    pub url: String,
    pub dir: PathBuf,
    _tmp: Arc<tempfile::TempDir>,
    pg_admin: Option<String>,
    created: Arc<Mutex<Vec<String>>>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "fp_test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The admin URL with its database replaced by `db`.
fn pg_url_for(admin: &str, db: &str) -> String {
    let base = admin.split('?').next().unwrap_or(admin);
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    match base[scheme_end..].rfind('/') {
        Some(i) => format!("{}/{db}", &base[..scheme_end + i]),
        None => format!("{base}/{db}"),
    }
}

async fn create_pg_database(admin: &str, created: &Mutex<Vec<String>>) -> String {
    let name = unique_name();
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("connect to the PostgreSQL test server");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    created.lock().unwrap().push(name.clone());
    pg_url_for(admin, &name)
}

impl Env {
    /// A fresh, empty (unmigrated) database URL of the same kind.
    pub async fn fresh_url(&self) -> String {
        match &self.pg_admin {
            None => format!("sqlite://{}/{}.db", self.dir.display(), unique_name()),
            Some(admin) => create_pg_database(admin, &self.created).await,
        }
    }

    /// Another fresh, migrated store of the same kind.
    pub async fn another(&self) -> Store {
        let url = self.fresh_url().await;
        Store::open_and_migrate(&url).await.expect("migrate")
    }

    /// Runs raw SQL on the test's database, bypassing the store (to tamper
    /// with it the way a person with a database client could).
    pub async fn raw(&self, sql: &str) -> Result<(), sqlx::Error> {
        raw_on(self.kind, &self.url, sql).await
    }
}

pub async fn raw_on(kind: DbKind, url: &str, sql: &str) -> Result<(), sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match kind {
        DbKind::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await?;
            sqlx::raw_sql(sql).execute(&mut c).await?;
        }
        DbKind::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await?;
            sqlx::raw_sql(sql).execute(&mut c).await?;
        }
    }
    Ok(())
}

pub async fn run_sqlite<F, Fut>(f: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    let tmp = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/test.db", tmp.path().display());
    let store = Store::open_and_migrate(&url).await.expect("migrate");
    let env = Env {
        kind: DbKind::Sqlite,
        store,
        url,
        dir: tmp.path().to_path_buf(),
        _tmp: Arc::new(tmp),
        pg_admin: None,
        created: Arc::default(),
    };
    f(env).await;
}

pub async fn run_postgres<F, Fut>(test: &str, f: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin = match std::env::var(PG_ENV) {
        Ok(url) if !url.is_empty() => url,
        _ => {
            if std::env::var_os(REQUIRE_PG_ENV).is_some() {
                panic!(
                    "{PG_ENV} is not set but {REQUIRE_PG_ENV} is: start one with .ci/postgres.sh"
                );
            }
            // Straight to stderr, past the test harness's capture, so that a
            // skipped PostgreSQL test is seen.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED (PostgreSQL) {test}: {PG_ENV} is not set; run `eval \"$(.ci/postgres.sh)\"`"
            );
            return;
        }
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let created: Arc<Mutex<Vec<String>>> = Arc::default();
    let url = create_pg_database(&admin, &created).await;
    let store = Store::open_and_migrate(&url).await.expect("migrate");
    let env = Env {
        kind: DbKind::Postgres,
        store,
        url,
        dir: tmp.path().to_path_buf(),
        _tmp: Arc::new(tmp),
        pg_admin: Some(admin.clone()),
        created: created.clone(),
    };
    let outcome = tokio::spawn(f(env)).await;
    let names = created.lock().unwrap().clone();
    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
        for name in names {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await;
        }
    }
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(p) => std::panic::resume_unwind(p),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
}

/// One test case, run on both databases: `both!(name);` expects
/// `async fn name(env: Env)` in scope and makes `name::sqlite` and
/// `name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::common::run_sqlite(super::$name).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::common::run_postgres(module_path!(), super::$name).await
            }
        }
    };
}
