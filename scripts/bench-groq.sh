#!/usr/bin/env bash
# GROQ benchmark: Qanat (native and wasm) against groq-js on the same
# documents and queries, measured in one run, printed as ratios.
# Targets (issue 3): native >= 20x groq-js on every query, wasm in Node >= 5x.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
ITERATIONS="${1:-20}"
[[ -d tests/node_modules/groq-js ]] || (cd tests && npm ci --no-audit --no-fund)
cargo build -q --release -p qanat-core --target wasm32-unknown-unknown
cargo build -q --release -p qanat-core --example groq_bench
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$TARGET_DIR/release/examples/groq_bench" "$work/dataset.ndjson" "$ITERATIONS" > "$work/native.ndjson"
node tests/bench/groq-bench.mjs "$work/dataset.ndjson" "$work/native.ndjson" \
    "$TARGET_DIR/wasm32-unknown-unknown/release/qanat_core.wasm" "$ITERATIONS"
