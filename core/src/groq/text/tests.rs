//! The conformance suite's `match` and `score()` cases that can be stated over
//! strings (inputs transcribed from groq-test-suite `test/`), then Arabic,
//! Hebrew and `text::query` cases.

use super::*;

/// `texts match patterns`, with the right-hand side as its strings.
fn m(texts: &[&str], patterns: &[&str]) -> bool {
    let compiled: Vec<MatchPattern> = patterns.iter().map(|p| compile_pattern(p)).collect();
    matches(texts, &compiled)
}

fn score(texts: &[&str], patterns: &[&str]) -> f64 {
    let compiled: Vec<MatchPattern> = patterns.iter().map(|p| compile_pattern(p)).collect();
    match_score(texts, &compiled)
}

// operator/match.yml

const HELLO: &str = "hello world FOO-bar ding.dong A.B.C.s! посчастливится!";

#[test]
fn suite_match_basic() {
    for p in [
        "foo",
        "foo-bar",
        "hello",
        "hello world",
        "HELLO",
        "HELLO WORLD",
        "посчастливится",
        "A.B.C.s",
        "ding.dong",
    ] {
        assert!(m(&[HELLO], &[p]), "{p}");
    }
    for p in ["foos", "hell", "ding dong"] {
        assert!(!m(&[HELLO], &[p]), "{p}");
    }
}

/// features: [wildcardMatchSegmentation]
#[test]
fn suite_match_wildcards() {
    let yes: &[&[&str]] = &[
        &["hello*"],
        &["hel*"],
        &["foo"],
        &["bar"],
        &["*ld"],
        &["h*l*o"],
        &["foo-bar"],
        &["hel* bar"],
        &["hello bar*"],
        &["hel*", "bar"],
        &["hello", "foo"],
        &["ding*"],
        &["ding.*"],
        &["ding.*ong"],
        &["*dong"],
        &["*.dong"],
        &["*"],
    ];
    for p in yes {
        assert!(m(&[HELLO], p), "{p:?}");
    }
    for p in ["fo", "hell", "fo bar"] {
        assert!(!m(&[HELLO], &[p]), "{p}");
    }
}

#[test]
fn suite_match_multiple_text() {
    assert!(m(&["abc"], &["abc"]));
    assert!(m(&["abc", "def"], &["abc"]));
    assert!(!m(&["def"], &["abc"]));
    assert!(!m(&[], &["abc"]));
}

/// "Unsupported RHS/LHS": the evaluator answers false for non-strings without
/// calling us; what remains at the string level is an empty string on either
/// side, and no strings on the left.
#[test]
fn suite_match_empty_sides() {
    assert!(!m(&[""], &[""]));
    assert!(!m(&[], &[""]));
    assert!(!m(&[""], &["*"]));
    assert!(!m(&["text"], &[]));
}

// legacy/op_match.yml

const WHEN: &str = "When you can do nothing, what can you do?";
const FACE: &str = "What is your original face before you were born?";
const MANY: &str = "When the many are reduced to one, to what is the one reduced?";

#[test]
fn suite_op_match_literal() {
    for p in [
        "when", "WhEn", "noth*", "nothing*", "*nothing", "*thing", "no*ing", "*",
    ] {
        assert!(m(&[WHEN], &[p]), "{p}");
    }
    for p in ["foo", "nothingx*"] {
        assert!(!m(&[WHEN], &[p]), "{p}");
    }
}

#[test]
fn suite_op_match_array_on_left() {
    for p in [
        "when",
        "nothing",
        "nothin*",
        "nothing*",
        "*nothing",
        "*ing",
        "no*ing",
        "NOTHING",
        "NOTHIN*",
        "NOTHING*",
        "*ING",
        "NO*ING",
        "original",
        "orig*",
        "original*",
        "*original",
        "*ginal",
        "ORIGINAL",
        "ORIG*",
        "ORIGINAL*",
        "*ORIGINAL",
        "*GINAL",
        "*",
        "**",
    ] {
        assert!(m(&[WHEN, FACE], &[p]), "{p}");
    }
    assert!(!m(&[WHEN, FACE], &[""]));
    // "array on left side with null": the evaluator drops the null.
    assert!(m(&["test"], &["test"]));
    assert!(m(&["test"], &["te*"]));
    assert!(!m(&["test"], &["foo"]));
    assert!(!m(&[], &["foo"]));
}

