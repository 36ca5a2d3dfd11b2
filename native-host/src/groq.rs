//! `qanat groq`: a query over an NDJSON file, like the `groq-cli` npm tool.
//! The file is read here; everything else is core's GROQ engine.

use std::io::{BufRead, BufReader, Read};

use qanat_core::groq::{evaluate_json, GroqError, QueryOptions};
use serde_json::Value;

use crate::cli::GroqArgs;

#[derive(Debug, thiserror::Error)]
pub enum GroqCommandError {
    #[error("reading the dataset: {0}")]
    Read(#[from] std::io::Error),
    #[error("dataset line {line}: {message}")]
    BadDocument { line: usize, message: String },
    #[error("--param {0:?}: expected name=<JSON value>")]
    BadParam(String),
    /// The error body Sanity's API would answer with, printed as JSON.
    #[error("{0}")]
    Query(String),
}

pub fn run(args: GroqArgs) -> Result<(), GroqCommandError> {
    let reader: Box<dyn Read> = match &args.dataset {
        Some(path) => Box::new(std::fs::File::open(path)?),
        None => Box::new(std::io::stdin()),
    };
    let documents = read_ndjson(reader)?;
    let mut options = QueryOptions {
        perspective: args.perspective.clone(),
        now: None,
        ..QueryOptions::default()
    };
    for p in &args.params {
        let (name, json) = p
            .split_once('=')
            .ok_or_else(|| GroqCommandError::BadParam(p.clone()))?;
        let value: Value =
            serde_json::from_str(json).map_err(|_| GroqCommandError::BadParam(p.clone()))?;
        options
            .params
            .insert(name.trim_start_matches('$').to_string(), value);
    }
    options.now = Some(now_rfc3339());
    let result = evaluate_json(&args.query, &documents, &options)
        .map_err(|e: GroqError| GroqCommandError::Query(e.to_json(&args.query).to_string()))?;
    let text = if args.compact {
        serde_json::to_string(&result)
    } else {
        serde_json::to_string_pretty(&result)
    };
    println!("{}", text.unwrap_or_default());
    Ok(())
}

/// One JSON document per non-empty line.
fn read_ndjson(reader: impl Read) -> Result<Vec<Value>, GroqCommandError> {
    let mut out = Vec::new();
    for (i, line) in BufReader::new(reader).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let doc = serde_json::from_str(&line).map_err(|e| GroqCommandError::BadDocument {
            line: i + 1,
            message: e.to_string(),
        })?;
        out.push(doc);
    }
    Ok(out)
}

/// The host's clock for `now()`: core reads none itself.
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    qanat_core::groq::datetime::DateTime {
        seconds: secs,
        nanos: 0,
    }
    .to_rfc3339()
}
