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

use super::predicate::{FieldPath, Ordered, Predicate, Scalar, ScalarList};
use super::sql::{system_column, SqlFilter, SqlParam};

/// Renders `predicate` with `?` placeholders.
pub fn to_sqlite(predicate: &Predicate) -> SqlFilter {
    let mut w = Writer::default();
    w.predicate(predicate);
    SqlFilter {
        sql: w.sql,
        params: w.params,
    }
}

#[derive(Default)]
struct Writer {
    sql: String,
    params: Vec<SqlParam>,
}

const NUMBER_TYPES: &str = "('integer', 'real')";

impl Writer {
    fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    fn bind(&mut self, param: SqlParam) {
        self.params.push(param);
        self.sql.push('?');
    }

    /// A JSON array of `values`, bound as one parameter for `json_each(?)`.
    fn bind_list(&mut self, values: &ScalarList) {
        let json = match values {
            ScalarList::Strings(items) => serde_json::Value::from(items.clone()),
            // Written as floats (`1.0`), so SQLite reads them as REAL.
            ScalarList::Numbers(items) => serde_json::Value::from(items.clone()),
        };
        self.bind(SqlParam::Text(json.to_string()));
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
                Some(column) => self.column_equals(column, value),
                None => self.equals(path, value),
            },
            Predicate::Compare { path, op, value } => {
                match (system_column(path), value) {
                    (Some(column), Ordered::String(s)) => {
                        self.push(&format!("{column} {} ", op.sql()));
                        self.bind(SqlParam::Text(s.clone()));
                    }
                    // A system column is always a string, never ordered
                    // against a number.
                    (Some(_), Ordered::Number(_)) => self.push("NULL"),
                    (None, Ordered::String(s)) => {
                        let p = json_path(path);
                        self.push(&format!(
                            "(CASE WHEN json_type(body, {p}) = 'text' THEN json_extract(body, {p}) {} ",
                            op.sql()
                        ));
                        self.bind(SqlParam::Text(s.clone()));
                        self.push(" END)");
                    }
                    (None, Ordered::Number(n)) => {
                        let p = json_path(path);
                        self.push(&format!(
                            "(CASE WHEN json_type(body, {p}) IN {NUMBER_TYPES} THEN CAST(json_extract(body, {p}) AS REAL) {} ",
                            op.sql()
                        ));
                        self.bind(SqlParam::Real(*n));
                        self.push(" END)");
                    }
                }
            }
            Predicate::In { path, values } => match (system_column(path), values) {
                (Some(column), ScalarList::Strings(_)) => {
                    self.push(&format!("{column} IN (SELECT value FROM json_each("));
                    self.bind_list(values);
                    self.push("))");
                }
                (Some(_), ScalarList::Numbers(_)) => self.push("FALSE"),
                (None, ScalarList::Strings(_)) => {
                    let p = json_path(path);
                    self.push(&format!(
                        "(CASE WHEN json_type(body, {p}) = 'text' THEN json_extract(body, {p}) IN (SELECT value FROM json_each("
                    ));
                    self.bind_list(values);
                    self.push(")) ELSE FALSE END)");
                }
                (None, ScalarList::Numbers(_)) => {
                    let p = json_path(path);
                    self.push(&format!(
                        "(CASE WHEN json_type(body, {p}) IN {NUMBER_TYPES} THEN CAST(json_extract(body, {p}) AS REAL) IN (SELECT value FROM json_each("
                    ));
                    self.bind_list(values);
                    self.push(")) ELSE FALSE END)");
                }
            },
            Predicate::Contains { path, value } => {
                if system_column(path).is_some() {
                    // A string is not an array.
                    self.push("NULL");
                    return;
                }
                let p = json_path(path);
                self.push(&format!(
                    "(CASE WHEN json_type(body, {p}) = 'array' THEN EXISTS (SELECT 1 FROM json_each(body, {p}) AS e WHERE "
                ));
                match value {
                    Scalar::Null => self.push("e.type = 'null'"),
                    Scalar::Bool(b) => {
                        self.push("e.type IN ('true', 'false') AND e.atom = ");
                        self.bind(SqlParam::Bool(*b));
                    }
                    Scalar::Number(n) => {
                        self.push(&format!(
                            "e.type IN {NUMBER_TYPES} AND CAST(e.atom AS REAL) = "
                        ));
                        self.bind(SqlParam::Real(*n));
                    }
                    Scalar::String(s) => {
                        self.push("e.type = 'text' AND e.atom = ");
                        self.bind(SqlParam::Text(s.clone()));
                    }
                }
                self.push(") END)");
            }
            Predicate::Defined(path) => match system_column(path) {
                Some(_) => self.push("TRUE"),
                None => self.push(&format!(
                    "(IFNULL(json_type(body, {}), 'null') <> 'null')",
                    json_path(path)
                )),
            },
            Predicate::References(ids) => {
                // json_tree gives array elements integer keys, so `key =
                // '_ref'` is an object member (at any depth; see
                // `Predicate::References` for why that is a superset).
                self.push(
                    "EXISTS (SELECT 1 FROM json_tree(body) AS t WHERE t.key = '_ref' AND t.type = 'text' AND t.atom IN (SELECT value FROM json_each(",
                );
                self.bind_list(&ScalarList::Strings(ids.clone()));
                self.push(")))");
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

    fn column_equals(&mut self, column: &str, value: &Scalar) {
        match value {
            Scalar::String(s) => {
                self.push(&format!("{column} = "));
                self.bind(SqlParam::Text(s.clone()));
            }
            // Always a string: never null, a number or a boolean.
            _ => self.push("FALSE"),
        }
    }

    fn equals(&mut self, path: &FieldPath, value: &Scalar) {
        let p = json_path(path);
        match value {
            // A missing field equals null too.
            Scalar::Null => self.push(&format!("(IFNULL(json_type(body, {p}), 'null') = 'null')")),
            Scalar::Bool(b) => {
                self.push(&format!(
                    "(CASE WHEN json_type(body, {p}) IN ('true', 'false') THEN json_extract(body, {p}) = "
                ));
                self.bind(SqlParam::Bool(*b));
                self.push(" ELSE FALSE END)");
            }
            Scalar::Number(n) => {
                self.push(&format!(
                    "(CASE WHEN json_type(body, {p}) IN {NUMBER_TYPES} THEN CAST(json_extract(body, {p}) AS REAL) = "
                ));
                self.bind(SqlParam::Real(*n));
                self.push(" ELSE FALSE END)");
            }
            Scalar::String(s) => {
                self.push(&format!(
                    "(CASE WHEN json_type(body, {p}) = 'text' THEN json_extract(body, {p}) = "
                ));
                self.bind(SqlParam::Text(s.clone()));
                self.push(" ELSE FALSE END)");
            }
        }
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
            "(CASE WHEN json_type(body, '$.author._ref') = 'text' THEN json_extract(body, '$.author._ref') = ? ELSE FALSE END)"
        );
        assert_eq!(f.params, vec![SqlParam::Text("p1".into())]);
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
