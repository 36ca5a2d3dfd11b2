//! Scopes: what `@`, `^` and `$param` mean at a point of evaluation.

use std::collections::HashMap;
use std::sync::Arc;

use crate::groq::value::Value;

pub type Params = HashMap<String, Value>;

/// A scope lives on the Rust stack for as long as the expressions inside it
/// are evaluated, so parents are plain references.
pub struct Scope<'a> {
    pub this: Value,
    pub parent: Option<&'a Scope<'a>>,
    /// Scopes opened by a traversal's map are invisible to `^`: inside
    /// `*[...].a`, `^` still means the scope the traversal started in.
    pub hidden: bool,
    pub params: &'a Arc<Params>,
}

impl<'a> Scope<'a> {
    pub fn root(this: Value, params: &'a Arc<Params>) -> Scope<'a> {
        Scope {
            this,
            parent: None,
            hidden: false,
            params,
        }
    }

    /// `NewNestedScope`: `@` becomes `value`, `^` the current scope.
    pub fn nested(&'a self, value: Value) -> Scope<'a> {
        Scope {
            this: value,
            parent: if self.hidden { self.parent } else { Some(self) },
            hidden: false,
            params: self.params,
        }
    }

    /// A scope for the elements of a traversal map.
    pub fn hidden(&'a self, value: Value) -> Scope<'a> {
        let mut s = self.nested(value);
        s.hidden = true;
        s
    }

    /// `^` repeated `levels` times.
    pub fn parent_value(&self, levels: usize) -> Value {
        let mut scope = self;
        for _ in 0..levels {
            match scope.parent {
                Some(p) => scope = p,
                None => return Value::Null,
            }
        }
        scope.this.clone()
    }
}
