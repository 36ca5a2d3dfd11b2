//! `geo::distance`: great-circle distance between two points.

use super::planar::Pt;

/// Sanity's Earth radius: WGS 84's equatorial radius, in meters. The suite's
/// Oslo–Stockholm distance, 416760.7738822515, is the haversine distance on a
/// sphere of exactly this radius (6371008.8, the mean radius, gives 416295.0).
const EARTH_RADIUS: f64 = 6_378_137.0;

fn radians(deg: f64) -> f64 {
    deg * std::f64::consts::PI / 180.0
}

/// Haversine distance in meters between two `[lng, lat]` points.
///
/// The operation order is deliberate: differences are taken in degrees and
/// then converted (converting first changes the last digit of the suite's
/// expected value), and the result is symmetric bit for bit, which the
/// suite's `geo::distance(a, b) == geo::distance(b, a)` relies on.
pub(super) fn haversine(p: Pt, q: Pt) -> f64 {
    let d_lat = radians(p[1] - q[1]);
    let d_lng = radians(p[0] - q[0]);
    let s_lat = (d_lat / 2.0).sin();
    let s_lng = (d_lng / 2.0).sin();
    let a = s_lat * s_lat + radians(q[1]).cos() * radians(p[1]).cos() * s_lng * s_lng;
    // Rounding can push `a` a hair past 1 for antipodal points.
    let a = a.clamp(0.0, 1.0);
    2.0 * EARTH_RADIUS * a.sqrt().atan2((1.0 - a).sqrt())
}
