//! Documents read from D1 for GROQ: core's
//! [`Store`](qanat_core::groq::store::Store) over the `documents` table,
//! running core's SQLite statements (`read_sql`), the same the native
//! host's SQLite store runs.

use std::sync::Arc;

use qanat_core::groq::plan::{Predicate, SqlParam};
use qanat_core::groq::store::{OrderedScan, Store};
use qanat_core::groq::value::Value;
use qanat_core::read_sql::{self, ReadStatement};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::D1Database;

/// One dataset in D1, as GROQ reads it.
pub struct D1Documents<'a> {
    pub db: &'a D1Database,
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
                serde_json::from_str::<serde_json::Value>(&row.body)
                    .map(|json| Value::from_json(&json))
                    .map_err(|e| worker::Error::RustError(format!("a stored body: {e}")))
            })
            .collect()
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
