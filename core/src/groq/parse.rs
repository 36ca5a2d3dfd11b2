//! From query text to [`ast::Query`]: pest parses with `grammar.pest`, this
//! file lowers the pairs at once (operators through a Pratt parser with the
//! spec's precedence table, traversals through `traversal::lower`) and checks
//! what the grammar cannot (non-associative operators, object keys, integer
//! indexes). Errors are `queryParseError`s with byte offsets.

use std::sync::{Arc, OnceLock};

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;

use super::ast::{ArrayElement, BinaryOp, Expr, FuncDecl, ObjectAttribute, Query, Span};
use super::error::QueryParseError;
use super::literal::unescape;
use super::object::Key;
use super::syntax::{GroqParser, Rule};
use super::traversal::{self, Component};

/// Brackets, braces and parentheses nested deeper than this are rejected
/// before pest sees the query, so nesting can never exhaust the stack.
pub const MAX_NESTING: usize = 64;
/// Operands in one operator chain, prefix operators on one operand, and
/// traversals on one value are bounded for the same reason.
const MAX_CHAIN: usize = 256;
/// Longest query accepted (Sanity's own limit is in the same range).
pub const MAX_QUERY_BYTES: usize = 256 * 1024;

type Result<T> = std::result::Result<T, QueryParseError>;

fn error_at(message: impl Into<String>, start: usize, end: usize) -> QueryParseError {
    QueryParseError {
        message: message.into(),
        start,
        end: end.max(start),
    }
}

fn error(pair: &Pair<'_, Rule>, message: impl Into<String>) -> QueryParseError {
    let span = pair.as_span();
    error_at(message, span.start(), span.end())
}

/// Parses a whole query.
pub fn parse(source: &str) -> Result<Query> {
    if source.len() > MAX_QUERY_BYTES {
        return Err(error_at(
            format!("query is longer than {MAX_QUERY_BYTES} bytes"),
            0,
            0,
        ));
    }
    check_nesting(source)?;
    let mut pairs = GroqParser::parse(Rule::query, source).map_err(|e| pest_error(source, e))?;
    let query = pairs.next().ok_or_else(|| error_at("empty query", 0, 0))?;
    let mut functions = Vec::new();
    let mut expr = None;
    for pair in query.into_inner() {
        match pair.as_rule() {
            Rule::func_decl => functions.push(func_decl(pair)?),
            Rule::expr => expr = Some(expression(pair)?),
            _ => {}
        }
    }
    let expr =
        expr.ok_or_else(|| error_at("expected an expression", source.len(), source.len()))?;
    Ok(Query { functions, expr })
}

