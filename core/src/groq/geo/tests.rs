//! The conformance suite's geo tests as direct calls, plus cases the suite
//! lacks (it only has shapes that *do* intersect / lie inside).
//!
//! `fixtures.json` holds every test of groq-test-suite `suite-HEAD-0445fe5`
//! with `features: [geoFunctions]` (2,371; regenerate with `fixtures.py`),
//! lowered from GROQ to a tiny expression language: `["v", i]` is `values[i]`; `["geo", e]`,
//! `["latLng", a, b]`, `["contains", a, b]`, `["intersects", a, b]`,
//! `["distance", a, b]` call this module; `["not", e]`, `["==", a, b]`, `["<",
//! a, b]`… are GROQ's operators; `["arr", e…]` is an array literal. A case is
//! `[id, "eq", expr, expected]` (the query's result), `[id, "filter", expr,
//! passes]` (the test was `*[_id == "d"][expr]._id`, so the document passes
//! iff `expr` is `true`), `[id, "order", [[doc id, key expr]…], desc,
//! expected ids]` or `[id, "array_intersects", [a, b], expected]`.

use serde_json::Value as Json;

use super::*;

fn v(json: Json) -> Value {
    Value::from_json(&json)
}

struct Fixture {
    values: Vec<Value>,
}

impl Fixture {
    fn eval(&self, e: &Json) -> Value {
        let a = e.as_array().expect("expression is an array");
        let op = a[0].as_str().expect("operator");
        let arg = |i: usize| self.eval(&a[i]);
        match op {
            "v" => self.values[a[1].as_u64().expect("index") as usize].clone(),
            "arr" => Value::array((1..a.len()).map(arg).collect()),
            "geo" => geo(&arg(1)),
            "latLng" => lat_lng(&arg(1), &arg(2)),
            "contains" => contains(&arg(1), &arg(2)),
            "intersects" => intersects(&arg(1), &arg(2)),
            "distance" => distance(&arg(1), &arg(2)),
            "not" => match arg(1) {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Null,
            },
            "==" => Value::Bool(groq_eq(&arg(1), &arg(2))),
            "!=" => Value::Bool(!groq_eq(&arg(1), &arg(2))),
            "<" | "<=" | ">" | ">=" => match (arg(1), arg(2)) {
                (Value::Number(x), Value::Number(y)) => Value::Bool(match op {
                    "<" => x < y,
                    "<=" => x <= y,
                    ">" => x > y,
                    _ => x >= y,
                }),
                _ => Value::Null,
            },
            other => panic!("unknown operator {other}"),
        }
    }
}

fn groq_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        _ => false,
    }
}

/// JSON equality with numbers compared as f64 (`100` == `100.0`).
fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, xv)| y.get(k).is_some_and(|yv| json_eq(xv, yv)))
        }
        _ => a == b,
    }
}

/// GROQ's `order()` on numbers and nulls: numbers ascending, nulls last;
/// `desc` reverses the comparison, and ties keep their order.
fn order(keys: &mut [(String, Value)], desc: bool) {
    let rank = |v: &Value| match v {
        Value::Number(n) => (0, *n),
        _ => (1, 0.0),
    };
    keys.sort_by(|x, y| {
        let (a, b) = (rank(&x.1), rank(&y.1));
        let ord = a.0.cmp(&b.0).then(a.1.total_cmp(&b.1));
        if desc {
            ord.reverse()
        } else {
            ord
        }
    });
}

