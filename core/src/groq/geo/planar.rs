//! Planar primitives on (longitude, latitude) pairs: an exact orientation
//! test, segment intersection, point-in-polygon, and a sweep that finds the
//! segment pairs worth testing.
//!
//! The orientation test is exact (Shewchuk's floating-point filter with an
//! exact expansion fallback), so "is this point on that edge" and "do these
//! segments touch" have yes/no answers that do not depend on rounding. That is
//! what makes a vertex shared by two shapes count as shared.

use std::cmp::Ordering;

/// `[x, y]` = `[longitude, latitude]`, GeoJSON's order.
pub(super) type Pt = [f64; 2];

/// A polygon: `rings[0]` is the shell, the rest are holes. Every ring is
/// closed (first position == last position) and validated by `parse`.
#[derive(Debug, Clone)]
pub(super) struct Polygon {
    pub rings: Vec<Vec<Pt>>,
}

/// Where a point lies relative to a closed region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Location {
    Inside,
    Boundary,
    Outside,
}

// ---- exact orientation ------------------------------------------------------

/// 2^-53, half an ulp of 1.0.
const EPSILON: f64 = f64::EPSILON / 2.0;
/// Shewchuk's bound for the first, floating-point stage of orient2d.
const CCW_ERRBOUND_A: f64 = (3.0 + 16.0 * EPSILON) * EPSILON;
/// 2^27 + 1, Dekker's splitter for f64.
const SPLITTER: f64 = 134_217_729.0;

fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bv = s - a;
    let av = s - bv;
    (s, (a - av) + (b - bv))
}

fn two_diff(a: f64, b: f64) -> (f64, f64) {
    let s = a - b;
    let bv = a - s;
    let av = s + bv;
    (s, (a - av) + (bv - b))
}

fn split(a: f64) -> (f64, f64) {
    let c = SPLITTER * a;
    let hi = c - (c - a);
    (hi, a - hi)
}

/// `a * b` as `hi + lo` exactly (Dekker; no fma, which wasm lacks).
fn two_product(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let err = al * bl - (((p - ah * bh) - al * bh) - ah * bl);
    (p, err)
}

