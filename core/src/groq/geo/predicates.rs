//! `geo::contains` and `geo::intersects` in the plane of (longitude, latitude),
//! treating every geometry as a closed point set: a polygon owns its boundary
//! (holes' edges included), a line its end points.

use super::parse::Geometry;
use super::planar::{
    any_pair, crossing_param, interior_point, locate, on_segment, orient, param, segments,
    segments_intersect, Location, Polygon, Pt, Seg,
};

/// A geometry taken apart: Multi* types and collections are just unions.
#[derive(Default)]
struct Parts<'a> {
    points: Vec<Pt>,
    lines: Vec<&'a [Pt]>,
    polygons: Vec<&'a Polygon>,
}

impl<'a> Parts<'a> {
    fn of(g: &'a Geometry) -> Parts<'a> {
        let mut parts = Parts::default();
        // Collections nest at most MAX_COLLECTION_DEPTH deep (see `parse`),
        // but an explicit stack keeps this loop free of recursion anyway.
        let mut stack = vec![g];
        while let Some(g) = stack.pop() {
            match g {
                Geometry::Point(p) => parts.points.push(*p),
                Geometry::MultiPoint(ps) => parts.points.extend_from_slice(ps),
                Geometry::LineString(l) => parts.lines.push(l),
                Geometry::MultiLineString(ls) => parts.lines.extend(ls.iter().map(Vec::as_slice)),
                Geometry::Polygon(p) => parts.polygons.push(p),
                Geometry::MultiPolygon(ps) => parts.polygons.extend(ps.iter()),
                Geometry::Collection(gs) => stack.extend(gs.iter()),
            }
        }
        parts
    }

    /// Every edge: the lines' segments and the polygons' ring edges.
    fn edges(&self) -> Vec<Seg> {
        let mut out = Vec::new();
        for l in &self.lines {
            out.extend(segments(l));
        }
        for p in &self.polygons {
            for r in &p.rings {
                out.extend(segments(r));
            }
        }
        out
    }

    fn covers_point(&self, p: Pt) -> bool {
        self.points.contains(&p)
            || self
                .lines
                .iter()
                .any(|l| segments(l).any(|s| on_segment(p, s.a, s.b)))
            || self
                .polygons
                .iter()
                .any(|poly| locate(p, poly) != Location::Outside)
    }
}

/// `a` and `b` share at least one point.
pub(super) fn intersects(a: &Geometry, b: &Geometry) -> bool {
    let (pa, pb) = (Parts::of(a), Parts::of(b));
    if pa.points.iter().any(|p| pb.covers_point(*p))
        || pb.points.iter().any(|p| pa.covers_point(*p))
    {
        return true;
    }
    let (ea, eb) = (pa.edges(), pb.edges());
    if any_pair(&ea, &eb, |i, j| {
        segments_intersect(ea[i].a, ea[i].b, eb[j].a, eb[j].b)
    }) {
        return true;
    }
    // No edges meet, so a line or polygon either lies wholly inside a polygon
    // of the other side or wholly outside it; one vertex tells which.
    let firsts = |p: &Parts| -> Vec<Pt> {
        let lines = p.lines.iter().filter_map(|l| l.first().copied());
        let polys = p
            .polygons
            .iter()
            .filter_map(|q| q.rings.first().and_then(|r| r.first().copied()));
        lines.chain(polys).collect()
    };
    let inside_any =
        |p: Pt, polys: &[&Polygon]| polys.iter().any(|q| locate(p, q) != Location::Outside);
    firsts(&pa).into_iter().any(|p| inside_any(p, &pb.polygons))
        || firsts(&pb).into_iter().any(|p| inside_any(p, &pa.polygons))
}

/// Every point of `b` lies in `a`. Points and lines of `b` may be covered by
/// the union of `a`'s parts; each polygon of `b` must lie within one polygon
/// of `a` (the spec: "for MultiPolygon, it's sufficient that only one of the
/// polygons contains" it).
pub(super) fn contains(a: &Geometry, b: &Geometry) -> bool {
    let (pa, pb) = (Parts::of(a), Parts::of(b));
    if !pb.points.iter().all(|p| pa.covers_point(*p)) {
        return false;
    }
    let edges = pa.edges();
    if !pb.lines.iter().all(|l| line_covered(&pa, &edges, l)) {
        return false;
    }
    pb.polygons
        .iter()
        .all(|q| pa.polygons.iter().any(|p| polygon_covers_polygon(p, q)))
}

/// Every point of the polyline `line` lies in `a`, whose edges are `edges`.
///
/// Each segment is cut wherever it meets an edge of `a`; a piece between two
/// cuts then lies wholly on one side of every edge, so it is covered if it
/// runs along an edge of `a` or its midpoint lies in one of `a`'s polygons.
fn line_covered(a: &Parts, edges: &[Seg], line: &[Pt]) -> bool {
    if !line.iter().all(|p| a.covers_point(*p)) {
        return false;
    }
    segments(line).all(|s| s.a == s.b || segment_covered(a, edges, s))
}

fn segment_covered(a: &Parts, edges: &[Seg], s: Seg) -> bool {
    let mut cuts = vec![0.0, 1.0];
    // Parameter intervals of `s` that run along an edge of `a`.
    let mut along: Vec<(f64, f64)> = Vec::new();
    let this = [s];
    any_pair(&this, edges, |_, j| {
        let e = edges[j];
        let (oa, ob) = (orient(s.a, s.b, e.a), orient(s.a, s.b, e.b));
        if oa == 0 && ob == 0 {
            let (t0, t1) = (param(e.a, s.a, s.b), param(e.b, s.a, s.b));
            let (lo, hi) = (t0.min(t1).max(0.0), t0.max(t1).min(1.0));
            if lo <= hi {
                cuts.push(lo);
                cuts.push(hi);
                if lo < hi {
                    along.push((lo, hi));
                }
            }
        } else if segments_intersect(s.a, s.b, e.a, e.b) {
            if oa == 0 {
                cuts.push(param(e.a, s.a, s.b).clamp(0.0, 1.0));
            }
            if ob == 0 {
                cuts.push(param(e.b, s.a, s.b).clamp(0.0, 1.0));
            }
            if oa * ob < 0 && orient(e.a, e.b, s.a) * orient(e.a, e.b, s.b) < 0 {
                cuts.push(crossing_param(s.a, s.b, e.a, e.b));
            }
        }
        false
    });
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    along.sort_by(|x, y| x.0.total_cmp(&y.0));
    cuts.windows(2).all(|w| {
        let (t0, t1) = (w[0], w[1]);
        if along.iter().any(|&(lo, hi)| lo <= t0 && t1 <= hi) {
            return true;
        }
        let t = t0 + (t1 - t0) / 2.0;
        let m = [
            s.a[0] + (s.b[0] - s.a[0]) * t,
            s.a[1] + (s.b[1] - s.a[1]) * t,
        ];
        a.polygons.iter().any(|p| locate(m, p) != Location::Outside)
    })
}

/// Polygon `p` covers polygon `q`: every edge of `q` lies in `p`, and no hole
/// of `p` opens inside `q`. (With `q`'s boundary in `p`, a hole of `p` is
/// either wholly inside `q` or wholly outside; any interior point tells.)
fn polygon_covers_polygon(p: &Polygon, q: &Polygon) -> bool {
    let only_p = Parts {
        polygons: vec![p],
        ..Parts::default()
    };
    let edges = only_p.edges();
    if !q.rings.iter().all(|r| line_covered(&only_p, &edges, r)) {
        return false;
    }
    p.rings
        .iter()
        .skip(1)
        .all(|hole| match interior_point(hole) {
            Some(ip) => locate(ip, q) != Location::Inside,
            None => true,
        })
}
