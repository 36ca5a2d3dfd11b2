#!/usr/bin/env bash
# Edge Worker against the native host, measured in one run on the same
# documents and printed as ratios edge / native (tests/bench/edge-bench.mjs):
#   ping       p50/p99 of GET /ping, a request that reads nothing: the floor
#              each host's stack sets
#   query      p50/p99 of `*[_type == "article" && category == $c]
#              | order(publishedAt desc)[0...20]`, sequential requests, each
#              new to the edge's cache of answers
#   repeated   the same five queries again and again (the edge answers from
#              its cache; the native host has none)
#   mutations  p50/p99 of one-document createOrReplace transactions
# Both servers run here on loopback with fresh temp folders: `qanat serve` on
# SQLite, and the Worker under `wrangler dev --local` (workerd with a local
# D1), so this is the Worker's own cost, not Cloudflare's network. Requests
# alternate between the two so a noisy neighbour hits both alike. It also
# checks once that both answer the query with the same documents.
#   bash scripts/bench-edge.sh [--docs N] [--iterations N] [--transactions N]
# Builds `qanat` (cargo build --release -p qanat-host) and the Worker
# (scripts/edge.sh build) only when they are missing, so rebuild them
# yourself after changing either; needs `bash scripts/edge.sh tools` once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
QANAT="$TARGET_DIR/release/qanat"

if [[ ! -x edge/node_modules/.bin/wrangler ]]; then
    echo "edge/node_modules is missing: run \`bash scripts/edge.sh tools\` first" >&2
    exit 1
fi
[[ -x "$QANAT" ]] || cargo build -q --release -p qanat-host
[[ -f edge/build/worker/shim.mjs ]] || bash scripts/edge.sh build >&2

work="$(mktemp -d)"
groups=()
bench=""
cleanup() {
    [[ -z "$bench" ]] || kill "$bench" 2>/dev/null || true
    # Each server leads its own process group: that takes workerd (a
    # grandchild of wrangler) down with it.
    local group
    for group in "${groups[@]}"; do
        kill -- "-$group" 2>/dev/null || true
    done
    for group in "${groups[@]}"; do
        wait "$group" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
# Without these, Ctrl-C or a kill would skip the EXIT trap's cleanup.
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1",
        () => { console.log(s.address().port); s.close() })'
}

# Waits for GET /ping on PORT; shows LOG if the server PID dies or never answers.
await_ping() {
    local name="$1" port="$2" pid="$3" log="$4" deadline=$((SECONDS + 90))
    until curl -fsS -o /dev/null "http://127.0.0.1:$port/ping" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
            echo "$name did not answer /ping on port $port; its log:" >&2
            tail -n 40 "$log" >&2
            exit 1
        fi
        sleep 0.25
    done
}

# Native host: the SQLite store in a fresh folder, even if the caller's
# environment points `qanat` at PostgreSQL.
unset QANAT_DATABASE_URL
NATIVE_TOKEN="$("$QANAT" token create --role administrator --data-dir "$work/native" \
    2>"$work/native-token.log")" || {
    cat "$work/native-token.log" >&2
    exit 1
}
native_port="$(free_port)"
setsid "$QANAT" serve --port "$native_port" --data-dir "$work/native" \
    </dev/null >"$work/native.log" 2>&1 &
groups+=("$!")
await_ping "qanat serve" "$native_port" "$!" "$work/native.log"

# Edge Worker. WRANGLER_LOG=warn drops wrangler's line per request, a cost
# of `wrangler dev` that a deployed Worker does not pay.
export QANAT_EDGE_STATE="$work/edge"
EDGE_TOKEN="$(bash scripts/edge.sh token administrator 2>"$work/edge-token.log")" || {
    cat "$work/edge-token.log" >&2
    exit 1
}
edge_port="$(free_port)"
QANAT_EDGE_PORT="$edge_port" WRANGLER_LOG=warn setsid bash scripts/edge.sh dev \
    </dev/null >"$work/edge.log" 2>&1 &
groups+=("$!")
await_ping "wrangler dev" "$edge_port" "$!" "$work/edge.log"

# Tokens go by environment, not argv, so `ps` does not show them. In the
# background with `wait`, because bash runs a trap only once a foreground
# child has finished: a TERM would otherwise leave both servers running.
NATIVE_URL="http://127.0.0.1:$native_port" NATIVE_TOKEN="$NATIVE_TOKEN" \
EDGE_URL="http://127.0.0.1:$edge_port" EDGE_TOKEN="$EDGE_TOKEN" \
    node tests/bench/edge-bench.mjs "$@" &
bench="$!"
wait "$bench"