#[test]
fn suite_op_match_arrays() {
    assert!(m(&[WHEN], &["WhEn", "what"]));
    assert!(!m(&[WHEN], &["foo", "what"]));
    assert!(!m(&[WHEN], &["foo", "bar"]));

    let left = ["When you can do nothing", "what can yo do?"];
    assert!(m(&left, &["can", "do"]));
    assert!(m(&left, &["can", "what"]));
    assert!(m(&left, &["when", "can"]));
    assert!(!m(&left, &["can", "foo"]));
    assert!(m(&left, &["can"]));
    assert!(m(&left, &["when"]));
    assert!(!m(&left, &["foo"]));
}

/// The koan filters: which of k1 (FACE), k2 (WHEN), k3 (MANY) match.
#[test]
fn suite_op_match_filters() {
    let which = |patterns: &[&str]| -> Vec<&str> {
        [("k1", FACE), ("k2", WHEN), ("k3", MANY)]
            .into_iter()
            .filter(|(_, text)| m(&[text], patterns))
            .map(|(id, _)| id)
            .collect()
    };
    assert_eq!(which(&["when"]), ["k2", "k3"]);
    assert_eq!(which(&["reduced"]), ["k3"]);
    assert_eq!(which(&["ReDuCeD"]), ["k3"]);
    assert!(which(&["foo"]).is_empty());
    // "filter on attribute": each koan against its own v_match.
    assert!(m(&[FACE], &["before", "bo*"]));
    assert!(m(&[WHEN], &["noth*"]));
    assert!(!m(&[MANY], &["missing"]));
    // "filter multiple terms"
    assert_eq!(which(&["what", "ReDuCeD"]), ["k3"]);
    assert!(which(&["original", "reduced"]).is_empty());
    assert!(which(&["foo", "bar"]).is_empty());
    // "filter multiple fields against terms" ([_id, text]); the cases that
    // differ between versions are GROQ 0.1 only.
    assert!(m(&["k3", MANY], &["what", "reduced"]));
    assert!(!m(&["k1", FACE], &["original", "reduced"]));
    assert!(!m(&["k3", MANY], &["foo", "bar"]));
    // "filter wildcards" and "projection embedded filter wildcard"
    assert_eq!(which(&["ReDuC*"]), ["k3"]);
    assert!(which(&["reducedx*"]).is_empty());
    assert_eq!(which(&["reduced*"]), ["k3"]);
    assert_eq!(which(&["reduce*"]), ["k3"]);
    assert_eq!(which(&["*reduced"]), ["k3"]);
    assert_eq!(which(&["*educed"]), ["k3"]);
    assert!(which(&["*reducedx"]).is_empty());
    assert_eq!(which(&["*"]), ["k1", "k2", "k3"]);
    assert_eq!(which(&["red*ced"]), ["k3"]);
    assert!(which(&["reduc*edx"]).is_empty());
    assert!(which(&["reduc*one"]).is_empty());
}

#[test]
fn suite_wildcard_with_punctuation() {
    assert!(m(&["foo.bar"], &["foo.*"]));
    // legacy/regression_issue_459.yml and func_references.yml (GROQ 0.1, but
    // the same string semantics).
    assert!(m(&["drafts.article-0"], &["drafts.*"]));
    assert!(!m(&["article-0"], &["drafts.*"]));
    assert!(m(&["moviedb.movie"], &["moviedb.*"]));
}

