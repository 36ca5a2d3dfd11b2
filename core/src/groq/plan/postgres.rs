//! [`Predicate`] as SQL for PostgreSQL, where `body` is `JSONB`.
//!
//! Every atom tests `jsonb_typeof` (`'string'`, `'number'`, `'boolean'`,
//! `'null'`, `'array'`, `'object'`, or NULL when missing) before reading the
//! value, inside a `CASE`: Postgres may evaluate both sides of an `AND` in any
//! order, and a cast such as `(body->'n')::float8` fails on a string, so only
//! a `CASE` keeps the cast away from the wrong type. The `ELSE` gives GROQ's
//! answer for the other types: FALSE for `==` and `in`, NULL for orderings.
//!
//! Numbers are compared as `float8`, not `numeric`, because GROQ reads every
//! number as a 64-bit float (`0.1000000000000000001` equals `0.1` there).
//! Strings are ordered with `COLLATE "C"`, byte order in UTF-8, which is code
//! point order as in GROQ; the database's default collation would sort by
//! language rules.

use super::dialect::{Dialect, Json, Kind};
use super::predicate::{FieldPath, Predicate, ScalarList, SortKey};
use super::sql::{index_expression, render, render_order, SqlFilter, SqlParam};

/// Renders `predicate` with placeholders `$first_placeholder`, `$n+1`, … (a
/// caller that binds the dataset as `$1` passes 2).
pub fn to_postgres(predicate: &Predicate, first_placeholder: usize) -> SqlFilter {
    render(
        &Postgres {
            first: first_placeholder,
        },
        predicate,
    )
}

/// The `ORDER BY` terms that sort rows as GROQ's `order()` by `keys`
/// (they bind nothing).
pub fn order_postgres(keys: &[SortKey]) -> String {
    render_order(&Postgres { first: 1 }, keys)
}

/// What an index on `path` must be built on to serve `to_postgres`'s
/// string equality on it.
pub fn index_expression_postgres(path: &FieldPath) -> String {
    index_expression(&Postgres { first: 1 }, path)
}

struct Postgres {
    first: usize,
}

impl Dialect for Postgres {
    /// Postgres only accepts a bare NULL where a boolean is expected if it
    /// can infer the type; this spelling never depends on inference.
    const NULL: &'static str = "CAST(NULL AS BOOLEAN)";
    const IFNULL: &'static str = "COALESCE";
    const STRING_ORDER: &'static str = " COLLATE \"C\"";
    const IS_STRING: &'static str = "IS NOT DISTINCT FROM 'string'";
    const IN_LIST: (&'static str, &'static str) = (" = ANY(", ")");
    // Lax `.**` visits every value at every depth (arrays included, some
    // twice), and `._ref` skips values without one. Any depth: see
    // `Predicate::References` for why that is a superset.
    const REFERENCES: (&'static str, &'static str) = (
        "EXISTS (SELECT 1 FROM jsonb_path_query(body, 'lax $.**._ref') AS r(v) WHERE jsonb_typeof(r.v) = 'string' AND (r.v #>> '{}') = ANY(",
        "))",
    );

    /// `$n::type`: the explicit type keeps the statement valid whatever type
    /// the driver reports for the value.
    fn placeholder(&self, index: usize, param: &SqlParam) -> String {
        let ty = match param {
            SqlParam::Text(_) => "text",
            SqlParam::Real(_) => "float8",
            SqlParam::Bool(_) => "boolean",
            SqlParam::TextArray(_) => "text[]",
            SqlParam::RealArray(_) => "float8[]",
        };
        format!("${}::{ty}", self.first + index)
    }

    fn list(&self, values: &ScalarList) -> SqlParam {
        match values {
            ScalarList::Strings(items) => SqlParam::TextArray(items.clone()),
            ScalarList::Numbers(items) => SqlParam::RealArray(items.clone()),
        }
    }

    fn type_of(&self, json: Json) -> String {
        format!("jsonb_typeof({})", jsonb(json))
    }

