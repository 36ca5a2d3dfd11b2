//! The `diff` namespace: `diff::changedAny(lhs, rhs, selector)` and
//! `diff::changedOnly(lhs, rhs, selector)` (spec: "Diff namespace",
//! "Selector" and "Selector evaluation").
//!
//! A selector reaches us as an ordinary [`Expr`], lowered by the parser like
//! any traversal (`a[].b` is a `Map` over `a[]` of `@.b`). [`selector`]
//! recovers the spec's shape from it: a root (a bare attribute, a group, a
//! tuple or `anywhere(...)`) followed by steps (`.name`, `[]`, `[filter]`,
//! `.(group)`, `.(a, b)`). Anything else is not a selector; [`check_selector`]
//! says so for validation, and evaluation refuses it too.
//!
//! Evaluating a selector yields key paths (attribute names and array indexes).
//! The spec evaluates the selector against `before` only; that cannot report
//! an attribute that only `after` has (the suite expects `right` to have
//! changed in `changedAny({}, {"right": 1}, right)`), so the selector is
//! evaluated against both values and the key paths are united.
//!
//! The changed key paths come from a structural comparison: objects compare
//! attribute by attribute (an attribute on one side only is a change at its
//! key path), arrays of equal length element by element, and arrays whose
//! length differs change as a whole. Anything else changes when the two
//! values differ in type or value.
//!
//! A changed path and a selected path *overlap* when one is a prefix of the
//! other (changing `a` changes `a.b`, and changing `a.b` changes `a`), which
//! is what `changedAny` asks. `changedOnly` asks that every changed path lie
//! inside a selected one (a selected path is a prefix of it).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Bound;
use std::sync::Arc;

use super::compare::equal;
use super::{Context, EvalResult, Scope};
use crate::groq::ast::Expr;
use crate::groq::error::EvalError;
use crate::groq::value::Value;

/// Selectors nested (groups and tuples inside each other) deeper than this
/// are refused. The parser already bounds nesting well below it.
const MAX_SELECTOR_DEPTH: usize = 128;

/// Values are walked with explicit stacks; work is charged to the query's
/// step budget in chunks of this many nodes.
const CHARGE_CHUNK: u64 = 1024;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    Key(Arc<str>),
    Index(usize),
}

type KeyPath = Vec<Segment>;

/// A selector in the spec's shape: where it starts, then what follows.
#[derive(Debug)]
struct Selector<'e> {
    root: Root<'e>,
    steps: Vec<Step<'e>>,
}