fn pest_error(source: &str, e: pest::error::Error<Rule>) -> QueryParseError {
    let (start, end) = match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    let message = match &e.variant {
        pest::error::ErrorVariant::ParsingError { .. } if start >= source.len() => {
            "unexpected end of query".to_string()
        }
        pest::error::ErrorVariant::ParsingError { .. } => {
            let found: String = source[start..].chars().take(12).collect();
            format!("unexpected {found:?}")
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    error_at(message, start, end)
}

/// Rejects nesting deeper than [`MAX_NESTING`], skipping strings and comments.
fn check_nesting(source: &str) -> Result<()> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(error_at(
                        format!("query is nested deeper than {MAX_NESTING} levels"),
                        i,
                        i + 1,
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        // The spec's table, lowest precedence first.
        PrattParser::new()
            .op(Op::infix(Rule::pair_op, Assoc::Left))
            .op(Op::infix(Rule::or, Assoc::Left))
            .op(Op::infix(Rule::and, Assoc::Left))
            .op(Op::infix(Rule::eq, Assoc::Left)
                | Op::infix(Rule::neq, Assoc::Left)
                | Op::infix(Rule::lt, Assoc::Left)
                | Op::infix(Rule::lte, Assoc::Left)
                | Op::infix(Rule::gt, Assoc::Left)
                | Op::infix(Rule::gte, Assoc::Left)
                | Op::infix(Rule::in_op, Assoc::Left)
                | Op::infix(Rule::match_op, Assoc::Left)
                | Op::postfix(Rule::asc)
                | Op::postfix(Rule::desc))
            .op(Op::infix(Rule::range_incl, Assoc::Left) | Op::infix(Rule::range_excl, Assoc::Left))
            .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
            .op(Op::infix(Rule::mul, Assoc::Left)
                | Op::infix(Rule::div, Assoc::Left)
                | Op::infix(Rule::rem, Assoc::Left))
            .op(Op::prefix(Rule::neg))
            .op(Op::infix(Rule::pow, Assoc::Right))
            .op(Op::prefix(Rule::not) | Op::prefix(Rule::pos))
    })
}

fn func_decl(pair: Pair<'_, Rule>) -> Result<FuncDecl> {
    let span = pair.clone();
    let mut inner = pair
        .into_inner()
        .filter(|p| p.as_rule() != Rule::fn_keyword);
    let name_pair = inner
        .next()
        .ok_or_else(|| error(&span, "expected a function name"))?;
    let (namespace, name) = func_name(&name_pair);
    if namespace.is_none() {
        return Err(error(
            &name_pair,
            "custom functions must be in a namespace (fn ns::name)",
        ));
    }
    let mut params = Vec::new();
    let mut body = None;
    for p in inner {
        match p.as_rule() {
            Rule::param => params.push(p.as_str()[1..].to_string()),
            Rule::expr => body = Some(expression(p)?),
            _ => {}
        }
    }
    let body = body.ok_or_else(|| error(&span, "expected a function body"))?;
    Ok(FuncDecl {
        namespace: namespace.unwrap_or_default().to_string(),
        name: name.to_string(),
        params,
        body: Arc::new(body),
    })
}

fn func_name<'a>(pair: &Pair<'a, Rule>) -> (Option<&'a str>, &'a str) {
    match pair.as_str().split_once("::") {
        Some((ns, name)) => (Some(ns), name),
        None => (None, pair.as_str()),
    }
}

fn is_comparison(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Binary {
            op: BinaryOp::Eq
                | BinaryOp::NotEq
                | BinaryOp::Lt
                | BinaryOp::LtEq
                | BinaryOp::Gt
                | BinaryOp::GtEq
                | BinaryOp::In
                | BinaryOp::Match,
            ..
        } | Expr::Asc(_)
            | Expr::Desc(_)
    )
}

fn expression(pair: Pair<'_, Rule>) -> Result<Expr> {
    let span = pair.clone();
    let mut operands = 0;
    let mut flat = Vec::new();
    for p in pair.into_inner() {
        if p.as_rule() == Rule::operand {
            operands += 1;
            let parts: Vec<_> = p.into_inner().collect();
            if parts.len() > MAX_CHAIN {
                return Err(error(&span, "too many prefix or postfix operators"));
            }
            flat.extend(parts);
        } else {
            flat.push(p);
        }
    }
    if operands > MAX_CHAIN {
        return Err(error(
            &span,
            format!("more than {MAX_CHAIN} operands in one expression"),
        ));
    }
    pratt()
        .map_primary(primary)
        .map_prefix(|op, rhs| {
            let rhs = Box::new(rhs?);
            Ok(match op.as_rule() {
                Rule::not => Expr::Not(rhs),
                Rule::neg => Expr::Neg(rhs),
                _ => Expr::Pos(rhs),
            })
        })
        .map_postfix(|lhs, op| {
            let lhs = lhs?;
            if is_comparison(&lhs) {
                return Err(error(
                    &op,
                    "asc/desc cannot follow a comparison without parentheses",
                ));
            }
            Ok(match op.as_rule() {
                Rule::asc => Expr::Asc(Box::new(lhs)),
                _ => Expr::Desc(Box::new(lhs)),
            })
        })
        .map_infix(|lhs, op, rhs| infix(lhs?, &op, rhs?))
        .parse(flat.into_iter())
}

