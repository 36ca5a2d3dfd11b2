-- Passwords and sign-in sessions: `qanat user add|password --password-stdin`
-- and `POST /{version}/auth/login/password`. Same rules as 0001_init.sql
-- (no BEGIN/COMMIT, times as RFC 3339 TEXT); the PostgreSQL twin is
-- native-host/pg-migrations/0002_sessions.sql.

-- The Argon2id hash of a person's password as a PHC string
-- (`$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`), never the password. NULL for
-- robots and for people who sign in with API tokens only.
ALTER TABLE users ADD COLUMN password_hash TEXT;

-- Live sign-in sessions. A session JWT is accepted only while its row is
-- here, so logging out (or changing the password) is deleting rows, and
-- works on every node at once. The row holds the SHA-256 of the session id
-- the JWT carries, not the id, so a leaked backup (which holds the signing
-- key too) still cannot be turned into a live session.
CREATE TABLE sessions (
    id_sha256  TEXT NOT NULL PRIMARY KEY CHECK (length(id_sha256) = 64),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Secrets every node serving this database must share, made on first use
-- (`session_signing_key`: the HS256 key session JWTs are signed with, 32
-- random bytes as url-safe base64). The first node to need one inserts it
-- if absent and every node reads back the row that won.
CREATE TABLE secrets (
    name       TEXT NOT NULL PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
