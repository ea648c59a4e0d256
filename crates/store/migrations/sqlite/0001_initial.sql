-- Footprint schema version 1 (SQLite).
-- Dates are ISO-8601 TEXT (yyyy-mm-dd); timestamps are RFC 3339 UTC TEXT.
-- source_year: start year of the 903 return a record came from (2021 for
-- 2021-22); NULL when the record was entered in Footprint.
-- The PostgreSQL file (migrations/postgres/0001_initial.sql) has the same
-- tables, columns and keys.

CREATE TABLE children (
    id                TEXT PRIMARY KEY,
    sex               TEXT NOT NULL,
    date_of_birth     TEXT NOT NULL CHECK (date(date_of_birth) = date_of_birth),
    ethnicity         TEXT NOT NULL,
    upn               TEXT,
    mother            INTEGER CHECK (mother IN (0, 1)),
    mothers_child_dob TEXT CHECK (date(mothers_child_dob) = mothers_child_dob),
    uasc              INTEGER NOT NULL DEFAULT 0 CHECK (uasc IN (0, 1)),
    uasc_ceased       TEXT CHECK (date(uasc_ceased) = uasc_ceased),
    source_year       INTEGER
);

CREATE TABLE episodes (
    child               TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    start_date          TEXT NOT NULL CHECK (date(start_date) = start_date),
    end_date            TEXT CHECK (date(end_date) = end_date),
    reason_new          TEXT NOT NULL,
    legal_status        TEXT NOT NULL,
    category_of_need    TEXT,
    placement           TEXT NOT NULL,
    provider            TEXT,
    reason_ceased       TEXT,
    reason_place_change TEXT,
    home_postcode       TEXT,
    placement_postcode  TEXT,
    urn                 TEXT,
    source_year         INTEGER,
    PRIMARY KEY (child, start_date)
);

CREATE TABLE iros (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    fte     REAL NOT NULL,
    started TEXT NOT NULL CHECK (date(started) = started),
    left_on TEXT CHECK (date(left_on) = left_on)
);

CREATE TABLE reviews (
    child             TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    review_date       TEXT NOT NULL CHECK (date(review_date) = review_date),
    participation     TEXT,
    source_year       INTEGER,
    -- IRO details (has_details = 0: known only from a 903 import)
    has_details       INTEGER NOT NULL DEFAULT 0 CHECK (has_details IN (0, 1)),
    chair             TEXT REFERENCES iros(id),
    kind              TEXT CHECK (kind IN ('statutory', 'additional')),
    sw_report_status  TEXT CHECK (sw_report_status IN ('not_recorded', 'received', 'not_received')),
    sw_report_date    TEXT CHECK (date(sw_report_date) = sw_report_date),
    decisions_issued  TEXT CHECK (date(decisions_issued) = decisions_issued),
    record_circulated TEXT CHECK (date(record_circulated) = record_circulated),
    quality           TEXT,
    -- why it was held after its statutory due date (domain LateReason keys)
    late_reason       TEXT CHECK (late_reason IN (
                          'social_worker_unavailable',
                          'no_social_worker_report',
                          'court_hearing',
                          'iro_unavailable',
                          'iro_capacity',
                          'carer_or_family_unavailable',
                          'child_unwell',
                          'rescheduled_at_request',
                          'administrative_error',
                          'other')),
    PRIMARY KEY (child, review_date)
);

CREATE TABLE review_attendance (
    child       TEXT NOT NULL,
    review_date TEXT NOT NULL,
    seq         INTEGER NOT NULL, -- order as recorded
    role        TEXT NOT NULL,
    PRIMARY KEY (child, review_date, role),
    FOREIGN KEY (child, review_date) REFERENCES reviews(child, review_date) ON DELETE CASCADE
);

CREATE TABLE recommendations (
    child       TEXT NOT NULL,
    review_date TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    body        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    due         TEXT NOT NULL CHECK (date(due) = due),
    completed   TEXT CHECK (date(completed) = completed),
    PRIMARY KEY (child, review_date, seq),
    FOREIGN KEY (child, review_date) REFERENCES reviews(child, review_date) ON DELETE CASCADE
);

