-- Passwords and sign-in sessions on PostgreSQL: the twin of
-- d1-migrations/0002_sessions.sql (its comments say why each table is so).

ALTER TABLE users ADD COLUMN password_hash TEXT;

CREATE TABLE sessions (
    id_sha256  TEXT NOT NULL PRIMARY KEY CHECK (length(id_sha256) = 64),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE secrets (
    name       TEXT NOT NULL PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
