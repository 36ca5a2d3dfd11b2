//! What a SQLite-dialect store (the native host's SQLite file, D1 at the
//! edge) runs to answer core's GROQ [`Store`](crate::groq::store::Store):
//! the statements and their parameters, so both hosts read alike and only
//! bind and execute.
//!
//! Each returns the `body` column (a document as JSON text), ordered by
//! `id` unless a query's order is pushed down. Id lists travel as one JSON
//! parameter: D1 binds at most 100.

use std::sync::Arc;

use crate::groq::plan::{order_sqlite, to_sqlite, Predicate, SqlParam};
use crate::groq::store::OrderedScan;

/// A statement and its parameters, in order (`?` placeholders).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadStatement {
    pub sql: String,
    pub params: Vec<SqlParam>,
}

/// The documents of `dataset` for which `filter` holds (all for `None`).
pub fn scan(dataset: &str, filter: Option<&Predicate>) -> ReadStatement {
    let mut params = vec![SqlParam::Text(dataset.to_owned())];
    let sql = match filter {
        None => "SELECT body FROM documents WHERE dataset = ? ORDER BY id".to_owned(),
        Some(filter) => {
            let filter = to_sqlite(filter);
            params.extend(filter.params);
            format!(
                "SELECT body FROM documents WHERE dataset = ? AND ({}) ORDER BY id",
                filter.sql
            )
        }
    };
    ReadStatement { sql, params }
}

/// The first `scan.limit` documents of `dataset` that pass `scan.filter`,
/// in `scan.keys`' order.
pub fn scan_ordered(dataset: &str, scan: &OrderedScan<'_>) -> ReadStatement {
    let filter = to_sqlite(scan.filter);
    // substr, not LIKE or GLOB: ids may hold their wildcards.
    let published = if scan.published_only {
        " AND substr(id, 1, 7) <> 'drafts.' AND substr(id, 1, 9) <> 'versions.'"
    } else {
        ""
    };
    // The limit is core's number, not the caller's text: written inline.
    let sql = format!(
        "SELECT body FROM documents WHERE dataset = ? AND ({}){published} ORDER BY {} LIMIT {}",
        filter.sql,
        order_sqlite(scan.keys),
        i64::try_from(scan.limit).unwrap_or(i64::MAX)
    );
    let mut params = vec![SqlParam::Text(dataset.to_owned())];
    params.extend(filter.params);
    ReadStatement { sql, params }
}

/// The stored documents of `dataset` among `ids`.
pub fn get(dataset: &str, ids: &[Arc<str>]) -> ReadStatement {
    let list = serde_json::Value::from(ids.iter().map(|id| id.to_string()).collect::<Vec<_>>());
    ReadStatement {
        sql: "SELECT body FROM documents WHERE dataset = ? \
              AND id IN (SELECT value FROM json_each(?))"
            .to_owned(),
        params: vec![
            SqlParam::Text(dataset.to_owned()),
            SqlParam::Text(list.to_string()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_number_of_ids_is_two_parameters() {
        let ids: Vec<Arc<str>> = (0..500).map(|i| Arc::from(format!("doc-{i}"))).collect();
        let statement = get("production", &ids);
        assert_eq!(statement.sql.matches('?').count(), 2);
        let [SqlParam::Text(dataset), SqlParam::Text(list)] = statement.params.as_slice() else {
            panic!("{:?}", statement.params);
        };
        assert_eq!(dataset, "production");
        let list: Vec<String> = serde_json::from_str(list).expect("a JSON array");
        assert_eq!(list.len(), 500);
    }

    #[test]
    fn a_scan_without_filter_binds_only_the_dataset() {
        let statement = scan("staging", None);
        assert_eq!(statement.params, [SqlParam::Text("staging".to_owned())]);
        assert!(statement.sql.ends_with("ORDER BY id"), "{}", statement.sql);
    }
}
