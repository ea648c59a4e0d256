-- Migration 17: corrections of health assessments,
-- dental checks, SDQ scores, immunisation status and PEPs (issue 15) are
-- kept in record_versions like every other correction (migration 10), so
-- its `record` column takes their five kinds too (the store's
-- `corrections::RECORDS`). SQLite cannot change a CHECK in place: the
-- table is made again with every row, its index and its append-only
-- triggers. The PostgreSQL file changes the constraint.

CREATE TABLE record_versions_widened (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    child       TEXT NOT NULL,
    record      TEXT NOT NULL CHECK (record IN (
                    'review', 'midway_check', 'visit', 'allocation', 'challenge', 'name',
                    'health_assessment', 'dental_check', 'sdq_score', 'immunisation',
                    'education_plan')),
    record_key  TEXT NOT NULL, -- the review's date, or the record's id or key
    replaced_at TEXT NOT NULL, -- RFC 3339 UTC
    replaced_by TEXT NOT NULL, -- a user name
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    changed     TEXT NOT NULL, -- field names, comma-separated
    earlier     TEXT NOT NULL  -- the version replaced, as JSON
);

INSERT INTO record_versions_widened
    (id, child, record, record_key, replaced_at, replaced_by, reason, changed, earlier)
    SELECT id, child, record, record_key, replaced_at, replaced_by, reason, changed, earlier
    FROM record_versions;

DROP TABLE record_versions;
ALTER TABLE record_versions_widened RENAME TO record_versions;
CREATE INDEX record_versions_record ON record_versions(child, record, record_key);

CREATE TRIGGER record_versions_no_update BEFORE UPDATE ON record_versions
BEGIN
    SELECT RAISE(ABORT, 'record_versions is append-only: rows cannot be changed');
END;

CREATE TRIGGER record_versions_no_delete BEFORE DELETE ON record_versions
BEGIN
    SELECT RAISE(ABORT, 'record_versions is append-only: rows cannot be deleted');
END;
