//! Scopes: what `@`, `^` and `$param` mean at a point of evaluation.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::groq::value::{Value, NULL};

pub type Params = HashMap<String, Value>;

/// A scope lives on the Rust stack for as long as the expressions inside it
/// are evaluated, so parents are plain references.
pub struct Scope<'a> {
    /// Borrowed when `@` is an element of an array being filtered or
    /// mapped, so walking 10,000 documents copies none of them.
    pub this: Cow<'a, Value>,
    pub parent: Option<&'a Scope<'a>>,
    /// Scopes opened by a traversal's map are invisible to `^`: inside
    /// `*[...].a`, `^` still means the scope the traversal started in.
    pub hidden: bool,
    pub params: &'a Arc<Params>,
}

impl<'a> Scope<'a> {
    pub fn root(this: Value, params: &'a Arc<Params>) -> Scope<'a> {
        Scope {
            this: Cow::Owned(this),
            parent: None,
            hidden: false,
            params,
        }
    }

    /// `NewNestedScope`: `@` becomes `value`, `^` the current scope.
    pub fn nested(&'a self, value: Cow<'a, Value>) -> Scope<'a> {
        Scope {
            this: value,
            parent: if self.hidden { self.parent } else { Some(self) },
            hidden: false,
            params: self.params,
        }
    }

    /// A scope for the elements of a traversal map.
    pub fn hidden(&'a self, value: Cow<'a, Value>) -> Scope<'a> {
        let mut s = self.nested(value);
        s.hidden = true;
        s
    }

    /// `^` repeated `levels` times.
    pub fn parent_value(&self, levels: usize) -> Value {
        self.parent_ref(levels).clone()
    }

    /// `^` repeated `levels` times, borrowed; null past the root.
    pub fn parent_ref(&self, levels: usize) -> &Value {
        let mut scope = self;
        for _ in 0..levels {
            match scope.parent {
                Some(p) => scope = p,
                None => return &NULL,
            }
        }
        scope.this.as_ref()
    }
}
