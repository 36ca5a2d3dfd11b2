-- PostgreSQL only: `qanat_commit` (0006), and when the write's reads are
-- stale, the documents as they are now instead of nothing.
--
-- A dataset's writer may decide a write on documents it remembers from its
-- own earlier writes, or on the guess that an id it has never seen is not
-- stored, without reading them first: the commit checks every such
-- assumption under the lock exactly as it checks a read. A write that
-- assumed right is one round trip; one that assumed wrong gets, from the
-- same call, what it should have read (still under the lock, so as of the
-- moment the check failed) and decides again, as a write that read would
-- have. No write needs more round trips than reading first would take.
--
-- `current` is a JSON array of the stored bodies of the ids in
-- `p_reads.revisions` (those not stored are absent), or NULL when `seq` is
-- set. A new function rather than a new return type for `qanat_commit`, so
-- that servers of the previous version sharing the database keep working
-- until they are upgraded.
CREATE OR REPLACE FUNCTION qanat_commit_or_current(
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
    p_reads          TEXT,
    OUT seq          BIGINT,
    OUT current      TEXT
)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    seq := qanat_commit(p_dataset, p_documents, p_deleted, p_touched, p_transaction_id,
                        p_timestamp, p_author, p_mutations, p_effects, p_channel, p_reads);
    IF seq IS NULL THEN
        SELECT COALESCE(jsonb_agg(d.body), '[]')::TEXT INTO current
        FROM documents d
        WHERE d.dataset = p_dataset
          AND d.id = ANY (ARRAY(
              SELECT jsonb_object_keys(COALESCE(CAST(p_reads AS JSONB) -> 'revisions', '{}'))));
    END IF;
END
$$;
