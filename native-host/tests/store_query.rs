//! GROQ over each store (`Db::documents`, with push-down) answers as core
//! does in memory, and each store reports the schema it migrated to.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use qanat_core::groq::plan::Predicate;
use qanat_core::groq::store::{OrderedScan, Store};
use qanat_core::groq::value::Value;
use qanat_core::groq::{evaluate_json, store, QueryOptions};
use qanat_core::listen::PreparedCommit;
use qanat_core::mutation::{apply_transaction, parse_mutations, TransactionContext};
use qanat_host::store::{Db, Locking};
use serde_json::{json, Value as Json};

const DATASET: &str = "production";

/// The store, counting the queries it sorted and cut itself.
struct Counted<S> {
    store: S,
    sorted: AtomicUsize,
}

impl<S: Store> Store for Counted<S> {
    type Error = S::Error;

    async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, S::Error> {
        self.store.scan(filter).await
    }

    async fn get(&self, ids: &[Arc<str>]) -> Result<Vec<Value>, S::Error> {
        self.store.get(ids).await
    }

    async fn scan_ordered(&self, scan: &OrderedScan<'_>) -> Result<Option<Vec<Value>>, S::Error> {
        let rows = self.store.scan_ordered(scan).await?;
        if rows.is_some() {
            self.sorted.fetch_add(1, Ordering::Relaxed);
        }
        Ok(rows)
    }
}

fn documents() -> Vec<Json> {
    let mut docs = vec![
        json!({"_id": "company-1", "_type": "company", "name": "Qanat"}),
        json!({"_id": "drafts.author-1", "_type": "author", "name": "Draft One"}),
    ];
    for i in 0..4 {
        docs.push(json!({"_id": format!("author-{i}"), "_type": "author", "name": format!("أ{i}"), "company": {"_ref": "company-1"}}));
    }
    // Every type GROQ orders, ties among them, and a draft: what the
    // store's ORDER BY must sort exactly as `order()` does.
    let ranks = [
        json!(3),
        json!(-1.5),
        json!(3),
        json!("b"),
        json!("B"),
        json!("ب"),
        json!("a"),
        json!(true),
        json!(false),
        json!(null),
        json!([1]),
        json!({"n": 1}),
        json!(10),
        json!("10"),
    ];
    for (i, rank) in ranks.into_iter().enumerate() {
        docs.push(json!({"_id": format!("mixed-{i:02}"), "_type": "mixed", "rank": rank, "nested": {"n": i % 3}}));
    }
    docs.push(json!({"_id": "mixed-missing", "_type": "mixed"}));
    docs.push(json!({"_id": "drafts.mixed-00", "_type": "mixed", "rank": -100}));
    for i in 0..20 {
        docs.push(json!({
            "_id": format!("post-{i:02}"), "_type": "post", "views": i * 50,
            "title": format!("Post {i}"), "tags": if i % 3 == 0 { json!(["news"]) } else { json!([]) },
            "author": {"_ref": format!("author-{}", i % 5)}
        }));
    }
    docs
}

/// Stores `docs` through core and the store's commit, and returns them as stored.
async fn load(db: &Db) -> Vec<Json> {
    let mutations: Vec<Json> = documents()
        .into_iter()
        .map(|doc| json!({"create": doc}))
        .collect();
    let parsed = parse_mutations(&Json::from(mutations.clone())).expect("mutations");
    let ctx = TransactionContext {
        transaction_id: "load".to_owned(),
        now: "2026-01-01T00:00:00.000Z".to_owned(),
        identity: String::new(),
        auto_generate_array_keys: false,
        seed: 1,
    };
    let commit = apply_transaction(&parsed, &Default::default(), &ctx).expect("commit");
    db.begin_write(DATASET, Locking::AtCommit)
        .await
        .expect("lock")
        .commit(&PreparedCommit::new(&commit, &mutations), &mutations)
        .await
        .expect("store");
    commit
        .changes
        .iter()
        .filter_map(|c| c.after.as_ref().map(|d| d.to_value()))
        .collect()
}

async fn queries_match_core(db: &Db) {
    let stored = load(db).await;
    let counted = Counted {
        store: db.documents(DATASET),
        sorted: AtomicUsize::new(0),
    };
    let queries = [
        r#"*[_type == "post" && views > 500] | order(views desc)[0...5]{title, "author": author->name}"#,
        r#"count(*[_type == "post" && "news" in tags])"#,
        r#"*[_id in ["post-01", "author-2", "nope"]]._id"#,
        r#"*[_type == "author"] | order(_id)._id"#,
        r#"*[views > $min]._id"#,
        r#"documents::get("author-3").name"#,
        // Sorted and cut by the store (counted below).
        r#"*[_type == "mixed"] | order(rank)[0...50]._id"#,
        r#"*[_type == "mixed"] | order(rank desc)[0...50]._id"#,
        r#"*[_type == "mixed"] | order(rank desc, _id desc)[2...7]{_id, rank}"#,
        r#"*[_type == "mixed"] | order(nested.n desc, rank)[$a..$b]._id"#,
        r#"*[_type == "mixed" && defined(rank)] | order(_id desc)[0]._id"#,
        r#"*[_type == "post" && views > 100] | order(views desc)[0...3]{title, "author": author->name}"#,
    ];
    for perspective in [None, Some("published"), Some("drafts")] {
        let options = QueryOptions {
            perspective: perspective.map(str::to_string),
            params: json!({"min": 700, "a": 1, "b": 4})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            ..QueryOptions::default()
        };
        for q in queries {
            let expected = evaluate_json(q, &stored, &options).expect("runs in memory");
            let got = store::query(&counted, q, &options)
                .await
                .unwrap_or_else(|e| panic!("{q}: {e:?}"))
                .to_json();
            assert_eq!(got, expected, "{q} under {perspective:?}");
        }
    }
    // Six ordered slices under raw and published; drafts overlay, so the
    // store may not sort for them.
    assert_eq!(counted.sorted.load(Ordering::Relaxed), 12);
    assert_eq!(
        db.schema_version()
            .await
            .expect("schema version")
            .as_deref(),
        newest_migration(db).as_deref()
    );
}

#[tokio::test]
async fn sqlite_queries_match_core() {
    let store = common::sqlite().await;
    queries_match_core(&store.db).await;
    store.finish().await;
}

#[tokio::test]
async fn postgres_queries_match_core() {
    let store = common::postgres().await;
    queries_match_core(&store.db).await;
    store.finish().await;
}

/// The last file of the store's migrations (`d1-migrations/` for SQLite,
/// `native-host/pg-migrations/` for PostgreSQL): what a freshly migrated
/// store reports.
fn newest_migration(db: &Db) -> Option<String> {
    let dir = match db {
        Db::Sqlite { .. } => "../d1-migrations",
        Db::Postgres(_) => "pg-migrations",
    };
    std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .expect("the migrations folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".sql"))
        .max()
}
