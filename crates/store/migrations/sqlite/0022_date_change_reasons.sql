-- Migration 22: the reason for a change of a review's date is the key of an
-- entry of the council's own list (the `date_change_reasons` setting, issue
-- 17), not one of six fixed keys, so the column's CHECK takes any key of
-- the shape the list gives (1 to 40 lower-case letters, digits or _). The
-- six keys held before are the list's default entries: every request held
-- reads as it did. SQLite cannot change a CHECK in place: the table is made
-- again with every row, its indexes and triggers (no table refers to it).

CREATE TABLE review_date_changes_widened (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    child        TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    requested_on TEXT NOT NULL CHECK (date(requested_on) = requested_on),
    proposed     TEXT NOT NULL CHECK (date(proposed) = proposed),
    -- the key of an entry of the council's list (`date_change_reasons`)
    reason       TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 40
                                      AND reason NOT GLOB '*[^a-z0-9_]*'),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   TEXT,
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    CHECK (decided_by IS NULL OR decided_by <> requested_by)
);

INSERT INTO review_date_changes_widened
    (id, child, requested_on, proposed, reason, status, requested_by, requested_at,
     decided_by, decided_at)
    SELECT id, child, requested_on, proposed, reason, status, requested_by, requested_at,
           decided_by, decided_at
    FROM review_date_changes;

DROP TABLE review_date_changes;
ALTER TABLE review_date_changes_widened RENAME TO review_date_changes;

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
