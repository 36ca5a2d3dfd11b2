//! Where documents are kept. One module per backend.

pub mod db;
pub mod documents;
pub mod sqlite;

pub use db::Db;
