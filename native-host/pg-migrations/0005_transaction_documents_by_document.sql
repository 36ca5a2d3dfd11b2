-- The twin of d1-migrations/0005: `transaction_documents` is only read by
-- document, so the primary key leads with the document and the separate
-- `_by_doc` index goes (one index fewer for every commit to update).
ALTER TABLE transaction_documents DROP CONSTRAINT transaction_documents_pkey;
ALTER TABLE transaction_documents ADD PRIMARY KEY (dataset, doc_id, seq);
DROP INDEX transaction_documents_by_doc;
