-- Migration 16: the other records the reports need beyond the 903
-- (issue 15, second slice): secure accommodation, private fostering and
-- foster carer reviews, disruption meetings, child protection plans and
-- their review conferences, life-story work, advocacy, how the child's views
-- reached a review, and case alerts (the domain's `case_records`).
-- Their timescales are settings (`MeasureSettings::case_records`), not
-- columns. The PostgreSQL file has the same table, columns and keys.
--
-- case_records: every record is kept as versions, as review_documents keeps
-- a review's record (migration 14): each save is a new row with the whole
-- record (as JSON, the domain's CaseRecord), who, when, why and the fields
-- that changed; the latest version of (kind, record_id) is the record as it
-- stands. record_id is the case-management system's id (an import) or one
-- Footprint gave (a form). child is the one child the record is about, NULL
-- for a foster carer household's review (no child data) and a disruption
-- meeting (the children are in the body); first_date and last_date are the
-- days the record spans (last_date NULL: a plan or alert still open), for
-- the scoped reads. No foreign key: a private fostering child is not looked
-- after and so not in children.
--
-- Rows are never changed, and deleted only by replace_dataset (a bulk write
-- that replaces the whole council). Every write is council-wide for the
-- figures cache.
CREATE TABLE case_records (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN (
                   'secure_review', 'private_fostering_review', 'foster_carer_review',
                   'disruption_meeting', 'protection_plan', 'protection_conference',
                   'life_story', 'advocacy', 'views', 'case_alert')),
    record_id  TEXT NOT NULL CHECK (length(trim(record_id)) > 0),
    version    INTEGER NOT NULL CHECK (version >= 1),
    child      TEXT,
    first_date TEXT NOT NULL CHECK (date(first_date) = first_date),
    last_date  TEXT CHECK (date(last_date) = last_date),
    event      TEXT NOT NULL CHECK (event IN ('import', 'entry', 'correction')),
    body       TEXT NOT NULL, -- JSON
    written_at TEXT NOT NULL, -- RFC 3339 UTC
    written_by TEXT NOT NULL, -- a user name
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    changed    TEXT NOT NULL, -- field names, comma-separated
    CHECK ((child IS NULL) = (kind IN ('foster_carer_review', 'disruption_meeting'))),
    UNIQUE (kind, record_id, version)
);
CREATE INDEX case_records_child ON case_records(child);
CREATE INDEX case_records_dates ON case_records(first_date, last_date);

CREATE TRIGGER case_records_no_update BEFORE UPDATE ON case_records
BEGIN
    SELECT RAISE(ABORT, 'case_records is append-only: rows cannot be changed');
END;

CREATE TRIGGER case_records_no_delete BEFORE DELETE ON case_records
WHEN (SELECT NOT bulk_write FROM data_version WHERE id = 1)
BEGIN
    SELECT RAISE(ABORT, 'case_records is append-only: rows cannot be deleted');
END;

CREATE TRIGGER case_records_insert_bumps_data_version AFTER INSERT ON case_records
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;

CREATE TRIGGER case_records_delete_bumps_data_version AFTER DELETE ON case_records
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;
