//! Lowering a chain of traversals (`.a`, `[0]`, `[x > 1]`, `[]`, `{..}`, `->`)
//! into the syntax tree, following the spec's combination rules ("Traversal
//! execution": plain, array, array-source and array-target traversals, joined,
//! mapped, flat-mapped or inner-mapped).

use super::ast::Expr;
use super::object::Key;

/// One traversal as written.
#[derive(Debug, Clone)]
pub enum Component {
    Attribute(std::sync::Arc<str>),
    Deref(Option<std::sync::Arc<str>>),
    Element(Expr),
    Slice {
        start: Expr,
        end: Expr,
        exclusive: bool,
    },
    Filter(Expr),
    ArrayPostfix,
    Projection(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    BasicPlain,
    BasicArray,
    Element,
    Projection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Array,
    ArraySource,
    ArrayTarget,
}

fn class(c: &Component) -> Class {
    match c {
        Component::Attribute(_) | Component::Deref(_) => Class::BasicPlain,
        Component::Slice { .. } | Component::Filter(_) | Component::ArrayPostfix => {
            Class::BasicArray
        }
        Component::Element(_) => Class::Element,
        Component::Projection(_) => Class::Projection,
    }
}

/// How a traversal and the rest after it combine.
#[derive(Debug)]
enum Tree {
    Leaf(Component),
    Join(Box<Tree>, Box<Tree>),
    Map(Box<Tree>, Box<Tree>),
    FlatMap(Box<Tree>, Box<Tree>),
    InnerMap(Box<Tree>, Box<Tree>),
}

/// Applies `components` to `base`. When the base is statically an array
/// (`*`, an array literal, a pipe call) the spec inserts an `[]` first.
pub fn lower(base: Expr, components: Vec<Component>, base_is_array: bool) -> Expr {
    let mut components = components;
    if components.is_empty() {
        return base;
    }
    if base_is_array {
        components.insert(0, Component::ArrayPostfix);
    }
    // Combine right to left, iteratively: (kind, tree) of the suffix so far.
    let mut iter = components.into_iter().rev();
    let Some(last) = iter.next() else { return base };
    let mut kind = match class(&last) {
        Class::BasicPlain | Class::Projection => Kind::Plain,
        Class::BasicArray => Kind::Array,
        Class::Element => Kind::ArraySource,
    };
    let mut tree = Tree::Leaf(last);
    for c in iter {
        let cls = class(&c);
        let leaf = Box::new(Tree::Leaf(c));
        let rest = Box::new(tree);
        (kind, tree) = match (cls, kind) {
            (Class::BasicPlain, Kind::Plain | Kind::ArraySource) => {
                (Kind::Plain, Tree::Join(leaf, rest))
            }
            (Class::BasicPlain, Kind::Array | Kind::ArrayTarget) => {
                (Kind::ArrayTarget, Tree::Join(leaf, rest))
            }
            (Class::Projection, Kind::Plain) => (Kind::Plain, Tree::Join(leaf, rest)),
            (Class::Projection, Kind::Array) => (Kind::Array, Tree::InnerMap(leaf, rest)),
            (Class::Projection, Kind::ArraySource) => {
                (Kind::ArraySource, Tree::InnerMap(leaf, rest))
            }
            (Class::Projection, Kind::ArrayTarget) => (Kind::ArrayTarget, Tree::Join(leaf, rest)),
            (Class::BasicArray, Kind::Array) => (Kind::Array, Tree::Join(leaf, rest)),
            (Class::BasicArray, Kind::Plain) => (Kind::Array, Tree::Map(leaf, rest)),
            (Class::BasicArray, Kind::ArrayTarget) => (Kind::Array, Tree::FlatMap(leaf, rest)),
            (Class::BasicArray, Kind::ArraySource) => (Kind::ArraySource, Tree::Join(leaf, rest)),
            (Class::Element, Kind::Plain | Kind::ArraySource) => {
                (Kind::ArraySource, Tree::Join(leaf, rest))
            }
            (Class::Element, Kind::Array | Kind::ArrayTarget) => {
                (Kind::Array, Tree::Join(leaf, rest))
            }
        };
    }
    apply(tree, base)
}

fn apply(tree: Tree, base: Expr) -> Expr {
    match tree {
        Tree::Leaf(c) => leaf(c, base),
        Tree::Join(first, rest) => apply(*rest, apply(*first, base)),
        Tree::Map(first, rest) => Expr::Map {
            base: Box::new(apply(*first, base)),
            expr: Box::new(apply(*rest, Expr::This)),
        },
        Tree::FlatMap(first, rest) => Expr::FlatMap {
            base: Box::new(apply(*first, base)),
            expr: Box::new(apply(*rest, Expr::This)),
        },
        Tree::InnerMap(first, rest) => apply(
            *rest,
            Expr::Map {
                base: Box::new(base),
                expr: Box::new(apply(*first, Expr::This)),
            },
        ),
    }
}

fn leaf(c: Component, base: Expr) -> Expr {
    let base = Box::new(base);
    match c {
        Component::Attribute(name) => Expr::Attribute {
            base,
            name: Key::new(&name),
        },
        Component::Deref(attribute) => Expr::Deref {
            base,
            attribute: attribute.map(|name| Key::new(&name)),
        },
        Component::Element(index) => Expr::Element {
            base,
            index: Box::new(index),
        },
        Component::Slice {
            start,
            end,
            exclusive,
        } => Expr::Slice {
            base,
            start: Box::new(start),
            end: Box::new(end),
            exclusive,
        },
        Component::Filter(predicate) => Expr::Filter {
            base,
            predicate: Box::new(predicate),
        },
        Component::ArrayPostfix => Expr::ArrayCoerce(base),
        Component::Projection(object) => Expr::Projection {
            base,
            object: Box::new(object),
        },
    }
}