CREATE TABLE missing_episodes (
    child       TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    start_date  TEXT NOT NULL CHECK (date(start_date) = start_date),
    kind        TEXT NOT NULL,
    end_date    TEXT CHECK (date(end_date) = end_date),
    source_year INTEGER,
    PRIMARY KEY (child, start_date)
);

CREATE TABLE allocations (
    id        INTEGER PRIMARY KEY,
    child     TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    iro       TEXT NOT NULL REFERENCES iros(id),
    from_date TEXT NOT NULL CHECK (date(from_date) = from_date),
    to_date   TEXT CHECK (date(to_date) = to_date)
);
CREATE INDEX allocations_child ON allocations(child);
CREATE INDEX allocations_iro ON allocations(iro);

CREATE TABLE midway_checks (
    id         INTEGER PRIMARY KEY,
    child      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    check_date TEXT NOT NULL CHECK (date(check_date) = check_date),
    iro        TEXT REFERENCES iros(id)
);
CREATE INDEX midway_checks_child ON midway_checks(child);

CREATE TABLE iro_visits (
    id         INTEGER PRIMARY KEY,
    child      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    visit_date TEXT NOT NULL CHECK (date(visit_date) = visit_date),
    kind       TEXT NOT NULL CHECK (kind IN ('in_person', 'virtual', 'phone')),
    iro        TEXT REFERENCES iros(id)
);
CREATE INDEX iro_visits_child ON iro_visits(child);

CREATE TABLE challenges (
    id                  INTEGER PRIMARY KEY,
    child               TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    iro                 TEXT REFERENCES iros(id),
    raised              TEXT NOT NULL CHECK (date(raised) = raised),
    referred_to_cafcass TEXT CHECK (date(referred_to_cafcass) = referred_to_cafcass),
    resolved            TEXT CHECK (date(resolved) = resolved),
    outcome             TEXT CHECK (outcome IN ('resolved', 'withdrawn', 'referred_to_cafcass'))
);
CREATE INDEX challenges_child ON challenges(child);

CREATE TABLE challenge_themes (
    challenge INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    theme     TEXT NOT NULL,
    PRIMARY KEY (challenge, seq)
);

CREATE TABLE challenge_stages (
    challenge              INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    seq                    INTEGER NOT NULL,
    stage                  TEXT NOT NULL,
    started                TEXT NOT NULL CHECK (date(started) = started),
    timescale_working_days INTEGER NOT NULL CHECK (timescale_working_days >= 0),
    responded              TEXT CHECK (date(responded) = responded),
    PRIMARY KEY (challenge, seq)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL -- JSON
);

CREATE TABLE report_narratives (
    year       INTEGER NOT NULL, -- start year of the reporting year
    section    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (year, section)
);

CREATE TABLE bank_holidays (
    holiday_date TEXT PRIMARY KEY CHECK (date(holiday_date) = holiday_date),
    title        TEXT NOT NULL,
    special      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE import_runs (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    inserted    INTEGER NOT NULL DEFAULT 0,
    replaced    INTEGER NOT NULL DEFAULT 0,
    kept        INTEGER NOT NULL DEFAULT 0,
    problems    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE import_problems (
    id          INTEGER PRIMARY KEY,
    run         INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
    file        TEXT NOT NULL,
    line        INTEGER,
    column_name TEXT,
    value       TEXT,
    rule        TEXT,
    message     TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('error', 'warning'))
);
CREATE INDEX import_problems_run ON import_problems(run);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'iro', 'analyst', 'business_support')),
    password_hash TEXT NOT NULL,
    iro           TEXT REFERENCES iros(id),
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    id     TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry INTEGER NOT NULL -- Unix seconds
);
CREATE INDEX sessions_expiry ON sessions(expiry);

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    child  TEXT, -- no foreign key: the log outlives the records
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_child ON audit_log(child);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');
END;