#[derive(Debug)]
enum Root<'e> {
    /// `name` (ThisAttribute)
    Attribute(&'e Arc<str>),
    /// `(a)` (one selector, a SelectorGroup) or `(a, b)` (a SelectorTuple)
    Group(Vec<Selector<'e>>),
    /// `anywhere(predicate)`: every nested value the predicate holds for.
    /// Not in the spec's grammar; the conformance suite uses it as a base.
    Anywhere(&'e Expr),
}

#[derive(Debug)]
enum Step<'e> {
    /// `.name` / `["name"]` (AttributeAccess)
    Attribute(&'e Arc<str>),
    /// `[]` (ArrayPostfix)
    Array,
    /// `[predicate]` (Filter)
    Filter(&'e Expr),
    /// `.(a)` or `.(a, b)`: the selectors applied to the value reached so far.
    Group(Vec<Selector<'e>>),
}

/// Whether `e` is a Selector per the spec's grammar (plus `anywhere(expr)`
/// as a base, which the conformance suite uses). `Err` carries a message for
/// a parse error. Validation calls this on the third argument of
/// `diff::changedAny`/`diff::changedOnly` (and the first of `delta::*`).
///
/// Accepted, as the parser lowers them: `name`; `(sel)`; `(sel, sel, ...)`;
/// `anywhere(expr)`; and after any selector `.name`, `["name"]`, `[]`,
/// `[filter]`, and `.(sel)` / `.(sel, ...)` written as a projection whose
/// object is a group or tuple. Everything else (literals, operators,
/// `foo[0]`, slices, `foo{...}`, `->`, `@`, `^`, `$param`, other calls) is
/// rejected.
pub fn check_selector(e: &Expr) -> Result<(), String> {
    selector(e, 0).map(|_| ())
}

/// Calls `f` on the ordinary expressions inside a selector (filter
/// predicates and the argument of `anywhere()`), which validation should
/// check like any other expression. The selector itself must not be walked
/// as an expression: `anywhere()` is not a function. Does nothing for an
/// invalid selector.
pub fn for_each_selector_expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    fn go(s: &Selector<'_>, f: &mut dyn FnMut(&Expr)) {
        match &s.root {
            Root::Attribute(_) => {}
            Root::Group(inner) => inner.iter().for_each(|s| go(s, f)),
            Root::Anywhere(predicate) => f(predicate),
        }
        for step in &s.steps {
            match step {
                Step::Attribute(_) | Step::Array => {}
                Step::Filter(predicate) => f(predicate),
                Step::Group(inner) => inner.iter().for_each(|s| go(s, f)),
            }
        }
    }
    if let Ok(s) = selector(e, 0) {
        go(&s, f);
    }
}

/// `diff::changedAny(lhs, rhs, selector)` and `diff::changedOnly(...)`.
pub fn call(ctx: &Context, name: &str, args: &[Expr], scope: &Scope<'_>) -> EvalResult {
    let [lhs, rhs, sel] = args else {
        return Err(EvalError::execution(format!(
            "diff::{name}() takes 3 arguments"
        )));
    };
    let before = ctx.eval(lhs, scope)?;
    let after = ctx.eval(rhs, scope)?;
    changed(ctx, name, &before, &after, sel, scope)
}

/// The shared body of `diff::*` (and of `delta::*`, which compares the
/// before/after documents): `name` is `changedAny` or `changedOnly`.
pub fn changed(
    ctx: &Context,
    name: &str,
    before: &Value,
    after: &Value,
    selector_expr: &Expr,
    scope: &Scope<'_>,
) -> EvalResult {
    let any = match name {
        "changedAny" => true,
        "changedOnly" => false,
        _ => {
            return Err(EvalError::execution(format!(
                "unknown function diff::{name}()"
            )))
        }
    };
    let sel = selector(selector_expr, 0).map_err(EvalError::execution)?;
    let mut selected = BTreeSet::new();
    for value in [before, after] {
        let mut budget = Budget::new(ctx);
        for (path, _) in evaluate(ctx, &sel, value, scope, &mut budget, 0)? {
            selected.insert(path);
        }
        budget.flush()?;
    }
    let diffs = diff(ctx, before, after)?;
    Ok(Value::Bool(if any {
        diffs.iter().any(|d| overlaps(d, &selected))
    } else {
        diffs.iter().all(|d| covered(d, &selected))
    }))
}

fn not_a_selector() -> String {
    "not a valid selector: expected an attribute, a group, a tuple or anywhere(), \
     followed by .attribute, [], [filter], .(group) or .(tuple)"
        .to_string()
}

/// Recovers the selector from the lowered expression.
fn selector(e: &Expr, depth: usize) -> Result<Selector<'_>, String> {
    let (root, steps) = chain(e, false, depth)?;
    match root {
        Some(root) => Ok(Selector { root, steps }),
        None => Err(not_a_selector()),
    }
}

fn group(items: &[Expr], depth: usize) -> Result<Vec<Selector<'_>>, String> {
    items.iter().map(|e| selector(e, depth + 1)).collect()
}

/// `e` as a root and steps. In a map's body (`body`), `@` is the element the
/// map is at, so the chain continues the base's without a root of its own.
type Chain<'e> = (Option<Root<'e>>, Vec<Step<'e>>);

fn chain(e: &Expr, body: bool, depth: usize) -> Result<Chain<'_>, String> {
    if depth > MAX_SELECTOR_DEPTH {
        return Err("selector is nested too deeply".to_string());
    }
    let depth = depth + 1;
    match e {
        Expr::This if body => Ok((None, Vec::new())),
        Expr::Attribute { base, name } => {
            if !body && matches!(**base, Expr::This) {
                Ok((Some(Root::Attribute(name.shared())), Vec::new()))
            } else {
                extend(base, body, depth, Step::Attribute(name.shared()))
            }
        }
        Expr::ArrayCoerce(base) => extend(base, body, depth, Step::Array),
        Expr::Filter { base, predicate } => extend(base, body, depth, Step::Filter(predicate)),
        Expr::Map { base, expr } | Expr::FlatMap { base, expr } => {
            let (root, mut steps) = chain(base, body, depth)?;
            let (inner_root, inner_steps) = chain(expr, true, depth)?;
            if inner_root.is_some() {
                return Err(not_a_selector());
            }
            steps.extend(inner_steps);
            Ok((root, steps))
        }
        // `base.(a)` / `base.(a, b)`, lowered as a projection of a group or
        // tuple (a projection of an object, `base{...}`, is not a selector).
        Expr::Projection { base, object } => match &**object {
            Expr::Group(inner) => {
                let inner = vec![selector(inner, depth)?];
                extend(base, body, depth, Step::Group(inner))
            }
            Expr::Tuple(items) => extend(base, body, depth, Step::Group(group(items, depth)?)),
            _ => Err(not_a_selector()),
        },
        Expr::Group(inner) if !body => {
            Ok((Some(Root::Group(vec![selector(inner, depth)?])), Vec::new()))
        }
        Expr::Tuple(items) if !body && !items.is_empty() => {
            Ok((Some(Root::Group(group(items, depth)?)), Vec::new()))
        }
        Expr::Call {
            namespace,
            name,
            args,
            ..
        } if !body
            && namespace.as_ref() == "global"
            && name.as_ref() == "anywhere"
            && args.len() == 1 =>
        {
            Ok((Some(Root::Anywhere(&args[0])), Vec::new()))
        }
        _ => Err(not_a_selector()),
    }
}

