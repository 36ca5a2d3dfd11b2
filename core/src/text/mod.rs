//! Text algorithms Sanity's patch operations need.
//!
//! [`parse_dmp_patch`] and [`apply_dmp_patch`] implement the
//! `diffMatchPatch` operation the way `@sanity/diff-match-patch` 3.2.1 (the
//! version `@sanity/mutator` 6.19.0 uses) does, down to where a hunk lands
//! when the text has drifted since the patch was made. Pipeline, one stage
//! per file: [`dmp_parse`] reads the patch text, [`dmp_apply`] drives the
//! application, [`dmp_match`] finds each hunk's context, [`dmp_diff`] maps
//! positions when the context is found only approximately. All of it works
//! on UTF-16 code units ([`utf16`]), as the JS does.
//!
//! No clock, no randomness, no recursion deeper than logarithmic in the input;
//! the diff's work is bounded by a step budget instead of the JS library's
//! one-second timeout.

mod dmp_apply;
mod dmp_diff;
mod dmp_match;
mod dmp_parse;
mod utf16;

pub use dmp_apply::apply_dmp_patch;
pub use dmp_parse::{parse_dmp_patch, DmpError, DmpPatch};
