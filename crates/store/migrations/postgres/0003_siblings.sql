-- Migration 3: brothers and sisters. The 903 holds no sibling links, so the
-- council records them in Footprint: each child is in at most one group
-- (the primary key), and the children sharing a group_id are siblings. A
-- group always has two or more children (the store removes a child left
-- alone). The SQLite file has the same table.

CREATE TABLE sibling_groups (
    child    TEXT PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL CHECK (group_id > 0)
);
CREATE INDEX sibling_groups_group ON sibling_groups(group_id);

CREATE TRIGGER sibling_groups_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sibling_groups
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
