//! `data/export/{dataset}`: every document the caller may read, one JSON
//! object per line (`types=a,b` keeps only those `_type`s). Hosts read the
//! dataset a page at a time in id order and write what this keeps of each.

use serde_json::Value as Json;

use crate::grants::{Grants, Permission};
use crate::request::{self, Pairs};

/// Documents a host reads per page: one page in memory, however large the
/// dataset.
pub const PAGE: usize = 1_000;

/// What one export writes.
pub struct Export {
    grants: Grants,
    types: Option<Vec<String>>,
}

impl Export {
    pub fn new(grants: Grants, pairs: &Pairs) -> Export {
        Export {
            grants,
            types: request::value(pairs, "types").map(request::comma_list),
        }
    }

    /// The lines of one page of documents (in id order) that the caller
    /// may read and asked for.
    pub fn ndjson<'a>(&self, page: impl IntoIterator<Item = &'a Json>) -> String {
        let mut out = String::new();
        for doc in page.into_iter().filter(|doc| self.keeps(doc)) {
            out.push_str(&doc.to_string());
            out.push('\n');
        }
        out
    }

    fn keeps(&self, doc: &Json) -> bool {
        let typed = self.types.as_ref().is_none_or(|types| {
            doc.get("_type")
                .and_then(Json::as_str)
                .is_some_and(|t| types.iter().any(|wanted| wanted == t))
        });
        typed && self.grants.allows_json(Permission::Read, doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::{Identity, Roles};
    use serde_json::json;

    #[test]
    fn lines_of_readable_documents_of_the_asked_types() {
        let grants = Roles::new()
            .grants_for(&Identity::user("u", ["viewer"]))
            .expect("grants");
        let pairs = vec![("types".to_owned(), "a,b".to_owned())];
        let page = [
            json!({"_id": "1", "_type": "a"}),
            json!({"_id": "2", "_type": "c"}),
            json!({"_id": "3", "_type": "b"}),
        ];
        assert_eq!(
            Export::new(grants.clone(), &pairs).ndjson(&page),
            "{\"_id\":\"1\",\"_type\":\"a\"}\n{\"_id\":\"3\",\"_type\":\"b\"}\n"
        );
        assert_eq!(
            Export::new(grants, &Vec::new())
                .ndjson(&page)
                .lines()
                .count(),
            3
        );
        let nobody = Roles::new()
            .grants_for(&Identity::anonymous())
            .expect("grants");
        assert_eq!(Export::new(nobody, &Vec::new()).ndjson(&page), "");
    }
}
