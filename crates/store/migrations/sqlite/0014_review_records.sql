-- Migration 14: the record of a review and the letter to the child, written
-- in Footprint and kept as versions, and what was sent to whom.
-- The PostgreSQL file has the same tables, columns and keys.
--
-- review_documents: every save of a review's record (document 'record') or
-- of the letter to the child ('letter') is a new version: who, when, why,
-- the parts that changed and the whole document (as JSON, the domain's
-- ReviewRecord or Letter). Issuing the decisions or the record is a version
-- too (event 'issue_decisions', 'issue_record'), written in the same
-- transaction as the review's decisions_issued or record_circulated date,
-- which are the document's status: it is never held twice. Free text about
-- the child: shown to IROs and the manager only, never in the audit log or
-- a report. Append-only; no foreign key: the history outlives the records.
CREATE TABLE review_documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    child       TEXT NOT NULL,
    review_date TEXT NOT NULL CHECK (date(review_date) = review_date),
    document    TEXT NOT NULL CHECK (document IN ('record', 'letter')),
    version     INTEGER NOT NULL CHECK (version >= 1),
    event       TEXT NOT NULL CHECK (event IN (
                    'draft', 'correction', 'issue_decisions', 'issue_record')),
    body        TEXT NOT NULL, -- JSON
    written_at  TEXT NOT NULL, -- RFC 3339 UTC
    written_by  TEXT NOT NULL, -- a user name
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    changed     TEXT NOT NULL, -- part names, comma-separated
    UNIQUE (child, review_date, document, version)
);

CREATE TRIGGER review_documents_no_update BEFORE UPDATE ON review_documents
BEGIN
    SELECT RAISE(ABORT, 'review_documents is append-only: rows cannot be changed');
END;

CREATE TRIGGER review_documents_no_delete BEFORE DELETE ON review_documents
BEGIN
    SELECT RAISE(ABORT, 'review_documents is append-only: rows cannot be deleted');
END;

-- review_circulation: each sending of a review's decisions, record or
-- letter to one recipient (by role: the domain's Recipient keys, no
-- names), how and on what day, and who recorded it. Append-only.
CREATE TABLE review_circulation (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    child       TEXT NOT NULL,
    review_date TEXT NOT NULL CHECK (date(review_date) = review_date),
    document    TEXT NOT NULL CHECK (document IN ('decisions', 'record', 'letter')),
    recipient   TEXT NOT NULL,
    sent_by     TEXT NOT NULL CHECK (sent_by IN ('post', 'secure_email', 'by_hand')),
    sent_on     TEXT NOT NULL CHECK (date(sent_on) = sent_on),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX review_circulation_review ON review_circulation(child, review_date);

CREATE TRIGGER review_circulation_no_update BEFORE UPDATE ON review_circulation
BEGIN
    SELECT RAISE(ABORT, 'review_circulation is append-only: rows cannot be changed');
END;

CREATE TRIGGER review_circulation_no_delete BEFORE DELETE ON review_circulation
BEGIN
    SELECT RAISE(ABORT, 'review_circulation is append-only: rows cannot be deleted');
END;