#[test]
fn conformance_suite_geo_tests() {
    let fixture: Json =
        serde_json::from_str(include_str!("fixtures.json")).expect("fixtures.json parses");
    let fx = Fixture {
        values: fixture["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(Value::from_json)
            .collect(),
    };
    let cases = fixture["cases"].as_array().expect("cases");
    let mut failures = Vec::new();
    for case in cases {
        let c = case.as_array().expect("case is an array");
        let id = c[0].as_str().expect("id");
        let ok = match c[1].as_str().expect("kind") {
            "eq" => {
                let got = fx.eval(&c[2]).to_json();
                json_eq(&got, &c[3]) || {
                    failures.push(format!("{id}: got {got}, want {}", c[3]));
                    true
                }
            }
            "filter" => fx.eval(&c[2]).is_true() == c[3].as_bool().expect("bool"),
            "order" => {
                let mut keys: Vec<(String, Value)> = c[2]
                    .as_array()
                    .expect("keys")
                    .iter()
                    .map(|k| (k[0].as_str().expect("doc id").to_string(), fx.eval(&k[1])))
                    .collect();
                order(&mut keys, c[3].as_bool().expect("desc"));
                let got: Vec<Json> = keys.into_iter().map(|(id, _)| Json::String(id)).collect();
                json_eq(&Json::Array(got), &c[4])
            }
            "array_intersects" => {
                let args = c[2].as_array().expect("args");
                let (a, b) = (fx.eval(&args[0]), fx.eval(&args[1]));
                let got = match (a.as_array(), b.as_array()) {
                    (Some(a), Some(b)) => Json::Bool(a.iter().any(|x| {
                        matches!(
                            x,
                            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)
                        ) && b.iter().any(|y| groq_eq(x, y))
                    })),
                    _ => Json::Null,
                };
                json_eq(&got, &c[3])
            }
            other => panic!("unknown case kind {other}"),
        };
        if !ok {
            failures.push(
                format!("{id}: {}", Json::Array(c.clone()))
                    .chars()
                    .take(400)
                    .collect(),
            );
        }
    }
    assert_eq!(
        cases.len(),
        2371,
        "every geoFunctions test of the suite is in the fixture"
    );
    assert!(
        failures.is_empty(),
        "{} of {} suite cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// ---- cases the suite lacks ------------------------------------------------------

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Json {
    serde_json::json!([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]])
}

fn poly(rings: &[Json]) -> Value {
    v(serde_json::json!({"type": "Polygon", "coordinates": rings}))
}

fn point(x: f64, y: f64) -> Value {
    v(serde_json::json!({"type": "Point", "coordinates": [x, y]}))
}

fn line(pts: Json) -> Value {
    v(serde_json::json!({"type": "LineString", "coordinates": pts}))
}

/// 0..10 square with a 4..6 hole.
fn donut() -> Value {
    poly(&[square(0.0, 0.0, 10.0, 10.0), square(4.0, 4.0, 6.0, 6.0)])
}

#[test]
fn geo_normalizes_points_and_geojson() {
    let oslo = serde_json::json!({"type": "Point", "coordinates": [10.75, 59.91]});
    for input in [
        serde_json::json!({"_type": "geopoint", "lat": 59.91, "lng": 10.75, "alt": 3}),
        serde_json::json!({"lat": 59.91, "lon": 10.75}),
        // A `type` that is not a GeoJSON geometry type does not stop an object being a point.
        serde_json::json!({"type": "store", "lat": 59.91, "lng": 10.75}),
        serde_json::json!({"type": "Point", "coordinates": [10.75, 59.91], "bbox": [0, 0, 1, 1]}),
    ] {
        assert_eq!(geo(&v(input.clone())).to_json(), oslo, "{input}");
    }
    // Altitude is kept; geo() is idempotent.
    let z = serde_json::json!({"type": "Point", "coordinates": [10.75, 59.91, 12.5]});
    assert_eq!(geo(&geo(&v(z.clone()))).to_json(), z);
    let gc = serde_json::json!({"type": "GeometryCollection", "geometries": [
        {"lat": 1, "lng": 2},
        {"type": "LineString", "coordinates": [[0, 0], [1, 1]], "extra": true},
    ]});
    assert_eq!(
        geo(&v(gc)).to_json(),
        serde_json::json!({"type": "GeometryCollection", "geometries": [
            {"type": "Point", "coordinates": [2, 1]},
            {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
        ]})
    );
}

#[test]
fn geo_rejects_invalid_values() {
    for input in [
        serde_json::json!(null),
        serde_json::json!([10.75, 59.91]),
        serde_json::json!("59.91,10.75"),
        serde_json::json!({"lat": 91, "lng": 0}),
        serde_json::json!({"lat": 0, "lng": 180.5}),
        serde_json::json!({"lat": "1", "lng": 2}),
        serde_json::json!({"type": "Point", "coordinates": [1, 2, 3, 4]}),
        serde_json::json!({"type": "Point", "coordinates": [1, "2"]}),
        serde_json::json!({"type": "Point", "coordinates": [200, 0]}),
        serde_json::json!({"type": "MultiPoint", "coordinates": []}),
        serde_json::json!({"type": "LineString", "coordinates": [[1, 1], [1, 1]]}),
        serde_json::json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}}),
        serde_json::json!({"type": "GeometryCollection", "geometries": []}),
        serde_json::json!({"type": "GeometryCollection", "geometries": [{"type": "Point"}]}),
        // A spike: the ring runs out along an edge and back.
        serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]]]}),
        // A ring that touches itself at a vertex.
        serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]]]}),
        // A hole outside its shell, and a hole crossing it.
        serde_json::json!({"type": "Polygon", "coordinates": [square(0.0, 0.0, 1.0, 1.0), square(2.0, 2.0, 3.0, 3.0)]}),
        serde_json::json!({"type": "Polygon", "coordinates": [square(0.0, 0.0, 4.0, 4.0), square(3.0, 1.0, 5.0, 2.0)]}),
        // A hole inside another hole.
        serde_json::json!({"type": "Polygon", "coordinates": [
            square(0.0, 0.0, 10.0, 10.0), square(1.0, 1.0, 9.0, 9.0), square(2.0, 2.0, 3.0, 3.0)
        ]}),
    ] {
        assert!(geo(&v(input.clone())).is_null(), "{input}");
    }
    // Clockwise shells are fine (RFC 7946 says not to reject them).
    let cw = serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]});
    assert!(!geo(&v(cw)).is_null());
    assert!(!donut().is_null() && !geo(&donut()).is_null());
}

