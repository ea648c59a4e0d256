-- Migration 19: the reason a review was held late is the key of an entry of
-- the council's own list (the `late_reasons` setting, issue 17), not one
-- of ten fixed keys, so the column's CHECK takes any key of the shape the
-- list gives (1 to 40 lower-case letters, digits or _); and a review graded
-- inadequate holds the reason for the grade, a key of the council's list
-- `inadequate_reasons` (issue 16, `quality.inadequate_by_reason`). SQLite cannot
-- change a CHECK in place: the table is made again with every row, its
-- indexes and triggers. Dropping it deletes the rows of review_attendance
-- and recommendations (ON DELETE CASCADE), so they are kept aside and put
-- back. (0019 is another change's number.) The PostgreSQL file changes the
-- constraint.

CREATE TEMP TABLE kept_review_attendance AS SELECT * FROM review_attendance;
CREATE TEMP TABLE kept_recommendations AS SELECT * FROM recommendations;

CREATE TABLE reviews_widened (
    child             TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    review_date       TEXT NOT NULL CHECK (date(review_date) = review_date),
    participation     TEXT,
    source_year       INTEGER,
    -- IRO details (has_details = 0: known only from a 903 import)
    has_details       INTEGER NOT NULL DEFAULT 0 CHECK (has_details IN (0, 1)),
    chair             TEXT REFERENCES iros(id),
    kind              TEXT CHECK (kind IN ('statutory', 'additional')),
    sw_report_status  TEXT CHECK (sw_report_status IN ('not_recorded', 'received', 'not_received')),
    sw_report_date    TEXT CHECK (date(sw_report_date) = sw_report_date),
    decisions_issued  TEXT CHECK (date(decisions_issued) = decisions_issued),
    record_circulated TEXT CHECK (date(record_circulated) = record_circulated),
    quality           TEXT,
    -- why it was held after its statutory due date: the key of an entry of
    -- the council's list (`late_reasons`)
    late_reason       TEXT CHECK (length(late_reason) BETWEEN 1 AND 40
                                  AND late_reason NOT GLOB '*[^a-z0-9_]*'),
    -- why it was graded inadequate: the key of an entry of the council's
    -- list (`inadequate_reasons`)
    inadequate_reason TEXT CHECK (length(inadequate_reason) BETWEEN 1 AND 40
                                  AND inadequate_reason NOT GLOB '*[^a-z0-9_]*'),
    PRIMARY KEY (child, review_date)
);

INSERT INTO reviews_widened
    (child, review_date, participation, source_year, has_details, chair, kind,
     sw_report_status, sw_report_date, decisions_issued, record_circulated, quality,
     late_reason)
    SELECT child, review_date, participation, source_year, has_details, chair, kind,
           sw_report_status, sw_report_date, decisions_issued, record_circulated, quality,
           late_reason
    FROM reviews;

DROP TABLE reviews;
ALTER TABLE reviews_widened RENAME TO reviews;

CREATE INDEX reviews_review_date ON reviews(review_date);
CREATE INDEX reviews_outstanding ON reviews(child)
    WHERE has_details = 1 AND (decisions_issued IS NULL OR record_circulated IS NULL);

CREATE TRIGGER reviews_insert_bumps_data_version AFTER INSERT ON reviews
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER reviews_update_bumps_data_version AFTER UPDATE ON reviews
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER reviews_delete_bumps_data_version AFTER DELETE ON reviews
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

INSERT INTO review_attendance SELECT * FROM kept_review_attendance;
INSERT INTO recommendations SELECT * FROM kept_recommendations;
DROP TABLE kept_review_attendance;
DROP TABLE kept_recommendations;
