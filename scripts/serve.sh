#!/usr/bin/env bash
# Builds Qanat (release) and the GROQ playground, and runs `qanat serve` on
# the embedded SQLite store in ./.qanat/ at the repository root, on
# http://127.0.0.1:3333 by default (the playground at /playground/).
#
# Extra arguments go to `qanat serve`, e.g.:
#   bash scripts/serve.sh --port 4000
#   bash scripts/serve.sh --host 0.0.0.0 --data-dir /var/lib/qanat
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# rustup puts cargo in ~/.cargo/bin, which a non-login shell may not have on PATH.
if ! command -v cargo >/dev/null 2>&1 && [[ -f "$HOME/.cargo/env" ]]; then
    # shellcheck source=/dev/null
    . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }

echo "==> Building qanat (release)"
cargo build --release -p qanat-host --bin qanat

echo "==> Building the GROQ playground (served at /playground/)"
bash scripts/playground.sh

echo "==> Starting qanat serve (Ctrl-C stops it)"
# `qanat serve` defaults to --host 127.0.0.1 --port 3333 --data-dir .qanat,
# and we are at the repository root, so the store is ./.qanat/qanat.sqlite.
exec "$TARGET_DIR/release/qanat" serve "$@"
