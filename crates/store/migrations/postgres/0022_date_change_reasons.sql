-- Migration 22: the reason for a change of a review's date is the key of an
-- entry of the council's own list (the `date_change_reasons` setting, issue
-- 17), not one of six fixed keys, so the column's CHECK takes any key of
-- the shape the list gives (1 to 40 lower-case letters, digits or _). The
-- six keys held before are the list's default entries: every request held
-- reads as it did.

ALTER TABLE review_date_changes DROP CONSTRAINT review_date_changes_reason_check;
ALTER TABLE review_date_changes ADD CONSTRAINT review_date_changes_reason_check
    CHECK (reason ~ '^[a-z0-9_]{1,40}$');
