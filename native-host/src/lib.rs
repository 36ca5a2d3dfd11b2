//! Qanat's native host: the `qanat` binary's commands and the pieces they
//! are built from, as a library so integration tests can drive the same
//! stores and routes the binary runs.
//!
//! - `cli` — the command line (clap).
//! - `auth` — who is calling (tokens, roles) and their grants on a dataset.
//! - `serve` / `routes` — the HTTP server (axum) and one file per endpoint.
//! - `dataset` — each dataset's single writer and its commit channel.
//! - `store` — SQLite (embedded, the d1-migrations schema) and, through
//!   core's `Store` trait, the documents GROQ reads.
//! - `groq` — `qanat groq`, a query over an NDJSON file.
//! - `transfer` — `qanat import` / `qanat export`, a dataset as NDJSON.
//! - `error` — the host's error type and its mapping to Sanity's error JSON.

pub mod auth;
pub mod cli;
pub mod dataset;
pub mod error;
pub mod groq;
pub mod routes;
pub mod serve;
pub mod store;
pub mod transfer;
