//! Parsing the text of a `diffMatchPatch` patch.
//!
//! The format is GNU unified diff applied to characters:
//!
//! ```text
//! @@ -start1,length1 +start2,length2 @@
//!  context
//! -deleted
//! +inserted
//! ```
//!
//! with each line's content `%`-escaped the way JS `encodeURI` escapes it.
//! Sanity's variant counts the header offsets and lengths in UTF-8 bytes, not
//! UTF-16 code units; the applier converts them against the text it patches.
//! Parsing follows `parsePatch` of `@sanity/diff-match-patch` 3.2.1: it
//! accepts and rejects the same texts.

use super::dmp_diff::Op;

/// Why a patch text could not be parsed.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum DmpError {
    /// A hunk must start with `@@ -a[,b] +c[,d] @@`.
    #[error("line {line}: expected a hunk header like \"@@ -1,4 +1,5 @@\", found {found:?}")]
    BadHeader { line: usize, found: String },
    /// Lines inside a hunk start with ' ', '-' or '+'.
    #[error("line {line}: a hunk line must start with ' ', '-' or '+', found {prefix:?}")]
    BadLinePrefix { line: usize, prefix: char },
    /// `%` must start a valid, UTF-8 encoded escape such as `%C3%A9`.
    #[error("line {line}: invalid %-escape in {found:?}")]
    BadEscape { line: usize, found: String },
}

/// A parsed `diffMatchPatch` patch: the hunks in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DmpPatch {
    pub(crate) hunks: Vec<Hunk>,
}

impl DmpPatch {
    /// Number of hunks (`@@ … @@` sections).
    pub fn len(&self) -> usize {
        self.hunks.len()
    }

    /// Whether the patch has no hunks (it came from an empty string); it
    /// leaves every text unchanged.
    pub fn is_empty(&self) -> bool {
        self.hunks.is_empty()
    }
}

/// One `@@ … @@` section.
///
/// `start1`/`start2` are UTF-8 byte offsets as written in the header (made
/// 0-based); `length1`/`length2` are in UTF-16 units, derived the way the JS
/// library derives them: the header's byte count minus, for every line, how
/// many more UTF-8 bytes than UTF-16 units it has. They agree with the lines
/// when the header is honest, and are kept as computed when it is not, because
/// the applier's decisions (splitting long hunks, shifting later hunks after a
/// failed one) read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hunk {
    pub(crate) start1: i64,
    pub(crate) start2: i64,
    pub(crate) length1: i64,
    pub(crate) length2: i64,
    pub(crate) diffs: Vec<(Op, String)>,
}

/// Header numbers are JS doubles in the reference; beyond 2^53 they lose
/// precision there, and any such offset is past the end of every string
/// anyway, so larger numbers saturate here.
const MAX_HEADER_NUMBER: i64 = 1 << 53;

/// Parse the text of a `diffMatchPatch` operation.
///
/// The empty string is a patch with no hunks. Lines are separated by `\n`;
/// empty lines are ignored.
pub fn parse_dmp_patch(text: &str) -> Result<DmpPatch, DmpError> {
    let mut hunks = Vec::new();
    if text.is_empty() {
        return Ok(DmpPatch { hunks });
    }
    let mut lines = text.split('\n').enumerate().peekable();
    while let Some((index, header_line)) = lines.next() {
        let line = index + 1;
        let header = parse_header(header_line).ok_or_else(|| DmpError::BadHeader {
            line,
            found: shorten(header_line),
        })?;
        let mut hunk = header.into_hunk();
        while let Some(&(index, content)) = lines.peek() {
            let line = index + 1;
            let mut chars = content.chars();
            let Some(prefix) = chars.next() else {
                lines.next();
                continue;
            };
            if prefix == '@' {
                break; // next hunk
            }
            lines.next();
            // The reference decodes before it looks at the prefix, so a line
            // wrong in both ways reports the escape.
            let decoded = decode_uri(chars.as_str()).ok_or_else(|| DmpError::BadEscape {
                line,
                found: shorten(content),
            })?;
            let op = match prefix {
                ' ' => Op::Equal,
                '-' => Op::Delete,
                '+' => Op::Insert,
                other => {
                    return Err(DmpError::BadLinePrefix {
                        line,
                        prefix: other,
                    })
                }
            };
            let extra_bytes = (decoded.len() - decoded.encode_utf16().count()) as i64;
            if op != Op::Insert {
                hunk.length1 -= extra_bytes;
            }
            if op != Op::Delete {
                hunk.length2 -= extra_bytes;
            }
            hunk.diffs.push((op, decoded));
        }
        hunks.push(hunk);
    }
    Ok(DmpPatch { hunks })
}