#[test]
fn suite_lower_and_portable_text() {
    // function/lower.yml: lower(_id) match "movie*"
    assert!(m(&["movie-100"], &["movie*"]));
    assert!(m(&["movie-10000"], &["movie*"]));
    assert!(!m(&["pt-block"], &["movie*"]));
    // lower(pt::text(body)) match "This is a*"
    let pt = "This is child in a block.\n\nThis is child in another block.This is another child in another block.";
    assert!(m(&[&pt.to_lowercase()], &["This is a*"]));
    assert!(!m(&["movie-100"], &["This is a*"]));
    // extensions/pt/text.yml: pt::text(body) match "This is*"
    for text in [
        pt,
        "This is a custom block.",
        "This is code text. This is underline text. This is strikethrough text.\n\nItem 1 in bold.\n\nItem 2 in italic.\n\nHeading 6 with a link.\n\n",
        "This is a child.",
        "This is a child.This is another child.",
    ] {
        assert!(m(&[text], &["This is*"]), "{text}");
    }
    assert!(!m(&[""], &["This is*"]));
    // pt::text(...) match "child"
    assert!(m(&["This is a child.This is another child."], &["child"]));
}

#[test]
fn suite_regressions() {
    // legacy/regression_issue_702.yml: body[].children[].text match 'd*'
    assert!(m(&["b01", "b02", "b03", "d01", "d02"], &["d*"]));
    assert!(!m(&["e01", "e02"], &["d*"]));
    // legacy/regression_issue_774.yml
    let span = "gAUopSNAEnXjZH rvZdXEqX nMnxwaHLsSXMrD gUat ohHXaPHIkUqq XALnpD TtzckgirNk";
    assert!(m(&["lkiyaRGV PiZadvNzmvtg", span], &["ohHXaPHIkUqq*"]));
    // legacy/regression_issue_542.yml: 100 000-digit patterns against "id".
    let digits = "1234567890".repeat(10_000);
    for p in [
        format!("{digits}*"),
        format!("*{digits}"),
        format!("{}*{}", &digits[..50_000], &digits[50_000..]),
        digits.clone(),
        format!("i* {digits}*"),
    ] {
        assert!(!m(&["id"], &[&p]));
    }
    assert!(m(&["id"], &["id"]));
}

// function/score.yml and function/boost.yml

#[test]
fn suite_score_text_match() {
    let a = score(&["hello"], &["fish"]);
    let b = score(&["Hello world"], &["fish"]);
    let c = score(&["Thanks for all the fish"], &["fish"]);
    let d = score(&["Fish, fish, just fish"], &["fish"]);
    assert!(d > c && c > a, "{d} {c} {a}");
    assert_eq!(a, 0.0);
    assert_eq!(a, b);
    assert_eq!(c, 1.0);
    // boost(text match "world", 10): only b has a positive inner score.
    assert!(score(&["Hello world"], &["world"]) > 0.0);
    assert_eq!(score(&["Fish, fish, just fish"], &["world"]), 0.0);
}

#[test]
fn score_edge_cases() {
    assert_eq!(score(&[], &["fish"]), 0.0);
    assert_eq!(score(&["fish"], &[""]), 0.0);
    // Terms add up; a term that misses adds nothing.
    let both = score(&["red fish blue fish"], &["red fish"]);
    let one = score(&["red fish blue fish"], &["red"]);
    assert!(both > one && one > 0.0);
    assert_eq!(score(&["red"], &["red fish"]), score(&["red"], &["red"]));
    // Saturates below k1 + 1.
    let many = vec!["fish"; 1000];
    assert!(score(&many, &["fish"]) < 2.2);
}

#[test]
fn text_tokens_are_folded_words() {
    assert_eq!(
        text_tokens(HELLO),
        [
            "hello",
            "world",
            "foo",
            "bar",
            "ding.dong",
            "a.b.c.s",
            "посчастливится"
        ]
    );
    assert!(text_tokens("").is_empty());
    assert!(text_tokens("ـــ \u{064E}").is_empty());
}

#[test]
fn pattern_shape() {
    assert!(compile_pattern("").is_empty());
    assert!(compile_pattern(" -- ! ").is_empty());
    assert_eq!(compile_pattern("hel* bar").len(), 2);
    assert_eq!(compile_pattern("HELLO"), compile_pattern("hello"));
    assert_eq!(compile_pattern("أحمد"), compile_pattern("احمد"));
}

// Arabic and Hebrew

