//! Where documents are kept. One module per backend.

pub mod sqlite;
