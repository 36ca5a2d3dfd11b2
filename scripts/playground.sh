#!/usr/bin/env bash
# Builds the in-browser GROQ playground into web-demo/dist/playground/:
# web-demo (core through wasm-bindgen, release), its JS glue, and the page
# (web-demo/page/). Static files for any host; `qanat serve` and the Worker
# serve them at /playground/. Prints the wasm's size and fails when it is
# past 1 MiB gzipped. Installs the wasm target and the wasm-bindgen CLI
# (the version in Cargo.lock) if they are missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$ROOT/web-demo/dist/playground"
MAX_GZIP_BYTES=$((1024 * 1024))
# shellcheck source=lib/wasm-bindgen.sh
. "$ROOT/scripts/lib/wasm-bindgen.sh"

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown
ensure_wasm_bindgen
cargo build -q -p qanat-web-demo --target wasm32-unknown-unknown --release
rm -rf "$OUT"
mkdir -p "$OUT"
"$HOME/.cargo/bin/wasm-bindgen" --target web --no-typescript --out-dir "$OUT" \
    "$TARGET_DIR/wasm32-unknown-unknown/release/qanat_web_demo.wasm"
wasm="$OUT/qanat_web_demo_bg.wasm"
cp "$ROOT"/web-demo/page/* "$OUT/"
bytes="$(wc -c <"$wasm")"
gzipped="$(gzip -9c "$wasm" | wc -c)"
echo "playground wasm: $bytes bytes, $gzipped gzipped (limit $MAX_GZIP_BYTES) in $OUT"
if ((gzipped > MAX_GZIP_BYTES)); then
    echo "the playground's wasm is $gzipped bytes gzipped, past 1 MiB" >&2
    exit 1
fi
