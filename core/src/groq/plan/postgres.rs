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

use super::predicate::{FieldPath, Ordered, Predicate, Scalar, ScalarList};
use super::sql::{system_column, SqlFilter, SqlParam};

/// Renders `predicate` with placeholders `$first_placeholder`, `$n+1`, … (a
/// caller that binds the dataset as `$1` passes 2).
pub fn to_postgres(predicate: &Predicate, first_placeholder: usize) -> SqlFilter {
    let mut w = Writer {
        sql: String::new(),
        params: Vec::new(),
        first: first_placeholder,
    };
    w.predicate(predicate);
    SqlFilter {
        sql: w.sql,
        params: w.params,
    }
}

struct Writer {
    sql: String,
    params: Vec<SqlParam>,
    first: usize,
}

/// Postgres only accepts a bare NULL where a boolean is expected if it can
/// infer the type; this spelling never depends on inference.
const NULL: &str = "CAST(NULL AS BOOLEAN)";

impl Writer {
    fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    /// Writes `$n::type` for `param`; the explicit type keeps the statement
    /// valid whatever type the driver reports for the value.
    fn bind(&mut self, param: SqlParam) {
        let ty = match param {
            SqlParam::Text(_) => "text",
            SqlParam::Real(_) => "float8",
            SqlParam::Bool(_) => "boolean",
            SqlParam::TextArray(_) => "text[]",
            SqlParam::RealArray(_) => "float8[]",
        };
        let n = self.first + self.params.len();
        self.params.push(param);
        self.sql.push_str(&format!("${n}::{ty}"));
    }

    fn bind_list(&mut self, values: &ScalarList) {
        self.bind(match values {
            ScalarList::Strings(items) => SqlParam::TextArray(items.clone()),
            ScalarList::Numbers(items) => SqlParam::RealArray(items.clone()),
        });
    }

