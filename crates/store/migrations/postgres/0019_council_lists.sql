-- Migration 19: the reason a review was held late is the key of an entry of
-- the council's own list (the `late_reasons` setting, issue 17), not one
-- of ten fixed keys, so the column's CHECK takes any key of the shape the
-- list gives (1 to 40 lower-case letters, digits or _); and a review graded
-- inadequate holds the reason for the grade, a key of the council's list
-- `inadequate_reasons` (issue 16, `quality.inadequate_by_reason`). (0019 is
-- another change's number.)

ALTER TABLE reviews DROP CONSTRAINT reviews_late_reason_check;
ALTER TABLE reviews ADD CONSTRAINT reviews_late_reason_check
    CHECK (late_reason ~ '^[a-z0-9_]{1,40}$');
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS inadequate_reason TEXT
    CONSTRAINT reviews_inadequate_reason_check CHECK (inadequate_reason ~ '^[a-z0-9_]{1,40}$');
