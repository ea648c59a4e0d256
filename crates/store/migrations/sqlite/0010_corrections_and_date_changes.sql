-- Migration 10: corrections kept as versions, and requests to change a
-- review's date.
--
-- record_versions: every correction of a record made in Footprint keeps the
-- version it replaced (as JSON), who replaced it, when and why, and the
-- names of the fields that changed. Append-only, like the audit log; no
-- foreign key: the history outlives the records.
CREATE TABLE record_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    child       TEXT NOT NULL,
    record      TEXT NOT NULL CHECK (record IN (
                    'review', 'midway_check', 'visit', 'allocation', 'challenge', 'name')),
    record_key  TEXT NOT NULL, -- the review's date, or the record's id
    replaced_at TEXT NOT NULL, -- RFC 3339 UTC
    replaced_by TEXT NOT NULL, -- a user name
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    changed     TEXT NOT NULL, -- field names, comma-separated
    earlier     TEXT NOT NULL  -- the version replaced, as JSON
);
CREATE INDEX record_versions_record ON record_versions(child, record, record_key);

CREATE TRIGGER record_versions_no_update BEFORE UPDATE ON record_versions
BEGIN
    SELECT RAISE(ABORT, 'record_versions is append-only: rows cannot be changed');
END;

CREATE TRIGGER record_versions_no_delete BEFORE DELETE ON record_versions
BEGIN
    SELECT RAISE(ABORT, 'record_versions is append-only: rows cannot be deleted');
END;

-- review_date_changes: a request to hold a child's next review on another
-- date (reason from the domain's DateChangeReason keys) and the manager's
-- decision. At most one request per child waits for a decision.
CREATE TABLE review_date_changes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    child        TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    requested_on TEXT NOT NULL CHECK (date(requested_on) = requested_on),
    proposed     TEXT NOT NULL CHECK (date(proposed) = proposed),
    reason       TEXT NOT NULL CHECK (reason IN (
                     'child_wishes', 'placement_move', 'court', 'attendance',
                     'iro_availability', 'other')),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   TEXT,
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
CREATE INDEX review_date_changes_child ON review_date_changes(child);
CREATE UNIQUE INDEX review_date_changes_one_pending ON review_date_changes(child)
    WHERE status = 'pending';

CREATE TRIGGER review_date_changes_insert_bumps_data_version AFTER INSERT ON review_date_changes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER review_date_changes_update_bumps_data_version AFTER UPDATE ON review_date_changes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER review_date_changes_delete_bumps_data_version AFTER DELETE ON review_date_changes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

-- challenge_notes: what a challenge is about, each response and the outcome,
-- in words (free text about the child: shown to IROs and the manager only,
-- never in the audit log or a report). Kept, never changed.
CREATE TABLE challenge_notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    challenge  INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('concern', 'response', 'outcome')),
    stage      TEXT, -- the stage a response answered
    body       TEXT NOT NULL CHECK (length(trim(body)) > 0),
    written_at TEXT NOT NULL,
    written_by TEXT NOT NULL
);
CREATE INDEX challenge_notes_challenge ON challenge_notes(challenge);
