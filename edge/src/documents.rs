//! Documents read from D1 for GROQ: core's
//! [`Store`](qanat_core::groq::store::Store) over the `documents` table,
//! running core's SQLite statements (`read_sql`), the same the native
//! host's SQLite store runs; and what a write reads before core decides it.

use std::collections::HashMap;
use std::sync::Arc;

use qanat_core::document::Document;
use qanat_core::groq::plan::{Predicate, SqlParam};
use qanat_core::groq::store::{OrderedScan, Store};
use qanat_core::groq::value::Value;
use qanat_core::read_sql::{self, ReadStatement};
use qanat_core::write::WriteReads;
use serde::Deserialize;
use serde_json::Value as Json;
use worker::wasm_bindgen::JsValue;
use worker::D1DatabaseSession;

/// One dataset in D1, as GROQ reads it.
pub struct D1Documents<'a> {
    pub db: &'a D1DatabaseSession,
    pub dataset: &'a str,
}

#[derive(Deserialize)]
struct BodyRow {
    body: String,
}

impl Store for D1Documents<'_> {
    type Error = worker::Error;

    async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, worker::Error> {
        self.read(read_sql::scan(self.dataset, filter)).await
    }

    async fn scan_ordered(
        &self,
        scan: &OrderedScan<'_>,
    ) -> Result<Option<Vec<Value>>, worker::Error> {
        self.read(read_sql::scan_ordered(self.dataset, scan))
            .await
            .map(Some)
    }

    async fn get(&self, ids: &[Arc<str>]) -> Result<Vec<Value>, worker::Error> {
        self.read(read_sql::get(self.dataset, ids)).await
    }
}

impl D1Documents<'_> {
    /// The bodies `statement` selects, as GROQ values.
    async fn read(&self, statement: ReadStatement) -> Result<Vec<Value>, worker::Error> {
        Ok(self
            .bodies(statement)
            .await?
            .iter()
            .map(Value::from_json)
            .collect())
    }

    /// The bodies `statement` selects, as JSON.
    async fn bodies(&self, statement: ReadStatement) -> Result<Vec<Json>, worker::Error> {
        let params: Vec<JsValue> = statement.params.iter().map(to_js).collect();
        let rows: Vec<BodyRow> = self
            .db
            .prepare(&statement.sql)
            .bind(&params)?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|row| {
                serde_json::from_str::<Json>(&row.body)
                    .map_err(|e| worker::Error::RustError(format!("a stored body: {e}")))
            })
            .collect()
    }

    /// The stored documents among `ids`, by id.
    pub async fn documents(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, Document>, worker::Error> {
        let ids: Vec<Arc<str>> = ids.iter().map(|id| Arc::from(id.as_str())).collect();
        Ok(self
            .bodies(read_sql::get(self.dataset, &ids))
            .await?
            .into_iter()
            .filter_map(Document::from_stored)
            .map(|doc| (doc.id().to_owned(), doc))
            .collect())
    }

    /// Every stored id that starts with `prefix`, in byte order.
    pub async fn ids_with_prefix(&self, prefix: &str) -> Result<Vec<String>, worker::Error> {
        #[derive(Deserialize)]
        struct IdRow {
            id: String,
        }
        // `substr`, not LIKE: ids may hold `_` and `%`.
        let rows: Vec<IdRow> = self
            .db
            .prepare(
                "SELECT id FROM documents WHERE dataset = ?1 \
                 AND substr(id, 1, length(?2)) = ?2 ORDER BY id",
            )
            .bind(&[self.dataset.into(), prefix.into()])?
            .all()
            .await?
            .results()?;
        Ok(rows.into_iter().map(|row| row.id).collect())
    }
}

/// What a write reads, in its dataset's Durable Object (which lets no other
/// write of the dataset run until this one is stored).
impl WriteReads for D1Documents<'_> {
    type Error = worker::Error;

    async fn read_documents(
        &mut self,
        ids: &[String],
    ) -> Result<HashMap<String, Document>, worker::Error> {
        self.documents(ids).await
    }

    async fn ids_with_prefix(&mut self, prefix: &str) -> Result<Vec<String>, worker::Error> {
        D1Documents::ids_with_prefix(self, prefix).await
    }
}

/// A parameter as D1 binds it (lists as JSON text, as the SQLite rendering
/// expects them).
fn to_js(param: &SqlParam) -> JsValue {
    match param {
        SqlParam::Text(s) => JsValue::from_str(s),
        SqlParam::Real(n) => JsValue::from_f64(*n),
        // SQLite has no booleans: 1 and 0, as sqlx binds them.
        SqlParam::Bool(b) => JsValue::from_f64(if *b { 1.0 } else { 0.0 }),
        SqlParam::TextArray(items) => {
            JsValue::from_str(&serde_json::Value::from(items.clone()).to_string())
        }
        SqlParam::RealArray(items) => {
            JsValue::from_str(&serde_json::Value::from(items.clone()).to_string())
        }
    }
}
