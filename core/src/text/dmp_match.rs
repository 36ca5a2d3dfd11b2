//! Fuzzy search for a hunk's context: find the best place for a pattern of at
//! most 32 code units near an expected location, allowing errors.
//!
//! This is the Bitap (shift-or) algorithm with the error/distance scoring of
//! diff-match-patch: a candidate's score is `errors / pattern length +
//! distance from the expected location / 1000`, and anything scoring above
//! 0.5 is no match. One machine word holds the state of the whole pattern,
//! which is why patterns are limited to [`MAX_BITS`] units.

use super::utf16::{index_of, last_index_of, substring};

/// Longest pattern the matcher takes; longer hunks are matched by their
/// first and last 32 units.
pub(crate) const MAX_BITS: usize = 32;

/// Scores above this are no match (0.0 = perfect, 1.0 = anything goes).
const MATCH_THRESHOLD: f64 = 0.5;

/// A match this many units away from the expected location costs as much as
/// a pattern that is entirely wrong.
const MATCH_DISTANCE: f64 = 1000.0;

/// Best location of `pattern` in `text` near `expected`, or `None`.
/// `expected` may lie outside the text; it is clamped first.
pub(crate) fn find_match(text: &[u16], pattern: &[u16], expected: i64) -> Option<usize> {
    let loc = expected.clamp(0, text.len() as i64) as usize;
    if text == pattern {
        return Some(0);
    }
    if text.is_empty() {
        return None;
    }
    if substring(text, loc as i64, (loc + pattern.len()) as i64) == pattern {
        return Some(loc);
    }
    bitap(text, pattern, loc)
}

/// Bit vector per pattern unit: bit `len - 1 - i` is set where the unit
/// occurs at position `i` of the pattern.
struct Alphabet {
    masks: Vec<(u16, u32)>,
}

impl Alphabet {
    fn new(pattern: &[u16]) -> Self {
        let mut masks: Vec<(u16, u32)> = Vec::with_capacity(pattern.len());
        let top = pattern.len() - 1;
        for (i, &unit) in pattern.iter().enumerate() {
            let bit = 1u32 << (top - i);
            match masks.iter_mut().find(|(u, _)| *u == unit) {
                Some((_, mask)) => *mask |= bit,
                None => masks.push((unit, bit)),
            }
        }
        Alphabet { masks }
    }

    fn mask(&self, unit: Option<u16>) -> u32 {
        unit.and_then(|unit| self.masks.iter().find(|(u, _)| *u == unit))
            .map_or(0, |(_, mask)| *mask)
    }
}

/// One row of Bitap state, indexed by text position + 1. Only a window around
/// the expected location is ever touched, so only that window is stored;
/// positions outside it read as 0 (an untouched JS array slot).
struct Row {
    first: usize,
    cells: Vec<u32>,
}

impl Row {
    fn new(first: usize, last: usize) -> Self {
        Row {
            first,
            cells: vec![0; last.saturating_sub(first) + 1],
        }
    }

    fn get(&self, j: usize) -> u32 {
        j.checked_sub(self.first)
            .and_then(|k| self.cells.get(k))
            .copied()
            .unwrap_or(0)
    }

    fn set(&mut self, j: usize, value: u32) {
        if j < self.first {
            // Not reachable with the window chosen in `bitap`; grow rather
            // than lose a value if that reasoning is ever wrong.
            let mut grown = vec![0; self.first - j];
            grown.extend_from_slice(&self.cells);
            self.cells = grown;
            self.first = j;
        }
        let k = j - self.first;
        if k >= self.cells.len() {
            self.cells.resize(k + 1, 0);
        }
        self.cells[k] = value;
    }
}

/// The score a fuzzy match must beat, lowered by exact occurrences near
/// `loc`: the first one at or after `loc` and, if there is one, the last one
/// starting at or before `loc + len`.
///
/// An occurrence more than `MATCH_THRESHOLD × MATCH_DISTANCE` (500) units
/// away scores above the threshold and changes nothing, so both searches
/// look only that far; that keeps a hunk's cost independent of the text's
/// length. Only whether *some* occurrence follows `loc` matters beyond that
/// (it decides whether the backward search happens at all), and it is
/// searched for in full only when the backward search found something that
/// counts.
fn exact_match_threshold(
    text: &[u16],
    pattern: &[u16],
    loc: usize,
    score: impl Fn(usize, usize) -> f64,
) -> f64 {
    let reach = (MATCH_THRESHOLD * MATCH_DISTANCE) as usize + 1;
    let len = pattern.len();
    let mut threshold = MATCH_THRESHOLD;

    let window_end = (loc + reach + len).min(text.len());
    let forward = index_of(&text[..window_end], pattern, loc);
    let window_start = loc.saturating_sub(reach);
    let backward = last_index_of(&text[window_start..], pattern, loc + len - window_start)
        .map(|at| at + window_start);
    let follows =
        forward.is_some() || (backward.is_some() && index_of(text, pattern, loc).is_some());
    if let Some(at) = forward {
        threshold = threshold.min(score(0, at));
    }
    if follows {
        if let Some(at) = backward {
            threshold = threshold.min(score(0, at));
        }
    }
    threshold
}

