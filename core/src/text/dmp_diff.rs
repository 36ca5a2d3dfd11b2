//! The character diff the applier runs when a hunk's context is found only
//! approximately: it maps positions in the expected text onto the text that
//! is really there.
//!
//! Any minimal diff would do for that job in principle, but different minimal
//! diffs map some positions differently, so this follows the same strategy as
//! `@sanity/diff-match-patch` step by step: trim the common prefix and suffix,
//! try the cheap special cases and the "half match" split, then Myers' middle
//! snake bisection (Myers 1986, "An O(ND) difference algorithm"), then the same
//! merge clean-up and the same repair of split surrogate pairs.
//!
//! The JS library stops bisecting after one second of wall-clock time. Core
//! may not read a clock, and a time limit would make results depend on the
//! machine, so a [`Budget`] of work steps stands in for it. The budget is far
//! above what any realistic hunk needs; it only bounds hostile inputs.

use super::utf16::{
    common_prefix, common_suffix, index_of, is_high_surrogate, is_low_surrogate, Units,
};

/// What a diff segment does to the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Delete,
    Equal,
    Insert,
}

/// One segment of a diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Diff {
    pub(crate) op: Op,
    pub(crate) text: Units,
}

impl Diff {
    pub(crate) fn new(op: Op, text: &[u16]) -> Self {
        Diff {
            op,
            text: text.to_vec(),
        }
    }
}

/// Work allowance for one diff, in elementary steps (a diagonal visited or a
/// character compared). When it runs out, the remaining sub-problems are
/// answered with a plain delete-then-insert, exactly what the JS library does
/// when its deadline passes.
#[derive(Debug)]
pub(crate) struct Budget {
    steps: u64,
}

impl Budget {
    pub(crate) fn new(steps: u64) -> Self {
        Budget { steps }
    }

    pub(crate) fn spend(&mut self, steps: u64) {
        self.steps = self.steps.saturating_sub(steps);
    }

    pub(crate) fn is_spent(&self) -> bool {
        self.steps == 0
    }

    pub(crate) fn remaining(&self) -> u64 {
        self.steps
    }
}

/// Recursion guard. Every level either halves the longer text (half match) or
/// halves the edit distance (bisection), so real inputs stay below ~100
/// levels; this only makes the bound explicit.
const MAX_DEPTH: u32 = 256;

/// Diff two strings; the result never leaves half of a surrogate pair in an
/// equality (see [`keep_surrogate_pairs_whole`]).
pub(crate) fn diff(text1: &[u16], text2: &[u16], budget: &mut Budget) -> Vec<Diff> {
    let mut diffs = diff_trimmed(text1, text2, budget, 0);
    keep_surrogate_pairs_whole(&mut diffs);
    diffs
}

fn diff_trimmed(text1: &[u16], text2: &[u16], budget: &mut Budget, depth: u32) -> Vec<Diff> {
    if text1 == text2 {
        return if text1.is_empty() {
            Vec::new()
        } else {
            vec![Diff::new(Op::Equal, text1)]
        };
    }
    let prefix = common_prefix(text1, text2);
    let (rest1, rest2) = (&text1[prefix..], &text2[prefix..]);
    let suffix = common_suffix(rest1, rest2);
    let middle1 = &rest1[..rest1.len() - suffix];
    let middle2 = &rest2[..rest2.len() - suffix];

    let mut diffs = Vec::new();
    if prefix > 0 {
        diffs.push(Diff::new(Op::Equal, &text1[..prefix]));
    }
    diffs.extend(diff_middle(middle1, middle2, budget, depth));
    if suffix > 0 {
        diffs.push(Diff::new(Op::Equal, &rest1[rest1.len() - suffix..]));
    }
    cleanup_merge(diffs)
}