#[test]
fn arabic_match() {
    assert!(m(&["مُحَمَّد رَسُولُ اللَّهِ"], &["محمد"]));
    assert!(m(&["محمد رسول الله"], &["مُحَمَّد"]));
    assert!(m(&["قال أحمد"], &["احمد"]));
    assert!(m(&["قال احمد"], &["أحمد"]));
    assert!(m(&["إبراهيم"], &["ابراهيم"]));
    assert!(m(&["القرآن"], &["القران"]));
    assert!(!m(&["ذهبت إلى المدرسة"], &["مدرسه"]), "no clitic stripping");
    assert!(m(&["ذهبت إلى المدرسة"], &["المدرسه"]));
    assert!(m(&["مدرسة"], &["مدرسه"]));
    assert!(m(&["مدرسه"], &["مدرسة"]));
    assert!(m(&["مسؤول"], &["مسوول"]));
    assert!(m(&["رئيس"], &["رييس"]));
    assert!(m(&["مستشفى"], &["مستشفي"]));
    assert!(m(&["عام ٢٠٢٤"], &["2024"]));
    assert!(m(&["year 2024"], &["٢٠٢٤"]));
    assert!(m(&["سال ۱۴۰۳"], &["1403"]));
    assert!(m(&["كتـــاب"], &["كتاب"]));
    assert!(m(&["كتاب"], &["كـتـاب"]));
    assert!(m(&["ٱلرَّحْمَٰنِ ٱلرَّحِيمِ"], &["الرحمن الرحيم"]));
    // Wildcards, on folded text.
    assert!(m(&["مُحَمَّد"], &["مح*"]));
    assert!(m(&["المدرسة"], &["*مدرسه"]));
    assert!(m(&["المدرسة الجديدة"], &["ال*ة"]));
    assert!(!m(&["محمد"], &["احمد"]));
    // Arabic punctuation separates words.
    assert!(m(&["كتاب، قلم؛ دفتر؟"], &["قلم", "دفتر"]));
    // Persian keyboard letters and ZWNJ.
    assert!(m(&["کتاب"], &["كتاب"]));
    assert!(m(&["می\u{200C}خواهم"], &["میخواهم"]));
}

#[test]
fn hebrew_match() {
    assert!(m(&["בְּרֵאשִׁית בָּרָא אֱלֹהִים"], &["בראשית"]));
    assert!(m(&["שלום עולם"], &["שָׁלוֹם"]));
    assert!(m(&["חיילי צה״ל"], &["צה\"ל"]));
    assert!(m(&["חיילי צה\"ל"], &["צה״ל"]));
    assert!(m(&["בית־ספר"], &["ספר"]));
    assert!(m(&["ירושלים"], &["ירושל*"]));
    assert!(!m(&["שלום"], &["שלו"]));
    assert!(m(&["מֶלֶךְ"], &["מלך"]));
}

// text::query

fn tq(texts: &[&str], q: &str) -> bool {
    matches_text_query(texts, &parse_text_query(q))
}

fn tq_score(texts: &[&str], q: &str) -> f64 {
    text_query_score(texts, &parse_text_query(q))
}

#[test]
fn text_query_words_and_wildcards() {
    let doc = ["Summer fashion trends for 2024", "Linen shirts and sandals"];
    assert!(tq(&doc, "summer fashion"));
    assert!(tq(&doc, "fashion summer"));
    assert!(tq(&doc, "SUMMER linen"));
    assert!(!tq(&doc, "summer winter"));
    assert!(tq(&doc, "fash*"));
    assert!(tq(&doc, "summer sand*"));
    assert!(!tq(&doc, "summer sandx*"));
    assert!(tq(&doc, "*"));
    assert!(!tq(&[""], "*"));
    assert!(!tq(&doc, ""));
    assert!(!tq(&doc, "   "));
    assert!(parse_text_query(" \t ").is_empty());
}

