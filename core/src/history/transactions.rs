//! `data/history/{dataset}/transactions/{documentIds?}`: the request, and
//! the NDJSON line of each transaction, oldest first by default.
//!
//! A caller sees a transaction's documents only where they may read those
//! documents' history; a transaction that touched anything else loses its
//! `mutations` (they carry the hidden content) and the hidden documents'
//! ids and effects.

use std::collections::HashSet;

use serde_json::{json, Map, Value as Json};

use super::log_query::LogQuery;
use super::LogEntry;
use crate::mutation::stamps::stored_form;
use crate::request::{self, BadRequest, Pairs};

/// How many transactions one response lists at most without `limit`.
pub const DEFAULT_LIMIT: i64 = 10_000;
/// How many transactions one response reads at most while looking for ones
/// the caller may see: a role that sees little of a long log gets a short
/// answer rather than a request that reads all of it.
pub const MAX_SCANNED: usize = 100_000;

/// A transactions request, before its transaction ids are looked up.
#[derive(Debug, Clone)]
pub struct TransactionsRequest {
    pub query: LogQuery,
    /// `fromTransaction` (included).
    pub from_transaction: Option<String>,
    /// `toTransaction` (included).
    pub to_transaction: Option<String>,
    pub content: Content,
}

/// What a line holds besides the id, time, author and document ids.
#[derive(Debug, Clone)]
pub struct Content {
    mutations: bool,
    effects: bool,
    /// `includeIdentifiedDocumentsOnly`: list only the documents asked for.
    only: Option<HashSet<String>>,
}

impl TransactionsRequest {
    /// `ids`: the path's comma list of document ids, if any. The query
    /// string: `limit`, `reverse`, `fromTime`/`toTime`,
    /// `fromTransaction`/`toTransaction`, `authors`, `excludeContent`,
    /// `excludeMutations`, `effectFormat=mendoza`,
    /// `includeIdentifiedDocumentsOnly`.
    pub fn new(ids: Option<&str>, pairs: &Pairs) -> Result<TransactionsRequest, BadRequest> {
        let limit = match request::value(pairs, "limit") {
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| BadRequest(format!("Invalid limit: {text:?}")))?,
            None => DEFAULT_LIMIT,
        };
        let time = |name: &str| {
            request::value(pairs, name)
                .map(|text| {
                    stored_form(text).ok_or_else(|| BadRequest(format!("Invalid {name}: {text:?}")))
                })
                .transpose()
        };
        let documents = ids.map(request::comma_list);
        let identified_only = request::flag(pairs, "includeIdentifiedDocumentsOnly", false)?;
        // `excludeContent` leaves out what carries document bodies (the
        // mutations) but not the effects: Studio's timeline asks for both
        // `excludeContent` and `effectFormat=mendoza` and diffs with the
        // effects.
        let content = Content {
            mutations: !request::flag(pairs, "excludeMutations", false)?
                && !request::flag(pairs, "excludeContent", false)?,
            effects: request::value(pairs, "effectFormat") == Some("mendoza"),
            only: documents
                .clone()
                .filter(|_| identified_only)
                .map(|ids| ids.into_iter().collect()),
        };
        Ok(TransactionsRequest {
            query: LogQuery {
                documents,
                limit,
                newest_first: request::flag(pairs, "reverse", false)?,
                from_time: time("fromTime")?,
                to_time: time("toTime")?,
                authors: request::value(pairs, "authors").map(request::comma_list),
                ..LogQuery::default()
            },
            from_transaction: request::value(pairs, "fromTransaction").map(str::to_owned),
            to_transaction: request::value(pairs, "toTransaction").map(str::to_owned),
            content,
        })
    }
}

impl Content {
    /// Writes the lines of `log` the caller may see (`visible`: the ids
    /// whose history it may read), at most `room` of them, to `out`;
    /// returns how many.
    pub fn lines(
        &self,
        log: &[LogEntry],
        visible: &HashSet<String>,
        room: i64,
        out: &mut String,
    ) -> i64 {
        let mut written = 0;
        for entry in log {
            if written >= room {
                break;
            }
            let Some(effects) = entry.effects.as_object() else {
                continue;
            };
            let shown: Vec<&String> = effects
                .keys()
                .filter(|id| visible.contains(*id))
                .filter(|id| self.only.as_ref().is_none_or(|only| only.contains(*id)))
                .collect();
            if shown.is_empty() {
                continue;
            }
            let mut line = json!({
                "id": entry.id,
                "timestamp": entry.timestamp,
                "author": entry.author,
                "documentIDs": shown,
            });
            let hides_something = effects.keys().any(|id| !visible.contains(id));
            if self.mutations && !hides_something {
                line["mutations"] = entry.mutations.clone();
            }
            if self.effects {
                let shown_effects: Map<String, Json> = shown
                    .iter()
                    .filter_map(|id| Some(((*id).clone(), effects.get(*id)?.clone())))
                    .collect();
                line["effects"] = Json::Object(shown_effects);
            }
            out.push_str(&line.to_string());
            out.push('\n');
            written += 1;
        }
        written
    }
}
