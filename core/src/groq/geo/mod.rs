//! GROQ's Geography extension: `geo()`, `geo::latLng()`, `geo::contains()`,
//! `geo::intersects()` and `geo::distance()` (spec §14, "Geography Extension").
//!
//! A geo value is a plain [`Value::Object`] holding normalized GeoJSON —
//! `{"type": "Point", "coordinates": [lng, lat]}` and so on — because that is
//! what a query returning `geo(...)` or `geo::latLng(...)` must serialize to,
//! and because parsing it again yields the same geometry, `geo(geo(x))` is
//! `geo(x)`. The functions here accept raw objects and geo values alike, as
//! the spec's functions do.
//!
//! The geometry model, and the facts in the conformance suite that fix it:
//!
//! - `contains` and `intersects` work in the plane of (longitude, latitude),
//!   as the spec says ("planar (non-spherical)"). Edges are straight lines in
//!   that plane, so a polygon edge from 170° to -170° runs the long way round;
//!   split shapes at the antimeridian, as RFC 7946 §3.1.9 asks. The suite's
//!   shapes (Norway and its surroundings) give the same answers on the plane
//!   and on the sphere, so nothing there contradicts the spec.
//! - Geometries are closed point sets: points on a polygon's boundary, holes'
//!   edges included, are in it, so `contains` is "covers" ("all its points
//!   are within the boundaries of the first geo value", spec) and touching
//!   shapes intersect. Tests are exact (see `planar::orient`).
//! - `distance` is the haversine distance on a sphere of radius 6378137 m
//!   (WGS 84's equatorial radius): the suite's 416760.7738822515 m between
//!   Oslo and Stockholm is exactly that, digit for digit.
//! - Validity: a ring must be closed, have at least four positions, repeat no
//!   vertex and not touch itself; the suite's invalid polygons are a doubled
//!   vertex, two-point rings and a bow-tie. Positions are `[lng, lat]` or
//!   `[lng, lat, alt]` within ±180/±90 (the range `geo::latLng` enforces).
//!   Empty coordinate arrays are treated as null (RFC 7946 §3.1 allows it).
//!   `Feature`, `FeatureCollection` and arrays of geo values are not geo.

mod distance;
mod parse;
mod planar;
mod predicates;

#[cfg(test)]
mod tests;

use crate::groq::value::Value;

use parse::Geometry;

/// `geo(v)`: the geo value (normalized GeoJSON), or Null if `v` is not a
/// valid geometry or geographic point.
pub fn geo(v: &Value) -> Value {
    parse::geometry_and_value(v).map_or(Value::Null, |(_, value)| value)
}

/// `geo::latLng(lat, lng)`: a GeoJSON Point, or Null unless both are numbers
/// within ±90 (lat) and ±180 (lng).
pub fn lat_lng(lat: &Value, lng: &Value) -> Value {
    match (lat.as_f64(), lng.as_f64()) {
        (Some(lat), Some(lng)) if parse::in_range(lng, lat) => parse::point_value(lng, lat),
        _ => Value::Null,
    }
}

/// `geo::contains(a, b)`: whether every point of `b` lies in `a`; Null unless
/// both are geo values.
pub fn contains(a: &Value, b: &Value) -> Value {
    both(a, b).map_or(Value::Null, |(a, b)| {
        Value::Bool(predicates::contains(&a, &b))
    })
}

/// `geo::intersects(a, b)`: whether `a` and `b` share a point; Null unless
/// both are geo values.
pub fn intersects(a: &Value, b: &Value) -> Value {
    both(a, b).map_or(Value::Null, |(a, b)| {
        Value::Bool(predicates::intersects(&a, &b))
    })
}

/// `geo::distance(a, b)`: meters between two points; Null unless both are
/// points (a GeoJSON Point or a `{lat, lng}` object).
pub fn distance(a: &Value, b: &Value) -> Value {
    match both(a, b) {
        Some((Geometry::Point(p), Geometry::Point(q))) => Value::number(distance::haversine(p, q)),
        _ => Value::Null,
    }
}

fn both(a: &Value, b: &Value) -> Option<(Geometry, Geometry)> {
    Some((parse::geometry(a)?, parse::geometry(b)?))
}