/// Diff two strings that share no prefix or suffix.
fn diff_middle(text1: &[u16], text2: &[u16], budget: &mut Budget, depth: u32) -> Vec<Diff> {
    if text1.is_empty() {
        return vec![Diff::new(Op::Insert, text2)];
    }
    if text2.is_empty() {
        return vec![Diff::new(Op::Delete, text1)];
    }
    let text1_longer = text1.len() > text2.len();
    let (long, short) = if text1_longer {
        (text1, text2)
    } else {
        (text2, text1)
    };
    if let Some(at) = index_of(long, short, 0) {
        // The shorter text sits inside the longer one.
        let edge = if text1_longer { Op::Delete } else { Op::Insert };
        return vec![
            Diff::new(edge, &long[..at]),
            Diff::new(Op::Equal, short),
            Diff::new(edge, &long[at + short.len()..]),
        ];
    }
    if short.len() == 1 || depth >= MAX_DEPTH {
        return replace_all(text1, text2);
    }
    if let Some(half) = half_match(text1, text2, budget) {
        let mut diffs = diff_trimmed(half.text1_a, half.text2_a, budget, depth + 1);
        diffs.push(Diff::new(Op::Equal, half.common));
        diffs.extend(diff_trimmed(half.text1_b, half.text2_b, budget, depth + 1));
        return diffs;
    }
    bisect(text1, text2, budget, depth)
}

fn replace_all(text1: &[u16], text2: &[u16]) -> Vec<Diff> {
    vec![Diff::new(Op::Delete, text1), Diff::new(Op::Insert, text2)]
}

/// A common run at least half as long as the longer text, which splits the
/// problem in two (fast, possibly non-minimal; the JS library uses it too).
struct HalfMatch<'a> {
    text1_a: &'a [u16],
    text1_b: &'a [u16],
    text2_a: &'a [u16],
    text2_b: &'a [u16],
    common: &'a [u16],
}

fn half_match<'a>(
    text1: &'a [u16],
    text2: &'a [u16],
    budget: &mut Budget,
) -> Option<HalfMatch<'a>> {
    let text1_longer = text1.len() > text2.len();
    let (long, short) = if text1_longer {
        (text1, text2)
    } else {
        (text2, text1)
    };
    if long.len() < 4 || short.len() * 2 < long.len() {
        return None;
    }
    // Seeds: the second and the third quarter of the longer text.
    let second = half_match_seeded(long, short, long.len().div_ceil(4), budget);
    let third = half_match_seeded(long, short, long.len().div_ceil(2), budget);
    let best = match (second, third) {
        (Some(a), Some(b)) => {
            if a.common.len() > b.common.len() {
                a
            } else {
                b
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => return None,
    };
    // `best` names the parts long/short; give them back as text1/text2.
    Some(if text1_longer {
        best
    } else {
        HalfMatch {
            text1_a: best.text2_a,
            text1_b: best.text2_b,
            text2_a: best.text1_a,
            text2_b: best.text1_b,
            common: best.common,
        }
    })
}

/// Grow every occurrence in `short` of the quarter of `long` starting at
/// `seed_at` into the longest common run; keep it if it covers half of
/// `long`. Parts are named 1 = long, 2 = short.
fn half_match_seeded<'a>(
    long: &'a [u16],
    short: &'a [u16],
    seed_at: usize,
    budget: &mut Budget,
) -> Option<HalfMatch<'a>> {
    let seed_end = (seed_at + long.len() / 4).min(long.len());
    let seed = &long[seed_at.min(seed_end)..seed_end];
    // (position in short, common prefix length, common suffix length)
    let mut best: Option<(usize, usize, usize)> = None;
    let mut best_len = 0;
    let mut from = 0;
    while let Some(j) = index_of(short, seed, from) {
        // Repetitive texts make this loop quadratic; it counts against the
        // same budget as bisection so a hostile text cannot stall us.
        budget.spend(long.len() as u64 + 1);
        if budget.is_spent() {
            return None;
        }
        let prefix = common_prefix(&long[seed_at..], &short[j..]);
        let suffix = common_suffix(&long[..seed_at], &short[..j]);
        if best_len < prefix + suffix {
            best_len = prefix + suffix;
            best = Some((j, prefix, suffix));
        }
        from = j + 1;
    }
    let (j, prefix, suffix) = best?;
    if best_len * 2 < long.len() {
        return None;
    }
    Some(HalfMatch {
        text1_a: &long[..seed_at - suffix],
        text1_b: &long[seed_at + prefix..],
        text2_a: &short[..j - suffix],
        text2_b: &short[j + prefix..],
        common: &short[j - suffix..j + prefix],
    })
}

