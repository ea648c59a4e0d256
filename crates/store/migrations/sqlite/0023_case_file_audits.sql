-- Migration 23: case file audits (issue 16, R20-K8 and R21-K3):
-- case_records takes the kind 'case_file_audit', an audit of a child's case
-- file requested (the day, by an IRO or the service manager, its theme from
-- the council's challenge themes), then completed (the day, the grade from
-- the quality grades, the findings as free text) or cancelled, in the body
-- as the domain's CaseRecord. Corrections are new versions, as for every
-- case record. SQLite cannot change a CHECK in place: the table is made
-- again with every row, its indexes and triggers (as migrations 16 and 21
-- made them). No table refers to case_records, so nothing is lost with it.
-- The PostgreSQL file changes the constraint.

CREATE TABLE case_records_widened (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN (
                   'secure_review', 'private_fostering_review', 'foster_carer_review',
                   'disruption_meeting', 'protection_plan', 'protection_conference',
                   'life_story', 'advocacy', 'views', 'case_alert',
                   'private_fostering_notification', 'case_file_audit')),
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

INSERT INTO case_records_widened
    (id, kind, record_id, version, child, first_date, last_date, event, body,
     written_at, written_by, reason, changed)
SELECT id, kind, record_id, version, child, first_date, last_date, event, body,
       written_at, written_by, reason, changed
FROM case_records;

DROP TABLE case_records;
ALTER TABLE case_records_widened RENAME TO case_records;

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