/// Sign of `(b - a) × (c - a)`: positive when `a, b, c` turn counter-clockwise,
/// negative when clockwise, zero when collinear. Exact for all finite inputs
/// whose products neither overflow nor underflow (true for coordinates within
/// ±180 that are not absurdly close together).
pub(super) fn orient(a: Pt, b: Pt, c: Pt) -> i8 {
    let detleft = (a[0] - c[0]) * (b[1] - c[1]);
    let detright = (a[1] - c[1]) * (b[0] - c[0]);
    let det = detleft - detright;
    let detsum = detleft.abs() + detright.abs();
    if det.abs() >= CCW_ERRBOUND_A * detsum {
        return sign(det);
    }
    orient_exact(a, b, c)
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

fn orient_exact(a: Pt, b: Pt, c: Pt) -> i8 {
    let acx = two_diff(a[0], c[0]);
    let bcy = two_diff(b[1], c[1]);
    let acy = two_diff(a[1], c[1]);
    let bcx = two_diff(b[0], c[0]);
    // det = acx*bcy - acy*bcx, each factor a two-term expansion: 16 exact terms.
    let mut terms = [0.0f64; 16];
    let mut n = 0;
    for (x, y, neg) in [(acx, bcy, false), (acy, bcx, true)] {
        for xi in [x.0, x.1] {
            for yi in [y.0, y.1] {
                let (p, e) = two_product(xi, yi);
                let s = if neg { -1.0 } else { 1.0 };
                terms[n] = s * p;
                terms[n + 1] = s * e;
                n += 2;
            }
        }
    }
    // Grow-Expansion: keeps `exp` a non-overlapping expansion of the running
    // sum, smallest component first; its sign is that of the last non-zero one.
    let mut exp = [0.0f64; 17];
    let mut len = 0;
    for &t in &terms {
        let mut q = t;
        for slot in exp.iter_mut().take(len) {
            let (s, e) = two_sum(q, *slot);
            *slot = e;
            q = s;
        }
        if len < exp.len() {
            exp[len] = q;
            len += 1;
        }
    }
    exp[..len]
        .iter()
        .rev()
        .find(|v| **v != 0.0)
        .map_or(0, |v| sign(*v))
}

// ---- segments -----------------------------------------------------------------

fn in_box(p: Pt, a: Pt, b: Pt) -> bool {
    p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// `p` lies on the closed segment `a`–`b`.
pub(super) fn on_segment(p: Pt, a: Pt, b: Pt) -> bool {
    in_box(p, a, b) && orient(a, b, p) == 0
}

/// The closed segments `a`–`b` and `c`–`d` share at least one point.
pub(super) fn segments_intersect(a: Pt, b: Pt, c: Pt, d: Pt) -> bool {
    let o1 = orient(a, b, c);
    let o2 = orient(a, b, d);
    let o3 = orient(c, d, a);
    let o4 = orient(c, d, b);
    if o1 * o2 < 0 && o3 * o4 < 0 {
        return true;
    }
    (o1 == 0 && in_box(c, a, b))
        || (o2 == 0 && in_box(d, a, b))
        || (o3 == 0 && in_box(a, c, d))
        || (o4 == 0 && in_box(b, c, d))
}

/// Where along `a`–`b` (0 at `a`, 1 at `b`) the point `p`, known to be on the
/// line through them, lies. Uses the longer axis so the ratio is well conditioned.
pub(super) fn param(p: Pt, a: Pt, b: Pt) -> f64 {
    let dx = b[0] - a[0];
    let dy = b[1] - a[1];
    if dx.abs() >= dy.abs() {
        if dx == 0.0 {
            0.0
        } else {
            (p[0] - a[0]) / dx
        }
    } else {
        (p[1] - a[1]) / dy
    }
}

/// The parameter along `a`–`b` where it properly crosses `c`–`d`.
pub(super) fn crossing_param(a: Pt, b: Pt, c: Pt, d: Pt) -> f64 {
    let ex = d[0] - c[0];
    let ey = d[1] - c[1];
    let den = (b[0] - a[0]) * ey - (b[1] - a[1]) * ex;
    if den == 0.0 {
        return 0.5;
    }
    let num = (c[0] - a[0]) * ey - (c[1] - a[1]) * ex;
    (num / den).clamp(0.0, 1.0)
}

// ---- point in polygon ---------------------------------------------------------------

/// Location of `p` relative to the region a closed simple ring encloses.
pub(super) fn locate_in_ring(p: Pt, ring: &[Pt]) -> Location {
    let mut winding = 0i64;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if on_segment(p, a, b) {
            return Location::Boundary;
        }
        if a[1] <= p[1] {
            if b[1] > p[1] && orient(a, b, p) > 0 {
                winding += 1;
            }
        } else if b[1] <= p[1] && orient(a, b, p) < 0 {
            winding -= 1;
        }
    }
    if winding != 0 {
        Location::Inside
    } else {
        Location::Outside
    }
}

/// Location of `p` relative to a polygon with holes (a closed set: its
/// boundary, holes' edges included, belongs to it).
pub(super) fn locate(p: Pt, poly: &Polygon) -> Location {
    let Some((shell, holes)) = poly.rings.split_first() else {
        return Location::Outside;
    };
    match locate_in_ring(p, shell) {
        Location::Inside => {}
        other => return other,
    }
    for hole in holes {
        match locate_in_ring(p, hole) {
            Location::Inside => return Location::Outside,
            Location::Boundary => return Location::Boundary,
            Location::Outside => {}
        }
    }
    Location::Inside
}

/// A point strictly inside the region a closed simple ring encloses: the
/// middle of the widest span cut by a horizontal line that avoids every vertex.
pub(super) fn interior_point(ring: &[Pt]) -> Option<Pt> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in ring {
        lo = lo.min(p[1]);
        hi = hi.max(p[1]);
    }
    let mid = lo + (hi - lo) / 2.0;
    let below = ring
        .iter()
        .map(|p| p[1])
        .filter(|y| *y <= mid)
        .fold(f64::NEG_INFINITY, f64::max);
    let above = ring
        .iter()
        .map(|p| p[1])
        .filter(|y| *y > below)
        .fold(f64::INFINITY, f64::min);
    if !below.is_finite() || !above.is_finite() {
        return None;
    }
    let y = below + (above - below) / 2.0;
    if y <= below || y >= above {
        return None;
    }
    let mut xs: Vec<f64> = ring
        .windows(2)
        .filter(|w| (w[0][1] < y) != (w[1][1] < y))
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
        })
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.chunks_exact(2)
        .max_by(|p, q| (p[1] - p[0]).total_cmp(&(q[1] - q[0])))
        .map(|span| [span[0] + (span[1] - span[0]) / 2.0, y])
}

// ---- sweep --------------------------------------------------------------------------

/// A segment plus its x-extent, for the sweep.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seg {
    pub a: Pt,
    pub b: Pt,
}