/// Find the middle snake of the edit graph by walking forward from the start
/// and backward from the end at the same time, split there and diff both
/// halves.
fn bisect(text1: &[u16], text2: &[u16], budget: &mut Budget, depth: u32) -> Vec<Diff> {
    let n = text1.len() as isize;
    let m = text2.len() as isize;
    let max_d = (n + m + 1) / 2;
    let v_offset = max_d;
    let v_length = 2 * max_d;
    // v[k] = furthest x reached on diagonal k, -1 when not reached yet.
    let mut v1 = vec![-1isize; v_length as usize];
    let mut v2 = vec![-1isize; v_length as usize];
    v1[(v_offset + 1) as usize] = 0;
    v2[(v_offset + 1) as usize] = 0;
    let delta = n - m;
    // With an odd total length the forward path is the one that meets the
    // reverse path.
    let front = delta % 2 != 0;
    let (mut k1_start, mut k1_end, mut k2_start, mut k2_end) = (0isize, 0isize, 0isize, 0isize);
    let unit1 = |i: isize| text1.get(i as usize).copied();
    let unit2 = |i: isize| text2.get(i as usize).copied();
    let at = |v: &[isize], i: isize| v[i as usize];

    for d in 0..max_d {
        if budget.is_spent() {
            break;
        }
        let mut steps: u64 = 0;

        let mut k1 = -d + k1_start;
        while k1 <= d - k1_end {
            let k1_offset = v_offset + k1;
            let mut x1 = if k1 == -d || (k1 != d && at(&v1, k1_offset - 1) < at(&v1, k1_offset + 1))
            {
                at(&v1, k1_offset + 1)
            } else {
                at(&v1, k1_offset - 1) + 1
            };
            let mut y1 = x1 - k1;
            while x1 >= 0 && y1 >= 0 && x1 < n && y1 < m && unit1(x1) == unit2(y1) {
                x1 += 1;
                y1 += 1;
                steps += 1;
            }
            v1[k1_offset as usize] = x1;
            if x1 > n {
                k1_end += 2; // ran off the right edge
            } else if y1 > m {
                k1_start += 2; // ran off the bottom edge
            } else if front {
                let k2_offset = v_offset + delta - k1;
                if k2_offset >= 0 && k2_offset < v_length && at(&v2, k2_offset) != -1 {
                    let x2 = n - at(&v2, k2_offset);
                    if x1 >= x2 {
                        return bisect_split(text1, text2, x1, y1, budget, depth);
                    }
                }
            }
            k1 += 2;
            steps += 1;
        }

        let mut k2 = -d + k2_start;
        while k2 <= d - k2_end {
            let k2_offset = v_offset + k2;
            let mut x2 = if k2 == -d || (k2 != d && at(&v2, k2_offset - 1) < at(&v2, k2_offset + 1))
            {
                at(&v2, k2_offset + 1)
            } else {
                at(&v2, k2_offset - 1) + 1
            };
            let mut y2 = x2 - k2;
            while x2 >= 0 && y2 >= 0 && x2 < n && y2 < m && unit1(n - x2 - 1) == unit2(m - y2 - 1) {
                x2 += 1;
                y2 += 1;
                steps += 1;
            }
            v2[k2_offset as usize] = x2;
            if x2 > n {
                k2_end += 2; // ran off the left edge
            } else if y2 > m {
                k2_start += 2; // ran off the top edge
            } else if !front {
                let k1_offset = v_offset + delta - k2;
                if k1_offset >= 0 && k1_offset < v_length && at(&v1, k1_offset) != -1 {
                    let x1 = at(&v1, k1_offset);
                    let y1 = v_offset + x1 - k1_offset;
                    if x1 >= n - x2 {
                        return bisect_split(text1, text2, x1, y1, budget, depth);
                    }
                }
            }
            k2 += 2;
            steps += 1;
        }
        budget.spend(steps);
    }
    // Out of budget (or no common character at all).
    replace_all(text1, text2)
}

