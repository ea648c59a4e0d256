-- Migration 7: which children changed since a data version
-- (Store::changes_since), so that the web app's figures cache can reload only
-- those children after a write instead of the whole council.
--
-- data_changes holds (version, child) for every change to a child's records
-- (any child-keyed table; a challenge's themes and stages count for the
-- challenge's child), written by the same triggers that move data_version.
-- A change not tied to one child (IROs, settings, bank holidays, import runs)
-- is council-wide: it sets data_version.changes_from to the new version and
-- empties data_changes, since every older version must reload everything
-- anyway. changes_since(v) is council-wide when v < changes_from (or after
-- the current version); otherwise it is the children of the rows after v.
--
-- Bulk writes (import_return, replace_dataset) set data_version.bulk_write in
-- their own transaction: the triggers then still move data_version but log
-- no children, and the bulk write ends with one council-wide change.
--
-- Only the latest 100000 versions are kept: at every version that is a multiple
-- of 1,000 the rows more than 100000 versions old are deleted and changes_from
-- moves up to match.

ALTER TABLE data_version ADD COLUMN changes_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE data_version ADD COLUMN bulk_write INTEGER NOT NULL DEFAULT 0 CHECK (bulk_write IN (0, 1));
-- What happened before this migration is not known.
UPDATE data_version SET changes_from = version;

CREATE TABLE data_changes (
    version INTEGER NOT NULL, -- data_version after the change
    child   TEXT NOT NULL     -- no foreign key: a deleted child changed too
);
CREATE INDEX data_changes_version ON data_changes(version);

CREATE TRIGGER data_changes_keep_the_latest AFTER INSERT ON data_changes
WHEN NEW.version % 1000 = 0 AND NEW.version > 100000
BEGIN
    UPDATE data_version SET changes_from = NEW.version - 100000
        WHERE id = 1 AND changes_from < NEW.version - 100000;
    DELETE FROM data_changes WHERE version <= NEW.version - 100000;
END;

-- children
DROP TRIGGER children_insert_bumps_data_version;
DROP TRIGGER children_update_bumps_data_version;
DROP TRIGGER children_delete_bumps_data_version;
CREATE TRIGGER children_insert_bumps_data_version AFTER INSERT ON children
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.id FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER children_update_bumps_data_version AFTER UPDATE ON children
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.id FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.id FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.id IS NOT NEW.id;
END;

CREATE TRIGGER children_delete_bumps_data_version AFTER DELETE ON children
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.id FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- child_names
DROP TRIGGER child_names_insert_bumps_data_version;
DROP TRIGGER child_names_update_bumps_data_version;
DROP TRIGGER child_names_delete_bumps_data_version;
CREATE TRIGGER child_names_insert_bumps_data_version AFTER INSERT ON child_names
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER child_names_update_bumps_data_version AFTER UPDATE ON child_names
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER child_names_delete_bumps_data_version AFTER DELETE ON child_names
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- episodes
DROP TRIGGER episodes_insert_bumps_data_version;
DROP TRIGGER episodes_update_bumps_data_version;
DROP TRIGGER episodes_delete_bumps_data_version;
CREATE TRIGGER episodes_insert_bumps_data_version AFTER INSERT ON episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER episodes_update_bumps_data_version AFTER UPDATE ON episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER episodes_delete_bumps_data_version AFTER DELETE ON episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- reviews
DROP TRIGGER reviews_insert_bumps_data_version;
DROP TRIGGER reviews_update_bumps_data_version;
DROP TRIGGER reviews_delete_bumps_data_version;
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


-- review_attendance
DROP TRIGGER review_attendance_insert_bumps_data_version;
DROP TRIGGER review_attendance_update_bumps_data_version;
DROP TRIGGER review_attendance_delete_bumps_data_version;
CREATE TRIGGER review_attendance_insert_bumps_data_version AFTER INSERT ON review_attendance
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER review_attendance_update_bumps_data_version AFTER UPDATE ON review_attendance
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER review_attendance_delete_bumps_data_version AFTER DELETE ON review_attendance
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- recommendations
DROP TRIGGER recommendations_insert_bumps_data_version;
DROP TRIGGER recommendations_update_bumps_data_version;
DROP TRIGGER recommendations_delete_bumps_data_version;
CREATE TRIGGER recommendations_insert_bumps_data_version AFTER INSERT ON recommendations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER recommendations_update_bumps_data_version AFTER UPDATE ON recommendations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER recommendations_delete_bumps_data_version AFTER DELETE ON recommendations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- missing_episodes
DROP TRIGGER missing_episodes_insert_bumps_data_version;
DROP TRIGGER missing_episodes_update_bumps_data_version;
DROP TRIGGER missing_episodes_delete_bumps_data_version;
CREATE TRIGGER missing_episodes_insert_bumps_data_version AFTER INSERT ON missing_episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER missing_episodes_update_bumps_data_version AFTER UPDATE ON missing_episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER missing_episodes_delete_bumps_data_version AFTER DELETE ON missing_episodes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- health_outcomes
DROP TRIGGER health_outcomes_insert_bumps_data_version;
DROP TRIGGER health_outcomes_update_bumps_data_version;
DROP TRIGGER health_outcomes_delete_bumps_data_version;
CREATE TRIGGER health_outcomes_insert_bumps_data_version AFTER INSERT ON health_outcomes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER health_outcomes_update_bumps_data_version AFTER UPDATE ON health_outcomes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER health_outcomes_delete_bumps_data_version AFTER DELETE ON health_outcomes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- allocations
DROP TRIGGER allocations_insert_bumps_data_version;
DROP TRIGGER allocations_update_bumps_data_version;
DROP TRIGGER allocations_delete_bumps_data_version;
CREATE TRIGGER allocations_insert_bumps_data_version AFTER INSERT ON allocations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER allocations_update_bumps_data_version AFTER UPDATE ON allocations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER allocations_delete_bumps_data_version AFTER DELETE ON allocations
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- midway_checks
DROP TRIGGER midway_checks_insert_bumps_data_version;
DROP TRIGGER midway_checks_update_bumps_data_version;
DROP TRIGGER midway_checks_delete_bumps_data_version;
CREATE TRIGGER midway_checks_insert_bumps_data_version AFTER INSERT ON midway_checks
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER midway_checks_update_bumps_data_version AFTER UPDATE ON midway_checks
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER midway_checks_delete_bumps_data_version AFTER DELETE ON midway_checks
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- iro_visits
DROP TRIGGER iro_visits_insert_bumps_data_version;
DROP TRIGGER iro_visits_update_bumps_data_version;
DROP TRIGGER iro_visits_delete_bumps_data_version;
CREATE TRIGGER iro_visits_insert_bumps_data_version AFTER INSERT ON iro_visits
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER iro_visits_update_bumps_data_version AFTER UPDATE ON iro_visits
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER iro_visits_delete_bumps_data_version AFTER DELETE ON iro_visits
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- challenges
DROP TRIGGER challenges_insert_bumps_data_version;
DROP TRIGGER challenges_update_bumps_data_version;
DROP TRIGGER challenges_delete_bumps_data_version;
CREATE TRIGGER challenges_insert_bumps_data_version AFTER INSERT ON challenges
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER challenges_update_bumps_data_version AFTER UPDATE ON challenges
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER challenges_delete_bumps_data_version AFTER DELETE ON challenges
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- challenge_themes
DROP TRIGGER challenge_themes_insert_bumps_data_version;
DROP TRIGGER challenge_themes_update_bumps_data_version;
DROP TRIGGER challenge_themes_delete_bumps_data_version;
CREATE TRIGGER challenge_themes_insert_bumps_data_version AFTER INSERT ON challenge_themes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT d.version, c.child FROM data_version d, challenges c
        WHERE d.id = 1 AND NOT d.bulk_write AND c.id = NEW.challenge;
END;

CREATE TRIGGER challenge_themes_update_bumps_data_version AFTER UPDATE ON challenge_themes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT d.version, c.child FROM data_version d, challenges c
        WHERE d.id = 1 AND NOT d.bulk_write AND c.id = NEW.challenge;
    INSERT INTO data_changes (version, child)
        SELECT d.version, c.child FROM data_version d, challenges c
        WHERE d.id = 1 AND NOT d.bulk_write AND c.id = OLD.challenge AND OLD.challenge IS NOT NEW.challenge;
END;

CREATE TRIGGER challenge_themes_delete_bumps_data_version AFTER DELETE ON challenge_themes
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT d.version, c.child FROM data_version d, challenges c
        WHERE d.id = 1 AND NOT d.bulk_write AND c.id = OLD.challenge;
END;


-- challenge_stages
DROP TRIGGER challenge_stages_insert_bumps_data_version;
DROP TRIGGER challenge_stages_update_bumps_data_version;
DROP TRIGGER challenge_stages_delete_bumps_data_version;
CREATE TRIGGER challenge_stages_insert_bumps_data_version AFTER INSERT ON challenge_stages
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT d.version, c.child FROM data_version d, challenges c
        WHERE d.id = 1 AND NOT d.bulk_write AND c.id = NEW.challenge;
END;

CREATE TRIGGER challenge_stages_update_bumps_data_version AFTER UPDATE ON challenge_stages
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT d.version, c.child FROM data_version d, challenges c
        WHERE d.id = 1 AND NOT d.bulk_write AND c.id = NEW.challenge;
    INSERT INTO data_changes (version, child)
        SELECT d.version, c.child FROM data_version d, challenges c
        WHERE d.id = 1 AND NOT d.bulk_write AND c.id = OLD.challenge AND OLD.challenge IS NOT NEW.challenge;
END;

CREATE TRIGGER challenge_stages_delete_bumps_data_version AFTER DELETE ON challenge_stages
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT d.version, c.child FROM data_version d, challenges c
        WHERE d.id = 1 AND NOT d.bulk_write AND c.id = OLD.challenge;
END;


-- sibling_groups
DROP TRIGGER sibling_groups_insert_bumps_data_version;
DROP TRIGGER sibling_groups_update_bumps_data_version;
DROP TRIGGER sibling_groups_delete_bumps_data_version;
CREATE TRIGGER sibling_groups_insert_bumps_data_version AFTER INSERT ON sibling_groups
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER sibling_groups_update_bumps_data_version AFTER UPDATE ON sibling_groups
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER sibling_groups_delete_bumps_data_version AFTER DELETE ON sibling_groups
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;


-- iros: council-wide
DROP TRIGGER iros_insert_bumps_data_version;
DROP TRIGGER iros_update_bumps_data_version;
DROP TRIGGER iros_delete_bumps_data_version;
CREATE TRIGGER iros_insert_bumps_data_version AFTER INSERT ON iros
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;

CREATE TRIGGER iros_update_bumps_data_version AFTER UPDATE ON iros
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;

CREATE TRIGGER iros_delete_bumps_data_version AFTER DELETE ON iros
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;


-- settings: council-wide
DROP TRIGGER settings_insert_bumps_data_version;
DROP TRIGGER settings_update_bumps_data_version;
DROP TRIGGER settings_delete_bumps_data_version;
CREATE TRIGGER settings_insert_bumps_data_version AFTER INSERT ON settings
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;

CREATE TRIGGER settings_update_bumps_data_version AFTER UPDATE ON settings
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;

CREATE TRIGGER settings_delete_bumps_data_version AFTER DELETE ON settings
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;


-- bank_holidays: council-wide
CREATE TRIGGER bank_holidays_insert_bumps_data_version AFTER INSERT ON bank_holidays
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;

CREATE TRIGGER bank_holidays_update_bumps_data_version AFTER UPDATE ON bank_holidays
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;

CREATE TRIGGER bank_holidays_delete_bumps_data_version AFTER DELETE ON bank_holidays
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;


-- import_runs: council-wide
CREATE TRIGGER import_runs_insert_bumps_data_version AFTER INSERT ON import_runs
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;

CREATE TRIGGER import_runs_update_bumps_data_version AFTER UPDATE ON import_runs
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;

CREATE TRIGGER import_runs_delete_bumps_data_version AFTER DELETE ON import_runs
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
END;
