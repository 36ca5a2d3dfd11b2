//! GROQ over each store (`Db::documents`, with push-down) answers as core
//! does in memory, and each store reports the schema it migrated to.

mod common;

use qanat_core::groq::{evaluate_json, store, QueryOptions};
use qanat_core::listen::PreparedCommit;
use qanat_core::mutation::{apply_transaction, parse_mutations, TransactionContext};
use qanat_host::store::Db;
use serde_json::{json, Value as Json};

const DATASET: &str = "production";

fn documents() -> Vec<Json> {
    let mut docs = vec![
        json!({"_id": "company-1", "_type": "company", "name": "Qanat"}),
        json!({"_id": "drafts.author-1", "_type": "author", "name": "Draft One"}),
    ];
    for i in 0..4 {
        docs.push(json!({"_id": format!("author-{i}"), "_type": "author", "name": format!("أ{i}"), "company": {"_ref": "company-1"}}));
    }
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
    db.commit(
        DATASET,
        &PreparedCommit::new(&commit, &mutations),
        &mutations,
    )
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
    let queries = [
        r#"*[_type == "post" && views > 500] | order(views desc)[0...5]{title, "author": author->name}"#,
        r#"count(*[_type == "post" && "news" in tags])"#,
        r#"*[_id in ["post-01", "author-2", "nope"]]._id"#,
        r#"*[_type == "author"] | order(_id)._id"#,
        r#"*[views > $min]._id"#,
        r#"documents::get("author-3").name"#,
    ];
    for perspective in [None, Some("published"), Some("drafts")] {
        let options = QueryOptions {
            perspective: perspective.map(str::to_string),
            params: json!({"min": 700}).as_object().cloned().unwrap_or_default(),
            ..QueryOptions::default()
        };
        for q in queries {
            let expected = evaluate_json(q, &stored, &options).expect("runs in memory");
            let got = store::query(&db.documents(DATASET), q, &options)
                .await
                .unwrap_or_else(|e| panic!("{q}: {e:?}"))
                .to_json();
            assert_eq!(got, expected, "{q} under {perspective:?}");
        }
    }
    assert_eq!(
        db.schema_version()
            .await
            .expect("schema version")
            .as_deref(),
        newest_migration().as_deref()
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

/// The last file of `d1-migrations/`: what a freshly migrated store reports.
fn newest_migration() -> Option<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../d1-migrations");
    std::fs::read_dir(dir)
        .expect("d1-migrations/")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".sql"))
        .max()
}
