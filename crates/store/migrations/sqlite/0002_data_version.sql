-- Migration 2: a data version, bumped by every change to the records the
-- web application reads, so it can keep the council's dataset in memory and
-- reload it only when something changed (from any process: the web app, an
-- import, a generator run).

CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);

CREATE TRIGGER children_insert_bumps_data_version AFTER INSERT ON children
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER children_update_bumps_data_version AFTER UPDATE ON children
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER children_delete_bumps_data_version AFTER DELETE ON children
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER episodes_insert_bumps_data_version AFTER INSERT ON episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER episodes_update_bumps_data_version AFTER UPDATE ON episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER episodes_delete_bumps_data_version AFTER DELETE ON episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER iros_insert_bumps_data_version AFTER INSERT ON iros
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER iros_update_bumps_data_version AFTER UPDATE ON iros
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER iros_delete_bumps_data_version AFTER DELETE ON iros
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER reviews_insert_bumps_data_version AFTER INSERT ON reviews
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER reviews_update_bumps_data_version AFTER UPDATE ON reviews
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER reviews_delete_bumps_data_version AFTER DELETE ON reviews
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER review_attendance_insert_bumps_data_version AFTER INSERT ON review_attendance
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER review_attendance_update_bumps_data_version AFTER UPDATE ON review_attendance
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER review_attendance_delete_bumps_data_version AFTER DELETE ON review_attendance
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER recommendations_insert_bumps_data_version AFTER INSERT ON recommendations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER recommendations_update_bumps_data_version AFTER UPDATE ON recommendations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER recommendations_delete_bumps_data_version AFTER DELETE ON recommendations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER missing_episodes_insert_bumps_data_version AFTER INSERT ON missing_episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER missing_episodes_update_bumps_data_version AFTER UPDATE ON missing_episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER missing_episodes_delete_bumps_data_version AFTER DELETE ON missing_episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER allocations_insert_bumps_data_version AFTER INSERT ON allocations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER allocations_update_bumps_data_version AFTER UPDATE ON allocations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER allocations_delete_bumps_data_version AFTER DELETE ON allocations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER midway_checks_insert_bumps_data_version AFTER INSERT ON midway_checks
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER midway_checks_update_bumps_data_version AFTER UPDATE ON midway_checks
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER midway_checks_delete_bumps_data_version AFTER DELETE ON midway_checks
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER iro_visits_insert_bumps_data_version AFTER INSERT ON iro_visits
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER iro_visits_update_bumps_data_version AFTER UPDATE ON iro_visits
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER iro_visits_delete_bumps_data_version AFTER DELETE ON iro_visits
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER challenges_insert_bumps_data_version AFTER INSERT ON challenges
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER challenges_update_bumps_data_version AFTER UPDATE ON challenges
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER challenges_delete_bumps_data_version AFTER DELETE ON challenges
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER challenge_themes_insert_bumps_data_version AFTER INSERT ON challenge_themes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER challenge_themes_update_bumps_data_version AFTER UPDATE ON challenge_themes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER challenge_themes_delete_bumps_data_version AFTER DELETE ON challenge_themes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER challenge_stages_insert_bumps_data_version AFTER INSERT ON challenge_stages
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER challenge_stages_update_bumps_data_version AFTER UPDATE ON challenge_stages
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER challenge_stages_delete_bumps_data_version AFTER DELETE ON challenge_stages
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER settings_insert_bumps_data_version AFTER INSERT ON settings
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER settings_update_bumps_data_version AFTER UPDATE ON settings
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER settings_delete_bumps_data_version AFTER DELETE ON settings
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