    fn predicate(&mut self, p: &Predicate) {
        match p {
            Predicate::And(a, b) => self.binary(a, "AND", b),
            Predicate::Or(a, b) => self.binary(a, "OR", b),
            Predicate::Not(a) => {
                self.push("(NOT ");
                self.predicate(a);
                self.push(")");
            }
            Predicate::Equals { path, value } => match system_column(path) {
                Some(column) => match value {
                    Scalar::String(s) => {
                        self.push(&format!("{column} = "));
                        self.bind(SqlParam::Text(s.clone()));
                    }
                    // Always a string: never null, a number or a boolean.
                    _ => self.push("FALSE"),
                },
                None => self.equals(path, value),
            },
            Predicate::Compare { path, op, value } => match (system_column(path), value) {
                (Some(column), Ordered::String(s)) => {
                    self.push(&format!("{column} COLLATE \"C\" {} ", op.sql()));
                    self.bind(SqlParam::Text(s.clone()));
                }
                (Some(_), Ordered::Number(_)) => self.push(NULL),
                (None, Ordered::String(s)) => {
                    let (json, text) = (json(path), text(path));
                    self.push(&format!(
                        "(CASE WHEN jsonb_typeof({json}) = 'string' THEN {text} COLLATE \"C\" {} ",
                        op.sql()
                    ));
                    self.bind(SqlParam::Text(s.clone()));
                    self.push(" END)");
                }
                (None, Ordered::Number(n)) => {
                    let json = json(path);
                    self.push(&format!(
                        "(CASE WHEN jsonb_typeof({json}) = 'number' THEN ({json})::float8 {} ",
                        op.sql()
                    ));
                    self.bind(SqlParam::Real(*n));
                    self.push(" END)");
                }
            },
            Predicate::In { path, values } => match (system_column(path), values) {
                (Some(column), ScalarList::Strings(_)) => {
                    self.push(&format!("{column} = ANY("));
                    self.bind_list(values);
                    self.push(")");
                }
                (Some(_), ScalarList::Numbers(_)) => self.push("FALSE"),
                (None, ScalarList::Strings(_)) => {
                    let (json, text) = (json(path), text(path));
                    self.push(&format!(
                        "(CASE WHEN jsonb_typeof({json}) = 'string' THEN {text} = ANY("
                    ));
                    self.bind_list(values);
                    self.push(") ELSE FALSE END)");
                }
                (None, ScalarList::Numbers(_)) => {
                    let json = json(path);
                    self.push(&format!(
                        "(CASE WHEN jsonb_typeof({json}) = 'number' THEN ({json})::float8 = ANY("
                    ));
                    self.bind_list(values);
                    self.push(") ELSE FALSE END)");
                }
            },
            Predicate::Contains { path, value } => {
                if system_column(path).is_some() {
                    // A string is not an array.
                    self.push(NULL);
                    return;
                }
                let json = json(path);
                self.push(&format!(
                    "(CASE WHEN jsonb_typeof({json}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements({json}) AS e(v) WHERE "
                ));
                match value {
                    Scalar::Null => self.push("jsonb_typeof(e.v) = 'null'"),
                    Scalar::Bool(b) => {
                        self.push("CASE WHEN jsonb_typeof(e.v) = 'boolean' THEN (e.v)::boolean = ");
                        self.bind(SqlParam::Bool(*b));
                        self.push(" ELSE FALSE END");
                    }
                    Scalar::Number(n) => {
                        self.push("CASE WHEN jsonb_typeof(e.v) = 'number' THEN (e.v)::float8 = ");
                        self.bind(SqlParam::Real(*n));
                        self.push(" ELSE FALSE END");
                    }
                    Scalar::String(s) => {
                        self.push("jsonb_typeof(e.v) = 'string' AND (e.v #>> '{}') = ");
                        self.bind(SqlParam::Text(s.clone()));
                    }
                }
                self.push(") END)");
            }
            Predicate::Defined(path) => match system_column(path) {
                Some(_) => self.push("TRUE"),
                None => self.push(&format!(
                    "(COALESCE(jsonb_typeof({}), 'null') <> 'null')",
                    json(path)
                )),
            },
            Predicate::References(ids) => {
                // Lax `.**` visits every value at every depth (arrays
                // included, some twice), and `._ref` skips values without
                // one. Any depth: see `Predicate::References` for why that
                // is a superset.
                self.push(
                    "EXISTS (SELECT 1 FROM jsonb_path_query(body, 'lax $.**._ref') AS r(v) WHERE jsonb_typeof(r.v) = 'string' AND (r.v #>> '{}') = ANY(",
                );
                self.bind_list(&ScalarList::Strings(ids.clone()));
                self.push("))");
            }
        }
    }

    fn binary(&mut self, a: &Predicate, op: &str, b: &Predicate) {
        self.push("(");
        self.predicate(a);
        self.push(&format!(" {op} "));
        self.predicate(b);
        self.push(")");
    }

    fn equals(&mut self, path: &FieldPath, value: &Scalar) {
        let json = json(path);
        match value {
            // A missing field equals null too.
            Scalar::Null => self.push(&format!(
                "(COALESCE(jsonb_typeof({json}), 'null') = 'null')"
            )),
            Scalar::Bool(b) => {
                self.push(&format!(
                    "(CASE WHEN jsonb_typeof({json}) = 'boolean' THEN ({json})::boolean = "
                ));
                self.bind(SqlParam::Bool(*b));
                self.push(" ELSE FALSE END)");
            }
            Scalar::Number(n) => {
                self.push(&format!(
                    "(CASE WHEN jsonb_typeof({json}) = 'number' THEN ({json})::float8 = "
                ));
                self.bind(SqlParam::Real(*n));
                self.push(" ELSE FALSE END)");
            }
            Scalar::String(s) => {
                let text = text(path);
                self.push(&format!(
                    "(CASE WHEN jsonb_typeof({json}) = 'string' THEN {text} = "
                ));
                self.bind(SqlParam::Text(s.clone()));
                self.push(" ELSE FALSE END)");
            }
        }
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
        assert_eq!(render("_id > 1", &[], 1).sql, NULL);
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
