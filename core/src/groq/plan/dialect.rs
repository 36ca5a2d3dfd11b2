//! What differs between the SQL dialects: how a JSON value is read and its
//! type named, how a value is bound, and the few spellings that are not
//! standard SQL. The shape of each atom's SQL is the same in both and lives in
//! `sql.rs`.

use super::predicate::{FieldPath, ScalarList};
use super::sql::SqlParam;

/// A JSON type GROQ tells apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
}

/// Where a JSON value is read: a field of `body`, or the element of an array
/// that `Contains` iterates over.
#[derive(Debug, Clone, Copy)]
pub(super) enum Json<'a> {
    Field(&'a FieldPath),
    Element,
}

pub(super) trait Dialect {
    /// A boolean NULL.
    const NULL: &'static str;
    /// The two-argument function that replaces a NULL.
    const IFNULL: &'static str;
    /// Written after a string that is ordered, so that `<` follows GROQ's
    /// code point order.
    const STRING_ORDER: &'static str;
    /// Written after a type name: TRUE when it names a string, FALSE
    /// otherwise, also when it is NULL (the field is missing).
    const IS_STRING: &'static str;
    /// `x{0}list{1}` tests that `x` is in a bound list.
    const IN_LIST: (&'static str, &'static str);
    /// `{0}ids{1}` tests that `body` has a `_ref` in the bound list of ids.
    const REFERENCES: (&'static str, &'static str);

    /// The placeholder for `param`, the `index`th (from 0) of the statement.
    fn placeholder(&self, index: usize, param: &SqlParam) -> String;
    /// How a list is bound: one parameter, whatever its length.
    fn list(&self, values: &ScalarList) -> SqlParam;
    /// The name of the value's type, NULL when it is missing.
    fn type_of(&self, json: Json) -> String;
    /// The test, written after a type name, that it is `kind`.
    fn is(&self, kind: Kind) -> &'static str;
    /// The value, read as `kind`; only ever evaluated when it is one.
    fn value(&self, json: Json, kind: Kind) -> String;
    /// The elements of the array at `path`, as a table aliased `e`.
    fn elements(&self, path: &FieldPath) -> String;
    /// Whether reading an element of another type as `kind` is an error, so
    /// the read must be kept inside a `CASE` (an `AND` may run it anyway).
    fn read_can_fail(&self, kind: Kind) -> bool;
}
