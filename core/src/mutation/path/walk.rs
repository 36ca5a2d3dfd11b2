//! Visiting every place a JSONMatch path selects in a document.
//!
//! The walk descends the document once. At each node it expands the pending
//! continuations of the path (unions split, filters resolve to elements,
//! `..` terms become active for the whole subtree), descends into the children
//! that some continuation leads to, and then hands the node together with the
//! continuations that *end* here (its [`Target`]s) to a [`Visitor`]: a patch
//! operation changes a field or an element through its parent, which is what
//! makes `unset` and `insert` possible.

use serde_json::{Map, Value};

use super::ast::{Comparison, Constraint, ConstraintTarget, Literal, Path, Step};

/// What a path designates relative to the node handed to the visitor.
#[derive(Debug, Clone, PartialEq)]
pub enum Target<'p> {
    /// The node itself (a filter on an object that the object satisfies).
    This,
    /// A field of the node, which may not exist yet (the node may even be a primitive).
    Field(&'p str),
    /// An element of the node (an array). Negative indexes are already resolved
    /// against the length, so the value may still be out of range.
    Index(i64),
    /// Elements `start..end` of the node, clamped to its length.
    Slice { start: usize, end: usize },
}

/// A patch operation, applied wherever a path ends.
pub trait Visitor {
    type Error: From<TooDeep>;

    /// Whether missing objects on the way to a target are created (`set`,
    /// `setIfMissing`) or the walk stops there (every other operation).
    fn creates_path(&self) -> bool;

    fn apply(&mut self, node: &mut Value, targets: &[Target<'_>]) -> Result<(), Self::Error>;
}

/// The walk went deeper than [`MAX_WALK_DEPTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep;

/// Documents are limited to this depth, so no walk needs to go further.
pub const MAX_WALK_DEPTH: usize = crate::limits::MAX_DOCUMENT_DEPTH;

/// Applies `visitor` wherever `path` ends in `root`.
pub fn select<V: Visitor>(root: &mut Value, path: &Path, visitor: &mut V) -> Result<(), V::Error> {
    let start: Cont<'_> = path.steps.iter().map(Part::Step).collect();
    walk(root, vec![start], &[], visitor, 0)
}

/// One pending step: a step of the parsed path, or an element index that a
/// filter resolved to.
#[derive(Debug, Clone, Copy)]
enum Part<'p> {
    Step(&'p Step),
    Element(i64),
}

impl PartialEq for Part<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Part::Step(a), Part::Step(b)) => std::ptr::eq(*a, *b),
            (Part::Element(a), Part::Element(b)) => a == b,
            _ => false,
        }
    }
}

/// The rest of a path still to match, head first.
type Cont<'p> = Vec<Part<'p>>;

fn push_unique<'p>(list: &mut Vec<Cont<'p>>, cont: Cont<'p>) {
    if !list.contains(&cont) {
        list.push(cont);
    }
}