#[test]
fn deep_collections_are_refused_without_recursing_far() {
    let mut g = serde_json::json!({"type": "Point", "coordinates": [1, 2]});
    for depth in 1..=60 {
        g = serde_json::json!({"type": "GeometryCollection", "geometries": [g]});
        let ok = !geo(&v(g.clone())).is_null();
        assert_eq!(ok, depth <= 8, "depth {depth}");
    }
}

#[test]
fn lat_lng_checks_types_and_ranges() {
    let n = |x: f64| Value::Number(x);
    assert_eq!(
        lat_lng(&n(-90.0), &n(180.0)).to_json(),
        serde_json::json!({"type": "Point", "coordinates": [180, -90]})
    );
    assert!(lat_lng(&n(90.5), &n(0.0)).is_null());
    assert!(lat_lng(&n(0.0), &n(-181.0)).is_null());
    assert!(lat_lng(&Value::string("1"), &n(0.0)).is_null());
}

#[test]
fn contains_points_holes_and_boundaries() {
    let d = donut();
    assert!(contains(&d, &point(1.0, 1.0)).is_true());
    assert_eq!(
        contains(&d, &point(5.0, 5.0)).to_json(),
        Json::Bool(false),
        "in the hole"
    );
    assert!(
        contains(&d, &point(4.0, 5.0)).is_true(),
        "on the hole's edge"
    );
    assert!(contains(&d, &point(10.0, 3.0)).is_true(), "on the shell");
    assert!(contains(&d, &point(0.0, 0.0)).is_true(), "a vertex");
    assert!(!contains(&d, &point(10.000001, 3.0)).is_true());
    // geopoints work too, in either argument position where it makes sense.
    assert!(contains(&d, &v(serde_json::json!({"lat": 1, "lng": 2}))).is_true());
    assert!(contains(
        &point(2.0, 1.0),
        &v(serde_json::json!({"lat": 1, "lng": 2}))
    )
    .is_true());
    assert!(!contains(&point(2.0, 1.0), &point(1.0, 2.0)).is_true());
    // Not geo: null.
    assert!(contains(&d, &Value::Number(1.0)).is_null());
    assert!(contains(&Value::Null, &point(1.0, 1.0)).is_null());
}

#[test]
fn contains_lines() {
    let d = donut();
    assert!(contains(&d, &line(serde_json::json!([[1, 1], [3, 9], [9, 9]]))).is_true());
    assert!(
        !contains(&d, &line(serde_json::json!([[1, 1], [12, 1]]))).is_true(),
        "leaves"
    );
    assert!(
        !contains(&d, &line(serde_json::json!([[1, 5], [9, 5]]))).is_true(),
        "crosses the hole"
    );
    assert!(
        contains(&d, &line(serde_json::json!([[1, 4], [9, 4]]))).is_true(),
        "runs along the hole"
    );
    assert!(
        contains(&d, &line(serde_json::json!([[0, 0], [10, 0], [10, 10]]))).is_true(),
        "along the shell"
    );
    // Both ends inside, but the middle crosses a notch of a concave polygon.
    let c = poly(&[serde_json::json!([
        [0, 0],
        [10, 0],
        [10, 10],
        [5, 2],
        [0, 10],
        [0, 0]
    ])]);
    assert!(!contains(&c, &line(serde_json::json!([[1, 8], [9, 8]]))).is_true());
    assert!(contains(&c, &line(serde_json::json!([[1, 1], [9, 1]]))).is_true());
    // A line covers a collinear piece of itself spanning two of its segments.
    let l = line(serde_json::json!([[0, 0], [2, 2], [4, 4], [4, 8]]));
    assert!(contains(&l, &line(serde_json::json!([[1, 1], [3, 3]]))).is_true());
    assert!(contains(&l, &point(4.0, 6.0)).is_true());
    assert!(!contains(&l, &line(serde_json::json!([[1, 1], [3, 3.5]]))).is_true());
    assert!(!contains(&l, &poly(&[square(0.0, 0.0, 1.0, 1.0)])).is_true());
    // Lines may be covered by the union of a multi-geometry's parts.
    let ml = v(
        serde_json::json!({"type": "MultiLineString", "coordinates": [[[0, 0], [1, 0]], [[1, 0], [2, 0]]]}),
    );
    assert!(contains(&ml, &line(serde_json::json!([[0.5, 0], [1.5, 0]]))).is_true());
}

