//! What the renderers produce, the part of the storage schema they share, and
//! the writer that renders a [`Predicate`] through a [`Dialect`].

use super::dialect::{Dialect, Json, Kind};
use super::predicate::{FieldPath, Ordered, Predicate, Scalar, ScalarList, SortKey};

/// A boolean SQL expression over one row of `documents`, to be placed in a
/// `WHERE` clause (parenthesised, it combines with other conditions). It
/// names the columns unqualified (`body`, `type`, `id`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct SqlFilter {
    pub sql: String,
    /// In placeholder order.
    pub params: Vec<SqlParam>,
}

/// A bound value. SQLite receives lists as one JSON text (D1 binds at most
/// 100 parameters per statement, so an `_id in $ids` of 500 ids must not
/// become 500 placeholders); Postgres receives them as arrays.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlParam {
    Text(String),
    Real(f64),
    Bool(bool),
    TextArray(Vec<String>),
    RealArray(Vec<f64>),
}

/// The column that copies a top-level system attribute. The store writes
/// these from the body on every commit and they are never null, always
/// strings, so `_type == "post"` can become `type = ?` and use the index on
/// `(dataset, type)`.
fn system_column(path: &FieldPath) -> Option<&'static str> {
    Some(match path.top_level()? {
        "_id" => "id",
        "_type" => "type",
        "_rev" => "rev",
        "_createdAt" => "created_at",
        "_updatedAt" => "updated_at",
        _ => return None,
    })
}

/// The JSON fields `predicate` compares with a string by `==` (outside
/// any `!`): the terms an expression index on the field's value (see
/// `index_expression_sqlite`/`_postgres`) can answer. System fields have
/// columns of their own and are left out.
pub fn indexable_paths(predicate: &Predicate) -> Vec<FieldPath> {
    let mut paths = Vec::new();
    let mut stack = vec![predicate];
    while let Some(p) = stack.pop() {
        match p {
            Predicate::Equals {
                path,
                value: Scalar::String(_),
            } if system_column(path).is_none() && !paths.contains(path) => {
                paths.push(path.clone());
            }
            Predicate::And(a, b) | Predicate::Or(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            _ => {}
        }
    }
    paths
}

/// The expression the rendering compares a string field by, which an
/// index must be built on, textually the same, to be used for it.
pub(super) fn index_expression<D: Dialect>(dialect: &D, path: &FieldPath) -> String {
    dialect.value(Json::Field(path), Kind::String)
}

pub(super) fn render<D: Dialect>(dialect: &D, predicate: &Predicate) -> SqlFilter {
    let mut w = Writer {
        dialect,
        sql: String::new(),
        params: Vec::new(),
    };
    w.predicate(predicate);
    SqlFilter {
        sql: w.sql,
        params: w.params,
    }
}

/// The `ORDER BY` terms (without the keywords) that sort rows as GROQ's
/// `order()` sorts documents: by each key in GROQ's total order (numbers,
/// then strings, then booleans, then null, missing, arrays and objects as
/// equals), reversed for `desc`, and ties in `_id` order, which is the order
/// `*` lists documents in and `order()` keeps for ties.
///
/// Each JSON key becomes a rank (its type's place in that order) and one
/// term per type, each NULL except for rows of its type; rows of one rank
/// then compare on the one term they all have, so no database ever compares
/// values of two types.
pub(super) fn render_order<D: Dialect>(dialect: &D, keys: &[SortKey]) -> String {
    let mut terms = Vec::new();
    for key in keys {
        let dir = if key.descending { " DESC" } else { " ASC" };
        if let Some(column) = system_column(&key.path) {
            // Always a string.
            terms.push(format!("{column}{}{dir}", D::STRING_ORDER));
            continue;
        }
        let field = Json::Field(&key.path);
        let ty = dialect.type_of(field);
        let test = |kind| format!("{ty} {}", dialect.is(kind));
        terms.push(format!(
            "(CASE WHEN {} THEN 2 WHEN {} THEN 3 WHEN {} THEN 4 ELSE 5 END){dir}",
            test(Kind::Number),
            test(Kind::String),
            test(Kind::Bool)
        ));
        for (kind, order) in [
            (Kind::Number, ""),
            (Kind::String, D::STRING_ORDER),
            (Kind::Bool, ""),
        ] {
            terms.push(format!(
                "(CASE WHEN {} THEN {} END){order}{dir}",
                test(kind),
                dialect.value(field, kind)
            ));
        }
    }
    terms.push(format!("id{} ASC", D::STRING_ORDER));
    terms.join(", ")
}

struct Writer<'d, D> {
    dialect: &'d D,
    sql: String,
    params: Vec<SqlParam>,
}

