//! Text search for GROQ, as pure functions over strings: the `match`
//! operator, the relevance `score()` gives a `match`, and Sanity's
//! `text::query()`. The evaluator gathers the strings (a string, or the
//! strings of an array) and calls these.
//!
//! # Words
//!
//! Text is split into words by the word rules of Unicode Standard Annex #29
//! (see `tokenize.rs` for the rules and the few simplifications), so every
//! script splits the same way: letters, combining marks and digits of any
//! script form words; Arabic and Hebrew marks stay inside their word; a dot,
//! apostrophe or middle dot between two letters (`ding.dong`, `don't`,
//! `A.B.C.s`), and a dot or comma between two digits (`3.14`, `1,000`), do not
//! split; `_` joins (`foo_bar`); everything else (spaces, `-`, `@`, `:`, `/`,
//! other punctuation, symbols) separates and is dropped. Han ideographs and
//! Hiragana are one word per character.
//!
//! A pattern is split the same way except that `*` counts as a letter, so
//! `"ding.*"` is the single term `ding.*` and matches `ding.dong` (the test
//! suite's `wildcardMatchSegmentation` feature).
//!
//! # Folding
//!
//! Each word of a text, pattern or query is folded, so that what readers treat
//! as the same word compares equal. Exactly this is folded (and listed again in
//! `FOLDING.md`):
//!
//! **Case**
//! - Unicode lowercase (`char::to_lowercase`); `İ` → `i`, `ß` and `ẞ` → `ss`,
//!   final sigma `ς` → `σ`.
//!
//! **Arabic**
//! - Removed: harakat, tanwin, shadda, sukun and the other marks U+064B–U+065F
//!   (including hamza above/below as combining marks, U+0654/U+0655);
//!   superscript (dagger) alef U+0670; honorific and small signs U+0610–U+061A;
//!   Quranic annotation marks U+06D6–U+06ED, U+0898–U+089F, U+08CA–U+08E1,
//!   U+08E3–U+08FF; tatweel U+0640.
//! - Alef forms `آ أ إ ٱ` (U+0622, U+0623, U+0625, U+0671) and wavy/high hamza
//!   alef (U+0672, U+0673, U+0675) → `ا`.
//! - `ؤ` → `و`; `ئ` → `ي`.
//! - Alef maqsura `ى` → `ي`, and Farsi yeh `ی` → `ي`. Decided this way (as
//!   Lucene's Arabic normaliser does) because Egyptian and much web text writes
//!   final `ي` as `ى` and Persian keyboards type `ی`; the cost is that `على`
//!   ("on") and `علي` ("Ali") become one word.
//! - Keheh `ک` → `ك` (Persian keyboards).
//! - Ta marbuta `ة` → `ه`.
//! - Arabic-Indic digits `٠`–`٩` and Persian/Urdu digits `۰`–`۹` → `0`–`9`;
//!   Arabic decimal separator `٫` → `.` and thousands separator `٬` → `,`.
//! - Presentation forms U+FE70–U+FEFC (contextual shapes, lam-alef ligatures)
//!   → the letters they show, then folded as above.
//!
//! **Hebrew**
//! - Removed: niqqud and cantillation, i.e. the marks in U+0591–U+05C7
//!   (U+0591–U+05BD, U+05BF, U+05C1–U+05C2, U+05C4–U+05C5, U+05C7; maqaf,
//!   paseq, sof pasuq and nun hafukha there are punctuation and separate
//!   words), and U+FB1E.
//! - Geresh `׳` → `'` and gershayim `״` → `"`, what Hebrew keyboards type in
//!   their place (`צה״ל` = `צה"ל`).
//! - Presentation forms U+FB1D–U+FB4F (pointed letters, wide letters,
//!   alef-lamed) → the letters they show, then folded as above.
//! - Final forms (`ך ם ן ף ץ`) are *not* folded: spelling fixes them.
//!
//! **Everywhere**
//! - Removed: invisible format controls (general category Cf: soft hyphen,
//!   ZWNJ, ZWJ, LRM/RLM, the Arabic letter mark, bidi controls, word joiner,
//!   BOM), the combining grapheme joiner U+034F and variation selectors.
//! - Typographic apostrophes `‘ ’` → `'`.
//!
//! Not folded: Latin and other accents (`café` ≠ `cafe`), Unicode
//! normalisation (a decomposed `e` + U+0301 ≠ precomposed `é`), other scripts'
//! digits, stemming and Arabic clitics (`الكتاب` ≠ `كتاب`; use `*كتاب`).
//!
//! # Semantics
//!
//! - [`matches`] (spec "Match operator"; groq-js): true when every term of
//!   every pattern matches a whole word of some text; `*` stands for any run
//!   of characters. No words, or no terms at all, give false.
//! - [`match_score`] (spec "score()", which leaves scoring to the
//!   implementation; groq-js): BM25's term-frequency weight summed over terms.
//! - [`parse_text_query`], [`matches_text_query`], [`text_query_score`]:
//!   Sanity's `text::query()`; see [`parse_text_query`] for the syntax.
//!
//! Work is linear in the text and pattern lengths for each (word, term) pair,
//! however many wildcards a pattern has; nothing here panics.

mod fold;
mod pattern;
mod query;
#[rustfmt::skip]
mod tables;
mod tokenize;

#[cfg(test)]
mod tests;

pub use pattern::{compile_pattern, match_score, matches, MatchPattern};
pub use query::{matches_text_query, parse_text_query, text_query_score, TextQuery};

/// The words `text` yields for `match`, folded, in order (repeats kept).
pub fn text_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    tokenize::for_each_word(text, false, |word| {
        let mut folded = String::with_capacity(word.len());
        fold::fold_into(word, &mut folded);
        if !folded.is_empty() {
            tokens.push(folded);
        }
    });
    tokens
}
