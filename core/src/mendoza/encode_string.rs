//! Editing a string: reuse unchanged runs of the left string as slices,
//! write the rest as text.
//!
//! The common prefix and suffix are found directly; in the middle, runs of
//! 16 bytes or more that also occur in the left string are found as a
//! compressor would: on the diagonals edits leave unchanged text on (where
//! the last run or the suffix lines up), and anywhere else through a sparse
//! table of the left string's 8-byte words (any such run contains a word at
//! a multiple of 8). The search does a bounded amount of work per byte.
//! Then each run is either sliced or written inline, whichever is smaller,
//! counting that a slice between two pieces of text splits them in two.
//!
//! Offsets are UTF-8 bytes and always fall between characters. One more
//! rule comes from the `mendoza` npm decoder (3.0.8), which resolves a
//! slice's end by counting bytes from the UTF-16 index of its start: a slice
//! is only exact there if it starts at 0, ends at the end of the string
//! (slicing clamps), or has only ASCII before it. Other slices are not used.

use super::encode::{Body, Fragment};
use super::op::Op;
use super::size;

/// Length of the words the left string is indexed by.
const WORD: usize = 8;
/// Shortest run worth looking for in the middle: a slice costs about as much
/// as 16 bytes of text once the text around it is split.
const MIN_RUN: usize = 16;

/// A piece of the right string: `right[start..end]`, found at `from` in the
/// left string when it can be sliced.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    start: usize,
    end: usize,
    from: Option<usize>,
}

/// The cheapest edit of `left` into `right`.
pub(crate) fn body<'a>(left: &str, right: &'a str) -> Option<Body<'a>> {
    if left == right {
        return Some(Body::unchanged());
    }
    if right.is_empty() {
        // A blank value given no text decodes as null in Go's decoder.
        return None;
    }
    if let Some(rest) = right.strip_prefix(left) {
        let mut out = Fragment::default();
        out.push(Op::StringAppendString(rest));
        return Some(Body::new(out, true));
    }
    let segments = segments(left, right);
    Some(Body::new(choose(left, right, &segments), false))
}

fn segments(left: &str, right: &str) -> Vec<Segment> {
    let prefix = common_prefix(left, right);
    let suffix = common_suffix(&left[prefix..], &right[prefix..]);
    let mut out = Vec::new();
    if prefix > 0 {
        out.push(Segment {
            start: 0,
            end: prefix,
            from: Some(0),
        });
    }
    middle_runs(left, right, prefix, right.len() - suffix, &mut out);
    if suffix > 0 {
        out.push(Segment {
            start: right.len() - suffix,
            end: right.len(),
            from: Some(left.len() - suffix),
        });
    }
    out
}

/// Bytes both strings start with, ending between characters.
fn common_prefix(a: &str, b: &str) -> usize {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let len = x.len().min(y.len());
    // Whole blocks first (a memcmp each), then the bytes of the last one.
    let mut n = 0;
    while n + BLOCK <= len && x[n..n + BLOCK] == y[n..n + BLOCK] {
        n += BLOCK;
    }
    while n < len && x[n] == y[n] {
        n += 1;
    }
    while !(a.is_char_boundary(n) && b.is_char_boundary(n)) {
        n -= 1;
    }
    n
}

/// Bytes both strings end with, starting between characters.
fn common_suffix(a: &str, b: &str) -> usize {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let len = x.len().min(y.len());
    let (xl, yl) = (x.len(), y.len());
    let mut n = 0;
    while n + BLOCK <= len && x[xl - n - BLOCK..xl - n] == y[yl - n - BLOCK..yl - n] {
        n += BLOCK;
    }
    while n < len && x[xl - n - 1] == y[yl - n - 1] {
        n += 1;
    }
    while !(a.is_char_boundary(xl - n) && b.is_char_boundary(yl - n)) {
        n -= 1;
    }
    n
}

const BLOCK: usize = 64;