#[test]
fn contains_polygons() {
    let d = donut();
    assert!(contains(&d, &poly(&[square(1.0, 1.0, 3.0, 3.0)])).is_true());
    assert!(contains(&d, &d).is_true(), "itself");
    assert!(
        contains(&d, &poly(&[square(0.0, 0.0, 10.0, 4.0)])).is_true(),
        "sharing edges"
    );
    assert!(
        !contains(&d, &poly(&[square(3.0, 3.0, 7.0, 7.0)])).is_true(),
        "covers the hole"
    );
    assert!(
        contains(
            &d,
            &poly(&[square(3.0, 3.0, 7.0, 7.0), square(3.5, 3.5, 6.5, 6.5)])
        )
        .is_true(),
        "its own hole swallows d's hole"
    );
    assert!(
        !contains(&d, &poly(&[square(8.0, 8.0, 12.0, 12.0)])).is_true(),
        "overlaps"
    );
    assert!(!contains(&poly(&[square(1.0, 1.0, 3.0, 3.0)]), &d).is_true());
    // MultiPolygon: each polygon of the second must lie in one polygon of the first.
    let two = v(serde_json::json!({"type": "MultiPolygon", "coordinates": [
        [square(0.0, 0.0, 1.0, 1.0)], [square(1.0, 0.0, 2.0, 1.0)]
    ]}));
    let pieces = v(serde_json::json!({"type": "MultiPolygon", "coordinates": [
        [square(0.1, 0.1, 0.9, 0.9)], [square(1.1, 0.1, 1.9, 0.9)]
    ]}));
    assert!(contains(&two, &pieces).is_true());
    assert!(!contains(&two, &poly(&[square(0.5, 0.1, 1.5, 0.9)])).is_true());
    // ...while a line may run across both.
    assert!(contains(&two, &line(serde_json::json!([[0.5, 0.5], [1.5, 0.5]]))).is_true());
}

#[test]
fn intersects_cases() {
    let d = donut();
    let yes = |a: &Value, b: &Value| intersects(a, b).is_true() && intersects(b, a).is_true();
    let no = |a: &Value, b: &Value| {
        intersects(a, b).to_json() == Json::Bool(false)
            && intersects(b, a).to_json() == Json::Bool(false)
    };
    assert!(
        no(&d, &poly(&[square(4.5, 4.5, 5.5, 5.5)])),
        "inside the hole"
    );
    assert!(
        yes(&d, &poly(&[square(4.5, 4.5, 6.5, 5.5)])),
        "pokes out of the hole"
    );
    assert!(
        yes(&d, &poly(&[square(10.0, 10.0, 11.0, 11.0)])),
        "shares a corner"
    );
    assert!(
        yes(&d, &poly(&[square(1.0, 1.0, 2.0, 2.0)])),
        "wholly inside"
    );
    assert!(
        yes(&poly(&[square(-1.0, -1.0, 20.0, 20.0)]), &d),
        "wholly around"
    );
    assert!(no(&d, &poly(&[square(11.0, 0.0, 12.0, 1.0)])));
    assert!(
        yes(&d, &line(serde_json::json!([[-1, 5], [11, 5]]))),
        "crosses, no vertex inside"
    );
    assert!(
        no(&d, &line(serde_json::json!([[4.5, 5], [5.5, 5]]))),
        "in the hole"
    );
    assert!(yes(&d, &line(serde_json::json!([[1, 1], [2, 2]]))));
    assert!(yes(&d, &point(6.0, 5.0)), "on the hole's edge");
    assert!(no(&d, &point(5.0, 5.0)));
    assert!(no(
        &line(serde_json::json!([[0, 0], [1, 1]])),
        &line(serde_json::json!([[0, 1], [1, 2]]))
    ));
    assert!(yes(
        &line(serde_json::json!([[0, 0], [2, 2]])),
        &line(serde_json::json!([[1, 1], [3, 3]]))
    ));
    assert!(yes(
        &line(serde_json::json!([[0, 0], [2, 2]])),
        &line(serde_json::json!([[0, 2], [2, 0]]))
    ));
    assert!(yes(
        &point(1.0, 1.0),
        &line(serde_json::json!([[0, 0], [2, 2]]))
    ));
    assert!(yes(
        &point(1.0, 1.0),
        &v(serde_json::json!({"lat": 1, "lng": 1}))
    ));
    let gc = v(
        serde_json::json!({"type": "GeometryCollection", "geometries": [
            {"type": "Point", "coordinates": [50, 50]}, {"type": "Polygon", "coordinates": [square(20.0, 20.0, 30.0, 30.0)]}
        ]}),
    );
    assert!(yes(&gc, &point(25.0, 25.0)));
    assert!(no(&gc, &d));
    assert!(intersects(&d, &v(serde_json::json!({"type": "Feature"}))).is_null());
}

