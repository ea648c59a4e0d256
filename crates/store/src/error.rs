//! The store's errors.

/// Everything that can go wrong in the store. Messages never contain a
/// child's name, date of birth or free text: at most a table, a column, a
/// child identifier and a short description.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is not one Footprint understands.
    #[error(
        "`{url}` is not a database URL Footprint understands: {reason} \
         (expected sqlite://FILE or postgres://USER@HOST:PORT/DATABASE)"
    )]
    BadUrl { url: String, reason: String },

    /// `Store::open` on a SQLite file that does not exist.
    #[error(
        "the database file {path} does not exist: run `footprint migrate --db {url}` to create it"
    )]
    Missing { path: String, url: String },

    /// The database schema is older than this binary (or empty).
    #[error(
        "the database schema is at version {found}, older than version {known} that this \
         footprint needs: run `footprint migrate` to bring it up to date"
    )]
    SchemaTooOld { found: i64, known: i64 },

    /// The database schema is newer than this binary knows.
    #[error(
        "the database schema is at version {found}, newer than version {known} that this \
         footprint knows: use a newer footprint binary (do not run an older one against it)"
    )]
    SchemaTooNew { found: i64, known: i64 },

    /// A value read back from the database is not what Footprint writes
    /// (the database was edited by hand or is damaged).
    #[error("unexpected value in {table}.{column}: {reason}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        reason: String,
    },

    /// A record the operation needs does not exist.
    #[error("{0} not found")]
    NotFound(String),

    /// The record already exists.
    #[error("{0} already exists")]
    AlreadyExists(String),

    /// The request contradicts what is stored (for example a reallocation
    /// dated before the current allocation began).
    #[error("{0}")]
    Invalid(String),

    /// The operation is not available on this kind of database.
    #[error("{0}")]
    Unsupported(String),

    /// An error from the database driver.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// Shorthand for the store's results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
