-- Migration 22: a private fostering arrangement is held from its
-- notification (issue 15): case_records takes the kind
-- 'private_fostering_notification'. See the SQLite file.
ALTER TABLE case_records DROP CONSTRAINT case_records_kind_check;
ALTER TABLE case_records ADD CONSTRAINT case_records_kind_check CHECK (kind IN (
    'secure_review', 'private_fostering_review', 'foster_carer_review',
    'disruption_meeting', 'protection_plan', 'protection_conference',
    'life_story', 'advocacy', 'views', 'case_alert',
    'private_fostering_notification'));
