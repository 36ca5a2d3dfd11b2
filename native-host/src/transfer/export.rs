//! `qanat export`: every document stored in a dataset (published, drafts and
//! release versions alike), one JSON object per line, sorted by `_id` so two
//! exports of the same dataset are byte for byte the same.
//!
//! It reads the store directly, as the operator's own tool: no grants apply,
//! unlike `GET /data/export`, which gives a caller only what they may read.

use std::io::Write;

use qanat_core::groq::store::Store;
use serde_json::Value as Json;

use super::TransferError;
use crate::cli::ExportArgs;
use crate::store::Db;

pub fn run(args: ExportArgs) -> Result<(), TransferError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(TransferError::Runtime)?;
    let documents = runtime.block_on(async {
        let db = Db::open(&args.store.data_dir, args.store.database_url().as_deref()).await?;
        let result = documents(&db, &args.dataset, &args.types).await;
        db.close().await;
        result
    })?;
    let out_path = args.output.clone().unwrap_or_else(|| "-".into());
    let write_error = |source| TransferError::Write {
        path: out_path.clone(),
        source,
    };
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            Box::new(std::fs::File::create(path).map_err(write_error)?)
        }
        _ => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(&mut out);
    for document in &documents {
        writeln!(out, "{document}").map_err(write_error)?;
    }
    out.flush().map_err(write_error)?;
    eprintln!(
        "exported {} document(s) from {:?}",
        documents.len(),
        args.dataset
    );
    Ok(())
}

/// The documents of `dataset` sorted by `_id`, only those whose `_type` is
/// among `types` when it is not empty.
pub async fn documents(
    db: &Db,
    dataset: &str,
    types: &[String],
) -> Result<Vec<Json>, TransferError> {
    let mut documents: Vec<Json> = db
        .documents(dataset)
        .scan(None)
        .await?
        .iter()
        .map(|doc| doc.to_json())
        .filter(|doc| {
            types.is_empty()
                || doc
                    .get("_type")
                    .and_then(Json::as_str)
                    .is_some_and(|t| types.iter().any(|wanted| wanted == t))
        })
        .collect();
    documents.sort_by(|a, b| id(a).cmp(id(b)));
    Ok(documents)
}

fn id(doc: &Json) -> &str {
    doc.get("_id").and_then(Json::as_str).unwrap_or_default()
}
