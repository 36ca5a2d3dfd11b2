//! Running a query against documents a host keeps in a database (SQLite,
//! PostgreSQL, D1) instead of in memory.
//!
//! The evaluator is synchronous and pure; stores are asynchronous. They meet
//! in rounds: core asks the store for the rows `*` needs (with the filter the
//! planner pushed down), evaluates, and collects the ids `->` and
//! `documents::get()` asked for that it did not hold. The store fetches all of
//! them in one batch, and the query runs again with them. A chain of
//! dereferences (`a->b->c`) takes one round per link; a dereference of every
//! one of 9,000 posts takes one batch, never a lookup per post and never a
//! scan.

use std::sync::Arc;

use super::eval::{apply_perspective, Perspective};
use super::plan::{self, Predicate, SortKey};
use super::value::Value;
use super::{Dataset, GroqError, Prepared, QueryOptions};

/// Rounds of dereferences fetched before the rest are treated as missing.
/// Each round is one link of a chain like `a->b->c`.
pub const MAX_ROUNDS: usize = 8;

/// What a host's document store answers while a query runs, for one dataset.
///
/// `async fn` without a `Send` bound on purpose: the edge's D1 futures are
/// not `Send`, and the native host calls it with a concrete store, whose
/// futures the compiler sees through.
#[allow(async_fn_in_trait)]
pub trait Store {
    type Error;

    /// The stored documents for which `filter` is TRUE, or all of them for
    /// `None`, ordered by `_id` so results do not depend on the store.
    async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, Self::Error>;

    /// The stored documents with these ids (those that exist, any order).
    async fn get(&self, ids: &[Arc<str>]) -> Result<Vec<Value>, Self::Error>;

    /// The first `scan.limit` documents of `scan(Some(scan.filter))` in the
    /// order of `scan.keys` (GROQ's total order, ties by `_id`; see
    /// [`plan::order_sqlite`]), without drafts and versions when
    /// `scan.published_only`. `None` when the store cannot sort and cut
    /// (the default), or must not: then core scans and sorts itself.
    async fn scan_ordered(
        &self,
        scan: &OrderedScan<'_>,
    ) -> Result<Option<Vec<Value>>, Self::Error> {
        let _ = scan;
        Ok(None)
    }
}

/// What [`Store::scan_ordered`] is asked for.
#[derive(Debug, Clone, Copy)]
pub struct OrderedScan<'a> {
    /// Exactly the query's filter: every row that passes it is one the
    /// query keeps.
    pub filter: &'a Predicate,
    pub keys: &'a [SortKey],
    pub limit: usize,
    /// Leave out `drafts.…` and `versions.<release>.…` ids, as the
    /// `published` perspective does.
    pub published_only: bool,
}

/// Why a query over a store failed.
#[derive(Debug)]
pub enum QueryError<E> {
    /// The query itself: a parse error or an evaluation error.
    Groq(GroqError),
    /// The store could not be read.
    Store(E),
}

impl<E> From<GroqError> for QueryError<E> {
    fn from(e: GroqError) -> Self {
        QueryError::Groq(e)
    }
}

/// Runs `query` against `store`: a scan with the filter pushed down, then
/// one batch of lookups per round of dereferences.
pub async fn query<S: Store>(
    store: &S,
    query: &str,
    options: &QueryOptions,
) -> Result<Value, QueryError<S::Error>> {
    let prepared = Prepared::new(query, options)?;
    let perspective = prepared.perspective.clone();
    let mut dataset = if !plan::reads_dataset(&prepared.query) {
        // Nothing lists documents; only lookups by id (if any) reach the store.
        Dataset::partial(Vec::new())
    } else {
        if let Some(rows) = scan_ordered(store, &prepared).await? {
            // Every row passes the filter and they are the first in order:
            // the evaluator's own order and slice keep the same ones.
            Dataset::partial(rows)
        } else {
            scan(store, &prepared).await?
        }
    };
    for _ in 0..MAX_ROUNDS {
        let shared = Arc::new(dataset);
        let (result, missing) = prepared.run(&shared).map_err(GroqError::from)?;
        dataset = Arc::try_unwrap(shared).unwrap_or_else(|shared| (*shared).clone());
        if missing.is_empty() {
            return Ok(result);
        }
        let mut wanted = missing;
        wanted.sort_unstable();
        wanted.dedup();
        let fetched = store
            .get(&stored_ids(&wanted, &perspective))
            .await
            .map_err(QueryError::Store)?;
        dataset.add_known(apply_perspective(&fetched, &perspective));
        dataset.add_absent(wanted);
    }
    dataset.mark_complete();
    Ok(prepared.run(&Arc::new(dataset)).map_err(GroqError::from)?.0)
}

