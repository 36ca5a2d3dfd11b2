//! `text::query("...")`: the search-box syntax Sanity's Text Search API
//! accepts and Studio's search sends, compiled to terms and phrases that are
//! matched with the same words, folding and wildcards as `match`.

use super::pattern::{bm25_tf, pattern_terms, Term};
use super::text_tokens;

/// One condition of a query: a word (one term) or a phrase (several terms
/// that must match consecutive words of one text, in order).
#[derive(Debug, Clone, PartialEq)]
struct Clause {
    /// `-word` / `-"phrase"`: the text must not contain it.
    negated: bool,
    terms: Vec<Term>,
}

/// A compiled `text::query(...)` string; see [`parse_text_query`].
#[derive(Debug, Clone, PartialEq)]
pub struct TextQuery {
    clauses: Vec<Clause>,
}

impl TextQuery {
    /// Whether the query has no conditions (it was empty, blank, or only
    /// punctuation). Such a query matches nothing.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

/// Compiles a `text::query()` string.
///
/// The syntax, the one Sanity documents for `text::query` (phrases,
/// exclusion, wildcards) and Studio's search box produces:
///
/// - Chunks separated by whitespace are conditions that must all hold (AND).
/// - `"quoted words"` is a phrase: its words must appear consecutively and in
///   order within one text. A missing closing quote runs to the end.
/// - A chunk that splits into several words (`e-mail`, `foo/bar`) is a phrase
///   of those words too, so `e-mail` finds "e-mail" and "e mail" but not
///   "mail e".
/// - A leading `-` excludes: `-word`, `-"a phrase"`. A `-` with nothing after
///   it (`-`, `--`) is ignored.
/// - `*` is a wildcard inside any word, as in `match`; Studio appends one to
///   the last word for search-as-you-type (`foo ba*`).
/// - There is no OR, grouping or field syntax: Sanity documents none, so
///   `OR`, `AND`, `(`, `)` and `title:` are ordinary text (letters become
///   words to find; punctuation is dropped).
///
/// Words are folded exactly as in `match`.
pub fn parse_text_query(q: &str) -> TextQuery {
    let mut clauses = Vec::new();
    let mut rest = q;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let negated = rest.starts_with('-');
        if negated {
            rest = &rest[1..];
        }
        let chunk;
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            chunk = &quoted[..end];
            rest = quoted.get(end + 1..).unwrap_or("");
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"')
                .unwrap_or(rest.len());
            chunk = &rest[..end];
            rest = &rest[end..];
        }
        let terms = pattern_terms(chunk);
        if !terms.is_empty() {
            clauses.push(Clause { negated, terms });
        }
    }
    TextQuery { clauses }
}

/// How many times `clause` occurs in the texts: for a word, the number of
/// matching words; for a phrase, the number of places where its terms match
/// consecutive words of one text.
fn occurrences(texts: &[Vec<String>], clause: &Clause) -> usize {
    let n = clause.terms.len();
    texts
        .iter()
        .map(|tokens| {
            if n == 0 || tokens.len() < n {
                return 0;
            }
            tokens
                .windows(n)
                .filter(|window| clause.terms.iter().zip(*window).all(|(t, w)| t.matches(w)))
                .count()
        })
        .sum()
}

/// The occurrences of each clause, or `None` when the query does not match.
fn evaluate(texts: &[&str], q: &TextQuery) -> Option<Vec<(bool, usize)>> {
    if q.clauses.is_empty() {
        return None;
    }
    let tokens: Vec<Vec<String>> = texts.iter().map(|t| text_tokens(t)).collect();
    if tokens.iter().all(Vec::is_empty) {
        return None;
    }
    let mut found = Vec::with_capacity(q.clauses.len());
    for clause in &q.clauses {
        let count = occurrences(&tokens, clause);
        if clause.negated == (count > 0) {
            return None;
        }
        found.push((clause.negated, count));
    }
    Some(found)
}

/// `texts match text::query(...)`: true when the texts have at least one
/// word, every plain word and phrase of the query occurs in them, and no
/// excluded one does. A query with only exclusions matches any text with
/// words that contains none of them; an empty query matches nothing.
///
/// Phrases must lie within one text; words may come from different texts.
pub fn matches_text_query(texts: &[&str], q: &TextQuery) -> bool {
    evaluate(texts, q).is_some()
}

/// The relevance `score()` gives `texts match text::query(...)`: 0 when it
/// does not match; otherwise the sum over the query's plain words and phrases
/// of `freq × (k1 + 1) / (freq + k1)` (`k1 = 1.2`, as for [`super::match_score`]),
/// where `freq` is the number of occurrences. Exclusions add nothing, so a
/// query of only exclusions scores 0 even where it matches.
///
/// Unlike `match` with a plain pattern, a partial match scores 0: documents
/// Studio's search ranks must contain every word the user typed.
pub fn text_query_score(texts: &[&str], q: &TextQuery) -> f64 {
    match evaluate(texts, q) {
        None => 0.0,
        Some(found) => found
            .into_iter()
            .filter(|&(negated, _)| !negated)
            .map(|(_, count)| bm25_tf(count))
            .sum(),
    }
}