fn prepend<'p>(steps: &'p [Step], rest: &[Part<'p>]) -> Cont<'p> {
    steps
        .iter()
        .map(Part::Step)
        .chain(rest.iter().copied())
        .collect()
}

/// Where the continuations at one node lead.
#[derive(Default)]
struct Plan<'p> {
    targets: Vec<Target<'p>>,
    fields: Vec<(&'p str, Vec<Cont<'p>>)>,
    elements: Vec<(usize, Vec<Cont<'p>>)>,
}

impl<'p> Plan<'p> {
    fn field(&mut self, name: &'p str, rest: Cont<'p>) {
        match self.fields.iter_mut().find(|(n, _)| *n == name) {
            Some((_, conts)) => push_unique(conts, rest),
            None => self.fields.push((name, vec![rest])),
        }
    }

    fn element(&mut self, index: usize, rest: Cont<'p>) {
        match self.elements.iter_mut().find(|(i, _)| *i == index) {
            Some((_, conts)) => push_unique(conts, rest),
            None => self.elements.push((index, vec![rest])),
        }
    }

    fn target(&mut self, target: Target<'p>) {
        if !self.targets.contains(&target) {
            self.targets.push(target);
        }
    }
}

fn walk<'p, V: Visitor>(
    node: &mut Value,
    conts: Vec<Cont<'p>>,
    inherited: &[Cont<'p>],
    visitor: &mut V,
    depth: usize,
) -> Result<(), V::Error> {
    if depth > MAX_WALK_DEPTH {
        return Err(TooDeep.into());
    }
    let mut recursives: Vec<Cont<'p>> = inherited.to_vec();
    // A continuation from `..` is "guarded": it only takes hold at a node
    // where its first step matches something that exists, so `..text` never
    // creates `text` fields all over the document (Sanity's mutator agrees).
    let mut work: Vec<(Cont<'p>, bool)> = conts.into_iter().map(|c| (c, false)).collect();
    work.extend(inherited.iter().cloned().map(|c| (c, true)));
    let mut plan = Plan::default();

    // Expand unions, `..` and filters until every continuation starts with a
    // field, an index, a slice, or has arrived.
    let mut seen: Vec<(Cont<'p>, bool)> = Vec::new();
    while let Some((cont, guarded)) = work.pop() {
        if seen.contains(&(cont.clone(), guarded)) {
            continue;
        }
        seen.push((cont.clone(), guarded));
        let Some((head, rest)) = cont.split_first() else {
            plan.target(Target::This);
            continue;
        };
        match *head {
            Part::Element(i) => plan_index(node, i, rest, &mut plan),
            Part::Step(step) => match step {
                Step::Union(alternatives) => {
                    for alt in alternatives {
                        work.push((prepend(&alt.steps, rest), guarded));
                    }
                }
                Step::Recursive(term) => {
                    let cont = prepend(&term.steps, rest);
                    push_unique(&mut recursives, cont.clone());
                    work.push((cont, true));
                }
                Step::Filter(constraint) => match &*node {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            if satisfies(item, constraint) {
                                let mut next = vec![Part::Element(i as i64)];
                                next.extend_from_slice(rest);
                                work.push((next, false));
                            }
                        }
                    }
                    // On an object or a primitive the filter tests the node itself.
                    other => {
                        let applies_to_self = matches!(constraint.target, ConstraintTarget::This);
                        if applies_to_self != other.is_object() && satisfies(other, constraint) {
                            work.push((rest.to_vec(), false));
                        }
                    }
                },
                Step::Attribute(name) => match &*node {
                    Value::Array(_) => {}
                    Value::Object(map) => {
                        if guarded && !map.contains_key(name.as_str()) {
                            continue;
                        }
                        if rest.is_empty() {
                            plan.target(Target::Field(name));
                        } else {
                            plan.field(name, rest.to_vec());
                        }
                    }
                    _ if guarded => {}
                    _ => {
                        if rest.is_empty() {
                            plan.target(Target::Field(name));
                        } else if visitor.creates_path() {
                            plan.field(name, rest.to_vec());
                        }
                    }
                },
                Step::Index(i) => plan_index(node, *i, rest, &mut plan),
                Step::Slice { start, end } => {
                    if let Value::Array(items) = node {
                        let len = items.len();
                        let s = resolve_bound(*start, 0, len);
                        let e = resolve_bound(*end, len, len);
                        if rest.is_empty() {
                            plan.target(Target::Slice {
                                start: s,
                                end: e.max(s),
                            });
                        } else {
                            for i in s..e {
                                plan.element(i, rest.to_vec());
                            }
                        }
                    }
                }
            },
        }
    }

    descend(
        node,
        plan.fields,
        plan.elements,
        &recursives,
        visitor,
        depth,
    )?;
    if plan.targets.is_empty() {
        Ok(())
    } else {
        visitor.apply(node, &plan.targets)
    }
}

fn plan_index<'p>(node: &Value, index: i64, rest: &[Part<'p>], plan: &mut Plan<'p>) {
    let Value::Array(items) = node else { return };
    let len = items.len() as i64;
    let resolved = if index < 0 { index + len } else { index };
    if rest.is_empty() {
        plan.target(Target::Index(resolved));
    } else if (0..len).contains(&resolved) {
        plan.element(resolved as usize, rest.to_vec());
    }
}

/// A slice bound: negative counts from the end; the result is clamped to `0..=len`.
fn resolve_bound(bound: Option<i64>, default: usize, len: usize) -> usize {
    match bound {
        None => default,
        Some(b) if b < 0 => (len as i64 + b).max(0) as usize,
        Some(b) => (b as usize).min(len),
    }
}

