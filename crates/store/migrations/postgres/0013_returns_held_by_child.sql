-- Migration 13: each 903 return kept as it came, one row per child and
-- return instead of one per record (migration 9): `records` is the part of
-- the return about that child, as JSON with a list per table
-- (`footprint_domain::returns::ReturnRecords`: children, episodes, reviews,
-- missing, health_outcomes; a table added later reads as empty). A fifth of
-- the rows, each record's child not repeated, and one index fewer: what an
-- England-sized import spent most of its time writing (docs/benchmarks.md).
-- The records kept so far move over unchanged.
CREATE TABLE returns_held (
    collection_year BIGINT NOT NULL,
    child           TEXT NOT NULL,
    records         TEXT NOT NULL,
    PRIMARY KEY (child, collection_year)
);
CREATE INDEX returns_held_year ON returns_held(collection_year);
INSERT INTO returns_held (collection_year, child, records)
SELECT collection_year, child, jsonb_build_object(
    'children', COALESCE(jsonb_agg(record::jsonb) FILTER (WHERE kind = 'child'), '[]'::jsonb),
    'episodes', COALESCE(jsonb_agg(record::jsonb) FILTER (WHERE kind = 'episode'), '[]'::jsonb),
    'reviews', COALESCE(jsonb_agg(record::jsonb) FILTER (WHERE kind = 'review'), '[]'::jsonb),
    'missing', COALESCE(jsonb_agg(record::jsonb) FILTER (WHERE kind = 'missing'), '[]'::jsonb),
    'health_outcomes', COALESCE(jsonb_agg(record::jsonb) FILTER (WHERE kind = 'oc2'), '[]'::jsonb))::text
FROM return_records GROUP BY collection_year, child;
DROP TABLE return_records;