/// Splits `right[start..end]` into text and runs found in `left`.
///
/// At each position the run is looked for where the last run (or the
/// common prefix) left off, where the common suffix lines up, and through
/// the word table: edits shift text, so unchanged runs lie on one of a few
/// diagonals, which the table alone would miss in repetitive text.
fn middle_runs(left: &str, right: &str, start: usize, end: usize, out: &mut Vec<Segment>) {
    let mut text_from = start;
    if end - start >= MIN_RUN && left.len() >= MIN_RUN {
        let table = WordTable::new(left.as_bytes());
        let finder = RunFinder {
            left,
            right,
            end,
            // Offsets up to here have only ASCII before them (see the
            // module comment).
            ascii: left.bytes().position(|b| b >= 0x80).unwrap_or(left.len()),
        };
        let suffix_shift = left.len() as isize - right.len() as isize;
        let mut last_shift = 0isize;
        // A run the npm decoder cannot slice, by its shift and end: later
        // starts on it are just as unusable, so it is not grown again.
        let mut blocked: Option<(isize, usize)> = None;
        // Growing runs is bounded in total, so repetitive text cannot make
        // the search quadratic; past the bound the rest is written as text.
        let mut work = 8 * (end - start) + 1024;
        let mut i = start;
        while i + WORD <= end && work > 0 {
            let word = &right.as_bytes()[i..i + WORD];
            let candidates = [
                i.checked_add_signed(last_shift),
                i.checked_add_signed(suffix_shift),
                table.find(left.as_bytes(), word),
            ];
            let mut best: Option<Run> = None;
            for (n, at) in candidates.iter().enumerate() {
                let Some(at) = *at else {
                    continue;
                };
                let shift = at as isize - i as isize;
                if candidates[..n].contains(&Some(at))
                    || blocked.is_some_and(|(s, re)| s == shift && i < re)
                {
                    continue;
                }
                match finder.run(at, i, text_from, &mut work) {
                    Found::Usable(run) => {
                        if best.is_none_or(|b| run.len() > b.len()) {
                            best = Some(run);
                        }
                    }
                    Found::Blocked(re) => blocked = Some((shift, re)),
                    Found::Nothing => {}
                }
            }
            let Some(run) = best else {
                i += 1;
                continue;
            };
            if run.rs > text_from {
                out.push(Segment {
                    start: text_from,
                    end: run.rs,
                    from: None,
                });
            }
            out.push(Segment {
                start: run.rs,
                end: run.re,
                from: Some(run.ls),
            });
            last_shift = run.ls as isize - run.rs as isize;
            text_from = run.re;
            i = run.re;
        }
    }
    if end > text_from {
        out.push(Segment {
            start: text_from,
            end,
            from: None,
        });
    }
}

/// `right[rs..re]` equals `left[ls..]`.
#[derive(Clone, Copy)]
struct Run {
    ls: usize,
    rs: usize,
    re: usize,
}

impl Run {
    fn len(&self) -> usize {
        self.re - self.rs
    }
}

enum Found {
    Usable(Run),
    /// A long enough run the npm decoder could not slice; it ends at this
    /// offset of the right string.
    Blocked(usize),
    Nothing,
}

struct RunFinder<'s> {
    left: &'s str,
    right: &'s str,
    end: usize,
    ascii: usize,
}

impl RunFinder<'_> {
    /// The run through `left[at..at + WORD] == right[i..i + WORD]`, grown
    /// both ways (back no further than `text_from`) and trimmed to
    /// character boundaries.
    fn run(&self, at: usize, i: usize, text_from: usize, work: &mut usize) -> Found {
        let (l, r) = (self.left.as_bytes(), self.right.as_bytes());
        *work = work.saturating_sub(WORD);
        if l.get(at..at + WORD) != r.get(i..i + WORD) {
            return Found::Nothing;
        }
        let (mut ls, mut rs) = (at, i);
        while rs > text_from && ls > 0 && l[ls - 1] == r[rs - 1] {
            ls -= 1;
            rs -= 1;
        }
        let (mut le, mut re) = (at + WORD, i + WORD);
        while re < self.end && le < l.len() && l[le] == r[re] {
            le += 1;
            re += 1;
        }
        *work = work.saturating_sub(re - rs);
        while rs < re && !self.right.is_char_boundary(rs) {
            rs += 1;
            ls += 1;
        }
        while re > rs && !self.right.is_char_boundary(re) {
            re -= 1;
            le -= 1;
        }
        if re - rs < MIN_RUN || !self.left.is_char_boundary(ls) || !self.left.is_char_boundary(le) {
            return Found::Nothing;
        }
        if ls <= self.ascii || le == l.len() {
            Found::Usable(Run { ls, rs, re })
        } else {
            Found::Blocked(re)
        }
    }
}

