//! Listener events on the wire: `text/event-stream` messages.

use serde_json::json;

use super::event::ListenerEvent;

/// A comment line: keeps proxies from closing an idle stream, and clients
/// ignore it.
pub const HEARTBEAT: &str = ":\n\n";

/// Every message a listen stream sends.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerSentEvent<'a> {
    /// First on every stream.
    Welcome {
        listener_name: &'a str,
    },
    /// A resumed stream (`enableResume` and `Last-Event-ID`) that missed nothing it cannot replay.
    Welcomeback {
        listener_name: &'a str,
    },
    /// A resumed stream that cannot be replayed: the client must refetch.
    Reset,
    Mutation(&'a ListenerEvent),
    /// The listener is broken (a bad filter, a dataset that went away).
    ChannelError {
        message: &'a str,
    },
    /// The server will not take this listener back.
    Disconnect {
        reason: &'a str,
    },
}

impl ServerSentEvent<'_> {
    /// The message as the stream carries it, blank line included.
    pub fn to_text(&self) -> String {
        let (name, id, data) = match self {
            ServerSentEvent::Welcome { listener_name } => (
                "welcome",
                None,
                json!({"listenerName": listener_name}).to_string(),
            ),
            ServerSentEvent::Welcomeback { listener_name } => (
                "welcomeback",
                None,
                json!({"listenerName": listener_name}).to_string(),
            ),
            ServerSentEvent::Reset => ("reset", None, "{}".to_string()),
            ServerSentEvent::Mutation(event) => (
                "mutation",
                Some(event.event_id.as_str()),
                // Serializing plain data into a string cannot fail.
                serde_json::to_string(event).unwrap_or_default(),
            ),
            ServerSentEvent::ChannelError { message } => (
                "channelError",
                None,
                json!({"message": message}).to_string(),
            ),
            ServerSentEvent::Disconnect { reason } => {
                ("disconnect", None, json!({"reason": reason}).to_string())
            }
        };
        // Compact JSON escapes every newline, so `data` is one line.
        match id {
            Some(id) => format!("id: {id}\nevent: {name}\ndata: {data}\n\n"),
            None => format!("event: {name}\ndata: {data}\n\n"),
        }
    }
}

/// The transaction a `Last-Event-ID` (`<transactionId>#<documentId>`)
/// points at: a resumed listener gets every transaction after it.
pub fn transaction_of_event_id(event_id: &str) -> Option<&str> {
    match event_id.split_once('#') {
        Some((tx, _)) if !tx.is_empty() => Some(tx),
        _ => None,
    }
}
