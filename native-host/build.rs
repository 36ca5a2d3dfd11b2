//! Embeds every `d1-migrations/*.sql` file (SQLite) and every
//! `pg-migrations/*.sql` file (PostgreSQL) into the `qanat` binary.
//!
//! The list is generated here rather than written by hand so that adding a
//! migration for D1 is all it takes for the native host to apply it too, and
//! the binary carries its schema wherever it is copied.

use std::{
    env, fs,
    path::{Path, PathBuf},
};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    embed(
        &manifest_dir.join("..").join("d1-migrations"),
        &out_dir.join("migrations.rs"),
        "d1-migrations/, in the order wrangler applies them",
    );
    embed(
        &manifest_dir.join("pg-migrations"),
        &out_dir.join("pg_migrations.rs"),
        "native-host/pg-migrations/, in file-name order",
    );
}

/// Writes `pub const MIGRATIONS: &[(&str, &str)]` listing each `*.sql` file
/// of `migrations_dir` by name, with its text included at compile time.
fn embed(migrations_dir: &Path, out_path: &Path, what: &str) {
    // A directory here makes cargo rerun this script when any file in it changes.
    println!("cargo:rerun-if-changed={}", migrations_dir.display());

    let mut files: Vec<(String, PathBuf)> = fs::read_dir(migrations_dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", migrations_dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_else(|| panic!("non-UTF-8 migration name: {}", path.display()))
                .to_owned();
            (name, path)
        })
        .collect();
    // wrangler applies migrations in file-name order; so do we.
    files.sort();

    let mut out = format!("/// `(file name, SQL)` for each file in {what}.\n");
    out.push_str("pub const MIGRATIONS: &[(&str, &str)] = &[\n");
    for (name, path) in &files {
        let path = path.canonicalize().expect("migration path");
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    fs::write(out_path, out).unwrap_or_else(|e| panic!("writing {}: {e}", out_path.display()));
}
