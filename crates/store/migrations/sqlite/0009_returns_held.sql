-- Migration 9: every 903 return kept as it came. The council's 903 records
-- (children, episodes, reviews, missing_episodes, health_outcomes with a
-- source_year) are derived from all the returns held
-- (footprint_domain::returns::derive; docs/ssda903.md "Returns held").
-- One row per record of a return: kind is child, episode, review, missing
-- or oc2, record the record as JSON. A return imported again replaces the
-- rows of its year. Filled from the records held on the first import after
-- this migration.
CREATE TABLE return_records (
    collection_year INTEGER NOT NULL,
    child           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    record          TEXT NOT NULL
);
CREATE INDEX return_records_child ON return_records(child, collection_year);
CREATE INDEX return_records_year ON return_records(collection_year);