/// The rows `*` stands for, with the filter pushed down.
async fn scan<S: Store>(store: &S, prepared: &Prepared) -> Result<Dataset, QueryError<S::Error>> {
    // Overlays (`drafts.x` seen as `x`) change what a filter sees, so under
    // a drafts or release perspective the store returns every row.
    let filter = match prepared.perspective {
        Perspective::Stack { .. } => None,
        _ => {
            plan::document_filter(&prepared.query).and_then(|f| plan::pushdown(f, &prepared.params))
        }
    };
    let rows = store
        .scan(filter.as_ref())
        .await
        .map_err(QueryError::Store)?;
    let visible = apply_perspective(&rows, &prepared.perspective);
    Ok(match filter {
        Some(_) => Dataset::partial(visible),
        // Every document is here: a lookup of any other id is a miss.
        None => Dataset::new(visible),
    })
}

/// For `*[filter] | order(...)[a...b]` whose filter pushed down whole, the
/// first `b` rows in order, sorted and cut by the store; `None` when the
/// shape, the filter or the perspective does not allow it, or the store
/// declines.
async fn scan_ordered<S: Store>(
    store: &S,
    prepared: &Prepared,
) -> Result<Option<Vec<Value>>, QueryError<S::Error>> {
    let published_only = match prepared.perspective {
        Perspective::Raw => false,
        Perspective::Published => true,
        Perspective::Stack { .. } => return Ok(None),
    };
    let Some(slice) = plan::ordered_slice(&prepared.query, &prepared.params) else {
        return Ok(None);
    };
    let Some(pushed) = plan::plan_filter(slice.filter, &prepared.params) else {
        return Ok(None);
    };
    if !pushed.complete {
        return Ok(None);
    }
    let request = OrderedScan {
        filter: &pushed.predicate,
        keys: &slice.keys,
        limit: slice.limit,
        published_only,
    };
    store
        .scan_ordered(&request)
        .await
        .map_err(QueryError::Store)
}

