//! Arithmetic for `inc` and `dec` with JSON numbers.

use serde_json::{Number, Value};

/// `value + by` when `value` is a number; `None` (leave it alone) otherwise,
/// as Sanity does for strings, objects and missing values.
pub fn increment(value: &Value, by: &Number) -> Option<Value> {
    let Value::Number(n) = value else { return None };
    if let (Some(a), Some(b)) = (n.as_i64(), by.as_i64()) {
        if let Some(sum) = a.checked_add(b) {
            return Some(Value::Number(sum.into()));
        }
    }
    let sum = n.as_f64()? + by.as_f64()?;
    Some(float(sum))
}

/// A float result, written as an integer when it is one (`2`, not `2.0`),
/// as JavaScript clients and Sanity's API print it.
fn float(x: f64) -> Value {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    if x.fract() == 0.0 && x.abs() <= SAFE {
        return Value::Number((x as i64).into());
    }
    Number::from_f64(x)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arithmetic() {
        assert_eq!(increment(&json!(1), &1.into()), Some(json!(2)));
        assert_eq!(
            increment(&json!(1.5), &Number::from_f64(0.5).unwrap()),
            Some(json!(2))
        );
        assert_eq!(
            increment(&json!(i64::MAX), &1.into()),
            Some(json!(9.223372036854776e18))
        );
        assert_eq!(increment(&json!("1"), &1.into()), None);
        assert_eq!(increment(&json!(null), &1.into()), None);
    }
}
