//! The in-browser GROQ playground's engine: core compiled with
//! wasm-bindgen, run in a Web Worker (`page/worker.js`) so that a slow
//! query never freezes the page.
//!
//! A [`Playground`] holds a dataset (loaded from JSON or NDJSON, or from a
//! Qanat server's export) and answers queries over it; listener events
//! with mendoza effects keep it live (`live.rs`). The page itself is
//! `page/` (HTML, CSS, JS), built into `dist/playground/` by
//! `scripts/playground.sh`.

mod dataset;
mod live;

use std::sync::Arc;

use qanat_core::groq::{evaluate_in_json, Dataset, QueryOptions};
use serde_json::{json, Map, Value as Json};
use wasm_bindgen::prelude::*;

/// A dataset and the queries run over it.
#[wasm_bindgen]
#[derive(Default)]
pub struct Playground {
    /// The documents by `_id`, in the order they came, for live updates.
    documents: Vec<Json>,
    /// What queries read, rebuilt when the documents change.
    dataset: Arc<Dataset>,
}

#[wasm_bindgen]
impl Playground {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Playground {
        Playground::default()
    }

    /// Replaces the dataset with `text`: a JSON array of documents, or one
    /// document per line (NDJSON, what `data/export` answers). Returns how
    /// many documents it holds.
    pub fn load(&mut self, text: &str) -> Result<usize, JsError> {
        self.documents = dataset::parse(text).map_err(|e| JsError::new(&e))?;
        self.rebuild();
        Ok(self.documents.len())
    }

    /// Runs `query` with `params` (a JSON object, or empty) in
    /// `perspective` (empty for none): `{"result": …}`, or Sanity's error
    /// body (`queryParseError` with byte offsets `start`/`end` into the
    /// query's UTF-8).
    pub fn query(&self, query: &str, params: &str, perspective: &str) -> String {
        let params: Map<String, Json> = match params.trim() {
            "" => Map::new(),
            text => match serde_json::from_str(text) {
                Ok(Json::Object(map)) => map,
                Ok(_) => return params_error("Params must be a JSON object"),
                Err(e) => return params_error(&format!("Params are not valid JSON: {e}")),
            },
        };
        let options = QueryOptions {
            params,
            perspective: Some(perspective.to_owned()).filter(|p| !p.is_empty()),
            now: None,
            identity: None,
        };
        match evaluate_in_json(query, &self.dataset, &options) {
            Ok(result) => format!("{{\"result\":{result}}}"),
            Err(e) => e.to_json(query).to_string(),
        }
    }

    /// Applies a listener's `mutation` event (JSON, with mendoza `effects`)
    /// to the dataset. Returns whether it changed anything.
    pub fn apply_event(&mut self, event: &str) -> Result<bool, JsError> {
        let changed =
            live::apply_event(&mut self.documents, event).map_err(|e| JsError::new(&e))?;
        if changed {
            self.rebuild();
        }
        Ok(changed)
    }

    /// How many documents the dataset holds.
    pub fn size(&self) -> usize {
        self.documents.len()
    }
}

impl Playground {
    fn rebuild(&mut self) {
        self.dataset = Arc::new(Dataset::from_json(&self.documents));
    }
}

fn params_error(description: &str) -> String {
    json!({"error": {"type": "paramsError", "description": description}}).to_string()
}
