//! JSONMatch, the path language of Sanity patches: `a.b`, `a["k"]`, `[0]`, `[-1]`,
//! `[2:]`, `a[b,c]`, `body[_key=="x"]`, `[@ > 3]`, `[field?]`, `..deep`.
//!
//! `parse` turns a path string into an [`ast::Path`]; `walk` visits every place a
//! path selects in a document, which is what each patch operation builds on.

pub mod ast;
mod parse;
mod walk;

pub use ast::{Comparison, Constraint, ConstraintTarget, Literal, Path, Step};
pub use parse::{parse, PathError, MAX_PATH_LENGTH};
pub use walk::{select, Target, TooDeep, Visitor};
