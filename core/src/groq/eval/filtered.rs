//! Filters that compiled to a [`Matcher`]: which elements they keep.
//!
//! Several shapes read a filtered array without needing it built: `count()`
//! of a filter, `| order(...)[a..b]` of one, a projection over one written
//! straight to JSON. They all go through [`Context::kept`], which also uses
//! the dataset's `_type` index when the filter requires a type and runs over
//! the whole dataset, so `*[_type == "post" && ...]` visits only the posts.

use std::sync::Arc;

use super::{Context, EvalError, Scope};
use crate::groq::ast::Expr;
use crate::groq::plan::Matcher;
use crate::groq::value::Value;

impl Context {
    /// `expr` split into the array it filters and the compiled filter, when
    /// `expr` is a filter that compiles; otherwise `expr` and no filter.
    pub(crate) fn filtered_source<'e>(
        &self,
        expr: &'e Expr,
        scope: &Scope<'_>,
    ) -> (&'e Expr, Option<Arc<Matcher>>) {
        if let Expr::Filter { base, predicate } = expr {
            if let Some(matcher) = self.compiled_filter(predicate, scope) {
                return (base, Some(matcher));
            }
        }
        (expr, None)
    }

    /// The elements of `items` that `matcher` keeps (all of them without
    /// one), in order.
    pub(crate) fn kept<'a>(
        &self,
        items: &'a Arc<Vec<Value>>,
        matcher: Option<&Matcher>,
    ) -> Result<Vec<&'a Value>, EvalError> {
        let mut out = Vec::new();
        self.for_each_kept(items, matcher, |v| {
            out.push(v);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` on each element [`Context::kept`] would return, as soon as
    /// it passes: whatever `f` reads of the element is still in cache.
    pub(crate) fn for_each_kept<'a>(
        &self,
        items: &'a Arc<Vec<Value>>,
        matcher: Option<&Matcher>,
        mut f: impl FnMut(&'a Value) -> Result<(), EvalError>,
    ) -> Result<(), EvalError> {
        let Some(matcher) = matcher else {
            return items.iter().try_for_each(f);
        };
        let positions = match matcher.required_type() {
            Some(t) if Arc::ptr_eq(items, self.dataset.documents()) => {
                self.dataset.positions_of_type(t)
            }
            _ => None,
        };
        match positions {
            Some(positions) => {
                self.charge(positions.len() as u64)?;
                for item in positions.iter().filter_map(|&i| items.get(i as usize)) {
                    if matcher.matches_of_type(item) == Some(true) {
                        f(item)?;
                    }
                }
            }
            None => {
                self.charge(items.len() as u64)?;
                for item in items.iter() {
                    if matcher.matches(item) == Some(true) {
                        f(item)?;
                    }
                }
            }
        }
        Ok(())
    }
}
