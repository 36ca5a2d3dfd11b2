//! Values → geometry: GeoJSON geometry objects and geographic points
//! (`{lat, lng}` / `{lat, lon}`, e.g. Sanity's `geopoint`), validated, plus the
//! normalized GeoJSON value `geo()` returns for them.

use std::sync::Arc;

use crate::groq::value::{Object, Value};

use super::planar::{
    any_self_pair, locate_in_ring, orient, segments, segments_intersect, Location, Polygon, Pt, Seg,
};

/// How deep GeometryCollections may nest (RFC 7946 §3.1.8 says they SHOULD
/// not nest at all); bounds the recursion on hostile input.
const MAX_COLLECTION_DEPTH: usize = 8;

/// A parsed, valid geometry. Every variant holds at least one position.
#[derive(Debug, Clone)]
pub(super) enum Geometry {
    Point(Pt),
    MultiPoint(Vec<Pt>),
    LineString(Vec<Pt>),
    MultiLineString(Vec<Vec<Pt>>),
    Polygon(Polygon),
    MultiPolygon(Vec<Polygon>),
    Collection(Vec<Geometry>),
}

/// Parses `v` as a geo value; `None` if it is not a valid one.
pub(super) fn geometry(v: &Value) -> Option<Geometry> {
    parse(v, 0).map(|(g, _)| g)
}

/// Parses `v` and also returns its normalized GeoJSON form.
pub(super) fn geometry_and_value(v: &Value) -> Option<(Geometry, Value)> {
    parse(v, 0)
}

/// `{"type": "Point", "coordinates": [lng, lat]}`.
pub(super) fn point_value(lng: f64, lat: f64) -> Value {
    geojson(
        "Point",
        "coordinates",
        Value::array(vec![Value::Number(lng), Value::Number(lat)]),
    )
}

fn geojson(kind: &str, key: &str, body: Value) -> Value {
    let mut o = Object::with_capacity(2);
    o.insert(Arc::from("type"), Value::string(kind));
    o.insert(Arc::from(key), body);
    Value::object(o)
}

fn parse(v: &Value, depth: usize) -> Option<(Geometry, Value)> {
    let o = v.as_object()?;
    let kind = o.get("type").and_then(Value::as_str);
    let Some(kind) = kind.filter(|k| is_geometry_type(k)) else {
        // Not GeoJSON (no `type`, or a `type` such as "store" or "Feature"):
        // a geographic point or nothing.
        let p = geo_point(o)?;
        return Some((Geometry::Point(p), point_value(p[0], p[1])));
    };
    if kind == "GeometryCollection" {
        if depth >= MAX_COLLECTION_DEPTH {
            return None;
        }
        let members = o.get("geometries")?.as_array()?;
        if members.is_empty() {
            return None;
        }
        let mut geoms = Vec::with_capacity(members.len());
        let mut values = Vec::with_capacity(members.len());
        for m in members {
            let (g, v) = parse(m, depth + 1)?;
            geoms.push(g);
            values.push(v);
        }
        return Some((
            Geometry::Collection(geoms),
            geojson(kind, "geometries", Value::array(values)),
        ));
    }
    let coords = o.get("coordinates")?;
    let geometry = match kind {
        "Point" => Geometry::Point(position(coords)?),
        "MultiPoint" => Geometry::MultiPoint(non_empty(positions(coords)?)?),
        "LineString" => Geometry::LineString(line_string(coords)?),
        "MultiLineString" => Geometry::MultiLineString(non_empty(list(coords, line_string)?)?),
        "Polygon" => Geometry::Polygon(polygon(coords)?),
        "MultiPolygon" => Geometry::MultiPolygon(non_empty(list(coords, polygon)?)?),
        _ => return None,
    };
    // Only `type` and `coordinates` survive: members such as GeoJSON's
    // `bbox`, or anything else a document carries alongside, are dropped, as
    // the suite's `geo({"type": "Point", ..., "dingbat": {...}})` shows.
    Some((geometry, geojson(kind, "coordinates", coords.clone())))
}

fn is_geometry_type(kind: &str) -> bool {
    matches!(
        kind,
        "Point"
            | "MultiPoint"
            | "LineString"
            | "MultiLineString"
            | "Polygon"
            | "MultiPolygon"
            | "GeometryCollection"
    )
}

/// `lat` plus exactly one of `lng` / `lon`, all numbers in range. Other keys
/// (`_type`, `_key`, `alt`) are ignored. A null member counts as absent, as
/// everywhere in GROQ.
fn geo_point(o: &Object) -> Option<Pt> {
    let present = |k: &str| o.get(k).filter(|v| !v.is_null());
    let lat = present("lat")?.as_f64()?;
    let lng = match (present("lng"), present("lon")) {
        (Some(v), None) | (None, Some(v)) => v.as_f64()?,
        _ => return None,
    };
    in_range(lng, lat).then_some([lng, lat])
}

/// Longitude within ±180 and latitude within ±90, as `geo::latLng` demands.
pub(super) fn in_range(lng: f64, lat: f64) -> bool {
    (-180.0..=180.0).contains(&lng) && (-90.0..=90.0).contains(&lat)
}

