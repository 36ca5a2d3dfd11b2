//! Word segmentation: the word rules of Unicode Standard Annex #29
//! ("Unicode Text Segmentation", section 4.1), implemented here with a few
//! documented simplifications, so that `match` splits every script the same
//! way on both sides of the operator.
//!
//! What is implemented:
//!
//! - Character classes (`Word_Break` property values) are derived from the
//!   general category tables in [`super::tables`] and `char::is_alphabetic`
//!   instead of the full `WordBreakProperty.txt`; the punctuation classes
//!   (`MidLetter`, `MidNum`, `MidNumLet`, quotes, `ExtendNumLet`) are listed
//!   below character by character, as the annex lists them.
//! - Rules WB4 (marks and format characters stay with the character before
//!   them), WB5–WB13b (letters, Hebrew quotes, numbers, Katakana, connectors).
//!   The rules for line breaks, spaces, emoji and flags (WB3–WB3d, WB15–16)
//!   only ever separate non-word segments, which `match` drops, so they are not
//!   needed.
//!
//! Simplifications, each with its reason:
//!
//! - The colon is not `MidLetter` (so `foo:bar` is two words). CLDR's root
//!   locale, and so ICU, tailor the annex the same way; only Swedish keeps it.
//! - Scripts written without spaces that the annex leaves to a dictionary
//!   (Thai, Lao, Khmer, Myanmar) are treated as ordinary letters, so a run of
//!   them between spaces is one word. Han ideographs and Hiragana are one word
//!   per character, as the annex's default rules give.
//! - A segment is kept as a word only if it holds a letter, a digit, Katakana
//!   or an ideograph; segments of punctuation, spaces, symbols or lone
//!   connectors (`_`) are dropped.
//!
//! In a *pattern* (`segment(.., true)`), `*` counts as a letter. That is the
//! suite's `wildcardMatchSegmentation` feature: `"ding.*"` stays one term and
//! matches the word `ding.dong`, instead of falling apart into `ding` and `*`.

use super::tables::{DIGITS, FORMAT, MARKS};

