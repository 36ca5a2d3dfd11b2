//! `match` patterns: terms with `*` wildcards, matched against folded words,
//! and the relevance `score()` gives a `match`.

use std::collections::BTreeMap;

use super::fold::fold;
use super::text_tokens;
use super::tokenize::for_each_word;

/// One term of a pattern: a folded word in which `*` stands for any run of
/// characters, including none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    /// The term split at its `*`s (runs of `*` count as one), so a term with
    /// `n` wildcards has `n + 1` parts, the first and last possibly empty.
    parts: Vec<String>,
}

impl Term {
    /// `word` must already be folded.
    pub(crate) fn new(word: &str) -> Term {
        let mut parts: Vec<String> = vec![String::new()];
        let mut after_star = false;
        for c in word.chars() {
            if c == '*' {
                if !after_star {
                    parts.push(String::new());
                }
                after_star = true;
            } else {
                after_star = false;
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
        }
        Term { parts }
    }

    /// The term without wildcards, if it has none.
    pub(crate) fn exact(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// Whether the folded word `token` matches this term as a whole.
    ///
    /// Linear in the lengths of `token` and the term, however many wildcards
    /// the term has: the first part must be a prefix and the last a suffix of
    /// the token, and the middle parts are found left to right in between,
    /// each at its leftmost place, which never loses a match because a `*`
    /// can always absorb what an earlier choice skipped.
    pub(crate) fn matches(&self, token: &str) -> bool {
        let (first, rest) = match self.parts.split_first() {
            Some(split) => split,
            None => return false,
        };
        let Some((last, middle)) = rest.split_last() else {
            return token == first;
        };
        if token.len() < first.len() + last.len()
            || !token.starts_with(first.as_str())
            || !token.ends_with(last.as_str())
        {
            return false;
        }
        // Both bounds are character boundaries: `token` starts with `first`,
        // ends with `last`, and they do not overlap.
        let mut between = &token[first.len()..token.len() - last.len()];
        for part in middle {
            match between.find(part.as_str()) {
                Some(at) => between = &between[at + part.len()..],
                None => return false,
            }
        }
        true
    }
}

/// The terms of a pattern string: its words (with `*` as a letter), folded.
pub(crate) fn pattern_terms(pattern: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    for_each_word(pattern, true, |word| {
        let folded = fold(word);
        if !folded.is_empty() {
            terms.push(Term::new(&folded));
        }
    });
    terms
}

/// A compiled `match` pattern: one string from the right-hand side of `match`,
/// split into words and folded exactly as the text is, with `*` kept inside
/// words as a wildcard.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchPattern {
    pub(crate) terms: Vec<Term>,
}

impl MatchPattern {
    /// Whether the pattern has no terms (it was empty or only punctuation).
    /// Such a pattern adds no condition; see [`matches`].
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }
}

/// Compiles one pattern string for [`matches`] and [`match_score`].
pub fn compile_pattern(pattern: &str) -> MatchPattern {
    MatchPattern {
        terms: pattern_terms(pattern),
    }
}

/// How often each distinct folded word occurs in `texts`.
pub(crate) fn token_counts(texts: &[&str]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for text in texts {
        for token in text_tokens(text) {
            *counts.entry(token).or_insert(0) += 1;
        }
    }
    counts
}

/// How many words in `counts` match `term`.
pub(crate) fn term_frequency(counts: &BTreeMap<String, usize>, term: &Term) -> usize {
    match term.exact() {
        Some(word) => counts.get(word).copied().unwrap_or(0),
        None => counts
            .iter()
            .filter(|(token, _)| term.matches(token))
            .map(|(_, n)| n)
            .sum(),
    }
}

/// `k1` of Okapi BM25, the constant groq-js uses.
const BM25_K1: f64 = 1.2;

/// BM25's saturating term-frequency weight: 0 for 0, 1 for 1, approaching
/// `k1 + 1` as `freq` grows.
pub(crate) fn bm25_tf(freq: usize) -> f64 {
    let f = freq as f64;
    f * (BM25_K1 + 1.0) / (f + BM25_K1)
}

/// `texts match patterns`.
///
/// `texts` are the strings of the left-hand side (a string, or the strings of
/// an array; the evaluator skips other values) and `patterns` the strings of
/// the right-hand side, compiled. True when the texts have at least one word,
/// the patterns at least one term between them, and every term of every
/// pattern matches some word of some text. A pattern without terms (`""`,
/// `"!!"`) adds no condition, so `"abc" match ["abc", ""]` is true and
/// `"abc" match ""` false.
pub fn matches(texts: &[&str], patterns: &[MatchPattern]) -> bool {
    let mut terms = patterns.iter().flat_map(|p| &p.terms).peekable();
    if terms.peek().is_none() {
        return false;
    }
    let counts = token_counts(texts);
    if counts.is_empty() {
        return false;
    }
    terms.all(|term| term_frequency(&counts, term) > 0)
}

/// The relevance `score()` gives `texts match patterns`.
///
/// For each term of each pattern, `freq` is the number of words in the texts
/// it matches (repeats count); the score is the sum over the terms of
/// `freq × (k1 + 1) / (freq + k1)` with `k1 = 1.2`, BM25's term-frequency
/// weight, as groq-js computes it. A term that does not match adds 0, so the
/// score is positive when any term matches, even if `matches` is false. No
/// words or no terms give 0. (If the right-hand side held a non-string, the
/// evaluator should use 0 without calling this, as groq-js does.)
pub fn match_score(texts: &[&str], patterns: &[MatchPattern]) -> f64 {
    let counts = token_counts(texts);
    if counts.is_empty() {
        return 0.0;
    }
    patterns
        .iter()
        .flat_map(|p| &p.terms)
        .map(|term| bm25_tf(term_frequency(&counts, term)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::Term;

    #[test]
    fn glob() {
        let t = |p: &str, s: &str| Term::new(p).matches(s);
        assert!(t("hello", "hello"));
        assert!(!t("hello", "hell"));
        assert!(t("hel*", "hello"));
        assert!(t("hel*", "hel"));
        assert!(t("*ld", "world"));
        assert!(t("h*l*o", "hello"));
        assert!(t("h*l*o", "hlo"));
        assert!(!t("h*l*o", "ho"));
        assert!(t("*", ""));
        assert!(t("**", "x"));
        assert!(t("a*a", "aa"));
        assert!(!t("a*a", "a"));
        assert!(t("ab*ba", "abba"));
        assert!(!t("ab*ba", "aba"));
        assert!(t("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!t("*a*b*c*", "xxcxxbxxaxx"));
        assert!(t("ding.*", "ding.dong"));
        assert!(t("*.dong", "ding.dong"));
        assert!(t("ding.*ong", "ding.dong"));
        assert!(t("مح*", "محمد"));
        assert!(t("*م*", "محمد"));
        assert!(!t("*ب*", "محمد"));
    }

    #[test]
    fn many_wildcards_stay_linear() {
        // A term like "a*a*a*…*b" against "aaaa…a" is the classic exponential
        // case for backtracking matchers.
        let pattern = format!("{}b", "a*".repeat(5_000));
        let token = "a".repeat(100_000);
        assert!(!Term::new(&pattern).matches(&token));
        assert!(Term::new(&pattern).matches(&format!("{token}b")));
    }
}
