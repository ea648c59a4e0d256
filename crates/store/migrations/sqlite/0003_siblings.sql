-- Migration 3: brothers and sisters. The 903 holds no sibling links, so the
-- council records them in Footprint: each child is in at most one group
-- (the primary key), and the children sharing a group_id are siblings. A
-- group always has two or more children (the store removes a child left
-- alone). The PostgreSQL file has the same table.

CREATE TABLE sibling_groups (
    child    TEXT PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL CHECK (group_id > 0)
);
CREATE INDEX sibling_groups_group ON sibling_groups(group_id);

CREATE TRIGGER sibling_groups_insert_bumps_data_version AFTER INSERT ON sibling_groups
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER sibling_groups_update_bumps_data_version AFTER UPDATE ON sibling_groups
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER sibling_groups_delete_bumps_data_version AFTER DELETE ON sibling_groups
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
