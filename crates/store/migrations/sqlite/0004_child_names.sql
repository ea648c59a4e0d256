-- Migration 4: children's names. The 903 holds no names, so the council
-- records them in Footprint (by hand, or `footprint import names` from its
-- case-management system). A separate table, so that importing a 903 return
-- (which rewrites the children's 903 fields) never touches a name. Personal
-- data: never logged, never in a report or an export. The PostgreSQL file has
-- the same table.

CREATE TABLE child_names (
    child       TEXT PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    given_name  TEXT NOT NULL CHECK (length(trim(given_name)) > 0),
    family_name TEXT NOT NULL CHECK (length(trim(family_name)) > 0)
);

CREATE TRIGGER child_names_insert_bumps_data_version AFTER INSERT ON child_names
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER child_names_update_bumps_data_version AFTER UPDATE ON child_names
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER child_names_delete_bumps_data_version AFTER DELETE ON child_names
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