/// The stored ids that make up the documents `ids` under `perspective`:
/// `x` itself, and for overlays also `drafts.x` and `versions.<r>.x`.
fn stored_ids(ids: &[Arc<str>], perspective: &Perspective) -> Vec<Arc<str>> {
    let Perspective::Stack { releases, drafts } = perspective else {
        return ids.to_vec();
    };
    let mut out = Vec::with_capacity(ids.len() * (2 + releases.len()));
    for id in ids {
        out.push(id.clone());
        if *drafts {
            out.push(format!("drafts.{id}").into());
        }
        for release in releases {
            out.push(format!("versions.{release}.{id}").into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::convert::Infallible;

    use serde_json::json;

    use super::*;

    /// An in-memory store that records what it was asked, to check the
    /// shape of the conversation (one scan, one batch per round).
    struct Recording {
        docs: Vec<Value>,
        scans: RefCell<Vec<Option<Predicate>>>,
        gets: RefCell<Vec<Vec<Arc<str>>>>,
    }

    impl Store for Recording {
        type Error = Infallible;

        async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, Infallible> {
            self.scans.borrow_mut().push(filter.cloned());
            let matcher = filter.map(Predicate::matcher);
            Ok(self
                .docs
                .iter()
                .filter(|d| matcher.as_ref().is_none_or(|m| m.matches(d) == Some(true)))
                .cloned()
                .collect())
        }

        async fn get(&self, ids: &[Arc<str>]) -> Result<Vec<Value>, Infallible> {
            self.gets.borrow_mut().push(ids.to_vec());
            Ok(self
                .docs
                .iter()
                .filter(|d| {
                    d.get_str("_id")
                        .is_some_and(|id| ids.iter().any(|i| &**i == id))
                })
                .cloned()
                .collect())
        }
    }

    /// Drives a future that never waits (the recording store answers at once).
    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    fn store() -> Recording {
        let mut docs = vec![
            json!({"_id": "company-1", "_type": "company", "name": "Qanat"}),
            json!({"_id": "drafts.author-2", "_type": "author", "name": "Draft Two", "company": {"_ref": "company-1"}}),
        ];
        for i in 0..3 {
            docs.push(json!({"_id": format!("author-{i}"), "_type": "author", "name": format!("A{i}"), "company": {"_ref": "company-1"}}));
        }
        for i in 0..30 {
            docs.push(json!({"_id": format!("post-{i:02}"), "_type": "post", "views": i * 10, "author": {"_ref": format!("author-{}", i % 4)}}));
        }
        Recording {
            docs: docs.iter().map(Value::from_json).collect(),
            scans: RefCell::new(Vec::new()),
            gets: RefCell::new(Vec::new()),
        }
    }

    fn run(store: &Recording, q: &str, perspective: Option<&str>) -> serde_json::Value {
        let options = QueryOptions {
            perspective: perspective.map(str::to_string),
            ..QueryOptions::default()
        };
        let expected = crate::groq::evaluate(q, store.docs.clone(), &options)
            .expect("runs in memory")
            .to_json();
        let got = block_on(query(store, q, &options))
            .unwrap_or_else(|e| panic!("{q}: {e:?}"))
            .to_json();
        assert_eq!(got, expected, "{q} through the store and in memory");
        got
    }

    #[test]
    fn dereferences_are_fetched_in_one_batch_per_round() {
        let s = store();
        let q = r#"*[_type == "post" && views >= 100]{_id, "author": author->name, "company": author->company->name}"#;
        let result = run(&s, q, None);
        assert_eq!(result.as_array().map(Vec::len), Some(20));
        assert_eq!(s.scans.borrow().len(), 1, "one scan");
        assert!(s.scans.borrow()[0].is_some(), "the filter was pushed down");
        let gets = s.gets.borrow();
        // Round 1: the four authors (author-3 does not exist). Round 2: the company.
        assert_eq!(gets.len(), 2, "{gets:?}");
        assert_eq!(gets[0].len(), 4, "each author asked for once: {gets:?}");
        assert_eq!(gets[1], vec![Arc::<str>::from("company-1")]);
    }

    #[test]
    fn a_full_scan_needs_no_lookups() {
        let s = store();
        run(
            &s,
            r#"*[count(author->company->name) >= 0]{"a": author->name}"#,
            None,
        );
        assert_eq!(s.scans.borrow().as_slice(), &[None]);
        assert!(s.gets.borrow().is_empty());
    }

    #[test]
    fn queries_without_a_star_only_look_up() {
        let s = store();
        run(&s, r#"documents::get("author-1").name"#, None);
        assert!(s.scans.borrow().is_empty());
        assert_eq!(s.gets.borrow().len(), 1);
    }

    #[test]
    fn perspectives_see_the_same_documents_through_a_store() {
        let s = store();
        let q = r#"*[_type == "post" && views < 40]{_id, "author": author->name}"#;
        let drafts = run(&s, q, Some("drafts"));
        assert_eq!(drafts[2]["author"], json!("Draft Two"));
        run(&s, q, Some("published"));
        run(&s, r#"*[_type == "author"].name"#, Some("drafts"));
    }
}
