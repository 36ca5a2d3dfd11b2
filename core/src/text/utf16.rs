//! The few JavaScript string primitives the patch applier needs, on UTF-16
//! code units.
//!
//! `@sanity/diff-match-patch` measures, slices and searches JS strings, so
//! every index it computes counts UTF-16 code units. To reproduce its results
//! (including where a fuzzy match lands next to an emoji) we do the same
//! arithmetic on `[u16]` and convert to a Rust `String` only at the end.

/// A string as a JS engine sees it: UTF-16 code units, possibly with a
/// surrogate pair split in two while a patch is being applied.
pub(crate) type Units = Vec<u16>;

/// Whether the unit is the first half of a surrogate pair.
pub(crate) fn is_high_surrogate(unit: u16) -> bool {
    (0xD800..=0xDBFF).contains(&unit)
}

/// Whether the unit is the second half of a surrogate pair.
pub(crate) fn is_low_surrogate(unit: u16) -> bool {
    (0xDC00..=0xDFFF).contains(&unit)
}

/// `String.prototype.substring`: both ends are clamped to the string and
/// swapped when reversed, so it never fails.
pub(crate) fn substring(text: &[u16], start: i64, end: i64) -> &[u16] {
    let len = text.len() as i64;
    let a = start.clamp(0, len) as usize;
    let b = end.clamp(0, len) as usize;
    if a <= b {
        &text[a..b]
    } else {
        &text[b..a]
    }
}

/// Length of the common prefix of two strings.
pub(crate) fn common_prefix(a: &[u16], b: &[u16]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Length of the common suffix of two strings.
pub(crate) fn common_suffix(a: &[u16], b: &[u16]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// `String.prototype.indexOf(needle, from)`: the first occurrence at or after
/// `from` (clamped to the string); an empty needle is found at `from`.
pub(crate) fn index_of(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    let from = from.min(hay.len());
    if needle.is_empty() {
        return Some(from);
    }
    let last_start = hay.len().checked_sub(needle.len())?;
    if from > last_start {
        return None;
    }
    if needle.len() <= SHORT_NEEDLE {
        let first = needle[0];
        return (from..=last_start)
            .find(|&i| hay[i] == first && hay[i..i + needle.len()] == *needle);
    }
    knuth_morris_pratt(&hay[from..], needle).map(|i| i + from)
}

/// Needles up to this long are searched for naively (at most this many
/// comparisons per position); longer ones, which the diff's half-match step
/// searches for, in linear time so a hostile text can't make it quadratic.
const SHORT_NEEDLE: usize = 64;

/// First occurrence of `needle` (non-empty) in `hay`, in O(len) time.
fn knuth_morris_pratt(hay: &[u16], needle: &[u16]) -> Option<usize> {
    // border[i]: length of the longest proper border of needle[..=i].
    let mut border = vec![0usize; needle.len()];
    let mut k = 0;
    for i in 1..needle.len() {
        while k > 0 && needle[i] != needle[k] {
            k = border[k - 1];
        }
        if needle[i] == needle[k] {
            k += 1;
        }
        border[i] = k;
    }
    let mut matched = 0;
    for (i, &unit) in hay.iter().enumerate() {
        while matched > 0 && unit != needle[matched] {
            matched = border[matched - 1];
        }
        if unit == needle[matched] {
            matched += 1;
            if matched == needle.len() {
                return Some(i + 1 - needle.len());
            }
        }
    }
    None
}

/// `String.prototype.lastIndexOf(needle, from)`: the last occurrence that
/// starts at or before `from` (clamped to the string).
pub(crate) fn last_index_of(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    let last_start = hay.len().checked_sub(needle.len())?;
    let top = from.min(last_start);
    (0..=top)
        .rev()
        .find(|&i| hay[i..i + needle.len()] == *needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Units {
        s.encode_utf16().collect()
    }

    #[test]
    fn substring_clamps_and_swaps_like_js() {
        let t = u("abcdef");
        assert_eq!(substring(&t, 1, 3), &u("bc")[..]);
        assert_eq!(substring(&t, 4, 1), &u("bcd")[..]);
        assert_eq!(substring(&t, -5, 100), &t[..]);
    }

    #[test]
    fn searches_like_js() {
        let t = u("abcabc");
        assert_eq!(index_of(&t, &u("bc"), 0), Some(1));
        assert_eq!(index_of(&t, &u("bc"), 2), Some(4));
        assert_eq!(index_of(&t, &u("bc"), 5), None);
        assert_eq!(index_of(&t, &u(""), 9), Some(6));
        assert_eq!(last_index_of(&t, &u("bc"), 3), Some(1));
        assert_eq!(last_index_of(&t, &u("bc"), 99), Some(4));
        assert_eq!(last_index_of(&t, &u("abcabcx"), 99), None);
    }

    #[test]
    fn long_needles_agree_with_the_naive_search() {
        let needle: Units = u(&"ab".repeat(40)).into_iter().chain(u("c")).collect();
        let mut hay = u(&"ab".repeat(100));
        assert_eq!(index_of(&hay, &needle, 0), None);
        hay.extend(u("c"));
        let expected = hay.len() - needle.len();
        assert_eq!(index_of(&hay, &needle, 0), Some(expected));
        assert_eq!(index_of(&hay, &needle, expected), Some(expected));
        assert_eq!(index_of(&hay, &needle, expected + 1), None);
        let hay = u(&"xyz".repeat(100));
        let needle = u(&"yzx".repeat(30));
        assert_eq!(index_of(&hay, &needle, 0), Some(1));
        assert_eq!(index_of(&hay, &needle, 2), Some(4));
    }
}
