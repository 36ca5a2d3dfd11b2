//! A hand-written recursive-descent parser for JSONMatch paths.
//!
//! Paths are short, so every error carries the byte offset where parsing stopped.
//! Bracket nesting is bounded so a hostile path cannot exhaust the stack.

use super::ast::{Comparison, Constraint, ConstraintTarget, Literal, Path, Step};

/// Longer paths are rejected before parsing; no real document needs more.
pub const MAX_PATH_LENGTH: usize = 4096;
/// Brackets and `..` nested deeper than this are rejected.
const MAX_NESTING: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid path {path:?} at offset {offset}: {message}")]
pub struct PathError {
    pub path: String,
    pub offset: usize,
    pub message: String,
}

/// Parses a JSONMatch path such as `body[_key=="a"].children[0].text`.
pub fn parse(source: &str) -> Result<Path, PathError> {
    if source.len() > MAX_PATH_LENGTH {
        return Err(PathError {
            path: source.chars().take(64).collect::<String>() + "…",
            offset: MAX_PATH_LENGTH,
            message: format!("paths are limited to {MAX_PATH_LENGTH} bytes"),
        });
    }
    let mut parser = Parser {
        src: source,
        pos: 0,
        depth: 0,
    };
    parser.skip_space();
    if parser.at_end() {
        return Err(parser.error("empty path"));
    }
    let path = parser.path()?;
    parser.skip_space();
    if !parser.at_end() {
        return Err(parser.error("unexpected character"));
    }
    Ok(path)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> PathError {
        PathError {
            path: self.src.to_string(),
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn enter(&mut self) -> Result<(), PathError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error("path is nested too deeply"));
        }
        Ok(())
    }

    /// `first ( '.' attribute | '[' ... ']' | '..' path )*`
    fn path(&mut self) -> Result<Path, PathError> {
        self.enter()?;
        let mut steps = Vec::new();
        self.skip_space();
        if self.rest().starts_with("..") {
            steps.push(self.recursive()?);
        } else if self.rest().starts_with('[') {
            self.bracket(&mut steps)?;
        } else {
            let name = self
                .attribute_name()?
                .ok_or_else(|| self.error("expected a field name, '[' or '..'"))?;
            steps.push(Step::Attribute(name));
        }
        loop {
            self.skip_space();
            if self.rest().starts_with("..") {
                // `..` takes the whole remainder of the path as its term.
                steps.push(self.recursive()?);
                break;
            } else if self.eat(".") {
                self.skip_space();
                let name = self
                    .attribute_name()?
                    .ok_or_else(|| self.error("expected a field name after '.'"))?;
                steps.push(Step::Attribute(name));
            } else if self.rest().starts_with('[') {
                self.bracket(&mut steps)?;
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(Path { steps })
    }

    fn recursive(&mut self) -> Result<Step, PathError> {
        self.pos += 2;
        self.skip_space();
        if self.at_end() {
            return Err(self.error("expected a path after '..'"));
        }
        Ok(Step::Recursive(self.path()?))
    }

    /// `[ element (',' element)* ]`; a single element is inlined into `steps`.
    fn bracket(&mut self, steps: &mut Vec<Step>) -> Result<(), PathError> {
        self.enter()?;
        self.pos += 1; // '['
        let mut alternatives = Vec::new();
        loop {
            alternatives.push(self.element()?);
            if self.eat(",") {
                continue;
            }
            if self.eat("]") {
                break;
            }
            return Err(self.error("expected ',' or ']'"));
        }
        self.depth -= 1;
        if alternatives.len() == 1 {
            steps.extend(alternatives.remove(0).steps);
        } else {
            steps.push(Step::Union(alternatives));
        }
        Ok(())
    }

    /// One element inside brackets: a constraint, an index or slice, a quoted
    /// field name, or a sub-path.
    fn element(&mut self) -> Result<Path, PathError> {
        self.skip_space();
        let start = self.pos;
        if let Some(constraint) = self.constraint()? {
            return Ok(Path {
                steps: vec![Step::Filter(constraint)],
            });
        }
        self.pos = start;
        if let Some(step) = self.index_or_slice()? {
            return Ok(Path { steps: vec![step] });
        }
        self.pos = start;
        if matches!(self.peek(), Some('"')) {
            // `["field"]`: Sanity's server accepts a double-quoted field name here.
            let name = self.quoted('"')?;
            return Ok(Path {
                steps: vec![Step::Attribute(name)],
            });
        }
        self.path()
    }

    /// `lhs ?` or `lhs op literal`, where lhs is `@`, `$` or a dotted field path.
    fn constraint(&mut self) -> Result<Option<Constraint>, PathError> {
        self.skip_space();
        let target = if self.eat("@") || self.eat("$") {
            ConstraintTarget::This
        } else {
            let Some(first) = self.attribute_name()? else {
                return Ok(None);
            };
            let mut fields = vec![first];
            loop {
                let save = self.pos;
                self.skip_space();
                if self.rest().starts_with("..") || !self.eat(".") {
                    self.pos = save;
                    break;
                }
                self.skip_space();
                match self.attribute_name()? {
                    Some(name) => fields.push(name),
                    None => return Ok(None),
                }
            }
            ConstraintTarget::Fields(fields)
        };
        self.skip_space();
        if self.eat("?") {
            return Ok(Some(Constraint {
                target,
                comparison: Comparison::Exists,
                value: None,
            }));
        }
        let comparison = if self.eat("==") {
            Comparison::Eq
        } else if self.eat("!=") {
            Comparison::NotEq
        } else if self.eat(">=") {
            Comparison::GtEq
        } else if self.eat("<=") {
            Comparison::LtEq
        } else if self.eat(">") {
            Comparison::Gt
        } else if self.eat("<") {
            Comparison::Lt
        } else {
            return Ok(None);
        };
        self.skip_space();
        let value = self.literal()?.ok_or_else(|| {
            self.error("expected a string, number, true or false after the comparison")
        })?;
        Ok(Some(Constraint {
            target,
            comparison,
            value: Some(value),
        }))
    }

    fn literal(&mut self) -> Result<Option<Literal>, PathError> {
        match self.peek() {
            Some('"') => Ok(Some(Literal::String(self.quoted('"')?))),
            Some('\'') => Ok(Some(Literal::String(self.quoted('\'')?))),
            _ if self.keyword("true") => Ok(Some(Literal::Bool(true))),
            _ if self.keyword("false") => Ok(Some(Literal::Bool(false))),
            _ => Ok(self.number()?.map(Literal::Number)),
        }
    }

    fn keyword(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let follows_ident = rest[word.len().min(rest.len())..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if rest.starts_with(word) && !follows_ident {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// `n`, `n:`, `:n`, `n:m` (an optional third `:step` is rejected).
    fn index_or_slice(&mut self) -> Result<Option<Step>, PathError> {
        self.skip_space();
        let start = self.integer()?;
        self.skip_space();
        if !self.eat(":") {
            return Ok(start.map(Step::Index));
        }
        self.skip_space();
        let end = self.integer()?;
        self.skip_space();
        if self.rest().starts_with(':') {
            return Err(self.error("slice steps are not supported"));
        }
        Ok(Some(Step::Slice { start, end }))
    }

    fn integer(&mut self) -> Result<Option<i64>, PathError> {
        let begin = self.pos;
        let bytes = self.src.as_bytes();
        let mut end = begin;
        if bytes.get(end) == Some(&b'-') {
            end += 1;
        }
        let digits_start = end;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == digits_start {
            return Ok(None);
        }
        if bytes.get(end) == Some(&b'.') {
            return Err(self.error("array indexes must be integers"));
        }
        let text = &self.src[begin..end];
        self.pos = end;
        text.parse::<i64>()
            .map(Some)
            .map_err(|_| self.error("array index out of range"))
    }

    fn number(&mut self) -> Result<Option<f64>, PathError> {
        let begin = self.pos;
        let bytes = self.src.as_bytes();
        let mut end = begin;
        if bytes.get(end) == Some(&b'-') {
            end += 1;
        }
        let digits_start = end;
        while bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'.' || *b == b'e' || *b == b'E')
        {
            end += 1;
        }
        if end == digits_start {
            return Ok(None);
        }
        let text = &self.src[begin..end];
        self.pos = end;
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(n)),
            _ => Err(self.error("invalid number")),
        }
    }

    /// An identifier (`[A-Za-z_][A-Za-z0-9_]*`) or a single-quoted name.
    fn attribute_name(&mut self) -> Result<Option<String>, PathError> {
        match self.peek() {
            Some('\'') => self.quoted('\'').map(Some),
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let begin = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.pos += 1;
                }
                Ok(Some(self.src[begin..self.pos].to_string()))
            }
            _ => Ok(None),
        }
    }

    /// A string in `quote`s with backslash escapes (`\"`, `\\`, `\n`, `\t`, `\uXXXX`).
    fn quoted(&mut self, quote: char) -> Result<String, PathError> {
        self.pos += quote.len_utf8();
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.pos += c.len_utf8();
            if c == quote {
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(escaped) = self.peek() else {
                return Err(self.error("unterminated escape"));
            };
            self.pos += escaped.len_utf8();
            match escaped {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex = self.rest().get(..4).unwrap_or_default();
                    let code = u32::from_str_radix(hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| self.error("invalid \\u escape"))?;
                    self.pos += 4;
                    out.push(code);
                }
                other => out.push(other),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(s: &str) -> Step {
        Step::Attribute(s.to_string())
    }

    #[test]
    fn simple_forms() {
        assert_eq!(parse("a.b").unwrap().steps, vec![attr("a"), attr("b")]);
        assert_eq!(
            parse("a['k-1']").unwrap().steps,
            vec![attr("a"), attr("k-1")]
        );
        assert_eq!(parse("a[\"k\"]").unwrap().steps, vec![attr("a"), attr("k")]);
        assert_eq!(parse("[0]").unwrap().steps, vec![Step::Index(0)]);
        assert_eq!(
            parse("a[-1]").unwrap().steps,
            vec![attr("a"), Step::Index(-1)]
        );
        assert_eq!(
            parse("a[2:]").unwrap().steps,
            vec![
                attr("a"),
                Step::Slice {
                    start: Some(2),
                    end: None
                }
            ]
        );
        assert_eq!(
            parse("a[-3:-1]").unwrap().steps,
            vec![
                attr("a"),
                Step::Slice {
                    start: Some(-3),
                    end: Some(-1)
                }
            ]
        );
    }

    #[test]
    fn unions_constraints_recursion() {
        let p = parse("a[b,c]").unwrap();
        assert!(matches!(&p.steps[1], Step::Union(alts) if alts.len() == 2));
        let p = parse("body[_key==\"x\"].text").unwrap();
        assert_eq!(
            p.steps[1],
            Step::Filter(Constraint {
                target: ConstraintTarget::Fields(vec!["_key".into()]),
                comparison: Comparison::Eq,
                value: Some(Literal::String("x".into())),
            })
        );
        let p = parse("[@ > 3]").unwrap();
        assert!(matches!(&p.steps[0], Step::Filter(c) if c.target == ConstraintTarget::This));
        let p = parse("a[field?]").unwrap();
        assert!(matches!(&p.steps[1], Step::Filter(c) if c.comparison == Comparison::Exists));
        let p = parse("a[asset._ref == \"x\"]").unwrap();
        assert!(
            matches!(&p.steps[1], Step::Filter(c) if c.target == ConstraintTarget::Fields(vec!["asset".into(), "_ref".into()]))
        );
        let p = parse("a..deep").unwrap();
        assert_eq!(
            p.steps[1],
            Step::Recursive(Path {
                steps: vec![attr("deep")]
            })
        );
        let p = parse("..[p==\"x\"].zz").unwrap();
        assert!(matches!(&p.steps[0], Step::Recursive(t) if t.steps.len() == 2));
    }

    #[test]
    fn errors_have_offsets() {
        for bad in [
            "", "a.", "a[", "a[0", "a[1.5]", "a[\"x]", "a b", "a[1:2:3]", "a[x ==]", "..", "a.-b",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.offset <= bad.len(), "{bad}: {err}");
        }
        let deep = "[".repeat(1_000);
        assert!(parse(&deep).unwrap_err().message.contains("too deeply"));
        assert!(parse(&"a.".repeat(5000)).is_err());
    }
}