impl<D: Dialect> Writer<'_, D> {
    fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    fn bind(&mut self, param: SqlParam) {
        let placeholder = self.dialect.placeholder(self.params.len(), &param);
        self.params.push(param);
        self.sql.push_str(&placeholder);
    }

    fn bind_list(&mut self, values: &ScalarList) {
        let param = self.dialect.list(values);
        self.bind(param);
    }

    fn has(&self, json: Json, kind: Kind) -> String {
        format!("{} {}", self.dialect.type_of(json), self.dialect.is(kind))
    }

    /// `'null'` for a missing value, which GROQ does not tell from null.
    fn type_or_null(&self, json: Json) -> String {
        format!("{}({}, 'null')", D::IFNULL, self.dialect.type_of(json))
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
            Predicate::Equals { path, value } => self.equals(path, value),
            Predicate::Compare { path, op, value } => {
                let (kind, param) = match value {
                    Ordered::String(s) => (Kind::String, SqlParam::Text(s.clone())),
                    Ordered::Number(n) => (Kind::Number, SqlParam::Real(*n)),
                };
                let order = if kind == Kind::String {
                    D::STRING_ORDER
                } else {
                    ""
                };
                match system_column(path) {
                    Some(column) if kind == Kind::String => {
                        self.push(&format!("{column}{order} {} ", op.sql()));
                        self.bind(param);
                    }
                    // A system column is always a string, never ordered
                    // against a number.
                    Some(_) => self.push(D::NULL),
                    None => {
                        self.case_when(path, kind, &format!("{order} {} ", op.sql()));
                        self.bind(param);
                        self.push(" END)");
                    }
                }
            }
            Predicate::In { path, values } => {
                let kind = match values {
                    ScalarList::Strings(_) => Kind::String,
                    ScalarList::Numbers(_) => Kind::Number,
                };
                let (open, close) = D::IN_LIST;
                match system_column(path) {
                    Some(column) if kind == Kind::String => {
                        self.push(&format!("{column}{open}"));
                        self.bind_list(values);
                        self.push(close);
                    }
                    Some(_) => self.push("FALSE"),
                    None => {
                        self.case_when(path, kind, open);
                        self.bind_list(values);
                        self.push(&format!("{close} ELSE FALSE END)"));
                    }
                }
            }
            Predicate::Contains { path, value } => {
                if system_column(path).is_some() {
                    // A string is not an array.
                    self.push(D::NULL);
                    return;
                }
                self.push(&format!(
                    "(CASE WHEN {} THEN EXISTS (SELECT 1 FROM {} WHERE ",
                    self.has(Json::Field(path), Kind::Array),
                    self.dialect.elements(path)
                ));
                self.element_equals(value);
                self.push(") END)");
            }
            Predicate::Defined(path) => match system_column(path) {
                Some(_) => self.push("TRUE"),
                None => {
                    let test = self.type_or_null(Json::Field(path));
                    self.push(&format!("({test} <> 'null')"));
                }
            },
            Predicate::References(ids) => {
                let (open, close) = D::REFERENCES;
                self.push(open);
                self.bind_list(&ScalarList::Strings(ids.clone()));
                self.push(close);
            }
        }
    }

    /// Opens `(CASE WHEN` the field is a `kind` `THEN` its value then `rest`,
    /// so the value is only read as a `kind` when it is one; the caller
    /// closes it.
    fn case_when(&mut self, path: &FieldPath, kind: Kind, rest: &str) {
        let field = Json::Field(path);
        let head = format!(
            "(CASE WHEN {} THEN {}{rest}",
            self.has(field, kind),
            self.dialect.value(field, kind)
        );
        self.push(&head);
    }

    fn binary(&mut self, a: &Predicate, op: &str, b: &Predicate) {
        self.push("(");
        self.predicate(a);
        self.push(&format!(" {op} "));
        self.predicate(b);
        self.push(")");
    }

    fn equals(&mut self, path: &FieldPath, value: &Scalar) {
        let Some((kind, param)) = scalar(value) else {
            // A missing field equals null too.
            let test = match system_column(path) {
                Some(_) => "FALSE".to_string(),
                None => format!("({} = 'null')", self.type_or_null(Json::Field(path))),
            };
            return self.push(&test);
        };
        match system_column(path) {
            Some(column) if kind == Kind::String => {
                self.push(&format!("{column} = "));
                self.bind(param);
            }
            // Always a string: never null, a number or a boolean.
            Some(_) => self.push("FALSE"),
            // Written so the comparison is a term of its own that an
            // expression index on the field's value can answer: the value
            // read as text equals the string, and the field is a string
            // (`IS`: FALSE, never NULL, when it is missing, so the whole is
            // TRUE or FALSE as GROQ's `==` is).
            None if kind == Kind::String => {
                let field = Json::Field(path);
                let read = self.dialect.value(field, Kind::String);
                let ty = self.dialect.type_of(field);
                self.push(&format!("({read} = "));
                self.bind(param);
                self.push(&format!(" AND {ty} {})", D::IS_STRING));
            }
            None => {
                self.case_when(path, kind, " = ");
                self.bind(param);
                self.push(" ELSE FALSE END)");
            }
        }
    }

    /// An element's type is never missing, so an `AND` is exact unless the
    /// read could fail.
    fn element_equals(&mut self, value: &Scalar) {
        let Some((kind, param)) = scalar(value) else {
            let test = self.has(Json::Element, Kind::Null);
            return self.push(&test);
        };
        let (test, read) = (
            self.has(Json::Element, kind),
            self.dialect.value(Json::Element, kind),
        );
        if self.dialect.read_can_fail(kind) {
            self.push(&format!("CASE WHEN {test} THEN {read} = "));
            self.bind(param);
            self.push(" ELSE FALSE END");
        } else {
            self.push(&format!("{test} AND {read} = "));
            self.bind(param);
        }
    }
}

/// `None` for null, which is a type test and binds nothing.
fn scalar(value: &Scalar) -> Option<(Kind, SqlParam)> {
    Some(match value {
        Scalar::Null => return None,
        Scalar::Bool(b) => (Kind::Bool, SqlParam::Bool(*b)),
        Scalar::Number(n) => (Kind::Number, SqlParam::Real(*n)),
        Scalar::String(s) => (Kind::String, SqlParam::Text(s.clone())),
    })
}
