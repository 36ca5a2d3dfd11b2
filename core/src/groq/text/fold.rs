//! Folding: what a reader treats as the same word is made the same string,
//! on both sides of `match`. The exact list is in the parent module's
//! documentation and in `FOLDING.md`; keep the three in step.

use super::tables::{ARABIC_PRESENTATION_FORMS_B, HEBREW_PRESENTATION_FORMS};
use super::tokenize::is_format;

/// Characters dropped from a word.
fn is_dropped(c: char) -> bool {
    matches!(c as u32,
        // Arabic: honorific and Quranic small signs, harakat/tanwin/shadda/sukun
        // and the other marks of U+064B–U+065F, superscript alef.
        0x0610..=0x061A | 0x064B..=0x065F | 0x0670
        // Arabic: tatweel (kashida).
        | 0x0640
        // Arabic: Quranic annotation marks.
        | 0x06D6..=0x06ED | 0x0898..=0x089F | 0x08CA..=0x08E1 | 0x08E3..=0x08FF
        // Hebrew: cantillation marks and niqqud (the marks of U+0591–U+05C7;
        // maqaf, paseq, sof pasuq and nun hafukha there are punctuation and
        // never reach a word), and the Judeo-Spanish varika.
        | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2 | 0x05C4..=0x05C5 | 0x05C7 | 0xFB1E
        // Invisible: combining grapheme joiner, variation selectors.
        | 0x034F | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
        // Invisible format controls: soft hyphen, ZWNJ, ZWJ, LRM/RLM, ALM,
        // bidi embeddings and isolates, word joiner, BOM, ...
        || is_format(c)
}

/// Appends the folded form of `c` to `out`.
fn fold_char(c: char, out: &mut String) {
    if is_dropped(c) {
        return;
    }
    let mapped = match c {
        // Arabic alef with hamza above/below, with madda, wasla, wavy hamza
        // above/below, high hamza → bare alef.
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' | '\u{0672}' | '\u{0673}'
        | '\u{0675}' => '\u{0627}',
        // Waw with hamza → waw.
        '\u{0624}' => '\u{0648}',
        // Yeh with hamza, alef maqsura, Farsi yeh → Arabic yeh.
        '\u{0626}' | '\u{0649}' | '\u{06CC}' => '\u{064A}',
        // Keheh (Persian kaf) → Arabic kaf.
        '\u{06A9}' => '\u{0643}',
        // Teh marbuta → heh.
        '\u{0629}' => '\u{0647}',
        // Arabic-Indic and Extended Arabic-Indic (Persian, Urdu) digits → ASCII.
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        // Arabic decimal and thousands separators → ASCII.
        '\u{066B}' => '.',
        '\u{066C}' => ',',
        // Hebrew geresh and gershayim → ASCII apostrophe and quote, which
        // Hebrew keyboards type in their place.
        '\u{05F3}' => '\'',
        '\u{05F4}' => '"',
        // Typographic apostrophes → ASCII apostrophe.
        '\u{2018}' | '\u{2019}' => '\'',
        // Case: lowercase, plus the case-folding extras.
        '\u{0130}' => 'i',
        '\u{00DF}' | '\u{1E9E}' => {
            out.push_str("ss");
            return;
        }
        '\u{03C2}' => '\u{03C3}',
        '\u{FB1D}'..='\u{FB4F}' | '\u{FE70}'..='\u{FEFC}' => {
            let table = if (c as u32) < 0xFE70 {
                HEBREW_PRESENTATION_FORMS
            } else {
                ARABIC_PRESENTATION_FORMS_B
            };
            if let Ok(i) = table.binary_search_by_key(&c, |&(k, _)| k) {
                // The replacements are base letters and marks, never other
                // presentation forms, so this recursion is one level deep.
                for d in table[i].1.chars() {
                    fold_char(d, out);
                }
                return;
            }
            c
        }
        _ if c.is_ascii() => c.to_ascii_lowercase(),
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push(mapped);
}

/// Appends the folded form of `word` to `out`.
pub(crate) fn fold_into(word: &str, out: &mut String) {
    for c in word.chars() {
        fold_char(c, out);
    }
}

/// The folded form of `word`.
pub(crate) fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn arabic() {
        assert_eq!(fold("مُحَمَّد"), "محمد");
        assert_eq!(fold("أحمد"), "احمد");
        assert_eq!(fold("إسلام"), "اسلام");
        assert_eq!(fold("آمن"), "امن");
        assert_eq!(fold("ٱلله"), "الله");
        assert_eq!(fold("مدرسة"), "مدرسه");
        assert_eq!(fold("مسؤول"), "مسوول");
        assert_eq!(fold("رئيس"), "رييس");
        assert_eq!(fold("على"), "علي");
        assert_eq!(fold("كتـــاب"), "كتاب");
        assert_eq!(fold("٢٠٢٤"), "2024");
        assert_eq!(fold("۱۴۰۳"), "1403");
        assert_eq!(fold("٣٫١٤"), "3.14");
        // Persian keyboard letters.
        assert_eq!(fold("کتابی"), "كتابي");
        // Quranic text: superscript alef, small high marks.
        assert_eq!(fold("ٱلرَّحْمَٰنِ"), "الرحمن");
        // Hamza written as a combining mark folds like the precomposed letter.
        assert_eq!(fold("\u{0627}\u{0654}\u{062D}\u{0645}\u{062F}"), "احمد");
        // Presentation forms (legacy encodings, PDF extraction).
        assert_eq!(fold("\u{FEE3}\u{FEA4}\u{FEE4}\u{FEAA}"), "محمد");
        assert_eq!(fold("\u{FEFB}"), "لا");
        // ZWNJ inside a Persian word.
        assert_eq!(fold("می\u{200C}خواهم"), "ميخواهم");
    }

    #[test]
    fn hebrew() {
        assert_eq!(fold("שָׁלוֹם"), "שלום");
        assert_eq!(fold("בְּרֵאשִׁית"), "בראשית");
        assert_eq!(fold("צה״ל"), "צה\"ל");
        assert_eq!(fold("ג׳"), "ג'");
        assert_eq!(fold("\u{FB2A}\u{FB4B}"), "שו");
    }

    #[test]
    fn case_and_other() {
        assert_eq!(fold("HeLLo"), "hello");
        assert_eq!(fold("ПОСЧАСТЛИВИТСЯ"), "посчастливится");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("STRASSE"), fold("Straße"));
        assert_eq!(fold("ΟΔΟΣ"), fold("οδος"));
        assert_eq!(fold("don’t"), "don't");
        assert_eq!(fold("co\u{00AD}operate"), "cooperate");
        assert_eq!(fold("h*l*o"), "h*l*o");
    }
}
