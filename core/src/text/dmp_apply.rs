//! Applying a parsed patch to a string, best effort.
//!
//! Each hunk's context (its equalities and deletions) is searched for near
//! where the header says it was, allowing for the text having drifted since
//! the patch was made; hunks whose context can't be found are skipped. This
//! follows `applyPatches(patches, text, {allowExceedingIndices: true})` of
//! `@sanity/diff-match-patch` 3.2.1, which is what `@sanity/mutator` 6.19.0
//! (and so Sanity Studio's optimistic updates) runs:
//!
//! 1. convert header byte offsets to UTF-16 indexes against the input text;
//! 2. pad the text with four control characters on each side so hunks at the
//!    edges have context to match (`Patch_Margin` = 4);
//! 3. split hunks longer than 32 units, the limit of the matcher;
//! 4. per hunk, locate the context with [`find_match`] (threshold 0.5,
//!    distance 1000); if the found text is not exactly the context, diff the
//!    two and carry each edit over to the corresponding position; a long
//!    deletion whose found text differs by more than 40% is dropped
//!    (`deleteThreshold` defaults to 0.4 in this version, not the 0.5 of
//!    Google's original library);
//! 5. strip the padding.
//!
//! Everything runs on UTF-16 code units, like the JS. Sanity's own server is
//! written in Go and works on UTF-8 / runes, so where a hunk lands next to an
//! astral character (emoji) the two could in principle disagree; we follow
//! the JS because the text a Studio shows after its optimistic update is the
//! text the user saw, and the patch was computed from it. The only result the
//! JS can produce that a Rust `String` cannot hold is half of a surrogate pair
//! (when a fuzzy hunk lands inside an emoji); such a unit becomes U+FFFD,
//! which is also what serialising the JS result to UTF-8 JSON would give.

use super::dmp_diff::{
    cleanup_semantic_lossless, destination_text, diff, levenshtein, source_text, x_index, Budget,
    Diff, Op,
};
use super::dmp_match::{find_match, MAX_BITS};
use super::dmp_parse::{DmpPatch, Hunk};
use super::utf16::{substring, Units};

/// Context added around hunks, and the padding added to the text.
const MARGIN: usize = 4;

/// Share of a long deletion's expected text that may differ from what is
/// found before the hunk is dropped.
const DELETE_THRESHOLD: f64 = 0.4;

/// Work allowed for one fuzzy diff (see [`Budget`]); tens of milliseconds of
/// bisection, orders of magnitude more than a hunk of ordinary prose needs.
const DIFF_STEPS: u64 = 1 << 25;

/// Work allowed for all fuzzy diffs of one application, so that a patch with
/// many hostile hunks is bounded too.
const APPLY_STEPS: u64 = 1 << 27;

/// A hunk during application: UTF-16 indexes and texts.
#[derive(Debug, Clone)]
struct WorkHunk {
    start2: i64,
    length1: i64,
    length2: i64,
    diffs: Vec<Diff>,
}

/// Apply `patch` to `text`, best effort: hunks whose context can't be found
/// are skipped, like in Sanity's JS client.
pub fn apply_dmp_patch(patch: &DmpPatch, text: &str) -> String {
    if patch.hunks.is_empty() {
        return text.to_string();
    }
    let mut hunks = to_utf16_hunks(&patch.hunks, text);
    let padding = add_padding(&mut hunks);
    let mut units: Units = Vec::with_capacity(text.len() + 2 * MARGIN);
    units.extend_from_slice(&padding);
    units.extend(text.encode_utf16());
    units.extend_from_slice(&padding);

    let hunks = split_long_hunks(hunks);
    let mut budget = Budget::new(APPLY_STEPS);
    // How far the previous hunk landed from where it was expected; later
    // hunks are looked for shifted by the same amount.
    let mut delta: i64 = 0;
    for hunk in &hunks {
        let expected = hunk.start2 + delta;
        match apply_hunk(&mut units, hunk, expected, &mut budget) {
            Some(found) => delta = found as i64 - expected,
            None => delta -= hunk.length2 - hunk.length1,
        }
    }

    let len = units.len() as i64;
    let body = substring(&units, MARGIN as i64, len - MARGIN as i64);
    String::from_utf16_lossy(body)
}

