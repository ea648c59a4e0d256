-- Migration 0011: administering users. A user can be disabled (and enabled
-- again); `session_generation` moves on whenever a user's sessions must end
-- at once (disabled, password reset or changed); password resets are one-time
-- codes, kept only as a SHA-256 hash, with the time they stop working and the
-- time they were spent (used, or replaced by a newer reset).
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;

CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    code_hash  TEXT NOT NULL UNIQUE, -- SHA-256 of the code, hex
    issued_by  TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    expires_at INTEGER NOT NULL, -- Unix seconds
    spent_at   TEXT
);
CREATE INDEX password_resets_user ON password_resets(user_id);
