-- Migration 18 (issue 16): the manager's words for a year's annual report
-- beyond the section texts of report_narratives: last year's action plan
-- and its progress, this year's action plan, "you said, we did", feedback
-- and quotes, and the service's posts and FTE
-- (footprint_report::words::Words, as JSON).
--
-- Nothing is overwritten: each save is a new version of the year's words,
-- with who saved it and when; the report reads the latest. The SQLite and
-- PostgreSQL files have the same table.
CREATE TABLE report_words (
    year        INTEGER NOT NULL, -- start year of the reporting year
    version     INTEGER NOT NULL CHECK (version >= 1),
    body        TEXT NOT NULL,    -- JSON
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (year, version)
);