#[test]
fn text_query_phrases() {
    let doc = ["The quick brown fox jumps over the lazy dog"];
    assert!(tq(&doc, "\"quick brown\""));
    assert!(tq(&doc, "\"QUICK BROWN fox\" lazy"));
    assert!(!tq(&doc, "\"brown quick\""));
    assert!(!tq(&doc, "\"quick fox\""));
    assert!(tq(&doc, "\"quick bro*\""));
    // Phrases do not run across texts.
    assert!(!tq(&["quick", "brown"], "\"quick brown\""));
    assert!(tq(&["quick", "brown"], "quick brown"));
    // A chunk that splits into several words is a phrase.
    assert!(tq(&["send an e-mail"], "e-mail"));
    assert!(tq(&["send an e mail"], "e-mail"));
    assert!(!tq(&["mail e"], "e-mail"));
    // Unbalanced quote runs to the end.
    assert!(tq(&doc, "lazy \"over the"));
    assert!(!tq(&doc, "lazy \"the over"));
}

#[test]
fn text_query_exclusion() {
    let doc = ["Summer fashion trends", "Linen shirts"];
    assert!(tq(&doc, "summer -winter"));
    assert!(!tq(&doc, "summer -linen"));
    assert!(!tq(&doc, "summer -lin*"));
    assert!(tq(&doc, "summer -\"shirts linen\""));
    assert!(!tq(&doc, "summer -\"linen shirts\""));
    // Only exclusions: matches texts without them.
    assert!(tq(&doc, "-winter"));
    assert!(!tq(&doc, "-summer"));
    assert_eq!(tq_score(&doc, "-winter"), 0.0);
    // Studio's odd inputs: a bare or doubled dash is ignored.
    assert!(tq(&doc, "summer* --"));
    assert!(tq(&doc, "summer - fashion"));
    assert!(parse_text_query("--").is_empty());
    // A dash inside a word is not an exclusion.
    assert!(tq(&["a well-known fact"], "well-known"));
}

#[test]
fn text_query_no_or() {
    // Sanity documents no OR: it is a word like any other.
    assert!(!tq(&["cats"], "cats OR dogs"));
    assert!(tq(&["cats or dogs"], "cats OR dogs"));
}

#[test]
fn text_query_score_ranks() {
    let q = "fish";
    let once = tq_score(&["Thanks for all the fish"], q);
    let thrice = tq_score(&["Fish, fish, just fish"], q);
    assert!(thrice > once && once > 0.0);
    assert_eq!(tq_score(&["hello"], q), 0.0);
    // Partial matches score 0.
    assert_eq!(tq_score(&["red fish"], "red blue"), 0.0);
    assert!(tq_score(&["red blue"], "red blue") > tq_score(&["red blue"], "red"));
    // Excluded words zero the score.
    assert_eq!(tq_score(&["red fish"], "red -fish"), 0.0);
    // Phrases count occurrences.
    assert!(tq_score(&["big cat big cat"], "\"big cat\"") > tq_score(&["big cat"], "\"big cat\""));
}

#[test]
fn text_query_arabic_hebrew() {
    assert!(tq(&["مُحَمَّد رَسُولُ اللَّهِ"], "محمد رسول"));
    assert!(tq(&["مُحَمَّد رَسُولُ اللَّهِ"], "\"محمد رسول\""));
    assert!(tq(&["أحمد في المدرسة"], "احمد -مدرسه"));
    assert!(!tq(&["أحمد في المدرسة"], "احمد -المدرسه"));
    assert!(tq(&["السنة ٢٠٢٤"], "2024"));
    assert!(tq(&["שָׁלוֹם עוֹלָם"], "\"שלום עולם\""));
    assert!(tq(&["שָׁלוֹם עוֹלָם"], "של*"));
}

#[test]
fn no_panics_on_odd_input() {
    let odd = [
        "",
        "*",
        "-",
        "\"",
        "\"\"",
        "-\"",
        "***",
        "\u{064E}",
        "\u{0301}\u{0301}",
        "ـ",
        "a\u{0000}b",
        "\u{FFFF}\u{10FFFF}",
        "'''\"\"\"...,,,",
        "\u{200D}\u{200C}\u{FEFF}",
        "\u{FEFB}\u{FB4F}\u{FE70}",
        "İİİ ßß ς",
        "-\"-\"-",
    ];
    for a in odd {
        for b in odd {
            let _ = m(&[a], &[b]);
            let _ = score(&[a], &[b]);
            let _ = tq(&[a], b);
            let _ = tq_score(&[a], b);
        }
    }
}
