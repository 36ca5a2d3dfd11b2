# Sourced by scripts/edge.sh and scripts/playground.sh: the wasm-bindgen
# CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock
# (the Worker and the playground link the same one).

# The version Cargo.lock holds.
wasm_bindgen_version() {
    awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' \
        "$ROOT/Cargo.lock"
}

# Installs that CLI into ~/.cargo/bin unless it is there (~6.5 min once).
ensure_wasm_bindgen() {
    local version
    version="$(wasm_bindgen_version)"
    if [[ "$("$HOME/.cargo/bin/wasm-bindgen" --version 2>/dev/null)" != "wasm-bindgen $version" ]]; then
        # Not --locked: its lockfile pins a crate version the registry lacks.
        cargo install wasm-bindgen-cli --version "$version"
    fi
}