fn bisect_split(
    text1: &[u16],
    text2: &[u16],
    x: isize,
    y: isize,
    budget: &mut Budget,
    depth: u32,
) -> Vec<Diff> {
    let x = x.clamp(0, text1.len() as isize) as usize;
    let y = y.clamp(0, text2.len() as isize) as usize;
    let mut diffs = diff_trimmed(&text1[..x], &text2[..y], budget, depth + 1);
    diffs.extend(diff_trimmed(&text1[x..], &text2[y..], budget, depth + 1));
    diffs
}

/// Merge adjacent segments of the same kind, factor common prefixes and
/// suffixes out of delete/insert pairs, and slide single edits sideways where
/// that removes an equality. Repeats until nothing moves.
pub(crate) fn cleanup_merge(mut diffs: Vec<Diff>) -> Vec<Diff> {
    loop {
        diffs = merge_runs(diffs);
        if !shift_single_edits(&mut diffs) {
            return diffs;
        }
    }
}

/// First half of [`cleanup_merge`]: collapse each run of edits between two
/// equalities into at most one delete and one insert.
fn merge_runs(diffs: Vec<Diff>) -> Vec<Diff> {
    let mut out: Vec<Diff> = Vec::with_capacity(diffs.len() + 1);
    let mut deleted: Units = Vec::new();
    let mut inserted: Units = Vec::new();
    let (mut deletes, mut inserts) = (0usize, 0usize);
    // An empty equality at the end flushes the last run.
    let sentinel = Diff {
        op: Op::Equal,
        text: Vec::new(),
    };
    for diff in diffs.into_iter().chain(std::iter::once(sentinel)) {
        match diff.op {
            Op::Insert => {
                inserts += 1;
                inserted.extend_from_slice(&diff.text);
            }
            Op::Delete => {
                deletes += 1;
                deleted.extend_from_slice(&diff.text);
            }
            Op::Equal => {
                let mut equal = diff.text;
                if deletes + inserts > 1 {
                    if deletes != 0 && inserts != 0 {
                        let prefix = common_prefix(&inserted, &deleted);
                        if prefix != 0 {
                            let head: Units = inserted.drain(..prefix).collect();
                            deleted.drain(..prefix);
                            match out.last_mut() {
                                Some(last) if last.op == Op::Equal => last.text.extend(head),
                                _ => out.insert(
                                    0,
                                    Diff {
                                        op: Op::Equal,
                                        text: head,
                                    },
                                ),
                            }
                        }
                        let suffix = common_suffix(&inserted, &deleted);
                        if suffix != 0 {
                            let mut tail = inserted.split_off(inserted.len() - suffix);
                            deleted.truncate(deleted.len() - suffix);
                            tail.extend_from_slice(&equal);
                            equal = tail;
                        }
                    }
                    if !deleted.is_empty() {
                        out.push(Diff {
                            op: Op::Delete,
                            text: std::mem::take(&mut deleted),
                        });
                    }
                    if !inserted.is_empty() {
                        out.push(Diff {
                            op: Op::Insert,
                            text: std::mem::take(&mut inserted),
                        });
                    }
                    // The equality stays separate even when the run vanished.
                    out.push(Diff {
                        op: Op::Equal,
                        text: equal,
                    });
                } else {
                    if inserts == 1 {
                        out.push(Diff {
                            op: Op::Insert,
                            text: std::mem::take(&mut inserted),
                        });
                    } else if deletes == 1 {
                        out.push(Diff {
                            op: Op::Delete,
                            text: std::mem::take(&mut deleted),
                        });
                    }
                    match out.last_mut() {
                        Some(last) if last.op == Op::Equal => last.text.extend(equal),
                        _ => out.push(Diff {
                            op: Op::Equal,
                            text: equal,
                        }),
                    }
                }
                deletes = 0;
                inserts = 0;
                deleted.clear();
                inserted.clear();
            }
        }
    }
    if out.last().is_some_and(|d| d.text.is_empty()) {
        out.pop();
    }
    out
}

