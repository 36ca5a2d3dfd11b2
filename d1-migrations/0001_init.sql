-- Qanat's storage schema, for Cloudflare D1 and for the native host's embedded
-- SQLite file alike: wrangler applies this folder to D1 (`migrations_dir` in
-- wrangler.toml), and `qanat serve` embeds the same files and records them in
-- the same `d1_migrations` table, so both hosts run on one schema.
--
-- Rules this file follows, and why:
-- * No BEGIN/COMMIT and no PRAGMA: D1 rejects explicit transactions and most
--   pragmas in migrations. Each runner wraps a file in its own transaction.
-- * JSON is stored as TEXT. SQLite has no JSON column type; its json_*
--   functions (which D1 has too) read TEXT, and a document is written whole.
-- * Times are TEXT in RFC 3339 UTC (`2024-01-31T12:00:00.000Z`), exactly as
--   Sanity prints `_createdAt`/`_updatedAt`, so they sort as strings and are
--   returned without conversion. Core supplies them; the database never reads
--   a clock for document data.
-- * Every content table is keyed by `dataset` first: one D1 database holds all
--   datasets of a project, and every query is scoped to one dataset.
-- * Content tables have no foreign key to `datasets`: deleting a dataset is
--   done by the host in bounded batches, since D1 limits how long one
--   statement may run and a cascade over millions of rows would exceed it.

-- Datasets of the project. `acl_mode` is Sanity's: 'public' datasets may be
-- read without a token, 'private' ones may not. Custom ACL modes are not
-- supported by Sanity's public API, so neither here.
CREATE TABLE datasets (
    name       TEXT NOT NULL PRIMARY KEY,
    acl_mode   TEXT NOT NULL DEFAULT 'public' CHECK (acl_mode IN ('public', 'private')),
    created_at TEXT NOT NULL
);

-- The current version of every document. `body` is the whole document as JSON,
-- including `_id`, `_type`, `_rev`, `_createdAt` and `_updatedAt`; the columns
-- beside it copy those attributes so the store can filter and sort on them
-- without parsing JSON. Drafts (`drafts.x`) and versions (`versions.<r>.x`)
-- are ordinary rows with those ids, as in Sanity.
CREATE TABLE documents (
    dataset    TEXT NOT NULL,
    id         TEXT NOT NULL,
    type       TEXT NOT NULL,
    rev        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (dataset, id)
);
-- `_type == "post"` is the most common GROQ filter by far; core's planner turns
-- it into `type = ?`. Indexes on other JSON paths are added by later
-- migrations as the planner learns to use them.
CREATE INDEX documents_by_type ON documents (dataset, type);

-- The transaction log: one row per committed transaction, in the order the
-- dataset's single writer committed them. `seq` is that order (1, 2, 3, …
-- per dataset); listeners resume from it (`Last-Event-ID`) and history reads
-- walk it. `id` is Sanity's transaction id, which is also the `_rev` of every
-- document the transaction wrote.
CREATE TABLE transactions (
    dataset   TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    id        TEXT    NOT NULL,
    timestamp TEXT    NOT NULL,
    -- The user id of whoever committed it; NULL when no identity applies
    -- (e.g. a migration run by the host itself).
    author    TEXT,
    -- The mutations as received (a JSON array), for history and replays.
    mutations TEXT    NOT NULL,
    -- What the transaction did to each document, as mendoza patches keyed by
    -- document id (JSON), so listeners and history need not recompute them.
    effects   TEXT    NOT NULL,
    PRIMARY KEY (dataset, seq),
    UNIQUE (dataset, id)
);

-- Which documents each transaction touched, with their revision before and
-- after. A document's history is this table read by `doc_id`; a commit's
-- revision checks (`ifRevisionID`) compare against `previous_rev`.
-- `previous_rev` is NULL when the transaction created the document and
-- `result_rev` is NULL when it deleted it.
CREATE TABLE transaction_documents (
    dataset      TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    doc_id       TEXT    NOT NULL,
    previous_rev TEXT,
    result_rev   TEXT,
    PRIMARY KEY (dataset, seq, doc_id)
);
CREATE INDEX transaction_documents_by_doc ON transaction_documents (dataset, doc_id, seq);

-- Uploaded files and images. The asset *document* (`sanity.imageAsset`,
-- `sanity.fileAsset`) lives in `documents` like any other; this table says
-- where its bytes are (an R2 key at the edge, a path under the data dir on the
-- native host). Sanity names assets after the SHA-1 of their bytes and
-- returns the existing asset when the same bytes are uploaded again, hence the
-- lookup by `sha1hash`.
CREATE TABLE assets (
    dataset     TEXT    NOT NULL,
    id          TEXT    NOT NULL,  -- e.g. image-<sha1>-<w>x<h>-<ext>, file-<sha1>-<ext>
    kind        TEXT    NOT NULL CHECK (kind IN ('image', 'file')),
    sha1hash    TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    mime_type   TEXT    NOT NULL,
    extension   TEXT    NOT NULL,
    storage_key TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (dataset, id)
);
CREATE INDEX assets_by_hash ON assets (dataset, kind, sha1hash);

-- People and robots that may hold tokens. Robot tokens in Sanity are users of
-- their own, so one table serves both.
CREATE TABLE users (
    id           TEXT NOT NULL PRIMARY KEY,
    name         TEXT NOT NULL,
    email        TEXT UNIQUE,
    is_robot     INTEGER NOT NULL DEFAULT 0 CHECK (is_robot IN (0, 1)),
    created_at   TEXT NOT NULL
);

-- API tokens. Only the SHA-256 of a token (lowercase hex) is stored, never the
-- token: a leaked database or backup must not let anyone in. A request's
-- bearer token is hashed and looked up here.
CREATE TABLE tokens (
    id           TEXT NOT NULL PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT
);
CREATE INDEX tokens_by_user ON tokens (user_id);

-- Roles as Sanity defines them (administrator, editor, viewer, … and custom
-- ones). What a role may do is its list of grants below.
CREATE TABLE roles (
    name        TEXT NOT NULL PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

-- A role's grants: a GROQ filter and the permissions it gives on the
-- documents that match it (`["read"]`, `["read","create","update"]`, …, a
-- JSON array), per dataset or for all datasets (`dataset = '*'`). Core's
-- `grants` module evaluates them; the store only lists them.
CREATE TABLE grants (
    id          INTEGER PRIMARY KEY,
    role        TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    dataset     TEXT NOT NULL DEFAULT '*',
    filter      TEXT NOT NULL,
    permissions TEXT NOT NULL
);
CREATE INDEX grants_by_role ON grants (role, dataset);

-- Which roles each user holds, per dataset or for all (`'*'`). Sanity assigns
-- roles to project members; a token acts with its user's roles.
CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    dataset TEXT NOT NULL DEFAULT '*',
    PRIMARY KEY (user_id, role, dataset)
);
