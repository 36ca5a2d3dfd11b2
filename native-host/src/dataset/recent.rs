//! The documents a dataset's writer remembers from its latest writes, so
//! that on PostgreSQL it can decide a write without reading them first.
//!
//! What it remembers may be out of date (another node, `qanat import`), so
//! it is only ever an assumption that the commit checks like a read
//! (`pg-migrations/0007_commit_or_current.sql`); a wrong one costs the round
//! trip the read would have cost. Ids it has never seen are assumed not
//! stored: true of every new document, the common case of a create.

use std::collections::{HashMap, VecDeque};

use qanat_core::document::Document;
use qanat_core::mutation::Commit;

/// How many documents a writer remembers: a few people editing a few drafts
/// each, with room to spare, and little memory however large they are.
const CAPACITY: usize = 256;

pub(super) struct Recent {
    /// Off: remembers nothing (a store whose commit checks no assumption).
    on: bool,
    /// By id; `None`: known not to be stored.
    docs: HashMap<String, Option<Document>>,
    /// The ids in the order they were first remembered, oldest first.
    order: VecDeque<String>,
}

impl Recent {
    pub fn new(on: bool) -> Recent {
        Recent {
            on,
            docs: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Whether it remembers anything: only where commits check assumptions.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// What reading `ids` is assumed to find.
    pub fn assume(&self, ids: &[String]) -> HashMap<String, Document> {
        ids.iter()
            .filter_map(|id| match self.docs.get(id) {
                Some(Some(doc)) => Some((id.clone(), doc.clone())),
                _ => None,
            })
            .collect()
    }

    /// Remembers that reading `ids` found `found`.
    pub fn found(&mut self, ids: &[String], found: &HashMap<String, Document>) {
        if !self.on {
            return;
        }
        for id in ids {
            self.put(id, found.get(id).cloned());
        }
    }

    /// Remembers what `commit` left stored.
    pub fn committed(&mut self, commit: &Commit) {
        if !self.on {
            return;
        }
        for change in &commit.changes {
            self.put(&change.id, change.after.clone());
        }
    }

    pub fn forget_all(&mut self) {
        self.docs.clear();
        self.order.clear();
    }

    fn put(&mut self, id: &str, doc: Option<Document>) {
        if let Some(slot) = self.docs.get_mut(id) {
            *slot = doc;
            return;
        }
        if self.order.len() >= CAPACITY {
            if let Some(oldest) = self.order.pop_front() {
                self.docs.remove(&oldest);
            }
        }
        self.order.push_back(id.to_owned());
        self.docs.insert(id.to_owned(), doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(id: &str, rev: &str) -> Document {
        Document::from_stored(json!({"_id": id, "_rev": rev, "_type": "t"})).expect("a document")
    }

    #[test]
    fn remembers_found_and_absent_documents_and_forgets_the_oldest() {
        let mut recent = Recent::new(true);
        let ids = vec!["a".to_owned(), "b".to_owned()];
        recent.found(&ids, &HashMap::from([("a".to_owned(), doc("a", "r1"))]));
        let assumed = recent.assume(&ids);
        assert_eq!(assumed.get("a").and_then(Document::rev), Some("r1"));
        assert!(!assumed.contains_key("b"));

        for i in 0..CAPACITY {
            let id = format!("other-{i}");
            recent.found(
                std::slice::from_ref(&id),
                &HashMap::from([(id.clone(), doc(&id, "r"))]),
            );
        }
        assert!(recent.assume(&ids).is_empty(), "the oldest were forgotten");
        assert_eq!(recent.docs.len(), CAPACITY);
        assert_eq!(recent.order.len(), CAPACITY);
        let first = ["other-0".to_owned()];
        assert_eq!(recent.assume(&first).len(), 1);
        recent.found(&["one-more".to_owned()], &HashMap::new());
        assert!(recent.assume(&first).is_empty());
        // Updating a remembered id does not make room.
        recent.found(&["one-more".to_owned()], &HashMap::new());
        assert_eq!(recent.assume(&["other-1".to_owned()]).len(), 1);
    }

    #[test]
    fn off_remembers_nothing() {
        let mut recent = Recent::new(false);
        let ids = vec!["a".to_owned()];
        recent.found(&ids, &HashMap::from([("a".to_owned(), doc("a", "r1"))]));
        assert!(recent.assume(&ids).is_empty());
        assert!(recent.docs.is_empty());
    }
}
