//! [`Predicate`] as SQL for SQLite and Cloudflare D1, where `body` is the
//! document as JSON text.
//!
//! `json_extract` alone cannot tell GROQ's types apart: it returns `true` as
//! 1, an object as its JSON text, and a missing field and a `null` both as
//! NULL. So every atom tests `json_type` first (`'null'`, `'true'`, `'false'`,
//! `'integer'`, `'real'`, `'text'`, `'array'`, `'object'`, or NULL when
//! missing) inside a `CASE`, whose `ELSE` gives GROQ's answer for the other
//! types: FALSE for `==` and `in`, NULL for orderings.
//!
//! Numbers are compared as REAL: GROQ reads every number as a 64-bit float,
//! so an integer beyond 2^53 must be rounded the same way before comparing.
//! Strings compare with SQLite's default BINARY collation, byte by byte in
//! UTF-8, which is code point order, as in GROQ.

use super::dialect::{Dialect, Json, Kind};
use super::predicate::{FieldPath, Predicate, ScalarList, SortKey};
use super::sql::{index_expression, render, render_order, SqlFilter, SqlParam};

/// Renders `predicate` with `?` placeholders.
pub fn to_sqlite(predicate: &Predicate) -> SqlFilter {
    render(&Sqlite, predicate)
}

/// The `ORDER BY` terms that sort rows as GROQ's `order()` by `keys`.
pub fn order_sqlite(keys: &[SortKey]) -> String {
    render_order(&Sqlite, keys)
}

/// What an index on `path` must be built on to serve `to_sqlite`'s string
/// equality on it.
pub fn index_expression_sqlite(path: &FieldPath) -> String {
    index_expression(&Sqlite, path)
}

struct Sqlite;

impl Dialect for Sqlite {
    const NULL: &'static str = "NULL";
    const IFNULL: &'static str = "IFNULL";
    const STRING_ORDER: &'static str = "";
    const IS_STRING: &'static str = "IS 'text'";
    const IN_LIST: (&'static str, &'static str) = (" IN (SELECT value FROM json_each(", "))");
    // json_tree gives array elements integer keys, so `key = '_ref'` is an
    // object member (at any depth; see `Predicate::References` for why that
    // is a superset).
    const REFERENCES: (&'static str, &'static str) = (
        "EXISTS (SELECT 1 FROM json_tree(body) AS t WHERE t.key = '_ref' AND t.type = 'text' AND t.atom IN (SELECT value FROM json_each(",
        ")))",
    );

    fn placeholder(&self, _index: usize, _param: &SqlParam) -> String {
        "?".to_string()
    }

    /// A JSON array, read back with `json_each(?)`.
    fn list(&self, values: &ScalarList) -> SqlParam {
        let json = match values {
            ScalarList::Strings(items) => serde_json::Value::from(items.clone()),
            // Written as floats (`1.0`), so SQLite reads them as REAL.
            ScalarList::Numbers(items) => serde_json::Value::from(items.clone()),
        };
        SqlParam::Text(json.to_string())
    }

    fn type_of(&self, json: Json) -> String {
        match json {
            Json::Field(path) => format!("json_type(body, {})", json_path(path)),
            Json::Element => "e.type".to_string(),
        }
    }

    fn is(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Null => "= 'null'",
            Kind::Bool => "IN ('true', 'false')",
            Kind::Number => "IN ('integer', 'real')",
            Kind::String => "= 'text'",
            Kind::Array => "= 'array'",
        }
    }

    fn value(&self, json: Json, kind: Kind) -> String {
        let raw = match json {
            Json::Field(path) => format!("json_extract(body, {})", json_path(path)),
            Json::Element => "e.atom".to_string(),
        };
        match kind {
            Kind::Number => format!("CAST({raw} AS REAL)"),
            _ => raw,
        }
    }

    fn elements(&self, path: &FieldPath) -> String {
        format!("json_each(body, {}) AS e", json_path(path))
    }

    fn read_can_fail(&self, _kind: Kind) -> bool {
        false
    }
}

/// `'$.a.b'`: safe to write into SQL because every segment is an identifier.
fn json_path(path: &FieldPath) -> String {
    format!("'$.{path}'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groq::eval::Params;
    use crate::groq::plan::{document_filter, pushdown};
    use crate::groq::value::Value;

    fn render(filter: &str, params: &[(&str, serde_json::Value)]) -> SqlFilter {
        let query = crate::groq::parse(&format!("*[{filter}]")).expect("parses");
        let params: Params = params
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from_json(v)))
            .collect();
        let filter_expr = document_filter(&query).expect("filter");
        to_sqlite(&pushdown(filter_expr, &params).expect("pushes down"))
    }

    #[test]
    fn system_attributes_use_their_columns() {
        let f = render(r#"_type == "post" && _id in ["a", "b"]"#, &[]);
        assert_eq!(
            f.sql,
            "(type = ? AND id IN (SELECT value FROM json_each(?)))"
        );
        assert_eq!(
            f.params,
            vec![
                SqlParam::Text("post".into()),
                SqlParam::Text(r#"["a","b"]"#.into())
            ]
        );
        assert_eq!(render("_id == 1", &[]).sql, "FALSE");
        assert_eq!(render("defined(_rev)", &[]).sql, "TRUE");
        assert_eq!(render("_createdAt > 5", &[]).sql, "NULL");
    }

    #[test]
    fn json_fields_are_type_checked() {
        let f = render("views > 500", &[]);
        assert_eq!(
            f.sql,
            "(CASE WHEN json_type(body, '$.views') IN ('integer', 'real') THEN CAST(json_extract(body, '$.views') AS REAL) > ? END)"
        );
        assert_eq!(f.params, vec![SqlParam::Real(500.0)]);
        let f = render("author._ref == $id", &[("id", "p1".into())]);
        assert_eq!(
            f.sql,
            "(json_extract(body, '$.author._ref') = ? AND json_type(body, '$.author._ref') IS 'text')"
        );
        assert_eq!(f.params, vec![SqlParam::Text("p1".into())]);
    }

    #[test]
    fn orders_follow_groq_total_order_then_id() {
        let keys = [
            SortKey {
                path: FieldPath::parse("publishedAt").expect("path"),
                descending: true,
            },
            SortKey {
                path: FieldPath::parse("_id").expect("path"),
                descending: false,
            },
        ];
        let sql = order_sqlite(&keys);
        assert!(
            sql.starts_with(
                "(CASE WHEN json_type(body, '$.publishedAt') IN ('integer', 'real') THEN 2 "
            ),
            "{sql}"
        );
        assert!(sql.ends_with("id ASC, id ASC"), "{sql}");
        assert_eq!(sql.matches(" DESC").count(), 4, "{sql}");
    }

    #[test]
    fn values_are_never_written_into_the_sql() {
        let hostile = "x'); DROP TABLE documents; --";
        let f = render(
            r#"title == $s && title < $s && $s in tags && tags in [$s] && references($s)"#,
            &[("s", hostile.into())],
        );
        assert!(!f.sql.contains("DROP"), "{}", f.sql);
        assert_eq!(f.sql.matches('?').count(), f.params.len());
        let f = render(
            r#"n == 123456 && n > -98765 && flag == true && "zz9" in tags"#,
            &[],
        );
        for needle in ["123456", "98765", "zz9"] {
            assert!(!f.sql.contains(needle), "{needle} in {}", f.sql);
        }
        assert_eq!(f.sql.matches('?').count(), f.params.len());
        assert!(f.params.contains(&SqlParam::Bool(true)));
    }
}
