//! Documents as Sanity stores them: a JSON object with system fields, addressed by an id.

mod id;
mod system;

pub use id::{DocumentId, IdError, IdKind, MAX_ID_LENGTH};
pub use system::{Document, SystemFields};
