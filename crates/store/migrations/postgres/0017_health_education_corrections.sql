-- Migration 17: corrections of health assessments,
-- dental checks, SDQ scores, immunisation status and PEPs (issue 15) are
-- kept in record_versions like every other correction (migration 10), so
-- its `record` column takes their five kinds too (the store's
-- `corrections::RECORDS`). The SQLite file makes the table again.

ALTER TABLE record_versions DROP CONSTRAINT record_versions_record_check;
ALTER TABLE record_versions ADD CONSTRAINT record_versions_record_check CHECK (record IN (
    'review', 'midway_check', 'visit', 'allocation', 'challenge', 'name',
    'health_assessment', 'dental_check', 'sdq_score', 'immunisation', 'education_plan'));
