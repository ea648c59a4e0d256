-- Migration 9 (file 0012; numbered 9 until the migrations 0009-0011 of
-- other work are merged before it): the records the reports need beyond the
-- 903 (issue 15), first slice: health assessments (initial: requested and
-- done; review: done), dental checks, SDQ scores, immunisation status and
-- personal education plans (PEPs). Their timescales are settings
-- (`MeasureSettings::health_education`), not columns. Each table is keyed
-- by child, logs its changes in data_changes as the tables of migration 7
-- do, and is emptied with the child. The PostgreSQL file has the same tables.

CREATE TABLE health_assessments (
    id        INTEGER PRIMARY KEY,
    child     TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('initial', 'review')),
    requested TEXT CHECK (date(requested) = requested),
    done      TEXT CHECK (date(done) = done),
    CHECK (requested IS NULL OR kind = 'initial'),
    CHECK (kind = 'initial' OR done IS NOT NULL),
    CHECK (requested IS NOT NULL OR done IS NOT NULL),
    CHECK (requested IS NULL OR done IS NULL OR done >= requested)
);
CREATE INDEX health_assessments_child ON health_assessments(child);
-- One row per distinct record: an import that brings it again adds nothing.
CREATE UNIQUE INDEX health_assessments_record
    ON health_assessments(child, kind, COALESCE(requested, ''), COALESCE(done, ''));

CREATE TABLE dental_checks (
    child      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    check_date TEXT NOT NULL CHECK (date(check_date) = check_date),
    PRIMARY KEY (child, check_date)
);

CREATE TABLE sdq_scores (
    child    TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    sdq_date TEXT NOT NULL CHECK (date(sdq_date) = sdq_date),
    score    INTEGER NOT NULL CHECK (score BETWEEN 0 AND 40),
    PRIMARY KEY (child, sdq_date)
);

CREATE TABLE immunisations (
    child       TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    recorded_on TEXT NOT NULL CHECK (date(recorded_on) = recorded_on),
    up_to_date  INTEGER NOT NULL CHECK (up_to_date IN (0, 1)),
    PRIMARY KEY (child, recorded_on)
);

CREATE TABLE education_plans (
    child       TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    pep_date    TEXT NOT NULL CHECK (date(pep_date) = pep_date),
    school_year INTEGER NOT NULL CHECK (school_year BETWEEN 1900 AND 9999),
    term        TEXT NOT NULL CHECK (term IN ('autumn', 'spring', 'summer')),
    quality     TEXT CHECK (quality IN ('outstanding', 'good', 'requires_improvement', 'inadequate')),
    PRIMARY KEY (child, pep_date)
);

-- health_assessments
CREATE TRIGGER health_assessments_insert_bumps_data_version AFTER INSERT ON health_assessments
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER health_assessments_update_bumps_data_version AFTER UPDATE ON health_assessments
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER health_assessments_delete_bumps_data_version AFTER DELETE ON health_assessments
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

-- dental_checks
CREATE TRIGGER dental_checks_insert_bumps_data_version AFTER INSERT ON dental_checks
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER dental_checks_update_bumps_data_version AFTER UPDATE ON dental_checks
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER dental_checks_delete_bumps_data_version AFTER DELETE ON dental_checks
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

-- sdq_scores
CREATE TRIGGER sdq_scores_insert_bumps_data_version AFTER INSERT ON sdq_scores
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER sdq_scores_update_bumps_data_version AFTER UPDATE ON sdq_scores
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER sdq_scores_delete_bumps_data_version AFTER DELETE ON sdq_scores
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

-- immunisations
CREATE TRIGGER immunisations_insert_bumps_data_version AFTER INSERT ON immunisations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER immunisations_update_bumps_data_version AFTER UPDATE ON immunisations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER immunisations_delete_bumps_data_version AFTER DELETE ON immunisations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

-- education_plans
CREATE TRIGGER education_plans_insert_bumps_data_version AFTER INSERT ON education_plans
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER education_plans_update_bumps_data_version AFTER UPDATE ON education_plans
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER education_plans_delete_bumps_data_version AFTER DELETE ON education_plans
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;