fn infix(lhs: Expr, op: &Pair<'_, Rule>, rhs: Expr) -> Result<Expr> {
    let binary = |op| Expr::Binary {
        op,
        left: Box::new(lhs.clone()),
        right: Box::new(rhs.clone()),
    };
    let chained = is_comparison(&lhs) || is_comparison(&rhs);
    let non_assoc = |e: Expr| -> Result<Expr> {
        if chained {
            Err(error(
                op,
                "comparison operators cannot be chained without parentheses",
            ))
        } else {
            Ok(e)
        }
    };
    Ok(match op.as_rule() {
        Rule::pair_op => {
            if matches!(lhs, Expr::Pair(..)) || matches!(rhs, Expr::Pair(..)) {
                return Err(error(op, "=> cannot be chained without parentheses"));
            }
            Expr::Pair(Box::new(lhs), Box::new(rhs))
        }
        Rule::or => Expr::Or(Box::new(lhs), Box::new(rhs)),
        Rule::and => Expr::And(Box::new(lhs), Box::new(rhs)),
        Rule::eq => non_assoc(binary(BinaryOp::Eq))?,
        Rule::neq => non_assoc(binary(BinaryOp::NotEq))?,
        Rule::lt => non_assoc(binary(BinaryOp::Lt))?,
        Rule::lte => non_assoc(binary(BinaryOp::LtEq))?,
        Rule::gt => non_assoc(binary(BinaryOp::Gt))?,
        Rule::gte => non_assoc(binary(BinaryOp::GtEq))?,
        Rule::in_op => non_assoc(binary(BinaryOp::In))?,
        Rule::match_op => non_assoc(binary(BinaryOp::Match))?,
        Rule::range_incl | Rule::range_excl => {
            if matches!(lhs, Expr::Range { .. }) || matches!(rhs, Expr::Range { .. }) {
                return Err(error(op, "ranges cannot be chained"));
            }
            Expr::Range {
                start: Box::new(lhs),
                end: Box::new(rhs),
                exclusive: op.as_rule() == Rule::range_excl,
            }
        }
        Rule::add => binary(BinaryOp::Add),
        Rule::sub => binary(BinaryOp::Sub),
        Rule::mul => binary(BinaryOp::Mul),
        Rule::div => binary(BinaryOp::Div),
        Rule::rem => binary(BinaryOp::Rem),
        Rule::pow => binary(BinaryOp::Pow),
        _ => return Err(error(op, "unknown operator")),
    })
}

fn primary(pair: Pair<'_, Rule>) -> Result<Expr> {
    let span = pair.clone();
    let mut inner = pair.into_inner();
    let atom_pair = inner
        .next()
        .ok_or_else(|| error(&span, "expected a value"))?;
    let (mut base, mut base_is_array) = atom(atom_pair)?;
    let mut components = Vec::new();
    let mut count = 0;
    for t in inner {
        count += 1;
        if count > MAX_CHAIN {
            return Err(error(
                &t,
                format!("more than {MAX_CHAIN} traversals in a row"),
            ));
        }
        match t.as_rule() {
            Rule::dot_attribute => components.push(Component::Attribute(Arc::from(ident_of(&t)))),
            Rule::dot_group => {
                let group = t
                    .clone()
                    .into_inner()
                    .next()
                    .ok_or_else(|| error(&t, "expected a group"))?;
                components.push(Component::Projection(atom(group)?.0));
            }
            Rule::deref => {
                let name = t.clone().into_inner().next().map(|p| Arc::from(p.as_str()));
                components.push(Component::Deref(name));
            }
            Rule::bracket => components.push(bracket(t)?),
            Rule::projection | Rule::pipe_projection => {
                let object_pair = t
                    .clone()
                    .into_inner()
                    .next()
                    .ok_or_else(|| error(&t, "expected an object"))?;
                components.push(Component::Projection(object(object_pair)?));
            }
            Rule::pipe_call => {
                let call = t
                    .clone()
                    .into_inner()
                    .next()
                    .ok_or_else(|| error(&t, "expected a function call"))?;
                let span = span_of(&call);
                let (name, args) = call_parts(call)?;
                let lowered =
                    traversal::lower(base, std::mem::take(&mut components), base_is_array);
                base = Expr::PipeCall {
                    base: Box::new(lowered),
                    name: Arc::from(name.1),
                    args,
                    span,
                };
                base_is_array = true;
            }
            _ => return Err(error(&t, "unexpected traversal")),
        }
    }
    Ok(traversal::lower(base, components, base_is_array))
}

fn ident_of(pair: &Pair<'_, Rule>) -> String {
    pair.clone()
        .into_inner()
        .find(|p| p.as_rule() == Rule::ident)
        .map(|p| p.as_str().to_string())
        .unwrap_or_default()
}