/// Locate and apply one hunk. Returns where its context was found, or `None`
/// when the hunk was skipped because its context could not be found (a hunk
/// found but dropped for a bad long deletion still counts as found).
fn apply_hunk(
    units: &mut Units,
    hunk: &WorkHunk,
    expected: i64,
    budget: &mut Budget,
) -> Option<usize> {
    let text1 = source_text(&hunk.diffs);
    let (start, end) = if text1.len() > MAX_BITS {
        // Only a huge deletion gets here (longer hunks were split): match its
        // first and last 32 units separately.
        let start = find_match(units, &text1[..MAX_BITS], expected)?;
        let tail_expected = expected + (text1.len() - MAX_BITS) as i64;
        match find_match(units, &text1[text1.len() - MAX_BITS..], tail_expected) {
            Some(end) if start < end => (start, Some(end)),
            _ => return None,
        }
    } else {
        (find_match(units, &text1, expected)?, None)
    };

    let found_end = match end {
        Some(end) => end + MAX_BITS,
        None => start + text1.len(),
    };
    let found: Units = substring(units, start as i64, found_end as i64).to_vec();
    if found == text1 {
        let replacement = destination_text(&hunk.diffs);
        units.splice(start..start + text1.len(), replacement);
        return Some(start);
    }

    // Imperfect match: diff what we expected against what is there, and use
    // the diff to move each edit to its place in the real text.
    let mut steps = Budget::new(DIFF_STEPS.min(budget.remaining()));
    let before = steps.remaining();
    let map = diff(&text1, &found, &mut steps);
    budget.spend(before - steps.remaining());
    if text1.len() > MAX_BITS && levenshtein(&map) as f64 / text1.len() as f64 > DELETE_THRESHOLD {
        // The ends match but the middle is too different to delete safely.
        return Some(start);
    }
    let map = cleanup_semantic_lossless(map);
    let mut index1 = 0;
    let mut index2 = 0;
    for d in &hunk.diffs {
        if d.op != Op::Equal {
            index2 = x_index(&map, index1);
        }
        match d.op {
            Op::Insert => {
                let at = (start + index2).min(units.len());
                units.splice(at..at, d.text.iter().copied());
            }
            Op::Delete => {
                let from = start + index2;
                let to = start + x_index(&map, index1 + d.text.len());
                replace_between(units, from, to);
            }
            Op::Equal => {}
        }
        if d.op != Op::Delete {
            index1 += d.text.len();
        }
    }
    Some(start)
}

/// `text.substring(0, from) + text.substring(to)`: removes `from..to`; both
/// ends are clamped, and (as in JS) a reversed range repeats the text
/// between them rather than failing.
fn replace_between(units: &mut Units, from: usize, to: usize) {
    let len = units.len();
    let (from, to) = (from.min(len), to.min(len));
    if from <= to {
        units.drain(from..to);
    } else {
        let repeated: Units = units[to..from].to_vec();
        units.splice(from..from, repeated);
    }
}

