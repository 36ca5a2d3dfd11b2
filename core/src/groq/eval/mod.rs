//! The evaluator: a tree walk over [`Expr`] with a query context (the
//! documents, the functions, the limits) and a chain of [`Scope`]s.

mod compare;
pub mod diff;
mod filtered;
mod functions;
mod hoist;
mod ops;
mod perspective;
mod pipe;
mod scope;
mod write;

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

pub use compare::{and, equal, or, partial_compare, total_compare};
pub use functions::{has_reference, path_matches, signature as functions_signature};
pub use perspective::{apply_perspective, Perspective};
pub use scope::{Params, Scope};

use super::ast::{Expr, FuncDecl, ObjectAttribute, Query};
use super::dataset::Dataset;
use super::datetime::DateTime;
use super::error::EvalError;
use super::hash::BuildKeyHasher;
use super::object::{Key, KeyPath};
use super::plan::{self, Matcher};
use super::value::{Object, Range, Value, NULL};

/// Limits that turn a hostile query into an error instead of a hang.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Evaluation steps (expressions evaluated) before `queryTimeoutError`.
    pub max_steps: u64,
    /// Recursion depth of the evaluator.
    pub max_depth: u32,
    /// Elements a single array may grow to during evaluation.
    pub max_array_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 50_000_000,
            max_depth: 256,
            max_array_len: 10_000_000,
        }
    }
}

/// What one query evaluates against.
pub struct Context {
    /// The documents `*` returns (the perspective already applied) and
    /// their index by id.
    pub dataset: Arc<Dataset>,
    pub functions: HashMap<(String, String), FuncDecl>,
    pub now: Option<DateTime>,
    pub identity: Option<String>,
    pub limits: Limits,
    steps: Cell<u64>,
    depth: Cell<u32>,
    /// Filters compiled to predicates (by address; `None`: not compilable).
    compiled: RefCell<HashMap<usize, Option<Arc<Matcher>>, BuildKeyHasher>>,
    /// Ids a partial dataset did not hold when `->` asked for them.
    missing: RefCell<Vec<Arc<str>>>,
    /// Release ids of the perspective's stack, for `sanity::*` helpers.
    pub releases: Vec<String>,
    /// Scope-independent subqueries (by address) and their values, keyed
    /// with the parameter set they ran under.
    hoistable: hoist::AddressSet,
    hoisted: RefCell<HashMap<usize, Value, BuildKeyHasher>>,
    /// The query's own parameters; hoisting applies only under them (a
    /// custom function body runs under its arguments instead).
    root_params: Cell<usize>,
}

pub type EvalResult = Result<Value, EvalError>;

/// `a.b.c` read from `@`, as a prepared path.
pub(crate) fn attribute_path(expr: &Expr) -> Option<KeyPath> {
    let mut names = Vec::new();
    let mut e = expr;
    loop {
        match e {
            Expr::Attribute { base, name } => {
                names.push(name.as_ref());
                e = base;
            }
            Expr::Group(inner) => e = inner,
            Expr::This if !names.is_empty() => break,
            _ => return None,
        }
    }
    Some(KeyPath::new(names.into_iter().rev()))
}

