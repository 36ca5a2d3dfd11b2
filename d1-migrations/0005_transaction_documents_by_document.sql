-- `transaction_documents` is only ever read by document (a document's
-- history: which transactions touched it, in order), so its key now leads
-- with the document and the table is its own index. WITHOUT ROWID makes it
-- one B-tree instead of three (rows, primary key, `_by_doc`), and every
-- commit writes two pages fewer.
CREATE TABLE transaction_documents_by_document (
    dataset      TEXT    NOT NULL,
    doc_id       TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    previous_rev TEXT,
    result_rev   TEXT,
    PRIMARY KEY (dataset, doc_id, seq)
) WITHOUT ROWID;
INSERT INTO transaction_documents_by_document (dataset, doc_id, seq, previous_rev, result_rev)
    SELECT dataset, doc_id, seq, previous_rev, result_rev FROM transaction_documents;
DROP TABLE transaction_documents;
ALTER TABLE transaction_documents_by_document RENAME TO transaction_documents;
