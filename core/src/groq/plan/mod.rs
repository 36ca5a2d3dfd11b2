//! The planner: the part of a filter a store can answer with an index,
//! rendered as SQL for SQLite/D1 and for PostgreSQL.
//!
//! A store that must answer `*[_type == "post" && title match "x"]` should not
//! hand core every document of the dataset. [`document_filter`] finds the
//! filter a query applies to `*`, [`pushdown`] takes from it the part made of
//! plain conditions on fields (`_type == "post"`, `_id in $ids`, `views >
//! 500`, `defined(x)`, `references($id)`, `&&`/`||`/`!` of those), and
//! [`to_sqlite`]/[`to_postgres`] write that part as a `WHERE` condition with
//! every value bound as a parameter. Core then evaluates the whole filter on
//! the rows that come back, so only what the SQL keeps must be right:
//!
//! - The [`Predicate`] is *implied* by the filter: any document the filter
//!   keeps satisfies it, so the SQL never drops a row GROQ wants. Of `a && b`
//!   either side will do; `a || b` needs both; `!a` needs `a` exact.
//! - Each atom's SQL is TRUE, FALSE or NULL exactly when GROQ's operator
//!   gives true, false or null for that document (GROQ's `&&`, `||`, `!` are
//!   SQL's three-valued `AND`, `OR`, `NOT`), so the combinations are exact
//!   too. `references()` is the one looser atom.
//! - [`Pushdown::complete`] says the predicate is the whole filter, exactly;
//!   the rows need no further check then.
//!
//! Files: `predicate.rs` (the condition language), `extract.rs` (from the
//! syntax tree), `query.rs` (which filter of a query may be pushed), `sql.rs`
//! (the one SQL writer and what it returns), `dialect.rs` (what the dialects
//! spell differently), `sqlite.rs` and `postgres.rs` (the two dialects),
//! `memory.rs` (the same predicate on a loaded document).

mod dialect;
mod extract;
mod memory;
mod postgres;
mod predicate;
pub(crate) mod query;
mod sql;
mod sqlite;

pub use extract::{plan_filter, pushdown, Pushdown};
pub use memory::Matcher;
pub use postgres::{index_expression_postgres, order_postgres, to_postgres};
pub use predicate::{FieldPath, Order, Ordered, Predicate, Scalar, ScalarList, SortKey};
pub use query::{document_filter, ordered_slice, reads_dataset, OrderedSlice};
pub use sql::{indexable_paths, SqlFilter, SqlParam};
pub use sqlite::{index_expression_sqlite, order_sqlite, to_sqlite};
