//! Which transactions of a dataset to read, and the SELECT that reads them
//! in either SQL dialect (SQLite and D1, or PostgreSQL).

use serde_json::Value as Json;

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

/// The SQL dialect a statement is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite and D1: `?N` placeholders, lists through `json_each`.
    Sqlite,
    Postgres,
}

/// A parameter of a [`LogStatement`].
#[derive(Debug, Clone, PartialEq)]
pub enum LogParam {
    Text(String),
    Int(i64),
}

/// A SELECT of the log and its parameters, in placeholder order. Its
/// columns: `seq, id, timestamp, author, mutations, effects` (the last two
/// as JSON text).
#[derive(Debug, Clone, PartialEq)]
pub struct LogStatement {
    pub sql: String,
    pub params: Vec<LogParam>,
}

impl LogQuery {
    /// The statement that reads this selection of `dataset`'s log.
    pub fn statement(&self, dataset: &str, dialect: Dialect) -> LogStatement {
        let mut params = vec![
            LogParam::Text(dataset.to_owned()),
            LogParam::Int(self.after_seq),
            LogParam::Int(self.up_to_seq),
            LogParam::Int(self.limit),
        ];
        let mut conditions = vec![
            "t.dataset = {1}".to_owned(),
            "t.seq > {2}".to_owned(),
            "t.seq <= {3}".to_owned(),
        ];
        let mut bind = |param: LogParam| {
            params.push(param);
            format!("{{{}}}", params.len())
        };
        // A list is bound as one JSON array whatever its length: D1 and
        // SQLite cap the number of parameters.
        let in_list = |p: String| match dialect {
            Dialect::Sqlite => format!("IN (SELECT value FROM json_each({p}))"),
            Dialect::Postgres => {
                format!("IN (SELECT jsonb_array_elements_text(CAST({p} AS jsonb)))")
            }
        };
        let list = |ids: &Vec<String>| LogParam::Text(Json::from(ids.clone()).to_string());
        if let Some(time) = &self.from_time {
            conditions.push(format!(
                "t.timestamp >= {}",
                bind(LogParam::Text(time.clone()))
            ));
        }
        if let Some(time) = &self.to_time {
            conditions.push(format!(
                "t.timestamp <= {}",
                bind(LogParam::Text(time.clone()))
            ));
        }
        if let Some(authors) = &self.authors {
            conditions.push(format!("t.author {}", in_list(bind(list(authors)))));
        }
        if let Some(documents) = &self.documents {
            conditions.push(format!(
                "t.seq IN (SELECT d.seq FROM transaction_documents d \
                 WHERE d.dataset = {{1}} AND d.doc_id {})",
                in_list(bind(list(documents)))
            ));
        }
        let order = if self.newest_first { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT t.seq, t.id, t.timestamp, t.author, CAST(t.mutations AS TEXT) AS mutations, \
             CAST(t.effects AS TEXT) AS effects FROM transactions t WHERE {} \
             ORDER BY t.seq {order} LIMIT {{4}}",
            conditions.join(" AND ")
        );
        let mark = match dialect {
            Dialect::Sqlite => '?',
            Dialect::Postgres => '$',
        };
        LogStatement {
            sql: number_placeholders(&sql, mark),
            params,
        }
    }
}

/// `{n}` as `?n` or `$n`.
fn number_placeholders(sql: &str, mark: char) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].bytes().all(|b| b.is_ascii_digit()) => {
                out.push(mark);
                out.push_str(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_selection_in_both_dialects() {
        let query = LogQuery {
            documents: Some(vec!["a".into()]),
            from_time: Some("2026-01-01T00:00:00.000Z".into()),
            newest_first: true,
            ..LogQuery::default()
        };
        let sqlite = query.statement("production", Dialect::Sqlite);
        assert!(sqlite.sql.contains("t.timestamp >= ?5"), "{}", sqlite.sql);
        assert!(
            sqlite
                .sql
                .contains("d.doc_id IN (SELECT value FROM json_each(?6))"),
            "{}",
            sqlite.sql
        );
        assert!(
            sqlite.sql.ends_with("ORDER BY t.seq DESC LIMIT ?4"),
            "{}",
            sqlite.sql
        );
        assert_eq!(sqlite.params.len(), 6);
        assert_eq!(sqlite.params[5], LogParam::Text("[\"a\"]".into()));
        let postgres = query.statement("production", Dialect::Postgres);
        assert!(postgres.sql.contains("t.dataset = $1"), "{}", postgres.sql);
        assert!(postgres
            .sql
            .contains("jsonb_array_elements_text(CAST($6 AS jsonb))"));
    }
}