/// `[]`, `[1..2]`, `["name"]`, `[0]` or `[filter]`, decided by constant-evaluating the content.
fn bracket(pair: Pair<'_, Rule>) -> Result<Component> {
    let span = pair.clone();
    let Some(inner) = pair.into_inner().next() else {
        return Ok(Component::ArrayPostfix);
    };
    let expr = expression(inner)?;
    if let Expr::Range {
        start,
        end,
        exclusive,
    } = expr
    {
        for bound in [&start, &end] {
            if let Some(Const::Number(n)) = constant(bound) {
                if n.fract() != 0.0 {
                    return Err(error(&span, "slice bounds must be integers"));
                }
            } else if constant(bound).is_some() {
                return Err(error(&span, "slice bounds must be integers"));
            }
        }
        return Ok(Component::Slice {
            start: *start,
            end: *end,
            exclusive,
        });
    }
    match constant(&expr) {
        Some(Const::String(s)) => Ok(Component::Attribute(s)),
        Some(Const::Number(n)) => {
            if n.fract() != 0.0 {
                return Err(error(&span, "array index must be an integer"));
            }
            Ok(Component::Element(Expr::Number(n)))
        }
        None => Ok(Component::Filter(expr)),
    }
}

enum Const {
    Number(f64),
    String(Arc<str>),
}

/// The spec's ConstantEvaluate, for the literals and arithmetic that decide
/// what a bracket means.
fn constant(e: &Expr) -> Option<Const> {
    match e {
        Expr::Number(n) => Some(Const::Number(*n)),
        Expr::String(s) => Some(Const::String(s.clone())),
        Expr::Group(inner) => constant(inner),
        Expr::Neg(inner) => match constant(inner)? {
            Const::Number(n) => Some(Const::Number(-n)),
            Const::String(_) => None,
        },
        Expr::Pos(inner) => match constant(inner)? {
            Const::Number(n) => Some(Const::Number(n)),
            Const::String(_) => None,
        },
        Expr::Binary { op, left, right } => match (constant(left)?, constant(right)?) {
            (Const::Number(a), Const::Number(b)) => {
                let v = match op {
                    BinaryOp::Add => a + b,
                    BinaryOp::Sub => a - b,
                    BinaryOp::Mul => a * b,
                    BinaryOp::Div => a / b,
                    BinaryOp::Rem => a % b,
                    BinaryOp::Pow => a.powf(b),
                    _ => return None,
                };
                v.is_finite().then_some(Const::Number(v))
            }
            (Const::String(a), Const::String(b)) if *op == BinaryOp::Add => {
                Some(Const::String(Arc::from(format!("{a}{b}"))))
            }
            _ => None,
        },
        _ => None,
    }
}

/// An atom, and whether it is statically an array (which makes a following
/// traversal map over it).
fn atom(pair: Pair<'_, Rule>) -> Result<(Expr, bool)> {
    Ok(match pair.as_rule() {
        Rule::null => (Expr::Null, false),
        Rule::true_lit => (Expr::Bool(true), false),
        Rule::false_lit => (Expr::Bool(false), false),
        Rule::number => {
            let n: f64 = pair
                .as_str()
                .parse()
                .map_err(|_| error(&pair, "invalid number"))?;
            if !n.is_finite() {
                return Err(error(&pair, "number out of range"));
            }
            (Expr::Number(n), false)
        }
        Rule::string => (Expr::String(Arc::from(string(&pair)?)), false),
        Rule::array => (array(pair)?, true),
        Rule::object => (object(pair)?, false),
        Rule::everything => (Expr::Everything, true),
        Rule::this => (Expr::This, false),
        Rule::parent => (Expr::Parent(pair.as_str().matches('^').count()), false),
        Rule::param => (Expr::Param(pair.as_str()[1..].to_string()), false),
        Rule::func_call => {
            let span = span_of(&pair);
            let ((namespace, name), args) = call_parts(pair)?;
            (
                Expr::Call {
                    namespace: Arc::from(namespace.unwrap_or("global")),
                    name: Arc::from(name),
                    args,
                    span,
                },
                false,
            )
        }
        Rule::group => {
            let mut items = pair
                .into_inner()
                .map(expression)
                .collect::<Result<Vec<_>>>()?;
            if items.len() == 1 {
                (Expr::Group(Box::new(items.remove(0))), false)
            } else {
                (Expr::Tuple(items), false)
            }
        }
        Rule::ident => (
            Expr::Attribute {
                base: Expr::this(),
                name: Key::new(pair.as_str()),
            },
            false,
        ),
        _ => return Err(error(&pair, "unexpected token")),
    })
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    Span {
        start: pair.as_span().start(),
        end: pair.as_span().end(),
    }
}

