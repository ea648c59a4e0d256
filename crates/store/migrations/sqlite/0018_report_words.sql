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

-- A section text of report_narratives that a later save replaces is kept
-- here first (nothing the manager wrote is lost): the text as it was, when
-- it was written, and who replaced it when. Append-only.
CREATE TABLE report_narrative_versions (
    year        INTEGER NOT NULL, -- start year of the reporting year
    section     TEXT NOT NULL,
    body        TEXT NOT NULL,
    written_at  TEXT NOT NULL,
    replaced_by TEXT NOT NULL,
    replaced_at TEXT NOT NULL
);
CREATE INDEX report_narrative_versions_section
    ON report_narrative_versions (year, section);
