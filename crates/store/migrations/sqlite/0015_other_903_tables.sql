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
-- data_changes as for the tables of migration 7. The PostgreSQL file has the
-- same table.
CREATE TABLE return_table_records (
    child       TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('oc3', 'ad1', 'placed_adoption', 'prev_perm', 'sw_episode', 'dolo')),
    record_key  TEXT NOT NULL CHECK (date(record_key) = record_key),
    record      TEXT NOT NULL,
    source_year INTEGER,
    PRIMARY KEY (child, kind, record_key)
);

CREATE TRIGGER return_table_records_insert_bumps_data_version AFTER INSERT ON return_table_records
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;

CREATE TRIGGER return_table_records_update_bumps_data_version AFTER UPDATE ON return_table_records
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, NEW.child FROM data_version WHERE id = 1 AND NOT bulk_write;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write AND OLD.child IS NOT NEW.child;
END;

CREATE TRIGGER return_table_records_delete_bumps_data_version AFTER DELETE ON return_table_records
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    INSERT INTO data_changes (version, child)
        SELECT version, OLD.child FROM data_version WHERE id = 1 AND NOT bulk_write;
END;
