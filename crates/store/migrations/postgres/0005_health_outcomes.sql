-- Migration 5: health outcomes (903 OC2), one row per child and collection
-- year (the start year: 2021 for 2021-22), for children looked after
-- continuously for 12 months or more at 31 March. Flags are NULL where the
-- return left them blank. source_year is the return the row came from, as
-- for the other 903 records. The SQLite file has the same table.

CREATE TABLE health_outcomes (
    child                 TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    collection_year       BIGINT NOT NULL CHECK (collection_year BETWEEN 1900 AND 9999),
    sdq_score             BIGINT CHECK (sdq_score BETWEEN 0 AND 40),
    sdq_reason            TEXT,
    convicted             BOOLEAN,
    health_check          BOOLEAN,
    immunisations         BOOLEAN,
    teeth_check           BOOLEAN,
    health_assessment     BOOLEAN,
    substance_misuse      BOOLEAN,
    intervention_received BOOLEAN,
    intervention_offered  BOOLEAN,
    source_year           BIGINT,
    PRIMARY KEY (child, collection_year)
);

CREATE TRIGGER health_outcomes_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON health_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
