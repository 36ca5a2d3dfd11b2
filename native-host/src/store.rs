//! Where documents are kept. One module per backend.

pub mod documents;
pub mod sqlite;
