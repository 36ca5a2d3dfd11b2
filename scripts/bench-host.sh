#!/usr/bin/env bash
# Native host benchmark, measured in one run and printed as ratios against a
# baseline on the same database (see native-host/examples/host_bench/):
#   query      p50 within 2x of the raw SQL returning the same rows
#   mutations  at least 50% of the transactions per second of plain inserts
#              with --clients (8) clients at once on as many connections;
#              one client at a time, against one kept connection and the
#              pool, for reference
#   fan-out    1,000 SSE listeners on one node: commit acknowledged -> last
#              listener received (p50/p99)
# On SQLite, then on PostgreSQL when QANAT_DATABASE_URL is set. Extra
# arguments go to the benchmark (--docs N, --iterations N, --transactions N,
# --clients N, --listeners N, --rounds N).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# Every listener holds two sockets (its own and the server's end).
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build -q --release -p qanat-host --example host_bench
"$TARGET_DIR/release/examples/host_bench" "$@"
if [[ -n "${QANAT_DATABASE_URL:-}" ]]; then
    "$TARGET_DIR/release/examples/host_bench" --database-url "$QANAT_DATABASE_URL" "$@"
fi
