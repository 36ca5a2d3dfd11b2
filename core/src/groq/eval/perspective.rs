//! Perspectives: which copy of each document a query sees.
//!
//! - `raw`: every document as stored (drafts and versions included).
//! - `published`: no `drafts.` and no `versions.` documents.
//! - `drafts` (and its old name `previewDrafts`): `drafts.x` replaces `x`
//!   (with `_id: "x"` and `_originalId: "drafts.x"`).
//! - a release stack `r1,r2,drafts`: for each document the first of
//!   `versions.r1.x`, `versions.r2.x`, `drafts.x`, `x` that exists.

use std::collections::HashMap;
use std::sync::Arc;

use crate::groq::error::EvalError;
use crate::groq::value::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Perspective {
    Raw,
    Published,
    /// Overlay order, most preferred first: release ids, then `drafts` if present.
    Stack {
        releases: Vec<String>,
        drafts: bool,
    },
}

impl Perspective {
    pub fn parse(s: Option<&str>) -> Result<Perspective, EvalError> {
        let s = s.unwrap_or("raw").trim();
        Ok(match s {
            "" | "raw" => Perspective::Raw,
            "published" => Perspective::Published,
            "drafts" | "previewDrafts" => Perspective::Stack {
                releases: Vec::new(),
                drafts: true,
            },
            list => {
                let parts: Vec<&str> = list.split(',').map(str::trim).collect();
                let mut releases = Vec::new();
                let mut drafts = false;
                for (i, p) in parts.iter().enumerate() {
                    let last = i + 1 == parts.len();
                    match *p {
                        "drafts" if last => drafts = true,
                        "published" if last => {}
                        "raw" | "drafts" | "published" | "previewDrafts" | "" => {
                            return Err(EvalError::new(
                                "invalidPerspective",
                                format!("invalid perspective {list:?}"),
                            ));
                        }
                        release
                            if release
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
                        {
                            releases.push(release.to_string())
                        }
                        _ => {
                            return Err(EvalError::new(
                                "invalidPerspective",
                                format!("invalid perspective {list:?}"),
                            ))
                        }
                    }
                }
                Perspective::Stack { releases, drafts }
            }
        })
    }
}

fn base_id(id: &str) -> (&str, Option<&str>) {
    if let Some(rest) = id.strip_prefix("drafts.") {
        return (rest, Some("drafts"));
    }
    if let Some(rest) = id.strip_prefix("versions.") {
        if let Some((release, doc)) = rest.split_once('.') {
            return (doc, Some(release));
        }
    }
    (id, None)
}

/// The documents a query sees under `perspective`.
pub fn apply_perspective(docs: &[Value], perspective: &Perspective) -> Vec<Value> {
    match perspective {
        Perspective::Raw => docs.to_vec(),
        Perspective::Published => docs
            .iter()
            .filter(|d| {
                d.get("_id")
                    .as_str()
                    .is_some_and(|id| base_id(id).1.is_none())
            })
            .cloned()
            .collect(),
        Perspective::Stack { releases, drafts } => {
            // Rank each variant: lower is preferred; published ranks last.
            let rank = |layer: Option<&str>| -> Option<usize> {
                match layer {
                    None => Some(usize::MAX),
                    Some("drafts") if *drafts => Some(releases.len()),
                    Some("drafts") => None,
                    Some(release) => releases.iter().position(|r| r == release),
                }
            };
            let mut best: HashMap<&str, (usize, usize)> = HashMap::new();
            let mut order: Vec<&str> = Vec::new();
            for (i, doc) in docs.iter().enumerate() {
                let Some(id) = doc.get_str("_id") else {
                    continue;
                };
                let (base, layer) = base_id(id);
                let Some(r) = rank(layer) else { continue };
                match best.get(base) {
                    Some((existing, _)) if *existing <= r => {}
                    Some(_) => {
                        best.insert(base, (r, i));
                    }
                    None => {
                        order.push(base);
                        best.insert(base, (r, i));
                    }
                }
            }
            order
                .into_iter()
                .filter_map(|base| {
                    let (_, i) = best.get(base)?;
                    let doc = &docs[*i];
                    let id = doc.get_str("_id")?;
                    if id == base {
                        return Some(doc.clone());
                    }
                    let mut obj = doc.as_object()?.clone();
                    obj.insert(Arc::from("_id"), Value::string(base));
                    obj.insert(Arc::from("_originalId"), Value::string(id));
                    Some(Value::object(obj))
                })
                .collect()
        }
    }
}
