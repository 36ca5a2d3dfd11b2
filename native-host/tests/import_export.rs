//! `qanat import` and `qanat export` run as real processes, on SQLite and on
//! PostgreSQL: a round trip of a few thousand documents, a bad line that
//! writes nothing, reruns that write nothing, and references that resolve.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use qanat_host::store::Db;
use serde_json::{json, Map, Value as Json};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const AUTHORS: usize = 100;
const POSTS: usize = 2900;

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn qanat(args: &[&str], store: &[String]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_qanat"))
        .args(args)
        .args(store)
        .output()
        .expect("qanat runs");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// Authors with Arabic names, posts that reference them (some as drafts,
/// some with their own `_createdAt`, nested arrays with keys), and an asset
/// document, in no particular order of ids.
fn generated() -> Vec<Json> {
    let mut docs = Vec::new();
    for i in 0..AUTHORS {
        docs.push(json!({
            "_id": format!("author-{i:03}"),
            "_type": "author",
            "name": format!("الكاتب رقم {i} — Author {i}"),
        }));
    }
    for i in (0..POSTS).rev() {
        let id = if i % 10 == 0 {
            format!("drafts.post-{i:04}")
        } else {
            format!("post-{i:04}")
        };
        let mut post = json!({
            "_id": id,
            "_type": "post",
            "title": format!("مقالة {i}: \"quoted\" \\ and \u{1F600}"),
            "views": i,
            "ratio": i as f64 / 7.0,
            "published": i % 2 == 0,
            "author": {"_type": "reference", "_ref": format!("author-{:03}", i % AUTHORS)},
            "body": [
                {"_key": format!("k{i}"), "_type": "block", "children": [
                    {"_key": "s1", "_type": "span", "text": "نص عربي", "marks": []}
                ]}
            ],
            "tags": ["a", "b", null],
        });
        if i % 3 == 0 {
            post["_createdAt"] = json!("2020-02-03T04:05:06.000Z");
        }
        docs.push(post);
    }
    docs.push(json!({
        "_id": "image-abc123-100x100-png",
        "_type": "sanity.imageAsset",
        "url": "https://example.invalid/images/abc123-100x100.png",
        "metadata": {"dimensions": {"width": 100, "height": 100}},
    }));
    docs
}

fn write_ndjson(path: &Path, docs: &[Json]) {
    let text: String = docs.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(path, text).expect("write the NDJSON file");
}

fn parse_ndjson(text: &str) -> Vec<Json> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("export lines are JSON"))
        .collect()
}

/// `doc` without the fields the store sets: `_rev`, `_updatedAt`, and
/// `_createdAt` unless `keep_created` (the input had one).
fn without_system(doc: &Json, keep_created: bool) -> Map<String, Json> {
    let mut map = doc.as_object().cloned().expect("a document is an object");
    map.remove("_rev");
    map.remove("_updatedAt");
    if !keep_created {
        map.remove("_createdAt");
    }
    map
}

/// `value` with every number as a float: the store's JSON (and JavaScript's)
/// does not tell `414.0` from `414`, so an export may print either.
fn numbers_as_floats(value: Json) -> Json {
    match value {
        Json::Number(n) => n.as_f64().map_or(Json::Null, Json::from),
        Json::Array(items) => items.into_iter().map(numbers_as_floats).collect(),
        Json::Object(map) => map
            .into_iter()
            .map(|(k, v)| (k, numbers_as_floats(v)))
            .collect(),
        other => other,
    }
}

fn id(doc: &Json) -> String {
    doc["_id"].as_str().expect("an _id").to_owned()
}

