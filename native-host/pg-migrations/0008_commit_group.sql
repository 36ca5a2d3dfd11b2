-- PostgreSQL only: several transactions of one dataset committed by one
-- call, for a writer that decided them one after another while they waited
-- (native-host/src/dataset/writer/group.rs).
--
-- A durable commit waits for the disk, and each call pays a round trip and
-- the setup of its statement; when writes queue up, one call and one flush
-- for the whole group is what lets a dataset's single writer keep up with
-- many clients. Each transaction keeps its own `seq`, log entry and
-- touched rows, so the log is exactly what committing them one by one
-- would have left.
--
-- `p_documents` and `p_deleted` are the group's net effect on the
-- documents (each id's state after its last member), `p_transactions` is
-- `[{n, id, timestamp, author, mutations, effects, touched}]` with `n` the
-- member's place from 1, `touched` as `qanat_commit`'s `p_touched`, and
-- `p_reads` what the group assumed before its first member, checked as
-- `qanat_commit` (0006) checks a single write's reads: the members after
-- it were decided on what the ones before them leave, which this call
-- writes.
--
-- Returns the first member's `seq` (the others follow it), or NULL and
-- the documents read as they are now, as 0007 does, writing nothing. One
-- notification, of the last `seq`, tells the other nodes: they read every
-- commit after the last they announced from the log.
CREATE OR REPLACE FUNCTION qanat_commit_group(
    p_dataset      TEXT,
    p_documents    TEXT,
    p_deleted      TEXT,
    p_transactions TEXT,
    p_channel      TEXT,
    p_reads        TEXT,
    OUT first_seq  BIGINT,
    OUT current    TEXT
)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    last_seq BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_dataset, 0));

    WITH reads AS (
        SELECT CAST(p_reads AS JSONB) AS r
    ), fresh AS (
        SELECT 1
        FROM reads
        WHERE NOT EXISTS (
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
    ), base AS (
        SELECT COALESCE(MAX(seq), 0) AS seq FROM transactions WHERE dataset = p_dataset
    ), members AS (
        SELECT m.*
        FROM fresh, jsonb_to_recordset(CAST(p_transactions AS JSONB))
            AS m(n BIGINT, id TEXT, "timestamp" TEXT, author TEXT, mutations JSONB,
                 effects JSONB, touched JSONB)
    ), logged AS (
        INSERT INTO transactions (dataset, seq, id, timestamp, author, mutations, effects)
        SELECT p_dataset, base.seq + m.n, m.id, m."timestamp", m.author, m.mutations, m.effects
        FROM base, members m
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
        SELECT p_dataset, base.seq + m.n, t.id, t."previousRev", t."resultRev"
        FROM base, members m, jsonb_to_recordset(m.touched)
            AS t(id TEXT, "previousRev" TEXT, "resultRev" TEXT)
    )
    SELECT MIN(seq), MAX(seq) INTO first_seq, last_seq FROM logged;

    IF first_seq IS NOT NULL THEN
        -- Delivered only if the transaction commits, and in commit order.
        PERFORM pg_notify(p_channel, p_dataset || ':' || last_seq);
    ELSE
        SELECT COALESCE(jsonb_agg(d.body), '[]')::TEXT INTO current
        FROM documents d
        WHERE d.dataset = p_dataset
          AND d.id = ANY (ARRAY(
              SELECT jsonb_object_keys(COALESCE(CAST(p_reads AS JSONB) -> 'revisions', '{}'))));
    END IF;
END
$$;
