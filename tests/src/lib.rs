//! Shared helpers for the suites under `tests/tests/`.
