-- Migration 15: the 903's other tables held as records: care leavers'
-- outcomes (OC3), adoptions (AD1), decisions to place for adoption
-- (PlacedAdoption), permanence before care (PrevPerm), social worker
-- episodes (SWEpisodes) and deprivation of liberty orders (DoLo), derived
-- from the returns held as the other 903 records are
-- (footprint_domain::returns::derive; docs/ssda903.md).
--
-- One row per record: kind is oc3, ad1, placed_adoption, prev_perm,
-- sw_episode or dolo; record_key is the record's key within the child
-- (yyyy-mm-dd: the start of its collection year for OC3, AD1 and PrevPerm,
-- its start date for the others); record is the record as JSON
-- (footprint_domain::return_tables); source_year the return it came from
-- (NULL for a record entered in Footprint). Changes are logged in
-- data_changes as for the tables of migration 7. The SQLite file has the
-- same table.
CREATE TABLE return_table_records (
    child       TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('oc3', 'ad1', 'placed_adoption', 'prev_perm', 'sw_episode', 'dolo')),
    record_key  iso_date NOT NULL,
    record      TEXT NOT NULL,
    source_year BIGINT,
    PRIMARY KEY (child, kind, record_key)
);

CREATE TRIGGER return_table_records_notes_inserts AFTER INSERT ON return_table_records REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER return_table_records_notes_updates AFTER UPDATE ON return_table_records REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER return_table_records_notes_deletes AFTER DELETE ON return_table_records REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_changed_children('child');
CREATE TRIGGER return_table_records_truncate_is_council_wide AFTER TRUNCATE ON return_table_records
    FOR EACH STATEMENT EXECUTE FUNCTION note_council_change();
