#!/usr/bin/env bash
# Runs every test of Qanat, from a fresh clone on a fresh Debian machine.
#
# Installs what it needs (the wasm target, PostgreSQL and Chromium from apt,
# the Node packages in tests/package-lock.json, and for the edge Worker what
# `scripts/edge.sh tools` installs: Node 24, edge/package-lock.json's
# wrangler, worker-build and wasm-bindgen-cli) and is safe to run again:
# each step skips what is already there.
#
# Steps: toolchain, PostgreSQL, Node packages, edge tools, rustfmt, clippy,
# building the tests, core's wasm build and its import check, the
# playground's build and its wasm size, the Worker's build and its upload size, the host benchmark at toy size, the Rust test
# suites (the Worker's under `wrangler dev`, the playground's in headless
# Chromium), doc tests.
#
# Environment:
#   CI=true            also sets CARGO_INCREMENTAL=0
#   CARGO_TARGET_DIR   honoured (the wasm artifact is looked up there)
#   QANAT_TEST_DATABASE_URL  exported for the tests; points at the local
#                      PostgreSQL this script starts
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

START=$SECONDS
STEP_START=$SECONDS
STEP_TIMES=()
CURRENT_STEP=""

section() {
    finish_step
    CURRENT_STEP="$1"
    STEP_START=$SECONDS
    printf '\n==> %s\n' "$1"
}
finish_step() {
    if [[ -n "$CURRENT_STEP" ]]; then
        STEP_TIMES+=("$CURRENT_STEP $((SECONDS - STEP_START))s")
    fi
}
die() {
    printf 'test.sh: %s\n' "$*" >&2
    exit 1
}
# A step that fails stops the run; say which one. (The test step does not stop
# the run: it is counted and reported in the summary below.)
on_exit() {
    local status=$?
    if [[ $status -ne 0 && -n "$CURRENT_STEP" ]]; then
        printf '\ntest.sh: FAILED in step "%s" (exit %d) after %ds\n' \
            "$CURRENT_STEP" "$status" "$((SECONDS - START))" >&2
    fi
}
trap on_exit EXIT

if [[ "${CI:-}" == "true" ]]; then
    export CARGO_INCREMENTAL=0
fi
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# rustup puts cargo in ~/.cargo/bin, which a non-login shell may not have on PATH.
if ! command -v cargo >/dev/null 2>&1 && [[ -f "$HOME/.cargo/env" ]]; then
    # shellcheck source=/dev/null
    . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

# Root runs apt and the postgres tools directly; anyone else goes through sudo.
if [[ "$(id -u)" -eq 0 ]]; then
    AS_ROOT=()
    as_postgres() { (cd / && runuser -u postgres -- "$@"); }
else
    AS_ROOT=(sudo)
    as_postgres() { (cd / && sudo -u postgres -- "$@"); }
fi

# ---------------------------------------------------------------------------
section "Rust toolchain: wasm32-unknown-unknown, rustfmt, clippy"
cargo --version
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "wasm32-unknown-unknown already installed"
else
    rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^${component}"; then
        rustup component add "$component"
    fi
done

# ---------------------------------------------------------------------------
section "PostgreSQL and Chromium (the playground's browser tests) from apt"
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
    || [[ ! -x /usr/bin/chromium ]]; then
    "${AS_ROOT[@]}" apt-get update
    "${AS_ROOT[@]}" apt-get install -y --no-install-recommends postgresql chromium
fi
# Debian's package creates a `main` cluster for its version; make one if it is gone.
PG_VERSION="$(pg_lsclusters --no-header 2>/dev/null | awk '$2 == "main" { print $1; exit }')"
if [[ -z "$PG_VERSION" ]]; then
    PG_VERSION="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
    [[ -n "$PG_VERSION" ]] || die "PostgreSQL is installed but no server version was found"
    "${AS_ROOT[@]}" pg_createcluster "$PG_VERSION" main
fi
PG_PORT="$(pg_lsclusters --no-header | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { print $3; exit }')"
if pg_lsclusters --no-header | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { print $4 }' | grep -q online; then
    echo "cluster $PG_VERSION/main already running on port $PG_PORT"
else
    # pg_ctlcluster runs the server as the postgres user even when called by root.
    "${AS_ROOT[@]}" pg_ctlcluster "$PG_VERSION" main start
fi
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then break; fi
    sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$PG_PORT" || die "PostgreSQL $PG_VERSION/main does not accept connections on port $PG_PORT"

# CREATEDB lets suites make a scratch database per test.
as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -q <<'SQL'
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qanat') THEN
        CREATE ROLE qanat LOGIN CREATEDB PASSWORD 'qanat';
    ELSE
        ALTER ROLE qanat LOGIN CREATEDB PASSWORD 'qanat';
    END IF;
