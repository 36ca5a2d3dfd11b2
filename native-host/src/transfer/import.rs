//! `qanat import`: the documents of an NDJSON file written into a dataset
//! in batches of transactions that core runs, so every batch has its entry
//! in the transaction log and every document a fresh `_rev`, exactly as if a
//! client had sent the mutations.
//!
//! Reruns are cheap: a document whose stored body already equals its line
//! (apart from the fields the store sets) is left alone, so an import cut
//! short resumes where it stopped and a finished one writes nothing again.

use std::collections::HashMap;

use qanat_core::document::Document;
use qanat_core::listen::PreparedCommit;
use qanat_core::mutation::{apply_transaction, parse_mutations, TransactionContext};
use serde_json::{json, Map, Value as Json};

use super::lines::{self, Line};
use super::progress::Progress;
use super::TransferError;
use crate::cli::ImportArgs;
use crate::dataset::clock;
use crate::store::{DatasetWrite, Db, Locking};

/// What an import does with a document whose id is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `createOrReplace`: the line wins.
    Replace,
    /// `createIfNotExists`: the stored document wins.
    Missing,
}

impl Mode {
    fn mutation(self) -> &'static str {
        match self {
            Mode::Replace => "createOrReplace",
            Mode::Missing => "createIfNotExists",
        }
    }
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub written: usize,
    /// Left alone: already stored with the same body, or (`--missing`) stored at all.
    pub skipped: usize,
    pub transactions: usize,
}

