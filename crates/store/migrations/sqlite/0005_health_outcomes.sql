-- Migration 5: health outcomes (903 OC2), one row per child and collection
-- year (the start year: 2021 for 2021-22), for children looked after
-- continuously for 12 months or more at 31 March. Flags are 0/1 or NULL
-- (left blank in the return). source_year is the return the row came from,
-- as for the other 903 records. The PostgreSQL file has the same table.

CREATE TABLE health_outcomes (
    child                 TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    collection_year       INTEGER NOT NULL CHECK (collection_year BETWEEN 1900 AND 9999),
    sdq_score             INTEGER CHECK (sdq_score BETWEEN 0 AND 40),
    sdq_reason            TEXT,
    convicted             INTEGER CHECK (convicted IN (0, 1)),
    health_check          INTEGER CHECK (health_check IN (0, 1)),
    immunisations         INTEGER CHECK (immunisations IN (0, 1)),
    teeth_check           INTEGER CHECK (teeth_check IN (0, 1)),
    health_assessment     INTEGER CHECK (health_assessment IN (0, 1)),
    substance_misuse      INTEGER CHECK (substance_misuse IN (0, 1)),
    intervention_received INTEGER CHECK (intervention_received IN (0, 1)),
    intervention_offered  INTEGER CHECK (intervention_offered IN (0, 1)),
    source_year           INTEGER,
    PRIMARY KEY (child, collection_year)
);

CREATE TRIGGER health_outcomes_insert_bumps_data_version AFTER INSERT ON health_outcomes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER health_outcomes_update_bumps_data_version AFTER UPDATE ON health_outcomes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER health_outcomes_delete_bumps_data_version AFTER DELETE ON health_outcomes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