fn descend<'p, V: Visitor>(
    node: &mut Value,
    fields: Vec<(&'p str, Vec<Cont<'p>>)>,
    elements: Vec<(usize, Vec<Cont<'p>>)>,
    recursives: &[Cont<'p>],
    visitor: &mut V,
    depth: usize,
) -> Result<(), V::Error> {
    if !fields.is_empty() && !node.is_object() && !node.is_array() {
        // Only path-creating operations plan fields below a primitive.
        *node = Value::Object(Map::new());
    }
    match node {
        Value::Object(map) => {
            if visitor.creates_path() {
                for (name, _) in &fields {
                    if !map.contains_key(*name) {
                        map.insert(name.to_string(), Value::Object(Map::new()));
                    }
                }
            }
            if recursives.is_empty() {
                for (name, conts) in fields {
                    if let Some(child) = map.get_mut(name) {
                        walk(child, conts, recursives, visitor, depth + 1)?;
                    }
                }
            } else {
                // `..` reaches every field, each visited once with whatever
                // continuations also lead there.
                let mut fields = fields;
                for (key, child) in map.iter_mut() {
                    let conts = take(&mut fields, |name| *name == key.as_str());
                    walk(child, conts, recursives, visitor, depth + 1)?;
                }
            }
        }
        Value::Array(items) => {
            if recursives.is_empty() {
                for (index, conts) in elements {
                    if let Some(child) = items.get_mut(index) {
                        walk(child, conts, recursives, visitor, depth + 1)?;
                    }
                }
            } else {
                let mut elements = elements;
                for (index, child) in items.iter_mut().enumerate() {
                    let conts = take(&mut elements, |i| *i == index);
                    walk(child, conts, recursives, visitor, depth + 1)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn take<'p, K>(leads: &mut Vec<(K, Vec<Cont<'p>>)>, is_key: impl Fn(&K) -> bool) -> Vec<Cont<'p>> {
    match leads.iter().position(|(k, _)| is_key(k)) {
        Some(pos) => leads.swap_remove(pos).1,
        None => Vec::new(),
    }
}

/// Whether `value` satisfies a filter. Like Sanity's mutator, the compared
/// value must be a primitive (null included); objects and arrays never match.
fn satisfies(value: &Value, constraint: &Constraint) -> bool {
    let subject = match &constraint.target {
        ConstraintTarget::This => Some(value),
        ConstraintTarget::Fields(fields) => {
            let mut cursor = value;
            for name in fields {
                match cursor.as_object().and_then(|m| m.get(name)) {
                    Some(next) => cursor = next,
                    None => return false,
                }
            }
            Some(cursor)
        }
    };
    let Some(subject) = subject else { return false };
    if subject.is_object() || subject.is_array() {
        return false;
    }
    match (&constraint.comparison, &constraint.value) {
        (Comparison::Exists, _) => true,
        (cmp, Some(literal)) => compare(subject, *cmp, literal),
        (_, None) => false,
    }
}

fn compare(subject: &Value, cmp: Comparison, literal: &Literal) -> bool {
    use std::cmp::Ordering;
    // Values of different types are unequal and unordered (`123` never equals `"123"`).
    let ordering: Option<Ordering> = match (subject, literal) {
        (Value::Number(n), Literal::Number(l)) => n.as_f64().and_then(|n| n.partial_cmp(l)),
        (Value::String(s), Literal::String(l)) => Some(s.as_str().cmp(l.as_str())),
        (Value::Bool(b), Literal::Bool(l)) => Some(b.cmp(l)),
        _ => None,
    };
    match (cmp, ordering) {
        (Comparison::NotEq, None) => true,
        (_, None) => false,
        (Comparison::Eq, Some(o)) => o == Ordering::Equal,
        (Comparison::NotEq, Some(o)) => o != Ordering::Equal,
        (Comparison::Lt, Some(o)) => o == Ordering::Less,
        (Comparison::LtEq, Some(o)) => o != Ordering::Greater,
        (Comparison::Gt, Some(o)) => o == Ordering::Greater,
        (Comparison::GtEq, Some(o)) => o != Ordering::Less,
        (Comparison::Exists, Some(_)) => true,
    }
}