/// Second half of [`cleanup_merge`]: `A<ins>BA</ins>C` becomes
/// `<ins>AB</ins>AC`, and the mirror image. Returns whether anything moved.
fn shift_single_edits(diffs: &mut Vec<Diff>) -> bool {
    let mut changed = false;
    let mut i = 1;
    while i + 1 < diffs.len() {
        if diffs[i - 1].op == Op::Equal && diffs[i + 1].op == Op::Equal {
            let before = diffs[i - 1].text.clone();
            let after = diffs[i + 1].text.clone();
            let edit = &diffs[i].text;
            if edit.ends_with(&before) {
                let mut moved = before.clone();
                moved.extend_from_slice(&edit[..edit.len() - before.len()]);
                diffs[i].text = moved;
                let mut next = before;
                next.extend_from_slice(&after);
                diffs[i + 1].text = next;
                diffs.remove(i - 1);
                changed = true;
            } else if edit.starts_with(&after) {
                let mut moved = edit[after.len()..].to_vec();
                moved.extend_from_slice(&after);
                diffs[i].text = moved;
                diffs[i - 1].text.extend_from_slice(&after);
                diffs.remove(i + 1);
                changed = true;
            }
        }
        i += 1;
    }
    changed
}

/// Slide each single edit that sits between two equalities to the position
/// that best lines up with word, sentence or line boundaries.
pub(crate) fn cleanup_semantic_lossless(mut diffs: Vec<Diff>) -> Vec<Diff> {
    // Signed: removing both equalities around the first edit steps back
    // before the start, as the JS pointer does.
    let mut i: isize = 1;
    while i + 1 < diffs.len() as isize {
        if i < 1 {
            // JS reads `diffs[-1]` here and throws; nothing sensible is left
            // to align, so stop.
            return diffs;
        }
        let i_u = i as usize;
        if diffs[i_u - 1].op == Op::Equal && diffs[i_u + 1].op == Op::Equal {
            let mut equal1 = diffs[i_u - 1].text.clone();
            let mut edit = diffs[i_u].text.clone();
            let mut equal2 = diffs[i_u + 1].text.clone();

            // Shift the edit as far left as it goes.
            let common = common_suffix(&equal1, &edit);
            if common > 0 {
                let moved = edit[edit.len() - common..].to_vec();
                equal1.truncate(equal1.len() - common);
                let mut shifted = moved.clone();
                shifted.extend_from_slice(&edit[..edit.len() - common]);
                edit = shifted;
                let mut next = moved;
                next.extend_from_slice(&equal2);
                equal2 = next;
            }

            // Step right one unit at a time, keeping the best-scoring spot;
            // `>=` prefers the rightmost of equal scores.
            let mut best = (equal1.clone(), edit.clone(), equal2.clone());
            let mut best_score = boundary_score(&equal1, &edit) + boundary_score(&edit, &equal2);
            // Both empty would loop forever in JS; nothing can move then.
            while !edit.is_empty() && edit.first() == equal2.first() {
                let unit = edit[0];
                equal1.push(unit);
                edit.remove(0);
                edit.push(unit);
                equal2.remove(0);
                let score = boundary_score(&equal1, &edit) + boundary_score(&edit, &equal2);
                if score >= best_score {
                    best_score = score;
                    best = (equal1.clone(), edit.clone(), equal2.clone());
                }
            }

            let (best1, best_edit, best2) = best;
            if diffs[i_u - 1].text != best1 {
                let mut at = i_u;
                if best1.is_empty() {
                    diffs.remove(at - 1);
                    at -= 1;
                    i -= 1;
                } else {
                    diffs[at - 1].text = best1;
                }
                diffs[at].text = best_edit;
                if best2.is_empty() {
                    diffs.remove(at + 1);
                    i -= 1;
                } else {
                    diffs[at + 1].text = best2;
                }
            }
        }
        i += 1;
    }
    diffs
}