/// The `Word_Break` classes the rules distinguish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WordBreak {
    Other,
    /// Combining marks, ZWJ/ZWNJ and format characters (WB4 folds them into
    /// the character before them).
    Extend,
    ALetter,
    HebrewLetter,
    Numeric,
    Katakana,
    /// Not a `Word_Break` value: Han ideographs and Hiragana, which no rule
    /// joins but which still make a segment a word.
    Ideographic,
    ExtendNumLet,
    MidLetter,
    MidNum,
    MidNumLet,
    SingleQuote,
    DoubleQuote,
}

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let cp = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                core::cmp::Ordering::Less
            } else if lo > cp {
                core::cmp::Ordering::Greater
            } else {
                core::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// A combining mark (general category Mn, Mc or Me).
pub(crate) fn is_mark(c: char) -> bool {
    in_table(MARKS, c)
}

/// An invisible format control (general category Cf), e.g. soft hyphen,
/// ZWJ/ZWNJ, LRM/RLM, the Arabic letter mark.
pub(crate) fn is_format(c: char) -> bool {
    in_table(FORMAT, c)
}

fn is_katakana(cp: u32) -> bool {
    matches!(cp,
        0x3031..=0x3035 | 0x309B..=0x309C | 0x30A0..=0x30FA | 0x30FC..=0x30FF
        | 0x31F0..=0x31FF | 0x32D0..=0x32FE | 0x3300..=0x3357 | 0xFF66..=0xFF9D
        | 0x1AFF0..=0x1AFFE | 0x1B000 | 0x1B120..=0x1B122 | 0x1B164..=0x1B167)
}

fn is_hebrew_letter(cp: u32) -> bool {
    matches!(cp,
        0x05D0..=0x05EA | 0x05EF..=0x05F2 | 0xFB1D | 0xFB1F..=0xFB28 | 0xFB2A..=0xFB36
        | 0xFB38..=0xFB3C | 0xFB3E | 0xFB40..=0xFB41 | 0xFB43..=0xFB44 | 0xFB46..=0xFB4F)
}

fn is_ideographic(cp: u32) -> bool {
    matches!(cp,
        // Iteration marks and Hangzhou numerals.
        0x3005..=0x3007 | 0x3021..=0x3029 | 0x3038..=0x303B
        // Hiragana (U+309B/U+309C are Katakana above).
        | 0x3041..=0x3096 | 0x309D..=0x309F
        // CJK ideographs: Extension A, the main block, compatibility, B–H.
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// The word-break class of `c`; `pattern` makes `*` a letter.
pub(crate) fn classify(c: char, pattern: bool) -> WordBreak {
    use WordBreak::*;
    let cp = c as u32;
    match c {
        '*' if pattern => return ALetter,
        '\'' => return SingleQuote,
        '"' => return DoubleQuote,
        '_' => return ExtendNumLet,
        '.' => return MidNumLet,
        ',' | ';' => return MidNum,
        _ if cp < 0x80 => {
            return if c.is_ascii_alphabetic() {
                ALetter
            } else if c.is_ascii_digit() {
                Numeric
            } else {
                Other
            }
        }
        _ => {}
    }
    match cp {
        // MidNumLet: quotation marks used as apostrophes, one dot leader,
        // small and fullwidth full stop and apostrophe.
        0x2018 | 0x2019 | 0x2024 | 0xFE52 | 0xFF07 | 0xFF0E => return MidNumLet,
        // MidLetter without the colons (see the module comment): middle dot,
        // Greek ano teleia, Armenian apostrophe, Hebrew gershayim, hyphenation
        // point.
        0x00B7 | 0x0387 | 0x055F | 0x05F4 | 0x2027 => return MidLetter,
        // MidNum: Greek question mark, Armenian full stop, Arabic comma, date
        // separator and thousands separator, NKo comma, fraction slash, and
        // presentation/small/fullwidth commas and semicolons.
        0x037E | 0x0589 | 0x060C | 0x060D | 0x066C | 0x07F8 | 0x2044 | 0xFE10 | 0xFE14 | 0xFE50
        | 0xFE54 | 0xFF0C | 0xFF1B => return MidNum,
        // ExtendNumLet: narrow no-break space, undertie, character tie,
        // inverted undertie, and the presentation/fullwidth low lines.
        0x202F | 0x203F | 0x2040 | 0x2054 | 0xFE33 | 0xFE34 | 0xFE4D..=0xFE4F | 0xFF3F => {
            return ExtendNumLet
        }
        // Arabic decimal separator: part of a number.
        0x066B => return Numeric,
        // Hebrew geresh: a letter in the annex (abbreviations like ג׳).
        0x05F3 => return ALetter,
        // Zero width space separates words.
        0x200B => return Other,
        _ => {}
    }
    if is_mark(c) || is_format(c) {
        Extend
    } else if in_table(DIGITS, c) {
        Numeric
    } else if is_katakana(cp) {
        Katakana
    } else if is_hebrew_letter(cp) {
        HebrewLetter
    } else if is_ideographic(cp) {
        Ideographic
    } else if c.is_alphabetic() {
        ALetter
    } else {
        Other
    }
}

/// One position for the rules: a character together with the marks and
/// format characters WB4 attaches to it.
#[derive(Clone, Copy)]
struct Unit {
    class: WordBreak,
    start: usize,
    end: usize,
}

fn is_ahletter(c: WordBreak) -> bool {
    matches!(c, WordBreak::ALetter | WordBreak::HebrewLetter)
}

fn is_mid_letter_q(c: WordBreak) -> bool {
    matches!(
        c,
        WordBreak::MidLetter | WordBreak::MidNumLet | WordBreak::SingleQuote
    )
}

fn is_mid_num_q(c: WordBreak) -> bool {
    matches!(
        c,
        WordBreak::MidNum | WordBreak::MidNumLet | WordBreak::SingleQuote
    )
}

/// Whether there is no word boundary between `a` and `b`, given the units
/// around them (WB5–WB13b).
fn joins(prev: Option<WordBreak>, a: WordBreak, b: WordBreak, next: Option<WordBreak>) -> bool {
    use WordBreak::*;
    // WB5
    (is_ahletter(a) && is_ahletter(b))
        // WB6, WB7
        || (is_ahletter(a) && is_mid_letter_q(b) && next.is_some_and(is_ahletter))
        || (prev.is_some_and(is_ahletter) && is_mid_letter_q(a) && is_ahletter(b))
        // WB7a, WB7b, WB7c
        || (a == HebrewLetter && b == SingleQuote)
        || (a == HebrewLetter && b == DoubleQuote && next == Some(HebrewLetter))
        || (prev == Some(HebrewLetter) && a == DoubleQuote && b == HebrewLetter)
        // WB8, WB9, WB10
        || (a == Numeric && b == Numeric)
        || (is_ahletter(a) && b == Numeric)
        || (a == Numeric && is_ahletter(b))
        // WB11, WB12
        || (prev == Some(Numeric) && is_mid_num_q(a) && b == Numeric)
        || (a == Numeric && is_mid_num_q(b) && next == Some(Numeric))
        // WB13, WB13a, WB13b
        || (a == Katakana && b == Katakana)
        || (matches!(a, ALetter | HebrewLetter | Numeric | Katakana | ExtendNumLet)
            && b == ExtendNumLet)
        || (a == ExtendNumLet && matches!(b, ALetter | HebrewLetter | Numeric | Katakana))
}

fn is_wordlike(c: WordBreak) -> bool {
    matches!(
        c,
        WordBreak::ALetter
            | WordBreak::HebrewLetter
            | WordBreak::Numeric
            | WordBreak::Katakana
            | WordBreak::Ideographic
    )
}

/// Calls `emit` with each word of `text`, in order, as a slice of `text`
/// (unfolded). `pattern` makes `*` a letter.
pub(crate) fn for_each_word<'a>(text: &'a str, pattern: bool, mut emit: impl FnMut(&'a str)) {
    // WB4: marks and format characters extend the unit before them. At the
    // start of the text there is none; a leading mark is then a unit of its
    // own that no rule joins, which is what the annex gives too.
    let mut units: Vec<Unit> = Vec::new();
    for (i, c) in text.char_indices() {
        let class = classify(c, pattern);
        let end = i + c.len_utf8();
        match (class, units.last_mut()) {
            (WordBreak::Extend, Some(last)) => last.end = end,
            (WordBreak::Extend, None) => units.push(Unit {
                class: WordBreak::Other,
                start: i,
                end,
            }),
            _ => units.push(Unit {
                class,
                start: i,
                end,
            }),
        }
    }

    let class_at = |i: usize| units.get(i).map(|u| u.class);
    let mut seg_start = 0;
    let mut wordlike = false;
    for i in 0..units.len() {
        wordlike |= is_wordlike(units[i].class);
        let boundary = match units.get(i + 1) {
            None => true,
            Some(b) => {
                let prev = i.checked_sub(1).and_then(class_at);
                !joins(prev, units[i].class, b.class, class_at(i + 2))
            }
        };
        if boundary {
            if wordlike {
                emit(&text[units[seg_start].start..units[i].end]);
            }
            seg_start = i + 1;
            wordlike = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, pattern: bool) -> Vec<&str> {
        let mut out = Vec::new();
        for_each_word(text, pattern, |w| out.push(w));
        out
    }

    #[test]
    fn latin_words_and_punctuation() {
        assert_eq!(
            words(
                "hello world FOO-bar ding.dong A.B.C.s! посчастливится!",
                false
            ),
            [
                "hello",
                "world",
                "FOO",
                "bar",
                "ding.dong",
                "A.B.C.s",
                "посчастливится"
            ]
        );
        assert_eq!(
            words("don't stop, e.g. now.", false),
            ["don't", "stop", "e.g", "now"]
        );
        assert_eq!(
            words("3.14 1,000 v2 _id foo_bar", false),
            ["3.14", "1,000", "v2", "_id", "foo_bar"]
        );
        assert_eq!(
            words("banana@sanity.io a:b", false),
            ["banana", "sanity.io", "a", "b"]
        );
        assert_eq!(words("", false), Vec::<&str>::new());
        assert_eq!(words(" ... --- ___ ", false), Vec::<&str>::new());
    }

    #[test]
    fn star_is_a_letter_only_in_patterns() {
        assert_eq!(
            words("ding.* *.dong h*l*o *", true),
            ["ding.*", "*.dong", "h*l*o", "*"]
        );
        assert_eq!(words("ding.* *.dong", false), ["ding", "dong"]);
    }

    #[test]
    fn arabic_marks_stay_inside_words() {
        assert_eq!(words("مُحَمَّد رَسُولُ", false), ["مُحَمَّد", "رَسُولُ"]);
        // A leading mark with nothing before it is not a word.
        assert_eq!(words("\u{064E} ب", false), ["ب"]);
        // Arabic comma and full stop separate; the thousands separator joins digits.
        assert_eq!(words("كتاب، قلم. ١٬٠٠٠", false), ["كتاب", "قلم", "١٬٠٠٠"]);
    }

    #[test]
    fn hebrew_quotes() {
        // WB7a–c: abbreviations with ASCII quotes and with gershayim/geresh.
        assert_eq!(
            words("צה\"ל צה״ל ג' ג׳ \"שלום\"", false),
            ["צה\"ל", "צה״ל", "ג'", "ג׳", "שלום"]
        );
        // Maqaf (U+05BE) joins words visually but separates them.
        assert_eq!(words("בית־ספר", false), ["בית", "ספר"]);
    }

    #[test]
    fn ideographs_are_one_word_each() {
        assert_eq!(words("東京タワー", false), ["東", "京", "タワー"]);
    }
}
