-- PostgreSQL only (D1 orders a dataset's writes in a Durable Object, SQLite
-- takes its one write lock with the first read): a dataset write's commit
-- as one call, so that a writer can read without any lock and still never
-- commit on a stale read.
--
-- The writer reads the documents it needs outside any transaction, core
-- decides, and this function then takes the dataset's write lock, checks
-- that everything the writer read is still as it read it, and only then
-- writes the commit's rows (the rows of core's `CommitRows`, as
-- `SQLITE_COMMIT` writes them on SQLite) and announces the commit. A write
-- is two round trips (read, commit) rather than four (BEGIN with the lock,
-- read, commit, COMMIT). It returns the commit's `seq`, or NULL when a
-- read is stale: nothing is written and the writer decides again.
--
-- `p_reads` is `{"revisions": {id: rev or null}, "prefixes": {prefix:
-- [id, ...]}}`: the revision of each document read by id (null: absent)
-- and, for each id prefix listed, every id it matched in byte order.
--
-- Each statement of a VOLATILE function takes a fresh snapshot under READ
-- COMMITTED (the server's connections are set to it), so the statement
-- after the lock sees every commit that finished before it. Called inside
-- a transaction that already holds the lock, the checks simply pass.
--
-- The checks and the writes are one statement: every statement a function
-- runs has its executor set up and torn down, which costs more here than
-- the writes themselves. The lock and the notification are simple
-- expressions, which PL/pgSQL evaluates without an executor.
CREATE OR REPLACE FUNCTION qanat_commit(
    p_dataset        TEXT,
    p_documents      TEXT,
    p_deleted        TEXT,
    p_touched        TEXT,
    p_transaction_id TEXT,
    p_timestamp      TEXT,
    p_author         TEXT,
    p_mutations      TEXT,
    p_effects        TEXT,
    p_channel        TEXT,
    p_reads          TEXT
) RETURNS BIGINT
LANGUAGE plpgsql VOLATILE
-- A custom plan per call would plan the whole statement on every commit.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    committed BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_dataset, 0));

    WITH reads AS (
        SELECT CAST(p_reads AS JSONB) AS r
    ), fresh AS (
        SELECT 1
        FROM reads
        WHERE NOT EXISTS (
            -- One primary-key lookup per document read: a join would let
            -- the planner, which cannot see how few there are, scan the
            -- dataset.
            SELECT 1
            FROM jsonb_each(COALESCE(reads.r -> 'revisions', '{}')) AS rev(id, rev)
            WHERE (SELECT d.rev FROM documents d WHERE d.dataset = p_dataset AND d.id = rev.id)
                IS DISTINCT FROM (rev.rev #>> '{}')
        ) AND NOT EXISTS (
            SELECT 1
            FROM jsonb_each(COALESCE(reads.r -> 'prefixes', '{}')) AS listed(prefix, ids)
            WHERE listed.ids <> (
                SELECT COALESCE(jsonb_agg(d.id ORDER BY d.id COLLATE "C"), '[]')
                FROM documents d
                WHERE d.dataset = p_dataset
                  AND substr(d.id, 1, length(listed.prefix)) = listed.prefix
            )
        )
    ), logged AS (
        INSERT INTO transactions (dataset, seq, id, timestamp, author, mutations, effects)
        SELECT p_dataset,
               (SELECT COALESCE(MAX(seq), 0) + 1 FROM transactions WHERE dataset = p_dataset),
               p_transaction_id, p_timestamp, p_author,
               CAST(p_mutations AS JSONB), CAST(p_effects AS JSONB)
        FROM fresh
        RETURNING seq
    ), written AS (
        INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body)
        SELECT p_dataset, d.id, d.type, d.rev, d."createdAt", d."updatedAt", CAST(d.body AS JSONB)
        FROM fresh, jsonb_to_recordset(CAST(p_documents AS JSONB))
            AS d(id TEXT, type TEXT, rev TEXT, "createdAt" TEXT, "updatedAt" TEXT, body TEXT)
        ON CONFLICT (dataset, id) DO UPDATE SET type = excluded.type, rev = excluded.rev,
            created_at = excluded.created_at, updated_at = excluded.updated_at,
            body = excluded.body
    ), removed AS (
        DELETE FROM documents
        WHERE dataset = p_dataset
          AND id = ANY (ARRAY(
              SELECT jsonb_array_elements_text(CAST(p_deleted AS JSONB)) FROM fresh))
    ), touched AS (
        INSERT INTO transaction_documents (dataset, seq, doc_id, previous_rev, result_rev)
        SELECT p_dataset, logged.seq, t.id, t."previousRev", t."resultRev"
        FROM logged, jsonb_to_recordset(CAST(p_touched AS JSONB))
            AS t(id TEXT, "previousRev" TEXT, "resultRev" TEXT)
    )
    SELECT seq INTO committed FROM logged;

    IF committed IS NOT NULL THEN
        -- Delivered only if the transaction commits, and in commit order.
        PERFORM pg_notify(p_channel, p_dataset || ':' || committed);
    END IF;
    RETURN committed;
END
$$;