/// A GeoJSON position: `[lng, lat]` or `[lng, lat, altitude]`.
fn position(v: &Value) -> Option<Pt> {
    let a = v.as_array()?;
    if !(2..=3).contains(&a.len()) {
        return None;
    }
    let mut n = [0.0; 3];
    for (slot, item) in n.iter_mut().zip(a.iter()) {
        *slot = item.as_f64()?;
    }
    in_range(n[0], n[1]).then_some([n[0], n[1]])
}

fn positions(v: &Value) -> Option<Vec<Pt>> {
    v.as_array()?.iter().map(position).collect()
}

fn list<T>(v: &Value, item: fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    v.as_array()?.iter().map(item).collect()
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

/// At least two positions, at least two of them distinct (OGC's rule; a line
/// that is one point has no length to intersect with).
fn line_string(v: &Value) -> Option<Vec<Pt>> {
    let pts = positions(v)?;
    let first = *pts.first()?;
    pts.iter().any(|p| *p != first).then_some(pts)
}

fn polygon(v: &Value) -> Option<Polygon> {
    let rings = non_empty(list(v, ring)?)?;
    let poly = Polygon { rings };
    valid_polygon(&poly).then_some(poly)
}

/// A linear ring: closed, at least four positions, no vertex repeated, and
/// simple (no edge touches another except its neighbours at shared vertices).
/// The suite rejects a ring with a doubled vertex, an unclosed ring and a
/// bow-tie, which is what these rules say.
fn ring(v: &Value) -> Option<Vec<Pt>> {
    let pts = positions(v)?;
    if pts.len() < 4 || pts.first() != pts.last() {
        return None;
    }
    let open = &pts[..pts.len() - 1];
    let mut sorted = open.to_vec();
    sorted.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    let segs: Vec<Seg> = segments(&pts).collect();
    let n = segs.len();
    let crossing = any_self_pair(&segs, |i, j| {
        let (s, t) = (segs[i], segs[j]);
        if (i + 1) % n == j || (j + 1) % n == i {
            // Neighbours share one vertex; they must not fold back over each other.
            let (prev, next) = if (i + 1) % n == j { (s, t) } else { (t, s) };
            folds_back(prev.a, prev.b, next.b)
        } else {
            segments_intersect(s.a, s.b, t.a, t.b)
        }
    });
    (!crossing).then_some(pts)
}

/// The path `a → b → c` doubles back along itself at `b`.
fn folds_back(a: Pt, b: Pt, c: Pt) -> bool {
    orient(a, b, c) == 0 && (a[0] - b[0]) * (c[0] - b[0]) + (a[1] - b[1]) * (c[1] - b[1]) > 0.0
}

/// Rings of one polygon do not cross each other; holes lie within the shell
/// and outside each other. (Rings may touch at a point.)
fn valid_polygon(poly: &Polygon) -> bool {
    let Some((shell, holes)) = poly.rings.split_first() else {
        return false;
    };
    if holes.is_empty() {
        return true;
    }
    for (k, hole) in holes.iter().enumerate() {
        if hole
            .iter()
            .any(|p| locate_in_ring(*p, shell) == Location::Outside)
        {
            return false;
        }
        for other in &holes[k + 1..] {
            if hole
                .iter()
                .any(|p| locate_in_ring(*p, other) == Location::Inside)
                || other
                    .iter()
                    .any(|p| locate_in_ring(*p, hole) == Location::Inside)
            {
                return false;
            }
        }
    }
    // Edges of different rings may meet at points but not cross or overlap.
    let mut segs = Vec::new();
    let mut owner = Vec::new();
    for (r, ring) in poly.rings.iter().enumerate() {
        for s in segments(ring) {
            segs.push(s);
            owner.push(r);
        }
    }
    !any_self_pair(&segs, |i, j| {
        owner[i] != owner[j] && crosses_or_overlaps(segs[i], segs[j])
    })
}

/// The segments share more than isolated touching points: a proper crossing,
/// or a collinear overlap of positive length.
fn crosses_or_overlaps(s: Seg, t: Seg) -> bool {
    let o1 = orient(s.a, s.b, t.a);
    let o2 = orient(s.a, s.b, t.b);
    let o3 = orient(t.a, t.b, s.a);
    let o4 = orient(t.a, t.b, s.b);
    if o1 * o2 < 0 && o3 * o4 < 0 {
        return true;
    }
    if o1 == 0 && o2 == 0 {
        // Collinear: overlapping in more than a point?
        let key = |p: Pt| {
            if (s.b[0] - s.a[0]).abs() >= (s.b[1] - s.a[1]).abs() {
                p[0]
            } else {
                p[1]
            }
        };
        let (s0, s1) = (key(s.a).min(key(s.b)), key(s.a).max(key(s.b)));
        let (t0, t1) = (key(t.a).min(key(t.b)), key(t.a).max(key(t.b)));
        return s0.max(t0) < s1.min(t1);
    }
    false
}
