//! GROQ's datetime values: RFC 3339 parsing and printing, and arithmetic in
//! seconds. Written here, without a date crate, because core must build for
//! wasm with no imports and needs nothing beyond the proleptic Gregorian
//! calendar in UTC.

use std::cmp::Ordering;

/// An instant in UTC, to the nanosecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub seconds: i64,
    pub nanos: u32,
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.seconds, self.nanos).cmp(&(other.seconds, other.nanos))
    }
}

/// Days from 1970-01-01 to the given civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl DateTime {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `None` if it is not one.
    pub fn parse(s: &str) -> Option<DateTime> {
        let b = s.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = s.get(range)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut i = 19;
        let mut nanos: u32 = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &s[start..i];
            if digits.is_empty() {
                return None;
            }
            let mut frac = String::from(&digits[..digits.len().min(9)]);
            while frac.len() < 9 {
                frac.push('0');
            }
            nanos = frac.parse().ok()?;
        }
        let offset = match b.get(i)? {
            b'Z' | b'z' if i + 1 == b.len() => 0,
            sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
                let h = num(i + 1..i + 3)?;
                let m = num(i + 4..i + 6)?;
                if h > 23 || m > 59 {
                    return None;
                }
                let off = h * 3600 + m * 60;
                if *sign == b'+' {
                    off
                } else {
                    -off
                }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
        Some(DateTime { seconds, nanos })
    }

    /// `2006-01-02T15:04:05Z`, with a fraction only when there is one.
    pub fn to_rfc3339(&self) -> String {
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (secs / 3600, secs % 3600 / 60, secs % 60);
        let mut out = format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}");
        // Milliseconds when there is a fraction (`.500Z`), as Sanity prints
        // them; finer fractions keep every digit they need.
        if self.nanos != 0 {
            out.push('.');
            if self.nanos % 1_000_000 == 0 {
                out.push_str(&format!("{:03}", self.nanos / 1_000_000));
            } else if self.nanos % 1_000 == 0 {
                out.push_str(&format!("{:06}", self.nanos / 1_000));
            } else {
                out.push_str(&format!("{:09}", self.nanos));
            }
        }
        out.push('Z');
        out
    }

    /// The instant `delta` seconds later (earlier when negative).
    pub fn add_seconds(&self, delta: f64) -> Option<DateTime> {
        let total = self.seconds as f64 + self.nanos as f64 / 1e9 + delta;
        if !total.is_finite() || total.abs() > 1e15 {
            return None;
        }
        let seconds = total.floor();
        let nanos = ((total - seconds) * 1e9).round() as u32;
        Some(if nanos >= 1_000_000_000 {
            DateTime {
                seconds: seconds as i64 + 1,
                nanos: 0,
            }
        } else {
            DateTime {
                seconds: seconds as i64,
                nanos,
            }
        })
    }

    /// Seconds from `other` to `self`.
    pub fn seconds_since(&self, other: &DateTime) -> f64 {
        (self.seconds - other.seconds) as f64 + (self.nanos as f64 - other.nanos as f64) / 1e9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.500Z",
            "1899-12-31T00:00:00Z",
            "2038-01-19T03:14:08.123456789Z",
        ] {
            assert_eq!(DateTime::parse(s).unwrap().to_rfc3339(), s);
        }
        assert_eq!(
            DateTime::parse("2020-01-01T01:00:00+01:00")
                .unwrap()
                .to_rfc3339(),
            "2020-01-01T00:00:00Z"
        );
        for bad in [
            "2023-02-29T00:00:00Z",
            "2020-01-01",
            "2020-01-01T00:00:00",
            "x",
            "2020-13-01T00:00:00Z",
        ] {
            assert!(DateTime::parse(bad).is_none(), "{bad}");
        }
        let t = DateTime::parse("2020-01-01T00:00:00Z").unwrap();
        assert_eq!(
            t.add_seconds(-1.5).unwrap().to_rfc3339(),
            "2019-12-31T23:59:58.500Z"
        );
    }
}
