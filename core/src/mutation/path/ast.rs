//! The syntax tree of a JSONMatch path.

/// A path: steps applied one after another from the document root.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `name`, `['name']` or `["name"]`: a field of an object.
    Attribute(String),
    /// `[3]`, `[-1]`: an array element; negative counts from the end.
    Index(i64),
    /// `[2:]`, `[:3]`, `[-3:-1]`: a half-open range of array elements.
    Slice {
        start: Option<i64>,
        end: Option<i64>,
    },
    /// `[a, b[0], c.d]`: every alternative, each followed by the rest of the path.
    Union(Vec<Path>),
    /// `[_key == "x"]`, `[@ > 3]`, `[field?]`: elements (or the object itself) that satisfy it.
    Filter(Constraint),
    /// `..term`: `term` matched here and at every depth below.
    Recursive(Path),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub target: ConstraintTarget,
    pub comparison: Comparison,
    /// `None` only for [`Comparison::Exists`].
    pub value: Option<Literal>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConstraintTarget {
    /// `@` (or `$`): the element itself, which must be a primitive.
    This,
    /// `field` or `asset._ref`: a field of the element, which must be an object.
    Fields(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    /// `field?`: the field exists and holds a primitive.
    Exists,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Number(f64),
    Bool(bool),
}