/// `base`'s chain with `step` after it.
fn extend<'e>(
    base: &'e Expr,
    body: bool,
    depth: usize,
    step: Step<'e>,
) -> Result<Chain<'e>, String> {
    let (root, mut steps) = chain(base, body, depth)?;
    steps.push(step);
    Ok((root, steps))
}

/// Counts produced key paths and visited nodes against the query's budget.
struct Budget<'c> {
    ctx: &'c Context,
    pending: u64,
    total: usize,
}

impl<'c> Budget<'c> {
    fn new(ctx: &'c Context) -> Self {
        Budget {
            ctx,
            pending: 0,
            total: 0,
        }
    }

    fn tick(&mut self, n: usize) -> Result<(), EvalError> {
        self.pending = self.pending.saturating_add(n as u64);
        self.total = self.total.saturating_add(n);
        if self.pending >= CHARGE_CHUNK {
            self.flush()?;
        }
        self.ctx.check_len(self.total)
    }

    fn flush(&mut self) -> Result<(), EvalError> {
        let pending = std::mem::take(&mut self.pending);
        self.ctx.charge(pending)
    }
}

/// `EvaluateSelector`: the key paths `sel` matches in `value`, each with the
/// value found there.
fn evaluate(
    ctx: &Context,
    sel: &Selector<'_>,
    value: &Value,
    scope: &Scope<'_>,
    budget: &mut Budget<'_>,
    depth: usize,
) -> Result<Vec<(KeyPath, Value)>, EvalError> {
    if depth > MAX_SELECTOR_DEPTH {
        return Err(EvalError::execution("selector is nested too deeply"));
    }
    let mut current: Vec<(KeyPath, Value)> = match &sel.root {
        Root::Attribute(name) => match value.as_object().and_then(|o| o.get(name.as_ref())) {
            Some(v) => vec![(vec![Segment::Key((*name).clone())], v.clone())],
            None => Vec::new(),
        },
        Root::Group(inner) => {
            let mut out = Vec::new();
            for s in inner {
                out.extend(evaluate(ctx, s, value, scope, budget, depth + 1)?);
            }
            out
        }
        Root::Anywhere(predicate) => anywhere(ctx, predicate, value, scope, budget)?,
    };
    budget.tick(current.len())?;
    for step in &sel.steps {
        let mut next = Vec::new();
        for (path, v) in current {
            match step {
                Step::Attribute(name) => {
                    if let Some(inner) = v.as_object().and_then(|o| o.get(name.as_ref())) {
                        next.push((child(&path, Segment::Key((*name).clone())), inner.clone()));
                    }
                }
                Step::Array => {
                    if let Some(items) = v.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            next.push((child(&path, Segment::Index(i)), item.clone()));
                        }
                    }
                }
                Step::Filter(predicate) => {
                    if let Some(items) = v.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            let nested = scope.nested(Cow::Borrowed(item));
                            if ctx.eval(predicate, &nested)?.is_true() {
                                next.push((child(&path, Segment::Index(i)), item.clone()));
                            }
                        }
                    }
                }
                Step::Group(inner) => {
                    for s in inner {
                        for (sub, found) in evaluate(ctx, s, &v, scope, budget, depth + 1)? {
                            let mut combined = path.clone();
                            combined.extend(sub);
                            next.push((combined, found));
                        }
                    }
                }
            }
        }
        budget.tick(next.len())?;
        current = next;
    }
    Ok(current)
}