#[test]
fn edges_are_straight_in_the_lng_lat_plane() {
    // A ring from 170° to -170° spans the long way round, not the antimeridian.
    let wide = poly(&[serde_json::json!([
        [170, 0],
        [-170, 0],
        [-170, 10],
        [170, 10],
        [170, 0]
    ])]);
    assert!(contains(&wide, &point(0.0, 5.0)).is_true());
    assert!(!contains(&wide, &point(175.0, 5.0)).is_true());
    // A long edge is straight in degrees: this point, just north of the chord
    // between (0, 60) and (40, 60), is inside the plane's triangle, though the
    // great circle bulges far further north.
    let tri = poly(&[serde_json::json!([[0, 60], [40, 60], [20, 50], [0, 60]])]);
    assert!(!contains(&tri, &point(20.0, 60.5)).is_true());
    assert!(contains(&tri, &point(20.0, 59.5)).is_true());
}

#[test]
fn distance_between_points_only() {
    let oslo = v(serde_json::json!({"lat": 59.913889, "lng": 10.752222}));
    let sthlm = point(18.068611, 59.329444);
    assert_eq!(distance(&oslo, &sthlm).as_f64(), Some(416760.7738822515));
    assert_eq!(distance(&sthlm, &oslo).as_f64(), Some(416760.7738822515));
    assert_eq!(distance(&oslo, &oslo).as_f64(), Some(0.0));
    // One degree of the equator; antipodes give half the circumference, not NaN.
    let deg = distance(&point(0.0, 0.0), &point(1.0, 0.0))
        .as_f64()
        .unwrap();
    assert!((deg - 6_378_137.0 * std::f64::consts::PI / 180.0).abs() < 1e-6);
    let half = distance(&point(0.0, 0.0), &point(180.0, 0.0))
        .as_f64()
        .unwrap();
    assert!((half - 6_378_137.0 * std::f64::consts::PI).abs() < 1e-6);
    let pole = distance(&point(0.0, 90.0), &point(0.0, -90.0))
        .as_f64()
        .unwrap();
    assert!((pole - half).abs() < 1e-6);
    let mp = v(serde_json::json!({"type": "MultiPoint", "coordinates": [[10.752222, 59.913889]]}));
    assert!(distance(&oslo, &mp).is_null());
    assert!(distance(&donut(), &oslo).is_null());
    assert!(distance(&oslo, &Value::string("oslo")).is_null());
}

#[test]
fn odd_inputs_never_panic() {
    let odd = [
        serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [1e-300, 0], [0, 1e-300], [0, 0]]]}),
        serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [5e-324, 0], [0, 5e-324], [0, 0]]]}),
        serde_json::json!({"type": "Polygon", "coordinates": [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]]}),
        serde_json::json!({"type": "LineString", "coordinates": [[0, 0], [0, 0], [1, 1], [1, 1]]}),
        serde_json::json!({"type": "MultiPoint", "coordinates": [[0, 0], [0, 0]]}),
        serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0.5, 1e-17], [0, 0]]]}),
        serde_json::json!({"type": "GeometryCollection", "geometries": [{"lat": 0, "lng": 0}, {"type": "Point", "coordinates": [0, 0]}]}),
    ];
    let vals: Vec<Value> = odd
        .iter()
        .map(|j| v(j.clone()))
        .chain([donut(), point(0.0, 0.0)])
        .collect();
    for a in &vals {
        let _ = geo(a);
        for b in &vals {
            let _ = (contains(a, b), intersects(a, b), distance(a, b));
        }
    }
}