/// First occurrence of each `WORD`-byte word at a multiple of `WORD` in the
/// left string, in an open-addressed table that keeps one entry per slot.
struct WordTable {
    slots: Vec<u32>,
    shift: u32,
}

const EMPTY: u32 = u32::MAX;

impl WordTable {
    fn new(left: &[u8]) -> Self {
        let words = left.len() / WORD;
        let bits = (2 * words).max(16).next_power_of_two().trailing_zeros();
        let mut table = WordTable {
            slots: vec![EMPTY; 1 << bits],
            shift: 64 - bits,
        };
        for (n, chunk) in left.chunks_exact(WORD).enumerate() {
            let slot = table.slot(chunk);
            if table.slots[slot] == EMPTY {
                table.slots[slot] = (n * WORD) as u32;
            }
        }
        table
    }

    fn slot(&self, word: &[u8]) -> usize {
        let mut bytes = [0u8; WORD];
        bytes.copy_from_slice(word);
        (u64::from_le_bytes(bytes).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Where `word` occurs in `left` at an indexed position, if it does.
    fn find(&self, left: &[u8], word: &[u8]) -> Option<usize> {
        let at = self.slots[self.slot(word)];
        let at = (at != EMPTY).then_some(at as usize)?;
        (left.get(at..at + WORD)? == word).then_some(at)
    }
}

/// Writes the segments as slices and text, choosing per run by size.
///
/// Two states after each segment: the last piece is text still open for
/// more (merging text is free), or it is a slice. Text costs its escaped
/// bytes, plus `22,"",` to open a new piece; a slice costs its operation.
fn choose<'a>(left: &str, right: &'a str, segments: &[Segment]) -> Fragment<'a> {
    const NEVER: usize = usize::MAX / 4;
    let open_text = size::string("") + 3;
    // For each segment: the best (cost, came from open text) to end in
    // each state.
    let mut steps: Vec<[(usize, bool); 2]> = Vec::with_capacity(segments.len());
    let (mut open, mut sliced) = (NEVER, 0);
    for seg in segments {
        let text = text_cost(left, right, seg);
        let as_text = if open + text <= sliced + open_text + text {
            (open + text, true)
        } else {
            (sliced + open_text + text, false)
        };
        let as_slice = match seg.from {
            Some(from) if slice_allowed(left, from, seg.end - seg.start) => {
                let cost = super::encode::op_cost(
                    &Op::StringAppendSlice(from, from + seg.end - seg.start),
                    0,
                );
                if open <= sliced {
                    (open + cost, true)
                } else {
                    (sliced + cost, false)
                }
            }
            _ => (NEVER, false),
        };
        steps.push([as_text, as_slice]);
        open = as_text.0;
        sliced = as_slice.0;
    }
    // Walk back to find each segment's state (0 = text, 1 = slice).
    let mut states = vec![0usize; segments.len()];
    let mut state = if open <= sliced { 0 } else { 1 };
    for k in (0..segments.len()).rev() {
        states[k] = state;
        state = if steps[k][state].1 { 0 } else { 1 };
    }