type CallName<'a> = (Option<&'a str>, &'a str);

fn call_parts(pair: Pair<'_, Rule>) -> Result<(CallName<'_>, Vec<Expr>)> {
    let span = pair.clone();
    let mut inner = pair.into_inner();
    let name_pair = inner
        .next()
        .ok_or_else(|| error(&span, "expected a function name"))?;
    let name = func_name(&name_pair);
    let args = inner.map(expression).collect::<Result<Vec<_>>>()?;
    Ok((name, args))
}

fn string(pair: &Pair<'_, Rule>) -> Result<String> {
    let raw = pair
        .clone()
        .into_inner()
        .next()
        .map(|p| p.as_str())
        .unwrap_or_default();
    let offset = pair.as_span().start() + 1;
    unescape(raw).map_err(|(at, message)| error_at(message, offset + at, offset + at + 2))
}

fn array(pair: Pair<'_, Rule>) -> Result<Expr> {
    let mut elements = Vec::new();
    for element in pair.into_inner() {
        let mut splat = false;
        let mut expr = None;
        for part in element.into_inner() {
            match part.as_rule() {
                Rule::splat => splat = true,
                _ => expr = Some(expression(part)?),
            }
        }
        if let Some(expr) = expr {
            elements.push(ArrayElement { expr, splat });
        }
    }
    Ok(Expr::Array(elements))
}

fn object(pair: Pair<'_, Rule>) -> Result<Expr> {
    let mut attributes = Vec::new();
    for attr in pair.into_inner() {
        match attr.as_rule() {
            Rule::object_splat => {
                let expr = match attr.into_inner().next() {
                    Some(e) => expression(e)?,
                    None => Expr::This,
                };
                attributes.push(ObjectAttribute::Splat(expr));
            }
            Rule::object_entry => {
                let span = attr.clone();
                let mut inner = attr.into_inner();
                let key_pair = inner.next().ok_or_else(|| error(&span, "expected a key"))?;
                let key = string(&key_pair)?;
                let value_pair = inner
                    .next()
                    .ok_or_else(|| error(&span, "expected a value"))?;
                attributes.push(ObjectAttribute::Entry {
                    key: Arc::from(key),
                    value: expression(value_pair)?,
                });
            }
            Rule::object_shorthand => {
                let span = attr.clone();
                let value_pair = attr
                    .into_inner()
                    .next()
                    .ok_or_else(|| error(&span, "expected a value"))?;
                let value = expression(value_pair)?;
                if let Expr::Pair(..) = value {
                    // `cond => {...}`: the object's attributes when cond holds.
                    attributes.push(ObjectAttribute::Splat(Expr::Call {
                        namespace: Arc::from("global"),
                        name: Arc::from("select"),
                        args: vec![value],
                        span: span_of(&span),
                    }));
                    continue;
                }
                let key = determine_name(&value).ok_or_else(|| {
                    error(
                        &span,
                        "cannot determine the key for this object attribute; write \"key\": value",
                    )
                })?;
                attributes.push(ObjectAttribute::Entry { key, value });
            }
            _ => {}
        }
    }
    Ok(Expr::Object(attributes))
}

/// The spec's DetermineName: the key a shorthand attribute gets.
fn determine_name(e: &Expr) -> Option<Arc<str>> {
    match e {
        Expr::Attribute { base, name } if matches!(**base, Expr::This) => {
            Some(name.shared().clone())
        }
        Expr::ArrayCoerce(base)
        | Expr::Deref { base, .. }
        | Expr::Element { base, .. }
        | Expr::Filter { base, .. }
        | Expr::Map { base, .. }
        | Expr::FlatMap { base, .. }
        | Expr::Projection { base, .. }
        | Expr::Slice { base, .. }
        | Expr::PipeCall { base, .. } => determine_name(base),
        Expr::Group(inner) => determine_name(inner),
        _ => None,
    }
}