/// `v.name`, or null.
fn attribute(v: &Value, name: &Key) -> Value {
    match v {
        Value::Object(o) => o.get_key(name).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// A truth value as GROQ prints it: null for `None`.
fn truth_value(t: Option<bool>) -> Value {
    t.map(Value::Bool).unwrap_or(Value::Null)
}

impl Context {
    pub fn new(query: &Query, dataset: Arc<Dataset>) -> Context {
        Context {
            dataset,
            functions: query
                .functions
                .iter()
                .map(|f| ((f.namespace.clone(), f.name.clone()), f.clone()))
                .collect(),
            now: None,
            identity: None,
            limits: Limits::default(),
            steps: Cell::new(0),
            depth: Cell::new(0),
            missing: RefCell::new(Vec::new()),
            compiled: RefCell::new(HashMap::default()),
            releases: Vec::new(),
            hoistable: {
                let mut roots: Vec<&Expr> = vec![&query.expr];
                roots.extend(query.functions.iter().map(|f| f.body.as_ref()));
                hoist::hoistable(&roots)
            },
            hoisted: RefCell::new(HashMap::default()),
            root_params: Cell::new(0),
        }
    }

    /// Runs the query's expression in a root scope.
    pub fn run(&self, expr: &Expr, params: &Arc<Params>) -> EvalResult {
        self.root_params.set(Arc::as_ptr(params) as usize);
        let scope = Scope::root(Value::Null, params);
        self.eval(expr, &scope)
    }

    /// As [`Context::run`], writing the result as JSON text to `out`.
    pub fn run_json(
        &self,
        expr: &Expr,
        params: &Arc<Params>,
        out: &mut Vec<u8>,
    ) -> Result<(), EvalError> {
        self.root_params.set(Arc::as_ptr(params) as usize);
        let scope = Scope::root(Value::Null, params);
        self.write_json(expr, &scope, out)
    }

    /// The document with this `_id`; null when there is none, and also
    /// when a partial dataset does not hold it (the id is then recorded for
    /// the store to fetch before the query runs again).
    pub fn document(&self, id: &str) -> Value {
        match self.dataset.lookup(id) {
            Some(doc) => doc.clone(),
            None => {
                self.missing.borrow_mut().push(Arc::from(id));
                Value::Null
            }
        }
    }

    /// The ids [`Context::document`] could not resolve.
    pub fn take_missing(&self) -> Vec<Arc<str>> {
        std::mem::take(&mut self.missing.borrow_mut())
    }

    fn enter(&self) -> Result<DepthGuard<'_>, EvalError> {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > self.limits.max_steps {
            return Err(EvalError::new(
                "queryTimeoutError",
                "the query took too long to evaluate",
            ));
        }
        let depth = self.depth.get() + 1;
        if depth > self.limits.max_depth {
            return Err(EvalError::execution("the query is nested too deeply"));
        }
        self.depth.set(depth);
        Ok(DepthGuard(&self.depth))
    }

    /// Counts work done outside `eval` (sorting, scanning) against the budget.
    pub fn charge(&self, steps: u64) -> Result<(), EvalError> {
        let total = self.steps.get().saturating_add(steps);
        self.steps.set(total);
        if total > self.limits.max_steps {
            return Err(EvalError::new(
                "queryTimeoutError",
                "the query took too long to evaluate",
            ));
        }
        Ok(())
    }

    pub fn check_len(&self, len: usize) -> Result<(), EvalError> {
        if len > self.limits.max_array_len {
            return Err(EvalError::execution("the result is too large"));
        }
        Ok(())
    }

    pub fn eval(&self, expr: &Expr, scope: &Scope<'_>) -> EvalResult {
        // Reading `@`, `^` and attribute paths is most of what a projection
        // does; it needs neither the step budget (it is bounded by the
        // query's length) nor the general dispatch.
        if let Expr::This | Expr::Parent(_) | Expr::Attribute { .. } | Expr::Deref { .. } = expr {
            if let Some(v) = self.peek(expr, scope) {
                return Ok(v.clone());
            }
        }
        if !self.hoistable.is_empty() && hoist::worth_caching(expr) {
            let key = expr as *const Expr as usize;
            let root = Arc::as_ptr(scope.params) as usize == self.root_params.get();
            if root && self.hoistable.contains(&key) {
                if let Some(v) = self.hoisted.borrow().get(&key) {
                    return Ok(v.clone());
                }
                let v = self.eval_uncached(expr, scope)?;
                self.hoisted.borrow_mut().insert(key, v.clone());
                return Ok(v);
            }
        }
        self.eval_uncached(expr, scope)
    }

    /// `@`, `^` or an attribute path from them, borrowed from the scope:
    /// what filters and sort keys read most, read without copying.
    /// Also `->` to a document the dataset holds, borrowed from it.
    pub fn peek<'s>(&'s self, expr: &Expr, scope: &'s Scope<'_>) -> Option<&'s Value> {
        match expr {
            Expr::This => Some(scope.this.as_ref()),
            Expr::Parent(levels) => Some(scope.parent_ref(*levels)),
            Expr::Group(inner) => self.peek(inner, scope),
            Expr::Attribute { base, name } => Some(match self.peek(base, scope)? {
                Value::Object(o) => o.get_key(name).unwrap_or(&NULL),
                _ => &NULL,
            }),
            Expr::Deref { base, attribute } => {
                let target = match self.peek(base, scope)?.get_str("_ref") {
                    // A partial dataset records ids it lacks: that is eval's job.
                    Some(id) => self.dataset.lookup(id)?,
                    None => &NULL,
                };
                Some(match (attribute, target) {
                    (None, target) => target,
                    (Some(name), Value::Object(o)) => o.get_key(name).unwrap_or(&NULL),
                    (Some(_), _) => &NULL,
                })
            }
            _ => None,
        }
    }

    /// `predicate` as a [`Predicate`] when that is the whole filter, which
    /// then runs per element without the tree walk. Compiled once per query
    /// (it binds the query's parameters, so not inside custom functions,
    /// which may also shadow `defined()` and `references()`).
    pub(crate) fn compiled_filter(
        &self,
        predicate: &Expr,
        scope: &Scope<'_>,
    ) -> Option<Arc<Matcher>> {
        if !self.functions.is_empty()
            || Arc::as_ptr(scope.params) as usize != self.root_params.get()
        {
            return None;
        }
        let key = predicate as *const Expr as usize;
        self.compiled
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                plan::plan_filter(predicate, scope.params)
                    .filter(|p| p.complete)
                    .map(|p| Arc::new(p.predicate.matcher()))
            })
            .clone()
    }

    /// `count(base[filter])` without building the filtered array, when the
    /// filter compiles to a predicate.
    pub fn count_filter(&self, expr: &Expr, scope: &Scope<'_>) -> Option<EvalResult> {
        let (base, Some(matcher)) = self.filtered_source(expr, scope) else {
            return None;
        };
        Some(self.eval(base, scope).and_then(|base| match base {
            Value::Array(items) => {
                let n = self.kept(&items, Some(&matcher))?.len();
                Ok(Value::Number(n as f64))
            }
            // A filter leaves a non-array as it is, and count() of it is null.
            _ => Ok(Value::Null),
        }))
    }

    /// An operand: borrowed when [`Context::peek`] can, evaluated otherwise.
    pub fn operand<'s>(
        &'s self,
        expr: &Expr,
        scope: &'s Scope<'_>,
    ) -> Result<Cow<'s, Value>, EvalError> {
        match self.peek(expr, scope) {
            Some(v) => Ok(Cow::Borrowed(v)),
            None => self.eval(expr, scope).map(Cow::Owned),
        }
    }

    fn eval_uncached(&self, expr: &Expr, scope: &Scope<'_>) -> EvalResult {
        let _guard = self.enter()?;
        Ok(match expr {
            Expr::Everything => Value::Array(self.dataset.documents().clone()),
            Expr::This => scope.this.as_ref().clone(),
            Expr::Parent(levels) => scope.parent_value(*levels),
            Expr::Param(name) => scope.params.get(name).cloned().unwrap_or(Value::Null),
            Expr::Null => Value::Null,
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Number(n) => Value::number(*n),
            Expr::String(s) => Value::String(s.clone()),
            Expr::Array(elements) => {
                let mut out = Vec::with_capacity(elements.len());
                for element in elements {
                    let v = self.eval(&element.expr, scope)?;
                    if element.splat {
                        if let Value::Array(items) = v {
                            out.extend(items.iter().cloned());
                        }
                    } else {
                        out.push(v);
                    }
                }
                self.check_len(out.len())?;
                Value::array(out)
            }
            Expr::Object(attributes) => self.object(attributes, scope)?,
            Expr::Attribute { base, name } => match self.peek(base, scope) {
                Some(v) => attribute(v, name),
                None => attribute(&self.eval(base, scope)?, name),
            },
            Expr::Element { base, index } => {
                let base = self.eval(base, scope)?;
                let index = self.eval(index, scope)?;
                match (base, index) {
                    (Value::Array(items), Value::Number(i)) if i.fract() == 0.0 => {
                        let len = items.len() as f64;
                        let i = if i < 0.0 { i + len } else { i };
                        if i < 0.0 || i >= len {
                            Value::Null
                        } else {
                            items[i as usize].clone()
                        }
                    }
                    _ => Value::Null,
                }
            }
            Expr::Slice {
                base,
                start,
                end,
                exclusive,
            } => {
                let (start, end) = (self.eval(start, scope)?, self.eval(end, scope)?);
                // (`x[]` of an order is the order itself: it is an array or null.)
                let sliced = match &**base {
                    Expr::ArrayCoerce(inner) => &**inner,
                    other => other,
                };
                let base = match (sliced, start.as_f64(), end.as_f64()) {
                    // `| order(...)[a..b]` needs only the first b (+1) in order.
                    (
                        Expr::PipeCall {
                            base: inner,
                            name,
                            args,
                            ..
                        },
                        Some(s),
                        Some(e),
                    ) if &**name == "order" && s >= 0.0 && e >= 0.0 => {
                        let limit = (e as usize).saturating_add(usize::from(!*exclusive));
                        // `*[filter] | order(...)`: sort the elements that
                        // pass, without collecting them into an array first.
                        let (source, matcher) = self.filtered_source(inner, scope);
                        match self.eval(source, scope)? {
                            Value::Array(items) => {
                                let kept = self.kept(&items, matcher.as_deref())?;
                                pipe::order(self, &kept, args, scope, Some(limit))?
                            }
                            // A filter leaves a non-array as it is; order() of one is null.
                            _ => Value::Null,
                        }
                    }
                    _ => self.eval(base, scope)?,
                };
                match (base, start.as_f64(), end.as_f64()) {
                    (Value::Array(items), Some(s), Some(e)) => slice(&items, s, e, *exclusive),
                    _ => Value::Null,
                }
            }
            Expr::Filter { base, predicate } => {
                let base = self.eval(base, scope)?;
                let Value::Array(items) = base else {
                    return Ok(base);
                };
                if let Some(matcher) = self.compiled_filter(predicate, scope) {
                    let kept = self.kept(&items, Some(&matcher))?;
                    return Ok(Value::array(kept.into_iter().cloned().collect()));
                }
                let mut out = Vec::new();
                for item in items.iter() {
                    let inner = scope.nested(Cow::Borrowed(item));
                    if self.eval(predicate, &inner)?.is_true() {
                        out.push(item.clone());
                    }
                }
                Value::array(out)
            }
            Expr::ArrayCoerce(base) => match self.eval(base, scope)? {
                v @ Value::Array(_) => v,
                _ => Value::Null,
            },
            Expr::Projection { base, object } => {
                let base = self.operand(base, scope)?;
                if !matches!(*base, Value::Object(_)) {
                    return Ok(Value::Null);
                }
                let inner = scope.nested(base);
                self.eval(object, &inner)?
            }
            Expr::Deref { base, attribute } => {
                let base = self.operand(base, scope)?;
                let Some(id) = base.get_str("_ref") else {
                    return Ok(Value::Null);
                };
                match (self.dataset.lookup(id), attribute) {
                    (Some(target), Some(name)) => self::attribute(target, name),
                    (Some(target), None) => target.clone(),
                    (None, _) => self.document(id),
                }
            }
            Expr::Map { base, expr } => match self.eval(base, scope)? {
                Value::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in items.iter() {
                        let inner = scope.hidden(Cow::Borrowed(item));
                        out.push(self.eval(expr, &inner)?);
                    }
                    Value::array(out)
                }
                _ => Value::Null,
            },
            Expr::FlatMap { base, expr } => match self.eval(base, scope)? {
                Value::Array(items) => {
                    let mut out = Vec::new();
                    for item in items.iter() {
                        let inner = scope.hidden(Cow::Borrowed(item));
                        // Arrays are spliced in; anything else is kept as one
                        // element (the conformance suite's reading of flat-map).
                        match self.eval(expr, &inner)? {
                            Value::Array(inner_items) => {
                                out.extend(inner_items.iter().cloned());
                                self.check_len(out.len())?;
                            }
                            other => out.push(other),
                        }
                    }
                    Value::array(out)
                }
                _ => Value::Null,
            },
            Expr::Group(inner) => self.eval(inner, scope)?,
            Expr::And(a, b) => {
                let a = self.eval(a, scope)?.truth();
                if a == Some(false) {
                    return Ok(Value::Bool(false));
                }
                truth_value(compare::and(a, self.eval(b, scope)?.truth()))
            }
            Expr::Or(a, b) => {
                let a = self.eval(a, scope)?.truth();
                if a == Some(true) {
                    return Ok(Value::Bool(true));
                }
                truth_value(compare::or(a, self.eval(b, scope)?.truth()))
            }
            Expr::Not(inner) => match self.eval(inner, scope)? {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Null,
            },
            Expr::Neg(inner) => match self.eval(inner, scope)? {
                Value::Number(n) => Value::number(-n),
                _ => Value::Null,
            },
            Expr::Pos(inner) => match self.eval(inner, scope)? {
                v @ Value::Number(_) => v,
                _ => Value::Null,
            },
            Expr::Binary { op, left, right } => ops::binary(self, *op, left, right, scope)?,
            Expr::Range {
                start,
                end,
                exclusive,
            } => Value::Range(Arc::new(Range {
                start: self.eval(start, scope)?,
                end: self.eval(end, scope)?,
                exclusive: *exclusive,
            })),
            Expr::Pair(a, b) => Value::Pair(Arc::new((self.eval(a, scope)?, self.eval(b, scope)?))),
            Expr::Asc(inner) | Expr::Desc(inner) => self.eval(inner, scope)?,
            Expr::Tuple(items) => {
                let values = items
                    .iter()
                    .map(|e| self.eval(e, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                Value::array(values)
            }
            Expr::Call {
                namespace,
                name,
                args,
                ..
            } => functions::call(self, namespace, name, args, scope)?,
            Expr::PipeCall {
                base, name, args, ..
            } => match self.eval(base, scope)? {
                Value::Array(items) => pipe::call(self, name, &items, args, scope)?,
                _ => Value::Null,
            },
        })
    }

    fn object(&self, attributes: &[ObjectAttribute], scope: &Scope<'_>) -> EvalResult {
        let mut out = Object::with_capacity(attributes.len());
        for attr in attributes {
            match attr {
                ObjectAttribute::Entry { key, value } => {
                    let v = self.operand(value, scope)?.into_owned();
                    out.insert(key.clone(), v);
                }
                ObjectAttribute::Splat(expr) => {
                    if let Value::Object(o) = self.eval(expr, scope)? {
                        for (k, v) in o.iter() {
                            out.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
        }
        Ok(Value::object(out))
    }

    /// Calls a custom function (`fn ns::name($a) = ...;`) in a new root scope.
    fn call_custom(&self, decl: &FuncDecl, args: &[Expr], scope: &Scope<'_>) -> EvalResult {
        let mut params = Params::new();
        for (name, arg) in decl.params.iter().zip(args) {
            params.insert(name.clone(), self.eval(arg, scope)?);
        }
        let params = Arc::new(params);
        let root = Scope::root(Value::Null, &params);
        self.eval(&decl.body, &root)
    }
}

struct DepthGuard<'a>(&'a Cell<u32>);

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

/// `EvaluateSlice`: negative bounds count from the end, both are clamped.
fn slice(items: &[Value], start: f64, end: f64, exclusive: bool) -> Value {
    let len = items.len() as f64;
    if len == 0.0 {
        return Value::array(Vec::new());
    }
    let mut left = if start < 0.0 { start + len } else { start };
    left = left.clamp(0.0, len - 1.0);
    let mut right = if end < 0.0 { end + len } else { end };
    if exclusive {
        right -= 1.0;
    }
    if right < 0.0 {
        return Value::array(Vec::new());
    }
    right = right.clamp(0.0, len - 1.0);
    if left > right || (start >= len) {
        return Value::array(Vec::new());
    }
    Value::array(items[left as usize..=right as usize].to_vec())
}
