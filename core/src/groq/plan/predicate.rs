//! [`Predicate`]: a condition on one document that a store can answer
//! without GROQ, over plain field paths and constant values.
//!
//! Each atom is defined to have exactly GROQ's value (true, false or null) for
//! every document, so `And`/`Or`/`Not` combine them with the same three-valued
//! logic SQL uses. Only `References` is looser (see there). Values that are not
//! representable here (arrays, objects, ordering against booleans or null) are
//! simply not pushed down, so a renderer never meets an atom it cannot get
//! exactly right.

use std::fmt;

/// A plain path from the document root: `_type`, `author._ref`, `seo.title`.
///
/// Every segment is an identifier (`[A-Za-z_][A-Za-z0-9_]*`). That is what
/// lets renderers write the path into SQL text (`'$.author._ref'`,
/// `body->'author'`): no quote, dot, bracket or `$` can occur in it. Values are
/// never written into SQL; they are bound parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldPath(Vec<String>);

impl FieldPath {
    /// `None` when `segments` is empty or one of them is not an identifier.
    pub fn new<I, S>(segments: I) -> Option<FieldPath>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let segments: Vec<String> = segments.into_iter().map(Into::into).collect();
        if segments.is_empty() || !segments.iter().all(|s| is_identifier(s)) {
            return None;
        }
        Some(FieldPath(segments))
    }

    /// Parses `a.b.c`.
    pub fn parse(dotted: &str) -> Option<FieldPath> {
        FieldPath::new(dotted.split('.'))
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// The one segment of a top-level attribute (`_id`), or `None` for a
    /// nested path.
    pub fn top_level(&self) -> Option<&str> {
        match self.0.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A constant a field can equal. GROQ's `==` is strict about types: `1` is
/// not `"1"`, `true` is not `1`, and a missing field equals `null`.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    /// Always finite: GROQ turns NaN and infinities into null.
    Number(f64),
    String(String),
}

/// A constant `<`, `<=`, `>`, `>=` can order a field against. Ordering
/// against a boolean or null is GROQ too, but rare enough not to push down.
#[derive(Debug, Clone, PartialEq)]
pub enum Ordered {
    Number(f64),
    /// Compared by Unicode code point, which is the byte order of UTF-8.
    String(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl Order {
    /// The operator with its operands swapped: `5 < x` is `x > 5`.
    pub fn flipped(self) -> Order {
        match self {
            Order::Lt => Order::Gt,
            Order::LtEq => Order::GtEq,
            Order::Gt => Order::Lt,
            Order::GtEq => Order::LtEq,
        }
    }

    /// The operator as SQL writes it (the same in every dialect).
    pub fn sql(self) -> &'static str {
        match self {
            Order::Lt => "<",
            Order::LtEq => "<=",
            Order::Gt => ">",
            Order::GtEq => ">=",
        }
    }
}

/// One key of an `order()` a store may sort by: a plain field path, read
/// as GROQ's total order reads it (numbers, then strings, then booleans,
/// then everything else as equal), ties broken by `_id`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub path: FieldPath,
    pub descending: bool,
}

/// The members of an `in` list. Mixed lists are not pushed down.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarList {
    Strings(Vec<String>),
    Numbers(Vec<f64>),
}

/// A condition on a document, with GROQ's three-valued result.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `path == value`: true or false, never null. (`!=` is `Not` of this.)
    Equals {
        path: FieldPath,
        value: Scalar,
    },
    /// `path < value` etc.: null unless the field has the value's type.
    Compare {
        path: FieldPath,
        op: Order,
        value: Ordered,
    },
    /// `path in [values]`: true or false, never null.
    In {
        path: FieldPath,
        values: ScalarList,
    },
    /// `value in path`: null unless the field is an array; then whether an
    /// element equals `value`.
    Contains {
        path: FieldPath,
        value: Scalar,
    },
    /// `defined(path)`: present and not null.
    Defined(FieldPath),
    /// `references(ids)`: some object in the document has a string `_ref`
    /// that is one of `ids`.
    ///
    /// Renderers look for `_ref` at any depth, while GROQ does not look
    /// inside an object that has a `_ref` (a reference's own fields are not
    /// searched). The SQL is therefore true for a few documents GROQ rejects,
    /// never the other way: fine for choosing rows, wrong under `Not`. See
    /// [`Predicate::is_exact`].
    References(Vec<String>),
    And(Box<Predicate>, Box<Predicate>),
    Or(Box<Predicate>, Box<Predicate>),
    Not(Box<Predicate>),
}

impl Predicate {
    /// Whether the rendered SQL has GROQ's value (true, false or null) for
    /// every document. Inexact predicates only ever err towards true: they
    /// keep every document GROQ keeps, plus perhaps a few more.
    pub fn is_exact(&self) -> bool {
        match self {
            Predicate::References(_) => false,
            Predicate::And(a, b) | Predicate::Or(a, b) => a.is_exact() && b.is_exact(),
            Predicate::Not(a) => a.is_exact(),
            Predicate::Equals { .. }
            | Predicate::Compare { .. }
            | Predicate::In { .. }
            | Predicate::Contains { .. }
            | Predicate::Defined(_) => true,
        }
    }

    pub fn and(a: Predicate, b: Predicate) -> Predicate {
        Predicate::And(Box::new(a), Box::new(b))
    }

    pub fn or(a: Predicate, b: Predicate) -> Predicate {
        Predicate::Or(Box::new(a), Box::new(b))
    }

    pub fn negate(a: Predicate) -> Predicate {
        Predicate::Not(Box::new(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_hold_identifiers_only() {
        assert!(FieldPath::parse("author._ref").is_some());
        assert!(FieldPath::parse("_type").is_some());
        assert!(FieldPath::parse("a2.B_c").is_some());
        for bad in ["", "a..b", "2a", "a-b", "a'b", "a.$b", "a b", "ü"] {
            assert_eq!(FieldPath::parse(bad), None, "{bad:?}");
        }
        assert_eq!(FieldPath::new(Vec::<String>::new()), None);
    }

    #[test]
    fn references_make_a_predicate_inexact() {
        let t = FieldPath::parse("_type").expect("path");
        let eq = Predicate::Equals {
            path: t,
            value: Scalar::String("post".into()),
        };
        let refs = Predicate::References(vec!["a".into()]);
        assert!(eq.is_exact());
        assert!(!Predicate::and(eq.clone(), refs.clone()).is_exact());
        assert!(!Predicate::negate(refs).is_exact());
        assert!(Predicate::negate(eq).is_exact());
    }
}