/// Turn the header's UTF-8 byte offsets into UTF-16 indexes into `text`.
///
/// Like the reference, this walks `text` once for all hunks, visiting
/// `start1` then `start2` of each: an offset smaller than one already passed
/// (a later hunk's `start2` after earlier net deletions, or a negative one)
/// gets the position already reached, and offsets past the end get the end.
/// Offsets inside a multi-byte character round up to the next character.
fn to_utf16_hunks(hunks: &[Hunk], text: &str) -> Vec<WorkHunk> {
    let mut chars = text.chars();
    let mut byte: i64 = 0;
    let mut unit: i64 = 0;
    let mut advance_to = |target: i64| {
        while byte < target {
            let Some(c) = chars.next() else { break };
            byte += c.len_utf8() as i64;
            unit += c.len_utf16() as i64;
        }
        unit
    };
    hunks
        .iter()
        .map(|h| {
            // start1 is converted only to move the walk forward as the
            // reference does; the applier itself uses start2.
            advance_to(h.start1);
            let start2 = advance_to(h.start2);
            WorkHunk {
                start2,
                length1: h.length1,
                length2: h.length2,
                diffs: h
                    .diffs
                    .iter()
                    .map(|(op, text)| Diff {
                        op: *op,
                        text: text.encode_utf16().collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Give the first and last hunk at least [`MARGIN`] units of context at the
/// text's edges, made of the padding units \u{1}..\u{4} that are added to the
/// text itself; shift all hunks to account for the leading padding. Returns
/// the padding.
fn add_padding(hunks: &mut [WorkHunk]) -> Units {
    let padding: Units = (1..=MARGIN as u16).collect();
    let pad = MARGIN as i64;
    for h in hunks.iter_mut() {
        h.start2 += pad;
    }

    if let Some(first) = hunks.first_mut() {
        match first.diffs.first_mut() {
            Some(d) if d.op == Op::Equal => {
                if d.text.len() < MARGIN {
                    let extra = MARGIN - d.text.len();
                    let mut text = padding[d.text.len()..].to_vec();
                    text.extend_from_slice(&d.text);
                    d.text = text;
                    grow(first, extra as i64, true);
                }
            }
            _ => {
                first.diffs.insert(0, Diff::new(Op::Equal, &padding));
                grow(first, pad, true);
            }
        }
    }

    if let Some(last) = hunks.last_mut() {
        match last.diffs.last_mut() {
            Some(d) if d.op == Op::Equal => {
                if d.text.len() < MARGIN {
                    let extra = MARGIN - d.text.len();
                    d.text.extend_from_slice(&padding[..extra]);
                    grow(last, extra as i64, false);
                }
            }
            _ => {
                last.diffs.push(Diff::new(Op::Equal, &padding));
                grow(last, pad, false);
            }
        }
    }
    padding
}

/// Account for `n` units of context added to a hunk, in front or behind.
fn grow(hunk: &mut WorkHunk, n: i64, in_front: bool) {
    if in_front {
        hunk.start2 -= n;
    }
    hunk.length1 += n;
    hunk.length2 += n;
}

/// Split hunks longer than the matcher's 32 units into a series of hunks
/// with up to [`MARGIN`] units of context each. A deletion of more than 64
/// units that directly follows the leading context stays in one piece; it is
/// matched by its two ends.
///
/// As in the reference, "long" is judged by the hunk's `length1` (from the
/// header), and pieces are then cut by what the lines contain.
fn split_long_hunks(hunks: Vec<WorkHunk>) -> Vec<WorkHunk> {
    let limit = MAX_BITS as i64;
    let room = limit - MARGIN as i64;
    let mut out = Vec::with_capacity(hunks.len());
    for big in hunks {
        if big.length1 <= limit {
            out.push(big);
            continue;
        }
        let mut start2 = big.start2;
        let mut rest: std::collections::VecDeque<Diff> = big.diffs.into();
        let mut pre_context: Units = Vec::new();
        while !rest.is_empty() {
            let context_len = pre_context.len() as i64;
            let mut piece = WorkHunk {
                start2: start2 - context_len,
                length1: context_len,
                length2: context_len,
                diffs: Vec::new(),
            };
            if !pre_context.is_empty() {
                piece.diffs.push(Diff {
                    op: Op::Equal,
                    text: std::mem::take(&mut pre_context),
                });
            }
            let mut has_edit = false;
            while piece.length1 < room {
                let Some(next) = rest.front_mut() else { break };
                let len = next.text.len() as i64;
                let lone_context = piece.diffs.len() == 1 && piece.diffs[0].op == Op::Equal;
                if next.op == Op::Insert {
                    // Insertions cost nothing to match.
                    piece.length2 += len;
                    start2 += len;
                    has_edit = true;
                    if let Some(d) = rest.pop_front() {
                        piece.diffs.push(d);
                    }
                } else if next.op == Op::Delete && lone_context && len > 2 * limit {
                    // A large deletion: let it pass in one piece.
                    piece.length1 += len;
                    has_edit = true;
                    if let Some(d) = rest.pop_front() {
                        piece.diffs.push(d);
                    }
                } else {
                    // Deletion or equality: take only what fits.
                    let take = (room - piece.length1).min(len).max(0) as usize;
                    let taken: Units = next.text[..take].to_vec();
                    piece.length1 += take as i64;
                    if next.op == Op::Equal {
                        piece.length2 += take as i64;
                        start2 += take as i64;
                    } else {
                        has_edit = true;
                    }
                    let op = next.op;
                    if take == next.text.len() {
                        rest.pop_front();
                    } else {
                        next.text.drain(..take);
                    }
                    piece.diffs.push(Diff { op, text: taken });
                }
            }
            // The next piece starts with the last units this one produces.
            let produced = destination_text(&piece.diffs);
            pre_context = produced[produced.len().saturating_sub(MARGIN)..].to_vec();
            // And this one ends with the first units the next one consumes.
            let post_context: Units = rest
                .iter()
                .filter(|d| d.op != Op::Insert)
                .flat_map(|d| d.text.iter().copied())
                .take(MARGIN)
                .collect();
            if !post_context.is_empty() {
                piece.length1 += post_context.len() as i64;
                piece.length2 += post_context.len() as i64;
                match piece.diffs.last_mut() {
                    Some(d) if d.op == Op::Equal => d.text.extend_from_slice(&post_context),
                    _ => piece.diffs.push(Diff {
                        op: Op::Equal,
                        text: post_context,
                    }),
                }
            }
            if has_edit {
                out.push(piece);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse_dmp_patch;
    use super::*;

    fn apply(patch: &str, text: &str) -> String {
        apply_dmp_patch(&parse_dmp_patch(patch).expect("parses"), text)
    }

    const FOX: &str = "The quick brown fox jumps over the lazy dog.";
    // makePatches(FOX, "That quick brown fox jumped over a lazy dog.")
    const FOX_PATCH: &str = "@@ -1,11 +1,12 @@\n Th\n-e\n+at\n  quick b\n@@ -22,18 +22,17 @@\n jump\n-s\n+ed\n  over \n-the\n+a\n  laz\n";

    #[test]
    fn empty_patch_changes_nothing() {
        assert_eq!(apply("", "anything"), "anything");
    }

    #[test]
    fn exact_multi_hunk() {
        assert_eq!(
            apply(FOX_PATCH, FOX),
            "That quick brown fox jumped over a lazy dog."
        );
    }

    #[test]
    fn fuzzy_with_shifted_text() {
        // Text moved right and slightly changed; both hunks still land.
        assert_eq!(
            apply(
                FOX_PATCH,
                "Why, the quick red rabbit jumps over the tired tiger."
            ),
            "Why, that quick red rabbit jumped over a tired tiger."
        );
    }

    #[test]
    fn hunks_that_do_not_match_are_skipped() {
        assert_eq!(
            apply(FOX_PATCH, "I am the very model of a modern major general."),
            "I am the very model of a modern major general."
        );
    }

    #[test]
    fn insert_into_empty_and_at_edges() {
        assert_eq!(apply("@@ -0,0 +1,5 @@\n+hello\n", ""), "hello");
        assert_eq!(apply("@@ -1,3 +1,7 @@\n abc\n+ end\n", "abc"), "abc end");
    }

    #[test]
    fn utf8_offsets_with_arabic() {
        // makePatches("مرحبا بكم في قناة", "مرحبا بكم جميعا في قناة"): the
        // header counts bytes (Arabic letters are two bytes each).
        let patch = "@@ -3,29 +3,40 @@\n %D8%B1%D8%AD%D8%A8%D8%A7 %D8%A8%D9%83%D9%85\n+ %D8%AC%D9%85%D9%8A%D8%B9%D8%A7\n  %D9%81%D9%8A %D9%82%D9%86%D8%A7%D8%A9\n";
        assert_eq!(apply(patch, "مرحبا بكم في قناة"), "مرحبا بكم جميعا في قناة");
        // Applied to a text with more Arabic in front, the byte offset is
        // far off in UTF-16 terms and the context is found by matching.
        assert_eq!(
            apply(patch, "أهلا وسهلا، مرحبا بكم في قناة"),
            "أهلا وسهلا، مرحبا بكم جميعا في قناة"
        );
    }

    #[test]
    fn utf8_offsets_with_emoji() {
        // makePatches("a😀b😀c😀d", "a😀b😀X😀d"): offsets in bytes, the emoji
        // is 4 bytes and 2 UTF-16 units.
        let patch = "@@ -2,15 +2,15 @@\n %F0%9F%98%80b%F0%9F%98%80\n-c\n+X\n %F0%9F%98%80d\n";
        assert_eq!(apply(patch, "a😀b😀c😀d"), "a😀b😀X😀d");
        // The same patch after an emoji was added in front.
        assert_eq!(apply(patch, "🎉a😀b😀c😀d"), "🎉a😀b😀X😀d");
    }

    #[test]
    fn long_deletion_is_matched_by_its_ends() {
        let text: String = (0..200)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let deleted = &text[10..150];
        let patch = format!(
            "@@ -7,148 +7,8 @@\n {}\n-{}\n {}\n",
            &text[6..10],
            deleted,
            &text[150..154]
        );
        let expected = format!("{}{}", &text[..10], &text[150..]);
        assert_eq!(apply(&patch, &text), expected);
        // With a few characters changed inside the deleted range it still
        // applies (fewer than 40% differ).
        let mut drifted = text.clone();
        drifted.replace_range(70..73, "XYZ");
        assert_eq!(apply(&patch, &drifted), expected);
    }

    #[test]
    fn half_a_surrogate_pair_becomes_a_replacement_character() {
        // Found by fuzzing the JS: the second hunk lands between the halves
        // of the inserted emoji and deletes one of them; the JS returns a
        // lone surrogate there.
        let patch = "@@ -0,2 +0,4 @@\n %F0%9F%98%80\n@@ -4,2 +4,4 @@\n+%F0%9F%98%80%F0%9F%98%81\n-%F0%9F%98%81%20\n";
        assert_eq!(apply(patch, ""), "\u{FFFD}");
    }

    #[test]
    fn hostile_inputs_stay_cheap() {
        // A long deletion whose middle differs from the text (one 'b'), so
        // the diff runs, on texts where a naive search for the half-match
        // seed (which holds the 'b') would be quadratic. The JS takes
        // seconds here; the linear search takes milliseconds.
        let n = 40_000;
        let deleted = format!("{}b{}", "a".repeat(n / 4 + 10), "a".repeat(n - n / 4 - 11));
        let patch = format!("@@ -1,{} +1,8 @@\n xxxx\n-{deleted}\n yyyy\n", n + 8);
        let target = format!("xxxx{}yyyy", "a".repeat(n));
        assert_eq!(apply(&patch, &target), "xxxxyyyy");
    }

    #[test]
    fn splits_long_hunks() {
        let a = "0123456789".repeat(8);
        // One header covering the whole text with edits all over.
        let b = a.replace('5', "five");
        let mut patch = String::from("@@ -1,80 +1,110 @@\n");
        for chunk in a.split_inclusive('5') {
            let (head, five) = chunk.split_at(chunk.len() - usize::from(chunk.ends_with('5')));
            patch.push_str(&format!(" {head}\n"));
            if !five.is_empty() {
                patch.push_str("-5\n+five\n");
            }
        }
        assert_eq!(apply(&patch, &a), b);
    }
}
