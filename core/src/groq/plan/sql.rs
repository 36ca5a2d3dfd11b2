//! What the renderers produce, and the part of the storage schema they share.

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
pub(super) fn system_column(path: &super::FieldPath) -> Option<&'static str> {
    Some(match path.top_level()? {
        "_id" => "id",
        "_type" => "type",
        "_rev" => "rev",
        "_createdAt" => "created_at",
        "_updatedAt" => "updated_at",
        _ => return None,
    })
}