/// How good a place the boundary between `one` and `two` is for an edit to
/// start or end: 6 at the edges of the text, 5 at a blank line, 4 at a line
/// break, 3 at the end of a sentence, 2 at whitespace, 1 at other
/// punctuation, 0 inside a word. Character classes follow the JS regexes
/// (ASCII letters and digits only; JS `\s`).
fn boundary_score(one: &[u16], two: &[u16]) -> u32 {
    let (Some(&c1), Some(&c2)) = (one.last(), two.first()) else {
        return 6;
    };
    let non_alnum1 = !is_ascii_alphanumeric(c1);
    let non_alnum2 = !is_ascii_alphanumeric(c2);
    let space1 = non_alnum1 && is_js_whitespace(c1);
    let space2 = non_alnum2 && is_js_whitespace(c2);
    let break1 = space1 && is_line_break(c1);
    let break2 = space2 && is_line_break(c2);
    let blank1 = break1 && ends_with_blank_line(one);
    let blank2 = break2 && starts_with_blank_line(two);
    if blank1 || blank2 {
        5
    } else if break1 || break2 {
        4
    } else if non_alnum1 && !space1 && space2 {
        3
    } else if space1 || space2 {
        2
    } else if non_alnum1 || non_alnum2 {
        1
    } else {
        0
    }
}

fn is_ascii_alphanumeric(unit: u16) -> bool {
    u8::try_from(unit).is_ok_and(|b| b.is_ascii_alphanumeric())
}

fn is_line_break(unit: u16) -> bool {
    unit == u16::from(b'\r') || unit == u16::from(b'\n')
}

/// JS `\s`: ECMAScript WhiteSpace and LineTerminator code points.
fn is_js_whitespace(unit: u16) -> bool {
    matches!(
        unit,
        0x09..=0x0D
            | 0x20
            | 0xA0
            | 0x1680
            | 0x2000..=0x200A
            | 0x2028
            | 0x2029
            | 0x202F
            | 0x205F
            | 0x3000
            | 0xFEFF
    )
}

const LF: u16 = b'\n' as u16;
const CR: u16 = b'\r' as u16;

/// `/\n\r?\n$/`
fn ends_with_blank_line(text: &[u16]) -> bool {
    text.ends_with(&[LF, LF]) || text.ends_with(&[LF, CR, LF])
}

/// `/^\r?\n\r?\n/`
fn starts_with_blank_line(text: &[u16]) -> bool {
    let rest = text.strip_prefix(&[CR]).unwrap_or(text);
    let Some(rest) = rest.strip_prefix(&[LF]) else {
        return false;
    };
    let rest = rest.strip_prefix(&[CR]).unwrap_or(rest);
    rest.first() == Some(&LF)
}