fn child(path: &KeyPath, segment: Segment) -> KeyPath {
    let mut out = Vec::with_capacity(path.len() + 1);
    out.extend_from_slice(path);
    out.push(segment);
    out
}

/// `anywhere(predicate)`: the key paths of every value nested in `value`
/// (not `value` itself) for which `predicate`, with that value as `@`, is
/// true; in document order.
fn anywhere(
    ctx: &Context,
    predicate: &Expr,
    value: &Value,
    scope: &Scope<'_>,
    budget: &mut Budget<'_>,
) -> Result<Vec<(KeyPath, Value)>, EvalError> {
    let mut out = Vec::new();
    // Children are pushed in reverse so they pop in document order.
    let mut stack: Vec<(KeyPath, &Value)> = Vec::new();
    push_children(&mut stack, &Vec::new(), value);
    while let Some((path, v)) = stack.pop() {
        budget.tick(1)?;
        let nested = scope.nested(Cow::Borrowed(v));
        if ctx.eval(predicate, &nested)?.is_true() {
            out.push((path.clone(), v.clone()));
        }
        push_children(&mut stack, &path, v);
    }
    Ok(out)
}

fn push_children<'v>(stack: &mut Vec<(KeyPath, &'v Value)>, path: &KeyPath, value: &'v Value) {
    match value {
        Value::Object(o) => {
            for (k, v) in o.iter().rev() {
                stack.push((child(path, Segment::Key(k.clone())), v));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate().rev() {
                stack.push((child(path, Segment::Index(i)), v));
            }
        }
        _ => {}
    }
}

/// The key paths at which `before` and `after` differ, walked with an
/// explicit stack. A type change, a scalar change, an attribute on one side
/// only, or an array whose length changed is reported at its own path and
/// not looked into further.
fn diff(ctx: &Context, before: &Value, after: &Value) -> Result<Vec<KeyPath>, EvalError> {
    let mut budget = Budget::new(ctx);
    let mut out = Vec::new();
    let mut stack: Vec<(KeyPath, &Value, &Value)> = vec![(Vec::new(), before, after)];
    while let Some((path, a, b)) = stack.pop() {
        budget.tick(1)?;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                if Arc::ptr_eq(x, y) {
                    continue;
                }
                for (k, v) in x.iter() {
                    match y.get(k) {
                        Some(w) => stack.push((child(&path, Segment::Key(k.clone())), v, w)),
                        None => out.push(child(&path, Segment::Key(k.clone()))),
                    }
                }
                for k in y.keys() {
                    if !x.contains_key(k) {
                        out.push(child(&path, Segment::Key(k.clone())));
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                if Arc::ptr_eq(x, y) {
                    continue;
                }
                if x.len() != y.len() {
                    out.push(path);
                    continue;
                }
                for (i, (v, w)) in x.iter().zip(y.iter()).enumerate() {
                    stack.push((child(&path, Segment::Index(i)), v, w));
                }
            }
            _ => {
                if !same_leaf(a, b) {
                    out.push(path);
                }
            }
        }
    }
    budget.flush()?;
    Ok(out)
}

/// Whether two values that are not both objects or both arrays are the same.
fn same_leaf(a: &Value, b: &Value) -> bool {
    if a.kind() != b.kind() {
        return false;
    }
    match (a, b) {
        (Value::Path(x), Value::Path(y)) => x == y,
        // Pairs and ranges only arise from `=>` and `..`; compare them as
        // they serialize.
        (Value::Pair(_), _) | (Value::Range(_), _) => a.to_json() == b.to_json(),
        _ => equal(a, b),
    }
}

