//! The repositories, written once and compiled twice: `lib.rs` loads this
//! folder as `sqlite::repositories` (`Db` = `sqlx::Sqlite`) and as
//! `postgres::repositories` (`Db` = `sqlx::Postgres`). The SQL is the
//! dialect both share: `$N` placeholders (SQLite accepts them),
//! `INSERT ... ON CONFLICT ... DO UPDATE`, `RETURNING`, dates as ISO text,
//! integers as 64-bit. Where the dialects differ the code branches on
//! `POSTGRES`.
//!
//! One module per aggregate, each holding the SQL for its tables:
//!
//! | module | tables |
//! |---|---|
//! | `common` | (pool and transaction types, bulk insert, existence checks, shared column lists) |
//! | `schema` | `schema_version`, `data_version` (migrations, integrity check, backup) |
//! | `children` | `children`, `child_names`, `episodes`, `missing_episodes`, `health_outcomes`, `sibling_groups` |
//! | `reviews` | `reviews`, `review_attendance`, `recommendations` |
//! | `iros` | `iros`, `allocations`, `midway_checks`, `iro_visits` |
//! | `challenges` | `challenges`, `challenge_themes`, `challenge_stages` |
//! | `users` | `users`, `sessions` |
//! | `audit` | `audit_log` |
//! | `review_documents` | `review_documents` (a review's record and the letter to the child, as versions), `review_circulation` (what was sent to whom) |
//! | `corrections` | `record_versions` (corrections kept as versions), `review_date_changes` |
//! | `imports` | `import_runs`, `import_problems`; the 903 import and `replace_dataset` (every child-keyed table) |
//! | `settings` | `settings`, `report_narratives`, `report_words`, `bank_holidays` |
//! | `return_tables` | `return_table_records` (OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes, DoLo) |
//! | `case_records` | `case_records` (secure accommodation, private fostering and foster carer reviews, disruption meetings, child protection plans and conferences, life story, advocacy, views, case alerts; as versions) |
//! | `health_education` | `health_assessments`, `dental_checks`, `sdq_scores`, `immunisations`, `education_plans` |
//! | `dataset` | the whole dataset, read from every table above |
//!
//! Each module's `pub(crate)` functions are what `Store` calls; `pub(super)`
//! items are shared between modules.

use super::{Db, POSTGRES};

// First: its column-list macros are used by the modules after it.
#[macro_use]
mod common;

mod audit;
mod case_records;
mod challenges;
mod children;
mod corrections;
mod dataset;
mod health_education;
mod imports;
mod iros;
mod jsonrow;
mod return_tables;
mod review_documents;
mod reviews;
mod schema;
mod settings;
mod users;

pub(crate) use self::{
    audit::*, case_records::*, challenges::*, children::*, common::*, corrections::*, dataset::*,
    health_education::*, imports::*, iros::*, return_tables::*, review_documents::*, reviews::*,
    schema::*, settings::*, users::*,
};
