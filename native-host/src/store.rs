//! Where documents are kept. One module per backend.

pub mod datasets;
pub mod db;
pub mod documents;
pub mod identity;
pub mod sqlite;

pub use db::Db;
