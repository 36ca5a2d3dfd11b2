//! GROQ's syntax tree, as the parser produces it and the evaluator and the
//! planner consume it. Nothing here knows about pest.
//!
//! Traversals are lowered as the spec describes them (section "Traversal
//! operators"): after an array postfix `[]`, a filter, a slice or a source that
//! is always an array (`*`, an array literal, a pipe call), the rest of the
//! traversal maps over the elements; a nested array traversal flattens. The
//! parser makes that explicit with [`Expr::Map`] and [`Expr::FlatMap`], so the
//! evaluator never has to rediscover it.

use std::sync::Arc;

use super::object::Key;

/// A parsed query: custom function declarations, then the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub functions: Vec<FuncDecl>,
    pub expr: Expr,
}

/// `fn ns::name($a, $b) = body;`
#[derive(Debug, Clone, PartialEq)]
pub struct FuncDecl {
    pub namespace: String,
    pub name: String,
    pub params: Vec<String>,
    pub body: Arc<Expr>,
}

/// A byte range in the query, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    // --- simple expressions
    /// `*`: every document in the dataset (after the perspective).
    Everything,
    /// `@`
    This,
    /// `^` (levels = 1), `^.^` (2), ...
    Parent(usize),
    /// `$name`
    Param(String),
    Null,
    Bool(bool),
    Number(f64),
    String(Arc<str>),
    /// `[a, ...b]`
    Array(Vec<ArrayElement>),
    /// `{a, "b": c, ...d}`
    Object(Vec<ObjectAttribute>),

    // --- traversals; `base` of `None` means `@` (a bare identifier `a` is `@.a`)
    /// `base.name`, `base["name"]`, or `name`
    Attribute {
        base: Box<Expr>,
        /// Prepared for lookups in many objects (see [`Key`]).
        name: Key,
    },
    /// `base[3]`, `base[-1]`
    Element {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    /// `base[1..3]`, `base[1...3]`
    Slice {
        base: Box<Expr>,
        start: Box<Expr>,
        end: Box<Expr>,
        exclusive: bool,
    },
    /// `base[expr]` where `expr` is not a constant string or number
    Filter {
        base: Box<Expr>,
        predicate: Box<Expr>,
    },
    /// `base[]`: `base` if it is an array, else null
    ArrayCoerce(Box<Expr>),
    /// `base{...}`: evaluate the object with `base` as `@` (null unless `base` is an object)
    Projection {
        base: Box<Expr>,
        object: Box<Expr>,
    },
    /// `base->` and `base->name`
    Deref {
        base: Box<Expr>,
        attribute: Option<Key>,
    },
    /// For each element of `base` (an array), `expr` with the element as `@` (no new scope:
    /// `@` here is the traversal subject, not a nested scope).
    Map {
        base: Box<Expr>,
        expr: Box<Expr>,
    },
    /// Like `Map`, but arrays produced by `expr` are flattened one level.
    FlatMap {
        base: Box<Expr>,
        expr: Box<Expr>,
    },
    /// `(expr)`: kept because a group stops a traversal from continuing a map.
    Group(Box<Expr>),

    // --- operators
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Pos(Box<Expr>),
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a..b`, `a...b` (only valid inside `in` and slices)
    Range {
        start: Box<Expr>,
        end: Box<Expr>,
        exclusive: bool,
    },
    /// `a => b` (only valid in `select()`)
    Pair(Box<Expr>, Box<Expr>),
    /// `expr asc`, `expr desc` (only valid in `order()`)
    Asc(Box<Expr>),
    Desc(Box<Expr>),
    /// `(a, b)` in selectors (`diff::changedAny`) and elsewhere
    Tuple(Vec<Expr>),

    // --- calls
    /// `count(x)`, `math::sum(x)`; `namespace` is `global` when omitted.
    Call {
        namespace: Arc<str>,
        name: Arc<str>,
        args: Vec<Expr>,
        span: Span,
    },
    /// `base | order(...)`, `base | score(...)`
    PipeCall {
        base: Box<Expr>,
        name: Arc<str>,
        args: Vec<Expr>,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArrayElement {
    pub expr: Expr,
    pub splat: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObjectAttribute {
    /// `"key": value`, or a shorthand whose key was derived (`name`, `a.b` -> `b`, `a->b` -> `b`).
    Entry { key: Arc<str>, value: Expr },
    /// `...expr`, or a bare `...` (splat of `@`)
    Splat(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    In,
    Match,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
}

impl Expr {
    /// The implicit `@` that a bare identifier or a leading traversal starts from.
    pub fn this() -> Box<Expr> {
        Box::new(Expr::This)
    }

    /// Calls `f` on each direct sub-expression.
    pub fn children<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            Expr::Everything
            | Expr::This
            | Expr::Parent(_)
            | Expr::Param(_)
            | Expr::Null
            | Expr::Bool(_)
            | Expr::Number(_)
            | Expr::String(_) => {}
            Expr::Array(items) => items.iter().for_each(|i| f(&i.expr)),
            Expr::Object(attrs) => attrs.iter().for_each(|a| match a {
                ObjectAttribute::Entry { value, .. } => f(value),
                ObjectAttribute::Splat(e) => f(e),
            }),
            Expr::Attribute { base, .. } | Expr::ArrayCoerce(base) | Expr::Deref { base, .. } => {
                f(base)
            }
            Expr::Element { base, index } => {
                f(base);
                f(index)
            }
            Expr::Slice {
                base, start, end, ..
            } => {
                f(base);
                f(start);
                f(end)
            }
            Expr::Filter { base, predicate } => {
                f(base);
                f(predicate)
            }
            Expr::Projection { base, object } => {
                f(base);
                f(object)
            }
            Expr::Map { base, expr } | Expr::FlatMap { base, expr } => {
                f(base);
                f(expr)
            }
            Expr::Group(inner)
            | Expr::Not(inner)
            | Expr::Neg(inner)
            | Expr::Pos(inner)
            | Expr::Asc(inner)
            | Expr::Desc(inner) => f(inner),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Pair(a, b) => {
                f(a);
                f(b)
            }
            Expr::Binary { left, right, .. } => {
                f(left);
                f(right)
            }
            Expr::Range { start, end, .. } => {
                f(start);
                f(end)
            }
            Expr::Tuple(items) => items.iter().for_each(f),
            Expr::Call { args, .. } => args.iter().for_each(f),
            Expr::PipeCall { base, args, .. } => {
                f(base);
                args.iter().for_each(f)
            }
        }
    }

    /// Calls `f` on this expression and every expression inside it.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        self.children(&mut |child| child.walk(f));
    }
}