impl Seg {
    fn min_x(&self) -> f64 {
        self.a[0].min(self.b[0])
    }
    fn max_x(&self) -> f64 {
        self.a[0].max(self.b[0])
    }
    fn y_overlaps(&self, o: &Seg) -> bool {
        self.a[1].min(self.b[1]) <= o.a[1].max(o.b[1])
            && o.a[1].min(o.b[1]) <= self.a[1].max(self.b[1])
    }
}

/// The segments of a polyline or ring.
pub(super) fn segments(line: &[Pt]) -> impl Iterator<Item = Seg> + '_ {
    line.windows(2).map(|w| Seg { a: w[0], b: w[1] })
}

fn order_by_min_x(segs: &[Seg]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..segs.len()).collect();
    idx.sort_by(|&i, &j| segs[i].min_x().total_cmp(&segs[j].min_x()));
    idx
}

/// Calls `f(i, j)` for every pair (`i` in `a`, `j` in `b`) whose bounding
/// boxes overlap, by sweeping along x; returns true as soon as `f` does.
pub(super) fn any_pair(a: &[Seg], b: &[Seg], mut f: impl FnMut(usize, usize) -> bool) -> bool {
    let ia = order_by_min_x(a);
    let ib = order_by_min_x(b);
    let (mut pa, mut pb) = (0, 0);
    let mut active_a: Vec<usize> = Vec::new();
    let mut active_b: Vec<usize> = Vec::new();
    while pa < ia.len() || pb < ib.len() {
        let take_a = match (ia.get(pa), ib.get(pb)) {
            (Some(&i), Some(&j)) => a[i].min_x().total_cmp(&b[j].min_x()) != Ordering::Greater,
            (Some(_), None) => true,
            _ => false,
        };
        if take_a {
            let i = ia[pa];
            pa += 1;
            let x = a[i].min_x();
            active_b.retain(|&j| b[j].max_x() >= x);
            for &j in &active_b {
                if a[i].y_overlaps(&b[j]) && f(i, j) {
                    return true;
                }
            }
            active_a.push(i);
        } else {
            let j = ib[pb];
            pb += 1;
            let x = b[j].min_x();
            active_a.retain(|&i| a[i].max_x() >= x);
            for &i in &active_a {
                if a[i].y_overlaps(&b[j]) && f(i, j) {
                    return true;
                }
            }
            active_b.push(j);
        }
    }
    false
}

/// Like [`any_pair`] within one set: every unordered pair `i != j`.
pub(super) fn any_self_pair(s: &[Seg], mut f: impl FnMut(usize, usize) -> bool) -> bool {
    let order = order_by_min_x(s);
    let mut active: Vec<usize> = Vec::new();
    for &i in &order {
        let x = s[i].min_x();
        active.retain(|&j| s[j].max_x() >= x);
        for &j in &active {
            if s[i].y_overlaps(&s[j]) && f(i, j) {
                return true;
            }
        }
        active.push(i);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_is_exact_near_degeneracy() {
        // Points on the line y = x, perturbed by one ulp.
        let a = [0.5, 0.5];
        let b = [12.0, 12.0];
        let c = [24.0, 24.0];
        assert_eq!(orient(a, b, c), 0);
        let up = [24.0, f64::from_bits(24.0f64.to_bits() + 1)];
        let down = [24.0, f64::from_bits(24.0f64.to_bits() - 1)];
        assert_eq!(orient(a, b, up), 1);
        assert_eq!(orient(a, b, down), -1);
        // A point on a segment whose coordinates are not representable halves.
        let p = [0.1, 0.1];
        assert_eq!(
            orient([0.0, 0.0], [0.3, 0.3], p),
            orient_exact([0.0, 0.0], [0.3, 0.3], p)
        );
    }

    #[test]
    fn point_in_polygon_with_hole() {
        let sq = |x0: f64, y0: f64, x1: f64, y1: f64| {
            vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        };
        let poly = Polygon {
            rings: vec![sq(0.0, 0.0, 10.0, 10.0), sq(4.0, 4.0, 6.0, 6.0)],
        };
        assert_eq!(locate([1.0, 1.0], &poly), Location::Inside);
        assert_eq!(locate([5.0, 5.0], &poly), Location::Outside);
        assert_eq!(locate([4.0, 5.0], &poly), Location::Boundary);
        assert_eq!(locate([0.0, 5.0], &poly), Location::Boundary);
        assert_eq!(locate([10.0, 10.0], &poly), Location::Boundary);
        assert_eq!(locate([11.0, 5.0], &poly), Location::Outside);
        let ip = interior_point(&poly.rings[1]).unwrap();
        assert_eq!(locate_in_ring(ip, &poly.rings[1]), Location::Inside);
    }
}
