//! The generated dataset, and writes through the dataset writer as
//! `/data/mutate` makes them.

use qanat_core::grants::Grants;
use qanat_core::mutation::parse_mutations;
use qanat_host::dataset::writer::{Write, WriteKind};
use qanat_host::serve::AppState;
use serde_json::{json, Value as Json};

pub const DATASET: &str = "bench";
pub const CATEGORIES: usize = 50;

/// Document `i`: one author and one category per ten, the rest articles
/// spread over [`CATEGORIES`], every seventh titled in Arabic.
pub fn document(i: usize) -> Json {
    let kind = match i % 10 {
        0 => "author",
        1 => "category",
        _ => "article",
    };
    let title = if i % 7 == 0 {
        format!("مقال رقم {i}")
    } else {
        format!("Article {i}")
    };
    json!({
        "_id": format!("doc-{i:07}"),
        "_type": kind,
        "title": title,
        "category": format!("c{}", i % CATEGORIES),
        "publishedAt": format!("20{:02}-{:02}-{:02}T{:02}:00:00Z", 10 + i % 16, 1 + i % 12, 1 + i % 28, i % 24),
        "views": (i * 37) % 10_000,
        "author": {"_type": "reference", "_ref": format!("doc-{:07}", (i / 10) * 10)},
    })
}

/// Commits `mutations` as one transaction (named `transaction_id`, if given)
/// and waits for the writer's acknowledgement.
pub async fn write(
    state: &AppState,
    grants: &Grants,
    mutations: Vec<Json>,
    transaction_id: Option<String>,
) {
    let parsed = parse_mutations(&Json::from(mutations.clone())).expect("mutations parse");
    let write = Write {
        kind: WriteKind::Mutations {
            mutations: parsed,
            json: mutations,
        },
        grants: grants.clone(),
        transaction_id,
        auto_generate_array_keys: false,
        dry_run: false,
    };
    if let Err(e) = state.hub.write(DATASET, write).await {
        panic!("write failed: {e:?}");
    }
}

/// Loads documents `0..count`, a thousand per transaction.
pub async fn load(state: &AppState, grants: &Grants, count: usize) {
    for chunk in (0..count).collect::<Vec<_>>().chunks(1_000) {
        let mutations = chunk
            .iter()
            .map(|&i| json!({"createOrReplace": document(i)}))
            .collect();
        write(state, grants, mutations, None).await;
    }
}
