-- Migration 2: a data version, bumped by every statement that changes the
-- records the web application reads, so it can keep the council's dataset in
-- memory and reload it only when something changed (from any process).

CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER children_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON children
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER episodes_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON episodes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER iros_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON iros
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER reviews_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reviews
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER review_attendance_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON review_attendance
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER recommendations_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON recommendations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER missing_episodes_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON missing_episodes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER allocations_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON allocations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER midway_checks_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON midway_checks
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER iro_visits_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON iro_visits
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER challenges_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON challenges
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER challenge_themes_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON challenge_themes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER challenge_stages_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON challenge_stages
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

CREATE TRIGGER settings_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
