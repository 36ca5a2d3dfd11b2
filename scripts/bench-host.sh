#!/usr/bin/env bash
# Native host benchmark: Qanat's query and write paths against raw SQL on
# the same database, measured in one run, printed as ratios.
# Targets (issue 5): query p50 within 2x of raw SQL; mutations >= 50% of
# plain inserts. On SQLite, then on PostgreSQL when QANAT_DATABASE_URL is set.
# Extra arguments go to the benchmark (--docs N, --transactions N, --iterations N).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo build -q --release -p qanat-host --example host_bench
"$TARGET_DIR/release/examples/host_bench" "$@"
if [[ -n "${QANAT_DATABASE_URL:-}" ]]; then
    "$TARGET_DIR/release/examples/host_bench" --database-url "$QANAT_DATABASE_URL" "$@"
fi