    let mut ops: Vec<Op<'a>> = Vec::new();
    let mut k = 0;
    while k < segments.len() {
        let seg = segments[k];
        if states[k] == 0 {
            let mut end = seg.end;
            while k + 1 < segments.len() && states[k + 1] == 0 {
                k += 1;
                end = segments[k].end;
            }
            ops.push(Op::StringAppendString(&right[seg.start..end]));
        } else {
            let from = seg.from.unwrap_or(0);
            let to = from + seg.end - seg.start;
            // A run that continues the previous slice joins it.
            match ops.last_mut() {
                Some(Op::StringAppendSlice(_, prev_to)) if *prev_to == from => *prev_to = to,
                _ => ops.push(Op::StringAppendSlice(from, to)),
            }
        }
        k += 1;
    }
    let mut out = Fragment::default();
    for op in ops {
        out.push(op);
    }
    out
}

/// Escaped bytes of a segment written as text. A long one that can be
/// sliced costs at least its length, far more than the slice; measuring it
/// exactly would only cost time.
fn text_cost(left: &str, right: &str, seg: &Segment) -> usize {
    let len = seg.end - seg.start;
    match seg.from {
        Some(from) if len > 256 && slice_allowed(left, from, len) => len,
        _ => size::string(&right[seg.start..seg.end]) - 2,
    }
}

/// Whether the npm decoder slices `left[from..from + len]` exactly.
fn slice_allowed(left: &str, from: usize, len: usize) -> bool {
    from == 0 || from + len == left.len() || left.as_bytes()[..from].is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mendoza::apply::apply_ops;
    use serde_json::{json, Value};

    fn run(left: &str, right: &str) -> Vec<Op<'static>> {
        let right: &'static str = Box::leak(right.to_string().into_boxed_str());
        let body = body(left, right).unwrap();
        let mut ops = body.ops;
        if !body.copy {
            ops.insert(0, Op::Blank);
        }
        let result = apply_ops(&Value::from(left), &ops).unwrap();
        assert_eq!(result, json!(right), "{left:?} -> {right:?}: {ops:?}");
        ops
    }

    #[test]
    fn edits_strings() {
        use Op::*;
        let long = "the quick brown fox jumps over the lazy dog";
        let cases: Vec<(&str, &str, Vec<Op>)> = vec![
            ("abc", "abcdef", vec![StringAppendString("def")]),
            ("a:{},:{},", "a:{},", vec![Blank, StringAppendSlice(0, 5)]),
            (
                "abcdefghijk",
                "abcdehijk",
                vec![Blank, StringAppendString("abcdehijk")],
            ),
            (
                long,
                "the quick brown cat jumps over the lazy dog",
                vec![
                    Blank,
                    StringAppendSlice(0, 16),
                    StringAppendString("cat"),
                    StringAppendSlice(19, 43),
                ],
            ),
            // A moved run is sliced from where it was; ten bytes are not
            // worth a slice.
            (
                "0123456789abcdefghij__________",
                "__________0123456789abcdefghij!",
                vec![
                    Blank,
                    StringAppendString("__________"),
                    StringAppendSlice(0, 20),
                    StringAppendString("!"),
                ],
            ),
        ];
        for (left, right, expected) in cases {
            assert_eq!(run(left, right), expected, "{left:?} -> {right:?}");
        }
    }

    #[test]
    fn offsets_fall_between_characters() {
        // "é" and "è" share their first byte; "🙂" and "🙃" their first three.
        for (left, right) in [
            ("aé", "aè"),
            ("🙂 مرحبا بكم في قناة الماء", "🙃 مرحبا بكم في قناة الماء"),
            ("مرحبا بكم في قناة الماء 🙂", "مرحبا بكم في قناة الماء 🙃"),
            ("x🙂y", "x🙃y"),
        ] {
            run(left, right);
        }
    }

    #[test]
    fn slices_the_npm_decoder_cannot_resolve_are_not_used() {
        // The shared run starts after Arabic text and does not reach the end.
        let left = "مرحبا the quick brown fox jumps مرحبا";
        let right = "XX the quick brown fox jumps YY";
        for op in run(left, right) {
            if let Op::StringAppendSlice(from, to) = op {
                assert!(slice_allowed(left, from, to - from), "{op:?}");
            }
        }
    }
}
