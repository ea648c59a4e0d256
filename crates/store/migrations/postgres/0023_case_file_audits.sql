-- Migration 23: case file audits (issue 16): case_records takes the kind
-- 'case_file_audit'. See the SQLite file.
ALTER TABLE case_records DROP CONSTRAINT case_records_kind_check;
ALTER TABLE case_records ADD CONSTRAINT case_records_kind_check CHECK (kind IN (
    'secure_review', 'private_fostering_review', 'foster_carer_review',
    'disruption_meeting', 'protection_plan', 'protection_conference',
    'life_story', 'advocacy', 'views', 'case_alert',
    'private_fostering_notification', 'case_file_audit'));
