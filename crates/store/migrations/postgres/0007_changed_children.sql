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
-- of 1,000 (one version per statement here) the rows more than 100000 versions old are deleted and changes_from
-- moves up to match.

ALTER TABLE data_version ADD COLUMN changes_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE data_version ADD COLUMN bulk_write BOOLEAN NOT NULL DEFAULT FALSE;
-- What happened before this migration is not known.
UPDATE data_version SET changes_from = version;

CREATE TABLE data_changes (
    version BIGINT NOT NULL, -- data_version after the change
    child   TEXT NOT NULL    -- no foreign key: a deleted child changed too
);
CREATE INDEX data_changes_version ON data_changes(version);

-- A change not tied to one child.
CREATE FUNCTION note_council_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1, changes_from = version + 1 WHERE id = 1;
    DELETE FROM data_changes;
    RETURN NULL;
END;
$$;

-- A statement that changed rows of a child-keyed table: one new version, and
-- the distinct children of the rows it changed (from the transition tables
-- new_rows / old_rows). TG_ARGV[0] says how a row names its child: 'child',
-- 'id' (children) or 'challenge' (a challenge's themes and stages).
CREATE FUNCTION note_changed_children() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_version BIGINT;
    in_bulk BOOLEAN;
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1
        RETURNING version, bulk_write INTO new_version, in_bulk;
    IF in_bulk THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF TG_ARGV[0] = 'challenge' THEN
            INSERT INTO data_changes (version, child)
                SELECT DISTINCT new_version, c.child FROM new_rows r JOIN challenges c ON c.id = r.challenge;
        ELSIF TG_ARGV[0] = 'id' THEN
            INSERT INTO data_changes (version, child) SELECT DISTINCT new_version, r.id FROM new_rows r;
        ELSE
            INSERT INTO data_changes (version, child) SELECT DISTINCT new_version, r.child FROM new_rows r;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_ARGV[0] = 'challenge' THEN
            INSERT INTO data_changes (version, child)
                SELECT DISTINCT new_version, c.child FROM old_rows r JOIN challenges c ON c.id = r.challenge;
        ELSIF TG_ARGV[0] = 'id' THEN
            INSERT INTO data_changes (version, child) SELECT DISTINCT new_version, r.id FROM old_rows r;
        ELSE
            INSERT INTO data_changes (version, child) SELECT DISTINCT new_version, r.child FROM old_rows r;
        END IF;
    END IF;
    IF new_version % 1000 = 0 AND new_version > 100000 THEN
        UPDATE data_version SET changes_from = new_version - 100000
            WHERE id = 1 AND changes_from < new_version - 100000;
        DELETE FROM data_changes WHERE version <= new_version - 100000;
    END IF;
    RETURN NULL;
END;
$$;

-- children
DROP TRIGGER children_bumps_data_version ON children;
CREATE TRIGGER children_notes_inserts AFTER INSERT ON children REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('id');
CREATE TRIGGER children_notes_updates AFTER UPDATE ON children REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('id');
CREATE TRIGGER children_notes_deletes AFTER DELETE ON children REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('id');
CREATE TRIGGER children_truncate_is_council_wide AFTER TRUNCATE ON children
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- child_names
DROP TRIGGER child_names_bumps_data_version ON child_names;
CREATE TRIGGER child_names_notes_inserts AFTER INSERT ON child_names REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER child_names_notes_updates AFTER UPDATE ON child_names REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER child_names_notes_deletes AFTER DELETE ON child_names REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER child_names_truncate_is_council_wide AFTER TRUNCATE ON child_names
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- episodes
DROP TRIGGER episodes_bumps_data_version ON episodes;
CREATE TRIGGER episodes_notes_inserts AFTER INSERT ON episodes REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER episodes_notes_updates AFTER UPDATE ON episodes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER episodes_notes_deletes AFTER DELETE ON episodes REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER episodes_truncate_is_council_wide AFTER TRUNCATE ON episodes
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- reviews
DROP TRIGGER reviews_bumps_data_version ON reviews;
CREATE TRIGGER reviews_notes_inserts AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER reviews_notes_updates AFTER UPDATE ON reviews REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER reviews_notes_deletes AFTER DELETE ON reviews REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER reviews_truncate_is_council_wide AFTER TRUNCATE ON reviews
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- review_attendance
DROP TRIGGER review_attendance_bumps_data_version ON review_attendance;
CREATE TRIGGER review_attendance_notes_inserts AFTER INSERT ON review_attendance REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER review_attendance_notes_updates AFTER UPDATE ON review_attendance REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER review_attendance_notes_deletes AFTER DELETE ON review_attendance REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER review_attendance_truncate_is_council_wide AFTER TRUNCATE ON review_attendance
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- recommendations
DROP TRIGGER recommendations_bumps_data_version ON recommendations;
CREATE TRIGGER recommendations_notes_inserts AFTER INSERT ON recommendations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER recommendations_notes_updates AFTER UPDATE ON recommendations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER recommendations_notes_deletes AFTER DELETE ON recommendations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER recommendations_truncate_is_council_wide AFTER TRUNCATE ON recommendations
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- missing_episodes
DROP TRIGGER missing_episodes_bumps_data_version ON missing_episodes;
CREATE TRIGGER missing_episodes_notes_inserts AFTER INSERT ON missing_episodes REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER missing_episodes_notes_updates AFTER UPDATE ON missing_episodes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER missing_episodes_notes_deletes AFTER DELETE ON missing_episodes REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER missing_episodes_truncate_is_council_wide AFTER TRUNCATE ON missing_episodes
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- health_outcomes
DROP TRIGGER health_outcomes_bumps_data_version ON health_outcomes;
CREATE TRIGGER health_outcomes_notes_inserts AFTER INSERT ON health_outcomes REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER health_outcomes_notes_updates AFTER UPDATE ON health_outcomes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER health_outcomes_notes_deletes AFTER DELETE ON health_outcomes REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER health_outcomes_truncate_is_council_wide AFTER TRUNCATE ON health_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- allocations
DROP TRIGGER allocations_bumps_data_version ON allocations;
CREATE TRIGGER allocations_notes_inserts AFTER INSERT ON allocations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER allocations_notes_updates AFTER UPDATE ON allocations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER allocations_notes_deletes AFTER DELETE ON allocations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER allocations_truncate_is_council_wide AFTER TRUNCATE ON allocations
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- midway_checks
DROP TRIGGER midway_checks_bumps_data_version ON midway_checks;
CREATE TRIGGER midway_checks_notes_inserts AFTER INSERT ON midway_checks REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER midway_checks_notes_updates AFTER UPDATE ON midway_checks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER midway_checks_notes_deletes AFTER DELETE ON midway_checks REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER midway_checks_truncate_is_council_wide AFTER TRUNCATE ON midway_checks
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- iro_visits
DROP TRIGGER iro_visits_bumps_data_version ON iro_visits;
CREATE TRIGGER iro_visits_notes_inserts AFTER INSERT ON iro_visits REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER iro_visits_notes_updates AFTER UPDATE ON iro_visits REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER iro_visits_notes_deletes AFTER DELETE ON iro_visits REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER iro_visits_truncate_is_council_wide AFTER TRUNCATE ON iro_visits
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- challenges
DROP TRIGGER challenges_bumps_data_version ON challenges;
CREATE TRIGGER challenges_notes_inserts AFTER INSERT ON challenges REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER challenges_notes_updates AFTER UPDATE ON challenges REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER challenges_notes_deletes AFTER DELETE ON challenges REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER challenges_truncate_is_council_wide AFTER TRUNCATE ON challenges
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- challenge_themes
DROP TRIGGER challenge_themes_bumps_data_version ON challenge_themes;
CREATE TRIGGER challenge_themes_notes_inserts AFTER INSERT ON challenge_themes REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('challenge');
CREATE TRIGGER challenge_themes_notes_updates AFTER UPDATE ON challenge_themes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('challenge');
CREATE TRIGGER challenge_themes_notes_deletes AFTER DELETE ON challenge_themes REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('challenge');
CREATE TRIGGER challenge_themes_truncate_is_council_wide AFTER TRUNCATE ON challenge_themes
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- challenge_stages
DROP TRIGGER challenge_stages_bumps_data_version ON challenge_stages;
CREATE TRIGGER challenge_stages_notes_inserts AFTER INSERT ON challenge_stages REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('challenge');
CREATE TRIGGER challenge_stages_notes_updates AFTER UPDATE ON challenge_stages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('challenge');
CREATE TRIGGER challenge_stages_notes_deletes AFTER DELETE ON challenge_stages REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('challenge');
CREATE TRIGGER challenge_stages_truncate_is_council_wide AFTER TRUNCATE ON challenge_stages
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- sibling_groups
DROP TRIGGER sibling_groups_bumps_data_version ON sibling_groups;
CREATE TRIGGER sibling_groups_notes_inserts AFTER INSERT ON sibling_groups REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER sibling_groups_notes_updates AFTER UPDATE ON sibling_groups REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER sibling_groups_notes_deletes AFTER DELETE ON sibling_groups REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER sibling_groups_truncate_is_council_wide AFTER TRUNCATE ON sibling_groups
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- iros: council-wide
DROP TRIGGER iros_bumps_data_version ON iros;
CREATE TRIGGER iros_is_council_wide AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON iros
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- settings: council-wide
DROP TRIGGER settings_bumps_data_version ON settings;
CREATE TRIGGER settings_is_council_wide AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- bank_holidays: council-wide
CREATE TRIGGER bank_holidays_is_council_wide AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON bank_holidays
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();

-- import_runs: council-wide
CREATE TRIGGER import_runs_is_council_wide AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON import_runs
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();