END
$$;
SQL
if [[ "$(as_postgres psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname = 'qanat_test'")" != "1" ]]; then
    as_postgres createdb -p "$PG_PORT" -O qanat qanat_test
fi
export QANAT_TEST_DATABASE_URL="postgres://qanat:qanat@127.0.0.1:${PG_PORT}/qanat_test"
[[ "$(psql "$QANAT_TEST_DATABASE_URL" -tAc 'select 1')" == "1" ]] || die "cannot connect to $QANAT_TEST_DATABASE_URL"
echo "QANAT_TEST_DATABASE_URL=$QANAT_TEST_DATABASE_URL (select 1: ok)"

# ---------------------------------------------------------------------------
section "Node packages (tests/package-lock.json)"
node --version
# npm writes node_modules/.package-lock.json on every install; compare with it.
if [[ ! -f tests/node_modules/.package-lock.json \
    || tests/package-lock.json -nt tests/node_modules/.package-lock.json \
    || tests/package.json -nt tests/node_modules/.package-lock.json ]]; then
    (cd tests && npm ci --no-audit --no-fund)
else
    echo "tests/node_modules is up to date"
fi

# ---------------------------------------------------------------------------
section "Edge tools: Node 24, wrangler (edge/package-lock.json), worker-build, wasm-bindgen-cli"
bash scripts/edge.sh tools

# ---------------------------------------------------------------------------
section "rustfmt"
cargo fmt --all --check

# ---------------------------------------------------------------------------
section "clippy"
cargo clippy --workspace --all-targets -- -D warnings

# ---------------------------------------------------------------------------
section "Build the tests and the wasm-imports checker"
# Built the way nextest builds the workspace (every member, dev-dependencies
# on), so the test step reuses it. `cargo run -p qanat-tests` would resolve
# features for one package only, and since the cdylib crates' files carry no
# hash, each command would overwrite the other's build: every run would
# compile the workspace twice.
cargo test --workspace --no-run
CHECKER="$TARGET_DIR/debug/wasm-imports"
if [[ ! -x "$CHECKER" ]]; then
    # cargo test builds a package's binaries only when it has integration tests.
    cargo build -p qanat-tests --bin wasm-imports
fi

# ---------------------------------------------------------------------------
section "core for wasm32-unknown-unknown: build, then check it imports nothing"
cargo build -p qanat-core --target wasm32-unknown-unknown --release
"$CHECKER" "$TARGET_DIR/wasm32-unknown-unknown/release/qanat_core.wasm"

# ---------------------------------------------------------------------------
section "The playground: build (its wasm at most 1 MiB gzipped)"
bash scripts/playground.sh

# ---------------------------------------------------------------------------
section "The edge Worker: build (with the playground as its assets), and its upload size (at most 3 MiB gzipped)"
bash scripts/edge.sh build
bash scripts/edge.sh size

# ---------------------------------------------------------------------------
section "Host benchmark at toy size: its own checks, not its timings"
# The benchmark compares Qanat's query results with the raw SQL's and waits
# for every listener to receive every event; run small, on SQLite and on a
# scratch PostgreSQL database, so those checks cannot rot.
cargo build -q -p qanat-host --example host_bench
BENCH_ARGS=(--docs 300 --iterations 5 --transactions 40 --listeners 40 --rounds 5)
"$TARGET_DIR/debug/examples/host_bench" "${BENCH_ARGS[@]}"
as_postgres dropdb -p "$PG_PORT" --if-exists qanat_bench_smoke
as_postgres createdb -p "$PG_PORT" -O qanat qanat_bench_smoke
"$TARGET_DIR/debug/examples/host_bench" "${BENCH_ARGS[@]}" \
    --database-url "postgres://qanat:qanat@127.0.0.1:${PG_PORT}/qanat_bench_smoke"
as_postgres dropdb -p "$PG_PORT" qanat_bench_smoke

# ---------------------------------------------------------------------------
section "Rust tests"
TEST_LOG="$(mktemp)"
PASSED=0
FAILED=0
SKIPPED=0
TEST_STATUS=0
if command -v cargo-nextest >/dev/null 2>&1; then
    cargo nextest run --workspace --no-fail-fast 2>&1 | tee "$TEST_LOG" || TEST_STATUS=$?
    # "Summary [ 1.2s] 42 tests run: 41 passed, 1 failed, 0 skipped"
    summary="$(grep -E '^ *Summary ' "$TEST_LOG" | tail -n 1 || true)"
    PASSED=$(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)
    FAILED=$(grep -oE '[0-9]+ failed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)
    SKIPPED=$(grep -oE '[0-9]+ skipped' <<<"$summary" | grep -oE '[0-9]+' || echo 0)
    # nextest does not run doc tests; cargo test does.
    section "Rust doc tests"
    cargo test --workspace --doc 2>&1 | tee "$TEST_LOG" || TEST_STATUS=$?
else
    echo "cargo-nextest not found; using cargo test"
    cargo test --workspace --no-fail-fast 2>&1 | tee "$TEST_LOG" || TEST_STATUS=$?
fi
# Every "test result: ok. 3 passed; 0 failed; 1 ignored; …" line from cargo test.
while read -r p f i; do
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    SKIPPED=$((SKIPPED + i))
done < <(sed -nE 's/^test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed; ([0-9]+) ignored.*/\1 \2 \3/p' "$TEST_LOG")
rm -f "$TEST_LOG"
finish_step
CURRENT_STEP=""

printf '\n==> Summary (%ds in all)\n' "$((SECONDS - START))"
printf '    %s\n' "${STEP_TIMES[@]}"
if [[ $TEST_STATUS -ne 0 && $FAILED -eq 0 ]]; then
    # The runner failed without a failing test (a build error, say): count it.
    FAILED=1
fi
# The closing line, in the plain form CI reads.
echo "tests: ${PASSED} passed, ${FAILED} failed, ${SKIPPED} skipped"
[[ $TEST_STATUS -eq 0 && $FAILED -eq 0 ]]
