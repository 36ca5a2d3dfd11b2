//! Shared helpers for the suites under `tests/tests/`.

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file under `../shared/reference/`, which CI places beside the clone.
pub fn reference_path(relative: &str) -> PathBuf {
    repo_root().join("../shared/reference").join(relative)
}

pub mod conformance;
pub mod doc_gen;
pub mod node;
pub mod patch_gen;
pub mod rng;
pub mod wasm;
