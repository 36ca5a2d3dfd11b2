//! Query results in the Cache API of the data center that served them.
//!
//! An entry's key holds everything its result depends on: the query, its
//! parameters and options, the caller's identity and grants, and the
//! dataset's last transaction. A write makes the dataset's old entries
//! unreachable at once (the next query asks under a new `seq`); they age
//! out by their TTL. The Cache API only works on a Worker served from a
//! custom domain (not `*.workers.dev`) and under `wrangler dev`.

use qanat_core::grants::credential::sha256_hex;
use qanat_core::grants::Grants;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use worker::{Cache, D1DatabaseSession, D1PreparedStatement, D1Result, Response, Result};

/// How long an entry may sit in the cache: it is never served stale (its
/// key names the dataset's last transaction), so this only bounds storage.
const TTL_SECONDS: u32 = 3600;

/// Whether a query's answer may be kept: not one that reads the clock,
/// whose answer changes with no write.
pub fn cacheable(text: &str) -> bool {
    !text.contains("now(")
}

#[derive(Deserialize)]
struct LastTransaction {
    seq: i64,
    id: String,
}

/// What an [`Entry`] is keyed by besides the query: the dataset's last
/// transaction, read in the same round trip as the caller's grants.
pub fn last_transaction(db: &D1DatabaseSession, dataset: &str) -> Result<D1PreparedStatement> {
    db.prepare("SELECT seq, id FROM transactions WHERE dataset = ?1 ORDER BY seq DESC LIMIT 1")
        .bind(&[dataset.into()])
}

/// Where a query's result is, or goes, in the cache.
pub struct Entry {
    key: String,
}

/// What a cached query depends on besides its dataset's state.
pub struct Asked<'a> {
    pub dataset: &'a str,
    pub text: &'a str,
    pub params: &'a Map<String, Value>,
    pub perspective: Option<&'a str>,
    pub return_query: bool,
}

impl Entry {
    /// The entry for `asked` by a caller with `grants`, at the dataset's
    /// last transaction as `last` ([`last_transaction`]'s result, read with
    /// the session the query will read with) found it.
    pub fn new(asked: &Asked<'_>, grants: &Grants, last: &D1Result) -> Result<Entry> {
        let last = last.results::<LastTransaction>()?.into_iter().next();
        let (seq, transaction) = last.map_or((0, None), |last| (last.seq, Some(last.id)));
        // `identity()` is part of GROQ, so results are per identity, and
        // the grants (not only the roles' names) are hashed in, so a
        // changed role never serves what the old one allowed.
        let material = json!({
            "query": asked.text,
            "params": asked.params,
            "perspective": asked.perspective,
            "returnQuery": asked.return_query,
            "identity": grants.identity(),
            "grants": grants.acl_json(),
            // Beside the `seq`: deleting a dataset empties its log, and one
            // made again under its name counts from 1 again.
            "transaction": transaction,
        });
        let digest = sha256_hex(&material.to_string());
        Ok(Entry {
            key: format!(
                "https://cache.qanat.internal/{}/{seq}/{digest}",
                asked.dataset
            ),
        })
    }

    /// The cached answer's body, if the data center has one.
    pub async fn get(&self) -> Result<Option<String>> {
        match Cache::default().get(&self.key, true).await? {
            Some(mut hit) => Ok(Some(hit.text().await?)),
            None => Ok(None),
        }
    }

    /// Keeps `body`, a 200's answer.
    pub async fn put(&self, body: &str) -> Result<()> {
        let mut copy = Response::ok(body)?;
        copy.headers_mut().set("content-type", "application/json")?;
        copy.headers_mut()
            .set("cache-control", &format!("max-age={TTL_SECONDS}"))?;
        Cache::default().put(&self.key, copy).await
    }
}
