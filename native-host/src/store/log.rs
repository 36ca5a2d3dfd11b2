//! Reading the transaction log: what listeners resume from and history reads.

use serde_json::Value as Json;
use sqlx::Row;

use super::{identity::on_pool, sqlite::StoreError, Db};

/// One committed transaction as the log keeps it (core's, which rebuilds
/// history from it).
pub use qanat_core::history::LogEntry as LoggedTransaction;

/// Which transactions of a dataset to read. Every bound narrows the
/// selection; the defaults select the whole log, oldest first.
#[derive(Debug, Clone)]
pub struct LogQuery {
    /// Only transactions after this `seq` (exclusive).
    pub after_seq: i64,
    /// Only transactions up to this `seq` (inclusive).
    pub up_to_seq: i64,
    /// Only transactions at or after this time (the stored RFC 3339 form).
    pub from_time: Option<String>,
    /// Only transactions at or before this time (the stored RFC 3339 form).
    pub to_time: Option<String>,
    /// Only transactions committed by one of these users.
    pub authors: Option<Vec<String>>,
    /// Only transactions that touched one of these documents; answered from
    /// `transaction_documents`, so a document's history never reads the
    /// rest of the log.
    pub documents: Option<Vec<String>>,
    pub newest_first: bool,
    pub limit: i64,
}

impl Default for LogQuery {
    fn default() -> LogQuery {
        LogQuery {
            after_seq: 0,
            up_to_seq: i64::MAX,
            from_time: None,
            to_time: None,
            authors: None,
            documents: None,
            newest_first: false,
            limit: i64::MAX,
        }
    }
}

impl Db {
    /// Up to `limit` transactions of `dataset` committed after `seq`, oldest first.
    pub async fn transactions_after(
        &self,
        dataset: &str,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<LoggedTransaction>, StoreError> {
        let query = LogQuery {
            after_seq: seq,
            limit,
            ..LogQuery::default()
        };
        self.transactions(dataset, &query).await
    }

    /// The transactions of `dataset` that `query` selects, in `seq` order.
    pub async fn transactions(
        &self,
        dataset: &str,
        query: &LogQuery,
    ) -> Result<Vec<LoggedTransaction>, StoreError> {
        let sql = log_sql(self, query);
        // The binds follow the placeholders `log_sql` numbered, in order.
        let lists = [&query.authors, &query.documents]
            .into_iter()
            .flatten()
            .map(|list| Json::from(list.clone()).to_string());
        let times = [&query.from_time, &query.to_time].into_iter().flatten();
        let rows = on_pool!(self, pool => {
            let mut statement = sqlx::query(&sql)
                .bind(dataset)
                .bind(query.after_seq)
                .bind(query.up_to_seq)
                .bind(query.limit);
            for time in times {
                statement = statement.bind(time.as_str());
            }
            for list in lists {
                statement = statement.bind(list);
            }
            statement
                .fetch_all(pool)
                .await?
                .iter()
                .map(|row| {
                    logged(
                        row.try_get("seq")?,
                        row.try_get("id")?,
                        row.try_get("timestamp")?,
                        row.try_get("author")?,
                        row.try_get("mutations")?,
                        row.try_get("effects")?,
                    )
                })
                .collect::<Result<Vec<_>, StoreError>>()?
        });
        Ok(rows)
    }

    /// The `seq` of transaction `id` in `dataset`, if the log has it.
    pub async fn transaction_seq(
        &self,
        dataset: &str,
        id: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT seq FROM transactions WHERE dataset = $1 AND id = $2")
                .bind(dataset)
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The `seq` of the newest transaction of `dataset` (0 when none).
    pub async fn last_seq(&self, dataset: &str) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM transactions WHERE dataset = $1",
            )
            .bind(dataset)
            .fetch_one(pool)
            .await?
        }))
    }
}

/// The SELECT for `query`, with `$n` placeholders (both backends read them):
/// `$1` dataset, `$2`/`$3` the seq bounds, `$4` the limit, then the times
/// and the lists that are set, in that order.
fn log_sql(db: &Db, query: &LogQuery) -> String {
    let mut conditions = vec![
        "t.dataset = $1".to_owned(),
        "t.seq > $2".to_owned(),
        "t.seq <= $3".to_owned(),
    ];
    let mut next = 5;
    let mut placeholder = || {
        let p = format!("${next}");
        next += 1;
        p
    };
    if query.from_time.is_some() {
        conditions.push(format!("t.timestamp >= {}", placeholder()));
    }
    if query.to_time.is_some() {
        conditions.push(format!("t.timestamp <= {}", placeholder()));
    }
    // A list is bound as one JSON array whatever its length: D1 and SQLite
    // cap the number of parameters.
    let in_list = |p: String| match db {
        Db::Sqlite { .. } => format!("IN (SELECT value FROM json_each({p}))"),
        Db::Postgres(_) => format!("IN (SELECT jsonb_array_elements_text(CAST({p} AS jsonb)))"),
    };
    if query.authors.is_some() {
        conditions.push(format!("t.author {}", in_list(placeholder())));
    }
    if query.documents.is_some() {
        conditions.push(format!(
            "t.seq IN (SELECT d.seq FROM transaction_documents d \
             WHERE d.dataset = $1 AND d.doc_id {})",
            in_list(placeholder())
        ));
    }
    let order = if query.newest_first { "DESC" } else { "ASC" };
    format!(
        "SELECT t.seq, t.id, t.timestamp, t.author, CAST(t.mutations AS TEXT) AS mutations, \
         CAST(t.effects AS TEXT) AS effects FROM transactions t WHERE {} \
         ORDER BY t.seq {order} LIMIT $4",
        conditions.join(" AND ")
    )
}

fn logged(
    seq: i64,
    id: String,
    timestamp: String,
    author: Option<String>,
    mutations: String,
    effects: String,
) -> Result<LoggedTransaction, StoreError> {
    let parse = |text: &str| {
        serde_json::from_str(text)
            .map_err(|e| StoreError::Corrupt(format!("transaction {id}: {e}")))
    };
    Ok(LoggedTransaction {
        seq,
        mutations: parse(&mutations)?,
        effects: parse(&effects)?,
        id,
        timestamp,
        author,
    })
}
