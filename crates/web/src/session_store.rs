//! tower-sessions' store on Footprint's own database (the store crate's
//! `sessions` table), so sessions survive a restart and need no second
//! database driver.

use async_trait::async_trait;
use footprint_store::{SessionRow, Store};
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

/// Sessions kept in the Footprint database.
#[derive(Clone)]
pub struct DbSessionStore {
    store: Store,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

impl DbSessionStore {
    pub fn new(store: Store) -> Self {
        DbSessionStore { store }
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

fn to_row(record: &Record) -> Result<SessionRow> {
    Ok(SessionRow {
        id: record.id.to_string(),
        data: serde_json::to_vec(&record.data).map_err(|e| Error::Encode(e.to_string()))?,
        expiry: record.expiry_date.unix_timestamp(),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A fresh id until one is free (a collision of random 128-bit ids is
        // all but impossible, but cheap to rule out).
        for _ in 0..8 {
            let row = to_row(record)?;
            if self.store.session_create(&row).await.map_err(backend)? {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(Error::Backend(
            "could not find a free session id".to_owned(),
        ))
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.store
            .session_save(&to_row(record)?)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let Some(row) = self
            .store
            .session_load(&id.to_string(), now)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let expiry_date = OffsetDateTime::from_unix_timestamp(row.expiry)
            .map_err(|e| Error::Decode(e.to_string()))?;
        if expiry_date <= OffsetDateTime::now_utc() {
            self.store.session_delete(&row.id).await.map_err(backend)?;
            return Ok(None);
        }
        let data = serde_json::from_slice(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.store
            .session_delete(&id.to_string())
            .await
            .map_err(backend)
    }
}