/// Error messages quote at most this many characters of a line.
const QUOTE_LIMIT: usize = 60;

fn shorten(line: &str) -> String {
    match line.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

/// The four numbers of a header, each length still as written (`None` when
/// the `,length` part is absent).
struct Header<'a> {
    start1: i64,
    length1: Option<&'a str>,
    start2: i64,
    length2: Option<&'a str>,
}

impl Header<'_> {
    fn into_hunk(self) -> Hunk {
        let (start1, length1) = side(self.start1, self.length1);
        let (start2, length2) = side(self.start2, self.length2);
        Hunk {
            start1,
            start2,
            length1,
            length2,
            diffs: Vec::new(),
        }
    }
}

/// Unified-diff convention: `-5` means one unit at 5 (1-based), `-5,0` an
/// empty range after 5, `-5,3` three units from 5 (1-based). An empty length
/// after a comma (`-5,`) counts like an absent one, and only the exact text
/// `0` marks an empty range (`00` is a zero length at a 1-based start), as in
/// the reference's regex-based parser.
fn side(start: i64, length: Option<&str>) -> (i64, i64) {
    match length {
        None | Some("") => (start - 1, 1),
        Some("0") => (start, 0),
        Some(digits) => (start - 1, number(digits)),
    }
}

fn number(digits: &str) -> i64 {
    digits.bytes().fold(0i64, |n, d| {
        (n.saturating_mul(10).saturating_add(i64::from(d - b'0'))).min(MAX_HEADER_NUMBER)
    })
}

/// `@@ -(\d+),?(\d*) \+(\d+),?(\d*) @@`, the whole line.
fn parse_header(line: &str) -> Option<Header<'_>> {
    let rest = line.strip_prefix("@@ -")?;
    let (start1, length1, rest) = header_side(rest)?;
    let rest = rest.strip_prefix(" +")?;
    let (start2, length2, rest) = header_side(rest)?;
    if rest != " @@" {
        return None;
    }
    Some(Header {
        start1,
        length1,
        start2,
        length2,
    })
}

fn header_side(text: &str) -> Option<(i64, Option<&str>, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let start = number(&text[..digits]);
    let rest = &text[digits..];
    match rest.strip_prefix(',') {
        Some(after) => {
            let len_digits = after.bytes().take_while(u8::is_ascii_digit).count();
            Some((start, Some(&after[..len_digits]), &after[len_digits..]))
        }
        None => Some((start, None, rest)),
    }
}

/// JS `decodeURI`: `%XX` escapes are UTF-8 bytes; escapes of the characters
/// `encodeURI` leaves alone (`;/?:@&=+$,#`) stay as written; anything
/// malformed (a short or non-hex escape, a bad or overlong UTF-8 sequence)
/// is an error.
fn decode_uri(text: &str) -> Option<String> {
    const KEPT: &[u8] = b";/?:@&=+$,#";
    let bytes = text.as_bytes();
    if !bytes.contains(&b'%') {
        return Some(text.to_string());
    }
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let lead = escaped_byte(bytes, i)?;
        if lead < 0x80 {
            if KEPT.contains(&lead) {
                out.extend_from_slice(&bytes[i..i + 3]);
            } else {
                out.push(lead);
            }
            i += 3;
            continue;
        }
        let count = lead.leading_ones() as usize;
        if !(2..=4).contains(&count) {
            return None;
        }
        let mut sequence = vec![lead];
        i += 3;
        for _ in 1..count {
            if bytes.get(i) != Some(&b'%') {
                return None;
            }
            let next = escaped_byte(bytes, i)?;
            if next & 0xC0 != 0x80 {
                return None;
            }
            sequence.push(next);
            i += 3;
        }
        // Rejects overlong forms, surrogates and code points past U+10FFFF,
        // as the JS decoder does.
        std::str::from_utf8(&sequence).ok()?;
        out.extend_from_slice(&sequence);
    }
    String::from_utf8(out).ok()
}

