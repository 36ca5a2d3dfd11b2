//! `data/history/{dataset}/documents/{id}`: a document as it was at
//! `revision=<rev>` or at `time=<RFC 3339>`, or its last revision
//! (`lastRevision=true`: today's document, or the last state of a deleted
//! one).

use serde_json::Value as Json;

use super::{HistoryError, LogEntry};
use crate::mutation::stamps::stored_form;
use crate::request::{self, BadRequest, Pairs};

/// The one point in a document's history a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Point {
    Revision(String),
    /// At or before this time, in the stored form.
    Time(String),
    Last,
}

impl Point {
    pub fn parse(pairs: &Pairs) -> Result<Point, BadRequest> {
        let revision = request::value(pairs, "revision");
        let time = request::value(pairs, "time");
        let last = request::flag(pairs, "lastRevision", false)?;
        let bad = |text: &str| Err(BadRequest(text.to_owned()));
        match (revision, time, last) {
            (Some(rev), None, false) => Ok(Point::Revision(rev.to_owned())),
            (None, Some(time), false) => stored_form(time)
                .map(Point::Time)
                .ok_or_else(|| BadRequest(format!("Invalid time: {time:?}"))),
            (None, None, true) => Ok(Point::Last),
            (None, None, false) => bad("Give one of `revision`, `time` or `lastRevision`"),
            _ => bad("`revision`, `time` and `lastRevision` are mutually exclusive"),
        }
    }
}

/// `id` at `point`: walking back from `latest` (its last state, see
/// [`super::last_states`]) through `log` (the transactions that touched it,
/// newest first), the state right after the newest transaction the point
/// accepts. `None` when no transaction does or the document did not exist
/// then.
pub fn state_at(
    id: &str,
    point: &Point,
    current: Option<Json>,
    latest: Json,
    log: &[LogEntry],
) -> Result<Option<Json>, HistoryError> {
    if *point == Point::Last {
        return Ok(Some(latest));
    }
    let mut doc = current.unwrap_or(Json::Null);
    for entry in log {
        let wanted = match point {
            Point::Revision(rev) => entry.id == *rev,
            Point::Time(time) => entry.timestamp <= *time,
            Point::Last => true,
        };
        if wanted {
            return Ok(Some(doc).filter(|doc| !doc.is_null()));
        }
        doc = entry.undo(id, &doc)?;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mendoza;
    use serde_json::json;

    fn entry(id: &str, time: &str, before: &Json, after: &Json) -> LogEntry {
        LogEntry {
            seq: 0,
            id: id.to_owned(),
            timestamp: time.to_owned(),
            author: None,
            mutations: json!([]),
            effects: json!({"d": {"apply": mendoza::encode(before, after),
                                  "revert": mendoza::encode(after, before)}}),
        }
    }

    #[test]
    fn a_document_at_a_revision_or_a_time() {
        let v1 = json!({"_id": "d", "n": 1});
        let v2 = json!({"_id": "d", "n": 2});
        let log = [
            entry("t3", "2026-01-03T00:00:00.000Z", &v2, &Json::Null),
            entry("t2", "2026-01-02T00:00:00.000Z", &v1, &v2),
            entry("t1", "2026-01-01T00:00:00.000Z", &Json::Null, &v1),
        ];
        let at = |point| state_at("d", &point, None, v2.clone(), &log).expect("history");
        assert_eq!(at(Point::Revision("t1".into())), Some(v1.clone()));
        assert_eq!(at(Point::Revision("t2".into())), Some(v2.clone()));
        assert_eq!(at(Point::Revision("t3".into())), None);
        assert_eq!(at(Point::Revision("t9".into())), None);
        assert_eq!(at(Point::Time("2026-01-01T12:00:00.000Z".into())), Some(v1));
        assert_eq!(at(Point::Last), Some(v2));
    }

    #[test]
    fn points_from_the_query_string() {
        let pairs = |list: &[(&str, &str)]| -> Pairs {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            Point::parse(&pairs(&[("revision", "r1")])),
            Ok(Point::Revision("r1".into()))
        );
        assert_eq!(
            Point::parse(&pairs(&[("time", "2026-01-01T00:00:00Z")])),
            Ok(Point::Time("2026-01-01T00:00:00.000Z".into()))
        );
        assert!(Point::parse(&pairs(&[])).is_err());
        assert!(Point::parse(&pairs(&[("revision", "r"), ("lastRevision", "true")])).is_err());
        assert!(Point::parse(&pairs(&[("time", "soon")])).is_err());
    }
}
