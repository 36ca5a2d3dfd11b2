//! The documents one query runs against: what `*` returns, and the lookup by
//! `_id` that `->` and `documents::get` go through.
//!
//! A host that keeps a dataset in memory (the CLI, the wasm module, the
//! conformance runner) builds one `Dataset` and runs every query against it,
//! so the id index is built once per load, not once per query. A host on a
//! database builds a partial one per query from the rows its store returned
//! (see [`super::store`]): lookups of ids it does not hold are recorded, the
//! store fetches them in one batch, and the query runs again.

use std::collections::HashMap;
use std::sync::Arc;

use super::hash::BuildKeyHasher;
use super::value::Value;

#[derive(Debug, Clone)]
pub struct Dataset {
    everything: Arc<Vec<Value>>,
    /// `_id` → document, for every document in `everything` and any fetched
    /// for dereferences. A null value records an id known not to exist.
    by_id: HashMap<Arc<str>, Value, BuildKeyHasher>,
    /// Whether `by_id` holds every document there is.
    complete: bool,
    /// `_type` → positions in `everything`, ascending: `*[_type == "post"]`
    /// visits the posts only.
    by_type: HashMap<Arc<str>, Vec<u32>, BuildKeyHasher>,
}

impl Default for Dataset {
    fn default() -> Dataset {
        Dataset::new(Vec::new())
    }
}

impl Dataset {
    /// Every document of a dataset.
    pub fn new(docs: Vec<Value>) -> Dataset {
        Dataset::from_shared(Arc::new(docs))
    }

    /// Every document of a dataset, from JSON, with equal keys and short
    /// strings sharing memory (see [`Value::from_json_interned`]).
    pub fn from_json(docs: &[serde_json::Value]) -> Dataset {
        let mut interner = super::value::Interner::default();
        Dataset::new(
            docs.iter()
                .map(|d| Value::from_json_interned(d, &mut interner))
                .collect(),
        )
    }

    /// Every document of a dataset, shared with the caller.
    pub fn from_shared(docs: Arc<Vec<Value>>) -> Dataset {
        let mut dataset = Dataset {
            everything: Arc::new(Vec::new()),
            by_id: HashMap::default(),
            complete: true,
            by_type: HashMap::default(),
        };
        dataset.add_known(docs.iter().cloned());
        for (i, doc) in docs.iter().enumerate() {
            // Past u32::MAX documents the index stops growing: lookups then
            // fall back to visiting every document (see `positions_of_type`).
            let (Some(Value::String(t)), Ok(i)) = (
                doc.as_object().and_then(|o| o.get("_type")),
                u32::try_from(i),
            ) else {
                continue;
            };
            dataset.by_type.entry(t.clone()).or_default().push(i);
        }
        dataset.everything = docs;
        dataset
    }

    /// Some documents of a dataset: `everything` is what the store's scan
    /// returned; ids not known are fetched on demand.
    pub fn partial(everything: Vec<Value>) -> Dataset {
        let mut dataset = Dataset::new(everything);
        dataset.complete = false;
        dataset
    }

    /// The documents `*` stands for.
    pub fn documents(&self) -> &Arc<Vec<Value>> {
        &self.everything
    }

    /// Positions in [`Dataset::documents`] of the documents with this
    /// `_type`, ascending; `None` when the index cannot say.
    pub fn positions_of_type(&self, t: &str) -> Option<&[u32]> {
        if u32::try_from(self.everything.len()).is_err() {
            return None;
        }
        Some(self.by_type.get(t).map(Vec::as_slice).unwrap_or(&[]))
    }

    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The document with this `_id`: `Some(Null)` when it is known not to
    /// exist, `None` when this partial dataset does not know.
    pub fn lookup(&self, id: &str) -> Option<&Value> {
        match self.by_id.get(id) {
            Some(v) => Some(v),
            None if self.complete => Some(&Value::Null),
            None => None,
        }
    }

    /// Adds documents `->` may reach (the first of duplicate ids wins, as
    /// in a scan).
    pub fn add_known(&mut self, docs: impl IntoIterator<Item = Value>) {
        for doc in docs {
            if let Some(Value::String(id)) = doc.as_object().and_then(|o| o.get("_id")) {
                let id = id.clone();
                self.by_id.entry(id).or_insert(doc);
            }
        }
    }

    /// Treats every id not held as missing from now on.
    pub fn mark_complete(&mut self) {
        self.complete = true;
    }

    /// Records that these ids do not exist.
    pub fn add_absent(&mut self, ids: impl IntoIterator<Item = Arc<str>>) {
        for id in ids {
            self.by_id.entry(id).or_insert(Value::Null);
        }
    }
}