/// The byte written as `%XX` at `at`.
fn escaped_byte(bytes: &[u8], at: usize) -> Option<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let high = hex(*bytes.get(at + 1)?)?;
    let low = hex(*bytes.get(at + 2)?)?;
    u8::try_from(high * 16 + low).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hunk(text: &str) -> Hunk {
        let patch = parse_dmp_patch(text).expect("parses");
        assert_eq!(patch.len(), 1);
        patch.hunks[0].clone()
    }

    #[test]
    fn empty_text_is_an_empty_patch() {
        assert!(parse_dmp_patch("").expect("parses").is_empty());
    }

    #[test]
    fn header_forms() {
        let h = hunk("@@ -21,18 +22,17 @@\n jump\n-s\n+ed\n  over \n");
        assert_eq!((h.start1, h.length1, h.start2, h.length2), (20, 18, 21, 17));
        let h = hunk("@@ -1 +1 @@\n-a\n+b\n");
        assert_eq!((h.start1, h.length1, h.start2, h.length2), (0, 1, 0, 1));
        let h = hunk("@@ -0,0 +1,3 @@\n+abc\n");
        assert_eq!((h.start1, h.length1, h.start2, h.length2), (0, 0, 0, 3));
        let h = hunk("@@ -5, +7,00 @@\n");
        assert_eq!((h.start1, h.length1, h.start2, h.length2), (4, 1, 6, 0));
        let h = hunk("@@ -99999999999999999999999,1 +1,1 @@\n");
        assert_eq!(h.start1, MAX_HEADER_NUMBER - 1);
    }

    #[test]
    fn lines_decode_like_decode_uri() {
        let h = hunk("@@ -1,3 +1,3 @@\n a%25b%0A\n-%D9%85\n+%F0%9F%98%80 x\n %2B%23\n");
        assert_eq!(
            h.diffs,
            vec![
                (Op::Equal, "a%b\n".to_string()),
                (Op::Delete, "م".to_string()),
                (Op::Insert, "😀 x".to_string()),
                // Escapes of characters encodeURI keeps are left alone.
                (Op::Equal, "%2B%23".to_string()),
            ]
        );
    }

    #[test]
    fn utf8_headers_turn_into_utf16_lengths() {
        // "سلام" is 8 UTF-8 bytes and 4 UTF-16 units; "😀" is 4 and 2.
        let h =
            hunk("@@ -1,12 +1,8 @@\n-%D8%B3%D9%84%D8%A7%D9%85\n %F0%9F%98%80\n+ab%F0%9F%98%80\n");
        assert_eq!((h.length1, h.length2), (6, 4));
    }

    #[test]
    fn several_hunks() {
        let p = parse_dmp_patch("@@ -1,5 +1,5 @@\n-a\n+b\n ccc\n@@ -20,4 +20,5 @@\n xx\n+y\n")
            .expect("parses");
        assert_eq!(p.len(), 2);
        assert_eq!(p.hunks[1].start2, 19);
    }

    #[test]
    fn errors() {
        let bad_header =
            |text: &str| matches!(parse_dmp_patch(text), Err(DmpError::BadHeader { .. }));
        assert!(bad_header("\n"));
        assert!(bad_header("hello"));
        assert!(bad_header("@@ -1,2 +1,2 @@ \n"));
        assert!(bad_header("@@ -a,2 +1,2 @@\n"));
        assert!(bad_header("@@ -1,2 +1,2 @@\r\n"));
        assert!(bad_header("@@ -1,2 +1,2 @@\n a\n@x\n"));
        assert!(bad_header("@@ -1,2,3 +1,2 @@\n"));
        assert_eq!(
            parse_dmp_patch("@@ -1 +1 @@\n a\n*b\n"),
            Err(DmpError::BadLinePrefix {
                line: 3,
                prefix: '*'
            })
        );
        for escape in [
            "%",
            "%4",
            "%zz",
            "%C3",
            "%C3%28",
            "%C0%80",
            "%ED%A0%80",
            "%F8%80%80%80",
            "%80",
        ] {
            assert!(
                matches!(
                    parse_dmp_patch(&format!("@@ -1 +1 @@\n+{escape}\n")),
                    Err(DmpError::BadEscape { line: 2, .. })
                ),
                "{escape}"
            );
        }
        let message = parse_dmp_patch("@@ -1 +1 @@\n?x\n")
            .unwrap_err()
            .to_string();
        assert!(message.contains("line 2"), "{message}");
    }
}