/// Whether some selected path is a prefix of `changed` or has it as a prefix.
fn overlaps(changed: &[Segment], selected: &BTreeSet<KeyPath>) -> bool {
    if covered(changed, selected) {
        return true;
    }
    // Paths extending `changed` sort right after it.
    selected
        .range::<[Segment], _>((Bound::Included(changed), Bound::Unbounded))
        .next()
        .is_some_and(|s| s.starts_with(changed))
}

/// Whether some selected path is a prefix of (or equal to) `changed`.
fn covered(changed: &[Segment], selected: &BTreeSet<KeyPath>) -> bool {
    (0..=changed.len()).any(|i| selected.contains(&changed[..i]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groq::{evaluate_json, parse, GroqError, QueryOptions};
    use serde_json::{json, Value as Json};

    fn run(query: &str) -> Result<Json, GroqError> {
        evaluate_json(query, &[], &QueryOptions::default())
    }

    /// Evaluates `diff::<name>(lhs, rhs, sel)` directly, so the tests do not
    /// depend on validation accepting `anywhere()` or on `.(...)` parsing.
    fn changed_json(name: &str, lhs: Json, rhs: Json, sel: &Expr) -> Result<bool, EvalError> {
        let query = parse("null").expect("parses");
        let ctx = Context::new(&query, Arc::default());
        let params = Arc::new(super::super::Params::new());
        let scope = Scope::root(Value::Null, &params);
        let v = changed(
            &ctx,
            name,
            &Value::from_json(&lhs),
            &Value::from_json(&rhs),
            sel,
            &scope,
        )?;
        Ok(v.is_true())
    }

    fn sel(src: &str) -> Expr {
        parse(src).expect("selector parses").expr
    }

    fn any(lhs: Json, rhs: Json, s: &str) -> bool {
        changed_json("changedAny", lhs, rhs, &sel(s)).expect("evaluates")
    }

    fn only(lhs: Json, rhs: Json, s: &str) -> bool {
        changed_json("changedOnly", lhs, rhs, &sel(s)).expect("evaluates")
    }

    /// `base.(inner)` as the parser would lower it: a projection of a group.
    fn dot_group(base: &str, inner: &str) -> Expr {
        Expr::Projection {
            base: Box::new(sel(base)),
            object: Box::new(sel(&format!("({inner})"))),
        }
    }

    #[test]
    fn valid_selectors() {
        for s in [
            "a",
            "(a)",
            "(a, b)",
            "a.b",
            "a[]",
            "a[].b",
            "a[x == 1]",
            "a[x == 1].b[].c",
            "a[][]",
            "(a)[]",
            "(a, b).c",
            "(a.b, (c, d[]))",
            "a[\"b\"]",
            "anywhere(_type == 'foo')",
            "anywhere(_type == 'foo').a[]",
            "anywhere(_type == 'foo')[x > 1]",
        ] {
            assert_eq!(check_selector(&sel(s)), Ok(()), "{s}");
        }
        assert_eq!(check_selector(&dot_group("a", "b, c[]")), Ok(()));
        assert_eq!(check_selector(&dot_group("a[]", "b")), Ok(()));
        assert_eq!(check_selector(&dot_group("(a, b)", "c.d")), Ok(()));
    }

    #[test]
    fn invalid_selectors() {
        for s in [
            "foo + 1",
            "foo{bar}",
            "(foo + 1)",
            "(foo, foo + 1)",
            "foo[0]",
            "[foo + 1]",
            "'foo'",
            "123",
            "1 + 1 == 2",
            "@",
            "^",
            "$p",
            "*",
            "foo[1..2]",
            "foo->",
            "foo->bar",
            "count(foo)",
            "anywhere(a, b)",
            "foo | order(a)",
            "!foo",
            "-foo",
            "null",
            "{}",
            "foo.bar{baz}",
        ] {
            assert!(check_selector(&sel(s)).is_err(), "{s}");
        }
        assert!(check_selector(&dot_group("foo", "foo + 1")).is_err());
        assert!(check_selector(&dot_group("foo", "foo, foo + 1")).is_err());
    }

    #[test]
    fn top_level_attributes() {
        let l = json!({"left": 1, "same": 2, "diff": 3});
        let r = json!({"right": 1, "same": 2, "diff": 4});
        for s in ["left", "right", "diff", "(same, diff)"] {
            assert!(any(l.clone(), r.clone(), s), "{s}");
        }
        for s in ["same", "missing", "(same, missing)"] {
            assert!(!any(l.clone(), r.clone(), s), "{s}");
        }
    }

    #[test]
    fn nested_attributes_and_dot_groups() {
        let l = json!({"both": {"left": 1, "same": 2, "diff": 3}, "same": {"a": 1}});
        let r = json!({"both": {"right": 1, "same": 2, "diff": 4}, "same": {"a": 1}});
        assert!(any(l.clone(), r.clone(), "both.left"));
        assert!(any(l.clone(), r.clone(), "both.right"));
        assert!(any(l.clone(), r.clone(), "both"));
        assert!(!any(l.clone(), r.clone(), "both.same"));
        assert!(!any(l.clone(), r.clone(), "same.a"));
        let s = dot_group("both", "left, same");
        assert_eq!(
            changed_json("changedAny", l.clone(), r.clone(), &s),
            Ok(true)
        );
        let s = dot_group("both", "same, missing");
        assert_eq!(
            changed_json("changedAny", l.clone(), r.clone(), &s),
            Ok(false)
        );
        let s = dot_group("both", "left, right, diff");
        assert_eq!(
            changed_json("changedOnly", l.clone(), r.clone(), &s),
            Ok(true)
        );
        let s = dot_group("both", "left, right");
        assert_eq!(changed_json("changedOnly", l, r, &s), Ok(false));
    }

    fn arrays() -> (Json, Json) {
        let ab = json!([{"name": "Alice"}, {"name": "Bob"}]);
        (
            json!({
                "same": ab, "reorder": ab, "pop": ab, "push": ab,
                "diff1": ab, "diff2": ab, "obj": {"name": "Alice"}, "num": 1,
            }),
            json!({
                "same": ab,
                "reorder": [{"name": "Bob"}, {"name": "Alice"}],
                "pop": [{"name": "Alice"}],
                "push": [{"name": "Alice"}, {"name": "Bob"}, {"name": "Carol"}],
                "diff1": [{"name": "Alice2"}, {"name": "Bob"}],
                "diff2": [{"name": "Alice"}, {"name": "Bob2"}],
                "obj": {"name": "Bob"},
                "num": 2,
            }),
        )
    }

    #[test]
    fn arrays_and_filters() {
        let (l, r) = arrays();
        for s in [
            "reorder[].name",
            "pop[].name",
            "diff1[].name",
            "diff2[].name",
            "push[].name",
            "push[name == \"Alice\"].name",
            "pop[name == \"Alice\"].name",
            "push",
            "diff1",
        ] {
            assert!(any(l.clone(), r.clone(), s), "{s}");
        }
        for s in [
            "same[].name",
            "diff1[name == \"Bob\"].name",
            "diff2[name == \"Alice\"].name",
            "obj[]",
            "obj[].name",
            "num[]",
        ] {
            assert!(!any(l.clone(), r.clone(), s), "{s}");
        }
    }

    #[test]
    fn filter_sees_the_element_and_the_outer_scope() {
        let l = json!({"xs": [{"k": 1, "v": 1}, {"k": 2, "v": 1}]});
        let r = json!({"xs": [{"k": 1, "v": 1}, {"k": 2, "v": 2}]});
        assert!(any(l.clone(), r.clone(), "xs[k == 2].v"));
        assert!(!any(l.clone(), r.clone(), "xs[k == 1].v"));
        assert!(!any(l, r, "xs[k == 1 && ^ == null]"));
    }

    #[test]
    fn changed_only() {
        let l = json!({"a": 1, "b": {"c": 1, "d": 1}, "e": [1, 2]});
        assert!(only(l.clone(), l.clone(), "a"), "no change at all");
        let r = json!({"a": 2, "b": {"c": 1, "d": 1}, "e": [1, 2]});
        assert!(only(l.clone(), r.clone(), "a"));
        assert!(only(l.clone(), r.clone(), "(a, b)"));
        assert!(!only(l.clone(), r.clone(), "b"));
        let r = json!({"a": 2, "b": {"c": 2, "d": 1}, "e": [1, 2]});
        assert!(!only(l.clone(), r.clone(), "a"));
        assert!(only(l.clone(), r.clone(), "(a, b.c)"));
        assert!(only(l.clone(), r.clone(), "(a, b)"));
        assert!(!only(l.clone(), r.clone(), "(a, b.d)"));
        // A new attribute is inside a selector that names it.
        let r = json!({"a": 1, "b": {"c": 1, "d": 1}, "e": [1, 2], "f": 1});
        assert!(only(l.clone(), r.clone(), "f"));
        assert!(!only(l.clone(), r.clone(), "a"));
        // An array whose length changed changes as a whole.
        let r = json!({"a": 1, "b": {"c": 1, "d": 1}, "e": [1, 2, 3]});
        assert!(!only(l.clone(), r.clone(), "e[]"));
        assert!(only(l.clone(), r.clone(), "e"));
        let r = json!({"a": 1, "b": {"c": 1, "d": 1}, "e": [1, 3]});
        assert!(only(l.clone(), r.clone(), "e[]"));
        assert!(!only(l, r, "e[x == 1]"));
    }

    #[test]
    fn whole_value_changes() {
        // Not objects: the change is at the root, which overlaps any
        // selection and lies inside none.
        assert!(any(json!({"a": 1}), json!(null), "a"));
        assert!(!any(json!(1), json!(2), "a"), "nothing is selected");
        assert!(!only(json!({"a": 1}), json!(null), "a"));
        assert!(any(json!({"a": {"b": 1}}), json!({"a": 5}), "a.b"));
        assert!(!only(json!({"a": {"b": 1}}), json!({"a": 5}), "a.b"));
        assert!(!any(json!({"a": 1.0}), json!({"a": 1}), "a"));
        assert!(any(json!({"a": 1}), json!({"a": "1"}), "a"));
        assert!(any(json!({"a": null}), json!({}), "a"));
    }

    #[test]
    fn anywhere_selects_nested_values() {
        let l = json!({"body": [{"_type": "foo", "x": 1}, {"_type": "bar", "x": 1}]});
        let r = json!({"body": [{"_type": "foo", "x": 1}, {"_type": "bar", "x": 2}]});
        assert!(!any(l.clone(), r.clone(), "anywhere(_type == 'foo')"));
        assert!(any(l.clone(), r.clone(), "anywhere(_type == 'bar')"));
        assert!(any(l.clone(), r.clone(), "anywhere(_type == 'bar').x"));
        assert!(only(l.clone(), r.clone(), "anywhere(_type == 'bar').x"));
        assert!(!any(l, r, "anywhere(_type == 'bar')._type"));
        assert!(!any(json!({}), json!({}), "anywhere(_type == 'foo')"));
    }

    #[test]
    fn invalid_selector_is_an_error_at_evaluation() {
        let err = changed_json("changedAny", json!({}), json!({}), &sel("foo + 1"));
        assert!(err.is_err());
    }

    #[test]
    fn through_the_query_engine() {
        assert_eq!(
            run("diff::changedAny({\"a\": 1}, {\"a\": 2}, a)").ok(),
            Some(json!(true))
        );
        assert_eq!(
            run("diff::changedAny({\"a\": 1, \"b\": 1}, {\"a\": 1, \"b\": 2}, a)").ok(),
            Some(json!(false))
        );
        assert_eq!(
            run("diff::changedOnly({\"a\": 1, \"b\": 1}, {\"a\": 2, \"b\": 1}, (a, c))").ok(),
            Some(json!(true))
        );
        assert_eq!(
            run("diff::changedOnly({\"a\": [1]}, {\"a\": [2], \"b\": 1}, a[])").ok(),
            Some(json!(false))
        );
    }

    #[test]
    fn large_values_stay_within_budget() {
        let big: Vec<Json> = (0..5000).map(|i| json!({"n": i})).collect();
        let mut changed = big.clone();
        changed[4999] = json!({"n": 5000});
        let (l, r) = (json!({"xs": big}), json!({"xs": changed}));
        assert!(any(l.clone(), r.clone(), "xs[].n"));
        assert!(!any(l.clone(), r.clone(), "xs[n < 10].n"));
        assert!(only(l.clone(), r.clone(), "xs[n > 4990]"));
        // The selector is evaluated against both sides: in `after` the
        // changed element matches a filter it did not match before.
        assert!(any(l.clone(), r.clone(), "xs[n == 5000]"));
        assert!(only(l, r, "xs[n == 5000]"));
    }
}
