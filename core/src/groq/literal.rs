//! Decoding string and number literals.

/// Decodes the inside of a string literal: JSON escapes plus `\u{1F600}` and
/// surrogate pairs written as two `\uXXXX`. `Err` carries the byte offset of
/// the bad escape within `raw`.
pub fn unescape(raw: &str) -> Result<String, (usize, String)> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err((i, "unterminated escape".into()));
        };
        match e {
            '\'' | '"' | '\\' | '/' => out.push(e),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let code = if chars.peek().map(|(_, c)| *c) == Some('{') {
                    chars.next();
                    let mut hex = String::new();
                    loop {
                        match chars.next() {
                            Some((_, '}')) => break,
                            Some((_, h)) if h.is_ascii_hexdigit() && hex.len() < 8 => hex.push(h),
                            _ => return Err((i, "invalid \\u{...} escape".into())),
                        }
                    }
                    u32::from_str_radix(&hex, 16)
                        .map_err(|_| (i, "invalid \\u{...} escape".to_string()))?
                } else {
                    let hi = hex4(&mut chars).ok_or((i, "invalid \\u escape".to_string()))?;
                    if (0xD800..0xDC00).contains(&hi) {
                        // A high surrogate must be followed by `\uDC00`-`\uDFFF`.
                        let low = match (chars.next(), chars.next()) {
                            (Some((_, '\\')), Some((_, 'u'))) => hex4(&mut chars),
                            _ => None,
                        };
                        match low {
                            Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            }
                            _ => return Err((i, "unpaired surrogate in \\u escape".into())),
                        }
                    } else {
                        hi
                    }
                };
                out.push(
                    char::from_u32(code)
                        .ok_or((i, "escape is not a Unicode code point".to_string()))?,
                );
            }
            other => return Err((i, format!("unknown escape \\{other}"))),
        }
    }
    Ok(out)
}

fn hex4(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..4 {
        let (_, c) = chars.next()?;
        v = v * 16 + c.to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            unescape(r#"a\"b\n\u00e9\u{1F600}\ud83d\ude00"#).unwrap(),
            "a\"b\né😀😀"
        );
        assert!(unescape(r"\ud83d").is_err());
        assert!(unescape(r"\x").is_err());
        assert!(unescape(r"\u{110000}").is_err());
    }
}