/// The JS library's repair for diffs that cut an emoji in half: an equality
/// that ends with a high surrogate or starts with a low surrogate gives that
/// unit to the neighbouring edits, so the pair is deleted and inserted whole.
/// The repair is reproduced as the library does it, quirks included (the
/// shared-character test looks at the far end of the edits; an edit added
/// "before index -1" lands before the last segment; the clean-up of empty
/// segments skips the one after each removal), because it decides where a
/// fuzzy hunk's edits land.
fn keep_surrogate_pairs_whole(diffs: &mut Vec<Diff>) {
    let mut i = 0;
    while i < diffs.len() {
        let (op, first, last) = {
            let d = &diffs[i];
            (d.op, d.text.first().copied(), d.text.last().copied())
        };
        if let (Op::Equal, Some(first), Some(last)) = (op, first, last) {
            if is_high_surrogate(last) {
                deisolate(diffs, i, Direction::Forward);
            }
            if is_low_surrogate(first) {
                deisolate(diffs, i, Direction::Backward);
            }
        }
        i += 1;
    }
    let mut i = 0;
    while i < diffs.len() {
        if diffs[i].text.is_empty() {
            diffs.remove(i);
        }
        i += 1;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Forward,
    Backward,
}

impl Direction {
    fn step(self) -> isize {
        match self {
            Direction::Forward => 1,
            Direction::Backward => -1,
        }
    }

    fn reverse(self) -> Self {
        match self {
            Direction::Forward => Direction::Backward,
            Direction::Backward => Direction::Forward,
        }
    }
}

/// Take the unit at the `dir` end of `text` off.
fn split_unit(text: &mut Units, dir: Direction) -> Option<u16> {
    match dir {
        Direction::Forward => text.pop(),
        Direction::Backward => (!text.is_empty()).then(|| text.remove(0)),
    }
}

/// Put `unit` on the `dir` end of `text`.
fn join_unit(text: &mut Units, unit: u16, dir: Direction) {
    match dir {
        Direction::Forward => text.push(unit),
        Direction::Backward => text.insert(0, unit),
    }
}

/// Where `Array.prototype.splice(at, 0, x)` inserts: negative positions count
/// from the end.
fn splice_position(at: isize, len: usize) -> usize {
    if at < 0 {
        (len as isize + at).max(0) as usize
    } else {
        (at as usize).min(len)
    }
}

/// Move the unit at the `dir` end of the equality `diffs[i]` into the edits
/// beyond it (creating them if needed), or pull a unit shared by both edits
/// into the equality.
fn deisolate(diffs: &mut Vec<Diff>, i: usize, dir: Direction) {
    let back = dir.reverse();
    let mut insert_at: Option<usize> = None;
    let mut delete_at: Option<usize> = None;
    let mut j = i as isize + dir.step();
    while j >= 0 && (j as usize) < diffs.len() && (insert_at.is_none() || delete_at.is_none()) {
        let d = &diffs[j as usize];
        if !d.text.is_empty() {
            match d.op {
                Op::Insert => {
                    insert_at.get_or_insert(j as usize);
                }
                Op::Delete => {
                    delete_at.get_or_insert(j as usize);
                }
                Op::Equal => {
                    if insert_at.is_none() && delete_at.is_none() {
                        // Two equalities in a row: just hand the unit over.
                        let Some(unit) = split_unit(&mut diffs[i].text, dir) else {
                            return;
                        };
                        join_unit(&mut diffs[j as usize].text, unit, back);
                        return;
                    }
                    break;
                }
            }
        }
        j += dir.step();
    }

    if let (Some(ins), Some(del)) = (insert_at, delete_at) {
        let shared = match dir {
            Direction::Forward => diffs[ins].text.last() == diffs[del].text.last(),
            Direction::Backward => diffs[ins].text.first() == diffs[del].text.first(),
        };
        if shared {
            let Some(unit) = split_unit(&mut diffs[ins].text, back) else {
                return;
            };
            split_unit(&mut diffs[del].text, back);
            join_unit(&mut diffs[i].text, unit, dir);
            return;
        }
    }

    let Some(unit) = split_unit(&mut diffs[i].text, dir) else {
        return;
    };
    match insert_at {
        None => {
            let at = splice_position(j, diffs.len());
            diffs.insert(at, Diff::new(Op::Insert, &[unit]));
            if let Some(del) = delete_at.as_mut() {
                if *del >= at {
                    *del += 1;
                }
            }
        }
        Some(ins) => join_unit(&mut diffs[ins].text, unit, back),
    }
    match delete_at {
        None => {
            let at = splice_position(j, diffs.len());
            diffs.insert(at, Diff::new(Op::Delete, &[unit]));
        }
        Some(del) => join_unit(&mut diffs[del].text, unit, back),
    }
}

/// Map a position in the diff's source text to the same place in its
/// destination text; a position inside a deletion maps to where it was.
pub(crate) fn x_index(diffs: &[Diff], location: usize) -> usize {
    let (mut chars1, mut chars2) = (0usize, 0usize);
    let (mut last1, mut last2) = (0usize, 0usize);
    for d in diffs {
        if d.op != Op::Insert {
            chars1 += d.text.len();
        }
        if d.op != Op::Delete {
            chars2 += d.text.len();
        }
        if chars1 > location {
            if d.op == Op::Delete {
                return last2;
            }
            break;
        }
        last1 = chars1;
        last2 = chars2;
    }
    last2 + (location - last1)
}

/// Levenshtein distance implied by a diff: a deletion next to an insertion
/// counts as substitutions.
pub(crate) fn levenshtein(diffs: &[Diff]) -> usize {
    let (mut total, mut inserted, mut deleted) = (0, 0, 0);
    for d in diffs {
        match d.op {
            Op::Insert => inserted += d.text.len(),
            Op::Delete => deleted += d.text.len(),
            Op::Equal => {
                total += inserted.max(deleted);
                inserted = 0;
                deleted = 0;
            }
        }
    }
    total + inserted.max(deleted)
}

/// The text a diff starts from: equalities and deletions.
pub(crate) fn source_text(diffs: &[Diff]) -> Units {
    diffs
        .iter()
        .filter(|d| d.op != Op::Insert)
        .flat_map(|d| d.text.iter().copied())
        .collect()
}

/// The text a diff produces: equalities and insertions.
pub(crate) fn destination_text(diffs: &[Diff]) -> Units {
    diffs
        .iter()
        .filter(|d| d.op != Op::Delete)
        .flat_map(|d| d.text.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Units {
        s.encode_utf16().collect()
    }

    fn show(diffs: &[Diff]) -> Vec<(Op, String)> {
        diffs
            .iter()
            .map(|d| (d.op, String::from_utf16_lossy(&d.text)))
            .collect()
    }

    fn run(a: &str, b: &str) -> Vec<(Op, String)> {
        show(&diff(&u(a), &u(b), &mut Budget::new(u64::MAX)))
    }

    #[test]
    fn diffs_reconstruct_both_texts() {
        let cases = [
            ("", "abc"),
            ("abc", ""),
            ("The quick brown fox", "The quack brown box!"),
            ("مرحبا بالعالم", "مرحبا يا عالم"),
            ("a😀b", "a😁b"),
            ("1234567890", "abcdefghij"),
            ("abcdefghijklmnop", "xxabcdefghyyijklmnopzz"),
        ];
        for (a, b) in cases {
            let diffs = diff(&u(a), &u(b), &mut Budget::new(u64::MAX));
            assert_eq!(source_text(&diffs), u(a), "{a:?} -> {b:?}");
            assert_eq!(destination_text(&diffs), u(b), "{a:?} -> {b:?}");
        }
    }

    #[test]
    fn known_shapes() {
        use Op::*;
        assert_eq!(
            run("abc", "ab123c"),
            vec![
                (Equal, "ab".into()),
                (Insert, "123".into()),
                (Equal, "c".into())
            ]
        );
        assert_eq!(
            run("cat", "map"),
            vec![
                (Delete, "c".into()),
                (Insert, "m".into()),
                (Equal, "a".into()),
                (Delete, "t".into()),
                (Insert, "p".into()),
            ]
        );
    }

    #[test]
    fn emoji_pairs_are_not_split() {
        // 😀 = D83D DE00, 😁 = D83D DE01: the common prefix ends in a high
        // surrogate, which the repair hands to the edits.
        let diffs = diff(&u("a😀b"), &u("a😁b"), &mut Budget::new(u64::MAX));
        assert_eq!(
            show(&diffs),
            vec![
                (Op::Equal, "a".into()),
                (Op::Delete, "😀".into()),
                (Op::Insert, "😁".into()),
                (Op::Equal, "b".into()),
            ]
        );
    }

    #[test]
    fn spent_budget_gives_replace_all() {
        let a = u("abcdefghijklmnopqrstuvwxyz");
        let b = u("zyxwvutsrqponmlkjihgfedcbaX");
        let diffs = diff(&a, &b, &mut Budget::new(0));
        assert_eq!(source_text(&diffs), a);
        assert_eq!(destination_text(&diffs), b);
    }

    #[test]
    fn x_index_maps_positions() {
        let diffs = vec![
            Diff::new(Op::Delete, &u("a")),
            Diff::new(Op::Insert, &u("1234")),
            Diff::new(Op::Equal, &u("xyz")),
        ];
        assert_eq!(x_index(&diffs, 2), 5);
        let diffs = vec![
            Diff::new(Op::Equal, &u("a")),
            Diff::new(Op::Delete, &u("1234")),
            Diff::new(Op::Equal, &u("xyz")),
        ];
        assert_eq!(x_index(&diffs, 3), 1);
        assert_eq!(levenshtein(&diffs), 4);
    }

    #[test]
    fn semantic_lossless_prefers_word_boundaries() {
        let diffs = vec![
            Diff::new(Op::Equal, &u("The c")),
            Diff::new(Op::Insert, &u("at c")),
            Diff::new(Op::Equal, &u("ame.")),
        ];
        assert_eq!(
            show(&cleanup_semantic_lossless(diffs)),
            vec![
                (Op::Equal, "The ".into()),
                (Op::Insert, "cat ".into()),
                (Op::Equal, "came.".into()),
            ]
        );
    }
}