    fn is(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Null => "= 'null'",
            Kind::Bool => "= 'boolean'",
            Kind::Number => "= 'number'",
            Kind::String => "= 'string'",
            Kind::Array => "= 'array'",
        }
    }

    fn value(&self, json: Json, kind: Kind) -> String {
        match (kind, json) {
            (Kind::Bool, _) => format!("({})::boolean", jsonb(json)),
            (Kind::Number, _) => format!("({})::float8", jsonb(json)),
            (_, Json::Field(path)) => text(path),
            (_, Json::Element) => "(e.v #>> '{}')".to_string(),
        }
    }

    fn elements(&self, path: &FieldPath) -> String {
        format!("jsonb_array_elements({}) AS e(v)", json(path))
    }

    /// `::boolean` and `::float8` fail on a `jsonb` of another type.
    fn read_can_fail(&self, kind: Kind) -> bool {
        matches!(kind, Kind::Bool | Kind::Number)
    }
}

fn jsonb(value: Json) -> String {
    match value {
        Json::Field(path) => json(path),
        Json::Element => "e.v".to_string(),
    }
}

/// `body->'a'->'b'`: the value as `jsonb`, NULL when missing. Safe to write
/// into SQL because every segment is an identifier.
fn json(path: &FieldPath) -> String {
    let mut out = String::from("body");
    for segment in path.segments() {
        out.push_str(&format!("->'{segment}'"));
    }
    out
}

/// `(body->'a'->>'b')`: the value as text (a string without its quotes).
fn text(path: &FieldPath) -> String {
    let mut out = String::from("(body");
    let segments = path.segments();
    for (i, segment) in segments.iter().enumerate() {
        let arrow = if i + 1 == segments.len() { "->>" } else { "->" };
        out.push_str(&format!("{arrow}'{segment}'"));
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groq::eval::Params;
    use crate::groq::plan::{document_filter, pushdown};
    use crate::groq::value::Value;

    fn render(filter: &str, params: &[(&str, serde_json::Value)], first: usize) -> SqlFilter {
        let query = crate::groq::parse(&format!("*[{filter}]")).expect("parses");
        let params: Params = params
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from_json(v)))
            .collect();
        let filter_expr = document_filter(&query).expect("filter");
        to_postgres(&pushdown(filter_expr, &params).expect("pushes down"), first)
    }

    #[test]
    fn placeholders_count_from_the_first() {
        let f = render(
            r#"_type == "post" && _id in $ids"#,
            &[("ids", serde_json::json!(["a"]))],
            2,
        );
        assert_eq!(f.sql, "(type = $2::text AND id = ANY($3::text[]))");
        assert_eq!(
            f.params,
            vec![
                SqlParam::Text("post".into()),
                SqlParam::TextArray(vec!["a".into()])
            ]
        );
    }

    #[test]
    fn json_fields_are_type_checked_before_a_cast() {
        let f = render("a.b >= 2", &[], 1);
        assert_eq!(
            f.sql,
            "(CASE WHEN jsonb_typeof(body->'a'->'b') = 'number' THEN (body->'a'->'b')::float8 >= $1::float8 END)"
        );
        let f = render(r#"title < "m""#, &[], 1);
        assert_eq!(
            f.sql,
            "(CASE WHEN jsonb_typeof(body->'title') = 'string' THEN (body->>'title') COLLATE \"C\" < $1::text END)"
        );
        assert_eq!(render("_id > 1", &[], 1).sql, Postgres::NULL);
    }

    #[test]
    fn values_are_never_written_into_the_sql() {
        let hostile = "x'); DROP TABLE documents; --";
        let f = render(
            r#"title == $s && title < $s && $s in tags && tags in [$s] && references($s) && n == 424242"#,
            &[("s", hostile.into())],
            1,
        );
        assert!(!f.sql.contains("DROP"), "{}", f.sql);
        assert!(!f.sql.contains("424242"), "{}", f.sql);
        for n in 1..=f.params.len() {
            assert_eq!(
                f.sql.matches(&format!("${n}::")).count(),
                1,
                "${n} in {}",
                f.sql
            );
        }
        assert!(!f.sql.contains(&format!("${}", f.params.len() + 1)));
    }
}