fn bitap(text: &[u16], pattern: &[u16], loc: usize) -> Option<usize> {
    if pattern.is_empty() || pattern.len() > MAX_BITS {
        return None;
    }
    let len = pattern.len();
    let alphabet = Alphabet::new(pattern);
    let score = |errors: usize, at: usize| {
        errors as f64 / len as f64 + loc.abs_diff(at) as f64 / MATCH_DISTANCE
    };

    let mut threshold = exact_match_threshold(text, pattern, loc, score);

    let match_mask = 1u32 << (len - 1);
    let mut best = None;
    let mut bin_max = len + text.len();
    let mut last_row = Row::new(0, 0);
    for errors in 0..len {
        // Binary search for how far from `loc` a match with this many errors
        // could still beat the threshold.
        let mut bin_min = 0;
        let mut bin_mid = bin_max;
        while bin_min < bin_mid {
            if score(errors, loc + bin_mid) <= threshold {
                bin_min = bin_mid;
            } else {
                bin_max = bin_mid;
            }
            bin_mid = (bin_max - bin_min) / 2 + bin_min;
        }
        bin_max = bin_mid;
        let mut start = (loc as i64 - bin_mid as i64 + 1).max(1) as usize;
        let finish = (loc + bin_mid).min(text.len()) + len;

        // Scanning can move `start` down to 2·loc − (finish − 1) at most.
        let lowest = (2 * loc as i64 - finish as i64).max(0) as usize;
        let mut row = Row::new(lowest.min(start), finish + 1);
        row.set(finish + 1, (1u32 << errors).wrapping_sub(1));
        let mut j = finish;
        while j >= start {
            let char_match = alphabet.mask(text.get(j - 1).copied());
            let exact = ((row.get(j + 1) << 1) | 1) & char_match;
            let value = if errors == 0 {
                exact
            } else {
                let prev = last_row.get(j + 1) | last_row.get(j);
                exact | ((prev << 1) | 1) | last_row.get(j + 1)
            };
            row.set(j, value);
            if value & match_mask != 0 {
                let candidate = j - 1;
                let s = score(errors, candidate);
                if s <= threshold {
                    threshold = s;
                    best = Some(candidate);
                    if candidate > loc {
                        // Don't look further left than we are right of loc.
                        start = (2 * loc as i64 - candidate as i64).max(1) as usize;
                    } else {
                        // Already left of loc: it only gets worse from here.
                        break;
                    }
                }
            }
            j -= 1;
        }
        if score(errors + 1, loc) > threshold {
            // One more error can't beat what we have.
            break;
        }
        last_row = row;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn exact_and_shortcuts() {
        assert_eq!(find_match(&u("abcdef"), &u("abcdef"), 1000), Some(0));
        assert_eq!(find_match(&u(""), &u("abcdef"), 1), None);
        assert_eq!(find_match(&u("abcdef"), &u("de"), 3), Some(3));
        assert_eq!(find_match(&u("abcdef"), &u("de"), 0), Some(3));
    }

    #[test]
    fn fuzzy() {
        // Cases from diff-match-patch's own match tests.
        assert_eq!(find_match(&u("abcdefghijk"), &u("efxhi"), 0), Some(4));
        assert_eq!(find_match(&u("abcdefghijk"), &u("bxy"), 1), None);
        assert_eq!(find_match(&u("123456789xx0"), &u("3456789x0"), 2), Some(2));
        assert_eq!(find_match(&u("abcdef"), &u("xxabc"), 4), Some(0));
        assert_eq!(find_match(&u("abcdef"), &u("defyy"), 4), Some(3));
        assert_eq!(find_match(&u("abcdef"), &u("abcdefy"), 0), Some(0));
        assert_eq!(
            find_match(
                &u("I am the very model of a modern major general."),
                &u(" that berry "),
                5
            ),
            Some(4)
        );
    }

    #[test]
    fn long_patterns_use_the_sign_bit() {
        let text = u("0123456789abcdefghijklmnopqrstuvwxyz!");
        let pattern = u("123456789abcdefghijklmnopqrstuvX");
        assert_eq!(pattern.len(), 32);
        assert_eq!(find_match(&text, &pattern, 0), Some(1));
    }
}