async fn check(
    store: Vec<String>,
    db: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Db>>>,
) {
    let dir = std::env::temp_dir().join(unique("qanat_import_files"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("production.ndjson");
    let docs = generated();
    write_ndjson(&input, &docs);
    let input = input.to_string_lossy().into_owned();

    // A file whose 11th line has no `_type` is refused whole.
    let bad = dir.join("bad.ndjson");
    let mut bad_docs: Vec<Json> = docs.iter().take(10).cloned().collect();
    bad_docs.push(json!({"_id": "no-type"}));
    bad_docs.extend(docs.iter().skip(10).take(5).cloned());
    write_ndjson(&bad, &bad_docs);
    let run = qanat(
        &["import", &bad.to_string_lossy(), "--dataset", "production"],
        &store,
    );
    assert!(!run.ok, "a bad line must fail: {}", run.stderr);
    assert!(run.stderr.contains("bad.ndjson:11:"), "{}", run.stderr);
    assert!(run.stderr.contains("_type"), "{}", run.stderr);
    let run = qanat(&["export", "--dataset", "production"], &store);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.stdout, "", "nothing may be written after a bad line");

    // Not JSON at all, on line 3.
    std::fs::write(&bad, "{\"_id\":\"a\",\"_type\":\"t\"}\n\n{\"_id\": oops}\n").expect("write");
    let run = qanat(
        &["import", &bad.to_string_lossy(), "--dataset", "production"],
        &store,
    );
    assert!(
        !run.ok && run.stderr.contains("bad.ndjson:3:"),
        "{}",
        run.stderr
    );

    // The import itself, 500 documents per transaction.
    let run = qanat(&["import", &input, "--dataset", "production"], &store);
    assert!(run.ok, "{}", run.stderr);
    let total = docs.len();
    let transactions = total.div_ceil(500);
    assert!(
        run.stderr.contains(&format!(
            "imported {total} document(s) into \"production\": {total} written in {transactions} transaction(s)"
        )),
        "{}",
        run.stderr
    );
    let store_db = db().await;
    assert_eq!(
        store_db.last_seq("production").await.expect("the log"),
        i64::try_from(transactions).expect("small"),
        "one logged transaction per batch"
    );

    // Round trip: every document back, sorted by id, equal apart from system fields.
    let run = qanat(&["export", "--dataset", "production"], &store);
    assert!(run.ok, "{}", run.stderr);
    let first_export = run.stdout.clone();
    let exported = parse_ndjson(&first_export);
    assert_eq!(exported.len(), total);
    let ids: Vec<String> = exported.iter().map(id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "the export is sorted by _id");
    let by_id: BTreeMap<String, &Json> = exported.iter().map(|d| (id(d), d)).collect();
    for doc in &docs {
        let keep_created = doc.get("_createdAt").is_some();
        let back = by_id
            .get(&id(doc))
            .unwrap_or_else(|| panic!("{} is exported", id(doc)));
        assert_eq!(
            numbers_as_floats(Json::Object(without_system(back, keep_created))),
            numbers_as_floats(Json::Object(without_system(doc, keep_created)))
        );
        for field in ["_rev", "_updatedAt", "_createdAt"] {
            assert!(back[field].is_string(), "{} has {field}", id(doc));
        }
    }

    // `-o` and `--types`.
    let out = dir.join("authors.ndjson");
    let run = qanat(
        &[
            "export",
            "--dataset",
            "production",
            "--types",
            "author,sanity.imageAsset",
            "-o",
            &out.to_string_lossy(),
        ],
        &store,
    );
    assert!(run.ok && run.stdout.is_empty(), "{}", run.stderr);
    let filtered = parse_ndjson(&std::fs::read_to_string(&out).expect("the -o file"));
    assert_eq!(filtered.len(), AUTHORS + 1);
    assert!(filtered.iter().all(|d| d["_type"] != "post"));

    // A rerun writes nothing: no transaction, not a single new `_rev`.
    let run = qanat(
        &[
            "import",
            &input,
            "--dataset",
            "production",
            "--batch-size",
            "700",
        ],
        &store,
    );
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("0 written in 0 transaction(s), {total} unchanged")),
        "{}",
        run.stderr
    );
    let run = qanat(&["export", "--dataset", "production"], &store);
    assert_eq!(run.stdout, first_export, "a rerun changes nothing");
    assert_eq!(
        store_db.last_seq("production").await.expect("the log"),
        i64::try_from(transactions).expect("small")
    );

    // One changed line: the default replaces it, `--missing` keeps the stored one.
    let mut changed = docs.clone();
    changed[0]["name"] = json!("اسم جديد");
    let changed_file = dir.join("changed.ndjson");
    write_ndjson(&changed_file, &changed);
    let changed_file = changed_file.to_string_lossy().into_owned();
    let run = qanat(
        &[
            "import",
            &changed_file,
            "--dataset",
            "production",
            "--missing",
        ],
        &store,
    );
    assert!(run.ok && run.stderr.contains("0 written"), "{}", run.stderr);
    let run = qanat(
        &[
            "import",
            &changed_file,
            "--dataset",
            "production",
            "--replace",
        ],
        &store,
    );
    assert!(
        run.ok && run.stderr.contains("1 written in 1 transaction(s)"),
        "{}",
        run.stderr
    );
    let run = qanat(
        &["export", "--dataset", "production", "--types", "author"],
        &store,
    );
    let authors = parse_ndjson(&run.stdout);
    assert_eq!(authors[0]["name"], "اسم جديد");

    // References between imported documents resolve, in the store and in the export.
    let export_file = dir.join("export.ndjson");
    std::fs::write(&export_file, &first_export).expect("write the export");
    let run = qanat(
        &[
            "groq",
            r#"*[_type == "post" && _id == "post-0101"]{author->{name}}"#,
            "--dataset",
            &export_file.to_string_lossy(),
            "--compact",
        ],
        &[],
    );
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(
        serde_json::from_str::<Json>(&run.stdout).expect("JSON"),
        json!([{"author": {"name": "الكاتب رقم 1 — Author 1"}}])
    );
    let resolved = qanat_core::groq::store::query(
        &store_db.documents("production"),
        r#"count(*[_type == "post" && defined(author->name)])"#,
        &qanat_core::groq::QueryOptions::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("the query runs: {e:?}"))
    .to_json();
    assert_eq!(resolved, json!(POSTS));

    store_db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn sqlite_round_trip() {
    let dir = std::env::temp_dir().join(unique("qanat_import_sqlite"));
    let store = vec!["--data-dir".to_owned(), dir.to_string_lossy().into_owned()];
    let data_dir = dir.clone();
    check(store, move || {
        let data_dir = data_dir.clone();
        Box::pin(async move { Db::open(&data_dir, None).await.expect("open SQLite") })
    })
    .await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn postgres_round_trip() {
    let url = common::postgres_url();
    let name = unique("qanat_test_import");
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(PgConnectOptions::from_str(&url).expect("a Postgres URL"))
        .await
        .expect("connect");
    sqlx::raw_sql(&format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"
    ))
    .execute(&admin)
    .await
    .expect("CREATE DATABASE (needs CREATEDB)");
    let scratch = with_database(&url, &name);
    let store = vec!["--database-url".to_owned(), scratch.clone()];
    check(store, move || {
        let scratch = scratch.clone();
        Box::pin(async move {
            Db::open(&PathBuf::from("unused"), Some(&scratch))
                .await
                .expect("open PostgreSQL")
        })
    })
    .await;
    common::drop_database(&admin, &name).await;
    admin.close().await;
}

/// `url` pointing at database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((u, q)) => (u, format!("?{q}")),
        None => (url, String::new()),
    };
    let base = match without_query.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('/') {
            Some((host, _)) => format!("{scheme}://{host}"),
            None => without_query.to_owned(),
        },
        None => without_query.to_owned(),
    };
    format!("{base}/{name}{query}")
}
