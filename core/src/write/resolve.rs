//! `delete`/`patch` by query: the query is run when the write is, over
//! what the caller may read, and the mutation then names the ids found.

use crate::grants::{Grants, ReadableStore};
use crate::groq::store::{query, QueryError, Store};
use crate::groq::QueryOptions;
use crate::mutation::Mutation;
use serde_json::Value as Json;

use super::error::DecideError;

/// Replaces each `delete`/`patch` by query in `mutations` with the ids of
/// the documents its query returns now from `store`, among those `grants`
/// let the caller read.
pub async fn resolve_queries<S: Store>(
    store: &S,
    grants: &Grants,
    mutations: &mut [Mutation],
) -> Result<(), DecideError<S::Error>> {
    let readable = ReadableStore::new(store, grants);
    for mutation in mutations.iter_mut() {
        let Some((text, params)) = mutation.query() else {
            continue;
        };
        let text = text.to_owned();
        let options = QueryOptions {
            params: params.clone(),
            ..QueryOptions::default()
        };
        let result = match query(&readable, &text, &options).await {
            Ok(value) => value.to_json(),
            Err(QueryError::Groq(e)) => return Err(DecideError::Query(e.to_json(&text))),
            Err(QueryError::Store(e)) => return Err(DecideError::Store(e)),
        };
        mutation.resolve_query(ids_of(&result));
    }
    Ok(())
}

/// The `_id`s of a query's result: of each document in an array, or of the
/// one document it returned.
fn ids_of(result: &Json) -> Vec<String> {
    let id = |doc: &Json| doc.get("_id").and_then(Json::as_str).map(str::to_owned);
    match result {
        Json::Array(items) => items.iter().filter_map(id).collect(),
        Json::Object(_) => id(result).into_iter().collect(),
        _ => Vec::new(),
    }
}
