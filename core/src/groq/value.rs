//! GROQ's runtime values. Documents are converted once into this shape; after
//! that, copying a value is a reference-count bump, which is what makes
//! projections and traversals over thousands of documents cheap.

use std::sync::Arc;

use serde_json::Value as Json;

use super::datetime::DateTime;

pub use super::object::Object;

/// What a missing attribute reads as, for reads that borrow.
pub static NULL: Value = Value::Null;

#[derive(Debug, Clone, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// Always finite: NaN and infinities become null where they arise.
    Number(f64),
    String(Arc<str>),
    Array(Arc<Vec<Value>>),
    Object(Arc<Object>),
    /// Produced by `dateTime()`; serialized as an RFC 3339 string.
    DateTime(DateTime),
    /// `a => b`, only inside `select()`; serialized as `"a => b"`.
    Pair(Arc<(Value, Value)>),
    /// `a..b` / `a...b`; serialized as `"a..b"`.
    Range(Arc<Range>),
    /// `path("a.**")`; a glob over document ids.
    Path(Arc<str>),
}

#[derive(Debug, Clone)]
pub struct Range {
    pub start: Value,
    pub end: Value,
    pub exclusive: bool,
}

/// The type names `sanity::*`/`global::type`-style functions and errors report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
    DateTime,
    Pair,
    Range,
    Path,
}

impl Value {
    pub fn number(n: f64) -> Value {
        if n.is_finite() {
            Value::Number(n)
        } else {
            Value::Null
        }
    }

    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Arc::new(items))
    }

    pub fn object(map: Object) -> Value {
        Value::Object(Arc::new(map))
    }

    pub fn kind(&self) -> Type {
        match self {
            Value::Null => Type::Null,
            Value::Bool(_) => Type::Boolean,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::Array(_) => Type::Array,
            Value::Object(_) => Type::Object,
            Value::DateTime(_) => Type::DateTime,
            Value::Pair(_) => Type::Pair,
            Value::Range(_) => Type::Range,
            Value::Path(_) => Type::Path,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// A string field of an object, borrowed.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match self {
            Value::Object(o) => match o.get(name) {
                Some(Value::String(s)) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }

    /// `obj.name`, or null.
    pub fn get(&self, name: &str) -> Value {
        match self {
            Value::Object(o) => o.get(name).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// The value as a truth value for `&&`, `||` and `!`: anything but a
    /// boolean is null.
    pub fn truth(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn is_true(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    /// Converts parsed JSON (a document, a parameter) into a value.
    pub fn from_json(json: &Json) -> Value {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => n.as_f64().map(Value::number).unwrap_or(Value::Null),
            Json::String(s) => Value::String(Arc::from(s.as_str())),
            Json::Array(items) => Value::array(items.iter().map(Value::from_json).collect()),
            Json::Object(map) => Value::object(
                map.iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// As [`Value::from_json`], sharing one allocation between equal keys
    /// and equal short strings across every document converted with the
    /// same `interner`. A dataset repeats its keys and values like `_type`
    /// thousands of times; shared, they stay in cache while a filter walks
    /// the documents, and cost memory once.
    pub fn from_json_interned(json: &Json, interner: &mut Interner) -> Value {
        match json {
            Json::String(s) if s.len() <= Interner::MAX_LEN => Value::String(interner.intern(s)),
            Json::Array(items) => Value::array(
                items
                    .iter()
                    .map(|v| Value::from_json_interned(v, interner))
                    .collect(),
            ),
            Json::Object(map) => Value::object(
                map.iter()
                    .map(|(k, v)| (interner.intern(k), Value::from_json_interned(v, interner)))
                    .collect(),
            ),
            other => Value::from_json(other),
        }
    }

    /// Converts a result into JSON, as the HTTP API returns it.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => number_json(*n),
            Value::String(s) => Json::String(s.to_string()),
            Value::Array(items) => Json::Array(items.iter().map(Value::to_json).collect()),
            Value::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
            Value::DateTime(dt) => Json::String(dt.to_rfc3339()),
            Value::Pair(p) => Json::String(format!("{} => {}", p.0.to_json(), p.1.to_json())),
            Value::Range(r) => Json::String(format!(
                "{}{}{}",
                r.start.to_json(),
                if r.exclusive { "..." } else { ".." },
                r.end.to_json()
            )),
            Value::Path(p) => Json::String(p.to_string()),
        }
    }
}

/// The strings seen while loading documents (see [`Value::from_json_interned`]).
#[derive(Default)]
pub struct Interner(std::collections::HashSet<Arc<str>, super::hash::BuildKeyHasher>);

impl Interner {
    /// Longer strings (titles, bodies) rarely repeat; they are not kept.
    pub const MAX_LEN: usize = 64;

    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(s) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(s);
        self.0.insert(shared.clone());
        shared
    }
}

/// Integral numbers print without a fraction (`3`, not `3.0`), as JavaScript and Sanity do.
fn number_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        Json::Number((n as i64).into())
    } else {
        serde_json::Number::from_f64(n)
            .map(Json::Number)
            .unwrap_or(Json::Null)
    }
}

/// Writes a result straight to JSON text, as [`Value::to_json`] would
/// print it, without building a `serde_json::Value` first.
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => {
                s.serialize_i64(*n as i64)
            }
            Value::Number(n) => s.serialize_f64(*n),
            Value::String(v) | Value::Path(v) => s.serialize_str(v),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(o) => {
                let mut map = s.serialize_map(Some(o.len()))?;
                for (k, v) in o.iter() {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
            Value::DateTime(_) | Value::Pair(_) | Value::Range(_) => self.to_json().serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_to_json_prints() {
        let json: Json = serde_json::from_str(
            r#"{"a": [1, 2.5, -0.0, 1e300, "x", null, true], "b": {"c": 9007199254740993}}"#,
        )
        .expect("valid JSON");
        let value = Value::from_json(&json);
        let direct = serde_json::to_string(&value).expect("serializes");
        assert_eq!(direct, value.to_json().to_string());
    }
}
