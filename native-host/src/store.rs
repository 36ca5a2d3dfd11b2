//! Where documents are kept: the embedded SQLite file or PostgreSQL, behind
//! one [`Db`] whose operations (read, commit, the log) behave the same on both.

pub mod commit_group;
pub mod conn;
pub mod dataset_documents;
pub mod datasets;
pub mod db;
pub mod documents;
pub mod identity;
pub mod indexes;
pub mod keyvalue;
pub mod log;
pub mod pg_documents;
pub mod postgres;
pub mod read;
pub mod read_set;
pub mod sessions;
pub mod sqlite;
pub mod write;
pub mod write_connection;

pub use db::Db;
pub use log::{DatasetHistory, LogQuery, LoggedTransaction};
pub use sqlite::StoreError;
pub use write::{DatasetWrite, Locking};
pub use write_connection::WriteConnection;
