-- Migration 4: children's names. The 903 holds no names, so the council
-- records them in Footprint (by hand, or `footprint import names` from its
-- case-management system). A separate table, so that importing a 903 return
-- (which rewrites the children's 903 fields) never touches a name. Personal
-- data: never logged, never in a report or an export. The SQLite file has
-- the same table.

CREATE TABLE child_names (
    child       TEXT PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    given_name  TEXT NOT NULL CHECK (length(trim(given_name)) > 0),
    family_name TEXT NOT NULL CHECK (length(trim(family_name)) > 0)
);

CREATE TRIGGER child_names_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON child_names
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