pub fn run(args: ImportArgs) -> Result<(), TransferError> {
    let text = std::fs::read_to_string(&args.file).map_err(|source| TransferError::Read {
        path: args.file.clone(),
        source,
    })?;
    let lines = lines::parse(&text).map_err(|(line, message)| TransferError::BadLine {
        path: args.file.clone(),
        line,
        message,
    })?;
    let mode = if args.missing {
        Mode::Missing
    } else {
        Mode::Replace
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(TransferError::Runtime)?;
    let mut progress = Progress::new(lines.len());
    let summary = runtime.block_on(async {
        let db = Db::open(&args.store.data_dir, args.store.database_url().as_deref()).await?;
        let result = import(
            &db,
            &args.dataset,
            &lines,
            mode,
            usize::try_from(args.batch_size).unwrap_or(1),
            &mut progress,
        )
        .await;
        db.close().await;
        result
    });
    progress.finish();
    let summary = summary?;
    eprintln!(
        "imported {} document(s) into {:?}: {} written in {} transaction(s), {} unchanged or kept; {:.1}s, {:.0} documents/s",
        summary.documents,
        args.dataset,
        summary.written,
        summary.transactions,
        summary.skipped,
        progress.elapsed().as_secs_f64(),
        progress.rate(summary.documents),
    );
    Ok(())
}

/// Writes `lines` into `dataset`, `batch_size` documents per transaction.
pub async fn import(
    db: &Db,
    dataset: &str,
    lines: &[Line],
    mode: Mode,
    batch_size: usize,
    progress: &mut Progress,
) -> Result<Summary, TransferError> {
    let mut summary = Summary::default();
    for batch in lines.chunks(batch_size.clamp(1, qanat_core::limits::MAX_MUTATIONS)) {
        let ids: Vec<String> = batch.iter().map(|line| id(&line.document)).collect();
        // Read under the lock, so what is skipped or replaced is what is
        // there. An error drops the lock, and with it the transaction.
        let mut locked = db.begin_write(dataset, Locking::BeforeReads).await?;
        let stored = locked.read_documents(&ids).await?;
        let todo: Vec<&Line> = batch
            .iter()
            .filter(|line| needs_write(&line.document, stored.get(&id(&line.document)), mode))
            .collect();
        summary.documents += batch.len();
        summary.skipped += batch.len() - todo.len();
        match todo.first() {
            Some(first) => {
                write(locked, &todo, &stored, mode)
                    .await
                    .map_err(|e| match e {
                        WriteFailure::Refused(message) => TransferError::Refused {
                            line: first.number,
                            message,
                        },
                        WriteFailure::Store(e) => e,
                    })?;
                summary.written += todo.len();
                summary.transactions += 1;
            }
            None => locked.rollback().await,
        }
        progress.update(summary.documents);
    }
    Ok(summary)
}

enum WriteFailure {
    Refused(String),
    Store(TransferError),
}

async fn write(
    locked: DatasetWrite<'_>,
    todo: &[&Line],
    stored: &HashMap<String, Document>,
    mode: Mode,
) -> Result<(), WriteFailure> {
    let json: Vec<Json> = todo
        .iter()
        .map(|line| json!({ mode.mutation(): Json::Object(line.document.clone()) }))
        .collect();
    let mutations = parse_mutations(&Json::Array(json.clone()))
        .map_err(|e| WriteFailure::Refused(e.to_string()))?;
    let ctx = TransactionContext {
        transaction_id: clock::transaction_id(),
        now: clock::now_rfc3339(),
        // The operator's own command: no user of the project is the author.
        identity: String::new(),
        auto_generate_array_keys: false,
        seed: clock::seed(),
    };
    let commit = apply_transaction(&mutations, stored, &ctx)
        .map_err(|e| WriteFailure::Refused(e.to_string()))?;
    locked
        .commit(&PreparedCommit::new(&commit, &json), &json)
        .await
        .map_err(|e| WriteFailure::Store(e.into()))?;
    Ok(())
}

fn id(document: &Map<String, Json>) -> String {
    document
        .get("_id")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Whether `line` must be written over what is `stored` under its id.
fn needs_write(line: &Map<String, Json>, stored: Option<&Document>, mode: Mode) -> bool {
    match (stored, mode) {
        (None, _) => true,
        (Some(_), Mode::Missing) => false,
        (Some(stored), Mode::Replace) => !same_content(line, stored.as_map()),
    }
}

/// Whether `stored` is what importing `line` would store, apart from the
/// fields the store sets on every write: `_rev` and `_updatedAt` always, and
/// `_createdAt` when the line has none (it then dates from the first import).
pub fn same_content(line: &Map<String, Json>, stored: &Map<String, Json>) -> bool {
    let set_by_store = |key: &str, from_line: bool| {
        key == "_rev" || key == "_updatedAt" || (key == "_createdAt" && from_line)
    };
    let line_has_created = line.contains_key("_createdAt");
    let strip = |map: &Map<String, Json>, is_stored: bool| -> Map<String, Json> {
        map.iter()
            .filter(|(key, _)| !set_by_store(key, is_stored && !line_has_created))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect()
    };
    strip(line, false) == strip(stored, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(value: Json) -> Map<String, Json> {
        match value {
            Json::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn content_ignores_only_what_the_store_sets() {
        let cases = [
            (
                json!({"_id": "a", "_type": "t", "x": 1}),
                json!({"_id": "a", "_type": "t", "x": 1, "_rev": "r", "_updatedAt": "u", "_createdAt": "c"}),
                true,
            ),
            (
                json!({"_id": "a", "_type": "t", "x": 1, "_rev": "old", "_updatedAt": "old"}),
                json!({"_id": "a", "_type": "t", "x": 1, "_rev": "r", "_updatedAt": "u"}),
                true,
            ),
            (
                json!({"_id": "a", "_type": "t", "_createdAt": "c1"}),
                json!({"_id": "a", "_type": "t", "_createdAt": "c2"}),
                false,
            ),
            (
                json!({"_id": "a", "_type": "t", "x": 1}),
                json!({"_id": "a", "_type": "t", "x": 2}),
                false,
            ),
            (
                json!({"_id": "a", "_type": "t"}),
                json!({"_id": "a", "_type": "t", "extra": true}),
                false,
            ),
        ];
        for (line, stored, same) in cases {
            assert_eq!(
                same_content(&map(line.clone()), &map(stored.clone())),
                same,
                "{line} vs {stored}"
            );
        }
    }
}
